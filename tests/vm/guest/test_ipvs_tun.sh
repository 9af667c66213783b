#!/bin/bash
# Real TCP through TUN services that tandemd programs (VM kernel), one per tunnel type, to
# real servers holding the VIP on a tunnel device; the client, the director and the real
# servers share one bridge (10.0.5.0/24), the replies go straight back to the client:
#   VIP 10.0.5.100:80  TUN ipip            rs: VIP on tunl0
#   VIP 10.0.5.101:80  TUN gue port 6080   rs: VIP on an ipip device with GUE encap, fou port
#   VIP 10.0.5.102:80  TUN gre             rs: VIP on gre0
# Each splits 1/1 over rs1 10.0.5.11 and rs2 10.0.5.12 (rr), and the real servers see the
# client's own address (no NAT). Controls: GUE fails until the real servers receive GUE on
# port 6080 (so the traffic really is GUE), and gre0 counts the GRE packets. An FNAT service
# (VIP 10.0.5.103) on the same director turns on IPVS conntrack and tandem's nat chain, so
# the tunnels are tested with them on (and FNAT on a shared link: rs1 sees the director).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
sock=/run/ttn.sock
conf=/tmp/ttn.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
D() { ip netns exec ttn-dir "$@"; }

newns ttn-cl ttn-dir ttn-rs1 ttn-rs2
ip link add ttnbr type bridge && ip link set ttnbr up || fail "bridge"
veth ttn-cl c0 10.0.5.10/24 - b-cl -
veth ttn-dir d0 10.0.5.1/24 - b-dir -
veth ttn-rs1 r0 10.0.5.11/24 - b-rs1 -
veth ttn-rs2 r0 10.0.5.12/24 - b-rs2 -
for p in b-cl b-dir b-rs1 b-rs2; do ip link set $p master ttnbr; done
for v in 100 101 102 103; do ip -n ttn-dir addr add 10.0.5.$v/32 dev d0; done
D sysctl -qw net.ipv4.ip_forward=1     # FNAT forwards the real servers' replies
i=0
for r in ttn-rs1 ttn-rs2; do
	i=$((i + 1))
	ip netns exec $r sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n $r link set tunl0 up || fail "no tunl0 (ipip) in $r"
	ip -n $r addr add 10.0.5.100/32 dev tunl0
	ip -n $r link add tgue type ipip local 10.0.5.1$i remote any encap gue encap-sport auto \
		encap-dport 6080 || fail "ipip device with GUE encap in $r"
	ip -n $r link set tgue up
	ip -n $r addr add 10.0.5.101/32 dev tgue
	ip -n $r link set gre0 up || fail "no gre0 (ip_gre) in $r"
	ip -n $r addr add 10.0.5.102/32 dev gre0
	for d in tunl0 tgue gre0; do ip netns exec $r sysctl -qw net.ipv4.conf.$d.rp_filter=0; done
	peer_server $r rs$i 80
done

cat > "$conf" <<'EOF'
virtual_server 10.0.5.100 80 {
    lb_algo rr
    lb_kind TUN
    protocol TCP
    real_server 10.0.5.11 80 {
    }
    real_server 10.0.5.12 80 {
    }
}
virtual_server 10.0.5.101 80 {
    lb_algo rr
    lb_kind TUN type gue port 6080
    protocol TCP
    real_server 10.0.5.11 80 {
    }
    real_server 10.0.5.12 80 {
    }
}
virtual_server 10.0.5.103 80 {
    lb_kind FNAT
    protocol TCP
    real_server 10.0.5.11 80 {
    }
}
virtual_server 10.0.5.102 80 {
    lb_algo rr
    lb_kind TUN type gre
    protocol TCP
    real_server 10.0.5.11 80 {
    }
    real_server 10.0.5.12 80 {
    }
}
EOF
ip netns exec ttn-dir "$TANDEMD" -n -l -f "$conf" -p /run/ttn.pid --control "$sock" > /tmp/ttn.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; peer_stop' EXIT
wait_for 30 C ping || { cat /tmp/ttn.log; fail "tandemd did not answer"; }
wait_for 20 sh -c "ip netns exec ttn-dir ipvsadm -Ln | grep -A2 10.0.5.102:80 | grep -q 10.0.5.12:80" ||
	{ cat /tmp/ttn.log; fail "the table was not programmed"; }
D ipvsadm -Ln --tun-info
D ipvsadm -Ln --tun-info | grep -A2 "10.0.5.101:80" | grep -q "10.0.5.11:80 *Tunnel *gue:6080" ||
	fail "the GUE destination is not gue port 6080"
D ipvsadm -Ln --tun-info | grep -A2 "10.0.5.102:80" | grep -q "10.0.5.11:80 *Tunnel *gre" ||
	fail "the GRE destination is not gre"

# the FNAT service turns on IPVS conntrack and tandem's nat chain: the tunnels must not mind
[ "$(D cat /proc/sys/net/ipv4/vs/conntrack)" = 1 ] || fail "FNAT did not turn on conntrack"
D nft list table inet tandem_fnat >/dev/null || fail "no FNAT table"
log "FNAT next to the tunnels: rs1 sees the director"
out=$(ask ttn-cl 10.0.5.103 80 1); echo "$out"
[ "$out" = "rs1 10.0.5.1" ] || { D nft list ruleset; D cat /proc/net/nf_conntrack; D ipvsadm -Lnc; grep -i "fnat\|error" /tmp/ttn.log; ip -n ttn-cl neigh; fail "FNAT on the shared link: expected rs1 seeing 10.0.5.1"; }
log "ipip"
out=$(ask ttn-cl 10.0.5.100 80 2 | sort); echo "$out"
[ "$out" = "$(printf 'rs1 10.0.5.10\nrs2 10.0.5.10')" ] || fail "TUN ipip: expected rs1+rs2 seeing the client"

log "gue, before the real servers receive GUE: must fail (control)"
out=$(ask ttn-cl 10.0.5.101 80 1); echo "$out"
[ "$out" = failed ] || fail "GUE worked with no GUE receiver: the traffic is not GUE"
for r in ttn-rs1 ttn-rs2; do ip -n $r fou add port 6080 gue || fail "ip fou add in $r"; done
log "gue"
out=$(ask ttn-cl 10.0.5.101 80 2 | sort); echo "$out"
[ "$out" = "$(printf 'rs1 10.0.5.10\nrs2 10.0.5.10')" ] || fail "TUN gue: expected rs1+rs2 seeing the client"

log "gre"
rx_before=$(ip netns exec ttn-rs1 cat /sys/class/net/gre0/statistics/rx_packets)
out=$(ask ttn-cl 10.0.5.102 80 2 | sort); echo "$out"
[ "$out" = "$(printf 'rs1 10.0.5.10\nrs2 10.0.5.10')" ] || fail "TUN gre: expected rs1+rs2 seeing the client"
rx_after=$(ip netns exec ttn-rs1 cat /sys/class/net/gre0/statistics/rx_packets)
log "gre0 on rs1: rx packets $rx_before -> $rx_after"
[ "${rx_after:-0}" -gt "${rx_before:-0}" ] || { ip -n ttn-rs1 -s link show gre0; fail "rs1's gre0 received nothing"; }
D ipvsadm -Lnc

kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap 'peer_stop' EXIT
[ $rc -eq 0 ] || { cat /tmp/ttn.log; fail "tandemd exited $rc"; }
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/ttn.log && { cat /tmp/ttn.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
