/*
 * pg/sec.c - users, grants, API keys and database secrets on a server
 * (store.h's store_user_*, store_grant_*, store_apikey_*, store_secret),
 * in the same tables and with the same answers as SQLite's store-sec.c.
 * Secrets arrive hashed; nothing here sees a password or a key.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* Up to three text arguments, NULL ones left out of the end. */
static void
texts(struct pg_args *a, const char *x, const char *y, const char *z)
{
	memset(a, 0, sizeof(*a));
	pg_arg_text(a, x);
	if (y != NULL || z != NULL)
		pg_arg_text(a, y);
	if (z != NULL)
		pg_arg_text(a, z);
}

/* Run read sql: PD_MISS (and no result) when it found no row. */
static enum pd_status
one(struct pg_store *ps, const char *sql, const struct pg_args *a,
    PGresult **r, char **cause)
{
	enum pd_status	 s;

	if ((s = pg_run(ps, sql, a, r, cause)) != PD_OK)
		return pg_none(s, cause);
	if (ps->pq->PQntuples(*r) == 0) {
		ps->pq->PQclear(*r);
		return PD_MISS;
	}
	return PD_OK;
}

enum pd_status
pg_user_add(struct store *base, const char *name, const char *hash,
    int admin, long long now, char **cause)
{
	struct pg_args	 a;
	enum pd_status	 s;

	texts(&a, name, hash, NULL);
	pg_arg_ll(&a, admin != 0);
	pg_arg_ll(&a, now);
	if ((s = pg_change(pg_of(base), "INSERT INTO sys_users(name, pass_hash, "
	    "admin, created) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	    &a, cause)) == PD_MISS) {
		*cause = xasprintf("user '%s' already exists",
		    util_word(name));
		return PD_ERROR;
	}
	return s;
}

enum pd_status
pg_user_get(struct store *base, const char *name, struct buf *hash,
    int *admin, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	texts(&a, name, NULL, NULL);
	if ((s = one(ps, "SELECT pass_hash, admin::bigint FROM sys_users "
	    "WHERE name = $1", &a, &r, cause)) != PD_OK)
		return s;
	buf_reset(hash);
	buf_adds(hash, ps->pq->PQgetvalue(r, 0, 0));
	*admin = (int)pg_ll(ps, r, 0, 1);
	ps->pq->PQclear(r);
	return PD_OK;
}

enum pd_status
pg_user_set_hash(struct store *base, const char *name, const char *hash,
    char **cause)
{
	struct pg_args	 a;

	texts(&a, name, hash, NULL);
	return pg_change(pg_of(base), "UPDATE sys_users SET pass_hash = $2 "
	    "WHERE name = $1", &a, cause);
}

enum pd_status
pg_user_del(struct store *base, const char *name, char **cause)
{
	struct pg_args	 a;

	texts(&a, name, NULL, NULL);
	return pg_change(pg_of(base), "DELETE FROM sys_users WHERE name = $1",
	    &a, cause);
}

enum pd_status
pg_user_count(struct store *st, long long *n, char **cause)
{
	return pg_count(st, "SELECT count(*) FROM sys_users", n, cause);
}

enum pd_status
pg_admin_count(struct store *st, long long *n, char **cause)
{
	return pg_count(st, "SELECT count(*) FROM sys_users WHERE admin <> 0",
	    n, cause);
}

static enum pd_status
user_row(struct pg_store *ps, const PGresult *r, int i, void *ctx)
{
	const struct pg_to	*t = ctx;
	struct store_user u;

	u.name = ps->pq->PQgetvalue(r, i, 0);
	u.admin = (int)pg_ll(ps, r, i, 1);
	u.created = pg_ll(ps, r, i, 2);
	return ((store_user_fn)t->fn)(t->ctx, &u);
}

enum pd_status
pg_users(struct store *base, store_user_fn fn, void *ctx, char **cause)
{
	struct pg_to	 t = { (void *)fn, ctx };

	return pg_rows(pg_of(base), "SELECT name, admin::bigint, created FROM "
	    "sys_users ORDER BY name", NULL, user_row, &t, cause);
}

enum pd_status
pg_grant_set(struct store *base, const struct store_grant *g, char **cause)
{
	struct pg_args	 a;
	enum pd_status	 s;

	texts(&a, g->user, g->project, g->ns);
	pg_arg_ll(&a, g->level);
	s = pg_change(pg_of(base), "INSERT INTO sys_grants(\"user\", project, "
	    "namespace, level) VALUES ($1, $2, $3, $4) ON CONFLICT (\"user\", "
	    "project, namespace) DO UPDATE SET level = excluded.level", &a,
	    cause);
	return s == PD_MISS ? PD_OK : s;
}

enum pd_status
pg_grant_del(struct store *base, const char *user, const char *project,
    const char *ns, char **cause)
{
	struct pg_args	 a;

	texts(&a, user, project, ns);
	return pg_change(pg_of(base), "DELETE FROM sys_grants WHERE \"user\" = $1 "
	    "AND project = $2 AND namespace = $3", &a, cause);
}

enum pd_status
pg_grant_level(struct store *base, const char *user, const char *project,
    const char *ns, int *level, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	/* A NULL namespace matches only the project-wide grant. */
	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, user);
	pg_arg_text(&a, project);
	pg_arg_text(&a, ns);
	*level = 0;
	if ((s = one(ps, "SELECT coalesce(max(level), 0)::bigint FROM "
	    "sys_grants WHERE \"user\" = $1 AND project = $2 AND (namespace = "
	    "'' OR namespace = $3::text)", &a, &r, cause)) != PD_OK)
		return s == PD_MISS ? PD_OK : s;
	*level = (int)pg_ll(ps, r, 0, 0);
	ps->pq->PQclear(r);
	return PD_OK;
}

enum pd_status
pg_grant_in(struct store *base, const char *user, const char *project)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;
	char		*cause = NULL;

	texts(&a, user, project, NULL);
	s = one(ps, "SELECT 1 FROM sys_grants WHERE \"user\" = $1 AND "
	    "project = $2 LIMIT 1", &a, &r, &cause);
	free(cause);
	if (s == PD_OK)
		ps->pq->PQclear(r);
	return s;
}

static enum pd_status
grant_row(struct pg_store *ps, const PGresult *r, int i, void *ctx)
{
	const struct pg_to	*t = ctx;
	struct store_grant g;

	g.user = ps->pq->PQgetvalue(r, i, 0);
	g.project = store_ctx_out(&ps->base, ps->pq->PQgetvalue(r, i, 1));
	g.ns = ps->pq->PQgetvalue(r, i, 2);
	g.level = (int)pg_ll(ps, r, i, 3);
	return ((store_grant_fn)t->fn)(t->ctx, &g);
}

enum pd_status
pg_grants(struct store *base, const char *user, store_grant_fn fn,
    void *ctx, char **cause)
{
	struct pg_to	 t = { (void *)fn, ctx };
	struct pg_args	 a;

	memset(&a, 0, sizeof(a));
	pg_arg_text(&a, user);
	pg_arg_view(&a, base);
	return pg_rows(pg_of(base), "SELECT \"user\", project, namespace, "
	    "level::bigint FROM sys_grants WHERE ($1::text IS NULL OR \"user\" "
	    "= $1) AND " PG_VIEW("project", 2, 3) " ORDER BY \"user\", project, "
	    "namespace", &a, grant_row, &t, cause);
}

enum pd_status
pg_apikey_add(struct store *base, const char *id, const char *user,
    const void *hash, size_t hlen, long long now, char **cause)
{
	struct pg_args	 a;

	texts(&a, id, user, NULL);
	pg_arg_bytes(&a, hash, hlen);
	pg_arg_ll(&a, now);
	return pg_change(pg_of(base), "INSERT INTO sys_apikeys(id, \"user\", "
	    "hash, created) VALUES ($1, $2, $3, $4)", &a, cause);
}

enum pd_status
pg_apikey_get(struct store *base, const char *id, struct buf *user,
    struct buf *hash, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	texts(&a, id, NULL, NULL);
	if ((s = one(ps, "SELECT \"user\", hash FROM sys_apikeys WHERE id = "
	    "$1", &a, &r, cause)) != PD_OK)
		return s;
	buf_reset(user);
	buf_adds(user, ps->pq->PQgetvalue(r, 0, 0));
	buf_reset(hash);
	buf_add(hash, ps->pq->PQgetvalue(r, 0, 1),
	    (size_t)ps->pq->PQgetlength(r, 0, 1));
	ps->pq->PQclear(r);
	return PD_OK;
}

enum pd_status
pg_apikey_del(struct store *base, const char *id, char **cause)
{
	struct pg_args	 a;

	texts(&a, id, NULL, NULL);
	return pg_change(pg_of(base), "DELETE FROM sys_apikeys WHERE id = $1",
	    &a, cause);
}

static enum pd_status
apikey_row(struct pg_store *ps, const PGresult *r, int i, void *ctx)
{
	const struct pg_to	*t = ctx;
	struct store_apikey k;

	k.id = ps->pq->PQgetvalue(r, i, 0);
	k.user = ps->pq->PQgetvalue(r, i, 1);
	k.created = pg_ll(ps, r, i, 2);
	return ((store_apikey_fn)t->fn)(t->ctx, &k);
}

enum pd_status
pg_apikeys(struct store *base, const char *user, store_apikey_fn fn,
    void *ctx, char **cause)
{
	struct pg_to	 t = { (void *)fn, ctx };
	struct pg_args	 a;

	texts(&a, user, NULL, NULL);
	return pg_rows(pg_of(base), "SELECT id, \"user\", created FROM "
	    "sys_apikeys WHERE ($1::text IS NULL OR \"user\" = $1) ORDER BY "
	    "CASE WHEN $1::text IS NULL THEN \"user\" END, created, id", &a,
	    apikey_row, &t, cause);
}

enum pd_status
pg_secret(struct store *base, const char *name, void (*fill)(void *, size_t),
    size_t len, struct buf *out, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;
	unsigned char	 raw[64];

	texts(&a, name, NULL, NULL);
	if ((s = one(ps, "SELECT value FROM sys_settings WHERE name = $1", &a,
	    &r, cause)) == PD_OK) {
		buf_reset(out);
		buf_add(out, ps->pq->PQgetvalue(r, 0, 0),
		    (size_t)ps->pq->PQgetlength(r, 0, 0));
		ps->pq->PQclear(r);
	}
	if (s != PD_MISS || fill == NULL)
		return s;
	if (len > sizeof(raw))
		len = sizeof(raw);
	fill(raw, len);
	buf_reset(out);
	buf_add(out, raw, len);
	pg_arg_bytes(&a, out->data, out->len);
	/* Made once: a writer that lost the race reads the winner's. */
	if ((s = pg_change(ps, "INSERT INTO sys_settings(name, value) VALUES "
	    "($1, $2) ON CONFLICT DO NOTHING", &a, cause)) == PD_MISS)
		return pg_secret(base, name, NULL, len, out, cause);
	return s;
}
