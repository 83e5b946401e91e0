# prontodb.bash - bash completion for prontodb(1).
#
# Installed as $(datadir)/bash-completion/completions/prontodb, where
# bash-completion loads it on first use; it also works sourced on its own,
# as it needs none of bash-completion's functions.
#
# What it completes comes from the prontodb being completed, so it follows
# the binary instead of a copy kept here: the global flags from
# `prontodb --help`, the verbs from `prontodb help`, a verb's arguments and
# options from `prontodb help VERB`.  Database names are the *.db files of
# the data directory (honouring --home, PRONTO_HOME, XDG_HOME and
# XDG_DATA_HOME as prontodb does); addresses come from `prontodb nss` and
# `prontodb keys PREFIX`.  Every call runs quietly (--tsv, no stdin, no
# stderr) with the --home, --db, --config, --cursor, --meta, --user and
# --ns-delim of the command line, so it lists what that command would see;
# --select is passed as --db, as completing must never switch a cursor.

# The command line up to the cursor, with "--flag" "=" "value" joined back
# into "--flag=value" (bash splits at '=', a COMP_WORDBREAKS character).
# Sets _pdb_words, _pdb_cword and _pdb_cur.
_prontodb_words()
{
	local i w eq=0
	_pdb_words=()
	_pdb_cword=0
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((i > 0)) && [[ $w == "=" && ${_pdb_words[-1]} == --* &&
		    ${_pdb_words[-1]} != *=* ]]; then
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

# Run the prontodb being completed, quietly, with the command line's
# global flags that choose what it sees.
_prontodb_run()
{
	"$_pdb_bin" "${_pdb_global[@]}" -q --tsv "$@" </dev/null 2>/dev/null
}

# A leading ~/ as the shell would expand it.
_prontodb_tilde()
{
	case $1 in
	"~") printf '%s\n' "$HOME" ;;
	"~/"*) printf '%s\n' "$HOME/${1#\~/}" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# Add candidates (one per argument) that start with $1 to COMPREPLY.
_prontodb_add()
{
	local prefix=$1 c q
	shift
	for c; do
		[[ $c == "$prefix"* ]] || continue
		if [[ $c == *[[:space:]\'\"\\\$\`]* ]]; then
			printf -v q '%q' "$c"
			COMPREPLY+=("$q")
		else
			COMPREPLY+=("$c")
		fi
	done
}

# The global flags, "-d" and "--db" and so on, each followed by 1 when
# it takes a value: read from `prontodb --help`.
_prontodb_flags()
{
	"$_pdb_bin" --help </dev/null 2>/dev/null | awk '
		/^Run / { exit }
		/^ +-/ {
			for (i = 1; i <= NF; i++) {
				f = $i
				sub(/,$/, "", f)
				if (f !~ /^--?[A-Za-z0-9][A-Za-z0-9-]*(=.*)?$/)
					break
				arg = 0
				if (f ~ /=/) {
					sub(/=.*/, "=", f)
					arg = 1
				} else if (i < NF && $(i + 1) ~ /^[A-Z]/ &&
				    $(i + 1) !~ /^\[/)
					arg = 1
				names[++n] = f
				args[n] = arg
			}
			# Flags on one line share their value: -d, --db DB.
			for (j = 1; j <= n; j++)
				print names[j], (arg || args[j])
			n = 0
		}'
}

# The verbs from `prontodb help`, one per line, as words ("meta set"):
# a help line is "  SYNOPSIS  summary", and the verb is the synopsis's
# leading lower-case words (its arguments are upper case or bracketed).
_prontodb_verbs()
{
	"$_pdb_bin" help </dev/null 2>/dev/null | awk '
		NR > 1 && /^  [a-z]/ {
			line = substr($0, 3)
			sub(/  .*/, "", line)
			k = split(line, w, " ")
			v = w[1]
			if (k > 1 && w[2] ~ /^[a-z][a-z-]*$/)
				v = v " " w[2]
			print v
		}'
}

# The data directory, worked out as prontodb does.
_prontodb_datadir()
{
	local home=$_pdb_home
	[[ -n $home ]] || home=${PRONTO_HOME:-${XDG_HOME:-}}
	if [[ -n $home ]]; then
		printf '%s\n' "$home/.local/share/prontodb"
	elif [[ ${XDG_DATA_HOME:-} == /* ]]; then
		printf '%s\n' "$XDG_DATA_HOME/prontodb"
	else
		printf '%s\n' "$HOME/.local/share/prontodb"
	fi
}

_prontodb_databases()
{
	local dir f names=()
	dir=$(_prontodb_datadir)
	for f in "$dir"/*.db; do
		[[ -f $f ]] || continue
		f=${f##*/}
		names+=("${f%.db}")
	done
	_prontodb_add "$1" "${names[@]}"
}

_prontodb_files()
{
	local IFS=$'\n'
	COMPREPLY+=($(compgen -f -- "$1"))
	compopt -o filenames 2>/dev/null
}

_prontodb_dirs()
{
	local IFS=$'\n'
	COMPREPLY+=($(compgen -d -- "$1"))
	compopt -o filenames 2>/dev/null
}

# The first column of a listing verb's rows.
_prontodb_column()
{
	local -a rows
	mapfile -t rows < <(_prontodb_run "$@" | cut -f1)
	printf '%s\n' "${rows[@]}"
}

# project.namespace.key: namespaces while fewer than two delimiters are
# typed (with the delimiter after them, so the key follows), then keys.
_prontodb_addresses()
{
	local cur=$1 d=$_pdb_delim rest n=0 ns=() keys=() i
	rest=$cur
	while [[ $rest == *"$d"* ]]; do
		rest=${rest#*"$d"}
		n=$((n + 1))
	done
	if ((n < 2)); then
		mapfile -t ns < <(_prontodb_column nss)
		for i in "${!ns[@]}"; do
			ns[i]=${ns[i]}$d
		done
		_prontodb_add "$cur" "${ns[@]}"
		compopt -o nospace 2>/dev/null
		return
	fi
	mapfile -t keys < <(_prontodb_run keys "$cur" | head -n 1000)
	_prontodb_add "$cur" "${keys[@]}"
}

# project.namespace, as the object verbs take them.
_prontodb_namespaces()
{
	local ns=()
	mapfile -t ns < <(_prontodb_column nss)
	_prontodb_add "$1" "${ns[@]}"
}

# The value of a flag or option, by its name.
_prontodb_value()
{
	local name=$1 cur=$2 list=()
	case $name in
	--home|--backup-dir)
		_prontodb_dirs "$cur" ;;
	--config|-f|--file|--password-file)
		_prontodb_files "$cur" ;;
	-d|--db|--select)
		_prontodb_databases "$cur"
		[[ $cur == */* ]] && _prontodb_files "$cur" ;;
	--cursor)
		mapfile -t list < <(_prontodb_column cursor list)
		_prontodb_add "$cur" "${list[@]}" ;;
	--on-error)
		_prontodb_add "$cur" stop continue ;;
	-p|--project)
		mapfile -t list < <(_prontodb_column project list)
		_prontodb_add "$cur" "${list[@]}" ;;
	--into)
		_prontodb_namespaces "$cur" ;;
	esac
}

# The words of `prontodb help VERB`'s usage line after the verb: its
# arguments, then its options as "[--name]" or "[--name VALUE]" (two words).
_prontodb_synopsis()
{
	local verb=$1 usage
	usage=$("$_pdb_bin" help $verb </dev/null 2>/dev/null | head -n 1)
	printf '%s\n' "${usage#usage: prontodb $verb}"
}

# What argument number $3 (from 0) of verb $1 is, by its placeholder in
# `prontodb help VERB`, completed from $2.
_prontodb_argument()
{
	local verb=$1 cur=$2 idx=$3 tokens=() t list=()
	read -r -a tokens <<<"$(_prontodb_synopsis "$verb")"
	# Options ([--name] and [--name VALUE]) come last and are not
	# arguments.
	for t in "${!tokens[@]}"; do
		[[ ${tokens[t]} == \[--* ]] && break
	done
	[[ ${tokens[t]} == \[--* ]] && tokens=("${tokens[@]:0:t}")
	((idx < ${#tokens[@]})) || return
	t=${tokens[idx]}
	t=${t#\[}
	t=${t%\]}
	case $verb:$t in
	*:ADDR|*:PREFIX)
		_prontodb_addresses "$cur" ;;
	*:PROJECT.NAMESPACE|*:PROJECT*NAMESPACE*)
		_prontodb_namespaces "$cur" ;;
	"db create":*|*:NEW) ;;
	db\ *:NAME|db\ *:OLD|*:DB|*:DB\|*)
		_prontodb_databases "$cur"
		[[ $cur == */* || $t == *EXPORT* ]] && _prontodb_files "$cur" ;;
	cursor\ *:NAME)
		mapfile -t list < <(_prontodb_column cursor list)
		_prontodb_add "$cur" "${list[@]}" ;;
	"project create":*) ;;
	project\ *:NAME)
		mapfile -t list < <(_prontodb_column project list)
		_prontodb_add "$cur" "${list[@]}" ;;
	"table create":*) ;;
	table\ *:NAME)
		mapfile -t list < <(_prontodb_column table list)
		_prontodb_add "$cur" "${list[@]}" ;;
	config\ *:KEY)
		mapfile -t list < <(_prontodb_column config list)
		_prontodb_add "$cur" "${list[@]}" ;;
	"config set":VALUE)
		case ${_pdb_args[0]} in
		security) _prontodb_add "$cur" required optional ;;
		output) _prontodb_add "$cur" text json tsv ;;
		on_error) _prontodb_add "$cur" continue stop ;;
		durability) _prontodb_add "$cur" normal full ;;
		database) _prontodb_databases "$cur" ;;
		esac ;;
	*:VERB)
		mapfile -t list < <(_prontodb_verbs | cut -d' ' -f1 | uniq)
		_prontodb_add "$cur" "${list[@]}" ;;
	*:FILE|*:EXPORT)
		_prontodb_files "$cur" ;;
	*:*\|*)
		IFS='|' read -r -a list <<<"$t"
		_prontodb_add "$cur" "${list[@]}" ;;
	esac
}

_prontodb()
{
	local _pdb_words _pdb_cword _pdb_cur _pdb_bin _pdb_home= _pdb_delim=
	local -a _pdb_global=() _pdb_args=() flags=() takes=() verbs=() list=()
	local cur i w name verb= sub start=-1 line
	COMPREPLY=()
	_prontodb_words
	cur=$_pdb_cur
	_pdb_bin=$(_prontodb_tilde "${_pdb_words[0]}")
	type -P "$_pdb_bin" >/dev/null 2>&1 || [[ -x $_pdb_bin ]] || return 0

	while read -r name line; do
		flags+=("$name")
		[[ $line == 1 ]] && takes+=("${name%=}")
	done < <(_prontodb_flags)

	# The global flags before the verb; those that choose what the
	# command sees are passed on to every listing.
	for ((i = 1; i < _pdb_cword; i++)); do
		w=${_pdb_words[i]}
		case $w in
		--) start=$((i + 1)); break ;;
		--*=*) name=${w%%=*}; line=$(_prontodb_tilde "${w#*=}") ;;
		-*)
			name=$w
			line=
			if [[ " ${takes[*]} " == *" $w "* ]]; then
				((i + 1 < _pdb_cword)) || break
				i=$((i + 1))
				line=$(_prontodb_tilde "${_pdb_words[i]}")
			fi ;;
		*) start=$i; break ;;
		esac
		case $name in
		--home) _pdb_home=$line; _pdb_global+=(--home "$line") ;;
		-d|--db|--select) _pdb_global+=(--db "$line") ;;
		--config|--cursor|--user|--meta) _pdb_global+=("$name" "$line") ;;
		--ns-delim) _pdb_delim=$line; _pdb_global+=("$name" "$line") ;;
		esac
	done

	# A flag's value: "--home DIR" or "--home=DIR".
	if ((start < 0)); then
		if [[ $cur == --*=* ]]; then
			name=${cur%%=*}
			cur=${cur#*=}
			_prontodb_value "$name" "$cur"
			# Without '=' in COMP_WORDBREAKS bash replaces it all.
			if [[ $COMP_WORDBREAKS != *=* ]]; then
				for i in "${!COMPREPLY[@]}"; do
					COMPREPLY[i]=$name=${COMPREPLY[i]}
				done
			fi
			return 0
		fi
		w=${_pdb_words[_pdb_cword - 1]}
		if ((_pdb_cword > 1)) && [[ " ${takes[*]} " == *" $w "* ]]; then
			_prontodb_value "$w" "$cur"
			return 0
		fi
		if [[ $cur == -* ]]; then
			_prontodb_add "$cur" "${flags[@]}"
			# --on-error= takes its value after the '=' at once.
			if ((${#COMPREPLY[@]} == 1)) &&
			    [[ ${COMPREPLY[0]} == *= ]]; then
				compopt -o nospace 2>/dev/null
			fi
			return 0
		fi
		mapfile -t list < <(_prontodb_verbs | cut -d' ' -f1 | uniq)
		_prontodb_add "$cur" "${list[@]}"
		return 0
	fi

	[[ -n $_pdb_delim ]] ||
	    _pdb_delim=$(_prontodb_run config get ns_delim | cut -f2)
	[[ -n $_pdb_delim ]] || _pdb_delim=.

	# The verb: `admin` may lead; a group's second word ("meta set").
	[[ ${_pdb_words[start]} == admin ]] && ((start + 1 < _pdb_cword)) &&
	    start=$((start + 1))
	verb=${_pdb_words[start]}
	mapfile -t verbs < <(_prontodb_verbs)
	i=$((start + 1))
	if ((i == _pdb_cword)) && [[ $cur != -* ]]; then
		# Completing the second word: the group's verbs, and the
		# arguments of a one-word verb of that name.
		for w in "${verbs[@]}"; do
			[[ $w == "$verb "* ]] && list+=("${w#* }")
		done
		_prontodb_add "$cur" "${list[@]}"
	fi
	if ((i < _pdb_cword)); then
		sub=${_pdb_words[i]}
		for w in "${verbs[@]}"; do
			if [[ $w == "$verb $sub" ]]; then
				verb=$w
				i=$((i + 1))
				break
			fi
		done
	fi
	# Is there such a verb at all?
	for w in "${verbs[@]}"; do
		[[ $w == "$verb" ]] && break
	done
	[[ $w == "$verb" ]] || return 0

	# The verb's options, from its synopsis: [--name] and [--name VALUE].
	local -a opts=() vopts=() syn=()
	read -r -a syn <<<"$(_prontodb_synopsis "$verb")"
	for w in "${syn[@]}"; do
		case $w in
		\[--*\]) w=${w#\[}; opts+=("${w%\]}") ;;
		\[--*) opts+=("${w#\[}"); vopts+=("${w#\[}") ;;
		esac
	done

	# The arguments typed so far, without options and their values.
	for ((; i < _pdb_cword; i++)); do
		w=${_pdb_words[i]}
		case $w in
		--*=*) ;;
		-p|-n|-k|--project|--namespace|--key) i=$((i + 1)) ;;
		--*) [[ " ${vopts[*]} " == *" $w "* ]] && i=$((i + 1)) ;;
		*) _pdb_args+=("$w") ;;
		esac
	done
	if ((i > _pdb_cword)); then
		# The word under the cursor is the value of an option.
		_prontodb_value "${_pdb_words[_pdb_cword - 1]}" "$cur"
		return 0
	fi
	if [[ $cur == --*=* ]]; then
		name=${cur%%=*}
		_prontodb_value "$name" "${cur#*=}"
		return 0
	fi
	if [[ $cur == -* ]]; then
		_prontodb_add "$cur" "${opts[@]}"
		return 0
	fi
	_prontodb_argument "$verb" "$cur" "${#_pdb_args[@]}"
	return 0
}

complete -F _prontodb prontodb
