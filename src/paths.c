/*
 * paths.c - XDG directories, database file names, and the reading and
 * atomic replacement of the small files under them (config, cursors).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

const char *
paths_db_name_error(const char *name)
{
	const char	*s;

	if (*name == '\0')
		return "a name is not empty";
	if (strchr(name, '/') != NULL || strstr(name, "..") != NULL)
		return "names have no '/' or '..' (use -d PATH for a file "
		    "elsewhere)";
	if (*name == '.')
		return "names do not start with '.'";
	for (s = name; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "names have no control characters";
	return NULL;
}

enum pd_status
paths_mkdirs(const char *dir, char **cause)
{
	char	*copy, *s;

	/* Usually it exists: one call instead of one per component. */
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return PD_OK;
	copy = xstrdup(dir);
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

/* Small files only: a config or cursor file is a few lines. */
#define PATHS_MAX_FILE	(1024 * 1024)

enum pd_status
paths_read_file(const char *file, struct buf *b, char **cause)
{
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;
	enum pd_status	 s = PD_OK;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return PD_MISS;
		*cause = xasprintf("cannot read %s: %s", file,
		    strerror(errno));
		return PD_IOERR;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*cause = xasprintf("cannot read %s: %s", file,
			    strerror(errno));
			s = PD_IOERR;
			break;
		}
		if (n == 0)
			break;
		if (b->len + (size_t)n > PATHS_MAX_FILE) {
			*cause = xasprintf("cannot read %s: larger than 1 MiB",
			    file);
			s = PD_IOERR;
			break;
		}
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	return s;
}

static enum pd_status
write_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return PD_IOERR;
		p += n;
		len -= (size_t)n;
	}
	return PD_OK;
}

enum pd_status
paths_replace_file(const char *file, const void *data, size_t len,
    char **cause)
{
	const char	*slash = strrchr(file, '/');
	char		*dir, *tmp;
	enum pd_status	 s;
	int		 fd;

	dir = slash == NULL ? xstrdup(".") : slash == file ? xstrdup("/") :
	    xmemdup(file, (size_t)(slash - file));
	s = paths_mkdirs(dir, cause);
	free(dir);
	if (s != PD_OK)
		return s;
	tmp = xasprintf("%s.XXXXXX", file);
	/* mkstemp makes the file 0600 whatever the umask. */
	if ((fd = mkstemp(tmp)) < 0) {
		*cause = xasprintf("cannot create %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		return PD_IOERR;
	}
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != PD_OK ||
	    fsync(fd) != 0) {
		*cause = xasprintf("cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		*cause = xasprintf("cannot write %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (rename(tmp, file) != 0) {
		*cause = xasprintf("cannot replace %s: %s", file,
		    strerror(errno));
		goto fail;
	}
	free(tmp);
	return PD_OK;
fail:
	unlink(tmp);
	free(tmp);
	return PD_IOERR;
}

enum pd_status
paths_copy_file(const char *src, const char *dst, char **cause)
{
	char	 chunk[65536];
	ssize_t	 n = 0;
	int	 in, out, ok = 1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		*cause = xasprintf("cannot read %s: %s", src, strerror(errno));
		return PD_IOERR;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		*cause = xasprintf("cannot create %s: %s", dst,
		    strerror(errno));
		close(in);
		return PD_IOERR;
	}
	while (ok && (n = read(in, chunk, sizeof(chunk))) > 0)
		ok = write(out, chunk, (size_t)n) == n;
	if (n < 0 || fsync(out) != 0)
		ok = 0;
	close(in);
	if (close(out) != 0)
		ok = 0;
	if (!ok) {
		*cause = xasprintf("cannot write %s: %s", dst, strerror(errno));
		unlink(dst);
		return PD_IOERR;
	}
	return PD_OK;
}
