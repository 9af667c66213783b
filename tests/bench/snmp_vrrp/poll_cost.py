#!/usr/bin/python3
"""tests/bench/snmp_vrrp/poll_cost.py - what the snmp child's polling of the VRRP MIB facts
costs the vrrp child: tandemd with N VRRP instances (255 per interface, v2 and v3 alternating,
1 s adverts, all masters) in a namespace; the vrrp child's CPU time (utime +
stime from /proc) is read over an idle window, then over REPS complete polls of
{"cmd":"vrrp","op":"mib"} (every page, as the snmp child asks), sent over the control socket
as fast as they are answered. Prints a markdown table: per N, the vrrp child's idle CPU in
ms/s, the CPU per complete poll in ms, the pages per poll and the wall time per poll.

  sudo BUILD=build tests/bench/snmp_vrrp/poll_cost.py [--sizes 50,255,1000] [--reps 50]
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "integration"))

from tandem import Bridge, Netns, Tandemd  # noqa: E402


def cpu_s(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def config(n):
    out = ["global_defs {\n    router_id bench\n}\n"]
    for v in range(1, n + 1):
        ifn, vrid = (v - 1) // 255, (v - 1) % 255 + 1      # 255 VRIDs per interface
        out.append(f"vrrp_instance V{v} {{\n    state MASTER\n    interface eth{ifn}\n"
                   f"    virtual_router_id {vrid}\n    priority 150\n    advert_int 1\n"
                   f"    version {2 if v % 2 else 3}\n    virtual_ipaddress {{\n"
                   f"        10.{v // 256}.{v % 256}.1/32\n    }}\n}}\n")
    return "".join(out)


def measure(n, reps, idle_s):
    tag = secrets.token_hex(3)
    work = Path(tempfile.mkdtemp(prefix="tdm-bench-"))
    made = []
    try:
        ns = Netns(f"tdm-{tag}-r")
        made.append(ns)
        brns = Netns(f"tdm-{tag}-lan")
        made.append(brns)
        br = Bridge(brns)
        for k in range((n + 254) // 255):
            br.attach(ns, f"eth{k}", f"10.{250 + k}.0.1/16")
        d = Tandemd(work, config(n), ns=ns, name="bench")
        d.start(timeout=30)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:      # every instance has settled (master)
                r = d.ctl("vrrp")
                if r.get("ok") and sum(i["state"] == "MASTER" for i in r["instances"]) == n:
                    break
                time.sleep(0.5)
            pid = d.child_pid("vrrp")
            c0, t0 = cpu_s(pid), time.monotonic()
            time.sleep(idle_s)
            idle = (cpu_s(pid) - c0) / (time.monotonic() - t0)
            pages = 0
            c0, t0 = cpu_s(pid), time.monotonic()
            for _ in range(reps):
                frm = 0
                while frm is not None:
                    r = d.ctl("vrrp", op="mib", **{"from": frm})
                    assert r.get("ok"), r
                    pages += 1
                    frm = r["next"]
            wall = time.monotonic() - t0
            busy = cpu_s(pid) - c0 - idle * wall     # minus what it spends anyway
            return idle * 1000, busy / reps * 1000, pages / reps, wall / reps * 1000
        finally:
            d.stop()
    finally:
        for x in reversed(made):
            x.delete()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="50,255,1000")
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--idle", type=float, default=10.0, help="idle window, seconds")
    a = ap.parse_args()
    print("| instances | vrrp child idle CPU (ms/s) | CPU per complete poll (ms) | pages | "
          "wall per poll (ms) |")
    print("|---|---|---|---|---|")
    for n in (int(x) for x in a.sizes.split(",")):
        idle, per, pages, wall = measure(n, a.reps, a.idle)
        print(f"| {n} | {idle:.1f} | {per:.2f} | {pages:.0f} | {wall:.1f} |", flush=True)


if __name__ == "__main__":
    main()
