/*
 * pg/watch.c - the change log and watching on a server (store.h's
 * store_changes and store_watch_*), through LISTEN/NOTIFY.
 *
 * Each write statement logs its change into sys_changes itself once the
 * database has been watched (log_from set; int.h's PG_LOG), and a
 * transaction that changed something sends NOTIFY on the database's
 * channel with its COMMIT, which the server delivers at commit, to every
 * session that LISTENs, on any host.  A watcher LISTENs on its store's
 * connection and waits on its socket.  Each commit that changed something
 * trims the log to its retention (pg_commit), as on SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

enum pd_status
pg_watch_open(struct store *base, struct store_watch **out, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_watch	*w;
	enum pd_status	 s;
	char		*sql;

	/* Logging starts after the current revision, for good. */
	if ((s = pg_change(ps, "UPDATE sys_revision SET log_from = current "
	    "WHERE log_from IS NULL", NULL, cause)) != PD_OK && s != PD_MISS)
		return s;
	sql = xasprintf("LISTEN %s", ps->channel);
	s = pg_batch(ps, sql, NULL, cause);
	free(sql);
	if (s != PD_OK)
		return s;
	w = xcalloc(1, sizeof(*w));
	w->base.st = base;
	w->ps = ps;
	*out = &w->base;
	return PD_OK;
}

/*
 * Take every notification libpq holds: whether there was one; *gone when
 * one said the database was dropped, renamed or restored.
 */
static int
drain(struct pg_store *ps, int *gone)
{
	PGnotify	*n;
	int		 any = 0;

	ps->pq->PQconsumeInput(ps->c);
	while ((n = ps->pq->PQnotifies(ps->c)) != NULL) {
		if (strcmp(n->extra, PG_REPLACED) == 0)
			*gone = 1;
		ps->pq->PQfreemem(n);
		any = 1;
	}
	return any;
}

enum pd_status
pg_watch_wait(struct store_watch *base, long long timeout_ms, char **cause)
{
	struct pg_watch	*w = (struct pg_watch *)base;
	struct pg_store	*ps = w->ps;
	enum pd_status	 s;
	int		 gone = 0;

	/* A notice that came with a statement's results counts too. */
	if (!drain(ps, &gone) && (s = util_wait_readable(
	    ps->pq->PQsocket(ps->c), timeout_ms, cause)) != PD_OK)
		return s;
	drain(ps, &gone);
	/*
	 * What it watched is gone, or another database now: as on SQLite,
	 * where the file is unlinked under the watcher.
	 */
	if (gone) {
		*cause = xasprintf("database '%s' was removed, renamed or "
		    "restored: run it again", ps->loc.label);
		return PD_ERROR;
	}
	if (ps->pq->PQstatus(ps->c) == CONNECTION_BAD) {
		*cause = xasprintf("lost the connection to the server at %s "
		    "port %s", ps->pq->PQhost(ps->c), ps->pq->PQport(ps->c));
		return PD_IOERR;
	}
	/* Woken: a spurious wake-up is allowed (store.h). */
	return PD_OK;
}

void
pg_watch_close(struct store_watch *base)
{
	free(base);
}

/*
 * The logged changes after after, at most limit; the floor (what the
 * log is complete after) read in the same statement, so the same
 * snapshot, as SQLite's store reads it in one transaction.
 */
enum pd_status
pg_changes(struct store *base, long long after, long long limit,
    store_change_fn fn, void *ctx, long long *last, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	const struct pg_lib *pq = ps->pq;
	struct store_change c;
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;
	long long	 floor;
	int		 i;

	*last = after;
	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, after);
	if (limit > 0)
		pg_arg_ll(&a, limit);
	else
		pg_arg_text(&a, NULL);
	pg_arg_view(&a, base);
	if ((s = pg_run(ps, "WITH f AS (SELECT current, log_from, (SELECT "
	    "min(rev) FROM sys_changes) AS lo FROM sys_revision) SELECT "
	    "f.current, f.log_from, f.lo, c.rev, c.at, c.op, c.project, "
	    "c.namespace, c.key, c.value, coalesce(c.expires, 0) FROM f LEFT "
	    "JOIN LATERAL (SELECT * FROM sys_changes WHERE rev > $1 AND "
	    PG_VIEW("project", 3, 4) " ORDER BY rev LIMIT $2::bigint) c ON "
	    "true ORDER BY c.rev", &a, &r, cause)) != PD_OK)
		return s;
	floor = pg_ll(ps, r, 0, 0);
	if (!pq->PQgetisnull(r, 0, 1) && !pq->PQgetisnull(r, 0, 2)) {
		floor = pg_ll(ps, r, 0, 2) - 1;
		if (floor < pg_ll(ps, r, 0, 1))
			floor = pg_ll(ps, r, 0, 1);
	}
	if (after < floor) {
		*cause = xasprintf("revision %lld is compacted: the oldest "
		    "revision kept is %lld", after, floor + 1);
		pq->PQclear(r);
		return PD_ERROR;
	}
	for (i = 0; i < pq->PQntuples(r) && s == PD_OK; i++) {
		if (pq->PQgetisnull(r, i, 3))
			break;
		c.rev = pg_ll(ps, r, i, 3);
		c.at = pg_ll(ps, r, i, 4);
		c.op = pq->PQgetvalue(r, i, 5);
		c.project = store_ctx_out(base, pq->PQgetvalue(r, i, 6));
		c.ns = pq->PQgetvalue(r, i, 7);
		c.key = pq->PQgetvalue(r, i, 8);
		c.value = pq->PQgetisnull(r, i, 9) ? NULL :
		    pq->PQgetvalue(r, i, 9);
		c.vlen = (size_t)pq->PQgetlength(r, i, 9);
		c.expires = pg_ll(ps, r, i, 10);
		*last = c.rev;
		s = fn(ctx, &c);
	}
	pq->PQclear(r);
	return s;
}
