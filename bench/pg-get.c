/*
 * pg-get.c - bench-pg-get: the baseline of a one-shot get on a server.
 *
 *	bench-pg-get URL SCHEMA PROJECT NS KEY
 *
 * The least a program can do to print one value of a ProntoDB database on
 * a PostgreSQL server: connect (libpq linked, as a minimal client would
 * be), one parameterised SELECT, the value to stdout.  Exit 2 when the
 * key is absent, 1 on any error.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "pg-conn.h"

int
main(int argc, char *argv[])
{
	const char	*params[3];
	PGconn		*c;
	PGresult	*r;
	int		 rc = 1;

	if (argc != 6) {
		fprintf(stderr, "usage: bench-pg-get URL SCHEMA PROJECT NS "
		    "KEY\n");
		return 64;
	}
	if ((c = bench_pg_connect(argv[1], argv[2])) == NULL)
		return 1;
	params[0] = argv[3];
	params[1] = argv[4];
	params[2] = argv[5];
	r = PQexecParams(c, "SELECT value FROM kv WHERE project = $1 AND "
	    "namespace = $2 AND key = $3", 3, NULL, params, NULL, NULL, 1);
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		rc = 2;
		if (PQntuples(r) == 1) {
			fwrite(PQgetvalue(r, 0, 0), 1,
			    (size_t)PQgetlength(r, 0, 0), stdout);
			putchar('\n');
			rc = 0;
		}
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}
