/*
 * sqlite/batch.c - writes queued inside a transaction, applied sorted.
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
 * verbs never pay for it.  It touches nothing but the queue it was handed,
 * the run file and the prepared statements the queue names; everything
 * else waits for it in store_sync() before using the connection.
 *
 * Once a group's queues stop coming in key order, each full queue is
 * sorted and spilled as a run instead (sqlite/sort.c), and applying the
 * group merges the runs: one sorted pass over the B-tree instead of one
 * pass per queue over most of it.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* Hand a queue over at whichever comes first: this many rows or bytes. */
#define BATCH_ROWS	32768
#define BATCH_BYTES	(4 * 1024 * 1024)
#define BATCH_BIG	(BATCH_BYTES / 4)	/* a value not queued */
/* A merge hands its first queue over sooner: the writer waits for it. */
#define MERGE_FIRST	(UPSERT_ROWS * 32)

static const char *
row_name(const struct batch_queue *q, const struct batch_row *r)
{
	return q->arena.data + r->off;
}

/* The key order of rows a and b, whose names are at p and q. */
static int
key_cmp(const char *p, const struct batch_row *a, const char *q,
    const struct batch_row *b)
{
	return store_names_cmp(p, (size_t)a->plen + a->nlen + a->klen + 3, q,
	    (size_t)b->plen + b->nlen + b->klen + 3);
}

/*
 * Key order, then arrival order: offsets in the arena grow with every
 * write, so they double as sequence numbers.  Both threads sort.
 */
static _Thread_local const struct batch_queue *sorting;

static int
row_cmp(const void *x, const void *y)
{
	const struct batch_row	*a = x, *b = y;
	int			 c;

	if ((c = key_cmp(row_name(sorting, a), a, row_name(sorting, b),
	    b)) != 0)
		return c;
	return a->off < b->off ? -1 : a->off > b->off;
}

/*
 * A row's place in the sort: the first 16 bytes of its names as two
 * big-endian numbers, zero-padded, so that most comparisons are two
 * integer compares that never touch the arena; ties compare in full.
 */
struct sort_ent {
	uint64_t	 hi, lo;
	size_t		 row;
};

static uint64_t
load_be(const unsigned char *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int
ent_cmp(const void *x, const void *y)
{
	const struct sort_ent	*a = x, *b = y;

	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return row_cmp(&sorting->rows[a->row], &sorting->rows[b->row]);
}

static inline int
ent_less(const struct sort_ent *a, const struct sort_ent *b)
{
	return ent_cmp(a, b) < 0;
}

/*
 * Quicksort with the comparison inlined: qsort's calls through a pointer
 * and byte-wise element moves took most of the writer's sorting time.
 * Past depth levels (an adversarial order) qsort takes over.
 */
static void
ent_sort(struct sort_ent *v, long n, int depth)
{
	struct sort_ent	 p, t;
	long		 i, j;

	while (n > 16) {
		if (depth-- == 0) {
			qsort(v, (size_t)n, sizeof(*v), ent_cmp);
			return;
		}
		/* The median of the first, middle and last as the pivot. */
		i = 0;
		j = n - 1;
		if (ent_less(&v[n / 2], &v[i]) != ent_less(&v[n / 2], &v[j]))
			p = v[n / 2];
		else if (ent_less(&v[i], &v[n / 2]) != ent_less(&v[i], &v[j]))
			p = v[i];
		else
			p = v[j];
		for (i = -1, j = n;;) {
			do
				i++;
			while (ent_less(&v[i], &p));
			do
				j--;
			while (ent_less(&p, &v[j]));
			if (i >= j)
				break;
			t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
		/* Recurse into the smaller side, loop on the larger. */
		if (j + 1 < n - j - 1) {
			ent_sort(v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			ent_sort(v + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && ent_less(&t, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* Byte d (0-15) of an entry's prefix. */
static inline unsigned
ent_byte(const struct sort_ent *e, int d)
{
	return (unsigned)((d < 8 ? e->hi >> (56 - 8 * d) :
	    e->lo >> (120 - 8 * d)) & 0xff);
}

/*
 * Radix sort on the prefix, most significant byte first, in place
 * (American flag sort); buckets of a few rows, and rows whose 16 bytes
 * are all alike, go to ent_sort.  ent_sort alone made about 15
 * comparisons a row of a full queue, half of the writer's time while an
 * unsorted import is read; this reads a row's byte once a level, and a
 * level whose byte every row shares (a project, a namespace) is one pass.
 */
#define RADIX_MIN	64

static void
ent_radix(struct sort_ent *v, size_t n, int d)
{
	size_t		 count[256], next[256], at;
	struct sort_ent	 t, u;
	unsigned	 b, c;
	size_t		 i;

	while (n > RADIX_MIN && d < 16) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[ent_byte(&v[i], d)]++;
		if (count[ent_byte(&v[0], d)] == n) {
			d++;
			continue;
		}
		for (at = 0, b = 0; b < 256; b++) {
			next[b] = at;
			at += count[b];
		}
		/* Each entry goes to the next free place of its bucket. */
		for (at = 0, b = 0; b < 256; b++) {
			at += count[b];		/* where bucket b ends */
			while (next[b] < at) {
				t = v[next[b]];
				while ((c = ent_byte(&t, d)) != b) {
					u = v[next[c]];
					v[next[c]++] = t;
					t = u;
				}
				v[next[b]++] = t;
			}
		}
		/* Now next[b] is where bucket b ends. */
		for (b = 0; b < 256; b++)
			if (count[b] > 1)
				ent_radix(v + next[b] - count[b], count[b],
				    d + 1);
		return;
	}
	if (n > 1)
		ent_sort(v, (long)n, 64);
}

static void
queue_sort(struct batch_queue *q)
{
	unsigned char		 pfx[16];
	struct batch_row	*t;
	size_t			 i, n;

	/* Sorted input (an export, a sorted import) needs no sort. */
	if (q->in_order)
		return;
	/* The rows as they came stay in spare, for log_rows. */
	q->resorted = 1;
	if (q->entcap < q->nrows) {
		q->entcap = q->nrows;
		q->ents = xrealloc(q->ents, q->entcap * sizeof(*q->ents));
	}
	if (q->sparecap < q->cap) {
		q->sparecap = q->cap;
		q->spare = xrealloc(q->spare, q->sparecap * sizeof(*q->spare));
	}
	for (i = 0; i < q->nrows; i++) {
		const struct batch_row	*r = &q->rows[i];

		n = (size_t)r->plen + r->nlen + r->klen + 3;
		memset(pfx, 0, sizeof(pfx));
		memcpy(pfx, row_name(q, r), n < sizeof(pfx) ? n : sizeof(pfx));
		q->ents[i].hi = load_be(pfx);
		q->ents[i].lo = load_be(pfx + 8);
		q->ents[i].row = i;
	}
	sorting = q;
	ent_radix(q->ents, q->nrows, 0);
	sorting = NULL;
	for (i = 0; i < q->nrows; i++)
		q->spare[i] = q->rows[q->ents[i].row];
	t = q->rows;
	q->rows = q->spare;
	q->spare = t;
	n = q->cap;
	q->cap = q->sparecap;
	q->sparecap = n;
	q->in_order = 1;
}

/*
 * Make a sorted queue ready to apply: with the many-row statements of its
 * rows' tables when it is large enough to use them (a one-shot verb never
 * prepares those big statements).  The writer must be idle.
 */
static enum pd_status
queue_ready(struct sqldb *st, struct batch_queue *q, char **cause)
{
	const struct kvmany	*many = NULL;
	sqlite3_stmt		*one = NULL;
	enum pd_status		 s;
	size_t			 i, t;

	if (q->nrows < UPSERT_ROWS)
		return PD_OK;
	for (i = 0; i < q->nrows; i++) {
		if (q->rows[i].up != one) {
			one = q->rows[i].up;
			many = NULL;
			for (t = 0; t < st->ntables; t++)
				if (st->tables[t].up == one)
					break;
			/* Not found cannot happen; one row at a time then. */
			if (t < st->ntables && (s = store_many_stmts(st,
			    &st->tables[t], &many, cause)) != PD_OK)
				return s;
		}
		q->rows[i].many = many;
	}
	return PD_OK;
}

static void
queue_clear(struct batch_queue *q)
{
	q->in_order = 1;
	q->resorted = 0;
	q->from_runs = 0;
	q->nrows = 0;
	q->nregs = 0;
	buf_reset(&q->arena);
}

/*
 * Step q once and reset it; on an error *msg says why (this runs in the
 * writer thread, which has no store to hand to store_fail).
 */
static int
step_once(sqlite3 *db, sqlite3_stmt *q, char **msg)
{
	int	 rc = sqlite3_step(q);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		*msg = store_error(db, sqlite3_db_filename(db, "main"), rc);
	sqlite3_reset(q);
	return rc;
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
			rc = step_once(db, q, msg);
		}
	}
	return rc;
}

/* Bind r's names as parameters at+1 .. at+3 of q. */
static void
bind_names(sqlite3_stmt *q, int at, const struct batch_queue *bq,
    const struct batch_row *r)
{
	const char	*p = row_name(bq, r);

	store_bind_names(q, at, p, r->plen, p + r->plen + 1, r->nlen,
	    p + r->plen + r->nlen + 2, r->klen);
}

/*
 * Whether the n rows from row i, all of one table, are all new keys: no
 * row repeats another's key (in a sorted queue a repeat is the next row)
 * and the table holds nothing from the first key to the last.  SQLite
 * orders names as the sort does, by bytes and then length, since a name
 * holds no NUL.  On a failed probe *rc says why.
 */
static int
rows_new(sqlite3 *db, const struct batch_queue *bq, size_t i, size_t n,
    sqlite3_stmt *probe, int *rc, char **msg)
{
	const struct batch_row	*r = &bq->rows[i];
	size_t			 k;
	int			 step;

	for (k = 1; k < n; k++)
		if (key_cmp(row_name(bq, &r[k - 1]), &r[k - 1],
		    row_name(bq, &r[k]), &r[k]) == 0)
			return 0;
	bind_names(probe, 0, bq, &r[0]);
	bind_names(probe, 3, bq, &r[n - 1]);
	step = step_once(db, probe, msg);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		*rc = step;
	return step == SQLITE_DONE;
}

/* Bind row r as row i of an upsert statement. */
static void
bind_row(sqlite3_stmt *q, int i, const struct batch_queue *bq,
    const struct batch_row *r)
{
	const char	*p = row_name(bq, r);
	const char	*ns = p + r->plen + 1;
	const char	*key = ns + r->nlen + 1;

	store_bind_upsert(q, i, p, r->plen, ns, r->nlen, key, r->klen,
	    key + r->klen + 1, r->vlen, r->now, r->expires, r->rev);
}

/* Whether the n rows from r share r's project and namespace. */
static int
rows_shared(const struct batch_queue *bq, const struct batch_row *r,
    size_t n)
{
	const char	*p = row_name(bq, r);
	size_t		 k, len = (size_t)r->plen + r->nlen + 2;

	for (k = 1; k < n; k++)
		if (r[k].plen != r->plen || r[k].nlen != r->nlen ||
		    memcmp(row_name(bq, &r[k]), p, len) != 0)
			return 0;
	return 1;
}

/*
 * Bind the n rows from r to one INSERT of many rows: the one that takes
 * the project and namespace once when the rows share them (two binds a
 * row fewer), else the one that takes them for every row.
 */
static sqlite3_stmt *
bind_many(const struct batch_queue *bq, const struct batch_row *r,
    size_t n)
{
	sqlite3_stmt	*q;
	const char	*p, *key;
	size_t		 k;

	if (!rows_shared(bq, r, n)) {
		q = r->many->insert;
		for (k = 0; k < n; k++)
			bind_row(q, (int)k, bq, &r[k]);
		return q;
	}
	q = r->many->same;
	p = row_name(bq, r);
	sqlite3_bind_text(q, 1, p, (int)r->plen, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, p + r->plen + 1, (int)r->nlen, SQLITE_STATIC);
	for (k = 0; k < n; k++) {
		key = row_name(bq, &r[k]) + r[k].plen + r[k].nlen + 2;
		store_bind_shared(q, (int)k, key, r[k].klen,
		    key + r[k].klen + 1, r[k].vlen, r[k].now, r[k].expires,
		    r[k].rev);
	}
	return q;
}

/*
 * Log the changes of the queue's rows, when it logs them, in the order
 * they came, which is their revisions' order: the log's B-tree is then
 * appended to, not written all over.  Rows merged from runs were logged
 * when they were spilled.
 */
static int
log_rows(sqlite3 *db, const struct batch_queue *bq, char **msg)
{
	const struct batch_row	*rows = bq->resorted ? bq->spare : bq->rows;
	size_t			 k;
	int			 rc = SQLITE_DONE;

	if (bq->log == NULL || bq->from_runs)
		return rc;
	for (k = 0; k < bq->nrows && rc == SQLITE_DONE; k++) {
		const struct batch_row	*r = &rows[k];
		const char		*p = row_name(bq, r);
		const char		*ns = p + r->plen + 1;
		const char		*key = ns + r->nlen + 1;

		store_bind_log(bq->log, r->rev, "set", p, r->plen, ns,
		    r->nlen, key, r->klen, key + r->klen + 1, r->vlen,
		    r->expires, r->now);
		rc = step_once(db, bq->log, msg);
	}
	return rc;
}

/*
 * Apply a sorted queue: the writer thread's whole job, so nothing here
 * may touch the store beyond the statements the rows carry (prepared by
 * batch_add and queue_ready).  Runs of UPSERT_ROWS new keys of one table
 * go to one INSERT, other rows to an upsert each.  Returns the SQLite
 * result code; on failure *msg says why.
 */
static int
queue_apply(sqlite3 *db, const struct batch_queue *bq, char **msg)
{
	size_t	 i = 0, n, k;
	int	 rc = queue_register(db, bq, msg);

	if (rc == SQLITE_DONE)
		rc = log_rows(db, bq, msg);
	while (i < bq->nrows && rc == SQLITE_DONE) {
		const struct batch_row	*r = &bq->rows[i];
		sqlite3_stmt		*q = r->up;

		for (n = 1; n < UPSERT_ROWS && i + n < bq->nrows &&
		    r[n].up == r->up; n++)
			;
		if (n == UPSERT_ROWS && r->many != NULL &&
		    rows_new(db, bq, i, n, r->many->probe, &rc, msg)) {
			q = bind_many(bq, r, n);
			rc = step_once(db, q, msg);
		} else
			for (k = 0; k < n && rc == SQLITE_DONE; k++) {
				bind_row(q, 0, bq, &r[k]);
				rc = step_once(db, q, msg);
			}
		i += n;
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * The spill job: sort, register the queue's namespaces, log its changes,
 * write a run.
 */
static int
queue_spill(sqlite3 *db, struct batch_runs *rs, struct batch_queue *q,
    char **msg)
{
	int	 rc = queue_register(db, q, msg);

	queue_sort(q);
	if (rc == SQLITE_DONE)
		rc = log_rows(db, q, msg);
	return rc == SQLITE_DONE ? runs_write(rs, q, msg) : rc;
}

/* A new last row of q, its names and value to follow in the arena. */
static inline struct batch_row *
queue_new_row(struct batch_queue *q)
{
	struct batch_row	*r;

	if (q->nrows == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 1024;
		q->rows = xrealloc(q->rows, q->cap * sizeof(*q->rows));
	}
	r = &q->rows[q->nrows++];
	memset(r, 0, sizeof(*r));
	r->off = q->arena.len;
	return r;
}

/* Append a row like r whose names and value are bytes. */
static void
queue_push(struct batch_queue *q, const struct batch_row *r,
    const char *bytes)
{
	struct batch_row	*n = queue_new_row(q);
	size_t			 off = n->off;

	*n = *r;
	n->off = off;
	buf_add(&q->arena, bytes, (size_t)r->plen + r->nlen + r->klen + 3 +
	    r->vlen);
}

/* Note whether the row just added keeps the queue in key order. */
static inline void
queue_check_order(struct batch_queue *q)
{
	const struct batch_row	*a, *b;

	if (q->nrows == 1)
		q->in_order = 1;
	if (q->nrows < 2 || !q->in_order)
		return;
	a = &q->rows[q->nrows - 2];
	b = &q->rows[q->nrows - 1];
	if (key_cmp(row_name(q, a), a, row_name(q, b), b) > 0)
		q->in_order = 0;
}

static int
queue_full(const struct batch_queue *q)
{
	return q->nrows >= BATCH_ROWS || q->arena.len >= BATCH_BYTES;
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
	struct batch_queue	*q;
	enum batch_job		 job;
	char			*msg = NULL;
	int			 rc;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->work && !b->quit)
			pthread_cond_wait(&b->cv, &b->mu);
		if (!b->work)
			break;
		q = &b->q[!b->fill];
		job = b->job;
		pthread_mutex_unlock(&b->mu);
		rc = job == JOB_SPILL ? queue_spill(w->db, &b->runs, q, &msg) :
		    queue_apply(w->db, q, &msg);
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

int
store_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t	 all, old;
	int		 rc;

	/* Signals stay with the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* Start the writer thread; 0 when it could not be (then apply inline). */
static int
writer_start(struct sqldb *st)
{
	struct batch	*b = &st->batch;
	struct writer	*w;

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
	if (store_thread(&b->thread, writer_main, w) != 0) {
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

void
store_abort(struct sqldb *st)
{
	char	*cause = NULL;

	st->in_tx = 0;
	st->snap = 0;
	st->expiring = 0;
	st->nsp = 0;
	batch_clear(&st->batch);
	/* Registrations and moves were undone too. */
	store_route_reset(st);
	if (!sqlite3_get_autocommit(st->db) && store_prepare(st, "ROLLBACK",
	    &st->q[Q_ROLLBACK], &cause) == PD_OK)
		store_run(st, st->q[Q_ROLLBACK], &cause);
	free(cause);
	store_load_end(st);
}

/* A queue could not be applied: undo everything since the last commit. */
static enum pd_status
lost(struct sqldb *st, int rc, char *msg, char **cause)
{
	/* Earlier statements were told their writes were done. */
	store_abort(st);
	st->tx_lost = 1;
	if (cause != NULL)
		*cause = xasprintf("%s; the transaction's writes were rolled "
		    "back", msg);
	free(msg);
	return store_status_of(rc);
}

/* A queue could not even be readied: as lost, with the cause as it is. */
static enum pd_status
not_ready(struct sqldb *st, enum pd_status s)
{
	store_abort(st);
	st->tx_lost = 1;
	return s;
}

enum pd_status
store_sync_wait(struct sqldb *st, char **cause)
{
	char	*msg = NULL;
	int	 rc;

	if ((rc = batch_join(&st->batch, &msg)) == SQLITE_OK)
		return PD_OK;
	return lost(st, rc, msg, cause);
}

/* Apply the filling queue here and now. */
static enum pd_status
apply_here(struct sqldb *st, char **cause)
{
	struct batch_queue	*q = &st->batch.q[st->batch.fill];
	enum pd_status		 s;
	char			*msg = NULL;
	int			 rc;

	queue_sort(q);
	if ((s = queue_ready(st, q, cause)) != PD_OK)
		return not_ready(st, s);
	rc = queue_apply(st->db, q, &msg);
	queue_clear(q);
	if (rc == SQLITE_OK)
		return PD_OK;
	return lost(st, rc, msg, cause);
}

/*
 * A queue whose first key is not past every key applied before it in this
 * group means the input is not in key order: the group's later queues go
 * to sorted runs, merged when the group is applied (sqlite/sort.c).
 */
static enum batch_job
choose_job(struct sqldb *st, const struct batch_queue *q)
{
	struct batch		*b = &st->batch;
	const struct batch_row	*r;

	if (!b->spilling && (!q->in_order || (b->last.len > 0 &&
	    q->nrows > 0 && key_cmp(row_name(q, &q->rows[0]), &q->rows[0],
	    b->last.data, &b->last_row) <= 0)))
		b->spilling = 1;
	if (b->spilling)
		return JOB_SPILL;
	if (q->nrows > 0) {
		r = &q->rows[q->nrows - 1];
		buf_reset(&b->last);
		buf_add(&b->last, row_name(q, r), (size_t)r->plen + r->nlen +
		    r->klen + 3);
		b->last_row = *r;
	}
	return JOB_APPLY;
}

/*
 * The filling queue is full: the writer takes it (to apply it or, with
 * may_spill, perhaps to sort it and write it as a run), and the other one
 * fills.
 */
static enum pd_status
hand_over(struct sqldb *st, int may_spill, char **cause)
{
	struct batch	*b = &st->batch;
	struct batch_queue *q = &b->q[b->fill];
	enum batch_job	 job;
	enum pd_status	 s;
	char		*msg = NULL;
	int		 rc;

	if ((s = store_sync(st, cause)) != PD_OK)
		return s;
	job = may_spill ? choose_job(st, q) : JOB_APPLY;
	if (job == JOB_SPILL &&
	    (rc = runs_open(&b->runs, st->dir, &msg)) != SQLITE_OK)
		return lost(st, rc, msg, cause);
	if (job == JOB_APPLY) {
		queue_sort(q);
		if ((s = queue_ready(st, q, cause)) != PD_OK)
			return not_ready(st, s);
	}
	if (!writer_start(st)) {
		rc = job == JOB_SPILL ? queue_spill(st->db, &b->runs, q, &msg) :
		    queue_apply(st->db, q, &msg);
		queue_clear(q);
		return rc == SQLITE_OK ? PD_OK : lost(st, rc, msg, cause);
	}
	pthread_mutex_lock(&b->mu);
	b->fill = !b->fill;
	b->job = job;
	b->inflight = 1;
	b->work = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return PD_OK;
}

/* Apply the group: merge its runs, the filling queue the last of them. */
static enum pd_status
merge_runs(struct sqldb *st, char **cause)
{
	struct batch		*b = &st->batch;
	struct batch_queue	*q = &b->q[b->fill];
	struct runs_merge	*m = NULL;
	struct batch_row	 row;
	const char		*bytes;
	enum pd_status		 s;
	char			*msg = NULL;
	int			 rc, first = 1;

	rc = queue_spill(st->db, &b->runs, q, &msg);
	queue_clear(q);
	if (rc == SQLITE_OK)
		rc = runs_merge_start(&b->runs, &m, &msg);
	while (rc == SQLITE_OK && runs_merge_next(m, &row, &bytes, &rc,
	    &msg)) {
		queue_push(&b->q[b->fill], &row, bytes);
		b->q[b->fill].from_runs = 1;
		queue_check_order(&b->q[b->fill]);
		if (!queue_full(&b->q[b->fill]) && (!first ||
		    b->q[b->fill].nrows < MERGE_FIRST))
			continue;
		first = 0;
		if ((s = hand_over(st, 0, cause)) != PD_OK) {
			runs_merge_end(m);
			return s;
		}
	}
	runs_merge_end(m);
	if (rc != SQLITE_OK)
		return lost(st, rc, msg, cause);
	runs_reset(&b->runs);
	if ((s = store_sync(st, cause)) != PD_OK)
		return s;
	return apply_here(st, cause);
}

/* Queue the registration of a's project and namespace. */
static enum pd_status
queue_reg(struct sqldb *st, struct batch_queue *q, const struct addr *a,
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
batch_add(struct sqldb *st, const struct addr *a, const void *val,
    size_t vlen, long long now, long long expires, char **cause)
{
	struct batch_queue	*q = &st->batch.q[st->batch.fill];
	struct batch_row	*r;
	struct route		*rt;
	sqlite3_stmt		*up;
	enum pd_status		 s;
	size_t			 table, names;
	char			*dst;

	if ((s = store_route(st, a->project, a->ns, &rt, cause)) != PD_OK)
		return s;
	/*
	 * What a capped namespace evicts depends on each write: no queue.
	 * A big value goes straight from the caller's memory to SQLite
	 * too: copied into the queue it would be in memory once more.
	 */
	if (rt->max > 0 || vlen > BATCH_BIG) {
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
	if ((s = store_upsert_stmt(st, &st->tables[table], &up, cause)) !=
	    PD_OK)
		return s;
	if (expires > 0)
		st->expiring = 1;
	r = queue_new_row(q);
	r->plen = (unsigned)strlen(a->project);
	r->nlen = (unsigned)strlen(a->ns);
	r->klen = (unsigned)strlen(a->key);
	r->vlen = vlen;
	r->now = now;
	r->expires = expires;
	r->rev = store_rev_take(st);
	if (q->log != NULL)
		st->logged++;
	r->up = up;
	r->many = NULL;
	/*
	 * Each name keeps its NUL, which the sort compares by.  An address
	 * holds its names one after the other: one copy for the three.
	 */
	names = (size_t)r->plen + r->nlen + r->klen + 3;
	buf_reserve(&q->arena, names + vlen);
	dst = q->arena.data + q->arena.len;
	if (a->ns == a->project + r->plen + 1 && a->key == a->ns + r->nlen + 1)
		memcpy(dst, a->project, names);
	else {
		memcpy(dst, a->project, r->plen + 1);
		memcpy(dst + r->plen + 1, a->ns, r->nlen + 1);
		memcpy(dst + r->plen + r->nlen + 2, a->key, r->klen + 1);
	}
	if (vlen > 0)
		memcpy(dst + names, val, vlen);
	q->arena.len += names + vlen;
	q->arena.data[q->arena.len] = '\0';
	queue_check_order(q);
	if (queue_full(q))
		return hand_over(st, 1, cause);
	return PD_OK;
}

enum pd_status
batch_flush(struct sqldb *st, char **cause)
{
	struct batch	*b = &st->batch;
	enum pd_status	 s;

	if ((s = store_sync(st, cause)) != PD_OK)
		return s;
	if (b->runs.nruns > 0)
		s = merge_runs(st, cause);
	else if (b->q[b->fill].nrows > 0)
		s = apply_here(st, cause);
	/* What comes next is a new group, sorted or not. */
	b->spilling = 0;
	buf_reset(&b->last);
	return s;
}

enum pd_status
sqlite_flush(struct store *base, char **cause)
{
	return batch_flush(sqlite_of(base), cause);
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
	runs_reset(&b->runs);
	b->spilling = 0;
	buf_reset(&b->last);
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
		free(b->q[i].spare);
		free(b->q[i].ents);
		free(b->q[i].regs);
		buf_release(&b->q[i].arena);
	}
	runs_release(&b->runs);
	buf_release(&b->last);
	memset(b, 0, sizeof(*b));
}
