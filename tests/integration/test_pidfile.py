"""The pidfile: written with the parent's pid, locked, a second tandemd on the same pidfile
refuses to start with a clear message, removed at stop."""

import subprocess

from tandem import TANDEMD, require_binary

CONF = "global_defs {\n    router_id pid-test\n}\n"


def test_second_daemon_refused(tandemd, workdir):
    d = tandemd(CONF)
    assert int(d.pidfile.read_text()) == d.pid
    other = workdir / "other.sock"
    p = subprocess.run([str(TANDEMD), "-n", "-l", "-f", str(d.conf), "-p", str(d.pidfile),
                        "--control", str(other)], capture_output=True, text=True, timeout=10,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 1
    assert "already running" in p.stderr and str(d.pidfile) in p.stderr
    assert str(d.pid) in p.stderr
    # the first one is unharmed and still owns its pidfile
    assert d.ctl("ping")["ok"]
    assert int(d.pidfile.read_text()) == d.pid
    assert not other.exists()
    assert d.stop() == 0
    assert not d.pidfile.exists()


def test_stale_pidfile_is_taken_over(tandemd, workdir):
    require_binary(TANDEMD)
    pidfile = workdir / "tandemd.pid"
    pidfile.write_text("999999\n")       # left by a crashed daemon: not locked
    d = tandemd(CONF)
    assert int(d.pidfile.read_text()) == d.pid
    assert d.stop() == 0


def test_second_daemon_on_same_socket_refused(tandemd, workdir):
    d = tandemd(CONF)
    p = subprocess.run([str(TANDEMD), "-n", "-l", "-f", str(d.conf), "-p",
                        str(workdir / "other.pid"), "--control", str(d.sock)],
                       capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    assert p.returncode == 1
    assert "in use" in p.stderr
    assert d.ctl("ping")["ok"]


def test_daemonizes_without_n(workdir):
    import os
    import signal
    import time
    from tandem import ctl_request, wait_until
    require_binary(TANDEMD)
    conf = workdir / "d.conf"
    conf.write_text(CONF)
    pidfile, sock = workdir / "d.pid", workdir / "d.sock"
    p = subprocess.run([str(TANDEMD), "-l", "-f", str(conf), "-p", str(pidfile),
                        "--control", str(sock)], capture_output=True, text=True, timeout=10,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    pid = None
    try:
        pid = wait_until(lambda: pidfile.exists() and pidfile.read_text().strip() and
                         int(pidfile.read_text()), timeout=5, what="pidfile")
        wait_until(lambda: sock.exists(), timeout=5, what="control socket")
        st = ctl_request(sock, {"cmd": "status"})
        assert st["daemon"]["pid"] == pid
        assert os.getsid(pid) != os.getsid(0)   # detached into its own session
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not pidfile.exists(), timeout=10, what="pidfile removed")
        wait_until(lambda: not os.path.exists(f"/proc/{pid}"), timeout=5, what="exit")
        assert not sock.exists()
        pid = None
    finally:
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
