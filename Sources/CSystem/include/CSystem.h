#ifndef KALYPSO_CSYSTEM_H
#define KALYPSO_CSYSTEM_H
/* Small POSIX helpers that Swift cannot reach through Glibc (feature macros, variadic ioctl). */
#include <sys/types.h>
#include <spawn.h>
#include <signal.h>

/* Unblock the signals a terminal program must see (a parent spawning us from a Task may have blocked them). */
void ks_unblock_terminal_signals(void);

/* Close every fd >= lowfd in the child of posix_spawn (glibc's addclosefrom_np). Returns 0 or an errno. */
int ks_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *fa, int lowfd);

/* Change directory in the child of posix_spawn (glibc's addchdir_np). */
int ks_spawn_file_actions_addchdir(posix_spawn_file_actions_t *fa, const char *path);

/* openpty with a window size; returns 0 or -1 with errno set. */
int ks_openpty(int *master, int *slave, unsigned short rows, unsigned short cols);

/* Set the window size of a terminal fd (TIOCSWINSZ). */
int ks_set_winsize(int fd, unsigned short rows, unsigned short cols);

/* Read the window size of a terminal fd (TIOCGWINSZ); returns 0 or -1. */
int ks_get_winsize(int fd, unsigned short *rows, unsigned short *cols);

/* Bytes waiting to be read on fd (FIONREAD), or -1. */
int ks_pending_bytes(int fd);

/* While a prompt has a terminal in no-echo mode: SIGINT, SIGTERM, SIGHUP and SIGQUIT (sent by another
   process; the prompt turns the keyboard's signal keys off) first put `saved` back on `fd`, then end the
   process as the signal would have. ks_tty_guard_begin returns 0, or -1 with errno set (nothing installed);
   ks_tty_guard_end puts the earlier handlers back. One guard at a time per process. */
struct termios;
int ks_tty_guard_begin(int fd, const struct termios *saved);
void ks_tty_guard_end(void);
#endif
