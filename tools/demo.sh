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
# `tandemctl status` of each, reloads dir1 (showing what each child found changed), then
# stops both and removes everything (also on Ctrl-C or error, and the leftovers of an
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

say "3. The event stream so far (tandemctl events; dir2's looks alike)"
# no --count: print what is there, stop after 1 s without new events
"$TANDEMCTL" --control "$RUN/dir1.sock" --timeout 1 events --since 0

say "4. tandemctl status"
for d in "${DIRS[@]}"; do
	echo "--- $d: tandemctl --control $RUN/$d.sock status"
	"$TANDEMCTL" --control "$RUN/$d.sock" status
done
cat <<'EOF'

What to look at:
  - daemon: each director's own tandemd (its pid lives in that director's namespace), the
    config file it read, and generation 1 (it grows by one with every successful reload;
    `last reload` shows the result and, on failure, the file:line of the error).
  - children: the parent forked one child per part its config uses. vrrp holds VI_1 (VIP
    10.100.0.10, priority 150 on dir1 and 100 on dir2) and check holds the virtual server
    with its two real servers. Each child shows its pid, state, uptime and restarts; a child
    that dies or stops answering its heartbeat is restarted with back-off and counted here.
  - events (step 3 and 5): every state change is one numbered event, in order, the same on
    the control socket, in the log and to notify hooks; `tandemctl events` follows them.
  - the two directors are independent processes with separate control sockets, as they would
    be on two machines. (Electing a VIP master, programming IPVS and carrying traffic come
    with the VRRP and IPVS parts.)
EOF

say "5. A reload on dir1 (tandemctl reload): parsed and validated again, then handed to the children"
status=$("$TANDEMCTL" --control "$RUN/dir1.sock" --json status)
seq=$(sed -n 's/.*"event_seq":\([0-9]*\).*/\1/p' <<<"$status")
nchild=$(grep -o '"name":' <<<"$status" | wc -l)
"$TANDEMCTL" --control "$RUN/dir1.sock" reload || die "reload of dir1 failed"
# the reload event, then one child.config per child: what each found added/removed/changed
"$TANDEMCTL" --control "$RUN/dir1.sock" --timeout 10 events --since "${seq:-0}" --count $((nchild + 1)) ||
	die "dir1: the reload events did not arrive within 10 s"

say "6. Stopping both directors (SIGTERM: children stop first, then the parent exits 0)"
for d in "${DIRS[@]}"; do kill -TERM "${PID[$d]}"; done
for d in "${DIRS[@]}"; do
	for _ in $(seq 100); do exited "${PID[$d]}" && break; sleep 0.1; done
	exited "${PID[$d]}" || die "$d (pid ${PID[$d]}) did not stop within 10 s"
	rc=0; wait "${PID[$d]}" || rc=$?
	[ $rc -eq 0 ] || die "$d exited with status $rc"
	echo "  $d: tandemd exited 0"
done
