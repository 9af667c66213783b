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
make --no-print-directory -s BUILD="$BUILD" "$BUILD/libtandem.a"
mkdir -p "$BUILD/bench"
MKV=$(make --no-print-directory -s -p -n BUILD="$BUILD" nothing 2>/dev/null || true)
PCF=$(sed -n 's/^PKG_CFLAGS := //p' <<<"$MKV" | head -1)
PLIBS=$(sed -n 's/^PKG_LIBS := //p' <<<"$MKV" | head -1)
# shellcheck disable=SC2086
cc -O2 -g -std=gnu11 -D_GNU_SOURCE -I. $PCF -o "$BUILD/bench/check_run" \
	"$HERE/check_run.c" "$BUILD/libtandem.a" $PLIBS
cc -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$BUILD/bench/bench_srv" "$HERE/bench_srv.c"
TMP=$(mktemp -d)
NS="tdm-bcg-$$"
cleanup() {
	[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null || true
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
if [ "$KIND" = tcp ]; then
	/usr/bin/python3 "$HERE/gen.py" "$N" 0 1 > "$TMP/bench.conf"
else
	/usr/bin/python3 "$HERE/gen.py" 0 "$N" 1 > "$TMP/bench.conf"
fi
ip netns exec "$NS" "$BUILD/bench/bench_srv" 0.0.0.0 8080 &
SRV=$!
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
