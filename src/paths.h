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

#include "status.h"

struct paths {
	char	*data;		/* .../prontodb, holds NAME.db files */
	char	*config;	/* .../prontodb/config (a file) */
	char	*state;		/* .../prontodb, holds cursors */
	char	*error;		/* why there are none: no home directory */
};

/*
 * Work out the directories; home_flag is --home or NULL.  Without a home
 * the paths stay NULL and error says why, so verbs that need no files
 * (help, version) still work; paths_db_file reports it.
 */
void		paths_init(struct paths *, const char *home_flag);
void		paths_release(struct paths *);

/*
 * The file of database db: a name (no '/') lives in the data directory as
 * NAME.db; anything with a '/' is a path used as is.
 */
enum pd_status	paths_db_file(const struct paths *, const char *db,
		    char **file, char **cause);

/* Create dir and its missing parents, each new one mode 0700. */
enum pd_status	paths_mkdirs(const char *dir, char **cause);

#endif
