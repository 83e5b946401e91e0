/*
 * pg/kv.c - keys on a server (ops.h): get, set, conditional set,
 * delete, expiry, revisions and listing.
 *
 * Each write is one statement: data-modifying WITH clauses register the
 * project and namespace and take the next revision with the key's row, so
 * a set costs one trip however much it touches (the plain sets of a
 * transaction are queued instead and reach the server by COPY: copy.c).
 * Writes run inside a transaction that holds the database's lock
 * (pg_begin); a write outside one takes its own, as SQLite's store does.
 * Only the default key table (kv) is served yet.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

void
pg_addr_args(struct pg_args *a, const struct addr *k, long long now)
{
	memset(a, 0, sizeof(*a));
	pg_arg_text(a, k->project);
	pg_arg_text(a, k->ns);
	pg_arg_text(a, k->key);
	pg_arg_ll(a, now);
}

/* A write's expiry (ctx): a writer of expiring keys purges at commit. */
static enum pd_status
expiring(struct pg_store *ps, const PGresult *r, void *ctx, char **cause)
{
	if (*(const long long *)ctx > 0)
		ps->expiring = 1;
	return PD_OK;
}

/* A set of a key, and its expiry. */
struct set_of {
	const struct addr	*k;
	long long		 expires;
};

/* After a set (ctx): its namespace evicts when it has a cap. */
static enum pd_status
capped(struct pg_store *ps, const PGresult *r, void *ctx, char **cause)
{
	const struct set_of	*w = ctx;

	expiring(ps, r, (void *)&w->expires, cause);
	if (pg_ll(ps, r, 0, 2) <= 0)
		return PD_OK;
	return pg_evict(ps, w->k->project, w->k->ns, cause);
}

/* A set of key k by sql (ending in PG_REGISTER), then its eviction. */
static enum pd_status
set_write(struct pg_store *ps, const char *sql, const struct pg_args *a,
    const struct addr *k, long long expires, char **cause)
{
	struct set_of	 w = { k, expires };

	return pg_write_then(ps, sql, a, 1, capped, &w, cause);
}

enum pd_status
pg_set(struct store *base, const struct addr *k, const void *val,
    size_t len, long long now, long long expires, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	enum pd_status	 s;

	/* A queued set of an expiring key purges at commit too. */
	if (expires > 0)
		ps->expiring = 1;
	/* Queued for COPY, or the queue applied and this set written now. */
	if (pg_queue_set(ps, k, val, len, now, expires, &s, cause))
		return s;
	pg_addr_args(&a, k, now);
	pg_arg_bytes(&a, val, len);
	pg_arg_expires(&a, expires);
	return set_write(ps, "WITH ch AS (INSERT INTO kv(project, namespace, "
	    "key, value, version, created, updated, expires, revision) VALUES "
	    "($1, $2, $3, $5, 1, $4, $4, $6, " PG_REV_NEXT ") ON CONFLICT "
	    "(project, namespace, key) DO UPDATE SET value = excluded.value, "
	    "version = kv.version + 1, updated = excluded.updated, "
	    "expires = excluded.expires, revision = excluded.revision "
	    "RETURNING 1)" PG_REV_TAKE PG_LOG("set", "$5", "$6") PG_REGISTER,
	    &a, k, expires, cause);
}

enum pd_status
pg_set_if(struct store *base, const struct addr *k, const void *val,
    size_t len, long long now, long long expires, long long version,
    char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;

	pg_addr_args(&a, k, now);
	pg_arg_bytes(&a, val, len);
	pg_arg_expires(&a, expires);
	if (version == 0)
		/* An expired key is absent: if-absent may take its place. */
		return set_write(ps, "WITH ch AS (INSERT INTO kv(project, "
		    "namespace, key, value, version, created, updated, "
		    "expires, revision) VALUES ($1, $2, $3, $5, 1, $4, $4, "
		    "$6, " PG_REV_NEXT ") ON CONFLICT (project, namespace, "
		    "key) DO UPDATE SET value = excluded.value, version = "
		    "kv.version + 1, updated = excluded.updated, expires = "
		    "excluded.expires, revision = excluded.revision WHERE "
		    "kv.expires IS NOT NULL AND kv.expires <= excluded.updated "
		    "RETURNING 1)" PG_REV_TAKE PG_LOG("set", "$5", "$6")
		    PG_REGISTER, &a, k, expires, cause);
	pg_arg_ll(&a, version);
	return set_write(ps, "WITH ch AS (UPDATE kv SET value = $5, version = "
	    "version + 1, updated = $4, expires = $6, revision = "
	    PG_REV_NEXT " WHERE " PG_LIVE " AND version = $7 RETURNING 1)"
	    PG_REV_TAKE PG_LOG("set", "$5", "$6") PG_REGISTER, &a, k, expires,
	    cause);
}

enum pd_status
pg_get_any(struct store *base, const struct addr *k, int expired,
    struct buf *val, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	pg_addr_args(&a, k, expired ? 0 : util_now_ms());
	s = pg_run(ps, expired ? "SELECT value, coalesce(revision, 0) FROM kv "
	    "WHERE project = $1 AND namespace = $2 AND key = $3 AND $4 = 0" :
	    "SELECT value, coalesce(revision, 0) FROM kv WHERE " PG_LIVE, &a,
	    &r, cause);
	if (s != PD_OK)
		return pg_none(s, cause);
	if (ps->pq->PQntuples(r) == 0)
		s = PD_MISS;
	else {
		buf_reset(val);
		buf_add(val, ps->pq->PQgetvalue(r, 0, 0),
		    (size_t)ps->pq->PQgetlength(r, 0, 0));
		ps->read_rev = pg_ll(ps, r, 0, 1);
	}
	ps->pq->PQclear(r);
	return s;
}

enum pd_status
pg_get(struct store *base, const struct addr *k, struct buf *val,
    char **cause)
{
	struct pg_store	*ps = pg_of(base);
	return pg_get_any(&ps->base, k, 0, val, cause);
}

long long
pg_read_revision(const struct store *base)
{
	const struct pg_store	*ps = pg_of(base);
	return ps->read_rev;
}

enum pd_status
pg_del(struct store *base, const struct addr *k, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;

	pg_addr_args(&a, k, util_now_ms());
	return pg_write(ps, "WITH ch AS (DELETE FROM kv WHERE " PG_LIVE
	    " RETURNING 1)" PG_REV_TAKE PG_LOG("del", "NULL::bytea",
	    "NULL::bigint") ", dm AS (DELETE FROM sys_meta WHERE "
	    "project = $1 AND namespace = $2 AND key = $3 AND EXISTS (SELECT "
	    "1 FROM ch)) SELECT count(*) FROM ch", &a, cause);
}

enum pd_status
pg_expire(struct store *base, const struct addr *k, long long expires,
    char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;

	pg_addr_args(&a, k, util_now_ms());
	pg_arg_expires(&a, expires);
	return pg_write_then(ps, "WITH ch AS (UPDATE kv SET expires = $5, "
	    "revision = " PG_REV_NEXT " WHERE " PG_LIVE " RETURNING 1)"
	    PG_REV_TAKE PG_LOG("ttl", "NULL::bytea", "$5") " SELECT count(*) "
	    "FROM ch", &a, 1, expiring, &expires, cause);
}

enum pd_status
pg_revision(struct store *base, long long *rev, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	PGresult	*r;
	enum pd_status	 s;

	if ((s = pg_run(ps, "SELECT current FROM sys_revision", NULL, &r,
	    cause)) != PD_OK)
		return s;
	*rev = pg_ll(ps, r, 0, 0);
	ps->pq->PQclear(r);
	return PD_OK;
}

enum pd_status
pg_info(struct store *base, const struct addr *k, struct store_info *info,
    char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	pg_addr_args(&a, k, util_now_ms());
	if ((s = pg_run(ps, "SELECT version, created, updated, "
	    "length(value)::bigint, coalesce(expires, 0), coalesce(revision, "
	    "0) FROM kv WHERE " PG_LIVE, &a, &r, cause)) != PD_OK)
		return pg_none(s, cause);
	if (ps->pq->PQntuples(r) == 0)
		s = PD_MISS;
	else {
		info->version = pg_ll(ps, r, 0, 0);
		info->created = pg_ll(ps, r, 0, 1);
		info->updated = pg_ll(ps, r, 0, 2);
		info->size = (size_t)pg_ll(ps, r, 0, 3);
		info->expires = pg_ll(ps, r, 0, 4);
		info->revision = pg_ll(ps, r, 0, 5);
	}
	ps->pq->PQclear(r);
	return s;
}

/* The condition on column for level i of f, its text the next argument. */
static void
level(struct buf *sql, struct pg_args *a, const struct store_filter *f,
    int i, const char *column)
{
	char	*c;

	if (f == NULL || f->mode[i] == STORE_ANY)
		return;
	pg_arg_text(a, f->text[i]);
	c = f->mode[i] == STORE_EXACT ?
	    xasprintf(" AND %s = $%d", column, a->n) :
	    xasprintf(" AND starts_with(%s, $%d)", column, a->n);
	buf_adds(sql, c);
	free(c);
}

/*
 * Live keys of f in the store's view: what columns from what, then tail
 * (the order).
 */
static enum pd_status
filtered(struct pg_store *ps, const struct store_filter *f, const char *from,
    const char *columns, const char *tail, PGresult **r, char **cause)
{
	static const char *const cols[3] = { "project", "namespace", "key" };
	struct pg_args	 a;
	struct buf	 sql;
	enum pd_status	 s;
	int		 i;

	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, util_now_ms());
	pg_arg_view(&a, &ps->base);
	buf_init(&sql);
	buf_adds(&sql, "SELECT ");
	buf_adds(&sql, columns);
	buf_adds(&sql, " FROM ");
	buf_adds(&sql, from);
	buf_adds(&sql, " WHERE (expires IS NULL OR expires > $1) AND "
	    PG_VIEW("project", 2, 3));
	for (i = 0; i < 3; i++)
		level(&sql, &a, f, i, cols[i]);
	buf_adds(&sql, tail);
	buf_addc(&sql, '\0');
	s = pg_run(ps, sql.data, &a, r, cause);
	buf_release(&sql);
	if (s == PD_MISS) {
		/* No schema yet: nothing to find. */
		pg_none(s, cause);
		*r = NULL;
		s = PD_OK;
	}
	return s;
}

/* Whether metakey row j of m belongs to the key of row i of r. */
static int
same_key(const struct pg_lib *pq, const PGresult *r, int i,
    const PGresult *m, int j)
{
	int	 c;

	for (c = 0; c < 3; c++)
		if (strcmp(pq->PQgetvalue(r, i, c), pq->PQgetvalue(m, j, c)) !=
		    0)
			return 0;
	return 1;
}

/* The rows of f to fn, their projects as the session names them (out). */
static enum pd_status
scan(struct store *base, const struct store_filter *f, int flags, int out,
    store_row_fn fn, void *ctx, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	const struct pg_lib *pq = ps->pq;
	struct store_row row;
	struct store_meta *meta = NULL;
	PGresult	*r, *m = NULL;
	enum pd_status	 s;
	int		 i, j = 0, n;

	if ((s = filtered(ps, f, "kv", "project, namespace, key, version, "
	    "created, updated, coalesce(expires, 0), coalesce(revision, 0), "
	    "value", " ORDER BY project, namespace, key", &r, cause)) !=
	    PD_OK || r == NULL)
		return s;
	/* The metakeys of the same keys in the same order, merged. */
	if ((flags & STORE_SCAN_META) && (s = filtered(ps, f, "kv JOIN "
	    "sys_meta m USING (project, namespace, key)", "project, "
	    "namespace, key, m.name, m.value", " ORDER BY project, namespace, "
	    "key, m.name", &m, cause)) != PD_OK) {
		pq->PQclear(r);
		return s;
	}
	if (m != NULL)
		meta = xcalloc((size_t)pq->PQntuples(m) + 1, sizeof(*meta));
	for (i = 0; i < pq->PQntuples(r) && s == PD_OK; i++) {
		memset(&row, 0, sizeof(row));
		row.project = pq->PQgetvalue(r, i, 0);
		if (out)
			row.project = store_ctx_out(base, row.project);
		row.ns = pq->PQgetvalue(r, i, 1);
		row.key = pq->PQgetvalue(r, i, 2);
		row.version = pg_ll(ps, r, i, 3);
		row.created = pg_ll(ps, r, i, 4);
		row.updated = pg_ll(ps, r, i, 5);
		row.expires = pg_ll(ps, r, i, 6);
		row.revision = pg_ll(ps, r, i, 7);
		if (flags & STORE_SCAN_VALUES) {
			row.value = pq->PQgetvalue(r, i, 8);
			row.vlen = (size_t)pq->PQgetlength(r, i, 8);
		}
		for (n = 0; m != NULL && j < pq->PQntuples(m) &&
		    same_key(pq, r, i, m, j); j++, n++) {
			meta[n].name = pq->PQgetvalue(m, j, 3);
			meta[n].value = pq->PQgetvalue(m, j, 4);
			meta[n].vlen = (size_t)pq->PQgetlength(m, j, 4);
		}
		row.meta = meta;
		row.nmeta = m != NULL ? (size_t)n : 0;
		s = fn(ctx, &row);
	}
	free(meta);
	pq->PQclear(m);
	pq->PQclear(r);
	return s;
}

enum pd_status
pg_scan(struct store *base, const struct store_filter *f, int flags,
    store_row_fn fn, void *ctx, char **cause)
{
	return scan(base, f, flags, 1, fn, ctx, cause);
}

enum pd_status
pg_scan_stored(struct store *base, const struct store_filter *f, int flags,
    store_row_fn fn, void *ctx, char **cause)
{
	return scan(base, f, flags, 0, fn, ctx, cause);
}

enum pd_status
pg_keys_hold(struct store *base, char c, int *found, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	PGresult	*r;
	enum pd_status	 s;
	char		*tail;

	*found = 0;
	tail = xasprintf(" AND strpos(key, chr(%d)) > 0 LIMIT 1",
	    (unsigned char)c);
	s = filtered(ps, NULL, "kv", "1", tail, &r, cause);
	free(tail);
	if (s == PD_OK && r != NULL) {
		*found = ps->pq->PQntuples(r) > 0;
		ps->pq->PQclear(r);
	}
	return s;
}

enum pd_status
pg_next_expiry(struct store *base, const struct store_filter *f,
    long long after, long long *when, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	PGresult	*r;
	enum pd_status	 s;
	char		*col;

	*when = 0;
	/*
	 * Expired keys count too, as on SQLite: a watcher purges (and
	 * reports) those at once.  filtered keeps to live keys, so the rows
	 * come from kv with their expiry as e and no expires for it to test.
	 */
	col = xasprintf("min(e) FILTER (WHERE e > %lld)", after);
	s = filtered(ps, f, "(SELECT project, namespace, key, expires AS e, "
	    "NULL::bigint AS expires FROM kv) kv", col, "", &r, cause);
	free(col);
	if (s == PD_OK && r != NULL) {
		*when = pg_ll(ps, r, 0, 0);
		ps->pq->PQclear(r);
	}
	return s;
}

enum pd_status
pg_purge(struct store *base, const char *project, const char *ns,
    long long limit, long long *count, char **cause)
{
	struct pg_args	 a;

	/*
	 * The expired keys, oldest first, each a change logged as "expire"
	 * under the revisions after the current one, in that order; then
	 * their metakeys and rows go.
	 */
	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, util_now_ms());
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	if (limit > 0)
		pg_arg_ll(&a, limit);
	else
		pg_arg_text(&a, NULL);
	pg_arg_view(&a, base);
	*count = 0;
	return pg_write_n(pg_of(base), "WITH dead AS (SELECT project, "
	    "namespace, key, row_number() OVER (ORDER BY expires, project, "
	    "namespace, key) AS rn FROM kv WHERE expires <= $1 AND ($2::text "
	    "IS NULL OR project = $2) AND ($3::text IS NULL OR namespace = $3) "
	    "AND " PG_VIEW("project", 5, 6) " "
	    "ORDER BY expires, project, namespace, key LIMIT $4::bigint), "
	    "lg AS (INSERT INTO sys_changes(rev, at, op, project, namespace, "
	    "key) SELECT r.current + d.rn, $1, 'expire', d.project, "
	    "d.namespace, d.key FROM dead d, sys_revision r WHERE r.log_from "
	    "IS NOT NULL), dm AS (DELETE FROM sys_meta m USING dead d WHERE "
	    "m.project = d.project AND m.namespace = d.namespace AND m.key = "
	    "d.key), dk AS (DELETE FROM kv k USING dead d WHERE k.project = "
	    "d.project AND k.namespace = d.namespace AND k.key = d.key "
	    "RETURNING 1), rv AS (UPDATE sys_revision SET current = current + "
	    "(SELECT count(*) FROM dk)) SELECT count(*) FROM dk", &a, count,
	    cause);
}

enum pd_status
pg_evict(struct pg_store *ps, const char *project, const char *ns,
    char **cause)
{
	struct pg_args	 a;
	long long	 n;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	pg_arg_ll(&a, util_now_ms());
	/*
	 * Over its cap, the namespace's expired keys go first (oldest
	 * first, as a purge), then its oldest live keys by update time; the
	 * log numbers them in that order from the next revision on.
	 */
	return pg_write_n(ps, "WITH x AS (SELECT (SELECT count(*) FROM kv "
	    "WHERE project = $1 AND namespace = $2 AND (expires IS NULL OR "
	    "expires > $3)) - n.max_items AS excess FROM sys_namespaces n "
	    "WHERE n.project = $1 AND n.name = $2 AND n.max_items > 0), "
	    "dead AS (SELECT key, row_number() OVER (ORDER BY expires, key) "
	    "AS rn FROM kv WHERE project = $1 AND namespace = $2 AND expires "
	    "<= $3 AND EXISTS (SELECT 1 FROM x WHERE excess > 0)), old AS "
	    "(SELECT key, (SELECT count(*) FROM dead) + row_number() OVER "
	    "(ORDER BY updated, key) AS rn FROM kv WHERE project = $1 AND "
	    "namespace = $2 AND (expires IS NULL OR expires > $3) ORDER BY "
	    "updated, key LIMIT (SELECT greatest(max(excess), 0) FROM x)), "
	    "gone AS (SELECT key, rn, 'expire' AS op FROM dead UNION ALL "
	    "SELECT key, rn, 'evict' FROM old), lg AS (INSERT INTO "
	    "sys_changes(rev, at, op, project, namespace, key) SELECT "
	    "r.current + g.rn, $3, g.op, $1, $2, g.key FROM gone g, "
	    "sys_revision r WHERE r.log_from IS NOT NULL), dm AS (DELETE FROM "
	    "sys_meta m USING gone g WHERE m.project = $1 AND m.namespace = $2 "
	    "AND m.key = g.key), dk AS (DELETE FROM kv k USING gone g WHERE "
	    "k.project = $1 AND k.namespace = $2 AND k.key = g.key RETURNING "
	    "1), rv AS (UPDATE sys_revision SET current = current + (SELECT "
	    "count(*) FROM dk)) SELECT count(*) FROM dk", &a, &n, cause);
}

enum pd_status
pg_copy(struct store *base, const struct addr *src, const struct addr *dst,
    int move, long long now, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	struct buf	 val;
	PGresult	*r;
	enum pd_status	 s;
	long long	 expires, ttl, max;

	pg_addr_args(&a, src, now);
	if ((s = pg_run(ps, "SELECT value, coalesce(expires, 0) FROM kv WHERE "
	    PG_LIVE, &a, &r, cause)) != PD_OK)
		return pg_none(s, cause);
	if (ps->pq->PQntuples(r) == 0) {
		ps->pq->PQclear(r);
		return PD_MISS;
	}
	buf_init(&val);
	buf_add(&val, ps->pq->PQgetvalue(r, 0, 0),
	    (size_t)ps->pq->PQgetlength(r, 0, 0));
	expires = pg_ll(ps, r, 0, 1);
	ps->pq->PQclear(r);
	/* A src without an expiry takes dst's namespace's TTL. */
	if (expires == 0 && (s = pg_ns_limits(base, dst->project, dst->ns,
	    &ttl, &max, cause)) == PD_OK && ttl > 0)
		expires = now + ttl;
	/*
	 * Its metakeys replace dst's; a moved key goes before dst is made.
	 * One statement sees the rows as they were before it, so a name of
	 * both is overwritten (its old row cannot go and come back there) and
	 * only the names src lacks are deleted.
	 */
	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, src->project);
	pg_arg_text(&a, src->ns);
	pg_arg_text(&a, src->key);
	pg_arg_text(&a, dst->project);
	pg_arg_text(&a, dst->ns);
	pg_arg_text(&a, dst->key);
	if (s == PD_OK)
		s = pg_change(ps, "WITH src AS (SELECT name, value FROM sys_meta "
		    "WHERE project = $1 AND namespace = $2 AND key = $3), c AS "
		    "(DELETE FROM sys_meta WHERE project = $4 AND namespace = $5 "
		    "AND key = $6 AND name NOT IN (SELECT name FROM src)) INSERT "
		    "INTO sys_meta(project, namespace, key, name, value) SELECT "
		    "$4, $5, $6, name, value FROM src ON CONFLICT (project, "
		    "namespace, key, name) DO UPDATE SET value = excluded.value",
		    &a, cause);
	if (s == PD_MISS)
		s = PD_OK;
	if (s == PD_OK && move)
		s = pg_del(base, src, cause);
	if (s == PD_OK)
		s = pg_set(base, dst, val.data, val.len, now, expires, cause);
	buf_release(&val);
	return s;
}
