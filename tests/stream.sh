#!/bin/sh
# stream.sh - whole-program tests of statement streams on stdin and -f FILE.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/stream.sh
. "${top_srcdir:-.}/tests/tap.sh"

# feed LINE...: the stream in $tmp/in, one argument per line.
feed() {
	printf '%s\n' "$@" >"$tmp/in"
}

# stream [FLAG...]: run the stream in $tmp/in through prontodb.
stream() {
	run pd "$@" <"$tmp/in"
}

# --- reading a stream ----------------------------------------------------
fresh
feed 'set p.n.k v' 'get p.n.k'
stream
is_run 0 "v" "" "no verb and stdin not a terminal: stdin is the stream"
run pd -f "$tmp/in"
is_run 0 "v" "" "-f FILE reads the stream from FILE"
run pd -f - <"$tmp/in"
is_run 0 "v" "" "-f - reads the stream from stdin"
run pd - <"$tmp/in"
is_run 0 "v" "" "a lone - reads the stream from stdin"
run pd </dev/null
is_run 0 "" "" "an empty stream does nothing and succeeds"
run pd -f "$tmp/missing.pds"
is_run 74 "" "prontodb: cannot open $tmp/missing.pds: No such file or directory" \
    "-f of a missing file exits 74"
run pd -f "$tmp/in" get p.n.k
is_run 64 "" "prontodb: unexpected 'get' after a stream file
Try 'prontodb --help'." "-f FILE followed by a verb is a usage error"
feed 'set p.f.a 1' 'frob' 'get p.f.zz'
cp "$tmp/in" "$tmp/batch.pds"
run pd -f "$tmp/batch.pds"
is_run 65 "" "prontodb: $tmp/batch.pds:2:1: unknown verb 'frob'
prontodb: $tmp/batch.pds:3:1: p.f.zz: not found
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" \
    "-f FILE: diagnostics name the file"

# --- the same operations typed and streamed agree ------------------------
fresh
pd set p.n.k v
pd set p.n.k__ctx over
pd set p.m.j w

# agree NAME WORD...: argv and a one-line stream give the same stdout, the
# same status (64 typed is 65 streamed) and the same diagnostics (but for
# the stream's position and summary).
agree() {
	agree_name=$1
	shift
	run pd "$@"
	cp "$tmp/out" "$tmp/argv.out"
	sed 's/^prontodb: /prontodb: <stdin>:1:C: /' "$tmp/err" >"$tmp/argv.err"
	argv_rc=$rc
	[ "$rc" = 64 ] && argv_rc=65
	feed "$*"
	stream
	sed -e 's/^\(prontodb: <stdin>:1:\)[0-9]*:/\1C:/' \
	    -e '/^prontodb: [0-9]* statements\{0,1\}, /d' "$tmp/err" >"$tmp/err.cut"
	if [ "$argv_rc" = "$rc" ] && cmp -s "$tmp/argv.out" "$tmp/out" &&
	    cmp -s "$tmp/argv.err" "$tmp/err.cut"; then
		tap_result 0 "argv and stream agree: $agree_name"
	else
		tap_result 1 "argv and stream agree: $agree_name"
		echo "#   argv: exit $argv_rc, stdout, stderr:"
		tap_show "$tmp/argv.out"
		tap_show "$tmp/argv.err"
		echo "#   stream: exit $rc, stdout, stderr:"
		tap_show "$tmp/out"
		tap_show "$tmp/err.cut"
	fi
}
agree "get" get p.n.k
agree "get of a missing key" get p.n.nope
agree "get of an overlay" get p.n.k__ctx
agree "get of an absent overlay" get p.m.j__ctx
agree "exists" exists p.n.k
agree "exists of a missing key" exists p.n.nope
agree "keys" keys
agree "keys PREFIX" keys p.n
agree "scan" scan
agree "scan PREFIX" scan p.m
agree "help" help
agree "version" version
agree "use" use p.n
agree "delim" delim :
agree "commit without begin" commit
agree "rollback without begin" rollback
agree "begin without commit" begin
agree "unknown verb" frob
agree "a key alone is in default.default" get k
agree "-n with an address that names its namespace" get -n n m.k

# Writes: the same sequence typed and streamed leaves the same data.
fresh
pd set p.n.a 1
pd set p.n.b 2
pd set p.n.a 3
pd del p.n.b
pd set p.n.c 4
run pd scan
cp "$tmp/out" "$tmp/typed.scan"
fresh
feed 'set p.n.a 1' 'set p.n.b 2' 'set p.n.a 3' 'del p.n.b' 'set p.n.c 4'
stream
is_run 0 "" "" "a stream of set and del"
run pd scan
is_out_file "$tmp/typed.scan" "set and del streamed leave the same data as typed"

# --- misses --------------------------------------------------------------
fresh
feed 'set p.n.k v' 'get p.n.k' '  get p.n.nope' 'exists p.n.nope' 'del p.n.nope'
stream
is_run 2 "v" "prontodb: <stdin>:3:3: p.n.nope: not found
prontodb: <stdin>:5:1: p.n.nope: not found" \
    "misses in a stream: notes with positions, exit 2, no summary"
stream -q
is_run 2 "v" "" "-q silences the miss notes of a stream"
feed 'get p.n.nope' 'frob' 'get p.n.k'
stream
is_run 65 "v" "prontodb: <stdin>:1:1: p.n.nope: not found
prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" \
    "a miss and an error: the error's status 65 wins"
feed 'frob' 'get p.n.nope'
stream -q
is_rc 65 "an error then a miss still exits 65"

# --- overwrite -----------------------------------------------------------
fresh
feed 'set p.n.k old' 'set p.n.k new' 'get p.n.k' 'scan'
stream
is_run 0 "new
p.n.k=new" "" "overwrite in one stream: one row, the new value"

# --- strings, comments, terminators --------------------------------------
fresh
feed 'set p.n.esc "a\n\t\\\"\x41\u{e9}"' 'get p.n.esc raw'
stream
printf 'a\n\t\\"A\303\251' >"$tmp/want.bin"
is_out_file "$tmp/want.bin" 'double-quoted escapes \n \t \\ \" \x41 \u{e9}'
is_rc 0 "double-quoted escapes: exit 0"
feed "set p.n.raw 'a\\n\$x \"q\" #;'" 'get p.n.raw'
stream
is_run 0 'a\n$x "q" #;' "" "single-quoted strings are raw"
feed 'set p.n.semi "a;b" ; get p.n.semi'
stream
is_run 0 "a;b" "" "; inside quotes does not end a statement"
feed 'set p.n.hash "x # y" # a comment ; get p.n.nope' 'get p.n.hash'
stream
is_run 0 "x # y" "" "# starts a comment that runs to the end of the line"
feed '# a whole-line comment' '' '   ' ';;  ;' 'get p.n.semi;get p.n.semi' ''
stream
is_run 0 "a;b
a;b" "" "blank lines, comments and empty statements are ignored"
printf 'set p.n.cr v\r\nget p.n.cr\r\np.n.up=w\r\nget p.n.up\r\nset p.n.q "x"\r\nget p.n.q\r\n' \
    >"$tmp/in"
stream
is_run 0 "v
w
x" "" "CRLF line ends are ordinary line ends"
run pd scan p.n.cr
is_out "p.n.cr=v" "CRLF: no carriage return is stored"
printf 'set p.n.lit {3}\r\nabc\r\nset p.n.nl "a\nb"\nfrob\nget p.n.lit\n' \
    >"$tmp/in"
stream
is_run 65 "abc" "prontodb: <stdin>:5:1: unknown verb 'frob'
prontodb: 4 statements, 3 ok, 1 failed, 0 rolled back" \
    "a {N} header ending in CRLF; a newline inside quotes counts as a line"
head -c 100000 /dev/zero | tr '\000' x >"$tmp/long"
{ printf 'set p.n.long "'; cat "$tmp/long"; printf '"\nget p.n.long raw\n'; } \
    >"$tmp/in"
stream
is_out_file "$tmp/long" "a 100000-byte quoted string crosses buffer refills"
feed 'set p.n.bad "a\qb"' 'set p.n.ok 1'
stream
is_run 65 "" "prontodb: <stdin>:1:15: invalid escape sequence
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "an invalid escape is reported at the backslash"
feed 'set p.n.un "abc' 'set p.n.after 1'
stream
is_run 65 "" "prontodb: <stdin>:1:12: unterminated string
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "an unterminated string is reported at its quote"
run pd keys p.n.un
is_out "" "the statement with an unterminated string wrote nothing"

# --- binary-safe literals ------------------------------------------------
fresh
printf 'set p.n.blob {5}\na\000\nb;\nget p.n.blob raw\n' >"$tmp/in"
stream
printf 'a\000\nb;' >"$tmp/want.bin"
is_out_file "$tmp/want.bin" "a {N} literal carries NUL, newline and ; byte for byte"
is_rc 0 "a {N} literal: exit 0"
run pd get --raw p.n.blob
is_out_file "$tmp/want.bin" "a {N} literal value reads back from argv"
printf 'set p.n.empty {0}\n\nget p.n.empty raw\nexists p.n.empty\n' >"$tmp/in"
stream
is_run 0 "" "" "a {0} literal is an empty value"
feed 'set p.n.e2 ""' 'get p.n.e2 raw' 'exists p.n.e2'
stream
is_run 0 "" "" 'an empty "" value exists and prints nothing with raw'
head -c 150000 /dev/urandom >"$tmp/big"
{ printf 'set p.n.big {150000}\n'; cat "$tmp/big"; printf '\nget p.n.big raw\n'; } \
    >"$tmp/in"
stream
is_out_file "$tmp/big" "a 150000-byte literal crosses buffer refills intact"
printf 'set p.n.pre 1\nset p.n.short {10}\nabc' >"$tmp/in"
stream
is_run 65 "" "prontodb: <stdin>:2:15: literal ends before its declared length
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "a literal cut short by the end of input"
run pd keys p.n.short
is_out "" "a cut-short literal writes nothing"

# --- the upstream dialect ------------------------------------------------
fresh
feed 'p.n.k=value with spaces   ;' 'get p.n.k'
stream
is_run 0 "value with spaces" "" "key=value: the value is the rest, trimmed"
feed 'meta:path=p.m;' 'k=v' 'q="a; b";' 'e=;' 'get p.m.k' 'get p.m.q' \
    'get p.m.e'
stream
is_run 0 "v
a; b
" "" "meta:path sets the scope; quoted and empty values"
feed 'meta:ns=p.o; a=1; b=2;' 'keys'
stream
is_run 0 "a
b" "" "meta:ns and several assignments on one line"
feed 'meta:delim=:;' 'p:d:k=x;' 'keys p:d'
stream
is_run 0 "p:d:k" "" "meta:delim changes the delimiter"
feed 'meta:tx=begin;' 'p.t.a=1;' 'meta:tx=commit;' 'meta:tx=begin;' \
    'p.t.b=1;' 'meta:tx=rollback;' 'keys p.t'
stream
is_run 0 "p.t.a" "" "meta:tx=begin/commit/rollback"
feed 'meta:foo=x;' 'p.u.a=1;'
stream
is_run 65 "" "prontodb: <stdin>:1:1: unknown directive 'meta:foo'
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "an unknown meta: directive is an error and the stream goes on"

# --- addresses in a stream -----------------------------------------------
fresh
feed 'use p.n' 'set k 1' 'get k' 'use p' 'set m.k 2' 'get m.k' 'keys' \
    'get p.n.k'
stream
is_run 0 "1
2
m.k
n.k
1" "" "use p.n and use p make addresses relative; keys prints relative names"
feed 'use p' 'get k'
stream
is_run 2 "" "prontodb: <stdin>:2:1: p.default.k: not found" \
    "use p does not keep an earlier namespace"
feed 'get k' 'get n.k'
stream -p p -n n
is_run 0 "1
1" "" "-p -n set the starting scope of a stream"
feed 'delim :' 'set a:b:c 1' 'keys a:' 'get a:b:c'
stream
is_run 0 "a:b:c
1" "" "delim : changes the delimiter for the rest of the stream"
run pd get a.b.c
is_out "1" "delim changes the notation, not the key"
feed 'keys a:'
stream --ns-delim :
is_run 0 "a:b:c" "" "--ns-delim : applies to a stream"
feed 'set p.n.h base' 'get p.n.h__x' 'exists p.n.h__x' 'set p.n.h__x over' \
    'get p.n.h__x' 'get p.n.h'
stream
is_run 0 "base
over
base" "" "__context overlays in a stream"

# Each bad statement: one line with its position, exit 65, nothing written
# (the keys after it prints nothing), and the stream goes on.
fresh
bad() {
	feed "$1" 'keys'
	stream
	is_run 65 "" "prontodb: <stdin>:1:$2: $3
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" "in a stream: $4"
}
bad 'set a..b v' 5 "address 'a..b' has an empty part" "empty address part"
bad 'set a.b.c.d v' 5 \
    "address 'a.b.c.d' has too many parts (at most project.namespace.key)" \
    "too many address parts"
bad 'set a.b v project=p namespace=n' 21 "address 'a.b' names its own namespace, and so does namespace=: give one or the other" \
    "namespace= with an address that names its namespace"
bad 'set v --key a.b project=p namespace=n' 7 \
    "key 'a.b' contains the delimiter '.'" \
    "key= with the delimiter, reported at the option"
bad 'frob p.n.k' 1 "unknown verb 'frob'" "unknown verb"
bad 'set p.n.k' 1 \
    "wrong number of arguments for 'set' (usage: set ADDR VALUE [ttl=S] [if-absent] [if-version=N])" \
    "wrong arity"
bad 'get p.n.k bogus=1' 11 "unknown option 'bogus' for 'get' (options: include-expired, raw, default, project, namespace, key)" \
    "unknown option, reported at the option"
bad 'delim ab' 7 "invalid delimiter 'ab': use one punctuation character other than _ \" ' # ; = { \\" \
    "invalid delimiter"

# --- blocks --------------------------------------------------------------
fresh
feed 'begin' 'set p.a.x 1' 'set p.a.y 2' 'commit' 'keys p.a'
stream
is_run 0 "p.a.x
p.a.y" "" "begin ... commit"
feed 'begin' 'set p.b.x 1' 'frob' 'set p.b.y 2' 'commit' 'set p.b.z 3' \
    'keys p.b'
stream
is_run 65 "p.b.z" "prontodb: <stdin>:3:1: unknown verb 'frob'
prontodb: 7 statements, 2 ok, 1 failed, 4 rolled back" \
    "an error inside a block discards the block; the stream goes on after commit"
feed 'begin' 'set p.c.x 1' 'set p.c.y "unterminated' 'commit' 'set p.c.z 3'
stream
is_run 65 "" "prontodb: <stdin>:3:11: unterminated string
prontodb: 5 statements, 1 ok, 1 failed, 3 rolled back" \
    "a malformed statement inside a block discards the block"
run pd keys p.c
is_out "p.c.z" "after a malformed block only the later statement is kept"
feed 'set p.d.before 0' 'begin' 'set p.d.x 1'
stream
is_run 65 "" "prontodb: <stdin>:2:1: begin without commit; rolled back
prontodb: 3 statements, 1 ok, 1 failed, 1 rolled back" \
    "end of input inside a block: the begin is blamed, counts add up"
run pd keys p.d
is_out "p.d.before" "end of input inside a block leaves no trace of it"
feed 'begin' 'set p.e.x 1' 'rollback' 'set p.e.y 2' 'keys p.e'
stream
is_run 0 "p.e.y" "" "rollback discards the block quietly"
feed 'begin' 'set p.f.x 1' 'begin' 'set p.f.y 2' 'commit' 'set p.f.z 3' \
    'keys p.f'
stream
is_run 65 "p.f.z" "prontodb: <stdin>:3:1: begin inside a block (opened at 1:1)
prontodb: 7 statements, 2 ok, 1 failed, 4 rolled back" \
    "nested begin is an error that discards the block"
feed 'commit' 'rollback' 'set p.g.x 1'
stream
is_run 65 "" "prontodb: <stdin>:1:1: commit without begin
prontodb: <stdin>:2:1: rollback without begin
prontodb: 3 statements, 1 ok, 2 failed, 0 rolled back" \
    "commit and rollback without begin are errors"
feed 'meta:tx=begin;' 'p.h.x=1;' 'frob' 'meta:tx=commit;' 'keys p.h'
stream
is_run 65 "" "prontodb: <stdin>:3:1: unknown verb 'frob'
prontodb: 5 statements, 1 ok, 1 failed, 3 rolled back" \
    "an upstream meta:tx block is atomic too"

# --- error policy --------------------------------------------------------
fresh
feed 'set p.a.x 1' 'frob' 'set p.a.y 2'
stream
is_run 65 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" \
    "by default a failed statement is skipped and the stream goes on"
run pd keys p.a
is_out "p.a.x
p.a.y" "default policy: both good statements ran"
feed 'set p.b.x 1' 'frob' 'set p.b.y 2'
stream --on-error=continue
is_rc 65 "--on-error=continue: exit 65"
run pd keys p.b
is_out "p.b.x
p.b.y" "--on-error=continue goes on"
feed 'set p.c.x 1' 'frob' 'set p.c.y 2'
stream --on-error stop
is_run 65 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "--on-error stop stops at the first error"
run pd keys p.c
is_out "p.c.x" "--on-error stop keeps what ran before the error"
feed 'get p.c.nope' 'set p.c.z 1'
stream --on-error=stop
is_run 2 "" "prontodb: <stdin>:1:1: p.c.nope: not found" \
    "--on-error=stop does not stop at a miss"
feed 'frob' 'get p.c.nope'
stream -q
is_run 65 "" "prontodb: <stdin>:1:1: unknown verb 'frob'
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "-q silences misses but not errors"
feed 'set p.d.x 1' 'frob' 'set p.d.y 2'
stream -1
is_run 65 "" "prontodb: <stdin>:2:1: unknown verb 'frob'
prontodb: 2 statements, 0 ok, 1 failed, 1 rolled back" \
    "-1: an error rolls back the whole stream"
run pd keys p.d
is_out "" "-1: nothing of a failed stream is written"
feed 'set p.e.x 1' 'get p.e.nope' 'set p.e.y 2'
stream --single-transaction
is_run 2 "" "prontodb: <stdin>:2:1: p.e.nope: not found" \
    "--single-transaction: a miss is not an error"
run pd keys p.e
is_out "p.e.x
p.e.y" "--single-transaction commits a stream without errors"

# --- writes become visible while the producer is idle --------------------
fresh
( echo 'set p.n.a 1'; sleep 1; echo 'set p.n.b 2'; sleep 2 ) |
    pd >"$tmp/bg.out" 2>"$tmp/bg.err" &
bg=$!
i=0
while [ $i -lt 25 ] && ! pd get p.n.b >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$bg" 2>/dev/null
is $? 0 "the producer is still running (in its second sleep)"
run pd get p.n.a
is_run 0 "1" "" "a write is committed when the input would block"
run pd get p.n.b
is_out "2" "the second write too, before the input ends"
wait "$bg"
is $? 0 "the slow stream itself succeeds"

# --- 64-row inserts whose rows span two namespaces ----------------------
# 100 new keys in each of p.a and p.b: sorted, rows 64..127 of the queue
# are one insert of both namespaces, the others one insert of one.
fresh
i=100
: >"$tmp/in"
while [ $i -lt 200 ]; do
	printf 'set p.b.k%d b%d\nset p.a.k%d a%d\n' $i $i $i $i >>"$tmp/in"
	i=$((i + 1))
done
stream
is_run 0 "" "" "200 new keys in two namespaces"
for n in a b; do
	run pd keys p.$n
	is_out "$(seq 100 199 | sed "s/^/p.$n.k/")" "p.$n holds its 100 keys"
done
run pd get p.a.k199
is_out "a199" "the last key of p.a, in the insert that spans both"
run pd get p.b.k100
is_out "b100" "the first key of p.b, in the insert that spans both"

done_testing
