/* healthcheck/check_engine.h - the health-check engine: runs every checker of the config on one
 * libev loop, de-duplicates identical checks, feeds results through the real-server state
 * machine (rs_fsm) and reports real-server state changes to its owner (the check child). */
#ifndef CHECK_ENGINE_H
#define CHECK_ENGINE_H

#include <ev.h>
#include <json-c/json.h>
#include "lib/conf.h"

struct check_engine;

/* Called on every change of a real server's up/down state or effective weight (slowstart ramps
 * call it as the weight rises), and once per real server at start and when a real server
 * appears on reload.
 *   rs_id   the real server's object id (struct tdm_obj of kind TDM_OBJ_REAL_SERVER),
 *           e.g. "tcp 10.1.1.1:80/10.2.2.2:80"
 *   up      1 = all its checkers pass, 0 = failed
 *   weight  the IPVS weight to set: >= 0 keep the destination with this weight (a failed
 *           server with inhibit_on_failure reports up=0, weight=0); -1 = remove the
 *           destination (failed, no inhibit_on_failure)
 *   reason  human text ("HTTP 503 from 10.0.0.5:80, fall 3/3", "slowstart 40%", "start") */
typedef void (*check_rs_cb)(void *arg, const char *rs_id, int up, int weight,
                            const char *reason);

/* Called when a virtual server's quorum state changes (and once at start per virtual server
 * that has a quorum rule or a sorry server). quorum_up = 0: the live weight fell below
 * quorum - hysteresis; if the virtual server has a sorry_server it should now be in the table
 * (check_vs_conf.sorry_*), and taken out again at quorum_up = 1. */
typedef void (*check_vs_cb)(void *arg, const char *vs_id, int quorum_up, long long live_weight);

/* cfg must stay valid until the next check_engine_reload (or free): the engine keeps pointers
 * into it. Callbacks for the initial state are made from the loop (not from inside _new). */
struct check_engine *check_engine_new(struct ev_loop *loop, const struct tdm_config *cfg,
                                      check_rs_cb cb, void *arg);
/* Switch to new_cfg: unchanged checks keep running with their counters and state, changed
 * ones restart, removed ones stop. old_cfg may be freed after this returns. 0 / -1. */
int check_engine_reload(struct check_engine *e, const struct tdm_config *old_cfg,
                        const struct tdm_config *new_cfg);
void check_engine_free(struct check_engine *e);

/* Events: "rs.state" {vs, rs, up, weight, reason}, "check.result" {check, target, ok, reason,
 * latency_ms, refs} (only when a check's result changes: pass <-> fail or another reason),
 * "vs.quorum" {vs, up, live_weight, sorry}. emit takes ownership of ev. */
void check_engine_set_emit(struct check_engine *e, void (*emit)(void *arg, json_object *ev),
                           void *arg);
void check_engine_set_vs_cb(struct check_engine *e, check_vs_cb cb, void *arg);

/* {"ok":true,"checks":[{id,kind,target,state,last,latency_ms,ok,fail,total,merged,rs:[..]}],
 *  "rs":[{rs,vs,up,weight,reason}], "vs":[{vs,quorum_up,live_weight}]}; caller puts it */
json_object *check_engine_status(struct check_engine *e);
/* the same for the checks whose id or target, and the real servers whose id, contain filter
 * (NULL or "" = all), at most limit of each; adds checks_total, checks_up, rs_total (matching)
 * and truncated */
json_object *check_engine_status_sel(struct check_engine *e, const char *filter, size_t limit);

/* Role-aware checks (off by default): while paused no check runs and states are kept; on
 * resume every idle check runs again within min(delay_loop, 1 s). The status has "paused". */
void check_engine_pause(struct check_engine *e, int paused);
int check_engine_paused(const struct check_engine *e);

/* ha_suspend: suspend (1) or resume (0) the checks of one virtual server (by object id); a
 * check shared with a virtual server that is not suspended keeps running. Real servers keep
 * their state while suspended; on resume the idle checks run within min(delay_loop, 1 s).
 * 1 = changed, 0 = unchanged, -1 = no such virtual server. The status's "vs" entries of
 * virtual servers with ha_suspend carry "suspended". */
int check_engine_vs_suspend(struct check_engine *e, const char *vs_id, int suspended);

#endif
