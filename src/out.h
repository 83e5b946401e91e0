/*
 * out.h - everything written to standard output goes through here.
 *
 * Verbs hand results over as records of named fields; this module prints a
 * record as one JSON object per line (--json), one TSV row (--tsv) or in
 * the verb's text layout, and is the one place that quotes and escapes.
 * Write errors are remembered rather than ignored: once a write fails the
 * writer reports PD_IOERR and the engine stops, so a closed pipe or a full
 * disk never ends in exit status 0.
 */
#ifndef PRONTO_OUT_H
#define PRONTO_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"
#include "util.h"

enum out_format {
	OUT_TEXT,
	OUT_JSON,
	OUT_TSV
};

/* How a record looks as text. */
enum out_layout {
	OUT_VALUE,	/* the last field, then a newline */
	OUT_RAW,	/* the last field's bytes exactly */
	OUT_PAIR,	/* first=last */
	OUT_FIELDS,	/* one aligned "name  value" line per field */
	OUT_WORDS,	/* the values joined by spaces */
	OUT_SUBPAIR,	/* "  " then the last two fields as name=value */
	OUT_NOTEXT	/* nothing: the exit status says it (exists) */
};

struct out_field {
	const char	*name;		/* borrowed: a string literal */
	size_t		 off;		/* value bytes in the arena */
	const char	*ref;		/* or borrowed (out_bytes_ref) */
	size_t		 len;
	long long	 num;
	int		 is_num;	/* 1: a number, 2: a boolean */
};

struct out {
	FILE		*fp;
	enum out_format	 format;
	int		 pretty;	/* indented JSON */
	int		 header;	/* TSV: column names before the first row */
	int		 failed;
	int		 err;		/* errno of the failed write */
	int		 discard;	/* a dry run: write nothing */
	struct out_field *fields;	/* the record being built */
	size_t		 nfields;
	size_t		 cap;
	struct buf	 arena;
	struct buf	 line;		/* a JSON or TSV record being written */
};

void		out_init(struct out *, FILE *, enum out_format);
void		out_release(struct out *);

/* Add a field to the record being built (values are copied). */
void		out_bytes(struct out *, const char *name, const void *,
		    size_t);
/* Like out_bytes, but the bytes are borrowed until out_emit, not copied. */
void		out_bytes_ref(struct out *, const char *name, const void *,
		    size_t);
void		out_str(struct out *, const char *name, const char *);
void		out_int(struct out *, const char *name, long long);
void		out_bool(struct out *, const char *name, int);
/* Print the record and start a new one. */
enum pd_status	out_emit(struct out *, enum out_layout);

/*
 * Append s to b as a double-quoted literal of the stream language, which
 * the lexer reads back unchanged (the command line and export write them).
 */
void		out_quote(struct buf *, const char *);
/* What out_quote puts between the quotes, for len bytes of s. */
void		out_escape(struct buf *, const char *, size_t);
/*
 * Append len bytes to b as a JSON string, exactly as jansson writes one;
 * or append nothing and return -1 when they are not valid UTF-8.
 */
int		out_json_string(struct buf *, const void *, size_t);
/* The same, but bytes that are not UTF-8 become {"$base64":true,...}. */
void		out_json_bytes(struct buf *, const void *, size_t);
/*
 * For a verb that gathers TSV rows itself and writes them with out_raw
 * (export --tsv): a field escaped as out_emit escapes one, and the line
 * of column names when --header asks for one and none was written yet.
 */
void		out_tsv_field(struct buf *, const void *, size_t);
void		out_tsv_header(struct out *, struct buf *,
		    const char *const *names, size_t n);
/* Bytes exactly as given, outside any format (export writes a stream). */
enum pd_status	out_raw(struct out *, const void *, size_t);
/* A line of text outside any format (help, usage). */
enum pd_status	out_line(struct out *, const char *);
/* Describe the failed write, for an error message (caller frees). */
char		*out_error(const struct out *);
/* Push buffered output to the file; PD_IOERR if anything failed. */
enum pd_status	out_flush(struct out *);

#endif
