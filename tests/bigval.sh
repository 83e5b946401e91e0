#!/bin/sh
# bigval.sh - big values: 64 MiB through `set ADDR - < file`, a pipe and a
# stream literal, read back byte for byte with `get --raw`, each within its
# memory bound (tests/maxrss); a value over the largest (512 MiB) refused
# before anything is read or written; `get` to a full or closed standard
# output fails with 74.  A value over 1 MiB is kept in sys_blobs, out of
# its key's row: every reader sees its bytes, and no blob outlives its key
# (check counts the blobs no key holds; sqlite3, where installed, counts
# sys_blobs' rows) through replace, copy, move, rename, backup and
# restore, del, expiry, eviction, a namespace moved or dropped, export,
# verify and import; a write that fails or is killed leaves the old value.
#
# The bounds: reading, the value once (read from sys_blobs in pieces
# into one buffer) and 32 MiB (SQLite's page cache and the program);
# writing, new or replacing, the value once (as read from the input) and
# 64 MiB: it goes into sys_blobs in pieces of 1 MiB (zeroblob, then
# sqlite3_blob_write), and the key's row holds only the blob's id.
# Before issue 15 a get held the value twice, a set five times; before
# sys_blobs a set twice (SQLite builds a row whole), a replace four times.
#
# Run by automake with PRONTODB, MAXRSS and top_srcdir set; by hand:
#	PRONTODB=build/prontodb MAXRSS=build/tests/maxrss top_srcdir=. \
#	    sh tests/bigval.sh
. "${top_srcdir:-.}/tests/tap.sh"

: "${MAXRSS:?set MAXRSS to the tests/maxrss binary}"

mib=1048576
size=$((64 * mib))
max=536870912
get_bound=$(((size + 32 * mib) / 1024))
set_bound=$(((size + 64 * mib) / 1024))
get_within="... within the value and 32 MiB"
set_within="... within the value and 64 MiB"
# On a server libpq holds a value whole: a set's in its output buffer
# beside the one read, a get's in its input buffer (grown by doubling)
# and in its result.
if [ "$backend" = server ]; then
	get_bound=$(((3 * size + 32 * mib) / 1024))
	set_bound=$(((2 * size + 32 * mib) / 1024))
	get_within="... on a server: within three times the value and 32 MiB (libpq's buffers)"
	set_within="... on a server: within twice the value and 32 MiB (libpq's buffer)"
fi
# A sanitizer's shadow memory is no measure of prontodb's.
measure=1
if grep -q __asan_init "$PRONTODB"; then
	measure=0
fi

# rss_ok NAME BOUND-KIB: the last measured command stayed within BOUND.
rss_ok() {
	got=$(cat "$tmp/rss")
	if [ "$measure" = 0 ]; then
		tap_result 0 "$1 # SKIP a sanitizer build"
	elif [ "$got" -le "$2" ]; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1"
		echo "#   peak RSS $got KiB, more than $2 KiB"
	fi
}

# Random bytes, NULs and newlines among them, and a final newline kept.
dd if=/dev/urandom of="$tmp/v" bs=$mib count=64 2>/dev/null
printf '\n' >>"$tmp/v"
size=$((size + 1))

fresh
pd set p.n.small v
run "$MAXRSS" "$tmp/rss" "$PRONTODB" --home "$home" set p.n.k - <"$tmp/v"
is_run 0 "" "" "set ADDR - of 64 MiB from a file"
rss_ok "$set_within" "$set_bound"
run "$MAXRSS" "$tmp/rss" "$PRONTODB" --home "$home" get --raw p.n.k
is_out_file "$tmp/v" "get --raw gives back the bytes"
rss_ok "$get_within" "$get_bound"
run pd get p.n.k p.n.small
tail -c 4 "$tmp/out" >"$tmp/tail"
printf '\n\nv\n' >"$tmp/want"
tap_cmp "$tmp/want" "$tmp/tail" "get of several keys: the value, a newline, the next"

head -c 1000 "$tmp/v" >"$tmp/v2"
cat "$tmp/v" >>"$tmp/v2"
run sh -c 'cat "$1" | "$2" "$3" "$4" --home "$5" set p.n.k -' sh \
    "$tmp/v2" "$MAXRSS" "$tmp/rss" "$PRONTODB" "$home"
is_run 0 "" "" "set ADDR - through a pipe, replacing a value of 64 MiB"
rss_ok "$set_within" "$set_bound"
run pd get --raw p.n.k
is_out_file "$tmp/v2" "... read back byte for byte"

fresh
run sh -c 'cat "$1" | "$2" "$3" "$4" --home "$5" set p.n.k -' sh \
    "$tmp/v" "$MAXRSS" "$tmp/rss" "$PRONTODB" "$home"
is_run 0 "" "" "set ADDR - of 64 MiB through a pipe"
rss_ok "$set_within" "$set_bound"
run pd get --raw p.n.k
is_out_file "$tmp/v" "... read back byte for byte"

fresh
pd set p.n.small v
{
	printf 'set p.n.s {%d}\n' "$size"
	cat "$tmp/v"
	printf '\nget --raw p.n.small\n'
} >"$tmp/s.pds"
run "$MAXRSS" "$tmp/rss" "$PRONTODB" --home "$home" -f "$tmp/s.pds"
printf v >"$tmp/want"
tap_cmp "$tmp/want" "$tmp/out" \
    "a {N} literal of 64 MiB in a stream, and a statement after it"
rss_ok "$set_within" "$set_bound"
run pd get --raw p.n.s
is_out_file "$tmp/v" "... read back byte for byte"

# --- the largest value --------------------------------------------------
dd if=/dev/null of="$tmp/huge" bs=1 seek=$((max + 1)) 2>/dev/null
run pd set p.n.small - <"$tmp/huge"
is_run 65 "" "prontodb: value too long: standard input holds more than the largest value, $max bytes" \
    "a file on standard input one byte over the largest value is refused"
run pd get p.n.small
is_out "v" "... and the key keeps its value"
printf 'set p.n.small {%d}\nget p.n.small\n' $((max + 1)) >"$tmp/in"
run pd -f "$tmp/in"
is_run 65 "" "prontodb: $tmp/in:1:15: literal too long
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "a literal one byte over the largest value is refused at its header"
run pd get p.n.small
is_out "v" "... and nothing was written"

# --- a standard output that takes nothing -------------------------------
if [ -w /dev/full ]; then
	run sh -c '"$1" --home "$2" get --raw p.n.s >/dev/full' sh \
	    "$PRONTODB" "$home"
	is_run 74 "" "prontodb: cannot write to standard output: No space left on device" \
	    "get of a big value to a full standard output: 74"
else
	tap_result 0 "get to a full standard output # SKIP no /dev/full"
fi
run sh -c '"$1" --home "$2" get --raw p.n.s >&-' sh "$PRONTODB" "$home"
is_run 74 "" "prontodb: cannot write to standard output: Bad file descriptor" \
    "get of a big value to a closed standard output: 74"

# --- big values out of their rows: every reader, no blob left behind ---
# blobs_are N WHAT: check finds nothing wrong (no key without its blob, no
# blob without its key) and sys_blobs holds N rows.
blobs_are() {
	run pd check
	is_run 0 "ok" "" "$2: check finds no blob without its key"
	if [ "$backend" = server ]; then
		big_rows "$1"
	elif command -v sqlite3 >/dev/null 2>&1; then
		run sqlite3 "$home/.local/share/prontodb/main.db" \
		    'SELECT count(*) FROM sys_blobs'
		is_out "$1" "... and sys_blobs holds $1"
	else
		tap_result 0 "... sys_blobs counted # SKIP sqlite3 is not installed"
	fi
}

# big_rows N: on a server a value is kept in its key's row (bytea), with
# no sys_blobs: the rows of the database's key tables holding a value
# over 1 MiB are N, counted by psql.
big_rows() {
	if ! command -v psql >/dev/null 2>&1; then
		tap_result 0 "... big values counted # SKIP psql is not installed"
		return
	fi
	run psql -X -q -At -v ON_ERROR_STOP=1 "$PRONTO_TEST_SERVER" -c "
	    SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml(format(
	    'SELECT count(*) AS c FROM %I.%I WHERE octet_length(value) > $mib',
	    table_schema, table_name), false, true, '')))[1]::text::int), 0)
	    FROM information_schema.columns WHERE column_name = 'value' AND
	    table_schema = '${PRONTO_SERVER##*#}main' AND
	    table_name NOT LIKE 'sys\_%'"
	is_out "$1" "... on a server: no sys_blobs, $1 rows hold a value over 1 MiB"
}

dd if=/dev/urandom of="$tmp/m" bs=$mib count=2 2>/dev/null
printf 'x\n' >>"$tmp/m"
head -c $((mib + 1)) "$tmp/m" >"$tmp/m2"
fresh
pd set p.n.k - <"$tmp/m"
blobs_are 1 "a value over 1 MiB"
run pd meta get p.n.k size
is_out "$((2 * mib + 2))" "meta size of a big value: its length"
pd set p.n.k - <"$tmp/m2"
run pd get --raw p.n.k
is_out_file "$tmp/m2" "a big value replaced by another: the new bytes"
blobs_are 1 "... the old blob deleted"
pd set p.n.k small
run pd get p.n.k
is_out "small" "a big value replaced by a small one"
blobs_are 0 "... its blob deleted"
pd set p.n.k - <"$tmp/m"
run pd get --raw p.n.k
is_out_file "$tmp/m" "a small value replaced by a big one"
run pd set p.n.k if-absent - <"$tmp/m2"
run pd get --raw p.n.k
is_out_file "$tmp/m" "set if-absent leaves a big value"

pd copy p.n.k p.n.c
run pd get --raw p.n.c
is_out_file "$tmp/m" "copy of a big value: the same bytes"
blobs_are 2 "... a blob of its own"
pd move p.n.c p.o.d
pd rename p.o.d p.o.e
run pd get --raw p.o.e
is_out_file "$tmp/m" "a big value moved and renamed"
blobs_are 2 "... its blob moved with it"
pd backup "$tmp/b.db" >/dev/null
pd set p.n.k small
pd restore "$tmp/b.db" >/dev/null
run pd get --raw p.n.k
is_out_file "$tmp/m" "a big value backed up and restored"
blobs_are 2 "... with its blob"
pd del p.n.k
blobs_are 1 "del of a big value"

# Printable: scan shows a value as text.
head -c $((mib / 2 + 1)) /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/t"
pd set p.o.t - <"$tmp/t"
run pd scan p.o.t
{ printf 'p.o.t='; cat "$tmp/t"; echo; } >"$tmp/want"
is_out_file "$tmp/want" "scan shows a big value"
rev=$(pd meta get p.o.t revision)
run pd --json scan p.o.t
{ printf '{"key":"p.o.t","value":"'; cat "$tmp/t"
  printf '","revision":%s}\n' "$rev"; } >"$tmp/want"
is_out_file "$tmp/want" "... and --json scan"
pd del p.o.t
pd export p >"$tmp/exp"
run pd verify "$tmp/exp"
is_run 0 "" "" "verify of a big value against its export: no difference"
"$PRONTODB" --home "$tmp/other" -f "$tmp/exp" >/dev/null
run "$PRONTODB" --home "$tmp/other" get --raw p.o.e
is_out_file "$tmp/m" "export, then import elsewhere, of a big value"
pd table create big
pd ns set p.o table=big
run pd get --raw p.o.e
is_out_file "$tmp/m" "a namespace of big values moved to a table of its own"
blobs_are 1 "... its blobs moved with it"
pd set p.o.f - <"$tmp/m2"
pd ns drop p.o force
blobs_are 0 "a namespace of big values dropped"

pd set p.n.k - <"$tmp/m"
pd expire p.n.k 1
sleep 2
run pd cache sweep
blobs_are 0 "an expired big value swept"
pd cache create p.c 3600 max_items=1
pd set p.c.a - <"$tmp/m"
pd set p.c.b - <"$tmp/m2"
run pd get --raw p.c.b
is_out_file "$tmp/m2" "a capped namespace of big values"
blobs_are 1 "... the evicted key's blob deleted"

# A write that fails (a file size limit; SIGXFSZ ignored, so EFBIG)
# leaves the old value, and no blob.
pd set p.n.k small
run sh -c 'trap "" XFSZ; ulimit -f 2000; exec "$1" --home "$2" set p.n.k - <"$3"' \
    sh "$PRONTODB" "$home" "$tmp/v"
if [ "$backend" = server ]; then
	is_rc 0 "on a server: ulimit -f does not bound a big set sent to the server"
	run pd get --raw p.n.k
	is_out_file "$tmp/v" "... and the key has the new value"
	pd set p.n.k small
	blobs_are 1 "... replaced by a small one again"
else
	is_rc 74 "a big set that cannot write: 74"
	run pd get p.n.k
	is_out "small" "... and the key keeps its value"
	blobs_are 1 "... and no blob is left"
fi

# Killed while it writes (the write-ahead log growing): the old value.
# On a server, while its statement runs, before its COMMIT is sent (the
# server's view of the connection, named by PGAPPNAME): the server rolls
# the transaction back.
wal="$home/.local/share/prontodb/main.db-wal"
app=prontodb-bigval-$$
reached() {
	if [ "$backend" = server ]; then
		[ "$(psql -X -At "$PRONTO_TEST_SERVER" -c "SELECT count(*) FROM
		    pg_stat_activity WHERE application_name = '$app' AND
		    state = 'active' AND query NOT LIKE '%COMMIT%'")" = 1 ]
	else
		[ "$( { wc -c <"$wal"; } 2>/dev/null || echo 0)" -ge $((16 * mib)) ]
	fi
}
mid_write() {
	[ "$backend" != server ] || reached
}
killed="a big set killed while it writes"
[ "$backend" != server ] ||
    killed="on a server: a big set killed while its statement runs"
PGAPPNAME=$app "$PRONTODB" --home "$home" set p.n.k - <"$tmp/v" &
pid=$!
n=0
while ! reached && [ $n -lt 2000 ] && kill -0 $pid 2>/dev/null; do
	n=$((n + 1))
	sleep 0.01
done
if mid_write && kill -9 $pid 2>/dev/null; then
	wait $pid 2>/dev/null
	run pd get p.n.k
	is_out "small" "$killed: the old value"
	blobs_are 1 "... and no blob is left"
else
	wait $pid
	tap_result 0 "$killed # SKIP it had ended"
	tap_result 0 "... check # SKIP"
	tap_result 0 "... count # SKIP"
fi

done_testing
