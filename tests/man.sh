#!/bin/sh
# man.sh - lint the manual pages with mandoc (TAP).
#
# Each page must pass `mandoc -Tlint -Wwarning` without printing a single
# message.  Run by automake with top_srcdir set; by hand, from the source
# tree as `sh tests/man.sh`.

case $0 in
*/*)	here=${0%/*} ;;
*)	here=. ;;
esac
srcdir=${top_srcdir:-$here/..}
pages="man/prontodb.1 man/prontodb-stream.5"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..0 # SKIP mandoc not installed"
	exit 0
fi

set -- $pages
echo "1..$#"
n=0
for page in $pages; do
	n=$((n + 1))
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
