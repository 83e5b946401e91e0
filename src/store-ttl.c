/*
 * store-ttl.c - expiry: TTL namespaces, purging expired keys, max_items.
 *
 * An expired key is dead at once for every read (the queries compare
 * expires with the clock); its row goes later, when a writer purges a
 * bounded batch at commit or `cache sweep` purges them all.  A partial
 * index on expires keeps both cheap when nothing has a TTL.
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

/*
 * The expired keys of table %1$s (a template), oldest first: ?1 now, ?2 project and ?3
 * namespace when given (else the view's range), ?4 the limit (-1: all).
 */
#define DEAD(filter) \
	"(project, namespace, key) IN (SELECT project, namespace, key " \
	"FROM %1$s WHERE expires <= ?1" filter " ORDER BY expires, project, " \
	"namespace, key LIMIT ?4)"
/* The store's view (its meta context, or none): store_ctx_range binds. */
#define IN_VIEW		" AND " CTX_RANGE("project", 2, 3)
#define IN_NS		" AND project = ?2 AND namespace = ?3"
#define IN_PROJECT	" AND project = ?2"

/* Run one prepared purge step; adds the rows it deleted to *count. */
static enum pd_status
step(struct store *st, sqlite3_stmt *q, long long now, const char *project,
    const char *ns, long long limit, long long *count, char **cause)
{
	enum pd_status	 s;

	sqlite3_bind_int64(q, 1, now);
	if (project != NULL)
		sqlite3_bind_text(q, 2, project, -1, SQLITE_STATIC);
	else
		store_ctx_range(st, q, 2);
	if (ns != NULL)
		sqlite3_bind_text(q, 3, ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, limit > 0 ? limit : -1);
	if ((s = store_run(st, q, cause)) == PD_OK && count != NULL)
		*count += sqlite3_changes(st->db);
	return s;
}

/* Purge table t; the unfiltered statements are cached (every commit). */
static enum pd_status
purge_table(struct store *st, const struct kvtable *t, const char *project,
    const char *ns, long long limit, long long *count, char **cause)
{
	static const char *const meta[3] = {
	    "DELETE FROM sys_meta WHERE " DEAD(IN_VIEW),
	    "DELETE FROM sys_meta WHERE " DEAD(IN_PROJECT),
	    "DELETE FROM sys_meta WHERE " DEAD(IN_NS) };
	static const char *const rows[3] = {
	    "DELETE FROM %1$s WHERE " DEAD(IN_VIEW),
	    "DELETE FROM %1$s WHERE " DEAD(IN_PROJECT),
	    "DELETE FROM %1$s WHERE " DEAD(IN_NS) };
	struct kvtable	*w = (struct kvtable *)t;
	sqlite3_stmt	*m = NULL, *r = NULL;
	enum pd_status	 s;
	long long	 now = util_now_ms();
	int		 shape = ns != NULL ? 2 : project != NULL ? 1 : 0;

	if (shape == 0) {
		if ((s = store_kvprepare(st, t, &w->purge[0], meta[0], cause)) !=
		    PD_OK ||
		    (s = store_kvprepare(st, t, &w->purge[1], rows[0], cause)) !=
		    PD_OK)
			return s;
		m = w->purge[0];
		r = w->purge[1];
	} else if ((s = store_kvprepare(st, t, &m, meta[shape], cause)) !=
	    PD_OK || (s = store_kvprepare(st, t, &r, rows[shape], cause)) !=
	    PD_OK)
		goto out;
	if ((s = step(st, m, now, project, ns, limit, NULL, cause)) == PD_OK)
		s = step(st, r, now, project, ns, limit, count, cause);
out:
	if (shape != 0) {
		sqlite3_finalize(m);
		sqlite3_finalize(r);
	}
	return s;
}

enum pd_status
store_purge(struct store *st, const char *project, const char *ns,
    long long limit, long long *count, char **cause)
{
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		**names = NULL;
	size_t		 i, n = 0;
	int		 rc;

	*count = 0;
	project = store_ctx_name(st, project, &st->ctx_p[0]);
	if ((s = batch_flush(st, cause)) != PD_OK)
		return s;
	if (project != NULL && ns != NULL) {
		if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
			return s;
		return purge_table(st, t, project, ns, limit, count, cause);
	}
	if ((rc = sqlite3_prepare_v2(st->db, "SELECT name FROM sys_tables",
	    -1, &q, NULL)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	while (store_step(st, q) == SQLITE_ROW) {
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup((const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	for (i = 0; i < n; i++) {
		if (s == PD_OK) {
			t = store_table_named(st, names[i]);
			s = purge_table(st, t, project, NULL, limit, count,
			    cause);
		}
		free(names[i]);
	}
	free(names);
	return s;
}

enum pd_status
store_ns_limits(struct store *st, const char *project, const char *ns,
    long long *ttl_ms, long long *max_items, char **cause)
{
	struct route	*r;
	enum pd_status	 s;

	project = store_ctx_name(st, project, &st->ctx_p[0]);
	if ((s = store_route(st, project, ns, &r, cause)) != PD_OK)
		return s;
	*ttl_ms = r->ttl;
	*max_items = r->max;
	return PD_OK;
}

enum pd_status
store_evict(struct store *st, const char *project, const char *ns,
    char **cause)
{
	struct kvtable	*t;
	struct route	*r;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 n, max, excess, purged;
	char		*sql;
	int		 rc;

	if ((s = store_route(st, project, ns, &r, cause)) != PD_OK ||
	    (max = r->max) <= 0)
		return s;
	if ((s = store_ns_count(st, project, ns, &n, cause)) != PD_OK ||
	    n <= max ||
	    (s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
		return s;
	/* The dead go first; then the oldest live keys, by update time. */
	if ((s = purge_table(st, t, project, ns, 0, &purged, cause)) != PD_OK)
		return s;
	excess = n - max;
	sql = xasprintf("DELETE FROM sys_meta WHERE (project, namespace, key) "
	    "IN (SELECT project, namespace, key FROM %s WHERE project = ?1 AND "
	    "namespace = ?2 ORDER BY updated, key LIMIT ?3);"
	    "DELETE FROM %s WHERE (project, namespace, key) IN (SELECT "
	    "project, namespace, key FROM %s WHERE project = ?1 AND "
	    "namespace = ?2 ORDER BY updated, key LIMIT ?3)", t->ident,
	    t->ident, t->ident);
	{
		const char	*tail = sql;

		while (s == PD_OK && *tail != '\0') {
			rc = sqlite3_prepare_v2(st->db, tail, -1, &q, &tail);
			if (rc != SQLITE_OK) {
				s = store_fail(st, rc, cause);
				break;
			}
			if (q == NULL)
				break;
			sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 3, excess);
			rc = store_step(st, q);
			if (rc != SQLITE_DONE)
				s = store_fail(st, rc, cause);
			sqlite3_finalize(q);
		}
	}
	free(sql);
	return s;
}

/* Run sql once with project, ns, x and y bound to ?1 .. ?4. */
static enum pd_status
run_ns(struct store *st, const char *sql, const char *project,
    const char *ns, long long x, long long y, char **cause)
{
	sqlite3_stmt	*q;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, x);
	sqlite3_bind_int64(q, 4, y);
	rc = store_step(st, q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? PD_OK : store_fail(st, rc, cause);
}

enum pd_status
store_ns_policy(struct store *st, const char *project, const char *ns,
    long long ttl_ms, long long max_items, int apply_all, long long now,
    char **cause)
{
	struct kvtable	*t;
	enum pd_status	 s;
	char		*sql;

	project = store_ctx_name(st, project, &st->ctx_p[0]);
	if ((s = batch_flush(st, cause)) != PD_OK ||
	    (s = store_register(st, project, ns, now, cause)) != PD_OK ||
	    (s = run_ns(st, "UPDATE sys_namespaces SET kind = CASE WHEN "
	    "?3 > 0 THEN 'ttl' ELSE 'std' END, ttl_ms = nullif(?3, 0), "
	    "max_items = nullif(?4, 0) WHERE project = ?1 AND name = ?2",
	    project, ns, ttl_ms, max_items, cause)) != PD_OK)
		return s;
	store_route_reset(st);
	if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
		return s;
	if (apply_all) {
		/* Live keys only: an expired key stays dead. */
		sql = xasprintf("UPDATE %s SET expires = CASE WHEN ?3 > 0 THEN "
		    "?4 + ?3 END WHERE project = ?1 AND namespace = ?2 AND "
		    "(expires IS NULL OR expires > ?4)", t->ident);
		s = run_ns(st, sql, project, ns, ttl_ms, now, cause);
		free(sql);
		if (s != PD_OK)
			return s;
	}
	return store_evict(st, project, ns, cause);
}
