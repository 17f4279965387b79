#define _GNU_SOURCE 1
#include "CSystem.h"
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <pthread.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

void ks_unblock_terminal_signals(void) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGWINCH); sigaddset(&s, SIGINT); sigaddset(&s, SIGTERM); sigaddset(&s, SIGHUP);
    sigaddset(&s, SIGTSTP); sigaddset(&s, SIGCONT); sigaddset(&s, SIGQUIT); sigaddset(&s, SIGCHLD);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

int ks_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *fa, int lowfd) {
    return posix_spawn_file_actions_addclosefrom_np(fa, lowfd);
}

int ks_spawn_file_actions_addchdir(posix_spawn_file_actions_t *fa, const char *path) {
    return posix_spawn_file_actions_addchdir_np(fa, path);
}

int ks_openpty(int *master, int *slave, unsigned short rows, unsigned short cols) {
    struct winsize ws = { .ws_row = rows, .ws_col = cols, .ws_xpixel = 0, .ws_ypixel = 0 };
    return openpty(master, slave, NULL, NULL, &ws);
}

int ks_set_winsize(int fd, unsigned short rows, unsigned short cols) {
    struct winsize ws = { .ws_row = rows, .ws_col = cols, .ws_xpixel = 0, .ws_ypixel = 0 };
    return ioctl(fd, TIOCSWINSZ, &ws);
}

int ks_get_winsize(int fd, unsigned short *rows, unsigned short *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col;
    return 0;
}

int ks_pending_bytes(int fd) {
    int n = 0;
    if (ioctl(fd, FIONREAD, &n) != 0) return -1;
    return n;
}

/* The terminal a password prompt has in no-echo mode, and the mode to put back if a signal ends the process
   first. Written before the handlers are installed and read only by them (async-signal-safe: tcsetattr,
   sigaction and raise are). */
static const int ks_guarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define KS_GUARDED_COUNT (sizeof ks_guarded_signals / sizeof ks_guarded_signals[0])
static volatile sig_atomic_t ks_guard_fd = -1;
static struct termios ks_guard_saved;
static struct sigaction ks_guard_previous[KS_GUARDED_COUNT];

static void ks_tty_guard_handler(int sig) {
    int saved_errno = errno;
    if (ks_guard_fd >= 0) {
        tcsetattr(ks_guard_fd, TCSAFLUSH, &ks_guard_saved);
        (void)!write(ks_guard_fd, "\n", 1);
    }
    /* End as the signal would have without us: the earlier disposition takes it (the default: the
       process ends by this signal, as its parent expects). */
    for (size_t i = 0; i < KS_GUARDED_COUNT; i++) {
        if (ks_guarded_signals[i] != sig) continue;
        sigaction(sig, &ks_guard_previous[i], NULL);
        if (ks_guard_previous[i].sa_handler == SIG_IGN) { errno = saved_errno; return; }
    }
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    raise(sig);
    errno = saved_errno;
}

int ks_tty_guard_begin(int fd, const struct termios *saved) {
    ks_guard_saved = *saved;
    ks_guard_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ks_tty_guard_handler;
    sigfillset(&action.sa_mask);
    for (size_t i = 0; i < KS_GUARDED_COUNT; i++) {
        if (sigaction(ks_guarded_signals[i], &action, &ks_guard_previous[i]) != 0) {
            int e = errno;
            for (size_t j = 0; j < i; j++) sigaction(ks_guarded_signals[j], &ks_guard_previous[j], NULL);
            ks_guard_fd = -1;
            errno = e;
            return -1;
        }
    }
    return 0;
}

void ks_tty_guard_end(void) {
    for (size_t i = 0; i < KS_GUARDED_COUNT; i++) sigaction(ks_guarded_signals[i], &ks_guard_previous[i], NULL);
    ks_guard_fd = -1;
}
