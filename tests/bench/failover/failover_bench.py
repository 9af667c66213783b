#!/usr/bin/python3
"""tests/bench/failover/failover_bench.py - VRRP failover times of a tandem pair and a
keepalived pair, side by side in one run (see README.md).

Each pair lives in its own namespaces: master M (priority 200), backup B (priority 100), a
client C, all on a bridge in a namespace of their own. Per repetition and pair:
  failure   kill -9 of M's process group, then M's bridge port down (so M's kernel, which
            keeps the VIP after a kill, stops answering), or SIGTERM (graceful: priority 0);
  measured  with CLOCK_MONOTONIC in this one process:
            - M's last advert on the wire (AF_PACKET on M's bridge port, kernel timestamps),
            - the VIP added on B (rtnetlink socket inside B's namespace),
            - the first echo reply from the VIP to C (ICMP every --ping-ms, raw socket in C).
Then M is started again, preempts, and the next repetition begins. The pairs alternate
repetition by repetition. Results: a markdown table on stdout, raw rows with --json FILE.

--hog SECONDS: instead, both pairs run at 10 ms adverts while stress-ng (or python busy
loops) saturates every core; VIP moves on the backups count spurious transitions.
"""

import argparse
import ctypes
import json
import os
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "integration"))
sys.path.insert(0, str(HERE.parents[1] / "interop"))

from tandem import Bridge, Netns, Tandemd, TANDEMD  # noqa: E402
from conftest import Keepalived  # noqa: E402

CLONE_NEWNET = 0x40000000
SO_TIMESTAMPNS = 35
RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR, RTM_DELADDR = 20, 21
IFA_ADDRESS, IFA_LOCAL = 1, 2
libc = ctypes.CDLL(None, use_errno=True)


def in_ns(ns_name, fn):
    """Run fn() with this thread in namespace ns_name (sockets made there stay there)."""
    orig = os.open("/proc/self/ns/net", os.O_RDONLY)
    fd = os.open(f"/run/netns/{ns_name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")
        return fn()
    finally:
        libc.setns(orig, CLONE_NEWNET)
        os.close(fd)
        os.close(orig)


MONO_OFF = time.time_ns() - time.monotonic_ns()


def kts(anc):
    """kernel SO_TIMESTAMPNS (realtime) -> CLOCK_MONOTONIC ns"""
    for lvl, typ, data in anc:
        if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
            s, ns = struct.unpack("qq", data[:16])
            return s * 1_000_000_000 + ns - MONO_OFF
    return time.monotonic_ns()


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def vrrp_conf(kind, prio, version, adv, vip, router_id):
    tail = ""
    return f"""global_defs {{
    router_id {router_id}
}}
vrrp_instance VI {{
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority {prio}
    advert_int {adv}
    version {version}
{tail}    virtual_ipaddress {{
        {vip}/24
    }}
}}
"""


def stop_daemon(d):
    """SIGTERM (SIGKILL after 5 s) and release; a daemon already gone is fine"""
    if d is None:
        return
    try:
        d.stop(timeout=5)
    except Exception:
        pass
    try:
        d.close()
    except Exception:
        pass


class Pair:
    """One implementation's pair + client on its own bridge."""

    def __init__(self, kind, idx, tag, workdir):
        self.kind, self.tag = kind, tag
        self.net = f"10.77.{idx}"
        self.vip = f"{self.net}.100"
        self.dir = Path(workdir) / kind
        self.dir.mkdir(parents=True, exist_ok=True)
        self.m = Netns(f"fb-{tag}-{kind[0]}m")
        self.b = Netns(f"fb-{tag}-{kind[0]}b")
        self.c = Netns(f"fb-{tag}-{kind[0]}c")
        self.brns = Netns(f"fb-{tag}-{kind[0]}br")
        self.br = Bridge(self.brns)
        for ns, host in ((self.m, 1), (self.b, 2), (self.c, 10)):
            self.br.attach(ns, "eth0", f"{self.net}.{host}/24")
        self.mport = self.br.ports[0][2]
        self.dm = self.db = None
        self.gen = 0
        self.seq = 0                # tandem: last vrrp.state event of the backup used

    def daemon(self, ns, prio, version, adv, name):
        conf = vrrp_conf(self.kind, prio, version, adv, self.vip, name)
        if self.kind == "tandem":
            return Tandemd(self.dir, conf, ns=ns, name=name).start()
        k = Keepalived(self.dir, ns, conf, name=name)
        return k.start()

    def start(self, version, adv):
        self.version, self.adv = version, adv
        self.db = self.daemon(self.b, 100, version, adv, "b")
        self.seq = 0
        self.start_master()

    def start_master(self):
        self.gen += 1
        self.dm = self.daemon(self.m, 200, self.version, self.adv, f"m{self.gen}")

    def has_vip(self, ns):
        out = ns.ip("-4", "-o", "addr", "show", "dev", "eth0").stdout
        return f" {self.vip}/" in out

    def wait_settled(self, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.has_vip(self.m) and not self.has_vip(self.b):
                return True
            time.sleep(0.02)
        raise TimeoutError(f"{self.kind}: VIP not on the master alone after {timeout}s")

    def kill_master(self):
        self.dm.kill()

    def term_master(self):
        os.kill(self.dm.proc.pid, signal.SIGTERM)

    def reap_master(self):
        stop_daemon(self.dm)

    def close(self):
        for d in (self.dm, self.db):
            stop_daemon(d)
        for ns in (self.m, self.b, self.c, self.brns):
            ns.delete()


class Watch:
    """The three observation points of one repetition."""

    def __init__(self, pair, ping_ms):
        self.p, self.ping_ns = pair, int(ping_ms * 1e6)
        src = socket.inet_aton(f"{pair.net}.1")
        self.msrc = src
        self.cap = in_ns(pair.brns.name, lambda: socket.socket(
            socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003)))   # ETH_P_ALL: a bridge port
        self.cap.bind((pair.mport, 0))
        self.cap.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.nl = in_ns(pair.b.name, lambda: socket.socket(
            socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE))
        self.nl.bind((0, RTMGRP_IPV4_IFADDR))
        self.icmp = in_ns(pair.c.name, lambda: socket.socket(
            socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
        self.icmp.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.ident = os.getpid() & 0xffff
        self.seq = 0
        self.vipb = socket.inet_aton(pair.vip)
        self.last_advert = None
        self.last_prio = None
        self.vip_at = None
        self.replies = []           # receive times of echo replies

    def close(self):
        for s in (self.cap, self.nl, self.icmp):
            s.close()

    def ping(self):
        self.seq = (self.seq + 1) & 0xffff
        h = struct.pack("!BBHHH", 8, 0, 0, self.ident, self.seq) + b"tandem-bench"
        h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
        try:
            self.icmp.sendto(h, (self.p.vip, 0))
        except OSError:
            pass

    def pump(self, until_ns, stop):
        """Read all three sockets, pinging every ping_ns, until until_ns or stop(self)."""
        nxt = time.monotonic_ns()
        while True:
            now = time.monotonic_ns()
            if now >= nxt:
                self.ping()
                nxt = now + self.ping_ns
            if now >= until_ns or stop(self):
                return
            r, _, _ = select.select([self.cap, self.nl, self.icmp], [], [],
                                    max(0, min(nxt, until_ns) - now) / 1e9)
            for s in r:
                if s is self.cap:
                    self.on_cap()
                elif s is self.nl:
                    self.on_nl()
                else:
                    self.on_icmp()

    def on_cap(self):
        for _ in range(64):
            try:
                data, anc, _, _ = self.cap.recvmsg(2048, 256, socket.MSG_DONTWAIT)
            except OSError:         # EAGAIN, or ENETDOWN once the port is cut
                return
            if len(data) < 42 or data[12:14] != b"\x08\x00":
                continue
            ip = data[14:]
            if ip[9] != 112 or ip[12:16] != self.msrc:
                continue
            ihl = (ip[0] & 15) * 4
            self.last_advert = kts(anc)
            self.last_prio = ip[ihl + 2]

    def on_nl(self):
        t = time.monotonic_ns()
        try:
            buf = self.nl.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        off = 0
        while off + 16 <= len(buf):
            ln, typ = struct.unpack_from("=IH", buf, off)
            if ln < 16:
                break
            if typ == RTM_NEWADDR:
                a = off + 16 + 8
                while a + 4 <= off + ln:
                    alen, atyp = struct.unpack_from("=HH", buf, a)
                    if alen < 4:
                        break
                    if atyp in (IFA_ADDRESS, IFA_LOCAL) and buf[a + 4:a + 8] == self.vipb:
                        if self.vip_at is None:
                            self.vip_at = t
                    a += (alen + 3) & ~3
            off += (ln + 3) & ~3

    def on_icmp(self):
        for _ in range(64):
            try:
                data, anc, _, _ = self.icmp.recvmsg(2048, 256, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            ihl = (data[0] & 15) * 4
            if len(data) >= ihl + 8 and data[ihl] == 0 and data[12:16] == self.vipb:
                self.replies.append(kts(anc))


def last_seq(d, since):
    """the newest event number of a tandemd (events replayed after `since`)"""
    seq = since
    try:
        with d.events(since=since) as evs:
            for _ in range(10000):
                e = evs.next(timeout=0.05)
                if e is None:
                    break
                seq = max(seq, e.get("seq", seq))
    except Exception:
        pass
    return seq


def bound_ns(version, adv_s, prio_b=100):
    interval = adv_s * 1e9
    skew = (256 - prio_b) / 256 * interval
    return 3 * interval + skew, skew


def one_rep(pair, mode, ping_ms, timeout_s):
    w = Watch(pair, ping_ms)
    try:
        warm = max(0.2, 1.5 * pair.adv)
        w.pump(time.monotonic_ns() + int(warm * 1e9), lambda _: False)  # adverts, pings
        if w.last_advert is None:
            raise RuntimeError(f"{pair.kind}: no advert seen from the master")
        if pair.kind == "tandem":
            pair.seq = last_seq(pair.db, pair.seq)
        t_fail = time.monotonic_ns()
        if mode == "kill":
            pair.kill_master()
            pair.brns.ip("link", "set", pair.mport, "down")
            t_cut = time.monotonic_ns()
        else:
            pair.term_master()
            t_cut = t_fail
        adv_before = w.last_advert
        w.replies.clear()

        def done(x):
            return x.vip_at is not None and any(r > max(t_cut, x.vip_at) for r in x.replies)
        w.pump(t_fail + int(timeout_s * 1e9), done)
        after = [r for r in w.replies if r > max(t_cut, w.vip_at or t_cut)]
        fsm_at = None
        if pair.kind == "tandem" and w.vip_at:
            try:
                ev = pair.db.wait_event(lambda e: e.get("type") == "vrrp.state" and
                                        e.get("to") == "MASTER", timeout=2, since=pair.seq)
                pair.seq = ev["seq"]
                fsm_at = ev.get("at_ns")
            except Exception:
                pass
        row = {"impl": pair.kind, "mode": mode, "t_fail": t_fail, "fsm_at": fsm_at,
               "last_advert": w.last_advert, "last_prio": w.last_prio,
               "advert_before_fail": adv_before, "vip_at": w.vip_at,
               "client_at": after[0] if after else None}
        return row
    finally:
        w.close()
        if mode == "kill":
            pair.brns.ip("link", "set", pair.mport, "up")
        pair.reap_master()


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1)))))
    return xs[k]


def ms(ns):
    return ns / 1e6


def run_case(pairs, version, adv, mode, reps, ping_ms, rows):
    b, skew = bound_ns(version, adv)
    for p in pairs:
        p.start(version, adv)
    for p in pairs:
        p.wait_settled(10 + 10 * adv)
    settle = max(0.3, 3 * adv)
    time.sleep(settle)
    for i in range(reps):
        for p in pairs:
            r = one_rep(p, mode, ping_ms, timeout_s=5 + 6 * adv)
            r.update(version=version, adv_ms=adv * 1000, rep=i, bound_ms=ms(b), skew_ms=ms(skew))
            rows.append(r)
            p.start_master()
        for p in pairs:
            p.wait_settled(10 + 10 * adv)
        time.sleep(settle)
    for p in pairs:
        stop_daemon(p.dm)
        stop_daemon(p.db)
        p.db = p.dm = None


def summarize(rows):
    out = ["| impl | case | n | VIP from failure med / p95 (ms) | VIP - last advert med / p95 (ms) "
           "| bound (ms) | late vs bound med / p95 (ms) | within bound+0.5 ms (kill) or skew+1 ms (term) "
           "| client answered from failure med / p95 (ms) |",
           "|---|---|---|---|---|---|---|---|---|"]
    keys = []
    for r in rows:
        k = (r["version"], r["adv_ms"], r["mode"], r["impl"])
        if k not in keys:
            keys.append(k)
    for k in keys:
        rs = [r for r in rows if (r["version"], r["adv_ms"], r["mode"], r["impl"]) == k]
        ok = [r for r in rs if r["vip_at"]]
        vf = [ms(r["vip_at"] - r["t_fail"]) for r in ok]
        va = [ms(r["vip_at"] - r["last_advert"]) for r in ok if r["last_advert"]]
        cl = [ms(r["client_at"] - r["t_fail"]) for r in rs if r["client_at"]]
        ref = rs[0]["bound_ms"] if k[2] == "kill" else rs[0]["skew_ms"]
        late = [v - ref for v in va]
        lim = 0.5 if k[2] == "kill" else 1.0
        within = sum(1 for x in late if x <= lim)
        case = f"v{k[0]} {k[1]:g} ms {k[2]}"
        out.append(f"| {k[3]} | {case} | {len(ok)}/{len(rs)} | {statistics.median(vf):.2f} / "
                   f"{pct(vf, 95):.2f} | {statistics.median(va):.2f} / {pct(va, 95):.2f} | "
                   f"{ref:.2f} | {statistics.median(late):+.2f} / {pct(late, 95):+.2f} | "
                   f"{within}/{len(late)} | "
                   + (f"{statistics.median(cl):.2f} / {pct(cl, 95):.2f} |" if cl else "- |"))
    return "\n".join(out)


# ---- CPU hog: spurious transitions ----

def hog_run(pairs, seconds, hog):
    for p in pairs:
        p.start(3, 0.01)
    for p in pairs:
        p.wait_settled(10)
    time.sleep(0.5)
    socks = {}
    for p in pairs:
        for role, ns in (("m", p.m), ("b", p.b)):
            s = in_ns(ns.name, lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                                     socket.NETLINK_ROUTE))
            s.bind((0, RTMGRP_IPV4_IFADDR))
            socks[s] = (p, role)
    counts = {(p.kind, r, t): 0 for p in pairs for r in "mb" for t in (RTM_NEWADDR, RTM_DELADDR)}
    if hog == "stress-ng" and shutil.which("stress-ng"):
        hogp = subprocess.Popen(["stress-ng", "--cpu", str(os.cpu_count()), "--timeout",
                                 f"{int(seconds) + 5}s", "--quiet"], start_new_session=True)
        hogname = f"stress-ng --cpu {os.cpu_count()}"
    else:
        hogp = subprocess.Popen([sys.executable, "-c",
                                 "import multiprocessing as m,time\n"
                                 "def f():\n    while True: pass\n"
                                 f"ps=[m.Process(target=f) for _ in range({os.cpu_count()})]\n"
                                 "[p.start() for p in ps]\n"
                                 f"time.sleep({seconds + 5})\n[p.kill() for p in ps]\n"],
                                start_new_session=True)
        hogname = f"python busy loops x{os.cpu_count()}"
    t_end = time.monotonic() + seconds
    try:
        while time.monotonic() < t_end:
            r, _, _ = select.select(list(socks), [], [], 0.5)
            for s in r:
                buf = s.recv(65536)
                p, role = socks[s]
                off = 0
                while off + 16 <= len(buf):
                    ln, typ = struct.unpack_from("=IH", buf, off)
                    if ln < 16:
                        break
                    if typ in (RTM_NEWADDR, RTM_DELADDR) and socket.inet_aton(p.vip) in buf[off:off + ln]:
                        counts[(p.kind, role, typ)] += 1
                    off += (ln + 3) & ~3
    finally:
        os.killpg(hogp.pid, signal.SIGKILL)
        hogp.wait()
        for s in socks:
            s.close()
    res = {}
    for p in pairs:
        stalls = None
        if p.kind == "tandem":
            try:
                stalls = (p.dm.ctl("vrrp").get("stalls"), p.db.ctl("vrrp").get("stalls"))
            except Exception:
                pass
        res[p.kind] = {"vip_added_on_backup": counts[(p.kind, "b", RTM_NEWADDR)],
                       "vip_removed_from_master": counts[(p.kind, "m", RTM_DELADDR)],
                       "stalls_master_backup": stalls,
                       "vip_on_master_at_end": p.has_vip(p.m),
                       "vip_on_backup_at_end": p.has_vip(p.b)}
    for p in pairs:
        stop_daemon(p.dm)
        stop_daemon(p.db)
        p.db = p.dm = None
    return hogname, res


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--cases", default="v3:0.01,v3:0.1,v2:1",
                    help="comma list of vVERSION:ADVERT_SECONDS")
    ap.add_argument("--modes", default="kill,term")
    ap.add_argument("--impls", default="tandem,keepalived")
    ap.add_argument("--ping-ms", type=float, default=2.0)
    ap.add_argument("--hog", type=float, default=0,
                    help="seconds of the CPU-hog run (10 ms adverts); 0 = skip")
    ap.add_argument("--hog-only", action="store_true")
    ap.add_argument("--hog-tool", default="stress-ng", choices=("stress-ng", "python"))
    ap.add_argument("--json", help="write the raw rows here")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (configs, logs)")
    ap.add_argument("--observer-rt", type=int, default=5,
                    help="SCHED_RR priority of this observer (0 = none); below tandem's vrrp "
                         "child (10) so it never delays it, above ordinary processes so the "
                         "timestamps are not delayed by them")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (namespaces)")
    if a.observer_rt:
        # SCHED_RESET_ON_FORK: the daemons and the CPU hog it starts run SCHED_OTHER
        os.sched_setscheduler(0, os.SCHED_RR | 0x40000000, os.sched_param(a.observer_rt))
    if not Path(TANDEMD).exists():
        sys.exit(f"{TANDEMD} missing: build first (make BUILD=...)")
    tag = os.urandom(2).hex()
    work = Path(f"/tmp/tdm-fb-{tag}")
    work.mkdir()
    pairs = []
    rows = []
    try:
        for i, kind in enumerate(a.impls.split(",")):
            pairs.append(Pair(kind, 1 + i, tag, work))
        print(f"# tandemd: {TANDEMD}; keepalived: "
              f"{subprocess.run(['keepalived', '--version'], capture_output=True, text=True).stderr.splitlines()[0]}")
        print(f"# master priority 200, backup 100; ping every {a.ping_ms} ms; "
              f"{a.reps} repetitions per case and implementation, implementations alternating")
        if not a.hog_only:
            for case in a.cases.split(","):
                v, adv = case.split(":")
                for mode in a.modes.split(","):
                    t0 = time.monotonic()
                    run_case(pairs, int(v[1:]), float(adv), mode, a.reps, a.ping_ms, rows)
                    print(f"# {case} {mode}: {time.monotonic() - t0:.0f} s", flush=True)
            print()
            print(summarize(rows))
        if a.hog:
            name, res = hog_run(pairs, a.hog, a.hog_tool)
            print()
            print(f"CPU hog ({name}) for {a.hog:g} s, v3 10 ms adverts, both pairs at once:\n")
            print("| impl | VIP added on the backup | VIP removed from the master | stalls (master, backup) | VIP on master / backup at end |")
            print("|---|---|---|---|---|")
            for k, r in res.items():
                print(f"| {k} | {r['vip_added_on_backup']} | {r['vip_removed_from_master']} | "
                      f"{r['stalls_master_backup'] or '-'} | {r['vip_on_master_at_end']} / {r['vip_on_backup_at_end']} |")
            rows.append({"hog": name, "seconds": a.hog, "result": res})
        if a.json:
            Path(a.json).write_text(json.dumps(rows, indent=1))
    finally:
        for p in pairs:
            p.close()
        if a.keep:
            print(f"# work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
