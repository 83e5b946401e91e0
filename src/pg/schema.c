/*
 * pg/schema.c - a ProntoDB database's schema on a server, and the life of
 * databases there: list, create, drop, rename, describe (ops.h).
 *
 * The tables are SQLite's (store.c's migrations, as they stand after the
 * last one), in PostgreSQL's types: bytea values, bigint times in ms since
 * the epoch, text in the "C" collation so that keys sort by their bytes as
 * SQLite's BINARY does.  sys_version holds the schema's version, as
 * SQLite's user_version does; a database is a schema holding it.
 */
#include <stdlib.h>
#include <string.h>

#include "int.h"

/* Step i brings sys_version from i to i + 1.  Append; never edit one. */
static const char *const migrations[] = {
	"CREATE TABLE kv ("
	" project text COLLATE \"C\" NOT NULL,"
	" namespace text COLLATE \"C\" NOT NULL,"
	" key text COLLATE \"C\" NOT NULL,"
	" value bytea NOT NULL,"
	" version bigint NOT NULL,"
	" created bigint NOT NULL,"
	" updated bigint NOT NULL,"
	" expires bigint,"
	" revision bigint,"
	" PRIMARY KEY (project, namespace, key));"
	"CREATE INDEX kv_expires ON kv(expires) WHERE expires IS NOT NULL;"
	"CREATE TABLE sys_settings (name text COLLATE \"C\" PRIMARY KEY,"
	" value bytea NOT NULL);"
	"CREATE TABLE sys_users (name text COLLATE \"C\" PRIMARY KEY,"
	" pass_hash text NOT NULL, admin integer NOT NULL DEFAULT 0,"
	" created bigint NOT NULL);"
	"CREATE TABLE sys_grants (\"user\" text COLLATE \"C\" NOT NULL"
	" REFERENCES sys_users(name) ON DELETE CASCADE,"
	" project text COLLATE \"C\" NOT NULL,"
	" namespace text COLLATE \"C\" NOT NULL, level integer NOT NULL,"
	" PRIMARY KEY (\"user\", project, namespace));"
	"CREATE TABLE sys_apikeys (id text COLLATE \"C\" PRIMARY KEY,"
	" \"user\" text NOT NULL REFERENCES sys_users(name) ON DELETE CASCADE,"
	" hash bytea NOT NULL, created bigint NOT NULL);"
	"CREATE TABLE sys_meta (project text COLLATE \"C\" NOT NULL,"
	" namespace text COLLATE \"C\" NOT NULL, key text COLLATE \"C\" NOT NULL,"
	" name text COLLATE \"C\" NOT NULL, value bytea NOT NULL,"
	" PRIMARY KEY (project, namespace, key, name));"
	"CREATE TABLE sys_projects (name text COLLATE \"C\" PRIMARY KEY,"
	" description text NOT NULL DEFAULT '', created bigint NOT NULL);"
	"CREATE TABLE sys_namespaces (project text COLLATE \"C\" NOT NULL,"
	" name text COLLATE \"C\" NOT NULL, kind text NOT NULL DEFAULT 'std',"
	" tbl text NOT NULL DEFAULT 'kv', description text NOT NULL DEFAULT '',"
	" ttl_ms bigint, max_items bigint, created bigint NOT NULL,"
	" PRIMARY KEY (project, name));"
	"CREATE TABLE sys_tables (name text COLLATE \"C\" PRIMARY KEY,"
	" created bigint NOT NULL);"
	"INSERT INTO sys_tables VALUES ('kv',"
	" (extract(epoch FROM now()) * 1000)::bigint);"
	"CREATE TABLE sys_revision (id integer PRIMARY KEY CHECK (id = 1),"
	" current bigint NOT NULL, log_from bigint);"
	"INSERT INTO sys_revision VALUES (1, 0, NULL);"
	"CREATE TABLE sys_changes (rev bigint PRIMARY KEY, at bigint NOT NULL,"
	" op text NOT NULL, project text COLLATE \"C\" NOT NULL,"
	" namespace text COLLATE \"C\" NOT NULL, key text COLLATE \"C\" NOT NULL,"
	" value bytea, expires bigint);",
};

#define PG_SCHEMA_VERSION \
	((int)(sizeof(migrations) / sizeof(migrations[0])))

int
pg_schema_version(void)
{
	return PG_SCHEMA_VERSION;
}

char *
pg_schema_newer(long long v)
{
	/* As SQLite's: the version is the database's, whatever it is on. */
	return xasprintf("database schema version %lld is not supported by "
	    "this prontodb", v);
}

enum pd_status
pg_schema_create(struct pg_store *ps, int must_be_new, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	enum pd_status	 s;
	char		*id = pg_ident(ps->loc.name), *sql;
	long long	 v = 0;
	int		 i;

	/*
	 * Under the database's lock, so that two clients creating it at once
	 * make it once; the schema and its version table in one trip.
	 */
	sql = xasprintf("BEGIN; %s; CREATE SCHEMA IF NOT EXISTS %s; "
	    "CREATE TABLE IF NOT EXISTS %s.sys_version (v bigint NOT NULL); "
	    "SELECT count(*), coalesce(max(v), 0) FROM %s.sys_version",
	    ps->lock_sql, id, id, id);
	free(id);
	ps->in_tx = 1;
	s = pg_batch(ps, sql, &r, cause);
	free(sql);
	if (s != PD_OK)
		return s;
	if (strtoll(pq->PQgetvalue(r, 0, 0), NULL, 10) > 0)
		v = strtoll(pq->PQgetvalue(r, 0, 1), NULL, 10);
	pq->PQclear(r);
	if (must_be_new && v > 0) {
		pg_rollback(&ps->base);
		*cause = xasprintf("database '%s' exists", ps->loc.label);
		return PD_ERROR;
	}
	if (v > PG_SCHEMA_VERSION) {
		pg_rollback(&ps->base);
		*cause = pg_schema_newer(v);
		return PD_ERROR;
	}
	for (i = (int)v; i < PG_SCHEMA_VERSION; i++)
		if ((s = pg_batch(ps, migrations[i], NULL, cause)) != PD_OK)
			return s;
	sql = xasprintf("DELETE FROM sys_version; INSERT INTO sys_version "
	    "VALUES (%d)", PG_SCHEMA_VERSION);
	s = pg_batch(ps, sql, NULL, cause);
	free(sql);
	if (s != PD_OK)
		return s;
	return pg_commit(&ps->base, cause);
}

/* The schemas that hold a ProntoDB database, in name order. */
#define PG_SCHEMAS_SQL \
	"SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON " \
	"c.relnamespace = n.oid AND c.relname = 'sys_version' AND " \
	"c.relkind = 'r' ORDER BY n.nspname COLLATE \"C\""

enum pd_status
pg_db_list(const struct pg_loc *loc, void (*fn)(void *, const char *),
    void *ctx, char **cause)
{
	struct pg_store	*ps;
	PGresult	*r;
	enum pd_status	 s;
	int		 i;

	if ((s = pg_attach(loc, 0, &ps, cause)) != PD_OK)
		return s;
	if ((s = pg_run(ps, PG_SCHEMAS_SQL, NULL, &r, cause)) == PD_OK) {
		for (i = 0; i < ps->pq->PQntuples(r); i++)
			fn(ctx, ps->pq->PQgetvalue(r, i, 0));
		ps->pq->PQclear(r);
	}
	pg_close(&ps->base);
	return s;
}

enum pd_status
pg_db_create(const struct pg_loc *loc, int busy_ms, char **cause)
{
	struct pg_store	*ps;
	enum pd_status	 s;

	if ((s = pg_attach(loc, busy_ms, &ps, cause)) != PD_OK)
		return s;
	s = pg_schema_create(ps, 1, cause);
	pg_close(&ps->base);
	return s;
}

/*
 * Run ddl on loc's database under its lock, once sys_version shows it is
 * there: PD_MISS "no database" otherwise.
 */
static enum pd_status
locked_ddl(const struct pg_loc *loc, int busy_ms, const char *ddl,
    char **cause)
{
	struct pg_store	*ps;
	enum pd_status	 s;

	if ((s = pg_attach(loc, busy_ms, &ps, cause)) != PD_OK)
		return s;
	if ((s = pg_begin(&ps->base, cause)) == PD_OK &&
	    (s = pg_batch(ps, ddl, NULL, cause)) == PD_OK)
		s = pg_commit(&ps->base, cause);
	pg_close(&ps->base);
	return s;
}

enum pd_status
pg_db_drop(const struct pg_loc *loc, int busy_ms, char **cause)
{
	char		*id = pg_ident(loc->name), *sql;
	char		*chan = pg_channel(loc->name);
	enum pd_status	 s;

	sql = xasprintf("DROP SCHEMA %s CASCADE; NOTIFY %s, '" PG_REPLACED
	    "'", id, chan);
	s = locked_ddl(loc, busy_ms, sql, cause);
	free(sql);
	free(id);
	free(chan);
	return s;
}

enum pd_status
pg_db_rename(const struct pg_loc *loc, const char *to, int busy_ms,
    char **cause)
{
	char		*id = pg_ident(loc->name), *to_id = pg_ident(to), *sql;
	char		*chan = pg_channel(loc->name);
	enum pd_status	 s;

	sql = xasprintf("ALTER SCHEMA %s RENAME TO %s; NOTIFY %s, '"
	    PG_REPLACED "'", id, to_id, chan);
	free(chan);
	s = locked_ddl(loc, busy_ms, sql, cause);
	if (s == PD_ERROR && strstr(*cause, "already exists") != NULL) {
		free(*cause);
		*cause = xasprintf("database '%s' exists", to);
	}
	free(sql);
	free(id);
	free(to_id);
	return s;
}

enum pd_status
pg_db_describe(const struct pg_loc *loc, long long *keys, long long *bytes,
    char **cause)
{
	struct store	*st;
	struct pg_store	*ps;
	PGresult	*r;
	enum pd_status	 s;
	char		*lit = pg_literal(loc->name), *sql;

	if ((s = pg_open_loc(loc, 0, 0, &st, cause)) != PD_OK) {
		free(lit);
		return s;
	}
	ps = pg_of(st);
	sql = xasprintf("SELECT (SELECT count(*) FROM kv), (SELECT "
	    "coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM "
	    "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
	    "n.nspname = %s AND c.relkind = 'r')", lit);
	free(lit);
	if ((s = pg_run(ps, sql, NULL, &r, cause)) == PD_OK) {
		*keys = pg_ll(ps, r, 0, 0);
		*bytes = pg_ll(ps, r, 0, 1);
		ps->pq->PQclear(r);
	}
	free(sql);
	pg_close(&ps->base);
	return s;
}
