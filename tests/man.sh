#!/bin/sh
# man.sh - check the manual pages (TAP).
#
# Each page must pass `mandoc -Tlint -Wwarning` without printing a single
# message, and every verb that `prontodb help` lists must have an entry in
# prontodb.1 (a list item headed `.It Ic VERB ...`).  Run by automake with top_srcdir and PRONTODB
# set; by hand, from the source tree as
#	PRONTODB=build/prontodb sh tests/man.sh
# Without mandoc the lint tests are skipped, without PRONTODB the verb test.

case $0 in
*/*)	here=${0%/*} ;;
*)	here=. ;;
esac
srcdir=${top_srcdir:-$here/..}
pages="man/prontodb.1 man/prontodb-stream.5"

set -- $pages
echo "1..$(($# + 1))"
n=0

# --- lint ------------------------------------------------------------------
have_mandoc=0
command -v mandoc >/dev/null 2>&1 && have_mandoc=1
for page in $pages; do
	n=$((n + 1))
	if [ "$have_mandoc" -eq 0 ]; then
		echo "ok $n - $page lints clean # SKIP mandoc not installed"
		continue
	fi
	if [ ! -r "$srcdir/$page" ]; then
		echo "not ok $n - $page lints clean"
		echo "# cannot read $srcdir/$page"
		continue
	fi
	msgs=$(mandoc -Tlint -Wwarning "$srcdir/$page" 2>&1)
	rc=$?
	if [ -z "$msgs" ] && [ "$rc" -eq 0 ]; then
		echo "ok $n - $page lints clean"
	else
		echo "not ok $n - $page lints clean"
		printf '%s\n' "$msgs" | sed 's/^/# /'
		echo "# mandoc exited $rc"
	fi
done

# --- every verb of `prontodb help` is in prontodb.1 -----------------------
n=$((n + 1))
what="every verb that 'prontodb help' lists is documented in prontodb.1"
page=$srcdir/man/prontodb.1
if [ -z "${PRONTODB:-}" ]; then
	echo "ok $n - $what # SKIP PRONTODB is not set"
	exit 0
fi
home=$(mktemp -d "${TMPDIR:-/tmp}/man.XXXXXX") || {
	echo "not ok $n - $what"
	echo "# mktemp failed"
	exit 0
}
trap 'rm -rf "$home"' EXIT
help=$("$PRONTODB" --home "$home" help 2>"$home/err")
rc=$?
# The verb of a help line: the synopsis (up to two blanks, or the first
# word that is not a lowercase name) without its arguments and options.
verbs=$(printf '%s\n' "$help" | awk '
	NR > 1 && /^  [a-z]/ {
		line = substr($0, 3)
		sub(/  .*/, "", line)
		k = split(line, w, " ")
		v = ""
		for (i = 1; i <= k; i++) {
			if (w[i] !~ /^[a-z][a-z-]*$/)
				break
			v = v (v == "" ? "" : " ") w[i]
		}
		print v
	}')
lines=$(printf '%s\n' "$help" | grep -c '^  [a-z]')
# The verbs the page documents: the head of a list item, `.It Ic VERB ...`
# or `.It Xo` followed by `.Ic VERB ...`, up to the first macro or argument.
documented=$(awk '
	function head(s,    k, w, i, v) {
		k = split(s, w, " ")
		v = ""
		for (i = 1; i <= k; i++) {
			if (w[i] !~ /^[a-z][a-z-]*$/)
				break
			v = v (v == "" ? "" : " ") w[i]
		}
		return v
	}
	xo && /^\.Ic / { print head(substr($0, 5)) }
	{ xo = /^\.It Xo$/ }
	/^\.It Ic / { print head(substr($0, 8)) }' "$page" 2>/dev/null)
if [ "$rc" -ne 0 ] || [ ! -r "$page" ]; then
	echo "not ok $n - $what"
	echo "# prontodb help exited $rc; page $page"
	sed 's/^/# /' "$home/err"
	exit 0
fi
count=$(printf '%s\n' "$verbs" | grep -c .)
missing=$(printf '%s\n' "$verbs" | while IFS= read -r v; do
	[ -n "$v" ] || continue
	printf '%s\n' "$documented" | grep -qxF "$v" || echo "$v"
done)
if [ "$count" -gt 0 ] && [ "$count" -eq "$lines" ] && [ -z "$missing" ]; then
	echo "ok $n - $what ($count verbs)"
else
	echo "not ok $n - $what"
	echo "# $count verbs read from $lines help lines"
	printf '%s\n' "$missing" | sed '/^$/d; s/^/# no entry for: /'
fi
