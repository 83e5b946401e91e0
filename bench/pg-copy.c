/*
 * pg-copy.c - bench-pg-copy: the baseline of a bulk import on a server.
 *
 *	bench-pg-copy URL SCHEMA < rows.tsv
 *
 * The least a program can do to load bench-gen's TSV rows (project, ns,
 * key, value) into a ProntoDB database's kv table on a PostgreSQL server:
 * connect (libpq linked), BEGIN, one COPY ... FROM STDIN in binary format
 * of every row as a new key (version 1, created and updated now, no
 * expiry, revision i), COMMIT.  The schema and its kv table (its primary
 * key index with them) exist already.  Exit 1 on any error.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <libpq-fe.h>

#include "pg-conn.h"

static char	*out;
static size_t	 len, cap;

static void
put(const void *p, size_t n)
{
	if (len + n > cap) {
		cap = (len + n) * 2;
		if ((out = realloc(out, cap)) == NULL) {
			perror("bench-pg-copy");
			exit(1);
		}
	}
	memcpy(out + len, p, n);
	len += n;
}

static void
put16(int v)
{
	uint16_t	 n = htons((uint16_t)v);

	put(&n, 2);
}

static void
put32(long v)
{
	uint32_t	 n = htonl((uint32_t)v);

	put(&n, 4);
}

static void
put_ll(long long v)
{
	uint32_t	 hi = htonl((uint32_t)((unsigned long long)v >> 32));
	uint32_t	 lo = htonl((uint32_t)v);

	put32(8);
	put(&hi, 4);
	put(&lo, 4);
}

static void
put_text(const char *p, size_t n)
{
	put32((long)n);
	put(p, n);
}

static int
fail(PGconn *c, PGresult *r)
{
	fprintf(stderr, "bench-pg-copy: %s", r != NULL ?
	    PQresultErrorMessage(r) : PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return 1;
}

int
main(int argc, char *argv[])
{
	char		*line = NULL, *f[4], *p;
	size_t		 lcap = 0;
	ssize_t		 n;
	struct timeval	 tv;
	long long	 now, rev = 0;
	PGconn		*c;
	PGresult	*r;
	int		 i;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-pg-copy URL SCHEMA < rows.tsv\n");
		return 64;
	}
	if ((c = bench_pg_connect(argv[1], argv[2])) == NULL)
		return 1;
	r = PQexec(c, "BEGIN; COPY kv(project, namespace, key, value, version, "
	    "created, updated, revision) FROM STDIN (FORMAT binary)");
	if (PQresultStatus(r) != PGRES_COPY_IN)
		return fail(c, r);
	PQclear(r);
	gettimeofday(&tv, NULL);
	now = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	put("PGCOPY\n\377\r\n", 11);
	put32(0);
	put32(0);
	while ((n = getline(&line, &lcap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		for (i = 0, p = line; i < 4; i++) {
			f[i] = p;
			if (i < 3 && (p = strchr(p, '\t')) == NULL)
				break;
			if (i < 3)
				*p++ = '\0';
		}
		if (i < 4) {
			fprintf(stderr, "bench-pg-copy: not 4 fields\n");
			return 1;
		}
		put16(8);
		for (i = 0; i < 4; i++)
			put_text(f[i], strlen(f[i]));
		put_ll(1);
		put_ll(now);
		put_ll(now);
		put_ll(++rev);
		if (len >= 1 << 20) {
			if (PQputCopyData(c, out, (int)len) != 1)
				return fail(c, NULL);
			len = 0;
		}
	}
	put16(-1);
	if (PQputCopyData(c, out, (int)len) != 1 ||
	    PQputCopyEnd(c, NULL) != 1)
		return fail(c, NULL);
	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return fail(c, r);
		PQclear(r);
	}
	r = PQexec(c, "COMMIT");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return fail(c, r);
	PQclear(r);
	PQfinish(c);
	free(line);
	free(out);
	return 0;
}
