#!/bin/bash
# tests/bench/sync/guest.sh N BUILD RATE - runs in the test VM (started by run.sh): bulk resync
# of N connections to a restarted backup, relay vs the kernel alone. Prints RESULT lines.
#  relay:  a's relay (master) learns N connections from its tap of sync0: sync_inject sends them
#          there as the kernel master thread would (v1 messages, 40 entries each, RATE
#          entries/s); b is down meanwhile. Then b's tandemd starts: time until b's kernel
#          lists all N (ipvsadm -Ln connection counters of the real server), b's relay's own
#          resync duration, CPU of both sync children, UDP drops at b's kernel backup socket.
#  kernel: a's kernel table gets N connections (sync_inject into a backup thread started by
#          hand, before tandemd); a and b then run lvs_sync_daemon (kernel threads only) and b
#          is watched for as long as the relay needed (at least 20 s): it stays empty.
[ -z "${BASH_VERSION:-}" ] && exec /bin/bash "$0" "$@"
N=$1 BUILD=$2 RATE=${3:-50000}
REPO=${tdm_share:?}
cd "$REPO" || exit 2
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
TANDEMD=$REPO/$BUILD/tandemd
TANDEMCTL=$REPO/$BUILD/tandemctl
export PATH REPO BUILD TANDEMD TANDEMCTL
INJ=$REPO/$BUILD/bench-sync/sync_inject
. tests/vm/guest/lib.sh
. tests/vm/guest/sync_lib.sh
trap sy_cleanup EXIT
R() { echo "RESULT $N $*"; }
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
# cnt NS VPORT: active + inactive connections of real server 10.0.8.10:VPORT in 10.0.7.100:VPORT
cnt() {
	sy_ns "$1" ipvsadm -Ln | awk -v s="10.0.7.100:$2" -v d="10.0.8.10:$2" \
		'$1 == "TCP" { in_s = ($2 == s) } in_s && $2 == d { print $5 + $6; f = 1 } END { if (!f) print 0 }'
}
cpu() { # NS: user+system seconds of that namespace's tandemd-sync
	local p
	for p in $(ip netns pids "sy-$1"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = tandemd-sync ] &&
			awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' /proc/$p/stat
	done
}
ge() { [ "$($1)" -ge "$2" ] 2>/dev/null; }
mirror() { sy_relay_get a '(r.get("resync") or {}).get("mirror", {}).get("entries", 0)'; }
bcount() { cnt b 9000; }

log "bench: $N connections, inject rate $RATE/s, $(nproc) vCPU, $(free -m | awk '/Mem:/ {print $2}') MiB"
sy_topology
log "--- calibration: the relay codec benchmark (CPU-bound, one core) in the VM"
[ -x "$REPO/$BUILD/bench-sync/bench_relay_codec" ] &&
	"$REPO/$BUILD/bench-sync/bench_relay_codec" 200000 1400 0 | sed -n 's/^both .*: *\([0-9.]*\) M.*/RESULT '"$N"' vm_codec_both_M \1/p'
log "--- relay"
sy_conf a 150 relay
sy_conf b 100 relay
sy_start a
sy_wait 30 sy_vrrp_is a MASTER || sy_die "a not master"
ti=$(now)
SI_LOOP=0 sy_ns a "$INJ" 169.254.77.1 224.0.0.81 8848 71 "$N" "$RATE" 0 3600 || sy_die "inject"
sy_wait 900 ge mirror "$N" || sy_die "a's mirror has $(mirror) of $N"
tm=$(now)
R inject_s "$(el "$ti" "$tm")"
R a_kernel_entries "$(sy_relay_get a 'r["entries"]["from_kernel"]')"
R a_dropped "$(sy_relay_get a 'r["kernel"]["dropped"]')"
ca0=$(cpu a)
t0=$(now)
sy_start b
progress() { # every 5 s: b's count and the relays' counters, so a stall shows where
	log "b has $(bcount); b relay: $(sy_relay_get b '"received %s to_kernel %s drops %s resync %s" % (r["entries"]["received"], r["entries"]["to_kernel"], r["kernel"].get("backup_socket_drops"), json.dumps(r["resync"].get("last")))'); a: $(sy_relay_get a '"in_flight %s resync %s" % (json.dumps(r["in_flight"]), json.dumps(r["resync"].get("last")))')"
}
# packets the kernel dropped at its per-CPU input backlog (second column of softnet_stat, hex):
# the multicast loopback to the backup thread goes through it
softnet() { local s=0 a b r; while read -r a b r; do s=$((s + 16#$b)); done < /proc/net/softnet_stat; echo $s; }
sn0=$(softnet)
# until b has all N, or b's relay says its resync is done and b's table has not grown for 20 s
# (then what is missing was lost between b's relay and its kernel)
limit=$((120 + N / 500))
end=$(( $(date +%s) + limit ))
next=0 last=-1 still=0 t1= tlast=$t0
while :; do
	c=$(bcount)
	[ "$c" -ge "$N" ] && { t1=$(now); break; }
	if [ "$c" = "$last" ]; then still=$((still + 1)); else still=0; last=$c; tlast=$(now); fi
	[ "$(date +%s)" -ge "$end" ] && break
	if [ $still -ge 20 ] && [ "$(sy_relay_get b '(r["resync"].get("last") or {}).get("status")')" = done ]; then
		break
	fi
	[ "$(date +%s)" -ge "$next" ] && { progress; next=$(( $(date +%s) + 5 )); }
	sleep 0.3
done
progress
R softnet_drops_during_resync "$(( $(softnet) - sn0 ))"
R b_udp "$(sy_ns b awk '/^Udp:/ { if (!h) { split($0, k); h = 1 } else { for (i = 2; i <= NF; i++) if (k[i] ~ /Errors|NoPorts/) printf "%s=%s ", k[i], $i } }' /proc/net/snmp)"
# per socket (local address:port in hex, ..., drops last): which socket overflowed
sy_ns b cat /proc/net/udp | sed "s/^/RESULT $N b_proc_net_udp /"
R b_resync_request_after_s "$(el "$t0" "$(sy_relay_get b '(r["resync"].get("last") or {}).get("started", 0)')")"
R b_mem_free_mib "$(free -m | awk '/Mem:/ { print $4 }')"
if [ -n "$t1" ]; then
	relay_s=$(el "$t0" "$t1")
	R relay_until_b_has_all_s "$relay_s"
else
	relay_s=$(el "$t0" "$(now)")
	R relay_b_has "$(bcount) of $N after $(el "$t0" "$tlast") s (no more came)"
	dmesg | grep -iE "ipvs|alloc|memory" | tail -5 | sed "s/^/RESULT $N dmesg /"
fi
R b_resync "$(sy_relay_get b 'json.dumps(r["resync"]["last"])')"
R a_resync "$(sy_relay_get a 'json.dumps(r["resync"]["last"])')"
R b_backup_socket_drops "$(sy_relay_get b 'r["kernel"].get("backup_socket_drops")')"
R b_to_kernel "$(sy_relay_get b 'r["entries"]["to_kernel"]')"
R a_sync_cpu_s "$(awk -v a="$ca0" -v b="$(cpu a)" 'BEGIN{printf "%.2f", b-a}')"
R b_sync_cpu_s "$(cpu b)"
R a_frames "$(sy_relay_get a 'json.dumps(r["frames"])')"
R a_tx_to_b "$(sy_relay_get a 'json.dumps(r["peers"][0].get("tx"))')"
R a_window_stalls "$(sy_relay_get a 'r["backpressure"].get("window_stalls")')"
R b_kernel_side "$(sy_relay_get b 'json.dumps(r["kernel"])')"
R b_rejected "$(sy_relay_get b 'json.dumps(r["rejected"])')"
kill "$SY_PID_a" "$SY_PID_b"
wait_exit "$SY_PID_a" 60 >/dev/null; wait_exit "$SY_PID_b" 60 >/dev/null

log "--- kernel alone"
sy_ns a ipvsadm -A -t 10.0.7.100:80 -s rr
sy_ns a ipvsadm -a -t 10.0.7.100:80 -r 10.0.8.10:80 -m
sy_ns a ipvsadm --start-daemon backup --mcast-interface sync0 --syncid 71 || sy_die "backup thread on a"
sleep 0.5
pass=0
while [ "$(cnt a 80)" -lt "$N" ] && [ $pass -lt 5 ]; do
	pass=$((pass + 1))
	SI_VPORT=80 SI_DPORT=80 sy_ns a "$INJ" 169.254.77.1 224.0.0.81 8848 71 "$N" "$RATE" 0 3600
	sy_wait 60 ge "cnt a 80" "$N"
done
sy_ns a ipvsadm --stop-daemon backup
R kernel_a_has "$(cnt a 80)"
sy_conf a 150 kernel
sy_conf b 100 kernel
sy_start a
sy_wait 30 sy_vrrp_is a MASTER || sy_die "a not master (kernel)"
sy_start b
sy_wait 30 sh -c "ip netns exec sy-b ipvsadm -L --daemon | grep -q '^backup sync daemon'" || sy_die "no backup thread on b"
watch=$(awk -v s="$relay_s" 'BEGIN{ w = s * 2; if (w < 20) w = 20; if (w > 120) w = 120; printf "%d", w }')
t0=$(now)
max=0
while [ "$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print (b - a < '"$watch"')}')" = 1 ]; do
	c=$(cnt b 80); [ "$c" -gt "$max" ] && max=$c
	sleep 1
done
R kernel_a_still_has "$(cnt a 80)"
R kernel_b_has_after_s "$watch $max"
log "done"
