/*
 * sqlite/table.c - key tables: where each namespace's keys live.
 *
 * Every namespace maps to one table, kv by default.  `table create` makes
 * another (for isolation, or a fast drop of a whole namespace) and mapping
 * a namespace to it moves its keys there in one transaction.  Statements
 * are routed by namespace (sqlite/route.c).
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

enum {
	T_EXISTS,
	T_ADD,
	T_DEL,
	T_LIST,
	T_MAPPED,
	T_REMAP,
	T_HELD,
	T_COUNT
};

_Static_assert(T_COUNT <= TBL_QUERIES, "store.tbl is too small");

static const char *const queries[T_COUNT] = {
	[T_EXISTS] = "SELECT 1 FROM sys_tables WHERE name = ?1",
	[T_ADD] = "INSERT INTO sys_tables(name, created) VALUES (?1, ?2)",
	[T_DEL] = "DELETE FROM sys_tables WHERE name = ?1",
	[T_LIST] = "SELECT t.name, t.created, (SELECT count(*) FROM "
	    "sys_namespaces n WHERE n.tbl = t.name AND "
	    CTX_RANGE("n.project", 1, 2) ") FROM sys_tables t ORDER BY t.name",
	[T_MAPPED] = "SELECT project, name FROM sys_namespaces WHERE tbl = ?1 "
	    "AND " CTX_RANGE("project", 2, 3) " ORDER BY project, name",
	[T_REMAP] = "UPDATE sys_namespaces SET tbl = ?3 WHERE project = ?1 "
	    "AND name = ?2",
	[T_HELD] = "SELECT 1 FROM sys_namespaces WHERE tbl = ?1 LIMIT 1",
};

static enum pd_status
prepare(struct sqldb *st, int which, sqlite3_stmt **q, char **cause)
{
	enum pd_status	 s = store_prepare(st, queries[which], &st->tbl[which],
	    cause);

	*q = st->tbl[which];
	return s;
}

static void
done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static void
table_release(struct kvtable *t)
{
	size_t	 i;

	for (i = 0; i < KV_QUERIES; i++)
		sqlite3_finalize(t->q[i]);
	sqlite3_finalize(t->up);
	store_many_release(t->many);
	for (i = 0; i < TABLE_SCANS; i++)
		sqlite3_finalize(t->scan[i]);
	for (i = 0; i < sizeof(t->purge) / sizeof(t->purge[0]); i++)
		sqlite3_finalize(t->purge[i]);
	free(t->name);
	free(t->ident);
}

void
store_tables_release(struct sqldb *st)
{
	size_t	 i;

	for (i = 0; i < st->ntables; i++)
		table_release(&st->tables[i]);
	free(st->tables);
	st->tables = NULL;
	st->ntables = 0;
	for (i = 0; i < TBL_QUERIES; i++)
		sqlite3_finalize(st->tbl[i]);
	for (i = 0; i < 9; i++)
		sqlite3_finalize(st->ns_scan[i]);
	for (i = 0; i < 3; i++)
		sqlite3_finalize(st->meta_scan[i]);
	sqlite3_finalize(st->route_q);
	sqlite3_finalize(st->routes_q);
	st->route_q = st->routes_q = NULL;
	store_route_release(st);
}

static int
table_exists(struct sqldb *st, const char *name, char **cause)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (prepare(st, T_EXISTS, &q, cause) != PD_OK)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = store_step(st, q);
	done(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum pd_status
sqlite_table_create(struct store *base, const char *name, long long now,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		*sql;
	int		 e;

	if ((s = store_ctx_shared(&st->base, cause)) != PD_OK)
		return s;
	if ((e = table_exists(st, name, cause)) < 0)
		return PD_ERROR;
	if (e > 0) {
		*cause = xasprintf("table '%s' already exists", name);
		return PD_ERROR;
	}
	t = store_table_named(st, name);
	sql = xasprintf("CREATE TABLE %s ("
	    " project TEXT NOT NULL, namespace TEXT NOT NULL,"
	    " key TEXT NOT NULL, value BLOB NOT NULL,"
	    " version INTEGER NOT NULL, created INTEGER NOT NULL,"
	    " updated INTEGER NOT NULL, expires INTEGER, revision INTEGER,"
	    " PRIMARY KEY (project, namespace, key)) WITHOUT ROWID;"
	    "CREATE INDEX \"t_%s_expires\" ON %s(expires)"
	    " WHERE expires IS NOT NULL", t->ident, name, t->ident);
	s = sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? PD_OK :
	    store_fail(st, sqlite3_errcode(st->db), cause);
	free(sql);
	if (s != PD_OK || (s = prepare(st, T_ADD, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	return store_run(st, q, cause);
}

static enum pd_status
table_row(const struct store_rows *r, sqlite3_stmt *q)
{
	struct store_table	 t;

	t.name = (const char *)sqlite3_column_text(q, 0);
	t.created = sqlite3_column_int64(q, 1);
	t.namespaces = sqlite3_column_int64(q, 2);
	return ((store_table_fn)r->fn)(r->ctx, &t);
}

enum pd_status
sqlite_tables(struct store *base, store_table_fn fn, void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_rows	 r = { (void *)fn, ctx };
	sqlite3_stmt		*q;
	enum pd_status		 s;

	if ((s = prepare(st, T_LIST, &q, cause)) != PD_OK)
		return s;
	store_ctx_range(st, q, 1);
	return store_rows(st, q, table_row, &r, cause);
}

/* store_table_mapped's rows go to fn with the view's names. */
struct mapped {
	const struct sqldb	*st;
	store_ns_fn		 fn;
	void			*ctx;
};

static enum pd_status
mapped_row(const struct store_rows *r, sqlite3_stmt *q)
{
	const struct mapped	*m = r->ctx;

	return m->fn(m->ctx, store_ctx_out(&m->st->base,
	    (const char *)sqlite3_column_text(q, 0)),
	    (const char *)sqlite3_column_text(q, 1));
}

enum pd_status
sqlite_table_mapped(struct store *base, const char *name, store_ns_fn fn,
    void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct mapped		 m = { st, fn, ctx };
	struct store_rows	 r = { NULL, &m };
	sqlite3_stmt		*q;
	enum pd_status		 s;

	if ((s = prepare(st, T_MAPPED, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	store_ctx_range(st, q, 2);
	return store_rows(st, q, mapped_row, &r, cause);
}

/* Run sql with %s for t's identifier and project, ns bound to ?1, ?2. */
static enum pd_status
on_table(struct sqldb *st, const char *template, const struct kvtable *t,
    const struct kvtable *u, const char *project, const char *ns,
    char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		*sql = u != NULL ? xasprintf(template, u->ident,
	    t->ident) : xasprintf(template, t->ident);
	int		 rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	if (project != NULL)
		sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	if (ns != NULL)
		sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	rc = store_step(st, q);
	s = rc == SQLITE_DONE || rc == SQLITE_ROW ? PD_OK :
	    store_fail(st, rc, cause);
	sqlite3_finalize(q);
	return s;
}

enum pd_status
sqlite_ns_move(struct store *base, const char *project, const char *ns,
    const char *table, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct kvtable	*from, *to;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 e, blobs;

	if ((e = table_exists(st, table, cause)) <= 0) {
		if (e == 0)
			*cause = xasprintf("no table '%s'", util_word(table));
		return PD_ERROR;
	}
	/* Name the target first: adding it may move the table array. */
	store_table_named(st, table);
	if ((s = store_table_of(st, project, ns, &from, cause)) != PD_OK)
		return s;
	to = store_table_named(st, table);
	if (strcmp(from->name, to->name) == 0)
		return PD_OK;
	/*
	 * Big values' ids move with their rows (sqlite/blob.c): the blobs
	 * stay, so the rows left behind go without them.
	 */
	blobs = store_blob_exists(st);
	if ((blobs && ((s = store_blob_ready(st, to, cause)) != PD_OK ||
	    (s = store_blob_unhook(st, from, cause)) != PD_OK)) ||
	    (s = on_table(st, "INSERT INTO %s SELECT * FROM %s WHERE "
	    "project = ?1 AND namespace = ?2", from, to, project, ns,
	    cause)) != PD_OK ||
	    (s = on_table(st, "DELETE FROM %s WHERE project = ?1 AND "
	    "namespace = ?2", from, NULL, project, ns, cause)) != PD_OK ||
	    (blobs && (s = store_blob_ready(st, from, cause)) != PD_OK) ||
	    (s = prepare(st, T_REMAP, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, table, -1, SQLITE_STATIC);
	s = store_run(st, q, cause);
	store_route_reset(st);
	return s;
}

/*
 * Log the deletion of every key of project.ns in table t, in key order,
 * numbered from the next revision on; *n is how many.
 */
static enum pd_status
log_clear(struct sqldb *st, const struct kvtable *t, const char *project,
    const char *ns, long long *n, char **cause)
{
	sqlite3_stmt	*q;
	char		*sql;
	int		 rc;

	sql = xasprintf("INSERT INTO sys_changes(rev, at, op, project, "
	    "namespace, key) SELECT ?3 + row_number() OVER (ORDER BY key), "
	    "?4, 'del', project, namespace, key FROM %s WHERE project = ?1 "
	    "AND namespace = ?2 ORDER BY key", t->ident);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, st->rev);
	sqlite3_bind_int64(q, 4, util_now_ms());
	rc = store_step(st, q);
	sqlite3_finalize(q);
	*n = sqlite3_changes(st->db);
	return rc == SQLITE_DONE ? PD_OK : store_fail(st, rc, cause);
}

/* Every key that goes is a change: a "del" with a revision. */
static enum pd_status
ns_clear(struct sqldb *st, const char *project, const char *ns,
    char **cause)
{
	struct kvtable	*t;
	enum pd_status	 s;

	if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK ||
	    (s = store_meta_clear(st, project, ns, NULL, cause)) != PD_OK)
		return s;
	if (st->log_on) {
		long long	 n;

		if ((s = log_clear(st, t, project, ns, &n, cause)) != PD_OK)
			return s;
	}
	if ((s = on_table(st, "DELETE FROM %s WHERE project = ?1 AND "
	    "namespace = ?2", t, NULL, project, ns, cause)) == PD_OK)
		store_rev_many(st, sqlite3_changes(st->db));
	return s;
}

enum pd_status
sqlite_ns_clear(struct store *base, const char *project, const char *ns,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_own_begin(st, &own, cause)) != PD_OK)
		return s;
	return store_own_end(st, own, ns_clear(st, project, ns, cause),
	    cause);
}

enum pd_status
sqlite_table_drop(struct store *base, const char *name, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	size_t		 i;
	int		 e, rc;

	if ((s = store_ctx_shared(&st->base, cause)) != PD_OK)
		return s;
	if ((e = table_exists(st, name, cause)) <= 0)
		return e == 0 ? PD_MISS : PD_ERROR;
	if ((s = prepare(st, T_HELD, &q, cause)) != PD_OK)
		return s;
	/* The caller dropped the namespaces it sees; a context's are left. */
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = store_step(st, q);
	done(q);
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ROW)
			return store_fail(st, rc, cause);
		*cause = xasprintf("table '%s' still holds namespaces of a "
		    "meta context: drop them there first", name);
		return PD_ERROR;
	}
	t = store_table_named(st, name);
	/* DROP TABLE fires no trigger: rows left take their blobs along. */
	if ((store_blob_exists(st) && (s = on_table(st, "DELETE FROM %s", t,
	    NULL, NULL, NULL, cause)) != PD_OK) ||
	    (s = on_table(st, "DROP TABLE %s", t, NULL, NULL, NULL, cause)) !=
	    PD_OK || (s = prepare(st, T_DEL, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if ((s = store_run(st, q, cause)) != PD_OK)
		return s;
	/* Its statements refer to a table that is gone. */
	i = (size_t)(t - st->tables);
	table_release(t);
	memmove(t, t + 1, (st->ntables - i - 1) * sizeof(*t));
	st->ntables--;
	store_route_reset(st);
	return PD_OK;
}

enum pd_status
sqlite_table_info(struct store *base, const char *name, long long *rows,
    long long *bytes, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct kvtable	*t;
	enum pd_status	 s;
	char		*sql;
	sqlite3_stmt	*q;
	int		 e, rc;

	if ((s = store_ctx_shared(&st->base, cause)) != PD_OK)
		return s;
	if ((e = table_exists(st, name, cause)) <= 0)
		return e == 0 ? PD_MISS : PD_ERROR;
	t = store_table_named(st, name);
	/* dbstat names tables without quotes. */
	sql = xasprintf("SELECT (SELECT count(*) FROM %s), (SELECT "
	    "coalesce(sum(pgsize), 0) FROM dbstat WHERE name = '%s%s')",
	    t->ident, strcmp(name, "kv") == 0 ? "" : "t_", name);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	if ((rc = store_step(st, q)) == SQLITE_ROW) {
		*rows = sqlite3_column_int64(q, 0);
		*bytes = sqlite3_column_int64(q, 1);
	} else
		s = store_fail(st, rc, cause);
	sqlite3_finalize(q);
	return s;
}
