#!/bin/bash
# Relay over a lossy sync link (issue 7 test d): netem drops 10% of the packets on the sync
# link, both ways (frames and ACKs). Rounds of 100 held NAT connections and 10 short HTTP
# fetches go through the master (512-byte frames, so there are many) until its relay has had to
# resend a lost frame; once the last round stops, every connection the master has must be on the
# backup. Timing: the kernel master thread holds a partly filled message up to 2 s
# (IPVS_SYNC_FLUSH_TIME) before the relay can see it, so the test timestamps each message the
# kernel sends (AF_PACKET on a's sync0) and requires the backup complete within 1 s of the
# last one (b's completion time: the last message b's relay handed to b's kernel, AF_PACKET
# on b's sync0, before the poll saw b complete); the time from the end of traffic is printed
# too. The master's relay must have resent frames (the loss was real and repaired).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v ipvsadm >/dev/null || skip "no ipvsadm"
command -v tc >/dev/null || skip "no tc"
. tests/vm/guest/sync_lib.sh
trap 'touch /tmp/sy-stop; sy_cleanup' EXIT
sy_pair relay "    max_frame_size 512
    resend_timeout 0.1"
for n in a b; do
	sy_ns $n tc qdisc add dev eth2 root netem loss 10% || skip "netem not available"
done
sy_ns a tc qdisc show dev eth2
rm -f /tmp/sy-kmsgs /tmp/sy-bmsgs
ip netns exec "sy-a" $SY_TOOL tap sync0 8848 /tmp/sy-kmsgs 120 > /dev/null 2>&1 &
SY_PIDS="$SY_PIDS $!"
# b's relay handing entries to b's kernel: every entry b's kernel has came through one of
# these, so b is complete by its last one before waitconns saw it complete (waitconns itself
# starts late under TCG: python and tandemctl start-ups after the traffic stops)
ip netns exec "sy-b" $SY_TOOL tap sync0 8848 /tmp/sy-bmsgs 120 > /dev/null 2>&1 &
SY_PIDS="$SY_PIDS $!"
sleep 1

# rounds of traffic until a's relay has had to resend at least once (a round makes about 20
# frames of 512 bytes: P(none lost) ~ 0.9^20 = 12%); the last round is the one timed
t0=$(date +%s.%N)
round=0 resent=0
while [ $round -lt 5 ]; do
	round=$((round + 1))
	log "traffic round $round through a: 100 held connections, 10 fetches"
	sy_hold 100 /tmp/sy-stop held$round
	for i in $(seq 10); do
		sy_ns cl timeout 5 busybox wget -q -O /dev/null http://10.0.7.100/ || sy_die "fetch"
	done
	tstop=$(date +%s.%N)
	sy_keys a > /tmp/sy-want
	resent=$(sy_relay_get a 'r["frames"]["resent"]')
	[ "${resent:-0}" -ge 1 ] && break
	sy_ns b $SY_TOOL waitconns /tmp/sy-want /tmp/sy-done 30 ||
		sy_die "b still lacks $(head -1 /tmp/sy-done | cut -d' ' -f2) connections 30 s after round $round"
done
log "traffic stopped after $(awk -v a="$t0" -v b="$tstop" 'BEGIN{printf "%.1f", b-a}') s; a has $(wc -l < /tmp/sy-want) connections"
[ "$(wc -l < /tmp/sy-want)" -ge $((round * 110)) ] || sy_die "a lacks the connections made"
sy_ns b $SY_TOOL waitconns /tmp/sy-want /tmp/sy-done 30 ||
	sy_die "b still lacks $(head -1 /tmp/sy-done | cut -d' ' -f2) connections 30 s after traffic stopped"
tdone=$(head -1 /tmp/sy-done | cut -d' ' -f1)
sleep 0.5
tlast=$(awk -v t="$tdone" '$1 <= t { last = $1 } END { print last }' /tmp/sy-kmsgs)
[ -n "$tlast" ] || sy_die "no kernel sync message seen on a's sync0"
tlastb=$(awk -v t="$tdone" '$1 <= t { last = $1 } END { print last }' /tmp/sy-bmsgs 2>/dev/null)
tb=$(awk -v a="${tlastb:-$tdone}" -v b="$tdone" 'BEGIN{print (a < b ? a : b)}')
relay_s=$(awk -v a="$tlast" -v b="$tb" 'BEGIN{printf "%.3f", b-a}')
seen_s=$(awk -v a="$tlast" -v b="$tdone" 'BEGIN{printf "%.3f", b-a}')
total_s=$(awk -v a="$tstop" -v b="$tb" 'BEGIN{printf "%.3f", b-a}')
log "b complete ${total_s} s after traffic stopped, ${relay_s} s after the kernel's last sync message ($(wc -l < /tmp/sy-kmsgs) messages; b's relay's last hand-over to its kernel before b was seen complete; seen complete ${seen_s} s after it)"
# one status read per side (each costs about a second under TCG)
ra=$(sy_relay_get a '"%s|frames %s, kernel side %s, to b %s" % (r["frames"]["resent"], json.dumps(r["frames"]), json.dumps(r["kernel"]), json.dumps(r["peers"][0].get("tx")))')
rb=$(sy_relay_get b '"frames %s, entries %s" % (json.dumps(r["frames"]), json.dumps(r["entries"]))')
resent=${ra%%|*}
sy_ns a tc -s qdisc show dev eth2 | grep -o 'dropped [0-9]*' | sed 's/^/netem on a: /'
sy_ns b tc -s qdisc show dev eth2 | grep -o 'dropped [0-9]*' | sed 's/^/netem on b: /'
log "a's relay: ${ra#*|}"
log "b's relay: $rb"
awk -v s="$relay_s" 'BEGIN{exit !(s <= 1.0)}' || sy_die "b complete ${relay_s} s after the kernel's last message (> 1 s)"
[ "${resent:-0}" -ge 1 ] || sy_die "a's relay resent nothing: was there loss?"
sy_sanitizer_check
log "ok"
