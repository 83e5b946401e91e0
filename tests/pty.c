/*
 * pty.c - drive a program through a pseudo-terminal, as a person would.
 *
 *	pty [-t SECONDS] COMMAND [ARG...] <SCRIPT
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
 * Ctrl-C).  What the program printed is written to the standard output at
 * the end, carriage returns, terminal escape sequences, BEL and NUL (the
 * padding of some terminals) taken out, so tests compare plain text.  The exit status is the
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

static char	*seen;		/* what was printed, cleaned */
static size_t	 nseen, capseen;
static int	 esc;		/* inside an escape sequence */

static void
put(char c)
{
	if (nseen + 1 >= capseen) {
		capseen = capseen == 0 ? 4096 : capseen * 2;
		if ((seen = realloc(seen, capseen)) == NULL) {
			perror("pty");
			exit(125);
		}
	}
	seen[nseen++] = c;
	seen[nseen] = '\0';
}

/* Keep the text, drop \r, BEL and ESC [ ... or ESC x sequences. */
static void
take(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)p[i];

		if (esc == 1) {
			esc = c == '[' ? 2 : 0;
			continue;
		}
		if (esc == 2) {
			if (c >= 0x40 && c <= 0x7e)
				esc = 0;
			continue;
		}
		if (c == 0x1b)
			esc = 1;
		else if (c != '\r' && c != '\a' && c != '\0')
			put((char)c);
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

static int
finish(int status)
{
	if (nseen > 0)
		fwrite(seen, 1, nseen, stdout);
	fflush(stdout);
	return status;
}

int
main(int argc, char **argv)
{
	struct winsize	 ws = { 24, 80, 0, 0 };
	char		*line = NULL, *slave;
	size_t		 cap = 0, pos = 0, n;
	ssize_t		 len;
	long long	 deadline;
	int		 master, fd, status, timeout = 10, i = 1;
	pid_t		 pid;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		timeout = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc || timeout <= 0) {
		fputs("usage: pty [-t SECONDS] COMMAND [ARG...] <SCRIPT\n",
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
			while (seen == NULL || strstr(seen + pos, line + 7) ==
			    NULL) {
				if (now_ms() > deadline || pump(master, 50) < 0) {
					fprintf(stderr, "pty: no '%s' in time\n",
					    line + 7);
					kill(pid, SIGKILL);
					waitpid(pid, NULL, 0);
					return finish(124);
				}
			}
			pos = (size_t)(strstr(seen + pos, line + 7) - seen) + n;
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
