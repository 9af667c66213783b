#!/bin/bash
# Relay bulk resync (issue 7 test c): the backup's tandemd stops; connections are made through
# the master meanwhile (held NAT connections, persistent-service connections with their
# templates, UDP flows of 3 datagrams), so the backup's kernel never hears of them; the
# backup's tandemd starts again, its relay asks the master for the whole table, and afterwards
# the backup's /proc/net/ip_vs_conn lists every connection the master's does (same protocol,
# client, virtual and real address:port; templates included). Scenario: sync_resync.sh.
# UDP flows of ONE datagram (which the kernel master thread never sends: sync_threshold) are
# tested by test_sync_relay_resync_short.sh.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v ipvsadm >/dev/null || skip "no ipvsadm"
. tests/vm/guest/sync_lib.sh
SY_UDP_PACKETS=3
. tests/vm/guest/sync_resync.sh
