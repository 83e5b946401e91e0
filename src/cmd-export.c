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
	struct buf	 b;
	long long	 now;
	long long	 rows;
	struct progress	 pg;
	enum pd_status	 s;
};

static void
literal(struct buf *b, const void *p, size_t len)
{
	char	 hdr[32];

	snprintf(hdr, sizeof(hdr), "{%zu}\n", len);
	buf_adds(b, hdr);
	buf_add(b, p, len);
}

static void
address(struct export *x, const char *p, const char *n, const char *k)
{
	char	*a = k != NULL ? xasprintf("%s%c%s%c%s", p, x->delim, n,
	    x->delim, k) : n != NULL ? xasprintf("%s%c%s", p, x->delim, n) :
	    xstrdup(p);

	out_quote(&x->b, a);
	free(a);
}

/* Flush the statement being built. */
static enum pd_status
emit(struct export *x)
{
	enum pd_status	 s;

	buf_addc(&x->b, '\n');
	s = out_raw(x->e->out, x->b.data, x->b.len);
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
scan_names(void *ctx, const struct store_row *r)
{
	struct export	*x = ctx;

	note_name(x, r->project);
	note_name(x, r->ns);
	note_name(x, r->key);
	return PD_OK;
}

static enum pd_status
ns_names(void *ctx, const struct store_object *o)
{
	struct export	*x = ctx;

	note_name(x, o->project);
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

struct meta_ctx {
	struct export		*x;
	const struct store_row	*r;
};

static enum pd_status
meta_stmt(void *ctx, const char *name, const void *value, size_t vlen)
{
	struct meta_ctx	*m = ctx;

	buf_adds(&m->x->b, "meta set ");
	address(m->x, m->r->project, m->r->ns, m->r->key);
	buf_addc(&m->x->b, ' ');
	out_quote(&m->x->b, name);
	buf_addc(&m->x->b, ' ');
	literal(&m->x->b, value, vlen);
	return emit(m->x);
}

static enum pd_status
key_stmts(void *ctx, const struct store_row *r)
{
	struct export	*x = ctx;
	struct meta_ctx	 m = { x, r };
	struct addr	 a = { .project = (char *)r->project,
	    .ns = (char *)r->ns, .key = (char *)r->key };
	enum pd_status	 s;
	long long	 left, ttl, max;
	char		 num[64], *cause = NULL;

	if (!wanted(x, r->project, r->ns, r->key))
		return PD_OK;
	progress_update(&x->pg, ++x->rows, 0);
	buf_adds(&x->b, "set ");
	address(x, r->project, r->ns, r->key);
	buf_addc(&x->b, ' ');
	literal(&x->b, r->value, r->vlen);
	if ((s = emit(x)) != PD_OK)
		return s;
	/* Remaining TTL as it is now; a TTL namespace's keyless default off. */
	if (r->expires > 0) {
		left = r->expires - x->now;
		buf_adds(&x->b, "expire ");
		address(x, r->project, r->ns, r->key);
		snprintf(num, sizeof(num), " %lld.%03lld", left / 1000,
		    left % 1000);
		buf_adds(&x->b, num);
		if ((s = emit(x)) != PD_OK)
			return s;
	} else if (store_ns_limits(x->e->store, r->project, r->ns, &ttl,
	    &max, &cause) == PD_OK && ttl > 0) {
		buf_adds(&x->b, "persist ");
		address(x, r->project, r->ns, r->key);
		if ((s = emit(x)) != PD_OK)
			return s;
	}
	free(cause);
	cause = NULL;
	s = store_meta_list(x->e->store, &a, meta_stmt, &m, &cause);
	free(cause);
	return s;
}

static const char delims[] = ".:/|,@!^&*+~";

static enum pd_status
cmd_export(struct engine *e, struct stmt *st, char **cause)
{
	struct export		 x;
	struct store_filter	 all;
	enum pd_status		 s;
	char			 hdr[96], when[40];
	size_t			 i;

	if (engine_flag(st, "tsv") || e->out->format == OUT_TSV)
		return cmd_export_tsv(e, st, cause);
	memset(&x, 0, sizeof(x));
	memset(&all, 0, sizeof(all));
	x.e = e;
	x.prefix = st->nargs > 0 ? st->args[0].s : NULL;
	x.now = util_now_ms();
	progress_start(&x.pg, "keys", e->opts.quiet, -1);
	buf_init(&x.b);
	if ((s = store_scan(e->store, &all, 0, scan_names, &x, cause)) != PD_OK ||
	    (s = store_namespaces(e->store, NULL, NULL, ns_names, &x, cause)) !=
	    PD_OK)
		goto out;
	for (i = 0; delims[i] != '\0' && x.used[(unsigned char)delims[i]]; i++)
		;
	if (delims[i] == '\0') {
		*cause = xstrdup("every delimiter prontodb knows occurs in a "
		    "name: cannot export");
		s = PD_ERROR;
		goto out;
	}
	x.delim = delims[i];
	util_iso_time(x.now, when, sizeof(when));
	snprintf(hdr, sizeof(hdr), "# prontodb export, %s\ndelim \"%c\"\n"
	    "begin\n", when, x.delim);
	if ((s = out_raw(e->out, hdr, strlen(hdr))) != PD_OK ||
	    (s = store_tables(e->store, table_stmt, &x, cause)) != PD_OK ||
	    (s = store_projects(e->store, NULL, project_stmt, &x, cause)) !=
	    PD_OK ||
	    (s = store_namespaces(e->store, NULL, NULL, ns_stmts, &x, cause)) !=
	    PD_OK ||
	    (s = store_scan(e->store, &all, 1, key_stmts, &x, cause)) != PD_OK)
		goto out;
	s = out_raw(e->out, "commit\n", 7);
out:
	progress_end(&x.pg);
	buf_release(&x.b);
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
