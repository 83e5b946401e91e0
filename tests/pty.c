/*
 * pty.c - drive a program through a pseudo-terminal, as a person would.
 *
 *	pty [-l] [-t SECONDS] COMMAND [ARG...] <SCRIPT
 *
 * runs COMMAND with a new pseudo-terminal (80 columns, 24 lines) as its
 * controlling terminal and standard input, output and error, and follows
 * SCRIPT, one step a line:
 *
 *	expect TEXT	wait until the program has printed TEXT (after what
 *			the last expect matched)
 *	send TEXT	type TEXT
 *	wait		wait for the program to end
 *
 * TEXT takes the escapes \n \r \t \\ \e and \xHH (\x04 is Ctrl-D, \x03
 * Ctrl-C).  expect looks for TEXT in what the program printed, without
 * carriage returns, escape sequences, BEL and NUL (some terminals'
 * padding).  At the end the lines the terminal shows are written to the
 * standard output as plain text: carriage returns, the cursor moves of a
 * line editor (ESC [ N C, ESC [ N D, backspace) and erasing (ESC [ K)
 * applied, so a line redrawn or erased shows as the person saw it; with
 * -l, all that was printed instead, as expect sees it.  The exit status is the
 * program's after wait (128 + N when killed by signal N), 124 when an
 * expect timed out after SECONDS (default 10) or the program did not end
 * in time, 125 on a usage or system error.  The program is killed when
 * the driver gives up, so a test never hangs.
 */
#define _XOPEN_SOURCE	700
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct text {
	char	*s;
	size_t	 n;
	size_t	 cap;
};

static struct text	 seen;	/* what was printed, for expect */
static struct text	 screen;	/* what the terminal shows, at the end */
static size_t		 sline;	/* where screen's last line starts */
static size_t		 scur;	/* the cursor in it */
static int		 esc;	/* 1: after ESC, 2: inside ESC [ ... */
static int		 param;	/* ESC [ N ... */
static int		 log_all;	/* -l */

static void
put(struct text *t, size_t at, char c)
{
	if (t->n + 2 >= t->cap) {
		t->cap = t->cap == 0 ? 4096 : t->cap * 2;
		if ((t->s = realloc(t->s, t->cap)) == NULL) {
			perror("pty");
			exit(125);
		}
	}
	if (at < t->n)
		t->s[at] = c;
	else
		t->s[t->n++] = c;
	t->s[t->n] = '\0';
}

/* The few moves a line editor makes on one line, on the screen. */
static void
move(char final)
{
	int	 n = param > 0 ? param : 1;

	switch (final) {
	case 'C':
		while (n-- > 0) {
			if (scur == screen.n)
				put(&screen, scur, ' ');
			scur++;
		}
		break;
	case 'D':
		while (n-- > 0 && scur > sline)
			scur--;
		break;
	case 'K':
	case 'J':
		screen.n = scur;
		if (screen.s != NULL)
			screen.s[screen.n] = '\0';
		break;
	}
}

/*
 * Keep the text, without \r, BEL, NUL (some terminals' padding) and
 * escape sequences, in seen; and the lines as the terminal shows them,
 * carriage returns, cursor moves and erasing applied, in screen.
 */
static void
take(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)p[i];

		if (esc == 1) {
			esc = c == '[' ? 2 : 0;
			param = 0;
			continue;
		}
		if (esc == 2) {
			if (c >= '0' && c <= '9')
				param = param * 10 + (c - '0');
			else if (c >= 0x40 && c <= 0x7e) {
				esc = 0;
				move((char)c);
			}
			continue;
		}
		switch (c) {
		case 0x1b: esc = 1; break;
		case '\0': case '\a': break;
		case '\r': scur = sline; break;
		case '\b':
			if (scur > sline)
				scur--;
			break;
		case '\n':
			put(&seen, seen.n, '\n');
			put(&screen, screen.n, '\n');
			scur = sline = screen.n;
			break;
		default:
			put(&seen, seen.n, (char)c);
			put(&screen, scur++, (char)c);
			break;
		}
	}
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what there is, waiting up to ms; -1 once the program closed it. */
static int
pump(int fd, int ms)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	char		 b[4096];
	ssize_t		 n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(fd, b, sizeof(b));
	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -1;
	take(b, (size_t)n);
	return 0;
}

static size_t
unescape(char *s)
{
	char	*r = s, *w = s;
	int	 v;

	while (*r != '\0') {
		if (*r != '\\' || r[1] == '\0') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case 'n': *w++ = '\n'; r++; break;
		case 'r': *w++ = '\r'; r++; break;
		case 't': *w++ = '\t'; r++; break;
		case 'e': *w++ = 0x1b; r++; break;
		case 'x':
			if (sscanf(r + 1, "%2x", (unsigned *)&v) != 1)
				return (size_t)-1;
			*w++ = (char)v;
			r += 3;
			break;
		default: *w++ = *r++; break;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static char	*line;	/* the step being followed */

static int
finish(int status)
{
	const struct text	*t = log_all ? &seen : &screen;

	if (t->n > 0)
		fwrite(t->s, 1, t->n, stdout);
	fflush(stdout);
	free(seen.s);
	free(screen.s);
	free(line);
	return status;
}

int
main(int argc, char **argv)
{
	struct winsize	 ws = { 24, 80, 0, 0 };
	char		*slave;
	size_t		 cap = 0, pos = 0, n;
	ssize_t		 len;
	long long	 deadline;
	int		 master, fd, status, timeout = 10, i = 1;
	pid_t		 pid;

	if (argc > i && strcmp(argv[i], "-l") == 0) {
		log_all = 1;
		i++;
	}
	if (argc > i + 1 && strcmp(argv[i], "-t") == 0) {
		timeout = atoi(argv[i + 1]);
		i += 2;
	}
	if (i >= argc || timeout <= 0) {
		fputs("usage: pty [-l] [-t SECONDS] COMMAND [ARG...] <SCRIPT\n",
		    stderr);
		return 125;
	}
	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 ||
	    grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (slave = ptsname(master)) == NULL) {
		perror("pty: a pseudo-terminal");
		return 125;
	}
	if ((pid = fork()) < 0) {
		perror("pty: fork");
		return 125;
	}
	if (pid == 0) {
		setsid();
		if ((fd = open(slave, O_RDWR)) < 0)
			_exit(125);
		ioctl(fd, TIOCSCTTY, 0);
		ioctl(fd, TIOCSWINSZ, &ws);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		close(master);
		execvp(argv[i], argv + i);
		_exit(127);
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		deadline = now_ms() + timeout * 1000LL;
		if (strncmp(line, "expect ", 7) == 0) {
			if ((n = unescape(line + 7)) == (size_t)-1)
				goto usage;
			while (seen.s == NULL || strstr(seen.s + pos, line + 7) ==
			    NULL) {
				if (now_ms() > deadline || pump(master, 50) < 0) {
					fprintf(stderr, "pty: no '%s' in time\n",
					    line + 7);
					kill(pid, SIGKILL);
					waitpid(pid, NULL, 0);
					return finish(124);
				}
			}
			pos = (size_t)(strstr(seen.s + pos, line + 7) - seen.s) +
			    n;
		} else if (strncmp(line, "send ", 5) == 0) {
			if ((n = unescape(line + 5)) == (size_t)-1)
				goto usage;
			if (write(master, line + 5, n) != (ssize_t)n) {
				perror("pty: write");
				kill(pid, SIGKILL);
				return finish(125);
			}
			pump(master, 20);
		} else if (strcmp(line, "wait") == 0) {
			while (pump(master, 50) == 0)
				if (now_ms() > deadline) {
					fputs("pty: the program did not end\n",
					    stderr);
					kill(pid, SIGKILL);
					waitpid(pid, NULL, 0);
					return finish(124);
				}
			waitpid(pid, &status, 0);
			return finish(WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status));
		} else if (*line != '\0' && *line != '#')
			goto usage;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return finish(0);
usage:
	fprintf(stderr, "pty: bad step '%s'\n", line);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return finish(125);
}
