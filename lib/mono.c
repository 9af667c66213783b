/* lib/mono.c - clock helpers (see mono.h). */
#include "lib/mono.h"

#include <stdio.h>
#include <time.h>

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t tdm_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t tdm_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

char *tdm_iso_time(uint64_t wall_ns, char *buf, size_t len)
{
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	unsigned long usec = (unsigned long)((wall_ns % 1000000000ull) / 1000ull);
	struct tm tm;
	char base[24];

	gmtime_r(&sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06luZ", base, usec);
	return buf;
}
