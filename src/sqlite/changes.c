/*
 * sqlite/changes.c - revisions and the change log of the SQLite store.
 *
 * The revision of the last committed change is one row of sys_revision,
 * read when a write transaction begins (the write lock is held from
 * there, so writers take numbers in turn) and written back before it
 * commits when something changed.  Each change takes the next number in
 * the order the statements ran: queued writes take theirs when queued,
 * so sorting the queue changes nothing (sqlite/batch.c).  Every key row
 * keeps the revision of its last change.
 *
 * The change log, sys_changes, is written only once the database has been
 * watched: sys_revision.log_from is then the revision logging began after,
 * and stays set.  Before that a change costs a counter in memory and a
 * column, which keeps a bulk import's cost within a few percent.  Each
 * transaction that logged something trims the oldest entries beyond the
 * retention (a count of revisions and an age), looking at no more of them
 * than it logged, twice over: the log shrinks faster than it grows, and no
 * commit pays for a full scan.
 *
 * After a commit that changed something in a logged database, the writer
 * touches the notification file NAME.db-watch (one utimensat, which fails
 * cheaply where it does not exist), which wakes the watchers
 * (sqlite/watch.c): they then read the log past the last revision they saw.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "int.h"

enum {
	C_STATE,
	C_SET_CURRENT,
	C_LOG,
	C_LOG_QUEUED,
	C_TRIM,
	C_FLOOR,
	C_READ,
	C_ENABLE,
	C_COUNT
};

_Static_assert(C_COUNT <= CHG_QUERIES, "store.chg is too small");

static const char *const queries[C_COUNT] = {
	[C_STATE] = "SELECT current, log_from FROM sys_revision",
	[C_SET_CURRENT] = "UPDATE sys_revision SET current = ?1",
	/* The queued rows' copy is the writer thread's alone. */
	[C_LOG] = "INSERT INTO sys_changes(rev, at, op, project, namespace, "
	    "key, value, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[C_LOG_QUEUED] = "INSERT INTO sys_changes(rev, at, op, project, "
	    "namespace, key, value, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8)",
	/* Revisions and times grow together: the trimmed are the oldest. */
	[C_TRIM] = "DELETE FROM sys_changes WHERE rev IN (SELECT rev FROM "
	    "sys_changes ORDER BY rev LIMIT ?3) AND (rev <= ?1 OR at < ?2)",
	[C_FLOOR] = "SELECT current, log_from, (SELECT min(rev) FROM "
	    "sys_changes) FROM sys_revision",
	/* The changes of the store's view (its meta context, or none). */
	[C_READ] = "SELECT rev, at, op, project, namespace, key, value, "
	    "coalesce(expires, 0) FROM sys_changes WHERE rev > ?1 AND "
	    CTX_RANGE("project", 3, 4) " ORDER BY rev LIMIT ?2",
	[C_ENABLE] = "UPDATE sys_revision SET log_from = current WHERE "
	    "log_from IS NULL",
};

static enum pd_status
prepare(struct sqldb *st, int which, sqlite3_stmt **q, char **cause)
{
	enum pd_status	 s = store_prepare(st, queries[which],
	    &st->chg[which], cause);

	*q = st->chg[which];
	return s;
}

long long
store_rev_take(struct sqldb *st)
{
	return ++st->rev;
}

void
store_rev_untake(struct sqldb *st)
{
	st->rev--;
}

void
store_rev_many(struct sqldb *st, long long n)
{
	st->rev += n;
	if (st->log_on)
		st->logged += n;
}

void
store_bind_log(sqlite3_stmt *q, long long rev, const char *op,
    const char *project, size_t plen, const char *ns, size_t nlen,
    const char *key, size_t klen, const void *value, size_t vlen,
    long long expires, long long at)
{
	sqlite3_bind_int64(q, 1, rev);
	sqlite3_bind_int64(q, 2, at);
	sqlite3_bind_text(q, 3, op, -1, SQLITE_STATIC);
	store_bind_names(q, 3, project, plen, ns, nlen, key, klen);
	if (value != NULL)
		sqlite3_bind_blob64(q, 7, vlen > 0 ? value : "", vlen,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 7);
	if (expires > 0)
		sqlite3_bind_int64(q, 8, expires);
	else
		sqlite3_bind_null(q, 8);
}

enum pd_status
store_log(struct sqldb *st, long long rev, const char *op,
    const char *project, const char *ns, const char *key, const void *value,
    size_t vlen, long long expires, long long at, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if (!st->log_on)
		return PD_OK;
	if ((s = prepare(st, C_LOG, &q, cause)) != PD_OK)
		return s;
	store_bind_log(q, rev, op, project, strlen(project), ns, strlen(ns),
	    key, strlen(key), value, vlen, expires, at);
	/*
	 * sys_changes has rowids: a big value is written in pieces
	 * (sqlite/blob.c), not built into its row whole.
	 */
	if (value != NULL && vlen > STORE_BLOB_MIN)
		sqlite3_bind_zeroblob64(q, 7, vlen);
	if ((s = store_run(st, q, cause)) == PD_OK && value != NULL &&
	    vlen > STORE_BLOB_MIN)
		s = store_blob_write(st, "sys_changes", "value", rev, value,
		    vlen, cause);
	if (s == PD_OK)
		st->logged++;
	return s;
}

enum pd_status
store_log_stmt(struct sqldb *st, sqlite3_stmt **q, char **cause)
{
	return prepare(st, C_LOG_QUEUED, q, cause);
}

enum pd_status
store_changes_begin(struct sqldb *st, char **cause)
{
	sqlite3_stmt	*q, *log = NULL;
	enum pd_status	 s;
	int		 rc;

	if ((s = prepare(st, C_STATE, &q, cause)) != PD_OK)
		return s;
	if ((rc = store_step(st, q)) == SQLITE_ROW) {
		st->rev = sqlite3_column_int64(q, 0);
		st->log_on = sqlite3_column_type(q, 1) != SQLITE_NULL;
	} else
		s = store_fail(st, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
		    cause);
	sqlite3_reset(q);
	if (s != PD_OK)
		return s;
	st->rev_begun = st->rev;
	st->logged = 0;
	st->nsp = 0;
	if (st->log_on && (s = store_log_stmt(st, &log, cause)) != PD_OK)
		return s;
	/* Both queues are idle: the last commit or rollback emptied them. */
	st->batch.q[0].log = st->batch.q[1].log = log;
	return PD_OK;
}

enum pd_status
store_changes_commit(struct sqldb *st, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if (st->rev == st->rev_begun)
		return PD_OK;
	if ((s = prepare(st, C_SET_CURRENT, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_int64(q, 1, st->rev);
	if ((s = store_run(st, q, cause)) != PD_OK || st->logged == 0)
		return s;
	if ((s = prepare(st, C_TRIM, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_int64(q, 1, st->rev - st->keep_revs);
	sqlite3_bind_int64(q, 2, util_now_ms() - st->keep_ms);
	sqlite3_bind_int64(q, 3, st->logged * 2 + 64);
	return store_run(st, q, cause);
}

void
store_changes_notify(struct sqldb *st)
{
	/* Nobody to wake before the database was first watched. */
	if (st->log_on && st->rev != st->rev_begun)
		utimensat(AT_FDCWD, st->watch_path, NULL, 0);
	st->rev_begun = st->rev;
}

void
store_changes_savepoint(struct sqldb *st)
{
	if (st->nsp < (int)(sizeof(st->sp_rev) / sizeof(st->sp_rev[0])))
		st->sp_rev[st->nsp] = st->rev;
	st->nsp++;
}

void
store_changes_release(struct sqldb *st, int keep)
{
	/* A rollback of the whole transaction emptied the stack. */
	if (st->nsp == 0)
		return;
	st->nsp--;
	/* What was undone gives its numbers back: no gap in a block. */
	if (!keep && st->nsp < (int)(sizeof(st->sp_rev) /
	    sizeof(st->sp_rev[0])))
		st->rev = st->sp_rev[st->nsp];
}

void
store_changes_close(struct sqldb *st)
{
	size_t	 i;

	for (i = 0; i < C_COUNT; i++) {
		sqlite3_finalize(st->chg[i]);
		st->chg[i] = NULL;
	}
	if (st->watch_fd >= 0)
		close(st->watch_fd);
	st->watch_fd = -1;
}

void
sqlite_set_retention(struct store *base, long long keep_revs, long long keep_ms)
{
	struct sqldb	*st = sqlite_of(base);

	st->keep_revs = keep_revs;
	st->keep_ms = keep_ms;
}

enum pd_status
sqlite_revision(struct store *base, long long *rev, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 rc;

	if ((s = prepare(st, C_STATE, &q, cause)) != PD_OK)
		return s;
	if ((rc = store_step(st, q)) == SQLITE_ROW)
		*rev = sqlite3_column_int64(q, 0);
	else
		s = store_fail(st, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
		    cause);
	sqlite3_reset(q);
	return s;
}

enum pd_status
store_changes_on(struct sqldb *st, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 rc, on;

	if ((s = prepare(st, C_STATE, &q, cause)) != PD_OK)
		return s;
	rc = store_step(st, q);
	on = rc == SQLITE_ROW && sqlite3_column_type(q, 1) != SQLITE_NULL;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
		    cause);
	return on ? PD_OK : PD_MISS;
}

enum pd_status
store_changes_enable(struct sqldb *st, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	/* The log is made with the switch that starts it, atomically. */
	if ((s = store_exec(st, "CREATE TABLE IF NOT EXISTS sys_changes ("
	    " rev INTEGER PRIMARY KEY,"
	    " at INTEGER NOT NULL,"
	    " op TEXT NOT NULL,"
	    " project TEXT NOT NULL,"
	    " namespace TEXT NOT NULL,"
	    " key TEXT NOT NULL,"
	    " value BLOB,"
	    " expires INTEGER"
	    ")", cause)) == PD_OK &&
	    (s = prepare(st, C_ENABLE, &q, cause)) == PD_OK)
		s = store_run(st, q, cause);
	return s;
}

/*
 * The revision the log is complete after: every change after it is
 * logged.  Read in the same snapshot as the changes.
 */
static enum pd_status
floor_of(struct sqldb *st, long long *floor, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 from;
	int		 rc;

	if ((s = prepare(st, C_FLOOR, &q, cause)) != PD_OK)
		return s;
	if ((rc = store_step(st, q)) == SQLITE_ROW) {
		*floor = sqlite3_column_int64(q, 0);
		if (sqlite3_column_type(q, 1) != SQLITE_NULL &&
		    sqlite3_column_type(q, 2) != SQLITE_NULL) {
			from = sqlite3_column_int64(q, 1);
			*floor = sqlite3_column_int64(q, 2) - 1;
			if (*floor < from)
				*floor = from;
		}
	} else
		s = store_fail(st, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
		    cause);
	sqlite3_reset(q);
	return s;
}

static enum pd_status
read_changes(struct sqldb *st, long long after, long long limit,
    store_change_fn fn, void *ctx, long long *last, char **cause)
{
	struct store_change	 c;
	sqlite3_stmt		*q;
	enum pd_status		 s;
	long long		 floor = 0;
	int			 rc;

	if ((s = floor_of(st, &floor, cause)) != PD_OK)
		return s;
	if (after < floor) {
		*cause = xasprintf("revision %lld is compacted: the oldest "
		    "revision kept is %lld", after, floor + 1);
		return PD_ERROR;
	}
	if ((s = prepare(st, C_READ, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, limit);
	store_ctx_range(st, q, 3);
	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		c.rev = sqlite3_column_int64(q, 0);
		c.at = sqlite3_column_int64(q, 1);
		c.op = (const char *)sqlite3_column_text(q, 2);
		c.project = store_ctx_out(&st->base,
		    (const char *)sqlite3_column_text(q, 3));
		c.ns = (const char *)sqlite3_column_text(q, 4);
		c.key = (const char *)sqlite3_column_text(q, 5);
		c.value = store_column_value(q, 6);	/* NULL but for a set */
		c.vlen = (size_t)sqlite3_column_bytes(q, 6);
		c.expires = sqlite3_column_int64(q, 7);
		*last = c.rev;
		if ((s = fn(ctx, &c)) != PD_OK)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

enum pd_status
sqlite_changes(struct store *base, long long after, long long limit,
    store_change_fn fn, void *ctx, long long *last, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	char		*ignored = NULL;

	*last = after;
	/* Inside a transaction the reads share its snapshot already. */
	if (st->in_tx || st->snap)
		return read_changes(st, after, limit, fn, ctx, last, cause);
	/* One snapshot: what the floor says holds for the rows read. */
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, sqlite3_errcode(st->db), cause);
	s = read_changes(st, after, limit, fn, ctx, last, cause);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, &ignored) !=
	    SQLITE_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_free(ignored);
	return s;
}

enum pd_status
store_watch_file(struct sqldb *st, int create, char **cause)
{
	if (st->watch_fd >= 0)
		return PD_OK;
	st->watch_fd = open(st->watch_path, O_RDWR | O_CLOEXEC |
	    (create ? O_CREAT : 0), 0600);
	if (st->watch_fd >= 0)
		return PD_OK;
	if (!create && errno == ENOENT)
		return PD_MISS;
	*cause = xasprintf("cannot open %s: %s", st->watch_path,
	    strerror(errno));
	return PD_IOERR;
}
