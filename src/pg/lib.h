/*
 * pg/lib.h - libpq, PostgreSQL's client library, opened when first needed.
 *
 * Part of the PostgreSQL backend: with the backend's other files, the
 * only code that includes <libpq-fe.h>, for its types and prototypes;
 * nothing links libpq.  The functions the backend calls are fields of
 * struct pg_lib, named as in libpq and resolved with dlsym, so a process
 * that never meets a server locator never loads the library.
 */
#ifndef PRONTO_PG_LIB_H
#define PRONTO_PG_LIB_H

#include <libpq-fe.h>

#include "status.h"

/* Every libpq function the backend calls. */
#define PG_LIB_FUNCTIONS \
	PG_FN(PQconnectdbParams) PG_FN(PQstatus) PG_FN(PQerrorMessage) \
	PG_FN(PQfinish) PG_FN(PQhost) PG_FN(PQport) PG_FN(PQsocket) \
	PG_FN(PQexec) PG_FN(PQexecParams) PG_FN(PQresultStatus) \
	PG_FN(PQresultErrorField) PG_FN(PQresultErrorMessage) \
	PG_FN(PQclear) PG_FN(PQntuples) PG_FN(PQnfields) PG_FN(PQgetvalue) \
	PG_FN(PQgetlength) PG_FN(PQgetisnull) PG_FN(PQcmdTuples) \
	PG_FN(PQputCopyData) PG_FN(PQputCopyEnd) PG_FN(PQgetResult) \
	PG_FN(PQgetCopyData) \
	PG_FN(PQconsumeInput) PG_FN(PQnotifies) PG_FN(PQfreemem) \
	PG_FN(PQtransactionStatus) PG_FN(PQescapeIdentifier) \
	PG_FN(PQsetNoticeProcessor) PG_FN(PQlibVersion)

struct pg_lib {
#define PG_FN(f)	__typeof__(f) *f;
	PG_LIB_FUNCTIONS
#undef PG_FN
};

/*
 * The library, loaded on the first call and kept for the process's life.
 * PD_ERROR with *cause naming the library when it is missing or lacks a
 * function (libpq5 is not installed).
 */
enum pd_status	pg_lib(const struct pg_lib **, char **cause);

#endif
