/*
 * cmd-ttl.c - expiry: TTL namespaces (cache verbs), ttl, expire, persist,
 * and the expiry every write gets.
 *
 * Expiry is a namespace policy: a TTL namespace gives each write its
 * default TTL unless the write names one (ttl=, or a stream's meta:ttl).
 * Times are seconds on the command line, milliseconds inside.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "text.h"
#include "util.h"

enum pd_status
cmd_duration(struct engine *e, const char *what, const char *text,
    size_t len, unsigned line, unsigned col, int zero, long long *ms,
    char **cause)
{
	/* "0" is no duration at all, and "0s" or "0.0" no more. */
	if ((*ms = text_duration_ms(text, len)) < 0 || (*ms == 0 && !zero)) {
		engine_blame(e, line, col);
		*cause = xasprintf("%s must be a duration from %s to %lldd "
		    "(seconds, or 1500ms, 90s, 30m, 2h, 1d), not '%s'", what,
		    zero ? "0" : "1ms", TEXT_DURATION_MAX / 86400000,
		    util_wordn(text, len));
		return PD_DATAERR;
	}
	return PD_OK;
}

/* A positive duration from option or argument text (text.h: units). */
static enum pd_status
positive_seconds(struct engine *e, const char *what, const char *text,
    size_t len, unsigned line, unsigned col, long long *ms, char **cause)
{
	return cmd_duration(e, what, text, len, line, col, 0, ms, cause);
}

enum pd_status
cmd_expiry(struct engine *e, const struct stmt *st, long long now,
    long long *expires, char **cause)
{
	const struct opt	*o = stmt_opt(st, "ttl");
	long long		 ns_ttl, max, ms;
	enum pd_status		 s;

	*expires = 0;
	if ((s = store_ns_limits(e->store, e->addr.project, e->addr.ns,
	    &ns_ttl, &max, cause)) != PD_OK)
		return s;
	if (o != NULL) {
		if ((s = positive_seconds(e, "ttl", o->val, o->vlen, o->line,
		    o->col, &ms, cause)) != PD_OK)
			return s;
	} else
		ms = e->stream_ttl > 0 ? e->stream_ttl : ns_ttl;
	if ((o != NULL || e->stream_ttl > 0) && ns_ttl == 0) {
		if (o != NULL)
			engine_blame(e, o->line, o->col);
		*cause = xasprintf("%s needs a TTL namespace: %s%c%s is a "
		    "standard one (cache create %s%c%s ttl=SECONDS)",
		    o != NULL ? "ttl=" : "meta:ttl", util_word(e->addr.project),
		    e->delim, util_word(e->addr.ns), util_word(e->addr.project),
		    e->delim, util_word(e->addr.ns));
		return PD_DATAERR;
	}
	if (ms > 0)
		*expires = now + ms;
	return PD_OK;
}

static enum pd_status
cmd_default_ttl(struct engine *e, struct stmt *st, char **cause)
{
	long long	 ms, ns_ttl, max;
	enum pd_status	 s;

	if ((s = positive_seconds(e, "meta:ttl", st->args[0].s,
	    st->args[0].len, st->args[0].line, st->args[0].col, &ms,
	    cause)) != PD_OK)
		return s;
	/* With a namespace in scope, it must be a TTL one now. */
	if (e->sc.project != NULL && e->sc.ns != NULL) {
		struct store	*store;

		if ((s = engine_store(e, &store, cause)) != PD_OK ||
		    (s = store_ns_limits(store, e->sc.project, e->sc.ns,
		    &ns_ttl, &max, cause)) != PD_OK)
			return s;
		if (ns_ttl == 0) {
			*cause = xasprintf("meta:ttl needs a TTL namespace: "
			    "%s%c%s is a standard one",
			    util_word(e->sc.project), e->delim,
			    util_word(e->sc.ns));
			return PD_DATAERR;
		}
	}
	e->stream_ttl = ms;
	return PD_OK;
}

static enum pd_status
key_miss(struct engine *e, char **cause)
{
	*cause = xasprintf("%s: not found", addr_word(&e->addr, e->delim));
	return PD_MISS;
}

static enum pd_status
cmd_ttl(struct engine *e, struct stmt *st, char **cause)
{
	struct store_info	 info;
	enum pd_status		 s;
	char			*t;

	if ((s = store_info(e->store, &e->addr, &info, cause)) != PD_OK)
		return s == PD_MISS ? key_miss(e, cause) : s;
	t = xasprintf("%s%c%s%c%s", e->addr.project, e->delim, e->addr.ns,
	    e->delim, e->addr.key);
	out_str(e->out, "address", t);
	free(t);
	out_int(e->out, "ttl_ms", info.expires > 0 ?
	    info.expires - util_now_ms() : -1);
	return out_emit(e->out, OUT_VALUE);
}

static enum pd_status
cmd_expire(struct engine *e, struct stmt *st, char **cause)
{
	long long	 ms;
	enum pd_status	 s;

	if ((s = positive_seconds(e, "the expiry", st->args[1].s,
	    st->args[1].len, st->args[1].line, st->args[1].col, &ms,
	    cause)) != PD_OK)
		return s;
	s = store_expire(e->store, &e->addr, util_now_ms() + ms, cause);
	return s == PD_MISS ? key_miss(e, cause) : s;
}

static enum pd_status
cmd_persist(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s = store_expire(e->store, &e->addr, 0, cause);

	return s == PD_MISS ? key_miss(e, cause) : s;
}

/* PROJECT.NAMESPACE of a cache verb, checked like an address. */
static enum pd_status
cache_target(struct engine *e, const struct arg *a, char **p, char **n,
    char **cause)
{
	const char	*d = memchr(a->s, e->delim, a->len);

	engine_blame(e, a->line, a->col);
	*p = *n = NULL;
	if (d == NULL || d == a->s || d[1] == '\0' ||
	    memchr(d + 1, e->delim, a->len - (size_t)(d - a->s) - 1) != NULL) {
		*cause = xasprintf("'%s': give PROJECT.NAMESPACE",
		    util_wordn(a->s, a->len));
		return PD_DATAERR;
	}
	if (addr_check_part(a->s, (size_t)(d - a->s), e->delim, "project",
	    cause) != PD_OK || addr_check_part(d + 1, a->len -
	    (size_t)(d - a->s) - 1, e->delim, "namespace", cause) != PD_OK)
		return PD_DATAERR;
	engine_blame(e, 0, 0);
	*p = xmemdup(a->s, (size_t)(d - a->s));
	*n = xstrdup(d + 1);
	return PD_OK;
}

/* max_items=N: a number of keys, or 0 for no limit. */
static enum pd_status
max_items(struct engine *e, const struct opt *o, long long *v, char **cause)
{
	static const struct util_range keys = { "a number of keys", 0,
	    LLONG_MAX, 0 };

	if (o == NULL)
		return PD_OK;
	if (util_number("max_items", o->val, o->vlen, &keys, v, cause) != 0) {
		engine_blame(e, o->line, o->col);
		return PD_DATAERR;
	}
	return PD_OK;
}

static int
apply_all(const struct stmt *st)
{
	const struct opt	*o = stmt_opt(st, "apply");

	return o != NULL && strcmp(o->val, "all") == 0;
}

/* A cache's TTL option: ttl=, or timeout= as upstream spelt it. */
static const struct opt *
ttl_option(const struct stmt *st)
{
	const struct opt	*o = stmt_opt(st, "ttl");

	return o != NULL ? o : stmt_opt(st, "timeout");
}

/*
 * cache create P.N ttl=S [max_items=N] [apply=all], and the upstream
 * create-cache P.N timeout=S / create-cache P.N S.
 */
static enum pd_status
cmd_cache_create(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*o = ttl_option(st);
	const char		*text;
	char			*p, *n;
	long long		 ms, max = 0;
	enum pd_status		 s;
	unsigned		 line = st->line, col = st->col;
	size_t			 len;

	if (o != NULL) {
		text = o->val;
		len = o->vlen;
		line = o->line;
		col = o->col;
	} else if (st->nargs > 1) {
		text = st->args[1].s;
		len = st->args[1].len;
		line = st->args[1].line;
		col = st->args[1].col;
	} else {
		*cause = xstrdup("a cache needs ttl=SECONDS");
		return PD_DATAERR;
	}
	if ((s = positive_seconds(e, o != NULL ? o->name : "ttl", text, len,
	    line, col, &ms, cause)) != PD_OK ||
	    (s = max_items(e, stmt_opt(st, "max_items"), &max, cause)) !=
	    PD_OK)
		return s;
	if ((s = cache_target(e, &st->args[0], &p, &n, cause)) != PD_OK)
		return s;
	if ((s = engine_permit(e, GRANT_ADMIN, p, n, cause)) == PD_OK)
		s = store_ns_policy(e->store, p, n, ms, max, apply_all(st),
		    util_now_ms(), cause);
	free(p);
	free(n);
	return s;
}

static enum pd_status
cmd_cache_set(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*o = ttl_option(st);
	char			*p, *n;
	long long		 ttl = 0, max = 0;
	enum pd_status		 s;

	if ((s = cache_target(e, &st->args[0], &p, &n, cause)) != PD_OK)
		return s;
	/* Refused before it is looked at: a denial says nothing of it. */
	if ((s = engine_permit(e, GRANT_ADMIN, p, n, cause)) != PD_OK ||
	    (s = store_ns_limits(e->store, p, n, &ttl, &max, cause)) != PD_OK)
		goto out;
	if (ttl == 0) {
		*cause = xasprintf("%s is not a cache (cache create %s "
		    "ttl=SECONDS)", util_word(st->args[0].s),
		    util_word(st->args[0].s));
		s = PD_ERROR;
		goto out;
	}
	if ((o != NULL && (s = positive_seconds(e, "ttl", o->val, o->vlen,
	    o->line, o->col, &ttl, cause)) != PD_OK) ||
	    (s = max_items(e, stmt_opt(st, "max_items"), &max, cause)) !=
	    PD_OK)
		goto out;
	s = store_ns_policy(e->store, p, n, ttl, max, apply_all(st),
	    util_now_ms(), cause);
out:
	free(p);
	free(n);
	return s;
}

static enum pd_status
cmd_cache_drop(struct engine *e, struct stmt *st, char **cause)
{
	char		*p, *n;
	long long	 ttl = 0, max = 0;
	enum pd_status	 s;

	if ((s = cache_target(e, &st->args[0], &p, &n, cause)) != PD_OK)
		return s;
	if ((s = engine_permit(e, GRANT_ADMIN, p, n, cause)) == PD_OK &&
	    (s = store_ns_limits(e->store, p, n, &ttl, &max, cause)) ==
	    PD_OK && ttl == 0) {
		*cause = xasprintf("%s is not a cache",
		    util_word(st->args[0].s));
		s = PD_ERROR;
	}
	/* Back to a standard namespace: keys stay, without expiry. */
	if (s == PD_OK)
		s = store_ns_policy(e->store, p, n, 0, 0, 1, util_now_ms(),
		    cause);
	free(p);
	free(n);
	return s;
}

static enum pd_status
cache_line(void *ctx, const struct store_object *o)
{
	struct engine	*e = ctx;
	char		*full;
	enum pd_status	 s;

	/* Like nss: only what the user may read. */
	if (o->ttl_ms <= 0 || !engine_can(e, GRANT_READ, o->project, o->ns))
		return PD_OK;
	full = xasprintf("%s%c%s", o->project, e->delim, o->ns);
	out_str(e->out, "namespace", full);
	out_int(e->out, "ttl_ms", o->ttl_ms);
	if (o->max_items > 0)
		out_int(e->out, "max_items", o->max_items);
	s = out_emit(e->out, OUT_WORDS);
	free(full);
	return s;
}

static enum pd_status
cmd_cache_list(struct engine *e, struct stmt *st, char **cause)
{
	return store_namespaces(e->store, NULL, NULL, cache_line, e, cause);
}

/* The namespaces a bare sweep may purge: those the user may write. */
struct writable {
	struct engine	*e;
	char		**v;	/* project, namespace, project, ... */
	size_t		 n;
};

static enum pd_status
add_writable(void *ctx, const struct store_object *o)
{
	struct writable	*w = ctx;

	if (!engine_can(w->e, GRANT_WRITE, o->project, o->ns))
		return PD_OK;
	w->v = xrealloc(w->v, (w->n + 2) * sizeof(*w->v));
	w->v[w->n++] = xstrdup(o->project);
	w->v[w->n++] = xstrdup(o->ns);
	return PD_OK;
}

/*
 * Purging deletes keys, so it is a write: cache sweep P.N needs write on
 * P.N, and a bare sweep purges only the namespaces the user may write
 * (all of them for an admin or without authentication).
 */
static enum pd_status
cmd_cache_sweep(struct engine *e, struct stmt *st, char **cause)
{
	struct writable	 w = { e, NULL, 0 };
	char		*p = NULL, *n = NULL;
	long long	 count = 0, some;
	enum pd_status	 s;
	size_t		 i;

	if (st->nargs > 0) {
		if ((s = cache_target(e, &st->args[0], &p, &n, cause)) ==
		    PD_OK && (s = engine_permit(e, GRANT_WRITE, p, n, cause)) ==
		    PD_OK)
			s = store_purge(e->store, p, n, 0, &count, cause);
	} else if (e->user == NULL || e->admin)
		s = store_purge(e->store, NULL, NULL, 0, &count, cause);
	else if ((s = store_namespaces(e->store, NULL, NULL, add_writable, &w,
	    cause)) == PD_OK || s == PD_MISS) {
		/* Listed first: the purge does not write under the listing. */
		s = PD_OK;
		for (i = 0; i + 1 < w.n && s == PD_OK; i += 2) {
			some = 0;
			s = store_purge(e->store, w.v[i], w.v[i + 1], 0, &some,
			    cause);
			count += some;
		}
	}
	for (i = 0; i < w.n; i++)
		free(w.v[i]);
	free(w.v);
	free(p);
	free(n);
	if (s != PD_OK)
		return s;
	out_int(e->out, "purged", count);
	return out_emit(e->out, OUT_VALUE);
}

/* A cache's description is its namespace's: kind, TTL, max_items, keys. */
static enum pd_status
cmd_cache_describe(struct engine *e, struct stmt *st, char **cause)
{
	char		*p, *n;
	long long	 ttl = 0, max = 0;
	enum pd_status	 s;

	if ((s = cache_target(e, &st->args[0], &p, &n, cause)) != PD_OK)
		return s;
	/* One the user may not read is answered as a missing one. */
	if (!engine_can(e, GRANT_READ, p, n))
		ttl = 0;
	else
		s = store_ns_limits(e->store, p, n, &ttl, &max, cause);
	free(p);
	free(n);
	if (s == PD_OK && ttl == 0) {
		*cause = xasprintf("%s is not a cache",
		    util_word(st->args[0].s));
		return PD_ERROR;
	}
	return s != PD_OK ? s : cmd_ns_describe_entry.exec(e, st, cause);
}

static const struct cmd_opt cache_create_opts[] = {
	{ "apply", "all", 0, 0 },
	{ "max_items", "N", 0, 0 },
	{ "timeout", "S", 0, 0 },
	{ "ttl", "S", 0, 1 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_cache_create_entry = {
	.name = "cache create",
	.args = "PROJECT.NAMESPACE [SECONDS]",
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_OBJ_WRITE,
	.opts = cache_create_opts,
	.exec = cmd_cache_create,
	.summary = "make a TTL namespace: ttl=SECONDS [max_items=N]",
	.help = "Make PROJECT.NAMESPACE a TTL namespace, creating it if "
	    "needed: every key written into it expires ttl=S after the write "
	    "(seconds, or 1500ms, 90s, 30m, 2h, 1d) unless the write gives "
	    "its own ttl=. SECONDS, or timeout=S, may stand for ttl=. With "
	    "max_items=N a write that would make the namespace hold more "
	    "than N keys evicts the oldest by update time. Keys already "
	    "there keep no expiry unless apply=all, which gives every live "
	    "key the TTL from now.",
	.example = "prontodb cache create app.sessions ttl=30m "
	    "max_items=1000\n"
	    "prontodb set app.sessions.token abc\n"
	    "prontodb ttl app.sessions.token",
};

const struct cmd cmd_cache_describe_entry = {
	.name = "cache describe",
	.args = "PROJECT.NAMESPACE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_READ,
	.exec = cmd_cache_describe,
	.summary = "show a TTL namespace's policy and key count",
	.help = "Print the facts of the TTL namespace PROJECT.NAMESPACE, one "
	    "per line, as ns describe does: its description, kind, key "
	    "table, ttl_ms, max_items (none without a limit), delimiter, "
	    "creation time and number of keys. A namespace that is not a TTL "
	    "one, or that the user may not read, is an error (exit 1).",
	.example = "prontodb cache create app.sessions ttl=30m\n"
	    "prontodb cache describe app.sessions",
};

const struct cmd cmd_cache_drop_entry = {
	.name = "cache drop",
	.args = "PROJECT.NAMESPACE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.exec = cmd_cache_drop,
	.summary = "back to a standard namespace; keys lose expiry",
	.help = "Make the TTL namespace PROJECT.NAMESPACE a standard one "
	    "again: its keys stay and lose their expiry, and later writes "
	    "get none. A namespace that is not a TTL one is an error (exit "
	    "1).",
	.example = "prontodb cache create app.sessions ttl=30m\n"
	    "prontodb cache drop app.sessions",
};

const struct cmd cmd_cache_list_entry = {
	.name = "cache list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OBJ_READ,
	.exec = cmd_cache_list,
	.summary = "list TTL namespaces",
	.help = "Print every TTL namespace the user may read, one per line: "
	    "project.namespace, its TTL in milliseconds and, when it has "
	    "one, its max_items. A database without TTL namespaces lists "
	    "nothing.",
	.example = "prontodb cache create app.sessions ttl=30m\n"
	    "prontodb cache list",
};

static const struct cmd_opt cache_set_opts[] = {
	{ "apply", "all", 0, 0 },
	{ "max_items", "N", 0, 0 },
	{ "timeout", "S", 0, 0 },
	{ "ttl", "S", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_cache_set_entry = {
	.name = "cache set",
	.args = "PROJECT.NAMESPACE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.opts = cache_set_opts,
	.exec = cmd_cache_set,
	.summary = "change a TTL namespace's ttl= or max_items=",
	.help = "Change the policy of the TTL namespace PROJECT.NAMESPACE, "
	    "keeping what is not given: ttl=S (or timeout=S, as upstream "
	    "spelt it) is the TTL of later writes (seconds, or 1500ms, 90s, "
	    "30m, 2h, 1d), and max_items=N the "
	    "most keys it may hold, 0 for no limit, the oldest being evicted "
	    "at once when it holds more. Keys already there keep their "
	    "expiry unless apply=all, which gives every live key the TTL "
	    "from now. A namespace that is not a TTL one is an error (exit "
	    "1).",
	.example = "prontodb cache create app.sessions ttl=30m\n"
	    "prontodb cache set app.sessions ttl=2h apply=all",
};

const struct cmd cmd_cache_sweep_entry = {
	.name = "cache sweep",
	.args = "[PROJECT.NAMESPACE]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_OBJ_WRITE,
	.exec = cmd_cache_sweep,
	.summary = "purge expired keys now and print how many",
	.help = "Delete now the expired keys of PROJECT.NAMESPACE, or of "
	    "every namespace the user may write without it, and print how "
	    "many went; PROJECT.NAMESPACE needs the write grant. Reads "
	    "never write, so expired keys are otherwise purged only by later "
	    "writes of expiring keys, a bounded batch at a time.",
	.example = "prontodb cache sweep",
};

static const struct cmd_opt create_cache_opts[] = {
	{ "apply", "all", 0, 0 },
	{ "max_items", "N", 0, 0 },
	{ "timeout", "S", 0, 1 },
	{ "ttl", "S", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_create_cache_entry = {
	.name = "create-cache",
	.args = "PROJECT.NAMESPACE [SECONDS]",
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_OBJ_WRITE,
	.opts = create_cache_opts,
	.exec = cmd_cache_create,
	.summary = "upstream form of cache create",
	.help = "The upstream spelling of cache create: make "
	    "PROJECT.NAMESPACE a TTL namespace whose keys expire SECONDS, or "
	    "timeout=S, after each write. ttl=S, max_items=N and apply=all "
	    "work as for cache create.",
	.example = "prontodb create-cache app.sessions 3600",
};

const struct cmd cmd_default_ttl_entry = {
	.name = "default-ttl",
	.args = "SECONDS",
	.min_args = 1,
	.max_args = 1,
	.flags = 0,
	.exec = cmd_default_ttl,
	.summary = "the TTL of later writes in this stream (meta:ttl=)",
	.help = "Give the later writes of this stream, set and incr, the TTL "
	    "SECONDS (or 1500ms, 90s, 30m, 2h, 1d) when they give no ttl= of "
	    "their own; it is the statement behind the upstream meta:ttl=. "
	    "Those writes must go to TTL namespaces: one into a standard "
	    "namespace is then an error, and so is default-ttl itself when "
	    "the scope names one. It lasts for the rest of the stream, so on "
	    "the command line it changes nothing.",
	.example = "prontodb cache create app.sessions ttl=1h\n"
	    "echo 'use app.sessions; default-ttl 90s; set token abc' "
	    "| prontodb\n"
	    "prontodb ttl app.sessions.token",
};

const struct cmd cmd_expire_entry = {
	.name = "expire",
	.args = "ADDR SECONDS",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_KEY_WRITE,
	.exec = cmd_expire,
	.summary = "make a key expire SECONDS from now",
	.help = "Make the key ADDR expire SECONDS from now (or 1500ms, 90s, "
	    "30m, 2h, 1d), replacing any expiry it had, in any namespace. An "
	    "absent key is a miss (exit 2).",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb expire app.config.host 2h\n"
	    "prontodb ttl app.config.host",
};

const struct cmd cmd_persist_entry = {
	.name = "persist",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_KEY_WRITE,
	.exec = cmd_persist,
	.summary = "remove a key's expiry",
	.help = "Remove the expiry of the key ADDR, so that it stays until "
	    "it is deleted. An absent or expired key is a miss (exit 2).",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb expire app.config.host 1h\n"
	    "prontodb persist app.config.host",
};

const struct cmd cmd_ttl_entry = {
	.name = "ttl",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_KEY_READ,
	.exec = cmd_ttl,
	.summary = "print a key's remaining milliseconds (-1: no expiry)",
	.help = "Print the time the key ADDR has left to live, in "
	    "milliseconds, or -1 when it does not expire. An absent or "
	    "expired key is a miss (exit 2).",
	.example = "prontodb cache create app.sessions ttl=30m\n"
	    "prontodb set app.sessions.token abc\n"
	    "prontodb ttl app.sessions.token",
};
