/*
 * cmd-kv.c - the key verbs: set, get, del, exists, keys, scan.
 */
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

static enum pd_status
miss(struct engine *e, const struct addr *a, char **cause)
{
	char	*t = addr_text(e, a);

	*cause = xasprintf("%s: not found", t);
	free(t);
	return PD_MISS;
}

enum pd_status
cmd_set(struct engine *e, struct stmt *st, char **cause)
{
	struct addr	 a;
	enum pd_status	 s;

	if ((s = engine_addr(e, st, 0, &a, cause)) != PD_OK)
		return s;
	s = store_set(e->store, &a, st->args[1].s, st->args[1].len,
	    util_now_ms(), cause);
	addr_release(&a);
	return s;
}

/*
 * Read a key; a key with a __context that has no overlay of its own reads
 * through to its base key.
 */
static enum pd_status
lookup(struct engine *e, const struct stmt *st, struct addr *a,
    struct buf *val, char **cause)
{
	enum pd_status	 s;
	const char	*ctx;
	size_t		 base;

	if ((s = engine_addr(e, st, 0, a, cause)) != PD_OK)
		return s;
	s = store_get(e->store, a, val, cause);
	if (s != PD_MISS)
		return s;
	base = addr_split_context(a->key, &ctx);
	if (ctx != NULL) {
		char	*full = a->key;

		a->key = xmemdup(full, base);
		s = store_get(e->store, a, val, cause);
		free(a->key);
		a->key = full;
	}
	return s == PD_MISS ? miss(e, a, cause) : s;
}

enum pd_status
cmd_get(struct engine *e, struct stmt *st, char **cause)
{
	struct addr	 a;
	enum pd_status	 s;

	s = lookup(e, st, &a, &e->scratch, cause);
	if (s == PD_OK)
		s = out_value(e->out, e->scratch.data, e->scratch.len,
		    !engine_flag(st, "raw"));
	addr_release(&a);
	return s;
}

enum pd_status
cmd_exists(struct engine *e, struct stmt *st, char **cause)
{
	struct addr	 a;
	enum pd_status	 s;

	s = lookup(e, st, &a, &e->scratch, cause);
	if (s == PD_MISS) {
		/* The exit status is the answer; a miss here is no news. */
		free(*cause);
		*cause = NULL;
	}
	addr_release(&a);
	return s;
}

enum pd_status
cmd_del(struct engine *e, struct stmt *st, char **cause)
{
	struct addr	 a;
	enum pd_status	 s;

	if ((s = engine_addr(e, st, 0, &a, cause)) != PD_OK)
		return s;
	s = store_del(e->store, &a, cause);
	if (s == PD_MISS)
		s = miss(e, &a, cause);
	addr_release(&a);
	return s;
}

struct listing {
	struct engine	*e;
	int		 depth;		/* levels fixed by the scope */
	int		 values;
};

/* Names print relative to the scope, as they would be typed there. */
static enum pd_status
list_row(void *ctx, const struct store_row *r)
{
	struct listing	*l = ctx;
	struct buf	*b = &l->e->scratch;
	const char	*part[3] = { r->project, r->ns, r->key };
	int		 i;

	buf_reset(b);
	for (i = l->depth; i < 3; i++) {
		if (i > l->depth)
			buf_addc(b, l->e->delim);
		buf_adds(b, part[i]);
	}
	if (l->values)
		return out_pair(l->e->out, b->data, r->value, r->vlen);
	return out_line(l->e->out, b->data);
}

/*
 * keys and scan: the scope fixes the leading levels; the prefix, split on
 * the delimiter, fixes whole names and ends in a literal prefix.
 */
static enum pd_status
list(struct engine *e, struct stmt *st, int values, char **cause)
{
	struct store_filter	 f;
	struct listing		 l;
	const char		*prefix = st->nargs > 0 ? st->args[0].s : "";
	char			*copy, *p, *d;
	enum pd_status		 s;
	int			 level = 0;

	memset(&f, 0, sizeof(f));
	if (e->sc.project != NULL) {
		f.mode[level] = STORE_EXACT;
		f.text[level++] = e->sc.project;
		if (e->sc.ns != NULL) {
			f.mode[level] = STORE_EXACT;
			f.text[level++] = e->sc.ns;
		}
	}
	l.e = e;
	l.depth = level;
	l.values = values;
	if (st->nargs > 0 && strlen(prefix) != st->args[0].len)
		return PD_OK;	/* names hold no NUL: nothing can match */
	copy = xstrdup(prefix);
	for (p = copy; (d = strchr(p, e->delim)) != NULL; p = d + 1) {
		if (level == 2)
			goto out;	/* keys hold no delimiter */
		*d = '\0';
		f.mode[level] = STORE_EXACT;
		f.text[level++] = p;
	}
	if (*p != '\0') {
		f.mode[level] = STORE_PREFIX;
		f.text[level] = p;
	}
	s = store_scan(e->store, &f, values, list_row, &l, cause);
	free(copy);
	return s;
out:
	free(copy);
	return PD_OK;
}

enum pd_status
cmd_keys(struct engine *e, struct stmt *st, char **cause)
{
	return list(e, st, 0, cause);
}

enum pd_status
cmd_scan(struct engine *e, struct stmt *st, char **cause)
{
	return list(e, st, 1, cause);
}
