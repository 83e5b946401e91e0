/*
 * lexer.re - the streaming tokenizer of the ProntoDB stream language (re2c).
 *
 * Sentinel method with bounds checks (re2c:eof): the buffer always ends in a
 * NUL at lim, and a NUL before lim is ordinary data.  YYFILL moves the
 * unfinished token to the front of the buffer, growing it when the token
 * alone fills it, so tokens may cross chunk boundaries.  Every token is one
 * regular expression, so the DFA resumes correctly after a refill.
 *
 * Lexing takes time linear in the input.  The DFA looks ahead of the token
 * it settles for only a bounded distance, except for a quoted string with
 * no closing quote, which it follows to the end of the input.  That
 * happens at most once for a single quote (no later one is left) and at
 * most twice for a double quote (see where dq_open is set).
 */
#define _GNU_SOURCE 1		/* F_SETPIPE_SZ */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* LEXER_TABLE_SCAN: the table fallback, to test it where SSE2 is there. */
#if defined(__SSE2__) && !defined(LEXER_TABLE_SCAN)
#define SCAN_SSE2
#include <emmintrin.h>
#endif

#include "lexer.h"
#include "util.h"

/*
 * The buffer has this many bytes after the sentinel, so that scan_word can
 * read 16 at a time up to it; set_sentinel zeroes them.
 */
#define SCAN_PAD	16

/* What a pipe on standard input is grown to (see lexer_new_fd). */
#define LEXER_PIPE_SIZE	(1024 * 1024)

struct lexer {
	char		*buf;	/* cap bytes plus the sentinel */
	size_t		 cap;
	size_t		 basecap; /* what the buffer shrinks back to */
	char		*tok;	/* start of the token being matched */
	char		*cur;
	char		*mar;
	char		*lim;
	int		 eof;
	int		 dq_open; /* no '"' from here on can close */
	size_t		 maxtok;	/* the longest token accepted */
	int		 overflow; /* a token outgrew maxtok */
	int		 ioerr;
	int		 err_no;

	lexer_read_fn	 read;
	void		*read_ctx;
	int		 fd;	/* -1 for a memory or function source */
	int		 waits;	/* a function source: every read may wait */
	int		 partial; /* the read under way continues a token */
	int		 in_blob; /* blob_token is reading a literal's bytes */
	unsigned long long nread; /* bytes read so far */
	char		*splice;	/* lexer_splice: a literal's bytes */
	size_t		 splice_len;
	unsigned long long splice_at;
	const char	*mem;	/* memory source and what is left of it */
	size_t		 memlen;

	void		(*idle)(void *);
	void		*idle_ctx;
	void		(*pause)(void *);
	void		*pause_ctx;

	unsigned	 line;	/* position of cur */
	unsigned	 col;
	int		 spaced;
	struct buf	 val;	/* the current token's text, when not in buf */
	struct token	 t;
	/*
	 * A token taken as it is in the buffer (a word, a name, a ';') is
	 * not copied: the byte after it is made a NUL until the next call,
	 * which puts it back (restore) before reading on.
	 */
	char		*nul_at;
	char		 nul_was;
};

static ssize_t
read_fd(void *ctx, char *p, size_t n)
{
	struct lexer	*lx = ctx;
	ssize_t		 r;

	do
		r = read(lx->fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t
read_mem(void *ctx, char *p, size_t n)
{
	struct lexer	*lx = ctx;

	if (n > lx->memlen)
		n = lx->memlen;
	memcpy(p, lx->mem, n);
	lx->mem += n;
	lx->memlen -= n;
	return (ssize_t)n;
}

/* End the data at lim with the NUL the DFA stops at, and what follows. */
static void
set_sentinel(struct lexer *lx)
{
	memset(lx->lim, 0, 1 + SCAN_PAD);
}

static struct lexer *
lexer_new(size_t bufsize)
{
	struct lexer	*lx = xcalloc(1, sizeof(*lx));

	if (bufsize == 0)
		bufsize = LEXER_BUFSIZE;
	lx->cap = lx->basecap = bufsize;
	lx->maxtok = LEXER_MAX_TOKEN;
	lx->buf = xmalloc(lx->cap + 1 + SCAN_PAD);
	lx->tok = lx->cur = lx->mar = lx->lim = lx->buf;
	set_sentinel(lx);
	lx->fd = -1;
	lx->line = 1;
	lx->col = 1;
	lx->spaced = 1;
	lx->read_ctx = lx;
	buf_init(&lx->val);
	return lx;
}

struct lexer *
lexer_new_fd(int fd, size_t bufsize)
{
	struct lexer	*lx = lexer_new(bufsize);
#ifdef F_SETPIPE_SZ
	struct stat	 sb;

	/*
	 * A pipe of 1 MiB instead of 64 KiB lets the producer run that far
	 * ahead, so that a busy machine stops us less often to wait for it
	 * (cat FILE | prontodb, the headline use).  A hint: the limit
	 * (/proc/sys/fs/pipe-max-size) may refuse it, which changes nothing.
	 */
	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, LEXER_PIPE_SIZE);
#endif
	lx->fd = fd;
	lx->read = read_fd;
	return lx;
}

struct lexer *
lexer_new_mem(const void *p, size_t len, size_t bufsize)
{
	struct lexer	*lx = lexer_new(bufsize);

	lx->mem = p;
	lx->memlen = len;
	lx->read = read_mem;
	return lx;
}

struct lexer *
lexer_new_fn(lexer_read_fn fn, void *ctx, size_t bufsize)
{
	struct lexer	*lx = lexer_new(bufsize);

	lx->read = fn;
	lx->read_ctx = ctx;
	lx->waits = 1;
	return lx;
}

void
lexer_free(struct lexer *lx)
{
	if (lx == NULL)
		return;
	free(lx->buf);
	free(lx->splice);
	buf_release(&lx->val);
	free(lx);
}

void
lexer_splice(struct lexer *lx, unsigned long long at, char *data, size_t len)
{
	free(lx->splice);
	lx->splice = data;
	lx->splice_len = len;
	lx->splice_at = at;
}

/* Put back the byte that the last token's NUL replaced. */
static void
restore(struct lexer *lx)
{
	if (lx->nul_at != NULL) {
		*lx->nul_at = lx->nul_was;
		lx->nul_at = NULL;
	}
}

char *
lexer_take(struct lexer *lx, size_t *len)
{
	restore(lx);
	lx->t.text = "";
	lx->t.len = 0;
	return buf_detach(&lx->val, len);
}

void
lexer_set_max_token(struct lexer *lx, size_t n)
{
	lx->maxtok = n > lx->cap ? n : lx->cap;
}

void
lexer_set_idle(struct lexer *lx, void (*fn)(void *), void *ctx)
{
	lx->idle = fn;
	lx->idle_ctx = ctx;
}

void
lexer_set_pause(struct lexer *lx, void (*fn)(void *), void *ctx)
{
	lx->pause = fn;
	lx->pause_ctx = ctx;
}

int
lexer_partial(const struct lexer *lx)
{
	return lx->partial;
}

unsigned long long
lexer_offset(const struct lexer *lx)
{
	return lx->nread - (unsigned long long)(lx->lim - lx->cur);
}

unsigned long long
lexer_waiting(const struct lexer *lx)
{
	unsigned long long	 n = (unsigned long long)(lx->lim - lx->cur);

	if (lx->eof)
		return n;
	if (lx->fd < 0)
		return n + lx->memlen;	/* a function source has none */
	return n + util_fd_waiting(lx->fd);
}

static void
rebase(struct lexer *lx, char *nbuf, size_t shift)
{
	lx->cur = nbuf + (lx->cur - lx->buf) - shift;
	lx->mar = nbuf + (lx->mar - lx->buf) - shift;
	lx->lim = nbuf + (lx->lim - lx->buf) - shift;
	lx->tok = nbuf + (lx->tok - lx->buf) - shift;
	lx->buf = nbuf;
}

/*
 * A pipe with nothing to read for a moment: the engine may commit before
 * we wait.  The short grace keeps a fast producer, whose pipe runs dry
 * between writes, from turning every refill into a commit.  What costs
 * nothing to let go of (a read snapshot) goes at once, before any wait.
 */
#define IDLE_GRACE_MS	10

static void
before_read(struct lexer *lx)
{
	struct pollfd	 p;

	if (lx->fd < 0) {
		if (lx->waits && lx->pause != NULL)
			lx->pause(lx->pause_ctx);
		if (lx->waits && lx->idle != NULL)
			lx->idle(lx->idle_ctx);
		return;
	}
	p.fd = lx->fd;
	p.events = POLLIN;
	p.revents = 0;
	if (lx->pause != NULL) {
		if (poll(&p, 1, 0) != 0)
			return;
		lx->pause(lx->pause_ctx);
	}
	if (lx->idle != NULL && poll(&p, 1, IDLE_GRACE_MS) == 0)
		lx->idle(lx->idle_ctx);
}

/*
 * Make room after lim and read more.  Returns 0 when bytes were added,
 * non-zero at end of input, on a read error or when the token is too long;
 * the last two set flags that lexer_next turns into an error token.
 */
static int
fill(struct lexer *lx)
{
	size_t	 shift, used, ncap;
	ssize_t	 n;

	if (lx->eof)
		return 1;
	shift = (size_t)(lx->tok - lx->buf);
	used = (size_t)(lx->lim - lx->tok);
	if (shift > 0) {
		memmove(lx->buf, lx->tok, used);
		rebase(lx, lx->buf, shift);
	}
	ncap = lx->cap;
	if (used == lx->cap) {
		if (lx->cap >= lx->maxtok) {
			lx->overflow = 1;
			lx->eof = 1;
			return 1;
		}
		ncap = lx->cap * 2;
		if (ncap > lx->maxtok)
			ncap = lx->maxtok;
	} else if (lx->cap > lx->basecap && used < lx->basecap / 2)
		ncap = lx->basecap;
	if (ncap != lx->cap) {
		char	*old = lx->buf, *nbuf = xmalloc(ncap + 1 + SCAN_PAD);

		memcpy(nbuf, old, used);
		rebase(lx, nbuf, 0);
		free(old);
		lx->cap = ncap;
	}
	/* The moved data no longer ends at the old sentinel. */
	set_sentinel(lx);
	lx->partial = used > 0 || lx->in_blob;
	if (lx->idle != NULL || lx->pause != NULL)
		before_read(lx);
	n = lx->read(lx->read_ctx, lx->lim, lx->cap - used);
	if (n <= 0) {
		if (n < 0) {
			lx->ioerr = 1;
			lx->err_no = errno;
		}
		lx->eof = 1;
		return 1;
	}
	lx->lim += n;
	lx->nread += (unsigned long long)n;
	set_sentinel(lx);
	return 0;
}

/* Advance the line and column over bytes already consumed. */
static void
advance(struct lexer *lx, const char *p, size_t n)
{
	const char	*end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lx->line++;
		lx->col = 1;
		p = nl + 1;
	}
	lx->col += (unsigned)(end - p);
}

static const struct token *
emit_text(struct lexer *lx, enum tok_type type, const char *text, size_t len,
    unsigned line, unsigned col)
{
	lx->t.type = type;
	lx->t.text = text;
	lx->t.len = len;
	lx->t.line = line;
	lx->t.col = col;
	lx->t.spaced = lx->spaced;
	lx->t.ioerr = 0;
	lx->spaced = 0;
	return &lx->t;
}

/* The token whose text is in lx->val. */
static const struct token *
emit(struct lexer *lx, enum tok_type type, unsigned line, unsigned col)
{
	return emit_text(lx, type, lx->val.data != NULL ? lx->val.data : "",
	    lx->val.len, line, col);
}

/*
 * The token whose text is the len bytes at p, in the buffer: no copy.
 * The byte after them (already read past, or the sentinel) becomes the
 * text's NUL until restore.
 */
static const struct token *
emit_ref(struct lexer *lx, enum tok_type type, char *p, size_t len,
    unsigned line, unsigned col)
{
	lx->nul_at = p + len;
	lx->nul_was = p[len];
	p[len] = '\0';
	return emit_text(lx, type, p, len, line, col);
}

static const struct token *
error_at(struct lexer *lx, unsigned line, unsigned col, const char *msg)
{
	buf_reset(&lx->val);
	buf_adds(&lx->val, msg);
	return emit(lx, TOK_ERROR, line, col);
}

static const struct token *
input_error(struct lexer *lx, unsigned line, unsigned col)
{
	const struct token	*t;

	if (lx->overflow) {
		lx->overflow = 0;
		return error_at(lx, line, col, "token too long");
	}
	buf_reset(&lx->val);
	buf_adds(&lx->val, "read error: ");
	buf_adds(&lx->val, strerror(lx->err_no));
	lx->ioerr = 0;
	t = emit(lx, TOK_ERROR, line, col);
	lx->t.ioerr = 1;
	return t;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
put_utf8(struct buf *b, unsigned long cp)
{
	char	 s[4];
	size_t	 n;

	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(b, s, n);
}

/*
 * Decode the escapes of a matched double-quoted string [p, end).  On a bad
 * escape return its offset from p, else -1.
 */
static long
decode_string(struct buf *b, const char *p, const char *end)
{
	const char	*s = p;
	unsigned long	 cp;
	int		 h1, h2, digits;

	buf_reset(b);
	while (p < end) {
		const char	*run = p;

		while (p < end && *p != '\\')
			p++;
		buf_add(b, run, (size_t)(p - run));
		if (p == end)
			break;
		switch (p[1]) {
		case 'n': buf_addc(b, '\n'); p += 2; break;
		case 't': buf_addc(b, '\t'); p += 2; break;
		case 'r': buf_addc(b, '\r'); p += 2; break;
		case '0': buf_addc(b, '\0'); p += 2; break;
		case '\\': buf_addc(b, '\\'); p += 2; break;
		case '"': buf_addc(b, '"'); p += 2; break;
		case '\'': buf_addc(b, '\''); p += 2; break;
		case 'x':
			if (end - p < 4 || (h1 = hexval(p[2])) < 0 ||
			    (h2 = hexval(p[3])) < 0)
				return (long)(p - s);
			buf_addc(b, (char)(h1 * 16 + h2));
			p += 4;
			break;
		case 'u':
			if (end - p < 3 || p[2] != '{')
				return (long)(p - s);
			cp = 0;
			digits = 0;
			for (p += 3; p < end && *p != '}'; p++, digits++) {
				if ((h1 = hexval(*p)) < 0 || digits == 6)
					return (long)(p - s);
				cp = cp * 16 + (unsigned long)h1;
			}
			if (p == end || digits == 0 || cp > 0x10ffff ||
			    (cp >= 0xd800 && cp <= 0xdfff))
				return (long)(p - s);
			put_utf8(b, cp);
			p++;
			break;
		default:
			return (long)(p - s);
		}
	}
	return -1;
}

/* Column of the byte at offset off inside the token starting at line:col. */
static void
pos_in_token(const char *tok, size_t off, unsigned *line, unsigned *col)
{
	size_t	 i;

	for (i = 0; i < off; i++) {
		if (tok[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static const struct token *
string_token(struct lexer *lx, const char *open, unsigned line, unsigned col)
{
	const char	*close = lx->cur;
	long		 bad;

	while (close[-1] != '"')	/* skip blanks the value rule allows */
		close--;
	bad = decode_string(&lx->val, open + 1, close - 1);
	if (bad >= 0) {
		pos_in_token(open, (size_t)bad + 1, &line, &col);
		return error_at(lx, line, col, "invalid escape sequence");
	}
	return emit(lx, TOK_STRING, line, col);
}

static const struct token *
raw_token(struct lexer *lx, char *open, unsigned line, unsigned col)
{
	const char	*close = lx->cur;

	while (close[-1] != '\'')
		close--;
	return emit_ref(lx, TOK_RAW, open + 1, (size_t)(close - 1 - (open + 1)),
	    line, col);
}

/* After a {N} header: copy exactly N bytes, refilling as needed. */
static const struct token *
blob_token(struct lexer *lx, const char *hdr, unsigned line, unsigned col)
{
	unsigned long long	 need = 0;
	size_t			 avail, take;
	int			 r;

	for (hdr++; *hdr >= '0' && *hdr <= '9'; hdr++) {
		need = need * 10 + (unsigned)(*hdr - '0');
		if (need > lx->maxtok || need > PD_MAX_VALUE)
			return error_at(lx, line, col, "literal too long");
	}
	if (lx->splice != NULL && lexer_offset(lx) == lx->splice_at &&
	    need == lx->splice_len) {
		/* The bytes are already in memory, read once: no copy. */
		buf_release(&lx->val);
		lx->val.data = lx->splice;
		lx->val.len = lx->splice_len;
		lx->val.cap = lx->splice_len + 1;
		lx->splice = NULL;
		return emit(lx, TOK_BLOB, line, col);
	}
	buf_reset(&lx->val);
	/*
	 * One allocation of the whole size (untouched memory costs nothing
	 * until the bytes arrive) instead of doubling through copies.
	 */
	if (need > lx->cap)
		buf_reserve(&lx->val, (size_t)need);
	while (need > 0) {
		avail = (size_t)(lx->lim - lx->cur);
		if (avail == 0) {
			lx->tok = lx->cur;
			lx->in_blob = 1;
			r = fill(lx);
			lx->in_blob = 0;
			if (r != 0) {
				if (lx->ioerr)
					return input_error(lx, line, col);
				return error_at(lx, line, col,
				    "literal ends before its declared length");
			}
			continue;
		}
		take = avail < need ? avail : (size_t)need;
		buf_add(&lx->val, lx->cur, take);
		advance(lx, lx->cur, take);
		lx->cur += take;
		need -= take;
	}
	return emit(lx, TOK_BLOB, line, col);
}

/*
 * The DFA's cursor and marker live in locals, where the compiler can keep
 * them in registers; the buffer may move only here.
 */
static int
refill(struct lexer *lx, char **cur, char **mar)
{
	int	 r;

	lx->cur = *cur;
	lx->mar = *mar;
	r = fill(lx);
	*cur = lx->cur;
	*mar = lx->mar;
	return r == 0;
}

/*
 * The bytes of a word after its first (wordchar below).  Values are long
 * words of letters and digits, and the DFA's switch over them branches
 * on every byte; a table lookup does not.
 */
static const unsigned char wordbyte[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x20 !"#$%&' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1,	/* 0x30 ;<=>? */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,	/* 0x7f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* The first byte at or after p that is not a word byte. */
static char *
skip_wordbytes(char *p)
{
#ifdef SCAN_SSE2
	/* Sixteen bytes at a time: what the table says, as comparisons. */
	const __m128i	 space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
	const __m128i	 semi = _mm_set1_epi8(';'), dq = _mm_set1_epi8('"');
	const __m128i	 sq = _mm_set1_epi8('\''), eq = _mm_set1_epi8('=');
	__m128i		 b, stop;
	int		 m;

	for (;; p += 16) {
		b = _mm_loadu_si128((const __m128i *)(const void *)p);
		stop = _mm_cmpeq_epi8(_mm_min_epu8(b, space), b);
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(b, del));
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(b, semi));
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(b, dq));
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(b, sq));
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(b, eq));
		if ((m = _mm_movemask_epi8(stop)) != 0)
			return p + __builtin_ctz((unsigned)m);
	}
#else
	while (wordbyte[(unsigned char)*p])
		p++;
	return p;
#endif
}

/*
 * The rest of a word whose first byte the DFA matched, and the '=' that
 * makes it an option name.  The sentinel stops the loop at lim, where a
 * refill may move the buffer.
 */
static char *
scan_word(struct lexer *lx, char *cur)
{
	char	*mar = cur;

	for (;;) {
		cur = skip_wordbytes(cur);
		if (cur < lx->lim || !refill(lx, &cur, &mar))
			break;
	}
	if (*cur == '=' && cur < lx->lim)
		cur++;
	return cur;
}

/*!re2c
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = "cur";
	re2c:define:YYMARKER = "mar";
	re2c:define:YYLIMIT = "lx->lim";
	re2c:define:YYFILL = "refill(lx, &cur, &mar)";
	re2c:eof = 0;
	re2c:yyfill:enable = 1;

	blank      = [ \t\r\v\f];
	wordstart  = [^\x00-\x20\x7f;"'#={];
	dstring    = ["] ([^"\\] | [\\][^])* ["];
	sstring    = ['] [^']* ['];
	litheader  = "{" [0-9]+ "}" blank* "\n";
*/

/* A word or an option's name (a word glued to '='), at start. */
static const struct token *
word_token(struct lexer *lx, char *start, unsigned line, unsigned col)
{
	if (lx->cur[-1] == '=')
		return emit_ref(lx, TOK_KEY, start,
		    (size_t)(lx->cur - start - 1), line, col);
	return emit_ref(lx, TOK_WORD, start, (size_t)(lx->cur - start), line,
	    col);
}

/* A ';' or a newline at start; what follows it starts a word. */
static const struct token *
term_token(struct lexer *lx, char *start, unsigned line, unsigned col)
{
	emit_ref(lx, TOK_TERM, start, 1, line, col);
	lx->spaced = 1;
	return &lx->t;
}

/* Any token, through the DFA: lexer_next takes the common ones itself. */
static const struct token *
next_dfa(struct lexer *lx)
{
	unsigned	 line, col;
	char		*start, *cur, *mar;

	for (;;) {
		lx->tok = cur = mar = lx->cur;
		line = lx->line;
		col = lx->col;
		if (*cur == '"' && lx->dq_open) {
			lx->cur = cur + 1;
			goto matched;
		}
		/*!re2c
		$ {
			lx->cur = cur;
			if (lx->ioerr || lx->overflow)
				return input_error(lx, line, col);
			buf_reset(&lx->val);
			return emit(lx, TOK_EOF, line, col);
		}
		blank+ {
			lx->cur = cur;
			/* No newline in a blank: only the column moves. */
			lx->col += (unsigned)(lx->cur - lx->tok);
			lx->spaced = 1;
			continue;
		}
		"#" [^\n]* {
			lx->cur = cur;
			advance(lx, lx->tok, (size_t)(lx->cur - lx->tok));
			continue;
		}
		* { lx->cur = cur; goto matched; }
		wordstart {
			lx->cur = scan_word(lx, cur);
			goto matched;
		}
		[;\n] | dstring | sstring | litheader |
		["'{=] { lx->cur = cur; goto matched; }
		*/
	}
matched:
	/*
	 * A refill that hit the size limit or a read error makes the DFA
	 * settle for a shorter match; report the real cause instead.
	 */
	if (lx->overflow || lx->ioerr)
		return input_error(lx, line, col);
	start = lx->tok;
	/* Only quoted strings and literals can hold a newline. */
	if (*start == '\n') {
		lx->line++;
		lx->col = 1;
	} else if (*start == '"' || *start == '\'' || *start == '{')
		advance(lx, start, (size_t)(lx->cur - start));
	else
		lx->col += (unsigned)(lx->cur - start);
	switch (*start) {
	case ';':
	case '\n':
		return term_token(lx, start, line, col);
	case '"':
		if (lx->cur - start < 2 || lx->cur[-1] != '"') {
			/*
			 * The DFA followed this string to the end of the
			 * input, so every later '"' in it was escaped: a
			 * string opened at one of them rejoins this scan
			 * just after it and cannot close either.  Knowing
			 * it, the next quotes fail at once instead of each
			 * scanning to the end again (`"\"\...` took time
			 * quadratic in its length).  The rest of the input
			 * is in the buffer now: nothing is read any more.
			 * lexer_value needs no such care: the quote of a
			 * value follows '=' or a blank, never a backslash,
			 * so it would have closed this string.  A string
			 * left open in a value makes the next '"' here scan
			 * once more, then this applies.
			 */
			lx->dq_open = 1;
			return error_at(lx, line, col, "unterminated string");
		}
		return string_token(lx, start, line, col);
	case '\'':
		if (lx->cur - start < 2)
			return error_at(lx, line, col, "unterminated string");
		return raw_token(lx, start, line, col);
	case '{':
		if (lx->cur - start < 2)
			return error_at(lx, line, col,
			    "malformed literal: expected {N} and a newline");
		return blob_token(lx, start, line, col);
	case '=':
		return error_at(lx, line, col, "'=' must follow an option name");
	default:
		break;
	}
	if ((unsigned char)*start < 0x21 || (unsigned char)*start == 0x7f) {
		/*
		 * Binary input is an error per byte: snprintf made it the
		 * slowest input to lex per byte.
		 */
		static const char	 hex[] = "0123456789abcdef";
		char			 msg[] = "unexpected byte 0x00";

		msg[sizeof(msg) - 3] = hex[(unsigned char)*start >> 4];
		msg[sizeof(msg) - 2] = hex[*start & 0xf];
		return error_at(lx, line, col, msg);
	}
	return word_token(lx, start, line, col);
}

/*
 * The commonest tokens without the DFA, which each costs a trip through
 * its switch and the checks after it: the spaces between words, a word
 * (its first byte is what wordstart matches, which no other rule starts
 * with, and not NUL, so cur is short of lim) and a terminator.  The rest
 * is next_dfa's.
 */
const struct token *
lexer_next(struct lexer *lx)
{
	unsigned	 col;
	char		*start, *cur;

	restore(lx);
	cur = lx->cur;
	if (*cur == ' ' || *cur == '\t') {
		/* The sentinel ends the run at lim. */
		start = cur;
		while (*cur == ' ' || *cur == '\t')
			cur++;
		lx->col += (unsigned)(cur - start);
		lx->spaced = 1;
		lx->cur = cur;
	}
	if (lx->overflow || lx->ioerr)
		return next_dfa(lx);
	col = lx->col;
	if (wordbyte[(unsigned char)*cur] && *cur != '#' && *cur != '{') {
		lx->tok = cur;
		lx->cur = scan_word(lx, cur + 1);
		if (lx->overflow || lx->ioerr)
			return input_error(lx, lx->line, col);
		start = lx->tok;
		lx->col += (unsigned)(lx->cur - start);
		return word_token(lx, start, lx->line, col);
	}
	if (*cur == '\n' || *cur == ';') {
		lx->tok = cur;
		lx->cur = cur + 1;
		if (*cur == ';') {
			lx->col++;
			return term_token(lx, cur, lx->line, col);
		}
		lx->col = 1;
		return term_token(lx, cur, lx->line++, col);
	}
	return next_dfa(lx);
}

const struct token *
lexer_value(struct lexer *lx)
{
	unsigned	 line, col;
	char		*p, *e, *cur, *mar;

	restore(lx);
	lx->tok = cur = mar = lx->cur;
	line = lx->line;
	col = lx->col;
	/*!re2c
	blank* dstring blank* { lx->cur = cur; goto quoted; }
	blank* sstring blank* { lx->cur = cur; goto quoted; }
	blank* litheader { lx->cur = cur; goto quoted; }
	[^;\n]+ { lx->cur = cur; goto rest; }
	* { lx->cur = lx->tok; goto rest; }
	$ { lx->cur = cur; goto rest; }
	*/
quoted:
	if (lx->overflow || lx->ioerr)
		return input_error(lx, line, col);
	advance(lx, lx->tok, (size_t)(lx->cur - lx->tok));
	for (p = lx->tok; *p != '"' && *p != '\'' && *p != '{'; p++)
		pos_in_token(p, 1, &line, &col);
	if (*p == '"')
		return string_token(lx, p, line, col);
	if (*p == '\'')
		return raw_token(lx, p, line, col);
	return blob_token(lx, p, line, col);
rest:
	if (lx->overflow || lx->ioerr)
		return input_error(lx, line, col);
	advance(lx, lx->tok, (size_t)(lx->cur - lx->tok));
	p = lx->tok;
	e = lx->cur;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++, col++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return emit_ref(lx, TOK_REST, p, (size_t)(e - p), line, col);
}
