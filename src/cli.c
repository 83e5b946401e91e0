/*
 * cli.c - global flags, and a verb's argv turned into a one-line stream.
 *
 * The command line is never interpreted here beyond flags: the verb and its
 * words are quoted as string literals and run by the same engine as any
 * stream, so a verb behaves the same typed or streamed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "out.h"
#include "util.h"

void
cli_init(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->stream);
}

void
cli_release(struct cli *c)
{
	buf_release(&c->stream);
}

void
cli_usage(FILE *fp)
{
	fputs("usage: prontodb [global flags] VERB [ARGS...]\n"
	    "       prontodb [global flags] [-f FILE]    (a stream; stdin "
	    "when not a terminal)\n"
	    "global flags:\n"
	    "  -d, --db DB|PATH         use this database for this command\n"
	    "      --select DB|PATH     switch to this database and keep it "
	    "in\n"
	    "                           your cursor (it must exist)\n"
	    "      --cursor NAME        use the named cursor for this command\n"
	    "      --config FILE        read settings from FILE\n"
	    "      --home DIR           keep data, config and state under DIR\n"
	    "      --ns-delim C         address delimiter (default .)\n"
	    "  -p, --project P          project of relative addresses\n"
	    "  -n, --namespace N        namespace of relative addresses\n"
	    "  -k, --key K              the key, with -p and -n\n"
	    "  -1, --single-transaction the whole stream or nothing\n"
	    "      --on-error=stop|continue\n"
	    "      --dry-run            check the stream, write nothing\n"
	    "      --json, --pretty     results as JSON Lines (indented)\n"
	    "      --tsv [--header]     results as tab-separated rows (with\n"
	    "                           a first row of column names)\n"
	    "      --user NAME          whose cursor; log in as NAME with\n"
	    "                           PRONTO_PASS or --password-file\n"
	    "      --password-file FILE the password, on its first line\n"
	    "  -q, --quiet              no notes on stderr for misses\n"
	    "  -f, --file FILE          read the stream from FILE (- for "
	    "stdin)\n"
	    "  -h, --help [VERB]        this, and the verbs (or one verb)\n"
	    "  -V, --version            print the version\n"
	    "Run 'prontodb help' for the verbs; see prontodb(1).\n", fp);
}

/* `-` as an argument: all of stdin as a binary-safe {N} literal. */
static enum pd_status
stdin_literal(struct buf *b, char **cause)
{
	struct buf	 in;
	char		 chunk[65536], hdr[32];
	ssize_t		 n;

	buf_init(&in);
	for (;;) {
		n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*cause = xasprintf("cannot read standard input: %s",
			    strerror(errno));
			buf_release(&in);
			return PD_IOERR;
		}
		if (n == 0)
			break;
		buf_add(&in, chunk, (size_t)n);
	}
	snprintf(hdr, sizeof(hdr), "{%zu}\n", in.len);
	buf_adds(b, hdr);
	buf_add(b, in.data != NULL ? in.data : "", in.len);
	buf_release(&in);
	return PD_OK;
}

enum flag_id {
	F_CONFIG, F_CURSOR, F_DB, F_DRYRUN, F_FILE, F_HELP, F_HOME, F_KEY,
	F_NS, F_DELIM, F_ONERROR, F_PASSFILE, F_PROJECT, F_QUIET, F_SELECT,
	F_SINGLE, F_USER, F_VERSION, F_JSON, F_TSV, F_PRETTY, F_NOW, F_HEADER
};

struct flag {
	const char	*lng;
	char		 shrt;
	int		 has_arg;
	enum flag_id	 id;
};

static const struct flag globals[] = {
	{ "config", 0, 1, F_CONFIG },
	{ "cursor", 0, 1, F_CURSOR },
	{ "db", 'd', 1, F_DB },
	{ "dry-run", 0, 0, F_DRYRUN },
	{ "file", 'f', 1, F_FILE },
	{ "header", 0, 0, F_HEADER },
	{ "help", 'h', 0, F_HELP },
	{ "json", 0, 0, F_JSON },
	{ "home", 0, 1, F_HOME },
	{ "key", 'k', 1, F_KEY },
	{ "namespace", 'n', 1, F_NS },
	{ "now-ms", 0, 1, F_NOW },
	{ "ns-delim", 0, 1, F_DELIM },
	{ "on-error", 0, 1, F_ONERROR },
	{ "password-file", 0, 1, F_PASSFILE },
	{ "pretty", 0, 0, F_PRETTY },
	{ "project", 'p', 1, F_PROJECT },
	{ "quiet", 'q', 0, F_QUIET },
	{ "select", 0, 1, F_SELECT },
	{ "single-transaction", '1', 0, F_SINGLE },
	{ "tsv", 0, 0, F_TSV },
	{ "user", 0, 1, F_USER },
	{ "version", 'V', 0, F_VERSION },
	{ NULL, 0, 0, 0 }
};

/*
 * Match argv[*i] against the global flags; on a match store the flag and
 * its value (from "=VALUE" or the next word) and advance *i.
 */
static enum pd_status
global_flag(int argc, char **argv, int *i, const struct flag **fl,
    const char **val, char **cause)
{
	const char	*w = argv[*i], *eq;
	const struct flag *f;
	size_t		 n;

	*val = NULL;
	for (f = globals; f->lng != NULL; f++) {
		if (w[1] != '-') {
			if (w[1] == f->shrt && w[2] == '\0')
				break;
			continue;
		}
		eq = strchr(w + 2, '=');
		n = eq != NULL ? (size_t)(eq - (w + 2)) : strlen(w + 2);
		if (strlen(f->lng) == n && strncmp(w + 2, f->lng, n) == 0) {
			if (eq != NULL) {
				if (!f->has_arg) {
					*cause = xasprintf("option '--%s' "
					    "takes no value", f->lng);
					return PD_USAGE;
				}
				*val = eq + 1;
			}
			break;
		}
	}
	if (f->lng == NULL) {
		*cause = xasprintf("unknown option '%s'", w);
		return PD_USAGE;
	}
	if (f->has_arg && *val == NULL) {
		if (*i + 1 >= argc) {
			*cause = xasprintf("option '%s' needs a value", w);
			return PD_USAGE;
		}
		*val = argv[++*i];
	}
	*fl = f;
	(*i)++;
	return PD_OK;
}

static enum pd_status
set_global(struct cli *c, const struct flag *f, const char *v, char **cause)
{
	switch (f->id) {
	case F_CONFIG: c->config = v; break;
	case F_CURSOR: c->cursor = v; break;
	case F_DB: c->db = v; break;
	case F_DRYRUN: c->dry_run = 1; break;
	case F_FILE: c->file = v; break;
	case F_HELP: c->help = 1; break;
	case F_HOME: c->home = v; break;
	case F_KEY: c->key = v; break;
	case F_NS: c->ns = v; break;
	case F_DELIM: c->delim = v; break;
	case F_ONERROR:
		if (strcmp(v, "stop") != 0 && strcmp(v, "continue") != 0) {
			*cause = xasprintf("--on-error must be stop or "
			    "continue, not '%s'", v);
			return PD_USAGE;
		}
		c->on_error = v;
		break;
	case F_PASSFILE: c->password_file = v; break;
	case F_PROJECT: c->project = v; break;
	case F_QUIET: c->quiet = 1; break;
	case F_SELECT: c->select = v; break;
	case F_SINGLE: c->single_tx = 1; break;
	case F_USER: c->user = v; break;
	case F_JSON: c->output = "json"; break;
	case F_TSV: c->output = "tsv"; break;
	case F_PRETTY: c->output = "json"; c->pretty = 1; break;
	case F_HEADER: c->header = 1; break;
	case F_NOW:
		/* For tests: pin the clock; not in the usage on purpose. */
		if (*v < '0' || *v > '9') {
			*cause = xasprintf("--now-ms needs milliseconds since "
			    "the epoch, not '%s'", v);
			return PD_USAGE;
		}
		util_set_now_ms(strtoll(v, NULL, 10));
		break;
	case F_VERSION: c->version = 1; break;
	}
	return PD_OK;
}

/* Whether --name after verb takes the next word as its value. */
static int
takes_value(const struct cmd *cmd, const char *name)
{
	const struct cmd_opt	*o;

	if (strcmp(name, "project") == 0 || strcmp(name, "namespace") == 0 ||
	    strcmp(name, "key") == 0)
		return 1;
	o = cmd != NULL ? cmd_opt(cmd, name) : NULL;
	return o != NULL && !o->boolean;
}

/* The command argv[i] names, looking at up to two more words. */
static const struct cmd *
verb_cmd(int argc, char **argv, int i)
{
	struct stmt	 q;
	struct arg	 a[2];
	size_t		 words, n;

	stmt_init(&q);
	q.verb = argv[i];
	for (n = 0; n < 2 && i + 1 + (int)n < argc; n++) {
		a[n].s = argv[i + 1 + n];
		a[n].len = strlen(a[n].s);
	}
	q.args = a;
	q.nargs = n;
	return cmd_find(&q, &words);
}

static void
add_opt(struct buf *opts, const char *name, const char *val)
{
	buf_addc(opts, ' ');
	buf_adds(opts, name);
	if (val != NULL) {
		buf_addc(opts, '=');
		out_quote(opts, val);
	}
}

/* The verb and its words as one statement; options go last. */
static enum pd_status
synthesize(struct cli *c, int argc, char **argv, int i, char **cause)
{
	const struct cmd *cmd = verb_cmd(argc, argv, i);
	struct buf	 opts;
	enum pd_status	 s = PD_OK;
	int		 dashdash = 0, stdin_used = 0;

	buf_init(&opts);
	out_quote(&c->stream, argv[i++]);
	if (c->project != NULL)
		add_opt(&opts, "project", c->project);
	if (c->ns != NULL)
		add_opt(&opts, "namespace", c->ns);
	if (c->key != NULL)
		add_opt(&opts, "key", c->key);
	for (; i < argc && s == PD_OK; i++) {
		const char	*w = argv[i], *eq;

		buf_addc(&c->stream, ' ');
		if (!dashdash && strcmp(w, "--") == 0) {
			dashdash = 1;
		} else if (!dashdash && strcmp(w, "-") == 0) {
			if (stdin_used++) {
				*cause = xstrdup("standard input can be read "
				    "only once");
				s = PD_USAGE;
			} else
				s = stdin_literal(&c->stream, cause);
		} else if (!dashdash && w[0] == '-' && w[1] == '-') {
			char	*name;

			eq = strchr(w, '=');
			name = eq != NULL ? xmemdup(w + 2, (size_t)(eq - w - 2)) :
			    xstrdup(w + 2);
			if (cmd != NULL && !takes_value(cmd, name) &&
			    cmd_opt(cmd, name) == NULL) {
				*cause = xasprintf("unknown option '%s' for "
				    "'%s'", name, cmd->name);
				s = PD_USAGE;
			} else if (eq != NULL)
				add_opt(&opts, name, eq + 1);
			else if (takes_value(cmd, name)) {
				if (i + 1 >= argc) {
					*cause = xasprintf("option '%s' needs "
					    "a value", w);
					s = PD_USAGE;
				} else
					add_opt(&opts, name, argv[++i]);
			} else
				add_opt(&opts, name, NULL);
			free(name);
		} else if (!dashdash && w[0] == '-' && strchr("pnk", w[1]) &&
		    w[1] != '\0' && w[2] == '\0') {
			static const char *const names[] = {
				"project", "namespace", "key" };
			const char	*name = names[strchr("pnk", w[1]) - "pnk"];

			if (i + 1 >= argc) {
				*cause = xasprintf("option '%s' needs a value",
				    w);
				s = PD_USAGE;
			} else
				add_opt(&opts, name, argv[++i]);
		} else
			out_quote(&c->stream, w);
	}
	buf_add(&c->stream, opts.data != NULL ? opts.data : "", opts.len);
	buf_addc(&c->stream, '\n');
	buf_release(&opts);
	return s;
}

enum pd_status
cli_parse(struct cli *c, int argc, char **argv, char **cause)
{
	const struct flag	*f;
	const char		*v;
	enum pd_status		 s;
	int			 i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if ((s = global_flag(argc, argv, &i, &f, &v, cause)) != PD_OK ||
		    (s = set_global(c, f, v, cause)) != PD_OK)
			return s;
	}
	if (c->version) {
		if (i < argc) {
			*cause = xasprintf("unexpected '%s' after --version",
			    argv[i]);
			return PD_USAGE;
		}
		buf_adds(&c->stream, "version\n");
		c->verb = 1;
		return PD_OK;
	}
	if (c->help) {
		/* --help [VERB] is the help verb, after the flags' usage. */
		buf_adds(&c->stream, "help");
		for (; i < argc; i++) {
			buf_addc(&c->stream, ' ');
			out_quote(&c->stream, argv[i]);
		}
		buf_addc(&c->stream, '\n');
		c->verb = 1;
		return PD_OK;
	}
	if (i < argc && strcmp(argv[i], "-") == 0 && c->file == NULL) {
		c->file = "-";
		i++;
	}
	if (i >= argc)
		return PD_OK;
	if (c->file != NULL) {
		*cause = xasprintf("unexpected '%s' after a stream file",
		    argv[i]);
		return PD_USAGE;
	}
	c->verb = 1;
	c->words = argv + i;
	c->nwords = argc - i;
	return synthesize(c, argc, argv, i, cause);
}
