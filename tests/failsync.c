/*
 * failsync.c - tests/failsync.so, preloaded by faults.sh: fdatasync fails
 * with EIO, as after a disk's write error, in prontodb's background sync
 * thread ("prontodb-sync", sqlite/writeback.c) and nowhere else, so that
 * only a failure the commit cannot have seen for itself is made.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int
fdatasync(int fd)
{
	static int	(*real)(int);
	char		 name[16] = "";

	(void)prctl(PR_GET_NAME, name);
	if (strcmp(name, "prontodb-sync") == 0) {
		errno = EIO;
		return -1;
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "fdatasync");
	return real(fd);
}
