/*
 * cmd-session.c - verbs that change the session rather than the data:
 * use, delim, begin, commit, rollback, help, version.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "util.h"

enum pd_status
cmd_use(struct engine *e, struct stmt *st, char **cause)
{
	const struct arg	*a = &st->args[0];
	const char		*d = memchr(a->s, e->delim, a->len);
	size_t			 plen = d != NULL ? (size_t)(d - a->s) : a->len;

	engine_blame(e, a->line, a->col);
	if (addr_check_part(a->s, plen, e->delim, "project", cause) != PD_OK)
		return PD_DATAERR;
	if (d != NULL && addr_check_part(d + 1, a->len - plen - 1, e->delim,
	    "namespace", cause) != PD_OK)
		return PD_DATAERR;
	free(e->project);
	free(e->ns);
	e->project = xmemdup(a->s, plen);
	e->ns = d != NULL ? xmemdup(d + 1, a->len - plen - 1) : NULL;
	engine_blame(e, 0, 0);
	return PD_OK;
}

enum pd_status
cmd_delim(struct engine *e, struct stmt *st, char **cause)
{
	if (addr_check_delim(st->args[0].s, st->args[0].len, cause) != PD_OK) {
		engine_blame(e, st->args[0].line, st->args[0].col);
		return PD_DATAERR;
	}
	e->delim = st->args[0].s[0];
	return PD_OK;
}

enum pd_status
cmd_begin(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	if (e->block) {
		*cause = xasprintf("begin inside a block (opened at %u:%u)",
		    e->block_line, e->block_col);
		return PD_DATAERR;
	}
	if (e->opts.single_tx) {
		*cause = xstrdup("begin inside --single-transaction");
		return PD_DATAERR;
	}
	if ((s = engine_tx_begin(e, cause)) != PD_OK)
		return s;
	e->block = 1;
	e->block_ok = 0;
	e->block_line = st->line;
	e->block_col = st->col;
	return PD_OK;
}

enum pd_status
cmd_commit(struct engine *e, struct stmt *st, char **cause)
{
	if (!e->block) {
		*cause = xasprintf("%s without begin", st->verb);
		return PD_DATAERR;
	}
	e->block = 0;
	e->block_ok = 0;
	return engine_tx_commit(e, cause);
}

enum pd_status
cmd_rollback(struct engine *e, struct stmt *st, char **cause)
{
	if (!e->block) {
		*cause = xasprintf("%s without begin", st->verb);
		return PD_DATAERR;
	}
	engine_discard_block(e);
	e->block = 0;
	return PD_OK;
}

enum pd_status
cmd_help(struct engine *e, struct stmt *st, char **cause)
{
	const struct cmd	*c;
	char			*line;
	size_t			 i, words;
	enum pd_status		 s = PD_OK;

	if (st->nargs > 0) {
		struct stmt	 q;

		/* Look the verb up as if it were a statement. */
		stmt_init(&q);
		q.verb = st->args[0].s;
		q.args = st->args + 1;
		q.nargs = st->nargs - 1;
		c = cmd_find(&q, &words);
		if (c == NULL || words != st->nargs) {
			engine_blame(e, st->args[c == NULL ? 0 : words].line, st->args[c == NULL ? 0 : words].col);
			*cause = c == NULL ? xasprintf("unknown verb '%s'",
			    st->args[0].s) : xasprintf("unexpected '%s' after "
			    "'%s'", st->args[words].s, c->name);
			return PD_DATAERR;
		}
		line = xasprintf("usage: %s%s%s\n%s", c->name,
		    *c->usage != '\0' ? " " : "", c->usage, c->summary);
		s = out_line(e->out, line);
		free(line);
		return s;
	}
	s = out_line(e->out, "verbs (prontodb VERB ARGS, or one per line in "
	    "a stream; see prontodb(1)):");
	for (i = 0; i < cmd_count && s == PD_OK; i++) {
		c = &cmd_table[i];
		char	*synopsis = xasprintf("%s %s", c->name, c->usage);

		line = xasprintf("  %-30s %s", synopsis, c->summary);
		free(synopsis);
		s = out_line(e->out, line);
		free(line);
	}
	return s;
}

enum pd_status
cmd_version(struct engine *e, struct stmt *st, char **cause)
{
	return out_line(e->out, "prontodb " PRONTO_VERSION);
}
