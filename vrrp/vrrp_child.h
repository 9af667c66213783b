/* vrrp/vrrp_child.h - the VRRP child's state (vrrp_child.c) shared with its control command
 * (vrrp_status.c): the running instances and the OS access they use. */
#ifndef VRRP_CHILD_H
#define VRRP_CHILD_H

#include <ev.h>
#include <json-c/json.h>
#include "director/child_parts.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_rt.h"
#include "vrrp/vrrp_vmac.h"

struct vrrp_child;
struct vrrp_hooks;
struct vrrp_hooks_inst;

struct vrrp_child_inst {
	struct vrrp_inst vi;
	ev_io rx_w, tmr_w, garp_w;
	int sock_ifindex;           /* the interface index the socket was opened for */
	struct vrrp_rt_stalls stalls;   /* late wake-ups of this instance's timer (vrrp_rt.h) */
	struct vrrp_vmac vmac;      /* use_vmac: its macvlan (vrrp_vmac.h) */
	struct vrrp_child *vc;
	struct vrrp_child_inst *next;
	/* tracking / sync groups / notify (vrrp_hooks.h): the FAULT input is the OR of the
	 * interface's fault and tracking's */
	uint8_t if_fault, track_fault;
	struct vrrp_hooks_inst *ext;
};

struct vrrp_stats_ev;

struct vrrp_child {
	struct dir_part_ctx *ctx;
	const struct tdm_config *cfg;
	struct vrrp_os_sys sys;
	struct vrrp_child_inst *head;
	int link_fd;
	ev_io link_w;
	ev_timer startup_w;         /* global vrrp_startup_delay: instances wait in INIT */
	int startup_pending;
	struct vrrp_rt_info rt;     /* real-time priority and memory lock in force */
	struct vrrp_hooks *ext;     /* tracking, sync groups, notify (vrrp_hooks.h) */
	struct vrrp_stats_ev *stats;    /* periodic vrrp.stats events (vrrp_stats_ev.h) */
};

extern const struct dir_part_ops vrrp_part_ops;

/* answer one {"cmd":"vrrp",...} request: "op" status (default) | demote | promote | garp,
 * "instance" NAME for the last three. Returns the reply (NULL on allocation failure). */
json_object *vrrp_child_command(struct vrrp_child *vc, json_object *req, uint64_t now);
/* add the timing figures (stalls, real-time priority, memory lock) to a status reply */
void vrrp_child_rt_json(const struct vrrp_child *vc, json_object *r);
/* one instance's status object */
json_object *vrrp_inst_json(const struct vrrp_inst *vi, uint64_t now);

#endif
