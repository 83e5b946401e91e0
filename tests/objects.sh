#!/bin/sh
# objects.sh - projects and namespaces: implicit and explicit creation,
# describe, drop rules, discovery verbs and the admin prefix.
. "$top_srcdir/tests/tap.sh"

fresh
pd set app.config.host db1
pd set app.config.port 5432
pd set app.web.theme dark
run pd projects
is_run 0 "app" "" "a write creates its project implicitly"
run pd nss
is_run 0 "app.config
app.web" "" "nss prints one project.namespace a line, as upstream did"
run pd --tsv nss
is_out "app.config	std
app.web	std" "nss --tsv has the kind as a second column"
run pd --tsv --header nss
is_out "namespace	kind
app.config	std
app.web	std" "nss --tsv --header names the two columns"
run pd namespaces app
is_out "config
web" "namespaces PROJECT lists its namespaces"
run pd -p app namespaces
is_out "config
web" "namespaces takes -p"
run pd ns list
is_out "app.config
app.web" "ns list without a project lists every pair"
run pd namespaces nope
is_run 1 "" "prontodb: no project 'nope'" "namespaces of a missing project"

run pd project create tools --description "shared tools"
is_run 0 "" "" "project create with a description"
run pd project create tools
is_run 1 "" "prontodb: project 'tools' already exists" \
    "project create of an existing project"
run pd project create "a.b"
is_run 64 "" "prontodb: 'a.b': give a project name" \
    "a project name may not hold the delimiter"
run pd project create ""
is_run 64 "" "prontodb: project must not be empty" "an empty project name"
run pd project list
is_out "app
tools" "project list is sorted"
run pd project describe tools
sed 's/T[0-9:.]*Z$/TIME/; s/[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}TIME/DATE/' \
    "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "project      tools
description  shared tools
created      DATE
namespaces   0
keys         0" "project describe shows aligned facts"
run pd project describe nope
is_run 1 "" "prontodb: no project 'nope'" "describe of a missing project"

run pd ns create tools.scripts --description "bash"
is_run 0 "" "" "ns create"
run pd ns create newproj.space
is_run 0 "" "" "ns create creates a missing project too"
run pd projects
is_out "app
newproj
tools" "the implicitly created project is listed"
run pd ns create tools.scripts
is_run 1 "" "prontodb: namespace 'scripts' of project 'tools' already exists" \
    "ns create of an existing namespace"
run pd ns create tools
is_run 64 "" "prontodb: 'tools': give PROJECT.NAMESPACE" \
    "ns create needs PROJECT.NAMESPACE"
run pd ns describe app.config
sed 's/[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}T[0-9:.]*Z$/DATE/' "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "namespace    app.config
description  
kind         std
table        kv
ttl_ms       none
max_items    none
delimiter    .
created      DATE
keys         2" "ns describe shows kind, table, TTL, delimiter and keys"
run pd ns describe app.nope
is_run 1 "" "prontodb: no namespace 'app.nope'" "describe of a missing namespace"

# Dropping: empty objects go, full ones need force.
run pd ns drop tools.scripts
is_run 0 "" "" "an empty namespace drops without force"
run pd ns drop app.config
is_run 1 "" "prontodb: namespace 'app.config' is not empty (2 keys): drop it with force" \
    "a namespace with keys needs force"
run pd get app.config.host
is_out "db1" "a refused drop deletes nothing"
pd meta set app.config.host owner ops
run pd ns drop app.config --force
is_run 0 "" "" "ns drop with force"
run pd keys app.config.
is_out "" "force dropped the namespace's keys"
pd set app.config.host again
run pd meta get app.config.host owner
is_run 2 "" "prontodb: app.config.host: no metakey 'owner'" \
    "a dropped key's metakeys went with it"
run pd project drop app
is_run 1 "" "prontodb: project 'app' is not empty (2 namespaces, 2 keys): drop it with force" \
    "a project with namespaces needs force"
run pd project drop app --force
is_run 0 "" "" "project drop with force cascades"
run pd keys
is_out "" "no key of the dropped project is left"
run pd nss
is_out "newproj.space" "nor any of its namespaces"
run pd project drop nope
is_run 1 "" "prontodb: no project 'nope'" "drop of a missing project"

# Exactly one key is not empty either.
fresh
pd set solo.one.k 1
run pd ns drop solo.one
is_run 1 "" "prontodb: namespace 'solo.one' is not empty (1 key): drop it with force" \
    "a namespace holding one key needs force"
run pd get solo.one.k
is_run 0 "1" "" "and the refused drop keeps its key"

# The admin prefix names the same verbs; data verbs do not take it.
fresh
run pd admin project create ops
is_run 0 "" "" "admin project create"
run pd admin projects
is_out "ops" "admin projects"
run pd admin get a.b.c
is_run 64 "" "prontodb: 'get' is not an object or admin verb, which 'admin' may name (see prontodb help admin)" "admin does not prefix data verbs"
printf 'project create s1\nadmin ns create s1.n\nnss\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 0 "s1.n" "" "object verbs in a stream"

# Object administration needs the admin grant when security is on.
fresh
printf 'pw-root\n' >"$tmp/root.pw"
printf 'pw-bob\n' >"$tmp/bob.pw"
PRONTO_SECURITY=required pd user add root --password-file "$tmp/root.pw"
key=$(printf 'auth user=root pass=pw-root\nuser add bob pass=pw-bob\nuser grant bob app write\nuser grant bob ops admin\napikey create bob\nset app.n.k 1\n' |
    PRONTO_SECURITY=required pd)
run env PRONTO_SECURITY=required PRONTO_API_KEY="$key" "$PRONTODB" --home "$home" project create app2
is_run 77 "" "prontodb: permission denied: admin access to app2" \
    "creating a project needs admin on it"
run env PRONTO_SECURITY=required PRONTO_API_KEY="$key" "$PRONTODB" --home "$home" project drop app --force
is_run 77 "" "prontodb: permission denied: admin access to app" \
    "a write grant does not allow dropping the project"
run env PRONTO_SECURITY=required PRONTO_API_KEY="$key" "$PRONTODB" --home "$home" ns create ops.jobs
is_run 0 "" "" "an admin grant on a project allows its administration"
run env PRONTO_SECURITY=required PRONTO_API_KEY="$key" "$PRONTODB" --home "$home" nss
is_out "app.n
ops.jobs" "listings show what the user may read"
printf 'auth user=root pass=pw-root\nuser add nsonly pass=pw-ns\nuser grant nsonly ops.jobs read\napikey create nsonly\n' |
    PRONTO_SECURITY=required pd >"$tmp/k2"
key2=$(tail -n 1 "$tmp/k2")
run env PRONTO_SECURITY=required PRONTO_API_KEY="$key2" "$PRONTODB" --home "$home" projects
is_out "ops" "a project shows to a user with a grant on one of its namespaces"

# --- tables ---------------------------------------------------------------
fresh
pd set app.cfg.host db1
pd meta set app.cfg.host owner ops
pd set app.logs.l1 x
run pd table create hot
is_run 0 "" "" "table create"
run pd table create hot
is_run 1 "" "prontodb: table 'hot' already exists" "table create of an existing table"
run pd table create "bad-name"
is_run 64 "" "prontodb: invalid table name 'bad-name': use up to 64 letters, digits and '_'" \
    "table names are identifiers"
run pd table create kv
is_run 64 "" "prontodb: 'kv' is the default table" "kv cannot be created"
run pd table list
is_out "hot
kv" "table list"
run pd ns set app.cfg --table hot
is_run 0 "" "" "ns set moves a namespace to a table"
run pd get app.cfg.host
is_out "db1" "its keys moved with it"
run pd meta get app.cfg.host owner
is_out "ops" "and their metakeys stayed"
pd set app.cfg.port 5432
run pd table describe hot
sed 's/^bytes .*/bytes N/' "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "table        hot
columns      project namespace key value version created updated expires
rows         2
bytes N
namespaces   app.cfg" "table describe: columns, rows, size, namespaces"
run pd keys app.
is_out "app.cfg.host
app.cfg.port
app.logs.l1" "listings span tables in address order"
run pd ns create app.isol --table hot
is_run 0 "" "" "ns create with table="
run pd ns set app.nope --table hot
is_run 1 "" "prontodb: no namespace 'app.nope'" "ns set of a missing namespace"
run pd ns set app.logs --table cold
is_run 1 "" "prontodb: no table 'cold'" "ns set to a missing table"
printf 'begin\nns set app.logs table=hot\nset app.logs.l2 y\nrollback\nget app.logs.l2\n' >"$tmp/in"
run pd <"$tmp/in"
is_rc 2 "a rolled-back move..."
run pd table describe hot
sed -n 's/^namespaces *//p' "$tmp/out" >"$tmp/c"
run cat "$tmp/c"
is_out "app.cfg app.isol" "... leaves the namespace where it was"
run pd table drop hot
is_run 1 "" "prontodb: table 'hot' holds 2 namespaces: drop it with force (their keys go too)" \
    "a table holding namespaces needs force"
run pd table drop hot --force
is_run 0 "" "" "table drop with force"
run pd keys
is_out "app.logs.l1" "its namespaces and keys went with it"
run pd table drop kv
is_run 64 "" "prontodb: 'kv' is the default table" "kv cannot be dropped"

# A statement of several writes is all or nothing, even outside a block.
fresh
pd set p.a.k 1
run pd ns create p.x --table nope
is_run 1 "" "prontodb: no table 'nope'" "ns create with a missing table fails"
run pd nss
is_out "p.a" "... and leaves no namespace behind"
run pd set x.y.z v --if-version 3
is_rc 2 "a failed if-version ..."
run pd nss
is_out "p.a" "... creates no project or namespace either"
run pd admin project create ops --description "shared ops"
is_run 0 "" "" "admin takes the verb's options"
run pd project describe ops
grep -q '^description  shared ops$' "$tmp/out"
is $? 0 "the option reached the verb"

# --- databases ------------------------------------------------------------
# private_schema SCHEMA FILE: on a server, no FILE was made and PUBLIC may
# not use SCHEMA (psql asked, when there is one).
private_schema() {
	test ! -e "$2" || return 1
	command -v psql >/dev/null 2>&1 || return 0
	test "$(psql -X -Atq "$PRONTO_TEST_SERVER" -c "SELECT \
	    has_schema_privilege('public', '$1', 'USAGE')")" = f
}
fresh
pd set a.b.c 1
run pd db create other
is_run 0 "" "" "db create"
run pd db create other
is_run 1 "" "prontodb: database 'other' already exists" "db create of an existing one"
run pd db create ../evil
is_run 64 "" "prontodb: invalid database name '../evil': names have no '/' or '..' (use -d PATH for a file elsewhere)" \
    "database names cannot climb out of the data directory"
run pd db list
is_out "main
other" "db list"
if [ "$backend" = server ]; then
	# A schema of the server, with no file to give a mode: private as a
	# new schema is, granting nothing to PUBLIC.
	ok "on a server: a created database is a private schema, no file" \
	    private_schema "${PRONTO_SERVER#*#}other" \
	    "$home/.local/share/prontodb/other.db"
	where="schema       ${PRONTO_SERVER#*#}other"
else
	run stat -c %a "$home/.local/share/prontodb/other.db"
	is_out "600" "a created database is private"
	where="file F"
fi
pd -d other set x.y.z 1
run pd db describe other
sed 's/^bytes .*/bytes N/; s|^file .*|file F|' "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "database     other
$where
bytes N
projects     1
namespaces   1
keys         1" "db describe counts projects, namespaces and keys"
run pd db describe nope
is_run 1 "" "prontodb: no database 'nope'" "db describe of a missing database"
run pd db use other
is_run 0 "" "" "db use selects a database"
run pd get x.y.z
is_out "1" "the selection is remembered"
run pd db use nope
is_run 1 "" "prontodb: database 'nope' does not exist" "db use of a missing database"
run pd db rename other renamed
is_run 0 "" "" "db rename"
run pd get x.y.z
is_run 0 "1" "" "the cursor follows a renamed database"
run pd db list
is_out "main
renamed" "the old name is gone"
run pd db drop renamed
is_run 1 "" "prontodb: database 'renamed' is selected: drop it with force" \
    "dropping the selected database needs force"
run pd db drop main
is_run 1 "" "prontodb: database 'main' is not empty (1 key): drop it with force" \
    "dropping a database with keys needs force"
run pd db drop renamed --force
is_run 0 "" "" "db drop with force"
run pd get a.b.c
is_run 0 "1" "" "after dropping the selected database the default is back"
run pd db list
is_out "main" "the dropped database's files are gone"
if [ "$backend" = server ]; then
	ok "on a server: no data directory, so no -wal or -shm file either" \
	    test ! -e "$home/.local/share/prontodb"
else
	run ls "$home/.local/share/prontodb"
	is_out "main.db" "no -wal or -shm file is left behind"
fi

# Users live in each database: administering one grants nothing over another.
printf 'pw-m\n' >"$tmp/m.pw"
pd db create mine
pd -d mine user add mallory --password-file "$tmp/m.pw"
run pd -d mine --user mallory --password-file "$tmp/m.pw" db drop main --force
is_run 77 "" "prontodb: permission denied: database 'main' has no users, so the credentials of 'mallory' are not valid in it" \
    "an admin of one database cannot drop another"
run pd get a.b.c
is_out "1" "the other database is untouched"

done_testing
