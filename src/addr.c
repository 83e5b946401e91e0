/*
 * addr.c - parsing and validation of key addresses.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"

enum pd_status
addr_check_part(const char *s, size_t len, char delim, const char *what,
    char **cause)
{
	size_t	 i;

	if (len == 0) {
		*cause = xasprintf("%s must not be empty", what);
		return PD_DATAERR;
	}
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == (unsigned char)delim) {
			*cause = xasprintf("%s '%s' contains the delimiter "
			    "'%c'", what, util_wordn(s, len), delim);
			return PD_DATAERR;
		}
		if (c < 0x20 || c == 0x7f) {
			*cause = xasprintf("%s contains a control character",
			    what);
			return PD_DATAERR;
		}
	}
	return PD_OK;
}

enum pd_status
addr_check_delim(const char *s, size_t len, char **cause)
{
	unsigned char	c = len > 0 ? (unsigned char)s[0] : 0;

	if (len != 1 || c < 0x21 || c > 0x7e || isalnum(c) ||
	    strchr("_\"'#;={\\", c) != NULL) {
		*cause = xasprintf("invalid delimiter '%s': use one "
		    "punctuation character other than _ \" ' # ; = { \\",
		    util_wordn(s, len));
		return PD_DATAERR;
	}
	return PD_OK;
}

static const char *const part_names[3] = { "project", "namespace", "key" };

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * Whether s holds a byte below 0x20 or DEL: eight bytes at a time, since
 * every statement of an import or a stream of gets checks an address.
 * x - 0x20 borrows into a byte's high bit exactly when the byte is below
 * 0x20 (and ~x keeps bytes from 0x80 up out of it); x ^ 0x7f.. has a
 * zero byte for DEL.
 */
static int
has_control(const char *s, size_t len)
{
	uint64_t	 x, d;
	size_t		 i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&x, s + i, 8);
		d = x ^ (0x7f * ONES);
		if ((((x - 0x20 * ONES) & ~x) | ((d - ONES) & ~d)) & HIGHS)
			return 1;
	}
	for (; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/*
 * Split text (len bytes) on delim into at most max parts, and check each:
 * none may be empty or hold a control character.  noun names the whole
 * in messages ("address 'a..b' has an empty part").
 */
static enum pd_status
split(const char *noun, const char *text, size_t len, char delim,
    size_t max, const char **part, size_t *plen, size_t *n, char **cause)
{
	const char	*p = text, *end = text + len, *d;
	struct buf	 most;
	size_t		 i;
	int		 empty = 0;

	*n = 0;
	if (len == 0) {
		*cause = xasprintf("empty %s", noun);
		return PD_DATAERR;
	}
	/* An empty part is the likelier mistake: it is named first. */
	for (i = 0;; i++) {
		d = memchr(p, delim, (size_t)(end - p));
		empty |= d == p || (d == NULL && p == end);
		if (i < max) {
			part[i] = p;
			plen[i] = (size_t)((d != NULL ? d : end) - p);
		}
		if (d == NULL)
			break;
		p = d + 1;
	}
	if (empty) {
		*cause = xasprintf("%s '%s' has an empty part", noun,
		    util_wordn(text, len));
		return PD_DATAERR;
	}
	if (i >= max) {
		buf_init(&most);
		for (i = 0; i < max; i++) {
			if (i > 0)
				buf_addc(&most, delim);
			buf_adds(&most, part_names[i]);
		}
		*cause = xasprintf("%s '%s' has too many parts (at most %s)",
		    noun, util_wordn(text, len), most.data);
		buf_release(&most);
		return PD_DATAERR;
	}
	*n = i + 1;
	/*
	 * What addr_check_part says of the first bad part, checked over the
	 * whole at once: no part holds the delimiter, which is printable.
	 */
	if (has_control(text, len)) {
		*cause = xasprintf("%s contains a control character", noun);
		return PD_DATAERR;
	}
	return PD_OK;
}

enum pd_status
addr_resolve(const char *text, size_t len, char delim, const struct scope *sc,
    struct addr *out, char **cause)
{
	const char	*part[3];
	size_t		 plen[3], n;

	addr_clear(out);
	if (split("address", text, len, delim, 3, part, plen, &n, cause) !=
	    PD_OK)
		return PD_DATAERR;
	if (n == 3)
		addr_set(out, part[0], plen[0], part[1], plen[1], part[2],
		    plen[2]);
	else if (n == 2 && sc->project != NULL)
		addr_set(out, sc->project, strlen(sc->project), part[0],
		    plen[0], part[1], plen[1]);
	else if (n == 1 && sc->project != NULL && sc->ns != NULL)
		addr_set(out, sc->project, strlen(sc->project), sc->ns,
		    strlen(sc->ns), part[0], plen[0]);
	else {
		*cause = xasprintf("address '%s' is incomplete: give "
		    "project%cnamespace%ckey, or set a scope with 'use' or "
		    "-p/-n", util_wordn(text, len), delim, delim);
		return PD_DATAERR;
	}
	return PD_OK;
}

enum pd_status
addr_scope(const char *text, size_t len, char delim, char **project,
    char **ns, char **cause)
{
	const char	*part[2];
	size_t		 plen[2], n;

	*project = *ns = NULL;
	if (split("scope", text, len, delim, 2, part, plen, &n, cause) !=
	    PD_OK)
		return PD_DATAERR;
	*project = xmemdup(part[0], plen[0]);
	if (n == 2)
		*ns = xmemdup(part[1], plen[1]);
	return PD_OK;
}

void
addr_scope_default(const struct scope *sc, struct scope *out)
{
	out->project = sc->project != NULL ? sc->project : ADDR_DEFAULT;
	out->ns = sc->ns != NULL ? sc->ns : ADDR_DEFAULT;
}

size_t
addr_parts(const char *text, size_t len, char delim)
{
	const char	*p = text, *end = text + len, *d;
	size_t		 n = 1;

	while ((d = memchr(p, delim, (size_t)(end - p))) != NULL) {
		n++;
		p = d + 1;
	}
	return n;
}

void
addr_set(struct addr *a, const char *project, size_t plen, const char *ns,
    size_t nlen, const char *key, size_t klen)
{
	size_t	 need = plen + nlen + klen + 3;
	char	*m = a->mem;

	/* A live address's parts may be among the new ones: a new block. */
	if (a->project != NULL || need > a->cap) {
		m = xmalloc(need > a->cap ? need : a->cap);
		if (need > a->cap)
			a->cap = need;
	}
	memcpy(m, project, plen);
	m[plen] = '\0';
	memcpy(m + plen + 1, ns, nlen);
	m[plen + 1 + nlen] = '\0';
	memcpy(m + plen + nlen + 2, key, klen);
	m[need - 1] = '\0';
	if (m != a->mem) {
		free(a->mem);
		a->mem = m;
	}
	a->project = m;
	a->ns = m + plen + 1;
	a->key = m + plen + nlen + 2;
}

const char *
addr_word(const struct addr *a, char delim)
{
	char		*t = xasprintf("%s%c%s%c%s", a->project, delim, a->ns,
	    delim, a->key);
	const char	*w = util_word(t);

	free(t);
	return w;
}

void
addr_clear(struct addr *a)
{
	a->project = a->ns = a->key = NULL;
}

size_t
addr_split_context(const char *key, const char **ctx)
{
	size_t		 len = strlen(key);
	const char	*p, *last = NULL;

	for (p = key; (p = strstr(p, "__")) != NULL; p++)
		last = p;
	if (last == NULL || last == key || last[2] == '\0') {
		*ctx = NULL;
		return len;
	}
	*ctx = last + 2;
	return (size_t)(last - key);
}

void
addr_release(struct addr *a)
{
	free(a->mem);
	memset(a, 0, sizeof(*a));
}
