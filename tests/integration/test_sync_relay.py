"""The sync relay on the build host (no IPVS needed): two tandemd in namespaces on a bridge run
sync_relay with the kernel side on `lo` (multicast on). Kernel-format sync messages sent on the
master's `lo` with multicast loop off (as the kernel master thread sends them) are read by its
relay's AF_PACKET tap, travel as authenticated frames, and come out on the backup's `lo` as
plain sync v1 datagrams to 224.0.0.81:8848, where a listener (standing in for the kernel
backup thread) catches them. Also: 10% loss on the relay link (nftables numgen) still delivers
every entry through resends; forged, replayed, old-epoch and truncated frames are rejected and
counted; a bulk resync from a connection table in the /proc/net/ip_vs_conn_sync format.

Run as a script, this file is also the helper run inside the namespaces:
  send COUNT_MSGS ENTRIES_PER_MSG FIRST_PORT      kernel-format v1 messages on lo, loop off
  listen OUTFILE                                  JSON line per datagram received on lo
  frame HOST KEY SENDER EPOCH SEQ [trunc]         one relay DATA frame to HOST:8849
"""

import hashlib
import hmac
import json
import os
import re
import signal
import socket
import struct
import sys
import textwrap
import time

GROUP = os.environ.get("RELAY_GROUP", "224.0.0.81")
KPORT = int(os.environ.get("RELAY_KPORT", "8848"))
LIF = os.environ.get("RELAY_IF", "lo")          # the local interface of the kernel side
RPORT = 8849
KEY = "relay-test-key-0123456789abcdef"


# ---- helper side (runs inside a namespace) ----

def entry_v1(cport, caddr="10.77.0.1", vaddr="10.9.0.100", daddr="10.9.1.10", state=1,
             flags=0, proto=6):
    return struct.pack("!BBHIHHHHII4s4s4s", 0, proto, 36, flags, state, cport, 80, 80, 0, 900,
                       socket.inet_aton(caddr), socket.inet_aton(vaddr), socket.inet_aton(daddr))


def msg_v1(entries, syncid=0):
    body = b""
    for i, e in enumerate(entries):
        if i:
            body += b"\0" * (-len(body) % 4)
        body += e
    return struct.pack("!BBHBBH", 0, syncid, 8 + len(body), len(entries), 1, 0) + body


def cmd_send(nmsgs, per, first):
    if ":" in GROUP:
        idx = socket.if_nametoindex(LIF)
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        dst = (GROUP, KPORT, 0, idx)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        dst = (GROUP, KPORT)
    port = first
    for _ in range(nmsgs):
        ents = [entry_v1(port + i) for i in range(per)]
        port += per
        s.sendto(msg_v1(ents), dst)
        time.sleep(0.002)


def cmd_listen(out):
    idx = socket.if_nametoindex(LIF)
    if ":" in GROUP:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::", KPORT))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                     socket.inet_pton(socket.AF_INET6, GROUP) + struct.pack("@I", idx))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", KPORT))
        mreq = socket.inet_aton(GROUP) + struct.pack("=I", 0) + struct.pack("=i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    with open(out, "a") as f:
        f.write(json.dumps({"ready": True}) + "\n")
        f.flush()
        while True:
            data = s.recv(65535)
            rec = {"len": len(data), "version": data[5] if len(data) > 5 else -1,
                   "syncid": data[1] if len(data) > 1 else -1,
                   "nr": data[4] if len(data) > 4 else -1, "cports": [], "flags": []}
            off = 8
            for _ in range(rec["nr"]):
                off += -off % 4 if off > 8 else 0
                if off + 36 > len(data):
                    break
                size = struct.unpack("!H", data[off + 2:off + 4])[0] & 0xfff
                flags = struct.unpack("!I", data[off + 4:off + 8])[0]
                cport = struct.unpack("!H", data[off + 10:off + 12])[0]
                rec["cports"].append(cport)
                rec["flags"].append(flags)
                off += size
            f.write(json.dumps(rec) + "\n")
            f.flush()


def frame(key, sender, epoch, seq, body, count, kind=1, flags=0):
    hdr = struct.pack("!IBBHIQQHH", 0x54444d52, 1, kind, flags, sender, epoch, seq, len(body), count)
    tag = hmac.new(key.encode(), hdr + body, hashlib.sha256).digest()[:16]
    return hdr + body + tag


def cmd_frame(host, key, sender, epoch, seq, trunc=False):
    f = frame(key, int(sender), int(epoch), int(seq), entry_v1(5555), 1)
    if trunc:
        f = f[:20]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(f, (host, RPORT))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        cmd_send(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "listen":
        cmd_listen(sys.argv[2])
    elif sys.argv[1] == "frame":
        cmd_frame(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6],
                  len(sys.argv) > 7 and sys.argv[7] == "trunc")
    sys.exit(0)


# ---- test side ----

import pytest  # noqa: E402

from tandem import wait_until  # noqa: E402
from vrrp_util import enable_ipv6, lan, vrrp_conf, wait_ll6, wait_state  # noqa: E402

PY = "/usr/bin/python3"
HERE = os.path.abspath(__file__)


def relay_conf(prio, peer, extra="", group=None):
    reach = f"group {group}" if group else f"peer {peer}"
    block = textwrap.dedent(f"""\
        sync_relay {{
            instance VI
            interface eth0
            local_interface lo
            {reach}
            auth_key {KEY}
            resend_timeout 0.1
        {extra}
        }}
        """)
    return vrrp_conf(prio=prio) + block


def relay(d):
    r = d.ctl("sync")
    assert r["ok"], r
    return r["relay"]


def peers_up(d):
    r = relay(d)
    return r and r["peers"] and all(p["state"] == "up" for p in r["peers"])


class Listener:
    def __init__(self, ns, path, env=None):
        self.path = path
        open(path, "w").close()
        self.proc = ns.popen([PY, HERE, "listen", path], env=dict(os.environ, **(env or {})))
        wait_until(lambda: "ready" in open(path).read(), timeout=10, what="listener ready")

    def records(self):
        out = []
        with open(self.path) as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if "cports" in rec:
                    out.append(rec)
        return out

    def cports(self):
        return {c for r in self.records() for c in r["cports"]}

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=5)


@pytest.fixture
def pair(netns, bridge, tandemd, workdir, request):
    """a (priority 150, becomes MASTER) and b, relays up; b's lo has a listener."""
    a, b = lan(netns, bridge, names=("a", "b"))
    for ns in (a, b):
        ns.ip("link", "set", "lo", "multicast", "on")
    made = []

    def make(env_a=None, start_b=True, extra_a=""):
        lis = Listener(b, os.path.join(str(workdir), "listen-b.jsonl"))
        made.append(lis)
        da = tandemd(relay_conf(150, "10.9.0.2", extra=extra_a), ns=a, name="a", env=env_a)
        wait_state(da, "MASTER")
        db = tandemd(relay_conf(100, "10.9.0.1"), ns=b, name="b") if start_b else None
        if db:
            wait_until(lambda: peers_up(da) and peers_up(db), timeout=15, what="relays see each other")
        return a, b, da, db, lis

    yield make
    for lis in made:
        lis.stop()


def test_entries_cross_the_relay(pair):
    a, b, da, db, lis = pair()
    ra, rb = relay(da), relay(db)
    assert ra["mode"] == "unicast" and ra["local"]["interface"] == "lo"
    assert ra["local"]["tap"] and ra["local"]["inject"] and ra["peers"][0]["address"] == "10.9.0.2"
    assert rb["peers"][0]["sender_id"] == ra["sender_id"] and rb["peers"][0]["epoch"] == ra["epoch"]
    assert ra["role"] == "MASTER"

    a.exec(PY, HERE, "send", "10", "20", "20000")
    want = set(range(20000, 20200))
    wait_until(lambda: want <= lis.cports(), timeout=10, what="200 entries on b's lo")
    recs = [r for r in lis.records() if set(r["cports"]) & want]
    assert all(r["version"] == 1 for r in recs)

    ra, rb = relay(da), relay(db)
    assert ra["entries"]["from_kernel"] == 200 and ra["kernel"]["messages_in"] == 10
    assert ra["entries"]["sent"] >= 200 and ra["frames"]["sent"] >= 10
    assert rb["entries"]["received"] >= 200 and rb["entries"]["to_kernel"] >= 200
    assert rb["kernel"]["messages_out"] >= 1
    assert rb["kernel"]["backup_socket_drops"] == 0      # the listener's socket kept up
    # b's own injections are not read back by its tap (no echo to a)
    assert rb["entries"]["from_kernel"] == 0 and ra["entries"]["received"] == 0
    assert ra["rejected"]["total"] == 0 and rb["rejected"]["total"] == 0
    wait_until(lambda: relay(da)["in_flight"]["frames"] == 0, timeout=5, what="everything acked")

    rc, out, err = db.tandemctl("sync", timeout=10)
    assert rc == 0, err
    assert "relay:           unicast on eth0 port 8849" in out
    assert "peer 10.9.0.1" in out and "up" in out
    assert "mirror:        200 connection(s)" in out          # what b received
    assert "    sending:     rtt " in out and "resend after" in out
    assert "to kernel:     0 entries queued" in out and "receive window 4096" in out
    rc, out, err = da.tandemctl("sync", timeout=10)
    assert rc == 0, err
    # a sent to b: b told a its window in its ACKs
    assert re.search(r"sending: +rtt [0-9.]+ ms \([1-9][0-9]* sample\(s\)\).*window [0-9]+\n", out), out


def test_loss_is_repaired_by_resends(pair):
    a, b, da, db, lis = pair()
    rule = "numgen random mod 10 < 1 drop"
    for ns in (a, b):
        ns.exec("nft", "add", "table", "inet", "relayloss")
        ns.exec("nft", "add", "chain", "inet", "relayloss", "out",
                "{ type filter hook output priority 0 ; }")
        ns.exec("nft", "add", "rule", "inet", "relayloss", "out", "udp", "dport", str(RPORT),
                *rule.split())
    a.exec(PY, HERE, "send", "100", "20", "30000", timeout=60)
    want = set(range(30000, 32000))
    wait_until(lambda: want <= lis.cports(), timeout=30, what="2000 entries despite 10% loss")
    ra = relay(da)
    assert ra["frames"]["resent"] > 0, ra["frames"]
    wait_until(lambda: relay(da)["in_flight"]["frames"] == 0, timeout=10, what="everything acked")


def test_forged_replayed_and_bad_frames_are_counted(pair):
    a, b, da, db, lis = pair()
    wait_until(lambda: relay(db)["peers"][0]["seq"] >= 3, timeout=10, what="a few frames from a")
    ra = relay(da)
    sender, epoch = ra["sender_id"], ra["epoch"]
    seq = relay(db)["peers"][0]["seq"] + 2          # b's top is seq - 2: a frame b has

    def rej():
        return relay(db)["rejected"]

    before = rej()
    # replay of a frame b has seen (a's own recent seq, right key)
    a.exec(PY, HERE, "frame", "10.9.0.2", KEY, str(sender), str(epoch), str(seq - 2))
    # forged: unseen seq, wrong key
    a.exec(PY, HERE, "frame", "10.9.0.2", "x" * 32, str(sender), str(epoch), str(seq + 50))
    # old epoch, right key
    a.exec(PY, HERE, "frame", "10.9.0.2", KEY, str(sender), str(epoch - 1), str(seq + 60))
    # truncated
    a.exec(PY, HERE, "frame", "10.9.0.2", KEY, str(sender), str(epoch), str(seq + 70), "trunc")

    def counted():
        r = rej()
        return (r["replay"] + r["too_old"] > before["replay"] + before["too_old"] and
                r["bad_mac"] > before["bad_mac"] and r["old_epoch"] > before["old_epoch"] and
                r["short"] > before["short"])
    wait_until(counted, timeout=10, what="rejections counted")
    r = rej()
    assert r["total"] >= before["total"] + 4
    # none of them reached b's kernel side (cport 5555)
    time.sleep(0.3)
    assert 5555 not in lis.cports()
    assert db.alive() and peers_up(db)
    rc, out, err = db.tandemctl("sync", timeout=10)
    assert rc == 0 and "bad_mac 1" in out


def write_table(path, n, templates):
    lines = ["Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires"]
    for i in range(templates):
        lines.append("TCP 0A4D%04X 0000 0A090064 0050 0A09010A 0050 TPL.ASSURED Local      %d"
                     % (i + 1, 300))
    for i in range(n):
        lines.append("TCP 0A4D0001 %04X 0A090064 0050 0A09010A 0050 ESTABLISHED Local      %d"
                     % (40000 + i, 800))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def test_bulk_resync_on_start_and_on_request(pair, workdir):
    table = os.path.join(str(workdir), "conn_sync")
    write_table(table, 3000, 50)
    a, b, da, db, lis = pair(env_a={"TANDEM_RELAY_CONN_TABLE": table})
    # b started after a was MASTER: it asked for the table at start
    want = set(range(40000, 43000))
    wait_until(lambda: want <= lis.cports(), timeout=20, what="3000 connections resynced")

    def done(d, side):
        last = relay(d)["resync"]["last"]
        return last and last["side"] == side and last["status"] == "done"
    wait_until(lambda: done(db, "requester"), timeout=10, what="b's resync done")
    last = relay(db)["resync"]["last"]
    assert last["entries"] == 3050 and last["duration"] is not None
    assert relay(da)["resync"]["requests_served"] >= 1
    # templates came first, flagged IP_VS_CONN_F_TEMPLATE (0x1000)
    flags = [f for r in lis.records() for f in r["flags"]]
    assert flags[:50] and all(f & 0x1000 for f in flags[:50])
    ev = db.wait_event(lambda e: e.get("type") == "sync.resync" and e.get("phase") == "done",
                       timeout=5)
    assert ev["side"] == "requester" and ev["entries"] == 3050

    # by hand
    n_before = len(lis.records())
    served = relay(da)["resync"]["requests_served"]
    rc, out, err = db.tandemctl("sync", "resync", timeout=10)
    assert rc == 0, err
    wait_until(lambda: relay(da)["resync"]["requests_served"] > served, timeout=10,
               what="second resync served")
    wait_until(lambda: done(db, "requester") and len(lis.records()) > n_before, timeout=15,
               what="second resync done")


def test_restarted_backup_gets_new_epoch_and_peer_events(pair):
    a, b, da, db, lis = pair()
    old = relay(db)["epoch"]
    db.stop()
    ev = da.wait_event(lambda e: e.get("type") == "sync.peer" and e.get("state") == "down",
                       timeout=10)
    assert ev["peer"] == "10.9.0.2"
    db.start()
    wait_until(lambda: peers_up(da) and peers_up(db), timeout=15, what="relays again")
    pa = relay(da)["peers"][0]
    assert pa["epoch"] == relay(db)["epoch"] and pa["epoch"] > old
    assert pa["epochs"] == 1
    # the counters for the SNMP view, every 5 s while they move
    st = da.wait_event(lambda e: e.get("type") == "sync.stats", timeout=10)
    assert st["counters"]["received"] > 0 and st["peers"][0]["peer"] == "10.9.0.2"


@pytest.mark.parametrize("mode", ["multicast4", "unicast6", "multicast6"])
def test_multicast_and_ipv6_peers(netns, bridge, tandemd, workdir, mode):
    a, b = lan(netns, bridge, names=("a", "b"), v6=mode.endswith("6"))
    for ns in (a, b):
        ns.ip("link", "set", "lo", "multicast", "on")
    addr = {"a": "10.9.0.1", "b": "10.9.0.2"}
    if mode == "unicast6":
        for ns, ad in ((a, "fd00:9::1"), (b, "fd00:9::2")):
            ns.ip("-6", "addr", "add", f"{ad}/64", "dev", "eth0", "nodad")
        addr = {"a": "fd00:9::1", "b": "fd00:9::2"}
    group = {"multicast4": "239.0.81.1", "multicast6": "ff02::8849"}.get(mode)
    lis = Listener(b, os.path.join(str(workdir), "listen-b.jsonl"))
    try:
        da = tandemd(relay_conf(150, addr["b"], group=group), ns=a, name="a")
        wait_state(da, "MASTER")
        db = tandemd(relay_conf(100, addr["a"], group=group), ns=b, name="b")
        wait_until(lambda: peers_up(da) and peers_up(db), timeout=15, what="relays see each other")
        ra = relay(da)
        assert ra["mode"] == ("multicast" if group else "unicast")
        assert len(ra["peers"]) == 1 and ra["peers"][0]["sender_id"] == relay(db)["sender_id"]
        if group:
            assert ra["group"] == group
        a.exec(PY, HERE, "send", "5", "30", "50000")
        want = set(range(50000, 50150))
        wait_until(lambda: want <= lis.cports(), timeout=10, what="150 entries on b's lo")
        wait_until(lambda: relay(da)["in_flight"]["frames"] == 0, timeout=5, what="acked")
        assert relay(db)["rejected"]["total"] == 0
    finally:
        lis.stop()


def test_lone_relay_stays_idle(netns, bridge, tandemd):
    """A relay whose peer never answers waits on its timers (it used to spin)."""
    a, = lan(netns, bridge, names=("a",))
    a.ip("link", "set", "lo", "multicast", "on")
    # a tracked interface that stays down keeps the instance in FAULT: the relay wants a
    # resync and has nobody to ask
    a.ip("link", "add", "x0", "type", "veth", "peer", "name", "x1")
    conf = relay_conf(100, "10.9.0.2").replace(
        "    virtual_ipaddress {", "    track_interface {\n        x0\n    }\n    virtual_ipaddress {", 1)
    d = tandemd(conf, ns=a, name="a")
    wait_until(lambda: relay(d) is not None and relay(d)["role"] == "FAULT", timeout=10,
               what="relay running, instance in FAULT")
    pid = d.child_pid("sync")

    def cpu():
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    c0, t0 = cpu(), time.monotonic()
    time.sleep(3)
    used = cpu() - c0
    r = relay(d)
    assert r["peers"][0]["state"] == "down" and r["resync"]["wanted"] is True
    assert used < 0.3 * (time.monotonic() - t0), f"sync child used {used:.2f} s CPU in 3 s"


def test_reload_keeps_or_restarts_the_relay(pair):
    a, b, da, db, lis = pair()
    ep = relay(db)["epoch"]
    # a reload that leaves sync_relay alone keeps the relay (same epoch, counters go on)
    db.write_config(relay_conf(100, "10.9.0.1").replace("priority 100", "priority 90"))
    db.reload()
    wait_until(lambda: "priority" in json.dumps(db.ctl("vrrp")), timeout=5, what="reloaded")
    time.sleep(0.5)
    assert relay(db)["epoch"] == ep
    # a changed relay setting restarts it: a new epoch, and a sees the change
    db.write_config(relay_conf(100, "10.9.0.1", extra="    resend_queue 512"))
    db.reload()
    wait_until(lambda: relay(db)["epoch"] != ep, timeout=10, what="relay restarted")
    assert relay(db)["in_flight"]["cap"] == 512
    wait_until(lambda: relay(da)["peers"][0]["epoch"] == relay(db)["epoch"], timeout=10,
               what="a sees b's new epoch")
    # and removing sync_relay stops it
    db.write_config(vrrp_conf(prio=100))
    db.reload()
    wait_until(lambda: db.ctl("sync").get("relay") is None, timeout=10, what="relay gone")


def test_kernel_side_from_lvs_sync_daemon(netns, bridge, tandemd, workdir):
    """With lvs_sync_daemon, the relay meets the kernel threads on its interface, group, port
    and sync id."""
    a, b = lan(netns, bridge, names=("a", "b"))
    for ns in (a, b):
        ns.ip("link", "set", "lo", "multicast", "on")
    env = {"RELAY_GROUP": "224.0.0.90", "RELAY_KPORT": "9848"}
    lvs = "    lvs_sync_daemon lo VI id 9 port 9848 group 224.0.0.90"

    def conf(prio, peer):
        block = relay_conf(prio, peer).split("sync_relay", 1)[1].replace("    local_interface lo\n", "")
        return vrrp_conf(prio=prio, global_extra=lvs) + "sync_relay" + block
    lis = Listener(b, os.path.join(str(workdir), "listen-b.jsonl"), env=env)
    try:
        da = tandemd(conf(150, "10.9.0.2"), ns=a, name="a")
        wait_state(da, "MASTER")
        db = tandemd(conf(100, "10.9.0.1"), ns=b, name="b")
        wait_until(lambda: peers_up(da) and peers_up(db), timeout=15, what="relays see each other")
        loc = relay(db)["local"]
        assert (loc["interface"], loc["group"], loc["port"], loc["syncid"]) == ("lo", "224.0.0.90", 9848, 9)
        assert db.ctl("sync")["daemon"]["port"] == 9848
        run_env(a, env, "send", "2", "10", "61000")
        want = set(range(61000, 61020))
        wait_until(lambda: want <= lis.cports(), timeout=10, what="entries on b's 224.0.0.90:9848")
        assert all(r["syncid"] == 9 for r in lis.records() if set(r["cports"]) & want)
    finally:
        lis.stop()


def run_env(ns, env, *args):
    """The helper inside ns with env (ip netns exec keeps the environment)."""
    import subprocess
    subprocess.run(["ip", "netns", "exec", ns.name, PY, HERE, *args], check=True, timeout=30,
                   env=dict(os.environ, **env))


def test_backpressure_when_acks_are_lost(pair):
    """b's ACKs are dropped (nftables matches the frame kind byte): a's resend queue fills,
    a shows back-pressure and holds the rest; once ACKs flow again everything arrives."""
    a, b, da, db, lis = pair(extra_a="    resend_queue 16")
    b.exec("nft", "add", "table", "inet", "noack")
    b.exec("nft", "add", "chain", "inet", "noack", "out", "{ type filter hook output priority 0 ; }")
    # UDP payload byte 5 is the frame kind; 2 = ACK
    b.exec("nft", "add", "rule", "inet", "noack", "out", "udp", "dport", str(RPORT),
           "@th,104,8", "2", "drop")
    a.exec(PY, HERE, "send", "100", "20", "1000", timeout=60)

    def held():
        r = relay(da)
        return r["backpressure"]["active"] and r["in_flight"]["frames"] == 16
    wait_until(held, timeout=10, what="a's queue full, back-pressure on")
    r = relay(da)
    assert r["backpressure"]["pending_entries"] > 0 and r["in_flight"]["cap"] == 16
    assert r["kernel"]["dropped"] == 0
    b.exec("nft", "delete", "table", "inet", "noack")
    want = set(range(1000, 3000))
    wait_until(lambda: want <= lis.cports(), timeout=30, what="all 2000 entries after the ACKs return")
    wait_until(lambda: not relay(da)["backpressure"]["active"], timeout=10, what="back-pressure off")
    assert relay(da)["backpressure"]["events"] >= 1


def test_ipv6_kernel_side(netns, bridge, tandemd, workdir):
    """The kernel threads' group is IPv6 (lvs_sync_daemon ... group ff02::81) on a local veth
    (standing in for a dummy): the tap reads IPv6 sync datagrams, the injector sends IPv6."""
    a, b = lan(netns, bridge, names=("a", "b"))
    for ns in (a, b):
        enable_ipv6(ns)
        ns.ip("link", "add", "sy0", "type", "veth", "peer", "name", "sy1")
        ns.ip("link", "set", "sy0", "up")
        ns.ip("link", "set", "sy1", "up")
        wait_ll6(ns, "sy0")
    env = {"RELAY_GROUP": "ff02::81", "RELAY_IF": "sy0"}
    lvs = "    lvs_sync_daemon sy0 VI id 9 group ff02::81"

    def conf(prio, peer):
        block = relay_conf(prio, peer).split("sync_relay", 1)[1].replace("    local_interface lo\n", "")
        return vrrp_conf(prio=prio, global_extra=lvs) + "sync_relay" + block
    lis = Listener(b, os.path.join(str(workdir), "listen-b.jsonl"), env=env)
    try:
        da = tandemd(conf(150, "10.9.0.2"), ns=a, name="a")
        wait_state(da, "MASTER")
        db = tandemd(conf(100, "10.9.0.1"), ns=b, name="b")
        wait_until(lambda: peers_up(da) and peers_up(db), timeout=15, what="relays see each other")
        assert relay(db)["local"]["group"] == "ff02::81"
        wait_until(lambda: relay(da)["local"]["tap"] and relay(db)["local"]["inject"], timeout=10,
                   what="local sockets open")
        run_env(a, env, "send", "3", "10", "62000")
        want = set(range(62000, 62030))
        wait_until(lambda: want <= lis.cports(), timeout=10, what="entries on b's [ff02::81]:8848")
        assert relay(da)["kernel"]["messages_in"] == 3
    finally:
        lis.stop()


def test_bad_key_file_is_reported(netns, bridge, tandemd, workdir):
    a, = lan(netns, bridge, names=("a",))
    key = os.path.join(str(workdir), "short.key")
    with open(key, "w") as f:
        f.write("short\n")
    conf = relay_conf(100, "10.9.0.2").replace(f"auth_key {KEY}", f"auth_key_file {key}")
    d = tandemd(conf, ns=a, name="a")
    r = d.ctl("sync")
    assert r["ok"] and r["relay"] is None
    assert "16..1024 bytes" in r["relay_error"]
    rc, out, err = d.tandemctl("sync", timeout=10)
    assert rc == 0 and "relay:           not running:" in out
    rc, out, err = d.tandemctl("sync", "resync", timeout=10)
    assert rc != 0 and "no sync relay runs here" in (out + err)
    # a good key and a reload start it
    with open(key, "w") as f:
        f.write(KEY + "\n")
    d.reload()
    wait_until(lambda: d.ctl("sync")["relay"] is not None, timeout=10, what="relay started")
