#!/bin/sh
# examples.sh - run every examples/*.pds and compare with its golden files.
#
# NAME.out is the exact stdout; NAME.err, when present, the exact stderr
# (otherwise stderr must be empty); a "# exit: N" line sets the expected
# exit status (default 0).  Each example runs in a fresh home.
: "${PRONTODB:?}" "${top_srcdir:?}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

for pds in "$top_srcdir"/examples/*.pds; do
	name=$(basename "$pds" .pds)
	dir="$top_srcdir/examples"
	want_rc=$(sed -n 's/^# exit: \([0-9]*\)$/\1/p' "$pds")
	"$PRONTODB" --home "$tmp/$name" <"$pds" >"$tmp/$name.out" \
	    2>"$tmp/$name.err"
	rc=$?
	[ "$rc" = "${want_rc:-0}" ]
	check $? "$name: exit status ${want_rc:-0} (got $rc)"
	cmp -s "$tmp/$name.out" "$dir/$name.out"
	r=$?
	check $r "$name: stdout matches $name.out"
	[ $r = 0 ] || diff "$dir/$name.out" "$tmp/$name.out" | sed 's/^/# /'
	if [ -f "$dir/$name.err" ]; then
		cmp -s "$tmp/$name.err" "$dir/$name.err"
	else
		[ ! -s "$tmp/$name.err" ]
	fi
	r=$?
	check $r "$name: stderr is as expected"
	[ $r = 0 ] || sed 's/^/# /' "$tmp/$name.err"
done
echo "1..$n"
exit 0
