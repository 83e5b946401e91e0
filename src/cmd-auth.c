/*
 * cmd-auth.c - auth, and the administration of users, grants and API keys.
 *
 * Passwords reach these verbs from a file, PRONTO_PASS, a terminal prompt,
 * or a stream's pass= option, but never from the command line, where other
 * users could read them in the process list.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "auth.h"
#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

static enum pd_status
cmd_auth(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*u = stmt_opt(st, "user");
	const struct opt	*p = stmt_opt(st, "pass");
	const struct opt	*k = stmt_opt(st, "apikey");
	enum pd_status		 s;

	if (e->opts.argv_mode && (p != NULL || k != NULL)) {
		*cause = xstrdup("credentials are never taken from the command "
		    "line: use PRONTO_PASS, PRONTO_API_KEY or --password-file");
		return PD_USAGE;
	}
	/* `prontodb --user U auth` checks the one-shot credentials. */
	if (e->user != NULL && e->opts.argv_mode && u == NULL && p == NULL &&
	    k == NULL)
		return PD_OK;
	if (e->user != NULL) {
		*cause = xstrdup("already authenticated");
		return PD_DATAERR;
	}
	if (k != NULL && u == NULL && p == NULL)
		return engine_login(e, NULL, NULL, 0, k->val, cause);
	if (k != NULL) {
		*cause = xstrdup("auth takes apikey= alone, or user= and "
		    "pass=");
		return PD_DATAERR;
	}
	if (p != NULL && u == NULL) {
		/* Upstream order: meta:sec:pass first, its user next. */
		auth_free(e->pending_pass, e->pending_len);
		e->pending_pass = xmemdup(p->val, p->vlen);
		e->pending_len = p->vlen;
		return PD_OK;
	}
	if (u == NULL) {
		*cause = xstrdup("auth needs user= and pass=, or apikey=");
		return PD_DATAERR;
	}
	if (p == NULL && e->pending_pass == NULL) {
		e->stop = 1;
		*cause = xstrdup("authentication failed: the user came before "
		    "its password (send meta:sec:pass first)");
		return PD_DENIED;
	}
	if (p != NULL)
		s = engine_login(e, u->val, p->val, p->vlen, NULL, cause);
	else
		s = engine_login(e, u->val, e->pending_pass, e->pending_len,
		    NULL, cause);
	auth_free(e->pending_pass, e->pending_len);
	e->pending_pass = NULL;
	e->pending_len = 0;
	return s;
}

static enum pd_status
check_user_name(struct engine *e, const struct arg *a, char **cause)
{
	if (addr_check_part(a->s, a->len, '\0', "user name", cause) != PD_OK ||
	    strchr(a->s, ' ') != NULL) {
		free(*cause);
		*cause = xasprintf("invalid user name '%s'",
		    util_wordn(a->s, a->len));
		engine_blame(e, a->line, a->col);
		return PD_DATAERR;
	}
	return PD_OK;
}

/* A new password from the statement or its sources; caller auth_frees. */
static enum pd_status
new_password(struct engine *e, struct stmt *st, char **pass, size_t *len,
    char **cause)
{
	const struct opt	*p = stmt_opt(st, "pass");
	const struct opt	*f = stmt_opt(st, "password-file");

	if (p != NULL) {
		if (e->opts.argv_mode) {
			*cause = xstrdup("passwords are never taken from the "
			    "command line: use PRONTO_PASS, --password-file "
			    "FILE or the prompt");
			return PD_USAGE;
		}
		if (p->vlen == 0) {
			*cause = xstrdup("the password must not be empty");
			return PD_DATAERR;
		}
		*pass = xmemdup(p->val, p->vlen);
		*len = p->vlen;
		return PD_OK;
	}
	if (f == NULL && !e->opts.argv_mode &&
	    (e->opts.env_pass_used || getenv("PRONTO_PASS") == NULL)) {
		*cause = xstrdup("no password: give pass= or password-file=, "
		    "or set PRONTO_PASS");
		return PD_DATAERR;
	}
	return auth_new_password(f != NULL ? f->val : NULL,
	    !e->opts.env_pass_used, e->opts.argv_mode && isatty(STDIN_FILENO),
	    pass, len, cause);
}

static enum pd_status
cmd_user_add(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;
	char		*pass = NULL, *hash = NULL;
	size_t		 len = 0;
	long long	 n = 1;
	int		 admin = engine_flag(st, "admin");

	if ((s = check_user_name(e, &st->args[0], cause)) != PD_OK)
		return s;
	if ((s = store_user_count(e->store, &n, cause)) != PD_OK)
		return s;
	if ((s = new_password(e, st, &pass, &len, cause)) != PD_OK)
		return s;
	if ((s = auth_init(cause)) == PD_OK &&
	    (s = auth_hash_password(pass, len, &hash, cause)) == PD_OK)
		/* The first user administers the store. */
		s = store_user_add(e->store, st->args[0].s, hash,
		    admin || n == 0, util_now_ms(), cause);
	auth_free(pass, len);
	free(hash);
	return s;
}

static enum pd_status
missing_user(struct engine *e, const struct arg *a, char **cause)
{
	engine_blame(e, a->line, a->col);
	*cause = xasprintf("no user '%s'", util_wordn(a->s, a->len));
	return PD_ERROR;
}

/* Whether name is the only admin left: it may not be deleted. */
static int
last_admin(struct engine *e, const char *name)
{
	struct buf	 h;
	long long	 admins = 0;
	char		*cause = NULL;
	int		 admin = 0;

	buf_init(&h);
	if (store_user_get(e->store, name, &h, &admin, &cause) == PD_OK &&
	    admin && store_admin_count(e->store, &admins, &cause) != PD_OK)
		admins = 0;
	buf_release(&h);
	free(cause);
	return admin && admins <= 1;
}

static enum pd_status
cmd_user_del(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	if (last_admin(e, st->args[0].s)) {
		engine_blame(e, st->args[0].line, st->args[0].col);
		*cause = xasprintf("'%s' is the last admin and cannot be "
		    "deleted", util_word(st->args[0].s));
		return PD_ERROR;
	}
	s = store_user_del(e->store, st->args[0].s, cause);
	return s == PD_MISS ? missing_user(e, &st->args[0], cause) : s;
}

static enum pd_status
cmd_user_passwd(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;
	struct buf	 old;
	char		*pass = NULL, *hash = NULL;
	size_t		 len = 0;
	int		 admin;

	buf_init(&old);
	s = store_user_get(e->store, st->args[0].s, &old, &admin, cause);
	buf_release(&old);
	if (s == PD_MISS)
		return missing_user(e, &st->args[0], cause);
	if (s != PD_OK || (s = new_password(e, st, &pass, &len, cause)) !=
	    PD_OK)
		return s;
	if ((s = auth_init(cause)) == PD_OK &&
	    (s = auth_hash_password(pass, len, &hash, cause)) == PD_OK)
		s = store_user_set_hash(e->store, st->args[0].s, hash, cause);
	auth_free(pass, len);
	free(hash);
	return s;
}

struct listing {
	struct engine	*e;
	struct buf	 line;
};

static enum pd_status
grant_words(void *ctx, const struct store_grant *g)
{
	static const char *const names[] = { "none", "read", "write",
	    "admin" };
	struct listing	*l = ctx;
	char		*w;

	const char	*sep = l->line.len > 0 ? " " : "";

	if (*g->ns != '\0')
		w = xasprintf("%s%s%c%s=%s", sep, g->project, l->e->delim,
		    g->ns, names[g->level & 3]);
	else
		w = xasprintf("%s%s=%s", sep, g->project, names[g->level & 3]);
	buf_adds(&l->line, w);
	free(w);
	return PD_OK;
}

static enum pd_status
user_line(void *ctx, const struct store_user *u)
{
	struct listing	*l = ctx;
	char		*cause = NULL;
	enum pd_status	 s;

	buf_reset(&l->line);
	s = store_grants(l->e->store, u->name, grant_words, l, &cause);
	free(cause);
	if (s != PD_OK)
		return s;
	/* Text: "root admin", "bob app=read app.cfg=write". */
	out_str(l->e->out, "user", u->name);
	if (u->admin)
		out_str(l->e->out, "role", "admin");
	if (l->line.len > 0)
		out_str(l->e->out, "grants", l->line.data);
	return out_emit(l->e->out, OUT_WORDS);
}

static enum pd_status
cmd_user_list(struct engine *e, struct stmt *st, char **cause)
{
	struct listing	 l = { e, { NULL, 0, 0 } };
	enum pd_status	 s;

	s = store_users(e->store, user_line, &l, cause);
	buf_release(&l.line);
	return s;
}

/* PROJECT[.NAMESPACE] of a grant, split into its parts (caller frees). */
static enum pd_status
grant_target(struct engine *e, const struct arg *a, char **project,
    char **ns, char **cause)
{
	const char	*d = memchr(a->s, e->delim, a->len);
	size_t		 plen = d != NULL ? (size_t)(d - a->s) : a->len;

	engine_blame(e, a->line, a->col);
	if (plen == 0 || (d != NULL && (d[1] == '\0' ||
	    memchr(d + 1, e->delim, a->len - plen - 1) != NULL))) {
		*cause = xasprintf("invalid grant target '%s': use PROJECT or "
		    "PROJECT%cNAMESPACE", util_wordn(a->s, a->len), e->delim);
		return PD_DATAERR;
	}
	if (addr_check_part(a->s, plen, e->delim, "project", cause) != PD_OK ||
	    (d != NULL && addr_check_part(d + 1, a->len - plen - 1, e->delim,
	    "namespace", cause) != PD_OK))
		return PD_DATAERR;
	engine_blame(e, 0, 0);
	*project = xmemdup(a->s, plen);
	*ns = d != NULL ? xmemdup(d + 1, a->len - plen - 1) : xstrdup("");
	return PD_OK;
}

static int
user_exists(struct engine *e, const char *name, char **cause)
{
	struct buf	 h;
	int		 admin;
	enum pd_status	 s;

	buf_init(&h);
	s = store_user_get(e->store, name, &h, &admin, cause);
	buf_release(&h);
	return s == PD_OK;
}

static enum pd_status
cmd_user_grant(struct engine *e, struct stmt *st, char **cause)
{
	static const char *const levels[] = { "read", "write", "admin" };
	struct store_grant	 g;
	char			*project = NULL, *ns = NULL;
	enum pd_status		 s;
	int			 i;

	for (i = 0; i < 3 && strcmp(st->args[2].s, levels[i]) != 0; i++)
		;
	if (i == 3) {
		engine_blame(e, st->args[2].line, st->args[2].col);
		*cause = xasprintf("unknown access level '%s' (read, write or "
		    "admin)", util_word(st->args[2].s));
		return PD_DATAERR;
	}
	if (!user_exists(e, st->args[0].s, cause))
		return *cause != NULL ? PD_ERROR :
		    missing_user(e, &st->args[0], cause);
	if ((s = grant_target(e, &st->args[1], &project, &ns, cause)) != PD_OK)
		return s;
	g.user = st->args[0].s;
	g.project = project;
	g.ns = ns;
	g.level = GRANT_READ + i;
	s = store_grant_set(e->store, &g, cause);
	free(project);
	free(ns);
	return s;
}

static enum pd_status
cmd_user_revoke(struct engine *e, struct stmt *st, char **cause)
{
	char		*project = NULL, *ns = NULL;
	enum pd_status	 s;

	if (!user_exists(e, st->args[0].s, cause))
		return *cause != NULL ? PD_ERROR :
		    missing_user(e, &st->args[0], cause);
	if ((s = grant_target(e, &st->args[1], &project, &ns, cause)) != PD_OK)
		return s;
	s = store_grant_del(e->store, st->args[0].s, project, ns, cause);
	if (s == PD_MISS) {
		*cause = xasprintf("user '%s' has no grant on '%s'",
		    util_word(st->args[0].s), util_word(st->args[1].s));
		s = PD_ERROR;
	}
	free(project);
	free(ns);
	return s;
}

static enum pd_status
cmd_apikey_create(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;
	char		*key = NULL, *id = NULL;

	if (!user_exists(e, st->args[0].s, cause))
		return *cause != NULL ? PD_ERROR :
		    missing_user(e, &st->args[0], cause);
	if ((s = auth_init(cause)) != PD_OK ||
	    (s = auth_apikey_create(e->store, st->args[0].s, util_now_ms(),
	    &key, &id, cause)) != PD_OK)
		return s;
	/* The only time the key is ever shown. */
	out_str(e->out, "apikey", key);
	s = out_emit(e->out, OUT_VALUE);
	auth_free(key, strlen(key));
	free(id);
	return s;
}

static enum pd_status
cmd_apikey_revoke(struct engine *e, struct stmt *st, char **cause)
{
	struct buf	 owner, hash;
	enum pd_status	 s;

	buf_init(&owner);
	buf_init(&hash);
	s = store_apikey_get(e->store, st->args[0].s, &owner, &hash, cause);
	/*
	 * Users may revoke their own keys; to others, someone else's key
	 * looks absent, so ids cannot be probed.
	 */
	if (s == PD_OK && e->user != NULL && !e->admin &&
	    strcmp(owner.data, e->user) != 0)
		s = PD_MISS;
	if (s == PD_OK)
		s = store_apikey_del(e->store, st->args[0].s, cause);
	if (s == PD_MISS) {
		engine_blame(e, st->args[0].line, st->args[0].col);
		*cause = xasprintf("no API key '%s'",
		    util_word(st->args[0].s));
		s = PD_ERROR;
	}
	buf_release(&owner);
	buf_release(&hash);
	return s;
}

static enum pd_status
key_line(void *ctx, const struct store_apikey *k)
{
	struct listing	*l = ctx;
	char		 when[32];
	time_t		 t = (time_t)(k->created / 1000);
	struct tm	 tm;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	out_str(l->e->out, "id", k->id);
	out_str(l->e->out, "user", k->user);
	out_str(l->e->out, "created", when);
	return out_emit(l->e->out, OUT_WORDS);
}

static enum pd_status
cmd_apikey_list(struct engine *e, struct stmt *st, char **cause)
{
	struct listing	 l = { e, { NULL, 0, 0 } };
	const char	*user = st->nargs > 0 ? st->args[0].s : NULL;

	enum pd_status	 s;

	/* Without a name, an admin sees every key, others their own. */
	if (user == NULL && e->user != NULL && !e->admin)
		user = e->user;
	if (user != NULL && e->user != NULL && strcmp(user, e->user) != 0 &&
	    (s = engine_permit(e, GRANT_ADMIN, NULL, NULL, cause)) != PD_OK)
		return s;
	return store_apikeys(e->store, user, key_line, &l, cause);
}

const struct cmd cmd_apikey_create_entry = {
	.name = "apikey create",
	.args = "USER",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_ADMIN_WRITE | CMD_SELF,
	.exec = cmd_apikey_create,
	.summary = "make an API key for USER and print it once",
	.help = "Create an API key for the user USER and print it, once: "
	    "only a hash of it is kept, so it cannot be shown again. The key "
	    "authenticates as its user, in PRONTO_API_KEY for a verb or with "
	    "auth apikey=KEY in a stream, and is checked much faster than a "
	    "password. Users may create keys for themselves; a key for "
	    "another user needs an administrator.",
	.example = "PRONTO_PASS=ci-secret prontodb user add ci\n"
	    "prontodb apikey create ci",
};

const struct cmd cmd_apikey_list_entry = {
	.name = "apikey list",
	.args = "[USER]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_OBJ,
	.exec = cmd_apikey_list,
	.summary = "list API key ids (never the keys)",
	.help = "Print one line per API key: its id, its user and its "
	    "creation time in UTC; the keys themselves are never printed. "
	    "Without USER an administrator, or a run without credentials, "
	    "sees every key and another user their own; naming another user "
	    "needs an administrator.",
	.example = "PRONTO_PASS=ci-secret prontodb user add ci\n"
	    "prontodb apikey create ci >ci.key\n"
	    "prontodb apikey list ci",
};

const struct cmd cmd_apikey_revoke_entry = {
	.name = "apikey revoke",
	.args = "ID",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_DB | CMD_WRITE | CMD_OBJ,
	.exec = cmd_apikey_revoke,
	.summary = "revoke an API key",
	.help = "Delete the API key whose id is ID, as apikey list shows it; "
	    "it stops working at once. Users may revoke their own keys; "
	    "another user's key needs an administrator. An unknown id is an "
	    "error (exit 1).",
	.example = "PRONTO_PASS=ci-secret prontodb user add ci\n"
	    "prontodb apikey create ci >ci.key\n"
	    "prontodb apikey revoke \"$(prontodb apikey list ci | cut "
	    "-d' ' -f1)\"",
};

static const struct cmd_opt auth_opts[] = {
	{ "apikey", "KEY", 0, 0 },
	{ "pass", "PASSWORD", 0, 0 },
	{ "user", "NAME", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_auth_entry = {
	.name = "auth",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_AUTH,
	.opts = auth_opts,
	.exec = cmd_auth,
	.summary = "authenticate: user= pass=, or apikey=",
	.help = "Authenticate a stream as a user, with user=NAME and "
	    "pass=PASSWORD, or as the owner of an API key, with apikey=KEY. "
	    "It comes first, before any statement but help, version and the "
	    "config and cursor verbs, and wrong credentials end the stream "
	    "with exit status 77. On the command line it takes no secret: "
	    "prontodb --user NAME auth checks the password from "
	    "--password-file or PRONTO_PASS (or the key in PRONTO_API_KEY) "
	    "and exits 0 when it is right, 77 when not.",
	.example = "export PRONTO_SECURITY=required\n"
	    "PRONTO_PASS=s3cret prontodb user add root\n"
	    "echo 'auth user=root pass=s3cret; user list' | prontodb",
};

static const struct cmd_opt user_add_opts[] = {
	{ "admin", NULL, 0, 0 },
	{ "pass", "PASSWORD", 0, 0 },
	{ "password-file", "FILE", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_user_add_entry = {
	.name = "user add",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_ADMIN_WRITE | CMD_BOOT,
	.opts = user_add_opts,
	.exec = cmd_user_add,
	.summary = "add a user (the first one is an admin)",
	.help = "Create the user NAME; with admin it is an administrator, "
	    "and so is the first user of a database, which may be added "
	    "without credentials even when security is required, unless it "
	    "holds data. The "
	    "password comes from pass=PASSWORD (in a stream only), the first "
	    "line of password-file=FILE, PRONTO_PASS, or a prompt when the "
	    "standard input is a terminal, in that order, and never from the "
	    "command line. A user that exists is an error (exit 1).",
	.example = "printf 'correct horse\\n' >ci.pw\n"
	    "prontodb user add ci password-file=ci.pw",
};

const struct cmd cmd_user_del_entry = {
	.name = "user del",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_ADMIN_WRITE,
	.exec = cmd_user_del,
	.summary = "delete a user, its grants and API keys",
	.help = "Delete the user NAME with its grants and API keys. The last "
	    "administrator cannot be deleted, and a user that does not exist "
	    "is an error (exit 1).",
	.example = "PRONTO_PASS=root-secret prontodb user add root\n"
	    "PRONTO_PASS=ci-secret prontodb user add ci\n"
	    "prontodb user del ci",
};

const struct cmd cmd_user_grant_entry = {
	.name = "user grant",
	.args = "NAME PROJECT[.NAMESPACE] read|write|admin",
	.min_args = 3,
	.max_args = 3,
	.flags = CMD_ADMIN_WRITE,
	.exec = cmd_user_grant,
	.summary = "grant access",
	.help = "Give the user NAME read, write or admin access to a whole "
	    "project or to one namespace, replacing the level it had there; "
	    "the project and namespace need not exist yet, and a grant on a "
	    "project covers its namespaces. read lets the user read keys, "
	    "write also write them, and admin also create, change and drop "
	    "namespaces; it does not make the user an administrator.",
	.example = "PRONTO_PASS=root-secret prontodb user add root\n"
	    "PRONTO_PASS=ci-secret prontodb user add ci\n"
	    "prontodb user grant ci app.config write",
};

const struct cmd cmd_user_list_entry = {
	.name = "user list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_DB | CMD_ADMIN,
	.exec = cmd_user_list,
	.summary = "list users and their grants",
	.help = "Print one line per user, in byte order of the names: the "
	    "name, the word admin for an administrator, then each grant as "
	    "project[.namespace]=level. When a user is authenticated, "
	    "listing users needs an administrator.",
	.example = "PRONTO_PASS=root-secret prontodb user add root\n"
	    "prontodb user list",
};

static const struct cmd_opt user_passwd_opts[] = {
	{ "pass", "PASSWORD", 0, 0 },
	{ "password-file", "FILE", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_user_passwd_entry = {
	.name = "user passwd",
	.args = "NAME",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_ADMIN_WRITE | CMD_SELF,
	.opts = user_passwd_opts,
	.exec = cmd_user_passwd,
	.summary = "change a password",
	.help = "Give the user NAME a new password, taken as for user add: "
	    "pass=PASSWORD in a stream, the first line of "
	    "password-file=FILE, PRONTO_PASS, or the terminal's prompt. "
	    "Users may change their own password; changing another's needs "
	    "an administrator.",
	.example = "PRONTO_PASS=old-secret prontodb user add ci\n"
	    "PRONTO_PASS=new-secret prontodb user passwd ci",
};

const struct cmd cmd_user_revoke_entry = {
	.name = "user revoke",
	.args = "NAME PROJECT[.NAMESPACE]",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_ADMIN_WRITE,
	.exec = cmd_user_revoke,
	.summary = "take a grant away",
	.help = "Take away the grant of the user NAME on exactly PROJECT or "
	    "PROJECT.NAMESPACE: grants on the project's namespaces, or on "
	    "the project when a namespace is named, are kept. A grant that "
	    "does not exist is an error (exit 1).",
	.example = "echo 'user add root pass=root-secret; user add ci "
	    "pass=ci-secret' | prontodb\n"
	    "prontodb user grant ci app.config write\n"
	    "prontodb user revoke ci app.config",
};
