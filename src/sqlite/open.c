/*
 * sqlite/open.c - opening an SQLite database: the file, its
 * connection, its schema brought up to date (migrations), and closing it.
 *
 * One connection per process, WAL with synchronous=NORMAL (FULL with
 * durability = full; a bulk load into a small database runs without the
 * WAL, sqlite/load.c), write transactions begun IMMEDIATE so a writer
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
#include "int.h"

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

	/*
	 * This step made sys_users, sys_grants and sys_apikeys too; they
	 * are now made by their first row (sqlite/sec.c), and a database
	 * has them or not at any version.
	 */
	"CREATE TABLE sys_settings ("
	" name TEXT PRIMARY KEY,"
	" value BLOB NOT NULL"
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
	 * (sqlite/changes.c, sqlite/lock.c); every key table gets the
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
	 * The change log (sqlite/changes.c) and the lock queue
	 * (sqlite/lock.c) are made when first used: a connection parses the
	 * whole schema before its first statement, and a database never
	 * watched should not pay for their tables.
	 */

	/*
	 * Nothing to change in a database: from this version on, sys_users,
	 * sys_grants and sys_apikeys may be missing (sqlite/sec.c makes them
	 * with their first row) and a value over 1 MiB may live in sys_blobs,
	 * its key's row holding the blob's id (sqlite/blob.c).  The step is
	 * here so that an older prontodb refuses such a database as "from a
	 * newer prontodb" instead of reading a blob's id as the value.
	 */
	"",

	/*
	 * sys_settings and sys_meta are made by their first row from this
	 * version on (sqlite/sec.c, sqlite/meta.c), and an empty one goes
	 * (drop_empty, below): every connection parses the whole schema
	 * before its first statement, 45,000 instructions of a one-shot set
	 * for these two, and most databases never hold a secret or a
	 * metakey.  A database with rows in them keeps them.
	 */
	"",
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

/* Step 8: drop sys_settings and sys_meta when they hold no row. */
static enum pd_status
drop_empty(struct sqldb *st, int step, char **cause)
{
	static const char *const tables[] = { "sys_settings", "sys_meta" };
	enum pd_status	 s = PD_OK;
	sqlite3_stmt	*q;
	size_t		 i;
	char		*sql;
	int		 rc;

	for (i = 0; step == 8 && s == PD_OK && i < 2; i++) {
		sql = xasprintf("SELECT 1 FROM %s LIMIT 1", tables[i]);
		rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return store_fail(st, rc, cause);
		rc = store_step(st, q);
		sqlite3_finalize(q);
		if (rc == SQLITE_ROW)
			continue;
		if (rc != SQLITE_DONE)
			return store_fail(st, rc, cause);
		sql = xasprintf("DROP TABLE %s", tables[i]);
		s = store_exec(st, sql, cause);
		free(sql);
	}
	return s;
}

#define SCHEMA_VERSION	((int)(sizeof(migrations) / sizeof(migrations[0])))

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
 * Put the database in journal mode ("wal" or "delete").  Either switch
 * needs the file to itself: two processes creating the same database at
 * once each hold a shared lock the other waits for, and every connection
 * to a WAL database holds one for as long as it is open.  SQLite reports
 * that as busy at once rather than through the busy handler, so this
 * tries again every 10 ms until busy_ms is spent (0: once).  An SQLite
 * result code: SQLITE_BUSY when the mode could not be changed in time.
 */
int
store_journal_mode(struct sqldb *st, const char *mode, int busy_ms)
{
	struct timespec	 pause = { 0, 10 * 1000 * 1000 };
	sqlite3_stmt	*q;
	char		*sql = xasprintf("PRAGMA journal_mode = %s", mode);
	int		 rc, waited = 0;

	for (;;) {
		rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
			rc = sqlite3_stricmp((const char *)
			    sqlite3_column_text(q, 0), mode) == 0 ? SQLITE_OK :
			    SQLITE_BUSY;
		sqlite3_finalize(q);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= busy_ms)
			break;
		nanosleep(&pause, NULL);
		waited += 10;
	}
	free(sql);
	return rc;
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
	 * once, at creation.  4 KiB pages suit small writes; a bulk load
	 * into the new database gives it 16 KiB pages (sqlite/load.c).
	 */
	if (v == 0 && (s = store_exec(st, "PRAGMA page_size = 4096",
	    cause)) != PD_OK)
		return s;
	if (v == 0 && (rc = store_journal_mode(st, "wal", busy_ms)) !=
	    SQLITE_OK)
		return store_fail(st, rc, cause);
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
			s = drop_empty(st, v, cause);
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
 * (sqlite/vfs.c).
 */
void
sqlite_setup(void)
{
	static int	 done;

	if (!done) {
		store_mem_setup();
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
char *
store_plain_name(const char *path)
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
	return store_blob_functions(st);
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
	st->watch_fd = -1;
	st->keep_revs = STORE_KEEP_REVISIONS;
	st->keep_ms = STORE_KEEP_MS;
	st->busy_ms = busy_ms;
	st->path = xstrdup(path);
	st->watch_path = xasprintf("%s-watch", path);
	st->dir = slash == NULL ? xstrdup(".") : slash == path ?
	    xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	name = store_plain_name(path);
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
	store_ctx_open(&st->base);
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
	sqlite_snapshot_end(&st->base);
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
	for (i = 0; i < 2; i++)
		sqlite3_finalize(st->reg_q[i]);
	for (i = 0; i < 3; i++)
		sqlite3_finalize(st->clear_q[i]);
	store_blob_release(st);
	sqlite3_close(st->db);
	store_ctx_close(&st->base);
	free(st);
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
	name = store_plain_name(file);
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
