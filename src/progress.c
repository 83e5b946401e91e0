/*
 * progress.c - a progress line on a terminal's standard error.
 *
 * One line, "prontodb: 120000 statements, 41000/s, 37%, 4s left", drawn
 * with a carriage return and erased to the end of the line, so each
 * redraw replaces the last and the erasing at the end leaves the
 * terminal as the work itself left it.  The first draw waits a second
 * (PRONTO_PROGRESS_DELAY, in milliseconds; tests set 0), so quick work
 * draws nothing; redraws come at most four times a second, so the
 * terminal costs the work nothing measurable.  A message for the
 * terminal erases the line first (progress_hide).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "text.h"
#include "util.h"

#define PROGRESS_DELAY_MS	1000
#define PROGRESS_EVERY_MS	250

int		 progress_over_stdout;
static int	 shown;		/* a line is on standard error */

void
progress_start(struct progress *p, const char *unit, int quiet,
    int input_fd)
{
	struct stat	 sb;
	const char	*env = getenv("PRONTO_PROGRESS_DELAY");
	long long	 delay = PROGRESS_DELAY_MS;

	memset(p, 0, sizeof(*p));
	p->unit = unit;
	p->on = !quiet && isatty(STDERR_FILENO);
	if (!p->on)
		return;
	if (input_fd >= 0 && fstat(input_fd, &sb) == 0 &&
	    S_ISREG(sb.st_mode))
		p->size = (long long)sb.st_size;
	if (env != NULL && *env != '\0' &&
	    util_parse_number(env, strlen(env), 0, &delay) != 0)
		delay = PROGRESS_DELAY_MS;
	p->start = util_mono_ms();
	p->next = p->start + delay;
}

/* "4s", "3m20s", "2h05m": the time left, short. */
static void
duration(char *out, size_t len, long long s)
{
	if (s < 60)
		snprintf(out, len, "%llds", s);
	else if (s < 3600)
		snprintf(out, len, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(out, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
}

void
progress_update(struct progress *p, long long count, long long bytes)
{
	char		 line[160], left[32];
	long long	 now, ms;
	int		 n, width;

	if (p == NULL || !p->on || (now = util_mono_ms()) < p->next)
		return;
	p->next = now + PROGRESS_EVERY_MS;
	ms = now - p->start;
	n = snprintf(line, sizeof(line), "prontodb: %lld %s, %lld/s", count,
	    p->unit, ms > 0 ? count * 1000 / ms : count);
	if (p->size > 0 && bytes > 0 && bytes <= p->size) {
		duration(left, sizeof(left),
		    (ms * (p->size - bytes) / bytes + 999) / 1000);
		snprintf(line + n, sizeof(line) - (size_t)n, ", %lld%%, %s left",
		    bytes * 100 / p->size, left);
	}
	/* Never wider than the terminal: a wrapped line is not redrawn. */
	width = text_width(STDERR_FILENO) - 1;
	if ((int)strlen(line) > width)
		line[width] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	shown = 1;
	progress_over_stdout = isatty(STDOUT_FILENO);
}

void
progress_hide(void)
{
	if (!shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	shown = 0;
	progress_over_stdout = 0;
}

void
progress_end(struct progress *p)
{
	if (p == NULL || !p->on)
		return;
	progress_hide();
	p->on = 0;
}
