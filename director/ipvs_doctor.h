/* director/ipvs_doctor.h - `tandemctl doctor`: checks the director's kernel settings that the
 * configured virtual servers need (IPVS present, forwarding for NAT, ARP settings where the
 * director is itself a DR/TUN real server) and lists, per DR/TUN service, what each real
 * server must have (VIP on lo or a tunnel device, arp_ignore/arp_announce, rp_filter).
 * The file and address lookups are callbacks, so the logic is tested without a kernel. */
#ifndef TANDEM_DIRECTOR_IPVS_DOCTOR_H
#define TANDEM_DIRECTOR_IPVS_DOCTOR_H

#include <stddef.h>
#include <json-c/json.h>
#include "lib/conf.h"

struct dir_doctor_env {
	/* read a /proc file (first line, newline stripped): 0, or -1 when it does not exist */
	int (*read)(void *arg, const char *path, char *buf, size_t len);
	/* is this address configured on this host (this network namespace)? */
	int (*is_local)(void *arg, const struct tdm_addr *a);
	void *arg;
};

/* the real system's env (/proc, getifaddrs) */
void dir_doctor_env_system(struct dir_doctor_env *env);

/* {"ok":true,"problems":N,"checks":[{"check","ok","value","want","why","fix"}],
 *  "real_servers":[{"service","method","vips":[..],"servers":[..],"steps":[..]}]} */
json_object *dir_ipvs_doctor(const struct tdm_config *cfg, const struct dir_doctor_env *env);

#endif
