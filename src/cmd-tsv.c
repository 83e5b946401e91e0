/*
 * cmd-tsv.c - export --tsv and import --tsv: keys as tab-separated rows.
 *
 * Columns: address (with the active delimiter), value, expires_at (ms
 * since the epoch, empty for never) and metakeys (a JSON object, binary
 * values as {"$base64": true, "encoded": ...}).  Tab, newline, carriage
 * return and backslash are escaped as \t \n \r \\, so any value survives.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "addr.h"
#include "cmd.h"
#include "engine.h"
#include "progress.h"
#include "store.h"
#include "util.h"

struct tsv {
	struct engine	*e;
	const char	*prefix;
	size_t		 plen;
	struct buf	 addr;
	struct buf	 meta;		/* the row's metakeys as JSON */
	struct buf	 rows;		/* rows not yet written */
	int		 clash;		/* a name holds the delimiter */
	char		*err;		/* why a row cannot be written */
};

/* The address must split back into the same three names: check first. */
static enum pd_status
tsv_check(void *ctx, const struct store_row *r)
{
	struct tsv	*t = ctx;

	if (strchr(r->project, t->e->delim) == NULL &&
	    strchr(r->ns, t->e->delim) == NULL &&
	    strchr(r->key, t->e->delim) == NULL)
		return PD_OK;
	t->err = xasprintf("'%s' / '%s' / '%s' holds the delimiter '%c': "
	    "export --tsv with another --ns-delim", util_word(r->project),
	    util_word(r->ns), util_word(r->key), t->e->delim);
	return PD_DATAERR;
}

static enum pd_status
tsv_names(void *ctx, const struct store_object *o)
{
	struct tsv	*t = ctx;

	if (strchr(o->project, t->e->delim) != NULL ||
	    (o->ns != NULL && strchr(o->ns, t->e->delim) != NULL))
		t->clash = 1;
	return PD_OK;
}

/*
 * The metakeys column: a JSON object as jansson wrote it (JSON_COMPACT |
 * JSON_SORT_KEYS): in name order, as they come, and without a name that
 * is not UTF-8, which jansson left out.
 */
static void
meta_json(struct buf *b, const struct store_row *r)
{
	size_t	 i, start;
	int	 first = 1;

	buf_reset(b);
	buf_addc(b, '{');
	for (i = 0; i < r->nmeta; i++) {
		start = b->len;
		if (!first)
			buf_addc(b, ',');
		if (out_json_string(b, r->meta[i].name,
		    strlen(r->meta[i].name)) != 0) {
			b->len = start;
			continue;
		}
		buf_addc(b, ':');
		out_json_bytes(b, r->meta[i].value, r->meta[i].vlen);
		first = 0;
	}
	buf_addc(b, '}');
}

/* Rows go out in pieces of this size, not one write each. */
#define TSV_CHUNK	(64 * 1024)

static enum pd_status
tsv_row(void *ctx, const struct store_row *r)
{
	static const char *const names[] = { "address", "value",
	    "expires_at", "metakeys" };
	struct tsv	*t = ctx;
	struct buf	*a = &t->addr, *b = &t->rows;
	enum pd_status	 s = PD_OK;
	char		 when[32] = "";

	buf_reset(a);
	buf_adds(a, r->project);
	buf_addc(a, t->e->delim);
	buf_adds(a, r->ns);
	buf_addc(a, t->e->delim);
	buf_adds(a, r->key);
	if (t->prefix != NULL && strncmp(a->data, t->prefix, t->plen) != 0)
		return PD_OK;
	out_tsv_header(t->e->out, b, names, 4);
	out_tsv_field(b, a->data, a->len);
	buf_addc(b, '\t');
	out_tsv_field(b, r->value, r->vlen);
	if (r->expires == 0 && r->nmeta == 0)
		buf_add(b, "\t\t{}\n", 5);	/* most rows */
	else {
		if (r->expires > 0)
			snprintf(when, sizeof(when), "%lld", r->expires);
		meta_json(&t->meta, r);
		buf_addc(b, '\t');
		buf_adds(b, when);
		buf_addc(b, '\t');
		out_tsv_field(b, t->meta.data, t->meta.len);
		buf_addc(b, '\n');
	}
	if (b->len >= TSV_CHUNK) {
		s = out_raw(t->e->out, b->data, b->len);
		buf_reset(b);
	}
	return s;
}

/*
 * Whether some name holds the delimiter, the quick way (the store checks
 * the keys without handing them over); only then does tsv_check go
 * through every key to name the first.
 */
static enum pd_status
tsv_clash(struct tsv *t, char **cause)
{
	enum pd_status	 s;
	int		 found = 0;

	if ((s = store_objects(t->e->store, 0, tsv_names, t, cause)) ==
	    PD_OK &&
	    (s = store_objects(t->e->store, 1, tsv_names, t, cause)) ==
	    PD_OK && !t->clash)
		s = store_keys_hold(t->e->store, t->e->delim, &found, cause);
	t->clash |= found;
	return s;
}

enum pd_status
cmd_export_tsv(struct engine *e, struct stmt *st, char **cause)
{
	struct store_filter	 all;
	struct tsv		 t;
	enum pd_status		 s;

	memset(&t, 0, sizeof(t));
	memset(&all, 0, sizeof(all));
	t.e = e;
	t.prefix = st->nargs > 0 ? st->args[0].s : NULL;
	t.plen = t.prefix != NULL ? strlen(t.prefix) : 0;
	buf_init(&t.addr);
	buf_init(&t.meta);
	buf_init(&t.rows);
	if ((s = tsv_clash(&t, cause)) == PD_OK && t.clash)
		s = store_scan(e->store, &all, 0, tsv_check, &t, cause);
	if (s == PD_OK)
		s = store_scan(e->store, &all, STORE_SCAN_VALUES |
		    STORE_SCAN_META, tsv_row, &t, cause);
	if (s == PD_OK)
		s = out_raw(e->out, t.rows.data, t.rows.len);
	if (t.err != NULL) {
		free(*cause);
		*cause = t.err;
	}
	buf_release(&t.addr);
	buf_release(&t.meta);
	buf_release(&t.rows);
	return s;
}

/*
 * Undo the TSV escapes in place and set *len to the new length; or return
 * the offset of a backslash that starts no escape export writes, which
 * makes the row bad rather than guessed at.
 */
static ssize_t
unescape(char *s, size_t *len)
{
	size_t	 i, j;

	for (i = j = 0; i < *len; i++) {
		if (s[i] != '\\') {
			s[j++] = s[i];
			continue;
		}
		if (i + 1 == *len || strchr("tnr\\", s[i + 1]) == NULL ||
		    s[i + 1] == '\0')
			return (ssize_t)i;
		i++;
		s[j++] = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' :
		    s[i] == 'r' ? '\r' : '\\';
	}
	*len = j;
	return -1;
}

static int
json_value(json_t *v, struct buf *out)
{
	json_t		*enc;
	const char	*b64;
	size_t		 n, len;

	buf_reset(out);
	if (json_is_string(v)) {
		buf_add(out, json_string_value(v), json_string_length(v));
		return 0;
	}
	if (!json_is_object(v) || (enc = json_object_get(v, "encoded")) ==
	    NULL || !json_is_string(enc))
		return -1;
	b64 = json_string_value(enc);
	n = strlen(b64);
	buf_add(out, "", 0);
	out->data = xrealloc(out->data, n + 1);
	out->cap = n + 1;
	if (sodium_base642bin((unsigned char *)out->data, n, b64, n, NULL,
	    &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	out->len = len;
	return 0;
}

/* A bad row: "FILE:LINE: " goes before *cause. */
static enum pd_status
bad_row(const char *source, unsigned line, char **cause)
{
	char	*why = *cause;

	*cause = xasprintf("%s:%u: %s", source, line, why);
	free(why);
	return PD_DATAERR;
}

/* One imported row: fields f[0..3] (unescaped), already split. */
static enum pd_status
import_row(struct engine *e, char **f, size_t *flen, const char *into,
    long long now, unsigned line, const char *source, char **cause)
{
	static const struct util_range when = {
	    "a number of milliseconds since the epoch", 0, LLONG_MAX, 0 };
	struct scope	 none = { NULL, NULL };
	struct addr	 a;
	enum pd_status	 s;
	long long	 expires = 0;
	json_t		*meta = NULL, *v;
	const char	*name;
	struct buf	 mv;

	memset(&a, 0, sizeof(a));
	if (addr_resolve(f[0], flen[0], e->delim, &none, &a, cause) != PD_OK)
		return bad_row(source, line, cause);
	if (into != NULL) {
		const char	*d = strchr(into, e->delim);

		addr_set(&a, into, (size_t)(d - into), d + 1, strlen(d + 1),
		    a.key, strlen(a.key));
	}
	if (flen[2] > 0 && util_number("expires_at", f[2], flen[2], &when,
	    &expires, cause) != 0) {
		addr_release(&a);
		return bad_row(source, line, cause);
	}
	if (flen[3] > 0 && (meta = json_loadb(f[3], flen[3], JSON_ALLOW_NUL, NULL)) ==
	    NULL) {
		*cause = xasprintf("%s:%u: the metakeys column is not JSON",
		    source, line);
		addr_release(&a);
		return PD_DATAERR;
	}
	/* A row already past its expiry is dead: nothing to import. */
	s = expires > 0 && expires <= now ? PD_OK :
	    store_set(e->store, &a, f[1], flen[1], now, expires, cause);
	buf_init(&mv);
	if (s == PD_OK && meta != NULL && !(expires > 0 && expires <= now))
		json_object_foreach(meta, name, v) {
			if (json_value(v, &mv) != 0) {
				*cause = xasprintf("%s:%u: bad metakey '%s'",
				    source, line, util_word(name));
				s = PD_DATAERR;
				break;
			}
			if ((s = store_meta_set(e->store, &a, name, mv.data,
			    mv.len, cause)) != PD_OK)
				break;
		}
	buf_release(&mv);
	json_decref(meta);
	addr_release(&a);
	return s;
}

static enum pd_status
cmd_import(struct engine *e, struct stmt *st, char **cause)
{
	const struct opt	*into = stmt_opt(st, "into");
	const char		*source;
	FILE			*fp;
	char			*line = NULL, *f[4];
	size_t			 cap = 0, flen[4], i;
	ssize_t			 n, bad;
	unsigned		 lineno = 0;
	long long		 now = util_now_ms(), rows = 0, bytes = 0;
	enum pd_status		 s = PD_OK;
	struct progress		 pg;

	if (!engine_flag(st, "tsv")) {
		*cause = xstrdup("import reads --tsv; a stream is imported by "
		    "piping it into prontodb");
		return PD_DATAERR;
	}
	if (into != NULL) {
		const char	*d = strchr(into->val, e->delim);
		char		*why = NULL;

		/* Checked as names, so no control byte reaches the store. */
		if (d == NULL || d == into->val || d[1] == '\0' ||
		    strchr(d + 1, e->delim) != NULL ||
		    addr_check_part(into->val, (size_t)(d - into->val),
		    e->delim, "project", &why) != PD_OK ||
		    addr_check_part(d + 1, strlen(d + 1), e->delim,
		    "namespace", &why) != PD_OK) {
			free(why);
			engine_blame(e, into->line, into->col);
			*cause = xasprintf("into= takes PROJECT%cNAMESPACE, not "
			    "'%s'", e->delim,
			    util_wordn(into->val, into->vlen));
			return PD_DATAERR;
		}
	}
	if (st->nargs > 0) {
		source = st->args[0].s;
		fp = fopen(source, "r");
	} else if (e->opts.argv_mode) {
		source = "<stdin>";
		fp = stdin;
	} else {
		*cause = xstrdup("import in a stream needs a FILE (standard "
		    "input is the stream)");
		return PD_DATAERR;
	}
	if (fp == NULL) {
		*cause = xasprintf("cannot open %s: %s", source,
		    strerror(errno));
		return PD_IOERR;
	}
	progress_start(&pg, "rows", e->opts.quiet, fileno(fp));
	while (s == PD_OK && (n = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		/* export --tsv --header starts with the column names. */
		if (lineno == 1 && strcmp(line,
		    "address\tvalue\texpires_at\tmetakeys") == 0)
			continue;
		f[0] = line;
		for (i = 1; i < 4; i++) {
			char	*tab = memchr(f[i - 1], '\t',
			    (size_t)(line + n - f[i - 1]));

			if (tab == NULL)
				break;
			*tab = '\0';
			f[i] = tab + 1;
		}
		if (i < 4) {
			*cause = xasprintf("%s:%u: expected 4 tab-separated "
			    "columns (address, value, expires_at, metakeys)",
			    source, lineno);
			s = PD_DATAERR;
			break;
		}
		flen[3] = (size_t)(line + n - f[3]);
		for (i = 0; i < 3; i++)
			flen[i] = (size_t)(f[i + 1] - 1 - f[i]);
		for (i = 0; i < 4; i++)
			if ((bad = unescape(f[i], &flen[i])) >= 0)
				break;
		if (i < 4) {
			*cause = xasprintf("%s:%u:%zu: invalid escape '%s' "
			    "(TSV has \\t, \\n, \\r and \\\\)", source, lineno,
			    (size_t)(f[i] - line) + (size_t)bad + 1,
			    util_wordn(f[i] + bad, bad + 1 < (ssize_t)flen[i] ?
			    2 : 1));
			s = PD_DATAERR;
			break;
		}
		s = import_row(e, f, flen, into != NULL ? into->val : NULL,
		    now, lineno, source, cause);
		bytes += (long long)n + 1;
		if (s == PD_OK)
			progress_update(&pg, ++rows, bytes);
	}
	progress_end(&pg);
	if (s == PD_OK && ferror(fp)) {
		*cause = xasprintf("cannot read %s: %s", source,
		    strerror(errno));
		s = PD_IOERR;
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return s;
}

/* The bytes import will read: its FILE's size, or standard input's. */
static unsigned long long
import_input(struct engine *e, const struct stmt *st)
{
	struct stat	 sb;

	if (st->nargs > 0)
		return stat(st->args[0].s, &sb) == 0 && S_ISREG(sb.st_mode) ?
		    (unsigned long long)sb.st_size : 0;
	return e->opts.argv_mode ? util_fd_waiting(STDIN_FILENO) : 0;
}

static const struct cmd_opt import_opts[] = {
	{ "into", "P.N", 0, 0 },
	{ "tsv", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

const struct cmd cmd_import_entry = {
	.name = "import",
	.args = "[FILE]",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_DB | CMD_WRITE | CMD_ADMIN | CMD_ATOMIC,
	.opts = import_opts,
	.exec = cmd_import,
	.input = import_input,
	.summary = "load --tsv rows (into=P.N remaps)",
	.help = "Load the rows that export tsv writes from FILE, or from the "
	    "standard input on the command line: all of them or none, a bad "
	    "row being an error that names its file and line. tsv is "
	    "required, naming the format (a stream from export is loaded by "
	    "piping it into prontodb). into=P.N puts every row into that "
	    "namespace. Rows already past their expiry are skipped.",
	.example = "prontodb set app.config.host db1\n"
	    "prontodb export tsv >app.tsv\n"
	    "prontodb import app.tsv tsv into=app.copy",
};
