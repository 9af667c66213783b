"""Timing of the VRRP child (vrrp/vrrp_rt.c): it runs SCHED_RR with locked memory, and a
backup whose vrrp child is stopped (SIGSTOP) for much longer than Master_Down while the master
keeps advertising does not take over when it runs again: the adverts queued in its socket are
read first; the late wake-up is counted as a stall (status and a vrrp.stall event)."""

import os
import signal
import time

from tandem import wait_until
from vrrp_util import has_vip, inst_status, lan, vrrp_conf, vrrp_status, wait_state

VIP = "10.9.0.100/24"


def _sched_policy(pid):
    return os.sched_getscheduler(pid) & ~0x40000000     # without SCHED_RESET_ON_FORK


def test_backup_sigstop_longer_than_master_down(netns, bridge, tandemd):
    a, b = lan(netns, bridge)
    # 10 ms adverts: Master_Down about 36 ms
    da = tandemd(vrrp_conf(prio=200, advert_int="0.01", router_id="a"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, advert_int="0.01", router_id="b"), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    wait_until(lambda: inst_status(db)["master"], what="b hearing a")
    pid = db.child_pid("vrrp")
    assert pid
    # real-time scheduling and locked memory, as the status says
    r = db.ctl("vrrp")
    assert r["rt_priority"] > 0 and _sched_policy(pid) == os.SCHED_RR
    assert "memory_locked" in r            # false only in AddressSanitizer builds
    before = inst_status(db)
    assert before["state"] == "BACKUP" and before["counters"]["stalls"] == 0
    t1 = before["counters"]["transitions"]
    rx1 = before["counters"]["rx"]
    os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(0.4)                 # 10 x Master_Down with the master still sending
    finally:
        os.kill(pid, signal.SIGCONT)
    ev = db.wait_event(lambda e: e.get("type") == "vrrp.stall" and e.get("instance") == "VI",
                       timeout=5)
    assert ev["late_ms"] > 100 and ev["state"] == "BACKUP"
    st = inst_status(db)
    assert st["state"] == "BACKUP"
    assert st["counters"]["transitions"] == t1   # never MASTER in between
    assert st["counters"]["stalls"] >= 1 and st["counters"]["stall_worst_ms"] > 100
    assert st["counters"]["rx"] > rx1 + 20     # the queued adverts were read
    assert sum(i["counters"]["stalls"] for i in vrrp_status(db)) == db.ctl("vrrp")["stalls"]
    assert not has_vip(b, VIP) and has_vip(a, VIP)


def test_master_sigstop_backup_takes_over(netns, bridge, tandemd):
    """The other side of the rule: a master that really goes silent (stopped) is replaced."""
    a, b = lan(netns, bridge)
    da = tandemd(vrrp_conf(prio=200, advert_int="0.01", router_id="a"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, advert_int="0.01", router_id="b"), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    pid = da.child_pid("vrrp")
    os.kill(pid, signal.SIGSTOP)
    try:
        ev = wait_state(db, "MASTER", timeout=5)
        assert ev["reason"] == "master_down"
    finally:
        os.kill(pid, signal.SIGCONT)
    # the master wakes late (a stall), hears b and a preempts back with priority 200
    stall = da.wait_event(lambda e: e.get("type") == "vrrp.stall", timeout=5)
    assert stall["state"] == "MASTER"
    wait_until(lambda: has_vip(a, VIP) and not has_vip(b, VIP), timeout=5,
               what="VIP back on a")
