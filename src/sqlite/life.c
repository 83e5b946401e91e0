/*
 * sqlite/life.c - the life of an SQLite database: where it is, making,
 * listing, dropping, renaming, describing and restoring it.
 *
 * A database is the file NAME.db in the data directory, or the file a
 * path names; beside it SQLite keeps FILE-wal and FILE-shm, and watchers
 * FILE-watch (sqlite/watch.c).  Only here are those files handled as
 * files: the verbs see locators (store.h).
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "int.h"

#define DB_EXT	".db"

int
sqlite_claims(const char *text)
{
	(void)text;
	return 1;	/* names and paths: whatever no other backend takes */
}

enum pd_status
sqlite_locate(const struct store_place *place, const char *text,
    struct store_loc *loc, char **cause)
{
	const char	*why;

	loc->name = xstrdup(text);
	if (strchr(text, '/') != NULL) {
		loc->id = xstrdup(text);
		return PD_OK;
	}
	if (place->dir == NULL) {
		*cause = xstrdup(place->error);
		return PD_ERROR;
	}
	if ((why = paths_db_name_error(text)) != NULL) {
		*cause = xasprintf("invalid database name '%s': %s",
		    util_word(text), why);
		return PD_USAGE;
	}
	loc->id = xasprintf("%s/%s" DB_EXT, place->dir, text);
	loc->named = 1;
	return PD_OK;
}

int
sqlite_exists(const struct store_loc *loc)
{
	struct stat	 sb;

	return stat(loc->id, &sb) == 0;
}

int
sqlite_same(const struct store_loc *a, const struct store_loc *b)
{
	struct stat	 sa, sb;

	return stat(a->id, &sa) == 0 && stat(b->id, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The directory of a named database: the place, made when missing. */
static enum pd_status
make_place(const struct store_loc *loc, char **cause)
{
	char		*dir;
	enum pd_status	 s;

	if (!loc->named)
		return PD_OK;
	dir = xasprintf("%.*s", (int)(strrchr(loc->id, '/') - loc->id),
	    loc->id);
	s = paths_mkdirs(dir, cause);
	free(dir);
	return s;
}

enum pd_status
sqlite_open(const struct store_loc *loc, int busy_ms, int create,
    struct store **out, char **cause)
{
	enum pd_status	 s;

	*out = NULL;
	if (create && (s = make_place(loc, cause)) != PD_OK)
		return s;
	return sqlite_open_file(loc->id, busy_ms, create, out, cause);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum pd_status
sqlite_list(const struct store_place *place,
    enum pd_status (*fn)(void *, const char *), void *ctx, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, cap = 0, i, len, ext = strlen(DB_EXT);
	enum pd_status	 s = PD_OK;

	if (place->dir == NULL) {
		*cause = xstrdup(place->error);
		return PD_ERROR;
	}
	if ((d = opendir(place->dir)) == NULL)
		return errno == ENOENT ? PD_OK : PD_IOERR;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= ext || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - ext, DB_EXT) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xmemdup(de->d_name, len - ext);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), compare_names);
	for (i = 0; i < n; i++) {
		if (s == PD_OK)
			s = fn(ctx, names[i]);
		free(names[i]);
	}
	free(names);
	return s;
}

enum pd_status
sqlite_create(const struct store_loc *loc, int busy_ms, char **cause)
{
	struct store	*st;
	enum pd_status	 s;

	if ((s = sqlite_open(loc, busy_ms, 1, &st, cause)) == PD_OK)
		sqlite_close(st);
	return s;
}

/* Remove the database file at path and what SQLite and watchers keep. */
static void
remove_files(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-watch" };
	size_t			 i;

	for (i = 0; i < 4; i++) {
		char	*f = xasprintf("%s%s", path, suffixes[i]);

		unlink(f);
		free(f);
	}
}

enum pd_status
sqlite_drop(const struct store_loc *loc, char **cause)
{
	(void)cause;
	remove_files(loc->id);
	return PD_OK;
}

enum pd_status
sqlite_rename(const struct store_loc *from, const struct store_loc *to,
    int busy_ms, char **cause)
{
	struct store	*st;
	enum pd_status	 s;

	/* Fold the WAL in, so the one file carries everything. */
	if ((s = sqlite_open(from, busy_ms, 1, &st, cause)) != PD_OK)
		return s;
	s = sqlite_checkpoint(st, cause);
	sqlite_close(st);
	if (s != PD_OK)
		return s;
	if (rename(from->id, to->id) != 0) {
		*cause = xasprintf("cannot rename %s: %s", from->id,
		    strerror(errno));
		return PD_IOERR;
	}
	remove_files(from->id);
	return PD_OK;
}

enum pd_status
sqlite_describe(const struct store_loc *loc, store_fact_fn fn, void *ctx,
    char **cause)
{
	struct stat	 sb;
	enum pd_status	 s;
	char		*wal;
	long long	 size = 0;

	(void)cause;
	if (stat(loc->id, &sb) == 0)
		size = (long long)sb.st_size;
	wal = xasprintf("%s-wal", loc->id);
	if (stat(wal, &sb) == 0)
		size += (long long)sb.st_size;
	free(wal);
	if ((s = fn(ctx, "file", loc->id, 0)) != PD_OK)
		return s;
	return fn(ctx, "bytes", NULL, size);
}

enum pd_status
sqlite_backup_check(const struct store_loc *loc, const char *file,
    char **cause)
{
	(void)loc;
	return sqlite_verify_file(file, cause);
}

enum pd_status
sqlite_restore(const struct store_loc *loc, const char *from,
    const char *safety, int busy_ms, char **cause)
{
	enum pd_status	 s;
	char		*tmp;

	if ((s = make_place(loc, cause)) != PD_OK)
		return s;
	/* A copy beside the target: renamed over it, on its file system. */
	tmp = xasprintf("%s.restore", loc->id);
	unlink(tmp);
	if ((s = paths_copy_file(from, tmp, cause)) == PD_OK &&
	    (s = sqlite_replace(loc->id, tmp, safety, busy_ms, cause)) !=
	    PD_OK)
		unlink(tmp);
	free(tmp);
	return s;
}

enum pd_status
sqlite_check_at(const struct store_loc *loc, int busy_ms,
    void (*fn)(void *, const char *), void *ctx, char **cause)
{
	return sqlite_check_file(loc->id, busy_ms, fn, ctx, cause);
}
