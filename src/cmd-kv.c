/*
 * cmd-kv.c - the key verbs: set, get, del, exists, keys (and ls, its
 * upstream name), scan, count.
 *
 * keys, scan, count and del's prefix= and match= read their argument as
 * pattern.h does, a literal prefix or a glob; the store's index serves
 * its literal part and the rest is matched row by row.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "pattern.h"
#include "store.h"
#include "util.h"

/*
 * The "address" field of a key's record (JSON and TSV show it), put
 * together without printf or, for most, malloc: a stream of gets makes
 * one for every key.
 */
static void
out_address(struct engine *e, const struct addr *a)
{
	char	 small[256], *t = small;
	size_t	 np = strlen(a->project), nn = strlen(a->ns);
	size_t	 nk = strlen(a->key), n = np + nn + nk + 2;

	if (n > sizeof(small))
		t = xmalloc(n);
	memcpy(t, a->project, np);
	t[np] = e->delim;
	memcpy(t + np + 1, a->ns, nn);
	t[np + 1 + nn] = e->delim;
	memcpy(t + np + nn + 2, a->key, nk);
	out_bytes(e->out, "address", t, n);
	if (t != small)
		free(t);
}

static enum pd_status
miss(struct engine *e, const struct addr *a, char **cause)
{
	*cause = xasprintf("%s: not found", addr_word(a, e->delim));
	return PD_MISS;
}

/* Explain a failed compare-and-set; the status stays a miss (2). */
static enum pd_status
condition_failed(struct engine *e, long long want, char **cause)
{
	struct store_info	 info;
	const char		*t;
	enum pd_status		 s;

	s = store_info(e->store, &e->addr, &info, cause);
	t = addr_word(&e->addr, e->delim);
	if (s == PD_MISS)
		*cause = xasprintf("%s: not found (if-version=%lld)", t, want);
	else if (s == PD_OK && want == 0)
		*cause = xasprintf("%s: exists (if-absent)", t);
	else if (s == PD_OK)
		*cause = xasprintf("%s: version is %lld, not %lld", t,
		    info.version, want);
	return s == PD_OK || s == PD_MISS ? PD_MISS : s;
}

/* The engine has resolved the address (CMD_ADDR) and checked access. */
static enum pd_status
cmd_set(struct engine *e, struct stmt *st, char **cause)
{
	static const struct util_range versions = { "an integer", 1,
	    LLONG_MAX, 0 };
	const struct opt	*iv = stmt_opt(st, "if-version");
	long long		 want = 0, now = util_now_ms(), expires;
	enum pd_status		 s;

	if (st->args[1].len > PD_MAX_VALUE) {
		engine_blame(e, st->args[1].line, st->args[1].col);
		*cause = xasprintf("value too long: %zu bytes, the largest "
		    "value is %lu", st->args[1].len, PD_MAX_VALUE);
		return PD_DATAERR;
	}
	if ((s = cmd_expiry(e, st, now, &expires, cause)) != PD_OK)
		return s;
	if (iv == NULL && !engine_flag(st, "if-absent"))
		return store_set(e->store, &e->addr, st->args[1].s,
		    st->args[1].len, now, expires, cause);
	if (iv != NULL && stmt_opt(st, "if-absent") != NULL) {
		engine_blame(e, iv->line, iv->col);
		*cause = xstrdup("if-absent and if-version= exclude each other");
		return PD_DATAERR;
	}
	if (iv != NULL && util_number("if-version", iv->val, iv->vlen,
	    &versions, &want, cause) != 0) {
		engine_blame(e, iv->line, iv->col);
		return PD_DATAERR;
	}
	s = store_set_if(e->store, &e->addr, st->args[1].s, st->args[1].len,
	    now, expires, want, cause);
	return s == PD_MISS ? condition_failed(e, want, cause) : s;
}

static enum pd_status
cmd_incr(struct engine *e, struct stmt *st, char **cause)
{
	static const struct util_range integers = { "an integer", LLONG_MIN,
	    LLONG_MAX, 0 };
	long long	 by = 1, v = 0, now = util_now_ms(), expires;
	enum pd_status	 s;
	char		 num[32];

	if (st->nargs > 1 && util_number("increment", st->args[1].s,
	    st->args[1].len, &integers, &by, cause) != 0) {
		engine_blame(e, st->args[1].line, st->args[1].col);
		return PD_DATAERR;
	}
	/* The write lock is held from the read to the write: atomic. */
	s = store_get(e->store, &e->addr, &e->scratch, cause);
	if (s == PD_OK && util_parse_number(e->scratch.data, e->scratch.len, 0,
	    &v) != 0) {
		*cause = xasprintf("%s: value is not an integer",
		    addr_word(&e->addr, e->delim));
		return PD_ERROR;
	}
	if (s != PD_OK && s != PD_MISS)
		return s;
	if (__builtin_add_overflow(v, by, &v)) {
		*cause = xstrdup("integer overflow");
		return PD_ERROR;
	}
	snprintf(num, sizeof(num), "%lld", v);
	if ((s = cmd_expiry(e, st, now, &expires, cause)) != PD_OK ||
	    (s = store_set(e->store, &e->addr, num, strlen(num), now, expires,
	    cause)) != PD_OK)
		return s;
	out_address(e, &e->addr);
	out_int(e->out, "value", v);
	return out_emit(e->out, OUT_VALUE);
}

/*
 * Read the key a, lending its value to fn(ctx, ...) (fn may be NULL); a
 * key with a __context that has no overlay of its own reads through to
 * its base key.
 */
static enum pd_status
lookup(struct engine *e, const struct stmt *st, struct addr *a,
    store_value_fn fn, void *ctx, char **cause)
{
	enum pd_status	 s;
	const char	*sfx;
	size_t		 base;
	int		 expired = engine_flag(st, "include-expired");

	s = store_get_with(e->store, a, expired, fn, ctx, cause);
	if (s != PD_MISS)
		return s;
	base = addr_split_context(a->key, &sfx);
	if (sfx != NULL) {
		/* fn prints a, with its context: the base key is a copy. */
		struct addr	 b = *a;

		b.key = xmemdup(a->key, base);
		s = store_get_with(e->store, &b, expired, fn, ctx, cause);
		free(b.key);
	}
	return s == PD_MISS ? miss(e, a, cause) : s;
}

/* A key found, for found(). */
struct found_to {
	struct engine		*e;
	const struct addr	*a;
	int			 raw;
};

/*
 * The record of a key found: its value (JSON: and its revision), written
 * from the store's memory without a copy.
 */
static enum pd_status
found(void *ctx, const void *p, size_t len)
{
	struct found_to	*f = ctx;
	struct engine	*e = f->e;

	/* Text shows the value alone (a stream of gets spares the rest). */
	if (e->out->format != OUT_TEXT)
		out_address(e, f->a);
	out_bytes_ref(e->out, "value", p, len);
	/* JSON records carry the key's revision. */
	if (e->out->format == OUT_JSON)
		out_int(e->out, "revision", store_read_revision(e->store));
	return out_emit(e->out, f->raw ? OUT_RAW : OUT_VALUE);
}

/*
 * The record of a key not found: default=VALUE in its place (JSON:
 * marked "default"), or, among several keys, an empty value (JSON:
 * "found": false) so that each address keeps its line.
 */
static enum pd_status
not_found(struct engine *e, const struct addr *a, const struct opt *dflt,
    int raw)
{
	out_address(e, a);
	if (dflt != NULL) {
		out_bytes(e->out, "value", dflt->val, dflt->vlen);
		if (e->out->format == OUT_JSON)
			out_bool(e->out, "default", 1);
	} else if (e->out->format == OUT_JSON)
		out_bool(e->out, "found", 0);
	else
		out_str(e->out, "value", "");
	return out_emit(e->out, raw ? OUT_RAW : OUT_VALUE);
}

/*
 * get A B C: every address resolved, and allowed, before any is read;
 * then one record each, in order.  The misses make one note.
 */
static enum pd_status
get_many(struct engine *e, struct stmt *st, const struct opt *dflt,
    char **cause)
{
	struct addr	*as;
	struct buf	 missed;
	enum pd_status	 s = PD_OK;
	size_t		 i, n = st->nargs;

	if (engine_flag(st, "raw")) {
		*cause = xstrdup("raw reads one key: its bytes have no end "
		    "that another value could follow");
		return PD_DATAERR;
	}
	as = xcalloc(n, sizeof(*as));
	buf_init(&missed);
	/* The first is the engine's, resolved and allowed already. */
	for (i = 1; i < n && s == PD_OK; i++)
		if ((s = engine_addr(e, st, i, &as[i], cause)) == PD_OK)
			s = engine_permit(e, GRANT_READ, as[i].project,
			    as[i].ns, cause);
	for (i = 0; i < n && s == PD_OK; i++) {
		struct addr	*a = i == 0 ? &e->addr : &as[i];
		struct found_to	 f = { e, a, 0 };

		if ((s = lookup(e, st, a, found, &f, cause)) == PD_OK)
			continue;
		if (s != PD_MISS)
			break;
		free(*cause);
		*cause = NULL;
		if (dflt == NULL) {
			if (missed.len > 0)
				buf_adds(&missed, ", ");
			buf_adds(&missed, addr_word(a, e->delim));
		}
		s = not_found(e, a, dflt, 0);
	}
	if (s == PD_OK && missed.len > 0) {
		*cause = xasprintf("%s: not found", missed.data);
		s = PD_MISS;
	}
	for (i = 1; i < n; i++)
		addr_release(&as[i]);
	free(as);
	buf_release(&missed);
	return s;
}

static enum pd_status
cmd_get(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*dflt = stmt_opt(st, "default");
	struct found_to		 f = { e, &e->addr, 0 };
	enum pd_status		 s;
	int			 raw;

	if (st->nargs > 1)
		return get_many(e, st, dflt, cause);
	raw = f.raw = engine_flag(st, "raw");
	s = lookup(e, st, &e->addr, found, &f, cause);
	if (s != PD_MISS || dflt == NULL)
		return s;
	/* A default makes a miss an answer: no note, exit 0. */
	free(*cause);
	*cause = NULL;
	return not_found(e, &e->addr, dflt, raw);
}

static enum pd_status
cmd_exists(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	s = lookup(e, st, &e->addr, NULL, NULL, cause);
	if (s == PD_MISS) {
		/* The exit status is the answer; a miss here is no news. */
		free(*cause);
		*cause = NULL;
	}
	if (s != PD_OK && s != PD_MISS)
		return s;
	/* Text prints nothing: the exit status is the answer. */
	if (e->out->format == OUT_TEXT)
		return s;
	out_address(e, &e->addr);
	out_bool(e->out, "exists", s == PD_OK);
	return out_emit(e->out, OUT_NOTEXT) == PD_OK ? s : PD_IOERR;
}

/* What a listing does with the keys it reaches. */
enum list_kind {
	LIST_KEYS,
	LIST_SCAN,	/* with their values */
	LIST_COUNT,	/* prints how many */
	LIST_DEL	/* chooses them for del prefix= or match= */
};

struct listing {
	struct engine	*e;
	enum list_kind	 kind;
	int		 meta;		/* scan --meta: metakeys under each key */
	struct pattern	 p;
	struct buf	 text;		/* a row's address, to match */
	long long	 n;		/* keys counted */
	struct buf	 seen;		/* last project NUL namespace checked */
	int		 allowed;	/* read access to it */
	char		*why;		/* LIST_DEL: why it may not be
					   written (NULL: it may) */
};

static void
listing_init(struct listing *l, struct engine *e, enum list_kind kind,
    const struct stmt *st)
{
	memset(l, 0, sizeof(*l));
	l->e = e;
	l->kind = kind;
	l->meta = kind == LIST_SCAN && engine_flag(st, "meta");
	buf_init(&l->text);
	buf_init(&l->seen);
}

/*
 * The verb's status after a scan: a callback's failure explains itself
 * in l->why, which *cause takes.
 */
static enum pd_status
listing_release(struct listing *l, enum pd_status s, char **cause)
{
	if (s != PD_OK && *cause == NULL && l->why != NULL) {
		*cause = l->why;
		l->why = NULL;
	}
	free(l->why);
	pattern_release(&l->p);
	buf_release(&l->text);
	buf_release(&l->seen);
	return s;
}

/*
 * An authenticated user sees only the namespaces granted to them, and del
 * needs write access to those it deletes from; rows come in address
 * order, so one check per namespace suffices.
 */
static enum pd_status
readable(struct listing *l, const struct store_row *r, int *ok)
{
	size_t		 plen = strlen(r->project);
	char		*cause = NULL;
	enum pd_status	 s;

	if (l->e->user == NULL || l->e->admin) {
		*ok = 1;
		return PD_OK;
	}
	if (l->seen.len == 0 || strcmp(l->seen.data, r->project) != 0 ||
	    strcmp(l->seen.data + plen + 1, r->ns) != 0) {
		buf_reset(&l->seen);
		buf_add(&l->seen, r->project, plen + 1);
		buf_adds(&l->seen, r->ns);
		free(l->why);
		l->why = NULL;
		s = engine_permit(l->e, GRANT_READ, r->project, r->ns, &cause);
		free(cause);
		if (s != PD_OK && s != PD_DENIED)
			return s;
		l->allowed = s == PD_OK;
		if (l->allowed && l->kind == LIST_DEL &&
		    (s = engine_permit(l->e, GRANT_WRITE, r->project, r->ns,
		    &l->why)) != PD_OK && s != PD_DENIED)
			return s;
	}
	*ok = l->allowed;
	return PD_OK;
}

/* Whether the listing shows row r: it matches, and it may be read. */
static enum pd_status
visible(struct listing *l, const struct store_row *r, int *ok)
{
	*ok = pattern_row(&l->p, l->e->delim, r->project, r->ns, r->key,
	    &l->text);
	return *ok ? readable(l, r, ok) : PD_OK;
}

/* A key's metakeys under it in a scan, indented: "  owner=ops". */
struct meta_row {
	struct engine	*e;
	const char	*key;		/* as printed */
};

static enum pd_status
meta_line(void *ctx, const char *name, const void *value, size_t vlen)
{
	struct meta_row	*m = ctx;

	out_str(m->e->out, "key", m->key);
	out_str(m->e->out, "metakey", name);
	out_bytes(m->e->out, "value", value, vlen);
	return out_emit(m->e->out, OUT_SUBPAIR);
}

/* Names print relative to the scope, as they would be typed there. */
static enum pd_status
list_row(void *ctx, const struct store_row *r)
{
	struct listing	*l = ctx;
	struct buf	*b = &l->e->scratch;
	const char	*part[3] = { r->project, r->ns, r->key };
	int		 i, ok;
	enum pd_status	 s;

	if ((s = visible(l, r, &ok)) != PD_OK || !ok)
		return s;
	if (l->kind == LIST_COUNT) {
		l->n++;
		return PD_OK;
	}
	buf_reset(b);
	for (i = l->p.depth; i < 3; i++) {
		if (i > l->p.depth)
			buf_addc(b, l->e->delim);
		buf_adds(b, part[i]);
	}
	out_str(l->e->out, "key", b->data);
	if (l->kind == LIST_KEYS)
		return out_emit(l->e->out, OUT_WORDS);
	out_bytes(l->e->out, "value", r->value, r->vlen);
	if (l->e->out->format == OUT_JSON)
		out_int(l->e->out, "revision", r->revision);
	if ((s = out_emit(l->e->out, OUT_PAIR)) != PD_OK || !l->meta)
		return s;
	{
		struct addr	 a = { .project = (char *)r->project,
		    .ns = (char *)r->ns, .key = (char *)r->key };
		struct meta_row	 m = { l->e, b->data };
		char		*cause = NULL;

		s = store_meta_list(l->e->store, &a, meta_line, &m, &cause);
		free(cause);
	}
	return s;
}

/*
 * keys, scan and count: the keys that the PREFIX or PATTERN names
 * (pattern.h) and the user may read, in address order.  Names print as
 * they would be typed in the scope: relative to it, and whole for an
 * absolute prefix.
 */
static enum pd_status
list(struct engine *e, struct stmt *st, enum list_kind kind, char **cause)
{
	struct listing		 l;
	const struct arg	*a = st->nargs > 0 ? &st->args[0] : NULL;
	enum pd_status		 s = PD_OK;

	listing_init(&l, e, kind, st);
	/* Names hold no NUL: such a prefix matches nothing. */
	if ((a == NULL || strlen(a->s) == a->len) &&
	    (s = pattern_make(e, st, a, 0, "prefix", &l.p, cause)) == PD_OK)
		s = store_scan(e->store, &l.p.f, kind == LIST_SCAN, list_row,
		    &l, cause);
	if (s == PD_OK && kind == LIST_COUNT) {
		out_int(e->out, "count", l.n);
		s = out_emit(e->out, OUT_VALUE);
	}
	return listing_release(&l, s, cause);
}

static enum pd_status
cmd_keys(struct engine *e, struct stmt *st, char **cause)
{
	return list(e, st, LIST_KEYS, cause);
}

static enum pd_status
cmd_scan(struct engine *e, struct stmt *st, char **cause)
{
	return list(e, st, LIST_SCAN, cause);
}

static enum pd_status
cmd_count_keys(struct engine *e, struct stmt *st, char **cause)
{
	return list(e, st, LIST_COUNT, cause);
}

/*
 * del prefix= or match=: a key keys would list, in a namespace the user
 * may write, goes (PD_OK); one in a namespace they may read but not write
 * refuses the whole statement.
 */
static enum pd_status
doomed(void *ctx, const struct store_row *r)
{
	struct listing	*l = ctx;
	enum pd_status	 s;
	int		 ok;

	if ((s = visible(l, r, &ok)) != PD_OK)
		return s;
	if (!ok)
		return PD_MISS;
	return l->why == NULL ? PD_OK : PD_DENIED;
}

/* How many keys del deleted: in a dry run too, which shows nothing else. */
static enum pd_status
deleted(struct engine *e, long long n)
{
	enum pd_status	 s;
	int		 discard = e->out->discard;

	if (e->opts.dry_run)
		e->out->discard = 0;
	out_int(e->out, "deleted", n);
	s = out_emit(e->out, OUT_VALUE);
	e->out->discard = discard;
	return s;
}

/* The mistakes del prefix=, match= and all can be given with. */
static enum pd_status
del_check(struct engine *e, const struct stmt *st, const struct opt *pre,
    const struct opt *mat, char **cause)
{
	const struct opt	*o = pre != NULL ? pre : mat;
	const struct opt	*all = stmt_opt(st, "all");
	const char		*p = "prefix=", *m = "match=";

	if (e->opts.argv_mode) {
		p = "--prefix";
		m = "--match";
	}
	if (pre != NULL && mat != NULL) {
		engine_blame(e, mat->line, mat->col);
		*cause = xasprintf("%s and %s exclude each other", p, m);
		return PD_DATAERR;
	}
	/* A bare all alone may have meant the key all: never everything. */
	if (o == NULL) {
		engine_blame(e, all->line, all->col);
		*cause = xasprintf("all goes with %s or %s (del -- all deletes "
		    "a key named all)", p, m);
		return PD_DATAERR;
	}
	if (st->nargs > 0) {
		engine_blame(e, st->args[0].line, st->args[0].col);
		*cause = xasprintf("an address and %s or %s exclude each other",
		    p, m);
		return PD_DATAERR;
	}
	if (o->vlen == 0 && !engine_flag(st, "all")) {
		engine_blame(e, o->line, o->col);
		*cause = xasprintf("an empty %s names every key in scope: "
		    "give %s to delete them all", o == mat ? "pattern" :
		    "prefix", e->opts.argv_mode ? "--all" : "all");
		return PD_DATAERR;
	}
	return PD_OK;
}

/*
 * del prefix=PREFIX or match=PATTERN: the keys that keys would list (an
 * empty one, with all, is the whole scope), deleted under a savepoint of
 * their own, so that a denial or a failure midway leaves every one of
 * them in place.
 */
static enum pd_status
del_many(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*pre = stmt_opt(st, "prefix");
	const struct opt	*mat = stmt_opt(st, "match");
	const struct opt	*o = pre != NULL ? pre : mat;
	struct listing		 l;
	struct arg		 a;
	enum pd_status		 s, end;
	long long		 n = 0;
	char			*ignored = NULL;

	if ((s = del_check(e, st, pre, mat, cause)) != PD_OK)
		return s;
	listing_init(&l, e, LIST_DEL, st);
	memset(&a, 0, sizeof(a));
	if (o != NULL) {
		a.s = o->val;
		a.len = o->vlen;
		a.line = o->line;
		a.col = o->col;
	}
	/* Names hold no NUL: such a prefix matches nothing. */
	if (o != NULL && strlen(o->val) != o->vlen)
		goto done;
	if ((s = pattern_make(e, st, o != NULL && o->vlen > 0 ? &a : NULL,
	    pre != NULL, pre != NULL ? "prefix" : "pattern", &l.p, cause)) !=
	    PD_OK || (s = store_savepoint(e->store, "del", cause)) != PD_OK)
		goto done;
	s = store_del_many(e->store, &l.p.f, doomed, &l, &n, cause);
	end = store_savepoint_end(e->store, "del", s == PD_OK, s == PD_OK ?
	    cause : &ignored);
	free(ignored);
	if (s == PD_OK)
		s = end;
done:
	if (s == PD_OK)
		s = deleted(e, n);
	return listing_release(&l, s, cause);
}

static enum pd_status
cmd_del(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	if (stmt_opt(st, "prefix") != NULL || stmt_opt(st, "match") != NULL ||
	    stmt_opt(st, "all") != NULL)
		return del_many(e, st, cause);
	if (st->nargs == 0) {
		*cause = xstrdup(e->opts.argv_mode ? "del needs an address, "
		    "--prefix PREFIX or --match PATTERN" : "del needs an "
		    "address, prefix=PREFIX or match=PATTERN");
		return PD_DATAERR;
	}
	s = store_del(e->store, &e->addr, cause);
	if (s == PD_MISS)
		s = miss(e, &e->addr, cause);
	return s;
}

const struct cmd cmd_count_entry = {
	.name = "count",
	.args = "[PREFIX|PATTERN]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE,
	.exec = cmd_count_keys,
	.summary = "print how many keys there are (a prefix or a glob)",
	.help = "Print the number of keys that keys would list: those of the "
	    "scope, or those that PREFIX or PATTERN names, read as keys reads "
	    "it (a literal prefix, or with * ? or [...] a glob). Expired keys "
	    "do not count, nor keys in namespaces the user may not read. "
	    "Counting none is no miss: it prints 0 and exits 0.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb count app.config.\n"
	    "prontodb count 'app.*.h*'",
};

static const struct cmd_opt del_opts[] = {
	{ "prefix", "PREFIX", 0, 0 },
	{ "match", "PATTERN", 0, 0 },
	{ "all", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_del_entry = {
	.name = "del",
	.args = "[ADDR]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ADDR,
	.opts = del_opts,
	.exec = cmd_del,
	.summary = "delete a key, or the keys under a prefix or a glob",
	.help = "Delete the key ADDR with its metakeys (an overlay "
	    "key__context never takes its base key along); an absent key is "
	    "a miss: a note on the standard error, unless -q, and exit status "
	    "2. prefix=PREFIX deletes instead every key under the literal "
	    "PREFIX, and match=PATTERN every key that the glob PATTERN (* ? "
	    "[...]) names, each read as keys reads it: what keys lists goes, "
	    "with its metakeys, in one step, and del prints how many "
	    "(--dry-run prints it and deletes nothing). An empty PREFIX or "
	    "PATTERN means every key in scope and needs all too (all alone "
	    "is refused: del -- all deletes a key named all). A key the user "
	    "may read but not write refuses the whole statement (exit 77), "
	    "and none is deleted.",
	.example = "prontodb set app.tmp.a 1\n"
	    "prontodb --dry-run del --prefix app.tmp.\n"
	    "prontodb del --match 'app.*.a'",
};

const struct cmd cmd_exists_entry = {
	.name = "exists",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR,
	.exec = cmd_exists,
	.summary = "exit 0 if the key exists, 2 if not",
	.help = "Print nothing, and exit 0 when the key ADDR exists or 2 "
	    "when it does not, without a note on the standard error: a test "
	    "for shell conditions. An expired key does not exist, and an "
	    "overlay key__context without a value of its own falls back to "
	    "its base key, as for get.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb exists app.config.host && echo present",
};

static const struct cmd_opt get_opts[] = {
	{ "include-expired", NULL, 0, 0 },
	{ "raw", NULL, 0, 0 },
	{ "default", "VALUE", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_get_entry = {
	.name = "get",
	.args = "ADDR ...",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR,
	.opts = get_opts,
	.exec = cmd_get,
	.summary = "print the values of keys",
	.help = "Print the value of the key ADDR followed by a newline; with "
	    "raw, print exactly the stored bytes and nothing else, the way "
	    "to read binary values. A key with a __context suffix and no "
	    "value of its own reads its base key: app.config.host__staging "
	    "falls back to app.config.host. With include-expired, a key "
	    "whose TTL has passed is still returned while its row exists. An "
	    "absent or expired key is a miss: nothing is printed, a note "
	    "goes to the standard error unless -q, and the exit status is 2; "
	    "with default=VALUE, VALUE is printed instead and the exit status "
	    "is 0. Several ADDRs print one line each, in order, a miss an "
	    "empty line (or VALUE), and any miss makes the exit status 2; "
	    "with --json each is one record, a miss "
	    "{\"address\":ADDR,\"found\":false}. raw takes one ADDR.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb get app.config.host app.config.host__staging\n"
	    "prontodb get app.config.port --default 5432",
};

static const struct cmd_opt incr_opts[] = {
	{ "ttl", "S", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_incr_entry = {
	.name = "incr",
	.args = "ADDR [BY]",
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_KEY_WRITE,
	.opts = incr_opts,
	.exec = cmd_incr,
	.summary = "add BY (default 1) to an integer value and print it",
	.help = "Add BY (1 by default, negative to subtract) to the integer "
	    "value of the key ADDR, store the sum as decimal text and print "
	    "it; a key that does not exist counts as 0. The read and the "
	    "write happen under the database's write lock, so processes that "
	    "increment one key at the same time lose no update. ttl=S makes "
	    "the key expire S from now (seconds, or 1500ms, 90s, 30m, 2h, "
	    "1d), in a TTL namespace only. A stored value that is not an "
	    "integer, or a sum out of range, is an error (exit 1) and "
	    "changes nothing.",
	.example = "prontodb incr app.stats.visits\n"
	    "prontodb incr app.stats.visits 10",
};

const struct cmd cmd_keys_entry = {
	.name = "keys",
	.args = "[PREFIX|PATTERN]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE,
	.exec = cmd_keys,
	.summary = "list keys, under a literal prefix or matching a glob",
	.help = "List the names of the keys in the current scope, one per "
	    "line, in byte order; with PREFIX, only those under that literal "
	    "prefix (_ and % are not wildcards). The prefix is split on the "
	    "delimiter: app. lists the keys of project app, app.config those "
	    "of its namespace config, and app.config.h the keys of app.config "
	    "that begin with h; one part is a key prefix in the scope's "
	    "namespace. A PATTERN with * ? or [...] is a glob instead, over "
	    "the key for one part and over the whole address otherwise "
	    "(app.*.host); the part before its first wildcard is looked up "
	    "in the index, so app.config.* reads app.config alone. project=P "
	    "and namespace=N (-p, -n) set the scope, and names are printed "
	    "relative to it. Listing nothing is not a miss: the exit status "
	    "is 0.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb keys app.config.\n"
	    "prontodb keys 'app.*.h*'",
};

const struct cmd cmd_ls_entry = {
	.name = "ls",
	.args = "[PREFIX|PATTERN]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE,
	.exec = cmd_keys,
	.summary = "list keys: the same as keys (upstream's name)",
	.help = "Another name for keys, as upstream prontodb spelt it: list "
	    "the keys of the scope, or those under PREFIX.  A one-part "
	    "PREFIX is a key prefix in the scope's namespace (default.default "
	    "when none is set); project.namespace names a namespace, and "
	    "project.namespace.key (or project.namespace.) is absolute.  "
	    "With * ? or [...] it is a glob PATTERN, as for keys.",
	.example = "prontodb ls\nprontodb ls app.config\nprontodb ls -p app "
	    "-n config ho",
};

static const struct cmd_opt scan_opts[] = {
	{ "meta", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_scan_entry = {
	.name = "scan",
	.args = "[PREFIX|PATTERN]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE,
	.opts = scan_opts,
	.exec = cmd_scan,
	.summary = "list keys with their values (and metakeys)",
	.help = "List keys as keys does, but each as a name=value line, the "
	    "value's bytes unchanged and followed by a newline. With meta, "
	    "each key is followed by its user metakeys, one name=value line "
	    "each, indented by two spaces. PREFIX or PATTERN, project=P and "
	    "namespace=N (-p, -n) choose the keys as for keys; in a stream a "
	    "bare word meta is the option, so quote a prefix that is meta.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb meta set app.config.host owner ops\n"
	    "prontodb scan app.config. meta",
};

static const struct cmd_opt set_opts[] = {
	{ "ttl", "S", 0, 0 },
	{ "if-absent", NULL, 0, 0 },
	{ "if-version", "N", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_set_entry = {
	.name = "set",
	.args = "ADDR VALUE",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_KEY_WRITE,
	.opts = set_opts,
	.exec = cmd_set,
	.summary = "store a value (if-absent, if-version=N: compare and set)",
	.help = "Store VALUE under the key ADDR byte for byte, replacing any "
	    "value it had; on the command line a VALUE of - reads all of the "
	    "standard input. Each write adds one to the key's version. With "
	    "if-absent the write happens only if the key does not exist, and "
	    "with if-version=N only if its version is N, checked and written "
	    "in one step (compare and set); when the condition fails nothing "
	    "is written and the exit status is 2. ttl=S makes the key expire "
	    "S from now (seconds, or 1500ms, 90s, 30m, 2h, 1d), in a TTL "
	    "namespace only, whose own TTL applies otherwise.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb set app.config.host db2 if-version=1\n"
	    "printf 'bin\\0ary' | prontodb set app.blobs.one -",
};
