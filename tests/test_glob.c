/*
 * test_glob.c - glob patterns: the literal prefix, quoting, and matching
 * that agrees with SQLite's GLOB, which a backend may be handed instead.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

Test(glob, matches_stars_questions_and_sets)
{
	cr_expect(glob_match("app.*.lock", "app.jobs.lock"));
	cr_expect(glob_match("app.*", "app.jobs.lock"), "'*' crosses dots");
	cr_expect_not(glob_match("app.*.lock", "app.jobs.locks"));
	cr_expect(glob_match("a?c", "abc"));
	cr_expect_not(glob_match("a?c", "ac"));
	cr_expect(glob_match("a?c", "a\xc3\xa9" "c"), "'?' is a character");
	cr_expect(glob_match("k[0-9]", "k7"));
	cr_expect_not(glob_match("k[0-9]", "kx"));
	cr_expect(glob_match("k[^0-9]", "kx"));
	cr_expect(glob_match("k[]]", "k]"), "']' first is itself");
	cr_expect(glob_match("k[*]", "k*"), "[*] is a literal star");
	cr_expect_not(glob_match("k[*]", "kx"));
	cr_expect_not(glob_match("k[ab", "ka"), "an open set matches nothing");
	cr_expect(glob_match("*", ""));
	cr_expect(glob_match("", ""));
	cr_expect_not(glob_match("", "a"));
	cr_expect(glob_match("*a*b*c", "xxaxxbxxc"));
	cr_expect_not(glob_match("*a*b*c", "xxaxxcxxb"));
	cr_expect_not(glob_match("App.*", "app.x"), "case counts");
}

Test(glob, finds_the_literal_prefix)
{
	cr_expect_eq(glob_literal_prefix("app.jobs.*"), 9);
	cr_expect_eq(glob_literal_prefix("app.j?bs"), 5);
	cr_expect_eq(glob_literal_prefix("app.[a]"), 4);
	cr_expect_eq(glob_literal_prefix("app.jobs"), 8);
	cr_expect(glob_has_magic("a*"));
	cr_expect_not(glob_has_magic("app.jobs."));
}

Test(glob, quotes_a_literal_so_that_it_matches_only_itself)
{
	struct buf	 b;

	buf_init(&b);
	glob_quote(&b, "a*b?c[d");
	buf_adds(&b, "*");
	cr_expect_str_eq(b.data, "a[*]b[?]c[[]d*");
	cr_expect(glob_match(b.data, "a*b?c[d and more"));
	cr_expect_not(glob_match(b.data, "aXb?c[d"));
	buf_release(&b);
}

/* A random word over a small alphabet that makes wildcards meet. */
static void
random_word(char *out, size_t max, const char *alphabet)
{
	size_t	 n = (size_t)rand() % max, i, k = strlen(alphabet);

	for (i = 0; i < n; i++)
		out[i] = alphabet[rand() % (int)k];
	out[n] = '\0';
}

Test(glob, agrees_with_sqlite_glob)
{
	char	 pat[12], text[12];
	int	 i;

	srand(13);
	for (i = 0; i < 200000; i++) {
		random_word(pat, sizeof(pat) - 1, "ab.*?[]^-");
		random_word(text, sizeof(text) - 1, "ab.]-^");
		cr_assert_eq(glob_match(pat, text),
		    sqlite3_strglob(pat, text) == 0, "'%s' on '%s'", pat,
		    text);
	}
	cr_expect_eq(glob_match("?", "\xc3\xa9"),
	    sqlite3_strglob("?", "\xc3\xa9") == 0);
	cr_expect_eq(glob_match("[\xc3\xa0-\xc3\xbf]", "\xc3\xa9"),
	    sqlite3_strglob("[\xc3\xa0-\xc3\xbf]", "\xc3\xa9") == 0);
}
