#!/bin/sh
# faults.sh - whole-program tests of what goes wrong below prontodb: a
# damaged, truncated or foreign database file, a read-only data
# directory, a full disk (a small tmpfs, when run as root), a file size
# limit (SIGXFSZ), no memory (ulimit -v), a closed or full standard
# output, and SIGKILL in the middle of a commit.  Each must end in a
# message naming the cause, the documented exit status and nothing
# half-written.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/faults.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

# skip NAME REASON: a TAP test that was not run, and why.
skip() {
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_n" "$1" "$2"
}

data() {
	echo "$home/.local/share/prontodb"
}

# --- damaged files --------------------------------------------------------

# damaged WHAT MESSAGE COMMAND: main.db, spoiled by COMMAND (run with $db
# set), is refused by every verb with MESSAGE and left as it is, check
# reports it instead of failing to open it, and restore replaces it,
# keeping it as it is.
damaged() {
	fresh
	pd set a.b.c v
	pd backup "$tmp/good$homes.db" >/dev/null
	db=$(data)/main.db
	if [ "$backend" = server ]; then
		undamaged "$1"
		return
	fi
	eval "$3"
	cp "$db" "$tmp/spoiled"
	run pd get a.b.c
	is_run 1 "" "prontodb: $db: $2" "$1: get says why (exit 1)"
	run pd set a.b.d w
	is_run 1 "" "prontodb: $db: $2" "$1: set says why (exit 1)"
	ok "$1: the file is left as it was" cmp -s "$db" "$tmp/spoiled"
	run pd check
	is_run 1 "$2" "prontodb: the database failed its integrity check" \
	    "$1: check reports it"
	run pd restore "$tmp/good$homes.db"
	is_rc 0 "$1: restore replaces it"
	ok "$1: ... keeping it byte for byte" cmp -s "$(cat "$tmp/out")" \
	    "$tmp/spoiled"
	run pd get a.b.c
	is_run 0 "v" "" "$1: ... with the backup"
}

# undamaged WHAT: on a server a database is no file to damage: main is
# a schema (db list), no main.db is made, and every verb goes on: get,
# set, check, and restore, keeping the database in its safety copy.
undamaged() {
	ok "on a server: $1: no file to damage: db list names main, no main.db" \
	    no_file main
	run pd get a.b.c
	is_run 0 "v" "" "on a server: $1: get reads on"
	run pd set a.b.d w
	is_run 0 "" "" "on a server: $1: set writes on"
	run pd check
	is_run 0 "ok" "" "on a server: $1: check finds it whole"
	run pd restore "$tmp/good$homes.db"
	is_rc 0 "on a server: $1: restore replaces it"
	ok "on a server: $1: ... keeping it in its safety copy" \
	    test -s "$(cat "$tmp/out")"
	run pd keys a.
	is_run 0 "a.b.c" "" "on a server: $1: ... with the backup"
}
# no_file NAME: database NAME is a schema of the server, not a file.
no_file() {
	pd db list | grep -qx "$1" && test ! -e "$(data)/$1.db"
}

damaged "a truncated file" "database disk image is malformed" \
    'truncate -s 1000 "$db"'
damaged "a corrupt header" "file is not a database" \
    'printf "garbage garbage garbage" | dd of="$db" conv=notrunc 2>/dev/null'
damaged "a file that is not a database" "file is not a database" \
    'awk "BEGIN { for (i = 0; i < 2000; i++) print \"not a database\" }" >"$db"'

fresh
awk 'BEGIN { for (i = 1; i <= 50; i++) printf("set p.n.k%d v%d\n", i, i) }' |
    pd
db=$(data)/main.db
# Page 5 of 4 KiB is sys_projects' (kv is page 2).
[ "$backend" = server ] ||
    printf '\377\377\377\377\377\377\377\377' |
    dd of="$db" bs=4096 seek=4 conv=notrunc 2>/dev/null
run pd get p.n.k7
is_run 0 "v7" "" "a damaged index page: keys elsewhere still read"
run pd check
if [ "$backend" = server ]; then
	is_run 0 "ok" "" "on a server: no page of a file to damage: check finds it whole"
else
	is_run 1 "*** in database main ***
Page 5: btreeInitPage() returns error code 11
database disk image is malformed" \
	    "prontodb: the database failed its integrity check" \
	    "a damaged index page: check names it and exits 1"
fi

# --- a read-only data directory -------------------------------------------

# As root, permissions do not stop a write: drop the capability that
# lets them be ignored, if this system can.
if [ "$(id -u)" != 0 ]; then
	nocaps=
elif setpriv --bounding-set -dac_override,-dac_read_search true \
    2>/dev/null; then
	nocaps="setpriv --bounding-set -dac_override,-dac_read_search"
else
	nocaps=no
fi
fresh
pd set a.b.c v
[ "$backend" = server ] || chmod 500 "$(data)"
if [ "$backend" = server ]; then
	# No data directory to make read-only; nor may the writer lose the
	# right to enter the socket's directory (the harness's, not ours).
	ok "on a server: file permissions do not apply: no data directory" \
	    test ! -e "$(data)"
	run pd set a.b.d w
	is_run 0 "" "" "on a server: a write goes to the server"
	run pd keys a.
	is_run 0 "a.b.c
a.b.d" "" "... and is read back"
elif [ "$nocaps" = no ] || $nocaps touch "$(data)/x" 2>/dev/null; then
	skip "a read-only data directory" \
	    "root, and setpriv cannot drop CAP_DAC_OVERRIDE"
else
	cp "$(data)/main.db" "$tmp/before"
	run $nocaps "$PRONTODB" --home "$home" get a.b.c
	is_run 0 "v" "" "a read-only data directory still serves get"
	run $nocaps "$PRONTODB" --home "$home" keys a.
	is_run 0 "a.b.c" "" "... and keys"
	run $nocaps "$PRONTODB" --home "$home" check
	is_run 0 "ok" "" "... and check"
	run $nocaps "$PRONTODB" --home "$home" set a.b.d w
	is_run 74 "" \
	    "prontodb: cannot create $(data)/main.db-wal: Permission denied" \
	    "a write says which file it cannot create, and why (74)"
	ok "the database is left as it was" cmp -s "$(data)/main.db" \
	    "$tmp/before"
	run ls -A "$(data)"
	is_out "main.db" "and nothing was made beside it"
fi
[ "$backend" = server ] || chmod 700 "$(data)"

# --- a full disk ----------------------------------------------------------

# blob N: N KiB of x.
blob() {
	awk -v n="$1" 'BEGIN { s = sprintf("%1024s", ""); gsub(/ /, "x", s);
	    for (i = 0; i < n; i++) printf("%s", s) }'
}

# big FIRST LAST: sets of 20 KiB values, keys big.n.kFIRST to kLAST.
big() {
	v=$(blob 20)
	awk -v a="$1" -v b="$2" -v v="$v" \
	    'BEGIN { for (i = a; i <= b; i++) printf("set big.n.k%d %s\n", i, v) }'
}

# commit_failed N CAUSE WHAT: the last run, a block of sets into big.
# and a commit at line N, then `set after.n.k 1`, failed its commit with
# CAUSE: exit 74, none of the block's keys written, the stream stopped.
commit_failed() {
	is_run 74 "" "prontodb: <stdin>:$1:1: commit failed: $2; the transaction's writes were rolled back
prontodb: $1 statements, 0 ok, 1 failed, $(($1 - 1)) rolled back" \
	    "$3: its commit says why, counts it rolled back, exits 74"
	run pd count big.
	is_run 0 "0" "" "$3: none of the block's keys were written"
	run pd exists after.n.k
	is_rc 2 "$3: the stream stopped at the failed commit"
}

full=$tmp/full
mkdir "$full"
if [ "$(id -u)" != 0 ]; then
	mounted="not root"
elif ! mount -t tmpfs -o size=2m,mode=700 tmpfs "$full" 2>/dev/null; then
	mounted="cannot mount a tmpfs here"
else
	mounted=yes
	trap 'umount "$full" 2>/dev/null; rm -rf "$tmp"' EXIT
fi
if [ "$mounted" != yes ]; then
	skip "a full disk (a 2 MB tmpfs)" "$mounted"
elif [ "$backend" = server ]; then
	# The home on the full disk; the database on the server.
	home=$full
	pd set keep.n.k 1
	{ echo begin; big 1 150; echo commit; echo set after.n.k 1; } \
	    >"$tmp/in"
	run pd <"$tmp/in"
	is_run 0 "" "" "on a server: a full disk of the client's host does not stop a block"
	is "$(pd keys big. | wc -l):$(pd get after.n.k)" 150:1 \
	    "... all of its keys written, and the stream went on"
	ok "... and nothing was written to the full disk" test ! -e "$(data)"
	umount "$full"
	trap 'rm -rf "$tmp"' EXIT
else
	home=$full
	pd set keep.n.k 1
	wal="$(data)/main.db-wal: No space left on device"
	# A stream this large into a database this small is a bulk load,
	# written without the WAL (prontodb(1), TRANSACTIONS): what fills
	# the disk is the database itself.
	db="$(data)/main.db: No space left on device"
	{ echo begin; big 1 150; echo commit; echo set after.n.k 1; } \
	    >"$tmp/in"
	run pd <"$tmp/in"
	commit_failed 152 "cannot write $db" "a block that fills the disk"
	big 1 150 >"$tmp/in"
	run pd -1 <"$tmp/in"
	is_run 74 "" "prontodb: commit failed: cannot write $db; the transaction's writes were rolled back
prontodb: 150 statements, 0 ok, 0 failed, 150 rolled back" \
	    "-1: the counts add up to the statements read"
	run pd <"$tmp/in"
	is_run 74 "" "prontodb: commit failed: cannot write $db; the transaction's writes were rolled back
prontodb: 150 statements, 0 ok, 0 failed, 150 rolled back" \
	    "grouped statements: the same"
	{ big 1 150; echo begin; echo set after.n.k 1; echo commit; } \
	    >"$tmp/in"
	run pd <"$tmp/in"
	is_run 74 "" "prontodb: <stdin>:151:1: commit failed: cannot write $db; the transaction's writes were rolled back
prontodb: 151 statements, 0 ok, 1 failed, 150 rolled back" \
	    "grouped statements committed by a begin: the begin says so"
	blob 3000 >"$tmp/value"
	run pd set big.n.one - <"$tmp/value"
	is_run 74 "" "prontodb: commit failed: cannot write $wal; the transaction's writes were rolled back" \
	    "a one-shot set"
	run pd keys big.
	is_run 0 "" "" "nothing of any of them was written"
	run pd get keep.n.k
	is_run 0 "1" "" "earlier data is untouched"
	run pd check
	is_run 0 "ok" "" "the database is intact"
	run ls -A "$(data)"
	is_out "main.db" "no file is left behind"
	umount "$full"
	trap 'rm -rf "$tmp"' EXIT
fi

# --- a write error only a background sync saw -----------------------------

# A file of the database is synced in the background every 8 MiB it grows
# (sqlite/writeback.c); tests/failsync.so makes those syncs, and only
# those, fail with EIO.  The commit must fail as if its own sync had.
# failing [NAME=VALUE...]: prontodb on standard input, with the
# background syncs failing.  ASan wants its runtime first in the preload
# list; the shim has none.
failing() {
	env LD_PRELOAD="$FAILSYNC" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$@" "$PRONTODB" --home "$home"
}
# 100,000 values of 100 bytes: the database grows past 8 MiB.
{ echo begin; awk 'BEGIN { v = sprintf("%0100d", 7)
    for (i = 1; i <= 100000; i++) printf("set big.n.k%d %s\n", i, v) }'
  echo commit; echo set after.n.k 1; } >"$tmp/grow"
if [ -z "${FAILSYNC:-}" ] || [ ! -f "$FAILSYNC" ]; then
	skip "a failed background sync" "FAILSYNC names no shim (make check sets it)"
elif [ "$backend" = server ]; then
	fresh
	run failing <"$tmp/grow"
	is_run 0 "" "" "on a server: no file of the home is synced, the block is written"
else
	fresh
	run pd <"$tmp/grow"
	is_run 0 "" "" "without the shim the block commits"
	fresh
	{ echo begin; big 1 150; echo commit; } >"$tmp/in"
	run failing <"$tmp/in"
	is_run 0 "" "" "with it, a block too small for a background sync commits"
	fresh
	pd set keep.n.k 1
	run failing <"$tmp/grow"
	commit_failed 100002 "cannot sync $(data)/main.db: Input/output error" \
	    "a bulk load whose background sync failed"
	# Past 4 MiB a block goes through the WAL; synced at each commit
	# with durability=full, which must fail the same way.
	pd <"$tmp/grow"
	sed 's/big\.n\./more.n./' "$tmp/grow" >"$tmp/more"
	run failing PRONTO_DURABILITY=full <"$tmp/more"
	is_run 74 "" "prontodb: <stdin>:100002:1: commit failed: cannot sync $(data)/main.db-wal: Input/output error; the transaction's writes were rolled back
prontodb: 100002 statements, 0 ok, 1 failed, 100001 rolled back" \
	    "through the WAL with durability=full: the same, naming the WAL"
	run pd count more.
	is_run 0 "0" "" "none of its keys were written"
	run pd check
	is_run 0 "ok" "" "the database is intact"
fi

# --- a file size limit (SIGXFSZ) ------------------------------------------

fresh
pd set keep.n.k 1
{ echo begin; big 1 60; echo commit; echo set after.n.k 1; } >"$tmp/in"
# 256 blocks of 512 bytes (or of 1 KiB): less than the block's pages
# (a bulk load: written into the database, without the WAL).
(
	ulimit -f 256
	exec "$PRONTODB" --home "$home" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
)
rc=$?
if [ "$backend" = server ]; then
	is_run 0 "" "" "on a server: ulimit -f does not bound a write to the server"
	run pd keys big.
	is "$(wc -l <"$tmp/out")" 60 "... all of the block's keys were written"
else
	is_run 74 "" "prontodb: <stdin>:62:1: commit failed: cannot write $(data)/main.db: File too large; the transaction's writes were rolled back
prontodb: 62 statements, 0 ok, 1 failed, 61 rolled back" \
	    "past ulimit -f: the full-disk message and 74, not death by SIGXFSZ"
	run pd keys big.
	is_run 0 "" "" "none of the block's keys were written"
fi
run pd check
is_run 0 "ok" "" "the database is intact"
big 1 30 | pd
(
	ulimit -f 64
	exec "$PRONTODB" --home "$home" export >"$tmp/out" 2>"$tmp/err"
)
rc=$?
is_err "prontodb: cannot write to standard output: File too large" \
    "an export past ulimit -f says so"
is_rc 74 "... and exits 74"

# --- no memory (ulimit -v) ------------------------------------------------

fresh
pd set keep.n.k 1
if ! (ulimit -v 200000; exec "$PRONTODB" --version) >/dev/null 2>&1; then
	skip "out of memory" "prontodb cannot run under ulimit -v (sanitizers?)"
else
	# A value read from stdin grows its buffer past the limit.
	(
		ulimit -v 100000
		head -c 100000000 /dev/zero |
		    "$PRONTODB" --home "$home" set big.n.k - >"$tmp/out" \
		    2>"$tmp/err"
	)
	rc=$?
	is_run 1 "" "prontodb: out of memory" \
	    "out of memory: one line and exit 1, no abort"
	run pd exists big.n.k
	is_rc 2 "nothing was written"
	# An import under less and less memory: ours or SQLite's allocations
	# fail, at different places; every failure must read the same.
	awk 'BEGIN { for (i = 1; i <= 30000; i++)
	    printf("set p.n.k%d value%d\n", (i * 7919) % 30011, i) }' >"$tmp/in"
	# On a server, libpq may be what cannot be loaded (1), or loaded but
	# out of memory as it connects (74, as any failed connection): each
	# statement says so, the count says none ran.
	no_libpq() {
		grep -v -e '^prontodb: <stdin>:[0-9]*:1: PostgreSQL needs libpq (apt-get install libpq5): [^ ]*: failed to map segment from shared object$' \
		    -e '^prontodb: <stdin>:[0-9]*:1: cannot connect to the server at .*: out of memory$' \
		    -e '^prontodb: 30000 statements, 0 ok, 30000 failed, 0 rolled back$' \
		    "$1" | { ! grep -q .; } && [ -s "$1" ]
	}
	bad=0
	failures=0
	for kb in 8000 10000 12000 14000 16000 18000 20000 22000 24000 \
	    26000 28000 30000 32000 36000 40000 48000; do
		# Too little to load the program at all is not the test.
		(ulimit -v $kb; exec "$PRONTODB" --version) >/dev/null \
		    2>&1 || continue
		(ulimit -v $kb; exec "$PRONTODB" --home "$home" <"$tmp/in") \
		    >/dev/null 2>"$tmp/err"
		rc=$?
		n=$("$PRONTODB" --home "$home" keys p.n. | wc -l)
		if [ $rc = 1 ] &&
		    [ "$(cat "$tmp/err")" = "prontodb: out of memory" ] &&
		    [ $n = 0 ]; then
			failures=$((failures + 1))
		elif [ "$backend" = server ] && { [ $rc = 1 ] || [ $rc = 74 ]; } &&
		    [ $n = 0 ] && no_libpq "$tmp/err"; then
			failures=$((failures + 1))
		elif [ $rc = 0 ] && [ ! -s "$tmp/err" ] && [ $n = 30000 ]; then
			pd ns drop p.n --force >/dev/null
		else
			bad=$((bad + 1))
			echo "# ulimit -v $kb: exit $rc, $n keys:"
			tap_show "$tmp/err"
		fi
	done
	if [ "$backend" = server ]; then
		is $bad 0 "on a server: under ulimit -v, an import succeeds, or says 'out of memory' or that libpq cannot be loaded (1), and writes nothing"
	else
		is $bad 0 "under ulimit -v, an import succeeds or says 'out of memory' (1) and writes nothing"
	fi
	ok "... and the limits tried include some it ran out under" \
	    [ $failures -gt 0 ]
	run pd check
	is_run 0 "ok" "" "the database is intact"
	ok "no core file" [ ! -e core ]
fi

# --- a closed or full standard output -------------------------------------

# unpiped CMD...: run CMD with the standard output it is given (run's
# would replace it); stderr and the status are captured as by run.
unpiped() {
	: >"$tmp/out"
	"$@" 2>"$tmp/err"
	rc=$?
}

fresh
pd set a.b.c v
unpiped pd get a.b.c >&-
is_run 74 "" "prontodb: cannot write to standard output: Bad file descriptor" \
    "get >&- says why and exits 74"
unpiped pd set a.b.d w >&-
is_run 0 "" "" "set >&- prints nothing, so it succeeds"
run pd get a.b.d
is_out "w" "... and its write is made"
unpiped pd set a.b.e - <&-
is_run 74 "" "prontodb: cannot read standard input: Bad file descriptor" \
    "set - <&- says why and exits 74"
run pd exists a.b.e
is_rc 2 "... and writes no empty value"
printf 'set s.n.a 1\nget a.b.c\nset s.n.b 2\n' >"$tmp/in"
unpiped pd -f "$tmp/in" >&-
is_run 74 "" "prontodb: cannot write to standard output: Bad file descriptor" \
    "a stream with stdout closed says why and exits 74"
run pd keys s.
is_out "s.n.a
s.n.b" "the writes of the statements that ran are kept"
if [ -w /dev/full ]; then
	unpiped pd -f "$tmp/in" >/dev/full
	is_run 74 "" \
	    "prontodb: cannot write to standard output: No space left on device" \
	    "a stream into /dev/full says why and exits 74"
	pd del s.n.a >/dev/null
	pd del s.n.b >/dev/null
	unpiped pd -f "$tmp/in" >/dev/full
	run pd keys s.
	is_out "s.n.a
s.n.b" "... and keeps its writes"
else
	skip "a stream into /dev/full" "no /dev/full"
	skip "... and keeps its writes" "no /dev/full"
fi

# --- SIGKILL in the middle of a commit ------------------------------------

fresh
pd set keep.n.k 1
bad=0
i=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	awk -v i=$i 'BEGIN { print "begin";
	    for (k = 1; k <= 3000; k++) printf("set b%d.n.k%d value-%d-%d\n", i, k, i, k);
	    print "commit" }' >"$tmp/in"
	"$PRONTODB" --home "$home" <"$tmp/in" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s=$i 'BEGIN { srand(s); printf("%.3f", rand() * 0.06) }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$("$PRONTODB" --home "$home" keys "b$i.n." | wc -l)
	if [ $n != 0 ] && [ $n != 3000 ]; then
		bad=$((bad + 1))
		echo "# iteration $i: $n keys of the block"
	fi
done
is $bad 0 "30 blocks killed at random moments: each all or nothing"
run pd check
is_run 0 "ok" "" "the database opens and is intact"
run pd get keep.n.k
is_run 0 "1" "" "earlier data is untouched"

done_testing
