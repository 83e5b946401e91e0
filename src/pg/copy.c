/*
 * pg/copy.c - the plain sets of a transaction, queued and applied on the
 * server by COPY and one sorted upsert (issue 14).
 *
 * One statement a set costs a trip each: an import of a million keys
 * waits for a million answers.  Within a transaction the order of writes
 * to distinct keys cannot be observed (sqlite/batch.c makes the same
 * argument), so a set of the default kind is queued instead, as a row of
 * COPY's binary format bound for pd_stage, a temporary table of the
 * session's own.  A full queue goes to the server by COPY, which streams;
 * at the group's end (the dispatch's flush before any other operation,
 * a commit, a savepoint's end) one statement reads pd_stage in key order
 * and does everything the sets would have done, each as pg_set does it:
 *
 *  - the last write of a key wins (the highest seq, the order of arrival);
 *  - a key's version counts every write (+1 each), its created is the
 *    first write's time when the key is new;
 *  - the sets take the revisions after the current one in arrival order,
 *    the key the one of its last write;
 *  - each set is one row of the change log when the database is watched;
 *  - the projects and namespaces are registered, created at the first
 *    write into them.
 *
 * A set pg_set does otherwise goes straight to the server, the queue
 * applied first: outside a transaction (its own one), a value over
 * PG_QUEUE_BIG (copied into the queue it would be in memory once more)
 * and a namespace with max_items (what it evicts depends on each write).
 * A queue of a few sets is applied set by set: COPY's extra trips would
 * cost more than they save.  Applying fails like any statement (pg_fail
 * rolls the transaction back), and a rollback drops what is queued.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* The sets a group may have to be applied one by one instead. */
#define PG_QUEUE_FEW	16
/* The queue's bytes that go to the server by COPY while the group goes on. */
#define PG_QUEUE_BYTES	(8UL * 1024 * 1024)
/* A value bigger than this is written at once, not queued. */
#define PG_QUEUE_BIG	(1024UL * 1024)

/* The columns of a queued row, in COPY's order. */
#define STAGE_COLUMNS	7

struct pg_queue {
	struct buf	 data;		/* COPY rows not sent yet */
	long long	 rows;		/* in data */
	long long	 seq;		/* sets queued in the group */
	long long	 staged;	/* of them, in pd_stage already */
	int		 used;		/* pd_stage had rows in this transaction */
	int		 applying;	/* pg_set writes at once */
	/* The hashes of the group's keys (0 free), to know a key set twice. */
	uint64_t	*hashes;
	size_t		 nhashes, cap;
	int		 twice;
};

/* pd_stage, made when missing; emptied at each commit by the server. */
static const char stage_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS pd_stage (seq bigint NOT NULL, "
    "project text COLLATE \"C\" NOT NULL, namespace text COLLATE \"C\" "
    "NOT NULL, key text COLLATE \"C\" NOT NULL, value bytea NOT NULL, "
    "now bigint NOT NULL, expires bigint) ON COMMIT DELETE ROWS; ";

/*
 * The group's sets from pd_stage, in key order; $1 is how many.  w holds
 * each key's last write (rn = 1), its writes' count (n) and the time of
 * its first: when no key came twice (the queue knows), each row as it is,
 * else by a window over each key's writes, newest first.  Every part sees
 * the revision before the group (one snapshot).  Rows and keys as many
 * as the group's, the planner's guesses are far off: JIT would take
 * longer than the statement, and the sort is kept in memory.
 */
#define APPLY_ONCE \
    "WITH w AS (SELECT project, namespace, key, value, now, expires, seq, " \
    "1 AS rn, 1 AS n, now AS first FROM pg_temp.pd_stage), "
#define APPLY_TWICE \
    "WITH w AS (SELECT project, namespace, key, value, now, expires, seq, " \
    "row_number() OVER k AS rn, count(*) OVER k AS n, last_value(now) " \
    "OVER k AS first FROM pg_temp.pd_stage WINDOW k AS (PARTITION BY " \
    "project, namespace, key ORDER BY seq DESC ROWS BETWEEN UNBOUNDED " \
    "PRECEDING AND UNBOUNDED FOLLOWING)), "
#define APPLY_REST \
    "ch AS (INSERT INTO kv AS t (project, namespace, key, value, version, " \
    "created, updated, expires, revision) SELECT project, namespace, key, " \
    "value, n, first, now, expires, (SELECT current FROM sys_revision) + " \
    "seq FROM w WHERE rn = 1 ORDER BY project, namespace, key ON CONFLICT " \
    "(project, namespace, key) DO UPDATE SET value = excluded.value, " \
    "version = t.version + excluded.version, updated = excluded.updated, " \
    "expires = excluded.expires, revision = excluded.revision RETURNING 1), " \
    "lg AS (INSERT INTO sys_changes(rev, at, op, project, namespace, key, " \
    "value, expires) SELECT (SELECT current FROM sys_revision) + seq, now, " \
    "'set', project, namespace, key, value, expires FROM pg_temp.pd_stage " \
    "WHERE EXISTS (SELECT 1 FROM sys_revision WHERE log_from IS NOT NULL) " \
    "ORDER BY seq), " \
    "rv AS (UPDATE sys_revision SET current = current + $1), " \
    "rp AS (INSERT INTO sys_projects(name, created) SELECT project, " \
    "min(now) FROM pg_temp.pd_stage GROUP BY project ON CONFLICT DO " \
    "NOTHING), " \
    "rn AS (INSERT INTO sys_namespaces(project, name, created) SELECT " \
    "project, namespace, min(now) FROM pg_temp.pd_stage GROUP BY project, " \
    "namespace ON CONFLICT DO NOTHING) " \
    "SELECT count(*) FROM ch"
#define APPLY_SETTINGS	"SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; "

static void
put16(struct buf *b, int v)
{
	uint16_t	 n = htons((uint16_t)v);

	buf_add(b, &n, sizeof(n));
}

static void
put32(struct buf *b, long v)
{
	uint32_t	 n = htonl((uint32_t)v);

	buf_add(b, &n, sizeof(n));
}

/* A bigint field; 0 is NULL when null_zero. */
static void
put_ll(struct buf *b, long long v, int null_zero)
{
	uint64_t	 u = (uint64_t)v;
	unsigned char	 x[8];
	int		 i;

	if (null_zero && v == 0) {
		put32(b, -1);
		return;
	}
	for (i = 7; i >= 0; i--, u >>= 8)
		x[i] = (unsigned char)(u & 0xff);
	put32(b, 8);
	buf_add(b, x, sizeof(x));
}

static void
put_bytes(struct buf *b, const void *p, size_t n)
{
	put32(b, (long)n);
	buf_add(b, p, n);
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t	 n;

	memcpy(&n, p, sizeof(n));
	return ntohl(n);
}

static long long
get_ll(const unsigned char *p)
{
	uint64_t	 u = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		u = u << 8 | p[i];
	return (long long)u;
}

/* COPY's binary header: the signature, no flags, no extension. */
static void
put_header(struct buf *b)
{
	buf_add(b, "PGCOPY\n\377\r\n", 11);
	put32(b, 0);
	put32(b, 0);
}

/* The header's length, before the first row of a queue's data. */
#define HEADER_LEN	19

/* FNV-1a of the address's names, each with its NUL; never 0. */
static uint64_t
addr_hash(const struct addr *k)
{
	const char	*names[3] = { k->project, k->ns, k->key };
	const unsigned char *p;
	uint64_t	 h = UINT64_C(14695981039346656037);
	int		 i;

	for (i = 0; i < 3; i++) {
		for (p = (const unsigned char *)names[i]; *p != '\0'; p++)
			h = (h ^ *p) * UINT64_C(1099511628211);
		h *= UINT64_C(1099511628211);
	}
	return h != 0 ? h : 1;
}

/* Put h in the table of q (open addressing); 1 when it was there. */
static int
hash_put(struct pg_queue *q, uint64_t h)
{
	size_t	 i, mask;

	if (2 * (q->nhashes + 1) > q->cap) {
		uint64_t	*old = q->hashes;
		size_t		 n = q->cap;

		q->cap = q->cap ? q->cap * 2 : 4096;
		q->hashes = xcalloc(q->cap, sizeof(*q->hashes));
		q->nhashes = 0;
		for (i = 0; i < n; i++)
			if (old[i] != 0)
				hash_put(q, old[i]);
		free(old);
	}
	mask = q->cap - 1;
	for (i = h & mask; q->hashes[i] != 0; i = (i + 1) & mask)
		if (q->hashes[i] == h)
			return 1;
	q->hashes[i] = h;
	q->nhashes++;
	return 0;
}

static struct pg_queue *
queue_of(struct pg_store *ps)
{
	if (ps->queue == NULL) {
		ps->queue = xcalloc(1, sizeof(*ps->queue));
		buf_init(&ps->queue->data);
	}
	return ps->queue;
}

void
pg_queue_clear(struct pg_store *ps, int tx_over)
{
	struct pg_queue	*q = ps->queue;

	if (q == NULL)
		return;
	buf_reset(&q->data);
	q->rows = q->seq = q->staged = 0;
	if (q->nhashes > 0)
		memset(q->hashes, 0, q->cap * sizeof(*q->hashes));
	q->nhashes = 0;
	q->twice = 0;
	/* Rolled back or committed, pd_stage is empty again. */
	if (tx_over)
		q->used = 0;
}

void
pg_queue_release(struct pg_store *ps)
{
	if (ps->queue == NULL)
		return;
	buf_release(&ps->queue->data);
	free(ps->queue->hashes);
	free(ps->queue);
	ps->queue = NULL;
}

/* Send the queue's rows into pd_stage (emptied first for a new group). */
static enum pd_status
stage(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	enum pd_status	 s = PD_OK;
	char		*sql;

	sql = xasprintf("%s%s%sCOPY pg_temp.pd_stage FROM STDIN (FORMAT "
	    "binary)", stage_sql, q->staged == 0 ? APPLY_SETTINGS : "",
	    q->staged == 0 && q->used ? "TRUNCATE pg_temp.pd_stage; " : "");
	r = pq->PQexec(ps->c, sql);
	free(sql);
	if (r == NULL || pq->PQresultStatus(r) != PGRES_COPY_IN) {
		if (pq->PQtransactionStatus(ps->c) == PQTRANS_INERROR)
			ps->in_tx = 1;
		s = pg_fail(ps, r, cause);
		pq->PQclear(r);
		return s;
	}
	pq->PQclear(r);
	q->used = 1;
	put16(&q->data, -1);
	if (pq->PQputCopyData(ps->c, q->data.data, (int)q->data.len) != 1 ||
	    pq->PQputCopyEnd(ps->c, NULL) != 1)
		s = pg_fail(ps, NULL, cause);
	while ((r = pq->PQgetResult(ps->c)) != NULL) {
		if (s == PD_OK && pq->PQresultStatus(r) != PGRES_COMMAND_OK)
			s = pg_fail(ps, r, cause);
		pq->PQclear(r);
	}
	if (s != PD_OK)
		return s;
	q->staged += q->rows;
	q->rows = 0;
	buf_reset(&q->data);
	return PD_OK;
}

/* The queued rows one by one through pg_set, in their order. */
static enum pd_status
apply_each(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	const unsigned char *p = (const unsigned char *)q->data.data +
			    HEADER_LEN;
	const unsigned char *f[STAGE_COLUMNS];
	long		 len[STAGE_COLUMNS];
	struct addr	 a;
	struct buf	 names;
	enum pd_status	 s = PD_OK;
	long long	 i;
	int		 c;

	buf_init(&names);
	q->applying = 1;
	for (i = 0; i < q->rows && s == PD_OK; i++) {
		p += 2;
		for (c = 0; c < STAGE_COLUMNS; c++) {
			len[c] = (long)(int32_t)get32(p);
			f[c] = p + 4;
			p += 4 + (len[c] > 0 ? len[c] : 0);
		}
		/* The names as C strings, one after the other. */
		buf_reset(&names);
		for (c = 1; c <= 3; c++) {
			buf_add(&names, f[c], (size_t)len[c]);
			buf_addc(&names, '\0');
		}
		memset(&a, 0, sizeof(a));
		a.project = names.data;
		a.ns = a.project + len[1] + 1;
		a.key = a.ns + len[2] + 1;
		s = pg_set(&ps->base, &a, f[4], (size_t)len[4], get_ll(f[5]),
		    len[6] < 0 ? 0 : get_ll(f[6]), cause);
	}
	q->applying = 0;
	buf_release(&names);
	return s;
}

enum pd_status
pg_queue_flush(struct pg_store *ps, char **cause)
{
	struct pg_queue	*q = ps->queue;
	struct pg_args	 a;
	enum pd_status	 s;
	long long	 n;

	if (q == NULL || q->seq == 0)
		return PD_OK;
	if (q->staged == 0 && q->rows <= PG_QUEUE_FEW)
		s = apply_each(ps, q, cause);
	else if ((s = stage(ps, q, cause)) == PD_OK) {
		memset(&a, 0, sizeof(a));
		pg_arg_ll(&a, q->seq);
		s = pg_write_n(ps, q->twice ? APPLY_TWICE APPLY_REST :
		    APPLY_ONCE APPLY_REST, &a, &n, cause);
	}
	pg_queue_clear(ps, 0);
	return s;
}

int
pg_queue_set(struct pg_store *ps, const struct addr *k, const void *val,
    size_t len, long long now, long long expires, enum pd_status *s,
    char **cause)
{
	struct pg_queue	*q = ps->queue;
	long long	 ttl, max;

	if (!ps->in_tx || (q != NULL && q->applying))
		return 0;
	if (len > PG_QUEUE_BIG ||
	    (*s = pg_ns_limits(&ps->base, k->project, k->ns, &ttl, &max,
	    cause)) != PD_OK || max > 0) {
		/* What is queued goes first; then this set, at once. */
		if (len > PG_QUEUE_BIG || *s == PD_OK)
			*s = pg_queue_flush(ps, cause);
		return *s != PD_OK;
	}
	q = queue_of(ps);
	if (hash_put(q, addr_hash(k)))
		q->twice = 1;
	if (q->data.len == 0)
		put_header(&q->data);
	put16(&q->data, STAGE_COLUMNS);
	put_ll(&q->data, ++q->seq, 0);
	put_bytes(&q->data, k->project, strlen(k->project));
	put_bytes(&q->data, k->ns, strlen(k->ns));
	put_bytes(&q->data, k->key, strlen(k->key));
	put_bytes(&q->data, val, len);
	put_ll(&q->data, now, 0);
	put_ll(&q->data, expires, 1);
	q->rows++;
	*s = PD_OK;
	if (q->data.len >= PG_QUEUE_BYTES)
		*s = stage(ps, q, cause);
	return 1;
}
