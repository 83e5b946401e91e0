#!/bin/sh
# schema.sh - whole-program tests of the tables a database makes when
# first needed: a new database has no tables of users, grants or API keys
# until the first user is added, no sys_settings until the first secret
# (an API key's) and no sys_meta until the first metakey; before that,
# what reads or removes them finds none and writes nothing; a database
# that has them from an older prontodb works the same, and loses them at
# its upgrade only when they are empty.
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
sys_namespaces
sys_projects
sys_revision
sys_tables" "" "a new database has no tables of users, grants or API keys, metakeys or secrets"
elif [ "${have_psql:-}" = yes ]; then
	run pgq "$three"
	is_run 0 "sys_apikeys sys_grants sys_users" "" \
	    "on a server: a new database has the tables of users, grants and API keys"
else
	skip "a new database has no tables of users, grants or API keys, metakeys or secrets"
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

# Metakeys before sys_meta is made: none to read, remove, copy, expire or
# evict, and nothing written for them; the first metakey set makes it.
fresh
run pd set p.n.k v
run pd meta get p.n.k owner
is_run 2 "" "prontodb: p.n.k: no metakey 'owner'" \
    "meta get before any metakey: a miss"
run pd meta del p.n.k owner
is_run 2 "" "prontodb: p.n.k: no metakey 'owner'" \
    "meta del before any metakey: a miss"
run sh -c "'$PRONTODB' --home '$home' meta list p.n.k | grep -c '^owner='"
is_out "0" "meta list before any metakey: only the system ones"
run pd copy p.n.k p.n.k2
is_run 0 "" "" "copy of a key before any metakey"
run pd get p.n.k2
is_out "v" "the copy is there"
run pd del p.n.k2
is_run 0 "" "" "del of a key before any metakey"
pd cache create p.c --ttl 60 --max_items 1
pd set p.c.a 1
run pd set p.c.b 2
is_run 0 "" "" "a set past max_items before any metakey"
run pd keys p.c
is_out "p.c.b" "evicts the oldest key"
pd --now-ms 1 set p.c.old 1
run pd set p.c.new 2
is_run 0 "" "" "a set into a TTL namespace with an expired key, before any metakey"
run pd keys p.c
is_out "p.c.new" "purges the expired key"
if [ "$have_sqlite3" = yes ]; then
	run sqlite3 "$(db)" "SELECT count(*) FROM sqlite_schema WHERE name = 'sys_meta'"
	is_run 0 "0" "" "none of them made sys_meta"
elif [ "${have_psql:-}" = yes ]; then
	run pgq "SELECT count(*) FROM sys_meta"
	is_run 0 "0" "" "on a server: sys_meta is empty"
else
	skip "none of them made sys_meta"
fi
run pd meta set p.n.k owner bob
is_run 0 "" "" "the first metakey is set"
run pd meta get p.n.k owner
is_out "bob" "and read"
pd meta set p.c.new owner bob
run pd set p.c.newer 3
run pd meta get p.c.new owner
is_run 2 "" "prontodb: p.c.new: not found" "an evicted key's metakey goes with it"
if [ "$have_sqlite3" = yes ]; then
	run sqlite3 "$(db)" "SELECT project || '.' || namespace || '.' || key || ' ' ||
	    name || '=' || value FROM sys_meta"
	is_run 0 "p.n.k owner=bob" "" "the first metakey made sys_meta; the evicted key's is gone"
elif [ "${have_psql:-}" = yes ]; then
	run pgq "SELECT project || '.' || namespace || '.' || key || ' ' ||
	    name || '=' || convert_from(value, 'UTF8') FROM sys_meta"
	is_run 0 "p.n.k owner=bob" "" "on a server: the one metakey; the evicted key's is gone"
else
	skip "the first metakey made sys_meta; the evicted key's is gone"
fi

# A block that made a table and was rolled back took the table with it:
# the next write makes it again.
fresh
run pd set p.n.k v
printf 'begin\nmeta set p.n.k owner x\nrollback\nmeta set p.n.k owner y\nmeta get p.n.k owner\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 0 "y" "" "a metakey set after a rolled-back block that made sys_meta"
printf 'begin\nuser add bob pass=one\nrollback\nuser add bob pass=two\nuser list\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 0 "bob admin" "" "a user added after a rolled-back block that made the tables of users"

# first_user NONE ADDED: with the tables of users there and empty, no
# user is listed, the first is added and listed.
first_user() {
	run pd user list
	is_run 0 "" "" "$1"
	run pd user add root --password-file "$tmp/pw1"
	is_run 0 "" "" "$2"
	run pd --user root --password-file "$tmp/pw1" user list
	is_run 0 "root admin" "" "and listed"
}

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
	first_user "an older database's empty tables: no users" \
	    "an older database: the first user is added"
elif [ "$backend" = server ]; then
	# A database on a server has these tables from the start.
	first_user "on a server: the tables from the start: no users" \
	    "on a server: the tables from the start: the first user is added"
else
	skip "an older database's empty tables: no users"
	skip "an older database: the first user is added"
	skip "and listed"
fi

# The version that says "sys_settings and sys_meta made by their first
# row": a new database is at 9; one at 8 (an older prontodb's) is brought
# to 9, keeps its keys and loses those two only when they are empty; one
# past 9 is refused, not read.
fresh
run pd set p.n.k v
if [ "$have_sqlite3" = yes ]; then
	run sqlite3 "$(db)" "PRAGMA user_version"
	is_run 0 "9" "" "a new database is at schema version 9"
	sqlite3 "$(db)" "CREATE TABLE sys_settings (name TEXT PRIMARY KEY,
	    value BLOB NOT NULL) WITHOUT ROWID;
	CREATE TABLE sys_meta (project TEXT NOT NULL, namespace TEXT NOT NULL,
	    key TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL,
	    PRIMARY KEY (project, namespace, key, name)) WITHOUT ROWID;
	PRAGMA user_version = 8"
	run pd get p.n.k
	is_run 0 "v" "" "a version 8 database still reads"
	run sqlite3 "$(db)" "PRAGMA user_version;
	    SELECT count(*) FROM sqlite_schema WHERE name IN ('sys_settings', 'sys_meta')"
	is_run 0 "9
0" "" "and is brought to version 9 without its empty sys_settings and sys_meta"
	sqlite3 "$(db)" "CREATE TABLE sys_settings (name TEXT PRIMARY KEY,
	    value BLOB NOT NULL) WITHOUT ROWID;
	CREATE TABLE sys_meta (project TEXT NOT NULL, namespace TEXT NOT NULL,
	    key TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL,
	    PRIMARY KEY (project, namespace, key, name)) WITHOUT ROWID;
	INSERT INTO sys_settings VALUES ('x', x'01');
	INSERT INTO sys_meta VALUES ('p', 'n', 'k', 'owner', 'bob');
	PRAGMA user_version = 8"
	run pd meta get p.n.k owner
	is_run 0 "bob" "" "a version 8 database's metakey still reads"
	run sqlite3 "$(db)" "PRAGMA user_version; SELECT name FROM sqlite_schema
	    WHERE name IN ('sys_settings', 'sys_meta') ORDER BY name"
	is_run 0 "9
sys_meta
sys_settings" "" "and at version 9 it keeps sys_settings and sys_meta, which have rows"
	sqlite3 "$(db)" "PRAGMA user_version = 10"
	run pd get p.n.k
	is_run 1 "" "prontodb: database schema version 10 is not supported by this prontodb" \
	    "a database past version 9 is refused"
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
	skip "a new database is at schema version 9"
	skip "a version 8 database still reads"
	skip "and is brought to version 9 without its empty sys_settings and sys_meta"
	skip "a version 8 database's metakey still reads"
	skip "and at version 9 it keeps sys_settings and sys_meta, which have rows"
	skip "a database past version 9 is refused"
fi

done_testing
