/* healthcheck/rs_fsm.c - pure real-server state machine (see rs_fsm.h): rise/fall counting per
 * checker, up/down and effective weight per real server with inhibit and a linear slowstart
 * ramp, quorum with hysteresis per virtual server. */
#include "healthcheck/rs_fsm.h"

void rs_chk_init(struct rs_chk_state *s, const struct rs_chk_conf *c)
{
	s->up = c->alpha ? 0 : 1;
	s->ok_run = 0;
	s->fail_run = 0;
}

enum rs_chk_change rs_chk_result(struct rs_chk_state *s, const struct rs_chk_conf *c, int ok,
                                 int64_t *next_us)
{
	int rise = c->rise < 1 ? 1 : c->rise, fall = c->fall < 1 ? 1 : c->fall;
	int64_t retry = c->retry_delay_us > 0 ? c->retry_delay_us : c->delay_loop_us;
	enum rs_chk_change ch = RS_CHK_SAME;

	*next_us = c->delay_loop_us;
	if (ok) {
		s->fail_run = 0;
		if (s->ok_run < 1000000)
			s->ok_run++;
		if (!s->up && s->ok_run >= rise) {
			s->up = 1;
			ch = RS_CHK_WENT_UP;
		}
		return ch;
	}
	s->ok_run = 0;
	if (s->fail_run < 1000000)
		s->fail_run++;
	if (s->up) {
		if (s->fail_run >= fall) {
			s->up = 0;
			ch = RS_CHK_WENT_DOWN;
		} else {
			*next_us = retry;   /* retrying before declaring the failure */
		}
	}
	return ch;
}

void rs_init(struct rs_state *s, const struct rs_conf *c, int healthy, int64_t now_us)
{
	s->up = healthy ? 1 : 0;
	s->ramping = 0;
	s->up_since_us = now_us;
	s->weight = rs_weight_at(s, c, now_us);
}

int rs_weight_at(const struct rs_state *s, const struct rs_conf *c, int64_t now_us)
{
	int64_t el;

	if (!s->up)
		return c->inhibit ? 0 : -1;
	if (!s->ramping || c->slowstart_us <= 0 || c->weight <= 1)
		return c->weight;
	el = now_us - s->up_since_us;
	if (el >= c->slowstart_us)
		return c->weight;
	if (el < 0)
		el = 0;
	/* linear: weight * elapsed / slowstart, never below 1 while up */
	{
		int64_t w = (int64_t)((double)c->weight * (double)el / (double)c->slowstart_us);
		return w < 1 ? 1 : (int)w;
	}
}

int rs_update(struct rs_state *s, const struct rs_conf *c, int healthy, int64_t now_us)
{
	int old_up = s->up, old_w = s->weight, w;

	if (healthy && !s->up) {
		s->up = 1;
		s->up_since_us = now_us;
		s->ramping = c->slowstart_us > 0;
	} else if (!healthy && s->up) {
		s->up = 0;
		s->ramping = 0;
	}
	if (s->ramping && now_us - s->up_since_us >= c->slowstart_us)
		s->ramping = 0;
	w = rs_weight_at(s, c, now_us);
	s->weight = w;
	return old_up != s->up || old_w != w;
}

int64_t rs_next_change(const struct rs_state *s, const struct rs_conf *c, int64_t now_us)
{
	int64_t el, end, step, t;
	int cur;

	if (!s->up || !s->ramping || c->slowstart_us <= 0 || c->weight <= 1)
		return -1;
	end = s->up_since_us + c->slowstart_us;
	if (now_us >= end)
		return 0;
	el = now_us - s->up_since_us;
	if (el < 0)
		el = 0;
	cur = rs_weight_at(s, c, now_us);
	/* first elapsed time where weight * el / slowstart reaches cur + 1 */
	{
		double d = (double)(cur + 1) * (double)c->slowstart_us / (double)c->weight;
		t = (int64_t)d + 1;         /* +1 us: never early by a rounding */
	}
	step = c->slowstart_us / 100;
	if (step < RS_RAMP_MIN_STEP_US)
		step = RS_RAMP_MIN_STEP_US;
	if (t - el < step)
		t = el + step;
	t += s->up_since_us;
	if (t > end)
		t = end;
	return t - now_us;
}

int vs_quorum_update(struct vs_quorum *q, long long quorum, long long hysteresis, long long live)
{
	int up;

	if (quorum < 1)
		quorum = 1;
	if (hysteresis < 0)
		hysteresis = 0;
	if (!q->known) {
		q->known = 1;
		q->up = live >= quorum;
		return 1;
	}
	up = q->up;
	if (q->up && live < quorum - hysteresis)
		up = 0;
	else if (!q->up && live >= quorum + hysteresis)
		up = 1;
	if (up == q->up)
		return 0;
	q->up = (uint8_t)up;
	return 1;
}
