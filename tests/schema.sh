#!/bin/sh
# schema.sh - whole-program tests of the tables a database makes when
# first needed: a new database has no tables of users, grants or API keys
# until the first user is added; before that, what reads or removes them
# finds none and writes nothing; a database that has them from an older
# prontodb works the same.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/schema.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY PRONTO_SECURITY

db() {
	echo "$home/.local/share/prontodb/main.db"
}

# tables: the names of db's tables and indexes, sorted, one a line.
tables() {
	sqlite3 "$(db)" "SELECT name FROM sqlite_schema ORDER BY name"
}

have_sqlite3=no
command -v sqlite3 >/dev/null 2>&1 && have_sqlite3=yes

# skip TEXT: a skipped test (sqlite3 is not installed).
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # skip sqlite3 is not installed: $1"
}

fresh
run pd set p.n.k v
is_run 0 "" "" "a set makes a new database"
if [ "$have_sqlite3" = yes ]; then
	run tables
	is_run 0 "kv
kv_expires
sys_meta
sys_namespaces
sys_projects
sys_revision
sys_settings
sys_tables" "" "a new database has no tables of users, grants or API keys"
else
	skip "a new database has no tables of users, grants or API keys"
fi

before=$(cksum <"$(db)")
run pd user list
is_run 0 "" "" "user list: no users"
run pd apikey list
is_run 0 "" "" "apikey list: no keys"
run pd user del bob
is_run 1 "" "prontodb: no user 'bob'" "user del of a user never made"
run pd user passwd bob </dev/null
is_run 1 "" "prontodb: no user 'bob'" "user passwd of a user never made"
run pd user grant bob p.n read
is_run 1 "" "prontodb: no user 'bob'" "user grant to a user never made"
run pd user revoke bob p.n
is_run 1 "" "prontodb: no user 'bob'" "user revoke of a user never made"
run pd apikey create bob
is_run 1 "" "prontodb: no user 'bob'" "apikey create for a user never made"
run pd apikey revoke pdb_0123456789abcdef
is_run 1 "" "prontodb: no API key 'pdb_0123456789abcdef'" \
    "apikey revoke of a key never made"
is "$(cksum <"$(db)")" "$before" "none of them wrote to the database"

run pd ns drop p.n --force
is_run 0 "" "" "ns drop without the table of grants"
run pd set q.n.k v
run pd project drop q --force
is_run 0 "" "" "project drop without the table of grants"
run pd keys
is_run 0 "" "" "their keys are gone"
if [ "$have_sqlite3" = yes ]; then
	run sqlite3 "$(db)" "SELECT count(*) FROM sqlite_schema WHERE name IN \
('sys_users', 'sys_grants', 'sys_apikeys')"
	is_run 0 "0" "" "still no tables of users, grants or API keys"
else
	skip "still no tables of users, grants or API keys"
fi

printf 'secret one\n' >"$tmp/pw1"
run pd user add root --password-file "$tmp/pw1"
is_run 0 "" "" "the first user is added"
run pd --user root --password-file "$tmp/pw1" user list
is_run 0 "root admin" "" "and listed"
if [ "$have_sqlite3" = yes ]; then
	run sqlite3 "$(db)" "SELECT name FROM sqlite_schema WHERE name IN \
('sys_users', 'sys_grants', 'sys_apikeys') ORDER BY name"
	is_run 0 "sys_apikeys
sys_grants
sys_users" "" "the first user made the three tables"
else
	skip "the first user made the three tables"
fi
run pd check
is_run 0 "ok" "" "check passes"

# A database as an older prontodb made it: the tables from the start.
fresh
run pd set p.n.k v
if [ "$have_sqlite3" = yes ]; then
	sqlite3 "$(db)" "CREATE TABLE sys_users (name TEXT PRIMARY KEY,
	    pass_hash TEXT NOT NULL, admin INTEGER NOT NULL DEFAULT 0,
	    created INTEGER NOT NULL) WITHOUT ROWID;
	CREATE TABLE sys_grants (user TEXT NOT NULL REFERENCES sys_users(name)
	    ON DELETE CASCADE, project TEXT NOT NULL, namespace TEXT NOT NULL,
	    level INTEGER NOT NULL, PRIMARY KEY (user, project, namespace))
	    WITHOUT ROWID;
	CREATE TABLE sys_apikeys (id TEXT PRIMARY KEY, user TEXT NOT NULL
	    REFERENCES sys_users(name) ON DELETE CASCADE, hash BLOB NOT NULL,
	    created INTEGER NOT NULL) WITHOUT ROWID;"
	run pd user list
	is_run 0 "" "" "an older database's empty tables: no users"
	run pd user add root --password-file "$tmp/pw1"
	is_run 0 "" "" "an older database: the first user is added"
	run pd --user root --password-file "$tmp/pw1" user list
	is_run 0 "root admin" "" "and listed"
else
	skip "an older database's empty tables: no users"
	skip "an older database: the first user is added"
	skip "and listed"
fi

# The version that says "tables made when first needed, big values apart":
# a new database is at 8; one at 7 (an older prontodb's) is brought to 8
# and keeps its keys; one past 8 is refused, not read.
fresh
run pd set p.n.k v
if [ "$have_sqlite3" = yes ]; then
	run sqlite3 "$(db)" "PRAGMA user_version"
	is_run 0 "8" "" "a new database is at schema version 8"
	sqlite3 "$(db)" "PRAGMA user_version = 7"
	run pd get p.n.k
	is_run 0 "v" "" "a version 7 database still reads"
	run sqlite3 "$(db)" "PRAGMA user_version"
	is_run 0 "8" "" "and is brought to version 8"
	sqlite3 "$(db)" "PRAGMA user_version = 9"
	run pd get p.n.k
	is_run 1 "" "prontodb: database schema version 9 is not supported by this prontodb" \
	    "a database past version 8 is refused"
else
	skip "a new database is at schema version 8"
	skip "a version 7 database still reads"
	skip "and is brought to version 8"
	skip "a database past version 8 is refused"
fi

done_testing
