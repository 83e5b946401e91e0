# shell.sh - the interactive session, driven through a pseudo-terminal as a
# person would drive it (tests/pty): the prompt, tab completion, a block
# over several lines, the history across sessions without secrets, the
# summary at the end, and credentials asked for when security is required.
. "$top_srcdir/tests/tap.sh"
: "${PTY:?set PTY to the tests/pty driver}"

# session [ARG...] <STEPS: prontodb ARG... on a terminal; $tmp/out is what
# the terminal showed (plain text), $rc the exit status.
session() {
	run env TERM=vt100 "$PTY" "$PRONTODB" --home "$home" "$@"
}

# shows TEXT NAME: the terminal showed TEXT (of one or more lines).
shows() {
	case $(cat "$tmp/out") in
	*"$1"*) tap_result 0 "$2" ;;
	*)
		tap_result 1 "$2"
		printf "#   no '%s' in:\n" "$1"
		tap_show "$tmp/out"
		;;
	esac
}

# --- the prompt, results as they come, the summary --------------------------
fresh
pd set app.config.host db1
session <<'EOF'
expect main:default.default> 
send use app.config\r
expect main:app.config> 
send get host\r
expect db1
expect main:app.config> 
send \x04
wait
EOF
is_rc 0 "a session ended by Ctrl-D exits 0"
is "$(sed -n 1p "$tmp/out")" \
    "prontodb 0.1.0: statements as in a stream; help lists the verbs, quit or Ctrl-D ends" \
    "a session greets with what to type"
is "$(sed -n 2p "$tmp/out")" "main:default.default> use app.config" \
    "the prompt names the database and the default scope"
is "$(sed -n 3,4p "$tmp/out")" "main:app.config> get host
db1" "use changes the prompt; a result appears as its statement runs"
is "$(tail -n 1 "$tmp/out")" \
    "prontodb: 2 statements, 2 ok, 0 failed, 0 rolled back" \
    "Ctrl-D prints the summary"

session -d other -p app -n config <<'EOF'
expect other:app.config> 
send quit\r
wait
EOF
is_rc 0 "quit ends a session"
shows "other:app.config> quit" "-d, -p and -n are the prompt's database and scope"
is "$(tail -n 1 "$tmp/out")" \
    "prontodb: 0 statements, 0 ok, 0 failed, 0 rolled back" \
    "quit prints the summary too"

session <<'EOF'
expect main:default.default> 
send sett x\r
expect main:default.default> 
send get app.config.nope\r
expect main:default.default> 
send get app.config.host\r
expect db1
send exit\r
wait
EOF
is_rc 65 "a session exits with the worst status it met"
shows "prontodb: <stdin>:1:1: unknown verb 'sett'; did you mean 'set'?
main:default.default> get app.config.nope" "an error appears at once, and the session goes on"
is "$(tail -n 1 "$tmp/out")" \
    "prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" \
    "exit prints the summary"

# --- the session shown in prontodb(1), typed as shown -----------------------
# The lines after a prompt are typed after seeing that prompt; the screen
# must then be the example's, line for line.
fresh
awk '/^\.Sh INTERACTIVE SESSION/ { s = 1 } s && /^\$ prontodb$/ { p = 1; next }
    p && /^\.Ed/ { exit } p' "$top_srcdir/man/prontodb.1" >"$tmp/example"
sed -n 's/^\(.*> \)\(.*\)$/expect \1\nsend \2\\r/p' "$tmp/example" \
    >"$tmp/example.steps"
echo wait >>"$tmp/example.steps"
session <"$tmp/example.steps"
is_rc 0 "the example session of prontodb(1) runs"
is_out_file "$tmp/example" "the terminal shows the example of prontodb(1)"

# --- completion -------------------------------------------------------------
session <<'EOF'
expect main:default.default> 
send se\t
expect set 
send app.c\t
expect onfig.
send h\t
expect ost 
send db2\r
expect main:default.default> 
send get app.config.host\r
expect db2
expect main:default.default> 
send use app.config\r
expect main:app.config> 
send get h\t
expect ost 
send \r
expect db2
expect main:app.config> 
send meta \t
expect del  
send \x15\x04
wait
EOF
is_rc 0 "a session of completions"
shows "main:default.default> set app.config.host db2" \
    "tab completes a verb, then an address level by level"
shows "main:app.config> get host" "tab completes a key of the scope"
shows "del   get   list  set" "tab lists a group's verbs when they differ"

# --- a block over several lines ----------------------------------------------
session <<'EOF'
expect main:default.default> 
send begin\r
expect ...> 
send set app.config.a 1\r
expect ...> 
send set app.config.b "two\r
expect ...> 
send lines"\r
expect ...> 
send commit\r
expect main:default.default> 
send get app.config.b\r
expect lines
expect main:default.default> 
send \x04
wait
EOF
is_rc 0 "a block typed over several lines"
is "$(sed -n '2,7p' "$tmp/out")" 'main:default.default> begin
                 ...> set app.config.a 1
                 ...> set app.config.b "two
                 ...> lines"
                 ...> commit
main:default.default> get app.config.b' "inside a block and a quoted string the prompt is a continuation"
run pd get app.config.a
is_out "1" "the block was committed"

session <<'EOF'
expect main:default.default> 
send begin\r
expect ...> 
send set app.config.c 3\r
expect ...> 
send \x04
wait
EOF
is_rc 65 "Ctrl-D inside a block"
shows "begin without commit; rolled back" "Ctrl-D inside a block rolls it back"
run pd get app.config.c
is_rc 2 "nothing of the open block was written"

# --- Ctrl-C -----------------------------------------------------------------
session <<'EOF'
expect main:default.default> 
send set app.config.d 4\x03
expect main:default.default> 
send get app.config.d\r
expect main:default.default> 
send \x04
wait
EOF
is_rc 2 "Ctrl-C drops the line being typed"
shows "prontodb: <stdin>:1:1: app.config.d: not found" \
    "the dropped line did not run"

# --- history, and no secrets in it ------------------------------------------
fresh
hist=$home/.local/state/prontodb/history
PRONTO_PASS=hunter2 pd user add alice </dev/null
session <<'EOF'
expect main:default.default> 
send auth user=alice pass=hunter2\r
expect main:default.default> 
send set app.config.host db1\r
expect main:default.default> 
send user passwd alice pass=hunter3\r
expect main:default.default> 
send set app.config.note "my pass\r
expect ...> 
send is hunter2"\r
expect main:default.default> 
send get app.config.host\r
expect db1
expect main:default.default> 
send \x04
wait
EOF
is_rc 0 "a session with secrets"
session <<'EOF'
expect main:default.default> 
send meta:sec:pass=hunter3; meta:sec:user=alice;\r
expect main:default.default> 
send quit\r
wait
EOF
is_rc 0 "a session that logs in the upstream way"
is "$(cat "$hist")" "set app.config.host db1
get app.config.host
quit" "the history keeps the lines without secrets"
ok "no secret in the history file" sh -c "! grep -q hunter '$hist'"
is "$(stat -c %a "$hist")" 600 "the history file is 0600"
is "$(stat -c %a "${hist%/history}")" 700 "its directory is 0700"
chmod 644 "$hist"
session <<'EOF'
expect main:default.default> 
send \e[A
expect quit
send \e[A
expect get app.config.host
send \e[A
expect set app.config.host db1
send \e[B\r
expect db1
expect main:default.default> 
send \x04
wait
EOF
is_rc 0 "a second session"
shows "main:default.default> get app.config.host
db1
main:default.default> ^D
prontodb: 1 statement, 1 ok, 0 failed, 0 rolled back" \
    "the arrow keys recall the last session's lines, which run"
is "$(cat "$hist")" "set app.config.host db1
get app.config.host
quit
get app.config.host" "the second session's line is appended"
is "$(stat -c %a "$hist")" 600 "a history file others could read is made 0600"

# --- security required: credentials asked for once ---------------------------
fresh
PRONTO_PASS=hunter2 pd user add alice </dev/null
pd set app.config.host db1
PRONTO_SECURITY=required
export PRONTO_SECURITY
session <<'EOF'
expect user: 
send alice\r
expect password: 
send hunter2\r
expect main:default.default> 
send get app.config.host\r
expect db1
expect main:default.default> 
send \x04
wait
EOF
is_rc 0 "security required: a session that logs in"
ok "the password is not echoed" sh -c "! grep -q hunter2 '$tmp/out'"
shows "main:default.default> get app.config.host
db1" "after the login the session runs"
session --user alice <<'EOF'
expect password: 
send wrong\r
wait
EOF
is_rc 77 "a wrong password ends the session with 77"
shows "prontodb: authentication failed" "and says so"
unset PRONTO_SECURITY

# --- not a session ----------------------------------------------------------
echo wait >"$tmp/steps"
run env TERM=vt100 "$PTY" sh -c \
    "'$PRONTODB' --home '$home' >/dev/null; echo rc=\$?" <"$tmp/steps"
shows "usage: prontodb [global flags] VERB [ARGS...]" \
    "stdin a terminal, stdout not: the usage"
shows "rc=64" "and exit 64, as before"

done_testing
