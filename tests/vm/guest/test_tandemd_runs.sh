#!/bin/bash
# tandemd starts inside a network namespace of the VM (real IPVS kernel) with a config that
# has a virtual_server, answers on its control socket, reports its children through
# tandemctl, and stops cleanly with exit 0 on SIGTERM.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
newns tvm-dir
sock=/run/tvm-dir.sock
ip netns exec tvm-dir "$TANDEMD" -n -l -f tests/vm/guest/ipvs-basic.conf -p /run/tvm-dir.pid \
	--control "$sock" > /tmp/tvm-dir.log 2>&1 &
pid=$!
if ! wait_for 30 "$TANDEMCTL" --control "$sock" ping; then
	cat /tmp/tvm-dir.log
	fail "tandemd did not answer on $sock"
fi
"$TANDEMCTL" --control "$sock" status || fail "tandemctl status"
"$TANDEMCTL" --control "$sock" --json status | grep -q '"check"' || fail "no check child in status"
kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
cat /tmp/tvm-dir.log
[ $rc -eq 0 ] || fail "tandemd exited $rc after SIGTERM"
log "ok"
