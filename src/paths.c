/*
 * paths.c - XDG directories and database file names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "util.h"

static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* $VAR/prontodb when VAR is set and absolute, else HOME/fallback/prontodb. */
static char *
xdg_dir(const char *var, const char *home, const char *fallback)
{
	const char	*v = var != NULL ? env(var) : NULL;

	if (v != NULL && v[0] == '/')
		return xasprintf("%s/prontodb", v);
	return xasprintf("%s/%s/prontodb", home, fallback);
}

void
paths_init(struct paths *p, const char *home_flag)
{
	const char	*home = home_flag;
	int		 relocated = 1;

	memset(p, 0, sizeof(*p));
	if (home == NULL)
		home = env("PRONTO_HOME");
	if (home == NULL)
		home = env("XDG_HOME");
	if (home == NULL) {
		relocated = 0;
		home = env("HOME");
	}
	if (home == NULL) {
		p->error = xstrdup("cannot find a home directory: set HOME or "
		    "use --home DIR");
		return;
	}
	p->data = xdg_dir(relocated ? NULL : "XDG_DATA_HOME", home,
	    ".local/share");
	p->state = xdg_dir(relocated ? NULL : "XDG_STATE_HOME", home,
	    ".local/state");
	{
		char	*dir = xdg_dir(relocated ? NULL : "XDG_CONFIG_HOME",
		    home, ".config");

		p->config = xasprintf("%s/config", dir);
		free(dir);
	}
}

void
paths_release(struct paths *p)
{
	free(p->data);
	free(p->config);
	free(p->state);
	free(p->error);
	memset(p, 0, sizeof(*p));
}

enum pd_status
paths_db_file(const struct paths *p, const char *db, char **file,
    char **cause)
{
	if (strchr(db, '/') != NULL) {
		*file = xstrdup(db);
		return PD_OK;
	}
	if (p->data == NULL) {
		*cause = xstrdup(p->error);
		return PD_ERROR;
	}
	if (*db == '\0' || *db == '.') {
		*cause = xasprintf("invalid database name '%s'", db);
		return PD_USAGE;
	}
	*file = xasprintf("%s/%s.db", p->data, db);
	return PD_OK;
}

enum pd_status
paths_mkdirs(const char *dir, char **cause)
{
	char	*copy = xstrdup(dir), *s;

	for (s = copy + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		{
			char	 c = *s;

			*s = '\0';
			if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
				*cause = xasprintf("cannot create %s: %s",
				    copy, strerror(errno));
				free(copy);
				return PD_IOERR;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(copy);
	return PD_OK;
}
