/*
 * sqlite/sec.c - users, grants, API keys and database secrets in SQLite.
 *
 * The tables of users, grants and API keys are made by the first user,
 * grant or key added, and sys_settings by the first secret, in that
 * write's transaction (store_prepare_made): a connection parses the whole
 * schema before its first statement, and most databases never set up
 * security, so a one-shot verb should not parse tables it does not use.
 * Until they are made, whatever reads or removes them finds no rows, and
 * writes nothing.  Databases made before this have them from the start,
 * which reads the same.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

enum {
	S_USER_ADD,
	S_USER_GET,
	S_USER_HASH,
	S_USER_DEL,
	S_USER_COUNT,
	S_ADMIN_COUNT,
	S_USERS,
	S_GRANT_SET,
	S_GRANT_DEL,
	S_GRANT_LEVEL,
	S_GRANT_IN,
	S_GRANTS_ONE,
	S_GRANTS_ALL,
	S_KEY_ADD,
	S_KEY_GET,
	S_KEY_DEL,
	S_KEYS_ONE,
	S_KEYS_ALL,
	S_SECRET_GET,
	S_SECRET_PUT,
	S_GRANTS_DROP_P,
	S_GRANTS_DROP_NS,
	S_COUNT
};

_Static_assert(S_COUNT <= SEC_QUERIES, "store.sec is too small");

static const char *const queries[S_COUNT] = {
	[S_USER_ADD] = "INSERT INTO sys_users(name, pass_hash, admin, created) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[S_USER_GET] = "SELECT pass_hash, admin FROM sys_users WHERE name = ?1",
	[S_USER_HASH] = "UPDATE sys_users SET pass_hash = ?2 WHERE name = ?1",
	[S_USER_DEL] = "DELETE FROM sys_users WHERE name = ?1",
	[S_USER_COUNT] = "SELECT count(*) FROM sys_users",
	[S_ADMIN_COUNT] = "SELECT count(*) FROM sys_users WHERE admin",
	[S_USERS] = "SELECT name, admin, created FROM sys_users ORDER BY name",
	[S_GRANT_SET] = "INSERT INTO sys_grants(user, project, namespace, "
	    "level) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET "
	    "level = excluded.level",
	[S_GRANT_DEL] = "DELETE FROM sys_grants WHERE user = ?1 AND "
	    "project = ?2 AND namespace = ?3",
	[S_GRANT_LEVEL] = "SELECT max(level) FROM sys_grants WHERE user = ?1 "
	    "AND project = ?2 AND (namespace = '' OR namespace = ?3)",
	[S_GRANT_IN] = "SELECT 1 FROM sys_grants WHERE user = ?1 AND "
	    "project = ?2 LIMIT 1",
	[S_GRANTS_ONE] = "SELECT user, project, namespace, level FROM "
	    "sys_grants WHERE user = ?1 AND " CTX_RANGE("project", 2, 3)
	    " ORDER BY project, namespace",
	[S_GRANTS_ALL] = "SELECT user, project, namespace, level FROM "
	    "sys_grants WHERE " CTX_RANGE("project", 2, 3)
	    " ORDER BY user, project, namespace",
	[S_KEY_ADD] = "INSERT INTO sys_apikeys(id, user, hash, created) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[S_KEY_GET] = "SELECT user, hash FROM sys_apikeys WHERE id = ?1",
	[S_KEY_DEL] = "DELETE FROM sys_apikeys WHERE id = ?1",
	[S_KEYS_ONE] = "SELECT id, user, created FROM sys_apikeys WHERE "
	    "user = ?1 ORDER BY created, id",
	[S_KEYS_ALL] = "SELECT id, user, created FROM sys_apikeys ORDER BY "
	    "user, created, id",
	[S_SECRET_GET] = "SELECT value FROM sys_settings WHERE name = ?1",
	[S_SECRET_PUT] = "INSERT INTO sys_settings(name, value) VALUES (?1, ?2)",
	[S_GRANTS_DROP_P] = "DELETE FROM sys_grants WHERE project = ?1",
	[S_GRANTS_DROP_NS] = "DELETE FROM sys_grants WHERE project = ?1 AND "
	    "namespace = ?2",
};

/* Made by the first statement that adds a row (see above). */
static const char tables[] =
	"CREATE TABLE IF NOT EXISTS sys_users ("
	" name TEXT PRIMARY KEY,"
	" pass_hash TEXT NOT NULL,"
	" admin INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS sys_grants ("
	" user TEXT NOT NULL REFERENCES sys_users(name) ON DELETE CASCADE,"
	" project TEXT NOT NULL,"
	" namespace TEXT NOT NULL,"	/* '' for the whole project */
	" level INTEGER NOT NULL,"
	" PRIMARY KEY (user, project, namespace)"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS sys_apikeys ("
	" id TEXT PRIMARY KEY,"
	" user TEXT NOT NULL REFERENCES sys_users(name) ON DELETE CASCADE,"
	" hash BLOB NOT NULL,"
	" created INTEGER NOT NULL"
	") WITHOUT ROWID;";

/* The secrets' table, made by the first (sqlite/open.c's step 8). */
static const char settings[] =
	"CREATE TABLE IF NOT EXISTS sys_settings ("
	" name TEXT PRIMARY KEY,"
	" value BLOB NOT NULL"
	") WITHOUT ROWID;";

/*
 * Statement which into *q.  While its table is not made, the statements
 * that add a row make it first, and the others give *q NULL, which the
 * helpers below take for no rows.
 */
static enum pd_status
query(struct sqldb *st, int which, sqlite3_stmt **q, char **cause)
{
	int		 secret = which == S_SECRET_GET || which == S_SECRET_PUT;
	int		 adds = which == S_USER_ADD || which == S_GRANT_SET ||
			    which == S_KEY_ADD || which == S_SECRET_PUT;
	enum pd_status	 s;

	s = store_prepare_made(st, queries[which], &st->sec[which],
	    secret ? "sys_settings" : "sys_users",
	    !adds ? NULL : secret ? settings : tables, cause);
	*q = st->sec[which];
	return s;
}

/* Bind NULL-terminated text arguments to ?1, ?2, ... (borrowed). */
static void
bind_texts(sqlite3_stmt *q, const char *a, const char *b, const char *c)
{
	if (q == NULL)
		return;
	if (a != NULL)
		sqlite3_bind_text(q, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(q, 2, b, -1, SQLITE_STATIC);
	if (c != NULL)
		sqlite3_bind_text(q, 3, c, -1, SQLITE_STATIC);
}

/* Run q and report PD_MISS when it changed no row. */
static enum pd_status
run_changes(struct sqldb *st, sqlite3_stmt *q, char **cause)
{
	enum pd_status	 s;

	if (q == NULL)
		return PD_MISS;
	s = store_run(st, q, cause);

	if (s == PD_OK && sqlite3_changes(st->db) == 0)
		return PD_MISS;
	return s;
}

/* Step a one-row query; PD_MISS when it returned no row.  Reset by caller. */
static enum pd_status
step_one(struct sqldb *st, sqlite3_stmt *q, char **cause)
{
	int	 rc;

	if (q == NULL)
		return PD_MISS;
	rc = store_step(st, q);

	if (rc == SQLITE_ROW)
		return PD_OK;
	if (rc == SQLITE_DONE)
		return PD_MISS;
	return store_fail(st, rc, cause);
}

static void
done(sqlite3_stmt *q)
{
	if (q == NULL)
		return;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

enum pd_status
sqlite_user_add(struct store *base, const char *name, const char *hash,
    int admin, long long now, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_USER_ADD, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, name, hash, NULL);
	sqlite3_bind_int(q, 3, admin != 0);
	sqlite3_bind_int64(q, 4, now);
	if ((s = run_changes(st, q, cause)) == PD_MISS) {
		*cause = xasprintf("user '%s' already exists",
		    util_word(name));
		return PD_ERROR;
	}
	return s;
}

enum pd_status
sqlite_user_get(struct store *base, const char *name, struct buf *hash,
    int *admin, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_USER_GET, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, name, NULL, NULL);
	if ((s = step_one(st, q, cause)) == PD_OK) {
		buf_reset(hash);
		buf_adds(hash, (const char *)sqlite3_column_text(q, 0));
		*admin = sqlite3_column_int(q, 1);
	}
	done(q);
	return s;
}

enum pd_status
sqlite_user_set_hash(struct store *base, const char *name, const char *hash,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_USER_HASH, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, name, hash, NULL);
	return run_changes(st, q, cause);
}

enum pd_status
sqlite_user_del(struct store *base, const char *name, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_USER_DEL, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, name, NULL, NULL);
	return run_changes(st, q, cause);
}

static enum pd_status
count(struct sqldb *st, int which, long long *n, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, which, &q, cause)) != PD_OK)
		return s;
	*n = 0;
	if (q != NULL && (s = step_one(st, q, cause)) == PD_OK)
		*n = sqlite3_column_int64(q, 0);
	done(q);
	return s;
}

enum pd_status
sqlite_user_count(struct store *base, long long *n, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return count(st, S_USER_COUNT, n, cause);
}

enum pd_status
sqlite_admin_count(struct store *base, long long *n, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return count(st, S_ADMIN_COUNT, n, cause);
}

static enum pd_status
user_row(const struct store_rows *r, sqlite3_stmt *q)
{
	struct store_user	 u;

	u.name = (const char *)sqlite3_column_text(q, 0);
	u.admin = sqlite3_column_int(q, 1);
	u.created = sqlite3_column_int64(q, 2);
	return ((store_user_fn)r->fn)(r->ctx, &u);
}

enum pd_status
sqlite_users(struct store *base, store_user_fn fn, void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_rows	 r = { (void *)fn, ctx };
	sqlite3_stmt		*q;
	enum pd_status		 s;

	if ((s = query(st, S_USERS, &q, cause)) != PD_OK || q == NULL)
		return s;
	return store_rows(st, q, user_row, &r, cause);
}

enum pd_status
sqlite_grant_set(struct store *base, const struct store_grant *g, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_GRANT_SET, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, g->user, g->project,
	    g->ns);
	sqlite3_bind_int(q, 4, g->level);
	return store_run(st, q, cause);
}

enum pd_status
sqlite_grant_del(struct store *base, const char *user, const char *project,
    const char *ns, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_GRANT_DEL, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, user, project, ns);
	return run_changes(st, q, cause);
}

enum pd_status
sqlite_grant_level(struct store *base, const char *user, const char *project,
    const char *ns, int *level, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	*level = 0;
	if ((s = query(st, S_GRANT_LEVEL, &q, cause)) != PD_OK || q == NULL)
		return s;
	/* A NULL namespace matches only the project-wide grant. */
	bind_texts(q, user, project, ns);
	if ((s = step_one(st, q, cause)) == PD_OK)
		*level = sqlite3_column_int(q, 0);
	done(q);
	return s;
}

enum pd_status
sqlite_grant_in(struct store *base, const char *user, const char *project)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	char		*cause = NULL;
	enum pd_status	 s;

	if ((s = query(st, S_GRANT_IN, &q, &cause)) != PD_OK) {
		free(cause);
		return s;
	}
	bind_texts(q, user, project, NULL);
	s = step_one(st, q, &cause);
	free(cause);
	done(q);
	return s;
}

/* store_grants' rows go to fn with the view's names. */
struct granted {
	const struct sqldb	*st;
	store_grant_fn		 fn;
	void			*ctx;
};

static enum pd_status
grant_row(const struct store_rows *r, sqlite3_stmt *q)
{
	const struct granted	*w = r->ctx;
	struct store_grant	 g;

	g.user = (const char *)sqlite3_column_text(q, 0);
	g.project = store_ctx_out(&w->st->base,
	    (const char *)sqlite3_column_text(q, 1));
	g.ns = (const char *)sqlite3_column_text(q, 2);
	g.level = sqlite3_column_int(q, 3);
	return w->fn(w->ctx, &g);
}

enum pd_status
sqlite_grants(struct store *base, const char *user, store_grant_fn fn,
    void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct granted		 w = { st, fn, ctx };
	struct store_rows	 r = { NULL, &w };
	sqlite3_stmt		*q;
	enum pd_status		 s;

	s = query(st, user != NULL ? S_GRANTS_ONE : S_GRANTS_ALL, &q, cause);
	if (s != PD_OK || q == NULL)
		return s;
	bind_texts(q, user, NULL, NULL);
	store_ctx_range(st, q, 2);
	return store_rows(st, q, grant_row, &r, cause);
}

enum pd_status
sqlite_apikey_add(struct store *base, const char *id, const char *user,
    const void *hash, size_t hlen, long long now, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_KEY_ADD, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, id, user, NULL);
	sqlite3_bind_blob(q, 3, hash, (int)hlen, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, now);
	return store_run(st, q, cause);
}

enum pd_status
sqlite_apikey_get(struct store *base, const char *id, struct buf *user,
    struct buf *hash, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_KEY_GET, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, id, NULL, NULL);
	if ((s = step_one(st, q, cause)) == PD_OK) {
		buf_reset(user);
		buf_adds(user, (const char *)sqlite3_column_text(q, 0));
		buf_reset(hash);
		buf_add(hash, sqlite3_column_blob(q, 1),
		    (size_t)sqlite3_column_bytes(q, 1));
	}
	done(q);
	return s;
}

enum pd_status
sqlite_apikey_del(struct store *base, const char *id, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_KEY_DEL, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, id, NULL, NULL);
	return run_changes(st, q, cause);
}

static enum pd_status
apikey_row(const struct store_rows *r, sqlite3_stmt *q)
{
	struct store_apikey	 k;

	k.id = (const char *)sqlite3_column_text(q, 0);
	k.user = (const char *)sqlite3_column_text(q, 1);
	k.created = sqlite3_column_int64(q, 2);
	return ((store_apikey_fn)r->fn)(r->ctx, &k);
}

enum pd_status
sqlite_apikeys(struct store *base, const char *user, store_apikey_fn fn,
    void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_rows	 r = { (void *)fn, ctx };
	sqlite3_stmt		*q;
	enum pd_status		 s;

	s = query(st, user != NULL ? S_KEYS_ONE : S_KEYS_ALL, &q, cause);
	if (s != PD_OK || q == NULL)
		return s;
	bind_texts(q, user, NULL, NULL);
	return store_rows(st, q, apikey_row, &r, cause);
}

enum pd_status
sqlite_secret(struct store *base, const char *name,
    void (*fill)(void *, size_t), size_t len, struct buf *out, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = query(st, S_SECRET_GET, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, name, NULL, NULL);
	if ((s = step_one(st, q, cause)) == PD_OK) {
		buf_reset(out);
		buf_add(out, sqlite3_column_blob(q, 0),
		    (size_t)sqlite3_column_bytes(q, 0));
	}
	done(q);
	if (s != PD_MISS || fill == NULL)
		return s;
	buf_reset(out);
	buf_add(out, "", 0);
	{
		unsigned char	 raw[64];

		if (len > sizeof(raw))
			len = sizeof(raw);
		fill(raw, len);
		buf_add(out, raw, len);
	}
	if ((s = query(st, S_SECRET_PUT, &q, cause)) != PD_OK)
		return s;
	bind_texts(q, name, NULL, NULL);
	sqlite3_bind_blob(q, 2, out->data, (int)out->len, SQLITE_STATIC);
	return store_run(st, q, cause);
}

enum pd_status
store_grants_drop(struct sqldb *st, const char *project, const char *ns,
    char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	s = query(st, ns != NULL ? S_GRANTS_DROP_NS : S_GRANTS_DROP_P, &q,
	    cause);
	if (s != PD_OK || q == NULL)
		return s;
	bind_texts(q, project, ns, NULL);
	return store_run(st, q, cause);
}
