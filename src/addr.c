/*
 * addr.c - parsing and validation of key addresses.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#define ADDR_SSE2
#include <emmintrin.h>
#endif

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
#define LOWS	0x7f7f7f7f7f7f7f7fULL

/* Eight bytes from p, the first in the lowest byte whatever the machine. */
static uint64_t
load8(const char *p, size_t n)
{
	uint64_t	 x = 0;
	size_t		 i;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 8) {
		memcpy(&x, p, 8);
		return x;
	}
#endif
	for (i = 0; i < n; i++)
		x |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return x;
}

/*
 * The high bit of each byte of x that is zero, exactly: (b & 0x7f) + 0x7f
 * never carries into the next byte.
 */
static uint64_t
zero_bytes(uint64_t x)
{
	return ~(((x & LOWS) + LOWS) | x) & HIGHS;
}

/* The high bit of each byte of x below 0x20 or DEL, exactly, as above. */
static uint64_t
control_bytes(uint64_t x)
{
	return (~(((x & LOWS) + 0x60 * ONES) | x) & HIGHS) |
	    zero_bytes(x ^ (0x7f * ONES));
}

/* One bit a byte, from the high bit of each byte of m: bit i for byte i. */
static unsigned
gather(uint64_t m)
{
	return (unsigned)(((m >> 7) * 0x0102040810204080ULL) >> 56);
}

/*
 * The delimiters (*dm) and control characters (*cm) among the bytes of
 * text from i on, one bit a byte (bit 0 for byte i), for as many bytes as
 * one step reads (*w: sixteen with SSE2 where there are sixteen, else
 * eight).  A tail is read as the last word of text, shifted, where text
 * is that long, so no byte is read twice or past the end.
 */
static void
masks(const char *text, size_t len, size_t i, char delim, unsigned *dm,
    unsigned *cm, size_t *w)
{
	uint64_t	 x, live;
	size_t		 take;

#ifdef ADDR_SSE2
	if (len >= 16) {
		size_t	 shift = len - i >= 16 ? 0 : 16 - (len - i);
		__m128i	 b = _mm_loadu_si128((const __m128i *)(const void *)
		    (text + i - shift));
		__m128i	 ctl = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(b,
		    _mm_set1_epi8(0x1f)), b), _mm_cmpeq_epi8(b,
		    _mm_set1_epi8(0x7f)));

		*dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b,
		    _mm_set1_epi8(delim))) >> shift;
		*cm = (unsigned)_mm_movemask_epi8(ctl) >> shift;
		*w = 16;
		return;
	}
#endif
	take = len - i < 8 ? len - i : 8;
	/* The bytes past the end (zeros) count for nothing. */
	live = take == 8 ? HIGHS : HIGHS & ((1ULL << (8 * take)) - 1);
	x = take == 8 ? load8(text + i, 8) : len >= 8 ?
	    load8(text + len - 8, 8) >> (8 * (8 - take)) :
	    load8(text + i, take);
	*dm = gather(zero_bytes(x ^ ((unsigned char)delim * ONES)) & live);
	*cm = gather(control_bytes(x) & live);
	*w = 8;
}

/*
 * Split text (len bytes) on delim into at most max parts, and check each:
 * none may be empty or hold a control character.  noun names the whole
 * in messages ("address 'a..b' has an empty part").  Every statement of
 * an import checks an address, so one pass finds the delimiters and the
 * control characters together, eight bytes at a time.
 */
static enum pd_status
split(const char *noun, const char *text, size_t len, char delim,
    size_t max, const char **part, size_t *plen, size_t *n, char **cause)
{
	size_t		 i, w, at, start = 0, ndelim = 0;
	unsigned	 dm, cm, ctl = 0;
	struct buf	 most;
	int		 empty = 0;

	*n = 0;
	if (len == 0) {
		*cause = xasprintf("empty %s", noun);
		return PD_DATAERR;
	}
	for (i = 0; i < len; i += w) {
		masks(text, len, i, delim, &dm, &cm, &w);
		ctl |= cm;
		for (; dm != 0; dm &= dm - 1) {
			at = i + (size_t)__builtin_ctz(dm);
			/* An empty part is the likelier mistake: named first. */
			empty |= at == start;
			if (ndelim < max) {
				part[ndelim] = text + start;
				plen[ndelim] = at - start;
			}
			ndelim++;
			start = at + 1;
		}
	}
	empty |= start == len;
	if (ndelim < max) {
		part[ndelim] = text + start;
		plen[ndelim] = len - start;
	}
	if (empty) {
		*cause = xasprintf("%s '%s' has an empty part", noun,
		    util_wordn(text, len));
		return PD_DATAERR;
	}
	if (ndelim >= max) {
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
	*n = ndelim + 1;
	/*
	 * What addr_check_part says of the first bad part, checked over the
	 * whole at once: no part holds the delimiter, which is printable.
	 */
	if (ctl != 0) {
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
	if (ns == project + plen + 1 && key == ns + nlen + 1) {
		/* The three in one text (p.n.k): one copy, NULs for delims. */
		memcpy(m, project, need - 1);
		m[plen] = '\0';
		m[plen + 1 + nlen] = '\0';
	} else {
		memcpy(m, project, plen);
		m[plen] = '\0';
		memcpy(m + plen + 1, ns, nlen);
		m[plen + 1 + nlen] = '\0';
		memcpy(m + plen + nlen + 2, key, klen);
	}
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
