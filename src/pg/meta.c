/*
 * pg/meta.c - metakeys on a server (store.h's store_meta_*): named values
 * of a key, in sys_meta.  Setting or deleting one is a change of its key,
 * which takes a revision, in the same statement.
 */
#include <string.h>

#include "int.h"

/* The key's row, touched: the next revision, only when it is alive. */
#define PG_TOUCH	"UPDATE kv SET revision = " PG_REV_NEXT " WHERE " \
	PG_LIVE

enum pd_status
pg_meta_set(struct store *base, const struct addr *k, const char *name,
    const void *val, size_t len, char **cause)
{
	struct pg_args	 a;

	/* Only a key that exists can carry a metakey. */
	pg_addr_args(&a, k, util_now_ms());
	pg_arg_text(&a, name);
	pg_arg_bytes(&a, val, len);
	return pg_write(pg_of(base), "WITH ch AS (" PG_TOUCH " RETURNING 1)"
	    PG_REV_TAKE PG_LOG("meta", "NULL::bytea", "NULL::bigint") ", m AS (INSERT INTO sys_meta(project, namespace, key, "
	    "name, value) SELECT $1, $2, $3, $5, $6 WHERE EXISTS (SELECT 1 "
	    "FROM ch) ON CONFLICT (project, namespace, key, name) DO UPDATE "
	    "SET value = excluded.value) SELECT count(*) FROM ch", &a, cause);
}

enum pd_status
pg_meta_del(struct store *base, const struct addr *k, const char *name,
    char **cause)
{
	struct pg_args	 a;

	pg_addr_args(&a, k, util_now_ms());
	pg_arg_text(&a, name);
	return pg_write(pg_of(base), "WITH d AS (DELETE FROM sys_meta WHERE "
	    "project = $1 AND namespace = $2 AND key = $3 AND name = $5 "
	    "RETURNING 1), ch AS (" PG_TOUCH " AND EXISTS (SELECT 1 FROM d) "
	    "RETURNING 1)" PG_REV_TAKE PG_LOG("meta", "NULL::bytea",
	    "NULL::bigint") " SELECT (SELECT count(*) FROM d), (SELECT "
	    "count(*) FROM ch)", &a, cause);
}

/* The metakeys of k (name NULL: all of them) in name order, into fn. */
static enum pd_status
metas(struct pg_store *ps, const struct addr *k, const char *name,
    store_meta_fn fn, void *ctx, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;
	int		 i;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, k->project);
	pg_arg_text(&a, k->ns);
	pg_arg_text(&a, k->key);
	pg_arg_text(&a, name);
	if ((s = pg_run(ps, "SELECT name, value FROM sys_meta WHERE project = "
	    "$1 AND namespace = $2 AND key = $3 AND ($4::text IS NULL OR "
	    "name = $4) ORDER BY name", &a, &r, cause)) != PD_OK)
		return pg_none(s, cause);
	if (name != NULL && pq->PQntuples(r) == 0)
		s = PD_MISS;
	for (i = 0; i < pq->PQntuples(r) && s == PD_OK; i++)
		s = fn(ctx, pq->PQgetvalue(r, i, 0), pq->PQgetvalue(r, i, 1),
		    (size_t)pq->PQgetlength(r, i, 1));
	pq->PQclear(r);
	return s;
}

/* Keep the value metas hands over. */
static enum pd_status
keep(void *ctx, const char *name, const void *val, size_t len)
{
	struct buf	*b = ctx;

	buf_reset(b);
	buf_add(b, val, len);
	return PD_OK;
}

enum pd_status
pg_meta_get(struct store *base, const struct addr *k, const char *name,
    struct buf *val, char **cause)
{
	return metas(pg_of(base), k, name, keep, val, cause);
}

enum pd_status
pg_meta_list(struct store *base, const struct addr *k, store_meta_fn fn,
    void *ctx, char **cause)
{
	return metas(pg_of(base), k, NULL, fn, ctx, cause);
}
