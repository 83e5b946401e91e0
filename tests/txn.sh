#!/bin/sh
# txn.sh - whole-program tests of transactions and the error policy:
# begin/commit/rollback, blocks cut off or killed, -1, --on-error,
# --dry-run, meta:tx, the summary line, the exit status, a busy store.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/txn.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

feed() {
	printf '%s\n' "$@" >"$tmp/in"
}

# stream [FLAG...]: run the stream in $tmp/in.
stream() {
	run pd "$@" <"$tmp/in"
}

# adds_up NAME: the summary line's counts add up to its statements.
adds_up() {
	set -- "$1" $(sed -n 's/^prontodb: \([0-9]*\) statements, \([0-9]*\) ok, \([0-9]*\) failed, \([0-9]*\) rolled back$/\1 \2 \3 \4/p' "$tmp/err")
	if [ $# = 5 ] && [ "$2" = $(($3 + $4 + $5)) ]; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1"
		echo "#   summary:"
		tap_show "$tmp/err"
	fi
}

# tofull CMD...: CMD with its stdout on a full device.
tofull() {
	"$@" >/dev/full
}

# wait_for FILE TEXT: up to 5 s until FILE holds a line TEXT.
wait_for() {
	wait_i=0
	while [ $wait_i -lt 50 ]; do
		grep -qxF -e "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		wait_i=$((wait_i + 1))
	done
	return 1
}

# --- begin ... commit ----------------------------------------------------
fresh
feed 'begin' 'set p.n.a 1' 'set p.n.b 2' 'commit' 'keys p.'
stream
is_run 0 "p.n.a
p.n.b" "" "begin ... commit writes the block"

feed 'set p.n.pre 1' 'begin' 'set p.n.c 1' 'frob' 'set p.n.d 2' 'get p.n.c' \
    'commit' 'set p.n.after 3' 'keys p.'
stream
is_run 65 "p.n.a
p.n.after
p.n.b
p.n.pre" "prontodb: <stdin>:4:1: unknown verb 'frob'
prontodb: 9 statements, 3 ok, 1 failed, 5 rolled back" \
    "an error rolls the block back, skips its rest, and the stream goes on"
adds_up "the counts add up (a failed block)"

fresh
feed 'begin' 'set q.n.a 1' 'set q.n.b "open' 'set q.n.c 1' 'commit' 'keys'
stream
is_run 65 "" "prontodb: <stdin>:3:11: unterminated string
prontodb: 6 statements, 1 ok, 1 failed, 4 rolled back" \
    "malformed input inside a block rolls it back"

feed 'begin' 'set q.n.a 1' 'user del nobody' 'set q.n.b 1' 'commit' 'keys'
stream
is_run 1 "" "prontodb: <stdin>:3:10: no user 'nobody'
prontodb: 6 statements, 1 ok, 1 failed, 4 rolled back" \
    "a failing verb inside a block rolls it back (exit 1)"

feed 'begin' 'set q.n.a 1' 'get q.n.none' 'commit' 'keys'
stream
is_run 2 "q.n.a" "prontodb: <stdin>:3:1: q.n.none: not found" \
    "a miss inside a block is not an error: the block commits"

# --- a block cut off -------------------------------------------------------
fresh
feed 'set p.n.f 1' 'begin' 'set p.n.g 1' 'set p.n.h 1'
stream
is_run 65 "" "prontodb: <stdin>:2:1: begin without commit; rolled back
prontodb: 4 statements, 1 ok, 1 failed, 2 rolled back" \
    "end of input inside a block: the block is rolled back"
adds_up "the counts add up (a block cut off)"
run pd keys p.
is_run 0 "p.n.f" "" "only the statement before the block was written"
printf 'set p.n.x 1; begin; set p.n.y 1' >"$tmp/in"
stream
is_run 65 "" "prontodb: <stdin>:1:14: begin without commit; rolled back
prontodb: 3 statements, 1 ok, 1 failed, 1 rolled back" \
    "the message points at the begin (no final newline)"
run pd keys p.
is_run 0 "p.n.f
p.n.x" "" "the cut-off block left no trace"
feed 'begin' 'set p.n.z 1' 'frob'
stream
is_run 65 "" "prontodb: <stdin>:3:1: unknown verb 'frob'
prontodb: 3 statements, 0 ok, 1 failed, 2 rolled back" \
    "a block that failed and was cut off is reported once"
run pd exists p.n.z
is_rc 2 "... and left no trace"

# --- a writer killed inside a block ---------------------------------------
fresh
# The writer records its pid, then becomes prontodb.
(
	printf 'set p.n.before 1\nbegin\nset p.n.inblock 1\nget p.n.marker\n'
	i=0
	while [ $i -lt 50 ] && [ ! -f "$tmp/killed" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf 'commit\n'
) 2>/dev/null | sh -c 'echo $$ >"$1"; exec "$0" --home "$2"' "$PRONTODB" \
    "$tmp/writer.pid" "$home" >"$tmp/writer.out" 2>"$tmp/writer.err" &
ok "the writer reached the end of its open block" \
    wait_for "$tmp/writer.err" "prontodb: <stdin>:4:1: p.n.marker: not found"
run pd keys p.
is_run 0 "p.n.before" "" "others see the writes before the block, not the block"
wpid=$(cat "$tmp/writer.pid")
ok "the writer is alive" kill -0 "$wpid"
kill -9 "$wpid"
: >"$tmp/killed"
wait 2>/dev/null
run pd keys p.
is_run 0 "p.n.before" "" "after kill -9: the write before begin survives, the block does not"
run pd get p.n.inblock
is_run 2 "" "prontodb: p.n.inblock: not found" "the block's key is absent"
if [ "$backend" = server ]; then
	run pd check
	is_run 0 "ok" "" "on a server: no file for sqlite3 to look in: check finds the database whole"
elif command -v sqlite3 >/dev/null 2>&1; then
	run sqlite3 "$home/.local/share/prontodb/main.db" 'PRAGMA integrity_check'
	is_run 0 "ok" "" "the database passes PRAGMA integrity_check"
else
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # skip sqlite3 is not installed"
fi
run pd set p.n.after 1
is_run 0 "" "" "the store takes writes after the crash"

# Outside a block, writes are committed when the input would block.
fresh
(
	printf 'set g.n.a 1\nget g.n.marker\n'
	i=0
	while [ $i -lt 50 ] && [ ! -f "$tmp/killed2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf 'set g.n.b 1\n'
) 2>/dev/null | sh -c 'echo $$ >"$1"; exec "$0" --home "$2"' "$PRONTODB" \
    "$tmp/writer.pid" "$home" >"$tmp/writer.out" 2>"$tmp/writer.err" &
ok "the idle writer read its input" \
    wait_for "$tmp/writer.err" "prontodb: <stdin>:2:1: g.n.marker: not found"
run pd keys g.
is_run 0 "g.n.a" "" "an idle stream's writes are visible to others"
kill -9 "$(cat "$tmp/writer.pid")"
: >"$tmp/killed2"
wait 2>/dev/null
run pd keys g.
is_run 0 "g.n.a" "" "... and survive kill -9"

# --- rollback, nesting, stray commit ---------------------------------------
fresh
feed 'set r.n.keep 1' 'begin' 'set r.n.a 1' 'del r.n.keep' 'rollback' 'keys r.'
stream
is_run 0 "r.n.keep" "" "rollback discards the block quietly"
feed 'begin' 'set r.n.a 1' 'begin' 'set r.n.b 1' 'commit' 'set r.n.c 1' 'keys r.'
stream
is_run 65 "r.n.c
r.n.keep" "prontodb: <stdin>:3:1: begin inside a block (opened at 1:1)
prontodb: 7 statements, 2 ok, 1 failed, 4 rolled back" \
    "a nested begin is an error that rolls the block back"
adds_up "the counts add up (nested begin)"
feed 'commit' 'set r.n.d 1'
stream
is_run 65 "" "prontodb: <stdin>:1:1: commit without begin
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" "commit without begin"
feed 'rollback'
stream
is_run 65 "" "prontodb: <stdin>:1:1: rollback without begin
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" "rollback without begin"
run pd keys r.
is_run 0 "r.n.c
r.n.d
r.n.keep" "" "statements outside blocks are committed one by one"

# --- meta:tx -------------------------------------------------------------
fresh
feed 'meta:tx=begin;' 'set m.n.a 1' 'meta:tx=commit;' \
    'meta:tx=begin; set m.n.b 1; meta:tx=rollback;' 'keys m.'
stream
is_run 0 "m.n.a" "" "meta:tx=begin|commit|rollback"
feed 'meta:tx=begin;' 'set m.n.c 1' 'frob' 'meta:tx=commit;' 'keys m.'
stream
is_run 65 "m.n.a" "prontodb: <stdin>:3:1: unknown verb 'frob'
prontodb: 5 statements, 1 ok, 1 failed, 3 rolled back" \
    "an error in a meta:tx block rolls it back"
feed 'meta:tx=begin;' 'set m.n.d 1'
stream
is_run 65 "" "prontodb: <stdin>:1:1: begin without commit; rolled back
prontodb: 2 statements, 0 ok, 1 failed, 1 rolled back" \
    "a meta:tx block cut off is rolled back"
feed 'meta:tx=bogus;' 'set m.n.e 1'
stream
is_run 65 "" "prontodb: <stdin>:1:9: meta:tx must be begin, commit or rollback
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" "meta:tx=bogus is an error"
run pd keys m.
is_run 0 "m.n.a
m.n.e" "" "only the committed meta:tx writes are kept"

# --- -1 / --single-transaction ---------------------------------------------
fresh
pd set s.n.old 0
feed 'set s.n.a 1' 'del s.n.old' 'frob' 'set s.n.b 2'
stream -1
is_run 65 "" "prontodb: <stdin>:3:1: unknown verb 'frob'
prontodb: 3 statements, 0 ok, 1 failed, 2 rolled back" \
    "-1: an error rolls back the whole stream and stops it"
adds_up "the counts add up (-1)"
run pd keys s.
is_run 0 "s.n.old" "" "-1: nothing was committed"
feed 'set s.n.a 1' 'user del nobody' 'set s.n.b 2'
stream --single-transaction
is_run 1 "" "prontodb: <stdin>:2:10: no user 'nobody'
prontodb: 2 statements, 0 ok, 1 failed, 1 rolled back" \
    "--single-transaction: the exit status is the error's"
feed 'set s.n.a 1' 'begin' 'set s.n.b 1' 'commit'
stream -1
is_run 65 "" "prontodb: <stdin>:2:1: begin inside --single-transaction
prontodb: 2 statements, 0 ok, 1 failed, 1 rolled back" "-1: begin is an error"
run pd keys s.
is_run 0 "s.n.old" "" "-1: still nothing committed"
feed 'set s.n.a 1' 'get s.n.none' 'set s.n.b 2'
stream -1
is_run 2 "" "prontodb: <stdin>:2:1: s.n.none: not found" \
    "-1: a miss is not an error"
run pd keys s.
is_run 0 "s.n.a
s.n.b
s.n.old" "" "-1 without errors commits everything"

# --- --on-error ----------------------------------------------------------
fresh
feed 'set o.n.a 1' 'frob' 'set o.n.b 2'
stream --on-error=stop
is_run 65 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "--on-error=stop stops at the first error"
run pd keys o.
is_run 0 "o.n.a" "" "--on-error=stop keeps what ran before the error"
feed 'set o.n.c 1' 'frob' 'set o.n.d 2'
stream --on-error continue
is_run 65 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" \
    "--on-error continue goes on"
feed 'set o.n.e 1' 'frob' 'set o.n.f 2' 'frab'
stream
is_run 65 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: <stdin>:4:1: unknown verb 'frab'
prontodb: 4 statements, 2 ok, 2 failed, 0 rolled back" \
    "by default the stream goes on after errors"
feed 'begin' 'set o.n.g 1' 'frob' 'commit' 'set o.n.h 1'
stream --on-error=stop
is_run 65 "" "prontodb: <stdin>:3:1: unknown verb 'frob'
prontodb: 3 statements, 0 ok, 1 failed, 2 rolled back" \
    "--on-error=stop in a block: rolled back, and the stream stops"
run pd keys o.
is_run 0 "o.n.a
o.n.c
o.n.d
o.n.e
o.n.f" "" "the writes after the stops did not run"
feed 'set o.n.x 1'
stream --on-error=bogus
is_run 64 "" "prontodb: --on-error must be stop or continue, not 'bogus'
Try 'prontodb --help'." "--on-error of another value is a usage error"
feed "user add zed password-file=\"$tmp/missing\"" 'set o.n.y 1' 'keys o.n.y'
stream
is_run 74 "o.n.y" "prontodb: <stdin>:1:1: cannot open password file $tmp/missing: No such file or directory
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" \
    "an unreadable password file fails its statement only"

# --- the exit status is the worst met -------------------------------------
# 0 < 2 (miss) < 1 (error) < 64 < 65 < 75 < 74 < 77; a stream's own
# mistakes are 65, so 64 (a command-line mistake) cannot meet them here.
fresh
miss='get w.n.none'
err1='user del nobody'
bad65='frob'
io74="user add zed password-file=\"$tmp/missing\""
for pair in "miss err1 1" "err1 miss 1" "err1 bad65 65" "bad65 err1 65" \
    "bad65 io74 74" "io74 bad65 74"; do
	set -- $pair
	eval "feed \"\$$1\" \"\$$2\""
	stream
	is_rc "$3" "exit status: $1 then $2 gives $3"
done
feed 'set w.n.k v' 'frob' 'get w.n.k'
run tofull pd <"$tmp/in"
is_run 74 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back
prontodb: cannot write to standard output: No space left on device" \
    "exit status: a failed write to stdout (74) beats 65"
# 77 needs an authenticated user held to a grant.
printf 'Pw-5c2e\n' >"$tmp/pw"
pd user add admin --password-file "$tmp/pw"
pd user add lim --password-file "$tmp/pw"
pd user grant lim w read
lkey=$(pd apikey create lim)
feed "auth apikey=$lkey" 'get w.n.k' 'set x.n.k 1'
run tofull pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:3:1: permission denied: write access to x.n
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back
prontodb: cannot write to standard output: No space left on device" \
    "exit status: 77 beats a failed write to stdout (74)"

# --- --dry-run -------------------------------------------------------------
fresh
pd set d.n.a 1
pd set d.n.b 2
feed 'set d.n.a changed' 'del d.n.b' 'set d.n.c 3' 'get d.n.a' 'keys' \
    'begin' 'set d.n.e 5' 'commit' 'user add zed pass=zzz'
stream --dry-run
is_run 0 "" "prontodb: dry run: 9 statements, 9 ok, 0 failed, 0 rolled back; nothing written" \
    "--dry-run prints nothing on stdout and a summary on stderr"
run pd scan
is_run 0 "d.n.a=1
d.n.b=2" "" "--dry-run wrote nothing"
run pd user list
is_run 0 "" "" "--dry-run added no user"
feed 'set d.n.a changed' 'frob' 'get d.n.none'
stream --dry-run
is_run 65 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: <stdin>:3:1: d.n.none: not found
prontodb: dry run: 3 statements, 2 ok, 1 failed, 0 rolled back; nothing written" \
    "--dry-run reports errors and misses, with the stream's exit status"
feed 'set d.n.x 1' 'set d.n.y 2'
stream --dry-run -1
is_run 0 "" "prontodb: dry run: 2 statements, 2 ok, 0 failed, 0 rolled back; nothing written" \
    "--dry-run with -1"
run pd --dry-run set d.n.a changed
is_run 0 "" "prontodb: dry run: 1 statement, 1 ok, 0 failed, 0 rolled back; nothing written" \
    "--dry-run with a verb"
run pd scan
is_run 0 "d.n.a=1
d.n.b=2" "" "the dry runs changed nothing"
# A dry run tells what the real run would do.
feed 'begin' 'set d.n.r 1' 'rollback' 'del d.n.r'
stream
cp "$tmp/err" "$tmp/real.err"
real_rc=$rc
feed 'begin' 'set d.n.r 1' 'rollback' 'del d.n.r'
stream --dry-run
is "$rc" "$real_rc" "--dry-run: a rolled-back block's writes are gone, as in the real run (exit status)"
is_err "prontodb: <stdin>:4:1: d.n.r: not found
prontodb: dry run: 4 statements, 2 ok, 0 failed, 2 rolled back; nothing written" \
    "--dry-run: a rolled-back block's writes are gone (diagnostics)"
feed 'begin' 'set d.n.s 1' 'frob' 'commit' 'del d.n.s'
stream --dry-run
is_run 65 "" "prontodb: <stdin>:3:1: unknown verb 'frob'
prontodb: <stdin>:5:1: d.n.s: not found
prontodb: dry run: 5 statements, 1 ok, 1 failed, 3 rolled back; nothing written" \
    "--dry-run: a failed block's writes are gone, as in the real run"

# --- a busy store ----------------------------------------------------------
# One writer holds the write lock inside a block; other writers give up
# after the lock wait (busy_timeout_ms, 5 s by default) with 75, and
# readers go on.
fresh
pd set b.n.z 0
(
	printf 'begin\nset b.n.a 1\nget b.n.marker\n'
	i=0
	while [ $i -lt 150 ] && [ ! -f "$tmp/released" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf 'commit\n'
) | pd >"$tmp/holder.out" 2>"$tmp/holder.err" &
holder=$!
ok "the holder has the write lock" \
    wait_for "$tmp/holder.err" "prontodb: <stdin>:3:1: b.n.marker: not found"
run pd get b.n.z
is_run 0 "0" "" "a reader is not blocked by the writer"
printf 'frob\nset b.n.b 1\n' | pd >"$tmp/b1.out" 2>"$tmp/b1.err" &
b1=$!
printf 'set b.n.c 1\nget b.n.z\n' | pd >/dev/full 2>"$tmp/b2.err" &
b2=$!
run pd set b.n.d 1
is_run 75 "" "prontodb: database is locked (busy_timeout expired)" \
    "a second writer gives up with 75"
wait $b1
rc=$?
cp "$tmp/b1.out" "$tmp/out"
cp "$tmp/b1.err" "$tmp/err"
is_run 75 "" "prontodb: <stdin>:1:1: unknown verb 'frob'
prontodb: <stdin>:2:1: database is locked (busy_timeout expired)
prontodb: 2 statements, 0 ok, 2 failed, 0 rolled back" \
    "exit status: busy (75) beats 65"
wait $b2
rc=$?
: >"$tmp/out"
cp "$tmp/b2.err" "$tmp/err"
is_run 74 "" "prontodb: <stdin>:1:1: database is locked (busy_timeout expired)
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back
prontodb: cannot write to standard output: No space left on device" \
    "exit status: a failed write to stdout (74) beats busy (75)"
: >"$tmp/released"
wait $holder
rc=$?
cp "$tmp/holder.out" "$tmp/out"
cp "$tmp/holder.err" "$tmp/err"
is_run 2 "" "prontodb: <stdin>:3:1: b.n.marker: not found" \
    "the holder commits its block"
run pd keys b.
is_run 0 "b.n.a
b.n.z" "" "only the holder's writes are in the store"

# While time remains, a writer that finds the lock taken waits for it.
fresh
(
	printf 'begin\nset w.n.a 1\nget w.n.marker\n'
	sleep 2
	printf 'commit\n'
) | pd >/dev/null 2>"$tmp/holder.err" &
holder=$!
ok "a writer holds the lock for 2 s" \
    wait_for "$tmp/holder.err" "prontodb: <stdin>:3:1: w.n.marker: not found"
run env PRONTO_BUSY_TIMEOUT_MS=200 "$PRONTODB" --home "$home" set w.n.b 1
is_run 75 "" "prontodb: database is locked (busy_timeout expired)" \
    "with busy_timeout_ms=200 a second writer gives up"
run env PRONTO_BUSY_TIMEOUT_MS=30000 "$PRONTODB" --home "$home" set w.n.c 1
is_run 0 "" "" "with busy_timeout_ms=30000 it waits for the lock and writes"
wait $holder
run pd keys w.
is_run 0 "w.n.a
w.n.c" "" "both writes are in, the one that gave up is not"

done_testing
