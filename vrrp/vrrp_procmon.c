/* vrrp/vrrp_procmon.c - track_process's process table, fed by the kernel proc connector (see
 * vrrp_procmon.h); the matching and quorum rules are in vrrp_proc.c. */
#include "vrrp/vrrp_procmon.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/log.h"
#include "lib/mono.h"

#define PM_MAX_TRACKERS 64      /* one bit each in a process's match mask */
#define PM_SCAN_MAX 65536       /* processes read by one scan */

struct pm_proc {
	int pid;
	uint64_t mask;              /* the trackers this process matches */
};

struct vrrp_procmon {
	struct ev_loop *loop;
	struct vrrp_procmon_ops ops;
	vrrp_procmon_fn changed;
	void *arg;
	struct vrrp_proc_spec *specs;
	struct vrrp_proc_state *st;
	size_t n;
	int need_cmdline;           /* some tracker looks at the command line */
	struct pm_proc *procs;      /* processes matching at least one tracker */
	size_t nprocs, cap;
	int fd;
	int open_failed;            /* logged once */
	ev_io io_w;
	ev_timer delay_w;
	uint64_t overruns;
};

/* ---- the process table ---- */

static struct pm_proc *proc_find(struct vrrp_procmon *pm, int pid)
{
	for (size_t i = 0; i < pm->nprocs; i++)
		if (pm->procs[i].pid == pid)
			return &pm->procs[i];
	return NULL;
}

static void count_mask(struct vrrp_procmon *pm, uint64_t mask, int sign)
{
	for (size_t t = 0; t < pm->n; t++)
		if (mask & (1ull << t))
			pm->st[t].count += (unsigned)sign;
}

/* the process's trackers are now `mask` */
static void proc_set(struct vrrp_procmon *pm, int pid, uint64_t mask)
{
	struct pm_proc *p = proc_find(pm, pid);

	if (p) {
		count_mask(pm, p->mask, -1);
		if (!mask) {
			*p = pm->procs[--pm->nprocs];
			return;
		}
		p->mask = mask;
		count_mask(pm, mask, 1);
		return;
	}
	if (!mask)
		return;
	if (pm->nprocs == pm->cap) {
		size_t cap = pm->cap ? pm->cap * 2 : 32;
		struct pm_proc *np = realloc(pm->procs, cap * sizeof(*np));

		if (!np) {
			tdm_log_err("track_process: out of memory, process %d not counted", pid);
			return;
		}
		pm->procs = np;
		pm->cap = cap;
	}
	pm->procs[pm->nprocs].pid = pid;
	pm->procs[pm->nprocs++].mask = mask;
	count_mask(pm, mask, 1);
}

/* read the process's name and command line and match it against every tracker */
static uint64_t proc_match(struct vrrp_procmon *pm, int pid)
{
	char comm[64], cmd[4096];
	ssize_t nc, nl = 0;
	uint64_t mask = 0;

	nc = pm->ops.read(pm->ops.arg, pid, "comm", comm, sizeof(comm) - 1);
	if (nc < 0)
		return 0;               /* gone already */
	comm[nc] = '\0';
	if (nc && comm[nc - 1] == '\n')
		comm[nc - 1] = '\0';
	if (pm->need_cmdline) {
		nl = pm->ops.read(pm->ops.arg, pid, "cmdline", cmd, sizeof(cmd) - 1);
		if (nl < 0)
			nl = 0;
		cmd[nl] = '\0';
	}
	for (size_t t = 0; t < pm->n; t++)
		if (vrrp_proc_match(&pm->specs[t], comm, cmd, (size_t)nl))
			mask |= 1ull << t;
	return mask;
}

/* ---- verdicts ---- */

static void arm(struct vrrp_procmon *pm, uint64_t due, uint64_t now)
{
	if (!pm->loop)
		return;
	ev_timer_stop(pm->loop, &pm->delay_w);
	if (!due)
		return;
	ev_timer_set(&pm->delay_w, due > now ? (double)(due - now) / 1e9 : 0., 0.);
	ev_timer_start(pm->loop, &pm->delay_w);
}

uint64_t vrrp_procmon_tick(struct vrrp_procmon *pm, uint64_t now)
{
	uint64_t next = 0;
	int changed = 0;

	for (size_t t = 0; t < pm->n; t++) {
		uint64_t w;

		if (vrrp_proc_update(&pm->specs[t], &pm->st[t], now, &w)) {
			changed = 1;
			tdm_log_notice("vrrp_track_process %s: %s (%u process%s)", pm->specs[t].name,
			               pm->st[t].ok ? "OK" : "failed", pm->st[t].count,
			               pm->st[t].count == 1 ? "" : "es");
		}
		if (w && (!next || w < next))
			next = w;
	}
	arm(pm, next, now);
	if (changed && pm->changed)
		pm->changed(pm->arg);
	return next;
}

static void on_delay(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	vrrp_procmon_tick(w->data, tdm_mono_ns());
}

void vrrp_procmon_event(struct vrrp_procmon *pm, const struct vrrp_proc_event *e, uint64_t now)
{
	const struct pm_proc *parent;

	switch (e->type) {
	case VRRP_PROC_EV_FORK:     /* same name and command line as its parent */
		parent = proc_find(pm, e->parent);
		if (!parent)
			return;
		proc_set(pm, e->pid, parent->mask);
		break;
	case VRRP_PROC_EV_EXEC:
	case VRRP_PROC_EV_COMM:
		proc_set(pm, e->pid, proc_match(pm, e->pid));
		break;
	case VRRP_PROC_EV_EXIT:
		proc_set(pm, e->pid, 0);
		break;
	case VRRP_PROC_EV_OVERRUN:
		vrrp_procmon_rescan(pm, now);
		return;
	}
	vrrp_procmon_tick(pm, now);
}

static void scan(struct vrrp_procmon *pm)
{
	int *pids = malloc(PM_SCAN_MAX * sizeof(*pids)), n;

	pm->nprocs = 0;
	for (size_t t = 0; t < pm->n; t++)
		pm->st[t].count = 0;
	if (!pids) {
		tdm_log_err("track_process: out of memory for the /proc scan");
		return;
	}
	n = pm->ops.pids(pm->ops.arg, pids, PM_SCAN_MAX);
	if (n < 0)
		tdm_log_err("track_process: cannot list the processes in /proc");
	for (int i = 0; i < n; i++)
		proc_set(pm, pids[i], proc_match(pm, pids[i]));
	free(pids);
}

void vrrp_procmon_rescan(struct vrrp_procmon *pm, uint64_t now)
{
	pm->overruns++;
	tdm_log_warn("track_process: process events lost (connector overrun): /proc scanned again");
	scan(pm);
	vrrp_procmon_tick(pm, now);
}

/* ---- the connector socket ---- */

static void on_sock(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_procmon *pm = w->data;
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct vrrp_proc_event ev[64];

	(void)loop;
	(void)revents;
	for (int round = 0; round < 64; round++) {
		ssize_t len = pm->ops.recv(pm->ops.arg, pm->fd, buf, sizeof(buf));
		uint64_t now = tdm_mono_ns();
		int n;

		if (len < 0 && errno == ENOBUFS) {
			vrrp_procmon_rescan(pm, now);
			continue;
		}
		if (len <= 0)
			break;
		n = vrrp_proc_parse(buf, (size_t)len, ev, 64);
		for (int i = 0; i < n; i++)
			vrrp_procmon_event(pm, &ev[i], now);
	}
}

static void sock_open(struct vrrp_procmon *pm)
{
	if (pm->fd >= 0 || !pm->loop)
		return;
	pm->fd = pm->ops.open(pm->ops.arg);
	if (pm->fd < 0) {
		if (!pm->open_failed)
			tdm_log_err("track_process: the kernel proc connector is not available: process"
			            " counts come from /proc at start and reload only");
		pm->open_failed = 1;
		return;
	}
	ev_io_init(&pm->io_w, on_sock, pm->fd, EV_READ);
	pm->io_w.data = pm;
	/* the system's process events come after the adverts and timers of the same wake-up */
	ev_set_priority(&pm->io_w, EV_MINPRI);
	ev_io_start(pm->loop, &pm->io_w);
}

static void sock_close(struct vrrp_procmon *pm)
{
	if (pm->fd < 0)
		return;
	if (pm->loop)
		ev_io_stop(pm->loop, &pm->io_w);
	close(pm->fd);
	pm->fd = -1;
}

/* ---- lifecycle ---- */

struct vrrp_procmon *vrrp_procmon_new(struct ev_loop *loop, const struct vrrp_procmon_ops *ops,
                                      vrrp_procmon_fn changed, void *arg)
{
	struct vrrp_procmon *pm = calloc(1, sizeof(*pm));

	if (!pm)
		return NULL;
	pm->loop = loop;
	pm->ops = *ops;
	pm->changed = changed;
	pm->arg = arg;
	pm->fd = -1;
	ev_timer_init(&pm->delay_w, on_delay, 0., 0.);
	pm->delay_w.data = pm;
	return pm;
}

void vrrp_procmon_free(struct vrrp_procmon *pm)
{
	if (!pm)
		return;
	sock_close(pm);
	if (pm->loop)
		ev_timer_stop(pm->loop, &pm->delay_w);
	free(pm->specs);
	free(pm->st);
	free(pm->procs);
	free(pm);
}

int vrrp_procmon_set(struct vrrp_procmon *pm, const struct vrrp_proc_spec *specs, size_t n,
                     uint64_t now)
{
	struct vrrp_proc_spec *ns = NULL;
	struct vrrp_proc_state *st = NULL;

	if (n > PM_MAX_TRACKERS) {
		tdm_log_err("track_process: only the first %d vrrp_track_process are followed",
		            PM_MAX_TRACKERS);
		n = PM_MAX_TRACKERS;
	}
	if (n && (!(ns = calloc(n, sizeof(*ns))) || !(st = calloc(n, sizeof(*st))))) {
		free(ns);
		return -1;
	}
	if (n)
		memcpy(ns, specs, n * sizeof(*ns));
	free(pm->specs);
	free(pm->st);
	pm->specs = ns;
	pm->st = st;
	pm->n = n;
	pm->need_cmdline = 0;
	for (size_t t = 0; t < n; t++)
		pm->need_cmdline |= ns[t].pm != VRRP_PROC_PM_NONE || ns[t].full_command;
	if (!n) {
		sock_close(pm);
		pm->nprocs = 0;
		if (pm->loop)
			ev_timer_stop(pm->loop, &pm->delay_w);
		return 0;
	}
	/* subscribe first, then scan: a process started in between is seen by one or both
	 * (an exec seen twice counts once, the table is by pid) */
	sock_open(pm);
	scan(pm);
	for (size_t t = 0; t < n; t++) {
		vrrp_proc_init(&ns[t], &st[t]);
		tdm_log_info("vrrp_track_process %s: %u process%s, %s", ns[t].name, st[t].count,
		             st[t].count == 1 ? "" : "es", st[t].ok ? "OK" : "failed");
	}
	arm(pm, 0, now);
	return 0;
}

const struct vrrp_proc_spec *vrrp_procmon_get(const struct vrrp_procmon *pm, const char *name,
                                              struct vrrp_proc_state *st)
{
	for (size_t t = 0; pm && t < pm->n; t++)
		if (!strcmp(pm->specs[t].name, name)) {
			if (st)
				*st = pm->st[t];
			return &pm->specs[t];
		}
	return NULL;
}

int vrrp_procmon_live(const struct vrrp_procmon *pm)
{
	return pm && pm->fd >= 0;
}

/* ---- the real OS access ---- */

static int same_ns(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

static int connector_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))]
		__attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct cn_msg *cn;
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int fd, sz = 4 << 20;

	fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	memset(buf, 0, sizeof(buf));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nh->nlmsg_type = NLMSG_DONE;
	nh->nlmsg_pid = 0;
	cn = NLMSG_DATA(nh);
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(fd, nh, nh->nlmsg_len, 0) != (ssize_t)nh->nlmsg_len)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* the initial network namespace's nsfs inode number (the kernel's PROC_NET_INIT_INO, fixed
 * since Linux 3.8) */
#define PM_INIT_NET_INO 0xEFFFFFF9ul
#define PM_NS_SCAN_MAX 4096

/* an fd of the initial network namespace: /proc/1/ns/net, else (pid 1 may be out of reach,
 * e.g. under a supervisor that made itself undumpable) that of some process known to be in
 * it; -1 if none */
static int init_netns_fd(void)
{
	int fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC), n = 0;
	DIR *d;
	struct dirent *de;
	struct stat sb;

	if (fd >= 0)
		return fd;
	d = opendir("/proc");
	if (!d)
		return -1;
	while (fd < 0 && n++ < PM_NS_SCAN_MAX && (de = readdir(d))) {
		char path[64];

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/ns/net", de->d_name);
		if (stat(path, &sb) < 0 || sb.st_ino != PM_INIT_NET_INO)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		/* the pid may have been reused in between */
		if (fd >= 0 && (fstat(fd, &sb) < 0 || sb.st_ino != PM_INIT_NET_INO)) {
			close(fd);
			fd = -1;
		}
	}
	closedir(d);
	return fd;
}

static int real_open(void *arg)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int init = init_netns_fd();
	int fd = -1, moved = 0, e = 0;

	(void)arg;
	if (self >= 0 && init >= 0 && !same_ns(self, init)) {
		if (setns(init, CLONE_NEWNET) < 0) {
			tdm_log_err("track_process: cannot enter the initial network namespace for the"
			            " proc connector: %s", strerror(errno));
			goto out;
		}
		moved = 1;
	} else if (init < 0) {
		tdm_log_warn("track_process: the initial network namespace is out of reach:"
		             " opening the proc connector here");
	}
	fd = connector_socket();
	e = errno;
	if (moved && setns(self, CLONE_NEWNET) < 0) {
		/* cannot happen with the rights we just used; the child must not run elsewhere */
		tdm_log_err("track_process: cannot return to the child's network namespace: %s",
		            strerror(errno));
		abort();
	}
	if (fd < 0)
		tdm_log_err("track_process: proc connector socket: %s%s", strerror(e),
		            e == ECONNREFUSED ? " (not in the initial network namespace)" : "");
out:
	if (self >= 0)
		close(self);
	if (init >= 0)
		close(init);
	return fd;
}

static ssize_t real_recv(void *arg, int fd, void *buf, size_t len)
{
	(void)arg;
	return recv(fd, buf, len, 0);
}

static ssize_t real_read(void *arg, int pid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	(void)arg;
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

static int real_pids(void *arg, int *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	(void)arg;
	if (!d)
		return -1;
	while (n < max && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		out[n++] = (int)pid;
	}
	closedir(d);
	return n;
}

const struct vrrp_procmon_ops vrrp_procmon_real_ops = {
	real_open, real_recv, real_read, real_pids, NULL
};
