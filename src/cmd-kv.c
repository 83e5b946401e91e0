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

/* The engine has resolved the address (CMD_ADDR) and checked access. */
enum pd_status
cmd_set(struct engine *e, struct stmt *st, char **cause)
{
	return store_set(e->store, &e->addr, st->args[1].s, st->args[1].len,
	    util_now_ms(), cause);
}

/*
 * Read a key; a key with a __context that has no overlay of its own reads
 * through to its base key.
 */
static enum pd_status
lookup(struct engine *e, struct buf *val, char **cause)
{
	struct addr	*a = &e->addr;
	enum pd_status	 s;
	const char	*ctx;
	size_t		 base;

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
	enum pd_status	 s;

	s = lookup(e, &e->scratch, cause);
	if (s == PD_OK)
		s = out_value(e->out, e->scratch.data, e->scratch.len,
		    !engine_flag(st, "raw"));
	return s;
}

enum pd_status
cmd_exists(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	s = lookup(e, &e->scratch, cause);
	if (s == PD_MISS) {
		/* The exit status is the answer; a miss here is no news. */
		free(*cause);
		*cause = NULL;
	}
	return s;
}

enum pd_status
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
	buf_init(&l.seen);
	l.allowed = 0;
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
	buf_release(&l.seen);
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
