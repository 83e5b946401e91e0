/*
 * auth.c - password hashing, API keys and credential checks (libsodium).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "store.h"

#define KEY_PREFIX	"pdb_"
#define KEY_ID_BYTES	8
#define KEY_SECRET_BYTES 32
#define KEY_HASH_BYTES	32
#define MAX_SECRET	4096

enum pd_status
auth_init(char **cause)
{
	if (sodium_init() < 0) {
		*cause = xstrdup("cannot initialize libsodium");
		return PD_ERROR;
	}
	return PD_OK;
}

enum pd_status
auth_hash_password(const char *pass, size_t len, char **hash, char **cause)
{
	char	 out[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str(out, pass, len,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		*cause = xstrdup("cannot hash the password (out of memory)");
		return PD_ERROR;
	}
	*hash = xstrdup(out);
	return PD_OK;
}

/*
 * The argon2id hash of a random password nobody knows, with the same cost
 * as real ones: checking it spends the time a wrong password would, so an
 * unknown user name cannot be told apart by timing.
 */
static const char decoy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$Mp59iHdixPAMh5h7EPm+IQ$"
    "2RVZqWAoRvygS93bokEwEBxsZy8e92utMfsOtHJIfWI";

enum pd_status
auth_login_password(struct store *st, const char *user, const char *pass,
    size_t len, int *admin, char **cause)
{
	struct buf	 hash;
	enum pd_status	 s;

	buf_init(&hash);
	s = store_user_get(st, user, &hash, admin, cause);
	if (s == PD_OK) {
		if (crypto_pwhash_str_verify(hash.data, pass, len) != 0)
			s = PD_DENIED;
	} else if (s == PD_MISS) {
		if (crypto_pwhash_str_verify(decoy_hash, pass, len) == 0)
			abort();	/* nobody knows the decoy's password */
		s = PD_DENIED;
	}
	buf_release(&hash);
	return s;
}

static void
fill_random(void *p, size_t n)
{
	randombytes_buf(p, n);
}

/*
 * The keyed hash of an API key's secret.  The database's hash key is made
 * when the first key is (create); a login never writes it: without one no
 * key can be valid (PD_MISS).
 */
static enum pd_status
key_hash(struct store *st, const unsigned char *secret, size_t len,
    int create, unsigned char out[KEY_HASH_BYTES], char **cause)
{
	struct buf	 k;
	enum pd_status	 s;

	buf_init(&k);
	s = store_secret(st, "apikey_hash_key", create ? fill_random : NULL,
	    crypto_generichash_KEYBYTES, &k, cause);
	if (s == PD_OK)
		crypto_generichash(out, KEY_HASH_BYTES, secret, len,
		    (const unsigned char *)k.data, k.len);
	sodium_memzero(k.data, k.len);
	buf_release(&k);
	return s;
}

enum pd_status
auth_apikey_create(struct store *st, const char *user, long long now,
    char **key, char **id, char **cause)
{
	unsigned char	 rid[KEY_ID_BYTES], secret[KEY_SECRET_BYTES];
	unsigned char	 h[KEY_HASH_BYTES];
	char		 hid[KEY_ID_BYTES * 2 + 1];
	char		 b64[sodium_base64_ENCODED_LEN(KEY_SECRET_BYTES,
			    sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	enum pd_status	 s;

	randombytes_buf(rid, sizeof(rid));
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(hid, sizeof(hid), rid, sizeof(rid));
	sodium_bin2base64(b64, sizeof(b64), secret, sizeof(secret),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((s = key_hash(st, (unsigned char *)b64, strlen(b64), 1, h,
	    cause)) != PD_OK ||
	    (s = store_apikey_add(st, hid, user, h, sizeof(h), now, cause)) !=
	    PD_OK)
		goto out;
	*key = xasprintf(KEY_PREFIX "%s_%s", hid, b64);
	*id = xstrdup(hid);
out:
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(b64, sizeof(b64));
	return s;
}

enum pd_status
auth_login_apikey(struct store *st, const char *key, size_t len, char **user,
    int *admin, char **cause)
{
	struct buf	 u, h, ignored;
	unsigned char	 want[KEY_HASH_BYTES];
	char		 id[KEY_ID_BYTES * 2 + 1];
	const char	*secret;
	enum pd_status	 s;

	*user = NULL;
	if (len < strlen(KEY_PREFIX) + sizeof(id) ||
	    strncmp(key, KEY_PREFIX, strlen(KEY_PREFIX)) != 0 ||
	    key[strlen(KEY_PREFIX) + sizeof(id) - 1] != '_')
		return PD_DENIED;
	memcpy(id, key + strlen(KEY_PREFIX), sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	secret = key + strlen(KEY_PREFIX) + sizeof(id);
	buf_init(&u);
	buf_init(&h);
	buf_init(&ignored);
	s = key_hash(st, (const unsigned char *)secret,
	    len - (size_t)(secret - key), 0, want, cause);
	if (s == PD_OK)
		s = store_apikey_get(st, id, &u, &h, cause);
	if (s == PD_MISS)
		s = PD_DENIED;
	else if (s == PD_OK && (h.len != sizeof(want) ||
	    sodium_memcmp(h.data, want, sizeof(want)) != 0))
		s = PD_DENIED;
	if (s == PD_OK)
		s = store_user_get(st, u.data, &ignored, admin, cause);
	if (s == PD_OK)
		*user = buf_detach(&u, NULL);
	else if (s == PD_MISS)
		s = PD_DENIED;
	buf_release(&u);
	buf_release(&h);
	buf_release(&ignored);
	return s;
}

void
auth_free(char *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

/* Read one line from fd, without its newline. */
static enum pd_status
read_line(int fd, char **pass, size_t *len, const char *what, char **cause)
{
	char	*p = xmalloc(MAX_SECRET + 1);
	size_t	 n = 0;
	ssize_t	 r;

	while (n < MAX_SECRET) {
		r = read(fd, p + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*cause = xasprintf("cannot read %s: %s", what,
			    strerror(errno));
			auth_free(p, MAX_SECRET + 1);
			return PD_IOERR;
		}
		if (r == 0 || p[n] == '\n')
			break;
		n++;
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	p[n] = '\0';
	*pass = p;
	*len = n;
	return PD_OK;
}

enum pd_status
auth_read_file(const char *file, char **pass, size_t *len, char **cause)
{
	enum pd_status	 s;
	int		 fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*cause = xasprintf("cannot open password file %s: %s", file,
		    strerror(errno));
		return PD_IOERR;
	}
	s = read_line(fd, pass, len, "the password file", cause);
	close(fd);
	return s;
}

/* Prompt on the terminal with echo off. */
static enum pd_status
prompt(const char *what, char **pass, size_t *len, char **cause)
{
	struct termios	 old, quiet;
	enum pd_status	 s;
	int		 fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	if (fd < 0 || tcgetattr(fd, &old) != 0) {
		if (fd >= 0)
			close(fd);
		*cause = xstrdup("no password: set PRONTO_PASS, use "
		    "--password-file FILE, or run on a terminal");
		return PD_USAGE;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (write(fd, what, strlen(what)) < 0)
		(void)0;	/* the prompt is a courtesy */
	tcsetattr(fd, TCSAFLUSH, &quiet);
	s = read_line(fd, pass, len, "the terminal", cause);
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		(void)0;
	close(fd);
	return s;
}

enum pd_status
auth_new_password(const char *file, int use_env, int use_tty, char **pass,
    size_t *len, char **cause)
{
	const char	*env = getenv("PRONTO_PASS");
	char		*again = NULL;
	size_t		 alen = 0;
	enum pd_status	 s;

	if (file != NULL)
		s = auth_read_file(file, pass, len, cause);
	else if (use_env && env != NULL) {
		*pass = xstrdup(env);
		*len = strlen(env);
		s = PD_OK;
	} else if (use_tty) {
		s = prompt("New password: ", pass, len, cause);
		if (s == PD_OK &&
		    (s = prompt("Again: ", &again, &alen, cause)) == PD_OK &&
		    (alen != *len || sodium_memcmp(again, *pass, alen) != 0)) {
			*cause = xstrdup("the passwords do not match");
			s = PD_USAGE;
		}
		auth_free(again, alen);
		if (s != PD_OK && s != PD_IOERR && *cause == NULL)
			*cause = xstrdup("no password given");
	} else {
		*cause = xstrdup("no password: set PRONTO_PASS, use "
		    "--password-file FILE, or run on a terminal");
		s = PD_USAGE;
	}
	if (s == PD_OK && *len == 0) {
		auth_free(*pass, 0);
		*cause = xstrdup("the password must not be empty");
		s = PD_DATAERR;
	}
	return s;
}
