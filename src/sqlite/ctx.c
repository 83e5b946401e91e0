/*
 * sqlite/ctx.c - the meta context in the SQLite backend's queries: a
 * listing keeps to the view's range of stored projects (store-ctx.c).
 */
#include "int.h"

void
store_ctx_range(const struct sqldb *sq, sqlite3_stmt *q, int at)
{
	if (sq->base.ctx == NULL) {
		sqlite3_bind_text(q, at, " ", 1, SQLITE_STATIC);
		sqlite3_bind_null(q, at + 1);
		return;
	}
	sqlite3_bind_text(q, at, sq->base.ctx, (int)sq->base.ctxlen, SQLITE_STATIC);
	sqlite3_bind_text(q, at + 1, sq->base.ctx_end, (int)sq->base.ctxlen,
	    SQLITE_STATIC);
}
