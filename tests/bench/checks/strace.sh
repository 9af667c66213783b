#!/bin/bash
# tests/bench/checks/strace.sh - system calls per check: N HTTP_GET (or TCP_CHECK) checks at a
# 1 s delay_loop against bench_srv in a private namespace, the engine alone (check_run) under
# `strace -f -c`; prints the syscall table, calls per check and whether any thread or process
# was made (clone).   tests/bench/checks/strace.sh [N] [SECONDS] [http|tcp]   (needs root)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
N=${1:-500}
SECS=${2:-5}
KIND=${3:-http}
. "$HERE/lib.sh"
bench_build
bench_ns bstrace
bench_conf_one "$KIND" "$N"
bench_srv_start
ip netns exec "$NS" strace -f -c -o "$TMP/strace.txt" "$BUILD/bench/check_run" --quiet \
	--seconds "$SECS" "$TMP/bench.conf" > "$TMP/out.json"
/usr/bin/python3 - "$TMP/out.json" "$TMP/strace.txt" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
st = [l for l in lines if l.get("type") == "status"][-1]
n = sum(c["total"] for c in st["checks"])
fails = sum(c["fail"] for c in st["checks"])
calls, table = 0, {}
for ln in open(sys.argv[2]):
    f = ln.split()
    if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
        c = int(f[3]); table[f[-1]] = c; calls += c
print(f"{n} checks ({fails} failed), {calls} system calls in all (start-up and config load included)")
for name, c in sorted(table.items(), key=lambda x: -x[1])[:16]:
    print(f"  {name:16s} {c:8d}  {c / max(n, 1):6.2f} per check")
print(f"clone/clone3/fork: {sum(table.get(k, 0) for k in ('clone', 'clone3', 'fork', 'vfork'))}")
PY
