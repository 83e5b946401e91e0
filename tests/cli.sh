#!/bin/sh
# cli.sh - whole-program tests of the command-line (argv) form.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/cli.sh
. "${top_srcdir:-.}/tests/tap.sh"

version=$(sed -n 's/^AC_INIT(\[prontodb\], \[\([^]]*\)\].*/\1/p' \
    "$top_srcdir/configure.ac")

# --- version and help ----------------------------------------------------
fresh
run pd version
is_run 0 "prontodb $version" "" "version"
run pd --version
is_out "prontodb $version" "--version prints the same as the version verb"
run pd -V
is_out "prontodb $version" "-V prints the same as the version verb"

run pd help get
is_rc 0 "help get exits 0"
head -n 1 "$tmp/out" >"$tmp/first"
run cat "$tmp/first"
is_out "usage: prontodb get ADDR ... [--include-expired] [--raw] [--default VALUE]" \
    "help get starts with the usage (tests/help.sh checks the rest)"
run pd help
missing=
for v in begin commit del delim exists get help keys rollback scan set \
    use version; do
	grep -q "^  $v " "$tmp/out" || missing="$missing $v"
done
is "$rc:$missing" "0:" "help exits 0 and lists every verb"
run pd help frob
is_run 64 "" "prontodb: unknown verb 'frob'" "help of an unknown verb"
run pd sett p.n.k v
is_run 64 "" "prontodb: unknown verb 'sett'; did you mean 'set'?" \
    "an unknown verb names the nearest one"
run pd meta
head -n 2 "$tmp/err" >"$tmp/head"
is "$rc:$(cat "$tmp/head")" "64:prontodb: 'meta' needs a verb:
  meta del ADDR NAME            delete a metakey" \
    "a group's word alone lists its verbs, though it is close to get"
run pd user
is "$rc:$(head -n 1 "$tmp/err")" "64:prontodb: 'user' needs a verb:" \
    "user alone lists the user verbs, though it is close to use"
run pd meta sett p.n.k a b
is_run 64 "" "prontodb: unknown verb 'meta sett'; did you mean 'meta set'?" \
    "a misspelt second word names the nearest verb of the group"
run pd --help
is_rc 0 "--help exits 0"
grep -q -e '--home DIR' "$tmp/out" && grep -q -e '--on-error' "$tmp/out"
is $? 0 "--help documents the global flags (--home, --on-error)"
ok "--help lists the verbs" grep -q '^  get ' "$tmp/out"

# --- set, get, del, exists -----------------------------------------------
fresh
run pd set p.n.k v
is_run 0 "" "" "set"
run pd get p.n.k
is_run 0 "v" "" "get after set"
run pd get p.n.nope
is_run 2 "" "prontodb: p.n.nope: not found" "get of a missing key"
run pd -q get p.n.nope
is_run 2 "" "" "-q get of a missing key"
run pd --quiet get p.n.nope
is_err "" "--quiet silences the miss note too"
run pd exists p.n.k
is_run 0 "" "" "exists of a present key"
run pd exists p.n.nope
is_run 2 "" "" "exists of a missing key (no note: the status is the answer)"
run pd del p.n.k
is_run 0 "" "" "del of a present key"
run pd get p.n.k
is_rc 2 "get after del misses"
run pd del p.n.k
is_run 2 "" "prontodb: p.n.k: not found" "del of a missing key"
run pd -q del p.n.k
is_err "" "-q del of a missing key is quiet"

# --- overwrite replaces --------------------------------------------------
fresh
pd set p.n.k old
run pd set p.n.k new
is_rc 0 "set over an existing key"
run pd get p.n.k
is_out "new" "get after overwrite prints the new value"
run pd scan
is_out "p.n.k=new" "scan after overwrite shows one row"
run pd keys
is "$(wc -l <"$tmp/out" | tr -d ' ')" 1 "keys after overwrite: no duplicate row"

# --- keys and scan: literal, case-sensitive prefixes ---------------------
fresh
for k in a_c abc 'a%c' A_c; do
	pd set "p.n.$k" "v$k"
done
pd set p.m.x 1
pd set q.n.y 2
run pd keys p.n.a_
is_run 0 "p.n.a_c" "" "keys p.n.a_: _ is not a wildcard"
run pd keys p.n.a%
is_out "p.n.a%c" "keys p.n.a%: % is not a wildcard"
run pd keys p.n.A
is_out "p.n.A_c" "keys p.n.A: prefixes are case-sensitive"
run pd keys p.n.a
is_out "p.n.a%c
p.n.a_c
p.n.abc" "keys p.n.a: byte order, upper case excluded"
run pd scan p.n.a_
is_run 0 "p.n.a_c=va_c" "" "scan p.n.a_ shows the value"
run pd keys
is_out "p.m.x
p.n.A_c
p.n.a%c
p.n.a_c
p.n.abc
q.n.y" "keys with no prefix lists everything"
run pd keys p.
is_out "p.m.x
p.n.A_c
p.n.a%c
p.n.a_c
p.n.abc" "keys p. lists one project"
run pd keys P
is_run 0 "" "" "keys P: no project matches in another case"
run pd keys p.n.zzz
is_run 0 "" "" "keys with no match is empty and succeeds"
run pd keys -p p -n n a
is_out "a%c
a_c
abc" "keys in a -p/-n scope prints names relative to it"

# --- addresses -----------------------------------------------------------
fresh
pd set p.n.k v
run pd -p p -n n get k
is_run 0 "v" "" "-p -n before the verb"
run pd get -p p -n n k
is_out "v" "-p -n after the verb"
run pd -p p -n n -k k get
is_out "v" "-p -n -k before the verb"
run pd get -p p -n n -k k
is_out "v" "-p -n -k after the verb"
run pd get --project p --namespace n --key k
is_out "v" "--project --namespace --key after the verb"
run pd --project=p --namespace=n get k
is_out "v" "--project=P --namespace=N before the verb"
run pd -p p get n.k
is_out "v" "-p alone: a namespace.key address is relative to the project"
run pd -p q get p.n.k
is_run 64 "" "prontodb: address 'p.n.k' names its own project, and so does -p: give one or the other" \
    "-p with a full address is an error, never ignored"
run pd set -p proj -n ns bad.key v
is_run 64 "" "prontodb: address 'bad.key' names its own namespace, and so does -n: give one or the other" \
    "-n with namespace.key is an error, never ignored"
run pd -p p -n n set k2 v2
run pd get p.n.k2
is_out "v2" "set with -p -n writes under the scope"

run pd --ns-delim : set a:b:c colon
is_rc 0 "--ns-delim : set"
run pd --ns-delim : get a:b:c
is_out "colon" "--ns-delim : get"
run pd get a.b.c
is_out "colon" "the delimiter changes the notation, not the key"
run pd --ns-delim : keys a:
is_out "a:b:c" "--ns-delim : keys prints names with the delimiter"
run pd --ns-delim : set -p a -n b -k x.y dotted
is_rc 0 "with --ns-delim :, a key may contain a dot"
run pd --ns-delim : get a:b:x.y
is_out "dotted" "get of a key that contains a dot"

run pd use p.n
is_run 0 "" "" "use from argv"
run pd delim :
is_run 0 "" "" "delim from argv"

# __context overlays
fresh
pd set p.n.host base
run pd get p.n.host__staging
is_run 0 "base" "" "get of an absent overlay falls back to the base key"
run pd exists p.n.host__staging
is_rc 0 "exists of an absent overlay falls back to the base key"
pd set p.n.host__staging over
run pd get p.n.host__staging
is_out "over" "get of a present overlay returns the overlay"
run pd get p.n.host
is_out "base" "the overlay leaves the base key alone"
run pd get p.n.nope__staging
is_run 2 "" "prontodb: p.n.nope__staging: not found" \
    "get of an overlay of a missing key"
run pd exists p.n.nope__staging
is_run 2 "" "" "exists of an overlay of a missing key"
run pd keys p.n
is_out "p.n.host
p.n.host__staging" "an overlay is its own key"

# Address and usage errors: one line, exit 64, nothing written.
fresh
run pd set a..b v
is_run 64 "" "prontodb: address 'a..b' has an empty part" "empty address part"
run pd set .n.k v
is_run 64 "" "prontodb: address '.n.k' has an empty part" \
    "empty leading address part"
run pd set a.b.c.d v
is_run 64 "" "prontodb: address 'a.b.c.d' has too many parts (at most project.namespace.key)" \
    "too many address parts"
run pd set -p p -n n -k a.b v
is_run 64 "" "prontodb: key 'a.b' contains the delimiter '.'" \
    "-k with the delimiter in the key"
run pd -p a.b -n n set k v
is_run 64 "" "prontodb: project 'a.b' contains the delimiter '.'" \
    "-p with the delimiter in the project"
run pd frob p.n.k
is_run 64 "" "prontodb: unknown verb 'frob'" "unknown verb"
run pd set p.n.k
is_run 64 "" "prontodb: wrong number of arguments for 'set' (usage: set ADDR VALUE [--ttl S] [--if-absent] [--if-version N])" \
    "set with too few arguments"
run pd exists p.n.k extra
is_run 64 "" "prontodb: wrong number of arguments for 'exists' (usage: exists ADDR)" \
    "exists with too many arguments"
run pd keys
is_run 0 "" "" "nothing was written by the failed commands"

run pd --bogus get p.n.k
is_run 64 "" "prontodb: unknown option '--bogus'
Try 'prontodb --help'." "unknown global option"
run pd --on-error=maybe get p.n.k
is_run 64 "" "prontodb: --on-error must be stop or continue, not 'maybe'
Try 'prontodb --help'." "bad --on-error value"
run pd --ns-delim ab get p.n.k
is_run 64 "" "prontodb: invalid delimiter 'ab': use one punctuation character other than _ \" ' # ; = { \\
Try 'prontodb --help'." "--ns-delim of two characters"
run pd --home
is_rc 64 "--home without a value"
run pd scan --bogus=1
is_run 64 "" "prontodb: unknown option '--bogus' for 'scan' (options: --meta, --project, --namespace)" \
    "unknown --option=value after the verb"
run pd keys --bogus
is_run 64 "" "prontodb: unknown option '--bogus' for 'keys' (options: --project, --namespace)" \
    "unknown --flag after the verb is an error, not a prefix"
run pd get p.n.k --bogus
is_run 64 "" "prontodb: unknown option '--bogus' for 'get' (options: --include-expired, --raw, --default, --project, --namespace, --key)" \
    "unknown --flag after get names the option"

# begin, commit and rollback typed alone
run pd commit
is_run 64 "" "prontodb: commit without begin" "commit from argv"
run pd rollback
is_run 64 "" "prontodb: rollback without begin" "rollback from argv"
run pd begin
is_run 64 "" "prontodb: begin without commit; rolled back" \
    "begin from argv (no meaningless stream position)"

# --- values: binary safety and quoting -----------------------------------
fresh
printf 'a\000b\377' >"$tmp/bin"
run pd set p.n.bin - <"$tmp/bin"
is_run 0 "" "" "set ADDR - reads the value from stdin"
run pd get --raw p.n.bin
is_out_file "$tmp/bin" "get --raw: NUL and 0xff round-trip byte for byte"
run pd get p.n.bin --raw
is_out_file "$tmp/bin" "--raw after the address works too"
run pd get p.n.bin
{ cat "$tmp/bin"; echo; } >"$tmp/binnl"
is_out_file "$tmp/binnl" "get without --raw adds one newline"

head -c 200000 /dev/urandom >"$tmp/big"
pd set p.n.big - <"$tmp/big"
run pd get --raw p.n.big
is_out_file "$tmp/big" "a 200000-byte binary value round-trips"

run pd set p.n.empty - </dev/null
is_rc 0 "set of an empty value from stdin"
run pd get --raw p.n.empty
is_run 0 "" "" "get --raw of an empty value: no output, exit 0 (not a miss)"
run pd get p.n.empty
printf '\n' >"$tmp/nl"
is_out_file "$tmp/nl" "get of an empty value prints an empty line"
pd set p.n.empty2 ''
run pd exists p.n.empty2
is_rc 0 "an empty value set from argv exists"

value='a "b" \c; #d {3}
e'
pd set p.n.q "$value"
run pd get p.n.q
is_out "$value" "quotes, backslash, ; # {N} and a newline survive argv"
pd set p.n.dash -- -v
run pd get p.n.dash
is_out "-v" "-- lets a value start with a dash"
run pd set p.n.dash2 -v
is_run 0 "" "" "-v after the verb is not --version ..."
run pd get p.n.dash2
is_out "-v" "... but data, as an undeclared -x is"
run pd -v
is_out "prontodb $version" "-v before a verb is the version, as upstream"
pd set 'p.n.two words' x
run pd keys 'p.n.two'
is_out "p.n.two words" "a key may contain a space"

# --- files ---------------------------------------------------------------
# made NAME FILE TEST: database NAME was made, as TEST says: the file FILE
# on SQLite; on a server (the setting server) the schema, which db list
# names, and neither FILE nor its directory: a name is no file there.
made() {
	if [ "$backend" = server ]; then
		ok "on a server: $3: db list names $1, no file" \
		    made_on_server "$1" "$2"
	else
		ok "$3" test -f "$2"
	fi
}
made_on_server() {
	pd db list | grep -qx "$1" && test ! -e "$2" && test ! -e "${2%/*}"
}
fresh
pd set p.n.k v
data=$home/.local/share/prontodb
made main "$data/main.db" \
    "the database is created at HOME/.local/share/prontodb/main.db"
if [ "$backend" = server ]; then
	ok "on a server: file modes do not apply: nothing is made under HOME" \
	    test ! -e "$home/.local"
else
	is "$(stat -c %a "$data/main.db")" 600 "main.db has mode 0600"
	is "$(stat -c %a "$home/.local" "$home/.local/share" "$data" | tr '\n' ' ')" \
	    "700 700 700 " "the data directories have mode 0700"
fi
pd -d other set p.n.k other
made other "$data/other.db" "-d NAME uses NAME.db in the data directory"
run pd -d other get p.n.k
is_out "other" "-d other reads other.db"
run pd --db=other get p.n.k
is_out "other" "--db=NAME works too"
run pd get p.n.k
is_out "v" "main.db is untouched by -d other"
env PRONTO_DB=envdb "$PRONTODB" --home "$home" set p.n.k env
made envdb "$data/envdb.db" "PRONTO_DB names the database"
run env PRONTO_DB=envdb "$PRONTODB" --home "$home" -d other get p.n.k
is_out "other" "-d beats PRONTO_DB"

fresh
run pd -d "$home/abs.db" set p.n.k abs
is_rc 0 "-d /abs/path.db: set"
is "$(stat -c %a "$home/abs.db")" 600 "-d /abs/path.db creates that file, mode 0600"
run pd -d "$home/abs.db" get p.n.k
is_out "abs" "-d /abs/path.db reads that file"
ok "-d /abs/path.db creates no data directory" test ! -e "$home/.local"
run pd -d "$home/nodir/x.db" get p.n.k
is_run 74 "" "prontodb: cannot create $home/nodir/x.db: No such file or directory" \
    "-d in a missing directory is an I/O error"
run pd -d '' get p.n.k
is_run 64 "" "prontodb: --db must be a database name or a path, not ''" "-d with an empty name"

fresh
run env PRONTO_HOME="$home" "$PRONTODB" set p.n.k ph
made main "$home/.local/share/prontodb/main.db" \
    "PRONTO_HOME relocates the data"
run env PRONTO_HOME="$home" "$PRONTODB" get p.n.k
is_out "ph" "PRONTO_HOME: get reads it back"
fresh
run env XDG_HOME="$home" "$PRONTODB" set p.n.k xh
made main "$home/.local/share/prontodb/main.db" "XDG_HOME relocates the data"
fresh
run env PRONTO_HOME="$home/ph" "$PRONTODB" --home "$home/flag" set p.n.k f
made main "$home/flag/.local/share/prontodb/main.db" \
    "--home beats PRONTO_HOME"
ok "--home beats PRONTO_HOME: nothing under PRONTO_HOME" test ! -e "$home/ph"
fresh
run env HOME="$home/hh" XDG_DATA_HOME="$home/xdg" "$PRONTODB" set p.n.k x
made main "$home/xdg/prontodb/main.db" \
    "XDG_DATA_HOME is honoured without a home override"
ok "XDG_DATA_HOME: nothing under HOME/.local" test ! -e "$home/hh/.local"
if [ "$backend" = server ]; then
	ok "on a server: file modes do not apply: no XDG_DATA_HOME/prontodb" \
	    test ! -e "$home/xdg"
else
	is "$(stat -c %a "$home/xdg/prontodb")" 700 \
	    "the XDG_DATA_HOME/prontodb directory has mode 0700"
fi
run env HOME="$home/hh" XDG_DATA_HOME="$home/xdg" "$PRONTODB" get p.n.k
is_out "x" "XDG_DATA_HOME: get reads it back"
run env HOME="$home/hh" XDG_DATA_HOME="$home/xdg" "$PRONTODB" \
    --home "$home/flag" get p.n.k
if [ "$backend" = server ]; then
	# The names are the server's, wherever the home is.
	is_run 0 "x" "" "on a server: --home moves no data: the key is still read"
else
	is_rc 2 "--home overrides XDG_DATA_HOME"
fi

# --- a stdout that cannot be written -------------------------------------
fresh
pd set p.n.k v
full="prontodb: cannot write to standard output: No space left on device"
pd scan >/dev/full 2>"$tmp/err"
rc=$?
: >"$tmp/out"
is_run 74 "" "$full" "scan > /dev/full exits 74 and says why"
pd get p.n.k >/dev/full 2>"$tmp/err"
rc=$?
is_run 74 "" "$full" "get > /dev/full exits 74 and says why"
pd help >/dev/full 2>"$tmp/err"
rc=$?
is_run 74 "" "$full" "help > /dev/full exits 74 and says why"
pd get p.n.k >&- 2>"$tmp/err"
rc=$?
is_run 74 "" "prontodb: cannot write to standard output: Bad file descriptor" \
    "get with stdout closed exits 74"
pd set p.n.k2 v >/dev/full 2>"$tmp/err"
rc=$?
is_run 0 "" "" "set > /dev/full writes nothing to stdout and succeeds"

done_testing
