/*
 * cmd-watch.c - changes as they commit: watch, wait.
 *
 * watch prints one record per committed change of the keys its patterns
 * match, read from the change log in revision order, and sleeps between
 * commits without polling (store_watch_wait).  Keys expire without anyone
 * writing, so a watcher also sleeps until the earliest expiry among the
 * keys it watches and then purges the expired keys of the namespaces it
 * watches: the purge is a change like any other, logged with a revision
 * as "expire", so every watcher sees it the same way, and a lock whose
 * holder died is noticed within a second of its expiry without anyone
 * reading it.
 *
 * wait blocks until a condition on one key holds, on the same machinery:
 * it looks again after each commit anyone makes, and when the key
 * expires.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "pattern.h"
#include "store.h"
#include "util.h"

/* Changes read from the log at a time. */
#define WATCH_BATCH	1000

struct watcher {
	struct engine	*e;
	struct pattern	*pats;
	size_t		 npats;
	int		 keys_only;
	long long	 count;		/* stop after this many; 0: never */
	long long	 printed;
	long long	 rows;		/* changes read in this batch */
	long long	 next_exp;	/* earliest expiry watched; 0: none */
	int		 done;
	enum pd_status	 failed;	/* an output error, which stops */
	struct buf	 text;		/* the address being matched */
	struct buf	 seen;		/* last project NUL namespace checked */
	int		 allowed;	/* whether it may be read */
};

static void
watcher_release(struct watcher *w)
{
	size_t	 i;

	for (i = 0; i < w->npats; i++)
		pattern_release(&w->pats[i]);
	free(w->pats);
	buf_release(&w->text);
	buf_release(&w->seen);
}

static enum pd_status
watcher_init(struct watcher *w, struct engine *e, const struct stmt *st,
    char **cause)
{
	enum pd_status	 s;
	size_t		 i, n = st->nargs > 0 ? st->nargs : 1;

	memset(w, 0, sizeof(*w));
	w->e = e;
	buf_init(&w->text);
	buf_init(&w->seen);
	for (i = 0; i < st->nargs; i++)
		if (strlen(st->args[i].s) != st->args[i].len) {
			engine_blame(e, st->args[i].line, st->args[i].col);
			*cause = xstrdup("a pattern cannot hold a NUL byte");
			return PD_DATAERR;
		}
	w->pats = xcalloc(n, sizeof(*w->pats));
	for (i = 0; i < n; i++)
		if ((s = pattern_make(e, st, st->nargs > 0 ? &st->args[i] :
		    NULL, 0, "pattern", &w->pats[w->npats++], cause)) != PD_OK)
			return s;
	return PD_OK;
}

/*
 * A watcher never learns of a change it could not read: one check per
 * namespace, as listings do, remembered while changes stay in it.
 */
static int
readable(struct watcher *w, const struct store_change *c)
{
	size_t	 plen = strlen(c->project);

	if (w->e->user == NULL || w->e->admin)
		return 1;
	if (w->seen.len == 0 || strcmp(w->seen.data, c->project) != 0 ||
	    strcmp(w->seen.data + plen + 1, c->ns) != 0) {
		buf_reset(&w->seen);
		buf_add(&w->seen, c->project, plen + 1);
		buf_adds(&w->seen, c->ns);
		w->allowed = engine_can(w->e, GRANT_READ, c->project, c->ns);
	}
	return w->allowed;
}

static int
matches(struct watcher *w, const char *text)
{
	size_t	 i;

	for (i = 0; i < w->npats; i++)
		if (pattern_match(&w->pats[i], text))
			return 1;
	return 0;
}

/* One change from the log: printed, and flushed at once, if it is ours. */
static enum pd_status
event(void *ctx, const struct store_change *c)
{
	struct watcher	*w = ctx;
	struct out	*o = w->e->out;
	enum pd_status	 s;

	w->rows++;
	buf_reset(&w->text);
	buf_adds(&w->text, c->project);
	buf_addc(&w->text, w->e->delim);
	buf_adds(&w->text, c->ns);
	buf_addc(&w->text, w->e->delim);
	buf_adds(&w->text, c->key);
	if (!matches(w, w->text.data) || !readable(w, c))
		return PD_OK;
	if (c->expires > 0 && (w->next_exp == 0 || c->expires < w->next_exp))
		w->next_exp = c->expires;
	out_int(o, "revision", c->rev);
	out_str(o, "op", c->op);
	out_str(o, "address", w->text.data);
	if (c->value != NULL && !w->keys_only)
		out_bytes(o, "value", c->value, c->vlen);
	else if (o->format == OUT_TSV)
		out_str(o, "value", "");	/* every row has four columns */
	if ((s = out_emit(o, OUT_WORDS)) != PD_OK ||
	    (s = out_flush(o)) != PD_OK) {
		w->failed = s;
		return s;
	}
	if (++w->printed == w->count) {
		w->done = 1;
		return PD_MISS;		/* stops the reading: see drain */
	}
	return PD_OK;
}

/* The earliest expiry among the watched keys after after; 0: none. */
static enum pd_status
next_expiry(struct watcher *w, long long after, char **cause)
{
	enum pd_status	 s = PD_OK;
	long long	 t;
	size_t		 i;

	w->next_exp = 0;
	for (i = 0; i < w->npats && s == PD_OK; i++)
		if ((s = store_next_expiry(w->e->store, &w->pats[i].f, after,
		    &t, cause)) == PD_OK && t > 0 &&
		    (w->next_exp == 0 || t < w->next_exp))
			w->next_exp = t;
	return s;
}

/*
 * Purge the expired keys of the namespaces the patterns reach (of the
 * projects, or of everything, when a pattern names no namespace), in one
 * transaction; each key purged is an "expire" in the log.
 */
static enum pd_status
purge(struct watcher *w, char **cause)
{
	struct store	*st = w->e->store;
	enum pd_status	 s;
	long long	 n;
	size_t		 i;

	if ((s = store_begin(st, cause)) != PD_OK)
		return s;
	for (i = 0; i < w->npats && s == PD_OK; i++) {
		const struct store_filter *f = &w->pats[i].f;

		if (f->mode[0] != STORE_EXACT) {
			s = store_purge(st, NULL, NULL, 0, &n, cause);
			break;
		}
		s = store_purge(st, f->text[0], f->mode[1] == STORE_EXACT ?
		    f->text[1] : NULL, 0, &n, cause);
	}
	if (s != PD_OK) {
		store_rollback(st);
		return s;
	}
	return store_commit(st, cause);
}

/* Read and print every change after *last; stops early when done. */
static enum pd_status
drain(struct watcher *w, long long *last, char **cause)
{
	enum pd_status	 s;

	do {
		w->rows = 0;
		s = store_changes(w->e->store, *last, WATCH_BATCH, event, w,
		    last, cause);
		if (w->done || w->failed != PD_OK)
			return w->failed;
	} while (s == PD_OK && w->rows == WATCH_BATCH);
	return s;
}

/* The options of watch, read; PD_DATAERR on a bad one. */
static enum pd_status
watch_options(struct engine *e, const struct stmt *st, struct watcher *w,
    long long *since, long long *timeout, char **cause)
{
	static const struct util_range revs = { "a revision", 0, LLONG_MAX,
	    0 };
	static const struct util_range counts = { "a number of changes", 1,
	    LLONG_MAX, 0 };
	const struct opt	*o;

	*since = *timeout = -1;
	if ((o = stmt_opt(st, "since")) != NULL &&
	    util_number("since", o->val, o->vlen, &revs, since, cause) != 0)
		goto bad;
	if ((o = stmt_opt(st, "count")) != NULL &&
	    util_number("count", o->val, o->vlen, &counts, &w->count,
	    cause) != 0)
		goto bad;
	if ((o = stmt_opt(st, "timeout")) != NULL &&
	    cmd_duration(e, "timeout", o->val, o->vlen, o->line, o->col, 1,
	    timeout, cause) != PD_OK)
		return PD_DATAERR;
	w->keys_only = engine_flag(st, "keys-only");
	return PD_OK;
bad:
	engine_blame(e, o->line, o->col);
	return PD_DATAERR;
}

static enum pd_status
watch(struct engine *e, struct stmt *st, struct watcher *w, char **cause)
{
	struct store_watch *sw;
	enum pd_status	 s;
	long long	 last, timeout, deadline = -1, now, wait;

	if ((s = watch_options(e, st, w, &last, &timeout, cause)) != PD_OK ||
	    (s = store_watch_open(e->store, &sw, cause)) != PD_OK)
		return s;
	/* Without --since: what commits from now on. */
	if (last < 0 && (s = store_revision(e->store, &last, cause)) != PD_OK)
		goto out;
	if (timeout >= 0)
		deadline = util_mono_ms() + timeout;
	/* Keys that expired before are purged (and reported) at once. */
	if ((s = next_expiry(w, 0, cause)) != PD_OK)
		goto out;
	for (;;) {
		if ((s = drain(w, &last, cause)) != PD_OK || w->done)
			break;
		now = util_now_ms();
		if (w->next_exp > 0 && w->next_exp <= now) {
			/* One that cannot purge (busy, read-only) waits on. */
			char	*ignored = NULL;

			s = purge(w, &ignored);
			free(ignored);
			if ((s = next_expiry(w, s == PD_OK ? 0 : now,
			    cause)) != PD_OK)
				break;
			/* What no purge of ours removes is not waited for. */
			if (w->next_exp > 0 && w->next_exp <= now &&
			    (s = next_expiry(w, now, cause)) != PD_OK)
				break;
			continue;
		}
		wait = -1;
		if (deadline >= 0 && (wait = deadline - util_mono_ms()) <= 0)
			break;
		if (w->next_exp > 0 && (wait < 0 || w->next_exp - now < wait))
			wait = w->next_exp - now;
		if ((s = store_watch_wait(sw, wait, cause)) != PD_OK &&
		    s != PD_MISS)
			break;
		s = PD_OK;
	}
	/* The time ran out: a miss only when nothing came. */
	if (s == PD_OK && !w->done && w->printed == 0) {
		*cause = xasprintf("no change within %lldms", timeout);
		s = PD_MISS;
	}
out:
	store_watch_close(sw);
	return s;
}

static enum pd_status
cmd_watch(struct engine *e, struct stmt *st, char **cause)
{
	struct watcher	 w;
	enum pd_status	 s;

	if ((s = watcher_init(&w, e, st, cause)) == PD_OK)
		s = watch(e, st, &w, cause);
	watcher_release(&w);
	return s;
}

enum wait_for {
	FOR_EXISTS,
	FOR_ABSENT,
	FOR_CHANGE
};

/* Whether the condition holds, given what store_info said now. */
static int
holds(enum wait_for what, enum pd_status now, const struct store_info *i,
    enum pd_status then, long long rev)
{
	switch (what) {
	case FOR_EXISTS:
		return now == PD_OK;
	case FOR_ABSENT:
		return now == PD_MISS;
	default:
		return now != then || (now == PD_OK && i->revision != rev);
	}
}

static enum pd_status
wait_options(struct engine *e, const struct stmt *st, enum wait_for *what,
    long long *timeout, char **cause)
{
	static const char *const names[] = { "exists", "absent", "change" };
	const struct opt	*o;
	size_t			 i;

	*what = FOR_EXISTS;
	*timeout = -1;
	if ((o = stmt_opt(st, "for")) != NULL) {
		for (i = 0; i < 3 && strcmp(o->val, names[i]) != 0; i++)
			;
		if (i == 3) {
			engine_blame(e, o->line, o->col);
			*cause = xasprintf("for must be exists, absent or "
			    "change, not '%s'", util_wordn(o->val, o->vlen));
			return PD_DATAERR;
		}
		*what = (enum wait_for)i;
	}
	if ((o = stmt_opt(st, "timeout")) != NULL)
		return cmd_duration(e, "timeout", o->val, o->vlen, o->line,
		    o->col, 1, timeout, cause);
	return PD_OK;
}

static enum pd_status
timed_out(struct engine *e, enum wait_for what, char **cause)
{
	static const char *const still[] = { "does not exist",
	    "still exists", "did not change" };

	*cause = xasprintf("%s %s (timeout)", addr_word(&e->addr, e->delim),
	    still[what]);
	return PD_MISS;
}

static enum pd_status
cmd_wait(struct engine *e, struct stmt *st, char **cause)
{
	struct store_watch	*sw;
	struct store_info	 info;
	enum wait_for		 what;
	enum pd_status		 s, then, now;
	long long		 timeout, deadline = -1, rev, wait, clock;

	if ((s = wait_options(e, st, &what, &timeout, cause)) != PD_OK ||
	    (s = store_watch_open(e->store, &sw, cause)) != PD_OK)
		return s;
	if (timeout >= 0)
		deadline = util_mono_ms() + timeout;
	memset(&info, 0, sizeof(info));
	then = now = store_info(e->store, &e->addr, &info, cause);
	rev = info.revision;
	while (now == PD_OK || now == PD_MISS) {
		if (holds(what, now, &info, then, rev)) {
			s = PD_OK;
			break;
		}
		free(*cause);
		*cause = NULL;
		wait = -1;
		if (deadline >= 0 && (wait = deadline - util_mono_ms()) <= 0) {
			s = timed_out(e, what, cause);
			break;
		}
		/* An expiry is a change that nobody commits: be there. */
		clock = util_now_ms();
		if (now == PD_OK && info.expires > 0 && (wait < 0 ||
		    info.expires - clock + 1 < wait))
			wait = info.expires > clock ? info.expires - clock + 1 : 1;
		if ((s = store_watch_wait(sw, wait, cause)) != PD_OK &&
		    s != PD_MISS)
			break;
		now = store_info(e->store, &e->addr, &info, cause);
	}
	if (now != PD_OK && now != PD_MISS)
		s = now;
	store_watch_close(sw);
	return s;
}

static const struct cmd_opt wait_opts[] = {
	{ "for", "exists|absent|change", 0, 0 },
	{ "timeout", "S", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_wait_entry = {
	.name = "wait",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR | CMD_NOTX,
	.opts = wait_opts,
	.exec = cmd_wait,
	.summary = "block until a key exists, is absent or changes",
	.help = "Block until the condition on the key ADDR holds, then exit 0: "
	    "for=exists (the default) until it exists, for=absent until it "
	    "is deleted or expires, for=change until its next change of any "
	    "kind (a write, a delete, a metakey, its expiry). It looks again "
	    "whenever another process commits a change and when the key "
	    "expires, without polling. With timeout=S it gives up after S "
	    "(0: look once) and exits 2 with a note. It needs read access to "
	    "ADDR and cannot run inside a transaction.",
	.example = "prontodb set app.jobs.result 42\n"
	    "prontodb wait app.jobs.result --for exists --timeout 5",
};

static const struct cmd_opt watch_opts[] = {
	{ "since", "REV", 0, 0 },
	{ "count", "N", 0, 0 },
	{ "timeout", "S", 0, 0 },
	{ "keys-only", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_watch_entry = {
	.name = "watch",
	.args = "[PATTERN ...]",
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE | CMD_NOTX,
	.opts = watch_opts,
	.exec = cmd_watch,
	.summary = "print changes as they commit (a prefix or a glob)",
	.help = "Print one line per change of a key under a PATTERN as it "
	    "commits, flushed at once: its revision, what happened (set, del, "
	    "meta, ttl, expire, evict), its address and, for a set, the "
	    "value unless keys-only. A PATTERN is read as the prefix of keys "
	    "is (one part a key in the scope's namespace, p. p.n p.n.k from "
	    "the top), a literal prefix or, with * ? or [...], a glob; none "
	    "watches every key in scope. since=REV first replays the changes "
	    "after revision REV (exit 1 if the change log no longer holds "
	    "them), count=N exits after N changes and timeout=S after S, with "
	    "status 2 if none came. Keys it watches are purged when they "
	    "expire, so expiries are reported within a second, and only "
	    "changes the user may read are shown.",
	.example = "prontodb watch app.jobs. --count 1 --timeout 10 & "
	    "sleep 1\n"
	    "prontodb set app.jobs.build done\n"
	    "wait",
};
