/*
 * pg/rev.c - a transaction's revisions, counted in the client.
 *
 * Every change takes the database's next revision.  Kept only in the
 * one row of sys_revision, that would be an UPDATE of the same row per
 * change, and PostgreSQL keeps each version of a row updated within one
 * transaction until it ends: the next UPDATE walks past all of them, so
 * a block of n sets cost time in n squared (8,000 sets 6.6 s, 100,000
 * never finished).  A writer holds its database's advisory lock from
 * BEGIN to the end (conn.c), so no one else takes a revision meanwhile:
 * the counter is read once, advanced here as statements change rows, and
 * written back once, with the COMMIT.
 *
 * Statements name the next revision and whether the database is watched
 * with the markers PG_REV_NEXT and PG_LOGGED (int.h), which pg_run turns
 * into numbers and truth values.  A statement that names sys_revision
 * itself (purges and clears that number many rows in SQL) first gets the
 * pending count written, and the counter is read again after it.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

static enum pd_status
rev_read(struct pg_store *ps, char **cause)
{
	PGresult	*r;
	enum pd_status	 s;

	if ((s = pg_exec(ps, "SELECT current, (log_from IS NOT NULL)::int::int8 "
	    "FROM sys_revision", NULL, &r, cause)) != PD_OK)
		return s;
	if (ps->pq->PQntuples(r) != 1) {
		ps->pq->PQclear(r);
		*cause = xstrdup("the database's revision is missing");
		return PD_ERROR;
	}
	ps->rev = ps->rev_stored = pg_ll(ps, r, 0, 0);
	ps->logged = pg_ll(ps, r, 0, 1) != 0;
	ps->rev_known = 1;
	ps->pq->PQclear(r);
	return PD_OK;
}

enum pd_status
pg_rev_flush(struct pg_store *ps, char **cause)
{
	struct pg_args	 a;
	PGresult	*r;
	enum pd_status	 s;

	if (!ps->rev_known || ps->rev == ps->rev_stored)
		return PD_OK;
	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, ps->rev);
	if ((s = pg_exec(ps, "UPDATE sys_revision SET current = $1::bigint",
	    &a, &r, cause)) != PD_OK)
		return s;
	ps->pq->PQclear(r);
	ps->rev_stored = ps->rev;
	return PD_OK;
}

enum pd_status
pg_rev_sql(struct pg_store *ps, const char *sql, char **out, char **cause)
{
	struct buf	 b;
	const char	*p;
	char		 num[40];
	enum pd_status	 s;

	*out = NULL;
	if (strchr(sql, PG_MARK) == NULL) {
		/* It reads or moves the counter itself: let it see ours. */
		if (strstr(sql, "sys_revision") == NULL)
			return PD_OK;
		if ((s = pg_rev_flush(ps, cause)) != PD_OK)
			return s;
		ps->rev_known = 0;
		return PD_OK;
	}
	if (!ps->rev_known && (s = rev_read(ps, cause)) != PD_OK)
		return s;
	buf_init(&b);
	for (p = sql; *p != '\0'; p++) {
		if (*p != PG_MARK) {
			buf_addc(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'R':
			snprintf(num, sizeof(num), "%lld::bigint", ps->rev + 1);
			buf_adds(&b, num);
			break;
		case 'L':
			buf_adds(&b, ps->logged ? "true" : "false");
			break;
		default:
			abort();	/* a marker int.h does not define */
		}
	}
	*out = buf_detach(&b, NULL);
	return PD_OK;
}

void
pg_rev_taken(struct pg_store *ps, long long n)
{
	ps->rev += n;
}

char *
pg_rev_commit_sql(const struct pg_store *ps, const char *commit)
{
	if (!ps->rev_known || ps->rev == ps->rev_stored)
		return xstrdup(commit);
	return xasprintf("UPDATE sys_revision SET current = %lld; %s", ps->rev,
	    commit);
}

void
pg_rev_forget(struct pg_store *ps)
{
	ps->rev_known = 0;
	ps->nsaved = 0;
}

void
pg_rev_save(struct pg_store *ps)
{
	if (ps->nsaved == ps->saved_cap) {
		ps->saved_cap = ps->saved_cap ? ps->saved_cap * 2 : 8;
		ps->saved = xrealloc(ps->saved, ps->saved_cap *
		    sizeof(*ps->saved));
	}
	ps->saved[ps->nsaved].known = ps->rev_known;
	ps->saved[ps->nsaved].rev = ps->rev;
	ps->saved[ps->nsaved].stored = ps->rev_stored;
	ps->nsaved++;
}

void
pg_rev_restore(struct pg_store *ps, int keep)
{
	if (ps->nsaved == 0)
		return;
	ps->nsaved--;
	if (keep)
		return;
	/* The server went back to the savepoint: so does the counter. */
	ps->rev_known = ps->saved[ps->nsaved].known;
	ps->rev = ps->saved[ps->nsaved].rev;
	ps->rev_stored = ps->saved[ps->nsaved].stored;
}
