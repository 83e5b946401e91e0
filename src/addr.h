/*
 * addr.h - key addresses: project.namespace.key, relative forms, contexts.
 *
 * An address names one key.  The dot form splits on the active delimiter;
 * shorter forms are completed from the current scope (`use`, the cursor or
 * -p/-n).  A key may carry a `__context` suffix naming an overlay.
 */
#ifndef PRONTO_ADDR_H
#define PRONTO_ADDR_H

#include <stddef.h>

#include "status.h"

struct addr {
	char	*project;
	char	*ns;
	char	*key;	/* with its __context suffix, if any */
	char	*mem;	/* the three, when addr_set made them: one block */
	size_t	 cap;	/* kept by addr_clear for the next address */
};

/* The current project and namespace; either may be NULL. */
struct scope {
	const char	*project;
	const char	*ns;
};

/*
 * The project and the namespace of a relative address when no scope names
 * them, as upstream reads them: `key` is default.default.key.
 */
#define ADDR_DEFAULT	"default"

/*
 * Resolve text (len bytes) against sc.  Three parts are absolute, two are
 * namespace.key in the current project, one is a key in the current
 * namespace.  out is zeroed or holds an address, whose memory is reused.
 * On error return PD_DATAERR and set *cause.
 */
enum pd_status	addr_resolve(const char *text, size_t len, char delim,
		    const struct scope *sc, struct addr *out, char **cause);

/*
 * Split text (len bytes), a PROJECT or PROJECT.NAMESPACE as `use` takes
 * it, into *project and *ns (NULL when not given), which the caller frees.
 * Each part is checked as an address's; on error return PD_DATAERR and
 * set *cause, in the words addresses use ("scope 'a..b' has an empty
 * part").
 */
enum pd_status	addr_scope(const char *text, size_t len, char delim,
		    char **project, char **ns, char **cause);

/*
 * sc with each part it lacks set to ADDR_DEFAULT, into out: the scope that
 * relative addresses resolve against.
 */
void		addr_scope_default(const struct scope *sc, struct scope *out);

/* How many parts text (len bytes) has: its delimiters and one. */
size_t		addr_parts(const char *text, size_t len, char delim);

/* Check one part of an address; what names it in the message. */
enum pd_status	addr_check_part(const char *s, size_t len, char delim,
		    const char *what, char **cause);

/* Check a delimiter given to `delim`, --ns-delim or the config. */
enum pd_status	addr_check_delim(const char *s, size_t len, char **cause);

/*
 * Split a key into its base and context: returns the length of the base
 * and points *ctx at the context, or returns len and sets *ctx to NULL when
 * the key has no context.  The context is what follows the last "__" when
 * both sides are non-empty.
 */
size_t	addr_split_context(const char *key, const char **ctx);

/*
 * a as a message shows it: its parts joined by delim, cut and escaped as
 * util_word does, and valid as long as util_word's result.
 */
const char	*addr_word(const struct addr *a, char delim);

/* Make a's parts copies of the given ones (which may be a's own). */
void	addr_set(struct addr *a, const char *project, size_t plen,
	    const char *ns, size_t nlen, const char *key, size_t klen);

/* Forget the address but keep its memory for the next one. */
void	addr_clear(struct addr *);

void	addr_release(struct addr *);

#endif
