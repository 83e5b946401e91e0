/*
 * pg/copy.c - the plain sets of a transaction, queued and applied on the
 * server by COPY (issue 14).
 *
 * One statement a set costs a trip each: an import of a million keys
 * waits for a million answers.  Within a transaction the order of writes
 * to distinct keys cannot be observed (sqlite/batch.c makes the same
 * argument), so a set of the default kind is queued instead, as a row of
 * COPY's binary format with kv's columns: the key's row as the set would
 * leave it were the key new (version 1, created and updated the set's
 * time, the revision it takes).  A full queue goes to the server while
 * the group goes on; the group ends at the dispatch's flush before any
 * other operation, at a commit or at a savepoint's end.  Each part goes
 * one of two ways:
 *
 *  - straight into kv by COPY, which writes a page of rows at a time:
 *    while no key of the group came twice and the database is not
 *    watched, under a savepoint, then registering the group's projects
 *    and namespaces.  A key that is in kv already makes the COPY fail
 *    (unique_violation): the savepoint is rolled back and the part, and
 *    the rest of the group, takes the other way.
 *  - into pd_stage, a temporary table of the session's own, from which
 *    one statement at the group's end upserts into kv in key order and
 *    does what each set would have done (pg_set): the last write of a key
 *    wins, its version counts every write and its created is the first
 *    write's when it is new, its revision is its last write's; each set
 *    is a row of the change log when the database is watched; projects
 *    and namespaces are registered, created at the first write into them.
 *
 * Either way the sets take the revisions after the current one in the
 * order they came, as they would one by one (the transaction holds the
 * database's lock, and any other write applies the queue first).
 *
 * A set goes straight to the server (pg_set's statement), the queue
 * applied first, outside a transaction (its own one), with a value over
 * PG_QUEUE_BIG (copied into the queue it would be in memory once more)
 * and into a namespace with max_items (what it evicts depends on each
 * write).  A group of a few sets is applied set by set: COPY's trips
 * would cost more than they save.  Applying fails as a statement does
 * (pg_fail rolls the transaction back), and a rollback drops the queue.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* The sets a group may have to be applied one by one instead. */
#define PG_QUEUE_FEW	16
/* The queue's bytes that go to the server while the group goes on. */
#define PG_QUEUE_BYTES	(8UL * 1024 * 1024)
/* The queue's bytes that go into an open COPY at once. */
#define PG_QUEUE_STREAM	(256UL * 1024)
/* A value bigger than this is written at once, not queued. */
#define PG_QUEUE_BIG	(1024UL * 1024)

/* kv's columns, the order of a queued row's fields. */
enum { F_PROJECT, F_NS, F_KEY, F_VALUE, F_VERSION, F_CREATED, F_UPDATED,
	F_EXPIRES, F_REVISION, NFIELDS };
#define KV_COLUMNS	"project, namespace, key, value, version, created, " \
	"updated, expires, revision"

/* A set of 64-bit hashes (0 free), open addressing. */
struct hashes {
	uint64_t	*h;
	size_t		 n, cap;
};

struct pg_queue {
	struct buf	 data;		/* COPY rows not sent yet */
	long long	 rows;		/* in data */
	long long	 seq;		/* sets queued in the group */
	long long	 sent;		/* of them, in kv or pd_stage already */
	long long	 staged;	/* of those, in pd_stage */
	long long	 base;		/* the revision before the group */
	int		 based;		/* base is known (data's are absolute) */
	int		 logged;	/* the database is watched */
	int		 twice;		/* a key of the group came again */
	int		 existing;	/* a key was in kv: no more COPY into it */
	int		 used;		/* pd_stage had rows in this transaction */
	int		 applying;	/* pg_set writes at once */
	int		 open;		/* a COPY into kv takes data */
	size_t		 sent_bytes;	/* of data, into the open COPY */
	struct hashes	 keys;		/* the group's keys */
	struct hashes	 spaces;	/* and namespaces, */
	struct buf	 reg;		/* "('p', 'n', now)" each, for the SQL */
	struct buf	 projects;	/* "('p', now)" each */
};

/* pd_stage, made when missing; emptied at each commit by the server. */
static const char stage_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS pd_stage (project text COLLATE \"C\" "
    "NOT NULL, namespace text COLLATE \"C\" NOT NULL, key text COLLATE "
    "\"C\" NOT NULL, value bytea NOT NULL, version bigint NOT NULL, "
    "created bigint NOT NULL, updated bigint NOT NULL, expires bigint, "
    "revision bigint NOT NULL) ON COMMIT DELETE ROWS; ";

/*
 * pd_stage into kv, in key order; $1 is how many rows, the revisions they
 * take (rev.c counts them: the statement's second column).  w holds each
 * key's last write (rn = 1), its writes' count (n) and the time of its
 * first: when no key came twice (the queue knows) each row as it is, else
 * by a window over each key's writes, newest first.  Rows as many as a
 * group's, the planner's guesses are far off: JIT would take longer than
 * the statement, and the sort is kept in memory (APPLY_SETTINGS).
 */
#define APPLY_ONCE \
    "WITH w AS (SELECT *, 1 AS rn, 1 AS n FROM pg_temp.pd_stage), "
#define APPLY_TWICE \
    "WITH w AS (SELECT project, namespace, key, value, updated, expires, " \
    "revision, row_number() OVER k AS rn, count(*) OVER k AS n, " \
    "last_value(created) OVER k AS created FROM pg_temp.pd_stage WINDOW k " \
    "AS (PARTITION BY project, namespace, key ORDER BY revision DESC ROWS " \
    "BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)), "
#define APPLY_REST \
    "ch AS (INSERT INTO kv AS t (" KV_COLUMNS ") SELECT project, " \
    "namespace, key, value, n, created, updated, expires, revision FROM w " \
    "WHERE rn = 1 ORDER BY project, namespace, key ON CONFLICT (project, " \
    "namespace, key) DO UPDATE SET value = excluded.value, version = " \
    "t.version + excluded.version, updated = excluded.updated, expires = " \
    "excluded.expires, revision = excluded.revision RETURNING 1), " \
    "lg AS (INSERT INTO sys_changes(rev, at, op, project, namespace, key, " \
    "value, expires) SELECT revision, updated, 'set', project, namespace, " \
    "key, value, expires FROM pg_temp.pd_stage WHERE " PG_LOGGED " ORDER " \
    "BY revision), " \
    "rp AS (INSERT INTO sys_projects(name, created) SELECT project, " \
    "min(created) FROM pg_temp.pd_stage GROUP BY project ON CONFLICT DO " \
    "NOTHING), " \
    "rn AS (INSERT INTO sys_namespaces(project, name, created) SELECT " \
    "project, namespace, min(created) FROM pg_temp.pd_stage GROUP BY " \
    "project, namespace ON CONFLICT DO NOTHING) " \
    "SELECT (SELECT count(*) FROM ch), $1::bigint"
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

static void
set64(unsigned char *x, long long v)
{
	uint64_t	 u = (uint64_t)v;
	int		 i;

	for (i = 7; i >= 0; i--, u >>= 8)
		x[i] = (unsigned char)(u & 0xff);
}

static long long
get64(const unsigned char *p)
{
	uint64_t	 u = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		u = u << 8 | p[i];
	return (long long)u;
}

/* A bigint field; 0 is NULL when null_zero. */
static void
put_ll(struct buf *b, long long v, int null_zero)
{
	unsigned char	 x[8];

	if (null_zero && v == 0) {
		put32(b, -1);
		return;
	}
	set64(x, v);
	put32(b, 8);
	buf_add(b, x, sizeof(x));
}

static void
put_bytes(struct buf *b, const void *p, size_t n)
{
	put32(b, (long)n);
	buf_add(b, p, n);
}

/* COPY's binary header: the signature, no flags, no extension. */
#define HEADER		"PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0"
#define HEADER_LEN	19

/*
 * The fields of the row at *p (f[i], len[i]: -1 for NULL), *p moved past
 * it.
 */
static void
next_row(unsigned char **p, unsigned char *f[NFIELDS], long len[NFIELDS])
{
	uint32_t	 n;
	int		 c;

	*p += 2;
	for (c = 0; c < NFIELDS; c++) {
		memcpy(&n, *p, sizeof(n));
		len[c] = (long)(int32_t)ntohl(n);
		f[c] = *p + 4;
		*p += 4 + (len[c] > 0 ? len[c] : 0);
	}
}

/* FNV-1a of n names, each with its NUL; never 0. */
static uint64_t
names_hash(const char *const *names, int n)
{
	const unsigned char *p;
	uint64_t	 h = UINT64_C(14695981039346656037);
	int		 i;

	for (i = 0; i < n; i++) {
		for (p = (const unsigned char *)names[i]; *p != '\0'; p++)
			h = (h ^ *p) * UINT64_C(1099511628211);
		h *= UINT64_C(1099511628211);
	}
	return h != 0 ? h : 1;
}

/*
 * Whether s is valid UTF-8 as the server checks a text (no overlong form,
 * no surrogate, nothing past U+10FFFF).
 */
static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned	 c, min;
	int		 n;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			c = *p & 0x1f;
			min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			c = *p & 0x0f;
			min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			c = *p & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (p++; n > 0; n--, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (*p & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

/* Put h in set s; 1 when it was there. */
static int
hash_put(struct hashes *s, uint64_t h)
{
	size_t	 i, mask;

	if (2 * (s->n + 1) > s->cap) {
		uint64_t	*old = s->h;
		size_t		 n = s->cap;

		s->cap = s->cap ? s->cap * 2 : 1024;
		s->h = xcalloc(s->cap, sizeof(*s->h));
		s->n = 0;
		for (i = 0; i < n; i++)
			if (old[i] != 0)
				hash_put(s, old[i]);
		free(old);
	}
	mask = s->cap - 1;
	for (i = h & mask; s->h[i] != 0; i = (i + 1) & mask)
		if (s->h[i] == h)
			return 1;
	s->h[i] = h;
	s->n++;
	return 0;
}

static void
hash_clear(struct hashes *s)
{
	if (s->n > 0)
		memset(s->h, 0, s->cap * sizeof(*s->h));
	s->n = 0;
}

/* name as an SQL literal, and what follows, into b. */
static void
add_literal(struct buf *b, const char *name, const char *then)
{
	char	*lit = pg_literal(name);

	buf_adds(b, lit);
	buf_adds(b, then);
	free(lit);
}

/* Note k's project and namespace, first written into at now. */
static void
note_space(struct pg_queue *q, const struct addr *k, long long now)
{
	const char	*names[2] = { k->project, k->ns };
	char		 t[48];

	if (hash_put(&q->spaces, names_hash(names, 2)))
		return;
	snprintf(t, sizeof(t), ", %lld)", now);
	buf_adds(&q->reg, q->reg.len > 0 ? ", (" : "(");
	add_literal(&q->reg, k->project, ", ");
	add_literal(&q->reg, k->ns, t);
	buf_adds(&q->projects, q->projects.len > 0 ? ", (" : "(");
	add_literal(&q->projects, k->project, t);
}

static struct pg_queue *
queue_of(struct pg_store *ps)
{
	if (ps->queue == NULL) {
		ps->queue = xcalloc(1, sizeof(*ps->queue));
		buf_init(&ps->queue->data);
		buf_init(&ps->queue->reg);
		buf_init(&ps->queue->projects);
	}
	return ps->queue;
}

void
pg_queue_clear(struct pg_store *ps, int tx_over)
{
	struct pg_queue	*q = ps->queue;
	PGresult	*r;

	if (q == NULL)
		return;
	if (q->open) {
		/* Its rows are being undone: the COPY fails, and its part. */
		q->open = 0;
		ps->pq->PQputCopyEnd(ps->c, "the rows are dropped");
		while ((r = pg_result(ps)) != NULL)
			ps->pq->PQclear(r);
	}
	q->sent_bytes = 0;
	buf_reset(&q->data);
	buf_reset(&q->reg);
	buf_reset(&q->projects);
	q->rows = q->seq = q->sent = q->staged = 0;
	q->based = q->logged = q->twice = q->existing = 0;
	hash_clear(&q->keys);
	hash_clear(&q->spaces);
	/* Rolled back or committed, pd_stage is empty again. */
	if (tx_over)
		q->used = 0;
}

void
pg_queue_release(struct pg_store *ps)
{
	struct pg_queue	*q = ps->queue;

	if (q == NULL)
		return;
	buf_release(&q->data);
	buf_release(&q->reg);
	buf_release(&q->projects);
	free(q->keys.h);
	free(q->spaces.h);
	free(q);
	ps->queue = NULL;
}

/*
 * Learn the revision before the group (and whether the change log is
 * kept), and make the revisions of the rows queued so far, counted from
 * 1, absolute.
 */
static enum pd_status
rebase(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	unsigned char	*p, *f[NFIELDS];
	long		 len[NFIELDS];
	enum pd_status	 s;
	long long	 i;
	char		*ignored;

	if (q->based)
		return PD_OK;
	/* The transaction's counter (rev.c), read when a marker needs it. */
	if ((s = pg_rev_sql(ps, PG_LOGGED, &ignored, cause)) != PD_OK)
		return s;
	free(ignored);
	q->base = ps->rev;
	q->logged = ps->logged;
	p = (unsigned char *)q->data.data + HEADER_LEN;
	for (i = 0; i < q->rows; i++) {
		next_row(&p, f, len);
		set64(f[F_REVISION], q->base + get64(f[F_REVISION]));
	}
	q->based = 1;
	return PD_OK;
}

/* Start COPY into table (kv's columns) after the statements of pre. */
static enum pd_status
copy_open(struct pg_store *ps, const char *pre, const char *table,
    char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	enum pd_status	 s;
	char		*sql;

	sql = xasprintf("%sCOPY %s(" KV_COLUMNS ") FROM STDIN (FORMAT binary)",
	    pre, table);
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
	return PD_OK;
}

/* The queue's bytes not sent yet into the open COPY: 0 when it failed. */
static int
copy_put(struct pg_store *ps, struct pg_queue *q)
{
	size_t	 n = q->data.len - q->sent_bytes;

	if (n > 0 && ps->pq->PQputCopyData(ps->c, q->data.data +
	    q->sent_bytes, (int)n) != 1)
		return 0;
	q->sent_bytes = q->data.len;
	return 1;
}

/*
 * End the open COPY with the queue's last bytes.  PD_OK, the queue empty;
 * or, with may_clash, PD_MISS when a key was there already
 * (unique_violation), the transaction left for the caller to mend and the
 * rows still queued; or the status of a failure, which has rolled the
 * transaction back.
 */
static enum pd_status
copy_end(struct pg_store *ps, struct pg_queue *q, int may_clash,
    char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r, *bad = NULL;
	enum pd_status	 s = PD_OK;
	const char	*st;

	q->open = 0;
	put16(&q->data, -1);
	if (!copy_put(ps, q) || pq->PQputCopyEnd(ps->c, NULL) != 1)
		s = PD_IOERR;
	while ((r = pg_result(ps)) != NULL) {
		if (bad == NULL && pq->PQresultStatus(r) != PGRES_COMMAND_OK)
			bad = r;
		else
			pq->PQclear(r);
	}
	q->sent_bytes = 0;
	if (bad != NULL || s != PD_OK) {
		st = bad != NULL ? pq->PQresultErrorField(bad,
		    PG_DIAG_SQLSTATE) : NULL;
		if (s == PD_OK && may_clash && st != NULL &&
		    strcmp(st, "23505") == 0) {
			/* The trailer goes; the rows stay for another way. */
			q->data.len -= 2;
			s = PD_MISS;
		} else
			s = pg_fail(ps, bad, cause);
		pq->PQclear(bad);
		return s;
	}
	q->sent += q->rows;
	q->rows = 0;
	buf_reset(&q->data);
	return PD_OK;
}

/* The queue's rows into pd_stage (emptied first for a new group). */
static enum pd_status
stage(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	enum pd_status	 s;
	long long	 n = q->rows;
	char		*pre;

	pre = xasprintf("%s%s%s", stage_sql, q->staged == 0 ? APPLY_SETTINGS :
	    "", q->staged == 0 && q->used ? "TRUNCATE pg_temp.pd_stage; " :
	    "");
	q->used = 1;
	s = copy_open(ps, pre, "pg_temp.pd_stage", cause);
	free(pre);
	if (s == PD_OK && (s = copy_end(ps, q, 0, cause)) == PD_OK)
		q->staged += n;
	return s;
}

/* Whether the queue's rows may go straight into kv. */
static int
may_go_direct(const struct pg_queue *q)
{
	return q->based && !q->twice && !q->logged && !q->existing &&
	    q->staged == 0;
}

/* Start the COPY straight into kv, under a savepoint. */
static enum pd_status
direct_open(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	enum pd_status	 s;

	if ((s = copy_open(ps, "SAVEPOINT pd_copy; ", "kv", cause)) == PD_OK)
		q->open = 1;
	return s;
}

/*
 * End the COPY straight into kv (started when not yet) and register the
 * group's namespaces; the revision moves past the rows.  PD_MISS when a
 * key was there already: its savepoint rolled back, nothing happened.
 */
static enum pd_status
direct_end(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	enum pd_status	 s;
	long long	 n = q->rows;
	char		*sql;

	if (!q->open && (s = direct_open(ps, q, cause)) != PD_OK)
		return s;
	s = copy_end(ps, q, 1, cause);
	if (s == PD_MISS) {
		q->existing = 1;
		s = pg_batch(ps, "ROLLBACK TO SAVEPOINT pd_copy; RELEASE "
		    "SAVEPOINT pd_copy", NULL, cause);
		return s == PD_OK ? PD_MISS : s;
	}
	if (s != PD_OK)
		return s;
	ps->dirty = 1;
	sql = xasprintf("RELEASE SAVEPOINT pd_copy; INSERT INTO "
	    "sys_projects(name, created) VALUES %s ON CONFLICT DO NOTHING; "
	    "INSERT INTO sys_namespaces(project, name, created) VALUES %s ON "
	    "CONFLICT DO NOTHING", q->projects.data, q->reg.data);
	if ((s = pg_batch(ps, sql, NULL, cause)) == PD_OK)
		pg_rev_taken(ps, n);
	free(sql);
	/*
	 * A key of these rows seen again clashes with them in kv: the table
	 * of keys need only hold those still queued (memory as the queue's).
	 */
	hash_clear(&q->keys);
	return s;
}

/* The queue's rows on their way: into kv while they may, else staged. */
static enum pd_status
send_rows(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	enum pd_status	 s;

	if ((s = rebase(ps, q, cause)) != PD_OK)
		return s;
	if ((q->open || may_go_direct(q)) &&
	    (s = direct_end(ps, q, cause)) != PD_MISS)
		return s;
	return stage(ps, q, cause);
}

/*
 * The rows queued so far into the COPY straight into kv, started when
 * there are enough of them: the server writes them while the stream goes
 * on.
 */
static enum pd_status
stream_rows(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	enum pd_status	 s;

	if (!q->open) {
		if (q->rows <= PG_QUEUE_FEW)
			return PD_OK;
		if ((s = rebase(ps, q, cause)) != PD_OK || !may_go_direct(q))
			return s;
		if ((s = direct_open(ps, q, cause)) != PD_OK)
			return s;
	}
	if (!copy_put(ps, q))
		return send_rows(ps, q, cause);
	return PD_OK;
}

enum pd_status
pg_queue_settle(struct pg_store *ps, char **cause)
{
	struct pg_queue	*q = ps->queue;

	return q != NULL && q->open ? send_rows(ps, q, cause) : PD_OK;
}

/* The queued rows one by one through pg_set, in their order. */
static enum pd_status
apply_each(struct pg_store *ps, struct pg_queue *q, char **cause)
{
	unsigned char	*p = (unsigned char *)q->data.data + HEADER_LEN;
	unsigned char	*f[NFIELDS];
	long		 len[NFIELDS];
	struct addr	 a;
	struct buf	 names;
	enum pd_status	 s = PD_OK;
	long long	 i;
	int		 c;

	buf_init(&names);
	q->applying = 1;
	for (i = 0; i < q->rows && s == PD_OK; i++) {
		next_row(&p, f, len);
		/* The names as C strings, one after the other. */
		buf_reset(&names);
		for (c = F_PROJECT; c <= F_KEY; c++) {
			buf_add(&names, f[c], (size_t)len[c]);
			buf_addc(&names, '\0');
		}
		memset(&a, 0, sizeof(a));
		a.project = names.data;
		a.ns = a.project + len[F_PROJECT] + 1;
		a.key = a.ns + len[F_NS] + 1;
		s = pg_set(&ps->base, &a, f[F_VALUE], (size_t)len[F_VALUE],
		    get64(f[F_UPDATED]), len[F_EXPIRES] < 0 ? 0 :
		    get64(f[F_EXPIRES]), cause);
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
	enum pd_status	 s = PD_OK;
	long long	 n;

	if (q == NULL || q->seq == 0)
		return PD_OK;
	if (q->sent == 0 && q->rows <= PG_QUEUE_FEW)
		s = apply_each(ps, q, cause);
	else {
		if (q->rows > 0)
			s = send_rows(ps, q, cause);
		if (s == PD_OK && q->staged > 0) {
			memset(&a, 0, sizeof(a));
			pg_arg_ll(&a, q->staged);
			s = pg_write_n(ps, q->twice ? APPLY_TWICE APPLY_REST :
			    APPLY_ONCE APPLY_REST, &a, &n, cause);
		}
	}
	pg_queue_clear(ps, 0);
	return s;
}

int
pg_queue_set(struct pg_store *ps, const struct addr *k, const void *val,
    size_t len, long long now, long long expires, enum pd_status *s,
    char **cause)
{
	const char	*names[3] = { k->project, k->ns, k->key };
	struct pg_queue	*q = ps->queue;
	long long	 ttl, max;

	*s = PD_OK;
	if (!ps->in_tx || (q != NULL && q->applying))
		return 0;
	/*
	 * A name the server refuses fails its own statement, where the
	 * stream says so, not the group's COPY.
	 */
	if (len > PG_QUEUE_BIG || !utf8_valid(k->project) ||
	    !utf8_valid(k->ns) || !utf8_valid(k->key) ||
	    (*s = pg_ns_limits(&ps->base, k->project, k->ns, &ttl, &max,
	    cause)) != PD_OK || max > 0) {
		/* What is queued goes first; then this set, at once. */
		if (*s == PD_OK)
			*s = pg_queue_flush(ps, cause);
		return *s != PD_OK;
	}
	q = queue_of(ps);
	if (hash_put(&q->keys, names_hash(names, 3)))
		q->twice = 1;
	note_space(q, k, now);
	if (q->data.len == 0)
		buf_add(&q->data, HEADER, HEADER_LEN);
	q->seq++;
	put16(&q->data, NFIELDS);
	put_bytes(&q->data, k->project, strlen(k->project));
	put_bytes(&q->data, k->ns, strlen(k->ns));
	put_bytes(&q->data, k->key, strlen(k->key));
	put_bytes(&q->data, val, len);
	put_ll(&q->data, 1, 0);
	put_ll(&q->data, now, 0);
	put_ll(&q->data, now, 0);
	put_ll(&q->data, expires, 1);
	/* Counted from 1 until the group's base is known (rebase). */
	put_ll(&q->data, q->based ? q->base + q->seq : q->seq, 0);
	q->rows++;
	*s = PD_OK;
	if (q->data.len >= PG_QUEUE_BYTES)
		*s = send_rows(ps, q, cause);
	else if (q->data.len - q->sent_bytes >= PG_QUEUE_STREAM)
		*s = stream_rows(ps, q, cause);
	return 1;
}
