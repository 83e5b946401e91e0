/*
 * cmd-meta.c - metakeys: meta set, meta get, meta del, meta list.
 *
 * User metakeys are stored with their key; the system ones (created,
 * updated, version, revision, size, expires, ttl) are computed from the
 * key itself and read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

static const char *const system_names[] = {
	"created", "updated", "version", "revision", "size", "expires", "ttl"
};

#define NSYSTEM	(sizeof(system_names) / sizeof(system_names[0]))

static int
is_system(const char *name)
{
	size_t	 i;

	for (i = 0; i < NSYSTEM; i++)
		if (strcmp(name, system_names[i]) == 0)
			return 1;
	return 0;
}

/* The value of system metakey i, as text. */
static void
system_value(size_t i, const struct store_info *info, char *out, size_t len)
{
	switch (i) {
	case 0: util_iso_time(info->created, out, len); break;
	case 1: util_iso_time(info->updated, out, len); break;
	case 2: snprintf(out, len, "%lld", info->version); break;
	case 3: snprintf(out, len, "%lld", info->revision); break;
	case 4: snprintf(out, len, "%zu", info->size); break;
	case 5:
		if (info->expires > 0)
			util_iso_time(info->expires, out, len);
		else
			snprintf(out, len, "never");
		break;
	default:
		snprintf(out, len, "%lld", info->expires > 0 ?
		    info->expires - util_now_ms() : -1);
		break;
	}
}

/* One metakey as a record: name and value. */
static enum pd_status
one(struct engine *e, const char *name, const void *value, size_t vlen,
    enum out_layout layout)
{
	out_str(e->out, "name", name);
	out_bytes(e->out, "value", value, vlen);
	return out_emit(e->out, layout);
}

static enum pd_status
key_missing(struct engine *e, char **cause)
{
	*cause = xasprintf("%s: not found", addr_word(&e->addr, e->delim));
	return PD_MISS;
}

static enum pd_status
check_name(struct engine *e, const struct arg *a, int writing, char **cause)
{
	size_t	 i;

	engine_blame(e, a->line, a->col);
	if (a->len == 0 || strlen(a->s) != a->len) {
		*cause = xstrdup("invalid metakey name");
		return PD_DATAERR;
	}
	for (i = 0; i < a->len; i++)
		if ((unsigned char)a->s[i] < 0x20 || a->s[i] == 0x7f) {
			*cause = xstrdup("metakey name contains a control "
			    "character");
			return PD_DATAERR;
		}
	if (writing && is_system(a->s)) {
		*cause = xasprintf("'%s' is a read-only system metakey",
		    util_word(a->s));
		return PD_DATAERR;
	}
	engine_blame(e, 0, 0);
	return PD_OK;
}

static enum pd_status
cmd_meta_set(struct engine *e, struct stmt *st, char **cause)
{
	enum pd_status	 s;

	if ((s = check_name(e, &st->args[1], 1, cause)) != PD_OK)
		return s;
	s = store_meta_set(e->store, &e->addr, st->args[1].s, st->args[2].s,
	    st->args[2].len, cause);
	return s == PD_MISS ? key_missing(e, cause) : s;
}

static enum pd_status
cmd_meta_get(struct engine *e, struct stmt *st, char **cause)
{
	struct store_info	 info;
	enum pd_status		 s;
	char			 text[64];
	size_t			 i;

	if ((s = check_name(e, &st->args[1], 0, cause)) != PD_OK)
		return s;
	if ((s = store_info(e->store, &e->addr, &info, cause)) != PD_OK)
		return s == PD_MISS ? key_missing(e, cause) : s;
	for (i = 0; i < NSYSTEM; i++)
		if (strcmp(st->args[1].s, system_names[i]) == 0) {
			system_value(i, &info, text, sizeof(text));
			return one(e, st->args[1].s, text, strlen(text),
			    OUT_VALUE);
		}
	s = store_meta_get(e->store, &e->addr, st->args[1].s, &e->scratch,
	    cause);
	if (s == PD_MISS) {
		*cause = xasprintf("%s: no metakey '%s'",
		    addr_word(&e->addr, e->delim), util_word(st->args[1].s));
		return PD_MISS;
	}
	if (s != PD_OK)
		return s;
	return one(e, st->args[1].s, e->scratch.data, e->scratch.len,
	    OUT_VALUE);
}

static enum pd_status
cmd_meta_del(struct engine *e, struct stmt *st, char **cause)
{
	struct store_info	 info;
	enum pd_status		 s;

	if ((s = check_name(e, &st->args[1], 1, cause)) != PD_OK)
		return s;
	if ((s = store_info(e->store, &e->addr, &info, cause)) != PD_OK)
		return s == PD_MISS ? key_missing(e, cause) : s;
	s = store_meta_del(e->store, &e->addr, st->args[1].s, cause);
	if (s == PD_MISS)
		*cause = xasprintf("%s: no metakey '%s'",
		    addr_word(&e->addr, e->delim), util_word(st->args[1].s));
	return s;
}

static enum pd_status
meta_line(void *ctx, const char *name, const void *value, size_t vlen)
{
	return one(ctx, name, value, vlen, OUT_PAIR);
}

static enum pd_status
cmd_meta_list(struct engine *e, struct stmt *st, char **cause)
{
	struct store_info	 info;
	enum pd_status		 s;
	char			 text[64];
	size_t			 i;

	if ((s = store_info(e->store, &e->addr, &info, cause)) != PD_OK)
		return s == PD_MISS ? key_missing(e, cause) : s;
	for (i = 0; i < NSYSTEM && s == PD_OK; i++) {
		system_value(i, &info, text, sizeof(text));
		s = one(e, system_names[i], text, strlen(text), OUT_PAIR);
	}
	if (s != PD_OK)
		return s;
	return store_meta_list(e->store, &e->addr, meta_line, e, cause);
}

const struct cmd cmd_meta_del_entry = {
	.name = "meta del",
	.args = "ADDR NAME",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_KEY_WRITE,
	.exec = cmd_meta_del,
	.summary = "delete a metakey",
	.help = "Delete the user metakey NAME of the key ADDR. A key or "
	    "metakey that does not exist is a miss (exit 2), and the system "
	    "metakeys (created, updated, version, revision, size, expires, "
	    "ttl) cannot be deleted.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb meta set app.config.host owner ops\n"
	    "prontodb meta del app.config.host owner",
};

const struct cmd cmd_meta_get_entry = {
	.name = "meta get",
	.args = "ADDR NAME",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_KEY_READ,
	.exec = cmd_meta_get,
	.summary = "print a metakey (system ones too)",
	.help = "Print the value of the metakey NAME of the key ADDR, "
	    "followed by a newline. NAME is a user metakey or a system one: "
	    "created and updated (UTC times), version, revision (the "
	    "database's revision of its last change), size (in bytes), "
	    "expires (a time, or never) and ttl (the milliseconds left, -1 "
	    "for none). A missing key or metakey is a miss (exit 2); an "
	    "overlay key__context does not fall back to its base key here.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb meta get app.config.host version",
};

const struct cmd cmd_meta_list_entry = {
	.name = "meta list",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_KEY_READ,
	.exec = cmd_meta_list,
	.summary = "list a key's system and user metakeys",
	.help = "Print the metakeys of the key ADDR, one name=value line "
	    "each: first the system ones (created, updated, version, "
	    "revision, size, expires, ttl), then the user metakeys in byte "
	    "order of their names. A missing key is a miss (exit 2).",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb meta set app.config.host owner ops\n"
	    "prontodb meta list app.config.host",
};

const struct cmd cmd_meta_set_entry = {
	.name = "meta set",
	.args = "ADDR NAME VALUE",
	.min_args = 3,
	.max_args = 3,
	.flags = CMD_KEY_WRITE,
	.exec = cmd_meta_set,
	.summary = "attach a metakey to an existing key",
	.help = "Attach the metakey NAME, with the value VALUE (any bytes; - "
	    "reads the standard input on the command line), to the existing "
	    "key ADDR, replacing the value it had. Metakeys stay when the "
	    "key is written again, go when it is deleted, and setting one "
	    "changes neither the key's version nor its updated time, but is "
	    "a change with a revision of its own. NAME must not be empty, "
	    "hold a control character or be a read-only system metakey "
	    "(created, updated, version, revision, size, expires, ttl). "
	    "A key that does not exist is a miss (exit 2) and nothing is "
	    "written.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb meta set app.config.host owner ops",
};
