/*
 * pattern.h - the PREFIX or PATTERN of keys, scan, count, del --prefix,
 * del --match and watch: which keys it names, and the store filter that
 * reaches them through the index.
 *
 * The argument is split on the delimiter as keys reads its prefix (none:
 * the scope; one part: a key in the scope's namespace, default.default
 * unless the scope names one; p. p.n p.n.k: absolute).  Without a
 * wildcard it is a literal prefix; with * ? or [...] (glob.h) it is a
 * glob over the whole address text.  Either way it becomes one glob over
 * "project.namespace.key", whose literal prefix (the bytes before its
 * first wildcard) is served by the store's index as STORE_EXACT and
 * STORE_PREFIX levels of a store_filter; only the rest is matched row by
 * row.  So app.config.* reads the keys of app.config alone, and *.config.x
 * every namespace.
 */
#ifndef PRONTO_PATTERN_H
#define PRONTO_PATTERN_H

#include "engine.h"
#include "parse.h"
#include "status.h"
#include "store.h"

/*
 * depth is how many levels (project, namespace) the scope fixed, which
 * names print relative to; exact says that f reaches exactly what glob
 * matches, so a row it reached needs no matching.
 */
struct pattern {
	char			*glob;	/* over the address text */
	char			*literal; /* the filter's texts point here */
	struct store_filter	 f;
	int			 depth;
	int			 exact;
};

/*
 * The pattern of argument a of st, or of the scope when a is NULL, into
 * *p (pattern_release frees it, also after a failure).  With literal,
 * wildcard characters in a are plain characters (del --prefix).  what
 * names the argument in messages ("prefix", "pattern"); a bad one is
 * PD_DATAERR, blamed on a.  a must hold no NUL byte.
 */
enum pd_status	pattern_make(struct engine *, const struct stmt *st,
		    const struct arg *a, int literal, const char *what,
		    struct pattern *p, char **cause);
/* Whether address text t ("project.namespace.key") matches. */
int		pattern_match(const struct pattern *, const char *t);
/*
 * Whether a row that the pattern's filter reached (store_scan) matches,
 * project, ns and key: with tmp to build its address text in, when the
 * filter alone does not say.
 */
int		pattern_row(const struct pattern *, char delim,
		    const char *project, const char *ns, const char *key,
		    struct buf *tmp);
void		pattern_release(struct pattern *);

#endif
