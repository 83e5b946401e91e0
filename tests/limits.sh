#!/bin/sh
# limits.sh - bad input at its limits: numbers out of range are refused
# with the option and the range (never clamped), a huge or unprintable word
# is echoed as one short line, import --tsv refuses an escape it does not
# know, and a scope with an empty part says so.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/limits.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_BUSY_TIMEOUT_MS PRONTO_ON_ERROR PRONTO_DURABILITY

big=99999999999999999999
ranges="from 0 to 9223372036854775807"
dur="a duration from 1ms to 366000d (seconds, or 1500ms, 90s, 30m, 2h, 1d)"

# --- numbers: every option, out of range, typed and streamed --------------
fresh
pd cache create c.t --ttl 60 --max_items 3
run pd cache create c.u --ttl 60 --max_items $big
is_run 64 "" "prontodb: max_items must be a number of keys $ranges, not '$big'" \
    "cache create max_items past 2^63-1 is refused, not clamped"
run pd cache list
is_out "c.t 60000 3" "... and no cache was made"
run pd cache create c.u ttl=60 max_items=-1
is_run 64 "" "prontodb: max_items must be a number of keys $ranges, not '-1'" \
    "a negative max_items is refused"
run pd cache set c.t max_items=$big
is_run 64 "" "prontodb: max_items must be a number of keys $ranges, not '$big'" \
    "cache set max_items past 2^63-1 is refused"
run pd cache list
is_out "c.t 60000 3" "... and the policy is unchanged"
printf 'cache set c.t max_items=9223372036854775808\n' >"$tmp/in"
run pd -f "$tmp/in"
is_run 65 "" "prontodb: $tmp/in:1:15: max_items must be a number of keys $ranges, not '9223372036854775808'
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "in a stream: status 65, and the option's position"
run pd cache set c.t max_items=9223372036854775807
is_run 0 "" "" "the largest max_items is taken"

run pd set c.t.k v ttl=$big
is_run 64 "" "prontodb: ttl must be $dur, not '$big'" \
    "set ttl= past the range is refused"
run pd set c.t.k v --ttl 366001d
is_run 64 "" "prontodb: ttl must be $dur, not '366001d'" \
    "set --ttl of more than 366000 days is refused"
run pd set c.t.k v --ttl 1.0005
is_run 64 "" "prontodb: ttl must be $dur, not '1.0005'" \
    "a fourth decimal is refused, not dropped"
run pd get c.t.k
is_rc 2 "... and nothing was written"
run pd incr c.t.n --ttl -5
is_run 64 "" "prontodb: ttl must be $dur, not '-5'" "incr --ttl -5 is refused"
run pd create-cache c.v $big
is_run 64 "" "prontodb: timeout must be $dur, not '$big'" \
    "create-cache P.N SECONDS past the range is refused"
run pd cache create c.v timeout=0
is_run 64 "" "prontodb: timeout must be $dur, not '0'" "timeout=0 is refused"
pd set c.t.k v
run pd expire c.t.k 366000.001d
is_run 64 "" "prontodb: the expiry must be $dur, not '366000.001d'" \
    "expire past the range is refused"
printf 'use c.t\nmeta:ttl=%s;\n' "$big" >"$tmp/in"
run pd -f "$tmp/in"
is_run 65 "" "prontodb: $tmp/in:2:10: meta:ttl must be $dur, not '$big'
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "meta:ttl past the range is refused"

run pd set c.t.k w if-version=$big
is_run 64 "" "prontodb: if-version must be an integer from 1 to 9223372036854775807, not '$big'" \
    "if-version past 2^63-1 is refused"
run pd get c.t.k
is_out "v" "... and the value is unchanged"
run pd incr c.t.n -9223372036854775809
is_run 64 "" "prontodb: increment must be an integer from -9223372036854775808 to 9223372036854775807, not '-9223372036854775809'" \
    "an increment below -2^63 is refused"
run pd incr c.t.n -9223372036854775808
is_run 0 "-9223372036854775808" "" "the smallest increment is taken"
run pd incr c.t.n ' 1'
is_run 64 "" "prontodb: increment must be an integer from -9223372036854775808 to 9223372036854775807, not ' 1'" \
    "a blank before a number is refused"

# Settings: the config file, the environment and config set.
run env PRONTO_BUSY_TIMEOUT_MS=2147483648 "$PRONTODB" --home "$home" get c.t.k
is_run 64 "" "prontodb: PRONTO_BUSY_TIMEOUT_MS must be a number of milliseconds from 0 to 2147483647, not '2147483648'" \
    "PRONTO_BUSY_TIMEOUT_MS past an int is refused"
run pd config set busy_timeout_ms $big
is_run 64 "" "prontodb: busy_timeout_ms must be a number of milliseconds from 0 to 2147483647, not '$big'" \
    "config set busy_timeout_ms past an int is refused"
mkdir -p "$home/.config/prontodb"
printf 'busy_timeout_ms = 2147483647\n' >"$home/.config/prontodb/config"
run pd config get busy_timeout_ms
is_run 0 "2147483647" "" "the largest busy_timeout_ms is taken"
printf 'busy_timeout_ms = +5\n' >"$home/.config/prontodb/config"
run pd get c.t.k
is_run 64 "" "prontodb: $home/.config/prontodb/config:1: busy_timeout_ms must be a number of milliseconds from 0 to 2147483647, not '+5'" \
    "a signed busy_timeout_ms in the config file is refused"
rm "$home/.config/prontodb/config"
run pd --now-ms $big get c.t.k
is_run 64 "" "prontodb: --now-ms must be a number of milliseconds since the epoch from 0 to 253402300799999, not '$big'
Try 'prontodb --help'." "--now-ms past the year 9999 is refused"

# import --tsv: expires_at is a number too.
printf 'i.n.a\tA\t\t{}\ni.n.b\tB\t%s\t{}\n' "$big" >"$tmp/rows.tsv"
run pd import --tsv "$tmp/rows.tsv"
is_run 64 "" "prontodb: $tmp/rows.tsv:2: expires_at must be a number of milliseconds since the epoch $ranges, not '$big'" \
    "import --tsv refuses an expires_at past 2^63-1"
run pd get i.n.a
is_rc 2 "... and imports nothing"

# --- import --tsv: an escape it does not know ------------------------------
printf 'i.n.a\tA\t\t{}\ni.n.b\tx\\qy\t\t{}\n' >"$tmp/rows.tsv"
run pd import --tsv "$tmp/rows.tsv"
is_run 64 "" "prontodb: $tmp/rows.tsv:2:8: invalid escape '\\q' (TSV has \\t, \\n, \\r and \\\\)" \
    "import --tsv refuses x\\qy with file:line:col"
run pd get i.n.a
is_rc 2 "... and imports nothing, not even the good row before it"
printf 'i.n.a\tA\\\t\t{}\n' >"$tmp/rows.tsv"
run pd import --tsv "$tmp/rows.tsv"
is_run 64 "" "prontodb: $tmp/rows.tsv:1:8: invalid escape '\\' (TSV has \\t, \\n, \\r and \\\\)" \
    "a backslash at the end of a field is refused"
printf 'i.n.a\tA\t\t{}\n' >"$tmp/rows.tsv"
printf 'import %s tsv\n' "$tmp/rows.tsv" >"$tmp/in"
printf 'i.n.b\tB\\x\t\t{}\n' >>"$tmp/rows.tsv"
run pd -f "$tmp/in"
is_run 65 "" "prontodb: $tmp/in:1:1: $tmp/rows.tsv:2:8: invalid escape '\\x' (TSV has \\t, \\n, \\r and \\\\)
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "in a stream the import fails with status 65"
printf 'i.n.a\tt\\tn\\nr\\rb\\\\\t\t{}\n' >"$tmp/rows.tsv"
run pd import --tsv "$tmp/rows.tsv"
is_rc 0 "the four escapes export writes still import"
run pd get i.n.a
printf 't\tn\nr\rb\\\n' >"$tmp/want"
is_out_file "$tmp/want" "... as tab, newline, carriage return and backslash"

# --- use: an empty part ----------------------------------------------------
printf 'use a..b\nuse .b\nuse a.b.c\nuse a.b\nset k v\n' >"$tmp/in"
run pd -f "$tmp/in"
is_run 65 "" "prontodb: $tmp/in:1:5: scope 'a..b' has an empty part
prontodb: $tmp/in:2:5: scope '.b' has an empty part
prontodb: $tmp/in:3:5: scope 'a.b.c' has too many parts (at most project.namespace)
prontodb: 5 statements, 2 ok, 3 failed, 0 rolled back" \
    "use a..b says it has an empty part, as an address would"
run pd get a.b.k
is_out "v" "a good use after bad ones sets the scope"

# --- echoed words are cut and escaped --------------------------------------
x64=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# A 50 MB unknown verb: one short line, not 50 MB on stderr.
head -c 50000000 /dev/zero | tr '\0' x >"$tmp/big.pds"
echo >>"$tmp/big.pds"
run pd -f "$tmp/big.pds"
is_run 65 "" "prontodb: $tmp/big.pds:1:1: unknown verb '$x64...'
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "a 50 MB unknown verb makes one short line"
rm "$tmp/big.pds"
long=$(head -c 100000 /dev/zero | tr '\0' x)
run pd "$long"
is_run 64 "" "prontodb: unknown verb '$x64...'" \
    "so does a 100 kB unknown verb typed on the command line"
run pd get a.b.k "--$long"
is_run 64 "" "prontodb: unknown option '--$x64...' for 'get' (options: --include-expired, --raw, --default, --project, --namespace, --key)" \
    "and a 100 kB unknown option"
run pd get "a.b.$long"
is_run 2 "" "prontodb: a.b.${x64%????}...: not found" \
    "a miss names a long address cut to 64 bytes"
printf '"sett\\e[31m\\r"\n' | sed 's/\\e/\\x1b/' >"$tmp/in"
run pd -f "$tmp/in"
is_run 65 "" "prontodb: $tmp/in:1:1: unknown verb 'sett\\x1b[31m\\r'
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "control bytes in an echoed word are escaped, not sent to the terminal"
run pd set "a.b.$long" v if-version=x
is_run 64 "" "prontodb: if-version must be an integer from 1 to 9223372036854775807, not 'x'" \
    "a bad number is echoed as typed when short"
run pd cache create c.w ttl=60 max_items="$long"
is_run 64 "" "prontodb: max_items must be a number of keys $ranges, not '$x64...'" \
    "and cut when long"
run env PRONTO_OUTPUT="$long" "$PRONTODB" --home "$home" get a.b.k
is_run 64 "" "prontodb: PRONTO_OUTPUT must be text, json or tsv, not '$x64...'" \
    "a long bad setting is cut"

done_testing
