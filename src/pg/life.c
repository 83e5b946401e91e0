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
#include "paths.h"

int
pg_claims(const char *text)
{
	return pg_loc_is(text);
}

/* The prefix of the place's schemas: its server's #fragment, or "". */
static const char *
prefix_of(const struct store_place *place)
{
	const char	*hash = strrchr(place->server, '#');

	return hash != NULL ? hash + 1 : "";
}

/*
 * The server's locator of NAME, a name of the place: its server's URL,
 * #prefix NAME.  Messages name it NAME, never the URL.
 */
static enum pd_status
locate_name(const struct store_place *place, const char *text,
    struct pg_loc *loc, char **cause)
{
	const char	*hash = strrchr(place->server, '#'), *why;
	char		*url;
	enum pd_status	 s;

	if ((why = paths_db_name_error(text)) != NULL) {
		*cause = xasprintf("invalid database name '%s': %s",
		    util_word(text), why);
		return PD_USAGE;
	}
	url = xasprintf("%.*s#%s%s", (int)(hash != NULL ?
	    (size_t)(hash - place->server) : strlen(place->server)),
	    place->server, prefix_of(place), text);
	s = pg_loc_parse(url, NULL, loc, cause);
	free(url);
	if (s != PD_OK) {
		free(*cause);
		*cause = xasprintf("invalid database name '%s': with the "
		    "server's prefix '%s' a server keeps 63 bytes of a name",
		    util_word(text), prefix_of(place));
	}
	return s;
}

enum pd_status
pg_locate(const struct store_place *place, const char *text,
    struct store_loc *sl, char **cause)
{
	struct pg_loc	 loc;
	enum pd_status	 s;
	int		 named = !pg_loc_is(text);

	if ((s = named ? locate_name(place, text, &loc, cause) :
	    pg_loc_parse(text, NULL, &loc, cause)) != PD_OK)
		return s;
	pg_loc_keep(&loc);
	sl->id = xstrdup(loc.display);
	sl->name = xstrdup(named ? text : loc.display);
	sl->named = named;
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

struct listing {
	const char	*prefix;
	size_t		 plen;
	char		**v;
	size_t		 n;
};

/* Keep a schema of the prefix, the prefix cut. */
static void
list_one(void *ctx, const char *schema)
{
	struct listing	*l = ctx;

	if (strncmp(schema, l->prefix, l->plen) != 0 ||
	    schema[l->plen] == '\0' ||
	    paths_db_name_error(schema + l->plen) != NULL)
		return;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(schema + l->plen);
}

/*
 * The place's server's databases whose schemas have its prefix, by the
 * name after it; the prefix cut keeps their byte order.
 */
enum pd_status
pg_list(const struct store_place *place,
    enum pd_status (*fn)(void *, const char *), void *ctx, char **cause)
{
	struct listing	 l;
	struct pg_loc	 loc;
	enum pd_status	 s;
	size_t		 i;

	memset(&l, 0, sizeof(l));
	l.prefix = prefix_of(place);
	l.plen = strlen(l.prefix);
	/* Any name of the place reaches the server: its own. */
	if ((s = locate_name(place, "main", &loc, cause)) != PD_OK)
		return s;
	s = pg_db_list(&loc, list_one, &l, cause);
	for (i = 0; i < l.n; i++) {
		if (s == PD_OK)
			s = fn(ctx, l.v[i]);
		free(l.v[i]);
	}
	free(l.v);
	pg_loc_release(&loc);
	return s;
}

enum pd_status
pg_create(const struct store_loc *sl, int busy_ms, char **cause)
{
	struct pg_loc	 loc;
	enum pd_status	 s;

	if ((s = pg_loc_of(sl, &loc, cause)) != PD_OK)
		return s;
	s = pg_db_create(&loc, busy_ms, cause);
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
