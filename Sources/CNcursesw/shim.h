#ifndef KALYPSO_CNCURSESW_SHIM_H
#define KALYPSO_CNCURSESW_SHIM_H
/*
 * ncursesw for Swift. SwiftPM drops the -D flags of ncursesw's pkg-config file, so the wide-character
 * switches are set here, before <ncurses.h>. Everything Swift 6 cannot import (macros, C globals that
 * are "not concurrency-safe", variadic functions) gets a static inline wrapper prefixed kc_.
 */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ncurses.h>
#include <term.h>
#include <langinfo.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#if !NCURSES_WIDECHAR
#error "ncurses wide-character API not enabled"
#endif

/* C globals */
static inline WINDOW *kc_stdscr(void) { return stdscr; }
static inline int kc_lines(void) { return LINES; }
static inline int kc_cols(void) { return COLS; }
static inline int kc_colors(void) { return COLORS; }
static inline int kc_color_pairs(void) { return COLOR_PAIRS; }

/* function-like macros */
static inline int kc_key_f(int n) { return KEY_F(n); }
static inline void kc_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }

/* attribute bits (NCURSES_BITS shift macros) */
static inline attr_t kc_a_normal(void) { return A_NORMAL; }
static inline attr_t kc_a_bold(void) { return A_BOLD; }
static inline attr_t kc_a_dim(void) { return A_DIM; }
static inline attr_t kc_a_italic(void) { return A_ITALIC; }
static inline attr_t kc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t kc_a_reverse(void) { return A_REVERSE; }
static inline attr_t kc_a_blink(void) { return A_BLINK; }

/* One wide character (a grapheme of up to a few code points) with attributes and an extended colour pair. */
static inline int kc_mvadd_wchstr(WINDOW *w, int y, int x, const wchar_t *chars, attr_t attrs, int pair) {
    cchar_t cc;
    if (setcchar(&cc, chars, attrs, 0, &pair) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &cc);
}

/* terminfo string capability, or NULL when absent/cancelled */
static inline const char *kc_tigetstr(const char *name) {
    char *s = tigetstr((char *)name);
    if (s == NULL || s == (char *)-1) return NULL;
    return s;
}

/* terminfo numeric capability; -1 absent, -2 not numeric */
static inline int kc_tigetnum(const char *name) { return tigetnum((char *)name); }
/* terminfo boolean capability; 1 present, 0 absent, -1 not boolean */
static inline int kc_tigetflag(const char *name) { return tigetflag((char *)name); }

/*
 * initscr() exit(1)s from inside the library on a bad TERM. This checks the terminal first and
 * returns NULL with a message instead, so the caller can print a clear error and a suggestion.
 */
static inline SCREEN *kc_newterm_checked(const char *term, FILE *out, FILE *in, char *err, size_t n) {
    int errret = 0;
    const char *t = term ? term : getenv("TERM");
    if (t == NULL || *t == '\0') { snprintf(err, n, "TERM is not set"); return NULL; }
    if (setupterm((char *)t, fileno(out), &errret) != OK) {
        snprintf(err, n, errret == 0 ? "terminal type '%s' is not in the terminfo database"
                                     : "the terminfo database could not be found (TERM=%s)", t);
        return NULL;
    }
    if (kc_tigetstr("cup") == NULL) {
        snprintf(err, n, "terminal type '%s' cannot move the cursor (no 'cup' capability)", t);
        del_curterm(cur_term);
        return NULL;
    }
    del_curterm(cur_term);
    SCREEN *s = newterm((char *)t, out, in);
    if (s == NULL) snprintf(err, n, "newterm(%s) failed", t);
    return s;
}

/* The locale's character set after setlocale(LC_ALL, ""), e.g. "UTF-8" or "ANSI_X3.4-1968". */
static inline const char *kc_codeset(void) { return nl_langinfo(CODESET); }

/* The C library's stdout/stdin as FILE* (the globals are not importable in Swift 6). */
static inline FILE *kc_stdout(void) { return stdout; }
static inline FILE *kc_stdin(void) { return stdin; }

/* Redraw everything on the next refresh of curscr (the screen may hold garbage). */
static inline int kc_clearok_curscr(void) { return clearok(curscr, TRUE); }

/* A key or character: returns OK (character in *ch), KEY_CODE_YES (key code in *ch) or ERR (timeout). */
static inline int kc_get_wch(WINDOW *w, int *ch) {
    wint_t c = 0;
    int r = wget_wch(w, &c);
    *ch = (int)c;
    return r;
}

/*
 * One endwin/doupdate cycle (ncurses 6.4 flushes after every cursor move until the screen has been
 * through endwin once) without the terminal seeing it: the cycle leaves and re-enters the alternate
 * screen, which flashes. What ncurses holds is flushed first (the first doupdate), then the output
 * descriptor points at /dev/null for the cycle and is put back. The terminal keeps the state it was
 * left in (alternate screen, keypad mode, hidden cursor), which is the state ncurses resumes to.
 * Returns 0, or -1 when the descriptor could not be redirected (then the cycle runs visibly).
 */
static inline int kc_settle_output_quietly(int outfd) {
    doupdate();
    int saved = dup(outfd);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved < 0 || null < 0 || dup2(null, outfd) < 0) {
        if (saved >= 0) close(saved);
        if (null >= 0) close(null);
        endwin();
        doupdate();
        return -1;
    }
    endwin();
    doupdate();
    dup2(saved, outfd);
    close(saved);
    close(null);
    return 0;
}

/* Whether ESCDELAY was given in the environment (then we leave ncurses' value alone). */
static inline int kc_escdelay(void) { return ESCDELAY; }

/* The character (up to n-1 wide chars, NUL-terminated), attributes and extended pair of one cell. */
static inline int kc_cell_at(WINDOW *w, int y, int x, wchar_t *buf, int n, attr_t *attrs, int *pair) {
    cchar_t cc;
    short p16 = 0;
    wchar_t tmp[CCHARW_MAX + 1];
    if (mvwin_wch(w, y, x, &cc) == ERR) return ERR;
    if (getcchar(&cc, tmp, attrs, &p16, pair) == ERR) return ERR;
    int i = 0;
    for (; i < n - 1 && i < CCHARW_MAX && tmp[i] != 0; i++) buf[i] = tmp[i];
    buf[i] = 0;
    return OK;
}
#endif
