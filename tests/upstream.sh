#!/bin/sh
# upstream.sh - the forms a user of upstream prontodb (oodx/prontodb) types,
# each typed as written, on the command line and in a stream: short
# addresses in default.default, keys/scan of a namespace, cursors with a
# database path and a meta context, ls, stream, copy/move/rename and the
# backup flags.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/upstream.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

feed() {
	printf '%s\n' "$@" >"$tmp/in"
}

# stream [FLAG...]: run the stream in $tmp/in.
stream() {
	run pd "$@" <"$tmp/in"
}

# --- addresses: a key alone, ns.key ---------------------------------------
fresh
run pd set key value
is_run 0 "" "" "set key value: a key alone"
run pd get default.default.key
is_run 0 "value" "" "... is default.default.key"
run pd get key
is_run 0 "value" "" "get key reads it back"
run pd set ns.key v2
is_run 0 "" "" "set ns.key v2: namespace.key"
run pd get default.ns.key
is_run 0 "v2" "" "... is default.ns.key"
run pd get missing
is_run 2 "" "prontodb: default.default.missing: not found" \
    "get of a missing short key is a miss (exit 2), as upstream's tests expect"
run pd get ns.missing
is_run 2 "" "prontodb: default.ns.missing: not found" \
    "get of a missing ns.key is a miss"
run pd del key
is_run 0 "" "" "del key"
run pd exists key
is_run 2 "" "" "exists key after del: exit 2"
feed 'set k1 a' 'set n.k2 b' 'get k1' 'get n.k2' 'get default.n.k2'
stream
is_run 0 "a
b
b" "" "in a stream: a key alone and ns.key are default.default and default.ns"
run pd -p proj set key pv
is_run 0 "" "" "set -p proj key: the project given, the namespace default"
run pd get proj.default.key
is_out "pv" "... is proj.default.key"
feed 'use proj' 'get key' 'set sub.k s' 'get proj.sub.k'
stream
is_run 0 "pv
s" "" "use proj: key is proj.default.key, ns.key is proj.ns.key"

# --- -p/-n with an address that names its own namespace -----------------
fresh
run pd set -p proj -n ns bad.key v
is_run 64 "" "prontodb: address 'bad.key' names its own namespace, and so does -n: give one or the other" \
    "set -p proj -n ns bad.key v is an error, never proj.bad.key"
run pd set -p proj bad.ns.key v
is_run 64 "" "prontodb: address 'bad.ns.key' names its own project, and so does -p: give one or the other" \
    "-p with a full address is an error"
run pd keys
is_run 0 "" "" "nothing was written"
feed 'set bad.key v namespace=ns project=proj' 'keys'
stream
is_run 65 "" "prontodb: <stdin>:1:15: address 'bad.key' names its own namespace, and so does namespace=: give one or the other
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "in a stream: namespace= with namespace.key is an error at the option"
run pd set -p proj -n ns key v
is_run 0 "" "" "-p -n with a key alone is fine"
run pd get -p proj ns.key
is_run 0 "v" "" "-p with ns.key is fine"

# --- keys and scan --------------------------------------------------------
fresh
pd set app.config.host db1
pd set app.config.port 5432
pd set app.cache.tmp x
pd set other.config.host db9
pd set top t
pd set toe e
run pd keys
is_run 0 "app.cache.tmp
app.config.host
app.config.port
default.default.toe
default.default.top
other.config.host" "" "keys with no prefix and no scope lists everything"
run pd keys to
is_run 0 "toe
top" "" "keys PREFIX (one part): keys of default.default under it"
run pd scan top
is_run 0 "top=t" "" "scan PREFIX (one part): default.default"
run pd keys app.config
is_run 0 "app.config.host
app.config.port" "" "keys proj.ns names a namespace"
run pd scan app.config
is_run 0 "app.config.host=db1
app.config.port=5432" "" "scan proj.ns names a namespace"
run pd keys app.conf
is_run 0 "" "" "keys proj.ns is the whole namespace name, not a prefix of it"
run pd keys app.config.p
is_run 0 "app.config.port" "" "keys proj.ns.key: a key prefix"
run pd keys app.config.
is_run 0 "app.config.host
app.config.port" "" "keys proj.ns.: the namespace"
run pd keys app.
is_run 0 "app.cache.tmp
app.config.host
app.config.port" "" "keys proj.: the project"
run pd keys -p other -n config app.config.
is_rc 64 "keys -p -n with an absolute prefix is an error"
run pd keys -p other -n config
is_run 0 "host" "" "keys -p P -n N: the namespace, names relative to it"
run pd keys -p other -n config h
is_run 0 "host" "" "keys -p P -n N PREFIX"
run pd -p other -n config keys app.config.
is_run 64 "" "prontodb: prefix 'app.config.' names its own project, and so does -p: give one or the other" \
    "-p before the verb counts too"
feed 'use other.config' 'keys app.config.' 'keys' 'keys app.cache' 'scan h'
stream
is_run 0 "app.config.host
app.config.port
host
app.cache.tmp
host=db9" "" "with a scope set, keys app.config. stays absolute"
pd cursor set scoped project=other namespace=config
run pd --cursor scoped keys app.config.
is_run 0 "app.config.host
app.config.port" "" "with a cursor's scope, keys app.config. stays absolute"
run pd --cursor scoped keys
is_run 0 "host" "" "and keys alone lists the cursor's namespace"
run pd keys a.b.c.d
is_run 64 "" "prontodb: prefix 'a.b.c.d' has too many parts (at most project.namespace.key)" \
    "a prefix of four parts is an error"
run pd keys a..c
is_run 64 "" "prontodb: prefix 'a..c': namespace must not be empty" \
    "a prefix with an empty namespace is an error"

# --- ls, --database, -v -----------------------------------------------------
run pd ls app.config
is_run 0 "app.config.host
app.config.port" "" "ls is keys"
run pd ls
is_out "app.cache.tmp
app.config.host
app.config.port
default.default.toe
default.default.top
other.config.host" "ls with no prefix"
run pd --database other set x.y.z 1
is_run 0 "" "" "--database NAME set"
run pd -d other get x.y.z
is_run 0 "1" "" "--database is -d"
run pd get x.y.z --database other
is_run 0 "1" "" "--database after the verb"
run pd -v
is_run 0 "prontodb $(pd version | cut -d' ' -f2)" "" "-v prints the version"

# --- stream -------------------------------------------------------------------
fresh
printf 'set app.config.debug true\nget app.config.debug\n' >"$tmp/batch.pds"
run pd stream <"$tmp/batch.pds"
is_run 0 "true" "" "prontodb stream < batch.pds runs it"
run pd stream --json <"$tmp/batch.pds"
is_run 0 '{"address":"app.config.debug","value":"true","revision":2}' "" \
    "prontodb stream --json: global flags after stream"
feed 'set a.b.c 1' 'stream' 'get a.b.c'
stream
is_run 65 "1" "prontodb: <stdin>:2:1: 'stream' runs standard input as a stream: type it on the command line (prontodb stream < FILE), not in a stream
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" \
    "stream inside a stream is an error and the stream goes on"
run pd stream extra
is_run 64 "" "prontodb: wrong number of arguments for 'stream' (usage: stream)" \
    "prontodb stream WORD is a usage error"
run pd help stream
is_rc 0 "help stream"
head -n 1 "$tmp/out" >"$tmp/first"
run cat "$tmp/first"
is_out "usage: prontodb stream" "help stream shows its usage"
run pd stream --help
is_rc 0 "stream --help"

# --- copy, move, rename -------------------------------------------------------
fresh
pd set app.config.host db1
pd meta set app.config.host owner ops
pd cache create app.tmp ttl=100
run pd copy app.config.host app.staging.host
is_run 0 "" "" "copy SRC DST"
run pd get app.staging.host
is_out "db1" "copy: the value went along"
run pd meta get app.staging.host owner
is_out "ops" "copy: the metakeys went along"
run pd get app.config.host
is_out "db1" "copy: the source stays"
pd set app.config.host db2
run pd copy app.config.host app.staging.host
is_run 2 "" "prontodb: app.staging.host: exists (--force overwrites it)" \
    "copy onto an existing key is a miss"
run pd get app.staging.host
is_out "db1" "... and wrote nothing"
run pd copy app.config.host app.staging.host --force
is_run 0 "" "" "copy --force replaces it"
run pd get app.staging.host
is_out "db2" "... with the new value"
run pd meta get app.staging.host version
is_out "2" "... as a write: the version grew"
run pd copy app.config.nope app.staging.nope
is_run 2 "" "prontodb: app.config.nope: not found" "copy of a missing key is a miss"
run pd copy app.config.host app.config.host
is_run 64 "" "prontodb: the source and the destination are the same key" \
    "copy onto itself is an error"
pd --now-ms 1000000 set app.tmp.tok abc
run pd --now-ms 1040000 copy app.tmp.tok app.keep.tok
is_rc 0 "copy of a key with a TTL"
run pd --now-ms 1040000 meta get app.keep.tok ttl
is_out "60000" "copy: the remaining TTL went along"
run pd --now-ms 1100001 get app.keep.tok
is_rc 2 "... and the copy expires with the source"
run pd --now-ms 1000000 copy app.config.host app.tmp.host
run pd --now-ms 1000000 meta get app.tmp.host ttl
is_out "100000" "a key without a TTL copied into a TTL namespace takes its TTL"
pd table create hot
pd ns create app.hot --table hot
run pd copy app.config.host app.hot.host
is_run 0 "" "" "copy into a namespace of another key table"
run pd move app.hot.host app.config.moved
is_run 0 "" "" "move out of it"
run pd get app.config.moved
is_out "db2" "move: the value went along"
run pd meta get app.config.moved owner
is_out "ops" "move: the metakeys went along"
run pd get app.hot.host
is_rc 2 "move: the source is gone"
run pd move app.config.moved app.config.host
is_run 2 "" "prontodb: app.config.host: exists (--force overwrites it)" \
    "move onto an existing key is a miss"
run pd get app.config.moved
is_out "db2" "... and the source stays"
run pd rename app.config.moved app.config.renamed
is_run 0 "" "" "rename is move"
run pd keys app.config.
is_out "app.config.host
app.config.renamed" "rename: one key under its new name"
run pd move app.config.renamed app.config.host --force
is_run 0 "" "" "move --force replaces the destination"
run pd meta list app.config.host
sed -n 's/^owner=//p' "$tmp/out" >"$tmp/owner"
run cat "$tmp/owner"
is_out "ops" "move --force: the destination has the source's metakeys"
feed 'copy app.config.host c.d.e' 'copy app.config.host c.d.e' \
    'copy app.config.host c.d.e force' 'move c.d.e c.d.f' 'get c.d.f'
stream
is_run 2 "db2" "prontodb: <stdin>:2:1: c.d.e: exists (force overwrites it)" \
    "copy and move in a stream; force is a bare option"
feed 'set p.q.k v' 'copy k x' 'get default.default.x'
stream
is_run 2 "" "prontodb: <stdin>:2:1: default.default.k: not found
prontodb: <stdin>:3:1: default.default.x: not found" \
    "copy resolves short addresses like any key verb"
run pd copy -p app -n config host host2
is_run 0 "" "" "copy -p -n with keys alone"
run pd get app.config.host2
is_out "db2" "... into the same namespace"

# --- cursors: cursor set NAME PATH, delete, active ---------------------------
fresh
mkdir "$tmp/w"
run sh -c "cd '$tmp/w' && '$PRONTODB' --home '$home' cursor set staging ./staging.db"
is_run 0 "" "" "cursor set NAME PATH"
ok "cursor set NAME PATH makes the database file" test -f "$tmp/w/staging.db"
run pd --cursor staging set app.config.debug true
is_run 0 "" "" "--cursor staging set"
run pd -d "$tmp/w/staging.db" get app.config.debug
is_out "true" "... wrote into the cursor's file"
run pd cursor list
is_out "* default
  staging db=$tmp/w/staging.db" "cursor list shows the absolute path"
run sh -c "cd '$tmp/w' && '$PRONTODB' --home '$home' cursor set again staging.db"
is_run 0 "" "" "cursor set NAME FILE: a file in this directory"
run pd --cursor again get app.config.debug
is_out "true" "... the existing database is kept, not replaced"
run pd cursor set bad "$tmp/no/such/dir/x.db"
is_rc 74 "cursor set NAME PATH in a missing directory fails"
run pd cursor active
is_run 0 "cursor = default
user = $(id -un)" "" "cursor active shows the cursor in effect"
run pd --cursor staging cursor active
is_run 0 "cursor = staging
user = $(id -un)
db = $tmp/w/staging.db" "" "--cursor NAME cursor active"
run pd cursor delete again
is_run 0 "" "" "cursor delete NAME"
run pd cursor delete again
is_run 2 "" "prontodb: no cursor 'again'" "cursor delete of a missing cursor is a miss"
ok "cursor delete leaves the database" test -f "$tmp/w/staging.db"
feed 'cursor set s2 project=p' 'cursor delete s2' 'cursor active'
stream
is_run 0 "cursor = default
user = $(id -un)" "" "cursor delete and cursor active in a stream"

# --- the meta context ----------------------------------------------------------
fresh
mkdir "$tmp/m"
run pd cursor set work "$tmp/m/work.db" --meta company_engineering
is_run 0 "" "" "cursor set NAME PATH --meta ORG"
run pd cursor list
is_out "* default
  work db=$tmp/m/work.db meta=company_engineering" "cursor list shows the meta context"
run pd --cursor work set myapp.config.debug true
is_run 0 "" "" "--cursor work set myapp.config.debug true"
run pd --cursor work get myapp.config.debug
is_run 0 "true" "" "--cursor work get reads it back"
run pd -d "$tmp/m/work.db" get myapp.config.debug
is_run 2 "" "prontodb: myapp.config.debug: not found" \
    "the same database without the meta context does not see it"
pd -d "$tmp/m/work.db" set myapp.config.debug plain
run pd --cursor work get myapp.config.debug
is_out "true" "and the meta context does not see the plain key"
run pd -d "$tmp/m/work.db" --meta company_engineering get myapp.config.debug
is_out "true" "--meta ORG is the same context as the cursor's"
run pd -d "$tmp/m/work.db" --meta other get myapp.config.debug
is_rc 2 "another meta context sees neither"
run pd -d "$tmp/m/work.db" keys
is_out "myapp.config.debug" "listings show one view: plain"
run pd --cursor work keys
is_out "myapp.config.debug" "... and the context's, without its prefix"
run pd cursor set work --meta acme
is_run 0 "" "" "cursor set NAME --meta ORG changes the context, not the database"
run pd --cursor work get myapp.config.debug
is_rc 2 "the new context sees nothing of the old one"
pd cursor set work --meta company_engineering

# Every verb in the context: TTL namespaces, discovery, metakeys, export.
pd --meta acme set app.cfg.x 1
pd --meta acme cache create app.sess ttl=60
pd --meta acme set app.sess.tok abc
pd --meta acme meta set app.cfg.x owner ops
pd set app.cfg.x plain
run pd --meta acme projects
is_run 0 "app" "" "projects in a context"
run pd --meta acme nss
is_run 0 "app.cfg
app.sess" "" "nss in a context"
run pd nss
is_run 0 "app.cfg" "" "nss outside it does not show the context's"
run pd --meta acme cache list
is_run 0 "app.sess 60000" "" "cache list in a context"
run pd cache list
is_run 0 "" "" "a context's TTL namespace is not seen outside it"
run pd --meta acme meta get app.sess.tok ttl
is_rc 0 "a key in the context's TTL namespace gets its TTL"
pd --meta acme cache create app.short ttl=1
pd --meta acme --now-ms 1000000 set app.short.k v
run pd --now-ms 2000000 cache sweep
is_run 0 "0" "" "cache sweep outside a context purges none of its keys"
run pd --meta acme --now-ms 2000000 cache sweep
is_run 0 "1" "" "cache sweep in the context purges its own"
run pd --meta acme scan --meta app.cfg.
is_run 0 "app.cfg.x=1
  owner=ops" "" "scan --meta in a context: metakeys"
run pd meta get app.cfg.x owner
is_rc 2 "metakeys stay in the context"
run pd --meta acme export app.cfg
grep -v '^#' "$tmp/out" >"$tmp/export"
run cat "$tmp/export"
is_out 'delim "."
begin
project create "app"
ns create "app.cfg"
set "app.cfg.x" {1}
1
meta set "app.cfg.x" "owner" {3}
ops
commit' "export in a context writes its names without the prefix"
run pd --meta acme copy app.cfg.x app.cfg.y
is_rc 0 "copy in a context"
run pd keys app.cfg.
is_out "app.cfg.x" "... stays in it"
feed 'set s.t.u 1' 'keys'
stream --meta acme
is_run 0 "app.cfg.x
app.cfg.y
app.sess.tok
s.t.u" "" "a stream under --meta ORG"
run pd --meta acme table create t1
is_run 1 "" "prontodb: key tables are shared by every meta context: create, drop and measure them without --meta" \
    "table create in a context is refused: tables are shared"
run pd --meta acme project drop app --force
is_rc 0 "project drop in a context"
run pd keys app.
is_out "app.cfg.x" "... leaves the plain project alone"
run pd --meta "" keys
is_run 64 "" "prontodb: a meta context needs a name
Try 'prontodb --help'." "--meta needs a name"

# What guards the whole file sees every context.
fresh
pd --meta acme set app.cfg.x 1
pd db create work
pd -d work --meta acme set app.cfg.x 1
run pd db drop work
is_run 1 "" "prontodb: database 'work' holds the data of other meta contexts: drop it with force" \
    "db drop counts the data of every meta context"
run pd db drop work --force
is_run 0 "" "" "... and drops it with force"
run env PRONTO_SECURITY=required PRONTO_PASS=pw "$PRONTODB" --home "$home" --meta other user add root
is_run 77 "" "prontodb: database 'main' holds data but has no users: add its first admin with security optional (PRONTO_SECURITY=optional prontodb user add NAME)" \
    "no bootstrap of a database whose data is in a meta context"
run env PRONTO_SECURITY=required PRONTO_PASS=pw "$PRONTODB" --home "$home" user add root
is_rc 77 "... from the plain view either"

# Grants hold in the context they were given in.
fresh
export PRONTO_SECURITY=required
PRONTO_PASS=rootpw "$PRONTODB" --home "$home" user add root </dev/null
rootkey=$(PRONTO_PASS=rootpw "$PRONTODB" --home "$home" --user root apikey create root)
printf 'bobpw\n' >"$tmp/bobpw"
PRONTO_API_KEY=$rootkey pd user add bob --password-file "$tmp/bobpw"
bobkey=$(PRONTO_API_KEY=$rootkey pd apikey create bob)
PRONTO_API_KEY=$rootkey pd set app.cfg.x plain
PRONTO_API_KEY=$rootkey pd --meta acme set app.cfg.x acme
PRONTO_API_KEY=$rootkey pd user grant bob app read
run env PRONTO_API_KEY="$bobkey" "$PRONTODB" --home "$home" get app.cfg.x
is_run 0 "plain" "" "a plain grant lets bob read the plain key"
run env PRONTO_API_KEY="$bobkey" "$PRONTODB" --home "$home" --meta acme get app.cfg.x
is_run 77 "" "prontodb: permission denied: read access to app.cfg" \
    "... not the context's key of the same name"
PRONTO_API_KEY=$rootkey pd --meta acme user grant bob app.cfg write
run env PRONTO_API_KEY="$bobkey" "$PRONTODB" --home "$home" --meta acme get app.cfg.x
is_run 0 "acme" "" "a grant given in the context holds there"
run env PRONTO_API_KEY="$rootkey" "$PRONTODB" --home "$home" --meta acme user list
is_run 0 "bob app.cfg=write
root admin" "" "user list in a context shows its grants"
run env PRONTO_API_KEY="$rootkey" "$PRONTODB" --home "$home" user list
is_run 0 "bob app=read
root admin" "" "user list outside shows the plain ones"
run env PRONTO_API_KEY="$bobkey" "$PRONTODB" --home "$home" copy app.cfg.x app.cfg.y
is_run 77 "" "prontodb: permission denied: write access to app.cfg" \
    "copy needs write access to the destination"
run env PRONTO_API_KEY="$bobkey" "$PRONTODB" --home "$home" copy app.cfg.x app.cfg.y --meta acme
is_run 0 "" "" "read on the source and write on the destination suffice"
PRONTO_API_KEY=$rootkey pd --meta acme user grant bob app.ro read
PRONTO_API_KEY=$rootkey pd --meta acme set app.ro.k v
run env PRONTO_API_KEY="$bobkey" "$PRONTODB" --home "$home" --meta acme move app.ro.k app.cfg.k
is_run 77 "" "prontodb: permission denied: write access to app.ro" \
    "move needs write access to the source"
unset PRONTO_SECURITY

# --- backup --output DIR, --list, --restore FILE ------------------------------
fresh
pd set app.config.host db1
run pd backup --output "$tmp/bk"
is_rc 0 "backup --output DIR"
if [ "$backend" = server ]; then
	# A server's backup is a file of its own, NAME-TIME.pgbackup.
	set -- "$tmp"/bk/main-*.pgbackup
	is "$(ls "$tmp/bk")" "${1##*/}" \
	    "on a server: ... writes one backup file into DIR, a .pgbackup"
else
	set -- "$tmp"/bk/main-*.db
	is "$#" 1 "... writes one backup file into DIR"
fi
bk=$1
run pd backup --list --output "$tmp/bk"
is_run 0 "$bk $(wc -c <"$bk" | tr -d ' ')" "" "backup --list --output DIR lists it"
run pd backup
is_rc 0 "backup into the default directory"
run pd backup --list
is_rc 0 "backup --list"
run pd backup list
cp "$tmp/out" "$tmp/list"
run pd backup --list
is_out_file "$tmp/list" "backup --list is backup list"
pd set app.config.host db2
run pd backup --restore "$bk"
is_rc 0 "backup --restore FILE"
run pd get app.config.host
is_out "db1" "... brought the backup's data back"
run pd backup --restore
is_run 64 "" "prontodb: option '--restore' needs a value (FILE)" \
    "backup --restore needs a file"
run pd backup --list extra
is_run 64 "" "prontodb: backup --list takes nothing else but --output" \
    "backup --list takes no file"
run pd backup "$tmp/x.db" --output "$tmp/bk"
is_run 64 "" "prontodb: give a FILE or --output DIR, not both" \
    "backup FILE --output DIR is refused"
run pd --dry-run backup --output "$tmp/dry"
is_rc 64 "a dry-run backup is refused, as backup is outside any transaction"
ok "a dry-run backup writes nothing" test ! -e "$tmp/dry"
feed "backup --output \"$tmp/bk2\"" 'backup --list'
stream
is_rc 0 "backup output= and --list in a stream"
ok "... wrote the backup" test -n "$(ls "$tmp/bk2")"

done_testing
