/*
 * sqlite/mem.c - SQLite's memory: small blocks from free lists by size.
 *
 * The SQLite linked here is built without its lookaside allocator
 * (Debian's SQLITE_OMIT_LOOKASIDE), so every object of a schema parse or
 * a statement compile is a malloc and a free: about 700 of each in a
 * one-shot set, 18% of its instructions, most of them in glibc's bins
 * (a full tcache, consolidation).  Blocks of up to SMALL_MAX bytes come
 * instead from a free list per 16-byte size class, carved from 64 KiB
 * chunks; larger ones (pages, values) go to malloc as before.
 *
 * Memory stays bounded by use: a freed small block waits on its class's
 * list for the next block of that size, and chunks are kept for the life
 * of the process, so a process holds at most the most it ever had of
 * each size.  SQLite allocates from the writer thread of an import too
 * (sqlite/batch.c), so the lists are shared under one lock: a spin lock,
 * as it is held for a few instructions and rarely wanted by the other
 * thread (a mutex's lock and unlock cost more than the rest), and none
 * while there is no other thread.  Sanitizer
 * builds keep SQLite on malloc, where they see every block.
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "int.h"

/*
 * While the process has one thread (glibc says so), nobody else can hold
 * the lock: a one-shot verb takes none.  An import's writer thread turns
 * it on for good before it runs.
 */
#if defined(__has_include)
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#define ALONE()	__libc_single_threaded
#endif
#endif
#ifndef ALONE
#define ALONE()	0
#endif

#define HDR		8		/* a block's usable size, before it */
#define GRAIN		16
#define SMALL_MAX	1024		/* the largest small block, header in */
#define CLASSES		(SMALL_MAX / GRAIN)
#define CHUNK		65536

static atomic_flag	 busy = ATOMIC_FLAG_INIT;
static void		*freelist[CLASSES];
static char		*next, *end;	/* the rest of the current chunk */

/* Take the lock when other threads may want it; 1 when taken. */
static int
lock(void)
{
	if (ALONE())
		return 0;
	while (atomic_flag_test_and_set_explicit(&busy, memory_order_acquire))
		sched_yield();
	return 1;
}

static void
unlock(int taken)
{
	if (taken)
		atomic_flag_clear_explicit(&busy, memory_order_release);
}

/* The usable size of a block for n bytes; over SMALL_MAX - HDR, malloc's. */
static int
roundup(int n)
{
	if (n <= SMALL_MAX - HDR)
		return (n + HDR + GRAIN - 1) / GRAIN * GRAIN - HDR;
	return (n + 7) & ~7;
}

static void *
mem_malloc(int n)
{
	sqlite3_int64	*b;
	int		 size = roundup(n), c, taken;

	if (size > SMALL_MAX - HDR) {
		if ((b = malloc((size_t)size + HDR)) == NULL)
			return NULL;
		*b = size;
		return b + 1;
	}
	c = (size + HDR) / GRAIN - 1;
	taken = lock();
	if ((b = freelist[c]) != NULL)
		freelist[c] = *(void **)b;
	else {
		if (end - next < size + HDR) {
			/* The rest of the old chunk is too small: leave it. */
			if ((next = malloc(CHUNK)) == NULL) {
				end = NULL;
				unlock(taken);
				return NULL;
			}
			end = next + CHUNK;
		}
		b = (sqlite3_int64 *)next;
		next += size + HDR;
	}
	unlock(taken);
	*b = size;
	return b + 1;
}

static void
mem_free(void *p)
{
	sqlite3_int64	*b = (sqlite3_int64 *)p - 1;
	int		 c, taken;

	if (*b > SMALL_MAX - HDR) {
		free(b);
		return;
	}
	c = (int)(*b + HDR) / GRAIN - 1;
	taken = lock();
	*(void **)b = freelist[c];
	freelist[c] = b;
	unlock(taken);
}

static int
mem_size(void *p)
{
	return p == NULL ? 0 : (int)((sqlite3_int64 *)p)[-1];
}

/* SQLite asks only with n rounded, and when the size changes. */
static void *
mem_realloc(void *p, int n)
{
	sqlite3_int64	*b = (sqlite3_int64 *)p - 1;
	int		 old = (int)*b, size = roundup(n);
	void		*q;

	if (old > SMALL_MAX - HDR && size > SMALL_MAX - HDR) {
		if ((b = realloc(b, (size_t)size + HDR)) == NULL)
			return NULL;
		*b = size;
		return b + 1;
	}
	if ((q = mem_malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, (size_t)(old < size ? old : size));
	mem_free(p);
	return q;
}

static int
mem_init(void *unused)
{
	return SQLITE_OK;
}

static void
mem_shutdown(void *unused)
{
}

/* Under a sanitizer SQLite keeps malloc, where every block is checked. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED	1
#else
#define SANITIZED	0
#endif

/*
 * Make this SQLite's allocator; before SQLite's first use (sqlite_setup).
 */
void
store_mem_setup(void)
{
	static const sqlite3_mem_methods	 methods = {
		mem_malloc, mem_free, mem_realloc, mem_size, roundup,
		mem_init, mem_shutdown, NULL
	};

	if (!SANITIZED)
		sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
}
