/*
 * cursor.c - the per-user cursor files under the state directory.
 *
 * The file is written by prontodb (comments are not kept) and read back
 * with the config file's line syntax:
 *
 *	active = work
 *
 *	[default]
 *	db = main
 *
 *	[work]
 *	db = /srv/app.db
 *	meta = acme
 *	project = app
 *	namespace = config
 */
/* realpath(3) is XSI, beyond the POSIX base the build asks for. */
#define _XOPEN_SOURCE 700

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cursor.h"
#include "store.h"
#include "util.h"

static int
bad_file_name(const char *s)
{
	if (*s == '\0' || *s == '.' || strchr(s, '/') != NULL)
		return 1;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

enum pd_status
cursor_user(const char *flag, char **user, char **cause)
{
	const struct passwd	*pw;
	const char		*name = flag;

	/*
	 * $USER before the password database: looking a user up costs a
	 * one-shot verb a tenth of its time, and $USER is the login name
	 * wherever a login set it (--user can name anyone anyway).
	 */
	if (name == NULL && (name = getenv("USER")) != NULL && *name == '\0')
		name = NULL;
	if (name == NULL && (pw = getpwuid(geteuid())) != NULL)
		name = pw->pw_name;
	if (name == NULL) {
		*cause = xstrdup("cannot tell whose cursor to use: set USER "
		    "or use --user NAME");
		return PD_USAGE;
	}
	if (bad_file_name(name)) {
		*cause = xasprintf("invalid user name '%s' for a cursor",
		    util_word(name));
		return PD_USAGE;
	}
	*user = xstrdup(name);
	return PD_OK;
}

int
cursor_any(const char *state)
{
	char	*dir;
	int	 yes;

	if (state == NULL)
		return 0;
	dir = xasprintf("%s/cursors", state);
	yes = access(dir, F_OK) == 0;
	free(dir);
	return yes;
}

enum pd_status
cursor_check_name(const char *name, char **cause)
{
	const char	*s;

	for (s = name; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' ||
		    ((*s == '-' || *s == '.') && s != name)))
			break;
	if (*name != '\0' && *s == '\0')
		return PD_OK;
	*cause = xasprintf("invalid cursor name '%s': use letters, digits, "
	    "'_', and '-' or '.' after the first character", util_word(name));
	return PD_USAGE;
}

enum pd_status
cursor_check_meta(const char *org, char **cause)
{
	if (*org != '\0')
		return cursor_check_value("meta context", org, cause);
	*cause = xstrdup("a meta context needs a name");
	return PD_USAGE;
}

enum pd_status
cursor_check_value(const char *what, const char *v, char **cause)
{
	size_t	 n = strlen(v), i;

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			*cause = xasprintf("%s contains a control character",
			    what);
			return PD_USAGE;
		}
	if (n > 0 && (v[0] == ' ' || v[n - 1] == ' ')) {
		*cause = xasprintf("%s '%s' cannot be kept in a cursor: it "
		    "starts or ends with a space", what, util_word(v));
		return PD_USAGE;
	}
	return PD_OK;
}

enum pd_status
cursor_check_db(const struct paths *p, const char *db, char **resolved,
    char **cause)
{
	struct store_place	 place = { p->data, p->error, p->server };
	struct store_loc	 loc;
	struct stat		 sb;
	enum pd_status		 s;

	if (config_check(CONFIG_DATABASE, "database", db, cause) != PD_OK)
		return PD_USAGE;
	if (strchr(db, '/') != NULL && !store_is_server(db)) {
		/* Remember a path absolute: the cursor outlives the cwd. */
		if ((*resolved = realpath(db, NULL)) == NULL) {
			*cause = xasprintf("database '%s' does not exist",
			    util_word(db));
			return PD_MISS;
		}
		if (stat(*resolved, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			*cause = xasprintf("database '%s' is not a file",
			    util_word(db));
			free(*resolved);
			*resolved = NULL;
			return PD_USAGE;
		}
		return PD_OK;
	}
	if ((s = store_locate(&place, db, &loc, cause)) != PD_OK)
		return s;
	/*
	 * Named as the store shows it: a server's URL without its password,
	 * which a cursor file must not keep (libpq's ~/.pgpass supplies it).
	 */
	if (strcmp(db, "main") != 0 && !store_exists(&loc)) {
		*cause = xasprintf("database '%s' does not exist",
		    util_word(loc.name));
		store_loc_free(&loc);
		return PD_MISS;
	}
	*resolved = xstrdup(store_is_server(db) ? loc.name : db);
	store_loc_free(&loc);
	return PD_OK;
}

struct cursor *
cursor_find(const struct cursors *cs, const char *name)
{
	size_t	 i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i].name, name) == 0)
			return &cs->v[i];
	return NULL;
}

struct cursor *
cursor_get(struct cursors *cs, const char *name)
{
	struct cursor	*c;

	if ((c = cursor_find(cs, name)) != NULL)
		return c;
	cs->v = xrealloc(cs->v, (cs->n + 1) * sizeof(*cs->v));
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	return c;
}

void
cursor_clear(struct cursor *c)
{
	free(c->name);
	free(c->db);
	free(c->meta);
	free(c->project);
	free(c->ns);
	memset(c, 0, sizeof(*c));
}

enum pd_status
cursor_del(struct cursors *cs, const char *name, char **cause)
{
	struct cursor	*c;
	size_t		 i;

	if (strcmp(name, CURSOR_DEFAULT) == 0) {
		*cause = xstrdup("the default cursor cannot be deleted");
		return PD_USAGE;
	}
	if ((c = cursor_find(cs, name)) == NULL) {
		*cause = xasprintf("no cursor '%s'", util_word(name));
		return PD_MISS;
	}
	i = (size_t)(c - cs->v);
	cursor_clear(c);
	memmove(c, c + 1, (cs->n - i - 1) * sizeof(*c));
	cs->n--;
	if (strcmp(cs->active, name) == 0) {
		free(cs->active);
		cs->active = xstrdup(CURSOR_DEFAULT);
	}
	return PD_OK;
}

void
cursor_field(char **field, const char *value)
{
	free(*field);
	*field = value != NULL && *value != '\0' ? xstrdup(value) : NULL;
}

void
cursor_release(struct cursors *cs)
{
	size_t	 i;

	for (i = 0; i < cs->n; i++)
		cursor_clear(&cs->v[i]);
	free(cs->v);
	free(cs->user);
	free(cs->file);
	free(cs->active);
	memset(cs, 0, sizeof(*cs));
}

/* One line of the file; sec is the section's cursor or NULL before one. */
static enum pd_status
parse_line(struct cursors *cs, struct cursor **sec, char *line,
    unsigned n, char **cause)
{
	char	*key, *val, *why = NULL;
	size_t	 len;
	int	 r;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '[') {
		len = strlen(line);
		while (len > 0 && (line[len - 1] == ' ' ||
		    line[len - 1] == '\t' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len < 2 || line[len - 1] != ']') {
			*cause = xasprintf("%s:%u: expected '[name]'",
			    cs->file, n);
			return PD_USAGE;
		}
		line[len - 1] = '\0';
		if (cursor_check_name(line + 1, &why) != PD_OK)
			goto bad;
		*sec = cursor_get(cs, line + 1);
		return PD_OK;
	}
	if ((r = config_split(line, &key, &val)) == 0)
		return PD_OK;
	if (r < 0) {
		*cause = xasprintf("%s:%u: expected 'key = value'", cs->file,
		    n);
		return PD_USAGE;
	}
	if (*sec == NULL && strcmp(key, "active") == 0) {
		if (cursor_check_name(val, &why) != PD_OK)
			goto bad;
		free(cs->active);
		cs->active = xstrdup(val);
	} else if (*sec != NULL && strcmp(key, "db") == 0)
		cursor_field(&(*sec)->db, val);
	else if (*sec != NULL && strcmp(key, "meta") == 0)
		cursor_field(&(*sec)->meta, val);
	else if (*sec != NULL && strcmp(key, "project") == 0)
		cursor_field(&(*sec)->project, val);
	else if (*sec != NULL && strcmp(key, "namespace") == 0)
		cursor_field(&(*sec)->ns, val);
	else {
		*cause = xasprintf("%s:%u: unknown key '%s'", cs->file, n,
		    util_word(key));
		return PD_USAGE;
	}
	return PD_OK;
bad:
	*cause = xasprintf("%s:%u: %s", cs->file, n, why);
	free(why);
	return PD_USAGE;
}

enum pd_status
cursor_load(struct cursors *cs, const char *state, const char *user,
    char **cause)
{
	struct buf	 b;
	struct cursor	*sec = NULL;
	enum pd_status	 s;
	char		*line, *next;
	unsigned	 n = 0;

	memset(cs, 0, sizeof(*cs));
	cs->user = xstrdup(user);
	cs->file = xasprintf("%s/cursors/%s", state, user);
	cs->active = xstrdup(CURSOR_DEFAULT);
	cursor_get(cs, CURSOR_DEFAULT);
	buf_init(&b);
	if ((s = paths_read_file(cs->file, &b, cause)) == PD_MISS) {
		s = PD_OK;
		goto out;
	}
	if (s != PD_OK)
		goto out;
	if (strlen(b.data != NULL ? b.data : "") != b.len) {
		*cause = xasprintf("%s: a cursor file cannot hold NUL bytes",
		    cs->file);
		s = PD_USAGE;
		goto out;
	}
	for (line = b.data; line != NULL && *line != '\0'; line = next) {
		n++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((s = parse_line(cs, &sec, line, n, cause)) != PD_OK)
			goto out;
	}
	if (cursor_find(cs, cs->active) == NULL) {
		*cause = xasprintf("%s: the active cursor '%s' does not exist",
		    cs->file, util_word(cs->active));
		s = PD_USAGE;
	}
out:
	buf_release(&b);
	return s;
}

static void
add_field(struct buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_adds(b, name);
	buf_adds(b, " = ");
	buf_adds(b, value);
	buf_addc(b, '\n');
}

enum pd_status
cursor_save(const struct cursors *cs, char **cause)
{
	struct buf	 b;
	enum pd_status	 s;
	size_t		 i;

	buf_init(&b);
	buf_adds(&b, "# prontodb cursors of ");
	buf_adds(&b, cs->user);
	buf_adds(&b, " (rewritten by prontodb: use the cursor verbs)\n");
	add_field(&b, "active", cs->active);
	for (i = 0; i < cs->n; i++) {
		buf_adds(&b, "\n[");
		buf_adds(&b, cs->v[i].name);
		buf_adds(&b, "]\n");
		add_field(&b, "db", cs->v[i].db);
		add_field(&b, "meta", cs->v[i].meta);
		add_field(&b, "project", cs->v[i].project);
		add_field(&b, "namespace", cs->v[i].ns);
	}
	s = paths_replace_file(cs->file, b.data, b.len, cause);
	buf_release(&b);
	return s;
}
