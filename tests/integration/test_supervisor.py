"""tandemd supervisor: start/stop, children per part, restart of a killed child, detection
of a wedged (SIGSTOPped) child through missed heartbeats, SIGUSR1 state dump, -P."""

import os
import signal
import time


from tandem import LO_PARTS, wait_until

CONF = """
global_defs {
    router_id sup-test
}""" + LO_PARTS

HB = ["--heartbeat", "200"]


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); look at its state
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_start_stop(tandemd):
    d = tandemd(CONF, args=HB)
    ch = d.wait_running(["vrrp", "check"])
    st = d.status()
    assert st["ok"] is True
    assert st["daemon"]["pid"] == d.pid
    assert st["daemon"]["generation"] == 1
    assert st["daemon"]["config_file"] == str(d.conf)
    assert st["daemon"]["last_reload"]["ok"] is True
    assert set(ch) == {"vrrp", "check"}
    for c in ch.values():
        assert c["restarts"] == 0 and c["last_exit"] is None
        assert c["generation"] == 1
    assert int(d.pidfile.read_text().strip()) == d.pid
    assert d.sock.exists()
    assert oct(d.sock.stat().st_mode & 0o777) == oct(0o660)
    kids = [c["pid"] for c in ch.values()]

    ev = d.wait_event({"type": "daemon.start"})
    assert ev["pid"] == d.pid and ev["generation"] == 1

    t0 = time.monotonic()
    rc = d.stop(timeout=10)
    assert rc == 0, d.log_tail()
    assert time.monotonic() - t0 < 6
    for pid in kids:
        wait_until(lambda: not pid_alive(pid), timeout=5, what=f"child {pid} gone")
    assert not d.pidfile.exists()
    assert not d.sock.exists()
    assert "event " in d.log_text() and "daemon.stop" in d.log_text()


def test_child_killed_is_restarted(tandemd):
    d = tandemd(CONF, args=HB)
    old = d.wait_running(["vrrp", "check"])["vrrp"]["pid"]
    with d.events() as evs:
        os.kill(old, signal.SIGKILL)
        ex = evs.wait_event({"type": "child.exit", "child": "vrrp"})
        assert ex["pid"] == old and ex["status"] == "killed by signal 9"
        rs = evs.wait_event({"type": "child.restart", "child": "vrrp"})
        assert rs["restarts"] == 1 and rs["delay_ms"] == 100
        st = evs.wait_event({"type": "child.start", "child": "vrrp"})
        assert st["pid"] != old
        assert ex["seq"] < rs["seq"] < st["seq"]
    c = d.wait_running(["vrrp"])["vrrp"]
    assert c["restarts"] == 1
    assert c["last_exit"] == "killed by signal 9"
    assert c["generation"] == 1
    # the other child was not touched
    assert d.children()["check"]["restarts"] == 0


def test_backoff_doubles(tandemd):
    d = tandemd(CONF, args=HB)
    d.wait_running(["check"])
    delays = []
    with d.events() as evs:
        for _ in range(3):
            pid = d.wait_running(["check"])["check"]["pid"]
            os.kill(pid, signal.SIGKILL)
            delays.append(evs.wait_event({"type": "child.restart", "child": "check"})["delay_ms"])
            evs.wait_event({"type": "child.start", "child": "check"})
    assert delays == [100, 200, 400]


def test_wedged_child_detected_by_heartbeat(tandemd):
    d = tandemd(CONF, args=HB)
    old = d.wait_running(["check"])["check"]["pid"]
    with d.events() as evs:
        os.kill(old, signal.SIGSTOP)
        try:
            to = evs.wait_event({"type": "child.heartbeat_timeout", "child": "check"},
                                timeout=5)
            assert to["pid"] == old
            ex = evs.wait_event({"type": "child.exit", "child": "check"})
            assert ex["status"] == "killed by signal 9"
            evs.wait_event({"type": "child.restart", "child": "check"})
            evs.wait_event({"type": "child.start", "child": "check"})
        finally:
            if pid_alive(old):
                os.kill(old, signal.SIGKILL)
    c = d.wait_running(["check"])["check"]
    assert c["last_exit"] == "heartbeat timeout"
    assert c["pid"] != old
    assert "no heartbeat answer" in d.log_text()


def test_sigusr1_dumps_state(tandemd):
    d = tandemd(CONF, args=HB)
    d.wait_running(["vrrp", "check"])
    d.signal(signal.SIGUSR1)
    wait_until(lambda: "state: {" in d.log_text(), timeout=5, what="state dump in the log")
    assert d.ctl("ping")["ok"]


def test_vrrp_only(tandemd):
    d = tandemd(CONF, args=HB + ["-P"])
    d.wait_running(["vrrp"])
    assert set(d.children()) == {"vrrp"}


def test_config_without_parts_has_no_children(tandemd):
    d = tandemd("global_defs {\n    router_id empty\n}\n", args=HB)
    assert d.status()["children"] == []
    assert d.stop() == 0


def test_refuses_config_errors(tandemd):
    d = tandemd(CONF + "\nno_such_block {\n}\n", start=False)
    d.start(wait=False)
    rc = d.proc.wait(10)
    assert rc in (3, 4)
    assert f"{d.conf}:" in d.log_text()
    assert not d.sock.exists()


def test_stop_is_bounded_with_a_wedged_child(tandemd):
    d = tandemd(CONF, args=HB)
    ch = d.wait_running(["vrrp", "check"])
    os.kill(ch["vrrp"]["pid"], signal.SIGSTOP)
    t0 = time.monotonic()
    rc = d.stop(timeout=15)
    took = time.monotonic() - t0
    assert rc == 0, d.log_tail()
    assert 4.0 < took < 9.0
    assert "did not stop within" in d.log_text()
    for c in ch.values():
        wait_until(lambda: not pid_alive(c["pid"]), timeout=5, what="children gone")
    assert not d.pidfile.exists() and not d.sock.exists()


def test_systemd_notify(tandemd, workdir):
    import socket
    path = workdir / "notify.sock"
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(str(path))
    ns.settimeout(5)
    try:
        d = tandemd(CONF, args=HB, env={"NOTIFY_SOCKET": str(path),
                                        "WATCHDOG_USEC": "200000"})

        def wait_msg(word, timeout=5):
            deadline = time.monotonic() + timeout
            seen = []
            while time.monotonic() < deadline:
                try:
                    m = ns.recv(4096).decode()
                except socket.timeout:
                    break
                seen.append(m)
                if word in m.split("\n"):
                    return m
            raise AssertionError(f"no {word} from tandemd; got {seen}")

        ready = wait_msg("READY=1")
        assert f"MAINPID={d.pid}" in ready
        wait_msg("WATCHDOG=1", timeout=2)
        d.write_config(CONF.replace("priority 100", "priority 101"))
        d.signal(signal.SIGHUP)
        rel = wait_msg("RELOADING=1")
        assert "MONOTONIC_USEC=" in rel
        wait_msg("READY=1")
        d.signal(signal.SIGTERM)
        wait_msg("STOPPING=1")
        assert d.proc.wait(10) == 0
    finally:
        ns.close()


def test_one_child_per_part(tandemd):
    conf = CONF.replace("router_id sup-test",
                        "router_id sup-test\n    enable_snmp_vrrp\n    lvs_sync_daemon lo VI_1")
    d = tandemd(conf, args=HB)
    ch = d.wait_running(["vrrp", "check", "sync", "snmp"])
    assert set(ch) == {"vrrp", "check", "sync", "snmp"}
    pids = {c["pid"] for c in ch.values()}
    assert len(pids) == 4 and d.pid not in pids
    for c in ch.values():
        with open(f"/proc/{c['pid']}/comm") as f:
            assert f.read().strip() == f"tandemd-{c['name']}"
        with open(f"/proc/{c['pid']}/stat") as f:
            assert int(f.read().split(")")[1].split()[1]) == d.pid    # ppid
    # -C keeps only the check part
    d2 = tandemd(conf, args=HB + ["-C"], name="only-check")
    assert set(d2.wait_running(["check"])) == {"check"}
