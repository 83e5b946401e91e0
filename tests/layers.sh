#!/bin/sh
# layers.sh - check the layering of the sources (TAP).
#
# Only a storage backend's own folder may include its client library's
# header: <sqlite3.h> in src/sqlite/, <libpq-fe.h> in src/pg/.  Outside
# the backends, the engine and the verbs see the store through store.h:
# none of their files may build a database's file name or name the files
# SQLite keeps beside it (NAME.db, -wal, -shm), call SQLite, or locate a
# database by hand (paths_db_file is gone: store_locate does it).
# Run by automake with top_srcdir set; by hand, from the source tree as
#	sh tests/layers.sh

case $0 in
*/*)	here=${0%/*} ;;
*)	here=. ;;
esac
srcdir=${top_srcdir:-$here/..}
cd "$srcdir" || exit 1

echo "1..4"

# not_in N DESCRIPTION PATTERN FILE...: ok when no FILE has a line that
# matches the extended regular expression PATTERN; else the lines.
not_in() {
	n=$1 what=$2 pattern=$3
	shift 3
	found=$(grep -nE "$pattern" "$@" 2>/dev/null)
	if [ -z "$found" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		printf '%s\n' "$found" | sed 's/^/# /'
	fi
}

outside() {
	for f in src/*.c src/*.h src/*/*.c src/*/*.h; do
		case $f in
		src/$1/*) ;;
		*) [ -f "$f" ] && printf '%s\n' "$f" ;;
		esac
	done
}

not_in 1 "only src/sqlite includes sqlite3.h" \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]sqlite3\.h[>"]' \
    $(outside sqlite)
not_in 2 "only src/pg includes libpq-fe.h" \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]libpq-fe\.h[>"]' \
    $(outside pg)
verbs=$(ls src/cmd-*.c src/engine*.c src/main.c src/cli.c src/cursor.c)
not_in 3 "the verbs and the engine make no database file names" \
    '%s\.db"|"-wal"|"-shm"|-wal"|-shm"|paths_db_file' $verbs
not_in 4 "the verbs and the engine do not call SQLite" \
    'sqlite3_|SQLITE_' $verbs
