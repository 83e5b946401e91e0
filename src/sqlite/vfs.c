/*
 * sqlite/vfs.c - SQLite's own file layer, noting which file failed and why.
 *
 * SQLite reports a write that failed as "disk I/O error" or "database or
 * disk is full", and a file it could not create as "unable to open
 * database file": neither says which file, and the first not even that the
 * file was too large for the process (EFBIG, ulimit -f).  This layer sits
 * in front of the platform's VFS, passes every call through unchanged, and
 * notes the last open, read, write, sync, truncate or shared-memory map
 * that failed, per thread (the batch writer thread writes too), so that an
 * error can say "cannot write /x/main.db-wal: File too large".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "int.h"

/* What failed last in this thread; op NULL when nothing did. */
static _Thread_local struct {
	const char	*op;
	int		 err;
	char		 path[4096];
} fault;

static sqlite3_vfs	*real_vfs;
static sqlite3_vfs	 vfs;

/*
 * The file as SQLite sees it, followed by the real VFS's file.  SQLite
 * aligns the whole to 8 bytes, which the real file needs too.
 */
struct vfile {
	sqlite3_file	 base;
	const char	*name;		/* owned by SQLite, lives as long */
	struct writeback wb;		/* sqlite/writeback.c */
};

_Static_assert(sizeof(struct vfile) % 8 == 0, "the real file is misaligned");

#define REAL(f)	((sqlite3_file *)((struct vfile *)(f) + 1))

static void
note(const char *op, const char *path, const char *suffix, int err)
{
	fault.op = op;
	fault.err = err;
	snprintf(fault.path, sizeof(fault.path), "%s%s", path != NULL ? path :
	    "a temporary file", suffix);
}

static int
v_close(sqlite3_file *f)
{
	sqlite3_file	*r = REAL(f);

	/* The background sync may be using this file's descriptor. */
	writeback_close();
	return r->pMethods->xClose(r);
}

static int
v_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	sqlite3_file	*r = REAL(f);
	int		 rc = r->pMethods->xRead(r, p, n, off);

	/* A short read is how SQLite learns where a file ends. */
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		note("read", ((struct vfile *)f)->name, "", errno);
	return rc;
}

static int
v_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	sqlite3_file	*r = REAL(f);
	struct vfile	*vf = (struct vfile *)f;
	int		 rc = r->pMethods->xWrite(r, p, n, off);

	/* SQLite calls a short write a full disk, whatever errno says. */
	if (rc != SQLITE_OK)
		note("write", vf->name, "", rc == SQLITE_FULL ? ENOSPC : errno);
	else
		writeback_note(&vf->wb, vf->name, n);
	return rc;
}

static int
v_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	sqlite3_file	*r = REAL(f);
	int		 rc = r->pMethods->xTruncate(r, size);

	if (rc != SQLITE_OK)
		note("truncate", ((struct vfile *)f)->name, "", errno);
	return rc;
}

static int
v_sync(sqlite3_file *f, int flags)
{
	sqlite3_file	*r = REAL(f);
	struct vfile	*vf = (struct vfile *)f;
	int		 rc = r->pMethods->xSync(r, flags), err = errno;

	/* What the background sync could not write is this sync's failure. */
	if (rc == SQLITE_OK && vf->wb.on && (err = writeback_failed(vf->name)) !=
	    0)
		rc = SQLITE_IOERR_FSYNC;
	if (rc != SQLITE_OK)
		note("sync", vf->name, "", err);
	return rc;
}

static int
v_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xFileSize(r, size);
}

static int
v_lock(sqlite3_file *f, int level)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xLock(r, level);
}

static int
v_unlock(sqlite3_file *f, int level)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xUnlock(r, level);
}

static int
v_check_reserved(sqlite3_file *f, int *out)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xCheckReservedLock(r, out);
}

static int
v_file_control(sqlite3_file *f, int op, void *arg)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xFileControl(r, op, arg);
}

static int
v_sector_size(sqlite3_file *f)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xSectorSize(r);
}

static int
v_device(sqlite3_file *f)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xDeviceCharacteristics(r);
}

static int
v_shm_map(sqlite3_file *f, int page, int size, int extend,
    void volatile **p)
{
	sqlite3_file	*r = REAL(f);
	int		 rc = r->pMethods->xShmMap(r, page, size, extend, p);

	/* SQLite makes the -shm file itself, beside the database. */
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_READONLY)
		note("map", ((struct vfile *)f)->name, "-shm", errno);
	return rc;
}

static int
v_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xShmLock(r, off, n, flags);
}

static void
v_shm_barrier(sqlite3_file *f)
{
	sqlite3_file	*r = REAL(f);

	r->pMethods->xShmBarrier(r);
}

static int
v_shm_unmap(sqlite3_file *f, int del)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xShmUnmap(r, del);
}

static int
v_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xFetch(r, off, n, p);
}

static int
v_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	sqlite3_file	*r = REAL(f);

	return r->pMethods->xUnfetch(r, off, p);
}

static const sqlite3_io_methods methods = {
	3, v_close, v_read, v_write, v_truncate, v_sync, v_file_size, v_lock,
	v_unlock, v_check_reserved, v_file_control, v_sector_size, v_device,
	v_shm_map, v_shm_lock, v_shm_barrier, v_shm_unmap, v_fetch, v_unfetch
};

/*
 * Why a file that does not exist could not be created: SQLite retries a
 * failed creation read-only, so errno says ENOENT, where the directory's
 * permissions are the cause.
 */
static int
create_errno(const char *path, int err)
{
	const char	*slash = strrchr(path, '/');
	char		 dir[4096];

	if (err != ENOENT || slash == NULL)
		return err;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	if (faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) != 0 && errno != ENOENT)
		return errno;
	return err;
}

static int
v_open(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *f, int flags,
    int *out)
{
	struct vfile	*vf = (struct vfile *)f;
	sqlite3_file	*r = REAL(f);
	int		 rc, err, made;

	(void)v;
	made = (flags & SQLITE_OPEN_CREATE) && name != NULL &&
	    access(name, F_OK) != 0;
	rc = real_vfs->xOpen(real_vfs, name, r, flags, out);
	err = errno;
	vf->name = name;
	if (rc != SQLITE_OK || r->pMethods == NULL) {
		f->pMethods = NULL;
		if (rc != SQLITE_OK)
			note(made ? "create" : "open", name, "", made ?
			    create_errno(name, err) : err);
		return rc;
	}
	/* Methods of a version we do not pass on would be skipped. */
	if (r->pMethods->iVersion < 3) {
		r->pMethods->xClose(r);
		f->pMethods = NULL;
		return SQLITE_CANTOPEN;
	}
	f->pMethods = &methods;
	writeback_init(&vf->wb, name != NULL &&
	    (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)));
	return SQLITE_OK;
}

static int
v_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int
v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
v_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
v_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void
v_dlerror(sqlite3_vfs *v, int n, char *msg)
{
	(void)v;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void
(*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
v_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	real_vfs->xDlClose(real_vfs, h);
}

static int
v_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return real_vfs->xSleep(real_vfs, us);
}

static int
v_current_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return real_vfs->xCurrentTime(real_vfs, t);
}

static int
v_last_error(sqlite3_vfs *v, int n, char *msg)
{
	(void)v;
	return real_vfs->xGetLastError(real_vfs, n, msg);
}

static int
v_current_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

int
store_vfs_register(void)
{
	if (real_vfs != NULL)
		return SQLITE_OK;
	/* The unix VFS is version 3; the shim needs 2 (64-bit time). */
	if ((real_vfs = sqlite3_vfs_find(NULL)) == NULL ||
	    real_vfs->iVersion < 2)
		return SQLITE_ERROR;
	vfs.iVersion = 2;
	vfs.szOsFile = (int)sizeof(struct vfile) + real_vfs->szOsFile;
	vfs.mxPathname = real_vfs->mxPathname;
	vfs.zName = "prontodb";
	vfs.xOpen = v_open;
	vfs.xDelete = v_delete;
	vfs.xAccess = v_access;
	vfs.xFullPathname = v_full_pathname;
	vfs.xDlOpen = v_dlopen;
	vfs.xDlError = v_dlerror;
	vfs.xDlSym = v_dlsym;
	vfs.xDlClose = v_dlclose;
	vfs.xRandomness = v_randomness;
	vfs.xSleep = v_sleep;
	vfs.xCurrentTime = v_current_time;
	vfs.xGetLastError = v_last_error;
	vfs.xCurrentTimeInt64 = v_current_time64;
	return sqlite3_vfs_register(&vfs, 1);
}

void
store_vfs_forget(void)
{
	fault.op = NULL;
}

/* Whether extended result code rc is the kind of failure op makes. */
static int
fault_matches(int rc, const char *op)
{
	switch (rc) {
	case SQLITE_FULL:
	case SQLITE_IOERR_WRITE:
		return strcmp(op, "write") == 0;
	case SQLITE_IOERR_READ:
		return strcmp(op, "read") == 0;
	case SQLITE_IOERR_FSYNC:
	case SQLITE_IOERR_DIR_FSYNC:
		return strcmp(op, "sync") == 0;
	case SQLITE_IOERR_TRUNCATE:
		return strcmp(op, "truncate") == 0;
	case SQLITE_IOERR_SHMOPEN:
	case SQLITE_IOERR_SHMSIZE:
	case SQLITE_IOERR_SHMMAP:
		return strcmp(op, "map") == 0;
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY_DIRECTORY:
	case SQLITE_READONLY_CANTINIT:
		return strcmp(op, "create") == 0 || strcmp(op, "open") == 0;
	default:
		return 0;
	}
}

char *
store_vfs_cause(int rc)
{
	char	*cause = NULL;

	if (fault.op != NULL && fault_matches(rc, fault.op))
		cause = xasprintf("cannot %s %s: %s", fault.op, fault.path,
		    strerror(fault.err));
	fault.op = NULL;
	return cause;
}
