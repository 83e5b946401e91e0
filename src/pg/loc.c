/*
 * pg/loc.c - server locators and password redaction (loc.h).
 *
 * libpq's URL grammar: scheme://[user[:password]@][host][:port][,...]
 * [/dbname][?param=value&...].  The password can stand in two places,
 * the user information and a password= (or sslpassword=) parameter;
 * both are cut out of what is displayed.  Where a password holds an
 * unencoded '@', the user information is taken to the last '@' of the
 * authority, which cuts more than libpq reads as a password, never less.
 */
#include <string.h>

#include <sodium.h>

#include "paths.h"
#include "loc.h"
#include "util.h"

/* Longest schema name the server keeps whole (NAMEDATALEN - 1). */
#define PG_LOC_NAME_MAX	63

int
pg_loc_is(const char *text)
{
	return strncmp(text, "postgres://", 11) == 0 ||
	    strncmp(text, "postgresql://", 13) == 0;
}

/* Whether the query parameter at p (up to its '&' or end) is a secret. */
static int
secret_param(const char *p, size_t len)
{
	return (len >= 9 && strncmp(p, "password=", 9) == 0) ||
	    (len >= 12 && strncmp(p, "sslpassword=", 12) == 0);
}

/*
 * The URL text[0..len) without its password into out (display), and the
 * password as written into *secret (NULL when none).
 */
static void
redact(const char *text, size_t len, struct buf *out, char **secret)
{
	const char	*end = text + len, *p, *auth, *aend, *at = NULL;
	const char	*colon, *q;
	int		 first = 1;

	*secret = NULL;
	auth = strstr(text, "://");
	auth = auth != NULL && auth < end ? auth + 3 : text;
	for (aend = auth; aend < end && *aend != '/' && *aend != '?'; aend++)
		if (*aend == '@')
			at = aend;
	buf_add(out, text, (size_t)(auth - text));
	p = auth;
	if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon != NULL) {
			*secret = xasprintf("%.*s", (int)(at - colon - 1), colon + 1);
			buf_add(out, auth, (size_t)(colon - auth));
			p = at;
		}
	}
	q = memchr(p, '?', (size_t)(end - p));
	buf_add(out, p, (size_t)((q != NULL ? q : end) - p));
	if (q == NULL)
		return;
	/* The parameters but the secret ones, joined again by '&'. */
	for (p = q + 1; p < end; ) {
		const char	*amp = memchr(p, '&', (size_t)(end - p));
		size_t		 n = (size_t)((amp != NULL ? amp : end) - p);

		if (secret_param(p, n)) {
			const char	*v = memchr(p, '=', n) + 1;

			free(*secret);
			*secret = xasprintf("%.*s", (int)(n - (size_t)(v - p)), v);
		} else if (n > 0) {
			buf_addc(out, first ? '?' : '&');
			buf_add(out, p, n);
			first = 0;
		}
		p += n + 1;
	}
}

enum pd_status
pg_loc_parse(const char *text, const char *name, struct pg_loc *loc,
    char **cause)
{
	const char	*hash = strrchr(text, '#'), *why;
	size_t		 len = hash != NULL ? (size_t)(hash - text) :
			    strlen(text);
	struct buf	 d;
	char		*shown;

	memset(loc, 0, sizeof(*loc));
	if (hash != NULL)
		name = hash + 1;
	else if (name == NULL)
		name = PG_LOC_DEFAULT;
	buf_init(&d);
	redact(text, len, &d, &loc->secret);
	buf_addc(&d, '\0');
	shown = buf_detach(&d, NULL);
	if ((why = paths_db_name_error(name)) != NULL ||
	    (strlen(name) > PG_LOC_NAME_MAX &&
	    (why = "a server keeps 63 bytes of a name") != NULL)) {
		*cause = xasprintf("invalid database name '%s' in %s: %s",
		    name, shown, why);
		free(shown);
		free(loc->secret);
		loc->secret = NULL;
		return PD_USAGE;
	}
	loc->conninfo = xasprintf("%.*s", (int)len, text);
	loc->name = xstrdup(name);
	loc->label = xstrdup(name);
	loc->display = xasprintf("%s#%s", shown, name);
	free(shown);
	return PD_OK;
}

void
pg_loc_release(struct pg_loc *loc)
{
	free(loc->conninfo);
	free(loc->name);
	free(loc->label);
	free(loc->display);
	if (loc->secret != NULL)
		sodium_memzero(loc->secret, strlen(loc->secret));
	free(loc->secret);
	memset(loc, 0, sizeof(*loc));
}

char *
pg_loc_redact(const char *text)
{
	struct buf	 d;
	char		*secret;

	buf_init(&d);
	redact(text, strlen(text), &d, &secret);
	free(secret);
	buf_addc(&d, '\0');
	return buf_detach(&d, NULL);
}

char *
pg_loc_scrub(const struct pg_loc *loc, const char *msg)
{
	struct buf	 d;
	const char	*p = msg, *hit;
	size_t		 n = strcspn(msg, "\n"), slen;

	buf_init(&d);
	slen = loc->secret != NULL ? strlen(loc->secret) : 0;
	while (slen > 0 && (hit = strstr(p, loc->secret)) != NULL &&
	    hit < msg + n) {
		buf_add(&d, p, (size_t)(hit - p));
		buf_adds(&d, "***");
		p = hit + slen;
	}
	if (p < msg + n)
		buf_add(&d, p, (size_t)(msg + n - p));
	buf_addc(&d, '\0');
	return buf_detach(&d, NULL);
}

/*
 * Locators with a password, as given, by what is shown of them: the
 * store's locators (store_loc) never hold a password, so the connection
 * string comes from here when a database is opened.  A process meets few.
 */
struct kept {
	struct pg_loc	 loc;
	struct kept	*next;
};
static struct kept	*kept;

void
pg_loc_keep(const struct pg_loc *loc)
{
	struct kept	*k;

	if (loc->secret == NULL || pg_loc_find(loc->display) != NULL)
		return;
	k = xcalloc(1, sizeof(*k));
	k->loc.conninfo = xstrdup(loc->conninfo);
	k->loc.name = xstrdup(loc->name);
	k->loc.label = xstrdup(loc->name);
	k->loc.display = xstrdup(loc->display);
	k->loc.secret = xstrdup(loc->secret);
	k->next = kept;
	kept = k;
}

const struct pg_loc *
pg_loc_find(const char *display)
{
	struct kept	*k;

	for (k = kept; k != NULL; k = k->next)
		if (strcmp(k->loc.display, display) == 0)
			return &k->loc;
	return NULL;
}
