/*
 * cmd.c - the command table and verb lookup.
 *
 * Keep the table sorted by name: lookup is a binary search and a unit test
 * checks the order.  Names are exact (no prefix guessing), so scripts that
 * work today keep working when verbs are added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static const struct cmd_opt get_opts[] = {
	{ "include-expired", 1 },
	{ "raw", 1 },
	{ NULL, 0 }
};

static const struct cmd_opt scan_opts[] = {
	{ "meta", 1 },
	{ NULL, 0 }
};

static const struct cmd_opt set_opts[] = {
	{ "if-absent", 1 },
	{ "if-version", 0 },
	{ "ttl", 0 },
	{ NULL, 0 }
};

#define KEY_READ	(CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR)
#define KEY_WRITE	(CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ADDR)

static const struct cmd_opt describe_opts[] = {
	{ "description", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt ns_create_opts[] = {
	{ "description", 0 },
	{ "table", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt ns_set_opts[] = {
	{ "table", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt force_opts[] = {
	{ "force", 1 },
	{ NULL, 0 }
};

#define OBJ_WRITE	(CMD_DB | CMD_WRITE | CMD_OBJ | CMD_ATOMIC)
#define OBJ_READ	(CMD_DB | CMD_OBJ)

static const struct cmd_opt incr_opts[] = {
	{ "ttl", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt cache_opts[] = {
	{ "apply", 0 },
	{ "max_items", 0 },
	{ "timeout", 0 },
	{ "ttl", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt backup_opts[] = {
	{ "all", 1 },
	{ NULL, 0 }
};

static const struct cmd_opt export_opts[] = {
	{ "tsv", 1 },
	{ NULL, 0 }
};

static const struct cmd_opt import_opts[] = {
	{ "into", 0 },
	{ "tsv", 1 },
	{ NULL, 0 }
};

static const struct cmd_opt uninstall_opts[] = {
	{ "backup-dir", 0 },
	{ "no-backup", 1 },
	{ "purge", 1 },
	{ "yes", 1 },
	{ NULL, 0 }
};

static const struct cmd_opt restore_opts[] = {
	{ "db", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt auth_opts[] = {
	{ "apikey", 0 },
	{ "pass", 0 },
	{ "user", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt user_add_opts[] = {
	{ "admin", 1 },
	{ "pass", 0 },
	{ "password-file", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt passwd_opts[] = {
	{ "pass", 0 },
	{ "password-file", 0 },
	{ NULL, 0 }
};

static const struct cmd_opt cursor_set_opts[] = {
	{ "db", 0 },
	{ "namespace", 0 },
	{ "project", 0 },
	{ NULL, 0 }
};

#define ADMIN_WRITE	(CMD_DB | CMD_WRITE | CMD_ADMIN | CMD_ATOMIC)

const struct cmd cmd_table[] = {
	{ "apikey create", "USER", 1, 1, ADMIN_WRITE | CMD_SELF, NULL,
	    cmd_apikey_create, "make an API key for USER and print it once" },
	{ "apikey list", "[USER]", 0, 1, CMD_DB | CMD_OBJ, NULL, cmd_apikey_list,
	    "list API key ids (never the keys)" },
	{ "apikey revoke", "ID", 1, 1, CMD_DB | CMD_WRITE | CMD_OBJ, NULL,
	    cmd_apikey_revoke, "revoke an API key" },
	{ "auth", "", 0, 0, CMD_DB | CMD_AUTH, auth_opts, cmd_auth,
	    "authenticate: user= pass=, or apikey=" },
	{ "backup", "[FILE]", 0, 1, CMD_DB | CMD_ADMIN | CMD_OBJ, backup_opts,
	    cmd_backup, "snapshot the database (default: in backups/)" },
	{ "backup list", "", 0, 0, CMD_OBJ, NULL, cmd_backup_list,
	    "list the backups in the data directory" },
	{ "begin", "", 0, 0, 0, NULL, cmd_begin,
	    "start an atomic block" },
	{ "cache create", "PROJECT.NAMESPACE", 1, 2, OBJ_WRITE, cache_opts,
	    cmd_cache_create, "make a TTL namespace: ttl=SECONDS [max_items=N]" },
	{ "cache describe", "PROJECT.NAMESPACE", 1, 1, OBJ_READ, NULL,
	    cmd_cache_describe, "show a TTL namespace's policy and keys" },
	{ "cache drop", "PROJECT.NAMESPACE", 1, 1, OBJ_WRITE, NULL,
	    cmd_cache_drop, "back to a standard namespace; keys lose expiry" },
	{ "cache list", "", 0, 0, OBJ_READ, NULL, cmd_cache_list,
	    "list TTL namespaces" },
	{ "cache set", "PROJECT.NAMESPACE", 1, 1, OBJ_WRITE, cache_opts,
	    cmd_cache_set, "change a TTL namespace's ttl= or max_items=" },
	{ "cache sweep", "[PROJECT.NAMESPACE]", 0, 1, OBJ_WRITE, NULL,
	    cmd_cache_sweep, "purge expired keys now and print how many" },
	{ "check", "", 0, 0, CMD_DB | CMD_READ, NULL, cmd_check,
	    "check the database's integrity (exit 1 on problems)" },
	{ "commit", "", 0, 0, CMD_TXEND, NULL, cmd_commit,
	    "make the block's writes durable" },
	{ "config get", "KEY", 1, 1, CMD_OPEN, NULL, cmd_config_get,
	    "print a setting's effective value" },
	{ "config list", "", 0, 0, CMD_OPEN, NULL, cmd_config_list,
	    "list every setting, its value and where it comes from" },
	{ "config set", "KEY VALUE", 2, 2, CMD_OPEN, NULL, cmd_config_set,
	    "write a setting to the config file" },
	{ "config unset", "KEY", 1, 1, CMD_OPEN, NULL, cmd_config_unset,
	    "remove a setting from the config file" },
	{ "create-cache", "PROJECT.NAMESPACE [SECONDS]", 1, 2, OBJ_WRITE,
	    cache_opts, cmd_cache_create, "upstream form of cache create" },
	{ "cursor del", "NAME", 1, 1, CMD_OPEN, NULL, cmd_cursor_del,
	    "delete a named cursor" },
	{ "cursor list", "", 0, 0, CMD_OPEN, NULL, cmd_cursor_list,
	    "list your cursors; * marks the one in effect" },
	{ "cursor set", "NAME", 1, -1, CMD_OPEN, cursor_set_opts,
	    cmd_cursor_set, "create or change a named cursor (empty clears "
	    "a field)" },
	{ "cursor show", "", 0, 0, CMD_OPEN, NULL, cmd_cursor_show,
	    "show the cursor in effect: database, project, namespace" },
	{ "cursor use", "NAME", 1, 1, CMD_OPEN, NULL, cmd_cursor_use,
	    "make a cursor your active one" },
	{ "db create", "NAME", 1, 1, CMD_ADMIN | CMD_OBJ, NULL, cmd_db_create,
	    "create a database" },
	{ "db describe", "NAME", 1, 1, CMD_OBJ, NULL, cmd_db_describe,
	    "show a database's file, size and counts" },
	{ "db drop", "NAME", 1, 1, CMD_ADMIN | CMD_OBJ, force_opts, cmd_db_drop,
	    "delete a database (selected or not empty: with force)" },
	{ "db list", "", 0, 0, CMD_OBJ, NULL, cmd_db_list,
	    "list the databases in the data directory" },
	{ "db rename", "OLD NEW", 2, 2, CMD_ADMIN | CMD_OBJ, NULL, cmd_db_rename,
	    "rename a database; cursors follow" },
	{ "db use", "NAME", 1, 1, CMD_OBJ, NULL, cmd_db_use,
	    "select a database and remember it (like --select)" },
	{ "default-ttl", "SECONDS", 1, 1, 0, NULL, cmd_default_ttl,
	    "the ttl of later sets in this stream (meta:ttl=)" },
	{ "del", "ADDR", 1, 1, CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ADDR,
	    NULL, cmd_del, "delete a key" },
	{ "delim", "C", 1, 1, 0, NULL, cmd_delim,
	    "change the address delimiter for the rest of the stream" },
	{ "exists", "ADDR", 1, 1, CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR,
	    NULL, cmd_exists, "exit 0 if the key exists, 2 if not" },
	{ "expire", "ADDR SECONDS", 2, 2, KEY_WRITE, NULL, cmd_expire,
	    "make a key expire SECONDS from now" },
	{ "export", "[PREFIX]", 0, 1, CMD_DB | CMD_ADMIN, export_opts, cmd_export,
	    "write a stream that recreates the store (or keys under PREFIX)" },
	{ "get", "ADDR", 1, 1, CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR,
	    get_opts, cmd_get, "print a key's value" },
	{ "help", "[VERB]", 0, 2, CMD_OPEN, NULL, cmd_help,
	    "list the verbs, or describe one" },
	{ "import", "[FILE]", 0, 1, CMD_DB | CMD_WRITE | CMD_ADMIN | CMD_ATOMIC,
	    import_opts, cmd_import, "load --tsv rows (into=P.N remaps)" },
	{ "incr", "ADDR [BY]", 1, 2, KEY_WRITE, incr_opts, cmd_incr,
	    "add BY (default 1) to an integer value and print it" },
	{ "install", "", 0, 0, CMD_OPEN, NULL, cmd_install,
	    "create the directories, config file and database (again: no-op)" },
	{ "keys", "[PREFIX]", 0, 1, CMD_DB | CMD_READ | CMD_SCOPE, NULL,
	    cmd_keys, "list keys, optionally under a literal prefix" },
	{ "meta del", "ADDR NAME", 2, 2, KEY_WRITE, NULL, cmd_meta_del,
	    "delete a metakey" },
	{ "meta get", "ADDR NAME", 2, 2, KEY_READ, NULL, cmd_meta_get,
	    "print a metakey (system ones too)" },
	{ "meta list", "ADDR", 1, 1, KEY_READ, NULL, cmd_meta_list,
	    "list a key's system and user metakeys" },
	{ "meta set", "ADDR NAME VALUE", 3, 3, KEY_WRITE, NULL, cmd_meta_set,
	    "attach a metakey to an existing key" },
	{ "namespaces", "[PROJECT]", 0, 1, OBJ_READ | CMD_SCOPE, NULL,
	    cmd_ns_list, "list a project's namespaces (or -p PROJECT)" },
	{ "ns create", "PROJECT.NAMESPACE", 1, 1, OBJ_WRITE, ns_create_opts,
	    cmd_ns_create, "create a namespace (and its project)" },
	{ "ns describe", "PROJECT.NAMESPACE", 1, 1, OBJ_READ, NULL,
	    cmd_ns_describe, "show a namespace's settings and key count" },
	{ "ns drop", "PROJECT.NAMESPACE", 1, 1, OBJ_WRITE, force_opts,
	    cmd_ns_drop, "delete a namespace (with force: and its keys)" },
	{ "ns list", "[PROJECT]", 0, 1, OBJ_READ | CMD_SCOPE, NULL,
	    cmd_ns_list, "list namespaces" },
	{ "ns set", "PROJECT.NAMESPACE", 1, 1, OBJ_WRITE, ns_set_opts,
	    cmd_ns_set, "map a namespace to a table, moving its keys" },
	{ "nss", "", 0, 0, OBJ_READ, NULL, cmd_nss,
	    "list every project.namespace" },
	{ "persist", "ADDR", 1, 1, KEY_WRITE, NULL, cmd_persist,
	    "remove a key's expiry" },
	{ "project create", "NAME", 1, 1, OBJ_WRITE, describe_opts,
	    cmd_project_create, "create a project" },
	{ "project describe", "NAME", 1, 1, OBJ_READ, NULL,
	    cmd_project_describe, "show a project's metadata and counts" },
	{ "project drop", "NAME", 1, 1, OBJ_WRITE, force_opts,
	    cmd_project_drop, "delete a project (with force: and all in it)" },
	{ "project list", "", 0, 0, OBJ_READ, NULL, cmd_project_list,
	    "list projects" },
	{ "projects", "", 0, 0, OBJ_READ, NULL, cmd_project_list,
	    "list projects" },
	{ "restore", "FILE", 1, 1, CMD_ADMIN | CMD_OBJ, restore_opts,
	    cmd_restore, "replace a database with a checked backup" },
	{ "rollback", "", 0, 0, CMD_TXEND, NULL, cmd_rollback,
	    "discard the block's writes" },
	{ "scan", "[PREFIX]", 0, 1, CMD_DB | CMD_READ | CMD_SCOPE, scan_opts,
	    cmd_scan, "list keys with their values (and metakeys)" },
	{ "set", "ADDR VALUE", 2, 2, KEY_WRITE, set_opts, cmd_set,
	    "store a value (if-absent, if-version=N: compare and set)" },
	{ "table create", "NAME", 1, 1, OBJ_WRITE | CMD_ADMIN, NULL,
	    cmd_table_create, "create a key table" },
	{ "table describe", "NAME", 1, 1, OBJ_READ, NULL, cmd_table_describe,
	    "show a table's columns, rows, size and namespaces" },
	{ "table drop", "NAME", 1, 1, OBJ_WRITE | CMD_ADMIN, force_opts,
	    cmd_table_drop, "delete a table (holding namespaces: with force)" },
	{ "table list", "", 0, 0, OBJ_READ, NULL, cmd_table_list,
	    "list key tables" },
	{ "ttl", "ADDR", 1, 1, KEY_READ, NULL, cmd_ttl,
	    "print a key's remaining milliseconds (-1: no expiry)" },
	{ "uninstall", "", 0, 0, CMD_ADMIN, uninstall_opts, cmd_uninstall,
	    "remove config and cursors (purge: data too, after a backup)" },
	{ "use", "PROJECT[.NAMESPACE]", 1, 1, 0, NULL, cmd_use,
	    "set the scope that relative addresses resolve in" },
	{ "user add", "NAME", 1, 1, ADMIN_WRITE | CMD_BOOT, user_add_opts,
	    cmd_user_add, "add a user (the first one is an admin)" },
	{ "user del", "NAME", 1, 1, ADMIN_WRITE, NULL, cmd_user_del,
	    "delete a user, its grants and API keys" },
	{ "user grant", "NAME PROJECT[.NAMESPACE] read|write|admin", 3, 3,
	    ADMIN_WRITE, NULL, cmd_user_grant, "grant access" },
	{ "user list", "", 0, 0, CMD_DB | CMD_ADMIN, NULL, cmd_user_list,
	    "list users and their grants" },
	{ "user passwd", "NAME", 1, 1, ADMIN_WRITE | CMD_SELF, passwd_opts,
	    cmd_user_passwd, "change a password" },
	{ "user revoke", "NAME PROJECT[.NAMESPACE]", 2, 2, ADMIN_WRITE, NULL,
	    cmd_user_revoke, "take a grant away" },
	{ "verify", "DB|EXPORT", 1, 1, CMD_DB | CMD_ADMIN, NULL, cmd_verify,
	    "compare with a database or an export; list every difference" },
	{ "version", "", 0, 0, CMD_OPEN, NULL, cmd_version,
	    "print the version" },
};

const size_t cmd_count = sizeof(cmd_table) / sizeof(cmd_table[0]);

static int
compare(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cmd *)elem)->name);
}

static const struct cmd *
lookup(const char *name)
{
	return bsearch(name, cmd_table, cmd_count, sizeof(cmd_table[0]),
	    compare);
}

/*
 * Whether some verb is "word ...": set, get and the like are not.  The
 * table is sorted, so the first name not below "word " tells.
 */
/* Compare name with "word " (the word and a space), as strcmp would. */
static int
cmp_group(const char *name, const char *word, size_t n)
{
	int	 c = strncmp(name, word, n);

	return c != 0 ? c : (unsigned char)name[n] - ' ';
}

static int
is_group(const char *word)
{
	size_t	 lo = 0, hi = cmd_count, mid, n = strlen(word);

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cmp_group(cmd_table[mid].name, word, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cmd_count && cmp_group(cmd_table[lo].name, word, n) == 0;
}

const struct cmd *
cmd_find(const struct stmt *st, size_t *words)
{
	/* A stream repeats its verbs: the last one-word verb found. */
	static char		 last_verb[16];
	static const struct cmd	*last;
	const struct cmd	*c;

	if (last != NULL && strcmp(st->verb, last_verb) == 0) {
		*words = 1;
		return last;
	}

	/* `admin VERB ...` names the same entries as the short forms. */
	if (strcmp(st->verb, "admin") == 0 && st->nargs > 0) {
		struct stmt	 inner = *st;

		inner.verb = st->args[0].s;
		inner.args = st->args + 1;
		inner.nargs = st->nargs - 1;
		c = cmd_find(&inner, words);
		if (c == NULL || !(c->flags & (CMD_ADMIN | CMD_OBJ)))
			return NULL;
		(*words)++;
		return c;
	}

	/*
	 * Two-word names are short: a stack buffer spares a malloc; and only
	 * a group's first word (meta, user, ...) can start one.
	 */
	if (st->nargs > 0 && strlen(st->args[0].s) == st->args[0].len &&
	    is_group(st->verb)) {
		char	 two[64];
		int	 n = snprintf(two, sizeof(two), "%s %s", st->verb,
		    st->args[0].s);

		if (n > 0 && (size_t)n < sizeof(two) &&
		    (c = lookup(two)) != NULL) {
			*words = 2;
			return c;
		}
	}
	*words = 1;
	if ((c = lookup(st->verb)) != NULL && !is_group(st->verb) &&
	    strlen(st->verb) < sizeof(last_verb)) {
		strcpy(last_verb, st->verb);
		last = c;
	}
	return c;
}

const struct cmd_opt *
cmd_opt(const struct cmd *c, const char *name)
{
	const struct cmd_opt	*o;

	for (o = c->opts; o != NULL && o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}
