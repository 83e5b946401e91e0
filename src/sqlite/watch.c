/*
 * sqlite/watch.c - waking watchers without polling (Linux inotify).
 *
 * A writer that committed a change to a watched database touches the
 * notification file NAME.db-watch beside it (sqlite/changes.c).  A watcher
 * holds an inotify watch on that file and blocks in poll(2) until the
 * file's attributes change; it then reads the change log past the last
 * revision it saw.  Its watch is in place before it first reads, and the
 * file is touched only after the commit is visible, so no change can slip
 * between a read and the wait.  An idle watcher costs nothing: no timer
 * runs unless the caller asks for one (an expiry, a timeout).
 *
 * Inotify on the -wal file would not do: a commit is visible only once
 * the wal-index is updated, which makes no event, and every write of the
 * WAL, committed or not, would wake every watcher.
 *
 * The notification file also tells which lock waiters are alive
 * (sqlite/lock.c): a waiter holds an open-file-description lock on the
 * byte at its ticket number, which the kernel drops when it dies.
 */
#define _GNU_SOURCE

#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "int.h"

static enum pd_status
add_watch(struct sqlite_watch *w, char **cause)
{
	if (inotify_add_watch(w->ifd, w->st->watch_path, IN_ATTRIB |
	    IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF) >= 0)
		return PD_OK;
	*cause = xasprintf("cannot watch %s: %s", w->st->watch_path,
	    strerror(errno));
	return PD_IOERR;
}

/*
 * The change log on: when it is off, turned on in a transaction of its
 * own (or the caller's); when it is on, no write lock is taken.
 */
static enum pd_status
changes_on(struct sqldb *st, char **cause)
{
	enum pd_status	 s;
	int		 own;

	if ((s = store_changes_on(st, cause)) != PD_MISS)
		return s;
	if ((s = store_own_begin(st, &own, cause)) != PD_OK)
		return s;
	return store_own_end(st, own, store_changes_enable(st, cause), cause);
}

enum pd_status
sqlite_watch_open(struct store *base, struct store_watch **out, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct sqlite_watch	*w;
	enum pd_status		 s;

	*out = NULL;
	if ((s = store_watch_file(st, 1, cause)) != PD_OK)
		return s;
	w = xcalloc(1, sizeof(*w));
	w->base.st = base;
	w->st = st;
	if ((w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		*cause = xasprintf("cannot watch %s: %s", st->watch_path,
		    strerror(errno));
		free(w);
		return PD_IOERR;
	}
	/* Watch first, then log: no change can fall in between. */
	if ((s = add_watch(w, cause)) != PD_OK ||
	    (s = changes_on(st, cause)) != PD_OK) {
		sqlite_watch_close(&w->base);
		return s;
	}
	*out = &w->base;
	return PD_OK;
}

/* Read what inotify has queued: a wake-up is all it says. */
static void
drain(int ifd)
{
	char	 ev[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(ifd, ev, sizeof(ev)) > 0)
		;
}

/* The SQLite watch that w is. */
static struct sqlite_watch *
watch_of(struct store_watch *w)
{
	return (struct sqlite_watch *)w;
}

enum pd_status
sqlite_watch_wait(struct store_watch *pw, long long timeout_ms, char **cause)
{
	struct sqlite_watch *w = watch_of(pw);
	struct stat	 sb;
	enum pd_status	 s;

	if ((s = util_wait_readable(w->ifd, timeout_ms, cause)) != PD_OK)
		return s;
	drain(w->ifd);
	/*
	 * Unlinking a file is a change of its attributes too: a database
	 * dropped, renamed or restored under the watcher wakes it here, and
	 * what it holds open would never change again.
	 */
	if (store_replaced(w->st)) {
		*cause = xasprintf("%s was removed, renamed or restored: run "
		    "it again", w->st->path);
		return PD_ERROR;
	}
	/* Only the notification file went: make it and watch it again. */
	if (fstat(w->st->watch_fd, &sb) == 0 && sb.st_nlink == 0) {
		close(w->st->watch_fd);
		w->st->watch_fd = -1;
		if (store_watch_file(w->st, 1, cause) != PD_OK ||
		    add_watch(w, cause) != PD_OK)
			return PD_IOERR;
	}
	return PD_OK;
}

void
sqlite_watch_close(struct store_watch *pw)
{
	struct sqlite_watch *w = watch_of(pw);

	if (w == NULL)
		return;
	if (w->ticket > 0)
		sqlite_lock_leave(&w->st->base, pw);
	close(w->ifd);
	free(w);
}
