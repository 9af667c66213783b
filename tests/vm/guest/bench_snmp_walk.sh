#!/bin/bash
# tests/vm/guest/bench_snmp_walk.sh - the SNMP walk figure in the IPVS VM: keepalived 2.2.7
# (KEEPALIVED-MIB checker part) then tandemd (TANDEM-MIB) with the same VS x RS real servers,
# each walked RUNS times by tests/bench/snmp/walk_bench.sh. Not a test (no test_ prefix): run
# it with `tests/bench/snmp/run.sh vm` (ONLY=tandemd or ONLY=keepalived: one of them). Writes
# $TDM_OUT/bench_snmp_walk.txt.
. tests/vm/guest/lib.sh
need_tandemd
[ -f "$BUILD/bench/snmp.env" ] && . "$BUILD/bench/snmp.env"
command -v keepalived >/dev/null || skip "keepalived not installed"
command -v snmpbulkwalk >/dev/null || skip "snmpbulkwalk not installed"
export VS=${VS:-100} RS=${RS:-100} RUNS=${RUNS:-3} MAXREP=${MAXREP:-50} READY_S=${READY_S:-1800}
export OUT=${TDM_OUT:-/tmp}/bench_snmp_walk.txt TANDEMD BUILD
# under TCG a 10,000-real-server table rebuild takes seconds: a 5 s heartbeat (15 s before a
# child counts as wedged) keeps the supervisor from killing the snmp child for it
export TANDEMD_ARGS=${TANDEMD_ARGS:---heartbeat 5000}
: > "$OUT"
echo "VM (qemu TCG) $(uname -r), $(nproc) cores; $VS virtual servers x $RS real servers" | tee -a "$OUT"
for d in ${ONLY:-keepalived tandemd}; do
	ipvsadm -C 2>/dev/null || true
	tests/bench/snmp/walk_bench.sh "$d" || echo "$d: failed" | tee -a "$OUT"
done
ipvsadm -C 2>/dev/null || true
