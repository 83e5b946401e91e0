#!/bin/sh
# bulk.sh - whole-program tests of large streams, whose writes are queued,
# sorted and applied by a writer thread in batches of 32,768 rows or
# 4 MiB: reads (and incr, del) see every earlier write, the last write to
# a key wins, new keys (inserted many at a time) get version 1 and keep
# their namespace's TTL, a dry run, a rolled-back block and -1 undo
# everything, namespaces seen for the first time mid-import are created,
# capped and moved namespaces behave as in a short stream, a group not in
# key order is sorted through runs on disk, and a write that fails (a
# full disk) undoes the whole group and stops the stream.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/bulk.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

# sets FIRST LAST FORMAT: a line per number i, FORMAT's %d i (twice).
sets() {
	awk -v a="$1" -v b="$2" -v f="$3" \
	    'BEGIN { for (i = a; i <= b; i++) printf(f "\n", i, i) }'
}

# spread FIRST LAST VALUE: set pD.n.kI VALUEI, D the last digit of I.
spread() {
	awk -v a="$1" -v b="$2" -v v="$3" \
	    'BEGIN { for (i = a; i <= b; i++)
	    printf("set p%d.n.k%d %s%d\n", i % 10, i, v, i) }'
}

fresh
# Keys spread over ten namespaces, so every batch holds all of them.
{
	spread 1 50000 v
	echo 'set p1.n.k11 early'
	echo 'get p3.n.k3'
	echo 'get p1.n.k11'
	spread 50001 100000 w
	echo 'set p1.n.k11 late'
	echo 'get p7.n.k99997'
	echo 'get p1.n.k11'
} >"$tmp/in"
run pd <"$tmp/in"
is_run 0 "v3
early
w99997
late" "" "a 100,000-set stream reads its own writes across batches"
run pd keys
is "$(wc -l <"$tmp/out")" 100000 "every key landed once"
run pd get p1.n.k11
is_out 'late' "the last write to a key wins"
run pd nss
is_run 0 "p0.n
p1.n
p2.n
p3.n
p4.n
p5.n
p6.n
p7.n
p8.n
p9.n" "" "namespaces first written mid-import exist as objects"

# Values larger than a run's read buffer come back whole from the runs.
fresh
big=$(head -c 100000 /dev/zero | tr '\000' y)
{
	sets 0 39999 'set r.n.k%d %d'
	echo "set r.n.big1 $big"
	sets 40000 79999 'set r.n.k%d %d'
	echo "set r.n.big2 ${big}z"
	echo 'set r.n.k5 again'
} >"$tmp/in"
run pd <"$tmp/in"
is_rc 0 "80,000 unordered sets with two 100 kB values"
run pd get r.n.big1
is "$(cat "$tmp/out")" "$big" "the first large value is whole"
run pd get r.n.big2
is "$(cat "$tmp/out")" "${big}z" "the second too"
run pd --json get r.n.k5
is_out '{"address":"r.n.k5","value":"again","revision":80003}' \
    "the later write of a key wins, with the revision of its statement"

# A queue is sorted by the first 16 bytes of its names, then by the
# names in full, then by arrival: keys that differ only past those 16
# bytes, and keys written twice, in scrambled order over three queues.
fresh
awk 'BEGIN { for (pass = 1; pass <= 2; pass++) for (i = 0; i < 40000; i++) {
	k = (i * (pass == 1 ? 7919 : 104729)) % 40000
	if (k % 2) printf("set s.n.a-long-shared-prefix-%05d %s%d\n", k,
	    pass == 1 ? "first" : "second", k)
	else printf("set s.n.k%05d-and-a-long-suffix %s%d\n", k,
	    pass == 1 ? "first" : "second", k)
} }' >"$tmp/in"
run pd <"$tmp/in"
is_rc 0 "80,000 scrambled sets of 40,000 keys, most alike past 16 bytes"
run pd scan s.n.
awk 'BEGIN { for (k = 1; k < 40000; k += 2)
	printf("s.n.a-long-shared-prefix-%05d=second%d\n", k, k)
	for (k = 0; k < 40000; k += 2)
	printf("s.n.k%05d-and-a-long-suffix=second%d\n", k, k) }' >"$tmp/want"
is "$(cmp "$tmp/out" "$tmp/want" 2>&1)" "" \
    "every key once, in key order, with its second write's value"

# Runs of new keys go in many to an INSERT; a run whose key range holds a
# key that exists, or a key twice, goes one upsert a row.  The versions
# say which writes each key saw.
fresh
run pd set v.n.k0150 kept
run pd set v.n.k0300 old
{
	sets 0 999 'set v.n.k%04d %d' | grep -v 'k0150 '
	echo 'set v.n.k0500 again'
} >"$tmp/in"
run pd <"$tmp/in"
is_rc 0 "1,000 sets among two keys that exist"
run pd keys v.n.
is "$(wc -l <"$tmp/out")" 1000 "every key is there once"
for k in 0000 0149 0150 0151 0299 0300 0301 0499 0500 0999; do
	run pd get v.n.k$k
	v=$(cat "$tmp/out")
	run pd meta get v.n.k$k version
	printf '%s %s %s\n' "$k" "$v" "$(cat "$tmp/out")"
done >"$tmp/got"
is "$(cat "$tmp/got")" "0000 0 1
0149 149 1
0150 kept 1
0151 151 1
0299 299 1
0300 300 2
0301 301 1
0499 499 1
0500 again 2
0999 999 1" "new keys have version 1, rewritten ones 2, the key not written is as it was"

# New keys of a TTL namespace, inserted many at a time, keep their expiry.
fresh
run pd --now-ms 1000000 cache create c.t --ttl 60
is_rc 0 "a TTL namespace"
sets 0 199 'set c.t.k%03d %d' >"$tmp/in"
run pd --now-ms 1000000 <"$tmp/in"
is_rc 0 "200 sets into it"
run pd --now-ms 1059999 keys c.t.
is "$(wc -l <"$tmp/out")" 200 "they live for the namespace's TTL"
run pd --now-ms 1060000 keys c.t.
is_run 0 "" "" "and are gone after it"

# Verbs that read before they write, and deletes, see the queued writes.
fresh
{
	sets 0 69999 'set p.n.k%d %d'
	echo 'incr p.n.k5 10'
	echo 'del p.n.k6'
	echo 'exists p.n.k6'
	echo 'get p.n.k69999'
} >"$tmp/in"
run pd <"$tmp/in"
is_run 2 "15
69999" "" "incr and del after 70,000 queued sets see them"
run pd keys p.n.
is "$(wc -l <"$tmp/out")" 69999 "and the store holds the rest"

# What is undone stays undone, however much was queued.
fresh
sets 0 69999 'set p.n.k%d %d' >"$tmp/in"
run pd --dry-run <"$tmp/in"
is_run 0 "" "prontodb: dry run: 70000 statements, 70000 ok, 0 failed, 0 rolled back; nothing written" \
    "a dry run of 70,000 sets"
run pd keys
is_run 0 "" "" "writes nothing"
{
	echo begin
	sets 0 69999 'set p.n.k%d %d'
	echo 'get p.n.k69999'
	echo rollback
	echo 'exists p.n.k0'
} >"$tmp/in"
run pd <"$tmp/in"
is_run 2 "69999" "" "a block of 70,000 sets reads its writes, then rolls back"
{
	sets 0 69999 'set p.n.k%d %d'
	echo frob
} >"$tmp/in"
run pd -1 <"$tmp/in"
is_run 65 "" "prontodb: <stdin>:70001:1: unknown verb 'frob'
prontodb: 70001 statements, 0 ok, 1 failed, 70000 rolled back" \
    "-1: an error after 70,000 sets undoes them all"
run pd keys
is_run 0 "" "" "and nothing of them is left"

fresh
run pd cache create c.capped --ttl 3600 --max_items 5
is_rc 0 "a capped namespace"
{
	sets 1 70000 'set big.n.k%d %d'
	sets 1 20 'set c.capped.k%02d %d'
	sets 70001 100000 'set big.n.k%d %d'
} >"$tmp/in"
run pd <"$tmp/in"
is_rc 0 "a stream writing a capped namespace among 100,000 sets"
run pd keys c.capped.
is_out "c.capped.k16
c.capped.k17
c.capped.k18
c.capped.k19
c.capped.k20" "the cap keeps the newest keys, as in a short stream"

fresh
run pd table create t1
is_rc 0 "a key table"
{
	sets 1 40000 'set m.n.a%d %d'
	echo 'ns set m.n table=t1'
	sets 1 40000 'set m.n.b%d %d'
} >"$tmp/in"
run pd <"$tmp/in"
is_rc 0 "a namespace moved to another table mid-import"
run pd --json table describe t1
rows=$(sed -n 's/.*"rows":\([0-9]*\).*/\1/p' "$tmp/out")
is "$rows" 80000 "its keys before and after the move are all in the new table"

# full_disk ORDER: 40 MB of sets (more than the 32 MiB page cache) in key
# order or not, under a file size limit that stops them half way, in the
# database (a bulk load into a small database is written without the
# WAL; tests/load.sh has one through the WAL) or in the sort file that
# holds the runs of an unordered group.
full_disk() {
	fresh
	run pd set keep.n.k 1
	is_rc 0 "a key written before"
	awk -v order="$1" 'BEGIN { v = sprintf("%2000s", ""); gsub(/ /, "x", v);
	    for (i = 1; i <= 20000; i++) {
		k = order == "sorted" ? i : (i * 7919) % 20011
		printf("set big.n.k%05d %s\n", k, v)
	    }
	    print "set after.n.k 1" }' >"$tmp/in"
	# prontodb ignores SIGXFSZ itself: the write fails with EFBIG.
	(
		ulimit -f 8192
		exec "$PRONTODB" --home "$home" <"$tmp/in" >"$tmp/out" \
		    2>"$tmp/err"
	)
	rc=$?
	if [ "$backend" = server ]; then
		# The server writes the rows: the client's limit stops nothing.
		is_rc 0 "on a server: $1 keys under the client's file size limit: the import succeeds"
		run pd count big.
		is_run 0 "20000" "" "on a server: $1 keys: every key of the group is there"
		run pd exists after.n.k
		is_rc 0 "on a server: $1 keys: and the statement after it"
	else
		disk_filled "$@"
	fi
	run pd get keep.n.k
	is_run 0 "1" "" "$1 keys: earlier data is untouched"
	run pd check
	is_rc 0 "$1 keys: the database is intact"
	if [ "$backend" = server ]; then
		is "$(ls -A "$home/.local/share/prontodb" 2>/dev/null | wc -l)" 0 \
		    "on a server: $1 keys: no file is written on the client"
	else
		run ls -A "$home/.local/share/prontodb"
		is_out "main.db" "$1 keys: no file is left behind"
	fi
}

# disk_filled ORDER WHY: what full_disk's import did on SQLite, where the
# file size limit stopped it.
disk_filled() {
	is_rc 74 "$1 keys, a disk that fills up mid-import: exit 74"
	# The writer's failure shows at the next statement that waits for
	# it, or at the commit if none does: which depends on where SQLite
	# first spills pages.
	sed 's/:[0-9]*:1: /:N:1: /; s/^\(prontodb: \)[0-9]* statements, 0 ok, 1 failed, [0-9]* rolled back$/\1SUMMARY/' \
	    "$tmp/err" >"$tmp/err.norm"
	got=$(cat "$tmp/err.norm")
	why=$(printf '%s\n' "$2" | sed "s|DATA|$home/.local/share/prontodb|")
	at_stmt="prontodb: <stdin>:N:1: $why; the transaction's writes were rolled back
prontodb: SUMMARY"
	# Every statement was read, and the commit undid them all.
	at_commit="prontodb: commit failed: $why; the transaction's writes were rolled back
prontodb: 20001 statements, 0 ok, 0 failed, 20001 rolled back"
	if [ "$got" = "$at_commit" ]; then
		is "$got" "$at_commit" \
		    "$1 keys: it says the group's writes were rolled back"
	else
		is "$got" "$at_stmt" \
		    "$1 keys: it says the group's writes were rolled back"
	fi
	run pd keys big.
	is_run 0 "" "" "$1 keys: none of the group's keys remain"
	run pd exists after.n.k
	is_rc 2 "$1 keys: the stream stopped, nothing after it was written"
}
full_disk sorted "cannot write DATA/main.db: File too large"
full_disk unsorted "cannot write the sort file: File too large"

done_testing
