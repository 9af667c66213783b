#!/bin/bash
# Connections and traffic from IPVS in the monitoring outputs (VM kernel): a NAT service with
# one busybox httpd real server, six requests from a client namespace; within the 5 s of an
# ipvs.stats round, TANDEM-MIB (snmpd as AgentX master in the director's namespace) shows the
# real server's kernel weight, connections and bytes, the virtual server's connections, and
# `tandemctl metrics` the same counters.
#   cl 10.0.1.2 -- 10.0.1.1 [dir] 10.0.2.1 -- 10.0.2.2 rs1      VIP 10.0.1.100:80
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v busybox >/dev/null || skip "no busybox"
command -v snmpd >/dev/null && command -v snmpwalk >/dev/null || skip "no snmpd/snmpwalk"
W=$(mktemp -d)
sock=$W/t.sock
C() { "$TANDEMCTL" --control "$sock" "$@"; }
export MIBS="" SNMP_PERSISTENT_DIR="$W/state"
mkdir -p "$W/state" "$W/www"
echo rs1 > "$W/www/index.html"

newns tsi-cl tsi-dir tsi-rs1
veth tsi-cl c0 10.0.1.2/24 tsi-dir d0 10.0.1.1/24
veth tsi-dir d1 10.0.2.1/24 tsi-rs1 r0 10.0.2.2/24
ip -n tsi-dir addr add 10.0.1.100/32 dev d0
ip -n tsi-cl route add default via 10.0.1.1
ip -n tsi-rs1 route add default via 10.0.2.1
ip netns exec tsi-dir sysctl -qw net.ipv4.ip_forward=1
ip netns exec tsi-rs1 busybox httpd -p 80 -h "$W/www" || fail "httpd"
wait_for 5 sh -c "ip netns exec tsi-rs1 busybox netstat -ltn | grep -q ':80 '" || fail "httpd not listening"

cat > "$W/snmpd.conf" <<EOF
master agentx
agentXSocket $W/agentx.sock
agentaddress udp:127.0.0.1:16161
rocommunity public 127.0.0.1
EOF
ip netns exec tsi-dir snmpd -f -Lf "$W/snmpd.log" -C -c "$W/snmpd.conf" -p "$W/snmpd.pid" &
spid=$!
cat > "$W/t.conf" <<EOF
global_defs {
    snmp_socket unix:$W/agentx.sock
    enable_snmp_tandem
}
virtual_server 10.0.1.100 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    delay_loop 1
    real_server 10.0.2.2 80 {
        weight 3
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
EOF
ip netns exec tsi-dir "$TANDEMD" -n -l -f "$W/t.conf" -p "$W/t.pid" --control "$sock" > "$W/t.log" 2>&1 &
pid=$!
trap 'kill $pid $spid 2>/dev/null; wait $pid $spid 2>/dev/null; rm -rf "$W"' EXIT
wait_for 30 C ping || { cat "$W/t.log"; fail "tandemd did not answer"; }
wait_for 20 sh -c "ip netns exec tsi-dir ipvsadm -Ln | grep -q 10.0.2.2:80" ||
	{ cat "$W/t.log"; fail "the table was not programmed"; }

for i in $(seq 6); do
	ip netns exec tsi-cl timeout 5 busybox wget -q -O - http://10.0.1.100/ > /dev/null ||
		fail "request $i"
done
ip netns exec tsi-dir ipvsadm -Ln --stats

M=1.3.6.1.4.1.32473.17.1
idx() { local s=$1 out; out="${#s}"; for ((i = 0; i < ${#s}; i++)); do
	out+=".$(printf '%d' "'${s:i:1}")"; done; echo "$out"; }
RS=$(idx "tcp 10.0.1.100:80/10.0.2.2:80")
VS=$(idx "tcp 10.0.1.100:80")
get() { ip netns exec tsi-dir snmpget -v2c -c public -On -Oqv -t 1 -r 0 127.0.0.1:16161 "$1" 2>/dev/null; }
# the counters arrive with the next ipvs.stats round (every 5 s)
six_conns() { [ "$(get "$M.4.1.12.$RS")" = 6 ]; }
wait_for 20 six_conns ||
	{ get "$M.4.1.12.$RS"; tail -20 "$W/t.log"; fail "TANDEM-MIB: not 6 connections for rs1"; }
kw=$(get "$M.4.1.9.$RS"); inb=$(get "$M.4.1.15.$RS"); outb=$(get "$M.4.1.16.$RS")
vconns=$(get "$M.5.1.7.$VS"); vin=$(get "$M.5.1.8.$VS")
log "TANDEM-MIB: rs1 kernel weight $kw, in $inb bytes, out $outb bytes; VS conns $vconns, in pkts $vin"
[ "$kw" = 3 ] || fail "kernel weight $kw"
[ "${inb:-0}" -gt 0 ] && [ "${outb:-0}" -gt "${inb:-0}" ] || fail "rs1 bytes in $inb out $outb"
[ "$vconns" = 6 ] && [ "${vin:-0}" -gt 0 ] || fail "VS conns $vconns, in packets $vin"
m=$(C metrics)
echo "$m" | grep -E '^tandem_(real|virtual)_server_(connections_total|bytes_total)' | head
echo "$m" | grep -q '^tandem_real_server_connections_total{vs="tcp 10.0.1.100:80",rs="tcp 10.0.1.100:80/10.0.2.2:80"} 6$' ||
	fail "metrics: rs1 connections_total is not 6"
echo "$m" | grep -q '^tandem_virtual_server_connections_total{vs="tcp 10.0.1.100:80"} 6$' ||
	fail "metrics: VS connections_total is not 6"
echo "$m" | grep -q '^tandem_real_server_kernel_weight{vs="tcp 10.0.1.100:80",rs="tcp 10.0.1.100:80/10.0.2.2:80"} 3$' ||
	fail "metrics: kernel weight"
log "ok"
