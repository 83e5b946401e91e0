/*
 * cmd.h - the command table.
 *
 * One sorted table maps every verb to its entry: arity, options and flags.
 * Each entry, with the options it declares, sits beside the verb's code
 * (as tmux's cmd-*.c do), so adding an option is one edit in one file.  The
 * engine reads the words after a verb by those declarations (opts.c),
 * checks arity centrally and uses the flags to decide what to prepare, so
 * a verb's function only does its own work.
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
	CMD_SCOPE = 0x08,	/* takes project= and namespace= (-p, -n) */
	CMD_ADDR = 0x10,	/* first argument is an address; key= gives it */
	CMD_TXEND = 0x20,	/* commit/rollback: ends a failed block */
	CMD_AUTH = 0x40,	/* auth: belongs to the preamble */
	CMD_ADMIN = 0x80,	/* needs an admin */
	CMD_BOOT = 0x100,	/* allowed unauthenticated while no user exists */
	CMD_SELF = 0x200,	/* CMD_ADMIN, or the first argument is oneself */
	CMD_OPEN = 0x400,	/* needs no authentication: help, version */
	CMD_OBJ = 0x800,	/* object administration: takes `admin` */
	CMD_ATOMIC = 0x1000,	/* several writes: all or none (savepoint) */
	CMD_NOTX = 0x2000	/* outside any transaction: grouped writes are
				   committed first; refused in a block */
};

/* Common sets of flags. */
#define CMD_KEY_READ	(CMD_DB | CMD_READ | CMD_SCOPE | CMD_ADDR)
#define CMD_KEY_WRITE	(CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ADDR)
#define CMD_OBJ_WRITE	(CMD_DB | CMD_WRITE | CMD_OBJ | CMD_ATOMIC)
#define CMD_OBJ_READ	(CMD_DB | CMD_OBJ)
#define CMD_ADMIN_WRITE	(CMD_DB | CMD_WRITE | CMD_ADMIN | CMD_ATOMIC)

/*
 * An option a verb declares, beside the verb's code.  It may be written
 * name=value, --name value, --name=value, and, for a boolean, bare name or
 * --name (opts.c reads them all).
 */
struct cmd_opt {
	const char	*name;
	const char	*arg;	/* its value's name in usage ("S"); NULL: boolean */
	char		 shrt;	/* a one-letter form (-p), or 0 */
	int		 slot;	/* the optional argument it may be given as
				   (create-cache P.N 60 = timeout=60), or 0 */
};

struct cmd {
	const char		*name;	/* may be two words: "meta set" */
	const char		*args;	/* the positional arguments, for usage */
	int			 min_args;
	int			 max_args;	/* -1: no limit */
	int			 flags;
	const struct cmd_opt	*opts;	/* ended by a NULL name, or NULL */
	enum pd_status		(*exec)(struct engine *, struct stmt *,
				    char **cause);
	/*
	 * For a verb that loads rows from input of its own (a FILE, or the
	 * standard input on the command line): the bytes it will read, so
	 * that a large one begins its transaction as a bulk load.  NULL for
	 * the rest.
	 */
	unsigned long long	(*input)(struct engine *, const struct stmt *);
	const char		*summary;	/* one line for `help` */
	const char		*help;		/* a paragraph for VERB --help */
	const char		*example;	/* command lines, for VERB --help */
};

/* Every verb, sorted by name: the single map of verbs (cmd.c). */
extern const struct cmd *const	cmd_table[];
extern const size_t		cmd_count;

/*
 * Find the verb of st.  A two-word verb ("meta set") is tried first with
 * the first argument; *words says how many words the name used.
 */
const struct cmd	*cmd_find(const struct stmt *st, size_t *words);
/* The verb named name exactly ("meta set"), or NULL. */
const struct cmd	*cmd_lookup(const char *name);
/* Whether word starts two-word verbs (meta, user, ...): a group. */
int			 cmd_is_group(const char *word);
/*
 * The verb name closest to the words a user typed (one or two, for a
 * misspelt group verb), or NULL when none is close: for "did you mean".
 */
const char		*cmd_suggest(const char *word, const char *next);

/*
 * The verbs' entries, one per verb, each declared in the file of its code
 * (cmd-<group>.c), which a file's header lists.
 */
extern const struct cmd
	cmd_apikey_create_entry, cmd_apikey_list_entry,
	cmd_apikey_revoke_entry, cmd_auth_entry, cmd_backup_entry,
	cmd_backup_list_entry, cmd_begin_entry, cmd_cache_create_entry,
	cmd_cache_describe_entry, cmd_cache_drop_entry, cmd_cache_list_entry,
	cmd_cache_set_entry, cmd_cache_sweep_entry, cmd_check_entry,
	cmd_commit_entry, cmd_config_get_entry, cmd_config_list_entry,
	cmd_config_set_entry, cmd_config_unset_entry, cmd_copy_entry,
	cmd_count_entry, cmd_create_cache_entry,
	cmd_cursor_active_entry, cmd_cursor_del_entry,
	cmd_cursor_delete_entry, cmd_cursor_list_entry, cmd_cursor_set_entry,
	cmd_cursor_show_entry, cmd_cursor_use_entry, cmd_db_create_entry,
	cmd_db_describe_entry, cmd_db_drop_entry, cmd_db_list_entry,
	cmd_db_rename_entry, cmd_db_use_entry, cmd_default_ttl_entry,
	cmd_del_entry, cmd_delim_entry, cmd_exists_entry, cmd_expire_entry,
	cmd_export_entry, cmd_get_entry, cmd_help_entry, cmd_import_entry,
	cmd_incr_entry, cmd_install_entry, cmd_keys_entry, cmd_lock_entry,
	cmd_ls_entry, cmd_meta_del_entry,
	cmd_meta_get_entry, cmd_meta_list_entry, cmd_meta_set_entry,
	cmd_move_entry,
	cmd_namespaces_entry, cmd_ns_create_entry, cmd_ns_describe_entry,
	cmd_ns_drop_entry, cmd_ns_list_entry, cmd_ns_set_entry, cmd_nss_entry,
	cmd_persist_entry, cmd_project_create_entry,
	cmd_project_describe_entry, cmd_project_drop_entry,
	cmd_project_list_entry, cmd_projects_entry, cmd_rename_entry,
	cmd_restore_entry,
	cmd_rollback_entry, cmd_scan_entry, cmd_set_entry, cmd_stream_entry,
	cmd_table_create_entry, cmd_table_describe_entry,
	cmd_table_drop_entry, cmd_table_list_entry, cmd_ttl_entry,
	cmd_uninstall_entry, cmd_unlock_entry, cmd_use_entry,
	cmd_user_add_entry,
	cmd_user_del_entry, cmd_user_grant_entry, cmd_user_list_entry,
	cmd_user_passwd_entry, cmd_user_revoke_entry, cmd_verify_entry,
	cmd_version_entry, cmd_wait_entry, cmd_watch_entry;

/* export --tsv, whose rows cmd-tsv.c writes as import reads them. */
enum pd_status	cmd_export_tsv(struct engine *, struct stmt *, char **cause);

/*
 * A duration from option or argument text at line:col (text.h: 90, 90s,
 * 30m, 1500ms, ...) into *ms; zero says whether 0 is allowed.  A bad one
 * is PD_DATAERR, blamed there, with "WHAT must be a duration ...".
 */
enum pd_status	cmd_duration(struct engine *, const char *what,
		    const char *text, size_t len, unsigned line, unsigned col,
		    int zero, long long *ms, char **cause);

/* The expiry a write gets (ttl=, meta:ttl, the namespace's TTL); 0: none. */
enum pd_status	cmd_expiry(struct engine *, const struct stmt *, long long now,
		    long long *expires, char **cause);

/* Helpers for verbs that touch the user's cursors (cmd-config.c). */
struct cursors;
enum pd_status	cmd_cursors_load(struct engine *, struct cursors *,
		    char **cause);
enum pd_status	cmd_cursors_save(struct engine *, const struct cursors *,
		    char **cause);
const char	*cmd_cursor_in_effect(const struct engine *,
		    const struct cursors *);

/* VERB --help: the verb's usage, options, description and example. */
enum pd_status	cmd_help_verb(struct engine *, const struct cmd *);
/*
 * One help line per verb of a group (the verbs "word ..."; for "admin" the
 * verbs the prefix may name), wrapped at width, appended to b.
 */
struct buf;
void		cmd_help_group(struct buf *, const char *word, int width);

#endif
