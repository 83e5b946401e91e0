/*
 * cmd-obj.c - projects and namespaces: create, drop, list, describe, and
 * the discovery verbs projects, namespaces and nss.
 *
 * Object administration needs the admin grant on the project (or a global
 * admin) when a user is authenticated; listings show what the user may
 * read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

/* PROJECT[.NAMESPACE] from an argument; ns is NULL when not given. */
static enum pd_status
target(struct engine *e, const struct arg *a, int want_ns, char **project,
    char **ns, char **cause)
{
	const char	*d = memchr(a->s, e->delim, a->len);
	size_t		 plen = d != NULL ? (size_t)(d - a->s) : a->len;

	engine_blame(e, a->line, a->col);
	*project = *ns = NULL;
	if ((want_ns && d == NULL) || (!want_ns && d != NULL)) {
		*cause = xasprintf("'%s': give %s", util_wordn(a->s, a->len),
		    want_ns ? "PROJECT.NAMESPACE" : "a project name");
		return PD_DATAERR;
	}
	if (addr_check_part(a->s, plen, e->delim, "project", cause) != PD_OK ||
	    (d != NULL && addr_check_part(d + 1, a->len - plen - 1, e->delim,
	    "namespace", cause) != PD_OK))
		return PD_DATAERR;
	engine_blame(e, 0, 0);
	*project = xmemdup(a->s, plen);
	if (d != NULL)
		*ns = xmemdup(d + 1, a->len - plen - 1);
	return PD_OK;
}

static const char *
description(const struct stmt *st)
{
	const struct opt	*o = stmt_opt(st, "description");

	return o != NULL ? o->val : "";
}

static enum pd_status
cmd_project_create(struct engine *e, struct stmt *st, char **cause)
{
	char		*p, *n;
	enum pd_status	 s;

	if ((s = target(e, &st->args[0], 0, &p, &n, cause)) != PD_OK)
		return s;
	if ((s = engine_permit(e, GRANT_ADMIN, p, NULL, cause)) == PD_OK)
		s = store_project_create(e->store, p, description(st),
		    util_now_ms(), cause);
	free(p);
	return s;
}

struct counted {
	long long	 namespaces;
	long long	 keys;
};

static enum pd_status
count_object(void *ctx, const struct store_object *o)
{
	struct counted	*c = ctx;

	c->namespaces = o->namespaces;
	c->keys = o->keys;
	return PD_OK;
}

/* A missing object is an error naming it, not a miss: keys miss. */
static enum pd_status
no_object(enum pd_status s, const char *what, const char *name, char **cause)
{
	if (s == PD_MISS) {
		*cause = xasprintf("no %s '%s'", what, util_word(name));
		return PD_ERROR;
	}
	return s;
}

static enum pd_status
cmd_project_drop(struct engine *e, struct stmt *st, char **cause)
{
	struct counted	 c = { 0, 0 };
	char		*p, *n;
	enum pd_status	 s;

	if ((s = target(e, &st->args[0], 0, &p, &n, cause)) != PD_OK)
		return s;
	if ((s = engine_permit(e, GRANT_ADMIN, p, NULL, cause)) == PD_OK)
		s = store_projects(e->store, p, count_object, &c, cause);
	if (s == PD_OK && (c.namespaces > 0 || c.keys > 0) &&
	    !engine_flag(st, "force")) {
		*cause = xasprintf("project '%s' is not empty (%lld "
		    "namespace%s, %lld key%s): drop it with force",
		    util_word(p), c.namespaces, c.namespaces == 1 ? "" : "s",
		    c.keys, c.keys == 1 ? "" : "s");
		s = PD_ERROR;
	} else if (s == PD_OK)
		s = store_project_drop(e->store, p, cause);
	s = no_object(s, "project", p, cause);
	free(p);
	return s;
}

static enum pd_status
cmd_ns_create(struct engine *e, struct stmt *st, char **cause)
{
	char		*p, *n;
	enum pd_status	 s;

	if ((s = target(e, &st->args[0], 1, &p, &n, cause)) != PD_OK)
		return s;
	if ((s = engine_permit(e, GRANT_ADMIN, p, n, cause)) == PD_OK)
		s = store_ns_create(e->store, p, n, description(st),
		    util_now_ms(), cause);
	if (s == PD_OK && stmt_opt(st, "table") != NULL)
		s = store_ns_move(e->store, p, n, stmt_opt(st, "table")->val,
		    cause);
	free(p);
	free(n);
	return s;
}

static enum pd_status
count_ns(void *ctx, const struct store_object *o)
{
	struct counted	*c = ctx;

	c->keys = o->keys;
	return PD_OK;
}

static enum pd_status
cmd_ns_drop(struct engine *e, struct stmt *st, char **cause)
{
	struct counted	 c = { 0, 0 };
	char		*p, *n, *full;
	enum pd_status	 s;

	if ((s = target(e, &st->args[0], 1, &p, &n, cause)) != PD_OK)
		return s;
	full = xasprintf("%s%c%s", p, e->delim, n);
	if ((s = engine_permit(e, GRANT_ADMIN, p, n, cause)) == PD_OK)
		s = store_namespaces(e->store, p, n, count_ns, &c, cause);
	if (s == PD_OK && c.keys > 0 && !engine_flag(st, "force")) {
		*cause = xasprintf("namespace '%s' is not empty (%lld key%s): "
		    "drop it with force", util_word(full), c.keys,
		    c.keys == 1 ? "" : "s");
		s = PD_ERROR;
	} else if (s == PD_OK)
		s = store_ns_drop(e->store, p, n, cause);
	s = no_object(s, "namespace", full, cause);
	free(full);
	free(p);
	free(n);
	return s;
}

struct listing {
	struct engine	*e;
	int		 full;		/* print project.namespace */
	int		 filter;	/* only what the user may read */
};

static int
visible(struct listing *l, const struct store_object *o)
{
	int	 ok;

	if (!l->filter)
		return 1;
	ok = engine_can(l->e, GRANT_READ, o->project, o->ns);
	/* A project shows to whoever may read any namespace in it. */
	if (!ok && o->ns == NULL)
		ok = store_grant_in(l->e->store, l->e->user, o->project) == PD_OK;
	return ok;
}

static enum pd_status
name_line(void *ctx, const struct store_object *o)
{
	struct listing	*l = ctx;
	char		*line;

	if (!visible(l, o))
		return PD_OK;
	if (o->ns == NULL)
		out_str(l->e->out, "project", o->project);
	else if (!l->full)
		out_str(l->e->out, "namespace", o->ns);
	else {
		line = xasprintf("%s%c%s", o->project, l->e->delim, o->ns);
		out_str(l->e->out, "namespace", line);
		free(line);
		/*
		 * Text is one project.namespace a line, as upstream printed
		 * and as scripts read it; the kind is a column of --tsv (two,
		 * always) and a field of --json, which adds the TTL policy.
		 */
		if (l->e->out->format != OUT_TEXT)
			out_str(l->e->out, "kind", o->kind);
		if (l->e->out->format == OUT_JSON && o->ttl_ms > 0)
			out_int(l->e->out, "ttl_ms", o->ttl_ms);
		if (l->e->out->format == OUT_JSON && o->max_items > 0)
			out_int(l->e->out, "max_items", o->max_items);
	}
	return out_emit(l->e->out, OUT_WORDS);
}

static enum pd_status
cmd_project_list(struct engine *e, struct stmt *st, char **cause)
{
	struct listing	 l = { e, 0, e->user != NULL && !e->admin };

	return store_projects(e->store, NULL, name_line, &l, cause);
}

/*
 * The namespaces of one project (an argument, or -p / use), or every
 * project.namespace pair when no project is given.
 */
static enum pd_status
cmd_ns_list(struct engine *e, struct stmt *st, char **cause)
{
	struct listing	 l = { e, 0, e->user != NULL && !e->admin };
	const char	*p = st->nargs > 0 ? st->args[0].s : e->sc.project;
	enum pd_status	 s;

	if (p != NULL && st->nargs > 0 && addr_check_part(st->args[0].s,
	    st->args[0].len, e->delim, "project", cause) != PD_OK) {
		engine_blame(e, st->args[0].line, st->args[0].col);
		return PD_DATAERR;
	}
	l.full = p == NULL;
	s = store_namespaces(e->store, p, NULL, name_line, &l, cause);
	if (s == PD_MISS) {
		/* A project with no namespace lists nothing; none is an error. */
		struct counted	 c;

		s = store_projects(e->store, p, count_object, &c, cause);
		s = no_object(s, "project", p, cause);
	}
	return s;
}

static enum pd_status
cmd_nss(struct engine *e, struct stmt *st, char **cause)
{
	struct listing	 l = { e, 1, e->user != NULL && !e->admin };

	return store_namespaces(e->store, NULL, NULL, name_line, &l, cause);
}

/* A count, or the word none for a negative one (no TTL, no limit). */
static void
number_field(struct engine *e, const char *name, long long v,
    const char *none)
{
	if (v < 0 && none != NULL)
		out_str(e->out, name, none);
	else
		out_int(e->out, name, v);
}

static enum pd_status
describe_project(void *ctx, const struct store_object *o)
{
	struct engine	*e = ctx;
	char		 when[40];

	util_iso_time(o->created, when, sizeof(when));
	out_str(e->out, "project", o->project);
	out_str(e->out, "description", o->description);
	out_str(e->out, "created", when);
	out_int(e->out, "namespaces", o->namespaces);
	out_int(e->out, "keys", o->keys);
	return out_emit(e->out, OUT_FIELDS);
}

static enum pd_status
cmd_project_describe(struct engine *e, struct stmt *st, char **cause)
{
	char		*p, *n;
	enum pd_status	 s;

	if ((s = target(e, &st->args[0], 0, &p, &n, cause)) != PD_OK)
		return s;
	if ((s = engine_permit(e, GRANT_READ, p, NULL, cause)) == PD_OK)
		s = store_projects(e->store, p, describe_project, e, cause);
	s = no_object(s, "project", p, cause);
	free(p);
	return s;
}

static enum pd_status
describe_ns(void *ctx, const struct store_object *o)
{
	struct engine	*e = ctx;
	char		 when[40], delim[2] = { e->delim, '\0' };
	char		*full = xasprintf("%s%c%s", o->project, e->delim, o->ns);

	util_iso_time(o->created, when, sizeof(when));
	out_str(e->out, "namespace", full);
	out_str(e->out, "description", o->description);
	out_str(e->out, "kind", o->kind);
	out_str(e->out, "table", o->table);
	number_field(e, "ttl_ms", o->ttl_ms, "none");
	number_field(e, "max_items", o->max_items, "none");
	out_str(e->out, "delimiter", delim);
	out_str(e->out, "created", when);
	out_int(e->out, "keys", o->keys);
	free(full);
	return out_emit(e->out, OUT_FIELDS);
}

static enum pd_status
cmd_ns_describe(struct engine *e, struct stmt *st, char **cause)
{
	char		*p, *n, *full;
	enum pd_status	 s;

	if ((s = target(e, &st->args[0], 1, &p, &n, cause)) != PD_OK)
		return s;
	full = xasprintf("%s%c%s", p, e->delim, n);
	if ((s = engine_permit(e, GRANT_READ, p, n, cause)) == PD_OK)
		s = store_namespaces(e->store, p, n, describe_ns, e, cause);
	s = no_object(s, "namespace", full, cause);
	free(full);
	free(p);
	free(n);
	return s;
}

const struct cmd cmd_namespaces_entry = {
	.name = "namespaces",
	.args = "[PROJECT]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_OBJ_READ | CMD_SCOPE,
	.exec = cmd_ns_list,
	.summary = "list a project's namespaces (or -p PROJECT)",
	.help = "Print the names of the namespaces of PROJECT, one per line, "
	    "in byte order. The project may instead come from project=P (-p) "
	    "or the scope of use or the cursor; with none at all, every "
	    "namespace is printed as nss prints it. A project that does not "
	    "exist is an error (exit 1), and an authenticated user sees only "
	    "the namespaces they may read.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb namespaces app",
};

static const struct cmd_opt ns_create_opts[] = {
	{ "description", "TEXT", 0, 0 },
	{ "table", "TABLE", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_ns_create_entry = {
	.name = "ns create",
	.args = "PROJECT.NAMESPACE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.opts = ns_create_opts,
	.exec = cmd_ns_create,
	.summary = "create a namespace (and its project)",
	.help = "Create the namespace PROJECT.NAMESPACE, and its project if "
	    "that does not exist, with description=TEXT, in the key table "
	    "table=TABLE (kv by default; see table create). The first write "
	    "into a namespace creates it too: this verb is for a description "
	    "or a table of its own. A namespace that exists is an error "
	    "(exit 1).",
	.example = "prontodb ns create billing.reports description='monthly "
	    "totals'\n"
	    "prontodb ns describe billing.reports",
};

const struct cmd cmd_ns_describe_entry = {
	.name = "ns describe",
	.args = "PROJECT.NAMESPACE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_READ,
	.exec = cmd_ns_describe,
	.summary = "show a namespace's settings and key count",
	.help = "Print the facts of the namespace PROJECT.NAMESPACE, one per "
	    "line: its description, kind (std, or ttl for a TTL namespace), "
	    "key table, ttl_ms and max_items (none when not set), the "
	    "delimiter in use, its creation time in UTC and its number of "
	    "keys. A namespace that does not exist is an error (exit 1).",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb ns describe app.config",
};

static const struct cmd_opt force_opts[] = {
	{ "force", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_ns_drop_entry = {
	.name = "ns drop",
	.args = "PROJECT.NAMESPACE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.opts = force_opts,
	.exec = cmd_ns_drop,
	.summary = "delete a namespace (with force: and its keys)",
	.help = "Delete the namespace PROJECT.NAMESPACE and the grants on "
	    "it; its project stays. One that holds keys is dropped only with "
	    "force, which deletes its keys and their metakeys too; without "
	    "it nothing changes and the exit status is 1.",
	.example = "prontodb set app.tmp.scratch 1\n"
	    "prontodb ns drop app.tmp force",
};

const struct cmd cmd_ns_list_entry = {
	.name = "ns list",
	.args = "[PROJECT]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_OBJ_READ | CMD_SCOPE,
	.exec = cmd_ns_list,
	.summary = "list namespaces",
	.help = "The same as namespaces: print the namespaces of PROJECT, of "
	    "project=P (-p) or of the scope, one per line, or every "
	    "project.namespace, as nss does, when there is no project. A "
	    "project that does not exist is an error (exit 1).",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb ns list app",
};

const struct cmd cmd_nss_entry = {
	.name = "nss",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OBJ_READ,
	.exec = cmd_nss,
	.summary = "list every project.namespace",
	.help = "Print every namespace of every project as "
	    "project.namespace, one per line in byte order. With --tsv a "
	    "second column gives its kind (std, or ttl for a TTL namespace); "
	    "--json gives the kind and a TTL namespace's ttl_ms and max_items. "
	    "An authenticated user sees only the namespaces they may read.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb nss",
};

static const struct cmd_opt project_create_opts[] = {
	{ "description", "TEXT", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_project_create_entry = {
	.name = "project create",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.opts = project_create_opts,
	.exec = cmd_project_create,
	.summary = "create a project",
	.help = "Create the project NAME, with description=TEXT. The first "
	    "write into a project creates it too: this verb is for a "
	    "description. A project that exists is an error (exit 1).",
	.example = "prontodb project create billing description='invoices "
	    "and reports'\n"
	    "prontodb project describe billing",
};

const struct cmd cmd_project_describe_entry = {
	.name = "project describe",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_READ,
	.exec = cmd_project_describe,
	.summary = "show a project's metadata and counts",
	.help = "Print the facts of the project NAME, one per line: its "
	    "description, its creation time (UTC, to the millisecond) and "
	    "its numbers of namespaces and keys. A project that does not "
	    "exist is an error (exit 1).",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb project describe app",
};

const struct cmd cmd_project_drop_entry = {
	.name = "project drop",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.opts = force_opts,
	.exec = cmd_project_drop,
	.summary = "delete a project (with force: and all in it)",
	.help = "Delete the project NAME and the grants on it and on its "
	    "namespaces. A project that holds namespaces or keys is dropped "
	    "only with force, which deletes them and their metakeys too; "
	    "without it nothing changes and the exit status is 1.",
	.example = "prontodb set billing.reports.2026-11 41250\n"
	    "prontodb project drop billing force",
};

const struct cmd cmd_project_list_entry = {
	.name = "project list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OBJ_READ,
	.exec = cmd_project_list,
	.summary = "list projects",
	.help = "Print the names of the projects, one per line, in byte "
	    "order. An authenticated user sees only the projects in which "
	    "they may read something. projects is another name for it.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb project list",
};

const struct cmd cmd_projects_entry = {
	.name = "projects",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OBJ_READ,
	.exec = cmd_project_list,
	.summary = "list projects",
	.help = "Another name for project list: print the names of the "
	    "projects, one per line, in byte order. An authenticated user "
	    "sees only the projects in which they may read something.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb projects",
};
