/* tests/unit/test_evbus.c - the parent's event bus (seq, order, ring replay, events emitted
 * from a hook), the parent<->child IPC framing with fd passing, and the sealed config
 * snapshot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "director/daemon.h"
#include "director/evbus.h"
#include "lib/ipc.h"
#include "lib/log.h"

struct rec {
	uint64_t seqs[64];
	char types[64][32];
	size_t n;
	struct dir_evbus *bus;
	int reemit;
};

static void rec_hook(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev)
{
	struct rec *r = arg;
	json_object *o = json_tokener_parse(line), *t;

	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "type", &t));
	if (r->n < 64) {
		r->seqs[r->n] = seq;
		snprintf(r->types[r->n], sizeof(r->types[0]), "%s", json_object_get_string(t));
		r->n++;
	}
	assert_int_equal(strlen(line), len);
	json_object_put(o);
	if (r->reemit && r->bus && !strcmp(r->types[r->n - 1], "a"))
		dir_evbus_emit(r->bus, dir_event_new("from-hook"));
}

static void test_seq_and_order(void **state)
{
	struct dir_evbus *bus = dir_evbus_new(8);
	struct rec r = { .bus = bus, .reemit = 1 };

	dir_evbus_add_hook(bus, rec_hook, &r);
	dir_evbus_emit(bus, dir_event_new("a"));
	dir_evbus_emit(bus, dir_event_new("b"));
	assert_int_equal(r.n, 3);
	assert_string_equal(r.types[0], "a");
	assert_string_equal(r.types[1], "from-hook");   /* queued, fanned out after "a" */
	assert_string_equal(r.types[2], "b");
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(r.seqs[i], i + 1);
	assert_int_equal(dir_evbus_last_seq(bus), 3);
	dir_evbus_del_hook(bus, rec_hook, &r);
	dir_evbus_emit(bus, dir_event_new("c"));
	assert_int_equal(r.n, 3);
	dir_evbus_free(bus);
}

static void test_ring_replay(void **state)
{
	struct dir_evbus *bus = dir_evbus_new(4);
	struct rec r = { 0 };

	for (int i = 0; i < 10; i++)
		dir_evbus_emit(bus, dir_event_new("x"));
	dir_evbus_replay(bus, 0, rec_hook, &r);
	assert_int_equal(r.n, 4);                 /* only the ring's 4 newest */
	assert_int_equal(r.seqs[0], 7);
	assert_int_equal(r.seqs[3], 10);
	r.n = 0;
	dir_evbus_replay(bus, 8, rec_hook, &r);   /* seq > 8 */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.seqs[0], 9);
	dir_evbus_free(bus);
}

static void grab(void *arg, uint64_t seq, const char *l, size_t len, json_object *e)
{
	*(char **)arg = strdup(l);
}

static void test_event_fields(void **state)
{
	struct dir_evbus *bus = dir_evbus_new(4);
	json_object *ev = dir_event_new("child.start"), *o, *v;
	char line[512];

	json_object_object_add(ev, "child", json_object_new_string("vrrp"));
	json_object_object_add(ev, "seq", json_object_new_int(999));   /* ignored */
	dir_evbus_emit(bus, ev);
	char *got = NULL;

	/* read it back through the ring */
	dir_evbus_replay(bus, 0, grab, &got);
	assert_non_null(got);
	snprintf(line, sizeof(line), "%s", got);
	free(got);
	o = json_tokener_parse(line);
	assert_true(json_object_object_get_ex(o, "seq", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(o, "ts", &v));
	assert_int_equal(strlen(json_object_get_string(v)), 27);
	assert_true(json_object_object_get_ex(o, "mono_ns", &v));
	assert_true(json_object_get_uint64(v) > 0);
	assert_true(json_object_object_get_ex(o, "child", &v));
	assert_string_equal(json_object_get_string(v), "vrrp");
	/* seq, ts, mono_ns, type come first */
	assert_int_equal(strncmp(line, "{\"seq\":1,\"ts\":\"", 15), 0);
	json_object_put(o);
	dir_evbus_free(bus);
}

static void test_ipc_roundtrip_with_fd(void **state)
{
	struct tdm_ipc_msg *m = malloc(sizeof(*m));
	int sv[2], p[2];
	char c = 0;

	assert_int_equal(tdm_ipc_pair(sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(tdm_ipc_send(sv[0], TDM_IPC_CONFIG, 42, "{\"x\":1}", 7, p[0], 0), 0);
	assert_int_equal(tdm_ipc_send(sv[0], TDM_IPC_PING, 7, NULL, 0, -1, 0), 0);
	assert_int_equal(tdm_ipc_recv(sv[1], m), 1);
	assert_int_equal(m->hdr.type, TDM_IPC_CONFIG);
	assert_int_equal(m->hdr.arg, 42);
	assert_string_equal(m->data, "{\"x\":1}");
	assert_true(m->fd >= 0);
	assert_int_equal(write(p[1], "z", 1), 1);
	assert_int_equal(read(m->fd, &c, 1), 1);
	assert_int_equal(c, 'z');
	close(m->fd);
	assert_int_equal(tdm_ipc_recv(sv[1], m), 1);
	assert_int_equal(m->hdr.type, TDM_IPC_PING);
	assert_int_equal(m->fd, -1);
	assert_int_equal(tdm_ipc_recv(sv[1], m), -1);
	assert_int_equal(errno, EAGAIN);
	close(sv[0]);
	assert_int_equal(tdm_ipc_recv(sv[1], m), 0);
	/* too big */
	assert_int_equal(tdm_ipc_send(sv[1], TDM_IPC_EVENT, 0, m->data, TDM_IPC_MAX + 1, -1, 0), -1);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	free(m);
}

static void test_snapshot_sealed(void **state)
{
	const char *text = "global_defs {\nrouter_id a\n}\n";
	const char *got;
	size_t len;
	int fd = dir_snapshot_create(text, strlen(text), NULL);
	int plain;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), -1);          /* F_SEAL_WRITE */
	assert_int_equal(ftruncate(fd, 1), -1);           /* F_SEAL_SHRINK */
	assert_int_equal(fcntl(fd, F_ADD_SEALS, 0), -1);  /* F_SEAL_SEAL */
	assert_int_equal(dir_snapshot_map(fd, &got, &len, NULL), 0);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(got, text, len);
	assert_int_equal(got[len], '\0');
	dir_snapshot_unmap(fd, got);
	close(fd);

	plain = memfd_create("unsealed", MFD_ALLOW_SEALING);
	assert_int_equal(write(plain, "abc", 4), 4);
	assert_int_equal(dir_snapshot_map(plain, &got, &len, NULL), -1);
	close(plain);

	fd = dir_snapshot_create("", 0, NULL);             /* empty config */
	assert_int_equal(dir_snapshot_map(fd, &got, &len, NULL), 0);
	assert_int_equal(len, 0);
	dir_snapshot_unmap(fd, got);
	close(fd);
}

/* the origin map travels with the snapshot: a child names the operator's file:line */
static void test_snapshot_origin(void **state)
{
	const char *text = "global_defs {\nrouter_id a\n}\n";
	struct tdm_origin orig[3] = { { 0, 7, 1 }, { 1, 2, 5 }, { 0, 9, 1 } };
	char *files[2] = { "/etc/tandem/tandem.conf", "/etc/tandem/inc.conf" };
	struct tdm_canon c = { .origin = orig, .nlines = 3, .files = files, .nfiles = 2 };
	struct tdm_canon got_o;
	const char *got;
	char where[128];
	size_t len;
	int fd;

	(void)state;
	fd = dir_snapshot_create(text, strlen(text), &c);
	assert_true(fd >= 0);
	assert_int_equal(dir_snapshot_map(fd, &got, &len, &got_o), 0);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(got, text, len);
	assert_int_equal(got_o.nlines, 3);
	assert_int_equal(got_o.nfiles, 2);
	dir_origin_where(&got_o, 2, where, sizeof(where));
	assert_string_equal(where, "/etc/tandem/inc.conf:2");
	dir_origin_where(&got_o, 3, where, sizeof(where));
	assert_string_equal(where, "/etc/tandem/tandem.conf:9");
	dir_origin_where(&got_o, 4, where, sizeof(where));      /* past the map */
	assert_string_equal(where, "config line 4");
	dir_origin_where(NULL, 2, where, sizeof(where));
	assert_string_equal(where, "config line 2");
	dir_origin_free(&got_o);
	dir_snapshot_unmap(fd, got);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_and_order),
		cmocka_unit_test(test_ring_replay),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_ipc_roundtrip_with_fd),
		cmocka_unit_test(test_snapshot_sealed),
		cmocka_unit_test(test_snapshot_origin),
	};

	tdm_log_open("test", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
