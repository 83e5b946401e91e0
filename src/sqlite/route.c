/*
 * sqlite/route.c - which key table holds a namespace, and its policy.
 *
 * Every write needs its namespace's route (table, default TTL, cap) and
 * must register the namespace on first use.  Routes are cached per
 * namespace for the length of a write transaction, when nobody else can
 * change them; outside one, every lookup asks the database, because
 * another process may move or drop a namespace between two statements.
 * Once a transaction turns out to be a bulk import (the batch writer
 * thread has started), all routes are loaded at once, so that a namespace
 * seen for the first time needs no query, which would have to wait for
 * the writer.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* Beyond this many namespaces in one transaction, start the cache over. */
#define ROUTES_MAX	4096

/*
 * A NULL TTL or cap reads as 0 (sqlite3_column_int64), which is what they
 * mean: no coalesce() to compile, 5,000 instructions of every write.
 */
static const char route_sql[] =
    "SELECT tbl, ttl_ms, max_items FROM sys_namespaces WHERE project = ?1 "
    "AND name = ?2";
static const char routes_sql[] =
    "SELECT tbl, ttl_ms, max_items, project, name FROM sys_namespaces "
    "LIMIT ?1";

static unsigned
route_hash(const char *project, const char *ns)
{
	unsigned	 h = 2166136261u;

	/* FNV-1a over "project NUL ns". */
	for (; *project != '\0'; project++)
		h = (h ^ (unsigned char)*project) * 16777619u;
	h *= 16777619u;
	for (; *ns != '\0'; ns++)
		h = (h ^ (unsigned char)*ns) * 16777619u;
	return h;
}

/*
 * Whether name, "project NUL ns", names project.ns: one walk over short
 * strings, where strlen and two strcmp calls cost more than the bytes.
 */
static inline int
names_are(const char *name, const char *project, const char *ns)
{
	while (*name == *project && *project != '\0')
		name++, project++;
	if (*name != '\0' || *project != '\0')
		return 0;
	for (name++; *name == *ns && *ns != '\0'; name++, ns++)
		continue;
	return *name == *ns;
}

static int
route_is(const struct route *r, unsigned h, const char *project,
    const char *ns)
{
	return r->name != NULL && r->hash == h &&
	    names_are(r->name, project, ns);
}

/* The slot for project.ns: its entry, or the empty one it would take. */
static inline struct route *
route_slot(const struct sqldb *st, unsigned h, const char *project,
    const char *ns)
{
	size_t	 mask = st->routes_cap - 1, i = h & mask;

	while (st->routes[i].name != NULL &&
	    !route_is(&st->routes[i], h, project, ns))
		i = (i + 1) & mask;
	return &st->routes[i];
}

struct kvtable *
store_table_named(struct sqldb *st, const char *name)
{
	struct kvtable	*t;
	size_t		 i;

	for (i = 0; i < st->ntables; i++)
		if (strcmp(st->tables[i].name, name) == 0)
			return &st->tables[i];
	st->tables = xrealloc(st->tables, (st->ntables + 1) *
	    sizeof(*st->tables));
	t = &st->tables[st->ntables++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	/* Table names are checked to be [A-Za-z0-9_]: safe to quote. */
	t->ident = strcmp(name, "kv") == 0 ? xstrdup("kv") :
	    xasprintf("\"t_%s\"", name);
	return t;
}

void
store_route_reset(struct sqldb *st)
{
	size_t	 i;

	st->routes_all = 0;
	st->route_last = NULL;
	if (st->nroutes == 0)
		return;
	for (i = 0; i < st->routes_cap; i++) {
		free(st->routes[i].name);
		st->routes[i].name = NULL;
	}
	st->nroutes = 0;
}

void
store_route_release(struct sqldb *st)
{
	store_route_reset(st);
	free(st->routes);
	st->routes = NULL;
	st->routes_cap = 0;
}

/* Room for one more entry at no more than half full. */
static void
route_grow(struct sqldb *st)
{
	struct route	*old = st->routes;
	size_t		 i, cap = st->routes_cap;

	if (st->nroutes >= ROUTES_MAX * 2)
		store_route_reset(st);
	if ((st->nroutes + 1) * 2 <= cap)
		return;
	st->route_last = NULL;	/* it moves */
	st->routes_cap = cap ? cap * 2 : 64;
	st->routes = xcalloc(st->routes_cap, sizeof(*st->routes));
	for (i = 0; i < cap; i++)
		if (old[i].name != NULL)
			*route_slot(st, old[i].hash, old[i].name,
			    old[i].name + strlen(old[i].name) + 1) = old[i];
	free(old);
}

/* Fill r from a row of tbl, ttl, max_items; NULL: not registered. */
static void
route_fill(struct sqldb *st, struct route *r, sqlite3_stmt *q)
{
	r->table = (size_t)(store_table_named(st, q != NULL ?
	    (const char *)sqlite3_column_text(q, 0) : "kv") - st->tables);
	r->ttl = q != NULL ? sqlite3_column_int64(q, 1) : 0;
	r->max = q != NULL ? sqlite3_column_int64(q, 2) : 0;
	r->known = q != NULL;
}

/* A new entry for project.ns, not yet filled. */
static struct route *
route_add(struct sqldb *st, const char *project, const char *ns)
{
	unsigned	 h = route_hash(project, ns);
	size_t		 plen = strlen(project), nlen = strlen(ns);
	struct route	*r;

	route_grow(st);
	r = route_slot(st, h, project, ns);
	r->hash = h;
	r->name = xmalloc(plen + nlen + 2);
	memcpy(r->name, project, plen + 1);
	memcpy(r->name + plen + 1, ns, nlen + 1);
	st->nroutes++;
	return r;
}

static enum pd_status
route_step(struct sqldb *st, sqlite3_stmt *q, int *rc, char **cause)
{
	*rc = store_step(st, q);
	if (*rc == SQLITE_ROW || *rc == SQLITE_DONE)
		return PD_OK;
	sqlite3_reset(q);
	return store_fail(st, *rc, cause);
}

/* Load every route, when there are not too many: st->routes_all. */
static enum pd_status
route_preload(struct sqldb *st, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 rc;

	if ((s = store_prepare(st, routes_sql, &st->routes_q, cause)) != PD_OK)
		return s;
	q = st->routes_q;
	store_route_reset(st);
	sqlite3_bind_int(q, 1, ROUTES_MAX);
	while ((s = route_step(st, q, &rc, cause)) == PD_OK &&
	    rc == SQLITE_ROW)
		route_fill(st, route_add(st,
		    (const char *)sqlite3_column_text(q, 3),
		    (const char *)sqlite3_column_text(q, 4)), q);
	sqlite3_reset(q);
	if (s != PD_OK)
		return s;
	/* At the limit some may be missing: ask for those one by one. */
	st->routes_all = st->nroutes < ROUTES_MAX ? 1 : -1;
	return PD_OK;
}

/* Fill r from sys_namespaces; an unregistered namespace goes to kv. */
static enum pd_status
route_load(struct sqldb *st, struct route *r, const char *project,
    const char *ns, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 rc;

	if (st->routes_all == 1) {
		route_fill(st, r, NULL);
		return PD_OK;
	}
	if ((s = store_prepare(st, route_sql, &st->route_q, cause)) != PD_OK)
		return s;
	q = st->route_q;
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	if ((s = route_step(st, q, &rc, cause)) == PD_OK)
		route_fill(st, r, rc == SQLITE_ROW ? q : NULL);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

enum pd_status
store_route(struct sqldb *st, const char *project, const char *ns,
    struct route **out, char **cause)
{
	struct route	*r;
	enum pd_status	 s;

	/* In a transaction or a read snapshot, routes cannot change. */
	if (!st->in_tx && !st->snap)
		store_route_reset(st);
	else if (st->batch.started && st->routes_all == 0 &&
	    (s = route_preload(st, cause)) != PD_OK)
		return s;
	/* A stream's writes mostly go to the namespace of the one before. */
	if ((r = st->route_last) != NULL && names_are(r->name, project, ns)) {
		*out = r;
		return PD_OK;
	}
	if (st->routes_cap > 0 && (r = route_slot(st, route_hash(project, ns),
	    project, ns))->name != NULL) {
		*out = st->route_last = r;
		return PD_OK;
	}
	r = route_add(st, project, ns);
	if ((s = route_load(st, r, project, ns, cause)) != PD_OK) {
		store_route_reset(st);
		return s;
	}
	*out = st->route_last = r;
	return PD_OK;
}

enum pd_status
store_table_of(struct sqldb *st, const char *project, const char *ns,
    struct kvtable **out, char **cause)
{
	struct route	*r;
	enum pd_status	 s;

	if ((s = store_route(st, project, ns, &r, cause)) != PD_OK)
		return s;
	*out = &st->tables[r->table];
	return PD_OK;
}

enum pd_status
store_kvprepare(struct sqldb *st, const struct kvtable *t,
    sqlite3_stmt **slot, const char *template, char **cause)
{
	enum pd_status	 s;
	char		*sql;

	if ((s = store_sync(st, cause)) == PD_OK && *slot == NULL) {
		sql = xasprintf(template, t->ident);
		s = store_prepare(st, sql, slot, cause);
		free(sql);
	}
	return s;
}

enum pd_status
store_kvquery(struct sqldb *st, struct kvtable *t, int which,
    const char *template, sqlite3_stmt **q, char **cause)
{
	enum pd_status	 s = store_kvprepare(st, t, &t->q[which], template,
	    cause);

	*q = t->q[which];
	return s;
}

enum pd_status
store_table_names(struct sqldb *st, char ***names, size_t *n, char **cause)
{
	sqlite3_stmt	*q;
	int		 rc;

	*names = NULL;
	*n = 0;
	if ((rc = sqlite3_prepare_v2(st->db, "SELECT name FROM sys_tables",
	    -1, &q, NULL)) != SQLITE_OK)
		return store_fail(st, rc, cause);
	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		*names = xrealloc(*names, (*n + 1) * sizeof(**names));
		(*names)[(*n)++] = xstrdup((const char *)
		    sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return PD_OK;
	store_names_free(*names, *n);
	*names = NULL;
	*n = 0;
	return store_fail(st, rc, cause);
}

void
store_names_free(char **names, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The implicit creation of a project, a namespace (store_register). */
static const char *const reg_sql[2] = {
	"INSERT INTO sys_projects(name, created) VALUES (?1, ?2) "
	    "ON CONFLICT DO NOTHING",
	"INSERT INTO sys_namespaces(project, name, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
};

enum pd_status
store_register(struct sqldb *st, const char *project, const char *ns,
    long long now, char **cause)
{
	struct route	*r;
	sqlite3_stmt	*q, *nq;
	enum pd_status	 s;

	if ((s = store_route(st, project, ns, &r, cause)) != PD_OK || r->known)
		return s;
	if ((s = store_register_stmts(st, &q, &nq, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	if ((s = store_run(st, q, cause)) != PD_OK)
		return s;
	q = nq;
	sqlite3_bind_text(q, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now);
	if ((s = store_run(st, q, cause)) != PD_OK)
		return s;
	/* Outside a transaction the route is not kept: nothing to mark. */
	if (st->in_tx && (s = store_route(st, project, ns, &r, cause)) ==
	    PD_OK)
		r->known = 1;
	return s;
}

enum pd_status
store_register_stmts(struct sqldb *st, sqlite3_stmt **project,
    sqlite3_stmt **ns, char **cause)
{
	enum pd_status	 s;

	/* Already prepared: no wait for the writer thread. */
	if (st->reg_q[0] == NULL && (s = store_prepare(st, reg_sql[0],
	    &st->reg_q[0], cause)) != PD_OK)
		return s;
	if (st->reg_q[1] == NULL && (s = store_prepare(st, reg_sql[1],
	    &st->reg_q[1], cause)) != PD_OK)
		return s;
	*project = st->reg_q[0];
	*ns = st->reg_q[1];
	return PD_OK;
}
