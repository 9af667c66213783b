"""TCP_CHECK and HTTP_GET against real servers in a namespace: tandemd runs in namespace "d",
the servers (checks_server.py) in namespace "s", joined by a veth pair. rs.state events follow a
server going down and coming back; a server that accepts and never answers, or sends an endless
body, fails within the timeout; HTTP 503 fails with that reason; identical checks of two virtual
servers run once. No IPVS is needed: the check child keeps running without it."""

import signal
import sys
import time
from pathlib import Path

import pytest

from tandem import *

HERE = Path(__file__).resolve().parent
SERVER = HERE / "checks_server.py"
PY = "/usr/bin/python3"
D_ADDR, S_ADDR = "10.231.0.1", "10.231.0.2"


class Lab:
    def __init__(self, netns, veth, workdir):
        self.d = netns("d")
        self.s = netns("s")
        veth(self.d, self.s, addr_a=f"{D_ADDR}/24", addr_b=f"{S_ADDR}/24")
        self.workdir = workdir
        self.servers = {}

    def control(self, port):
        return self.workdir / f"srv{port}.mode"

    def set_mode(self, port, mode):
        self.control(port).write_text(mode + "\n")

    def start(self, port, mode="200"):
        self.set_mode(port, mode)
        p = self.s.popen([PY, SERVER, S_ADDR, port, self.control(port)])
        self.servers[port] = p
        # listening before we go on (bounded)
        wait_until(lambda: self.s.exec("ss", "-ltnH", f"sport = :{port}").stdout.strip(),
                   timeout=10, what=f"server on port {port}")
        return p

    def stop(self, port):
        p = self.servers.pop(port, None)
        if p:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)

    def close(self):
        for port in list(self.servers):
            self.stop(port)


@pytest.fixture
def lab(netns, veth, workdir):
    lab = Lab(netns, veth, workdir)
    yield lab
    lab.close()


def vs(addr, checker, port=8080, rs_extra="", vs_extra=""):
    return f"""
virtual_server {addr} 80 {{
    protocol TCP
    delay_loop 0.3
    {vs_extra}
    real_server {S_ADDR} {port} {{
        weight 3
        {rs_extra}
        {checker}
    }}
}}
"""


TCP = "TCP_CHECK { connect_timeout 1\n retry 1\n delay_before_retry 0.2\n }"


def rs_ev(up, rs=None, reason=None):
    def pred(e):
        return (e.get("type") == "rs.state" and e.get("up") == up
                and (rs is None or e.get("rs") == rs)
                and (reason is None or reason in e.get("reason", "")))
    return pred


def drain(stream, secs):
    """Read events for secs seconds (into stream.seen)."""
    end = time.monotonic() + secs
    while (left := end - time.monotonic()) > 0:
        try:
            if stream.next(timeout=left) is None:
                return
        except TimeoutError:
            return


def checks(d):
    r = d.ctl("checks")
    assert r["ok"], r
    return r


def test_tcp_down_and_up(lab, tandemd):
    lab.start(8080)
    d = tandemd(vs("10.231.0.100", TCP, rs_extra="inhibit_on_failure"), ns=lab.d)
    rs = f"tcp 10.231.0.100:80/{S_ADDR}:8080"
    ev = d.wait_event(rs_ev(True, rs), timeout=10)
    assert ev["weight"] == 3
    with d.events(type="rs.") as stream:
        lab.stop(8080)
        t0 = time.monotonic()
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        took = time.monotonic() - t0
        # fall 2 (retry 1): one failure, a retry 0.2 s later -> within delay_loop + retry delay
        assert took < 3.0, took
        assert down["weight"] == 0              # inhibit_on_failure: kept at weight 0
        assert "Connection refused" in down["reason"] and "fall 2/2" in down["reason"]
        lab.start(8080)
        up = stream.wait_event(rs_ev(True, rs), timeout=10)
        assert up["weight"] == 3 and "rise 1/1" in up["reason"]
    c = checks(d)["checks"][0]
    assert c["kind"] == "TCP_CHECK" and c["state"] == "up" and c["fail"] >= 2 and c["ok"] >= 2


def test_http_503_then_recovers(lab, tandemd):
    lab.start(8081)
    http = """HTTP_GET {
        url { path /health
              status_code 200
              digest 8a8a0f8d4c3ecc5b7e0aa2c6b7c0b9b4 }
        connect_timeout 1
        retry 1
        delay_before_retry 0.1
    }""".replace("8a8a0f8d4c3ecc5b7e0aa2c6b7c0b9b4", __import__("hashlib").md5(b"hello tandem\n").hexdigest())
    d = tandemd(vs("10.231.0.101", http, port=8081, vs_extra="alpha"), ns=lab.d)
    rs = f"tcp 10.231.0.101:80/{S_ADDR}:8081"
    up = d.wait_event(rs_ev(True, rs), timeout=10)     # alpha: starts down, up on a pass
    assert "HTTP 200" in up["reason"]
    with d.events(type="") as stream:
        lab.set_mode(8081, "503")
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert f"HTTP 503 from {S_ADDR}:8081" in down["reason"], down
        assert "fall 2/2" in down["reason"] and down["weight"] == -1
        res = [e for e in stream.seen if e.get("type") == "check.result"]
        assert res and res[-1]["ok"] is False and "HTTP 503" in res[-1]["reason"]
        lab.set_mode(8081, "200")
        stream.wait_event(rs_ev(True, rs), timeout=10)
    rc, out, err = d.tandemctl("checks")
    assert rc == 0, err
    assert "HTTP_GET" in out and f"{S_ADDR}:8081" in out and "1 check(s), 1 up" in out


def test_http_hang_and_endless_body_fail_in_time(lab, tandemd):
    lab.start(8082, "hang")
    lab.start(8083, "endless")
    http = "HTTP_GET {\n url { path / }\n connect_timeout 1\n retry 0\n }"
    conf = vs("10.231.0.102", http, port=8082, vs_extra="alpha") + \
        vs("10.231.0.103", http, port=8083, vs_extra="alpha")
    lab.start(8084)
    conf += vs("10.231.0.104", http, port=8084)
    d = tandemd(conf, ns=lab.d)
    # a healthy one next to them keeps passing (the loop is not blocked)
    d.wait_event(lambda e: e.get("type") == "check.result" and e.get("ok") is True
                 and e.get("target") == f"{S_ADDR}:8084", timeout=10)

    def failed(port):
        def pred(e):
            return (e.get("type") == "check.result" and e.get("target") == f"{S_ADDR}:{port}"
                    and e.get("ok") is False)
        return pred
    hang = d.wait_event(failed(8082), timeout=10)
    assert "timed out" in hang["reason"].lower() or "timeout" in hang["reason"].lower(), hang
    assert hang["latency_ms"] < 2500, hang
    endless = d.wait_event(failed(8083), timeout=10)
    assert "body longer than" in endless["reason"] or "timed out" in endless["reason"], endless
    assert endless["latency_ms"] < 2500, endless
    st = {c["target"]: c for c in checks(d)["checks"]}
    assert st[f"{S_ADDR}:8082"]["state"] == "down"
    assert st[f"{S_ADDR}:8083"]["state"] == "down"
    assert st[f"{S_ADDR}:8084"]["state"] == "up"


def test_identical_checks_run_once(lab, tandemd):
    lab.start(8085)
    conf = vs("10.231.0.105", TCP, port=8085) + vs("10.231.0.106", TCP, port=8085) + \
        vs("10.231.0.107", TCP.replace("retry 1", "retry 2"), port=8085)
    d = tandemd(conf, ns=lab.d)
    wait_until(lambda: all(c["total"] >= 2 for c in checks(d)["checks"]), timeout=10,
               what="checks ran")
    cs = checks(d)["checks"]
    assert len(cs) == 2                                   # two identical merged, one differs
    merged = sorted(c["merged"] for c in cs)
    assert merged == [1, 2]
    shared = [c for c in cs if c["merged"] == 2][0]
    assert sorted(shared["rs"]) == [f"tcp 10.231.0.105:80/{S_ADDR}:8085",
                                    f"tcp 10.231.0.106:80/{S_ADDR}:8085"]
    with d.events(type="rs.") as stream:
        lab.stop(8085)
        a = stream.wait_event(rs_ev(False, f"tcp 10.231.0.105:80/{S_ADDR}:8085"), timeout=10)
        b = stream.wait_event(rs_ev(False, f"tcp 10.231.0.106:80/{S_ADDR}:8085"), timeout=10)
        assert a["reason"] == b["reason"]


def test_reload_keeps_unchanged_check(lab, tandemd):
    lab.start(8086)
    base = vs("10.231.0.108", TCP, port=8086)
    other = vs("10.231.0.109", TCP, port=8086)
    d = tandemd(base + other.replace("delay_loop 0.3", "delay_loop 0.25"), ns=lab.d)
    wait_until(lambda: all(c["total"] >= 6 for c in checks(d)["checks"]), timeout=10,
               what="a few checks")
    before = {c["id"]: c for c in checks(d)["checks"]}
    assert len(before) == 2
    # change the second virtual server's check timing, keep the first
    d.write_config(base + other.replace("delay_loop 0.3", "delay_loop 0.2"))
    with d.events(type="rs.") as stream:
        assert d.reload()["ok"]
        wait_until(lambda: len(checks(d)["checks"]) == 2, timeout=10, what="reloaded")
        after = {c["id"]: c for c in checks(d)["checks"]}
        kept = after[f"tcp 10.231.0.108:80/{S_ADDR}:8086/TCP_CHECK#0"]
        old = before[f"tcp 10.231.0.108:80/{S_ADDR}:8086/TCP_CHECK#0"]
        assert kept["total"] >= old["total"], (old, kept)      # counters kept
        changed = after[f"tcp 10.231.0.109:80/{S_ADDR}:8086/TCP_CHECK#0"]
        # restarted: its counters began again
        assert changed["total"] < before[f"tcp 10.231.0.109:80/{S_ADDR}:8086/TCP_CHECK#0"]["total"]
        # nothing went down, nothing was re-announced for the unchanged server
        drain(stream, 1.0)
    flips = [e for e in stream.seen if e.get("type") == "rs.state"]
    assert not flips, flips
    assert d.alive()


def _parked_tcp_sockets(pid):
    """Socket inodes of process pid that are in none of its namespace's socket tables: TCP
    sockets between a disconnect and the next connect (a kept TCP_CHECK socket)."""
    listed = set()
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "netlink", "packet",
                  "icmp", "icmp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        col = {"unix": 6, "packet": 8}.get(table, 9)
        listed.update(l.split()[col] for l in lines if len(l.split()) > col)
    socks = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = fd.readlink().as_posix()
        except FileNotFoundError:
            continue
        if link.startswith("socket:["):
            socks.add(link[8:-1])
    return socks - listed


def test_tcp_check_keeps_its_socket(lab, tandemd):
    """At delay_loop <= 2 s a TCP_CHECK keeps one socket between attempts (disconnected,
    connected again), through success, refusal and a connect timeout; not while suspended; at a
    longer delay_loop, or once a reload restarts the check, no socket is held between
    attempts."""
    lab.start(8087)
    fast = vs("10.231.0.110", TCP, port=8087)
    d = tandemd(fast, ns=lab.d)
    rs = f"tcp 10.231.0.110:80/{S_ADDR}:8087"
    d.wait_event(rs_ev(True, rs), timeout=10)
    pid = d.child_pid("check")
    first = wait_until(lambda: _parked_tcp_sockets(pid), timeout=5, what="a kept socket")
    assert len(first) == 1, first
    n0 = checks(d)["checks"][0]["total"]
    wait_until(lambda: checks(d)["checks"][0]["total"] >= n0 + 4, timeout=10, what="4 attempts")
    wait_until(lambda: _parked_tcp_sockets(pid) == first, timeout=5, what="the same socket")
    # no TIME_WAIT on the director: every attempt ended with a reset
    assert not lab.d.exec("ss", "-tanH", "state", "time-wait").stdout.strip()
    with d.events(type="rs.") as stream:
        # SYNs dropped: the attempt in progress is aborted at connect_timeout
        lab.s.exec("nft", "-f", "-", input="table inet tdrop { chain in { type filter hook "
                   "input priority 0; tcp dport 8087 drop; }; }\n")
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert "timeout after 1 s" in down["reason"], down
        lab.s.exec("nft", "delete", "table", "inet", "tdrop")
        up = stream.wait_event(rs_ev(True, rs), timeout=10)
        lab.stop(8087)
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert "Connection refused" in down["reason"], down
        lab.start(8087)
        stream.wait_event(rs_ev(True, rs), timeout=10)
    assert _parked_tcp_sockets(pid) == first
    # suspended (ha_suspend, the virtual address not on the director): the idle check lets
    # its socket go; resumed, it takes a new one
    d.write_config(vs("10.231.0.110", TCP, port=8087, vs_extra="ha_suspend"))
    assert d.reload()["ok"]
    wait_until(lambda: not _parked_tcp_sockets(pid), timeout=10, what="the socket let go")
    d.write_config(fast)
    assert d.reload()["ok"]
    wait_until(lambda: len(_parked_tcp_sockets(pid)) == 1, timeout=10, what="a socket again")
    # delay_loop 3 s: the reload restarts the check, which closes its socket and keeps none
    d.write_config(fast.replace("delay_loop 0.3", "delay_loop 3"))
    assert d.reload()["ok"]
    wait_until(lambda: not _parked_tcp_sockets(pid), timeout=10, what="the socket closed")
    n0 = checks(d)["checks"][0]["total"]
    wait_until(lambda: checks(d)["checks"][0]["total"] >= n0 + 1, timeout=10, what="an attempt")
    assert not _parked_tcp_sockets(pid)
    assert checks(d)["checks"][0]["state"] == "up" and d.alive()
