/*
 * test_out.c - the writer of standard output: JSON written by hand must be
 * jansson's bytes exactly, and quoting and TSV escapes must round-trip.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

/* What out.c wrote with jansson before: the reference. */
static char *
jansson_text(const void *p, size_t len)
{
	json_t	*j;
	char	*text, *b64;
	size_t	 n;

	if ((j = json_stringn(p, len)) == NULL) {
		n = sodium_base64_ENCODED_LEN(len,
		    sodium_base64_VARIANT_ORIGINAL);
		b64 = malloc(n);
		sodium_bin2base64(b64, n, p, len,
		    sodium_base64_VARIANT_ORIGINAL);
		j = json_pack("{s:b,s:s}", "$base64", 1, "encoded", b64);
		free(b64);
	}
	text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
}

static void
same_as_jansson(const unsigned char *p, size_t len)
{
	struct buf	 b;
	char		*want = jansson_text(p, len);

	buf_init(&b);
	buf_adds(&b, "x");	/* appends, leaving what was there */
	out_json_bytes(&b, p, len);
	cr_assert_not_null(want);
	cr_assert_str_eq(b.data + 1, want, "%zu bytes, first %02x", len,
	    len > 0 ? p[0] : 0);
	cr_assert_eq(b.len, strlen(want) + 1);
	cr_assert_eq(b.data[0], 'x');
	free(want);
	buf_release(&b);
}

Test(out, writes_json_strings_as_jansson_does)
{
	static const char *const cases[] = {
		"", "plain", "\"quoted\" \\ back", "\b\f\n\r\t\001\037\177",
		"slash / stays", "caf\xc3\xa9", "\xe2\x82\xac euro",
		"\xf0\x9f\x98\x80 emoji", "\xe2\x80\xa8 line separator",
		"\xef\xbf\xbf last of the BMP", "\xf4\x8f\xbf\xbf last",
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_as_jansson((const unsigned char *)cases[i],
		    strlen(cases[i]));
	same_as_jansson((const unsigned char *)"a\0b", 3);
}

Test(out, turns_what_jansson_refuses_into_base64)
{
	static const char *const bad[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xe0\x80\x80",
		"\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80", "\xff", "ok\xc3", "\xe2\x82",
		"\xc3\x28", "\xe2\x28\xa1",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		same_as_jansson((const unsigned char *)bad[i], strlen(bad[i]));
}

/* Bytes drawn mostly from the ones UTF-8 and JSON treat specially. */
Test(out, agrees_with_jansson_on_random_bytes)
{
	static const unsigned char pool[] = {
		0x00, 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x20, '"',
		'\\', '/', 'a', 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
		0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
		0xff,
	};
	unsigned char	 s[12];
	unsigned	 seed = 12345;
	size_t		 len, i, n;

	for (n = 0; n < 200000; n++) {
		len = n % sizeof(s);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = (seed >> 16) % 4 == 0 ? (unsigned char)(seed >> 8) :
			    pool[(seed >> 16) % sizeof(pool)];
		}
		same_as_jansson(s, len);
	}
}

static struct out	 o;

static void
open_out(enum out_format format)
{
	FILE	*fp = tmpfile();

	cr_assert_not_null(fp);
	out_init(&o, fp, format);
}

static void
close_out(void)
{
	fclose(o.fp);
	out_release(&o);
}

/* Emit the record built in o; what it wrote, and how many bytes. */
static char *
emitted_len(size_t *len)
{
	static char	 text[4096];

	cr_assert_eq(out_emit(&o, OUT_PAIR), PD_OK);
	cr_assert_eq(out_flush(&o), PD_OK);
	rewind(o.fp);
	*len = fread(text, 1, sizeof(text) - 1, o.fp);
	text[*len] = '\0';
	rewind(o.fp);
	cr_assert_eq(ftruncate(fileno(o.fp), 0), 0);
	return text;
}

static char *
emitted(void)
{
	size_t	 len;

	return emitted_len(&len);
}

Test(out, writes_a_json_record_in_field_order, .fini = close_out)
{
	open_out(OUT_JSON);
	out_str(&o, "key", "p.n.k");
	out_bytes(&o, "value", "a\377b", 3);
	out_int(&o, "version", -42);
	out_bool(&o, "live", 1);
	out_bool(&o, "dead", 0);
	cr_assert_str_eq(emitted(), "{\"key\":\"p.n.k\",\"value\":"
	    "{\"$base64\":true,\"encoded\":\"Yf9i\"},\"version\":-42,"
	    "\"live\":true,\"dead\":false}\n");
	/* jansson keeps the last value of a name, where the first stood. */
	out_str(&o, "a", "1");
	out_str(&o, "b", "2");
	out_str(&o, "a", "3");
	cr_assert_str_eq(emitted(), "{\"a\":\"3\",\"b\":\"2\"}\n");
	out_int(&o, "min", LLONG_MIN);
	out_int(&o, "max", LLONG_MAX);
	out_int(&o, "zero", 0);
	cr_assert_str_eq(emitted(), "{\"min\":-9223372036854775808,"
	    "\"max\":9223372036854775807,\"zero\":0}\n");
	/* A name that needs escapes is escaped, as jansson would. */
	out_int(&o, "a\"b", 1);
	cr_assert_str_eq(emitted(), "{\"a\\\"b\":1}\n");
}

Test(out, escapes_tsv_fields, .fini = close_out)
{
	open_out(OUT_TSV);
	out_str(&o, "a", "t\tn\nr\rb\\ \001\013");
	out_str(&o, "b", "");
	out_str(&o, "c", "plain");
	cr_assert_str_eq(emitted(), "t\\tn\\nr\\rb\\\\ \001\013\t\tplain\n");
}

Test(out, quotes_stream_literals)
{
	struct buf	 b;

	buf_init(&b);
	out_quote(&b, "a \"b\" \\c\n\001\177d");
	cr_assert_str_eq(b.data, "\"a \\\"b\\\" \\\\c\\x0a\\x01\\x7fd\"");
	buf_release(&b);
}

/* The rule, a byte at a time, against the writer's eight at a time. */
Test(out, quotes_random_bytes_as_the_rule_says)
{
	static const char pool[] = { 0x01, 0x1f, 0x20, '"', '\\', 'a', 0x7e,
	    0x7f, (char)0x80, (char)0xff };
	char		 s[20], hex[8];
	struct buf	 b, want;
	unsigned	 seed = 777;
	size_t		 len, i, n;

	buf_init(&b);
	buf_init(&want);
	for (n = 0; n < 100000; n++) {
		len = n % (sizeof(s) - 1);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = pool[(seed >> 16) % sizeof(pool)];
		}
		s[len] = '\0';
		buf_reset(&b);
		buf_reset(&want);
		buf_addc(&want, '"');
		for (i = 0; i < len; i++) {
			unsigned char	c = (unsigned char)s[i];

			if (c == '"' || c == '\\') {
				buf_addc(&want, '\\');
				buf_addc(&want, (char)c);
			} else if (c < 0x20 || c == 0x7f) {
				snprintf(hex, sizeof(hex), "\\x%02x", c);
				buf_adds(&want, hex);
			} else
				buf_addc(&want, (char)c);
		}
		buf_addc(&want, '"');
		out_quote(&b, s);
		cr_assert_str_eq(b.data, want.data);
		cr_assert_eq(b.len, want.len);
	}
	buf_release(&b);
	buf_release(&want);
}

Test(out, escapes_random_tsv_fields_as_the_rule_says, .fini = close_out)
{
	static const char pool[] = { 0x00, 0x08, '\t', '\n', 0x0b, '\r', 0x0e,
	    '\\', 'a', (char)0x80, (char)0xff };
	char		 s[20], *got;
	struct buf	 want;
	unsigned	 seed = 4242;
	size_t		 len, glen, i, n;

	open_out(OUT_TSV);
	buf_init(&want);
	for (n = 0; n < 20000; n++) {
		len = n % sizeof(s);
		buf_reset(&want);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = pool[(seed >> 16) % sizeof(pool)];
			if (s[i] == '\t')
				buf_adds(&want, "\\t");
			else if (s[i] == '\n')
				buf_adds(&want, "\\n");
			else if (s[i] == '\r')
				buf_adds(&want, "\\r");
			else if (s[i] == '\\')
				buf_adds(&want, "\\\\");
			else
				buf_addc(&want, s[i]);
		}
		buf_addc(&want, '\n');
		out_bytes(&o, "f", s, len);
		got = emitted_len(&glen);
		cr_assert_eq(glen, want.len);
		cr_assert_eq(memcmp(got, want.data, glen), 0);
	}
	buf_release(&want);
}

/* SQLite hands an empty blob over as NULL: no byte of it is read. */
Test(out, writes_an_empty_value_given_as_null)
{
	struct buf	 b;

	buf_init(&b);
	out_tsv_field(&b, NULL, 0);
	out_escape(&b, NULL, 0);
	cr_assert_str_eq(b.data, "");
	out_json_bytes(&b, NULL, 0);
	cr_assert_str_eq(b.data, "\"\"");
	buf_release(&b);
}
