/*
 * paths.h - where ProntoDB keeps its files.
 *
 * Data, config and state follow the XDG base directories.  A home given by
 * --home, PRONTO_HOME or XDG_HOME (in that order) stands in for $HOME and
 * makes the XDG_*_HOME variables ignored, so one setting relocates all
 * three: isolated instances and tests.
 */
#ifndef PRONTO_PATHS_H
#define PRONTO_PATHS_H

#include <stddef.h>

#include "status.h"

struct paths {
	char	*data;		/* .../prontodb, holds NAME.db files */
	char	*config;	/* .../prontodb/config (a file) */
	char	*state;		/* .../prontodb, holds cursors */
	char	*error;		/* why there are none: no home directory */
	const char *server;	/* the setting server, or NULL: names' home */
};

/*
 * Work out the directories; home_flag is --home or NULL.  Without a home
 * the paths stay NULL and error says why, so verbs that need no files
 * (help, version) still work; locating a database by name reports it
 * (store_locate).
 */
void		paths_init(struct paths *, const char *home_flag);
void		paths_release(struct paths *);

/*
 * Why name is not a database name, or NULL when it is one.  The one rule
 * for names, whether from db create, -d, --select, PRONTO_DB, the config
 * file or a cursor: not empty, no leading '.', no '/' or '..', no control
 * bytes, so a name stays a file inside the data directory.
 */
const char	*paths_db_name_error(const char *name);

/* Create dir and its missing parents, each new one mode 0700. */
enum pd_status	paths_mkdirs(const char *dir, char **cause);

struct buf;
/*
 * Read all of a small file (at most 1 MiB) into b.  Returns PD_MISS when
 * the file does not exist, PD_IOERR with *cause when it cannot be read.
 */
enum pd_status	paths_read_file(const char *file, struct buf *b,
		    char **cause);

/*
 * Replace file with len bytes of data, atomically: the bytes go to a new
 * temporary file, mode 0600, in the same directory (created 0700 when
 * missing), which is synced and renamed over file.  Readers see the old
 * file or the new one, never a mixture.  PD_IOERR with *cause on failure,
 * and file is left as it was.
 */
enum pd_status	paths_replace_file(const char *file, const void *data,
		    size_t len, char **cause);

/*
 * Copy the file src to dst, which must not exist: created 0600 and synced
 * to disk before it counts as written (backups, restores).
 */
enum pd_status	paths_copy_file(const char *src, const char *dst,
		    char **cause);

#endif
