#!/bin/sh
# watch.sh - revisions, the change log, watch and wait (issue 13): every
# committed change takes the next revision, a block one range in statement
# order; a watcher in another process prints each change once its
# transaction commits, in order, never a rolled-back one, replays with
# --since (after a restart too) until the log was trimmed, reports an
# expiring key when it expires without anyone reading it, and never shows
# a change its user could not read; wait blocks until a condition holds.
#
# Watchers run in the background with --count and --timeout, so that no
# test can hang, and with --since the revision before the changes they
# should see, so that none is missed however late one starts; "logging"
# turns the change log on first, "started" gives a watcher time to start
# where a test is about what it sees while it runs.
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY PRONTO_CHANGES_KEEP PRONTO_CHANGES_MAX_AGE

# rev ADDR: the key's revision, as meta get shows it.
rev() {
	pd meta get "$1" revision
}

# bg NAME ARGS...: run prontodb ARGS in the background, stdout and stderr
# into $tmp/NAME.out and .err, its exit status into $tmp/NAME.rc.
bg() {
	bg_name=$1
	shift
	rm -f "$tmp/$bg_name.rc"
	{
		"$PRONTODB" --home "$home" "$@" >"$tmp/$bg_name.out" \
		    2>"$tmp/$bg_name.err"
		echo $? >"$tmp/$bg_name.rc"
	} &
}

# logging: turn the change log on, as the first watch does.
logging() {
	pd watch --timeout 0 >/dev/null 2>&1
}

# started: give a background watcher a moment to start and read.
started() {
	sleep 0.5
}

# done_bg NAME: wait for background job NAME, then load its results as
# run would.
done_bg() {
	wait
	cp "$tmp/$1.out" "$tmp/out"
	cp "$tmp/$1.err" "$tmp/err"
	rc=$(cat "$tmp/$1.rc")
}

# --- revisions -------------------------------------------------------------
fresh
pd set app.a.k1 one
pd set app.a.k2 two
run rev app.a.k1
is_run 0 "1" "" "meta get ADDR revision: the first change is revision 1"
run rev app.a.k2
is_out "2" "the next change takes the next revision"
pd incr app.a.n >/dev/null
pd meta set app.a.k1 owner ops
run rev app.a.k1
is_out "4" "a metakey set is a change of its key"
pd meta del app.a.k1 owner
pd cache create app.t --ttl 1h
pd set app.t.k v
pd expire app.t.k 2h
run rev app.t.k
is_out "7" "meta del, then a set and an expire take one each"
pd persist app.t.k
run rev app.t.k
is_out "8" "persist too"
run pd --json get app.a.k2
is_out '{"address":"app.a.k2","value":"two","revision":2}' \
    "--json get carries the revision"
run pd meta list app.a.k2
sed -n 's/^revision=//p' "$tmp/out" >"$tmp/r"
is "$(cat "$tmp/r")" "2" "meta list shows it after version"
printf 'begin\nset app.b.z 1\nset app.b.a 2\nset app.b.m 3\ndel app.a.k2\ncommit\n' |
    pd
is "$(rev app.b.z) $(rev app.b.a) $(rev app.b.m)" "9 10 11" \
    "a block takes one range, in statement order (not key order)"
printf 'begin\nset app.b.q 1\nset app.b.r 2\nrollback\nset app.b.s 3\n' | pd
is "$(rev app.b.s)" "13" "a rolled-back block gives its revisions back"
printf 'set app.c.x 1\nfrob\nset app.c.y 2\n' | pd 2>/dev/null
is "$(rev app.c.x) $(rev app.c.y)" "14 15" \
    "a failed statement between grouped writes takes none"

# --- watch: what it prints --------------------------------------------------
fresh
pd set app.jobs.a 1
logging
bg w watch app.jobs. --since 1 --count 5 --timeout 10
started
pd set app.jobs.b "two words"
pd set app.other.c 3
pd del app.jobs.a
pd meta set app.jobs.b owner ops
pd cache create app.jobs --ttl 1h
pd set app.jobs.c x
pd expire app.jobs.c 2h
done_bg w
is_run 0 "2 set app.jobs.b two words
4 del app.jobs.a
5 meta app.jobs.b
6 set app.jobs.c x
7 ttl app.jobs.c" "" \
    "watch PREFIX: revision, op, address and a set's value, a line each"
run pd watch app.jobs. --since 1 --timeout 0 --json
is_run 0 '{"revision":2,"op":"set","address":"app.jobs.b","value":"two words"}
{"revision":4,"op":"del","address":"app.jobs.a"}
{"revision":5,"op":"meta","address":"app.jobs.b"}
{"revision":6,"op":"set","address":"app.jobs.c","value":"x"}
{"revision":7,"op":"ttl","address":"app.jobs.c"}' "" \
    "--since replays; --json records"
run pd watch --since 1 --timeout 0 --tsv --header --keys-only 'app.*.c'
is_run 0 "revision	op	address	value
3	set	app.other.c	
6	set	app.jobs.c	
7	ttl	app.jobs.c	" "" \
    "--tsv --header, --keys-only, and a glob over the whole address"
run pd watch --since 1 --timeout 0 'app.jobs.[ab]' app.other
is_out "2 set app.jobs.b two words
3 set app.other.c 3
4 del app.jobs.a
5 meta app.jobs.b" "several patterns; changes come once, in order"
run pd -p app -n jobs watch --since 5 --timeout 0 c
is_out "6 set app.jobs.c x
7 ttl app.jobs.c" "a one-part prefix is a key's, in the scope, as for keys"
run pd watch --since 5 --timeout 0 app.jobs
is_out "6 set app.jobs.c x
7 ttl app.jobs.c" "p.n names a namespace, as for keys"
run pd watch a.b.c.d
is_run 64 "" "prontodb: pattern 'a.b.c.d' has too many parts (at most project.namespace.key)" \
    "a pattern has at most three parts"
run pd watch --since 5 --timeout 0 --count 1
is_run 0 "6 set app.jobs.c x" "" "--count N stops after N"
run pd watch app.jobs. --timeout 0.2
is_run 2 "" "prontodb: no change within 200ms" \
    "--timeout S exits 2 when nothing came"
run pd watch app.jobs. --timeout 5x
is_run 64 "" "prontodb: timeout must be a duration from 0 to 366000d (seconds, or 1500ms, 90s, 30m, 2h, 1d), not '5x'" \
    "a bad --timeout is a usage error"
run pd watch app. --since -1
is_rc 64 "--since takes a revision"
printf 'set app.jobs.d 1\nwatch app.jobs.d --since 7 --count 1\nget app.jobs.d\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 0 "8 set app.jobs.d 1
1" "" "in a stream, watch first commits the writes before it"
printf 'begin\nwatch app. --timeout 0\ncommit\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 65 "" "prontodb: <stdin>:2:1: watch cannot run inside a transaction (begin, -1 or --dry-run)
prontodb: 3 statements, 0 ok, 1 failed, 2 rolled back" "... and refuses a block"

# --- watch: across processes ------------------------------------------------
fresh
pd set app.x.init 0
logging
bg w watch app.x. --since 1 --count 3 --timeout 10
started
mkfifo "$tmp/fifo"
pd <"$tmp/fifo" >"$tmp/writer.out" 2>&1 &
exec 3>"$tmp/fifo"
printf 'begin\nset app.x.b 1\nset app.x.a 2\ndel app.x.init\n' >&3
sleep 1
is "$(cat "$tmp/w.out")" "" "a watcher sees nothing of a block before its commit"
printf 'commit\n' >&3
exec 3>&-
done_bg w
is_run 0 "2 set app.x.b 1
3 set app.x.a 2
4 del app.x.init" "" "... and all of it after, in statement order"

bg w watch app.x. --since 4 --timeout 1.5
started
printf 'begin\nset app.x.gone 1\nrollback\n' | pd
done_bg w
is_run 2 "" "prontodb: no change within 1500ms" \
    "a rolled-back block makes no event"

# --since after a restart: a new watcher takes up where the last left off.
bg w watch app.x. --since 4 --count 1 --timeout 10
pd set app.x.c 3
done_bg w
last=$(cut -d' ' -f1 "$tmp/out")
pd set app.x.d 4
pd set app.y.e 5
pd set app.x.f 6
run pd watch app.x. --since "$last" --timeout 0
is_run 0 "6 set app.x.d 4
8 set app.x.f 6" "" "--since the last revision seen replays what came after"

# A bulk import commits as one range; a watcher reads it all, in order.
# 70,000 rows in random order fill two queues, sorted and spilled as runs.
awk 'BEGIN { for (i = 0; i < 70000; i++) printf "set app.bulk.k%d %d\n", (i * 7919) % 70000, i }' >"$tmp/bulk"
bg w watch app.bulk. --since "$(rev app.x.f)" --count 70000 --timeout 60 \
    --keys-only
started
pd <"$tmp/bulk"
done_bg w
awk '{ print $1 }' "$tmp/out" >"$tmp/revs"
first=$(head -1 "$tmp/revs")
awk -v f="$first" '$1 != f + NR - 1 { bad++ } END { print NR, bad + 0 }' \
    "$tmp/revs" >"$tmp/check"
is "$(cat "$tmp/check")" "70000 0" \
    "a spilled import's 70,000 changes come in statement order, no gaps"
is "$(sed -n 1p "$tmp/out") $(sed -n 70000p "$tmp/out")" \
    "$first set app.bulk.k0 $((first + 69999)) set app.bulk.k62081" \
    "... each with the key of its statement"
run pd meta get app.bulk.k62081 revision
is_out "$((first + 69999))" "... which is the key's revision"

# --- the log's retention: "compacted" ----------------------------------------
fresh
pd set app.z.before 1
run pd watch --since 0 --timeout 0
is_run 1 "" "prontodb: revision 0 is compacted: the oldest revision kept is 2" \
    "--since before logging began is compacted, naming the oldest kept"
for i in 1 2 3 4 5 6; do
	PRONTO_CHANGES_KEEP=3 pd set app.z.k$i $i
done
run pd watch --since 2 --timeout 0
is_run 1 "" "prontodb: revision 2 is compacted: the oldest revision kept is 5" \
    "changes_keep=3: the log keeps the last 3 revisions (and a few more)"
run pd watch --since 4 --timeout 0
is_run 0 "5 set app.z.k4 4
6 set app.z.k5 5
7 set app.z.k6 6" "" "... which replay"
run pd config set changes_keep 0
is_run 64 "" "prontodb: changes_keep must be a number of revisions from 1 to 1000000000000, not '0'" \
    "changes_keep must be a positive count"
run pd config set changes_max_age soon
is_run 64 "" "prontodb: changes_max_age must be a duration from 1ms to 366000d (seconds, or 1500ms, 90s, 30m, 2h, 1d), not 'soon'" \
    "changes_max_age must be a duration"
sleep 1
PRONTO_CHANGES_MAX_AGE=500ms pd set app.z.k7 7
run pd watch --since 7 --timeout 0
is_run 0 "8 set app.z.k7 7" "" \
    "changes_max_age=500ms: a commit trims what is older"
run pd watch --since 6 --timeout 0
is_rc 1 "... so that older revisions are compacted"

# --- expiry and eviction, without readers ------------------------------------
fresh
pd cache create app.s --ttl 1
pd set app.s.old v
sleep 1.1
run pd watch app.s. --timeout 0
is_run 0 "2 expire app.s.old" "" \
    "a key that expired unread is reported when a watcher starts"
start=$(date +%s%N)
pd set app.s.new v
bg w watch app.s. --since 3 --count 1 --timeout 10
done_bg w
took=$((($(date +%s%N) - start) / 1000000))
is_run 0 "4 expire app.s.new" "" \
    "a key set while watching is reported when it expires"
ok "... within a second of its expiry, unread ($took ms after its 1 s TTL began)" \
    test "$took" -lt 2000
run pd get app.s.new --include-expired
is_rc 2 "the watcher purged it"

pd cache create app.cap --ttl 1h --max_items 2
bg w watch app.cap. --since 4 --count 4 --timeout 10 --keys-only
pd set app.cap.a 1
pd set app.cap.b 2
pd set app.cap.c 3
done_bg w
is_run 0 "5 set app.cap.a
6 set app.cap.b
7 set app.cap.c
8 evict app.cap.a" "" "an eviction from a full namespace is a change too"

# --- grants ------------------------------------------------------------------
fresh
printf 'Rt-9f3a1c#pw\n' >"$tmp/rootpw"
printf 'Rd-4c1e2b-pw\n' >"$tmp/readpw"
pd user add root --password-file "$tmp/rootpw" >/dev/null
rootkey=$(pd --user root --password-file "$tmp/rootpw" apikey create root)
PRONTO_API_KEY=$rootkey pd user add reader --password-file "$tmp/readpw"
PRONTO_API_KEY=$rootkey pd user grant reader app.pub read
readkey=$(pd --user reader --password-file "$tmp/readpw" apikey create reader)
logging
rm -f "$tmp/w.rc"
{
	PRONTO_API_KEY=$readkey "$PRONTODB" --home "$home" watch app. \
	    --since 0 --count 1 --timeout 10 >"$tmp/w.out" 2>"$tmp/w.err"
	echo $? >"$tmp/w.rc"
} &
PRONTO_API_KEY=$rootkey pd set app.priv.secret s3cr3t
PRONTO_API_KEY=$rootkey pd set app.pub.notice hello
done_bg w
is_run 0 "2 set app.pub.notice hello" "" \
    "a watcher never learns of a change it may not read"
run env PRONTO_API_KEY="$readkey" "$PRONTODB" --home "$home" watch \
    --since 0 --timeout 0
is_run 0 "2 set app.pub.notice hello" "" "... nor when it replays"

# A database dropped under a watcher ends it.
pd db create other
pd -d other set app.o.k 1
bg w -d other watch --timeout 10
started
pd db drop other --force
done_bg w
if [ "$backend" = server ]; then
	is_run 1 "" "prontodb: database 'other' was removed, renamed or restored: run it again" \
	    "on a server: a watcher whose database is dropped ends, and says why by its name"
else
	is_run 1 "" "prontodb: $home/.local/share/prontodb/other.db was removed, renamed or restored: run it again" \
	    "a watcher whose database is dropped ends, and says why"
fi

# A meta context is a view of its own: its watchers see its changes only,
# and no other view sees them.
fresh
logging
pd --meta acme set app.x.k 1
pd set app.x.k 2
pd --meta other set app.x.k 3
run pd --meta acme watch --since 0 --timeout 0
is_run 0 "1 set app.x.k 1" "" "a watcher in a meta context sees its own changes"
run pd watch --since 0 --timeout 0
is_run 0 "2 set app.x.k 2" "" "... and one outside any sees none of them"

# --- wait --------------------------------------------------------------------
fresh
pd set app.w.k v
run pd wait app.w.k
is_run 0 "" "" "wait ADDR: a key that exists is there at once"
run pd wait app.w.nope --timeout 0.3
is_run 2 "" "prontodb: app.w.nope does not exist (timeout)" \
    "--timeout S: exit 2 with a note"
run pd -q wait app.w.nope --timeout 0
is_run 2 "" "" "-q: no note; --timeout 0 looks once"
bg w wait app.w.result --for exists --timeout 10
started
pd set app.w.result 42
done_bg w
is_run 0 "" "" "--for exists: until the job wrote its result"
bg w wait app.w.k --for absent --timeout 10
started
pd del app.w.k
done_bg w
is_run 0 "" "" "--for absent: until it is deleted"
bg w wait app.w.result --for change --timeout 10
started
pd meta set app.w.result owner ops
done_bg w
is_run 0 "" "" "--for change: any change, a metakey too"
pd cache create app.wt --ttl 1
pd set app.wt.k v
start=$(date +%s)
run pd wait app.wt.k --for absent --timeout 10
is_run 0 "" "" "--for absent: until it expires, unread"
ok "... when it expires" test $(($(date +%s) - start)) -le 2
run pd wait app.w.k --for gone
is_run 64 "" "prontodb: for must be exists, absent or change, not 'gone'" \
    "--for takes exists, absent or change"

# --- no busy polling; latency ------------------------------------------------
fresh
pd set app.idle.k v
bg w watch app.idle. --timeout 3
started
pid=$(pgrep -n -f "watch app.idle. --timeout 3" || true)
if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
	t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	sleep 2
	t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	ok "an idle watcher uses no CPU in 2 s (ticks: $t0 then $t1)" \
	    test "$t1" -le "$((t0 + 1))"
else
	tap_result 0 "an idle watcher uses no CPU # SKIP no /proc"
fi
done_bg w
is_rc 2 "... and ends at its timeout"

# 50 changes from a stream in another process, each stamped when written:
# the watcher prints them well within 100 ms (the median, on a loaded
# machine; bench/bench.sh measures it closely).
pd set app.lat.start 0
"$PRONTODB" --home "$home" watch app.lat. --since "$(rev app.lat.start)" \
    --count 50 --timeout 30 |
    while read -r r op a v; do
	    echo $((($(date +%s%N) - v) / 1000000))
    done >"$tmp/lat" &
sleep 0.5
i=0
while [ $i -lt 50 ]; do
	echo "set app.lat.k$i $(date +%s%N)"
	sleep 0.02
	i=$((i + 1))
done | pd
wait
med=$(sort -n "$tmp/lat" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
is "$(wc -l <"$tmp/lat" | tr -d ' ')" 50 "50 changes reach a watcher"
ok "the median latency is under 100 ms ($med ms)" test "$med" -lt 100

done_testing
