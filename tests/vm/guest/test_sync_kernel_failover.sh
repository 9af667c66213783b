#!/bin/bash
# Kernel-only sync (lvs_sync_daemon, as keepalived does it) as the baseline of the relay's
# failover test: a long TCP transfer through a NAT and a DR service survives the crash of the
# VRRP master because the kernel master thread had synced both connections to the backup.
# Scenario and checks: sync_failover.sh.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v ipvsadm >/dev/null || skip "no ipvsadm"
. tests/vm/guest/sync_lib.sh
SY_MODE=kernel
. tests/vm/guest/sync_failover.sh
