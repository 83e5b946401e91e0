#!/bin/sh
# pg.sh - whole-program tests of what is particular to a database on a
# PostgreSQL server: locators, passwords kept out of messages, a server
# down, a client killed inside a block, a connection lost between
# statements, the lock timeout, and many clients at once.
#
# They need a server: PRONTO_TEST_SERVER, a postgresql:// URL whose user
# may create schemas (.ci/pg-cluster start DIR prints one), and psql.
# Without them the whole script is skipped, saying why.
. "${top_srcdir:-.}/tests/tap.sh"

if [ -z "${PRONTO_TEST_SERVER:-}" ]; then
	echo "1..0 # SKIP no server: set PRONTO_TEST_SERVER to a" \
	    "postgresql:// URL (.ci/pg-cluster start DIR prints one)"
	exit 0
fi
if ! command -v psql >/dev/null 2>&1; then
	echo "1..0 # SKIP psql is not installed"
	exit 0
fi

# Every database here is named t<pid>_..., and the sessions of this
# script carry their own application name, so that the tests running
# beside it on the same server are never touched.
app=pdtest$$
case $PRONTO_TEST_SERVER in
*\?*)	server="$PRONTO_TEST_SERVER&application_name=$app" ;;
*)	server="$PRONTO_TEST_SERVER?application_name=$app" ;;
esac
pfx=t$$_
sql() {
	psql -X -q -At -v ON_ERROR_STOP=1 "$PRONTO_TEST_SERVER" -c "$1"
}
cleanup() {
	sql "DO \$\$DECLARE s name; BEGIN FOR s IN SELECT nspname FROM
	    pg_namespace WHERE nspname LIKE '${pfx}%' LOOP EXECUTE
	    format('DROP SCHEMA %I CASCADE', s); END LOOP; END\$\$" \
	    >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# The schemas the server holds under this script's prefix.
schemas() {
	sql "SELECT nspname FROM pg_namespace WHERE nspname LIKE '${pfx}%'
	    ORDER BY 1"
}

# Wait for the processes $pids; how many failed into $fails.
wait_all() {
	fails=0
	for p in $pids; do
		wait "$p" || fails=$((fails + 1))
	done
}

# --- locators ---------------------------------------------------------------

fresh
db="$server#${pfx}one"
run pd -d "$db" set app.config.host db1
is_run 0 "" "" "-d URL#NAME writes into the database NAME on the server"
run pd -d "$db" get app.config.host
is_run 0 "db1" "" "and reads it back from there"
is "$(schemas | grep one)" "${pfx}one" "the database is a schema of that name"
run pd get app.config.host
is_run 2 "" "prontodb: app.config.host: not found" \
    "the data directory's main database is another one"
run env PRONTO_DB="$db" "$PRONTODB" --home "$home" get app.config.host
is_run 0 "db1" "" "PRONTO_DB takes a URL too"
run pd -d "$server#${pfx}two" get app.config.host
is_run 2 "" "prontodb: app.config.host: not found" \
    "another fragment is another database"
run pd --select "$db" get app.config.host
is_run 0 "db1" "" "--select takes a URL"
run pd get app.config.host
is_run 0 "db1" "" "and the cursor keeps it"
run pd --select 'postgresql://ann:hunter2@127.0.0.1:1/app#x' get p.n.k
is_run 64 "" "prontodb: database 'postgresql://ann@127.0.0.1:1/app#x' does not exist" \
    "--select of a server down names it without the password"
ok "no cursor keeps a password" sh -c "! grep -rq hunter2 '$home'"
run pd --select main get app.config.host
run pd -d "$server#a/b" get app.config.host
is_rc 64 "a database name that is not one is a usage error"

# --- databases on a server --------------------------------------------------

fresh
db="$server#${pfx}life"
run pd db create "$db"
is_run 0 "" "" "db create URL#NAME makes the schema"
run pd db create "$db"
is_rc 1 "and only once"
is "$(sed -n "s/.*' \(already exists\)$/\1/p" "$tmp/err")" "already exists" \
    "saying it exists"
run pd -d "$db" set p.n.k v
run pd db describe "$db"
is_run 0 "database     $server#${pfx}life
schema       ${pfx}life
bytes        $(sed -n 's/^bytes *//p' "$tmp/out")
projects     1
namespaces   1
keys         1" "" "db describe tells the schema and the counts"
run pd db rename "$db" "$server#${pfx}life2"
is_run 0 "" "" "db rename renames the schema"
run pd -d "$server#${pfx}life2" get p.n.k
is_run 0 "v" "" "with what it holds"
run pd db drop "$server#${pfx}life2" --force
is_run 0 "" "" "db drop --force drops it"
is "$(schemas | grep life)" "" "no schema is left"
run pd db describe 'postgresql://ann:hunter2@127.0.0.1:1/x#y'
is_run 1 "" "prontodb: no database 'postgresql://ann@127.0.0.1:1/x#y'" \
    "a db verb names a URL without its password"

# --- passwords and a server down ---------------------------------------------

fresh
run pd -d 'postgresql://ann:hunter2@127.0.0.1:1/app?password=hunter3#x' \
    get p.n.k
is_run 74 "" \
    "prontodb: cannot connect to the server at 127.0.0.1 port 1: Connection refused" \
    "a server down: 74, one line naming host and port, no password"
run pd -d "postgresql:///app?host=$tmp/nowhere#x" get p.n.k
is_run 74 "" \
    "prontodb: cannot connect to the server at $tmp/nowhere port 5432: No such file or directory" \
    "a socket directory without a server: the same"

# --- a block is all or nothing -------------------------------------------------

fresh
db="$server#${pfx}block"
run pd -d "$db" set p.n.before 1
# A stream that opens a block, writes, and waits for its end, killed.
{
	echo "begin"
	echo "set p.n.half 1"
	sleep 30
} | "$PRONTODB" --home "$home" -d "$db" >/dev/null 2>&1 &
killed=$!
sleep 1
kill -KILL $killed
sleep 0.5
run pd -d "$db" get p.n.half
is_run 2 "" "prontodb: p.n.half: not found" \
    "a client killed inside a block leaves nothing of it"
run pd -d "$db" set p.n.after 2
is_run 0 "" "" "and holds no lock: the next writer writes"

# --- the lock timeout ------------------------------------------------------------

{
	echo "begin"
	echo "set p.n.held 1"
	sleep 3
	echo "commit"
} | "$PRONTODB" --home "$home" -d "$db" >"$tmp/held.out" 2>&1 &
held=$!
sleep 1
run env PRONTO_BUSY_TIMEOUT_MS=200 "$PRONTODB" --home "$home" -d "$db" \
    set p.n.other 1
is_run 75 "" "prontodb: database is locked (busy_timeout expired)" \
    "a block held elsewhere past busy_timeout_ms: 75"
wait $held
run pd -d "$db" get p.n.held
is_run 0 "1" "" "the block that held the lock committed"

# --- a connection lost between statements ------------------------------------------

# The stream's session is ended by the server between two statements,
# as a restart does: the next statement runs on a new connection.
{
	echo "set p.n.one 1"
	sleep 1
	sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE
	    application_name = '$app' AND pid <> pg_backend_pid()" >/dev/null
	sleep 0.5
	echo "get p.n.one"
	echo "set p.n.two 2"
} | "$PRONTODB" --home "$home" -d "$db" >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 0 "1" "" "outside a block the stream goes on on a new connection"
run pd -d "$db" get p.n.two
is_run 0 "2" "" "and its later writes are there"

# --- metakeys -----------------------------------------------------------------

fresh
db="$server#${pfx}meta"
run pd -d "$db" set p.n.k v
run pd -d "$db" meta set p.n.k owner ann
is_run 0 "" "" "meta set on a server"
run pd -d "$db" meta get p.n.k owner
is_run 0 "ann" "" "meta get reads it back"
run pd -d "$db" meta set p.n.none owner ann
is_run 2 "" "prontodb: p.n.none: not found" "a missing key carries none"
pd -d "$db" create-cache p.tmp 1
pd -d "$db" set p.tmp.a 1
pd -d "$db" meta set p.tmp.a owner ann
sleep 1.2
run pd -d "$db" cache sweep p.tmp
is_run 0 "1" "" "a sweep purges the expired keys of a TTL namespace"
run pd -d "$db" --meta org1 get p.n.k
is_run 2 "" "prontodb: p.n.k: not found" \
    "a meta context does not see the plain view's keys"

# --- export from SQLite, import on a server, export again ---------------------

fresh
pd <"$top_srcdir/examples/team.pds" >/dev/null 2>&1
pd set a.b.c 1
pd meta set a.b.c owner ann
pd export | grep -v '^# prontodb export' >"$tmp/sqlite.pds"
run pd -d "$server#${pfx}copy" <"$tmp/sqlite.pds"
is_run 0 "" "" "an export of a database file imports on a server"
pd -d "$server#${pfx}copy" export | grep -v '^# prontodb export' \
    >"$tmp/server.pds"
is "$(cmp -s "$tmp/sqlite.pds" "$tmp/server.pds" && echo same)" same \
    "and exports the same again: projects, namespaces, users, grants, keys and metakeys"

# --- watch, through LISTEN/NOTIFY ------------------------------------------------

fresh
db="$server#${pfx}watch"
pd -d "$db" set app.x.a 1
"$PRONTODB" --home "$home" -d "$db" watch app. --timeout 5 \
    >"$tmp/watch.out" 2>"$tmp/watch.err" &
watcher=$!
sleep 1
pd -d "$db" set app.x.b 2
pd -d "$db" del app.x.a
# The watcher prints each change as the server notifies it, well before
# its timeout: what it printed half a second later is all of it.
sleep 0.5
is "$(cat "$tmp/watch.out")" "2 set app.x.b 2
3 del app.x.a" "a watcher is woken by writers in other processes"
wait $watcher
is "$? $(cat "$tmp/watch.err")" "0 " "and ends at its timeout, quietly"

# --- the examples, against the server ------------------------------------------

# The examples the server backend serves give their golden output there
# too; the others stop at the first operation it does not serve yet, and
# say which (prontodb(1), BACKENDS).
for name in quickstart blocks contexts upstream upstream-forms team changes; do
	pds="$top_srcdir/examples/$name.pds"
	want_rc=$(sed -n 's/^# exit: \([0-9]*\)$/\1/p' "$pds")
	fresh
	"$PRONTODB" --home "$home" -d "$server#${pfx}ex_$name" <"$pds" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ -f "$top_srcdir/examples/$name.err" ]; then
		cp "$top_srcdir/examples/$name.err" "$tmp/want.err"
	else
		: >"$tmp/want.err"
	fi
	is "$rc $(cmp -s "$tmp/out" "$top_srcdir/examples/$name.out" &&
	    cmp -s "$tmp/err" "$tmp/want.err" && echo same)" \
	    "${want_rc:-0} same" "examples/$name.pds: as on SQLite"
done

# --- locks, as on SQLite -------------------------------------------------------

# lock_transcript DB: what a user sees of a lock's life in DB (its
# token shown as TOKEN), one line per command: status, stdout, stderr.
lock_transcript() {
	lt_tok=$(pd -d "$1" lock app.locks.deploy)
	echo "lock $? $(echo "$lt_tok" | sed 's/^[0-9a-f]\{32\}$/TOKEN/')"
	for lt_cmd in "lock app.locks.deploy" \
	    "lock app.locks.deploy --wait 0.3" \
	    "unlock app.locks.deploy 0123456789abcdef0123456789abcdef" \
	    "lock app.locks.deploy --refresh 0123456789abcdef0123456789abcdef" \
	    "lock app.locks.deploy --refresh $lt_tok --ttl 2h" \
	    "get app.locks.deploy" "unlock app.locks.deploy $lt_tok" \
	    "unlock app.locks.deploy $lt_tok" "get app.locks.deploy"; do
		# shellcheck disable=SC2086
		pd -d "$1" $lt_cmd >"$tmp/lt.out" 2>"$tmp/lt.err"
		echo "$? $(sed "s/$lt_tok/TOKEN/" "$tmp/lt.out" "$tmp/lt.err" |
		    tr '\n' '|')"
	done
}
fresh
lock_transcript "$home/locks.db" >"$tmp/lock.sqlite"
lock_transcript "$server#${pfx}lock" >"$tmp/lock.server"
is "$(cat "$tmp/lock.server")" "$(cat "$tmp/lock.sqlite")" \
    "lock, unlock and refresh: the same output as on SQLite"
is "$(sed -n 1p "$tmp/lock.server")" "lock 0 TOKEN" "... a token taken"

# same_on DB: the commands of the standard input, one a line (first a
# PRONTO_VAR=VALUE for its environment, if it has one), run on DB, the Nth
# at --now-ms T + N seconds: a line each, its status, stdout and stderr.
same_on() {
	so_n=0
	while IFS= read -r so_cmd; do
		so_n=$((so_n + 1))
		case $so_cmd in
		PRONTO_*)	so_env=${so_cmd%% *}; so_cmd=${so_cmd#* } ;;
		*)		so_env=PRONTO_NONE= ;;
		esac
		# shellcheck disable=SC2086
		env "$so_env" "$PRONTODB" --home "$home" -d "$1" \
		    --now-ms $((T + so_n * 1000)) $so_cmd >"$tmp/so.out" \
		    2>"$tmp/so.err"
		# A table's bytes are the server's own measure (BACKENDS).
		echo "$? $(cat "$tmp/so.out" "$tmp/so.err" | tr '\n' '|' |
		    sed 's/|bytes  *[0-9]*|/|bytes        N|/')"
	done
}
# as_on_sqlite NAME TEST: the commands of $tmp/NAME.cmds give the same
# lines on a new SQLite database and on a new database of the server
# (kept in $tmp/NAME.server); a difference goes to stderr.
as_on_sqlite() {
	fresh
	same_on "$home/$1.db" <"$tmp/$1.cmds" >"$tmp/$1.sqlite"
	same_on "$server#${pfx}$1" <"$tmp/$1.cmds" >"$tmp/$1.server"
	diff "$tmp/$1.sqlite" "$tmp/$1.server" >&2
	is "$(cmp -s "$tmp/$1.sqlite" "$tmp/$1.server" && echo same)" same \
	    "$2"
}

# --- max_items, as on SQLite --------------------------------------------------

T=1700000000000
cat >"$tmp/cap.cmds" <<'EOF'
watch m. --timeout 0
cache create m.c --ttl 100 --max_items 3
set m.c.k1 1
set m.c.k2 2
set m.c.k3 3
set m.c.k4 4
set m.c.k5 5
keys m.c.
set m.c.k3 again
set m.c.k6 6
keys m.c.
cache create m.d --ttl 1000
set m.d.k1 1
set m.d.k3 3
meta set m.d.k1 owner ann
set m.d.k2 2 --ttl 2500ms
set m.d.k4 4
keys m.d.
cache set m.d max_items=3
keys m.d.
set m.d.k5 5
keys m.d.
set m.d.k6 6 --if-absent
set m.d.k6 7 --if-version 1
copy m.c.k6 m.d.kc
move m.c.k5 m.d.km
keys m.d.
cache list
ns describe m.d
get m.d.kc --include-expired
cache set m.c max_items=1
keys m.c.
watch m. --since 1 --timeout 0
EOF
as_on_sqlite cap \
    "max_items: the same keys evicted, the same change log, as on SQLite"
is "$(tail -n 1 "$tmp/cap.server" | tr '|' '\n' | grep -c ' evict m') $(tail \
    -n 1 "$tmp/cap.server" | tr '|' '\n' | grep -c 'expire m.d.k2')" "8 1" \
    "... evictions logged, an expired key purged before the eviction"

# --- key tables, as on SQLite ------------------------------------------------

cat >"$tmp/tables.cmds" <<'EOF'
set app.cfg.a 1
set app.cfg.b 2
set app.logs.l1 x
table create hot
table create hot
table create kv
table list
ns set app.cfg --table hot
table describe hot
table describe kv
keys
ns create app.isol --table hot
ns set app.nope --table hot
ns set app.logs --table cold
ns describe app.cfg
ns list
set app.isol.i 1
move app.cfg.b app.logs.b
copy app.logs.l1 app.isol.l1
table describe hot
table describe kv
table drop hot
table drop nope
table drop hot --force
table list
keys
get app.cfg.a
ns create p.x --table nope
table describe nope
table create cold
ns create p.y --table cold
set p.y.k 1
table describe cold
ns drop p.y --force
table describe cold
table drop cold
table list
EOF
as_on_sqlite tables \
    "key tables: create, list, describe, ns set, drop, as on SQLite"

# --- meta contexts, as on SQLite ---------------------------------------------

cat >"$tmp/ctx.cmds" <<'EOF'
watch --timeout 0
set app.cfg.x plain
--meta acme set app.cfg.x acme
--meta acme set app.cfg.y acme2
--meta other set app.cfg.x other
--meta other set web.cfg.z other
get app.cfg.x
--meta acme get app.cfg.x
--meta other get app.cfg.y
keys
--meta acme keys
--meta other keys
--meta acme scan app.
--meta acme projects
--meta other nss
projects
nss
--meta acme cache create app.sess ttl=60
--meta acme set app.sess.tok abc
--meta acme meta set app.cfg.x owner ops
--meta acme scan --meta app.cfg.
--meta acme cache list
cache list
--meta acme cache create app.short ttl=1
--meta acme set app.short.k v
set app.short.k v --ttl 1s
--meta acme table list
table create hot
--meta acme table create cold
--meta acme table describe kv
--meta acme ns set app.cfg --table hot
--meta acme table list
table list
table describe hot
--meta acme ns list
--meta acme watch --since 0 --timeout 0
--meta other watch --since 0 --timeout 0
watch --since 0 --timeout 0
--meta acme export
--meta acme del --prefix app.
--meta acme keys
keys
--meta other project drop web --force
--meta other projects
projects
EOF
as_on_sqlite ctx \
    "meta contexts: each context's keys, objects, tables and changes, as on SQLite"
is "$(sed -n 10,12p "$tmp/ctx.server")" "0 app.cfg.x|
0 app.cfg.x|app.cfg.y|
0 app.cfg.x|web.cfg.z|" "... the plain view and each context see their own keys"

# --- the change log's retention, as on SQLite ------------------------------------

cat >"$tmp/keep.cmds" <<'EOF'
set app.z.before 1
watch --since 0 --timeout 0
PRONTO_CHANGES_KEEP=3 set app.z.k1 1
PRONTO_CHANGES_KEEP=3 set app.z.k2 2
PRONTO_CHANGES_KEEP=3 set app.z.k3 3
PRONTO_CHANGES_KEEP=3 set app.z.k4 4
PRONTO_CHANGES_KEEP=3 set app.z.k5 5
PRONTO_CHANGES_KEEP=3 set app.z.k6 6
watch --since 2 --timeout 0
watch --since 4 --timeout 0
PRONTO_CHANGES_MAX_AGE=500ms set app.z.k7 7
watch --since 7 --timeout 0
watch --since 6 --timeout 0
EOF
as_on_sqlite keep \
    "changes_keep and changes_max_age trim the log at commit, as on SQLite"
is "$(sed -n 9p "$tmp/keep.server")" \
    "1 prontodb: revision 2 is compacted: the oldest revision kept is 5|" \
    "... changes_keep=3 keeps the last 3 revisions (and a few more)"

# --- dropping namespaces and projects: their keys' changes, as on SQLite -------

cat >"$tmp/clear.cmds" <<'EOF'
watch --timeout 0
set p.a.k2 1
set p.a.k1 1
set p.b.k 1
meta set p.a.k1 owner ann
set q.a.k 1
ns drop p.a --force
ns drop p.a
set p.c.z 1
project drop p --force
projects
watch --since 1 --timeout 0
EOF
as_on_sqlite clear \
    "ns drop and project drop log a del for each key, as on SQLite"
is "$(tail -n 1 "$tmp/clear.server" | tr '|' '\n' | grep -c ' del p\.')" 4 \
    "... four keys, four del"

# --- a writer of expiring keys purges as it commits, as on SQLite ---------------

cat >"$tmp/purge.cmds" <<'EOF'
watch --timeout 0
cache create c.n --ttl 1
set c.n.a 1
set c.n.b 2
set p.std.k v
get c.n.a
--now-ms 0 keys c.n.
set p.std.j v
--now-ms 0 keys c.n.
set c.n.c 3
--now-ms 0 keys c.n.
set c.n.d 4
expire p.std.k 1
set p.std.i v
set p.std.h v
--now-ms 0 keys
watch --since 1 --timeout 0
EOF
as_on_sqlite purge \
    "a writer of expiring keys purges expired ones at commit, as on SQLite"
is "$(sed -n 11p "$tmp/purge.server")" "0 c.n.c|" \
    "... the rows are gone"

# tap_names: the verdict and name of each test of a TAP output.
tap_names() {
	sed -n 's/^\(not \)*ok [0-9]* - \([^(]*\).*/\1ok \2/p' "$1"
}
# on_server NAME N [NAME...]: tests/NAME.sh run with PRONTO_DB naming a
# database of the server, a new one with each new home (tap.sh's fresh):
# N of its tests pass there, the same as on SQLite but the tests named
# after N, which fail for what the server does not serve (BACKENDS).
on_server() {
	os_name=$1
	os_pass=$2
	shift 2
	os_db=$(printf '%s' "$server#${pfx}${os_name}_" |
	    sed 's/[&|\\]/\\&/g')
	sed "s|^\. .*/tests/tap\.sh\"\$|&\\
fresh() { homes=\$((homes + 1)); home=\$tmp/h\$homes; mkdir \"\$home\";\\
PRONTO_DB='$os_db'\$homes; export PRONTO_DB; }|" \
	    "$top_srcdir/tests/$os_name.sh" >"$tmp/$os_name-server.sh"
	sh "$tmp/$os_name-server.sh" >"$tmp/$os_name-server.out" 2>&1
	sh "$top_srcdir/tests/$os_name.sh" >"$tmp/$os_name-sqlite.out" 2>&1
	tap_names "$tmp/$os_name-server.out" >"$tmp/$os_name-server.ok"
	# SQLite's verdicts, those of the tests named turned to failures.
	tap_names "$tmp/$os_name-sqlite.out" | awk -v n="$#" '
	    BEGIN { for (i = 1; i <= n; i++) skip["ok " ARGV[i]] = 1;
		ARGC = 1 }
	    { print (skip[$0] ? "not " : "") $0 }' "$@" \
	    >"$tmp/$os_name-sqlite.ok"
	is "$(grep -c '^PRONTO_DB=' "$tmp/$os_name-server.sh") $(grep -c \
	    '^ok' "$tmp/$os_name-server.ok") $(grep -c '^not' \
	    "$tmp/$os_name-server.ok")" "1 $os_pass $#" \
	    "tests/$os_name.sh against the server: $os_pass pass, $# not served"
	is "$(cmp -s "$tmp/$os_name-server.ok" "$tmp/$os_name-sqlite.ok" &&
	    echo same)" same "... the same verdicts as on SQLite"
	is "$(schemas | grep -c "^${pfx}${os_name}_")" \
	    "$(grep -c '^fresh$' "$top_srcdir/tests/$os_name.sh")" \
	    "... on the server: a database of it for each new home"
}

# tests/lock.sh: waiters first come first served, a dead waiter skipped,
# 8 processes contending.
on_server lock 30

# tests/keyops.sh: del --prefix and --match (with metakeys, in a stream,
# in a block, denied), and the other everyday key operations.
on_server keyops 88

# --- many clients at once -------------------------------------------------------------

# Each incr is a block of its own, so that the clients' transactions
# interleave (a stream's ungrouped writes would hold the lock throughout).
db="$server#${pfx}many"
PRONTO_BUSY_TIMEOUT_MS=120000
export PRONTO_BUSY_TIMEOUT_MS
i=0
while [ $i -lt 2000 ]; do
	printf 'begin\nincr p.n.counter\ncommit\n'
	i=$((i + 1))
done >"$tmp/incr.pds"
pids=
for c in 1 2 3 4 5 6 7 8; do
	"$PRONTODB" --home "$home" -d "$db" -q <"$tmp/incr.pds" \
	    >/dev/null 2>"$tmp/incr$c.err" &
	pids="$pids $!"
done
wait_all
is "$fails" 0 "8 clients of 2,000 incr each all succeed"
run pd -d "$db" get p.n.counter
is_run 0 "16000" "" "and lose no increment"

pids=
for c in $(seq 1 32); do
	seq 1 100 | sed "s/.*/set p.c$c.k& &/" |
	    "$PRONTODB" --home "$home" -d "$db" -q >/dev/null 2>&1 &
	pids="$pids $!"
done
wait_all
is "$fails" 0 "32 concurrent streams all succeed"
is "$(sql "SELECT count(*) FROM \"${pfx}many\".kv WHERE namespace LIKE 'c%'")" \
    3200 "and lose no row"

# --- backup and restore on a server ---------------------------------------------

# A backup of a database on a server is a file of its own (every table of
# its schema as COPY's binary stream), taken in one snapshot; restore
# loads it beside the database and swaps it in, under the database's
# lock, in one transaction (prontodb(1), BACKENDS).
fresh
db="$server#${pfx}bk"
pd -d "$db" <"$top_srcdir/examples/team.pds" >/dev/null 2>&1
pd -d "$db" export | grep -v '^# prontodb export' >"$tmp/before.pds"
run pd -d "$db" backup
bak=$(cat "$tmp/out")
case "$bak" in
"$home"/.local/share/prontodb/backups/${pfx}bk-2*T*.pgbackup) r=0 ;;
*) r=1 ;;
esac
is "$rc $r" "0 0" "backup on a server: backups/DB-YYYYmmddTHHMMSS.pgbackup"
run stat -c %a "$bak"
is_out "600" "a backup is private"
run pd -d "$db" backup "$bak"
is_run 1 "" "prontodb: $bak already exists" "backup never overwrites a file"
pd -d "$db" set web.flags.extra 1
pd -d "$db" del web.config.host
run env PRONTO_PASS=demo-only-bob "$PRONTODB" --home "$home" -d "$db" \
    --user bob restore "$bak"
is_run 77 "" "prontodb: permission denied: admin access needs an admin" \
    "restore is refused to a user who is no admin, as on SQLite"
run env PRONTO_PASS=demo-only-ops "$PRONTODB" --home "$home" -d "$db" \
    --user ops restore "$bak"
safety=$(cat "$tmp/out")
is "$rc $(basename "$safety" | sed 's/-2[0-9T]*-/-TIME-/')" \
    "0 ${pfx}bk-TIME-before-restore.pgbackup" "an admin restores, the replaced database kept"
pd -d "$db" export | grep -v '^# prontodb export' >"$tmp/after.pds"
is "$(cmp -s "$tmp/before.pds" "$tmp/after.pds" && echo same)" same \
    "the restored database exports as the one backed up: users, grants, keys, metakeys"
run pd -d "$server#${pfx}bk2" restore "$safety"
is_rc 0 "the safety copy restores into a new database"
run pd -d "$server#${pfx}bk2" get web.flags.extra
is_run 0 "1" "" "and holds what the restore replaced"
is "$(schemas | grep "^${pfx}bk")" "${pfx}bk
${pfx}bk2" "a restore leaves no schema of its own behind"
printf 'not a backup at all\n' >"$tmp/junk.pgbackup"
run pd -d "$db" restore "$tmp/junk.pgbackup"
is_run 1 "" "prontodb: $tmp/junk.pgbackup is not a whole backup of a database on a server" \
    "a foreign file is refused"
head -c 600 "$bak" >"$tmp/cut.pgbackup"
run pd -d "$db" restore "$tmp/cut.pgbackup"
is_run 1 "" "prontodb: $tmp/cut.pgbackup is not a whole backup of a database on a server" \
    "a truncated backup is refused"
pd -d "$db" export | grep -v '^# prontodb export' >"$tmp/after.pds"
is "$(cmp -s "$tmp/before.pds" "$tmp/after.pds" && echo same)" same \
    "a refused restore changes nothing"
# A client inside a transaction on the database holds a restore back, up
# to the busy timeout.
sql "BEGIN; LOCK TABLE \"${pfx}bk\".kv IN ACCESS SHARE MODE;
    SELECT pg_sleep(3); COMMIT" >/dev/null &
reader=$!
sleep 0.5
run env PRONTO_BUSY_TIMEOUT_MS=300 "$PRONTODB" --home "$home" -d "$db" \
    restore "$bak"
is_run 75 "" "prontodb: database is locked (busy_timeout expired)" \
    "a restore waits for a client in a transaction, then gives up"
wait $reader
pd -d "$db" export | grep -v '^# prontodb export' >"$tmp/after.pds"
is "$(cmp -s "$tmp/before.pds" "$tmp/after.pds" && echo same)" same \
    "and changes nothing"

# --- names on a server: the setting server ---------------------------------

# pds: prontodb with PRONTO_SERVER=$srv in this home.
pds() {
	env PRONTO_SERVER="$srv" "$PRONTODB" --home "$home" "$@"
}
fresh
srv="$server#${pfx}n_"
data=$home/.local/share/prontodb
run pds db list
is_run 0 "" "" "server: db list of a prefix without databases is empty"
run pds backup "$tmp/none.pgbackup"
is_run 2 "" "prontodb: no database 'main' on the server; the transaction's writes were rolled back" \
    "server: a missing database is called by its name, not its schema's"
run pds set app.config.host db1
is_run 0 "" "" "server: main is made on first use"
is "$(schemas | grep "^${pfx}n_")" "${pfx}n_main" \
    "... as the schema prefix + main on the server"
ok "... and not as a file of the data directory" test ! -e "$data/main.db"
run pds db create staging
is_run 0 "" "" "server: db create NAME"
run pds db create staging
is_run 1 "" "prontodb: database 'staging' already exists" \
    "... twice: an error naming the name, not the schema"
pds -d staging set app.config.host db9 >/dev/null 2>&1
sql "CREATE SCHEMA ${pfx}n_plain" >/dev/null
pd -d "$server#${pfx}m_other" set a.b.c 1 >/dev/null 2>&1
run pds db list
is_run 0 "main
staging" "" "server: db list: the prefix's databases, prefix cut, byte order"
run pds -d staging get app.config.host
is_run 0 "db9" "" "server: -d NAME reads that schema"
run pds db rename staging prod
is_run 0 "" "" "server: db rename"
is "$(schemas | grep "^${pfx}n_")" "${pfx}n_main
${pfx}n_plain
${pfx}n_prod" "... renames the schema"
run pds db describe prod
is "$(sed -n '1p;2p' "$tmp/out")" "database     prod
schema       ${pfx}n_prod" "server: db describe names the database and its schema"
run pds --select prod get app.config.host
is_run 0 "db9" "" "server: --select NAME"
run pds cursor show
is "$(grep '^db' "$tmp/out")" "db = prod" "... the cursor keeps the name"
pd cursor use default >/dev/null 2>&1
run pd --select main get app.config.host
is_run 2 "" "prontodb: app.config.host: not found" \
    "without the setting, the name is the data directory's again"
run pds --select main get app.config.host
is_run 0 "db1" "" "... and with it, the server's"
run pds backup --all
is_rc 0 "server: backup --all"
is "$(cd "$data"/backups/all-* && ls | grep -v cursors)" "main.pgbackup
prod.pgbackup" "... backs up each of the server's databases, by name"
run pds db drop prod --force
is_run 0 "" "" "server: db drop"
run pds db list
is_run 0 "main" "" "... and it is gone from db list"
run pds -d "$tmp/here.db" set a.b.c 1
is_rc 0 "server: a path stays a file"
ok "... made where it says" test -f "$tmp/here.db"
run pds -d local.db set a.b.c 1
is_rc 0 "server: a name ending .db stays a file of the data directory"
ok "... there" test -f "$data/local.db.db"
run pds -d "$(printf 'x%.0s' $(seq 60))" set a.b.c 1
is_run 64 "" "prontodb: invalid database name '$(printf 'x%.0s' $(seq 60))': with the server's prefix '${pfx}n_' a server keeps 63 bytes of a name" \
    "server: a name too long for a schema with the prefix"
# Without a fragment, the name is the schema.
run env PRONTO_SERVER="$server" "$PRONTODB" --home "$home" db create "${pfx}bare"
is_run 0 "" "" "server: without a #prefix, db create NAME"
is "$(schemas | grep bare)" "${pfx}bare" "... makes the schema NAME"
# The config file's line, and the variable over it.
fresh
data=$home/.local/share/prontodb
run pd config set server "$server#${pfx}c_"
is_rc 0 "server: config set server URL"
run pd set k.k.k 1
is "$rc $(schemas | grep "^${pfx}c_")" "0 ${pfx}c_main" \
    "... puts main on the server"
run env PRONTO_SERVER="$server#${pfx}e_" "$PRONTODB" --home "$home" db create x
is "$rc $(schemas | grep "^${pfx}e_")" "0 ${pfx}e_x" \
    "... PRONTO_SERVER takes precedence over it"
printf 'server = mysql://ann:hunter2@db/app\n' >"$tmp/bad.cfg"
run pd --config "$tmp/bad.cfg" db list
is_run 64 "" "prontodb: $tmp/bad.cfg:1: server must be a postgres:// or postgresql:// URL" \
    "server: a config line that is no URL, named, without its value"
run env PRONTO_SERVER='mysql://ann:hunter2@db/app' "$PRONTODB" --home "$home" db list
is_run 64 "" "prontodb: PRONTO_SERVER must be a postgres:// or postgresql:// URL" \
    "server: PRONTO_SERVER that is no URL, named, without its value"
run env PRONTO_SERVER="$server#a/b" "$PRONTODB" --home "$home" db list
is_run 64 "" "prontodb: PRONTO_SERVER must be a postgres:// or postgresql:// URL: a prefix (its #fragment) follows the rule of names" \
    "server: a prefix that breaks the rule of names"
run env PRONTO_SERVER='postgresql://ann:hunter2@127.0.0.1:1/app#x_' \
    "$PRONTODB" --home "$home" db list
is_run 74 "" "prontodb: cannot connect to the server at 127.0.0.1 port 1: Connection refused" \
    "server: a server down, without the password"
# --- a watcher whose database is replaced ends, as on SQLite --------------------

# On SQLite a database dropped or renamed under a watcher ends it with
# this message; a restore waits for its clients (watchers too) to go.  A
# server does not wait for them (BACKENDS): drop, rename and restore each
# end the database's watchers the same way.
fresh
pd db create other
bg_watch() {
	"$PRONTODB" --home "$home" -d "$1" watch --timeout 10 \
	    >"$tmp/gone.out" 2>"$tmp/gone.err" &
	watcher=$!
	sleep 1
}
gone_is() {
	wait $watcher
	is "$? $(cat "$tmp/gone.out" "$tmp/gone.err")" \
	    "1 prontodb: $1 was removed, renamed or restored: run it again" "$2"
}
bg_watch other
pd db drop other --force
gone_is "$home/.local/share/prontodb/other.db" \
    "SQLite: a watcher whose database is dropped ends, and says why"
db="$server#${pfx}gone"
pd -d "$db" set p.n.k 1
bak=$(pd -d "$db" backup)
bg_watch "$db"
pd -d "$db" restore "$bak" >/dev/null
gone_is "database '${pfx}gone'" "a server: a watcher whose database is restored ends, the same way"
bg_watch "$db"
pd db rename "$db" "$server#${pfx}gone2"
gone_is "database '${pfx}gone'" "... one whose database is renamed"
bg_watch "$server#${pfx}gone2"
pd db drop "$server#${pfx}gone2" --force
gone_is "database '${pfx}gone2'" "... one whose database is dropped"

# --- bulk import through COPY ---------------------------------------------------

# A stream's plain sets are queued and go to the server by COPY, straight
# into kv or through a staging table and one sorted upsert (pg/copy.c):
# what a user sees is what the same stream gives on SQLite, byte for byte.
#
# both NAME [FLAGS...] < STREAM: the stream on SQLite (the home's main
# database) and on the server (database NAME of the same home), each one's
# status, stdout and stderr into $tmp/NAME.sqlite and $tmp/NAME.server.
both() {
	both_name=$1
	shift
	cat >"$tmp/$both_name.pds"
	"$PRONTODB" --home "$home" "$@" <"$tmp/$both_name.pds" \
	    >"$tmp/$both_name.sqlite" 2>&1
	echo "status $?" >>"$tmp/$both_name.sqlite"
	"$PRONTODB" --home "$home" -d "$server#$pfx$both_name" "$@" \
	    <"$tmp/$both_name.pds" >"$tmp/$both_name.server" 2>&1
	echo "status $?" >>"$tmp/$both_name.server"
}
# two NAME WHAT: what (a command's arguments) on SQLite and on the server
# NAME, stdout and stderr into $tmp/same.sqlite and $tmp/same.server.
two() {
	"$PRONTODB" --home "$home" $2 >"$tmp/same.sqlite" 2>&1
	"$PRONTODB" --home "$home" -d "$server#$pfx$1" $2 >"$tmp/same.server" \
	    2>&1
}
# same NAME WHAT TEST: the two the same.
same() {
	two "$1" "$2"
	if cmp -s "$tmp/same.sqlite" "$tmp/same.server"; then
		ok "$3" true
	else
		ok "$3" false
		diff "$tmp/same.sqlite" "$tmp/same.server" | head -5 |
		    sed 's/^/#   /'
	fi
}
# meta_same NAME ADDR TEST WANT: ADDR's version and revision the same,
# WANT.
meta_same() {
	two "$1" "meta list $2"
	grep -E '^(version|revision)=' "$tmp/same.sqlite" >"$tmp/meta.sqlite"
	grep -E '^(version|revision)=' "$tmp/same.server" >"$tmp/meta.server"
	is "$(cmp -s "$tmp/meta.sqlite" "$tmp/meta.server" &&
	    cat "$tmp/meta.server" | tr '\n' ' ')" "$4" "$3"
}
# imported NAME TEST ADDR WANT: the import just run by both NAME exited 0,
# saying nothing, as on SQLite; the same scan; ADDR's version and revision
# as on SQLite, WANT.
imported() {
	is "$(cmp -s "$tmp/$1.sqlite" "$tmp/$1.server" && cat \
	    "$tmp/$1.server")" "status 0" "$2: as on SQLite"
	same "$1" "--json scan" "... scan --json as on SQLite"
	meta_same "$1" "$3" "... a key's version and revision as on SQLite" \
	    "$4"
}
# A stream of n sets: 3 projects, 4 namespaces, one of them a TTL one; a
# row in 10 sets again the key of 5 rows before, a row in 50 twice more.
gen_sets() {
	awk -v n="$1" -v tag="$2" 'BEGIN {
		for (i = 1; i <= n; i++) {
			k = "p" i % 3 ".n" i % 4 ".k" i
			print "set " k " \"v" tag i " x\""
			if (i % 10 == 0)
				print "set p" (i - 5) % 3 ".n" (i - 5) % 4 ".k" \
				    i - 5 " again" tag i
			if (i % 50 == 0) {
				print "set " k " twice" tag i
				print "set " k " thrice" tag i
			}
		}
	}'
}

fresh
pd create-cache p1.n1 3600
pd -d "$server#${pfx}bulk" create-cache p1.n1 3600
gen_sets 50000 a | both bulk
is "$(cat "$tmp/bulk.server")" "status 0" \
    "a 50,000-row import on a server: exit 0, nothing on stdout or stderr"
is "$(cmp -s "$tmp/bulk.sqlite" "$tmp/bulk.server" && echo same)" same \
    "... as on SQLite"
same bulk "--json scan" "... scan --json (values, revisions) as on SQLite"
# (An expiry's seconds left differ: the two imports ran apart.)
"$PRONTODB" --home "$home" export | sed '1d; /^expire /d' \
    >"$tmp/export.sqlite"
pd -d "$server#${pfx}bulk" export | sed '1d; /^expire /d' \
    >"$tmp/export.server"
is "$(cmp -s "$tmp/export.sqlite" "$tmp/export.server" && grep -c '^set ' \
    "$tmp/export.server")" 50000 "... export as on SQLite"
meta_same bulk p1.n1.k1 "a key set once: version and revision as on SQLite" \
    "version=1 revision=1 "
meta_same bulk p0.n1.k45 "a key set again 5 sets later: the same" \
    "version=2 revision=55 "
meta_same bulk p2.n2.k50 "a key set three times in a row: the same" \
    "version=3 revision=57 "
run pd -d "$server#${pfx}bulk" meta list p1.n1.k1
is "$(grep -c '^expires=never' "$tmp/out")" 0 \
    "a key of a TTL namespace expires"
same bulk "projects" "projects registered as on SQLite"
same bulk "nss" "namespaces registered as on SQLite"

# Again, over keys there already: each a new version.
gen_sets 3000 b | both bulk
imported bulk "an import over keys there already" p2.n2.k50 \
    "version=6 revision=57057 "

# New keys, then keys there already, none twice: COPY straight into kv
# fails there, and the rows take the upsert.
awk 'BEGIN { for (i = 50001; i <= 60000; i++) print "set p" i % 3 ".n" \
	i % 4 ".k" i " new" i; for (i = 20001; i <= 30000; i++) print "set p" \
	i % 3 ".n" i % 4 ".k" i " over" i }' | both bulk
imported bulk "new keys, then keys there already, none twice" p0.n0.k24000 \
    "version=4 revision=74420 "

# A watched database logs every set, in order.
fresh
pd watch --timeout 0.1 2>/dev/null
pd -d "$server#${pfx}watched" watch --timeout 0.1 2>/dev/null
gen_sets 5000 c | both watched
same watched "watch --since 0 --count 5250 --timeout 1" \
    "a watched database: a change for every set, as on SQLite"
is "$(wc -l <"$tmp/same.server" | tr -d ' ')" 5250 "... 5,250 of them"

# A few sets (applied one by one) and many, with duplicates, in one
# stream: reads in the middle see the earlier sets.
fresh
{
	echo "set p.d.k 1"
	echo "set p.d.k 2"
	echo "get p.d.k"
	gen_sets 40 d
	echo "set p.d.k 3"
	echo "count"
	echo "get p.d.k p1.n1.k1 p2.n1.k5"
	gen_sets 400 e
	echo "get p2.n1.k5"
} | both reads
is "$(cmp -s "$tmp/reads.sqlite" "$tmp/reads.server" && echo same)" same \
    "reads in the middle of a stream of sets: as on SQLite"
is "$(grep -v '^{' "$tmp/reads.server" | tr '\n' ' ')" \
    "2 41 3 vd1 x againd10 againe10 status 0 " \
    "... they see the sets before them"
meta_same reads p.d.k "a key set three times: version and revision as on SQLite" \
    "version=3 revision=47 "

# A failing statement mid-stream: its error, the status and what stays.
fresh
{
	gen_sets 300 f
	echo "set p1.n2.bad v ttl=5"
	gen_sets 300 g
} >"$tmp/bad.in"
both bad <"$tmp/bad.in"
is "$(cmp -s "$tmp/bad.sqlite" "$tmp/bad.server" && cat "$tmp/bad.server")" \
    "prontodb: <stdin>:343:17: ttl= needs a TTL namespace: p1.n2 is a standard one (cache create p1.n2 ttl=SECONDS)
prontodb: 685 statements, 684 ok, 1 failed, 0 rolled back
status 65" "a bad statement mid-stream: the error and status of SQLite"
same bad "--json scan" "... the others written as on SQLite"
both badstop --on-error=stop <"$tmp/bad.in"
is "$(cmp -s "$tmp/badstop.sqlite" "$tmp/badstop.server" && tail -1 \
    "$tmp/badstop.server")" "status 65" "... with --on-error=stop too"
same badstop "count" "... the statements before it written, as on SQLite"
is "$(cat "$tmp/same.server")" 300 "... those 300 keys"

fresh
PRONTO_SECURITY=required
export PRONTO_SECURITY
for d in "" "-d $server#${pfx}denied"; do
	PRONTO_PASS=root-pw pd $d user add root --admin </dev/null
	echo bob-pw >"$tmp/bob"
	PRONTO_PASS=root-pw pd $d --user root user add bob \
	    --password-file "$tmp/bob"
	PRONTO_PASS=root-pw pd $d --user root user grant bob p0 write
done
awk 'BEGIN { print "auth user=bob pass=bob-pw"
	for (i = 1; i <= 600; i++) print "set p0.n.k" i " v" i
	print "set p1.n.k v"; for (i = 1; i <= 600; i++) print "set p0.m.k" i \
	" w" i }' | both denied
is "$(cmp -s "$tmp/denied.sqlite" "$tmp/denied.server" &&
    cat "$tmp/denied.server")" \
    "prontodb: <stdin>:602:1: permission denied: write access to p1.n
prontodb: 1202 statements, 1201 ok, 1 failed, 0 rolled back
status 77" "a denied set mid-stream: the error and status of SQLite"
PRONTO_PASS=root-pw
export PRONTO_PASS
same denied "--user root count" "... the others written as on SQLite"
is "$(cat "$tmp/same.server")" 1200 "... those 1,200"
unset PRONTO_PASS PRONTO_SECURITY

# A key the server refuses (not UTF-8) fails its own statement, where the
# stream says so, as before the sets were queued; the group is lost.
fresh
{
	gen_sets 100 h
	printf 'set p.n.k\377 1\n'
	gen_sets 100 i
} >"$tmp/utf8.pds"
run pd -d "$server#${pfx}utf8" -f "$tmp/utf8.pds"
is_run 1 "" "prontodb: $tmp/utf8.pds:115:1: database error: invalid byte sequence for encoding \"UTF8\": 0xff; the transaction's writes were rolled back
prontodb: 115 statements, 0 ok, 1 failed, 114 rolled back" \
    "a key the server refuses: its statement's error, where it is"

# A client killed inside a block, some of its sets on the server already.
fresh
db="$server#${pfx}killed"
pd -d "$db" set p.n.before 1
{
	echo "begin"
	awk 'BEGIN { v = sprintf("%0500d", 0)
		for (i = 1; i <= 30000; i++) print "set p.n.k" i " " v }'
	sleep 30
} | "$PRONTODB" --home "$home" -d "$db" >/dev/null 2>&1 &
killed=$!
# Until the first 8 MiB went (the staging or kv's table grew), or 20 s.
i=0
while [ $i -lt 40 ] && [ "$(sql "SELECT count(*) FROM pg_stat_activity
    WHERE query LIKE '%COPY kv%'")" = 0 ]; do
	sleep 0.5
	i=$((i + 1))
done
sleep 1
kill -KILL $killed
sleep 0.5
run pd -d "$db" count
is_run 0 "1" "" "a client killed inside a block of sets leaves none of them"
run pd -d "$db" set p.n.after 2
is_run 0 "" "" "... and holds no lock"

# Namespace policies take numbers past 32 bits: a TTL of 30 days is
# 2,592,000,000 ms, and the largest cap is the largest number.
db="$server#${pfx}policy"
run pd -d "$db" cache create c.t ttl=30d
is_run 0 "" "" "a TTL of 30 days on a server"
run pd -d "$db" cache set c.t max_items=9223372036854775807
is_run 0 "" "" "the largest max_items on a server"

done_testing
