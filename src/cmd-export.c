/*
 * cmd-export.c - export: the store as a stream that recreates it.
 *
 * Piped into prontodb on an empty database, the export recreates tables,
 * projects, namespaces with their kinds and TTL policies, every key byte
 * for byte (values as {N} literals), their remaining TTLs and metakeys,
 * inside one block: all or nothing.  Names are quoted, and the delimiter
 * is one that no exported name contains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "engine.h"
#include "progress.h"
#include "store.h"
#include "util.h"

struct export {
	struct engine	*e;
	const char	*prefix;	/* literal prefix of full addresses */
	char		 delim;
	unsigned char	 used[256];	/* bytes seen in names */
	struct buf	 b;		/* statements not yet written */
	struct buf	 a;		/* an address being quoted */
	struct buf	 ns;		/* project NUL ns of the last key */
	struct buf	 qns;		/* its quoted "project.ns. */
	int		 ns_ttl;	/* it has a default TTL; -1: not known */
	long long	 now;
	long long	 rows;
	struct progress	 pg;
	enum pd_status	 s;
};

/* Statements go out in pieces of this size, not one write each. */
#define EXPORT_CHUNK	(64 * 1024)

static void
literal(struct buf *b, const void *p, size_t len)
{
	char	 hdr[32], *h = hdr + sizeof(hdr);
	size_t	 n = len;

	/* "{len}\n" without snprintf: a million keys, a million headers. */
	*--h = '\n';
	*--h = '}';
	do
		*--h = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	*--h = '{';
	buf_add(b, h, (size_t)(hdr + sizeof(hdr) - h));
	buf_add(b, p, len);
}

static void
address(struct export *x, const char *p, const char *n, const char *k)
{
	buf_reset(&x->a);
	buf_adds(&x->a, p);
	if (n != NULL) {
		buf_addc(&x->a, x->delim);
		buf_adds(&x->a, n);
	}
	if (k != NULL) {
		buf_addc(&x->a, x->delim);
		buf_adds(&x->a, k);
	}
	out_quote(&x->b, x->a.data);
}

/* End the statement being built; write what has piled up. */
static enum pd_status
emit(struct export *x)
{
	enum pd_status	 s = PD_OK;

	buf_addc(&x->b, '\n');
	if (x->b.len >= EXPORT_CHUNK) {
		s = out_raw(x->e->out, x->b.data, x->b.len);
		buf_reset(&x->b);
	}
	return s;
}

/* Write what emit kept back. */
static enum pd_status
drain(struct export *x)
{
	enum pd_status	 s = out_raw(x->e->out, x->b.data, x->b.len);

	buf_reset(&x->b);
	return s;
}

static int
wanted(const struct export *x, const char *p, const char *n, const char *k)
{
	char	*a;
	size_t	 plen, alen;
	int	 ok;

	if (x->prefix == NULL || *x->prefix == '\0')
		return 1;
	a = k != NULL ? xasprintf("%s.%s.%s", p, n, k) :
	    n != NULL ? xasprintf("%s.%s.", p, n) : xasprintf("%s.", p);
	plen = strlen(x->prefix);
	alen = strlen(a);
	/* An object is wanted when keys under it can match the prefix. */
	ok = k != NULL ? alen >= plen && memcmp(a, x->prefix, plen) == 0 :
	    memcmp(a, x->prefix, alen < plen ? alen : plen) == 0;
	free(a);
	return ok;
}

static void
note_name(struct export *x, const char *s)
{
	for (; *s != '\0'; s++)
		x->used[(unsigned char)*s] = 1;
}

static enum pd_status
names(void *ctx, const struct store_object *o)
{
	struct export	*x = ctx;

	note_name(x, o->project);
	if (o->ns != NULL)
		note_name(x, o->ns);
	return PD_OK;
}

static enum pd_status
table_stmt(void *ctx, const struct store_table *t)
{
	struct export	*x = ctx;

	if (strcmp(t->name, "kv") == 0 || t->namespaces == 0)
		return PD_OK;
	buf_adds(&x->b, "table create ");
	out_quote(&x->b, t->name);
	return emit(x);
}

static enum pd_status
project_stmt(void *ctx, const struct store_object *o)
{
	struct export	*x = ctx;

	if (!wanted(x, o->project, NULL, NULL))
		return PD_OK;
	buf_adds(&x->b, "project create ");
	address(x, o->project, NULL, NULL);
	if (*o->description != '\0') {
		buf_adds(&x->b, " description=");
		out_quote(&x->b, o->description);
	}
	return emit(x);
}

static enum pd_status
ns_stmts(void *ctx, const struct store_object *o)
{
	struct export	*x = ctx;
	enum pd_status	 s;
	char		 num[64];

	if (!wanted(x, o->project, o->ns, NULL))
		return PD_OK;
	buf_adds(&x->b, "ns create ");
	address(x, o->project, o->ns, NULL);
	if (*o->description != '\0') {
		buf_adds(&x->b, " description=");
		out_quote(&x->b, o->description);
	}
	if (strcmp(o->table, "kv") != 0) {
		buf_adds(&x->b, " table=");
		out_quote(&x->b, o->table);
	}
	if ((s = emit(x)) != PD_OK)
		return s;
	if (o->ttl_ms <= 0)
		return PD_OK;
	buf_adds(&x->b, "cache create ");
	address(x, o->project, o->ns, NULL);
	snprintf(num, sizeof(num), " ttl=%lld.%03lld", o->ttl_ms / 1000,
	    o->ttl_ms % 1000);
	buf_adds(&x->b, num);
	if (o->max_items > 0) {
		snprintf(num, sizeof(num), " max_items=%lld", o->max_items);
		buf_adds(&x->b, num);
	}
	return emit(x);
}

/*
 * Keys come namespace by namespace: what depends on the namespace alone
 * (its quoted part of the address, its policy) is worked out once.
 */
static void
ns_enter(struct export *x, const char *p, const char *n)
{
	size_t	 plen = strlen(p);

	if (x->ns.len > 0 && strcmp(x->ns.data, p) == 0 &&
	    strcmp(x->ns.data + plen + 1, n) == 0)
		return;
	buf_reset(&x->ns);
	buf_add(&x->ns, p, plen + 1);
	buf_adds(&x->ns, n);
	buf_reset(&x->qns);
	buf_addc(&x->qns, '"');
	out_escape(&x->qns, p, plen);
	buf_addc(&x->qns, x->delim);
	out_escape(&x->qns, n, strlen(n));
	buf_addc(&x->qns, x->delim);
	x->ns_ttl = -1;
}

/* Whether the namespace of the last key has a default TTL. */
static int
ns_has_ttl(struct export *x, const char *p, const char *n)
{
	long long	 ttl, max;
	char		*cause = NULL;

	if (x->ns_ttl < 0) {
		x->ns_ttl = store_ns_limits(x->e->store, p, n, &ttl, &max,
		    &cause) == PD_OK && ttl > 0;
		free(cause);
	}
	return x->ns_ttl;
}

/* Start a statement: the verb and the key's quoted address. */
static void
key_verb(struct export *x, const char *verb)
{
	buf_adds(&x->b, verb);
	buf_add(&x->b, x->a.data, x->a.len);
}

static enum pd_status
key_stmts(void *ctx, const struct store_row *r)
{
	struct export	*x = ctx;
	enum pd_status	 s;
	long long	 left;
	char		 num[64];
	size_t		 i;

	if (!wanted(x, r->project, r->ns, r->key))
		return PD_OK;
	progress_update(&x->pg, ++x->rows, 0);
	ns_enter(x, r->project, r->ns);
	buf_reset(&x->a);
	buf_add(&x->a, x->qns.data, x->qns.len);
	out_escape(&x->a, r->key, strlen(r->key));
	buf_addc(&x->a, '"');
	key_verb(x, "set ");
	buf_addc(&x->b, ' ');
	literal(&x->b, r->value, r->vlen);
	if ((s = emit(x)) != PD_OK)
		return s;
	/* Remaining TTL as it is now; a TTL namespace's keyless default off. */
	if (r->expires > 0) {
		left = r->expires - x->now;
		key_verb(x, "expire ");
		snprintf(num, sizeof(num), " %lld.%03lld", left / 1000,
		    left % 1000);
		buf_adds(&x->b, num);
		if ((s = emit(x)) != PD_OK)
			return s;
	} else if (ns_has_ttl(x, r->project, r->ns)) {
		key_verb(x, "persist ");
		if ((s = emit(x)) != PD_OK)
			return s;
	}
	for (i = 0; i < r->nmeta; i++) {
		key_verb(x, "meta set ");
		buf_addc(&x->b, ' ');
		out_quote(&x->b, r->meta[i].name);
		buf_addc(&x->b, ' ');
		literal(&x->b, r->meta[i].value, r->meta[i].vlen);
		if ((s = emit(x)) != PD_OK)
			return s;
	}
	return PD_OK;
}

static const char delims[] = ".:/|,@!^&*+~";

/*
 * The first delimiter that no exported name holds.  Project and namespace
 * names are few; whether a key holds one is asked of the store, which
 * checks without handing every key over (a second scan of all the keys
 * here had cost a third of the export).
 */
static enum pd_status
pick_delim(struct export *x, char **cause)
{
	enum pd_status	 s;
	size_t		 i;
	int		 found;

	if ((s = store_objects(x->e->store, 0, names, x, cause)) != PD_OK ||
	    (s = store_objects(x->e->store, 1, names, x, cause)) != PD_OK)
		return s;
	for (i = 0; delims[i] != '\0'; i++) {
		if (x->used[(unsigned char)delims[i]])
			continue;
		if ((s = store_keys_hold(x->e->store, delims[i], &found,
		    cause)) != PD_OK)
			return s;
		if (!found) {
			x->delim = delims[i];
			return PD_OK;
		}
	}
	*cause = xstrdup("every delimiter prontodb knows occurs in a name: "
	    "cannot export");
	return PD_ERROR;
}

static enum pd_status
cmd_export(struct engine *e, struct stmt *st, char **cause)
{
	struct export		 x;
	struct store_filter	 all;
	enum pd_status		 s;
	char			 hdr[96], when[40];

	if (engine_flag(st, "tsv") || e->out->format == OUT_TSV)
		return cmd_export_tsv(e, st, cause);
	memset(&x, 0, sizeof(x));
	memset(&all, 0, sizeof(all));
	x.e = e;
	x.prefix = st->nargs > 0 ? st->args[0].s : NULL;
	x.now = util_now_ms();
	progress_start(&x.pg, "keys", e->opts.quiet, -1);
	buf_init(&x.b);
	buf_init(&x.a);
	buf_init(&x.ns);
	buf_init(&x.qns);
	if ((s = pick_delim(&x, cause)) != PD_OK)
		goto out;
	util_iso_time(x.now, when, sizeof(when));
	snprintf(hdr, sizeof(hdr), "# prontodb export, %s\ndelim \"%c\"\n"
	    "begin\n", when, x.delim);
	if ((s = out_raw(e->out, hdr, strlen(hdr))) != PD_OK ||
	    (s = store_tables(e->store, table_stmt, &x, cause)) != PD_OK ||
	    (s = store_objects(e->store, 0, project_stmt, &x, cause)) !=
	    PD_OK ||
	    (s = store_objects(e->store, 1, ns_stmts, &x, cause)) != PD_OK ||
	    (s = store_scan(e->store, &all, STORE_SCAN_VALUES |
	    STORE_SCAN_META, key_stmts, &x, cause)) != PD_OK ||
	    (s = drain(&x)) != PD_OK)
		goto out;
	s = out_raw(e->out, "commit\n", 7);
out:
	progress_end(&x.pg);
	buf_release(&x.b);
	buf_release(&x.a);
	buf_release(&x.ns);
	buf_release(&x.qns);
	return s;
}

static const struct cmd_opt export_opts[] = {
	{ "tsv", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_export_entry = {
	.name = "export",
	.args = "[PREFIX]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_ADMIN,
	.opts = export_opts,
	.exec = cmd_export,
	.summary = "write a stream that recreates the store (or keys under PREFIX)",
	.help = "Write a stream that, piped into prontodb on an empty "
	    "database, recreates the store exactly: key tables, projects, "
	    "namespaces and their policies, every value byte for byte, "
	    "remaining TTLs and metakeys, all inside one begin and commit "
	    "block. With PREFIX, a literal prefix of full addresses, only "
	    "the keys under it and what holds them. With tsv, or --tsv "
	    "before the verb, write tab-separated rows instead (address, "
	    "value, expires_at, metakeys as JSON), as import reads them.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb export >app.pds\n"
	    "prontodb -d copy -f app.pds",
};
