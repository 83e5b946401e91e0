/*
 * test_pattern.c - PREFIX and PATTERN arguments: the glob each becomes,
 * and the store filter of its literal prefix, which the index serves.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "pattern.h"

static struct engine	 e;
static struct stmt	 st;

static void
setup(void)
{
	memset(&e, 0, sizeof(e));
	e.delim = '.';
	stmt_init(&st);
}

static void
teardown(void)
{
	stmt_release(&st);
}

TestSuite(pattern, .init = setup, .fini = teardown);

/*
 * The pattern of text (NULL: none) as "FILTER | GLOB", the filter's levels
 * "=exact", "^prefix" or "*", and " exact" when no row needs matching.
 */
static char *
make(const char *text, int literal, struct pattern *p)
{
	struct arg	 a;
	struct buf	 b;
	char		*cause = NULL;
	int		 i;

	memset(&a, 0, sizeof(a));
	if (text != NULL) {
		a.s = (char *)text;
		a.len = strlen(text);
		a.line = a.col = 1;
	}
	cr_assert_eq(pattern_make(&e, &st, text != NULL ? &a : NULL, literal,
	    "prefix", p, &cause), PD_OK, "%s", cause);
	buf_init(&b);
	for (i = 0; i < 3; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		if (p->f.mode[i] == STORE_ANY)
			buf_addc(&b, '*');
		else {
			buf_addc(&b, p->f.mode[i] == STORE_EXACT ? '=' : '^');
			buf_adds(&b, p->f.text[i]);
		}
	}
	buf_adds(&b, " | ");
	buf_adds(&b, p->glob);
	if (p->exact)
		buf_adds(&b, " exact");
	return buf_detach(&b, NULL);
}

static void
expect(const char *text, int literal, const char *want)
{
	struct pattern	 p;
	char		*got = make(text, literal, &p);

	cr_expect_str_eq(got, want, "%s", text != NULL ? text : "(none)");
	free(got);
	pattern_release(&p);
}

Test(pattern, serves_a_literal_project_and_namespace_from_the_index)
{
	expect("app.config.*", 0, "=app =config * | app.config.* exact");
	expect("app.config.h*", 0, "=app =config ^h | app.config.h* exact");
	expect("app.con*", 0, "=app ^con * | app.con* exact");
	expect("app.*.host", 0, "=app * * | app.*.host");
	expect("app.config.h?st", 0, "=app =config ^h | app.config.h?st");
}

Test(pattern, reaches_everything_when_it_starts_with_a_wildcard)
{
	expect("*.config.x", 0, "* * * | *.config.x");
	expect("[ab]pp.c.x", 0, "* * * | [ab]pp.c.x");
}

Test(pattern, reads_a_prefix_as_keys_does)
{
	expect("app.", 0, "=app * * | app.* exact");
	expect("app.config", 0, "=app =config * | app.config.* exact");
	expect("app.config.", 0, "=app =config * | app.config.* exact");
	expect("app.config.ho", 0, "=app =config ^ho | app.config.ho* exact");
	expect("gr", 0, "=default =default ^gr | default.default.gr* exact");
	expect("g*", 0, "=default =default ^g | default.default.g* exact");
	expect(NULL, 0, "* * * | * exact");
	e.sc.project = "app";
	expect(NULL, 0, "=app * * | app.* exact");
	expect("h?", 0, "=app =default ^h | app.default.h?");
}

Test(pattern, takes_wildcards_literally_in_a_literal_prefix)
{
	expect("app.config.a*", 1, "=app =config ^a | app.config.a[*]*");
	expect("a?", 1, "=default =default ^a | default.default.a[?]*");
}

Test(pattern, matches_rows_by_the_glob_unless_the_filter_says)
{
	struct pattern	 p;
	struct buf	 tmp;
	char		*got;

	buf_init(&tmp);
	got = make("app.*.h*", 0, &p);
	cr_expect(pattern_row(&p, '.', "app", "x", "host", &tmp));
	cr_expect_not(pattern_row(&p, '.', "app", "x", "port", &tmp));
	cr_expect(pattern_match(&p, "app.x.y.h"), "* crosses the delimiter");
	free(got);
	pattern_release(&p);
	got = make("app.config.", 0, &p);
	cr_expect(pattern_row(&p, '.', "app", "config", "any", &tmp),
	    "a row the exact filter reached is not matched again");
	cr_expect_not(pattern_match(&p, "app.other.any"));
	free(got);
	pattern_release(&p);
	buf_release(&tmp);
}

Test(pattern, refuses_too_many_parts_and_bad_names)
{
	struct pattern	 p;
	struct arg	 a;
	char		*cause = NULL;

	memset(&a, 0, sizeof(a));
	a.s = (char *)"a.b.c.d";
	a.len = 7;
	cr_expect_eq(pattern_make(&e, &st, &a, 0, "prefix", &p, &cause),
	    PD_DATAERR);
	cr_expect_str_eq(cause, "prefix 'a.b.c.d' has too many parts (at "
	    "most project.namespace.key)");
	free(cause);
	cause = NULL;
	pattern_release(&p);
	a.s = (char *)"a..c";
	a.len = 4;
	cr_expect_eq(pattern_make(&e, &st, &a, 0, "pattern", &p, &cause),
	    PD_DATAERR);
	cr_expect(strncmp(cause, "pattern 'a..c': ", 16) == 0, "%s", cause);
	free(cause);
	pattern_release(&p);
}
