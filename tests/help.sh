#!/bin/sh
# help.sh - help where users look (issue 12): for every verb that `prontodb
# help` lists, `prontodb VERB --help` and `prontodb help VERB` print the same
# usage line, paragraph and example, exit 0 and run nothing; the paragraph
# names every option the usage shows; and the example, pasted as written
# into a shell with a fresh home, succeeds line by line.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/help.sh
. "${top_srcdir:-.}/tests/tap.sh"

# Credentials or settings from the caller's environment would change what
# the examples do.
unset PRONTO_PASS PRONTO_API_KEY PRONTO_ADMIN_PASS PRONTO_OUTPUT \
    PRONTO_NS_DELIM PRONTO_BUSY_TIMEOUT_MS PRONTO_ON_ERROR

# The examples say plain `prontodb`: a stand-in first on PATH runs the
# binary under test in the example's own home.
case $PRONTODB in
/*)	;;
*)	PRONTODB=$(pwd)/$PRONTODB ;;
esac
mkdir "$tmp/bin"
cat >"$tmp/bin/prontodb" <<EOF
#!/bin/sh
exec "$PRONTODB" --home "\$EXAMPLE_HOME" "\$@"
EOF
chmod +x "$tmp/bin/prontodb"

# The verbs, one or two lower-case words at the start of a help line,
# before their arguments or the two blanks before their summary.
fresh
run pd help
name='^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\{0,1\}\)'
verbs=$(sed -n -e "s/$name  .*/\\1/p" -e "s/$name [A-Z[].*/\\1/p" "$tmp/out")
nverbs=$(printf '%s\n' "$verbs" | grep -c .)
nlines=$(grep -c '^  [a-z]' "$tmp/out")
is "$rc:$nverbs" "0:$nlines" "help lists $nlines verbs, each read here"

# --help after a verb's whole arguments still runs nothing: not a write,
# not an uninstall.
fresh
run pd set app.config.host db1 --help
is "$rc:$(ls -A "$home")" "0:" "set with its arguments and --help writes nothing"
pd install >/dev/null
find "$home" | sort >"$tmp/before"
run pd uninstall purge yes no-backup --help
find "$home" | sort >"$tmp/after"
ok "uninstall purge yes --help removes nothing" cmp -s "$tmp/before" \
    "$tmp/after"
is_rc 0 "... and exits 0"

# The parts of the help in $tmp/out: $usage (its lines joined), $paragraph
# (its lines joined, each followed by a blank), $example (one command a
# line), and $shape, what follows what: u for the usage, b a blank line,
# p the paragraph, x the line "example:", e each example line.
split_help() {
	usage=$(awk 'NR == 1 || (u && /^       /) { u = 1; printf "%s ", $0;
	    next } { exit }' "$tmp/out")
	paragraph=$(awk '/^$/ { b++; next } b == 1 { printf "%s ", $0 }' \
	    "$tmp/out")
	example=$(sed -n '/^example:$/,$ s/^  //p' "$tmp/out")
	shape=$(awk '
	    NR == 1 || (last == "u" && /^       /) { s = "u" }
	    NR > 1 && s != "u" {
		if (/^$/) s = "b"
		else if (/^example:$/) s = x = "x"
		else if (x && /^  /) s = "e"
		else s = "p"
	    }
	    s != last || s == "b" || s == "e" { printf "%s", s }
	    { last = s; s = "" }' "$tmp/out")
}

# The options of $usage, as the paragraph should name them: name= for one
# with a value, the bare name of a boolean.
usage_options() {
	printf '%s\n' "$usage" | awk '{
		while (match($0, /\[--[a-z_-]+[] ]/)) {
			o = substr($0, RSTART + 3, RLENGTH - 4)
			last = substr($0, RSTART + RLENGTH - 1, 1)
			print o (last == " " ? "=" : "")
			$0 = substr($0, RSTART + RLENGTH)
		}
	}'
}

# Write the example lines ($1) of verb $2 as the script $ex.sh, which
# runs them in one shell, in the empty directory $ex with the fresh home
# $ex.home, as a user would paste them, and leaves in $ex.rc a line per
# command: its number and its exit status.
write_example() {
	mkdir "$ex" "$ex.home"
	printf '%s\n' "$2" >"$ex.verb"
	printf '%s\n' "$1" >"$ex.lines"
	{
		printf 'cd "%s" || exit 1\n' "$ex"
		printf 'EXAMPLE_HOME="%s"; export EXAMPLE_HOME\n' "$ex.home"
		printf '%s\n' "$1" | awk '{ print
		    printf "echo \"%d $?\" >>\"%s.rc\"\n", NR, ex }' ex="$ex"
	} >"$ex.sh"
}

# The loop reads the verbs from a pipe, so it runs in a subshell: its
# results go to a file and are counted after it.  It writes each example
# as a script, run after it.
printf '%s\n' "$verbs" | while IFS= read -r v; do
	fresh
	# shellcheck disable=SC2086 # a verb of two words is two arguments
	run pd $v --help
	cp "$tmp/out" "$tmp/dashdash"
	dashrc=$rc
	dasherr=$(cat "$tmp/err")
	# shellcheck disable=SC2086
	run pd help $v
	what="$v: --help and help $v print the same and exit 0"
	if [ "$dashrc:$rc:$dasherr" = "0:0:" ] && [ ! -s "$tmp/err" ] &&
	    cmp -s "$tmp/dashdash" "$tmp/out"; then
		tap_result 0 "$what"
	else
		tap_result 1 "$what"
		echo "#   --help exited $dashrc, help $v exited $rc"
		diff "$tmp/dashdash" "$tmp/out" | sed 's/^/#   /'
	fi
	is "$(ls -A "$home")" "" "$v: --help and help $v run nothing"

	# The usage, a paragraph of 2 to 6 sentences (roughly: a full stop
	# and a blank after a letter, digit, parenthesis or =) that ends with a
	# full stop, unlike the one-line summary printed when a verb has no
	# paragraph, then 1 to 3 example lines.
	split_help
	sentences=$(printf '%s\n' "$paragraph" |
	    awk '{ print gsub(/[A-Za-z0-9)=]\. /, "&") }')
	case $usage:$shape in
	"usage: prontodb $v "*:ubpbxe|"usage: prontodb $v "*:ubpbxee|\
	"usage: prontodb $v "*:ubpbxeee)
		good=$sentences ;;
	*)	good=0 ;;
	esac
	case $paragraph in
	*". ")	;;
	*)	good=0 ;;
	esac
	what="$v: usage, a paragraph, then an example"
	if [ "$good" -ge 2 ] && [ "$good" -le 6 ]; then
		tap_result 0 "$what"
	else
		tap_result 1 "$what"
		echo "#   shape $shape, about $sentences sentences:"
		sed 's/^/#     /' "$tmp/out"
	fi

	missing=$(usage_options | while IFS= read -r want; do
		case $want in
		*=)	printf '%s\n' "$paragraph" | grep -q -F -e "$want" ;;
		*)	printf '%s\n' "$paragraph" | grep -q -w -e "$want" ;;
		esac || printf ' %s' "$want"
	done)
	is "$missing" "" "$v: the paragraph names every option of the usage"

	ex=$tmp/ex$(printf %03d "$homes")
	write_example "$example" "$v"
done >"$tmp/tap"
cat "$tmp/tap"
tap_n=$((tap_n + $(grep -c '^\(not \)\{0,1\}ok ' "$tmp/tap")))
tap_failed=$((tap_failed + $(grep -c '^not ok ' "$tmp/tap")))

# The examples mostly wait for the disk (every write is synced): run four
# at a time.
n=0
for sh in "$tmp"/ex*.sh; do
	ex=${sh%.sh}
	PATH=$tmp/bin:$PATH sh "$sh" </dev/null >"$ex.out" 2>"$ex.err" &
	n=$((n + 1))
	[ $((n % 4)) -ne 0 ] || wait
done
wait
for sh in "$tmp"/ex*.sh; do
	ex=${sh%.sh}
	v=$(cat "$ex.verb")
	if [ "$(cat "$ex.rc" 2>/dev/null)" = "$(awk '{ print NR, 0 }' \
	    "$ex.lines")" ]; then
		tap_result 0 "$v: the example works as written"
	else
		tap_result 1 "$v: the example works as written"
		echo "#   example:"
		sed 's/^/#     /' "$ex.lines"
		echo "#   each line's exit status:"
		sed 's/^/#     /' "$ex.rc" 2>/dev/null
		echo "#   stderr:"
		sed 's/^/#     /' "$ex.err"
	fi
done
done_testing
