/*
 * scratch.h - the scratch directory of a Criterion test that opens
 * databases, removed with everything in it when the test ends.
 */
#ifndef TESTS_SCRATCH_H
#define TESTS_SCRATCH_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include "util.h"

static inline void
scratch_remove(const char *dir)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

#endif
