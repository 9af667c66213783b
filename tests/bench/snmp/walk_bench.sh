#!/bin/bash
# tests/bench/snmp/walk_bench.sh - one daemon's SNMP walk figure: tandemd (TANDEM-MIB) or
# keepalived (KEEPALIVED-MIB, checker part) with VS x RS real servers (tests/bench/snmp/gen.py,
# TCP_CHECK against bench_srv on a private namespace's loopback), snmpd as AgentX master in the
# same namespace. Once every real server is in the MIB, the whole subtree is walked RUNS times
# with snmpbulkwalk (-Cr MAXREP); prints the median wall time, the varbinds, and the CPU time
# the subagent process and snmpd spent per walk (/proc utime+stime over the walks).
#   walk_bench.sh tandemd|keepalived   (root; env: BUILD TANDEMD TANDEMD_ARGS VS RS RUNS MAXREP OUT)
# keepalived's checker needs IPVS: run that one in the VM (tests/bench/snmp/run.sh vm).
set -euo pipefail
DAEMON=$1
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$REPO/$BUILD" ;; esac
TANDEMD=${TANDEMD:-$BUILD/tandemd}
VS=${VS:-100}
RS=${RS:-100}
RUNS=${RUNS:-5}
MAXREP=${MAXREP:-50}
OUT=${OUT:-/dev/null}
SRV="$BUILD/bench/bench_srv"
HZ=$(getconf CLK_TCK)
NS="tdm-snmpb-$$"
W=$(mktemp -d)
export MIBS="" SNMP_PERSISTENT_DIR="$W/state"
cleanup() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	sleep 0.2
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
if [ ! -x "$SRV" ]; then
	mkdir -p "$BUILD/bench"
	cc -O2 -std=gnu11 -D_GNU_SOURCE -o "$SRV" "$REPO/tests/bench/checks/bench_srv.c"
fi
ip netns add "$NS"
ip -n "$NS" link set lo up
NX() { ip netns exec "$NS" "$@"; }
ulimit -n 65536 2>/dev/null || true
ip netns exec "$NS" "$SRV" 0.0.0.0 8080 > "$W/srv.out" 2>&1 &
mkdir -p "$W/state"
cat > "$W/snmpd.conf" <<EOF
master agentx
agentXSocket $W/agentx.sock
agentXTimeout 30
agentaddress udp:127.0.0.1:16161
rocommunity public 127.0.0.1
EOF
ip netns exec "$NS" /usr/sbin/snmpd -f -Lf "$W/snmpd.log" -C -c "$W/snmpd.conf" -p "$W/snmpd.pid" &
SNMPD=$!
for _ in $(seq 100); do
	NX snmpget -v2c -c public -t 0.5 -r 0 127.0.0.1:16161 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
	sleep 0.1
done
if [ "$DAEMON" = tandemd ]; then
	ROOT=1.3.6.1.4.1.32473.17
	COUNT=$ROOT.1.4.1.3            # tandemRealServerState
	/usr/bin/python3 "$HERE/gen.py" tandem "$W/agentx.sock" "$VS" "$RS" > "$W/bench.conf"
	# shellcheck disable=SC2086
	ip netns exec "$NS" "$TANDEMD" -n -l -f "$W/bench.conf" -p "$W/d.pid" --control "$W/d.sock" \
		${TANDEMD_ARGS:-} \
		> "$W/daemon.log" 2>&1 &
else
	ROOT=1.3.6.1.4.1.9586.100.5
	COUNT=$ROOT.3.4.1.6            # realServerStatus
	/usr/bin/python3 "$HERE/gen.py" keepalived "$W/agentx.sock" "$VS" "$RS" > "$W/bench.conf"
	ip netns exec "$NS" keepalived -n -C -x -f "$W/bench.conf" -p "$W/d.pid" -c "$W/dc.pid" \
		> "$W/daemon.log" 2>&1 &
fi
DPID=$!
walk() { NX snmpbulkwalk -v2c -c public -On -Oq -t 60 -r 0 -Cr"$MAXREP" 127.0.0.1:16161 "$@"; }
want=$((VS * RS))
deadline=$((SECONDS + ${READY_S:-600}))
n=0
while [ "$SECONDS" -lt "$deadline" ]; do
	kill -0 "$DPID" 2>/dev/null || { tail -20 "$W/daemon.log"; echo "$DAEMON exited" >&2; exit 1; }
	# keepalived answers a walk in time quadratic in the real servers: poll IPVS first
	if [ "$DAEMON" = keepalived ]; then
		k=$(ip netns exec "$NS" ipvsadm -Ln 2>/dev/null | grep -c -- "->.*Masq" || true)
		if [ "$k" -lt "$want" ]; then
			[ $((SECONDS % 30)) -lt 2 ] && echo "keepalived: $k of $want in IPVS after $SECONDS s" >&2
			sleep 2
			continue
		fi
	fi
	n=$(walk "$COUNT" 2>/dev/null | grep -c '^\.' || true)
	[ "$n" -ge "$want" ] && break
	echo "$DAEMON: $n of $want real servers in the MIB after $SECONDS s" >&2
	sleep 2
done
echo "$DAEMON: all $want real servers in the MIB after $SECONDS s" >&2
[ "$n" -ge "$want" ] || { echo "$DAEMON: only $n of $want real servers in the MIB" >&2; exit 1; }
# the process that answers: tandem's snmp child, keepalived's checker child
pids_of() { ip netns pids "$NS"; }
comm() { cat "/proc/$1/comm" 2>/dev/null || true; }
ticks() { local s; s=$(cut -d')' -f2 "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	set -- $s; echo $((${12} + ${13})); }
AGENT=""
if [ "$DAEMON" = tandemd ]; then
	AGENT=$(NX "${TANDEMCTL:-$BUILD/tandemctl}" --control "$W/d.sock" --json status 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; print([c["pid"] for c in json.load(sys.stdin)["children"] if c["name"]=="snmp"][0])' ||
		true)
else
	AGENT=$(cat "$W/dc.pid" 2>/dev/null || true)
fi
[ -n "$AGENT" ] || { echo "$DAEMON: the subagent process was not found" >&2; exit 1; }
sleep "${SETTLE_S:-5}"          # startup work (first check round, events) done
a0=$(ticks "$AGENT"); s0=$(ticks "$SNMPD")
times=()
vb=0
for _ in $(seq "$RUNS"); do
	t0=$(date +%s.%N)
	vb=$(walk "$ROOT" | grep -c '^\.' || true)
	t1=$(date +%s.%N)
	echo "$DAEMON: a walk: $vb varbinds" >&2
	times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
done
a1=$(ticks "$AGENT"); s1=$(ticks "$SNMPD")
med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] }')
agent_ms=$(( (a1 - a0) * 1000 / HZ / RUNS ))
snmpd_ms=$(( (s1 - s0) * 1000 / HZ / RUNS ))
line="$DAEMON: $want real servers, $vb varbinds per walk, snmpbulkwalk -Cr$MAXREP median $med s of $RUNS (all: ${times[*]}), subagent CPU $agent_ms ms per walk, snmpd CPU $snmpd_ms ms per walk"
echo "$line" | tee -a "$OUT"
kill -TERM "$DPID" 2>/dev/null || true
for _ in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.2; done
