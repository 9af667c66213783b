/* sync/sync_daemon.h - the kernel sync daemon of `lvs_sync_daemon` following a VRRP role:
 * the pure part (which role does the followed instance or sync group have, which kernel
 * threads should run for it, which NEW_DAEMON / DEL_DAEMON steps get the kernel from what
 * runs to what should) and the apply over the IPVS generic netlink socket (director/ipvs_nl).
 *
 * The rule (docs/sync.md): MASTER -> the master thread; BACKUP, FAULT, INIT or a role not
 * known yet -> the backup thread (as keepalived: it starts the backup thread at start-up and
 * goes back to it whenever the instance leaves MASTER, FAULT included); STOP -> none. Without
 * an instance both threads run all the time. A sync group is MASTER when every member is
 * MASTER, STOP when every member is STOP, otherwise BACKUP. */
#ifndef SYNC_DAEMON_H
#define SYNC_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include "director/ipvs_msg.h"

struct sync_lvs_daemon_conf;
struct vrrp_conf;
struct dir_ipvs_nl;

enum sync_role {
	SYNC_ROLE_UNKNOWN = 0,      /* no vrrp.state seen yet */
	SYNC_ROLE_INIT,
	SYNC_ROLE_BACKUP,
	SYNC_ROLE_MASTER,
	SYNC_ROLE_FAULT,
	SYNC_ROLE_STOP,
};

/* bits of a set of kernel sync threads */
#define SYNC_D_MASTER 1u
#define SYNC_D_BACKUP 2u

#define SYNC_MEMBERS_MAX 64
#define SYNC_NAME_MAX 64

/* whose role the daemon follows: one instance, or the members of a sync group */
struct sync_follow {
	char name[SYNC_NAME_MAX];   /* "" = nothing followed (both threads always) */
	int is_group;
	size_t nmembers;
	char members[SYNC_MEMBERS_MAX][SYNC_NAME_MAX];
	enum sync_role roles[SYNC_MEMBERS_MAX];
};

enum sync_role sync_role_parse(const char *s);          /* case-insensitive; else UNKNOWN */
const char *sync_role_name(enum sync_role r);           /* "MASTER", "unknown" */
const char *sync_daemon_set_name(unsigned set);         /* "master", "backup",
                                                         * "master+backup", "none" */

/* Set up f from the config: instance NULL = nothing followed; a name that is a sync group of
 * vc follows its members. 0, -1 if the name is neither (or too long). */
int sync_follow_init(struct sync_follow *f, const char *instance, const struct vrrp_conf *vc);
/* a vrrp.state of instance (its new state): 1 if it is followed (the role may have changed),
 * 0 if not */
int sync_follow_set(struct sync_follow *f, const char *instance, enum sync_role role);
/* the followed role (an instance's own; a group's from its members) */
enum sync_role sync_follow_role(const struct sync_follow *f);

/* the threads that should run for a role (followed: an instance is configured) */
unsigned sync_daemon_want(int followed, enum sync_role role);

/* the kernel parameters of the config (state left 0); the sync id defaults to the VRID of
 * the instance (of a group: its first member), or 0 */
void sync_daemon_params(const struct sync_lvs_daemon_conf *c, const struct vrrp_conf *vc,
                        struct dir_ipvs_daemon *out);

/* One step towards the wanted set. */
struct sync_daemon_step {
	uint8_t cmd;                /* IPVS_CMD_NEW_DAEMON or IPVS_CMD_DEL_DAEMON */
	uint32_t state;             /* IP_VS_STATE_MASTER or IP_VS_STATE_BACKUP */
};

/* What the kernel runs: have[i] for i < nhave (as GET_DAEMON tells). The steps from there
 * to `want` threads with parameters p: stops first (threads not wanted, or running with other
 * parameters), then starts, master before backup. Returns the number of steps (<= 4). */
size_t sync_daemon_plan(const struct dir_ipvs_daemon *have, size_t nhave, unsigned want,
                        const struct dir_ipvs_daemon *p, struct sync_daemon_step *steps);
/* the set of running threads in have[0..n) */
unsigned sync_daemon_running(const struct dir_ipvs_daemon *have, size_t n);

/* ---- the kernel side ------------------------------------------------------------------ */

/* GET_DAEMON: up to two entries into out, *n set. 0 / -errno. */
int sync_daemon_get(struct dir_ipvs_nl *nl, struct dir_ipvs_daemon *out, size_t *n);
/* Read the kernel, plan and send the steps. 0, or -errno of the first failure (err says
 * which step failed and why). *running: what runs afterwards (read back). */
int sync_daemon_apply(struct dir_ipvs_nl *nl, unsigned want, const struct dir_ipvs_daemon *p,
                      unsigned *running, char *err, size_t errlen);

#endif
