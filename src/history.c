/*
 * history.c - the interactive session's history file, without secrets.
 *
 * Plain lines, appended with O_APPEND: concurrent sessions interleave
 * whole lines and lose none.  When a session starts and the file holds
 * more than twice HISTORY_KEEP lines it is replaced (atomically) by its
 * last HISTORY_KEEP, so it stays small without being rewritten at every
 * start.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"
#include "paths.h"
#include "util.h"

int
history_secret(const char *text)
{
	static const char *const words[] = { "pass", "apikey", "api-key",
	    "api_key", NULL };
	char		*low = xstrdup(text), *p;
	size_t		 i, n;
	int		 secret = 0;

	for (p = low; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	p = low + strspn(low, " \t");
	n = strcspn(p, " \t;");
	if ((n == 4 && strncmp(p, "auth", 4) == 0) ||
	    (n == 6 && strncmp(p, "apikey", 6) == 0))
		secret = 1;
	for (i = 0; !secret && words[i] != NULL; i++)
		secret = strstr(low, words[i]) != NULL;
	free(low);
	return secret;
}

/* The last HISTORY_KEEP lines of fp, in a ring; *total counts them all. */
static void
read_tail(FILE *fp, char **ring, size_t *total)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	*total = 0;
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		free(ring[*total % HISTORY_KEEP]);
		ring[*total % HISTORY_KEEP] = xstrdup(line);
		(*total)++;
	}
	free(line);
}

enum pd_status
history_open(struct history *h, const char *state,
    void (*fn)(void *, const char *), void *ctx, char **cause)
{
	char		*ring[HISTORY_KEEP] = { NULL };
	struct buf	 b;
	FILE		*fp;
	size_t		 total = 0, i, first, kept;
	enum pd_status	 s = PD_OK;

	h->file = NULL;
	h->fd = -1;
	if (state == NULL)
		return PD_OK;
	if ((s = paths_mkdirs(state, cause)) != PD_OK)
		return s;
	h->file = xasprintf("%s/history", state);
	if ((fp = fopen(h->file, "re")) != NULL) {
		read_tail(fp, ring, &total);
		fclose(fp);
	}
	kept = total < HISTORY_KEEP ? total : HISTORY_KEEP;
	first = total - kept;
	buf_init(&b);
	for (i = first; i < total; i++) {
		fn(ctx, ring[i % HISTORY_KEEP]);
		buf_adds(&b, ring[i % HISTORY_KEEP]);
		buf_addc(&b, '\n');
	}
	if (total > 2 * HISTORY_KEEP)
		s = paths_replace_file(h->file, b.data, b.len, cause);
	buf_release(&b);
	for (i = 0; i < HISTORY_KEEP; i++)
		free(ring[i]);
	if (s != PD_OK)
		return s;
	h->fd = open(h->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	/* A file made by hand, or by an older umask, becomes private. */
	if (h->fd < 0 || fchmod(h->fd, 0600) != 0) {
		*cause = xasprintf("cannot open %s: %s", h->file,
		    strerror(errno));
		history_close(h);
		return PD_IOERR;
	}
	return PD_OK;
}

void
history_close(struct history *h)
{
	if (h->fd >= 0)
		close(h->fd);
	free(h->file);
	h->file = NULL;
	h->fd = -1;
}

int
history_add(struct history *h, const char *text)
{
	size_t	 len = strlen(text);
	ssize_t	 w;

	if (len == 0 || history_secret(text))
		return 0;
	if (h->fd < 0)
		return 1;
	/* One write: lines of sessions running at once do not mix. */
	do
		w = write(h->fd, text, len);
	while (w < 0 && errno == EINTR);
	return 1;
}
