/*
 * cli.h - the command line: global flags, and a verb made into a stream.
 */
#ifndef PRONTO_CLI_H
#define PRONTO_CLI_H

#include <stdio.h>

#include "status.h"
#include "util.h"

struct cli {
	const char	*home;
	const char	*db;
	const char	*select;	/* --select: switch to it and keep it */
	const char	*cursor;	/* --cursor: a cursor, this once */
	const char	*meta;		/* --meta: a meta context, this once */
	const char	*config;	/* --config: another config file */
	const char	*file;		/* -f: "-" is stdin */
	const char	*delim;
	const char	*project;
	const char	*ns;
	const char	*key;
	const char	*user;
	const char	*password_file;
	int		 dry_run;
	const char	*output;	/* --json, --tsv */
	int		 pretty;
	int		 header;	/* --tsv: a first row of column names */
	int		 single_tx;
	const char	*on_error;	/* "stop" or "continue", or NULL */
	int		 quiet;
	int		 help;
	int		 version;
	int		 verb;		/* stream holds the verb's statement */
	char		**words;	/* the verb and its words, as typed */
	int		 nwords;
	struct buf	 stream;
	char		*value;		/* `-`: standard input, which the */
	size_t		 value_len;	/* stream's {N} literal ending at */
	size_t		 value_at;	/* value_at stands for (lexer_splice) */
};

void		cli_init(struct cli *);
void		cli_release(struct cli *);
/*
 * Parse argv.  Flags before the verb are global; the verb and the words
 * after it become one statement in c->stream (`-` as a word reads stdin
 * into c->value, which a binary-safe literal of the stream stands for:
 * the caller splices it into the stream's lexer).  Returns PD_USAGE with
 * *cause on a mistake, PD_DATAERR for a value longer than PD_MAX_VALUE.
 */
enum pd_status	cli_parse(struct cli *, int argc, char **argv, char **cause);
void		cli_usage(FILE *);

/*
 * For completion, which reads the flags typed before the cursor: the
 * global flag argv[*i] (its value the next word, or after '='), set in c
 * as cli_parse would set it, *i moved past it; PD_USAGE when it is none
 * or lacks its value.
 */
enum pd_status	cli_global(struct cli *, int argc, char **argv, int *i,
		    char **cause);
/* Call fn with each global flag's spellings ("--db", "-d") and has_arg. */
void		cli_globals_each(void (*fn)(void *, const char *flag,
		    int has_arg), void *ctx);

#endif
