#!/bin/bash
# The transparent cache cluster (VM kernel): a client routes through the director to an
# outside address; the director's nftables marks that web traffic on its way through
# (prerouting, before the forwarding decision: IPVS schedules new connections only at
# LOCAL_IN, so the mark plus a policy route `fwmark 1 -> local` hands the forwarded flow
# to IPVS); tandemd's fwmark service sends it to the caches (NAT).
#   cl 10.0.1.2 -- 10.0.1.1 [dir] 198.51.100.1 -- 198.51.100.10 origin (:80, :8080)
#                              10.0.2.1 -- 10.0.2.2 cache1 ; 10.0.3.1 -- 10.0.3.2 cache2
# Checks: port 80 to the origin is answered by the caches, 2/2 (rr), and they see the
# client; port 81 (mark 2, an FNAT fwmark service) is answered by cache3, which has no route
# back to the client and sees the director; port 8080 (not marked) still reaches the origin; with the mark rule removed, port
# 80 reaches the origin too (the control: it is the nftables mark that redirects).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v nft >/dev/null || skip "no nft on the host"
sock=/run/tfw.sock
conf=/tmp/tfw.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
D() { ip netns exec tfw-dir "$@"; }

newns tfw-cl tfw-dir tfw-org tfw-c1 tfw-c2 tfw-c3
veth tfw-cl c0 10.0.1.2/24 tfw-dir d0 10.0.1.1/24
veth tfw-dir d1 198.51.100.1/24 tfw-org o0 198.51.100.10/24
veth tfw-dir d2 10.0.2.1/24 tfw-c1 r0 10.0.2.2/24
veth tfw-dir d3 10.0.3.1/24 tfw-c2 r0 10.0.3.2/24
veth tfw-dir d4 10.0.4.1/24 tfw-c3 r0 10.0.4.2/24     # no route back: FNAT
ip -n tfw-cl route add default via 10.0.1.1
ip -n tfw-org route add default via 198.51.100.1
ip -n tfw-c1 route add default via 10.0.2.1
ip -n tfw-c2 route add default via 10.0.3.1
D sysctl -qw net.ipv4.ip_forward=1
peer_server tfw-org origin 80 8080
peer_server tfw-c1 cache1 80
peer_server tfw-c2 cache2 80
peer_server tfw-c3 cache3 81

log "before any mark: the origin answers on 80"
out=$(ask tfw-cl 198.51.100.10 80 1); echo "$out"
[ "$out" = "origin 10.0.1.2" ] || fail "routing through the director does not work"

D nft -f - <<'NFT' || fail "nft"
table ip tcache {
	chain mark_web {
		type filter hook prerouting priority mangle; policy accept;
		iifname "d0" ip daddr != 10.0.0.0/8 tcp dport 80 meta mark set 0x1
		iifname "d0" ip daddr != 10.0.0.0/8 tcp dport 81 meta mark set 0x2
	}
}
NFT
# `iif d0`: only packets coming in from the clients. The FNAT service below makes tandemd
# turn on IPVS conntrack and install a nat chain; netfilter's NAT then re-routes the packets
# IPVS sends to the real servers in LOCAL_OUT, mark and all, and a rule without iif would
# deliver them locally instead (seen: every connection hung in SYN_SENT).
D ip rule add fwmark 1 iif d0 lookup 100
D ip rule add fwmark 2 iif d0 lookup 100
D ip route add local 0.0.0.0/0 dev lo table 100
D nft list ruleset

cat > "$conf" <<'EOF2'
virtual_server fwmark 1 {
    lb_algo rr
    lb_kind NAT
    real_server 10.0.2.2 80 {
    }
    real_server 10.0.3.2 80 {
    }
}
virtual_server fwmark 2 {
    lb_kind FNAT
    real_server 10.0.4.2 81 {
    }
}
EOF2
ip netns exec tfw-dir "$TANDEMD" -n -l -f "$conf" -p /run/tfw.pid --control "$sock" > /tmp/tfw.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; peer_stop' EXIT
wait_for 30 C ping || { cat /tmp/tfw.log; fail "tandemd did not answer"; }
wait_for 20 sh -c "ip netns exec tfw-dir ipvsadm -Ln | grep -A2 'FWM  1' | grep -q 10.0.3.2:80" ||
	{ D ipvsadm -Ln; cat /tmp/tfw.log; fail "the table was not programmed"; }
D ipvsadm -Ln

log "marked web traffic to the origin goes to the caches"
out=$(ask tfw-cl 198.51.100.10 80 4 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "$(printf '2 cache1 10.0.1.2\n2 cache2 10.0.1.2')" ] ||
	fail "expected 2/2 over the caches, seeing the client"
D ipvsadm -Lnc
D ipvsadm -Lnc | grep -q "198.51.100.10:80 *10.0.2.2:80" || fail "no IPVS connection for the cache"
log "a FNAT fwmark service: the cache without a route back sees the director"
out=$(ask tfw-cl 198.51.100.10 81 2 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "2 cache3 10.0.4.1" ] || { D nft list ruleset; fail "fwmark 2 FNAT: expected cache3 seeing 10.0.4.1"; }
log "unmarked traffic is forwarded to the origin"
out=$(ask tfw-cl 198.51.100.10 8080 1); echo "$out"
[ "$out" = "origin 10.0.1.2" ] || fail "port 8080 did not reach the origin"

log "control: without the mark rule the origin answers on 80 again"
D nft delete table ip tcache
out=$(ask tfw-cl 198.51.100.10 80 1); echo "$out"
[ "$out" = "origin 10.0.1.2" ] || fail "without the mark the traffic still went elsewhere: $out"

kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap 'peer_stop' EXIT
[ $rc -eq 0 ] || { cat /tmp/tfw.log; fail "tandemd exited $rc"; }
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tfw.log && { cat /tmp/tfw.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
