#!/bin/bash
# Persistence through tandemd-programmed NAT services (VM kernel): three clients in one /24
# (10.0.1.2-4, one namespace, chosen by source address), three real servers:
#   TCP 10.0.1.100:80  rr, persistence_timeout 60: each client always lands on one real
#                      server, and the three clients spread over all three (rr per client)
#   TCP 10.0.1.100:81  rr, persistence_timeout 60, persistence_granularity 255.255.255.0:
#                      the whole /24 lands on one real server
#   TCP 10.0.1.100:82  rr, no persistence (the control): one client is spread 2/2/2
# Also: ipvsadm shows "persistent 60" and the mask, and -Lnc lists the persistence templates
# (one per client on :80, one for 10.0.1.0 on :81).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
sock=/run/tps.sock
conf=/tmp/tps.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
D() { ip netns exec tps-dir "$@"; }

newns tps-cl tps-dir tps-rs1 tps-rs2 tps-rs3
veth tps-cl c0 10.0.1.2/24 tps-dir d0 10.0.1.1/24
ip -n tps-cl addr add 10.0.1.3/24 dev c0
ip -n tps-cl addr add 10.0.1.4/24 dev c0
ip -n tps-dir addr add 10.0.1.100/32 dev d0
ip -n tps-cl route add default via 10.0.1.1
for i in 1 2 3; do
	veth tps-dir d$i 10.0.1$i.1/24 tps-rs$i r0 10.0.1$i.2/24
	ip -n tps-rs$i route add default via 10.0.1$i.1
	peer_server tps-rs$i rs$i 80 81 82
done
D sysctl -qw net.ipv4.ip_forward=1

{
	for p in 80 81 82; do
		echo "virtual_server 10.0.1.100 $p {"
		echo "    lb_algo rr"
		echo "    lb_kind NAT"
		echo "    protocol TCP"
		[ $p != 82 ] && echo "    persistence_timeout 60"
		[ $p = 81 ] && echo "    persistence_granularity 255.255.255.0"
		for i in 1 2 3; do echo "    real_server 10.0.1$i.2 $p {"; echo "    }"; done
		echo "}"
	done
} > "$conf"
cat "$conf"
ip netns exec tps-dir "$TANDEMD" -n -l -f "$conf" -p /run/tps.pid --control "$sock" > /tmp/tps.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; peer_stop' EXIT
wait_for 30 C ping || { cat /tmp/tps.log; fail "tandemd did not answer"; }
wait_for 20 sh -c "ip netns exec tps-dir ipvsadm -Ln | grep -A3 10.0.1.100:82 | grep -q 10.0.13.2:82" ||
	{ cat /tmp/tps.log; fail "the table was not programmed"; }
D ipvsadm -Ln
D ipvsadm -Ln | grep -q "10.0.1.100:80 rr persistent 60$" || fail ":80 is not 'persistent 60'"
D ipvsadm -Ln | grep -q "10.0.1.100:81 rr persistent 60 mask 255.255.255.0" ||
	fail ":81 is not 'persistent 60 mask 255.255.255.0'"

log "persistence_timeout: each client sticks to one real server"
all=""
for c in 2 3 4; do
	out=$(ask tps-cl 10.0.1.100 80 5 10.0.1.$c | sort | uniq -c | sed 's/^ *//'); echo "client .$c: $out"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "client 10.0.1.$c was spread: $out"
	case "$out" in "5 rs"[123]" 10.0.1.$c") ;; *) fail "client 10.0.1.$c: unexpected '$out'" ;; esac
	all+="$(echo "$out" | cut -d' ' -f2)"$'\n'
done
n=$(printf '%s' "$all" | sort -u | wc -l)
[ "$n" = 3 ] || fail "three clients should spread over three real servers (rr), got: $(echo $all)"

log "persistence_granularity /24: the whole subnet sticks to one real server"
all=""
for c in 2 3 4; do
	all+="$(ask tps-cl 10.0.1.100 81 2 10.0.1.$c | cut -d' ' -f1)"$'\n'
done
printf '%s' "$all" | sort | uniq -c
[ "$(printf '%s' "$all" | sort -u | wc -l)" = 1 ] || fail "the /24 was spread over real servers"

log "control: no persistence spreads one client"
out=$(ask tps-cl 10.0.1.100 82 6 10.0.1.2 | cut -d' ' -f1 | sort | uniq -c | sed 's/^ *//'); echo "$out"
[ "$out" = "$(printf '2 rs1\n2 rs2\n2 rs3')" ] || fail "the non-persistent service did not split 2/2/2"

D ipvsadm -Lnc | tee /tmp/tps.conns
# templates: entries with client port 0, one per client on :80, one for the /24 on :81
[ "$(grep -cE '10\.0\.1\.[234]:0 +10\.0\.1\.100:80 ' /tmp/tps.conns)" = 3 ] ||
	fail "expected 3 persistence templates on :80"
grep -qE '10\.0\.1\.0:0 +10\.0\.1\.100:81 ' /tmp/tps.conns || fail "no /24 template on :81"

kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap 'peer_stop' EXIT
[ $rc -eq 0 ] || { cat /tmp/tps.log; fail "tandemd exited $rc"; }
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tps.log && { cat /tmp/tps.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
