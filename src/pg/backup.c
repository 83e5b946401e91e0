/*
 * pg/backup.c - backups and restores of a database on a server.
 *
 * A backup is a file of our own: a header naming the schema's version,
 * then each table of the database's schema as COPY's binary stream, in
 * frames ("LEN\n" and LEN bytes, "0\n" after a table's last), and "end".
 * It is taken in one REPEATABLE READ transaction, so it is a consistent
 * snapshot while others keep writing, and holds every row (users' hashes,
 * grants, API keys, the change log) as the server stored it.
 *
 * A restore loads the file into a new schema beside the database's, then,
 * in the same transaction and under the database's lock, keeps what the
 * database holds in the safety file, drops it and renames the new schema
 * in its place: another client sees the old database or the new one,
 * never half, and one that holds the database's tables in an open
 * transaction makes the restore wait (lock_timeout: busy_ms, PD_BUSY).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "int.h"
#include "util.h"

#define BACKUP_MAGIC	"prontodb postgresql backup 1\n"

/* The tables of schema lit (a literal), sys_users first (referenced). */
#define TABLES_SQL \
	"SELECT c.relname FROM pg_class c JOIN pg_namespace n ON " \
	"n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r' " \
	"AND c.relname <> 'sys_version' ORDER BY c.relname <> 'sys_users', " \
	"c.relname COLLATE \"C\""

static enum pd_status
write_fail(const char *name, char **cause)
{
	*cause = xasprintf("cannot write %s: %s", name, strerror(errno));
	return PD_IOERR;
}

/* COPY table (qualified) TO STDOUT, in frames, into f. */
static enum pd_status
dump_table(struct pg_store *ps, const char *qual, FILE *f, const char *name,
    char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	char		*sql, *buf;
	int		 n;
	enum pd_status	 s = PD_OK;

	sql = xasprintf("COPY %s TO STDOUT (FORMAT binary)", qual);
	r = pq->PQexec(ps->c, sql);
	free(sql);
	if (r == NULL || pq->PQresultStatus(r) != PGRES_COPY_OUT) {
		s = pg_fail(ps, r, cause);
		pq->PQclear(r);
		return s;
	}
	pq->PQclear(r);
	while ((n = pq->PQgetCopyData(ps->c, &buf, 0)) > 0) {
		if (s == PD_OK && (fprintf(f, "%d\n", n) < 0 ||
		    fwrite(buf, 1, (size_t)n, f) != (size_t)n))
			s = write_fail(name, cause);
		pq->PQfreemem(buf);
	}
	while ((r = pg_result(ps)) != NULL) {
		if (s == PD_OK && pq->PQresultStatus(r) != PGRES_COMMAND_OK)
			s = pg_fail(ps, r, cause);
		pq->PQclear(r);
	}
	if (s == PD_OK && n == -2)
		s = pg_fail(ps, NULL, cause);
	if (s == PD_OK && fputs("0\n", f) == EOF)
		s = write_fail(name, cause);
	return s;
}

/* Every table of schema into f, in ps's open transaction. */
static enum pd_status
dump_schema(struct pg_store *ps, const char *schema, FILE *f,
    const char *name, char **cause)
{
	const struct pg_lib *pq = ps->pq;
	PGresult	*r;
	enum pd_status	 s;
	char		*lit = pg_literal(schema), *id = pg_ident(schema);
	char		*sql, *t, *qual;
	int		 i;

	sql = xasprintf("SELECT v FROM %s.sys_version", id);
	s = pg_batch(ps, sql, &r, cause);
	free(sql);
	if (s == PD_OK) {
		if (pq->PQntuples(r) != 1 || fprintf(f, "%sschema %s\n",
		    BACKUP_MAGIC, pq->PQgetvalue(r, 0, 0)) < 0)
			s = write_fail(name, cause);
		pq->PQclear(r);
	}
	sql = xasprintf(TABLES_SQL, lit);
	if (s == PD_OK && (s = pg_batch(ps, sql, &r, cause)) == PD_OK) {
		for (i = 0; s == PD_OK && i < pq->PQntuples(r); i++) {
			t = pg_ident(pq->PQgetvalue(r, i, 0));
			qual = xasprintf("%s.%s", id, t);
			if (fprintf(f, "table %s\n",
			    pq->PQgetvalue(r, i, 0)) < 0)
				s = write_fail(name, cause);
			else
				s = dump_table(ps, qual, f, name, cause);
			free(qual);
			free(t);
		}
		pq->PQclear(r);
	}
	free(sql);
	if (s == PD_OK && (fputs("end\n", f) == EOF || fflush(f) == EOF ||
	    fsync(fileno(f)) != 0))
		s = write_fail(name, cause);
	free(lit);
	free(id);
	return s;
}

enum pd_status
pg_backup(struct store *base, const char *file, char **cause)
{
	struct pg_store	*ps = pg_of(base);
	enum pd_status	 s;
	FILE		*f;
	char		*name = util_escape(file, 0);
	int		 fd;

	/* Its own snapshot's COMMIT would end the caller's transaction. */
	if (ps->in_tx) {
		free(name);
		*cause = xstrdup("backup cannot run inside a transaction");
		return PD_ERROR;
	}
	if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		if (errno == EEXIST) {
			*cause = xasprintf("%s already exists", name);
			s = PD_ERROR;
		} else {
			*cause = xasprintf("cannot create %s: %s", name,
			    strerror(errno));
			s = PD_IOERR;
		}
		free(name);
		return s;
	}
	f = fdopen(fd, "w");
	ps->in_tx = 1;
	if ((s = pg_batch(ps, "BEGIN ISOLATION LEVEL REPEATABLE READ READ "
	    "ONLY", NULL, cause)) == PD_OK &&
	    (s = dump_schema(ps, ps->loc.name, f, name, cause)) == PD_OK)
		s = pg_commit(base, cause);
	else
		pg_rollback(base);
	if (fclose(f) != 0 && s == PD_OK)
		s = write_fail(name, cause);
	if (s != PD_OK)
		unlink(file);
	free(name);
	return s;
}

/*
 * Read backup f's next part: a header's or table's line (*line), or with
 * line NULL a frame into *buf (*len, 0 after a table's last).  0 when the
 * file does not go on as a backup does.
 */
static int
read_line(FILE *f, char *line, size_t size)
{
	size_t	 n;

	if (fgets(line, (int)size, f) == NULL)
		return 0;
	n = strlen(line);
	if (n == 0 || line[n - 1] != '\n')
		return 0;
	line[n - 1] = '\0';
	return 1;
}

static int
read_frame(FILE *f, char **buf, size_t *len)
{
	char		 line[32], *end;
	long long	 n;

	if (!read_line(f, line, sizeof(line)))
		return 0;
	errno = 0;
	n = strtoll(line, &end, 10);
	if (errno != 0 || *end != '\0' || end == line || n < 0 ||
	    n > 1 << 30)
		return 0;
	*len = (size_t)n;
	*buf = xrealloc(*buf, *len + 1);
	return fread(*buf, 1, *len, f) == *len;
}

/* A table's name as schema.c makes them: lower case letters and '_'. */
static int
table_name(const char *s)
{
	if (*s == '\0')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_0123456789") ==
	    strlen(s);
}

/*
 * Go through backup from, handing each table's name and frames to fn
 * (NULL: only check the file's form).  PD_ERROR naming the file when it
 * is not a whole backup, or one of a schema version this prontodb does
 * not make.
 */
typedef enum pd_status	(*frame_fn)(void *, const char *table,
			    const char *buf, size_t len, char **cause);

static enum pd_status
read_backup(const char *from, frame_fn fn, void *ctx, char **cause)
{
	FILE		*f;
	char		 line[128], *buf = NULL, *name = util_escape(from, 0);
	char		 table[128];
	size_t		 len;
	enum pd_status	 s = PD_OK;
	int		 ok;

	if ((f = fopen(from, "r")) == NULL) {
		*cause = xasprintf("cannot open %s: %s", name,
		    strerror(errno));
		free(name);
		return PD_IOERR;
	}
	ok = read_line(f, line, sizeof(line)) &&
	    strcmp(line, "prontodb postgresql backup 1") == 0 &&
	    read_line(f, line, sizeof(line));
	if (ok && strncmp(line, "schema ", 7) == 0 &&
	    atoi(line + 7) != pg_schema_version()) {
		*cause = xasprintf("%s is a backup of schema version %s, "
		    "this prontodb makes %d", name, line + 7,
		    pg_schema_version());
		s = PD_ERROR;
	} else if (ok)
		ok = strncmp(line, "schema ", 7) == 0;
	while (s == PD_OK && ok && (ok = read_line(f, line, sizeof(line))) &&
	    strncmp(line, "table ", 6) == 0) {
		ok = table_name(line + 6);
		snprintf(table, sizeof(table), "%s", line + 6);
		while (s == PD_OK && ok && (ok = read_frame(f, &buf, &len)) &&
		    len > 0)
			if (fn != NULL)
				s = fn(ctx, table, buf, len, cause);
		if (s == PD_OK && ok && fn != NULL)
			s = fn(ctx, table, NULL, 0, cause);
	}
	if (s == PD_OK && (!ok || strcmp(line, "end") != 0 ||
	    fgetc(f) != EOF)) {
		*cause = xasprintf("%s is not a whole backup of a database on "
		    "a server", name);
		s = PD_ERROR;
	}
	fclose(f);
	free(buf);
	free(name);
	return s;
}

enum pd_status
pg_backup_check(const struct store_loc *sl, const char *file, char **cause)
{
	return read_backup(file, NULL, NULL, cause);
}

/* Loading a backup's tables into the new schema. */
struct load {
	struct pg_store	*ps;
	const char	*schema;	/* identifier */
	int		 copying;
};

/* A table's frame into its COPY, started with its first; NULL ends it. */
static enum pd_status
load_frame(void *ctx, const char *table, const char *buf, size_t len,
    char **cause)
{
	struct load	*l = ctx;
	const struct pg_lib *pq = l->ps->pq;
	PGresult	*r;
	enum pd_status	 s = PD_OK;
	char		*t, *sql;

	if (!l->copying) {
		t = pg_ident(table);
		sql = xasprintf("TRUNCATE %s.%s CASCADE; COPY %s.%s FROM STDIN "
		    "(FORMAT binary)", l->schema, t, l->schema, t);
		free(t);
		r = pq->PQexec(l->ps->c, sql);
		free(sql);
		if (r == NULL || pq->PQresultStatus(r) != PGRES_COPY_IN) {
			s = pg_fail(l->ps, r, cause);
			pq->PQclear(r);
			return s;
		}
		pq->PQclear(r);
		l->copying = 1;
	}
	if (buf != NULL)
		return pq->PQputCopyData(l->ps->c, buf, (int)len) == 1 ?
		    PD_OK : pg_fail(l->ps, NULL, cause);
	l->copying = 0;
	if (pq->PQputCopyEnd(l->ps->c, NULL) != 1)
		s = pg_fail(l->ps, NULL, cause);
	while ((r = pg_result(l->ps)) != NULL) {
		if (s == PD_OK && pq->PQresultStatus(r) != PGRES_COMMAND_OK)
			s = pg_fail(l->ps, r, cause);
		pq->PQclear(r);
	}
	return s;
}

/* The database's contents into safety (a file the caller made). */
static enum pd_status
keep_safety(struct pg_store *ps, const char *real, const char *safety,
    char **cause)
{
	FILE		*f;
	char		*name = util_escape(safety, 0);
	enum pd_status	 s;

	if ((f = fopen(safety, "w")) == NULL)
		s = write_fail(name, cause);
	else {
		s = dump_schema(ps, real, f, name, cause);
		if (fclose(f) != 0 && s == PD_OK)
			s = write_fail(name, cause);
	}
	free(name);
	return s;
}

enum pd_status
pg_restore(const struct store_loc *sl, const char *from, const char *safety,
    int busy_ms, char **cause)
{
	struct pg_loc	 loc, tmp;
	struct pg_store	*ps = NULL;
	struct load	 l;
	enum pd_status	 s;
	char		*real, *lit, *sql, *chan;

	if ((s = pg_loc_of(sl, &loc, cause)) != PD_OK)
		return s;
	tmp = loc;
	tmp.name = xasprintf("%s-restoring", loc.name);
	real = pg_ident(loc.name);
	lit = pg_literal(loc.name);
	memset(&l, 0, sizeof(l));
	l.schema = pg_ident(tmp.name);
	/* What a restore that could not finish left is dropped first. */
	sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE", l.schema);
	if ((s = pg_attach(&tmp, busy_ms, &ps, cause)) == PD_OK &&
	    (s = pg_batch(ps, sql, NULL, cause)) == PD_OK &&
	    (s = pg_schema_create(ps, 1, cause)) == PD_OK) {
		free(sql);
		sql = xasprintf("BEGIN; SELECT pg_advisory_xact_lock(%d, "
		    "hashtext(%s))", PG_LOCK_CLASS, lit);
		l.ps = ps;
		ps->in_tx = 1;
		if ((s = pg_batch(ps, sql, NULL, cause)) == PD_OK &&
		    (s = read_backup(from, load_frame, &l, cause)) == PD_OK &&
		    safety != NULL)
			s = keep_safety(ps, loc.name, safety, cause);
		free(sql);
		/* Its watchers are told, as a file replaced tells them. */
		chan = pg_channel(loc.name);
		sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; ALTER "
		    "SCHEMA %s RENAME TO %s; NOTIFY %s, '" PG_REPLACED "'", real,
		    l.schema, real, chan);
		free(chan);
		if (s == PD_OK && (s = pg_batch(ps, sql, NULL, cause)) ==
		    PD_OK)
			s = pg_commit(&ps->base, cause);
		if (s != PD_OK) {
			char	*ignored = NULL;

			pg_rollback(&ps->base);
			free(sql);
			sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE",
			    l.schema);
			if (pg_batch(ps, sql, NULL, &ignored) != PD_OK)
				free(ignored);
		}
	}
	if (ps != NULL)
		pg_close(&ps->base);
	free(sql);
	free(real);
	free(lit);
	free((char *)l.schema);
	free(tmp.name);
	pg_loc_release(&loc);
	return s;
}
