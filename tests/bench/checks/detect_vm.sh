#!/bin/bash
# tests/bench/checks/detect_vm.sh - detection time per checker type down to the weight in the
# kernel: tests/bench/checks/detect.py --kernel in the IPVS VM (tests/vm/guest/bench_detect.sh).
#   BUILD=build [TRIALS=5] [DETECT_ARGS="--delay-loop 1 --connect-timeout 0.5 --retry 1"]
#   tests/bench/checks/detect_vm.sh      (root)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
make --no-print-directory -s BUILD="$BUILD" all
mkdir -p "$BUILD/bench"
printf 'TRIALS=%s\nDETECT_ARGS="%s"\n' "${TRIALS:-5}" "${DETECT_ARGS:-}" > "$BUILD/bench/detect.env"
VM_JOBS=1 VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-900} BUILD="$BUILD" tests/vm/run.sh bench_detect.sh
cat "$BUILD"/vm/shard-*/bench_detect.txt 2>/dev/null || true
