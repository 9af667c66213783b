#!/usr/bin/python3
"""Detection time per checker type: the time from killing a real server to the rs.state
"down" event of tandemd, next to the bound delay_loop x fall + connect_timeout.

tandemd runs in a private namespace "d" with one virtual server per checker type (TCP_CHECK,
HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, MISC_CHECK), each against its
own server in namespace "s" (a veth between them). Each trial waits until every real server
is up, waits a random part of delay_loop (so the kill falls anywhere in the check cycle), kills
every server at once (SIGKILL; for PING the address is removed from s), and takes each real
server's down event time (the parent's CLOCK_MONOTONIC stamp) minus its own kill time. Then
the servers come back and the next trial starts. No IPVS is needed (the kernel's weight would
be set by the same event in the check child).

With --kernel (in the IPVS VM: tests/bench/checks/detect_vm.sh) the virtual servers are real
(NAT, inhibit_on_failure) and a second figure is taken: the time from the kill to the check
child's "ipvs.apply" event that follows the down event (emitted once the kernel has acked the
change), i.e. to the real server's weight being 0 in the kernel; after each trial `ipvsadm -Ln`
must show weight 0 for every real server.

Usage (root): BUILD=build tests/bench/checks/detect.py [--trials N] [--delay-loop S]
              [--connect-timeout S] [--retry N] [--kernel] [--json]
delay_before_retry defaults to 0.8 x (delay_loop - connect_timeout): the engine counts
delay_loop and delay_before_retry from the end of an attempt, so a failure that takes the whole
connect_timeout (PING: the echo reply just never comes) needs delay_loop + (fall - 1) x
(delay_before_retry + connect_timeout) + connect_timeout, which stays under the bound only when
delay_before_retry + connect_timeout <= delay_loop.
A kill's time is taken when it is done (for PING, when `ip addr del` has returned).
"""
import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "integration"))
from tandem import Netns, Tandemd, Veth, wait_until  # noqa: E402

PY = "/usr/bin/python3"
SERVER = REPO / "tests" / "integration" / "checks_server.py"
RESP = REPO / "tests" / "integration" / "checks_responders.py"
D_ADDR, S_ADDR, P_ADDR = "10.233.0.1", "10.233.0.2", "10.233.0.3"

# kind -> (vs address, protocol, real-server address, port, checker body)
TYPES = {
    "TCP": ("10.233.1.1", "TCP", S_ADDR, 9001, "TCP_CHECK {{ {t} }}"),
    "HTTP": ("10.233.1.2", "TCP", S_ADDR, 9002, "HTTP_GET {{ url {{ path / }}\n {t} }}"),
    "SSL": ("10.233.1.3", "TCP", S_ADDR, 9003, "SSL_GET {{ url {{ path / }}\n {t} }}"),
    "SMTP": ("10.233.1.4", "TCP", S_ADDR, 9004, "SMTP_CHECK {{ {t} }}"),
    "DNS": ("10.233.1.5", "UDP", S_ADDR, 9005, "DNS_CHECK {{ type A\n name www.test\n {t} }}"),
    "UDP": ("10.233.1.6", "UDP", S_ADDR, 9006,
            "UDP_CHECK {{ payload 01 02\n require_reply 10 02\n min_reply_length 2\n {t} }}"),
    "PING": ("10.233.1.7", "TCP", P_ADDR, 80, "PING_CHECK {{ {t} }}"),
    "MISC": ("10.233.1.8", "TCP", S_ADDR, 9008,
             'MISC_CHECK {{ misc_path "bash -c \'exec 3<>/dev/tcp/' + S_ADDR +
             '/9008\'"\n misc_timeout 1\n {t} }}'),
}


def rs_id(kind):
    vs, proto, addr, port, _ = TYPES[kind]
    return f"{proto.lower()} {vs}:{port}/{addr}:{port}"


def config(delay_loop, ct, retry, dbr, kernel=False):
    t = (f"connect_timeout {ct}\n retry {retry}\n delay_before_retry {dbr:g}\n"
         f" delay_loop {delay_loop}")
    vs_x = " lb_kind NAT\n" if kernel else ""
    rs_x = "  weight 5\n  inhibit_on_failure\n" if kernel else ""
    out = []
    for kind, (vs, proto, addr, port, body) in TYPES.items():
        tk = t if kind != "MISC" else t.replace(f"connect_timeout {ct}\n ", "")
        out.append(f"virtual_server {vs} {port} {{\n protocol {proto}\n delay_loop {delay_loop}\n"
                   f"{vs_x} real_server {addr} {port} {{\n{rs_x}  {body.format(t=tk)}\n }}\n}}\n")
    return "".join(out)


def kernel_weights(nd):
    """{(vs "a:p", rs "a:p"): weight} from ipvsadm -Ln in namespace nd."""
    out, vs = {}, None
    for line in nd.exec("ipvsadm", "-Ln").stdout.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0] in ("TCP", "UDP"):
            vs = f[1]
        elif len(f) >= 4 and f[0] == "->" and vs and f[1][0].isdigit():
            out[(vs, f[1])] = int(f[3])
    return out


class Servers:
    def __init__(self, s, work):
        self.s, self.work, self.procs = s, work, {}
        for kind, mode in (("SMTP", "ok"), ("DNS", "ok"), ("UDP", "reply")):
            (work / f"{kind}.mode").write_text(mode + "\n")
        for kind in ("TCP", "HTTP", "MISC"):
            (work / f"{kind}.mode").write_text("200\n")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "k.pem", "-out",
                        "c.pem", "-days", "2", "-subj", "/CN=rs.test"], cwd=work, check=True,
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)

    def cmd(self, kind):
        port = TYPES[kind][3]
        mode = self.work / f"{kind}.mode"
        if kind in ("TCP", "HTTP", "MISC"):
            return [PY, SERVER, S_ADDR, port, mode]
        if kind == "SSL":
            return ["openssl", "s_server", "-accept", port, "-cert", self.work / "c.pem",
                    "-key", self.work / "k.pem", "-www", "-quiet"]
        return [PY, RESP, kind.lower(), S_ADDR, port, mode]

    def start(self, kind):
        if kind == "PING":
            self.s.ip("addr", "add", f"{P_ADDR}/24", "dev", "eth0")
            return
        self.procs[kind] = self.s.popen(self.cmd(kind), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def kill(self, kind):
        if kind == "PING":
            self.s.ip("addr", "del", f"{P_ADDR}/24", "dev", "eth0")
            return
        p = self.procs.pop(kind)
        p.send_signal(signal.SIGKILL)

    def reap(self):
        for kind in list(self.procs):
            p = self.procs.pop(kind)
            p.kill()
            p.wait(timeout=10)


def rs_states(d):
    r = d.ctl("checks")
    return {x["rs"]: x["up"] for x in r.get("rs", [])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--delay-loop", type=float, default=1.0)
    ap.add_argument("--connect-timeout", type=float, default=0.5)
    ap.add_argument("--retry", type=int, default=1)
    ap.add_argument("--delay-before-retry", type=float, default=None)
    ap.add_argument("--kernel", action="store_true",
                    help="also the time to weight 0 in the kernel (needs IPVS: the test VM)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.connect_timeout >= a.delay_loop:
        ap.error("connect_timeout must be below delay_loop")
    fall = a.retry + 1
    dbr = a.delay_before_retry
    if dbr is None:
        dbr = round(0.8 * (a.delay_loop - a.connect_timeout), 3)
    bound = a.delay_loop * fall + a.connect_timeout
    tag = f"det{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="tdm-det-"))
    nss, d, srv = [], None, None
    res = {k: [] for k in TYPES}
    kres = {k: [] for k in TYPES}
    try:
        nd, ns = Netns(f"{tag}d"), Netns(f"{tag}s")
        nss = [nd, ns]
        Veth(nd, ns, addr_a=f"{D_ADDR}/24", addr_b=f"{S_ADDR}/24")
        srv = Servers(ns, work)
        for k in TYPES:
            srv.start(k)
        # every server listening before tandemd starts (its real servers start up: a server
        # still starting would fail the first checks and go down before any kill)
        ports = {str(v[3]) for k, v in TYPES.items() if k != "PING"}
        wait_until(lambda: ports <= {l.split()[4].rsplit(":", 1)[1] for l in
                                     ns.exec("ss", "-ltunH").stdout.splitlines()
                                     if len(l.split()) > 4},
                   timeout=60, what="every server listening")
        d = Tandemd(work, config(a.delay_loop, a.connect_timeout, a.retry, dbr, a.kernel), ns=nd)
        d.start()
        ids = {k: rs_id(k) for k in TYPES}
        for trial in range(a.trials):
            wait_until(lambda: all(rs_states(d).get(i) for i in ids.values()), timeout=30,
                       what="every real server up")
            time.sleep(random.uniform(0, a.delay_loop))
            # the kernel's figure from a stream of its own: the one event bus subscriber of
            # everything would be flooded by check.result events and could fall behind
            kstream = d.events(type="ipvs.apply") if a.kernel else None
            with d.events(type="rs.state") as stream:
                t0 = {}
                for k in random.sample(list(TYPES), len(TYPES)):
                    srv.kill(k)
                    t0[k] = time.monotonic_ns()
                left = {ids[k]: k for k in TYPES}
                down = {}
                end = time.monotonic() + bound * 3 + 5
                while left and time.monotonic() < end:
                    try:
                        e = stream.next(timeout=max(0.1, end - time.monotonic()))
                    except TimeoutError:
                        break
                    if e and e.get("type") == "rs.state" and not e.get("up") and e.get("rs") in left:
                        k = left.pop(e["rs"])
                        res[k].append((e["mono_ns"] - t0[k]) / 1e9)
                        down[k] = e["mono_ns"]
                if left:
                    st = {c["id"].rsplit("/", 1)[0]: c for c in d.ctl("checks").get("checks", [])}
                    for rs, k in left.items():
                        c = st.get(rs, {})
                        print(f"{k}: no down event; its check: {c.get('state')}, "
                              f"last {c.get('last')!r}", file=sys.stderr)
                        for line in d.log_text().splitlines()[-400:]:
                            if rs in line and "real server" in line:
                                print(f"  {line}", file=sys.stderr)
                for k in left.values():
                    res[k].append(None)
            if kstream:
                # each down is in the first successful apply with changes at or after it
                applies = []
                with kstream:
                    kend = time.monotonic() + 5
                    while time.monotonic() < kend and (not down or not applies or
                                                       applies[-1] < max(down.values())):
                        try:
                            e = kstream.next(timeout=max(0.1, kend - time.monotonic()))
                        except TimeoutError:
                            break
                        if e and e.get("ok") and e.get("ops"):
                            applies.append(e["mono_ns"])
                for k in TYPES:
                    t = next((x for x in applies if k in down and x >= down[k]), None)
                    kres[k].append((t - t0[k]) / 1e9 if t is not None else None)
            if a.kernel:
                w = kernel_weights(nd)
                for k, (vs, _, addr, port, _) in TYPES.items():
                    weight = w.get((f"{vs}:{port}", f"{addr}:{port}"))
                    if weight != 0:
                        print(f"{k}: weight in the kernel after the trial: {weight}",
                              file=sys.stderr)
                        if kres[k] and kres[k][-1] is not None:
                            kres[k][-1] = None
            srv.reap()
            for k in TYPES:
                srv.start(k)
    finally:
        if d:
            d.stop()
        if srv:
            srv.reap()
        for n in nss:
            n.delete()
        subprocess.run(["rm", "-rf", str(work)])
    rows = []
    for k, v in res.items():
        got = [x for x in v if x is not None]
        rows.append({"type": k, "trials": len(v), "missed": len(v) - len(got),
                     "min_s": min(got) if got else None,
                     "median_s": statistics.median(got) if got else None,
                     "max_s": max(got) if got else None, "bound_s": bound,
                     "within": bool(got) and len(got) == len(v) and max(got) <= bound})
        if a.kernel:
            kg = [x for x in kres[k] if x is not None]
            rows[-1].update({"kernel_missed": len(kres[k]) - len(kg),
                             "kernel_median_s": statistics.median(kg) if kg else None,
                             "kernel_max_s": max(kg) if kg else None})
            rows[-1]["within"] = (rows[-1]["within"] and bool(kg) and len(kg) == len(kres[k])
                                  and max(kg) <= bound)
    if a.json:
        print(json.dumps({"delay_loop": a.delay_loop, "connect_timeout": a.connect_timeout,
                          "delay_before_retry": dbr,
                          "fall": fall, "bound_s": bound, "rows": rows}))
    else:
        print(f"delay_loop {a.delay_loop:g} s, fall {fall} (retry {a.retry}), "
              f"delay_before_retry {dbr:g} s, "
              f"connect_timeout {a.connect_timeout:g} s, {a.trials} trials per type")
        kh = f" {'KERNEL MEDIAN':>13} {'KERNEL MAX':>10}" if a.kernel else ""
        print(f"{'TYPE':6} {'MIN(s)':>7} {'MEDIAN(s)':>9} {'MAX(s)':>7}{kh} {'BOUND(s)':>8}  RESULT")
        for r in rows:
            f = lambda x: f"{x:.3f}" if x is not None else "-"    # noqa: E731
            kc = (f" {f(r['kernel_median_s']):>13} {f(r['kernel_max_s']):>10}" if a.kernel
                  else "")
            print(f"{r['type']:6} {f(r['min_s']):>7} {f(r['median_s']):>9} {f(r['max_s']):>7}{kc} "
                  f"{r['bound_s']:8.2f}  {'within' if r['within'] else 'OVER/MISSED'}")
    return 0 if all(r["within"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
