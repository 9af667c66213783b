/* vrrp/vrrp_track.h - tracking for the VRRP child: track_interface (link state from the
 * child's interface facts), track_script (vrrp_script run periodically through vrrp_exec, with
 * rise/fall), track_file (inotify on the file's directory; the file's number x weight). Each
 * instance's references (its own and its sync group's) give an effective-priority delta and a
 * fault flag; a change of a reference is a "vrrp.track" event. track_process: the process
 * monitor (vrrp_procmon.h). */
#ifndef VRRP_TRACK_H
#define VRRP_TRACK_H

#include <stdint.h>
#include "vrrp/vrrp_child.h"

/* pure: what one reference contributes. ok: the tracked object's status. weight 0: not ok ->
 * fault; weight > 0: ok adds it; weight < 0: not ok adds it (reverse inverts ok first).
 * Returns the delta, sets *fault. */
int vrrp_track_weigh(int weight, int reverse, int ok, int *fault);
/* pure: a track_file value. weight 0: value != 0 -> fault; else value x weight (negated with
 * reverse), below -253 -> fault, clamped to +-253. */
int vrrp_track_weigh_file(int64_t value, int64_t weight, int reverse, int *fault);
/* pure: parse a track_file's content (leading number, else 0) */
int64_t vrrp_track_parse_value(const char *buf);

struct vrrp_track *vrrp_track_new(struct vrrp_child *vc);
void vrrp_track_free(struct vrrp_track *t);
/* rebuild from vc->cfg (script results are kept by name) */
void vrrp_track_rebuild(struct vrrp_track *t);
/* evaluate one instance: delta, fault, vrrp.track events */
void vrrp_track_eval(struct vrrp_child *vc, struct vrrp_child_inst *ci, uint64_t now);
void vrrp_track_eval_all(struct vrrp_child *vc, uint64_t now);
/* status: {"delta":N,"fault":B,"refs":[{"what","name","ok","delta"[,"group":true]}]} */
json_object *vrrp_track_json(const struct vrrp_child *vc, const struct vrrp_child_inst *ci);

#endif
