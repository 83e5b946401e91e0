# progress.sh - progress on a terminal's stderr, and nowhere else: replaying
# a stream, import --tsv and export, seen through a pseudo-terminal
# (tests/pty), a pipe, and with -q.  PRONTO_PROGRESS_DELAY=0 draws from
# the first statement on, where a person would see it after a second.
. "$top_srcdir/tests/tap.sh"
: "${PTY:?set PTY to the tests/pty driver}"

echo wait >"$tmp/steps"

# onterm CMD: run the shell command CMD with a terminal as its stderr (and
# stdin); $tmp/out is all that was written to the terminal, every redraw
# of the progress line included.
onterm() {
	run env TERM=vt100 PRONTO_PROGRESS_DELAY=0 "$PTY" -l sh -c "$1" \
	    <"$tmp/steps"
}

fresh
i=0
: >"$tmp/big.pds"
while [ $i -lt 300 ]; do
	echo "set app.config.k$i v$i" >>"$tmp/big.pds"
	i=$((i + 1))
done

# --- a replayed stream ---------------------------------------------------
onterm "'$PRONTODB' --home '$home' -f '$tmp/big.pds'; echo rc=\$?"
ok "a stream from a file shows statements and the rate on a terminal" \
    grep -q '^prontodb: [0-9]* statements, [0-9]*/s' "$tmp/out"
ok "a regular file shows the share done and the time left" \
    grep -q 'statements, [0-9]*/s, [0-9]*%, [0-9hms]* left' "$tmp/out"
ok "the stream succeeded" grep -q 'rc=0$' "$tmp/out"
run pd get app.config.k299
is_out "v299" "every statement ran"

onterm "cat '$tmp/big.pds' | '$PRONTODB' --home '$home'; echo rc=\$?"
ok "a stream from a pipe shows statements and the rate" \
    grep -q '^prontodb: [0-9]* statements, [0-9]*/s' "$tmp/out"
ok "but no share of a size it does not know" \
    sh -c "! grep -q '%' '$tmp/out'"

onterm "'$PRONTODB' --home '$home' -q -f '$tmp/big.pds'; echo rc=\$?"
is "$(cat "$tmp/out")" "rc=0" "-q: no progress"

run env PRONTO_PROGRESS_DELAY=0 "$PRONTODB" --home "$home" -f "$tmp/big.pds"
is_run 0 "" "" "stderr a pipe: no progress"

onterm "'$PRONTODB' --home '$home' <'$tmp/big.pds' 2>/dev/null; echo rc=\$?"
is "$(cat "$tmp/out")" "rc=0" "stderr a file: no progress"

# The line is erased at the end: errors and the summary are what the
# terminal shows.
printf 'sett x\n' >>"$tmp/big.pds"
run env TERM=vt100 PRONTO_PROGRESS_DELAY=0 "$PTY" sh -c \
    "'$PRONTODB' --home '$home' -f '$tmp/big.pds'" <"$tmp/steps"
is "$(tail -n 2 "$tmp/out")" "prontodb: $tmp/big.pds:301:1: unknown verb 'sett'; did you mean 'set'?
prontodb: 301 statements, 300 ok, 1 failed, 0 rolled back" \
    "an error and the summary are not written over the progress line"

# --- export and import --tsv -----------------------------------------------
onterm "'$PRONTODB' --home '$home' export >'$tmp/x.pds'; echo rc=\$?"
ok "export shows the keys written" \
    grep -q '^prontodb: [0-9]* keys, [0-9]*/s' "$tmp/out"
onterm "'$PRONTODB' --home '$home' -q export >/dev/null; echo rc=\$?"
is "$(cat "$tmp/out")" "rc=0" "export -q: no progress"

pd export tsv >"$tmp/x.tsv"
fresh
onterm "'$PRONTODB' --home '$home' import tsv '$tmp/x.tsv'; echo rc=\$?"
ok "import --tsv shows rows, the rate, the share and the time left" \
    grep -q '^prontodb: [0-9]* rows, [0-9]*/s, [0-9]*%, [0-9hms]* left' \
    "$tmp/out"
run pd get app.config.k7
is_out "v7" "the rows were imported"
run env PRONTO_PROGRESS_DELAY=0 "$PRONTODB" --home "$home" import tsv \
    "$tmp/x.tsv"
is_run 0 "" "" "import with stderr a pipe: no progress"

# --- the replay of an export, and a quick one without the test's delay ----
fresh
onterm "'$PRONTODB' --home '$home' <'$tmp/x.pds'; echo rc=\$?"
ok "an export replayed shows progress" \
    grep -q '^prontodb: [0-9]* statements' "$tmp/out"
run env TERM=vt100 "$PTY" sh -c \
    "'$PRONTODB' --home '$home' get app.config.k1; echo rc=\$?" <"$tmp/steps"
is "$(cat "$tmp/out")" "v1
rc=0" "a quick verb on a terminal shows no progress"

done_testing
