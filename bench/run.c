/*
 * run.c - bench-run: spawn, time and count commands for the benchmarks.
 *
 *	bench-run once [-i IN] [-o OUT] [-e ERR] -- CMD...
 *		Run CMD once, stdin from IN (default /dev/null), stdout to OUT
 *		and stderr to ERR (default /dev/null).  Prints
 *		"WALL_SECONDS MAXRSS_KIB EXIT_STATUS" (a signal counts as
 *		128 + its number).
 *
 *	bench-run cmp [-n RUNS] [-w WARMUP] [-r ROWS] [-e ERR] -- A... ::: B...
 *		Time one-shot commands A, B, ... RUNS times each, interleaved
 *		(run i starts with command i mod count, so neither drift nor
 *		position favours one), after WARMUP untimed rounds.  Prints a
 *		line per command: "MEDIAN P10 P90 MIN FAILS", in seconds,
 *		where FAILS counts exits other than 0.
 *
 *	bench-run par -j J -r ROWS [-e ERR] -- CMD...
 *		J worker processes at once; worker w runs CMD once for each of
 *		its share of ROWS (rows w*M .. w*M+M-1, M = rows / J).
 *	bench-run par -i IN [-i IN...] [-e ERR] -- CMD...
 *		One worker per IN, each running CMD once with stdin from IN.
 *		Both print "WALL_SECONDS RUNS FAILS" for the whole batch.
 *
 *	bench-run feed [-n N] [-p MS] -- PREFIX
 *		Write N lines "begin; set PREFIXi T; commit" to stdout, one
 *		every MS milliseconds (default 5), each flushed at once, T the
 *		wall clock in nanoseconds when it was written: piped into
 *		prontodb, a stream that commits each set as soon as it reads
 *		it (grouped writes would wait for a pause in the input).
 *
 *	bench-run stamp
 *		Read the lines of prontodb watch, "REV OP ADDRESS T", from
 *		stdin, and print "MEDIAN P99 MAX COUNT": in milliseconds, how
 *		long after T each line arrived (the latency of a change from
 *		its writer to a watcher).
 *
 * ROWS is a TSV file as bench-gen -f tsv writes it.  In the commands,
 * {p}, {n}, {k} and {v} stand for the fields of row i (modulo the row
 * count) and {i} for i itself, so each run can use its own key.
 * Children's stdout goes to /dev/null unless -o says otherwise.  This
 * helper exists so the harness needs neither hyperfine nor GNU time, and
 * so its own overhead (posix_spawn, waitpid) is tiny and the same for every
 * command compared.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char	**environ;

struct rows {
	char	**field;	/* 4 per row: p, n, k, v */
	size_t	  count;
};

struct io {
	const char	*in;
	const char	*out;
	const char	*err;
};

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "bench-run: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void *
xmalloc(size_t n)
{
	void	*p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		die("%s", "out of memory");
	return p;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
rows_load(struct rows *r, const char *path)
{
	FILE	*f;
	char	*line = NULL, *p, *tab;
	size_t	 cap = 0, alloc = 0;
	ssize_t	 len;
	int	 i;

	if ((f = fopen(path, "r")) == NULL)
		die("cannot open %s", path);
	r->field = NULL;
	r->count = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (r->count == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			r->field = realloc(r->field,
			    alloc * 4 * sizeof(*r->field));
			if (r->field == NULL)
				die("%s", "out of memory");
		}
		p = line;
		for (i = 0; i < 4; i++) {
			if (i < 3 && (tab = strchr(p, '\t')) != NULL)
				*tab = '\0';
			else if (i < 3)
				die("malformed row in %s", path);
			r->field[r->count * 4 + i] = strdup(p);
			if (r->field[r->count * 4 + i] == NULL)
				die("%s", "out of memory");
			p += strlen(p) + 1;
		}
		r->count++;
	}
	free(line);
	fclose(f);
	if (r->count == 0)
		die("no rows in %s", path);
}

/* ARG with {p} {n} {k} {v} {i} replaced from row i (malloc'd). */
static char *
expand(const char *arg, const struct rows *r, size_t i)
{
	char		 num[32], *out, *o;
	const char	*a, *sub;
	size_t		 len = 0;
	int		 pass;

	snprintf(num, sizeof(num), "%zu", i);
	out = NULL;
	for (pass = 0; pass < 2; pass++) {
		o = out;
		for (a = arg; *a != '\0'; a++) {
			sub = NULL;
			if (a[0] == '{' && a[1] != '\0' && a[2] == '}') {
				if (a[1] == 'i')
					sub = num;
				else if (r != NULL && strchr("pnkv", a[1]))
					sub = r->field[(i % r->count) * 4 +
					    (strchr("pnkv", a[1]) - "pnkv")];
			}
			if (sub != NULL) {
				if (pass)
					o = stpcpy(o, sub);
				else
					len += strlen(sub);
				a += 2;
			} else if (pass)
				*o++ = *a;
			else
				len++;
		}
		if (pass)
			*o = '\0';
		else
			out = xmalloc(len + 1);
	}
	return out;
}

/* Spawn CMD (argc words) with row i substituted; returns the pid. */
static pid_t
spawn(char **cmd, int argc, const struct rows *r, size_t i,
    const struct io *io)
{
	posix_spawn_file_actions_t	 fa;
	char				**argv = xmalloc((argc + 1) *
					    sizeof(*argv));
	pid_t				 pid;
	int				 j, rc;

	for (j = 0; j < argc; j++)
		argv[j] = expand(cmd[j], r, i);
	argv[argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0,
	    io->in ? io->in : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1,
	    io->out ? io->out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
	    0644);
	posix_spawn_file_actions_addopen(&fa, 2,
	    io->err ? io->err : "/dev/null", O_WRONLY | O_CREAT | O_APPEND,
	    0644);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		die("cannot run %s", argv[0]);
	}
	for (j = 0; j < argc; j++)
		free(argv[j]);
	free(argv);
	return pid;
}

/* Wait for PID; returns its exit status (128 + signal when killed). */
static int
reap(pid_t pid)
{
	int	 st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("%s", "waitpid failed");
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of n sorted values, interpolated. */
static double
quantile(const double *v, size_t n, double q)
{
	double	 pos = q * (n - 1);
	size_t	 lo = (size_t)pos;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (pos - lo) * (v[lo + 1] - v[lo]);
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-run once [-i IN] [-o OUT] [-e ERR] -- "
	    "CMD...\n"
	    "       bench-run cmp [-n RUNS] [-w WARMUP] [-r ROWS] [-e ERR] -- "
	    "A... ::: B...\n"
	    "       bench-run par (-j J -r ROWS | -i IN...) [-e ERR] -- "
	    "CMD...\n"
	    "       bench-run feed [-n N] [-p MS] -- PREFIX\n"
	    "       bench-run stamp\n");
	exit(64);
}

static long long
wall_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
run_feed(int argc, char **argv, long n, long pause_ms)
{
	struct timespec	 p = { pause_ms / 1000, pause_ms % 1000 * 1000000 };
	long		 i;

	if (argc != 1 || n < 1 || pause_ms < 0)
		usage();
	for (i = 0; i < n; i++) {
		if (printf("begin; set %s%ld %lld; commit\n", argv[0], i,
		    wall_ns()) < 0 ||
		    fflush(stdout) != 0)
			return 1;
		nanosleep(&p, NULL);
	}
	return 0;
}

static int
run_stamp(void)
{
	char		 line[4096], *t;
	double		*ms = NULL;
	size_t		 n = 0, cap = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		long long	 at = wall_ns();

		if ((t = strrchr(line, ' ')) == NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((ms = realloc(ms, cap * sizeof(*ms))) == NULL)
				die("%s", "out of memory");
		}
		ms[n++] = (at - strtoll(t + 1, NULL, 10)) / 1e6;
	}
	if (n == 0) {
		printf("nan nan nan 0\n");
		return 1;
	}
	qsort(ms, n, sizeof(*ms), cmp_double);
	printf("%.3f %.3f %.3f %zu\n", quantile(ms, n, 0.5),
	    quantile(ms, n, 0.99), ms[n - 1], n);
	free(ms);
	return 0;
}

static int
run_once(int argc, char **argv, const struct io *io)
{
	struct rusage	 ru;
	double		 t0, t1;
	int		 st;

	if (argc < 1)
		usage();
	t0 = now();
	st = reap(spawn(argv, argc, NULL, 0, io));
	t1 = now();
	getrusage(RUSAGE_CHILDREN, &ru);
	/* The only child reaped so far: its peak RSS, in KiB on Linux. */
	printf("%.6f %ld %d\n", t1 - t0, ru.ru_maxrss, st);
	return 0;
}

static int
run_cmp(int argc, char **argv, const struct io *io, const struct rows *r,
    long runs, long warmup)
{
	char	**cmd[16];
	int	  len[16], ncmd = 0, c, j;
	double	 *t[16];
	long	  fails[16], i;

	cmd[0] = argv;
	len[0] = 0;
	for (j = 0; j < argc; j++) {
		if (strcmp(argv[j], ":::") == 0) {
			if (++ncmd == 16)
				die("%s", "too many commands");
			cmd[ncmd] = argv + j + 1;
			len[ncmd] = 0;
		} else
			len[ncmd]++;
	}
	ncmd++;
	for (c = 0; c < ncmd; c++) {
		if (len[c] == 0)
			usage();
		t[c] = xmalloc(runs * sizeof(double));
		fails[c] = 0;
	}
	for (i = -warmup; i < runs; i++) {
		size_t	 row = (size_t)(i + warmup);

		for (j = 0; j < ncmd; j++) {
			double		 t0;
			int		 st;

			c = (int)((i + warmup + j) % ncmd);
			t0 = now();
			st = reap(spawn(cmd[c], len[c], r, row, io));
			if (i < 0)
				continue;
			t[c][i] = now() - t0;
			if (st != 0)
				fails[c]++;
		}
	}
	for (c = 0; c < ncmd; c++) {
		qsort(t[c], runs, sizeof(double), cmp_double);
		printf("%.6f %.6f %.6f %.6f %ld\n", quantile(t[c], runs, 0.5),
		    quantile(t[c], runs, 0.1), quantile(t[c], runs, 0.9),
		    t[c][0], fails[c]);
		free(t[c]);
	}
	return 0;
}

static int
run_par(int argc, char **argv, const struct io *io, const struct rows *r,
    long jobs, char **inputs, int ninputs)
{
	pid_t	*pid;
	double	 t0;
	long	 w, runs = 0, fails = 0, share;
	int	 fd[2];

	if (argc < 1 || (r == NULL) == (ninputs == 0))
		usage();
	if (ninputs > 0)
		jobs = ninputs;
	if (jobs < 1)
		usage();
	share = r != NULL ? (long)(r->count / jobs) : 1;
	pid = xmalloc(jobs * sizeof(*pid));
	if (pipe(fd) != 0)
		die("%s", "pipe failed");
	t0 = now();
	for (w = 0; w < jobs; w++) {
		if ((pid[w] = fork()) < 0)
			die("%s", "fork failed");
		if (pid[w] == 0) {
			struct io	 wio = *io;
			long		 k, bad = 0, res[2];

			close(fd[0]);
			if (ninputs > 0)
				wio.in = inputs[w];
			for (k = 0; k < share; k++)
				if (reap(spawn(argv, argc, r,
				    (size_t)(w * share + k), &wio)) != 0)
					bad++;
			res[0] = share;
			res[1] = bad;
			if (write(fd[1], res, sizeof(res)) != sizeof(res))
				_exit(1);
			_exit(0);
		}
	}
	close(fd[1]);
	for (w = 0; w < jobs; w++) {
		long	 res[2];

		if (read(fd[0], res, sizeof(res)) == sizeof(res)) {
			runs += res[0];
			fails += res[1];
		} else
			fails += share;	/* a worker died before reporting */
	}
	for (w = 0; w < jobs; w++)
		reap(pid[w]);
	printf("%.6f %ld %ld\n", now() - t0, runs, fails);
	free(pid);
	return 0;
}

int
main(int argc, char **argv)
{
	struct io	 io = { NULL, NULL, NULL };
	struct rows	 rows, *r = NULL;
	char		*inputs[64];
	const char	*mode;
	long		 runs = 200, warmup = 5, jobs = 0, pause = 5;
	int		 c, ninputs = 0;

	if (argc < 2)
		usage();
	mode = argv[1];
	argc--;
	argv++;
	while ((c = getopt(argc, argv, "e:i:j:n:o:p:r:w:")) != -1) {
		switch (c) {
		case 'e':
			io.err = optarg;
			break;
		case 'i':
			if (ninputs == 64)
				usage();
			inputs[ninputs++] = optarg;
			io.in = optarg;
			break;
		case 'j':
			jobs = strtol(optarg, NULL, 10);
			break;
		case 'n':
			runs = strtol(optarg, NULL, 10);
			break;
		case 'o':
			io.out = optarg;
			break;
		case 'p':
			pause = strtol(optarg, NULL, 10);
			break;
		case 'r':
			rows_load(&rows, optarg);
			r = &rows;
			break;
		case 'w':
			warmup = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	/* Children must not inherit an ignored SIGPIPE or a blocked mask. */
	signal(SIGPIPE, SIG_DFL);
	if (strcmp(mode, "once") == 0)
		return run_once(argc, argv, &io);
	if (strcmp(mode, "cmp") == 0) {
		if (runs < 1 || warmup < 0)
			usage();
		return run_cmp(argc, argv, &io, r, runs, warmup);
	}
	if (strcmp(mode, "feed") == 0)
		return run_feed(argc, argv, runs, pause);
	if (strcmp(mode, "stamp") == 0)
		return run_stamp();
	if (strcmp(mode, "par") == 0) {
		io.in = NULL;
		return run_par(argc, argv, &io, r, jobs, inputs, ninputs);
	}
	usage();
	return 64;
}
