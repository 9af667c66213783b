#!/bin/bash
# FULLNAT through tandemd (VM kernel): real TCP from a client namespace to real servers that
# have NO route back to the client, only to the director's own networks:
#   cl 10.0.1.2 -- 10.0.1.1 [dir] 10.0.2.1 -- 10.0.2.2 rs1     VIP 10.0.1.100 (on d0)
#                               10.0.3.1 -- 10.0.3.2 rs2     fnat_source 10.0.9.1 (dir lo)
#   TCP 10.0.1.100:80   FNAT, masquerade: rs1 sees 10.0.2.1, rs2 sees 10.0.3.1
#   TCP 10.0.1.100:81   FNAT, fnat_source 10.0.9.1: both see 10.0.9.1
#   TCP 10.0.1.100:83   FNAT to a busybox httpd on rs1 (a connection held across a reload)
#   TCP [fd00:1::100]:80 FNAT over IPv6 to rs1 fd00:2::2 (sees fd00:2::1)
#   TCP 10.0.1.100:82   plain NAT to rs1: no reply path, so it must fail (the control)
# Also: net.ipv4.vs.conntrack set by tandemd, tandem's nftables table (and nothing else),
# `tandemctl ipvs` and `doctor`, a reload that changes nothing leaves the rules untouched
# (same rule handles), a reload that removes an FNAT real server rewrites them, an
# established FNAT connection survives that reload (nat bindings live in conntrack), stop removes the table, a restart
# puts it back the same.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v nft >/dev/null || skip "no nft on the host"
sock=/run/tfn.sock
conf=/tmp/tfn.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
D() { ip netns exec tfn-dir "$@"; }

newns tfn-cl tfn-dir tfn-rs1 tfn-rs2
veth tfn-cl c0 10.0.1.2/24 tfn-dir d0 10.0.1.1/24
veth tfn-dir d1 10.0.2.1/24 tfn-rs1 r0 10.0.2.2/24
veth tfn-dir d2 10.0.3.1/24 tfn-rs2 r0 10.0.3.2/24
ip -n tfn-dir addr add 10.0.1.100/32 dev d0
ip -n tfn-dir addr add 10.0.9.1/32 dev lo
ip -n tfn-cl route add default via 10.0.1.1
# the real servers reach the director's source address, never the client's network
ip -n tfn-rs1 route add 10.0.9.1/32 via 10.0.2.1
ip -n tfn-rs2 route add 10.0.9.1/32 via 10.0.3.1
ip -n tfn-rs1 route get 10.0.1.2 >/dev/null 2>&1 && fail "rs1 has a route to the client"
D sysctl -qw net.ipv4.ip_forward=1
# IPv6: cl fd00:1::2 -- fd00:1::1 [dir] fd00:2::1 -- fd00:2::2 rs1, VIP fd00:1::100
ip -n tfn-cl addr add fd00:1::2/64 dev c0 nodad
ip -n tfn-dir addr add fd00:1::1/64 dev d0 nodad
ip -n tfn-dir addr add fd00:1::100/128 dev d0 nodad
ip -n tfn-dir addr add fd00:2::1/64 dev d1 nodad
ip -n tfn-rs1 addr add fd00:2::2/64 dev r0 nodad
ip -n tfn-cl route add default via fd00:1::1
D sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n tfn-rs1 route get fd00:1::2 >/dev/null 2>&1 && fail "rs1 has an IPv6 route to the client"
[ "$(D cat /proc/sys/net/ipv4/vs/conntrack)" = 0 ] || fail "conntrack already on"
peer_server tfn-rs1 rs1 80 81 82
peer_server tfn-rs2 rs2 80 81
mkdir -p /tmp/tfn-www && echo www > /tmp/tfn-www/index.html
ip netns exec tfn-rs1 busybox httpd -p 83 -h /tmp/tfn-www || fail "httpd"

cat > "$conf" <<'EOF'
virtual_server 10.0.1.100 80 {
    lb_algo rr
    lb_kind FNAT
    protocol TCP
    real_server 10.0.2.2 80 {
    }
    real_server 10.0.3.2 80 {
    }
}
virtual_server 10.0.1.100 81 {
    lb_algo rr
    lb_kind FNAT
    fnat_source 10.0.9.1
    protocol TCP
    real_server 10.0.2.2 81 {
    }
    real_server 10.0.3.2 81 {
    }
}
virtual_server 10.0.1.100 83 {
    lb_kind FNAT
    protocol TCP
    real_server 10.0.2.2 83 {
    }
}
virtual_server fd00:1::100 80 {
    lb_kind FNAT
    protocol TCP
    real_server fd00:2::2 80 {
    }
}
virtual_server 10.0.1.100 82 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.2.2 82 {
    }
}
EOF
start() {
	ip netns exec tfn-dir "$TANDEMD" -n -l -f "$conf" -p /run/tfn.pid --control "$sock" >> /tmp/tfn.log 2>&1 &
	pid=$!
	wait_for 30 C ping || { cat /tmp/tfn.log; fail "tandemd did not answer"; }
	wait_for 20 sh -c "ip netns exec tfn-dir ipvsadm -Ln | grep -q 10.0.2.2:82" ||
		{ cat /tmp/tfn.log; fail "the table was not programmed"; }
}
stop() {
	kill -TERM "$pid"
	local rc=0
	wait_exit "$pid" 15 || rc=$?
	[ $rc -eq 0 ] || { cat /tmp/tfn.log; fail "tandemd exited $rc"; }
}
: > /tmp/tfn.log
start
trap 'kill $pid 2>/dev/null; peer_stop' EXIT
D ipvsadm -Ln
D nft list ruleset
[ "$(D cat /proc/sys/net/ipv4/vs/conntrack)" = 1 ] || fail "tandemd did not set net.ipv4.vs.conntrack"
[ "$(D nft list tables)" = "table inet tandem_fnat" ] || fail "tables: $(D nft list tables)"
[ "$(D nft list chain inet tandem_fnat postrouting | grep -c 'comment "TCP')" = 4 ] ||
	fail "expected 4 FNAT rules"

log "FNAT, masquerade"
out=$(ask tfn-cl 10.0.1.100 80 4 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "$(printf '2 rs1 10.0.2.1\n2 rs2 10.0.3.1')" ] ||
	fail "FNAT :80: expected 2/2 with the director's addresses as source"
log "FNAT, fnat_source"
out=$(ask tfn-cl 10.0.1.100 81 4 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "$(printf '2 rs1 10.0.9.1\n2 rs2 10.0.9.1')" ] ||
	fail "FNAT :81: expected 2/2 from fnat_source 10.0.9.1"
log "FNAT over IPv6"
out=$(ask tfn-cl fd00:1::100 80 2 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "2 rs1 fd00:2::1" ] || fail "FNAT IPv6: expected rs1 seeing fd00:2::1"
log "plain NAT to the same real server has no way back (control)"
out=$(ask tfn-cl 10.0.1.100 82 1); echo "$out"
[ "$out" = failed ] || fail "NAT without a route back worked: the test proves nothing"

C ipvs | tee /tmp/tfn.ipvs
grep -q "10.0.2.2:80 *FNAT" /tmp/tfn.ipvs || fail "tandemctl ipvs does not show FNAT"
grep -q "FNAT: 4 rule(s) in nftables table inet tandem_fnat, net.ipv4.vs.conntrack=1" /tmp/tfn.ipvs ||
	fail "tandemctl ipvs: no FNAT line"
C doctor | tee /tmp/tfn.doc
grep -q "IPVS connection tracking (FNAT)" /tmp/tfn.doc || fail "doctor: no conntrack check"

log "a reload that changes nothing leaves the rules alone"
before=$(D nft -a list table inet tandem_fnat)
C reload || fail "reload"
sleep 1
[ "$(D nft -a list table inet tandem_fnat)" = "$before" ] || fail "the rules were rewritten"

log "an established FNAT connection survives a reload that rewrites the rules"
rm -f /tmp/tfn-held /tmp/tfn-go
ip netns exec tfn-cl /usr/bin/python3 tests/vm/guest/held_get.py 10.0.1.100 83 /tmp/tfn-held /tmp/tfn-go 30 &
held=$!
wait_for 15 grep -q connected /tmp/tfn-held || fail "held connection not made"
# drop rs2 from :80: its rule goes, rs1's stays, new connections all go to rs1
cp "$conf" "$conf.orig"
python3 - "$conf" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
t = t.replace("    real_server 10.0.3.2 80 {\n    }\n", "", 1)
open(p, "w").write(t)
PY
C reload || fail "reload without rs2:80"
touch /tmp/tfn-go
wait_exit "$held" 15 || fail "held client failed"
[ "$(cat /tmp/tfn-held)" = www ] || fail "held FNAT connection got '$(cat /tmp/tfn-held)'"
wait_for 10 sh -c "! ip netns exec tfn-dir nft list table inet tandem_fnat | grep -q '10.0.3.2 . 80'" ||
	{ D nft list ruleset; fail "rs2:80 still in the FNAT rules"; }
D nft list table inet tandem_fnat | grep -q "10.0.2.2 . 80" || fail "rs1:80 lost its rule"
out=$(ask tfn-cl 10.0.1.100 80 2 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "2 rs1 10.0.2.1" ] || fail "after the reload :80 should go to rs1 only"
cp "$conf.orig" "$conf"
C reload || fail "reload with rs2 back"

log "stop removes the table, a restart puts it back"
stop
trap 'peer_stop' EXIT
D nft list tables | grep -q tandem_fnat && fail "stop left table inet tandem_fnat"
[ -z "$(D ipvsadm -Ln | grep -E '^TCP')" ] || fail "stop left services"
start
trap 'kill $pid 2>/dev/null; peer_stop' EXIT
[ "$(D nft list chain inet tandem_fnat postrouting | grep -c 'comment "TCP')" = 4 ] ||
	fail "restart: expected 4 FNAT rules"
out=$(ask tfn-cl 10.0.1.100 81 2 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "$(printf '1 rs1 10.0.9.1\n1 rs2 10.0.9.1')" ] || fail "FNAT after restart"
stop
trap 'peer_stop' EXIT
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tfn.log && { cat /tmp/tfn.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
