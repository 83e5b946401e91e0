/*
 * complete.c - what may be typed next, for the tab key.
 *
 * A line is read the way the engine will read it: global flags (on the
 * command line), then a verb of one or two words (after an optional
 * `admin`), then its words, which opts.c's rules sort into options and
 * positional arguments.  The word under the cursor is then a flag, a
 * flag's or option's value, an option, or argument number k, whose kind
 * (an address, a namespace, a database, a file ...) comes from the
 * placeholder in the verb's synopsis (cmd->args) or the option's name.
 * Names come from where the verbs that use them look: the store, the
 * data directory, the cursor file, the file system.  Addresses go level
 * by level: projects, then their namespaces, then keys, each stem ending
 * in the delimiter so the next tab goes on from there.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "cli.h"
#include "cmd.h"
#include "complete.h"
#include "config.h"
#include "cursor.h"
#include "engine.h"
#include "opts.h"
#include "paths.h"
#include "store.h"
#include "util.h"

/* The most candidates one completion offers (keys of a big namespace). */
#define COMPLETE_MAX	1000

enum kind {
	K_NONE,
	K_ADDR,		/* project.namespace.key, level by level */
	K_NS,		/* project.namespace */
	K_PROJNS,	/* project or project.namespace */
	K_PROJECT,
	K_NSNAME,	/* a namespace of the scope's project */
	K_DB,
	K_DBFILE,	/* a database or a file (verify) */
	K_FILE,
	K_DIR,
	K_CURSOR,
	K_TABLE,
	K_USER,
	K_CONFIG,	/* a setting's name */
	K_VERB,
	K_WORDS		/* the alternatives of the placeholder: a|b|c */
};

struct ctx {
	struct engine		*e;
	struct store		*store;	/* NULL until needed, or refused */
	int			 tried;	/* the store was asked for */
	struct complete_list	*out;
	const char		*cur;	/* the part of the word to match */
	size_t			 curlen;
	const char		*lead;	/* put before each candidate */
	char			 d;
	enum opts_style		 style;
};

void
complete_release(struct complete_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Offer cand (n bytes) when it starts with what is typed. */
static void
add_n(struct ctx *x, const char *cand, size_t n)
{
	struct complete_list	*l = x->out;

	if (n < x->curlen || memcmp(cand, x->cur, x->curlen) != 0 ||
	    l->n >= COMPLETE_MAX)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 32 : l->cap * 2;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xasprintf("%s%.*s", x->lead, (int)n, cand);
}

static void
add(struct ctx *x, const char *cand)
{
	add_n(x, cand, strlen(cand));
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
finish(struct complete_list *l)
{
	size_t	 i, n = 0;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), compare);
	for (i = 0; i < l->n; i++) {
		if (n > 0 && strcmp(l->v[n - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
}

/*
 * The store, when names may come from it: it exists (completing never
 * creates a database) and, with security required, someone logged in.
 */
static struct store *
store(struct ctx *x)
{
	char	*cause = NULL;

	if (x->tried)
		return x->store;
	x->tried = 1;
	if (x->e == NULL || (x->e->opts.secure && x->e->user == NULL))
		return NULL;
	if (engine_store_existing(x->e, &x->store, &cause) != PD_OK)
		x->store = NULL;
	free(cause);
	return x->store;
}

/* --- names from the store ----------------------------------------------- */

struct gather {
	struct ctx	*x;
	const char	*shown;		/* typed text the candidate keeps */
	int		 full;		/* namespaces as project.namespace */
	int		 stem;		/* end in the delimiter */
};

static enum pd_status
gather_add(struct gather *g, const char *a, const char *b)
{
	struct buf	 c;

	buf_init(&c);
	buf_adds(&c, g->shown);
	buf_adds(&c, a);
	if (b != NULL) {
		buf_addc(&c, g->x->d);
		buf_adds(&c, b);
	}
	if (g->stem)
		buf_addc(&c, g->x->d);
	add_n(g->x, c.data, c.len);
	buf_release(&c);
	return g->x->out->n >= COMPLETE_MAX ? PD_MISS : PD_OK;
}

static enum pd_status
project_fn(void *ctx, const struct store_object *o)
{
	struct gather	*g = ctx;

	if (!engine_can(g->x->e, GRANT_READ, o->project, NULL))
		return PD_OK;
	return gather_add(g, o->project, NULL);
}

static enum pd_status
ns_fn(void *ctx, const struct store_object *o)
{
	struct gather	*g = ctx;

	if (!engine_can(g->x->e, GRANT_READ, o->project, o->ns))
		return PD_OK;
	return g->full ? gather_add(g, o->project, o->ns) :
	    gather_add(g, o->ns, NULL);
}

static enum pd_status
key_fn(void *ctx, const struct store_row *r)
{
	return gather_add(ctx, r->key, NULL);
}

static void
projects(struct ctx *x, int stem)
{
	struct gather	 g = { x, "", 0, stem };
	char		*cause = NULL;

	if (store(x) != NULL)
		store_projects(x->store, NULL, project_fn, &g, &cause);
	free(cause);
}

/* The namespaces of project (all when NULL), shown after shown. */
static void
namespaces(struct ctx *x, const char *project, const char *shown, int full,
    int stem)
{
	struct gather	 g = { x, shown, full, stem };
	char		*cause = NULL;

	if (store(x) != NULL)
		store_namespaces(x->store, project, NULL, ns_fn, &g, &cause);
	free(cause);
}

/* The keys of project.ns that start with prefix, shown after shown. */
static void
keys(struct ctx *x, const char *project, const char *ns, const char *prefix,
    const char *shown)
{
	struct gather		 g = { x, shown, 0, 0 };
	struct store_filter	 f;
	char			*cause = NULL;

	if (store(x) == NULL || !engine_can(x->e, GRANT_READ, project, ns))
		return;
	f.mode[0] = f.mode[1] = STORE_EXACT;
	f.mode[2] = STORE_PREFIX;
	f.text[0] = project;
	f.text[1] = ns;
	f.text[2] = prefix;
	store_scan(x->store, &f, 0, key_fn, &g, &cause);
	free(cause);
}

/*
 * An address, level by level.  Three parts are absolute; fewer are
 * relative to the scope as the engine resolves them (key is scope.key,
 * ns.key is scope-project.ns.key, default standing in for a part not
 * set), and may also be the start of an absolute one.
 */
static void
addresses(struct ctx *x)
{
	struct scope	 set = { NULL, NULL }, sc;
	const char	*d1 = memchr(x->cur, x->d, x->curlen), *d2 = NULL;
	char		*p, *n, *shown;

	if (x->e != NULL) {
		set.project = x->e->project;
		set.ns = x->e->ns;
	}
	addr_scope_default(&set, &sc);
	if (d1 != NULL)
		d2 = memchr(d1 + 1, x->d, x->curlen - (size_t)(d1 + 1 - x->cur));
	if (d1 == NULL) {
		projects(x, 1);
		keys(x, sc.project, sc.ns, x->cur, "");
		return;
	}
	p = xmemdup(x->cur, (size_t)(d1 - x->cur));
	if (d2 == NULL) {
		shown = xasprintf("%s%c", p, x->d);
		namespaces(x, p, shown, 0, 1);
		keys(x, sc.project, p, d1 + 1, shown);
	} else {
		n = xmemdup(d1 + 1, (size_t)(d2 - d1 - 1));
		shown = xmemdup(x->cur, (size_t)(d2 + 1 - x->cur));
		keys(x, p, n, d2 + 1, shown);
		free(n);
	}
	free(shown);
	free(p);
}

/* --- names from elsewhere ----------------------------------------------- */

static enum pd_status
add_db(void *ctx, const char *name)
{
	add_n(ctx, name, strlen(name));
	return PD_OK;
}

static void
databases(struct ctx *x)
{
	const struct paths *p = x->e != NULL ? x->e->opts.paths : NULL;
	DIR		*d;
	struct dirent	*de;
	size_t		 n;
	char		*cause = NULL;

	/* With the setting server the names are its (db list's). */
	if (p != NULL && p->server != NULL) {
		struct store_place place = { p->data, p->error, p->server };

		(void)store_list(&place, add_db, x, &cause);
		free(cause);
		return;
	}
	if (p == NULL || p->data == NULL || (d = opendir(p->data)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n > 3 && de->d_name[0] != '.' &&
		    strcmp(de->d_name + n - 3, ".db") == 0)
			add_n(x, de->d_name, n - 3);
	}
	closedir(d);
}

/* Files (or only directories) whose path starts with what is typed. */
static void
files(struct ctx *x, int dirs_only)
{
	const char	*base, *home;
	size_t		 dirlen = x->curlen;
	char		*dir, *path, *cand;
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	int		 isdir;

	while (dirlen > 0 && x->cur[dirlen - 1] != '/')
		dirlen--;
	base = x->cur + dirlen;
	dir = dirlen > 0 ? xmemdup(x->cur, dirlen) : xstrdup("./");
	/* ~/ as the shell would read it; the candidate keeps the ~. */
	if (strncmp(dir, "~/", 2) == 0 && (home = getenv("HOME")) != NULL) {
		path = xasprintf("%s%s", home, dir + 1);
		free(dir);
		dir = path;
	}
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (de->d_name[0] == '.' && *base != '.'))
			continue;
		path = xasprintf("%s%s", dir, de->d_name);
		isdir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
		free(path);
		if (dirs_only && !isdir)
			continue;
		cand = xasprintf("%.*s%s%s", (int)dirlen, x->cur, de->d_name,
		    isdir ? "/" : "");
		add(x, cand);
		free(cand);
	}
	closedir(d);
	free(dir);
}

static void
cursors(struct ctx *x)
{
	struct cursors	 cs;
	char		*user = NULL, *cause = NULL;
	size_t		 i;

	memset(&cs, 0, sizeof(cs));
	if (x->e == NULL || x->e->opts.paths->state == NULL ||
	    cursor_user(x->e->opts.config != NULL ? x->e->opts.config->user :
	    NULL, &user, &cause) != PD_OK)
		goto out;
	if (cursor_load(&cs, x->e->opts.paths->state, user, &cause) == PD_OK)
		for (i = 0; i < cs.n; i++)
			add(x, cs.v[i].name);
	cursor_release(&cs);
out:
	free(user);
	free(cause);
}

static enum pd_status
table_fn(void *ctx, const struct store_table *t)
{
	add(ctx, t->name);
	return PD_OK;
}

static enum pd_status
user_fn(void *ctx, const struct store_user *u)
{
	add(ctx, u->name);
	return PD_OK;
}

/* The verbs' first words, or the second words of group first. */
static void
verbs(struct ctx *x, const char *first)
{
	const char	*name, *sp;
	size_t		 i, n = first != NULL ? strlen(first) : 0;

	for (i = 0; i < cmd_count; i++) {
		name = cmd_table[i]->name;
		sp = strchr(name, ' ');
		if (first == NULL)
			add_n(x, name, sp != NULL ? (size_t)(sp - name) :
			    strlen(name));
		else if (sp != NULL && (size_t)(sp - name) == n &&
		    strncmp(name, first, n) == 0)
			add(x, sp + 1);
	}
}

static void
names(struct ctx *x, enum kind k, const char *words)
{
	char		*cause = NULL;
	const char	*p, *bar;
	int		 i;

	switch (k) {
	case K_ADDR: addresses(x); break;
	case K_NS:
		if (memchr(x->cur, x->d, x->curlen) == NULL)
			projects(x, 1);
		else
			namespaces(x, NULL, "", 1, 0);
		break;
	case K_PROJNS:
		projects(x, 0);
		namespaces(x, NULL, "", 1, 0);
		break;
	case K_PROJECT: projects(x, 0); break;
	case K_NSNAME:
		namespaces(x, x->e != NULL && x->e->project != NULL ?
		    x->e->project : ADDR_DEFAULT, "", 0, 0);
		break;
	case K_DB:
		databases(x);
		if (memchr(x->cur, '/', x->curlen) != NULL)
			files(x, 0);
		break;
	case K_DBFILE:
		databases(x);
		files(x, 0);
		break;
	case K_FILE: files(x, 0); break;
	case K_DIR: files(x, 1); break;
	case K_CURSOR: cursors(x); break;
	case K_TABLE:
		if (store(x) != NULL)
			store_tables(x->store, table_fn, x, &cause);
		break;
	case K_USER:
		if (store(x) != NULL && engine_can(x->e, GRANT_ADMIN, NULL,
		    NULL))
			store_users(x->store, user_fn, x, &cause);
		break;
	case K_CONFIG:
		for (i = 0; i < CONFIG_NKEYS; i++)
			add(x, config_key_name(i));
		break;
	case K_VERB: verbs(x, NULL); break;
	case K_WORDS:
		for (p = words; p != NULL && *p != '\0'; p = bar + 1) {
			bar = strchr(p, '|');
			add_n(x, p, bar != NULL ? (size_t)(bar - p) : strlen(p));
			if (bar == NULL)
				break;
		}
		break;
	case K_NONE: break;
	}
	free(cause);
}

/*
 * Names of kind k for the value after the '=' at eq in cur, each offered
 * with what leads it (--db=, ttl=).
 */
static void
after_eq(struct ctx *x, const char *cur, const char *eq, enum kind k,
    const char *words)
{
	char	*lead = xmemdup(cur, (size_t)(eq + 1 - cur));

	x->lead = lead;
	x->cur = eq + 1;
	x->curlen = strlen(x->cur);
	names(x, k, words);
	x->lead = "";
	free(lead);
}

/* --- what the word under the cursor is ---------------------------------- */

/* The kind of a global flag's value, by the flag's spelling. */
static enum kind
flag_kind(const char *flag, size_t n)
{
	static const struct {
		const char	*flag;
		enum kind	 k;
	} map[] = {
		{ "--home", K_DIR }, { "--config", K_FILE },
		{ "-f", K_FILE }, { "--file", K_FILE },
		{ "--password-file", K_FILE }, { "-d", K_DB },
		{ "--db", K_DB }, { "--database", K_DB }, { "--select", K_DB },
		{ "--cursor", K_CURSOR }, { "--on-error", K_WORDS },
		{ "-p", K_PROJECT }, { "--project", K_PROJECT },
		{ "-n", K_NSNAME }, { "--namespace", K_NSNAME },
		{ "--user", K_USER },
	};
	size_t	 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].flag) == n && strncmp(map[i].flag, flag, n) ==
		    0)
			return map[i].k;
	return K_NONE;
}

/* The kind of an option's value, by its name. */
static enum kind
opt_kind(const struct cmd_opt *o)
{
	static const struct {
		const char	*name;
		enum kind	 k;
	} map[] = {
		{ "db", K_DB }, { "project", K_PROJECT },
		{ "namespace", K_NSNAME }, { "table", K_TABLE },
		{ "into", K_NS }, { "user", K_USER }, { "backup-dir", K_DIR },
		{ "password-file", K_FILE },
	};
	size_t	 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, o->name) == 0)
			return map[i].k;
	return K_NONE;
}

/*
 * The kind of argument k of c, by its placeholder in c->args; *words is
 * set to the placeholder for K_WORDS and config set's VALUE.
 */
static enum kind
arg_kind(const struct cmd *c, size_t k, char **words, char *const *args)
{
	static const char *const made[] = { "db create", "project create",
	    "table create", "user add", NULL };
	const char	*p = c->args != NULL ? c->args : "", *sp, *grp;
	char		 ph[64];
	size_t		 i, n;

	for (i = 0;; i++) {
		p += strspn(p, " ");
		if (*p == '\0')
			return K_NONE;
		sp = p + strcspn(p, " ");
		if (i == k)
			break;
		p = sp;
	}
	if (*p == '[')
		p++;
	n = (size_t)(sp - p);
	if (n > 0 && p[n - 1] == ']')
		n--;
	if (n >= sizeof(ph))
		return K_NONE;
	memcpy(ph, p, n);
	ph[n] = '\0';
	for (i = 0; made[i] != NULL; i++)
		if (strcmp(c->name, made[i]) == 0)
			return K_NONE;
	if (strcmp(ph, "ADDR") == 0 || strcmp(ph, "PREFIX") == 0)
		return K_ADDR;
	if (strcmp(ph, "PROJECT.NAMESPACE") == 0)
		return K_NS;
	if (strcmp(ph, "PROJECT[.NAMESPACE") == 0 ||
	    strcmp(ph, "PROJECT[.NAMESPACE]") == 0)
		return K_PROJNS;
	if (strcmp(ph, "PROJECT") == 0)
		return K_PROJECT;
	if (strcmp(ph, "FILE") == 0)
		return K_FILE;
	if (strcmp(ph, "DB|EXPORT") == 0)
		return K_DBFILE;
	if (strcmp(ph, "USER") == 0)
		return K_USER;
	if (strcmp(ph, "VERB") == 0)
		return K_VERB;
	if (strcmp(c->name, "config set") == 0 && k == 1) {
		/* The values a setting takes, as config set checks them. */
		if (strcmp(args[0], "database") == 0)
			return K_DB;
		*words = xstrdup(strcmp(args[0], "security") == 0 ?
		    "required|optional" : strcmp(args[0], "output") == 0 ?
		    "text|json|tsv" : strcmp(args[0], "on_error") == 0 ?
		    "continue|stop" : strcmp(args[0], "durability") == 0 ?
		    "normal|full" : "");
		return K_WORDS;
	}
	if (strcmp(ph, "KEY") == 0 && strncmp(c->name, "config ", 7) == 0)
		return K_CONFIG;
	if (strchr(ph, '|') != NULL && strcspn(ph, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	    == n) {
		*words = xstrdup(ph);
		return K_WORDS;
	}
	if (strcmp(ph, "NAME") != 0 && strcmp(ph, "OLD") != 0)
		return K_NONE;
	grp = c->name;
	if (strncmp(grp, "db ", 3) == 0)
		return K_DB;
	if (strncmp(grp, "cursor ", 7) == 0)
		return K_CURSOR;
	if (strncmp(grp, "project ", 8) == 0)
		return K_PROJECT;
	if (strncmp(grp, "table ", 6) == 0)
		return K_TABLE;
	if (strncmp(grp, "user ", 5) == 0)
		return K_USER;
	return K_NONE;
}

struct optlist {
	struct ctx	*x;
	int		 dashed;
	int		 shorts;
};

static void
opt_fn(void *ctx, const struct cmd_opt *o)
{
	struct optlist	*ol = ctx;
	char		*s, sh[3] = { '-', o->shrt, '\0' };

	if (ol->dashed) {
		s = xasprintf("--%s", o->name);
		if (ol->shorts && o->shrt != 0)
			add(ol->x, sh);
	} else
		s = xasprintf("%s%s", o->name, o->arg != NULL ? "=" : "");
	add(ol->x, s);
	free(s);
}

static void
options(struct ctx *x, const struct cmd *c, int dashed)
{
	struct optlist	 ol = { x, dashed, dashed && x->curlen < 2 };

	opts_each(c, opt_fn, &ol);
	if (dashed)
		add(x, "--help");
}

/* The option a word names (--name, --name=v, -x, or bare name=v), or NULL. */
static const struct cmd_opt *
word_opt(const struct cmd *c, const char *w, int *inline_value)
{
	const char	*eq = strchr(w, '=');

	*inline_value = eq != NULL;
	if (w[0] == '-' && w[1] == '-')
		return opts_find(c, w + 2, eq != NULL ? (size_t)(eq - w - 2) :
		    strlen(w + 2));
	if (w[0] == '-' && w[1] != '\0' && w[2] == '\0')
		return opts_short(c, w[1]);
	if (eq != NULL)
		return opts_find(c, w, (size_t)(eq - w));
	return NULL;
}

/*
 * The words of a statement before the cursor, words[0] its verb, and
 * the word being typed.
 */
static void
statement(struct ctx *x, char **words, size_t n, const char *cur)
{
	const struct cmd	*c;
	const struct cmd_opt	*o;
	char			*two, *wlist = NULL, **args;
	const char		*eq;
	size_t			 i, nargs = 0;
	int			 inl;
	enum kind		 k;

	x->cur = cur;
	x->curlen = strlen(cur);
	if (n == 0) {
		verbs(x, NULL);
		add(x, "admin");
		if (x->style == OPTS_STREAM) {
			add(x, "quit");
			add(x, "exit");
		}
		return;
	}
	if (strcmp(words[0], "admin") == 0) {
		words++;
		n--;
		if (n == 0) {
			verbs(x, NULL);
			return;
		}
	}
	if (n == 1 && cmd_is_group(words[0]))
		verbs(x, words[0]);
	c = NULL;
	if (n >= 2) {
		two = xasprintf("%s %s", words[0], words[1]);
		if ((c = cmd_lookup(two)) != NULL) {
			words++;
			n--;
		}
		free(two);
	}
	if (c == NULL && (c = cmd_lookup(words[0])) == NULL)
		return;
	args = xcalloc(n + 1, sizeof(*args));
	/* Sort the words typed into options (and their values) and args. */
	for (i = 1; i < n; i++) {
		if (strcmp(words[i], "--") != 0 &&
		    (o = word_opt(c, words[i], &inl)) != NULL) {
			if (o->arg != NULL && !inl && ++i == n) {
				/* The word under the cursor is its value. */
				names(x, opt_kind(o), NULL);
				goto out;
			}
			continue;
		}
		args[nargs++] = words[i];
	}
	/* --name=VALUE, or name=VALUE: the value, after what leads it. */
	if ((eq = strchr(cur, '=')) != NULL) {
		i = cur[0] == '-' && cur[1] == '-' ? 2 : 0;
		if ((o = opts_find(c, cur + i, (size_t)(eq - cur) - i)) != NULL)
			after_eq(x, cur, eq, opt_kind(o), NULL);
		goto out;
	}
	if (cur[0] == '-') {
		options(x, c, 1);
		goto out;
	}
	if ((int)nargs >= c->min_args)
		options(x, c, 0);
	k = arg_kind(c, nargs, &wlist, args);
	names(x, k, wlist);
out:
	free(wlist);
	free(args);
}

/* --- the two kinds of line ---------------------------------------------- */

struct takes {
	const char	*w;
	size_t		 n;
	int		 found;
	int		 has_arg;
};

static void
takes_fn(void *ctx, const char *flag, int has_arg)
{
	struct takes	*t = ctx;

	if (strlen(flag) == t->n && strncmp(flag, t->w, t->n) == 0) {
		t->found = 1;
		t->has_arg = has_arg;
	}
}

/* Whether w (n bytes) is a global flag that takes a value. */
static int
flag_takes_value(const char *w, size_t n)
{
	struct takes	 t = { w, n, 0, 0 };

	cli_globals_each(takes_fn, &t);
	return t.found && t.has_arg;
}

static void
flag_fn(void *ctx, const char *flag, int has_arg)
{
	add(ctx, flag);
}

int
complete_globals(struct cli *c, char **words, int cword)
{
	char	*cause = NULL;
	int	 i = 1;

	while (i < cword && words[i][0] == '-' && words[i][1] != '\0') {
		if (strcmp(words[i], "--") == 0)
			return i + 1 < cword ? i + 1 : cword;
		if (cli_global(c, cword, words, &i, &cause) != PD_OK) {
			free(cause);
			return cword;
		}
	}
	return i;
}

static void
ctx_init(struct ctx *x, struct engine *e, enum opts_style style,
    struct complete_list *out)
{
	memset(x, 0, sizeof(*x));
	x->e = e;
	x->out = out;
	x->lead = "";
	x->cur = "";
	x->d = e != NULL ? e->delim : '.';
	x->style = style;
}

void
complete_argv(struct engine *e, char **words, int nwords, int cword,
    struct complete_list *out)
{
	struct ctx	 x;
	struct cli	 c;
	const char	*cur = cword < nwords ? words[cword] : "", *eq;
	const char	*prev = cword > 1 ? words[cword - 1] : "";
	int		 v;

	ctx_init(&x, e, OPTS_ARGV, out);
	x.cur = cur;
	x.curlen = strlen(cur);
	cli_init(&c);
	v = complete_globals(&c, words, cword);
	cli_release(&c);
	if (v < cword) {
		statement(&x, words + v, (size_t)(cword - v), cur);
		goto out;
	}
	/* Among the global flags: a flag, a flag's value, or the verb. */
	if (cur[0] == '-' && (eq = strchr(cur, '=')) != NULL)
		after_eq(&x, cur, eq, flag_kind(cur, (size_t)(eq - cur)),
		    "stop|continue");
	else if (cword > 1 && prev[0] == '-' && strchr(prev, '=') == NULL &&
	    flag_takes_value(prev, strlen(prev)))
		names(&x, flag_kind(prev, strlen(prev)), "stop|continue");
	else if (cur[0] == '-')
		cli_globals_each(flag_fn, &x);
	else
		statement(&x, NULL, 0, cur);
out:
	finish(out);
}

void
complete_line(struct engine *e, const char *line, size_t len, size_t *start,
    struct complete_list *out)
{
	struct ctx	 x;
	char		*text = xmemdup(line, len), **words = NULL, *p, *cur;
	size_t		 n = 0, cap = 0, i;

	ctx_init(&x, e, OPTS_STREAM, out);
	/* The statement under way: after the last ';' of the line. */
	p = text;
	for (i = 0; i < len; i++)
		if (text[i] == ';')
			p = text + i + 1;
	for (;;) {
		p += strspn(p, " \t");
		cur = p;
		p += strcspn(p, " \t");
		if (*p == '\0')
			break;
		*p++ = '\0';
		if (n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			words = xrealloc(words, cap * sizeof(*words));
		}
		words[n++] = cur;
	}
	*start = (size_t)(cur - text);
	statement(&x, words, n, cur);
	finish(out);
	free(words);
	free(text);
}
