/*
 * sqlite/meta.c - metakeys: named values attached to a key.
 *
 * Every way a key can go (del, a dropped namespace or project, a dropped
 * table) clears its metakeys with store_meta_clear.  Setting or deleting
 * one is a change of its key: the key takes a revision (store_touch).
 *
 * sys_meta is made by the first metakey set (store_prepare_made); until
 * then every key has none, and whatever reads or removes them finds none.
 */
#include "int.h"

enum {
	M_SET,
	M_GET,
	M_DEL,
	M_LIST,
	M_COPY,
	M_COUNT
};

_Static_assert(M_COUNT <= META_QUERIES, "store.meta is too small");

static const char *const queries[M_COUNT] = {
	[M_SET] = "INSERT INTO sys_meta(project, namespace, key, name, value) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT DO UPDATE SET value = excluded.value",
	[M_GET] = "SELECT value FROM sys_meta WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 AND name = ?4",
	[M_DEL] = "DELETE FROM sys_meta WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 AND name = ?4",
	[M_LIST] = "SELECT name, value FROM sys_meta WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 ORDER BY name",
	[M_COPY] = "INSERT INTO sys_meta(project, namespace, key, name, value) "
	    "SELECT ?4, ?5, ?6, name, value FROM sys_meta WHERE project = ?1 "
	    "AND namespace = ?2 AND key = ?3",
};

const char store_meta_table[] =
	"CREATE TABLE IF NOT EXISTS sys_meta ("
	" project TEXT NOT NULL,"
	" namespace TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" value BLOB NOT NULL,"
	" PRIMARY KEY (project, namespace, key, name)"
	") WITHOUT ROWID;";

/* Statement which into *q, NULL while sys_meta is not made (but M_SET). */
static enum pd_status
prepare(struct sqldb *st, int which, const struct addr *a, const char *name,
    sqlite3_stmt **q, char **cause)
{
	enum pd_status	 s;

	/* Queued writes first: the key may be among them. */
	if ((s = store_prepare_made(st, queries[which], &st->meta[which],
	    "sys_meta", which == M_SET ? store_meta_table : NULL, cause)) !=
	    PD_OK || (*q = st->meta[which]) == NULL)
		return s;
	sqlite3_bind_text(*q, 1, a->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(*q, 2, a->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(*q, 3, a->key, -1, SQLITE_STATIC);
	if (name != NULL)
		sqlite3_bind_text(*q, 4, name, -1, SQLITE_STATIC);
	return PD_OK;
}

static enum pd_status
changed(struct sqldb *st, sqlite3_stmt *q, char **cause)
{
	enum pd_status	 s;

	if (q == NULL)
		return PD_MISS;
	s = store_run(st, q, cause);

	if (s == PD_OK && sqlite3_changes(st->db) == 0)
		return PD_MISS;
	return s;
}

static enum pd_status
meta_set(struct sqldb *st, const struct addr *a, const char *name,
    const void *val, size_t len, char **cause)
{
	sqlite3_stmt		*q;
	enum pd_status		 s;

	/* Only a key that exists can carry a metakey. */
	if ((s = store_touch(st, a, cause)) != PD_OK ||
	    (s = prepare(st, M_SET, a, name, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_blob64(q, 5, len > 0 ? val : "", len, SQLITE_STATIC);
	return store_run(st, q, cause);
}

enum pd_status
sqlite_meta_set(struct store *base, const struct addr *a, const char *name,
    const void *val, size_t len, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	s = meta_set(st, a, name, val, len, cause);
	return store_own_end(st, own, s, cause);
}

enum pd_status
sqlite_meta_get(struct store *base, const struct addr *a, const char *name,
    struct buf *val, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = prepare(st, M_GET, a, name, &q, cause)) != PD_OK)
		return s;
	if (q == NULL)
		return PD_MISS;
	s = store_step_blob(st, q, val, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

static enum pd_status
meta_del(struct sqldb *st, const struct addr *a, const char *name,
    char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = prepare(st, M_DEL, a, name, &q, cause)) != PD_OK ||
	    (s = changed(st, q, cause)) != PD_OK)
		return s;
	return store_touch(st, a, cause);
}

enum pd_status
sqlite_meta_del(struct store *base, const struct addr *a, const char *name,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	return store_own_end(st, own, meta_del(st, a, name, cause), cause);
}

static enum pd_status
meta_row(const struct store_rows *r, sqlite3_stmt *q)
{
	return ((store_meta_fn)r->fn)(r->ctx,
	    (const char *)sqlite3_column_text(q, 0), store_column_value(q, 1),
	    (size_t)sqlite3_column_bytes(q, 1));
}

enum pd_status
sqlite_meta_list(struct store *base, const struct addr *a, store_meta_fn fn,
    void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_rows	 r = { (void *)fn, ctx };
	sqlite3_stmt		*q;
	enum pd_status		 s;

	if ((s = prepare(st, M_LIST, a, NULL, &q, cause)) == PD_OK &&
	    q != NULL)
		s = store_rows(st, q, meta_row, &r, cause);
	return s;
}

enum pd_status
store_meta_copy(struct sqldb *st, const struct addr *src,
    const struct addr *dst, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	/* Without sys_meta the source has no metakeys to copy. */
	if ((s = store_meta_clear(st, dst->project, dst->ns, dst->key,
	    cause)) != PD_OK ||
	    (s = prepare(st, M_COPY, src, NULL, &q, cause)) != PD_OK ||
	    q == NULL)
		return s;
	store_bind_names(q, 3, dst->project, strlen(dst->project), dst->ns,
	    strlen(dst->ns), dst->key, strlen(dst->key));
	return store_run(st, q, cause);
}
