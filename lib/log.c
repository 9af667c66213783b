/* lib/log.c - logging backend: stderr with a timestamp, and syslog or sd_journal_print. */
#include "lib/log.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

static unsigned log_flags = TDM_LOGF_CONSOLE;
static char log_ident[32] = "tandem";
static char log_tag[32];
static int use_journal;
static int syslog_open;

void tdm_log_open(const char *ident, unsigned flags)
{
	struct stat st;

	log_flags = flags;
	snprintf(log_ident, sizeof(log_ident), "%s", ident ? ident : "tandem");
	use_journal = stat("/run/systemd/journal/socket", &st) == 0;
	if ((flags & TDM_LOGF_SYSLOG) && !use_journal && !syslog_open) {
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		syslog_open = 1;
	}
}

void tdm_log_set_tag(const char *tag)
{
	snprintf(log_tag, sizeof(log_tag), "%s", tag ? tag : "");
}

unsigned tdm_log_flags(void)
{
	return log_flags;
}

void tdm_log_close(void)
{
	if (syslog_open)
		closelog();
	syslog_open = 0;
}

static const char *level_name(int level)
{
	switch (level) {
	case TDM_LOG_ERR: return "error";
	case TDM_LOG_WARN: return "warning";
	case TDM_LOG_NOTICE: return "notice";
	case TDM_LOG_INFO: return "info";
	default: return "debug";
	}
}

void tdm_vlog(int level, const char *fmt, va_list ap)
{
	char msg[2048];
	int n;

	if (level >= TDM_LOG_DEBUG && !(log_flags & TDM_LOGF_DETAIL))
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	while (n > 0 && (size_t)n < sizeof(msg) && msg[n - 1] == '\n')
		msg[--n] = '\0';

	if (log_flags & TDM_LOGF_CONSOLE) {
		struct timespec ts;
		struct tm tm;
		char tbuf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s[%d]%s%s%s %s: %s\n", tbuf, ts.tv_nsec / 1000000L,
		        log_ident, (int)getpid(), log_tag[0] ? " " : "", log_tag,
		        log_tag[0] ? ":" : "", level_name(level), msg);
	}
	if (log_flags & TDM_LOGF_SYSLOG) {
		if (use_journal)
			sd_journal_send("MESSAGE=%s%s%s", log_tag, log_tag[0] ? ": " : "", msg,
			                "PRIORITY=%d", level, "SYSLOG_IDENTIFIER=%s", log_ident,
			                NULL);
		else
			syslog(level, "%s%s%s", log_tag, log_tag[0] ? ": " : "", msg);
	}
}

void tdm_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdm_vlog(level, fmt, ap);
	va_end(ap);
}
