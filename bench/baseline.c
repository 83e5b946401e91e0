/*
 * baseline.c - bench-sqlite: the C baselines prontodb is measured against.
 *
 *	bench-sqlite bulk [-c KIB] DB < ROWS.tsv	(a) bulk import
 *	bench-sqlite get DB PROJECT NAMESPACE KEY	(b) one-shot get
 *	bench-sqlite set DB PROJECT NAMESPACE KEY VALUE	(c) one-shot set
 *	bench-sqlite getloop DB < KEYS.tsv		(d) a stream of gets
 *	bench-sqlite count DB				rows in kv, for checks
 *
 * Each does prontodb's work the fastest direct way with the SQLite C API
 * and nothing else: no config, no cursor, no parsing beyond splitting a
 * TSV line.  The table is
 *
 *	kv(project, namespace, key, value, PRIMARY KEY(project, namespace,
 *	    key)) WITHOUT ROWID
 *
 * in WAL mode with synchronous=NORMAL.  bulk reads the rows bench-gen
 * writes as TSV and inserts them with one prepared INSERT OR REPLACE in one
 * transaction, with a page cache of -c KiB (default 32768, prontodb's).
 * get and count only read columns that prontodb's own kv table has too, so
 * they can be pointed at a prontodb database.  get exits 2 on a miss, like
 * prontodb.  getloop reads "p\tn\tk" lines (a fourth field is ignored, so
 * bench-gen's TSV will do) and prints each key's value and a newline, with
 * one prepared point SELECT in one read transaction: the limit of a stream
 * of gets; it too exits 2 when a key was missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define SCHEMA \
	"CREATE TABLE IF NOT EXISTS kv(project TEXT NOT NULL, " \
	"namespace TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, " \
	"PRIMARY KEY(project, namespace, key)) WITHOUT ROWID"
#define UPSERT \
	"INSERT OR REPLACE INTO kv(project, namespace, key, value) " \
	"VALUES (?1, ?2, ?3, ?4)"

static sqlite3	*db;

static void
fail(const char *what)
{
	fprintf(stderr, "bench-sqlite: %s: %s\n", what,
	    db != NULL ? sqlite3_errmsg(db) : "out of memory");
	exit(1);
}

static void
exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail(sql);
}

static void
open_db(const char *path, int flags)
{
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK)
		fail(path);
	sqlite3_busy_timeout(db, 5000);
}

static void
close_db(void)
{
	if (sqlite3_close(db) != SQLITE_OK)
		fail("close");
}

/* Bind field i (1-based) of a TSV line; the line outlives the step. */
static void
bind(sqlite3_stmt *s, int i, const char *p, size_t len)
{
	int	 rc;

	if (i == 4)
		rc = sqlite3_bind_blob(s, i, p, (int)len, SQLITE_STATIC);
	else
		rc = sqlite3_bind_text(s, i, p, (int)len, SQLITE_STATIC);
	if (rc != SQLITE_OK)
		fail("bind");
}

/* Insert one "p\tn\tk\tv" line; returns 0 for a malformed line. */
static int
insert_line(sqlite3_stmt *s, char *line, size_t len)
{
	char	*p = line, *end = line + len, *tab;
	int	 i;

	for (i = 1; i < 4; i++) {
		if ((tab = memchr(p, '\t', end - p)) == NULL)
			return 0;
		bind(s, i, p, tab - p);
		p = tab + 1;
	}
	bind(s, 4, p, end - p);
	if (sqlite3_step(s) != SQLITE_DONE)
		fail("insert");
	sqlite3_reset(s);
	return 1;
}

static int
bulk(int argc, char **argv)
{
	static char	 buf[1 << 16];
	sqlite3_stmt	*s;
	char		*pragma, *nl, *p;
	size_t		 have = 0, n;
	long		 cache = 32768;
	int		 c;

	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c != 'c')
			return 64;
		cache = strtol(optarg, NULL, 10);
	}
	if (argc - optind != 1)
		return 64;
	open_db(argv[optind], SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	pragma = sqlite3_mprintf("PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -%ld", cache);
	exec(pragma);
	sqlite3_free(pragma);
	exec(SCHEMA);
	if (sqlite3_prepare_v2(db, UPSERT, -1, &s, NULL) != SQLITE_OK)
		fail("prepare");
	exec("BEGIN IMMEDIATE");
	/* Whole lines from a 64 KiB buffer; a partial line moves to the front. */
	for (;;) {
		n = fread(buf + have, 1, sizeof(buf) - have, stdin);
		if (n == 0 && have == 0)
			break;
		have += n;
		p = buf;
		while ((nl = memchr(p, '\n', buf + have - p)) != NULL) {
			if (!insert_line(s, p, nl - p))
				fail("malformed line");
			p = nl + 1;
		}
		if (n == 0) {
			if (p != buf + have)
				fail("last line has no newline");
			break;
		}
		have -= p - buf;
		memmove(buf, p, have);
		if (have == sizeof(buf))
			fail("line too long");
	}
	if (ferror(stdin))
		fail("read error");
	exec("COMMIT");
	sqlite3_finalize(s);
	close_db();
	return 0;
}

/* Open path for reading keys: the point SELECT of get and getloop. */
static sqlite3_stmt *
open_get(const char *path)
{
	sqlite3_stmt	*s;

	open_db(path, SQLITE_OPEN_READWRITE);
	if (sqlite3_prepare_v2(db, "SELECT value FROM kv WHERE project = ?1 "
	    "AND namespace = ?2 AND key = ?3", -1, &s, NULL) != SQLITE_OK)
		fail("prepare");
	return s;
}

static int
get(int argc, char **argv)
{
	sqlite3_stmt	*s;
	int		 rc, status = 2;

	if (argc != 5)
		return 64;
	s = open_get(argv[1]);
	sqlite3_bind_text(s, 1, argv[2], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, argv[3], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, argv[4], -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		fwrite(sqlite3_column_blob(s, 0), 1,
		    sqlite3_column_bytes(s, 0), stdout);
		putchar('\n');
		status = 0;
	} else if (rc != SQLITE_DONE)
		fail("select");
	sqlite3_finalize(s);
	close_db();
	if (fflush(stdout) != 0 || ferror(stdout))
		return 74;
	return status;
}

/*
 * Look up one "p\tn\tk[\tv]" line with s and print the value; returns 0
 * for a malformed line, 2 for a miss, 1 for a hit.
 */
static int
get_line(sqlite3_stmt *s, char *line, size_t len)
{
	char	*p = line, *end = line + len, *tab;
	int	 i, rc;

	for (i = 1; i <= 3; i++) {
		if ((tab = memchr(p, '\t', end - p)) == NULL && i < 3)
			return 0;
		if (tab == NULL)
			tab = end;
		bind(s, i, p, tab - p);
		p = tab + 1;
	}
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		fwrite(sqlite3_column_blob(s, 0), 1,
		    sqlite3_column_bytes(s, 0), stdout);
		putchar('\n');
	} else if (rc != SQLITE_DONE)
		fail("select");
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 1 : 2;
}

static int
getloop(int argc, char **argv)
{
	sqlite3_stmt	*s;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	int		 status = 0, r;

	if (argc != 2)
		return 64;
	s = open_get(argv[1]);
	exec("BEGIN");
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		if ((r = get_line(s, line, (size_t)n)) == 0)
			fail("malformed line");
		if (r == 2)
			status = 2;
	}
	if (ferror(stdin))
		fail("read error");
	exec("COMMIT");
	free(line);
	sqlite3_finalize(s);
	close_db();
	if (fflush(stdout) != 0 || ferror(stdout))
		return 74;
	return status;
}

static int
set(int argc, char **argv)
{
	sqlite3_stmt	*s;

	if (argc != 6)
		return 64;
	open_db(argv[1], SQLITE_OPEN_READWRITE);
	exec("PRAGMA synchronous = NORMAL");
	if (sqlite3_prepare_v2(db, UPSERT, -1, &s, NULL) != SQLITE_OK)
		fail("prepare");
	exec("BEGIN IMMEDIATE");
	sqlite3_bind_text(s, 1, argv[2], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, argv[3], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, argv[4], -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, argv[5], (int)strlen(argv[5]),
	    SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		fail("upsert");
	sqlite3_finalize(s);
	exec("COMMIT");
	close_db();
	return 0;
}

static int
count(int argc, char **argv)
{
	sqlite3_stmt	*s;

	if (argc != 2)
		return 64;
	open_db(argv[1], SQLITE_OPEN_READWRITE);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM kv", -1, &s,
	    NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		fail("count");
	printf("%lld\n", (long long)sqlite3_column_int64(s, 0));
	sqlite3_finalize(s);
	close_db();
	return 0;
}

int
main(int argc, char **argv)
{
	int	 rc = 64;

	if (argc >= 2) {
		if (strcmp(argv[1], "bulk") == 0)
			rc = bulk(argc - 1, argv + 1);
		else if (strcmp(argv[1], "get") == 0)
			rc = get(argc - 1, argv + 1);
		else if (strcmp(argv[1], "getloop") == 0)
			rc = getloop(argc - 1, argv + 1);
		else if (strcmp(argv[1], "set") == 0)
			rc = set(argc - 1, argv + 1);
		else if (strcmp(argv[1], "count") == 0)
			rc = count(argc - 1, argv + 1);
	}
	if (rc == 64)
		fprintf(stderr, "usage: bench-sqlite bulk [-c KIB] DB < ROWS.tsv"
		    " | get DB P N K | getloop DB < KEYS.tsv\n"
		    "    | set DB P N K V | count DB\n");
	return rc;
}
