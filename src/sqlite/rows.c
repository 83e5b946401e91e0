/*
 * sqlite/rows.c - writing rows of keys: the upsert of one key, and the
 * statements that write a queued batch of keys, one row or UPSERT_ROWS
 * rows at a time (batch.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

enum pd_status
store_upsert(struct sqldb *st, const char *project, const char *ns,
    const char *key, const void *val, size_t len, long long now,
    long long expires, char **cause)
{
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;

	long long	 rev, id = 0;

	if ((s = store_register(st, project, ns, now, cause)) != PD_OK ||
	    (s = store_table_of(st, project, ns, &t, cause)) != PD_OK ||
	    (len > STORE_BLOB_MIN && (s = store_blob_put(st, t, val, len, &id,
	    cause)) != PD_OK) ||
	    (s = store_upsert_stmt(st, t, &q, cause)) != PD_OK)
		return s;
	rev = store_rev_take(st);
	store_bind_upsert(q, 0, project, strlen(project), ns, strlen(ns), key,
	    strlen(key), val, len, now, expires, rev);
	/* A big value's row holds its blob's id (sqlite/blob.c). */
	if (id > 0)
		sqlite3_bind_int64(q, 4, id);
	if ((s = store_run(st, q, cause)) != PD_OK ||
	    (s = store_log(st, rev, "set", project, ns, key, val, len, expires,
	    now, cause)) != PD_OK)
		return s;
	if (expires > 0)
		st->expiring = 1;
	return store_evict(st, project, ns, cause);
}

/* Bind a row's key, value, time, expiry and revision from n+1 on. */
static void
bind_key_row(sqlite3_stmt *q, int n, const char *key, size_t klen,
    const void *val, size_t vlen, long long now, long long expires,
    long long rev)
{
	sqlite3_bind_text(q, n + 1, key, (int)klen, SQLITE_STATIC);
	/* A non-NULL pointer makes an empty value a zero-length BLOB. */
	sqlite3_bind_blob64(q, n + 2, vlen > 0 ? val : "", vlen,
	    SQLITE_STATIC);
	sqlite3_bind_int64(q, n + 3, now);
	if (expires > 0)
		sqlite3_bind_int64(q, n + 4, expires);
	else
		sqlite3_bind_null(q, n + 4);
	sqlite3_bind_int64(q, n + 5, rev);
}

void
store_bind_upsert(sqlite3_stmt *q, int row, const char *project,
    size_t plen, const char *ns, size_t nlen, const char *key, size_t klen,
    const void *val, size_t vlen, long long now, long long expires,
    long long rev)
{
	int	 n = row * UPSERT_PARAMS;

	sqlite3_bind_text(q, n + 1, project, (int)plen, SQLITE_STATIC);
	sqlite3_bind_text(q, n + 2, ns, (int)nlen, SQLITE_STATIC);
	bind_key_row(q, n + 2, key, klen, val, vlen, now, expires, rev);
}

void
store_bind_shared(sqlite3_stmt *q, int row, const char *key, size_t klen,
    const void *val, size_t vlen, long long now, long long expires,
    long long rev)
{
	bind_key_row(q, 2 + row * UPSERT_SHARED, key, klen, val, vlen, now,
	    expires, rev);
}

/*
 * verb, rows rows into t, then tail: UPSERT_PARAMS parameters a row or,
 * with shared, the project and namespace once as ?1 and ?2 and
 * UPSERT_SHARED a row after them.
 */
static char *
insert_sql(const struct kvtable *t, const char *verb, int rows,
    const char *tail, int shared)
{
	struct buf	 b;
	char		*row;
	int		 i, p;

	buf_init(&b);
	buf_adds(&b, verb);
	buf_adds(&b, t->ident);
	buf_adds(&b, "(project, namespace, key, value, version, created, "
	    "updated, expires, revision) VALUES ");
	for (i = 0; i < rows; i++) {
		if (shared) {
			p = 2 + i * UPSERT_SHARED;
			row = xasprintf("%s(?1, ?2, ?%d, ?%d, 1, ?%d, ?%d, "
			    "?%d, ?%d)", i > 0 ? ", " : "", p + 1, p + 2,
			    p + 3, p + 3, p + 4, p + 5);
		} else {
			p = i * UPSERT_PARAMS;
			row = xasprintf("%s(?%d, ?%d, ?%d, ?%d, 1, ?%d, ?%d, "
			    "?%d, ?%d)", i > 0 ? ", " : "", p + 1, p + 2,
			    p + 3, p + 4, p + 5, p + 5, p + 6, p + 7);
		}
		buf_adds(&b, row);
		free(row);
	}
	buf_adds(&b, tail);
	return buf_detach(&b, NULL);
}

/*
 * Rows for one key in one statement apply in order, as apart.  The primary
 * key is a key table's one uniqueness constraint, so the conflict needs no
 * target, which spares compiling its match (8,000 instructions).
 */
static const char upsert_tail[] = " ON CONFLICT "
    "DO UPDATE SET value = excluded.value, version = version + 1, "
    "updated = excluded.updated, expires = excluded.expires, "
    "revision = excluded.revision";

enum pd_status
store_upsert_stmt(struct sqldb *st, struct kvtable *t, sqlite3_stmt **out,
    char **cause)
{
	enum pd_status	 s = PD_OK;
	char		*sql;

	/* The hot path of a queued write: no wait for the writer thread. */
	if (t->up == NULL) {
		sql = insert_sql(t, "INSERT INTO ", 1, upsert_tail, 0);
		s = store_prepare(st, sql, &t->up, cause);
		free(sql);
	}
	*out = t->up;
	return s;
}

enum pd_status
store_many_stmts(struct sqldb *st, struct kvtable *t,
    const struct kvmany **out, char **cause)
{
	struct kvmany	*m = t->many;
	enum pd_status	 s;
	char		*ins, *same, *probe;

	*out = m;
	if (m != NULL)
		return PD_OK;
	/* Used only where the probe found no row: a conflict is a bug. */
	ins = insert_sql(t, "INSERT OR FAIL INTO ", UPSERT_ROWS, "", 0);
	same = insert_sql(t, "INSERT OR FAIL INTO ", UPSERT_ROWS, "", 1);
	probe = xasprintf("SELECT 1 FROM %s WHERE (project, namespace, key) "
	    ">= (?1, ?2, ?3) AND (project, namespace, key) <= (?4, ?5, ?6)",
	    t->ident);
	m = xcalloc(1, sizeof(*m));
	if ((s = store_prepare(st, ins, &m->insert, cause)) == PD_OK &&
	    (s = store_prepare(st, same, &m->same, cause)) == PD_OK)
		s = store_prepare(st, probe, &m->probe, cause);
	free(ins);
	free(same);
	free(probe);
	if (s != PD_OK) {
		store_many_release(m);
		return s;
	}
	t->many = m;
	*out = m;
	return PD_OK;
}

void
store_many_release(struct kvmany *m)
{
	if (m == NULL)
		return;
	sqlite3_finalize(m->insert);
	sqlite3_finalize(m->same);
	sqlite3_finalize(m->probe);
	free(m);
}

enum pd_status
store_meta_clear(struct sqldb *st, const char *project, const char *ns,
    const char *key, char **cause)
{
	static const char *const clear_sql[3] = {
	    "DELETE FROM sys_meta WHERE project = ?1 AND namespace = ?2 AND "
	    "key = ?3",
	    "DELETE FROM sys_meta WHERE project = ?1 AND namespace = ?2",
	    "DELETE FROM sys_meta WHERE project = ?1" };
	int		 which = key != NULL ? 0 : ns != NULL ? 1 : 2;
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = store_prepare_made(st, clear_sql[which], &st->clear_q[which],
	    "sys_meta", NULL, cause)) != PD_OK ||
	    (q = st->clear_q[which]) == NULL)
		return s;
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	if (ns != NULL)
		sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	if (key != NULL)
		sqlite3_bind_text(q, 3, key, -1, SQLITE_STATIC);
	return store_run(st, q, cause);
}
