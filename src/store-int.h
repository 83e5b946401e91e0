/*
 * store-int.h - what the files of the SQLite store share.  Private to
 * store*.c: nothing outside the store sees SQLite.
 */
#ifndef PRONTO_STORE_INT_H
#define PRONTO_STORE_INT_H

#include <sqlite3.h>

#include "store.h"
#include "util.h"

/* One cached scan statement per filter shape and value choice. */
#define SCAN_SHAPES	(3 * 3 * 3 * 2)
#define KV_QUERIES	8	/* store.c's statements */
#define SEC_QUERIES	24	/* store-sec.c's statements */

struct store {
	sqlite3		*db;
	sqlite3_stmt	*q[KV_QUERIES];
	sqlite3_stmt	*scan[SCAN_SHAPES];
	sqlite3_stmt	*sec[SEC_QUERIES];
	int		 in_tx;
};

/* Map an SQLite result code to a status and describe it in *cause. */
enum pd_status	store_fail(struct store *, int rc, char **cause);
/* Prepare sql into *out once; later calls reuse it. */
enum pd_status	store_prepare(struct store *, const char *sql,
		    sqlite3_stmt **out, char **cause);
/* Step a statement that returns no rows, then reset it. */
enum pd_status	store_run(struct store *, sqlite3_stmt *, char **cause);

#endif
