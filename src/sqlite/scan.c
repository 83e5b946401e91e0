/*
 * sqlite/scan.c - many keys at a time: scans by filter (with
 * values and metakeys), deleting what a filter reaches, and the questions
 * asked of every key (a byte in their names, the next expiry).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "int.h"

/*
 * The smallest string greater than every string starting with prefix, in
 * byte order: the prefix with its last non-0xff byte incremented.  Returns
 * 0 when there is none (the prefix is all 0xff bytes).
 */
static int
prefix_end(const char *prefix, struct buf *out)
{
	size_t	 n = strlen(prefix);

	while (n > 0 && (unsigned char)prefix[n - 1] == 0xff)
		n--;
	if (n == 0)
		return 0;
	buf_reset(out);
	buf_add(out, prefix, n);
	out->data[n - 1] = (char)((unsigned char)out->data[n - 1] + 1);
	return 1;
}

/* " AND column >= ?lo AND (?hi IS NULL OR column < ?hi)" and the like. */
static void
condition(struct buf *b, enum store_match mode, const char *column, int arg)
{
	char	*c;

	if (mode == STORE_ANY)
		return;
	if (mode == STORE_EXACT)
		c = xasprintf(" AND %s = ?%d", column, arg);
	else
		c = xasprintf(" AND %s >= ?%d AND (?%d IS NULL OR %s < ?%d)",
		    column, arg, arg + 1, column, arg + 1);
	buf_adds(b, c);
	free(c);
}

/* The namespaces a filter can reach, in address order. */
static char *
ns_sql(const struct store_filter *f)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "SELECT project, name, tbl FROM sys_namespaces "
	    "WHERE " CTX_RANGE("project", 5, 6));
	condition(&b, f->mode[0], "project", 1);
	condition(&b, f->mode[1], "name", 3);
	buf_adds(&b, " ORDER BY project, name");
	return buf_detach(&b, NULL);
}

/*
 * One namespace's keys in a table (%s), in key order; or with wide, the
 * keys of every namespace of the view in the table, in address order.
 */
static char *
key_sql(enum store_match mode, int values, int wide)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "SELECT project, namespace, key, version, created, "
	    "updated");
	buf_adds(&b, values ? ", pd_value(value)" : ", NULL");
	buf_adds(&b, ", coalesce(expires, 0), coalesce(revision, 0)");
	if (wide)
		buf_adds(&b, " FROM %s WHERE " CTX_RANGE("project", 1, 2)
		    " AND (expires IS NULL OR expires > ?7) "
		    "ORDER BY project, namespace, key");
	else {
		buf_adds(&b, " FROM %s WHERE project = ?1 AND namespace = ?3 "
		    "AND (expires IS NULL OR expires > ?7)");
		condition(&b, mode, "key", 5);
		buf_adds(&b, " ORDER BY key");
	}
	return buf_detach(&b, NULL);
}

/* Bind filter level i's text to ?(2i+1), and a prefix's end to ?(2i+2). */
static void
bind_level(sqlite3_stmt *q, const struct store_filter *f, int i,
    struct buf *end)
{
	if (f->mode[i] == STORE_ANY)
		return;
	sqlite3_bind_text(q, i * 2 + 1, f->text[i], -1, SQLITE_STATIC);
	if (f->mode[i] == STORE_PREFIX && prefix_end(f->text[i], end))
		sqlite3_bind_text(q, i * 2 + 2, end->data, (int)end->len,
		    SQLITE_STATIC);
}

struct nsref {
	char	*project;
	char	*ns;
	char	*table;
};

/* Collect the namespaces the filter reaches (the list is small). */
static enum pd_status
reach(struct sqldb *st, const struct store_filter *f, struct nsref **out,
    size_t *n, char **cause)
{
	struct buf	 ends[2];
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		*sql = ns_sql(f);
	size_t		 cap = 0;
	int		 i, rc;

	*out = NULL;
	*n = 0;
	i = (int)f->mode[0] * 3 + (int)f->mode[1];
	s = store_prepare(st, sql, &st->ns_scan[i], cause);
	free(sql);
	if (s != PD_OK)
		return s;
	q = st->ns_scan[i];
	for (i = 0; i < 2; i++) {
		buf_init(&ends[i]);
		bind_level(q, f, i, &ends[i]);
	}
	store_ctx_range(st, q, 5);
	while ((rc = store_step(st, q)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*n].project = xstrdup((const char *)
		    sqlite3_column_text(q, 0));
		(*out)[*n].ns = xstrdup((const char *)sqlite3_column_text(q, 1));
		(*out)[(*n)++].table = xstrdup((const char *)
		    sqlite3_column_text(q, 2));
	}
	if (rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	for (i = 0; i < 2; i++)
		buf_release(&ends[i]);
	return s;
}

static void
refs_free(struct nsref *refs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(refs[i].project);
		free(refs[i].ns);
		free(refs[i].table);
	}
	free(refs);
}

/*
 * A namespace's metakeys, read alongside its keys: both come in key order,
 * so one pass over each hands every key its metakeys, where a query per
 * key (store_meta_list) cost an export three times the scan itself.
 */
struct metascan {
	sqlite3_stmt	*q;		/* NULL until the namespace's first key */
	int		 rc;		/* of its last step */
	int		 none;		/* no sys_meta: no key has metakeys */
	struct buf	 end;		/* the end of a key prefix's range */
	struct buf	 arena;		/* the current key's names and values */
	size_t		*off;		/* where each name and value starts */
	struct store_meta *v;
	size_t		 n, cap;
};

/* One store_scan. */
struct scan {
	struct sqldb	*st;
	const struct store_filter *f;
	int		 values;
	store_row_fn	 fn;
	void		*ctx;
	struct metascan	*m;		/* NULL: no metakeys asked for */
	sqlite3_stmt	*wide;		/* the view's keys in kv, or NULL */
	int		 wide_rc;	/* of its last step */
};

/* One namespace's metakeys of the keys a filter matches, in key order. */
static char *
meta_sql(enum store_match mode)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "SELECT key, name, value FROM sys_meta WHERE "
	    "project = ?1 AND namespace = ?3");
	condition(&b, mode, "key", 5);
	buf_adds(&b, " ORDER BY key, name");
	return buf_detach(&b, NULL);
}

static enum pd_status
meta_start(struct scan *sc, const struct nsref *r, char **cause)
{
	struct metascan	*m = sc->m;
	enum store_match mode = sc->f->mode[2];
	enum pd_status	 s;
	char		*sql = meta_sql(mode);

	s = store_prepare_made(sc->st, sql, &sc->st->meta_scan[mode],
	    "sys_meta", NULL, cause);
	free(sql);
	if (s != PD_OK)
		return s;
	if ((m->q = sc->st->meta_scan[mode]) == NULL) {
		m->none = 1;
		m->rc = SQLITE_DONE;
		return PD_OK;
	}
	sqlite3_bind_text(m->q, 1, r->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(m->q, 3, r->ns, -1, SQLITE_STATIC);
	bind_level(m->q, sc->f, 2, &m->end);
	m->rc = store_step(sc->st, m->q);
	return PD_OK;
}

static void
meta_end(struct scan *sc)
{
	if (sc->m == NULL || sc->m->q == NULL)
		return;
	sqlite3_reset(sc->m->q);
	sqlite3_clear_bindings(sc->m->q);
	sc->m->q = NULL;
}

/* Move m past the metakeys of keys before row's; hand row its own. */
static enum pd_status
meta_gather(struct sqldb *st, struct metascan *m, struct store_row *row,
    char **cause)
{
	size_t	 klen = strlen(row->key), i;
	int	 c;

	m->n = 0;
	buf_reset(&m->arena);
	for (; m->rc == SQLITE_ROW; m->rc = store_step(st, m->q)) {
		c = store_names_cmp((const char *)sqlite3_column_text(m->q, 0),
		    (size_t)sqlite3_column_bytes(m->q, 0), row->key, klen);
		if (c > 0)
			break;
		if (c < 0)
			continue;	/* a metakey of an expired key */
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 8;
			m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
			m->off = xrealloc(m->off, m->cap * 2 * sizeof(*m->off));
		}
		/* Offsets for now: the arena may move as it grows. */
		m->off[m->n * 2] = m->arena.len;
		buf_add(&m->arena, sqlite3_column_text(m->q, 1),
		    (size_t)sqlite3_column_bytes(m->q, 1) + 1);
		m->off[m->n * 2 + 1] = m->arena.len;
		m->v[m->n].vlen = (size_t)sqlite3_column_bytes(m->q, 2);
		buf_add(&m->arena, sqlite3_column_blob(m->q, 2),
		    m->v[m->n++].vlen);
	}
	if (m->rc != SQLITE_ROW && m->rc != SQLITE_DONE)
		return store_fail(st, m->rc, cause);
	for (i = 0; i < m->n; i++) {
		m->v[i].name = m->arena.data + m->off[i * 2];
		m->v[i].value = m->arena.data + m->off[i * 2 + 1];
	}
	row->meta = m->v;
	row->nmeta = m->n;
	return PD_OK;
}

/* Hand the row q stands on, a key of namespace r, to the callback. */
static enum pd_status
scan_row(struct scan *sc, const struct nsref *r, sqlite3_stmt *q,
    char **cause)
{
	struct store_row row;
	enum pd_status	 s;

	memset(&row, 0, sizeof(row));
	row.project = store_ctx_out(&sc->st->base,
	    (const char *)sqlite3_column_text(q, 0));
	row.ns = (const char *)sqlite3_column_text(q, 1);
	row.key = (const char *)sqlite3_column_text(q, 2);
	row.version = sqlite3_column_int64(q, 3);
	row.created = sqlite3_column_int64(q, 4);
	row.updated = sqlite3_column_int64(q, 5);
	row.value = sc->values ? store_column_value(q, 6) : NULL;
	row.vlen = sc->values ? (size_t)sqlite3_column_bytes(q, 6) : 0;
	row.expires = sqlite3_column_int64(q, 7);
	row.revision = sqlite3_column_int64(q, 8);
	if (sc->m != NULL && ((sc->m->q == NULL && !sc->m->none &&
	    (s = meta_start(sc, r, cause)) != PD_OK) ||
	    (s = meta_gather(sc->st, sc->m, &row, cause)) != PD_OK))
		return s;
	return sc->fn(sc->ctx, &row);
}

static enum pd_status
scan_ns(struct scan *sc, const struct nsref *r, char **cause)
{
	struct sqldb	*st = sc->st;
	struct kvtable	*t = store_table_named(st, r->table);
	struct buf	 end;
	sqlite3_stmt	*q;
	enum pd_status	 s = PD_OK;
	int		 rc, shape = (int)sc->f->mode[2] * 2 + sc->values;
	char		*tmpl;

	tmpl = key_sql(sc->f->mode[2], sc->values, 0);
	s = store_kvprepare(st, t, &t->scan[shape], tmpl, cause);
	free(tmpl);
	if (s != PD_OK)
		return s;
	q = t->scan[shape];
	buf_init(&end);
	sqlite3_bind_text(q, 1, r->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, util_now_ms());
	bind_level(q, sc->f, 2, &end);
	while ((rc = store_step(st, q)) == SQLITE_ROW)
		if ((s = scan_row(sc, r, q, cause)) != PD_OK)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = store_fail(st, rc, cause);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	meta_end(sc);
	buf_release(&end);
	return s;
}

/*
 * Namespace r's keys from the statement over the view's keys in kv, which
 * stands on the first row not yet handed over.  It reads a namespace after
 * another without a statement for each, which must compare every row with
 * its range's end: a quarter of a whole scan's time.  Rows of a namespace
 * that is not registered (there should be none) are skipped, as a
 * statement per namespace would never have seen them.
 */
static enum pd_status
scan_wide(struct scan *sc, const struct nsref *r, char **cause)
{
	struct sqldb	*st = sc->st;
	struct kvtable	*t = store_table_named(st, "kv");
	sqlite3_stmt	*q;
	enum pd_status	 s = PD_OK;
	int		 c;
	char		*tmpl;

	if (sc->wide == NULL) {
		tmpl = key_sql(STORE_ANY, sc->values, 1);
		s = store_kvprepare(st, t, &t->scan[TABLE_SCANS - 2 +
		    sc->values], tmpl, cause);
		free(tmpl);
		if (s != PD_OK)
			return s;
		sc->wide = q = t->scan[TABLE_SCANS - 2 + sc->values];
		store_ctx_range(st, q, 1);
		sqlite3_bind_int64(q, 7, util_now_ms());
		sc->wide_rc = store_step(st, q);
	}
	q = sc->wide;
	for (; sc->wide_rc == SQLITE_ROW; sc->wide_rc = store_step(st, q)) {
		if ((c = strcmp((const char *)sqlite3_column_text(q, 0),
		    r->project)) == 0)
			c = strcmp((const char *)sqlite3_column_text(q, 1),
			    r->ns);
		if (c > 0)
			break;
		if (c == 0 && (s = scan_row(sc, r, q, cause)) != PD_OK)
			break;
	}
	if (s == PD_OK && sc->wide_rc != SQLITE_ROW &&
	    sc->wide_rc != SQLITE_DONE)
		s = store_fail(st, sc->wide_rc, cause);
	meta_end(sc);
	return s;
}

/*
 * Scan namespace by namespace, each in its own table: the namespaces come
 * in order and each one's keys in order, so the whole is in address order.
 * Over the whole view, the namespaces in kv (most, often all) are read by
 * one statement, paused while another table's namespace is read.
 */
enum pd_status
sqlite_scan(struct store *base, const struct store_filter *f, int flags,
    store_row_fn fn, void *ctx, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 in = *f;
	struct metascan		 meta;
	struct scan		 sc;
	struct nsref		*refs;
	enum pd_status		 s;
	size_t			 i, n;
	int			 whole = f->mode[0] == STORE_ANY &&
	    f->mode[1] == STORE_ANY && f->mode[2] == STORE_ANY;

	if ((s = reach(st, &in, &refs, &n, cause)) != PD_OK)
		goto out;
	memset(&meta, 0, sizeof(meta));
	memset(&sc, 0, sizeof(sc));
	sc.st = st;
	sc.f = &in;
	sc.values = (flags & STORE_SCAN_VALUES) != 0;
	sc.fn = fn;
	sc.ctx = ctx;
	sc.m = flags & STORE_SCAN_META ? &meta : NULL;
	for (i = 0; i < n && s == PD_OK; i++)
		s = whole && strcmp(refs[i].table, "kv") == 0 ?
		    scan_wide(&sc, &refs[i], cause) :
		    scan_ns(&sc, &refs[i], cause);
	refs_free(refs, n);
	if (sc.wide != NULL) {
		sqlite3_reset(sc.wide);
		sqlite3_clear_bindings(sc.wide);
	}
	buf_release(&meta.end);
	buf_release(&meta.arena);
	free(meta.off);
	free(meta.v);
out:
	return s;
}

/* The keys of one namespace that store_del_many's caller chose. */
struct doomed {
	store_row_fn	 fn;
	void		*ctx;
	struct buf	 keys;		/* each followed by its NUL */
	size_t		 n;
};

static enum pd_status
doom(void *ctx, const struct store_row *r)
{
	struct doomed	*d = ctx;
	enum pd_status	 s = d->fn(d->ctx, r);

	if (s == PD_OK) {
		buf_add(&d->keys, r->key, strlen(r->key) + 1);
		d->n++;
	}
	return s == PD_MISS ? PD_OK : s;
}

/*
 * Namespace by namespace: its keys are chosen first, with the scan done
 * before any of them goes (a statement's view of rows deleted under it
 * is undefined), then deleted one by one as store_del deletes a key, so
 * each takes its revision and its "del" in the change log.
 */
static enum pd_status
del_many(struct sqldb *st, const struct store_filter *f, struct doomed *d,
    long long *count, char **cause)
{
	struct scan	 sc = { st, f, 0, doom, d, NULL, NULL, 0 };
	struct nsref	*refs;
	struct addr	 a;
	enum pd_status	 s;
	const char	*key;
	size_t		 i, k, n;

	if ((s = reach(st, f, &refs, &n, cause)) != PD_OK)
		return s;
	for (i = 0; i < n && s == PD_OK; i++) {
		buf_reset(&d->keys);
		d->n = 0;
		if ((s = scan_ns(&sc, &refs[i], cause)) != PD_OK)
			break;
		a.project = refs[i].project;	/* stored names already */
		a.ns = refs[i].ns;
		for (k = 0, key = d->keys.data; k < d->n && s == PD_OK; k++,
		    key += strlen(key) + 1) {
			a.key = (char *)key;
			if ((s = store_del_key(st, &a, cause)) == PD_OK)
				(*count)++;
			else if (s == PD_MISS)
				s = PD_OK;	/* it expired meanwhile */
		}
	}
	refs_free(refs, n);
	return s;
}

enum pd_status
sqlite_del_many(struct store *base, const struct store_filter *f,
    store_row_fn fn, void *ctx, long long *count, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 in = *f;
	struct doomed		 d;
	enum pd_status		 s;
	int			 own;

	*count = 0;
	d.fn = fn;
	d.ctx = ctx;
	d.n = 0;
	buf_init(&d.keys);
	if ((s = store_own_begin(st, &own, cause)) == PD_OK)
		s = store_own_end(st, own, del_many(st, &in, &d, count, cause),
		    cause);
	buf_release(&d.keys);
	return s;
}

/*
 * Whether a live key of table t holds c: in one namespace (r), or with r
 * NULL anywhere in the view.  LIKE '%c%' finds a byte as strcspn would
 * (none of the delimiters is a LIKE wildcard or a letter), and costs less
 * than instr().
 */
static enum pd_status
key_holds(struct sqldb *st, struct kvtable *t, const struct nsref *r,
    char c, int *found, char **cause)
{
	sqlite3_stmt	*q = NULL;
	enum pd_status	 s;
	char		 like[4] = { '%', c, '%', '\0' };
	int		 rc;

	s = store_kvprepare(st, t, &q, r != NULL ? "SELECT EXISTS (SELECT 1 "
	    "FROM %s WHERE project = ?1 AND namespace = ?2 AND key LIKE ?3 "
	    "AND (expires IS NULL OR expires > ?4))" : "SELECT EXISTS (SELECT "
	    "1 FROM %s WHERE " CTX_RANGE("project", 1, 2) " AND key LIKE ?3 "
	    "AND (expires IS NULL OR expires > ?4))", cause);
	if (s != PD_OK)
		return s;
	if (r != NULL) {
		sqlite3_bind_text(q, 1, r->project, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, r->ns, -1, SQLITE_STATIC);
	} else
		store_ctx_range(st, q, 1);
	sqlite3_bind_text(q, 3, like, 3, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, util_now_ms());
	if ((rc = store_step(st, q)) == SQLITE_ROW)
		*found = sqlite3_column_int(q, 0);
	else
		s = store_fail(st, rc, cause);
	sqlite3_finalize(q);
	return s;
}

enum pd_status
sqlite_keys_hold(struct store *base, char c, int *found, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 all;
	struct nsref		*refs;
	enum pd_status		 s;
	size_t			 i, j, n;

	*found = 0;
	memset(&all, 0, sizeof(all));
	if ((s = reach(st, &all, &refs, &n, cause)) != PD_OK)
		return s;
	/*
	 * First each table over the whole view in one statement (no range
	 * to check row by row); only if one holds c, namespace by namespace,
	 * for exactly the keys store_scan would hand over.
	 */
	for (i = 0; i < n && s == PD_OK && !*found; i++) {
		for (j = 0; j < i && strcmp(refs[j].table, refs[i].table); j++)
			;
		if (j == i)
			s = key_holds(st, store_table_named(st, refs[i].table),
			    NULL, c, found, cause);
	}
	if (s == PD_OK && *found) {
		*found = 0;
		for (i = 0; i < n && s == PD_OK && !*found; i++)
			s = key_holds(st, store_table_named(st, refs[i].table),
			    &refs[i], c, found, cause);
	}
	refs_free(refs, n);
	return s;
}

/* Lower *when to the expiry that q (bound, not yet stepped) finds. */
static enum pd_status
min_expiry(struct sqldb *st, sqlite3_stmt *q, long long *when, char **cause)
{
	long long	 t;
	int		 rc = store_step(st, q);

	if (rc != SQLITE_ROW)
		return store_fail(st, rc, cause);
	if (sqlite3_column_type(q, 0) != SQLITE_NULL &&
	    ((t = sqlite3_column_int64(q, 0)) < *when || *when == 0))
		*when = t;
	return PD_OK;
}

/* The earliest expiry after ?7 in one namespace the filter reaches. */
static enum pd_status
ns_expiry(struct sqldb *st, const struct nsref *r,
    const struct store_filter *f, long long after, long long *when,
    char **cause)
{
	struct kvtable	*t = store_table_named(st, r->table);
	struct buf	 sql, end;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		*text;
	int		 rc;

	buf_init(&sql);
	buf_adds(&sql, "SELECT min(expires) FROM %s WHERE project = ?1 AND "
	    "namespace = ?3 AND expires > ?7");
	condition(&sql, f->mode[2], "key", 5);
	text = xasprintf(sql.data, t->ident);
	buf_release(&sql);
	rc = sqlite3_prepare_v2(st->db, text, -1, &q, NULL);
	free(text);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, cause);
	buf_init(&end);
	sqlite3_bind_text(q, 1, r->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, after);
	bind_level(q, f, 2, &end);
	s = min_expiry(st, q, when, cause);
	sqlite3_finalize(q);
	buf_release(&end);
	return s;
}

/*
 * The earliest expiry after after among the view's keys in every table:
 * their indexes on expires say.
 */
static enum pd_status
all_expiry(struct sqldb *st, long long after, long long *when, char **cause)
{
	struct kvtable	*t;
	sqlite3_stmt	*q;
	enum pd_status	 s;
	char		**names, *sql;
	size_t		 i, n;
	int		 rc;

	if ((s = store_table_names(st, &names, &n, cause)) != PD_OK)
		return s;
	for (i = 0; i < n && s == PD_OK; i++) {
		t = store_table_named(st, names[i]);
		sql = xasprintf("SELECT min(expires) FROM %s WHERE expires > ?1 "
		    "AND project >= ?2 AND (?3 IS NULL OR project < ?3)",
		    t->ident);
		rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			s = store_fail(st, rc, cause);
			break;
		}
		sqlite3_bind_int64(q, 1, after);
		store_ctx_range(st, q, 2);
		s = min_expiry(st, q, when, cause);
		sqlite3_finalize(q);
	}
	store_names_free(names, n);
	return s;
}

enum pd_status
sqlite_next_expiry(struct store *base, const struct store_filter *f,
    long long after, long long *when, char **cause)
{
	struct sqldb	*st = sqlite_of(base);
	struct store_filter	 in = *f;
	struct nsref		*refs;
	enum pd_status		 s;
	size_t			 i, n;

	*when = 0;
	if (f->mode[0] == STORE_ANY)
		return all_expiry(st, after, when, cause);
	if ((s = reach(st, &in, &refs, &n, cause)) == PD_OK) {
		for (i = 0; i < n && s == PD_OK; i++)
			s = ns_expiry(st, &refs[i], &in, after, when, cause);
		refs_free(refs, n);
	}
	return s;
}
