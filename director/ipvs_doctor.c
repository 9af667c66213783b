/* director/ipvs_doctor.c - the checks of `tandemctl doctor` (see ipvs_doctor.h): the
 * director's sysctls for the configured forwarding methods (FNAT: net.ipv4.vs.conntrack),
 * and the real-server side setup each DR/TUN/NAT/FNAT service needs, as commands to run
 * there. */
#include "director/ipvs_doctor.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "healthcheck/check_conf.h"

/* ---- the real system ---- */

static int sys_read(void *arg, const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	if ((nl = strchr(buf, '\n')))
		*nl = '\0';
	return 0;
}

static int sys_is_local(void *arg, const struct tdm_addr *a)
{
	struct ifaddrs *ifa, *p;
	int hit = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (p = ifa; p && !hit; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != a->family)
			continue;
		if (a->family == AF_INET)
			hit = !memcmp(&((struct sockaddr_in *)p->ifa_addr)->sin_addr, &a->u.v4, 4);
		else
			hit = !memcmp(&((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr, &a->u.v6, 16);
	}
	freeifaddrs(ifa);
	return hit;
}

void dir_doctor_env_system(struct dir_doctor_env *env)
{
	env->read = sys_read;
	env->is_local = sys_is_local;
	env->arg = NULL;
}

/* ---- checks ---- */

struct doc {
	const struct dir_doctor_env *env;
	json_object *checks, *rs;
	int problems;
};

static void check(struct doc *d, const char *name, const char *path, const char *want,
		  const char *why, const char *fix)
{
	json_object *o = json_object_new_object();
	char val[64] = "";
	int have = d->env->read(d->env->arg, path, val, sizeof(val)) == 0;
	int ok = want ? have && !strcmp(val, want) : have;

	json_object_object_add(o, "check", json_object_new_string(name));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "value", have ? json_object_new_string(val) : NULL);
	if (want)
		json_object_object_add(o, "want", json_object_new_string(want));
	json_object_object_add(o, "why", json_object_new_string(why));
	if (!ok)
		json_object_object_add(o, "fix", json_object_new_string(fix));
	json_object_array_add(d->checks, o);
	d->problems += !ok;
}

static void addr_str(const struct tdm_addr *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN] = "?";

	inet_ntop(a->family, &a->u, s, sizeof(s));
	snprintf(buf, len, "%s", s);
}

static int method_of(const struct check_vs_conf *vs, const struct check_rs_conf *rs)
{
	int m = rs->fwd.method != CHECK_FWD_DEFAULT ? rs->fwd.method : vs->fwd.method;

	return m == CHECK_FWD_DEFAULT ? CHECK_FWD_NAT : m;
}

static const struct check_fwd *fwd_of(const struct check_vs_conf *vs,
				      const struct check_rs_conf *rs)
{
	return rs->fwd.method != CHECK_FWD_DEFAULT ? &rs->fwd : &vs->fwd;
}

static const struct check_vsg_conf *group(const struct tdm_config *cfg, const char *name)
{
	for (size_t i = 0; name && i < cfg->check->nvsg; i++)
		if (cfg->check->vsg[i] && !strcmp(cfg->check->vsg[i]->name, name))
			return cfg->check->vsg[i];
	return NULL;
}

/* the VIPs of a virtual server as text; *v6 set if any is IPv6 */
static json_object *vips(const struct tdm_config *cfg, const struct check_vs_conf *vs, int *v6)
{
	json_object *a = json_object_new_array();
	const struct check_vsg_conf *g;
	char s[INET6_ADDRSTRLEN * 2 + 40], lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];

	switch (vs->type) {
	case CHECK_VS_ADDR:
		addr_str(&vs->addr, s, sizeof(s));
		*v6 |= vs->addr.family == AF_INET6;
		json_object_array_add(a, json_object_new_string(s));
		break;
	case CHECK_VS_FWMARK:
		snprintf(s, sizeof(s), "(the addresses your fwmark %lld rule marks)", vs->fwmark);
		*v6 |= vs->family == AF_INET6;
		json_object_array_add(a, json_object_new_string(s));
		break;
	case CHECK_VS_GROUP:
		g = group(cfg, vs->group);
		for (size_t i = 0; g && i < g->n; i++) {
			if (g->v[i].is_fwmark) {
				snprintf(s, sizeof(s), "(the addresses your fwmark %lld rule marks)",
					 g->v[i].fwmark);
			} else {
				addr_str(&g->v[i].lo, lo, sizeof(lo));
				addr_str(&g->v[i].hi, hi, sizeof(hi));
				*v6 |= g->v[i].lo.family == AF_INET6;
				if (strcmp(lo, hi))
					snprintf(s, sizeof(s), "%s-%s", lo, hi);
				else
					snprintf(s, sizeof(s), "%s", lo);
			}
			json_object_array_add(a, json_object_new_string(s));
		}
		break;
	}
	return a;
}

static void step(json_object *steps, const char *fmt, const char *arg)
{
	char buf[256];

	snprintf(buf, sizeof(buf), fmt, arg);
	json_object_array_add(steps, json_object_new_string(buf));
}

/* what the real servers of one virtual server with method m need */
static void rs_steps(struct doc *d, const struct tdm_config *cfg,
		     const struct check_vs_conf *vs, int m, const struct check_fwd *f)
{
	json_object *o = json_object_new_object(), *servers = json_object_new_array();
	json_object *steps = json_object_new_array(), *va;
	int v6 = 0;
	char s[INET6_ADDRSTRLEN + 8], port[16];

	va = vips(cfg, vs, &v6);
	for (size_t i = 0; i < vs->nrs; i++) {
		if (method_of(vs, vs->rs[i]) != m)
			continue;
		addr_str(&vs->rs[i]->addr, s, sizeof(s));
		json_object_array_add(servers, json_object_new_string(s));
	}
	json_object_object_add(o, "service", json_object_new_string(vs->id ? vs->id : "?"));
	json_object_object_add(o, "method", json_object_new_string(
		m == CHECK_FWD_DR ? "DR" : m == CHECK_FWD_TUN ? "TUN" :
		m == CHECK_FWD_FNAT ? "FNAT" : "NAT"));
	json_object_object_add(o, "vips", va);
	json_object_object_add(o, "servers", servers);
	if (m == CHECK_FWD_FNAT) {
		step(steps, "nothing special: the director replaces the client's address by its "
		     "own (fnat_source, or its address towards the real server), so the real "
		     "servers answer the director and need no route back to the clients%s", "");
		step(steps, "the real servers see the director's address as the source: the "
		     "client's address is not visible to them%s", "");
	} else if (m == CHECK_FWD_NAT) {
		step(steps, "route the replies to the clients back through the director (default "
		     "route via the director's address on the real servers' network)%s", "");
	} else if (m == CHECK_FWD_DR) {
		step(steps, "hold each VIP without answering ARP for it: ip addr add <VIP>/%s dev lo",
		     v6 ? "32 (IPv4) or /128 (IPv6)" : "32");
		step(steps, "%s", "sysctl -w net.ipv4.conf.all.arp_ignore=1");
		step(steps, "%s", "sysctl -w net.ipv4.conf.all.arp_announce=2");
		step(steps, "be on the same link as the director (DR rewrites only the MAC "
		     "address)%s", "");
	} else if (f->tun_type == 1) {
		snprintf(port, sizeof(port), "%d", f->tun_port);
		step(steps, "%s", "modprobe fou ipip");
		step(steps, "receive GUE on UDP port %1$s: ip fou add port %1$s gue", port);
		step(steps, "%s", "ip link add tunl-gue type ipip local <RS> remote any encap gue "
		     "encap-sport auto encap-dport 0; ip link set tunl-gue up");
		step(steps, "%s", "ip addr add <VIP>/32 dev tunl-gue");
		step(steps, "%s", "sysctl -w net.ipv4.conf.all.rp_filter=0 (and on the tunnel device)");
	} else if (f->tun_type == 2) {
		step(steps, "%s", "modprobe ip_gre; ip link add gre-vip type gre local <RS> remote "
		     "<director>; ip link set gre-vip up");
		step(steps, "%s", "ip addr add <VIP>/32 dev gre-vip");
		step(steps, "%s", "sysctl -w net.ipv4.conf.all.rp_filter=0 (and on gre-vip)");
	} else {
		step(steps, "%s", "modprobe ipip; ip link set tunl0 up");
		step(steps, "%s", "ip addr add <VIP>/32 dev tunl0");
		step(steps, "%s", "sysctl -w net.ipv4.conf.tunl0.rp_filter=0 "
		     "net.ipv4.conf.all.rp_filter=0");
		step(steps, "%s", "sysctl -w net.ipv4.conf.all.arp_ignore=1 "
		     "net.ipv4.conf.all.arp_announce=2");
	}
	json_object_object_add(o, "steps", steps);
	json_object_array_add(d->rs, o);
}

json_object *dir_ipvs_doctor(const struct tdm_config *cfg, const struct dir_doctor_env *env)
{
	const struct check_conf *cc = cfg ? cfg->check : NULL;
	struct doc d = { .env = env, .checks = json_object_new_array(),
			 .rs = json_object_new_array() };
	int nat4 = 0, nat6 = 0, self_rs = 0, fnat = 0;
	json_object *r = json_object_new_object();

	check(&d, "IPVS in the kernel", "/proc/net/ip_vs", NULL,
	      "virtual servers are programmed into IPVS", "modprobe ip_vs");
	for (size_t i = 0; cc && i < cc->nvs; i++) {
		const struct check_vs_conf *vs = cc->vs[i];
		int seen[4] = { 0 };

		if (!vs)
			continue;
		for (size_t j = 0; j < vs->nrs; j++) {
			const struct check_rs_conf *rs = vs->rs[j];
			int m = method_of(vs, rs);

			int nat = m == CHECK_FWD_NAT || m == CHECK_FWD_FNAT;

			if (nat && rs->addr.family == AF_INET6)
				nat6 = 1;
			else if (nat)
				nat4 = 1;
			fnat |= m == CHECK_FWD_FNAT;
			if (!nat && env->is_local(env->arg, &rs->addr))
				self_rs = 1;
			if (m >= 0 && m < 4 && !seen[m]) {
				seen[m] = 1;
				rs_steps(&d, cfg, vs, m, fwd_of(vs, rs));
			}
		}
	}
	if (nat4)
		check(&d, "IPv4 forwarding (NAT)", "/proc/sys/net/ipv4/ip_forward", "1",
		      "NAT and FNAT services route the real servers' replies through the director",
		      "sysctl -w net.ipv4.ip_forward=1");
	if (nat6)
		check(&d, "IPv6 forwarding (NAT)", "/proc/sys/net/ipv6/conf/all/forwarding", "1",
		      "NAT services route the real servers' replies through the director",
		      "sysctl -w net.ipv6.conf.all.forwarding=1");
	if (fnat)
		check(&d, "IPVS connection tracking (FNAT)", "/proc/sys/net/ipv4/vs/conntrack",
		      "1", "FNAT source-NATs IPVS traffic with nftables, which sees only tracked "
		      "connections (tandem sets it when it starts FNAT services)",
		      "sysctl -w net.ipv4.vs.conntrack=1");
	if (self_rs) {
		check(&d, "arp_ignore (the director is also a real server)",
		      "/proc/sys/net/ipv4/conf/all/arp_ignore", "1",
		      "a DR/TUN real server on this host must not answer ARP for the VIP it holds "
		      "on lo", "sysctl -w net.ipv4.conf.all.arp_ignore=1");
		check(&d, "arp_announce (the director is also a real server)",
		      "/proc/sys/net/ipv4/conf/all/arp_announce", "2",
		      "use the best local address, not the VIP, in ARP requests",
		      "sysctl -w net.ipv4.conf.all.arp_announce=2");
	}
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "problems", json_object_new_int(d.problems));
	json_object_object_add(r, "checks", d.checks);
	json_object_object_add(r, "real_servers", d.rs);
	return r;
}
