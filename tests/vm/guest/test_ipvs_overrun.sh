#!/bin/bash
# The netlink overrun path against the real kernel: tandemd's check child gets a small
# receive buffer (global_defs lvs_netlink_cmd_rcv_bufs 32768) and a window far larger than
# the acks that fit in it (test hook TANDEM_IPVS_WINDOW), so loading 3,000 destinations
# loses acks. It must
# notice (ENOBUFS), re-dump, shrink its window and reconcile until the kernel holds exactly
# the configured table, sending nothing twice (3,003 messages in all).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
newns tio-dir
sock=/run/tio.sock
conf=/tmp/tio.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
python3 - "$conf" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("global_defs {\n    lvs_netlink_cmd_rcv_bufs 32768\n}\n")
    for v in range(3):
        f.write(f"virtual_server 10.0.{v}.1 80 {{\n    protocol TCP\n    lb_kind DR\n")
        for i in range(1000):
            f.write(f"    real_server 10.{10 + v}.{i // 256}.{i % 256} 80 {{\n    }}\n")
        f.write("}\n")
PY
ip netns exec tio-dir env TANDEM_IPVS_WINDOW=2000 \
	"$TANDEMD" -n -l -f "$conf" -p /run/tio.pid --control "$sock" > /tmp/tio.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
wait_for 60 C ping || { cat /tmp/tio.log; fail "tandemd did not answer"; }
ndest() { ip netns exec tio-dir ipvsadm -Ln | grep -c -- '-> [0-9]'; }
wait_for 30 C --json ipvs --limit 1 || fail "no ipvs reply"
wait_for 20 sh -c "ip netns exec tio-dir ipvsadm -Ln | grep -c -- '-> [0-9]' | grep -qx 3000" ||
	{ tail -20 /tmp/tio.log; ndest; fail "not all 3000 loaded"; }
st=$(C --json ipvs --limit 1)
echo "$st" | python3 -c 'import json, sys
r = json.load(sys.stdin); n = r["netlink"]; print(n)
assert n["overruns"] >= 1, "no overrun happened"
assert n["dumps"] >= 2, "no re-dump after the overrun"
assert r["ndests"] == 3000 and not r["errors"], r["errors"]
# 3 services + 3000 destinations: what the kernel took before an overrun is never resent
assert n["messages"] == 3003, n' || fail "overrun not seen, not recovered, or messages resent"
grep -q "overrun" /tmp/tio.log || fail "the overrun was not logged"
# nothing is left to do: a sync sends nothing
m=$(C --json ipvs --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["netlink"]["messages"])')
C rs weight 10.0.1.1:80 10.11.0.7 5 || fail "rs weight"
m2=$(C --json ipvs --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["netlink"]["messages"])')
[ $((m2 - m)) = 1 ] || fail "one weight sent $((m2 - m)) messages"
ip netns exec tio-dir ipvsadm -Ln | grep -q '10.11.0.7:80 *Route *5' || fail "weight 5 not applied"
kill -TERM "$pid"
rc=0; wait_exit "$pid" 30 || rc=$?
trap - EXIT
[ $rc -eq 0 ] || { tail -20 /tmp/tio.log; fail "tandemd exited $rc"; }
[ -z "$(ip netns exec tio-dir ipvsadm -Ln | grep -E '^TCP')" ] || fail "stop left services"
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tio.log && { cat /tmp/tio.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
