"""VRRP-MIB (RFC 2787) and VRRPv3-MIB (RFC 6527) served by the snmp child, against a real
snmpd (AgentX master) and snmptrapd in the router's namespace: two routers on a bridge, the one
under test (A, priority 100) backup of a peer (B, 200) for a v2 IPv4, a v3 IPv4 and a v3 IPv6
instance. Walks give the expected rows and values as backup; the peer's stop makes A master
and produces vrrpTrapNewMaster and vrrpv3NewMaster; forged adverts produce
vrrpTrapAuthFailure and vrrpv3ProtoError; the peer killed gives masterNoResponse; a reload
keeps the tables; a crashed snmp child comes back with them, a restarted snmpd gets them
again within 5 s; without enable_snmp_rfc* nothing is served."""

import os
import signal
import time
from pathlib import Path

import pytest

from snmp_env import Snmpd, Snmptrapd, require_snmp_tools
from snmp_vrrp_util import (TRAP_V2_AUTH_FAILURE, TRAP_V2_NEW_MASTER, TRAP_V3_NEW_MASTER,
                            TRAP_V3_PROTO_ERROR, V2_ASSO, V2_OPER, V2_STATS, V3_ASSO, V3_OPER,
                            V3_STATS, VRRP_MIB, VRRPV3_MIB, V4, V6, MIB_FILES, config,
                            if_facts, ip_hex, ip_sub, load_mibs, object_of, val, volatile,
                            wait_walk, walk)
from tandem import wait_until
from vrrp_util import forge_v2, lan, send_raw4, wait_state

A_IP, B_IP = "10.9.0.1", "10.9.0.2"
READABLE = ("read-only", "read-write", "read-create")


@pytest.fixture
def pair(netns, bridge, tandemd, workdir):
    """(A, B, ns_a, ns_b, snmpd, trapd): B master, A backup with SNMP on, all settled."""
    require_snmp_tools()
    ns_a, ns_b, ns_x = lan(netns, bridge, names=("a", "b", "x"), v6=True)
    trapd = Snmptrapd(ns_a, workdir).start()
    snmpd = Snmpd(ns_a, workdir)
    try:
        snmpd.start()
        b = tandemd(config(200, router_id="b"), ns=ns_b, name="b")
        for name in ("VI_2", "VI_3", "VI_6"):
            wait_state(b, "MASTER", name=name, timeout=15)
        a = tandemd(config(100, agentx=snmpd.agentx, router_id="a"), ns=ns_a, name="a")
        yield a, b, ns_a, ns_b, ns_x, snmpd, trapd
    finally:
        snmpd.close()
        trapd.close()


def backup_rows(w, idx):
    """A VRRP-MIB walk showing the v2 instance as backup of B"""
    return val(w, f"{V2_OPER}.3.{idx}.51") == 2 and val(w, f"{V2_OPER}.7.{idx}.51") == B_IP


def test_walk_as_backup(pair):
    a, b, ns_a, ns_b, _, snmpd, _ = pair
    idx, mac, ll_a = if_facts(ns_a)
    _, _, ll_b = if_facts(ns_b)
    w2 = wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="VRRP-MIB backup rows")
    # VRRP-MIB: scalars, one vrrpOperTable row (the v2 instance only), its two addresses
    assert val(w2, VRRP_MIB + ".1.1.0") == 2                    # vrrpNodeVersion
    assert val(w2, VRRP_MIB + ".1.2.0") == 1                    # notifications enabled
    r = f"{idx}.51"
    assert w2["." + V2_OPER + ".2." + r] == ("Hex-STRING", mac)
    assert val(w2, f"{V2_OPER}.4.{r}") == 1                     # admin up
    assert val(w2, f"{V2_OPER}.5.{r}") == 100
    assert val(w2, f"{V2_OPER}.6.{r}") == 2
    assert w2["." + V2_OPER + ".7." + r] == ("IpAddress", B_IP)   # last advert's source
    assert w2["." + V2_OPER + ".8." + r] == ("IpAddress", A_IP)   # primary
    assert val(w2, f"{V2_OPER}.9.{r}") == 2                     # simpleTextPassword
    assert val(w2, f"{V2_OPER}.11.{r}") == 1                    # seconds
    assert val(w2, f"{V2_OPER}.12.{r}") == 1                    # preempt true
    assert w2["." + V2_OPER + ".13." + r][0] == "Timeticks"
    assert val(w2, f"{V2_OPER}.14.{r}") == 1 and val(w2, f"{V2_OPER}.15.{r}") == 1
    assert val(w2, f"{V2_ASSO}.2.{r}.10.9.0.100") == 1
    assert val(w2, f"{V2_ASSO}.2.{r}.10.9.0.101") == 1
    assert val(w2, f"{V2_STATS}.2.{r}") > 0                     # adverts received
    assert val(w2, f"{V2_STATS}.1.{r}") == 0                    # never master
    for c in range(1, 13):
        assert w2["." + V2_STATS + f".{c}.{r}"][0] == "Counter32"
    assert [o for o in w2 if ".51" not in o and o.startswith("." + V2_OPER)] == []
    rows2 = {o.rsplit(".", 2)[-2] for o in w2 if o.startswith("." + V2_OPER)}
    assert rows2 == {str(idx)}                                  # no v3 instance in VRRP-MIB

    w3 = wait_walk(snmpd, VRRPV3_MIB,
                   lambda w: val(w, f"{V3_OPER}.6.{idx}.53.{V6}") == 2 and
                   val(w, f"{V3_OPER}.3.{idx}.53.{V6}") == ip_hex(ll_b),
                   what="VRRPv3-MIB backup rows")
    for vrid, t, mine, peer, adv, vip in ((52, V4, A_IP, B_IP, 50, "10.9.0.102"),
                                          (53, V6, ll_a, ll_b, 100, "fd00:9::100")):
        r = f"{idx}.{vrid}.{t}"
        assert val(w3, f"{V3_OPER}.3.{r}") == ip_hex(peer)      # the master followed
        assert val(w3, f"{V3_OPER}.4.{r}") == ip_hex(mine)
        assert val(w3, f"{V3_OPER}.5.{r}") == mac
        assert val(w3, f"{V3_OPER}.6.{r}") == 2
        assert w3["." + V3_OPER + ".7." + r] == ("Gauge32", 100)
        assert val(w3, f"{V3_OPER}.8.{r}") == 1
        assert val(w3, f"{V3_OPER}.9.{r}") == adv               # centiseconds
        assert val(w3, f"{V3_OPER}.10.{r}") == 1                # preempt
        assert val(w3, f"{V3_OPER}.11.{r}") == 1                # accept (not strict)
        assert val(w3, f"{V3_OPER}.13.{r}") == 1
        alen = 4 if t == V4 else 16
        assert val(w3, f"{V3_ASSO}.2.{r}.{alen}.{ip_sub(vip)}") == 1
        assert val(w3, f"{V3_STATS}.1.{r}") == 0
        assert val(w3, f"{V3_STATS}.2.{r}") == 0                # notMaster
        assert w3["." + V3_STATS + ".3." + r][0] == "Counter64"
        assert val(w3, f"{V3_STATS}.3.{r}") > 0
        assert val(w3, f"{V3_STATS}.6.{r}") == 0                # no protocol error
        assert w3["." + V3_STATS + ".13." + r] == ("Gauge32", adv * 10)
    for o in (".1.2.1.0", ".1.2.2.0", ".1.2.3.0"):
        assert w3["." + VRRPV3_MIB + o] == ("Counter64", 0)
    # the v2 instance is in VRRPv3-MIB too (as keepalived shows it), interval in centiseconds
    assert val(w3, f"{V3_OPER}.6.{idx}.51.{V4}") == 2
    assert val(w3, f"{V3_OPER}.9.{idx}.51.{V4}") == 100
    assert val(w3, f"{V3_ASSO}.2.{idx}.51.{V4}.4.10.9.0.101") == 1
    # both walks are in OID order and end in their subtree
    for w in (w2, w3):
        key = [tuple(int(x) for x in o.strip(".").split(".")) for o in w]
        assert key == sorted(key)


def test_failover_traps_and_master_rows(pair):
    a, b, ns_a, _, _, snmpd, trapd = pair
    idx, _, ll_a = if_facts(ns_a)
    wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="backup rows")
    b.stop()                                   # priority 0 adverts: A takes over
    for name in ("VI_2", "VI_3", "VI_6"):
        wait_state(a, "MASTER", name=name, timeout=15)
    t2 = trapd.wait_trap(TRAP_V2_NEW_MASTER, timeout=10)
    assert f".{V2_OPER}.7.{idx}.51 = IpAddress: {A_IP}" in t2
    def v3_traps():
        return [ln for ln in trapd.text().splitlines()
                if f"= OID: .{TRAP_V3_NEW_MASTER}\t" in ln + "\t"]
    wait_until(lambda: len(v3_traps()) >= 2, timeout=10, what="two vrrpv3NewMaster")
    text = "\n".join(v3_traps())
    assert f".{V3_OPER}.3.{idx}.52.{V4} = Hex-STRING: {ip_hex(A_IP)}" in text
    # the master left with priority 0: priority(1), as keepalived reports it
    assert f".{V3_STATS}.2.{idx}.52.{V4} = INTEGER: 1" in text
    assert f".{V3_STATS}.2.{idx}.53.{V6} = INTEGER: 1" in text
    w2 = wait_walk(snmpd, VRRP_MIB, lambda w: val(w, f"{V2_OPER}.3.{idx}.51") == 3 and
                   val(w, f"{V2_STATS}.6.{idx}.51") >= 1, what="v2 master row")
    assert val(w2, f"{V2_STATS}.1.{idx}.51") == 1              # became master once
    assert val(w2, f"{V2_OPER}.7.{idx}.51") == B_IP            # last advert heard
    w3 = wait_walk(snmpd, VRRPV3_MIB, lambda w: val(w, f"{V3_OPER}.6.{idx}.53.{V6}") == 3,
                   what="v3 master rows")
    assert val(w3, f"{V3_OPER}.3.{idx}.52.{V4}") == ip_hex(A_IP)   # master = itself
    assert val(w3, f"{V3_OPER}.3.{idx}.53.{V6}") == ip_hex(ll_a)
    assert val(w3, f"{V3_STATS}.2.{idx}.52.{V4}") == 1
    assert val(w3, f"{V3_STATS}.1.{idx}.53.{V6}") == 1
    assert val(w3, f"{V3_STATS}.7.{idx}.52.{V4}") >= 1         # priority 0 received


def test_auth_failure_and_proto_error_traps(pair):
    a, b, ns_a, _, ns_x, snmpd, trapd = pair
    idx, _, _ = if_facts(ns_a)
    wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="backup rows")
    # a v2 advert for VRID 51 with the wrong password, from 10.9.0.3
    ns_x.ip("addr", "add", "10.9.0.3/24", "dev", "eth0", check=False)
    send_raw4(ns_x, forge_v2("10.9.0.3", 51, 150, ["10.9.0.100", "10.9.0.101"], auth_type=1,
                             password=b"wrong"))
    t = trapd.wait_trap(TRAP_V2_AUTH_FAILURE, timeout=10)
    assert f".{VRRP_MIB}.1.5.0 = IpAddress: 10.9.0.3" in t     # vrrpTrapPacketSrc
    assert f".{VRRP_MIB}.1.6.0 = INTEGER: 3" in t              # authFailure
    w = wait_walk(snmpd, VRRP_MIB, lambda w: val(w, f"{V2_STATS}.4.{idx}.51") >= 1,
                  what="vrrpStatsAuthFailures")
    assert val(w, f"{V2_STATS}.4.{idx}.51") >= 1
    # a VRRPv2 advert for the v3 instance's VRID 52: a version error
    send_raw4(ns_x, forge_v2("10.9.0.3", 52, 150, ["10.9.0.102"]))
    t = trapd.wait_trap(TRAP_V3_PROTO_ERROR, timeout=10)
    assert f".{V3_STATS}.6.{idx}.52.{V4} = INTEGER: 2" in t    # versionError
    w = wait_walk(snmpd, VRRPV3_MIB, lambda w: val(w, f"{V3_STATS}.6.{idx}.52.{V4}") == 2,
                  what="vrrpv3StatisticsProtoErrReason")
    assert w["." + VRRPV3_MIB + ".1.2.2.0"][1] >= 1            # vrrpv3RouterVersionErrors


def test_reload_keeps_tables(pair):
    a, b, ns_a, _, _, snmpd, _ = pair
    idx, _, _ = if_facts(ns_a)
    before2 = wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="backup rows")
    before3 = walk(snmpd, VRRPV3_MIB)
    snmp_pid = {c["name"]: c["pid"] for c in a.status()["children"]}["snmp"]
    a.write_config(config(100, agentx=snmpd.agentx, router_id="a") + "\n")
    r = a.reload()
    assert r["ok"] and r["generation"] == 2
    wait_until(lambda: all(c.get("generation") == 2 for c in a.status()["children"]
                           if c["name"] in ("vrrp", "snmp")), what="children on generation 2")
    after2 = wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="rows after reload")
    after3 = walk(snmpd, VRRPV3_MIB)
    for before, after in ((before2, after2), (before3, after3)):
        assert set(before) == set(after)
        for o in before:
            if not volatile(o):
                assert before[o] == after[o], o
    assert {c["name"]: c["pid"] for c in a.status()["children"]}["snmp"] == snmp_pid
    # a reload that changes the priority shows in both tables
    a.write_config(config(90, agentx=snmpd.agentx, router_id="a"))
    assert a.reload()["ok"]
    wait_walk(snmpd, VRRP_MIB, lambda w: val(w, f"{V2_OPER}.5.{idx}.51") == 90,
              what="priority 90 in VRRP-MIB")
    wait_walk(snmpd, VRRPV3_MIB, lambda w: val(w, f"{V3_OPER}.7.{idx}.52.{V4}") == 90,
              what="priority 90 in VRRPv3-MIB")
    # enable_traps off: vrrpNotificationCntl disabled, still the same snmp child
    a.write_config(config(90, agentx=snmpd.agentx, router_id="a", traps=False))
    assert a.reload()["ok"]
    wait_walk(snmpd, VRRP_MIB, lambda w: val(w, VRRP_MIB + ".1.2.0") == 2,
              what="vrrpNotificationCntl disabled")
    assert {c["name"]: c["pid"] for c in a.status()["children"]}["snmp"] == snmp_pid


def test_only_enabled_mibs_are_served(netns, bridge, tandemd, workdir):
    require_snmp_tools()
    (ns,) = lan(netns, bridge, names=("a",), v6=True)
    snmpd = Snmpd(ns, workdir).start()
    try:
        d = tandemd(config(100, agentx=snmpd.agentx, rfc="enable_snmp_rfcv3"), ns=ns)
        idx, _, _ = if_facts(ns)
        wait_walk(snmpd, VRRPV3_MIB, lambda w: val(w, f"{V3_OPER}.6.{idx}.52.{V4}") in (2, 3),
                  what="VRRPv3-MIB served")
        assert walk(snmpd, VRRP_MIB) == {}
        assert d.alive()
    finally:
        snmpd.close()


def test_master_killed_gives_no_response_reason(pair):
    a, b, ns_a, _, _, snmpd, trapd = pair
    idx, _, _ = if_facts(ns_a)
    wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="backup rows")
    b.kill()                                   # silent: Master_Down runs out
    wait_state(a, "MASTER", name="VI_3", timeout=15)
    t = trapd.wait_trap(TRAP_V3_NEW_MASTER, timeout=10)
    assert f".{V3_STATS}.2.{idx}.52.{V4} = INTEGER: 3" in t        # masterNoResponse
    w3 = wait_walk(snmpd, VRRPV3_MIB, lambda w: val(w, f"{V3_OPER}.6.{idx}.52.{V4}") == 3,
                   what="v3 master row")
    assert val(w3, f"{V3_STATS}.2.{idx}.52.{V4}") == 3
    assert val(w3, f"{V3_STATS}.7.{idx}.52.{V4}") == 0             # no priority 0 seen


def test_snmp_child_crash_rebuilds_tables(pair):
    a, b, ns_a, _, _, snmpd, _ = pair
    idx, _, _ = if_facts(ns_a)
    before = wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="backup rows")
    old = a.child_pid("snmp")
    vrrp_pid = a.child_pid("vrrp")
    os.kill(old, signal.SIGSEGV)
    wait_until(lambda: a.child_pid("snmp") not in (None, old), timeout=15,
               what="snmp child restarted")
    after = wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), timeout=15,
                      what="VRRP-MIB rows after the restart")
    assert {o for o in before} == {o for o in after}
    w3 = wait_walk(snmpd, VRRPV3_MIB, lambda w: val(w, f"{V3_OPER}.6.{idx}.53.{V6}") == 2,
                   what="VRRPv3-MIB rows after the restart")
    assert val(w3, f"{V3_OPER}.6.{idx}.52.{V4}") == 2
    assert a.child_pid("vrrp") == vrrp_pid                         # VRRP untouched


def test_many_instances_paged(netns, bridge, tandemd, workdir):
    """95 instances: more than two pages of the vrrp child's reply, all in the tables"""
    require_snmp_tools()
    (ns,) = lan(netns, bridge, names=("a",))
    snmpd = Snmpd(ns, workdir).start()
    try:
        insts = "".join(
            f"vrrp_instance V{v} {{\n    state BACKUP\n    interface eth0\n"
            f"    virtual_router_id {v}\n    priority 100\n    advert_int 1\n"
            f"    version {2 if v % 2 else 3}\n    virtual_ipaddress {{\n"
            f"        10.9.{v}.1/32\n    }}\n}}\n" for v in range(1, 96))
        tandemd(f"global_defs {{\n    snmp_socket unix:{snmpd.agentx}\n    enable_snmp_rfc\n}}\n"
                + insts, ns=ns)
        idx, _, _ = if_facts(ns)

        def rows(w, base):
            return {o.split(".")[-1 if base == V2_OPER else -2]
                    for o in w if o.startswith(f".{base}.6.")}
        w3 = wait_walk(snmpd, VRRPV3_MIB, lambda w: len(rows(w, V3_OPER)) == 95, timeout=30,
                       what="95 VRRPv3-MIB rows")
        assert rows(w3, V3_OPER) == {str(v) for v in range(1, 96)}
        assert val(w3, f"{V3_ASSO}.2.{idx}.95.{V4}.4.10.9.95.1") == 1
        w2 = wait_walk(snmpd, VRRP_MIB, lambda w: len(rows(w, V2_OPER)) == 48, timeout=10,
                       what="48 VRRP-MIB rows (the v2 ones)")
        assert rows(w2, V2_OPER) == {str(v) for v in range(1, 96, 2)}
    finally:
        snmpd.close()


def test_walks_and_traps_conform_to_the_mibs(pair):
    """Every walked object is a readable column or scalar of the MIB module (as Debian's
    keepalived package installs it) with the type its SYNTAX gives; every readable object of
    the modules is there (vrrpOperAuthKey excepted, docs/monitoring.md); the notifications
    carry their OBJECTS."""
    if not all(Path(p).exists() for p in MIB_FILES):
        pytest.skip("VRRP-MIB / VRRPv3-MIB texts not installed (keepalived package)")
    a, b, ns_a, _, _, snmpd, trapd = pair
    defs = load_mibs()
    idx, _, _ = if_facts(ns_a)
    wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="backup rows")
    w = {**walk(snmpd, VRRP_MIB), **walk(snmpd, VRRPV3_MIB)}
    seen = set()
    for oid, (typ, _) in w.items():
        found = object_of(defs, oid)
        assert found, f"{oid} is no object of the modules"
        name, d = found
        # (writable objects are served read-only: tandem takes no SET, as keepalived)
        assert d["access"] in READABLE, f"{oid}: {name} is {d['access']}"
        assert typ == d["type"], f"{oid}: {name} is {d['type']}, walked {typ}"
        seen.add(name)
    readable = {n for n, d in defs.items() if d["kind"] == "OBJECT-TYPE" and
                d["access"] in READABLE}
    assert readable - seen == {"vrrpOperAuthKey"}
    b.stop()
    wait_state(a, "MASTER", name="VI_2", timeout=15)
    for trap in ("vrrpTrapNewMaster", "vrrpv3NewMaster"):
        d = defs[trap]
        line = wait_until(lambda: next((ln for ln in trapd.text().splitlines()
                                        if f"= OID: .{d['oid']}\t" in ln + "\t"), None),
                          timeout=10, what=trap)
        names = [object_of(defs, vb.split(" = ")[0])[0] for vb in line.split("\t")
                 if vb.startswith((".1.3.6.1.2.1.68.", ".1.3.6.1.2.1.207."))]
        assert names == d["objects"], (trap, names)


def test_snmpd_restart_serves_vrrp_mibs_again(pair):
    a, b, ns_a, _, _, snmpd, _ = pair
    idx, _, _ = if_facts(ns_a)
    wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), what="backup rows")
    snmp_pid = a.child_pid("snmp")
    snmpd.kill(signal.SIGKILL)
    snmpd.start()
    t0 = time.monotonic()
    wait_walk(snmpd, VRRP_MIB, lambda w: backup_rows(w, idx), timeout=5,
              what="VRRP-MIB after the snmpd restart")
    wait_walk(snmpd, VRRPV3_MIB, lambda w: val(w, f"{V3_OPER}.6.{idx}.52.{V4}") == 2,
              timeout=max(0.5, 5 - (time.monotonic() - t0)),
              what="VRRPv3-MIB after the snmpd restart")
    assert time.monotonic() - t0 < 5
    assert a.child_pid("snmp") == snmp_pid


def test_vrrp_mib_op_reply(pair):
    """The vrrp command's op mib, as docs/monitoring.md shows it"""
    a, b, ns_a, _, _, snmpd, _ = pair
    idx, mac, ll_a = if_facts(ns_a)
    r = wait_until(lambda: (lambda r: r if r.get("ok") and all(
        i["last_heard"] for i in r["instances"]) else None)(a.ctl("vrrp", op="mib")),
        timeout=10, what="every instance has heard B")
    assert r["total"] == 3 and r["from"] == 0 and r["next"] is None
    by = {i["name"]: i for i in r["instances"]}
    v2, v6 = by["VI_2"], by["VI_6"]
    assert (v2["vrid"], v2["version"], v2["family"], v2["ifindex"]) == (51, 2, 4, idx)
    assert v2["mac"] == mac.replace(" ", "").lower()
    assert v2["vips"] == ["10.9.0.100", "10.9.0.101"]
    assert (v2["primary"], v2["master"], v2["last_heard"]) == (A_IP, B_IP, B_IP)
    assert (v2["adv_cs"], v2["preempt"], v2["accept"], v2["auth"]) == (100, True, True, 1)
    assert v2["state"] == "BACKUP" and v2["prio"] == 100 and v2["master_reason"] is None
    assert v2["c"]["rx"] > 0 and v2["c"]["become_master"] == 0
    assert v6["family"] == 6 and v6["primary"] == ll_a and v6["vips"] == ["fd00:9::100"]
    order = [i["name"] for i in r["instances"]]            # the child's order
    r = a.ctl("vrrp", op="mib", **{"from": 2})
    assert r["from"] == 2 and [i["name"] for i in r["instances"]] == order[2:]
