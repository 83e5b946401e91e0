/*
 * status.h - the outcome of an operation, which is also the exit status.
 *
 * Values are the documented exit codes (prontodb(1), EXIT STATUS), so a
 * status travels unchanged from the store to main().
 */
#ifndef PRONTO_STATUS_H
#define PRONTO_STATUS_H

enum pd_status {
	PD_OK = 0,
	PD_ERROR = 1,		/* a failure that is not the input's fault */
	PD_MISS = 2,		/* key absent or expired */
	PD_USAGE = 64,		/* a mistake typed on the command line */
	PD_DATAERR = 65,	/* the same mistake inside a stream */
	PD_IOERR = 74,		/* reading input or writing output failed */
	PD_BUSY = 75,		/* database locked past busy_timeout */
	PD_DENIED = 77		/* authentication or permission denied */
};

/*
 * Return whichever of a and b is more severe: a stream exits with the worst
 * status it met, and a miss ranks below every error.
 */
enum pd_status	status_worst(enum pd_status, enum pd_status);

#endif
