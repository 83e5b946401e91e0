/*
 * pg-kv.c - keys on a server (pg-store.h): get, set, conditional set,
 * delete, expiry, revisions and listing.
 *
 * Each write is one statement: data-modifying WITH clauses register the
 * project and namespace and take the next revision with the key's row, so
 * a set costs one trip however much it touches.  Writes run inside a
 * transaction that holds the database's lock (pg_begin); a write outside
 * one takes its own, as SQLite's store does.  Only the default key table
 * (kv) is served yet.
 */
#include <stdlib.h>
#include <string.h>

#include "pg-int.h"

/* $1 project, $2 namespace, $3 key, $4 now: the key is alive. */
#define PG_LIVE	"project = $1 AND namespace = $2 AND key = $3 AND " \
	"(expires IS NULL OR expires > $4)"

/* The next revision, taken only when the change ('ch') happened. */
#define PG_REV_NEXT	"(SELECT current + 1 FROM sys_revision)"
#define PG_REV_TAKE	", rv AS (UPDATE sys_revision SET current = " \
	"current + 1 WHERE EXISTS (SELECT 1 FROM ch) RETURNING 1)"
/* The project and namespace, registered when the change happened. */
#define PG_REGISTER	", rp AS (INSERT INTO sys_projects(name, created) " \
	"SELECT $1, $4 WHERE EXISTS (SELECT 1 FROM ch) ON CONFLICT DO " \
	"NOTHING), rn AS (INSERT INTO sys_namespaces(project, name, " \
	"created) SELECT $1, $2, $4 WHERE EXISTS (SELECT 1 FROM ch) ON " \
	"CONFLICT DO NOTHING) SELECT count(*) FROM ch"

static void
addr_args(struct pg_args *a, const struct addr *k, long long now)
{
	memset(a, 0, sizeof(*a));
	pg_arg_text(a, k->project);
	pg_arg_text(a, k->ns);
	pg_arg_text(a, k->key);
	pg_arg_ll(a, now);
}

/*
 * Run write sql (its count(*) of changed rows the result) in the open
 * transaction, or in one of its own: PD_MISS when it changed nothing.
 */
static enum pd_status
write(struct pg_store *ps, const char *sql, const struct pg_args *a,
    char **cause)
{
	PGresult	*r;
	enum pd_status	 s;
	int		 own = !ps->in_tx;

	if (own && (s = pg_begin(ps, cause)) != PD_OK)
		return s;
	if ((s = pg_run(ps, sql, a, &r, cause)) == PD_OK) {
		if (pg_ll(ps, r, 0, 0) == 0)
			s = PD_MISS;
		ps->pq->PQclear(r);
	}
	if (own) {
		if (s == PD_OK)
			s = pg_commit(ps, cause);
		else
			pg_rollback(ps);
	}
	return s;
}

enum pd_status
pg_set(struct pg_store *ps, const struct addr *k, const void *val,
    size_t len, long long now, long long expires, char **cause)
{
	struct pg_args	 a;

	addr_args(&a, k, now);
	pg_arg_bytes(&a, val, len);
	pg_arg_expires(&a, expires);
	return write(ps, "WITH ch AS (INSERT INTO kv(project, namespace, key, "
	    "value, version, created, updated, expires, revision) VALUES "
	    "($1, $2, $3, $5, 1, $4, $4, $6, " PG_REV_NEXT ") ON CONFLICT "
	    "(project, namespace, key) DO UPDATE SET value = excluded.value, "
	    "version = kv.version + 1, updated = excluded.updated, "
	    "expires = excluded.expires, revision = excluded.revision "
	    "RETURNING 1)" PG_REV_TAKE PG_REGISTER, &a, cause);
}

enum pd_status
pg_set_if(struct pg_store *ps, const struct addr *k, const void *val,
    size_t len, long long now, long long expires, long long version,
    char **cause)
{
	struct pg_args	 a;

	addr_args(&a, k, now);
	pg_arg_bytes(&a, val, len);
	pg_arg_expires(&a, expires);
	if (version == 0)
		/* An expired key is absent: if-absent may take its place. */
		return write(ps, "WITH ch AS (INSERT INTO kv(project, "
		    "namespace, key, value, version, created, updated, "
		    "expires, revision) VALUES ($1, $2, $3, $5, 1, $4, $4, "
		    "$6, " PG_REV_NEXT ") ON CONFLICT (project, namespace, "
		    "key) DO UPDATE SET value = excluded.value, version = "
		    "kv.version + 1, updated = excluded.updated, expires = "
		    "excluded.expires, revision = excluded.revision WHERE "
		    "kv.expires IS NOT NULL AND kv.expires <= excluded.updated "
		    "RETURNING 1)" PG_REV_TAKE PG_REGISTER, &a, cause);
	pg_arg_ll(&a, version);
	return write(ps, "WITH ch AS (UPDATE kv SET value = $5, version = "
	    "version + 1, updated = $4, expires = $6, revision = "
	    PG_REV_NEXT " WHERE " PG_LIVE " AND version = $7 RETURNING 1)"
	    PG_REV_TAKE PG_REGISTER, &a, cause);
}

enum pd_status
pg_get_any(struct pg_store *ps, const struct addr *k, int expired,
    struct buf *val, char **cause)
{
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	addr_args(&a, k, expired ? 0 : util_now_ms());
	s = pg_run(ps, expired ? "SELECT value, coalesce(revision, 0) FROM kv "
	    "WHERE project = $1 AND namespace = $2 AND key = $3 AND $4 = 0" :
	    "SELECT value, coalesce(revision, 0) FROM kv WHERE " PG_LIVE, &a,
	    &r, cause);
	if (s == PD_MISS) {
		/* No schema yet: an empty database, as a new file is. */
		free(*cause);
		*cause = NULL;
		return PD_MISS;
	}
	if (s != PD_OK)
		return s;
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
pg_get(struct pg_store *ps, const struct addr *k, struct buf *val,
    char **cause)
{
	return pg_get_any(ps, k, 0, val, cause);
}

long long
pg_read_revision(const struct pg_store *ps)
{
	return ps->read_rev;
}

enum pd_status
pg_del(struct pg_store *ps, const struct addr *k, char **cause)
{
	struct pg_args	 a;

	addr_args(&a, k, util_now_ms());
	return write(ps, "WITH ch AS (DELETE FROM kv WHERE " PG_LIVE
	    " RETURNING 1)" PG_REV_TAKE ", dm AS (DELETE FROM sys_meta WHERE "
	    "project = $1 AND namespace = $2 AND key = $3 AND EXISTS (SELECT "
	    "1 FROM ch)) SELECT count(*) FROM ch", &a, cause);
}

enum pd_status
pg_expire(struct pg_store *ps, const struct addr *k, long long expires,
    char **cause)
{
	struct pg_args	 a;

	addr_args(&a, k, util_now_ms());
	pg_arg_expires(&a, expires);
	return write(ps, "WITH ch AS (UPDATE kv SET expires = $5, revision = "
	    PG_REV_NEXT " WHERE " PG_LIVE " RETURNING 1)" PG_REV_TAKE
	    " SELECT count(*) FROM ch", &a, cause);
}

enum pd_status
pg_revision(struct pg_store *ps, long long *rev, char **cause)
{
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
pg_keys(struct pg_store *ps, const char *project, const char *ns,
    enum pd_status (*fn)(void *, const char *, const char *, const char *,
    const void *, size_t), void *ctx, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;
	int		 i;

	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, util_now_ms());
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	if ((s = pg_run(ps, "SELECT project, namespace, key, value FROM kv "
	    "WHERE (expires IS NULL OR expires > $1) AND ($2::text IS NULL OR "
	    "project = $2) AND ($3::text IS NULL OR namespace = $3) "
	    "ORDER BY project, namespace, key", &a, &r, cause)) != PD_OK)
		return s;
	for (i = 0; i < pq->PQntuples(r) && s == PD_OK; i++)
		s = fn(ctx, pq->PQgetvalue(r, i, 0), pq->PQgetvalue(r, i, 1),
		    pq->PQgetvalue(r, i, 2), pq->PQgetvalue(r, i, 3),
		    (size_t)pq->PQgetlength(r, i, 3));
	pq->PQclear(r);
	return s;
}
