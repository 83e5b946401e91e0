/*
 * opts.c - the words after a verb: positional arguments and options.
 *
 * Both the command line and a stream arrive here as a statement of words,
 * each marked bare, quoted or bare name=value by the parser, so a line
 * means the same wherever it was typed.  Only the verb knows which names
 * are options, so this is decided here, not by the lexer: `set k a=b`
 * stores "a=b" because the value is a required argument, while
 * `keys project=a` lists project a because keys takes project=.
 */
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "text.h"
#include "util.h"

/* Options a verb has by its flags rather than by declaration. */
static const struct cmd_opt scope_opts[] = {
	{ "project", "P", 'p', 0 },
	{ "namespace", "N", 'n', 0 },
	{ NULL, NULL, 0, 0 }
};
static const struct cmd_opt key_opts[] = {
	{ "key", "K", 'k', 0 },
	{ NULL, NULL, 0, 0 }
};
/* Every verb takes --help (-h), and only in that spelling. */
static const struct cmd_opt help_opt = { "help", NULL, 'h', 0 };

void
opts_each(const struct cmd *c, void (*fn)(void *, const struct cmd_opt *),
    void *ctx)
{
	const struct cmd_opt	*lists[3] = { c->opts, NULL, NULL }, *o;
	size_t			 i;

	if (c->flags & CMD_SCOPE)
		lists[1] = scope_opts;
	if (c->flags & CMD_ADDR)
		lists[2] = key_opts;
	for (i = 0; i < 3; i++)
		for (o = lists[i]; o != NULL && o->name != NULL; o++)
			fn(ctx, o);
}

struct find {
	const char		*name;	/* NULL: look for shrt */
	size_t			 len;
	char			 shrt;
	const struct cmd_opt	*found;
};

static void
find_one(void *ctx, const struct cmd_opt *o)
{
	struct find	*f = ctx;

	if (f->found != NULL)
		return;
	if (f->name == NULL ? o->shrt == f->shrt : strlen(o->name) ==
	    f->len && memcmp(o->name, f->name, f->len) == 0)
		f->found = o;
}

const struct cmd_opt *
opts_find(const struct cmd *c, const char *name, size_t len)
{
	struct find	 f = { name, len, 0, NULL };

	if (len == 4 && memcmp(name, help_opt.name, 4) == 0)
		return &help_opt;
	opts_each(c, find_one, &f);
	return f.found;
}

const struct cmd_opt *
opts_short(const struct cmd *c, char shrt)
{
	struct find	 f = { NULL, 0, shrt, NULL };

	if (shrt == help_opt.shrt)
		return &help_opt;
	opts_each(c, find_one, &f);
	return f.found;
}

/* One option as the usage shows it: "[--ttl S]" or "[ttl=S]". */
static void
usage_opt(struct buf *b, const struct cmd_opt *o, enum opts_style style)
{
	buf_adds(b, style == OPTS_ARGV ? "[--" : "[");
	buf_adds(b, o->name);
	if (o->arg != NULL) {
		buf_addc(b, style == OPTS_ARGV ? ' ' : '=');
		buf_adds(b, o->arg);
	}
	buf_addc(b, ']');
}

/*
 * The verb's own options, in the order it declares them; the scope
 * options every key verb takes (-p, -n, -k) are left to prontodb(1).
 */
char *
opts_usage(const struct cmd *c, enum opts_style style)
{
	const struct cmd_opt	*o;
	struct buf		 b;

	buf_init(&b);
	buf_adds(&b, c->name);
	if (*c->args != '\0') {
		buf_addc(&b, ' ');
		buf_adds(&b, c->args);
	}
	for (o = c->opts; o != NULL && o->name != NULL; o++) {
		buf_addc(&b, ' ');
		usage_opt(&b, o, style);
	}
	return buf_detach(&b, NULL);
}

/* The options of c in the style's spelling, for an error message. */
struct list {
	struct buf	 b;
	const char	*dash;
};

static void
list_one(void *ctx, const struct cmd_opt *o)
{
	struct list	*l = ctx;

	buf_adds(&l->b, l->b.len > 0 ? ", " : "options: ");
	buf_adds(&l->b, l->dash);
	buf_adds(&l->b, o->name);
}

static char *
option_list(const struct cmd *c, enum opts_style style)
{
	struct list	 l;

	buf_init(&l.b);
	l.dash = style == OPTS_ARGV ? "--" : "";
	opts_each(c, list_one, &l);
	if (l.b.len == 0)
		buf_adds(&l.b, "it takes none");
	return buf_detach(&l.b, NULL);
}

struct near {
	const char	*word;
	const char	*best;
	size_t		 d;
};

static void
near_one(void *ctx, const struct cmd_opt *o)
{
	struct near	*n = ctx;
	size_t		 d = text_distance(n->word, o->name);

	if (d < n->d) {
		n->d = d;
		n->best = o->name;
	}
}

/* An undeclared option, echoed as typed (dash: "--" or ""). */
static enum pd_status
unknown(const struct cmd *c, const char *dash, const char *name, size_t len,
    enum opts_style style, char **cause)
{
	const char	*sdash = style == OPTS_ARGV ? "--" : "";
	char		*word = xmemdup(name, len), *list;
	struct near	 n = { word, NULL, (size_t)-1 };

	opts_each(c, near_one, &n);
	if (text_close(word, n.d))
		*cause = xasprintf("unknown option '%s%s' for '%s'; did you "
		    "mean '%s%s'?", dash, util_word(word), c->name, sdash,
		    n.best);
	else {
		list = option_list(c, style);
		*cause = xasprintf("unknown option '%s%s' for '%s' (%s)",
		    dash, util_word(word), c->name, list);
		free(list);
	}
	free(word);
	return PD_DATAERR;
}

static enum pd_status
fail_at(struct opts_bind *r, const struct arg *a, enum pd_status s)
{
	r->line = a->line;
	r->col = a->col;
	return s;
}

/* The -- that ends the options, or nargs. */
static size_t
options_end(const struct stmt *st)
{
	size_t	 i;

	for (i = 0; i < st->nargs; i++)
		if (st->args[i].kind == ARG_WORD && strcmp(st->args[i].s,
		    "--") == 0)
			break;
	return i;
}

/*
 * First pass: --name, --name=value and -x stand for options wherever they
 * are (before --), so `get -p app host` reads as typed.  An undeclared
 * --name is an error; an undeclared -x is data (a value such as -v).
 */
static enum pd_status
long_options(const struct cmd *c, struct stmt *st, size_t end,
    enum opts_style style, struct opts_bind *r, char **cause)
{
	const struct cmd_opt	*o;
	struct arg		*a, *v;
	const char		*name, *val;
	size_t			 i, nlen, vlen;

	for (i = 0; i < end; i++) {
		a = &st->args[i];
		if (a->kind == ARG_QUOTED || a->s[0] != '-' || a->len < 2)
			continue;
		if (a->s[1] != '-') {
			if (a->kind != ARG_WORD || a->len != 2 ||
			    (o = opts_short(c, a->s[1])) == NULL)
				continue;
		} else {
			nlen = (a->kind == ARG_PAIR ? a->eq : a->len) - 2;
			if ((o = opts_find(c, a->s + 2, nlen)) == NULL)
				return fail_at(r, a, unknown(c, "--", a->s + 2,
				    nlen, style, cause));
		}
		a->used = 1;
		if (o == &help_opt) {
			r->help = 1;
			continue;
		}
		name = o->name;
		if (a->kind == ARG_PAIR) {
			val = a->s + a->eq + 1;
			vlen = a->len - a->eq - 1;
		} else if (o->arg == NULL) {
			val = "";
			vlen = 0;
		} else {
			if (i + 1 >= end) {
				*cause = xasprintf("option '%s' needs a value"
				    " (%s)", util_wordn(a->s, a->len), o->arg);
				return fail_at(r, a, PD_DATAERR);
			}
			v = &st->args[++i];
			v->used = 1;
			val = v->s;
			vlen = v->len;
		}
		stmt_add_opt(st, name, val, vlen, a->line, a->col);
	}
	return PD_OK;
}

/*
 * Second pass, over the words left: the required arguments take the first
 * words whatever they look like; after them name=value and bare names are
 * options when declared.
 */
static enum pd_status
named_options(const struct cmd *c, struct stmt *st, size_t end,
    enum opts_style style, struct opts_bind *r, char **cause)
{
	const struct cmd_opt	*o;
	struct arg		*a;
	size_t			 i, npos = 0, need = (size_t)c->min_args;

	/* -k KEY stands for the address, which is then not a word. */
	if ((c->flags & CMD_ADDR) && stmt_opt(st, "key") != NULL && need > 0)
		need--;
	for (i = 0; i < st->nargs; i++) {
		a = &st->args[i];
		if (a->used)
			continue;
		if (i == end) {
			a->used = 1;	/* the -- itself */
			continue;
		}
		/*
		 * key=K in the address's place is the address, as -k is
		 * (get key=host project=app); elsewhere it is data.
		 */
		if (npos == 0 && i < end && (c->flags & CMD_ADDR) &&
		    a->kind == ARG_PAIR && a->eq == 3 && memcmp(a->s, "key",
		    3) == 0 && stmt_opt(st, "key") == NULL) {
			stmt_add_opt(st, "key", a->s + 4, a->len - 4, a->line,
			    a->col);
			a->used = 1;
			if (need > 0)
				need--;
			continue;
		}
		if (i > end || a->kind == ARG_QUOTED || npos < need) {
			npos++;
			continue;
		}
		o = opts_find(c, a->s, a->kind == ARG_PAIR ? a->eq : a->len);
		if (o == &help_opt)
			o = NULL;	/* help only as --help or -h */
		if (a->kind == ARG_PAIR) {
			if (o == NULL)
				return fail_at(r, a, unknown(c, "", a->s, a->eq,
				    style, cause));
			stmt_add_opt(st, o->name, a->s + a->eq + 1,
			    a->len - a->eq - 1, a->line, a->col);
			a->used = 1;
		} else if (o != NULL && o->arg == NULL) {
			stmt_add_opt(st, o->name, "", 0, a->line, a->col);
			a->used = 1;
		} else if (o != NULL && c->max_args >= 0 &&
		    npos >= (size_t)c->max_args) {
			*cause = style == OPTS_ARGV ? xasprintf("option '%s' "
			    "needs a value (--%s %s)", o->name, o->name,
			    o->arg) : xasprintf("option '%s' needs a value "
			    "(%s=%s)", o->name, o->name, o->arg);
			return fail_at(r, a, PD_DATAERR);
		} else
			npos++;
	}
	return PD_OK;
}

/* An optional argument that a declared option stands for: 60 = timeout=60. */
static enum pd_status
slots(const struct cmd *c, struct stmt *st, struct opts_bind *r,
    char **cause)
{
	const struct cmd_opt	*o;
	struct arg		*a;

	for (o = c->opts; o != NULL && o->name != NULL; o++) {
		if (o->slot == 0 || st->nargs <= (size_t)o->slot)
			continue;
		a = &st->args[o->slot];
		if (stmt_opt(st, o->name) != NULL) {
			*cause = xasprintf("%s given twice, as '%s' and as "
			    "an option", o->name, util_wordn(a->s, a->len));
			return fail_at(r, a, PD_DATAERR);
		}
		stmt_add_opt(st, o->name, a->s, a->len, a->line, a->col);
		stmt_remove_arg(st, (size_t)o->slot);
	}
	return PD_OK;
}

/*
 * Whether the passes below would find nothing to do: no option yet, only
 * required arguments, none a name=value or a word starting with '-'.
 * Most statements of an import are such (set ADDR VALUE).
 */
static int
plain(const struct cmd *c, const struct stmt *st)
{
	const struct arg	*a;
	size_t			 i;

	if (st->nopts > 0 || st->nargs > (size_t)c->min_args)
		return 0;
	for (i = 0; i < st->nargs; i++) {
		a = &st->args[i];
		if (a->kind == ARG_PAIR || (a->kind == ARG_WORD &&
		    a->s[0] == '-' && a->len >= 2))
			return 0;
	}
	return 1;
}

enum pd_status
opts_bind(const struct cmd *c, struct stmt *st, enum opts_style style,
    struct opts_bind *r, char **cause)
{
	enum pd_status	 s;
	size_t		 i, end;

	memset(r, 0, sizeof(*r));
	/* A slot is an optional argument's (tests/test_cmd.c): none here. */
	if (plain(c, st))
		return PD_OK;
	end = options_end(st);
	if ((s = long_options(c, st, end, style, r, cause)) != PD_OK ||
	    (s = named_options(c, st, end, style, r, cause)) != PD_OK)
		return s;
	for (i = st->nargs; i > 0; i--)
		if (st->args[i - 1].used)
			stmt_remove_arg(st, i - 1);
	return slots(c, st, r, cause);
}
