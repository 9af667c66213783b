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
NS="tdm-bstrace-$$"
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
