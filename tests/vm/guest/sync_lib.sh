# tests/vm/guest/sync_lib.sh - two directors with connection sync, for the test_sync_*.sh VM
# tests and tests/bench/sync (sourced after lib.sh; runs in the VM).
#
#   LAN  sybr0:  a eth0 10.0.7.1, b eth0 10.0.7.2, cl 10.0.7.10, r2 10.0.7.20 (DR real server)
#   RS   sybr1:  a eth1 10.0.8.1, b eth1 10.0.8.2, r1 10.0.8.10 (NAT real server, gw .254)
#   sync link:   a eth2 10.0.9.1 <-veth-> b eth2 10.0.9.2 (only sync traffic: netem goes here)
#   VRRP VI_1 on eth0 (advert 0.2 s), VIPs 10.0.7.100 (NAT), 10.0.7.101 (DR), 10.0.8.254 (gw)
#   services: 10.0.7.100:9000 NAT -> r1:9000 (sync_tool serve), 10.0.7.100:80 NAT -> r1:80
#             (httpd), 10.0.7.100:81 NAT persistent 300 s -> r1:80, 10.0.7.101:9000 DR -> r2:9000,
#             UDP 10.0.7.100:53 NAT -> r1:53 (nothing listens: the director's entry is enough)
# Modes (sy_conf): kernel = lvs_sync_daemon on eth2 (the kernel threads talk directly);
# relay = sync_relay on eth2 with the kernel threads on a local dummy sync0 (see
# docs/sync-protocol.md).
SY_KEY=tandem-vm-sync-key-0123456789
SY_TOOL="/usr/bin/python3 $REPO/tests/vm/guest/sync_tool.py"
SY_PIDS=""

# sy_wait SECONDS COMMAND...: like wait_for, bounded by wall time (commands here are slow)
sy_wait() {
	local end=$(( $(date +%s) + $1 )); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
sy_ns() { ip netns exec "sy-$1" "${@:2}"; }
# C NAME ARGS...: tandemctl against director NAME's tandemd
C() { local n=$1; shift; "$TANDEMCTL" --control "/run/sy-$n.sock" "$@"; }

sy_cleanup() {
	local p
	for p in $SY_PIDS; do kill -9 "$p" 2>/dev/null; done
	for p in a b cl r1 r2; do ip netns pids "sy-$p" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	return 0
}

# sy_topology: namespaces, links, addresses, real servers (sync_tool on 9000, httpd on 80)
sy_topology() {
	local n
	newns sy-a sy-b sy-cl sy-r1 sy-r2
	ip link add sybr0 type bridge && ip link set sybr0 up || fail "bridge sybr0"
	ip link add sybr1 type bridge && ip link set sybr1 up || fail "bridge sybr1"
	veth sy-a eth0 10.0.7.1/24 - ya0 -
	veth sy-b eth0 10.0.7.2/24 - yb0 -
	veth sy-cl eth0 10.0.7.10/24 - ycl -
	veth sy-r2 eth0 10.0.7.20/24 - yr2 -
	veth sy-a eth1 10.0.8.1/24 - ya1 -
	veth sy-b eth1 10.0.8.2/24 - yb1 -
	veth sy-r1 eth0 10.0.8.10/24 - yr1 -
	for n in ya0 yb0 ycl yr2; do ip link set $n master sybr0; done
	for n in ya1 yb1 yr1; do ip link set $n master sybr1; done
	ip link add ya2 type veth peer name yb2 || fail "sync link"
	ip link set ya2 netns sy-a && ip link set yb2 netns sy-b
	ip -n sy-a link set ya2 name eth2 && ip -n sy-b link set yb2 name eth2
	ip -n sy-a addr add 10.0.9.1/24 dev eth2 && ip -n sy-a link set eth2 up
	ip -n sy-b addr add 10.0.9.2/24 dev eth2 && ip -n sy-b link set eth2 up
	for n in a b; do
		sy_ns $n sysctl -qw net.ipv4.ip_forward=1
		ip -n sy-$n link add sync0 type dummy
		ip -n sy-$n link set sync0 multicast on up
		ip -n sy-$n addr add 169.254.77.1/32 dev sync0
		ip -n sy-$n route add 224.0.0.0/4 dev sync0
	done
	ip -n sy-r1 route add default via 10.0.8.254
	sy_ns r2 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	ip -n sy-r2 addr add 10.0.7.101/32 dev lo
	mkdir -p /tmp/sy-www && echo r1 > /tmp/sy-www/index.html
	sy_ns r1 busybox httpd -p 80 -h /tmp/sy-www || fail "httpd"
	for n in r1 r2; do
		ip netns exec "sy-$n" $SY_TOOL serve 9000 > /tmp/sy-serve-$n.log 2>&1 &
		SY_PIDS="$SY_PIDS $!"
	done
	sy_wait 20 sh -c "ip netns exec sy-r1 busybox netstat -ltn | grep -q ':9000 '" || fail "r1 server"
	sy_wait 20 sh -c "ip netns exec sy-r2 busybox netstat -ltn | grep -q ':9000 '" || fail "r2 server"
	sy_wait 5 sh -c "ip netns exec sy-r1 busybox netstat -ltn | grep -q ':80 '" || fail "r1 httpd"
	# SY_PCAP=FILE: the client's TCP traffic on port 9000 is captured, and a failure shows its
	# resets and last packets with their MAC addresses (who sent them)
	if [ -n "${SY_PCAP:-}" ] && command -v tcpdump >/dev/null; then
		ip netns exec sy-cl tcpdump -U -i eth0 -s 96 -w "$SY_PCAP" tcp port 9000 2>/dev/null &
		SY_PIDS="$SY_PIDS $!"
	fi
}

sy_pcap_dump() {
	local n
	[ -s "${SY_PCAP:-}" ] || return 0
	for n in a b r2; do echo "--- MAC of $n eth0: $(ip -n sy-$n -br link show eth0 | awk '{print $3}')"; done
	echo "--- client capture: resets"
	tcpdump -nn -e -tt -r "$SY_PCAP" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | head -10
	echo "--- client capture: last 25 packets"
	tcpdump -nn -e -tt -r "$SY_PCAP" 2>/dev/null | tail -25
}

# sy_conf NAME PRIO MODE [RELAY_EXTRA]: /tmp/sy-NAME.conf; MODE kernel, relay or none (no sync); RELAY_EXTRA
# are more lines for the sync_relay block
sy_conf() {
	local n=$1 prio=$2 mode=$3 extra=${4:-} peer=10.0.9.2 gd="" relay=""
	[ "$n" = b ] && peer=10.0.9.1
	if [ "$mode" = kernel ]; then
		gd="    lvs_sync_daemon eth2 VI_1"
	elif [ "$mode" = relay ]; then
		relay="sync_relay {
    instance VI_1
    interface eth2
    local_interface sync0
    peer $peer
    port 8849
    auth_key $SY_KEY
$extra
}"
	fi
	cat > /tmp/sy-$n.conf <<CONF
global_defs {
    router_id sy-$n
$gd
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 71
    priority $prio
    version 3
    advert_int 0.2
    virtual_ipaddress {
        10.0.7.100/24
        10.0.7.101/24
        10.0.8.254/24 dev eth1
    }
}
$relay
virtual_server 10.0.7.100 9000 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.8.10 9000 {
    }
}
virtual_server 10.0.7.100 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.8.10 80 {
    }
}
virtual_server 10.0.7.100 81 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    persistence_timeout 300
    real_server 10.0.8.10 80 {
    }
}
virtual_server 10.0.7.101 9000 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 10.0.7.20 9000 {
    }
}
virtual_server 10.0.7.100 53 {
    lb_algo rr
    lb_kind NAT
    protocol UDP
    real_server 10.0.8.10 53 {
    }
}
CONF
}

# sy_start NAME: tandemd in sy-NAME (log /tmp/sy-NAME.log), waits for its control socket
sy_start() {
	local n=$1
	rm -f /run/sy-$n.sock
	# `ip netns exec` execs tandemd: $! is tandemd itself
	ip netns exec "sy-$n" "$TANDEMD" -n -l -f /tmp/sy-$n.conf -p /run/sy-$n.pid \
		--control /run/sy-$n.sock >> /tmp/sy-$n.log 2>&1 &
	SY_PIDS="$SY_PIDS $!"
	eval "SY_PID_$n=$!"
	sy_wait 30 C "$n" ping || sy_die "tandemd $n did not answer"
	log "tandemd $n runs"
}
sy_vrrp_is() { C "$1" vrrp VI_1 2>/dev/null | grep -q "$2"; }
# sy_wait_roles MASTER BACKUP: VRRP roles and the services programmed on both
sy_wait_roles() {
	sy_wait 30 sy_vrrp_is "$1" MASTER || sy_die "$1 is not VRRP master"
	sy_wait 30 sy_vrrp_is "$2" BACKUP || sy_die "$2 is not VRRP backup"
	sy_wait 20 sh -c "ip netns exec sy-$1 ipvsadm -Ln | grep -q 10.0.7.20:9000" || sy_die "$1 services"
	sy_wait 20 sh -c "ip netns exec sy-$2 ipvsadm -Ln | grep -q 10.0.7.20:9000" || sy_die "$2 services"
}
# sy_pair MODE [RELAY_EXTRA]: the topology, a (priority 150) and b (100) configured in MODE
# (sy_conf) and started, a VRRP master and b backup with their services; in relay mode also
# until each relay sees the other up
sy_pair() {
	sy_topology
	sy_conf a 150 "$1" "${2:-}"
	sy_conf b 100 "$1" "${2:-}"
	sy_start a
	sy_start b
	sy_wait_roles a b
	if [ "$1" = relay ]; then
		sy_wait 30 sy_peer_up a || sy_die "a's relay does not see b"
		sy_wait 30 sy_peer_up b || sy_die "b's relay does not see a"
	fi
}

# sy_crash NAME: the director dies: every process in its namespace is stopped at once, then
# killed, and its links go down (its VIPs and kernel threads stay behind, unreachable, as after
# a power cut). SIGSTOP first: with SIGKILLs sent one by one, a child whose parent is already
# dead gets its PDEATHSIG SIGTERM and could begin an orderly stop before its own SIGKILL lands.
sy_crash() {
	local n=$1 pids
	pids=$(ip netns pids "sy-$n")
	[ -n "$pids" ] && kill -STOP $pids
	[ -n "$pids" ] && kill -9 $pids
	for l in eth0 eth1 eth2; do ip -n "sy-$n" link set "$l" down; done
	log "crashed $n at $(date +%T.%N)"
}

# sy_keys NAME [PATTERN], sy_missing FROM TO [PATTERN] (true if TO has every connection FROM
# has; the missing ones in /tmp/sy-missing): lib.sh's ipvs_keys / ipvs_subset for sy-NAME
sy_keys() { ipvs_keys "sy-$1" "${2:-.}"; }
sy_missing() { ipvs_subset "sy-$1" "sy-$2" "${3:-.}"; local rc=$?; cp /tmp/ipvs-missing /tmp/sy-missing; return $rc; }
sy_count() { sy_keys "$1" "${2:-.}" | wc -l; }

# sy_stream NS HOST PORT BYTES RATE TAG: start a sync_tool stream client; result /tmp/sy-TAG
sy_stream() {
	rm -f /tmp/sy-$6 /tmp/sy-$6.progress
	ip netns exec "sy-$1" $SY_TOOL stream "$2" "$3" "$4" "$5" /tmp/sy-$6 > /tmp/sy-$6.log 2>&1 &
	SY_PIDS="$SY_PIDS $!"
	eval "SY_STREAM_$6=$!"
}
sy_progress() { cat /tmp/sy-$1.progress 2>/dev/null || echo 0; }
sy_past() { [ "$(sy_progress "$1")" -ge "$2" ]; }

# sy_hold N STOPFILE TAG [PORT]: N connections from cl held open through 10.0.7.100:PORT(9000)
sy_hold() {
	rm -f "$2" /tmp/sy-$3
	ip netns exec "sy-cl" $SY_TOOL hold 10.0.7.100 "${4:-9000}" "$1" "$2" /tmp/sy-$3 > /tmp/sy-$3.log 2>&1 &
	SY_PIDS="$SY_PIDS $!"
	sy_wait 60 grep -q ready /tmp/sy-$3 || sy_die "hold: $(cat /tmp/sy-$3.log)"
}

sy_relay_json() { "$TANDEMCTL" --control "/run/sy-$1.sock" --json sync; }
# sy_relay_get NAME PYEXPR: a value from the relay's JSON (r = reply["relay"])
sy_relay_get() {
	sy_relay_json "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); r=d.get('relay') or {}; print($2)"
}

sy_peer_up() { [ "$(sy_relay_get "$1" 'r["peers"][0]["state"]')" = up ]; }

sy_dump() {
	local n
	for n in a b; do
		echo "--- $n: daemons"; sy_ns $n ipvsadm -L --daemon 2>&1
		echo "--- $n: $(sy_count $n) connections"; sy_ns $n ipvsadm -Lnc 2>&1 | head -15
		echo "--- $n: port 9000 connections"; sy_ns $n ipvsadm -Lnc 2>&1 | grep ':9000'
		echo "--- $n: addresses"; ip -n sy-$n -br addr 2>&1
		echo "--- $n: tandemctl sync --json"; sy_relay_json $n 2>&1 | head -80
		echo "--- $n: log"; tail -30 /tmp/sy-$n.log
	done
	sy_pcap_dump
}
sy_die() { sy_dump; fail "$*"; }
sy_sanitizer_check() {
	grep -E "ERROR: (Address|Leak)Sanitizer|runtime error|child sync \(pid [0-9]+\) (exited [1-9]|killed)" \
		/tmp/sy-a.log /tmp/sy-b.log && sy_die "sanitizer report or a failed sync child in a log"
	return 0
}
