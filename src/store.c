/*
 * store.c - the SQLite backend of store.h.
 *
 * One connection per process, WAL with synchronous=NORMAL (FULL with
 * durability = full), write transactions begun IMMEDIATE so a writer
 * waits for the lock up front (busy_timeout) instead of failing at
 * commit, and every statement prepared once and reused for the life of
 * the connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "store-int.h"


enum {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_GET,
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
 * Key statements are templates: %s is the key table of the namespace they
 * touch ("kv", or "t_NAME" for a table of its own), see kvquery().
 */
static const char *const queries[Q_COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	/*
	 * ?5 is now, ?7 the expiry (NULL: never), ?8 the change's revision;
	 * expired rows are dead.
	 */
	[Q_GET] = "SELECT value, coalesce(revision, 0) FROM %s WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3 AND "
	    "(expires IS NULL OR expires > ?5)",
	[Q_GET_ANY] = "SELECT value, coalesce(revision, 0) FROM %s WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3",
	[Q_DEL] = "DELETE FROM %s WHERE project = ?1 AND namespace = ?2 AND "
	    "key = ?3 AND (expires IS NULL OR expires > ?5)",
	/* An expired key is absent: if-absent may take its place. */
	[Q_SET_ABSENT] = "INSERT INTO %s(project, namespace, key, value, "
	    "version, created, updated, expires, revision) VALUES (?1, ?2, "
	    "?3, ?4, 1, ?5, ?5, ?7, ?8) ON CONFLICT DO UPDATE SET "
	    "value = excluded.value, version = version + 1, "
	    "updated = excluded.updated, expires = excluded.expires, "
	    "revision = excluded.revision WHERE expires IS NOT NULL AND "
	    "expires <= excluded.updated",
	[Q_SET_VERSION] = "UPDATE %s SET value = ?4, version = version + 1, "
	    "updated = ?5, expires = ?7, revision = ?8 WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 AND version = ?6 AND "
	    "(expires IS NULL OR expires > ?5)",
	[Q_INFO] = "SELECT version, created, updated, length(value), "
	    "coalesce(expires, 0), coalesce(revision, 0) FROM %s WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3 AND "
	    "(expires IS NULL OR expires > ?5)",
	[Q_EXPIRE] = "UPDATE %s SET expires = ?7, revision = ?8 WHERE "
	    "project = ?1 AND namespace = ?2 AND key = ?3 AND "
	    "(expires IS NULL OR expires > ?5)",
	/* A metakey changed: the key's revision. */
	[Q_TOUCH] = "UPDATE %s SET revision = ?8 WHERE project = ?1 AND "
	    "namespace = ?2 AND key = ?3 AND (expires IS NULL OR expires > ?5)",
};

/*
 * Schema migrations: step i brings user_version from i to i + 1.  Append
 * new steps; never edit a released one.
 */
static const char *const migrations[] = {
	"CREATE TABLE kv ("
	" project TEXT NOT NULL,"
	" namespace TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" value BLOB NOT NULL,"
	" version INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" PRIMARY KEY (project, namespace, key)"
	") WITHOUT ROWID;",

	"CREATE TABLE sys_settings ("
	" name TEXT PRIMARY KEY,"
	" value BLOB NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE sys_users ("
	" name TEXT PRIMARY KEY,"
	" pass_hash TEXT NOT NULL,"
	" admin INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE sys_grants ("
	" user TEXT NOT NULL REFERENCES sys_users(name) ON DELETE CASCADE,"
	" project TEXT NOT NULL,"
	" namespace TEXT NOT NULL,"	/* '' for the whole project */
	" level INTEGER NOT NULL,"
	" PRIMARY KEY (user, project, namespace)"
	") WITHOUT ROWID;"
	"CREATE TABLE sys_apikeys ("
	" id TEXT PRIMARY KEY,"
	" user TEXT NOT NULL REFERENCES sys_users(name) ON DELETE CASCADE,"
	" hash BLOB NOT NULL,"
	" created INTEGER NOT NULL"
	") WITHOUT ROWID;",

	/* Metakeys belong to their key: they go when it goes. */
	"CREATE TABLE sys_meta ("
	" project TEXT NOT NULL,"
	" namespace TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" value BLOB NOT NULL,"
	" PRIMARY KEY (project, namespace, key, name)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER kv_meta_delete AFTER DELETE ON kv BEGIN"
	" DELETE FROM sys_meta WHERE project = old.project AND"
	" namespace = old.namespace AND key = old.key;"
	" END;",

	/* Projects and namespaces as objects; existing keys register. */
	"CREATE TABLE sys_projects ("
	" name TEXT PRIMARY KEY,"
	" description TEXT NOT NULL DEFAULT '',"
	" created INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE sys_namespaces ("
	" project TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" kind TEXT NOT NULL DEFAULT 'std',"
	" tbl TEXT NOT NULL DEFAULT 'kv',"
	" description TEXT NOT NULL DEFAULT '',"
	" ttl_ms INTEGER,"
	" max_items INTEGER,"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (project, name)"
	") WITHOUT ROWID;"
	"INSERT INTO sys_projects(name, created) SELECT project, min(created) "
	" FROM kv GROUP BY project;"
	"INSERT INTO sys_namespaces(project, name, created) SELECT project, "
	" namespace, min(created) FROM kv GROUP BY project, namespace;",

	/*
	 * Key tables.  Metakeys are now deleted explicitly, because moving
	 * a namespace between tables deletes its rows from one of them.
	 */
	"CREATE TABLE sys_tables ("
	" name TEXT PRIMARY KEY,"
	" created INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO sys_tables VALUES ('kv', CAST((julianday('now') - "
	" 2440587.5) * 86400000 AS INTEGER));"
	"DROP TRIGGER kv_meta_delete;",

	/* Expiry (TTL namespaces); tables made with table create: below. */
	"ALTER TABLE kv ADD COLUMN expires INTEGER;"
	"CREATE INDEX kv_expires ON kv(expires) WHERE expires IS NOT NULL;",

	/*
	 * Revisions, the change log and the queue of lock waiters
	 * (store-changes.c, store-lock.c); every key table gets the
	 * revision column, below.  Logging starts (log_from) when the
	 * database is first watched.
	 */
	"ALTER TABLE kv ADD COLUMN revision INTEGER;"
	"CREATE TABLE sys_revision ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" current INTEGER NOT NULL,"
	" log_from INTEGER"
	");"
	"INSERT INTO sys_revision VALUES (1, 0, NULL);",
	/*
	 * The change log (store-changes.c) and the lock queue
	 * (store-lock.c) are made when first used: a connection parses the
	 * whole schema before its first statement, and a database never
	 * watched should not pay for their tables.
	 */
};


/*
 * Steps that SQL alone cannot do: every user table gets the columns kv
 * got, in the same order (ns move copies rows with SELECT *).
 */
static enum pd_status
migrate_tables(struct sqldb *st, int step, char **cause)
{
	sqlite3_stmt	*q;
	struct buf	 sql;
	enum pd_status	 s = PD_OK;
	int		 rc;

	if (step != 5 && step != 6)
		return PD_OK;
	buf_init(&sql);
	if ((rc = sqlite3_prepare_v2(st->db, "SELECT name FROM sys_tables "
	    "WHERE name <> 'kv'", -1, &q, NULL)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	while (store_step(st, q) == SQLITE_ROW) {
		const char	*t = (const char *)sqlite3_column_text(q, 0);
		char		*one = step == 6 ? xasprintf("ALTER TABLE "
		    "\"t_%s\" ADD COLUMN revision INTEGER;", t) :
		    xasprintf("ALTER TABLE \"t_%s\" ADD "
		    "COLUMN expires INTEGER; CREATE INDEX \"t_%s_expires\" ON "
		    "\"t_%s\"(expires) WHERE expires IS NOT NULL;", t, t, t);

		buf_adds(&sql, one);
		free(one);
	}
	sqlite3_finalize(q);
	if (sql.len > 0)
		s = store_exec(st, sql.data, cause);
	buf_release(&sql);
	return s;
}

#define SCHEMA_VERSION	((int)(sizeof(migrations) / sizeof(migrations[0])))

enum pd_status
store_status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		util_out_of_memory();
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return PD_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return PD_BUSY;
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return PD_IOERR;
	case SQLITE_AUTH:
	case SQLITE_PERM:
		return PD_DENIED;
	default:
		return PD_ERROR;
	}
}

char *
store_error(sqlite3 *db, const char *path, int rc)
{
	const char	*why = db != NULL ? sqlite3_errmsg(db) :
			    sqlite3_errstr(rc);
	char		*cause;

	store_status_of(rc);
	if ((cause = store_vfs_cause(rc)) != NULL)
		return cause;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return xstrdup("database is locked (busy_timeout expired)");
	if (((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) &&
	    path != NULL)
		return xasprintf("%s: %s", path, why);
	return xasprintf("database error: %s", why);
}

enum pd_status
store_fail(struct sqldb *st, int rc, char **cause)
{
	*cause = store_error(st->db, st->path, rc);
	return store_status_of(rc);
}

enum pd_status
store_prepare(struct sqldb *st, const char *sql, sqlite3_stmt **out,
    char **cause)
{
	enum pd_status	 s;
	int		 rc;

	/* Every use of a statement starts here: the writer must be done. */
	if ((s = store_sync(st, cause)) != PD_OK || *out != NULL)
		return s;
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    out, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	return PD_OK;
}

enum pd_status
store_rows(struct sqldb *st, sqlite3_stmt *q,
    enum pd_status (*row)(const struct store_rows *, sqlite3_stmt *),
    const struct store_rows *r, char **cause)
{
	enum pd_status	 s = PD_OK;
	int		 rc;

	while ((rc = store_step(st, q)) == SQLITE_ROW)
		if ((s = row(r, q)) != PD_OK)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

int
store_step(struct sqldb *st, sqlite3_stmt *q)
{
	long long	 start, left;
	int		 rc, pause = 1;

	/* Inside a transaction a lock is held, or retrying would not help. */
	if (!sqlite3_get_autocommit(st->db))
		return sqlite3_step(q);
	start = util_mono_ms();
	while (((rc = sqlite3_step(q)) & 0xff) == SQLITE_BUSY ||
	    (rc & 0xff) == SQLITE_LOCKED) {
		if ((left = st->busy_ms - (util_mono_ms() - start)) <= 0)
			break;
		sqlite3_reset(q);
		/* Back off, with jitter so that waiters do not step in line. */
		pause = pause < 64 ? pause * 2 : 64;
		left = left < pause ? left : pause / 2 + rand() % (pause / 2);
		nanosleep(&(struct timespec){ left / 1000,
		    left % 1000 * 1000000 }, NULL);
	}
	return rc;
}

enum pd_status
store_run(struct sqldb *st, sqlite3_stmt *s, char **cause)
{
	int	 rc = store_step(st, s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(st, rc, cause);
	return PD_OK;
}

enum pd_status
store_step_blob(struct sqldb *st, sqlite3_stmt *q, struct buf *val,
    char **cause)
{
	int	 rc = store_step(st, q);

	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? PD_MISS : store_fail(st, rc, cause);
	buf_reset(val);
	buf_add(val, sqlite3_column_blob(q, 0),
	    (size_t)sqlite3_column_bytes(q, 0));
	return PD_OK;
}

enum pd_status
store_exec(struct sqldb *st, const char *sql, char **cause)
{
	enum pd_status	 s;
	int		 rc;

	if ((s = store_sync(st, cause)) != PD_OK)
		return s;
	if ((rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL)) == SQLITE_OK)
		return PD_OK;
	if (cause == NULL)
		return store_status_of(rc);
	return store_fail(st, rc, cause);
}

/*
 * The schema version into *v.  Reading it is the first read of the file,
 * so this is where a damaged or foreign file, or a WAL that cannot be
 * made, shows: the SQLite result code says which.
 */
static int
user_version(struct sqldb *st, int *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	*v = -1;
	if ((rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*v = sqlite3_column_int(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * Switch a new database to WAL.  The switch needs an exclusive lock, and
 * two processes creating the same database at once can each hold a shared
 * lock the other waits for, which SQLite reports as busy at once rather
 * than through the busy handler; so retry until busy_ms is spent.
 */
static enum pd_status
wal_mode(struct sqldb *st, int busy_ms, char **cause)
{
	struct timespec	 pause = { 0, 10 * 1000 * 1000 };
	sqlite3_stmt	*q;
	int		 rc, waited = 0, wal = 0;

	for (;;) {
		rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1,
		    &q, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			wal = sqlite3_stricmp((const char *)
			    sqlite3_column_text(q, 0), "wal") == 0;
			rc = SQLITE_OK;
		}
		sqlite3_finalize(q);
		if (wal)
			return PD_OK;
		if (waited >= busy_ms)
			break;
		nanosleep(&pause, NULL);
		waited += 10;
	}
	if (rc == SQLITE_OK)
		rc = SQLITE_BUSY;
	return store_fail(st, rc, cause);
}

/*
 * Create the schema when user_version says it is missing.  A database whose
 * schema is current costs one pragma read and no write.
 */
static enum pd_status
migrate(struct sqldb *st, int v, int busy_ms, char **cause)
{
	enum pd_status	 s;
	int		 rc;

	if (v == SCHEMA_VERSION)
		return PD_OK;
	if (st->ro_cause != NULL) {
		*cause = xstrdup(st->ro_cause);
		return PD_IOERR;
	}
	if (v > SCHEMA_VERSION) {
		*cause = xasprintf("database schema version %d is not "
		    "supported by this prontodb", v);
		return PD_ERROR;
	}
	/*
	 * Page size and journal mode are persistent in the file: set them
	 * once, at creation.  16 KiB pages make an import of short rows
	 * about 15% faster than the default 4 KiB (fewer page splits and
	 * less per-page bookkeeping), and cost a point read nothing visible.
	 */
	if (v == 0 && ((s = store_exec(st, "PRAGMA page_size = 16384",
	    cause)) != PD_OK || (s = wal_mode(st, busy_ms, cause)) != PD_OK))
		return s;
	if ((s = store_exec(st, "BEGIN IMMEDIATE", cause)) != PD_OK)
		return s;
	/* Another process may have migrated it while we waited. */
	if ((rc = user_version(st, &v)) != SQLITE_OK) {
		store_exec(st, "ROLLBACK", NULL);
		return store_fail(st, rc, cause);
	}
	for (; v < SCHEMA_VERSION; v++) {
		char	*bump = xasprintf("PRAGMA user_version = %d", v + 1);

		s = store_exec(st, migrations[v], cause);
		if (s == PD_OK)
			s = migrate_tables(st, v, cause);
		if (s == PD_OK)
			s = store_exec(st, bump, cause);
		free(bump);
		if (s != PD_OK) {
			store_exec(st, "ROLLBACK", NULL);
			return s;
		}
	}
	return store_exec(st, "COMMIT", cause);
}

/*
 * Process-wide SQLite settings, before its first use.  Without memory
 * statistics (which prontodb never reads) an allocation takes no global
 * mutex: the writer thread and a one-shot verb both allocate a lot.  The
 * file layer in front of SQLite's own notes which file failed and why
 * (store-vfs.c).
 */
static void
sqlite_setup(void)
{
	static int	 done;

	if (!done) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		/*
		 * No bulk allocation of 20 pages when a connection's page
		 * cache starts: setting them up touched 18 pages of memory
		 * that a one-shot verb, which reads a handful of pages,
		 * never used (10% of a one-shot set's page faults).  Pages
		 * come one by one from the heap instead, as later ones did.
		 */
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
		store_vfs_register();
		done = 1;
	}
}

/*
 * The name to give SQLite for path.  This SQLite may be built to read a
 * name that starts with "file:" as a URI, whose query can change the
 * mode, the VFS or the file; "./" in front makes it the plain file name
 * it is everywhere else.  Caller frees.
 */
static char *
plain_name(const char *path)
{
	return strncmp(path, "file:", 5) == 0 ? xasprintf("./%s", path) :
	    xstrdup(path);
}

/*
 * Open name (st->path, or a URI for it) into st->db and note which file
 * that is: a restore renames another file over the path, and what this
 * process wrote into the file it holds would be lost (see same_file).  A
 * file replaced while it was being opened is opened again.
 */
static int
open_file(struct sqldb *st, const char *name, int flags)
{
	struct stat	 before, after;
	int		 rc, tries;

	for (tries = 0;; tries++) {
		st->known = stat(st->path, &before) == 0;
		rc = sqlite3_open_v2(name, &st->db, flags |
		    SQLITE_OPEN_NOMUTEX, NULL);
		if (rc != SQLITE_OK)
			return rc;
		if (!st->known || tries == 3 || (stat(st->path, &after) == 0 &&
		    after.st_dev == before.st_dev &&
		    after.st_ino == before.st_ino))
			break;
		sqlite3_close(st->db);
		st->db = NULL;
	}
	st->dev = before.st_dev;
	st->ino = before.st_ino;
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, st->busy_ms);
	return SQLITE_OK;
}

/*
 * Whether the path no longer names the file this connection has open.  A
 * restore renames another file over it, db drop and db rename take it
 * away, and writes into the file held here would be lost with it.
 */
int
store_replaced(const struct sqldb *st)
{
	struct stat	 sb;

	return st->known && (stat(st->path, &sb) != 0 ||
	    sb.st_dev != st->dev || sb.st_ino != st->ino);
}

/*
 * A restore waits until no other process has the database open, and a
 * process that opened it just before the swap waits for the restore to
 * finish before it can read, so store_open sees the swap and opens the
 * new file.  What remains is checked once the write lock is held, which
 * a restore holds until the new file is in place (store_replace).
 */
static enum pd_status
same_file(struct sqldb *st, char **cause)
{
	if (!store_replaced(st))
		return PD_OK;
	*cause = xasprintf("%s was replaced or removed after this process "
	    "opened it (restore, db drop or db rename): nothing was written, "
	    "run it again", st->path);
	return PD_BUSY;
}

/* "file:" and path with what a URI may not hold as %XX, then query. */
static char *
file_uri(const char *path, const char *query)
{
	static const char	 safe[] = "/-._~";
	struct buf		 b;
	char			 hex[4];

	buf_init(&b);
	buf_adds(&b, "file:");
	for (; *path != '\0'; path++) {
		unsigned char	c = (unsigned char)*path;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(safe, c) != NULL)
			buf_addc(&b, (char)c);
		else {
			snprintf(hex, sizeof(hex), "%%%02X", c);
			buf_adds(&b, hex);
		}
	}
	buf_adds(&b, query);
	return buf_detach(&b, NULL);
}

/*
 * Even to be read, a WAL database needs its -wal and -shm files, which
 * SQLite cannot make in a directory this process may not write (rc says
 * so).  When there is no -wal, so that no process has the database open
 * and none left writes behind, the file alone is the whole database: it
 * is read as immutable, and every write is refused with the reason
 * (st->ro_cause).  Otherwise the failure stands.
 */
static enum pd_status
open_read_only(struct sqldb *st, int rc, int *v, char **cause)
{
	char	*wal, *uri, *why;
	int	 gone;

	if (rc != SQLITE_READONLY_DIRECTORY && rc != SQLITE_READONLY_CANTINIT &&
	    rc != SQLITE_CANTOPEN)
		return store_fail(st, rc, cause);
	wal = xasprintf("%s-wal", st->path);
	gone = access(wal, F_OK) != 0 && errno == ENOENT;
	free(wal);
	if (!gone || (why = store_vfs_cause(rc)) == NULL)
		return store_fail(st, rc, cause);
	sqlite3_close(st->db);
	st->db = NULL;
	uri = file_uri(st->path, "?immutable=1");
	rc = open_file(st, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
	free(uri);
	if (rc == SQLITE_OK)
		rc = user_version(st, v);
	if (rc != SQLITE_OK) {
		free(why);
		return store_fail(st, rc, cause);
	}
	st->ro_cause = why;
	return PD_OK;
}

/* Open path once; without create a missing file is PD_MISS. */
static enum pd_status
open_once(const char *path, int busy_ms, int create, struct store **out,
    char **cause)
{
	struct sqldb	*st;
	const char	*slash = strrchr(path, '/');
	enum pd_status	 s;
	char		*name;
	int		 rc, fd, v;

	*out = NULL;
	/* Without O_CREAT the file must be there; its absence is no error. */
	if ((fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0),
	    0600)) < 0 && !create && errno == ENOENT)
		return PD_MISS;
	/* Created ourselves, the file is private from the first byte. */
	if (fd >= 0)
		close(fd);
	st = xcalloc(1, sizeof(*st));
	st->base.be = &store_sqlite;
	sqlite_setup();
	store_vfs_forget();
	st->batch.runs.fd = -1;
	st->wal_fd = -1;
	st->watch_fd = -1;
	st->keep_revs = STORE_KEEP_REVISIONS;
	st->keep_ms = STORE_KEEP_MS;
	st->busy_ms = busy_ms;
	st->path = xstrdup(path);
	st->watch_path = xasprintf("%s-watch", path);
	st->dir = slash == NULL ? xstrdup(".") : slash == path ?
	    xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	name = plain_name(path);
	rc = open_file(st, name, SQLITE_OPEN_READWRITE |
	    (create ? SQLITE_OPEN_CREATE : 0));
	free(name);
	if (rc != SQLITE_OK) {
		store_status_of(rc);
		if ((*cause = store_vfs_cause(rc)) == NULL)
			*cause = xasprintf("cannot open database %s: %s", path,
			    st->db != NULL ? sqlite3_errmsg(st->db) :
			    sqlite3_errstr(rc));
		s = PD_IOERR;
		goto fail;
	}
	store_ctx_open(st);
	if ((rc = user_version(st, &v)) != SQLITE_OK &&
	    (s = open_read_only(st, rc, &v, cause)) != PD_OK)
		goto fail;
	if ((s = migrate(st, v, busy_ms, cause)) != PD_OK)
		goto fail;
	*out = &st->base;
	return PD_OK;
fail:
	sqlite_close(&st->base);
	return s;
}

/*
 * Open path, and again when the file was swapped while we waited to read
 * it: the new one is the one to use.
 */
static enum pd_status
open_current(const char *path, int busy_ms, int create, struct store **out,
    char **cause)
{
	enum pd_status	 s;
	int		 tries;

	for (tries = 0;; tries++) {
		if ((s = open_once(path, busy_ms, create, out, cause)) !=
		    PD_OK || tries == 9 || !store_replaced(sqlite_of(*out)))
			return s;
		sqlite_close(*out);
		*out = NULL;
	}
}

enum pd_status
sqlite_open_file(const char *path, int busy_ms, int create,
    struct store **out, char **cause)
{
	return open_current(path, busy_ms, create, out, cause);
}

void
sqlite_set_durable(struct store *base, int full)
{
	struct sqldb	*st = sqlite_of(base);

	/* A change is made by the next store_begin's pragmas. */
	if (st->durable != full)
		st->tuned = 0;
	st->durable = full;
}

void
sqlite_close(struct store *base)
{
	struct sqldb	*st = sqlite_of(base);

	size_t	 i;

	if (st == NULL)
		return;
	if (st->in_tx)
		sqlite_rollback(&st->base);
	batch_release(&st->batch);
	free(st->dir);
	free(st->path);
	free(st->ro_cause);
	store_changes_close(st);
	store_lock_release(st);
	free(st->watch_path);
	store_tables_release(st);
	for (i = 0; i < OBJ_QUERIES; i++)
		sqlite3_finalize(st->obj[i]);
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	for (i = 0; i < SEC_QUERIES; i++)
		sqlite3_finalize(st->sec[i]);
	for (i = 0; i < META_QUERIES; i++)
		sqlite3_finalize(st->meta[i]);
	sqlite3_close(st->db);
	store_wal_close(st);
	store_ctx_close(st);
	free(st);
}

static enum pd_status
query(struct sqldb *st, int which, sqlite3_stmt **out, char **cause)
{
	enum pd_status	 s = store_prepare(st, queries[which], &st->q[which], cause);

	*out = st->q[which];
	return s;
}

/* Prepare key statement which for the table holding project.ns. */
static enum pd_status
kvquery(struct sqldb *st, const char *project, const char *ns, int which,
    sqlite3_stmt **out, char **cause)
{
	struct kvtable	*t;
	enum pd_status	 s;

	if ((s = store_table_of(st, project, ns, &t, cause)) != PD_OK)
		return s;
	return store_kvquery(st, t, which, queries[which], out, cause);
}

enum pd_status
sqlite_begin(struct store *base, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	/*
	 * Settings only writers need, made before the first write (a
	 * pragma is no use inside a transaction): a read pays for none.
	 * A 32 MiB page cache keeps a large import's dirty pages from
	 * spilling to the WAL and being read back, within a bounded RSS;
	 * it is set once the page size is final, as it counts in pages.
	 */
	if (st->ro_cause != NULL) {
		*cause = xstrdup(st->ro_cause);
		return PD_IOERR;
	}
	if (!st->tuned && (s = store_exec(st, st->durable ?
	    "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768; "
	    "PRAGMA foreign_keys = ON" : "PRAGMA synchronous = NORMAL; "
	    "PRAGMA cache_size = -32768; PRAGMA foreign_keys = ON",
	    cause)) != PD_OK)
		return s;
	st->tuned = 1;
	if ((s = query(st, Q_BEGIN, &q, cause)) != PD_OK ||
	    (s = store_run(st, q, cause)) != PD_OK)
		return s;
	if ((s = same_file(st, cause)) != PD_OK ||
	    (s = store_changes_begin(st, cause)) != PD_OK) {
		sqlite_rollback(&st->base);
		return s;
	}
	/* Routes seen before may have changed; from here on they cannot. */
	store_route_reset(st);
	st->in_tx = 1;
	st->tx_lost = 0;
	return PD_OK;
}

enum pd_status
sqlite_commit(struct store *base, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 purged;

	/*
	 * Writers of expiring keys purge a bounded batch of expired ones as
	 * they go; other writers skip the cost.
	 */
	if ((s = batch_flush(st, cause)) != PD_OK ||
	    (st->expiring &&
	    (s = sqlite_purge(&st->base, NULL, NULL, 64, &purged, cause)) !=
	    PD_OK) ||
	    (s = store_changes_commit(st, cause)) != PD_OK ||
	    (s = query(st, Q_COMMIT, &q, cause)) != PD_OK ||
	    (s = store_run(st, q, cause)) != PD_OK) {
		/* A failed queued write has said so already. */
		if (!st->tx_lost) {
			char	*c = xasprintf("%s; the transaction's writes "
			    "were rolled back", *cause);

			free(*cause);
			*cause = c;
		}
		/* A failed COMMIT may leave the transaction open. */
		sqlite_rollback(&st->base);
		st->tx_lost = 1;
		return s;
	}
	st->in_tx = 0;
	st->expiring = 0;
	store_changes_notify(st);
	return PD_OK;
}

void
sqlite_rollback(struct store *base)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	char		*cause = NULL;

	st->in_tx = 0;
	st->expiring = 0;
	st->nsp = 0;
	batch_clear(&st->batch);
	/* Registrations and moves were undone too. */
	store_route_reset(st);
	if (sqlite3_get_autocommit(st->db))
		return;
	if (query(st, Q_ROLLBACK, &q, &cause) == PD_OK)
		store_run(st, q, &cause);
	free(cause);
}

enum pd_status
sqlite_checkpoint(struct store *base, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", cause);
}

enum pd_status
sqlite_savepoint(struct store *base, const char *name, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	char		*sql;

	sql = xasprintf("SAVEPOINT %s", name);
	if ((s = store_exec(st, sql, cause)) == PD_OK)
		store_changes_savepoint(st);
	free(sql);
	return s;
}

enum pd_status
sqlite_savepoint_end(struct store *base, const char *name, int keep,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s = PD_OK;
	char		*sql;

	if (keep) {
		if ((s = batch_flush(st, cause)) != PD_OK)
			keep = 0;	/* what could not be applied is undone */
	}
	if (!keep) {
		/* Everything queued since the savepoint belongs to it. */
		batch_clear(&st->batch);
		store_route_reset(st);
		sql = xasprintf("ROLLBACK TO %s", name);
		if (store_exec(st, sql, s == PD_OK ? cause : NULL) != PD_OK &&
		    s == PD_OK)
			s = PD_ERROR;
		free(sql);
	}
	store_changes_release(st, keep);
	sql = xasprintf("RELEASE %s", name);
	if (store_exec(st, sql, s == PD_OK ? cause : NULL) != PD_OK && s == PD_OK)
		s = PD_ERROR;
	free(sql);
	return s;
}

int
sqlite_in_tx(const struct store *base)
{
	const struct sqldb	*st = sqlite_cof(base);

	return st->in_tx;
}

enum pd_status
store_own_begin(struct sqldb *st, int *own, char **cause)
{
	*own = !st->in_tx;
	return *own ? sqlite_begin(&st->base, cause) : PD_OK;
}

enum pd_status
store_key_begin(struct sqldb *st, const struct addr **a, int *own,
    char **cause)
{
	*a = store_ctx_addr(st, *a, &st->ctx_a[0]);
	return store_own_begin(st, own, cause);
}

enum pd_status
store_own_end(struct sqldb *st, int own, enum pd_status s, char **cause)
{
	enum pd_status	 c;

	if (!own)
		return s;
	if (s != PD_OK && s != PD_MISS) {
		sqlite_rollback(&st->base);
		return s;
	}
	return (c = sqlite_commit(&st->base, cause)) != PD_OK ? c : s;
}

int
sqlite_tx_lost(const struct store *base)
{
	const struct sqldb	*st = sqlite_cof(base);

	return st->tx_lost;
}

/*
 * Names and values are owned by the caller and outlive the statement's
 * step, so SQLITE_STATIC spares a copy of every value.
 */
static void
bind_addr(sqlite3_stmt *q, const struct addr *a)
{
	sqlite3_bind_text(q, 1, a->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->key, -1, SQLITE_STATIC);
}

/* ?7: an expiry, or NULL for none. */
static void
bind_expires(sqlite3_stmt *q, long long expires)
{
	if (expires > 0)
		sqlite3_bind_int64(q, 7, expires);
	else
		sqlite3_bind_null(q, 7);
}

enum pd_status
store_upsert(struct sqldb *st, const char *project, const char *ns,
    const char *key, const void *val, size_t len, long long now,
    long long expires, char **cause)
{
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;

	long long	 rev;

	if ((s = store_register(st, project, ns, now, cause)) != PD_OK ||
	    (s = store_table_of(st, project, ns, &t, cause)) != PD_OK ||
	    (s = store_upsert_stmt(st, t, &q, cause)) != PD_OK)
		return s;
	rev = store_rev_take(st);
	store_bind_upsert(q, 0, project, strlen(project), ns, strlen(ns), key,
	    strlen(key), val, len, now, expires, rev);
	if ((s = store_run(st, q, cause)) != PD_OK ||
	    (s = store_log(st, rev, "set", project, ns, key, val, len, expires,
	    now, cause)) != PD_OK)
		return s;
	if (expires > 0)
		st->expiring = 1;
	return store_evict(st, project, ns, cause);
}

void
store_bind_names(sqlite3_stmt *q, int at, const char *project, size_t plen,
    const char *ns, size_t nlen, const char *key, size_t klen)
{
	sqlite3_bind_text(q, at + 1, project, (int)plen, SQLITE_STATIC);
	sqlite3_bind_text(q, at + 2, ns, (int)nlen, SQLITE_STATIC);
	sqlite3_bind_text(q, at + 3, key, (int)klen, SQLITE_STATIC);
}

void
store_bind_upsert(sqlite3_stmt *q, int row, const char *project,
    size_t plen, const char *ns, size_t nlen, const char *key, size_t klen,
    const void *val, size_t vlen, long long now, long long expires,
    long long rev)
{
	int	 n = row * UPSERT_PARAMS;

	store_bind_names(q, n, project, plen, ns, nlen, key, klen);
	/* A non-NULL pointer makes an empty value a zero-length BLOB. */
	sqlite3_bind_blob64(q, n + 4, vlen > 0 ? val : "", vlen,
	    SQLITE_STATIC);
	sqlite3_bind_int64(q, n + 5, now);
	if (expires > 0)
		sqlite3_bind_int64(q, n + 6, expires);
	else
		sqlite3_bind_null(q, n + 6);
	sqlite3_bind_int64(q, n + 7, rev);
}

/* verb, rows rows into t (UPSERT_PARAMS parameters a row), then tail. */
static char *
insert_sql(const struct kvtable *t, const char *verb, int rows,
    const char *tail)
{
	struct buf	 b;
	char		*row;
	int		 i, p;

	buf_init(&b);
	buf_adds(&b, verb);
	buf_adds(&b, t->ident);
	buf_adds(&b, "(project, namespace, key, value, version, created, "
	    "updated, expires, revision) VALUES ");
	for (i = 0; i < rows; i++) {
		p = i * UPSERT_PARAMS;
		row = xasprintf("%s(?%d, ?%d, ?%d, ?%d, 1, ?%d, ?%d, ?%d, ?%d)",
		    i > 0 ? ", " : "", p + 1, p + 2, p + 3, p + 4, p + 5,
		    p + 5, p + 6, p + 7);
		buf_adds(&b, row);
		free(row);
	}
	buf_adds(&b, tail);
	return buf_detach(&b, NULL);
}

/* Rows for one key in one statement apply in order, as apart. */
static const char upsert_tail[] = " ON CONFLICT(project, namespace, key) "
    "DO UPDATE SET value = excluded.value, version = version + 1, "
    "updated = excluded.updated, expires = excluded.expires, "
    "revision = excluded.revision";

enum pd_status
store_upsert_stmt(struct sqldb *st, struct kvtable *t, sqlite3_stmt **out,
    char **cause)
{
	enum pd_status	 s = PD_OK;
	char		*sql;

	/* The hot path of a queued write: no wait for the writer thread. */
	if (t->up == NULL) {
		sql = insert_sql(t, "INSERT INTO ", 1, upsert_tail);
		s = store_prepare(st, sql, &t->up, cause);
		free(sql);
	}
	*out = t->up;
	return s;
}

enum pd_status
store_many_stmts(struct sqldb *st, struct kvtable *t,
    const struct kvmany **out, char **cause)
{
	struct kvmany	*m = t->many;
	enum pd_status	 s;
	char		*ins, *probe;

	*out = m;
	if (m != NULL)
		return PD_OK;
	/* Used only where the probe found no row: a conflict is a bug. */
	ins = insert_sql(t, "INSERT OR FAIL INTO ", UPSERT_ROWS, "");
	probe = xasprintf("SELECT 1 FROM %s WHERE (project, namespace, key) "
	    ">= (?1, ?2, ?3) AND (project, namespace, key) <= (?4, ?5, ?6)",
	    t->ident);
	m = xcalloc(1, sizeof(*m));
	if ((s = store_prepare(st, ins, &m->insert, cause)) == PD_OK)
		s = store_prepare(st, probe, &m->probe, cause);
	free(ins);
	free(probe);
	if (s != PD_OK) {
		store_many_release(m);
		return s;
	}
	t->many = m;
	*out = m;
	return PD_OK;
}

void
store_many_release(struct kvmany *m)
{
	if (m == NULL)
		return;
	sqlite3_finalize(m->insert);
	sqlite3_finalize(m->probe);
	free(m);
}

enum pd_status
sqlite_set(struct store *base, const struct addr *a, const void *val,
    size_t len, long long now_ms, long long expires, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	s = batch_add(st, a, val, len, now_ms, expires, cause);
	return store_own_end(st, own, s, cause);
}

/* Run write q, which changes a's row to revision rev, or nothing: PD_MISS. */
static enum pd_status
run_change(struct sqldb *st, sqlite3_stmt *q, const struct addr *a,
    long long now, long long rev, char **cause)
{
	enum pd_status	 s;

	bind_addr(q, a);
	sqlite3_bind_int64(q, 5, now);
	sqlite3_bind_int64(q, 8, rev);
	if ((s = store_run(st, q, cause)) == PD_OK &&
	    sqlite3_changes(st->db) == 0)
		s = PD_MISS;
	if (s != PD_OK)
		store_rev_untake(st);
	return s;
}

static enum pd_status
set_if(struct sqldb *st, const struct addr *a, const void *val, size_t len,
    long long now_ms, long long expires, long long version, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 rev;

	if ((s = kvquery(st, a->project, a->ns, version == 0 ? Q_SET_ABSENT :
	    Q_SET_VERSION, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_blob64(q, 4, len > 0 ? val : "", len, SQLITE_STATIC);
	bind_expires(q, expires);
	if (version != 0)
		sqlite3_bind_int64(q, 6, version);
	rev = store_rev_take(st);
	/* A failed condition writes nothing, not even the namespace. */
	if ((s = run_change(st, q, a, now_ms, rev, cause)) != PD_OK ||
	    (s = store_log(st, rev, "set", a->project, a->ns, a->key, val, len,
	    expires, now_ms, cause)) != PD_OK)
		return s;
	if (expires > 0)
		st->expiring = 1;
	if ((s = store_register(st, a->project, a->ns, now_ms, cause)) !=
	    PD_OK)
		return s;
	return store_evict(st, a->project, a->ns, cause);
}

enum pd_status
sqlite_set_if(struct store *base, const struct addr *a, const void *val,
    size_t len, long long now_ms, long long expires, long long version,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	s = set_if(st, a, val, len, now_ms, expires, version, cause);
	return store_own_end(st, own, s, cause);
}

enum pd_status
sqlite_info(struct store *base, const struct addr *a, struct store_info *info,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 rc;

	a = store_ctx_addr(st, a, &st->ctx_a[0]);
	if ((s = kvquery(st, a->project, a->ns, Q_INFO, &q, cause)) != PD_OK)
		return s;
	bind_addr(q, a);
	sqlite3_bind_int64(q, 5, util_now_ms());
	rc = store_step(st, q);
	if (rc == SQLITE_ROW) {
		info->version = sqlite3_column_int64(q, 0);
		info->created = sqlite3_column_int64(q, 1);
		info->updated = sqlite3_column_int64(q, 2);
		info->size = (size_t)sqlite3_column_int64(q, 3);
		info->expires = sqlite3_column_int64(q, 4);
		info->revision = sqlite3_column_int64(q, 5);
		s = PD_OK;
	} else if (rc == SQLITE_DONE)
		s = PD_MISS;
	else
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

enum pd_status
sqlite_get(struct store *base, const struct addr *a, struct buf *val,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return sqlite_get_any(&st->base, a, 0, val, cause);
}

/* Read a's value from key table t. */
static enum pd_status
get_from(struct sqldb *st, struct kvtable *t, const struct addr *a,
    int expired, struct buf *val, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 which = expired ? Q_GET_ANY : Q_GET;
	int		 rc;

	if ((s = store_kvquery(st, t, which, queries[which], &q, cause)) !=
	    PD_OK)
		return s;
	bind_addr(q, a);
	if (!expired)
		sqlite3_bind_int64(q, 5, util_now_ms());
	rc = store_step(st, q);
	if (rc == SQLITE_ROW) {
		buf_reset(val);
		buf_add(val, sqlite3_column_blob(q, 0),
		    (size_t)sqlite3_column_bytes(q, 0));
		st->read_rev = sqlite3_column_int64(q, 1);
		s = PD_OK;
	} else if (rc == SQLITE_DONE)
		s = PD_MISS;
	else
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

long long
sqlite_read_revision(const struct store *base)
{
	const struct sqldb	*st = sqlite_cof(base);

	return st->read_rev;
}

enum pd_status
sqlite_get_any(struct store *base, const struct addr *a, int expired,
    struct buf *val, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct kvtable	*t;
	enum pd_status	 s;
	size_t		 kv;

	a = store_ctx_addr(st, a, &st->ctx_a[0]);
	/*
	 * Outside a transaction the route is not cached, and looking it up
	 * is a query of its own.  A namespace's keys are all in one table,
	 * most often kv, so a key found there is the answer.
	 */
	kv = (size_t)(store_table_named(st, "kv") - st->tables);
	if (!st->in_tx && (s = get_from(st, &st->tables[kv], a, expired, val,
	    cause)) != PD_MISS)
		return s;
	if ((s = store_table_of(st, a->project, a->ns, &t, cause)) != PD_OK)
		return s;
	if (!st->in_tx && (size_t)(t - st->tables) == kv)
		return PD_MISS;
	return get_from(st, t, a, expired, val, cause);
}

/*
 * One change of the key a by key statement which, logged as op: its
 * revision is ?8, and the log holds expires (ttl) or nothing.
 */
static enum pd_status
change(struct sqldb *st, const struct addr *a, int which, const char *op,
    long long expires, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	long long	 now = util_now_ms(), rev;

	if ((s = kvquery(st, a->project, a->ns, which, &q, cause)) != PD_OK)
		return s;
	bind_expires(q, expires);
	rev = store_rev_take(st);
	if ((s = run_change(st, q, a, now, rev, cause)) != PD_OK)
		return s;
	return store_log(st, rev, op, a->project, a->ns, a->key, NULL, 0,
	    expires, now, cause);
}

static enum pd_status
expire(struct sqldb *st, const struct addr *a, long long expires,
    char **cause)
{
	enum pd_status	 s;

	if ((s = change(st, a, Q_EXPIRE, "ttl", expires, cause)) == PD_OK &&
	    expires > 0)
		st->expiring = 1;
	return s;
}

enum pd_status
sqlite_expire(struct store *base, const struct addr *a, long long expires,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	return store_own_end(st, own, expire(st, a, expires, cause), cause);
}

enum pd_status
store_touch(struct sqldb *st, const struct addr *a, char **cause)
{
	return change(st, a, Q_TOUCH, "meta", 0, cause);
}

static enum pd_status
del(struct sqldb *st, const struct addr *a, char **cause)
{
	enum pd_status	 s;

	if ((s = change(st, a, Q_DEL, "del", 0, cause)) != PD_OK)
		return s;
	return store_meta_clear(st, a->project, a->ns, a->key, cause);
}

enum pd_status
sqlite_del(struct store *base, const struct addr *a, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	enum pd_status	 s;
	int		 own;

	if ((s = store_key_begin(st, &a, &own, cause)) != PD_OK)
		return s;
	return store_own_end(st, own, del(st, a, cause), cause);
}

/*
 * The smallest string greater than every string starting with prefix, in
 * byte order: the prefix with its last non-0xff byte incremented.  Returns
 * 0 when there is none (the prefix is all 0xff bytes).
 */
static int
prefix_end(const char *prefix, struct buf *out)
{
	size_t	 n = strlen(prefix);

	while (n > 0 && (unsigned char)prefix[n - 1] == 0xff)
		n--;
	if (n == 0)
		return 0;
	buf_reset(out);
	buf_add(out, prefix, n);
	out->data[n - 1] = (char)((unsigned char)out->data[n - 1] + 1);
	return 1;
}

/* " AND column >= ?lo AND (?hi IS NULL OR column < ?hi)" and the like. */
static void
condition(struct buf *b, enum store_match mode, const char *column, int arg)
{
	char	*c;

	if (mode == STORE_ANY)
		return;
	if (mode == STORE_EXACT)
		c = xasprintf(" AND %s = ?%d", column, arg);
	else
		c = xasprintf(" AND %s >= ?%d AND (?%d IS NULL OR %s < ?%d)",
		    column, arg, arg + 1, column, arg + 1);
	buf_adds(b, c);
	free(c);
}

/* The namespaces a filter can reach, in address order. */
static char *
ns_sql(const struct store_filter *f)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "SELECT project, name, tbl FROM sys_namespaces "
	    "WHERE " CTX_RANGE("project", 5, 6));
	condition(&b, f->mode[0], "project", 1);
	condition(&b, f->mode[1], "name", 3);
	buf_adds(&b, " ORDER BY project, name");
	return buf_detach(&b, NULL);
}

/*
 * One namespace's keys in a table (%s), in key order; or with wide, the
 * keys of every namespace of the view in the table, in address order.
 */
static char *
key_sql(enum store_match mode, int values, int wide)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "SELECT project, namespace, key, version, created, "
	    "updated");
	buf_adds(&b, values ? ", value" : ", NULL");
	buf_adds(&b, ", coalesce(expires, 0), coalesce(revision, 0)");
	if (wide)
		buf_adds(&b, " FROM %s WHERE " CTX_RANGE("project", 1, 2)
		    " AND (expires IS NULL OR expires > ?7) "
		    "ORDER BY project, namespace, key");
	else {
		buf_adds(&b, " FROM %s WHERE project = ?1 AND namespace = ?3 "
		    "AND (expires IS NULL OR expires > ?7)");
		condition(&b, mode, "key", 5);
		buf_adds(&b, " ORDER BY key");
	}
	return buf_detach(&b, NULL);
}

/* Bind filter level i's text to ?(2i+1), and a prefix's end to ?(2i+2). */
static void
bind_level(sqlite3_stmt *q, const struct store_filter *f, int i,
    struct buf *end)
{
	if (f->mode[i] == STORE_ANY)
		return;
	sqlite3_bind_text(q, i * 2 + 1, f->text[i], -1, SQLITE_STATIC);
	if (f->mode[i] == STORE_PREFIX && prefix_end(f->text[i], end))
		sqlite3_bind_text(q, i * 2 + 2, end->data, (int)end->len,
		    SQLITE_STATIC);
}

struct nsref {
	char	*project;
	char	*ns;
	char	*table;
};

/* Collect the namespaces the filter reaches (the list is small). */
static enum pd_status
reach(struct sqldb *st, const struct store_filter *f, struct nsref **out,
    size_t *n, char **cause)
{
	struct buf	 ends[2];
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		*sql = ns_sql(f);
	size_t		 cap = 0;
	int		 i, rc;

	*out = NULL;
	*n = 0;
	i = (int)f->mode[0] * 3 + (int)f->mode[1];
	s = store_prepare(st, sql, &st->ns_scan[i], cause);
	free(sql);
	if (s != PD_OK)
		return s;
	q = st->ns_scan[i];
	for (i = 0; i < 2; i++) {
		buf_init(&ends[i]);
		bind_level(q, f, i, &ends[i]);
	}
	store_ctx_range(st, q, 5);
	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*n].project = xstrdup((const char *)
		    sqlite3_column_text(q, 0));
		(*out)[*n].ns = xstrdup((const char *)sqlite3_column_text(q, 1));
		(*out)[(*n)++].table = xstrdup((const char *)
		    sqlite3_column_text(q, 2));
	}
	if (rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	for (i = 0; i < 2; i++)
		buf_release(&ends[i]);
	return s;
}

static void
refs_free(struct nsref *refs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(refs[i].project);
		free(refs[i].ns);
		free(refs[i].table);
	}
	free(refs);
}

/*
 * A namespace's metakeys, read alongside its keys: both come in key order,
 * so one pass over each hands every key its metakeys, where a query per
 * key (store_meta_list) cost an export three times the scan itself.
 */
struct metascan {
	sqlite3_stmt	*q;		/* NULL until the namespace's first key */
	int		 rc;		/* of its last step */
	struct buf	 end;		/* the end of a key prefix's range */
	struct buf	 arena;		/* the current key's names and values */
	size_t		*off;		/* where each name and value starts */
	struct store_meta *v;
	size_t		 n, cap;
};

/* One store_scan. */
struct scan {
	struct sqldb	*st;
	const struct store_filter *f;
	int		 values;
	store_row_fn	 fn;
	void		*ctx;
	struct metascan	*m;		/* NULL: no metakeys asked for */
	sqlite3_stmt	*wide;		/* the view's keys in kv, or NULL */
	int		 wide_rc;	/* of its last step */
};

/* One namespace's metakeys of the keys a filter matches, in key order. */
static char *
meta_sql(enum store_match mode)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "SELECT key, name, value FROM sys_meta WHERE "
	    "project = ?1 AND namespace = ?3");
	condition(&b, mode, "key", 5);
	buf_adds(&b, " ORDER BY key, name");
	return buf_detach(&b, NULL);
}

static enum pd_status
meta_start(struct scan *sc, const struct nsref *r, char **cause)
{
	struct metascan	*m = sc->m;
	enum store_match mode = sc->f->mode[2];
	enum pd_status	 s;
	char		*sql = meta_sql(mode);

	s = store_prepare(sc->st, sql, &sc->st->meta_scan[mode], cause);
	free(sql);
	if (s != PD_OK)
		return s;
	m->q = sc->st->meta_scan[mode];
	sqlite3_bind_text(m->q, 1, r->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(m->q, 3, r->ns, -1, SQLITE_STATIC);
	bind_level(m->q, sc->f, 2, &m->end);
	m->rc = store_step(sc->st, m->q);
	return PD_OK;
}

static void
meta_end(struct scan *sc)
{
	if (sc->m == NULL || sc->m->q == NULL)
		return;
	sqlite3_reset(sc->m->q);
	sqlite3_clear_bindings(sc->m->q);
	sc->m->q = NULL;
}

/* Move m past the metakeys of keys before row's; hand row its own. */
static enum pd_status
meta_gather(struct sqldb *st, struct metascan *m, struct store_row *row,
    char **cause)
{
	size_t	 klen = strlen(row->key), i;
	int	 c;

	m->n = 0;
	buf_reset(&m->arena);
	for (; m->rc == SQLITE_ROW; m->rc = store_step(st, m->q)) {
		c = store_names_cmp((const char *)sqlite3_column_text(m->q, 0),
		    (size_t)sqlite3_column_bytes(m->q, 0), row->key, klen);
		if (c > 0)
			break;
		if (c < 0)
			continue;	/* a metakey of an expired key */
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 8;
			m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
			m->off = xrealloc(m->off, m->cap * 2 * sizeof(*m->off));
		}
		/* Offsets for now: the arena may move as it grows. */
		m->off[m->n * 2] = m->arena.len;
		buf_add(&m->arena, sqlite3_column_text(m->q, 1),
		    (size_t)sqlite3_column_bytes(m->q, 1) + 1);
		m->off[m->n * 2 + 1] = m->arena.len;
		m->v[m->n].vlen = (size_t)sqlite3_column_bytes(m->q, 2);
		buf_add(&m->arena, sqlite3_column_blob(m->q, 2),
		    m->v[m->n++].vlen);
	}
	if (m->rc != SQLITE_ROW && m->rc != SQLITE_DONE)
		return store_fail(st, m->rc, cause);
	for (i = 0; i < m->n; i++) {
		m->v[i].name = m->arena.data + m->off[i * 2];
		m->v[i].value = m->arena.data + m->off[i * 2 + 1];
	}
	row->meta = m->v;
	row->nmeta = m->n;
	return PD_OK;
}

/* Hand the row q stands on, a key of namespace r, to the callback. */
static enum pd_status
scan_row(struct scan *sc, const struct nsref *r, sqlite3_stmt *q,
    char **cause)
{
	struct store_row row;
	enum pd_status	 s;

	memset(&row, 0, sizeof(row));
	row.project = store_ctx_out(sc->st,
	    (const char *)sqlite3_column_text(q, 0));
	row.ns = (const char *)sqlite3_column_text(q, 1);
	row.key = (const char *)sqlite3_column_text(q, 2);
	row.version = sqlite3_column_int64(q, 3);
	row.created = sqlite3_column_int64(q, 4);
	row.updated = sqlite3_column_int64(q, 5);
	row.value = sc->values ? sqlite3_column_blob(q, 6) : NULL;
	row.vlen = sc->values ? (size_t)sqlite3_column_bytes(q, 6) : 0;
	row.expires = sqlite3_column_int64(q, 7);
	row.revision = sqlite3_column_int64(q, 8);
	if (sc->m != NULL && ((sc->m->q == NULL &&
	    (s = meta_start(sc, r, cause)) != PD_OK) ||
	    (s = meta_gather(sc->st, sc->m, &row, cause)) != PD_OK))
		return s;
	return sc->fn(sc->ctx, &row);
}

static enum pd_status
scan_ns(struct scan *sc, const struct nsref *r, char **cause)
{
	struct sqldb	*st = sc->st;
	struct kvtable	*t = store_table_named(st, r->table);
	struct buf	 end;
	sqlite3_stmt	*q;
	enum pd_status	 s = PD_OK;
	int		 rc, shape = (int)sc->f->mode[2] * 2 + sc->values;
	char		*tmpl;

	tmpl = key_sql(sc->f->mode[2], sc->values, 0);
	s = store_kvprepare(st, t, &t->scan[shape], tmpl, cause);
	free(tmpl);
	if (s != PD_OK)
		return s;
	q = t->scan[shape];
	buf_init(&end);
	sqlite3_bind_text(q, 1, r->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, util_now_ms());
	bind_level(q, sc->f, 2, &end);
	while ((rc = store_step(st, q)) == SQLITE_ROW)
		if ((s = scan_row(sc, r, q, cause)) != PD_OK)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	meta_end(sc);
	buf_release(&end);
	return s;
}

/*
 * Namespace r's keys from the statement over the view's keys in kv, which
 * stands on the first row not yet handed over.  It reads a namespace after
 * another without a statement for each, which must compare every row with
 * its range's end: a quarter of a whole scan's time.  Rows of a namespace
 * that is not registered (there should be none) are skipped, as a
 * statement per namespace would never have seen them.
 */
static enum pd_status
scan_wide(struct scan *sc, const struct nsref *r, char **cause)
{
	struct sqldb	*st = sc->st;
	struct kvtable	*t = store_table_named(st, "kv");
	sqlite3_stmt	*q;
	enum pd_status	 s = PD_OK;
	int		 c;
	char		*tmpl;

	if (sc->wide == NULL) {
		tmpl = key_sql(STORE_ANY, sc->values, 1);
		s = store_kvprepare(st, t, &t->scan[TABLE_SCANS - 2 +
		    sc->values], tmpl, cause);
		free(tmpl);
		if (s != PD_OK)
			return s;
		sc->wide = q = t->scan[TABLE_SCANS - 2 + sc->values];
		store_ctx_range(st, q, 1);
		sqlite3_bind_int64(q, 7, util_now_ms());
		sc->wide_rc = store_step(st, q);
	}
	q = sc->wide;
	for (; sc->wide_rc == SQLITE_ROW; sc->wide_rc = store_step(st, q)) {
		if ((c = strcmp((const char *)sqlite3_column_text(q, 0),
		    r->project)) == 0)
			c = strcmp((const char *)sqlite3_column_text(q, 1),
			    r->ns);
		if (c > 0)
			break;
		if (c == 0 && (s = scan_row(sc, r, q, cause)) != PD_OK)
			break;
	}
	if (s == PD_OK && sc->wide_rc != SQLITE_ROW &&
	    sc->wide_rc != SQLITE_DONE)
		s = store_fail(st, sc->wide_rc, cause);
	meta_end(sc);
	return s;
}

/*
 * Scan namespace by namespace, each in its own table: the namespaces come
 * in order and each one's keys in order, so the whole is in address order.
 * Over the whole view, the namespaces in kv (most, often all) are read by
 * one statement, paused while another table's namespace is read.
 */
enum pd_status
sqlite_scan(struct store *base, const struct store_filter *f, int flags,
    store_row_fn fn, void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 in = *f;
	struct metascan		 meta;
	struct scan		 sc;
	struct nsref		*refs;
	struct buf		 project;
	enum pd_status		 s;
	size_t			 i, n;
	int			 whole = f->mode[0] == STORE_ANY &&
	    f->mode[1] == STORE_ANY && f->mode[2] == STORE_ANY;

	/* The callback may use the store: the stored project is ours. */
	buf_init(&project);
	if (in.mode[0] != STORE_ANY)
		in.text[0] = store_ctx_name(st, f->text[0], &project);
	if ((s = reach(st, &in, &refs, &n, cause)) != PD_OK)
		goto out;
	memset(&meta, 0, sizeof(meta));
	memset(&sc, 0, sizeof(sc));
	sc.st = st;
	sc.f = &in;
	sc.values = (flags & STORE_SCAN_VALUES) != 0;
	sc.fn = fn;
	sc.ctx = ctx;
	sc.m = flags & STORE_SCAN_META ? &meta : NULL;
	for (i = 0; i < n && s == PD_OK; i++)
		s = whole && strcmp(refs[i].table, "kv") == 0 ?
		    scan_wide(&sc, &refs[i], cause) :
		    scan_ns(&sc, &refs[i], cause);
	refs_free(refs, n);
	if (sc.wide != NULL) {
		sqlite3_reset(sc.wide);
		sqlite3_clear_bindings(sc.wide);
	}
	buf_release(&meta.end);
	buf_release(&meta.arena);
	free(meta.off);
	free(meta.v);
out:
	buf_release(&project);
	return s;
}

/* The keys of one namespace that store_del_many's caller chose. */
struct doomed {
	store_row_fn	 fn;
	void		*ctx;
	struct buf	 keys;		/* each followed by its NUL */
	size_t		 n;
};

static enum pd_status
doom(void *ctx, const struct store_row *r)
{
	struct doomed	*d = ctx;
	enum pd_status	 s = d->fn(d->ctx, r);

	if (s == PD_OK) {
		buf_add(&d->keys, r->key, strlen(r->key) + 1);
		d->n++;
	}
	return s == PD_MISS ? PD_OK : s;
}

/*
 * Namespace by namespace: its keys are chosen first, with the scan done
 * before any of them goes (a statement's view of rows deleted under it
 * is undefined), then deleted one by one as store_del deletes a key, so
 * each takes its revision and its "del" in the change log.
 */
static enum pd_status
del_many(struct sqldb *st, const struct store_filter *f, struct doomed *d,
    long long *count, char **cause)
{
	struct scan	 sc = { st, f, 0, doom, d, NULL, NULL, 0 };
	struct nsref	*refs;
	struct addr	 a;
	enum pd_status	 s;
	const char	*key;
	size_t		 i, k, n;

	if ((s = reach(st, f, &refs, &n, cause)) != PD_OK)
		return s;
	for (i = 0; i < n && s == PD_OK; i++) {
		buf_reset(&d->keys);
		d->n = 0;
		if ((s = scan_ns(&sc, &refs[i], cause)) != PD_OK)
			break;
		a.project = refs[i].project;	/* stored names already */
		a.ns = refs[i].ns;
		for (k = 0, key = d->keys.data; k < d->n && s == PD_OK; k++,
		    key += strlen(key) + 1) {
			a.key = (char *)key;
			if ((s = del(st, &a, cause)) == PD_OK)
				(*count)++;
			else if (s == PD_MISS)
				s = PD_OK;	/* it expired meanwhile */
		}
	}
	refs_free(refs, n);
	return s;
}

enum pd_status
sqlite_del_many(struct store *base, const struct store_filter *f,
    store_row_fn fn, void *ctx, long long *count, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 in = *f;
	struct doomed		 d;
	struct buf		 project;
	enum pd_status		 s;
	int			 own;

	*count = 0;
	d.fn = fn;
	d.ctx = ctx;
	d.n = 0;
	buf_init(&d.keys);
	/* The callback may use the store: the stored project is ours. */
	buf_init(&project);
	if (in.mode[0] != STORE_ANY)
		in.text[0] = store_ctx_name(st, f->text[0], &project);
	if ((s = store_own_begin(st, &own, cause)) == PD_OK)
		s = store_own_end(st, own, del_many(st, &in, &d, count, cause),
		    cause);
	buf_release(&d.keys);
	buf_release(&project);
	return s;
}

/*
 * Whether a live key of table t holds c: in one namespace (r), or with r
 * NULL anywhere in the view.  LIKE '%c%' finds a byte as strcspn would
 * (none of the delimiters is a LIKE wildcard or a letter), and costs less
 * than instr().
 */
static enum pd_status
key_holds(struct sqldb *st, struct kvtable *t, const struct nsref *r,
    char c, int *found, char **cause)
{
	sqlite3_stmt	*q = NULL;
	enum pd_status	 s;
	char		 like[4] = { '%', c, '%', '\0' };
	int		 rc;

	s = store_kvprepare(st, t, &q, r != NULL ? "SELECT EXISTS (SELECT 1 "
	    "FROM %s WHERE project = ?1 AND namespace = ?2 AND key LIKE ?3 "
	    "AND (expires IS NULL OR expires > ?4))" : "SELECT EXISTS (SELECT "
	    "1 FROM %s WHERE " CTX_RANGE("project", 1, 2) " AND key LIKE ?3 "
	    "AND (expires IS NULL OR expires > ?4))", cause);
	if (s != PD_OK)
		return s;
	if (r != NULL) {
		sqlite3_bind_text(q, 1, r->project, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, r->ns, -1, SQLITE_STATIC);
	} else
		store_ctx_range(st, q, 1);
	sqlite3_bind_text(q, 3, like, 3, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, util_now_ms());
	if ((rc = store_step(st, q)) == SQLITE_ROW)
		*found = sqlite3_column_int(q, 0);
	else
		s = store_fail(st, rc, cause);
	sqlite3_finalize(q);
	return s;
}

enum pd_status
sqlite_keys_hold(struct store *base, char c, int *found, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 all;
	struct nsref		*refs;
	enum pd_status		 s;
	size_t			 i, j, n;

	*found = 0;
	memset(&all, 0, sizeof(all));
	if ((s = reach(st, &all, &refs, &n, cause)) != PD_OK)
		return s;
	/*
	 * First each table over the whole view in one statement (no range
	 * to check row by row); only if one holds c, namespace by namespace,
	 * for exactly the keys store_scan would hand over.
	 */
	for (i = 0; i < n && s == PD_OK && !*found; i++) {
		for (j = 0; j < i && strcmp(refs[j].table, refs[i].table); j++)
			;
		if (j == i)
			s = key_holds(st, store_table_named(st, refs[i].table),
			    NULL, c, found, cause);
	}
	if (s == PD_OK && *found) {
		*found = 0;
		for (i = 0; i < n && s == PD_OK && !*found; i++)
			s = key_holds(st, store_table_named(st, refs[i].table),
			    &refs[i], c, found, cause);
	}
	refs_free(refs, n);
	return s;
}

/* Lower *when to the expiry that q (bound, not yet stepped) finds. */
static enum pd_status
min_expiry(struct sqldb *st, sqlite3_stmt *q, long long *when, char **cause)
{
	long long	 t;
	int		 rc = store_step(st, q);

	if (rc != SQLITE_ROW)
		return store_fail(st, rc, cause);
	if (sqlite3_column_type(q, 0) != SQLITE_NULL &&
	    ((t = sqlite3_column_int64(q, 0)) < *when || *when == 0))
		*when = t;
	return PD_OK;
}

/* The earliest expiry after ?7 in one namespace the filter reaches. */
static enum pd_status
ns_expiry(struct sqldb *st, const struct nsref *r,
    const struct store_filter *f, long long after, long long *when,
    char **cause)
{
	struct kvtable	*t = store_table_named(st, r->table);
	struct buf	 sql, end;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		*text;
	int		 rc;

	buf_init(&sql);
	buf_adds(&sql, "SELECT min(expires) FROM %s WHERE project = ?1 AND "
	    "namespace = ?3 AND expires > ?7");
	condition(&sql, f->mode[2], "key", 5);
	text = xasprintf(sql.data, t->ident);
	buf_release(&sql);
	rc = sqlite3_prepare_v2(st->db, text, -1, &q, NULL);
	free(text);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	buf_init(&end);
	sqlite3_bind_text(q, 1, r->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, after);
	bind_level(q, f, 2, &end);
	s = min_expiry(st, q, when, cause);
	sqlite3_finalize(q);
	buf_release(&end);
	return s;
}

/*
 * The earliest expiry after after among the view's keys in every table:
 * their indexes on expires say.
 */
static enum pd_status
all_expiry(struct sqldb *st, long long after, long long *when, char **cause)
{
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		**names, *sql;
	size_t		 i, n;
	int		 rc;

	if ((s = store_table_names(st, &names, &n, cause)) != PD_OK)
		return s;
	for (i = 0; i < n && s == PD_OK; i++) {
		t = store_table_named(st, names[i]);
		sql = xasprintf("SELECT min(expires) FROM %s WHERE expires > ?1 "
		    "AND project >= ?2 AND (?3 IS NULL OR project < ?3)",
		    t->ident);
		rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			s = store_fail(st, rc, cause);
			break;
		}
		sqlite3_bind_int64(q, 1, after);
		store_ctx_range(st, q, 2);
		s = min_expiry(st, q, when, cause);
		sqlite3_finalize(q);
	}
	store_names_free(names, n);
	return s;
}

enum pd_status
sqlite_next_expiry(struct store *base, const struct store_filter *f,
    long long after, long long *when, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 in = *f;
	struct nsref		*refs;
	struct buf		 project;
	enum pd_status		 s;
	size_t			 i, n;

	*when = 0;
	if (f->mode[0] == STORE_ANY)
		return all_expiry(st, after, when, cause);
	buf_init(&project);
	in.text[0] = store_ctx_name(st, f->text[0], &project);
	if ((s = reach(st, &in, &refs, &n, cause)) == PD_OK) {
		for (i = 0; i < n && s == PD_OK; i++)
			s = ns_expiry(st, &refs[i], &in, after, when, cause);
		refs_free(refs, n);
	}
	buf_release(&project);
	return s;
}

/*
 * Copy the database page by page into the new file at path, in one read
 * transaction: a consistent snapshot, while others keep writing.  VACUUM
 * INTO, which rebuilt every B-tree row by row, took twice as long as the
 * sqlite3 shell reading all the keys.  The copy carries the WAL mark of
 * the database's header, which is put back to a rollback journal's, as
 * VACUUM INTO left it, so that reading a backup makes no files beside it.
 */
static enum pd_status
backup_into(struct sqldb *st, const char *path, char **cause)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*b;
	long long	 start = util_mono_ms();
	int		 rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;

	if ((rc = sqlite3_open_v2(path, &dst, flags, NULL)) == SQLITE_OK &&
	    (rc = sqlite3_exec(dst, "PRAGMA journal_mode = OFF; "
	    "PRAGMA synchronous = FULL", NULL, NULL, NULL)) == SQLITE_OK) {
		if ((b = sqlite3_backup_init(dst, "main", st->db, "main")) ==
		    NULL)
			rc = sqlite3_errcode(dst);
		/* Another connection that begins a write may hold us up. */
		while (b != NULL && ((rc = sqlite3_backup_step(b, -1)) ==
		    SQLITE_BUSY || rc == SQLITE_LOCKED) &&
		    util_mono_ms() - start < st->busy_ms)
			sqlite3_sleep(10);
		if (b != NULL && sqlite3_backup_finish(b) != SQLITE_OK &&
		    rc == SQLITE_DONE)
			rc = sqlite3_errcode(dst);
	}
	if (rc == SQLITE_DONE) {
		sqlite3_close(dst);
		dst = NULL;
		if ((rc = sqlite3_open_v2(path, &dst, flags, NULL)) ==
		    SQLITE_OK)
			rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE",
			    NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK)
		*cause = store_error(dst != NULL ? dst : st->db, NULL, rc);
	sqlite3_close(dst);
	return store_status_of(rc);
}

/* Copy tmp to a new file, which must not exist in any form. */
static enum pd_status
copy_new(const char *tmp, const char *file, const char *name, char **cause)
{
	struct stat	 sb;

	if (lstat(file, &sb) == 0) {
		*cause = xasprintf("%s already exists", name);
		return PD_ERROR;
	}
	return paths_copy_file(tmp, file, cause);
}

/*
 * SQLite follows a symbolic link at the file it opens, may read a
 * "file:" name as a URI, and makes the file with the umask's mode.  So the
 * snapshot is written into a new private directory beside file, under a name of our
 * own that starts with '/' or "./", made 0600 there, and linked in under
 * file: link(2) fails on any entry by that name, a dangling link
 * included, and never follows one.  Where the file system has no hard
 * links it is copied instead, with O_EXCL, which refuses the same.
 */
enum pd_status
sqlite_backup(struct store *base, const char *file, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	static const char *const extra[] = { "-journal", "-wal", "-shm" };
	const char	*slash = strrchr(file, '/');
	enum pd_status	 s;
	char		*dir, *tmp, *f, *name;
	size_t		 i;

	name = util_escape(file, 0);	/* for messages */
	if (slash == NULL)
		dir = xstrdup("./.prontodb-backup.XXXXXX");
	else
		dir = xasprintf("%s%.*s/.prontodb-backup.XXXXXX",
		    *file == '/' ? "" : "./", (int)(slash - file), file);
	if (mkdtemp(dir) == NULL) {
		*cause = xasprintf("cannot create %s: %s", name,
		    strerror(errno));
		free(name);
		free(dir);
		return PD_IOERR;
	}
	tmp = xasprintf("%s/snapshot.db", dir);
	if ((s = backup_into(st, tmp, cause)) == PD_OK &&
	    chmod(tmp, 0600) != 0) {
		*cause = xasprintf("cannot write %s: %s", name,
		    strerror(errno));
		s = PD_IOERR;
	}
	if (s == PD_OK && link(tmp, file) != 0) {
		if (errno == EEXIST) {
			*cause = xasprintf("%s already exists", name);
			s = PD_ERROR;
		} else if (errno == EPERM || errno == ENOTSUP ||
		    errno == EOPNOTSUPP || errno == EMLINK)
			s = copy_new(tmp, file, name, cause);
		else {
			*cause = xasprintf("cannot create %s: %s", name,
			    strerror(errno));
			s = PD_IOERR;
		}
	}
	unlink(tmp);
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		f = xasprintf("%s%s", tmp, extra[i]);
		unlink(f);
		free(f);
	}
	rmdir(dir);
	free(tmp);
	free(dir);
	free(name);
	return s;
}

/*
 * Run the integrity check; damage that stops it (a file that is not a
 * database, a schema that cannot be read) is a finding too, in SQLite's
 * words.
 */
static enum pd_status
integrity(struct sqldb *st, void (*fn)(void *, const char *), void *ctx,
    char **cause)
{
	sqlite3_stmt	*q = NULL;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &q,
	    NULL)) == SQLITE_OK)
		while ((rc = store_step(st, q)) == SQLITE_ROW)
			fn(ctx, (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE || rc == SQLITE_OK)
		return PD_OK;
	if ((rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
		return store_fail(st, rc, cause);
	fn(ctx, sqlite3_errmsg(st->db));
	return PD_OK;
}

enum pd_status
sqlite_check(struct store *base, void (*fn)(void *, const char *), void *ctx,
    char **cause)
{
	return integrity(sqlite_of(base), fn, ctx, cause);
}

/*
 * A bare connection to the database file at path, for work on the file
 * itself (check, restore): no schema brought up to date, no statements
 * kept.  st carries only what store_fail needs; the caller closes st->db.
 * An SQLite result code.
 */
static int
bare_open(struct sqldb *st, const char *path, int busy_ms)
{
	char	*name;
	int	 rc;

	memset(st, 0, sizeof(*st));
	sqlite_setup();
	store_vfs_forget();
	st->path = (char *)path;
	st->busy_ms = busy_ms;
	name = plain_name(path);
	rc = sqlite3_open_v2(name, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	free(name);
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(st->db, 1);
		sqlite3_busy_timeout(st->db, busy_ms);
	}
	return rc;
}

enum pd_status
sqlite_check_file(const char *path, int busy_ms,
    void (*fn)(void *, const char *), void *ctx, char **cause)
{
	struct sqldb	 st;
	enum pd_status	 s;
	int		 rc;

	if ((rc = bare_open(&st, path, busy_ms)) == SQLITE_OK)
		s = integrity(&st, fn, ctx, cause);
	else
		s = store_fail(&st, rc, cause);
	sqlite3_close(st.db);
	return s;
}

/*
 * Leave WAL mode, which needs the database to itself: every connection
 * to a WAL database holds a shared lock on its file for as long as it is
 * open, idle or not.  SQLite does not wait for that lock, so this does,
 * until busy_ms is spent.  An SQLite result code.
 */
static int
leave_wal(struct sqldb *st)
{
	struct timespec	 pause = { 0, 10 * 1000 * 1000 };
	sqlite3_stmt	*q;
	int		 rc, waited = 0, done = 0;

	for (;;) {
		rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = DELETE",
		    -1, &q, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			done = sqlite3_stricmp((const char *)
			    sqlite3_column_text(q, 0), "delete") == 0;
			rc = done ? SQLITE_OK : SQLITE_BUSY;
		}
		sqlite3_finalize(q);
		if (rc != SQLITE_BUSY || waited >= st->busy_ms)
			return rc;
		nanosleep(&pause, NULL);
		waited += 10;
	}
}

/* A restore that could not finish leaves the database as it found it. */
static void
back_to_wal(struct sqldb *st)
{
	sqlite3_exec(st->db, "PRAGMA locking_mode = NORMAL; "
	    "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
}

/*
 * Keep what target holds in safety, and hold target to ourselves: with
 * EXCLUSIVE locking, the exclusive lock taken by the empty transaction is
 * kept after it, so nobody can read or write target until st closes.  A
 * target too damaged to be a database is kept byte for byte.
 */
static enum pd_status
take_target(struct sqldb *st, const char *safety, char **cause)
{
	char	*sql;
	int	 rc = leave_wal(st);

	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) {
		unlink(safety);
		return paths_copy_file(st->path, safety, cause);
	}
	if (rc == SQLITE_BUSY) {
		*cause = xasprintf("%s is in use by another process, and a "
		    "restore needs it to itself (busy_timeout expired)",
		    st->path);
		return PD_BUSY;
	}
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	rc = sqlite3_exec(st->db, "PRAGMA locking_mode = EXCLUSIVE; "
	    "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		sql = sqlite3_mprintf("VACUUM INTO %Q", safety);
		rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
	}
	if (rc == SQLITE_OK)
		return PD_OK;
	store_fail(st, rc, cause);
	back_to_wal(st);
	return store_status_of(rc);
}

/* Put from in WAL mode, as every database prontodb makes is. */
static enum pd_status
make_wal(const char *from, int busy_ms, char **cause)
{
	struct sqldb	 st;
	int		 rc;

	if ((rc = bare_open(&st, from, busy_ms)) == SQLITE_OK)
		rc = sqlite3_exec(st.db, "PRAGMA journal_mode = WAL", NULL,
		    NULL, NULL);
	if (rc != SQLITE_OK)
		store_fail(&st, rc, cause);
	sqlite3_close(st.db);
	return rc == SQLITE_OK ? PD_OK : store_status_of(rc);
}

/* Remove path with suffix (a -wal or -shm file), if it is there. */
static void
remove_beside(const char *path, const char *suffix)
{
	char	*f = xasprintf("%s%s", path, suffix);

	unlink(f);
	free(f);
}

enum pd_status
sqlite_replace(const char *target, const char *from, const char *safety,
    int busy_ms, char **cause)
{
	struct sqldb	 st;
	struct stat	 sb;
	enum pd_status	 s;
	int		 rc;

	if ((s = make_wal(from, busy_ms, cause)) != PD_OK)
		return s;
	memset(&st, 0, sizeof(st));
	if (stat(target, &sb) == 0) {
		if ((rc = bare_open(&st, target, busy_ms)) != SQLITE_OK)
			s = store_fail(&st, rc, cause);
		else
			s = take_target(&st, safety, cause);
	}
	/*
	 * Out of WAL mode the old database has no -wal or -shm, and none may
	 * stay for the new one to replay: only now, under the lock, before
	 * any process can open the new file, can they go safely.
	 */
	if (s == PD_OK) {
		remove_beside(target, "-wal");
		remove_beside(target, "-shm");
		if (rename(from, target) != 0) {
			*cause = xasprintf("cannot replace %s: %s", target,
			    strerror(errno));
			s = PD_IOERR;
			if (st.db != NULL)
				back_to_wal(&st);
		}
	}
	sqlite3_close(st.db);
	return s;
}

enum pd_status
sqlite_verify_file(const char *file, char **cause)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*q = NULL;
	const char	*what = NULL;
	char		*name;
	int		 rc, v = -1;

	sqlite_setup();
	name = plain_name(file);
	rc = sqlite3_open_v2(name, &db, SQLITE_OPEN_READONLY, NULL);
	free(name);
	if (rc != SQLITE_OK) {
		what = "cannot be opened";
		goto out;
	}
	/* Any damage, including a file that is not SQLite at all. */
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) !=
	    SQLITE_OK || sqlite3_step(q) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(q, 0), "ok") != 0) {
		what = "is corrupt or not a database";
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM "
	    "pragma_user_version), (SELECT count(*) FROM sqlite_schema WHERE "
	    "name IN ('kv', 'sys_namespaces'))", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		what = "is not a prontodb database";
		goto out;
	}
	v = sqlite3_column_int(q, 0);
	if (sqlite3_column_int(q, 1) != 2 || v < 1)
		what = "is not a prontodb database";
	else if (v > SCHEMA_VERSION)
		what = "is from a newer prontodb";
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	if (what == NULL)
		return PD_OK;
	*cause = xasprintf("%s %s", file, what);
	return PD_ERROR;
}
