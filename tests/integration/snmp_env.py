"""Helpers for the SNMP integration tests (test_snmp_*.py): a real snmpd as AgentX master and
a snmptrapd, both inside a test namespace, and snmpwalk/snmpget wrappers with numeric OIDs.

snmpd listens on udp:127.0.0.1:PORT of the namespace and takes subagents on a unix socket in
the test's work directory; its traps go to the snmptrapd on udp:127.0.0.1:TRAP_PORT, which
writes them to a file. Nothing outside the namespace and the work directory is touched."""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tandem import wait_until

SNMPD = shutil.which("snmpd") or "/usr/sbin/snmpd"
SNMPTRAPD = shutil.which("snmptrapd") or "/usr/sbin/snmptrapd"
SNMPWALK = shutil.which("snmpwalk") or "/usr/bin/snmpwalk"
SNMPGET = shutil.which("snmpget") or "/usr/bin/snmpget"

TANDEM_MIB = "1.3.6.1.4.1.32473.17"
DAEMON = TANDEM_MIB + ".1.1"
CHILDREN = TANDEM_MIB + ".1.2.1"
VRRP = TANDEM_MIB + ".1.3.1"
RS = TANDEM_MIB + ".1.4.1"
VS = TANDEM_MIB + ".1.5.1"
TRAP_RELOAD_FAILED = TANDEM_MIB + ".0.1"
TRAP_VRRP_STATE = TANDEM_MIB + ".0.2"
TRAP_RS_STATE = TANDEM_MIB + ".0.3"
TRAP_QUORUM = TANDEM_MIB + ".0.4"
CHILD_INDEX = {"vrrp": 1, "check": 2, "sync": 3, "snmp": 4}

# the net-snmp tools and daemons load no MIB files (numeric OIDs only) and keep their
# persistent state in the work directory
def _env(workdir):
    return dict(os.environ, MIBS="", SNMP_PERSISTENT_DIR=str(Path(workdir) / "snmp-state"))


def require_snmp_tools():
    for b in (SNMPD, SNMPTRAPD, SNMPWALK, SNMPGET):
        if not Path(b).exists():
            pytest.skip(f"{b} is not installed (make deps)")


class Snmpd:
    """snmpd -f as AgentX master in namespace ns."""

    def __init__(self, ns, workdir, port=16161, trap_port=16162):
        self.ns, self.workdir, self.port, self.trap_port = ns, Path(workdir), port, trap_port
        self.agentx = self.workdir / "agentx.sock"
        self.conf = self.workdir / "snmpd.conf"
        self.log = self.workdir / "snmpd.log"
        self.conf.write_text(
            "master agentx\n"
            f"agentXSocket {self.agentx}\n"
            f"agentaddress udp:127.0.0.1:{port}\n"
            "rocommunity public 127.0.0.1\n"
            f"trap2sink 127.0.0.1:{trap_port} public\n")
        (self.workdir / "snmp-state").mkdir(exist_ok=True)
        self.proc = None
        self._logf = None

    def start(self, timeout=10.0):
        self._logf = open(self.log, "ab")
        self.proc = self.ns.popen([SNMPD, "-f", "-Lo", "-C", "-c", self.conf, "-p",
                                   self.workdir / "snmpd.pid"],
                                  stdout=self._logf, stderr=subprocess.STDOUT,
                                  env=_env(self.workdir))
        # snmpd answers for itself (sysUpTime) once it listens
        wait_until(lambda: self.get("1.3.6.1.2.1.1.3.0", check=False) is not None,
                   timeout=timeout, what="snmpd answering")
        return self

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)
        if self._logf:
            self._logf.close()
            self._logf = None

    close = kill

    def _cmd(self, tool, *args, timeout=10):
        return self.ns.exec(tool, "-v2c", "-c", "public", "-On", "-t", "0.5", "-r", "1",
                            f"127.0.0.1:{self.port}", *args, check=False, timeout=timeout)

    def walk(self, oid=TANDEM_MIB):
        """{oid: (type, value)} of a walk; {} when nothing answers."""
        p = self._cmd(SNMPWALK, "-Ob", "-OU", oid)
        return parse_vars(p.stdout) if p.returncode == 0 else {}

    def get(self, oid, check=True):
        p = self._cmd(SNMPGET, "-OU", oid)
        if p.returncode != 0:
            if check:
                raise RuntimeError(f"snmpget {oid}: {p.stderr.strip()}")
            return None
        v = parse_vars(p.stdout)
        val = v.get("." + oid.lstrip("."))
        if val is None or val[0] in ("No Such Object", "No Such Instance"):
            return None
        return val


class Snmptrapd:
    """snmptrapd -f in namespace ns, writing each trap (numeric OIDs) to a log file."""

    def __init__(self, ns, workdir, port=16162):
        self.ns, self.workdir, self.port = ns, Path(workdir), port
        self.conf = self.workdir / "snmptrapd.conf"
        self.out = self.workdir / "traps.log"
        self.conf.write_text("disableAuthorization yes\n")
        self.proc = None

    def start(self):
        self.out.write_text("")
        self.proc = self.ns.popen([SNMPTRAPD, "-f", "-C", "-c", self.conf, "-On", "-Lf",
                                   self.out, "-p", self.workdir / "snmptrapd.pid",
                                   f"udp:127.0.0.1:{self.port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=_env(self.workdir))
        wait_until(lambda: "NET-SNMP version" in self.text() or self.proc.poll() is not None,
                   timeout=10, what="snmptrapd started")
        assert self.proc.poll() is None, self.text()
        return self

    def text(self):
        try:
            return self.out.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_trap(self, trap_oid, timeout=10.0):
        """The text of the first received notification whose snmpTrapOID is trap_oid."""
        needle = "." + trap_oid.lstrip(".")

        def found():
            for block in self.text().split("\n\n"):
                if re.search(r"\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: " + re.escape(needle)
                             + r"\b", block):
                    return block
            # snmptrapd writes one trap per line group; also accept the one-line format
            for line in self.text().splitlines():
                if f"= OID: {needle}" in line and "1.3.6.1.6.3.1.1.4.1.0" in line:
                    return line
            return None
        return wait_until(found, timeout=timeout, what=f"trap {trap_oid}")

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


_VAR = re.compile(r"^(\.[0-9.]+) = (?:([A-Za-z0-9 -]+): )?(.*)$")


def parse_vars(text):
    """snmpwalk/snmpget -On output -> {oid: (type, value)}; strings unquoted, numbers int."""
    out = {}
    for line in text.splitlines():
        m = _VAR.match(line)
        if not m:
            continue
        oid, typ, val = m.group(1), (m.group(2) or "").strip(), m.group(3).strip()
        if val in ("No Such Object available on this agent at this OID",
                   "No Such Instance currently exists at this OID"):
            typ = "No Such Object"
        if typ == "STRING" or (not typ and val.startswith('"')):
            val = val[1:-1] if val.startswith('"') and val.endswith('"') else val
            typ = typ or "STRING"
        elif typ in ("INTEGER", "Gauge32", "Counter32", "Counter64", "Timeticks"):
            num = re.match(r"\(?(-?\d+)\)?", val)
            val = int(num.group(1)) if num else val
        out[oid] = (typ, val)
    return out


def instance_suffix(name):
    """The index of a VRRP instance row: length, then the name's octets."""
    return "." + ".".join([str(len(name))] + [str(b) for b in name.encode()])
