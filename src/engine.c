/*
 * engine.c - runs a stream: dispatch, transactions, error policy.
 *
 * Transactions: outside a block, consecutive writes are grouped into one
 * store transaction for speed and committed when the input ends or would
 * block (the lexer calls idle_commit before a read that would wait), so a
 * slow producer's writes become visible promptly.  A `begin` commits the
 * group first, then runs its block in a transaction of its own.
 *
 * Reads outside a transaction are grouped the same way: from the second
 * of a run of reads on, they share one read snapshot, which ends before
 * any other verb (so a write never runs in it, and a read after a write
 * sees it), before the input is waited for (the lexer calls pause_reads
 * when nothing is ready to read), and every SNAPSHOT_READS reads, so that
 * what other processes commit becomes visible to the next read after a
 * wait for input.  A one-shot read pays for no snapshot.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "cmd.h"
#include "engine.h"
#include "opts.h"
#include "progress.h"
#include "text.h"
#include "store.h"
#include "util.h"

/* Reads that share one snapshot at most (bounds how stale it gets). */
#define SNAPSHOT_READS	4096
/*
 * Input waiting to be read when a transaction begins that makes it a
 * bulk load (store_begin_load): half what a pipe on standard input holds
 * (lexer.re), so that `cat FILE | prontodb` is one as `prontodb < FILE`.
 */
#define LOAD_INPUT	(512 * 1024)

void
engine_init(struct engine *e, const struct engine_opts *opts, struct out *out)
{
	memset(e, 0, sizeof(*e));
	e->opts = *opts;
	e->out = out;
	e->delim = opts->delim != '\0' ? opts->delim : '.';
	/* Every store this run opens lives in the same meta context. */
	store_context(opts->meta);
	if (opts->project != NULL)
		e->project = xstrdup(opts->project);
	if (opts->ns != NULL)
		e->ns = xstrdup(opts->ns);
	buf_init(&e->scratch);
}

void
engine_release(struct engine *e)
{
	store_close(e->store);
	free(e->project);
	free(e->ns);
	free(e->user);
	auth_free(e->cred, e->cred_len);
	auth_free(e->pending_pass, e->pending_len);
	addr_release(&e->addr);
	buf_release(&e->scratch);
	memset(e, 0, sizeof(*e));
}

/* Mistakes in the input are usage errors when typed on the command line. */
static enum pd_status
input_status(const struct engine *e, enum pd_status s)
{
	return s == PD_DATAERR && e->opts.argv_mode ? PD_USAGE : s;
}

/*
 * A message on stderr.  Its words are escaped where it is made (util_word);
 * what slips through is escaped here, once for every message, but for the
 * newlines of a message of several lines: nothing in it can send the
 * terminal an escape sequence.
 */
static void
report(struct engine *e, unsigned line, unsigned col, const char *msg)
{
	char	*m = util_escape(msg, 1), *src;

	out_flush(e->out);
	progress_hide();
	if (e->opts.argv_mode || line == 0)
		fprintf(stderr, "prontodb: %s\n", m);
	else {
		src = util_escape(e->opts.source, 0);
		fprintf(stderr, "prontodb: %s:%u:%u: %s\n", src, line, col, m);
		free(src);
	}
	free(m);
}

/* The grouped statements were undone (their commit failed). */
static void
group_lost(struct engine *e)
{
	e->nrolledback += e->group_ok;
	e->nok -= e->group_ok;
	e->group_ok = 0;
}

void
engine_discard_block(struct engine *e)
{
	char	*cause = NULL;

	if (e->store != NULL && !e->opts.dry_run)
		store_rollback(e->store);
	else if (e->store != NULL && e->block)
		store_savepoint_end(e->store, "block", 0, &cause);
	free(cause);
	e->nrolledback += e->block_ok;
	e->nok -= e->block_ok;
	e->block_ok = 0;
}

/*
 * With --json a stream's results carry its errors and misses too, so a
 * consumer of stdout alone sees which statements did not produce one.
 */
static void
json_error(struct engine *e, enum pd_status s, unsigned line, unsigned col,
    const char *msg)
{
	if (e->out->format != OUT_JSON || e->opts.argv_mode || e->out->failed)
		return;
	out_str(e->out, "error", msg);
	out_int(e->out, "status", input_status(e, s));
	if (line > 0) {
		out_int(e->out, "line", line);
		out_int(e->out, "col", col);
	}
	out_emit(e->out, OUT_VALUE);
}

/* Account for a failed statement and apply the error policy. */
static void
failed(struct engine *e, enum pd_status s, unsigned line, unsigned col,
    const char *msg)
{
	json_error(e, s, line, col, msg);
	report(e, line, col, msg);
	e->nfailed++;
	e->worst = status_worst(e->worst, input_status(e, s));
	if (e->block || e->opts.single_tx) {
		engine_discard_block(e);
		if (e->block)
			e->skipping = 1;
	}
	/*
	 * Without stdout or input there is no point going on; nor after
	 * earlier writes were lost, which would keep only the later ones.
	 */
	if (e->store != NULL && store_tx_lost(e->store)) {
		group_lost(e);
		e->stop = 1;
	}
	if (e->opts.on_error_stop || e->opts.single_tx || e->out->failed)
		e->stop = 1;
}

enum pd_status
engine_check_named(struct engine *e, const struct stmt *st,
    const struct arg *a, int names_project, const char *what, char **cause)
{
	const struct opt	*o = NULL;
	const char		*level = "project", *flag = "-p";

	if (names_project)
		o = stmt_opt(st, level);
	if (o == NULL) {
		level = "namespace";
		flag = "-n";
		if ((o = stmt_opt(st, level)) == NULL)
			return PD_OK;
	}
	/* The one that was typed last is the likelier mistake. */
	if (o->line > a->line || (o->line == a->line && o->col > a->col))
		engine_blame(e, o->line, o->col);
	else
		engine_blame(e, a->line, a->col);
	*cause = e->opts.argv_mode ? xasprintf("%s '%s' names its own %s, "
	    "and so does %s: give one or the other", what,
	    util_wordn(a->s, a->len), level, flag) : xasprintf("%s '%s' names "
	    "its own %s, and so does %s=: give one or the other", what,
	    util_wordn(a->s, a->len), level, level);
	return PD_DATAERR;
}

enum pd_status
engine_addr(struct engine *e, const struct stmt *st, size_t i,
    struct addr *a, char **cause)
{
	const struct arg	*arg = &st->args[i];
	struct scope		 sc;
	size_t			 n;

	/*
	 * -p/-n that the address overrides would be silently ignored.  Most
	 * statements have no options: then nothing to count or check.
	 */
	if (st->nopts > 0 && (n = addr_parts(arg->s, arg->len, e->delim)) >=
	    2 && engine_check_named(e, st, arg, n >= 3, "address", cause) !=
	    PD_OK)
		return PD_DATAERR;
	addr_scope_default(&e->sc, &sc);
	if (addr_resolve(arg->s, arg->len, e->delim, &sc, a, cause) !=
	    PD_OK) {
		engine_blame(e, arg->line, arg->col);
		return PD_DATAERR;
	}
	return PD_OK;
}

void
engine_blame(struct engine *e, unsigned line, unsigned col)
{
	e->blame_line = line;
	e->blame_col = col;
}

int
engine_flag(const struct stmt *st, const char *name)
{
	const struct opt	*o = stmt_opt(st, name);

	return o != NULL && strcmp(o->val, "0") != 0 &&
	    strcmp(o->val, "false") != 0 && strcmp(o->val, "no") != 0;
}

enum pd_status
engine_locate(struct engine *e, const char *text, struct store_loc *loc,
    char **cause)
{
	struct store_place	 place = { e->opts.paths->data,
				    e->opts.paths->error,
				    e->opts.paths->server };

	return store_locate(&place, text, loc, cause);
}

enum pd_status
engine_db_loc(struct engine *e, struct store_loc *loc, char **cause)
{
	return engine_locate(e, e->opts.db != NULL ? e->opts.db : "main", loc,
	    cause);
}

/* Open the session's database once; create says whether it may be made. */
static enum pd_status
open_store(struct engine *e, int create, struct store **out, char **cause)
{
	struct store_loc	 loc;
	enum pd_status		 s;

	if (e->store != NULL) {
		*out = e->store;
		return PD_OK;
	}
	if ((s = engine_db_loc(e, &loc, cause)) != PD_OK)
		return s;
	s = store_open(&loc, e->opts.busy_ms, create, &e->store, cause);
	if (s == PD_OK)
		store_set_durable(e->store, e->opts.durable);
	if (s == PD_OK && e->opts.changes_keep > 0)
		store_set_retention(e->store, e->opts.changes_keep,
		    e->opts.changes_age_ms);
	store_loc_free(&loc);
	*out = e->store;
	return s;
}

enum pd_status
engine_store(struct engine *e, struct store **out, char **cause)
{
	return open_store(e, 1, out, cause);
}

enum pd_status
engine_store_existing(struct engine *e, struct store **out, char **cause)
{
	return open_store(e, 0, out, cause);
}

/*
 * A commit failed, and the store rolled its transaction back: whatever
 * the grouped statements, the block or the -1 stream had done is undone
 * and counted so, *cause becomes "commit failed: ...", and the stream
 * stops with 74, as prontodb(1) says.
 */
static enum pd_status
commit_failed(struct engine *e, char **cause)
{
	char	*msg = xasprintf("commit failed: %s", *cause);

	free(*cause);
	*cause = msg;
	group_lost(e);
	e->nrolledback += e->block_ok;
	e->nok -= e->block_ok;
	e->block_ok = 0;
	e->lost = 1;
	e->stop = 1;
	return PD_IOERR;
}

/* Commit the grouped writes, if any; a failure loses them and says so. */
static void
commit_group(struct engine *e)
{
	char	*cause = NULL;

	if (e->store == NULL || e->block || e->opts.single_tx ||
	    e->opts.dry_run || !store_in_tx(e->store))
		return;
	if (store_commit(e->store, &cause) != PD_OK) {
		e->worst = status_worst(e->worst, commit_failed(e, &cause));
		report(e, 0, 0, cause);
	}
	e->group_ok = 0;
	free(cause);
}

/*
 * End the grouped writes so that what follows runs outside a transaction
 * (a backup's VACUUM INTO, a restore's swap); what cannot end yet (a
 * block, -1, a dry run) refuses the verb.
 */
static enum pd_status
outside_tx(struct engine *e, const char *verb, char **cause)
{
	if (e->block || e->opts.single_tx || e->opts.dry_run) {
		*cause = xasprintf("%s cannot run inside a transaction (begin, "
		    "-1 or --dry-run)", verb);
		return PD_DATAERR;
	}
	if (e->store == NULL)
		return PD_OK;
	if (store_in_tx(e->store) && store_commit(e->store, cause) != PD_OK)
		return commit_failed(e, cause);
	e->group_ok = 0;
	return PD_OK;
}

enum pd_status
engine_store_close(struct engine *e, char **cause)
{
	enum pd_status	 s;

	if (e->store == NULL)
		return PD_OK;
	if ((s = outside_tx(e, "restore", cause)) != PD_OK)
		return s;
	store_close(e->store);
	e->store = NULL;
	return PD_OK;
}

/* A run of reads ends: the next read sees what others committed. */
static void
pause_reads(void *ctx)
{
	struct engine	*e = ctx;

	/*
	 * A snapshot is open only from the second read in a row on
	 * (prepare): after a write, as in an import, there is none to end.
	 */
	if (e->store != NULL && e->reads > 1)
		store_snapshot_end(e->store);
	e->reads = 0;
}

/* Whether c only reads keys, and may share a snapshot with its neighbours. */
static int
snapshot_read(const struct cmd *c)
{
	return (c->flags & (CMD_DB | CMD_READ | CMD_WRITE | CMD_NOTX)) ==
	    (CMD_DB | CMD_READ);
}

/* Before waiting for input: make the results so far visible. */
static void
idle_commit(void *ctx)
{
	struct engine	*e = ctx;

	commit_group(e);
	out_flush(e->out);
}

/*
 * Begin a transaction, as a bulk load when much input is waiting: the
 * stream's, and own, the bytes the verb about to run will read from input
 * of its own (struct cmd's input).
 */
static enum pd_status
begin(struct engine *e, struct store *store, unsigned long long own,
    char **cause)
{
	if (own + (e->input != NULL ? lexer_waiting(e->input) : 0) >=
	    LOAD_INPUT)
		return store_begin_load(store, cause);
	return store_begin(store, cause);
}

enum pd_status
engine_tx_begin(struct engine *e, char **cause)
{
	struct store	*store;
	enum pd_status	 s;

	if ((s = engine_store(e, &store, cause)) != PD_OK)
		return s;
	if (e->opts.dry_run) {
		if (!store_in_tx(store) &&
		    (s = store_begin(store, cause)) != PD_OK)
			return s;
		return store_savepoint(store, "block", cause);
	}
	/* Grouped writes before the block are not part of it. */
	if (store_in_tx(store)) {
		if (store_commit(store, cause) != PD_OK)
			return commit_failed(e, cause);
		e->group_ok = 0;
	}
	return begin(e, store, 0, cause);
}

enum pd_status
engine_tx_commit(struct engine *e, char **cause)
{
	if (e->opts.dry_run)
		return store_savepoint_end(e->store, "block", 1, cause);
	if (store_commit(e->store, cause) != PD_OK)
		return commit_failed(e, cause);
	return PD_OK;
}

/* Apply project=, namespace= and key= to the statement's scope. */
static enum pd_status
scope_options(struct engine *e, const struct cmd *c, struct stmt *st,
    struct scope *sc, char **cause)
{
	const struct opt	*p, *n, *k;
	size_t			 i;

	sc->project = e->project;
	sc->ns = e->ns;
	if (!(c->flags & CMD_SCOPE))
		return PD_OK;
	/* Each check below blames its option; success clears it. */
	p = stmt_opt(st, "project");
	n = stmt_opt(st, "namespace");
	if (p != NULL) {
		engine_blame(e, p->line, p->col);
		if (addr_check_part(p->val, p->vlen, e->delim, "project",
		    cause) != PD_OK)
			return PD_DATAERR;
		sc->project = p->val;
		/* A new project does not inherit the session's namespace. */
		sc->ns = NULL;
	}
	if (n != NULL) {
		engine_blame(e, n->line, n->col);
		if (addr_check_part(n->val, n->vlen, e->delim, "namespace",
		    cause) != PD_OK)
			return PD_DATAERR;
		if (sc->project == NULL) {
			*cause = xasprintf("namespace '%s' needs a project "
			    "(-p or use)", util_word(n->val));
			return PD_DATAERR;
		}
		sc->ns = n->val;
	}
	if (!(c->flags & CMD_ADDR) || (k = stmt_opt(st, "key")) == NULL)
		return PD_OK;
	engine_blame(e, k->line, k->col);
	if (addr_check_part(k->val, k->vlen, e->delim, "key", cause) != PD_OK)
		return PD_DATAERR;
	/* The key option stands in for the address argument. */
	stmt_add_arg(st, k->val, k->vlen, ARG_QUOTED, k->line, k->col);
	{
		struct arg	 a = st->args[st->nargs - 1];

		for (i = st->nargs - 1; i > 0; i--)
			st->args[i] = st->args[i - 1];
		st->args[0] = a;
	}
	return PD_OK;
}

/* Mistakes show usage in the spelling of where they were typed. */
static enum opts_style
style(const struct engine *e)
{
	return e->opts.argv_mode ? OPTS_ARGV : OPTS_STREAM;
}

static enum pd_status
check_arity(struct engine *e, const struct cmd *c, const struct stmt *st,
    char **cause)
{
	char	*usage;

	if (st->nargs >= (size_t)c->min_args &&
	    (c->max_args < 0 || st->nargs <= (size_t)c->max_args))
		return PD_OK;
	usage = opts_usage(c, style(e));
	*cause = xasprintf("wrong number of arguments for '%s' (usage: %s)",
	    c->name, usage);
	free(usage);
	return PD_DATAERR;
}

/*
 * A verb that does not exist: a group's first word alone lists the group,
 * and a near miss is named.
 */
static char *
unknown_verb(const struct engine *e, const struct stmt *st)
{
	const char	*near, *next = st->nargs > 0 ? st->args[0].s : NULL;
	struct buf	 b;

	/* meta alone is the group, not a slip of get. */
	if ((next != NULL || !cmd_is_group(st->verb)) &&
	    (near = cmd_suggest(st->verb, next)) != NULL)
		return next != NULL && cmd_is_group(st->verb) ?
		    xasprintf("unknown verb '%s %s'; did you mean '%s'?",
		    st->verb, util_word(next), near) : xasprintf("unknown "
		    "verb '%s'; did you mean '%s'?", util_word(st->verb), near);
	if (strcmp(st->verb, "admin") == 0 && next != NULL &&
	    cmd_lookup(next) != NULL)
		return xasprintf("'%s' is not an object or admin verb, which "
		    "'admin' may name (see %shelp admin)", util_word(next),
		    e->opts.argv_mode ? "prontodb " : "");
	if (strcmp(st->verb, "admin") == 0)
		return xasprintf("'admin' needs one of the object or admin "
		    "verbs (see %shelp admin)", e->opts.argv_mode ?
		    "prontodb " : "");
	if (!cmd_is_group(st->verb))
		return xasprintf("unknown verb '%s'", util_word(st->verb));
	buf_init(&b);
	buf_adds(&b, "'");
	buf_adds(&b, st->verb);
	buf_adds(&b, next != NULL ? "' has no verb '" : "' needs a verb:\n");
	if (next != NULL) {
		buf_adds(&b, util_word(next));
		buf_adds(&b, "'; its verbs:\n");
	}
	cmd_help_group(&b, st->verb, text_width(STDERR_FILENO));
	if (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

/* Open the store and the transaction a verb needs. */
static enum pd_status
prepare(struct engine *e, const struct cmd *c, const struct stmt *st,
    char **cause)
{
	struct store	*store;
	enum pd_status	 s;

	if ((c->flags & CMD_NOTX) && (s = outside_tx(e, c->name, cause)) !=
	    PD_OK)
		return s;
	if (!(c->flags & CMD_DB))
		return PD_OK;
	if ((s = engine_store(e, &store, cause)) != PD_OK)
		return s;
	if (store_in_tx(store) || (c->flags & CMD_NOTX))
		return PD_OK;
	if (e->opts.dry_run)
		return store_begin(store, cause);
	if ((c->flags & CMD_WRITE) || e->opts.single_tx)
		return begin(e, store, c->input != NULL ? c->input(e, st) : 0,
		    cause);
	if (!snapshot_read(c) || e->reads++ == 0)
		return PD_OK;
	if (e->reads % SNAPSHOT_READS == 0)
		store_snapshot_end(store);
	return store_snapshot(store, cause);
}

/*
 * Run the verb.  A verb of several writes runs under a savepoint, so when
 * it fails midway none of its writes stay, even among grouped statements.
 */
static enum pd_status
run_verb(struct engine *e, const struct cmd *c, struct stmt *st,
    char **cause)
{
	enum pd_status	 s, e2;
	char		*ignored = NULL;

	if (!(c->flags & CMD_ATOMIC) || e->store == NULL ||
	    !store_in_tx(e->store))
		return c->exec(e, st, cause);
	if ((s = store_savepoint(e->store, "stmt", cause)) != PD_OK)
		return s;
	s = c->exec(e, st, cause);
	e2 = store_savepoint_end(e->store, "stmt", s == PD_OK || s == PD_MISS,
	    s == PD_OK ? cause : &ignored);
	free(ignored);
	return s == PD_OK ? e2 : s;
}

static void
execute(struct engine *e, struct stmt *st)
{
	const struct cmd	*c;
	struct scope		 sc;
	struct opts_bind	 bound;
	enum pd_status		 s;
	char			*cause = NULL;
	unsigned		 line = st->line, col = st->col;
	size_t			 words;

	e->nstmts++;
	engine_blame(e, 0, 0);
	if ((c = cmd_find(st, &words)) == NULL) {
		if (e->skipping) {
			e->nrolledback++;
			return;
		}
		cause = unknown_verb(e, st);
		failed(e, PD_DATAERR, line, col, cause);
		free(cause);
		return;
	}
	if (e->skipping) {
		/* The failed block was rolled back; skip to its end. */
		e->nrolledback++;
		if (c->flags & CMD_TXEND)
			e->skipping = e->block = 0;
		return;
	}
	if (!snapshot_read(c))
		pause_reads(e);
	stmt_shift(st, words - 1);
	addr_clear(&e->addr);
	sc.project = e->project;
	sc.ns = e->ns;
	s = opts_bind(c, st, style(e), &bound, &cause);
	if (s == PD_OK && bound.help) {
		/* VERB --help describes the verb and runs nothing. */
		s = cmd_help_verb(e, c);
		goto done;
	}
	engine_blame(e, bound.line, bound.col);
	if (s == PD_OK && (s = scope_options(e, c, st, &sc, &cause)) == PD_OK) {
		engine_blame(e, 0, 0);
		s = check_arity(e, c, st, &cause);
	}
	e->sc = sc;
	/* An address the verb may go without (del prefix=) is its own. */
	if (s == PD_OK && (c->flags & CMD_ADDR) && st->nargs > 0)
		s = engine_addr(e, st, 0, &e->addr, &cause);
	/* Authenticated first: a refused statement opens and makes nothing. */
	if (s == PD_OK)
		s = engine_gate(e, c, st, &cause);
	if (s == PD_OK)
		s = prepare(e, c, st, &cause);
	if (s == PD_OK)
		s = run_verb(e, c, st, &cause);
done:
	if (s == PD_IOERR && cause == NULL && e->out->failed)
		cause = out_error(e->out);
	if (e->blame_line != 0) {
		line = e->blame_line;
		col = e->blame_col;
	}
	switch (s) {
	case PD_OK:
		e->nok++;
		if (e->block || e->opts.single_tx)
			e->block_ok++;
		else if (e->store != NULL && store_in_tx(e->store))
			e->group_ok++;
		break;
	case PD_MISS:
		e->nok++;
		e->worst = status_worst(e->worst, PD_MISS);
		if (cause != NULL)
			json_error(e, PD_MISS, line, col, cause);
		if (!e->opts.quiet && cause != NULL)
			report(e, line, col, cause);
		break;
	default:
		failed(e, s, line, col, cause != NULL ? cause : "failed");
		break;
	}
	free(cause);
}

static void
summary(struct engine *e)
{
	out_flush(e->out);
	if (e->opts.dry_run) {
		fprintf(stderr, "prontodb: dry run: %lu statement%s, %lu ok, "
		    "%lu failed, %lu rolled back; nothing written\n",
		    e->nstmts, e->nstmts == 1 ? "" : "s", e->nok, e->nfailed,
		    e->nrolledback);
		return;
	}
	if ((e->nfailed == 0 && !e->lost && !e->opts.session) ||
	    e->opts.argv_mode)
		return;
	fprintf(stderr, "prontodb: %lu statement%s, %lu ok, %lu failed, "
	    "%lu rolled back\n", e->nstmts, e->nstmts == 1 ? "" : "s", e->nok,
	    e->nfailed, e->nrolledback);
}

enum pd_status
engine_run(struct engine *e, struct lexer *lx)
{
	struct stmt		 st;
	struct parse_error	 perr;
	enum parse_result	 r;
	char			*msg;

	stmt_init(&st);
	e->input = lx;
	lexer_set_idle(lx, idle_commit, e);
	lexer_set_pause(lx, pause_reads, e);
	if (e->opts.auth_user != NULL || e->opts.auth_apikey != NULL) {
		char	*cause = NULL;

		if (engine_login(e, e->opts.auth_user, e->opts.auth_pass,
		    e->opts.auth_passlen, e->opts.auth_apikey, &cause) !=
		    PD_OK) {
			report(e, 0, 0, cause);
			e->worst = status_worst(e->worst, PD_DENIED);
			e->stop = 1;
		}
		free(cause);
	}
	while (!e->stop) {
		r = parse_next(lx, &st, &perr);
		if (r == PARSE_EOF)
			break;
		if (r == PARSE_ERROR) {
			e->nstmts++;
			failed(e, perr.ioerr ? PD_IOERR : PD_DATAERR,
			    perr.line, perr.col, perr.msg);
			free(perr.msg);
			if (perr.ioerr)
				e->stop = 1;
			continue;
		}
		execute(e, &st);
		if (e->opts.progress != NULL && e->opts.progress->on)
			progress_update(e->opts.progress,
			    (long long)e->nstmts, (long long)lexer_offset(lx));
	}
	stmt_release(&st);
	pause_reads(e);
	if (e->pending_pass != NULL && !e->stop)
		failed(e, PD_DENIED, 0, 0, "authentication failed: a password "
		    "without a user");
	if (e->block && !e->skipping && !e->stop) {
		/* The begin itself is the statement that failed. */
		e->nok--;
		e->block_ok--;
		failed(e, PD_DATAERR, e->block_line, e->block_col,
		    "begin without commit; rolled back");
	} else if (e->block && e->store != NULL)
		store_rollback(e->store);
	if (e->opts.single_tx && !e->opts.dry_run && !e->stop &&
	    e->store != NULL &&
	    store_in_tx(e->store)) {
		char	*cause = NULL;

		/* Not a statement: the counts stay those of the ones read. */
		if (store_commit(e->store, &cause) != PD_OK) {
			e->worst = status_worst(e->worst,
			    commit_failed(e, &cause));
			report(e, 0, 0, cause);
		}
		free(cause);
	} else if ((e->opts.single_tx || e->opts.dry_run) && e->store != NULL)
		store_rollback(e->store);
	else
		commit_group(e);
	progress_end(e->opts.progress);
	e->input = NULL;
	summary(e);
	if (out_flush(e->out) != PD_OK && e->worst != PD_IOERR) {
		msg = out_error(e->out);
		report(e, 0, 0, msg);
		free(msg);
		e->worst = status_worst(e->worst, PD_IOERR);
	}
	return e->worst;
}
