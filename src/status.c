/*
 * status.c - ranking of outcomes for a stream's exit status.
 */
#include "status.h"

static int
status_rank(enum pd_status s)
{
	switch (s) {
	case PD_OK:
		return 0;
	case PD_MISS:
		return 1;
	case PD_ERROR:
		return 2;
	case PD_USAGE:
		return 3;
	case PD_DATAERR:
		return 4;
	case PD_BUSY:
		return 5;
	case PD_IOERR:
		return 6;
	case PD_DENIED:
		return 7;
	}
	return 2;
}

enum pd_status
status_worst(enum pd_status a, enum pd_status b)
{
	return status_rank(b) > status_rank(a) ? b : a;
}
