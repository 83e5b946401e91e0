#!/bin/sh
# authz.sh - authorization across databases: every verb that reads,
# copies, replaces or deletes a database is checked against that
# database's own users, however the run reached it.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/authz.sh
#
# The home: main, whose admin is root, with rita a reader of app and
# mallory an admin under another password; scratch, bootstrapped by eve,
# where eve, rita, root and mallory are admins.  Each cross-database verb
# runs from scratch as six callers:
#	none	no credentials
#	wrong	root with a wrong password
#	eve	an admin of scratch only
#	mallory	an admin of both, whose scratch password is not main's
#	rita	an admin of scratch, a reader of main (same password)
#	root	an admin of both (same password)
# A refusal must leave main and the data directory as they were.
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY
PRONTO_SECURITY=required
export PRONTO_SECURITY

mkdir "$tmp/pw" "$tmp/w"
work=$tmp/w
for u in root eve rita mallory wrong; do
	printf '%s-pw-%s\n' "$u" "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')" \
	    >"$tmp/pw/$u"
done
printf 'mallory-main-pw\n' >"$tmp/pw/mallory-main"

need_auth="prontodb: authentication required: use --user with PRONTO_PASS or --password-file, or PRONTO_API_KEY (security is required)"
auth_failed="prontodb: authentication failed"

# not_valid USER: the refusal of a user unknown to main, or with another
# password there (the two look alike).
not_valid() {
	echo "prontodb: permission denied: the credentials of '$1' are not valid in database 'main', which has its own users"
}
not_admin="prontodb: permission denied: admin access to database 'main' needs an admin of it"

# by DB ROLE ARGS...: prontodb run on database DB by one of the callers.
by() {
	by_db=$1
	by_role=$2
	shift 2
	case $by_role in
	none) run "$PRONTODB" --home "$home" -d "$by_db" "$@" ;;
	wrong) run "$PRONTODB" --home "$home" -d "$by_db" --user root \
	    --password-file "$tmp/pw/wrong" "$@" ;;
	*) run "$PRONTODB" --home "$home" -d "$by_db" --user "$by_role" \
	    --password-file "$tmp/pw/$by_role" "$@" ;;
	esac
}

# as ROLE ARGS...: run on scratch; on ROLE ARGS...: run on main itself.
as() {
	by scratch "$@"
}

on() {
	by main "$@"
}

# snap FILE: what a refusal must not change: main's keys, users and API
# keys (through root's key), main's file, and the files of the data and
# work directories.
snap() {
	{
		PRONTO_API_KEY=$rootkey "$PRONTODB" --home "$home" -d main scan
		PRONTO_API_KEY=$rootkey "$PRONTODB" --home "$home" -d main \
		    user list
		PRONTO_API_KEY=$rootkey "$PRONTODB" --home "$home" -d main \
		    apikey list
		cksum <"$data/main.db"
		(cd "$home" && find . | sort)
		(cd "$work" && find . | sort)
	} >"$1" 2>&1
}

# unchanged NAME: main and the directories are as in $tmp/before.
unchanged() {
	snap "$tmp/after"
	if cmp -s "$tmp/before" "$tmp/after"; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1"
		diff "$tmp/before" "$tmp/after" | sed 's/^/#   /'
	fi
}

# --- the home ---------------------------------------------------------------
fresh
data=$home/.local/share/prontodb
run env PRONTO_PASS="$(cat "$tmp/pw/root")" "$PRONTODB" --home "$home" \
    user add root
is_run 0 "" "" "setup: root bootstraps a fresh main"
run "$PRONTODB" --home "$home" --user root --password-file "$tmp/pw/root" \
    apikey create root
rootkey=$(cat "$tmp/out")
printf '%s\n' "auth apikey=$rootkey" \
    "user add rita password-file=\"$tmp/pw/rita\"" \
    'user grant rita app read' \
    "user add mallory admin password-file=\"$tmp/pw/mallory-main\"" \
    'set app.sec.pin 1234' 'set app.cfg.host db1' >"$tmp/in"
run "$PRONTODB" --home "$home" <"$tmp/in"
is_run 0 "" "" "setup: main's users and data"
run env PRONTO_PASS="$(cat "$tmp/pw/eve")" "$PRONTODB" --home "$home" \
    -d scratch user add eve
is_run 0 "" "" "setup: anyone may make a new database their own (bootstrap)"
run "$PRONTODB" --home "$home" -d scratch --user eve \
    --password-file "$tmp/pw/eve" apikey create eve
evekey=$(cat "$tmp/out")
printf '%s\n' "auth apikey=$evekey" \
    "user add rita admin password-file=\"$tmp/pw/rita\"" \
    "user add root admin password-file=\"$tmp/pw/root\"" \
    "user add mallory admin password-file=\"$tmp/pw/mallory\"" \
    'set app.sec.pin 0000' >"$tmp/in"
run "$PRONTODB" --home "$home" -d scratch <"$tmp/in"
is_run 0 "" "" "setup: scratch's users and data"
run "$PRONTODB" --home "$home" -d scratch --user eve \
    --password-file "$tmp/pw/eve" backup "$tmp/evil.db"
is_run 0 "$tmp/evil.db" "" "setup: eve's backup of scratch, evil.db"
tmpl=$tmp/template
cp -Rp "$home" "$tmpl"

# On a server (the setting server) the databases are no files of the home:
# the template's are those of its prefix, and a clone gets a prefix of its
# own, into which root's backups of the template's databases are restored
# (a new database takes a restore without credentials).  A backup there is
# NAME.pgbackup, compared with once restored (evil: evil.db by its name);
# dbs lists the databases, which security required hides.
ext=db
evil=$tmp/evil.db
tmpl_server=${PRONTO_SERVER:-}
if [ "$backend" = server ]; then
	ext=pgbackup
	PRONTO_SECURITY=optional "$PRONTODB" --home "$tmpl" \
	    restore "$evil" --db evil >/dev/null
	evil=evil
	for d in main scratch; do
		"$PRONTODB" --home "$home" -d $d --user root \
		    --password-file "$tmp/pw/root" backup "$tmp/tmpl-$d.bk" \
		    >/dev/null
	done
fi
dbs() {
	PRONTO_SECURITY=optional "$PRONTODB" --home "$home" db list |
	    tr '\n' ' '
}

# clone: a fresh copy of the home, for a caller that is allowed to act.
nclone=0
clone() {
	nclone=$((nclone + 1))
	home=$tmp/clone$nclone
	cp -Rp "$tmpl" "$home"
	data=$home/.local/share/prontodb
	[ "$backend" = server ] || return 0
	PRONTO_SERVER="${tmpl_server%_}c${nclone}_"
	for d in main scratch; do
		PRONTO_SECURITY=optional "$PRONTODB" --home "$home" \
		    restore "$tmp/tmpl-$d.bk" --db $d >/dev/null
	done
}

# --- the audit's three attacks, exactly ------------------------------------
snap "$tmp/before"
run "$PRONTODB" --home "$home" -d scratch --user eve \
    --password-file "$tmp/pw/eve" restore "$tmp/evil.db" --db main
is_run 77 "" "$(not_valid eve)" "attack 1: eve cannot restore over main"
unchanged "attack 1: main is untouched and no safety copy was made"
run "$PRONTODB" --home "$home" --user root --password-file "$tmp/pw/root" \
    user list
is_run 0 "mallory admin
rita app=read
root admin" "" "attack 1: main's admin still logs in, eve is no user of main"

run "$PRONTODB" --home "$home" -d scratch --user eve \
    --password-file "$tmp/pw/eve" verify main
is_run 77 "" "$(not_valid eve)" "attack 2: eve cannot list main's addresses"
PRONTO_API_KEY=$evekey "$PRONTODB" --home "$home" -d scratch \
    set app.sec.pin 1234
run "$PRONTODB" --home "$home" -d scratch --user eve \
    --password-file "$tmp/pw/eve" verify main
is_run 77 "" "$(not_valid eve)" \
    "attack 2: a guessed value is neither confirmed nor denied"
PRONTO_API_KEY=$evekey "$PRONTODB" --home "$home" -d scratch \
    set app.sec.pin 0000
unchanged "attack 2: main is untouched"

run "$PRONTODB" --home "$home" -d scratch --user eve \
    --password-file "$tmp/pw/eve" uninstall --purge --yes \
    --backup-dir "$work/loot"
is_run 77 "" "$(not_valid eve)" "attack 3: eve cannot purge the home"
run "$PRONTODB" --home "$home" -d scratch --user eve \
    --password-file "$tmp/pw/eve" backup --all "$work/loot"
is_run 77 "" "$(not_valid eve)" "attack 3: eve cannot copy every database"
unchanged "attack 3: nothing removed, no copy made"

# --- the matrix: verbs run from scratch that reach main ---------------------
# template: back to the template home, which the refusals leave alone.
template() {
	home=$tmpl
	data=$home/.local/share/prontodb
	[ "$backend" = sqlite ] || PRONTO_SERVER=$tmpl_server
}

# both_in DIR NAME: DIR holds a copy of each database; then it goes.
both_in() {
	is "$(ls "$1" | tr '\n' ' ')" "main.$ext scratch.$ext " "$2"
	rm -rf "$1"
}

template
snap "$tmp/before"

# refused NAME VERB...: the five callers that may not act are refused,
# each with its message naming the database as NAME, and nothing changes.
refused() {
	refused_name=$1
	shift
	for who in none wrong eve mallory rita; do
		case $who in
		none) want=$need_auth ;;
		wrong) want=$auth_failed ;;
		eve | mallory) want="prontodb: permission denied: the credentials of '$who' are not valid in database '$refused_name', which has its own users" ;;
		rita) want="prontodb: permission denied: admin access to database '$refused_name' needs an admin of it" ;;
		esac
		as "$who" "$@"
		is_run 77 "" "$want" "$*: $who is refused"
	done
	unchanged "$*: the refusals changed nothing"
}

refused main restore "$tmp/evil.db" --db main
clone
as root restore "$tmp/evil.db" --db main
sed "s|$data/backups/main-[0-9T]*-before-restore.$ext|SAFETY|" "$tmp/out" \
    >"$tmp/got"
is "$rc $(cat "$tmp/got")" "0 SAFETY" "restore --db main: root, admin of both, may"
on root get app.sec.pin
is_run 0 "0000" "" "restore --db main: main now holds evil.db's data"

template
refused main verify main
if [ "$backend" = server ]; then
	# main is no file there: a path to main.db names none, for everyone
	# who logs in to scratch, and nothing is made.
	for who in none wrong eve mallory rita; do
		case $who in
		none) want=$need_auth rc_want=77 ;;
		wrong) want=$auth_failed rc_want=77 ;;
		*) want="prontodb: cannot open $data/main.db" rc_want=74 ;;
		esac
		as "$who" verify "$data/main.db"
		is_run $rc_want "" "$want" \
		    "on a server: verify $data/main.db: there is no such file ($who)"
	done
	unchanged "on a server: verify $data/main.db: nothing changed"
else
	refused "$data/main.db" verify "$data/main.db"
fi
as root verify main
is_run 1 "only-there app.cfg.host
value app.sec.pin" "prontodb: 2 differences" \
    "verify main: root, admin of both, may"
as rita verify "$evil"
is_run 0 "" "" "verify PATH: rita, admin of the copy's origin, may compare with it"

refused main backup --all "$work/all"
clone
as root backup --all "$work/all"
is_run 0 "$work/all" "" "backup --all: root, admin of both, may"
both_in "$work/all" "backup --all: both databases were copied"

template
refused main uninstall --purge --yes --backup-dir "$work/purge"
clone
as root uninstall --purge --yes --backup-dir "$work/purge"
is "$rc" 0 "uninstall --purge: root, admin of every database, may"
ok "uninstall --purge: the data directory is gone" test ! -e "$data"
both_in "$work/purge" "uninstall --purge: both databases were saved first"

template
refused main db drop main --force
clone
as root db drop main --force
is_run 0 "" "" "db drop main: root, admin of both, may"
if [ "$backend" = server ]; then
	is "$(dbs)" "scratch " "on a server: db drop main: db list no longer has it"
else
	ok "db drop main: its file is gone" test ! -e "$data/main.db"
fi

template
refused main db rename main old
clone
as root db rename main old
is_run 0 "" "" "db rename main: root, admin of both, may"
if [ "$backend" = server ]; then
	is "$(dbs)" "old scratch " "on a server: db rename main: main became old"
else
	ok "db rename main: main.db became old.db" \
	    test ! -e "$data/main.db" -a -f "$data/old.db"
fi

# db describe reads counts: a user of main may, an admin is not needed.
template
for who in none wrong eve mallory; do
	case $who in
	none) want=$need_auth ;;
	wrong) want=$auth_failed ;;
	*) want=$(not_valid "$who") ;;
	esac
	as "$who" db describe main
	is_run 77 "" "$want" "db describe main: $who is refused"
done
for who in rita root; do
	as "$who" db describe main
	sed "s|$data/main.db|FILE|; s/^bytes .*/bytes N/" "$tmp/out" >"$tmp/got"
	where="file         FILE"
	[ "$backend" = sqlite ] || where="schema       ${PRONTO_SERVER#*#}main"
	is "$rc $(cat "$tmp/got")" "0 database     main
$where
bytes N
projects     1
namespaces   2
keys         2" "db describe main: $who, a user of main, may"
done
unchanged "db describe: nothing changed"

# -d and a cursor only choose the database: the run is authenticated
# against that database's users.
for who in none wrong eve mallory; do
	case $who in
	none) want=$need_auth ;;
	*) want=$auth_failed ;;
	esac
	on "$who" get app.sec.pin
	is_run 77 "" "$want" "-d main: $who is refused"
	cu=$who
	[ "$who" = wrong ] && cu=root
	[ "$who" = none ] && cu=$(id -un)
	run "$PRONTODB" --home "$home" --user "$cu" cursor set "c$who" db=main
	case $who in
	none) run "$PRONTODB" --home "$home" --cursor "c$who" get app.sec.pin ;;
	wrong) run "$PRONTODB" --home "$home" --cursor "c$who" --user root \
	    --password-file "$tmp/pw/wrong" get app.sec.pin ;;
	*) run "$PRONTODB" --home "$home" --cursor "c$who" --user "$who" \
	    --password-file "$tmp/pw/$who" get app.sec.pin ;;
	esac
	is_run 77 "" "$want" "a cursor on main: $who is refused"
done
on rita get app.sec.pin
is_run 0 "1234" "" "-d main: rita reads what main lets her"
on rita set app.sec.pin 9
is_run 77 "" "prontodb: permission denied: write access to app.sec" \
    "-d main: and is held to main's grants"
on root get app.sec.pin
is_run 0 "1234" "" "-d main: root reads"
rm -rf "$home/.local/state"
unchanged "-d and cursors: the refusals changed nothing"

# --- a refused run makes no database file ----------------------------------
ls "$data" >"$tmp/files.before"
run "$PRONTODB" --home "$home" -d newdb set a.b.c 1
is_run 77 "" "$need_auth" "no credentials on a new database: refused"
run "$PRONTODB" --home "$home" -d newdb --user root \
    --password-file "$tmp/pw/root" get a.b.c
is_run 77 "" "$auth_failed" "credentials for a database that does not exist: refused"
printf 'auth user=root pass="%s"\nget a.b.c\n' "$(cat "$tmp/pw/root")" \
    >"$tmp/in"
run "$PRONTODB" --home "$home" -d newdb <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: authentication failed
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "a stream's auth on a database that does not exist: refused"
run env PRONTO_SECURITY=optional "$PRONTODB" --home "$home" -d newdb \
    --user root --password-file "$tmp/pw/wrong" get a.b.c
is_run 77 "" "$auth_failed" "optional: wrong credentials on a new database"
run "$PRONTODB" --home "$home" -d "$work/new.db" set a.b.c 1
is_rc 77 "no credentials on a new database by path: refused"
ls "$data" >"$tmp/files.after"
same_files=$(cmp -s "$tmp/files.before" "$tmp/files.after" && echo same)
is "$same_files" same "the refused runs made no file in the data directory"
ok "... nor at the path" test ! -e "$work/new.db"

# --- bootstrapping: a new or empty database, never one with data -----------
fresh
data=$home/.local/share/prontodb
PRONTO_SECURITY=optional "$PRONTODB" --home "$home" set app.k.v secret
run env PRONTO_PASS=x "$PRONTODB" --home "$home" user add eve
is_run 77 "" "prontodb: database 'main' holds data but has no users: add its first admin with security optional (PRONTO_SECURITY=optional prontodb user add NAME)" \
    "a database with data but no users cannot be taken over by user add"
run env PRONTO_ADMIN_PASS=x "$PRONTODB" --home "$home" install
is "$rc $(tail -n 1 "$tmp/err")" "77 prontodb: database 'main' holds data but has no users: add its first admin with security optional (PRONTO_SECURITY=optional prontodb user add NAME)" \
    "... nor by install"
run env PRONTO_SECURITY=optional PRONTO_API_KEY= "$PRONTODB" --home "$home" \
    user list
is_run 0 "" "" "... and no user was made"
run env PRONTO_SECURITY=optional PRONTO_PASS="$(cat "$tmp/pw/root")" \
    "$PRONTODB" --home "$home" user add root
is_run 0 "" "" "its owner adds the first admin in optional mode"
run "$PRONTODB" --home "$home" --user root --password-file "$tmp/pw/root" \
    get app.k.v
is_run 0 "secret" "" "who then logs in with security required"
# sum: main's file; on a server its export (but the line of its time),
# users and keys, as root.
sum() {
	if [ "$backend" = server ]; then
		for v in export "user list" "apikey list"; do
			# shellcheck disable=SC2086
			"$PRONTODB" --home "$home" --user root \
			    --password-file "$tmp/pw/root" $v
		done | sed '/^# prontodb export, /d'
	else
		cksum <"$data/main.db"
	fi
}
sum >"$tmp/sum.before"
run env PRONTO_API_KEY=pdb_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
    "$PRONTODB" --home "$home" get app.k.v
is_run 77 "" "$auth_failed" "an API key where none was ever made: refused"
sum >"$tmp/sum.after"
ok "... and the failed login wrote nothing" cmp -s "$tmp/sum.before" "$tmp/sum.after"
run "$PRONTODB" --home "$home" db create empty
is_run 77 "" "$need_auth" "db create needs credentials"
"$PRONTODB" --home "$home" --user root --password-file "$tmp/pw/root" \
    db create empty
run env PRONTO_PASS="$(cat "$tmp/pw/eve")" "$PRONTODB" --home "$home" \
    -d empty user add eve
is_run 0 "" "" "an empty database without users is bootstrapped"

# --- cache verbs obey grants ------------------------------------------------
fresh
T=1800000000000
run env PRONTO_PASS="$(cat "$tmp/pw/root")" "$PRONTODB" --home "$home" \
    user add root
rk=$(PRONTO_API_KEY= "$PRONTODB" --home "$home" --user root \
    --password-file "$tmp/pw/root" apikey create root)
printf '%s\n' "auth apikey=$rk" "user add bob password-file=\"$tmp/pw/rita\"" \
    'user grant bob app read' 'user grant bob app.c write' \
    'cache create app.c ttl=10' 'cache create app.r ttl=10' \
    'cache create zed.c ttl=10' 'apikey create bob' >"$tmp/in"
bk=$("$PRONTODB" --home "$home" --now-ms $T <"$tmp/in")
for ns in app.c app.r zed.c; do
	PRONTO_API_KEY=$rk "$PRONTODB" --home "$home" --now-ms $T set "$ns.k" 1
done
later=$((T + 60000))
run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" --now-ms $later \
    cache sweep app.r
is_run 77 "" "prontodb: permission denied: write access to app.r" \
    "cache sweep P.N needs write on P.N"
run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" --now-ms $later \
    cache sweep zed.c
is_run 77 "" "prontodb: permission denied: write access to zed.c" \
    "cache sweep of a namespace without a grant"
run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" --now-ms $later \
    cache sweep
is_run 0 "1" "" "a bare sweep purges only what the user may write"
for ns in app.r zed.c; do
	run env PRONTO_API_KEY="$rk" "$PRONTODB" --home "$home" \
	    --now-ms $later get "$ns.k" --include-expired
	is_run 0 "1" "" "... $ns.k is still there"
done
run env PRONTO_API_KEY="$rk" "$PRONTODB" --home "$home" --now-ms $later \
    get app.c.k --include-expired
is_rc 2 "... app.c.k was purged"
run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" cache list
is_run 0 "app.c 10000
app.r 10000" "" "cache list shows only what the user may read"
run env PRONTO_API_KEY="$rk" "$PRONTODB" --home "$home" cache list
is_run 0 "app.c 10000
app.r 10000
zed.c 10000" "" "an admin's cache list shows all"
run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" cache describe zed.c
cp "$tmp/err" "$tmp/err.hidden"
is_run 1 "" "prontodb: zed.c is not a cache" \
    "cache describe of an unreadable cache answers as for none"
run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" cache describe zed.nope
is_run 1 "" "prontodb: zed.nope is not a cache" "... as it answers a missing one"
run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" cache describe app.r
is "$rc $(head -n 1 "$tmp/out")" "0 namespace    app.r" \
    "cache describe of a readable cache"
for ns in zed.c zed.nope; do
	run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" \
	    cache set "$ns" --ttl 5
	is_run 77 "" "prontodb: permission denied: admin access to $ns" \
	    "cache set $ns: refused alike, whether the cache exists or not"
	run env PRONTO_API_KEY="$bk" "$PRONTODB" --home "$home" cache drop "$ns"
	is_run 77 "" "prontodb: permission denied: admin access to $ns" \
	    "cache drop $ns: refused alike, whether the cache exists or not"
done

# --- verify loads an export without credentials, and only an export -------
fresh
run env PRONTO_PASS="$(cat "$tmp/pw/root")" "$PRONTODB" --home "$home" \
    user add root
rk=$("$PRONTODB" --home "$home" --user root --password-file "$tmp/pw/root" \
    apikey create root)
PRONTO_API_KEY=$rk "$PRONTODB" --home "$home" set app.cfg.host db1
PRONTO_API_KEY=$rk "$PRONTODB" --home "$home" export >"$tmp/exp.pds"
run env PRONTO_API_KEY="$rk" "$PRONTODB" --home "$home" verify "$tmp/exp.pds"
is_run 0 "" "" "security required: verify EXPORT loads the export"
printf '%s\n' 'db drop main force' 'config set on_error stop' \
    'set app.cfg.host db1' >"$tmp/evil.pds"
run env PRONTO_API_KEY="$rk" "$PRONTODB" --home "$home" verify "$tmp/evil.pds"
is_run 1 "" "prontodb: $tmp/evil.pds:1:1: 'db drop' cannot run here: only the verbs of an export can
prontodb: $tmp/evil.pds:2:1: 'config set' cannot run here: only the verbs of an export can
prontodb: 3 statements, 1 ok, 2 failed, 0 rolled back
prontodb: $tmp/evil.pds does not load cleanly as an export" \
    "an export runs only the verbs of an export"
run env PRONTO_API_KEY="$rk" "$PRONTODB" --home "$home" get app.cfg.host
is_run 0 "db1" "" "... main is still there"
ok "... and no config file was written" \
    test ! -e "$home/.config/prontodb/config"

# --- database names: one rule; control bytes escaped in messages -----------
unset PRONTO_SECURITY
fresh
run pd -d 'a..b' get x.y.z
is_run 64 "" "prontodb: --db must be a database name or a path, not 'a..b'" \
    "-d follows the rule of db create"
run pd db create 'a..b'
is_run 64 "" "prontodb: invalid database name 'a..b': names have no '/' or '..' (use -d PATH for a file elsewhere)" \
    "db create refuses the same name"
run env PRONTO_DB='a..b' "$PRONTODB" --home "$home" get x.y.z
is_run 64 "" "prontodb: PRONTO_DB must be a database name or a path, not 'a..b'" \
    "PRONTO_DB follows it"
mkdir -p "$home/.config/prontodb"
printf 'database = a..b\n' >"$home/.config/prontodb/config"
run pd get x.y.z
is_run 64 "" "prontodb: $home/.config/prontodb/config:1: database must be a database name or a path, not 'a..b'" \
    "the config's database follows it"
rm "$home/.config/prontodb/config"
run pd cursor set work db=a..b
is_run 64 "" "prontodb: database must be a database name or a path, not 'a..b'" \
    "a cursor's database follows it"
run pd --select a..b get x.y.z
is_run 64 "" "prontodb: database must be a database name or a path, not 'a..b'" \
    "--select follows it"
run pd -d "$(printf 'x\033[2Jy')" get x.y.z
is_run 64 "" "prontodb: --db must be a database name or a path, not 'x\x1b[2Jy'" \
    "-d: a control byte is refused, and escaped in the message"
run env PRONTO_DB="$(printf 'x\ny')" "$PRONTODB" --home "$home" get x.y.z
is_run 64 "" "prontodb: PRONTO_DB must be a database name or a path, not 'x\ny'" \
    "PRONTO_DB: a newline cannot forge a second line"
run pd db create "$(printf 'a\tb')"
is_run 64 "" "prontodb: invalid database name 'a\tb': names have no control characters" \
    "db create: a tab is refused and escaped"
run pd db describe "$(printf 'a\033]0;x\007')"
is_run 64 "" "prontodb: invalid database name 'a\x1b]0;x\x07': names have no control characters" \
    "db describe: a terminal escape is shown, not sent"
run pd user del "$(printf 'u\rv')"
is_run 1 "" "prontodb: no user 'u\rv'" "user names are escaped too"
printf 'bogus\n' >"$tmp/$(printf 'f\033x').pds"
run pd -f "$tmp/$(printf 'f\033x').pds"
is_run 65 "" "prontodb: $tmp/f\x1bx.pds:1:1: unknown verb 'bogus'
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "a stream's file name is escaped in its messages"
if [ "$backend" = server ]; then
	run pd db list
	is_run 0 "main" "" "on a server: none of the refused names made a database"
else
	run ls -A "$home/.local/share/prontodb"
	is_run 0 "main.db" "" "none of the refused names made a file"
fi

done_testing
