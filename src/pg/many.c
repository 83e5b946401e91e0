/*
 * pg/many.c - deleting by pattern on a server (store.h's store_del_many).
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* The keys store_del_many's caller chose, each part followed by NUL. */
struct doomed {
	const struct store *st;
	store_row_fn	 fn;
	void		*ctx;
	struct buf	 keys;
	size_t		 n;
};

static enum pd_status
doom(void *ctx, const struct store_row *r)
{
	struct doomed	*d = ctx;
	struct store_row out = *r;
	enum pd_status	 s;

	/* The caller sees the project as the session names it. */
	out.project = store_ctx_out(d->st, r->project);
	s = d->fn(d->ctx, &out);

	if (s == PD_OK) {
		buf_add(&d->keys, r->project, strlen(r->project) + 1);
		buf_add(&d->keys, r->ns, strlen(r->ns) + 1);
		buf_add(&d->keys, r->key, strlen(r->key) + 1);
		d->n++;
	}
	return s == PD_MISS ? PD_OK : s;
}

/*
 * The keys are chosen first, the whole scan before any goes, then
 * deleted one by one as store_del deletes a key, so that each takes its
 * revision and its "del" in the change log, as on SQLite.
 */
static enum pd_status
del_many(struct pg_store *ps, const struct store_filter *f, struct doomed *d,
    long long *count, char **cause)
{
	struct addr	 a;
	enum pd_status	 s;
	const char	*p;
	size_t		 k;

	if ((s = pg_scan_stored(&ps->base, f, 0, doom, d, cause)) != PD_OK)
		return s;
	for (k = 0, p = d->keys.data; k < d->n && s == PD_OK; k++) {
		a.project = (char *)p;
		p += strlen(p) + 1;
		a.ns = (char *)p;
		p += strlen(p) + 1;
		a.key = (char *)p;
		p += strlen(p) + 1;
		if ((s = pg_del(&ps->base, &a, cause)) == PD_OK)
			(*count)++;
		else if (s == PD_MISS)
			s = PD_OK;	/* it expired meanwhile */
	}
	return s;
}

enum pd_status
pg_del_many(struct store *base, const struct store_filter *f,
    store_row_fn fn, void *ctx, long long *count, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	struct doomed	 d;
	enum pd_status	 s, c;
	int		 own = !ps->in_tx;

	*count = 0;
	d.st = base;
	d.fn = fn;
	d.ctx = ctx;
	d.n = 0;
	buf_init(&d.keys);
	if (own && (s = pg_begin(base, cause)) != PD_OK) {
		buf_release(&d.keys);
		return s;
	}
	s = del_many(ps, f, &d, count, cause);
	buf_release(&d.keys);
	if (!own)
		return s;
	if (s != PD_OK) {
		pg_rollback(base);
		*count = 0;
		return s;
	}
	if ((c = pg_commit(base, cause)) != PD_OK)
		*count = 0;
	return c;
}
