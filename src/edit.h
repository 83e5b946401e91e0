/*
 * edit.h - line editing on a terminal, by libedit loaded when needed.
 *
 * The interactive session reads its lines here: editing keys, a history
 * to recall lines from, and completion on the tab key.  libedit is opened
 * with dlopen when a session starts, so a one-shot verb never pays for
 * loading it (and the libraries it needs).  Where it cannot be loaded the
 * session still works, reading plain lines after the same prompt.
 */
#ifndef PRONTO_EDIT_H
#define PRONTO_EDIT_H

#include <stddef.h>

struct complete_list;
struct edit;

/*
 * Candidates for the word that ends at the cursor, len bytes into line;
 * *start is where that word begins.
 */
typedef void	(*edit_complete_fn)(void *ctx, const char *line, size_t len,
		    size_t *start, struct complete_list *out);

/*
 * Start editing lines on the standard input and output, which are a
 * terminal; NULL with *cause when libedit cannot be loaded.
 */
struct edit	*edit_open(char **cause);
void		 edit_close(struct edit *);

/*
 * Read a line after prompt: NULL at the end of input (Ctrl-D on an empty
 * line).  Ctrl-C discards the line being typed and sets *interrupted.  The
 * line is returned without its newline, borrowed until the next call.
 */
const char	*edit_gets(struct edit *, const char *prompt,
		    int *interrupted);

/* Add a line to the history that the arrow keys recall. */
void		 edit_remember(struct edit *, const char *line);

/* Complete with fn(ctx, ...) on the tab key. */
void		 edit_set_complete(struct edit *, edit_complete_fn fn,
		    void *ctx);

/*
 * A line from the standard input without editing, after prompt (which
 * may be NULL), echoed or not: the fallback without libedit, and the
 * questions a session asks before it starts.  NULL at the end of input;
 * *interrupted as for edit_gets.  The caller frees the line.
 */
char		*edit_plain(const char *prompt, int echo, int *interrupted);

#endif
