/*
 * config.h - settings: the config file, and which value wins.
 *
 * Every setting has one effective value and a note of where it came from.
 * Layers are applied lowest first, each one replacing what it sets: the
 * default, the config file, the cursor (database only), the environment,
 * then the command-line flags.  `config list` shows the outcome.
 */
#ifndef PRONTO_CONFIG_H
#define PRONTO_CONFIG_H

#include <stddef.h>

#include "status.h"

enum config_key {
	CONFIG_DATABASE,
	CONFIG_NS_DELIM,
	CONFIG_SECURITY,
	CONFIG_BUSY_TIMEOUT_MS,
	CONFIG_OUTPUT,
	CONFIG_ON_ERROR,
	CONFIG_DURABILITY,
	CONFIG_CHANGES_KEEP,
	CONFIG_CHANGES_MAX_AGE,
	CONFIG_SERVER,
	CONFIG_NKEYS
};

struct config {
	char		*file;		/* the config file; NULL: no home */
	int		 file_flag;	/* file was named by --config */
	int		 file_found;	/* and it exists */
	char		*value[CONFIG_NKEYS];	/* never NULL */
	char		*origin[CONFIG_NKEYS];	/* "default", "config", ... */
	const char	*user;		/* --user: whose cursor, or NULL */
	const char	*cursor;	/* --cursor: which cursor, or NULL */
};

/* Every setting at its default, from no file. */
void		config_init(struct config *);
void		config_release(struct config *);

/* The key called name, or -1. */
int		config_key(const char *name);
/* The name of key in the file. */
const char	*config_key_name(enum config_key);

/*
 * Check value for key.  On a bad value return PD_USAGE with a *cause that
 * starts with who (the key, a variable or a flag name).
 */
enum pd_status	config_check(enum config_key, const char *who,
		    const char *value, char **cause);

/* Make value (copied) the effective value of key, from origin. */
void		config_put(struct config *, enum config_key,
		    const char *value, const char *origin);

/*
 * Read file into cfg (the config layer); flag says --config named it.  A
 * missing file is no error: cfg->file_found says whether it was there.  A
 * bad line is PD_USAGE with a *cause of the form "FILE:LINE: why".
 */
enum pd_status	config_read(struct config *, const char *file, int flag,
		    char **cause);

/*
 * Apply the environment layer: PRONTO_DB, PRONTO_NS_DELIM, PRONTO_SECURITY,
 * PRONTO_BUSY_TIMEOUT_MS, PRONTO_OUTPUT, PRONTO_ON_ERROR,
 * PRONTO_DURABILITY, PRONTO_CHANGES_KEEP, PRONTO_CHANGES_MAX_AGE and
 * PRONTO_SERVER.  An empty variable counts as unset; a bad value is
 * PD_USAGE naming the variable.
 */
enum pd_status	config_env(struct config *, char **cause);

/*
 * Set key to value in file, or remove it when value is NULL, keeping every
 * other line (comments, blank lines, other keys) byte for byte.  The last
 * line that sets key is replaced and earlier ones are left alone (the last
 * one wins on reading); a new key is appended.  The file is replaced
 * atomically and is mode 0600.  value must have passed config_check.
 */
enum pd_status	config_write(const char *file, enum config_key,
		    const char *value, char **cause);

/*
 * Split one line of a `key = value` file in place: 0 for a blank or `#`
 * comment line, 1 with *key and *value set (both trimmed), -1 when the
 * line has no '=' or no key.  Shared with the cursor files.
 */
int		config_split(char *line, char **key, char **value);

/*
 * The settings of this process, for the verbs that show and change them.
 * main installs them before the engine runs; the engine has no field for
 * them yet.
 */

#endif
