/*
 * test_store.c - the SQLite store: upsert, versions, prefixes, transactions.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
/* For the SQLite result codes of the failures below. */
#include "sqlite/int.h"
#include "util.h"
#include "scratch.h"

static char		 dir[] = "/tmp/pronto-store-XXXXXX";
static char		*path;
static struct store	*st;

/* Open the database file at file (a path locator), made when missing. */
static enum pd_status
open_file(const char *file, int busy_ms, struct store **out, char **cause)
{
	struct store_place	 place = { NULL, "no place", NULL };
	struct store_loc	 loc;
	enum pd_status		 s;

	if ((s = store_locate(&place, file, &loc, cause)) != PD_OK)
		return s;
	s = store_open(&loc, busy_ms, 1, out, cause);
	store_loc_free(&loc);
	return s;
}

static void
setup(void)
{
	char	*cause = NULL;

	cr_assert_not_null(mkdtemp(dir));
	path = xasprintf("%s/t.db", dir);
	cr_assert_eq(open_file(path, 1000, &st, &cause), PD_OK, "%s", cause);
}

static void
teardown(void)
{
	store_close(st);
	scratch_remove(dir);
	free(path);
}

TestSuite(store, .init = setup, .fini = teardown);

static struct addr
A(const char *p, const char *n, const char *k)
{
	struct addr	 a = { .project = (char *)p, .ns = (char *)n,
	    .key = (char *)k };

	return a;
}

static void
put(const char *p, const char *n, const char *k, const char *v)
{
	struct addr	 a = A(p, n, k);
	char		*cause = NULL;

	cr_assert_eq(store_set(st, &a, v, strlen(v), 1000, 0, &cause), PD_OK,
	    "%s", cause);
}

struct collect {
	struct buf	 b;
};

static enum pd_status
collect_row(void *ctx, const struct store_row *r)
{
	struct collect	*c = ctx;
	char		*s;

	s = xasprintf("%s/%s/%s=%.*s v%lld;", r->project, r->ns, r->key,
	    (int)r->vlen, r->value != NULL ? (const char *)r->value : "",
	    r->version);
	buf_adds(&c->b, s);
	free(s);
	return PD_OK;
}

static char *
scan(enum store_match mp, const char *p, enum store_match mn, const char *n,
    enum store_match mk, const char *k)
{
	struct store_filter	 f = { { mp, mn, mk }, { p, n, k } };
	struct collect		 c;
	char			*cause = NULL;

	buf_init(&c.b);
	buf_adds(&c.b, "");
	cr_assert_eq(store_scan(st, &f, 1, collect_row, &c, &cause), PD_OK,
	    "%s", cause);
	return buf_detach(&c.b, NULL);
}

static void
expect_scan(char *got, const char *want)
{
	cr_expect(strcmp(got, want) == 0, "got %s want %s", got, want);
	free(got);
}

Test(store, creates_a_private_file_with_the_schema)
{
	struct stat	 sb;

	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
}

Test(store, gets_what_was_set_and_misses_what_was_not)
{
	struct addr	 a = A("p", "n", "k"), b = A("p", "n", "other");
	struct buf	 v;
	char		*cause = NULL;

	buf_init(&v);
	put("p", "n", "k", "value");
	cr_assert_eq(store_get(st, &a, &v, &cause), PD_OK);
	cr_assert_eq(v.len, 5);
	cr_assert_str_eq(v.data, "value");
	cr_assert_eq(store_get(st, &b, &v, &cause), PD_MISS);
	buf_release(&v);
}

Test(store, overwrites_in_place_and_counts_versions)
{
	put("p", "n", "k", "one");
	put("p", "n", "k", "two");
	put("p", "n", "k", "three");
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/k=three v3;");
}

Test(store, keeps_binary_and_empty_values_exact)
{
	static const char	 bin[] = { 'a', 0, 'b', (char)0xff };
	struct addr		 a = A("p", "n", "bin"), e = A("p", "n", "e");
	struct buf		 v;
	char			*cause = NULL;

	buf_init(&v);
	cr_assert_eq(store_set(st, &a, bin, 4, 1, 0, &cause), PD_OK);
	cr_assert_eq(store_set(st, &e, "", 0, 1, 0, &cause), PD_OK);
	cr_assert_eq(store_get(st, &a, &v, &cause), PD_OK);
	cr_assert_eq(v.len, 4);
	cr_assert_eq(memcmp(v.data, bin, 4), 0);
	cr_assert_eq(store_get(st, &e, &v, &cause), PD_OK);
	cr_assert_eq(v.len, 0);
	buf_release(&v);
}

Test(store, deletes_and_reports_missing_keys)
{
	struct addr	 a = A("p", "n", "k");
	char		*cause = NULL;

	put("p", "n", "k", "v");
	cr_assert_eq(store_del(st, &a, &cause), PD_OK);
	cr_assert_eq(store_del(st, &a, &cause), PD_MISS);
}

Test(store, matches_prefixes_literally)
{
	put("p", "n", "a_c", "1");
	put("p", "n", "abc", "2");
	put("p", "n", "a%c", "3");
	put("p", "n", "A_c", "4");
	put("p", "n2", "a_x", "5");
	expect_scan(scan(STORE_EXACT, "p", STORE_EXACT, "n", STORE_PREFIX,
	    "a_"), "p/n/a_c=1 v1;");
	expect_scan(scan(STORE_EXACT, "p", STORE_EXACT, "n", STORE_PREFIX,
	    "a%"), "p/n/a%c=3 v1;");
	expect_scan(scan(STORE_EXACT, "p", STORE_EXACT, "n", STORE_PREFIX,
	    "A"), "p/n/A_c=4 v1;");
	expect_scan(scan(STORE_EXACT, "p", STORE_PREFIX, "n", STORE_ANY,
	    NULL), "p/n/A_c=4 v1;p/n/a%c=3 v1;p/n/a_c=1 v1;p/n/abc=2 v1;"
	    "p/n2/a_x=5 v1;");
	expect_scan(scan(STORE_PREFIX, "q", STORE_ANY, NULL, STORE_ANY,
	    NULL), "");
}

Test(store, matches_prefixes_ending_in_high_bytes)
{
	put("p", "n", "a\xff", "1");
	put("p", "n", "a\xff\xff", "2");
	put("p", "n", "b", "3");
	expect_scan(scan(STORE_EXACT, "p", STORE_EXACT, "n", STORE_PREFIX,
	    "a\xff"), "p/n/a\xff=1 v1;p/n/a\xff\xff=2 v1;");
}

Test(store, rolls_back_and_commits_transactions)
{
	char	*cause = NULL;

	cr_assert_eq(store_begin(st, &cause), PD_OK);
	cr_assert(store_in_tx(st));
	put("p", "n", "gone", "1");
	store_rollback(st);
	cr_assert_not(store_in_tx(st));
	cr_assert_eq(store_begin(st, &cause), PD_OK);
	put("p", "n", "kept", "1");
	cr_assert_eq(store_commit(st, &cause), PD_OK);
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/kept=1 v1;");
}

Test(store, reopens_an_existing_database)
{
	struct store	*again;
	struct addr	 a = A("p", "n", "k");
	struct buf	 v;
	char		*cause = NULL;

	put("p", "n", "k", "persisted");
	cr_assert_eq(open_file(path, 1000, &again, &cause), PD_OK);
	buf_init(&v);
	cr_assert_eq(store_get(again, &a, &v, &cause), PD_OK);
	cr_assert_str_eq(v.data, "persisted");
	buf_release(&v);
	store_close(again);
}

Test(store, reports_a_locked_database_as_busy)
{
	struct store	*other;
	char		*cause = NULL;

	cr_assert_eq(open_file(path, 50, &other, &cause), PD_OK);
	cr_assert_eq(store_begin(st, &cause), PD_OK);
	cr_assert_eq(store_begin(other, &cause), PD_BUSY);
	cr_assert_str_eq(cause, "database is locked (busy_timeout expired)");
	free(cause);
	store_rollback(st);
	store_close(other);
}

Test(store, reads_its_own_queued_writes_inside_a_transaction)
{
	struct addr	 a = A("p", "n", "k");
	struct buf	 v;
	char		*cause = NULL;

	buf_init(&v);
	cr_assert_eq(store_begin(st, &cause), PD_OK);
	put("p", "n", "k", "first");
	cr_assert_eq(store_get(st, &a, &v, &cause), PD_OK);
	cr_assert_str_eq(v.data, "first");
	put("p", "n", "k", "second");
	cr_assert_eq(store_del(st, &a, &cause), PD_OK);
	cr_assert_eq(store_get(st, &a, &v, &cause), PD_MISS);
	put("p", "n", "z", "1");
	put("p", "n", "a", "2");
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/a=2 v1;p/n/z=1 v1;");
	cr_assert_eq(store_commit(st, &cause), PD_OK);
	buf_release(&v);
}

Test(store, applies_queued_writes_to_one_key_in_order)
{
	char	*cause = NULL;
	char	 val[16];
	int	 i;

	cr_assert_eq(store_begin(st, &cause), PD_OK);
	for (i = 0; i < 100000; i++) {
		snprintf(val, sizeof(val), "%d", i);
		put(i % 2 ? "p" : "q", "n", i % 3 ? "hot" : "cold", val);
	}
	cr_assert_eq(store_commit(st, &cause), PD_OK);
	/* Last write wins, and every write counted a version. */
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/cold=99999 v16667;p/n/hot=99997 v33333;"
	    "q/n/cold=99996 v16667;q/n/hot=99998 v33333;");
}

Test(store, forgets_queued_writes_on_rollback)
{
	char	*cause = NULL;

	put("p", "n", "kept", "1");
	cr_assert_eq(store_begin(st, &cause), PD_OK);
	put("p", "n", "dropped", "1");
	put("p", "n", "kept", "2");
	store_rollback(st);
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/kept=1 v1;");
}

/* SQLite's running out of memory ends the process as ours does. */
Test(store, ends_the_process_when_sqlite_runs_out_of_memory,
    .exit_code = 1)
{
	cr_redirect_stderr();
	store_status_of(SQLITE_NOMEM);
	cr_assert_fail("store_status_of returned");
}

Test(store, reports_a_file_that_is_not_a_database)
{
	struct store	*other = NULL;
	char		*cause = NULL, *junk = xasprintf("%s/junk.db", dir);
	char		*want = xasprintf("%s: file is not a database", junk);
	FILE		*fp = fopen(junk, "w");

	cr_assert_not_null(fp);
	fputs("this is not an SQLite database, not even its header\n", fp);
	fclose(fp);
	cr_assert_eq(open_file(junk, 100, &other, &cause), PD_ERROR);
	cr_assert_null(other);
	cr_assert_str_eq(cause, want);
	free(cause);
	free(want);
	free(junk);
}

/* Open a second store on the same file in the meta context org. */
static struct store *
open_in(const char *org)
{
	struct store	*o;
	char		*cause = NULL;

	store_context(org);
	cr_assert_eq(open_file(path, 1000, &o, &cause), PD_OK, "%s", cause);
	store_context(NULL);
	return o;
}

static enum pd_status
count_project(void *ctx, const struct store_object *o)
{
	struct collect	*c = ctx;

	buf_adds(&c->b, o->project);
	buf_addc(&c->b, ';');
	return PD_OK;
}

Test(store, keeps_meta_contexts_apart_both_ways)
{
	struct store	*acme = open_in("acme"), *other = open_in("other");
	struct store	*plain = st;
	struct addr	 a = A("p", "n", "k");
	struct collect	 c;
	struct buf	 v;
	char		*cause = NULL;

	buf_init(&v);
	put("p", "n", "k", "plain");
	st = acme;
	put("p", "n", "k", "acme");
	put("q", "n", "k", "acme only");
	cr_assert_eq(store_get(acme, &a, &v, &cause), PD_OK);
	cr_expect_str_eq(v.data, "acme");
	cr_assert_eq(store_get(plain, &a, &v, &cause), PD_OK);
	cr_expect_str_eq(v.data, "plain");
	cr_expect_eq(store_get(other, &a, &v, &cause), PD_MISS);
	/* Listings keep to their view and print its names. */
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/k=acme v1;q/n/k=acme only v1;");
	st = plain;
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/k=plain v1;");
	expect_scan(scan(STORE_EXACT, "q", STORE_ANY, NULL, STORE_ANY, NULL),
	    "");
	buf_init(&c.b);
	buf_adds(&c.b, "");
	cr_assert_eq(store_projects(acme, NULL, count_project, &c, &cause),
	    PD_OK);
	cr_expect_str_eq(c.b.data, "p;q;");
	buf_reset(&c.b);
	cr_assert_eq(store_projects(plain, NULL, count_project, &c, &cause),
	    PD_OK);
	cr_expect_str_eq(c.b.data, "p;");
	/* Deleting in one context leaves the others alone. */
	cr_assert_eq(store_del(acme, &a, &cause), PD_OK);
	cr_assert_eq(store_get(plain, &a, &v, &cause), PD_OK);
	cr_expect_eq(store_del(other, &a, &cause), PD_MISS);
	buf_release(&c.b);
	buf_release(&v);
	store_close(acme);
	store_close(other);
}

Test(store, never_lets_a_forged_name_reach_another_context)
{
	struct store	*acme = open_in("acme"), *other = open_in("other");
	struct addr	 forged = A("\037acme\037p", "n", "k");
	struct buf	 v;
	char		*cause = NULL;

	buf_init(&v);
	cr_assert_eq(store_set(acme, &forged, "secret", 6, 1000, 0, &cause),
	    PD_OK);
	cr_expect_eq(store_get(st, &forged, &v, &cause), PD_MISS,
	    "the plain view");
	cr_expect_eq(store_get(other, &forged, &v, &cause), PD_MISS,
	    "another context");
	/* A forged write from the plain view lands in no view at all. */
	cr_assert_eq(store_set(st, &forged, "x", 1, 1000, 0, &cause), PD_OK);
	cr_assert_eq(store_get(acme, &forged, &v, &cause), PD_OK);
	cr_expect_str_eq(v.data, "secret");
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "");
	buf_release(&v);
	store_close(acme);
	store_close(other);
}

Test(store, copies_a_key_with_its_metakeys_and_expiry)
{
	struct addr		 src = A("p", "n", "k"), dst = A("q", "m", "k2");
	struct store_info	 info;
	struct buf		 v;
	char			*cause = NULL;
	long long		 now = util_now_ms(), expires = now + 60000;

	buf_init(&v);
	cr_assert_eq(store_set(st, &src, "v", 1, now, expires, &cause), PD_OK);
	cr_assert_eq(store_meta_set(st, &src, "owner", "ops", 3, &cause),
	    PD_OK);
	cr_assert_eq(store_copy(st, &src, &dst, 0, now, &cause), PD_OK,
	    "%s", cause);
	cr_assert_eq(store_get(st, &dst, &v, &cause), PD_OK);
	cr_expect_str_eq(v.data, "v");
	cr_assert_eq(store_meta_get(st, &dst, "owner", &v, &cause), PD_OK);
	cr_expect_str_eq(v.data, "ops");
	cr_assert_eq(store_info(st, &dst, &info, &cause), PD_OK);
	cr_expect_eq(info.expires, expires);
	cr_assert_eq(store_copy(st, &dst, &src, 1, now, &cause), PD_OK);
	cr_expect_eq(store_get(st, &dst, &v, &cause), PD_MISS);
	cr_expect_eq(store_meta_get(st, &dst, "owner", &v, &cause), PD_MISS);
	cr_assert_eq(store_info(st, &src, &info, &cause), PD_OK);
	cr_expect_eq(info.version, 2, "a copy onto a key is a write of it");
	cr_expect_eq(store_copy(st, &dst, &src, 0, now, &cause), PD_MISS);
	buf_release(&v);
}

/* The changes store_changes hands over, as "REV OP KEY[=VALUE]" lines. */
static enum pd_status
collect(void *ctx, const struct store_change *c)
{
	struct buf	*b = ctx;
	char		*line = xasprintf("%lld %s %s%s%.*s\n", c->rev, c->op,
	    c->key, c->value != NULL ? "=" : "", (int)c->vlen,
	    c->value != NULL ? (const char *)c->value : "");

	buf_adds(b, line);
	free(line);
	return PD_OK;
}

Test(store, numbers_every_change_and_logs_it_once_watched)
{
	struct store_watch	*w;
	struct store_info	 info;
	struct addr		 a = A("p", "n", "a"), b = A("p", "n", "b");
	struct buf		 got;
	char			*cause = NULL;
	long long		 rev, last;

	/* put writes at 1970's clock: no trimming by age here. */
	store_set_retention(st, STORE_KEEP_REVISIONS, 1LL << 62);
	put("p", "n", "a", "1");
	cr_assert_eq(store_revision(st, &rev, &cause), PD_OK);
	cr_expect_eq(rev, 1, "a write outside a transaction is revision 1");
	cr_assert_eq(store_watch_open(st, &w, &cause), PD_OK, "%s", cause);
	cr_assert_eq(store_begin(st, &cause), PD_OK);
	put("p", "n", "b", "2");
	put("p", "n", "a", "3");
	cr_assert_eq(store_del(st, &b, &cause), PD_OK);
	cr_assert_eq(store_commit(st, &cause), PD_OK);
	cr_assert_eq(store_begin(st, &cause), PD_OK);
	put("p", "n", "c", "gone");
	store_rollback(st);
	put("p", "n", "d", "4");
	cr_assert_eq(store_info(st, &a, &info, &cause), PD_OK);
	cr_expect_eq(info.revision, 3, "queued writes keep their order");
	buf_init(&got);
	cr_assert_eq(store_changes(st, 1, 100, collect, &got, &last, &cause),
	    PD_OK, "%s", cause);
	cr_expect_str_eq(got.data, "2 set b=2\n3 set a=3\n4 del b\n"
	    "5 set d=4\n", "one range per transaction, none rolled back");
	cr_expect_eq(last, 5);
	cr_expect_eq(store_changes(st, 0, 100, collect, &got, &last, &cause),
	    PD_ERROR, "revision 0 came before logging began");
	cr_expect_str_eq(cause, "revision 0 is compacted: the oldest "
	    "revision kept is 2");
	free(cause);
	buf_release(&got);
	store_watch_close(w);
}

Test(store, trims_the_log_to_its_retention)
{
	struct store_watch	*w;
	struct buf		 got;
	char			*cause = NULL, key[8];
	long long		 last;
	int			 i;

	cr_assert_eq(store_watch_open(st, &w, &cause), PD_OK, "%s", cause);
	store_set_retention(st, 3, 1LL << 62);
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		put("p", "n", key, "v");
	}
	buf_init(&got);
	cr_expect_eq(store_changes(st, 6, 100, collect, &got, &last, &cause),
	    PD_ERROR, "the log keeps the last 3 revisions");
	free(cause);
	cause = NULL;
	cr_assert_eq(store_changes(st, 7, 100, collect, &got, &last, &cause),
	    PD_OK, "%s", cause);
	cr_expect_str_eq(got.data, "8 set k7=v\n9 set k8=v\n10 set k9=v\n");
	buf_release(&got);
	store_watch_close(w);
}

/* Keep the key "keep", refuse at the key "stop", choose the others. */
static enum pd_status
choose(void *ctx, const struct store_row *r)
{
	(void)ctx;
	cr_expect_null(r->value, "the rows of a delete carry no value");
	if (strcmp(r->key, "stop") == 0)
		return PD_DENIED;
	return strcmp(r->key, "keep") == 0 ? PD_MISS : PD_OK;
}

Test(store, deletes_the_keys_a_filter_reaches_and_its_caller_chooses)
{
	struct store_filter	 f = { { STORE_EXACT, STORE_ANY, STORE_ANY },
	    { "p", NULL, NULL } };
	struct store_watch	*w;
	struct addr		 a = A("p", "n", "a");
	struct buf		 got, v;
	char			*cause = NULL;
	long long		 n, last;

	store_set_retention(st, STORE_KEEP_REVISIONS, 1LL << 62);
	cr_assert_eq(store_watch_open(st, &w, &cause), PD_OK, "%s", cause);
	put("p", "n", "a", "1");
	put("p", "n", "keep", "2");
	put("p", "m", "b", "3");
	put("q", "n", "c", "4");
	cr_assert_eq(store_meta_set(st, &a, "owner", "ops", 3, &cause), PD_OK);
	cr_assert_eq(store_del_many(st, &f, choose, NULL, &n, &cause), PD_OK,
	    "%s", cause);
	cr_expect_eq(n, 2);
	expect_scan(scan(STORE_ANY, NULL, STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/n/keep=2 v1;q/n/c=4 v1;");
	buf_init(&got);
	cr_assert_eq(store_changes(st, 5, 100, collect, &got, &last, &cause),
	    PD_OK, "%s", cause);
	cr_expect_str_eq(got.data, "6 del b\n7 del a\n",
	    "each key deleted is a change, in address order");
	put("p", "n", "a", "again");
	buf_init(&v);
	cr_expect_eq(store_meta_get(st, &a, "owner", &v, &cause), PD_MISS,
	    "the metakeys went with their key");
	/* A refusal midway undoes what went before it. */
	put("p", "a", "z", "5");
	put("p", "n", "stop", "6");
	cr_expect_eq(store_del_many(st, &f, choose, NULL, &n, &cause),
	    PD_DENIED);
	expect_scan(scan(STORE_EXACT, "p", STORE_ANY, NULL, STORE_ANY, NULL),
	    "p/a/z=5 v1;p/n/a=again v1;p/n/keep=2 v1;p/n/stop=6 v1;");
	buf_release(&v);
	buf_release(&got);
	store_watch_close(w);
}

/* The query plan of prepared statement q, a line per step. */
static char *
plan(sqlite3_stmt *q)
{
	sqlite3_stmt	*x;
	struct buf	 b;
	char		*sql;

	cr_assert_not_null(q, "the statement was prepared");
	sql = xasprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(q));
	cr_assert_eq(sqlite3_prepare_v2(sqlite_of(st)->db, sql, -1, &x, NULL),
	    SQLITE_OK, "%s", sqlite3_errmsg(sqlite_of(st)->db));
	buf_init(&b);
	buf_adds(&b, "");
	while (sqlite3_step(x) == SQLITE_ROW) {
		buf_adds(&b, (const char *)sqlite3_column_text(x, 3));
		buf_addc(&b, '\n');
	}
	sqlite3_finalize(x);
	free(sql);
	return buf_detach(&b, NULL);
}

Test(store, searches_a_literal_project_and_namespace_by_the_primary_key)
{
	/* The filter of keys 'app.config.*' (test_pattern.c). */
	struct store_filter	 f = { { STORE_EXACT, STORE_EXACT,
	    STORE_ANY }, { "app", "config", NULL } };
	struct collect		 c;
	char			*cause = NULL, *got;

	put("app", "config", "host", "db1");
	put("app", "other", "x", "1");
	buf_init(&c.b);
	buf_adds(&c.b, "");
	cr_assert_eq(store_scan(st, &f, 0, collect_row, &c, &cause), PD_OK);
	cr_expect_str_eq(c.b.data, "app/config/host= v1;");
	got = plan(sqlite_of(st)->ns_scan[STORE_EXACT * 3 + STORE_EXACT]);
	cr_expect_str_eq(got, "SEARCH sys_namespaces USING PRIMARY KEY "
	    "(project=? AND name=?)\n");
	free(got);
	got = plan(store_table_named(sqlite_of(st), "kv")->scan[STORE_ANY * 2]);
	cr_expect_str_eq(got, "SEARCH kv USING PRIMARY KEY (project=? AND "
	    "namespace=?)\n", "no scan of the table, no sort");
	free(got);
	buf_release(&c.b);
}
