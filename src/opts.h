/*
 * opts.h - the words after a verb: positional arguments and options.
 *
 * One grammar for a line typed after `prontodb` and the same line in a
 * stream (prontodb-stream(5), OPTIONS): the verb's required arguments come
 * first, whatever they look like; after them a word is an option when the
 * verb declares its name, spelt name=value, bare name (a boolean),
 * --name value or --name=value; anything else fills the optional
 * arguments.  --name and -x forms are options wherever they stand, a
 * quoted word never is, and `--` ends the options.
 */
#ifndef PRONTO_OPTS_H
#define PRONTO_OPTS_H

#include "cmd.h"
#include "parse.h"
#include "status.h"

/* Where the words were typed: messages show options in that spelling. */
enum opts_style {
	OPTS_STREAM,	/* name=value */
	OPTS_ARGV	/* --name value */
};

/* Where a failed opts_bind points, and whether --help was asked. */
struct opts_bind {
	int		 help;
	unsigned	 line;	/* 0: the verb */
	unsigned	 col;
};

/*
 * Sort the words of st (after its verb) into positional arguments, which
 * stay in st->args, and the options c declares, which move to st->opts.
 * Returns PD_DATAERR with *cause on an unknown option or one without its
 * value; the arity is the caller's to check, after -k has stood in for an
 * address.
 */
enum pd_status	opts_bind(const struct cmd *c, struct stmt *st,
		    enum opts_style, struct opts_bind *, char **cause);

/*
 * The option c takes under name (len bytes) or the one letter shrt, its
 * scope options (project, namespace, key) and help included; or NULL.
 */
const struct cmd_opt	*opts_find(const struct cmd *c, const char *name,
			    size_t len);
const struct cmd_opt	*opts_short(const struct cmd *c, char shrt);

/* "set ADDR VALUE [--ttl S] [--if-absent] ..." in the given spelling. */
char	*opts_usage(const struct cmd *c, enum opts_style);

/*
 * Call fn for each option c accepts, declared and implied, in usage
 * order.
 */
void	opts_each(const struct cmd *c,
	    void (*fn)(void *, const struct cmd_opt *), void *ctx);

#endif
