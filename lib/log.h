/* lib/log.h - logging for every tandem process: syslog or the systemd journal, and/or stderr
 * (-l). Levels follow syslog's numbering; -D (detail) enables debug messages. */
#ifndef TDM_LOG_H
#define TDM_LOG_H

#include <stdarg.h>

enum tdm_log_level {
	TDM_LOG_ERR = 3,
	TDM_LOG_WARN = 4,
	TDM_LOG_NOTICE = 5,
	TDM_LOG_INFO = 6,
	TDM_LOG_DEBUG = 7,
};

#define TDM_LOGF_CONSOLE 0x1u  /* write to stderr */
#define TDM_LOGF_SYSLOG  0x2u  /* write to syslog, or the journal when it is present */
#define TDM_LOGF_DETAIL  0x4u  /* also log TDM_LOG_DEBUG */

/* ident: program name ("tandemd"); flags: TDM_LOGF_*. Safe to call again (e.g. in a child). */
void tdm_log_open(const char *ident, unsigned flags);
/* tag prefixed to every message of this process, e.g. "vrrp" in the VRRP child; NULL = none */
void tdm_log_set_tag(const char *tag);
unsigned tdm_log_flags(void);
void tdm_log_close(void);

void tdm_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tdm_vlog(int level, const char *fmt, va_list ap);

#define tdm_log_err(...)    tdm_log(TDM_LOG_ERR, __VA_ARGS__)
#define tdm_log_warn(...)   tdm_log(TDM_LOG_WARN, __VA_ARGS__)
#define tdm_log_notice(...) tdm_log(TDM_LOG_NOTICE, __VA_ARGS__)
#define tdm_log_info(...)   tdm_log(TDM_LOG_INFO, __VA_ARGS__)
#define tdm_log_debug(...)  tdm_log(TDM_LOG_DEBUG, __VA_ARGS__)

#endif
