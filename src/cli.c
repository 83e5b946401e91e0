/*
 * cli.c - global flags, and a verb's argv turned into a one-line stream.
 *
 * The command line is never interpreted here beyond flags: the verb and its
 * words are quoted as string literals and run by the same engine as any
 * stream, so a verb behaves the same typed or streamed.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "opts.h"
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
	free(c->value);
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
	    "      --meta ORG           work in ORG's meta context (a fourth\n"
	    "                           address level) for this command\n"
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

/*
 * `-` as an argument: all of stdin, read once into c->value, which the
 * stream's {N} literal stands for.  The bytes are not copied into the
 * stream: a value of hundreds of megabytes is in memory once.  A file's
 * size is known before anything is read, so one too large is refused at
 * once; a pipe is refused as soon as it has given more than the limit.
 */
static enum pd_status
stdin_literal(struct cli *c, char **cause)
{
	struct buf	 in;
	struct stat	 sb;
	char		 hdr[32];
	size_t		 want = 65536;
	ssize_t		 n;
	off_t		 at;

	buf_init(&in);
	if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (at = lseek(STDIN_FILENO, 0, SEEK_CUR)) >= 0 && sb.st_size >= at) {
		if ((unsigned long long)(sb.st_size - at) > PD_MAX_VALUE)
			goto toolong;
		/* One more byte, to see the end without growing. */
		want = (size_t)(sb.st_size - at) + 1;
	}
	for (;;) {
		if (in.len + 65536 >= in.cap)
			buf_reserve(&in, want);
		n = read(STDIN_FILENO, in.data + in.len, in.cap - in.len - 1);
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
		in.len += (size_t)n;
		if (in.len > PD_MAX_VALUE)
			goto toolong;
		want = in.len;
	}
	snprintf(hdr, sizeof(hdr), "{%zu}\n", in.len);
	buf_adds(&c->stream, hdr);
	c->value_len = in.len;
	c->value = buf_detach(&in, NULL);
	c->value_at = c->stream.len;
	return PD_OK;
toolong:
	buf_release(&in);
	*cause = xasprintf("value too long: standard input holds more than "
	    "the largest value, %lu bytes", PD_MAX_VALUE);
	return PD_DATAERR;
}

enum flag_id {
	F_CONFIG, F_CURSOR, F_DB, F_DRYRUN, F_FILE, F_HELP, F_HOME, F_KEY,
	F_NS, F_DELIM, F_ONERROR, F_PASSFILE, F_PROJECT, F_QUIET, F_SELECT,
	F_SINGLE, F_USER, F_VERSION, F_JSON, F_TSV, F_PRETTY, F_NOW, F_HEADER,
	F_META
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
	{ "database", 0, 1, F_DB },	/* upstream's name */
	{ "db", 'd', 1, F_DB },
	{ "dry-run", 0, 0, F_DRYRUN },
	{ "file", 'f', 1, F_FILE },
	{ "header", 0, 0, F_HEADER },
	{ "help", 'h', 0, F_HELP },
	{ "json", 0, 0, F_JSON },
	{ "home", 0, 1, F_HOME },
	{ "key", 'k', 1, F_KEY },
	{ "meta", 0, 1, F_META },	/* upstream's meta context */
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
	{ "version", 'v', 0, F_VERSION },	/* upstream's letter */
	{ NULL, 0, 0, 0 }
};

/*
 * Match argv[*i] against the global flags; on a match store the flag and
 * its value (from "=VALUE" or the next word) and advance *i.  A NULL
 * cause only asks whether it is one.
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
					if (cause != NULL)
						*cause = xasprintf("option "
						    "'--%s' takes no value",
						    f->lng);
					return PD_USAGE;
				}
				*val = eq + 1;
			}
			break;
		}
	}
	if (f->lng == NULL) {
		if (cause != NULL)
			*cause = xasprintf("unknown option '%s'",
			    util_word(w));
		return PD_USAGE;
	}
	if (f->has_arg && *val == NULL) {
		if (*i + 1 >= argc) {
			if (cause != NULL)
				*cause = xasprintf("option '%s' needs a value",
				    util_word(w));
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
	/* Up to the last millisecond of 9999: now + a TTL cannot overflow. */
	static const struct util_range epoch_ms = {
	    "a number of milliseconds since the epoch", 0, 253402300799999LL,
	    0 };
	long long	 ms;

	switch (f->id) {
	case F_CONFIG: c->config = v; break;
	case F_CURSOR: c->cursor = v; break;
	case F_DB: c->db = v; break;
	case F_DRYRUN: c->dry_run = 1; break;
	case F_FILE: c->file = v; break;
	case F_HELP: c->help = 1; break;
	case F_HOME: c->home = v; break;
	case F_KEY: c->key = v; break;
	case F_META: c->meta = v; break;
	case F_NS: c->ns = v; break;
	case F_DELIM: c->delim = v; break;
	case F_ONERROR:
		if (strcmp(v, "stop") != 0 && strcmp(v, "continue") != 0) {
			*cause = xasprintf("--on-error must be stop or "
			    "continue, not '%s'", util_word(v));
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
		if (util_number("--now-ms", v, strlen(v), &epoch_ms, &ms,
		    cause) != 0)
			return PD_USAGE;
		util_set_now_ms(ms);
		break;
	case F_VERSION: c->version = 1; break;
	}
	return PD_OK;
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

/* -5, 1.5: data even where a flag could stand (incr k -1). */
static int
is_number(const char *w)
{
	if (*w == '-')
		w++;
	if (*w < '0' || *w > '9')
		return 0;
	w += strspn(w, "0123456789");
	if (*w == '.')
		w += 1 + strspn(w + 1, "0123456789");
	return *w == '\0';
}

/*
 * Whether the verb takes w (a word after it, and the one after that as
 * its value when it needs one): its own options win over global flags of
 * the same name (restore --db, export --tsv).  Sets *skip to the words
 * to pass over.
 */
static int
verb_option(const struct cmd *cmd, const char *w, int *skip)
{
	const struct cmd_opt	*o;
	const char		*eq;

	*skip = 0;
	if (cmd == NULL || w[0] != '-' || w[1] == '\0')
		return 0;
	if (w[1] != '-')
		o = w[2] == '\0' ? opts_short(cmd, w[1]) : NULL;
	else {
		eq = strchr(w, '=');
		o = opts_find(cmd, w + 2, eq != NULL ? (size_t)(eq - w - 2) :
		    strlen(w + 2));
		if (eq != NULL)
			return o != NULL;
	}
	if (o != NULL && o->arg != NULL)
		*skip = 1;
	return o != NULL;
}

/*
 * Global flags after the verb (prontodb get k --json), as in git; only
 * flags that set up the run, not -f, --help or --version, which belong
 * before a verb.
 */
static int
global_after_verb(const char *w)
{
	return strcmp(w, "-f") != 0 && strncmp(w, "--file", 6) != 0 &&
	    strcmp(w, "-V") != 0 && strcmp(w, "-v") != 0 &&
	    strcmp(w, "--version") != 0 &&
	    strcmp(w, "-h") != 0 && strcmp(w, "--help") != 0;
}

/*
 * Whether the lexer reads w back as one bare word (lexer.re's wordstart
 * and word bytes), so the verb may take it as an option.
 */
static int
bare_word(const char *w, size_t n)
{
	size_t	 i;

	if (n == 0 || strchr("#{", w[0]) != NULL)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)w[i];

		if (c <= 0x20 || c == 0x7f || strchr(";\"'=", c) != NULL)
			return 0;
	}
	return 1;
}

/*
 * One word of the verb's line as stream text that the parser reads back
 * as the same word, bare or bare name=value where the word may be an
 * option, quoted where it can only be data.
 */
static void
add_word(struct buf *b, const char *w, int data)
{
	const char	*eq = strchr(w, '=');

	if (!data && bare_word(w, strlen(w)))
		buf_adds(b, w);
	else if (!data && eq != NULL && bare_word(w, (size_t)(eq - w))) {
		buf_add(b, w, (size_t)(eq - w + 1));
		out_quote(b, eq + 1);
	} else
		out_quote(b, w);
}

/* A scope flag typed before the verb, as the verb's option. */
static void
add_scope(struct buf *b, const char *name, const char *val)
{
	if (val == NULL)
		return;
	buf_adds(b, " --");
	buf_adds(b, name);
	buf_addc(b, ' ');
	out_quote(b, val);
}

/*
 * The verb and its words as one statement, with the global flags among
 * them taken out and set.
 */
static enum pd_status
synthesize(struct cli *c, int argc, char **argv, int i, char **cause)
{
	const struct cmd	*cmd = verb_cmd(argc, argv, i);
	const struct flag	*f;
	const char		*v;
	enum pd_status		 s = PD_OK;
	int			 dashdash = 0, stdin_used = 0, skip;

	out_quote(&c->stream, argv[i++]);
	while (i < argc && s == PD_OK) {
		const char	*w = argv[i];

		if (!dashdash && w[0] == '-' && w[1] != '\0' &&
		    strcmp(w, "--") != 0 && !is_number(w) &&
		    !verb_option(cmd, w, &skip) && global_after_verb(w) &&
		    global_flag(argc, argv, &i, &f, &v, NULL) == PD_OK) {
			s = set_global(c, f, v, cause);
			continue;
		}
		buf_addc(&c->stream, ' ');
		if (!dashdash && strcmp(w, "-") == 0) {
			if (stdin_used++) {
				*cause = xstrdup("standard input can be read "
				    "only once");
				s = PD_USAGE;
			} else
				s = stdin_literal(c, cause);
		} else {
			add_word(&c->stream, w, dashdash);
			if (!dashdash && strcmp(w, "--") == 0)
				dashdash = 1;
		}
		i++;
	}
	add_scope(&c->stream, "project", c->project);
	add_scope(&c->stream, "namespace", c->ns);
	add_scope(&c->stream, "key", c->key);
	buf_addc(&c->stream, '\n');
	return s;
}

/*
 * `prontodb stream [global flags]`, upstream's spelling of a stream on
 * standard input: sets *taken.  With any other word after it, stream
 * stays a verb, for its --help or its error.
 */
static enum pd_status
stream_verb(struct cli *c, int argc, char **argv, int i, int *taken,
    char **cause)
{
	const struct flag	*f;
	const char		*v;
	enum pd_status		 s = PD_OK;
	int			 j;

	*taken = 0;
	if (strcmp(argv[i], "stream") != 0)
		return PD_OK;
	for (j = i + 1; j < argc; )
		if (argv[j][0] != '-' || !global_after_verb(argv[j]) ||
		    global_flag(argc, argv, &j, &f, &v, NULL) != PD_OK)
			return PD_OK;
	for (j = i + 1; j < argc && s == PD_OK; )
		if ((s = global_flag(argc, argv, &j, &f, &v, cause)) == PD_OK)
			s = set_global(c, f, v, cause);
	c->file = "-";
	*taken = 1;
	return s;
}

enum pd_status
cli_parse(struct cli *c, int argc, char **argv, char **cause)
{
	const struct flag	*f;
	const char		*v;
	enum pd_status		 s;
	int			 i = 1, taken;

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
			    util_word(argv[i]));
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
		    util_word(argv[i]));
		return PD_USAGE;
	}
	if ((s = stream_verb(c, argc, argv, i, &taken, cause)) != PD_OK ||
	    taken)
		return s;
	c->verb = 1;
	c->words = argv + i;
	c->nwords = argc - i;
	return synthesize(c, argc, argv, i, cause);
}

enum pd_status
cli_global(struct cli *c, int argc, char **argv, int *i, char **cause)
{
	const struct flag	*f;
	const char		*v;
	enum pd_status		 s;

	if ((s = global_flag(argc, argv, i, &f, &v, cause)) != PD_OK)
		return s;
	return set_global(c, f, v, cause);
}

void
cli_globals_each(void (*fn)(void *, const char *, int), void *ctx)
{
	const struct flag	*f;
	char			 name[32];

	for (f = globals; f->lng != NULL; f++) {
		if (f->id == F_NOW)	/* for tests only */
			continue;
		snprintf(name, sizeof(name), "--%s", f->lng);
		fn(ctx, name, f->has_arg);
		if (f->shrt != 0) {
			snprintf(name, sizeof(name), "-%c", f->shrt);
			fn(ctx, name, f->has_arg);
		}
	}
}
