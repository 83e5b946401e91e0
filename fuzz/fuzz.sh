#!/bin/sh
# fuzz/fuzz.sh - build the libFuzzer harnesses and run each for a while.
#
#   fuzz.sh SRCDIR LEXER_C OUTDIR    (what `make fuzz` runs)
#
# SRCDIR is the source tree, LEXER_C the generated lexer, OUTDIR where the
# build, the growing corpora and the findings go.  Each harness runs for
# FUZZ_SECONDS (default 60) seconds with ASan and UBSan; a crash, a leak or
# a timeout fails the run and leaves its reproducer (crash-*, leak-*,
# timeout-*) in OUTDIR/findings/HARNESS/, whose name is printed.  Replay
# one with OUTDIR/build/fuzz_HARNESS FILE.  FUZZ_CC names the compiler
# (default clang).
#
# The engine harness runs in a mount namespace where every file system is
# read-only but OUTDIR, so a stream that names a path cannot write outside
# it.  Where that namespace cannot be made, the run fails unless
# FUZZ_SANDBOX=no.
set -u

# In the namespace: OUTDIR stays writable, everything else becomes
# read-only, the scratch home gets a private tmpfs; then run the rest.
if [ "${1:-}" = --sandboxed ]; then
	out=$2
	shift 2
	mount --bind "$out" "$out" || exit 1
	awk '{ print $2 }' /proc/self/mounts | while read -r m; do
		[ "$m" = "$out" ] || mount -o remount,bind,ro "$m" 2>/dev/null
	done
	mkdir -p "$out/scratch"
	mount -t tmpfs -o mode=0700 tmpfs "$out/scratch" || exit 1
	# Relative paths in a stream land in the tmpfs too.
	cd "$out/scratch" || exit 1
	TMPDIR=$out/scratch exec "$@"
fi

if [ $# -ne 3 ]; then
	echo "usage: fuzz.sh SRCDIR LEXER_C OUTDIR" >&2
	exit 64
fi
srcdir=$(cd "$1" && pwd) || exit 1
lexer_c=$2
mkdir -p "$3" || exit 1
out=$(cd "$3" && pwd) || exit 1
cc=${FUZZ_CC:-clang}
secs=${FUZZ_SECONDS:-60}
# libFuzzer takes 0 for no limit: a run must end.
case $secs in
''|*[!0-9]*|0) echo "fuzz: FUZZ_SECONDS must be a positive number" >&2
	exit 64 ;;
esac
build=$out/build
mkdir -p "$build" || exit 1

cflags="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer
    -D_POSIX_C_SOURCE=200809L -DPRONTO_VERSION=\"fuzz\"
    -I$srcdir/src -I$srcdir/lexer
    $(pkg-config --cflags sqlite3 libsodium jansson libpq)" || exit 1
libs="$(pkg-config --libs sqlite3 libsodium jansson) -lpthread" || exit 1

# A compiler that cannot build a fuzzer fails here, saying what to install.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) '\
'{ return 0; }\n' >"$build/probe.c"
if ! $cc -fsanitize=fuzzer,address,undefined -o "$build/probe" \
    "$build/probe.c" >"$build/probe.log" 2>&1; then
	cat "$build/probe.log" >&2
	echo "fuzz: $cc cannot build a libFuzzer target" \
	    "(apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
fi

# Everything is rebuilt when any source is newer than the harnesses.
stale=yes
if [ -f "$build/fuzz_lexer" ] && [ -f "$build/fuzz_engine" ] &&
    [ -z "$(find "$srcdir/src" "$srcdir/lexer" "$srcdir/fuzz" "$lexer_c" \
    -newer "$build/fuzz_engine" -name '*.[ch]' 2>/dev/null)" ]; then
	stale=no
fi
if [ $stale = yes ]; then
	echo "fuzz: building the harnesses with $cc in $build"
	rm -f "$build"/*.o "$build/fuzz_lexer" "$build/fuzz_engine"
	objs=
	# The backends' folders too; their files' names repeat (watch.c),
	# so an object is named after its folder as well.
	for f in "$lexer_c" "$srcdir"/src/*.c "$srcdir"/src/*/*.c; do
		# libm.c stands in for libm beside a static SQLite only;
		# the harnesses link the shared one.
		case $f in */src/main.c|*/src/sqlite/libm.c) continue ;; esac
		o=$build/$(basename "$(dirname "$f")")_$(basename "$f" .c).o
		# shellcheck disable=SC2086
		$cc $cflags -c -o "$o" "$f" || exit 1
		objs="$objs $o"
	done
	for h in lexer engine; do
		# shellcheck disable=SC2086
		$cc $cflags -Wall -Wextra -Wno-unused-parameter -Werror \
		    -o "$build/fuzz_$h" "$srcdir/fuzz/fuzz_$h.c" $objs $libs ||
		    exit 1
	done
fi

status=0
for h in lexer engine; do
	corpus=$out/corpus/$h
	findings=$out/findings/$h
	mkdir -p "$corpus" "$findings" || exit 1
	run=
	if [ $h = engine ]; then
		if [ "${FUZZ_SANDBOX:-yes}" = no ]; then
			echo "fuzz: FUZZ_SANDBOX=no: the engine may write" \
			    "anywhere a stream names" >&2
		elif unshare --mount --propagation private true 2>/dev/null
		then
			run="unshare --mount --propagation private sh $0
			    --sandboxed $out"
		elif unshare --user --map-root-user --mount true 2>/dev/null
		then
			run="unshare --user --map-root-user --mount
			    --propagation private sh $0 --sandboxed $out"
		else
			echo "fuzz: cannot make a read-only mount namespace" \
			    "(unshare); FUZZ_SANDBOX=no runs without it" >&2
			status=1
			continue
		fi
	fi
	echo "fuzz: $h for $secs s; findings go to $findings/"
	before=$(ls "$findings" | wc -l)
	# The seeds are read, new inputs go to the corpus in OUTDIR.  No
	# terminal and no standard input: nothing can wait for a person.
	# shellcheck disable=SC2086
	setsid -w $run "$build/fuzz_$h" -max_total_time="$secs" -timeout=25 \
	    -max_len=8192 -close_fd_mask=3 -print_final_stats=1 \
	    -artifact_prefix="$findings/" "$corpus" "$srcdir/fuzz/corpus/$h" \
	    </dev/null >"$out/$h.log" 2>&1
	rc=$?
	after=$(ls "$findings" | wc -l)
	if [ $rc -ne 0 ] || [ "$after" -ne "$before" ]; then
		tail -60 "$out/$h.log"
		echo "fuzz: $h FAILED (exit $rc); reproducers in $findings/:"
		ls -l "$findings"
		status=1
	else
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' \
		    "$out/$h.log"
		echo "fuzz: $h ok"
	fi
done
exit $status
