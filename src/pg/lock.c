/*
 * pg/lock.c - named locks on a server, and the queue of their waiters
 * (store.h's store_lock_*; sqlite/lock.c is the reference).
 *
 * A lock is a key as on SQLite: its value is the holder's token and its
 * expiry ends it.  Taking one is a set if absent (or expired) in one
 * transaction, under the database's lock like every write.
 *
 * Waiters are served in the order they came through sys_lock_waiters
 * (made by the first lock taken).  A waiter holds a session advisory lock
 * keyed by its database's schema and its ticket, which the server drops
 * when its session ends: a ticket whose advisory lock nobody holds (or
 * whose wait is over) belongs to nobody and is deleted by whoever finds
 * it, as SQLite's store does with a byte of its notification file.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* The key of ticket $1's advisory lock: (the schema's hash, ticket). */
#define PG_TICKET	"hashtext(current_schema() || ' waiters'), $1::int"

static const char pg_waiters_sql[] =
    "CREATE TABLE IF NOT EXISTS sys_lock_waiters ("
    " ticket serial PRIMARY KEY,"
    " project text NOT NULL,"
    " namespace text NOT NULL,"
    " key text NOT NULL,"
    " until bigint NOT NULL);"
    "CREATE INDEX IF NOT EXISTS sys_lock_waiters_key ON "
    " sys_lock_waiters(project, namespace, key, ticket)";

static enum pd_status
not_in_tx(struct pg_store *ps, char **cause)
{
	if (!ps->in_tx)
		return PD_OK;
	*cause = xstrdup("locks cannot be used inside a transaction");
	return PD_DATAERR;
}

/* Begin a transaction holding the database's lock, the queue made. */
static enum pd_status
begin(struct pg_store *ps, char **cause)
{
	enum pd_status	 s;

	if ((s = not_in_tx(ps, cause)) != PD_OK ||
	    (s = pg_begin(&ps->base, cause)) != PD_OK)
		return s;
	if ((s = pg_batch(ps, pg_waiters_sql, NULL, cause)) != PD_OK)
		pg_rollback(&ps->base);
	return s;
}

/* Give up ticket's advisory lock (a session's: not undone by ROLLBACK). */
static void
release(struct pg_store *ps, long long ticket)
{
	struct pg_args	 a;
	char		*cause = NULL;

	if (ticket <= 0)
		return;
	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, ticket);
	pg_do(ps, "SELECT pg_advisory_unlock(" PG_TICKET ")", &a, &cause);
	free(cause);
}

/* Delete ticket (0: none) from the queue, in the open transaction. */
static enum pd_status
leave(struct pg_store *ps, long long ticket, char **cause)
{
	struct pg_args	 a;

	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, ticket);
	return pg_do(ps, "DELETE FROM sys_lock_waiters WHERE ticket = $1", &a,
	    cause);
}

/*
 * The first live ticket queued for a (mine counts as live), 0 when none,
 * the dead ones deleted first; *queued whether mine is still queued (a
 * new session lost its advisory lock, and others may have deleted it).
 */
static enum pd_status
first_waiter(struct pg_store *ps, const struct addr *a, long long mine,
    long long now, long long *first, int *queued, char **cause)
{
	struct pg_args	 q;
	PGresult	*r;
	enum pd_status	 s;

	*first = 0;
	*queued = 0;
	memset(&q, 0, sizeof(q));
	pg_arg_ll(&q, mine);
	pg_arg_text(&q, a->project);
	pg_arg_text(&q, a->ns);
	pg_arg_text(&q, a->key);
	pg_arg_ll(&q, now);
	if ((s = pg_do(ps, "DELETE FROM sys_lock_waiters w WHERE project = $2 "
	    "AND namespace = $3 AND key = $4 AND ticket <> $1 AND (until <= $5 "
	    "OR NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = "
	    "'advisory' AND l.granted AND l.objsubid = 2 AND l.database = "
	    "(SELECT oid FROM pg_database WHERE datname = current_database()) "
	    "AND l.classid = hashtext(current_schema() || ' waiters')::oid AND "
	    "l.objid = w.ticket::oid))", &q, cause)) != PD_OK)
		return s;
	q.n--;	/* now is not the count's */
	if ((s = pg_run(ps, "SELECT coalesce(min(ticket), 0)::bigint, "
	    "count(*) FILTER (WHERE ticket = $1)::bigint FROM sys_lock_waiters "
	    "WHERE project = $2 AND namespace = $3 AND key = $4", &q, &r,
	    cause)) != PD_OK)
		return s;
	*first = pg_ll(ps, r, 0, 0);
	*queued = pg_ll(ps, r, 0, 1) > 0;
	ps->pq->PQclear(r);
	return PD_OK;
}

/* Queue w for a until until, holding its ticket's advisory lock. */
static enum pd_status
join(struct pg_store *ps, struct pg_watch *w, const struct addr *a,
    long long until, char **cause)
{
	struct pg_args	 q;
	PGresult	*r;
	enum pd_status	 s;
	long long	 ticket;

	memset(&q, 0, sizeof(q));
	pg_arg_text(&q, a->project);
	pg_arg_text(&q, a->ns);
	pg_arg_text(&q, a->key);
	pg_arg_ll(&q, until);
	if ((s = pg_run(ps, "INSERT INTO sys_lock_waiters(project, namespace, "
	    "key, until) VALUES ($1, $2, $3, $4) RETURNING ticket::bigint", &q,
	    &r, cause)) != PD_OK)
		return s;
	ticket = pg_ll(ps, r, 0, 0);
	ps->pq->PQclear(r);
	/* Held before the commit: nobody sees the ticket without it. */
	memset(&q, 0, sizeof(q));
	pg_arg_ll(&q, ticket);
	if ((s = pg_do(ps, "SELECT pg_advisory_lock(" PG_TICKET ")", &q,
	    cause)) != PD_OK)
		return s;
	w->ticket = ticket;
	return PD_OK;
}

/* Take the lock, or queue for it; in the open transaction. */
static enum pd_status
take(struct pg_store *ps, struct pg_watch *w, long long until,
    const struct addr *a, const char *token, long long now,
    long long expires, long long *retry, char **cause)
{
	struct store_info info;
	enum pd_status	 s;
	long long	 mine = w != NULL ? w->ticket : 0, first;
	int		 held, queued;

	*retry = 0;
	if ((s = pg_info(&ps->base, a, &info, cause)) != PD_OK &&
	    s != PD_MISS)
		return s;
	held = s == PD_OK;
	if ((s = first_waiter(ps, a, mine, now, &first, &queued, cause)) !=
	    PD_OK)
		return s;
	if (mine > 0 && !queued) {
		/* Lost with a session: queued again, at the end. */
		release(ps, mine);
		w->ticket = mine = 0;
	}
	if (!held && (first == 0 || first == mine)) {
		if ((s = pg_set(&ps->base, a, token, strlen(token), now,
		    expires, cause)) != PD_OK ||
		    (mine > 0 && (s = leave(ps, mine, cause)) != PD_OK))
			return s;
		return PD_OK;
	}
	if (w != NULL && mine == 0 && (s = join(ps, w, a, until, cause)) !=
	    PD_OK)
		return s;
	/* Free but promised to a waiter before us: look again soon. */
	*retry = held ? info.expires : now + 100;
	return PD_MISS;
}

/* Forget w's ticket: its row is gone (or never was), its lock too. */
static void
drop(struct pg_store *ps, struct pg_watch *w)
{
	if (w == NULL)
		return;
	release(ps, w->ticket);
	w->ticket = 0;
}

enum pd_status
pg_lock_take(struct store *base, struct store_watch *pw, long long until,
    const struct addr *a, const char *token, long long now,
    long long expires, long long *retry, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_watch	*w = (struct pg_watch *)pw;
	enum pd_status	 s, c;
	long long	 had = w != NULL ? w->ticket : 0;

	if ((s = begin(ps, cause)) != PD_OK)
		return s;
	s = take(ps, w, until, a, token, now, expires, retry, cause);
	if (s != PD_OK && s != PD_MISS) {
		pg_rollback(base);
		/* A ticket taken in the undone transaction does not exist. */
		if (had == 0)
			drop(ps, w);
		return s;
	}
	if ((c = pg_commit(base, cause)) != PD_OK) {
		if (had == 0)
			drop(ps, w);
		return c;
	}
	/* Served: the ticket is gone with the transaction. */
	if (s == PD_OK)
		drop(ps, w);
	return s;
}

void
pg_lock_leave(struct store *base, struct store_watch *pw)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_watch	*w = (struct pg_watch *)pw;
	char		*cause = NULL;

	if (w == NULL || w->ticket == 0 || ps->in_tx)
		return;
	/* Failing that, the entry is dead once the advisory lock is gone. */
	if (pg_begin(base, &cause) == PD_OK) {
		if (leave(ps, w->ticket, &cause) == PD_OK)
			pg_commit(base, &cause);
		else
			pg_rollback(base);
	}
	free(cause);
	drop(ps, w);
}

/* Unlock (expires < 0) or give a new expiry to lock a if token holds it. */
static enum pd_status
as_holder(struct pg_store *ps, const struct addr *a, const char *token,
    long long expires, char **cause)
{
	struct buf	 v;
	enum pd_status	 s;

	if ((s = begin(ps, cause)) != PD_OK)
		return s;
	buf_init(&v);
	s = pg_get(&ps->base, a, &v, cause);
	if (s == PD_OK && (v.len != strlen(token) ||
	    memcmp(v.data, token, v.len) != 0))
		s = PD_MISS;
	buf_release(&v);
	if (s == PD_OK)
		s = expires < 0 ? pg_del(&ps->base, a, cause) :
		    pg_expire(&ps->base, a, expires, cause);
	if (s != PD_OK) {
		pg_rollback(&ps->base);
		return s;
	}
	return pg_commit(&ps->base, cause);
}

enum pd_status
pg_unlock(struct store *base, const struct addr *a, const char *token,
    char **cause)
{
	return as_holder(pg_of(base), a, token, -1, cause);
}

enum pd_status
pg_lock_refresh(struct store *base, const struct addr *a, const char *token,
    long long expires, char **cause)
{
	return as_holder(pg_of(base), a, token, expires, cause);
}
