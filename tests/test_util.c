/*
 * test_util.c - the number parser, the words echoed in messages, and
 * how much input a descriptor has waiting.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const struct util_range keys = { "a number of keys", 0, LLONG_MAX,
    0 };
static const struct util_range seconds = { "a number of seconds", 1,
    1000000000000000LL, 3 };

static int
parse(const char *s, int decimals, long long *v)
{
	return util_parse_number(s, strlen(s), decimals, v);
}

Test(number, reads_the_whole_signed_range)
{
	long long	 v = 0;

	cr_expect(parse("0", 0, &v) == 0 && v == 0);
	cr_expect(parse("-17", 0, &v) == 0 && v == -17);
	cr_expect(parse("007", 0, &v) == 0 && v == 7);
	cr_expect(parse("9223372036854775807", 0, &v) == 0 && v == LLONG_MAX);
	cr_expect(parse("-9223372036854775808", 0, &v) == 0 &&
	    v == LLONG_MIN);
}

Test(number, refuses_what_does_not_fit_instead_of_clamping)
{
	long long	 v;

	cr_expect(parse("9223372036854775808", 0, &v) == -1);
	cr_expect(parse("-9223372036854775809", 0, &v) == -1);
	cr_expect(parse("99999999999999999999", 0, &v) == -1);
	cr_expect(parse("9223372036854775.807", 3, &v) == 0 &&
	    v == LLONG_MAX);
	cr_expect(parse("9223372036854775.808", 3, &v) == -1);
	cr_expect(parse("9223372036854776", 3, &v) == -1,
	    "scaling by 1000 must not overflow");
}

Test(number, refuses_anything_but_digits)
{
	static const char *const bad[] = { "", "-", "+1", " 1", "1 ", "1e3",
	    "0x10", "1.5", "1,5", "--1", "١" };
	long long	 v;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(parse(bad[i], 0, &v) == -1, "'%s' was taken", bad[i]);
	cr_expect(util_parse_number("1\0" "2", 3, 0, &v) == -1,
	    "a NUL byte is not a digit");
}

Test(number, reads_decimals_up_to_the_scale)
{
	long long	 v;

	cr_expect(parse("1.5", 3, &v) == 0 && v == 1500);
	cr_expect(parse(".25", 3, &v) == 0 && v == 250);
	cr_expect(parse("2.", 3, &v) == 0 && v == 2000);
	cr_expect(parse("0.001", 3, &v) == 0 && v == 1);
	cr_expect(parse("1.0005", 3, &v) == -1);
	cr_expect(parse("1..5", 3, &v) == -1);
	cr_expect(parse(".", 3, &v) == -1);
}

Test(number, names_the_option_and_the_range)
{
	long long	 v;
	char		*cause = NULL;

	cr_assert(util_number("max_items", "99999999999999999999", 20, &keys,
	    &v, &cause) == -1);
	cr_expect_str_eq(cause, "max_items must be a number of keys from 0 "
	    "to 9223372036854775807, not '99999999999999999999'");
	free(cause);
	cr_assert(util_number("max_items", "-1", 2, &keys, &v, &cause) == -1);
	cr_expect_str_eq(cause, "max_items must be a number of keys from 0 "
	    "to 9223372036854775807, not '-1'");
	free(cause);
	cr_assert(util_number("ttl", "0", 1, &seconds, &v, &cause) == -1);
	cr_expect_str_eq(cause, "ttl must be a number of seconds from 0.001 "
	    "to 1000000000000 with at most 3 decimals, not '0'");
	free(cause);
	cause = NULL;
	cr_expect(util_number("ttl", "2.5", 3, &seconds, &v, &cause) == 0 &&
	    v == 2500 && cause == NULL);
}

Test(word, leaves_a_short_word_alone)
{
	cr_expect_str_eq(util_word("sett"), "sett");
	cr_expect_str_eq(util_word(""), "");
	cr_expect_str_eq(util_word("caf\xc3\xa9"), "caf\xc3\xa9");
}

Test(word, escapes_control_bytes)
{
	cr_expect_str_eq(util_word("a\nb\tc\rd\x1b[0m\x7f"),
	    "a\\nb\\tc\\rd\\x1b[0m\\x7f");
	cr_expect_str_eq(util_wordn("a\0b", 3), "a\\x00b");
}

Test(word, cuts_a_long_word_to_a_short_line)
{
	size_t		 big = 50 * 1024 * 1024;
	char		*w = malloc(big + 1), want[UTIL_WORD_MAX + 4];
	const char	*got;

	cr_assert(w != NULL);
	memset(w, 'x', big);
	w[big] = '\0';
	memset(want, 'x', UTIL_WORD_MAX);
	strcpy(want + UTIL_WORD_MAX, "...");
	got = util_word(w);
	cr_expect_str_eq(got, want);
	/* A word of exactly the limit is not cut. */
	w[UTIL_WORD_MAX] = '\0';
	want[UTIL_WORD_MAX] = '\0';
	cr_expect_str_eq(util_word(w), want);
	free(w);
}

Test(word, cuts_between_utf8_characters)
{
	char		 w[UTIL_WORD_MAX + 8];
	const char	*got;

	/* 63 bytes, then a 2-byte é straddling the limit. */
	memset(w, 'a', UTIL_WORD_MAX - 1);
	strcpy(w + UTIL_WORD_MAX - 1, "\xc3\xa9zz");
	got = util_word(w);
	cr_expect(strlen(got) == UTIL_WORD_MAX - 1 + 3);
	cr_expect(strcmp(got + UTIL_WORD_MAX - 1, "...") == 0, "got '%s'",
	    got);
}

Test(word, escaped_bytes_fit_the_buffer)
{
	char		 w[200];
	const char	*got;

	memset(w, '\x01', sizeof(w) - 1);
	w[sizeof(w) - 1] = '\0';
	got = util_word(w);
	cr_expect(strlen(got) == UTIL_WORD_MAX * 4 + 3);
	cr_expect(strncmp(got, "\\x01\\x01", 8) == 0);
}

Test(word, several_words_in_one_message_stay_valid)
{
	char	*msg = xasprintf("'%s' / '%s' / '%s'", util_word("one"),
	    util_word("two"), util_word("three"));

	cr_expect_str_eq(msg, "'one' / 'two' / 'three'");
	free(msg);
}

Test(fd_waiting, a_file_has_what_is_left_past_its_offset)
{
	char	 path[] = "/tmp/pronto-util-XXXXXX", c;
	int	 fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	unlink(path);
	cr_assert_eq(util_fd_waiting(fd), 0, "an empty file");
	cr_assert_eq(write(fd, "0123456789", 10), 10);
	cr_assert_eq(util_fd_waiting(fd), 0, "the offset is at its end");
	cr_assert_eq(lseek(fd, 3, SEEK_SET), 3);
	cr_assert_eq(util_fd_waiting(fd), 7);
	cr_assert_eq(read(fd, &c, 1), 1);
	cr_assert_eq(util_fd_waiting(fd), 6);
	close(fd);
}

Test(fd_waiting, a_pipe_has_what_its_writer_put_in)
{
	int	 p[2];
	char	 b[4];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(util_fd_waiting(p[0]), 0);
	cr_assert_eq(write(p[1], "abcdef", 6), 6);
	cr_assert_eq(util_fd_waiting(p[0]), 6);
	cr_assert_eq(read(p[0], b, 4), 4);
	cr_assert_eq(util_fd_waiting(p[0]), 2);
	close(p[0]);
	close(p[1]);
	cr_assert_eq(util_fd_waiting(p[0]), 0, "a closed descriptor");
}
