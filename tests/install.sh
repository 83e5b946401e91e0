#!/bin/sh
# install.sh - install, uninstall (with purge and its backups), and the
# bash and zsh completions.
. "$top_srcdir/tests/tap.sh"

# Every path under $1 with its mode, and each file's checksum: two equal
# listings mean nothing was created, removed, changed or chmod-ed.
listing() {
	(cd "$1" && find . -print | LC_ALL=C sort | while IFS= read -r f; do
		if [ -f "$f" ]; then
			printf '%s %s %s\n' "$(stat -c %a "$f")" \
			    "$(cksum <"$f")" "$f"
		else
			printf '%s %s\n' "$(stat -c %a "$f")" "$f"
		fi
	done)
}

# A new home, and where ProntoDB keeps its files in it.
home_dirs() {
	fresh
	data=$home/.local/share/prontodb
	state=$home/.local/state/prontodb
	conf=$home/.config/prontodb
}

# On a server (the setting server) the databases are its schemas: install
# and uninstall name them by the server's URL and the schema, a backup is
# NAME.pgbackup, read by restoring it into a database, and purge drops them
# too.  at NAME: where install and uninstall say database NAME is; ext: a
# backup's ending; srv names a test of such a difference.
ext=db
srv=
[ "$backend" = sqlite ] || { ext=pgbackup; srv="on a server: "; }
at() {
	if [ "$backend" = server ]; then
		echo "$PRONTO_SERVER$1"
	else
		echo "$data/$1.db"
	fi
}
# listed NAME: database NAME is one the server lists (db list).
listed() {
	pd db list | grep -qx "$1"
}

# skip NAME WHY: a test that cannot run here.
skip() {
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_n" "$1" "$2"
}

# --- install ----------------------------------------------------------------
home_dirs
run pd install
is_run 0 "created directory $data
created directory $state
created directory $conf
created config $conf/config
created database main $(at main)" "" "${srv}install says what it created"
if [ "$backend" = server ]; then
	run stat -c '%a %n' "$data" "$state" "$conf" "$conf/config"
	is_out "700 $data
700 $state
700 $conf
600 $conf/config" "on a server: directories are 0700, files 0600, no main.db"
	ok "on a server: install made the database main there" listed main
	run pd check
else
	run stat -c '%a %n' "$data" "$state" "$conf" "$conf/config" "$data/main.db"
	is_out "700 $data
700 $state
700 $conf
600 $conf/config
600 $data/main.db" "directories are 0700, files 0600"
	run "$PRONTODB" -d "$data/main.db" check
fi
is_run 0 "ok" "" "the main database is a sound database"
run grep -v -e '^#' -e '^$' "$conf/config"
is_out "" "the config file holds comments only"
r=0
for k in database ns_delim security busy_timeout_ms output on_error durability; do
	v=$(pd config get "$k" | cut -f2)
	grep -qx "#$k = $v" "$conf/config" || { r=1; echo "# no '#$k = $v'"; }
done
is $r 0 "every key is in the config file at its default, commented out"
pd config list | sed 's/.* (//; s/)$//' | sort -u >"$tmp/o"
if [ "$backend" = server ]; then
	# The test harness sets the setting server in the environment.
	is "$(cat "$tmp/o")" "default
env PRONTO_SERVER" "so every other setting is still its default"
else
	is "$(cat "$tmp/o")" "default" "so every setting is still its default"
fi

listing "$home" >"$tmp/before"
run pd install
is_run 0 "exists directory $data
exists directory $state
exists config $conf/config
exists database main $(at main)
already installed: nothing changed" "" "${srv}install again says so"
listing "$home" >"$tmp/after"
run cmp "$tmp/before" "$tmp/after"
is_rc 0 "install again changes nothing (modes, files, checksums)"

pd set app.config.host db1
pd config set ns_delim :
listing "$home" >"$tmp/before"
run pd install
is_rc 0 "install over a store in use"
listing "$home" >"$tmp/after"
run cmp "$tmp/before" "$tmp/after"
is_rc 0 "leaves the config and the database untouched"
run pd get app:config:host
is_out "db1" "the data is still there"

home_dirs
n=$(pd --json install | grep -c '^{"action":"created","kind":')
is "$n" 5 "--json: one record per thing created"

home_dirs
run env PRONTO_ADMIN_PASS=unused "$PRONTODB" --home "$home" install
is_err "prontodb: note: PRONTO_ADMIN_PASS is ignored: security is optional, so no admin is created" \
    "without security no admin is made, and install says why"

# --- install with security required -----------------------------------------
home_dirs
run env PRONTO_SECURITY=required "$PRONTODB" --home "$home" install
is_rc 0 "install with security required"
cp "$tmp/out" "$tmp/o"
cp "$tmp/err" "$tmp/e"
pw=$(awk '$1 == "admin_password" { print $2 }' "$tmp/o")
n=$(grep -c -F -e "$pw" "$tmp/o")
is "$n" 1 "the generated admin password is printed once on stdout"
case $pw in
????????????????????*) r=0 ;;
*) r=1 ;;
esac
is "$r" 0 "and it is long (16 random bytes, base64url)"
n=$(grep -c -F -e "$pw" "$tmp/e")
is "$n" 0 "it never appears on stderr"
grep -qx "created user admin" "$tmp/o"
is $? 0 "the admin user is reported"
PRONTO_SECURITY=required PRONTO_PASS=$pw "$PRONTODB" --home "$home" \
    --user admin set a.b.c 1
run env PRONTO_SECURITY=required PRONTO_PASS=$pw "$PRONTODB" --home "$home" \
    --user admin get a.b.c
is_run 0 "1" "" "the admin logs in with it"
run env PRONTO_SECURITY=required PRONTO_PASS=not-it "$PRONTODB" \
    --home "$home" --user admin get a.b.c
is_rc 77 "a wrong password is refused"
run env PRONTO_SECURITY=required "$PRONTODB" --home "$home" get a.b.c
is_rc 77 "and so is no login"
PRONTO_SECURITY=required "$PRONTODB" --home "$home" install >"$tmp/o" 2>"$tmp/e"
n=$(cat "$tmp/o" "$tmp/e" | grep -c -e admin_password -e "$pw")
is "$n" 0 "install again shows no password"
grep -qx "exists user admin" "$tmp/o"
is $? 0 "and keeps the admin it has"
run env PRONTO_SECURITY=required PRONTO_PASS=$pw "$PRONTODB" --home "$home" \
    --user admin user list
is_out "admin admin" "there is still one user, the admin"
pw1=$pw

home_dirs
pw=$(PRONTO_SECURITY=required "$PRONTODB" --home "$home" install 2>&1 |
    awk '$1 == "admin_password" { print $2 }')
[ -n "$pw" ] && [ "$pw" != "$pw1" ]
is $? 0 "each install generates its own password (no built-in default)"

home_dirs
pd install >/dev/null
pd config set security required
run pd install
pw=$(awk '$1 == "admin_password" { print $2 }' "$tmp/out")
[ -n "$pw" ]
is $? 0 "config security = required: install adds the admin to the database"
run env PRONTO_PASS=$pw "$PRONTODB" --home "$home" --user admin auth
is_rc 0 "who can log in"

home_dirs
PRONTO_SECURITY=required PRONTO_ADMIN_PASS='s3cret pass' "$PRONTODB" \
    --home "$home" install >"$tmp/o" 2>"$tmp/e"
n=$(cat "$tmp/o" "$tmp/e" | grep -c -e admin_password -e s3cret)
is "$n" 0 "PRONTO_ADMIN_PASS: no password is printed"
run env PRONTO_SECURITY=required PRONTO_PASS='s3cret pass' "$PRONTODB" \
    --home "$home" --user admin set a.b.c 2
is_rc 0 "the admin's password is PRONTO_ADMIN_PASS"

# --- uninstall ----------------------------------------------------------------
home_dirs
pd install >/dev/null
pd set app.config.host db1
pd cursor set work db=main project=app
run pd uninstall
is_run 0 "removed directory $state
removed config $conf/config
removed directory $conf
kept directory $data" "" "uninstall removes config and state, keeps data"
if [ "$backend" = server ]; then
	[ ! -e "$conf" ] && [ ! -e "$state" ] && listed main
else
	[ ! -e "$conf" ] && [ ! -e "$state" ] && [ -f "$data/main.db" ]
fi
is $? 0 "${srv}the config and state directories are gone, the database is not"
run pd get app.config.host
is_out "db1" "the data is intact"
run pd uninstall
is_run 0 "kept directory $data" "" "uninstall again has nothing more to do"
run pd uninstall --no-backup
is_rc 64 "no-backup without purge is a usage error"

home_dirs
pd install >/dev/null
pd set app.config.host db1
listing "$home" >"$tmp/before"
run pd uninstall --purge </dev/null
theirs=
[ "$backend" = sqlite ] || theirs=", and those of the setting server"
is_run 64 "" "prontodb: uninstall with purge deletes $data and every database in it$theirs: add --yes (yes in a stream) to confirm; there is no terminal to ask on" \
    "${srv}purge without --yes and without a terminal is refused"
listing "$home" >"$tmp/after"
run cmp "$tmp/before" "$tmp/after"
is_rc 0 "and changes nothing"
run pd uninstall --purge --yes --backup-dir "$data/keep" </dev/null
is_run 64 "" "prontodb: backup-dir $data/keep is inside $data, which uninstall removes" \
    "a backup-dir that purge would delete is refused"
listing "$home" >"$tmp/after"
run cmp "$tmp/before" "$tmp/after"
is_rc 0 "and changes nothing either"

# Earlier backups in data/backups are saved too, and links are removed,
# never followed.
pd backup >/dev/null
old=$(cd "$data/backups" && ls)
mkdir "$tmp/outside"
echo precious >"$tmp/outside/file"
ln -s "$tmp/outside/file" "$data/outside.db"
ln -s "$tmp/outside" "$data/outside-dir"
ln -s "$tmp/outside" "$state/link"
run pd uninstall --purge --yes --backup-dir "$tmp/bk"
dropped=
[ "$backend" = sqlite ] || dropped="
removed database main $(at main)"
is_run 0 "backup directory $tmp/bk
backup database main $tmp/bk/main.$ext
backup file $tmp/bk/backups/$old
removed directory $data$dropped
removed directory $state
removed config $conf/config
removed directory $conf" "" "${srv}purge --yes backs up, then removes data too"
if [ "$backend" = server ]; then
	run pd db list
	is_run 0 "" "" "on a server: purge dropped the server's databases"
fi
run ls -A "$home/.local/share" "$home/.local/state" "$home/.config"
is_out "$home/.config:

$home/.local/share:

$home/.local/state:" "nothing of ProntoDB is left, the XDG directories stay"
run cat "$tmp/outside/file"
is_out "precious" "a file outside the home, linked from inside, survives"
run stat -c %a "$tmp/bk/main.$ext"
is_out "600" "the backup is private"

home_dirs
run pd restore "$tmp/bk/main.$ext"
is_rc 0 "the purge's backup restores"
run pd get app.config.host
is_out "db1" "with the data it held"
earlier=$tmp/bk/backups/$old
if [ "$backend" = server ]; then
	pd restore "$earlier" --db earlier >/dev/null
	earlier=earlier
fi
run pd -d "$earlier" get app.config.host
is_out "db1" "${srv}and the earlier backup was kept too"

home_dirs
pd set a.b.c 1
mkdir "$tmp/t1"
run env TMPDIR="$tmp/t1" "$PRONTODB" --home "$home" uninstall --purge --yes
bk=$(ls -d "$tmp"/t1/prontodb-uninstall.*)
if [ "$backend" = server ]; then
	# Nothing made the data directory: the database is the server's.
	is_run 0 "backup directory $bk
backup database main $bk/main.$ext
removed database main $(at main)" "" \
	    "on a server: the default backup directory is new, in TMPDIR"
else
	is_run 0 "backup directory $bk
backup database main $bk/main.db
removed directory $data" "" "the default backup directory is new, in TMPDIR"
fi
run stat -c %a "$bk"
is_out "700" "and private"

home_dirs
pd set a.b.c 1
mkdir "$tmp/t2"
run env TMPDIR="$tmp/t2" "$PRONTODB" --home "$home" uninstall --purge --yes \
    --no-backup
if [ "$backend" = server ]; then
	is_run 0 "removed database main $(at main)" "" \
	    "on a server: --no-backup skips the backup"
else
	is_run 0 "removed directory $data" "" "--no-backup skips the backup"
fi
run ls -A "$tmp/t2"
is_out "" "nothing was written to TMPDIR"
run pd uninstall --purge --yes
is_run 0 "nothing to remove: prontodb is not installed" "" \
    "uninstall with nothing installed says so"

# --- the round trip ---------------------------------------------------------
home_dirs
pd install >/dev/null
printf 'set app.config.host db1\nset app.config.motd "hi; there\\n"\n' | pd
pd backup "$tmp/rt.db" >/dev/null
pd uninstall --purge --yes --no-backup >/dev/null
[ ! -e "$data" ]
is $? 0 "round trip: purged"
pd install >/dev/null
run pd restore "$tmp/rt.db"
is_rc 0 "round trip: restore after a new install"
run pd scan
is_out 'app.config.host=db1
app.config.motd=hi; there
' "round trip: the data is intact"

# --- completions ------------------------------------------------------------
comp=$top_srcdir/completions
run bash -n "$comp/prontodb.bash"
is_run 0 "" "" "bash -n parses prontodb.bash"
if command -v zsh >/dev/null 2>&1; then
	run zsh -n "$comp/_prontodb"
	is_run 0 "" "" "zsh -n parses _prontodb"
else
	skip "zsh -n parses _prontodb" "zsh is not installed"
fi

home_dirs
pd set app.config.host db1
pd db create work

# complete WORD...: the candidates bash would offer for the line WORD...,
# the last word being the one under the cursor.
cat >"$tmp/complete.bash" <<'EOF'
. "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_prontodb
printf '%s\n' "${COMPREPLY[@]}"
EOF
complete() {
	bash "$tmp/complete.bash" "$comp/prontodb.bash" "$@"
}
run complete "$PRONTODB" me
is_run 0 "meta" "" "bash: prontodb me<TAB> completes meta"
run complete "$PRONTODB" --ho
is_run 0 "--home" "" "bash: prontodb --ho<TAB> completes --home"
run complete "$PRONTODB" --home "$home" meta ""
is_out "del
get
list
set" "bash: the second word of a two-word verb"
run complete "$PRONTODB" --home "$home" get app.c
is_out "app.config." "bash: a namespace, from prontodb nss"
run complete "$PRONTODB" --home "$home" get app.config.h
is_out "app.config.host" "bash: a key, from prontodb keys"
run complete "$PRONTODB" --home "$home" -d ""
is_out "main
work" "bash: database names from the data directory"
run env PRONTO_HOME="$home" bash "$tmp/complete.bash" \
    "$comp/prontodb.bash" "$PRONTODB" --db w
is_out "work" "bash: PRONTO_HOME is honoured"
run complete "$PRONTODB" --home "$home" uninstall --p
is_out "--purge" "bash: a verb's options"
run complete "$PRONTODB" --home "$home" set app.config.host v t
is_out "ttl=" "bash: an option in the stream's spelling once the arguments are in"
run complete "$PRONTODB" --home "$home" --on-error = ""
is_out "continue
stop" "bash: a flag's value after '='"
run complete "$PRONTODB" --home "$home" -p app -n config get h
is_out "host" "bash: a key relative to -p and -n"
run complete "$PRONTODB" --home "$home" user grant bob app ""
is_out "admin
read
write" "bash: the alternatives of a placeholder"

# The candidates come from prontodb itself, which the scripts only ask.
run "$PRONTODB" --complete 4 prontodb --home "$home" get app.c
is_run 0 "app.config." "" "--complete CWORD WORD...: one candidate a line"
run "$PRONTODB" --complete 4 prontodb --home "$home" get ""
is_run 0 "app." "" "--complete: the projects, as stems"
before=$(pd cursor show)
run "$PRONTODB" --complete 6 prontodb --home "$home" --select work get ""
is_run 0 "" "" "--complete: --select reads as --db (work has no keys)"
run "$PRONTODB" --complete 4 prontodb --home "$home" --select ""
is_run 0 "main
work" "" "--complete: the databases for --select"
is "$(pd cursor show)" "$before" "--complete never switches a cursor"
run "$PRONTODB" --complete 9 prontodb
is_run 64 "" "prontodb: usage: prontodb --complete CWORD WORD..." \
    "--complete with a word number past the words"
PRONTO_SECURITY=required run "$PRONTODB" --complete 4 prontodb --home \
    "$home" get app.
is_run 0 "" "" "--complete: no names from a store that requires a login"

done_testing
