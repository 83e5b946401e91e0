/*
 * test_pg.c - server locators: splitting, naming and password redaction.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pg/loc.h"

Test(pg, recognises_server_locators_only)
{
	cr_expect(pg_loc_is("postgres://h/db"));
	cr_expect(pg_loc_is("postgresql:///db?host=/tmp"));
	cr_expect_not(pg_loc_is("main"));
	cr_expect_not(pg_loc_is("./postgres://x"));
	cr_expect_not(pg_loc_is("mysql://h/db"));
}

Test(pg, takes_the_database_from_the_fragment_and_never_gives_it_to_libpq)
{
	struct pg_loc	 l;
	char		*cause = NULL;

	cr_assert_eq(pg_loc_parse("postgresql://u@h:5433/app#team", NULL, &l,
	    &cause), PD_OK);
	cr_expect_str_eq(l.conninfo, "postgresql://u@h:5433/app");
	cr_expect_str_eq(l.name, "team");
	cr_expect_str_eq(l.display, "postgresql://u@h:5433/app#team");
	cr_expect_null(l.secret);
	pg_loc_release(&l);
	cr_assert_eq(pg_loc_parse("postgres:///app", "other", &l, &cause),
	    PD_OK);
	cr_expect_str_eq(l.name, "other", "the name given stands in");
	pg_loc_release(&l);
	cr_assert_eq(pg_loc_parse("postgres:///app", NULL, &l, &cause), PD_OK);
	cr_expect_str_eq(l.name, "main");
	pg_loc_release(&l);
}

Test(pg, cuts_the_password_out_of_what_it_shows)
{
	struct pg_loc	 l;
	char		*cause = NULL;

	cr_assert_eq(pg_loc_parse("postgresql://ann:s3cret@db.example:5432/"
	    "app?sslmode=require&password=other&application_name=x#main",
	    NULL, &l, &cause), PD_OK);
	cr_expect_str_eq(l.display, "postgresql://ann@db.example:5432/app?"
	    "sslmode=require&application_name=x#main");
	cr_expect_str_eq(l.secret, "other", "the parameter is what libpq uses");
	cr_expect_str_eq(l.conninfo, "postgresql://ann:s3cret@db.example:"
	    "5432/app?sslmode=require&password=other&application_name=x");
	pg_loc_release(&l);
	cr_assert_eq(pg_loc_parse("postgres://ann:p@ss@h/app?password=x", NULL,
	    &l, &cause), PD_OK);
	cr_expect_str_eq(l.display, "postgres://ann@h/app#main",
	    "an unencoded '@' cuts to the last one");
	pg_loc_release(&l);
}

Test(pg, redacts_a_url_in_any_listing)
{
	char	*r;

	r = pg_loc_redact("postgres://u:pw@h/d?password=pw2&sslmode=disable");
	cr_expect_str_eq(r, "postgres://u@h/d?sslmode=disable");
	free(r);
	r = pg_loc_redact("postgres://h/d");
	cr_expect_str_eq(r, "postgres://h/d");
	free(r);
	r = pg_loc_redact("postgres://h/d?sslpassword=k");
	cr_expect_str_eq(r, "postgres://h/d");
	free(r);
}

Test(pg, scrubs_the_password_from_a_message_and_keeps_one_line)
{
	struct pg_loc	 l;
	char		*cause = NULL, *m;

	cr_assert_eq(pg_loc_parse("postgres://u:ab%zz@h/d", NULL, &l, &cause),
	    PD_OK);
	m = pg_loc_scrub(&l, "invalid percent-encoded token: \"ab%zz\"\n"
	    "second line ab%zz\n");
	cr_expect_str_eq(m, "invalid percent-encoded token: \"***\"");
	free(m);
	pg_loc_release(&l);
}

Test(pg, refuses_a_name_that_is_not_one_without_showing_the_password)
{
	struct pg_loc	 l;
	char		*cause = NULL;

	cr_assert_eq(pg_loc_parse("postgres://u:pw@h/d#a/b", NULL, &l,
	    &cause), PD_USAGE);
	cr_expect_null(strstr(cause, "pw@"));
	cr_expect_str_eq(cause, "invalid database name 'a/b' in "
	    "postgres://u@h/d: names have no '/' or '..' (use -d PATH for a "
	    "file elsewhere)");
	free(cause);
	cause = NULL;
	cr_expect_eq(pg_loc_parse("postgres:///d#"
	    "a123456789a123456789a123456789a123456789a123456789a123456789abcd",
	    NULL, &l, &cause), PD_USAGE, "64 bytes");
	free(cause);
}
