#!/bin/sh
# security.sh - whole-program tests of security: the auth preamble, users,
# grants, API keys, their enforcement, and that no secret is ever printed.
#
# Run by automake with PRONTODB and top_srcdir set; by hand:
#	PRONTODB=build/prontodb top_srcdir=. sh tests/security.sh
#
# Passwords are argon2id (about 0.1 s a check), so most authenticated calls
# use API keys, which are fast.
. "${top_srcdir:-.}/tests/tap.sh"

unset PRONTO_PASS PRONTO_API_KEY

mkdir "$tmp/log" "$tmp/pw"
nlog=0
nkeys=0
: >"$tmp/secrets"

# srun CMD...: run, and keep stdout and stderr for the final secret scan.
srun() {
	run "$@"
	nlog=$((nlog + 1))
	cp "$tmp/out" "$tmp/log/$nlog.out"
	cp "$tmp/err" "$tmp/log/$nlog.err"
}

# key_shown: the last stdout is an `apikey create`'s, the one place where
# the key may legitimately appear; the scan leaves it out.
key_shown() {
	mv "$tmp/log/$nlog.out" "$tmp/log/$nlog.key"
}

# secret LABEL TEXT: TEXT must never appear in any output.
secret() {
	printf '%s\t%s\n' "$1" "$2" >>"$tmp/secrets"
}

# pwfile NAME PASS: a password file $tmp/pw/NAME holding PASS.
pwfile() {
	printf '%s\n' "$2" >"$tmp/pw/$1"
	secret "password $1" "$2"
}

# newkey VAR: the key in the last stdout into VAR, checked and recorded.
newkey() {
	newkey_k=$(cat "$tmp/out")
	key_shown
	nkeys=$((nkeys + 1))
	secret "API key $nkeys ($1)" "$(printf '%s' "$newkey_k" | cut -c22-)"
	eval "$1=\$newkey_k"
}

# bykey KEY ARGS...: a one-shot verb authenticated by PRONTO_API_KEY.
bykey() {
	bykey_k=$1
	shift
	PRONTO_API_KEY=$bykey_k "$PRONTODB" --home "$home" "$@"
}

# bypass USER PASS ARGS...: a one-shot verb with --user and PRONTO_PASS.
bypass() {
	bypass_u=$1
	bypass_p=$2
	shift 2
	PRONTO_PASS=$bypass_p "$PRONTODB" --home "$home" --user "$bypass_u" "$@"
}

# envpass PASS ARGS...: PRONTO_PASS set, no --user (a new password).
envpass() {
	envpass_p=$1
	shift
	PRONTO_PASS=$envpass_p "$PRONTODB" --home "$home" "$@"
}

feed() {
	printf '%s\n' "$@" >"$tmp/in"
}

# same FILE1 FILE2 NAME: two outputs are byte for byte the same.
same() {
	if cmp -s "$1" "$2"; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		echo "#   first:"
		tap_show "$1"
		echo "#   second:"
		tap_show "$2"
	fi
}

# like TEXT ERE NAME: TEXT is one line matching ERE.
like() {
	if [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] &&
	    printf '%s\n' "$1" | grep -Eqx "$2"; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		printf "#   '%s' does not match /%s/\n" "$1" "$2"
	fi
}

auth_req="authentication required: start the stream with auth (security is required)"
verb_auth_req="authentication required: use --user with PRONTO_PASS or --password-file, or PRONTO_API_KEY (security is required)"
denied_admin="prontodb: permission denied: admin access needs an admin"

pwfile root 'Rt-9f3a1c#pw'
pwfile bob 'Bb-42e7d0 pw;x'
pwfile bob2 'Bb-new-77c1b5'
pwfile ann 'An-1d6e08-pw'
pwfile carol 'Cr-5a90f3-pw'
pwfile wrong 'Wr-0b8c4e-pw'
pwfile solo 'So-8e21aa-pw'
root_pw=$(cat "$tmp/pw/root")
bob_pw=$(cat "$tmp/pw/bob")
bob2_pw=$(cat "$tmp/pw/bob2")
ann_pw=$(cat "$tmp/pw/ann")
wrong_pw=$(cat "$tmp/pw/wrong")
carol_pw=$(cat "$tmp/pw/carol")
solo_pw=$(cat "$tmp/pw/solo")

# --- the security mode ---------------------------------------------------
fresh
PRONTO_SECURITY=bogus
export PRONTO_SECURITY
srun pd set p.n.k v
is_run 64 "" "prontodb: PRONTO_SECURITY must be required or optional, not 'bogus'" \
    "PRONTO_SECURITY of another value is a usage error (verb)"
feed 'set p.n.k v'
srun pd <"$tmp/in"
is_run 64 "" "prontodb: PRONTO_SECURITY must be required or optional, not 'bogus'" \
    "PRONTO_SECURITY of another value is a usage error (stream)"
PRONTO_SECURITY=Required
srun pd set p.n.k v
is_rc 64 "PRONTO_SECURITY is case-sensitive"
PRONTO_SECURITY=optional
srun pd set p.n.k v
is_run 0 "" "" "optional: no credentials needed"
PRONTO_SECURITY=
srun pd get p.n.k
is_run 0 "v" "" "an empty PRONTO_SECURITY is optional"
unset PRONTO_SECURITY
srun pd keys
is_run 0 "p.n.k" "" "nothing yet written by the rejected runs"

# --- bootstrap: security required, no users -------------------------------
fresh
PRONTO_SECURITY=required
export PRONTO_SECURITY
srun pd set app.cfg.k v
is_run 77 "" "prontodb: $verb_auth_req" "required: a verb without credentials is refused"
feed 'set app.cfg.k v' 'get app.cfg.k'
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: $auth_req
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "required: a stream not starting with auth is rejected at its first statement"
srun pd user list
is_run 77 "" "prontodb: $verb_auth_req" "only user add runs without users"
srun envpass "$root_pw" user add root </dev/null
is_run 0 "" "" "bootstrap: the first user is added without credentials"
srun pd user add bob --password-file "$tmp/pw/bob"
is_run 77 "" "prontodb: $verb_auth_req" "after the first user, user add needs auth"
srun bypass root "$wrong_pw" user list
is_run 77 "" "prontodb: authentication failed" "--user with a wrong PRONTO_PASS fails"
srun pd --user root --password-file "$tmp/pw/root" user list
is_run 0 "root admin" "" "the first user is an admin (--password-file)"
srun bypass root "$root_pw" apikey create root
like "$(cat "$tmp/out")" 'pdb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}' \
    "apikey create prints pdb_<16 hex>_<43 base64url>"
is_err "" "apikey create is quiet on stderr"
newkey rootkey
rootid=$(printf '%s' "$rootkey" | cut -c5-20)
srun bykey "$rootkey" apikey list
like "$(cat "$tmp/out")" "$rootid root [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" \
    "apikey list: ID USER time, never the key"
srun bykey "$rootkey" user add bob --password-file "$tmp/pw/bob"
is_run 0 "" "" "an admin adds a user (--password-file after the verb)"
srun bykey "$rootkey" user add ann --admin --password-file "$tmp/pw/ann"
is_run 0 "" "" "an admin adds an admin (--admin)"
srun bypass root "$root_pw" user add carol </dev/null
is_run 64 "" "prontodb: no password: set PRONTO_PASS, use --password-file FILE, or run on a terminal" \
    "PRONTO_PASS used to log in is not the new user's password"
srun bykey "$rootkey" user add carol --pass="$(cat "$tmp/pw/carol")"
is_run 64 "" "prontodb: passwords are never taken from the command line: use PRONTO_PASS, --password-file FILE or the prompt" \
    "user add --pass=P on the command line is refused"
srun bykey "$rootkey" user add carol --pass "$(cat "$tmp/pw/carol")"
is_run 64 "" "prontodb: passwords are never taken from the command line: use PRONTO_PASS, --password-file FILE or the prompt" \
    "user add --pass P on the command line is refused"
srun bykey "$rootkey" user add carol "pass=$(cat "$tmp/pw/carol")"
is_rc 64 "user add NAME pass=P on the command line is refused"
srun bykey "$rootkey" user passwd bob --pass="$wrong_pw"
is_run 64 "" "prontodb: passwords are never taken from the command line: use PRONTO_PASS, --password-file FILE or the prompt" \
    "user passwd --pass=P on the command line is refused"
srun bykey "$rootkey" auth --user root --pass="$root_pw"
is_run 64 "" "prontodb: credentials are never taken from the command line: use PRONTO_PASS, PRONTO_API_KEY or --password-file" \
    "auth --pass=P on the command line is refused"
srun envpass "$carol_pw" --password-file "$tmp/pw/root" --user root user add carol </dev/null
is_run 0 "" "" "logged in by --password-file, PRONTO_PASS is the new user's password"
srun bykey "$rootkey" user list
is_run 0 "ann admin
bob
carol
root admin" "" "user list: users by name, the admins marked"
srun bypass carol "$carol_pw" user list
is_run 77 "" "$denied_admin" "carol logs in with the password from PRONTO_PASS"

# A stream can bootstrap too, but still needs auth for anything else.
fresh
feed "user add solo pass=\"$solo_pw\"" 'user list'
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:2:1: $auth_req
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "bootstrap in a stream: user add runs, then auth is required"
feed "auth user=solo pass=\"$solo_pw\"" 'user list'
srun pd <"$tmp/in"
is_run 0 "solo admin" "" "the stream-bootstrapped user logs in and is an admin"

# --- grants for bob ------------------------------------------------------
fresh
srun envpass "$root_pw" user add root </dev/null
is_rc 0 "a second store: root"
srun bypass root "$root_pw" apikey create root
newkey rootkey
rootid=$(printf '%s' "$rootkey" | cut -c5-20)
feed "auth apikey=$rootkey" \
    "user add bob password-file=\"$tmp/pw/bob\"" \
    'user grant bob app read' \
    'user grant bob app.cfg write' \
    'set app.cfg.x 1' 'set app.other.k 2' 'set other.n.k 3' 'set zed.n.k 4' \
    'apikey create bob'
srun pd <"$tmp/in"
newkey bobkey
is_err "" "an admin's stream: users, grants, data and a key"
like "$bobkey" 'pdb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}' "bob's key from a stream"
bobid=$(printf '%s' "$bobkey" | cut -c5-20)
srun bykey "$rootkey" user list
is_run 0 "bob app=read app.cfg=write
root admin" "" "user list shows project and namespace grants"

# --- stream authentication forms -----------------------------------------
feed "auth user=bob pass=\"$bob_pw\"" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 0 "1" "" "auth user= pass= (a quoted password with a space and ;)"
feed "meta:sec:pass=\"$bob_pw\"; meta:sec:user=bob;" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 0 "1" "" "upstream order meta:sec:pass then meta:sec:user"
feed "sec:pass=\"$bob_pw\"" 'sec:user=bob' 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 0 "1" "" "sec:pass then sec:user"
feed "meta:sec:user=bob; meta:sec:pass=\"$bob_pw\";" 'set app.cfg.late 1'
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: authentication failed: the user came before its password (send meta:sec:pass first)
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "meta:sec:user before its password fails and ends the stream"
feed "auth apikey=$bobkey" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 0 "1" "" "auth apikey="
feed "meta:sec:apikey=$bobkey;" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 0 "1" "" "meta:sec:apikey="
feed "sec:apikey=$bobkey" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 0 "1" "" "sec:apikey="
feed "auth apikey=$bobkey user=bob" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: auth takes apikey= alone, or user= and pass=
prontodb: <stdin>:2:1: $auth_req
prontodb: 2 statements, 0 ok, 2 failed, 0 rolled back" \
    "apikey= with user= is malformed, and the stream is not authenticated"
feed "auth apikey=$bobkey" "auth apikey=$bobkey" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 65 "1" "prontodb: <stdin>:2:1: already authenticated
prontodb: 3 statements, 2 ok, 1 failed, 0 rolled back" "a second auth is an error"

# Failed logins all look alike and end the stream.
feed "auth user=bob pass=\"$wrong_pw\"" 'set app.cfg.f1 1' 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: authentication failed
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "wrong password: authentication failed, the stream ends"
cp "$tmp/err" "$tmp/err.wrongpw"
feed "auth user=nobody pass=\"$wrong_pw\"" 'set app.cfg.f2 1' 'get app.cfg.x'
srun pd <"$tmp/in"
is_rc 77 "unknown user: 77"
same "$tmp/err.wrongpw" "$tmp/err" "unknown user: the same message as a wrong password"
feed "auth apikey=pdb_0123456789abcdef_$(printf '%s' "$bobkey" | cut -c22-)" \
    'set app.cfg.f3 1' 'get app.cfg.x'
srun pd <"$tmp/in"
is_rc 77 "an API key with another id: 77"
same "$tmp/err.wrongpw" "$tmp/err" "an API key with another id: the same message"
feed "auth apikey=$(printf '%s' "$bobkey" | cut -c1-21)AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
    'set app.cfg.f4 1' 'get app.cfg.x'
srun pd <"$tmp/in"
is_rc 77 "an API key with a wrong secret: 77"
same "$tmp/err.wrongpw" "$tmp/err" "an API key with a wrong secret: the same message"
feed 'auth apikey=garbage' 'set app.cfg.f5 1' 'get app.cfg.x'
srun pd <"$tmp/in"
is_rc 77 "a garbage API key: 77"
same "$tmp/err.wrongpw" "$tmp/err" "a garbage API key: the same message"
srun bykey "$rootkey" keys app.cfg
is_run 0 "app.cfg.x" "" "nothing after a failed auth ran"

# Credentials come first.
feed "auth apikey=$bobkey" 'set app.cfg.y 1' "auth apikey=$bobkey" 'get app.cfg.y'
srun pd <"$tmp/in"
is_run 65 "1" "prontodb: <stdin>:3:1: credentials must come before any other statement
prontodb: 4 statements, 3 ok, 1 failed, 0 rolled back" \
    "credentials after a data statement are an error (required)"

# A password left without its user.
feed "meta:sec:pass=\"$bob_pw\";"
srun pd <"$tmp/in"
is_rc 77 "required: a stream of only a password is rejected"
is_out "" "a stream of only a password prints nothing"
feed "sec:pass=\"$bob_pw\"; get app.cfg.x"
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:$((${#bob_pw} + 14)): authentication failed: a password without a user
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "a password followed by data is a failed auth"

# --- one-shot verbs ------------------------------------------------------
srun bypass bob "$bob_pw" get app.cfg.x
is_run 0 "1" "" "--user with PRONTO_PASS"
srun pd --user bob --password-file "$tmp/pw/bob" get app.cfg.x
is_run 0 "1" "" "--user with --password-file"
srun pd --user=bob --password-file="$tmp/pw/bob" get app.cfg.x
is_run 0 "1" "" "--user= with --password-file="
srun pd --user bob --password-file "$tmp/pw/missing" get app.cfg.x
is_run 74 "" "prontodb: cannot open password file $tmp/pw/missing: No such file or directory" \
    "a missing password file"
srun pd --user bob get app.cfg.x
is_run 77 "" "prontodb: $verb_auth_req" "--user without a password does not log in"
srun bykey "$bobkey" get app.cfg.x
is_run 0 "1" "" "PRONTO_API_KEY"
srun bykey "pdb_garbage" get app.cfg.x
is_run 77 "" "prontodb: authentication failed" "a garbage PRONTO_API_KEY"
feed 'get app.cfg.x'
srun bykey "$bobkey" <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: $auth_req
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "PRONTO_API_KEY is for verbs: a stream still starts with auth"
srun bykey "$bobkey" --user root --password-file "$tmp/pw/root" user list
is_run 77 "" "$denied_admin" "PRONTO_API_KEY wins over --user"

# --- enforcement (bob: app=read, app.cfg=write) --------------------------
srun bykey "$bobkey" get app.other.k
is_run 0 "2" "" "a project grant covers all its namespaces"
srun bykey "$bobkey" set app.cfg.n 5
is_run 0 "" "" "write grant on the namespace: set"
srun bykey "$bobkey" del app.cfg.n
is_run 0 "" "" "write grant on the namespace: del"
srun bykey "$bobkey" set app.other.n 5
is_run 77 "" "prontodb: permission denied: write access to app.other" \
    "read grant only: set is denied"
srun bykey "$bobkey" del app.other.k
is_run 77 "" "prontodb: permission denied: write access to app.other" \
    "read grant only: del is denied"
srun bykey "$bobkey" set zed.n.k 5
is_run 77 "" "prontodb: permission denied: write access to zed.n" \
    "no grant: set is denied"
srun bykey "$bobkey" get other.n.k
is_run 77 "" "prontodb: permission denied: read access to other.n" \
    "no grant: get of an existing key is denied"
cp "$tmp/err" "$tmp/err.exists"
srun bykey "$bobkey" get other.n.missing
is_rc 77 "no grant: get of a missing key is denied"
same "$tmp/err.exists" "$tmp/err" "denied get: existing and missing keys look the same"
srun bykey "$bobkey" exists other.n.k
is_rc 77 "no grant: exists of an existing key is denied"
cp "$tmp/err" "$tmp/err.exists"
srun bykey "$bobkey" exists other.n.missing
is_rc 77 "no grant: exists of a missing key is denied"
same "$tmp/err.exists" "$tmp/err" "denied exists: existing and missing keys look the same"
srun bykey "$bobkey" del other.n.k
is_rc 77 "no grant: del of an existing key is denied"
cp "$tmp/err" "$tmp/err.exists"
srun bykey "$bobkey" del other.n.missing
is_rc 77 "no grant: del of a missing key is denied"
same "$tmp/err.exists" "$tmp/err" "denied del: existing and missing keys look the same"
srun bykey "$bobkey" keys
is_run 0 "app.cfg.x
app.cfg.y
app.other.k" "" "keys lists only readable namespaces"
srun bykey "$bobkey" scan
is_run 0 "app.cfg.x=1
app.cfg.y=1
app.other.k=2" "" "scan lists only readable namespaces"
srun bykey "$bobkey" keys other.
is_run 0 "" "" "keys under an unreadable project lists nothing"
srun bykey "$bobkey" scan -p other -n n
is_run 0 "" "" "scan scoped to an unreadable namespace lists nothing"
srun bykey "$rootkey" scan
is_run 0 "app.cfg.x=1
app.cfg.y=1
app.other.k=2
other.n.k=3
zed.n.k=4" "" "the admin sees everything, and the denied writes did nothing"

# A denial fails its statement; the stream goes on.
feed "auth apikey=$bobkey" 'set other.n.k 9' 'set app.cfg.z 3' 'get app.cfg.z' \
    'get zed.n.k'
srun pd <"$tmp/in"
is_run 77 "3" "prontodb: <stdin>:2:1: permission denied: write access to other.n
prontodb: <stdin>:5:1: permission denied: read access to zed.n
prontodb: 5 statements, 3 ok, 2 failed, 0 rolled back" \
    "a denied statement fails alone and the stream goes on"

# Administration needs an admin.
for v in "user list" "user add dave --password-file $tmp/pw/wrong" \
    "user del root" "user grant bob other read" "user revoke bob app" \
    "apikey create root" "apikey list root" \
    "user passwd root --password-file $tmp/pw/wrong"; do
	# shellcheck disable=SC2086
	srun bykey "$bobkey" $v
	is_run 77 "" "$denied_admin" "not an admin: $(echo "$v" | cut -d' ' -f1-2) is denied"
done
# Someone else's key looks absent to a non-admin: ids cannot be probed.
srun bykey "$bobkey" apikey revoke "$rootid"
is_run 1 "" "prontodb: no API key '$rootid'" \
    "not an admin: apikey revoke of another's key says it does not exist"
srun bykey "$rootkey" user list
is_run 0 "bob app=read app.cfg=write
root admin" "" "the denied administration changed nothing"

# What users may do to themselves.
srun bykey "$bobkey" apikey create bob
is_err "" "a user makes an API key for itself"
newkey bobkey2
bobid2=$(printf '%s' "$bobkey2" | cut -c5-20)
srun bykey "$bobkey" apikey list
sed 's/ [^ ]*$//' "$tmp/out" | sort >"$tmp/ids"
printf '%s bob\n' "$bobid" "$bobid2" | sort >"$tmp/want.ids"
same "$tmp/want.ids" "$tmp/ids" "apikey list: a user sees its own keys"
srun bykey "$rootkey" apikey list
is_rc 0 "an admin lists every key"
ok "an admin's list includes root's and bob's keys" \
    grep -q "^$rootid root .*Z\$" "$tmp/out"
ok "... and bob's" grep -q "^$bobid2 bob .*Z\$" "$tmp/out"
srun bykey "$bobkey2" apikey revoke "$bobid2"
is_run 0 "" "" "a user revokes its own key"
srun bykey "$bobkey2" get app.cfg.x
is_run 77 "" "prontodb: authentication failed" "a revoked key no longer logs in"
feed "auth apikey=$bobkey2" 'get app.cfg.x'
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: authentication failed
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "a revoked key in a stream: authentication failed"
srun bykey "$rootkey" apikey revoke "$bobid2"
is_run 1 "" "prontodb: no API key '$bobid2'" "revoking a revoked key"
srun envpass "$bob2_pw" --user bob --password-file "$tmp/pw/bob" user passwd bob </dev/null
is_run 0 "" "" "a user changes its own password (new one from PRONTO_PASS)"
srun bypass bob "$bob_pw" get app.cfg.x
is_run 77 "" "prontodb: authentication failed" "the old password no longer works"
srun bypass bob "$bob2_pw" get app.cfg.x
is_run 0 "1" "" "the new password works"

# Grants change.
srun bykey "$rootkey" user revoke bob app
is_run 0 "" "" "revoke a project grant"
srun bykey "$rootkey" user revoke bob app
is_run 1 "" "prontodb: user 'bob' has no grant on 'app'" "revoke it again"
srun bykey "$bobkey" get app.other.k
is_run 77 "" "prontodb: permission denied: read access to app.other" \
    "the revoked grant no longer covers its namespaces"
srun bykey "$bobkey" get app.cfg.x
is_run 0 "1" "" "the namespace grant still holds"
srun bykey "$rootkey" user grant bob other read
is_run 0 "" "" "grant read on a project"
srun bykey "$rootkey" user grant bob other write
is_run 0 "" "" "grant it again at another level"
srun bykey "$rootkey" user grant bob other bogus
is_run 64 "" "prontodb: unknown access level 'bogus' (read, write or admin)" \
    "an unknown access level"
srun bykey "$rootkey" user grant nobody other read
is_run 1 "" "prontodb: no user 'nobody'" "grant to an unknown user"
srun bykey "$rootkey" user list
is_run 0 "bob app.cfg=write other=write
root admin" "" "user list after the changes"
srun bykey "$bobkey" set other.n.k 7
is_run 0 "" "" "the new grant allows writes"

# An admin by the global flag.
srun bypass ann "$ann_pw" user list
is_run 77 "" "prontodb: authentication failed" "ann is not in this store"
srun bykey "$rootkey" user add ann --admin --password-file "$tmp/pw/ann"
is_rc 0 "add an admin"
srun bypass ann "$ann_pw" user list
is_run 0 "ann admin
bob app.cfg=write other=write
root admin" "" "a global admin administers users"

# Deleting a user takes its grants and keys.
srun bykey "$rootkey" user del bob
is_run 0 "" "" "user del"
srun bykey "$bobkey" get app.cfg.x
is_run 77 "" "prontodb: authentication failed" "a deleted user's key no longer logs in"
srun bykey "$rootkey" apikey list bob
is_run 0 "" "" "a deleted user has no keys left"
srun bykey "$rootkey" user del bob
is_run 1 "" "prontodb: no user 'bob'" "user del of an unknown user"
srun bykey "$rootkey" user list
is_run 0 "ann admin
root admin" "" "user list after user del"

# --- optional security: credentials still count --------------------------
unset PRONTO_SECURITY
srun bykey "$rootkey" apikey create root
newkey rootkey2
srun bykey "$rootkey" user add bob --password-file "$tmp/pw/bob"
is_rc 0 "bob again"
srun bykey "$rootkey" user grant bob app.cfg read
is_rc 0 "bob reads app.cfg"
srun bykey "$rootkey" apikey create bob
newkey bobkey3
srun pd get other.n.k
is_run 0 "7" "" "optional: no credentials, no limits"
feed "auth user=root pass=\"$wrong_pw\"" 'set free.n.k 1'
srun pd <"$tmp/in"
is_run 77 "" "prontodb: <stdin>:1:1: authentication failed
prontodb: 1 statement, 0 ok, 1 failed, 0 rolled back" \
    "optional: a wrong password still fails and ends the stream"
srun pd exists free.n.k
is_rc 2 "optional: nothing ran after the failed auth"
feed 'set free.n.k 1' "auth apikey=$rootkey2"
srun pd <"$tmp/in"
is_run 65 "" "prontodb: <stdin>:2:1: credentials must come before any other statement
prontodb: 2 statements, 1 ok, 1 failed, 0 rolled back" \
    "optional: credentials after a data statement are an error"
feed "auth apikey=$bobkey3" 'get app.cfg.x' 'set app.cfg.x 2' 'keys'
srun pd <"$tmp/in"
is_run 77 "1
app.cfg.x
app.cfg.y
app.cfg.z" "prontodb: <stdin>:3:1: permission denied: write access to app.cfg
prontodb: 4 statements, 3 ok, 1 failed, 0 rolled back" \
    "optional: an authenticated session is held to its grants"
srun bypass bob "$wrong_pw" get app.cfg.x
is_run 77 "" "prontodb: authentication failed" \
    "optional: a wrong PRONTO_PASS with --user fails"
srun bykey "pdb_garbage" get app.cfg.x
is_run 77 "" "prontodb: authentication failed" \
    "optional: a garbage PRONTO_API_KEY fails"

# --- secrets never leak --------------------------------------------------
# Not in the store in clear.
find "$tmp"/h* -type f >"$tmp/files"
while IFS=$(printf '\t') read -r label text; do
	found=
	while read -r f; do
		if grep -aqF -e "$text" "$f"; then
			found="$found $f"
		fi
	done <"$tmp/files"
	is "$found" "" "the store does not hold the $label in clear"
done <"$tmp/secrets"

# Not in any output, but each key once in the stdout of its apikey create.
ls "$tmp/log" | grep -v '\.key$' | sed "s|^|$tmp/log/|" >"$tmp/outputs"
ok "the scan has outputs to look at" test -s "$tmp/outputs"
while IFS=$(printf '\t') read -r label text; do
	found=
	while read -r f; do
		if grep -aqF -e "$text" "$f"; then
			found="$found ${f##*/}"
		fi
	done <"$tmp/outputs"
	is "$found" "" "no output shows the $label"
	case $label in
	"API key "*)
		n=$(cat "$tmp/log"/*.key | grep -cF -e "$text")
		is "$n" 1 "the $label was shown exactly once, by apikey create"
		;;
	esac
done <"$tmp/secrets"

done_testing
