#!/bin/sh
# keyops.sh - the everyday key operations (issue 13): del --prefix and
# --match, glob patterns in keys, scan, count and watch, count, and get
# with --default or several addresses; typed and streamed.
. "$top_srcdir/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

# feed LINE...: the lines as a stream on prontodb's standard input.
feed() {
	printf '%s\n' "$@" >"$tmp/in"
	run pd <"$tmp/in"
}

# --- del --prefix --------------------------------------------------------
fresh
for k in a b c; do pd set app.tmp.$k $k; done
pd set app.tmp2.x x
pd set app.keep.a a
pd meta set app.tmp.a owner ops
run pd del --prefix app.tmp.
is_run 0 "3" "" "del --prefix deletes every key under it and prints how many"
run pd keys app.
is_out "app.keep.a
app.tmp2.x" "... those keys alone: app.tmp. is not app.tmp2"
pd set app.tmp.a again
run pd meta get app.tmp.a owner
is_rc 2 "... with their metakeys"
run pd del --prefix app.tmp.
is_out "1" "a second run finds the key written since"
run pd del --prefix app.none.
is_run 0 "0" "" "a prefix that names nothing deletes none: 0, and no miss"

fresh
pd set greeting hi
pd set green g
pd set default.other.green x
pd set 'app.c.a*' star
pd set app.c.ab ab
run pd del --prefix gree
is_run 0 "2" "" "a one-part prefix is a key prefix in the scope's namespace"
run pd keys
is_out "app.c.a*
app.c.ab
default.other.green" "... default.default unless the scope names one"
run pd del --prefix 'app.c.a*'
is_run 0 "1" "" "the prefix is literal: * is a character"
run pd keys app.c.
is_out "app.c.ab" "... the key app.c.ab stays"
run pd -p app -n c del --prefix a
is_run 0 "1" "" "-p and -n set the scope of a one-part prefix"

fresh
pd set app.s.k 1
pd set app.t.k 2
pd set other.s.k 3
feed 'del prefix=app.s.' 'keys'
is_run 0 "1
app.t.k
other.s.k" "" "in a stream: del prefix=PREFIX"
feed 'del --prefix app.' 'keys'
is_run 0 "1
other.s.k" "" "in a stream: del --prefix PREFIX"

# --- empty prefixes and all ---------------------------------------------
fresh
pd set app.s.k 1
pd set other.s.k 2
run pd del --prefix ''
is_run 64 "" "prontodb: an empty prefix names every key in scope: give --all to delete them all" \
    "an empty prefix is refused"
feed 'del prefix=""'
is_run 65 "" "prontodb: <stdin>:1:5: an empty prefix names every key in scope: give all to delete them all
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "... in a stream too, in its spelling"
run pd del --match ''
is_rc 64 "so is an empty pattern"
run pd del --all
is_run 64 "" "prontodb: all goes with --prefix or --match (del -- all deletes a key named all)" \
    "all alone deletes nothing"
feed 'del all'
is_run 65 "" "prontodb: <stdin>:1:5: all goes with prefix= or match= (del -- all deletes a key named all)
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "... a bare all in a stream neither"
run pd keys
is_out "app.s.k
other.s.k" "nothing was deleted by the refusals"
run pd -p app del --prefix '' --all
is_run 0 "1" "" "an empty prefix with --all deletes the scope's keys"
run pd keys
is_out "other.s.k" "... only those"
pd set all A
run pd del -- all
is_run 0 "" "" "del -- all deletes the key named all"
run pd del --prefix '' --all
is_run 0 "1" "" "with no scope, every key"
run pd keys
is_run 0 "" "" "... and nothing is left"

fresh
pd set app.s.k 1
run pd del app.s.k --prefix app.
is_run 64 "" "prontodb: an address and --prefix or --match exclude each other" \
    "an address and --prefix together are refused"
run pd del --prefix app. --match 'app.*'
is_run 64 "" "prontodb: --prefix and --match exclude each other" \
    "--prefix and --match together are refused"
run pd del
is_run 64 "" "prontodb: del needs an address, --prefix PREFIX or --match PATTERN" \
    "del without anything is refused"
run pd get app.s.k
is_out "1" "... and deleted nothing"

# --- --dry-run, transactions, the change log ---------------------------
fresh
pd set app.s.a 1
pd set app.s.b 2
run pd --dry-run del --prefix app.s.
is_run 0 "2" "prontodb: dry run: 1 statement, 1 ok, 0 failed, 0 rolled back; nothing written" \
    "--dry-run prints the count"
run pd keys
is_out "app.s.a
app.s.b" "... and deletes nothing"
run pd del --prefix app.s. --dry-run
is_run 0 "2" "prontodb: dry run: 1 statement, 1 ok, 0 failed, 0 rolled back; nothing written" \
    "--dry-run may follow the verb"
feed 'begin' 'del prefix=app.s.' 'keys app.s.' 'rollback' 'keys app.s.'
is_run 0 "2
app.s.a
app.s.b" "" "in a block: later statements see the deletes, rollback undoes them"
pd watch --timeout 0 >/dev/null 2>&1
pd set app.s.c 3
run pd del --prefix app.s.
run pd watch --since 2 --timeout 0
is_run 0 "3 set app.s.c 3
4 del app.s.a
5 del app.s.b
6 del app.s.c" "" "each key deleted is a del of its own in the change log"

# --- del --match --------------------------------------------------------
fresh
pd set app.jobs.lock 1
pd set app.cache.lock 2
pd set app.cache.data 3
pd set other.jobs.lock 4
run pd keys 'app.*.lock'
is_out "app.cache.lock
app.jobs.lock" "keys PATTERN lists what del --match PATTERN deletes"
run pd del --match 'app.*.lock'
is_run 0 "2" "" "del --match deletes the keys a glob names"
run pd keys
is_out "app.cache.data
other.jobs.lock" "... and no other"
feed 'del match=*.jobs.*' 'keys'
is_run 0 "1
app.cache.data" "" "in a stream: del match=PATTERN"
pd set hot 1
pd set hat 2
pd set hit.x 3
run pd del --match 'h[ao]t'
is_run 0 "2" "" "a one-part glob is over a key of the scope's namespace"
run pd del --match 'app.cache.data'
is_run 0 "1" "" "a pattern without a wildcard is a prefix, as keys reads it"

# --- grants and meta contexts -------------------------------------------
fresh
for n in a b c; do pd set app.$n.k 1; pd set app.$n.j 1; done
PRONTO_PASS=root-pw pd user add root --admin </dev/null
echo bob-pw >"$tmp/bob"
PRONTO_PASS=root-pw pd --user root user add bob --password-file "$tmp/bob"
PRONTO_PASS=root-pw pd --user root user grant bob app.a write
PRONTO_PASS=root-pw pd --user root user grant bob app.b read
bob() {
	run pd --user bob --password-file "$tmp/bob" "$@"
}
bob count 'app.*'
is_run 0 "4" "" "count honours grants: a namespace bob may not read counts none"
bob del --match 'app.*.k'
is_run 77 "" "prontodb: permission denied: write access to app.b" \
    "a key bob may read but not write refuses the whole del"
bob count 'app.*'
is_out "4" "... and none was deleted"
bob del --prefix app.a.
is_run 0 "2" "" "what bob may write he deletes"
bob del --prefix app.c.
is_run 0 "0" "" "a namespace bob may not read is invisible: none deleted"
run pd count 'app.*'
is_out "4" "... and app.c keeps its keys"

fresh
pd set app.s.k plain
pd --meta org set app.s.k org
pd --meta org set app.s.j org
run pd --meta org del --prefix app.
is_run 0 "2" "" "del --prefix in a meta context deletes its keys"
run pd keys
is_out "app.s.k" "... and none of the plain view's"

# --- globs in keys, scan, count, watch ---------------------------------
fresh
pd set app.config.host db1
pd set app.config.port 5432
pd set app.other.hx x
pd set app.other.y y
pd set 'app.odd.a*' star
pd set greeting hi
pd set green g
run pd keys 'app.*.h*'
is_run 0 "app.config.host
app.other.hx" "" "keys PATTERN: a glob over the whole address"
run pd keys 'app.config.*'
is_out "app.config.host
app.config.port" "keys app.config.*: the keys of one namespace"
run pd keys 'app.config.p?rt'
is_out "app.config.port" "? is one character"
run pd keys 'app.[a-d]*.*'
is_out "app.config.host
app.config.port" "[...] is a set"
run pd keys 'app.odd.a[*]'
is_out "app.odd.a*" "[*] is a literal star"
run pd keys 'gr*'
is_out "green
greeting" "a one-part glob names keys of the scope's namespace, printed relative"
run pd -p app -n config keys 'h*'
is_out "host" "-p and -n set the namespace of a one-part glob"
run pd keys 'nomatch.*'
is_run 0 "" "" "a glob that matches nothing lists nothing, exit 0"
run pd scan 'app.*.h*'
is_out "app.config.host=db1
app.other.hx=x" "scan PATTERN: names and values"
feed "keys app.*.h*" "scan app.config.p*"
is_run 0 "app.config.host
app.other.hx
app.config.port=5432" "" "in a stream: keys and scan PATTERN"
run pd keys 'a.b.c.d*'
is_run 64 "" "prontodb: prefix 'a.b.c.d*' has too many parts (at most project.namespace.key)" \
    "a glob of more than three parts is refused"
run pd -p app keys 'app.*.h*'
is_run 64 "" "prontodb: prefix 'app.*.h*' names its own project, and so does -p: give one or the other" \
    "a glob that names its namespace meets no -n"
pd watch --timeout 0 >/dev/null 2>&1
pd set app.config.host db2
pd set app.other.y y2
run pd watch --since 7 --timeout 0 'app.*.h*'
is_run 0 "8 set app.config.host db2" "" "watch PATTERN: the same glob"

# --- count ----------------------------------------------------------------
fresh
pd set app.config.host db1
pd set app.config.port 5432
pd set app.other.x x
pd set greeting hi
run pd count
is_run 0 "4" "" "count: every key, with no scope"
run pd count app.
is_out "3" "count PREFIX"
run pd count 'app.*.*o*'
is_out "2" "count PATTERN"
run pd count gr
is_out "1" "a one-part prefix counts the scope's namespace"
run pd -p app count
is_out "3" "-p sets the scope"
run pd count none.
is_run 0 "0" "" "counting none prints 0 and is no miss"
run pd --json count app.config.
is_out '{"count":2}' "--json: one record"
feed 'count app.' 'count app.*.x'
is_run 0 "3
1" "" "in a stream: count PREFIX and PATTERN"
T=1800000000000
pd --now-ms $T cache create app.tmp --ttl 10
pd --now-ms $T set app.tmp.a 1
pd --now-ms $((T + 5000)) set app.tmp.b 2
run pd --now-ms $((T + 9999)) count app.tmp.
is_out "2" "count counts live keys"
run pd --now-ms $((T + 10000)) count app.tmp.
is_out "1" "... not the expired ones"
run pd --now-ms $((T + 10000)) del --prefix app.tmp.
is_out "1" "del --prefix deletes the live keys, and counts those"

# --- get --default ------------------------------------------------------
fresh
pd set app.config.host db1
run pd get app.config.port --default 5432
is_run 0 "5432" "" "get --default prints VALUE on a miss, exit 0, no note"
run pd get app.config.host --default 5432
is_run 0 "db1" "" "... and the value when there is one"
run pd get app.config.port --default ''
printf '\n' >"$tmp/nl"
is_out_file "$tmp/nl" "an empty default prints an empty line"
run pd --json get app.config.port --default 5432
is_out '{"address":"app.config.port","value":"5432","default":true}' \
    "--json: the default's record says so"
run pd --json get app.config.host --default 5432
is_out '{"address":"app.config.host","value":"db1","revision":1}' \
    "... a key found is the record get always prints"
feed 'get app.config.port default=5432' 'get app.config.port'
is_run 2 "5432" "prontodb: <stdin>:2:1: app.config.port: not found" \
    "in a stream: get ADDR default=VALUE; without it a miss"

# --- get A B C ------------------------------------------------------------
fresh
pd set app.config.host db1
pd set app.config.port 5432
pd set greeting hi
run pd get app.config.port app.config.host greeting
is_run 0 "5432
db1
hi" "" "get A B C prints one value per address, in order"
run pd get app.config.host app.config.none app.config.port app.x.y
is_run 2 "db1

5432
" "prontodb: app.config.none, app.x.y: not found" \
    "a miss prints an empty line, one note names the misses, exit 2"
run pd -q get app.config.none app.config.host
is_run 2 "
db1" "" "-q: no note, still exit 2"
run pd get app.config.none app.config.host --default '?'
is_run 0 "?
db1" "" "--default stands in for each miss, exit 0"
run pd --json get app.config.host app.config.none
is_run 2 '{"address":"app.config.host","value":"db1","revision":1}
{"address":"app.config.none","found":false}' \
    "prontodb: app.config.none: not found" \
    "--json: one record each, a miss found false"
run pd --tsv get app.config.host app.config.none
is_out "app.config.host	db1
app.config.none	" "--tsv: one row each, a miss with an empty value"
feed 'get app.config.host greeting' 'get app.config.nope greeting'
is_run 2 "db1
hi

hi" "prontodb: <stdin>:2:1: app.config.nope: not found" \
    "in a stream: get A B"
run pd get app.config.host app..x
is_run 64 "" "prontodb: address 'app..x' has an empty part" \
    "a bad address among several is refused before anything is printed"
run pd get app.config.host greeting --raw
is_run 64 "" "prontodb: raw reads one key: its bytes have no end that another value could follow" \
    "--raw takes one address"
run pd -p app -n config get host port
is_out "db1
5432" "relative addresses resolve in the scope, each"

fresh
pd set app.a.k A
pd set app.b.k B
PRONTO_PASS=root-pw pd user add root --admin </dev/null
echo bob-pw >"$tmp/bob"
PRONTO_PASS=root-pw pd --user root user add bob --password-file "$tmp/bob"
PRONTO_PASS=root-pw pd --user root user grant bob app.a read
bob get app.a.k app.b.k
is_run 77 "" "prontodb: permission denied: read access to app.b" \
    "a key among several that may not be read refuses the whole get"
bob get app.a.k
is_run 0 "A" "" "... the one that may is read alone"

done_testing
