/*
 * test_opts.c - the words after a verb, read the same from argv and from
 * a stream.
 *
 * The first test walks the command table: for every option of every verb
 * it writes the option in each spelling, typed after `prontodb` (through
 * cli_parse, as main does) and as a stream line, and checks that the verb
 * receives the same arguments and the same option every time.  A new
 * option is covered without a test of its own.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "engine.h"
#include "opts.h"
#include "util.h"

/* What the verb sees: "args [A1] [A2] | name=<value> ...", or an error. */
static char *
render(const struct cmd *c, const struct stmt *st, enum pd_status s,
    const char *cause)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	if (s != PD_OK) {
		buf_adds(&b, "error: ");
		buf_adds(&b, cause);
		return buf_detach(&b, NULL);
	}
	buf_adds(&b, c->name);
	for (i = 0; i < st->nargs; i++) {
		buf_adds(&b, " [");
		buf_adds(&b, st->args[i].s);
		buf_addc(&b, ']');
	}
	buf_adds(&b, " |");
	for (i = 0; i < st->nopts; i++) {
		/* A boolean's bare spelling and =yes are the same switch. */
		const struct cmd_opt *o = opts_find(c, st->opts[i].name,
		    strlen(st->opts[i].name));

		buf_addc(&b, ' ');
		buf_adds(&b, st->opts[i].name);
		if (o != NULL && o->arg == NULL)
			buf_adds(&b, engine_flag(st, o->name) ? "=on" : "=off");
		else {
			buf_adds(&b, "=<");
			buf_adds(&b, st->opts[i].val);
			buf_addc(&b, '>');
		}
	}
	return buf_detach(&b, NULL);
}

/* Parse one stream line and bind its words as the engine does. */
static char *
bind_text(const char *text, size_t len, enum opts_style style)
{
	struct lexer		*lx = lexer_new_mem(text, len, 0);
	struct stmt		 st;
	struct parse_error	 err;
	struct opts_bind	 r;
	const struct cmd	*c;
	enum pd_status		 s;
	char			*cause = NULL, *out;
	size_t			 words;

	stmt_init(&st);
	cr_assert_eq(parse_next(lx, &st, &err), PARSE_STMT, "%s", text);
	c = cmd_find(&st, &words);
	cr_assert_not_null(c, "%s", text);
	stmt_shift(&st, words - 1);
	s = opts_bind(c, &st, style, &r, &cause);
	out = render(c, &st, s, cause);
	free(cause);
	stmt_release(&st);
	lexer_free(lx);
	return out;
}

static char *
bind_stream(const char *line)
{
	return bind_text(line, strlen(line), OPTS_STREAM);
}

/* The words as argv after `prontodb`, through cli_parse. */
static char *
bind_argv(const char *const *words, int n)
{
	struct cli	 c;
	char		*argv[32], *cause = NULL, *out;
	int		 i;

	cr_assert_lt(n, 31);
	argv[0] = "prontodb";
	for (i = 0; i < n; i++)
		argv[i + 1] = (char *)words[i];
	cli_init(&c);
	cr_assert_eq(cli_parse(&c, n + 1, argv, &cause), PD_OK, "%s",
	    cause);
	out = bind_text(c.stream.data, c.stream.len, OPTS_ARGV);
	cli_release(&c);
	return out;
}

/* Split "a b c" into words (no quoting needed in these tests). */
static int
split(char *s, const char **w)
{
	int	 n = 0;
	char	*p;

	for (p = strtok(s, " "); p != NULL; p = strtok(NULL, " "))
		w[n++] = p;
	return n;
}

static int	 spellings_checked;

/* One spelling, typed and streamed, against what the verb must see. */
static void
check(const struct cmd *c, const char *line, const char *want)
{
	char		 copy[512];
	const char	*w[32];
	char		*got;
	int		 n;

	got = bind_stream(line);
	cr_expect_str_eq(got, want, "stream line '%s' for '%s'", line,
	    c->name);
	free(got);
	snprintf(copy, sizeof(copy), "%s", line);
	n = split(copy, w);
	got = bind_argv(w, n);
	cr_expect_str_eq(got, want, "argv '%s' for '%s'", line, c->name);
	free(got);
	spellings_checked++;
}

struct walk {
	const struct cmd	*c;
	char			 head[256];	/* verb and required args */
	char			 args[256];	/* as rendered */
};

static void
each_option(void *ctx, const struct cmd_opt *o)
{
	struct walk	*wk = ctx;
	char		 line[512], want[512];
	const char	*args = wk->args;

	/* -k stands for the address: one argument fewer is typed. */
	if (strcmp(o->name, "key") == 0)
		return;
	if (o->arg == NULL) {
		snprintf(want, sizeof(want), "%s%s | %s=on", wk->c->name, args,
		    o->name);
		snprintf(line, sizeof(line), "%s %s", wk->head, o->name);
		/* Bare, `backup list` is the verb of that name, which agrees. */
		if (cmd_lookup(line) == NULL)
			check(wk->c, line, want);
		snprintf(line, sizeof(line), "%s --%s", wk->head, o->name);
		check(wk->c, line, want);
		snprintf(line, sizeof(line), "%s %s=yes", wk->head, o->name);
		check(wk->c, line, want);
		snprintf(line, sizeof(line), "%s --%s=yes", wk->head, o->name);
		check(wk->c, line, want);
		return;
	}
	snprintf(want, sizeof(want), "%s%s | %s=<v1>", wk->c->name, args,
	    o->name);
	snprintf(line, sizeof(line), "%s %s=v1", wk->head, o->name);
	check(wk->c, line, want);
	snprintf(line, sizeof(line), "%s --%s v1", wk->head, o->name);
	check(wk->c, line, want);
	snprintf(line, sizeof(line), "%s --%s=v1", wk->head, o->name);
	check(wk->c, line, want);
	if (o->shrt != 0) {
		snprintf(line, sizeof(line), "%s -%c v1", wk->head, o->shrt);
		check(wk->c, line, want);
	}
	if (o->slot != 0 && o->slot == wk->c->min_args) {
		snprintf(line, sizeof(line), "%s v1", wk->head);
		check(wk->c, line, want);
	}
}

Test(opts, reads_every_option_the_same_in_every_spelling_and_place)
{
	struct walk	 wk;
	size_t		 i;
	int		 a;

	for (i = 0; i < cmd_count; i++) {
		wk.c = cmd_table[i];
		snprintf(wk.head, sizeof(wk.head), "%s", wk.c->name);
		wk.args[0] = '\0';
		for (a = 0; a < wk.c->min_args; a++) {
			size_t	 h = strlen(wk.head), g = strlen(wk.args);

			snprintf(wk.head + h, sizeof(wk.head) - h, " a%d", a);
			snprintf(wk.args + g, sizeof(wk.args) - g, " [a%d]", a);
		}
		opts_each(wk.c, each_option, &wk);
	}
	/* Every verb's options, at least the set, get and cache ones. */
	cr_expect_gt(spellings_checked, 150, "%d", spellings_checked);
	fprintf(stderr, "# %d option spellings checked on the command line "
	    "and in a stream\n", spellings_checked);
}

/* The same line, typed and streamed, gives want. */
static void
same(const char *line, const char *want)
{
	char		 copy[512];
	const char	*w[32];
	char		*got;
	int		 n;

	got = bind_stream(line);
	cr_expect_str_eq(got, want, "stream: %s", line);
	free(got);
	snprintf(copy, sizeof(copy), "%s", line);
	n = split(copy, w);
	got = bind_argv(w, n);
	cr_expect_str_eq(got, want, "argv: %s", line);
	free(got);
}

Test(opts, takes_required_arguments_whatever_they_look_like)
{
	same("set k a=b", "set [k] [a=b] |");
	same("set k ttl=5", "set [k] [ttl=5] |");
	same("get raw", "get [raw] |");
	same("set k v ttl=5", "set [k] [v] | ttl=<5>");
	same("set k v if-absent", "set [k] [v] | if-absent=on");
}

Test(opts, fills_optional_arguments_after_the_options_it_knows)
{
	same("keys project=a", "keys | project=<a>");
	same("export tsv", "export | tsv=on");
	same("keys app.config.", "keys [app.config.] |");
	same("create-cache p.n 60", "create-cache [p.n] | timeout=<60>");
	same("incr k -1", "incr [k] [-1] |");
	same("incr k 5 --ttl 9", "incr [k] [5] | ttl=<9>");
}

Test(opts, takes_long_and_short_options_anywhere)
{
	same("get -p app -n config host",
	    "get [host] | project=<app> namespace=<config>");
	same("set --ttl 5 k v", "set [k] [v] | ttl=<5>");
	same("set -k host v", "set [v] | key=<host>");
}

Test(opts, takes_key_in_the_place_of_the_address_as_the_address)
{
	same("get key=host", "get | key=<host>");
	same("set key=host v", "set [v] | key=<host>");
	same("set k key=v", "set [k] [key=v] |");
	same("meta get key=host owner", "meta get [owner] | key=<host>");
}

Test(opts, ends_options_at_a_double_dash)
{
	same("set k -- --ttl", "set [k] [--ttl] |");
	same("keys -- project=a", "keys [project=a] |");
}

Test(opts, never_takes_a_quoted_word_as_an_option)
{
	char	*got = bind_stream("keys \"project=a\"");

	cr_expect_str_eq(got, "keys [project=a] |");
	free(got);
	got = bind_stream("export 'tsv'");
	cr_expect_str_eq(got, "export [tsv] |");
	free(got);
}

Test(opts, refuses_a_misspelt_option_rather_than_storing_it)
{
	char	*got = bind_stream("set k v tll=5");

	cr_expect_str_eq(got, "error: unknown option 'tll' for 'set'; did you "
	    "mean 'ttl'?");
	free(got);
	got = bind_stream("keys projct=a");
	cr_expect_str_eq(got, "error: unknown option 'projct' for 'keys'; did "
	    "you mean 'project'?");
	free(got);
	got = bind_stream("get k --bogus");
	cr_expect_str_eq(got, "error: unknown option '--bogus' for 'get' "
	    "(options: include-expired, raw, default, project, namespace, key)");
	free(got);
}

Test(opts, asks_for_a_missing_value)
{
	char	*got = bind_stream("set k v --ttl");

	cr_expect_str_eq(got, "error: option '--ttl' needs a value (S)");
	free(got);
	got = bind_stream("set k v ttl");
	cr_expect_str_eq(got, "error: option 'ttl' needs a value (ttl=S)");
	free(got);
}

Test(opts, shows_usage_in_the_spelling_of_the_place)
{
	const struct cmd	*set = cmd_lookup("set");
	char			*u;

	u = opts_usage(set, OPTS_ARGV);
	cr_expect_str_eq(u, "set ADDR VALUE [--ttl S] [--if-absent] "
	    "[--if-version N]");
	free(u);
	u = opts_usage(set, OPTS_STREAM);
	cr_expect_str_eq(u, "set ADDR VALUE [ttl=S] [if-absent] "
	    "[if-version=N]");
	free(u);
}
