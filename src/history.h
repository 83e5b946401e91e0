/*
 * history.h - the interactive session's history file, without secrets.
 *
 * The lines a person typed are kept in the state directory's file
 * history (mode 0600, the directory 0700), one per line, appended as
 * each statement is complete, so two sessions at once both keep theirs
 * and a session that is killed loses nothing it ran.  A statement that
 * carries a secret (history_secret) is never written.
 */
#ifndef PRONTO_HISTORY_H
#define PRONTO_HISTORY_H

#include "status.h"

/* The lines read back into a new session; the file is cut to them. */
#define HISTORY_KEEP	1000

struct history {
	char	*file;		/* NULL: no history is kept */
	int	 fd;		/* open for appending, or -1 */
};

/*
 * Open state/history, creating it, and pass its last HISTORY_KEEP lines
 * to fn, oldest first.  Without a state directory nothing is kept;
 * PD_IOERR with *cause when the file cannot be used.
 */
enum pd_status	history_open(struct history *, const char *state,
		    void (*fn)(void *, const char *), void *ctx,
		    char **cause);
void		history_close(struct history *);

/*
 * Append text, the lines of one statement (perhaps several), each ending
 * in a newline, unless it carries a secret.  Returns whether it was kept.
 */
int		history_add(struct history *, const char *text);

/*
 * Whether text carries a secret: an auth or apikey statement, or any
 * mention of pass (pass=, password, passwd, sec:pass=) or apikey,
 * whatever the case.  Wider than needed, on purpose: a line left out of
 * the history costs little.
 */
int		history_secret(const char *text);

#endif
