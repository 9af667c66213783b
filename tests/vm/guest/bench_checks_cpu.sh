#!/bin/bash
# tests/vm/guest/bench_checks_cpu.sh - CPU time per 1,000 checks, tandemd vs keepalived 2.2.7
# (keepalived's checker exits without IPVS, hence the VM). Not a test (no test_ prefix): run it
# with tests/bench/checks/vs_keepalived.sh. The same config (tests/bench/checks/gen.py: N_TCP
# TCP_CHECK + N_HTTP HTTP_GET real servers at delay_loop 1 against bench_srv on the namespace's
# loopback) runs under each daemon in turn; after WARM seconds the CPU time of all the daemon's
# processes (/proc/PID/stat utime+stime) and bench_srv's connection count are sampled over SECS
# seconds. Prints one line per daemon and the ratio; writes $TDM_OUT/bench_checks_cpu.txt.
# Under TCG the absolute numbers are inflated; the ratio is the figure.
. tests/vm/guest/lib.sh
need_tandemd
# knobs from the host (vs_keepalived.sh writes them): N_TCP N_HTTP WARM SECS
[ -f "$BUILD/bench/cpu.env" ] && . "$BUILD/bench/cpu.env"
command -v keepalived >/dev/null || skip "keepalived not installed"
N_TCP=${N_TCP:-250}
N_HTTP=${N_HTTP:-250}
WARM=${WARM:-6}
SECS=${SECS:-20}
SRV="$BUILD/bench/bench_srv"
[ -x "$SRV" ] || skip "$SRV not built (tests/bench/checks/vs_keepalived.sh builds it)"
OUT=${TDM_OUT:-/tmp}/bench_checks_cpu.txt
W=$(mktemp -d)
/usr/bin/python3 tests/bench/checks/gen.py "$N_TCP" "$N_HTTP" 1 > "$W/bench.conf"
HZ=$(getconf CLK_TCK)
: > "$OUT"

ticks() {           # utime+stime of every process of the namespace but bench_srv, plus the
	local t=0 p s   # daemon's reaped children (cutime+cstime of its top process)
	for p in $(ip netns pids kb); do
		[ "$p" = "$SRVPID" ] && continue
		s=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
		set -- $s
		t=$((t + ${12} + ${13}))
		[ "$p" = "$DPID" ] && t=$((t + ${14} + ${15}))
	done
	echo $t
}
per_proc() {        # "pid comm ticks" of every process of the namespace but bench_srv
	local p s
	for p in $(ip netns pids kb); do
		[ "$p" = "$SRVPID" ] && continue
		s=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
		set -- $s
		echo "$p $(cat /proc/$p/comm 2>/dev/null) $((${12} + ${13}))"
	done | sort
}
accepted() {        # bench_srv's count of accepted connections
	local before
	before=$(wc -l < "$W/srv.out")
	kill -USR1 "$SRVPID"
	wait_for 5 test "$(wc -l < "$W/srv.out")" -gt "$before" || fail "bench_srv did not report"
	tail -1 "$W/srv.out" | awk '{print $2}'
}

run_one() {         # NAME COMMAND... (runs in namespace kb)
	local name=$1; shift
	ipvsadm -C 2>/dev/null
	newns kb
	ip netns exec kb sysctl -qw net.ipv4.tcp_tw_reuse=1 || true
	ip netns exec kb "$SRV" 0.0.0.0 8080 > "$W/srv.out" 2>&1 &
	SRVPID=$!
	wait_for 10 ip netns exec kb sh -c 'cat /proc/net/tcp | grep -q ":1F90 00000000:0000 0A"' ||
		fail "bench_srv not listening"
	ulimit -n 65536 2>/dev/null || true
	ip netns exec kb "$@" > "$W/$name.log" 2>&1 &
	local dpid=$!
	DPID=$dpid
	sleep "$WARM"
	kill -0 "$dpid" 2>/dev/null || { tail -20 "$W/$name.log"; fail "$name exited"; }
	local t0 a0 t1 a1
	per_proc > "$W/pp0"
	t0=$(ticks); a0=$(accepted)
	sleep "$SECS"
	t1=$(ticks); a1=$(accepted)
	per_proc > "$W/pp1"
	# where the CPU went, per process (ms in the window)
	join "$W/pp0" "$W/pp1" | awk -v hz="$HZ" -v n="$name" \
		'{ printf "  %s pid %s (%s): %d ms\n", n, $1, $2, ($5 - $3) * 1000 / hz }' | tee -a "$OUT"
	if [ "$name" = tandemd ]; then       # tandem's own view: totals, failures and their reasons
		"$TANDEMCTL" --control "$W/t.sock" --json checks 2>/dev/null | /usr/bin/python3 -c '
import collections, json, sys
r = json.load(sys.stdin)
if not r.get("ok"):
    print("tandemd checks: " + str(r.get("error"))); sys.exit(0)
cs = r.get("checks", [])
why = collections.Counter(c["last"][:90] for c in cs if c.get("last_ok") is False)
print("tandemd checks: %d of %d shown, total %d, failed %d, down %d; mean latency %.1f ms" % (len(cs), r.get("checks_total", 0),
      sum(c["total"] for c in cs), sum(c["fail"] for c in cs),
      sum(c["state"] != "up" for c in cs), sum(c["latency_ms"] for c in cs) / max(1, len(cs))))
for w, n in why.most_common(3):
    print("  %d x %s" % (n, w))' | tee -a "$OUT"
	fi
	kill -TERM "$dpid"
	wait_exit "$dpid" 30 || true
	# a child that died or was restarted during the run makes the figures meaningless: say so
	grep -aiE "heartbeat|restart|killed|signal [0-9]+ received|exited with|FATAL" "$W/$name.log" |
		grep -v "signal 15" | head -3 | sed "s/^/  $name log: /" | tee -a "$OUT"
	kill -KILL "$SRVPID" 2>/dev/null; wait "$SRVPID" 2>/dev/null
	ip netns del kb
	ipvsadm -C 2>/dev/null
	local cpu_ms=$(( (t1 - t0) * 1000 / HZ )) checks=$((a1 - a0))
	local per=$(awk -v c="$cpu_ms" -v n="$checks" 'BEGIN { printf "%.1f", n ? c * 1000 / n : 0 }')
	local line="$name: $checks checks in $SECS s ($((checks / SECS))/s, expected $(( (N_TCP + N_HTTP) ))/s), CPU $cpu_ms ms, $per ms per 1,000 checks"
	echo "$line" | tee -a "$OUT"
	eval "PER_$name=$per"
}

log "config: $N_TCP TCP_CHECK + $N_HTTP HTTP_GET at delay_loop 1 s, warm-up $WARM s, window $SECS s"
run_one keepalived keepalived -n -l -C -f "$W/bench.conf" -p "$W/k.pid" -c "$W/kc.pid"
run_one tandemd "$TANDEMD" -n -l -f "$W/bench.conf" -p "$W/t.pid" --control "$W/t.sock"
awk -v t="$PER_tandemd" -v k="$PER_keepalived" \
	'BEGIN { printf "ratio tandemd/keepalived CPU per check: %.2f\n", k > 0 ? t / k : 0 }' | tee -a "$OUT"
rm -rf "$W"
