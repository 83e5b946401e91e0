#!/bin/sh
# load.sh - whole-program tests of bulk loads.  A transaction that begins
# with at least 512 KiB of input waiting to be read, into a database of at
# most 4 MiB that no other process has open, is written without the WAL
# (sqlite/load.c): its keys land as they would through the WAL, from a
# file and through a pipe; the database is back in WAL mode after it,
# with the 16 KiB pages a load gives it (smaller writes keep 4 KiB); a
# load killed midway is undone, reads leave the file as it was left, and
# the first write puts it back in WAL mode; while another process has the
# database open, a load goes through the WAL.  Which file a file size
# limit stops says which way a load went.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/load.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

data() {
	echo "$home/.local/share/prontodb"
}

# The journal mode the database file's header names (its bytes 18 and
# 19): "1 1" for a rollback journal, "2 2" for the WAL.
header() {
	od -An -tu1 -j18 -N2 "$(data)/main.db" | tr -s ' ' | sed 's/^ //'
}

# The page size the header gives (bytes 16 and 17, big-endian).
page_size() {
	od -An -tu1 -j16 -N2 "$(data)/main.db" |
	    awk '{ print $1 * 256 + $2 }'
}

# sets N: N sets in key order, about 50 bytes each.
sets() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
	    printf("set load.n.k%06d value-%06d-abcdefghijklmnopqrstuvwxyz\n",
	    i, i) }'
}

# 30,000 sets, 1.6 MB: three times the input that makes a load.
sets 30000 >"$tmp/in"
for how in file pipe; do
	fresh
	if [ "$how" = file ]; then
		run pd <"$tmp/in"
	else
		run sh -c 'cat "$1" | "$2" --home "$3"' sh "$tmp/in" \
		    "$PRONTODB" "$home"
	fi
	is_run 0 "" "" "a load of 30,000 sets from a $how"
	run pd count load.
	is_run 0 "30000" "" "$how: every key is there"
	run pd get load.n.k017777
	is_run 0 "value-017777-abcdefghijklmnopqrstuvwxyz" "" \
	    "$how: with its value"
	if [ "$backend" = server ]; then
		ok "on a server: $how: no file is written on the client" \
		    test ! -e "$(data)"
		continue
	fi
	is "$(header)" "2 2" "$how: the database is back in WAL mode"
	is "$(page_size)" 16384 "$how: with a load's 16 KiB pages"
	run ls -A "$(data)"
	is_out "main.db" "$how: no file is left beside it"
done

[ "$backend" = server ] && done_testing

# Small writes keep the 4 KiB pages a database is made with.
fresh
sets 3000 | pd >/dev/null
is "$(page_size)" 4096 "a stream below a load's size keeps 4 KiB pages"

# import --tsv loads by the size of its own input: a FILE, or standard
# input on the command line.
fresh
sets 30000 | pd >/dev/null
pd export --tsv >"$tmp/all.tsv"
head -n 3000 "$tmp/all.tsv" >"$tmp/some.tsv"
for how in file stdin; do
	fresh
	if [ "$how" = file ]; then
		run pd import --tsv "$tmp/all.tsv"
	else
		run pd import --tsv <"$tmp/all.tsv"
	fi
	is_run 0 "" "" "import --tsv of 30,000 rows from $how"
	run pd count load.
	is_run 0 "30000" "" "... every row is there"
	is "$(page_size)" 16384 "... loaded: 16 KiB pages"
	is "$(header)" "2 2" "... and the database back in WAL mode"
done
fresh
run pd import --tsv "$tmp/some.tsv"
is_run 0 "" "" "import --tsv of 3,000 rows"
is "$(page_size)" 4096 "... not a load: 4 KiB pages"

# 400,000 sets (27 MB): a load that writes past any small file limit.
sets 400000 >"$tmp/big"

# A load killed midway: a block of sets, then gets whose output nobody
# reads, so that the process waits inside the block's transaction (in
# the kernel's pipe_write) until it is killed.
{
	echo begin
	sets 30000
	awk 'BEGIN { for (i = 1; i <= 20000; i++) print "get load.n.k000001" }'
	echo commit
} >"$tmp/stuck"
fresh
pd set keep.n.k 1
mkfifo "$tmp/unread"
sleep 600 <"$tmp/unread" &
sleeper=$!
"$PRONTODB" --home "$home" <"$tmp/stuck" >"$tmp/unread" 2>/dev/null &
pid=$!
i=0
while ! grep -q pipe_write "/proc/$pid/wchan" 2>/dev/null &&
    [ $i -lt 3000 ]; do
	sleep 0.01
	i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
kill $sleeper
wait $sleeper 2>/dev/null
ok "a load killed midway leaves its rollback journal" \
    test -e "$(data)/main.db-journal"
is "$(header)" "1 1" "... and the database in rollback mode"
run pd count load.
is_run 0 "0" "" "the next process undoes it: none of its keys"
run pd get keep.n.k
is_run 0 "1" "" "earlier data is untouched"
is "$(header)" "1 1" "reads leave the database in rollback mode"
run pd set after.n.k 1
is_run 0 "" "" "a write after it"
is "$(header)" "2 2" "puts the database back in WAL mode"
run pd check
is_run 0 "ok" "" "the database is intact"
run ls -A "$(data)"
is_out "main.db" "no file is left beside it"

# limited CMD...: CMD under a file size limit (256 blocks of 512 bytes or
# of 1 KiB) that the load's pages pass long before its end.
limited() {
	(
		ulimit -f 256
		exec "$@" >"$tmp/out" 2>"$tmp/err"
	)
	rc=$?
}

fresh
pd set keep.n.k 1
limited "$PRONTODB" --home "$home" <"$tmp/big"
is_rc 74 "a load past a file size limit: exit 74"
ok "alone, it stops writing the database itself" \
    grep -q "cannot write $(data)/main.db: File too large" "$tmp/err"
is "$(header)" "2 2" "... and goes back to WAL mode"

# Another process has the database open: a stream waiting for input.
mkfifo "$tmp/hold"
"$PRONTODB" --home "$home" <"$tmp/hold" >"$tmp/held" 2>&1 &
holder=$!
exec 9>"$tmp/hold"
echo "get keep.n.k" >&9
i=0
while [ "$(cat "$tmp/held")" != 1 ] && [ $i -lt 500 ]; do
	sleep 0.01
	i=$((i + 1))
done
is "$(cat "$tmp/held")" 1 "another process opens the database"
limited "$PRONTODB" --home "$home" <"$tmp/big"
is_rc 74 "a load past the limit while it has it open: exit 74"
ok "... stops writing the WAL, as the load went through it" \
    grep -q "cannot write $(data)/main.db-wal: File too large" "$tmp/err"
echo "count load." >&9
exec 9>&-
wait $holder
is "$(cat "$tmp/held")" "1
0" "the other process read on, and saw none of it"
run pd count load.
is_run 0 "0" "" "none of either load's keys remain"

done_testing
