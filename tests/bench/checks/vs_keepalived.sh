#!/bin/bash
# tests/bench/checks/vs_keepalived.sh - CPU time per 1,000 checks, tandemd vs keepalived 2.2.7,
# in the IPVS VM (keepalived's checker exits on a kernel without IPVS): builds bench_srv and
# tandemd, then runs tests/vm/guest/bench_checks_cpu.sh in one VM.   (root)
#   BUILD=build [N_TCP=250] [N_HTTP=250] [WARM=6] [SECS=20] [ROUNDS=3]
#   [TOGETHER=1 (both daemons at once) | 0 (in turn)] [REUSE=1 (HTTP_GET reuse_connection, a
#   keyword keepalived ignores: it still opens a connection per check)]
#   tests/bench/checks/vs_keepalived.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
make --no-print-directory -s BUILD="$BUILD" all
mkdir -p "$BUILD/bench"
cc -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$BUILD/bench/bench_srv" "$HERE/bench_srv.c"
printf 'N_TCP=%s\nN_HTTP=%s\nWARM=%s\nSECS=%s\nROUNDS=%s\nTOGETHER=%s\nREUSE=%s\n' "${N_TCP:-250}" \
	"${N_HTTP:-250}" "${WARM:-6}" "${SECS:-20}" "${ROUNDS:-3}" "${TOGETHER:-1}" "${REUSE:-}" \
	> "$BUILD/bench/cpu.env"
VM_JOBS=1 VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-900} BUILD="$BUILD" tests/vm/run.sh bench_checks_cpu.sh
cat "$BUILD"/vm/shard-*/bench_checks_cpu.txt 2>/dev/null || true
