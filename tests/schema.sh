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
tool=sqlite3

# On a server (the setting server) a database is a schema, not a file: the
# tables are looked at with psql, in the schema of main (the prefix of
# PRONTO_SERVER, then main).  There every table is made with the schema.
if [ "$backend" = server ]; then
	have_sqlite3=no
	tool=psql
	command -v psql >/dev/null 2>&1 && have_psql=yes
fi

# pgq SQL: run SQL with psql in main's schema, unaligned, tuples only.
pgq() {
	psql "$PRONTO_TEST_SERVER" -XAtq -v ON_ERROR_STOP=1 \
	    -c "SET search_path TO \"${PRONTO_SERVER#*#}main\"" -c "$1"
}

# skip TEXT: a skipped test (sqlite3, or psql on a server, is not
# installed).
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # skip $tool is not installed: $1"
}

# state: what a write would change, the file or the server's rows.
state() {
	if [ "$backend" = server ]; then
		pgq "SELECT (SELECT count(*) FROM sys_users),
		    (SELECT count(*) FROM sys_grants),
		    (SELECT count(*) FROM sys_apikeys),
		    (SELECT count(*) FROM sys_changes),
		    (SELECT row(r.*)::text FROM sys_revision r)"
	else
		cksum <"$(db)"
	fi
}
# The three tables, as psql names them in main's schema.
three="SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM
    information_schema.tables WHERE table_schema = current_schema() AND
    table_name IN ('sys_users', 'sys_grants', 'sys_apikeys')"

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
elif [ "${have_psql:-}" = yes ]; then
	run pgq "$three"
	is_run 0 "sys_apikeys sys_grants sys_users" "" \
	    "on a server: a new database has the tables of users, grants and API keys"
else
	skip "a new database has no tables of users, grants or API keys"
fi

before=$(state)
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
is "$(state)" "$before" "none of them wrote to the database"

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
elif [ "${have_psql:-}" = yes ]; then
	run pgq "SELECT (SELECT count(*) FROM sys_users) +
	    (SELECT count(*) FROM sys_grants) + (SELECT count(*) FROM sys_apikeys)"
	is_run 0 "0" "" "on a server: the tables of users, grants and API keys are empty"
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
elif [ "${have_psql:-}" = yes ]; then
	run pgq "SELECT name FROM sys_users"
	is_run 0 "root" "" "on a server: the first user is the one row of sys_users"
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
elif [ "$backend" = server ]; then
	# A database on a server has these tables from the start.
	run pd user list
	is_run 0 "" "" "on a server: the tables from the start: no users"
	run pd user add root --password-file "$tmp/pw1"
	is_run 0 "" "" "on a server: the tables from the start: the first user is added"
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
elif [ "${have_psql:-}" = yes ]; then
	# The server's schema has versions of its own, in sys_version.
	run pgq "SELECT count(*), bool_and(v > 0) FROM sys_version"
	is_run 0 "1|t" "" "on a server: a new database has one schema version"
	v=$(pgq "SELECT v FROM sys_version")
	run pd get p.n.k
	is_run 0 "v" "" "a database at this schema version reads"
	run pgq "SELECT v FROM sys_version"
	is_run 0 "$v" "" "on a server: and stays at its version"
	pgq "UPDATE sys_version SET v = v + 1"
	# A one-shot read there is one statement, which does not look at the
	# version; a transaction does.
	run pd set p.n.k w
	is_run 1 "" "prontodb: database schema version $((v + 1)) is not supported by this prontodb" \
	    "on a server: a write to a database past its version is refused"
else
	skip "a new database is at schema version 8"
	skip "a version 7 database still reads"
	skip "and is brought to version 8"
	skip "a database past version 8 is refused"
fi

done_testing
