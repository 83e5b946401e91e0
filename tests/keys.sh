#!/bin/sh
# keys.sh - compare-and-set, incr and metakeys, from argv and streams.
. "$top_srcdir/tests/tap.sh"

# --- compare-and-set ------------------------------------------------------
fresh
pd set p.n.k v1
run pd set p.n.k v2 --if-version 1
is_run 0 "" "" "if-version=N writes when the version matches"
run pd set p.n.k v3 --if-version 1
is_run 2 "" "prontodb: p.n.k: version is 2, not 1" \
    "if-version=N with a stale version is a miss, with the current version"
run pd get p.n.k
is_out "v2" "a failed if-version wrote nothing"
run pd set p.n.k v3 --if-absent
is_run 2 "" "prontodb: p.n.k: exists (if-absent)" \
    "if-absent on an existing key is a miss"
run pd set p.n.fresh v --if-absent
is_run 0 "" "" "if-absent creates a missing key"
run pd set p.n.gone v --if-version 3
is_run 2 "" "prontodb: p.n.gone: not found (if-version=3)" \
    "if-version on a missing key is a miss"
run pd keys p.n.gone
is_out "" "a failed if-version on a missing key creates nothing"
run pd set p.n.k v --if-version 0
is_run 64 "" "prontodb: if-version must be an integer from 1 to 9223372036854775807, not '0'" \
    "if-version must be positive"
run pd set p.n.k v --if-version 1 --if-absent
is_run 64 "" "prontodb: if-absent and if-version= exclude each other" \
    "if-absent and if-version together are refused"
printf 'set p.n.s a if-absent\nset p.n.s b if-absent\nget p.n.s\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 2 "a" "prontodb: <stdin>:2:1: p.n.s: exists (if-absent)" \
    "in a stream, if-absent is a bare option and a miss goes on"

# --- incr ---------------------------------------------------------------
fresh
run pd incr p.c.n
is_run 0 "1" "" "incr of a missing key starts from 0"
run pd incr p.c.n 41
is_out "42" "incr BY adds BY"
run pd incr p.c.n -50
is_out "-8" "incr takes a negative step"
run pd get p.c.n
is_out "-8" "incr stores the number as text"
pd set p.c.word hello
run pd incr p.c.word
is_run 1 "" "prontodb: p.c.word: value is not an integer" \
    "incr of a non-integer is an error"
run pd incr p.c.n 1x
is_run 64 "" "prontodb: increment must be an integer from -9223372036854775808 to 9223372036854775807, not '1x'" \
    "a bad step is a usage error"
pd set p.c.big 9223372036854775807
run pd incr p.c.big
is_run 1 "" "prontodb: integer overflow" "incr refuses to overflow"
run pd get p.c.big
is_out "9223372036854775807" "an overflowing incr writes nothing"

# 4 processes x 250 increments: no lost update.
i=0
while [ $i -lt 4 ]; do
	( j=0; while [ $j -lt 250 ]; do
		pd incr p.c.shared >/dev/null || echo fail
		j=$((j + 1))
	done ) >"$tmp/incr.$i" 2>&1 &
	i=$((i + 1))
done
wait
run cat "$tmp/incr.0" "$tmp/incr.1" "$tmp/incr.2" "$tmp/incr.3"
is_out "" "4 concurrent incrementers see no errors"
run pd get p.c.shared
is_out "1000" "4 x 250 concurrent increments end at 1000"

# --- metakeys -------------------------------------------------------------
fresh
pd set p.m.k value
run pd meta set p.m.k owner alice
is_run 0 "" "" "meta set on an existing key"
run pd meta get p.m.k owner
is_out "alice" "meta get prints it"
run pd meta get p.m.k version
is_out "1" "system metakeys are readable"
run pd meta get p.m.k size
is_out "5" "size is the value's length in bytes"
run pd meta list p.m.k
sed 's/=.*T.*Z$/=TIME/' "$tmp/out" >"$tmp/list"
run cat "$tmp/list"
is_out "created=TIME
updated=TIME
version=1
revision=2
size=5
expires=never
ttl=-1
owner=alice" "meta list shows system metakeys then user ones"
run pd meta set p.m.k version 9
is_run 64 "" "prontodb: 'version' is a read-only system metakey" \
    "system metakeys are read-only"
run pd meta set p.m.nokey owner bob
is_run 2 "" "prontodb: p.m.nokey: not found" \
    "meta set on a missing key is a miss"
run pd meta get p.m.k color
is_run 2 "" "prontodb: p.m.k: no metakey 'color'" \
    "a missing metakey is a miss"
run pd meta del p.m.k owner
is_run 0 "" "" "meta del"
run pd meta del p.m.k owner
is_run 2 "" "prontodb: p.m.k: no metakey 'owner'" \
    "meta del of a missing metakey is a miss"
pd meta set p.m.k owner alice
pd set p.m.k value2
run pd meta get p.m.k owner
is_out "alice" "overwriting a key keeps its metakeys"
pd del p.m.k
pd set p.m.k reborn
run pd meta get p.m.k owner
is_run 2 "" "prontodb: p.m.k: no metakey 'owner'" \
    "deleting a key deletes its metakeys"
pd meta set p.m.k color blue
run pd scan p.m. --meta
is_out "p.m.k=reborn
  color=blue" "scan --meta shows each key's metakeys under it"
printf 'scan p.m. meta\n' >"$tmp/in"
run pd <"$tmp/in"
is_out "p.m.k=reborn
  color=blue" "a bare meta after the prefix in a stream"
printf 'set p.m.s v\nmeta set p.m.s "content-type" "text/plain"\nmeta get p.m.s content-type\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 0 "text/plain" "" "metakeys of a key set earlier in the same stream"

done_testing
