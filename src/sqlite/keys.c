/*
 * sqlite/keys.c - one key at a time: set, get, info, expire,
 * delete, and the upsert statements that write a queued batch of keys.
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

/*
 * Key statements are templates: %s is the key table of the namespace they
 * touch ("kv", or "t_NAME" for a table of its own), see kvquery().
 */
static const char *const queries[Q_COUNT] = {
	/*
	 * ?5 is now, ?7 the expiry (NULL: never), ?8 the change's revision;
	 * expired rows are dead.
	 */
	[Q_GET] = "SELECT value, coalesce(revision, 0) FROM %s WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3 AND "
	    "(expires IS NULL OR expires > ?5)",
	[Q_GET_ANY] = "SELECT value, coalesce(revision, 0) FROM %s WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3",
	[Q_DEL] = "DELETE FROM %s WHERE project = ?1 AND namespace = ?2 AND "
	    "key = ?3 AND (expires IS NULL OR expires > ?5)",
	/* An expired key is absent: if-absent may take its place. */
	[Q_SET_ABSENT] = "INSERT INTO %s(project, namespace, key, value, "
	    "version, created, updated, expires, revision) VALUES (?1, ?2, "
	    "?3, ?4, 1, ?5, ?5, ?7, ?8) ON CONFLICT DO UPDATE SET "
	    "value = excluded.value, version = version + 1, "
	    "updated = excluded.updated, expires = excluded.expires, "
	    "revision = excluded.revision WHERE expires IS NOT NULL AND "
	    "expires <= excluded.updated",
	[Q_SET_VERSION] = "UPDATE %s SET value = ?4, version = version + 1, "
	    "updated = ?5, expires = ?7, revision = ?8 WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 AND version = ?6 AND "
	    "(expires IS NULL OR expires > ?5)",
	[Q_INFO] = "SELECT version, created, updated, pd_length(value), "
	    "coalesce(expires, 0), coalesce(revision, 0) FROM %s WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3 AND "
	    "(expires IS NULL OR expires > ?5)",
	[Q_EXPIRE] = "UPDATE %s SET expires = ?7, revision = ?8 WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3 AND "
	    "(expires IS NULL OR expires > ?5)",
	/* A metakey changed: the key's revision. */
	[Q_TOUCH] = "UPDATE %s SET revision = ?8 WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 AND (expires IS NULL OR expires > ?5)",
};

/* Prepare key statement which for the table holding project.ns. */
static enum pd_status
kvquery(struct sqldb *st, const char *project, const char *ns, int which,
    sqlite3_stmt **out, char **cause)
{
	struct kvtable	*t;
	enum pd_status	 s;

	if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
		return s;
	return store_kvquery(st, t, which, queries[which], out, cause);
}

/*
 * Names and values are owned by the caller and outlive the statement's
 * step, so SQLITE_STATIC spares a copy of every value.
 */
static void
bind_addr(sqlite3_stmt *q, const struct addr *a)
{
	sqlite3_bind_text(q, 1, a->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->key, -1, SQLITE_STATIC);
}

/* ?7: an expiry, or NULL for none. */
static void
bind_expires(sqlite3_stmt *q, long long expires)
{
	if (expires > 0)
		sqlite3_bind_int64(q, 7, expires);
	else
		sqlite3_bind_null(q, 7);
}

enum pd_status
sqlite_set(struct store *base, const struct addr *a, const void *val,
    size_t len, long long now_ms, long long expires, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	s = batch_add(st, a, val, len, now_ms, expires, cause);
	return store_own_end(st, own, s, cause);
}

/* Run write q, which changes a's row to revision rev, or nothing: PD_MISS. */
static enum pd_status
run_change(struct sqldb *st, sqlite3_stmt *q, const struct addr *a,
    long long now, long long rev, char **cause)
{
	enum pd_status	 s;

	bind_addr(q, a);
	sqlite3_bind_int64(q, 5, now);
	sqlite3_bind_int64(q, 8, rev);
	if ((s = store_run(st, q, cause)) == PD_OK &&
	    sqlite3_changes(st->db) == 0)
		s = PD_MISS;
	if (s != PD_OK)
		store_rev_untake(st);
	return s;
}

static enum pd_status
set_if(struct sqldb *st, const struct addr *a, const void *val, size_t len,
    long long now_ms, long long expires, long long version, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 rev;

	if ((s = kvquery(st, a->project, a->ns, version == 0 ? Q_SET_ABSENT :
	    Q_SET_VERSION, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_blob64(q, 4, len > 0 ? val : "", len, SQLITE_STATIC);
	bind_expires(q, expires);
	if (version != 0)
		sqlite3_bind_int64(q, 6, version);
	rev = store_rev_take(st);
	/* A failed condition writes nothing, not even the namespace. */
	if ((s = run_change(st, q, a, now_ms, rev, cause)) != PD_OK ||
	    (s = store_log(st, rev, "set", a->project, a->ns, a->key, val, len,
	    expires, now_ms, cause)) != PD_OK)
		return s;
	if (expires > 0)
		st->expiring = 1;
	if ((s = store_register(st, a->project, a->ns, now_ms, cause)) !=
	    PD_OK)
		return s;
	return store_evict(st, a->project, a->ns, cause);
}

enum pd_status
sqlite_set_if(struct store *base, const struct addr *a, const void *val,
    size_t len, long long now_ms, long long expires, long long version,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	s = set_if(st, a, val, len, now_ms, expires, version, cause);
	return store_own_end(st, own, s, cause);
}

enum pd_status
sqlite_info(struct store *base, const struct addr *a, struct store_info *info,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 rc;

	if ((s = kvquery(st, a->project, a->ns, Q_INFO, &q, cause)) != PD_OK)
		return s;
	bind_addr(q, a);
	sqlite3_bind_int64(q, 5, util_now_ms());
	rc = store_step(st, q);
	if (rc == SQLITE_ROW) {
		info->version = sqlite3_column_int64(q, 0);
		info->created = sqlite3_column_int64(q, 1);
		info->updated = sqlite3_column_int64(q, 2);
		info->size = (size_t)sqlite3_column_int64(q, 3);
		info->expires = sqlite3_column_int64(q, 4);
		info->revision = sqlite3_column_int64(q, 5);
		s = PD_OK;
	} else if (rc == SQLITE_DONE)
		s = PD_MISS;
	else
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

enum pd_status
sqlite_get(struct store *base, const struct addr *a, struct buf *val,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return sqlite_get_any(&st->base, a, 0, val, cause);
}

/* Read a's value from key table t, and lend it to fn. */
static enum pd_status
get_from(struct sqldb *st, struct kvtable *t, const struct addr *a,
    int expired, store_value_fn fn, void *ctx, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 which = expired ? Q_GET_ANY : Q_GET;
	int		 rc;

	if ((s = store_kvquery(st, t, which, queries[which], &q, cause)) !=
	    PD_OK)
		return s;
	bind_addr(q, a);
	if (!expired)
		sqlite3_bind_int64(q, 5, util_now_ms());
	rc = store_step(st, q);
	if (rc == SQLITE_ROW) {
		st->read_rev = sqlite3_column_int64(q, 1);
		/* A big value's row holds its blob's id (sqlite/blob.c). */
		if (sqlite3_column_type(q, 0) == SQLITE_INTEGER)
			s = store_blob_get(st, sqlite3_column_int64(q, 0), fn,
			    ctx, cause);
		else
			s = fn == NULL ? PD_OK : fn(ctx,
			    store_column_value(q, 0),
			    (size_t)sqlite3_column_bytes(q, 0));
	} else if (rc == SQLITE_DONE)
		s = PD_MISS;
	else
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

long long
sqlite_read_revision(const struct store *base)
{
	const struct sqldb	*st = sqlite_cof(base);

	return st->read_rev;
}

static enum pd_status
copy_value(void *ctx, const void *p, size_t len)
{
	struct buf	*val = ctx;

	buf_reset(val);
	buf_add(val, p, len);
	return PD_OK;
}

enum pd_status
sqlite_get_any(struct store *base, const struct addr *a, int expired,
    struct buf *val, char **cause)
{
	return sqlite_get_with(base, a, expired, copy_value, val, cause);
}

enum pd_status
sqlite_get_with(struct store *base, const struct addr *a, int expired,
    store_value_fn fn, void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct kvtable	*t;
	enum pd_status	 s;
	size_t		 kv;

	/*
	 * Outside a transaction the route is not cached, and looking it up
	 * is a query of its own.  A namespace's keys are all in one table,
	 * most often kv, so a key found there is the answer.
	 */
	kv = (size_t)(store_table_named(st, "kv") - st->tables);
	if (!st->in_tx && (s = get_from(st, &st->tables[kv], a, expired, fn,
	    ctx, cause)) != PD_MISS)
		return s;
	if ((s = store_table_of(st, a->project, a->ns, &t, cause)) != PD_OK)
		return s;
	if (!st->in_tx && (size_t)(t - st->tables) == kv)
		return PD_MISS;
	return get_from(st, t, a, expired, fn, ctx, cause);
}

/*
 * One change of the key a by key statement which, logged as op: its
 * revision is ?8, and the log holds expires (ttl) or nothing.
 */
static enum pd_status
change(struct sqldb *st, const struct addr *a, int which, const char *op,
    long long expires, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 now = util_now_ms(), rev;

	if ((s = kvquery(st, a->project, a->ns, which, &q, cause)) != PD_OK)
		return s;
	bind_expires(q, expires);
	rev = store_rev_take(st);
	if ((s = run_change(st, q, a, now, rev, cause)) != PD_OK)
		return s;
	return store_log(st, rev, op, a->project, a->ns, a->key, NULL, 0,
	    expires, now, cause);
}

static enum pd_status
expire(struct sqldb *st, const struct addr *a, long long expires,
    char **cause)
{
	enum pd_status	 s;

	if ((s = change(st, a, Q_EXPIRE, "ttl", expires, cause)) == PD_OK &&
	    expires > 0)
		st->expiring = 1;
	return s;
}

enum pd_status
sqlite_expire(struct store *base, const struct addr *a, long long expires,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	return store_own_end(st, own, expire(st, a, expires, cause), cause);
}

enum pd_status
store_touch(struct sqldb *st, const struct addr *a, char **cause)
{
	return change(st, a, Q_TOUCH, "meta", 0, cause);
}

enum pd_status
store_del_key(struct sqldb *st, const struct addr *a, char **cause)
{
	enum pd_status	 s;

	if ((s = change(st, a, Q_DEL, "del", 0, cause)) != PD_OK)
		return s;
	return store_meta_clear(st, a->project, a->ns, a->key, cause);
}

enum pd_status
sqlite_del(struct store *base, const struct addr *a, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	return store_own_end(st, own, store_del_key(st, a, cause), cause);
}
