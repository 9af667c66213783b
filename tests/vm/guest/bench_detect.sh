#!/bin/bash
# tests/vm/guest/bench_detect.sh - detection time per checker type down to the kernel: runs
# tests/bench/checks/detect.py --kernel in the VM (IPVS present), which prints, per type, the
# time from killing a real server to its rs.state down event and to the ipvs.apply that set its
# weight to 0 in the kernel, next to the bound delay_loop x fall + connect_timeout. Not a test
# (no test_ prefix): run it with tests/bench/checks/detect_vm.sh. Writes
# $TDM_OUT/bench_detect.txt.
. tests/vm/guest/lib.sh
need_tandemd
command -v ipvsadm >/dev/null || skip "no ipvsadm"
command -v openssl >/dev/null || skip "no openssl"
[ -f "$BUILD/bench/detect.env" ] && . "$BUILD/bench/detect.env"
OUT=${TDM_OUT:-/tmp}/bench_detect.txt
BUILD="$BUILD" /usr/bin/python3 tests/bench/checks/detect.py --kernel --trials "${TRIALS:-5}" \
	${DETECT_ARGS:-} 2>&1 | tee "$OUT"
