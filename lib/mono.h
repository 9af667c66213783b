/* lib/mono.h - time helpers: monotonic and wall clocks in nanoseconds, ISO-8601 formatting. */
#ifndef TDM_MONO_H
#define TDM_MONO_H

#include <stddef.h>
#include <stdint.h>

uint64_t tdm_mono_ns(void);
uint64_t tdm_wall_ns(void);
/* "2026-11-28T07:00:00.123456Z" (microseconds, UTC) into buf; returns buf */
char *tdm_iso_time(uint64_t wall_ns, char *buf, size_t len);

#define TDM_ISO_LEN 32

#endif
