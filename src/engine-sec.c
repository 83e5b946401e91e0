/*
 * engine-sec.c - the security gate: the auth preamble, grants, and the
 * authorization of verbs that reach other databases.
 *
 * With security required, nothing runs before a successful auth (except
 * creating the first user, which bootstraps a new or empty database).
 * Credentials that appear are always checked, even when security is
 * optional, and an authenticated session is held to its grants.  Users
 * live in each database, so a verb that reads, copies, replaces or
 * deletes another database checks the session's credentials against that
 * database's own users (engine_authorize): administering one database
 * grants nothing over another.  Messages never carry a secret and never
 * say whether a key exists.
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

static const char *const level_names[] = { "no", "read", "write", "admin" };

enum pd_status
engine_login(struct engine *e, const char *user, const char *pass,
    size_t passlen, const char *apikey, char **cause)
{
	struct store	*store;
	enum pd_status	 s;
	char		*who = NULL;
	int		 admin = 0;

	/* No database to log in to is a failed login, and makes no file. */
	if ((s = engine_store_existing(e, &store, cause)) == PD_MISS)
		s = PD_DENIED;
	else if (s == PD_OK)
		s = auth_init(cause);
	if (s != PD_OK)
		goto out;
	if (apikey != NULL)
		s = auth_login_apikey(store, apikey, strlen(apikey), &who,
		    &admin, cause);
	else {
		s = auth_login_password(store, user, pass, passlen, &admin,
		    cause);
		if (s == PD_OK)
			who = xstrdup(user);
	}
out:
	if (s == PD_DENIED) {
		free(*cause);
		*cause = xstrdup("authentication failed");
	}
	if (s != PD_OK) {
		e->stop = 1;	/* a failed auth ends the stream */
		return s;
	}
	free(e->user);
	e->user = who;
	e->admin = admin;
	auth_free(e->cred, e->cred_len);
	e->cred_apikey = apikey != NULL;
	e->cred_len = apikey != NULL ? strlen(apikey) : passlen;
	e->cred = xmemdup(apikey != NULL ? apikey : pass, e->cred_len);
	return PD_OK;
}

enum pd_status
engine_permit(struct engine *e, int level, const char *project,
    const char *ns, char **cause)
{
	enum pd_status	 s;
	int		 have = 0;

	if (e->user == NULL || e->admin)
		return PD_OK;
	if (project != NULL) {
		s = store_grant_level(e->store, e->user, project, ns, &have,
		    cause);
		if (s != PD_OK)
			return s;
	}
	if (have >= level)
		return PD_OK;
	if (project == NULL)
		*cause = xasprintf("permission denied: %s access needs an "
		    "admin", level_names[level]);
	else if (ns == NULL)
		*cause = xasprintf("permission denied: %s access to %s",
		    level_names[level], project);
	else
		*cause = xasprintf("permission denied: %s access to %s%c%s",
		    level_names[level], project, e->delim, ns);
	return PD_DENIED;
}

int
engine_can(struct engine *e, int level, const char *project, const char *ns)
{
	char	*cause = NULL;
	int	 ok = engine_permit(e, level, project, ns, &cause) == PD_OK;

	free(cause);
	return ok;
}

static enum pd_status
count_one(void *ctx, const struct store_object *o)
{
	(void)o;
	(*(long long *)ctx)++;
	return PD_OK;
}

enum pd_status
engine_bootstrap_check(struct engine *e, struct store *store, char **cause)
{
	enum pd_status	 s;
	long long	 n = 0;

	if (!e->opts.secure)
		return PD_OK;
	if ((s = store_projects(store, NULL, count_one, &n, cause)) != PD_OK &&
	    s != PD_MISS)
		return s;
	/* Users are the whole file's: so is the data that forbids this. */
	if (n == 0 && (s = store_projects_elsewhere(store, &n, cause)) !=
	    PD_OK)
		return s;
	if (n == 0)
		return PD_OK;
	*cause = xasprintf("database '%s' holds data but has no users: add "
	    "its first admin with security optional (PRONTO_SECURITY=optional "
	    "prontodb user add NAME)", util_word(e->opts.db != NULL ?
	    e->opts.db : "main"));
	return PD_DENIED;
}

/*
 * While the database has no users, creating one needs no credentials: a
 * database that does not exist yet is made by that user add; one that
 * exists must pass engine_bootstrap_check.  PD_OK when this statement is
 * such a bootstrap, PD_MISS when it is not one.
 */
static enum pd_status
bootstrapping(struct engine *e, const struct cmd *c, char **cause)
{
	struct store	*store;
	enum pd_status	 s;
	long long	 n = 1;

	if (!(c->flags & CMD_BOOT))
		return PD_MISS;
	if ((s = engine_store_existing(e, &store, cause)) == PD_MISS) {
		free(*cause);
		*cause = NULL;
		return PD_OK;
	}
	if (s == PD_OK)
		s = store_user_count(store, &n, cause);
	if (s != PD_OK || n > 0) {
		free(*cause);
		*cause = NULL;
		return PD_MISS;
	}
	return engine_bootstrap_check(e, store, cause);
}

/* Whether loc is the session's own database: the same existing one. */
static int
own_db(struct engine *e, const struct store_loc *loc)
{
	struct store_loc	 mine;
	char			*cause = NULL;
	int			 same;

	if (engine_db_loc(e, &mine, &cause) != PD_OK) {
		free(cause);
		return 0;
	}
	same = store_same(&mine, loc);
	store_loc_free(&mine);
	return same;
}

/* Check the session's credentials and level in other, a database. */
static enum pd_status
authorize_in(struct engine *e, struct store *other, const char *name,
    int level, char **cause)
{
	enum pd_status	 s;
	long long	 users = 0;
	char		*who = NULL;
	int		 admin = 0;

	if ((s = store_user_count(other, &users, cause)) != PD_OK)
		return s;
	/* No credentials are valid there, in either mode: none is taken. */
	if (users == 0) {
		*cause = xasprintf("permission denied: database '%s' has no "
		    "users, so the credentials of '%s' are not valid in it",
		    util_word(name), util_word(e->user));
		return PD_DENIED;
	}
	if ((s = auth_init(cause)) != PD_OK)
		return s;
	if (e->cred_apikey)
		s = auth_login_apikey(other, e->cred, e->cred_len, &who,
		    &admin, cause);
	else
		s = auth_login_password(other, e->user, e->cred, e->cred_len,
		    &admin, cause);
	/* A key valid there (a copy of this database) must be this user's. */
	if (s == PD_OK && who != NULL && strcmp(who, e->user) != 0)
		s = PD_DENIED;
	free(who);
	if (s == PD_DENIED) {
		free(*cause);
		*cause = xasprintf("permission denied: the credentials of "
		    "'%s' are not valid in database '%s', which has its own "
		    "users", util_word(e->user), util_word(name));
		return PD_DENIED;
	}
	if (s == PD_OK && level >= GRANT_ADMIN && !admin) {
		*cause = xasprintf("permission denied: admin access to "
		    "database '%s' needs an admin of it", util_word(name));
		return PD_DENIED;
	}
	return s;
}

enum pd_status
engine_authorize(struct engine *e, const struct store_loc *loc,
    const char *name, int level, char **cause)
{
	struct store	*other = NULL;
	enum pd_status	 s;

	if (e->user == NULL) {
		if (!e->opts.secure)
			return PD_OK;
		*cause = xstrdup("authentication required (security is "
		    "required)");
		return PD_DENIED;
	}
	if (own_db(e, loc)) {
		if (level < GRANT_ADMIN || e->admin)
			return PD_OK;
		*cause = xasprintf("permission denied: admin access to "
		    "database '%s' needs an admin of it", util_word(name));
		return PD_DENIED;
	}
	if ((s = store_open(loc, e->opts.busy_ms, 0, &other, cause)) ==
	    PD_MISS) {
		*cause = xasprintf("no database '%s'", util_word(name));
		return PD_ERROR;
	}
	if (s == PD_OK)
		s = authorize_in(e, other, name, level, cause);
	store_close(other);
	return s;
}

enum pd_status
engine_gate(struct engine *e, const struct cmd *c, const struct stmt *st,
    char **cause)
{
	enum pd_status	 s;
	int		 level;

	if (e->opts.confine != NULL) {
		const char *const	*v;

		for (v = e->opts.confine; *v != NULL; v++)
			if (strcmp(*v, c->name) == 0)
				break;
		if (*v == NULL) {
			*cause = xasprintf("'%s' cannot run here: only the "
			    "verbs of an export can", c->name);
			return PD_DENIED;
		}
	}
	if (c->flags & CMD_AUTH) {
		if (e->data_seen) {
			*cause = xstrdup("credentials must come before any "
			    "other statement");
			return PD_DATAERR;
		}
		return PD_OK;
	}
	if (c->flags & CMD_OPEN)
		return PD_OK;
	e->data_seen = 1;
	if (e->pending_pass != NULL) {
		e->stop = 1;
		*cause = xstrdup("authentication failed: a password without "
		    "a user");
		return PD_DENIED;
	}
	if (e->user == NULL) {
		if (!e->opts.secure ||
		    (s = bootstrapping(e, c, cause)) == PD_OK)
			return PD_OK;
		e->stop = 1;
		if (s != PD_MISS)
			return s;
		*cause = xstrdup(e->opts.argv_mode ? "authentication required: "
		    "use --user with PRONTO_PASS or --password-file, or "
		    "PRONTO_API_KEY (security is required)" : "authentication "
		    "required: start the stream with auth (security is "
		    "required)");
		return PD_DENIED;
	}
	if ((c->flags & CMD_SELF) && st->nargs > 0 &&
	    strcmp(st->args[0].s, e->user) == 0)
		return PD_OK;
	if (c->flags & CMD_ADMIN)
		return engine_permit(e, GRANT_ADMIN, NULL, NULL, cause);
	if (!(c->flags & (CMD_READ | CMD_WRITE)))
		return PD_OK;
	level = (c->flags & CMD_WRITE) ? GRANT_WRITE : GRANT_READ;
	if ((c->flags & CMD_ADDR) && e->addr.project != NULL)
		return engine_permit(e, level, e->addr.project, e->addr.ns,
		    cause);
	/* Listings filter row by row, see engine_permit in cmd-kv.c. */
	return PD_OK;
}
