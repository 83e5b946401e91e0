/*
 * cmd-session.c - verbs that change the session rather than the data:
 * use, delim, begin, commit, rollback, help, version; and stream, upstream's
 * name for running standard input as a stream.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "engine.h"
#include "opts.h"
#include "text.h"
#include "util.h"

static enum pd_status
cmd_use(struct engine *e, struct stmt *st, char **cause)
{
	const struct arg	*a = &st->args[0];
	char			*p, *n;

	engine_blame(e, a->line, a->col);
	if (addr_scope(a->s, a->len, e->delim, &p, &n, cause) != PD_OK)
		return PD_DATAERR;
	free(e->project);
	free(e->ns);
	e->project = p;
	e->ns = n;
	engine_blame(e, 0, 0);
	return PD_OK;
}

static enum pd_status
cmd_delim(struct engine *e, struct stmt *st, char **cause)
{
	if (addr_check_delim(st->args[0].s, st->args[0].len, cause) != PD_OK) {
		engine_blame(e, st->args[0].line, st->args[0].col);
		return PD_DATAERR;
	}
	e->delim = st->args[0].s[0];
	return PD_OK;
}

static enum pd_status
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

static enum pd_status
cmd_commit(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	if (!e->block) {
		*cause = xasprintf("%s without begin", st->verb);
		return PD_DATAERR;
	}
	/* A failed commit counts the block's statements as rolled back. */
	s = engine_tx_commit(e, cause);
	e->block = 0;
	e->block_ok = 0;
	return s;
}

static enum pd_status
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

/* Where help is read: the width to wrap it to. */
static int
help_width(void)
{
	return text_width(STDOUT_FILENO);
}

/* "  name ARGS        summary", the summary wrapped beside the names. */
#define HELP_COLUMN	32

static void
help_line(struct buf *b, const struct cmd *c, const char *prefix, int width)
{
	size_t	 start = b->len;
	int	 used;

	buf_adds(b, "  ");
	buf_adds(b, prefix);
	buf_adds(b, c->name);
	if (*c->args != '\0') {
		buf_addc(b, ' ');
		buf_adds(b, c->args);
	}
	used = (int)(b->len - start);
	if (used + 1 > HELP_COLUMN) {
		buf_addc(b, '\n');
		used = 0;
	}
	for (; used < HELP_COLUMN; used++)
		buf_addc(b, ' ');
	text_wrap(b, c->summary, HELP_COLUMN, width);
	buf_addc(b, '\n');
}

/* The `admin` prefix names the object and admin verbs. */
static int
in_group(const struct cmd *c, const char *word, size_t n)
{
	if (strcmp(word, "admin") == 0)
		return (c->flags & (CMD_ADMIN | CMD_OBJ)) != 0;
	return strncmp(c->name, word, n) == 0 && c->name[n] == ' ';
}

void
cmd_help_group(struct buf *b, const char *word, int width)
{
	size_t	 i, n = strlen(word);
	int	 admin = strcmp(word, "admin") == 0;

	for (i = 0; i < cmd_count; i++)
		if (in_group(cmd_table[i], word, n))
			help_line(b, cmd_table[i], admin ? "admin " : "",
			    width);
}

static enum pd_status
print(struct engine *e, struct buf *b)
{
	enum pd_status	 s;

	/* out_line adds the last newline itself. */
	if (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	s = out_line(e->out, b->data != NULL ? b->data : "");
	buf_release(b);
	return s;
}

enum pd_status
cmd_help_verb(struct engine *e, const struct cmd *c)
{
	struct buf	 b;
	char		*usage = opts_usage(c, e->opts.argv_mode ? OPTS_ARGV :
			    OPTS_STREAM);
	const char	*p, *nl;
	int		 width = help_width();

	buf_init(&b);
	buf_adds(&b, "usage: ");
	if (e->opts.argv_mode)
		buf_adds(&b, "prontodb ");
	text_wrap(&b, usage, 7, width);
	free(usage);
	buf_adds(&b, "\n\n");
	text_wrap(&b, c->help != NULL ? c->help : c->summary, 0, width);
	buf_addc(&b, '\n');
	if (c->example != NULL) {
		buf_adds(&b, "\nexample:\n");
		for (p = c->example; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			buf_adds(&b, "  ");
			buf_add(&b, p, (size_t)(nl - p));
			buf_addc(&b, '\n');
		}
	}
	return print(e, &b);
}

/* What `help admin` says about the prefix before listing its verbs. */
static const char admin_help[] =
    "admin VERB is another name for VERB, for the verbs that administer "
    "databases, projects, namespaces, tables, users and keys (upstream "
    "prontodb spelt them so): `prontodb admin project list` is `prontodb "
    "project list`.  Permissions do not change with the prefix.";

static enum pd_status
help_group(struct engine *e, const struct arg *a, char **cause)
{
	struct buf	 b;
	int		 width = help_width();

	buf_init(&b);
	if (strcmp(a->s, "admin") == 0) {
		text_wrap(&b, admin_help, 0, width);
		buf_adds(&b, "\n\n");
	}
	cmd_help_group(&b, a->s, width);
	if (b.len > 0)
		return print(e, &b);
	buf_release(&b);
	engine_blame(e, a->line, a->col);
	*cause = xasprintf("unknown verb '%s'", util_wordn(a->s, a->len));
	return PD_DATAERR;
}

static enum pd_status
cmd_help(struct engine *e, struct stmt *st, char **cause)
{
	const struct cmd	*c;
	struct stmt		 q;
	struct buf		 b;
	size_t			 i, words;
	int			 width = help_width();

	if (st->nargs == 0) {
		buf_init(&b);
		text_wrap(&b, "verbs (prontodb VERB ARGS, or one per line in a "
		    "stream; VERB --help or help VERB for one; see "
		    "prontodb(1)):", 0, width);
		buf_addc(&b, '\n');
		for (i = 0; i < cmd_count; i++)
			help_line(&b, cmd_table[i], "", width);
		return print(e, &b);
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
		*cause = c == NULL ? xasprintf("unknown verb '%s'",
		    util_wordn(a->s, a->len)) : xasprintf("unexpected '%s' "
		    "after '%s'", util_wordn(a->s, a->len), c->name);
		return PD_DATAERR;
	}
	return cmd_help_verb(e, c);
}

/*
 * `prontodb stream` is taken by the command line (cli.c) before it gets
 * here; a stream cannot read another one from inside itself.
 */
static enum pd_status
cmd_stream(struct engine *e, struct stmt *st, char **cause)
{
	*cause = xstrdup("'stream' runs standard input as a stream: type it "
	    "on the command line (prontodb stream < FILE), not in a stream");
	return PD_DATAERR;
}

static enum pd_status
cmd_version(struct engine *e, struct stmt *st, char **cause)
{
	out_str(e->out, "name", "prontodb");
	out_str(e->out, "version", PRONTO_VERSION);
	return out_emit(e->out, OUT_WORDS);
}

const struct cmd cmd_begin_entry = {
	.name = "begin",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = 0,
	.exec = cmd_begin,
	.summary = "start an atomic block",
	.help = "Start an atomic block in a stream: the writes of the "
	    "statements up to commit take effect together or not at all, "
	    "even if the process is killed, and rollback discards them. An "
	    "error inside the block rolls it back and skips to its end, and "
	    "so does the input ending inside it. Blocks do not nest. A block "
	    "needs a stream: on the command line there is nothing to close "
	    "it.",
	.example = "echo 'use app.config; begin; set host db1; set port "
	    "5432; commit' | prontodb",
};

const struct cmd cmd_commit_entry = {
	.name = "commit",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_TXEND,
	.exec = cmd_commit,
	.summary = "make the block's writes durable",
	.help = "End the atomic block that begin opened and make its writes "
	    "durable, all together. Outside a block it is an error.",
	.example = "echo 'begin; set app.config.host db1; commit' | prontodb\n"
	    "prontodb get app.config.host",
};

const struct cmd cmd_delim_entry = {
	.name = "delim",
	.args = "C",
	.min_args = 1,
	.max_args = 1,
	.flags = 0,
	.exec = cmd_delim,
	.summary = "change the address delimiter for the rest of the stream",
	.help = "Use the character C instead of the dot between the parts of "
	    "addresses for the rest of the stream. C is one printable ASCII "
	    "punctuation character other than _ \" ' # ; = { and \\, as for "
	    "--ns-delim, which sets the delimiter on the command line.",
	.example = "echo 'delim :; set app:config:host db1' | prontodb\n"
	    "prontodb get app.config.host",
};

const struct cmd cmd_help_entry = {
	.name = "help",
	.args = "[VERB]",
	.min_args = 0,
	.max_args = 2,
	.flags = CMD_OPEN,
	.exec = cmd_help,
	.summary = "list the verbs, or describe one",
	.help = "Without VERB, list every verb with its arguments and a "
	    "one-line summary. With a verb of one or two words (help user "
	    "grant), print its usage, options included, a description and an "
	    "example, as VERB --help does; with the first word of two-word "
	    "verbs (help meta), list those verbs. help works whatever the "
	    "settings say and needs no authentication.",
	.example = "prontodb help\n"
	    "prontodb help meta\n"
	    "prontodb help set",
};

const struct cmd cmd_rollback_entry = {
	.name = "rollback",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_TXEND,
	.exec = cmd_rollback,
	.summary = "discard the block's writes",
	.help = "End the atomic block that begin opened and discard its "
	    "writes. Outside a block it is an error.",
	.example = "echo 'begin; set app.config.host db9; rollback' | "
	    "prontodb",
};

const struct cmd cmd_stream_entry = {
	.name = "stream",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPEN,
	.exec = cmd_stream,
	.summary = "run standard input as a stream (upstream's name)",
	.help = "Read statements from standard input and run them, exactly as "
	    "prontodb does with no verb when standard input is not a "
	    "terminal: upstream prontodb spelt it `prontodb stream < FILE`.  "
	    "Global flags may stand before or after it.  Typed inside a "
	    "stream it is an error: a stream does not read another one.",
	.example = "echo 'set app.config.debug true' > batch.pds\n"
	    "prontodb stream < batch.pds\n"
	    "echo 'get app.config.debug' | prontodb stream --json",
};

const struct cmd cmd_use_entry = {
	.name = "use",
	.args = "PROJECT[.NAMESPACE]",
	.min_args = 1,
	.max_args = 1,
	.flags = 0,
	.exec = cmd_use,
	.summary = "set the scope that relative addresses resolve in",
	.help = "Set the scope in which relative addresses resolve, for the "
	    "rest of the stream: after use app.config, host means "
	    "app.config.host and keys lists that namespace. Without a "
	    "namespace the scope has a project only, and config.host means "
	    "app.config.host. On the command line the scope would last for "
	    "that one command: use -p and -n there.",
	.example = "echo 'use app.config; set host db1; get host' | prontodb",
};

const struct cmd cmd_version_entry = {
	.name = "version",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPEN,
	.exec = cmd_version,
	.summary = "print the version",
	.help = "Print the program's name, prontodb, and its version number "
	    "on one line. It is the same as prontodb --version and works "
	    "whatever the settings say.",
	.example = "prontodb version",
};
