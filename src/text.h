/*
 * text.h - small helpers for the words people type and the text they read:
 * how far apart two words are (for "did you mean"), durations with units,
 * and paragraphs wrapped to the terminal.
 */
#ifndef PRONTO_TEXT_H
#define PRONTO_TEXT_H

#include <stddef.h>

#include "util.h"

/*
 * The optimal string alignment distance between a and b (edits of one
 * byte, or a swap of two neighbours); words longer than TEXT_WORD_MAX are
 * never close to anything, so a huge word costs nothing here.
 */
#define TEXT_WORD_MAX	64
size_t	text_distance(const char *a, const char *b);
/* Whether a distance d from word is close enough to suggest. */
int	text_close(const char *word, size_t d);

/*
 * A duration in milliseconds: a number of seconds (90, 1.5) or a number
 * with a unit: ms, s, m, h, d (1500ms, 90s, 30m, 2h, 1d), with at most
 * three decimals.  Returns -1 when the text is not one, or longer than
 * TEXT_DURATION_MAX (a thousand years, so that adding it to a clock
 * cannot overflow).
 */
#define TEXT_DURATION_MAX	(1000LL * 366 * 86400000)
long long	text_duration_ms(const char *s, size_t len);

/* The width to wrap help to: the terminal's on a terminal, else 80. */
int	text_width(int fd);
/*
 * Append text to b, wrapped at width columns, each line starting with
 * indent blanks; the first line's first indent blanks are assumed written.
 */
void	text_wrap(struct buf *b, const char *text, int indent, int width);

#endif
