/* tests/unit/test_vrrp_inst.c - the VRRP instance runtime (vrrp_inst) driven with injected
 * time and the recording OS fake: what it sends (parsed back with the codec), which VIPs it
 * adds and removes, GARP pacing, timer arming, receive drops by reason, peers, AH sequence,
 * in-place priority and VIP changes, unicast (peer TTL range, unknown sources) and IPv6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "vrrp/vrrp_inst.h"

#define S 1000000000ULL
#define T0 (100 * S)

struct fx {
	struct vrrp_os_fake f;
	struct vrrp_instance_conf c;
	struct vrrp_vip vips[3];
	struct vrrp_peer peers[2];
	struct vrrp_inst vi;
	int ntrans, nsteps;
	enum vrrp_fsm_state last_to, step_from;
	enum vrrp_fsm_reason last_reason;
};

static void on_step(void *arg, struct vrrp_inst *vi, enum vrrp_fsm_state from)
{
	struct fx *x = arg;

	x->nsteps++;
	x->step_from = from;
}

static void on_trans(void *arg, struct vrrp_inst *vi, enum vrrp_fsm_state from,
                     enum vrrp_fsm_state to, enum vrrp_fsm_reason reason)
{
	struct fx *x = arg;

	x->ntrans++;
	x->last_to = to;
	x->last_reason = reason;
}

static void vip4(struct vrrp_vip *v, const char *a, int plen)
{
	memset(v, 0, sizeof(*v));
	v->addr.family = AF_INET;
	v->addr.plen = (uint8_t)plen;
	inet_pton(AF_INET, a, &v->addr.u.v4);
}

static void setup_conf(struct fx *x, int version, int prio, uint64_t int_us)
{
	struct vrrp_instance_conf *c = &x->c;

	memset(c, 0, sizeof(*c));
	c->name = "VI";
	c->interface = "eth0";
	c->vrid = 51;
	c->priority = prio;
	c->version = version;
	c->family = AF_INET;
	c->advert_int_us = int_us;
	c->accept = -1;
	c->unicast_ttl = -1;
	c->garp_master_delay = c->garp_master_repeat = c->garp_master_refresh = -1;
	c->garp_master_refresh_repeat = c->garp_lower_prio_delay = -1;
	c->garp_lower_prio_repeat = c->down_timer_adverts = -1;
	vip4(&x->vips[0], "10.0.0.100", 24);
	vip4(&x->vips[1], "10.0.0.101", 24);
	c->vips.v = x->vips;
	c->vips.n = 2;
}

static void init_inst(struct fx *x)
{
	vrrp_os_fake_init(&x->f);
	assert_int_equal(vrrp_inst_init(&x->vi, &x->c, &x->f.ops, NULL, 0), 0);
	x->vi.on_trans = on_trans;
	x->vi.on_step = on_step;
	x->vi.cb_arg = x;
	vrrp_inst_set_if(&x->vi, &x->f.ifinfo);
}

static struct fx *new_fx(int version, int prio, uint64_t int_us)
{
	static struct fx x;

	memset(&x, 0, sizeof(x));
	setup_conf(&x, version, prio, int_us);
	init_inst(&x);
	return &x;
}

/* an advert from src as a peer would send it */
static size_t peer_advert(const struct fx *x, const char *src, uint8_t prio, uint8_t *buf,
                          const char *pass, int ttl)
{
	struct vrrp_pkt_tx tx;
	int len;

	memset(&tx, 0, sizeof(tx));
	tx.adv.family = AF_INET;
	tx.adv.version = (uint8_t)x->c.version;
	tx.adv.type = 1;
	tx.adv.vrid = (uint8_t)x->c.vrid;
	tx.adv.priority = prio;
	tx.adv.naddr = x->vi.naddr;
	tx.adv.addrs = x->vi.addrs;
	tx.adv.interval = x->c.version == 2 ? (uint16_t)(x->c.advert_int_us / 1000000)
	                                    : (uint16_t)(x->c.advert_int_us / 10000);
	tx.adv.auth_type = (enum vrrp_pkt_auth)x->c.auth_type;
	vrrp_pkt_key(pass, tx.key);
	inet_pton(AF_INET, src, &tx.src.v4);
	inet_pton(AF_INET, x->c.npeers ? "10.0.0.1" : "224.0.0.18", &tx.dst.v4);
	tx.unicast = x->c.npeers > 0;
	tx.ttl = (uint8_t)ttl;
	tx.ip_id = 7;
	tx.ah_seq = 5;
	len = vrrp_pkt_build(&tx, buf, VRRP_PKT_MAX_LEN);
	assert_true(len > 0);
	return (size_t)len;
}

static void rx(struct fx *x, const uint8_t *buf, size_t len, uint64_t now)
{
	struct vrrp_pkt_rx r = { .family = AF_INET, .data = buf, .len = len, .hop_limit = -1 };

	vrrp_inst_rx(&x->vi, &r, now);
}

/* the last advert sent, parsed */
static void last_sent(const struct fx *x, struct vrrp_pkt *p)
{
	const struct vrrp_os_rec *r = vrrp_os_fake_last(&x->f, VRRP_OS_SEND);
	struct vrrp_pkt_rx in = { .family = AF_INET, .data = r->pkt, .len = r->len,
	                          .hop_limit = -1 };

	assert_non_null(r);
	if (x->vi.family == AF_INET6) {
		in.family = AF_INET6;
		in.hop_limit = 255;
		in.src = x->f.ifinfo.ll6;
		memcpy(&in.dst, r->addr.b, 16);
	}
	assert_int_equal(vrrp_pkt_parse(&in, p), VRRP_DROP_NONE);
}

static void become_master(struct fx *x)
{
	vrrp_inst_start(&x->vi, T0);
	vrrp_inst_timer(&x->vi, x->f.armed_at);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
}

static void test_start_backup_then_master(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	struct vrrp_pkt p;
	size_t mark;

	vrrp_inst_start(&x->vi, T0);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	/* leftovers of a crashed run are removed; nothing sent */
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_VIP_DEL, 0), 2);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_SEND, 0), 0);
	/* exact Master_Down: 3 s + (256 - 100) / 256 s */
	assert_int_equal(x->f.armed_at, T0 + 3 * S + 609375000ULL);
	assert_int_equal(x->ntrans, 1);

	mark = x->f.n;
	vrrp_inst_timer(&x->vi, x->f.armed_at - 1);      /* early: nothing */
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	vrrp_inst_timer(&x->vi, x->f.armed_at);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	assert_int_equal(x->last_reason, VRRP_FSM_R_MASTER_DOWN);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_VIP_ADD, mark), 2);
	assert_int_equal(x->f.vips_present, 2);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_SEND, mark), 1);
	/* 5 GARP rounds for 2 VIPs, then the delayed batch 5 s later */
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, mark), 10);
	assert_int_equal(x->f.garp_after, 5 * S);
	last_sent(x, &p);
	assert_int_equal(p.adv.version, 3);
	assert_int_equal(p.adv.vrid, 51);
	assert_int_equal(p.adv.priority, 100);
	assert_int_equal(p.adv.interval, 100);
	assert_int_equal(p.adv.naddr, 2);
	assert_int_equal(p.ttl, 255);
	assert_string_equal(inet_ntoa(p.src.v4), "10.0.0.1");
	assert_string_equal(inet_ntoa(p.dst.v4), "224.0.0.18");
	/* adverts every interval, without drift */
	{
		uint64_t at = x->f.armed_at;

		vrrp_inst_timer(&x->vi, at + 3000000);     /* 3 ms late */
		assert_int_equal(x->f.armed_at, at + S);
		assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_SEND, mark), 2);
	}
	assert_int_equal(x->vi.c.tx, 2);
}

static void test_higher_priority_takes_over(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	uint8_t buf[VRRP_PKT_MAX_LEN];
	size_t mark, len;

	become_master(x);
	mark = x->f.n;
	len = peer_advert(x, "10.0.0.2", 200, buf, NULL, 255);
	rx(x, buf, len, T0 + 5 * S);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(x->last_reason, VRRP_FSM_R_HIGHER_PRIO);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_VIP_DEL, mark), 2);
	assert_int_equal(x->f.vips_present, 0);
	assert_int_equal(x->vi.npeers, 1);
	assert_int_equal(x->vi.peers[0].priority, 200);
	assert_int_equal(x->vi.peers[0].last_ns, T0 + 5 * S);
	assert_int_equal(x->vi.c.rx, 1);
	assert_int_equal(x->f.armed_at, T0 + 5 * S + 3 * S + 609375000ULL);
	/* GARP pacing stopped when leaving master */
	assert_int_equal(x->f.garp_after, 0);
	vrrp_inst_garp_timer(&x->vi, T0 + 10 * S);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, mark), 0);
}

static void test_drops_by_reason(void **state)
{
	struct fx *x = new_fx(2, 100, 1000000);
	uint8_t buf[VRRP_PKT_MAX_LEN];
	size_t len;

	x->c.auth_type = VRRP_AUTH_PASS;
	strcpy(x->c.auth_pass, "secret");
	init_inst(x);
	become_master(x);
	len = peer_advert(x, "10.0.0.2", 255, buf, "wrong", 255);
	rx(x, buf, len, T0 + 5 * S);
	len = peer_advert(x, "10.0.0.2", 255, buf, "secret", 64);
	rx(x, buf, len, T0 + 5 * S);
	buf[len - 1] ^= 1;              /* corrupt: checksum */
	rx(x, buf, len, T0 + 5 * S);
	rx(x, buf, 10, T0 + 5 * S);     /* truncated */
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	assert_int_equal(x->vi.c.drops[VRRP_DROP_AUTH_PASS], 1);
	assert_int_equal(x->vi.c.drops[VRRP_DROP_TTL], 1);
	assert_int_equal(x->vi.c.drops[VRRP_DROP_CHECKSUM], 1);
	assert_int_equal(x->vi.c.drops[VRRP_DROP_TRUNCATED], 1);
	assert_int_equal(x->vi.c.rx, 0);
	assert_int_equal(x->vi.npeers, 0);
	/* another VRID is not a drop; our own looped advert is ignored */
	x->c.vrid = 52;
	len = peer_advert(x, "10.0.0.2", 255, buf, "secret", 255);
	x->c.vrid = 51;
	rx(x, buf, len, T0 + 5 * S);
	len = peer_advert(x, "10.0.0.1", 100, buf, "secret", 255);
	rx(x, buf, len, T0 + 5 * S);
	assert_int_equal(x->vi.c.rx_other_vrid, 1);
	assert_int_equal(x->vi.c.rx_own, 1);
	/* the right password is accepted: a lower priority gets a split-brain answer */
	len = peer_advert(x, "10.0.0.2", 50, buf, "secret", 255);
	rx(x, buf, len, T0 + 5 * S);
	assert_int_equal(x->vi.c.rx, 1);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
}

static void test_graceful_stop(void **state)
{
	struct fx *x = new_fx(3, 100, 100000);
	struct vrrp_pkt p;
	size_t mark;

	become_master(x);
	mark = x->f.n;
	vrrp_inst_stop(&x->vi, T0 + 2 * S);
	assert_int_equal(x->vi.st.state, VRRP_FSM_STOP);
	last_sent(x, &p);
	assert_int_equal(p.adv.priority, 0);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_VIP_DEL, mark), 2);
	assert_int_equal(x->f.vips_present, 0);
	assert_int_equal(x->f.armed_at, UINT64_MAX);
	assert_int_equal(x->vi.vips_on, 0);
}

static void test_priority_in_place(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	struct vrrp_pkt p;

	vrrp_inst_start(&x->vi, T0);
	vrrp_inst_set_priority(&x->vi, 150, T0 + S);
	assert_int_equal(x->vi.st.eff_prio, 150);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	vrrp_inst_timer(&x->vi, x->f.armed_at);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	vrrp_inst_set_priority(&x->vi, 120, T0 + 10 * S);
	last_sent(x, &p);
	assert_int_equal(p.adv.priority, 120);
	/* tracking hook: delta on top of the configured priority, clamped */
	vrrp_inst_set_prio_delta(&x->vi, 200, T0 + 11 * S);
	assert_int_equal(x->vi.st.eff_prio, 254);
	vrrp_inst_set_prio_delta(&x->vi, -500, T0 + 12 * S);
	assert_int_equal(x->vi.st.eff_prio, 1);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
}

static void test_garp_pacing(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	size_t mark;

	x->c.garp_master_delay = 2;
	x->c.garp_master_repeat = 3;
	x->c.garp_master_refresh = 60;
	x->c.garp_master_refresh_repeat = 2;
	become_master(x);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, 0), 6);
	assert_int_equal(x->f.garp_after, 2 * S);
	mark = x->f.n;
	vrrp_inst_garp_timer(&x->vi, T0 + 10 * S);     /* delayed batch */
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, mark), 6);
	assert_int_equal(x->f.garp_after, 60 * S);
	mark = x->f.n;
	vrrp_inst_garp_timer(&x->vi, T0 + 70 * S);     /* refresh */
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, mark), 4);
	assert_int_equal(x->vi.garp_phase, VRRP_GARP_REFRESH);
	mark = x->f.n;
	assert_int_equal(vrrp_inst_garp_now(&x->vi), 0);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, mark), 2);
}

static void test_update_vips_master(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	struct vrrp_instance_conf nc;
	struct vrrp_vip nv[2];
	struct vrrp_pkt p;
	size_t mark;

	become_master(x);
	nc = x->c;
	nv[0] = x->vips[0];
	vip4(&nv[1], "10.0.0.102", 24);
	nc.vips.v = nv;
	mark = x->f.n;
	vrrp_inst_update_vips(&x->vi, &nc);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_VIP_DEL, mark), 1);
	assert_string_equal(inet_ntoa(vrrp_os_fake_last(&x->f, VRRP_OS_VIP_DEL)->addr.v4),
	                    "10.0.0.101");
	assert_int_equal(x->vi.naddr, 2);
	vrrp_inst_timer(&x->vi, x->f.armed_at);
	last_sent(x, &p);
	assert_int_equal(memcmp(p.adv.addrs + 4, &nv[1].addr.u.v4, 4), 0);
}

static void test_unicast_and_ah(void **state)
{
	struct fx *x = new_fx(2, 100, 1000000);
	uint8_t buf[VRRP_PKT_MAX_LEN];
	struct vrrp_pkt p;
	size_t len, mark;

	x->c.auth_type = VRRP_AUTH_AH;
	strcpy(x->c.auth_pass, "pw");
	memset(x->peers, 0, sizeof(x->peers));
	x->peers[0].addr.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", &x->peers[0].addr.u.v4);
	x->peers[1].addr.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.3", &x->peers[1].addr.u.v4);
	x->peers[0].min_ttl = x->peers[0].max_ttl = x->peers[1].min_ttl = x->peers[1].max_ttl = -1;
	x->c.peers = x->peers;
	x->c.npeers = 2;
	init_inst(x);
	assert_true(x->vi.unicast);
	vrrp_inst_start(&x->vi, T0);
	/* a master heard with sequence 5: accepted, remembered */
	mark = x->f.n;
	len = peer_advert(x, "10.0.0.2", 200, buf, "pw", 255);
	rx(x, buf, len, T0 + S);
	assert_int_equal(x->vi.c.rx, 1);
	assert_int_equal(x->vi.ah_last_rx, 5);
	rx(x, buf, len, T0 + S);                       /* the same again: a replay */
	assert_int_equal(x->vi.c.drops[VRRP_DROP_AH_REPLAY], 1);
	/* it goes silent: we take over, one advert per peer, sequence above what we heard */
	vrrp_inst_timer(&x->vi, x->f.armed_at);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_SEND, mark), 2);
	last_sent(x, &p);
	assert_true(p.has_ah);
	assert_int_equal(p.ah_seq, 6);
	assert_string_equal(inet_ntoa(p.dst.v4), "10.0.0.3");
}

static void test_unicast_peer_checks(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	uint8_t buf[VRRP_PKT_MAX_LEN];
	size_t len;

	memset(x->peers, 0, sizeof(x->peers));
	x->peers[0].addr.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", &x->peers[0].addr.u.v4);
	x->peers[0].min_ttl = 250;
	x->peers[0].max_ttl = -1;
	x->c.peers = x->peers;
	x->c.npeers = 1;
	init_inst(x);
	x->vi.check_unicast_src = 1;
	vrrp_inst_start(&x->vi, T0);
	len = peer_advert(x, "10.0.0.2", 200, buf, NULL, 64);     /* below min_ttl */
	rx(x, buf, len, T0 + S);
	len = peer_advert(x, "10.0.0.9", 200, buf, NULL, 255);    /* not a peer */
	rx(x, buf, len, T0 + S);
	assert_int_equal(x->vi.c.peer_ttl, 1);
	assert_int_equal(x->vi.c.not_peer, 1);
	assert_int_equal(x->vi.c.rx, 0);
	len = peer_advert(x, "10.0.0.2", 200, buf, NULL, 255);
	rx(x, buf, len, T0 + S);
	assert_int_equal(x->vi.c.rx, 1);
	assert_int_equal(x->vi.st.master_prio, 200);
}

static void test_ipv6_source(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	struct vrrp_pkt p;
	char txt[64];

	memset(&x->vips[0], 0, sizeof(x->vips[0]));
	x->vips[0].addr.family = AF_INET6;
	x->vips[0].addr.plen = 64;
	inet_pton(AF_INET6, "fd00::100", &x->vips[0].addr.u.v6);
	x->c.vips.n = 1;
	x->c.family = AF_INET6;
	init_inst(x);
	become_master(x);
	last_sent(x, &p);
	assert_int_equal(p.adv.naddr, 1);
	inet_ntop(AF_INET6, &x->vi.src.v6, txt, sizeof(txt));
	assert_string_equal(txt, "fe80::1");
	inet_ntop(AF_INET6, vrrp_os_fake_last(&x->f, VRRP_OS_SEND)->addr.b, txt, sizeof(txt));
	assert_string_equal(txt, "ff02::12");
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, 0), 5);
}

static void test_routes_follow_vips(void **state)
{
	struct fx *x = new_fx(3, 100, 1000000);
	char *rargv[] = { "via", "10.0.0.254" }, *uargv[] = { "table", "100" };
	struct tdm_cnode route = { .kw = "192.168.5.0/24", .argv = rargv, .argc = 2 };
	struct tdm_cnode rule = { .kw = "from", .argv = uargv, .argc = 2 };
	const struct tdm_cnode *routes[] = { &route }, *rules[] = { &rule };
	size_t mark, first_route = 0, last_vip = 0;

	x->c.routes.v = routes;
	x->c.routes.n = 1;
	x->c.rules.v = rules;
	x->c.rules.n = 1;
	mark = x->f.n;
	become_master(x);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_ROUTE_ADD, mark), 2);
	/* routes and rules after the addresses */
	for (size_t i = mark; i < x->f.n; i++) {
		if (x->f.rec[i].call == VRRP_OS_VIP_ADD)
			last_vip = i;
		if (x->f.rec[i].call == VRRP_OS_ROUTE_ADD && !first_route)
			first_route = i;
	}
	assert_true(first_route > last_vip);
	assert_ptr_equal(vrrp_os_fake_last(&x->f, VRRP_OS_ROUTE_ADD)->line, &rule);
	mark = x->f.n;
	vrrp_inst_stop(&x->vi, T0 + 10 * S);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_ROUTE_DEL, mark), 2);
	/* the rule goes first, then the route, then the addresses */
	for (size_t i = mark; i < x->f.n; i++)
		if (x->f.rec[i].call == VRRP_OS_ROUTE_DEL) {
			assert_ptr_equal(x->f.rec[i].line, &rule);
			assert_ptr_equal(x->f.rec[i + 1].line, &route);
			assert_int_equal(x->f.rec[i + 2].call, VRRP_OS_VIP_DEL);
			break;
		}
	assert_true(vrrp_inst_line_same(&route, &route));
	assert_false(vrrp_inst_line_same(&route, &rule));
}

static void test_fault_and_admin(void **state)
{
	struct fx *x = new_fx(3, 100, 100000);
	struct vrrp_pkt p;

	become_master(x);
	vrrp_inst_event(&x->vi, VRRP_FSM_EV_DEMOTE, T0 + S);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(x->last_reason, VRRP_FSM_R_ADMIN_DEMOTE);
	last_sent(x, &p);
	assert_int_equal(p.adv.priority, 0);
	vrrp_inst_event(&x->vi, VRRP_FSM_EV_PROMOTE, T0 + 2 * S);
	assert_int_equal(x->vi.st.state, VRRP_FSM_MASTER);
	vrrp_inst_event(&x->vi, VRRP_FSM_EV_FAULT_ON, T0 + 3 * S);
	assert_int_equal(x->vi.st.state, VRRP_FSM_FAULT);
	assert_int_equal(x->f.vips_present, 0);
	assert_int_equal(x->f.armed_at, UINT64_MAX);
	assert_int_equal(vrrp_inst_garp_now(&x->vi), -1);
	vrrp_inst_event(&x->vi, VRRP_FSM_EV_FAULT_OFF, T0 + 4 * S);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(x->last_reason, VRRP_FSM_R_FAULT_CLEARED);
	/* the step hook sees every event, transitions or not */
	x->nsteps = 0;
	vrrp_inst_event(&x->vi, VRRP_FSM_EV_DEMOTE, T0 + 5 * S);
	assert_int_equal(x->nsteps, 1);
	assert_int_equal(x->step_from, VRRP_FSM_BACKUP);
	assert_int_equal(x->vi.st.state, VRRP_FSM_BACKUP);
}

/* garp_lower_prio_delay: the split-brain GARP round comes after the delay, once, with
 * garp_lower_prio_repeat announcements per VIP; the refresh resumes after it */
static void test_garp_lower_prio_delay(void **state)
{
	struct fx *x = new_fx(2, 200, 1000000);
	uint8_t buf[VRRP_PKT_MAX_LEN];
	size_t len, mark;

	(void)state;
	x->c.garp_master_delay = 0;
	x->c.garp_master_refresh = 60;
	x->c.garp_lower_prio_delay = 2;
	x->c.garp_lower_prio_repeat = 3;
	init_inst(x);
	become_master(x);
	assert_int_equal(x->f.garp_after, 60 * S);
	mark = x->f.n;
	len = peer_advert(x, "10.0.0.2", 50, buf, "", 255);
	rx(x, buf, len, T0 + 5 * S);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, mark), 0);
	assert_int_equal(x->f.garp_after, 2 * S);
	/* another lower advert does not push the round back */
	mark = x->f.n;
	rx(x, buf, len, T0 + 6 * S);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_ARM_GARP, mark), 0);
	vrrp_inst_garp_timer(&x->vi, T0 + 7 * S);
	assert_int_equal(vrrp_os_fake_count(&x->f, VRRP_OS_GARP, mark), 3 * 2);   /* 2 VIPs */
	assert_int_equal(x->f.garp_after, 60 * S);                  /* the refresh again */
	assert_int_equal(x->vi.garp_phase, VRRP_GARP_REFRESH);
}

/* one's-complement sum of 16-bit words */
static uint16_t csum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* v3_checksum_as_v2: the v3 IPv4 checksum covers the VRRP part only (no pseudo-header);
 * by default it includes the pseudo-header (the VRRP part alone then does not sum up) */
static void test_v3_checksum_as_v2(void **state)
{
	struct fx *x = new_fx(3, 200, 100000);
	const struct vrrp_os_rec *r;
	struct vrrp_pkt p;

	(void)state;
	become_master(x);
	r = vrrp_os_fake_last(&x->f, VRRP_OS_SEND);
	assert_non_null(r);
	assert_int_not_equal(csum16(r->pkt + 20, r->len - 20), 0xffff);
	x->c.v3_checksum_as_v2 = 1;
	vrrp_inst_timer(&x->vi, x->f.armed_at);     /* the next advert */
	r = vrrp_os_fake_last(&x->f, VRRP_OS_SEND);
	assert_int_equal(csum16(r->pkt + 20, r->len - 20), 0xffff);
	last_sent(x, &p);                           /* still accepted on receive */
	assert_int_equal(p.adv.priority, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_backup_then_master),
		cmocka_unit_test(test_higher_priority_takes_over),
		cmocka_unit_test(test_drops_by_reason),
		cmocka_unit_test(test_graceful_stop),
		cmocka_unit_test(test_priority_in_place),
		cmocka_unit_test(test_garp_pacing),
		cmocka_unit_test(test_update_vips_master),
		cmocka_unit_test(test_unicast_and_ah),
		cmocka_unit_test(test_unicast_peer_checks),
		cmocka_unit_test(test_ipv6_source),
		cmocka_unit_test(test_routes_follow_vips),
		cmocka_unit_test(test_fault_and_admin),
		cmocka_unit_test(test_v3_checksum_as_v2),
		cmocka_unit_test(test_garp_lower_prio_delay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
