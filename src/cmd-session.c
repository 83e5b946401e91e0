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

/* "NAME USAGE [opt] [opt=VALUE]" for help. */
static char *
synopsis(const struct cmd *c)
{
	const struct cmd_opt	*o;
	struct buf		 b;

	buf_init(&b);
	buf_adds(&b, c->name);
	if (*c->usage != '\0') {
		buf_addc(&b, ' ');
		buf_adds(&b, c->usage);
	}
	for (o = c->opts; o != NULL && o->name != NULL; o++) {
		buf_adds(&b, " [");
		buf_adds(&b, o->name);
		buf_adds(&b, o->boolean ? "]" : "=VALUE]");
	}
	return buf_detach(&b, NULL);
}

static enum pd_status
help_line(struct engine *e, const struct cmd *c)
{
	char		*syn = synopsis(c), *line;
	enum pd_status	 s;

	line = xasprintf("  %-30s %s", syn, c->summary);
	s = out_line(e->out, line);
	free(line);
	free(syn);
	return s;
}

/* help WORD for a group of verbs (help user): every "WORD ..." verb. */
static enum pd_status
help_group(struct engine *e, const struct arg *a, char **cause)
{
	enum pd_status	 s = PD_OK;
	size_t		 i, n = 0;

	for (i = 0; i < cmd_count && s == PD_OK; i++)
		if (strncmp(cmd_table[i].name, a->s, a->len) == 0 &&
		    cmd_table[i].name[a->len] == ' ') {
			s = help_line(e, &cmd_table[i]);
			n++;
		}
	if (n > 0)
		return s;
	engine_blame(e, a->line, a->col);
	*cause = xasprintf("unknown verb '%s'", a->s);
	return PD_DATAERR;
}

enum pd_status
cmd_help(struct engine *e, struct stmt *st, char **cause)
{
	const struct cmd	*c;
	struct stmt		 q;
	enum pd_status		 s;
	char			*syn, *line;
	size_t			 i, words;

	if (st->nargs == 0) {
		s = out_line(e->out, "verbs (prontodb VERB ARGS, or one per "
		    "line in a stream; see prontodb(1)):");
		for (i = 0; i < cmd_count && s == PD_OK; i++)
			s = help_line(e, &cmd_table[i]);
		return s;
	}
	/* Look the verb up as if it were a statement. */
	stmt_init(&q);
	q.verb = st->args[0].s;
	q.args = st->args + 1;
	q.nargs = st->nargs - 1;
	c = cmd_find(&q, &words);
	if (c == NULL && st->nargs == 1)
		return help_group(e, &st->args[0], cause);
	if (c == NULL || words != st->nargs) {
		const struct arg	*a = &st->args[c == NULL ? 0 : words];

		engine_blame(e, a->line, a->col);
		*cause = c == NULL ? xasprintf("unknown verb '%s'", a->s) :
		    xasprintf("unexpected '%s' after '%s'", a->s, c->name);
		return PD_DATAERR;
	}
	syn = synopsis(c);
	line = xasprintf("usage: %s\n%s", syn, c->summary);
	s = out_line(e->out, line);
	free(line);
	free(syn);
	return s;
}

enum pd_status
cmd_version(struct engine *e, struct stmt *st, char **cause)
{
	out_str(e->out, "name", "prontodb");
	out_str(e->out, "version", PRONTO_VERSION);
	return out_emit(e->out, OUT_WORDS);
}
