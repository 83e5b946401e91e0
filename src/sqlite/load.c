/*
 * sqlite/load.c - a bulk load into a new database, written without the WAL.
 *
 * In WAL mode every page a load writes goes to the WAL and then, at the
 * checkpoint, once more into the database, and the WAL's pages are
 * dropped when it is removed: a fifth of a large import's time.  With a
 * rollback journal a page goes into the database once, and the journal
 * holds only the pages the database had before, which for a new or
 * nearly empty database is a handful.  The price is concurrency: from
 * its first write into the file until it commits, a load in rollback mode
 * keeps readers out (they wait, as for a lock, up to busy_timeout) where
 * the WAL lets them read the database as it was.  So a load takes this
 * way only where nobody can be reading yet: the database is small, and no
 * other connection has it open, which leaving WAL mode checks by itself
 * (it needs the file to itself, and every connection to a WAL database
 * holds a lock on it while open).  It runs with synchronous=FULL, which a
 * rollback journal needs to survive a power loss, and the database goes
 * back to WAL mode when it ends.
 *
 * Outside WAL mode a load can also give the database the pages that suit
 * it.  A database is made with 4 KiB pages, which suit small writes: a
 * one-shot set puts two pages into the WAL (its key's and the revision's)
 * and every byte of them goes to the disk at the next checkpoint; eight
 * processes of 500 sets each wrote 158 MiB with 16 KiB pages, 49-53 MiB
 * with 4 KiB, and finished sooner.  A load wants 16 KiB pages (an import
 * of 1,000,000 short rows takes a fifth less time: fewer page splits,
 * less bookkeeping per page), so it rebuilds the small database with them
 * first (VACUUM, the one way to change the page size, and only outside
 * WAL mode).
 *
 * A load killed midway leaves its journal, which the next connection
 * plays back as SQLite always does, and the database in rollback mode,
 * which the next writer puts back in WAL mode (store_load_recover).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "int.h"

/* The largest database a load rewrites without the WAL. */
#define LOAD_DB_MAX	(4 * 1024 * 1024)
/* The pages a load gives the database; store_open gives a new one 4 KiB. */
#define LOAD_PAGE_SIZE	16384

/*
 * The database's page size and size in bytes, or a size over LOAD_DB_MAX
 * if unknown.
 */
static long long
db_size(struct sqldb *st, int *page_size)
{
	sqlite3_stmt	*q;
	long long	 size = LOAD_DB_MAX + 1;

	*page_size = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT page_count, page_size FROM "
	    "pragma_page_count, pragma_page_size", -1, &q, NULL) != SQLITE_OK)
		return size;
	if (sqlite3_step(q) == SQLITE_ROW) {
		*page_size = sqlite3_column_int(q, 1);
		size = sqlite3_column_int64(q, 0) * *page_size;
	}
	sqlite3_finalize(q);
	return size;
}

void
store_load_start(struct sqldb *st)
{
	char	*sql;
	int	 page_size;

	/* One try: busy at once when another connection has the file open. */
	if (st->ro_cause != NULL || st->loading ||
	    db_size(st, &page_size) > LOAD_DB_MAX ||
	    store_journal_mode(st, "delete", 0) != SQLITE_OK)
		return;
	st->loading = 1;
	/* begin (sqlite/tx.c) makes it synchronous = FULL. */
	st->tuned = 0;
	/*
	 * VACUUM rewrites the file through the rollback journal, synced as
	 * the load will be; the copy it makes first is kept in memory (at
	 * most LOAD_DB_MAX), not in a file of the database's contents in
	 * /var/tmp.  Should it fail, the load goes on with the pages there
	 * are, and meets the same fault if it was the disk.
	 */
	if (page_size < LOAD_PAGE_SIZE) {
		sql = xasprintf("PRAGMA synchronous = FULL; "
		    "PRAGMA temp_store = MEMORY; PRAGMA page_size = %d; "
		    "VACUUM", LOAD_PAGE_SIZE);
		(void)store_exec(st, sql, NULL);
		(void)store_exec(st, "PRAGMA temp_store = DEFAULT", NULL);
		free(sql);
	}
}

void
store_load_end(struct sqldb *st)
{
	if (!st->loading)
		return;
	st->loading = 0;
	st->tuned = 0;
	/* Failing that, the next writer does it (store_load_recover). */
	store_journal_mode(st, "wal", st->busy_ms);
}

void
store_load_recover(struct sqldb *st)
{
	char	*wal;
	int	 gone;

	if (st->wal_checked || st->ro_cause != NULL)
		return;
	st->wal_checked = 1;
	/*
	 * A WAL database's first read made its -wal file, which this
	 * connection has done (user_version): without one the database is
	 * in rollback mode.  Once is enough: only a load leaves WAL mode,
	 * and it comes back by itself.
	 */
	wal = xasprintf("%s-wal", st->path);
	gone = access(wal, F_OK) != 0 && errno == ENOENT;
	free(wal);
	if (gone)
		store_journal_mode(st, "wal", 0);
}
