/*
 * lexer.h - the tokenizer of the ProntoDB stream language.
 *
 * The lexer reads a byte stream in chunks and hands out one token at a time
 * (pull model), so a stream of any size is lexed in constant memory and a
 * token may span chunk boundaries.  It knows tokens only: no verbs, no
 * addresses.  The grammar is in prontodb-stream(5).
 *
 * Limits: a token holds at most LEXER_MAX_TOKEN bytes, a {N} literal at
 * most PD_MAX_VALUE (util.h), the largest value, and lexing takes
 * time linear in the input whatever it holds (unterminated strings, runs
 * of escaped quotes or of '{' included; tests/test_lexer.c times 4 MB of
 * each such pattern).
 */
#ifndef PRONTO_LEXER_H
#define PRONTO_LEXER_H

#include <stddef.h>
#include <sys/types.h>

enum tok_type {
	TOK_EOF,	/* end of input */
	TOK_TERM,	/* ';' or a newline outside quotes */
	TOK_WORD,	/* a bare word */
	TOK_STRING,	/* "double-quoted", escapes decoded */
	TOK_RAW,	/* 'single-quoted', taken as is */
	TOK_BLOB,	/* {N} and a newline, then exactly N bytes */
	TOK_KEY,	/* a bare word glued to '=': text is the name */
	TOK_REST,	/* an assignment's unquoted value, trimmed */
	TOK_ERROR	/* malformed input: text is the message */
};

struct token {
	enum tok_type	 type;
	const char	*text;	/* NUL-terminated; binary values may hold NULs */
	size_t		 len;
	unsigned	 line;	/* where the token starts, from 1 */
	unsigned	 col;	/* byte column, from 1 */
	int		 spaced; /* whitespace or a line start precedes it */
	int		 ioerr;	/* TOK_ERROR caused by a failed read */
};

/* Reads up to n bytes; returns the count, 0 at end of input, -1 on error. */
typedef ssize_t	(*lexer_read_fn)(void *ctx, char *buf, size_t n);

struct lexer;

#define LEXER_BUFSIZE	 65536
#define LEXER_MAX_TOKEN	 (1024UL * 1024 * 1024)

/*
 * Create a lexer over a file descriptor or a memory range (copied lazily in
 * chunks as the fd would be).  bufsize is the starting buffer size; the
 * buffer grows for a long token up to LEXER_MAX_TOKEN, then shrinks back.
 */
struct lexer	*lexer_new_fd(int fd, size_t bufsize);
struct lexer	*lexer_new_mem(const void *p, size_t len, size_t bufsize);
/*
 * A lexer over fn(ctx, ...), a source such as a person typing whose every
 * read may wait: the idle hook runs before each one.
 */
struct lexer	*lexer_new_fn(lexer_read_fn fn, void *ctx, size_t bufsize);
void		 lexer_free(struct lexer *);

/*
 * The {N} literal whose header ends at input offset at takes data, len
 * bytes that are not in the input, as its bytes: the lexer owns data from
 * now on (malloc'd, a NUL at data[len]) and hands it on without a copy.
 * The CLI reads `set ADDR -`'s standard input so, once.  A literal
 * anywhere else, or of another length, reads its bytes from the input.
 */
void	 lexer_splice(struct lexer *, unsigned long long at, char *data,
	    size_t len);

/*
 * Take the text of the token just returned (a TOK_BLOB or TOK_STRING):
 * the caller frees it, and the token's text is gone.  Sets *len.
 */
char	*lexer_take(struct lexer *, size_t *len);

/* Lower the longest token accepted (tests; the default is LEXER_MAX_TOKEN). */
void	 lexer_set_max_token(struct lexer *, size_t);

/*
 * Call fn(ctx) before a read that would block, so the engine can commit
 * what it has grouped before it waits for more input.
 */
void	 lexer_set_idle(struct lexer *, void (*fn)(void *), void *ctx);
/*
 * Call fn(ctx) before a read that may wait at all (nothing is ready yet),
 * at once rather than after the idle hook's grace, so the engine holds no
 * read snapshot while it waits for input.
 */
void	 lexer_set_pause(struct lexer *, void (*fn)(void *), void *ctx);

/*
 * Whether the read under way (or the last one) continues a token begun
 * before it, an unfinished quoted string or {N} literal: a read function
 * asks, to prompt for a continuation line.
 */
int	 lexer_partial(const struct lexer *);

/* The bytes of input consumed by the tokens returned so far. */
unsigned long long	 lexer_offset(const struct lexer *);
/*
 * The bytes of input there to be read without waiting: what the buffer
 * holds past the last token, and what a file has left or a pipe holds.
 */
unsigned long long	 lexer_waiting(const struct lexer *);

/*
 * Return the next token.  It is borrowed: valid until the next call on the
 * same lexer.
 */
const struct token	*lexer_next(struct lexer *);

/*
 * Return the value of an upstream `name=value` assignment, called right
 * after its TOK_KEY: a quoted string, raw string or literal when the value
 * is exactly one of those, otherwise TOK_REST holding the rest of the
 * statement with surrounding blanks trimmed.
 */
const struct token	*lexer_value(struct lexer *);

#endif
