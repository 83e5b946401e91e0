/*
 * fuzz_lexer.c - libFuzzer harness for the stream tokenizer.
 *
 * Each input is lexed to its end as the parser would (an assignment's
 * value right after its KEY), with starting buffers of 1, 7 and the
 * default size: tokens then cross refills at every byte, at odd places and
 * hardly ever.  The three must give identical tokens (the lexer's own
 * promise), so a difference aborts like a crash.  A fourth pass with a
 * 64-byte token limit exercises "token too long".  Built and run by
 * `make fuzz` (fuzz/fuzz.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "util.h"

/* Every token of the input into b, with its position and flags. */
static void
lex_all(const uint8_t *data, size_t size, size_t bufsize, size_t maxtok,
    struct buf *b)
{
	struct lexer		*lx = lexer_new_mem(data, size, bufsize);
	const struct token	*t;
	unsigned		 head[5];

	if (maxtok != 0)
		lexer_set_max_token(lx, maxtok);
	buf_reset(b);
	do {
		t = lexer_next(lx);
		if (t->type == TOK_KEY) {
			buf_add(b, t->text, t->len);
			t = lexer_value(lx);
		}
		/* The text must be NUL-terminated where its length says. */
		if (t->text[t->len] != '\0')
			abort();
		head[0] = t->type;
		head[1] = t->line;
		head[2] = t->col;
		head[3] = (unsigned)t->spaced;
		head[4] = (unsigned)t->ioerr;
		buf_add(b, head, sizeof(head));
		buf_add(b, t->text, t->len);
	} while (t->type != TOK_EOF);
	lexer_free(lx);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 sizes[] = { 7, LEXER_BUFSIZE };
	struct buf		 want, got;
	size_t			 i;

	buf_init(&want);
	buf_init(&got);
	lex_all(data, size, 1, 0, &want);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		lex_all(data, size, sizes[i], 0, &got);
		if (got.len != want.len || memcmp(got.data, want.data,
		    want.len) != 0)
			abort();	/* the buffer size changed the tokens */
	}
	lex_all(data, size, 16, 64, &got);
	buf_release(&want);
	buf_release(&got);
	return 0;
}
