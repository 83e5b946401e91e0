/*
 * complete.h - what may be typed next, for the tab key.
 *
 * One place knows how a line goes on: the verbs and their groups from the
 * command table, a verb's options in the spelling being typed, the kind
 * of each argument from its synopsis, and the names that fit it, read
 * from the store (projects, namespaces and keys, level by level), the
 * data directory (databases), the cursors and the file system.  The
 * interactive session's tab key and the bash and zsh completions (through
 * `prontodb --complete`) both ask here.
 */
#ifndef PRONTO_COMPLETE_H
#define PRONTO_COMPLETE_H

#include <stddef.h>

struct cli;
struct engine;

/*
 * Candidates, sorted and without repeats.  One that ends in the address
 * delimiter, '/' or '=' is a stem that more is typed after (app.config.,
 * a directory, ttl=); the others are whole words.
 */
struct complete_list {
	char	**v;
	size_t	 n;
	size_t	 cap;
};

void	complete_release(struct complete_list *);

/*
 * The global flags of a command line words[0..cword) (words[0] the
 * program) set into c, as they choose the settings the candidates are
 * read with; returns the index of the verb, or cword when the cursor is
 * still among the flags.
 */
int	complete_globals(struct cli *c, char **words, int cword);

/*
 * Candidates for word cword of the command line words[0..nwords) (cword
 * may be nwords: a new, empty word): global flags and their values,
 * verbs, a verb's options as --name (or name=value once its required
 * arguments are there) and its arguments.  e, when not NULL, is an engine
 * on the command's settings, for names from the store and the data
 * directory; with security required and nobody logged in, the store's
 * names are not offered.
 */
void	complete_argv(struct engine *e, char **words, int nwords, int cword,
	    struct complete_list *out);

/*
 * Candidates for the last word of a stream line typed up to the cursor
 * (len bytes of line); *start is where that word begins.  Options are
 * offered as name=value, and quit and exit among the verbs.
 */
void	complete_line(struct engine *e, const char *line, size_t len,
	    size_t *start, struct complete_list *out);

#endif
