/*
 * sqlite/writeback.c - sync a large transaction's files as they grow.
 *
 * A bulk import writes its whole group into the database (or its WAL)
 * before the commit, and the commit's syncs then wait for all of it: for
 * the kernel to write it out and for the disk to make it durable.  Asking
 * the kernel early for write-back alone (sync_file_range) left most of
 * the wait: 128 MiB written, handed to the disk and left for a second
 * still took 0.18 s to sync here (0.25 s without), and the commit of a
 * 1,000,000-row load waited 0.15-0.2 s.  So every WRITEBACK_BYTES a file
 * of the database grows, a helper thread syncs it (fdatasync) while the
 * connection goes on writing, and the commit's own syncs find little
 * left (128 MiB synced every 32 MiB as it was written: the last sync took
 * under a millisecond).  A sync more than SQLite asks for is always safe:
 * it makes durable sooner what SQLite wrote, in the order SQLite chose.
 * One sync runs at a time; a file that grows meanwhile asks again later.
 *
 * The descriptor synced is SQLite's own, found by the file's inode (where
 * /proc/self/fd lists them; elsewhere nothing is synced early).  A
 * descriptor of our own on the database could never be closed safely:
 * closing any descriptor of a file drops every POSIX lock the process
 * holds on it, and SQLite's locks are such locks.  Since the number is
 * borrowed, a file closes only once no sync is pending (writeback_close).
 *
 * A failed sync must not go unheard: Linux reports a write-back error to
 * the first sync of an open file description after it, and that could be
 * ours, leaving SQLite's own sync to succeed and its commit to claim a
 * durability it lacks.  So a failure is kept and given to the next sync
 * SQLite asks of that file (writeback_failed), which then fails as the
 * real one would have.
 */
#define _GNU_SOURCE 1		/* pthread_setname_np */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "int.h"

#define WRITEBACK_BYTES	(8 * 1024 * 1024)

/* The helper thread, started by the first file that grows enough. */
static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 fd;		/* to sync, or being synced; -1: idle */
	dev_t		 dev;		/* its file */
	ino_t		 ino;
	int		 err;		/* errno of a failed sync not yet told */
	dev_t		 err_dev;	/* of the file whose sync failed */
	ino_t		 err_ino;
	int		 started;
} syncer = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
	.fd = -1,
};

static void *
syncer_main(void *arg)
{
	int	 fd, rc;

	(void)arg;
	pthread_mutex_lock(&syncer.mu);
	for (;;) {
		while (syncer.fd < 0)
			pthread_cond_wait(&syncer.cv, &syncer.mu);
		fd = syncer.fd;
		pthread_mutex_unlock(&syncer.mu);
		rc = fdatasync(fd);
		pthread_mutex_lock(&syncer.mu);
		if (rc != 0 && syncer.err == 0) {
			syncer.err = errno;
			syncer.err_dev = syncer.dev;
			syncer.err_ino = syncer.ino;
		}
		syncer.fd = -1;
		pthread_cond_broadcast(&syncer.cv);
	}
	return NULL;
}

/* Have wb's file synced unless a sync is pending; with syncer.mu held. */
static void
syncer_ask(const struct writeback *wb)
{
	pthread_t	 t;

	if (!syncer.started && store_thread(&t, syncer_main, NULL) == 0) {
		/* As top -H and the tests tell it from the others. */
		(void)pthread_setname_np(t, "prontodb-sync");
		pthread_detach(t);
		syncer.started = 1;
	}
	if (syncer.started && syncer.fd < 0) {
		syncer.fd = wb->fd;
		syncer.dev = wb->dev;
		syncer.ino = wb->ino;
		pthread_cond_signal(&syncer.cv);
	}
}

/* Wait, with syncer.mu held, until no sync is pending. */
static void
syncer_idle(void)
{
	while (syncer.fd >= 0)
		pthread_cond_wait(&syncer.cv, &syncer.mu);
}

void
writeback_init(struct writeback *wb, int on)
{
	wb->pending = 0;
	wb->fd = -1;
	wb->on = on;
}

/*
 * Find a descriptor of this process open on the file at path, noting its
 * identity: another connection's descriptor may be closed and its number
 * reused before this file closes.
 */
static int
inode_fd(struct writeback *wb, const char *path)
{
	struct stat	 st;
	struct dirent	*e;
	DIR		*d;
	int		 n;

	wb->fd = -1;
	if (stat(path, &st) != 0 || (d = opendir("/proc/self/fd")) == NULL)
		return -1;
	wb->dev = st.st_dev;
	wb->ino = st.st_ino;
	while (wb->fd < 0 && (e = readdir(d)) != NULL) {
		n = atoi(e->d_name);
		if (e->d_name[0] != '.' && n != dirfd(d) && fstat(n, &st) == 0 &&
		    st.st_dev == wb->dev && st.st_ino == wb->ino)
			wb->fd = n;
	}
	closedir(d);
	return wb->fd;
}

/* Whether the descriptor found before still is the file's. */
static int
still_fd(const struct writeback *wb)
{
	struct stat	 st;

	return wb->fd >= 0 && fstat(wb->fd, &st) == 0 &&
	    st.st_dev == wb->dev && st.st_ino == wb->ino;
}

void
writeback_note(struct writeback *wb, const char *path, int n)
{
	if (!wb->on || (wb->pending += n) < WRITEBACK_BYTES)
		return;
	wb->pending = 0;
	if (!still_fd(wb) && inode_fd(wb, path) < 0) {
		/* Not worth looking again. */
		wb->on = 0;
		return;
	}
	pthread_mutex_lock(&syncer.mu);
	syncer_ask(wb);
	pthread_mutex_unlock(&syncer.mu);
}

void
writeback_close(void)
{
	pthread_mutex_lock(&syncer.mu);
	syncer_idle();
	pthread_mutex_unlock(&syncer.mu);
}

int
writeback_failed(const char *path)
{
	struct stat	 st;
	int		 err = 0;

	/*
	 * A sync still running may yet fail, and may have taken the error
	 * that the caller's own sync, just done, did not see.
	 */
	pthread_mutex_lock(&syncer.mu);
	syncer_idle();
	if (syncer.err != 0 && stat(path, &st) == 0 &&
	    st.st_dev == syncer.err_dev && st.st_ino == syncer.err_ino) {
		err = syncer.err;
		syncer.err = 0;
	}
	pthread_mutex_unlock(&syncer.mu);
	return err;
}
