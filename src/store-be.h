/*
 * store-be.h - what a storage backend implements behind store.h.
 *
 * store.h is the one contract the engine and the verbs see; each backend
 * is an operations table (struct store_backend) in its own folder, like
 * git's refs/files-backend.c behind struct ref_storage_be or SQLite's
 * VFS.  The public store_* functions (store.c) dispatch through the
 * table of the store they are given, or, for a database not open, of
 * the backend its locator chose (store_locate asks each backend's claims
 * in turn; the last, SQLite, takes names and paths).  Adding a backend
 * is its folder, its table and one line in store.c's list of backends:
 * the engine and the verbs do not change.
 *
 * A backend's store begins with struct store, the common part, and goes
 * on with its private part: the backend converts the struct store * it
 * is handed into its own type (sqlite_of in sqlite/int.h for struct
 * sqldb).  A watch (store_watch_open) likewise begins with struct
 * store_watch.
 *
 * Each operation has the contract of the store.h function of the same
 * name (store_get for .get).  Three rules are kept by the dispatch, once,
 * not by each operation: the writes a backend queues (.flush, SQLite's
 * sorted batches) are applied before any operation that reads or changes
 * what is stored; the projects and addresses an operation takes are
 * already the meta context's stored names (store-ctx.c); and a database
 * is reached only through its locator.  What a backend still does for
 * the meta context: keep its listings to the view's range of stored
 * projects (st->ctx .. st->ctx_end, or from " " outside any context) and
 * hand projects out as the session names them (store_ctx_out).
 */
#ifndef PRONTO_STORE_BE_H
#define PRONTO_STORE_BE_H

#include "store.h"

struct store_backend;

/* The common part of every backend's store. */
struct store {
	const struct store_backend *be;
	/* The meta context (store-ctx.c): ORG's projects are CTX_MARK ORG
	   CTX_MARK project in the database. */
	char		*ctx;		/* the prefix, or NULL */
	char		*ctx_end;	/* the end of its range of projects */
	size_t		 ctxlen;
	/*
	 * Stored names of a point operation's arguments (store.c).  One that
	 * hands rows to a callback, which may call the store, keeps its
	 * stored names in locals instead.
	 */
	struct addr	 ctx_a[2];
	struct buf	 ctx_p[2];
};

/* The common part of every backend's watch. */
struct store_watch {
	struct store	*st;		/* the store watched: its backend */
};

struct store_backend {
	const char	*name;
	/*
	 * The life of a database, by locator.  claims says whether text is
	 * one of this backend's locators (the last backend takes the rest);
	 * locate fills loc->id, name and named (store_locate sets be).
	 */
	int		(*claims)(const char *text);
	/* A copy of text, one of its locators, as shown (NULL: as is). */
	char		*(*shown)(const char *text);
	enum pd_status	(*locate)(const struct store_place *, const char *text,
			    struct store_loc *, char **cause);
	int		(*exists)(const struct store_loc *);
	int		(*same)(const struct store_loc *,
			    const struct store_loc *);
	enum pd_status	(*open)(const struct store_loc *, int busy_ms,
			    int create, struct store **, char **cause);
	enum pd_status	(*list)(const struct store_place *,
			    enum pd_status (*fn)(void *, const char *), void *,
			    char **cause);
	enum pd_status	(*create)(const struct store_loc *, int busy_ms,
			    char **cause);
	enum pd_status	(*drop)(const struct store_loc *, char **cause);
	enum pd_status	(*rename)(const struct store_loc *,
			    const struct store_loc *, int busy_ms,
			    char **cause);
	enum pd_status	(*describe)(const struct store_loc *, store_fact_fn,
			    void *, char **cause);
	const char	*backup_ext;
	enum pd_status	(*backup_check)(const struct store_loc *,
			    const char *file, char **cause);
	enum pd_status	(*restore)(const struct store_loc *, const char *from,
			    const char *safety, int busy_ms, char **cause);
	enum pd_status	(*check_at)(const struct store_loc *, int busy_ms,
			    void (*fn)(void *, const char *), void *,
			    char **cause);

	/*
	 * Apply the writes the backend holds back (a queue of sorted
	 * writes): the dispatch calls it before every operation that reads
	 * or changes what is stored, so no operation needs to; only
	 * store_set may queue, and commit and savepoint_end deal with the
	 * queue themselves.  A failure there has rolled the transaction
	 * back (store_tx_lost).  A backend without a queue gives one that
	 * returns PD_OK.
	 */
	enum pd_status	(*flush)(struct store *st, char **cause);

	/* A store's operations: the contracts of store.h. */
	void		(*close)(struct store *st);
	void		(*set_durable)(struct store *st, int full);
	enum pd_status	(*backup)(struct store *st, const char *file,
			    char **cause);
	enum pd_status	(*check)(struct store *st,
			    void (*fn)(void *, const char *), void *ctx,
			    char **cause);
	enum pd_status	(*begin)(struct store *st, char **cause);
	/* NULL for a backend with no faster way to load: begin is used. */
	enum pd_status	(*begin_load)(struct store *st, char **cause);
	enum pd_status	(*commit)(struct store *st, char **cause);
	void		(*rollback)(struct store *st);
	int		(*in_tx)(const struct store *st);
	/* NULL for a backend whose reads take no snapshot: no-ops. */
	enum pd_status	(*snapshot)(struct store *st, char **cause);
	void		(*snapshot_end)(struct store *st);
	int		(*tx_lost)(const struct store *st);
	enum pd_status	(*savepoint)(struct store *st, const char *name,
			    char **cause);
	enum pd_status	(*savepoint_end)(struct store *st, const char *name,
			    int keep, char **cause);
	enum pd_status	(*set)(struct store *st, const struct addr *a,
			    const void *val, size_t len, long long now_ms,
			    long long expires, char **cause);
	enum pd_status	(*set_if)(struct store *st, const struct addr *a,
			    const void *val, size_t len, long long now_ms,
			    long long expires, long long version,
			    char **cause);
	enum pd_status	(*expire)(struct store *st, const struct addr *a,
			    long long expires, char **cause);
	enum pd_status	(*purge)(struct store *st, const char *project,
			    const char *ns, long long limit, long long *count,
			    char **cause);
	enum pd_status	(*info)(struct store *st, const struct addr *a,
			    struct store_info *info, char **cause);
	enum pd_status	(*get_any)(struct store *st, const struct addr *a,
			    int expired, struct buf *val, char **cause);
	enum pd_status	(*get)(struct store *st, const struct addr *a,
			    struct buf *val, char **cause);
	/* May be NULL: store_get_with then reads through get_any. */
	enum pd_status	(*get_with)(struct store *st, const struct addr *a,
			    int expired, store_value_fn fn, void *ctx,
			    char **cause);
	long long	(*read_revision)(const struct store *st);
	enum pd_status	(*del)(struct store *st, const struct addr *a,
			    char **cause);
	enum pd_status	(*copy)(struct store *st, const struct addr *src,
			    const struct addr *dst, int move, long long now,
			    char **cause);
	enum pd_status	(*scan)(struct store *st, const struct store_filter *f,
			    int flags, store_row_fn fn, void *ctx,
			    char **cause);
	enum pd_status	(*keys_hold)(struct store *st, char c, int *found,
			    char **cause);
	enum pd_status	(*del_many)(struct store *st,
			    const struct store_filter *f, store_row_fn fn,
			    void *ctx, long long *count, char **cause);
	void		(*set_retention)(struct store *st, long long keep_revs,
			    long long keep_ms);
	enum pd_status	(*revision)(struct store *st, long long *rev,
			    char **cause);
	enum pd_status	(*changes)(struct store *st, long long after,
			    long long limit, store_change_fn fn, void *ctx,
			    long long *last, char **cause);
	enum pd_status	(*watch_open)(struct store *st,
			    struct store_watch **out, char **cause);
	enum pd_status	(*watch_wait)(struct store_watch *w,
			    long long timeout_ms, char **cause);
	void		(*watch_close)(struct store_watch *w);
	enum pd_status	(*next_expiry)(struct store *st,
			    const struct store_filter *f, long long after,
			    long long *when, char **cause);
	enum pd_status	(*lock_take)(struct store *st, struct store_watch *w,
			    long long until, const struct addr *a,
			    const char *token, long long now,
			    long long expires, long long *retry, char **cause);
	void		(*lock_leave)(struct store *st, struct store_watch *w);
	enum pd_status	(*unlock)(struct store *st, const struct addr *a,
			    const char *token, char **cause);
	enum pd_status	(*lock_refresh)(struct store *st, const struct addr *a,
			    const char *token, long long expires,
			    char **cause);
	enum pd_status	(*project_create)(struct store *st, const char *name,
			    const char *description, long long now,
			    char **cause);
	enum pd_status	(*projects)(struct store *st, const char *name,
			    store_object_fn fn, void *ctx, char **cause);
	enum pd_status	(*projects_elsewhere)(struct store *st, long long *n,
			    char **cause);
	enum pd_status	(*project_drop)(struct store *st, const char *name,
			    char **cause);
	enum pd_status	(*ns_policy)(struct store *st, const char *project,
			    const char *ns, long long ttl_ms,
			    long long max_items, int apply_all, long long now,
			    char **cause);
	enum pd_status	(*ns_limits)(struct store *st, const char *project,
			    const char *ns, long long *ttl_ms,
			    long long *max_items, char **cause);
	enum pd_status	(*ns_create)(struct store *st, const char *project,
			    const char *ns, const char *description,
			    long long now, char **cause);
	enum pd_status	(*namespaces)(struct store *st, const char *project,
			    const char *ns, store_object_fn fn, void *ctx,
			    char **cause);
	enum pd_status	(*ns_drop)(struct store *st, const char *project,
			    const char *ns, char **cause);
	enum pd_status	(*objects)(struct store *st, int ns,
			    store_object_fn fn, void *ctx, char **cause);
	enum pd_status	(*table_create)(struct store *st, const char *name,
			    long long now, char **cause);
	enum pd_status	(*table_drop)(struct store *st, const char *name,
			    char **cause);
	enum pd_status	(*tables)(struct store *st, store_table_fn fn,
			    void *ctx, char **cause);
	enum pd_status	(*table_info)(struct store *st, const char *name,
			    long long *rows, long long *bytes, char **cause);
	enum pd_status	(*table_mapped)(struct store *st, const char *name,
			    store_ns_fn fn, void *ctx, char **cause);
	enum pd_status	(*ns_move)(struct store *st, const char *project,
			    const char *ns, const char *table, char **cause);
	enum pd_status	(*ns_clear)(struct store *st, const char *project,
			    const char *ns, char **cause);
	enum pd_status	(*meta_set)(struct store *st, const struct addr *a,
			    const char *name, const void *val, size_t len,
			    char **cause);
	enum pd_status	(*meta_get)(struct store *st, const struct addr *a,
			    const char *name, struct buf *val, char **cause);
	enum pd_status	(*meta_del)(struct store *st, const struct addr *a,
			    const char *name, char **cause);
	enum pd_status	(*meta_list)(struct store *st, const struct addr *a,
			    store_meta_fn fn, void *ctx, char **cause);
	enum pd_status	(*user_add)(struct store *st, const char *name,
			    const char *hash, int admin, long long now,
			    char **cause);
	enum pd_status	(*user_get)(struct store *st, const char *name,
			    struct buf *hash, int *admin, char **cause);
	enum pd_status	(*user_set_hash)(struct store *st, const char *name,
			    const char *hash, char **cause);
	enum pd_status	(*user_del)(struct store *st, const char *name,
			    char **cause);
	enum pd_status	(*user_count)(struct store *st, long long *n,
			    char **cause);
	enum pd_status	(*admin_count)(struct store *st, long long *n,
			    char **cause);
	enum pd_status	(*users)(struct store *st, store_user_fn fn, void *ctx,
			    char **cause);
	enum pd_status	(*grant_set)(struct store *st,
			    const struct store_grant *g, char **cause);
	enum pd_status	(*grant_del)(struct store *st, const char *user,
			    const char *project, const char *ns, char **cause);
	enum pd_status	(*grant_level)(struct store *st, const char *user,
			    const char *project, const char *ns, int *level,
			    char **cause);
	enum pd_status	(*grant_in)(struct store *st, const char *user,
			    const char *project);
	enum pd_status	(*grants)(struct store *st, const char *user,
			    store_grant_fn fn, void *ctx, char **cause);
	enum pd_status	(*apikey_add)(struct store *st, const char *id,
			    const char *user, const void *hash, size_t hlen,
			    long long now, char **cause);
	enum pd_status	(*apikey_get)(struct store *st, const char *id,
			    struct buf *user, struct buf *hash, char **cause);
	enum pd_status	(*apikey_del)(struct store *st, const char *id,
			    char **cause);
	enum pd_status	(*apikeys)(struct store *st, const char *user,
			    store_apikey_fn fn, void *ctx, char **cause);
	enum pd_status	(*secret)(struct store *st, const char *name,
			    void (*fill)(void *, size_t), size_t len,
			    struct buf *out, char **cause);
};

/*
 * The meta context (store-ctx.c): in one, a project is stored as CTX_MARK
 * ORG CTX_MARK project.  A backend's open calls store_ctx_open, which
 * takes the process's context (store_context), and its close
 * store_ctx_close.
 */
#define CTX_MARK	'\x1f'
void		store_ctx_open(struct store *);
void		store_ctx_close(struct store *);
/*
 * A project, or an address, as stored in this store's view: the same
 * pointer when it is stored already (or there is no context), else the
 * prefixed name in tmp (which the caller releases).
 */
const char	*store_ctx_name(const struct store *, const char *project,
		    struct buf *tmp);
const struct addr *store_ctx_addr(const struct store *, const struct addr *,
		    struct addr *tmp);
/* A stored project (of this view) as the session names it. */
const char	*store_ctx_out(const struct store *, const char *project);
/* PD_ERROR with *cause in a meta context: key tables are everyone's. */
enum pd_status	store_ctx_shared(const struct store *, char **cause);

/* The SQLite backend (sqlite/be.c): one database file per database. */
extern const struct store_backend store_sqlite;
/* The PostgreSQL backend (pg/be.c): a database is a schema on a server. */
extern const struct store_backend store_pg;

#endif
