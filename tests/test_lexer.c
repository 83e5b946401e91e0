/*
 * test_lexer.c - the stream tokenizer, including tokens that cross the
 * boundaries of tiny refill buffers.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lexer.h"
#include "util.h"

static const char *const names[] = {
	"EOF", "TERM", "WORD", "STRING", "RAW", "BLOB", "KEY", "REST", "ERROR"
};

/* Render every token of input, lexed with a starting buffer of bufsize. */
static char *
lex_all(const char *input, size_t len, size_t bufsize)
{
	struct lexer		*lx = lexer_new_mem(input, len, bufsize);
	const struct token	*t;
	struct buf		 b;
	char			 pos[64];
	size_t			 i;

	buf_init(&b);
	do {
		t = lexer_next(lx);
		snprintf(pos, sizeof(pos), "%s@%u:%u%s(", names[t->type],
		    t->line, t->col, t->spaced ? "s" : "");
		buf_adds(&b, pos);
		for (i = 0; i < t->len; i++) {
			unsigned char	c = (unsigned char)t->text[i];

			if (c < 0x20 || c >= 0x7f) {
				snprintf(pos, sizeof(pos), "\\%02x", c);
				buf_adds(&b, pos);
			} else
				buf_addc(&b, (char)c);
		}
		buf_adds(&b, ") ");
	} while (t->type != TOK_EOF && !t->ioerr &&
	    strcmp(t->text, "token too long") != 0);
	lexer_free(lx);
	return buf_detach(&b, NULL);
}

static void
expect_tokens(const char *input, const char *expected)
{
	static const size_t	 sizes[] = { 1, 2, 3, 4096 };
	size_t			 i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char	*got = lex_all(input, strlen(input), sizes[i]);

		cr_expect(strcmp(got, expected) == 0,
		    "buffer size %zu:\n got  %s\n want %s", sizes[i], got,
		    expected);
		free(got);
	}
}

Test(lexer, splits_words_and_terminators)
{
	expect_tokens("set a.b.c 5; get a.b.c\n",
	    "WORD@1:1s(set) WORD@1:5s(a.b.c) WORD@1:11s(5) TERM@1:12(;) "
	    "WORD@1:14s(get) WORD@1:18s(a.b.c) TERM@1:23(\\0a) "
	    "EOF@2:1s() ");
}

Test(lexer, skips_comments_and_blanks_but_keeps_newlines)
{
	expect_tokens("# a comment\n\t set x  # trailing\n",
	    "TERM@1:12s(\\0a) WORD@2:3s(set) WORD@2:7s(x) TERM@2:20s(\\0a) "
	    "EOF@3:1s() ");
}

Test(lexer, decodes_double_quoted_escapes)
{
	expect_tokens("\"a\\tb\\n\\\\\\\"\\x41\\u{e9}\\0;\"",
	    "STRING@1:1s(a\\09b\\0a\\\"A\\c3\\a9\\00;) EOF@1:26() ");
}

Test(lexer, lets_a_quoted_string_span_lines)
{
	expect_tokens("\"one\ntwo\" x",
	    "STRING@1:1s(one\\0atwo) WORD@2:6s(x) EOF@2:7() ");
}

Test(lexer, takes_single_quoted_strings_raw)
{
	expect_tokens("'a\\n \"b\"'",
	    "RAW@1:1s(a\\n \"b\") EOF@1:10() ");
}

Test(lexer, splits_options_into_key_and_value)
{
	expect_tokens("set k v ttl=5 name=\"x y\" empty=",
	    "WORD@1:1s(set) WORD@1:5s(k) WORD@1:7s(v) KEY@1:9s(ttl) "
	    "WORD@1:13(5) KEY@1:15s(name) STRING@1:20(x y) "
	    "KEY@1:26s(empty) EOF@1:32() ");
}

Test(lexer, reads_length_prefixed_literals_byte_exact)
{
	static const char	 in[] = "set k {5}\na\0\n;b\nget k";
	static const char	 want[] =
	    "WORD@1:1s(set) WORD@1:5s(k) BLOB@1:7s(a\\00\\0a;b) "
	    "TERM@3:3(\\0a) WORD@4:1s(get) WORD@4:5s(k) EOF@4:6() ";
	static const size_t	 sizes[] = { 1, 2, 3, 4096 };
	size_t			 i;

	for (i = 0; i < 4; i++) {
		char	*got = lex_all(in, sizeof(in) - 1, sizes[i]);

		cr_expect(strcmp(got, want) == 0,
		    "buffer size %zu:\n got  %s\n want %s", sizes[i], got, want);
		free(got);
	}
}

Test(lexer, reports_a_literal_cut_short)
{
	expect_tokens("set k {10}\nabc",
	    "WORD@1:1s(set) WORD@1:5s(k) "
	    "ERROR@1:7s(literal ends before its declared length) "
	    "EOF@2:4() ");
}

Test(lexer, reports_unterminated_strings_at_their_start)
{
	expect_tokens("set k \"abc",
	    "WORD@1:1s(set) WORD@1:5s(k) ERROR@1:7s(unterminated string) "
	    "WORD@1:8(abc) EOF@1:11() ");
}

Test(lexer, reports_each_quote_after_an_unterminated_one_where_it_is)
{
	/* Every later quote was escaped in the first string: none closes. */
	expect_tokens("a \"\\\"b\\\" c\n\\\"",
	    "WORD@1:1s(a) ERROR@1:3s(unterminated string) WORD@1:4(\\) "
	    "ERROR@1:5(unterminated string) WORD@1:6(b\\) "
	    "ERROR@1:8(unterminated string) WORD@1:10s(c) TERM@1:11(\\0a) "
	    "WORD@2:1s(\\) ERROR@2:2(unterminated string) EOF@2:3() ");
}

Test(lexer, reports_bad_escapes_where_they_are)
{
	expect_tokens("x \"ab\\qc\"",
	    "WORD@1:1s(x) ERROR@1:6s(invalid escape sequence) EOF@1:10() ");
}

Test(lexer, rejects_control_bytes_outside_quotes)
{
	expect_tokens("a \001 b",
	    "WORD@1:1s(a) ERROR@1:3s(unexpected byte 0x01) WORD@1:5s(b) "
	    "EOF@1:6() ");
}

Test(lexer, rejects_a_stray_equals_sign)
{
	expect_tokens("a =b",
	    "WORD@1:1s(a) ERROR@1:3s('=' must follow an option name) "
	    "WORD@1:4(b) EOF@1:5() ");
}

/* An assignment's value, as the parser asks for it after a KEY. */
static char *
lex_value(const char *input, size_t bufsize)
{
	struct lexer		*lx = lexer_new_mem(input, strlen(input),
	    bufsize);
	const struct token	*t;
	char			*r;

	t = lexer_next(lx);
	cr_assert_eq(t->type, TOK_KEY);
	t = lexer_value(lx);
	r = xasprintf("%s(%s)@%u:%u", names[t->type], t->text, t->line,
	    t->col);
	lexer_free(lx);
	return r;
}

Test(lexer, takes_the_rest_of_an_assignment_trimmed)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "a.b.c=  db1 internal  ;x", "REST(db1 internal)@1:9" },
		{ "a.b.c=#fff\n", "REST(#fff)@1:7" },
		{ "a.b.c=;", "REST()@1:7" },
		{ "a.b.c=", "REST()@1:7" },
		{ "a.b.c= \"q;\\n\" ;", "STRING(q;\n)@1:8" },
		{ "a.b.c='r' ", "RAW(r)@1:7" },
		{ "a.b.c=\"q\" tail", "REST(\"q\" tail)@1:7" },
	};
	static const size_t	 sizes[] = { 1, 2, 3, 4096 };
	size_t			 i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (j = 0; j < 4; j++) {
			char	*got = lex_value(cases[i].in, sizes[j]);

			cr_expect(strcmp(got, cases[i].want) == 0,
			    "%s, buffer %zu: got %s", cases[i].in, sizes[j],
			    got);
			free(got);
		}
}

Test(lexer, grows_for_a_long_token_and_shrinks_back)
{
	size_t	 n = 300000, i;
	char	*in = xmalloc(n + 16), *got;

	in[0] = '"';
	for (i = 1; i < n; i++)
		in[i] = (char)('a' + i % 26);
	memcpy(in + n, "\" x", 4);
	{
		struct lexer		*lx = lexer_new_mem(in, n + 3, 16);
		const struct token	*t = lexer_next(lx);

		cr_assert_eq(t->type, TOK_STRING);
		cr_assert_eq(t->len, n - 1);
		cr_assert_eq(memcmp(t->text, in + 1, n - 1), 0);
		t = lexer_next(lx);
		cr_assert_eq(t->type, TOK_WORD);
		cr_assert_str_eq(t->text, "x");
		lexer_free(lx);
	}
	got = lex_all("a b", 3, 1);
	cr_assert_str_eq(got, "WORD@1:1s(a) WORD@1:3s(b) EOF@1:4() ");
	free(got);
	free(in);
}

Test(lexer, reads_a_pipe_in_chunks_and_marks_read_errors)
{
	int			 fds[2];
	struct lexer		*lx;
	const struct token	*t;

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], "set a", 5), 5);
	cr_assert_eq(write(fds[1], "bc 1\n", 5), 5);
	close(fds[1]);
	lx = lexer_new_fd(fds[0], 2);
	t = lexer_next(lx);
	cr_assert_str_eq(t->text, "set");
	t = lexer_next(lx);
	cr_assert_str_eq(t->text, "abc");
	lexer_free(lx);
	close(fds[0]);

	/* A descriptor that cannot be read gives an I/O error token. */
	lx = lexer_new_fd(-1, 0);
	t = lexer_next(lx);
	cr_assert_eq(t->type, TOK_ERROR);
	cr_assert_eq(t->ioerr, 1);
	cr_assert_str_eq(t->text, "read error: Bad file descriptor");
	lexer_free(lx);
}

Test(lexer, refuses_a_token_longer_than_the_limit)
{
	static const char	 in[] = "set k abcdefghijklmnopqrstuvwxyz";
	struct lexer		*lx = lexer_new_mem(in, sizeof(in) - 1, 4);
	const struct token	*t;

	lexer_set_max_token(lx, 16);
	cr_assert_str_eq(lexer_next(lx)->text, "set");
	cr_assert_str_eq(lexer_next(lx)->text, "k");
	t = lexer_next(lx);
	cr_assert_eq(t->type, TOK_ERROR);
	cr_assert_str_eq(t->text, "token too long");
	cr_assert_eq(t->line, 1);
	cr_assert_eq(t->col, 7);
	lexer_free(lx);

	lx = lexer_new_mem("{99}\nab", 8, 4);
	lexer_set_max_token(lx, 16);
	t = lexer_next(lx);
	cr_assert_str_eq(t->text, "literal too long");
	lexer_free(lx);
}

Test(lexer, words_hold_every_byte_but_blanks_quotes_and_terminators)
{
	expect_tokens("k#1{2}\xc3\xbc~ x\x7fy a=b",
	    "WORD@1:1s(k#1{2}\\c3\\bc~) WORD@1:11s(x) ERROR@1:12(unexpected "
	    "byte 0x7f) WORD@1:13(y) KEY@1:15s(a) WORD@1:17(b) EOF@1:18() ");
	expect_tokens("a=b c'd' e\"f\"",
	    "KEY@1:1s(a) WORD@1:3(b) WORD@1:5s(c) RAW@1:6(d) WORD@1:10s(e) "
	    "STRING@1:11(f) EOF@1:14() ");
}

/*
 * Lex input to its end as the parser does (an assignment's value right
 * after its KEY) and return the CPU seconds it took, or more than limit
 * once it has taken that long: quadratic code then fails in seconds, not
 * in hours.  The clock is a system call, so it is read every 256 tokens.
 */
static double
lex_timed(const char *in, size_t len, size_t bufsize, double limit)
{
	struct lexer		*lx = lexer_new_mem(in, len, bufsize);
	const struct token	*t;
	clock_t			 start = clock();
	double			 took = 0;
	unsigned long		 n = 0;

	do {
		t = lexer_next(lx);
		if (t->type == TOK_KEY)
			t = lexer_value(lx);
		if (++n % 256 == 0 || t->type == TOK_EOF)
			took = (double)(clock() - start) / CLOCKS_PER_SEC;
	} while (t->type != TOK_EOF && took <= limit);
	lexer_free(lx);
	return took;
}

struct pattern {
	const char	*head, *body, *tail;
};

/* Write head, body as often as it fits and tail into in[n]; the length. */
static size_t
fill(char *in, size_t n, const struct pattern *p)
{
	size_t	 hl = strlen(p->head), bl = strlen(p->body);
	size_t	 tl = strlen(p->tail), at;

	memcpy(in, p->head, hl);
	for (at = hl; at + bl <= n - tl; at += bl)
		memcpy(in + at, p->body, bl);
	memcpy(in + at, p->tail, tl);
	return at + tl;
}

/*
 * Four times the input may take at most eight times as long (a quadratic
 * scan takes sixteen), or a quarter of a second, below which no scan of 4
 * MiB is quadratic and the clock is mostly noise.  A ratio, not a fixed
 * limit: the same check holds on a slow machine and under sanitizers.
 */
Test(lexer, lexes_4_mb_of_any_pathological_pattern_in_linear_time,
    .timeout = 300)
{
	static const struct pattern	 pats[] = {
		{ "", "\"\\", "" },		/* every quote escaped */
		{ "\"", "a", "" },		/* unterminated strings */
		{ "'", "a", "" },
		{ "", "\"", "\\" },
		{ "", "'\"\\", "" },
		{ "", "{", "" },		/* literal headers that fail */
		{ "", "{1", "" },
		{ "{", "1", "" },
		{ "", "{1} \t", "" },
		{ "{1}", " ", "" },
		{ "", "\"\\u{0", "" },		/* long escapes */
		{ "\"\\u{", "0", "}\"" },
		{ "\"", "\\\\", "\"" },
		{ "\"", "\\x41", "\"" },
		{ "", "a.", "" },		/* a deep address */
		{ "", "p.n.k__c ", "" },
		{ "k=", "\"\\", "" },		/* assignment values */
		{ "", "k=\"x;", "" },
		{ "", "k='x;", "" },
		{ "", "k= {1} ;", "" },
		{ "", "k=\"\\u{;", "" },
		{ "k=", " ", "\"" },
		{ "", "=", "" },		/* runs of one byte */
		{ "", ";", "" },
		{ "", "\n", "" },
		{ "", " ", "" },
		{ "#", "#", "" },
		{ "", "\001", "" },
	};
	static const size_t	 sizes[] = { 1, 4096, LEXER_BUFSIZE };
	size_t			 n = 4 << 20, i, j, len;
	char			*in = xmalloc(n);
	double			 quarter[3], limit, took;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		len = fill(in, n / 4, &pats[i]);
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			quarter[j] = lex_timed(in, len, sizes[j], 60.0);
		len = fill(in, n, &pats[i]);
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			limit = quarter[j] * 8 > 0.25 ? quarter[j] * 8 : 0.25;
			took = lex_timed(in, len, sizes[j], limit);
			cr_expect(took <= limit, "%s(%s)*%s, buffer %zu: %.3f s "
			    "for 4 MiB, %.3f s for 1 MiB", pats[i].head,
			    pats[i].body, pats[i].tail, sizes[j], took,
			    quarter[j]);
		}
	}
	free(in);
}

Test(lexer, a_spliced_literal_hands_over_its_buffer_without_a_copy)
{
	static const char	 in[] = "set k {5}\n\nget k\n";
	struct lexer		*lx;
	const struct token	*t;
	char			*v = xmalloc(6), *got;
	size_t			 len;

	memcpy(v, "a\0b\nc", 6);
	/* The header ends after "{5}\n", 10 bytes in; the bytes are not. */
	lx = lexer_new_mem(in, sizeof(in) - 1, 4);
	lexer_splice(lx, 10, v, 5);
	cr_assert_str_eq(lexer_next(lx)->text, "set");
	cr_assert_str_eq(lexer_next(lx)->text, "k");
	t = lexer_next(lx);
	cr_assert_eq(t->type, TOK_BLOB);
	cr_assert_eq(t->len, 5);
	cr_assert_eq(t->text, v, "the token is the spliced buffer itself");
	got = lexer_take(lx, &len);
	cr_assert_eq(got, v);
	cr_assert_eq(len, 5);
	free(got);
	cr_assert_eq(lexer_next(lx)->type, TOK_TERM);
	cr_assert_str_eq(lexer_next(lx)->text, "get");
	cr_assert_str_eq(lexer_next(lx)->text, "k");
	lexer_free(lx);
}

Test(lexer, a_literal_elsewhere_or_of_another_length_reads_the_input)
{
	static const char	 in[] = "set k {2}\nab\n";
	struct lexer		*lx = lexer_new_mem(in, sizeof(in) - 1, 4);
	const struct token	*t;

	lexer_splice(lx, 10, xstrdup("xyz"), 3);
	lexer_next(lx);
	lexer_next(lx);
	t = lexer_next(lx);
	cr_assert_eq(t->type, TOK_BLOB);
	cr_assert_str_eq(t->text, "ab");
	lexer_free(lx);
}

Test(lexer, refuses_a_literal_longer_than_the_largest_value_at_its_header)
{
	char			 in[64];
	struct lexer		*lx;
	const struct token	*t;

	snprintf(in, sizeof(in), "{%lu}\nab", PD_MAX_VALUE + 1);
	lx = lexer_new_mem(in, strlen(in), 4);
	t = lexer_next(lx);
	cr_assert_eq(t->type, TOK_ERROR);
	cr_assert_str_eq(t->text, "literal too long");
	lexer_free(lx);
	snprintf(in, sizeof(in), "{%lu}\nab", PD_MAX_VALUE);
	lx = lexer_new_mem(in, strlen(in), 4);
	t = lexer_next(lx);
	cr_assert_str_eq(t->text, "literal ends before its declared length");
	lexer_free(lx);
}

/*
 * Words, names, terminators, raw strings and the rest of an assignment are
 * handed out where they lie in the buffer, the byte after each made a NUL
 * until the next call: each text ends at its length, and the byte it
 * covered is read again as it was (';' here after "rest", '=' after "k").
 */
Test(lexer, hands_out_terminated_text_and_puts_back_the_byte_after_it)
{
	static const char	 in[] = "set k=v;x 'raw';y\nk=  rest ;z";
	static const char *const want[] = {
		"WORD(set)", "KEY(k)", "WORD(v)", "TERM(;)", "WORD(x)",
		"RAW(raw)", "TERM(;)", "WORD(y)", "TERM(\n)", "KEY(k)",
		"REST(rest)", "TERM(;)", "WORD(z)", "EOF()"
	};
	static const size_t	 sizes[] = { 1, 2, 3, 4096 };
	const struct token	*t;
	struct lexer		*lx;
	size_t			 i, j;
	char			*got;

	for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
		lx = lexer_new_mem(in, sizeof(in) - 1, sizes[j]);
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			t = i == 10 ? lexer_value(lx) : lexer_next(lx);
			cr_expect_eq(strlen(t->text), t->len, "%s", want[i]);
			got = xasprintf("%s(%s)", names[t->type], t->text);
			cr_expect_str_eq(got, want[i], "buffer %zu", sizes[j]);
			free(got);
		}
		lexer_free(lx);
	}
}
