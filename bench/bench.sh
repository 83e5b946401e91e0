#!/bin/sh
# bench.sh - ProntoDB's benchmark harness (run by `make bench`).
#
#	bench.sh PRONTODB
#
# Measures the prontodb binary PRONTODB against baselines measured in the
# same run (the C programs in bench/, the sqlite3 CLI, redis-cli --pipe)
# and prints one table: workload, prontodb's figure, the baseline's,
# their ratio, the target and whether it is met.  The same table goes to
# $RESULTS as JSON.  Progress goes to stderr.  Every figure is the median
# of several runs; one-shot commands run interleaved with their baseline
# so drift on a noisy machine hits both alike.  See bench/README.md.
#
# Environment (all optional):
#	N		rows in the bulk imports (default 1000000)
#	REPS		runs of each bulk import; the median counts (default 5)
#	RUNS		runs of each one-shot command (default 200)
#	BIG		keys in the large database of the get-size test
#			(default 10000000); SMALL the small one (default 10000)
#	MEMX		multiple of N for the memory-growth test (default 4)
#	CONC_PROCS, CONC_SETS	one-shot writers and sets each (8, 2000)
#	CONC_REPS	rounds of them, each side in turn (default 3)
#	STREAM_PROCS, STREAM_SETS	stream writers and sets each (4, 50000)
#	DUR_BLOCKS	blocks of one set in the durability stream (1000)
#	ONLY		measure only some rows: "durability" (the cost of
#			durability = full; its two rows need none of the
#			other data), "watch" (the rows of revisions and
#			watch: their own N-row imports, the latency of
#			WATCH_CHANGES changes, an idle watcher over
#			IDLE_SECONDS), "reads" (export, export --tsv,
#			backup, importing an export, --json listings),
#			"pipe" (cat FILE | prontodb against prontodb < FILE),
#			"getstream" (a stream of GETS gets against a C loop
#			of prepared SELECTs), "conc" (one-shot sets from 8
#			processes at once), "bigval" (a BIGVAL_MIB value
#			through set and get), "pg" (the rows of a database
#			on a server) or "import" (the bulk import rows:
#			random, sorted, vs the sqlite3 CLI, vs redis-cli
#			--pipe, the pipe, and the peak RSS at N and MEMX * N)
#	PRONTO_TEST_SERVER	a postgresql:// URL (.ci/pg-cluster start DIR
#			prints one): the server rows run against it; without
#			it they are skipped
#	REF_PRONTODB	a prontodb built without revisions (before issue 13),
#			the baseline of the cost of revisions to a bulk
#			import; without it that row is skipped
#	WATCH_CHANGES	changes whose latency to a watcher is measured (1000)
#	IDLE_SECONDS	how long an idle watcher's CPU time is measured (60)
#	READ_REPS	rounds of the reads rows (default 7)
#	LIST_RUNS	runs of each listing, text and --json interleaved
#			(default 15)
#	PIPE_REPS	pairs of imports, from a file and through a pipe
#			(default 7)
#	BIGVAL_MIB	the big value's size in MiB (default 256)
#	BIGVAL_REPS	rounds of its set, get and cat (default 3)
#	GETS		gets in the stream of gets (default 200000, at most N)
#	BENCH_BIN	directory holding bench-gen, bench-sqlite, bench-run
#			(default: the directory of this script)
#	BENCH_TMPDIR	where the scratch directory goes (default $TMPDIR
#			or /tmp); it needs about 4 GB at the defaults
#	RESULTS		the JSON file (default bench/results.json under the
#			current directory)
#	SQLITE3, REDIS_SERVER, REDIS_CLI	peers (default: found in PATH;
#			"none" skips one)

set -u
LC_ALL=C
export LC_ALL

prog=bench.sh
pd=${1:-}
if [ -z "$pd" ] || [ ! -x "$pd" ]; then
	echo "usage: $prog PRONTODB   (the prontodb binary to measure)" >&2
	exit 64
fi
case $pd in /*) ;; *) pd=$(pwd)/$pd ;; esac

N=${N:-1000000}
REPS=${REPS:-5}
RUNS=${RUNS:-200}
BIG=${BIG:-10000000}
SMALL=${SMALL:-10000}
MEMX=${MEMX:-4}
CONC_PROCS=${CONC_PROCS:-8}
CONC_SETS=${CONC_SETS:-2000}
CONC_REPS=${CONC_REPS:-3}
STREAM_PROCS=${STREAM_PROCS:-4}
STREAM_SETS=${STREAM_SETS:-50000}
DUR_BLOCKS=${DUR_BLOCKS:-1000}
WATCH_CHANGES=${WATCH_CHANGES:-1000}
IDLE_SECONDS=${IDLE_SECONDS:-60}
REF_PRONTODB=${REF_PRONTODB:-}
READ_REPS=${READ_REPS:-7}
LIST_RUNS=${LIST_RUNS:-15}
PIPE_REPS=${PIPE_REPS:-7}
BIGVAL_MIB=${BIGVAL_MIB:-256}
BIGVAL_REPS=${BIGVAL_REPS:-3}
GETS=${GETS:-200000}
ONLY=${ONLY:-}
BENCH_BIN=${BENCH_BIN:-$(cd "$(dirname "$0")" && pwd)}
RESULTS=${RESULTS:-bench/results.json}
WARM=5

for v in N REPS RUNS BIG SMALL MEMX CONC_PROCS CONC_SETS CONC_REPS \
    STREAM_PROCS STREAM_SETS DUR_BLOCKS WATCH_CHANGES IDLE_SECONDS \
    READ_REPS LIST_RUNS PIPE_REPS BIGVAL_MIB BIGVAL_REPS GETS; do
	eval "x=\$$v"
	case $x in
	''|*[!0-9]*|0) echo "$prog: $v must be a positive integer, not '$x'" >&2
		exit 64 ;;
	esac
done
case $ONLY in
''|durability|watch|reads|pipe|getstream|conc|bigval|pg|import) ;;
*)	echo "$prog: ONLY must be durability, watch, reads, pipe, getstream," \
	    "conc, bigval, pg, import or empty, not '$ONLY'" >&2
	exit 64 ;;
esac
if [ -n "$REF_PRONTODB" ] && [ ! -x "$REF_PRONTODB" ]; then
	echo "$prog: REF_PRONTODB=$REF_PRONTODB is not an executable" >&2
	exit 64
fi
if [ "$GETS" -gt "$N" ]; then
	echo "$prog: GETS must be at most N" >&2
	exit 64
fi
if [ "$SMALL" -lt $((RUNS + WARM)) ] || [ "$N" -lt $((RUNS + WARM)) ]; then
	echo "$prog: N and SMALL must be at least RUNS + $WARM" >&2
	exit 64
fi

gen=$BENCH_BIN/bench-gen
base=$BENCH_BIN/bench-sqlite
run=$BENCH_BIN/bench-run
for b in "$gen" "$base" "$run"; do
	if [ ! -x "$b" ]; then
		echo "$prog: $b is missing: run 'make bench'" >&2
		exit 1
	fi
done

SQLITE3=${SQLITE3:-$(command -v sqlite3 || true)}
REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server || true)}
REDIS_CLI=${REDIS_CLI:-$(command -v redis-cli || true)}
# "none" skips a peer even where it is installed (to test the skip path).
[ "$SQLITE3" != none ] || SQLITE3=
[ "$REDIS_SERVER" != none ] || REDIS_SERVER=
[ "$REDIS_CLI" != none ] || REDIS_CLI=

tmproot=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$tmproot/prontodb-bench.XXXXXX") || exit 1
redis_pid=
cleanup() {
	if [ -n "$redis_pid" ]; then
		kill "$redis_pid" 2>/dev/null
		wait "$redis_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' HUP TERM

t_start=$(date +%s)
say() {
	echo "[bench $(($(date +%s) - t_start))s] $*" >&2
}
die() {
	echo "$prog: $*" >&2
	exit 1
}

# Arithmetic on decimals.
calc() {
	awk "BEGIN { printf \"%.6g\", $1 }"
}
# The median of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 }
	    END { if (NR == 0) print "nan";
		  else if (NR % 2) print v[(NR + 1) / 2];
		  else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# met VALUE OP TARGET: yes or no.
met() {
	awk -v x="$1" -v op="$2" -v t="$3" 'BEGIN {
	    if (x == "" || x == "nan" || x == "-") { print "no"; exit }
	    ok = (op == ">=") ? (x + 0 >= t + 0) : (x + 0 <= t + 0)
	    print ok ? "yes" : "no" }'
}

# Write back the dirty pages of earlier steps, so their I/O does not land
# in the next measurement (a one-shot write's checkpoint syncs).
settle() {
	sync
}

# A fresh prontodb home in $h.
nhomes=0
fresh_home() {
	nhomes=$((nhomes + 1))
	h=$work/home$nhomes
	rm -rf "$h"
	mkdir -p "$h"
}
dbfile() {
	echo "$1/.local/share/prontodb/main.db"
}
count_rows() {
	"$base" count "$1" 2>>"$work/errors" || echo 0
}

# results.tsv: id, workload, prontodb figure, baseline figure, unit,
# baseline name, ratio, target, met (yes, no or skipped), note.
results=$work/results.tsv
: >"$results"
record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"
}
# ms FILE LINE, fails FILE LINE: a command's median in milliseconds and its
# failed runs, from the output of bench-run cmp.
ms() {
	sed -n "${2}p" "$1" | awk '{ printf "%.3f", $1 * 1000 }'
}
fails() {
	sed -n "${2}p" "$1" | awk '{ print $5 }'
}
# cmp_failed FILE WHAT: list each command of bench-run cmp's output FILE
# that failed runs under FAILURES.
cmp_failed() {
	l=0
	while [ $l -lt "$(wc -l <"$1")" ]; do
		l=$((l + 1))
		f=$(fails "$1" $l)
		[ "$f" = 0 ] || echo "$2, command $l: $f failed runs" \
		    >>"$work/failures"
	done
}

# rounds REPS FN TASK...: REPS rounds; each runs FN TASK for every task,
# starting at a different one each round, so that none always goes first.
rounds() {
	nrep=$1 fn=$2
	shift 2
	nt=$#
	rr=0
	while [ $rr -lt "$nrep" ]; do
		rr=$((rr + 1))
		[ "$fn" = bulk ] && say "bulk import round $rr of $nrep"
		ii=0
		for tt in "$@" "$@"; do
			ii=$((ii + 1))
			[ $ii -gt $(((rr - 1) % nt)) ] || continue
			[ $ii -le $(((rr - 1) % nt + nt)) ] || continue
			"$fn" "$tt"
		done
	done
}

# The median of the first column of $work/TASK.t.
med() {
	if [ -f "$work/$1.t" ]; then
		awk '{ print $1 }' "$work/$1.t" | median
	else
		echo nan
	fi
}
rate() {
	awk "BEGIN { printf \"%.0f\", $N / $1 }"
}

# The pipe row: cat FILE | prontodb against prontodb < FILE, the random
# rows, in PIPE_REPS pairs run one after the other (each pair starting
# with the other), so that the two meet the same moments of a busy machine.
pipe_row() {
	say "through a pipe: $PIPE_REPS pairs of random imports"
	: >"$work/pipe_file.t"
	: >"$work/pd_pipe.t"
	rounds "$PIPE_REPS" bulk pipe_file pd_pipe
	t_pf=$(med pipe_file)
	t_pp=$(med pd_pipe)
	ratio=$(calc "$t_pf / $t_pp")
	record bulk_pipe "bulk import, random order, through a pipe" \
	    "$(rate "$t_pp")" "$(rate "$t_pf")" rows/s "prontodb < FILE" \
	    "$ratio" '>= 0.95' "$(met "$ratio" '>=' 0.95)" \
	    "cat FILE | prontodb against prontodb < FILE, random order; \
medians of $PIPE_REPS pairs"
	rm -rf "$work/bulk-pipe_file" "$work/bulk-pd_pipe"
}

# ------------------------------------------------------------------------
# Reading everything back, over the keys of home $rh: export, export --tsv
# and backup against the sqlite3 shell selecting the same rows (the
# columns an export writes: names, value, expiry; printed, as export
# prints); importing that export against importing the same keys in
# random order; --json listings against the same text listings.
# READ_REPS rounds of every command, each round starting at another.
read_task() {
	case $1 in
	imp_*)	rm -rf "$work/imp"
		mkdir -p "$work/imp"
		settle ;;
	backup)	rm -f "$work/bk.db"
		settle ;;
	esac
	case $1 in
	sqlite3) set -- $("$run" once -e "$work/errors" -- "$SQLITE3" \
	    "$rdb" "SELECT project, namespace, key, value, expires FROM kv") ;;
	export)	set -- $("$run" once -e "$work/errors" -- "$pd" --home "$rh" \
	    export) ;;
	tsv)	set -- $("$run" once -e "$work/errors" -- "$pd" --home "$rh" \
	    --tsv export) ;;
	backup)	set -- $("$run" once -e "$work/errors" -- "$pd" --home "$rh" \
	    backup "$work/bk.db") ;;
	imp_random) set -- $("$run" once -i "$work/random.pds" \
	    -e "$work/errors" -- "$pd" --home "$work/imp") ;;
	imp_export) set -- $("$run" once -i "$work/export.pds" \
	    -e "$work/errors" -- "$pd" --home "$work/imp") ;;
	esac
	[ $# -eq 3 ] || die "reads: bench-run failed"
	[ "$3" = 0 ] || echo "reads, $rt: exit status $3" >>"$work/failures"
	echo "$1" >>"$work/r_$rt.t"
}
read_one() {
	rt=$1
	read_task "$1"
	case $rt in
	imp_*)	n=$(count_rows "$(dbfile "$work/imp")")
		[ "$n" = "$rrows" ] ||
			echo "reads, $rt: $n rows of $rrows" >>"$work/failures" ;;
	esac
}
reads() {
	rh=$1
	rdb=$(dbfile "$rh")
	rrows=$(count_rows "$rdb")
	say "reads: $READ_REPS rounds over the $rrows keys of $rh"
	"$pd" --home "$rh" export >"$work/export.pds" || die "export failed"
	rtasks="export tsv backup imp_random imp_export"
	[ -n "$SQLITE3" ] && rtasks="sqlite3 $rtasks"
	for t in $rtasks; do
		: >"$work/r_$t.t"
	done
	rounds "$READ_REPS" read_one $rtasks
	for t in $rtasks; do
		eval "r_$t=\$(med r_$t)"
		say "reads, $t: median $(med r_$t) s"
	done
	for t in export tsv backup; do
		case $t in
		export)	w="export (a stream) of $rrows keys" ;;
		tsv)	w="export --tsv of $rrows keys" ;;
		backup)	w="backup of $rrows keys" ;;
		esac
		eval "tp=\$r_$t"
		if [ -n "$SQLITE3" ]; then
			ratio=$(calc "$r_sqlite3 / $tp")
			record "read_$t" "$w" "$(calc "$rrows / $tp")" \
			    "$(calc "$rrows / $r_sqlite3")" rows/s \
			    "sqlite3 DB \"select\"" "$ratio" '>= 0.80' \
			    "$(met "$ratio" '>=' 0.80)" ""
		else
			record "read_$t" "$w" "$(calc "$rrows / $tp")" - rows/s \
			    "sqlite3 DB \"select\"" - '>= 0.80' skipped \
			    "sqlite3 not installed"
		fi
	done
	ratio=$(calc "$r_imp_random / $r_imp_export")
	record read_import "importing that export" \
	    "$(calc "$rrows / $r_imp_export")" \
	    "$(calc "$rrows / $r_imp_random")" rows/s "prontodb, random" \
	    "$ratio" '>= 1.0' "$(met "$ratio" '>=' 1.0)" \
	    "prontodb < export against prontodb < the same keys in random order"
	# The listings: LIST_RUNS runs of each, text and --json in turn.
	for t in scan keys; do
		say "reads: $t and --json $t, $LIST_RUNS runs each, interleaved"
		"$run" cmp -n "$LIST_RUNS" -w 1 -e "$work/errors" -- \
		    "$pd" --home "$rh" --json "$t" ::: "$pd" --home "$rh" "$t" \
		    >"$work/list.cmp" || die "bench-run cmp failed"
		cmp_failed "$work/list.cmp" "reads, $t"
		tj=$(ms "$work/list.cmp" 1)
		tt=$(ms "$work/list.cmp" 2)
		ratio=$(calc "$tj / $tt")
		record "read_json_$t" "--json $t of $rrows keys" "$tj" "$tt" ms \
		    "text $t" "$ratio" '<= 1.3' "$(met "$ratio" '<=' 1.3)" \
		    "medians of $LIST_RUNS runs each, interleaved"
	done
	rm -f "$work/export.pds" "$work/bk.db"
	rm -rf "$work/imp"
}

# ------------------------------------------------------------------------
# A stream of GETS gets over the keys of home $1 (rows 0.., so in random
# key order, every one present) against (d): a C loop of one prepared
# point SELECT in one read transaction on the same file, reading the same
# keys as TSV.  Both must print the same values; then READ_REPS rounds,
# each side in turn, the medians compared.
getstream() {
	gh=$1
	gdb=$(dbfile "$gh")
	say "a stream of $GETS gets: $READ_REPS rounds against the C loop (d)"
	"$gen" -n "$GETS" -f tsv >"$work/gets.tsv" || die "bench-gen failed"
	awk -F '\t' '{ print "get " $1 "." $2 "." $3 }' "$work/gets.tsv" \
	    >"$work/gets.pds"
	"$pd" --home "$gh" <"$work/gets.pds" >"$work/gets.pd.out" \
	    2>>"$work/errors" || echo "getstream: prontodb failed" \
	    >>"$work/failures"
	"$base" getloop "$gdb" <"$work/gets.tsv" >"$work/gets.base.out" \
	    2>>"$work/errors" || echo "getstream: (d) failed" \
	    >>"$work/failures"
	cmp -s "$work/gets.pd.out" "$work/gets.base.out" ||
		echo "getstream: prontodb and (d) printed different values" \
		    >>"$work/failures"
	rm -f "$work/gets.pd.out" "$work/gets.base.out"
	: >"$work/g_pd.t"
	: >"$work/g_base.t"
	rounds "$READ_REPS" get_one pd base
	t_gp=$(med g_pd)
	t_gb=$(med g_base)
	say "gets: prontodb $t_gp s, C loop $t_gb s (medians)"
	ratio=$(calc "$t_gb / $t_gp")
	record getstream "a stream of $GETS gets, $(count_rows "$gdb")-key database" \
	    "$(calc "$GETS / $t_gp")" "$(calc "$GETS / $t_gb")" rows/s \
	    "C API (d)" "$ratio" '>= 0.9' "$(met "$ratio" '>=' 0.9)" \
	    "prontodb < gets.pds against a C loop of prepared SELECTs in one \
read transaction; medians of $READ_REPS rounds"
	rm -f "$work/gets.tsv" "$work/gets.pds"
}
get_one() {
	gt=$1
	if [ "$gt" = pd ]; then
		set -- $("$run" once -i "$work/gets.pds" -e "$work/errors" -- \
		    "$pd" --home "$gh")
	else
		set -- $("$run" once -i "$work/gets.tsv" -e "$work/errors" -- \
		    "$base" getloop "$gdb")
	fi
	[ $# -eq 3 ] || die "getstream: bench-run failed"
	[ "$3" = 0 ] || echo "getstream, $gt: exit status $3" >>"$work/failures"
	echo "$1" >>"$work/g_$gt.t"
}

# ------------------------------------------------------------------------
# Concurrency: CONC_PROCS processes at once, each CONC_SETS one-shot sets
# of distinct keys (from row $1 of the generator on), so every row must
# land; prontodb and the C API (c) in turn, CONC_REPS rounds, each on a
# fresh home (the writers also race to create the database) or a fresh
# database of the baseline's.  The medians count.
conc_oneshot() {
	nc=$((CONC_PROCS * CONC_SETS))
	say "concurrency: $CONC_PROCS processes x $CONC_SETS one-shot sets," \
	    "$CONC_REPS rounds"
	"$gen" -b "$1" -n "$nc" -f tsv >"$work/conc.tsv"
	: >"$work/conc_pd.t"
	: >"$work/conc_base.t"
	c_bad=0
	rounds "$CONC_REPS" conc_one pd base
	c_t=$(med conc_pd)
	cb_t=$(med conc_base)
	say "one-shot: prontodb $c_t s, C API $cb_t s (medians)"
	ok=no
	[ "$c_bad" = 0 ] && ok=$(met "$(calc "$cb_t / $c_t")" '>=' 1.0)
	record conc_oneshot "concurrency: $CONC_PROCS procs x $CONC_SETS one-shot sets" \
	    "$(calc "$nc / $c_t")" "$(calc "$nc / $cb_t")" rows/s "C API (c)" \
	    "$(calc "$cb_t / $c_t")" '>= 1.0, all rows' "$ok" \
	    "every row in every round: $([ "$c_bad" = 0 ] && echo yes || \
echo no); medians of $CONC_REPS rounds; a fresh home each, so the writers \
also race to create the database"
	rm -f "$work/conc.tsv"
}
conc_one() {
	if [ "$1" = pd ]; then
		fresh_home
		db=$(dbfile "$h")
		settle
		set -- $("$run" par -j "$CONC_PROCS" -r "$work/conc.tsv" \
		    -e "$work/conc.err" -- "$pd" --home "$h" set \
		    '{p}.{n}.{k}' '{v}')
		w=pd
	else
		db=$work/conc-base.db
		rm -f "$db" "$db-wal" "$db-shm"
		"$base" bulk "$db" </dev/null
		settle
		set -- $("$run" par -j "$CONC_PROCS" -r "$work/conc.tsv" \
		    -e "$work/conc-base.err" -- "$base" set "$db" '{p}' '{n}' \
		    '{k}' '{v}')
		w=base
	fi
	rows=$(count_rows "$db")
	say "one-shot sets, $w: $1 s, $rows rows, $3 failed"
	if [ "$3" != 0 ] || [ "$rows" != "$nc" ]; then
		c_bad=$((c_bad + 1))
		echo "concurrency, $w: $rows of $nc rows, $3 failed runs" \
		    >>"$work/failures"
	fi
	echo "$1" >>"$work/conc_$w.t"
	[ "$w" = pd ] && rm -rf "$h"
	rm -f "$work/conc-base.db"*
}

# ------------------------------------------------------------------------
# The cost of durability = full against the default, prontodb against
# itself in the same run: one-shot sets, interleaved, and a stream of
# DUR_BLOCKS blocks of one set each, where a sync per commit adds up.  Each
# side has a home of its own whose config file names its setting.
dur_home() {
	h=$work/dur-$1
	rm -rf "$h"
	mkdir -p "$h/.config/prontodb"
	echo "durability = $1" >"$h/.config/prontodb/config"
	"$pd" --home "$h" set bench.init.key 1 || die "prontodb set failed"
}
durability() {
	"$gen" -n $((RUNS + WARM)) -f tsv >"$work/dur.tsv"
	dur_home normal
	dur_home full
	settle
	say "durability: one-shot sets, normal and full, $RUNS runs each," \
	    "interleaved"
	"$run" cmp -n "$RUNS" -w "$WARM" -r "$work/dur.tsv" \
	    -e "$work/errors" -- \
	    "$pd" --home "$work/dur-full" set '{p}.{n}.{k}' '{v}' ::: \
	    "$pd" --home "$work/dur-normal" set '{p}.{n}.{k}' '{v}' \
	    >"$work/dur.cmp" || die "bench-run cmp failed"
	cmp_failed "$work/dur.cmp" "durability one-shot set"
	for m in normal full; do
		rows=$(count_rows "$(dbfile "$work/dur-$m")")
		[ "$rows" = $((RUNS + WARM + 1)) ] ||
			echo "durability=$m one-shot set: $rows rows, not" \
			    "$((RUNS + WARM + 1))" >>"$work/failures"
	done
	d_full=$(ms "$work/dur.cmp" 1)
	d_norm=$(ms "$work/dur.cmp" 2)
	say "one-shot set: $d_full ms with full, $d_norm ms with normal"
	record durability_oneshot "one-shot set, durability=full" "$d_full" \
	    "$d_norm" ms "prontodb, normal" "$(calc "$d_full / $d_norm")" \
	    'none (information)' - "new keys into a small database; both \
sync at the checkpoint of the last close, full also at the commit"

	"$gen" -n "$DUR_BLOCKS" -f pds |
	    awk '{ print "begin"; print; print "commit" }' >"$work/blocks.pds"
	say "durability: $DUR_BLOCKS blocks of one set, $REPS rounds"
	: >"$work/dur-normal.t"
	: >"$work/dur-full.t"
	r=0
	while [ $r -lt "$REPS" ]; do
		r=$((r + 1))
		# Each round starts with the other setting.
		order="normal full"
		[ $((r % 2)) = 0 ] && order="full normal"
		for m in $order; do
			dur_home "$m"
			settle
			set -- $("$run" once -i "$work/blocks.pds" \
			    -e "$work/errors" -- "$pd" --home "$h")
			[ $# -eq 3 ] || die "durability: bench-run failed"
			[ "$3" = 0 ] || echo "durability=$m blocks: exit" \
			    "status $3" >>"$work/failures"
			rows=$(count_rows "$(dbfile "$h")")
			[ "$rows" = $((DUR_BLOCKS + 1)) ] ||
				echo "durability=$m blocks: $rows rows, not" \
				    "$((DUR_BLOCKS + 1))" >>"$work/failures"
			echo "$1" >>"$work/dur-$m.t"
			say "durability=$m: $DUR_BLOCKS blocks in $1 s"
		done
	done
	t_full=$(median <"$work/dur-full.t")
	t_norm=$(median <"$work/dur-normal.t")
	record durability_blocks "$DUR_BLOCKS blocks of one set, durability=full" \
	    "$(calc "$DUR_BLOCKS / $t_full")" "$(calc "$DUR_BLOCKS / $t_norm")" \
	    commits/s "prontodb, normal" "$(calc "$t_norm / $t_full")" \
	    'none (information)' - "one stream, a commit per set; full \
syncs the WAL at each"
	rm -rf "$work"/dur-* "$work/dur.tsv" "$work/dur.cmp" "$work/blocks.pds"
}

# ------------------------------------------------------------------------
# Revisions and watch (issue 13).  What the revisions cost a bulk import
# into a database nobody watches, against REF_PRONTODB (a build without
# them), and what the change log costs one into a watched database; how
# long a change committed by another process takes to reach a watcher;
# what an idle watcher costs.  The imports are N random-order sets, REPS
# rounds, each starting with another importer.

# watch_import TASK: one timed import into a fresh home; appends its
# seconds to $work/TASK.t.
watch_import() {
	h=$work/watch-$1
	rm -rf "$h"
	mkdir -p "$h"
	bin=$pd
	[ "$1" = ref ] && bin=$REF_PRONTODB
	# A watched database: the first watch turns its change log on.
	[ "$1" = logged ] && "$pd" --home "$h" watch --timeout 0 \
	    >/dev/null 2>&1
	settle
	set -- "$1" $("$run" once -i "$work/watch.pds" -e "$work/errors" -- \
	    "$bin" --home "$h")
	[ $# -eq 4 ] || die "watch import $1: bench-run failed"
	[ "$4" = 0 ] || echo "watch import $1: exit status $4" \
	    >>"$work/failures"
	rows=$(count_rows "$(dbfile "$h")")
	[ "$rows" = "$N" ] || echo "watch import $1: $rows rows of $N" \
	    >>"$work/failures"
	echo "$2" >>"$work/watch-$1.t"
	say "watch import $1: $2 s"
}

watching() {
	"$gen" -n "$N" -f pds >"$work/watch.pds" || die "bench-gen failed"
	tasks="plain logged"
	[ -n "$REF_PRONTODB" ] && tasks="ref plain logged"
	ntasks=$(echo $tasks | wc -w)
	rm -f "$work"/watch-*.t
	r=0
	while [ $r -lt "$REPS" ]; do
		r=$((r + 1))
		say "revisions: bulk import round $r of $REPS"
		i=0
		for t in $tasks $tasks; do
			i=$((i + 1))
			[ $i -gt $(((r - 1) % ntasks)) ] || continue
			[ $i -le $(((r - 1) % ntasks + ntasks)) ] || continue
			watch_import "$t"
		done
	done
	t_plain=$(median <"$work/watch-plain.t")
	t_logged=$(median <"$work/watch-logged.t")
	if [ -n "$REF_PRONTODB" ]; then
		t_ref=$(median <"$work/watch-ref.t")
		ratio=$(calc "$t_ref / $t_plain")
		record watch_import "bulk import, $N sets, revisions, watch unused" \
		    "$(calc "$N / $t_plain")" "$(calc "$N / $t_ref")" rows/s \
		    "prontodb w/o revisions" "$ratio" '>= 0.95' \
		    "$(met "$ratio" '>=' 0.95)" "REF_PRONTODB: \
$("$REF_PRONTODB" --version 2>/dev/null | head -1)"
	else
		record watch_import "bulk import, $N sets, revisions, watch unused" \
		    "$(calc "$N / $t_plain")" - rows/s "prontodb w/o revisions" - \
		    '>= 0.95' skipped "set REF_PRONTODB to a prontodb built \
without revisions"
	fi
	ratio=$(calc "$t_plain / $t_logged")
	record watch_import_logged "bulk import, $N sets, into a watched database" \
	    "$(calc "$N / $t_logged")" "$(calc "$N / $t_plain")" rows/s \
	    "prontodb, not watched" "$ratio" 'none (information)' - \
	    "every change also logged, the log trimmed to changes_keep"
	rm -rf "$work"/watch-* "$work/watch.pds"

	say "watch: latency of $WATCH_CHANGES changes, one commit each, 5 ms apart"
	fresh_home
	"$pd" --home "$h" set bench.init.key 1 || die "prontodb set failed"
	"$pd" --home "$h" watch bench.lat. --count "$WATCH_CHANGES" \
	    --timeout 120 2>>"$work/errors" | "$run" stamp >"$work/lat" &
	wpid=$!
	sleep 1
	"$run" feed -n "$WATCH_CHANGES" -p 5 -- bench.lat.k |
	    "$pd" --home "$h" 2>>"$work/errors" ||
		echo "watch latency: the writer failed" >>"$work/failures"
	wait "$wpid"
	set -- $(cat "$work/lat")
	[ "${4:-0}" = "$WATCH_CHANGES" ] || echo "watch latency: ${4:-0}" \
	    "changes of $WATCH_CHANGES reached the watcher" >>"$work/failures"
	say "watch latency: median $1 ms, p99 $2 ms, max $3 ms"
	record watch_latency "watch: latency from commit, median" "$1" - ms \
	    - - '<= 20 ms' "$(met "$1" '<=' 20)" "$WATCH_CHANGES changes by \
another process, each its own commit, 5 ms apart"
	record watch_latency_p99 "watch: latency from commit, 99th percentile" \
	    "$2" - ms - - '<= 100 ms' "$(met "$2" '<=' 100)" "max $3 ms"

	say "watch: an idle watcher's CPU time over $IDLE_SECONDS s"
	"$pd" --home "$h" watch bench.idle. \
	    --timeout $((IDLE_SECONDS + 5)) >/dev/null 2>&1 &
	wpid=$!
	sleep 1
	tick=$(getconf CLK_TCK 2>/dev/null || echo 100)
	c0=$(awk '{ print $14 + $15 }' "/proc/$wpid/stat" 2>/dev/null)
	sleep "$IDLE_SECONDS"
	c1=$(awk '{ print $14 + $15 }' "/proc/$wpid/stat" 2>/dev/null)
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	if [ -n "$c0" ] && [ -n "$c1" ]; then
		cpu=$(calc "($c1 - $c0) * 1000 / $tick")
		say "idle watcher: $cpu ms of CPU in $IDLE_SECONDS s"
		record watch_idle_cpu "watch: CPU of an idle watcher, $IDLE_SECONDS s" \
		    "$cpu" - ms - - '0 ms' "$(met "$cpu" '<=' 0)" \
		    "utime + stime from /proc, in ticks of $((1000 / tick)) ms"
	else
		record watch_idle_cpu "watch: CPU of an idle watcher, $IDLE_SECONDS s" \
		    - - ms - - '0 ms' skipped "no /proc/PID/stat"
	fi
	rm -rf "$h"
}

# ------------------------------------------------------------------------
# The table (Markdown, so it pastes into bench/README.md), and the JSON,
# then exit: 1 when something failed.
finish() {
	say "done in $(($(date +%s) - t_start)) s"
	echo
	echo "ProntoDB benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$pd" --version 2>/dev/null | head -1)"
	[ -z "$ONLY" ] || echo "Only the $ONLY rows (ONLY=$ONLY)."
	echo "$(uname -srm), $(nproc 2>/dev/null || echo ?) cores; N=$N rows; medians of"
	echo "$REPS runs per bulk import, $PIPE_REPS pairs for the pipe, $READ_REPS rounds of"
	echo "reads, $LIST_RUNS and $RUNS interleaved runs per listing and one-shot"
	echo "command, $CONC_REPS rounds of the concurrent one-shot sets."
	echo "ratio = prontodb/baseline: of rows/s or commits/s (higher is better), of"
	echo "time or memory for the rest (lower is better)."
	echo
	awk -F '\t' '
	function fmt(v, unit) {
		if (v == "-" || v == "" || v == "nan") return "-"
		if (unit == "rows/s") return sprintf("%.0f rows/s", v)
		if (unit == "commits/s") return sprintf("%.0f commits/s", v)
		if (unit == "ms") return sprintf("%.2f ms", v)
		if (unit == "MiB") return sprintf("%.1f MiB", v)
		return v
	}
	BEGIN {
		printf "| %-50s | %15s | %15s | %-20s | %5s | %-21s | %-7s |\n",
		    "workload", "prontodb", "baseline", "baseline is", "ratio",
		    "target", "met?"
		printf "|%s|%s|%s|%s|%s|%s|%s|\n", "----------------------------------------------------",
		    "----------------:", "----------------:", "----------------------",
		    "------:", "-----------------------", "---------"
	}
	{
		r = ($7 == "-" || $7 == "nan") ? "-" : sprintf("%.2f", $7)
		printf "| %-50s | %15s | %15s | %-20s | %5s | %-21s | %-7s |\n",
		    $2, fmt($3, $5), fmt($4, $5), $6, r, $8, $9
	}' "$results"
	awk -F '\t' '$10 != "" { n++; if (n == 1) print ""
		printf "- %s: %s\n", $2, $10 }' "$results"

	status=0
	if [ -s "$work/errors" ]; then
		say "the measured commands wrote $(wc -l <"$work/errors") lines to" \
		    "stderr; the most frequent:"
		sort "$work/errors" | uniq -c | sort -rn | head -5 >&2
	fi
	if [ -s "$work/failures" ]; then
		echo
		echo "FAILURES (the figures above may be meaningless):"
		sed 's/^/  /' "$work/failures"
		status=1
	fi

	mkdir -p "$(dirname "$RESULTS")"
	awk -F '\t' -v n="$N" -v reps="$REPS" -v runs="$RUNS" -v big="$BIG" \
	    -v small="$SMALL" -v memx="$MEMX" \
	    -v date="$(date -u '+%Y-%m-%dT%H:%M:%SZ')" \
	    -v uname="$(uname -srm)" -v cores="$(nproc 2>/dev/null || echo 0)" \
	    -v version="$("$pd" --version 2>/dev/null | head -1)" \
	    -v failures="$(cat "$work/failures" 2>/dev/null)" '
	function str(s) {
		gsub(/\\/, "\\\\", s)
		gsub(/"/, "\\\"", s)
		return "\"" s "\""
	}
	function num(s) {
		return (s == "-" || s == "" || s == "nan") ? "null" : s + 0
	}
	BEGIN {
		printf "{\n  \"date\": %s,\n  \"machine\": %s,\n  \"cores\": %d,\n",
		    str(date), str(uname), cores
		printf "  \"prontodb\": %s,\n", str(version)
		printf "  \"params\": {\"N\": %d, \"REPS\": %d, \"RUNS\": %d, " \
		    "\"BIG\": %d, \"SMALL\": %d, \"MEMX\": %d},\n", n, reps, runs,
		    big, small, memx
		printf "  \"failures\": ["
		k = split(failures, f, "\n")
		for (i = 1; i <= k; i++)
			printf "%s%s", (i > 1 ? ", " : ""), str(f[i])
		printf "],\n  \"results\": ["
	}
	{
		printf "%s\n    {\"id\": %s, \"workload\": %s, \"prontodb\": %s, " \
		    "\"baseline\": %s, \"unit\": %s, \"baseline_name\": %s, " \
		    "\"ratio\": %s, \"target\": %s, \"met\": %s, \"note\": %s}",
		    (NR > 1 ? "," : ""), str($1), str($2), num($3), num($4), str($5),
		    str($6), num($7), str($8), str($9), str($10)
	}
	END { printf "\n  ]\n}\n" }' "$results" >"$RESULTS.tmp" &&
		mv "$RESULTS.tmp" "$RESULTS"
	say "results written to $RESULTS"
	exit $status
}


# A database on a PostgreSQL server: a one-shot get against the least a
# libpq client does (bench-pg-get: connect, one SELECT), interleaved, on
# the same server; without a server the rows are skipped, saying why.
server_rows() {
	url=${PRONTO_TEST_SERVER:-}
	if [ -z "$url" ]; then
		record get_pg_oneshot "one-shot get on a server" - - ms \
		    "libpq get (bench-pg-get)" - '<= 1.3' skipped \
		    "no server: set PRONTO_TEST_SERVER"
		record import_pg_copy "bulk import on a server" - - rows/s \
		    "libpq COPY (bench-pg-copy)" - '>= 0.8' skipped \
		    "no server: set PRONTO_TEST_SERVER"
		record import_pg_psql "bulk import on a server" - - rows/s \
		    "psql \\copy" - '>= 0.8' skipped \
		    "no server: set PRONTO_TEST_SERVER"
		return
	fi
	schema=bench_$$
	fresh_home
	"$pd" --home "$h" -d "$url#$schema" set app.config.host db1 \
	    2>>"$work/errors" || { say "server rows: set failed"; return; }
	say "one-shot get on a server: $RUNS runs each, interleaved"
	out=$("$run" cmp -n "$RUNS" -w "$WARM" -e "$work/errors" -- \
	    "$pd" --home "$h" -d "$url#$schema" get app.config.host ::: \
	    "$BENCH_BIN/bench-pg-get" "$url" "$schema" app config host)
	"$pd" --home "$h" db drop "$url#$schema" --force 2>>"$work/errors"
	[ -n "$out" ] || { say "server rows: bench-run cmp failed"; return; }
	echo "$out" >"$work/pg-get.cmp"
	cmp_failed "$work/pg-get.cmp" "one-shot get on a server"
	p_pd=$(ms "$work/pg-get.cmp" 1)
	p_base=$(ms "$work/pg-get.cmp" 2)
	say "get on a server: prontodb $p_pd ms, libpq $p_base ms (medians)"
	ratio=$(calc "$p_pd / $p_base")
	record get_pg_oneshot "one-shot get on a server" "$p_pd" "$p_base" ms \
	    "libpq get (bench-pg-get)" "$ratio" '<= 1.3' \
	    "$(met "$ratio" '<=' 1.3)" "the same server, row and connection"
	server_import
}

# One import of the N random rows into a new database on the server, by
# task: prontodb (a stream of sets), bench-pg-copy (COPY in binary) or
# psql's \copy (text) of the same rows into the same kv table.
pg_import() {
	s=${schema}_$1
	"$pd" --home "$h" db create "$url#$s" 2>>"$work/errors" ||
		die "$1: db create failed"
	settle
	case $1 in
	pd)	set -- $("$run" once -i "$work/pg.pds" -e "$work/errors" -- \
		    "$pd" --home "$h" -d "$url#$s") ;;
	copy)	set -- $("$run" once -i "$work/pg.tsv" -e "$work/errors" -- \
		    "$BENCH_BIN/bench-pg-copy" "$url" "$s") ;;
	psql)	set -- $("$run" once -e "$work/errors" -- env \
		    PGOPTIONS="-c search_path=$s" psql -X -q -1 -v \
		    ON_ERROR_STOP=1 -d "$url" -c "\\copy kv FROM '$work/pg.kv'") ;;
	esac
	[ $# -eq 3 ] || die "server import: bench-run failed"
	[ "$3" = 0 ] || echo "import on a server, $s: exit status $3" \
	    >>"$work/failures"
	rows=$("$pd" --home "$h" -d "$url#$s" count 2>>"$work/errors")
	[ "$rows" = "$N" ] ||
		echo "import on a server, $s: $rows rows of $N" >>"$work/failures"
	"$pd" --home "$h" db drop "$url#$s" --force 2>>"$work/errors"
	echo "$1" >>"$work/pg_${s##*_}.all"
	say "import on a server, $s: $1 s"
}
server_import() {
	say "bulk import on a server: $N rows, $REPS rounds of prontodb," \
	    "bench-pg-copy and psql \\copy, each round in another order"
	"$gen" -n "$N" -f pds >"$work/pg.pds" &&
	"$gen" -n "$N" -f tsv >"$work/pg.tsv" || die "bench-gen failed"
	# kv's columns as psql's text COPY reads them: new keys, version 1.
	awk -F '\t' -v now="$(($(date +%s) * 1000))" 'BEGIN { OFS = "\t" }
	    { print $1, $2, $3, $4, 1, now, now, "\\N", NR }' "$work/pg.tsv" \
	    >"$work/pg.kv"
	fresh_home
	: >"$work/pg_pd.all"
	: >"$work/pg_copy.all"
	: >"$work/pg_psql.all"
	peers="pd copy"
	command -v psql >/dev/null 2>&1 && peers="$peers psql"
	r=0
	while [ $r -lt "$REPS" ]; do
		r=$((r + 1))
		schema=bench_$$_$r
		case $((r % 3)) in
		1) order="$peers" ;;
		2) order=$(echo "$peers" | awk '{ for (i = NF; i > 0; i--)
		    printf "%s ", $i }') ;;
		0) order=$(echo "$peers" | awk '{ printf "%s ", $NF
		    for (i = 1; i < NF; i++) printf "%s ", $i }') ;;
		esac
		for t in $order; do
			pg_import "$t"
		done
	done
	t_pd=$(median <"$work/pg_pd.all")
	t_copy=$(median <"$work/pg_copy.all")
	ratio=$(calc "$t_copy / $t_pd")
	record import_pg_copy "bulk import on a server, $N sets" \
	    "$(rate "$t_pd")" "$(rate "$t_copy")" rows/s \
	    "libpq COPY (bench-pg-copy)" "$ratio" '>= 0.8' \
	    "$(met "$ratio" '>=' 0.8)" "the same rows into the same kv table"
	if [ -s "$work/pg_psql.all" ]; then
		t_psql=$(median <"$work/pg_psql.all")
		ratio=$(calc "$t_psql / $t_pd")
		record import_pg_psql "bulk import on a server, $N sets" \
		    "$(rate "$t_pd")" "$(rate "$t_psql")" rows/s "psql \\copy" \
		    "$ratio" '>= 0.8' "$(met "$ratio" '>=' 0.8)" \
		    "text COPY of the same rows, one transaction"
	else
		record import_pg_psql "bulk import on a server, $N sets" \
		    "$(rate "$t_pd")" - rows/s "psql \\copy" - '>= 0.8' \
		    skipped "psql is not installed"
	fi
}

# ------------------------------------------------------------------------
# A big value: BIGVAL_MIB MiB of random bytes through `set ADDR - < file`
# (a new key in a fresh home each round) and `get --raw ADDR > file`,
# checked byte for byte, against `cat file > file`, BIGVAL_REPS rounds;
# the peak RSS of each against the value's size plus 64 MiB.
bigval_one() {
	case $1 in
	cat)	set -- $("$run" once -i "$work/big.val" -o "$work/big.out" \
		    -e "$work/errors" -- cat) ;;
	set)	fresh_home
		bh=$h
		settle
		set -- $("$run" once -i "$work/big.val" -e "$work/errors" \
		    -- "$pd" --home "$bh" set b.n.k -) ;;
	get)	settle
		set -- $("$run" once -o "$work/big.out" -e "$work/errors" \
		    -- "$pd" --home "$bh" get --raw b.n.k)
		cmp -s "$work/big.val" "$work/big.out" ||
			echo "bigval: get gave other bytes" >>"$work/failures" ;;
	esac
	[ $# -eq 3 ] || die "bigval: bench-run failed"
	[ "$3" = 0 ] || echo "bigval, $bt: exit status $3" >>"$work/failures"
	echo "$1 $2" >>"$work/bv_$bt.t"
}
bigval() {
	say "big value: $BIGVAL_MIB MiB through set and get, $BIGVAL_REPS rounds"
	dd if=/dev/urandom of="$work/big.val" bs=1048576 count="$BIGVAL_MIB" \
	    2>/dev/null || die "cannot write the big value"
	: >"$work/bv_cat.t"
	: >"$work/bv_set.t"
	: >"$work/bv_get.t"
	bv_r=0
	while [ $bv_r -lt "$BIGVAL_REPS" ]; do
		bv_r=$((bv_r + 1))
		# The get reads what this round's set wrote.
		for bt in cat set get; do
			bigval_one "$bt"
		done
		rm -rf "$bh"
	done
	bv_bound=$((BIGVAL_MIB + 64))
	t_cat=$(awk '{ print $1 }' "$work/bv_cat.t" | median)
	for bt in set get; do
		t=$(awk '{ print $1 }' "$work/bv_$bt.t" | median)
		rss=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' \
		    "$work/bv_$bt.t")
		case $bt in
		set)	w="set ADDR - < file" ;;
		get)	w="get --raw ADDR > file" ;;
		esac
		record "bigval_${bt}_rss" "$BIGVAL_MIB MiB value, $w, peak RSS" \
		    "$(mib "$rss")" "$bv_bound" MiB "the value + 64 MiB" \
		    "$(calc "$rss / 1024 / $bv_bound")" "<= $bv_bound MiB" \
		    "$(met "$(mib "$rss")" '<=' "$bv_bound")" ""
		record "bigval_${bt}_time" "$BIGVAL_MIB MiB value, $w, time" \
		    "$(calc "$t * 1000")" "$(calc "$t_cat * 1000")" ms \
		    "cat file > file" "$(calc "$t / $t_cat")" \
		    "none (information)" - ""
	done
	rm -f "$work/big.val" "$work/big.out"
}
mib() {
	calc "$1 / 1024"
}

# ------------------------------------------------------------------------
say "prontodb: $pd ($("$pd" --version 2>/dev/null | head -1))"
say "N=$N REPS=$REPS RUNS=$RUNS BIG=$BIG SMALL=$SMALL, scratch in $work"

case $ONLY in
durability)
	durability
	finish ;;
watch)	watching
	finish ;;
conc)	conc_oneshot $((N * MEMX))
	finish ;;
bigval)	bigval
	finish ;;
pg)	server_rows
	finish ;;
reads)	say "generating and importing $N rows"
	"$gen" -n "$N" -f pds >"$work/random.pds" || die "bench-gen failed"
	fresh_home
	"$pd" --home "$h" <"$work/random.pds" >/dev/null 2>>"$work/errors" ||
		die "import of $N rows failed"
	reads "$h"
	finish ;;
getstream)
	say "generating and importing $N rows"
	"$gen" -n "$N" -f pds >"$work/random.pds" || die "bench-gen failed"
	fresh_home
	"$pd" --home "$h" <"$work/random.pds" >/dev/null 2>>"$work/errors" ||
		die "import of $N rows failed"
	rm -f "$work/random.pds"
	getstream "$h"
	finish ;;
pipe)	REDIS_SERVER= ;;
esac

say "generating $N rows: random and sorted streams, TSV, SQL, RESP"
"$gen" -n "$N" -f pds >"$work/random.pds" &&
"$gen" -n "$N" -f tsv >"$work/random.tsv" &&
"$gen" -n "$N" -S -f pds >"$work/sorted.pds" &&
"$gen" -n "$N" -S -f tsv >"$work/sorted.tsv" ||
	die "bench-gen failed"
if [ -n "$SQLITE3" ] && { [ -z "$ONLY" ] || [ "$ONLY" = import ]; }; then
	"$gen" -n "$N" -f sql >"$work/random.sql" || die "bench-gen failed"
fi

# Redis: our own server on a free loopback port, no persistence.
redis_port=
redis_note=
start_redis() {
	tries=0
	while [ $tries -lt 10 ]; do
		tries=$((tries + 1))
		port=$(($(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 + 20000))
		"$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' \
		    --appendonly no --daemonize no --dir "$work" \
		    --logfile "$work/redis.log" &
		redis_pid=$!
		i=0
		while [ $i -lt 50 ]; do
			# It must be our server answering, not another one.
			pid=$("$REDIS_CLI" -h 127.0.0.1 -p "$port" info server \
			    2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')
			if [ "$pid" = "$redis_pid" ]; then
				redis_port=$port
				return 0
			fi
			kill -0 "$redis_pid" 2>/dev/null || break
			sleep 0.1 2>/dev/null || sleep 1
			i=$((i + 1))
		done
		kill "$redis_pid" 2>/dev/null
		wait "$redis_pid" 2>/dev/null
		redis_pid=
	done
	return 1
}
if [ -n "$REDIS_SERVER" ] && [ -n "$REDIS_CLI" ]; then
	if start_redis; then
		say "redis-server on 127.0.0.1:$redis_port (pid $redis_pid)"
		"$gen" -n "$N" -f resp >"$work/random.resp" ||
			die "bench-gen failed"
	else
		redis_note="redis-server would not start (see its log)"
		say "$redis_note"
	fi
else
	redis_note="redis-server/redis-cli not installed"
fi
[ -n "$SQLITE3" ] || say "sqlite3 CLI not installed: skipping its rows"

# ------------------------------------------------------------------------
# Bulk imports, REPS rounds; each round runs every importer once, starting
# at a different one so no importer always goes first.
tasks="pd_random base_random pd_sorted base_sorted"
[ -n "$SQLITE3" ] && tasks="$tasks sqlite3_random"
[ -n "$redis_port" ] && tasks="$tasks redis_random"

# bulk TASK: one timed run; appends "seconds rss_kib" to $work/TASK.t.
# prontodb imports into $work/bulk-ORDER, a fresh home each time.  What
# the task's last run left is removed before the disk settles: on a file
# system that discards freed blocks, freeing 100 MB lands in the next
# sync, which would be the timed run's.
bulk() {
	task=$1
	case $task in
	pd_random|pd_sorted)
		h=$work/bulk-${task#pd_}
		rm -rf "$h"
		mkdir -p "$h"
		db=$(dbfile "$h")
		;;
	pd_pipe|pipe_file)
		h=$work/bulk-$task
		rm -rf "$h"
		mkdir -p "$h"
		db=$(dbfile "$h")
		;;
	base_random|base_sorted)
		db=$work/base.db
		rm -f "$db" "$db-wal" "$db-shm"
		;;
	sqlite3_random)
		db=$work/sqlite3.db
		rm -f "$db" "$db-wal" "$db-shm"
		;;
	redis_random)
		"$REDIS_CLI" -p "$redis_port" flushall >/dev/null
		;;
	esac
	settle
	case $task in
	pd_random|pd_sorted)
		set -- $("$run" once -i "$work/${task#pd_}.pds" \
		    -e "$work/errors" -- "$pd" --home "$h")
		;;
	base_random|base_sorted)
		set -- $("$run" once -i "$work/${task#base_}.tsv" \
		    -e "$work/errors" -- "$base" bulk "$db")
		;;
	pipe_file)
		set -- $("$run" once -i "$work/random.pds" \
		    -e "$work/errors" -- "$pd" --home "$h")
		;;
	pd_pipe)
		# The same import through a pipe, as in `cat batch.pds | prontodb`.
		set -- $("$run" once -e "$work/errors" -- sh -c \
		    'cat "$1" | exec "$2" --home "$3"' sh "$work/random.pds" \
		    "$pd" "$h")
		;;
	sqlite3_random)
		set -- $("$run" once -i "$work/random.sql" \
		    -e "$work/errors" -- "$SQLITE3" "$db")
		;;
	redis_random)
		set -- $("$run" once -i "$work/random.resp" \
		    -o "$work/redis.out" -e "$work/errors" -- \
		    "$REDIS_CLI" -p "$redis_port" --pipe)
		;;
	esac
	[ $# -eq 3 ] || die "$task: bench-run failed"
	if [ "$3" != 0 ]; then
		echo "$task: exit status $3" >>"$work/failures"
		say "$task exited with status $3"
	fi
	if [ "$task" = redis_random ]; then
		rows=$("$REDIS_CLI" -p "$redis_port" dbsize | tr -d '\r')
	else
		rows=$(count_rows "$db")
	fi
	[ "$rows" = "$N" ] ||
		echo "$task: $rows rows of $N" >>"$work/failures"
	echo "$1 $2" >>"$work/$task.t"
	say "$task: $1 s, peak RSS $2 KiB, $rows rows"
}

# ------------------------------------------------------------------------
# Peak memory at N (the import runs above) and at MEMX * N.
memory_rows() {
	rss_n=$(maxrss pd_random)
	rss_base=$(maxrss base_random)
	record rss_n "peak RSS, bulk import of $N rows" "$(mib "$rss_n")" \
	    "$(mib "$rss_base")" MiB "C API (a)" "$(calc "$rss_n / $rss_base")" \
	    '<= 64 MiB' "$(met "$(mib "$rss_n")" '<=' 64)" \
	    "ratio: prontodb/baseline, for information"
	NX=$((N * MEMX))
	say "memory: generating and importing $NX random rows"
	"$gen" -n "$NX" -f pds >"$work/big.pds" || die "bench-gen failed"
	fresh_home
	settle
	set -- $("$run" once -i "$work/big.pds" -e "$work/errors" -- "$pd" --home "$h")
	[ "${3:-1}" = 0 ] || echo "import of $NX rows: exit status ${3:-?}" \
	    >>"$work/failures"
	rss_nx=$2
	rows=$(count_rows "$(dbfile "$h")")
	[ "$rows" = "$NX" ] || echo "import of $NX rows: $rows rows" >>"$work/failures"
	say "import of $NX rows: $1 s, peak RSS $rss_nx KiB"
	rm -rf "$h" "$work/big.pds"
	ratio=$(calc "$rss_nx / $rss_n")
	ok=no
	[ "$(met "$(mib "$rss_nx")" '<=' 64)" = yes ] &&
	    [ "$(met "$ratio" '<=' 1.1)" = yes ] && ok=yes
	record rss_growth "peak RSS, ${MEMX}N/N ($NX vs $N rows)" "$(mib "$rss_nx")" \
	    "$(mib "$rss_n")" MiB "prontodb at N" "$ratio" '<= 1.1 and 64 MiB' "$ok" \
	    ""
}

if [ "$ONLY" = pipe ]; then
	pipe_row
	finish
fi
rounds "$REPS" bulk $tasks

maxrss() {
	awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$work/$1.t"
}

t_pr=$(med pd_random)
t_br=$(med base_random)
t_ps=$(med pd_sorted)
t_bs=$(med base_sorted)
ratio=$(calc "$t_br / $t_pr")
record bulk_random "bulk import, $N sets, random order, no block" \
    "$(rate "$t_pr")" "$(rate "$t_br")" rows/s "C API (a)" "$ratio" '>= 0.80' \
    "$(met "$ratio" '>=' 0.80)" ""
ratio=$(calc "$t_bs / $t_ps")
record bulk_sorted "bulk import, $N sets, sorted order" \
    "$(rate "$t_ps")" "$(rate "$t_bs")" rows/s "C API (a)" "$ratio" '>= 0.85' \
    "$(met "$ratio" '>=' 0.85)" ""
if [ -n "$SQLITE3" ]; then
	t_sq=$(med sqlite3_random)
	ratio=$(calc "$t_sq / $t_pr")
	record bulk_sqlite3 "bulk import vs sqlite3 CLI (SQL script)" \
	    "$(rate "$t_pr")" "$(rate "$t_sq")" rows/s "sqlite3 CLI" \
	    "$ratio" '>= 1.5' "$(met "$ratio" '>=' 1.5)" ""
else
	record bulk_sqlite3 "bulk import vs sqlite3 CLI (SQL script)" \
	    "$(rate "$t_pr")" - rows/s "sqlite3 CLI" - '>= 1.5' skipped \
	    "sqlite3 not installed"
fi
if [ -n "$redis_port" ]; then
	t_rd=$(med redis_random)
	ratio=$(calc "$t_rd / $t_pr")
	record bulk_redis "bulk import vs redis-cli --pipe" \
	    "$(rate "$t_pr")" "$(rate "$t_rd")" rows/s "redis-cli --pipe" \
	    "$ratio" '>= 1.3' "$(met "$ratio" '>=' 1.3)" ""
else
	record bulk_redis "bulk import vs redis-cli --pipe" \
	    "$(rate "$t_pr")" - rows/s "redis-cli --pipe" - '>= 1.3' skipped \
	    "$redis_note"
fi
pipe_row
if [ -n "$redis_pid" ]; then
	kill "$redis_pid" 2>/dev/null
	wait "$redis_pid" 2>/dev/null
	redis_pid=
fi
rm -rf "$work/random.sql" "$work/random.resp" "$work/sorted.pds" \
    "$work/sorted.tsv" "$work/sqlite3.db"* "$work/bulk-sorted"
if [ "$ONLY" = import ]; then
	memory_rows
	finish
fi

# The N-key databases for the one-shot tests: prontodb's from its last
# random-order import, the baseline's from a random-order import.
pd_home=$work/bulk-random
pd_db=$(dbfile "$pd_home")
base_db=$work/base.db
rm -f "$base_db" "$base_db-wal" "$base_db-shm"
"$base" bulk "$base_db" <"$work/random.tsv" || die "baseline import failed"

reads "$pd_home"
getstream "$pd_home"

memory_rows

# ------------------------------------------------------------------------
# One-shot commands, interleaved with their baselines.  Keys for get are
# rows 0.. (present in every database); keys for set are rows past N
# (new keys, the same ones on both sides).
"$gen" -n $((RUNS + WARM)) -f tsv >"$work/get.tsv"
"$gen" -b "$N" -n $((RUNS + WARM)) -f tsv >"$work/set.tsv"

settle
say "one-shot get on $N keys: $RUNS runs each, interleaved"
sel="SELECT value FROM kv WHERE project='{p}' AND namespace='{n}' AND key='{k}'"
if [ -n "$SQLITE3" ]; then
	out=$("$run" cmp -n "$RUNS" -w "$WARM" -r "$work/get.tsv" \
	    -e "$work/errors" -- \
	    "$pd" --home "$pd_home" get '{p}.{n}.{k}' ::: \
	    "$base" get "$pd_db" '{p}' '{n}' '{k}' ::: \
	    "$SQLITE3" "$pd_db" "$sel")
else
	out=$("$run" cmp -n "$RUNS" -w "$WARM" -r "$work/get.tsv" \
	    -e "$work/errors" -- \
	    "$pd" --home "$pd_home" get '{p}.{n}.{k}' ::: \
	    "$base" get "$pd_db" '{p}' '{n}' '{k}')
fi
[ -n "$out" ] || die "bench-run cmp failed"
echo "$out" >"$work/get.cmp"
g_pd=$(ms "$work/get.cmp" 1)
g_base=$(ms "$work/get.cmp" 2)
for l in 1 2 3; do
	f=$(fails "$work/get.cmp" $l)
	[ -z "$f" ] || [ "$f" = 0 ] ||
		echo "one-shot get, command $l: $f failed runs" >>"$work/failures"
done
say "get: prontodb $g_pd ms, C API $g_base ms (medians)"
ratio=$(calc "$g_pd / $g_base")
record get_oneshot "one-shot get, $N-key database" "$g_pd" "$g_base" ms \
    "C API (b)" "$ratio" '<= 1.15' "$(met "$ratio" '<=' 1.15)" \
    "both read prontodb's database file"
if [ -n "$SQLITE3" ]; then
	g_sq=$(ms "$work/get.cmp" 3)
	ratio=$(calc "$g_pd / $g_sq")
	record get_sqlite3 "one-shot get vs sqlite3 DB \"select ...\"" \
	    "$g_pd" "$g_sq" ms "sqlite3 CLI" "$ratio" '<= 1.0' \
	    "$(met "$ratio" '<=' 1.0)" "both read prontodb's database file"
else
	record get_sqlite3 "one-shot get vs sqlite3 DB \"select ...\"" \
	    "$g_pd" - ms "sqlite3 CLI" - '<= 1.0' skipped \
	    "sqlite3 not installed"
fi

settle
say "one-shot set of new keys: $RUNS runs each, interleaved"
"$run" cmp -n "$RUNS" -w "$WARM" -r "$work/set.tsv" -e "$work/errors" -- \
    "$pd" --home "$pd_home" set '{p}.{n}.{k}' '{v}' ::: \
    "$base" set "$base_db" '{p}' '{n}' '{k}' '{v}' >"$work/set.cmp" ||
	die "bench-run cmp failed"
s_pd=$(ms "$work/set.cmp" 1)
s_base=$(ms "$work/set.cmp" 2)
for l in 1 2; do
	f=$(fails "$work/set.cmp" $l)
	[ "$f" = 0 ] ||
		echo "one-shot set, command $l: $f failed runs" >>"$work/failures"
done
rows=$(count_rows "$pd_db")
[ "$rows" = $((N + RUNS + WARM)) ] ||
	echo "one-shot set: $rows rows, not $((N + RUNS + WARM))" \
	    >>"$work/failures"
say "set: prontodb $s_pd ms, C API $s_base ms (medians)"
ratio=$(calc "$s_pd / $s_base")
record set_oneshot "one-shot set, $N-key database" "$s_pd" "$s_base" ms \
    "C API (c)" "$ratio" '<= 1.20' "$(met "$ratio" '<=' 1.20)" \
    "new keys; each side writes its own $N-row database"
rm -rf "$work/random.pds" "$work/random.tsv" "$work/base.db"* \
    "$work"/bulk-*

# ------------------------------------------------------------------------
# get on a BIG-key database vs a SMALL-key one, both imported sorted.
say "get scaling: building $SMALL- and $BIG-key databases"
fresh_home
small_home=$h
"$gen" -n "$SMALL" -S >"$work/small.pds"
"$pd" --home "$small_home" <"$work/small.pds" >/dev/null 2>>"$work/errors" ||
	echo "import of $SMALL rows failed" >>"$work/failures"
fresh_home
big_home=$h
"$gen" -n "$BIG" -S >"$work/big.pds" || die "bench-gen failed"
settle
set -- $("$run" once -i "$work/big.pds" -e "$work/errors" -- \
    "$pd" --home "$big_home")
[ "${3:-1}" = 0 ] || echo "import of $BIG rows failed" >>"$work/failures"
say "imported $BIG sorted rows in $1 s"
rm -f "$work/big.pds" "$work/small.pds"
settle
"$run" cmp -n "$RUNS" -w "$WARM" -r "$work/get.tsv" -e "$work/errors" -- \
    "$pd" --home "$big_home" get '{p}.{n}.{k}' ::: \
    "$pd" --home "$small_home" get '{p}.{n}.{k}' >"$work/size.cmp" ||
	die "bench-run cmp failed"
z_big=$(ms "$work/size.cmp" 1)
z_small=$(ms "$work/size.cmp" 2)
for l in 1 2; do
	f=$(fails "$work/size.cmp" $l)
	[ "$f" = 0 ] ||
		echo "get scaling, command $l: $f failed runs" >>"$work/failures"
done
say "get: $z_big ms on $BIG keys, $z_small ms on $SMALL keys"
ratio=$(calc "$z_big / $z_small")
note="both imported in sorted order"
[ "$BIG" -ge 10000000 ] || note="$note; BIG=$BIG, below the 10M of the target"
record get_scaling "get, $BIG keys vs $SMALL keys" "$z_big" "$z_small" ms \
    "prontodb, $SMALL keys" "$ratio" '<= 1.5' "$(met "$ratio" '<=' 1.5)" \
    "$note"
rm -rf "$big_home" "$small_home"

# ------------------------------------------------------------------------
# Concurrency: distinct keys per writer, so every row must land.
first=$((BIG > N * MEMX ? BIG : N * MEMX))
conc_oneshot "$first"
nc=$((CONC_PROCS * CONC_SETS))

ns=$((STREAM_PROCS * STREAM_SETS))
say "concurrency: $STREAM_PROCS processes each streaming $STREAM_SETS sets"
ins=
binputs=
i=0
while [ $i -lt "$STREAM_PROCS" ]; do
	b=$((first + nc + i * STREAM_SETS))
	"$gen" -b "$b" -n "$STREAM_SETS" -f pds >"$work/stream$i.pds"
	"$gen" -b "$b" -n "$STREAM_SETS" -f tsv >"$work/stream$i.tsv"
	ins="$ins -i $work/stream$i.pds"
	binputs="$binputs -i $work/stream$i.tsv"
	i=$((i + 1))
done
fresh_home
"$pd" --home "$h" set bench.init.key 1 || die "prontodb set failed"
settle
set -- $("$run" par $ins -e "$work/stream.err" -- "$pd" --home "$h")
s_t=$1 s_fail=$3
s_rows=$(($(count_rows "$(dbfile "$h")") - 1))
bdb=$work/stream-base.db
"$base" bulk "$bdb" </dev/null
settle
set -- $("$run" par $binputs -e "$work/stream-base.err" -- "$base" bulk "$bdb")
sb_t=$1 sb_fail=$3
sb_rows=$(count_rows "$bdb")
say "streams: prontodb $s_t s, $s_rows rows, $s_fail failed;" \
    "C API $sb_t s, $sb_rows rows, $sb_fail failed"
ok=no
[ "$s_fail" = 0 ] && [ "$s_rows" = "$ns" ] && ok=yes
record conc_stream "concurrency: $STREAM_PROCS procs streaming $STREAM_SETS sets" \
    "$(calc "$ns / $s_t")" "$(calc "$ns / $sb_t")" rows/s "C API (a)" \
    "$(calc "$sb_t / $s_t")" 'all rows, 0 errors' "$ok" \
    "$s_rows/$ns rows, $s_fail errors; one run"
rm -rf "$h" "$bdb"* "$work"/stream*
for f in conc.err stream.err; do
	if [ -s "$work/$f" ]; then
		say "prontodb's stderr under concurrency ($f), first lines:"
		sort "$work/$f" | uniq -c | sort -rn | head -5 >&2
	fi
done

# ------------------------------------------------------------------------
if [ -z "$ONLY" ]; then
	durability
	watching
	bigval
	server_rows
fi
finish
