/*
 * out.c - the writer of standard output.
 */
#include <errno.h>
#include <string.h>

#include "util.h"

#include "out.h"

void
out_init(struct out *o, FILE *fp, enum out_format format)
{
	o->fp = fp;
	o->format = format;
	o->failed = 0;
	o->err = 0;
	o->discard = 0;
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
	if (len > 0 && fwrite(p, 1, len, o->fp) != len) {
		o->failed = 1;
		o->err = errno;
	}
	return o->failed ? PD_IOERR : PD_OK;
}

enum pd_status
out_value(struct out *o, const void *p, size_t len, int newline)
{
	put(o, p, len);
	return newline ? put(o, "\n", 1) : put(o, "", 0);
}

enum pd_status
out_line(struct out *o, const char *s)
{
	return out_value(o, s, strlen(s), 1);
}

enum pd_status
out_pair(struct out *o, const char *name, const void *value, size_t vlen)
{
	put(o, name, strlen(name));
	put(o, "=", 1);
	return out_value(o, value, vlen, 1);
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
