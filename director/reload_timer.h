/* director/reload_timer.h - reload_time_file / reload_repeat (docs/config.md): a file whose
 * first line is a time (HH:MM:SS) or date and time (YY-MM-DD HH:MM:SS or YYYY-MM-DD
 * HH:MM:SS), local time or UTC with a trailing 'Z'. The parent watches it (libev ev_stat) and
 * reloads at that time; the file is then removed unless reload_repeat (a time without a date
 * then reloads every day). */
#ifndef DIR_RELOAD_TIMER_H
#define DIR_RELOAD_TIMER_H

#include <time.h>

struct dir_daemon;
struct dir_reload_timer;

/* the time in text (one line, exactly one of the formats), relative to now: the next
 * occurrence for a time alone. 0 ok (*at set), -1 not a valid time. */
int dir_reload_time_parse(const char *text, time_t now, time_t *at);

/* start, move or stop the watch to match d->cfg (start and after each reload) */
void dir_reload_timer_apply(struct dir_daemon *d);
/* stop = 0 in a forked child: the watchers (and the inotify descriptor libev shares with
 * the parent) are the parent's; only the memory goes */
void dir_reload_timer_free(struct dir_reload_timer *t, int stop);

#endif
