/*
 * test_load.c - a bulk load into a small database, written without the
 * WAL (sqlite/load.c): when it leaves WAL mode, when it must not, and how
 * the database comes back to WAL mode however the load ends.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "sqlite/int.h"
#include "util.h"
#include "scratch.h"

static char		 dir[] = "/tmp/pronto-load-XXXXXX";
static char		*path;
static struct store	*st;

static struct store *
open_db(void)
{
	struct store_place	 place = { NULL, "no place", NULL };
	struct store_loc	 loc;
	struct store		*s;
	char			*cause = NULL;

	cr_assert_eq(store_locate(&place, path, &loc, &cause), PD_OK);
	cr_assert_eq(store_open(&loc, 1000, 1, &s, &cause), PD_OK, "%s",
	    cause);
	store_loc_free(&loc);
	return s;
}

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	path = xasprintf("%s/t.db", dir);
	st = open_db();
}

static void
teardown(void)
{
	store_close(st);
	scratch_remove(dir);
	free(path);
}

TestSuite(load, .init = setup, .fini = teardown);

/* The journal mode s's connection is in, as SQLite names it. */
static const char *
mode(struct store *s)
{
	static char	 word[16];
	sqlite3_stmt	*q;

	cr_assert_eq(sqlite3_prepare_v2(sqlite_of(s)->db,
	    "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	snprintf(word, sizeof(word), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return word;
}

/* PRAGMA synchronous on s's connection: 1 NORMAL, 2 FULL. */
static int
synchronous(struct store *s)
{
	sqlite3_stmt	*q;
	int		 n;

	cr_assert_eq(sqlite3_prepare_v2(sqlite_of(s)->db,
	    "PRAGMA synchronous", -1, &q, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* The first 20 bytes of the file's header. */
static void
header(unsigned char h[20])
{
	FILE	*f = fopen(path, "rb");

	cr_assert_not_null(f);
	cr_assert_eq(fread(h, 1, 20, f), 20);
	fclose(f);
}

/* What the file's header says (bytes 18 and 19): 1 rollback, 2 WAL. */
static int
header_mode(void)
{
	unsigned char	 h[20];

	header(h);
	cr_assert_eq(h[18], h[19]);
	return h[18];
}

/* The page size the file's header gives (bytes 16 and 17, big-endian). */
static int
header_page_size(void)
{
	unsigned char	 h[20];

	header(h);
	return h[16] << 8 | h[17];
}

static void
put(struct store *s, const char *key, const void *v, size_t len)
{
	struct addr	 a = { .project = "p", .ns = "n", .key = (char *)key };
	char		*cause = NULL;

	cr_assert_eq(store_set(s, &a, v, len, 1000, 0, &cause), PD_OK, "%s",
	    cause);
}

static int
has(struct store *s, const char *key)
{
	struct addr	 a = { .project = "p", .ns = "n", .key = (char *)key };
	struct buf	 v;
	char		*cause = NULL;
	enum pd_status	 r;

	buf_init(&v);
	r = store_get(s, &a, &v, &cause);
	buf_release(&v);
	cr_assert(r == PD_OK || r == PD_MISS, "%s", cause);
	return r == PD_OK;
}

static void
begin_load(struct store *s)
{
	char	*cause = NULL;

	cr_assert_eq(store_begin_load(s, &cause), PD_OK, "%s", cause);
}

static void
commit(struct store *s)
{
	char	*cause = NULL;

	cr_assert_eq(store_commit(s, &cause), PD_OK, "%s", cause);
}

Test(load, writes_a_small_database_without_the_wal_and_goes_back)
{
	char	*cause = NULL;

	cr_assert_str_eq(mode(st), "wal");
	cr_assert_eq(header_page_size(), 4096, "made with pages for small writes");
	put(st, "before", "v", 1);
	begin_load(st);
	cr_assert_str_eq(mode(st), "delete");
	cr_assert_eq(header_mode(), 1);
	cr_assert_eq(header_page_size(), 16384, "rebuilt with a load's pages");
	cr_assert_eq(synchronous(st), 2, "a rollback journal synced as FULL");
	put(st, "k", "v", 1);
	commit(st);
	cr_assert_str_eq(mode(st), "wal");
	cr_assert_eq(header_mode(), 2);
	cr_assert_eq(header_page_size(), 16384);
	cr_assert_eq(store_begin(st, &cause), PD_OK, "%s", cause);
	cr_assert_eq(synchronous(st), 1, "the WAL's NORMAL again");
	commit(st);
	store_close(st);
	st = open_db();
	cr_assert(has(st, "before"), "a key from before the rebuild");
	cr_assert(has(st, "k"));
}

Test(load, a_plain_begin_stays_in_the_wal)
{
	char	*cause = NULL;

	cr_assert_eq(store_begin(st, &cause), PD_OK, "%s", cause);
	cr_assert_str_eq(mode(st), "wal");
	put(st, "k", "v", 1);
	commit(st);
	cr_assert_eq(header_page_size(), 4096);
}

Test(load, stays_in_the_wal_while_another_connection_has_the_file_open)
{
	struct store	*other = open_db();

	begin_load(st);
	cr_assert_str_eq(mode(st), "wal");
	put(st, "k", "v", 1);
	commit(st);
	cr_assert_eq(header_page_size(), 4096);
	/* The other one reads what was committed, as readers of a WAL do. */
	cr_assert(has(other, "k"));
	store_close(other);
}

Test(load, stays_in_the_wal_once_the_database_holds_more_than_4_mib)
{
	char	*big = xmalloc(1024 * 1024);
	char	*cause = NULL;
	char	 key[8];
	int	 i;

	memset(big, 'x', 1024 * 1024);
	cr_assert_eq(store_begin(st, &cause), PD_OK, "%s", cause);
	for (i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "b%d", i);
		put(st, key, big, 1024 * 1024);
	}
	commit(st);
	free(big);
	begin_load(st);
	cr_assert_str_eq(mode(st), "wal");
	cr_assert_eq(header_page_size(), 4096, "not rebuilt either");
	store_rollback(st);
}

Test(load, a_rolled_back_load_leaves_nothing_and_goes_back_to_the_wal)
{
	begin_load(st);
	put(st, "k", "v", 1);
	store_rollback(st);
	cr_assert_str_eq(mode(st), "wal");
	cr_assert_eq(header_mode(), 2);
	cr_assert(!has(st, "k"));
}

/*
 * A load killed midway, its pages in the database file: the next process
 * plays the journal back, a read leaves the file as it is (reads never
 * write), and the first write puts it back in WAL mode.
 */
Test(load, a_killed_load_is_undone_and_the_next_writer_restores_the_wal)
{
	pid_t	 pid;
	int	 status;
	char	*journal = xasprintf("%s-journal", path);

	put(st, "before", "1", 1);
	store_close(st);
	st = NULL;
	if ((pid = fork()) == 0) {
		struct store	*s = open_db();

		begin_load(s);
		put(s, "k", "v", 1);
		/* A read applies the queued write; the flush writes the file. */
		if (!has(s, "k") ||
		    sqlite3_db_cacheflush(sqlite_of(s)->db) != SQLITE_OK)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "the child ended with status %d", status);
	cr_assert_eq(access(journal, F_OK), 0, "no hot journal was left");
	cr_assert_eq(header_mode(), 1);
	st = open_db();
	cr_assert(!has(st, "k"));
	cr_assert(has(st, "before"));
	cr_assert_eq(header_mode(), 1, "a read changed the file");
	put(st, "after", "1", 1);
	cr_assert_str_eq(mode(st), "wal");
	cr_assert_eq(header_mode(), 2);
	cr_assert_neq(access(journal, F_OK), 0);
	free(journal);
}
