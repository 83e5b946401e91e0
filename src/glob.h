/*
 * glob.h - glob patterns over addresses, for watch and the listings.
 *
 * The one matcher of patterns such as app.*.lock or app.jobs.build-[0-9]*:
 * '*' matches any run of characters (the delimiter too), '?' one
 * character, and [...] one character of a set, with ranges (a-z) and ^
 * for the complement (a ']' first in the set is itself).  Everything else
 * matches itself, case-sensitively; there is no escape character, but
 * [*] matches a '*'.  Characters are UTF-8: '?' matches one character,
 * not one byte.  This is SQLite's GLOB to the byte, so a backend may hand
 * the same pattern to its own GLOB and mean the same thing.
 */
#ifndef PRONTO_GLOB_H
#define PRONTO_GLOB_H

#include <stddef.h>

#include "util.h"

/* Whether s holds a wildcard ('*', '?' or '['): it is a pattern. */
int	glob_has_magic(const char *s);
/*
 * The length of pattern's literal prefix: its bytes before the first
 * wildcard, which every text it matches starts with (the index range a
 * backend can search).
 */
size_t	glob_literal_prefix(const char *pattern);
/* Append text to b as a pattern that matches exactly text. */
void	glob_quote(struct buf *b, const char *text);
/* Whether text matches pattern (both NUL-terminated). */
int	glob_match(const char *pattern, const char *text);

#endif
