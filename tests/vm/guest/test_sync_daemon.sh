#!/bin/bash
# lvs_sync_daemon in kernel-only mode (as keepalived does it): two directors run tandemd with
# one VRRP instance and a NAT virtual service; the kernel's master sync thread runs on the
# VRRP master, the backup thread on the backup, and they swap on every failover.
#   LAN  tsdbr:  a eth0 10.0.7.1, b eth0 10.0.7.2, cl 10.0.7.10      VIP 10.0.7.100 (VRRP)
#   RS   tsdbr2: a eth1 10.0.8.1, b eth1 10.0.8.2, rs 10.0.8.10      gateway VIP 10.0.8.254
# Checks: `ipvsadm -L --daemon` shows master on the VRRP master only and backup on the backup
# only; every connection through the master's NAT service appears in the backup's table (same
# client, virtual and real address:port, from /proc/net/ip_vs_conn);
# `tandemctl vrrp demote` on the master swaps the threads and the new master's connections
# reach the old one; stopping the master's tandemd stops its threads and the survivor runs
# the master thread; a killed sync child's successor leaves the running master thread alone;
# a reload changing the sync id restarts the thread with it; `tandemctl
# sync` reports it all.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v busybox >/dev/null || skip "no busybox"
command -v ipvsadm >/dev/null || skip "no ipvsadm"

C() { local n=$1; shift; "$TANDEMCTL" --control "/run/tsd-$n.sock" "$@"; }
daemons() { ip netns exec "tsd-$1" ipvsadm -L --daemon 2>/dev/null; }
# only NS STATE: exactly that thread runs ("none" = no thread)
only() {
	local out; out=$(daemons "$1")
	case $2 in
	master) echo "$out" | grep -q '^master sync daemon' && ! echo "$out" | grep -q '^backup sync daemon' ;;
	backup) echo "$out" | grep -q '^backup sync daemon' && ! echo "$out" | grep -q '^master sync daemon' ;;
	none)   [ -z "$(echo "$out" | grep 'sync daemon')" ] ;;
	esac
}
conns() { ip netns exec "tsd-$1" ipvsadm -Lnc 2>/dev/null | grep -c '10.0.7.100:80'; }
fetch() { # n: fetch through the VIP n times, each must be answered by rs
	local i
	for i in $(seq "$1"); do
		ip netns exec tsd-cl timeout 5 busybox wget -q -O - http://10.0.7.100/ | grep -q rs ||
			return 1
	done
}
dump() {
	local n
	for n in a b; do
		echo "--- $n: daemons"; daemons $n; echo "--- $n: conns"
		ip netns exec tsd-$n ipvsadm -Lnc 2>/dev/null | head -20
		echo "--- $n: tandemctl sync"; C $n sync 2>&1
		echo "--- $n: log"; tail -40 /tmp/tsd-$n.log
	done
}
die() { dump; fail "$*"; }

pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done' EXIT

newns tsd-a tsd-b tsd-cl tsd-rs
ip link add tsdbr type bridge && ip link set tsdbr up || fail "bridge"
ip link add tsdbr2 type bridge && ip link set tsdbr2 up || fail "bridge2"
veth tsd-a eth0 10.0.7.1/24 - ba -
veth tsd-b eth0 10.0.7.2/24 - bb -
veth tsd-cl eth0 10.0.7.10/24 - bcl -
veth tsd-a eth1 10.0.8.1/24 - ca -
veth tsd-b eth1 10.0.8.2/24 - cb -
veth tsd-rs eth0 10.0.8.10/24 - crs -
for p in ba bb bcl; do ip link set $p master tsdbr; done
for p in ca cb crs; do ip link set $p master tsdbr2; done
ip -n tsd-rs route add default via 10.0.8.254
for n in a b; do ip netns exec tsd-$n sysctl -qw net.ipv4.ip_forward=1; done
mkdir -p /tmp/tsd-www && echo rs > /tmp/tsd-www/index.html
ip netns exec tsd-rs busybox httpd -p 80 -h /tmp/tsd-www || fail "httpd"

for n in a b; do
	prio=150; [ $n = b ] && prio=100
	cat > /tmp/tsd-$n.conf <<CONF
global_defs {
    router_id tsd-$n
    lvs_sync_daemon eth0 VI_1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority $prio
    version 3
    advert_int 0.2
    virtual_ipaddress {
        10.0.7.100/24
        10.0.8.254/24 dev eth1
    }
}
virtual_server 10.0.7.100 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.8.10 80 {
    }
}
CONF
	ip netns exec tsd-$n "$TANDEMD" -n -l -f /tmp/tsd-$n.conf -p /run/tsd-$n.pid \
		--control /run/tsd-$n.sock > /tmp/tsd-$n.log 2>&1 &
	pids="$pids $!"
	eval "pid_$n=$!"
done
wait_for 30 C a ping || die "tandemd a did not answer"
wait_for 30 C b ping || die "tandemd b did not answer"

log "a is VRRP master: master thread on a, backup thread on b"
wait_for 20 sh -c "$TANDEMCTL --control /run/tsd-a.sock vrrp VI_1 | grep -q MASTER" || die "a not master"
wait_for 20 only a master || die "a does not run the master thread only"
wait_for 20 only b backup || die "b does not run the backup thread only"
daemons a; daemons b
C a sync | grep -q 'kernel: *master' || die "tandemctl sync on a does not say master"
C b sync | grep -q 'kernel: *backup' || die "tandemctl sync on b does not say backup"
"$TANDEMCTL" --control /run/tsd-a.sock --json sync | grep -q '"want": *"master"' ||
	die "tandemctl --json sync on a"

log "connections through a's NAT service reach b's table"
wait_for 20 ip netns exec tsd-cl busybox wget -q -O /dev/null http://10.0.7.100/ || die "no answer through the VIP"
fetch 4 || die "fetch through a"
# every connection of a's (same client, virtual and real address and port) reaches b
va=0A000764:0050
# synced FROM TO MIN: FROM has at least MIN connections to the VIP and TO has every one of them
synced() { [ "$(ipvs_keys "$1" $va | wc -l)" -ge "$3" ] && ipvs_subset "$1" "$2" $va; }
wait_for 15 synced tsd-a tsd-b 5 ||
	die "b lacks a's connections: $(cat /tmp/ipvs-missing)"
ip netns exec tsd-b ipvsadm -Lnc

log "a's sync child killed: its successor keeps the running master thread (no flap)"
mthread() { local p; for p in /proc/[0-9]*; do case $(cat "$p/comm" 2>/dev/null) in ipvs-m:*) echo "${p#/proc/}" ;; esac; done; }
syncpid() { local p; for p in $(ip netns pids tsd-a); do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = tandemd-sync ] && echo "$p"; done; }
new_sync() { local s; s=$(syncpid); [ -n "$s" ] && [ "$s" != "$1" ] && C a sync | grep -q 'last switch:.*(event feed snapshot)'; }
m1=$(mthread); s1=$(syncpid)
[ -n "$m1" ] && [ -n "$s1" ] || die "no master kernel thread ($m1) or sync child ($s1)"
kill -9 "$s1"
wait_for 20 new_sync "$s1" || die "the sync child was not restarted or did not decide from the snapshot"
[ "$(mthread)" = "$m1" ] || die "the master thread was restarted (was $m1, now $(mthread))"
only a master || die "a does not run the master thread only after its sync child restarted"
only b backup || die "b does not run the backup thread only"

log "demote a: the threads swap"
C a vrrp demote VI_1 >/dev/null || die "demote"
wait_for 20 only b master || die "b does not run the master thread after the failover"
wait_for 20 only a backup || die "a does not run the backup thread after the failover"
daemons a; daemons b
C b sync | grep -q 'last switch:.*master (vrrp VI_1 BACKUP->MASTER)' || die "b's last switch"
before=$(conns a)
wait_for 20 ip netns exec tsd-cl busybox wget -q -O /dev/null http://10.0.7.100/ || die "no answer through b"
fetch 4 || die "fetch through b"
wait_for 15 synced tsd-b tsd-a 5 && [ "$(conns a)" -ge $((before + 5)) ] ||
	die "a lacks b's connections (before: $before): $(cat /tmp/ipvs-missing)"

log "stop b's tandemd: its threads stop, a takes over with the master thread"
kill "$pid_b"
wait_exit "$pid_b" 15 >/dev/null; rc=$?
[ $rc = 124 ] && die "tandemd b did not stop"
[ $rc = 0 ] || die "tandemd b exited $rc"
only b none || die "b's threads still run after its tandemd stopped"
wait_for 20 only a master || die "a does not run the master thread after b stopped"
daemons a

log "a reload that changes the sync id restarts the master thread with it"
sed -i 's/lvs_sync_daemon eth0 VI_1/lvs_sync_daemon eth0 VI_1 id 62 port 8850/' /tmp/tsd-a.conf
C a reload >/dev/null || die "reload"
wait_for 20 sh -c "ip netns exec tsd-a ipvsadm -L --daemon | grep -q '^master sync daemon.*syncid=62.*port=8850'" ||
	die "the master thread was not restarted with sync id 62, port 8850"
only a master || die "a runs more than the master thread after the reload"
daemons a

log "stop a's tandemd: no thread left"
kill "$pid_a"
wait_exit "$pid_a" 15 >/dev/null; rc=$?
[ $rc = 0 ] || die "tandemd a exited $rc"
only a none || die "a's threads still run after its tandemd stopped"
grep -E "ERROR: (Address|Leak)Sanitizer|runtime error|child sync \(pid [0-9]+\) exited [1-9]" \
	/tmp/tsd-a.log /tmp/tsd-b.log && die "sanitizer report or a failed sync child in a log"
log "ok"
