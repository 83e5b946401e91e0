/*
 * sqlite/copy.c - a key copied or moved to another address, with its
 * metakeys and expiry, across namespaces and key tables.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* src's value into val and its expiry into *expires; PD_MISS if dead. */
static enum pd_status
read_src(struct sqldb *st, const struct addr *a, long long now,
    struct buf *val, long long *expires, char **cause)
{
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = store_table_of(st, a->project, a->ns, &t, cause)) != PD_OK ||
	    (s = store_kvquery(st, t, KVQ_COPY, "SELECT "
	    "pd_value(value), coalesce(expires, 0) FROM %s WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 AND (expires IS NULL OR "
	    "expires > ?4)", &q, cause)) != PD_OK)
		return s;
	store_bind_names(q, 0, a->project, strlen(a->project), a->ns,
	    strlen(a->ns), a->key, strlen(a->key));
	sqlite3_bind_int64(q, 4, now);
	if ((s = store_step_blob(st, q, val, cause)) == PD_OK)
		*expires = sqlite3_column_int64(q, 1);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

enum pd_status
sqlite_copy(struct store *base, const struct addr *src, const struct addr *dst,
    int move, long long now, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct route	*r;
	struct buf	 val;
	enum pd_status	 s;
	long long	 expires = 0;

	buf_init(&val);
	if ((s = read_src(st, src, now, &val, &expires, cause)) != PD_OK)
		goto out;
	if (expires == 0) {
		if ((s = store_route(st, dst->project, dst->ns, &r, cause)) !=
		    PD_OK)
			goto out;
		if (r->ttl > 0)
			expires = now + r->ttl;
	}
	/*
	 * Metakeys first, and a moved key gone before dst is written: dst's
	 * namespace may be capped, and its eviction must not pick src.
	 */
	if ((s = store_meta_copy(st, src, dst, cause)) != PD_OK ||
	    (move && (s = sqlite_del(&st->base, src, cause)) != PD_OK))
		goto out;
	s = store_upsert(st, dst->project, dst->ns, dst->key, val.data,
	    val.len, now, expires, cause);
out:
	buf_release(&val);
	return s;
}
