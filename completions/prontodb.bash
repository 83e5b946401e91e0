# prontodb.bash - bash completion for prontodb(1).
#
# Installed as $(datadir)/bash-completion/completions/prontodb, where
# bash-completion loads it on first use; it also works sourced on its own,
# as it needs none of bash-completion's functions.
#
# What to offer is prontodb's own business: `prontodb --complete CWORD
# WORD...` prints the candidates for word CWORD of the command line, one a
# line, from the binary being completed (its verbs, options and argument
# kinds) and what that command would see (the databases, projects,
# namespaces and keys of the --home, --db, --config, --cursor, --user,
# --meta and --ns-delim typed; completing never switches a cursor).  The interactive
# session's tab key asks the same code.  This file only hands the words
# over and the candidates back.

# The command line up to the cursor, with "name" "=" "value" joined back
# into "name=value" (bash splits at '=', a COMP_WORDBREAKS character).
# Sets _pdb_words, _pdb_cword and _pdb_cur.
_prontodb_words()
{
	local i w eq=0
	_pdb_words=()
	_pdb_cword=0
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((i > 0)) && [[ $w == "=" && ${_pdb_words[-1]} != *=* ]]; then
			_pdb_words[-1]+="="
			eq=1
		elif ((eq)); then
			_pdb_words[-1]+=$w
			eq=0
		else
			_pdb_words+=("$w")
		fi
		_pdb_cword=$((${#_pdb_words[@]} - 1))
	done
	_pdb_cur=${_pdb_words[_pdb_cword]}
}

_prontodb()
{
	local _pdb_words _pdb_cword _pdb_cur bin c lead=
	local -a cands=()
	COMPREPLY=()
	_prontodb_words
	bin=${_pdb_words[0]}
	[[ $bin == "~/"* ]] && bin=$HOME/${bin#\~/}
	type -P "$bin" >/dev/null 2>&1 || [[ -x $bin ]] || return 0
	mapfile -t cands < <("$bin" --complete "$_pdb_cword" \
	    "${_pdb_words[@]}" </dev/null 2>/dev/null)
	# With '=' a word break, bash replaces only what follows it.
	[[ $COMP_WORDBREAKS == *=* && $_pdb_cur == *=* ]] &&
	    lead=${_pdb_cur%%=*}=
	for c in "${cands[@]}"; do
		c=${c#"$lead"}
		if [[ $c == *[[:space:]\'\"\\\$\`\;\&\|\<\>\(\)]* ]]; then
			printf -v c '%q' "$c"
		fi
		COMPREPLY+=("$c")
	done
	# A stem (app.config., a directory/, ttl=) is typed on from, not
	# ended with a space.
	if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *[[:punct:]] ]]
	then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}

complete -F _prontodb prontodb
