/*
 * store-batch.c - writes queued inside a transaction, applied sorted.
 *
 * Within one transaction the order of writes to distinct keys cannot be
 * observed, so the queue is applied in key order, which turns a random
 * import into sorted runs of B-tree inserts.  Writes to the same key keep
 * their arrival order (last write wins, every write counts a version), and
 * the store flushes the queue before any read, delete, scan or commit, so
 * a stream always reads its own writes.
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

/* Flush at whichever comes first: this many rows or bytes queued. */
#define BATCH_ROWS	65536
#define BATCH_BYTES	(8 * 1024 * 1024)

enum pd_status
batch_add(struct store *st, const struct addr *a, const void *val,
    size_t vlen, long long now, long long expires, char **cause)
{
	struct batch		*b = &st->batch;
	struct batch_row	*r;

	if (b->nrows == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->rows = xrealloc(b->rows, b->cap * sizeof(*b->rows));
	}
	r = &b->rows[b->nrows];
	r->off = b->arena.len;
	r->plen = strlen(a->project);
	r->nlen = strlen(a->ns);
	r->klen = strlen(a->key);
	r->vlen = vlen;
	r->now = now;
	r->expires = expires;
	r->seq = b->nrows++;
	/* Each name keeps its NUL so it can be bound as a C string. */
	buf_add(&b->arena, a->project, r->plen + 1);
	buf_add(&b->arena, a->ns, r->nlen + 1);
	buf_add(&b->arena, a->key, r->klen + 1);
	buf_add(&b->arena, val, vlen);
	if (b->nrows >= BATCH_ROWS || b->arena.len >= BATCH_BYTES)
		return batch_flush(st, cause);
	return PD_OK;
}

static int
row_cmp(const void *x, const void *y)
{
	const struct batch_row	*a = x, *b = y;
	int			 c;

	if ((c = strcmp(a->p, b->p)) != 0)
		return c;
	if ((c = strcmp(a->p + a->plen + 1, b->p + b->plen + 1)) != 0)
		return c;
	if ((c = strcmp(a->p + a->plen + a->nlen + 2,
	    b->p + b->plen + b->nlen + 2)) != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

enum pd_status
batch_flush(struct store *st, char **cause)
{
	struct batch	*b = &st->batch;
	enum pd_status	 s = PD_OK;
	size_t		 i;

	/* A write being applied may read (max_items counts keys). */
	if (b->nrows == 0 || b->flushing)
		return PD_OK;
	b->flushing = 1;
	for (i = 0; i < b->nrows; i++)
		b->rows[i].p = b->arena.data + b->rows[i].off;
	/* Sorted input (an export, a sorted import) needs no sort. */
	for (i = 1; i < b->nrows; i++)
		if (row_cmp(&b->rows[i - 1], &b->rows[i]) > 0)
			break;
	if (i < b->nrows)
		qsort(b->rows, b->nrows, sizeof(*b->rows), row_cmp);
	for (i = 0; i < b->nrows && s == PD_OK; i++) {
		const struct batch_row	*r = &b->rows[i];
		const char		*ns = r->p + r->plen + 1;
		const char		*key = ns + r->nlen + 1;

		s = store_upsert(st, r->p, ns, key, key + r->klen + 1,
		    r->vlen, r->now, r->expires, cause);
	}
	b->flushing = 0;
	batch_clear(b, 0);
	return s;
}

void
batch_clear(struct batch *b, int release)
{
	b->nrows = 0;
	buf_reset(&b->arena);
	if (release) {
		free(b->rows);
		buf_release(&b->arena);
		memset(b, 0, sizeof(*b));
	}
}
