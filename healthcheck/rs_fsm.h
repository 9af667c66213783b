/* healthcheck/rs_fsm.h - the pure real-server state machine: one checker's rise/fall counting
 * and when to try next, a real server's up/down state and effective weight (inhibit_on_failure,
 * slowstart ramp), and a virtual server's quorum with hysteresis. Time is injected (microseconds
 * of any monotonic clock); no I/O, no globals. */
#ifndef RS_FSM_H
#define RS_FSM_H

#include <stdint.h>

/* ---- one checker ---- */
struct rs_chk_conf {
	int rise;                   /* consecutive passes that bring a failed checker up (>= 1) */
	int fall;                   /* consecutive failures that bring a passing one down (>= 1);
	                             * keepalived's retry N means fall N + 1 */
	int64_t delay_loop_us;      /* between checks in a steady state */
	int64_t retry_delay_us;     /* after a failure that has not yet reached fall (0 = delay_loop) */
	int alpha;                  /* start failed */
};

struct rs_chk_state {
	uint8_t up;
	int ok_run, fail_run;       /* current consecutive passes / failures */
};

enum rs_chk_change { RS_CHK_SAME = 0, RS_CHK_WENT_UP, RS_CHK_WENT_DOWN };

void rs_chk_init(struct rs_chk_state *s, const struct rs_chk_conf *c);
/* one attempt's verdict; returns the change and sets *next_us to the delay before the next
 * attempt */
enum rs_chk_change rs_chk_result(struct rs_chk_state *s, const struct rs_chk_conf *c, int ok,
                                 int64_t *next_us);

/* ---- one real server ---- */
struct rs_conf {
	int weight;                 /* configured weight */
	int inhibit;                /* inhibit_on_failure: failed = weight 0, not removed */
	int64_t slowstart_us;       /* 0 = none */
};

struct rs_state {
	uint8_t up;
	uint8_t ramping;            /* in a slowstart ramp */
	int64_t up_since_us;
	int weight;                 /* effective weight last reported: -1 removed */
};

/* start state: healthy (all checkers pass) starts at full weight, no ramp */
void rs_init(struct rs_state *s, const struct rs_conf *c, int healthy, int64_t now_us);
/* the effective weight for a given state at now (-1 = remove) */
int rs_weight_at(const struct rs_state *s, const struct rs_conf *c, int64_t now_us);
/* healthy = every checker passes. Returns 1 when up or the effective weight changed (s->weight
 * updated), else 0. Call it also from the ramp timer with the same healthy value. */
int rs_update(struct rs_state *s, const struct rs_conf *c, int healthy, int64_t now_us);
/* microseconds until the effective weight next changes by itself (slowstart ramp), -1 = never.
 * Steps are at least RS_RAMP_MIN_STEP_US apart (and at least 1/100 of the ramp). */
int64_t rs_next_change(const struct rs_state *s, const struct rs_conf *c, int64_t now_us);
#define RS_RAMP_MIN_STEP_US 100000

/* ---- one virtual server's quorum ---- */
struct vs_quorum {
	uint8_t up;
	uint8_t known;              /* evaluated at least once */
};

/* quorum (>= 1; 1 = keepalived's default), hysteresis >= 0, live = summed weight of the live
 * real servers. Down when live < quorum - hysteresis, up again when live >= quorum +
 * hysteresis; the first evaluation is up iff live >= quorum. Returns 1 on a change (or on the
 * first evaluation). */
int vs_quorum_update(struct vs_quorum *q, long long quorum, long long hysteresis, long long live);

#endif
