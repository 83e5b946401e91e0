/*
 * pg/loc.h - server locators: postgres:// and postgresql:// URLs.
 *
 * Part of the PostgreSQL backend.  A locator is a URL as libpq takes it
 * (PQconnectdb reads PGHOST, PGPORT, PGUSER, PGPASSFILE, service files and
 * the rest itself), plus a fragment naming the ProntoDB database, a
 * schema on the server: postgresql://host/appdb#main.  The fragment never
 * reaches libpq.  A password never leaves this module except towards
 * libpq: what is shown (display) has none, and pg_loc_scrub takes it out
 * of any message.
 */
#ifndef PRONTO_PG_LOC_H
#define PRONTO_PG_LOC_H

#include "status.h"

/* The ProntoDB database of a locator without a fragment. */
#define PG_LOC_DEFAULT	"main"

struct pg_loc {
	char	*conninfo;	/* for libpq: the URL without its fragment */
	char	*name;		/* the ProntoDB database (the schema) */
	char	*display;	/* the URL without a password, with #name */
	char	*secret;	/* the password as written, or NULL */
	char	*label;		/* what messages call it: name, or the */
				/* place's name (pg_loc_of) */
};

/* Whether text is a server locator (a postgres:// or postgresql:// URL). */
int		pg_loc_is(const char *text);
/*
 * Split locator text into loc (released with pg_loc_release); name is the
 * ProntoDB database when the URL has no fragment (NULL: "main").
 * PD_USAGE with *cause (no password in it) when the name is not one.
 */
enum pd_status	pg_loc_parse(const char *text, const char *name,
		    struct pg_loc *loc, char **cause);
void		pg_loc_release(struct pg_loc *);
/* A copy of URL text without its password, for listings and errors. */
char		*pg_loc_redact(const char *text);
/*
 * A copy of msg's first line (libpq's messages run to several, and end
 * in a newline) with loc's password, wherever it appears, as "***".
 */
char		*pg_loc_scrub(const struct pg_loc *, const char *msg);

/*
 * Remember loc, when it has a password, for pg_loc_find(loc->display)
 * to give back: what is shown of a locator is all that travels.
 */
void		pg_loc_keep(const struct pg_loc *);
const struct pg_loc *pg_loc_find(const char *display);

#endif
