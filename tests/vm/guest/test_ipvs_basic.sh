#!/bin/bash
# The VM itself: IPVS is loaded, ipvsadm programs and lists services, and IPVS tables are
# per network namespace (what tandem relies on to run several directors in one VM).
. tests/vm/guest/lib.sh
log "kernel $(uname -r)"
grep -q '^ip_vs ' /proc/modules || fail "ip_vs module not loaded"
grep -q '^ip_vs_rr ' /proc/modules || fail "ip_vs_rr module not loaded"
[ -r /proc/net/ip_vs ] || fail "/proc/net/ip_vs missing"
head -1 /proc/net/ip_vs
ipvsadm -Ln || fail "ipvsadm -Ln"
ipvsadm -A -t 10.0.0.1:80 -s wrr || fail "ipvsadm -A"
ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 3 || fail "ipvsadm -a"
out=$(ipvsadm -Ln)
echo "$out"
echo "$out" | grep -q 'TCP  10.0.0.1:80 wrr' || fail "service not listed"
echo "$out" | grep -q '10.0.0.2:80 *Masq *3' || fail "real server not listed"
newns tvm-a
[ -z "$(ip netns exec tvm-a ipvsadm -Ln | grep 10.0.0.1)" ] || fail "IPVS table leaked into a netns"
ipvsadm -C
log "ok"
