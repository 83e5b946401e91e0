/*
 * text.c - edit distance, durations and wrapping (see text.h).
 */
#include <sys/ioctl.h>

#include <string.h>
#include <unistd.h>

#include "text.h"

size_t
text_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, c, v;
	size_t	 row[3][TEXT_WORD_MAX + 1];

	if (la > TEXT_WORD_MAX || lb > TEXT_WORD_MAX)
		return (size_t)-1;
	/* Three rows of the table: the swap looks two rows back. */
	for (j = 0; j <= lb; j++)
		row[0][j] = j;
	for (i = 1; i <= la; i++) {
		size_t	*cur = row[i % 3], *up = row[(i - 1) % 3];
		size_t	*up2 = row[(i + 1) % 3];

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			c = a[i - 1] != b[j - 1];
			v = up[j - 1] + c;
			if (up[j] + 1 < v)
				v = up[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && up2[j - 2] + 1 < v)
				v = up2[j - 2] + 1;
			cur[j] = v;
		}
	}
	return row[la % 3][lb];
}

int
text_close(const char *word, size_t d)
{
	size_t	 len = strlen(word);

	/* One slip in a short word, more in a long one; never a rewrite. */
	return d > 0 && d <= (len <= 3 ? 1 : len <= 7 ? 2 : 3) && d < len;
}

long long
text_duration_ms(const char *s, size_t len)
{
	static const struct {
		const char	*name;
		long long	 ms;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 }
	};
	size_t		 i, n = len;
	long long	 v, ms;

	while (n > 0 && s[n - 1] >= 'a' && s[n - 1] <= 'z')
		n--;
	/*
	 * The number is util.c's, in thousandths: up to three decimals, as
	 * milliseconds of a second are the grain; no sign.
	 */
	if ((n > 0 && s[0] == '-') || util_parse_number(s, n, 3, &v) != 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) != len - n ||
		    memcmp(units[i].name, s + n, len - n) != 0)
			continue;
		if (__builtin_mul_overflow(v, units[i].ms, &ms))
			return -1;
		ms /= 1000;
		return ms <= TEXT_DURATION_MAX ? ms : -1;
	}
	return -1;
}

int
text_width(int fd)
{
	struct winsize	 ws;

	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

void
text_wrap(struct buf *b, const char *text, int indent, int width)
{
	const char	*p = text, *w;
	int		 col = indent, n, i;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (w = p; *w != '\0' && *w != ' '; w++)
			;
		n = (int)(w - p);
		/* A word longer than a line stands on its own line. */
		if (col > indent && col + 1 + n > width) {
			buf_addc(b, '\n');
			for (i = 0; i < indent; i++)
				buf_addc(b, ' ');
			col = indent;
		} else if (col > indent) {
			buf_addc(b, ' ');
			col++;
		}
		buf_add(b, p, (size_t)n);
		col += n;
		p = w;
	}
}
