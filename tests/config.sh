#!/bin/sh
# config.sh - whole-program tests of settings and cursors: the config file,
# the precedence flag > environment > cursor > config file > default, the
# config verbs, --select, --cursor and the cursor verbs.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/config.sh
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_NS_DELIM PRONTO_BUSY_TIMEOUT_MS PRONTO_ON_ERROR PRONTO_PASS \
    PRONTO_API_KEY

# cfg: the default config file of the current home.
cfgdir() {
	echo "$home/.config/prontodb"
}
write_cfg() {
	mkdir -p "$(cfgdir)"
	printf '%s\n' "$@" >"$(cfgdir)/config"
}
# value KEY: what `config list` says about KEY, "VALUE (ORIGIN)".
value() {
	pd config list | sed -n "s/^$1 = //p"
}

me=${USER:-$(id -un)}
# server_line: config list's last line in this home: the setting server
# is the default, empty, except on a server, where the test harness sets
# PRONTO_SERVER (a URL without a password, shown as it is).
server_line() {
	if [ "$backend" = server ]; then
		echo "server = $PRONTO_SERVER (env PRONTO_SERVER)"
	else
		echo "server =  (default)"
	fi
}

# --- defaults, and no config file at all ---------------------------------
fresh
run pd config list
is_run 0 "database = main (default)
ns_delim = . (default)
security = optional (default)
busy_timeout_ms = 5000 (default)
output = text (default)
on_error = continue (default)
durability = normal (default)
changes_keep = 100000 (default)
changes_max_age = 24h (default)
$(server_line)" "" "config list without a config file: every default"
ok "a missing config file is not created by reading" test ! -e "$(cfgdir)"
run pd config get busy_timeout_ms
is_run 0 "5000" "" "config get of a default"
run env PRONTO_SERVER='postgresql://ann:hunter2@db/app?password=x2&sslmode=require#t_' \
    "$PRONTODB" --home "$home" config list
is "$(tail -n 1 "$tmp/out") $rc" "server = postgresql://ann@db/app?sslmode=require#t_ (env PRONTO_SERVER) 0" \
    "config list shows a server URL without its passwords"
run env PRONTO_SERVER='postgresql://ann:hunter2@db/app#t_' "$PRONTODB" \
    --home "$home" config get server
is_run 0 "postgresql://ann@db/app#t_" "" "... and so does config get"
run env PRONTO_SERVER='http://db/app' "$PRONTODB" --home "$home" config list
is_run 64 "" "prontodb: PRONTO_SERVER must be a postgres:// or postgresql:// URL" \
    "PRONTO_SERVER that is no URL is a usage error naming it"
run pd config get colour
is_run 64 "" "prontodb: unknown key 'colour' (see 'config list')" \
    "config get of an unknown key"

# --- the precedence matrix, key by key -----------------------------------
# database: --db > --select > PRONTO_DB > cursor > config > default
fresh
for db in cfgdb envdb flagdb curdb seldb; do
	pd -d "$db" set p.n.k "$db"
done
run pd get p.n.k
is_run 2 "" "prontodb: p.n.k: not found" "database: default main"
write_cfg "database = cfgdb"
run pd get p.n.k
is_out "cfgdb" "database: config beats the default"
is "$(value database)" "cfgdb (config)" "database: config list names the config"
pd cursor set default db=curdb
run pd get p.n.k
is_out "curdb" "database: the cursor beats the config"
is "$(value database)" "curdb (cursor default)" "database: origin cursor"
run env PRONTO_DB=envdb "$PRONTODB" --home "$home" get p.n.k
is_out "envdb" "database: PRONTO_DB beats the cursor"
run env PRONTO_DB=envdb "$PRONTODB" --home "$home" config get database
is_out "envdb" "database: config get shows the effective value"
run env PRONTO_DB=envdb "$PRONTODB" --home "$home" --select seldb get p.n.k
is_out "seldb" "database: --select beats PRONTO_DB"
pd cursor set default db=curdb
run env PRONTO_DB=envdb "$PRONTODB" --home "$home" -d flagdb get p.n.k
is_out "flagdb" "database: --db beats PRONTO_DB"
run env PRONTO_DB=envdb "$PRONTODB" --home "$home" -d flagdb config list
grep -q '^database = flagdb (flag --db)$' "$tmp/out"
is $? 0 "database: origin flag --db"
run env PRONTO_DB= "$PRONTODB" --home "$home" get p.n.k
is_out "curdb" "database: an empty PRONTO_DB is unset"
run env PRONTO_DB=.bad "$PRONTODB" --home "$home" get p.n.k
is_run 64 "" "prontodb: PRONTO_DB must be a database name or a path, not '.bad'" \
    "database: a bad PRONTO_DB is a usage error"

# ns_delim: --ns-delim > PRONTO_NS_DELIM > config > default
fresh
pd set a.b.c v
run pd get a.b.c
is_run 0 "v" "" "ns_delim: default ."
write_cfg "ns_delim = :"
run pd get a:b:c
is_out "v" "ns_delim: config beats the default"
is "$(value ns_delim)" ": (config)" "ns_delim: config list names the config"
run env PRONTO_NS_DELIM=/ "$PRONTODB" --home "$home" get a/b/c
is_out "v" "ns_delim: PRONTO_NS_DELIM beats the config"
run env PRONTO_NS_DELIM=/ "$PRONTODB" --home "$home" config get ns_delim
is_out "/" "ns_delim: config get shows the environment's value"
run env PRONTO_NS_DELIM=/ "$PRONTODB" --home "$home" --ns-delim , get a,b,c
is_out "v" "ns_delim: --ns-delim beats PRONTO_NS_DELIM"
run env PRONTO_NS_DELIM=/ "$PRONTODB" --home "$home" --ns-delim , config list
grep -q '^ns_delim = , (flag --ns-delim)$' "$tmp/out"
is $? 0 "ns_delim: origin flag --ns-delim"
run env PRONTO_NS_DELIM=ab "$PRONTODB" --home "$home" get a:b:c
is_run 64 "" "prontodb: PRONTO_NS_DELIM: invalid delimiter 'ab': use one punctuation character other than _ \" ' # ; = { \\" \
    "ns_delim: a bad PRONTO_NS_DELIM is a usage error"
printf 'get c\n' | pd -p a -n b >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 0 "v" "" "ns_delim: a stream's -p/-n are checked with the config's delimiter"

# security: PRONTO_SECURITY > config > default (no flag)
fresh
pd set p.n.k v
write_cfg "security = required"
run pd get p.n.k
is_rc 77 "security: config required needs authentication"
is "$(value security)" "required (config)" "security: config list names the config"
run env PRONTO_SECURITY=optional "$PRONTODB" --home "$home" get p.n.k
is_run 0 "v" "" "security: PRONTO_SECURITY=optional beats the config"
write_cfg "security = optional"
run env PRONTO_SECURITY=required "$PRONTODB" --home "$home" get p.n.k
is_rc 77 "security: PRONTO_SECURITY=required beats the config"
run env PRONTO_SECURITY=required "$PRONTODB" --home "$home" config get security
is_run 0 "required" "" "security: config verbs need no authentication"

# busy_timeout_ms: PRONTO_BUSY_TIMEOUT_MS > config > default (no flag)
fresh
is "$(value busy_timeout_ms)" "5000 (default)" "busy_timeout_ms: default 5000"
write_cfg "busy_timeout_ms = 250"
is "$(value busy_timeout_ms)" "250 (config)" "busy_timeout_ms: config beats the default"
run env PRONTO_BUSY_TIMEOUT_MS=0 "$PRONTODB" --home "$home" config list
grep -q '^busy_timeout_ms = 0 (env PRONTO_BUSY_TIMEOUT_MS)$' "$tmp/out"
is $? 0 "busy_timeout_ms: PRONTO_BUSY_TIMEOUT_MS beats the config"
run env PRONTO_BUSY_TIMEOUT_MS=-1 "$PRONTODB" --home "$home" config list
is_run 64 "" "prontodb: PRONTO_BUSY_TIMEOUT_MS must be a number of milliseconds from 0 to 2147483647, not '-1'" \
    "busy_timeout_ms: a negative PRONTO_BUSY_TIMEOUT_MS is a usage error"
run env PRONTO_BUSY_TIMEOUT_MS=99999999999 "$PRONTODB" --home "$home" config list
is_rc 64 "busy_timeout_ms: too large a number is a usage error"

# output: flag > PRONTO_OUTPUT > config > default
fresh
pd set p.n.k v
write_cfg "output = text"
is "$(value output)" "text (config)" "output: text in the config"
write_cfg "output = json"
run pd get p.n.k
is_run 0 '{"address":"p.n.k","value":"v","revision":1}' "" "output: json in the config prints JSON Lines"
run env PRONTO_OUTPUT=tsv "$PRONTODB" --home "$home" get p.n.k
is_run 0 "p.n.k	v" "" "output: PRONTO_OUTPUT beats the config"
run env PRONTO_OUTPUT=tsv "$PRONTODB" --home "$home" --json get p.n.k
is_run 0 '{"address":"p.n.k","value":"v","revision":1}' "" "output: --json beats PRONTO_OUTPUT"
write_cfg "output = xml"
run pd get p.n.k
is_run 64 "" "prontodb: $(cfgdir)/config:1: output must be text, json or tsv, not 'xml'" \
    "output: an unknown format is a bad value"

# on_error: --on-error > PRONTO_ON_ERROR > config > default
fresh
stream='frob
set p.n.k v'
printf '%s\n' "$stream" | pd >/dev/null 2>&1
run pd get p.n.k
is_run 0 "v" "" "on_error: default continue runs past an error"
fresh
write_cfg "on_error = stop"
printf '%s\n' "$stream" | pd >/dev/null 2>&1
run pd get p.n.k
is_rc 2 "on_error: config stop stops at the first error"
printf '%s\n' "$stream" |
    PRONTO_ON_ERROR=continue "$PRONTODB" --home "$home" >/dev/null 2>&1
run pd get p.n.k
is_rc 0 "on_error: PRONTO_ON_ERROR=continue beats the config"
fresh
printf '%s\n' "$stream" | PRONTO_ON_ERROR=continue "$PRONTODB" --home "$home" \
    --on-error=stop >/dev/null 2>&1
run pd get p.n.k
is_rc 2 "on_error: --on-error=stop beats PRONTO_ON_ERROR"
run env PRONTO_ON_ERROR=maybe "$PRONTODB" --home "$home" config list
is_run 64 "" "prontodb: PRONTO_ON_ERROR must be stop or continue, not 'maybe'" \
    "on_error: a bad PRONTO_ON_ERROR is a usage error"

# --- bad config files ----------------------------------------------------
fresh
write_cfg "# settings" "" "colour = red"
run pd get p.n.k
is_run 64 "" "prontodb: $(cfgdir)/config:3: unknown key 'colour'" \
    "an unknown key names the file and line"
write_cfg "ns_delim = :" "security = maybe"
run pd get p.n.k
is_run 64 "" "prontodb: $(cfgdir)/config:2: security must be required or optional, not 'maybe'" \
    "a bad value names the file and line"
write_cfg "ns_delim"
run pd get p.n.k
is_run 64 "" "prontodb: $(cfgdir)/config:1: expected 'key = value'" \
    "a line without '=' names the file and line"
write_cfg "= x"
run pd get p.n.k
is_rc 64 "a line without a key is an error"
write_cfg "ns_delim = ab"
run pd get p.n.k
is_run 64 "" "prontodb: $(cfgdir)/config:1: ns_delim: invalid delimiter 'ab': use one punctuation character other than _ \" ' # ; = { \\" \
    "a bad ns_delim names the file and line"
write_cfg "busy_timeout_ms = soon"
run pd get p.n.k
is_rc 64 "a bad busy_timeout_ms is an error"
write_cfg "on_error = never"
run pd get p.n.k
is_rc 64 "a bad on_error is an error"
write_cfg "database = "
run pd get p.n.k
is_rc 64 "an empty database is an error"
write_cfg "Database = main"
run pd get p.n.k
is_rc 64 "keys are case-sensitive"
run pd version
is_rc 0 "version works whatever the config says"
run pd help
is_rc 0 "help works whatever the config says"
write_cfg "  # indented comment" "" "	ns_delim	=	:	" \
    "ns_delim = /" "database = a#b"
run pd config list
grep -q '^ns_delim = / (config)$' "$tmp/out" &&
    grep -q '^database = a#b (config)$' "$tmp/out"
is $? 0 "white space is trimmed, the last line wins, # inside a value is kept"
printf 'ns_delim = :\r\n' >"$(cfgdir)/config"
run pd config get ns_delim
is_out ":" "a CRLF config file is read"

# --- config set, get, unset, list ----------------------------------------
fresh
mkdir -p "$(cfgdir)"
cat >"$(cfgdir)/config" <<'CFG'
# my settings
ns_delim = :

# the timeout
busy_timeout_ms = 100   
on_error = stop
CFG
chmod 644 "$(cfgdir)/config"
run pd config set busy_timeout_ms 250
is_run 0 "" "" "config set of a key in the file"
run pd config set security required
is_run 0 "" "" "config set of a key not in the file"
cat >"$tmp/want.cfg" <<'CFG'
# my settings
ns_delim = :

# the timeout
busy_timeout_ms = 250
on_error = stop
security = required
CFG
ok "config set keeps comments, blank lines and other keys" \
    cmp -s "$tmp/want.cfg" "$(cfgdir)/config"
is "$(stat -c %a "$(cfgdir)/config")" 600 "config set leaves the file mode 0600"
is "$(ls -A "$(cfgdir)")" config "config set leaves no temporary file"
run env PRONTO_SECURITY=optional "$PRONTODB" --home "$home" config get busy_timeout_ms
is_run 0 "250" "" "config get after config set"
run env PRONTO_SECURITY=optional "$PRONTODB" --home "$home" config list
is_out "database = main (default)
ns_delim = : (config)
security = optional (env PRONTO_SECURITY)
busy_timeout_ms = 250 (config)
output = text (default)
on_error = stop (config)
durability = normal (default)
changes_keep = 100000 (default)
changes_max_age = 24h (default)
$(server_line)" "config list shows every key, its value and origin"
run pd config unset security
is_run 0 "" "" "config unset"
run pd config get security
is_out "optional" "config unset returns the key to its default"
run pd config unset security
is_run 0 "" "" "config unset of an absent key succeeds"
run pd config set busy_timeout_ms fast
is_run 64 "" "prontodb: busy_timeout_ms must be a number of milliseconds from 0 to 2147483647, not 'fast'" \
    "config set of a bad value"
run pd config set colour red
is_run 64 "" "prontodb: unknown key 'colour' (see 'config list')" \
    "config set of an unknown key"
run pd config set output tsv
is_run 0 "" "" "config set output tsv"
run pd config unset output
is_rc 0 "config unset output"
run pd config get busy_timeout_ms
is_out "250" "failed config sets change nothing"
run pd --dry-run config set busy_timeout_ms 1
run pd config get busy_timeout_ms
is_out "250" "config set in a dry run writes nothing"
printf 'config set ns_delim /\nconfig get ns_delim\n' | pd >"$tmp/out" 2>&1
is "$(cat "$tmp/out")" ":" "config set in a stream takes effect from the next command"
run pd config get ns_delim
is_out "/" "config set from a stream is written"

fresh
run pd config set ns_delim :
is_run 0 "" "" "config set creates the config file"
is "$(stat -c %a "$(cfgdir)" "$(cfgdir)/config" | tr '\n' ' ')" "700 600 " \
    "a new config directory is 0700, the file 0600"
run pd config get ns_delim
is_out ":" "config get reads the new file"
printf 'ns_delim = :' >"$(cfgdir)/config"
pd config set on_error stop
printf 'ns_delim = :\non_error = stop\n' >"$tmp/want.cfg"
ok "config set appends after a last line without a newline" \
    cmp -s "$tmp/want.cfg" "$(cfgdir)/config"
: >"$(cfgdir)/config"
pd config set ns_delim :
ok "config set fills an empty file" \
    test "$(cat "$(cfgdir)/config")" = "ns_delim = :"
pd config unset on_error
mkdir -p "$home/dots"
mv "$(cfgdir)/config" "$home/dots/config"
ln -s "$home/dots/config" "$(cfgdir)/config"
pd config set on_error stop
ok "config set writes through a symbolic link" test -L "$(cfgdir)/config"
run pd config get on_error
is_out "stop" "config set through a link is read back"

# --- --config FILE -------------------------------------------------------
fresh
write_cfg "ns_delim = :"
printf 'ns_delim = /\n' >"$home/other"
run pd --config "$home/other" config list
grep -q '^ns_delim = / (config)$' "$tmp/out"
is $? 0 "--config FILE replaces the default config file"
run pd --config="$home/other" config get ns_delim
is_out "/" "--config=FILE works too"
run pd --config "$home/nope" get p.n.k
is_run 74 "" "prontodb: cannot read $home/nope: No such file or directory" \
    "--config of a missing file is an error"
run pd --config "$home/new" config set ns_delim ,
is_run 0 "" "" "config set creates the --config file"
run pd --config "$home/new" config get ns_delim
is_out "," "--config FILE is read back"
run pd config get ns_delim
is_out ":" "the default config file is untouched by --config"
printf 'colour = red\n' >"$home/bad"
run pd --config "$home/bad" get p.n.k
is_run 64 "" "prontodb: $home/bad:1: unknown key 'colour'" \
    "a bad --config file names itself"
run pd --config '' get p.n.k
is_rc 64 "--config needs a file"

# --- --select ------------------------------------------------------------
fresh
pd -d work set p.n.k work
pd set p.n.k main
run pd --select work get p.n.k
is_run 0 "work" "" "--select DB switches this command"
run pd get p.n.k
is_out "work" "--select is remembered by the next command"
run pd get p.n.k
is_out "work" "and the one after"
run pd -d main get p.n.k
is_out "main" "-d DB is for one command"
run pd get p.n.k
is_out "work" "-d did not change the selection"
run env PRONTO_DB=main "$PRONTODB" --home "$home" get p.n.k
is_out "main" "PRONTO_DB is for one command"
run pd get p.n.k
is_out "work" "PRONTO_DB did not change the selection"
run pd --select nope get p.n.k
is_run 64 "" "prontodb: database 'nope' does not exist" \
    "--select of a missing database is an error"
ok "--select of a missing database creates nothing" \
    test ! -e "$home/.local/share/prontodb/nope.db"
run pd get p.n.k
is_out "work" "a failed --select keeps the old selection"
run pd --select work -d main get p.n.k
is_rc 64 "--select with --db is a usage error"
run pd --select main </dev/null
is_run 0 "" "" "--select alone switches"
run pd get p.n.k
is_out "main" "--select main: main may be selected before it exists"
state=$home/.local/state/prontodb
is "$(stat -c %a "$home/.local/state" "$state" "$state/cursors" | tr '\n' ' ')" \
    "700 700 700 " "the state directories are 0700"
is "$(find "$state/cursors" -type f -exec stat -c %a {} \;)" 600 \
    "the cursor file is 0600"
# A path is a file on a server too; there the name work made a schema (and
# no data directory), so the file is made by its path.
if [ "$backend" = server ]; then
	mkdir -p "$home/.local/share/prontodb"
	pd -d "$home/.local/share/prontodb/work.db" set p.n.k work
fi
(cd "$home/.local/share/prontodb" && "$PRONTODB" --home "$home" \
    --select ./work.db </dev/null)
run pd cursor show
grep -q "^db = $home/.local/share/prontodb/work.db\$" "$tmp/out"
is $? 0 "--select PATH remembers an absolute path"
run pd get p.n.k
is_out "work" "a selected path is used"
rm "$home/.local/share/prontodb/work.db"
run pd get p.n.k
is_run 1 "" "prontodb: database '$home/.local/share/prontodb/work.db' of cursor 'default' does not exist (switch with --select, or see 'cursor list')" \
    "a cursor naming a missing database is an error"
ok "the missing database is not created" \
    test ! -e "$home/.local/share/prontodb/work.db"
run pd -d main get p.n.k
is_out "main" "-d still works while the cursor is broken"
pd --select main </dev/null
run pd --dry-run --select other get p.n.k
is_rc 64 "--select checks even in a dry run"
pd -d other set p.n.only other
run pd --dry-run --select other exists p.n.only
is_rc 0 "--select in a dry run switches this command"
run pd get p.n.k
is_out "main" "--select in a dry run is not remembered"

# --- cursors -------------------------------------------------------------
fresh
pd -d work set app.cfg.host db1
pd set app.cfg.host main
run pd cursor show
is_run 0 "cursor = default
user = $me" "" "cursor show without any cursor file: the login name's default"
run pd --user alice cursor show
is_run 0 "cursor = default
user = alice" "" "cursor show: the default cursor"
run pd --user alice cursor set work db=work project=app namespace=cfg
is_run 0 "" "" "cursor set NAME db= project= namespace="
run pd --user alice cursor list
is_run 0 "* default
  work db=work project=app namespace=cfg" "" "cursor list marks the active cursor"
run pd --user alice get host
is_run 2 "" "prontodb: default.default.host: not found" \
    "a cursor that is not in use gives no scope: default.default"
run pd --user alice --cursor work get host
is_run 0 "db1" "" "--cursor NAME: its database and scope for one command"
run pd --user alice get app.cfg.host
is_out "main" "--cursor was for one command"
run pd --user alice --cursor work cursor show
is_out "cursor = work
user = alice
db = work
project = app
namespace = cfg" "--cursor NAME: cursor show shows it"
run pd --user alice --cursor nope get host
is_run 64 "" "prontodb: no cursor 'nope' (user alice)" "--cursor of a missing cursor"
run pd --user alice --cursor 'a b' get host
is_rc 64 "--cursor of an invalid name"
run pd --user alice cursor use work
is_run 0 "" "" "cursor use NAME"
run pd --user alice get host
is_run 0 "db1" "" "the active cursor's database and scope"
run pd --user alice cursor show
is_out "cursor = work
user = alice
db = work
project = app
namespace = cfg" "cursor show: the active cursor"
run pd --user alice -p app -n other get host
is_rc 2 "-p/-n override the cursor's scope"
run pd --user alice get -n cfg host
is_out "db1" "-n alone keeps the cursor's project"
printf 'get host\nuse app.x\nget host\n' | pd --user alice >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 2 "db1" "prontodb: <stdin>:3:1: app.x.host: not found" \
    "a stream starts in the cursor's scope; use moves it"
printf 'get cfg.host\n' | pd --user alice -p app >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 0 "db1" "" "a stream's -p replaces the cursor's project and namespace"
run pd --user alice --select main get app.cfg.host
is_out "main" "--select changes the active cursor's database"
run pd --user alice cursor list
is_out "  default
* work db=main project=app namespace=cfg" "--select changed the named cursor in use"
run pd --user alice cursor set work db=work namespace=
is_run 0 "" "" "cursor set changes only the fields given; empty clears"
run pd --user alice cursor list
is_out "  default
* work db=work project=app" "cursor list after an update"
pd --user alice cursor set work namespace=cfg
run pd --user alice cursor set work project=
is_run 64 "" "prontodb: cursor 'work': namespace 'cfg' needs a project" \
    "cursor set cannot leave a namespace without its project"
run pd --user alice cursor set work --project app --namespace cfg --db work
is_run 0 "" "" "cursor set with --options typed after the verb"
run pd --user alice cursor set other namespace=x
is_run 64 "" "prontodb: cursor 'other': namespace 'x' needs a project" \
    "cursor set: a namespace needs a project"
run pd --user alice cursor set other db=nope
is_run 64 "" "prontodb: database 'nope' does not exist" \
    "cursor set: the database must exist"
run pd --user alice cursor set other project=a.b
is_run 64 "" "prontodb: project 'a.b' contains the delimiter '.'" \
    "cursor set: the project is checked"
run pd --user alice cursor set other colour=red
is_run 64 "" "prontodb: unknown option 'colour' for 'cursor set' (options: --db, --meta, --namespace, --project)" \
    "cursor set: an unknown field"
run pd --user alice cursor set 'bad name' db=main
is_run 64 "" "prontodb: invalid cursor name 'bad name': use letters, digits, '_', and '-' or '.' after the first character" \
    "cursor set: an invalid name"
run pd --user alice cursor list
is_out "  default
* work db=work project=app namespace=cfg" "failed cursor sets change nothing"
run pd --user alice cursor use nope
is_run 64 "" "prontodb: no cursor 'nope' (see 'cursor list')" \
    "cursor use of a missing cursor"
run pd --user alice cursor del default
is_run 64 "" "prontodb: the default cursor cannot be deleted" \
    "cursor del default"
run pd --user alice cursor del nope
is_run 2 "" "prontodb: no cursor 'nope'" "cursor del of a missing cursor is a miss"
run pd --user alice cursor del work
is_run 0 "" "" "cursor del NAME"
run pd --user alice cursor list
is_out "* default" "deleting the active cursor makes default active"
run pd --user alice get app.cfg.host
is_out "main" "back on the default cursor"
printf 'cursor set s db=work project=app namespace=cfg\ncursor use s\n' |
    pd --user alice >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 0 "" "" "cursor set and use in a stream"
run pd --user alice get host
is_out "db1" "cursors set in a stream are kept"
run pd --user alice --dry-run cursor del s
run pd --user alice cursor list
is_out "  default
* s db=work project=app namespace=cfg" "cursor del in a dry run deletes nothing"

# --- isolation: users and homes ------------------------------------------
fresh
pd -d a set p.n.k a
pd -d b set p.n.k b
pd --user alice --select a </dev/null
pd --user bob --select b </dev/null
run pd --user alice get p.n.k
is_out "a" "alice keeps her selection"
run pd --user bob get p.n.k
is_out "b" "bob keeps his own"
run pd --user carol get p.n.k
is_rc 2 "a third user starts on main"
pd --user alice cursor set mine db=a
run pd --user bob cursor list
is_out "* default db=b" "bob does not see alice's cursors"
run pd --user bob --cursor mine get p.n.k
is_run 64 "" "prontodb: no cursor 'mine' (user bob)" \
    "bob cannot use alice's cursor"
run pd --user ../alice get p.n.k
is_run 64 "" "prontodb: invalid user name '../alice' for a cursor" \
    "a user name cannot leave the cursor directory"
h1=$home
s1=${PRONTO_SERVER:-}
fresh
h2=$home
"$PRONTODB" --home "$h2" -d a set p.n.k h2
run "$PRONTODB" --home "$h2" --user alice get p.n.k
is_rc 2 "another home does not see the selection"
run "$PRONTODB" --home "$h2" --user alice cursor list
is_out "* default" "another home has its own cursors"
# (On a server the first home's names are under the first home's prefix.)
run env ${s1:+PRONTO_SERVER="$s1"} "$PRONTODB" --home "$h1" --user alice get p.n.k
is_out "a" "the first home still has its selection"

# Without --user, $USER names the cursor (or the login name without it).
fresh
pd -d a set p.n.k a
pd --select a </dev/null
ok "without --user the cursor file is the login name's" \
    test -f "$home/.local/state/prontodb/cursors/$me"
run pd get p.n.k
is_out "a" "without --user the selection is kept"
env USER=zed "$PRONTODB" --home "$home" --select main </dev/null
ok "\$USER names whose cursor" \
    test -f "$home/.local/state/prontodb/cursors/zed"
run env USER=zed "$PRONTODB" --home "$home" get p.n.k
is_rc 2 "\$USER's selection is its own"

# A damaged cursor file is reported, not ignored.
fresh
mkdir -p "$home/.local/state/prontodb/cursors"
printf 'active = work\n' >"$home/.local/state/prontodb/cursors/alice"
run pd --user alice get p.n.k
is_run 64 "" "prontodb: $home/.local/state/prontodb/cursors/alice: the active cursor 'work' does not exist" \
    "a cursor file naming a missing active cursor"
printf '[default]\ncolour = red\n' >"$home/.local/state/prontodb/cursors/alice"
run pd --user alice get p.n.k
is_run 64 "" "prontodb: $home/.local/state/prontodb/cursors/alice:2: unknown key 'colour'" \
    "a cursor file with an unknown key"

done_testing
