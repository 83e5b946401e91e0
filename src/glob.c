/*
 * glob.c - glob patterns over addresses (see glob.h).
 *
 * The matcher walks the text once, remembering the last '*' and where it
 * began to match: on a mismatch it lets that '*' take one more character
 * and starts over from there.  Every other element matches exactly one
 * character, so going back to the last '*' is enough and the cost is
 * bounded by the product of the lengths, never exponential.
 */
#include <string.h>

#include "glob.h"

int
glob_has_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

size_t
glob_literal_prefix(const char *pattern)
{
	return strcspn(pattern, "*?[");
}

void
glob_quote(struct buf *b, const char *text)
{
	for (; *text != '\0'; text++)
		if (strchr("*?[", *text) != NULL) {
			buf_addc(b, '[');
			buf_addc(b, *text);
			buf_addc(b, ']');
		} else
			buf_addc(b, *text);
}

/*
 * One character at *s, as SQLite reads it: a lead byte takes every
 * continuation byte that follows; a stray continuation byte is a
 * character of its own.
 */
static unsigned long
next_char(const unsigned char **s)
{
	const unsigned char	*p = *s;
	unsigned long		 c = *p++;

	if (c >= 0xc0) {
		c &= c >= 0xf0 ? 0x07 : c >= 0xe0 ? 0x0f : 0x1f;
		while ((*p & 0xc0) == 0x80)
			c = c << 6 | (*p++ & 0x3f);
	}
	*s = p;
	return c;
}

/*
 * Whether c is in the set that starts after the '[' at *p; *p moves past
 * its ']'.  As in SQLite, a range's first character also counts alone
 * ([b-a] holds b), and a set that never closes matches nothing: -1.
 */
static int
in_set(const unsigned char **p, unsigned long c)
{
	const unsigned char	*q = *p;
	unsigned long		 c2, prior = 0;
	int			 invert = 0, seen = 0;

	c2 = next_char(&q);
	if (c2 == '^') {
		invert = 1;
		c2 = next_char(&q);
	}
	if (c2 == ']') {
		seen = c == ']';
		c2 = next_char(&q);
	}
	while (c2 != '\0' && c2 != ']') {
		if (c2 == '-' && *q != ']' && *q != '\0' && prior > 0) {
			c2 = next_char(&q);
			if (c >= prior && c <= c2)
				seen = 1;
			prior = 0;
		} else {
			if (c == c2)
				seen = 1;
			prior = c2;
		}
		c2 = next_char(&q);
	}
	if (c2 == '\0')
		return -1;
	*p = q;
	return seen != invert;
}

int
glob_match(const char *pattern, const char *text)
{
	const unsigned char	*p = (const unsigned char *)pattern;
	const unsigned char	*s = (const unsigned char *)text;
	const unsigned char	*star = NULL, *resume = NULL, *q;
	unsigned long		 c;
	int			 m;

	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			resume = s;
			continue;
		}
		q = s;
		c = next_char(&q);
		if (*p == '?') {
			p++;
			s = q;
			continue;
		}
		if (*p == '[') {
			const unsigned char	*set = p + 1;

			if ((m = in_set(&set, c)) < 0)
				return 0;
			if (m) {
				p = set;
				s = q;
				continue;
			}
		} else if (*p != '\0' && *p == *s) {
			p++;
			s++;
			continue;
		}
		/* A mismatch: the last '*' takes one more character. */
		if (star == NULL)
			return 0;
		p = star;
		next_char(&resume);
		s = resume;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}
