# tests/vm/guest/sync_failover.sh - the failover scenario shared by test_sync_kernel_failover.sh
# and test_sync_relay_failover.sh (sourced after sync_lib.sh; $SY_MODE is kernel or relay).
# Two long TCP transfers, through the NAT service 10.0.7.100:9000 and the DR service
# 10.0.7.101:9000, run from the client through director a (VRRP master). Once director b's
# table holds both connections (synced), a crashes (SIGKILL of everything in its namespace,
# links down). b takes over and both transfers must complete: every byte, in order, no reset.
SY_BYTES=${SY_BYTES:-3000000}
SY_RATE=${SY_RATE:-100000}
trap sy_cleanup EXIT
SY_PCAP=${SY_PCAP:-/tmp/sy-cl.pcap}
sy_pair "$SY_MODE"
log "a is master, b backup$([ "$SY_MODE" = relay ] && echo "; the relays see each other")"

log "two transfers through a ($SY_BYTES bytes each at $SY_RATE B/s): NAT and DR"
sy_stream cl 10.0.7.100 9000 "$SY_BYTES" "$SY_RATE" nat
sy_stream cl 10.0.7.101 9000 "$SY_BYTES" "$SY_RATE" dr
sy_wait 30 sy_past nat 200000 || sy_die "NAT transfer does not progress: $(cat /tmp/sy-nat.log)"
sy_wait 30 sy_past dr 200000 || sy_die "DR transfer does not progress: $(cat /tmp/sy-dr.log)"
sy_keys a 0A000764:2328
sy_keys a 0A000765:2328
[ "$(sy_count a 0A000764:2328)" = 1 ] && [ "$(sy_count a 0A000765:2328)" = 1 ] ||
	sy_die "a does not hold exactly one NAT and one DR transfer connection"
sy_wait 20 sy_missing a b ':2328 ' || sy_die "b lacks a's transfer connections: $(cat /tmp/sy-missing)"
sy_ns b ipvsadm -Lnc | grep ':9000'

[ "$(type -t sy_before_crash)" = function ] && sy_before_crash
nat0=$(sy_progress nat); dr0=$(sy_progress dr)
log "crash a (NAT at $nat0 bytes, DR at $dr0) at $(date +%T.%N)"
sy_crash a
sy_wait 20 sy_vrrp_is b MASTER || sy_die "b did not take over"
log "b is master ($(date +%T.%N))"
wait_exit "$SY_STREAM_nat" 90 >/dev/null; nrc=$?
wait_exit "$SY_STREAM_dr" 90 >/dev/null; drc=$?
log "NAT: $(cat /tmp/sy-nat 2>/dev/null)"
log "DR:  $(cat /tmp/sy-dr 2>/dev/null)"
[ $nrc = 0 ] || sy_die "the NAT transfer did not survive the failover (rc $nrc): $(cat /tmp/sy-nat.log)"
[ $drc = 0 ] || sy_die "the DR transfer did not survive the failover (rc $drc): $(cat /tmp/sy-dr.log)"
grep -q '"ok": true' /tmp/sy-nat && grep -q "\"bytes\": $SY_BYTES," /tmp/sy-nat || sy_die "NAT byte count"
grep -q '"ok": true' /tmp/sy-dr && grep -q "\"bytes\": $SY_BYTES," /tmp/sy-dr || sy_die "DR byte count"
# at least a quarter of each transfer went through b after the crash
[ "$nat0" -le $((SY_BYTES * 3 / 4)) ] && [ "$dr0" -le $((SY_BYTES * 3 / 4)) ] ||
	sy_die "the crash came too late in the transfers (NAT $nat0, DR $dr0 of $SY_BYTES bytes)"
# the rest of the transfers went through b: its connections carried them
sy_ns b ipvsadm -Lnc | grep ':9000'
sy_sanitizer_check
log "ok: both transfers completed through b after a crashed (NAT from $nat0, DR from $dr0 bytes)"
