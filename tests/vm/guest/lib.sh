# tests/vm/guest/lib.sh - helpers for guest tests (sourced by bash scripts; runs in the VM).
# Environment from runner.sh: REPO, BUILD, TANDEMD, TANDEMCTL, TDM_OUT.
set -u
up() { cut -d' ' -f1 /proc/uptime; }
log() { echo "[$(up)] $*"; }
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# newns NAME... : fresh namespaces with lo up
newns() { local n; for n in "$@"; do ip netns add "$n" && ip -n "$n" link set lo up || fail "netns $n"; done; }
# veth NS1 IF1 ADDR1 NS2 IF2 ADDR2 : a veth pair between two namespaces ("-" = the VM's root
# namespace, or no address)
veth() {
	ip link add "$2" type veth peer name "$5" || fail "veth $2/$5"
	[ "$1" != - ] && ip link set "$2" netns "$1"
	[ "$4" != - ] && ip link set "$5" netns "$4"
	_nsip "$1" link set "$2" up; _nsip "$4" link set "$5" up
	[ "$3" != - ] && _nsip "$1" addr add "$3" dev "$2"
	[ "$6" != - ] && _nsip "$4" addr add "$6" dev "$5"
	return 0
}
_nsip() { if [ "$1" = - ]; then shift; ip "$@"; else local n=$1; shift; ip -n "$n" "$@"; fi; }

# wait_for SECONDS COMMAND... : retry COMMAND every 0.1 s until it succeeds or time runs out
wait_for() {
	local limit=$1 i=0; shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge $((limit * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}
need_tandemd() { [ -x "$TANDEMD" ] || skip "$TANDEMD not built"; }
# wait_exit PID SECONDS : wait for a child of this shell to exit; returns its exit status,
# or 124 if it is still running after SECONDS (a zombie counts as exited)
wait_exit() {
	local pid=$1 i=0
	while [ -e "/proc/$pid" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$pid/stat" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge $(($2 * 10)) ] && return 124
		sleep 0.1
	done
	wait "$pid"
}
# ipvs_keys NS [PATTERN]: the IPVS connections of namespace NS, one sorted line each:
# protocol, client, virtual and real address:port (hex, as /proc/net/ip_vs_conn shows them)
ipvs_keys() {
	ip netns exec "$1" cat /proc/net/ip_vs_conn |
		awk 'NR > 1 { print $1, $2":"$3, $4":"$5, $6":"$7 }' | grep -- "${2:-.}" | sort -u
}
# ipvs_subset NS1 NS2 [PATTERN]: every connection of NS1 is in NS2 (the missing ones are
# left in /tmp/ipvs-missing)
ipvs_subset() {
	ipvs_keys "$1" "${3:-.}" > /tmp/ipvs-keys-1
	ipvs_keys "$2" "${3:-.}" > /tmp/ipvs-keys-2
	comm -23 /tmp/ipvs-keys-1 /tmp/ipvs-keys-2 > /tmp/ipvs-missing
	[ ! -s /tmp/ipvs-missing ]
}

# peer_server NS NAME PORT... : a TCP server in NS that answers every connection, on each
# PORT (IPv4 and IPv6), with one line "NAME PEER-ADDRESS" (who the real server thinks the
# client is), then closes it. PIDs go to PEER_PIDS; peer_stop kills them.
PEER_PIDS=()
peer_server() {
	local ns=$1 name=$2 p; shift 2
	ip netns exec "$ns" /usr/bin/python3 -c '
import selectors, socket, sys
sel = selectors.DefaultSelector()
for p in sys.argv[2:]:
    s = socket.socket(socket.AF_INET6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(p)))
    s.listen(128)
    sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        c, a = key.fileobj.accept()
        peer = a[0][7:] if a[0].startswith("::ffff:") else a[0]
        try:
            c.sendall(("%s %s\n" % (sys.argv[1], peer)).encode())
        except OSError:
            pass
        c.close()
' "$name" "$@" >/dev/null 2>&1 &
	PEER_PIDS+=($!)
	for p in "$@"; do
		wait_for 10 sh -c "ip netns exec $ns busybox netstat -ltn | grep -q ':$p '" ||
			fail "peer_server $name not listening on $p"
	done
}
peer_stop() { local p; for p in "${PEER_PIDS[@]}"; do kill "$p" 2>/dev/null; done; PEER_PIDS=(); }
# ask NS HOST PORT [N [SRC]] : N (1) connections from NS, one after the other (from source
# address SRC if given); prints the line each server sent ("NAME PEER"), or "failed"
ask() {
	ip netns exec "$1" timeout 30 /usr/bin/python3 -c '
import socket, sys
h, p, n, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for _ in range(n):
    try:
        s = socket.create_connection((h, p), timeout=4,
                                     source_address=(src, 0) if src else None)
        print(s.makefile().readline().strip() or "failed")
        s.close()
    except OSError:
        print("failed")
' "$2" "$3" "${4:-1}" "${5:-}"
}
