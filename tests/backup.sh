#!/bin/sh
# backup.sh - backup while writers run, restore with checks, check.
. "$top_srcdir/tests/tap.sh"

# On a server (the setting server) a backup is a file of its own, NAME.pgbackup
# by default, not an SQLite file that -d can open: it is read by restoring it
# into a database.  ext is the default backup's extension; srv names a
# test that asserts that difference.
ext=db
srv=
if [ "$backend" = server ]; then
	ext=pgbackup
	srv="on a server, read by restore --db: "
fi
# readable FILE NAME: what -d takes to read backup FILE: FILE itself on
# SQLite; on a server the database NAME, with FILE restored into it.
readable() {
	if [ "$backend" = server ]; then
		pd restore "$1" --db "$2" >/dev/null && echo "$2"
	else
		echo "$1"
	fi
}

fresh
pd set a.b.c 1
run pd backup
is_rc 0 "backup to the default place"
bak=$(cat "$tmp/out")
case "$bak" in
"$home"/.local/share/prontodb/backups/main-2*T*.$ext) r=0 ;;
*) r=1 ;;
esac
is $r 0 "the default is backups/DB-YYYYmmddTHHMMSS.$ext"
run stat -c %a "$bak"
is_out "600" "a backup is private"
run pd backup list
is_out "$bak $(stat -c %s "$bak")" "backup list shows it with its size"

pd set a.b.c 2
run pd restore "$bak"
is_rc 0 "restore"
safety=$(cat "$tmp/out")
run pd get a.b.c
is_out "1" "the restored value is back"
run "$PRONTODB" --home "$home" -d "$(readable "$safety" safety)" get a.b.c
is_out "2" "${srv}the replaced database was kept as a safety copy"

printf 'not a database at all\n' >"$tmp/junk.db"
run pd restore "$tmp/junk.db"
if [ "$backend" = server ]; then
	is_run 1 "" "prontodb: $tmp/junk.db is not a whole backup of a database on a server" \
	    "on a server: a foreign file is refused as no whole backup"
else
	is_run 1 "" "prontodb: $tmp/junk.db is corrupt or not a database" \
	    "a foreign file is refused"
fi
run pd get a.b.c
is_out "1" "a refused restore changes nothing"
cut=8192
# (A server's backup of one key is smaller than that: half of it.)
[ "$backend" = sqlite ] || cut=$(($(stat -c %s "$bak") / 2))
head -c $cut "$bak" >"$tmp/cut.db"
run pd restore "$tmp/cut.db"
is_rc 1 "a truncated backup is refused"
run pd restore "$bak" --db copy
is_rc 0 "restore into another database"
run pd -d copy get a.b.c
is_out "1" "the copy holds the backup's data"

run pd check
is_run 0 "ok" "" "check of a sound database"
run pd backup "$bak"
is_run 1 "" "prontodb: $bak already exists" "backup never overwrites a file"

# A backup is a new file, made 0600, and never written through a link.
mkdir "$tmp/w"
ln -s "$tmp/w/target.db" "$tmp/w/dangling"
run pd backup "$tmp/w/dangling"
is_run 1 "" "prontodb: $tmp/w/dangling already exists" \
    "backup refuses a dangling symbolic link"
ok "... and makes nothing where it points" test ! -e "$tmp/w/target.db"
mkdir "$tmp/w/dir"
run pd backup "$tmp/w/dir"
is_run 1 "" "prontodb: $tmp/w/dir already exists" "backup refuses a directory"
run sh -c "cd '$tmp/w' && '$PRONTODB' --home '$home' backup 'file:b.db'"
is_run 0 "file:b.db" "" "backup takes a file: URI for a plain name"
ok "... and writes the file of that name" test -f "$tmp/w/file:b.db"
ok "... not the file the URI names" test ! -e "$tmp/w/b.db"
run sh -c "cd '$tmp/w' && '$PRONTODB' --home '$home' backup -- 'file:c.db?mode=memory'"
is_run 0 "file:c.db?mode=memory" "" "... with a query too, after --"
ok "... which is part of the name" test -f "$tmp/w/file:c.db?mode=memory"
run sh -c "umask 0; '$PRONTODB' --home '$home' backup '$tmp/w/open.db'"
is_run 0 "$tmp/w/open.db" "" "backup under umask 0"
run stat -c %a "$tmp/w/open.db"
is_out "600" "... is still private"
ls -A "$tmp/w" >"$tmp/w.list"
is "$(cat "$tmp/w.list" | tr '\n' ' ')" "dangling dir file:b.db file:c.db?mode=memory open.db " \
    "backups leave no temporary file behind"
mkdir "$tmp/w/file:sub"
if [ "$backend" = server ]; then
	# A path is an SQLite file on a server too; open.db is a server's backup.
	pd -d "$tmp/w/file:sub/c.db" set a.b.c 1
else
	cp "$tmp/w/open.db" "$tmp/w/file:sub/c.db"
fi
run sh -c "cd '$tmp/w' && '$PRONTODB' --home '$home' -d 'file:sub/c.db' get a.b.c"
is_run 0 "1" "" "-d takes a file: URI for a plain path too"
ok "... and opens nothing else" test ! -e "$tmp/w/sub"

# backup --all: every database, the config and the cursors.
fresh
pd set a.b.c 1
pd db create two
pd -d two set x.y.z 2
pd config set on_error stop
pd cursor set work --db two
run pd backup --all "$tmp/all"
is_run 0 "$tmp/all" "" "backup --all into a directory"
run ls "$tmp/all"
is_out "config
cursors
main.$ext
two.$ext" "${srv}it holds every database, the config and the cursors"
run pd -d "$(readable "$tmp/all/two.$ext" two2)" get x.y.z
is_out "2" "${srv}each database in it is a working snapshot"
run pd backup --all "$tmp/all"
is_run 1 "" "prontodb: $tmp/all already exists" "backup --all never overwrites"
run stat -c %a "$tmp/all/main.$ext" "$tmp/all/two.$ext"
is_out "600
600" "backup --all: each database is private"
ln -s "$tmp/nowhere" "$tmp/all2"
run pd backup --all "$tmp/all2"
is_run 1 "" "prontodb: $tmp/all2 already exists" \
    "backup --all refuses a dangling symbolic link"
ok "... and makes nothing where it points" test ! -e "$tmp/nowhere"

# A backup taken while two writers run restores to a consistent prefix.
fresh
w() {
	i=0
	while [ $i -lt 400 ]; do
		echo "begin; set w$1.n.k$i $i; set w$1.n.last $i; commit"
		i=$((i + 1))
	done | pd >/dev/null 2>&1
}
w 1 & p1=$!
w 2 & p2=$!
sleep 0.3
run pd backup "$tmp/live.db"
is_rc 0 "backup while two writers are active"
wait $p1 $p2
live=$(readable "$tmp/live.db" live)
run "$PRONTODB" --home "$home" -d "$live" check
is_run 0 "ok" "" "${srv}the live backup passes the integrity check"
for n in 1 2; do
	last=$("$PRONTODB" --home "$home" -d "$live" -q get w$n.n.last)
	count=$("$PRONTODB" --home "$home" -d "$live" keys w$n.n.k | wc -l)
	[ -z "$last" ] && last=-1
	[ "$count" -eq $((last + 1)) ]
	is $? 0 "writer $n: the backup holds a consistent prefix ($count keys, last $last)"
done

# A backup in a stream commits the writes grouped before it, so the file
# holds them; inside a block, -1 or a dry run it cannot run.
fresh
printf 'set p.n.k v\nbackup %s\n' "$tmp/grouped.db" | pd >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 0 "$tmp/grouped.db" "" "backup after a write in the same stream"
run "$PRONTODB" --home "$home" -d "$(readable "$tmp/grouped.db" grouped)" get p.n.k
is_out "v" "${srv}... holds that write"
printf 'begin\nset p.n.j v\nbackup %s\ncommit\n' "$tmp/block.db" |
    pd >"$tmp/out" 2>"$tmp/err"
rc=$?
is_run 65 "" "prontodb: <stdin>:3:1: backup cannot run inside a transaction (begin, -1 or --dry-run)
prontodb: 4 statements, 0 ok, 1 failed, 3 rolled back" "backup inside a block is refused"
ok "... and makes no file" test ! -e "$tmp/block.db"
run pd --dry-run backup "$tmp/dry.db"
is_rc 64 "backup in a dry run is refused"
ok "... and makes no file" test ! -e "$tmp/dry.db"

done_testing
