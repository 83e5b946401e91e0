/*
 * out.c - the writer of standard output: records as text, JSON or TSV.
 *
 * Values that are valid UTF-8 become JSON strings; others {"$base64":
 * true, "encoded": "..."}, so any value survives.  A record is written as
 * jansson writes it (json_dumps, JSON_COMPACT | JSON_PRESERVE_ORDER) byte
 * for byte, but straight into a line buffer: building a jansson object
 * per record made --json listings 3x slower than text (tests/test_out.c
 * holds the two to the same bytes).  --pretty still goes through jansson.
 * TSV escapes tab, newline, carriage return and backslash.
 */
#include <errno.h>
#include <stdint.h>
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
	buf_init(&o->line);
}

void
out_release(struct out *o)
{
	free(o->fields);
	buf_release(&o->arena);
	buf_release(&o->line);
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

/*
 * Whether the eight bytes at p need no escape in a stream literal: none
 * below 0x20, none 0x7f, '"' or '\\'.  (v - 1) & ~v has a byte's high bit
 * set when that byte of v was 0, and (x - 0x20) & ~x when that byte of x
 * was below 0x20; a false match only follows a true one, so "none" is
 * exact.
 */
static int
quote_plain8(const char *p)
{
	const uint64_t	 one = 0x0101010101010101ull, hi = one * 0x80;
	uint64_t	 x, q, b, d;

	memcpy(&x, p, 8);
	q = x ^ one * '"';
	b = x ^ one * '\\';
	d = x ^ one * 0x7f;
	return ((((x - one * 0x20) & ~x) | ((q - one) & ~q) |
	    ((b - one) & ~b) | ((d - one) & ~d)) & hi) == 0;
}

/*
 * The escapers write straight into b, at d: copy the plain bytes from run
 * to s there, and make room for more bytes after them (b may move).
 */
static char *
put_run(struct buf *b, char *d, const void *run, const void *s, size_t more)
{
	size_t	 n = (size_t)((const char *)s - (const char *)run);

	if (n > 0)	/* run may be NULL: an empty value's bytes */
		memcpy(d, run, n);
	b->len = (size_t)(d + n - b->data);
	buf_reserve(b, more);
	return b->data + b->len;
}

void
out_quote(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	out_escape(b, s, strlen(s));
	buf_addc(b, '"');
}

void
out_escape(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char	*end = s + len, *run;
	char		*d;

	/* Room for the bytes as they are; escapes add more. */
	buf_reserve(b, len);
	d = b->data + b->len;
	for (run = s; s < end; ) {
		unsigned char	c = (unsigned char)*s;

		if (end - s >= 8 && quote_plain8(s)) {
			s += 8;
			continue;
		}
		if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
			s++;
			continue;
		}
		d = put_run(b, d, run, s, 4 + (size_t)(end - s) + 1);
		*d++ = '\\';
		if (c == '"' || c == '\\')
			*d++ = (char)c;
		else {
			*d++ = 'x';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 0xf];
		}
		run = ++s;
	}
	d = put_run(b, d, run, s, 2);
	*d = '\0';
	b->len = (size_t)(d - b->data);
}

/*
 * The length of the UTF-8 sequence at p (n bytes left), or 0 when it is
 * not one that jansson accepts (its utf8_check_first and utf8_check_full):
 * no overlong forms, no surrogates, nothing past U+10FFFF.
 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned	 c = p[0], v;
	size_t		 len, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	v = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ||
	    (len == 3 && v < 0x800) || (len == 4 && v < 0x10000))
		return 0;
	return len;
}

/*
 * What a byte needs in a JSON string: 0 nothing, 1 an escape, 2 a check
 * that it starts valid UTF-8.
 */
static unsigned char	json_class[256];

static void
json_classes(void)
{
	int	 c;

	for (c = 0; c < 256; c++)
		json_class[c] = c < 0x20 || c == '"' || c == '\\' ? 1 :
		    c >= 0x80 ? 2 : 0;
}

/*
 * Whether the eight bytes at p are all plain in a JSON string (no byte
 * below 0x20, no '"' or '\\', nothing from 0x80 up), eight at a time: a
 * byte's high bit is set in x - 0x20 when it was below 0x20, in
 * (x ^ c) - 1 when it was c.  A borrow into the next byte only follows a
 * byte that matched itself, so the answer is exact.
 */
static int
json_plain8(const unsigned char *p)
{
	const uint64_t	 one = 0x0101010101010101ull;
	uint64_t	 x;

	memcpy(&x, p, 8);
	return ((x | (x - one * 0x20) | ((x ^ one * '"') - one) |
	    ((x ^ one * '\\') - one)) & one * 0x80) == 0;
}

int
out_json_string(struct buf *b, const void *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char	*s = p, *end = s + len, *run;
	size_t			 start = b->len, n;
	char			*d;

	if (json_class['"'] == 0)
		json_classes();
	/* Room for the bytes as they are and the quotes; escapes add more. */
	buf_reserve(b, len + 2);
	d = b->data + b->len;
	*d++ = '"';
	for (run = s; s < end; ) {
		if (end - s >= 8 && json_plain8(s)) {
			s += 8;
			continue;
		}
		if (json_class[*s] == 0) {
			s++;
			continue;
		}
		if (json_class[*s] == 2) {
			if ((n = utf8_len(s, (size_t)(end - s))) == 0) {
				b->len = start;
				b->data[start] = '\0';
				return -1;
			}
			s += n;
			continue;
		}
		d = put_run(b, d, run, s, 6 + (size_t)(end - s) + 1);
		/* jansson's escapes: the short ones, else \u00XX. */
		*d++ = '\\';
		*d = *s == '"' ? '"' : *s == '\\' ? '\\' : *s == '\b' ? 'b' :
		    *s == '\f' ? 'f' : *s == '\n' ? 'n' : *s == '\r' ? 'r' :
		    *s == '\t' ? 't' : 'u';
		if (*d++ == 'u') {
			*d++ = '0';
			*d++ = '0';
			*d++ = hex[*s >> 4];
			*d++ = hex[*s & 0xf];
		}
		run = ++s;
	}
	d = put_run(b, d, run, s, 2);
	*d++ = '"';
	*d = '\0';
	b->len = (size_t)(d - b->data);
	return 0;
}

void
out_json_bytes(struct buf *b, const void *p, size_t len)
{
	char	*b64;
	size_t	 n;

	if (out_json_string(b, p, len) == 0)
		return;
	/* Not UTF-8 (or holding what JSON cannot): base64. */
	n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	b64 = xmalloc(n);
	sodium_bin2base64(b64, n, p, len, sodium_base64_VARIANT_ORIGINAL);
	buf_adds(b, "{\"$base64\":true,\"encoded\":\"");
	buf_adds(b, b64);
	buf_adds(b, "\"}");
	free(b64);
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
out_bytes_ref(struct out *o, const char *name, const void *p, size_t len)
{
	struct out_field	*f = field(o, name);

	/* A value of hundreds of megabytes is not worth a copy. */
	f->ref = len > 0 ? p : "";
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
	char			 num[32], *d = num + sizeof(num);
	unsigned long long	 u = v < 0 ? -(unsigned long long)v :
	    (unsigned long long)v;

	/*
	 * Text and TSV print the number; JSON keeps it a number.  Written
	 * here as "%lld" would write it, without snprintf's cost (a --json
	 * listing has one in every record).
	 */
	do
		*--d = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*--d = '-';
	f->len = (size_t)(num + sizeof(num) - d);
	buf_add(&o->arena, d, f->len);
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
	return f->ref != NULL ? f->ref : o->arena.data + f->off;
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

/* jansson keeps the last of two fields of one name, where it stood. */
static int
repeats_name(const struct out *o)
{
	size_t	 i, j;

	for (i = 1; i < o->nfields; i++)
		for (j = 0; j < i; j++)
			if (o->fields[i].name[0] == o->fields[j].name[0] &&
			    strcmp(o->fields[i].name, o->fields[j].name) == 0)
				return 1;
	return 0;
}

/* --pretty, and the odd record that repeats a name: through jansson. */
static enum pd_status
emit_jansson(struct out *o)
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

/*
 * '{' or ',', then a field's name and ':'.  Names are literals of plain
 * ASCII, so they go in whole, after a check that they need no escape.
 */
static void
json_name(struct buf *b, const char *name, int first)
{
	size_t	 n = strlen(name), i;
	char	*d;

	for (i = 0; i < n && json_class[(unsigned char)name[i]] == 0; i++)
		;
	if (i < n) {
		buf_addc(b, first ? '{' : ',');
		out_json_string(b, name, n);
		buf_addc(b, ':');
		return;
	}
	buf_reserve(b, n + 4);
	d = b->data + b->len;
	*d++ = first ? '{' : ',';
	*d++ = '"';
	memcpy(d, name, n);
	d += n;
	*d++ = '"';
	*d++ = ':';
	*d = '\0';
	b->len = (size_t)(d - b->data);
}

static enum pd_status
emit_json(struct out *o)
{
	const struct out_field	*f;
	struct buf		*b = &o->line;
	size_t			 i;

	if (o->pretty || repeats_name(o))
		return emit_jansson(o);
	if (json_class['"'] == 0)
		json_classes();
	buf_reset(b);
	for (i = 0; i < o->nfields; i++) {
		f = &o->fields[i];
		json_name(b, f->name, i == 0);
		/* A number's or a boolean's text is in the arena already. */
		if (f->is_num)
			buf_add(b, value_of(o, f), f->len);
		else
			out_json_bytes(b, value_of(o, f), f->len);
	}
	buf_add(b, "}\n", 2);
	return put(o, b->data, b->len);
}

/*
 * Whether none of the eight bytes at p is at most '\r' or is '\\' (the
 * bytes TSV escapes are among them), as quote_plain8 reckons.
 */
static int
tsv_plain8(const char *p)
{
	const uint64_t	 one = 0x0101010101010101ull;
	uint64_t	 x, b;

	memcpy(&x, p, 8);
	b = x ^ one * '\\';
	return ((((x - one * ('\r' + 1)) & ~x) | ((b - one) & ~b)) &
	    one * 0x80) == 0;
}

void
out_tsv_field(struct buf *b, const void *field, size_t len)
{
	const char	*p = field, *run = p, *end = p + len;
	char		*d;

	buf_reserve(b, len);
	d = b->data + b->len;
	while (p < end) {
		if (end - p >= 8 && tsv_plain8(p)) {
			p += 8;
			continue;
		}
		/* One compare for most bytes: the four are \t \n \r and \\. */
		if ((*p > '\r' && *p != '\\') ||
		    (*p != '\t' && *p != '\n' && *p != '\r' && *p != '\\')) {
			p++;
			continue;
		}
		d = put_run(b, d, run, p, 2 + (size_t)(end - p));
		*d++ = '\\';
		*d++ = *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' :
		    '\\';
		run = ++p;
	}
	d = put_run(b, d, run, p, 1);
	*d = '\0';
	b->len = (size_t)(d - b->data);
}

void
out_tsv_header(struct out *o, struct buf *b, const char *const *names,
    size_t n)
{
	size_t	 i;

	if (!o->header)
		return;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, '\t');
		buf_adds(b, names[i]);
	}
	buf_addc(b, '\n');
	o->header = 0;
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
		buf_reset(&o->line);
		if (o->header) {
			/* Once, from the first record's field names. */
			const char	**names = xmalloc(o->nfields *
			    sizeof(*names));

			for (i = 0; i < o->nfields; i++)
				names[i] = o->fields[i].name;
			out_tsv_header(o, &o->line, names, o->nfields);
			free(names);
		}
		for (i = 0; i < o->nfields; i++) {
			if (i > 0)
				buf_addc(&o->line, '\t');
			out_tsv_field(&o->line, value_of(o, &o->fields[i]),
			    o->fields[i].len);
		}
		buf_addc(&o->line, '\n');
		s = put(o, o->line.data, o->line.len);
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
