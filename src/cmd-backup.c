/*
 * cmd-backup.c - backup, backup list, restore and check; and upstream's
 * spellings backup --output DIR, backup --list and backup --restore FILE.
 *
 * A backup is a consistent snapshot (a page copy) taken while others keep
 * writing.  A restore checks the file before anything is touched, waits
 * until no other process has the database open (one that had would go on
 * writing into the replaced file), keeps the current database as a
 * safety copy, and swaps the file in with a rename, so a reader sees the
 * old database or the new one, never half.  Replacing a database, or
 * copying all of them, is authorized against each database's own users
 * (engine_authorize).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "engine.h"
#include "store.h"
#include "util.h"

static const char *
current_db(const struct engine *e)
{
	if (e->opts.db != NULL)
		return e->opts.db;
	return e->opts.config != NULL ?
	    e->opts.config->value[CONFIG_DATABASE] : "main";
}

/* Where backups go: --output DIR (upstream's), else DATA/backups. */
static char *
backup_dir(const struct engine *e, const struct stmt *st)
{
	const struct opt	*o = st != NULL ? stmt_opt(st, "output") : NULL;

	if (o != NULL)
		return xstrdup(o->val);
	return xasprintf("%s/backups", e->opts.paths->data);
}

/* NAME-YYYYmmddTHHMMSS: the base of a backup's file name. */
static char *
stamped(const char *db, long long ms)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;
	char		 when[32];
	/* A server's locator names its database in its #fragment. */
	const char	*base = strchr(db, '#') != NULL ? strchr(db, '#') :
			    strrchr(db, '/');

	strftime(when, sizeof(when), "%Y%m%dT%H%M%S", gmtime_r(&t, &tm));
	base = base != NULL ? base + 1 : db;
	return xasprintf("%.*s-%s", (int)(strcspn(base, ".")), base, when);
}

/* Copy every file of directory from into directory to (one level). */
static enum pd_status
copy_dir(const char *from, const char *to, char **cause)
{
	struct dirent	*de;
	DIR		*d;
	enum pd_status	 s = PD_OK;

	if ((d = opendir(from)) == NULL)
		return PD_OK;
	if ((s = paths_mkdirs(to, cause)) != PD_OK) {
		closedir(d);
		return s;
	}
	while (s == PD_OK && (de = readdir(d)) != NULL) {
		char	*src, *dst;

		if (de->d_name[0] == '.')
			continue;
		src = xasprintf("%s/%s", from, de->d_name);
		dst = xasprintf("%s/%s", to, de->d_name);
		s = paths_copy_file(src, dst, cause);
		free(src);
		free(dst);
	}
	closedir(d);
	return s;
}

/* The names of the databases of the data directory (caller frees). */
static char **
db_names(struct engine *e, size_t *n)
{
	struct store_place	 place = { e->opts.paths->data,
				    e->opts.paths->error,
				    e->opts.paths->server };
	char			*cause = NULL, **v;

	store_list_names(&place, &v, n, &cause);
	free(cause);
	return v;
}

/* The file name of a backup, dir/base and the backend's ending. */
static char *
backup_file(const char *dir, const char *base, const struct store_loc *loc)
{
	return xasprintf("%s/%s%s", dir, base, store_backup_ext(loc));
}

/*
 * backup --all: every database (each a consistent snapshot), the config
 * file and the cursors, into one new directory.  Each database is copied
 * with its users' hashes, so the session must administer every one of
 * them; one refusal refuses all, before anything is made.
 */
static enum pd_status
backup_all(struct engine *e, const struct stmt *how, const char *into,
    char **cause)
{
	struct store_loc	 loc;
	struct stat		 sb;
	enum pd_status		 s = PD_OK;
	char			*dir, *base, *f, *cursors, *out, **names;
	size_t			 n, i;

	names = db_names(e, &n);
	for (i = 0; i < n && s == PD_OK; i++) {
		if ((s = engine_locate(e, names[i], &loc, cause)) != PD_OK)
			break;
		s = engine_authorize(e, &loc, names[i], GRANT_ADMIN, cause);
		store_loc_free(&loc);
	}
	if (s != PD_OK)
		goto done;
	if (into != NULL)
		dir = xstrdup(into);
	else {
		base = stamped("all", util_now_ms());
		f = backup_dir(e, how);
		dir = xasprintf("%s/%s", f, base);
		free(f);
		free(base);
	}
	/* Nothing may stand there, not even a dangling link. */
	if (lstat(dir, &sb) == 0) {
		base = util_escape(dir, 0);
		*cause = xasprintf("%s already exists", base);
		free(base);
		free(dir);
		s = PD_ERROR;
		goto done;
	}
	if ((s = paths_mkdirs(dir, cause)) != PD_OK) {
		free(dir);
		goto done;
	}
	for (i = 0; i < n && s == PD_OK; i++) {
		struct store	*st;

		if ((s = engine_locate(e, names[i], &loc, cause)) != PD_OK)
			break;
		out = backup_file(dir, names[i], &loc);
		if ((s = store_open(&loc, e->opts.busy_ms, 0, &st, cause)) ==
		    PD_OK) {
			s = store_backup(st, out, cause);
			store_close(st);
		} else if (s == PD_MISS)
			s = PD_OK;	/* dropped meanwhile */
		store_loc_free(&loc);
		free(out);
	}
	if (s == PD_OK && stat(e->opts.paths->config, &sb) == 0) {
		out = xasprintf("%s/config", dir);
		s = paths_copy_file(e->opts.paths->config, out, cause);
		free(out);
	}
	if (s == PD_OK) {
		cursors = xasprintf("%s/cursors", e->opts.paths->state);
		out = xasprintf("%s/cursors", dir);
		s = copy_dir(cursors, out, cause);
		free(cursors);
		free(out);
	}
	if (s == PD_OK) {
		out_str(e->out, "backup", dir);
		s = out_emit(e->out, OUT_VALUE);
	}
	free(dir);
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return s;
}

static enum pd_status	cmd_backup_list(struct engine *, struct stmt *,
			    char **);
static enum pd_status	restore(struct engine *, const struct arg *,
			    const char *, char **);

/* backup --list and --restore FILE stand for backup list and restore. */
static enum pd_status
upstream_form(struct engine *e, struct stmt *st, const struct opt *from,
    char **cause)
{
	struct arg	 file;

	if (st->nargs > 0 || engine_flag(st, "all") ||
	    (from != NULL && stmt_opt(st, "list") != NULL)) {
		*cause = xasprintf("backup --%s takes nothing else but "
		    "--output", from != NULL ? "restore FILE" : "list");
		return PD_DATAERR;
	}
	if (from == NULL)
		return cmd_backup_list(e, st, cause);
	memset(&file, 0, sizeof(file));
	file.s = from->val;
	file.len = from->vlen;
	file.line = from->line;
	file.col = from->col;
	return restore(e, &file, current_db(e), cause);
}

static enum pd_status
cmd_backup(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*from = stmt_opt(st, "restore");
	struct store_loc	 loc;
	struct store		*store;
	enum pd_status		 s;
	char			*file, *dir = NULL, *base;

	if (e->opts.paths->data == NULL) {
		*cause = xstrdup(e->opts.paths->error);
		return PD_ERROR;
	}
	if (from != NULL || engine_flag(st, "list"))
		return upstream_form(e, st, from, cause);
	if (st->nargs > 0 && stmt_opt(st, "output") != NULL) {
		*cause = xstrdup("give a FILE or --output DIR, not both");
		return PD_DATAERR;
	}
	if (engine_flag(st, "all"))
		return backup_all(e, st, st->nargs > 0 ? st->args[0].s : NULL,
		    cause);
	if ((s = engine_store(e, &store, cause)) != PD_OK)
		return s;
	if (st->nargs > 0)
		file = xstrdup(st->args[0].s);
	else {
		dir = backup_dir(e, st);
		if ((s = paths_mkdirs(dir, cause)) != PD_OK ||
		    (s = engine_db_loc(e, &loc, cause)) != PD_OK) {
			free(dir);
			return s;
		}
		base = stamped(current_db(e), util_now_ms());
		file = backup_file(dir, base, &loc);
		store_loc_free(&loc);
		free(base);
	}
	/* A new file only, 0600, never through a link (store_backup). */
	if ((s = store_backup(store, file, cause)) == PD_OK) {
		out_str(e->out, "backup", file);
		s = out_emit(e->out, OUT_VALUE);
	}
	free(file);
	free(dir);
	return s;
}

static enum pd_status
cmd_backup_list(struct engine *e, struct stmt *st, char **cause)
{
	struct store_loc	 loc;
	struct dirent		*de;
	struct stat		 sb;
	DIR			*d;
	char			*dir = backup_dir(e, st), *f, **names = NULL;
	const char		*ext;
	size_t			 n = 0, i, len, elen;
	enum pd_status		 s;

	/* Backups are files of the backend of this database. */
	if ((s = engine_db_loc(e, &loc, cause)) != PD_OK) {
		free(dir);
		return s;
	}
	ext = store_backup_ext(&loc);
	elen = strlen(ext);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len <= elen || strcmp(de->d_name + len - elen, ext))
				continue;
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	for (i = 0; i < n; i++) {
		/* Names carry their time: sorting them sorts by age. */
		size_t	 j;

		for (j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char	*t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
	}
	for (i = 0; i < n; i++) {
		f = xasprintf("%s/%s", dir, names[i]);
		if (s == PD_OK && stat(f, &sb) == 0) {
			out_str(e->out, "backup", f);
			out_int(e->out, "bytes", (long long)sb.st_size);
			s = out_emit(e->out, OUT_WORDS);
		}
		free(f);
		free(names[i]);
	}
	free(names);
	free(dir);
	store_loc_free(&loc);
	return s;
}


/*
 * A new, empty file for the safety copy of database name, made here so
 * that no other restore takes the name: DB-TIME-before-restore.EXT, or
 * with -2, -3 ... before .EXT when a restore in the same second made one
 * (EXT the ending of the backend's backups).
 */
static char *
claim_safety(const char *dir, const char *name, const char *ext,
    char **cause)
{
	char	*base = stamped(name, util_now_ms()), *f;
	int	 fd, n;

	for (n = 1;; n++) {
		f = n == 1 ? xasprintf("%s/%s-before-restore%s", dir, base,
		    ext) : xasprintf("%s/%s-before-restore-%d%s", dir, base, n,
		    ext);
		if ((fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) >= 0) {
			close(fd);
			break;
		}
		if (errno != EEXIST) {
			*cause = xasprintf("cannot create %s: %s", f,
			    strerror(errno));
			free(f);
			f = NULL;
			break;
		}
		free(f);
	}
	free(base);
	return f;
}

/* Replace the database name with the backup from. */
static enum pd_status
restore(struct engine *e, const struct arg *from, const char *name,
    char **cause)
{
	struct store_loc	 target, mine;
	enum pd_status		 s;
	char			*safety = NULL, *dir = NULL;

	memset(&target, 0, sizeof(target));
	memset(&mine, 0, sizeof(mine));
	/* The backup is checked in the format of the database it replaces. */
	if ((s = engine_locate(e, name, &target, cause)) != PD_OK)
		return s;
	engine_blame(e, from->line, from->col);
	if ((s = store_backup_check(&target, from->s, cause)) != PD_OK)
		goto out;
	engine_blame(e, 0, 0);
	/*
	 * Replacing a database is administering it: the session must be an
	 * admin of the one it replaces, by that database's own users.  A new
	 * one is made with the backup's users.
	 */
	if (store_exists(&target) && (s = engine_authorize(e, &target, name,
	    GRANT_ADMIN, cause)) != PD_OK)
		goto out;
	if (e->opts.dry_run)
		goto out;
	/* This stream's own connection would keep the old one in use. */
	if (e->store != NULL && engine_db_loc(e, &mine, cause) == PD_OK &&
	    store_same(&mine, &target) &&
	    (s = engine_store_close(e, cause)) != PD_OK)
		goto out;
	dir = backup_dir(e, NULL);
	if ((target.named || store_exists(&target)) &&
	    (s = paths_mkdirs(dir, cause)) != PD_OK)
		goto out;
	/* The database being replaced is kept, as a backup of its own. */
	if (store_exists(&target) && (safety = claim_safety(dir, name,
	    store_backup_ext(&target), cause)) == NULL) {
		s = PD_IOERR;
		goto out;
	}
	if ((s = store_restore(&target, from->s, safety, e->opts.busy_ms,
	    cause)) != PD_OK) {
		if (safety != NULL)
			unlink(safety);
		goto out;
	}
	if (safety != NULL) {
		out_str(e->out, "safety_copy", safety);
		s = out_emit(e->out, OUT_VALUE);
	}
out:
	store_loc_free(&mine);
	store_loc_free(&target);
	free(safety);
	free(dir);
	return s;
}

static enum pd_status
cmd_restore(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*o = stmt_opt(st, "db");

	return restore(e, &st->args[0], o != NULL ? o->val : current_db(e),
	    cause);
}

struct findings {
	struct engine	*e;
	int		 bad;
	enum pd_status	 s;
};

static void
finding(void *ctx, const char *line)
{
	struct findings	*f = ctx;

	if (strcmp(line, "ok") != 0)
		f->bad = 1;
	out_str(f->e->out, "check", line);
	if (f->s == PD_OK)
		f->s = out_emit(f->e->out, OUT_VALUE);
}

/*
 * A database too damaged to open (PD_ERROR: not a database, a schema that
 * cannot be read) is checked as a file, so that check says what is wrong
 * with it instead of failing like every other verb.
 */
static enum pd_status
cmd_check(struct engine *e, struct stmt *st, char **cause)
{
	struct findings		 f = { e, 0, PD_OK };
	struct store_loc	 loc;
	struct store		*store;
	enum pd_status		 s;

	if ((s = engine_store(e, &store, cause)) == PD_OK)
		s = store_check(store, finding, &f, cause);
	else if (s == PD_ERROR) {
		free(*cause);
		*cause = NULL;
		if ((s = engine_db_loc(e, &loc, cause)) == PD_OK) {
			s = store_check_at(&loc, e->opts.busy_ms, finding, &f,
			    cause);
			store_loc_free(&loc);
		}
	}
	if (s != PD_OK)
		return s;
	if (f.s != PD_OK)
		return f.s;
	if (f.bad) {
		*cause = xstrdup("the database failed its integrity check");
		return PD_ERROR;
	}
	return PD_OK;
}

static const struct cmd_opt backup_opts[] = {
	{ "all", NULL, 0, 0 },
	{ "output", "DIR", 0, 0 },
	{ "list", NULL, 0, 0 },
	{ "restore", "FILE", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_backup_entry = {
	.name = "backup",
	.args = "[FILE]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_ADMIN | CMD_OBJ | CMD_NOTX,
	.opts = backup_opts,
	.exec = cmd_backup,
	.summary = "snapshot the database (default: in backups/)",
	.help = "Take a consistent snapshot of the database while others "
	    "keep writing, into FILE, or else into "
	    "backups/NAME-YYYYmmddTHHMMSS.db in the data directory, and "
	    "print its path. Nothing may exist by that name, not even a "
	    "dangling link; the file is new, mode 0600, and a name that "
	    "starts with file: is a file name too. With all, back up every "
	    "database of the data directory, with the config file and the "
	    "cursors, into the new directory FILE, or else "
	    "backups/all-YYYYmmddTHHMMSS; an authenticated user must be an "
	    "admin of every database, by its own users. Upstream's spellings "
	    "work too: output=DIR writes into DIR (made if needed) instead of "
	    "backups/, list is backup list (of DIR with output=), and "
	    "restore=FILE is restore FILE for the database in use.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb backup\n"
	    "prontodb backup --output backups --list",
};

const struct cmd cmd_backup_list_entry = {
	.name = "backup list",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_OBJ,
	.exec = cmd_backup_list,
	.summary = "list the backups in the data directory",
	.help = "Print the backups in the backups directory of the data "
	    "directory, oldest first, one per line: the file and its size in "
	    "bytes. They are the files that backup makes by default, and "
	    "those that restore keeps of the databases it replaced; the "
	    "directories of backup all are not listed.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb backup\n"
	    "prontodb backup list",
};

const struct cmd cmd_check_entry = {
	.name = "check",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_READ,
	.exec = cmd_check,
	.summary = "check the database's integrity (exit 1 on problems)",
	.help = "Run SQLite's integrity check on the database in effect and "
	    "print ok when it passes. Otherwise print the problems found, "
	    "one per line, and exit 1; a file too damaged to open is "
	    "reported the same way.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb check",
};

static const struct cmd_opt restore_opts[] = {
	{ "db", "NAME", 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_restore_entry = {
	.name = "restore",
	.args = "FILE",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_ADMIN | CMD_OBJ,
	.opts = restore_opts,
	.exec = cmd_restore,
	.summary = "replace a database with a checked backup",
	.help = "Replace the database in effect, or the one named by db=NAME "
	    "(a name or a path), with the backup FILE. The file is checked "
	    "first, for integrity and a schema this version knows, and a "
	    "corrupt or foreign file is refused with nothing changed. The "
	    "database being replaced is kept as "
	    "backups/NAME-YYYYmmddTHHMMSS-before-restore.db, whose path is "
	    "printed, and the new file is swapped in with a rename. Another "
	    "process that has the database open would go on using the old "
	    "file, so restore waits for it, up to the busy timeout, and "
	    "otherwise changes nothing (exit 75). An authenticated user must "
	    "be an admin of the database replaced, by its own users.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb backup app-backup.db\n"
	    "prontodb restore app-backup.db",
};
