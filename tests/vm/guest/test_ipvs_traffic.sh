#!/bin/bash
# Real TCP through services that tandemd programs (VM kernel), from a client namespace to
# busybox httpd real servers in their own namespaces:
#   NAT  cl 10.0.1.2 -- 10.0.1.1 [dir] 10.0.2.1 -- 10.0.2.2 rs1      VIP 10.0.1.100:80
#                                      10.0.3.1 -- 10.0.3.2 rs2
#   DR   cl, dir, rs3 10.0.5.11, rs4 10.0.5.12 on one bridge         VIP 10.0.5.100:80
#        (the real servers hold the VIP on lo with arp_ignore=1, arp_announce=2)
# rr splits the requests evenly; `tandemctl rs drain` sends everything to the other real
# server; a real server removed by a reload while a connection to it is established stays
# at weight 0 and that connection completes, then it is deleted; a real server whose httpd
# dies is taken out by its TCP_CHECK and the traffic goes to the one left.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v busybox >/dev/null || skip "no busybox"
sock=/run/tit.sock
conf=/tmp/tit.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
# fetch N times, print "count body" lines
fetch_n() { # url n
	local i
	for i in $(seq "$2"); do
		ip netns exec tit-cl timeout 5 busybox wget -q -O - "$1" || echo "wget-failed"
	done | sort | uniq -c | sed 's/^ *//'
}
httpd_in() { # ns name
	mkdir -p "/tmp/www-$2" && echo "$2" > "/tmp/www-$2/index.html"
	ip netns exec "$1" busybox httpd -p 80 -h "/tmp/www-$2" || fail "httpd in $1"
	wait_for 5 sh -c "ip netns exec $1 busybox netstat -ltn | grep -q ':80 '" || fail "httpd $2 not listening"
}

newns tit-cl tit-dir tit-rs1 tit-rs2 tit-rs3 tit-rs4
veth tit-cl c0 10.0.1.2/24 tit-dir d0 10.0.1.1/24
veth tit-dir d1 10.0.2.1/24 tit-rs1 r0 10.0.2.2/24
veth tit-dir d2 10.0.3.1/24 tit-rs2 r0 10.0.3.2/24
ip -n tit-dir addr add 10.0.1.100/32 dev d0
ip -n tit-cl route add default via 10.0.1.1
ip -n tit-rs1 route add default via 10.0.2.1
ip -n tit-rs2 route add default via 10.0.3.1
ip netns exec tit-dir sysctl -qw net.ipv4.ip_forward=1
ip link add titbr type bridge && ip link set titbr up || fail "bridge"
veth tit-cl c1 10.0.5.10/24 - b-cl -
veth tit-dir d5 10.0.5.1/24 - b-dir -
veth tit-rs3 r0 10.0.5.11/24 - b-rs3 -
veth tit-rs4 r0 10.0.5.12/24 - b-rs4 -
for p in b-cl b-dir b-rs3 b-rs4; do ip link set $p master titbr; done
ip -n tit-dir addr add 10.0.5.100/32 dev d5
for r in tit-rs3 tit-rs4; do
	ip netns exec $r sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n $r addr add 10.0.5.100/32 dev lo
done
httpd_in tit-rs1 rs1; httpd_in tit-rs2 rs2; httpd_in tit-rs3 rs3; httpd_in tit-rs4 rs4

cat > "$conf" <<'EOF'
global_defs {
    ipvs_drain_time 5
}
virtual_server 10.0.1.100 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    delay_loop 1
    real_server 10.0.2.2 80 {
        TCP_CHECK {
            connect_timeout 1
            retry 1
        }
    }
    real_server 10.0.3.2 80 {
        TCP_CHECK {
            connect_timeout 1
            retry 1
        }
    }
}
virtual_server 10.0.5.100 80 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 10.0.5.11 80 {
    }
    real_server 10.0.5.12 80 {
    }
}
EOF
ip netns exec tit-dir "$TANDEMD" -n -l -f "$conf" -p /run/tit.pid --control "$sock" > /tmp/tit.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
wait_for 30 C ping || { cat /tmp/tit.log; fail "tandemd did not answer"; }
wait_for 20 sh -c "ip netns exec tit-dir ipvsadm -Ln | grep -q 10.0.5.12:80" ||
	{ cat /tmp/tit.log; fail "the table was not programmed"; }
ip netns exec tit-dir ipvsadm -Ln

log "NAT"
out=$(fetch_n http://10.0.1.100/ 4); echo "$out"
[ "$out" = "$(printf '2 rs1\n2 rs2')" ] || fail "NAT rr did not split 2/2"
log "DR"
out=$(fetch_n http://10.0.5.100/ 4); echo "$out"
[ "$out" = "$(printf '2 rs3\n2 rs4')" ] || fail "DR rr did not split 2/2"
ip netns exec tit-dir ipvsadm -Lnc | grep -c 10.0.5.100:80

log "drain rs1 at runtime"
C rs drain 10.0.1.100:80 10.0.2.2 || fail "rs drain"
out=$(fetch_n http://10.0.1.100/ 3); echo "$out"
[ "$out" = "3 rs2" ] || fail "a drained real server still got new connections"
C rs enable 10.0.1.100:80 10.0.2.2 || fail "rs enable"
out=$(fetch_n http://10.0.1.100/ 4); echo "$out"
[ "$out" = "$(printf '2 rs1\n2 rs2')" ] || fail "rr after enable did not split 2/2"

log "an established connection survives the drain of its real server"
rm -f /tmp/tit-held /tmp/tit-go
ip netns exec tit-cl /usr/bin/python3 tests/vm/guest/held_get.py 10.0.1.100 80 /tmp/tit-held /tmp/tit-go 30 &
held=$!
wait_for 15 grep -q connected /tmp/tit-held || fail "held connection not made"
rsip=$(ip netns exec tit-dir ipvsadm -Lnc | awk '/ESTABLISHED/ && /10.0.1.100:80/ {print $NF}' | cut -d: -f1 | head -1)
[ -n "$rsip" ] || { ip netns exec tit-dir ipvsadm -Lnc; fail "no established connection"; }
name=rs1; [ "$rsip" = 10.0.3.2 ] && name=rs2
log "held connection on $name ($rsip): removing it from the config"
cp "$conf" "$conf.orig"
python3 - "$conf" "$rsip" <<'PY'
import re, sys
p, ip = sys.argv[1], sys.argv[2]
t = open(p).read()
t = re.sub(r"    real_server %s 80 \{\n(        .*\n|            .*\n)*?    \}\n" % re.escape(ip), "", t, count=1)
open(p, "w").write(t)
PY
grep -q "$rsip" "$conf" && fail "could not remove $rsip from the config"
C reload || fail "reload without $name"
wait_for 10 sh -c "ip netns exec tit-dir ipvsadm -Ln | grep -q '$rsip:80 *Masq *0 *1'" ||
	{ ip netns exec tit-dir ipvsadm -Ln; fail "$name not drained with its connection active"; }
sleep 2.5   # past the first drain polls: still there while the connection is established
ip netns exec tit-dir ipvsadm -Ln | grep -q "$rsip:80 *Masq *0 *1" ||
	{ ip netns exec tit-dir ipvsadm -Ln; fail "$name deleted while its connection was active"; }
touch /tmp/tit-go
wait_exit "$held" 15 || fail "held client failed"
[ "$(cat /tmp/tit-held)" = "$name" ] || fail "held connection got '$(cat /tmp/tit-held)', not $name"
wait_for 10 sh -c "! ip netns exec tit-dir ipvsadm -Ln | grep -q '$rsip:80'" ||
	{ ip netns exec tit-dir ipvsadm -Ln; fail "$name not deleted after its connection ended"; }
cp "$conf.orig" "$conf"
C reload || fail "reload with $name back"
wait_for 10 sh -c "ip netns exec tit-dir ipvsadm -Ln | grep -q '$rsip:80 *Masq *1'" ||
	{ ip netns exec tit-dir ipvsadm -Ln; fail "$name not back"; }

log "rs2's httpd dies: its TCP_CHECK takes it out"
ip netns pids tit-rs2 | xargs -r kill
wait_for 20 sh -c "! ip netns exec tit-dir ipvsadm -Ln | grep -q '10.0.3.2:80 .*Masq *[1-9]'" ||
	{ ip netns exec tit-dir ipvsadm -Ln; cat /tmp/tit.log; fail "rs2 not taken out"; }
ip netns exec tit-dir ipvsadm -Ln
out=$(fetch_n http://10.0.1.100/ 3); echo "$out"
[ "$out" = "3 rs1" ] || fail "traffic still goes to the dead real server"
C ipvs

kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap - EXIT
[ $rc -eq 0 ] || { cat /tmp/tit.log; fail "tandemd exited $rc"; }
[ -z "$(ip netns exec tit-dir ipvsadm -Ln | grep -E '^(TCP|UDP)')" ] || fail "stop left services"
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tit.log && { cat /tmp/tit.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
