#!/bin/sh
# bigval.sh - big values: 64 MiB through `set ADDR - < file`, a pipe and a
# stream literal, read back byte for byte with `get --raw`, each within its
# memory bound (tests/maxrss); a value over the largest (512 MiB) refused
# before anything is read or written; `get` to a full or closed standard
# output fails with 74.
#
# The bounds: reading, the value once (SQLite's copy of the row, written
# from where it lies) and 32 MiB (SQLite's page cache and the program);
# writing a new key, the value twice (as read, and the row SQLite builds
# of it: a WITHOUT ROWID table has no incremental blob I/O) and 48 MiB;
# replacing a big value, four times: the upsert builds the row twice (the
# insert tried, then the update), and to find where a row goes SQLite
# reads the whole of each row it compares the key with whose cell spills
# onto overflow pages (sqlite3BtreeIndexMoveto), here the old value.
# Before issue 15 a get held the value twice, a set five times.
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
set_bound=$(((2 * size + 48 * mib) / 1024))
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
rss_ok "... within twice the value and 48 MiB" "$set_bound"
run "$MAXRSS" "$tmp/rss" "$PRONTODB" --home "$home" get --raw p.n.k
is_out_file "$tmp/v" "get --raw gives back the bytes"
rss_ok "... within the value and 32 MiB" "$get_bound"
run pd get p.n.k p.n.small
tail -c 4 "$tmp/out" >"$tmp/tail"
printf '\n\nv\n' >"$tmp/want"
tap_cmp "$tmp/want" "$tmp/tail" "get of several keys: the value, a newline, the next"

head -c 1000 "$tmp/v" >"$tmp/v2"
cat "$tmp/v" >>"$tmp/v2"
run sh -c 'cat "$1" | "$2" "$3" "$4" --home "$5" set p.n.k -' sh \
    "$tmp/v2" "$MAXRSS" "$tmp/rss" "$PRONTODB" "$home"
is_run 0 "" "" "set ADDR - through a pipe, replacing a value of 64 MiB"
rss_ok "... within four times the value and 48 MiB" \
    $((set_bound + 2 * size / 1024))
run pd get --raw p.n.k
is_out_file "$tmp/v2" "... read back byte for byte"

fresh
run sh -c 'cat "$1" | "$2" "$3" "$4" --home "$5" set p.n.k -' sh \
    "$tmp/v" "$MAXRSS" "$tmp/rss" "$PRONTODB" "$home"
is_run 0 "" "" "set ADDR - of 64 MiB through a pipe"
rss_ok "... within twice the value and 48 MiB" "$set_bound"
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
rss_ok "... within twice the value and 48 MiB" "$set_bound"
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

done_testing
