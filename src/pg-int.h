/*
 * pg-int.h - what the PostgreSQL backend's files share (pg-*.c only).
 */
#ifndef PRONTO_PG_INT_H
#define PRONTO_PG_INT_H

#include "pg-lib.h"
#include "pg-loc.h"
#include "pg-store.h"

/* The first key of the advisory locks ProntoDB takes ("PDB0"). */
#define PG_LOCK_CLASS	1346650672

/* The schema's version: pg-schema.c's migrations. */
struct pg_store {
	const struct pg_lib *pq;
	PGconn		*c;
	struct pg_loc	 loc;
	int		 busy_ms;
	int		 in_tx;
	int		 lost;		/* the last failure lost the tx */
	long long	 read_rev;
	char		*begin_sql;	/* BEGIN and the lock, one trip */
	char		*lock_sql;
};

/* Parameters of one statement; numbers travel as text. */
#define PG_ARGS_MAX	12
struct pg_args {
	int		 n;
	const char	*v[PG_ARGS_MAX];
	int		 len[PG_ARGS_MAX];
	int		 fmt[PG_ARGS_MAX];
	char		 num[PG_ARGS_MAX][24];
};

void		pg_arg_text(struct pg_args *, const char *);
void		pg_arg_bytes(struct pg_args *, const void *, size_t);
void		pg_arg_ll(struct pg_args *, long long);
/* 0 is NULL: "never" for expiries. */
void		pg_arg_expires(struct pg_args *, long long);

/*
 * Run sql (its tables unqualified: the session's search_path is the
 * database's schema) with args (NULL: none), results in binary.  PD_OK
 * with *res for the caller to PQclear, or a status with *cause: PD_BUSY
 * for a lock not granted in time, PD_IOERR for a lost connection, PD_MISS
 * with *cause when the database has no schema (yet).
 */
enum pd_status	pg_run(struct pg_store *, const char *sql,
		    const struct pg_args *, PGresult **res, char **cause);
/* The same for a statement whose result is not needed. */
enum pd_status	pg_do(struct pg_store *, const char *sql,
		    const struct pg_args *, char **cause);
/*
 * Run sql, several statements in one trip (no parameters; text results),
 * stopping at the first that fails.  *res (NULL: not wanted) is the last
 * statement's result.
 */
enum pd_status	pg_batch(struct pg_store *, const char *sql, PGresult **res,
		    char **cause);
/*
 * The status and message of failed result r (NULL: none came): a failure
 * inside a transaction rolls it back (the server has aborted it).
 */
enum pd_status	pg_fail(struct pg_store *, PGresult *r, char **cause);
/* A bigint column of a binary result. */
long long	pg_ll(const struct pg_store *, const PGresult *, int row,
		    int col);
/* How many rows the command changed. */
long long	pg_changed(const struct pg_store *, const PGresult *);

/* pg_open without looking for the schema: a connection to the server. */
enum pd_status	pg_attach(const struct pg_loc *, int busy_ms,
		    struct pg_store **, char **cause);
/* A connection to loc's server with search_path set to its schema. */
enum pd_status	pg_connect(const struct pg_lib *, const struct pg_loc *,
		    int busy_ms, PGconn **, char **cause);
/* "name" as an SQL identifier (quoted) or literal, for DDL. */
char		*pg_ident(const char *name);
char		*pg_literal(const char *name);
/* Bring the schema of ps's database up to date (in a transaction). */
enum pd_status	pg_schema_create(struct pg_store *, int must_be_new,
		    char **cause);

#endif
