"""The role-aware option: with global_defs `checks_follow_vrrp VI` the health checks run only
on the director whose instance VI is MASTER. Two tandemd (namespaces a and b) on one bridge
with a real server (namespace s, checks_server.py); the backup's checks are paused
(`tandemctl checks` says so, its counters stand still), and they resume on the new master
after a hard failover. Without the keyword both run (off by default)."""

import subprocess
import time

from tandem import wait_until
from test_checks_tcp_http import PY, SERVER
from vrrp_util import lan, vrrp_conf, wait_state

RS = "10.9.0.3"
PORT = 8080


def vs_conf():
    return f"""
virtual_server 10.9.0.100 80 {{
    protocol TCP
    delay_loop 0.2
    real_server {RS} {PORT} {{
        TCP_CHECK {{ connect_timeout 1 }}
    }}
}}
"""


def checks(d):
    r = d.ctl("checks")
    assert r["ok"], r
    return r


def total(d):
    return sum(c["total"] for c in checks(d)["checks"])


def start(netns, bridge, tandemd, workdir, follow=True):
    a, b, s = lan(netns, bridge, names=("a", "b", "s"))
    ctl = workdir / "srv.mode"
    ctl.write_text("200\n")
    srv = s.popen([PY, SERVER, RS, PORT, ctl], stderr=subprocess.DEVNULL)
    wait_until(lambda: s.exec("ss", "-ltnH", f"sport = :{PORT}").stdout.strip(),
               timeout=10, what="real server listening")
    g = "checks_follow_vrrp VI" if follow else ""
    da = tandemd(vrrp_conf(prio=200, router_id="a", global_extra=g) + vs_conf(), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, router_id="b", global_extra=g) + vs_conf(), ns=b, name="b")
    return srv, da, db


def test_backup_paused_master_runs_failover_resumes(netns, bridge, tandemd, workdir):
    srv, da, db = start(netns, bridge, tandemd, workdir)
    try:
        wait_state(da, "MASTER")
        wait_state(db, "BACKUP")
        wait_until(lambda: total(da) >= 3, timeout=10, what="the master's checks running")
        r = wait_until(lambda: (lambda c: c if c.get("role", {}).get("vrrp_state") == "BACKUP"
                                else None)(checks(db)), timeout=10, what="b knows it is backup")
        assert r["paused"] is True and r["role"] == {"follow": "VI", "vrrp_state": "BACKUP",
                                                      "paused": True}
        assert checks(da)["paused"] is False
        n = total(db)
        time.sleep(1.0)             # five delay_loops: a running check would have moved
        assert total(db) == n
        out = db.tandemctl("checks")[1]
        assert "checks paused: following vrrp_instance VI (BACKUP)" in out, out
        assert "checks running: following vrrp_instance VI (MASTER)" in da.tandemctl("checks")[1]
        # hard failover: b becomes master and its checks run
        da.kill()
        wait_state(db, "MASTER")
        wait_until(lambda: not checks(db)["paused"], timeout=5, what="b's checks resumed")
        wait_until(lambda: total(db) >= n + 3, timeout=5, what="b's checks running")
        assert checks(db)["checks"][0]["state"] == "up"
    finally:
        srv.kill()
        srv.wait(timeout=10)


def test_off_by_default_backup_checks(netns, bridge, tandemd, workdir):
    srv, da, db = start(netns, bridge, tandemd, workdir, follow=False)
    try:
        wait_state(db, "BACKUP")
        wait_until(lambda: total(db) >= 3, timeout=10, what="the backup's checks running")
        r = checks(db)
        assert r["paused"] is False and "role" not in r
    finally:
        srv.kill()
        srv.wait(timeout=10)
