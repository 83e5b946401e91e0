/*
 * test_cmd.c - the command table: sorted, exact lookup, options.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "util.h"

Test(cmd, keeps_the_table_sorted_and_unique)
{
	size_t	 i;

	for (i = 1; i < cmd_count; i++)
		cr_expect(strcmp(cmd_table[i - 1]->name, cmd_table[i]->name) <
		    0, "'%s' must sort before '%s'", cmd_table[i - 1]->name,
		    cmd_table[i]->name);
}

Test(cmd, declares_sane_arities_and_a_summary)
{
	const struct cmd_opt	*o;
	size_t			 i;

	for (i = 0; i < cmd_count; i++) {
		const struct cmd	*c = cmd_table[i];

		cr_expect(c->max_args < 0 || c->max_args >= c->min_args,
		    "%s", c->name);
		cr_expect_not_null(c->exec, "%s", c->name);
		cr_expect(c->summary != NULL && *c->summary != '\0', "%s",
		    c->name);
		/* opts_bind counts on it for a statement of required args. */
		for (o = c->opts; o != NULL && o->name != NULL; o++)
			cr_expect(o->slot == 0 || o->slot >= c->min_args,
			    "%s %s: a slot is an optional argument's", c->name,
			    o->name);
	}
}

static const struct cmd *
find(const char *verb, const char *arg, size_t *words)
{
	struct stmt	 st;
	const struct cmd *c;

	stmt_init(&st);
	st.verb = xstrdup(verb);
	if (arg != NULL)
		stmt_add_arg(&st, arg, strlen(arg), ARG_WORD, 1, 1);
	c = cmd_find(&st, words);
	stmt_release(&st);
	return c;
}

Test(cmd, finds_verbs_by_exact_name_only)
{
	size_t	 words;

	cr_assert_str_eq(find("get", "k", &words)->name, "get");
	cr_assert_eq(words, 1);
	cr_assert_null(find("ge", NULL, &words));
	cr_assert_null(find("gett", NULL, &words));
	cr_assert_null(find("GET", NULL, &words));
}

Test(cmd, knows_which_options_are_boolean)
{
	size_t			 words;
	const struct cmd	*get = find("get", NULL, &words);

	cr_assert_not_null(opts_find(get, "raw", 3));
	cr_assert_null(opts_find(get, "raw", 3)->arg);
	cr_assert_str_eq(opts_find(get, "key", 3)->arg, "K");
	cr_assert_null(opts_find(get, "force", 5));
}
