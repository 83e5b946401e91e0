/*
 * cmd-db.c - databases: db create, drop, rename, list, describe, use.
 *
 * A database is what the store finds behind a locator (store_locate): a
 * name in the data directory, a path or a server.  These verbs work
 * through the store's life calls and on cursors, so they do not open the
 * database the command runs against; `-d PATH` still reaches any file for
 * other verbs.
 * The database a verb names has its own users: drop, rename and describe
 * are authorized against them (engine_authorize).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "cursor.h"
#include "engine.h"
#include "store.h"
#include "util.h"

/*
 * Database NAME given as argument a, located; names only, no paths, under
 * the rule of every database name (paths_db_name_error), or a server's
 * URL.
 */
static enum pd_status
db_loc(struct engine *e, const struct arg *a, struct store_loc *loc,
    char **cause)
{
	const char	*why = strlen(a->s) != a->len ? "names have no NUL "
			    "bytes" : store_is_server(a->s) ? NULL :
			    paths_db_name_error(a->s);

	engine_blame(e, a->line, a->col);
	if (why != NULL) {
		*cause = xasprintf("invalid database name '%s': %s",
		    util_wordn(a->s, a->len), why);
		return PD_DATAERR;
	}
	if (engine_locate(e, a->s, loc, cause) != PD_OK)
		return PD_DATAERR;
	engine_blame(e, 0, 0);
	return PD_OK;
}

static enum pd_status	carry_cursors(struct engine *, const char *,
			    const char *, char **);

static enum pd_status
missing(const char *name, char **cause)
{
	*cause = xasprintf("no database '%s'", util_word(name));
	return PD_ERROR;
}

static enum pd_status
cmd_db_create(struct engine *e, struct stmt *st, char **cause)
{
	struct store_loc	 loc;
	enum pd_status		 s;

	if ((s = db_loc(e, &st->args[0], &loc, cause)) != PD_OK)
		return s;
	if (store_exists(&loc)) {
		*cause = xasprintf("database '%s' already exists",
		    util_word(loc.name));
		s = PD_ERROR;
	} else if (!e->opts.dry_run)
		s = store_create(&loc, e->opts.busy_ms, cause);
	store_loc_free(&loc);
	return s;
}

static enum pd_status
list_one(void *ctx, const char *name)
{
	struct engine	*e = ctx;

	out_str(e->out, "database", name);
	return out_emit(e->out, OUT_WORDS);
}

static enum pd_status
cmd_db_list(struct engine *e, struct stmt *st, char **cause)
{
	struct store_place	 place = { e->opts.paths->data,
				    e->opts.paths->error,
				    e->opts.paths->server };

	(void)st;
	return store_list(&place, list_one, e, cause);
}

struct totals {
	long long	 projects;
	long long	 namespaces;
	long long	 keys;
	long long	 elsewhere;	/* projects of other meta contexts */
};

static enum pd_status
add_project(void *ctx, const struct store_object *o)
{
	struct totals	*t = ctx;

	t->projects++;
	t->namespaces += o->namespaces;
	t->keys += o->keys;
	return PD_OK;
}

/* Open another database just to count what it holds. */
static enum pd_status
count(struct engine *e, const struct store_loc *loc, struct totals *t,
    char **cause)
{
	struct store	*store;
	enum pd_status	 s;

	memset(t, 0, sizeof(*t));
	if ((s = store_open(loc, e->opts.busy_ms, 1, &store, cause)) != PD_OK)
		return s;
	if ((s = store_projects(store, NULL, add_project, t, cause)) == PD_OK)
		s = store_projects_elsewhere(store, &t->elsewhere, cause);
	store_close(store);
	return s;
}

/* A fact of store_describe, as a field of db describe's record. */
static enum pd_status
fact(void *ctx, const char *name, const char *text, long long num)
{
	struct engine	*e = ctx;

	if (text != NULL)
		out_str(e->out, name, text);
	else
		out_int(e->out, name, num);
	return PD_OK;
}

static enum pd_status
cmd_db_describe(struct engine *e, struct stmt *st, char **cause)
{
	struct store_loc	 loc;
	struct totals		 t;
	enum pd_status		 s;

	if ((s = db_loc(e, &st->args[0], &loc, cause)) != PD_OK)
		return s;
	if (!store_exists(&loc)) {
		s = missing(loc.name, cause);
		store_loc_free(&loc);
		return s;
	}
	/* Its counts are read from it: a user of that database may. */
	if ((s = engine_authorize(e, &loc, loc.name, GRANT_READ,
	    cause)) == PD_OK && (s = count(e, &loc, &t, cause)) == PD_OK) {
		out_str(e->out, "database", loc.name);
		if ((s = store_describe(&loc, fact, e, cause)) == PD_OK) {
			out_int(e->out, "projects", t.projects);
			out_int(e->out, "namespaces", t.namespaces);
			out_int(e->out, "keys", t.keys);
			s = out_emit(e->out, OUT_FIELDS);
		}
	}
	store_loc_free(&loc);
	return s;
}

/* The database the user's cursor in effect selects (main by default). */
static char *
selected(struct engine *e)
{
	struct cursors	 cs;
	struct cursor	*c;
	char		*cause = NULL, *db = NULL;

	if (cmd_cursors_load(e, &cs, &cause) == PD_OK &&
	    (c = cursor_find(&cs, cmd_cursor_in_effect(e, &cs))) != NULL &&
	    c->db != NULL)
		db = xstrdup(c->db);
	cursor_release(&cs);
	free(cause);
	return db != NULL ? db : xstrdup(e->opts.config != NULL ?
	    e->opts.config->value[CONFIG_DATABASE] : "main");
}

static enum pd_status
cmd_db_drop(struct engine *e, struct stmt *st, char **cause)
{
	const char		*name = st->args[0].s;
	struct store_loc	 loc;
	struct totals		 t;
	enum pd_status		 s;
	char			*sel;
	int			 force = engine_flag(st, "force");

	if ((s = db_loc(e, &st->args[0], &loc, cause)) != PD_OK)
		return s;
	/* As the store shows it: a server's URL without its password. */
	name = loc.name;
	if (!store_exists(&loc)) {
		s = missing(name, cause);
		store_loc_free(&loc);
		return s;
	}
	/* Administering this database grants nothing over that one. */
	if ((s = engine_authorize(e, &loc, name, GRANT_ADMIN, cause)) !=
	    PD_OK) {
		store_loc_free(&loc);
		return s;
	}
	sel = selected(e);
	if ((s = count(e, &loc, &t, cause)) != PD_OK)
		goto out;
	if (!force && strcmp(sel, name) == 0) {
		*cause = xasprintf("database '%s' is selected: drop it with "
		    "force", util_word(name));
		s = PD_ERROR;
	} else if (!force && t.keys > 0) {
		*cause = xasprintf("database '%s' is not empty (%lld key%s): "
		    "drop it with force", util_word(name), t.keys,
		    t.keys == 1 ? "" : "s");
		s = PD_ERROR;
	} else if (!force && t.elsewhere > 0) {
		*cause = xasprintf("database '%s' holds the data of other meta "
		    "contexts: drop it with force", util_word(name));
		s = PD_ERROR;
	} else if (!e->opts.dry_run &&
	    (s = store_drop(&loc, cause)) == PD_OK)
		s = carry_cursors(e, name, NULL, cause);
out:
	free(sel);
	store_loc_free(&loc);
	return s;
}

/*
 * Point every cursor of every user of this home at the new name, or, with
 * to NULL, back at the default database.
 */
static enum pd_status
carry_cursors(struct engine *e, const char *from, const char *to,
    char **cause)
{
	struct cursors	 cs;
	enum pd_status	 s = PD_OK;
	struct dirent	*de;
	DIR		*d;
	char		*dir;
	size_t		 i;
	int		 changed;

	dir = xasprintf("%s/cursors", e->opts.paths->state);
	d = opendir(dir);
	free(dir);
	if (d == NULL)
		return PD_OK;
	while (s == PD_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strchr(de->d_name, '.') != NULL)
			continue;
		if ((s = cursor_load(&cs, e->opts.paths->state, de->d_name,
		    cause)) != PD_OK)
			break;
		for (i = 0, changed = 0; i < cs.n; i++)
			if (cs.v[i].db != NULL && strcmp(cs.v[i].db, from) == 0) {
				cursor_field(&cs.v[i].db, to);
				changed = 1;
			}
		if (changed)
			s = cursor_save(&cs, cause);
		cursor_release(&cs);
	}
	closedir(d);
	return s;
}

static enum pd_status
cmd_db_rename(struct engine *e, struct stmt *st, char **cause)
{
	struct store_loc	 from, to;
	enum pd_status		 s;

	memset(&from, 0, sizeof(from));
	memset(&to, 0, sizeof(to));
	if ((s = db_loc(e, &st->args[0], &from, cause)) != PD_OK ||
	    (s = db_loc(e, &st->args[1], &to, cause)) != PD_OK)
		goto out;
	if (!store_exists(&from)) {
		s = missing(from.name, cause);
		goto out;
	}
	if ((s = engine_authorize(e, &from, from.name, GRANT_ADMIN,
	    cause)) != PD_OK)
		goto out;
	if (store_exists(&to)) {
		*cause = xasprintf("database '%s' already exists",
		    util_word(to.name));
		s = PD_ERROR;
		goto out;
	}
	if (!e->opts.dry_run &&
	    (s = store_rename(&from, &to, e->opts.busy_ms, cause)) == PD_OK)
		s = carry_cursors(e, st->args[0].s, st->args[1].s, cause);
out:
	store_loc_free(&from);
	store_loc_free(&to);
	return s;
}

static enum pd_status
cmd_db_use(struct engine *e, struct stmt *st, char **cause)
{
	struct cursors	 cs;
	struct cursor	*c;
	enum pd_status	 s;
	char		*db = NULL;

	engine_blame(e, st->args[0].line, st->args[0].col);
	if ((s = cursor_check_db(e->opts.paths, st->args[0].s, &db, cause)) !=
	    PD_OK)
		return s == PD_MISS ? PD_ERROR : PD_DATAERR;
	engine_blame(e, 0, 0);
	if ((s = cmd_cursors_load(e, &cs, cause)) == PD_OK) {
		c = cursor_get(&cs, cmd_cursor_in_effect(e, &cs));
		cursor_field(&c->db, db);
		s = cmd_cursors_save(e, &cs, cause);
	}
	cursor_release(&cs);
	free(db);
	return s;
}

const struct cmd cmd_db_create_entry = {
	.name = "db create",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_ADMIN | CMD_OBJ,
	.exec = cmd_db_create,
	.summary = "create a database",
	.help = "Create the empty database NAME, the file NAME.db in the "
	    "data directory. NAME is a name, not a path: -d PATH reaches a "
	    "file elsewhere. A database that exists is an error (exit 1). A "
	    "database is also created by the first command that uses it with "
	    "-d NAME.",
	.example = "prontodb db create scratch\n"
	    "prontodb db list",
};

const struct cmd cmd_db_describe_entry = {
	.name = "db describe",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ,
	.exec = cmd_db_describe,
	.summary = "show a database's file, size and counts",
	.help = "Print the facts of the database NAME, one per line: its "
	    "file, the bytes it takes with its write-ahead log, and its "
	    "numbers of projects, namespaces and keys. A database that does "
	    "not exist is an error (exit 1). An authenticated user must be "
	    "a user of NAME too, with the same password.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb db describe main",
};

static const struct cmd_opt db_drop_opts[] = {
	{ "force", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_db_drop_entry = {
	.name = "db drop",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_ADMIN | CMD_OBJ,
	.opts = db_drop_opts,
	.exec = cmd_db_drop,
	.summary = "delete a database (selected or not empty: with force)",
	.help = "Delete the database NAME: its file, with its -wal, -shm "
	    "and -watch files. A database that holds keys, or that the cursor in effect "
	    "selects, is dropped only with force; without it nothing changes "
	    "and the exit status is 1. Every cursor that selected it goes "
	    "back to the default database. An authenticated user must be an "
	    "admin of NAME too, by its own users, with the same password.",
	.example = "prontodb db create scratch\n"
	    "prontodb db drop scratch",
};

const struct cmd cmd_db_list_entry = {
	.name = "db list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OBJ,
	.exec = cmd_db_list,
	.summary = "list the databases in the data directory",
	.help = "Print the names of the databases in the data directory, one "
	    "per line, in byte order. A database given by path (-d PATH) is "
	    "not listed.",
	.example = "prontodb db create scratch\n"
	    "prontodb db list",
};

const struct cmd cmd_db_rename_entry = {
	.name = "db rename",
	.args = "OLD NEW",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_ADMIN | CMD_OBJ,
	.exec = cmd_db_rename,
	.summary = "rename a database; cursors follow",
	.help = "Rename the database OLD to NEW, which must not exist; every "
	    "cursor that selected OLD then selects NEW. An authenticated "
	    "user must be an admin of OLD too, by its own users, with the "
	    "same password.",
	.example = "prontodb db create scratch\n"
	    "prontodb db rename scratch archive",
};

const struct cmd cmd_db_use_entry = {
	.name = "db use",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ,
	.exec = cmd_db_use,
	.summary = "select a database and remember it (like --select)",
	.help = "Select the database NAME, or a path, in the cursor in "
	    "effect, as --select does, so that later commands use it. It "
	    "must exist, except main (exit 1 otherwise); db use main goes "
	    "back to the default.",
	.example = "prontodb db create work\n"
	    "prontodb db use work\n"
	    "prontodb db use main",
};
