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
#include "engine.h"
#include "lexer.h"
#include "out.h"
#include "paths.h"
#include "util.h"

/* security = required|optional, from the environment (flag > env > config). */
static enum pd_status
security_mode(int *secure, char **cause)
{
	const char	*v = getenv("PRONTO_SECURITY");

	*secure = 0;
	if (v == NULL || *v == '\0' || strcmp(v, "optional") == 0)
		return PD_OK;
	if (strcmp(v, "required") == 0) {
		*secure = 1;
		return PD_OK;
	}
	*cause = xasprintf("PRONTO_SECURITY must be required or optional, "
	    "not '%s'", v);
	return PD_USAGE;
}

/*
 * A one-shot verb's credentials: PRONTO_API_KEY, or --user with a password
 * from --password-file or PRONTO_PASS.  They are handed to the engine, never
 * put into the synthesized stream.
 */
static enum pd_status
credentials(const struct cli *c, struct engine_opts *eo, char **pass,
    size_t *len, char **cause)
{
	const char	*key = getenv("PRONTO_API_KEY");
	const char	*env = getenv("PRONTO_PASS");
	enum pd_status	 s;

	*pass = NULL;
	*len = 0;
	if (!c->verb)
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

/* A stream's starting scope from -p/-n is checked like `use`. */
static enum pd_status
check_scope(const struct cli *c, char **cause)
{
	char	 d = c->delim != NULL ? c->delim[0] : '.';

	if (c->project != NULL && addr_check_part(c->project,
	    strlen(c->project), d, "project", cause) != PD_OK)
		return PD_USAGE;
	if (c->ns == NULL)
		return PD_OK;
	if (c->project == NULL) {
		*cause = xasprintf("namespace '%s' needs a project (-p)",
		    c->ns);
		return PD_USAGE;
	}
	if (addr_check_part(c->ns, strlen(c->ns), d, "namespace", cause) !=
	    PD_OK)
		return PD_USAGE;
	return PD_OK;
}

static struct lexer *
open_stream(const struct cli *c, int *fd, char **cause)
{
	*fd = -1;
	if (c->verb)
		return lexer_new_mem(c->stream.data, c->stream.len, 0);
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
	return c->verb ? PD_OK : check_scope(c, cause);
}

static void
engine_options(const struct cli *c, const struct paths *p, int secure,
    struct engine_opts *eo)
{
	memset(eo, 0, sizeof(*eo));
	eo->source = c->verb ? "<argv>" : c->file == NULL ||
	    strcmp(c->file, "-") == 0 ? "<stdin>" : c->file;
	eo->argv_mode = c->verb;
	eo->db = c->db;
	if (eo->db == NULL && (eo->db = getenv("PRONTO_DB")) != NULL &&
	    *eo->db == '\0')
		eo->db = NULL;	/* an empty variable is an unset one */
	eo->paths = p;
	eo->delim = c->delim != NULL ? c->delim[0] : '.';
	eo->project = c->verb ? NULL : c->project;
	eo->ns = c->verb ? NULL : c->ns;
	eo->on_error_stop = c->on_error_stop;
	eo->single_tx = c->single_tx;
	eo->quiet = c->quiet;
	eo->busy_ms = 5000;
	eo->dry_run = c->dry_run;
	eo->secure = secure;
}

int
main(int argc, char **argv)
{
	struct cli		 c;
	struct paths		 p;
	struct engine_opts	 eo;
	struct engine		 e;
	struct out		 o;
	struct lexer		*lx = NULL;
	enum pd_status		 s;
	char			*cause = NULL, *pass = NULL;
	size_t			 passlen = 0;
	int			 fd = -1, secure = 0, hint;

	/* Every file we create is private; EPIPE is reported, not fatal. */
	umask(077);
	signal(SIGPIPE, SIG_IGN);

	cli_init(&c);
	memset(&p, 0, sizeof(p));
	s = cli_parse(&c, argc, argv, &cause);
	/* Mistakes in the global flags get a hint; a verb's get its usage. */
	hint = !c.verb;
	if (s == PD_OK && !c.verb && c.file == NULL && isatty(STDIN_FILENO)) {
		cli_usage(stderr);
		s = PD_USAGE;
		goto out;
	}
	if (s == PD_OK && (s = check_flags(&c, &cause)) != PD_OK)
		hint = 1;
	if (s == PD_OK) {
		hint = 0;
		s = security_mode(&secure, &cause);
	}
	if (s == PD_OK) {
		paths_init(&p, c.home);
		engine_options(&c, &p, secure, &eo);
		s = credentials(&c, &eo, &pass, &passlen, &cause);
	}
	if (s == PD_OK && (lx = open_stream(&c, &fd, &cause)) == NULL)
		s = PD_IOERR;
	if (s != PD_OK) {
		fprintf(stderr, "prontodb: %s\n", cause);
		if (hint)
			fputs("Try 'prontodb --help'.\n", stderr);
		goto out;
	}
	if (c.help)
		cli_usage(stdout);
	out_init(&o, stdout, OUT_TEXT);
	o.discard = c.dry_run;
	engine_init(&e, &eo, &o);
	s = engine_run(&e, lx);
	engine_release(&e);
out:
	free(cause);
	auth_free(pass, passlen);
	lexer_free(lx);
	if (fd >= 0)
		close(fd);
	paths_release(&p);
	cli_release(&c);
	if (fclose(stdout) != 0 && s != PD_IOERR) {
		fputs("prontodb: cannot write to standard output\n", stderr);
		s = PD_IOERR;
	}
	return s;
}
