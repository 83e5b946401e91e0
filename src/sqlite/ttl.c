/*
 * sqlite/ttl.c - expiry: TTL namespaces, purging expired keys, max_items.
 *
 * An expired key is dead at once for every read (the queries compare
 * expires with the clock); its row goes later, when a writer purges a
 * bounded batch at commit, `cache sweep` purges them all, or a watcher
 * purges those it watches when they expire.  A partial index on expires
 * keeps all of them cheap when nothing has a TTL.  Each key purged (an
 * "expire") or evicted takes a revision, and is logged in one statement
 * before its row goes: the log's rows select the keys in the order the
 * deletion does, and number them from the next revision on.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

enum pd_status
sqlite_purge(struct store *base, const char *project, const char *ns,
    long long limit, long long *count, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	*count = 0;
	if ((s = store_own_begin(st, &own, cause)) != PD_OK)
		return s;
	s = store_purge_expired(st, project, ns, limit, count, cause);
	return store_own_end(st, own, s, cause);
}

enum pd_status
sqlite_ns_limits(struct store *base, const char *project, const char *ns,
    long long *ttl_ms, long long *max_items, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct route	*r;
	enum pd_status	 s;

	if ((s = store_route(st, project, ns, &r, cause)) != PD_OK)
		return s;
	*ttl_ms = r->ttl;
	*max_items = r->max;
	return PD_OK;
}

/*
 * Run sql once with project, ns, x, y and the last revision bound to ?1
 * .. ?5 (those it has); *n, if not NULL, is the rows it changed.
 */
static enum pd_status
run_ns(struct sqldb *st, const char *sql, const char *project,
    const char *ns, long long x, long long y, long long *n, char **cause)
{
	sqlite3_stmt	*q;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, x);
	sqlite3_bind_int64(q, 4, y);
	if (sqlite3_bind_parameter_count(q) >= 5)
		sqlite3_bind_int64(q, 5, st->rev);
	rc = store_step(st, q);
	sqlite3_finalize(q);
	if (n != NULL)
		*n = sqlite3_changes(st->db);
	return rc == SQLITE_DONE ? PD_OK : store_fail(st, rc, cause);
}

/*
 * Give every live key of project.ns in table t the expiry of TTL ttl_ms
 * from now (none for 0), each a change of its own, in key order.
 */
static enum pd_status
expire_all(struct sqldb *st, const struct kvtable *t, const char *project,
    const char *ns, long long ttl_ms, long long now, char **cause)
{
	enum pd_status	 s = PD_OK;
	long long	 n;
	char		*sql;

#define LIVE	"project = ?1 AND namespace = ?2 AND (expires IS NULL OR " \
		"expires > ?4)"
	if (st->log_on) {
		sql = xasprintf("INSERT INTO sys_changes(rev, at, op, project, "
		    "namespace, key, expires) SELECT ?5 + row_number() OVER "
		    "(ORDER BY key), ?4, 'ttl', project, namespace, key, CASE "
		    "WHEN ?3 > 0 THEN ?4 + ?3 END FROM %s WHERE " LIVE
		    " ORDER BY key", t->ident);
		s = run_ns(st, sql, project, ns, ttl_ms, now, NULL, cause);
		free(sql);
	}
	if (s != PD_OK)
		return s;
	sql = xasprintf("UPDATE %s SET expires = CASE WHEN ?3 > 0 THEN ?4 + "
	    "?3 END, revision = ?5 + r.n FROM (SELECT key AS k, row_number() "
	    "OVER (ORDER BY key) AS n FROM %s WHERE " LIVE ") AS r WHERE "
	    "project = ?1 AND namespace = ?2 AND key = r.k", t->ident,
	    t->ident);
#undef LIVE
	if ((s = run_ns(st, sql, project, ns, ttl_ms, now, &n, cause)) ==
	    PD_OK)
		store_rev_many(st, n);
	free(sql);
	return s;
}

static enum pd_status
ns_policy(struct sqldb *st, const char *project, const char *ns,
    long long ttl_ms, long long max_items, int apply_all, long long now,
    char **cause)
{
	struct kvtable	*t;
	enum pd_status	 s;

	if ((s = store_register(st, project, ns, now, cause)) != PD_OK ||
	    (s = run_ns(st, "UPDATE sys_namespaces SET kind = CASE WHEN "
	    "?3 > 0 THEN 'ttl' ELSE 'std' END, ttl_ms = nullif(?3, 0), "
	    "max_items = nullif(?4, 0) WHERE project = ?1 AND name = ?2",
	    project, ns, ttl_ms, max_items, NULL, cause)) != PD_OK)
		return s;
	store_route_reset(st);
	if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
		return s;
	/* Live keys only: an expired key stays dead. */
	if (apply_all && (s = expire_all(st, t, project, ns, ttl_ms, now,
	    cause)) != PD_OK)
		return s;
	return store_evict(st, project, ns, cause);
}

enum pd_status
sqlite_ns_policy(struct store *base, const char *project, const char *ns,
    long long ttl_ms, long long max_items, int apply_all, long long now,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_own_begin(st, &own, cause)) != PD_OK)
		return s;
	s = ns_policy(st, project, ns, ttl_ms, max_items, apply_all, now,
	    cause);
	return store_own_end(st, own, s, cause);
}
