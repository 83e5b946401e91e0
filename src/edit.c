/*
 * edit.c - line editing on a terminal, by libedit loaded when needed.
 *
 * libedit (BSD licence) and what it links (libtinfo, libbsd, libmd) cost
 * a one-shot verb a quarter more instructions when linked into the binary
 * (callgrind, prontodb get: 1.84 to 2.35 million), so it is opened with
 * dlopen when a session starts and reached through a table of the few
 * functions used; histedit.h gives their types and constants only.
 * EDIT_LIBRARY, the library's file name, comes from configure.
 *
 * libedit calls the prompt and completion functions back with nothing
 * but its EditLine, and a process has one terminal: the session being
 * edited is a static.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <wchar.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <histedit.h>

#include "complete.h"
#include "edit.h"
#include "text.h"
#include "util.h"

#ifndef EDIT_LIBRARY
#define EDIT_LIBRARY	"libedit.so.2"
#endif

/* Lines the arrow keys can recall. */
#define EDIT_HISTORY	1000

struct edit {
	void		*lib;
	EditLine	*(*el_init)(const char *, FILE *, FILE *, FILE *);
	void		 (*el_end)(EditLine *);
	const char	*(*el_gets)(EditLine *, int *);
	int		 (*el_set)(EditLine *, int, ...);
	const LineInfo	*(*el_line)(EditLine *);
	int		 (*el_insertstr)(EditLine *, const char *);
	History		*(*history_init)(void);
	void		 (*history_end)(History *);
	int		 (*history)(History *, HistEvent *, int, ...);

	EditLine	*el;
	History		*hist;
	const char	*prompt;
	edit_complete_fn complete;
	void		*complete_ctx;
	char		*line;		/* the last line, without newline */
};

static struct edit		*current;
static volatile sig_atomic_t	 interrupt;
static struct termios		 saved_tty;	/* as the session found it */
static struct termios		 between;	/* between lines */
static int			 tty_changed;

static void
restore_tty(void)
{
	if (tty_changed)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tty);
	tty_changed = 0;
}

/* A signal that ends the process leaves the terminal as it was found. */
static void
on_fatal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/*
 * Between lines, while a statement runs, the terminal neither echoes nor
 * waits for a whole line: what is typed ahead waits, unseen, for the
 * editor, which shows it after the prompt (echoed by the terminal first
 * it would show twice), and a Ctrl-D typed ahead is a key like any other
 * instead of an end of input that the switch to the editor's mode would
 * lose.
 */
static void
quiet_tty(void)
{
	size_t	 i;

	if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
		return;
	between = saved_tty;
	between.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
	between.c_cc[VMIN] = 1;
	between.c_cc[VTIME] = 0;
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		signal(fatal_signals[i], on_fatal);
	tty_changed = tcsetattr(STDIN_FILENO, TCSADRAIN, &between) == 0;
}

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupt = 1;
}

/*
 * Ctrl-C while a line is read: the read fails with EINTR (no SA_RESTART)
 * and the line is dropped.  While a statement runs the default applies,
 * as in any stream.
 */
static void
catch_interrupt(struct sigaction *old)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	interrupt = 0;
	sigaction(SIGINT, &sa, old);
}

/* The signal mask to wait for a key under: SIGINT let through. */
static sigset_t			 waiting;

/*
 * libedit's reading of a key, so that Ctrl-C is seen wherever it comes:
 * SIGINT is blocked while a line is edited and let through only while
 * pselect waits for a key, so it cannot slip in between the check of the
 * flag and the wait (when it would be lost until the next key).  The
 * bytes of a multibyte character are put together as libedit's own
 * reader does; one that is not valid in the locale passes as itself.
 */
static int
getc_fn(EditLine *el, wchar_t *wc)
{
	mbstate_t	 st;
	fd_set		 fds;
	ssize_t		 r;
	size_t		 m;
	char		 c;

	(void)el;
	memset(&st, 0, sizeof(st));
	for (;;) {
		if (interrupt) {
			errno = EINTR;
			return -1;
		}
		FD_ZERO(&fds);
		FD_SET(STDIN_FILENO, &fds);
		if (pselect(STDIN_FILENO + 1, &fds, NULL, NULL, NULL,
		    &waiting) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((r = read(STDIN_FILENO, &c, 1)) == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		m = mbrtowc(wc, &c, 1, &st);
		if (m == (size_t)-2)
			continue;
		if (m == (size_t)-1)
			*wc = (wchar_t)(unsigned char)c;
		return 1;
	}
}

static char *
prompt_fn(EditLine *el)
{
	(void)el;
	return (char *)current->prompt;
}

/* Print the candidates in columns under the line being edited. */
static void
list(const struct complete_list *l)
{
	size_t	 i, w = 0, n, cols;
	int	 width = text_width(STDOUT_FILENO);

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) > w)
			w = strlen(l->v[i]);
	cols = (size_t)width / (w + 2);
	if (cols == 0)
		cols = 1;
	fputc('\n', stdout);
	for (i = 0, n = 0; i < l->n; i++) {
		fprintf(stdout, "%-*s", (int)(w + 2), l->v[i]);
		if (++n == cols || i + 1 == l->n) {
			fputc('\n', stdout);
			n = 0;
		}
	}
	fflush(stdout);
}

/*
 * The tab key: complete the word before the cursor as far as all
 * candidates agree; one candidate that is a whole word gets a space
 * after it; several that agree no further are listed.
 */
static unsigned char
complete_fn(EditLine *el, int ch)
{
	struct edit		*ed = current;
	const LineInfo		*li = ed->el_line(el);
	struct complete_list	 l;
	size_t			 start = 0, typed, common, i;
	char			*add;
	unsigned char		 r = CC_REFRESH;

	(void)ch;
	memset(&l, 0, sizeof(l));
	ed->complete(ed->complete_ctx, li->buffer,
	    (size_t)(li->cursor - li->buffer), &start, &l);
	if (l.n == 0) {
		complete_release(&l);
		return CC_ERROR;
	}
	typed = (size_t)(li->cursor - li->buffer) - start;
	common = strlen(l.v[0]);
	for (i = 1; i < l.n; i++)
		while (common > 0 && strncmp(l.v[0], l.v[i], common) != 0)
			common--;
	if (common > typed || l.n == 1) {
		add = xasprintf("%.*s%s", (int)(common - typed),
		    l.v[0] + typed, l.n == 1 && common > 0 &&
		    !ispunct((unsigned char)l.v[0][common - 1]) ? " " : "");
		if (*add != '\0')
			ed->el_insertstr(el, add);
		free(add);
	} else {
		list(&l);
		r = CC_REDISPLAY;
	}
	complete_release(&l);
	return r;
}

/* Resolve name from the library into *fp, a function pointer's bytes. */
static int
sym(struct edit *ed, const char *name, void *fp, size_t size)
{
	void	*p = dlsym(ed->lib, name);

	if (p == NULL || size != sizeof(p))
		return -1;
	memcpy(fp, &p, size);
	return 0;
}

#define SYM(ed, f)	sym(ed, #f, &(ed)->f, sizeof((ed)->f))

struct edit *
edit_open(char **cause)
{
	struct edit	*ed = xcalloc(1, sizeof(*ed));
	HistEvent	 ev;

	/* Characters as the terminal has them (UTF-8), for the editor. */
	setlocale(LC_CTYPE, "");
	if ((ed->lib = dlopen(EDIT_LIBRARY, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		*cause = xasprintf("no line editing: %s", dlerror());
		free(ed);
		return NULL;
	}
	if (SYM(ed, el_init) != 0 || SYM(ed, el_end) != 0 ||
	    SYM(ed, el_gets) != 0 || SYM(ed, el_set) != 0 ||
	    SYM(ed, el_line) != 0 || SYM(ed, el_insertstr) != 0 ||
	    SYM(ed, history_init) != 0 || SYM(ed, history_end) != 0 ||
	    SYM(ed, history) != 0 ||
	    (ed->el = ed->el_init("prontodb", stdin, stdout, stderr)) ==
	    NULL || (ed->hist = ed->history_init()) == NULL) {
		*cause = xasprintf("no line editing: %s does not work",
		    EDIT_LIBRARY);
		edit_close(ed);
		return NULL;
	}
	current = ed;
	ed->history(ed->hist, &ev, H_SETSIZE, EDIT_HISTORY);
	ed->history(ed->hist, &ev, H_SETUNIQUE, 1);
	ed->el_set(ed->el, EL_EDITOR, "emacs");
	ed->el_set(ed->el, EL_HIST, ed->history, ed->hist);
	ed->el_set(ed->el, EL_PROMPT, prompt_fn);
	ed->el_set(ed->el, EL_GETCFN, getc_fn);
	quiet_tty();
	return ed;
}

void
edit_close(struct edit *ed)
{
	size_t	 i;

	if (ed == NULL)
		return;
	restore_tty();
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		signal(fatal_signals[i], SIG_DFL);
	if (ed->el != NULL)
		ed->el_end(ed->el);
	if (ed->hist != NULL)
		ed->history_end(ed->hist);
	/*
	 * The library stays loaded: what it and libtinfo keep for the
	 * process (the terminal's description) would dangle if unloaded.
	 */
	free(ed->line);
	if (current == ed)
		current = NULL;
	free(ed);
}

const char *
edit_gets(struct edit *ed, const char *prompt, int *interrupted)
{
	struct sigaction	 old;
	sigset_t		 block, mask;
	const char		*s;
	int			 n = 0;

	ed->prompt = prompt;
	catch_interrupt(&old);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &mask);
	waiting = mask;
	sigdelset(&waiting, SIGINT);
	s = ed->el_gets(ed->el, &n);
	/* libedit leaves the terminal as it found it at el_init. */
	if (tty_changed)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &between);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	sigaction(SIGINT, &old, NULL);
	*interrupted = interrupt;
	if (interrupt) {
		fputc('\n', stdout);
		fflush(stdout);
	}
	if (s == NULL || n <= 0)
		return NULL;
	free(ed->line);
	ed->line = xstrdup(s);
	ed->line[strcspn(ed->line, "\n")] = '\0';
	return ed->line;
}

void
edit_remember(struct edit *ed, const char *line)
{
	HistEvent	 ev;

	if (ed != NULL && *line != '\0')
		ed->history(ed->hist, &ev, H_ENTER, line);
}

void
edit_set_complete(struct edit *ed, edit_complete_fn fn, void *ctx)
{
	ed->complete = fn;
	ed->complete_ctx = ctx;
	ed->el_set(ed->el, EL_ADDFN, "pd-complete", "complete the word",
	    complete_fn);
	ed->el_set(ed->el, EL_BIND, "^I", "pd-complete", NULL);
}

char *
edit_plain(const char *prompt, int echo, int *interrupted)
{
	struct sigaction	 old;
	struct termios		 t, saved;
	struct buf		 b;
	ssize_t			 r;
	char			 c;
	int			 quiet = !echo && tcgetattr(STDIN_FILENO, &t) == 0;

	/* No echo before the prompt shows: what is typed after it is hidden. */
	if (quiet) {
		saved = t;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
	}
	if (prompt != NULL) {
		fputs(prompt, stdout);
		fflush(stdout);
	}
	buf_init(&b);
	catch_interrupt(&old);
	/* A byte at a time: what follows the line stays for the editor. */
	while ((r = read(STDIN_FILENO, &c, 1)) == 1 && c != '\n')
		buf_addc(&b, c);
	sigaction(SIGINT, &old, NULL);
	*interrupted = interrupt;
	if (quiet) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
		fputc('\n', stdout);
	} else if (interrupt)
		fputc('\n', stdout);
	fflush(stdout);
	if (r != 1 && b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	buf_addc(&b, '\0');
	return buf_detach(&b, NULL);
}
