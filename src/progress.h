/*
 * progress.h - a progress line on a terminal's standard error.
 *
 * Long work (replaying a stream, import --tsv, export) says how far it
 * got: what it has done, the rate, and, when the size of its input is
 * known, the share done and the time left.  Nothing is drawn unless
 * standard error is a terminal, nor with -q; short work draws nothing.
 */
#ifndef PRONTO_PROGRESS_H
#define PRONTO_PROGRESS_H

struct progress {
	int		 on;		/* drawing at all */
	const char	*unit;		/* "statements", "rows", "keys" */
	long long	 size;		/* bytes of the input; 0: unknown */
	long long	 start;		/* monotonic ms */
	long long	 next;		/* the next redraw, monotonic ms */
};

/*
 * Start counting units.  Drawn when standard error is a terminal and not
 * quiet; input_fd, when it is a regular file, gives the size that the
 * bytes passed to progress_update are a share of (-1: none).
 */
void	progress_start(struct progress *, const char *unit, int quiet,
	    int input_fd);

/*
 * count units done, bytes of the input consumed; redraws at most a few
 * times a second, after a first second of work (PRONTO_PROGRESS_DELAY
 * milliseconds).  p may be NULL.
 */
void	progress_update(struct progress *p, long long count,
	    long long bytes);

/* Erase the line, if drawn, and stop; p may be NULL. */
void	progress_end(struct progress *p);

/*
 * Erase whatever progress line is drawn, before a message goes to the
 * terminal; the next update draws it again.
 */
void	progress_hide(void);

/*
 * A line is drawn on the terminal that standard output writes to, which
 * a result would be written over: out.c erases it first.
 */
extern int	progress_over_stdout;

#endif
