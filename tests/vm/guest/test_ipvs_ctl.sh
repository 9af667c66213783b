#!/bin/bash
# tandemd programs the VM's real IPVS from its config (check part: ipvs_desired, ipvs_ctl,
# ipvs_nl) in a director namespace:
#  - a matching service and a foreign one are there before the start (ipvsadm): the first is
#    adopted without being re-created (its connection counters survive), the second is left;
#  - `ipvsadm -Ln` shows exactly the configured schedulers, flags, methods, persistence and
#    weights, and `ipvsadm -L --timeout` the lvs_timeouts;
#  - a reload that changes one weight changes only that in ipvsadm, with one netlink message;
#  - `tandemctl rs drain` sets weight 0, `rs weight` sets it, `rs enable` restores it, and the
#    override survives a reload that does not touch that real server;
#  - a real server removed by a reload is drained (weight 0) then deleted;
#  - `tandemctl ipvs` lists the table, `tandemctl doctor` sees IPVS and the missing forwarding;
#  - stop removes tandem's entries only.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
newns tic-dir
sock=/run/tic.sock
conf=/tmp/tic.conf
D() { ip netns exec tic-dir "$@"; }
C() { "$TANDEMCTL" --control "$sock" "$@"; }
# ipvsadm -Ln, whitespace squeezed, without the header lines
table() { D ipvsadm -Ln | tail -n +4 | tr -s ' ' | sed 's/^ //; s/ *$//'; }
has() { table | grep -qxF -- "$1" || { table; fail "ipvsadm lacks: $1"; }; }
hasnt() { ! table | grep -qxF -- "$1" || { table; fail "ipvsadm still has: $1"; }; }
msgs() { C --json ipvs | python3 -c 'import json,sys; print(json.load(sys.stdin)["netlink"]["messages"])'; }

write_conf() { # weight of 10.1.0.1, weight of 10.1.0.2, extra real server (0/1)
	cat > "$conf" <<EOF
global_defs {
    ipvs_drain_time 3
    lvs_timeouts tcp 901 tcpfin 121 udp 301
}
virtual_server 10.0.0.1 80 {
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    persistence_timeout 300
    persistence_granularity 255.255.255.0
    real_server 10.1.0.1 8080 {
        weight $1
    }
    real_server 10.1.0.2 8080 {
        weight $2
    }
$( [ "$3" = 1 ] && printf '    real_server 10.1.0.5 8080 {\n        weight 4\n    }\n' )
}
virtual_server 10.0.0.2 53 {
    lb_algo sh
    sh-port
    sh-fallback
    ops
    lb_kind DR
    protocol UDP
    real_server 10.1.0.3 53 {
    }
}
virtual_server 10.0.0.3 9 {
    lb_algo rr
    protocol SCTP
    lb_kind TUN
    real_server 10.1.0.4 9 {
        weight 2
    }
}
virtual_server fwmark 7 {
    lb_algo lc
    persistence_timeout 600
    persistence_granularity 255.255.0.0
    lb_kind DR
    real_server 10.1.0.6 0 {
    }
}
virtual_server 2001:db8::1 443 {
    lb_algo mh
    mh-port
    mh-fallback
    protocol TCP
    lb_kind DR
    real_server 2001:db8::10 443 {
        weight 5
    }
}
EOF
}

# before the start: the NAT service exactly as configured but one real server missing, and
# a foreign service
D ipvsadm -A -t 10.0.0.1:80 -s wrr -p 300 -M 255.255.255.0 || fail "ipvsadm -A"
D ipvsadm -a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 3 || fail "ipvsadm -a"
D ipvsadm -A -t 192.0.2.1:443 -s rr || fail "ipvsadm -A foreign"
D ipvsadm -a -t 192.0.2.1:443 -r 10.9.9.9:443 -m || fail "ipvsadm -a foreign"

write_conf 3 1 0
ip netns exec tic-dir "$TANDEMD" -n -l -f "$conf" -p /run/tic.pid --control "$sock" > /tmp/tic.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
wait_for 30 C ping || { cat /tmp/tic.log; fail "tandemd did not answer"; }
wait_for 20 sh -c "ip netns exec tic-dir ipvsadm -Ln | grep -q 2001:db8::10" ||
	{ cat /tmp/tic.log; table; fail "the table was not programmed"; }
log "programmed:"; D ipvsadm -Ln
has "TCP 10.0.0.1:80 wrr persistent 300 mask 255.255.255.0"
has "-> 10.1.0.1:8080 Masq 3 0 0"
has "-> 10.1.0.2:8080 Masq 1 0 0"
has "UDP 10.0.0.2:53 sh (sh-fallback,sh-port) ops"
has "-> 10.1.0.3:53 Route 1 0 0"
has "SCTP 10.0.0.3:9 rr"
has "-> 10.1.0.4:9 Tunnel 2 0 0"
has "FWM 7 lc persistent 600 mask 255.255.0.0"
has "-> 10.1.0.6:0 Route 1 0 0"
has "TCP [2001:db8::1]:443 mh (mh-fallback,mh-port)"
has "-> [2001:db8::10]:443 Route 5 0 0"
has "TCP 192.0.2.1:443 rr"
has "-> 10.9.9.9:443 Masq 1 0 0"
D ipvsadm -L --timeout | grep -qF "Timeout (tcp tcpfin udp): 901 121 301" ||
	{ D ipvsadm -L --timeout; fail "lvs_timeouts not applied"; }
# adopted, not re-created: 4 services + 5 destinations were missing; the NAT service and its
# first destination were there (9 messages, not 11), plus one SET_CONFIG for the timeouts
m=$(msgs); echo "netlink messages at start: $m"
[ "$m" = 10 ] || fail "expected 10 messages at start, got $m"
C ipvs || fail "tandemctl ipvs"
C ipvs | grep -q "(not tandem's)" || fail "tandemctl ipvs does not mark the foreign service"
# doctor: IPVS is there, the fresh netns does not forward (the NAT service needs it)
C --json doctor | python3 -c 'import json, sys
r = json.load(sys.stdin); c = {x["check"]: x for x in r["checks"]}
assert c["IPVS in the kernel"]["ok"] and not c["IPv4 forwarding (NAT)"]["ok"], r' ||
	fail "tandemctl doctor"
C doctor; [ $? = 1 ] || fail "tandemctl doctor should exit 1 with a failed check"

log "reload: one weight"
write_conf 7 1 0
C reload || fail "reload"
wait_for 10 sh -c "ip netns exec tic-dir ipvsadm -Ln | grep -q '10.1.0.1:8080 *Masq *7'" ||
	{ table; fail "weight 7 not applied"; }
m2=$(msgs); echo "netlink messages after the reload: $m2"
[ "$m2" = $((m + 1)) ] || fail "a one-weight reload sent $((m2 - m)) messages"
has "-> 10.1.0.2:8080 Masq 1 0 0"

log "tandemctl rs drain / weight / enable"
C rs drain 10.0.0.1:80 10.1.0.2:8080 || fail "rs drain"
has "-> 10.1.0.2:8080 Masq 0 0 0"
write_conf 8 1 0            # touches 10.1.0.1 only: the drain of 10.1.0.2 stays
C reload || fail "reload 2"
wait_for 10 sh -c "ip netns exec tic-dir ipvsadm -Ln | grep -q '10.1.0.1:8080 *Masq *8'" ||
	{ table; fail "weight 8 not applied"; }
has "-> 10.1.0.2:8080 Masq 0 0 0"
C rs weight 'tcp 10.0.0.1:80' 10.1.0.2 9 || fail "rs weight"
has "-> 10.1.0.2:8080 Masq 9 0 0"
C rs enable 10.0.0.1:80 10.1.0.2:8080 || fail "rs enable"
has "-> 10.1.0.2:8080 Masq 1 0 0"
C rs drain 10.0.0.1:80 10.1.0.77 && fail "rs drain of an unknown real server succeeded"

log "reload: a real server added, then removed (drained, then deleted)"
write_conf 8 1 1
C reload || fail "reload 3"
wait_for 10 sh -c "ip netns exec tic-dir ipvsadm -Ln | grep -q '10.1.0.5:8080 *Masq *4'" ||
	{ table; fail "10.1.0.5 not added"; }
write_conf 8 1 0
C reload || fail "reload 4"
wait_for 10 sh -c "ip netns exec tic-dir ipvsadm -Ln | grep -q '10.1.0.5:8080 *Masq *0'" ||
	{ table; fail "10.1.0.5 not drained to weight 0"; }
C ipvs | grep 10.1.0.5
wait_for 10 sh -c "! ip netns exec tic-dir ipvsadm -Ln | grep -q 10.1.0.5" ||
	{ table; fail "10.1.0.5 not deleted after draining"; }

log "stop"
kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap - EXIT
[ $rc -eq 0 ] || { cat /tmp/tic.log; fail "tandemd exited $rc"; }
D ipvsadm -Ln
[ "$(D ipvsadm -Ln | grep -c -E '^(TCP|UDP|SCTP|FWM)')" = 1 ] || fail "stop left other services"
has "TCP 192.0.2.1:443 rr"
has "-> 10.9.9.9:443 Masq 1 0 0"
grep -E 'ipvs|error' /tmp/tic.log | head -20
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tic.log && { cat /tmp/tic.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
