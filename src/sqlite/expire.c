/*
 * sqlite/expire.c - what writes and commits do to the keys they leave
 * behind: purging expired keys (a bounded batch at each commit of a
 * writer of expiring keys, or all of them), and evicting the oldest keys
 * of a namespace over its max_items.  Each key purged (an "expire") or
 * evicted takes a revision, and is logged in one statement before its
 * row goes: the log's rows select the keys in the order the deletion
 * does, and number them from the next revision on.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/*
 * The expired keys of table %1$s (a template), oldest first: ?1 now, ?2
 * project and ?3 namespace when given (else the view's range), ?4 the
 * limit (-1: all).  ?5 is the revision before the first one's.
 */
#define DEAD_ORDER	"expires, project, namespace, key"
#define DEAD(filter) \
	"(project, namespace, key) IN (SELECT project, namespace, key " \
	"FROM %1$s WHERE expires <= ?1" filter " ORDER BY " DEAD_ORDER \
	" LIMIT ?4)"
#define DEAD_LOG(filter) \
	"INSERT INTO sys_changes(rev, at, op, project, namespace, key) " \
	"SELECT ?5 + row_number() OVER (ORDER BY " DEAD_ORDER "), ?1, " \
	"'expire', project, namespace, key FROM %1$s WHERE expires <= ?1" \
	filter " ORDER BY " DEAD_ORDER " LIMIT ?4"
/* The store's view (its meta context, or none): store_ctx_range binds. */
#define IN_VIEW		" AND " CTX_RANGE("project", 2, 3)
#define IN_NS		" AND project = ?2 AND namespace = ?3"
#define IN_PROJECT	" AND project = ?2"

/*
 * Run one prepared purge step; sets *count (if not NULL) to the rows it
 * wrote or deleted.
 */
static enum pd_status
step(struct sqldb *st, sqlite3_stmt *q, long long now, const char *project,
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
	sqlite3_bind_int64(q, 5, st->rev);
	if ((s = store_run(st, q, cause)) == PD_OK && count != NULL)
		*count = sqlite3_changes(st->db);
	return s;
}

/*
 * store_kvprepare of a statement on sys_meta: *slot stays NULL while it
 * is not made (store_prepare_made).
 */
static enum pd_status
meta_prepare(struct sqldb *st, const struct kvtable *t, sqlite3_stmt **slot,
    const char *template, char **cause)
{
	enum pd_status	 s;
	char		*sql;

	/* One expired by a rollback: store_prepare_made prepares it again. */
	if (*slot != NULL && !sqlite3_expired(*slot))
		return store_sync(st, cause);
	sql = xasprintf(template, t->ident);
	s = store_prepare_made(st, sql, slot, "sys_meta", NULL, cause);
	free(sql);
	return s;
}

/* Purge table t; the unfiltered statements are cached (every commit). */
static enum pd_status
purge_table(struct sqldb *st, const struct kvtable *t, const char *project,
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
	static const char *const logs[3] = {
	    DEAD_LOG(IN_VIEW), DEAD_LOG(IN_PROJECT), DEAD_LOG(IN_NS) };
	struct kvtable	*w = (struct kvtable *)t;
	sqlite3_stmt	*q[3] = { NULL, NULL, NULL };
	enum pd_status	 s = PD_OK;
	long long	 now = util_now_ms(), n = 0;
	int		 shape = ns != NULL ? 2 : project != NULL ? 1 : 0;
	int		 i, steps = st->log_on ? 3 : 2;
	const char	*sql;

	/* The log first, while the rows are there; then metakeys, rows. */
	for (i = 3 - steps; i < 3 && s == PD_OK; i++) {
		sql = i == 0 ? logs[shape] : i == 1 ? meta[shape] : rows[shape];
		/* The unfiltered statements run at every commit: kept. */
		if (shape == 0) {
			s = i == 1 ? meta_prepare(st, t, &w->purge[i], sql,
			    cause) : store_kvprepare(st, t, &w->purge[i], sql,
			    cause);
			q[i] = w->purge[i];
		} else
			s = i == 1 ? meta_prepare(st, t, &q[i], sql, cause) :
			    store_kvprepare(st, t, &q[i], sql, cause);
	}
	/* No sys_meta (q[1] NULL): no metakeys to purge. */
	for (i = 3 - steps; i < 3 && s == PD_OK; i++)
		if (q[i] != NULL)
			s = step(st, q[i], now, project, ns, limit,
			    i == 2 ? &n : NULL, cause);
	if (s == PD_OK) {
		store_rev_many(st, n);
		*count += n;
	}
	for (i = 0; i < 3 && shape != 0; i++)
		sqlite3_finalize(q[i]);
	return s;
}

enum pd_status
store_purge_expired(struct sqldb *st, const char *project, const char *ns,
    long long limit, long long *count, char **cause)
{
	struct kvtable	*t;
	enum pd_status	 s;
	char		**names;
	size_t		 i, n;

	*count = 0;
	if (project != NULL && ns != NULL) {
		if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
			return s;
		return purge_table(st, t, project, ns, limit, count, cause);
	}
	if ((s = store_table_names(st, &names, &n, cause)) != PD_OK)
		return s;
	for (i = 0; i < n && s == PD_OK; i++) {
		t = store_table_named(st, names[i]);
		s = purge_table(st, t, project, NULL, limit, count, cause);
	}
	store_names_free(names, n);
	return s;
}

enum pd_status
store_evict(struct sqldb *st, const char *project, const char *ns,
    char **cause)
{
	struct kvtable	*t;
	struct route	*r;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 n, max, excess, purged, evicted = 0;
	char		*sql, *log, *meta;
	int		 rc;

	if ((s = store_route(st, project, ns, &r, cause)) != PD_OK ||
	    (max = r->max) <= 0)
		return s;
	if ((s = store_ns_count(st, project, ns, &n, cause)) != PD_OK ||
	    n <= max ||
	    (s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
		return s;
	/* The dead go first; then the oldest live keys, by update time. */
	purged = 0;
	if ((s = purge_table(st, t, project, ns, 0, &purged, cause)) != PD_OK)
		return s;
	excess = n - max;
	/* Logged first (?4 the revision before), while the rows are there. */
	log = st->log_on ? xasprintf("INSERT INTO sys_changes(rev, at, op, "
	    "project, namespace, key) SELECT ?4 + row_number() OVER (ORDER BY "
	    "updated, key), ?5, 'evict', project, namespace, key FROM %s "
	    "WHERE project = ?1 AND namespace = ?2 ORDER BY updated, key "
	    "LIMIT ?3;", t->ident) : xstrdup("");
	/* Without sys_meta (made by the first metakey) none to delete. */
	meta = store_table_made(st, "sys_meta") ? xasprintf("DELETE FROM "
	    "sys_meta WHERE (project, namespace, key) IN (SELECT project, "
	    "namespace, key FROM %s WHERE project = ?1 AND namespace = ?2 "
	    "ORDER BY updated, key LIMIT ?3);", t->ident) : xstrdup("");
	sql = xasprintf("%s%s"
	    "DELETE FROM %s WHERE (project, namespace, key) IN (SELECT "
	    "project, namespace, key FROM %s WHERE project = ?1 AND "
	    "namespace = ?2 ORDER BY updated, key LIMIT ?3)", log, meta,
	    t->ident, t->ident);
	free(log);
	free(meta);
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
			/* The deletes have no ?4 and ?5: binding fails there. */
			sqlite3_bind_int64(q, 4, st->rev);
			sqlite3_bind_int64(q, 5, util_now_ms());
			rc = store_step(st, q);
			if (rc != SQLITE_DONE)
				s = store_fail(st, rc, cause);
			/* The last statement deletes the rows. */
			evicted = sqlite3_changes(st->db);
			sqlite3_finalize(q);
		}
	}
	free(sql);
	if (s == PD_OK)
		store_rev_many(st, evicted);
	return s;
}

enum pd_status
store_ns_count(struct sqldb *st, const char *project, const char *ns,
    long long *n, char **cause)
{
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;

	*n = 0;
	if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK ||
	    (s = store_kvquery(st, t, KVQ_COUNT_NS, "SELECT count(*) FROM "
	    "%s WHERE project = ?1 AND namespace = ?2 AND "
	    "(expires IS NULL OR expires > ?3)", &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, util_now_ms());
	return store_count(st, q, n, cause);
}
