/*
 * out.c - the writer of standard output: records as text, JSON or TSV.
 *
 * JSON is built with jansson, never by hand.  Values that are valid UTF-8
 * become JSON strings; others {"$base64": true, "encoded": "..."}, so any
 * value survives.  TSV escapes tab, newline, carriage return and
 * backslash.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "out.h"
#include "progress.h"

void
out_init(struct out *o, FILE *fp, enum out_format format)
{
	memset(o, 0, sizeof(*o));
	/* jansson's allocations fail as ours do: a message, not a NULL. */
	json_set_alloc_funcs(xmalloc, free);
	o->fp = fp;
	o->format = format;
	buf_init(&o->arena);
}

void
out_release(struct out *o)
{
	free(o->fields);
	buf_release(&o->arena);
	o->fields = NULL;
	o->nfields = o->cap = 0;
}

char *
out_error(const struct out *o)
{
	return xasprintf("cannot write to standard output: %s",
	    strerror(o->err));
}

static enum pd_status
put(struct out *o, const void *p, size_t len)
{
	if (o->failed)
		return PD_IOERR;
	if (o->discard)
		return PD_OK;
	/* A result is not written over a progress line: erase it. */
	if (progress_over_stdout)
		progress_hide();
	if (len > 0 && fwrite(p, 1, len, o->fp) != len) {
		o->failed = 1;
		o->err = errno;
	}
	return o->failed ? PD_IOERR : PD_OK;
}

void
out_quote(struct buf *b, const char *s)
{
	char	 hex[8];

	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			buf_adds(b, hex);
		} else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

enum pd_status
out_raw(struct out *o, const void *p, size_t len)
{
	return put(o, p, len);
}

enum pd_status
out_line(struct out *o, const char *s)
{
	put(o, s, strlen(s));
	return put(o, "\n", 1);
}

static struct out_field *
field(struct out *o, const char *name)
{
	struct out_field	*f;

	if (o->nfields == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 8;
		o->fields = xrealloc(o->fields, o->cap * sizeof(*o->fields));
	}
	f = &o->fields[o->nfields++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->off = o->arena.len;
	return f;
}

void
out_bytes(struct out *o, const char *name, const void *p, size_t len)
{
	struct out_field	*f = field(o, name);

	buf_add(&o->arena, p, len);
	f->len = len;
}

void
out_str(struct out *o, const char *name, const char *s)
{
	out_bytes(o, name, s, strlen(s));
}

void
out_int(struct out *o, const char *name, long long v)
{
	struct out_field	*f = field(o, name);
	char			 num[32];

	/* Text and TSV print the number; JSON keeps it a number. */
	snprintf(num, sizeof(num), "%lld", v);
	buf_adds(&o->arena, num);
	f->len = strlen(num);
	f->num = v;
	f->is_num = 1;
}

void
out_bool(struct out *o, const char *name, int v)
{
	struct out_field	*f = field(o, name);

	buf_adds(&o->arena, v ? "true" : "false");
	f->len = strlen(v ? "true" : "false");
	f->num = v != 0;
	f->is_num = 2;
}

static const char *
value_of(const struct out *o, const struct out_field *f)
{
	return o->arena.data + f->off;
}

static json_t *
json_value(const struct out *o, const struct out_field *f)
{
	json_t	*j;
	char	*b64;
	size_t	 n;

	if (f->is_num == 2)
		return json_boolean(f->num);
	if (f->is_num)
		return json_integer(f->num);
	if ((j = json_stringn(value_of(o, f), f->len)) != NULL)
		return j;
	/* Not UTF-8 (or holding what JSON cannot): base64. */
	n = sodium_base64_ENCODED_LEN(f->len, sodium_base64_VARIANT_ORIGINAL);
	b64 = xmalloc(n);
	sodium_bin2base64(b64, n, (const unsigned char *)value_of(o, f),
	    f->len, sodium_base64_VARIANT_ORIGINAL);
	j = json_pack("{s:b,s:s}", "$base64", 1, "encoded", b64);
	free(b64);
	return j;
}

static enum pd_status
emit_json(struct out *o)
{
	json_t		*obj = json_object();
	char		*text;
	size_t		 i;
	enum pd_status	 s;

	for (i = 0; i < o->nfields; i++)
		json_object_set_new(obj, o->fields[i].name,
		    json_value(o, &o->fields[i]));
	text = json_dumps(obj, JSON_PRESERVE_ORDER | (o->pretty ?
	    JSON_INDENT(2) : JSON_COMPACT));
	json_decref(obj);
	if (text == NULL)
		util_out_of_memory();
	s = out_line(o, text);
	free(text);
	return s;
}

static void
put_tsv(struct out *o, const char *p, size_t len)
{
	const char	*run = p, *end = p + len;

	for (; p < end; p++) {
		const char	*esc = *p == '\t' ? "\\t" : *p == '\n' ? "\\n" :
		    *p == '\r' ? "\\r" : *p == '\\' ? "\\\\" : NULL;

		if (esc == NULL)
			continue;
		put(o, run, (size_t)(p - run));
		put(o, esc, 2);
		run = p + 1;
	}
	put(o, run, (size_t)(end - run));
}

static enum pd_status
emit_text(struct out *o, enum out_layout layout)
{
	const struct out_field	*first = &o->fields[0];
	const struct out_field	*last = &o->fields[o->nfields - 1];
	size_t			 i;
	char			 pad[16];

	switch (layout) {
	case OUT_RAW:
		return put(o, value_of(o, last), last->len);
	case OUT_VALUE:
		put(o, value_of(o, last), last->len);
		break;
	case OUT_PAIR:
		put(o, value_of(o, first), first->len);
		put(o, "=", 1);
		put(o, value_of(o, last), last->len);
		break;
	case OUT_FIELDS:
		for (i = 0; i < o->nfields; i++) {
			snprintf(pad, sizeof(pad), "%-12s ",
			    o->fields[i].name);
			put(o, pad, strlen(pad));
			put(o, value_of(o, &o->fields[i]), o->fields[i].len);
			if (i + 1 < o->nfields)
				put(o, "\n", 1);
		}
		break;
	case OUT_NOTEXT:
		return PD_OK;
	case OUT_SUBPAIR:
		first = &o->fields[o->nfields - 2];
		put(o, "  ", 2);
		put(o, value_of(o, first), first->len);
		put(o, "=", 1);
		put(o, value_of(o, last), last->len);
		break;
	case OUT_WORDS:
		for (i = 0; i < o->nfields; i++) {
			if (i > 0)
				put(o, " ", 1);
			put(o, value_of(o, &o->fields[i]), o->fields[i].len);
		}
		break;
	}
	return put(o, "\n", 1);
}

enum pd_status
out_emit(struct out *o, enum out_layout layout)
{
	enum pd_status	 s = PD_OK;
	size_t		 i;

	if (o->nfields == 0)
		return PD_OK;
	switch (o->format) {
	case OUT_JSON:
		s = emit_json(o);
		break;
	case OUT_TSV:
		if (o->header) {
			/* Once, from the first record's field names. */
			for (i = 0; i < o->nfields; i++) {
				if (i > 0)
					put(o, "\t", 1);
				put(o, o->fields[i].name,
				    strlen(o->fields[i].name));
			}
			put(o, "\n", 1);
			o->header = 0;
		}
		for (i = 0; i < o->nfields; i++) {
			if (i > 0)
				put(o, "\t", 1);
			put_tsv(o, value_of(o, &o->fields[i]),
			    o->fields[i].len);
		}
		s = put(o, "\n", 1);
		break;
	case OUT_TEXT:
		s = emit_text(o, layout);
		break;
	}
	o->nfields = 0;
	buf_reset(&o->arena);
	return o->failed ? PD_IOERR : s;
}

enum pd_status
out_flush(struct out *o)
{
	if (!o->failed && (fflush(o->fp) != 0 || ferror(o->fp))) {
		o->failed = 1;
		o->err = errno;
	}
	return o->failed ? PD_IOERR : PD_OK;
}
