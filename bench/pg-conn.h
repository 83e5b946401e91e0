/*
 * pg-conn.h - the connection of the bench's libpq baselines (pg-get.c,
 * pg-copy.c): the server's URL, the database's schema as search_path.
 */
#ifndef BENCH_PG_CONN_H
#define BENCH_PG_CONN_H

#include <stdio.h>

#include <libpq-fe.h>

/* A connection to url with schema first in search_path; NULL, said why. */
static PGconn *
bench_pg_connect(const char *url, const char *schema)
{
	const char	*keys[] = { "dbname", "options", NULL };
	const char	*vals[3];
	char		 opt[256];
	PGconn		*c;

	snprintf(opt, sizeof(opt), "-c search_path=%s", schema);
	vals[0] = url;
	vals[1] = opt;
	vals[2] = NULL;
	c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) == CONNECTION_OK)
		return c;
	fprintf(stderr, "%s", PQerrorMessage(c));
	PQfinish(c);
	return NULL;
}

#endif
