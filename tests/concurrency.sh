#!/bin/sh
# concurrency.sh - whole-program tests of processes that share a database:
# writers racing to create it, a restore while others write, a database
# dropped under a stream.  No write that reported success may be lost.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/concurrency.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

data() {
	echo "$home/.local/share/prontodb"
}

# slow_stream P SECONDS: in the background, a stream that sets P.before,
# keeps the database open for SECONDS, then sets P.after; its pid in
# $stream, its output in $tmp/s.out and $tmp/s.err.
slow_stream() {
	{
		echo "set $1.before 1"
		sleep "$2"
		echo "set $1.after 2"
	} | "$PRONTODB" --home "$home" >"$tmp/s.out" 2>"$tmp/s.err" &
	stream=$!
}

# --- eight writers create the database at once ----------------------------

# Each must switch the new file to WAL, which needs it to itself: the
# retry of that switch is what lets all eight succeed.
bad=0
n=0
while [ $n -lt 50 ]; do
	n=$((n + 1))
	fresh
	for w in 1 2 3 4 5 6 7 8; do
		"$PRONTODB" --home "$home" set p.n.k$w $w 2>"$tmp/err$w" &
	done
	wait
	got=$(pd keys p.n. | wc -l)
	if [ "$got" != 8 ] || [ -n "$(cat "$tmp"/err?)" ]; then
		bad=$((bad + 1))
		echo "# round $n: $got keys"
		cat "$tmp"/err? | sed 's/^/#   /'
	fi
done
is $bad 0 "8 processes writing to a database that does not exist yet all succeed (50 rounds)"

# safety_keys FILE: the keys w.n.* of the safety copy FILE, opened by -d on
# SQLite; on a server, where it is no SQLite file, restored into a
# database of its own first.
safety_keys() {
	if [ "$backend" = server ]; then
		"$PRONTODB" --home "$home" restore "$1" --db seen >/dev/null &&
		    "$PRONTODB" --home "$home" -d seen keys w.n.
	else
		"$PRONTODB" --home "$home" -d "$1" keys w.n.
	fi
}

# --- restore while the database is in use ---------------------------------

fresh
pd set base.n.k 1
pd backup "$tmp/base.db" >/dev/null
# A stream that holds the database open across the restore.
slow_stream w.n 1.2
sleep 0.4
run env PRONTO_BUSY_TIMEOUT_MS=300 "$PRONTODB" --home "$home" \
    restore "$tmp/base.db"
if [ "$backend" = server ]; then
	# A server's restore waits for transactions, not for connections:
	# it goes ahead, and the stream's next write is refused instead.
	is_rc 0 "on a server: restore does not wait for a stream that has the database open"
	safety=$(cat "$tmp/out")
	wait $stream
	is "$?:$(cat "$tmp/s.err")" "75:prontodb: <stdin>:2:1: database 'main' was replaced or removed after this process opened it (restore, db drop or db rename): nothing was written, run it again
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
	    "... the stream's write after it is refused (75), nothing written"
	run pd keys
	is_out "base.n.k" "... the restored database holds the backup only"
	pd restore "$safety" --db seen >/dev/null
	run pd -d seen keys w.n.
	is_out "w.n.before" "... and its write before the restore is in the safety copy"
else
	is_run 75 "" "prontodb: $(data)/main.db is in use by another process, and a restore needs it to itself (busy_timeout expired)" \
	    "restore refuses while a stream has the database open (75)"
	wait $stream
	is "$?:$(cat "$tmp/s.err")" "0:" "the stream goes on undisturbed"
	run pd keys w.n.
	is_out "w.n.after
w.n.before" "and none of its writes is lost"
	run ls -A "$(data)/backups"
	is_out "" "a refused restore leaves no safety copy"
	run ls -A "$(data)"
	is_out "backups
main.db" "... and no copy of the backup"
fi
run pd restore "$tmp/base.db"
is_rc 0 "once the stream is gone, restore goes ahead"
run pd keys
is_out "base.n.k" "and the backup is back"

# One-shot writers while the database is restored, several times over:
# each write that succeeded is in the restored database (made after the
# restore) or in a safety copy (made before it), never in neither.
fresh
pd set base.n.k 1
pd backup "$tmp/base2.db" >/dev/null
(
	i=0
	while [ $i -lt 60 ]; do
		i=$((i + 1))
		"$PRONTODB" --home "$home" set w.n.k$i $i 2>>"$tmp/w.err"
		echo "$i $?"
	done >"$tmp/w.rc"
) &
writer=$!
: >"$tmp/r.rc"
for r in 1 2 3 4 5 6; do
	sleep 0.05
	"$PRONTODB" --home "$home" restore "$tmp/base2.db" >>"$tmp/safety" \
	    2>>"$tmp/r.err"
	echo $? >>"$tmp/r.rc"
done
wait $writer
is "$(sort -u "$tmp/r.rc")" 0 "six restores among the writes all succeed"
ok "... each keeping a safety copy of its own" \
    [ "$(sort -u "$tmp/safety" | wc -l)" = 6 ]
{
	pd keys w.n.
	while read -r f; do
		safety_keys "$f"
	done <"$tmp/safety"
} | sort >"$tmp/found"
awk '$2 == 0 { print "w.n.k" $1 }' "$tmp/w.rc" | sort >"$tmp/done"
run comm -23 "$tmp/done" "$tmp/found"
is_out "" "no write that succeeded was lost"
is "$(awk '$2 != 0' "$tmp/w.rc" | wc -l)" "$(wc -l <"$tmp/w.err")" \
    "each write that failed said why"

# --- a database dropped under a stream ------------------------------------

fresh
pd set keep.n.k 1
slow_stream s.n 0.8
sleep 0.3
pd db drop main --force
wait $stream
rc=$?
cp "$tmp/s.err" "$tmp/err"
: >"$tmp/out"
if [ "$backend" = server ]; then
	gone="database 'main'"
else
	gone=$(data)/main.db
fi
is_run 75 "" "prontodb: <stdin>:2:1: $gone was replaced or removed after this process opened it (restore, db drop or db rename): nothing was written, run it again
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "a write into a database dropped under the stream fails and says so"

done_testing
