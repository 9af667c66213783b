#!/bin/bash
# An IPVS error raised in the check child names the operator's file:line, also for a line that
# came from an included file: the origin map travels with the config snapshot. The kernel of
# the VM has no "twos" scheduler module, so the service is refused (ENOENT).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
[ -e "/lib/modules/$(uname -r)/kernel/net/netfilter/ipvs/ip_vs_twos.ko" ] &&
	skip "this kernel has ip_vs_twos"
newns tew-dir
sock=/run/tew.sock
mkdir -p /tmp/tew
cat > /tmp/tew/main.conf <<'CONF'
global_defs {
    router_id tew
}
include svc.conf
CONF
cat > /tmp/tew/svc.conf <<'CONF'
# line 1
# line 2
virtual_server 10.0.0.1 80 {
    lb_algo twos
    lb_kind NAT
    protocol TCP
    real_server 10.1.0.1 8080 {
        weight 1
    }
}
CONF
ip netns exec tew-dir "$TANDEMD" -n -l -f /tmp/tew/main.conf -p /run/tew.pid --control "$sock" \
	> /tmp/tew.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
wait_for 30 "$TANDEMCTL" --control "$sock" ping || { cat /tmp/tew.log; fail "tandemd did not answer"; }
wait_for 20 grep -q 'ipvs: .*/tmp/tew/svc.conf:3' /tmp/tew.log ||
	{ cat /tmp/tew.log; fail "the IPVS error does not name /tmp/tew/svc.conf:3"; }
grep 'ipvs: .*/tmp/tew/svc.conf:3' /tmp/tew.log | head -2
grep -q 'config line' /tmp/tew.log && { cat /tmp/tew.log; fail "a message still names a canonical line"; }
kill -TERM $pid
wait_exit $pid 10 || fail "tandemd did not stop"
echo "ok"
