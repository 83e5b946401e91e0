/*
 * sqlite/sort.c - sorted runs of queued writes on disk, and their merge.
 *
 * A large group of writes in random key order cannot be sorted in memory
 * (the memory is bounded) and costs dearly applied queue by queue: each
 * sorted queue is spread over the whole B-tree, so every queue rewrites
 * most of its pages.  Instead each queue, sorted, is appended to a file
 * as one run; when the group must be applied (a read, a commit) the runs
 * are merged and the B-tree is written in one sorted pass.  The file is
 * created unlinked beside the database, so it takes space where the data
 * will go anyway and disappears with the process.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "int.h"

/* A row on disk: this header, then project NUL ns NUL key NUL value. */
struct run_rec {
	uint32_t	 plen, nlen, klen, pad;
	uint64_t	 vlen;
	int64_t		 now;
	int64_t		 expires;
	int64_t		 rev;
	sqlite3_stmt	*up;		/* only ever read by this process */
};

#define RUN_WBUF	(256 * 1024)
/* How many rows ahead runs_write asks the cache for a row's bytes. */
#define RUN_AHEAD	8
#define RUN_RBUF	(16 * 1024)	/* per run while merging */

struct run_cursor {
	off_t		 pos, end;	/* what is left of the run in the file */
	char		*buf;
	size_t		 cap, len, at;	/* buf[at..len) is read, not used */
	struct run_rec	 rec;		/* the current row */
	const char	*bytes;
	size_t		 run;		/* its index: earlier runs came first */
};

struct runs_merge {
	struct batch_runs *runs;
	struct run_cursor *c;
	size_t		 nc;		/* cursors, one per run */
	size_t		*heap;		/* cursor indices, least key first */
	size_t		 n;
	ssize_t		 popped;	/* to advance before the next pop */
};

static int
io_error(int err, const char *what, char **msg)
{
	*msg = xasprintf("cannot %s the sort file: %s", what, strerror(err));
	return err == ENOSPC || err == EFBIG || err == EDQUOT ? SQLITE_FULL :
	    SQLITE_IOERR;
}

int
runs_open(struct batch_runs *rs, const char *dir, char **msg)
{
	char	*path;
	int	 err;

	if (rs->fd >= 0)
		return SQLITE_OK;
	path = xasprintf("%s/.prontodb-sort-XXXXXX", dir);
	rs->fd = mkstemp(path);
	err = errno;
	if (rs->fd >= 0)
		unlink(path);
	free(path);
	return rs->fd >= 0 ? SQLITE_OK : io_error(err, "create", msg);
}

static int
flush_wbuf(struct batch_runs *rs, struct buf *w, char **msg)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < w->len) {
		n = pwrite(rs->fd, w->data + done, w->len - done,
		    rs->len + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_error(n < 0 ? errno : ENOSPC, "write", msg);
		done += (size_t)n;
	}
	rs->len += (off_t)w->len;
	buf_reset(w);
	return SQLITE_OK;
}

int
runs_write(struct batch_runs *rs, const struct batch_queue *q, char **msg)
{
	struct buf	 w;
	off_t		 start = rs->len;
	size_t		 i;
	int		 rc = SQLITE_OK;

	buf_init(&w);
	for (i = 0; i < q->nrows && rc == SQLITE_OK; i++) {
		const struct batch_row	*r = &q->rows[i];
		struct run_rec		 h;

		/*
		 * Sorted, the rows' bytes lie all over the arena, which is
		 * larger than the cache: copied as they come they cost a
		 * miss or two each, most of the time a run takes to write.
		 */
		if (i + RUN_AHEAD < q->nrows) {
			__builtin_prefetch(q->arena.data + r[RUN_AHEAD].off);
			__builtin_prefetch(q->arena.data + r[RUN_AHEAD].off +
			    64);
		}
		memset(&h, 0, sizeof(h));
		h.plen = r->plen;
		h.nlen = r->nlen;
		h.klen = r->klen;
		h.vlen = r->vlen;
		h.now = r->now;
		h.expires = r->expires;
		h.rev = r->rev;
		h.up = r->up;
		buf_add(&w, &h, sizeof(h));
		buf_add(&w, q->arena.data + r->off, (size_t)r->plen + r->nlen +
		    r->klen + 3 + r->vlen);
		if (w.len >= RUN_WBUF)
			rc = flush_wbuf(rs, &w, msg);
	}
	if (rc == SQLITE_OK)
		rc = flush_wbuf(rs, &w, msg);
	buf_release(&w);
	if (rc != SQLITE_OK || rs->len == start)
		return rc;
	if (rs->nruns == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->runs = xrealloc(rs->runs, rs->cap * sizeof(*rs->runs));
	}
	rs->runs[rs->nruns].off = start;
	rs->runs[rs->nruns++].len = rs->len - start;
	return SQLITE_OK;
}

/* Have at least want bytes at buf + at (or what is left of the run). */
static int
fill(struct batch_runs *rs, struct run_cursor *c, size_t want, char **msg)
{
	ssize_t	 n;

	if (c->len - c->at >= want)
		return SQLITE_OK;
	memmove(c->buf, c->buf + c->at, c->len - c->at);
	c->len -= c->at;
	c->at = 0;
	if (want > c->cap) {
		c->cap = want;
		c->buf = xrealloc(c->buf, c->cap);
	}
	while (c->len < want && c->pos < c->end) {
		size_t	 room = c->cap - c->len;

		if ((off_t)room > c->end - c->pos)
			room = (size_t)(c->end - c->pos);
		n = pread(rs->fd, c->buf + c->len, room, c->pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_error(n < 0 ? errno : EIO, "read", msg);
		c->len += (size_t)n;
		c->pos += n;
	}
	return SQLITE_OK;
}

/* Step c to its next row; 0 at the end of its run. */
static int
cursor_next(struct batch_runs *rs, struct run_cursor *c, int *rc, char **msg)
{
	size_t	 size;

	if (c->at == c->len && c->pos == c->end)
		return 0;
	if ((*rc = fill(rs, c, sizeof(c->rec), msg)) != SQLITE_OK)
		return 0;
	memcpy(&c->rec, c->buf + c->at, sizeof(c->rec));
	size = sizeof(c->rec) + c->rec.plen + c->rec.nlen + c->rec.klen + 3 +
	    c->rec.vlen;
	if ((*rc = fill(rs, c, size, msg)) != SQLITE_OK)
		return 0;
	c->bytes = c->buf + c->at + sizeof(c->rec);
	c->at += size;
	return 1;
}

/* Key order, then the earlier run first: arrival order for equal keys. */
static int
cursor_less(const struct run_cursor *a, const struct run_cursor *b)
{
	int	 c = store_names_cmp(a->bytes, (size_t)a->rec.plen +
	    a->rec.nlen + a->rec.klen + 3, b->bytes, (size_t)b->rec.plen +
	    b->rec.nlen + b->rec.klen + 3);

	return c != 0 ? c < 0 : a->run < b->run;
}

static void
sift_down(struct runs_merge *m, size_t i)
{
	size_t	 l, least, t;

	for (;;) {
		least = i;
		l = 2 * i + 1;
		if (l < m->n && cursor_less(&m->c[m->heap[l]],
		    &m->c[m->heap[least]]))
			least = l;
		if (l + 1 < m->n && cursor_less(&m->c[m->heap[l + 1]],
		    &m->c[m->heap[least]]))
			least = l + 1;
		if (least == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[least];
		m->heap[least] = t;
		i = least;
	}
}

int
runs_merge_start(struct batch_runs *rs, struct runs_merge **out, char **msg)
{
	struct runs_merge	*m = xcalloc(1, sizeof(*m));
	size_t			 i;
	int			 rc = SQLITE_OK;

	m->runs = rs;
	m->nc = rs->nruns;
	m->c = xcalloc(rs->nruns, sizeof(*m->c));
	m->heap = xcalloc(rs->nruns, sizeof(*m->heap));
	m->popped = -1;
	for (i = 0; i < rs->nruns && rc == SQLITE_OK; i++) {
		struct run_cursor	*c = &m->c[i];

		c->pos = rs->runs[i].off;
		c->end = c->pos + rs->runs[i].len;
		c->cap = RUN_RBUF;
		c->buf = xmalloc(c->cap);
		c->run = i;
		if (cursor_next(rs, c, &rc, msg))
			m->heap[m->n++] = i;
	}
	for (i = m->n; i-- > 0; )
		sift_down(m, i);
	*out = m;
	return rc;
}

int
runs_merge_next(struct runs_merge *m, struct batch_row *r,
    const char **bytes, int *rc, char **msg)
{
	struct run_cursor	*c;

	*rc = SQLITE_OK;
	if (m->popped >= 0) {
		/* The row handed out last is copied by now: step past it. */
		if (!cursor_next(m->runs, &m->c[m->popped], rc, msg)) {
			if (*rc != SQLITE_OK)
				return 0;
			m->heap[0] = m->heap[--m->n];
		}
		sift_down(m, 0);
		m->popped = -1;
	}
	if (m->n == 0)
		return 0;
	c = &m->c[m->heap[0]];
	m->popped = (ssize_t)m->heap[0];
	r->plen = c->rec.plen;
	r->nlen = c->rec.nlen;
	r->klen = c->rec.klen;
	r->vlen = c->rec.vlen;
	r->now = c->rec.now;
	r->expires = c->rec.expires;
	r->rev = c->rec.rev;
	r->up = c->rec.up;
	r->many = NULL;
	*bytes = c->bytes;
	return 1;
}

void
runs_merge_end(struct runs_merge *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	/* The runs may be gone already (a failure rolled everything back). */
	for (i = 0; i < m->nc; i++)
		free(m->c[i].buf);
	free(m->c);
	free(m->heap);
	free(m);
}

void
runs_reset(struct batch_runs *rs)
{
	/* Only to give the space back: new runs start at offset 0. */
	if (rs->fd >= 0 && rs->len > 0)
		while (ftruncate(rs->fd, 0) != 0 && errno == EINTR)
			;
	rs->len = 0;
	rs->nruns = 0;
}

void
runs_release(struct batch_runs *rs)
{
	if (rs->fd >= 0)
		close(rs->fd);
	free(rs->runs);
	memset(rs, 0, sizeof(*rs));
	rs->fd = -1;
}
