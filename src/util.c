/*
 * util.c - allocation wrappers, a growable byte buffer, numbers read from
 * user text and words echoed in messages.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "status.h"
#include "util.h"

/*
 * The one exit outside main.c: memory can run out anywhere, in either
 * thread.  write(2) and _exit need no memory, run no atexit handlers and
 * leave no core file; an open transaction ends uncommitted, so SQLite
 * drops it, as after a crash.
 */
void
util_out_of_memory(void)
{
	static const char	 msg[] = "prontodb: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(PD_ERROR);
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		util_out_of_memory();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		util_out_of_memory();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		util_out_of_memory();
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

char *
xmemdup(const void *s, size_t len)
{
	char	*p = xmalloc(len + 1);

	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;
	char	*p;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		util_out_of_memory();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_reserve(struct buf *b, size_t more)
{
	size_t	 need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const void *p, size_t len)
{
	buf_reserve(b, len);
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char	*p;

	buf_reserve(b, 0);
	b->data[b->len] = '\0';	/* an empty buffer has had no NUL yet */
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	buf_init(b);
	return p;
}

void
util_iso_time(long long ms, char *out, size_t len)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;
	char		 base[32];

	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
	snprintf(out, len, "%s.%03lldZ", base, ms % 1000);
}

/* Set by --now-ms, for tests: a clock that stands still. */
static long long clock_override = -1;

void
util_set_now_ms(long long ms)
{
	clock_override = ms;
}

long long
util_now_ms(void)
{
	struct timespec	 ts;

	if (clock_override >= 0)
		return clock_override;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned long long
util_fd_waiting(int fd)
{
	struct stat	 sb;
	off_t		 at;
	int		 more;

	if (fstat(fd, &sb) != 0)
		return 0;
	if (S_ISREG(sb.st_mode))
		return (at = lseek(fd, 0, SEEK_CUR)) >= 0 && sb.st_size > at ?
		    (unsigned long long)(sb.st_size - at) : 0;
	return ioctl(fd, FIONREAD, &more) == 0 && more > 0 ?
	    (unsigned)more : 0;
}

long long
util_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Room for UTIL_WORD_MAX bytes escaped as \xHH, "..." and a NUL. */
#define WORD_SIZE	(UTIL_WORD_MAX * 4 + 4)
#define WORD_SLOTS	8

/*
 * Write the n bytes of s to p, control bytes escaped as \n, \t, \r or
 * \xHH (at most 4 bytes each), newlines kept as they are with lines;
 * return the end.
 */
static char *
escape(char *p, const char *s, size_t n, int lines)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == '\n' && lines)
			*p++ = (char)c;
		else if (c == '\n' || c == '\t' || c == '\r') {
			*p++ = '\\';
			*p++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else if (c < 0x20 || c == 0x7f)
			p += snprintf(p, 5, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	return p;
}

const char *
util_wordn(const char *s, size_t len)
{
	static _Thread_local char	 slot[WORD_SLOTS][WORD_SIZE];
	static _Thread_local unsigned	 next;
	char				*w = slot[next++ % WORD_SLOTS], *p = w;
	size_t				 n = len;

	if (n > UTIL_WORD_MAX) {
		n = UTIL_WORD_MAX;
		/* Back off to the first byte of a UTF-8 character. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80 &&
		    n > UTIL_WORD_MAX - 3)
			n--;
	}
	p = escape(p, s, n, 0);
	if (n < len) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return w;
}

const char *
util_word(const char *s)
{
	return util_wordn(s, strlen(s));
}

char *
util_escape(const char *s, int lines)
{
	size_t	 n = strlen(s);
	char	*w = xmalloc(n * 4 + 1);

	*escape(w, s, n, lines) = '\0';
	return w;
}

int
util_parse_number(const char *s, size_t len, int decimals, long long *out)
{
	unsigned long long	 v = 0, lim;
	size_t			 i = 0;
	int			 digits = 0, frac = -1, d;

	if (len > 0 && s[0] == '-')
		i = 1;
	/* The magnitude of LLONG_MIN is one more than LLONG_MAX's. */
	lim = (unsigned long long)LLONG_MAX + (i == 1);
	for (; i < len; i++) {
		if (s[i] == '.' && frac < 0 && decimals > 0) {
			frac = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || frac == decimals)
			return -1;
		d = s[i] - '0';
		if (v > (lim - (unsigned)d) / 10)
			return -1;
		v = v * 10 + (unsigned)d;
		digits++;
		if (frac >= 0)
			frac++;
	}
	if (digits == 0)
		return -1;
	for (frac = frac < 0 ? 0 : frac; frac < decimals; frac++) {
		if (v > lim / 10)
			return -1;
		v *= 10;
	}
	if (s[0] != '-')
		*out = (long long)v;
	else
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)v;
	return 0;
}

/* v / 10^decimals as the user would type it: 1500 with 3 is 1.5. */
static void
format_scaled(long long v, int decimals, char *out, size_t size)
{
	unsigned long long	 m = v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v, scale = 1;
	char			 frac[24];
	size_t			 n;
	int			 i;

	for (i = 0; i < decimals; i++)
		scale *= 10;
	/* The fraction after a 1 that keeps its leading zeros: 1005. */
	snprintf(frac, sizeof(frac), "%llu", scale + m % scale);
	/* 0.500 reads better as 0.5, and 2.000 as 2. */
	for (n = strlen(frac); n > 1 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(out, size, "%s%llu%s%s", v < 0 ? "-" : "", m / scale,
	    n > 1 ? "." : "", frac + 1);
}

int
util_number(const char *name, const char *s, size_t len,
    const struct util_range *r, long long *out, char **cause)
{
	char	 lo[48], hi[48], dec[40] = "";

	if (util_parse_number(s, len, r->decimals, out) == 0 &&
	    *out >= r->min && *out <= r->max)
		return 0;
	format_scaled(r->min, r->decimals, lo, sizeof(lo));
	format_scaled(r->max, r->decimals, hi, sizeof(hi));
	if (r->decimals > 0)
		snprintf(dec, sizeof(dec), " with at most %d decimal%s",
		    r->decimals, r->decimals == 1 ? "" : "s");
	*cause = xasprintf("%s must be %s from %s to %s%s, not '%s'", name,
	    r->unit, lo, hi, dec, util_wordn(s, len));
	return -1;
}

enum pd_status
util_wait_readable(int fd, long long timeout_ms, char **cause)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	int		 n;

	n = poll(&p, 1, timeout_ms < 0 ? -1 : timeout_ms > INT_MAX ?
	    INT_MAX : (int)timeout_ms);
	if (n < 0 && errno != EINTR) {
		*cause = xasprintf("cannot wait for changes: %s",
		    strerror(errno));
		return PD_IOERR;
	}
	return n == 0 ? PD_MISS : PD_OK;
}
