/*
 * sqlite/sql.c - the SQL helpers every file of the SQLite
 * backend uses: preparing, stepping and running statements, and the
 * statuses and messages of SQLite's result codes.
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

enum pd_status
store_status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		util_out_of_memory();
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return PD_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return PD_BUSY;
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return PD_IOERR;
	case SQLITE_AUTH:
	case SQLITE_PERM:
		return PD_DENIED;
	default:
		return PD_ERROR;
	}
}

char *
store_error(sqlite3 *db, const char *path, int rc)
{
	const char	*why = db != NULL ? sqlite3_errmsg(db) :
			    sqlite3_errstr(rc);
	char		*cause;

	store_status_of(rc);
	if ((cause = store_vfs_cause(rc)) != NULL)
		return cause;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return xstrdup("database is locked (busy_timeout expired)");
	if (((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) &&
	    path != NULL)
		return xasprintf("%s: %s", path, why);
	return xasprintf("database error: %s", why);
}

enum pd_status
store_fail(struct sqldb *st, int rc, char **cause)
{
	*cause = store_error(st->db, st->path, rc);
	return store_status_of(rc);
}

enum pd_status
store_prepare(struct sqldb *st, const char *sql, sqlite3_stmt **out,
    char **cause)
{
	enum pd_status	 s;
	int		 rc;

	/* Every use of a statement starts here: the writer must be done. */
	if ((s = store_sync(st, cause)) != PD_OK || *out != NULL)
		return s;
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    out, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	return PD_OK;
}

int
store_table_made(struct sqldb *st, const char *table)
{
	sqlite3_stmt	*q;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?1", -1, &q, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
	rc = store_step(st, q);
	sqlite3_finalize(q);
	return rc != SQLITE_DONE;
}

enum pd_status
store_prepare_made(struct sqldb *st, const char *sql, sqlite3_stmt **out,
    const char *table, const char *make, char **cause)
{
	enum pd_status	 s;

	/*
	 * A rollback that undid the making of the table expired what was
	 * prepared since (SQLite drops the schema it changed): prepare it
	 * again, through the test for the table, or it would fail to run.
	 */
	if (*out != NULL && sqlite3_expired(*out)) {
		sqlite3_finalize(*out);
		*out = NULL;
	}
	/* A failure of the writer thread's is no missing table. */
	if ((s = store_sync(st, cause)) != PD_OK ||
	    (s = store_prepare(st, sql, out, cause)) == PD_OK ||
	    store_table_made(st, table))
		return s;
	free(*cause);
	*cause = NULL;
	if (make == NULL)
		return PD_OK;
	if ((s = store_exec(st, make, cause)) != PD_OK)
		return s;
	return store_prepare(st, sql, out, cause);
}

enum pd_status
store_rows(struct sqldb *st, sqlite3_stmt *q,
    enum pd_status (*row)(const struct store_rows *, sqlite3_stmt *),
    const struct store_rows *r, char **cause)
{
	enum pd_status	 s = PD_OK;
	int		 rc;

	while ((rc = store_step(st, q)) == SQLITE_ROW)
		if ((s = row(r, q)) != PD_OK)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

int
store_step(struct sqldb *st, sqlite3_stmt *q)
{
	long long	 start, left;
	int		 rc, pause = 1;

	/*
	 * Inside a transaction a lock is held, or retrying would not help;
	 * a statement already stepping holds its read transaction (and
	 * reading the clock before each row of a scan cost 5% of it).
	 */
	if (!sqlite3_get_autocommit(st->db) || sqlite3_stmt_busy(q))
		return sqlite3_step(q);
	start = util_mono_ms();
	while (((rc = sqlite3_step(q)) & 0xff) == SQLITE_BUSY ||
	    (rc & 0xff) == SQLITE_LOCKED) {
		if ((left = st->busy_ms - (util_mono_ms() - start)) <= 0)
			break;
		sqlite3_reset(q);
		/* Back off, with jitter so that waiters do not step in line. */
		pause = pause < 64 ? pause * 2 : 64;
		left = left < pause ? left : pause / 2 + rand() % (pause / 2);
		nanosleep(&(struct timespec){ left / 1000,
		    left % 1000 * 1000000 }, NULL);
	}
	return rc;
}

enum pd_status
store_run(struct sqldb *st, sqlite3_stmt *s, char **cause)
{
	int	 rc = store_step(st, s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(st, rc, cause);
	return PD_OK;
}

const void *
store_column_value(sqlite3_stmt *q, int i)
{
	const void	*p = sqlite3_column_blob(q, i);

	return p != NULL || sqlite3_column_type(q, i) == SQLITE_NULL ? p : "";
}

enum pd_status
store_step_blob(struct sqldb *st, sqlite3_stmt *q, struct buf *val,
    char **cause)
{
	int	 rc = store_step(st, q);

	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? PD_MISS : store_fail(st, rc, cause);
	buf_reset(val);
	buf_add(val, sqlite3_column_blob(q, 0),
	    (size_t)sqlite3_column_bytes(q, 0));
	return PD_OK;
}

enum pd_status
store_exec(struct sqldb *st, const char *sql, char **cause)
{
	enum pd_status	 s;
	int		 rc;

	if ((s = store_sync(st, cause)) != PD_OK)
		return s;
	if ((rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL)) == SQLITE_OK)
		return PD_OK;
	if (cause == NULL)
		return store_status_of(rc);
	return store_fail(st, rc, cause);
}

void
store_bind_names(sqlite3_stmt *q, int at, const char *project, size_t plen,
    const char *ns, size_t nlen, const char *key, size_t klen)
{
	sqlite3_bind_text(q, at + 1, project, (int)plen, SQLITE_STATIC);
	sqlite3_bind_text(q, at + 2, ns, (int)nlen, SQLITE_STATIC);
	sqlite3_bind_text(q, at + 3, key, (int)klen, SQLITE_STATIC);
}

enum pd_status
store_count(struct sqldb *st, sqlite3_stmt *q, long long *n, char **cause)
{
	enum pd_status	 s = PD_OK;
	int		 rc;

	if ((rc = store_step(st, q)) == SQLITE_ROW)
		*n = sqlite3_column_int64(q, 0);
	else
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}
