#!/bin/bash
# Relay frames that must be refused (issue 7 test e): from one frame director a's relay
# really sent (captured on b's sync link), sync_tool.py attack sends b's relay replays of it,
# copies with a fresh seq and the old tag, DATA frames sealed with another key, DATA frames of
# an older epoch (right key), truncated frames, frames with a wrong magic, and right-key
# frames from an address that is not a peer. Each kind must be rejected and counted under its
# reason in `tandemctl sync --json` (relay.rejected), the fake connections they carry must not
# reach b's kernel, and b keeps running; a correctly sealed frame with a fresh seq, sent the
# same way, is accepted (its connection appears), so the refusals are the checks' doing.
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v ipvsadm >/dev/null || skip "no ipvsadm"
. tests/vm/guest/sync_lib.sh
trap sy_cleanup EXIT
sy_pair relay
ip -n sy-a addr add 10.0.9.3/24 dev eth2

log "capture a frame from a's relay on b's sync link"
sy_ns b $SY_TOOL tap eth2 8849 /tmp/sy-frames 4 || sy_die "tap"
frame=$(awk '$2 == "10.0.9.1" { print $3; exit }' /tmp/sy-frames)
[ -n "$frame" ] || sy_die "no frame from a captured: $(head -3 /tmp/sy-frames)"
log "captured: ${frame:0:64}... ($(( ${#frame} / 2 )) bytes)"
sy_relay_get b 'json.dumps(r["rejected"])' > /tmp/sy-rej0 || sy_die "relay counters"

log "send the bad frames from a's namespace"
SRC=10.0.9.1 OTHER_SRC=10.0.9.3 sy_ns a $SY_TOOL attack "$SY_KEY" "$frame" 10.0.9.2 8849 /tmp/sy-attack ||
	sy_die "attack"
# counted: every kind as often as sent (replay at least: a genuine resend could add one)
counted() {
	sy_relay_get b 'json.dumps(r["rejected"])' > /tmp/sy-rej1 || return 1
	/usr/bin/python3 - <<'PY'
import json, sys
a, b = json.load(open("/tmp/sy-rej0")), json.load(open("/tmp/sy-rej1"))
sent = json.load(open("/tmp/sy-attack"))
d = {k: b.get(k, 0) - a.get(k, 0) for k in b}
print("rejected since the attack:", json.dumps({k: v for k, v in d.items() if v}))
ok = d.get("replay", 0) >= sent["replay"]
for k in ("bad_mac", "old_epoch", "length", "magic", "unknown_peer"):
    ok = ok and d.get(k, 0) == sent[k]
sys.exit(0 if ok else 1)
PY
}
sy_wait 15 counted || { counted; sy_die "the bad frames were not all counted (sent: $(cat /tmp/sy-attack))"; }
counted
log "the fake connections did not reach b's kernel; the correctly sealed one did"
sy_wait 10 sh -c "ip netns exec sy-b cat /proc/net/ip_vs_conn | grep -q '^TCP C0000209 03F1 '" ||
	sy_die "the correctly sealed frame's connection is not in b's table (positive control)"
for c in C0000201 C0000202 C0000203; do
	sy_ns b cat /proc/net/ip_vs_conn | grep -q "^TCP $c " && sy_die "a rejected frame's connection ($c) is in b's table"
done
C b ping > /dev/null || sy_die "b's tandemd does not answer"
sy_relay_get b '"rejected total %d" % r["rejected"]["total"]'
sy_sanitizer_check
log "ok"
