#!/bin/bash
# Adopting an existing IPVS table drops no connection (VM kernel). A NAT service made with
# ipvsadm carries an established TCP connection (a client holding its request) when tandemd
# starts with a config that describes the same service: tandemd adopts it with zero netlink
# messages, the connection entry stays, and the held request completes afterwards through
# the same real server. Then tandemd stops with ipvs_keep_on_stop (the table stays, a
# second held connection with it), starts again, adopts again with zero messages, and that
# connection completes too. New connections keep being split 2/2 all along.
#   cl 10.0.1.2 -- 10.0.1.1 [dir] 10.0.2.1 -- 10.0.2.2 rs1 ; 10.0.3.1 -- 10.0.3.2 rs2
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v busybox >/dev/null || skip "no busybox"
sock=/run/tad.sock
conf=/tmp/tad.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
D() { ip netns exec tad-dir "$@"; }
msgs() { C --json ipvs | python3 -c 'import json,sys; print(json.load(sys.stdin)["netlink"]["messages"])'; }
fetch_n() { # n
	local i
	for i in $(seq "$1"); do
		ip netns exec tad-cl timeout 5 busybox wget -q -O - http://10.0.1.100/ || echo "wget-failed"
	done | sort | uniq -c | sed 's/^ *//'
}
# hold N: a client connects and waits for /tmp/tad-go-N before sending its request; the
# body it gets ends up in /tmp/tad-held-N
hold() {
	rm -f /tmp/tad-held-$1 /tmp/tad-go-$1
	ip netns exec tad-cl /usr/bin/python3 tests/vm/guest/held_get.py 10.0.1.100 80 /tmp/tad-held-$1 /tmp/tad-go-$1 90 &
	held=$!
	wait_for 15 grep -q connected /tmp/tad-held-$1 || fail "held connection $1 not made"
	cport=$(awk '{print $2}' /tmp/tad-held-$1)
	rsip=$(D ipvsadm -Lnc | awk -v p="10.0.1.2:$cport" '$4 == p && /ESTABLISHED/ {print $6}' | cut -d: -f1)
	[ -n "$rsip" ] || { D ipvsadm -Lnc; fail "held connection $1 not in the IPVS table"; }
	name=rs1; [ "$rsip" = 10.0.3.2 ] && name=rs2
	log "held connection $1 from port $cport on $name ($rsip)"
}
# release N NAME: the held request completes through NAME
release() {
	D ipvsadm -Lnc | grep -q "ESTABLISHED *10.0.1.2:$cport " ||
		{ D ipvsadm -Lnc; fail "held connection $1 lost its IPVS entry"; }
	touch /tmp/tad-go-$1
	wait_exit "$held" 15 || fail "held client $1 failed"
	[ "$(cat /tmp/tad-held-$1)" = "$2" ] || fail "held connection $1 got '$(cat /tmp/tad-held-$1)', not $2"
}
start() {
	ip netns exec tad-dir "$TANDEMD" -n -l -f "$conf" -p /run/tad.pid --control "$sock" >> /tmp/tad.log 2>&1 &
	pid=$!
	wait_for 30 C ping || { cat /tmp/tad.log; fail "tandemd did not answer"; }
	wait_for 20 sh -c "grep -q '\"type\":\"ipvs.apply\",\"reason\":\"start\"' /tmp/tad.log" ||
		{ cat /tmp/tad.log; fail "no start apply"; }
}

newns tad-cl tad-dir tad-rs1 tad-rs2
veth tad-cl c0 10.0.1.2/24 tad-dir d0 10.0.1.1/24
veth tad-dir d1 10.0.2.1/24 tad-rs1 r0 10.0.2.2/24
veth tad-dir d2 10.0.3.1/24 tad-rs2 r0 10.0.3.2/24
ip -n tad-dir addr add 10.0.1.100/32 dev d0
ip -n tad-cl route add default via 10.0.1.1
ip -n tad-rs1 route add default via 10.0.2.1
ip -n tad-rs2 route add default via 10.0.3.1
D sysctl -qw net.ipv4.ip_forward=1
for i in 1 2; do
	mkdir -p /tmp/tad-www$i && echo rs$i > /tmp/tad-www$i/index.html
	ip netns exec tad-rs$i busybox httpd -p 80 -h /tmp/tad-www$i || fail "httpd rs$i"
done

log "a table made by ipvsadm, with an established connection"
D ipvsadm -A -t 10.0.1.100:80 -s rr || fail "ipvsadm -A"
D ipvsadm -a -t 10.0.1.100:80 -r 10.0.2.2:80 -m -w 1 || fail "ipvsadm -a"
D ipvsadm -a -t 10.0.1.100:80 -r 10.0.3.2:80 -m -w 1 || fail "ipvsadm -a"
out=$(fetch_n 2); echo "$out"
[ "$out" = "$(printf '1 rs1\n1 rs2')" ] || fail "the ipvsadm table does not work"
hold 1
held1_name=$name

cat > "$conf" <<'EOF2'
global_defs {
    ipvs_keep_on_stop
}
virtual_server 10.0.1.100 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.2.2 80 {
    }
    real_server 10.0.3.2 80 {
    }
}
EOF2
: > /tmp/tad.log
start
trap 'kill $pid 2>/dev/null' EXIT
m=$(msgs); echo "netlink messages at start: $m"
[ "$m" = 0 ] || { D ipvsadm -Ln; fail "adopting the matching table sent $m messages"; }
C ipvs
C ipvs | grep -q "(not tandem's)" && fail "the adopted service is shown as foreign"
release 1 "$held1_name"
out=$(fetch_n 4); echo "$out"
[ "$out" = "$(printf '2 rs1\n2 rs2')" ] || fail "after adoption rr did not split 2/2"

log "restart with ipvs_keep_on_stop: a connection held across it"
hold 2
held2_name=$name
kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap - EXIT
[ $rc -eq 0 ] || { cat /tmp/tad.log; fail "tandemd exited $rc"; }
D ipvsadm -Ln | grep -q "10.0.3.2:80" || fail "ipvs_keep_on_stop did not keep the table"
start
trap 'kill $pid 2>/dev/null' EXIT
m=$(msgs); echo "netlink messages at the restart: $m"
[ "$m" = 0 ] || { D ipvsadm -Ln; fail "re-adopting the kept table sent $m messages"; }
release 2 "$held2_name"
out=$(fetch_n 2); echo "$out"
[ "$out" = "$(printf '1 rs1\n1 rs2')" ] || fail "after the restart rr did not split 1/1"

kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap - EXIT
[ $rc -eq 0 ] || { cat /tmp/tad.log; fail "tandemd exited $rc"; }
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tad.log && { cat /tmp/tad.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
