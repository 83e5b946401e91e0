/*
 * store.c - the public store functions: each one dispatches to the
 * operations table of the backend behind the store (store-be.h), or for a
 * database not open, behind its locator.
 */
#include <stdlib.h>
#include <string.h>

#include "store-be.h"

/*
 * The backends, in the order they are asked whether a locator is theirs;
 * the last one, SQLite, takes names and paths: whatever no other claims.
 */
static const struct store_backend *const backends[] = {
	&store_pg,
	&store_sqlite
};
#define NBACKENDS	(sizeof(backends) / sizeof(backends[0]))

/*
 * Apply the writes the backend queued (SQLite's sorted batches) before
 * an operation reads or changes the keys, their metakeys or what holds
 * them (projects, namespaces, key tables): the one place of that rule,
 * called by those operations below.  Only a plain write (store_set) may
 * queue; the transaction's own ends (commit, a savepoint's end) apply or
 * drop the queue themselves.  Users, grants and API keys, the policy of
 * a namespace and things made by name (a project, a namespace, a table)
 * are no part of the queue: those need no flush, and a stream of sets
 * that asks for them between its writes keeps its writes queued.
 */
static inline enum pd_status
ready(struct store *st, char **cause)
{
	return st->be->flush(st, cause);
}

/*
 * The meta context's translation, once, here: what a backend's operation
 * takes is stored names (store-ctx.c).  A point operation's go into the
 * store's scratch; one that hands rows to a callback, which may call the
 * store, keeps its own.
 */
static inline const struct addr *
addr_in(struct store *st, const struct addr *a)
{
	return store_ctx_addr(st, a, &st->ctx_a[0]);
}

static inline const char *
name_in(struct store *st, const char *project)
{
	return store_ctx_name(st, project, &st->ctx_p[0]);
}

/* Filter f in st's view: a copy in *in, its project's name in tmp. */
static const struct store_filter *
filter_in(struct store *st, const struct store_filter *f,
    struct store_filter *in, struct buf *tmp)
{
	*in = *f;
	if (in->mode[0] != STORE_ANY)
		in->text[0] = store_ctx_name(st, f->text[0], tmp);
	return in;
}

/* The backend of the data directory's names. */
#define NAMES_BACKEND	(backends[NBACKENDS - 1])

/* The backend that claims text: the last one takes the rest. */
static const struct store_backend *
claimer(const char *text)
{
	size_t	 i;

	for (i = 0; i + 1 < NBACKENDS; i++)
		if (backends[i]->claims(text))
			return backends[i];
	return NAMES_BACKEND;
}

/*
 * The backend of the place's names: its server's, when it has one.  A
 * name ending ".db" stays a file, as a path does.
 */
static const struct store_backend *
names_backend(const struct store_place *place, const char *text)
{
	size_t	 n = text != NULL ? strlen(text) : 0;

	if (place->server == NULL || (text != NULL &&
	    (strchr(text, '/') != NULL ||
	    (n >= 3 && strcmp(text + n - 3, ".db") == 0))))
		return NAMES_BACKEND;
	return claimer(place->server);
}

enum pd_status
store_locate(const struct store_place *place, const char *text,
    struct store_loc *loc, char **cause)
{
	const struct store_backend	*be = claimer(text);
	enum pd_status			 s;

	if (be == NAMES_BACKEND)
		be = names_backend(place, text);
	memset(loc, 0, sizeof(*loc));
	if ((s = be->locate(place, text, loc, cause)) != PD_OK) {
		store_loc_free(loc);
		return s;
	}
	loc->be = be;
	return PD_OK;
}

int
store_is_server(const char *text)
{
	return claimer(text) != NAMES_BACKEND;
}

char *
store_shown(const char *text)
{
	const struct store_backend	*be = claimer(text);

	return be->shown != NULL ? be->shown(text) : xstrdup(text);
}

void
store_loc_free(struct store_loc *loc)
{
	free(loc->id);
	free(loc->name);
	memset(loc, 0, sizeof(*loc));
}

int
store_exists(const struct store_loc *loc)
{
	return loc->be->exists(loc);
}

int
store_same(const struct store_loc *a, const struct store_loc *b)
{
	return a->be == b->be && a->be->same(a, b);
}

enum pd_status
store_open(const struct store_loc *loc, int busy_ms, int create,
    struct store **out, char **cause)
{
	return loc->be->open(loc, busy_ms, create, out, cause);
}

enum pd_status
store_list(const struct store_place *place,
    enum pd_status (*fn)(void *, const char *), void *ctx, char **cause)
{
	return names_backend(place, NULL)->list(place, fn, ctx, cause);
}

struct names {
	char	**v;
	size_t	  n;
};

static enum pd_status
add_name(void *ctx, const char *name)
{
	struct names	*l = ctx;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(name);
	return PD_OK;
}

enum pd_status
store_list_names(const struct store_place *place, char ***v, size_t *n,
    char **cause)
{
	struct names	 l = { NULL, 0 };
	enum pd_status	 s;

	s = store_list(place, add_name, &l, cause);
	*v = l.v;
	*n = l.n;
	return s;
}

enum pd_status
store_create(const struct store_loc *loc, int busy_ms, char **cause)
{
	return loc->be->create(loc, busy_ms, cause);
}

enum pd_status
store_drop(const struct store_loc *loc, char **cause)
{
	return loc->be->drop(loc, cause);
}

enum pd_status
store_rename(const struct store_loc *from, const struct store_loc *to,
    int busy_ms, char **cause)
{
	if (from->be != to->be) {
		*cause = xasprintf("cannot rename a database of %s to %s",
		    from->be->name, to->be->name);
		return PD_ERROR;
	}
	return from->be->rename(from, to, busy_ms, cause);
}

enum pd_status
store_describe(const struct store_loc *loc, store_fact_fn fn, void *ctx,
    char **cause)
{
	return loc->be->describe(loc, fn, ctx, cause);
}

const char *
store_backup_ext(const struct store_loc *loc)
{
	return loc->be->backup_ext;
}

enum pd_status
store_backup_check(const struct store_loc *loc, const char *file,
    char **cause)
{
	return loc->be->backup_check(loc, file, cause);
}

enum pd_status
store_restore(const struct store_loc *loc, const char *from,
    const char *safety, int busy_ms, char **cause)
{
	return loc->be->restore(loc, from, safety, busy_ms, cause);
}

enum pd_status
store_check_at(const struct store_loc *loc, int busy_ms,
    void (*fn)(void *, const char *), void *ctx, char **cause)
{
	return loc->be->check_at(loc, busy_ms, fn, ctx, cause);
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->be->close(st);
}

void
store_set_durable(struct store *st, int full)
{
	st->be->set_durable(st, full);
}

enum pd_status
store_backup(struct store *st, const char *file, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->backup(st, file, cause);
}

enum pd_status
store_check(struct store *st, void (*fn)(void *, const char *), void *ctx,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->check(st, fn, ctx, cause);
}

enum pd_status
store_begin(struct store *st, char **cause)
{
	return st->be->begin(st, cause);
}

enum pd_status
store_begin_load(struct store *st, char **cause)
{
	return st->be->begin_load != NULL ? st->be->begin_load(st, cause) :
	    st->be->begin(st, cause);
}

enum pd_status
store_commit(struct store *st, char **cause)
{
	return st->be->commit(st, cause);
}

void
store_rollback(struct store *st)
{
	st->be->rollback(st);
}

int
store_in_tx(const struct store *st)
{
	return st->be->in_tx(st);
}

enum pd_status
store_snapshot(struct store *st, char **cause)
{
	return st->be->snapshot != NULL ? st->be->snapshot(st, cause) : PD_OK;
}

void
store_snapshot_end(struct store *st)
{
	if (st->be->snapshot_end != NULL)
		st->be->snapshot_end(st);
}

int
store_tx_lost(const struct store *st)
{
	return st->be->tx_lost(st);
}

enum pd_status
store_savepoint(struct store *st, const char *name, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->savepoint(st, name, cause);
}

enum pd_status
store_savepoint_end(struct store *st, const char *name, int keep, char **cause)
{
	return st->be->savepoint_end(st, name, keep, cause);
}

enum pd_status
store_set(struct store *st, const struct addr *a, const void *val, size_t len,
    long long now_ms, long long expires, char **cause)
{
	return st->be->set(st, addr_in(st, a), val, len, now_ms, expires,
	    cause);
}

enum pd_status
store_set_if(struct store *st, const struct addr *a, const void *val,
    size_t len, long long now_ms, long long expires, long long version,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->set_if(st, addr_in(st, a), val, len, now_ms, expires,
	    version, cause);
}

enum pd_status
store_expire(struct store *st, const struct addr *a, long long expires,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->expire(st, addr_in(st, a), expires, cause);
}

enum pd_status
store_purge(struct store *st, const char *project, const char *ns,
    long long limit, long long *count, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->purge(st, name_in(st, project), ns, limit, count, cause);
}

enum pd_status
store_info(struct store *st, const struct addr *a, struct store_info *info,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->info(st, addr_in(st, a), info, cause);
}

enum pd_status
store_get_any(struct store *st, const struct addr *a, int expired,
    struct buf *val, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->get_any(st, addr_in(st, a), expired, val, cause);
}

enum pd_status
store_get_with(struct store *st, const struct addr *a, int expired,
    store_value_fn fn, void *ctx, char **cause)
{
	enum pd_status	 s;
	struct buf	 val;

	if ((s = ready(st, cause)) != PD_OK)
		return s;
	a = addr_in(st, a);
	if (st->be->get_with != NULL)
		return st->be->get_with(st, a, expired, fn, ctx, cause);
	/* A backend that cannot lend a value: through a buffer. */
	buf_init(&val);
	s = st->be->get_any(st, a, expired, &val, cause);
	if (s == PD_OK && fn != NULL)
		s = fn(ctx, val.data != NULL ? val.data : "", val.len);
	buf_release(&val);
	return s;
}

enum pd_status
store_get(struct store *st, const struct addr *a, struct buf *val,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->get(st, addr_in(st, a), val, cause);
}

long long
store_read_revision(const struct store *st)
{
	return st->be->read_revision(st);
}

enum pd_status
store_del(struct store *st, const struct addr *a, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->del(st, addr_in(st, a), cause);
}

enum pd_status
store_copy(struct store *st, const struct addr *src, const struct addr *dst,
    int move, long long now, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->copy(st, addr_in(st, src),
	    store_ctx_addr(st, dst, &st->ctx_a[1]), move, now, cause);
}

enum pd_status
store_scan(struct store *st, const struct store_filter *f, int flags,
    store_row_fn fn, void *ctx, char **cause)
{
	struct store_filter	 in;
	struct buf		 tmp;
	enum pd_status		 s;

	buf_init(&tmp);
	if ((s = ready(st, cause)) == PD_OK)
		s = st->be->scan(st, filter_in(st, f, &in, &tmp), flags, fn,
		    ctx, cause);
	buf_release(&tmp);
	return s;
}

enum pd_status
store_keys_hold(struct store *st, char c, int *found, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->keys_hold(st, c, found, cause);
}

enum pd_status
store_del_many(struct store *st, const struct store_filter *f, store_row_fn fn,
    void *ctx, long long *count, char **cause)
{
	struct store_filter	 in;
	struct buf		 tmp;
	enum pd_status		 s;

	buf_init(&tmp);
	if ((s = ready(st, cause)) == PD_OK)
		s = st->be->del_many(st, filter_in(st, f, &in, &tmp), fn, ctx,
		    count, cause);
	buf_release(&tmp);
	return s;
}

void
store_set_retention(struct store *st, long long keep_revs, long long keep_ms)
{
	st->be->set_retention(st, keep_revs, keep_ms);
}

enum pd_status
store_revision(struct store *st, long long *rev, char **cause)
{
	return st->be->revision(st, rev, cause);
}

enum pd_status
store_changes(struct store *st, long long after, long long limit,
    store_change_fn fn, void *ctx, long long *last, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->changes(st, after, limit, fn, ctx, last, cause);
}

enum pd_status
store_watch_open(struct store *st, struct store_watch **out, char **cause)
{
	return st->be->watch_open(st, out, cause);
}

enum pd_status
store_watch_wait(struct store_watch *w, long long timeout_ms, char **cause)
{
	return w->st->be->watch_wait(w, timeout_ms, cause);
}

void
store_watch_close(struct store_watch *w)
{
	if (w != NULL)
		w->st->be->watch_close(w);
}

enum pd_status
store_next_expiry(struct store *st, const struct store_filter *f,
    long long after, long long *when, char **cause)
{
	struct store_filter	 in;
	struct buf		 tmp;
	enum pd_status		 s;

	buf_init(&tmp);
	if ((s = ready(st, cause)) == PD_OK)
		s = st->be->next_expiry(st, filter_in(st, f, &in, &tmp), after,
		    when, cause);
	buf_release(&tmp);
	return s;
}

enum pd_status
store_lock_take(struct store *st, struct store_watch *w, long long until,
    const struct addr *a, const char *token, long long now, long long expires,
    long long *retry, char **cause)
{
	struct addr	 tmp;
	enum pd_status	 s;

	memset(&tmp, 0, sizeof(tmp));
	s = st->be->lock_take(st, w, until, store_ctx_addr(st, a, &tmp), token,
	    now, expires, retry, cause);
	addr_release(&tmp);
	return s;
}

void
store_lock_leave(struct store *st, struct store_watch *w)
{
	st->be->lock_leave(st, w);
}

enum pd_status
store_unlock(struct store *st, const struct addr *a, const char *token,
    char **cause)
{
	struct addr	 tmp;
	enum pd_status	 s;

	memset(&tmp, 0, sizeof(tmp));
	s = st->be->unlock(st, store_ctx_addr(st, a, &tmp), token, cause);
	addr_release(&tmp);
	return s;
}

enum pd_status
store_lock_refresh(struct store *st, const struct addr *a, const char *token,
    long long expires, char **cause)
{
	struct addr	 tmp;
	enum pd_status	 s;

	memset(&tmp, 0, sizeof(tmp));
	s = st->be->lock_refresh(st, store_ctx_addr(st, a, &tmp), token,
	    expires, cause);
	addr_release(&tmp);
	return s;
}

enum pd_status
store_project_create(struct store *st, const char *name,
    const char *description, long long now, char **cause)
{
	return st->be->project_create(st, name_in(st, name), description, now,
	    cause);
}

enum pd_status
store_projects(struct store *st, const char *name, store_object_fn fn,
    void *ctx, char **cause)
{
	struct buf	 tmp;
	enum pd_status	 s;

	buf_init(&tmp);
	if ((s = ready(st, cause)) == PD_OK)
		s = st->be->projects(st, store_ctx_name(st, name, &tmp), fn,
		    ctx, cause);
	buf_release(&tmp);
	return s;
}

enum pd_status
store_projects_elsewhere(struct store *st, long long *n, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->projects_elsewhere(st, n, cause);
}

enum pd_status
store_project_drop(struct store *st, const char *name, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->project_drop(st, name_in(st, name), cause);
}

enum pd_status
store_ns_policy(struct store *st, const char *project, const char *ns,
    long long ttl_ms, long long max_items, int apply_all, long long now,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->ns_policy(st, name_in(st, project), ns, ttl_ms, max_items,
	    apply_all, now, cause);
}

enum pd_status
store_ns_limits(struct store *st, const char *project, const char *ns,
    long long *ttl_ms, long long *max_items, char **cause)
{
	return st->be->ns_limits(st, name_in(st, project), ns, ttl_ms,
	    max_items, cause);
}

enum pd_status
store_ns_create(struct store *st, const char *project, const char *ns,
    const char *description, long long now, char **cause)
{
	return st->be->ns_create(st, name_in(st, project), ns, description,
	    now, cause);
}

enum pd_status
store_namespaces(struct store *st, const char *project, const char *ns,
    store_object_fn fn, void *ctx, char **cause)
{
	struct buf	 tmp;
	enum pd_status	 s;

	buf_init(&tmp);
	if ((s = ready(st, cause)) == PD_OK)
		s = st->be->namespaces(st, store_ctx_name(st, project, &tmp),
		    ns, fn, ctx, cause);
	buf_release(&tmp);
	return s;
}

enum pd_status
store_ns_drop(struct store *st, const char *project, const char *ns,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->ns_drop(st, name_in(st, project), ns, cause);
}

enum pd_status
store_objects(struct store *st, int ns, store_object_fn fn, void *ctx,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->objects(st, ns, fn, ctx, cause);
}

enum pd_status
store_table_create(struct store *st, const char *name, long long now,
    char **cause)
{
	return st->be->table_create(st, name, now, cause);
}

enum pd_status
store_table_drop(struct store *st, const char *name, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->table_drop(st, name, cause);
}

enum pd_status
store_tables(struct store *st, store_table_fn fn, void *ctx, char **cause)
{
	return st->be->tables(st, fn, ctx, cause);
}

enum pd_status
store_table_info(struct store *st, const char *name, long long *rows,
    long long *bytes, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->table_info(st, name, rows, bytes, cause);
}

enum pd_status
store_table_mapped(struct store *st, const char *name, store_ns_fn fn,
    void *ctx, char **cause)
{
	return st->be->table_mapped(st, name, fn, ctx, cause);
}

enum pd_status
store_ns_move(struct store *st, const char *project, const char *ns,
    const char *table, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->ns_move(st, name_in(st, project), ns, table, cause);
}

enum pd_status
store_ns_clear(struct store *st, const char *project, const char *ns,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->ns_clear(st, name_in(st, project), ns, cause);
}

enum pd_status
store_meta_set(struct store *st, const struct addr *a, const char *name,
    const void *val, size_t len, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->meta_set(st, addr_in(st, a), name, val, len, cause);
}

enum pd_status
store_meta_get(struct store *st, const struct addr *a, const char *name,
    struct buf *val, char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->meta_get(st, addr_in(st, a), name, val, cause);
}

enum pd_status
store_meta_del(struct store *st, const struct addr *a, const char *name,
    char **cause)
{
	enum pd_status	 s;

	return (s = ready(st, cause)) != PD_OK ? s :
	    st->be->meta_del(st, addr_in(st, a), name, cause);
}

enum pd_status
store_meta_list(struct store *st, const struct addr *a, store_meta_fn fn,
    void *ctx, char **cause)
{
	struct addr	 tmp;
	enum pd_status	 s;

	memset(&tmp, 0, sizeof(tmp));
	if ((s = ready(st, cause)) == PD_OK)
		s = st->be->meta_list(st, store_ctx_addr(st, a, &tmp), fn, ctx,
		    cause);
	addr_release(&tmp);
	return s;
}

enum pd_status
store_user_add(struct store *st, const char *name, const char *hash, int admin,
    long long now, char **cause)
{
	return st->be->user_add(st, name, hash, admin, now, cause);
}

enum pd_status
store_user_get(struct store *st, const char *name, struct buf *hash,
    int *admin, char **cause)
{
	return st->be->user_get(st, name, hash, admin, cause);
}

enum pd_status
store_user_set_hash(struct store *st, const char *name, const char *hash,
    char **cause)
{
	return st->be->user_set_hash(st, name, hash, cause);
}

enum pd_status
store_user_del(struct store *st, const char *name, char **cause)
{
	return st->be->user_del(st, name, cause);
}

enum pd_status
store_user_count(struct store *st, long long *n, char **cause)
{
	return st->be->user_count(st, n, cause);
}

enum pd_status
store_admin_count(struct store *st, long long *n, char **cause)
{
	return st->be->admin_count(st, n, cause);
}

enum pd_status
store_users(struct store *st, store_user_fn fn, void *ctx, char **cause)
{
	return st->be->users(st, fn, ctx, cause);
}

enum pd_status
store_grant_set(struct store *st, const struct store_grant *g, char **cause)
{
	struct store_grant	 in = *g;

	in.project = name_in(st, g->project);
	return st->be->grant_set(st, &in, cause);
}

enum pd_status
store_grant_del(struct store *st, const char *user, const char *project,
    const char *ns, char **cause)
{
	return st->be->grant_del(st, user, name_in(st, project), ns, cause);
}

enum pd_status
store_grant_level(struct store *st, const char *user, const char *project,
    const char *ns, int *level, char **cause)
{
	return st->be->grant_level(st, user, name_in(st, project), ns, level,
	    cause);
}

enum pd_status
store_grant_in(struct store *st, const char *user, const char *project)
{
	return st->be->grant_in(st, user, name_in(st, project));
}

enum pd_status
store_grants(struct store *st, const char *user, store_grant_fn fn, void *ctx,
    char **cause)
{
	return st->be->grants(st, user, fn, ctx, cause);
}

enum pd_status
store_apikey_add(struct store *st, const char *id, const char *user,
    const void *hash, size_t hlen, long long now, char **cause)
{
	return st->be->apikey_add(st, id, user, hash, hlen, now, cause);
}

enum pd_status
store_apikey_get(struct store *st, const char *id, struct buf *user,
    struct buf *hash, char **cause)
{
	return st->be->apikey_get(st, id, user, hash, cause);
}

enum pd_status
store_apikey_del(struct store *st, const char *id, char **cause)
{
	return st->be->apikey_del(st, id, cause);
}

enum pd_status
store_apikeys(struct store *st, const char *user, store_apikey_fn fn,
    void *ctx, char **cause)
{
	return st->be->apikeys(st, user, fn, ctx, cause);
}

enum pd_status
store_secret(struct store *st, const char *name, void (*fill)(void *, size_t),
    size_t len, struct buf *out, char **cause)
{
	return st->be->secret(st, name, fill, len, out, cause);
}
