/*
 * cmd-install.c - install and uninstall: a home's files, made and removed.
 *
 * install makes what a first command would otherwise make on the fly (the
 * data, config and state directories, the database) plus what nothing else
 * makes: a commented config file and, with security required, the first
 * admin.  It only ever adds what is missing, so running it again changes
 * nothing.  uninstall removes ProntoDB's own files and nothing else: the
 * config file, the state directory (cursors) and, with purge, the data
 * directory, after a backup of every database in it, and the databases of
 * the setting server (its names are the home's); links inside them are
 * removed, never followed.  Neither verb opens the database a command
 * runs against (no CMD_DB): they work on files, like the db verbs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "cmd.h"
#include "config.h"
#include "engine.h"
#include "store.h"
#include "util.h"

#define ADMIN_NAME	"admin"
/* 16 random bytes: 128 bits, 22 characters of base64url. */
#define ADMIN_PASS_BYTES 16

/* One line of what was done: "created directory /path". */
static enum pd_status
say(struct engine *e, const char *action, const char *kind, const char *name,
    const char *path)
{
	out_str(e->out, "action", action);
	out_str(e->out, "kind", kind);
	if (name != NULL)
		out_str(e->out, "name", name);
	if (path != NULL)
		out_str(e->out, "path", path);
	return out_emit(e->out, OUT_WORDS);
}

static enum pd_status
note(struct engine *e, const char *text)
{
	out_str(e->out, "note", text);
	return out_emit(e->out, OUT_VALUE);
}

/* The directory part of file (a copy); "." without a '/'. */
static char *
dir_of(const char *file)
{
	const char	*slash = strrchr(file, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == file)
		return xstrdup("/");
	return xmemdup(file, (size_t)(slash - file));
}

static int
is_dir(const char *path)
{
	struct stat	 sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Whether a and b are the same existing directory (links followed). */
static int
same_dir(const char *a, const char *b)
{
	struct stat	 sa, sb;

	if (a == NULL || b == NULL || stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/*
 * Make dir (0700, with missing parents) unless it is there; *made says
 * whether it was missing.  Something else in its place is an error.
 */
static enum pd_status
need_dir(struct engine *e, const char *dir, int *made, char **cause)
{
	struct stat	 sb;
	enum pd_status	 s;

	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			*cause = xasprintf("%s exists and is not a directory",
			    dir);
			return PD_ERROR;
		}
		/* An existing directory is the user's: report, never chmod. */
		if ((sb.st_mode & 077) != 0 && !e->opts.quiet) {
			char	*esc = util_escape(dir, 0);

			fprintf(stderr, "prontodb: note: %s is mode %03o, "
			    "not 700: others may read it\n", esc,
			    (unsigned)(sb.st_mode & 0777));
			free(esc);
		}
		return say(e, "exists", "directory", NULL, dir);
	}
	if (!e->opts.dry_run && (s = paths_mkdirs(dir, cause)) != PD_OK)
		return s;
	(*made)++;
	return say(e, "created", "directory", NULL, dir);
}

/* What each setting does, for the comments of a new config file. */
static const char *const key_help[CONFIG_NKEYS] = {
	[CONFIG_DATABASE] = "The database of commands without -d or --select: "
	    "a name in the data\n# directory, or a path (PRONTO_DB).",
	[CONFIG_NS_DELIM] = "The delimiter of addresses, project.namespace.key "
	    "(PRONTO_NS_DELIM).",
	[CONFIG_SECURITY] = "required: every command must authenticate; "
	    "optional: a personal store\n# (PRONTO_SECURITY).",
	[CONFIG_BUSY_TIMEOUT_MS] = "How long to wait for a locked database, "
	    "in milliseconds\n# (PRONTO_BUSY_TIMEOUT_MS).",
	[CONFIG_OUTPUT] = "The output format: text, json or tsv "
	    "(PRONTO_OUTPUT).",
	[CONFIG_ON_ERROR] = "What a stream does after a failed statement: "
	    "continue or stop\n# (PRONTO_ON_ERROR).",
	[CONFIG_DURABILITY] = "normal: a commit survives a crash of the "
	    "process; full: also of the\n# machine or its power, a sync per "
	    "commit slower (PRONTO_DURABILITY).",
	[CONFIG_CHANGES_KEEP] = "How many revisions the change log of a "
	    "watched database keeps\n# (PRONTO_CHANGES_KEEP).",
	[CONFIG_CHANGES_MAX_AGE] = "How long the change log keeps a change: "
	    "a duration such as 24h\n# (PRONTO_CHANGES_MAX_AGE).",
	[CONFIG_SERVER] = "Where database names live: a postgresql:// URL, "
	    "#prefix of schemas\n# optional; empty: the data directory "
	    "(PRONTO_SERVER)."
};

/*
 * The text of a new config file: every setting at its default, commented
 * out, so that installing changes no behaviour and the file documents
 * what can be set.  Keys are taken from config.c, so a new one appears
 * here even before it has a line of help.
 */
static char *
default_config(void)
{
	struct config	 cfg;
	struct buf	 b;
	int		 k;

	config_init(&cfg);
	buf_init(&b);
	buf_adds(&b, "# prontodb configuration, see prontodb(1).\n"
	    "#\n"
	    "# Written by 'prontodb install'.  Every setting is shown at its "
	    "default,\n"
	    "# commented out: remove the '#' to change one, or use "
	    "'prontodb config set'.\n"
	    "# Environment variables and flags override this file.\n");
	for (k = 0; k < CONFIG_NKEYS; k++) {
		buf_addc(&b, '\n');
		if (key_help[k] != NULL) {
			buf_adds(&b, "# ");
			buf_adds(&b, key_help[k]);
			buf_addc(&b, '\n');
		}
		buf_addc(&b, '#');
		buf_adds(&b, config_key_name(k));
		buf_adds(&b, " = ");
		buf_adds(&b, cfg.value[k]);
		buf_addc(&b, '\n');
	}
	config_release(&cfg);
	return buf_detach(&b, NULL);
}

/*
 * Write a new config file; one that exists (even one made a moment ago by
 * another process) is left alone: O_EXCL, never a replace.
 */
static enum pd_status
make_config(struct engine *e, const char *file, int *made, char **cause)
{
	char		*text, *dir;
	enum pd_status	 s = PD_OK;
	size_t		 len;
	ssize_t		 n;
	int		 fd;

	if (access(file, F_OK) == 0)
		return say(e, "exists", "config", NULL, file);
	dir = dir_of(file);
	s = need_dir(e, dir, made, cause);
	free(dir);
	if (s != PD_OK)
		return s;
	if (e->opts.dry_run) {
		(*made)++;
		return say(e, "created", "config", NULL, file);
	}
	if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		if (errno == EEXIST)
			return say(e, "exists", "config", NULL, file);
		*cause = xasprintf("cannot create %s: %s", file,
		    strerror(errno));
		return PD_IOERR;
	}
	text = default_config();
	len = strlen(text);
	n = write(fd, text, len);
	if (n < 0 || (size_t)n != len || fsync(fd) != 0) {
		*cause = xasprintf("cannot write %s: %s", file,
		    n >= 0 && (size_t)n != len ? "short write" :
		    strerror(errno));
		s = PD_IOERR;
	}
	if (close(fd) != 0 && s == PD_OK) {
		*cause = xasprintf("cannot write %s: %s", file,
		    strerror(errno));
		s = PD_IOERR;
	}
	free(text);
	if (s != PD_OK) {
		/* A half-written config would break every later command. */
		unlink(file);
		return s;
	}
	(*made)++;
	return say(e, "created", "config", NULL, file);
}

/* A new random admin password, base64url; caller auth_frees. */
static char *
random_password(size_t *len)
{
	unsigned char	 raw[ADMIN_PASS_BYTES];
	char		 b64[sodium_base64_ENCODED_LEN(ADMIN_PASS_BYTES,
			    sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	char		*pass;

	/* A leading '-' would read as an option wherever it is pasted. */
	do {
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	} while (b64[0] == '-' || b64[0] == '_');
	pass = xstrdup(b64);
	*len = strlen(pass);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b64, sizeof(b64));
	return pass;
}

/*
 * With security required, the first admin: only into a database without
 * users, so install can never add a user to a store that has some (that
 * is `user add`, for an admin).  The count and the insert share one write
 * transaction, so two installs at once make one admin.
 */
static enum pd_status
make_admin(struct engine *e, struct store *store, int *made, char **cause)
{
	const char	*env = getenv("PRONTO_ADMIN_PASS");
	struct buf	 hash;
	enum pd_status	 s;
	long long	 n = 0;
	char		*pass = NULL, *h = NULL;
	size_t		 len = 0;
	int		 admin = 0;

	if (env != NULL && *env == '\0')
		env = NULL;
	if ((s = auth_init(cause)) != PD_OK ||
	    (s = store_begin(store, cause)) != PD_OK)
		return s;
	if ((s = store_user_count(store, &n, cause)) != PD_OK)
		goto out;
	if (n > 0) {
		buf_init(&hash);
		s = store_user_get(store, ADMIN_NAME, &hash, &admin, cause);
		buf_release(&hash);
		if (s == PD_MISS) {
			s = say(e, "skipped", "user", ADMIN_NAME, NULL);
			if (!e->opts.quiet)
				fprintf(stderr, "prontodb: note: the database "
				    "has users already: no admin was "
				    "created\n");
		} else if (s == PD_OK)
			s = say(e, "exists", "user", ADMIN_NAME, NULL);
		if (s == PD_OK && env != NULL && !e->opts.quiet)
			fprintf(stderr, "prontodb: note: PRONTO_ADMIN_PASS is "
			    "ignored: the database has users (change a "
			    "password with 'user passwd')\n");
		goto out;
	}
	/* Like the first user add: never a takeover of data without users. */
	if ((s = engine_bootstrap_check(e, store, cause)) != PD_OK)
		goto out;
	if (e->opts.dry_run) {
		(*made)++;
		s = say(e, "created", "user", ADMIN_NAME, NULL);
		goto out;
	}
	if (env != NULL) {
		pass = xstrdup(env);
		len = strlen(pass);
	} else
		pass = random_password(&len);
	if ((s = auth_hash_password(pass, len, &h, cause)) != PD_OK ||
	    (s = store_user_add(store, ADMIN_NAME, h, 1, util_now_ms(),
	    cause)) != PD_OK ||
	    (s = store_commit(store, cause)) != PD_OK)
		goto out;
	(*made)++;
	s = say(e, "created", "user", ADMIN_NAME, NULL);
	/* The only time a generated password is shown; never on stderr. */
	if (s == PD_OK && env == NULL) {
		out_str(e->out, "admin_password", pass);
		s = out_emit(e->out, OUT_FIELDS);
	}
out:
	if (store_in_tx(store))
		store_rollback(store);
	auth_free(pass, len);
	free(h);
	return s;
}

/* The database in effect (main unless -d, PRONTO_DB or config say). */
static enum pd_status
make_database(struct engine *e, int *made, char **cause)
{
	const char		*name = e->opts.db != NULL ? e->opts.db :
				    "main";
	struct store		*store = NULL;
	struct store_loc	 loc;
	enum pd_status		 s;
	const char		*file;
	int			 existed;

	if ((s = engine_db_loc(e, &loc, cause)) != PD_OK)
		return s;
	file = loc.id;
	existed = store_exists(&loc);
	if (!existed && e->opts.dry_run) {
		(*made)++;
		s = say(e, "created", "database", name, file);
		goto out;
	}
	/* Without security an existing database is not even opened. */
	if (existed && !e->opts.secure) {
		s = say(e, "exists", "database", name, file);
		goto out;
	}
	/* Made now: a server makes a database at its first transaction. */
	if ((!existed && (s = store_create(&loc, e->opts.busy_ms, cause)) !=
	    PD_OK) ||
	    (s = store_open(&loc, e->opts.busy_ms, 1, &store, cause)) != PD_OK)
		goto out;
	store_set_durable(store, e->opts.durable);
	if (!existed)
		(*made)++;
	if ((s = say(e, existed ? "exists" : "created", "database", name,
	    file)) == PD_OK && e->opts.secure)
		s = make_admin(e, store, made, cause);
out:
	store_close(store);
	store_loc_free(&loc);
	return s;
}

static enum pd_status
cmd_install(struct engine *e, struct stmt *st, char **cause)
{
	const struct paths	*p = e->opts.paths;
	const struct config	*cfg = e->opts.config;
	enum pd_status		 s;
	int			 made = 0;

	if (p->data == NULL) {
		*cause = xstrdup(p->error);
		return PD_ERROR;
	}
	if (!e->opts.secure && getenv("PRONTO_ADMIN_PASS") != NULL &&
	    *getenv("PRONTO_ADMIN_PASS") != '\0' && !e->opts.quiet)
		fprintf(stderr, "prontodb: note: PRONTO_ADMIN_PASS is ignored: "
		    "security is optional, so no admin is created\n");
	if ((s = need_dir(e, p->data, &made, cause)) != PD_OK ||
	    (s = need_dir(e, p->state, &made, cause)) != PD_OK ||
	    (s = make_config(e, cfg != NULL && cfg->file != NULL ? cfg->file :
	    p->config, &made, cause)) != PD_OK ||
	    (s = make_database(e, &made, cause)) != PD_OK)
		return s;
	if (made == 0)
		return note(e, "already installed: nothing changed");
	return PD_OK;
}

/*
 * What uninstall keeps whatever happens: the data directory (without
 * purge) and the backup directory, by device and inode, so that no
 * arrangement of XDG variables or links makes one part of another.
 */
struct keep {
	dev_t	 dev[2];
	ino_t	 ino[2];
	int	 n;
};

static void
keep_add(struct keep *k, const char *dir)
{
	struct stat	 sb;

	if (dir != NULL && k->n < 2 && stat(dir, &sb) == 0) {
		k->dev[k->n] = sb.st_dev;
		k->ino[k->n] = sb.st_ino;
		k->n++;
	}
}

static int
kept(const struct keep *k, const struct stat *sb)
{
	int	 i;

	for (i = 0; i < k->n; i++)
		if (k->dev[i] == sb->st_dev && k->ino[i] == sb->st_ino)
			return 1;
	return 0;
}

/*
 * Remove the directory name (under the open directory parent) and all in
 * it.  Symbolic links are removed, never followed, so nothing outside is
 * touched; a kept directory stays, and so do its parents.
 */
static enum pd_status
remove_tree(int parent, const char *name, const char *path,
    const struct keep *k, char **cause)
{
	struct dirent	*de;
	struct stat	 sb;
	enum pd_status	 s = PD_OK;
	DIR		*d;
	char		*sub;
	int		 fd;

	if ((fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return PD_OK;
		*cause = xasprintf("cannot open %s: %s", path,
		    strerror(errno));
		return PD_IOERR;
	}
	if (fstat(fd, &sb) == 0 && kept(k, &sb)) {
		close(fd);
		return PD_OK;
	}
	if ((d = fdopendir(fd)) == NULL) {
		*cause = xasprintf("cannot read %s: %s", path,
		    strerror(errno));
		close(fd);
		return PD_IOERR;
	}
	while (s == PD_OK && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sub = xasprintf("%s/%s", path, de->d_name);
		if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno != ENOENT) {
				*cause = xasprintf("cannot stat %s: %s", sub,
				    strerror(errno));
				s = PD_IOERR;
			}
		} else if (S_ISDIR(sb.st_mode))
			s = remove_tree(fd, de->d_name, sub, k, cause);
		else if (unlinkat(fd, de->d_name, 0) != 0 && errno != ENOENT) {
			*cause = xasprintf("cannot remove %s: %s", sub,
			    strerror(errno));
			s = PD_IOERR;
		}
		free(sub);
	}
	closedir(d);
	if (s != PD_OK)
		return s;
	if (unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT &&
	    errno != ENOTEMPTY && errno != EEXIST) {
		*cause = xasprintf("cannot remove %s: %s", path,
		    strerror(errno));
		return PD_IOERR;
	}
	return PD_OK;
}

/*
 * remove_tree on a full path, then say whether it went.  A link or a file
 * in the place of the directory is removed itself: the name is ours, what
 * it points to is not.
 */
static enum pd_status
remove_dir(struct engine *e, const char *dir, const struct keep *k,
    int *removed, char **cause)
{
	struct stat	 sb;
	enum pd_status	 s = PD_OK;

	if (lstat(dir, &sb) != 0)
		return PD_OK;
	if (!S_ISDIR(sb.st_mode)) {
		if (!e->opts.dry_run && unlink(dir) != 0 && errno != ENOENT) {
			*cause = xasprintf("cannot remove %s: %s", dir,
			    strerror(errno));
			return PD_IOERR;
		}
		(*removed)++;
		return say(e, "removed", "link", NULL, dir);
	}
	if (!e->opts.dry_run &&
	    (s = remove_tree(AT_FDCWD, dir, dir, k, cause)) != PD_OK)
		return s;
	if (!e->opts.dry_run && lstat(dir, &sb) == 0)
		return say(e, "kept", "directory", NULL, dir);
	(*removed)++;
	return say(e, "removed", "directory", NULL, dir);
}

/* rmdir, when the directory is empty; anything in it keeps it. */
static enum pd_status
remove_empty(struct engine *e, const char *dir, int *removed)
{
	if (!is_dir(dir))
		return PD_OK;
	if (!e->opts.dry_run && rmdir(dir) != 0)
		return say(e, "kept", "directory", NULL, dir);
	(*removed)++;
	return say(e, "removed", "directory", NULL, dir);
}

/*
 * The names of the regular files *.db directly in dir, sorted.  A link is
 * left out: purge removes the link, and what it points to stays.
 */
static char **
list_db_files(const char *dir, size_t *n)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		**v = NULL, *f;
	size_t		 i, j;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !ends_with(de->d_name, ".db"))
			continue;
		f = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(f, &sb) == 0 && S_ISREG(sb.st_mode)) {
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = xstrdup(de->d_name);
		}
		free(f);
	}
	closedir(d);
	for (i = 0; i < *n; i++)
		for (j = i + 1; j < *n; j++)
			if (strcmp(v[j], v[i]) < 0) {
				f = v[i];
				v[i] = v[j];
				v[j] = f;
			}
	return v;
}

static void
free_list(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}


/*
 * The directory the purge's backups go to: --backup-dir (made when
 * missing), or a new private one under $TMPDIR or /tmp.  It must not lie
 * inside a directory about to be removed.
 */
static enum pd_status
backup_dir(struct engine *e, const struct stmt *st, char **dir,
    char **cause)
{
	const struct opt	*o = stmt_opt(st, "backup-dir");
	const char		*tmp = getenv("TMPDIR");
	const struct paths	*p = e->opts.paths;
	struct stat		 sb;
	enum pd_status		 s;
	char			*up, *next;

	*dir = NULL;
	if (o == NULL) {
		if (tmp == NULL || tmp[0] != '/')
			tmp = "/tmp";
		*dir = xasprintf("%s/prontodb-uninstall.XXXXXX", tmp);
		if (mkdtemp(*dir) == NULL) {
			*cause = xasprintf("cannot create %s: %s", *dir,
			    strerror(errno));
			free(*dir);
			*dir = NULL;
			return PD_IOERR;
		}
		return PD_OK;
	}
	if (o->vlen == 0 || strlen(o->val) != o->vlen) {
		engine_blame(e, o->line, o->col);
		*cause = xstrdup("backup-dir needs a directory");
		return PD_DATAERR;
	}
	/*
	 * From the deepest part that exists, walk up by "..": no ancestor
	 * may be the data or state directory, however links arrange it.
	 * Checked before anything is made, so a refusal leaves no trace.
	 */
	up = xstrdup(o->val);
	while (stat(up, &sb) != 0 && strcmp(up, ".") != 0 &&
	    strcmp(up, "/") != 0) {
		next = dir_of(up);
		free(up);
		up = next;
	}
	while (strlen(up) < 4096) {
		if (same_dir(up, p->data) || same_dir(up, p->state)) {
			engine_blame(e, o->line, o->col);
			*cause = xasprintf("backup-dir %s is inside %s, which "
			    "uninstall removes", o->val, same_dir(up, p->data) ?
			    p->data : p->state);
			free(up);
			return PD_DATAERR;
		}
		next = xasprintf("%s/..", up);
		if (same_dir(next, up) || stat(next, &sb) != 0) {
			free(next);
			break;
		}
		free(up);
		up = next;
	}
	free(up);
	if ((s = paths_mkdirs(o->val, cause)) != PD_OK)
		return s;
	*dir = xstrdup(o->val);
	return PD_OK;
}

/*
 * Copy the tree src to dst (made 0700): regular files and directories;
 * links and anything else are left out, as they are not backups.
 */
static enum pd_status
copy_tree(struct engine *e, const char *src, const char *dst, char **cause)
{
	struct dirent	*de;
	struct stat	 sb;
	enum pd_status	 s;
	DIR		*d;
	char		*from, *to;

	if ((d = opendir(src)) == NULL)
		return PD_OK;
	if ((s = paths_mkdirs(dst, cause)) != PD_OK) {
		closedir(d);
		return s;
	}
	while (s == PD_OK && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		from = xasprintf("%s/%s", src, de->d_name);
		to = xasprintf("%s/%s", dst, de->d_name);
		/* A file gone meanwhile has nothing left to keep. */
		if (lstat(from, &sb) == 0 && S_ISDIR(sb.st_mode))
			s = copy_tree(e, from, to, cause);
		else if (lstat(from, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (s = paths_copy_file(from, to, cause)) == PD_OK)
			s = say(e, "backup", "file", NULL, to);
		free(from);
		free(to);
	}
	closedir(d);
	return s;
}

/* Whether dir exists and holds anything. */
static int
has_entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 any = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return 0;
	while (!any && (de = readdir(d)) != NULL)
		any = strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return any;
}

/*
 * Back up database name, located by src (its file, or its name on the
 * setting server), into dir as name and its backend's backup ending.
 */
static enum pd_status
backup_one(struct engine *e, const char *dir, const char *src,
    const char *name, char **cause)
{
	struct store_loc	 loc;
	struct store		*store;
	enum pd_status		 s;
	char			*dst = NULL, *why;

	if ((s = engine_locate(e, src, &loc, cause)) == PD_OK) {
		dst = xasprintf("%s/%s%s", dir, name, store_backup_ext(&loc));
		if (access(dst, F_OK) == 0) {
			*cause = xasprintf("%s already exists: choose another "
			    "backup-dir", dst);
			s = PD_ERROR;
		} else if ((s = store_open(&loc, e->opts.busy_ms, 1, &store,
		    cause)) == PD_OK) {
			s = store_backup(store, dst, cause);
			store_close(store);
		}
		store_loc_free(&loc);
	}
	if (s == PD_OK)
		s = say(e, "backup", "database", name, dst);
	free(dst);
	if (s != PD_OK && !e->out->failed) {
		why = *cause;
		*cause = xasprintf("cannot back up %s, nothing was removed "
		    "(no-backup skips the backup): %s", src,
		    why != NULL ? why : "failed");
		free(why);
	}
	return s;
}

/*
 * Back up every database of the data directory, then each of the setting
 * server's (srv), into dir (consistent snapshots, even under writers), and
 * copy what data/backups holds (the user's earlier backups) to
 * dir/backups.  Nothing is removed until all of it is done: what cannot be
 * saved stops the purge.
 */
static enum pd_status
backup_all(struct engine *e, const char *dir, char **dbs, size_t ndb,
    char **srv, size_t nsrv, const char *olddir, char **cause)
{
	const struct paths	*p = e->opts.paths;
	enum pd_status		 s = PD_OK;
	char			*src, *dst, *why, *name;
	size_t			 i;

	if ((s = say(e, "backup", "directory", NULL, dir)) != PD_OK)
		return s;
	for (i = 0; i < ndb && s == PD_OK; i++) {
		src = xasprintf("%s/%s", p->data, dbs[i]);
		name = xmemdup(dbs[i], strlen(dbs[i]) - 3);
		s = backup_one(e, dir, src, name, cause);
		free(name);
		free(src);
	}
	for (i = 0; i < nsrv && s == PD_OK; i++)
		s = backup_one(e, dir, srv[i], srv[i], cause);
	if (s != PD_OK || !has_entries(olddir))
		return s;
	dst = xasprintf("%s/backups", dir);
	if ((s = copy_tree(e, olddir, dst, cause)) != PD_OK &&
	    !e->out->failed) {
		why = *cause;
		*cause = xasprintf("nothing was removed: %s",
		    why != NULL ? why : "cannot copy the backups");
		free(why);
	}
	free(dst);
	return s;
}

/*
 * Authorize the purge on every database file under dir, the backups in
 * its subdirectories too (their names in messages relative to the data
 * directory): each holds its users' hashes and is deleted and copied.
 */
static enum pd_status
authorize_tree(struct engine *e, const char *dir, const char *rel,
    char **cause)
{
	struct dirent	*de;
	struct stat	 sb;
	enum pd_status	 s = PD_OK;
	DIR		*d;
	char		*f, *name;

	if ((d = opendir(dir)) == NULL)
		return PD_OK;
	while (s == PD_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		f = xasprintf("%s/%s", dir, de->d_name);
		name = rel == NULL ? xstrdup(de->d_name) :
		    xasprintf("%s/%s", rel, de->d_name);
		if (lstat(f, &sb) != 0)
			;	/* gone meanwhile */
		else if (S_ISDIR(sb.st_mode))
			s = authorize_tree(e, f, name, cause);
		else if (S_ISREG(sb.st_mode) && ends_with(name, ".db")) {
			struct store_loc	 loc;

			/* A live database by its name, a backup by its path. */
			if (rel == NULL)
				name[strlen(name) - 3] = '\0';
			if ((s = engine_locate(e, f, &loc, cause)) == PD_OK)
				s = engine_authorize(e, &loc, name, GRANT_ADMIN,
				    cause);
			store_loc_free(&loc);
		}
		free(f);
		free(name);
	}
	closedir(d);
	return s;
}

/* The databases of the setting server, by name, as store_list gives them. */
struct names {
	char	**v;
	size_t	  n;
};

/*
 * The setting server's databases, which a purge takes too: the names are
 * the home's wherever they live.  Each must be administered by the
 * session, as a file must.
 */
static enum pd_status
server_names(struct engine *e, struct names *l, char **cause)
{
	const struct paths	*p = e->opts.paths;
	struct store_place	 place = { p->data, p->error, p->server };
	struct store_loc	 loc;
	enum pd_status		 s;
	size_t			 i;

	if (p->server == NULL)
		return PD_OK;
	if ((s = store_list_names(&place, &l->v, &l->n, cause)) != PD_OK)
		return s;
	for (i = 0; i < l->n && s == PD_OK; i++) {
		if ((s = engine_locate(e, l->v[i], &loc, cause)) == PD_OK)
			s = engine_authorize(e, &loc, l->v[i], GRANT_ADMIN,
			    cause);
		store_loc_free(&loc);
	}
	return s;
}

/* Drop the setting server's databases, each said as removed. */
static enum pd_status
drop_server(struct engine *e, const struct names *l, int *removed,
    char **cause)
{
	struct store_loc	 loc;
	enum pd_status		 s = PD_OK;
	size_t			 i;

	for (i = 0; i < l->n && s == PD_OK; i++) {
		if ((s = engine_locate(e, l->v[i], &loc, cause)) == PD_OK &&
		    (e->opts.dry_run || (s = store_drop(&loc, cause)) ==
		    PD_OK)) {
			(*removed)++;
			s = say(e, "removed", "database", l->v[i], loc.id);
		}
		store_loc_free(&loc);
	}
	return s;
}

/* A yes from the terminal, asked on /dev/tty; anything else is no. */
static int
confirmed(const char *data, size_t ndb)
{
	char	 answer[16];
	char	*prompt;
	ssize_t	 n;
	int	 fd, yes = 0;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	prompt = xasprintf("prontodb: delete %s and its %zu database%s? "
	    "[y/N] ", data, ndb, ndb == 1 ? "" : "s");
	if (write(fd, prompt, strlen(prompt)) >= 0 &&
	    (n = read(fd, answer, sizeof(answer) - 1)) > 0) {
		answer[n] = '\0';
		answer[strcspn(answer, "\r\n")] = '\0';
		yes = strcasecmp(answer, "y") == 0 ||
		    strcasecmp(answer, "yes") == 0;
	}
	free(prompt);
	close(fd);
	return yes;
}

/*
 * Before anything goes: the top directories must be directories, not
 * links (a link's target is not known to be ProntoDB's alone).
 */
static enum pd_status
check_top(const char *dir, char **cause)
{
	struct stat	 sb;

	if (dir == NULL || lstat(dir, &sb) != 0 || S_ISDIR(sb.st_mode))
		return PD_OK;
	*cause = xasprintf("%s is not a directory%s: remove it by hand",
	    dir, S_ISLNK(sb.st_mode) ? " but a symbolic link" : "");
	return PD_ERROR;
}

static enum pd_status
cmd_uninstall(struct engine *e, struct stmt *st, char **cause)
{
	const struct paths	*p = e->opts.paths;
	const struct opt	*bd = stmt_opt(st, "backup-dir");
	struct keep		 k;
	struct names		 srv = { NULL, 0 };
	struct stat		 sb;
	enum pd_status		 s = PD_OK;
	char			*bdir = NULL, *cdir = NULL, *cursors = NULL;
	char			*olddir = NULL, **dbs = NULL;
	size_t			 ndb = 0;
	int			 purge = engine_flag(st, "purge");
	int			 backup = !engine_flag(st, "no-backup");
	int			 removed = 0, had_data;

	memset(&k, 0, sizeof(k));
	if (p->data == NULL) {
		*cause = xstrdup(p->error);
		return PD_ERROR;
	}
	if (!purge && (bd != NULL || stmt_opt(st, "no-backup") != NULL)) {
		*cause = xstrdup("backup-dir and no-backup go with purge");
		return PD_DATAERR;
	}
	if (bd != NULL && !backup) {
		*cause = xstrdup("backup-dir and no-backup contradict each "
		    "other");
		return PD_DATAERR;
	}
	if ((s = check_top(p->state, cause)) != PD_OK ||
	    (purge && (s = check_top(p->data, cause)) != PD_OK))
		return s;
	had_data = is_dir(p->data);
	if (purge && had_data) {
		olddir = xasprintf("%s/backups", p->data);
		dbs = list_db_files(p->data, &ndb);
	}
	/*
	 * Purging deletes and copies every database: the session must
	 * administer each one, by its own users, before anything is asked.
	 */
	if (purge && had_data && (s = authorize_tree(e, p->data, NULL,
	    cause)) != PD_OK)
		goto out;
	if (purge && (s = server_names(e, &srv, cause)) != PD_OK)
		goto out;
	if (purge && (had_data || srv.n > 0) && !engine_flag(st, "yes") &&
	    !e->opts.dry_run) {
		int	 yes = isatty(STDIN_FILENO) ?
			    confirmed(p->data, ndb + srv.n) : -1;

		if (yes < 0) {
			*cause = xasprintf("uninstall with purge deletes %s "
			    "and every database in it%s: add --yes (yes in a "
			    "stream) to confirm; there is no terminal to ask "
			    "on", p->data, srv.n > 0 ? ", and those of the "
			    "setting server" : "");
			s = PD_DATAERR;
			goto out;
		}
		if (!yes) {
			*cause = xstrdup("not confirmed: nothing was removed");
			s = PD_ERROR;
			goto out;
		}
	}
	/* A session that logged in holds main open: let go of it first. */
	if (purge && e->store != NULL) {
		store_close(e->store);
		e->store = NULL;
	}
	if (purge && backup && (ndb > 0 || srv.n > 0 ||
	    has_entries(olddir)) && !e->opts.dry_run) {
		if ((s = backup_dir(e, st, &bdir, cause)) != PD_OK ||
		    (s = backup_all(e, bdir, dbs, ndb, srv.v, srv.n, olddir,
		    cause)) != PD_OK)
			goto out;
	}
	if (purge)
		keep_add(&k, bdir);
	else
		keep_add(&k, p->data);
	if (purge && ((s = remove_dir(e, p->data, &k, &removed, cause)) !=
	    PD_OK || (s = drop_server(e, &srv, &removed, cause)) != PD_OK))
		goto out;
	/*
	 * The state directory is ProntoDB's alone, unless the XDG variables
	 * make it the data directory too: then only the cursors go.
	 */
	if (!purge && same_dir(p->state, p->data)) {
		cursors = xasprintf("%s/cursors", p->state);
		s = remove_dir(e, cursors, &k, &removed, cause);
	} else
		s = remove_dir(e, p->state, &k, &removed, cause);
	if (s != PD_OK)
		goto out;
	if (lstat(p->config, &sb) == 0 || errno != ENOENT) {
		if (!e->opts.dry_run && unlink(p->config) != 0 &&
		    errno != ENOENT) {
			*cause = xasprintf("cannot remove %s: %s", p->config,
			    strerror(errno));
			s = PD_IOERR;
			goto out;
		}
		removed++;
		if ((s = say(e, "removed", "config", NULL, p->config)) != PD_OK)
			goto out;
	}
	cdir = dir_of(p->config);
	if (!same_dir(cdir, p->data) && !same_dir(cdir, p->state) &&
	    (s = remove_empty(e, cdir, &removed)) != PD_OK)
		goto out;
	if (!purge && is_dir(p->data))
		s = say(e, "kept", "directory", NULL, p->data);
	else if (removed == 0)
		s = note(e, "nothing to remove: prontodb is not installed");
out:
	free_list(dbs, ndb);
	free_list(srv.v, srv.n);
	free(olddir);
	free(bdir);
	free(cdir);
	free(cursors);
	return s;
}

const struct cmd cmd_install_entry = {
	.name = "install",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OPEN,
	.exec = cmd_install,
	.summary = "create the directories, config file and database (again: no-op)",
	.help = "Create what is missing of an installation in the home in "
	    "effect: the data, state and config directories (mode 0700), a "
	    "config file that lists every setting at its default, commented "
	    "out, and the database in effect, each reported as created or "
	    "exists. Running it again changes nothing. With security "
	    "required, a database without users also gets the administrator "
	    "admin, whose password is PRONTO_ADMIN_PASS or a random one "
	    "printed once on the standard output; one that holds data is "
	    "refused (exit 77).",
	.example = "prontodb install\n"
	    "prontodb install",
};

static const struct cmd_opt uninstall_opts[] = {
	{ "backup-dir", "DIR", 0, 0 },
	{ "no-backup", NULL, 0, 0 },
	{ "purge", NULL, 0, 0 },
	{ "yes", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_uninstall_entry = {
	.name = "uninstall",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_ADMIN,
	.opts = uninstall_opts,
	.exec = cmd_uninstall,
	.summary = "remove config and cursors (purge: data too, after a backup)",
	.help = "Remove the config file, its directory when that is empty, "
	    "and the state directory with the cursors; the data directory is "
	    "kept. With purge it goes too, with every database (and those of "
	    "the setting server), but only "
	    "with yes or after a y answered on the terminal. Before that "
	    "each database and backup is copied into backup-dir=DIR, or else "
	    "into a new prontodb-uninstall.XXXXXX under TMPDIR or /tmp, "
	    "unless no-backup; an authenticated user must be an admin of "
	    "every one, by its own users. Nothing outside the data, state "
	    "and config directories is touched.",
	.example = "prontodb --home ./pdb-try install\n"
	    "prontodb --home ./pdb-try uninstall purge yes "
	    "backup-dir=pdb-try-backup",
};
