/*
 * pg-store.h - the PostgreSQL backend: a ProntoDB database as a schema.
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
#include "status.h"
#include "util.h"

struct pg_store;
struct pg_loc;

/*
 * Connect to the server of loc and open its database, creating the
 * schema (create) or PD_MISS when it has none (create 0).
 */
enum pd_status	pg_open(const struct pg_loc *, int busy_ms, int create,
		    struct pg_store **, char **cause);
/* Close; an open transaction is rolled back (by the server). */
void		pg_close(struct pg_store *);

enum pd_status	pg_begin(struct pg_store *, char **cause);
enum pd_status	pg_commit(struct pg_store *, char **cause);
void		pg_rollback(struct pg_store *);
int		pg_in_tx(const struct pg_store *);
int		pg_tx_lost(const struct pg_store *);
enum pd_status	pg_savepoint(struct pg_store *, const char *name,
		    char **cause);
enum pd_status	pg_savepoint_end(struct pg_store *, const char *name,
		    int keep, char **cause);

enum pd_status	pg_set(struct pg_store *, const struct addr *, const void *,
		    size_t, long long now_ms, long long expires, char **cause);
enum pd_status	pg_set_if(struct pg_store *, const struct addr *,
		    const void *, size_t, long long now_ms, long long expires,
		    long long version, char **cause);
enum pd_status	pg_get_any(struct pg_store *, const struct addr *,
		    int expired, struct buf *val, char **cause);
enum pd_status	pg_get(struct pg_store *, const struct addr *, struct buf *,
		    char **cause);
long long	pg_read_revision(const struct pg_store *);
enum pd_status	pg_del(struct pg_store *, const struct addr *, char **cause);
enum pd_status	pg_expire(struct pg_store *, const struct addr *,
		    long long expires, char **cause);
enum pd_status	pg_revision(struct pg_store *, long long *, char **cause);
/* The keys of project.ns (NULL: all) in address order, with values. */
enum pd_status	pg_keys(struct pg_store *, const char *project,
		    const char *ns,
		    enum pd_status (*fn)(void *, const char *project,
		    const char *ns, const char *key, const void *, size_t),
		    void *, char **cause);

/*
 * Databases on a server (schemas holding a ProntoDB version table).  loc
 * names the server; its name is the database acted on.
 */
enum pd_status	pg_db_list(const struct pg_loc *,
		    void (*fn)(void *, const char *name), void *, char **cause);
/* PD_ERROR "database 'x' exists" when it does. */
enum pd_status	pg_db_create(const struct pg_loc *, char **cause);
/* PD_MISS when there is none. */
enum pd_status	pg_db_drop(const struct pg_loc *, int busy_ms, char **cause);
enum pd_status	pg_db_rename(const struct pg_loc *, const char *to,
		    int busy_ms, char **cause);
/* Keys and bytes the database's tables take on the server. */
enum pd_status	pg_db_describe(const struct pg_loc *, long long *keys,
		    long long *bytes, char **cause);

#endif
