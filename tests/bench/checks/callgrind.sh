#!/bin/bash
# tests/bench/checks/callgrind.sh - where the check engine's user CPU goes: N HTTP_GET (or
# TCP_CHECK) checks at a 1 s delay_loop against bench_srv in a private namespace, the engine
# alone (check_run) under valgrind --tool=callgrind; prints the checks run, instructions per
# check and the top of callgrind_annotate (inclusive and exclusive), and keeps the profile.
#   tests/bench/checks/callgrind.sh [N] [SECONDS] [http|tcp] [OUT]   (needs root, valgrind)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
N=${1:-200}
SECS=${2:-10}
KIND=${3:-http}
OUT=${4:-$BUILD/bench/callgrind.out}
. "$HERE/lib.sh"
bench_build
bench_ns bcg
bench_conf_one "$KIND" "$N"
bench_srv_start
# connect_timeout 2 s: valgrind slows the engine ~50x, keep the checks from timing out
ip netns exec "$NS" valgrind --tool=callgrind --callgrind-out-file="$OUT" \
	"$BUILD/bench/check_run" --quiet --seconds "$SECS" "$TMP/bench.conf" > "$TMP/out.json" \
	2> "$TMP/vg.txt"
/usr/bin/python3 - "$TMP/out.json" "$OUT" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
st = [l for l in lines if l.get("type") == "status"][-1]
n = sum(c["total"] for c in st["checks"])
fails = sum(c["fail"] for c in st["checks"])
ir = 0
for ln in open(sys.argv[2]):
    if ln.startswith("summary:") or ln.startswith("totals:"):
        ir = int(ln.split()[1])
print(f"{n} checks ({fails} failed), {ir} instructions = {ir / max(n, 1):.0f} per check "
      "(start-up and config included)")
PY
# the loop alone (the checks, without start-up and teardown)
RUN=$(callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null | awk '/ev_run \[/ && !r {gsub(",", "", $1); r = $1} END {print r}')
N_DONE=$(/usr/bin/python3 -c 'import json,sys; st=[json.loads(l) for l in open(sys.argv[1]) if "\"status\"" in l][-1]; print(sum(c["total"] for c in st["checks"]))' "$TMP/out.json")
echo "in the loop (ev_run): ${RUN:-?} instructions = $(( ${RUN:-0} / (N_DONE > 0 ? N_DONE : 1) )) per check"
callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null | sed -n '1,60p'
callgrind_annotate "$OUT" 2>/dev/null | sed -n '1,50p'
