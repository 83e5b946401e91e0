/*
 * pg/conn.c - connections, statements and transactions of the PostgreSQL
 * backend (ops.h): the fault rules live here, in one place.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

void
pg_arg_text(struct pg_args *a, const char *s)
{
	a->v[a->n] = s;
	a->len[a->n] = 0;
	a->fmt[a->n++] = 0;
}

void
pg_arg_bytes(struct pg_args *a, const void *p, size_t n)
{
	a->v[a->n] = n > 0 ? p : "";
	a->len[a->n] = (int)n;
	a->fmt[a->n++] = 1;
}

void
pg_arg_ll(struct pg_args *a, long long v)
{
	snprintf(a->num[a->n], sizeof(a->num[0]), "%lld", v);
	pg_arg_text(a, a->num[a->n]);
}

void
pg_arg_expires(struct pg_args *a, long long expires)
{
	if (expires > 0)
		pg_arg_ll(a, expires);
	else
		pg_arg_text(a, NULL);
}

char *
pg_channel(const char *name)
{
	char	*c = xasprintf("pd:%s", name), *id = pg_ident(c);

	free(c);
	return id;
}

void
pg_arg_view(struct pg_args *a, const struct store *st)
{
	pg_arg_text(a, st->ctx != NULL ? st->ctx : " ");
	pg_arg_text(a, st->ctx_end);
}

char *
pg_ident(const char *name)
{
	struct buf	 b;

	buf_init(&b);
	buf_addc(&b, '"');
	for (; *name != '\0'; name++) {
		if (*name == '"')
			buf_addc(&b, '"');
		buf_addc(&b, *name);
	}
	buf_adds(&b, "\"");
	buf_addc(&b, '\0');
	return buf_detach(&b, NULL);
}

char *
pg_literal(const char *name)
{
	struct buf	 b;

	buf_init(&b);
	buf_addc(&b, '\'');
	for (; *name != '\0'; name++) {
		if (*name == '\'')
			buf_addc(&b, '\'');
		buf_addc(&b, *name);
	}
	buf_adds(&b, "'");
	buf_addc(&b, '\0');
	return buf_detach(&b, NULL);
}

/*
 * The options of the session, sent with the connection request (no trip
 * of their own): the schema as search_path, busy_ms as lock_timeout.
 * Spaces and backslashes in an option's value are escaped for libpq.
 */
static char *
session_options(const char *name, int busy_ms)
{
	struct buf	 b;
	char		*id = pg_ident(name), *p;

	buf_init(&b);
	buf_adds(&b, "-c search_path=");
	for (p = id; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	free(id);
	p = xasprintf(" -c lock_timeout=%d", busy_ms > 0 ? busy_ms : 1);
	buf_adds(&b, p);
	free(p);
	buf_addc(&b, '\0');
	return buf_detach(&b, NULL);
}

/*
 * The server's notices (a drop's cascade, an identifier truncated) are
 * not the user's business: what matters comes back as an error.
 */
static void
quiet(void *ctx, const char *msg)
{
}

enum pd_status
pg_connect(const struct pg_lib *pq, const struct pg_loc *loc, int busy_ms,
    PGconn **out, char **cause)
{
	const char	*keys[] = { "dbname", "options",
			    "fallback_application_name", NULL };
	const char	*vals[4];
	char		*opts = session_options(loc->name, busy_ms), *why;
	const char	*msg, *f, *host, *port;
	PGconn		*c;

	vals[0] = loc->conninfo;
	vals[1] = opts;
	vals[2] = "prontodb";
	vals[3] = NULL;
	c = pq->PQconnectdbParams(keys, vals, 1);
	free(opts);
	if (c != NULL && pq->PQstatus(c) == CONNECTION_OK) {
		pq->PQsetNoticeProcessor(c, quiet, NULL);
		*out = c;
		return PD_OK;
	}
	/*
	 * libpq's first line reads "connection to server at "h" (addr),
	 * port N failed: why"; the reason is what follows "failed: ".
	 */
	msg = c != NULL ? pq->PQerrorMessage(c) : "out of memory";
	if ((f = strstr(msg, "failed: ")) != NULL)
		msg = f + 8;
	why = pg_loc_scrub(loc, msg);
	host = c != NULL ? pq->PQhost(c) : NULL;
	port = c != NULL ? pq->PQport(c) : NULL;
	*cause = xasprintf("cannot connect to the server at %s port %s: %s",
	    host != NULL && *host != '\0' ? host : "(default)",
	    port != NULL && *port != '\0' ? port : "5432", why);
	free(why);
	pq->PQfinish(c);
	return PD_IOERR;
}

/*
 * Whether libpq failed for want of memory itself: its own words ("out of
 * memory", "out of memory for query result", "cannot allocate memory for
 * output buffer"), with no "ERROR:" of the server's in front (a server
 * out of memory is the server's failure, said as such).
 */
static int
libpq_oom(const char *msg)
{
	return strncmp(msg, "out of memory", 13) == 0 ||
	    strncmp(msg, "cannot allocate memory", 22) == 0;
}

PGresult *
pg_result(struct pg_store *ps)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r = pq->PQgetResult(ps->c);

	if (r == NULL)
		return NULL;
	switch (pq->PQresultStatus(r)) {
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		pq->PQclear(r);
		return NULL;
	case PGRES_FATAL_ERROR:
		if (libpq_oom(pq->PQresultErrorMessage(r)))
			util_out_of_memory();
		break;
	default:
		break;
	}
	return r;
}

enum pd_status
pg_fail(struct pg_store *ps, PGresult *r, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	const char	*state = r != NULL ?
			    pq->PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char	*msg = r != NULL ? pq->PQresultErrorMessage(r) : "";
	char		*why;
	enum pd_status	 s = PD_ERROR;

	if (*msg == '\0')
		msg = pq->PQerrorMessage(ps->c);
	/* As anywhere else out of memory: one line, status 1. */
	if (libpq_oom(msg))
		util_out_of_memory();
	if (strncmp(msg, "ERROR:  ", 8) == 0)
		msg += 8;
	why = pg_loc_scrub(&ps->loc, msg);
	if (pq->PQstatus(ps->c) == CONNECTION_BAD) {
		*cause = xasprintf("lost the connection to the server at %s "
		    "port %s: %s", pq->PQhost(ps->c), pq->PQport(ps->c), why);
		s = PD_IOERR;
	} else if (state != NULL && (strcmp(state, "55P03") == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)) {
		*cause = xstrdup("database is locked (busy_timeout expired)");
		s = PD_BUSY;
	} else if (state != NULL && (strcmp(state, "3F000") == 0 ||
	    strcmp(state, "42P01") == 0)) {
		*cause = xasprintf("no database '%s' on the server",
		    ps->loc.label);
		s = PD_MISS;
	} else if (state != NULL && strncmp(state, "42501", 5) == 0) {
		*cause = xasprintf("database error: %s", why);
		s = PD_DENIED;
	} else
		*cause = xasprintf("database error: %s", why);
	free(why);
	if (ps->in_tx) {
		/* The server aborted it: only a rollback is accepted now. */
		PGresult	*rb;

		pg_queue_clear(ps, 1);
		rb = pq->PQexec(ps->c, "ROLLBACK");

		pq->PQclear(rb);
		ps->in_tx = 0;
		ps->lost = 1;
		if (s != PD_BUSY) {
			char	*was = *cause;

			*cause = xasprintf("%s; the transaction's writes were "
			    "rolled back", was);
			free(was);
		}
	}
	return s;
}

/*
 * After r failed: when the connection is gone, a new one in its place
 * (1), so that the caller may send its statement again.
 */
static int
reconnect(struct pg_store *ps, PGresult *r)
{
	PGconn		*c;
	char		*ignored = NULL;

	if (ps->pq->PQstatus(ps->c) != CONNECTION_BAD)
		return 0;
	if (pg_connect(ps->pq, &ps->loc, ps->busy_ms, &c, &ignored) !=
	    PD_OK) {
		free(ignored);
		return 0;
	}
	ps->pq->PQclear(r);
	ps->pq->PQfinish(ps->c);
	ps->c = c;
	return 1;
}

enum pd_status
pg_run(struct pg_store *ps, const char *sql, const struct pg_args *a,
    PGresult **res, char **cause)
{
	char		*marked;
	enum pd_status	 s;

	*res = NULL;
	/* A COPY the queue holds open ends before the counter is looked at. */
	if ((s = pg_queue_settle(ps, cause)) != PD_OK ||
	    (s = pg_rev_sql(ps, sql, &marked, cause)) != PD_OK)
		return s;
	s = pg_exec(ps, marked != NULL ? marked : sql, a, res, cause);
	free(marked);
	return s;
}

enum pd_status
pg_exec(struct pg_store *ps, const char *sql, const struct pg_args *a,
    PGresult **res, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	ExecStatusType	 st;
	enum pd_status	 s;
	int		 again = !ps->in_tx;

	if ((s = pg_queue_settle(ps, cause)) != PD_OK) {
		*res = NULL;
		return s;
	}
	pg_limits_forget(ps);
	for (;;) {
		r = pq->PQexecParams(ps->c, sql, a != NULL ? a->n : 0, NULL,
		    a != NULL ? a->v : NULL, a != NULL ? a->len : NULL,
		    a != NULL ? a->fmt : NULL, 1);
		st = r != NULL ? pq->PQresultStatus(r) : PGRES_FATAL_ERROR;
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			*res = r;
			return PD_OK;
		}
		/* Outside a transaction: one new connection, once. */
		if (!again || !reconnect(ps, r))
			break;
		again = 0;
	}
	*res = NULL;
	s = pg_fail(ps, r, cause);
	pq->PQclear(r);
	return s;
}

enum pd_status
pg_do(struct pg_store *ps, const char *sql, const struct pg_args *a,
    char **cause)
{
	PGresult	*r;
	enum pd_status	 s;

	if ((s = pg_run(ps, sql, a, &r, cause)) == PD_OK)
		ps->pq->PQclear(r);
	return s;
}

enum pd_status
pg_batch(struct pg_store *ps, const char *sql, PGresult **res, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	ExecStatusType	 st;
	enum pd_status	 s;

	if ((s = pg_queue_settle(ps, cause)) != PD_OK)
		return s;
	pg_limits_forget(ps);
	r = pq->PQexec(ps->c, sql);
	st = r != NULL ? pq->PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (res != NULL)
			*res = r;
		else
			pq->PQclear(r);
		return PD_OK;
	}
	if (pq->PQtransactionStatus(ps->c) == PQTRANS_INERROR)
		ps->in_tx = 1;
	s = pg_fail(ps, r, cause);
	pq->PQclear(r);
	return s;
}

enum pd_status
pg_none(enum pd_status s, char **cause)
{
	if (s == PD_MISS) {
		free(*cause);
		*cause = NULL;
	}
	return s;
}

/*
 * Run write sql in the open transaction, or in one of its own (which
 * takes the database's lock); how many rows it changed is its result's
 * first number (counted) or the command's count.  PD_MISS when none.
 * When it changed some, then (if not NULL) runs in the same transaction.
 */
static enum pd_status
write_sql(struct pg_store *ps, const char *sql, const struct pg_args *a,
    int counted, long long *n, pg_then_fn then, void *ctx, char **cause)
{
	PGresult	*r;
	enum pd_status	 s;
	long long	 changed;
	int		 own = !ps->in_tx;

	if (own && (s = pg_begin(&ps->base, cause)) != PD_OK)
		return s;
	if ((s = pg_run(ps, sql, a, &r, cause)) == PD_OK) {
		changed = counted ? pg_ll(ps, r, 0, 0) : pg_changed(ps, r);
		if (n != NULL)
			*n = changed;
		if (strchr(sql, PG_MARK) != NULL)
			pg_rev_taken(ps, ps->pq->PQnfields(r) > 1 ?
			    pg_ll(ps, r, 0, 1) : changed);
		if (changed == 0)
			s = PD_MISS;
		else
			ps->dirty = 1;
		if (s == PD_OK && then != NULL)
			s = then(ps, r, ctx, cause);
		ps->pq->PQclear(r);
	}
	if (own) {
		/* A write on its own purges nothing, as SQLite's autocommit. */
		ps->expiring = 0;
		if (s == PD_OK || s == PD_MISS) {
			enum pd_status	 c = pg_commit(&ps->base, cause);

			if (c != PD_OK)
				s = c;
		} else
			pg_rollback(&ps->base);
	}
	return s;
}

enum pd_status
pg_change(struct pg_store *ps, const char *sql, const struct pg_args *a,
    char **cause)
{
	return write_sql(ps, sql, a, 0, NULL, NULL, NULL, cause);
}

enum pd_status
pg_write(struct pg_store *ps, const char *sql, const struct pg_args *a,
    char **cause)
{
	return write_sql(ps, sql, a, 1, NULL, NULL, NULL, cause);
}

enum pd_status
pg_write_then(struct pg_store *ps, const char *sql, const struct pg_args *a,
    int counted, pg_then_fn then, void *ctx, char **cause)
{
	return write_sql(ps, sql, a, counted, NULL, then, ctx, cause);
}

enum pd_status
pg_write_n(struct pg_store *ps, const char *sql, const struct pg_args *a,
    long long *n, char **cause)
{
	enum pd_status	 s = write_sql(ps, sql, a, 1, n, NULL, NULL, cause);

	return s == PD_MISS ? PD_OK : s;
}

enum pd_status
pg_rows(struct pg_store *ps, const char *sql, const struct pg_args *a,
    pg_row_fn row, void *ctx, char **cause)
{
	PGresult	*r;
	enum pd_status	 s;
	int		 i;

	if ((s = pg_run(ps, sql, a, &r, cause)) != PD_OK)
		return pg_none(s, cause) == PD_MISS ? PD_OK : s;
	for (i = 0; i < ps->pq->PQntuples(r) && s == PD_OK; i++)
		s = row(ps, r, i, ctx);
	ps->pq->PQclear(r);
	return s;
}

long long
pg_ll(const struct pg_store *ps, const PGresult *r, int row, int col)
{
	const unsigned char *p;
	uint64_t	 v = 0;
	int		 i;

	if (ps->pq->PQgetisnull(r, row, col))
		return 0;
	p = (const unsigned char *)ps->pq->PQgetvalue(r, row, col);
	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (long long)v;
}

long long
pg_changed(const struct pg_store *ps, const PGresult *r)
{
	return strtoll(ps->pq->PQcmdTuples((PGresult *)r), NULL, 10);
}

enum pd_status
pg_attach(const struct pg_loc *loc, int busy_ms, struct pg_store **out,
    char **cause)
{
	struct pg_store	*ps;
	const struct pg_lib *pq;
	enum pd_status	 s;
	char		*lit;

	if ((s = pg_lib(&pq, cause)) != PD_OK)
		return s;
	ps = xcalloc(1, sizeof(*ps));
	ps->base.be = &store_pg;
	/* Listings keep to the view's range (PG_VIEW). */
	store_ctx_open(&ps->base);
	ps->pq = pq;
	ps->busy_ms = busy_ms;
	ps->loc.conninfo = xstrdup(loc->conninfo);
	ps->loc.name = xstrdup(loc->name);
	ps->loc.label = xstrdup(loc->label != NULL ? loc->label : loc->name);
	ps->loc.display = xstrdup(loc->display);
	ps->loc.secret = loc->secret != NULL ? xstrdup(loc->secret) : NULL;
	lit = pg_literal(loc->name);
	ps->lock_sql = xasprintf("SELECT pg_advisory_xact_lock(%d, "
	    "hashtext(%s))", PG_LOCK_CLASS, lit);
	ps->begin_sql = xasprintf("BEGIN; %s; SELECT v, (SELECT current FROM "
	    "sys_revision), 'sys_version'::regclass::oid FROM sys_version",
	    ps->lock_sql);
	ps->keep_revs = STORE_KEEP_REVISIONS;
	ps->keep_ms = STORE_KEEP_MS;
	free(lit);
	/* Watchers LISTEN on the database's channel; writers NOTIFY it. */
	ps->channel = pg_channel(loc->name);
	ps->notify_sql = xasprintf("NOTIFY %s; COMMIT", ps->channel);
	if ((s = pg_connect(pq, &ps->loc, busy_ms, &ps->c, cause)) != PD_OK) {
		pg_close(&ps->base);
		return s;
	}
	*out = ps;
	return PD_OK;
}

enum pd_status
pg_open_loc(const struct pg_loc *loc, int busy_ms, int create,
    struct store **out, char **cause)
{
	struct pg_store	*ps;
	enum pd_status	 s;

	if ((s = pg_attach(loc, busy_ms, &ps, cause)) != PD_OK)
		return s;
	/*
	 * A database that may be made is looked at by its first transaction
	 * (pg_begin), and a read of a schema not there yet finds nothing: a
	 * one-shot read costs the connection and its statement only.  One
	 * that must exist is looked at now (one trip).
	 */
	ps->create = create;
	if (!create)
		s = pg_do(ps, "SELECT v FROM sys_version", NULL, cause);
	if (s != PD_OK) {
		pg_close(&ps->base);
		return s;
	}
	*out = &ps->base;
	return PD_OK;
}

enum pd_status
pg_loc_of(const struct store_loc *sl, struct pg_loc *loc, char **cause)
{
	const struct pg_loc *k = pg_loc_find(sl->id);
	enum pd_status	 s = PD_OK;

	if (k == NULL)
		s = pg_loc_parse(sl->id, NULL, loc, cause);
	else {
		memset(loc, 0, sizeof(*loc));
		loc->conninfo = xstrdup(k->conninfo);
		loc->name = xstrdup(k->name);
		loc->display = xstrdup(k->display);
		loc->secret = xstrdup(k->secret);
	}
	/* A name of the place is called by that name, not its schema's. */
	if (s == PD_OK) {
		free(loc->label);
		loc->label = xstrdup(sl->named ? sl->name : loc->name);
	}
	return s;
}

enum pd_status
pg_open(const struct store_loc *sl, int busy_ms, int create,
    struct store **out, char **cause)
{
	struct pg_loc	 loc;
	enum pd_status	 s;

	if ((s = pg_loc_of(sl, &loc, cause)) != PD_OK)
		return s;
	s = pg_open_loc(&loc, busy_ms, create, out, cause);
	pg_loc_release(&loc);
	return s;
}

void
pg_close(struct store *base)
{
	struct pg_store	*ps = pg_of(base);
	if (ps == NULL)
		return;
	if (ps->c != NULL)
		ps->pq->PQfinish(ps->c);
	pg_queue_release(ps);
	pg_limits_release(ps);
	store_ctx_close(&ps->base);
	pg_loc_release(&ps->loc);
	free(ps->begin_sql);
	free(ps->saved);
	free(ps->lock_sql);
	free(ps->notify_sql);
	free(ps->channel);
	free(ps);
}

/*
 * The database this store began a transaction in is gone, or another
 * stands in its place (db drop, db rename, a restore by another process):
 * a write would land in none, or in one this process never read, so it
 * is refused, as SQLite's are when their file is replaced.
 */
static enum pd_status
replaced(struct pg_store *ps, char **cause)
{
	free(*cause);
	*cause = xasprintf("database '%s' was replaced or removed after this "
	    "process opened it (restore, db drop or db rename): nothing was "
	    "written, run it again", ps->loc.label);
	return PD_BUSY;
}

/*
 * BEGIN, the database's lock and a look at its version in one trip (a
 * simple query runs them in order and stops at the first error); the
 * version's table's oid tells the database the first one began in from
 * any that replaced it.
 */
enum pd_status
pg_begin(struct store *base, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	ExecStatusType	 st;
	enum pd_status	 s;
	int		 again = 1;

	ps->lost = 0;
	ps->dirty = 0;
	pg_rev_forget(ps);
	pg_queue_clear(ps, 1);
	pg_limits_forget(ps);
	ps->expiring = 0;
	for (;;) {
		r = pq->PQexec(ps->c, ps->begin_sql);
		st = r != NULL ? pq->PQresultStatus(r) : PGRES_FATAL_ERROR;
		if (st == PGRES_TUPLES_OK) {
			long long v = pq->PQntuples(r) == 1 ?
				    strtoll(pq->PQgetvalue(r, 0, 0), NULL, 10) : 0;
			int	 current = v == pg_schema_version();
			/* The oid is the last column of the row. */
			unsigned long long oid = pq->PQntuples(r) == 1 ?
				    strtoull(pq->PQgetvalue(r, 0,
				    pq->PQnfields(r) - 1), NULL, 10) : 0;

			if (current)
				ps->rev_begun = strtoll(pq->PQgetvalue(r, 0, 1),
				    NULL, 10);
			pq->PQclear(r);
			ps->in_tx = 1;
			if (v > pg_schema_version()) {
				/* A newer prontodb's: not read, as on SQLite. */
				pg_rollback(base);
				*cause = pg_schema_newer(v);
				return PD_ERROR;
			}
			if (ps->known != 0 && oid != ps->known) {
				pg_rollback(base);
				*cause = NULL;
				return replaced(ps, cause);
			}
			ps->known = oid;
			if (current || !ps->create)
				return PD_OK;
			/* An older schema: brought up to date first. */
			pg_rollback(base);
			*cause = NULL;
			s = PD_MISS;
			goto make;
		}
		if (!again || !reconnect(ps, r))
			break;
		again = 0;
	}
	/* A failure inside BEGIN's batch left a transaction to end. */
	ps->in_tx = 0;
	s = pg_fail(ps, r, cause);
	pq->PQclear(r);
	if (pq->PQtransactionStatus(ps->c) != PQTRANS_IDLE)
		pq->PQclear(pq->PQexec(ps->c, "ROLLBACK"));
	if (s == PD_MISS && ps->known != 0)
		return replaced(ps, cause);
make:
	if (s == PD_MISS && ps->create) {
		/* Made (or migrated) once, then begun again. */
		free(*cause);
		*cause = NULL;
		ps->create = 0;
		if ((s = pg_schema_create(ps, 0, cause)) == PD_OK)
			s = pg_begin(base, cause);
	}
	return s;
}

enum pd_status
pg_commit(struct store *base, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	enum pd_status	 s;
	char		*sql, *trim;
	long long	 purged;

	/* The queued sets are applied first: failing, they rolled it back. */
	if ((s = pg_queue_flush(ps, cause)) != PD_OK)
		return s;
	pg_queue_clear(ps, 1);
	/*
	 * Writers of expiring keys purge a bounded batch of expired ones as
	 * they commit, as on SQLite (sqlite/tx.c); other writers skip it.
	 */
	if (ps->expiring && ps->in_tx) {
		ps->expiring = 0;
		if ((s = pg_purge(base, NULL, NULL, 64, &purged, cause)) !=
		    PD_OK)
			return s;
	}
	/*
	 * A NOTIFY is delivered when (and only if) its transaction commits.
	 * A transaction that changed something trims the change log's
	 * oldest entries beyond the retention as SQLite's commit does
	 * (sqlite/changes.c), looking at no more of them than twice the
	 * revisions it took, and 64; all in the COMMIT's trip, after the
	 * revision counter is written (pg_rev_commit_sql).
	 */
	if (ps->dirty) {
		trim = xasprintf("DELETE FROM sys_changes WHERE rev IN (SELECT "
		    "rev FROM sys_changes ORDER BY rev LIMIT (SELECT 2 * "
		    "(current - %lld) + 64 FROM sys_revision)) AND (rev <= "
		    "(SELECT current FROM sys_revision) - %lld OR at < %lld); %s",
		    ps->rev_begun, ps->keep_revs, util_now_ms() - ps->keep_ms,
		    ps->notify_sql);
		sql = pg_rev_commit_sql(ps, trim);
		free(trim);
	} else
		sql = pg_rev_commit_sql(ps, "COMMIT");
	s = pg_batch(ps, sql, NULL, cause);
	free(sql);
	pg_rev_forget(ps);
	ps->in_tx = 0;
	ps->dirty = 0;
	return s;
}

void
pg_rollback(struct store *base)
{
	struct pg_store	*ps = pg_of(base);
	PGresult	*r;

	pg_queue_clear(ps, 1);
	if (!ps->in_tx)
		return;
	r = ps->pq->PQexec(ps->c, "ROLLBACK");
	ps->pq->PQclear(r);
	pg_rev_forget(ps);
	ps->in_tx = 0;
}

int
pg_in_tx(const struct store *base)
{
	const struct pg_store	*ps = pg_of(base);
	return ps->in_tx;
}

int
pg_tx_lost(const struct store *base)
{
	const struct pg_store	*ps = pg_of(base);
	return ps->lost;
}

enum pd_status
pg_savepoint(struct store *base, const char *name, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	char		*id = pg_ident(name), *sql;
	enum pd_status	 s;

	/* What was queued before it is no part of it (the dispatch's flush). */
	if ((s = pg_queue_flush(ps, cause)) != PD_OK) {
		free(id);
		return s;
	}
	sql = xasprintf("SAVEPOINT %s", id);
	if ((s = pg_do(ps, sql, NULL, cause)) == PD_OK)
		pg_rev_save(ps);
	free(sql);
	free(id);
	return s;
}

enum pd_status
pg_savepoint_end(struct store *base, const char *name, int keep,
    char **cause)
{
	struct pg_store	*ps = pg_of(base);
	char		*id, *sql;
	enum pd_status	 s;

	/*
	 * The queue holds sets made since the savepoint (store_savepoint
	 * applied it): kept, they are applied; undone, dropped.
	 */
	if (keep && (s = pg_queue_flush(ps, cause)) != PD_OK)
		return s;
	pg_queue_clear(ps, 0);
	id = pg_ident(name);
	sql = keep ? xasprintf("RELEASE SAVEPOINT %s", id) :
	    xasprintf("ROLLBACK TO SAVEPOINT %s; RELEASE SAVEPOINT %s", id, id);
	s = keep ? pg_do(ps, sql, NULL, cause) : pg_batch(ps, sql, NULL, cause);
	if (s == PD_OK)
		pg_rev_restore(ps, keep);
	free(sql);
	free(id);
	return s;
}
