/*
 * test_pgstore.c - the PostgreSQL backend against a real server: the
 * server named by PRONTO_TEST_SERVER (a URL; .ci/pg-cluster makes one).
 * Without it each test is skipped, saying why.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg/int.h"

/*
 * How long a schema change (db create, rename, drop) may wait.  The tests of
 * this file run at once, and each ends by dropping its database, which
 * notifies its watchers: PostgreSQL lets one notifying commit at a time
 * through, so a schema change with no wait at all (busy 0, a lock_timeout
 * of 1 ms) failed now and then as "database is locked" when another
 * test's drop was committing.
 */
#define DDL_BUSY_MS	5000

/* loc for database name (made unique by the process id) on the server. */
static void
server(struct pg_loc *loc, const char *name)
{
	const char	*url = getenv("PRONTO_TEST_SERVER");
	char		*cause = NULL, *n;

	if (url == NULL || *url == '\0')
		cr_skip_test("no server: set PRONTO_TEST_SERVER to a "
		    "postgresql:// URL (.ci/pg-cluster start DIR prints one)");
	n = name == NULL ? NULL : malloc(64);
	if (n != NULL)
		snprintf(n, 64, "t%ld_%s", (long)getpid(), name);
	cr_assert_eq(pg_loc_parse(url, n, loc, &cause), PD_OK, "%s", cause);
	free(n);
}

static struct addr *
key(const char *p, const char *ns, const char *k)
{
	static struct addr	 a;

	a.project = (char *)p;
	a.ns = (char *)ns;
	a.key = (char *)k;
	return &a;
}

static void
named(void *ctx, const char *name)
{
	struct buf	*b = ctx;

	buf_adds(b, name);
	buf_addc(b, ' ');
}

Test(pgstore, makes_lists_renames_and_drops_databases_as_schemas)
{
	struct pg_loc	 a, b;
	struct buf	 names;
	char		*cause = NULL, want[128];
	long long	 keys, bytes;

	server(&a, "one");
	server(&b, "two");
	buf_init(&names);
	cr_assert_eq(pg_db_create(&a, DDL_BUSY_MS, &cause), PD_OK, "%s",
	    cause);
	cr_expect_eq(pg_db_create(&a, DDL_BUSY_MS, &cause), PD_ERROR);
	snprintf(want, sizeof(want), "database '%s' exists", a.name);
	cr_expect_str_eq(cause, want);
	free(cause);
	cr_assert_eq(pg_db_list(&a, named, &names, &cause), PD_OK);
	buf_addc(&names, '\0');
	snprintf(want, sizeof(want), "%s ", a.name);
	cr_expect_not_null(strstr(names.data, want), "%s", names.data);
	cr_assert_eq(pg_db_describe(&a, &keys, &bytes, &cause), PD_OK);
	cr_expect_eq(keys, 0);
	cr_expect_gt(bytes, 0);
	cr_assert_eq(pg_db_rename(&a, b.name, DDL_BUSY_MS, &cause), PD_OK,
	    "%s", cause);
	cr_expect_eq(pg_db_describe(&a, &keys, &bytes, &cause), PD_MISS);
	free(cause);
	cr_expect_eq(pg_db_drop(&a, DDL_BUSY_MS, &cause), PD_MISS);
	snprintf(want, sizeof(want), "no database '%s' on the server", a.name);
	cr_expect_str_eq(cause, want);
	free(cause);
	cr_expect_eq(pg_db_drop(&b, DDL_BUSY_MS, &cause), PD_OK);
	cr_expect_eq(pg_db_drop(&b, DDL_BUSY_MS, &cause), PD_MISS);
	free(cause);
	buf_release(&names);
	pg_loc_release(&a);
	pg_loc_release(&b);
}

Test(pgstore, keeps_keys_with_versions_expiry_and_revisions)
{
	struct pg_loc	 l;
	struct store	*ps;
	struct buf	 v;
	char		*cause = NULL;
	long long	 rev, now = util_now_ms();

	server(&l, "keys");
	buf_init(&v);
	cr_assert_eq(pg_open_loc(&l, 1000, 0, &ps, &cause), PD_MISS,
	    "an existing database only");
	free(cause);
	cr_assert_eq(pg_open_loc(&l, 1000, 1, &ps, &cause), PD_OK, "%s", cause);
	cr_expect_eq(pg_get(ps, key("p", "n", "k"), &v, &cause), PD_MISS);
	cr_assert_eq(pg_set(ps, key("p", "n", "k"), "v\0x", 3, now, 0,
	    &cause), PD_OK, "%s", cause);
	cr_assert_eq(pg_get(ps, key("p", "n", "k"), &v, &cause), PD_OK);
	cr_expect_eq(v.len, 3);
	cr_expect_eq(memcmp(v.data, "v\0x", 3), 0, "values are bytes");
	cr_expect_eq(pg_read_revision(ps), 1);
	cr_expect_eq(pg_set_if(ps, key("p", "n", "k"), "w", 1, now, 0, 0,
	    &cause), PD_MISS, "if-absent on a present key");
	cr_expect_eq(pg_set_if(ps, key("p", "n", "k"), "w", 1, now, 0, 2,
	    &cause), PD_MISS, "the wrong version");
	cr_expect_eq(pg_set_if(ps, key("p", "n", "k"), "w", 1, now, 0, 1,
	    &cause), PD_OK);
	cr_expect_eq(pg_revision(ps, &rev, &cause), PD_OK);
	cr_expect_eq(rev, 2, "a failed condition takes no revision");
	cr_expect_eq(pg_set(ps, key("p", "n", "old"), "x", 1, now - 10,
	    now - 5, &cause), PD_OK);
	cr_expect_eq(pg_get(ps, key("p", "n", "old"), &v, &cause), PD_MISS,
	    "expired");
	cr_expect_eq(pg_get_any(ps, key("p", "n", "old"), 1, &v, &cause),
	    PD_OK);
	cr_expect_eq(pg_set_if(ps, key("p", "n", "old"), "y", 1, now, 0, 0,
	    &cause), PD_OK, "an expired key is absent");
	cr_expect_eq(pg_expire(ps, key("p", "n", "old"), now - 1, &cause),
	    PD_OK);
	cr_expect_eq(pg_del(ps, key("p", "n", "old"), &cause), PD_MISS);
	cr_expect_eq(pg_del(ps, key("p", "n", "k"), &cause), PD_OK);
	cr_expect_eq(pg_del(ps, key("p", "n", "k"), &cause), PD_MISS);
	cr_expect_eq(pg_revision(ps, &rev, &cause), PD_OK);
	cr_expect_eq(rev, 6);
	pg_close(ps);
	cr_expect_eq(pg_db_drop(&l, DDL_BUSY_MS, &cause), PD_OK);
	buf_release(&v);
	pg_loc_release(&l);
}

Test(pgstore, rolls_a_block_back_as_a_whole)
{
	struct pg_loc	 l;
	struct store	*ps;
	struct buf	 v;
	char		*cause = NULL;

	server(&l, "block");
	buf_init(&v);
	cr_assert_eq(pg_open_loc(&l, 1000, 1, &ps, &cause), PD_OK, "%s", cause);
	cr_assert_eq(pg_begin(ps, &cause), PD_OK, "%s", cause);
	cr_expect_eq(pg_set(ps, key("p", "n", "a"), "1", 1, 1, 0, &cause),
	    PD_OK);
	cr_expect_eq(pg_savepoint(ps, "dry", &cause), PD_OK);
	cr_expect_eq(pg_set(ps, key("p", "n", "b"), "2", 1, 1, 0, &cause),
	    PD_OK);
	cr_expect_eq(pg_savepoint_end(ps, "dry", 0, &cause), PD_OK);
	cr_expect_eq(pg_commit(ps, &cause), PD_OK);
	cr_expect_eq(pg_get(ps, key("p", "n", "a"), &v, &cause), PD_OK);
	cr_expect_eq(pg_get(ps, key("p", "n", "b"), &v, &cause), PD_MISS,
	    "undone with its savepoint");
	cr_assert_eq(pg_begin(ps, &cause), PD_OK);
	cr_expect_eq(pg_set(ps, key("p", "n", "c"), "3", 1, 1, 0, &cause),
	    PD_OK);
	pg_rollback(ps);
	cr_expect_eq(pg_get(ps, key("p", "n", "c"), &v, &cause), PD_MISS);
	pg_close(ps);
	cr_expect_eq(pg_db_drop(&l, DDL_BUSY_MS, &cause), PD_OK);
	buf_release(&v);
	pg_loc_release(&l);
}

/* One client's share of the incr test: n reads and writes in blocks. */
static int
incr_many(const struct pg_loc *l, int n)
{
	struct store	*ps;
	struct buf	 v;
	char		*cause = NULL, num[32];
	int		 i;

	buf_init(&v);
	if (pg_open_loc(l, 60000, 0, &ps, &cause) != PD_OK)
		return 1;
	for (i = 0; i < n; i++) {
		long long	 x = 0;

		if (pg_begin(ps, &cause) != PD_OK)
			return 2;
		if (pg_get(ps, key("p", "n", "c"), &v, &cause) == PD_OK) {
			buf_addc(&v, '\0');
			x = strtoll(v.data, NULL, 10);
		}
		snprintf(num, sizeof(num), "%lld", x + 1);
		if (pg_set(ps, key("p", "n", "c"), num, strlen(num), 1, 0,
		    &cause) != PD_OK || pg_commit(ps, &cause) != PD_OK)
			return 3;
	}
	pg_close(ps);
	return 0;
}

Test(pgstore, loses_no_increment_of_8_clients_at_once, .timeout = 300)
{
	struct pg_loc	 l;
	struct store	*ps;
	struct buf	 v;
	char		*cause = NULL;
	pid_t		 kids[8];
	int		 i, st;

	server(&l, "incr");
	buf_init(&v);
	cr_assert_eq(pg_db_create(&l, DDL_BUSY_MS, &cause), PD_OK, "%s",
	    cause);
	for (i = 0; i < 8; i++)
		if ((kids[i] = fork()) == 0)
			_exit(incr_many(&l, 2000));
	for (i = 0; i < 8; i++) {
		cr_assert_eq(waitpid(kids[i], &st, 0), kids[i]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "client %d: %d", i, st);
	}
	cr_assert_eq(pg_open_loc(&l, 1000, 0, &ps, &cause), PD_OK);
	cr_assert_eq(pg_get(ps, key("p", "n", "c"), &v, &cause), PD_OK);
	buf_addc(&v, '\0');
	cr_expect_str_eq(v.data, "16000");
	pg_close(ps);
	cr_expect_eq(pg_db_drop(&l, DDL_BUSY_MS, &cause), PD_OK);
	buf_release(&v);
	pg_loc_release(&l);
}

Test(pgstore, gives_up_on_a_held_lock_after_busy_timeout)
{
	struct pg_loc	 l;
	struct store	*a, *b;
	char		*cause = NULL;

	server(&l, "busy");
	cr_assert_eq(pg_db_create(&l, DDL_BUSY_MS, &cause), PD_OK, "%s",
	    cause);
	cr_assert_eq(pg_open_loc(&l, 1000, 0, &a, &cause), PD_OK, "%s", cause);
	cr_assert_eq(pg_open_loc(&l, 100, 0, &b, &cause), PD_OK, "%s", cause);
	cr_assert_eq(pg_begin(a, &cause), PD_OK);
	cr_expect_eq(pg_begin(b, &cause), PD_BUSY);
	cr_expect_str_eq(cause, "database is locked (busy_timeout expired)");
	free(cause);
	cr_expect_not(pg_in_tx(b));
	cr_expect_eq(pg_set(b, key("p", "n", "k"), "v", 1, 1, 0, &cause),
	    PD_BUSY, "a write outside a block takes the lock too");
	free(cause);
	pg_rollback(a);
	cr_expect_eq(pg_set(b, key("p", "n", "k"), "v", 1, 1, 0, &cause),
	    PD_OK);
	pg_close(a);
	pg_close(b);
	cr_expect_eq(pg_db_drop(&l, DDL_BUSY_MS, &cause), PD_OK);
	pg_loc_release(&l);
}

/* End ps's session on the server from another one, as a crash would. */
static void
kill_session(const struct pg_loc *l, struct store *st)
{
	struct pg_store	*k, *ps = pg_of(st);
	struct pg_args	 a;
	PGresult	*r;
	char		*cause = NULL;
	long long	 pid;

	cr_assert_eq(pg_run(ps, "SELECT pg_backend_pid()::bigint", NULL, &r,
	    &cause), PD_OK);
	pid = pg_ll(ps, r, 0, 0);
	ps->pq->PQclear(r);
	cr_assert_eq(pg_attach(l, 1000, &k, &cause), PD_OK);
	memset(&a, 0, sizeof(a));
	pg_arg_ll(&a, pid);
	cr_assert_eq(pg_do(k, "SELECT pg_terminate_backend($1::int)", &a,
	    &cause), PD_OK, "%s", cause);
	pg_close(&k->base);
	nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
}

Test(pgstore, rolls_back_a_block_whose_connection_is_lost_and_reconnects_outside_one)
{
	struct pg_loc	 l;
	struct store	*ps;
	struct buf	 v;
	char		*cause = NULL;

	server(&l, "lost");
	buf_init(&v);
	cr_assert_eq(pg_open_loc(&l, 1000, 1, &ps, &cause), PD_OK, "%s", cause);
	cr_assert_eq(pg_set(ps, key("p", "n", "a"), "1", 1, 1, 0, &cause),
	    PD_OK);
	cr_assert_eq(pg_begin(ps, &cause), PD_OK);
	cr_expect_eq(pg_set(ps, key("p", "n", "b"), "2", 1, 1, 0, &cause),
	    PD_OK);
	kill_session(&l, ps);
	cr_expect_eq(pg_set(ps, key("p", "n", "c"), "3", 1, 1, 0, &cause),
	    PD_IOERR);
	cr_expect_not_null(strstr(cause, "lost the connection to the server "
	    "at "), "%s", cause);
	cr_expect_not_null(strstr(cause, "; the transaction's writes were "
	    "rolled back"), "%s", cause);
	cr_expect(pg_tx_lost(ps));
	free(cause);
	cr_expect_eq(pg_get(ps, key("p", "n", "a"), &v, &cause), PD_OK,
	    "a new connection, outside a block");
	cr_expect_eq(pg_get(ps, key("p", "n", "b"), &v, &cause), PD_MISS,
	    "nothing of the block is left");
	kill_session(&l, ps);
	cr_expect_eq(pg_begin(ps, &cause), PD_OK, "begin reconnects too");
	pg_rollback(ps);
	pg_close(ps);
	cr_expect_eq(pg_db_drop(&l, DDL_BUSY_MS, &cause), PD_OK);
	buf_release(&v);
	pg_loc_release(&l);
}

Test(pgstore, names_host_and_port_of_a_server_down_and_no_password)
{
	struct pg_loc	 l;
	struct store	*ps;
	char		*cause = NULL;

	cr_assert_eq(pg_loc_parse("postgresql://ann:hunter2@127.0.0.1:1/x"
	    "?connect_timeout=2", NULL, &l, &cause), PD_OK);
	cr_expect_eq(pg_open_loc(&l, 1000, 1, &ps, &cause), PD_IOERR);
	cr_expect_str_eq(cause, "cannot connect to the server at 127.0.0.1 "
	    "port 1: Connection refused");
	cr_expect_null(strstr(cause, "hunter2"));
	free(cause);
	pg_loc_release(&l);
}

/*
 * Without a server the run is reported as skipped (exit 77, automake's
 * SKIP), not as passed: the skipped tests say why.
 */
int
main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	const char	*url = getenv("PRONTO_TEST_SERVER");
	int		 result = 0;

	if (criterion_handle_args(argc, argv, true))
		result = !criterion_run_all_tests(tests);
	criterion_finalize(tests);
	if (result == 0 && (url == NULL || *url == '\0'))
		return 77;
	return result;
}
