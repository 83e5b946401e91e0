/*
 * store-batch.c - writes queued inside a transaction, applied sorted.
 *
 * Within one transaction the order of writes to distinct keys cannot be
 * observed, so the queue is applied in key order, which turns a random
 * import into sorted runs of B-tree inserts.  Writes to the same key keep
 * their arrival order (last write wins, every write counts a version), and
 * the store flushes the queue before any read, delete, scan or commit, so
 * a stream always reads its own writes.
 *
 * A full queue goes to a writer thread, which applies it while the stream
 * goes on lexing and queueing into the other one: on two cores an import
 * costs about the larger of the two halves instead of their sum.  The
 * thread starts with the first full queue, so short streams and one-shot
 * verbs never pay for it.  It touches nothing but the queue it was handed
 * and the prepared upserts its rows name; everything else waits for it in
 * store_sync() before using the connection.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

/* Hand a queue over at whichever comes first: this many rows or bytes. */
#define BATCH_ROWS	32768
#define BATCH_BYTES	(4 * 1024 * 1024)

static const char *
row_name(const struct batch_queue *q, const struct batch_row *r)
{
	return q->arena.data + r->off;
}

/*
 * Key order, then arrival order: offsets in the arena grow with every
 * write, so they double as sequence numbers.
 */
static const struct batch_queue *sorting;

static int
row_cmp(const void *x, const void *y)
{
	const struct batch_row	*a = x, *b = y;
	const char		*p = row_name(sorting, a);
	const char		*q = row_name(sorting, b);
	int			 c;

	if ((c = strcmp(p, q)) != 0 ||
	    (c = strcmp(p + a->plen + 1, q + b->plen + 1)) != 0 ||
	    (c = strcmp(p + a->plen + a->nlen + 2,
	    q + b->plen + b->nlen + 2)) != 0)
		return c;
	return a->off < b->off ? -1 : a->off > b->off;
}

static void
queue_sort(struct batch_queue *q)
{
	size_t	 i;

	sorting = q;
	/* Sorted input (an export, a sorted import) needs no sort. */
	for (i = 1; i < q->nrows; i++)
		if (row_cmp(&q->rows[i - 1], &q->rows[i]) > 0)
			break;
	if (i < q->nrows)
		qsort(q->rows, q->nrows, sizeof(*q->rows), row_cmp);
	sorting = NULL;
}

/*
 * Make a queue ready to apply: sorted, and with the many-row upsert of
 * its rows' tables when it is large enough to use one (a one-shot verb
 * never prepares that big statement).  The writer must be idle.
 */
static enum pd_status
queue_ready(struct store *st, struct batch_queue *q, char **cause)
{
	sqlite3_stmt	*one = NULL, *many = NULL;
	enum pd_status	 s;
	size_t		 i, t;

	queue_sort(q);
	if (q->nrows < UPSERT_ROWS)
		return PD_OK;
	for (i = 0; i < q->nrows; i++) {
		if (q->rows[i].up[0] != one) {
			one = q->rows[i].up[0];
			for (t = 0; st->tables[t].up[0] != one; t++)
				;
			if ((s = store_upsert_stmt(st, &st->tables[t], 1,
			    &many, cause)) != PD_OK)
				return s;
		}
		q->rows[i].up[1] = many;
	}
	return PD_OK;
}

static void
queue_clear(struct batch_queue *q)
{
	q->nrows = 0;
	q->nregs = 0;
	buf_reset(&q->arena);
}

/* Register the queue's new namespaces: they may come in any order. */
static int
queue_register(sqlite3 *db, const struct batch_queue *bq, char **msg)
{
	size_t	 i;
	int	 j, rc = SQLITE_DONE;

	for (i = 0; i < bq->nregs && rc == SQLITE_DONE; i++) {
		const struct batch_reg	*g = &bq->regs[i];
		const char		*p = bq->arena.data + g->off;

		for (j = 0; j < 2 && rc == SQLITE_DONE; j++) {
			sqlite3_stmt	*q = bq->reg[j];

			sqlite3_bind_text(q, 1, p, (int)g->plen, SQLITE_STATIC);
			if (j == 1)
				sqlite3_bind_text(q, 2, p + g->plen + 1,
				    (int)g->nlen, SQLITE_STATIC);
			sqlite3_bind_int64(q, j + 2, g->now);
			if ((rc = sqlite3_step(q)) != SQLITE_DONE)
				*msg = xasprintf("database error: %s",
				    sqlite3_errmsg(db));
			sqlite3_reset(q);
		}
	}
	return rc;
}

/* Bind row r as row i of an upsert statement. */
static void
bind_row(sqlite3_stmt *q, int i, const struct batch_queue *bq,
    const struct batch_row *r)
{
	const char	*p = row_name(bq, r);
	const char	*ns = p + r->plen + 1;
	const char	*key = ns + r->nlen + 1;
	int		 n = i * UPSERT_PARAMS;

	sqlite3_bind_text(q, n + 1, p, (int)r->plen, SQLITE_STATIC);
	sqlite3_bind_text(q, n + 2, ns, (int)r->nlen, SQLITE_STATIC);
	sqlite3_bind_text(q, n + 3, key, (int)r->klen, SQLITE_STATIC);
	/* A non-NULL pointer makes an empty value a zero-length BLOB. */
	sqlite3_bind_blob64(q, n + 4, key + r->klen + 1, r->vlen,
	    SQLITE_STATIC);
	sqlite3_bind_int64(q, n + 5, r->now);
	if (r->expires > 0)
		sqlite3_bind_int64(q, n + 6, r->expires);
	else
		sqlite3_bind_null(q, n + 6);
}

/*
 * Apply a sorted queue: the writer thread's whole job, so nothing here
 * may touch the store beyond the statements the rows carry (prepared by
 * batch_add).  Runs of rows for one table go UPSERT_ROWS to
 * a statement.  Returns the SQLite result code; on failure *msg says why.
 */
static int
queue_apply(sqlite3 *db, const struct batch_queue *bq, char **msg)
{
	size_t	 i = 0, n, k;
	int	 rc = queue_register(db, bq, msg);

	while (i < bq->nrows && rc == SQLITE_DONE) {
		sqlite3_stmt	*const *up = bq->rows[i].up, *q;

		for (n = 1; n < UPSERT_ROWS && i + n < bq->nrows &&
		    bq->rows[i + n].up[0] == up[0]; n++)
			;
		if (n < UPSERT_ROWS || up[1] == NULL)
			n = 1;
		q = up[n == UPSERT_ROWS];
		for (k = 0; k < n; k++)
			bind_row(q, (int)k, bq, &bq->rows[i + k]);
		if ((rc = sqlite3_step(q)) != SQLITE_DONE)
			*msg = xasprintf("database error: %s",
			    sqlite3_errmsg(db));
		sqlite3_reset(q);
		i += n;
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

struct writer {
	sqlite3		*db;
	struct batch	*b;
};

static void *
writer_main(void *arg)
{
	struct writer		*w = arg;
	struct batch		*b = w->b;
	const struct batch_queue *q;
	char			*msg = NULL;
	int			 rc;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->work && !b->quit)
			pthread_cond_wait(&b->cv, &b->mu);
		if (!b->work)
			break;
		q = &b->q[!b->fill];
		pthread_mutex_unlock(&b->mu);
		rc = queue_apply(w->db, q, &msg);
		pthread_mutex_lock(&b->mu);
		b->rc = rc;
		b->msg = msg;
		msg = NULL;
		b->work = 0;
		pthread_cond_broadcast(&b->cv);
	}
	pthread_mutex_unlock(&b->mu);
	free(w);
	return NULL;
}

/* Start the writer thread; 0 when it could not be (then apply inline). */
static int
writer_start(struct store *st)
{
	struct batch	*b = &st->batch;
	struct writer	*w;
	sigset_t	 all, old;
	int		 rc;

	if (b->started)
		return 1;
	if (pthread_mutex_init(&b->mu, NULL) != 0)
		return 0;
	if (pthread_cond_init(&b->cv, NULL) != 0) {
		pthread_mutex_destroy(&b->mu);
		return 0;
	}
	w = xmalloc(sizeof(*w));
	w->db = st->db;
	w->b = b;
	/* Signals stay with the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&b->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		free(w);
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		return 0;
	}
	b->started = 1;
	return 1;
}

int
batch_join(struct batch *b, char **msg)
{
	int	 rc;

	if (!b->inflight)
		return SQLITE_OK;
	pthread_mutex_lock(&b->mu);
	while (b->work)
		pthread_cond_wait(&b->cv, &b->mu);
	rc = b->rc;
	*msg = b->msg;
	b->msg = NULL;
	pthread_mutex_unlock(&b->mu);
	b->inflight = 0;
	queue_clear(&b->q[!b->fill]);
	return rc;
}

/* A queue could not be applied: undo everything since the last commit. */
static enum pd_status
lost(struct store *st, int rc, char *msg, char **cause)
{
	/* Earlier statements were told their writes were done. */
	store_rollback(st);
	st->tx_lost = 1;
	if (cause != NULL)
		*cause = xasprintf("%s; the transaction's writes were rolled "
		    "back", msg);
	free(msg);
	return store_status_of(rc);
}

/* A queue could not even be readied: as lost, with the cause as it is. */
static enum pd_status
not_ready(struct store *st, enum pd_status s)
{
	store_rollback(st);
	st->tx_lost = 1;
	return s;
}

enum pd_status
store_sync_wait(struct store *st, char **cause)
{
	char	*msg = NULL;
	int	 rc;

	if ((rc = batch_join(&st->batch, &msg)) == SQLITE_OK)
		return PD_OK;
	return lost(st, rc, msg, cause);
}

/* Apply the filling queue here and now. */
static enum pd_status
apply_here(struct store *st, char **cause)
{
	struct batch_queue	*q = &st->batch.q[st->batch.fill];
	enum pd_status		 s;
	char			*msg = NULL;
	int			 rc;

	if ((s = queue_ready(st, q, cause)) != PD_OK)
		return not_ready(st, s);
	rc = queue_apply(st->db, q, &msg);
	queue_clear(q);
	if (rc == SQLITE_OK)
		return PD_OK;
	return lost(st, rc, msg, cause);
}

/* The filling queue is full: the writer takes it, the other one fills. */
static enum pd_status
hand_over(struct store *st, char **cause)
{
	struct batch	*b = &st->batch;
	enum pd_status	 s;

	if ((s = store_sync(st, cause)) != PD_OK)
		return s;
	if (!writer_start(st))
		return apply_here(st, cause);
	if ((s = queue_ready(st, &b->q[b->fill], cause)) != PD_OK)
		return not_ready(st, s);
	pthread_mutex_lock(&b->mu);
	b->fill = !b->fill;
	b->inflight = 1;
	b->work = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return PD_OK;
}

/* Queue the registration of a's project and namespace. */
static enum pd_status
queue_reg(struct store *st, struct batch_queue *q, const struct addr *a,
    long long now, char **cause)
{
	struct batch_reg	*g;
	enum pd_status		 s;

	if ((s = store_register_stmts(st, &q->reg[0], &q->reg[1], cause)) !=
	    PD_OK)
		return s;
	if (q->nregs == q->regcap) {
		q->regcap = q->regcap ? q->regcap * 2 : 16;
		q->regs = xrealloc(q->regs, q->regcap * sizeof(*q->regs));
	}
	g = &q->regs[q->nregs++];
	g->off = q->arena.len;
	g->plen = (unsigned)strlen(a->project);
	g->nlen = (unsigned)strlen(a->ns);
	g->now = now;
	buf_add(&q->arena, a->project, g->plen + 1);
	buf_add(&q->arena, a->ns, g->nlen + 1);
	return PD_OK;
}

enum pd_status
batch_add(struct store *st, const struct addr *a, const void *val,
    size_t vlen, long long now, long long expires, char **cause)
{
	struct batch_queue	*q = &st->batch.q[st->batch.fill];
	struct batch_row	*r;
	struct route		*rt;
	sqlite3_stmt		*up;
	enum pd_status		 s;
	size_t			 table;

	if ((s = store_route(st, a->project, a->ns, &rt, cause)) != PD_OK)
		return s;
	/* What a capped namespace evicts depends on each write: no queue. */
	if (rt->max > 0) {
		if ((s = batch_flush(st, cause)) != PD_OK)
			return s;
		return store_upsert(st, a->project, a->ns, a->key, val, vlen,
		    now, expires, cause);
	}
	table = rt->table;
	if (!rt->known) {
		if ((s = queue_reg(st, q, a, now, cause)) != PD_OK)
			return s;
		rt->known = 1;
	}
	if ((s = store_upsert_stmt(st, &st->tables[table], 0, &up, cause)) !=
	    PD_OK)
		return s;
	if (expires > 0)
		st->expiring = 1;
	if (q->nrows == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 1024;
		q->rows = xrealloc(q->rows, q->cap * sizeof(*q->rows));
	}
	r = &q->rows[q->nrows++];
	r->off = q->arena.len;
	r->plen = (unsigned)strlen(a->project);
	r->nlen = (unsigned)strlen(a->ns);
	r->klen = (unsigned)strlen(a->key);
	r->vlen = vlen;
	r->now = now;
	r->expires = expires;
	r->up[0] = up;
	r->up[1] = NULL;
	/* Each name keeps its NUL, which the sort compares by. */
	buf_add(&q->arena, a->project, r->plen + 1);
	buf_add(&q->arena, a->ns, r->nlen + 1);
	buf_add(&q->arena, a->key, r->klen + 1);
	buf_add(&q->arena, val, vlen);
	if (q->nrows >= BATCH_ROWS || q->arena.len >= BATCH_BYTES)
		return hand_over(st, cause);
	return PD_OK;
}

enum pd_status
batch_flush(struct store *st, char **cause)
{
	enum pd_status	 s;

	if ((s = store_sync(st, cause)) != PD_OK ||
	    st->batch.q[st->batch.fill].nrows == 0)
		return s;
	return apply_here(st, cause);
}

void
batch_clear(struct batch *b)
{
	char	*msg = NULL;

	/* Whatever the writer made of it is about to be rolled back. */
	batch_join(b, &msg);
	free(msg);
	queue_clear(&b->q[0]);
	queue_clear(&b->q[1]);
}

void
batch_release(struct batch *b)
{
	int	 i;

	batch_clear(b);
	if (b->started) {
		pthread_mutex_lock(&b->mu);
		b->quit = 1;
		pthread_cond_signal(&b->cv);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->thread, NULL);
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
	}
	for (i = 0; i < 2; i++) {
		free(b->q[i].rows);
		free(b->q[i].regs);
		buf_release(&b->q[i].arena);
	}
	memset(b, 0, sizeof(*b));
}
