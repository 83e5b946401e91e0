/*
 * util.h - allocation wrappers and a growable byte buffer.
 *
 * ProntoDB is a tool, not a library: running out of memory is fatal, so the
 * x* wrappers abort with a message instead of returning NULL.
 */
#ifndef PRONTO_UTIL_H
#define PRONTO_UTIL_H

#include <stdarg.h>
#include <stddef.h>

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
/* Make util_now_ms return ms from now on (the hidden --now-ms, tests). */
void		 util_set_now_ms(long long ms);

/* ms since the epoch as 2026-11-26T13:47:57.123Z (len >= 32). */
void		 util_iso_time(long long ms, char *out, size_t len);

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
/* Hand the contents to the caller and leave the buffer empty. */
char	*buf_detach(struct buf *, size_t *);

#endif
