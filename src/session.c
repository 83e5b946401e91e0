/*
 * session.c - a person at a terminal: the interactive session.
 *
 * Nothing here interprets a statement: lines go to the lexer as a stream
 * would bring them, so a session behaves as the same lines piped in,
 * except for what a person needs around them.  The prompt says where
 * relative addresses land (main:app.config> , main:default.default> when
 * no scope is set) and turns into dots (             ...> ) while a begin
 * block or a quoted string is open.
 * A statement's lines reach the history once it is whole, so a secret
 * that a quoted string carries over several lines is judged as one
 * (history_secret) and none of its lines are kept.  quit and exit are
 * words of the session, not of the language: typed alone at a prompt
 * they end the input, as Ctrl-D does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "auth.h"
#include "complete.h"
#include "edit.h"
#include "engine.h"
#include "history.h"
#include "lexer.h"
#include "paths.h"
#include "session.h"
#include "util.h"

struct session {
	struct engine	*e;
	struct lexer	*lx;
	struct edit	*ed;		/* NULL: plain lines */
	struct history	 hist;
	struct buf	 pending;	/* the statement's lines so far */
	char		*prompt;
	char		*line;		/* the line being read, with '\n' */
	size_t		 len;
	size_t		 off;		/* bytes of it the lexer has */
	int		 done;
};

static void
remember(void *ctx, const char *line)
{
	edit_remember(ctx, line);
}

/* The statement typed is whole: into the history, unless secret. */
static void
keep(struct session *ss)
{
	char	*p, *nl;

	if (ss->pending.len == 0 ||
	    ss->pending.data[strspn(ss->pending.data, " \t\n")] == '\0') {
		buf_reset(&ss->pending);
		return;
	}
	if (history_add(&ss->hist, ss->pending.data))
		for (p = ss->pending.data; (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1) {
			*nl = '\0';
			edit_remember(ss->ed, p);
		}
	buf_reset(&ss->pending);
}

/*
 * db:project.namespace> , the database named as it was given (a path by
 * its last part) and the scope of relative keys; more: the dots.
 */
static void
make_prompt(struct session *ss, int more)
{
	const struct engine	*e = ss->e;
	const char		*db = e->opts.db != NULL ? e->opts.db : "main";
	const char		*slash = strrchr(db, '/');
	struct scope		 set = { e->project, e->ns }, sc;
	char			*where, *shown;
	size_t			 n;

	if (slash != NULL && slash[1] != '\0')
		db = slash + 1;
	/* Where a relative key lands: default for a part not set. */
	addr_scope_default(&set, &sc);
	where = xasprintf("%s:%s%c%s", db, sc.project, e->delim, sc.ns);
	/* A name may hold any byte: nothing reaches the terminal raw. */
	shown = util_escape(where, 0);
	free(ss->prompt);
	if (more) {
		n = strlen(shown) > 3 ? strlen(shown) - 3 : 0;
		ss->prompt = xasprintf("%*s...> ", (int)n, "");
	} else
		ss->prompt = xasprintf("%s> ", shown);
	free(shown);
	free(where);
}

/* quit or exit alone (blanks and a ';' allowed): the end of the input. */
static int
is_quit(const char *line)
{
	size_t	 n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t;");
	if ((n != 4 || strncmp(line, "quit", 4) != 0) &&
	    (n != 4 || strncmp(line, "exit", 4) != 0))
		return 0;
	line += n;
	return line[strspn(line, " \t;")] == '\0';
}

/* Prompt for the next line; -1 at the end of the session. */
static int
next_line(struct session *ss)
{
	const char	*line;
	char		*own = NULL;
	int		 more = lexer_partial(ss->lx), intr;

	if (!more)
		keep(ss);
	for (;;) {
		make_prompt(ss, more || ss->e->block);
		fflush(stdout);
		fflush(stderr);
		line = ss->ed != NULL ? edit_gets(ss->ed, ss->prompt, &intr) :
		    (own = edit_plain(ss->prompt, 1, &intr));
		/* Ctrl-C drops the line typed: a new prompt. */
		if (line != NULL || !intr)
			break;
	}
	if (line == NULL || (!more && is_quit(line))) {
		if (line == NULL)
			fputc('\n', stdout);
		else {
			buf_adds(&ss->pending, line);
			buf_addc(&ss->pending, '\n');
		}
		free(own);
		keep(ss);
		return -1;
	}
	free(ss->line);
	ss->line = xasprintf("%s\n", line);
	ss->len = strlen(ss->line);
	ss->off = 0;
	buf_adds(&ss->pending, ss->line);
	free(own);
	return 0;
}

static ssize_t
session_read(void *ctx, char *buf, size_t n)
{
	struct session	*ss = ctx;

	if (ss->off == ss->len) {
		if (ss->done || next_line(ss) != 0) {
			ss->done = 1;
			return 0;
		}
	}
	if (n > ss->len - ss->off)
		n = ss->len - ss->off;
	memcpy(buf, ss->line + ss->off, n);
	ss->off += n;
	return (ssize_t)n;
}

static void
complete(void *ctx, const char *line, size_t len, size_t *start,
    struct complete_list *out)
{
	struct session	*ss = ctx;

	complete_line(ss->e, line, len, start, out);
}

struct session *
session_open(struct engine *e, const struct paths *p, struct lexer **lx)
{
	struct session	*ss = xcalloc(1, sizeof(*ss));
	char		*cause = NULL;

	ss->e = e;
	buf_init(&ss->pending);
	ss->lx = *lx = lexer_new_fn(session_read, ss, 0);
	if ((ss->ed = edit_open(&cause)) != NULL)
		edit_set_complete(ss->ed, complete, ss);
	else {
		fprintf(stderr, "prontodb: %s\n", cause);
		free(cause);
		cause = NULL;
	}
	if (history_open(&ss->hist, p->state, remember, ss->ed, &cause) !=
	    PD_OK) {
		fprintf(stderr, "prontodb: no history: %s\n", cause);
		free(cause);
	}
	printf("prontodb %s: statements as in a stream; help lists the verbs, "
	    "quit or Ctrl-D ends\n", PRONTO_VERSION);
	return ss;
}

void
session_close(struct session *ss)
{
	if (ss == NULL)
		return;
	keep(ss);
	history_close(&ss->hist);
	edit_close(ss->ed);
	buf_release(&ss->pending);
	free(ss->prompt);
	free(ss->line);
	free(ss);
}

enum pd_status
session_ask_login(const char *user, char **name, char **pass, size_t *len,
    char **cause)
{
	int	 intr;

	*name = user != NULL ? xstrdup(user) : edit_plain("user: ", 1, &intr);
	*pass = NULL;
	*len = 0;
	if (*name == NULL || **name == '\0' ||
	    (*pass = edit_plain("password: ", 0, &intr)) == NULL) {
		free(*name);
		*name = NULL;
		*cause = xstrdup("authentication failed: no credentials given");
		return PD_DENIED;
	}
	*len = strlen(*pass);
	return PD_OK;
}
