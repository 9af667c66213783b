#!/bin/bash
# tests/vm/guest/bench_checks_cpu.sh - CPU time per 1,000 checks, tandemd vs keepalived 2.2.7
# (keepalived's checker exits without IPVS, hence the VM). Not a test (no test_ prefix): run it
# with tests/bench/checks/vs_keepalived.sh. The same config (tests/bench/checks/gen.py: N_TCP
# TCP_CHECK + N_HTTP HTTP_GET real servers at delay_loop 1 against bench_srv on the namespace's
# loopback) runs under each daemon, each in its own namespace with its own bench_srv; after
# WARM seconds, and once the daemon's top process is idle (its start-up done), the CPU time of
# all the daemon's processes (/proc/PID/stat, user and system, plus the reaped children of its
# top process) and bench_srv's check count (HTTP answers, and connections closed without a
# request for TCP_CHECK) are sampled over
# SECS seconds. TOGETHER=1 (the default) runs both daemons at the same time: the guest's CPU
# clock also runs while the host deschedules the VM, so on a busy host whichever daemon runs
# alone in a busy moment is inflated; side by side both see the same host. TOGETHER=0 runs them
# in turn. ROUNDS repeats; the median of the rounds' ratios is the figure. Prints one line per
# daemon and round, per process, the ratio of each round and their median; writes
# $TDM_OUT/bench_checks_cpu.txt. Under TCG the absolute numbers are inflated; compare ratios.
. tests/vm/guest/lib.sh
need_tandemd
# knobs from the host (vs_keepalived.sh writes them): N_TCP N_HTTP WARM SECS ROUNDS TOGETHER
[ -f "$BUILD/bench/cpu.env" ] && . "$BUILD/bench/cpu.env"
command -v keepalived >/dev/null || skip "keepalived not installed"
N_TCP=${N_TCP:-250}
N_HTTP=${N_HTTP:-250}
WARM=${WARM:-6}
SECS=${SECS:-20}
ROUNDS=${ROUNDS:-1}
TOGETHER=${TOGETHER:-1}
SRV="$BUILD/bench/bench_srv"
[ -x "$SRV" ] || skip "$SRV not built (tests/bench/checks/vs_keepalived.sh builds it)"
OUT=${TDM_OUT:-/tmp}/bench_checks_cpu.txt
W=$(mktemp -d)
REUSE=${REUSE:-} /usr/bin/python3 tests/bench/checks/gen.py "$N_TCP" "$N_HTTP" 1 > "$W/bench.conf"
HZ=$(getconf CLK_TCK)
: > "$OUT"
declare -A SRVPID DPID T0 T1 A0 A1 U0 U1
NAMES=(keepalived tandemd)

# "pid comm utime stime" of every process of NAME's namespace but its bench_srv; the top
# process's reaped children are added to it
per_proc() {
	local n=$1 p s
	for p in $(ip netns pids "kb-$n"); do
		[ "$p" = "${SRVPID[$n]}" ] && continue
		s=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
		set -- $s
		if [ "$p" = "${DPID[$n]}" ]; then
			echo "$p $(cat "/proc/$p/comm" 2>/dev/null) $((${12} + ${14})) $((${13} + ${15}))"
		else
			echo "$p $(cat "/proc/$p/comm" 2>/dev/null) ${12} ${13}"
		fi
	done | sort
}
ticks() { per_proc "$1" | awk '{ t += $3 + $4 } END { print t + 0 }'; }
checks_done() {     # NAME: its bench_srv's count of checks (HTTP answers + bare connections)
	local n=$1 f="$W/srv-$1.out" before
	before=$(wc -l < "$f")
	kill -USR1 "${SRVPID[$n]}"
	wait_for 5 test "$(wc -l < "$f")" -gt "$before" || fail "bench_srv of $n did not report"
	tail -1 "$f" | awk '{print $4 + $6}'
}

start_one() {       # NAME: its namespace, bench_srv and daemon
	local n=$1
	newns "kb-$n"
	ip netns exec "kb-$n" sysctl -qw net.ipv4.tcp_tw_reuse=1 || true
	ip netns exec "kb-$n" "$SRV" 0.0.0.0 8080 > "$W/srv-$n.out" 2>&1 &
	SRVPID[$n]=$!
	wait_for 10 ip netns exec "kb-$n" sh -c 'cat /proc/net/tcp | grep -q ":1F90 00000000:0000 0A"' ||
		fail "bench_srv not listening"
	ulimit -n 65536 2>/dev/null || true
	if [ "$n" = keepalived ]; then
		ip netns exec "kb-$n" keepalived -n -l -C -f "$W/bench.conf" -p "$W/k.pid" \
			-c "$W/kc.pid" > "$W/$n.log" 2>&1 &
	else
		ip netns exec "kb-$n" "$TANDEMD" -n -l -f "$W/bench.conf" -p "$W/t.pid" \
			--control "$W/t.sock" > "$W/$n.log" 2>&1 &
	fi
	DPID[$n]=$!
}
sample() {          # NAME 0|1: connections, time and CPU, taken together
	local n=$1
	eval "A$2[$n]=$(checks_done "$n")"
	eval "U$2[$n]=$(up)"
	per_proc "$n" > "$W/pp$2-$n"
	eval "T$2[$n]=$(awk '{ t += $3 + $4 } END { print t + 0 }' "$W/pp$2-$n")"
}
tandem_view() {     # tandem's own view: totals, failures and their reasons
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
}
stop_one() {        # NAME: stop, report, clean up; sets PER_NAME
	local n=$1
	kill -TERM "${DPID[$n]}"
	wait_exit "${DPID[$n]}" 30 || true
	# a child that died or was restarted during the run makes the figures meaningless: say so
	grep -aiE "heartbeat|restart|killed|signal [0-9]+ received|exited with|FATAL" "$W/$n.log" |
		grep -v "signal 15" | head -3 | sed "s/^/  $n log: /" | tee -a "$OUT"
	kill -KILL "${SRVPID[$n]}" 2>/dev/null; wait "${SRVPID[$n]}" 2>/dev/null
	ip netns del "kb-$n"
	# where the CPU went, per process: user and system ms in the window
	join "$W/pp0-$n" "$W/pp1-$n" | awk -v hz="$HZ" -v n="$n" \
		'{ printf "  %s pid %s (%s): user %d ms, system %d ms\n", n, $1, $2,
		   ($6 - $3) * 1000 / hz, ($7 - $4) * 1000 / hz }' | tee -a "$OUT"
	local cpu_ms=$(( (T1[$n] - T0[$n]) * 1000 / HZ )) checks=$((A1[$n] - A0[$n]))
	local per
	per=$(awk -v c="$cpu_ms" -v k="$checks" 'BEGIN { printf "%.1f", (k ? c * 1000 / k : 0) }')
	local secs
	secs=$(awk -v a="${U0[$n]}" -v b="${U1[$n]}" 'BEGIN { printf "%.1f", b - a }')
	echo "$n: $checks checks in $secs s ($(awk -v k="$checks" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? k / s : 0) }')/s, at most $((N_TCP + N_HTTP))/s), CPU $cpu_ms ms, $per ms per 1,000 checks" | tee -a "$OUT"
	eval "PER_$n=$per"
}
# until NAME's top process (tandemd's supervisor, keepalived's parent) has stopped using CPU:
# its start-up (parsing, programming IPVS, starting children) must not fall into the window
settle() {
	local n=$1 a b i s
	for i in $(seq 30); do
		s=$(cut -d')' -f2 "/proc/${DPID[$n]}/stat" 2>/dev/null) || return 0
		set -- $s; a=$((${12} + ${13}))
		sleep 1
		s=$(cut -d')' -f2 "/proc/${DPID[$n]}/stat" 2>/dev/null) || return 0
		set -- $s; b=$((${12} + ${13}))
		[ $((b - a)) -le 1 ] && return 0
	done
	log "$n: its top process is still busy after 30 s"
}
run_round() {
	local n
	if [ "$TOGETHER" = 1 ]; then
		for n in "${NAMES[@]}"; do start_one "$n"; done
		sleep "$WARM"
		for n in "${NAMES[@]}"; do
			kill -0 "${DPID[$n]}" 2>/dev/null || { tail -20 "$W/$n.log"; fail "$n exited"; }
		done
		for n in "${NAMES[@]}"; do settle "$n"; done
		for n in "${NAMES[@]}"; do sample "$n" 0; done
		sleep "$SECS"
		for n in "${NAMES[@]}"; do sample "$n" 1; done
		tandem_view
		for n in "${NAMES[@]}"; do stop_one "$n"; done
	else
		for n in "${NAMES[@]}"; do
			start_one "$n"
			sleep "$WARM"
			kill -0 "${DPID[$n]}" 2>/dev/null || { tail -20 "$W/$n.log"; fail "$n exited"; }
			settle "$n"
			sample "$n" 0
			sleep "$SECS"
			sample "$n" 1
			[ "$n" = tandemd ] && tandem_view
			stop_one "$n"
		done
	fi
}

log "config: $N_TCP TCP_CHECK + $N_HTTP HTTP_GET at delay_loop 1 s per daemon, warm-up $WARM s, window $SECS s, $ROUNDS round(s), $([ "$TOGETHER" = 1 ] && echo "side by side" || echo "in turn")"
RATIOS=()
for r in $(seq "$ROUNDS"); do
	run_round
	ratio=$(awk -v t="$PER_tandemd" -v k="$PER_keepalived" 'BEGIN { printf "%.2f", (k > 0 ? t / k : 0) }')
	echo "round $r: ratio tandemd/keepalived CPU per check: $ratio" | tee -a "$OUT"
	RATIOS+=("$ratio")
done
printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ v[NR] = $1 } END {
	printf "ratio tandemd/keepalived CPU per check: median %.2f of %d round(s) (min %.2f, max %.2f)\n",
	       (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), NR, v[1], v[NR] }' | tee -a "$OUT"
rm -rf "$W"
