/* tests/unit/test_vrrp_stall.c - the stall rule of vrrp_rt with the recording OS fake and
 * injected time: a late wake-up is counted; adverts queued while the child did not run are
 * read before an expired Master_Down is acted on, so the backup stays backup; with nothing
 * queued a late backup waits one more interval, then takes over (the master really is gone);
 * a punctual expiry takes over at once; a timer that fires on time is no stall; a master's
 * late advert timer is a stall too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "vrrp/vrrp_rt.h"

#define MS 1000000ULL
#define S (1000 * MS)
#define T0 (100 * S)

struct fx {
	struct vrrp_os_fake f;
	struct vrrp_instance_conf c;
	struct vrrp_vip vip;
	struct vrrp_inst vi;
	struct vrrp_rt_stalls st;
	/* the "socket": adverts queued with their kernel receive times */
	uint64_t queued[64];
	int nqueued, drained, polled;
};

static struct fx X;

static struct fx *new_fx(int prio)
{
	struct fx *x = &X;

	memset(x, 0, sizeof(*x));
	x->c.name = "VI";
	x->c.interface = "eth0";
	x->c.vrid = 51;
	x->c.priority = prio;
	x->c.version = 3;
	x->c.family = AF_INET;
	x->c.advert_int_us = 10000;          /* 10 ms */
	x->c.accept = -1;
	x->c.unicast_ttl = -1;
	x->c.garp_master_delay = x->c.garp_master_repeat = x->c.garp_master_refresh = -1;
	x->c.garp_master_refresh_repeat = x->c.garp_lower_prio_delay = -1;
	x->c.garp_lower_prio_repeat = x->c.down_timer_adverts = -1;
	x->vip.addr.family = AF_INET;
	x->vip.addr.plen = 24;
	inet_pton(AF_INET, "10.0.0.100", &x->vip.addr.u.v4);
	x->c.vips.v = &x->vip;
	x->c.vips.n = 1;
	vrrp_os_fake_init(&x->f);
	assert_int_equal(vrrp_inst_init(&x->vi, &x->c, &x->f.ops, NULL, 0), 0);
	vrrp_inst_set_if(&x->vi, &x->f.ifinfo);
	return x;
}

static size_t advert(const struct fx *x, uint8_t prio, uint8_t *buf)
{
	struct vrrp_pkt_tx tx;
	int len;

	memset(&tx, 0, sizeof(tx));
	tx.adv.family = AF_INET;
	tx.adv.version = 3;
	tx.adv.type = 1;
	tx.adv.vrid = 51;
	tx.adv.priority = prio;
	tx.adv.naddr = x->vi.naddr;
	tx.adv.addrs = x->vi.addrs;
	tx.adv.interval = 1;                 /* centiseconds */
	inet_pton(AF_INET, "10.0.0.2", &tx.src.v4);
	inet_pton(AF_INET, "224.0.0.18", &tx.dst.v4);
	tx.ttl = 255;
	tx.ip_id = 1;
	len = vrrp_pkt_build(&tx, buf, VRRP_PKT_MAX_LEN);
	assert_true(len > 0);
	return (size_t)len;
}

static void rx_at(struct fx *x, uint64_t at)
{
	uint8_t buf[VRRP_PKT_MAX_LEN];
	size_t len = advert(x, 200, buf);
	struct vrrp_pkt_rx r = { .family = AF_INET, .data = buf, .len = len, .hop_limit = -1 };

	vrrp_inst_rx(&x->vi, &r, at);
}

static int io_pending(void *arg, struct vrrp_inst *vi)
{
	struct fx *x = arg;

	x->polled++;
	return x->nqueued > 0;
}

static void io_drain(void *arg, struct vrrp_inst *vi)
{
	struct fx *x = arg;

	for (int i = 0; i < x->nqueued; i++)
		rx_at(x, x->queued[i]);
	x->drained += x->nqueued;
	x->nqueued = 0;
}

static const struct vrrp_rt_io IO = { .pending = io_pending, .drain = io_drain, .arg = &X };

/* a backup following a master with 10 ms adverts; returns the last receive time */
static uint64_t backup_following(struct fx *x)
{
	uint64_t t = T0;

	vrrp_inst_start(&x->vi, T0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	for (int i = 1; i <= 5; i++) {
		t = T0 + (uint64_t)i * 10 * MS;
		rx_at(x, t);
	}
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	return t;
}

static void test_late_wakeup_with_queued_adverts_stays_backup(void **state)
{
	struct fx *x = new_fx(100);
	uint64_t t = backup_following(x), deadline = x->f.armed_at, late = 0, now;

	/* Master_Down = 3 x 10 ms + skew (156/256 x 10 ms) after the last advert */
	assert_int_equal(deadline, t + 30 * MS + 6093750ULL);
	/* the child was stopped for 500 ms while the master kept sending every 10 ms */
	now = t + 500 * MS;
	for (uint64_t at = t + 10 * MS; at < now && x->nqueued < 64; at += 10 * MS)
		x->queued[x->nqueued++] = at;
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, now, &late), 1);
	assert_int_equal(late, now - deadline);
	assert_int_equal(x->st.count, 1);
	assert_int_equal(x->st.worst_ns, now - deadline);
	assert_int_equal(x->drained, 49);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_VIP_ADD, 0), 0);
	/* Master_Down re-armed from the last queued advert's receive time */
	assert_int_equal(x->f.armed_at, t + 490 * MS + 36093750ULL);
}

static void test_late_wakeup_nothing_queued_takes_over(void **state)
{
	struct fx *x = new_fx(100);
	uint64_t t = backup_following(x), now = t + 500 * MS;

	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, now, NULL), 1);
	assert_int_equal(x->polled, 1);
	assert_int_equal(x->st.count, 1);
	/* the master may not have run either: one more interval from now */
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(x->st.deferred, 1);
	assert_int_equal(x->f.armed_at, now + 10 * MS);
	/* still silent at the punctual wake-up: take over */
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, now + 10 * MS + 50000, NULL), 0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	assert_int_equal(x->st.deferred, 1);
}

static void test_punctual_expiry_takes_over_at_once(void **state)
{
	struct fx *x = new_fx(100);

	backup_following(x);
	/* 0.5 ms late is punctual: the master is gone, no deferral */
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, x->f.armed_at + 500000, NULL), 0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	assert_int_equal(x->st.deferred, 0);
	assert_int_equal(x->st.count, 0);
}

static void test_late_but_below_stall_limit_defers(void **state)
{
	struct fx *x = new_fx(100);
	uint64_t at;

	backup_following(x);
	at = x->f.armed_at;
	/* 4 ms late: no stall (limit 10 ms), but not punctual: deferred; an advert the master
	 * sends when it runs again keeps the backup */
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, at + 4 * MS, NULL), 0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(x->st.deferred, 1);
	rx_at(x, at + 5 * MS);
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, at + 14 * MS, NULL), 0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
}

static void test_on_time_is_no_stall(void **state)
{
	struct fx *x = new_fx(100);
	uint64_t t = backup_following(x), late = 99;

	/* early wake-up: nothing polled, nothing due */
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, x->f.armed_at - 1, &late), 0);
	assert_int_equal(late, 0);
	assert_int_equal(x->polled, 0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	/* 2 ms late is below one interval: no stall; an advert that arrived just before the
	 * deadline and was not yet read still counts */
	x->queued[x->nqueued++] = x->f.armed_at - 1000;
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, &IO, x->f.armed_at + 2 * MS, &late), 0);
	assert_int_equal(late, 2 * MS);
	assert_int_equal(x->st.count, 0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	(void)t;
}

static void test_master_late_advert_is_stall(void **state)
{
	struct fx *x = new_fx(200);
	uint64_t at, late;

	vrrp_inst_start(&x->vi, T0);
	vrrp_inst_timer(&x->vi, x->f.armed_at);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	at = x->f.armed_at;
	assert_int_equal(vrrp_rt_stall_limit(&x->vi), 10 * MS);
	assert_int_equal(vrrp_rt_timer(&x->vi, &x->st, NULL, at + 25 * MS, &late), 1);
	assert_int_equal(late, 25 * MS);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	assert_int_equal(x->st.count, 1);
	assert_int_equal(vrrp_rt_check(&x->st, at, at + 10 * MS, 10 * MS, NULL), 0);
	assert_int_equal(vrrp_rt_check(&x->st, VRRP_FSM_NEVER, at, 10 * MS, NULL), 0);
	assert_int_equal(x->st.count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_late_wakeup_with_queued_adverts_stays_backup),
		cmocka_unit_test(test_late_wakeup_nothing_queued_takes_over),
		cmocka_unit_test(test_on_time_is_no_stall),
		cmocka_unit_test(test_punctual_expiry_takes_over_at_once),
		cmocka_unit_test(test_late_but_below_stall_limit_defers),
		cmocka_unit_test(test_master_late_advert_is_stall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
