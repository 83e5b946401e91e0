/*
 * test_parse.c - statements from tokens, and the upstream dialect mapping.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "util.h"

/* Render the statements of input, one per line. */
static char *
parse_all(const char *input)
{
	struct lexer		*lx = lexer_new_mem(input, strlen(input), 3);
	struct stmt		 st;
	struct parse_error	 err;
	enum parse_result	 r;
	struct buf		 b;
	size_t			 i;
	char			*s;

	buf_init(&b);
	stmt_init(&st);
	while ((r = parse_next(lx, &st, &err)) != PARSE_EOF) {
		if (r == PARSE_ERROR) {
			s = xasprintf("error %u:%u %s\n", err.line, err.col,
			    err.msg);
			free(err.msg);
		} else {
			s = xasprintf("%u:%u %s", st.line, st.col, st.verb);
			buf_adds(&b, s);
			free(s);
			for (i = 0; i < st.nargs; i++) {
				s = xasprintf(" [%s%s]", st.args[i].kind ==
				    ARG_WORD ? "" : st.args[i].kind ==
				    ARG_QUOTED ? "q:" : "kv:", st.args[i].s);
				buf_adds(&b, s);
				free(s);
			}
			for (i = 0; i < st.nopts; i++) {
				s = xasprintf(" %s=<%s>", st.opts[i].name,
				    st.opts[i].val);
				buf_adds(&b, s);
				free(s);
			}
			s = xstrdup("\n");
		}
		buf_adds(&b, s);
		free(s);
	}
	stmt_release(&st);
	lexer_free(lx);
	return buf_detach(&b, NULL);
}

static void
expect(const char *input, const char *want)
{
	char	*got = parse_all(input);

	cr_expect(strcmp(got, want) == 0, "input %s\n got:\n%s want:\n%s",
	    input, got, want);
	free(got);
}

Test(parse, splits_statements_and_skips_blank_ones)
{
	expect("set a.b.c 1;; get a.b.c\n\n# c\nkeys\n",
	    "1:1 set [a.b.c] [1]\n1:15 get [a.b.c]\n4:1 keys\n");
}

Test(parse, marks_bare_name_value_words_for_the_verb_to_read)
{
	expect("set k v ttl=5 note=\"a b\" empty= force --x=1 a=b=c\n",
	    "1:1 set [k] [v] [kv:ttl=5] [kv:note=a b] [kv:empty=] [force] "
	    "[kv:--x=1] [kv:a=b=c]\n");
}

Test(parse, marks_quoted_arguments)
{
	expect("\"get\" \"k\" 'r' {1}\nx\n", "1:1 get [q:k] [q:r] [q:x]\n");
}

Test(parse, maps_upstream_assignments_to_set)
{
	expect("app.cfg.host=db1 internal ;\n", "1:1 set [q:app.cfg.host] "
	    "[q:db1 internal]\n");
}

Test(parse, maps_upstream_directives)
{
	expect("meta:path=app.cfg; meta:ns=a.b\nmeta:delim=:\n"
	    "meta:tx=begin; meta:tx=commit\nmeta:sec:pass=x; sec:user=u\n",
	    "1:1 use [q:app.cfg]\n1:20 use [q:a.b]\n2:1 delim [q::]\n"
	    "3:1 begin\n3:16 commit\n4:1 auth pass=<x>\n4:18 auth user=<u>\n");
}

Test(parse, rejects_unknown_directives_and_goes_on)
{
	expect("meta:bogus=1; get k\n",
	    "error 1:1 unknown directive 'meta:bogus'\n1:15 get [k]\n");
}

Test(parse, resynchronizes_after_a_bad_token)
{
	expect("set k \"a\\q\" more; get k\nset \001 x\nkeys\n",
	    "error 1:9 invalid escape sequence\n1:19 get [k]\n"
	    "error 2:5 unexpected byte 0x01\n3:1 keys\n");
}

Test(parse, rejects_a_literal_in_verb_position)
{
	expect("{1}\nx get\n", "error 1:1 a statement must start with a "
	    "verb\n");
}

Test(parse, shifts_and_finds_options)
{
	struct stmt		 st;
	const struct opt	*o;

	stmt_init(&st);
	st.verb = xstrdup("meta");
	stmt_add_arg(&st, "set", 3, ARG_WORD, 1, 6);
	stmt_add_arg(&st, "k", 1, ARG_WORD, 1, 10);
	stmt_add_opt(&st, "x", "1", 1, 1, 12);
	stmt_add_opt(&st, "x", "2", 1, 1, 16);
	stmt_shift(&st, 1);
	cr_assert_eq(st.nargs, 1);
	cr_assert_str_eq(st.args[0].s, "k");
	o = stmt_opt(&st, "x");
	cr_assert_str_eq(o->val, "2", "the last occurrence wins");
	cr_assert_null(stmt_opt(&st, "y"));
	stmt_release(&st);
}

Test(parse, takes_a_big_literal_as_it_is_and_frees_it_with_the_statement)
{
	size_t			 n = 200000, i;
	struct buf		 in;
	struct lexer		*lx;
	struct stmt		 st;
	struct parse_error	 err;
	char			 hdr[32];

	buf_init(&in);
	snprintf(hdr, sizeof(hdr), "set k {%zu}\n", n);
	buf_adds(&in, hdr);
	for (i = 0; i < n; i++)
		buf_addc(&in, (char)(i * 7));
	buf_adds(&in, " ttl=5\nget k\n");
	lx = lexer_new_mem(in.data, in.len, 64);
	stmt_init(&st);
	cr_assert_eq(parse_next(lx, &st, &err), PARSE_STMT);
	cr_assert_eq(st.nargs, 3);
	cr_assert_eq(st.args[1].kind, ARG_QUOTED);
	cr_assert_eq(st.args[1].len, n);
	cr_assert(memcmp(st.args[1].s, in.data + strlen(hdr), n) == 0);
	cr_assert_eq(st.args[1].s[n], '\0');
	cr_assert_str_eq(st.args[2].s, "ttl=5");
	cr_assert_eq(parse_next(lx, &st, &err), PARSE_STMT);
	cr_assert_str_eq(st.verb, "get");
	cr_assert_eq(st.args[1].s, NULL, "the big buffer is not kept");
	cr_assert_eq(parse_next(lx, &st, &err), PARSE_EOF);
	stmt_release(&st);
	lexer_free(lx);
	buf_release(&in);
}
