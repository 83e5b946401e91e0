#!/bin/sh
# ttl.sh - TTL namespaces, expiry, purging and max_items, with a pinned
# clock (--now-ms) so that no test has to sleep but one.
. "$top_srcdir/tests/tap.sh"

T=1800000000000
at() {
	ms=$1
	shift
	"$PRONTODB" --home "$home" --now-ms "$ms" "$@"
}

fresh
at $T set s.tok.old 1
run at $T cache create s.tok --ttl 10
is_run 0 "" "" "cache create converts a standard namespace"
run at $T ttl s.tok.old
is_out "-1" "its existing keys keep no expiry"
at $T set s.tok.a A
run at $T ttl s.tok.a
is_out "10000" "a write gets the namespace's TTL, in milliseconds"
run at $((T + 9999)) get s.tok.a
is_out "A" "a key lives until its last millisecond"
run at $((T + 10000)) get s.tok.a
is_run 2 "" "prontodb: s.tok.a: not found" "then it is a miss"
run at $((T + 10000)) exists s.tok.a
is_rc 2 "exists says it is gone"
run at $((T + 10000)) keys s.tok.
is_out "s.tok.old" "keys skip it"
run at $((T + 10000)) scan s.tok.
is_out "s.tok.old=1" "scan skips it"
run at $((T + 10000)) ns describe s.tok
grep '^keys' "$tmp/out" >"$tmp/k"
run cat "$tmp/k"
is_out "keys         1" "counts skip it"
run at $((T + 10000)) get s.tok.a --include-expired
is_out "A" "get --include-expired still finds it"
run at $((T + 10000)) ttl s.tok.a
is_run 2 "" "prontodb: s.tok.a: not found" "ttl of an expired key is a miss"

# Per-write TTLs, and what is refused.
at $T set s.tok.short x --ttl 0.25
run at $T ttl s.tok.short
is_out "250" "--ttl overrides the default, to the millisecond"
# Durations take units wherever seconds are expected.
for d in 90:90000 90s:90000 30m:1800000 2h:7200000 1d:86400000 \
    1500ms:1500 1.5:1500; do
	at $T set s.tok.dur x "ttl=${d%%:*}"
	run at $T ttl s.tok.dur
	is_out "${d#*:}" "ttl=${d%%:*} is ${d#*:} ms"
done
at $T expire s.tok.dur 2h
run at $T ttl s.tok.dur
is_out "7200000" "expire ADDR 2h"
run at $T cache create s.units 30m
run at $T ttl s.units.k
at $T set s.units.k v
run at $T ttl s.units.k
is_out "1800000" "cache create P.N 30m"
run at $T cache set s.units timeout=45
is_run 0 "" "" "cache set P.N timeout=45 (upstream's name for ttl)"
at $T set s.units.k v
run at $T ttl s.units.k
is_out "45000" "... changes the TTL"
run at $T set s.tok.dur x ttl=5x
is_run 64 "" "prontodb: ttl must be a duration from 1ms to 366000d (seconds, or 1500ms, 90s, 30m, 2h, 1d), not '5x'" \
    "an unknown unit is refused"
run at $T set s.tok.dur x ttl=400000d
is_run 64 "" "prontodb: ttl must be a duration from 1ms to 366000d (seconds, or 1500ms, 90s, 30m, 2h, 1d), not '400000d'" \
    "a duration past a thousand years is refused"
run at $T set s.plain.k v --ttl 5
is_run 64 "" "prontodb: ttl= needs a TTL namespace: s.plain is a standard one (cache create s.plain ttl=SECONDS)" \
    "ttl= on a standard namespace is an error"
run at $T get s.plain.k
is_rc 2 "... and writes nothing"
run at $T set s.tok.k v --ttl 0
is_run 64 "" "prontodb: ttl must be a duration from 1ms to 366000d (seconds, or 1500ms, 90s, 30m, 2h, 1d), not '0'" \
    "ttl=0 is an error, not expired"

# expire and persist change one key.
at $T set s.plain.p v
run at $T expire s.plain.p 3
is_run 0 "" "" "expire"
run at $T ttl s.plain.p
is_out "3000" "expire sets the remaining time"
run at $T persist s.plain.p
run at $T ttl s.plain.p
is_out "-1" "persist removes the expiry"
run at $T expire s.plain.nope 3
is_rc 2 "expire of a missing key is a miss"

# meta:ttl in a stream.
printf 'meta:path=s.tok;\nmeta:ttl=2;\nz=1;\nttl z\n' >"$tmp/in"
run at $T <"$tmp/in"
is_run 0 "2000" "" "meta:ttl sets the TTL of later sets"
printf 'meta:path=s.plain;\nmeta:ttl=2;\n' >"$tmp/in"
run at $T <"$tmp/in"
is_run 65 "" "prontodb: <stdin>:2:1: meta:ttl needs a TTL namespace: s.plain is a standard one
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" "meta:ttl on a standard namespace is an error"

# System metakeys.
run at $T meta get s.tok.z expires
is_out "2027-01-15T08:00:02.000Z" "the expires metakey"
run at $((T + 500)) meta get s.tok.z ttl
is_out "1500" "the ttl metakey counts down"

# Purging: reads never write; writers and cache sweep purge.
fresh
at $T cache create c.n --ttl 1
at $T set c.n.a 1
at $T set c.n.b 2
db="$home/.local/share/prontodb/main.db"
rows() {
	"$PRONTODB" --home "$home" --now-ms 0 keys c.n. | wc -l | tr -d ' '
}
at $((T + 5000)) get c.n.a >/dev/null 2>&1
run rows
is_out "2" "a read does not purge (the rows are still there)"
run at $((T + 5000)) cache sweep c.n
is_run 0 "2" "" "cache sweep purges and prints how many"
run rows
is_out "0" "the rows are gone"
at $T set c.n.c 3
at $((T + 5000)) set c.n.x 1
run rows
is_out "1" "a writer of expiring keys purges expired rows as it commits"

# max_items evicts the oldest by update time, in the same transaction.
fresh
at $T cache create m.c --ttl 100 --max_items 3
for i in 1 2 3 4 5; do at $((T + i)) set m.c.k$i $i; done
run at $((T + 10)) keys m.c.
is_out "m.c.k3
m.c.k4
m.c.k5" "max_items keeps the newest keys"
at $((T + 11)) set m.c.k3 again
at $((T + 12)) set m.c.k6 6
run at $((T + 13)) keys m.c.
is_out "m.c.k3
m.c.k5
m.c.k6" "an update makes a key young again"

# cache set, list, drop, and the upstream forms.
fresh
run at $T create-cache u.v 30
is_run 0 "" "" "create-cache P.N SECONDS"
run at $T create-cache u.w --timeout 30
is_run 0 "" "" "create-cache P.N timeout=SECONDS"
run at $T admin create-cache u.x 30
is_run 0 "" "" "admin create-cache"
at $T set u.v.k 1
run at $T cache set u.v --ttl 60 --apply all
is_run 0 "" "" "cache set with apply=all"
run at $T ttl u.v.k
is_out "60000" "apply=all gave existing keys the new TTL"
run at $T nss
is_out "u.v
u.w
u.x" "nss prints project.namespace lines, without the kind"
run at $T --tsv nss
is_out "u.v	ttl
u.w	ttl
u.x	ttl" "nss --tsv shows the kind of each namespace"
run at $T --json nss
is_out '{"namespace":"u.v","kind":"ttl","ttl_ms":60000}
{"namespace":"u.w","kind":"ttl","ttl_ms":30000}
{"namespace":"u.x","kind":"ttl","ttl_ms":30000}' \
    "nss --json shows the kind and the TTL"
run at $T cache list
is_out "u.v 60000
u.w 30000
u.x 30000" "cache list"
run at $T cache describe u.w
grep -E '^(kind|ttl_ms)' "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "kind         ttl
ttl_ms       30000" "cache describe"
run at $T cache describe s.plain
is_rc 1 "cache describe of a standard namespace is an error"
run at $T cache drop u.v
is_run 0 "" "" "cache drop"
run at $T ttl u.v.k
is_out "-1" "a dropped cache's keys stay, without expiry"
run at $T cache set u.v --ttl 5
is_run 1 "" "prontodb: u.v is not a cache (cache create u.v ttl=SECONDS)" \
    "cache set of a standard namespace"
run at $T --json ns describe u.w
jq -e '.kind == "ttl" and .ttl_ms == 30000' <"$tmp/out" >/dev/null 2>&1 ||
    [ ! -x "$(command -v jq)" ]
is $? 0 "ns describe shows the kind and TTL (JSON)"

# Expiry during a long stream, on the real clock.
fresh
pd cache create r.n --ttl 0.2
( echo 'set r.n.k v'; echo 'get r.n.k'; sleep 0.5; echo 'get r.n.k' ) |
    "$PRONTODB" --home "$home" >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 2 "v" "prontodb: <stdin>:3:1: r.n.k: not found" \
    "a key expires in the middle of a stream"

done_testing
