/*
 * engine-sec.c - the security gate: the auth preamble and grants.
 *
 * With security required, nothing runs before a successful auth (except
 * creating the first user, which bootstraps an empty store).  Credentials
 * that appear are always checked, even when security is optional, and an
 * authenticated session is held to its grants.  Messages never carry a
 * secret and never say whether a key exists.
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

	if ((s = engine_store(e, &store, cause)) != PD_OK)
		return s;
	if ((s = auth_init(cause)) != PD_OK)
		return s;
	if (apikey != NULL)
		s = auth_login_apikey(store, apikey, strlen(apikey), &who,
		    &admin, cause);
	else {
		s = auth_login_password(store, user, pass, passlen, &admin,
		    cause);
		if (s == PD_OK)
			who = xstrdup(user);
	}
	if (s == PD_DENIED) {
		free(*cause);
		*cause = xstrdup("authentication failed");
	}
	if (s != PD_OK) {
		e->stop = 1;	/* a failed auth ends the stream */
		return s == PD_DENIED ? PD_DENIED : s;
	}
	free(e->user);
	e->user = who;
	e->admin = admin;
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

/* While no user exists, creating one needs no credentials. */
static int
bootstrapping(struct engine *e, const struct cmd *c)
{
	long long	 n = 1;
	char		*cause = NULL;

	if (!(c->flags & CMD_BOOT) || e->store == NULL)
		return 0;
	if (store_user_count(e->store, &n, &cause) != PD_OK)
		n = 1;
	free(cause);
	return n == 0;
}

enum pd_status
engine_gate(struct engine *e, const struct cmd *c, const struct stmt *st,
    char **cause)
{
	int	 level;

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
		if (!e->opts.secure || bootstrapping(e, c))
			return PD_OK;
		e->stop = 1;
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
	if (c->flags & CMD_ADDR)
		return engine_permit(e, level, e->addr.project, e->addr.ns,
		    cause);
	/* Listings filter row by row, see engine_permit in cmd-kv.c. */
	return PD_OK;
}
