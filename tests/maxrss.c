/*
 * maxrss.c - run a command and write its peak resident set size.
 *
 *	maxrss FILE COMMAND [ARG...]
 *
 * runs COMMAND with this process's standard input, output and error, then
 * writes the largest resident set size it reached, in KiB, to FILE (the
 * kernel's ru_maxrss of the child), and exits with COMMAND's status (128 +
 * N when killed by signal N; 125 on a usage or system error).  The tests
 * of big values (bigval.sh) check memory with it, so they need no GNU
 * time.
 */
#define _DEFAULT_SOURCE

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage	 ru;
	FILE		*fp;
	pid_t		 pid;
	int		 status;

	if (argc < 3) {
		fputs("usage: maxrss FILE COMMAND [ARG...]\n", stderr);
		return 125;
	}
	if ((pid = fork()) < 0) {
		perror("maxrss: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("maxrss: wait4");
		return 125;
	}
	if ((fp = fopen(argv[1], "w")) == NULL) {
		perror("maxrss: fopen");
		return 125;
	}
	fprintf(fp, "%ld\n", ru.ru_maxrss);
	if (fclose(fp) != 0)
		return 125;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
