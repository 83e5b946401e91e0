/*
 * sqlite/int.h - what the files of the SQLite store share.  Private to
 * src/sqlite: nothing outside the backend sees SQLite.
 */
#ifndef PRONTO_STORE_INT_H
#define PRONTO_STORE_INT_H

#include <sys/types.h>
#include <pthread.h>
#include <string.h>
#include <sqlite3.h>

#include "ops.h"
#include "util.h"

#define KV_QUERIES	16	/* tx.c's and keys.c's statements */
#define KVQ_COUNT_NS	(KV_QUERIES - 1)	/* store_ns_count's */
#define KVQ_COPY	(KV_QUERIES - 2)	/* store_copy's read */
#define SEC_QUERIES	24	/* sqlite/sec.c's statements */
#define META_QUERIES	8	/* sqlite/meta.c's statements */
#define OBJ_QUERIES	24	/* sqlite/obj.c's statements */
#define CHG_QUERIES	8	/* sqlite/changes.c's statements */
#define LCK_QUERIES	4	/* sqlite/lock.c's statements */
#define STORE_MMAP_SIZE	"268435456"	/* bytes of the file reads may map */

/* st->q: the statements of tx.c, then those of keys.c. */
enum {
	Q_BEGIN,
	Q_BEGIN_READ,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_KEY,			/* the key statements (keys.c) from here */
	Q_GET = Q_KEY,
	Q_DEL,
	Q_SET_ABSENT,
	Q_SET_VERSION,
	Q_INFO,
	Q_GET_ANY,
	Q_EXPIRE,
	Q_TOUCH,
	Q_COUNT
};

_Static_assert(Q_COUNT <= KV_QUERIES, "store.q is too small");

/*
 * Writes buffered inside a transaction, applied in key order (then in
 * arrival order) before anything reads, deletes or commits: sorted runs of
 * B-tree inserts touch far fewer pages than random ones.  A full queue is
 * applied by a writer thread while the next one fills (sqlite/batch.c).
 */
struct batch_row {
	size_t		 off;		/* project, ns, key, value in arena */
	size_t		 vlen;
	unsigned	 plen, nlen, klen;
	long long	 now;
	long long	 expires;
	long long	 rev;		/* its revision, taken when queued */
	sqlite3_stmt	*up;		/* its table's upsert (kvtable.up) */
	const struct kvmany *many;	/* and more, set by queue_ready */
};

/* A namespace to register (project NUL ns in the arena). */
struct batch_reg {
	size_t		 off;
	unsigned	 plen, nlen;
	long long	 now;
};

struct batch_queue {
	struct batch_row *rows;
	size_t		 nrows;
	int		 in_order;	/* rows are in key order as they came */
	int		 resorted;	/* spare holds them as they came */
	int		 from_runs;	/* merged from runs: logged already */
	size_t		 cap;
	struct sort_ent	*ents;		/* queue_sort's, entcap of them */
	size_t		 entcap;
	struct batch_row *spare;	/* rows in sorted order, sparecap */
	size_t		 sparecap;
	struct batch_reg *regs;
	size_t		 nregs;
	size_t		 regcap;
	sqlite3_stmt	*reg[2];	/* register the project, the ns */
	sqlite3_stmt	*log;		/* log each row's change, or NULL */
	struct buf	 arena;
};

/* Sorted runs spilled to a file (sqlite/sort.c). */
struct batch_run {
	off_t		 off, len;
};

struct batch_runs {
	int		 fd;		/* -1 until the first run */
	off_t		 len;
	struct batch_run *runs;
	size_t		 nruns, cap;
};

enum batch_job {
	JOB_APPLY,			/* write the queue into its tables */
	JOB_SPILL			/* register its namespaces, write a run */
};

struct batch {
	struct batch_queue q[2];
	struct batch_runs runs;
	int		 spilling;	/* this group goes to runs */
	struct buf	 last;		/* greatest key applied in this group */
	struct batch_row last_row;	/* its lengths */
	int		 fill;		/* q[fill] takes writes */
	int		 inflight;	/* q[!fill] is the writer's until joined */
	pthread_t	 thread;
	int		 started;	/* the writer thread runs */
	/* Shared with the writer thread, under mu. */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 work;		/* q[!fill] waits for the job */
	enum batch_job	 job;
	int		 quit;
	int		 rc;		/* how the last job ended */
	char		*msg;		/* and why, when it failed */
};

/*
 * A key table: "kv", where namespaces live by default, or one made with
 * `table create`, with its statements prepared on first use.
 */
#define TABLE_SCANS	8	/* key filter shape x values, and the */
					/* whole view (kv only) x values */

/*
 * A queue is applied UPSERT_ROWS rows per statement where it can: one
 * statement per row pays the statement's set-up and a descent from the
 * root for every row, while one statement for many sorted rows keeps its
 * cursor where the last row went.
 */
#define UPSERT_ROWS	64
#define UPSERT_PARAMS	7	/* per row: project ns key value now expires
				   revision */
#define UPSERT_SHARED	5	/* the same without project and ns */

/*
 * A key table's statements for UPSERT_ROWS new keys, at an address that
 * stays put while queued rows point at it.  New keys need no upsert, and
 * a many-row upsert costs a statement journal: its DO UPDATE may abort
 * midway, so SQLite copies every page the statement touches first, which
 * took a third of a bulk import's writing time.  A plain INSERT OR FAIL
 * needs none.  Rows whose keys exist go one upsert each, which need none
 * either.
 */
struct kvmany {
	sqlite3_stmt	*insert;	/* UPSERT_ROWS rows, no ON CONFLICT */
	sqlite3_stmt	*same;		/* the same, of one project and ns */
	sqlite3_stmt	*probe;		/* any row from one key to another? */
};

struct kvtable {
	char		*name;		/* as users name it */
	char		*ident;		/* as SQL names it: kv, "t_NAME" */
	sqlite3_stmt	*up;		/* upsert of one row */
	struct kvmany	*many;		/* statements of UPSERT_ROWS rows */
	sqlite3_stmt	*q[KV_QUERIES];
	sqlite3_stmt	*scan[TABLE_SCANS];
	sqlite3_stmt	*purge[3];	/* metakeys, rows, the change log */
};

#define TBL_QUERIES	16	/* sqlite/table.c's statements */

/* Where a namespace's keys go, and its policy (see store_route). */
struct route {
	char		*name;		/* project NUL ns; NULL: empty slot */
	unsigned	 hash;
	size_t		 table;		/* index in store.tables */
	long long	 ttl;		/* default TTL in ms; 0: none */
	long long	 max;		/* max_items; 0: no cap */
	int		 known;		/* registered in sys_namespaces */
};

/* A store of the SQLite backend: the common part first. */
struct sqldb {
	struct store	 base;
	sqlite3		*db;
	sqlite3_stmt	*q[KV_QUERIES];
	sqlite3_stmt	*sec[SEC_QUERIES];
	sqlite3_stmt	*meta[META_QUERIES];
	sqlite3_stmt	*obj[OBJ_QUERIES];
	struct kvtable	*tables;
	size_t		 ntables;
	struct route	*routes;	/* open addressing (sqlite/route.c) */
	size_t		 nroutes;
	size_t		 routes_cap;
	int		 routes_all;	/* every namespace is in the cache */
	struct route	*route_last;	/* the route found last, or NULL */
	sqlite3_stmt	*route_q;
	sqlite3_stmt	*reg_q[2];	/* register a project, a namespace */
	sqlite3_stmt	*clear_q[3];	/* delete a key's, a namespace's or a
					   project's metakeys */
	sqlite3_stmt	*routes_q;
	sqlite3_stmt	*blob_q[3];	/* sqlite/blob.c's statements */
	int		 expiring;	/* this transaction wrote an expiry */
	sqlite3_stmt	*tbl[TBL_QUERIES];
	sqlite3_stmt	*ns_scan[9];
	sqlite3_stmt	*meta_scan[3];	/* a namespace's metakeys, by key filter */
	int		 in_tx;
	int		 snap;		/* a read snapshot is open */
	int		 mapped;	/* reads map the file (sqlite_snapshot) */
	int		 tuned;		/* the writers' pragmas are set */
	int		 loading;	/* a load without the WAL (load.c) */
	int		 wal_checked;	/* store_load_recover has looked */
	int		 durable;	/* synchronous=FULL: see store.h */
	int		 busy_ms;	/* how long to wait for a lock */
	char		*dir;		/* the database's directory */
	int		 tx_lost;	/* see store_tx_lost */
	char		*path;		/* the database file */
	int		 known;		/* dev and ino say which file it is */
	dev_t		 dev;
	ino_t		 ino;
	char		*ro_cause;	/* why nothing can be written, or NULL */
	struct batch	 batch;
	/* Revisions and the change log (sqlite/changes.c). */
	long long	 rev;		/* the last revision taken */
	long long	 rev_begun;	/* the last one committed at store_begin */
	int		 log_on;	/* changes are logged (someone watched) */
	long long	 logged;	/* changes logged in this transaction */
	long long	 keep_revs;	/* the log's retention */
	long long	 keep_ms;
	long long	 read_rev;	/* see store_read_revision */
	long long	 sp_rev[4];	/* st->rev at each open savepoint */
	int		 nsp;
	char		*watch_path;	/* the notification file, NAME-watch */
	int		 watch_fd;	/* it, open; -1 until needed */
	sqlite3_stmt	*chg[CHG_QUERIES];
	sqlite3_stmt	*lck[LCK_QUERIES];
};

/* The SQLite store that st is (its common part is its first member). */
static inline struct sqldb *
sqlite_of(struct store *st)
{
	return (struct sqldb *)st;
}

static inline const struct sqldb *
sqlite_cof(const struct store *st)
{
	return (const struct sqldb *)st;
}

/*
 * The database file at path, opened (store_open's contract); the file
 * operations behind the life of a database (sqlite/life.c).
 */
enum pd_status	sqlite_open_file(const char *path, int busy_ms, int create,
		    struct store **, char **cause);
/*
 * Process-wide SQLite settings, made once before SQLite's first use
 * (open.c).
 */
void		sqlite_setup(void);
/* The name to give SQLite for the file at path (caller frees). */
char		*store_plain_name(const char *path);
/* Move the WAL's contents into the database file and empty the WAL. */
enum pd_status	sqlite_checkpoint(struct store *, char **cause);
/*
 * Check that file is a prontodb database this version can open, without
 * changing it: PD_ERROR with *cause when it is corrupt or foreign.
 */
enum pd_status	sqlite_verify_file(const char *file, char **cause);
/*
 * Replace the database file target with file from (checked, and on the
 * same file system), renamed over it; from is made a WAL database first.
 * When target exists, its contents are first copied into safety, an empty
 * file the caller made.  Waits up to busy_ms for other processes to close
 * target, then gives up with PD_BUSY, and holds target locked until the
 * new file is in place.
 */
enum pd_status	sqlite_replace(const char *target, const char *from,
		    const char *safety, int busy_ms, char **cause);
/*
 * sqlite_check on the database file at path, opened without bringing its
 * schema up to date, so that a file too damaged to open is reported as a
 * finding in SQLite's words rather than as an error.
 */
enum pd_status	sqlite_check_file(const char *path, int busy_ms,
		    void (*fn)(void *, const char *), void *, char **cause);

/*
 * Step q through its rows, handing each to row (which reads its columns
 * and calls the caller's callback), then reset q and clear its bindings.
 * A status other than PD_OK from row stops early and is returned.
 */
struct store_rows {
	void		*fn;		/* the caller's callback */
	void		*ctx;
};
enum pd_status	store_rows(struct sqldb *, sqlite3_stmt *,
		    enum pd_status (*row)(const struct store_rows *,
		    sqlite3_stmt *), const struct store_rows *, char **cause);

/*
 * What went wrong, for result code rc of connection db to the database at
 * path: the file and errno of a failed file operation (sqlite/vfs.c), the
 * file of a damaged database, or SQLite's message.
 */
char		*store_error(sqlite3 *db, const char *path, int rc);
/*
 * Whether the path no longer names the file this connection has open (a
 * restore, db drop or db rename).
 */
int		store_replaced(const struct sqldb *);
/* Map an SQLite result code to a status and describe it in *cause. */
enum pd_status	store_fail(struct sqldb *, int rc, char **cause);
/* Prepare sql into *out once; later calls reuse it. */
enum pd_status	store_prepare(struct sqldb *, const char *sql,
		    sqlite3_stmt **out, char **cause);
/*
 * Prepare sql, which uses table, one of the tables made by their first
 * row (sys_settings, sys_meta, sys_users and the others of sqlite/sec.c):
 * a connection parses the whole schema before its first statement, and a
 * database that never has such rows should not cost every verb their
 * parse.  While table is not made, *out stays NULL and the status is
 * PD_OK, which callers take for no rows and nothing to change; with make,
 * the DDL that makes it, it is made first (a statement that adds rows).
 */
enum pd_status	store_prepare_made(struct sqldb *, const char *sql,
		    sqlite3_stmt **out, const char *table, const char *make,
		    char **cause);
/*
 * Whether table is in the file's schema, as the transaction or statement
 * under way sees it (the file is read, not this connection's idea of it);
 * 1 when that cannot be told, so that what needs it fails with the reason.
 */
int		store_table_made(struct sqldb *, const char *table);
/* The DDL of sys_meta (metakeys), for store_prepare_made. */
extern const char store_meta_table[];
/*
 * Step q to its one row and take its first column, a number, into *n;
 * then reset q and clear its bindings.
 */
enum pd_status	store_count(struct sqldb *, sqlite3_stmt *, long long *n,
		    char **cause);
/* Run sql, statements that return no rows, once. */
enum pd_status	store_exec(struct sqldb *, const char *sql, char **cause);
/*
 * Put the database in journal mode "wal" or "delete", trying again for
 * busy_ms while another connection holds it; an SQLite result code.
 */
int		store_journal_mode(struct sqldb *, const char *mode,
		    int busy_ms);

/*
 * A load without the WAL (sqlite/load.c): store_load_start leaves WAL
 * mode before a transaction when the database is small and nobody else
 * has it open, store_load_end goes back once the transaction is over, and
 * store_load_recover, before a connection's first write, puts back in WAL
 * mode a database that a load left without it.  None of them fails: a
 * load that cannot leave the WAL runs in it.
 */
void		store_load_start(struct sqldb *);
void		store_load_end(struct sqldb *);
void		store_load_recover(struct sqldb *);
/*
 * Column i's bytes: NULL only for an SQL NULL, "" for an empty value,
 * which SQLite hands over as NULL too.
 */
const void	*store_column_value(sqlite3_stmt *, int i);
/*
 * sqlite3_step, but outside a transaction a busy database is tried again,
 * backing off, until busy_ms is spent: SQLite's busy handler does not
 * cover every case (a WAL being recovered or a database being created
 * report busy at once), and a statement that failed so did nothing.
 */
int		store_step(struct sqldb *, sqlite3_stmt *);
/* Step a statement that returns no rows, then reset it. */
enum pd_status	store_run(struct sqldb *, sqlite3_stmt *, char **cause);
/*
 * Step q to its one row and copy its first column into val: PD_OK (q
 * stays on the row for the other columns), PD_MISS without a row, or the
 * failure.  The caller resets q.
 */
enum pd_status	store_step_blob(struct sqldb *, sqlite3_stmt *,
		    struct buf *val, char **cause);

/*
 * Big values (sqlite/blob.c): a value over STORE_BLOB_MIN bytes is kept
 * in sys_blobs, its key's row holding the blob's id, an INTEGER.
 */
#define STORE_BLOB_MIN	(1024 * 1024)
/* Make sys_blobs and the triggers that delete t's blobs with its rows. */
enum pd_status	store_blob_ready(struct sqldb *, const struct kvtable *t,
		    char **cause);
/* Whether sys_blobs exists. */
int		store_blob_exists(struct sqldb *);
/*
 * Drop the trigger that deletes a blob with its row of t, so that rows
 * whose copies moved elsewhere can go; store_blob_ready puts it back.
 */
enum pd_status	store_blob_unhook(struct sqldb *, const struct kvtable *t,
		    char **cause);
/*
 * Write len bytes at val as a new blob of key table t, in pieces, and
 * give its id in *id; inside the caller's write transaction.
 */
enum pd_status	store_blob_put(struct sqldb *, const struct kvtable *t,
		    const void *val, size_t len, long long *id, char **cause);
/*
 * Write len bytes at val, in pieces, into column of table's row (a
 * zeroblob of len bytes already there).
 */
enum pd_status	store_blob_write(struct sqldb *, const char *table,
		    const char *column, long long row, const void *val,
		    size_t len, char **cause);
/* Read blob id, in pieces, and lend it to fn (if not NULL). */
enum pd_status	store_blob_get(struct sqldb *, long long id,
		    store_value_fn fn, void *ctx, char **cause);
/*
 * Give fn a finding for each key whose blob is missing and one for blobs
 * no key holds; *n is how many findings.
 */
enum pd_status	store_blob_check(struct sqldb *,
		    void (*fn)(void *, const char *), void *ctx, int *n,
		    char **cause);
/* Register pd_value(v) and pd_length(v) on st's connection. */
int		store_blob_functions(struct sqldb *);
/* Finalize sqlite/blob.c's statements. */
void		store_blob_release(struct sqldb *);

/*
 * The route of project.ns: the key table holding it (kv unless it was
 * mapped elsewhere) and its policy.  Cached inside a write transaction;
 * the pointer is good until the next call.
 */
enum pd_status	store_route(struct sqldb *, const char *project,
		    const char *ns, struct route **, char **cause);
/* The key table holding project.ns, from its route. */
enum pd_status	store_table_of(struct sqldb *, const char *project,
		    const char *ns, struct kvtable **, char **cause);
/* The names of every key table (store_names_free frees them). */
enum pd_status	store_table_names(struct sqldb *, char ***names, size_t *n,
		    char **cause);
void		store_names_free(char **names, size_t n);
/* The key table called name, its statements ready to prepare. */
struct kvtable	*store_table_named(struct sqldb *, const char *name);
/* Prepare template (with %s for the table) once for table t. */
enum pd_status	store_kvquery(struct sqldb *, struct kvtable *, int which,
		    const char *template, sqlite3_stmt **, char **cause);
/* How many keys project.ns holds (in whichever table). */
enum pd_status	store_ns_count(struct sqldb *, const char *project,
		    const char *ns, long long *, char **cause);
/* Delete metakeys of a namespace (key NULL) or of one key. */
enum pd_status	store_meta_clear(struct sqldb *, const char *project,
		    const char *ns, const char *key, char **cause);
/* Delete the grants in project, or in its namespace ns (not NULL). */
enum pd_status	store_grants_drop(struct sqldb *, const char *project,
		    const char *ns, char **cause);
/* Give dst a copy of src's metakeys, in place of its own. */
enum pd_status	store_meta_copy(struct sqldb *, const struct addr *src,
		    const struct addr *dst, char **cause);

/* Prepare template (with %s for t) into *slot, once. */
enum pd_status	store_kvprepare(struct sqldb *, const struct kvtable *,
		    sqlite3_stmt **slot, const char *template, char **cause);

/* Forget cached routes (a namespace moved or went, a transaction ended). */
void		store_route_reset(struct sqldb *);
/* ... and free the cache. */
void		store_route_release(struct sqldb *);
/* Finalize every table's statements and free them. */
void		store_tables_release(struct sqldb *);

/* Upsert one row now (the statement behind a batch's rows). */
enum pd_status	store_upsert(struct sqldb *, const char *project,
		    const char *ns, const char *key, const void *val,
		    size_t vlen, long long now, long long expires, char **cause);

/*
 * Delete the live key a (stored names) and its metakeys, in the open
 * transaction: a change, as store_del's is; PD_MISS when it is absent.
 */
enum pd_status	store_del_key(struct sqldb *, const struct addr *,
		    char **cause);

/*
 * A metakey of the live key a changed: the key takes a revision, logged
 * as "meta"; PD_MISS when there is no such key.
 */
enum pd_status	store_touch(struct sqldb *, const struct addr *, char **cause);

/*
 * A write outside store_begin ... store_commit runs in a transaction of
 * its own, so that its revision is taken and recorded with it:
 * store_own_begin starts one when none is open (*own says so), and
 * store_own_end commits it when s is PD_OK or PD_MISS, else rolls it
 * back; the status is s, or the commit's failure.
 */
enum pd_status	store_own_begin(struct sqldb *, int *own, char **cause);
/*
 * The entry of a public write of one key (a stored address):
 * store_own_begin.
 */
enum pd_status	store_key_begin(struct sqldb *, const struct addr **a,
		    int *own, char **cause);
enum pd_status	store_own_end(struct sqldb *, int own, enum pd_status s,
		    char **cause);

/*
 * Revisions (sqlite/changes.c).  Every change takes the next revision of
 * the database: store_rev_take before the change is made (its statement
 * writes the number into the key's row), store_rev_untake when it turned
 * out to change nothing.  store_log then records it in the change log,
 * when changes are logged: op is "set" (with the value), "del", "meta",
 * "ttl", "expire" or "evict", expires the key's expiry after it (0:
 * none).  Changes of many keys in one statement (a purge, an eviction, a
 * namespace cleared) log themselves with an INSERT ... SELECT whose rows
 * take ?N + row_number() and then count them with store_rev_many.
 */
long long	store_rev_take(struct sqldb *);
void		store_rev_untake(struct sqldb *);
void		store_rev_many(struct sqldb *, long long n);
enum pd_status	store_log(struct sqldb *, long long rev, const char *op,
		    const char *project, const char *ns, const char *key,
		    const void *value, size_t vlen, long long expires,
		    long long at, char **cause);
/* The statement that logs a queued row (batch_queue.log). */
enum pd_status	store_log_stmt(struct sqldb *, sqlite3_stmt **, char **cause);
/* Bind a queued row's change to the log statement; SQLITE_STATIC. */
void		store_bind_log(sqlite3_stmt *, long long rev, const char *op,
		    const char *project, size_t plen, const char *ns,
		    size_t nlen, const char *key, size_t klen, const void *value,
		    size_t vlen, long long expires, long long at);
/* At store_begin: the revision so far, and whether changes are logged. */
enum pd_status	store_changes_begin(struct sqldb *, char **cause);
/* Before COMMIT: record the revision, trim the log. */
enum pd_status	store_changes_commit(struct sqldb *, char **cause);
/* After COMMIT: wake the watchers if anything changed. */
void		store_changes_notify(struct sqldb *);
/* Savepoints keep revisions in step with what they undo. */
void		store_changes_savepoint(struct sqldb *);
void		store_changes_release(struct sqldb *, int keep);
/* Finalize the statements and close the notification file. */
void		store_changes_close(struct sqldb *);
/* PD_OK when changes are logged, PD_MISS when not (yet). */
enum pd_status	store_changes_on(struct sqldb *, char **cause);
/* Turn the change log on, for good, in the open transaction. */
enum pd_status	store_changes_enable(struct sqldb *, char **cause);

/* A watch of the SQLite backend: the common part first. */
struct sqlite_watch {
	struct store_watch	 base;
	struct sqldb	*st;
	int		 ifd;		/* inotify */
	long long	 ticket;	/* queued for a lock (sqlite/lock.c) */
};

/*
 * The notification file (sqlite/changes.c), open in st->watch_fd: made if
 * need be with create, else PD_MISS when it does not exist.
 */
enum pd_status	store_watch_file(struct sqldb *, int create, char **cause);
/*
 * A lock waiter's life line (sqlite/lock.c): store_watch_hold locks the
 * byte of ticket in the notification file for w (-1 when it cannot),
 * which the kernel releases when the process ends; store_watch_drop
 * releases it;
 * store_waiter_alive tells whether the waiter of ticket still holds it.
 */
int		store_watch_hold(struct store_watch *, long long ticket);
void		store_watch_drop(struct store_watch *);
long long	store_watch_ticket(const struct store_watch *);
int		store_waiter_alive(struct sqldb *, long long ticket);
/* Finalize sqlite/lock.c's statements. */
void		store_lock_release(struct sqldb *);
/*
 * Delete expired keys (and their metakeys) of project.ns, or of the view
 * when project is NULL, at most limit when limit > 0, in the open
 * transaction (sqlite/expire.c); *count is how many went.
 */
enum pd_status	store_purge_expired(struct sqldb *, const char *project,
		    const char *ns, long long limit, long long *count,
		    char **cause);
/* Enforce project.ns's max_items after a write. */
enum pd_status	store_evict(struct sqldb *, const char *project,
		    const char *ns, char **cause);

/* The statements that register a project, a namespace (no wait). */
enum pd_status	store_register_stmts(struct sqldb *, sqlite3_stmt **project,
		    sqlite3_stmt **ns, char **cause);
/*
 * Make sure project and namespace exist as objects before a key is written
 * into them (implicit creation); cheap once their route says they do.
 */
enum pd_status	store_register(struct sqldb *, const char *project,
		    const char *ns, long long now, char **cause);

/*
 * Queue a write; PD_OK, or the error of an earlier queue that could not be
 * applied (the transaction was then rolled back: see store_sync).
 */
enum pd_status	batch_add(struct sqldb *, const struct addr *, const void *,
		    size_t, long long now, long long expires, char **cause);
/* Apply every queued write now, in key order, and empty the queues. */
enum pd_status	batch_flush(struct sqldb *, char **cause);
/* Wait for the writer thread; its SQLite result code, and *msg if not OK. */
int		batch_join(struct batch *, char **msg);
/* pthread_create, the thread blocking every signal (they are main's). */
int		store_thread(pthread_t *, void *(*)(void *), void *);
/*
 * Roll the transaction back: the queued writes, the cached routes and the
 * database's; what sqlite_rollback does, here because a queue that cannot
 * be applied undoes its transaction too.
 */
void		store_abort(struct sqldb *);
/* Drop the queued writes (rollback) once the writer is done with them. */
void		batch_clear(struct batch *);
/* ... and stop the writer thread and free everything. */
void		batch_release(struct batch *);

/*
 * Order two names "project NUL ns NUL key NUL" of alen and blen bytes:
 * names hold no NUL, so bytewise order is project, then namespace, then
 * key order.
 */
static inline int
store_names_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	 c = memcmp(a, b, alen < blen ? alen : blen);

	return c != 0 ? c : alen < blen ? -1 : alen > blen;
}

/* Create the run file in dir (once). */
int		runs_open(struct batch_runs *, const char *dir, char **msg);
/* Append sorted queue q as one run; an SQLite result code. */
int		runs_write(struct batch_runs *, const struct batch_queue *,
		    char **msg);
/*
 * Merge every run: runs_merge_next fills r (all but off) and *bytes with
 * the next row in key order, equal keys in the order they were written,
 * until it returns 0 (*rc says whether at the end or on an error).  The
 * row is good until the next call.
 */
struct runs_merge;
int		runs_merge_start(struct batch_runs *, struct runs_merge **,
		    char **msg);
int		runs_merge_next(struct runs_merge *, struct batch_row *,
		    const char **bytes, int *rc, char **msg);
void		runs_merge_end(struct runs_merge *);
/* Forget every run (and give back the file's space). */
void		runs_reset(struct batch_runs *);
void		runs_release(struct batch_runs *);

/*
 * The writer thread owns the connection from a batch_add that hands it a
 * full queue until the next store_sync: call it before any use of st->db.
 * If the writer failed, the transaction is rolled back and its cause
 * returned, because writes already reported done were lost.
 */
enum pd_status	store_sync_wait(struct sqldb *, char **cause);
static inline enum pd_status
store_sync(struct sqldb *st, char **cause)
{
	return st->batch.inflight ? store_sync_wait(st, cause) : PD_OK;
}
/*
 * The upsert of one row into key table t, prepared on first use; no wait
 * for the writer once it is.
 */
enum pd_status	store_upsert_stmt(struct sqldb *, struct kvtable *,
		    sqlite3_stmt **, char **cause);
/* Key table t's statements of UPSERT_ROWS rows, prepared on first use. */
enum pd_status	store_many_stmts(struct sqldb *, struct kvtable *,
		    const struct kvmany **, char **cause);
void		store_many_release(struct kvmany *);
/* Bind a key's names as parameters at+1 .. at+3, not copied. */
void		store_bind_names(sqlite3_stmt *, int at, const char *project,
		    size_t plen, const char *ns, size_t nlen, const char *key,
		    size_t klen);
/*
 * Bind one row (row 0, 1, ...) of an upsert from store_upsert_stmt, the
 * change of revision rev; the strings and the value must outlive the
 * statement's step.
 */
void		store_bind_upsert(sqlite3_stmt *, int row, const char *project,
		    size_t plen, const char *ns, size_t nlen, const char *key,
		    size_t klen, const void *val, size_t vlen, long long now,
		    long long expires, long long rev);
/*
 * Bind row row of kvmany's same statement, whose rows share the project
 * and namespace bound as ?1 and ?2; as store_bind_upsert otherwise.
 */
void		store_bind_shared(sqlite3_stmt *, int row, const char *key,
		    size_t klen, const void *val, size_t vlen, long long now,
		    long long expires, long long rev);
/*
 * The status that an SQLite result code maps to.  Out of memory does not
 * return: it ends the process as util.h's allocators do.
 */
enum pd_status	store_status_of(int rc);

/* Make sqlite/mem.c SQLite's allocator; before SQLite's first use. */
void		store_mem_setup(void);

/*
 * Put sqlite/vfs.c's file layer in front of SQLite's default one; an
 * SQLite result code.
 */
int		store_vfs_register(void);
/*
 * "cannot write /x/main.db-wal: File too large" when the last file
 * operation that failed in this thread explains result code rc, else
 * NULL; either way it is forgotten.
 */
char		*store_vfs_cause(int rc);
/* Forget this thread's last failed file operation. */
void		store_vfs_forget(void);

/*
 * A file of the database synced in the background as it grows
 * (sqlite/writeback.c); vfs.c keeps one per open file.
 */
struct writeback {
	long long	 pending;	/* bytes written since the last ask */
	dev_t		 dev;		/* the file fd was found open on */
	ino_t		 ino;
	int		 fd;		/* SQLite's descriptor; -1: not found */
	int		 on;		/* the database or its WAL */
};

/* Start counting a file's writes; on: whether it is worth asking. */
void		writeback_init(struct writeback *, int on);
/* Note n bytes written to the file at path. */
void		writeback_note(struct writeback *, const char *path, int n);
/* Wait for a background sync: a file is about to close. */
void		writeback_close(void);
/* The errno of a failed background sync of the file at path, told once. */
int		writeback_failed(const char *path);

/*
 * Bind the view's range of stored projects to ?at and ?at+1, for a
 * condition "col >= ?at AND (?at+1 IS NULL OR col < ?at+1)" (CTX_RANGE).
 */
void		store_ctx_range(const struct sqldb *, sqlite3_stmt *, int at);
#define CTX_RANGE(col, lo, hi) \
	col " >= ?" #lo " AND (?" #hi " IS NULL OR " col " < ?" #hi ")"

#endif
