/*
 * config.c - the config file and the precedence of settings.
 *
 * The file is `key = value` lines; `#` starts a comment line (only at the
 * start of a line, so a value may hold a '#'), blank lines are ignored and
 * the last line that sets a key wins.  Unknown keys and bad values are
 * errors that name the file and line: a typo must not silently fall back
 * to a default.  Rewrites keep the user's comments and layout.
 */
/* realpath(3) is XSI, beyond the POSIX base the build asks for. */
#define _XOPEN_SOURCE 700

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "config.h"
#include "paths.h"
#include "store.h"
#include "text.h"
#include "util.h"

static const struct {
	const char	*name;
	const char	*env;
	const char	*def;
} keys[CONFIG_NKEYS] = {
	{ "database", "PRONTO_DB", "main" },
	{ "ns_delim", "PRONTO_NS_DELIM", "." },
	{ "security", "PRONTO_SECURITY", "optional" },
	{ "busy_timeout_ms", "PRONTO_BUSY_TIMEOUT_MS", "5000" },
	{ "output", "PRONTO_OUTPUT", "text" },
	{ "on_error", "PRONTO_ON_ERROR", "continue" },
	{ "durability", "PRONTO_DURABILITY", "normal" },
	/* The change log's retention: store.h's defaults. */
	{ "changes_keep", "PRONTO_CHANGES_KEEP", "100000" },
	{ "changes_max_age", "PRONTO_CHANGES_MAX_AGE", "24h" },
	/* Where names live: empty for the data directory. */
	{ "server", "PRONTO_SERVER", "" }
};

void
config_init(struct config *cfg)
{
	int	 k;

	memset(cfg, 0, sizeof(*cfg));
	for (k = 0; k < CONFIG_NKEYS; k++)
		config_put(cfg, k, keys[k].def, "default");
}

void
config_release(struct config *cfg)
{
	int	 k;

	free(cfg->file);
	for (k = 0; k < CONFIG_NKEYS; k++) {
		free(cfg->value[k]);
		free(cfg->origin[k]);
	}
	memset(cfg, 0, sizeof(*cfg));
}

int
config_key(const char *name)
{
	int	 k;

	for (k = 0; k < CONFIG_NKEYS; k++)
		if (strcmp(keys[k].name, name) == 0)
			return k;
	return -1;
}

const char *
config_key_name(enum config_key k)
{
	return keys[k].name;
}

/* Longest prefix of schema names: a name of 31 bytes still fits in 63. */
#define CONFIG_PREFIX_MAX	32

/* A lock wait, in milliseconds: SQLite takes an int. */
static const struct util_range busy_ms = { "a number of milliseconds", 0,
    INT_MAX, 0 };
/* Revisions the change log keeps: a million times a million is plenty. */
static const struct util_range revisions = { "a number of revisions", 1,
    1000000000000LL, 0 };

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Why the server URL's fragment, the prefix of schemas, is none. */
static const char *
server_prefix_error(const char *url)
{
	const char	*hash = strrchr(url, '#');

	if (hash == NULL || hash[1] == '\0')
		return NULL;
	if (strlen(hash + 1) > CONFIG_PREFIX_MAX)
		return "a prefix (its #fragment) has at most 32 bytes";
	if (paths_db_name_error(hash + 1) != NULL)
		return "a prefix (its #fragment) follows the rule of names";
	return NULL;
}

enum pd_status
config_check(enum config_key k, const char *who, const char *v,
    char **cause)
{
	char		*why = NULL;
	long long	 n;

	switch (k) {
	case CONFIG_DATABASE:
		/*
		 * A name lives in the data directory and follows the rule of
		 * db create; a path has a '/'.
		 */
		if (has_control(v) || *v == '\0' || (strchr(v, '/') == NULL &&
		    paths_db_name_error(v) != NULL))
			*cause = xasprintf("%s must be a database name or a "
			    "path, not '%s'", who, util_word(v));
		else
			return PD_OK;
		break;
	case CONFIG_NS_DELIM:
		if (addr_check_delim(v, strlen(v), &why) == PD_OK)
			return PD_OK;
		*cause = xasprintf("%s: %s", who, why);
		free(why);
		break;
	case CONFIG_SECURITY:
		if (strcmp(v, "required") == 0 || strcmp(v, "optional") == 0)
			return PD_OK;
		*cause = xasprintf("%s must be required or optional, not '%s'",
		    who, util_word(v));
		break;
	case CONFIG_BUSY_TIMEOUT_MS:
		if (util_number(who, v, strlen(v), &busy_ms, &n,
		    cause) == 0)
			return PD_OK;
		break;
	case CONFIG_OUTPUT:
		if (strcmp(v, "text") == 0 || strcmp(v, "json") == 0 ||
		    strcmp(v, "tsv") == 0)
			return PD_OK;
		*cause = xasprintf("%s must be text, json or tsv, not '%s'",
		    who, util_word(v));
		break;
	case CONFIG_ON_ERROR:
		if (strcmp(v, "stop") == 0 || strcmp(v, "continue") == 0)
			return PD_OK;
		*cause = xasprintf("%s must be stop or continue, not '%s'",
		    who, util_word(v));
		break;
	case CONFIG_DURABILITY:
		if (strcmp(v, "normal") == 0 || strcmp(v, "full") == 0)
			return PD_OK;
		*cause = xasprintf("%s must be normal or full, not '%s'", who,
		    util_word(v));
		break;
	case CONFIG_CHANGES_KEEP:
		if (util_number(who, v, strlen(v), &revisions, &n,
		    cause) == 0)
			return PD_OK;
		break;
	case CONFIG_CHANGES_MAX_AGE:
		if (text_duration_ms(v, strlen(v)) > 0)
			return PD_OK;
		*cause = xasprintf("%s must be a duration from 1ms to %lldd "
		    "(seconds, or 1500ms, 90s, 30m, 2h, 1d), not '%s'", who,
		    TEXT_DURATION_MAX / 86400000, util_word(v));
		break;
	case CONFIG_SERVER:
		/* Never shown back: the URL may hold a password. */
		if (*v == '\0' || (store_is_server(v) && !has_control(v) &&
		    server_prefix_error(v) == NULL))
			return PD_OK;
		*cause = xasprintf("%s must be a postgres:// or postgresql:// "
		    "URL%s%s", who, store_is_server(v) ? ": " : "",
		    store_is_server(v) ? has_control(v) ? "it has control "
		    "characters" : server_prefix_error(v) : "");
		break;
	default:
		*cause = xstrdup("unknown setting");
		break;
	}
	return PD_USAGE;
}

void
config_put(struct config *cfg, enum config_key k, const char *value,
    const char *origin)
{
	free(cfg->value[k]);
	free(cfg->origin[k]);
	cfg->value[k] = xstrdup(value);
	cfg->origin[k] = xstrdup(origin);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *
trim(char *s)
{
	size_t	 n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

int
config_split(char *line, char **key, char **value)
{
	char	*eq;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL)
		return -1;
	*eq = '\0';
	*key = trim(line);
	*value = trim(eq + 1);
	return **key == '\0' ? -1 : 1;
}

enum pd_status
config_read(struct config *cfg, const char *file, int flag, char **cause)
{
	struct buf	 b;
	enum pd_status	 s;
	char		*line, *next, *key, *val, *why = NULL;
	unsigned	 n = 0;
	int		 k, r;

	free(cfg->file);
	cfg->file = xstrdup(file);
	cfg->file_flag = flag;
	cfg->file_found = 0;
	buf_init(&b);
	if ((s = paths_read_file(file, &b, cause)) == PD_MISS) {
		s = PD_OK;
		goto out;
	}
	if (s != PD_OK)
		goto out;
	cfg->file_found = 1;
	if (strlen(b.data != NULL ? b.data : "") != b.len) {
		*cause = xasprintf("%s: a config file cannot hold NUL bytes",
		    file);
		s = PD_USAGE;
		goto out;
	}
	for (line = b.data; line != NULL && *line != '\0'; line = next) {
		n++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((r = config_split(line, &key, &val)) == 0)
			continue;
		if (r < 0) {
			*cause = xasprintf("%s:%u: expected 'key = value'",
			    file, n);
			s = PD_USAGE;
			goto out;
		}
		if ((k = config_key(key)) < 0) {
			*cause = xasprintf("%s:%u: unknown key '%s'", file, n,
			    util_word(key));
			s = PD_USAGE;
			goto out;
		}
		if (config_check(k, key, val, &why) != PD_OK) {
			*cause = xasprintf("%s:%u: %s", file, n, why);
			free(why);
			s = PD_USAGE;
			goto out;
		}
		config_put(cfg, k, val, "config");
	}
out:
	buf_release(&b);
	return s;
}

enum pd_status
config_env(struct config *cfg, char **cause)
{
	const char	*v;
	char		*origin;
	int		 k;

	for (k = 0; k < CONFIG_NKEYS; k++) {
		if (keys[k].env == NULL || (v = getenv(keys[k].env)) == NULL ||
		    *v == '\0')
			continue;
		if (config_check(k, keys[k].env, v, cause) != PD_OK)
			return PD_USAGE;
		origin = xasprintf("env %s", keys[k].env);
		config_put(cfg, k, v, origin);
		free(origin);
	}
	return PD_OK;
}

/* Whether the line at p (len bytes, no newline) sets key. */
static int
sets_key(const char *p, size_t len, const char *key)
{
	char	*copy = xmemdup(p, len), *k, *v;
	int	 yes;

	yes = config_split(copy, &k, &v) == 1 && strcmp(k, key) == 0;
	free(copy);
	return yes;
}

enum pd_status
config_write(const char *file, enum config_key k, const char *value,
    char **cause)
{
	struct buf	 in, out;
	struct stat	 sb;
	enum pd_status	 s;
	const char	*name = keys[k].name, *p, *end, *nl;
	const char	*last = NULL, *last_end = NULL;
	char		*real = NULL;
	int		 found = 0;

	/* Write through a symbolic link (a dotfile manager's) to its file. */
	if (lstat(file, &sb) == 0 && S_ISLNK(sb.st_mode) &&
	    (real = realpath(file, NULL)) != NULL)
		file = real;
	buf_init(&in);
	buf_init(&out);
	s = paths_read_file(file, &in, cause);
	if (s == PD_MISS) {
		s = PD_OK;
		buf_adds(&in, "# prontodb configuration, see prontodb(1)\n");
	} else if (s != PD_OK)
		goto out;
	buf_add(&in, "", 0);	/* an empty file still gets a buffer */
	end = in.data + in.len;
	for (p = in.data; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!sets_key(p, (size_t)(nl - p), name))
			continue;
		found = 1;
		last = p;
		last_end = nl;
	}
	for (p = in.data; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (value == NULL && sets_key(p, (size_t)(nl - p), name))
			continue;	/* unset drops every line of the key */
		if (p == last && value != NULL) {
			buf_adds(&out, name);
			buf_adds(&out, " = ");
			buf_adds(&out, value);
			/* Keep a CRLF file CRLF. */
			if (last_end > last && last_end[-1] == '\r')
				buf_addc(&out, '\r');
		} else
			buf_add(&out, p, (size_t)(nl - p));
		if (nl < end)
			buf_addc(&out, '\n');
	}
	if (value == NULL && !found)
		goto out;	/* nothing to remove: leave the file alone */
	if (value != NULL && !found) {
		if (out.len > 0 && out.data[out.len - 1] != '\n')
			buf_addc(&out, '\n');
		buf_adds(&out, name);
		buf_adds(&out, " = ");
		buf_adds(&out, value);
		buf_addc(&out, '\n');
	}
	s = paths_replace_file(file, out.data != NULL ? out.data : "",
	    out.len, cause);
out:
	buf_release(&in);
	buf_release(&out);
	free(real);
	return s;
}
