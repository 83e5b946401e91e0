# tap.sh - a small TAP library for the whole-program tests (POSIX sh).
#
# Source it from a test script:
#
#	. "$top_srcdir/tests/tap.sh"
#	fresh				# a new, empty home in $home
#	run pd set p.n.k v		# pd is prontodb --home "$home"
#	is_rc 0 "set succeeds"
#	run pd get p.n.k
#	is_out "v" "get prints the value"
#	is_err "" "get is quiet"
#	done_testing
#
# run CMD... runs CMD with stdout, stderr and the exit status captured in
# $tmp/out, $tmp/err and $rc.  is_out and is_err compare the captured text
# exactly: TEXT stands for TEXT plus a final newline, "" for no output at
# all.  Output that does not end in a newline is compared with
# is_out_file.  is_run RC OUT ERR NAME checks all three as one test.
# Each assertion prints "ok N - NAME" or "not ok N - NAME" and, on
# failure, what was expected and what was got as # comments.  The plan is
# printed last, which automake's tap-driver accepts.
#
# Server mode: with PRONTO_TEST_BACKEND=server (make check's tests/srv/NAME.srv
# set it) and PRONTO_TEST_SERVER a postgresql:// URL, fresh also exports
# PRONTO_SERVER, so that every database NAME of the home is a schema on
# that server, under a prefix of its own (s<pid><run>h<home>_: scripts
# running at once never share one).  $backend is sqlite or server, for a
# script to assert a documented difference.  Without a server the script
# is skipped.  A script named in PRONTO_TEST_TODO (Makefile.am's
# server_xfail) has its failures there marked TODO, expected for now.

: "${PRONTODB:?set PRONTODB to the prontodb binary}"
: "${top_srcdir:=.}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prontodb-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Nothing may reach the real home, even by a test that forgets --home.
HOME=$tmp/home
export HOME
unset PRONTO_HOME XDG_HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_STATE_HOME \
    PRONTO_DB PRONTO_SECURITY PRONTO_SERVER

backend=sqlite
tap_todo=
if [ "${PRONTO_TEST_BACKEND:-}" = server ]; then
	if [ -z "${PRONTO_TEST_SERVER:-}" ]; then
		echo "1..0 # SKIP no server: set PRONTO_TEST_SERVER"
		exit 0
	fi
	backend=server
	# The run's own letters: mktemp's, with the script's pid.
	tap_run=s$$$(printf '%s' "${tmp##*.}" | tr -cd 'a-z0-9' | cut -c1-4)
	tap_script=$(basename "$0")
	case " ${PRONTO_TEST_TODO:-} " in
	*"/$tap_script "*|*" $tap_script "*)
		tap_todo=" # TODO on a server (issue 14)" ;;
	esac
fi

tap_n=0
tap_failed=0
rc=0
home=
homes=0

# A new empty home for the next group of tests.
fresh() {
	homes=$((homes + 1))
	home=$tmp/h$homes
	mkdir "$home"
	if [ "$backend" = server ]; then
		PRONTO_SERVER=$(home_server "$home")
		export PRONTO_SERVER
	fi
}

# home_server HOME: in server mode, the setting server of HOME, one of
# fresh's homes: its own prefix on PRONTO_TEST_SERVER.  (PRONTO_SERVER is
# the last fresh home's: a script that goes back to an earlier home sets
# this one for it.)
home_server() {
	echo "$PRONTO_TEST_SERVER#${tap_run}${1##*/}_"
}

pd() {
	"$PRONTODB" --home "$home" "$@"
}

run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# Print a file as # comments, marking a missing final newline.
tap_show() {
	if [ ! -s "$1" ]; then
		echo "#     (nothing)"
		return
	fi
	if ! tr -d '\000' <"$1" | cmp -s - "$1"; then
		od -An -c "$1" | sed 's/^/#    /'
		return
	fi
	sed 's/^/#     /' "$1"
	[ -z "$(tail -c 1 "$1")" ] || { echo; echo "#     (no final newline)"; }
}

tap_result() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		printf 'ok %d - %s\n' "$tap_n" "$2"
	else
		printf 'not ok %d - %s%s\n' "$tap_n" "$2" "$tap_todo"
		tap_failed=$((tap_failed + 1))
	fi
}

# tap_cmp WANT-FILE GOT-FILE NAME
tap_cmp() {
	if cmp -s "$1" "$2"; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		echo "#   expected:"
		tap_show "$1"
		echo "#   got:"
		tap_show "$2"
		echo "#   (exit status $rc)"
	fi
}

tap_want() {
	if [ -z "$1" ]; then
		: >"$tmp/want"
	else
		printf '%s\n' "$1" >"$tmp/want"
	fi
}

is_out() {
	tap_want "$1"
	tap_cmp "$tmp/want" "$tmp/out" "$2"
}

is_err() {
	tap_want "$1"
	tap_cmp "$tmp/want" "$tmp/err" "$2"
}

# is_out_file FILE NAME: stdout is byte for byte FILE.
is_out_file() {
	tap_cmp "$1" "$tmp/out" "$2"
}

is_rc() {
	if [ "$rc" = "$1" ]; then
		tap_result 0 "$2"
	else
		tap_result 1 "$2"
		echo "#   expected exit status $1, got $rc; stderr:"
		tap_show "$tmp/err"
	fi
}

# is GOT EXPECTED NAME: two strings are equal.
is() {
	if [ "$1" = "$2" ]; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		printf "#   expected: '%s'\n" "$2"
		printf "#        got: '%s'\n" "$1"
	fi
}

# ok NAME CMD...: CMD succeeds.
ok() {
	tap_name=$1
	shift
	if "$@"; then
		tap_result 0 "$tap_name"
	else
		tap_result 1 "$tap_name"
		printf '#   failed: %s\n' "$*"
	fi
}

# is_run RC STDOUT STDERR NAME: the last run exited RC and printed
# exactly STDOUT and STDERR (one test; the diagnostic shows what differs).
is_run() {
	tap_want "$2"
	mv "$tmp/want" "$tmp/want.out"
	tap_want "$3"
	if [ "$rc" = "$1" ] && cmp -s "$tmp/want.out" "$tmp/out" &&
	    cmp -s "$tmp/want" "$tmp/err"; then
		tap_result 0 "$4"
		return
	fi
	tap_result 1 "$4"
	[ "$rc" = "$1" ] || echo "#   expected exit status $1, got $rc"
	if ! cmp -s "$tmp/want.out" "$tmp/out"; then
		echo "#   expected stdout:"
		tap_show "$tmp/want.out"
		echo "#   got stdout:"
		tap_show "$tmp/out"
	fi
	if ! cmp -s "$tmp/want" "$tmp/err"; then
		echo "#   expected stderr:"
		tap_show "$tmp/want"
		echo "#   got stderr:"
		tap_show "$tmp/err"
	fi
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ] || echo "# $tap_failed of $tap_n failed"
	# The TAP driver judges the "not ok" lines, so the exit status is 0
	# (as in examples.sh) unless the script dies before its plan.
	exit 0
}
