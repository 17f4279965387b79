#define _GNU_SOURCE 1
#include "CSystem.h"
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <pthread.h>
#include <errno.h>

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
