/*
 * store-ctx.c - the meta context: a fourth, outer level of every address.
 *
 * In the meta context ORG every project is stored as CTX_MARK ORG CTX_MARK
 * project.  Names refuse control bytes (addr_check_part), so no project a
 * user types can look like one, and outside any context (the plain view)
 * no stored project starts below ' '.  So a session sees one range of
 * stored projects: [" ", end) in the plain view, the ORG prefix's range in
 * a context; and no address, grant or listing of one view can reach
 * another's.
 *
 * The functions of store.h take and give names as the session types them:
 * the dispatch (store.c) translates what each one takes, once, with these
 * helpers, which leave a stored name as it is, so a backend's operations
 * see stored names only; a backend's listings keep to the view's range
 * (sqlite/int.h's CTX_RANGE) and strip the prefix from what they hand out
 * (store_ctx_out).  Should a name that starts with
 * CTX_MARK ever reach the plain view (the verbs refuse control bytes), it
 * becomes a project that no view sees, never another context's.
 */
#include <stdlib.h>
#include <string.h>

#include "store-be.h"

/* The context of the stores opened next; see store_context. */
static char	*next_org;

void
store_context(const char *org)
{
	free(next_org);
	next_org = org != NULL ? xstrdup(org) : NULL;
}

void
store_ctx_open(struct store *st)
{
	if (next_org == NULL)
		return;
	st->ctx = xasprintf("%c%s%c", CTX_MARK, next_org, CTX_MARK);
	st->ctxlen = strlen(st->ctx);
	/* The range's end: the prefix with its last byte one higher. */
	st->ctx_end = xstrdup(st->ctx);
	st->ctx_end[st->ctxlen - 1]++;
}

void
store_ctx_close(struct store *st)
{
	int	 i;

	for (i = 0; i < 2; i++) {
		addr_release(&st->ctx_a[i]);
		buf_release(&st->ctx_p[i]);
	}
	free(st->ctx);
	free(st->ctx_end);
	st->ctx = st->ctx_end = NULL;
	st->ctxlen = 0;
}

/*
 * What a name that starts with CTX_MARK becomes in the plain view, where
 * no typed name can (the verbs check names): a project of no view.
 */
static const char	 nowhere[] = { CTX_MARK, '\0' };

/*
 * Whether project needs no prefix: none in the plain view, or it is a
 * stored name of this view's context already.
 */
static int
stored(const struct store *st, const char *project)
{
	return st->ctx == NULL || project == NULL ||
	    strncmp(project, st->ctx, st->ctxlen) == 0;
}

const char *
store_ctx_name(const struct store *st, const char *project, struct buf *tmp)
{
	if (st->ctx == NULL && project != NULL && project[0] == CTX_MARK)
		return nowhere;
	if (stored(st, project))
		return project;
	buf_reset(tmp);
	buf_add(tmp, st->ctx, st->ctxlen);
	buf_adds(tmp, project);
	return tmp->data;
}

const struct addr *
store_ctx_addr(const struct store *st, const struct addr *a,
    struct addr *tmp)
{
	struct buf	 p;
	const char	*name;

	if (stored(st, a->project) && (st->ctx != NULL ||
	    a->project[0] != CTX_MARK))
		return a;
	buf_init(&p);
	name = store_ctx_name(st, a->project, &p);
	addr_set(tmp, name, strlen(name), a->ns, strlen(a->ns), a->key,
	    strlen(a->key));
	buf_release(&p);
	return tmp;
}

const char *
store_ctx_out(const struct store *st, const char *project)
{
	return st->ctx != NULL && project != NULL ? project + st->ctxlen :
	    project;
}

enum pd_status
store_ctx_shared(const struct store *st, char **cause)
{
	if (st->ctx == NULL)
		return PD_OK;
	*cause = xstrdup("key tables are shared by every meta context: "
	    "create, drop and measure them without --meta");
	return PD_ERROR;
}
