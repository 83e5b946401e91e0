/*
 * cmd-verify.c - verify: compare this database with another, or with an
 * export, and report every difference.
 *
 * An export is first run into a scratch database by the same engine that
 * runs any stream, confined to the verbs of an export; then both stores
 * are read in address order and merged.  Another database is compared
 * only when its own users make this session an admin of it.
 * Values and metakeys are compared by BLAKE2b digest, so memory grows with
 * the number of keys, not with their size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd.h"
#include "engine.h"
#include "lexer.h"
#include "store.h"
#include "util.h"

#define DIGEST	16

struct rec {
	char		*addr;		/* project NUL ns NUL key, as text */
	unsigned char	 value[DIGEST];
	unsigned char	 meta[DIGEST];
	long long	 expires;
};

struct side {
	struct store	*store;
	struct rec	*v;
	size_t		 n;
	char		 delim;
};

static enum pd_status
meta_digest(void *ctx, const char *name, const void *value, size_t vlen)
{
	crypto_generichash_state	*h = ctx;
	unsigned char			 len[8];
	size_t				 i;

	/* Lengths first, so that ("ab","c") and ("a","bc") differ. */
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(vlen >> (i * 8));
	crypto_generichash_update(h, (const unsigned char *)name,
	    strlen(name) + 1);
	crypto_generichash_update(h, len, sizeof(len));
	crypto_generichash_update(h, value, vlen);
	return PD_OK;
}

static enum pd_status
collect(void *ctx, const struct store_row *r)
{
	struct side			*sd = ctx;
	struct rec			*c;
	struct addr			 a = {
		.project = (char *)r->project, .ns = (char *)r->ns,
		.key = (char *)r->key
	};
	crypto_generichash_state	 h;
	char				*cause = NULL;
	enum pd_status			 s;

	if ((sd->n & (sd->n - 1)) == 0)
		sd->v = xrealloc(sd->v, (sd->n ? sd->n * 2 : 1) *
		    sizeof(*sd->v));
	c = &sd->v[sd->n++];
	c->addr = xasprintf("%s%c%s%c%s", r->project, sd->delim, r->ns,
	    sd->delim, r->key);
	crypto_generichash(c->value, DIGEST, r->value, r->vlen, NULL, 0);
	c->expires = r->expires;
	crypto_generichash_init(&h, NULL, 0, DIGEST);
	s = store_meta_list(sd->store, &a, meta_digest, &h, &cause);
	free(cause);
	crypto_generichash_final(&h, c->meta, DIGEST);
	return s;
}

static void
side_release(struct side *sd)
{
	size_t	 i;

	for (i = 0; i < sd->n; i++)
		free(sd->v[i].addr);
	free(sd->v);
}

static enum pd_status
report(struct engine *e, const char *what, const char *addr, long *diffs)
{
	(*diffs)++;
	out_str(e->out, "difference", what);
	out_str(e->out, "address", addr);
	return out_emit(e->out, OUT_WORDS);
}

/*
 * The verbs an export writes, and the data verbs of streams like it: they
 * act on the stream's own database and nothing else.
 */
static const char *const export_verbs[] = {
	"begin", "cache create", "commit", "create-cache", "default-ttl",
	"del", "delim", "expire", "incr", "meta del", "meta set", "ns create",
	"ns set", "persist", "project create", "rollback", "set",
	"table create", "use", NULL
};

/*
 * Run an export file into a scratch database, with this engine's code.
 * The scratch is private to this run, so the file needs no credentials;
 * in exchange it may run only export_verbs, which cannot reach another
 * database, a file or the settings.
 */
static enum pd_status
load_export(struct engine *e, const char *file, const char *db, char **cause)
{
	struct engine_opts	 o = e->opts;
	struct engine		 inner;
	struct out		 quiet;
	struct lexer		*lx;
	FILE			*fp;
	enum pd_status		 s;

	if ((fp = fopen(file, "r")) == NULL) {
		*cause = xasprintf("cannot open %s", file);
		return PD_IOERR;
	}
	o.source = file;
	o.argv_mode = 0;
	o.db = db;
	o.auth_user = o.auth_apikey = NULL;
	o.dry_run = o.single_tx = 0;
	o.secure = 0;
	o.confine = export_verbs;
	out_init(&quiet, stdout, OUT_TEXT);
	quiet.discard = 1;
	lx = lexer_new_fd(fileno(fp), 0);
	engine_init(&inner, &o, &quiet);
	s = engine_run(&inner, lx);
	engine_release(&inner);
	out_release(&quiet);
	lexer_free(lx);
	fclose(fp);
	if (s != PD_OK) {
		*cause = xasprintf("%s does not load cleanly as an export", file);
		return PD_ERROR;
	}
	return PD_OK;
}

/*
 * Locate other into *loc when it is a database: a file that is one (here,
 * even without a '/'), else a name or a server's URL of one that exists.
 * PD_MISS, *loc released, when it is neither: an export.
 */
static enum pd_status
resolve(struct engine *e, const char *other, struct store_loc *loc)
{
	char	*cause = NULL, *path;
	int	 named = strchr(other, '/') == NULL;

	path = named ? xasprintf("./%s", other) : xstrdup(other);
	if (engine_locate(e, path, loc, &cause) == PD_OK &&
	    store_backup_check(loc, other, &cause) == PD_OK) {
		free(path);
		return PD_OK;
	}
	free(path);
	free(cause);
	cause = NULL;
	store_loc_free(loc);
	if ((named || store_is_server(other)) &&
	    engine_locate(e, other, loc, &cause) == PD_OK && store_exists(loc))
		return PD_OK;
	free(cause);
	store_loc_free(loc);
	return PD_MISS;
}

static enum pd_status
cmd_verify(struct engine *e, struct stmt *st, char **cause)
{
	const char		*other = st->args[0].s;
	struct store_filter	 all;
	struct side		 a, b;
	struct store		*ob = NULL;
	struct store_loc	 loc;
	struct store_place	 place;
	enum pd_status		 s;
	char			 dir[] = "/tmp/prontodb-verify-XXXXXX";
	size_t			 i = 0, j = 0;
	long			 diffs = 0;
	int			 c, scratch = 0;

	memset(&all, 0, sizeof(all));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.delim = b.delim = e->delim;
	/*
	 * Comparing reads every address and tells values apart: another
	 * database must be administered by this session, by its own users.
	 */
	if (resolve(e, other, &loc) == PD_OK) {
		if ((s = engine_authorize(e, &loc, other, GRANT_ADMIN,
		    cause)) != PD_OK)
			goto out;
	} else {
		/* Not a database: an export to load into a scratch one. */
		if (mkdtemp(dir) == NULL) {
			*cause = xstrdup("cannot make a scratch directory");
			return PD_IOERR;
		}
		scratch = 1;
		place.dir = dir;
		place.error = NULL;
		place.server = NULL;	/* a scratch file, wherever names live */
		if ((s = store_locate(&place, "scratch", &loc, cause)) !=
		    PD_OK || (s = load_export(e, other, loc.id, cause)) !=
		    PD_OK)
			goto out;
	}
	if ((s = store_open(&loc, e->opts.busy_ms, 0, &ob, cause)) != PD_OK)
		goto out;
	a.store = e->store;
	b.store = ob;
	if ((s = store_scan(a.store, &all, 1, collect, &a, cause)) != PD_OK ||
	    (s = store_scan(b.store, &all, 1, collect, &b, cause)) != PD_OK)
		goto out;
	while (s == PD_OK && (i < a.n || j < b.n)) {
		c = i == a.n ? 1 : j == b.n ? -1 :
		    strcmp(a.v[i].addr, b.v[j].addr);
		if (c < 0)
			s = report(e, "only-here", a.v[i++].addr, &diffs);
		else if (c > 0)
			s = report(e, "only-there", b.v[j++].addr, &diffs);
		else {
			if (memcmp(a.v[i].value, b.v[j].value, DIGEST) != 0)
				s = report(e, "value", a.v[i].addr, &diffs);
			if (s == PD_OK && a.v[i].expires != b.v[j].expires)
				s = report(e, "expiry", a.v[i].addr, &diffs);
			if (s == PD_OK &&
			    memcmp(a.v[i].meta, b.v[j].meta, DIGEST) != 0)
				s = report(e, "metakeys", a.v[i].addr, &diffs);
			i++;
			j++;
		}
	}
	if (s == PD_OK && diffs > 0) {
		*cause = xasprintf("%ld difference%s", diffs, diffs == 1 ? "" :
		    "s");
		s = PD_ERROR;
	}
out:
	store_close(ob);
	side_release(&a);
	side_release(&b);
	if (scratch) {
		char	*ignored = NULL;

		if (loc.id != NULL)
			store_drop(&loc, &ignored);
		free(ignored);
		rmdir(dir);
	}
	store_loc_free(&loc);
	return s;
}

const struct cmd cmd_verify_entry = {
	.name = "verify",
	.args = "DB|EXPORT",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_DB | CMD_ADMIN,
	.exec = cmd_verify,
	.summary = "compare with a database or an export; list every difference",
	.help = "Compare this database with another, by name or path, or "
	    "with an export stream, which is first loaded into a scratch "
	    "database, and print one line per difference: only-here ADDR, "
	    "only-there ADDR, value ADDR, expiry ADDR or metakeys ADDR. The "
	    "exit status is 0 when there is no difference, and 1 when there "
	    "is any. An authenticated user must be an admin of the other "
	    "database too, by its own users; an export may hold only the "
	    "verbs an export writes.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb export >app.pds\n"
	    "prontodb verify app.pds",
};
