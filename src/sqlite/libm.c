/*
 * sqlite/libm.c - SQLite's math functions, with libm loaded on first use.
 *
 * SQLite's static archive (configure.ac) calls libm only from its SQL
 * math functions, acos() to trunc(), which no statement of prontodb's
 * uses.  Linked, libm is mapped and relocated by every process before
 * main: about 70 us, a tenth of a one-shot verb's start and 4-6% of a
 * one-shot set (bench/README.md).  The functions SQLite names are defined
 * here instead, ahead of the libraries on prontodb's link line, so the
 * link needs no libm (-Wl,--as-needed drops it).  The first call of one
 * opens LIBM_LIBRARY with dlopen, as libedit and libpq are opened, and
 * each then calls libm's own function.  configure leaves this file out,
 * and libm in, when SQLite is a shared library (which needs libm itself).
 */
#include <dlfcn.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "status.h"

#ifndef LIBM_LIBRARY
#define LIBM_LIBRARY	"libm.so.6"
#endif

typedef double	(*libm_fn1)(double);
typedef double	(*libm_fn2)(double, double);

/*
 * The address of libm's function name, as dlsym gives it.  There is no
 * caller to hand a failure to (SQLite takes a double back), and a system
 * without its libm is broken: the process ends, as when memory runs out.
 */
static void *
libm_sym(const char *name)
{
	static void *_Atomic	 lib;
	static const char	 msg[] = "prontodb: cannot load " LIBM_LIBRARY
				    ", which SQLite's math functions need\n";
	void			*h, *f = NULL;

	/* Threads that race here each open it: dlopen counts, no harm. */
	if ((h = atomic_load(&lib)) == NULL &&
	    (h = dlopen(LIBM_LIBRARY, RTLD_NOW | RTLD_LOCAL)) != NULL)
		atomic_store(&lib, h);
	if (h == NULL || (f = dlsym(h, name)) == NULL) {
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		_exit(PD_ERROR);
	}
	return f;
}

/* A function pointer's bytes from dlsym's object pointer (pg/lib.c). */
#define LIBM_FN(type, name, params, args)				\
double									\
name params								\
{									\
	static _Atomic(type)	 real;					\
	type			 f = atomic_load(&real);		\
	void			*p;					\
									\
	if (f == NULL) {						\
		p = libm_sym(#name);					\
		memcpy(&f, &p, sizeof(f));				\
		atomic_store(&real, f);					\
	}								\
	return f args;							\
}
#define LIBM_FN1(name)	LIBM_FN(libm_fn1, name, (double x), (x))
#define LIBM_FN2(name)	LIBM_FN(libm_fn2, name, (double x, double y), (x, y))

LIBM_FN1(acos)
LIBM_FN1(acosh)
LIBM_FN1(asin)
LIBM_FN1(asinh)
LIBM_FN1(atan)
LIBM_FN2(atan2)
LIBM_FN1(atanh)
LIBM_FN1(cos)
LIBM_FN1(cosh)
LIBM_FN1(exp)
LIBM_FN2(fmod)
LIBM_FN1(log)
LIBM_FN2(pow)
LIBM_FN1(sin)
LIBM_FN1(sinh)
LIBM_FN1(sqrt)
LIBM_FN1(tan)
LIBM_FN1(tanh)
LIBM_FN1(trunc)
