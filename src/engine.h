/*
 * engine.h - the interpreter of one stream.
 *
 * The engine holds a stream's session: the scope set by `use`, the
 * delimiter, the transaction state and the counts behind the exit status.
 * It pulls statements from the parser, finds each verb in the command table,
 * checks arity and options once for all verbs, opens what the verb needs
 * and runs it.  Command-line verbs arrive here as one-line streams.
 */
#ifndef PRONTO_ENGINE_H
#define PRONTO_ENGINE_H

#include "addr.h"
#include "lexer.h"
#include "out.h"
#include "parse.h"
#include "paths.h"
#include "status.h"
#include "util.h"

struct store;

struct engine_opts {
	const char	*source;	/* "<stdin>", a file name, "<argv>" */
	int		 argv_mode;	/* mistakes are usage errors (64) */
	const char	*db;		/* name or path; NULL for main */
	const struct paths *paths;
	char		 delim;
	const char	*project;	/* starting scope, may be NULL */
	const char	*ns;
	int		 on_error_stop;
	int		 single_tx;
	int		 quiet;		/* no notes for misses */
	int		 busy_ms;
};

struct engine {
	struct engine_opts opts;
	struct out	*out;
	struct store	*store;
	char		 delim;
	char		*project;	/* the session's scope */
	char		*ns;
	struct scope	 sc;		/* the statement's scope (borrowed) */

	int		 block;		/* inside begin ... commit */
	int		 skipping;	/* a failed block: skip to its end */
	unsigned	 block_line;
	unsigned	 block_col;
	unsigned long	 block_ok;	/* ok statements the block may undo */
	int		 stop;

	enum pd_status	 worst;
	unsigned long	 nstmts;
	unsigned long	 nok;
	unsigned long	 nfailed;
	unsigned long	 nrolledback;

	const struct arg *blame;	/* where the current error points */
	struct buf	 scratch;
};

void		engine_init(struct engine *, const struct engine_opts *,
		    struct out *);
void		engine_release(struct engine *);

/* Run a whole stream; returns the worst status met. */
enum pd_status	engine_run(struct engine *, struct lexer *);

/*
 * For verbs: the store, opened on first use; the status of a failed open
 * is returned with *cause set.
 */
enum pd_status	engine_store(struct engine *, struct store **,
		    char **cause);

/* Roll back the open block and count its statements as rolled back. */
void		engine_discard_block(struct engine *);

/* Resolve argument i of st as an address in the statement's scope. */
enum pd_status	engine_addr(struct engine *, const struct stmt *, size_t i,
		    struct addr *, char **cause);

/* Whether boolean option name is set on st. */
int		engine_flag(const struct stmt *, const char *name);

/* Report a mistake in the statement pointing at arg (NULL: the verb). */
enum pd_status	engine_input_error(struct engine *, const struct arg *,
		    char **cause, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

#endif
