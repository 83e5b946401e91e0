/*
 * auth.h - passwords, API keys and the checks behind `auth`.
 *
 * Passwords are stored only as libsodium argon2id strings (deliberately
 * slow: about 150 ms to check).  API keys are long random secrets, so a
 * keyed BLAKE2b hash is enough and makes key logins fast.  Every comparison
 * of secrets is constant-time.
 */
#ifndef PRONTO_AUTH_H
#define PRONTO_AUTH_H

#include <stddef.h>

#include "status.h"
#include "util.h"

struct store;

/* Initialize libsodium; PD_ERROR if it cannot be. */
enum pd_status	auth_init(char **cause);

/* An argon2id hash string of pass, caller frees. */
enum pd_status	auth_hash_password(const char *pass, size_t len, char **hash,
		    char **cause);

/*
 * Check user's password.  An unknown user costs the same time as a wrong
 * password, so timing does not reveal which users exist.  Returns PD_OK,
 * PD_DENIED, or a store error; *admin tells whether the user is an admin.
 */
enum pd_status	auth_login_password(struct store *, const char *user,
		    const char *pass, size_t len, int *admin, char **cause);

/* Check an API key; on success *user (caller frees) and *admin are set. */
enum pd_status	auth_login_apikey(struct store *, const char *key,
		    size_t len, char **user, int *admin, char **cause);

/*
 * Create an API key for user: store its hash and return the key itself
 * (caller frees and shows it once) and its public id.
 */
enum pd_status	auth_apikey_create(struct store *, const char *user,
		    long long now, char **key, char **id, char **cause);

/*
 * A new password for `user add` / `user passwd`, from the first source that
 * has one: a file, the environment variable PRONTO_PASS (when allowed), or a
 * prompt on the terminal (when allowed).  Caller frees with auth_free.
 */
enum pd_status	auth_new_password(const char *file, int use_env,
		    int use_tty, char **pass, size_t *len, char **cause);
/* Read a password file: its first line, without the newline. */
enum pd_status	auth_read_file(const char *file, char **pass, size_t *len,
		    char **cause);

/* Wipe and free a secret. */
void		auth_free(char *, size_t);

#endif
