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
 * A load killed midway leaves its journal, which the next connection
 * plays back as SQLite always does, and the database in rollback mode,
 * which the next writer puts back in WAL mode (store_load_recover).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "int.h"

/* The largest database a load rewrites without the WAL. */
#define LOAD_DB_MAX	(4 * 1024 * 1024)

/* The result of one pragma that yields a row, as an integer or a word. */
static int
pragma_row(struct sqldb *st, const char *sql, long long *n, char *word,
    size_t size)
{
	sqlite3_stmt	*q;
	const char	*text;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		if (n != NULL)
			*n = sqlite3_column_int64(q, 0);
		if (word != NULL && (text = (const char *)
		    sqlite3_column_text(q, 0)) != NULL)
			snprintf(word, size, "%s", text);
	}
	sqlite3_finalize(q);
	return rc;
}

void
store_load_start(struct sqldb *st)
{
	char		 mode[16] = "";
	long long	 size = LOAD_DB_MAX + 1;

	if (st->ro_cause != NULL || st->loading ||
	    pragma_row(st, "SELECT page_count * page_size FROM "
	    "pragma_page_count, pragma_page_size", &size, NULL, 0) !=
	    SQLITE_OK || size > LOAD_DB_MAX)
		return;
	/* Busy at once, without waiting, when another connection is open. */
	if (pragma_row(st, "PRAGMA journal_mode = DELETE", NULL, mode,
	    sizeof(mode)) != SQLITE_OK || sqlite3_stricmp(mode, "delete") != 0)
		return;
	st->loading = 1;
	/* begin (sqlite/tx.c) makes it synchronous = FULL. */
	st->tuned = 0;
}

void
store_load_end(struct sqldb *st)
{
	char	*cause = NULL;

	if (!st->loading)
		return;
	st->loading = 0;
	st->tuned = 0;
	/* Failing that, the next writer does it (store_load_recover). */
	store_wal_mode(st, st->busy_ms, &cause);
	free(cause);
}

void
store_load_recover(struct sqldb *st)
{
	char	*wal, *cause = NULL;
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
		store_wal_mode(st, 0, &cause);
	free(cause);
}
