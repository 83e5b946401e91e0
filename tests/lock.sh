#!/bin/sh
# lock.sh - named locks (issue 13): lock prints an owner token or exits 2
# when the lock is held and the wait runs out; unlock and refresh act only
# for that token; a holder that dies loses the lock when its TTL runs out;
# waiters are served in the order they came, a dead one skipped; and 8
# processes contending never hold it two at once, every one served.
. "${top_srcdir:-.}/tests/tap.sh"

# holds FILE NAME: the lock app.q.l is held with the token in FILE (which
# a waiter wrote when it took it).
holds() {
	holds_t=$(cat "$1")
	holds_v=$(pd get app.q.l 2>&1)
	if [ -n "$holds_t" ] && [ "$holds_v" = "$holds_t" ]; then
		tap_result 0 "$2"
	else
		tap_result 1 "$2"
		printf "#   the waiter's token '%s', the lock's value '%s'\n" \
		    "$holds_t" "$holds_v"
	fi
}

# ms: a clock in milliseconds.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

fresh
run pd lock app.locks.deploy
tok=$(cat "$tmp/out")
grep -Eqx '[0-9a-f]{32}' "$tmp/out"
is "$?:$(wc -l <"$tmp/out" | tr -d ' ')" "0:1" \
    "lock prints a random 128-bit owner token ($tok)"
is_rc 0 "... and exits 0"
run pd get app.locks.deploy
is_out "$tok" "the lock is a key holding the token"
run pd ttl app.locks.deploy
ttl=$(cat "$tmp/out")
ok "it expires in 60 s by default, in a standard namespace ($ttl ms)" \
    test "$ttl" -gt 55000 -a "$ttl" -le 60000
run pd lock app.locks.deploy
is_run 2 "" "prontodb: app.locks.deploy: locked by another holder" \
    "a held lock is a miss (2) at once"
run pd lock app.locks.deploy --wait 0.3
is_run 2 "" "prontodb: app.locks.deploy: locked by another holder" \
    "... or when --wait runs out"
run pd unlock app.locks.deploy 0123456789abcdef0123456789abcdef
is_run 2 "" "prontodb: app.locks.deploy: not locked with that token" \
    "unlock with another token is a miss (2)"
run pd get app.locks.deploy
is_out "$tok" "... and changes nothing"
run pd lock app.locks.deploy --refresh 0123456789abcdef0123456789abcdef
is_run 2 "" "prontodb: app.locks.deploy: not locked with that token" \
    "refresh with another token is a miss too"
run pd lock app.locks.deploy --refresh "$tok" --ttl 2h
is_run 0 "$tok" "" "--refresh TOKEN prints the token"
run pd ttl app.locks.deploy
ttl=$(cat "$tmp/out")
ok "... and extends the lock by --ttl ($ttl ms)" test "$ttl" -gt 7000000
run pd --json lock app.locks.other --ttl 5
grep -Eqx '\{"address":"app\.locks\.other","token":"[0-9a-f]{32}"\}' \
    "$tmp/out"
is "$?:$(wc -l <"$tmp/out" | tr -d ' ')" "0:1" \
    "--json: the address and the token"
run pd unlock app.locks.deploy "$tok"
is_run 0 "" "" "unlock NAME TOKEN releases it"
run pd get app.locks.deploy
is_rc 2 "... deleting its key"
run pd unlock app.locks.deploy "$tok"
is_run 2 "" "prontodb: app.locks.deploy: not locked with that token" \
    "a lock that is free is not unlocked again"
run pd lock app.locks.k --ttl 0
is_run 64 "" "prontodb: ttl must be a duration from 1ms to 366000d (seconds, or 1500ms, 90s, 30m, 2h, 1d), not '0'" \
    "--ttl must be positive"
printf 'begin\nlock app.locks.k\ncommit\n' >"$tmp/in"
run pd <"$tmp/in"
is_run 65 "" "prontodb: <stdin>:2:1: lock cannot run inside a transaction (begin, -1 or --dry-run)
prontodb: 3 statements, 0 ok, 1 failed, 2 rolled back" \
    "a lock is its own transaction: refused in a block"

# A holder that dies loses the lock when its TTL runs out.
fresh
pd lock app.locks.job --ttl 1 >/dev/null
t0=$(ms)
run pd lock app.locks.job --wait 5
took=$(($(ms) - t0))
is_rc 0 "a waiter takes the lock of a holder that never unlocks"
ok "... when its TTL runs out ($took ms of 1000)" test "$took" -lt 2000
tok=$(cat "$tmp/out")
pd lock app.locks.job --refresh "$tok" --ttl 1 >/dev/null
t0=$(ms)
run pd wait app.locks.job --for absent --timeout 5
took=$(($(ms) - t0))
is_run 0 "" "" "wait NAME --for absent: until the lock is free"
ok "... its TTL run out, unread ($took ms)" test "$took" -lt 2000

# Waiters are served first come, first served.  The first is stopped
# (alive, holding its place) so that the lock stays free while it waits.
fresh
hold=$(pd lock app.q.l --ttl 30)
"$PRONTODB" --home "$home" lock app.q.l --wait 20 --ttl 30 >"$tmp/a" &
first=$!
sleep 1
"$PRONTODB" --home "$home" lock app.q.l --wait 20 --ttl 30 >"$tmp/b" &
sleep 1
kill -STOP "$first"
pd unlock app.q.l "$hold"
sleep 0.5
run pd lock app.q.l
is_run 2 "" "prontodb: app.q.l: locked by another holder" \
    "a free lock is not taken while a waiter queued before"
ok "... not by the second waiter either" test ! -s "$tmp/b"
kill -CONT "$first"
sleep 1
holds "$tmp/a" "the first waiter is served first"
ok "... while the second waits on" test ! -s "$tmp/b"
pd unlock app.q.l "$(cat "$tmp/a")"
wait
holds "$tmp/b" "then the second"
pd unlock app.q.l "$(cat "$tmp/b")"

# A waiter that dies leaves the queue by itself.
hold=$(pd lock app.q.l --ttl 30)
"$PRONTODB" --home "$home" lock app.q.l --wait 20 >/dev/null &
dead=$!
sleep 1
"$PRONTODB" --home "$home" lock app.q.l --wait 5 >"$tmp/c" &
sleep 1
kill -9 "$dead"
pd unlock app.q.l "$hold"
wait
holds "$tmp/c" "a waiter killed in the queue does not block those after it"

# 8 processes, each taking the lock 5 times: a critical section (a
# directory that must not exist yet) shows whether two ever held it at
# once, and every round must be served.
fresh
mkdir "$tmp/rounds"
worker() {
	w=$1
	i=0
	while [ $i -lt 5 ]; do
		t=$("$PRONTODB" --home "$home" lock app.q.shared --wait 60 \
		    --ttl 30) || { echo "$w:$i: lock failed" >>"$tmp/bad"; return; }
		mkdir "$tmp/cs" 2>/dev/null ||
			echo "$w:$i: two holders" >>"$tmp/bad"
		: >"$tmp/rounds/$w.$i"
		sleep 0.02
		rmdir "$tmp/cs"
		"$PRONTODB" --home "$home" unlock app.q.shared "$t" ||
			echo "$w:$i: unlock failed" >>"$tmp/bad"
		i=$((i + 1))
	done
}
: >"$tmp/bad"
for w in 1 2 3 4 5 6 7 8; do
	worker $w &
done
wait
is "$(cat "$tmp/bad")" "" "8 processes contending: never two holders at once"
is "$(ls "$tmp/rounds" | wc -l | tr -d ' ')" 40 \
    "... and every waiter served, 5 times each"
run pd get app.q.shared
is_rc 2 "... and the lock is free at the end"

done_testing
