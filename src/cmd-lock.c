/*
 * cmd-lock.c - named locks: lock, unlock.
 *
 * A lock is a key (sqlite/lock.c): lock NAME sets it, if it is free, to a
 * new random token, which it prints, with an expiry (ttl=, 60 seconds by
 * default) so that a holder that dies loses it; unlock NAME TOKEN and
 * lock NAME refresh=TOKEN act only for the holder of that token.  With
 * wait=S a lock that is held is waited for, in the queue of waiters,
 * first come first served: the waiter sleeps until a commit or the
 * holder's expiry wakes it (store_watch_wait), never polling the key.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

#define LOCK_TTL_MS	60000
#define TOKEN_BYTES	16

static enum pd_status
not_held(struct engine *e, char **cause)
{
	*cause = xasprintf("%s: not locked with that token",
	    addr_word(&e->addr, e->delim));
	return PD_MISS;
}

/* The record of a lock taken or refreshed: its address and token. */
static enum pd_status
held(struct engine *e, const char *token)
{
	char	*t = xasprintf("%s%c%s%c%s", e->addr.project, e->delim,
	    e->addr.ns, e->delim, e->addr.key);

	out_str(e->out, "address", t);
	free(t);
	out_str(e->out, "token", token);
	return out_emit(e->out, OUT_VALUE);
}

/* Take the lock, waiting up to wait ms in the queue for it. */
static enum pd_status
take(struct engine *e, const char *token, long long ttl, long long wait,
    char **cause)
{
	struct store_watch	*sw = NULL;
	enum pd_status		 s;
	long long		 deadline, until, now, retry, left;

	if (wait > 0 && (s = store_watch_open(e->store, &sw, cause)) != PD_OK)
		return s;
	deadline = util_mono_ms() + wait;
	until = util_now_ms() + wait;
	for (;;) {
		now = util_now_ms();
		s = store_lock_take(e->store, sw, until, &e->addr, token, now,
		    now + ttl, &retry, cause);
		if (s != PD_MISS || sw == NULL)
			break;
		if ((left = deadline - util_mono_ms()) <= 0)
			break;
		if (retry > 0 && retry - now + 1 < left)
			left = retry > now ? retry - now + 1 : 1;
		if ((s = store_watch_wait(sw, left, cause)) != PD_OK &&
		    s != PD_MISS)
			break;
	}
	store_watch_close(sw);
	if (s == PD_MISS)
		*cause = xasprintf("%s: locked by another holder",
		    addr_word(&e->addr, e->delim));
	return s;
}

static enum pd_status
cmd_lock(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*o;
	unsigned char		 raw[TOKEN_BYTES];
	char			 token[TOKEN_BYTES * 2 + 1];
	long long		 ttl = LOCK_TTL_MS, wait = 0;
	enum pd_status		 s;

	if ((o = stmt_opt(st, "ttl")) != NULL && (s = cmd_duration(e, "ttl",
	    o->val, o->vlen, o->line, o->col, 0, &ttl, cause)) != PD_OK)
		return s;
	if ((o = stmt_opt(st, "wait")) != NULL && (s = cmd_duration(e, "wait",
	    o->val, o->vlen, o->line, o->col, 1, &wait, cause)) != PD_OK)
		return s;
	if ((o = stmt_opt(st, "refresh")) != NULL) {
		s = store_lock_refresh(e->store, &e->addr, o->val,
		    util_now_ms() + ttl, cause);
		return s == PD_OK ? held(e, o->val) : s == PD_MISS ?
		    not_held(e, cause) : s;
	}
	if ((s = auth_init(cause)) != PD_OK)
		return s;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	if ((s = take(e, token, ttl, wait, cause)) != PD_OK)
		return s;
	return held(e, token);
}

static enum pd_status
cmd_unlock(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s = store_unlock(e->store, &e->addr, st->args[1].s,
	    cause);

	return s == PD_MISS ? not_held(e, cause) : s;
}

static const struct cmd_opt lock_opts[] = {
	{ "ttl", "S", 0, 0 },
	{ "wait", "S", 0, 0 },
	{ "refresh", "TOKEN", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_lock_entry = {
	.name = "lock",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ADDR | CMD_NOTX,
	.opts = lock_opts,
	.exec = cmd_lock,
	.summary = "take a named lock and print its owner token",
	.help = "Take the lock NAME, an address whose key holds the owner "
	    "token while it is locked, and print the token: keep it to unlock. "
	    "The lock expires after ttl=S (60 seconds by default), so a holder "
	    "that dies loses it; refresh=TOKEN gives the holder a new ttl=S "
	    "instead of taking it. A lock that is held is a miss (exit 2) at "
	    "once, or after wait=S spent in the queue of waiters, which are "
	    "served in the order they came. It needs write access to NAME "
	    "and cannot run inside a transaction.",
	.example = "token=$(prontodb lock app.locks.deploy --ttl 30)\n"
	    "prontodb lock app.locks.deploy --refresh \"$token\" --ttl 60\n"
	    "prontodb unlock app.locks.deploy \"$token\"",
};

const struct cmd cmd_unlock_entry = {
	.name = "unlock",
	.args = "NAME TOKEN",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ADDR | CMD_NOTX,
	.exec = cmd_unlock,
	.summary = "release a named lock held with TOKEN",
	.help = "Release the lock NAME if it is held with TOKEN, the token "
	    "lock printed: its key is deleted and the first waiter takes it. "
	    "A lock that is free, expired or held with another token is a "
	    "miss (exit 2), and nothing changes.",
	.example = "token=$(prontodb lock app.locks.deploy)\n"
	    "prontodb unlock app.locks.deploy \"$token\"",
};
