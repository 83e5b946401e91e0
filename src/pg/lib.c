/*
 * pg/lib.c - libpq opened with dlopen on first use (lib.h).
 *
 * Linking libpq would make every process load it and the libraries it
 * needs (about 2.7 ms each, issue 14): SQLite users would pay for a
 * server they do not use.  PQ_LIBRARY, the soname, comes from configure.
 */
#include <dlfcn.h>
#include <string.h>

#include "lib.h"
#include "util.h"

#ifndef PQ_LIBRARY
#define PQ_LIBRARY	"libpq.so.5"
#endif

static struct pg_lib	 lib;
static void		*handle;

enum pd_status
pg_lib(const struct pg_lib **out, char **cause)
{
	void		*p;
	const char	*missing = NULL;

	if (handle == NULL) {
		if ((handle = dlopen(PQ_LIBRARY, RTLD_NOW | RTLD_LOCAL)) ==
		    NULL) {
			*cause = xasprintf("PostgreSQL needs libpq "
			    "(apt-get install libpq5): %s", dlerror());
			return PD_ERROR;
		}
		/* A function pointer's bytes from dlsym's object pointer. */
#define PG_FN(f) \
		if (missing == NULL) { \
			if ((p = dlsym(handle, #f)) == NULL) \
				missing = #f; \
			else \
				memcpy(&lib.f, &p, sizeof(lib.f)); \
		}
		PG_LIB_FUNCTIONS
#undef PG_FN
		if (missing != NULL) {
			dlclose(handle);
			handle = NULL;
			*cause = xasprintf("PostgreSQL needs a newer libpq: "
			    "%s has no %s", PQ_LIBRARY, missing);
			return PD_ERROR;
		}
	}
	*out = &lib;
	return PD_OK;
}
