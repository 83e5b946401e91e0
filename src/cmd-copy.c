/*
 * cmd-copy.c - copy, move and rename (upstream's other name for move): a
 * key to another address with its value, metakeys and remaining TTL.
 *
 * Both addresses resolve like any key verb's, so a copy may cross
 * namespaces and key tables.  The verb needs read access to the source
 * (write, to move it) and write access to the destination; an existing
 * destination is a miss unless forced.  The writes run under the verb's
 * savepoint (CMD_ATOMIC): all of them or none.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "store.h"
#include "util.h"

static int
same_key(const struct addr *a, const struct addr *b)
{
	return strcmp(a->project, b->project) == 0 &&
	    strcmp(a->ns, b->ns) == 0 && strcmp(a->key, b->key) == 0;
}

/* Whether the copy may go ahead: the permissions, then the keys. */
static enum pd_status
allowed(struct engine *e, const struct stmt *st, const struct addr *src,
    const struct addr *dst, int move, char **cause)
{
	struct store_info	 info;
	enum pd_status		 s;

	/* Access first, so a denial says nothing about what exists. */
	if ((s = engine_permit(e, move ? GRANT_WRITE : GRANT_READ,
	    src->project, src->ns, cause)) != PD_OK ||
	    (s = engine_permit(e, GRANT_WRITE, dst->project, dst->ns,
	    cause)) != PD_OK)
		return s;
	if ((s = store_info(e->store, src, &info, cause)) == PD_MISS) {
		*cause = xasprintf("%s: not found", addr_word(src, e->delim));
		return PD_MISS;
	}
	if (s != PD_OK || engine_flag(st, "force") ||
	    (s = store_info(e->store, dst, &info, cause)) == PD_MISS)
		return s == PD_MISS ? PD_OK : s;
	if (s == PD_OK) {
		*cause = xasprintf("%s: exists (%s overwrites it)",
		    addr_word(dst, e->delim), e->opts.argv_mode ? "--force" :
		    "force");
		return PD_MISS;
	}
	return s;
}

static enum pd_status
transfer(struct engine *e, struct stmt *st, int move, char **cause)
{
	struct addr	 dst;
	enum pd_status	 s;

	memset(&dst, 0, sizeof(dst));
	if ((s = engine_addr(e, st, 0, &e->addr, cause)) != PD_OK ||
	    (s = engine_addr(e, st, 1, &dst, cause)) != PD_OK)
		goto out;
	if (same_key(&e->addr, &dst)) {
		engine_blame(e, st->args[1].line, st->args[1].col);
		*cause = xstrdup("the source and the destination are the same "
		    "key");
		s = PD_DATAERR;
		goto out;
	}
	if ((s = allowed(e, st, &e->addr, &dst, move, cause)) == PD_OK)
		s = store_copy(e->store, &e->addr, &dst, move, util_now_ms(),
		    cause);
out:
	addr_release(&dst);
	return s;
}

static enum pd_status
cmd_copy(struct engine *e, struct stmt *st, char **cause)
{
	return transfer(e, st, 0, cause);
}

static enum pd_status
cmd_move(struct engine *e, struct stmt *st, char **cause)
{
	return transfer(e, st, 1, cause);
}

static const struct cmd_opt copy_opts[] = {
	{ "force", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_copy_entry = {
	.name = "copy",
	.args = "SRC DST",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ATOMIC,
	.opts = copy_opts,
	.exec = cmd_copy,
	.summary = "copy a key, its metakeys and its TTL to another address",
	.help = "Copy the key SRC to DST in one transaction: the value, the "
	    "metakeys and the remaining TTL go along (a SRC without one takes "
	    "DST's namespace's TTL, as a set would), across namespaces and "
	    "key tables.  DST is written like any key, so its version grows.  "
	    "A missing SRC is a miss (exit 2), and so is an existing DST, "
	    "with nothing written, unless force replaces it (its metakeys "
	    "too).  Needs read access to SRC and write access to DST.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb copy app.config.host app.staging.host\n"
	    "prontodb copy app.config.host app.staging.host --force",
};

const struct cmd cmd_move_entry = {
	.name = "move",
	.args = "SRC DST",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ATOMIC,
	.opts = copy_opts,
	.exec = cmd_move,
	.summary = "move a key, its metakeys and its TTL to another address",
	.help = "Copy SRC to DST as copy does, then delete SRC, in one "
	    "transaction: the value, the metakeys and the remaining TTL go "
	    "along.  A missing SRC is a miss (exit 2), and so is an existing "
	    "DST, with nothing changed, unless force replaces it.  Needs "
	    "write access to both.  rename is another name for it.",
	.example = "prontodb set app.tmp.job 42\n"
	    "prontodb set app.done.job 41\n"
	    "prontodb move app.tmp.job app.done.job --force",
};

const struct cmd cmd_rename_entry = {
	.name = "rename",
	.args = "SRC DST",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_DB | CMD_WRITE | CMD_SCOPE | CMD_ATOMIC,
	.opts = copy_opts,
	.exec = cmd_move,
	.summary = "rename a key: the same as move",
	.help = "Another name for move: SRC becomes DST, with its value, "
	    "metakeys and remaining TTL, in one transaction.  An existing DST "
	    "is a miss (exit 2) unless force replaces it.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb rename app.config.host app.config.hostname",
};
