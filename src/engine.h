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

struct config;
struct progress;
struct store;
struct store_loc;

struct engine_opts {
	const char	*source;	/* "<stdin>", a file name, "<argv>" */
	int		 argv_mode;	/* mistakes are usage errors (64) */
	const char	*db;		/* name or path; NULL for main */
	const struct paths *paths;
	char		 delim;
	const char	*meta;		/* the meta context, or NULL */
	const char	*project;	/* starting scope, may be NULL */
	const char	*ns;
	int		 on_error_stop;
	int		 single_tx;
	int		 quiet;		/* no notes for misses */
	int		 busy_ms;
	int		 durable;	/* durability = full */
	long long	 changes_keep;	/* the change log's retention; 0: */
	long long	 changes_age_ms;	/* the store's defaults */
	int		 dry_run;	/* check everything, write nothing */
	int		 secure;	/* security = required */
	/* Credentials from the command line's environment, checked first. */
	const char	*auth_user;
	const char	*auth_pass;
	size_t		 auth_passlen;
	const char	*auth_apikey;
	int		 env_pass_used;	/* PRONTO_PASS was a credential */
	const struct config *config;	/* the effective settings */
	/*
	 * NULL, or the only verbs this stream may run (NULL-terminated):
	 * verify loads an export into a private scratch database, and
	 * nothing in the file may reach past it.
	 */
	const char *const *confine;
	struct progress	*progress;	/* a replayed stream's, or NULL */
	int		 session;	/* a person at a terminal: always a
					   summary at the end */
};

struct engine {
	struct engine_opts opts;
	struct out	*out;
	struct store	*store;
	char		 delim;
	char		*project;	/* the session's scope */
	char		*ns;
	struct scope	 sc;		/* the statement's scope (borrowed) */
	struct addr	 addr;		/* a CMD_ADDR verb's resolved address */

	char		*user;		/* who authenticated, or NULL */
	int		 admin;
	/*
	 * The secret user logged in with (a password or an API key), kept
	 * to authorize against another database's users; wiped at release.
	 */
	char		*cred;
	size_t		 cred_len;
	int		 cred_apikey;
	char		*pending_pass;	/* upstream pass waiting for its user */
	size_t		 pending_len;
	int		 data_seen;	/* a statement other than auth ran */
	long long	 stream_ttl;	/* meta:ttl for later sets, ms */

	struct lexer	*input;		/* the stream engine_run is reading */
	unsigned long	 reads;		/* reads in a row, no wait between */
	int		 block;		/* inside begin ... commit */
	int		 skipping;	/* a failed block: skip to its end */
	unsigned	 block_line;
	unsigned	 block_col;
	unsigned long	 block_ok;	/* ok statements the block may undo */
	unsigned long	 group_ok;	/* ... and the grouped writes */
	int		 stop;
	int		 lost;		/* a commit failed: say so in the summary */

	enum pd_status	 worst;
	unsigned long	 nstmts;
	unsigned long	 nok;
	unsigned long	 nfailed;
	unsigned long	 nrolledback;

	unsigned	 blame_line;	/* where the current error points */
	unsigned	 blame_col;
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
/*
 * The same, but a database that does not exist is not created: PD_MISS.
 * Whatever is refused before a verb runs leaves no file behind.
 */
enum pd_status	engine_store_existing(struct engine *, struct store **,
		    char **cause);
/*
 * Locate database text (a name, a path or a URL) in this home's place
 * (store_locate); *loc is the caller's to store_loc_free.
 */
enum pd_status	engine_locate(struct engine *, const char *text,
		    struct store_loc *, char **cause);
/* The database the stream runs on, located, opened or not. */
enum pd_status	engine_db_loc(struct engine *, struct store_loc *,
		    char **cause);
/*
 * Commit the grouped writes and close the database, so that a verb may
 * replace its file (restore); it opens again when next used.  Refused
 * inside a block, -1 or --dry-run (PD_DATAERR).
 */
enum pd_status	engine_store_close(struct engine *, char **cause);

/*
 * Whether the session may act at level (a grant_level) on project.ns (ns
 * may be NULL); PD_DENIED with *cause when not.  Without authentication in
 * optional security everything is allowed: a personal store.
 */
enum pd_status	engine_permit(struct engine *, int level, const char *project,
		    const char *ns, char **cause);

/* engine_permit as a yes or no, for listings that filter row by row. */
int		engine_can(struct engine *, int level, const char *project,
		    const char *ns);

/*
 * Whether the session may act at level on the database at loc (named
 * name in messages), which may be another than the one it runs on: the
 * one rule of every verb that reads, copies, replaces or deletes a
 * database.  Users live in each database, so the session's user name and
 * secret must be valid in that database's users, and level GRANT_ADMIN needs
 * an admin there; any other level needs a user of it.  Without
 * authentication in optional security everything is allowed; an
 * authenticated session is refused by a database without users, as its
 * login there would be.  PD_DENIED with *cause when not allowed,
 * PD_ERROR when there is no such database.
 */
enum pd_status	engine_authorize(struct engine *, const struct store_loc *,
		    const char *name, int level, char **cause);

/*
 * Whether store, a database without users, may get its first admin
 * without credentials (the bootstrap): with security required only while
 * it holds no data, so a new database can be made one's own but one with
 * data in it cannot be taken over.  PD_DENIED with *cause when not.
 */
enum pd_status	engine_bootstrap_check(struct engine *, struct store *,
		    char **cause);

/* Log the session in; on failure the stream ends (PD_DENIED). */
enum pd_status	engine_login(struct engine *, const char *user,
		    const char *pass, size_t passlen, const char *apikey,
		    char **cause);

/*
 * Transactions for verbs; in a dry run they only keep the books, the
 * stream's one transaction being rolled back at its end.  A commit that
 * fails (also that of the grouped writes before a begin) counts what it
 * undid as rolled back and stops the stream: PD_IOERR, with *cause
 * "commit failed: ...; the transaction's writes were rolled back".
 */
enum pd_status	engine_tx_begin(struct engine *, char **cause);
enum pd_status	engine_tx_commit(struct engine *, char **cause);

/* Roll back the open block and count its statements as rolled back. */
void		engine_discard_block(struct engine *);

/*
 * Resolve argument i of st as an address in the statement's scope, whose
 * missing parts are ADDR_DEFAULT (upstream's default.default).  An address
 * that names its own project (three parts) or namespace (two) must not
 * meet -p or -n on the same statement.
 */
enum pd_status	engine_addr(struct engine *, const struct stmt *, size_t i,
		    struct addr *, char **cause);

/*
 * PD_DATAERR with *cause when a, which names its own namespace (and its
 * project, with names_project), meets -n (or -p) on the same statement:
 * an option typed is never silently ignored.  what names a in the
 * message ("address", "prefix").
 */
enum pd_status	engine_check_named(struct engine *, const struct stmt *,
		    const struct arg *a, int names_project, const char *what,
		    char **cause);

/* Point the current statement's error at line:col (0: the verb). */
void		engine_blame(struct engine *, unsigned line, unsigned col);

/* Whether boolean option name is set on st. */
int		engine_flag(const struct stmt *, const char *name);

struct cmd;
/*
 * The security gate before a verb runs: the auth preamble, then the grant
 * the verb's flags call for (engine-sec.c).
 */
enum pd_status	engine_gate(struct engine *, const struct cmd *,
		    const struct stmt *, char **cause);

#endif
