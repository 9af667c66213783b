"""Shared helpers for tandem's integration tests (tests/integration, tests/interop, VM tests).

Network namespaces, veth links and bridges the tests create (and always remove), tandemd
processes started inside a namespace with their own config, pidfile and control socket, a
client for the control socket (one JSON object per line each way), an event stream with
bounded waits, and a wrapper for build/tandemctl.

The pytest fixtures built on these live at the bottom of this file; conftest.py re-exports
them, so another test directory can use them by putting this directory on sys.path and
doing `from tandem import *` in its conftest.py.
"""

import json
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / os.environ.get("BUILD", "build")
TANDEMD = Path(os.environ.get("TANDEMD", BUILD / "tandemd"))
TANDEMCTL = Path(os.environ.get("TANDEMCTL", BUILD / "tandemctl"))
IP = shutil.which("ip") or "/usr/sbin/ip"

__all__ = [
    "REPO", "BUILD", "TANDEMD", "TANDEMCTL", "run", "wait_until", "is_root",
    "require_root", "require_binary", "Netns", "Veth", "Bridge", "Tandemd",
    "EventStream", "CtlError", "tandemctl", "LO_PARTS", "LO_VRRP", "LO_VS",
    # fixtures
    "workdir", "netns", "veth", "bridge", "tandemd",
]


# ---------------------------------------------------------------------------------------
# small helpers

# A VRRP instance on lo (LO_VRRP) and a virtual server with one TCP-checked real server
# (LO_VS): LO_PARTS is the smallest config with a VRRP child and a check child, for tests about
# the daemon rather than a protocol.
LO_VRRP = """
vrrp_instance VI_1 {
    state BACKUP
    interface lo
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.10/24
    }
}
"""
LO_VS = """virtual_server 192.0.2.10 80 {
    delay_loop 5
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.11 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
"""
LO_PARTS = LO_VRRP + LO_VS


def run(cmd, check=True, timeout=30, input=None):
    """Run a command (list of str/Path), capture text output, raise with it on failure."""
    cmd = [str(c) for c in cmd]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input,
                       stdin=None if input is not None else subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p


def wait_until(pred, timeout=10.0, interval=0.05, what="condition"):
    """Poll pred() until it returns a true value (returned) or timeout (TimeoutError).
    For state that has no event; prefer Tandemd.wait_event where there is one."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def is_root():
    return os.geteuid() == 0


def require_root():
    if not is_root():
        pytest.skip("needs root (network namespaces)")


def require_binary(path):
    if not Path(path).is_file():
        pytest.skip(f"{path} is not built (run make)")


# ---------------------------------------------------------------------------------------
# network namespaces, veth pairs, bridges

class Netns:
    """A named network namespace (`ip netns add`) with lo up. delete() removes it after
    killing every process still inside it."""

    def __init__(self, name):
        self.name = name
        run([IP, "netns", "add", name])
        try:
            self.ip("link", "set", "lo", "up")
        except Exception:
            self.delete()
            raise

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"Netns({self.name!r})"

    def ip(self, *args, check=True, timeout=30):
        """`ip -n NAME args...`"""
        return run([IP, "-n", self.name, *args], check=check, timeout=timeout)

    def exec(self, *cmd, check=True, timeout=30, input=None):
        """Run a command inside the namespace and wait for it."""
        return run([IP, "netns", "exec", self.name, *cmd], check=check, timeout=timeout,
                   input=input)

    def popen(self, cmd, **kw):
        """Start a command inside the namespace (`ip netns exec` execs it, so the Popen's pid
        is the command's own pid). It gets its own session so it can be killed as a group."""
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("start_new_session", True)
        return subprocess.Popen([IP, "netns", "exec", self.name, *[str(c) for c in cmd]], **kw)

    def pids(self):
        p = run([IP, "netns", "pids", self.name], check=False)
        return [int(x) for x in p.stdout.split()] if p.returncode == 0 else []

    def links(self):
        """Interface names in the namespace."""
        out = self.ip("-o", "link", "show").stdout
        return [line.split(":")[1].strip().split("@")[0] for line in out.splitlines()]

    def addrs(self, ifname, family=None):
        """Addresses (with prefix) on an interface; family 4 or 6 to pick one."""
        fam = [f"-{family}"] if family else []
        out = self.ip(*fam, "-o", "addr", "show", "dev", ifname).stdout
        return [line.split()[3] for line in out.splitlines()]

    def exists(self):
        return Path("/run/netns", self.name).exists()

    def delete(self):
        for _ in range(3):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        run([IP, "netns", "del", self.name], check=False)


class Veth:
    """A veth pair: end a in namespace ns_a named if_a, end b in ns_b named if_b."""

    def __init__(self, ns_a, ns_b, if_a="eth0", if_b="eth0", addr_a=None, addr_b=None,
                 mtu=None):
        self.ns_a, self.ns_b, self.if_a, self.if_b = ns_a, ns_b, if_a, if_b
        # created inside ns_a with the peer placed straight into ns_b: names only have to
        # be unique within each namespace, and nothing ever appears in the root namespace
        ns_a.ip("link", "add", if_a, "type", "veth", "peer", "name", if_b, "netns", ns_b.name)
        for ns, ifn, addr in ((ns_a, if_a, addr_a), (ns_b, if_b, addr_b)):
            if mtu:
                ns.ip("link", "set", ifn, "mtu", str(mtu))
            if addr:
                ns.ip("addr", "add", addr, "dev", ifn)
            ns.ip("link", "set", ifn, "up")

    def __repr__(self):
        return f"Veth({self.ns_a}:{self.if_a} <-> {self.ns_b}:{self.if_b})"

    def delete(self):
        self.ns_a.ip("link", "del", self.if_a, check=False)


class Bridge:
    """A Linux bridge `br0` inside its own namespace `ns`, joining member namespaces: each
    attach() adds a veth whose member end is `ifname` and whose bridge end is a port of br0.
    Deleting the bridge namespace removes every port (and so the member ends)."""

    def __init__(self, ns):
        self.ns = ns
        self.ports = []
        ns.ip("link", "add", "br0", "type", "bridge")
        # no STP delay: ports forward at once
        ns.ip("link", "set", "br0", "type", "bridge", "forward_delay", "0", "stp_state", "0")
        ns.ip("link", "set", "br0", "up")

    def attach(self, member, ifname="eth0", addr=None):
        port = f"p{len(self.ports)}"
        link = Veth(self.ns, member, port, ifname, addr_b=addr)
        self.ns.ip("link", "set", port, "master", "br0")
        self.ports.append((member, ifname, port, link))
        return link


# ---------------------------------------------------------------------------------------
# control socket client and tandemd processes

class CtlError(Exception):
    """The control socket could not be reached or did not answer in time."""


def _connect(path, timeout):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(str(path))
    except OSError as e:
        s.close()
        raise CtlError(f"connect {path}: {e}") from e
    return s


class _LineReader:
    """Reads newline-terminated lines from a socket with an overall deadline per call."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def readline(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no complete line in time")
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            if not chunk:
                self.eof = True
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


def ctl_request(path, obj, timeout=5.0):
    """One request, one reply line, parsed. obj may be a dict or raw bytes (sent as is)."""
    data = obj if isinstance(obj, (bytes, bytearray)) else (json.dumps(obj) + "\n").encode()
    with _connect(path, timeout) as s:
        s.sendall(data)
        try:
            line = _LineReader(s).readline(timeout)
        except TimeoutError as e:
            raise CtlError(f"no reply from {path} within {timeout}s to {obj!r}") from e
    if line is None:
        raise CtlError(f"{path} closed the connection without a reply to {obj!r}")
    return json.loads(line)


def _matches(event, pred):
    if callable(pred):
        return pred(event)
    return all(event.get(k) == v for k, v in pred.items())


class EventStream:
    """A subscription to the daemon's ordered event stream ({"cmd":"events"}).
    Use as a context manager; next() returns the next event or None at end of stream."""

    def __init__(self, path, since=None, type=None, timeout=5.0):
        self.sock = _connect(path, timeout)
        self.reader = _LineReader(self.sock)
        self.seen = []
        req = {"cmd": "events"}
        if since is not None:
            req["since"] = since
        if type is not None:
            req["type"] = type          # only events whose type starts with this
        self.sock.sendall((json.dumps(req) + "\n").encode())
        line = self.reader.readline(timeout)
        if line is None:
            raise CtlError("events: connection closed")
        reply = json.loads(line)
        if not reply.get("ok") or not reply.get("streaming"):
            raise CtlError(f"events refused: {reply}")

    def next(self, timeout=10.0):
        line = self.reader.readline(timeout)
        if line is None:
            return None
        ev = json.loads(line)
        self.seen.append(ev)
        return ev

    def wait_event(self, pred, timeout=10.0):
        """The first further event matching pred (a callable, or a dict of field values that
        must all be equal). TimeoutError lists the events seen meanwhile."""
        deadline = time.monotonic() + timeout
        start = len(self.seen)
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                ev = self.next(left)
            except TimeoutError:
                raise TimeoutError(f"no event matching {pred!r} within {timeout}s; "
                                   f"saw {self.seen[start:]}") from None
            if ev is None:
                raise CtlError(f"event stream closed while waiting for {pred!r}; "
                               f"saw {self.seen[start:]}")
            if _matches(ev, pred):
                return ev

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Tandemd:
    """One tandemd: config, pidfile, control socket and log under `workdir`, run with
    `-n -l -f CONF -p PIDFILE --control SOCK [args]` inside namespace `ns` (None: the
    current one). start() returns once the socket answers ping."""

    def __init__(self, workdir, config, ns=None, name="tandemd", args=(), env=None):
        self.workdir = Path(workdir)
        self.ns = ns
        self.name = name
        self.args = [str(a) for a in args]
        self.env = env
        self.conf = self.workdir / f"{name}.conf"
        self.pidfile = self.workdir / f"{name}.pid"
        self.sock = self.workdir / f"{name}.sock"
        self.logfile = self.workdir / f"{name}.log"
        self.proc = None
        self._log = None
        self.write_config(config)

    def write_config(self, text):
        """Replace the config file (follow with reload() or SIGHUP)."""
        self.conf.write_text(text)

    def command(self):
        cmd = [str(TANDEMD), "-n", "-l", "-f", str(self.conf), "-p", str(self.pidfile),
               "--control", str(self.sock), *self.args]
        if self.ns is not None:
            cmd = [IP, "netns", "exec", self.ns.name, *cmd]
        return cmd

    def start(self, timeout=10.0, wait=True):
        require_binary(TANDEMD)
        self._log = open(self.logfile, "ab")
        env = dict(os.environ, **(self.env or {}))
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True, env=env)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=10.0):
        """Until the control socket answers ping; fails early if the daemon exits."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.proc.returncode} during start-up:\n"
                                   f"{self.log_tail()}")
            try:
                if ctl_request(self.sock, {"cmd": "ping"}, timeout=1.0).get("ok"):
                    return
            except (CtlError, ValueError, OSError):
                pass
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.name}: control socket {self.sock} not answering after "
                                   f"{timeout}s:\n{self.log_tail()}")
            time.sleep(0.05)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def ctl(self, cmd, timeout=5.0, **args):
        """Send {"cmd": cmd, **args}; the parsed reply."""
        return ctl_request(self.sock, {"cmd": cmd, **args}, timeout=timeout)

    def ctl_raw(self, data, timeout=5.0):
        """Send raw bytes; the parsed first reply line (CtlError if closed without one)."""
        return ctl_request(self.sock, bytes(data), timeout=timeout)

    def status(self):
        return self.ctl("status")

    def children(self):
        """The status's children by name."""
        return {c["name"]: c for c in self.status()["children"]}

    def wait_running(self, names, timeout=10):
        """Wait until every child in names runs (state running, a pid); the children."""
        def ok():
            ch = self.children()
            return all(n in ch and ch[n]["state"] == "running" and ch[n]["pid"] > 0
                       for n in names) and ch
        return wait_until(ok, timeout=timeout, what=f"children {names} running")

    def reload(self, timeout=10.0):
        return self.ctl("reload", timeout=timeout)

    def events(self, since=None, type=None, timeout=5.0):
        """An EventStream; open it BEFORE causing what you wait for, or pass since=SEQ
        (events with a greater seq are replayed from the daemon's ring first)."""
        return EventStream(self.sock, since=since, type=type, timeout=timeout)

    def wait_event(self, pred, timeout=10.0, since=0):
        """Wait for a matching event, replaying the daemon's recent-event ring from `since`
        (default: everything retained), so an event that already happened is found too."""
        with self.events(since=since) as ev:
            return ev.wait_event(pred, timeout)

    def child_pid(self, child):
        for c in self.status().get("children", []):
            if c.get("name") == child:
                return c.get("pid")
        return None

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def tandemctl(self, *args, timeout=10.0):
        return tandemctl("--control", self.sock, *args, timeout=timeout)

    def stop(self, timeout=10.0):
        """SIGTERM and wait; SIGKILL (whole process group) if it does not exit in time.
        Returns the exit status (negative: killed by that signal)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def kill(self):
        """SIGKILL the daemon's process group (it and any children that did not leave it)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        """Teardown: stop if still running, reap, close the log."""
        if self.proc is not None and self.proc.poll() is None:
            self.stop(timeout=5)
        if self.proc is not None:
            # children that survived the parent (they should not) are killed with the group
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._log:
            self._log.close()
            self._log = None

    def log_text(self):
        try:
            return self.logfile.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, n=40):
        return "\n".join(self.log_text().splitlines()[-n:])


def tandemctl(*args, timeout=10.0, ns=None, check=False):
    """Run build/tandemctl with args; returns (returncode, stdout, stderr)."""
    require_binary(TANDEMCTL)
    cmd = [str(TANDEMCTL), *[str(a) for a in args]]
    if ns is not None:
        cmd = [IP, "netns", "exec", ns.name, *cmd]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise RuntimeError(f"tandemctl {' '.join(cmd[1:])} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------------------------------
# pytest fixtures (function scope; everything created is removed at teardown, also when
# the test fails)

@pytest.fixture
def workdir():
    """A short private directory (Unix socket paths must stay under 108 bytes).
    Kept after a failure when TDM_KEEP=1."""
    d = Path(tempfile.mkdtemp(prefix="tdm-"))
    yield d
    if os.environ.get("TDM_KEEP") != "1":
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def netns():
    """Factory: netns("a") -> Netns named tdm-<random>-a (one random tag per test).
    Skips the test when not root (at the first call, so depending on it costs nothing)."""
    tag = secrets.token_hex(3)
    made = []

    def make(suffix="ns"):
        require_root()
        ns = Netns(f"tdm-{tag}-{suffix}")
        made.append(ns)
        return ns

    yield make
    for ns in reversed(made):
        ns.delete()


@pytest.fixture
def veth():
    """Factory: veth(ns1, ns2, "eth0", "eth0", addr_a=None, addr_b=None) -> Veth."""
    made = []

    def make(ns_a, ns_b, if_a="eth0", if_b="eth0", addr_a=None, addr_b=None, **kw):
        link = Veth(ns_a, ns_b, if_a, if_b, addr_a, addr_b, **kw)
        made.append(link)
        return link

    yield make
    for link in reversed(made):
        if link.ns_a.exists():
            link.delete()


@pytest.fixture
def bridge(netns):
    """Factory: bridge(ns1, ns2, ..., ifname="eth0", addrs=None) -> Bridge in a new namespace
    "lan<N>" with a port for each member (more with Bridge.attach)."""
    count = [0]

    def make(*members, ifname="eth0", addrs=None):
        br = Bridge(netns(f"lan{count[0]}"))
        count[0] += 1
        for i, m in enumerate(members):
            br.attach(m, ifname, addrs[i] if addrs else None)
        return br

    return make


@pytest.fixture
def tandemd(workdir, netns, request):
    """Factory: tandemd(config_text, ns=None, name="tandemd", args=(), start=True) -> Tandemd.
    Every daemon is stopped (SIGKILL if need be) at teardown, before any namespace goes away
    (hence the dependency on netns); the logs of a failed test are printed so pytest shows
    them."""
    made = []

    def make(config, ns=None, name=None, args=(), start=True, env=None, timeout=10.0):
        name = name or (f"tandemd{len(made)}" if made else "tandemd")
        d = Tandemd(workdir, config, ns=ns, name=name, args=args, env=env)
        made.append(d)
        if start:
            d.start(timeout=timeout)
        return d

    yield make
    for d in reversed(made):
        d.close()
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            print(f"----- {d.name} log ({d.logfile}) -----\n{d.log_tail(80)}")
