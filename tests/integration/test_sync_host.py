"""The sync child on a kernel without IPVS (the build host): tandemd with lvs_sync_daemon
keeps running, its VRRP instance becomes master as usual, the sync child follows the role
(a sync.daemon event saying master is wanted, not applied) and `tandemctl sync` says why
nothing is applied. A restarted sync child takes the role from the feed's snapshot."""

import json
import os
import signal

import pytest

from tandem import wait_until
from vrrp_util import lan, vrrp_conf, wait_state


def ipvs_available():
    return os.path.exists("/proc/net/ip_vs")


def conf(prio=150, sync="lvs_sync_daemon eth0 VI id 7"):
    return vrrp_conf(prio=prio, global_extra=f"    {sync}")


def test_no_ipvs_keeps_running_and_says_why(netns, bridge, tandemd):
    if ipvs_available():
        pytest.skip("this kernel has IPVS")
    a, = lan(netns, bridge, names=("a",))
    d = tandemd(conf(), ns=a, name="a")
    wait_state(d, "MASTER")
    ev = d.wait_event(lambda e: e.get("type") == "sync.daemon" and e.get("state") == "master",
                      timeout=10)
    assert ev["applied"] is False and "IPVS" in ev["error"]
    assert ev["role"] == "MASTER" and "VI" in ev["reason"]

    r = d.ctl("sync")
    assert r["ok"] is True and r["configured"] is True
    assert r["daemon"]["interface"] == "eth0" and r["daemon"]["instance"] == "VI"
    assert r["daemon"]["syncid"] == 7
    assert r["role"] == "MASTER" and r["want"] == "master"
    assert r["ipvs"] is False and r["kernel"] is None and "IPVS" in r["kernel_error"]
    assert r["applied"] is False and "not applied" in r["error"]
    assert r["last_switch"]["state"] == "master"

    rc, out, err = d.tandemctl("sync", timeout=10)
    assert rc == 0, err
    assert "role:            MASTER" in out and "wanted:          master" in out
    assert "applied:         no: not applied:" in out and "IPVS" in out
    rc, out, err = d.tandemctl("sync", "--json", timeout=10)
    assert rc == 0 and json.loads(out)["want"] == "master"

    kids = {c["name"]: c for c in d.status()["children"]}
    assert kids["sync"]["state"] == "running" and kids["vrrp"]["state"] == "running"

    # a restarted sync child learns MASTER from the feed's snapshot at once
    pid = d.child_pid("sync")
    os.kill(pid, signal.SIGKILL)

    def back():
        k = {c["name"]: c for c in d.status()["children"]}["sync"]
        return k["state"] == "running" and k.get("pid") not in (None, pid)
    wait_until(back, timeout=15, what="sync child restarted")

    def learnt():
        r = d.ctl("sync")
        return r.get("ok") and r["want"] == "master" and r["role"] == "MASTER"
    wait_until(learnt, timeout=10, what="restarted sync child wants master")


def test_backup_role_and_no_instance(netns, bridge, tandemd):
    if ipvs_available():
        pytest.skip("this kernel has IPVS")
    a, = lan(netns, bridge, names=("a",))
    # without an instance both threads are wanted all the time
    d = tandemd(vrrp_conf(prio=150, global_extra="    lvs_sync_daemon eth0"), ns=a, name="a")

    def wants(x):
        r = d.ctl("sync")
        return r.get("ok") and r["want"] == x
    wait_until(lambda: wants("master+backup"), timeout=10, what="both threads wanted")
    assert d.ctl("sync")["role"] == "none"


GROUP_CONF = """
global_defs {
    router_id g
    lvs_sync_daemon eth0 G1
}
vrrp_sync_group G1 {
    group {
        VI_A
        VI_B
    }
}
vrrp_instance VI_A {
    state BACKUP
    interface eth0
    virtual_router_id 41
    priority 150
    advert_int 0.1
    version 3
    virtual_ipaddress {
        10.9.0.100/24
    }
}
vrrp_instance VI_B {
    state BACKUP
    interface eth0
    virtual_router_id 42
    priority 150
    advert_int 0.1
    version 3
    virtual_ipaddress {
        10.9.0.101/24
    }
}
"""


def test_sync_group_role_and_reload(netns, bridge, tandemd):
    if ipvs_available():
        pytest.skip("this kernel has IPVS")
    a, = lan(netns, bridge, names=("a",))
    d = tandemd(GROUP_CONF, ns=a, name="a")

    def group_master():
        r = d.ctl("sync")
        return r if r.get("ok") and r["role"] == "MASTER" else None
    r = wait_until(group_master, timeout=10, what="sync group MASTER")
    assert r["want"] == "master"
    assert r["daemon"]["sync_group"] is True and r["daemon"]["instance"] == "G1"
    assert r["daemon"]["syncid"] == 41                  # the first member's VRID
    assert {m["instance"]: m["role"] for m in r["members"]} == {"VI_A": "MASTER",
                                                               "VI_B": "MASTER"}
    # the group went MASTER once: one switch to master after the initial backup decision
    assert r["switches"] <= 2 and r["last_switch"]["state"] == "master"
    assert "in group G1" in r["last_switch"]["reason"]
    rc, out, err = d.tandemctl("sync", timeout=10)
    assert rc == 0 and "sync group G1" in out and "member VI_A" in out

    # a reload that follows nothing any more: both threads wanted
    d.write_config(GROUP_CONF.replace("lvs_sync_daemon eth0 G1", "lvs_sync_daemon eth0"))
    d.reload()

    def both():
        r = d.ctl("sync")
        return r if r.get("ok") and r["want"] == "master+backup" else None
    r = wait_until(both, timeout=10, what="master+backup after the reload")
    assert r["last_switch"]["reason"] == "reload" and r["role"] == "none"
