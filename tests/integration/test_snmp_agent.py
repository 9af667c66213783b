"""The snmp child against a real snmpd (AgentX master) in a test namespace: TANDEM-MIB's
daemon group, children table and VRRP instance table in an snmpwalk, the generation after a
reload, the tandemReloadFailed trap at snmptrapd, walks working again within 5 s of an snmpd
restart, and a crashed snmp child restarted by the parent without touching the others."""

import os
import signal
import time

import pytest

from snmp_env import (CHILD_INDEX, CHILDREN, DAEMON, RS, TRAP_RELOAD_FAILED, TRAP_RS_STATE,
                      TRAP_VRRP_STATE, VRRP, Snmpd, Snmptrapd, instance_suffix,
                      require_snmp_tools)
from tandem import wait_until

CONF = """
global_defs {{
    router_id snmp-test
    snmp_socket {agentx}
    enable_snmp_tandem
    enable_traps
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface lo
    virtual_router_id 51
    priority {prio}
    advert_int 1
    virtual_ipaddress {{
        192.0.2.10/32
    }}
}}
virtual_server 192.0.2.10 80 {{
    delay_loop 5
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.11 80 {{
        weight 1
        TCP_CHECK {{
            connect_timeout 3
        }}
    }}
}}
"""


@pytest.fixture
def snmp(netns, workdir):
    """(namespace, Snmpd, Snmptrapd), all started; stopped at teardown."""
    require_snmp_tools()
    ns = netns("snmp")
    trapd = Snmptrapd(ns, workdir).start()
    snmpd = Snmpd(ns, workdir)
    try:
        snmpd.start()
    except Exception:
        trapd.close()
        raise
    yield ns, snmpd, trapd
    snmpd.close()
    trapd.close()


def start_tandemd(tandemd, ns, snmpd, prio=100):
    d = tandemd(CONF.format(agentx=snmpd.agentx, prio=prio), ns=ns, args=["--heartbeat", "200"])
    return d


def wait_walk(snmpd, pred, timeout=10.0, what="walk"):
    """Walk TANDEM-MIB until pred(walk) holds (the subagent connects and the feed arrives
    asynchronously); returns the walk."""
    last = {}

    def ok():
        nonlocal last
        last = snmpd.walk()
        return last if last and pred(last) else None
    try:
        return wait_until(ok, timeout=timeout, interval=0.2, what=what)
    except TimeoutError as e:
        raise TimeoutError(f"{e}; last walk: {last}") from None


def val(w, oid):
    v = w.get("." + oid)
    return v[1] if v else None


def test_walk_daemon_group_children_and_vrrp(snmp, tandemd):
    ns, snmpd, _ = snmp
    d = start_tandemd(tandemd, ns, snmpd)
    wait_until(lambda: all(c["state"] == "running" for c in d.children().values()),
               what="children running")
    st = d.status()
    kids = d.children()
    d.wait_event({"type": "vrrp.state", "instance": "VI_1", "to": "MASTER"}, timeout=10)
    w = wait_walk(snmpd, lambda w: val(w, VRRP + ".3" + instance_suffix("VI_1")) == 3 and
                  val(w, CHILDREN + ".4.4") == 3, what="VI_1 master and snmp running")

    assert val(w, DAEMON + ".1.0") == st["daemon"]["version"]
    assert val(w, DAEMON + ".2.0") == st["daemon"]["pid"]
    assert val(w, DAEMON + ".5.0") == st["daemon"]["generation"] == 1
    assert val(w, DAEMON + ".7.0") == 1                      # last reload ok
    assert val(w, DAEMON + ".8.0") == ""
    assert val(w, DAEMON + ".9.0") >= 3                      # event sequence
    assert w["." + DAEMON + ".3.0"][0] == "Hex-STRING"       # DateAndTime, 11 octets
    assert len(w["." + DAEMON + ".3.0"][1].split()) == 11
    for name in ("vrrp", "check", "snmp"):
        i = CHILD_INDEX[name]
        assert val(w, f"{CHILDREN}.2.{i}") == name
        assert val(w, f"{CHILDREN}.3.{i}") == kids[name]["pid"]
        assert val(w, f"{CHILDREN}.4.{i}") == 3              # running
        assert val(w, f"{CHILDREN}.5.{i}") == 0              # restarts
        assert val(w, f"{CHILDREN}.6.{i}") == 1              # generation held
    assert val(w, f"{CHILDREN}.2.3") is None                 # no sync part configured
    sfx = instance_suffix("VI_1")
    assert val(w, VRRP + ".2" + sfx) == 51
    assert val(w, VRRP + ".4" + sfx) == 100
    assert val(w, VRRP + ".5" + sfx) >= 2                    # INIT->BACKUP->MASTER
    assert val(w, VRRP + ".7" + sfx) == "master_down"
    # the real server (unreachable: its TCP check fails) and its virtual server
    rs = "tcp 192.0.2.10:80/198.51.100.11:80"
    w = wait_walk(snmpd, lambda w: val(w, RS + ".3" + instance_suffix(rs)) == 2,
                  what="real server down")
    assert val(w, RS + ".2" + instance_suffix(rs)) == "tcp 192.0.2.10:80"
    assert "198.51.100.11" in val(w, RS + ".5" + instance_suffix(rs))
    assert val(w, RS + ".6" + instance_suffix(rs)) == 1      # up at start, then down
    # every object lies in TANDEM-MIB and the walk is in OID order
    oids = list(w)
    key = [tuple(int(x) for x in o.strip(".").split(".")) for o in oids]
    assert key == sorted(key)


def test_reload_bumps_generation_in_walk(snmp, tandemd):
    ns, snmpd, _ = snmp
    d = start_tandemd(tandemd, ns, snmpd)
    wait_walk(snmpd, lambda w: val(w, DAEMON + ".5.0") == 1, what="generation 1")
    d.write_config(CONF.format(agentx=snmpd.agentx, prio=120))
    r = d.reload()
    assert r["ok"] and r["generation"] == 2
    w = wait_walk(snmpd, lambda w: val(w, DAEMON + ".5.0") == 2 and
                  val(w, CHILDREN + ".6.4") == 2, what="generation 2")
    assert val(w, DAEMON + ".7.0") == 1
    # the subagent kept serving across the reload: same snmp child
    assert val(w, CHILDREN + ".3.4") == d.children()["snmp"]["pid"]


def test_failed_reload_sends_trap(snmp, tandemd):
    ns, snmpd, trapd = snmp
    d = start_tandemd(tandemd, ns, snmpd)
    wait_walk(snmpd, lambda w: val(w, DAEMON + ".5.0") == 1, what="subagent serving")
    d.write_config(CONF.format(agentx=snmpd.agentx, prio=100) + "\nbogus_keyword 1\n")
    r = d.reload()
    assert not r["ok"]
    trap = trapd.wait_trap(TRAP_RELOAD_FAILED, timeout=10)
    assert f".{DAEMON}.5.0 = Gauge32: 1" in trap
    assert "bogus_keyword" in trap
    w = wait_walk(snmpd, lambda w: val(w, DAEMON + ".7.0") == 2, what="last reload failed")
    assert "bogus_keyword" in val(w, DAEMON + ".8.0")
    assert val(w, DAEMON + ".5.0") == 1


def test_vrrp_state_trap(snmp, tandemd):
    ns, snmpd, trapd = snmp
    start_tandemd(tandemd, ns, snmpd)
    trap = trapd.wait_trap(TRAP_VRRP_STATE, timeout=15)
    assert VRRP + ".3" + instance_suffix("VI_1") in trap


def test_real_server_trap(snmp, tandemd):
    ns, snmpd, trapd = snmp
    start_tandemd(tandemd, ns, snmpd)
    trap = trapd.wait_trap(TRAP_RS_STATE, timeout=15)
    rs = "tcp 192.0.2.10:80/198.51.100.11:80"
    assert RS + ".3" + instance_suffix(rs) in trap


def test_snmpd_restart_walks_again_within_5s(snmp, tandemd):
    ns, snmpd, _ = snmp
    d = start_tandemd(tandemd, ns, snmpd)
    wait_walk(snmpd, lambda w: val(w, DAEMON + ".5.0") == 1, what="subagent serving")
    snmp_pid = d.children()["snmp"]["pid"]
    snmpd.kill(signal.SIGKILL)
    snmpd.start()
    t0 = time.monotonic()
    wait_walk(snmpd, lambda w: val(w, DAEMON + ".5.0") == 1, timeout=5.0,
              what="TANDEM-MIB after the snmpd restart")
    took = time.monotonic() - t0
    assert took < 5.0
    assert d.children()["snmp"]["pid"] == snmp_pid        # reconnected, not restarted
    print(f"walks work again {took:.2f} s after snmpd answers")


def test_snmp_child_crash_restarted_others_unaffected(snmp, tandemd):
    ns, snmpd, _ = snmp
    d = start_tandemd(tandemd, ns, snmpd)
    wait_until(lambda: all(c["state"] == "running" for c in d.children().values()),
               what="children running")
    wait_walk(snmpd, lambda w: val(w, DAEMON + ".5.0") == 1, what="subagent serving")
    before = d.children()
    with d.events() as ev:
        os.kill(before["snmp"]["pid"], signal.SIGSEGV)
        ev.wait_event({"type": "child.exit", "child": "snmp"}, timeout=5)
        ev.wait_event({"type": "child.start", "child": "snmp"}, timeout=5)
    after = d.children()
    assert after["vrrp"]["pid"] == before["vrrp"]["pid"]
    assert after["check"]["pid"] == before["check"]["pid"]
    assert after["vrrp"]["restarts"] == 0 and after["check"]["restarts"] == 0
    assert after["snmp"]["restarts"] == 1
    assert "signal 11" in after["snmp"]["last_exit"]
    # the new child rebuilt its view from the feed's snapshot and replay
    w = wait_walk(snmpd, lambda w: val(w, CHILDREN + ".5.4") == 1 and
                  val(w, CHILDREN + ".3.4") == after["snmp"]["pid"],
                  what="restarted subagent serving")
    assert val(w, VRRP + ".3" + instance_suffix("VI_1")) in (2, 3)


def test_reload_to_another_master_restarts_the_subagent(snmp, tandemd, workdir):
    ns, snmpd, _ = snmp
    d = start_tandemd(tandemd, ns, snmpd)
    wait_walk(snmpd, lambda w: val(w, DAEMON + ".5.0") == 1, what="subagent on snmpd 1")
    old_pid = d.children()["snmp"]["pid"]
    other_dir = workdir / "snmpd2"
    other_dir.mkdir()
    other = Snmpd(ns, other_dir, port=16171, trap_port=16172).start()
    try:
        d.write_config(CONF.format(agentx=other.agentx, prio=100))
        assert d.reload()["ok"]
        # net-snmp cannot be re-initialised in a process: a new snmp child serves snmpd 2
        w = wait_walk(other, lambda w: val(w, DAEMON + ".5.0") == 2, what="subagent on snmpd 2")
        assert val(w, CHILDREN + ".3.4") != old_pid
        assert d.children()["vrrp"]["restarts"] == 0
    finally:
        other.close()
