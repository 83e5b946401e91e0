/*
 * parse.c - tokens into statements, and the upstream dialect's mapping.
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

void
stmt_init(struct stmt *st)
{
	memset(st, 0, sizeof(*st));
}

/* A big argument's buffer is not worth keeping for the next statement. */
#define ARG_KEEP	65536

/*
 * Forget the statement, keeping its arrays and its arguments' buffers for
 * the next one: a stream of statements allocates nothing per argument.
 */
static inline void
stmt_clear(struct stmt *st)
{
	size_t	 i;

	if (st->verb != st->verbbuf)
		free(st->verb);
	st->verb = NULL;
	for (i = 0; i < st->nargs; i++)
		if (st->args[i].cap > ARG_KEEP) {
			free(st->args[i].s);
			st->args[i].s = NULL;
			st->args[i].cap = 0;
		}
	for (i = 0; i < st->nopts; i++) {
		free(st->opts[i].name);
		free(st->opts[i].val);
	}
	st->nargs = st->nopts = 0;
	st->line = st->col = 0;
}

void
stmt_release(struct stmt *st)
{
	size_t	 i;

	stmt_clear(st);
	for (i = 0; i < st->argcap; i++)
		free(st->args[i].s);
	free(st->args);
	free(st->opts);
	free(st->verbbuf);
	stmt_init(st);
}

/* Make the verb the len bytes at s, in the buffer kept for verbs. */
static inline void
set_verb(struct stmt *st, const char *s, size_t len)
{
	if (st->verbcap < len + 1) {
		free(st->verbbuf);
		st->verbcap = len + 1 > 16 ? len + 1 : 16;
		st->verbbuf = xmalloc(st->verbcap);
	}
	memcpy(st->verbbuf, s, len);
	st->verbbuf[len] = '\0';
	st->verb = st->verbbuf;
}

/* A new argument with room for len bytes; the caller fills s. */
static inline struct arg *
new_arg(struct stmt *st, size_t len, enum arg_kind kind, unsigned line,
    unsigned col)
{
	struct arg	*a;

	if (st->nargs == st->argcap) {
		size_t	 old = st->argcap;

		st->argcap = st->argcap ? st->argcap * 2 : 4;
		st->args = xrealloc(st->args, st->argcap * sizeof(*st->args));
		memset(st->args + old, 0, (st->argcap - old) *
		    sizeof(*st->args));
	}
	a = &st->args[st->nargs++];
	if (a->cap < len + 1) {
		free(a->s);
		a->cap = len + 1 > 32 ? len + 1 : 32;
		a->s = xmalloc(a->cap);
	}
	a->s[len] = '\0';
	a->len = len;
	a->kind = kind;
	a->eq = 0;
	a->used = 0;
	a->line = line;
	a->col = col;
	return a;
}

void
stmt_add_arg(struct stmt *st, const char *s, size_t len, enum arg_kind kind,
    unsigned line, unsigned col)
{
	memcpy(new_arg(st, len, kind, line, col)->s, s, len);
}

/*
 * A big literal's bytes become the argument as they are: the lexer hands
 * over its buffer instead of the parser copying it (a value of hundreds
 * of megabytes would otherwise be in memory twice).
 */
static void
take_arg(struct stmt *st, struct lexer *lx, const struct token *t)
{
	struct arg	*a = new_arg(st, 0, ARG_QUOTED, t->line, t->col);

	free(a->s);
	a->s = lexer_take(lx, &a->len);
	a->cap = a->len + 1;
}

void
stmt_add_pair(struct stmt *st, const char *name, size_t nlen, const char *val,
    size_t vlen, unsigned line, unsigned col)
{
	struct arg	*a = new_arg(st, nlen + 1 + vlen, ARG_PAIR, line, col);

	memcpy(a->s, name, nlen);
	a->s[nlen] = '=';
	memcpy(a->s + nlen + 1, val, vlen);
	a->eq = nlen;
}

void
stmt_add_opt(struct stmt *st, const char *name, const char *val, size_t vlen,
    unsigned line, unsigned col)
{
	struct opt	*o;

	if (st->nopts == st->optcap) {
		st->optcap = st->optcap ? st->optcap * 2 : 4;
		st->opts = xrealloc(st->opts, st->optcap * sizeof(*st->opts));
	}
	o = &st->opts[st->nopts++];
	o->name = xstrdup(name);
	o->val = xmemdup(val, vlen);
	o->vlen = vlen;
	o->line = line;
	o->col = col;
}

void
stmt_remove_arg(struct stmt *st, size_t i)
{
	struct arg	 gone = st->args[i];

	/* Its buffer becomes a spare one past the last argument. */
	memmove(st->args + i, st->args + i + 1, (st->nargs - i - 1) *
	    sizeof(*st->args));
	st->args[--st->nargs] = gone;
}

void
stmt_shift(struct stmt *st, size_t n)
{
	while (n-- > 0 && st->nargs > 0)
		stmt_remove_arg(st, 0);
}

const struct opt *
stmt_opt_find(const struct stmt *st, const char *name)
{
	size_t	 i;

	/* The last occurrence wins, as with repeated command-line flags. */
	for (i = st->nopts; i > 0; i--)
		if (strcmp(st->opts[i - 1].name, name) == 0)
			return &st->opts[i - 1];
	return NULL;
}

static int
is_value(const struct token *t)
{
	return t->type == TOK_WORD || t->type == TOK_STRING ||
	    t->type == TOK_RAW || t->type == TOK_BLOB;
}

static enum parse_result
fail(struct lexer *lx, const struct token *t, struct parse_error *err,
    const char *msg)
{
	err->msg = xstrdup(msg != NULL ? msg : t->text);
	err->line = t->line;
	err->col = t->col;
	err->ioerr = t->ioerr;
	/* Resynchronize at the end of the statement. */
	while (!t->ioerr && t->type != TOK_TERM && t->type != TOK_EOF)
		t = lexer_next(lx);
	return PARSE_ERROR;
}

/*
 * The upstream dialect's directives, as the statements they stand for.  A
 * verb of NULL means the value itself is the verb (meta:tx=begin).
 */
static const struct directive {
	const char	*name;
	const char	*verb;
	const char	*opt;	/* the value becomes this option, not an arg */
} directives[] = {
	{ "meta:delim", "delim", NULL },
	{ "meta:ns", "use", NULL },
	{ "meta:path", "use", NULL },
	{ "meta:sec:apikey", "auth", "apikey" },
	{ "meta:sec:pass", "auth", "pass" },
	{ "meta:sec:user", "auth", "user" },
	{ "meta:ttl", "default-ttl", NULL },
	{ "meta:tx", NULL, NULL },
	{ "sec:apikey", "auth", "apikey" },
	{ "sec:pass", "auth", "pass" },
	{ "sec:user", "auth", "user" },
};

static enum parse_result
assignment(struct lexer *lx, const struct token *key, struct stmt *st,
    struct parse_error *err)
{
	const struct directive	*d = NULL;
	const struct token	*v;
	char			*name;
	unsigned		 kline = key->line, kcol = key->col;
	size_t			 i;

	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strcmp(key->text, directives[i].name) == 0)
			d = &directives[i];
	if (d == NULL && (strncmp(key->text, "meta:", 5) == 0 ||
	    strncmp(key->text, "sec:", 4) == 0)) {
		char	*msg = xasprintf("unknown directive '%s'",
		    util_wordn(key->text, key->len));
		enum parse_result r = fail(lx, key, err, msg);

		free(msg);
		return r;
	}
	name = xmemdup(key->text, key->len);
	v = lexer_value(lx);
	if (v->type == TOK_ERROR) {
		free(name);
		return fail(lx, v, err, NULL);
	}
	st->line = kline;
	st->col = kcol;
	if (d == NULL) {
		set_verb(st, "set", 3);
		stmt_add_arg(st, name, strlen(name), ARG_QUOTED, kline, kcol);
		stmt_add_arg(st, v->text, v->len, ARG_QUOTED, v->line, v->col);
	} else if (d->verb == NULL) {
		if (strcmp(v->text, "begin") != 0 &&
		    strcmp(v->text, "commit") != 0 &&
		    strcmp(v->text, "rollback") != 0) {
			free(name);
			return fail(lx, v, err, "meta:tx must be begin, commit "
			    "or rollback");
		}
		set_verb(st, v->text, v->len);
	} else {
		set_verb(st, d->verb, strlen(d->verb));
		if (d->opt != NULL)
			stmt_add_opt(st, d->opt, v->text, v->len, v->line,
			    v->col);
		else
			stmt_add_arg(st, v->text, v->len, ARG_QUOTED, v->line,
			    v->col);
	}
	free(name);
	v = lexer_next(lx);
	if (v->type == TOK_ERROR)
		return fail(lx, v, err, NULL);
	if (v->type != TOK_TERM && v->type != TOK_EOF)
		return fail(lx, v, err, "unexpected text after a quoted value");
	return PARSE_STMT;
}

/*
 * A bare name=value word, from the TOK_KEY t: the value is what is glued
 * to the '=' (`a=b=c` holds "b=c"); `name=` before a blank is empty.
 * Returns the token after it.
 */
static const struct token *
pair(struct lexer *lx, const struct token *t, struct stmt *st)
{
	struct buf	 v;
	char		*name = xmemdup(t->text, t->len);
	size_t		 nlen = t->len;
	unsigned	 line = t->line, col = t->col;

	buf_init(&v);
	t = lexer_next(lx);
	for (; t->type == TOK_KEY && !t->spaced; t = lexer_next(lx)) {
		buf_add(&v, t->text, t->len);
		buf_addc(&v, '=');
	}
	if (is_value(t) && !t->spaced) {
		buf_add(&v, t->text, t->len);
		t = lexer_next(lx);
	}
	stmt_add_pair(st, name, nlen, v.data != NULL ? v.data : "", v.len,
	    line, col);
	buf_release(&v);
	free(name);
	return t;
}

enum parse_result
parse_next(struct lexer *lx, struct stmt *st, struct parse_error *err)
{
	const struct token	*t;

	stmt_clear(st);
	memset(err, 0, sizeof(*err));
	do
		t = lexer_next(lx);
	while (t->type == TOK_TERM);
	switch (t->type) {
	case TOK_EOF:
		return PARSE_EOF;
	case TOK_ERROR:
		return fail(lx, t, err, NULL);
	case TOK_KEY:
		return assignment(lx, t, st, err);
	case TOK_BLOB:
		return fail(lx, t, err, "a statement must start with a verb");
	default:
		break;
	}
	set_verb(st, t->text, t->len);
	st->line = t->line;
	st->col = t->col;
	t = lexer_next(lx);
	for (;;) {
		switch (t->type) {
		case TOK_TERM:
		case TOK_EOF:
			return PARSE_STMT;
		case TOK_ERROR:
			return fail(lx, t, err, NULL);
		case TOK_KEY:
			t = pair(lx, t, st);
			continue;
		default:
			if (t->type == TOK_BLOB && t->len > ARG_KEEP)
				take_arg(st, lx, t);
			else
				stmt_add_arg(st, t->text, t->len,
				    t->type == TOK_WORD ? ARG_WORD :
				    ARG_QUOTED, t->line, t->col);
			break;
		}
		t = lexer_next(lx);
	}
}
