/* director/ipvs_fnat_nft.c - the kernel side of FULLNAT: runs tandem's nft script through
 * libnftables (one transaction, no nft process) and reads/sets net.ipv4.vs.conntrack in
 * the caller's network namespace. Used through struct dir_ipvs_io (ipvs_nl.c); unit tests
 * plug in a recording fake instead. See ipvs_fnat.h. */
#include "director/ipvs_fnat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <nftables/libnftables.h>

int dir_ipvs_fnat_nft_run(const char *script, char *err, size_t errlen)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *msg;
	int rc;

	if (errlen)
		err[0] = '\0';
	if (!ctx) {
		snprintf(err, errlen, "libnftables: cannot create a context");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	rc = nft_run_cmd_from_buffer(ctx, script);
	if (rc != 0) {
		size_t n;

		msg = nft_ctx_get_error_buffer(ctx);
		snprintf(err, errlen, "%s", msg && *msg ? msg : "nft failed");
		/* one line for logs: nft's message ends with the offending line and a caret */
		n = strcspn(err, "\n");
		err[n] = '\0';
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

int dir_ipvs_fnat_conntrack(int set)
{
	char buf[16];
	ssize_t n;
	int fd;

	if (set) {
		fd = open(DIR_IPVS_CONNTRACK_SYSCTL, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = write(fd, "1\n", 2);
		if (n != 2) {
			int e = n < 0 ? errno : EIO;

			close(fd);
			return -e;
		}
		close(fd);
	}
	fd = open(DIR_IPVS_CONNTRACK_SYSCTL, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	return buf[0] == '1' ? 1 : 0;
}
