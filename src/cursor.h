/*
 * cursor.h - cursors: a user's remembered database and scope.
 *
 * Each user has one file, STATE/cursors/USER, holding named cursors and
 * which of them is active.  A cursor names a database and optionally a
 * meta context (upstream's fourth address level) and a project and
 * namespace, the starting scope of every command.  The cursor
 * called "default" always exists; `--select DB` changes the database of
 * the cursor in effect, `cursor set/use/del` manage the rest.  Users and
 * homes never share a file, so they never see each other's selection.
 */
#ifndef PRONTO_CURSOR_H
#define PRONTO_CURSOR_H

#include <stddef.h>

#include "paths.h"
#include "status.h"

#define CURSOR_DEFAULT	"default"

struct cursor {
	char	*name;
	char	*db;		/* a name or an absolute path, or NULL */
	char	*meta;		/* the meta context, or NULL */
	char	*project;	/* NULL when unset */
	char	*ns;
};

struct cursors {
	char		*user;
	char		*file;
	char		*active;	/* never NULL */
	struct cursor	*v;		/* v[0] is the default cursor */
	size_t		 n;
};

/*
 * Whose cursors: flag (--user) when given, else $USER, else the name of
 * the effective user in the password database.  The name must be usable
 * as a file name.
 * PD_USAGE with *cause when it is not, or when nobody can be found.
 */
enum pd_status	cursor_user(const char *flag, char **user, char **cause);

/* Whether any user of this home has a cursor file: a cheap first test. */
int		cursor_any(const char *state);

/*
 * Load user's cursors from the state directory.  A missing file gives the
 * default cursor alone, active.  A damaged file is PD_USAGE with a *cause
 * of the form "FILE:LINE: why".
 */
enum pd_status	cursor_load(struct cursors *, const char *state,
		    const char *user, char **cause);
void		cursor_release(struct cursors *);

/* Write the cursors back, atomically, mode 0600. */
enum pd_status	cursor_save(const struct cursors *, char **cause);

/* The cursor called name, or NULL. */
struct cursor	*cursor_find(const struct cursors *, const char *name);
/* The cursor called name, added empty when missing. */
struct cursor	*cursor_get(struct cursors *, const char *name);
/*
 * Remove the cursor called name; the default cursor cannot go.  When it
 * was active the default cursor becomes active.
 */
enum pd_status	cursor_del(struct cursors *, const char *name,
		    char **cause);

/* Free a cursor's fields and leave it zeroed. */
void		cursor_clear(struct cursor *);

/* Set a field of a cursor to a copy of value; NULL or "" clears it. */
void		cursor_field(char **field, const char *value);

/*
 * Check a meta context's name (--meta, a cursor's meta): not empty, no
 * control characters, no spaces around it.  PD_USAGE with *cause.
 */
enum pd_status	cursor_check_meta(const char *org, char **cause);

/* Check a cursor name: letters, digits, '_', '-' and '.', not leading. */
enum pd_status	cursor_check_name(const char *name, char **cause);

/*
 * Check that a value (what names it) can be kept in a cursor file: no
 * control characters and no surrounding white space.
 */
enum pd_status	cursor_check_value(const char *what, const char *value,
		    char **cause);

/*
 * Check that db names an existing database, as a cursor must (main
 * excepted, which is created on first use like any default).  On success
 * *resolved is what to remember: the name, or an absolute path.  PD_MISS
 * when the database does not exist, PD_USAGE for an invalid name, PD_ERROR
 * without a data directory; all with *cause.
 */
enum pd_status	cursor_check_db(const struct paths *, const char *db,
		    char **resolved, char **cause);

#endif
