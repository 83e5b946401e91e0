/*
 * sqlite/lock.c - named locks, and the queue of their waiters.
 *
 * A lock is a key: its value is the holder's random token and its expiry
 * ends it, so a holder that dies loses it when its TTL runs out, and
 * `get`, `wait` and `watch` see locks like any key.  Taking one is a set
 * if absent (or expired) in one write transaction.
 *
 * Waiters are served in the order they came: one that finds the lock held
 * queues a ticket in sys_lock_waiters, and a free lock goes only to the
 * first live ticket (or to anyone while none is queued), so a process
 * that releases and retakes the lock at once cannot starve the others.
 * A waiter holds a lock on the byte at its ticket in the notification
 * file, which the kernel drops when it dies: an entry whose byte is free
 * (or whose wait is over) belongs to nobody and is deleted by whoever
 * finds it.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

#ifndef F_OFD_SETLK
#define F_OFD_GETLK	F_GETLK
#define F_OFD_SETLK	F_SETLK
#endif

enum {
	L_WAITERS,
	L_JOIN,
	L_LEAVE,
	L_COUNT
};

_Static_assert(L_COUNT <= LCK_QUERIES, "store.lck is too small");

static const char *const queries[L_COUNT] = {
	[L_WAITERS] = "SELECT ticket, until FROM sys_lock_waiters WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3 ORDER BY ticket",
	[L_JOIN] = "INSERT INTO sys_lock_waiters(project, namespace, key, "
	    "until) VALUES (?1, ?2, ?3, ?4)",
	[L_LEAVE] = "DELETE FROM sys_lock_waiters WHERE ticket = ?1",
};

static enum pd_status
prepare(struct sqldb *st, int which, sqlite3_stmt **q, char **cause)
{
	enum pd_status	 s = store_prepare(st, queries[which],
	    &st->lck[which], cause);

	*q = st->lck[which];
	return s;
}

static void
bind_addr(sqlite3_stmt *q, const struct addr *a)
{
	sqlite3_bind_text(q, 1, a->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->key, -1, SQLITE_STATIC);
}

static enum pd_status
leave(struct sqldb *st, long long ticket, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = prepare(st, L_LEAVE, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_int64(q, 1, ticket);
	return store_run(st, q, cause);
}

/*
 * The first live ticket queued for a (mine counts as live), 0 when none;
 * the dead ones before it are deleted on the way.
 */
static enum pd_status
first_waiter(struct sqldb *st, const struct addr *a, long long mine,
    long long now, long long *first, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	*dead = NULL, ticket;
	size_t		 i, n = 0;
	int		 rc;

	*first = 0;
	if ((s = prepare(st, L_WAITERS, &q, cause)) != PD_OK)
		return s;
	bind_addr(q, a);
	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		ticket = sqlite3_column_int64(q, 0);
		if (ticket == mine || (sqlite3_column_int64(q, 1) > now &&
		    store_waiter_alive(st, ticket))) {
			*first = ticket;
			break;
		}
		dead = xrealloc(dead, (n + 1) * sizeof(*dead));
		dead[n++] = ticket;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	for (i = 0; i < n && s == PD_OK; i++)
		s = leave(st, dead[i], cause);
	free(dead);
	return s;
}

/* Queue w for a until until, holding its ticket's byte. */
static enum pd_status
join(struct sqldb *st, struct store_watch *w, const struct addr *a,
    long long until, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = prepare(st, L_JOIN, &q, cause)) != PD_OK)
		return s;
	bind_addr(q, a);
	sqlite3_bind_int64(q, 4, until);
	if ((s = store_run(st, q, cause)) != PD_OK)
		return s;
	/* Held before the commit: nobody sees the ticket without it. */
	if (store_watch_hold(w, sqlite3_last_insert_rowid(st->db)) != 0) {
		*cause = xasprintf("cannot queue for the lock: cannot lock "
		    "%s: %s", st->watch_path, strerror(errno));
		return PD_IOERR;
	}
	return PD_OK;
}

static enum pd_status
not_in_tx(struct sqldb *st, char **cause)
{
	if (!st->in_tx)
		return PD_OK;
	*cause = xstrdup("locks cannot be used inside a transaction");
	return PD_DATAERR;
}

/* Take the lock, or queue for it; in the open transaction. */
static enum pd_status
take(struct sqldb *st, struct store_watch *w, long long until,
    const struct addr *a, const char *token, long long now,
    long long expires, long long *retry, char **cause)
{
	struct store_info	 info;
	enum pd_status		 s;
	long long		 mine = store_watch_ticket(w), first;
	int			 held;

	*retry = 0;
	if ((s = sqlite_info(&st->base, a, &info, cause)) != PD_OK &&
	    s != PD_MISS)
		return s;
	held = s == PD_OK;
	if ((s = first_waiter(st, a, mine, now, &first, cause)) != PD_OK)
		return s;
	if (!held && (first == 0 || first == mine)) {
		if ((s = sqlite_set(&st->base, a, token, strlen(token), now,
		    expires, cause)) != PD_OK ||
		    (mine > 0 && (s = leave(st, mine, cause)) != PD_OK))
			return s;
		return PD_OK;
	}
	if (w != NULL && mine == 0 && (s = join(st, w, a, until, cause)) !=
	    PD_OK)
		return s;
	/* Free but promised to a waiter before us: look again soon. */
	*retry = held ? info.expires : now + 100;
	return PD_MISS;
}

/*
 * Begin the write transaction of a lock operation, outside any block, with
 * the queue of waiters made if this is the database's first lock.
 */
static enum pd_status
begin_queue(struct sqldb *st, char **cause)
{
	enum pd_status	 s;

	if ((s = not_in_tx(st, cause)) != PD_OK ||
	    (s = sqlite_begin(&st->base, cause)) != PD_OK)
		return s;
	if ((s = store_exec(st, "CREATE TABLE IF NOT EXISTS sys_lock_waiters ("
	    " ticket INTEGER PRIMARY KEY AUTOINCREMENT,"
	    " project TEXT NOT NULL,"
	    " namespace TEXT NOT NULL,"
	    " key TEXT NOT NULL,"
	    " until INTEGER NOT NULL"
	    ");"
	    "CREATE INDEX IF NOT EXISTS sys_lock_waiters_key ON "
	    " sys_lock_waiters(project, namespace, key, ticket)", cause)) !=
	    PD_OK)
		sqlite_rollback(&st->base);
	return s;
}

enum pd_status
sqlite_lock_take(struct store *base, struct store_watch *w, long long until,
    const struct addr *a, const char *token, long long now,
    long long expires, long long *retry, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s, c;
	long long	 had = store_watch_ticket(w);

	if ((s = begin_queue(st, cause)) != PD_OK)
		return s;
	s = take(st, w, until, a, token, now, expires, retry, cause);
	if (s != PD_OK && s != PD_MISS) {
		sqlite_rollback(&st->base);
		/* A ticket taken in the undone transaction does not exist. */
		if (w != NULL && had == 0)
			store_watch_drop(w);
		return s;
	}
	if ((c = sqlite_commit(&st->base, cause)) != PD_OK) {
		if (w != NULL && had == 0)
			store_watch_drop(w);
		return c;
	}
	/* Served: the ticket is gone with the transaction. */
	if (s == PD_OK && w != NULL)
		store_watch_drop(w);
	return s;
}

void
sqlite_lock_leave(struct store *base, struct store_watch *w)
{
	struct sqldb	*st = sqlite_of(base);
	long long	 ticket = store_watch_ticket(w);
	char		*cause = NULL;

	if (ticket == 0 || st->in_tx)
		return;
	/* Failing that, the entry is dead once the byte is released. */
	if (sqlite_begin(&st->base, &cause) == PD_OK) {
		if (leave(st, ticket, &cause) == PD_OK)
			sqlite_commit(&st->base, &cause);
		else
			sqlite_rollback(&st->base);
	}
	free(cause);
	store_watch_drop(w);
}

/* Whether lock a's value is token, in the open transaction. */
static enum pd_status
held_by(struct sqldb *st, const struct addr *a, const char *token,
    char **cause)
{
	struct buf	 v;
	enum pd_status	 s;

	buf_init(&v);
	s = sqlite_get(&st->base, a, &v, cause);
	if (s == PD_OK && (v.len != strlen(token) ||
	    memcmp(v.data, token, v.len) != 0))
		s = PD_MISS;
	buf_release(&v);
	return s;
}

/* Unlock (expires < 0) or give a new expiry to lock a if token holds it. */
static enum pd_status
as_holder(struct sqldb *st, const struct addr *a, const char *token,
    long long expires, char **cause)
{
	enum pd_status	 s;

	if ((s = begin_queue(st, cause)) != PD_OK)
		return s;
	if ((s = held_by(st, a, token, cause)) == PD_OK)
		s = expires < 0 ? sqlite_del(&st->base, a, cause) :
		    sqlite_expire(&st->base, a, expires, cause);
	if (s != PD_OK) {
		sqlite_rollback(&st->base);
		return s;
	}
	return sqlite_commit(&st->base, cause);
}

enum pd_status
sqlite_unlock(struct store *base, const struct addr *a, const char *token,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return as_holder(st, a, token, -1, cause);
}

enum pd_status
sqlite_lock_refresh(struct store *base, const struct addr *a, const char *token,
    long long expires, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return as_holder(st, a, token, expires, cause);
}

void
store_lock_release(struct sqldb *st)
{
	size_t	 i;

	for (i = 0; i < L_COUNT; i++) {
		sqlite3_finalize(st->lck[i]);
		st->lck[i] = NULL;
	}
}

/* The byte of ticket in the notification file, as a lock request. */
static struct flock
ticket_lock(long long ticket, short type)
{
	struct flock	 fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)ticket;
	fl.l_len = 1;
	return fl;
}

int
store_watch_hold(struct store_watch *pw, long long ticket)
{
	struct sqlite_watch *w = (struct sqlite_watch *)pw;
	struct flock	 fl = ticket_lock(ticket, F_WRLCK);

	if (fcntl(w->st->watch_fd, F_OFD_SETLK, &fl) != 0)
		return -1;
	w->ticket = ticket;
	return 0;
}

void
store_watch_drop(struct store_watch *pw)
{
	struct sqlite_watch *w = (struct sqlite_watch *)pw;
	struct flock	 fl = ticket_lock(w->ticket, F_UNLCK);

	if (w->ticket > 0)
		fcntl(w->st->watch_fd, F_OFD_SETLK, &fl);
	w->ticket = 0;
}

long long
store_watch_ticket(const struct store_watch *pw)
{
	const struct sqlite_watch *w = (const struct sqlite_watch *)pw;

	return w != NULL ? w->ticket : 0;
}

int
store_waiter_alive(struct sqldb *st, long long ticket)
{
	struct flock	 fl = ticket_lock(ticket, F_WRLCK);
	char		*cause = NULL;

	/* Without the file nobody ever waited: nobody lives. */
	if (store_watch_file(st, 0, &cause) != PD_OK) {
		free(cause);
		return 0;
	}
	if (fcntl(st->watch_fd, F_OFD_GETLK, &fl) != 0)
		return 1;	/* cannot tell: presume alive */
	return fl.l_type != F_UNLCK;
}
