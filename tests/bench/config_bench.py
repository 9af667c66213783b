#!/usr/bin/python3
"""tests/bench/config_bench.py - figures of the foundation issue, side by side with keepalived.

1. Parse + validate a generated config (default 2,500 virtual servers x 40 real servers, each
   with a TCP_CHECK, plus one vrrp_instance): wall time, CPU time and peak RSS of
   `tandemd -t` and of Debian's `keepalived -t` on the same file, runs interleaved so that
   machine load hits both alike. Both run inside a network namespace that has the interface
   the config names.
2. Reload with one changed weight: a running tandemd gets SIGHUP after the config was rewritten
   with one real server's weight bumped; the time from the signal to every child holding the
   new snapshot (its child.config event, stamped with CLOCK_MONOTONIC by the daemon).

Not a pass/fail test: it prints a table. Usage (root):
    tests/bench/config_bench.py [-n VS] [-m RS] [-r REPEATS] [--reloads N]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from tandem import REPO, TANDEMD, Netns, Tandemd  # noqa: E402

GEN = REPO / "tests" / "bench" / "gen_config.py"
KEEPALIVED = "/usr/sbin/keepalived"


def timed(ns, cmd):
    """Run cmd in ns under GNU time; (wall s, cpu s, peak RSS KiB, exit code)."""
    full = ["ip", "netns", "exec", ns.name, "/usr/bin/time", "-f", "@@%e %U %S %M %x", *cmd]
    t0 = time.monotonic()
    p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       timeout=600)
    wall = time.monotonic() - t0
    line = [ln for ln in p.stderr.splitlines() if ln.startswith("@@")][-1]
    _, user, sys_, rss, rc = line[2:].split()
    return wall, float(user) + float(sys_), int(rss), int(rc)


def parse_bench(ns, conf, tmp, repeats):
    kpids = [f"{tmp}/k.pid", f"{tmp}/v.pid", f"{tmp}/c.pid"]
    cmds = {
        "tandemd -t": [str(TANDEMD), "-t", "-f", conf],
        "keepalived -t": [KEEPALIVED, "-t", "-n", "-l", "-f", conf, "-p", kpids[0],
                          "-r", kpids[1], "-c", kpids[2]],
    }
    res = {k: [] for k in cmds}
    for _ in range(repeats):
        for name, cmd in cmds.items():
            res[name].append(timed(ns, cmd))
    print(f"\n## parse + validate ({repeats} runs each, interleaved)\n")
    print("| command | exit | median wall s | min wall s | median CPU s | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    med = {}
    for name, runs in res.items():
        walls = [r[0] for r in runs]
        med[name] = statistics.median(walls)
        print(f"| `{name}` | {runs[0][3]} | {med[name]:.3f} | {min(walls):.3f} | "
              f"{statistics.median(r[1] for r in runs):.3f} | "
              f"{max(r[2] for r in runs) / 1024:.1f} |")
    ratio = med["tandemd -t"] / med["keepalived -t"]
    print(f"\ntandem / keepalived median wall time: {ratio:.2f}x (goal <= 0.30x)")
    return ratio


def reload_bench(ns, tmp, nvs, nrs, reloads):
    confs = []
    for bump in (-1, nvs // 2):
        text = subprocess.run([sys.executable, str(GEN), "-n", str(nvs), "-m", str(nrs),
                               "--weight-bump", str(bump)], capture_output=True, text=True,
                              check=True).stdout
        confs.append(text)
    d = Tandemd(tmp, confs[0], ns=ns, name="reload")
    try:
        d.start(timeout=120)
        st = d.status()
        children = [c["name"] for c in st["children"] if c.get("pid")]
        gen = st["daemon"]["generation"]
        lat, inner, counts = [], [], None
        for i in range(reloads):
            d.write_config(confs[(i + 1) % 2])
            with d.events(type="child.config") as ev:
                t0 = time.monotonic_ns()
                d.signal(signal.SIGHUP)
                gen += 1
                seen = {}
                while len(seen) < len(children):
                    e = ev.wait_event(lambda e: e.get("generation") == gen, timeout=120)
                    seen[e["child"]] = e
            lat.append((max(e["mono_ns"] for e in seen.values()) - t0) / 1e6)
            inner.append(max(e["elapsed_ns"] for e in seen.values()) / 1e6)
            counts = {c: (e["added"], e["removed"], e["changed"], e["unchanged"])
                      for c, e in seen.items()}
        print(f"\n## reload with one changed weight ({reloads} reloads, children: "
              f"{', '.join(children)})\n")
        print("| measure | median ms | min ms | max ms |")
        print("|---|---|---|---|")
        print(f"| SIGHUP -> last child holds the new snapshot | {statistics.median(lat):.1f} | "
              f"{min(lat):.1f} | {max(lat):.1f} |")
        print(f"| reload start in the parent -> last child done | "
              f"{statistics.median(inner):.1f} | {min(inner):.1f} | {max(inner):.1f} |")
        print("\nper-child diff of the last reload (added, removed, changed, unchanged): "
              + "; ".join(f"{c}: {v}" for c, v in sorted(counts.items())))
    finally:
        d.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2500, help="virtual servers")
    ap.add_argument("-m", type=int, default=40, help="real servers per virtual server")
    ap.add_argument("-r", type=int, default=5, help="parse runs per program")
    ap.add_argument("--reloads", type=int, default=5)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("config_bench: needs root (network namespaces)")
    with tempfile.TemporaryDirectory(prefix="tdm-bench-") as tmp:
        conf = f"{tmp}/bench.conf"
        subprocess.run([sys.executable, str(GEN), "-n", str(a.n), "-m", str(a.m), "-o", conf],
                       check=True)
        nlines = sum(1 for _ in open(conf))
        print(f"# config benchmark: {a.n} virtual servers x {a.m} real servers "
              f"({a.n * a.m} TCP_CHECKs, {nlines} lines, {os.path.getsize(conf) >> 20} MiB)")
        print(f"# {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
              f"{subprocess.run([KEEPALIVED, '--version'], capture_output=True, text=True).stderr.splitlines()[0]}")
        ns = Netns(f"tdm-bench-{os.getpid()}")
        try:
            ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p")
            ns.ip("link", "set", "eth0", "up")
            parse_bench(ns, conf, tmp, a.r)
            if a.reloads:
                reload_bench(ns, tmp, a.n, a.m, a.reloads)
        finally:
            ns.delete()


if __name__ == "__main__":
    main()
