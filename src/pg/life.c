/*
 * pg/life.c - the life of a database on a server (store-be.h's first
 * members): locating a URL, whether it exists, creating, dropping,
 * renaming and describing it, by the schema functions of schema.c.
 *
 * A located database's id is its URL without the password, with #name;
 * a password the user wrote stays in loc.c, found again by that id.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

int
pg_claims(const char *text)
{
	return pg_loc_is(text);
}

enum pd_status
pg_locate(const struct store_place *place, const char *text,
    struct store_loc *sl, char **cause)
{
	struct pg_loc	 loc;
	enum pd_status	 s;

	if ((s = pg_loc_parse(text, NULL, &loc, cause)) != PD_OK)
		return s;
	pg_loc_keep(&loc);
	sl->id = xstrdup(loc.display);
	sl->name = xstrdup(loc.display);
	sl->named = 0;
	pg_loc_release(&loc);
	return PD_OK;
}

int
pg_exists(const struct store_loc *sl)
{
	struct store	*st;
	char		*cause = NULL;

	if (pg_open(sl, 0, 0, &st, &cause) != PD_OK) {
		free(cause);
		return 0;
	}
	pg_close(st);
	return 1;
}

int
pg_same(const struct store_loc *a, const struct store_loc *b)
{
	return strcmp(a->id, b->id) == 0;
}

/* Names live in the data directory; a server's schemas are not names. */
enum pd_status
pg_list(const struct store_place *place,
    enum pd_status (*fn)(void *, const char *), void *ctx, char **cause)
{
	*cause = xstrdup("not served on a PostgreSQL server yet: list");
	return PD_ERROR;
}

enum pd_status
pg_create(const struct store_loc *sl, int busy_ms, char **cause)
{
	struct pg_loc	 loc;
	enum pd_status	 s;

	if ((s = pg_loc_of(sl, &loc, cause)) != PD_OK)
		return s;
	s = pg_db_create(&loc, cause);
	pg_loc_release(&loc);
	return s;
}

enum pd_status
pg_drop(const struct store_loc *sl, char **cause)
{
	struct pg_loc	 loc;
	enum pd_status	 s;

	if ((s = pg_loc_of(sl, &loc, cause)) != PD_OK)
		return s;
	if ((s = pg_db_drop(&loc, 5000, cause)) == PD_MISS) {
		/* Gone already: what a drop wants. */
		free(*cause);
		*cause = NULL;
		s = PD_OK;
	}
	pg_loc_release(&loc);
	return s;
}

enum pd_status
pg_rename(const struct store_loc *from, const struct store_loc *to,
    int busy_ms, char **cause)
{
	struct pg_loc	 a, b;
	enum pd_status	 s;

	if ((s = pg_loc_of(from, &a, cause)) != PD_OK)
		return s;
	if ((s = pg_loc_of(to, &b, cause)) != PD_OK) {
		pg_loc_release(&a);
		return s;
	}
	if (strcmp(a.conninfo, b.conninfo) != 0) {
		*cause = xasprintf("cannot rename %s to another server",
		    a.display);
		s = PD_ERROR;
	} else
		s = pg_db_rename(&a, b.name, busy_ms, cause);
	pg_loc_release(&a);
	pg_loc_release(&b);
	return s;
}

enum pd_status
pg_describe(const struct store_loc *sl, store_fact_fn fn, void *ctx,
    char **cause)
{
	struct pg_loc	 loc;
	enum pd_status	 s;
	long long	 keys, bytes;

	if ((s = pg_loc_of(sl, &loc, cause)) != PD_OK)
		return s;
	if ((s = pg_db_describe(&loc, &keys, &bytes, cause)) == PD_OK &&
	    (s = fn(ctx, "schema", loc.name, 0)) == PD_OK)
		s = fn(ctx, "bytes", NULL, bytes);
	pg_loc_release(&loc);
	return s;
}
