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
