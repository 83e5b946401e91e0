#!/bin/sh
# grammar.sh - one language: the words after a verb mean the same typed
# after `prontodb` and in a stream (options in every spelling, global flags
# after the verb, --, help where users look, did-you-mean).
. "$top_srcdir/tests/tap.sh"

# stream TEXT: run TEXT as a stream in the current home.
stream() {
	printf '%s\n' "$1" | "$PRONTODB" --home "$home" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# --- the README's forms, typed ------------------------------------------
fresh
run pd cache create app.sess ttl=60 max_items=1000
is_run 0 "" "" "cache create P.N ttl=60 max_items=1000 typed"
run pd cache describe app.sess
grep -E '^(ttl_ms|max_items) ' "$tmp/out" >"$tmp/pol"
run cat "$tmp/pol"
is_out "ttl_ms       60000
max_items    1000" "... sets both"
run pd set app.jobs.lock worker-1 if-absent
is_run 0 "" "" "set ... if-absent typed"
run pd set app.jobs.lock worker-2 if-absent
is_run 2 "" "prontodb: app.jobs.lock: exists (if-absent)" \
    "set ... if-absent again misses"
run pd create-cache app.c timeout=60
is_run 0 "" "" "create-cache P.N timeout=60 typed"
run pd create-cache app.d 60
is_run 0 "" "" "create-cache P.N 60: the optional argument is the timeout"
run pd create-cache app.e 60 timeout=60
is_run 64 "" "prontodb: timeout given twice, as '60' and as an option" \
    "... but not both"
run pd cache describe app.d
grep '^ttl_ms ' "$tmp/out" >"$tmp/pol"
run cat "$tmp/pol"
is_out "ttl_ms       60000" "... of 60 seconds"

# --- misspellings no longer succeed with a wrong meaning ------------------
fresh
pd set a.x.k 1
pd set b.y.k 2
run pd keys project=a
is_run 0 "x.k" "" "keys project=a lists project a"
run pd export tsv
is_run 0 "a.x.k	1		{}
b.y.k	2		{}" "" "export tsv is the TSV export"
run pd keys projct=a
is_run 64 "" "prontodb: unknown option 'projct' for 'keys'; did you mean '--project'?" \
    "a misspelt name=value is refused, not taken as a prefix"
run pd set a.x.k v --tll 5
is_run 64 "" "prontodb: unknown option '--tll' for 'set'; did you mean '--ttl'?" \
    "a misspelt --name is refused with the nearest option"
run pd get a.x.k --frobnicate
is_run 64 "" "prontodb: unknown option '--frobnicate' for 'get' (options: --include-expired, --raw, --default, --project, --namespace, --key)" \
    "an unknown --name names the verb's options"
run pd get a.x.k
is_out "1" "... and nothing was written"
stream 'get a.x.k --frobnicate'
is_run 65 "" "prontodb: <stdin>:1:11: unknown option '--frobnicate' for 'get' (options: include-expired, raw, default, project, namespace, key)
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "in a stream: the same error, in the stream's spelling, with its place"

# --- required arguments take any word; -- and quotes make data -----------
fresh
run pd set p.n.k a=b
run pd get p.n.k
is_out "a=b" "set k a=b stores a=b (a required argument)"
stream 'set p.n.j ttl=5
get p.n.j'
is_run 0 "ttl=5" "" "... in a stream too"
run pd set p.n.k -- --ttl
run pd get p.n.k
is_out "--ttl" "-- ends the options on the command line"
stream 'set p.n.k -- --raw
get p.n.k'
is_out "--raw" "... and in a stream"
stream 'keys "project=p"'
is_run 0 "" "" "a quoted word in a stream is never an option"
pd set app.x.n 5
run pd incr app.x.n -1
is_run 0 "4" "" "a number after the verb is data (incr k -1)"

# --- options in every spelling, typed and streamed -----------------------
fresh
for form in 'ttl=90' '--ttl 90' '--ttl=90' 'ttl=90s' '--ttl 1.5m'; do
	pd cache create c.t --ttl 10 >/dev/null 2>&1
	# shellcheck disable=SC2086
	pd --now-ms 1800000000000 set c.t.k v $form
	run pd --now-ms 1800000000000 ttl c.t.k
	is_out "90000" "typed: set c.t.k v $form"
	stream "set c.t.s v $form"
	is_run 0 "" "" "streamed: set c.t.s v $form"
done

# --- global flags after the verb -----------------------------------------
fresh
pd set p.n.k v
run pd get p.n.k --json
is_run 0 '{"address":"p.n.k","value":"v","revision":1}' "" "get ADDR --json"
run pd scan p.n --tsv
is_run 0 "p.n.k	v" "" "scan PREFIX --tsv"
run pd get p.n.nope -q
is_run 2 "" "" "get ADDR -q on a miss"
run pd set p.n.k w -d other
run pd get p.n.k -d other
is_run 0 "w" "" "-d DB after the verb"
run pd get p.n.k
is_out "v" "... which left main alone"
run pd get p.n.k --database other
is_out "w" "--database is -d (upstream's name)"
run pd get -p p -n n k
is_out "v" "-p and -n after the verb, before the key"

# --- help where users look -----------------------------------------------
fresh
run pd set --help
is_rc 0 "set --help exits 0"
head -n 1 "$tmp/out" >"$tmp/first"
run cat "$tmp/first"
is_out "usage: prontodb set ADDR VALUE [--ttl S] [--if-absent] [--if-version N]" \
    "set --help: the usage line in the command line's spelling"
run pd set --help
cp "$tmp/out" "$tmp/help1"
run pd help set
is_out_file "$tmp/help1" "help set prints the same as set --help"
run pd set -h
is_out_file "$tmp/help1" "-h is --help"
stream 'help set'
head -n 1 "$tmp/out" >"$tmp/first"
run cat "$tmp/first"
is_out "usage: set ADDR VALUE [ttl=S] [if-absent] [if-version=N]" \
    "help in a stream shows the stream's spelling"
run pd install --help
is_rc 0 "install --help exits 0"
ok "install --help runs nothing" test ! -e "$home/data"
run pd uninstall --help
is_rc 0 "uninstall --help exits 0"
run pd set p.n.k v --help
is_rc 0 "set ... --help exits 0"
ok "... and writes nothing" test ! -e "$home/data"

run pd cache
is_rc 64 "a group word alone exits 64"
n=$(grep -c '^  cache ' "$tmp/err")
head -n 1 "$tmp/err" >"$tmp/first"
run cat "$tmp/first"
is_out "prontodb: 'cache' needs a verb:" "... says it needs a verb"
is "$n" 6 "... and lists the group's six verbs"
run pd meta sett a.b.c x
is_run 64 "" "prontodb: unknown verb 'meta sett'; did you mean 'meta set'?" \
    "a misspelt group verb gets a suggestion"
run pd gett p.n.k
is_run 64 "" "prontodb: unknown verb 'gett'; did you mean 'get'?" \
    "a misspelt verb gets a suggestion"
stream 'gett p.n.k'
is_run 65 "" "prontodb: <stdin>:1:1: unknown verb 'gett'; did you mean 'get'?
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" "... in a stream too"
run pd help admin
head -n 1 "$tmp/out" >"$tmp/first"
run cat "$tmp/first"
is_out "admin VERB is another name for VERB, for the verbs that administer databases," \
    "help admin explains the prefix"
run pd -v
is_run 0 "$(pd version)" "" "-v prints the version"
run pd help
long=$(awk 'length > 80' "$tmp/out" | wc -l | tr -d ' ')
is "$long" 0 "help wraps at 80 columns when stdout is not a terminal"

done_testing
