/*
 * sqlite/blob.c - big values out of their key's row.  A value over
 * STORE_BLOB_MIN bytes written by store_upsert goes into sys_blobs, a
 * rowid table, in pieces through SQLite's incremental blob I/O; its key's
 * row holds the sys_blobs id as an INTEGER in place of the value.  Every
 * value is bound as a BLOB (numbers too: incr writes digits), so an
 * INTEGER in a value column is never a value.
 *
 * Key tables are WITHOUT ROWID, where sqlite3_blob_open cannot reach, and
 * SQLite builds a whole row in memory to write it: a big value in its row
 * costs twice its size.  Here it costs a piece.
 *
 * sys_blobs and the triggers that delete a blob with its row (a delete,
 * an expiry, an eviction, a namespace cleared, a value replaced) are made
 * when the first big value goes into a key table: older databases need no
 * migration, and one that never holds a big value is unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

#define PIECE	(1024 * 1024)	/* bytes per blob read or write */

/* The trigger of table t named what (del, set). */
static char *
trigger_name(const struct kvtable *t, const char *what)
{
	return xasprintf("\"t_%s_blob_%s\"", t->name, what);
}

enum pd_status
store_blob_ready(struct sqldb *st, const struct kvtable *t, char **cause)
{
	enum pd_status	 s;
	char		*del, *set, *sql;

	del = trigger_name(t, "del");
	set = trigger_name(t, "set");
	sql = xasprintf("CREATE TABLE IF NOT EXISTS sys_blobs ("
	    " id INTEGER PRIMARY KEY, data BLOB NOT NULL);"
	    "CREATE TRIGGER IF NOT EXISTS %s AFTER DELETE ON %s"
	    " WHEN typeof(old.value) = 'integer' BEGIN"
	    " DELETE FROM sys_blobs WHERE id = old.value; END;"
	    "CREATE TRIGGER IF NOT EXISTS %s AFTER UPDATE OF value ON %s"
	    " WHEN typeof(old.value) = 'integer' AND"
	    " new.value IS NOT old.value BEGIN"
	    " DELETE FROM sys_blobs WHERE id = old.value; END;",
	    del, t->ident, set, t->ident);
	s = store_exec(st, sql, cause);
	free(sql);
	free(set);
	free(del);
	return s;
}

int
store_blob_exists(struct sqldb *st)
{
	return sqlite3_table_column_metadata(st->db, "main", "sys_blobs",
	    "data", NULL, NULL, NULL, NULL, NULL) == SQLITE_OK;
}

enum pd_status
store_blob_unhook(struct sqldb *st, const struct kvtable *t, char **cause)
{
	enum pd_status	 s;
	char		*del, *sql;

	del = trigger_name(t, "del");
	sql = xasprintf("DROP TRIGGER IF EXISTS %s", del);
	s = store_exec(st, sql, cause);
	free(sql);
	free(del);
	return s;
}

enum pd_status
store_blob_put(struct sqldb *st, const struct kvtable *t, const void *val,
    size_t len, long long *id, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = store_blob_ready(st, t, cause)) != PD_OK ||
	    (s = store_prepare(st, "INSERT INTO sys_blobs(data) "
	    "VALUES (zeroblob(?1))", &st->blob_q[0], cause)) != PD_OK)
		return s;
	q = st->blob_q[0];
	sqlite3_bind_int64(q, 1, (sqlite3_int64)len);
	if ((s = store_run(st, q, cause)) != PD_OK)
		return s;
	*id = sqlite3_last_insert_rowid(st->db);
	return store_blob_write(st, "sys_blobs", "data", *id, val, len, cause);
}

enum pd_status
store_blob_write(struct sqldb *st, const char *table, const char *column,
    long long row, const void *val, size_t len, char **cause)
{
	sqlite3_blob	*b;
	size_t		 off, n;
	int		 rc;

	if ((rc = sqlite3_blob_open(st->db, "main", table, column, row, 1,
	    &b)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	for (off = 0, rc = SQLITE_OK; off < len && rc == SQLITE_OK; off += n) {
		n = len - off < PIECE ? len - off : PIECE;
		rc = sqlite3_blob_write(b, (const char *)val + off, (int)n,
		    (int)off);
	}
	if (rc != SQLITE_OK) {
		sqlite3_blob_close(b);
		return store_fail(st, rc, cause);
	}
	if ((rc = sqlite3_blob_close(b)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	return PD_OK;
}

enum pd_status
store_blob_get(struct sqldb *st, long long id, store_value_fn fn, void *ctx,
    char **cause)
{
	sqlite3_blob	*b;
	enum pd_status	 s;
	char		*p;
	size_t		 len, off, n;
	int		 rc;

	if ((rc = sqlite3_blob_open(st->db, "main", "sys_blobs", "data", id,
	    0, &b)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	len = (size_t)sqlite3_blob_bytes(b);
	p = xmalloc(len > 0 ? len : 1);
	for (off = 0, rc = SQLITE_OK; off < len && rc == SQLITE_OK; off += n) {
		n = len - off < PIECE ? len - off : PIECE;
		rc = sqlite3_blob_read(b, p + off, (int)n, (int)off);
	}
	sqlite3_blob_close(b);
	if (rc != SQLITE_OK)
		s = store_fail(st, rc, cause);
	else
		s = fn == NULL ? PD_OK : fn(ctx, p, len);
	free(p);
	return s;
}

/*
 * pd_value(v) and pd_length(v) in SQL: the value a value column's v
 * stands for, and its length.  A blob's id reads sys_blobs (column col of
 * sql); anything else is the value itself.
 */
static void
sql_blob(sqlite3_context *c, sqlite3_value *v, int which, const char *sql)
{
	struct sqldb	*st = sqlite3_user_data(c);
	sqlite3_stmt	*q = st->blob_q[which];
	int		 rc;

	if (q == NULL && (rc = sqlite3_prepare_v2(st->db, sql, -1,
	    &st->blob_q[which], NULL)) != SQLITE_OK) {
		sqlite3_result_error_code(c, rc);
		return;
	}
	q = st->blob_q[which];
	sqlite3_bind_value(q, 1, v);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		sqlite3_result_value(c, sqlite3_column_value(q, 0));
	else if (rc == SQLITE_DONE)
		sqlite3_result_error(c, "a big value is missing from sys_blobs",
		    -1);
	else
		sqlite3_result_error_code(c, rc);
	sqlite3_reset(q);
}

static void
sql_value(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER)
		sqlite3_result_value(c, argv[0]);
	else
		sql_blob(c, argv[0], 1, "SELECT data FROM sys_blobs WHERE "
		    "id = ?1");
}

static void
sql_length(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER)
		sqlite3_result_int64(c, sqlite3_value_bytes(argv[0]));
	else
		sql_blob(c, argv[0], 2, "SELECT length(data) FROM sys_blobs "
		    "WHERE id = ?1");
}

int
store_blob_functions(struct sqldb *st)
{
	int	 rc;

	if ((rc = sqlite3_create_function_v2(st->db, "pd_value", 1,
	    SQLITE_UTF8, st, sql_value, NULL, NULL, NULL)) != SQLITE_OK)
		return rc;
	return sqlite3_create_function_v2(st->db, "pd_length", 1,
	    SQLITE_UTF8, st, sql_length, NULL, NULL, NULL);
}

void
store_blob_release(struct sqldb *st)
{
	size_t	 i;

	for (i = 0; i < sizeof(st->blob_q) / sizeof(st->blob_q[0]); i++) {
		sqlite3_finalize(st->blob_q[i]);
		st->blob_q[i] = NULL;
	}
}

/* Give fn each row of sql (one text column) as a finding; count them. */
static enum pd_status
findings(struct sqldb *st, const char *sql, void (*fn)(void *, const char *),
    void *ctx, int *n, char **cause)
{
	sqlite3_stmt	*q;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		fn(ctx, (const char *)sqlite3_column_text(q, 0));
		(*n)++;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? PD_OK : store_fail(st, rc, cause);
}

enum pd_status
store_blob_check(struct sqldb *st, void (*fn)(void *, const char *),
    void *ctx, int *n, char **cause)
{
	struct buf	 refs;
	enum pd_status	 s = PD_OK;
	char		**names, *sql;
	size_t		 i, nn;

	*n = 0;
	if (!store_blob_exists(st))
		return PD_OK;
	if ((s = store_table_names(st, &names, &nn, cause)) != PD_OK)
		return s;
	buf_init(&refs);
	for (i = 0; i < nn && s == PD_OK; i++) {
		const char	*id = store_table_named(st, names[i])->ident;

		sql = xasprintf("SELECT 'key ' || project || '.' || namespace "
		    "|| '.' || key || ': its big value is missing from "
		    "sys_blobs' FROM %s WHERE typeof(value) = 'integer' AND "
		    "value NOT IN (SELECT id FROM sys_blobs)", id);
		s = findings(st, sql, fn, ctx, n, cause);
		free(sql);
		buf_adds(&refs, i > 0 ? " UNION ALL " : "");
		sql = xasprintf("SELECT value FROM %s WHERE typeof(value) = "
		    "'integer'", id);
		buf_adds(&refs, sql);
		free(sql);
	}
	if (s == PD_OK && nn > 0) {
		buf_add(&refs, "", 1);
		sql = xasprintf("SELECT 'big values in sys_blobs that no key "
		    "holds: ' || count(*) FROM sys_blobs WHERE id NOT IN (%s) HAVING "
		    "count(*) > 0", refs.data);
		s = findings(st, sql, fn, ctx, n, cause);
		free(sql);
	}
	buf_release(&refs);
	store_names_free(names, nn);
	return s;
}
