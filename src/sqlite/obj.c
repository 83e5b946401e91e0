/*
 * sqlite/obj.c - projects and namespaces as objects, with their metadata.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

enum {
	O_PROJECT_NEW,
	O_PROJECTS,
	O_PROJECT,
	O_PROJECT_NSS,
	O_PROJECT_DROP_NS,
	O_PROJECT_DROP,
	O_NS_NEW,
	O_NSS,
	O_NSS_PROJECT,
	O_NS,
	O_NS_DROP,
	O_ELSEWHERE,
	O_COUNT
};

_Static_assert(O_COUNT <= OBJ_QUERIES, "store.obj is too small");

/* Key counts come from each namespace's own table (store_ns_count). */
#define PROJECT_COLUMNS \
	"SELECT p.name, p.description, p.created, " \
	"(SELECT count(*) FROM sys_namespaces n WHERE n.project = p.name) " \
	"FROM sys_projects p "
#define NS_COLUMNS \
	"SELECT n.project, n.name, n.description, n.created, n.kind, n.tbl, " \
	"coalesce(n.ttl_ms, -1), coalesce(n.max_items, -1) " \
	"FROM sys_namespaces n "

static const char *const queries[O_COUNT] = {
	[O_PROJECT_NEW] = "INSERT INTO sys_projects(name, description, "
	    "created) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[O_PROJECTS] = PROJECT_COLUMNS "WHERE " CTX_RANGE("p.name", 1, 2)
	    " ORDER BY p.name",
	[O_PROJECT] = PROJECT_COLUMNS "WHERE p.name = ?1",
	[O_PROJECT_NSS] = "SELECT name FROM sys_namespaces WHERE project = ?1 "
	    "ORDER BY name",
	[O_PROJECT_DROP_NS] = "DELETE FROM sys_namespaces WHERE project = ?1",
	[O_PROJECT_DROP] = "DELETE FROM sys_projects WHERE name = ?1",
	[O_NS_NEW] = "INSERT INTO sys_namespaces(project, name, description, "
	    "created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[O_NSS] = NS_COLUMNS "WHERE " CTX_RANGE("n.project", 1, 2)
	    " ORDER BY n.project, n.name",
	[O_NSS_PROJECT] = NS_COLUMNS "WHERE n.project = ?1 ORDER BY n.name",
	[O_NS] = NS_COLUMNS "WHERE n.project = ?1 AND n.name = ?2",
	[O_NS_DROP] = "DELETE FROM sys_namespaces WHERE project = ?1 AND "
	    "name = ?2",
	[O_ELSEWHERE] = "SELECT count(*) FROM sys_projects WHERE NOT ("
	    CTX_RANGE("name", 1, 2) ")",
};

/* Prepare statement which with up to two text arguments bound. */
static enum pd_status
prepare(struct sqldb *st, int which, const char *a, const char *b,
    sqlite3_stmt **q, char **cause)
{
	enum pd_status	 s;

	if ((s = store_prepare(st, queries[which], &st->obj[which], cause)) !=
	    PD_OK)
		return s;
	*q = st->obj[which];
	if (a != NULL)
		sqlite3_bind_text(*q, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(*q, 2, b, -1, SQLITE_STATIC);
	return PD_OK;
}

static enum pd_status
run(struct sqldb *st, int which, const char *a, const char *b, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = prepare(st, which, a, b, &q, cause)) != PD_OK)
		return s;
	return store_run(st, q, cause);
}

enum pd_status
sqlite_project_create(struct store *base, const char *name,
    const char *description, long long now, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = prepare(st, O_PROJECT_NEW, name, description, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_int64(q, 3, now);
	if ((s = store_run(st, q, cause)) != PD_OK)
		return s;
	if (sqlite3_changes(st->db) == 0) {
		*cause = xasprintf("project '%s' already exists",
		    util_word(name));
		return PD_ERROR;
	}
	return PD_OK;
}

/* The namespaces of project, copied (a few); *n of them. */
static enum pd_status
project_namespaces(struct sqldb *st, const char *project, char ***names,
    size_t *n, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 rc;

	*names = NULL;
	*n = 0;
	if ((s = prepare(st, O_PROJECT_NSS, project, NULL, &q, cause)) !=
	    PD_OK)
		return s;
	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		*names = xrealloc(*names, (*n + 1) * sizeof(**names));
		(*names)[(*n)++] = xstrdup((const char *)
		    sqlite3_column_text(q, 0));
	}
	if (rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s;
}

static void
free_names(char **names, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static enum pd_status
project_keys(struct sqldb *st, const char *project, long long *keys,
    char **cause)
{
	enum pd_status	 s;
	char		**names;
	size_t		 i, n;
	long long	 k;

	*keys = 0;
	if ((s = project_namespaces(st, project, &names, &n, cause)) != PD_OK)
		return s;
	for (i = 0; i < n && s == PD_OK; i++)
		if ((s = store_ns_count(st, project, names[i], &k, cause)) ==
		    PD_OK)
			*keys += k;
	free_names(names, n);
	return s;
}

/*
 * Step q, handing each row to a row builder and fn; PD_MISS if none.  Key
 * counts only when count is set: they cost a pass over the keys.
 */
static enum pd_status
each(struct sqldb *st, sqlite3_stmt *q, int ns_rows, int count,
    store_object_fn fn, void *ctx, char **cause)
{
	struct store_object	 o;
	enum pd_status		 s = PD_OK;
	int			 rc, rows = 0;

	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		memset(&o, 0, sizeof(o));
		rows++;
		if (ns_rows) {
			o.project = (const char *)sqlite3_column_text(q, 0);
			o.ns = (const char *)sqlite3_column_text(q, 1);
			o.description =
			    (const char *)sqlite3_column_text(q, 2);
			o.created = sqlite3_column_int64(q, 3);
			o.kind = (const char *)sqlite3_column_text(q, 4);
			o.table = (const char *)sqlite3_column_text(q, 5);
			o.ttl_ms = sqlite3_column_int64(q, 6);
			o.max_items = sqlite3_column_int64(q, 7);
			o.keys = -1;
			if (count)
				s = store_ns_count(st, o.project, o.ns, &o.keys,
				    cause);
			o.project = store_ctx_out(&st->base, o.project);
		} else {
			o.project = (const char *)sqlite3_column_text(q, 0);
			o.description =
			    (const char *)sqlite3_column_text(q, 1);
			o.created = sqlite3_column_int64(q, 2);
			o.namespaces = sqlite3_column_int64(q, 3);
			o.ttl_ms = o.max_items = -1;
			o.keys = -1;
			if (count)
				s = project_keys(st, o.project, &o.keys, cause);
			o.project = store_ctx_out(&st->base, o.project);
		}
		if (s != PD_OK || (s = fn(ctx, &o)) != PD_OK)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return s == PD_OK && rows == 0 ? PD_MISS : s;
}

static enum pd_status
projects(struct sqldb *st, const char *name, int count, store_object_fn fn,
    void *ctx, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;

	if ((s = prepare(st, name != NULL ? O_PROJECT : O_PROJECTS, name, NULL,
	    &q, cause)) == PD_OK) {
		if (name == NULL)
			store_ctx_range(st, q, 1);
		s = each(st, q, 0, count, fn, ctx, cause);
	}
	return s == PD_MISS && name == NULL ? PD_OK : s;
}

enum pd_status
sqlite_projects(struct store *base, const char *name, store_object_fn fn,
    void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return projects(st, name, 1, fn, ctx, cause);
}

enum pd_status
sqlite_project_drop(struct store *base, const char *name, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	enum pd_status		 s = PD_OK;
	char			**names = NULL;
	size_t			 i, n = 0;

	if (s == PD_OK)
		s = project_namespaces(st, name, &names, &n, cause);
	for (i = 0; i < n && s == PD_OK; i++)
		s = sqlite_ns_clear(&st->base, name, names[i], cause);
	free_names(names, n);
	if (s == PD_OK)
		s = store_meta_clear(st, name, NULL, NULL, cause);
	if (s == PD_OK)
		s = run(st, O_PROJECT_DROP_NS, name, NULL, cause);
	if (s == PD_OK)
		s = store_grants_drop(st, name, NULL, cause);
	if (s == PD_OK)
		s = run(st, O_PROJECT_DROP, name, NULL, cause);
	store_route_reset(st);
	if (s == PD_OK && sqlite3_changes(st->db) == 0)
		return PD_MISS;
	return s;
}

enum pd_status
sqlite_ns_create(struct store *base, const char *project, const char *ns,
    const char *description, long long now, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q, *nq;
	enum pd_status	 s;
	const char	*stored = project;

	/* The project as a first write into it would make it. */
	if ((s = store_register_stmts(st, &q, &nq, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 1, stored, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	if ((s = store_run(st, q, cause)) != PD_OK ||
	    (s = prepare(st, O_NS_NEW, stored, ns, &q, cause)) != PD_OK)
		return s;
	sqlite3_bind_text(q, 3, description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, now);
	if ((s = store_run(st, q, cause)) != PD_OK)
		return s;
	if (sqlite3_changes(st->db) == 0) {
		*cause = xasprintf("namespace '%s' of project '%s' already "
		    "exists", util_word(ns), util_word(project));
		return PD_ERROR;
	}
	return PD_OK;
}

static enum pd_status
namespaces(struct sqldb *st, const char *project, const char *ns, int count,
    store_object_fn fn, void *ctx, char **cause)
{
	sqlite3_stmt	*q;
	enum pd_status	 s;
	int		 which = ns != NULL ? O_NS : project != NULL ?
	    O_NSS_PROJECT : O_NSS;

	if ((s = prepare(st, which, project, ns, &q, cause)) == PD_OK) {
		if (which == O_NSS)
			store_ctx_range(st, q, 1);
		s = each(st, q, 1, count, fn, ctx, cause);
	}
	return s == PD_MISS && project == NULL ? PD_OK : s;
}

enum pd_status
sqlite_namespaces(struct store *base, const char *project, const char *ns,
    store_object_fn fn, void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return namespaces(st, project, ns, 1, fn, ctx, cause);
}

enum pd_status
sqlite_objects(struct store *base, int ns, store_object_fn fn, void *ctx,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	return ns ? namespaces(st, NULL, NULL, 0, fn, ctx, cause) :
	    projects(st, NULL, 0, fn, ctx, cause);
}

enum pd_status
sqlite_ns_drop(struct store *base, const char *project, const char *ns,
    char **cause)
{
	struct sqldb	*st = sqlite_of(base);

	enum pd_status	 s;

	s = sqlite_ns_clear(&st->base, project, ns, cause);
	if (s == PD_OK)
		s = store_grants_drop(st, project, ns, cause);
	if (s == PD_OK)
		s = run(st, O_NS_DROP, project, ns, cause);
	store_route_reset(st);
	if (s == PD_OK && sqlite3_changes(st->db) == 0)
		return PD_MISS;
	return s;
}

enum pd_status
sqlite_projects_elsewhere(struct store *base, long long *n, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	sqlite3_stmt	*q;
	enum pd_status	 s;

	*n = 0;
	if ((s = prepare(st, O_ELSEWHERE, NULL, NULL, &q, cause)) != PD_OK)
		return s;
	store_ctx_range(st, q, 1);
	return store_count(st, q, n, cause);
}
