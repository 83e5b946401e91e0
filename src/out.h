/*
 * out.h - everything written to standard output goes through here.
 *
 * Write errors are remembered rather than ignored: once a write fails the
 * writer reports PD_IOERR and the engine stops, so a closed pipe or a full
 * disk never ends in exit status 0.
 */
#ifndef PRONTO_OUT_H
#define PRONTO_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

enum out_format {
	OUT_TEXT,
	OUT_JSON,
	OUT_TSV
};

struct out {
	FILE		*fp;
	enum out_format	 format;
	int		 failed;
	int		 err;		/* errno of the failed write */
	int		 discard;	/* a dry run: write nothing */
};

void		out_init(struct out *, FILE *, enum out_format);
/* A value; with newline set a '\n' follows it. */
enum pd_status	out_value(struct out *, const void *, size_t, int newline);
/* A line of text (a '\n' is added). */
enum pd_status	out_line(struct out *, const char *);
/* A name and its value, as `name=value` on one line. */
enum pd_status	out_pair(struct out *, const char *name, const void *value,
		    size_t vlen);
/* Describe the failed write, for an error message (caller frees). */
char		*out_error(const struct out *);
/* Push buffered output to the file; PD_IOERR if anything failed. */
enum pd_status	out_flush(struct out *);

#endif
