/*
 * test_addr.c - address resolution, validation and contexts.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "addr.h"
#include "util.h"

static char *
resolve(const char *text, char delim, const char *project, const char *ns)
{
	struct scope	 sc = { project, ns };
	struct addr	 a;
	char		*cause = NULL, *r;

	memset(&a, 0, sizeof(a));
	if (addr_resolve(text, strlen(text), delim, &sc, &a, &cause) != PD_OK)
		return cause;
	r = xasprintf("%s|%s|%s", a.project, a.ns, a.key);
	addr_release(&a);
	return r;
}

static void
expect(const char *text, char delim, const char *p, const char *n,
    const char *want)
{
	char	*got = resolve(text, delim, p, n);

	cr_expect(strcmp(got, want) == 0, "%s: got '%s' want '%s'", text, got,
	    want);
	free(got);
}

Test(addr, resolves_the_dot_form)
{
	expect("app.config.host", '.', NULL, NULL, "app|config|host");
	expect("app.config.host__staging", '.', NULL, NULL,
	    "app|config|host__staging");
	expect("a:b:c", ':', NULL, NULL, "a|b|c");
	expect("a.b:c", ':', NULL, NULL,
	    "address 'a.b:c' is incomplete: give project:namespace:key, or "
	    "set a scope with 'use' or -p/-n");
}

Test(addr, completes_relative_forms_from_the_scope)
{
	expect("host", '.', "app", "config", "app|config|host");
	expect("other.host", '.', "app", "config", "app|other|host");
	expect("other.host", '.', "app", NULL, "app|other|host");
	expect("x.y.z", '.', "app", "config", "x|y|z");
}

Test(addr, refuses_incomplete_addresses)
{
	expect("host", '.', "app", NULL,
	    "address 'host' is incomplete: give project.namespace.key, or "
	    "set a scope with 'use' or -p/-n");
	expect("ns.host", '.', NULL, NULL,
	    "address 'ns.host' is incomplete: give project.namespace.key, or "
	    "set a scope with 'use' or -p/-n");
}

Test(addr, refuses_empty_parts_and_too_many_parts)
{
	expect("a..b", '.', NULL, NULL, "address 'a..b' has an empty part");
	expect(".a.b", '.', NULL, NULL, "address '.a.b' has an empty part");
	expect("a.b.", '.', NULL, NULL, "address 'a.b.' has an empty part");
	expect("", '.', NULL, NULL, "empty address");
	expect("a.b.c.d", '.', NULL, NULL,
	    "address 'a.b.c.d' has too many parts (at most "
	    "project.namespace.key)");
	expect("a.b\001.c", '.', NULL, NULL,
	    "address contains a control character");
}

/* Control characters are found eight bytes at a time: every place. */
Test(addr, finds_a_control_character_anywhere)
{
	char	 text[32];
	size_t	 i;

	for (i = 0; i < sizeof(text) - 1; i++) {
		if (i == 5 || i == 12)
			continue;
		memset(text, 'k', sizeof(text) - 1);
		text[sizeof(text) - 1] = '\0';
		text[5] = '.';
		text[12] = '.';
		text[i] = i % 2 ? '\x7f' : '\x1f';
		expect(text, '.', NULL, NULL,
		    "address contains a control character");
	}
	/* Bytes from 0x80 up (UTF-8) and the edges of the range are data. */
	expect("pr\xc3\xa9j.n\xe2\x82\xac.k \x7e\x20\xff\x80 key \x21",
	    '.', NULL, NULL,
	    "pr\xc3\xa9j|n\xe2\x82\xac|k \x7e\x20\xff\x80 key \x21");
}

Test(addr, cuts_a_long_address_in_its_message)
{
	char	*text = xmalloc(100001), *want;

	memset(text, 'k', 100000);
	text[100000] = '\0';
	text[1] = '.';
	text[2] = '.';
	want = xasprintf("address '%s' has an empty part", util_word(text));
	expect(text, '.', NULL, NULL, want);
	cr_expect(strlen(want) < 100, "the message is %zu bytes",
	    strlen(want));
	free(want);
	free(text);
}

static char *
scope(const char *text)
{
	char	*p = NULL, *n = NULL, *cause = NULL, *r;

	if (addr_scope(text, strlen(text), '.', &p, &n, &cause) != PD_OK) {
		cr_expect(p == NULL && n == NULL);
		return cause;
	}
	r = xasprintf("%s|%s", p, n != NULL ? n : "(null)");
	free(p);
	free(n);
	return r;
}

static void
expect_scope(const char *text, const char *want)
{
	char	*got = scope(text);

	cr_expect(strcmp(got, want) == 0, "%s: got '%s' want '%s'", text, got,
	    want);
	free(got);
}

Test(addr, splits_a_scope_like_an_address)
{
	expect_scope("app", "app|(null)");
	expect_scope("app.config", "app|config");
	expect_scope("a..b", "scope 'a..b' has an empty part");
	expect_scope(".b", "scope '.b' has an empty part");
	expect_scope("a.", "scope 'a.' has an empty part");
	expect_scope("", "empty scope");
	expect_scope("a.b.c", "scope 'a.b.c' has too many parts (at most "
	    "project.namespace)");
	expect_scope("a\tb", "scope contains a control character");
}

Test(addr, checks_parts_and_delimiters)
{
	char	*cause = NULL;

	cr_assert_eq(addr_check_part("a.b", 3, '.', "key", &cause),
	    PD_DATAERR);
	cr_assert_str_eq(cause, "key 'a.b' contains the delimiter '.'");
	free(cause);
	cr_assert_eq(addr_check_part("a:b", 3, '.', "key", &cause), PD_OK);
	cr_assert_eq(addr_check_delim(":", 1, &cause), PD_OK);
	cr_assert_eq(addr_check_delim("/", 1, &cause), PD_OK);
	cr_assert_eq(addr_check_delim("_", 1, &cause), PD_DATAERR);
	free(cause);
	cr_assert_eq(addr_check_delim("ab", 2, &cause), PD_DATAERR);
	cr_assert_str_eq(cause, "invalid delimiter 'ab': use one punctuation "
	    "character other than _ \" ' # ; = { \\");
	free(cause);
	cr_assert_eq(addr_check_delim("x", 1, &cause), PD_DATAERR);
	free(cause);
}

Test(addr, splits_contexts_at_the_last_double_underscore)
{
	const char	*ctx;

	cr_assert_eq(addr_split_context("host__staging", &ctx), 4);
	cr_assert_str_eq(ctx, "staging");
	cr_assert_eq(addr_split_context("a__b__c", &ctx), 4);
	cr_assert_str_eq(ctx, "c");
	cr_assert_eq(addr_split_context("host", &ctx), 4);
	cr_assert_null(ctx);
	cr_assert_eq(addr_split_context("__init__", &ctx), 8);
	cr_assert_null(ctx);
	cr_assert_eq(addr_split_context("__x", &ctx), 3);
	cr_assert_null(ctx);
}

Test(addr, counts_parts_and_fills_the_scope_with_default)
{
	struct scope	 in = { NULL, NULL }, out;
	struct scope	 proj = { "app", NULL };

	cr_expect_eq(addr_parts("k", 1, '.'), 1);
	cr_expect_eq(addr_parts("a.b", 3, '.'), 2);
	cr_expect_eq(addr_parts("a.b.", 4, '.'), 3);
	cr_expect_eq(addr_parts("a:b.c", 5, ':'), 2);
	addr_scope_default(&in, &out);
	cr_expect_str_eq(out.project, "default");
	cr_expect_str_eq(out.ns, "default");
	addr_scope_default(&proj, &out);
	cr_expect_str_eq(out.project, "app");
	cr_expect_str_eq(out.ns, "default");
}

/*
 * The verdict of split (eight bytes at a time) against a byte-by-byte
 * reading, for every short address of the bytes 'k', the delimiter and a
 * control character, 1 to 39 bytes: delimiters and empty parts at and
 * across the edges
 * of the words read (eight bytes, or sixteen with SSE2), and the tail
 * after the last whole word.
 */
static char *
reference(const char *text, size_t len)
{
	size_t	 i, start = 0, nd = 0;
	int	 empty = 0, ctl = 0;
	size_t	 at[3];

	if (len == 0)
		return xstrdup("empty address");
	for (i = 0; i < len; i++) {
		if (text[i] == '.') {
			empty |= i == start;
			if (nd < 3)
				at[nd] = i;
			nd++;
			start = i + 1;
		} else if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			ctl = 1;
	}
	empty |= start == len;
	if (empty)
		return xasprintf("address '%s' has an empty part",
		    util_wordn(text, len));
	if (nd >= 3)
		return xasprintf("address '%s' has too many parts (at most "
		    "project.namespace.key)", util_wordn(text, len));
	if (ctl)
		return xstrdup("address contains a control character");
	if (nd < 2)
		return xstrdup("incomplete");
	return xasprintf("%.*s|%.*s|%.*s", (int)at[0], text,
	    (int)(at[1] - at[0] - 1), text + at[0] + 1,
	    (int)(len - at[1] - 1), text + at[1] + 1);
}

Test(addr, splits_as_a_byte_by_byte_reading_does)
{
	static const char	 alphabet[] = { 'k', '.', '\x01', '\x7f' };
	char			 text[40], *want, *got;
	size_t			 len, i, trial;
	unsigned		 seed = 1;

	for (len = 1; len < sizeof(text); len++)
		for (trial = 0; trial < 400; trial++) {
			for (i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				/* Mostly 'k', so most addresses are whole. */
				text[i] = (seed >> 16) % 8 < 5 ? 'k' :
				    alphabet[(seed >> 20) % 4];
			}
			text[len] = '\0';
			want = reference(text, len);
			got = resolve(text, '.', NULL, NULL);
			if (strcmp(want, "incomplete") == 0)
				cr_expect(strncmp(got, "address '", 9) == 0 &&
				    strstr(got, "is incomplete") != NULL,
				    "%zu: got '%s'", len, got);
			else
				cr_expect(strcmp(got, want) == 0,
				    "%zu: got '%s' want '%s'", len, got, want);
			free(want);
			free(got);
		}
}
