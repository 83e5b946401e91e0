/*
 * main.c - prontodb: argv in, exit status out.
 *
 * The only file that decides the process's exit status.  Everything else
 * lives in libpronto so the tests link exactly the code that ships.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "auth.h"
#include "cli.h"
#include "complete.h"
#include "config.h"
#include "cursor.h"
#include "engine.h"
#include "lexer.h"
#include "out.h"
#include "paths.h"
#include "progress.h"
#include "session.h"
#include "text.h"
#include "util.h"

/*
 * A one-shot verb's or a session's credentials: PRONTO_API_KEY, or --user
 * with a password from --password-file or PRONTO_PASS.  They are handed to
 * the engine, never put into the synthesized stream.
 */
static enum pd_status
credentials(const struct cli *c, int session, struct engine_opts *eo,
    char **pass, size_t *len, char **cause)
{
	const char	*key = getenv("PRONTO_API_KEY");
	const char	*env = getenv("PRONTO_PASS");
	enum pd_status	 s;

	*pass = NULL;
	*len = 0;
	if (!c->verb && !session)
		return PD_OK;
	if (key != NULL && *key != '\0') {
		eo->auth_apikey = key;
		return PD_OK;
	}
	if (c->user == NULL)
		return PD_OK;
	if (c->password_file != NULL) {
		if ((s = auth_read_file(c->password_file, pass, len, cause)) !=
		    PD_OK)
			return s;
	} else if (env != NULL) {
		*pass = xstrdup(env);
		*len = strlen(env);
		eo->env_pass_used = 1;
	} else
		return PD_OK;	/* --user alone names, it does not log in */
	eo->auth_user = c->user;
	eo->auth_pass = *pass;
	eo->auth_passlen = *len;
	return PD_OK;
}

/*
 * The starting scope: the cursor's project and namespace, replaced by -p
 * (which drops the cursor's namespace, as `use` would) and -n, checked
 * like `use`.  In a verb -p/-n travel as the statement's options and the
 * engine checks them, so only the cursor's scope starts it.
 */
static enum pd_status
start_scope(const struct cli *c, const struct cursor *cur, char d,
    const char **project, const char **ns, char **cause)
{
	char	*why = NULL;

	*project = cur->project;
	*ns = cur->project != NULL ? cur->ns : NULL;
	if ((cur->meta != NULL && cursor_check_meta(cur->meta, &why) !=
	    PD_OK) || (cur->project != NULL && addr_check_part(cur->project,
	    strlen(cur->project), d, "project", &why) != PD_OK) ||
	    (*ns != NULL && addr_check_part(*ns, strlen(*ns), d, "namespace",
	    &why) != PD_OK)) {
		*cause = xasprintf("cursor '%s': %s", cur->name, why);
		free(why);
		return PD_USAGE;
	}
	if (c->verb)
		return PD_OK;
	if (c->project != NULL) {
		if (addr_check_part(c->project, strlen(c->project), d,
		    "project", cause) != PD_OK)
			return PD_USAGE;
		*project = c->project;
		*ns = NULL;
	}
	if (c->ns == NULL)
		return PD_OK;
	if (*project == NULL) {
		*cause = xasprintf("namespace '%s' needs a project (-p)",
		    util_word(c->ns));
		return PD_USAGE;
	}
	if (addr_check_part(c->ns, strlen(c->ns), d, "namespace", cause) !=
	    PD_OK)
		return PD_USAGE;
	*ns = c->ns;
	return PD_OK;
}

static struct lexer *
open_stream(struct cli *c, int *fd, char **cause)
{
	*fd = -1;
	if (c->verb) {
		struct lexer	*lx;

		lx = lexer_new_mem(c->stream.data, c->stream.len, 0);
		if (c->value != NULL) {
			lexer_splice(lx, c->value_at, c->value, c->value_len);
			c->value = NULL;
		}
		return lx;
	}
	if (c->file == NULL || strcmp(c->file, "-") == 0)
		return lexer_new_fd(STDIN_FILENO, 0);
	if ((*fd = open(c->file, O_RDONLY | O_CLOEXEC)) < 0) {
		*cause = xasprintf("cannot open %s: %s", c->file,
		    strerror(errno));
		return NULL;
	}
	return lexer_new_fd(*fd, 0);
}

/* The global flags' own checks, which need no files. */
static enum pd_status
check_flags(const struct cli *c, char **cause)
{
	if (c->delim != NULL && addr_check_delim(c->delim, strlen(c->delim),
	    cause) != PD_OK)
		return PD_USAGE;
	if (c->key != NULL && !c->verb) {
		*cause = xstrdup("-k needs a verb");
		return PD_USAGE;
	}
	if (c->home != NULL && *c->home == '\0') {
		*cause = xstrdup("--home needs a directory");
		return PD_USAGE;
	}
	if (c->config != NULL && *c->config == '\0') {
		*cause = xstrdup("--config needs a file");
		return PD_USAGE;
	}
	if (c->select != NULL && c->db != NULL) {
		*cause = xstrdup("--select and --db cannot be used together: "
		    "--select switches for good, --db for one command");
		return PD_USAGE;
	}
	if (c->cursor != NULL && cursor_check_name(c->cursor, cause) != PD_OK)
		return PD_USAGE;
	if (c->meta != NULL && cursor_check_meta(c->meta, cause) != PD_OK)
		return PD_USAGE;
	return PD_OK;
}

/* Whether the verb is one of word0 word1 (word1 may be NULL). */
static int
verb_is(const struct cli *c, const char *word0, const char *word1)
{
	if (c->nwords < 1 || strcmp(c->words[0], word0) != 0)
		return 0;
	return word1 == NULL ||
	    (c->nwords >= 2 && strcmp(c->words[1], word1) == 0);
}

/*
 * The cursor in effect (--cursor NAME, else the user's active one) into
 * cur, and its database as the cursor layer of the settings.  --select
 * first changes that cursor's database, which must exist, and saves it.
 * Without cursor flags and with no cursor file in this home nothing is
 * read, not even the user's name.
 */
static enum pd_status
choose_cursor(const struct cli *c, const struct paths *p, struct config *cfg,
    struct cursor *cur, char **cause)
{
	struct cursors	 cs;
	struct cursor	*found;
	enum pd_status	 s;
	char		*user = NULL, *db = NULL, *origin;

	memset(&cs, 0, sizeof(cs));
	if (c->select == NULL && c->cursor == NULL && !cursor_any(p->state))
		return PD_OK;
	if (p->state == NULL) {
		*cause = xstrdup(p->error);
		return PD_ERROR;
	}
	if ((s = cursor_user(c->user, &user, cause)) != PD_OK ||
	    (s = cursor_load(&cs, p->state, user, cause)) != PD_OK)
		goto out;
	found = cursor_find(&cs, c->cursor != NULL ? c->cursor : cs.active);
	if (found == NULL) {
		*cause = xasprintf("no cursor '%s' (user %s)",
		    util_word(c->cursor), util_word(user));
		s = PD_USAGE;
		goto out;
	}
	if (c->select != NULL) {
		if ((s = cursor_check_db(p, c->select, &db, cause)) != PD_OK) {
			s = s == PD_MISS ? PD_USAGE : s;
			goto out;
		}
		cursor_field(&found->db, db);
		if (!c->dry_run && (s = cursor_save(&cs, cause)) != PD_OK)
			goto out;
	} else if (found->db != NULL) {
		origin = xasprintf("cursor %s", found->name);
		config_put(cfg, CONFIG_DATABASE, found->db, origin);
		free(origin);
	}
	cur->name = xstrdup(found->name);
	cursor_field(&cur->db, found->db);
	cursor_field(&cur->meta, found->meta);
	cursor_field(&cur->project, found->project);
	cursor_field(&cur->ns, found->ns);
out:
	free(user);
	free(db);
	cursor_release(&cs);
	return s;
}

/* The setting server, or NULL: names live in the data directory. */
static const char *
server_of(const struct config *cfg)
{
	return *cfg->value[CONFIG_SERVER] != '\0' ?
	    cfg->value[CONFIG_SERVER] : NULL;
}

/*
 * The settings of this command, lowest layer first: the config file, the
 * cursor, the environment, the flags.  A bad value anywhere is a usage
 * error (64) naming where it was found.
 */
static enum pd_status
settings(const struct cli *c, struct paths *p, struct config *cfg,
    struct cursor *cur, char **cause)
{
	const char	*file = c->config != NULL ? c->config : p->config;
	char		*resolved = NULL;
	enum pd_status	 s;

	cfg->user = c->user;
	cfg->cursor = c->cursor;
	if (file != NULL && (s = config_read(cfg, file, c->config != NULL,
	    cause)) != PD_OK)
		return s;
	/* A named file must exist, unless this command creates it. */
	if (c->config != NULL && !cfg->file_found &&
	    !verb_is(c, "config", "set")) {
		*cause = xasprintf("cannot read %s: %s", c->config,
		    strerror(ENOENT));
		return PD_IOERR;
	}
	/* The environment's server too: where a cursor's name lives. */
	if ((s = config_env(cfg, cause)) != PD_OK)
		return s;
	p->server = server_of(cfg);
	if ((s = choose_cursor(c, p, cfg, cur, cause)) != PD_OK ||
	    (s = config_env(cfg, cause)) != PD_OK)
		return s;
	p->server = server_of(cfg);	/* config_env put it anew */
	if (c->delim != NULL)
		config_put(cfg, CONFIG_NS_DELIM, c->delim, "flag --ns-delim");
	if (c->on_error != NULL)
		config_put(cfg, CONFIG_ON_ERROR, c->on_error,
		    "flag --on-error");
	if (c->output != NULL)
		config_put(cfg, CONFIG_OUTPUT, c->output, c->pretty ?
		    "flag --pretty" : strcmp(c->output, "json") == 0 ?
		    "flag --json" : "flag --tsv");
	if (c->select != NULL)
		config_put(cfg, CONFIG_DATABASE, cur->db, "flag --select");
	if (c->db != NULL) {
		/* -d follows the rule of every database name. */
		if ((s = config_check(CONFIG_DATABASE, "--db", c->db, cause)) !=
		    PD_OK)
			return s;
		config_put(cfg, CONFIG_DATABASE, c->db, "flag --db");
	}
	/* A cursor's database must exist: it is never created silently. */
	if (strncmp(cfg->origin[CONFIG_DATABASE], "cursor ", 7) == 0) {
		s = cursor_check_db(p, cfg->value[CONFIG_DATABASE], &resolved,
		    cause);
		free(resolved);
		if (s == PD_MISS) {
			free(*cause);
			*cause = xasprintf("database '%s' of cursor '%s' does "
			    "not exist (switch with --select, or see 'cursor "
			    "list')", util_word(cfg->value[CONFIG_DATABASE]),
			    util_word(cur->name));
			s = PD_ERROR;
		}
		if (s != PD_OK)
			return s;
	}
	return PD_OK;
}

static void
engine_options(const struct cli *c, const struct paths *p,
    const struct config *cfg, const struct cursor *cur, const char *project,
    const char *ns, struct engine_opts *eo)
{
	long long	 ms = 0;

	memset(eo, 0, sizeof(*eo));
	eo->source = c->verb ? "<argv>" : c->file == NULL ||
	    strcmp(c->file, "-") == 0 ? "<stdin>" : c->file;
	eo->argv_mode = c->verb;
	eo->db = cfg->value[CONFIG_DATABASE];
	eo->paths = p;
	/* --meta for this command, else the cursor's. */
	eo->meta = c->meta != NULL ? c->meta : cur->meta;
	eo->delim = cfg->value[CONFIG_NS_DELIM][0];
	eo->project = project;
	eo->ns = ns;
	eo->on_error_stop = strcmp(cfg->value[CONFIG_ON_ERROR], "stop") == 0;
	eo->single_tx = c->single_tx;
	eo->quiet = c->quiet;
	/* config_check let only 0 to INT_MAX through. */
	util_parse_number(cfg->value[CONFIG_BUSY_TIMEOUT_MS],
	    strlen(cfg->value[CONFIG_BUSY_TIMEOUT_MS]), 0, &ms);
	eo->busy_ms = (int)ms;
	eo->durable = strcmp(cfg->value[CONFIG_DURABILITY], "full") == 0;
	/* config_check let only good numbers and durations through. */
	util_parse_number(cfg->value[CONFIG_CHANGES_KEEP],
	    strlen(cfg->value[CONFIG_CHANGES_KEEP]), 0, &eo->changes_keep);
	eo->changes_age_ms = text_duration_ms(cfg->value[CONFIG_CHANGES_MAX_AGE],
	    strlen(cfg->value[CONFIG_CHANGES_MAX_AGE]));
	eo->dry_run = c->dry_run;
	eo->secure = strcmp(cfg->value[CONFIG_SECURITY], "required") == 0;
	eo->config = cfg;
}

/*
 * A session with security required and no credentials from the
 * environment asks for them, once; the engine logs in with them before
 * the first statement, as it does with a verb's.
 */
static enum pd_status
session_credentials(const struct cli *c, struct engine_opts *eo,
    char **user, char **pass, size_t *len, char **cause)
{
	enum pd_status	 s;

	/* A person at a prompt does not stop at the first mistake. */
	eo->on_error_stop = 0;
	eo->session = 1;
	if (!eo->secure || eo->auth_user != NULL || eo->auth_apikey != NULL)
		return PD_OK;
	if ((s = session_ask_login(c->user, user, pass, len, cause)) != PD_OK)
		return s;
	eo->auth_user = *user;
	eo->auth_pass = *pass;
	eo->auth_passlen = *len;
	return PD_OK;
}

/*
 * prontodb --complete CWORD WORD...: the candidates for word CWORD of the
 * command line WORD... (WORD0 the program), one a line, for the bash and
 * zsh completions.  Hidden: shells call it, people do not.  The global
 * flags typed choose the settings, as they would for the command; when
 * they are wrong, names from the store and the data directory are left
 * out.
 */
static int
complete_command(int argc, char **argv)
{
	struct cli		 c;
	struct paths		 p;
	struct config		 cfg;
	struct cursor		 cur;
	struct engine_opts	 eo;
	struct engine		 e;
	struct out		 o;
	struct complete_list	 l;
	const char		*project = NULL, *ns = NULL;
	char			*cause = NULL;
	long long		 cword;
	size_t			 i;
	int			 n = argc - 3, ok;

	if (argc < 4 || util_parse_number(argv[2], strlen(argv[2]), 0,
	    &cword) != 0 || cword < 1 || cword > n) {
		fputs("prontodb: usage: prontodb --complete CWORD WORD...\n",
		    stderr);
		return PD_USAGE;
	}
	cli_init(&c);
	config_init(&cfg);
	memset(&cur, 0, sizeof(cur));
	memset(&l, 0, sizeof(l));
	complete_globals(&c, argv + 3, (int)cword);
	/* Completing never switches a cursor: --select reads as --db. */
	if (c.select != NULL) {
		c.db = c.select;
		c.select = NULL;
	}
	paths_init(&p, c.home);
	ok = settings(&c, &p, &cfg, &cur, &cause) == PD_OK &&
	    start_scope(&c, &cur, cfg.value[CONFIG_NS_DELIM][0], &project,
	    &ns, &cause) == PD_OK;
	engine_options(&c, &p, &cfg, &cur, project, ns, &eo);
	out_init(&o, stdout, OUT_TEXT);
	engine_init(&e, &eo, &o);
	complete_argv(ok ? &e : NULL, argv + 3, n, (int)cword, &l);
	/* One a line: a name with a newline in it cannot be offered. */
	for (i = 0; i < l.n; i++)
		if (strchr(l.v[i], '\n') == NULL)
			printf("%s\n", l.v[i]);
	complete_release(&l);
	engine_release(&e);
	out_release(&o);
	free(cause);
	cursor_clear(&cur);
	config_release(&cfg);
	paths_release(&p);
	cli_release(&c);
	return fclose(stdout) != 0 ? PD_IOERR : PD_OK;
}

/*
 * A standard descriptor that is closed would go to the next file opened,
 * and what is printed for the user could be written into a file that was
 * opened for writing, or the input read from one.  Each one closed is
 * held by /dev/null, opened the other way round, so that using it still
 * fails (EBADF) and is reported as it would have been.
 */
static void
hold_std_fds(void)
{
	int	 fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY) != fd)
			_exit(PD_IOERR);
}

/* help and version work whatever the config says. */
static int
needs_settings(const struct cli *c)
{
	return !c->help && !c->version && !verb_is(c, "help", NULL) &&
	    !verb_is(c, "version", NULL);
}

int
main(int argc, char **argv)
{
	struct cli		 c;
	struct paths		 p;
	struct config		 cfg;
	struct cursor		 cur;
	struct engine_opts	 eo;
	struct engine		 e;
	struct out		 o;
	struct lexer		*lx = NULL;
	enum pd_status		 s;
	struct progress		 pg;
	struct session		*ss = NULL;
	const char		*project = NULL, *ns = NULL;
	char			*cause = NULL, *pass = NULL, *msg, *user = NULL;
	size_t			 passlen = 0;
	int			 fd = -1, hint, select_only, interactive;

	/*
	 * Every file we create is private.  EPIPE is reported, not fatal;
	 * so is EFBIG, a file past the size limit (ulimit -f), like a full
	 * disk.
	 */
	hold_std_fds();
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "--complete") == 0)
		return complete_command(argc, argv);

	cli_init(&c);
	config_init(&cfg);
	memset(&cur, 0, sizeof(cur));
	memset(&p, 0, sizeof(p));
	s = cli_parse(&c, argc, argv, &cause);
	/* Mistakes in the global flags get a hint; a verb's get its usage. */
	hint = !c.verb;
	/* On a terminal, `prontodb --select DB` alone only switches. */
	select_only = s == PD_OK && !c.verb && c.file == NULL &&
	    isatty(STDIN_FILENO);
	/* With nothing to do, a person at a terminal gets a session. */
	interactive = select_only && c.select == NULL &&
	    isatty(STDOUT_FILENO);
	if (select_only && c.select == NULL && !interactive) {
		cli_usage(stderr);
		s = PD_USAGE;
		goto out;
	}
	select_only = select_only && !interactive;
	if (s == PD_OK && (s = check_flags(&c, &cause)) != PD_OK)
		hint = 1;
	if (s == PD_OK) {
		hint = 0;
		paths_init(&p, c.home);
		if (needs_settings(&c))
			s = settings(&c, &p, &cfg, &cur, &cause);
	}
	if (s == PD_OK && select_only)
		goto out;
	if (s == PD_OK && (s = start_scope(&c, &cur,
	    cfg.value[CONFIG_NS_DELIM][0], &project, &ns, &cause)) != PD_OK)
		hint = !c.verb && (c.project != NULL || c.ns != NULL);
	if (s == PD_OK) {
		engine_options(&c, &p, &cfg, &cur, project, ns, &eo);
		s = credentials(&c, interactive, &eo, &pass, &passlen, &cause);
	}
	if (s == PD_OK && interactive)
		s = session_credentials(&c, &eo, &user, &pass, &passlen,
		    &cause);
	if (s == PD_OK && !interactive &&
	    (lx = open_stream(&c, &fd, &cause)) == NULL)
		s = PD_IOERR;
	if (s != PD_OK) {
		/* Escaped like the engine's messages (engine.c, report). */
		msg = util_escape(cause != NULL ? cause : "failed", 1);
		fprintf(stderr, "prontodb: %s\n", msg);
		free(msg);
		if (hint)
			fputs("Try 'prontodb --help'.\n", stderr);
		goto out;
	}
	if (c.help)
		cli_usage(stdout);
	out_init(&o, stdout, strcmp(cfg.value[CONFIG_OUTPUT], "json") == 0 ?
	    OUT_JSON : strcmp(cfg.value[CONFIG_OUTPUT], "tsv") == 0 ? OUT_TSV :
	    OUT_TEXT);
	o.pretty = c.pretty;
	o.header = c.header;
	o.discard = c.dry_run;
	/* A replayed stream shows its progress (not one typed live). */
	if (!c.verb && !interactive && !isatty(fd >= 0 ? fd : STDIN_FILENO)) {
		progress_start(&pg, "statements", c.quiet, fd >= 0 ? fd :
		    STDIN_FILENO);
		eo.progress = &pg;
	}
	engine_init(&e, &eo, &o);
	if (interactive)
		ss = session_open(&e, &p, &lx);
	s = engine_run(&e, lx);
	session_close(ss);
	engine_release(&e);
	out_release(&o);
out:
	free(cause);
	free(user);
	auth_free(pass, passlen);
	lexer_free(lx);
	if (fd >= 0)
		close(fd);
	cursor_clear(&cur);
	config_release(&cfg);
	paths_release(&p);
	cli_release(&c);
	if (fclose(stdout) != 0 && s != PD_IOERR) {
		fputs("prontodb: cannot write to standard output\n", stderr);
		s = PD_IOERR;
	}
	return s;
}
