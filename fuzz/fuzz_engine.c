/*
 * fuzz_engine.c - libFuzzer harness for the whole stream engine.
 *
 * Each input is run as a stream, as src/main.c runs standard input: the
 * lexer, the parser, the engine, the store, on a scratch home created once
 * per process and emptied before each input, so every input starts from
 * no database at all.  Output goes to /dev/null.  A first line such as
 * "#!fuzz json stop" (a comment to the stream) picks settings: json or
 * tsv output, stop (--on-error=stop), dry (--dry-run), single (-1), quiet
 * (-q) and secure (security = required).
 *
 * The engine may write wherever a stream names a path, so fuzz/fuzz.sh
 * runs this harness with every file system read-only except its own
 * directory.  Password hashing is made cheap and waiting for a change
 * fails at once (see below): a stream of `user add` or `auth` lines, or a
 * `watch` or `wait` without a timeout, is not a hang.  Built and run by
 * `make fuzz`.
 */
#define _GNU_SOURCE 1		/* nftw, ppoll */

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "lexer.h"
#include "out.h"
#include "paths.h"
#include "util.h"

/*
 * argon2id at the interactive limits costs 64 MiB and tens of
 * milliseconds a hash.  Here hashes use the minimum limits, and a hash
 * made at other limits (the decoy that hides whether a user exists) fails
 * at once, as it would anyway.  The engine's code is unchanged.
 */
#define FAST_PREFIX	"$argon2id$v=19$m=8,t=1,p=1$"

int
crypto_pwhash_str(char out[crypto_pwhash_STRBYTES], const char *const passwd,
    unsigned long long passwdlen, unsigned long long opslimit,
    size_t memlimit)
{
	return crypto_pwhash_argon2id_str(out, passwd, passwdlen,
	    crypto_pwhash_argon2id_OPSLIMIT_MIN,
	    crypto_pwhash_argon2id_MEMLIMIT_MIN);
}

int
crypto_pwhash_str_verify(const char *str, const char *const passwd,
    unsigned long long passwdlen)
{
	if (strncmp(str, FAST_PREFIX, sizeof(FAST_PREFIX) - 1) != 0)
		return -1;
	return crypto_pwhash_argon2id_str_verify(str, passwd, passwdlen);
}

/*
 * A stream is the only client here, so nothing can commit the change that
 * `watch`, `wait` or a lock's waiter sleeps for: a wait of any length
 * fails as the system call would (EINVAL), which ends the verb with its
 * error after the engine's code up to the wait has run.  A check that
 * does not wait (timeout 0) is answered.
 */
int
poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	static const struct timespec	 now;

	if (timeout != 0) {
		errno = EINVAL;
		return -1;
	}
	return ppoll(fds, nfds, &now, NULL);
}

static char		 home[PATH_MAX];
static char		 tmpdir[PATH_MAX];
static struct paths	 paths;
static struct config	 cfg;
static FILE		*devnull;

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	if (f->level > 0)
		remove(path);
	return 0;
}

/* Empty the scratch home: no database, config, cursor or backup. */
static void
reset_home(void)
{
	nftw(home, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(tmpdir, 0700);
}

static void
remove_home(void)
{
	reset_home();
	rmdir(tmpdir);
	rmdir(home);
}

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	umask(077);
	signal(SIGPIPE, SIG_IGN);
	snprintf(home, sizeof(home), "%s/prontodb-fuzz-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(home) == NULL) {
		perror(home);
		exit(1);
	}
	atexit(remove_home);
	/* The purge's backups land in the scratch too. */
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", home);
	if (setenv("TMPDIR", tmpdir, 1) != 0) {
		perror(tmpdir);
		exit(1);
	}
	/* The settings are the defaults, whatever this environment says. */
	unsetenv("PRONTO_HOME");
	unsetenv("PRONTO_DB");
	unsetenv("PRONTO_SECURITY");
	unsetenv("PRONTO_PASS");
	unsetenv("PRONTO_API_KEY");
	unsetenv("PRONTO_ADMIN_PASS");
	paths_init(&paths, home);
	config_init(&cfg);
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		perror("/dev/null");
		exit(1);
	}
	return 0;
}

/* Whether the "#!fuzz ..." first line of the input names word. */
static int
setting(const uint8_t *data, size_t size, const char *word)
{
	const char	*end, *p;
	size_t		 n = strlen(word);

	if (size < 7 || memcmp(data, "#!fuzz ", 7) != 0)
		return 0;
	if ((end = memchr(data, '\n', size)) == NULL)
		end = (const char *)data + size;
	for (p = (const char *)data + 6; p + n < end; p++)
		if (*p == ' ' && memcmp(p + 1, word, n) == 0 &&
		    (p + 1 + n == end || p[1 + n] == ' '))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_opts	 eo;
	struct engine		 e;
	struct out		 o;
	struct lexer		*lx;

	reset_home();
	memset(&eo, 0, sizeof(eo));
	eo.source = "<stdin>";
	eo.db = cfg.value[CONFIG_DATABASE];
	eo.paths = &paths;
	eo.delim = cfg.value[CONFIG_NS_DELIM][0];
	eo.on_error_stop = setting(data, size, "stop");
	eo.single_tx = setting(data, size, "single");
	eo.quiet = setting(data, size, "quiet");
	eo.busy_ms = (int)strtol(cfg.value[CONFIG_BUSY_TIMEOUT_MS], NULL, 10);
	eo.dry_run = setting(data, size, "dry");
	eo.secure = setting(data, size, "secure");
	eo.config = &cfg;

	lx = lexer_new_mem(data, size, 0);
	out_init(&o, devnull, setting(data, size, "json") ? OUT_JSON :
	    setting(data, size, "tsv") ? OUT_TSV : OUT_TEXT);
	o.discard = eo.dry_run;
	engine_init(&e, &eo, &o);
	engine_run(&e, lx);
	engine_release(&e);
	out_release(&o);
	lexer_free(lx);
	clearerr(devnull);
	return 0;
}
