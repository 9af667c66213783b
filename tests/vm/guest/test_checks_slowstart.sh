#!/bin/bash
# Health checks moving weights in the VM kernel (`ipvsadm -Ln`), with slow start:
#   tcs-dir (tandemd) 10.0.12.1 -- 10.0.12.2 rs1 (busybox httpd, HTTP_GET, weight 50,
#                                              slowstart 6, inhibit_on_failure)
#                     10.0.13.1 -- 10.0.13.2 rs2 (busybox httpd, TCP_CHECK, weight 20,
#                                              slowstart 4, removed when down)
# At start both are at their full weight (no ramp at start-up) and the sorry server 10.0.14.2
# (sorry_server_inhibit) is in the service with weight 0. Each httpd is stopped: rs1 goes to
# weight 0, rs2 leaves the table, the quorum is lost and the sorry server gets weight 1. Both
# are started again: the sorry server is back at weight 0, and each real server comes back at a
# low weight that rises step by step (several intermediate values, never down) to the
# configured weight, over about its slowstart seconds; the last state says "slowstart done".
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
command -v busybox >/dev/null || skip "no busybox"
command -v ipvsadm >/dev/null || skip "no ipvsadm"
sock=/run/tcs.sock
conf=/tmp/tcs.conf
samples=/tmp/tcs.samples
H1=; H2=; pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait_exit "$pid" 20
	[ -n "$H1" ] && kill "$H1" 2>/dev/null
	[ -n "$H2" ] && kill "$H2" 2>/dev/null
	ip netns del tcs-dir 2>/dev/null; ip netns del tcs-rs1 2>/dev/null; ip netns del tcs-rs2 2>/dev/null
	return 0
}
trap cleanup EXIT
C() { "$TANDEMCTL" --control "$sock" "$@"; }
W() { ip netns exec tcs-dir ipvsadm -Ln; }
# weight of real server $1 in the table, "none" when absent
weight() { W | awk -v a="$1:80" '$1 == "->" && $2 == a { w = $4 } END { print w == "" ? "none" : w }'; }
httpd_start() { # ns name -> pid
	mkdir -p "/tmp/www-$2" && echo "$2" > "/tmp/www-$2/index.html"
	ip netns exec "$1" busybox httpd -f -p 80 -h "/tmp/www-$2" >/dev/null 2>&1 &
	echo $!
}
listening() { ip netns exec "$1" busybox netstat -ltn | grep -q ':80 '; }

newns tcs-dir tcs-rs1 tcs-rs2
veth tcs-dir d1 10.0.12.1/24 tcs-rs1 r0 10.0.12.2/24
veth tcs-dir d2 10.0.13.1/24 tcs-rs2 r0 10.0.13.2/24
ip -n tcs-dir addr add 10.0.11.100/32 dev lo
H1=$(httpd_start tcs-rs1 rs1)
H2=$(httpd_start tcs-rs2 rs2)
wait_for 10 listening tcs-rs1 && wait_for 10 listening tcs-rs2 || fail "httpd not listening"

cat > "$conf" <<'EOF'
virtual_server 10.0.11.100 80 {
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    delay_loop 0.5
    sorry_server 10.0.14.2 80
    sorry_server_inhibit
    real_server 10.0.12.2 80 {
        weight 50
        slowstart 6
        inhibit_on_failure
        HTTP_GET {
            url {
                path /index.html
                status_code 200
            }
            connect_timeout 1
            retry 0
        }
    }
    real_server 10.0.13.2 80 {
        weight 20
        slowstart 4
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
EOF
ip netns exec tcs-dir "$TANDEMD" -n -l -f "$conf" -p /run/tcs.pid --control "$sock" > /tmp/tcs.log 2>&1 &
pid=$!
# start-up: full weights at once (no ramp at start)
wait_for 30 sh -c "[ \"\$(ip netns exec tcs-dir ipvsadm -Ln | awk '\$2 == \"10.0.12.2:80\" {print \$4}')\" = 50 ]" ||
	{ W; cat /tmp/tcs.log; fail "rs1 not at weight 50 after start"; }
wait_for 10 sh -c "[ \"\$(ip netns exec tcs-dir ipvsadm -Ln | awk '\$2 == \"10.0.13.2:80\" {print \$4}')\" = 20 ]" ||
	{ W; fail "rs2 not at weight 20 after start"; }
W
log "start: rs1 $(weight 10.0.12.2), rs2 $(weight 10.0.13.2), sorry $(weight 10.0.14.2)"
[ "$(weight 10.0.14.2)" = 0 ] || fail "sorry server (inhibit) not at weight 0 while the quorum is up"

# both servers stop: rs1 inhibited (weight 0), rs2 removed
kill "$H1" "$H2"; wait "$H1" "$H2" 2>/dev/null; H1=; H2=
t0=$(up)
wait_for 15 sh -c "[ \"\$(ip netns exec tcs-dir ipvsadm -Ln | awk '\$2 == \"10.0.12.2:80\" {print \$4}')\" = 0 ]" ||
	{ W; C checks; fail "rs1 not at weight 0 after its httpd stopped"; }
wait_for 15 sh -c "! ip netns exec tcs-dir ipvsadm -Ln | grep -q '10.0.13.2:80'" ||
	{ W; C checks; fail "rs2 not removed after its httpd stopped"; }
wait_for 10 sh -c "[ \"\$(ip netns exec tcs-dir ipvsadm -Ln | awk '\$2 == \"10.0.14.2:80\" {print \$4}')\" = 1 ]" ||
	{ W; C checks; fail "sorry server not at weight 1 with the quorum lost"; }
log "down after $(awk -v a="$t0" -v b="$(up)" 'BEGIN { print b - a }') s: rs1 $(weight 10.0.12.2), rs2 $(weight 10.0.13.2), sorry $(weight 10.0.14.2)"
C checks | sed 's/^/  /'

# both start again: sample the kernel table through the ramps, every 50 ms, from one process
# reading /proc/net/ip_vs in the director's namespace (a shell loop of ipvsadm calls samples
# too slowly under TCG on a loaded host to see a 4 s ramp's steps)
H1=$(httpd_start tcs-rs1 rs1)
H2=$(httpd_start tcs-rs2 rs2)
ip netns exec tcs-dir /usr/bin/python3 - "$samples" <<'PY'
import sys, time
# rs1 10.0.12.2:80 and rs2 10.0.13.2:80 as /proc/net/ip_vs shows them
keys = ("0A000C02:0050", "0A000D02:0050")
end = time.monotonic() + 25
with open(sys.argv[1], "w") as out:
    while time.monotonic() < end:
        w = {}
        with open("/proc/net/ip_vs") as f:
            for line in f:
                p = line.split()
                if len(p) >= 4 and p[0] == "->" and p[1] in keys:
                    w[p[1]] = p[3]
        row = [w.get(k, "none") for k in keys]
        out.write("%.3f %s %s\n" % (time.monotonic(), row[0], row[1]))
        if row == ["50", "20"]:
            break
        time.sleep(0.05)
PY
C checks | sed 's/^/  /'
[ "$(weight 10.0.14.2)" = 0 ] || { W; fail "sorry server not back at weight 0 with the quorum regained"; }
C --json checks | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
bad = [x for x in r["rs"] if x["reason"] != "slowstart done"]
sys.exit("last reason not slowstart done: %s" % bad if bad else 0)' || fail "reason after the ramp"
/usr/bin/python3 - "$samples" <<'PY' || { W; cat /tmp/tcs.log | tail -30; fail "slow start not seen in the kernel table"; }
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ok = True
for col, name, full, ramp in ((1, "rs1", 50, 6.0), (2, "rs2", 20, 4.0)):
    seq = [(float(r[0]), int(r[col])) for r in rows if r[col] not in ("none", "0")]
    if not seq or seq[-1][1] != full:
        print(f"{name}: never back at weight {full}: {[r[col] for r in rows]}"); ok = False; continue
    ws = [w for _, w in seq]
    mids = sorted({w for w in ws if 0 < w < full})
    t_first, t_full = seq[0][0], next(t for t, w in seq if w == full)
    print(f"{name}: back at weight {ws[0]}, {len(mids)} intermediate weights {mids}, "
          f"full weight {full} after {t_full - t_first:.1f} s (slowstart {ramp:g} s)")
    if ws[0] >= full / 2:
        print(f"{name}: came back at weight {ws[0]}, not at the bottom of a ramp"); ok = False
    if len(mids) < 3:
        print(f"{name}: fewer than 3 intermediate weights"); ok = False
    if any(b < a for a, b in zip(ws, ws[1:])):
        print(f"{name}: weight went down during the ramp: {ws}"); ok = False
    if not (0.5 * ramp <= t_full - t_first <= ramp + 4):
        print(f"{name}: ramp took {t_full - t_first:.1f} s for slowstart {ramp:g} s"); ok = False
sys.exit(0 if ok else 1)
PY
kill "$pid"
wait_exit "$pid" 20 || fail "tandemd did not stop"
pid=
[ -z "$(W | grep -E '^(TCP|UDP)')" ] || fail "stop left services"
echo "PASS: weights follow the servers, slow start ramps in the kernel table"
