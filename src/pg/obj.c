/*
 * pg/obj.c - projects and namespaces as objects on a server (store.h's
 * store_project_*, store_ns_*, store_objects), in sys_projects and
 * sys_namespaces as SQLite has them (store-obj.c, store-ttl.c), and key
 * tables, as a mapping of namespaces (every key is in kv).
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

enum pd_status
pg_project_create(struct store *base, const char *name,
    const char *description, long long now, char **cause)
{
	struct pg_args	 a;
	enum pd_status	 s;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, name);
	pg_arg_text(&a, description);
	pg_arg_ll(&a, now);
	if ((s = pg_change(pg_of(base), "INSERT INTO sys_projects(name, "
	    "description, created) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	    &a, cause)) == PD_MISS) {
		*cause = xasprintf("project '%s' already exists",
		    util_word(name));
		return PD_ERROR;
	}
	return s;
}

/*
 * Objects of sql ($1 a project or NULL, $2 a namespace or NULL, $3 now,
 * $4 and $5 the view), namespaces (ns_rows) or projects, into fn; PD_MISS
 * when none.
 */
static enum pd_status
each(struct pg_store *ps, const char *sql, const char *project,
    const char *ns, int ns_rows, store_object_fn fn, void *ctx,
    char **cause)
{
	const struct pg_lib *pq = ps->pq;
	struct store_object o;
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;
	int		 i;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	pg_arg_ll(&a, util_now_ms());
	pg_arg_view(&a, &ps->base);
	if ((s = pg_run(ps, sql, &a, &r, cause)) != PD_OK)
		return pg_none(s, cause);
	if (pq->PQntuples(r) == 0)
		s = PD_MISS;
	for (i = 0; i < pq->PQntuples(r) && s == PD_OK; i++) {
		memset(&o, 0, sizeof(o));
		o.project = store_ctx_out(&ps->base, pq->PQgetvalue(r, i, 0));
		o.description = pq->PQgetvalue(r, i, 2);
		o.created = pg_ll(ps, r, i, 3);
		o.keys = pq->PQgetisnull(r, i, 4) ? -1 : pg_ll(ps, r, i, 4);
		o.ttl_ms = o.max_items = -1;
		if (ns_rows) {
			o.ns = pq->PQgetvalue(r, i, 1);
			o.kind = pq->PQgetvalue(r, i, 5);
			o.table = pq->PQgetvalue(r, i, 6);
			o.ttl_ms = pg_ll(ps, r, i, 7);
			o.max_items = pg_ll(ps, r, i, 8);
		} else
			o.namespaces = pg_ll(ps, r, i, 5);
		s = fn(ctx, &o);
	}
	pq->PQclear(r);
	return s;
}

/* Live keys of a project (or of one namespace, with n.name). */
#define PG_KEYS_OF(where) \
	"(SELECT count(*) FROM kv k WHERE " where " AND (k.expires IS NULL " \
	"OR k.expires > $3))"

static enum pd_status
projects(struct pg_store *ps, const char *name, int count,
    store_object_fn fn, void *ctx, char **cause)
{
	enum pd_status	 s;

	s = each(ps, count ? "SELECT p.name, NULL, p.description, p.created, "
	    PG_KEYS_OF("k.project = p.name") ", (SELECT count(*) FROM "
	    "sys_namespaces n WHERE n.project = p.name) FROM sys_projects p "
	    "WHERE ($1::text IS NULL OR p.name = $1) AND $2::text IS NULL "
	    "AND " PG_VIEW("p.name", 4, 5) " ORDER BY p.name" :
	    "SELECT p.name, NULL, p.description, p.created, NULL::bigint, "
	    "(SELECT count(*) FROM sys_namespaces n WHERE n.project = p.name) "
	    "FROM sys_projects p WHERE ($1::text IS NULL OR p.name = $1) AND "
	    "$2::text IS NULL AND $3::bigint IS NOT NULL AND "
	    PG_VIEW("p.name", 4, 5) " ORDER BY p.name",
	    name, NULL, 0, fn, ctx, cause);
	return s == PD_MISS && name == NULL ? PD_OK : s;
}

enum pd_status
pg_projects(struct store *base, const char *name, store_object_fn fn,
    void *ctx, char **cause)
{
	return projects(pg_of(base), name, 1, fn, ctx, cause);
}

static enum pd_status
namespaces(struct pg_store *ps, const char *project, const char *ns,
    int count, store_object_fn fn, void *ctx, char **cause)
{
	enum pd_status	 s;

	s = each(ps, count ? "SELECT n.project, n.name, n.description, "
	    "n.created, " PG_KEYS_OF("k.project = n.project AND k.namespace = "
	    "n.name") ", n.kind, n.tbl, coalesce(n.ttl_ms, -1), "
	    "coalesce(n.max_items, -1) FROM sys_namespaces n WHERE ($1::text "
	    "IS NULL OR n.project = $1) AND ($2::text IS NULL OR n.name = $2) "
	    "AND " PG_VIEW("n.project", 4, 5) " ORDER BY n.project, n.name" :
	    "SELECT n.project, n.name, n.description, n.created, NULL::bigint, "
	    "n.kind, n.tbl, coalesce(n.ttl_ms, -1), coalesce(n.max_items, -1) "
	    "FROM sys_namespaces n WHERE ($1::text IS NULL OR n.project = $1) "
	    "AND ($2::text IS NULL OR n.name = $2) AND $3::bigint IS NOT NULL "
	    "AND " PG_VIEW("n.project", 4, 5) " ORDER BY n.project, n.name",
	    project, ns, 1, fn, ctx, cause);
	return s == PD_MISS && project == NULL ? PD_OK : s;
}

enum pd_status
pg_namespaces(struct store *base, const char *project, const char *ns,
    store_object_fn fn, void *ctx, char **cause)
{
	return namespaces(pg_of(base), project, ns, 1, fn, ctx, cause);
}

enum pd_status
pg_projects_elsewhere(struct store *base, long long *n, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	*n = 0;
	memset(&a, 0, sizeof(a));
	pg_arg_view(&a, base);
	if ((s = pg_run(ps, "SELECT count(*) FROM sys_projects WHERE NOT ("
	    PG_VIEW("name", 1, 2) ")", &a, &r, cause)) != PD_OK)
		return pg_none(s, cause) == PD_MISS ? PD_OK : s;
	*n = pg_ll(ps, r, 0, 0);
	ps->pq->PQclear(r);
	return PD_OK;
}

enum pd_status
pg_objects(struct store *base, int ns, store_object_fn fn, void *ctx,
    char **cause)
{
	return ns ? namespaces(pg_of(base), NULL, NULL, 0, fn, ctx, cause) :
	    projects(pg_of(base), NULL, 0, fn, ctx, cause);
}

enum pd_status
pg_ns_create(struct store *base, const char *project, const char *ns,
    const char *description, long long now, char **cause)
{
	struct pg_args	 a;
	enum pd_status	 s;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	pg_arg_text(&a, description);
	pg_arg_ll(&a, now);
	if ((s = pg_change(pg_of(base), "WITH p AS (INSERT INTO sys_projects("
	    "name, created) VALUES ($1, $4) ON CONFLICT DO NOTHING) INSERT "
	    "INTO sys_namespaces(project, name, description, created) VALUES "
	    "($1, $2, $3, $4) ON CONFLICT DO NOTHING", &a, cause)) ==
	    PD_MISS) {
		*cause = xasprintf("namespace '%s' of project '%s' already "
		    "exists", util_word(ns), util_word(project));
		return PD_ERROR;
	}
	return s;
}

/*
 * The keys and metakeys of project.ns (ns NULL: of the whole project)
 * deleted, each key a change (a revision) logged as a 'del' in address
 * order, as SQLite clears a namespace's keys; then, as the last
 * statement, last (whose rows changed are the answer).
 */
static enum pd_status
clear(struct pg_store *ps, const char *project, const char *ns,
    const char *last, char **cause)
{
	struct pg_args	 a;
	char		*sql;
	enum pd_status	 s;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	pg_arg_ll(&a, util_now_ms());
	sql = xasprintf("WITH d AS (DELETE FROM kv WHERE project = $1 AND "
	    "($2::text IS NULL OR namespace = $2) RETURNING namespace, key), "
	    "lg AS (INSERT INTO sys_changes(rev, at, op, project, namespace, "
	    "key) SELECT r.current + row_number() OVER (ORDER BY d.namespace, "
	    "d.key), $3, 'del', $1, d.namespace, d.key FROM d, sys_revision r "
	    "WHERE r.log_from IS NOT NULL), rv AS (UPDATE "
	    "sys_revision SET current = current + (SELECT count(*) FROM d)), "
	    "dm AS (DELETE FROM sys_meta WHERE project = $1 AND ($2::text IS "
	    "NULL OR namespace = $2)) %s", last);
	s = pg_change(ps, sql, &a, cause);
	free(sql);
	return s;
}

enum pd_status
pg_ns_clear(struct store *base, const char *project, const char *ns,
    char **cause)
{
	enum pd_status	 s;

	s = clear(pg_of(base), project, ns, "SELECT 1", cause);
	return s == PD_MISS ? PD_OK : s;
}

enum pd_status
pg_ns_drop(struct store *base, const char *project, const char *ns,
    char **cause)
{
	return clear(pg_of(base), project, ns, ", dg AS (DELETE FROM "
	    "sys_grants WHERE project = $1 AND namespace = $2) DELETE FROM "
	    "sys_namespaces WHERE project = $1 AND name = $2", cause);
}

enum pd_status
pg_project_drop(struct store *base, const char *name, char **cause)
{
	return clear(pg_of(base), name, NULL, ", dn AS (DELETE FROM "
	    "sys_namespaces WHERE project = $1), dg AS (DELETE FROM "
	    "sys_grants WHERE project = $1) DELETE FROM sys_projects WHERE "
	    "name = $1", cause);
}

/* After a namespace's policy changed: it evicts what its cap leaves out. */
static enum pd_status
evict(struct pg_store *ps, const PGresult *r, void *ctx, char **cause)
{
	const struct addr	*k = ctx;

	return pg_evict(ps, k->project, k->ns, cause);
}

enum pd_status
pg_ns_policy(struct store *base, const char *project, const char *ns,
    long long ttl_ms, long long max_items, int apply_all, long long now,
    char **cause)
{
	struct pg_args	 a;
	struct addr	 k;
	enum pd_status	 s;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	pg_arg_ll(&a, now);
	pg_arg_ll(&a, ttl_ms);
	pg_arg_ll(&a, apply_all != 0);
	pg_arg_ll(&a, max_items);
	memset(&k, 0, sizeof(k));
	k.project = (char *)project;
	k.ns = (char *)ns;
	/*
	 * The namespace registered, its policy set and, with apply_all, the
	 * live keys given the new expiry, each a change of its own; then a
	 * namespace over its new cap evicts, in the same transaction.
	 */
	s = pg_write_then(pg_of(base), "WITH p AS (INSERT INTO sys_projects(name, "
	    "created) VALUES ($1, $3) ON CONFLICT DO NOTHING), n AS (INSERT "
	    "INTO sys_namespaces(project, name, created, kind, ttl_ms, "
	    "max_items) VALUES ($1, $2, $3, CASE WHEN $4::bigint > 0 THEN "
	    "'ttl' ELSE 'std' END, nullif($4::bigint, 0), nullif($6::bigint, "
	    "0)) ON CONFLICT (project, "
	    "name) DO UPDATE SET kind = excluded.kind, ttl_ms = "
	    "excluded.ttl_ms, max_items = excluded.max_items), "
	    "u AS (SELECT key, row_number() OVER (ORDER BY key) AS rn FROM kv "
	    "WHERE $5 = 1 AND project = $1 AND namespace = $2 AND (expires IS "
	    "NULL OR expires > $3)), up AS (UPDATE kv SET expires = CASE WHEN "
	    "$4::bigint > 0 THEN $3 + $4::bigint END, revision = (SELECT current FROM "
	    "sys_revision) + u.rn FROM u WHERE kv.project = $1 AND "
	    "kv.namespace = $2 AND kv.key = u.key RETURNING 1) UPDATE "
	    "sys_revision SET current = current + (SELECT count(*) FROM up)",
	    &a, 0, evict, &k, cause);
	return s == PD_MISS ? PD_OK : s;
}

/*
 * Key tables on a server are a mapping only: sys_tables names them and
 * each namespace's tbl says which it maps to, but every key stays in kv
 * (its primary key leads with the project and namespace, so a namespace
 * is one range of it either way).  What a user sees is SQLite's: the
 * tables, their namespaces, their rows; a table's bytes are those of its
 * rows (pg_column_size), the server's pages being shared.
 */
enum pd_status
pg_table_create(struct store *base, const char *name, long long now,
    char **cause)
{
	struct pg_args	 a;
	enum pd_status	 s;

	if ((s = store_ctx_shared(base, cause)) != PD_OK)
		return s;
	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, name);
	pg_arg_ll(&a, now);
	if ((s = pg_change(pg_of(base), "INSERT INTO sys_tables(name, "
	    "created) VALUES ($1, $2) ON CONFLICT DO NOTHING", &a, cause)) ==
	    PD_MISS) {
		*cause = xasprintf("table '%s' already exists", name);
		return PD_ERROR;
	}
	return s;
}

enum pd_status
pg_table_drop(struct store *base, const char *name, char **cause)
{
	struct pg_args	 a;
	enum pd_status	 s;
	long long	 n;

	if ((s = store_ctx_shared(base, cause)) != PD_OK)
		return s;
	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, name);
	/*
	 * 1 dropped, 2 still the table of a namespace (the caller dropped
	 * those it sees: a meta context's are left), 0 none such.
	 */
	if ((s = pg_write_n(pg_of(base), "WITH h AS (SELECT EXISTS (SELECT 1 "
	    "FROM sys_namespaces WHERE tbl = $1) AS held), d AS (DELETE FROM "
	    "sys_tables WHERE name = $1 AND NOT (SELECT held FROM h) "
	    "RETURNING 1) SELECT CASE WHEN EXISTS (SELECT 1 FROM d) THEN 1 "
	    "WHEN EXISTS (SELECT 1 FROM sys_tables WHERE name = $1) THEN 2 "
	    "ELSE 0 END::bigint", &a, &n, cause)) != PD_OK)
		return s;
	if (n == 0)
		return PD_MISS;
	if (n == 2) {
		*cause = xasprintf("table '%s' still holds namespaces of a "
		    "meta context: drop them there first", name);
		return PD_ERROR;
	}
	return PD_OK;
}

enum pd_status
pg_ns_move(struct store *base, const char *project, const char *ns,
    const char *table, char **cause)
{
	struct pg_args	 a;
	enum pd_status	 s;
	long long	 n;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	pg_arg_text(&a, table);
	if ((s = pg_write_n(pg_of(base), "WITH t AS (SELECT 1 FROM sys_tables "
	    "WHERE name = $3), u AS (UPDATE sys_namespaces SET tbl = $3 WHERE "
	    "project = $1 AND name = $2 AND EXISTS (SELECT 1 FROM t)) SELECT "
	    "count(*) FROM t", &a, &n, cause)) != PD_OK)
		return s;
	if (n == 0) {
		*cause = xasprintf("no table '%s'", util_word(table));
		return PD_ERROR;
	}
	return PD_OK;
}

static enum pd_status
table_row(struct pg_store *ps, const PGresult *r, int i, void *ctx)
{
	const struct pg_to	*to = ctx;
	struct store_table t;

	t.name = ps->pq->PQgetvalue(r, i, 0);
	t.created = pg_ll(ps, r, i, 1);
	t.namespaces = pg_ll(ps, r, i, 2);
	return ((store_table_fn)to->fn)(to->ctx, &t);
}

enum pd_status
pg_tables(struct store *base, store_table_fn fn, void *ctx, char **cause)
{
	struct pg_to	 t = { (void *)fn, ctx };
	struct pg_args	 a;

	/* The namespaces of the view that map to each. */
	memset(&a, 0, sizeof(a));
	pg_arg_view(&a, base);
	return pg_rows(pg_of(base), "SELECT t.name, t.created, (SELECT "
	    "count(*) FROM sys_namespaces n WHERE n.tbl = t.name AND "
	    PG_VIEW("n.project", 1, 2) ") FROM sys_tables t ORDER BY t.name",
	    &a, table_row, &t, cause);
}

enum pd_status
pg_table_info(struct store *base, const char *name, long long *rows,
    long long *bytes, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	PGresult	*r;
	enum pd_status	 s;

	struct pg_args	 a;

	if ((s = store_ctx_shared(base, cause)) != PD_OK)
		return s;
	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, name);
	/* A key whose namespace is not registered is in kv. */
	if ((s = pg_run(ps, "SELECT (SELECT count(*) FROM sys_tables WHERE "
	    "name = $1), count(*), coalesce(sum(pg_column_size(k.*)), "
	    "0)::bigint FROM kv k LEFT JOIN sys_namespaces n ON n.project = "
	    "k.project AND n.name = k.namespace WHERE coalesce(n.tbl, 'kv') = "
	    "$1", &a, &r, cause)) != PD_OK)
		return pg_none(s, cause);
	if (pg_ll(ps, r, 0, 0) == 0)
		s = PD_MISS;
	*rows = pg_ll(ps, r, 0, 1);
	*bytes = pg_ll(ps, r, 0, 2);
	ps->pq->PQclear(r);
	return s;
}

static enum pd_status
mapped_row(struct pg_store *ps, const PGresult *r, int i, void *ctx)
{
	const struct pg_to	*t = ctx;

	return ((store_ns_fn)t->fn)(t->ctx, store_ctx_out(&ps->base,
	    ps->pq->PQgetvalue(r, i, 0)), ps->pq->PQgetvalue(r, i, 1));
}

enum pd_status
pg_table_mapped(struct store *base, const char *name, store_ns_fn fn,
    void *ctx, char **cause)
{
	struct pg_to	 t = { (void *)fn, ctx };
	struct pg_args	 a;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, name);
	pg_arg_view(&a, base);
	return pg_rows(pg_of(base), "SELECT project, name FROM sys_namespaces "
	    "WHERE tbl = $1 AND " PG_VIEW("project", 2, 3) " ORDER BY project, "
	    "name", &a, mapped_row, &t, cause);
}
