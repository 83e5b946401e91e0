/*
 * store.h - the storage interface: keys in, keys out, transactions.
 *
 * The only interface to SQLite; nothing here exposes SQLite types or SQL,
 * so a second backend can stand behind the same functions.  Names passed in
 * are borrowed for the duration of the call; values are binary-safe.
 */
#ifndef PRONTO_STORE_H
#define PRONTO_STORE_H

#include <stddef.h>

#include "addr.h"
#include "status.h"
#include "util.h"

struct store;

/*
 * Open (creating if needed) the database file at path, and bring its
 * schema up to date.  busy_ms is how long to wait for a lock.
 */
enum pd_status	store_open(const char *path, int busy_ms, struct store **,
		    char **cause);
/* Close; an open transaction is rolled back. */
void		store_close(struct store *);

/* Start a write transaction (taking the write lock now, not later). */
enum pd_status	store_begin(struct store *, char **cause);
enum pd_status	store_commit(struct store *, char **cause);
void		store_rollback(struct store *);
int		store_in_tx(const struct store *);

/* Insert or replace a value; the key's version grows by one. */
enum pd_status	store_set(struct store *, const struct addr *, const void *,
		    size_t, long long now_ms, char **cause);
/* Copy the value into val; PD_MISS when the key is absent. */
enum pd_status	store_get(struct store *, const struct addr *,
		    struct buf *val, char **cause);
/* PD_MISS when the key is absent. */
enum pd_status	store_del(struct store *, const struct addr *, char **cause);

enum store_match {
	STORE_ANY,	/* the field is not constrained */
	STORE_EXACT,
	STORE_PREFIX	/* literal byte prefix, no wildcards */
};

struct store_filter {
	enum store_match	 mode[3];	/* project, namespace, key */
	const char		*text[3];
};

struct store_row {
	const char	*project;
	const char	*ns;
	const char	*key;
	const void	*value;		/* NULL unless values were asked for */
	size_t		 vlen;
	long long	 version;
	long long	 created;	/* milliseconds since the epoch */
	long long	 updated;
};

/* Called for each row in address order; a status other than PD_OK stops. */
typedef enum pd_status	(*store_row_fn)(void *ctx, const struct store_row *);

enum pd_status	store_scan(struct store *, const struct store_filter *,
		    int values, store_row_fn, void *ctx, char **cause);

#endif
