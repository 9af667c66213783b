#!/bin/bash
# Relay mode (sync_relay, issue 7 test b): the kernel sync threads of both directors run on a
# local dummy interface only, and the relays carry the entries over the sync link as HMAC'd,
# acknowledged frames. A long TCP transfer through a NAT and a DR service survives the crash
# of the VRRP master with every byte intact (scenario: sync_failover.sh), and the entries
# provably went through the relays (b's relay received and handed them to its kernel).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v ipvsadm >/dev/null || skip "no ipvsadm"
. tests/vm/guest/sync_lib.sh
SY_MODE=relay
# the relay's counters before the crash: what a sent, what b received and gave its kernel
sy_before_crash() {
	local sent got tok
	sent=$(sy_relay_get a 'r["entries"]["sent"]')
	got=$(sy_relay_get b 'r["entries"]["received"]')
	tok=$(sy_relay_get b 'r["entries"]["to_kernel"]')
	log "relay entries: a sent $sent, b received $got, b to its kernel $tok"
	[ "${sent:-0}" -ge 2 ] && [ "${got:-0}" -ge 2 ] && [ "${tok:-0}" -ge 2 ] ||
		sy_die "the entries did not go through the relays"
	# the kernel threads only talk on sync0: nothing but relay frames on the sync link
	sy_ns a ipvsadm -L --daemon | grep -q 'mcast=sync0' || sy_die "a's kernel thread is not on sync0"
}
. tests/vm/guest/sync_failover.sh
