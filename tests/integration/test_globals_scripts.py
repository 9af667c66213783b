"""Scripts and files of the tandemd parent (docs/config.md): startup_script before the
children start and shutdown_script after they stopped (bounded by their timeouts), the notify
FIFO reader scripts, pid file and control socket named after `instance` / `use_pid_dir`, the
reload_check_config log, random_seed."""

import os
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tandem import LO_VRRP, TANDEMD, ctl_request, require_binary, require_root, run, wait_until

PARTS = LO_VRRP


def script(path, body):
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def pids_with(marker):
    """pids of processes whose command line contains marker"""
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            if marker.encode() in (p / "cmdline").read_bytes():
                out.append(int(p.name))
        except OSError:
            pass
    return out


def test_startup_script_runs_before_children(tandemd, netns, workdir):
    out = workdir / "startup.out"
    s = script(workdir / "start.sh", f"echo begin > {out}\nsleep 1\necho end >> {out}\n")
    d = tandemd(f"global_defs {{\n    startup_script {s} root\n}}\n" + PARTS, ns=netns("g"))
    # the daemon answers at once; the vrrp child comes only after the script ended
    assert d.children().get("vrrp", {}).get("pid") in (None, 0)
    wait_until(lambda: d.children().get("vrrp", {}).get("state") == "running", timeout=10,
               what="vrrp child after the startup script")
    assert out.read_text() == "begin\nend\n"
    log = d.log_text()
    assert f"startup_script: running {s} as root (timeout 10 s)" in log
    assert "startup_script exited 0" in log


def test_startup_script_timeout(tandemd, netns, workdir):
    marker = f"tdmstart{secrets.token_hex(4)}"
    s = script(workdir / "slow.sh", f"sleep 30 # {marker}\n")
    d = tandemd(f"global_defs {{\n    startup_script \"{s} {marker}\" root\n"
                "    startup_script_timeout 1\n}\n" + PARTS, ns=netns("g"))
    t0 = time.monotonic()
    wait_until(lambda: d.children().get("vrrp", {}).get("state") == "running", timeout=10,
               what="vrrp child after the timeout")
    assert time.monotonic() - t0 < 5
    assert "startup_script killed at its timeout; starting the children anyway" in d.log_text()
    wait_until(lambda: not pids_with(marker), timeout=5, what="startup script killed")


def test_shutdown_script_after_children(tandemd, netns, workdir):
    out = workdir / "shutdown.out"
    # $PPID is tandemd: by now it has no child but this script
    s = script(workdir / "stop.sh", f"kids=$(cat /proc/$PPID/task/$PPID/children)\n"
                                    f"echo $kids > {out}\necho $$ >> {out}\n")
    d = tandemd(f"global_defs {{\n    shutdown_script {s} root\n    shutdown_script_timeout 5\n}}\n"
                + PARTS, ns=netns("g"))
    wait_until(lambda: d.children().get("vrrp", {}).get("state") == "running", timeout=10,
               what="vrrp child")
    assert d.stop() == 0
    kids, me = out.read_text().split("\n")[:2]
    assert kids.split() == [me]
    assert "shutdown_script exited 0" in d.log_text()


def test_shutdown_script_timeout(tandemd, workdir):
    marker = f"tdmstop{secrets.token_hex(4)}"
    s = script(workdir / "hang.sh", "sleep 30\n")
    d = tandemd(f"global_defs {{\n    shutdown_script \"{s} {marker}\" root\n"
                "    shutdown_script_timeout 1\n}\n")
    t0 = time.monotonic()
    assert d.stop(timeout=10) == 0
    assert 0.9 < time.monotonic() - t0 < 5
    assert "shutdown_script killed at its timeout" in d.log_text()
    wait_until(lambda: not pids_with(marker), timeout=5, what="shutdown script killed")


VS = """
virtual_server 127.0.0.1 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 9 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
"""


def test_notify_fifo_scripts(tandemd, netns, workdir):
    fifo, vfifo, lfifo = workdir / "all.fifo", workdir / "vrrp.fifo", workdir / "lvs.fifo"
    out, vout, lout = workdir / "all.out", workdir / "vrrp.out", workdir / "lvs.out"
    reader = script(workdir / "reader.sh",
                    'out=$1; shift\nwhile read -r line; do echo "$line" >> "$out"; done < "$1"\n')
    conf = (f"global_defs {{\n    notify_fifo {fifo}\n    notify_fifo_script \"{reader} {out}\" root\n"
            f"    vrrp_notify_fifo {vfifo}\n    vrrp_notify_fifo_script \"{reader} {vout}\" root\n"
            f"    lvs_notify_fifo {lfifo}\n    lvs_notify_fifo_script \"{reader} {lout}\" root\n"
            "}\n" + PARTS.replace("state BACKUP", "state MASTER") + VS)
    d = tandemd(conf, ns=netns("g"))
    # the readers run with the FIFO as their last argument
    wait_until(lambda: pids_with(str(fifo)) and pids_with(str(vfifo)) and pids_with(str(lfifo)),
               timeout=5, what="FIFO readers running")
    rpids = set(pids_with(str(fifo)))
    wait_until(lambda: vout.exists() and 'INSTANCE "VI_1" MASTER' in vout.read_text(),
               timeout=15, what="vrrp FIFO line through the reader")
    wait_until(lambda: out.exists() and 'INSTANCE "VI_1" MASTER' in out.read_text(),
               timeout=5, what="notify_fifo line through the reader")
    wait_until(lambda: lout.exists() and "127.0.0.1]:tcp:9" in lout.read_text() and
               "DOWN" in lout.read_text(), timeout=15, what="lvs FIFO line through the reader")
    assert d.reload()["ok"]
    assert set(pids_with(str(fifo))) == rpids      # unchanged config: same reader
    # a restarted writer (the vrrp child) does not end the reader: the parent holds the FIFO
    vpids = set(pids_with(str(vfifo)))
    os.kill(d.children()["vrrp"]["pid"], signal.SIGKILL)
    wait_until(lambda: d.children().get("vrrp", {}).get("state") == "running" and
               d.children()["vrrp"]["restarts"] == 1, timeout=10, what="vrrp child restarted")
    assert set(pids_with(str(vfifo))) == vpids
    # a config without the script stops the reader
    d.write_config(conf.replace(f"    notify_fifo_script \"{reader} {out}\" root\n", ""))
    assert d.reload()["ok"]
    wait_until(lambda: not pids_with(str(fifo)), timeout=5, what="reader stopped")
    d.stop()
    wait_until(lambda: not pids_with(str(vfifo)) and not pids_with(str(lfifo)), timeout=5,
               what="readers stopped at shutdown")


def _start_bare(conf, args=(), env=None):
    require_binary(TANDEMD)
    return subprocess.Popen([str(TANDEMD), "-n", "-l", "-f", str(conf), *map(str, args)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)


@pytest.mark.parametrize("pid_dir", [False, True])
def test_instance_names_pidfile_and_socket(workdir, pid_dir):
    require_root()
    name = f"tdmt{secrets.token_hex(3)}"
    conf = workdir / "i.conf"
    conf.write_text(f"instance {name}\n" + ("use_pid_dir\n" if pid_dir else "") +
                    "global_defs {\n    router_id i\n}\n")
    if pid_dir:
        pidfile, sock = Path(f"/run/tandem/{name}/tandemd.pid"), Path(f"/run/tandem/{name}/tandemd.sock")
    else:
        pidfile, sock = Path(f"/run/tandem/tandemd_{name}.pid"), Path(f"/run/tandem/tandemd_{name}.sock")
    p = _start_bare(conf)
    try:
        wait_until(lambda: sock.exists() and pidfile.exists() and pidfile.read_text().strip(),
                   timeout=10, what="pid file and socket")
        assert int(pidfile.read_text()) == p.pid
        assert ctl_request(sock, {"cmd": "ping"})["ok"]
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)
        if pid_dir:
            shutil.rmtree(pidfile.parent, ignore_errors=True)
    assert not pidfile.exists() and not sock.exists()


def test_reload_check_config_log(tandemd, workdir):
    log = workdir / "check.log"
    good = f"global_defs {{\n    router_id r\n    reload_check_config {log}\n}}\n"
    d = tandemd(good)
    d.write_config(good + "vrrp_instance X {\n    priority 300\n}\n")
    assert not d.reload()["ok"]
    text = log.read_text()
    assert "error: expected <priority> 1..255, got '300'" in text
    assert "reload refused" in text
    d.write_config(good)
    assert d.reload()["ok"]
    assert "0 error(s)" in log.read_text() and "reloaded" in log.read_text()


def test_random_seed(workdir):
    require_binary(TANDEMD)
    conf = workdir / "r.conf"

    def dump(seed):
        conf.write_text("global_defs {\n" + (f"    random_seed {seed}\n" if seed else "") +
                        "    router_id r${_RANDOM 1 1000000}\n}\n")
        return run([TANDEMD, "--dump-config", "-f", conf]).stdout

    assert dump(7) == dump(7)
    assert dump(7) != dump(8)


class Inotify:
    """Names created, opened and deleted in one directory, in order (Linux inotify)."""
    IN_OPEN, IN_CREATE, IN_DELETE = 0x20, 0x100, 0x200

    def __init__(self, path):
        import ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK)
        assert self.fd >= 0
        wd = self.libc.inotify_add_watch(self.fd, str(path).encode(),
                                         self.IN_OPEN | self.IN_CREATE | self.IN_DELETE)
        assert wd >= 0

    def events(self):
        import struct
        out = []
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return out
            i = 0
            while i < len(buf):
                _, mask, _, n = struct.unpack_from("iIII", buf, i)
                name = buf[i + 16:i + 16 + n].rstrip(b"\0").decode()
                kind = ("open" if mask & self.IN_OPEN else "create" if mask & self.IN_CREATE
                        else "delete")
                out.append((kind, name))
                i += 16 + n

    def close(self):
        os.close(self.fd)


def test_reload_file(tandemd, workdir):
    """reload_file exists while a reload reads the config: created before the config file is
    opened, deleted after."""
    rf = workdir / "cfg.reload"
    d = tandemd(f"global_defs {{\n    router_id r\n    reload_file {rf}\n}}\n")
    watch = Inotify(workdir)
    try:
        assert d.reload()["ok"]
        ev = [e for e in watch.events() if e[1] in (rf.name, d.conf.name)]
    finally:
        watch.close()
    assert ("create", rf.name) in ev and ("delete", rf.name) in ev, ev
    created, deleted = ev.index(("create", rf.name)), ev.index(("delete", rf.name))
    assert ("open", d.conf.name) in ev[created:deleted], ev
    assert not rf.exists()


def _utc_in(seconds):
    return time.strftime("%H:%M:%SZ", time.gmtime(time.time() + seconds))


@pytest.mark.parametrize("repeat", [False, True])
def test_reload_time_file(tandemd, workdir, repeat):
    """A time written into reload_time_file schedules a reload; the file is removed after it
    unless reload_repeat. Writing the file while tandemd runs is noticed."""
    tf = workdir / "reload.at"
    d = tandemd(f"global_defs {{\n    router_id t\n    reload_time_file {tf}\n" +
                ("    reload_repeat\n" if repeat else "") + "}\n")
    with d.events(type="config.reload") as evs:
        tf.write_text(_utc_in(2) + "\n")
        t0 = time.monotonic()
        ev = evs.wait_event({"type": "config.reload"}, timeout=10)
    assert ev["ok"] and ev["source"] == "reload_time_file"
    assert 0.5 < time.monotonic() - t0 < 6
    assert tf.exists() == repeat
    assert "reload_time_file" in d.log_text() and "reload scheduled in" in d.log_text()


def test_reload_time_file_past_or_bad(tandemd, workdir):
    tf = workdir / "reload.at"
    tf.write_text("2001-01-01 00:00:00Z\n")
    d = tandemd(f"global_defs {{\n    router_id t\n    reload_time_file {tf}\n}}\n")
    assert "the time is past: no reload scheduled" in d.log_text()
    tf.write_text("soon\n")
    wait_until(lambda: "'soon' is not HH:MM:SS" in d.log_text(), timeout=10,
               what="bad time reported")
    with d.events(type="config.reload") as evs:
        with pytest.raises(TimeoutError):
            evs.wait_event({"type": "config.reload"}, timeout=2)
    assert tf.exists()


def test_enable_script_security(tandemd, netns, workdir):
    """With enable_script_security a root startup script that others may change is not run;
    the children start all the same. A safe one runs."""
    out = workdir / "ran"
    unsafe = script(workdir / "unsafe.sh", f"echo x > {out}\n")
    unsafe.chmod(0o777)
    d = tandemd(f"global_defs {{\n    enable_script_security\n    startup_script {unsafe} root\n}}\n"
                + PARTS, ns=netns("g"))
    wait_until(lambda: d.children().get("vrrp", {}).get("state") == "running", timeout=10,
               what="vrrp child")
    assert f"script '{unsafe}' not run as root (enable_script_security)" in d.log_text()
    assert not out.exists()
    d.stop()
    unsafe.chmod(0o755)
    d2 = tandemd(f"global_defs {{\n    enable_script_security\n    startup_script {unsafe} root\n}}\n",
                 name="safe")
    wait_until(lambda: "startup_script exited 0" in d2.log_text(), timeout=10,
               what="safe script run")
    assert out.read_text() == "x\n"


def test_startup_script_reload_and_stop_while_it_runs(tandemd, netns, workdir):
    """A reload while startup_script runs is taken; the children then start with the newest
    config. A stop while it runs kills it and ends tandemd at once."""
    marker = f"tdmwait{secrets.token_hex(4)}"
    s = script(workdir / "wait.sh", "sleep 3\n")
    conf = f"global_defs {{\n    startup_script \"{s} {marker}\" root\n}}\n"
    ns = netns("g")
    d = tandemd(conf, ns=ns)
    d.write_config(conf + PARTS)
    assert d.reload()["ok"]
    assert not d.status()["children"] or all(c["pid"] in (None, 0) for c in d.status()["children"])
    wait_until(lambda: d.children().get("vrrp", {}).get("state") == "running", timeout=10,
               what="vrrp child of the reloaded config")
    assert d.children()["vrrp"]["generation"] == 2
    d.stop()

    d2 = tandemd(conf + PARTS, ns=ns, name="stopper")
    wait_until(lambda: pids_with(marker), timeout=5, what="startup script running")
    t0 = time.monotonic()
    assert d2.stop(timeout=10) == 0
    assert time.monotonic() - t0 < 2
    assert "startup_script still running at shutdown: killing it" in d2.log_text()
    wait_until(lambda: not pids_with(marker), timeout=5, what="startup script killed")
