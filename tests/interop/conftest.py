"""pytest glue for tests/interop: the fixtures of tests/integration (tandem.py, vrrp_util.py)
plus a `keepalived` factory that runs Debian's keepalived 2.2.7 in a namespace, VRRP only,
in the foreground with its own config, pid files and log, and stops it at teardown."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from tandem import *  # noqa: F401,F403,E402

KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


class Keepalived:
    """keepalived -n -l -D --vrrp -f CONF -p PID -r VPID -c CPID inside ns."""

    def __init__(self, workdir, ns, config, name="keepalived"):
        self.ns, self.name = ns, name
        self.dir = Path(workdir)
        self.conf = self.dir / f"{name}.conf"
        self.log = self.dir / f"{name}.log"
        self.conf.write_text(config)
        self.proc = None
        self._logf = None

    def start(self):
        if not Path(KEEPALIVED).exists():
            pytest.skip("keepalived is not installed")
        self._logf = open(self.log, "ab")
        d = self.dir
        self.proc = self.ns.popen([KEEPALIVED, "-n", "-l", "-D", "--vrrp", "-f", self.conf,
                                   "-p", d / f"{self.name}.pid", "-r", d / f"{self.name}.vpid",
                                   "-c", d / f"{self.name}.cpid"],
                                  stdout=self._logf, stderr=subprocess.STDOUT)
        return self

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass

    def kill(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        self.stop(timeout=5)
        self.kill()
        if self._logf:
            self._logf.close()


@pytest.fixture
def keepalived(workdir, netns, request):
    """Factory: keepalived(ns, config_text, name="keepalived") -> started Keepalived."""
    made = []

    def make(ns, config, name=None, start=True):
        k = Keepalived(workdir, ns, config, name or f"keepalived{len(made) or ''}")
        made.append(k)
        return k.start() if start else k

    yield make
    for k in reversed(made):
        k.close()
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            print(f"----- {k.name} log -----\n" + "\n".join(k.log_text().splitlines()[-60:]))
