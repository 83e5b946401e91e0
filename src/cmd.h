/*
 * cmd.h - the command table.
 *
 * One sorted table describes every verb: its arity, options and flags.  The
 * engine checks arity and options centrally and uses the flags to decide
 * what to prepare, so a verb's function only does its own work.
 */
#ifndef PRONTO_CMD_H
#define PRONTO_CMD_H

#include <stddef.h>

#include "parse.h"
#include "status.h"

struct engine;

enum cmd_flags {
	CMD_DB = 0x01,		/* needs the database open */
	CMD_READ = 0x02,	/* reads keys */
	CMD_WRITE = 0x04,	/* writes: runs inside a transaction */
	CMD_SCOPE = 0x08,	/* takes project= and namespace= */
	CMD_ADDR = 0x10,	/* first argument is an address; key= gives it */
	CMD_TXEND = 0x20,	/* commit/rollback: ends a failed block */
	CMD_AUTH = 0x40,	/* auth: belongs to the preamble */
	CMD_ADMIN = 0x80,	/* needs an admin */
	CMD_BOOT = 0x100,	/* allowed unauthenticated while no user exists */
	CMD_SELF = 0x200,	/* CMD_ADMIN, or the first argument is oneself */
	CMD_OPEN = 0x400,	/* needs no authentication: help, version */
	CMD_OBJ = 0x800,	/* object administration: takes `admin` */
	CMD_ATOMIC = 0x1000	/* several writes: all or none (savepoint) */
};

struct cmd_opt {
	const char	*name;
	int		 boolean;	/* may be written bare: `raw` */
};

struct cmd {
	const char		*name;	/* may be two words: "meta set" */
	const char		*usage;	/* the arguments, for messages */
	int			 min_args;
	int			 max_args;	/* -1: no limit */
	int			 flags;
	const struct cmd_opt	*opts;	/* NULL-terminated, or NULL */
	enum pd_status		(*exec)(struct engine *, struct stmt *,
				    char **cause);
	const char		*summary;	/* one line for `help` */
};

extern const struct cmd	cmd_table[];
extern const size_t	cmd_count;

/*
 * Find the verb of st.  A two-word verb ("meta set") is tried first with
 * the first argument; *words says how many words the name used.
 */
const struct cmd	*cmd_find(const struct stmt *st, size_t *words);
/* The declared option name, or NULL when cmd has no such option. */
const struct cmd_opt	*cmd_opt(const struct cmd *, const char *name);

/* The verbs, by group. */
enum pd_status	cmd_set(struct engine *, struct stmt *, char **);
enum pd_status	cmd_get(struct engine *, struct stmt *, char **);
enum pd_status	cmd_del(struct engine *, struct stmt *, char **);
enum pd_status	cmd_exists(struct engine *, struct stmt *, char **);
enum pd_status	cmd_keys(struct engine *, struct stmt *, char **);
enum pd_status	cmd_scan(struct engine *, struct stmt *, char **);
enum pd_status	cmd_project_create(struct engine *, struct stmt *, char **);
enum pd_status	cmd_project_drop(struct engine *, struct stmt *, char **);
enum pd_status	cmd_project_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_project_describe(struct engine *, struct stmt *,
		    char **);
enum pd_status	cmd_ns_create(struct engine *, struct stmt *, char **);
enum pd_status	cmd_ns_drop(struct engine *, struct stmt *, char **);
enum pd_status	cmd_ns_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_ns_describe(struct engine *, struct stmt *, char **);
enum pd_status	cmd_nss(struct engine *, struct stmt *, char **);
enum pd_status	cmd_ns_set(struct engine *, struct stmt *, char **);
enum pd_status	cmd_table_create(struct engine *, struct stmt *, char **);
enum pd_status	cmd_table_drop(struct engine *, struct stmt *, char **);
enum pd_status	cmd_table_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_table_describe(struct engine *, struct stmt *, char **);
/* The expiry a write gets (ttl=, meta:ttl, the namespace's TTL); 0: none. */
enum pd_status	cmd_expiry(struct engine *, const struct stmt *, long long now,
		    long long *expires, char **cause);
enum pd_status	cmd_default_ttl(struct engine *, struct stmt *, char **);
enum pd_status	cmd_ttl(struct engine *, struct stmt *, char **);
enum pd_status	cmd_expire(struct engine *, struct stmt *, char **);
enum pd_status	cmd_persist(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cache_create(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cache_set(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cache_describe(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cache_drop(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cache_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cache_sweep(struct engine *, struct stmt *, char **);
enum pd_status	cmd_backup(struct engine *, struct stmt *, char **);
enum pd_status	cmd_backup_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_restore(struct engine *, struct stmt *, char **);
enum pd_status	cmd_check(struct engine *, struct stmt *, char **);
enum pd_status	cmd_export_tsv(struct engine *, struct stmt *, char **);
enum pd_status	cmd_import(struct engine *, struct stmt *, char **);
enum pd_status	cmd_verify(struct engine *, struct stmt *, char **);
enum pd_status	cmd_export(struct engine *, struct stmt *, char **);
enum pd_status	cmd_incr(struct engine *, struct stmt *, char **);
enum pd_status	cmd_meta_set(struct engine *, struct stmt *, char **);
enum pd_status	cmd_meta_get(struct engine *, struct stmt *, char **);
enum pd_status	cmd_meta_del(struct engine *, struct stmt *, char **);
enum pd_status	cmd_meta_list(struct engine *, struct stmt *, char **);

enum pd_status	cmd_auth(struct engine *, struct stmt *, char **);
enum pd_status	cmd_user_add(struct engine *, struct stmt *, char **);
enum pd_status	cmd_user_del(struct engine *, struct stmt *, char **);
enum pd_status	cmd_user_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_user_passwd(struct engine *, struct stmt *, char **);
enum pd_status	cmd_user_grant(struct engine *, struct stmt *, char **);
enum pd_status	cmd_user_revoke(struct engine *, struct stmt *, char **);
enum pd_status	cmd_apikey_create(struct engine *, struct stmt *, char **);
enum pd_status	cmd_apikey_revoke(struct engine *, struct stmt *, char **);
enum pd_status	cmd_apikey_list(struct engine *, struct stmt *, char **);

/* Helpers for verbs that touch the user's cursors (cmd-config.c). */
struct cursors;
enum pd_status	cmd_cursors_load(struct engine *, struct cursors *,
		    char **cause);
enum pd_status	cmd_cursors_save(struct engine *, const struct cursors *,
		    char **cause);
const char	*cmd_cursor_in_effect(const struct engine *,
		    const struct cursors *);

enum pd_status	cmd_db_create(struct engine *, struct stmt *, char **);
enum pd_status	cmd_db_describe(struct engine *, struct stmt *, char **);
enum pd_status	cmd_db_drop(struct engine *, struct stmt *, char **);
enum pd_status	cmd_db_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_db_rename(struct engine *, struct stmt *, char **);
enum pd_status	cmd_db_use(struct engine *, struct stmt *, char **);

/*
 * Lifecycle (cmd-install.c).  install makes what is missing of the home
 * (directories, a commented config, the database, with security required
 * the first admin) and changes nothing that exists; uninstall removes the
 * config file and cursors, and with purge the data directory after a
 * backup of each database.  Neither opens the command's database.
 */
enum pd_status	cmd_install(struct engine *, struct stmt *, char **);
enum pd_status	cmd_uninstall(struct engine *, struct stmt *, char **);

enum pd_status	cmd_config_get(struct engine *, struct stmt *, char **);
enum pd_status	cmd_config_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_config_set(struct engine *, struct stmt *, char **);
enum pd_status	cmd_config_unset(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cursor_del(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cursor_list(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cursor_set(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cursor_show(struct engine *, struct stmt *, char **);
enum pd_status	cmd_cursor_use(struct engine *, struct stmt *, char **);

enum pd_status	cmd_use(struct engine *, struct stmt *, char **);
enum pd_status	cmd_delim(struct engine *, struct stmt *, char **);
enum pd_status	cmd_begin(struct engine *, struct stmt *, char **);
enum pd_status	cmd_commit(struct engine *, struct stmt *, char **);
enum pd_status	cmd_rollback(struct engine *, struct stmt *, char **);
enum pd_status	cmd_help(struct engine *, struct stmt *, char **);
enum pd_status	cmd_version(struct engine *, struct stmt *, char **);

#endif
