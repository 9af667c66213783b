/* director/globals.c - global settings the parent applies itself: the per-child process
 * settings (vrrp_/checker_ priority, cpu_affinity, rt_priority, rlimit_rttime, no_swap),
 * umask, child_wait_time, pid file and control socket names, the reload_check_config log.
 * See globals.h. The values are read from the validated config tree. */
#include "director/globals.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "director/global_conf.h"
#include "lib/log.h"

#define RUN_DIR "/run/tandem"
/* RLIMIT_RTTIME of a real-time check child when checker_rlimit_rttime is not set: the same
 * safety the vrrp child has (vrrp/vrrp_rt.c) */
#define CHECK_RTTIME_SOFT_US 2000000ULL
#define RTTIME_HARD_EXTRA_US 1000000ULL   /* hard limit (SIGKILL) this much above the soft */

static int usable(const struct tdm_cnode *n)
{
	return n->def && n->argc >= n->def->min_args &&
	       !(n->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED));
}

const struct tdm_cnode *dir_gdef(const struct tdm_config *cfg, const char *kw)
{
	const struct tdm_cnode *top, *n, *found = NULL, *at_top = NULL;

	if (!cfg || !cfg->root)
		return NULL;
	for (top = cfg->root->child; top; top = top->next) {
		if (!top->kw)
			continue;
		if (!strcmp(top->kw, kw) && usable(top))
			at_top = top;
		if (strcmp(top->kw, "global_defs"))
			continue;
		for (n = top->child; n; n = n->next)
			if (n->kw && !strcmp(n->kw, kw) && usable(n))
				found = n;
	}
	return found ? found : at_top;
}

static const char *kwname(unsigned part, const char *what, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s_%s", part == TDM_PART_VRRP ? "vrrp" : "checker", what);
	return buf;
}

void dir_tune_get(const struct tdm_config *cfg, unsigned part, struct dir_tune *t)
{
	const struct tdm_global_conf *g = cfg ? cfg->global : NULL;
	const struct tdm_cnode *n;
	char kw[48];

	memset(t, 0, sizeof(*t));
	if (part != TDM_PART_VRRP && part != TDM_PART_CHECK)
		return;
	if (g)
		t->nice = part == TDM_PART_VRRP ? g->vrrp_priority : g->checker_priority;
	n = dir_gdef(cfg, kwname(part, "cpu_affinity", kw, sizeof(kw)));
	if (n) {
		CPU_ZERO(&t->cpus);
		for (uint32_t i = 0; i < n->argc; i++)
			if (n->vals[i].i >= 0 && n->vals[i].i < CPU_SETSIZE)
				CPU_SET((int)n->vals[i].i, &t->cpus);
		t->has_cpus = 1;
	}
	n = dir_gdef(cfg, kwname(part, "rlimit_rttime", kw, sizeof(kw)));
	if (!n)
		n = dir_gdef(cfg, kwname(part, "rlimit_rtime", kw, sizeof(kw)));
	if (n)
		t->rttime_us = (uint64_t)n->vals[0].i;
	if (part == TDM_PART_CHECK && g) {
		/* the vrrp child sets its own scheduling and locks its memory (vrrp/vrrp_rt.c) */
		t->rt_prio = g->checker_rt_priority;
		t->no_swap = g->checker_no_swap;
		if (t->rt_prio && !t->rttime_us)
			t->rttime_us = CHECK_RTTIME_SOFT_US;
	}
}

static void set_rttime(pid_t pid, uint64_t us, const char *name)
{
	struct rlimit rl = { .rlim_cur = us, .rlim_max = us + RTTIME_HARD_EXTRA_US }, old;

	if (prlimit(pid, RLIMIT_RTTIME, &rl, NULL) == 0)
		return;
	/* raising a hard limit takes CAP_SYS_RESOURCE: keep the hard one, move the soft one */
	if (errno == EPERM && prlimit(pid, RLIMIT_RTTIME, NULL, &old) == 0 &&
	    old.rlim_max != RLIM_INFINITY && us > old.rlim_max - 1) {
		rl.rlim_cur = old.rlim_max - 1;
		rl.rlim_max = old.rlim_max;
		if (prlimit(pid, RLIMIT_RTTIME, &rl, NULL) == 0) {
			tdm_log_warn("%s child: RLIMIT_RTTIME %llu us needs a restart of the child (no "
			             "CAP_SYS_RESOURCE to raise its hard limit %llu us)", name,
			             (unsigned long long)us, (unsigned long long)old.rlim_max);
			return;
		}
	}
	tdm_log_warn("%s child: RLIMIT_RTTIME %llu us: %s", name, (unsigned long long)us,
	             strerror(errno));
}

static int is_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#else
	return 0;
#endif
#else
	return 0;
#endif
}

void dir_tune_self(const struct dir_tune *t, const char *name)
{
	if (t->nice && setpriority(PRIO_PROCESS, 0, t->nice) < 0)
		tdm_log_warn("%s child: nice %d: %s", name, t->nice, strerror(errno));
	if (t->has_cpus && sched_setaffinity(0, sizeof(t->cpus), &t->cpus) < 0)
		tdm_log_warn("%s child: CPU affinity: %s", name, strerror(errno));
	if (t->rttime_us)
		set_rttime(0, t->rttime_us, name);
	if (t->rt_prio) {
		struct sched_param sp = { .sched_priority = t->rt_prio };

		/* scripts the child forks do not inherit real-time scheduling */
		if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
			tdm_log_warn("%s child: SCHED_RR priority %d: %s", name, t->rt_prio,
			             strerror(errno));
	}
	if (t->no_swap) {
		if (is_asan())
			tdm_log_info("%s child: memory not locked (AddressSanitizer build)", name);
		else if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
			tdm_log_warn("%s child: mlockall: %s", name, strerror(errno));
	}
	if (t->nice || t->has_cpus || t->rttime_us || t->rt_prio || t->no_swap)
		tdm_log_info("%s child: nice %d, CPUs %s, real-time priority %d, RLIMIT_RTTIME %llu "
		             "us, memory %s", name, t->nice, t->has_cpus ? "restricted" : "all",
		             t->rt_prio, (unsigned long long)t->rttime_us,
		             t->no_swap ? "locked" : "not locked");
}

void dir_tune_pid(pid_t pid, const struct dir_tune *t, const char *name)
{
	cpu_set_t all;

	if (pid <= 0)
		return;
	if (setpriority(PRIO_PROCESS, (id_t)pid, t->nice) < 0)
		tdm_log_warn("%s child: nice %d: %s", name, t->nice, strerror(errno));
	if (t->has_cpus) {
		if (sched_setaffinity(pid, sizeof(t->cpus), &t->cpus) < 0)
			tdm_log_warn("%s child: CPU affinity: %s", name, strerror(errno));
	} else if (sched_getaffinity(0, sizeof(all), &all) == 0) {
		sched_setaffinity(pid, sizeof(all), &all);
	}
	if (t->rttime_us)
		set_rttime(pid, t->rttime_us, name);
}

mode_t dir_umask_get(const struct tdm_config *cfg)
{
	const struct tdm_cnode *n = dir_gdef(cfg, "umask");
	mode_t m = 0;

	if (!n)
		return 022;
	for (uint32_t i = 0; i < n->argc; i++) {
		const char *p = n->argv[i];
		char *end;
		long v = strtol(p, &end, 0);

		if (!*end && end != p) {        /* a number (the table checked 0..0777) */
			m |= (mode_t)v;
			continue;
		}
		while (*p) {                    /* I{R|W|X}{USR|GRP|OTH} joined by '|' */
			size_t l = strcspn(p, "|");

			if (l == 5) {
				int bit = p[1] == 'R' ? 4 : p[1] == 'W' ? 2 : 1;
				int sh = !strncmp(p + 2, "USR", 3) ? 6 : !strncmp(p + 2, "GRP", 3) ? 3 : 0;

				m |= (mode_t)(bit << sh);
			}
			p += l;
			if (*p == '|')
				p++;
		}
	}
	return m & 0777;
}

double dir_child_wait_time(const struct tdm_config *cfg, double def)
{
	const struct tdm_cnode *n = dir_gdef(cfg, "child_wait_time");

	return n ? (double)n->vals[0].i : def;
}

char *dir_default_run_path(const struct tdm_config *cfg, const char *suffix)
{
	const struct tdm_cnode *inst = dir_gdef(cfg, "instance");
	char *s = NULL;
	int rc;

	if (inst && (strchr(inst->argv[0], '/') || inst->argv[0][0] == '.' || !inst->argv[0][0])) {
		tdm_log_warn("instance '%s': not usable in a file name; using the default names",
		             inst->argv[0]);
		inst = NULL;
	}
	if (!inst)
		rc = asprintf(&s, RUN_DIR "/tandemd.%s", suffix);
	else if (dir_gdef(cfg, "use_pid_dir"))
		rc = asprintf(&s, RUN_DIR "/%s/tandemd.%s", inst->argv[0], suffix);
	else
		rc = asprintf(&s, RUN_DIR "/tandemd_%s.%s", inst->argv[0], suffix);
	return rc < 0 ? NULL : s;
}

void dir_reload_check_log(const struct tdm_config *cfg, const struct tdm_diags *diags,
                          int refused)
{
	const struct tdm_cnode *n = dir_gdef(cfg, "reload_check_config");
	FILE *f;

	if (!n || !n->argc)
		return;
	f = fopen(n->argv[0], "we");
	if (!f) {
		tdm_log_warn("reload_check_config %s: %s", n->argv[0], strerror(errno));
		return;
	}
	tdm_diags_print(diags, f);
	fprintf(f, "config check: %zu error(s), %zu warning(s): %s\n", diags->nerr + diags->nfatal,
	        diags->nwarn, refused ? "reload refused" : "reloaded");
	fclose(f);
}

void dir_make_parents(const char *path)
{
	char *dir = strdup(path), *p;

	if (!dir)
		return;
	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			tdm_log_debug("mkdir %s: %s", dir, strerror(errno));
		*p = '/';
	}
	free(dir);
}

char *dir_reload_file_begin(const struct tdm_config *cfg)
{
	const struct tdm_cnode *n = dir_gdef(cfg, "reload_file");
	char *path;
	int fd;

	if (!n)
		return NULL;
	path = n->argc ? strdup(n->argv[0]) : dir_default_run_path(cfg, "reload");
	if (!path)
		return NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		tdm_log_warn("reload_file %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

void dir_reload_file_end(char *path)
{
	if (!path)
		return;
	if (unlink(path) < 0 && errno != ENOENT)
		tdm_log_warn("reload_file %s: unlink: %s", path, strerror(errno));
	free(path);
}

int dir_netns_enter(const struct tdm_config *cfg)
{
	const struct tdm_cnode *n = dir_gdef(cfg, "net_namespace");
	char path[300];
	int fd;

	if (!n)
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", n->argv[0]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tdm_log_err("net_namespace %s: %s: %s (create it with `ip netns add %s`)",
		            n->argv[0], path, strerror(errno), n->argv[0]);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		tdm_log_err("net_namespace %s: setns: %s", n->argv[0], strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	tdm_log_notice("running in network namespace %s", n->argv[0]);
	return 0;
}
