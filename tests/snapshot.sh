#!/bin/sh
# snapshot.sh - whole-program tests of read snapshots: the reads of a
# stream that follow one another share one, which ends before the stream
# waits for input and before any write, so a read sees the stream's own
# writes and, after a wait, what other processes committed meanwhile.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/snapshot.sh
. "${top_srcdir:-.}/tests/tap.sh"

# lines FILE N: wait (up to 10 s) until FILE has N lines.
lines() {
	i=0
	while [ "$(wc -l <"$1")" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# open_stream: a stream reading the FIFO $tmp/fifo, written through fd 3,
# its stdout in $tmp/bg.out; close_stream: end its input and wait.
open_stream() {
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo"
	: >"$tmp/bg.out"
	pd "$@" <"$tmp/fifo" >"$tmp/bg.out" 2>"$tmp/bg.err" &
	bg=$!
	exec 3>"$tmp/fifo"
}
close_stream() {
	exec 3>&-
	wait "$bg"
	bgrc=$?
}

# --- another process's commit, while the stream waits for input --------
fresh
pd set p.n.k v1
pd set p.n.c 1
open_stream
# Two reads in a row: the second shares a snapshot with what follows.
echo 'get p.n.k; get p.n.k; exists p.n.k; meta get p.n.k revision' >&3
ok "the stream read while its input was buffered" lines "$tmp/bg.out" 3
run pd set p.n.k v2
is_rc 0 "another process writes while the stream waits for input"
echo 'get p.n.k; meta get p.n.k revision; get p.n.k' >&3
close_stream
is "$bgrc" 0 "the stream succeeds"
run cat "$tmp/bg.out"
is_out "v1
v1
1
v2
3
v2" "after the wait its reads see the other process's commit"
run cat "$tmp/bg.err"
is_out "" "and it says nothing on stderr"

# A namespace moved to a table of its own while the stream waits: the
# snapshot's routes to key tables are not kept past it.
fresh
pd set p.n.k v1
open_stream
echo 'meta get p.n.k version; meta get p.n.k version; get p.n.k' >&3
ok "the stream read the key in kv" lines "$tmp/bg.out" 3
pd table create own && pd ns set p.n table=own && pd set p.n.k v2
is $? 0 "another process moves the namespace and writes its key"
echo 'meta get p.n.k version; meta get p.n.k version; get p.n.k' >&3
close_stream
run cat "$tmp/bg.out" "$tmp/bg.err"
is_out "1
1
v1
2
2
v2" "after the wait the stream finds the key in its new table"

# --- a stream that never waits ------------------------------------------
fresh
pd set p.n.k v1
printf '%s\n' 'get p.n.k' 'get p.n.k' 'set p.n.k v2' 'get p.n.k' \
    'exists p.n.k' 'del p.n.k' 'exists p.n.k' 'get p.n.k' \
    'set p.n.k2 w' 'meta get p.n.k2 m' 'meta set p.n.k2 m x' \
    'meta get p.n.k2 m' >"$tmp/in"
run pd <"$tmp/in"
is_run 2 "v1
v1
v2
x" "prontodb: <stdin>:8:1: p.n.k: not found
prontodb: <stdin>:10:1: p.n.k2: no metakey 'm'" \
    "between reads, the stream's own writes are seen at once"
run pd get p.n.k
is_rc 2 "the delete was committed"
run pd meta get p.n.k2 m
is_run 0 "x" "" "... and the metakey"

# A write after buffered reads writes on the newest data, not a snapshot's.
fresh
pd set p.n.c 1
open_stream
echo 'get p.n.c; get p.n.c' >&3
ok "the stream read the counter twice" lines "$tmp/bg.out" 2
pd set p.n.c 10
echo 'get p.n.c; incr p.n.c; get p.n.c' >&3
close_stream
is "$bgrc" 0 "the stream with reads and an incr succeeds"
run cat "$tmp/bg.out"
is_out "1
1
10
11
11" "incr after reads counts from the other process's commit"
run pd get p.n.c
is_out "11" "and committed it"

# --- reads inside a block and -1 keep their transaction ----------------
fresh
pd set p.n.k v1
printf '%s\n' 'begin' 'get p.n.k' 'set p.n.k v2' 'get p.n.k' 'get p.n.k' \
    'commit' 'get p.n.k' >"$tmp/in"
run pd <"$tmp/in"
is_run 0 "v1
v2
v2
v2" "" "a block's reads see its writes"
printf '%s\n' 'get p.n.k' 'get p.n.k' 'set p.n.k v3' 'get p.n.k' >"$tmp/in"
run pd -1 <"$tmp/in"
is_run 0 "v2
v2
v3" "" "so do those of -1"

done_testing
