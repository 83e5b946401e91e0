#!/bin/sh
# json.sh - --json, --pretty and --tsv output, checked by parsing it back.
. "$top_srcdir/tests/tap.sh"

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq is not installed"
	exit 0
fi

fresh
pd set p.n.text "hello, wörld"
printf 'a\377\000b' | pd set p.n.bin -
pd set p.n.empty ""
printf 'tab\there\nnew\rline\\' | pd set p.n.ctl -

run pd --json get p.n.text
is_out '{"address":"p.n.text","value":"hello, wörld","revision":1}' \
    "--json get: one object per line, with the key's revision"
jq -r .value <"$tmp/out" >"$tmp/v"
run cat "$tmp/v"
is_out "hello, wörld" "a UTF-8 value is a JSON string"
run pd --json get p.n.bin
jq -r '.value["$base64"], .value.encoded' <"$tmp/out" >"$tmp/v"
run cat "$tmp/v"
is_out "true
Yf8AYg==" "a non-UTF-8 value is base64"
pd --json get p.n.bin | jq -r '.value.encoded' | base64 -d >"$tmp/decoded"
printf 'a\377\000b' >"$tmp/want"
cmp -s "$tmp/decoded" "$tmp/want"
is $? 0 "the base64 decodes to the exact bytes"
run pd --json get p.n.empty
is_out '{"address":"p.n.empty","value":"","revision":3}' "an empty value"
run pd --json get p.n.ctl
jq -j .value <"$tmp/out" >"$tmp/v"
printf 'tab\there\nnew\rline\\' >"$tmp/want"
cmp -s "$tmp/v" "$tmp/want"
is $? 0 "control characters survive JSON"

run pd --json keys p.n.
jq -r .key <"$tmp/out" >"$tmp/v"
run cat "$tmp/v"
is_out "p.n.bin
p.n.ctl
p.n.empty
p.n.text" "--json keys: one object per key, sorted"
run pd --json scan p.n.t
is_out '{"key":"p.n.text","value":"hello, wörld","revision":1}' "--json scan"
pd meta set p.n.text owner ops
run pd --json scan p.n.t --meta
is_out '{"key":"p.n.text","value":"hello, wörld","revision":5}
{"key":"p.n.text","metakey":"owner","value":"ops"}' \
    "--json scan --meta; a metakey set is a change of its key"
run pd --json exists p.n.text
is_run 0 '{"address":"p.n.text","exists":true}' "" "--json exists"
run pd --json exists p.n.nope
is_run 2 '{"address":"p.n.nope","exists":false}' "" "--json exists of a missing key exits 2"
run pd --json meta list p.n.text
jq -r '.name + "=" + (.value|tostring)' <"$tmp/out" | sed '1,2s/=.*/=T/' >"$tmp/v"
run cat "$tmp/v"
is_out "created=T
updated=T
version=1
revision=5
size=13
expires=never
ttl=-1
owner=ops" "--json meta list"
run pd --json incr p.c.n 5
is_out '{"address":"p.c.n","value":5}' "--json incr gives a number"
run pd --json project describe p
jq -r '[.project, .namespaces, .keys] | @tsv' <"$tmp/out" >"$tmp/v"
run cat "$tmp/v"
is_out "p	2	5" "--json project describe gives the same facts"
run pd --pretty ns describe p.n
jq -e '.namespace == "p.n" and .keys == 4' <"$tmp/out" >/dev/null
is $? 0 "--pretty prints indented JSON that parses"
run pd --json nss
is_out '{"namespace":"p.c","kind":"std"}
{"namespace":"p.n","kind":"std"}' "--json nss"

run pd --tsv get p.n.ctl
is_out 'p.n.ctl	tab\there\nnew\rline\\' "--tsv escapes tab, newline, CR and backslash"
run pd --tsv scan p.n.e
is_out 'p.n.empty	' "--tsv scan: key, tab, value"
run pd --tsv --header scan p.n.e
is_out 'key	value
p.n.empty	' "--tsv --header: a first row of column names"
pd --tsv --header export >"$tmp/h.tsv"
fresh
run pd import --tsv "$tmp/h.tsv"
is_run 0 "" "" "import --tsv skips the header row of export --tsv --header"
run pd get p.n.text
is_out "hello, wörld" "... and imports the rows"

# In a stream, --json results carry errors and misses too.
printf 'get p.n.text\nget p.n.nope\nfrob\n' >"$tmp/in"
run pd --json <"$tmp/in"
is_out '{"address":"p.n.text","value":"hello, wörld","revision":6}
{"error":"p.n.nope: not found","status":2,"line":2,"col":1}
{"error":"unknown verb '"'"'frob'"'"'","status":65,"line":3,"col":1}' \
    "--json stream results include errors, with status and position"
is_rc 65 "the exit status is still the worst met"

done_testing
