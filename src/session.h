/*
 * session.h - a person at a terminal: the interactive session.
 *
 * `prontodb` alone on a terminal runs the same engine over a stream whose
 * lines a person types: the lexer's read function prompts for each line
 * (the database and scope, or a continuation prompt inside a block or an
 * unfinished quoted string), with line editing, a history kept in the
 * state directory and tab completion (complete.c).  The idle hook of the
 * lexer commits and flushes before each prompt, so every result and
 * error appears as its statement runs.  quit, exit or Ctrl-D end it.
 */
#ifndef PRONTO_SESSION_H
#define PRONTO_SESSION_H

#include <stddef.h>

#include "status.h"

struct engine;
struct lexer;
struct paths;
struct session;

/*
 * Start a session for engine e: line editing (or plain lines where
 * libedit cannot be loaded, said once on stderr), the history of paths'
 * state directory.  *lx is the lexer to run e over; the caller frees it
 * after session_close.
 */
struct session	*session_open(struct engine *e, const struct paths *p,
		    struct lexer **lx);
void		 session_close(struct session *);

/*
 * With security required: ask on the terminal for the user (unless user
 * names one) and the password, read without echo.  PD_DENIED with *cause
 * when none is given.  The caller wipes *pass with auth_free.
 */
enum pd_status	 session_ask_login(const char *user, char **name,
		    char **pass, size_t *len, char **cause);

#endif
