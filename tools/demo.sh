#!/bin/bash
# tools/demo.sh - `make demo`: two tandem directors in network namespaces, start to stop.
#
#   client ---+                      +--- rs1 (10.100.1.21)
#             |  front 10.100.0.0/24 |  back 10.100.1.0/24
#             +---- dir1  (.11) -----+
#             +---- dir2  (.12) -----+--- rs2 (10.100.1.22)
#   VIP 10.100.0.10 (vrrp_instance VI_1), virtual server 10.100.0.10:80 -> rs1, rs2
#
# Both networks are bridges inside namespace tdm-demo-lan. tandemd runs in tdm-demo-dir1 and
# tdm-demo-dir2 with etc/demo/dir1.conf and dir2.conf, each with its own control socket under
# /run/tandem-demo/. The script waits until both answer, shows dir1's event stream and
# VRRP electing dir1 as master with the VIP, the health checks of the two real servers (busybox
# httpd), a failover to dir2 when dir1 stops (the client keeps reaching the VIP), `tandemctl
# status`, then stops dir2 and removes everything (also on Ctrl-C or error, and the leftovers of an
# interrupted earlier run). Non-interactive; needs root. BUILD selects the build dir (build).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BUILD=${BUILD:-build}
TANDEMD=$REPO/$BUILD/tandemd
TANDEMCTL=$REPO/$BUILD/tandemctl
RUN=/run/tandem-demo
NS_PREFIX=tdm-demo-
NAMES=(lan dir1 dir2 rs1 rs2 client)
DIRS=(dir1 dir2)

# true once PID is gone or a zombie waiting to be reaped (kill -0 succeeds on zombies)
exited() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
say() { if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$*"; else printf '\n%s\n' "$*"; fi; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces); try: sudo make demo"
[ -x "$TANDEMD" ] && [ -x "$TANDEMCTL" ] || die "$TANDEMD or $TANDEMCTL missing; run make first"

# Stop daemons recorded in pidfiles and remove our namespaces (this run's or an old one's).
cleanup() {
	local d pid ns i
	for d in "${DIRS[@]}"; do
		pid=$(cat "$RUN/$d.pid" 2>/dev/null || true)
		if [ -n "$pid" ] && ! exited "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
			for i in $(seq 50); do exited "$pid" && break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	for ns in "${NAMES[@]}"; do
		ns=$NS_PREFIX$ns
		[ -e "/run/netns/$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$RUN"
}

on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if [ $rc -ne 0 ]; then
		for d in "${DIRS[@]}"; do
			[ -s "$RUN/$d.log" ] && { echo "--- $d log:"; tail -20 "$RUN/$d.log"; }
		done
	fi
	cleanup
	[ $rc -eq 0 ] && say "Removed the namespaces, sockets and pidfiles. Demo done." ||
		echo "demo: failed (exit $rc); everything it created was removed" >&2
	exit $rc
}

# one demo at a time on a machine (they share the names above)
exec 8>/run/tandem-demo.lock
flock -w 120 8 || die "another demo holds /run/tandem-demo.lock"
cleanup                      # leftovers of an interrupted run
trap on_exit EXIT
trap 'exit 130' INT TERM
mkdir -p "$RUN"
declare -A PID=()

say "1. Network: namespaces ${NAMES[*]/#/$NS_PREFIX}"
for n in "${NAMES[@]}"; do
	ip netns add "$NS_PREFIX$n"
	ip -n "$NS_PREFIX$n" link set lo up
done
LAN=${NS_PREFIX}lan
for br in front back; do
	ip -n "$LAN" link add "$br" type bridge
	ip -n "$LAN" link set "$br" type bridge forward_delay 0 stp_state 0
	ip -n "$LAN" link set "$br" up
done
# plug NS:IFNAME with ADDR into bridge BR (port name PORT)
plug() { # ns ifname addr bridge port
	ip -n "$LAN" link add "$5" type veth peer name "$2" netns "$NS_PREFIX$1"
	ip -n "$LAN" link set "$5" master "$4" up
	ip -n "$NS_PREFIX$1" addr add "$3" dev "$2"
	ip -n "$NS_PREFIX$1" link set "$2" up
}
plug client eth0 10.100.0.100/24 front f-client
plug dir1 eth0 10.100.0.11/24 front f-dir1
plug dir2 eth0 10.100.0.12/24 front f-dir2
plug dir1 eth1 10.100.1.11/24 back b-dir1
plug dir2 eth1 10.100.1.12/24 back b-dir2
plug rs1 eth0 10.100.1.21/24 back b-rs1
plug rs2 eth0 10.100.1.22/24 back b-rs2
for n in client dir1 dir2 rs1 rs2; do
	printf '  %-8s %s\n' "$n" "$(ip -n "$NS_PREFIX$n" -4 -o addr show scope global | awk '{printf "%s:%s ", $2, $4}')"
done

say "2. Starting tandemd in dir1 and dir2 (configs: etc/demo/dir1.conf, dir2.conf, services.conf)"
for d in "${DIRS[@]}"; do
	"$TANDEMD" -t -f "$REPO/etc/demo/$d.conf" >/dev/null ||
		die "etc/demo/$d.conf does not pass tandemd -t"
	ip netns exec "$NS_PREFIX$d" "$TANDEMD" -n -l -f "$REPO/etc/demo/$d.conf" \
		-p "$RUN/$d.pid" --control "$RUN/$d.sock" </dev/null >"$RUN/$d.log" 2>&1 &
	PID[$d]=$!     # ip netns exec execs tandemd: this is the daemon's own pid
	echo "  $d: tandemd pid $! (log $RUN/$d.log, control socket $RUN/$d.sock)"
done
# both must answer on their control socket (bounded wait)
for d in "${DIRS[@]}"; do
	ok=0
	for _ in $(seq 100); do
		if "$TANDEMCTL" --control "$RUN/$d.sock" --timeout 1 ping >/dev/null 2>&1; then ok=1; break; fi
		sleep 0.1
	done
	[ $ok = 1 ] || die "$d did not answer on $RUN/$d.sock within 10 s"
done
echo "  both answer on their control sockets"

# wait_vrrp DIR STATE: until DIR's VI_1 is in STATE (bounded: 10 s)
wait_vrrp() {
	for _ in $(seq 100); do
		"$TANDEMCTL" --control "$RUN/$1.sock" --json vrrp VI_1 2>/dev/null |
			grep -q "\"state\":\"$2\"" && return 0
		sleep 0.1
	done
	die "$1: VI_1 did not become $2 within 10 s"
}
# vip_on DIR: the VIP is configured on DIR's eth0
vip_on() { ip -n "$NS_PREFIX$1" -4 -o addr show dev eth0 | grep -q ' 10.100.0.10/'; }

say "3. VRRP: dir1 (priority 150) becomes master and holds the VIP 10.100.0.10; dir2 is backup"
wait_vrrp dir1 MASTER
wait_vrrp dir2 BACKUP
vip_on dir1 || die "the VIP is not on dir1"
! vip_on dir2 || die "the VIP is on dir2 too"
"$TANDEMCTL" --control "$RUN/dir1.sock" vrrp
ip netns exec "${NS_PREFIX}client" ping -c 2 -i 0.2 -W 1 -q 10.100.0.10 | tail -2 ||
	die "the client cannot reach the VIP"
echo "  client's ARP entry for the VIP: $(ip -n "${NS_PREFIX}client" neigh show 10.100.0.10)"
echo "  dir1 eth0 MAC: $(ip -n "${NS_PREFIX}dir1" -o link show eth0 | grep -o 'link/ether [^ ]*')"

say "4. Health checks: each director checks rs1 and rs2 (TCP_CHECK on port 80, busybox httpd)"
for r in rs1 rs2; do
	ip netns exec "$NS_PREFIX$r" busybox httpd -f -p 80 -h "$RUN" </dev/null >/dev/null 2>&1 &
	disown $!       # killed at clean-up: no "Killed" job notice from the shell
done
for _ in $(seq 100); do
	[ "$("$TANDEMCTL" --control "$RUN/dir1.sock" --json checks 2>/dev/null | grep -o '"state":"up"' | wc -l)" -ge 2 ] && break
	sleep 0.1
done
"$TANDEMCTL" --control "$RUN/dir1.sock" checks
echo "  (this kernel has no IPVS: the check child keeps the real servers' states for the IPVS"
echo "   table; 'make test-vm' runs the IPVS part with real traffic in a VM)"

say "5. Failover: dir1's tandemd is stopped (SIGTERM: it sends priority 0 and drops the VIP)"
seq=$("$TANDEMCTL" --control "$RUN/dir2.sock" --json status | sed -n 's/.*"event_seq":\([0-9]*\).*/\1/p')
kill -TERM "${PID[dir1]}"
wait_vrrp dir2 MASTER
"$TANDEMCTL" --control "$RUN/dir2.sock" --timeout 2 events --since "${seq:-0}" --type vrrp.state --count 1
vip_on dir2 || die "the VIP is not on dir2 after the failover"
ip netns exec "${NS_PREFIX}client" ping -c 2 -i 0.2 -W 1 -q 10.100.0.10 | tail -2 ||
	die "the client cannot reach the VIP after the failover"
echo "  client's ARP entry for the VIP now: $(ip -n "${NS_PREFIX}client" neigh show 10.100.0.10)"
echo "  dir2 eth0 MAC: $(ip -n "${NS_PREFIX}dir2" -o link show eth0 | grep -o 'link/ether [^ ]*')"
for _ in $(seq 100); do exited "${PID[dir1]}" && break; sleep 0.1; done
rc=0; wait "${PID[dir1]}" || rc=$?
[ $rc -eq 0 ] || die "dir1 exited with status $rc"

say "6. tandemctl status of dir2, the director now serving"
"$TANDEMCTL" --control "$RUN/dir2.sock" status
cat <<'EOF'

What to look at:
  - vrrp (steps 3 and 5): one master holds the VIP; when it stops, the backup takes over
    after its skew time (priority 0 from the leaving master) and sends gratuitous ARP, so the
    client's ARP entry moves to the new master's MAC and the VIP keeps answering.
  - checks (step 4): each director checks every real server itself, with rise/fall
    counters, latency and last result; the states feed the director's IPVS table.
  - status: the daemon's pid, config file and generation (it grows with each reload), and
    one child per part of the config with its pid, uptime and restarts: a child that dies or
    stops answering its heartbeat is restarted with back-off and counted.
  - events: every state change is one numbered event, in order, the same on the control
    socket, in the log and to notify hooks; `tandemctl events` follows them.
EOF

say "7. Stopping dir2 (SIGTERM: children stop first, then the parent exits 0)"
kill -TERM "${PID[dir2]}"
for d in dir2; do
	for _ in $(seq 100); do exited "${PID[$d]}" && break; sleep 0.1; done
	exited "${PID[$d]}" || die "$d (pid ${PID[$d]}) did not stop within 10 s"
	rc=0; wait "${PID[$d]}" || rc=$?
	[ $rc -eq 0 ] || die "$d exited with status $rc"
	echo "  $d: tandemd exited 0"
done
