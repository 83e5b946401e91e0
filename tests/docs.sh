#!/bin/sh
# docs.sh - run the examples of the documents and compare what they print
# with what the documents show (TAP).
#
# The examples are every code block of README.md (fenced, or indented by
# four spaces), the displays (.Bd) of the EXAMPLES section of
# man/prontodb.1 and every display of man/prontodb-stream.5.  An example
# that drifts from the program fails `make check`, and so does a block
# this script cannot read, so a new example cannot escape unnoticed.
#
# How a block is read:
#
# - A block whose first line begins with "$ " is a shell session.  Each
#   "$ " line is a command (a line ending in a backslash goes on on the
#   next one, and a here-document's lines belong to its command); the
#   lines after it, up to the next command or the end of the block, are
#   what it prints.  A shown line that begins with "prontodb: " is
#   expected on the standard error, any other on the standard output, and
#   both must match exactly, in order.  A command may exit non-zero only
#   when the block shows it: a "prontodb: " line among its output, or a
#   next command "echo $?", which prints the status.
# - Any other block is a stream, fed to prontodb on its standard input.
#   Its output is the block marked "output" that follows it, if any (the
#   pair of blocks is one example); without one it must print nothing
#   and exit 0.
# - In shown output, "..." stands for any text within the line (times,
#   generated keys), and a line that is only "..." for any number of
#   lines (the rest of a help text).
#
# Each example runs in a directory and a --home of its own: the commands
# run in order in one sh(1), in which `prontodb` is the binary under test
# with that --home, so a block reads as a reader would type it.
#
# Markers, written right before a block (an mdoc comment line
# `.\" docs: WORD ...`, or an HTML comment line `<!-- docs: WORD ... -->`
# in Markdown), change that:
#
#	illustrative	the block is not run (a template, a grammar, the
#			Quick start that CI runs itself); say why after it
#	continued	the block goes on from the example before it in the
#			same document: same directory, home and shell
#	setup CMD	run CMD before the block, unseen by the reader (it
#			must exit 0); may be repeated
#	file NAME	(a stream) written to NAME and run as prontodb -f NAME
#	output [exit N]	the block is what the stream before it prints, and
#			the stream exits N (default 0)
#	server		the block starts a chain whose database names live on
#			the server of PRONTO_TEST_SERVER (PRONTO_SERVER, unseen,
#			with a prefix of its own); without one it is skipped
#
# The last lines of the output say how many examples ran, and a document
# in which none was found fails.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=$PWD/prontodb top_srcdir=. sh tests/docs.sh
. "${top_srcdir:-.}/tests/tap.sh"

docs_r=$tmp/docs
mkdir "$docs_r" "$docs_r/bin" || exit 1

# The prontodb of the examples: the binary under test, in the example's
# home.
cat >"$docs_r/bin/prontodb" <<'EOF'
#!/bin/sh
exec "$PRONTODB" --home "$DOCS_HOME" "$@"
EOF
chmod +x "$docs_r/bin/prontodb"

# --- stage 1: the blocks of each document, with their markers -------------
#
# Records, one per line, fields separated by tabs:
#	@doc NAME		@mark LINE WORDS	@block LINE
#	@text LINE TEXT		@end			@error LINE MESSAGE

# mdoc: .Bd displays (in EXAMPLES only when scope=examples); their text is
# unescaped, and an escape or macro this script does not know is an error.
mdoc_blocks='
function err(m) { printf "@error\t%d\t%s\n", NR, m }
function unescape(s,    r, i, c) {
	r = ""
	while ((i = index(s, "\\")) > 0) {
		r = r substr(s, 1, i - 1)
		c = substr(s, i + 1, 1)
		if (c == "e" || c == "\\")
			r = r "\\"
		else if (c == "-")
			r = r "-"
		else if (c == "(" && substr(s, i + 2, 2) == "dq") {
			r = r "\""
			i += 2
		} else if (c == "(" && substr(s, i + 2, 2) == "aq") {
			r = r "\047"
			i += 2
		} else if (c != "&") {
			err("an escape this test cannot read: \\" c)
			return r
		}
		s = substr(s, i + 2)
	}
	return r s
}
BEGIN { printf "@doc\t%s\n", doc; insec = scope == "all" }
inblock && $0 == ".Ed" { print "@end"; inblock = 0; next }
inblock && /^\.\\"/ { next }
inblock && /^[.\047]/ { err("a macro inside a display"); next }
inblock { printf "@text\t%d\t%s\n", NR, unescape($0); next }
/^\.Sh / {
	if (nmark > 0)
		err("a docs: marker must stand right before a display")
	nmark = 0
	if (scope != "all")
		insec = $0 == ".Sh EXAMPLES"
	next
}
/^\.\\" docs:/ {
	if (!insec)
		err("a docs: marker outside the examples")
	m = $0
	sub(/^\.\\" docs:[ \t]*/, "", m)
	marks[++nmark] = NR "\t" m
	next
}
!insec { next }
/^\.Bd / {
	for (i = 1; i <= nmark; i++)
		printf "@mark\t%s\n", marks[i]
	nmark = 0
	if ($0 !~ /^\.Bd -literal/)
		err("only .Bd -literal displays can be examples")
	printf "@block\t%d\n", NR
	inblock = 1
	next
}
/^\.D[l1]( |$)/ { err("a one-line display: use .Bd -literal"); next }
/^\.\\"/ { next }
nmark > 0 { err("a docs: marker must stand right before a display"); nmark = 0 }
END {
	if (inblock)
		err("a display without its .Ed")
	if (nmark > 0)
		err("a docs: marker must stand right before a display")
}'

# Markdown: fenced blocks and blocks indented by four spaces or a tab
# after a blank line, a heading or a marker; blank lines at the end of an
# indented block are not part of it.
md_blocks='
function err(m) { printf "@error\t%d\t%s\n", NR, m }
function open(   i) {
	for (i = 1; i <= nmark; i++)
		printf "@mark\t%s\n", marks[i]
	nmark = 0
	printf "@block\t%d\n", NR
}
BEGIN { printf "@doc\t%s\n", doc; after = 1 }
fence {
	if (substr($0, 1, 3) == fence) {
		print "@end"
		fence = ""
		after = 0
	} else
		printf "@text\t%d\t%s\n", NR, $0
	next
}
indent && /^(    |\t)/ {
	for (i = 1; i <= nblank; i++)
		printf "@text\t%d\t\n", blank[i]
	nblank = 0
	sub(/^(    |\t)/, "")
	printf "@text\t%d\t%s\n", NR, $0
	next
}
indent && /^[ \t]*$/ { blank[++nblank] = NR; next }
indent { print "@end"; indent = 0; nblank = 0; after = 1 }
/^<!-- docs:.*-->[ \t]*$/ {
	m = $0
	sub(/^<!-- docs:[ \t]*/, "", m)
	sub(/[ \t]*-->[ \t]*$/, "", m)
	marks[++nmark] = NR "\t" m
	after = 1
	next
}
/^<!-- docs:/ { err("a docs: marker must be one line"); next }
/^(```|~~~)/ { open(); fence = substr($0, 1, 3); next }
/^(    |\t)/ && after {
	open()
	indent = 1
	sub(/^(    |\t)/, "")
	printf "@text\t%d\t%s\n", NR, $0
	next
}
/^[ \t]*$/ { after = 1; next }
/^#/ { after = 1 }
!/^#/ { after = 0 }
nmark > 0 { err("a docs: marker must stand right before a block"); nmark = 0 }
END {
	if (fence != "")
		err("a fenced block without its end")
	if (indent)
		print "@end"
	if (nmark > 0)
		err("a docs: marker must stand right before a block")
}'

# --- stage 2: examples into scripts ---------------------------------------
#
# For each chain of examples (a block and the blocks "continued" from it)
# a script chainN.sh; for each check an entry in plan (tab-separated:
# kind id where rc echo title), with the check's files in $docs_r: ID.cmd
# (a command), ID.pds (a stream), ID.want (the output shown).  The chain
# scripts write ID.out, ID.err and ID.rc.
plan_blocks='
function err(line, m) {
	printf "error\t-\t%s:%d\t-\t-\t%s\n", doc, line, m >plan
}
function runner(c) { return R "/chain" c ".sh" }
function new_chain() {
	nchain++
	f = runner(nchain)
	printf "DOCS_HOME=$DOCS_W/%d/home; export DOCS_HOME\n", nchain >f
	printf "TMPDIR=$DOCS_W/%d/tmp; export TMPDIR\n", nchain >f
	printf "mkdir -p \"$DOCS_HOME\" \"$TMPDIR\" \"$DOCS_W/%d/work\" &&\n", \
	    nchain >f
	printf "    cd \"$DOCS_W/%d/work\" || exit 1\n_docs_rc=0\n", nchain >f
	return nchain
}
# A check: its files, and how the chain runs it (rc: an exit status, or
# - for a command, whose status the block must show when not 0).
function add(kind, where, rc, echo, title, text, n,    id, i, f) {
	id = "e" ++nid
	f = R "/" id (kind == "stream" ? ".pds" : ".cmd")
	for (i = 1; i <= n; i++)
		print text[i] >f
	close(f)
	printf "" >(R "/" id ".want")
	close(R "/" id ".want")
	printf "%s\t%s\t%s:%d\t%s\t%d\t%s\n", kind, id, doc, where, rc, echo,
	    title >plan
	return id
}
function want(id, lines, from, to,    f, i) {
	f = R "/" id ".want"
	for (i = from; i <= to; i++)
		print lines[i] >f
	close(f)
}
function run_cmd(c, id, redir,    f) {
	f = runner(c)
	printf "(exit $_docs_rc); { . \"$DOCS_R/%s.cmd\"\n", id >f
	printf "} >\"$DOCS_R/%s.out\" %s </dev/null\n", id, redir >f
	printf "_docs_rc=$?; echo $_docs_rc >\"$DOCS_R/%s.rc\"\n", id >f
}
function run_stream(c, id, file,    f) {
	f = runner(c)
	if (file == "")
		printf "{ prontodb <\"$DOCS_R/%s.pds\"; }", id >f
	else
		printf "{ cp \"$DOCS_R/%s.pds\" %s && prontodb -f %s; }", id,
		    file, file >f
	printf " >\"$DOCS_R/%s.out\" 2>\"$DOCS_R/%s.err\" </dev/null\n", id,
	    id >f
	printf "echo $? >\"$DOCS_R/%s.rc\"\n", id >f
}
# A shell session: commands, each with the lines it prints.
function session(c,    i, j, k, n, ncmd, s, d, nd, dl, body, start) {
	ncmd = 0
	i = 1
	while (i <= nl) {
		if (substr(txt[i], 1, 2) != "$ ") {
			err(tline[i], "expected a command (\"$ \") here")
			return
		}
		ncmd++
		cline[ncmd] = tline[i]
		n = 0
		body[++n] = substr(txt[i], 3)
		nd = 0
		for (;;) {
			s = body[n]
			while (match(s, /<<-?[ \t]*[\047"]?[A-Za-z_][A-Za-z0-9_]*/)) {
				d = substr(s, RSTART, RLENGTH)
				s = substr(s, RSTART + RLENGTH)
				sub(/^<<-?[ \t]*[\047"]?/, "", d)
				dl[++nd] = d
			}
			if (body[n] !~ /\\$/)
				break
			if (++i > nl) {
				err(cline[ncmd], "a command ends in a backslash")
				return
			}
			body[++n] = txt[i]
		}
		i++
		for (k = 1; k <= nd; k++) {
			while (i <= nl && txt[i] != dl[k])
				body[++n] = txt[i++]
			if (i > nl) {
				err(cline[ncmd], "a here-document without " dl[k])
				return
			}
			body[++n] = txt[i++]
		}
		for (k = 1; k <= n; k++)
			cbody[ncmd, k] = body[k]
		clen[ncmd] = n
		ostart[ncmd] = i
		while (i <= nl && substr(txt[i], 1, 2) != "$ ")
			i++
		oend[ncmd] = i - 1
	}
	for (j = 1; j <= ncmd; j++) {
		for (k = 1; k <= clen[j]; k++)
			body[k] = cbody[j, k]
		echo = j < ncmd && cbody[j + 1, 1] ~ /^echo \$\?/
		id = add("cmd", cline[j], "-", echo, "$ " cbody[j, 1], body,
		    clen[j])
		want(id, txt, ostart[j], oend[j])
		run_cmd(c, id, "2>\"$DOCS_R/" id ".err\"")
	}
}
function flush(   id) {
	if (pend == "")
		return
	id = add("stream", pline, prc, 0, "stream of " pn " lines", ptxt, pn)
	want(id, pout, 1, npout)
	run_stream(pchain, id, pfile)
	pend = ""
	npout = 0
}
function block_end(    i, w, n, illus, cont, out, file, rc, setup, ns, c, srv) {
	illus = cont = out = srv = 0
	file = ""
	rc = 0
	ns = 0
	for (i = 1; i <= nm; i++) {
		n = split(mark[i], w, /[ \t]+/)
		if (w[1] ~ /^illustrative:?$/)
			illus = 1
		else if (w[1] == "continued" && n == 1)
			cont = 1
		else if (w[1] == "server" && n == 1)
			srv = 1
		else if (w[1] == "setup" && n > 1) {
			setup[++ns] = mark[i]
			sub(/^setup[ \t]+/, "", setup[ns])
		} else if (w[1] == "file" && n == 2 && w[2] ~ /^[A-Za-z0-9._-]+$/)
			file = w[2]
		else if (w[1] == "output" && (n == 1 ||
		    (n == 3 && w[2] == "exit" && w[3] ~ /^[0-9]+$/))) {
			out = 1
			rc = n == 3 ? w[3] + 0 : 0
		} else
			err(markline[i], "unknown marker \"" mark[i] "\"")
	}
	nm = 0
	if (illus) {
		nillus[doc]++
		return
	}
	if (out) {
		if (pend == "") {
			err(bline, "an output block must follow a stream")
			return
		}
		for (i = 1; i <= nl; i++)
			pout[i] = txt[i]
		npout = nl
		prc = rc
		flush()
		return
	}
	flush()
	if (nl == 0) {
		err(bline, "an empty block")
		return
	}
	if (cont && last == 0) {
		err(bline, "continued, but no example comes before it")
		return
	}
	if (srv && (cont || server == "")) {
		if (cont)
			err(bline, "server starts a chain: not continued")
		else
			printf "skip\t-\t%s:%d\t-\t-\tneeds a server # SKIP " \
			    "no server: set PRONTO_TEST_SERVER\n", doc, bline >plan
		last = 0
		skipping = 1
		return
	}
	if (cont && skipping)
		return		# it continues a skipped example
	skipping = 0
	c = cont ? last : new_chain()
	last = c
	nex[doc]++
	if (srv)
		printf "PRONTO_SERVER=\"$PRONTO_TEST_SERVER#d$$c%d_\"; " \
		    "export PRONTO_SERVER\n", c >runner(c)
	for (i = 1; i <= ns; i++) {
		w[1] = setup[i]
		id = add("setup", bline, 0, 0, "setup: " setup[i], w, 1)
		run_cmd(c, id, "2>&1")
	}
	if (substr(txt[1], 1, 2) == "$ ") {
		if (file != "")
			err(bline, "file is for a stream")
		session(c)
		return
	}
	for (i = 1; i <= nl; i++) {
		ptxt[i] = txt[i]
	}
	pn = nl
	pend = "yes"
	pline = bline
	pfile = file
	pchain = c
	prc = 0
}
BEGIN { FS = "\t"; plan = R "/plan" }
$1 == "@doc" { flush(); doc = $2; last = 0; docs[++ndocs] = doc; next }
$1 == "@error" { err($2, $3); next }
$1 == "@mark" {
	markline[++nm] = $2
	mark[nm] = $0
	sub(/^@mark\t[0-9]+\t/, "", mark[nm])
	next
}
$1 == "@block" { bline = $2; nl = 0; next }
$1 == "@text" {
	txt[++nl] = $0
	sub(/^@text\t[0-9]+\t/, "", txt[nl])
	tline[nl] = $2
	next
}
$1 == "@end" { block_end(); next }
END {
	flush()
	for (i = 1; i <= ndocs; i++)
		printf "%s %d %d\n", docs[i], nex[docs[i]],
		    nillus[docs[i]] >(R "/count")
	print nchain >(R "/chains")
}'

# The check of one command or stream: the shown lines against what it
# printed, "prontodb: " lines against stderr, others against stdout.
compare='
function match_line(pat, got,    n, p, i, at) {
	n = split(pat, p, /\.\.\./)
	if (n == 1)
		return pat == got
	if (substr(got, 1, length(p[1])) != p[1])
		return 0
	got = substr(got, length(p[1]) + 1)
	for (i = 2; i < n; i++) {
		if ((at = index(got, p[i])) == 0)
			return 0
		got = substr(got, at + length(p[i]))
	}
	return length(got) >= length(p[n]) &&
	    substr(got, length(got) - length(p[n]) + 1) == p[n]
}
FILENAME == want {
	if (substr($0, 1, 10) == "prontodb: ")
		we[++nwe] = $0
	else
		wo[++nwo] = $0
	next
}
FILENAME == out { go[++ngo] = $0; next }
FILENAME == err { ge[++nge] = $0; next }
# Whether the shown lines w match the printed lines g, a shown "..."
# standing for any number of lines (m: the table of suffixes that match).
function match_lines(w, nw, g, ng,    m, i, j) {
	for (i = nw + 1; i >= 1; i--)
		for (j = ng + 1; j >= 1; j--)
			if (i > nw)
				m[i, j] = j > ng
			else if (w[i] == "...")
				m[i, j] = m[i + 1, j] || (j <= ng && m[i, j + 1])
			else
				m[i, j] = j <= ng && match_line(w[i], g[j]) &&
				    m[i + 1, j + 1]
	return m[1, 1]
}
END { exit !(match_lines(wo, nwo, go, ngo) && match_lines(we, nwe, ge, nge)) }'

# --- the documents ---------------------------------------------------------
{
	awk -v doc=README.md "$md_blocks" "$top_srcdir/README.md"
	awk -v doc=prontodb.1 -v scope=examples "$mdoc_blocks" \
	    "$top_srcdir/man/prontodb.1"
	awk -v doc=prontodb-stream.5 -v scope=all "$mdoc_blocks" \
	    "$top_srcdir/man/prontodb-stream.5"
} >"$docs_r/blocks"
: >"$docs_r/plan"
awk -v R="$docs_r" -v server="${PRONTO_TEST_SERVER:-}" "$plan_blocks" \
    "$docs_r/blocks"

# --- run ---------------------------------------------------------------------
PATH=$docs_r/bin:$PATH
DOCS_R=$docs_r
DOCS_W=$tmp/work
export PATH DOCS_R DOCS_W PRONTODB
c=1
while [ "$c" -le "$(cat "$docs_r/chains")" ]; do
	sh "$docs_r/chain$c.sh" </dev/null >/dev/null 2>&1
	c=$((c + 1))
done

# --- judge ---------------------------------------------------------------------
show() {
	printf '#   %s:\n' "$1"
	if [ -s "$2" ]; then
		sed 's/^/#     /' "$2"
	else
		echo "#     (nothing)"
	fi
}

tab=$(printf '\t')
checks=0
while IFS=$tab read -r kind id where want_rc echo title; do
	if [ "$kind" = error ]; then
		tap_result 1 "$where: $title"
		continue
	fi
	if [ "$kind" = skip ]; then
		tap_result 0 "$where: $title"
		continue
	fi
	checks=$((checks + 1))
	f=$docs_r/$id
	got_rc=$(cat "$f.rc" 2>/dev/null) || got_rc="(not run)"
	why=
	case $kind in
	setup)
		[ "$got_rc" = 0 ] || why="the setup exited $got_rc"
		;;
	stream)
		[ "$got_rc" = "$want_rc" ] ||
		    why="exit status $got_rc, not $want_rc"
		;;
	cmd)
		[ "$got_rc" = 0 ] || [ "$echo" = 1 ] ||
		    grep -q '^prontodb: ' "$f.want" ||
		    why="exit status $got_rc, which the document does not show"
		;;
	esac
	if [ "$kind" != setup ] && [ -z "$why" ] && ! awk -v want="$f.want" \
	    -v out="$f.out" -v err="$f.err" "$compare" "$f.want" "$f.out" \
	    "$f.err"; then
		why="the output differs"
	fi
	if [ -z "$why" ]; then
		tap_result 0 "$where: $title"
		continue
	fi
	tap_result 1 "$where: $title"
	echo "#   $why"
	[ "$kind" = setup ] || show "shown" "$f.want"
	show "stdout" "$f.out"
	[ "$kind" = setup ] || show "stderr" "$f.err"
done <"$docs_r/plan"

examples=0
while read -r doc n illus; do
	examples=$((examples + n))
	# An extraction that finds nothing must not pass for a clean run.
	[ "$n" -gt 0 ]
	tap_result $? "$doc: examples were found and run ($n)"
done <"$docs_r/count"
echo "# $examples documentation examples run ($checks checks):" \
    "$(awk '{ printf "%s%s %d (%d illustrative)", (NR > 1 ? ", " : ""), $1,
    $2, $3 }' "$docs_r/count")"
done_testing
