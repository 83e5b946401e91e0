/*
 * pg/store.h - the PostgreSQL backend: a ProntoDB database as a schema.
 *
 * The functions mirror store.h's, one for one, on a struct pg_store, so
 * that the backend operations table (store-be.h) maps onto them without
 * glue: the same statuses, the same "absent or expired is PD_MISS", the
 * same revisions.  What differs is written at each function.
 *
 * Concurrency: every transaction that writes takes a transaction-scoped
 * advisory lock on its database (pg_advisory_xact_lock(PG_LOCK_CLASS,
 * hashtext(name))) when it begins, so blocks from any number of hosts are
 * serialized as SQLite's write lock serializes them; busy_ms becomes the
 * session's lock_timeout, and a lock not granted in time is PD_BUSY.
 *
 * Faults: a server that cannot be reached is PD_IOERR, in one line naming
 * its host and port; a connection lost inside a transaction is PD_IOERR
 * with the transaction rolled back (the server does that when the client
 * goes); outside one, a statement that fails because the connection was
 * lost before it ran (a server restart between statements) is sent again
 * once on a new connection: only reads and BEGIN are ever sent outside a
 * transaction, so nothing runs twice.
 */
#ifndef PRONTO_PG_STORE_H
#define PRONTO_PG_STORE_H

#include <stddef.h>

#include "addr.h"
#include "store.h"
#include "status.h"
#include "util.h"

struct store;
struct store_backend;
struct pg_loc;

/*
 * Connect to the server of loc and open its database, creating the
 * schema (create) or PD_MISS when it has none (create 0).
 */
enum pd_status	pg_open_loc(const struct pg_loc *, int busy_ms, int create,
		    struct store **, char **cause);
/* The life of a database on a server (life.c): store-be.h's. */
int		pg_claims(const char *text);
enum pd_status	pg_locate(const struct store_place *, const char *text,
		    struct store_loc *, char **cause);
int		pg_exists(const struct store_loc *);
int		pg_same(const struct store_loc *, const struct store_loc *);
enum pd_status	pg_list(const struct store_place *,
		    enum pd_status (*)(void *, const char *), void *,
		    char **cause);
enum pd_status	pg_create(const struct store_loc *, int busy_ms,
		    char **cause);
enum pd_status	pg_drop(const struct store_loc *, char **cause);
enum pd_status	pg_rename(const struct store_loc *, const struct store_loc *,
		    int busy_ms, char **cause);
enum pd_status	pg_describe(const struct store_loc *, store_fact_fn, void *,
		    char **cause);
enum pd_status	pg_backup_check(const struct store_loc *, const char *file,
		    char **cause);
enum pd_status	pg_restore(const struct store_loc *, const char *from,
		    const char *safety, int busy_ms, char **cause);
/* store_backup on a server (backup.c, which restores and checks too). */
enum pd_status	pg_backup(struct store *, const char *file, char **cause);

/* store_open of a located database (life.c locates). */
enum pd_status	pg_open(const struct store_loc *, int busy_ms, int create,
		    struct store **, char **cause);
/* The connection details of a located database, password included. */
enum pd_status	pg_loc_of(const struct store_loc *, struct pg_loc *,
		    char **cause);
/* Close; an open transaction is rolled back (by the server). */
void		pg_close(struct store *);

enum pd_status	pg_begin(struct store *, char **cause);
enum pd_status	pg_commit(struct store *, char **cause);
void		pg_rollback(struct store *);
int		pg_in_tx(const struct store *);
int		pg_tx_lost(const struct store *);
enum pd_status	pg_savepoint(struct store *, const char *name,
		    char **cause);
enum pd_status	pg_savepoint_end(struct store *, const char *name,
		    int keep, char **cause);

enum pd_status	pg_set(struct store *, const struct addr *, const void *,
		    size_t, long long now_ms, long long expires, char **cause);
enum pd_status	pg_set_if(struct store *, const struct addr *,
		    const void *, size_t, long long now_ms, long long expires,
		    long long version, char **cause);
enum pd_status	pg_get_any(struct store *, const struct addr *,
		    int expired, struct buf *val, char **cause);
enum pd_status	pg_get(struct store *, const struct addr *, struct buf *,
		    char **cause);
long long	pg_read_revision(const struct store *);
enum pd_status	pg_del(struct store *, const struct addr *, char **cause);
enum pd_status	pg_expire(struct store *, const struct addr *,
		    long long expires, char **cause);
enum pd_status	pg_revision(struct store *, long long *, char **cause);
enum pd_status	pg_purge(struct store *, const char *project,
		    const char *ns, long long limit, long long *count,
		    char **cause);
enum pd_status	pg_copy(struct store *, const struct addr *src,
		    const struct addr *dst, int move, long long now,
		    char **cause);
enum pd_status	pg_ns_limits(struct store *, const char *project,
		    const char *ns, long long *ttl_ms, long long *max_items,
		    char **cause);
enum pd_status	pg_info(struct store *, const struct addr *,
		    struct store_info *, char **cause);
enum pd_status	pg_scan(struct store *, const struct store_filter *, int flags,
		    store_row_fn, void *, char **cause);
enum pd_status	pg_keys_hold(struct store *, char c, int *found,
		    char **cause);
enum pd_status	pg_next_expiry(struct store *, const struct store_filter *,
		    long long after, long long *when, char **cause);
enum pd_status	pg_meta_set(struct store *, const struct addr *,
		    const char *name, const void *, size_t, char **cause);
enum pd_status	pg_meta_get(struct store *, const struct addr *,
		    const char *name, struct buf *, char **cause);
enum pd_status	pg_meta_del(struct store *, const struct addr *,
		    const char *name, char **cause);
enum pd_status	pg_meta_list(struct store *, const struct addr *,
		    store_meta_fn, void *, char **cause);
/* The change log and watching (watch.c): store.h's. */
enum pd_status	pg_watch_open(struct store *, struct store_watch **,
		    char **cause);
enum pd_status	pg_watch_wait(struct store_watch *, long long timeout_ms,
		    char **cause);
void		pg_watch_close(struct store_watch *);
enum pd_status	pg_changes(struct store *, long long after, long long limit,
		    store_change_fn, void *, long long *last, char **cause);
/* Deleting by pattern (many.c): store.h's store_del_many. */
enum pd_status	pg_del_many(struct store *, const struct store_filter *,
		    store_row_fn, void *, long long *count, char **cause);
/* Named locks and their waiters (lock.c): store.h's. */
enum pd_status	pg_lock_take(struct store *, struct store_watch *,
		    long long until, const struct addr *, const char *token,
		    long long now, long long expires, long long *retry,
		    char **cause);
void		pg_lock_leave(struct store *, struct store_watch *);
enum pd_status	pg_unlock(struct store *, const struct addr *,
		    const char *token, char **cause);
enum pd_status	pg_lock_refresh(struct store *, const struct addr *,
		    const char *token, long long expires, char **cause);

/* Projects and namespaces (obj.c): store.h's. */
enum pd_status	pg_project_create(struct store *, const char *name,
		    const char *description, long long now, char **cause);
enum pd_status	pg_projects(struct store *, const char *name,
		    store_object_fn, void *, char **cause);
enum pd_status	pg_projects_elsewhere(struct store *, long long *n,
		    char **cause);
enum pd_status	pg_project_drop(struct store *, const char *name,
		    char **cause);
enum pd_status	pg_ns_policy(struct store *, const char *project,
		    const char *ns, long long ttl_ms, long long max_items,
		    int apply_all, long long now, char **cause);
enum pd_status	pg_ns_create(struct store *, const char *project,
		    const char *ns, const char *description, long long now,
		    char **cause);
enum pd_status	pg_namespaces(struct store *, const char *project,
		    const char *ns, store_object_fn, void *, char **cause);
enum pd_status	pg_ns_drop(struct store *, const char *project,
		    const char *ns, char **cause);
enum pd_status	pg_ns_clear(struct store *, const char *project,
		    const char *ns, char **cause);
enum pd_status	pg_objects(struct store *, int ns, store_object_fn, void *,
		    char **cause);
enum pd_status	pg_table_create(struct store *, const char *name,
		    long long now, char **cause);
enum pd_status	pg_table_drop(struct store *, const char *name, char **cause);
enum pd_status	pg_ns_move(struct store *, const char *project,
		    const char *ns, const char *table, char **cause);
enum pd_status	pg_tables(struct store *, store_table_fn, void *,
		    char **cause);
enum pd_status	pg_table_info(struct store *, const char *name,
		    long long *rows, long long *bytes, char **cause);
enum pd_status	pg_table_mapped(struct store *, const char *name,
		    store_ns_fn, void *, char **cause);

/* Users, grants, API keys and secrets (sec.c): store.h's. */
enum pd_status	pg_user_add(struct store *, const char *name,
		    const char *hash, int admin, long long now, char **cause);
enum pd_status	pg_user_get(struct store *, const char *name, struct buf *hash,
		    int *admin, char **cause);
enum pd_status	pg_user_set_hash(struct store *, const char *name,
		    const char *hash, char **cause);
enum pd_status	pg_user_del(struct store *, const char *name, char **cause);
enum pd_status	pg_user_count(struct store *, long long *, char **cause);
enum pd_status	pg_admin_count(struct store *, long long *, char **cause);
enum pd_status	pg_users(struct store *, store_user_fn, void *, char **cause);
enum pd_status	pg_grant_set(struct store *, const struct store_grant *,
		    char **cause);
enum pd_status	pg_grant_del(struct store *, const char *user,
		    const char *project, const char *ns, char **cause);
enum pd_status	pg_grant_level(struct store *, const char *user,
		    const char *project, const char *ns, int *level,
		    char **cause);
enum pd_status	pg_grant_in(struct store *, const char *user,
		    const char *project);
enum pd_status	pg_grants(struct store *, const char *user, store_grant_fn,
		    void *, char **cause);
enum pd_status	pg_apikey_add(struct store *, const char *id,
		    const char *user, const void *hash, size_t hlen,
		    long long now, char **cause);
enum pd_status	pg_apikey_get(struct store *, const char *id,
		    struct buf *user, struct buf *hash, char **cause);
enum pd_status	pg_apikey_del(struct store *, const char *id, char **cause);
enum pd_status	pg_apikeys(struct store *, const char *user, store_apikey_fn,
		    void *, char **cause);
enum pd_status	pg_secret(struct store *, const char *name,
		    void (*fill)(void *, size_t), size_t len, struct buf *,
		    char **cause);

/*
 * Databases on a server (schemas holding a ProntoDB version table).  loc
 * names the server; its name is the database acted on.
 */
enum pd_status	pg_db_list(const struct pg_loc *,
		    void (*fn)(void *, const char *name), void *, char **cause);
/*
 * PD_ERROR "database 'x' exists" when it does.  Waits up to busy_ms for
 * the catalog: the server lets one notifying commit through at a time.
 */
enum pd_status	pg_db_create(const struct pg_loc *, int busy_ms,
		    char **cause);
/* PD_MISS when there is none. */
enum pd_status	pg_db_drop(const struct pg_loc *, int busy_ms, char **cause);
enum pd_status	pg_db_rename(const struct pg_loc *, const char *to,
		    int busy_ms, char **cause);
/* Keys and bytes the database's tables take on the server. */
enum pd_status	pg_db_describe(const struct pg_loc *, long long *keys,
		    long long *bytes, char **cause);

#endif
