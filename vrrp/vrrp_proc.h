/* vrrp/vrrp_proc.h - the pure part of track_process (vrrp_track_process): does a process match
 * a tracker (process name, parameters, param_match, full_command), the quorum / quorum_max
 * verdict with fork_delay and terminate_delay, and the parsing of the kernel proc connector's
 * messages. No I/O here: vrrp_procmon.c feeds it from the connector socket and /proc. */
#ifndef VRRP_PROC_H
#define VRRP_PROC_H

#include <stddef.h>
#include <stdint.h>
#include "lib/conf.h"

enum vrrp_proc_pm {
	VRRP_PROC_PM_NONE = 0,      /* no parameters, no param_match: match the name (comm) */
	VRRP_PROC_PM_EXACT,         /* argv[1..] == parameters, nothing more */
	VRRP_PROC_PM_PARTIAL,       /* the first n parameters are equal, more may follow */
	VRRP_PROC_PM_INITIAL,       /* as partial, the last one may be longer than configured */
};

/* one vrrp_track_process */
struct vrrp_proc_spec {
	const char *name;           /* the tracker's name */
	const char *process;        /* process name / argv[0] / full command */
	const char *const *params;  /* parameters (not owned) */
	size_t nparams;
	enum vrrp_proc_pm pm;
	uint8_t full_command;
	int weight;                 /* default 1 */
	uint8_t reverse;
	unsigned quorum, quorum_max;        /* default 1 and UINT32_MAX */
	uint64_t fork_delay_ns, terminate_delay_ns;
};

/* fill a spec from a vrrp_track_process block (params points into the node's argv).
 * 0 ok, -1 no process keyword */
int vrrp_proc_spec_from_conf(const char *name, const struct tdm_cnode *block,
                             struct vrrp_proc_spec *s);

/* Does a process match? comm: its name (/proc/PID/comm, no newline); cmd/cmdlen: its
 * /proc/PID/cmdline (arguments separated and ended by NULs; may be empty for kernel
 * threads). 1 match, 0 not. */
int vrrp_proc_match(const struct vrrp_proc_spec *s, const char *comm, const char *cmd,
                    size_t cmdlen);

/* the verdict of one tracker */
struct vrrp_proc_state {
	unsigned count;             /* matching processes now */
	int ok;                     /* the verdict in force */
	int pending;                /* a change waits for its delay */
	uint64_t due_ns;            /* when it takes effect */
};

/* the count says OK (quorum <= count <= quorum_max) */
int vrrp_proc_wanted(const struct vrrp_proc_spec *s, unsigned count);
/* set the verdict at once (start, rescan) */
void vrrp_proc_init(const struct vrrp_proc_spec *s, struct vrrp_proc_state *st);
/* after a count change or when *due_ns has come: applies the delays. Returns 1 when the
 * verdict changed. *wake_ns: when to call again (0: nothing pending). */
int vrrp_proc_update(const struct vrrp_proc_spec *s, struct vrrp_proc_state *st, uint64_t now,
                     uint64_t *wake_ns);

/* one proc connector event, of a whole process (thread events are skipped) */
enum vrrp_proc_evt { VRRP_PROC_EV_FORK = 1, VRRP_PROC_EV_EXEC, VRRP_PROC_EV_EXIT,
                     VRRP_PROC_EV_COMM, VRRP_PROC_EV_OVERRUN };
struct vrrp_proc_event {
	enum vrrp_proc_evt type;
	int pid;                    /* the process (the child for FORK) */
	int parent;                 /* FORK: the parent process */
};

/* Parse what one recv() of the connector socket returned (netlink messages holding cn_msg /
 * proc_event). Whole-process events go to out (at most max); returns how many, -1 if the
 * buffer is malformed. A netlink overrun notice gives VRRP_PROC_EV_OVERRUN. */
int vrrp_proc_parse(const void *buf, size_t len, struct vrrp_proc_event *out, int max);

#endif
