/*
 * pattern.c - a PREFIX or PATTERN argument into a glob and the store
 * filter of its literal prefix (see pattern.h).
 */
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "pattern.h"
#include "util.h"

/*
 * The store filter of the literal prefix: up to the first delimiter a
 * project, then a namespace, then the start of a key; the part where the
 * prefix ends is a prefix of its level.
 */
static void
pattern_filter(struct pattern *p, char delim)
{
	char	*part = p->literal, *d;
	int	 level;

	memset(&p->f, 0, sizeof(p->f));
	for (level = 0; level < 2 && (d = strchr(part, delim)) != NULL;
	    level++) {
		*d = '\0';
		p->f.mode[level] = STORE_EXACT;
		p->f.text[level] = part;
		part = d + 1;
	}
	if (*part != '\0') {
		p->f.mode[level] = STORE_PREFIX;
		p->f.text[level] = part;
	}
}

/* Append name and the delimiter to g, as a pattern of itself. */
static void
name_part(struct buf *g, const char *name, char delim)
{
	glob_quote(g, name);
	buf_addc(g, delim);
}

/*
 * Check the parts of an absolute prefix (p., p.n, p.n.k): the project and
 * namespace whole names, the last part may be empty.
 */
static enum pd_status
check_parts(struct engine *e, const struct arg *a, const char *what,
    char **cause)
{
	static const char *const level[3] = { "project", "namespace", "key" };
	const char	*p = a->s, *d;
	char		*why = NULL;
	size_t		 i, len;

	for (i = 0; p != NULL; i++, p = d != NULL ? d + 1 : NULL) {
		d = strchr(p, e->delim);
		len = d != NULL ? (size_t)(d - p) : strlen(p);
		if (d == NULL && len == 0)
			break;
		if (addr_check_part(p, len, e->delim, level[i], &why) !=
		    PD_OK) {
			engine_blame(e, a->line, a->col);
			*cause = xasprintf("%s '%s': %s", what,
			    util_wordn(a->s, a->len), why);
			free(why);
			return PD_DATAERR;
		}
	}
	return PD_OK;
}

enum pd_status
pattern_make(struct engine *e, const struct stmt *st, const struct arg *a,
    int literal, const char *what, struct pattern *p, char **cause)
{
	struct scope	 sc;
	struct buf	 g;
	size_t		 parts = a != NULL ? addr_parts(a->s, a->len, e->delim) :
	    0;
	int		 magic = !literal && a != NULL && glob_has_magic(a->s);

	memset(p, 0, sizeof(*p));
	if (parts > 3) {
		engine_blame(e, a->line, a->col);
		*cause = xasprintf("%s '%s' has too many parts (at most "
		    "project%cnamespace%ckey)", what, util_wordn(a->s, a->len),
		    e->delim, e->delim);
		return PD_DATAERR;
	}
	if (parts > 1 && (engine_check_named(e, st, a, 1, what, cause) !=
	    PD_OK || (!magic && check_parts(e, a, what, cause) != PD_OK)))
		return PD_DATAERR;
	buf_init(&g);
	if (parts == 0 && e->sc.project != NULL) {
		name_part(&g, e->sc.project, e->delim);
		p->depth++;
		if (e->sc.ns != NULL) {
			name_part(&g, e->sc.ns, e->delim);
			p->depth++;
		}
	} else if (parts == 1) {
		addr_scope_default(&e->sc, &sc);
		name_part(&g, sc.project, e->delim);
		name_part(&g, sc.ns, e->delim);
		p->depth = 2;
	}
	if (magic)
		buf_adds(&g, a->s);
	else if (a != NULL) {
		glob_quote(&g, a->s);
		/* p.n names a namespace, as for keys: its keys, no more. */
		if (parts == 2 && a->len > 0 && a->s[a->len - 1] != e->delim)
			buf_addc(&g, e->delim);
	}
	if (!magic)
		buf_addc(&g, '*');
	p->literal = xmemdup(g.data, glob_literal_prefix(g.data));
	/*
	 * When the only wildcard is a final '*', the filter's levels say it
	 * all (names hold no delimiter): no row needs matching.
	 */
	p->exact = strlen(p->literal) + 1 == g.len &&
	    g.data[g.len - 1] == '*';
	p->glob = buf_detach(&g, NULL);
	pattern_filter(p, e->delim);
	return PD_OK;
}

int
pattern_match(const struct pattern *p, const char *t)
{
	return glob_match(p->glob, t);
}

int
pattern_row(const struct pattern *p, char delim, const char *project,
    const char *ns, const char *key, struct buf *tmp)
{
	if (p->exact)
		return 1;
	buf_reset(tmp);
	buf_adds(tmp, project);
	buf_addc(tmp, delim);
	buf_adds(tmp, ns);
	buf_addc(tmp, delim);
	buf_adds(tmp, key);
	return glob_match(p->glob, tmp->data);
}

void
pattern_release(struct pattern *p)
{
	free(p->glob);
	free(p->literal);
	p->glob = p->literal = NULL;
}
