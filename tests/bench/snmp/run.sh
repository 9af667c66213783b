#!/bin/bash
# tests/bench/snmp/run.sh - the SNMP walk figure: a full snmpbulkwalk of the subagent's MIB
# with 10,000 real servers (100 virtual servers x 100), its time and the subagent's CPU,
# tandemd (TANDEM-MIB) side by side with keepalived 2.2.7 (KEEPALIVED-MIB, checker part).
#   tests/bench/snmp/run.sh          tandemd on this host (no IPVS needed)
#   tests/bench/snmp/run.sh vm       both daemons in the IPVS VM (keepalived's checker exits
#                                    without IPVS), one after the other, same config
# Knobs: BUILD, VS, RS, RUNS, MAXREP (snmpbulkwalk -Cr), VM_TEST_TIMEOUT, ONLY (vm: one daemon). Needs root, snmpd,
# snmpbulkwalk (snmp, snmpd packages). The walk_bench.sh line per daemon is the result.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
make --no-print-directory -s BUILD="$BUILD" all
mkdir -p "$BUILD/bench"
cc -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$BUILD/bench/bench_srv" tests/bench/checks/bench_srv.c
if [ "${1:-}" = vm ]; then
	printf 'VS=%s\nRS=%s\nRUNS=%s\nMAXREP=%s\nONLY="%s"\n' "${VS:-100}" "${RS:-100}" \
		"${RUNS:-3}" "${MAXREP:-50}" "${ONLY:-keepalived tandemd}" > "$BUILD/bench/snmp.env"
	VM_JOBS=1 VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-3600} BUILD="$BUILD" \
		tests/vm/run.sh bench_snmp_walk.sh || true
	cat "$BUILD"/vm/shard-*/bench_snmp_walk.txt 2>/dev/null || true
else
	echo "host $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
	BUILD="$BUILD" tests/bench/snmp/walk_bench.sh tandemd
fi
