/* director/reload_timer.c - scheduled reloads from reload_time_file (see reload_timer.h). */
#include "director/reload_timer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ev.h>
#include "director/daemon.h"
#include "director/globals.h"
#include "lib/log.h"

struct dir_reload_timer {
	struct dir_daemon *d;
	char *path;                 /* NULL: not configured */
	int repeat;
	ev_stat st;
	ev_periodic at;
};

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* "HH:MM:SS" at s */
static int parse_hms(const char *s, struct tm *tm)
{
	if (s[2] != ':' || s[5] != ':' || digits(s, 2, &tm->tm_hour) ||
	    digits(s + 3, 2, &tm->tm_min) || digits(s + 6, 2, &tm->tm_sec))
		return -1;
	return tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 59 ? -1 : 0;
}

static time_t make_time(struct tm *tm, int utc)
{
	tm->tm_isdst = -1;
	return utc ? timegm(tm) : mktime(tm);
}

int dir_reload_time_parse(const char *text, time_t now, time_t *at)
{
	size_t n = strcspn(text, "\n");
	int utc = n && text[n - 1] == 'Z';
	struct tm tm, today;
	int y, mon, day;

	if (utc)
		n--;
	memset(&tm, 0, sizeof(tm));
	if (n == 8) {                                   /* HH:MM:SS: the next one */
		if (parse_hms(text, &tm))
			return -1;
		if (utc)
			gmtime_r(&now, &today);
		else
			localtime_r(&now, &today);
		tm.tm_year = today.tm_year;
		tm.tm_mon = today.tm_mon;
		tm.tm_mday = today.tm_mday;
		*at = make_time(&tm, utc);
		if (*at <= now) {
			tm.tm_mday++;                       /* normalised by mktime/timegm */
			*at = make_time(&tm, utc);
		}
		return *at == (time_t)-1 ? -1 : 0;
	}
	if (n == 17 && !digits(text, 2, &y) && text[2] == '-')
		y += 2000;
	else if (n == 19 && !digits(text, 4, &y) && text[4] == '-')
		text += 2;                              /* same layout as YY from here */
	else
		return -1;
	if (digits(text + 3, 2, &mon) || text[5] != '-' || digits(text + 6, 2, &day) ||
	    text[8] != ' ' || parse_hms(text + 9, &tm) || mon < 1 || mon > 12 || day < 1 ||
	    day > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	*at = make_time(&tm, utc);
	return *at == (time_t)-1 || tm.tm_mday != day ? -1 : 0;    /* 31 February is no date */
}

/* read the file and arm (or disarm) the reload */
static void reread(struct dir_reload_timer *t)
{
	char buf[64] = "";
	time_t at, now = time(NULL);
	FILE *f;

	ev_periodic_stop(t->d->loop, &t->at);
	if (!t->path)
		return;
	f = fopen(t->path, "re");
	if (!f)
		return;                 /* no file: no reload scheduled */
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (dir_reload_time_parse(buf, now, &at) < 0) {
		tdm_log_warn("reload_time_file %s: '%.*s' is not HH:MM:SS, YY-MM-DD HH:MM:SS or "
		             "YYYY-MM-DD HH:MM:SS (optionally with Z): no reload scheduled", t->path,
		             (int)strcspn(buf, "\n"), buf);
		return;
	}
	if (at <= now) {
		tdm_log_info("reload_time_file %s: the time is past: no reload scheduled", t->path);
		return;
	}
	ev_periodic_set(&t->at, (ev_tstamp)at, 0., NULL);
	ev_periodic_start(t->d->loop, &t->at);
	tdm_log_info("reload_time_file %s: reload scheduled in %lld s", t->path,
	             (long long)(at - now));
}

static void on_time(struct ev_loop *loop, ev_periodic *w, int revents)
{
	struct dir_reload_timer *t = w->data;

	if (t->path && !t->repeat && unlink(t->path) < 0 && errno != ENOENT)
		tdm_log_warn("reload_time_file %s: unlink: %s", t->path, strerror(errno));
	if (!t->d->stopping)
		dir_reload(t->d, "reload_time_file", NULL);
	reread(t);                  /* reload_repeat with a time alone: tomorrow */
}

static void on_change(struct ev_loop *loop, ev_stat *w, int revents)
{
	reread(w->data);
}

void dir_reload_timer_apply(struct dir_daemon *d)
{
	const struct tdm_cnode *n = dir_gdef(d->cfg, "reload_time_file");
	struct dir_reload_timer *t = d->reload_timer;

	if (!n && !t)
		return;
	if (!t) {
		t = d->reload_timer = calloc(1, sizeof(*t));
		if (!t)
			return;
		t->d = d;
		ev_periodic_init(&t->at, on_time, 0., 0., NULL);
		t->at.data = t;
	}
	t->repeat = dir_gdef(d->cfg, "reload_repeat") != NULL;
	if (t->path && (!n || strcmp(t->path, n->argv[0]))) {
		ev_stat_stop(d->loop, &t->st);
		free(t->path);
		t->path = NULL;
	}
	if (n && !t->path) {
		t->path = strdup(n->argv[0]);
		if (t->path) {
			ev_stat_init(&t->st, on_change, t->path, 0.);
			t->st.data = t;
			ev_stat_start(d->loop, &t->st);
		}
	}
	reread(t);
}

void dir_reload_timer_free(struct dir_reload_timer *t, int stop)
{
	if (!t)
		return;
	if (stop) {
		ev_periodic_stop(t->d->loop, &t->at);
		if (t->path)
			ev_stat_stop(t->d->loop, &t->st);
	}
	free(t->path);
	free(t);
}
