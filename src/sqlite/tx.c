/*
 * sqlite/tx.c - transactions of the SQLite backend: begin,
 * commit, rollback, savepoints, and the transactions of their own that a
 * write outside one runs in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "int.h"

/* The statements of a transaction's ends (ROLLBACK: store_abort's). */
static const char *const queries[Q_KEY] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_BEGIN_READ] = "BEGIN",
	[Q_COMMIT] = "COMMIT",
};

static enum pd_status
query(struct sqldb *st, int which, sqlite3_stmt **out, char **cause)
{
	enum pd_status	 s = store_prepare(st, queries[which], &st->q[which], cause);

	*out = st->q[which];
	return s;
}

/*
 * Whether the path no longer names the file this connection has open.  A
 * restore renames another file over it, db drop and db rename take it
 * away, and writes into the file held here would be lost with it.
 */
int
store_replaced(const struct sqldb *st)
{
	struct stat	 sb;

	return st->known && (stat(st->path, &sb) != 0 ||
	    sb.st_dev != st->dev || sb.st_ino != st->ino);
}

/*
 * A restore waits until no other process has the database open, and a
 * process that opened it just before the swap waits for the restore to
 * finish before it can read, so store_open sees the swap and opens the
 * new file.  What remains is checked once the write lock is held, which
 * a restore holds until the new file is in place (sqlite_replace).
 */
static enum pd_status
same_file(struct sqldb *st, char **cause)
{
	if (!store_replaced(st))
		return PD_OK;
	*cause = xasprintf("%s was replaced or removed after this process "
	    "opened it (restore, db drop or db rename): nothing was written, "
	    "run it again", st->path);
	return PD_BUSY;
}

/* Begin; with load, perhaps without the WAL (sqlite/load.c). */
static enum pd_status
begin(struct sqldb *st, int load, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	/*
	 * Settings only writers need, made before the first write (a
	 * pragma is no use inside a transaction): a read pays for none.
	 * A 32 MiB page cache keeps a large import's dirty pages from
	 * spilling to the WAL and being read back, within a bounded RSS;
	 * it is set once the page size is final, as it counts in pages.
	 */
	sqlite_snapshot_end(&st->base);
	if (st->ro_cause != NULL) {
		*cause = xstrdup(st->ro_cause);
		return PD_IOERR;
	}
	if (st->mapped && (s = store_exec(st, "PRAGMA mmap_size = 0",
	    cause)) != PD_OK)
		return s;
	st->mapped = 0;
	store_load_recover(st);
	if (load)
		store_load_start(st);
	/* A rollback journal needs FULL to survive a power loss. */
	if (!st->tuned && (s = store_exec(st, st->durable || st->loading ?
	    "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768; "
	    "PRAGMA foreign_keys = ON" : "PRAGMA synchronous = NORMAL; "
	    "PRAGMA cache_size = -32768; PRAGMA foreign_keys = ON",
	    cause)) != PD_OK)
		goto fail;
	st->tuned = 1;
	if ((s = query(st, Q_BEGIN, &q, cause)) != PD_OK ||
	    (s = store_run(st, q, cause)) != PD_OK)
		goto fail;
	if ((s = same_file(st, cause)) != PD_OK ||
	    (s = store_changes_begin(st, cause)) != PD_OK) {
		sqlite_rollback(&st->base);
		return s;
	}
	/* Routes seen before may have changed; from here on they cannot. */
	store_route_reset(st);
	st->in_tx = 1;
	st->tx_lost = 0;
	return PD_OK;
fail:
	store_load_end(st);
	return s;
}

enum pd_status
sqlite_begin(struct store *base, char **cause)
{
	return begin(sqlite_of(base), 0, cause);
}

enum pd_status
sqlite_begin_load(struct store *base, char **cause)
{
	return begin(sqlite_of(base), 1, cause);
}

enum pd_status
sqlite_commit(struct store *base, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 purged;

	/*
	 * Writers of expiring keys purge a bounded batch of expired ones as
	 * they go; other writers skip the cost.
	 */
	if ((s = batch_flush(st, cause)) != PD_OK ||
	    (st->expiring &&
	    (s = store_purge_expired(st, NULL, NULL, 64, &purged, cause)) !=
	    PD_OK) ||
	    (s = store_changes_commit(st, cause)) != PD_OK ||
	    (s = query(st, Q_COMMIT, &q, cause)) != PD_OK ||
	    (s = store_run(st, q, cause)) != PD_OK) {
		/* A failed queued write has said so already. */
		if (!st->tx_lost) {
			char	*c = xasprintf("%s; the transaction's writes "
			    "were rolled back", *cause);

			free(*cause);
			*cause = c;
		}
		/* A failed COMMIT may leave the transaction open. */
		sqlite_rollback(&st->base);
		st->tx_lost = 1;
		return s;
	}
	st->in_tx = 0;
	st->expiring = 0;
	store_load_end(st);
	store_changes_notify(st);
	return PD_OK;
}

void
sqlite_rollback(struct store *base)
{
	store_abort(sqlite_of(base));
}

enum pd_status
sqlite_checkpoint(struct store *base, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", cause);
}

enum pd_status
sqlite_savepoint(struct store *base, const char *name, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	char		*sql;

	sql = xasprintf("SAVEPOINT %s", name);
	if ((s = store_exec(st, sql, cause)) == PD_OK)
		store_changes_savepoint(st);
	free(sql);
	return s;
}

enum pd_status
sqlite_savepoint_end(struct store *base, const char *name, int keep,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s = PD_OK;
	char		*sql;

	if (keep) {
		if ((s = batch_flush(st, cause)) != PD_OK)
			keep = 0;	/* what could not be applied is undone */
	}
	if (!keep) {
		/* Everything queued since the savepoint belongs to it. */
		batch_clear(&st->batch);
		store_route_reset(st);
		sql = xasprintf("ROLLBACK TO %s", name);
		if (store_exec(st, sql, s == PD_OK ? cause : NULL) != PD_OK &&
		    s == PD_OK)
			s = PD_ERROR;
		free(sql);
	}
	store_changes_release(st, keep);
	sql = xasprintf("RELEASE %s", name);
	if (store_exec(st, sql, s == PD_OK ? cause : NULL) != PD_OK && s == PD_OK)
		s = PD_ERROR;
	free(sql);
	return s;
}

int
sqlite_in_tx(const struct store *base)
{
	const struct sqldb	*st = sqlite_cof(base);

	return st->in_tx;
}

enum pd_status
sqlite_snapshot(struct store *base, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if (st->in_tx || st->snap)
		return PD_OK;
	/*
	 * A run of reads maps the file instead of copying each page it
	 * misses with a pread: half the CPU time of random gets.  Writers
	 * turn it off again (sqlite_begin), so that an import's RSS stays
	 * its own pages.
	 */
	if (!st->mapped && (s = store_exec(st, "PRAGMA mmap_size = "
	    STORE_MMAP_SIZE, cause)) != PD_OK)
		return s;
	st->mapped = 1;
	/* Deferred: the first read takes the snapshot, and no lock. */
	if ((s = query(st, Q_BEGIN_READ, &q, cause)) != PD_OK ||
	    (s = store_run(st, q, cause)) != PD_OK)
		return s;
	/* Routes seen before may have changed; in it they cannot. */
	store_route_reset(st);
	st->snap = 1;
	return PD_OK;
}

void
sqlite_snapshot_end(struct store *base)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	char		*cause = NULL;

	if (!st->snap)
		return;
	st->snap = 0;
	/* Nothing was written: a commit only lets go of the snapshot. */
	if (!sqlite3_get_autocommit(st->db) && (query(st, Q_COMMIT, &q,
	    &cause) != PD_OK || store_run(st, q, &cause) != PD_OK))
		store_abort(st);
	free(cause);
}

enum pd_status
store_own_begin(struct sqldb *st, int *own, char **cause)
{
	*own = !st->in_tx;
	return *own ? sqlite_begin(&st->base, cause) : PD_OK;
}

enum pd_status
store_key_begin(struct sqldb *st, const struct addr **a, int *own,
    char **cause)
{
	return store_own_begin(st, own, cause);
}

enum pd_status
store_own_end(struct sqldb *st, int own, enum pd_status s, char **cause)
{
	enum pd_status	 c;

	if (!own)
		return s;
	if (s != PD_OK && s != PD_MISS) {
		sqlite_rollback(&st->base);
		return s;
	}
	return (c = sqlite_commit(&st->base, cause)) != PD_OK ? c : s;
}

int
sqlite_tx_lost(const struct store *base)
{
	const struct sqldb	*st = sqlite_cof(base);

	return st->tx_lost;
}
