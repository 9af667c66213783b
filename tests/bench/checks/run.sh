#!/bin/bash
# tests/bench/checks/run.sh - checker throughput: N real servers with TCP_CHECK and N with
# HTTP_GET at a 1 s delay_loop against bench_srv in a private network namespace (loopback only);
# prints checks per second sustained, CPU of the engine (one process, as the check child) and
# memory per check.   [DELAY=s] tests/bench/checks/run.sh [N_TCP] [N_HTTP] [SECONDS]   (needs root;
# DELAY, the delay_loop, 1 s by default: a long one leaves the checks idle for the heap figure)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
NT=${1:-10000}
NH=${2:-10000}
SECS=${3:-20}
. "$HERE/lib.sh"
bench_build
bench_ns bench
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_tw_reuse=1 || true
/usr/bin/python3 "$HERE/gen.py" "$NT" "$NH" "${DELAY:-1}" > "$TMP/bench.conf"
bench_srv_start
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "checks: $NT TCP_CHECK + $NH HTTP_GET, delay_loop ${DELAY:-1} s, ${SECS} s run, $(nproc) cores"
ip netns exec "$NS" "$BUILD/bench/check_run" --quiet --seconds "$SECS" "$TMP/bench.conf" > "$TMP/out.json"
/usr/bin/python3 - "$TMP/out.json" "$SECS" "$NT" "$NH" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
secs, nt, nh = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
st = [l for l in lines if l.get("type") == "status"][-1]
ex = [l for l in lines if l.get("type") == "exit"][-1]
sta = [l for l in lines if l.get("type") == "started"][0]
tot = {"TCP_CHECK": [0, 0], "HTTP_GET": [0, 0]}
up = 0
for c in st["checks"]:
    t = tot.setdefault(c["kind"], [0, 0])
    t[0] += c["total"]
    t[1] += c["fail"]
    up += c["state"] == "up"
import collections
why = collections.Counter(c["last"].split(": ", 1)[-1][:70] for c in st["checks"] if c.get("last_ok") is False)
for k, (t, f) in tot.items():
    print(f"{k:10s} {t / secs:9.0f} checks/s  ({t} in {secs:.0f} s, {f} failed)")
allc = sum(t for t, _ in tot.values())
print(f"all        {allc / secs:9.0f} checks/s, {up}/{len(st['checks'])} checks up")
print(f"engine CPU {ex['cpu_s']:.2f} s in {secs:.0f} s = {100 * ex['cpu_s'] / secs:.0f}% of one core, "
      f"{1e6 * ex['cpu_s'] / max(allc, 1):.1f} ms CPU per 1,000 checks "
      f"(user {1e6 * ex['user_s'] / max(allc, 1):.1f}, system {1e6 * ex['sys_s'] / max(allc, 1):.1f})")
lat = sorted(c["latency_ms"] for c in st["checks"] if c.get("latency_ms") is not None)
if lat:
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    print(f"latency of the last attempt: median {q(0.5):.1f} ms, p90 {q(0.9):.1f} ms, max {lat[-1]:.1f} ms")
for w, n in why.most_common(3):
    print(f"  last failure x{n}: {w}")
print(f"heap: config {sta['heap_config'] / max(nt + nh, 1):.0f} bytes per check, engine at start "
      f"{sta['heap_engine'] / max(nt + nh, 1):.0f} bytes per check; after the run (config, engine and "
      f"each check's own state) {ex['heap_end'] / max(nt + nh, 1):.0f} bytes per check")
print(f"max RSS {ex['maxrss_kb'] / 1024:.1f} MiB = {1024 * ex['maxrss_kb'] / max(nt + nh, 1):.0f} bytes per check "
      f"(includes the parsed config and libcurl)")
PY
