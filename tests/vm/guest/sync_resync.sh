# tests/vm/guest/sync_resync.sh - the bulk-resync scenario shared by test_sync_relay_resync.sh
# and test_sync_relay_resync_short.sh (sourced after sync_lib.sh; $SY_UDP_PACKETS is how many
# datagrams each of the 40 UDP flows has). The backup's tandemd stops; connections are made
# through the master meanwhile, so the backup's kernel never hears of them; the backup's
# tandemd starts again, its relay asks the master for the whole table, and afterwards the
# backup's /proc/net/ip_vs_conn lists every connection the master's does (same protocol,
# client, virtual and real address:port; templates included).
trap 'touch /tmp/sy-stop; sy_cleanup' EXIT
sy_pair relay

log "b's tandemd stops"
kill "$SY_PID_b"
wait_exit "$SY_PID_b" 20 >/dev/null || sy_die "tandemd b did not stop"
log "connections through a while b is down: 60 held (NAT), 10 persistent (port 81), 40 UDP flows of $SY_UDP_PACKETS datagram(s)"
sy_hold 60 /tmp/sy-stop held
for i in $(seq 10); do
	sy_ns cl timeout 5 busybox wget -q -O /dev/null http://10.0.7.100:81/ || sy_die "fetch :81"
done
sy_ns cl $SY_TOOL udp 10.0.7.100 53 40 20000 "$SY_UDP_PACKETS" || sy_die "udp"
held=$(sy_count a ' 0A000764:2328 '); tpl=$(sy_count a ':0000 0A000764:0051 '); udp=$(sy_count a '^UDP')
total=$(sy_count a)
log "a: $total connections ($held held, $tpl templates, $udp UDP)"
[ "$held" -ge 60 ] && [ "$tpl" -ge 1 ] && [ "$udp" -ge 40 ] || sy_die "a lacks the connections made"
sy_missing a b && sy_die "b already has a's connections (it was down)"
log "b lacks $(wc -l < /tmp/sy-missing) of them"

log "b's tandemd starts again: its relay asks for a resync"
t0=$(date +%s.%N)
sy_start b
resync_done() {
	[ "$(sy_relay_get b '(r.get("resync") or {}).get("last") and r["resync"]["last"]["side"] + " " + r["resync"]["last"]["status"]')" = "requester done" ]
}
sy_wait 60 resync_done || sy_die "b's resync did not finish"
t1=$(date +%s.%N)
sy_wait 10 sy_missing a b || {
	sy_relay_get b 'json.dumps(r["resync"])'; sy_relay_get a 'json.dumps(r["resync"])'
	sy_ns a grep -E '^Pro| 0000 ' /proc/net/ip_vs_conn_sync; sy_ns b grep ' 0000 ' /proc/net/ip_vs_conn_sync
	sy_die "after the resync b lacks $(wc -l < /tmp/sy-missing): $(head /tmp/sy-missing)"; }
t2=$(date +%s.%N)
log "b has all $total connections of a's: resync done $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s after b's start, table complete $(awk -v a="$t0" -v b="$t2" 'BEGIN{printf "%.2f", b-a}') s"
sy_relay_get b 'r["resync"]["last"]'
sy_relay_get a 'r["resync"]["last"]'
[ "$(sy_count b ':0000 0A000764:0051 ')" -ge "$tpl" ] || sy_die "b lacks templates"
sy_sanitizer_check
log "ok"
