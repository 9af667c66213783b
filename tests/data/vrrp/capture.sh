#!/bin/bash
# tests/data/vrrp/capture.sh - record the VRRP advert vectors used by tests/unit/test_vrrp_pkt.c.
#
#   tests/data/vrrp/capture.sh [CASE...]      (default: every tests/data/vrrp/*.conf)
#
# For each CASE.conf it makes two network namespaces joined by a veth pair
# (va 10.77.0.1/24 fd77::1/64 in the sender, vb 10.77.0.2/24 fd77::2/64 in the receiver),
# runs Debian's keepalived 2.2.7 (--vrrp only, foreground, temp pid files) in the sender with
# that config, and records with tcpdump in the receiver until ADVERTS adverts have been seen;
# then it stops keepalived with SIGTERM (which sends one priority 0 advert) and keeps that one
# too. Result: CASE.pcap (Ethernet frames, as received on vb). Then it regenerates
# vectors.h (pcap2h.py) and the fuzz seeds (mkcorpus.py) from all the pcaps.
# Needs root, keepalived, tcpdump. A new capture changes the IPv6 flow label and timestamps
# only; the unit tests do not depend on either.
# Everything it creates is removed on exit, failure included.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ADVERTS=${ADVERTS:-3}
NS_A=tdmE-vrrp-a.$$
NS_B=tdmE-vrrp-b.$$
TMP=$(mktemp -d /tmp/tdm-vrrp-cap.XXXXXX)
KA_PID='' TD_PID=''

cleanup() {
	[ -n "$KA_PID" ] && kill "$KA_PID" 2>/dev/null || true
	[ -n "$TD_PID" ] && kill "$TD_PID" 2>/dev/null || true
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

count() { # pcap -> number of VRRP/AH packets in it
	tcpdump -nn -r "$1" 2>/dev/null | wc -l
}

wait_for() { # seconds command... : poll every 0.1 s, bounded
	local end=$((SECONDS + $1)); shift
	while ! "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

setup() {
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add va netns "$NS_A" type veth peer name vb netns "$NS_B"
	local ns dev a
	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		ip netns exec "$ns" ip link set lo up
	done
	ip -n "$NS_A" link set va address 02:00:00:77:00:01
	ip -n "$NS_B" link set vb address 02:00:00:77:00:02
	ip -n "$NS_A" addr add 10.77.0.1/24 dev va
	ip -n "$NS_A" addr add fd77::1/64 dev va nodad
	ip -n "$NS_B" addr add 10.77.0.2/24 dev vb
	ip -n "$NS_B" addr add fd77::2/64 dev vb nodad
	ip -n "$NS_A" link set va up
	ip -n "$NS_B" link set vb up
	wait_for 10 sh -c "ip -n $NS_A -6 addr show dev va scope link | grep -q 'inet6 fe80' && ! ip -n $NS_A -6 addr show dev va | grep -q tentative"
}

capture_one() { # case
	local c=$1 conf=$HERE/$1.conf out=$HERE/$1.pcap n
	echo "capture: $c"
	rm -f "$out"
	ip netns exec "$NS_B" tcpdump -i vb -U -nn -s 0 -w "$TMP/$c.pcap" \
		'ip proto 112 or ip proto 51 or ip6 proto 112' 2>"$TMP/$c.tcpdump" &
	TD_PID=$!
	wait_for 10 grep -qs 'listening on' "$TMP/$c.tcpdump"
	ip netns exec "$NS_A" keepalived -n -l -D --vrrp -f "$conf" -p "$TMP/ka.pid" \
		-r "$TMP/vrrp.pid" -c "$TMP/chk.pid" >"$TMP/$c.ka.log" 2>&1 &
	KA_PID=$!
	wait_for 30 sh -c "[ \$(tcpdump -nn -r $TMP/$c.pcap 2>/dev/null | wc -l) -ge $ADVERTS ]"
	n=$(count "$TMP/$c.pcap")
	kill -TERM "$KA_PID"
	wait_for 10 sh -c "! kill -0 $KA_PID 2>/dev/null"
	KA_PID=''
	# the priority 0 advert sent on stop
	wait_for 5 sh -c "[ \$(tcpdump -nn -r $TMP/$c.pcap 2>/dev/null | wc -l) -gt $n ]" ||
		echo "capture: $c: no priority 0 advert seen"
	kill -INT "$TD_PID"
	wait "$TD_PID" || true
	TD_PID=''
	cp "$TMP/$c.pcap" "$out"
	tcpdump -nn -v -r "$out" 2>/dev/null | sed 's/^/  /'
	# leave no VIPs behind for the next case
	ip -n "$NS_A" -4 addr flush dev va scope global
	ip -n "$NS_A" -6 addr flush dev va scope global
	ip -n "$NS_A" addr add 10.77.0.1/24 dev va
	ip -n "$NS_A" addr add fd77::1/64 dev va nodad
}

command -v keepalived >/dev/null || { echo "capture: keepalived missing" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "capture: tcpdump missing (apt-get install tcpdump)" >&2; exit 1; }
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
	for f in "$HERE"/*.conf; do cases+=("$(basename "$f" .conf)"); done
fi
setup
for c in "${cases[@]}"; do capture_one "$c"; done
/usr/bin/python3 "$HERE/pcap2h.py" "$HERE"/*.pcap > "$HERE/vectors.h"
rm -rf "$HERE/../../fuzz/corpus/vrrp_pkt"
/usr/bin/python3 "$HERE/mkcorpus.py" "$HERE/../../fuzz/corpus/vrrp_pkt"
echo "capture: wrote vectors.h and the fuzz seeds (tests/fuzz/corpus/vrrp_pkt)"
