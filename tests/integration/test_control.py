"""Control socket robustness and tandemctl: bad input (invalid JSON, non-objects, unknown
commands, a 70 KiB line, abrupt closes), a subscriber that never reads while 10,000 events
are generated, permission checks, tandemctl exit codes and output, the notify FIFO. After
each abuse the daemon must still answer status."""

import json
import os
import select
import socket
import subprocess
import time

import pytest

from tandem import LO_VRRP, TANDEMCTL, require_binary, tandemctl

CONF = """
global_defs {
    router_id ctl-test
}""" + LO_VRRP


def connect(d):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(str(d.sock))
    return s


_pending = {}


def read_line(s, timeout=5):
    """Next reply line on socket s (lines that arrived together are kept for later calls);
    None at EOF."""
    buf = _pending.pop(s.fileno(), b"")
    deadline = time.monotonic() + timeout
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        assert left > 0, f"no reply line, got {buf!r}"
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return None
        buf += chunk
    line, rest = buf.split(b"\n", 1)
    if rest:
        _pending[s.fileno()] = rest
    return json.loads(line)


def healthy(d):
    st = d.status()
    assert st["ok"] is True and st["daemon"]["pid"] == d.pid
    return st


@pytest.mark.parametrize("data,fragment", [
    (b"this is not json\n", "malformed"),
    (b"{\"cmd\": \n", "malformed"),
    (b"[1,2,3]\n", "not a JSON object"),
    (b"\"status\"\n", "not a JSON object"),
    (b"{}\n", "cmd"),
    (b"{\"cmd\": 5}\n", "cmd"),
    (b"{\"cmd\":\"frobnicate\"}\n", "unknown command"),
    (b"{\"cmd\":\"status\"} trailing\n", "malformed"),
    (b"[" * 100 + b"]" * 100 + b"\n", "malformed"),
    (b"{\"cmd\":\"ping\",\"x\":\"\xff\xfe\"}\n", None),
])
def test_bad_requests(tandemd, data, fragment):
    d = tandemd(CONF)
    r = d.ctl_raw(data)
    if fragment is None:        # bytes json-c accepts: any well-formed reply will do
        assert "ok" in r
    else:
        assert r["ok"] is False and fragment in r["error"]
    healthy(d)


def test_connection_survives_errors(tandemd):
    d = tandemd(CONF)
    with connect(d) as s:
        s.sendall(b"garbage\n{\"cmd\":\"nope\"}\n\n{\"cmd\":\"ping\"}\r\n")
        assert read_line(s)["ok"] is False
        r2 = read_line(s)
        assert r2["ok"] is False and "unknown command" in r2["error"]
        assert read_line(s) == {"ok": True}


def test_oversize_line_closes(tandemd):
    d = tandemd(CONF)
    with connect(d) as s:
        try:
            s.sendall(b"{\"cmd\":\"ping\",\"pad\":\"" + b"x" * (70 * 1024))
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            r = read_line(s)
        except (ConnectionResetError, json.JSONDecodeError):
            r = None
        assert r is None or (r["ok"] is False and "longer" in r["error"])
        # the connection is closed by the daemon
        s.settimeout(5)
        try:
            while s.recv(65536):
                pass
        except ConnectionResetError:
            pass
    healthy(d)


def test_abrupt_close(tandemd):
    d = tandemd(CONF)
    for data in (b"", b"{\"cmd\":\"sta", b"{\"cmd\":\"status\"}\n", b"{\"cmd\":\"events\"}\n"):
        s = connect(d)
        if data:
            s.sendall(data)
        # RST instead of FIN
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    healthy(d)


def test_slow_subscriber_is_dropped(tandemd):
    d = tandemd(CONF, args=["--test-hooks"])
    slow = connect(d)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.sendall(b"{\"cmd\":\"events\"}\n")
    time.sleep(0.2)             # let the subscription register; then never read again
    t0 = time.monotonic()
    r = d.ctl("test-emit", count=10000, timeout=30)
    assert r == {"ok": True, "emitted": 10000}
    assert time.monotonic() - t0 < 20
    st = healthy(d)
    assert st["daemon"]["control_clients_dropped"] >= 1
    assert st["daemon"]["event_seq"] >= 10000
    # the slow client gets what fit in the buffers, then EOF
    slow.settimeout(5)
    got = b""
    try:
        while True:
            chunk = slow.recv(1 << 20)
            if not chunk:
                break
            got += chunk
    except ConnectionResetError:
        pass
    slow.close()
    lines = got.split(b"\n")
    assert len(lines) < 10000
    assert json.loads(lines[0]).get("streaming") is True
    assert "slow reader" in d.log_text()


def test_fast_subscriber_gets_every_event_in_order(tandemd):
    d = tandemd(CONF, args=["--test-hooks"])
    with d.events() as evs:
        assert d.ctl("test-emit", count=2000, timeout=30)["ok"]
        seqs = []
        while len(seqs) < 2000:
            ev = evs.wait_event({"type": "test.event"})
            seqs.append(ev["seq"])
            assert ev["n"] == len(seqs) - 1
            assert ev["ts"].endswith("Z") and ev["mono_ns"] > 0
    assert seqs == list(range(seqs[0], seqs[0] + 2000))


def test_test_emit_needs_flag(tandemd):
    d = tandemd(CONF)
    r = d.ctl("test-emit", count=1)
    assert r["ok"] is False and "unknown command" in r["error"]


def test_events_since_and_type(tandemd):
    d = tandemd(CONF, args=["--test-hooks"])
    d.ctl("test-emit", count=5)
    with d.events(since=0) as evs:
        first = evs.next()
        assert first["type"] == "daemon.start" and first["seq"] == 1
    rc, out, err = d.tandemctl("--json", "events", "--since", "0", "--type", "test.",
                               "--count", "5", "--timeout", "5")
    assert rc == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    assert lines[0]["streaming"] is True
    assert [e["n"] for e in lines[1:]] == [0, 1, 2, 3, 4]
    rc, out, err = d.tandemctl("events", "--since", "0", "--count", "1")
    assert rc == 0 and "daemon.start" in out
    # no matching events in time: exit 3
    rc, _, _ = d.tandemctl("events", "--type", "nothing.", "--count", "1", "--timeout", "0.5")
    assert rc == 3


def test_tandemctl_status_and_exit_codes(tandemd, workdir):
    d = tandemd(CONF)
    rc, out, err = d.tandemctl("status")
    assert rc == 0, err
    assert "generation 1" in out and "vrrp" in out and "CHILD" in out
    rc, out, _ = d.tandemctl("--json", "status")
    assert rc == 0 and json.loads(out)["daemon"]["pid"] == d.pid
    rc, out, _ = d.tandemctl("ping")
    assert rc == 0 and "pong" in out
    assert d.tandemctl("bogus")[0] == 2
    assert d.tandemctl()[0] == 2
    assert d.tandemctl("status", "--count", "3")[0] == 2
    rc, _, err = tandemctl("--control", workdir / "absent.sock", "status")
    assert rc == 3 and "cannot connect" in err
    env_rc = subprocess.run([str(TANDEMCTL), "ping"], capture_output=True, text=True,
                            env=dict(os.environ, TANDEM_CONTROL=str(d.sock)), timeout=10)
    assert env_rc.returncode == 0


def test_tandemctl_exit_3_when_daemon_stops(tandemd):
    d = tandemd(CONF)
    require_binary(TANDEMCTL)
    p = subprocess.Popen([str(TANDEMCTL), "--control", str(d.sock), "--json", "events"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        r, _, _ = select.select([p.stdout], [], [], 5)
        assert r, "no streaming reply from tandemctl events"
        assert json.loads(p.stdout.readline())["streaming"] is True
        assert d.stop() == 0
        out, _ = p.communicate(timeout=10)
        assert p.returncode == 3
        assert "daemon.stop" in out
    finally:
        if p.poll() is None:
            p.kill()


def test_permission_denied_for_nobody(tandemd, workdir):
    if os.geteuid() != 0:
        pytest.skip("needs root to switch user")
    d = tandemd(CONF)
    os.chmod(workdir, 0o755)
    cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
           str(TANDEMCTL), "--control", str(d.sock), "status"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    assert p.returncode in (3, 4), p.stderr
    # even with the socket opened up at the file level, the daemon checks credentials
    os.chmod(d.sock, 0o666)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    assert p.returncode == 4, (p.returncode, p.stdout, p.stderr)
    assert "permission denied" in p.stderr
    assert "permission denied" in d.log_text()
    healthy(d)


def test_socket_group_member_allowed(tandemd, workdir):
    if os.geteuid() != 0:
        pytest.skip("needs root to switch user")
    d = tandemd(CONF.replace("router_id ctl-test",
                             "router_id ctl-test\n    control_socket_group nogroup"))
    os.chmod(workdir, 0o755)
    assert d.sock.stat().st_gid == 65534
    p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        str(TANDEMCTL), "--control", str(d.sock), "ping"],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 0, p.stderr


def test_notify_fifo_gets_events(tandemd, workdir):
    fifo = workdir / "events.fifo"
    d = tandemd(CONF.replace("router_id ctl-test",
                             f"router_id ctl-test\n    notify_fifo {fifo}\n"
                             "    notify_fifo_format json"),
                args=["--test-hooks"])
    assert fifo.exists()
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        d.ctl("test-emit", count=3)
        data = b""
        deadline = time.monotonic() + 5
        while data.count(b"\n") < 3 and time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                data += os.read(fd, 65536)
        evs = [json.loads(x) for x in data.splitlines()]
        tests = [e for e in evs if e["type"] == "test.event"]
        assert [e["n"] for e in tests] == [0, 1, 2]
        # nobody drains the FIFO: it fills, events are dropped and counted, nothing blocks
        r = d.ctl("test-emit", count=5000, timeout=30)
        assert r["ok"]
        assert healthy(d)["daemon"]["notify_fifo"]["dropped"] > 0
    finally:
        os.close(fd)


def test_replay_of_a_full_ring_is_paced_not_dropped(tandemd):
    d = tandemd(CONF, args=["--test-hooks"])
    assert d.ctl("test-emit", count=6000, timeout=30)["ok"]
    last = d.status()["daemon"]["event_seq"]
    rc, out, err = d.tandemctl("--json", "events", "--since", "0", "--type", "test.",
                               "--count", "4000", "--timeout", "20", timeout=30)
    assert rc == 0, err
    evs = [json.loads(x) for x in out.splitlines()[1:]]
    assert len(evs) == 4000
    seqs = [e["seq"] for e in evs]
    assert seqs == list(range(seqs[0], seqs[0] + 4000))
    assert seqs[0] > last - 4096 - 1        # only the retained ring is replayed
    assert healthy(d)["daemon"]["control_clients_dropped"] == 0
