/*
 * cmd.c - the command table and verb lookup.
 *
 * The table is the single map of verbs: one line per verb, pointing at the
 * entry declared beside the verb's code.  Keep it sorted by name: lookup
 * is a binary search and a unit test checks the order.  Names are exact
 * (no prefix guessing), so scripts that work today keep working when verbs
 * are added; a near miss only earns a suggestion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "text.h"
#include "util.h"

const struct cmd *const cmd_table[] = {
	&cmd_apikey_create_entry,
	&cmd_apikey_list_entry,
	&cmd_apikey_revoke_entry,
	&cmd_auth_entry,
	&cmd_backup_entry,
	&cmd_backup_list_entry,
	&cmd_begin_entry,
	&cmd_cache_create_entry,
	&cmd_cache_describe_entry,
	&cmd_cache_drop_entry,
	&cmd_cache_list_entry,
	&cmd_cache_set_entry,
	&cmd_cache_sweep_entry,
	&cmd_check_entry,
	&cmd_commit_entry,
	&cmd_config_get_entry,
	&cmd_config_list_entry,
	&cmd_config_set_entry,
	&cmd_config_unset_entry,
	&cmd_copy_entry,
	&cmd_count_entry,
	&cmd_create_cache_entry,
	&cmd_cursor_active_entry,
	&cmd_cursor_del_entry,
	&cmd_cursor_delete_entry,
	&cmd_cursor_list_entry,
	&cmd_cursor_set_entry,
	&cmd_cursor_show_entry,
	&cmd_cursor_use_entry,
	&cmd_db_create_entry,
	&cmd_db_describe_entry,
	&cmd_db_drop_entry,
	&cmd_db_list_entry,
	&cmd_db_rename_entry,
	&cmd_db_use_entry,
	&cmd_default_ttl_entry,
	&cmd_del_entry,
	&cmd_delim_entry,
	&cmd_exists_entry,
	&cmd_expire_entry,
	&cmd_export_entry,
	&cmd_get_entry,
	&cmd_help_entry,
	&cmd_import_entry,
	&cmd_incr_entry,
	&cmd_install_entry,
	&cmd_keys_entry,
	&cmd_lock_entry,
	&cmd_ls_entry,
	&cmd_meta_del_entry,
	&cmd_meta_get_entry,
	&cmd_meta_list_entry,
	&cmd_meta_set_entry,
	&cmd_move_entry,
	&cmd_namespaces_entry,
	&cmd_ns_create_entry,
	&cmd_ns_describe_entry,
	&cmd_ns_drop_entry,
	&cmd_ns_list_entry,
	&cmd_ns_set_entry,
	&cmd_nss_entry,
	&cmd_persist_entry,
	&cmd_project_create_entry,
	&cmd_project_describe_entry,
	&cmd_project_drop_entry,
	&cmd_project_list_entry,
	&cmd_projects_entry,
	&cmd_rename_entry,
	&cmd_restore_entry,
	&cmd_rollback_entry,
	&cmd_scan_entry,
	&cmd_set_entry,
	&cmd_stream_entry,
	&cmd_table_create_entry,
	&cmd_table_describe_entry,
	&cmd_table_drop_entry,
	&cmd_table_list_entry,
	&cmd_ttl_entry,
	&cmd_uninstall_entry,
	&cmd_unlock_entry,
	&cmd_use_entry,
	&cmd_user_add_entry,
	&cmd_user_del_entry,
	&cmd_user_grant_entry,
	&cmd_user_list_entry,
	&cmd_user_passwd_entry,
	&cmd_user_revoke_entry,
	&cmd_verify_entry,
	&cmd_version_entry,
	&cmd_wait_entry,
	&cmd_watch_entry,
};

const size_t cmd_count = sizeof(cmd_table) / sizeof(cmd_table[0]);

static int
compare(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct cmd *const *)elem)->name);
}

const struct cmd *
cmd_lookup(const char *name)
{
	const struct cmd *const *c;

	c = bsearch(name, cmd_table, cmd_count, sizeof(cmd_table[0]),
	    compare);
	return c != NULL ? *c : NULL;
}

/* Compare name with "word " (the word and a space), as strcmp would. */
static int
cmp_group(const char *name, const char *word, size_t n)
{
	int	 c = strncmp(name, word, n);

	return c != 0 ? c : (unsigned char)name[n] - ' ';
}

/*
 * Whether some verb is "word ...": set, get and the like are not.  The
 * table is sorted, so the first name not below "word " tells.
 */
int
cmd_is_group(const char *word)
{
	size_t	 lo = 0, hi = cmd_count, mid, n = strlen(word);

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cmp_group(cmd_table[mid]->name, word, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cmd_count && cmp_group(cmd_table[lo]->name, word, n) == 0;
}

/*
 * A stream repeats its verbs: the last verb found, of one word or two
 * ("meta get"), is remembered.
 */
static char		 last_verb[16];
static char		 last_sub[16];	/* its second word, or "" */
static size_t		 last_words;
static const struct cmd	*last;

static void
remember(const char *verb, const char *sub, const struct cmd *c)
{
	if (strlen(verb) >= sizeof(last_verb) || (sub != NULL &&
	    strlen(sub) >= sizeof(last_sub)))
		return;
	strcpy(last_verb, verb);
	strcpy(last_sub, sub != NULL ? sub : "");
	last_words = sub != NULL ? 2 : 1;
	last = c;
}

const struct cmd *
cmd_find(const struct stmt *st, size_t *words)
{
	const struct cmd	*c;

	if (last != NULL && strcmp(st->verb, last_verb) == 0 &&
	    (last_words == 1 || (st->nargs > 0 &&
	    st->args[0].len < sizeof(last_sub) &&
	    memcmp(st->args[0].s, last_sub, st->args[0].len + 1) == 0))) {
		*words = last_words;
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
	    cmd_is_group(st->verb)) {
		char	 two[64];
		int	 n = snprintf(two, sizeof(two), "%s %s", st->verb,
		    st->args[0].s);

		if (n > 0 && (size_t)n < sizeof(two) &&
		    (c = cmd_lookup(two)) != NULL) {
			remember(st->verb, st->args[0].s, c);
			*words = 2;
			return c;
		}
	}
	*words = 1;
	if ((c = cmd_lookup(st->verb)) != NULL && !cmd_is_group(st->verb))
		remember(st->verb, NULL, c);
	return c;
}

const char *
cmd_suggest(const char *word, const char *next)
{
	const char	*best = NULL;
	char		 two[64];
	size_t		 i, d, bestd = (size_t)-1;

	/* A misspelt second word of a group: "meta sett". */
	if (next != NULL && cmd_is_group(word) &&
	    snprintf(two, sizeof(two), "%s %s", word, next) < (int)sizeof(two))
		word = two;
	for (i = 0; i < cmd_count; i++) {
		d = text_distance(word, cmd_table[i]->name);
		if (d < bestd) {
			bestd = d;
			best = cmd_table[i]->name;
		}
	}
	return text_close(word, bestd) ? best : NULL;
}
