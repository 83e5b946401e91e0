#!/bin/sh
# export.sh - export writes a stream that recreates the store exactly;
# export -> import -> export gives byte-identical exports.
. "$top_srcdir/tests/tap.sh"

T=1800000000000
# at HOME ARGS: prontodb in HOME (on a server, under HOME's own prefix, as
# the names of each home are files of its own on SQLite).
at() {
	h=$1
	shift
	if [ "$backend" = server ]; then
		PRONTO_SERVER=$(home_server "$h") "$PRONTODB" --home "$h" \
		    --now-ms "$T" "$@"
	else
		"$PRONTODB" --home "$h" --now-ms "$T" "$@"
	fi
}

fresh
src=$home
at "$src" set a.b.text "héllo, wörld ✓"
printf 'x\000y\377' | at "$src" set a.b.bin -
at "$src" set a.b.empty ""
printf 'tab\there\nnew\rline\\ "quoted" {3}\n' | at "$src" set a.b.ctl -
at "$src" set a.b.host db1
at "$src" set a.b.host__staging db-stg
at "$src" --ns-delim : set p:q:has.dot v
at "$src" meta set a.b.text owner "ops team"
printf 'bin\000meta' | at "$src" meta set a.b.bin blob -
at "$src" project create lone --description "no namespaces yet"
at "$src" table create hot
at "$src" ns create a.hot --table hot --description "hot keys"
at "$src" set a.hot.k v
at "$src" cache create t.c --ttl 100 --max_items 5
at "$src" set t.c.k 1
at "$src" set t.c.short 2 --ttl 1.5
at "$src" set a.b.temp x
at "$src" expire a.b.temp 30
head -c 10485760 /dev/urandom >"$tmp/big"
at "$src" set a.b.huge - <"$tmp/big"

run at "$src" export
is_rc 0 "export succeeds"
cp "$tmp/out" "$tmp/e1"
run head -n 3 "$tmp/e1"
is_out "# prontodb export, 2027-01-15T08:00:00.000Z
delim \":\"
begin" "the export picks a delimiter no name contains, in one block"

fresh
dst=$home
run at "$dst" -f "$tmp/e1"
is_run 0 "" "" "the export imports into an empty database"
run at "$dst" export
cp "$tmp/out" "$tmp/e2"
cmp -s "$tmp/e1" "$tmp/e2"
is $? 0 "export -> import -> export is byte-identical"

run at "$dst" get a.b.huge --raw
cmp -s "$tmp/out" "$tmp/big"
is $? 0 "a 10 MB random value survives byte for byte"
run at "$dst" get a.b.bin --raw
printf 'x\000y\377' >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want"
is $? 0 "a binary value with NUL and 0xff survives"
run at "$dst" get a.b.ctl --raw
printf 'tab\there\nnew\rline\\ "quoted" {3}\n' >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want"
is $? 0 "control characters, quotes and braces survive"
run at "$dst" get a.b.empty --raw
is_out "" "an empty value survives"
run at "$dst" get a.b.text
is_out "héllo, wörld ✓" "unicode survives"
run at "$dst" get a.b.host__staging
is_out "db-stg" "a context overlay survives"
run at "$dst" --ns-delim : get p:q:has.dot
is_out "v" "a key holding the default delimiter survives"
run at "$dst" meta get a.b.text owner
is_out "ops team" "metakeys survive"
run at "$dst" ttl t.c.short
is_out "1500" "remaining TTLs survive"
run at "$dst" ttl a.b.temp
is_out "30000" "an expiry set on a standard namespace survives"
run at "$dst" ttl t.c.k
is_out "100000" "TTL keys keep their expiry"
run at "$dst" ns describe t.c
grep -E '^(kind|ttl_ms|max_items)' "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "kind         ttl
ttl_ms       100000
max_items    5" "namespace kinds and policies survive"
run at "$dst" ns describe a.hot
grep -E '^(table|description)' "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "description  hot keys
table        hot" "table mappings and descriptions survive"
run at "$dst" project describe lone
grep '^description' "$tmp/out" >"$tmp/d"
run cat "$tmp/d"
is_out "description  no namespaces yet" "empty projects survive"

# A prefix exports a part of the store.
run at "$src" export a.b.ho
grep -a '^set' "$tmp/out" >"$tmp/s"
run cat "$tmp/s"
is_out 'set "a:b:host" {3}
set "a:b:host__staging" {6}' "export PREFIX exports the keys under it"

# --- TSV ------------------------------------------------------------------
run at "$src" export --tsv
is_run 64 "" "prontodb: 'p' / 'q' / 'has.dot' holds the delimiter '.': export --tsv with another --ns-delim" \
    "export --tsv refuses a name holding the delimiter"
run at "$src" --ns-delim : export --tsv
is_rc 0 "export --tsv with another delimiter"
cp "$tmp/out" "$tmp/t1"
grep -a '^a:b:text	' "$tmp/t1" >"$tmp/row"
run cat "$tmp/row"
is_out 'a:b:text	héllo, wörld ✓		{"owner":"ops team"}' \
    "a TSV row: address, value, expires_at, metakeys"
grep -a '^t:c:short	' "$tmp/t1" | cut -f3 >"$tmp/row"
run cat "$tmp/row"
is_out "$((T + 1500))" "expires_at is absolute milliseconds"
fresh
run at "$home" --ns-delim : import --tsv "$tmp/t1"
is_run 0 "" "" "import --tsv"
run at "$home" --ns-delim : export --tsv
cmp -s "$tmp/out" "$tmp/t1"
is $? 0 "export --tsv -> import --tsv -> export --tsv is identical"
run at "$home" get a.b.huge --raw
cmp -s "$tmp/out" "$tmp/big"
is $? 0 "the 10 MB value survives TSV"
run at "$home" get a.b.ctl --raw
printf 'tab\there\nnew\rline\\ "quoted" {3}\n' >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want"
is $? 0 "tab, newline, CR and backslash survive TSV"
run at "$home" meta get a.b.bin blob --raw
run at "$home" --ns-delim : import --tsv --into x:y "$tmp/t1"
is_rc 0 "import --tsv --into remaps project and namespace"
run at "$home" get x.y.text
is_out "héllo, wörld ✓" "a remapped key"
printf 'p.n.k\tv\n' >"$tmp/bad.tsv"
run at "$home" import --tsv "$tmp/bad.tsv"
is_run 64 "" "prontodb: $tmp/bad.tsv:1: expected 4 tab-separated columns (address, value, expires_at, metakeys)" \
    "a short row is an error naming file and line"
printf 'p.n.ok\tv\t\t{}\np..bad\tv\t\t{}\n' >"$tmp/bad.tsv"
run at "$home" import --tsv "$tmp/bad.tsv"
is_rc 64 "a bad address fails the import..."
run at "$home" get p.n.ok
is_rc 2 "... and nothing of it is written"

# --- verify ---------------------------------------------------------------
run at "$dst" verify "$tmp/e1"
is_run 0 "" "" "verify: a database and its own export do not differ"
# The other database: its file, or on a server its schema, by its URL.
other=$dst/.local/share/prontodb/main.db
on=
if [ "$backend" = server ]; then
	other=$(home_server "$dst")main
	on="on a server: "
fi
run at "$src" verify "$other"
is_run 0 "" "" "${on}verify: two databases with the same data"
at "$dst" set a.b.text changed
at "$dst" set a.b.extra 1
at "$dst" meta del a.b.bin blob
run at "$src" verify "$other"
is_run 1 "metakeys a.b.bin
only-there a.b.extra
value a.b.text" "prontodb: 3 differences" \
    "${on}verify reports every difference, and exits 1"

# --- names holding the stream's own syntax --------------------------------
# A space, ';', '#', '"', '\' and "'" in project, namespace and key names
# (and values) survive export -> import -> export.
fresh
names=$home
at "$names" set 'a b;c.d#e"f.g\h'"'"'i j' 'v a;l#u"e\'"'"
at "$names" set 'p q.r;s.t#u' 1
at "$names" set 'x"y.z\w.q'"'"'k' 2
at "$names" export >"$tmp/n1"
fresh
run at "$home" -f "$tmp/n1"
is_run 0 "" "" "names with a space, ; # \" \\ and ': the export imports"
run at "$home" keys
is_out 'a b;c.d#e"f.g\h'"'"'i j
p q.r;s.t#u
x"y.z\w.q'"'"'k' "every name comes back as it was"
run at "$home" get 'a b;c.d#e"f.g\h'"'"'i j'
is_out 'v a;l#u"e\'"'" "and so does the value"
at "$home" export >"$tmp/n2"
cmp -s "$tmp/n1" "$tmp/n2"
is $? 0 "export -> import -> export of those names is byte-identical"

# A project without namespaces names no key, but its create statement
# holds the delimiter too: one in its name makes the export pick another.
fresh
at "$home" --ns-delim : project create dotted.name
at "$home" set a.b.k v
run at "$home" export
sed -n 2p "$tmp/out" >"$tmp/d"
cp "$tmp/out" "$tmp/p1"
run cat "$tmp/d"
is_out 'delim ":"' "a project name holding '.' makes the export pick ':'"
fresh
run at "$home" -f "$tmp/p1"
is_run 0 "" "" "and the export of that project imports"
run at "$home" projects
is_out "a
dotted.name" "with the project's name whole"

# Metakeys of many keys, some expired, come under their own keys.
fresh
i=0
while [ $i -lt 30 ]; do
	echo "set m.n.k$i v$i"
	[ $((i % 3)) = 0 ] && echo "meta set m.n.k$i owner o$i"
	[ $((i % 5)) = 0 ] && echo "meta set m.n.k$i a-first x$i"
	i=$((i + 1))
done | at "$home"
at "$home" expire m.n.k3 1
"$PRONTODB" --home "$home" --now-ms $((T + 2000)) export | grep -a -A1 '^meta set' |
    grep -a -v '^--' >"$tmp/m"
run sed -n '1,4p;$p' "$tmp/m"
is_out 'meta set "m.n.k0" "a-first" {2}
x0
meta set "m.n.k0" "owner" {2}
o0
o9' "each key's metakeys follow it, in name order; an expired key's go with it"
run grep -c '^meta set' "$tmp/m"
is_out 15 "every metakey of a live key, once"

done_testing
