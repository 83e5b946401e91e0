/*
 * cmd-table.c - key tables: table create, drop, list, describe, and
 * mapping a namespace to one (ns set P.N table=T, ns create ... table=T).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

/* Table names end up in SQL identifiers: letters, digits, '_' only. */
static enum pd_status
table_name(struct engine *e, const struct arg *a, int creating,
    char **cause)
{
	size_t	 i;

	engine_blame(e, a->line, a->col);
	if (a->len == 0 || a->len > 64 || strlen(a->s) != a->len)
		goto bad;
	for (i = 0; i < a->len; i++)
		if (!(a->s[i] == '_' || (a->s[i] >= '0' && a->s[i] <= '9') ||
		    (a->s[i] >= 'a' && a->s[i] <= 'z') ||
		    (a->s[i] >= 'A' && a->s[i] <= 'Z')))
			goto bad;
	if (creating && strcmp(a->s, "kv") == 0) {
		*cause = xstrdup("'kv' is the default table");
		return PD_DATAERR;
	}
	engine_blame(e, 0, 0);
	return PD_OK;
bad:
	*cause = xasprintf("invalid table name '%s': use up to 64 letters, "
	    "digits and '_'", util_wordn(a->s, a->len));
	return PD_DATAERR;
}

static enum pd_status
cmd_table_create(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	if ((s = table_name(e, &st->args[0], 1, cause)) != PD_OK)
		return s;
	return store_table_create(e->store, st->args[0].s, util_now_ms(),
	    cause);
}

struct mapped {
	struct engine	*e;
	char		**names;	/* project NUL namespace */
	size_t		 n;
	int		 readable;	/* only those the user may read */
};

static enum pd_status
collect(void *ctx, const char *project, const char *ns)
{
	struct mapped	*m = ctx;
	size_t		 plen = strlen(project);
	char		*pair, *cause = NULL;
	enum pd_status	 s;

	if (m->readable) {
		s = engine_permit(m->e, GRANT_READ, project, ns, &cause);
		free(cause);
		if (s != PD_OK)
			return s == PD_DENIED ? PD_OK : s;
	}
	pair = xmalloc(plen + strlen(ns) + 2);
	memcpy(pair, project, plen + 1);
	strcpy(pair + plen + 1, ns);
	m->names = xrealloc(m->names, (m->n + 1) * sizeof(*m->names));
	m->names[m->n++] = pair;
	return PD_OK;
}

static void
mapped_release(struct mapped *m)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		free(m->names[i]);
	free(m->names);
}

static enum pd_status
cmd_table_drop(struct engine *e, struct stmt *st, char **cause)
{
	struct mapped	 m = { e, NULL, 0, 0 };
	enum pd_status	 s;
	size_t		 i;
	const char	*name = st->args[0].s;

	if ((s = table_name(e, &st->args[0], 1, cause)) != PD_OK ||
	    (s = store_table_mapped(e->store, name, collect, &m, cause)) !=
	    PD_OK)
		goto out;
	if (m.n > 0 && !engine_flag(st, "force")) {
		*cause = xasprintf("table '%s' holds %zu namespace%s: drop it "
		    "with force (their keys go too)", util_word(name), m.n,
		    m.n == 1 ? "" : "s");
		s = PD_ERROR;
		goto out;
	}
	for (i = 0; i < m.n && s == PD_OK; i++)
		s = store_ns_drop(e->store, m.names[i],
		    m.names[i] + strlen(m.names[i]) + 1, cause);
	if (s == PD_OK && (s = store_table_drop(e->store, name, cause)) ==
	    PD_MISS) {
		*cause = xasprintf("no table '%s'", util_word(name));
		s = PD_ERROR;
	}
out:
	mapped_release(&m);
	return s;
}

static enum pd_status
table_line(void *ctx, const struct store_table *t)
{
	struct engine	*e = ctx;

	out_str(e->out, "table", t->name);
	return out_emit(e->out, OUT_WORDS);
}

static enum pd_status
cmd_table_list(struct engine *e, struct stmt *st, char **cause)
{
	return store_tables(e->store, table_line, e, cause);
}

static enum pd_status
cmd_table_describe(struct engine *e, struct stmt *st, char **cause)
{
	struct mapped	 m = { e, NULL, 0, 1 };
	enum pd_status	 s;
	long long	 rows = 0, bytes = 0;
	char		*full;
	struct buf	 all;
	size_t		 i;

	if ((s = table_name(e, &st->args[0], 0, cause)) != PD_OK)
		return s;
	s = store_table_info(e->store, st->args[0].s, &rows, &bytes, cause);
	if (s == PD_MISS) {
		*cause = xasprintf("no table '%s'", util_word(st->args[0].s));
		return PD_ERROR;
	}
	if (s != PD_OK || (s = store_table_mapped(e->store, st->args[0].s,
	    collect, &m, cause)) != PD_OK)
		goto out;
	out_str(e->out, "table", st->args[0].s);
	out_str(e->out, "columns", "project namespace key value version "
	    "created updated expires");
	out_int(e->out, "rows", rows);
	out_int(e->out, "bytes", bytes);
	buf_init(&all);
	for (i = 0; i < m.n; i++) {
		full = xasprintf("%s%s%c%s", i > 0 ? " " : "", m.names[i],
		    e->delim, m.names[i] + strlen(m.names[i]) + 1);
		buf_adds(&all, full);
		free(full);
	}
	out_str(e->out, "namespaces", all.data != NULL ? all.data : "");
	buf_release(&all);
	s = out_emit(e->out, OUT_FIELDS);
out:
	mapped_release(&m);
	return s;
}

static enum pd_status
exists_ns(void *ctx, const struct store_object *o)
{
	return PD_OK;
}

static enum pd_status
cmd_ns_set(struct engine *e, struct stmt *st, char **cause)
{
	const struct arg	*a = &st->args[0];
	const struct opt	*t = stmt_opt(st, "table");
	const char		*d = memchr(a->s, e->delim, a->len);
	char			*p, *n;
	enum pd_status		 s;

	engine_blame(e, a->line, a->col);
	if (d == NULL || d == a->s || d[1] == '\0' ||
	    memchr(d + 1, e->delim, a->len - (size_t)(d - a->s) - 1) != NULL) {
		*cause = xasprintf("'%s': give PROJECT.NAMESPACE",
		    util_wordn(a->s, a->len));
		return PD_DATAERR;
	}
	if (t == NULL) {
		*cause = xstrdup("ns set needs table=NAME");
		return PD_DATAERR;
	}
	engine_blame(e, 0, 0);
	p = xmemdup(a->s, (size_t)(d - a->s));
	n = xstrdup(d + 1);
	if ((s = engine_permit(e, GRANT_ADMIN, p, n, cause)) == PD_OK &&
	    (s = store_namespaces(e->store, p, n, exists_ns, NULL, cause)) ==
	    PD_OK)
		s = store_ns_move(e->store, p, n, t->val, cause);
	if (s == PD_MISS) {
		*cause = xasprintf("no namespace '%s'",
		    util_wordn(a->s, a->len));
		s = PD_ERROR;
	}
	free(p);
	free(n);
	return s;
}

static const struct cmd_opt ns_set_opts[] = {
	{ "table", "TABLE", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_ns_set_entry = {
	.name = "ns set",
	.args = "PROJECT.NAMESPACE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.opts = ns_set_opts,
	.exec = cmd_ns_set,
	.summary = "map a namespace to a table, moving its keys",
	.help = "Move the namespace PROJECT.NAMESPACE, with its keys and "
	    "their metakeys, into the key table table=TABLE, in one "
	    "transaction; table=kv moves it back to the default table. "
	    "table= is required, and the table must exist (see table create).",
	.example = "prontodb set app.log.1 started\n"
	    "prontodb table create logs\n"
	    "prontodb ns set app.log table=logs",
};

const struct cmd cmd_table_create_entry = {
	.name = "table create",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE | CMD_ADMIN,
	.exec = cmd_table_create,
	.summary = "create a key table",
	.help = "Create the key table NAME, of up to 64 letters, digits and "
	    "_, to keep namespaces apart from the others (ns set, ns create "
	    "table=). The default table kv always exists; a table that "
	    "exists is an error (exit 1).",
	.example = "prontodb table create logs\n"
	    "prontodb table list",
};

const struct cmd cmd_table_describe_entry = {
	.name = "table describe",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_READ,
	.exec = cmd_table_describe,
	.summary = "show a table's columns, rows, size and namespaces",
	.help = "Print the facts of the key table NAME, one per line: its "
	    "name, its columns, its number of rows, the bytes it takes and "
	    "the namespaces it holds. A table that does not exist is an "
	    "error (exit 1).",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb table describe kv",
};

static const struct cmd_opt table_drop_opts[] = {
	{ "force", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_table_drop_entry = {
	.name = "table drop",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE | CMD_ADMIN,
	.opts = table_drop_opts,
	.exec = cmd_table_drop,
	.summary = "delete a table (holding namespaces: with force)",
	.help = "Delete the key table NAME. A table that holds namespaces is "
	    "dropped only with force, which drops those namespaces with "
	    "their keys and metakeys; without it nothing changes and the "
	    "exit status is 1. The default table kv cannot be dropped.",
	.example = "prontodb table create logs\n"
	    "prontodb table drop logs",
};

const struct cmd cmd_table_list_entry = {
	.name = "table list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OBJ_READ,
	.exec = cmd_table_list,
	.summary = "list key tables",
	.help = "Print the names of the key tables, one per line, in byte "
	    "order, kv included. See table create for what they are for.",
	.example = "prontodb table create logs\n"
	    "prontodb table list",
};
