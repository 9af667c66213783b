#!/bin/bash
# Relay bulk resync (issue 7 test c): the backup's tandemd stops; connections are made through
# the master meanwhile (held NAT connections, persistent-service connections with their
# templates, UDP), so the backup's kernel never hears of them; the backup's tandemd starts
# again, its relay asks the master for the whole table, and afterwards the backup's
# /proc/net/ip_vs_conn lists every connection the master's does (same protocol, client,
# virtual and real address:port; templates included). The UDP flows here are ONE datagram
# each, which the kernel master thread never sends (it syncs after the 3rd packet): the master's
# relay finds them by reading /proc/net/ip_vs_conn_sync at the request (small mirror).
# test_sync_relay_resync.sh is the same with 3-datagram flows (scenario: sync_resync.sh).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v ipvsadm >/dev/null || skip "no ipvsadm"
. tests/vm/guest/sync_lib.sh
SY_UDP_PACKETS=1
. tests/vm/guest/sync_resync.sh
