/*
 * cmd-kv.c - the key verbs: set, get, del, exists, keys (and ls, its
 * upstream name), scan.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

static char *
addr_text(const struct engine *e, const struct addr *a)
{
	return xasprintf("%s%c%s%c%s", a->project, e->delim, a->ns, e->delim,
	    a->key);
}

/* The "address" field of a key's record (JSON and TSV show it). */
static void
out_address(struct engine *e, const struct addr *a)
{
	char	*t = addr_text(e, a);

	out_str(e->out, "address", t);
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
 * Read a key; a key with a __context that has no overlay of its own reads
 * through to its base key.
 */
static enum pd_status
lookup(struct engine *e, const struct stmt *st, struct buf *val,
    char **cause)
{
	struct addr	*a = &e->addr;
	enum pd_status	 s;
	const char	*ctx;
	size_t		 base;
	int		 expired = engine_flag(st, "include-expired");

	s = store_get_any(e->store, a, expired, val, cause);
	if (s != PD_MISS)
		return s;
	base = addr_split_context(a->key, &ctx);
	if (ctx != NULL) {
		char	*full = a->key;

		a->key = xmemdup(full, base);
		s = store_get_any(e->store, a, expired, val, cause);
		free(a->key);
		a->key = full;
	}
	return s == PD_MISS ? miss(e, a, cause) : s;
}

static enum pd_status
cmd_get(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	s = lookup(e, st, &e->scratch, cause);
	if (s != PD_OK)
		return s;
	out_address(e, &e->addr);
	out_bytes(e->out, "value", e->scratch.data, e->scratch.len);
	/* JSON records carry the key's revision; text shows the value. */
	if (e->out->format == OUT_JSON)
		out_int(e->out, "revision", store_read_revision(e->store));
	return out_emit(e->out, engine_flag(st, "raw") ? OUT_RAW : OUT_VALUE);
}

static enum pd_status
cmd_exists(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	s = lookup(e, st, &e->scratch, cause);
	if (s == PD_MISS) {
		/* The exit status is the answer; a miss here is no news. */
		free(*cause);
		*cause = NULL;
	}
	if (s != PD_OK && s != PD_MISS)
		return s;
	out_address(e, &e->addr);
	out_bool(e->out, "exists", s == PD_OK);
	return out_emit(e->out, OUT_NOTEXT) == PD_OK ? s : PD_IOERR;
}

static enum pd_status
cmd_del(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	s = store_del(e->store, &e->addr, cause);
	if (s == PD_MISS)
		s = miss(e, &e->addr, cause);
	return s;
}

struct listing {
	struct engine	*e;
	int		 depth;		/* levels fixed by the scope */
	int		 values;
	int		 meta;		/* scan --meta: metakeys under each key */
	struct buf	 seen;		/* last project NUL namespace checked */
	int		 allowed;	/* read access to it */
};

/*
 * An authenticated user sees only the namespaces granted to them; rows come
 * in address order, so one check per namespace suffices.
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
		s = engine_permit(l->e, GRANT_READ, r->project, r->ns, &cause);
		free(cause);
		if (s != PD_OK && s != PD_DENIED)
			return s;
		l->allowed = s == PD_OK;
	}
	*ok = l->allowed;
	return PD_OK;
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

	if ((s = readable(l, r, &ok)) != PD_OK || !ok)
		return s;
	buf_reset(b);
	for (i = l->depth; i < 3; i++) {
		if (i > l->depth)
			buf_addc(b, l->e->delim);
		buf_adds(b, part[i]);
	}
	out_str(l->e->out, "key", b->data);
	if (!l->values)
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
 * The filter of an absolute prefix, p.n.k or p.n (parts > 1): the project
 * and namespace are whole names, the key (or, for p., the namespace) a
 * literal prefix.  copy holds the prefix, split in place.
 */
static enum pd_status
absolute(struct engine *e, const struct arg *a, char *copy, size_t parts,
    struct store_filter *f, char **cause)
{
	static const char *const what[3] = { "project", "namespace", "key" };
	char		*p = copy, *d, *why = NULL;
	size_t		 i;

	for (i = 0; i < parts; i++, p = d != NULL ? d + 1 : p + strlen(p)) {
		d = strchr(p, e->delim);
		if (d != NULL)
			*d = '\0';
		if (i == parts - 1 && *p == '\0')
			break;	/* p. and p.n. name everything under them */
		if (addr_check_part(p, strlen(p), e->delim, what[i], &why) !=
		    PD_OK) {
			engine_blame(e, a->line, a->col);
			*cause = xasprintf("prefix '%s': %s",
			    util_wordn(a->s, a->len), why);
			free(why);
			return PD_DATAERR;
		}
		f->mode[i] = i == 2 ? STORE_PREFIX : STORE_EXACT;
		f->text[i] = p;
	}
	return PD_OK;
}

/*
 * keys and scan.  No prefix: what the scope fixes (everything when none
 * is set).  One part: a literal key prefix in the scope's namespace
 * (default.default when none is set, as upstream).  p.n, p.n.k, and p. or
 * p.n. (everything under them) are absolute whatever the scope.  Names
 * print as they would be typed in the scope: relative to it, and whole
 * for an absolute prefix.
 */
static enum pd_status
list(struct engine *e, struct stmt *st, int values, char **cause)
{
	struct store_filter	 f;
	struct listing		 l;
	struct scope		 sc;
	const struct arg	*a = st->nargs > 0 ? &st->args[0] : NULL;
	char			*copy = NULL;
	enum pd_status		 s;
	size_t			 parts = 0;
	int			 level = 0;

	memset(&f, 0, sizeof(f));
	if (a != NULL && strlen(a->s) != a->len)
		return PD_OK;	/* names hold no NUL: nothing can match */
	if (a != NULL)
		parts = addr_parts(a->s, a->len, e->delim);
	if (parts > 3) {
		engine_blame(e, a->line, a->col);
		*cause = xasprintf("prefix '%s' has too many parts (at most "
		    "project%cnamespace%ckey)", util_wordn(a->s, a->len),
		    e->delim, e->delim);
		return PD_DATAERR;
	}
	if (parts > 1 && engine_check_named(e, st, a, 1, "prefix", cause) !=
	    PD_OK)
		return PD_DATAERR;
	if (parts == 0 && e->sc.project != NULL) {
		f.mode[level] = STORE_EXACT;
		f.text[level++] = e->sc.project;
		if (e->sc.ns != NULL) {
			f.mode[level] = STORE_EXACT;
			f.text[level++] = e->sc.ns;
		}
	} else if (parts == 1) {
		addr_scope_default(&e->sc, &sc);
		f.mode[0] = f.mode[1] = STORE_EXACT;
		f.text[0] = sc.project;
		f.text[1] = sc.ns;
		if (a->len > 0) {
			f.mode[2] = STORE_PREFIX;
			f.text[2] = a->s;
		}
		level = 2;
	} else if (parts > 1) {
		copy = xstrdup(a->s);
		if ((s = absolute(e, a, copy, parts, &f, cause)) != PD_OK) {
			free(copy);
			return s;
		}
	}
	l.e = e;
	l.depth = level;
	l.values = values;
	l.meta = values && engine_flag(st, "meta");
	buf_init(&l.seen);
	l.allowed = 0;
	s = store_scan(e->store, &f, values, list_row, &l, cause);
	free(copy);
	buf_release(&l.seen);
	return s;
}

static enum pd_status
cmd_keys(struct engine *e, struct stmt *st, char **cause)
{
	return list(e, st, 0, cause);
}

static enum pd_status
cmd_scan(struct engine *e, struct stmt *st, char **cause)
{
	return list(e, st, 1, cause);
}

const struct cmd cmd_del_entry = {
	.name = "del",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ADDR,
	.exec = cmd_del,
	.summary = "delete a key",
	.help = "Delete the key ADDR together with its metakeys. Only that "
	    "exact key goes: deleting an overlay key__context never touches "
	    "its base key. An absent key is a miss: a note on the standard "
	    "error, unless -q, and exit status 2.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb del app.config.host",
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
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_get_entry = {
	.name = "get",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR,
	.opts = get_opts,
	.exec = cmd_get,
	.summary = "print a key's value",
	.help = "Print the value of the key ADDR followed by a newline; with "
	    "raw, print exactly the stored bytes and nothing else, the way "
	    "to read binary values. A key with a __context suffix and no "
	    "value of its own reads its base key: app.config.host__staging "
	    "falls back to app.config.host. With include-expired, a key "
	    "whose TTL has passed is still returned while its row exists. An "
	    "absent or expired key is a miss: nothing is printed, a note "
	    "goes to the standard error unless -q, and the exit status is 2.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb get app.config.host\n"
	    "prontodb get app.config.host__staging",
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
	.args = "[PREFIX]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE,
	.exec = cmd_keys,
	.summary = "list keys, optionally under a literal prefix",
	.help = "List the names of the keys in the current scope, one per "
	    "line, in byte order; with PREFIX, only those under that literal "
	    "prefix (_ and % are not wildcards). The prefix is split on the "
	    "delimiter: app. lists the keys of project app, app.con those of "
	    "its namespaces that begin with con, and app.config.h the keys "
	    "of app.config that begin with h. project=P and namespace=N (-p, "
	    "-n) set the scope, and names are printed relative to it. "
	    "Listing nothing is not a miss: the exit status is 0.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb set app.config.port 5432\n"
	    "prontodb keys app.config.",
};

const struct cmd cmd_ls_entry = {
	.name = "ls",
	.args = "[PREFIX]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE,
	.exec = cmd_keys,
	.summary = "list keys: the same as keys (upstream's name)",
	.help = "Another name for keys, as upstream prontodb spelt it: list "
	    "the keys of the scope, or those under PREFIX.  A one-part "
	    "PREFIX is a key prefix in the scope's namespace (default.default "
	    "when none is set); project.namespace names a namespace, and "
	    "project.namespace.key (or project.namespace.) is absolute.",
	.example = "prontodb ls\nprontodb ls app.config\nprontodb ls -p app "
	    "-n config ho",
};

static const struct cmd_opt scan_opts[] = {
	{ "meta", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_scan_entry = {
	.name = "scan",
	.args = "[PREFIX]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_READ | CMD_SCOPE,
	.opts = scan_opts,
	.exec = cmd_scan,
	.summary = "list keys with their values (and metakeys)",
	.help = "List keys as keys does, but each as a name=value line, the "
	    "value's bytes unchanged and followed by a newline. With meta, "
	    "each key is followed by its user metakeys, one name=value line "
	    "each, indented by two spaces. PREFIX, project=P and namespace=N "
	    "(-p, -n) choose the keys as for keys; in a stream a bare word "
	    "meta is the option, so quote a prefix that is meta.",
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
