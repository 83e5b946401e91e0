/*
 * sqlite/backup.c - backups, integrity checks and restores of an
 * SQLite database file: a page copy in one read transaction, PRAGMA
 * integrity_check, and a file renamed over the database under its lock.
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

/* SQLite's "ok", held back until the big values are checked too. */
struct held {
	void	(*fn)(void *, const char *);
	void	*ctx;
	int	 ok;
};

static void
hold_ok(void *ctx, const char *line)
{
	struct held	*h = ctx;

	if (strcmp(line, "ok") == 0)
		h->ok = 1;
	else
		h->fn(h->ctx, line);
}

enum pd_status
sqlite_check(struct store *base, void (*fn)(void *, const char *), void *ctx,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct held	 h = { fn, ctx, 0 };
	enum pd_status	 s;
	int		 n = 0;

	if ((s = integrity(st, hold_ok, &h, cause)) != PD_OK ||
	    (h.ok && (s = store_blob_check(st, fn, ctx, &n, cause)) != PD_OK))
		return s;
	if (h.ok && n == 0)
		fn(ctx, "ok");
	return PD_OK;
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
	name = store_plain_name(path);
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
	int	 rc = store_journal_mode(st, "delete", st->busy_ms);

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
