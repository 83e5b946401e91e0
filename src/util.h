/*
 * util.h - allocation wrappers, a growable byte buffer, and the two helpers
 * every message about user input goes through: the strict number parser
 * and the cutting of an echoed word.
 *
 * ProntoDB is a tool, not a library: running out of memory is fatal, so the
 * x* wrappers end the process with a message instead of returning NULL.
 */
#ifndef PRONTO_UTIL_H
#define PRONTO_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Print "prontodb: out of memory" and exit with status 1 (PD_ERROR), at
 * once and without a core file: what every allocation failure comes to,
 * SQLite's and jansson's included.
 */
_Noreturn void	 util_out_of_memory(void);

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
/* Copy len bytes and add a NUL, so binary data can also be used as text. */
char	*xmemdup(const void *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list);

/* Wall-clock time in milliseconds since the epoch. */
long long	 util_now_ms(void);
/*
 * Wait until fd can be read or timeout_ms pass (-1: no limit): PD_OK when
 * it can (or a signal came: a spurious wake-up), PD_MISS when the time ran
 * out, PD_IOERR with *cause when poll failed.
 */
enum pd_status	 util_wait_readable(int fd, long long timeout_ms,
		    char **cause);
/*
 * The bytes fd has there to be read without waiting: what a file has left
 * past its offset, what a pipe or socket holds; 0 when it cannot tell.
 */
unsigned long long util_fd_waiting(int fd);
/* Milliseconds of a monotonic clock, for durations (never pinned). */
long long	 util_mono_ms(void);
/* Make util_now_ms return ms from now on (the hidden --now-ms, tests). */
void		 util_set_now_ms(long long ms);

/* ms since the epoch as 2026-11-26T13:47:57.123Z (len >= 32). */
void		 util_iso_time(long long ms, char *out, size_t len);

/* How much of a word util_word shows before cutting it with "...". */
#define UTIL_WORD_MAX	64

/*
 * A word of user input made fit to be quoted in a message: control bytes
 * are escaped (\n, \t, \r, \xHH) and a word longer than UTIL_WORD_MAX
 * bytes is cut there (never inside a UTF-8 character) and ends in "...",
 * so a 50 MB unknown verb makes one short line.  The text lives in one of
 * eight buffers of the calling thread, used in turn: it stays valid for
 * the next seven calls, enough for the words of one message.
 */
const char	*util_word(const char *);
/* The same for len bytes, which may hold NUL bytes. */
const char	*util_wordn(const char *, size_t len);
/*
 * All of s with its control bytes escaped as by util_word, never cut: a
 * path, or with lines a whole message on its way to stderr, whose own
 * newlines (a message of several lines) are kept.  Caller frees.
 */
char		*util_escape(const char *, int lines);

/*
 * What a number read from user text must be, for util_number.  unit
 * completes "NAME must be ...", such as "a number of keys"; min and max
 * are in units of 10^-decimals, so seconds with decimals 3 are read as
 * milliseconds.
 */
struct util_range {
	const char	*unit;
	long long	 min;
	long long	 max;
	int		 decimals;	/* 0 to 18 */
};

/*
 * The one parser of numbers in user text.  len bytes of s must be an
 * optional '-', decimal digits and, when decimals > 0, at most that many
 * digits after a '.'; nothing else (no '+', blanks, hex or exponent).  Set
 * *out to the number times 10^decimals and return 0, or return -1 when the
 * text is no such number or does not fit a long long.
 */
int		 util_parse_number(const char *s, size_t len, int decimals,
		    long long *out);
/*
 * util_parse_number, and the number must lie in r's range.  Otherwise
 * return -1 and set *cause to "NAME must be UNIT from MIN to MAX, not
 * 'TEXT'", naming the option or setting and the range; the caller picks
 * the status (64 for a flag or setting, 65 for a statement).
 */
int		 util_number(const char *name, const char *s, size_t len,
		    const struct util_range *r, long long *out, char **cause);

/*
 * The largest value a key holds, in bytes (prontodb(1), LIMITS): a {N}
 * literal, a `set ADDR -` on standard input or a quoted value longer than
 * this is refused before anything is written.  SQLite's own limit on a
 * row is 1,000,000,000 bytes, and a value is in memory twice as it is
 * written (once as read, once as SQLite builds the row).
 */
#define PD_MAX_VALUE	(512UL * 1024 * 1024)

/* A growable byte buffer, always NUL-terminated after len bytes. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_release(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addc(struct buf *, char);
void	 buf_adds(struct buf *, const char *);
/*
 * Room for more bytes after len, and the NUL after them, so a writer can
 * fill data + len directly and then move len on.
 */
void	 buf_reserve(struct buf *, size_t more);
/* Hand the contents to the caller and leave the buffer empty. */
char	*buf_detach(struct buf *, size_t *);

#endif
