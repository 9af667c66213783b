/* director/globals.h - the global settings the parent process applies itself (docs/config.md,
 * "Process settings"): reading them from the config tree, the process settings of each child
 * (nice, CPU affinity, real-time priority, RLIMIT_RTTIME, locked memory), umask,
 * child_wait_time, pid file and control socket names (instance, use_pid_dir) and the
 * reload_check_config log. Scripts the parent runs are in director/dir_scripts.h. */
#ifndef DIR_GLOBALS_H
#define DIR_GLOBALS_H

#include <sched.h>
#include <stdint.h>
#include <sys/types.h>
#include "lib/conf.h"

/* The last usable statement `kw` of the global_defs blocks, else of the top level (keepalived
 * takes instance, use_pid_dir, child_wait_time there); NULL if absent. */
const struct tdm_cnode *dir_gdef(const struct tdm_config *cfg, const char *kw);

/* process settings of one child */
struct dir_tune {
	int nice;                   /* -20..19, 0 default */
	int has_cpus;               /* cpus holds the configured affinity */
	cpu_set_t cpus;
	int rt_prio;                /* SCHED_RR priority set here (check child); 0 = none */
	uint64_t rttime_us;         /* RLIMIT_RTTIME soft limit; 0 = not configured */
	int no_swap;                /* mlockall here (check child; vrrp locks itself) */
};

/* the settings for part (TDM_PART_VRRP / TDM_PART_CHECK; others get defaults) */
void dir_tune_get(const struct tdm_config *cfg, unsigned part, struct dir_tune *t);
/* in a freshly forked child, before it runs: apply everything (errors logged) */
void dir_tune_self(const struct dir_tune *t, const char *name);
/* from the parent after a reload, on a running child: nice, affinity (unset: the parent's
 * own set) and a configured RLIMIT_RTTIME. Real-time priority and locked memory change at
 * the child's next start. */
void dir_tune_pid(pid_t pid, const struct dir_tune *t, const char *name);

/* net_namespace NAME: move this process (and so every child) into /run/netns/NAME. 0 ok or
 * not configured, -1 failed (logged: the daemon must not run in the wrong namespace). */
int dir_netns_enter(const struct tdm_config *cfg);
/* umask: configured value, else 022 */
mode_t dir_umask_get(const struct tdm_config *cfg);
/* child_wait_time in seconds, else def */
double dir_child_wait_time(const struct tdm_config *cfg, double def);
/* Default pid file and control socket for this config (malloc'd): /run/tandem/tandemd.pid;
 * with `instance NAME` /run/tandem/tandemd_NAME.pid, or /run/tandem/NAME/tandemd.pid with
 * use_pid_dir (same for .sock). */
char *dir_default_run_path(const struct tdm_config *cfg, const char *suffix);
/* create the directories above path (0755, errors ignored) */
void dir_make_parents(const char *path);
/* reload_file [PATH]: created (or truncated) before a reload reads the config files and
 * removed after (cfg = the running config; default /run/tandem/tandemd[_INSTANCE].reload).
 * Returns the path to give to dir_reload_file_end, NULL if none. */
char *dir_reload_file_begin(const struct tdm_config *cfg);
void dir_reload_file_end(char *path);
/* reload_check_config LOG: write the check's diagnostics of a reload to LOG (cfg = the
 * running config, whose setting applies). */
void dir_reload_check_log(const struct tdm_config *cfg, const struct tdm_diags *diags,
                          int refused);

#endif
