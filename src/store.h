/*
 * store.h - the storage interface: databases, keys in, keys out,
 * transactions.
 *
 * The one contract the engine and the verbs see: nothing here speaks of
 * files, SQL or a server, so every backend stands behind the same
 * functions.  A database is chosen by a locator (store_locate): a name,
 * resolved against where the databases live (struct store_place: the data
 * directory), a path, or a server's URL.  The locator also picks the
 * backend that keeps the database, whose operations table (store-be.h)
 * does the work in the backend's own folder (src/sqlite/ for SQLite).
 * The whole life of a database is here: locate, open, list, create,
 * drop, rename, describe, back up, restore and check; no verb touches a
 * database's files.  Names passed in are borrowed for the duration of
 * the call; values are binary-safe.
 */
#ifndef PRONTO_STORE_H
#define PRONTO_STORE_H

#include <stddef.h>

#include "addr.h"
#include "status.h"
#include "util.h"

struct store;
struct store_backend;

/*
 * The meta context of the stores this process opens from now on, or NULL
 * for none: upstream's fourth address level (cursor set --meta, --meta).
 * In the context ORG every project a store's functions take or give is
 * ORG's own, stored apart from every other context's and from the plain
 * view's: a store sees and writes nothing outside its context, and no
 * other view sees its data.  Users, API keys and key tables are shared.
 */
void		store_context(const char *org);

/*
 * Where the databases that have a name live: the data directory, or NULL
 * with error saying why there is none (no home); or, when server is not
 * NULL, that server (the setting server, a URL whose #fragment prefixes
 * the names' schemas), the names but those ending ".db", which stay
 * files of dir.
 */
struct store_place {
	const char	*dir;
	const char	*error;
	const char	*server;
};

/*
 * A database, located: its backend, what the backend knows it by (for
 * SQLite the file, which messages may show) and how the user named it.
 * Neither ever holds a password: a backend takes secrets from where its
 * client library keeps them, never from a locator it shows.
 */
struct store_loc {
	const struct store_backend *be;
	char		*id;
	char		*name;
	int		 named;		/* a name in the place, not a path */
};

/*
 * Resolve text, a locator, into *loc: a name (NAME, a database of the
 * place, on its server when it has one), a path (anything with a '/', used as is) or, when a backend for
 * it is built in, a server's URL.  A name that breaks the rule of names
 * (paths_db_name_error) is PD_USAGE, "invalid database name 'NAME': why";
 * a name without a place is PD_ERROR with the place's error.  Nothing is
 * opened or made.  store_loc_free releases *loc (and may be called on a
 * zeroed one).
 */
enum pd_status	store_locate(const struct store_place *, const char *text,
		    struct store_loc *, char **cause);
void		store_loc_free(struct store_loc *);
/*
 * Whether text is a server's locator (a URL of a backend built in), which
 * a verb that takes database names takes too.
 */
int		store_is_server(const char *text);
/*
 * A copy of text, a setting's value, as it may be shown: a server's
 * locator without its password, anything else as it is.
 */
char		*store_shown(const char *text);
/* Whether the database exists. */
int		store_exists(const struct store_loc *);
/* Whether a and b are the same existing database, however named. */
int		store_same(const struct store_loc *, const struct store_loc *);

/*
 * Open the database, and bring its schema up to date; busy_ms is how long
 * to wait for a lock.  With create a missing database is made (with the
 * place, for a name); without, it is PD_MISS and nothing is made.
 */
enum pd_status	store_open(const struct store_loc *, int busy_ms, int create,
		    struct store **, char **cause);
/* Close; an open transaction is rolled back. */
void		store_close(struct store *);
/*
 * How far a commit goes before it returns, from the next store_begin on.
 * Normal, the default: into the WAL, in the operating system's cache,
 * where it survives the process crashing or being killed, but not the
 * machine crashing or losing power until a checkpoint syncs it.  Full:
 * the WAL is synced at every commit, so a commit that returned survives
 * those too, at the cost of a sync per commit.
 */
void		store_set_durable(struct store *, int full);

/*
 * The names of the place's databases, in byte order, one per call: on
 * its server when it has one.
 */
enum pd_status	store_list(const struct store_place *,
		    enum pd_status (*fn)(void *, const char *name), void *,
		    char **cause);
/*
 * The same names as a new array *v of *n new strings (the caller frees
 * each and the array), as far as they were listed when it fails.
 */
enum pd_status	store_list_names(const struct store_place *, char ***v,
		    size_t *n, char **cause);
/* Make the empty database (and the place, for a name). */
enum pd_status	store_create(const struct store_loc *, int busy_ms,
		    char **cause);
/* Delete the database and everything of it; no error when it is gone. */
enum pd_status	store_drop(const struct store_loc *, char **cause);
/*
 * Give database from the locator to (which must not exist), with all it
 * holds; from is then gone.
 */
enum pd_status	store_rename(const struct store_loc *from,
		    const struct store_loc *to, int busy_ms, char **cause);
/*
 * What the backend can tell of the database beyond its contents, as
 * named facts in a fixed order, each a text (num unused) or, with text
 * NULL, a number: for SQLite its file and the bytes it takes.
 */
typedef enum pd_status	(*store_fact_fn)(void *, const char *name,
			    const char *text, long long num);
enum pd_status	store_describe(const struct store_loc *, store_fact_fn,
		    void *, char **cause);

/*
 * Backups are files in the backend's own format, whose names end in
 * store_backup_ext's ending (".db" for SQLite).
 */
const char	*store_backup_ext(const struct store_loc *);
/*
 * A consistent snapshot of the database into file (which must not
 * exist), while other processes keep writing.
 */
enum pd_status	store_backup(struct store *, const char *file, char **cause);
/*
 * Check that file is a backup that the database at loc can be restored
 * from, without changing it: PD_ERROR with *cause when it is corrupt or
 * foreign.
 */
enum pd_status	store_backup_check(const struct store_loc *, const char *file,
		    char **cause);
/*
 * Replace the database with a copy of backup file from (checked with
 * store_backup_check).  When the database exists, its contents are first
 * copied into safety, an empty file the caller made.  No other process
 * may have the database open, since it would go on using the replaced
 * one: this waits up to busy_ms for them to close it, then gives up with
 * PD_BUSY, and holds the database locked until the new one is in place.
 * A reader sees the old database or the new one, never half.
 */
enum pd_status	store_restore(const struct store_loc *, const char *from,
		    const char *safety, int busy_ms, char **cause);
/*
 * Check a database: the integrity check's findings go to fn, one per
 * call ("ok" alone when all is well).
 */
enum pd_status	store_check(struct store *, void (*fn)(void *, const char *),
		    void *, char **cause);
/*
 * store_check on the database at loc, opened without bringing its schema
 * up to date, so that one too damaged to open (not a database, a schema
 * that cannot be read) is reported as a finding in the backend's words
 * rather than as an error.
 */
enum pd_status	store_check_at(const struct store_loc *, int busy_ms,
		    void (*fn)(void *, const char *), void *, char **cause);

/*
 * Start a write transaction (taking the write lock now, not later).
 * PD_BUSY when the file was replaced or removed since it was opened (a
 * restore), PD_IOERR when it can only be read (a read-only directory).
 */
enum pd_status	store_begin(struct store *, char **cause);
/*
 * store_begin for a transaction expected to write a lot (a bulk load): a
 * backend may then trade concurrency for speed while it runs.  SQLite
 * writes a small database that no other process has open without its
 * WAL, and other processes wait for the commit to read it once the
 * load writes the file.
 */
enum pd_status	store_begin_load(struct store *, char **cause);
/*
 * On failure the transaction is rolled back, and *cause ends with "; the
 * transaction's writes were rolled back".
 */
enum pd_status	store_commit(struct store *, char **cause);
void		store_rollback(struct store *);
int		store_in_tx(const struct store *);
/*
 * A read snapshot: reads outside a transaction that follow one another
 * share one read transaction (SQLite's BEGIN ... COMMIT that writes
 * nothing), instead of one each, and see the database as it was at the
 * first of them.  store_snapshot opens one unless a transaction or a
 * snapshot is open; store_snapshot_end ends it, so that the next read
 * sees what others committed since.  store_begin and store_close end it
 * first: a write never runs in a stale snapshot.  A backend without
 * snapshots makes both no-ops.
 */
enum pd_status	store_snapshot(struct store *, char **cause);
void		store_snapshot_end(struct store *);
/*
 * Whether the last failure lost writes that earlier calls had accepted
 * (queued writes that could not be applied, or a commit that failed): the
 * store then rolled the whole transaction back.  Cleared by store_begin.
 */
int		store_tx_lost(const struct store *);
/*
 * A savepoint inside the open transaction: a dry run's begin ... commit, or
 * one statement of several steps that must all happen or none.
 * store_savepoint_end keeps or undoes what ran since store_savepoint.
 */
enum pd_status	store_savepoint(struct store *, const char *name,
		    char **cause);
enum pd_status	store_savepoint_end(struct store *, const char *name,
		    int keep, char **cause);

/*
 * Insert or replace a value; the key's version grows by one.  expires is
 * when it stops existing (ms since the epoch), 0 for never.
 */
enum pd_status	store_set(struct store *, const struct addr *, const void *,
		    size_t, long long now_ms, long long expires, char **cause);
/*
 * Write only if the key is absent (version 0) or its version is exactly
 * version; PD_MISS when the condition does not hold, and nothing written.
 */
enum pd_status	store_set_if(struct store *, const struct addr *,
		    const void *, size_t, long long now_ms, long long expires,
		    long long version, char **cause);
/* Change a live key's expiry (0: never); PD_MISS when it is absent. */
enum pd_status	store_expire(struct store *, const struct addr *,
		    long long expires, char **cause);
/*
 * Delete expired keys (and their metakeys) of project.ns, or of the whole
 * view (its meta context, or outside any) when project is NULL; at most
 * limit of them when limit > 0.
 */
enum pd_status	store_purge(struct store *, const char *project,
		    const char *ns, long long limit, long long *count,
		    char **cause);

/* What the system metakeys show about a key. */
struct store_info {
	long long	 version;
	long long	 created;	/* milliseconds since the epoch */
	long long	 updated;
	size_t		 size;		/* bytes in the value */
	long long	 expires;	/* 0: never */
	long long	 revision;	/* of its last change (0: before any) */
};

/* PD_MISS when the key is absent. */
enum pd_status	store_info(struct store *, const struct addr *,
		    struct store_info *, char **cause);

/*
 * A value lent by the store: p is valid only during the call, and the
 * status returned (never PD_MISS) is passed on.
 */
typedef enum pd_status	(*store_value_fn)(void *ctx, const void *p,
			    size_t len);
/*
 * Like store_get_any, but the value goes to fn(ctx, ...) from the
 * backend's own copy of the row (SQLite's: the row being read), not
 * copied into a buffer, so that a value of hundreds of megabytes is in
 * memory once; fn may be NULL.  fn is called only for a key found; then
 * its status is returned.
 */
enum pd_status	store_get_with(struct store *, const struct addr *,
		    int expired, store_value_fn fn, void *ctx, char **cause);
/* Like store_get; with expired set, a key past its expiry is found too. */
enum pd_status	store_get_any(struct store *, const struct addr *, int expired,
		    struct buf *val, char **cause);
/* Copy the value into val; PD_MISS when the key is absent or expired. */
enum pd_status	store_get(struct store *, const struct addr *,
		    struct buf *val, char **cause);
/* The revision of the key the last store_get or store_get_any found. */
long long	store_read_revision(const struct store *);
/* PD_MISS when the key is absent. */
enum pd_status	store_del(struct store *, const struct addr *, char **cause);

/*
 * Write src's value, metakeys and expiry to dst (another key), replacing
 * whatever dst held; with move, src goes.  A src without an expiry takes
 * dst's namespace's TTL, as a set would.  dst's version grows as on any
 * write.  PD_MISS when src is absent or expired; nothing is written then.
 * The caller runs it in a transaction: it is several writes.
 */
enum pd_status	store_copy(struct store *, const struct addr *src,
		    const struct addr *dst, int move, long long now,
		    char **cause);

enum store_match {
	STORE_ANY,	/* the field is not constrained */
	STORE_EXACT,
	STORE_PREFIX	/* literal byte prefix, no wildcards */
};

struct store_filter {
	enum store_match	 mode[3];	/* project, namespace, key */
	const char		*text[3];
};

/* A metakey of a row that store_scan hands over. */
struct store_meta {
	const char	*name;
	const void	*value;
	size_t		 vlen;
};

struct store_row {
	const char	*project;
	const char	*ns;
	const char	*key;
	const void	*value;		/* NULL unless values were asked for */
	size_t		 vlen;
	long long	 version;
	long long	 created;	/* milliseconds since the epoch */
	long long	 updated;
	long long	 expires;	/* 0: never */
	long long	 revision;	/* of the key's last change */
	const struct store_meta *meta;	/* its metakeys in name order, */
	size_t		 nmeta;		/* if asked for (else none) */
};

/* Called for each row in address order; a status other than PD_OK stops. */
typedef enum pd_status	(*store_row_fn)(void *ctx, const struct store_row *);

/* What store_scan hands over besides names and system metakeys. */
#define STORE_SCAN_VALUES	1	/* value, vlen */
#define STORE_SCAN_META		2	/* meta, nmeta: no query per key */

/* The live keys that f matches; flags are STORE_SCAN_* (0: names only). */
enum pd_status	store_scan(struct store *, const struct store_filter *,
		    int flags, store_row_fn, void *ctx, char **cause);
/*
 * Whether a key that store_scan would hand over holds the byte c (ASCII)
 * in its name, checked inside SQLite: a fraction of a scan's cost.
 */
enum pd_status	store_keys_hold(struct store *, char c, int *found,
		    char **cause);
/*
 * Delete the live keys filter reaches that fn accepts, with their
 * metakeys: fn sees each row (no value) in address order and returns
 * PD_OK to delete its key, PD_MISS to keep it, or any other status, which
 * stops and is returned.  Each key deleted is a change as store_del's is
 * (a revision, a "del" in the change log); *count is how many went.  A
 * transaction of its own when none is open; inside the caller's, what
 * went before a failure is the caller's to undo (a savepoint).
 */
enum pd_status	store_del_many(struct store *, const struct store_filter *,
		    store_row_fn, void *ctx, long long *count, char **cause);

/*
 * Revisions, the change log and watching (sqlite/changes.c,
 * sqlite/watch.c).  Every committed change of a key (a write, a delete, a
 * metakey or expiry changed, a key purged when it expired or evicted from
 * a full namespace) takes the database's next revision, a number that
 * only grows; the changes of one transaction take consecutive numbers in
 * the order they were made.  Once the database has been watched, each
 * change is also kept in its change log, trimmed as writers commit to the
 * last keep_revs revisions and keep_ms milliseconds.
 */
#define STORE_KEEP_REVISIONS	100000
#define STORE_KEEP_MS		(24LL * 3600 * 1000)

/* The log's retention, from the next commit on. */
void		store_set_retention(struct store *, long long keep_revs,
		    long long keep_ms);
/* The revision of the last committed change. */
enum pd_status	store_revision(struct store *, long long *rev, char **cause);

struct store_change {
	long long	 rev;
	long long	 at;		/* ms since the epoch */
	const char	*op;		/* set del meta ttl expire evict */
	const char	*project;
	const char	*ns;
	const char	*key;
	const void	*value;		/* a set's; NULL for the others */
	size_t		 vlen;
	long long	 expires;	/* the key's after the change; 0: none */
};

typedef enum pd_status	(*store_change_fn)(void *,
			    const struct store_change *);

/*
 * The logged changes after revision after, in order, at most limit of
 * them; *last is the revision of the last one handed to fn (after when
 * none).  When the log no longer holds every change after after (it was
 * trimmed past it, or logging began later), nothing is handed over:
 * PD_ERROR with *cause "revision N is compacted: the oldest revision kept
 * is M".
 */
enum pd_status	store_changes(struct store *, long long after,
		    long long limit, store_change_fn, void *, long long *last,
		    char **cause);

/*
 * Waiting for changes without polling.  store_watch_open turns the change
 * log on (for good: it is a property of the database) and readies a way
 * for writers in any process to wake this one; store_watch_wait blocks
 * until a transaction that changed something may have committed since
 * the last wait, or timeout_ms pass (-1: no limit): PD_OK when woken,
 * PD_MISS when the time ran out.  A wake-up may be spurious: read the
 * changes to know.
 */
struct store_watch;
enum pd_status	store_watch_open(struct store *, struct store_watch **,
		    char **cause);
enum pd_status	store_watch_wait(struct store_watch *, long long timeout_ms,
		    char **cause);
void		store_watch_close(struct store_watch *);

/*
 * The earliest expiry among the keys filter reaches that is later than
 * after (ms since the epoch), into *when; 0 when none expires.
 */
enum pd_status	store_next_expiry(struct store *, const struct store_filter *,
		    long long after, long long *when, char **cause);

/*
 * Named locks (sqlite/lock.c).  A lock is a key whose value is its
 * holder's token and whose expiry ends it; each call is a transaction of
 * its own (none may be open).  store_lock_take takes lock a for token
 * until expires when it is free (absent or expired) and no waiter queued
 * before: PD_OK.  Otherwise PD_MISS, and *retry is when to try again at
 * the latest (the holder's expiry, or soon when waiters queue before),
 * besides any wake-up of w.  With w the caller joins the queue of
 * waiters, first come first served, until it takes the lock, calls
 * store_lock_leave or reaches until (ms since the epoch); a waiter that
 * dies leaves it by itself.
 * store_unlock deletes and store_lock_refresh gives a new expiry to lock
 * a only while its value is token: PD_MISS otherwise, and nothing changed.
 */
enum pd_status	store_lock_take(struct store *, struct store_watch *w,
		    long long until, const struct addr *, const char *token,
		    long long now, long long expires, long long *retry,
		    char **cause);
void		store_lock_leave(struct store *, struct store_watch *);
enum pd_status	store_unlock(struct store *, const struct addr *,
		    const char *token, char **cause);
enum pd_status	store_lock_refresh(struct store *, const struct addr *,
		    const char *token, long long expires, char **cause);

/*
 * Projects and namespaces (sqlite/obj.c).  Both are created implicitly by
 * the first write into them, or explicitly with a description.
 */
struct store_object {
	const char	*project;
	const char	*ns;		/* NULL for a project */
	const char	*description;
	const char	*kind;		/* namespaces: "std" or "ttl" */
	const char	*table;		/* namespaces: where the keys live */
	long long	 ttl_ms;	/* -1: none */
	long long	 max_items;	/* -1: no limit */
	long long	 created;
	long long	 namespaces;	/* projects: how many */
	long long	 keys;
};

typedef enum pd_status	(*store_object_fn)(void *,
			    const struct store_object *);

/* PD_ERROR with a message when it exists already. */
enum pd_status	store_project_create(struct store *, const char *name,
		    const char *description, long long now, char **cause);
/* Projects in name order; name NULL for all (PD_MISS: no such project). */
enum pd_status	store_projects(struct store *, const char *name,
		    store_object_fn, void *, char **cause);
/*
 * How many projects the database holds outside this store's view: in the
 * meta contexts it is not in, or outside any when it is in one.  What
 * guards the whole file (a bootstrap, a drop) counts them too.
 */
enum pd_status	store_projects_elsewhere(struct store *, long long *n,
		    char **cause);
/* Delete a project with its namespaces, keys, metakeys and grants. */
enum pd_status	store_project_drop(struct store *, const char *name,
		    char **cause);

/*
 * A namespace's expiry policy: ttl_ms > 0 makes it a TTL namespace (keys
 * get that expiry by default), max_items > 0 caps its keys (the oldest by
 * update time are evicted).  With apply_all, existing keys get the new
 * expiry too (or none, for ttl_ms 0).  Creates the namespace if needed.
 */
enum pd_status	store_ns_policy(struct store *, const char *project,
		    const char *ns, long long ttl_ms, long long max_items,
		    int apply_all, long long now, char **cause);
/* The policy in force for project.ns (0, 0 for a standard namespace). */
enum pd_status	store_ns_limits(struct store *, const char *project,
		    const char *ns, long long *ttl_ms, long long *max_items,
		    char **cause);

/* The project is created too when missing. */
enum pd_status	store_ns_create(struct store *, const char *project,
		    const char *ns, const char *description, long long now,
		    char **cause);
/*
 * Namespaces in (project, name) order: all of them, a project's (ns NULL),
 * or one; PD_MISS when none matched a given project or namespace.
 */
enum pd_status	store_namespaces(struct store *, const char *project,
		    const char *ns, store_object_fn, void *, char **cause);
enum pd_status	store_ns_drop(struct store *, const char *project,
		    const char *ns, char **cause);
/*
 * Every project (ns 0) or every namespace (ns 1) as store_projects and
 * store_namespaces give them, but with keys -1: counting the keys of each
 * is a pass over all of them, which an export has no use for.
 */
enum pd_status	store_objects(struct store *, int ns, store_object_fn,
		    void *, char **cause);

/*
 * Key tables (sqlite/table.c).  Names are letters, digits and '_'; "kv" is
 * the default table and cannot be dropped.
 */
struct store_table {
	const char	*name;
	long long	 created;
	long long	 namespaces;	/* how many map to it */
};

typedef enum pd_status	(*store_table_fn)(void *, const struct store_table *);
typedef enum pd_status	(*store_ns_fn)(void *, const char *project,
			    const char *ns);

enum pd_status	store_table_create(struct store *, const char *name,
		    long long now, char **cause);
/* PD_MISS when there is no such table.  Its keys go with it. */
enum pd_status	store_table_drop(struct store *, const char *name,
		    char **cause);
enum pd_status	store_tables(struct store *, store_table_fn, void *,
		    char **cause);
/* Rows in table name and the bytes its pages take; PD_MISS if none. */
enum pd_status	store_table_info(struct store *, const char *name,
		    long long *rows, long long *bytes, char **cause);
/* The namespaces mapped to table name. */
enum pd_status	store_table_mapped(struct store *, const char *name,
		    store_ns_fn, void *, char **cause);
/* Map project.ns to table, moving its keys there atomically. */
enum pd_status	store_ns_move(struct store *, const char *project,
		    const char *ns, const char *table, char **cause);
/* Delete every key (and metakey) of project.ns. */
enum pd_status	store_ns_clear(struct store *, const char *project,
		    const char *ns, char **cause);

/*
 * Metakeys (sqlite/meta.c): named values attached to one key, deleted with
 * it.  Setting one on a missing key is PD_MISS.
 */
typedef enum pd_status	(*store_meta_fn)(void *, const char *name,
			    const void *value, size_t vlen);

enum pd_status	store_meta_set(struct store *, const struct addr *,
		    const char *name, const void *, size_t, char **cause);
enum pd_status	store_meta_get(struct store *, const struct addr *,
		    const char *name, struct buf *, char **cause);
enum pd_status	store_meta_del(struct store *, const struct addr *,
		    const char *name, char **cause);
/* A key's metakeys in name order. */
enum pd_status	store_meta_list(struct store *, const struct addr *,
		    store_meta_fn, void *, char **cause);

/*
 * Users, grants and API keys (sqlite/sec.c).  Secrets arrive here already
 * hashed; the store never sees a password or a key.
 */
enum grant_level {
	GRANT_NONE = 0,
	GRANT_READ = 1,
	GRANT_WRITE = 2,
	GRANT_ADMIN = 3
};

struct store_user {
	const char	*name;
	int		 admin;
	long long	 created;
};

struct store_grant {
	const char	*user;
	const char	*project;
	const char	*ns;		/* "" for the whole project */
	int		 level;
};

struct store_apikey {
	const char	*id;
	const char	*user;
	long long	 created;
};

typedef enum pd_status	(*store_user_fn)(void *, const struct store_user *);
typedef enum pd_status	(*store_grant_fn)(void *, const struct store_grant *);
typedef enum pd_status	(*store_apikey_fn)(void *,
			    const struct store_apikey *);

/* PD_ERROR with a message when the user exists. */
enum pd_status	store_user_add(struct store *, const char *name,
		    const char *hash, int admin, long long now, char **cause);
/* The password hash into hash, and whether the user is an admin. */
enum pd_status	store_user_get(struct store *, const char *name,
		    struct buf *hash, int *admin, char **cause);
enum pd_status	store_user_set_hash(struct store *, const char *name,
		    const char *hash, char **cause);
/* Also removes the user's grants and API keys. */
enum pd_status	store_user_del(struct store *, const char *name,
		    char **cause);
enum pd_status	store_user_count(struct store *, long long *, char **cause);
enum pd_status	store_admin_count(struct store *, long long *, char **cause);
enum pd_status	store_users(struct store *, store_user_fn, void *,
		    char **cause);

enum pd_status	store_grant_set(struct store *, const struct store_grant *,
		    char **cause);
enum pd_status	store_grant_del(struct store *, const char *user,
		    const char *project, const char *ns, char **cause);
/* The best level user holds on project.ns (ns NULL: the project itself). */
enum pd_status	store_grant_level(struct store *, const char *user,
		    const char *project, const char *ns, int *level,
		    char **cause);
/* PD_OK when user holds any grant in project, PD_MISS when none. */
enum pd_status	store_grant_in(struct store *, const char *user,
		    const char *project);
enum pd_status	store_grants(struct store *, const char *user,
		    store_grant_fn, void *, char **cause);

enum pd_status	store_apikey_add(struct store *, const char *id,
		    const char *user, const void *hash, size_t hlen,
		    long long now, char **cause);
/* The key's user and hash; PD_MISS when there is no such key. */
enum pd_status	store_apikey_get(struct store *, const char *id,
		    struct buf *user, struct buf *hash, char **cause);
enum pd_status	store_apikey_del(struct store *, const char *id,
		    char **cause);
/* Keys of user, or of everyone when user is NULL. */
enum pd_status	store_apikeys(struct store *, const char *user,
		    store_apikey_fn, void *, char **cause);

/*
 * A per-database secret of len random bytes, created by fill() the first
 * time it is asked for (the key of the API key hashes); with fill NULL a
 * missing one is PD_MISS and nothing is written.
 */
enum pd_status	store_secret(struct store *, const char *name,
		    void (*fill)(void *, size_t), size_t len, struct buf *,
		    char **cause);

#endif
