#!/bin/sh
# durability.sh - the durability setting: normal (the default) or full, from
# the config file or PRONTO_DURABILITY; full must really sync every commit.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/durability.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_DURABILITY PRONTO_ON_ERROR

cfg=
write_cfg() {
	mkdir -p "$home/.config/prontodb"
	cfg=$home/.config/prontodb/config
	printf '%s\n' "$@" >"$cfg"
}

# --- the setting -----------------------------------------------------------
fresh
run pd config get durability
is_run 0 "normal" "" "durability is normal by default"
run pd config list
grep -q '^durability = normal (default)$' "$tmp/out"
is $? 0 "config list shows it and its origin"
run pd config set durability full
is_run 0 "" "" "config set durability full"
run cat "$home/.config/prontodb/config"
is_out "# prontodb configuration, see prontodb(1)
durability = full" "... writes it to the config file"
run pd config list
grep -q '^durability = full (config)$' "$tmp/out"
is $? 0 "config list names the config file as its origin"
run env PRONTO_DURABILITY=normal "$PRONTODB" --home "$home" config get durability
is_run 0 "normal" "" "PRONTO_DURABILITY beats the config file"
run env PRONTO_DURABILITY=normal "$PRONTODB" --home "$home" config list
grep -q '^durability = normal (env PRONTO_DURABILITY)$' "$tmp/out"
is $? 0 "config list names the variable"
run env PRONTO_DURABILITY= "$PRONTODB" --home "$home" config get durability
is_run 0 "full" "" "an empty PRONTO_DURABILITY counts as unset"
run pd config set durability fsync
is_run 64 "" "prontodb: durability must be normal or full, not 'fsync'" \
    "config set of a bad value is a usage error"
run pd config get durability
is_out "full" "... and changes nothing"
run env PRONTO_DURABILITY=FULL "$PRONTODB" --home "$home" set a.b.c v
is_run 64 "" "prontodb: PRONTO_DURABILITY must be normal or full, not 'FULL'" \
    "a bad PRONTO_DURABILITY is a usage error"
write_cfg "durability = always"
run pd set a.b.c v
is_run 64 "" "prontodb: $cfg:1: durability must be normal or full, not 'always'" \
    "a bad value in the config file names the file and line"
write_cfg "durability = full"
run pd get a.b.c
is_rc 2 "... and nothing ran"
run pd config unset durability
is_run 0 "" "" "config unset durability"
run pd config get durability
is_out "normal" "... back to the default"

# --- full syncs every commit -----------------------------------------------
# Under normal the WAL is synced only when it is started and when a
# checkpoint copies it into the database; under full also at every commit.
# strace counts the syncs of the WAL over five blocks (a test that skips
# where strace is missing or may not trace).
wal_syncs() {
	strace -f -y -e trace=fsync,fdatasync -o "$tmp/trace" \
	    env PRONTO_DURABILITY="$1" "$PRONTODB" --home "$home" \
	    <"$tmp/blocks" >/dev/null 2>&1
	grep -c 'main\.db-wal>' "$tmp/trace"
}
# On a server: no sync of a file of the home, nor any file there.
no_wal_file() {
	[ "$normal:$full" = 0:0 ] && [ ! -e "$home/.local/share/prontodb" ]
}
fresh
pd set a.b.first 1
: >"$tmp/blocks"
for i in 1 2 3 4 5; do
	printf 'begin\nset a.b.k%s v\ncommit\n' "$i" >>"$tmp/blocks"
done
if strace -o /dev/null true >/dev/null 2>&1; then
	normal=$(wal_syncs normal)
	full=$(wal_syncs full)
	if [ "$backend" = server ]; then
		ok "on a server: the server keeps its own WAL: no main.db-wal synced (normal $normal, full $full), no data directory" \
		    no_wal_file
	else
		ok "durability=full syncs the WAL at each of 5 commits (normal $normal, full $full)" \
		    test "$full" -ge $((normal + 5))
	fi
	run pd keys a.b.
	is_out "a.b.first
a.b.k1
a.b.k2
a.b.k3
a.b.k4
a.b.k5" "the blocks were written"
else
	tap_result 0 "durability=full syncs the WAL at each commit # SKIP strace cannot trace here"
	tap_result 0 "the blocks were written # SKIP strace cannot trace here"
fi

done_testing
