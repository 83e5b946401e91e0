/*
 * pg/be.c - the PostgreSQL backend's operations table (store-be.h), and
 * the small operations that have no file of their own.
 *
 * Served: opening, transactions and savepoints, keys (get, set, the
 * conditional sets, expiry, delete, info, scan), revisions, the next
 * expiry, namespace limits, metakeys, users, grants and API keys,
 * projects and namespaces, the change log and watching, copy and move,
 * purge, evicting from full namespaces, locks (lock.c), deleting by
 * pattern (many.c), check, backups (pg/backup.c), key tables (a
 * mapping of namespaces: obj.c) and meta contexts (each listing keeps to
 * the view's range: PG_VIEW).
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* Apply the sets queued for COPY (pg/copy.c). */
static enum pd_status
pg_flush(struct store *st, char **cause)
{
	return pg_queue_flush(pg_of(st), cause);
}

/* Every commit is as durable as the server makes it (its own settings). */
static void
pg_set_durable(struct store *st, int full)
{
}

/* The change log's retention, applied at each commit (pg_commit). */
static void
pg_set_retention(struct store *st, long long keep_revs, long long keep_ms)
{
	struct pg_store	*ps = pg_of(st);

	ps->keep_revs = keep_revs;
	ps->keep_ms = keep_ms;
}

enum pd_status
pg_count(struct store *base, const char *sql, long long *n, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	PGresult	*r;
	enum pd_status	 s;

	*n = 0;
	if ((s = pg_run(ps, sql, NULL, &r, cause)) != PD_OK)
		return pg_none(s, cause) == PD_MISS ? PD_OK : s;
	if (ps->pq->PQntuples(r) > 0)
		*n = pg_ll(ps, r, 0, 0);
	ps->pq->PQclear(r);
	return PD_OK;
}

enum pd_status
pg_ns_limits(struct store *base, const char *project, const char *ns,
    long long *ttl_ms, long long *max_items, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;
	unsigned	 gen;

	if (pg_limits_seen(ps, project, ns, ttl_ms, max_items, &gen))
		return PD_OK;
	*ttl_ms = *max_items = 0;
	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	if (pg_none(s = pg_run(ps, "SELECT coalesce(ttl_ms, 0), "
	    "coalesce(max_items, 0) FROM sys_namespaces WHERE project = $1 AND "
	    "name = $2", &a, &r, cause), cause) == PD_MISS)
		return PD_OK;
	if (s != PD_OK)
		return s;
	if (ps->pq->PQntuples(r) > 0) {
		*ttl_ms = pg_ll(ps, r, 0, 0);
		*max_items = pg_ll(ps, r, 0, 1);
	}
	ps->pq->PQclear(r);
	pg_limits_keep(ps, gen, project, ns, *ttl_ms, *max_items);
	return PD_OK;
}

/* The server checks its own pages; the schema answering is the check. */
static enum pd_status
pg_check(struct store *st, void (*fn)(void *, const char *), void *ctx,
    char **cause)
{
	long long	 v;
	enum pd_status	 s;

	if ((s = pg_count(st, "SELECT v FROM sys_version", &v, cause)) != PD_OK)
		return s;
	fn(ctx, "ok");
	return PD_OK;
}

/* Open and check: a database that cannot be opened is an error here. */
static enum pd_status
pg_check_at(const struct store_loc *sl, int busy_ms,
    void (*fn)(void *, const char *), void *ctx, char **cause)
{
	struct store	*st;
	enum pd_status	 s;

	if ((s = pg_open(sl, busy_ms, 0, &st, cause)) != PD_OK)
		return s;
	s = pg_check(st, fn, ctx, cause);
	pg_close(st);
	return s;
}

const struct store_backend store_pg = {
	.name = "postgresql",
	.backup_ext = ".pgbackup",
	.shown = pg_loc_redact,
#define OP(f)	.f = pg_##f,
	OP(claims) OP(locate) OP(exists) OP(same) OP(open) OP(list)
	OP(create) OP(drop) OP(rename) OP(describe) OP(backup_check)
	OP(restore) OP(check_at)
	OP(close) OP(flush) OP(set_durable) OP(backup) OP(check)
	OP(begin) OP(commit) OP(rollback) OP(in_tx) OP(tx_lost) OP(savepoint)
	OP(savepoint_end) OP(set) OP(set_if) OP(expire) OP(purge) OP(info)
	OP(get_any) OP(get) OP(read_revision) OP(del) OP(copy) OP(scan)
	OP(keys_hold) OP(del_many) OP(set_retention) OP(revision) OP(changes)
	OP(watch_open) OP(watch_wait) OP(watch_close) OP(next_expiry)
	OP(lock_take) OP(lock_leave) OP(unlock) OP(lock_refresh)
	OP(project_create) OP(projects) OP(projects_elsewhere)
	OP(project_drop) OP(ns_policy) OP(ns_limits) OP(ns_create)
	OP(namespaces) OP(ns_drop) OP(objects) OP(table_create) OP(table_drop)
	OP(tables) OP(table_info) OP(table_mapped) OP(ns_move) OP(ns_clear)
	OP(meta_set) OP(meta_get) OP(meta_del) OP(meta_list) OP(user_add)
	OP(user_get) OP(user_set_hash) OP(user_del) OP(user_count)
	OP(admin_count) OP(users) OP(grant_set) OP(grant_del) OP(grant_level)
	OP(grant_in) OP(grants) OP(apikey_add) OP(apikey_get) OP(apikey_del)
	OP(apikeys) OP(secret)
#undef OP
};
