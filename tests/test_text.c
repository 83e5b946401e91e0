/*
 * test_text.c - edit distance, durations and wrapping.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "text.h"

Test(text, counts_edits_and_swaps)
{
	cr_expect_eq(text_distance("get", "get"), 0);
	cr_expect_eq(text_distance("gett", "get"), 1);
	cr_expect_eq(text_distance("gte", "get"), 1, "a swap is one edit");
	cr_expect_eq(text_distance("", "set"), 3);
	cr_expect_eq(text_distance("meta sett", "meta set"), 1);
}

Test(text, finds_nothing_close_to_a_huge_word)
{
	char	 big[200];

	memset(big, 'g', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_expect_eq(text_distance(big, "get"), (size_t)-1);
	cr_expect_not(text_close(big, (size_t)-1));
}

Test(text, suggests_only_near_misses)
{
	cr_expect(text_close("gett", 1));
	cr_expect_not(text_close("ab", 2), "a two-letter word is not 2 off");
	cr_expect_not(text_close("get", 0), "an exact name is no suggestion");
}

static long long
dur(const char *s)
{
	return text_duration_ms(s, strlen(s));
}

Test(text, reads_durations_with_units)
{
	cr_expect_eq(dur("90"), 90000);
	cr_expect_eq(dur("90s"), 90000);
	cr_expect_eq(dur("30m"), 1800000);
	cr_expect_eq(dur("2h"), 7200000);
	cr_expect_eq(dur("1d"), 86400000);
	cr_expect_eq(dur("1500ms"), 1500);
	cr_expect_eq(dur("0.25"), 250);
	cr_expect_eq(dur("1.5h"), 5400000);
	cr_expect_eq(dur("0"), 0);
	cr_expect_eq(dur("366000d"), TEXT_DURATION_MAX);
	cr_expect_eq(dur("1.5ms"), 1, "the grain is a millisecond");
}

Test(text, refuses_what_is_not_a_duration)
{
	cr_expect_eq(dur(""), -1);
	cr_expect_eq(dur("s"), -1);
	cr_expect_eq(dur("5x"), -1);
	cr_expect_eq(dur("-5"), -1);
	cr_expect_eq(dur("5 s"), -1);
	cr_expect_eq(dur("99999999999999999999"), -1);
	cr_expect_eq(dur("400000d"), -1);
	cr_expect_eq(dur("1.0005"), -1, "a fourth decimal is refused");
	cr_expect_eq(dur("+5"), -1);
	cr_expect_eq(dur("-0"), -1);
	cr_expect_eq(dur("1.5 ms"), -1);
}

Test(text, wraps_at_the_width)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "  ");
	text_wrap(&b, "one two three four", 2, 12);
	cr_expect_str_eq(b.data, "  one two\n  three four");
	buf_release(&b);
}
