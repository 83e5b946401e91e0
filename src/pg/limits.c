/*
 * pg/limits.c - the namespaces' limits a transaction has read (int.h).
 *
 * Every set asks for its namespace's TTL and max_items (cmd_expiry, and
 * the queue in copy.c): a trip each on a server, as long as the set
 * itself once the sets are queued.  A transaction holds the database's
 * lock, so no one else changes a namespace meanwhile, and each statement
 * of ours forgets what was read (pg_run, pg_batch, pg_begin): a stream of
 * sets asks once per namespace and group.  The table is direct-mapped: a
 * namespace takes the slot of its hash, another one seen later replaces
 * it.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

#define SLOTS	1024

struct pg_limits {
	unsigned	 gen;		/* slots of another generation are void */
	struct {
		unsigned	 gen;
		char		*name;	/* project NUL namespace */
		size_t		 len;
		long long	 ttl, max;
	}		 slot[SLOTS];
};

/* The slot of project and ns, and their name's length in *len. */
static unsigned
slot_of(const char *project, const char *ns, size_t *len)
{
	size_t		 p = strlen(project), n = strlen(ns), i;
	unsigned	 h = 2166136261u;

	for (i = 0; i < p; i++)
		h = (h ^ (unsigned char)project[i]) * 16777619u;
	h *= 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)ns[i]) * 16777619u;
	*len = p + 1 + n;
	return h % SLOTS;
}

static int
same(const char *name, size_t len, const char *project, const char *ns,
    size_t want)
{
	size_t	 p = strlen(project);

	return len == want && memcmp(name, project, p + 1) == 0 &&
	    memcmp(name + p + 1, ns, len - p - 1) == 0;
}

int
pg_limits_seen(struct pg_store *ps, const char *project, const char *ns,
    long long *ttl_ms, long long *max_items, unsigned *gen)
{
	struct pg_limits *l = ps->limits;
	size_t		 len;
	unsigned	 i;

	*gen = l != NULL ? l->gen : 0;
	if (l == NULL || !ps->in_tx)
		return 0;
	i = slot_of(project, ns, &len);
	if (l->slot[i].gen != l->gen || !same(l->slot[i].name, l->slot[i].len,
	    project, ns, len))
		return 0;
	*ttl_ms = l->slot[i].ttl;
	*max_items = l->slot[i].max;
	return 1;
}

void
pg_limits_keep(struct pg_store *ps, unsigned gen, const char *project,
    const char *ns, long long ttl_ms, long long max_items)
{
	struct pg_limits *l = ps->limits;
	size_t		 len, p = strlen(project);
	unsigned	 i;

	if (!ps->in_tx)
		return;
	if (l == NULL) {
		l = ps->limits = xcalloc(1, sizeof(*l));
		l->gen = 1;
	} else if (l->gen == gen + 1)
		/* Only the read itself came between: what was seen holds. */
		l->gen = gen;
	i = slot_of(project, ns, &len);
	free(l->slot[i].name);
	l->slot[i].name = xmalloc(len + 1);
	memcpy(l->slot[i].name, project, p + 1);
	memcpy(l->slot[i].name + p + 1, ns, len - p);
	l->slot[i].len = len;
	l->slot[i].gen = l->gen;
	l->slot[i].ttl = ttl_ms;
	l->slot[i].max = max_items;
}

void
pg_limits_forget(struct pg_store *ps)
{
	if (ps->limits != NULL)
		ps->limits->gen++;
}

void
pg_limits_release(struct pg_store *ps)
{
	unsigned	 i;

	if (ps->limits == NULL)
		return;
	for (i = 0; i < SLOTS; i++)
		free(ps->limits->slot[i].name);
	free(ps->limits);
	ps->limits = NULL;
}
