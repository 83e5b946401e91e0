/*
 * gen.c - bench-gen: deterministic workload streams for the benchmarks.
 *
 *	bench-gen [-n N] [-b FIRST] [-s SEED] [-S] [-f FORMAT]
 *
 * Writes rows FIRST .. FIRST+N-1 of an endless, seeded table to stdout in
 * one of several formats, so every tool under test reads the same rows:
 *
 *	pds	set P.N.K VALUE			(prontodb's stream language)
 *	tsv	P <tab> N <tab> K <tab> VALUE	(the C baselines)
 *	sql	a script for the sqlite3 CLI: the schema of the baselines, the
 *		same pragmas, and every row as INSERT OR REPLACE in one
 *		transaction
 *	resp	SET P.N.K VALUE in the Redis protocol, for redis-cli --pipe
 *
 * Row i lives in project p0..p9 and namespace n0..n9 (10 x 10 scopes
 * chosen by a hash of i), has a 16-byte key "k" + 15 hex digits that is a
 * bijection of i (so keys never collide, whatever N), and a value of 20 to
 * 100 alphanumeric bytes drawn from a generator seeded by i.  A row depends
 * only on SEED and i: the first N rows of a 4N stream are the N-row
 * stream, and -b picks disjoint ranges for concurrent writers.
 *
 * The default order is row order, which is random key order because keys
 * are hashes of i; -S sorts the rows by (project, namespace, key), the
 * primary-key order of the store.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY_BITS	60
#define KEY_MASK	((UINT64_C(1) << KEY_BITS) - 1)
#define VALUE_MIN	20
#define VALUE_MAX	100

enum fmt {
	FMT_PDS,
	FMT_TSV,
	FMT_SQL,
	FMT_RESP
};

struct row {
	uint64_t	 key;		/* 60-bit key number */
	uint64_t	 index;		/* row number, seeds the value */
	unsigned char	 project;
	unsigned char	 namespace;
};

static uint64_t	 seed = 1;

static const char alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
die(const char *msg)
{
	fprintf(stderr, "bench-gen: %s\n", msg);
	exit(1);
}

/* splitmix64's finalizer: a good 64-bit mix. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/*
 * A bijection on 60-bit numbers: every step (xor with a right shift,
 * multiplication by an odd constant, addition, all modulo 2^60) can be
 * undone, so distinct rows always get distinct keys.
 */
static uint64_t
key_of(uint64_t i)
{
	uint64_t	 x = (i + seed * UINT64_C(0x9e3779b97f4a7c15)) &
	    KEY_MASK;

	x ^= x >> 29;
	x = (x * UINT64_C(0xbf58476d1ce4e5b9)) & KEY_MASK;
	x ^= x >> 31;
	x = (x * UINT64_C(0x94d049bb133111eb)) & KEY_MASK;
	x ^= x >> 30;
	return x;
}

static void
row_make(struct row *r, uint64_t i)
{
	uint64_t	 h = mix64(i ^ (seed << 32) ^ UINT64_C(0x5851f42d4c957f2d));

	r->index = i;
	r->key = key_of(i);
	r->project = h % 10;
	r->namespace = (h >> 16) % 10;
}

/* The value of row i: 20..100 alphanumeric bytes; returns its length. */
static size_t
row_value(const struct row *r, char *buf)
{
	uint64_t	 state = mix64(r->index * 2 + 1 + seed * 7919);
	uint64_t	 bits = 0;
	size_t		 len, j;
	int		 have = 0;

	len = VALUE_MIN + mix64(state ^ 0xabcdef) % (VALUE_MAX - VALUE_MIN + 1);
	for (j = 0; j < len; j++) {
		if (have < 6) {
			state += UINT64_C(0x9e3779b97f4a7c15);
			bits = mix64(state);
			have = 64;
		}
		buf[j] = alphabet[(bits & 63) % 62];
		bits >>= 6;
		have -= 6;
	}
	buf[len] = '\0';
	return len;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row	*x = a, *y = b;

	if (x->project != y->project)
		return x->project < y->project ? -1 : 1;
	if (x->namespace != y->namespace)
		return x->namespace < y->namespace ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return 0;
}

static void
row_write(const struct row *r, enum fmt f)
{
	char	 val[VALUE_MAX + 1], key[24];
	size_t	 vlen = row_value(r, val);

	snprintf(key, sizeof(key), "k%015llx", (unsigned long long)r->key);
	switch (f) {
	case FMT_PDS:
		printf("set p%u.n%u.%s %s\n", r->project, r->namespace, key,
		    val);
		break;
	case FMT_TSV:
		printf("p%u\tn%u\t%s\t%s\n", r->project, r->namespace, key,
		    val);
		break;
	case FMT_SQL:
		printf("INSERT OR REPLACE INTO kv VALUES('p%u','n%u','%s',"
		    "'%s');\n", r->project, r->namespace, key, val);
		break;
	case FMT_RESP:
		printf("*3\r\n$3\r\nSET\r\n$%zu\r\np%u.n%u.%s\r\n$%zu\r\n%s\r\n",
		    strlen(key) + 6, r->project, r->namespace, key, vlen, val);
		break;
	}
}

static uint64_t
number(const char *s, const char *what)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-') {
		fprintf(stderr, "bench-gen: bad %s '%s'\n", what, s);
		exit(64);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-gen [-n N] [-b FIRST] [-s SEED] [-S] "
	    "[-f pds|tsv|sql|resp]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	static char	 obuf[1 << 16];
	enum fmt	 f = FMT_PDS;
	uint64_t	 n = 1000000, first = 0, i;
	int		 sorted = 0, c;

	while ((c = getopt(argc, argv, "b:f:n:s:S")) != -1) {
		switch (c) {
		case 'b':
			first = number(optarg, "first row");
			break;
		case 'f':
			if (strcmp(optarg, "pds") == 0)
				f = FMT_PDS;
			else if (strcmp(optarg, "tsv") == 0)
				f = FMT_TSV;
			else if (strcmp(optarg, "sql") == 0)
				f = FMT_SQL;
			else if (strcmp(optarg, "resp") == 0)
				f = FMT_RESP;
			else
				usage();
			break;
		case 'n':
			n = number(optarg, "row count");
			break;
		case 's':
			seed = number(optarg, "seed");
			break;
		case 'S':
			sorted = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (first + n < first || first + n > KEY_MASK)
		die("row range too large");
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	if (f == FMT_SQL)
		printf("PRAGMA journal_mode = WAL;\n"
		    "PRAGMA synchronous = NORMAL;\n"
		    "PRAGMA cache_size = -32768;\n"
		    "CREATE TABLE IF NOT EXISTS kv(project TEXT NOT NULL, "
		    "namespace TEXT NOT NULL, key TEXT NOT NULL, "
		    "value BLOB NOT NULL, "
		    "PRIMARY KEY(project, namespace, key)) WITHOUT ROWID;\n"
		    "BEGIN;\n");
	if (sorted) {
		struct row	*rows;

		if (n > SIZE_MAX / sizeof(*rows))
			die("too many rows to sort");
		if ((rows = malloc(n * sizeof(*rows) + 1)) == NULL)
			die("out of memory");
		for (i = 0; i < n; i++)
			row_make(&rows[i], first + i);
		qsort(rows, n, sizeof(*rows), row_cmp);
		for (i = 0; i < n; i++)
			row_write(&rows[i], f);
		free(rows);
	} else {
		struct row	 r;

		for (i = 0; i < n; i++) {
			row_make(&r, first + i);
			row_write(&r, f);
		}
	}
	if (f == FMT_SQL)
		printf("COMMIT;\n");
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error on stdout");
	return 0;
}
