/* tests/unit/test_vrrp_exec.c - enable_script_security's check of a root script
 * (vrrp_exec_secure): the program and every directory above it owned by root and writable by
 * no one else; a sticky world-writable directory (/tmp) is fine; symlinks are followed; a
 * program without '/' is searched in PATH. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vrrp/vrrp_exec.h"

static char dir[64], sub[128], prog[192], cmd[256], why[PATH_MAX + 64];

static int setup(void **state)
{
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tdm-sec-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sub, sizeof(sub), "%s/bin", dir);
	snprintf(prog, sizeof(prog), "%s/n.sh", sub);
	if (mkdir(sub, 0755) < 0 || !(f = fopen(prog, "w")))
		return -1;
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(dir, 0755);
	return chmod(prog, 0755);
}

static int teardown(void **state)
{
	char link[256];

	(void)state;
	snprintf(link, sizeof(link), "%s/link", dir);
	unlink(link);
	unlink(prog);
	rmdir(sub);
	rmdir(dir);
	return 0;
}

static void test_secure(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "%s MASTER \"a b\"", prog);
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), 0);
	/* found in PATH */
	assert_int_equal(vrrp_exec_secure("true", why, sizeof(why)), 0);
	assert_int_equal(vrrp_exec_secure("  /bin/sh -c 'exit 0'", why, sizeof(why)), 0);
}

static void test_insecure(void **state)
{
	char link[256];

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "%s arg", prog);
	/* the program writable by others */
	chmod(prog, 0757);
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "writable"));
	chmod(prog, 0775);          /* group-writable, group root: fine */
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), 0);
	chmod(prog, 0755);
	/* owned by someone else */
	assert_int_equal(chown(prog, 65534, 0), 0);
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not owned by root"));
	assert_int_equal(chown(prog, 0, 0), 0);
	/* a directory above writable by others (no sticky bit) */
	chmod(sub, 0777);
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), -1);
	assert_non_null(strstr(why, sub));
	/* sticky and root's: as /tmp, fine */
	chmod(sub, 01777);
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), 0);
	chmod(sub, 0755);
	/* through a symlink: the target is checked */
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(prog, link), 0);
	snprintf(cmd, sizeof(cmd), "%s", link);
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), 0);
	chmod(prog, 0777);
	assert_int_equal(vrrp_exec_secure(cmd, why, sizeof(why)), -1);
	chmod(prog, 0755);
	/* missing */
	assert_int_equal(vrrp_exec_secure("/nonexistent/x.sh", why, sizeof(why)), -1);
	assert_int_equal(vrrp_exec_secure("no-such-program-here", why, sizeof(why)), -1);
	assert_int_equal(vrrp_exec_secure("", why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
