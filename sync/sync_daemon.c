/* sync/sync_daemon.c - the kernel sync daemon following a VRRP role: role tracking of an
 * instance or sync group, the wanted threads, the plan of NEW_DAEMON / DEL_DAEMON steps (all
 * pure), and the apply over the IPVS generic netlink socket. See sync_daemon.h, docs/sync.md. */
#include "sync/sync_daemon.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include "director/ipvs_nl.h"
#include "sync/sync_conf.h"
#include "vrrp/vrrp_conf.h"

static const char *const role_names[] = {
	[SYNC_ROLE_UNKNOWN] = "unknown", [SYNC_ROLE_INIT] = "INIT", [SYNC_ROLE_BACKUP] = "BACKUP",
	[SYNC_ROLE_MASTER] = "MASTER", [SYNC_ROLE_FAULT] = "FAULT", [SYNC_ROLE_STOP] = "STOP",
};

enum sync_role sync_role_parse(const char *s)
{
	if (!s)
		return SYNC_ROLE_UNKNOWN;
	for (int i = SYNC_ROLE_INIT; i <= SYNC_ROLE_STOP; i++)
		if (!strcasecmp(s, role_names[i]))
			return (enum sync_role)i;
	return SYNC_ROLE_UNKNOWN;
}

const char *sync_role_name(enum sync_role r)
{
	return (unsigned)r <= SYNC_ROLE_STOP ? role_names[r] : "unknown";
}

const char *sync_daemon_set_name(unsigned set)
{
	switch (set & (SYNC_D_MASTER | SYNC_D_BACKUP)) {
	case SYNC_D_MASTER:
		return "master";
	case SYNC_D_BACKUP:
		return "backup";
	case SYNC_D_MASTER | SYNC_D_BACKUP:
		return "master+backup";
	default:
		return "none";
	}
}

static int copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n >= SYNC_NAME_MAX)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

int sync_follow_init(struct sync_follow *f, const char *instance, const struct vrrp_conf *vc)
{
	memset(f, 0, sizeof(*f));
	if (!instance)
		return 0;
	if (copy_name(f->name, instance) < 0)
		return -1;
	for (size_t i = 0; vc && i < vc->ngroups; i++) {
		const struct vrrp_sync_group_conf *g = vc->groups[i];

		if (strcmp(g->name, instance))
			continue;
		f->is_group = 1;
		for (size_t j = 0; j < g->nmembers && f->nmembers < SYNC_MEMBERS_MAX; j++)
			if (!copy_name(f->members[f->nmembers], g->members[j]))
				f->nmembers++;
		return 0;
	}
	/* an instance, or a name the config does not know (the config checks it); followed
	 * as an instance */
	f->nmembers = 1;
	memcpy(f->members[0], f->name, sizeof(f->name));
	return 0;
}

int sync_follow_set(struct sync_follow *f, const char *instance, enum sync_role role)
{
	if (!instance)
		return 0;
	for (size_t i = 0; i < f->nmembers; i++) {
		if (strcmp(f->members[i], instance))
			continue;
		f->roles[i] = role;
		return 1;
	}
	return 0;
}

enum sync_role sync_follow_role(const struct sync_follow *f)
{
	size_t master = 0, stop = 0;

	if (!f->nmembers)
		return SYNC_ROLE_UNKNOWN;
	if (!f->is_group)
		return f->roles[0];
	for (size_t i = 0; i < f->nmembers; i++) {
		master += f->roles[i] == SYNC_ROLE_MASTER;
		stop += f->roles[i] == SYNC_ROLE_STOP;
	}
	if (master == f->nmembers)
		return SYNC_ROLE_MASTER;
	if (stop == f->nmembers)
		return SYNC_ROLE_STOP;
	for (size_t i = 0; i < f->nmembers; i++)
		if (f->roles[i] == SYNC_ROLE_FAULT)
			return SYNC_ROLE_FAULT;
	for (size_t i = 0; i < f->nmembers; i++)
		if (f->roles[i] != SYNC_ROLE_UNKNOWN)
			return SYNC_ROLE_BACKUP;
	return SYNC_ROLE_UNKNOWN;
}

unsigned sync_daemon_want(int followed, enum sync_role role)
{
	if (!followed)
		return SYNC_D_MASTER | SYNC_D_BACKUP;
	switch (role) {
	case SYNC_ROLE_MASTER:
		return SYNC_D_MASTER;
	case SYNC_ROLE_STOP:
		return 0;
	default:                    /* BACKUP, FAULT, INIT, unknown */
		return SYNC_D_BACKUP;
	}
}

static int first_vrid(const struct vrrp_conf *vc, const char *name)
{
	for (size_t i = 0; vc && i < vc->ngroups; i++)
		if (!strcmp(vc->groups[i]->name, name) && vc->groups[i]->nmembers)
			name = vc->groups[i]->members[0];
	for (size_t i = 0; vc && i < vc->ninstances; i++)
		if (!strcmp(vc->instances[i]->name, name))
			return vc->instances[i]->vrid;
	return 0;
}

void sync_daemon_params(const struct sync_lvs_daemon_conf *c, const struct vrrp_conf *vc,
                        struct dir_ipvs_daemon *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->ifname, sizeof(out->ifname), "%s", c->ifname ? c->ifname : "");
	if (c->syncid >= 0)
		out->syncid = (uint32_t)c->syncid;
	else if (c->instance)
		out->syncid = (uint32_t)first_vrid(vc, c->instance);
	out->maxlen = (uint16_t)(c->maxlen > 0 ? c->maxlen : 0);
	out->mcast_port = (uint16_t)(c->port > 0 ? c->port : 0);
	out->mcast_ttl = (uint8_t)(c->ttl > 0 ? c->ttl : 0);
	if (c->has_group) {
		out->mcast_af = c->group.family;
		if (c->group.family == AF_INET)
			memcpy(out->mcast_group.b, &c->group.u.v4, 4);
		else
			memcpy(out->mcast_group.b, &c->group.u.v6, 16);
	}
}

/* does a running thread have the parameters p asks for? (fields p leaves to the kernel's
 * default are not compared: the kernel reports its defaults) */
static int same_params(const struct dir_ipvs_daemon *run, const struct dir_ipvs_daemon *p)
{
	if (strcmp(run->ifname, p->ifname) || run->syncid != p->syncid)
		return 0;
	if (p->maxlen && run->maxlen != p->maxlen)
		return 0;
	if (p->mcast_port && run->mcast_port != p->mcast_port)
		return 0;
	if (p->mcast_ttl && run->mcast_ttl != p->mcast_ttl)
		return 0;
	if (p->mcast_af && (run->mcast_af != p->mcast_af ||
	                    memcmp(&run->mcast_group, &p->mcast_group, sizeof(p->mcast_group))))
		return 0;
	return 1;
}

static unsigned bit_of(uint32_t state)
{
	return state == IP_VS_STATE_MASTER ? SYNC_D_MASTER :
	       state == IP_VS_STATE_BACKUP ? SYNC_D_BACKUP : 0;
}

unsigned sync_daemon_running(const struct dir_ipvs_daemon *have, size_t n)
{
	unsigned set = 0;

	for (size_t i = 0; i < n; i++)
		set |= bit_of(have[i].state);
	return set;
}

size_t sync_daemon_plan(const struct dir_ipvs_daemon *have, size_t nhave, unsigned want,
                        const struct dir_ipvs_daemon *p, struct sync_daemon_step *steps)
{
	static const uint32_t states[2] = { IP_VS_STATE_MASTER, IP_VS_STATE_BACKUP };
	unsigned keep = 0, running = 0;
	size_t n = 0;

	for (size_t i = 0; i < nhave; i++) {
		unsigned b = bit_of(have[i].state);

		running |= b;
		if ((want & b) && same_params(&have[i], p))
			keep |= b;
	}
	for (int i = 0; i < 2; i++)         /* stops first: master, then backup */
		if ((running & bit_of(states[i])) && !(keep & bit_of(states[i])))
			steps[n++] = (struct sync_daemon_step){ IPVS_CMD_DEL_DAEMON, states[i] };
	for (int i = 0; i < 2; i++)
		if ((want & bit_of(states[i])) && !(keep & bit_of(states[i])))
			steps[n++] = (struct sync_daemon_step){ IPVS_CMD_NEW_DAEMON, states[i] };
	return n;
}

/* ---- kernel ---------------------------------------------------------------------------- */

#define GET_TIMEOUT_MS 3000

int sync_daemon_get(struct dir_ipvs_nl *nl, struct dir_ipvs_daemon *out, size_t *n)
{
	int family = dir_ipvs_nl_family(nl), rc = -EIO, fd;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct dir_ipvs_reply r = { 0 };
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	uint8_t *buf = NULL;

	*n = 0;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (!(buf = malloc(16384)) ||
	    !(m = dir_ipvs_msg_new(family, IPVS_CMD_GET_DAEMON, NLM_F_DUMP))) {
		rc = -ENOMEM;
		goto cleanup;
	}
	h = nlmsg_hdr(m);
	h->nlmsg_flags |= NLM_F_REQUEST;
	h->nlmsg_seq = 1;
	h->nlmsg_pid = 0;
	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		goto cleanup;
	}
	for (int loops = 0; loops < 64; loops++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const char *why = NULL;
		ssize_t got;

		if (poll(&pfd, 1, GET_TIMEOUT_MS) <= 0) {
			rc = -ETIMEDOUT;
			goto cleanup;
		}
		got = recv(fd, buf, 16384, 0);
		if (got < 0) {
			rc = -errno;
			goto cleanup;
		}
		if (dir_ipvs_reply_feed(&r, family, buf, (size_t)got, &why) < 0) {
			rc = -EPROTO;
			goto cleanup;
		}
		if (r.error) {
			rc = -r.error;
			goto cleanup;
		}
		if (r.done) {
			for (unsigned i = 0; i < r.ndaemons && i < 2; i++)
				out[(*n)++] = r.daemons[i];
			rc = 0;
			goto cleanup;
		}
	}
cleanup:
	if (m)
		nlmsg_free(m);
	free(buf);
	close(fd);
	return rc;
}

struct step_arg {
	int family;
	uint8_t cmd;
	struct dir_ipvs_daemon d;
};

static struct nl_msg *build_step(void *arg, size_t i)
{
	struct step_arg *s = arg;

	(void)i;
	return dir_ipvs_msg_daemon(s->family, s->cmd, &s->d);
}

int sync_daemon_apply(struct dir_ipvs_nl *nl, unsigned want, const struct dir_ipvs_daemon *p,
                      unsigned *running, char *err, size_t errlen)
{
	struct dir_ipvs_daemon have[2];
	struct sync_daemon_step steps[4];
	size_t nhave = 0, nsteps;
	int rc, first = 0;

	if (err && errlen)
		err[0] = 0;
	rc = sync_daemon_get(nl, have, &nhave);
	if (rc < 0) {
		snprintf(err, errlen, "reading the kernel's sync daemons: %s", strerror(-rc));
		return rc;
	}
	nsteps = sync_daemon_plan(have, nhave, want, p, steps);
	for (size_t i = 0; i < nsteps; i++) {
		struct step_arg s = { dir_ipvs_nl_family(nl), steps[i].cmd, *p };
		int e = 0;

		s.d.state = steps[i].state;
		rc = dir_ipvs_nl_batch(nl, build_step, &s, 1, &e);
		if (rc == 0 && e > 0)
			rc = -e;
		else if (rc == 0 && e < 0)
			rc = -EIO;
		/* already stopped / already running: the goal is reached */
		if (rc == -ESRCH && steps[i].cmd == IPVS_CMD_DEL_DAEMON)
			rc = 0;
		if (rc == -EEXIST && steps[i].cmd == IPVS_CMD_NEW_DAEMON)
			rc = 0;
		if (rc < 0 && !first) {
			first = rc;
			snprintf(err, errlen, "%s the %s thread on %s: %s",
			         steps[i].cmd == IPVS_CMD_NEW_DAEMON ? "starting" : "stopping",
			         steps[i].state == IP_VS_STATE_MASTER ? "master" : "backup",
			         p->ifname, strerror(-rc));
		}
	}
	if (running) {
		*running = 0;
		if (sync_daemon_get(nl, have, &nhave) == 0)
			*running = sync_daemon_running(have, nhave);
	}
	return first;
}
