/*
 * sqlite/ops.h - the SQLite backend's operations, for its table
 * (sqlite/be.c).  Each has the contract of the store.h function of
 * the same name with store_ for sqlite_.  Private to src/sqlite.
 */
#ifndef PRONTO_STORE_SQLITE_H
#define PRONTO_STORE_SQLITE_H

#include "store-be.h"

/* The life of a database (sqlite/life.c). */
int		sqlite_claims(const char *text);
enum pd_status	sqlite_locate(const struct store_place *, const char *text,
		    struct store_loc *, char **cause);
int		sqlite_exists(const struct store_loc *);
int		sqlite_same(const struct store_loc *, const struct store_loc *);
enum pd_status	sqlite_open(const struct store_loc *, int busy_ms, int create,
		    struct store **, char **cause);
enum pd_status	sqlite_list(const struct store_place *,
		    enum pd_status (*fn)(void *, const char *), void *,
		    char **cause);
enum pd_status	sqlite_create(const struct store_loc *, int busy_ms,
		    char **cause);
enum pd_status	sqlite_drop(const struct store_loc *, char **cause);
enum pd_status	sqlite_rename(const struct store_loc *,
		    const struct store_loc *, int busy_ms, char **cause);
enum pd_status	sqlite_describe(const struct store_loc *, store_fact_fn,
		    void *, char **cause);
enum pd_status	sqlite_backup_check(const struct store_loc *,
		    const char *file, char **cause);
enum pd_status	sqlite_restore(const struct store_loc *, const char *from,
		    const char *safety, int busy_ms, char **cause);
enum pd_status	sqlite_check_at(const struct store_loc *, int busy_ms,
		    void (*fn)(void *, const char *), void *, char **cause);

/* A store's operations. */
enum pd_status	sqlite_flush(struct store *, char **cause);
void		sqlite_close(struct store *base);
void		sqlite_set_durable(struct store *base, int full);
enum pd_status	sqlite_backup(struct store *base, const char *file,
		    char **cause);
enum pd_status	sqlite_check(struct store *base,
		    void (*fn)(void *, const char *), void *ctx, char **cause);
enum pd_status	sqlite_begin(struct store *base, char **cause);
enum pd_status	sqlite_begin_load(struct store *base, char **cause);
enum pd_status	sqlite_commit(struct store *base, char **cause);
void		sqlite_rollback(struct store *base);
int		sqlite_in_tx(const struct store *base);
enum pd_status	sqlite_snapshot(struct store *base, char **cause);
void		sqlite_snapshot_end(struct store *base);
int		sqlite_tx_lost(const struct store *base);
enum pd_status	sqlite_savepoint(struct store *base, const char *name,
		    char **cause);
enum pd_status	sqlite_savepoint_end(struct store *base, const char *name,
		    int keep, char **cause);
enum pd_status	sqlite_set(struct store *base, const struct addr *a,
		    const void *val, size_t len, long long now_ms,
		    long long expires, char **cause);
enum pd_status	sqlite_set_if(struct store *base, const struct addr *a,
		    const void *val, size_t len, long long now_ms,
		    long long expires, long long version, char **cause);
enum pd_status	sqlite_expire(struct store *base, const struct addr *a,
		    long long expires, char **cause);
enum pd_status	sqlite_purge(struct store *base, const char *project,
		    const char *ns, long long limit, long long *count,
		    char **cause);
enum pd_status	sqlite_info(struct store *base, const struct addr *a,
		    struct store_info *info, char **cause);
enum pd_status	sqlite_get_with(struct store *base, const struct addr *a,
		    int expired, store_value_fn fn, void *ctx, char **cause);
enum pd_status	sqlite_get_any(struct store *base, const struct addr *a,
		    int expired, struct buf *val, char **cause);
enum pd_status	sqlite_get(struct store *base, const struct addr *a,
		    struct buf *val, char **cause);
long long	sqlite_read_revision(const struct store *base);
enum pd_status	sqlite_del(struct store *base, const struct addr *a,
		    char **cause);
enum pd_status	sqlite_copy(struct store *base, const struct addr *src,
		    const struct addr *dst, int move, long long now,
		    char **cause);
enum pd_status	sqlite_scan(struct store *base, const struct store_filter *f,
		    int flags, store_row_fn fn, void *ctx, char **cause);
enum pd_status	sqlite_keys_hold(struct store *base, char c, int *found,
		    char **cause);
enum pd_status	sqlite_del_many(struct store *base,
		    const struct store_filter *f, store_row_fn fn, void *ctx,
		    long long *count, char **cause);
void		sqlite_set_retention(struct store *base, long long keep_revs,
		    long long keep_ms);
enum pd_status	sqlite_revision(struct store *base, long long *rev,
		    char **cause);
enum pd_status	sqlite_changes(struct store *base, long long after,
		    long long limit, store_change_fn fn, void *ctx,
		    long long *last, char **cause);
enum pd_status	sqlite_watch_open(struct store *base, struct store_watch **out,
		    char **cause);
enum pd_status	sqlite_watch_wait(struct store_watch *w, long long timeout_ms,
		    char **cause);
void		sqlite_watch_close(struct store_watch *w);
enum pd_status	sqlite_next_expiry(struct store *base,
		    const struct store_filter *f, long long after,
		    long long *when, char **cause);
enum pd_status	sqlite_lock_take(struct store *base, struct store_watch *w,
		    long long until, const struct addr *a, const char *token,
		    long long now, long long expires, long long *retry,
		    char **cause);
void		sqlite_lock_leave(struct store *base, struct store_watch *w);
enum pd_status	sqlite_unlock(struct store *base, const struct addr *a,
		    const char *token, char **cause);
enum pd_status	sqlite_lock_refresh(struct store *base, const struct addr *a,
		    const char *token, long long expires, char **cause);
enum pd_status	sqlite_project_create(struct store *base, const char *name,
		    const char *description, long long now, char **cause);
enum pd_status	sqlite_projects(struct store *base, const char *name,
		    store_object_fn fn, void *ctx, char **cause);
enum pd_status	sqlite_projects_elsewhere(struct store *base, long long *n,
		    char **cause);
enum pd_status	sqlite_project_drop(struct store *base, const char *name,
		    char **cause);
enum pd_status	sqlite_ns_policy(struct store *base, const char *project,
		    const char *ns, long long ttl_ms, long long max_items,
		    int apply_all, long long now, char **cause);
enum pd_status	sqlite_ns_limits(struct store *base, const char *project,
		    const char *ns, long long *ttl_ms, long long *max_items,
		    char **cause);
enum pd_status	sqlite_ns_create(struct store *base, const char *project,
		    const char *ns, const char *description, long long now,
		    char **cause);
enum pd_status	sqlite_namespaces(struct store *base, const char *project,
		    const char *ns, store_object_fn fn, void *ctx,
		    char **cause);
enum pd_status	sqlite_ns_drop(struct store *base, const char *project,
		    const char *ns, char **cause);
enum pd_status	sqlite_objects(struct store *base, int ns, store_object_fn fn,
		    void *ctx, char **cause);
enum pd_status	sqlite_table_create(struct store *base, const char *name,
		    long long now, char **cause);
enum pd_status	sqlite_table_drop(struct store *base, const char *name,
		    char **cause);
enum pd_status	sqlite_tables(struct store *base, store_table_fn fn, void *ctx,
		    char **cause);
enum pd_status	sqlite_table_info(struct store *base, const char *name,
		    long long *rows, long long *bytes, char **cause);
enum pd_status	sqlite_table_mapped(struct store *base, const char *name,
		    store_ns_fn fn, void *ctx, char **cause);
enum pd_status	sqlite_ns_move(struct store *base, const char *project,
		    const char *ns, const char *table, char **cause);
enum pd_status	sqlite_ns_clear(struct store *base, const char *project,
		    const char *ns, char **cause);
enum pd_status	sqlite_meta_set(struct store *base, const struct addr *a,
		    const char *name, const void *val, size_t len,
		    char **cause);
enum pd_status	sqlite_meta_get(struct store *base, const struct addr *a,
		    const char *name, struct buf *val, char **cause);
enum pd_status	sqlite_meta_del(struct store *base, const struct addr *a,
		    const char *name, char **cause);
enum pd_status	sqlite_meta_list(struct store *base, const struct addr *a,
		    store_meta_fn fn, void *ctx, char **cause);
enum pd_status	sqlite_user_add(struct store *base, const char *name,
		    const char *hash, int admin, long long now, char **cause);
enum pd_status	sqlite_user_get(struct store *base, const char *name,
		    struct buf *hash, int *admin, char **cause);
enum pd_status	sqlite_user_set_hash(struct store *base, const char *name,
		    const char *hash, char **cause);
enum pd_status	sqlite_user_del(struct store *base, const char *name,
		    char **cause);
enum pd_status	sqlite_user_count(struct store *base, long long *n,
		    char **cause);
enum pd_status	sqlite_admin_count(struct store *base, long long *n,
		    char **cause);
enum pd_status	sqlite_users(struct store *base, store_user_fn fn, void *ctx,
		    char **cause);
enum pd_status	sqlite_grant_set(struct store *base,
		    const struct store_grant *g, char **cause);
enum pd_status	sqlite_grant_del(struct store *base, const char *user,
		    const char *project, const char *ns, char **cause);
enum pd_status	sqlite_grant_level(struct store *base, const char *user,
		    const char *project, const char *ns, int *level,
		    char **cause);
enum pd_status	sqlite_grant_in(struct store *base, const char *user,
		    const char *project);
enum pd_status	sqlite_grants(struct store *base, const char *user,
		    store_grant_fn fn, void *ctx, char **cause);
enum pd_status	sqlite_apikey_add(struct store *base, const char *id,
		    const char *user, const void *hash, size_t hlen,
		    long long now, char **cause);
enum pd_status	sqlite_apikey_get(struct store *base, const char *id,
		    struct buf *user, struct buf *hash, char **cause);
enum pd_status	sqlite_apikey_del(struct store *base, const char *id,
		    char **cause);
enum pd_status	sqlite_apikeys(struct store *base, const char *user,
		    store_apikey_fn fn, void *ctx, char **cause);
enum pd_status	sqlite_secret(struct store *base, const char *name,
		    void (*fill)(void *, size_t), size_t len, struct buf *out,
		    char **cause);

#endif
