/*
 * parse.h - tokens into statements.
 *
 * A statement is a verb and the words after it, with the position of each
 * for error messages.  The parser knows the shapes of the language, not
 * what verbs exist: which words are options is decided by the verb's
 * declarations (opts.c), which move them from args to opts.  The
 * upstream dialect (`key=value;`, `meta:path=p.n;`, ...) is mapped here onto
 * ordinary statements so the engine sees one language.
 */
#ifndef PRONTO_PARSE_H
#define PRONTO_PARSE_H

#include <stddef.h>

#include "lexer.h"

/*
 * What a word looked like: the verb's declarations (opts.c) decide whether
 * a bare word or a bare name=value is an option; a quoted one never is.
 */
enum arg_kind {
	ARG_QUOTED,	/* "string", 'raw' or a {N} literal */
	ARG_WORD,	/* a bare word */
	ARG_PAIR	/* bare name=value: s holds both, the name is eq bytes */
};

struct arg {
	char		*s;	/* NUL-terminated copy; may hold NULs */
	size_t		 len;
	size_t		 cap;	/* s's size, kept for the next statement */
	enum arg_kind	 kind;
	size_t		 eq;	/* ARG_PAIR: where the '=' is */
	int		 used;	/* taken as an option (opts.c) */
	unsigned	 line;
	unsigned	 col;
};

struct opt {
	char		*name;
	char		*val;
	size_t		 vlen;
	unsigned	 line;
	unsigned	 col;
};

struct stmt {
	char		*verb;	/* verbbuf, or a string of the caller's */
	char		*verbbuf; /* kept for the next statement's verb */
	size_t		 verbcap;
	unsigned	 line;
	unsigned	 col;
	struct arg	*args;
	size_t		 nargs;
	size_t		 argcap;
	struct opt	*opts;
	size_t		 nopts;
	size_t		 optcap;
};

struct parse_error {
	char		*msg;
	unsigned	 line;
	unsigned	 col;
	int		 ioerr;	/* reading the input failed */
};

enum parse_result {
	PARSE_STMT,
	PARSE_EOF,
	PARSE_ERROR
};

void	stmt_init(struct stmt *);
void	stmt_release(struct stmt *);
void	stmt_add_arg(struct stmt *, const char *, size_t, enum arg_kind,
	    unsigned line, unsigned col);
/* A bare name=value word (ARG_PAIR). */
void	stmt_add_pair(struct stmt *, const char *name, size_t nlen,
	    const char *val, size_t vlen, unsigned line, unsigned col);
void	stmt_add_opt(struct stmt *, const char *name, const char *val,
	    size_t vlen, unsigned line, unsigned col);
/* Remove the first n positional arguments (a multi-word verb ate them). */
void	stmt_shift(struct stmt *, size_t n);
/* Remove positional argument i (it became an option). */
void	stmt_remove_arg(struct stmt *, size_t i);
/* Return the option named name, or NULL: stmt_opt's search. */
const struct opt *stmt_opt_find(const struct stmt *, const char *name);

/*
 * Return the option named name, or NULL.  Most statements have none, and
 * a verb asks for several: for those, no call.
 */
static inline const struct opt *
stmt_opt(const struct stmt *st, const char *name)
{
	return st->nopts == 0 ? NULL : stmt_opt_find(st, name);
}

/*
 * Read the next statement into st (released and reinitialized first).  On
 * PARSE_ERROR, err holds a message the caller frees, and the rest of the
 * bad statement has been skipped so parsing can go on.
 */
enum parse_result	parse_next(struct lexer *, struct stmt *,
			    struct parse_error *err);

#endif
