"""Control commands served by a child part (docs/control.md, "Commands served by a part"),
driven through the test hooks every child has under --test-hooks: test-echo answers with the
child's pid and the request, test-sleep never answers. Round trips through the socket and
tandemctl, the timeout, a child killed while a request is pending, a part that is not
running, replies over the IPC frame limit, ordering on one connection, and 100 concurrent
requests from 10 clients each getting its own answer."""

import json
import os
import signal
import socket
import threading
import time


from tandem import LO_PARTS, wait_until

CONF = """
global_defs {
    router_id fwd-test
}""" + LO_PARTS

HOOKS = ["--test-hooks", "--heartbeat", "200"]
SHORT = {"TANDEMD_FORWARD_TIMEOUT_MS": "400"}


class Conn:
    """A raw control connection: send request objects, read reply lines in order."""

    def __init__(self, d, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(str(d.sock))
        self.f = self.s.makefile("rb")

    def send(self, *reqs):
        self.s.sendall(b"".join((json.dumps(r, separators=(",", ":")) + "\n").encode()
                                for r in reqs))

    def read(self):
        line = self.f.readline()
        assert line, "connection closed without a reply"
        return json.loads(line)

    def ask(self, req):
        self.send(req)
        return self.read()

    def close(self):
        self.f.close()
        self.s.close()


def running(d, names, timeout=10):
    def ok():
        ch = {c["name"]: c for c in d.status()["children"]}
        return all(n in ch and ch[n]["state"] == "running" for n in names) and ch
    return wait_until(ok, timeout=timeout, what=f"children {names} running")


def healthy(d):
    st = d.status()
    assert st["ok"] is True and st["daemon"]["pid"] == d.pid and d.alive()
    return st


def test_echo_round_trip_socket(tandemd):
    d = tandemd(CONF, args=HOOKS)
    ch = running(d, ["vrrp", "check"])
    for part in ("vrrp", "check"):
        req = {"cmd": "test-echo", "part": part, "text": "héllo / \"quoted\"", "n": [1, {"x": None}]}
        r = d.ctl("test-echo", **{k: v for k, v in req.items() if k != "cmd"})
        assert r == {"ok": True, "part": part, "pid": ch[part]["pid"], "request": req}
    # default part: the first the config uses
    r = d.ctl("test-echo")
    assert r["ok"] and r["part"] == "vrrp"
    healthy(d)


def test_echo_round_trip_tandemctl(tandemd):
    d = tandemd(CONF, args=HOOKS)
    ch = running(d, ["vrrp", "check"])
    rc, out, err = d.tandemctl("--json", "test-echo", "--part", "check", "hi there")
    assert rc == 0, err
    r = json.loads(out)
    assert r == {"ok": True, "part": "check", "pid": ch["check"]["pid"],
                 "request": {"cmd": "test-echo", "part": "check", "text": "hi there"}}
    rc, out, err = d.tandemctl("test-echo", "--part", "vrrp", "hi")
    assert rc == 0, err
    assert out.strip() == f"vrrp (pid {ch['vrrp']['pid']}): hi"
    # an error reply: exit 1, message on stderr, raw reply with --json
    rc, out, err = d.tandemctl("--json", "test-echo", "--part", "sync")
    assert rc == 1
    assert json.loads(out) == {"ok": False, "error": "the sync part is not running"}
    assert "the sync part is not running" in err
    assert d.tandemctl("test-echo", "a", "b")[0] == 2


def test_timeout(tandemd):
    d = tandemd(CONF, args=HOOKS, env=SHORT)
    running(d, ["check"])
    c = Conn(d)
    t0 = time.monotonic()
    r = c.ask({"cmd": "test-sleep", "part": "check"})
    took = time.monotonic() - t0
    assert r == {"ok": False, "error": "the check part did not answer test-sleep: timed out"}
    assert 0.3 < took < 5
    # the connection and the child go on working
    r = c.ask({"cmd": "test-echo", "part": "check", "k": 1})
    assert r["ok"] and r["request"]["k"] == 1
    c.close()
    # and so do other clients
    rc, out, err = d.tandemctl("--json", "test-echo", "--part", "check")
    assert rc == 0, err
    healthy(d)


def test_test_commands_need_the_flag(tandemd):
    # without --test-hooks no part declares the test commands (nor is the timeout override
    # read): they are unknown like any other undeclared command
    d = tandemd(CONF, args=["--heartbeat", "200"], env=SHORT)
    r = d.ctl("test-echo")
    assert r == {"ok": False, "error": "unknown command: test-echo"}
    r = d.ctl("test-sleep")
    assert r == {"ok": False, "error": "unknown command: test-sleep"}


def test_child_killed_while_pending(tandemd):
    d = tandemd(CONF, args=HOOKS)       # default 5 s timeout: the exit must come first
    ch = running(d, ["check"])
    old = ch["check"]["pid"]
    c = Conn(d)
    with d.events(type="child.") as evs:
        c.send({"cmd": "test-sleep", "part": "check"})
        # the request is with the child once the echo sent after it on another connection
        # comes back (the child handles its socket in order)
        assert d.ctl("test-echo", part="check")["ok"]
        t0 = time.monotonic()
        os.kill(old, signal.SIGKILL)
        r = c.read()
        assert time.monotonic() - t0 < 4
        assert r == {"ok": False, "error": "the check part exited before answering test-sleep"}
        evs.wait_event({"type": "child.start", "child": "check"})
    new = running(d, ["check"])["check"]["pid"]
    assert new != old
    r = c.ask({"cmd": "test-echo", "part": "check"})
    assert r["ok"] and r["pid"] == new
    c.close()
    healthy(d)


def test_part_not_running(tandemd):
    d = tandemd(CONF, args=HOOKS + ["-P"])    # only the vrrp part
    running(d, ["vrrp"])
    r = d.ctl("test-echo", part="check")
    assert r == {"ok": False, "error": "the check part is not running"}
    r = d.ctl("test-echo", part="snmp")
    assert r == {"ok": False, "error": "the snmp part is not running"}
    r = d.ctl("test-echo", part="nope")
    assert r == {"ok": False, "error": "no part named nope"}
    r = d.ctl("test-echo", part=7)
    assert r["ok"] is False and "string" in r["error"]
    # a command no part declares stays unknown
    r = d.ctl("no-such-command")
    assert r == {"ok": False, "error": "unknown command: no-such-command"}
    healthy(d)


def test_part_between_restarts(tandemd):
    d = tandemd(CONF, args=HOOKS)
    ch = running(d, ["check"])
    with d.events(type="child.") as evs:
        os.kill(ch["check"]["pid"], signal.SIGKILL)
        evs.wait_event({"type": "child.exit", "child": "check"})
        t_exit = time.monotonic()
        # the restart comes 100 ms after the exit; until then the part is not running
        r = d.ctl("test-echo", part="check")
        if time.monotonic() - t_exit < 0.08:
            assert r == {"ok": False, "error": "the check part is not running"}
        else:
            assert r.get("ok") or r == {"ok": False, "error": "the check part is not running"}
        evs.wait_event({"type": "child.start", "child": "check"})
    new = running(d, ["check"])["check"]["pid"]
    r = d.ctl("test-echo", part="check")
    assert r["ok"] and r["pid"] == new


def test_client_closes_while_pending(tandemd):
    d = tandemd(CONF, args=HOOKS, env=SHORT)
    running(d, ["check"])
    for _ in range(20):
        c = Conn(d)
        c.send({"cmd": "test-sleep", "part": "check"}, {"cmd": "ping"})
        c.close()
    # some close before the parent reads them, some while pending, some at the timeout
    time.sleep(0.6)
    # a half-close counts as leaving: the pending request is dropped, the socket closed
    c = Conn(d)
    c.send({"cmd": "test-sleep", "part": "check"})
    c.s.shutdown(socket.SHUT_WR)
    assert c.f.readline() == b""
    c.close()
    assert "closed while its request was pending" in d.log_text()
    healthy(d)
    assert d.ctl("test-echo", part="check")["ok"]


def test_order_on_one_connection(tandemd):
    d = tandemd(CONF, args=HOOKS)
    ch = running(d, ["vrrp", "check"])
    c = Conn(d)
    reqs = [{"cmd": "test-echo", "part": "check", "i": 0}, {"cmd": "ping"},
            {"cmd": "test-echo", "part": "vrrp", "i": 2}, {"cmd": "no-such"},
            {"cmd": "test-echo", "part": "sync", "i": 4}, {"cmd": "status"},
            {"cmd": "test-echo", "part": "check", "i": 6}]
    c.send(*reqs)
    got = [c.read() for _ in reqs]
    assert got[0]["request"]["i"] == 0 and got[0]["pid"] == ch["check"]["pid"]
    assert got[1] == {"ok": True}
    assert got[2]["request"]["i"] == 2 and got[2]["pid"] == ch["vrrp"]["pid"]
    assert got[3]["error"] == "unknown command: no-such"
    assert got[4]["error"] == "the sync part is not running"
    assert "daemon" in got[5]
    assert got[6]["request"]["i"] == 6
    c.close()


def test_reply_over_frame_limit(tandemd):
    d = tandemd(CONF, args=HOOKS)
    running(d, ["check"])
    base = {"cmd": "test-echo", "part": "check", "text": ""}
    overhead = len(json.dumps(base, separators=(",", ":")))
    # the largest request line the socket takes; its echo is over the 64 KiB IPC frame
    big = dict(base, text="a" * (65536 - overhead))
    assert len(json.dumps(big, separators=(",", ":"))) == 65536
    c = Conn(d)
    r = c.ask(big)
    assert r["ok"] is False and "too large" in r["error"] and "limit 65536" in r["error"]
    # a request whose echo just fits
    fits = dict(base, text="b" * (65536 - overhead - 100))
    r = c.ask(fits)
    assert r["ok"] and r["request"]["text"] == fits["text"]
    c.close()
    healthy(d)


def test_concurrent_clients(tandemd):
    d = tandemd(CONF, args=HOOKS)
    ch = running(d, ["vrrp", "check"])
    pids = {p: ch[p]["pid"] for p in ("vrrp", "check")}
    nclients, per = 10, 10
    results, errors = {}, []
    barrier = threading.Barrier(nclients)

    def client(k):
        try:
            c = Conn(d, timeout=20)
            reqs = [{"cmd": "test-echo", "part": ("vrrp", "check")[(k + i) % 2],
                     "token": f"{k}-{i}-{os.urandom(4).hex()}"} for i in range(per)]
            barrier.wait(10)
            c.send(*reqs)               # all pipelined at once
            results[k] = (reqs, [c.read() for _ in reqs])
            c.close()
        except Exception as e:          # noqa: BLE001 - reported below
            errors.append(f"client {k}: {e!r}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(nclients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(results) == nclients
    n = 0
    for k, (reqs, replies) in results.items():
        for req, rep in zip(reqs, replies):
            assert rep["ok"] is True, rep
            assert rep["request"] == req
            assert rep["part"] == req["part"] and rep["pid"] == pids[req["part"]]
            n += 1
    assert n == 100
    healthy(d)
