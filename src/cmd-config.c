/*
 * cmd-config.c - the verbs of settings and cursors: config get, list, set
 * and unset; cursor show, list, set, use and del, and upstream's names
 * cursor active (show) and cursor delete (del).
 *
 * They work on files (the config file, the user's cursor file), never on
 * the database.  A change takes effect from the next command; the running
 * one keeps the settings it started with.  In a dry run they check
 * everything and write nothing.
 */
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cmd.h"
#include "config.h"
#include "cursor.h"
#include "engine.h"
#include "store.h"
#include "util.h"

static enum pd_status
settings(const struct engine *e, const struct config **cfg, char **cause)
{
	if ((*cfg = e->opts.config) == NULL) {
		*cause = xstrdup("no settings loaded");
		return PD_ERROR;
	}
	return PD_OK;
}

/* The key named by argument i, or PD_DATAERR blaming it. */
static enum pd_status
key_arg(struct engine *e, const struct stmt *st, size_t i, int *k,
    char **cause)
{
	const struct arg	*a = &st->args[i];

	if ((*k = config_key(a->s)) >= 0 && strlen(a->s) == a->len)
		return PD_OK;
	engine_blame(e, a->line, a->col);
	*cause = xasprintf("unknown key '%s' (see 'config list')",
	    util_wordn(a->s, a->len));
	return PD_DATAERR;
}

static enum pd_status
cmd_config_get(struct engine *e, struct stmt *st, char **cause)
{
	const struct config	*cfg;
	enum pd_status		 s;
	char			*v;
	int			 k;

	if ((s = settings(e, &cfg, cause)) != PD_OK ||
	    (s = key_arg(e, st, 0, &k, cause)) != PD_OK)
		return s;
	/* A URL's password stays out of output (libpq's ~/.pgpass). */
	v = store_shown(cfg->value[k]);
	out_str(e->out, "key", config_key_name(k));
	out_str(e->out, "value", v);
	s = out_emit(e->out, OUT_VALUE);
	free(v);
	return s;
}

static enum pd_status
cmd_config_list(struct engine *e, struct stmt *st, char **cause)
{
	const struct config	*cfg;
	enum pd_status		 s;
	char			*line, *v;
	int			 k;

	if ((s = settings(e, &cfg, cause)) != PD_OK)
		return s;
	for (k = 0; k < CONFIG_NKEYS && s == PD_OK; k++) {
		v = store_shown(cfg->value[k]);
		if (e->out->format != OUT_TEXT) {
			out_str(e->out, "key", config_key_name(k));
			out_str(e->out, "value", v);
			out_str(e->out, "origin", cfg->origin[k]);
			s = out_emit(e->out, OUT_WORDS);
			free(v);
			continue;
		}
		line = xasprintf("%s = %s (%s)", config_key_name(k), v,
		    cfg->origin[k]);
		s = out_line(e->out, line);
		free(line);
		free(v);
	}
	return s;
}

/* Write key (value NULL: remove it) to the config file in use. */
static enum pd_status
write_key(struct engine *e, int k, const char *value, char **cause)
{
	const struct config	*cfg;
	enum pd_status		 s;

	if ((s = settings(e, &cfg, cause)) != PD_OK)
		return s;
	if (cfg->file == NULL) {
		*cause = xstrdup(e->opts.paths->error != NULL ?
		    e->opts.paths->error : "no config file");
		return PD_ERROR;
	}
	if (e->opts.dry_run)
		return PD_OK;
	return config_write(cfg->file, k, value, cause);
}

static enum pd_status
cmd_config_set(struct engine *e, struct stmt *st, char **cause)
{
	const struct arg	*v = &st->args[1];
	enum pd_status		 s;
	int			 k;

	if ((s = key_arg(e, st, 0, &k, cause)) != PD_OK)
		return s;
	if (strlen(v->s) != v->len ||
	    config_check(k, config_key_name(k), v->s, cause) != PD_OK) {
		if (*cause == NULL)
			*cause = xasprintf("%s cannot hold a NUL byte",
			    config_key_name(k));
		engine_blame(e, v->line, v->col);
		return PD_DATAERR;
	}
	return write_key(e, k, v->s, cause);
}

static enum pd_status
cmd_config_unset(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;
	int		 k;

	if ((s = key_arg(e, st, 0, &k, cause)) != PD_OK)
		return s;
	return write_key(e, k, NULL, cause);
}

/* The cursors of the user this command runs for. */
enum pd_status
cmd_cursors_load(struct engine *e, struct cursors *cs, char **cause)
{
	const struct config	*cfg = e->opts.config;
	enum pd_status		 s;
	char			*user = NULL;

	memset(cs, 0, sizeof(*cs));
	if (e->opts.paths->state == NULL) {
		*cause = xstrdup(e->opts.paths->error);
		return PD_ERROR;
	}
	if ((s = cursor_user(cfg != NULL ? cfg->user : NULL, &user, cause)) !=
	    PD_OK)
		return s;
	s = cursor_load(cs, e->opts.paths->state, user, cause);
	free(user);
	return s;
}

enum pd_status
cmd_cursors_save(struct engine *e, const struct cursors *cs, char **cause)
{
	return e->opts.dry_run ? PD_OK : cursor_save(cs, cause);
}

/* The cursor in effect: --cursor NAME, else the active one. */
const char *
cmd_cursor_in_effect(const struct engine *e, const struct cursors *cs)
{
	const struct config	*cfg = e->opts.config;

	return cfg != NULL && cfg->cursor != NULL ? cfg->cursor : cs->active;
}

static enum pd_status
show_field(struct engine *e, const char *name, const char *value)
{
	char		*line;
	enum pd_status	 s;

	if (value == NULL)
		return PD_OK;
	line = xasprintf("%s = %s", name, value);
	s = out_line(e->out, line);
	free(line);
	return s;
}

static enum pd_status
cmd_cursor_show(struct engine *e, struct stmt *st, char **cause)
{
	struct cursors	 cs;
	struct cursor	*c;
	enum pd_status	 s;

	if ((s = cmd_cursors_load(e, &cs, cause)) != PD_OK)
		goto out;
	if ((c = cursor_find(&cs, cmd_cursor_in_effect(e, &cs))) == NULL) {
		*cause = xasprintf("no cursor '%s'",
		    util_word(cmd_cursor_in_effect(e, &cs)));
		s = PD_DATAERR;
		goto out;
	}
	if (e->out->format != OUT_TEXT) {
		/* One record: the fields that are set. */
		out_str(e->out, "cursor", c->name);
		out_str(e->out, "user", cs.user);
		if (c->db != NULL)
			out_str(e->out, "db", c->db);
		if (c->meta != NULL)
			out_str(e->out, "meta", c->meta);
		if (c->project != NULL)
			out_str(e->out, "project", c->project);
		if (c->ns != NULL)
			out_str(e->out, "namespace", c->ns);
		s = out_emit(e->out, OUT_FIELDS);
	} else if ((s = show_field(e, "cursor", c->name)) == PD_OK &&
	    (s = show_field(e, "user", cs.user)) == PD_OK &&
	    (s = show_field(e, "db", c->db)) == PD_OK &&
	    (s = show_field(e, "meta", c->meta)) == PD_OK &&
	    (s = show_field(e, "project", c->project)) == PD_OK)
		s = show_field(e, "namespace", c->ns);
out:
	cursor_release(&cs);
	return s;
}

static enum pd_status
cmd_cursor_list(struct engine *e, struct stmt *st, char **cause)
{
	struct cursors	 cs;
	struct buf	 b;
	enum pd_status	 s;
	size_t		 i;

	buf_init(&b);
	if ((s = cmd_cursors_load(e, &cs, cause)) != PD_OK)
		goto out;
	for (i = 0; i < cs.n && s == PD_OK; i++) {
		const struct cursor	*c = &cs.v[i];

		if (e->out->format != OUT_TEXT) {
			out_str(e->out, "cursor", c->name);
			out_bool(e->out, "active", strcmp(c->name,
			    cmd_cursor_in_effect(e, &cs)) == 0);
			if (c->db != NULL)
				out_str(e->out, "db", c->db);
			if (c->meta != NULL)
				out_str(e->out, "meta", c->meta);
			if (c->project != NULL)
				out_str(e->out, "project", c->project);
			if (c->ns != NULL)
				out_str(e->out, "namespace", c->ns);
			s = out_emit(e->out, OUT_WORDS);
			continue;
		}
		buf_reset(&b);
		buf_adds(&b, strcmp(c->name, cmd_cursor_in_effect(e, &cs)) == 0 ? "* " :
		    "  ");
		buf_adds(&b, c->name);
		if (c->db != NULL) {
			buf_adds(&b, " db=");
			buf_adds(&b, c->db);
		}
		if (c->meta != NULL) {
			buf_adds(&b, " meta=");
			buf_adds(&b, c->meta);
		}
		if (c->project != NULL) {
			buf_adds(&b, " project=");
			buf_adds(&b, c->project);
		}
		if (c->ns != NULL) {
			buf_adds(&b, " namespace=");
			buf_adds(&b, c->ns);
		}
		s = out_line(e->out, b.data);
	}
out:
	buf_release(&b);
	cursor_release(&cs);
	return s;
}

/* Check name=value for a cursor field and store it (empty clears). */
static enum pd_status
set_field(struct engine *e, struct cursor *c, const char *name,
    const char *val, size_t vlen, char **cause)
{
	enum pd_status	 s;
	char		*db = NULL;
	char		**field;
	const char	*what;

	if (strlen(val) != vlen) {
		*cause = xasprintf("%s cannot hold a NUL byte", name);
		return PD_DATAERR;
	}
	if (strcmp(name, "db") == 0) {
		if (*val != '\0') {
			s = cursor_check_db(e->opts.paths, val, &db, cause);
			if (s == PD_OK)
				s = cursor_check_value("db", db, cause);
			if (s != PD_OK) {
				free(db);
				return s == PD_ERROR ? s : PD_DATAERR;
			}
		}
		cursor_field(&c->db, db);
		free(db);
		return PD_OK;
	}
	if (strcmp(name, "meta") == 0) {
		if (*val != '\0' && cursor_check_meta(val, cause) != PD_OK)
			return PD_DATAERR;
		cursor_field(&c->meta, val);
		return PD_OK;
	}
	if (strcmp(name, "project") == 0) {
		field = &c->project;
		what = "project";
	} else if (strcmp(name, "namespace") == 0) {
		field = &c->ns;
		what = "namespace";
	} else {
		*cause = xasprintf("unknown field '%s' for 'cursor set' (db=, "
		    "meta=, project=, namespace=)", util_word(name));
		return PD_DATAERR;
	}
	if (*val != '\0' && (addr_check_part(val, vlen, e->delim, what,
	    cause) != PD_OK || cursor_check_value(what, val, cause) != PD_OK))
		return PD_DATAERR;
	cursor_field(field, val);
	return PD_OK;
}

/*
 * cursor set NAME PATH, upstream's form: PATH is a database file, made
 * (an empty database) when it does not exist; the cursor keeps it as an
 * absolute path.  In a dry run nothing is made, nor kept.
 */
static enum pd_status
set_path(struct engine *e, const struct stmt *st, struct cursor *c,
    const struct arg *w, char **cause)
{
	struct store_loc	 loc;
	enum pd_status		 s = PD_OK;
	char			*path;
	int			 there;

	if (stmt_opt(st, "db") != NULL) {
		*cause = xasprintf("the database is given twice, as '%s' and "
		    "as db", util_word(w->s));
		return PD_DATAERR;
	}
	if (strlen(w->s) != w->len || w->len == 0) {
		*cause = xstrdup("a database path must not be empty or hold a "
		    "NUL byte");
		return PD_DATAERR;
	}
	/* A path: without a slash it is a file here, not a database name. */
	path = strchr(w->s, '/') != NULL ? xstrdup(w->s) :
	    xasprintf("./%s", w->s);
	if ((s = engine_locate(e, path, &loc, cause)) != PD_OK) {
		free(path);
		return s;
	}
	if (!(there = store_exists(&loc)) && !e->opts.dry_run)
		s = store_create(&loc, e->opts.busy_ms, cause);
	if (s == PD_OK && (!e->opts.dry_run || there))
		s = set_field(e, c, "db", path, strlen(path), cause);
	store_loc_free(&loc);
	free(path);
	return s;
}

static enum pd_status
cmd_cursor_set(struct engine *e, struct stmt *st, char **cause)
{
	const struct arg	*a = &st->args[0];
	struct cursors		 cs;
	struct cursor		*c;
	enum pd_status		 s;
	size_t			 i;

	memset(&cs, 0, sizeof(cs));
	if (strlen(a->s) != a->len || cursor_check_name(a->s, cause) !=
	    PD_OK) {
		if (*cause == NULL)
			*cause = xstrdup("invalid cursor name");
		engine_blame(e, a->line, a->col);
		return PD_DATAERR;
	}
	if ((s = cmd_cursors_load(e, &cs, cause)) != PD_OK)
		goto out;
	c = cursor_get(&cs, a->s);
	/* Fields as options (db=X in a stream, --db X typed) ... */
	for (i = 0; i < st->nopts && s == PD_OK; i++) {
		const struct opt	*o = &st->opts[i];

		engine_blame(e, o->line, o->col);
		s = set_field(e, c, o->name, o->val, o->vlen, cause);
	}
	/* ... or as words (db=X typed). */
	for (i = 1; i < st->nargs && s == PD_OK; i++) {
		const struct arg	*w = &st->args[i];
		const char		*eq = memchr(w->s, '=', w->len);
		char			*name;

		engine_blame(e, w->line, w->col);
		if (eq == NULL && i == 1) {
			s = set_path(e, st, c, w, cause);
			continue;
		}
		if (eq == NULL) {
			*cause = xasprintf("expected FIELD=VALUE, not '%s'",
			    util_wordn(w->s, w->len));
			s = PD_DATAERR;
			break;
		}
		name = xmemdup(w->s, (size_t)(eq - w->s));
		s = set_field(e, c, name, eq + 1,
		    w->len - (size_t)(eq - w->s) - 1, cause);
		free(name);
	}
	if (s != PD_OK)
		goto out;
	engine_blame(e, 0, 0);
	if (c->ns != NULL && c->project == NULL) {
		*cause = xasprintf("cursor '%s': namespace '%s' needs a "
		    "project", util_word(c->name), util_word(c->ns));
		s = PD_DATAERR;
		goto out;
	}
	s = cmd_cursors_save(e, &cs, cause);
out:
	cursor_release(&cs);
	return s;
}

static enum pd_status
cmd_cursor_use(struct engine *e, struct stmt *st, char **cause)
{
	const struct arg	*a = &st->args[0];
	struct cursors		 cs;
	enum pd_status		 s;

	if ((s = cmd_cursors_load(e, &cs, cause)) != PD_OK)
		goto out;
	if (cursor_find(&cs, a->s) == NULL) {
		engine_blame(e, a->line, a->col);
		*cause = xasprintf("no cursor '%s' (see 'cursor list')",
		    util_wordn(a->s, a->len));
		s = PD_DATAERR;
		goto out;
	}
	free(cs.active);
	cs.active = xstrdup(a->s);
	s = cmd_cursors_save(e, &cs, cause);
out:
	cursor_release(&cs);
	return s;
}

static enum pd_status
cmd_cursor_del(struct engine *e, struct stmt *st, char **cause)
{
	const struct arg	*a = &st->args[0];
	struct cursors		 cs;
	enum pd_status		 s;

	if ((s = cmd_cursors_load(e, &cs, cause)) != PD_OK)
		goto out;
	if ((s = cursor_del(&cs, a->s, cause)) != PD_OK) {
		engine_blame(e, a->line, a->col);
		s = s == PD_MISS ? PD_MISS : PD_DATAERR;
		goto out;
	}
	s = cmd_cursors_save(e, &cs, cause);
out:
	cursor_release(&cs);
	return s;
}

const struct cmd cmd_config_get_entry = {
	.name = "config get",
	.args = "KEY",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPEN,
	.exec = cmd_config_get,
	.summary = "print a setting's effective value",
	.help = "Print the value in effect of the setting KEY, one of those "
	    "config list shows, such as busy_timeout_ms or durability, from "
	    "whichever source gives it: a flag, the environment, the cursor, "
	    "the config file or the default. An unknown key is an error.",
	.example = "prontodb config get busy_timeout_ms",
};

const struct cmd cmd_config_list_entry = {
	.name = "config list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPEN,
	.exec = cmd_config_list,
	.summary = "list every setting, its value and where it comes from",
	.help = "Print every setting as key = value (origin), where origin "
	    "tells where the value comes from: default, config, cursor NAME, "
	    "env VARIABLE or flag --FLAG. See config set to change one.",
	.example = "prontodb config list",
};

const struct cmd cmd_config_set_entry = {
	.name = "config set",
	.args = "KEY VALUE",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_OPEN,
	.exec = cmd_config_set,
	.summary = "write a setting to the config file",
	.help = "Write key = VALUE for the setting KEY into the config file, "
	    "replacing the last line that set it or adding one; comments and "
	    "other lines are kept, and the file (mode 0600) and its "
	    "directory are created when needed. The value is checked first, "
	    "and a bad one is refused with nothing written. It takes effect "
	    "from the next command, and a flag or an environment variable "
	    "still takes precedence.",
	.example = "prontodb config set busy_timeout_ms 10000\n"
	    "prontodb config get busy_timeout_ms",
};

const struct cmd cmd_config_unset_entry = {
	.name = "config unset",
	.args = "KEY",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPEN,
	.exec = cmd_config_unset,
	.summary = "remove a setting from the config file",
	.help = "Remove every line that sets KEY from the config file, which "
	    "returns the setting to its default. A key the file does not set "
	    "is left alone, without an error.",
	.example = "prontodb config set busy_timeout_ms 10000\n"
	    "prontodb config unset busy_timeout_ms",
};

const struct cmd cmd_cursor_active_entry = {
	.name = "cursor active",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPEN,
	.exec = cmd_cursor_show,
	.summary = "show the cursor in effect: the same as cursor show",
	.help = "Upstream's name for cursor show. It prints the cursor in "
	    "effect (--cursor NAME, else your active one), whose it is, and "
	    "the database, meta context, project and namespace it sets.",
	.example = "prontodb cursor active\n"
	    "prontodb cursor set work project=app\n"
	    "prontodb --cursor work cursor active",
};

const struct cmd cmd_cursor_del_entry = {
	.name = "cursor del",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPEN,
	.exec = cmd_cursor_del,
	.summary = "delete a named cursor",
	.help = "Delete your cursor NAME; when it was the active one, "
	    "default becomes active. The cursor default cannot be deleted, "
	    "and one that does not exist is a miss (exit 2).",
	.example = "prontodb cursor set work project=app namespace=config\n"
	    "prontodb cursor del work",
};

const struct cmd cmd_cursor_delete_entry = {
	.name = "cursor delete",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPEN,
	.exec = cmd_cursor_del,
	.summary = "delete a named cursor: the same as cursor del",
	.help = "Upstream's name for cursor del: forget the cursor NAME (the "
	    "database it names stays).  The default cursor cannot be "
	    "deleted; a missing one is a miss (exit 2).  When it was your "
	    "active cursor, the default one becomes active.",
	.example = "prontodb cursor set staging ./staging.db\n"
	    "prontodb cursor delete staging",
};

const struct cmd cmd_cursor_list_entry = {
	.name = "cursor list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPEN,
	.exec = cmd_cursor_list,
	.summary = "list your cursors; * marks the one in effect",
	.help = "Print your cursors, one per line: the name, then its fields "
	    "as db=, project= and namespace=. The cursor in effect is marked "
	    "with * and the others are indented by two spaces.",
	.example = "prontodb cursor set work project=app namespace=config\n"
	    "prontodb cursor list",
};

static const struct cmd_opt cursor_set_opts[] = {
	{ "db", "DB", 0, 0 },
	{ "meta", "ORG", 0, 0 },
	{ "namespace", "N", 0, 0 },
	{ "project", "P", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_cursor_set_entry = {
	.name = "cursor set",
	.args = "NAME [PATH]",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_OPEN,
	.opts = cursor_set_opts,
	.exec = cmd_cursor_set,
	.summary = "create or change a named cursor (empty clears a field)",
	.help = "Create your cursor NAME, or change the fields given and "
	    "keep the others: db=DB, a database name or path that must exist "
	    "(except main), meta=ORG, the meta context every address then "
	    "lives in, and project=P and namespace=N, the scope that relative "
	    "addresses start from (a namespace needs a project). PATH, "
	    "upstream's form, is a database file, made when it does not "
	    "exist. An empty value clears a field. It does not make the "
	    "cursor active: see cursor use, or --cursor NAME for one "
	    "command.",
	.example = "prontodb db create work\n"
	    "prontodb cursor set work db=work project=app namespace=config\n"
	    "prontodb --cursor work set host db9",
};

const struct cmd cmd_cursor_show_entry = {
	.name = "cursor show",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPEN,
	.exec = cmd_cursor_show,
	.summary = "show the cursor in effect: database, project, namespace",
	.help = "Print the cursor in effect: the one named by --cursor NAME, "
	    "or else your active one. It is shown as cursor = NAME and user "
	    "= USER lines, then db =, project = and namespace = lines for "
	    "the fields it has.",
	.example = "prontodb cursor show",
};

const struct cmd cmd_cursor_use_entry = {
	.name = "cursor use",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OPEN,
	.exec = cmd_cursor_use,
	.summary = "make a cursor your active one",
	.help = "Make your cursor NAME the active one, so that later "
	    "commands use its database and scope. A cursor that does not "
	    "exist is an error; cursor use default goes back to the default.",
	.example = "prontodb cursor set work project=app namespace=config\n"
	    "prontodb cursor use work\n"
	    "prontodb cursor show",
};
