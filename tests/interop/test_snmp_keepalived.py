"""VRRP-MIB and VRRPv3-MIB side by side: the same VRRP setup (a v2 IPv4 instance with two VIPs
and a password, a v3 IPv4 and a v3 IPv6 instance) run once under tandem and once under Debian's
keepalived 2.2.7, each with SNMP on (enable_snmp_rfc) and its own snmpd (AgentX master) in its
namespace, each the backup (priority 100) of a tandem peer (200) on its own bridge. The walks
list the same objects with the same indexes and the same values except counters and times:
as backup, as master after the peer was killed (masterNoResponse), as backup again after a
new peer preempted, as master after the peer stopped (priority 0: reason priority). Each
side also has a snmptrapd: on each takeover both send the same notifications
(vrrpTrapNewMaster for the v2 instance, vrrpv3NewMaster for all three) with the same
varbinds. Interface index, MAC and IPv6
link-local addresses are each side's own and compared as such.

One difference is kept on purpose (docs/monitoring.md): keepalived 2.2.7 writes the
InetAddress index of vrrpv3AssociatedIpAddrTable without its length subidentifier; tandem
writes it as RFC 4001 / SMIv2 say (length, then octets). The test checks tandem's form, then
compares the rest with the length taken out."""

import re

from snmp_env import Snmpd, Snmptrapd, require_snmp_tools
from snmp_vrrp_util import (V2_ASSO, V2_OPER, V2_STATS, V3_ASSO, V3_OPER, V3_STATS, VRRP_MIB,
                            VRRPV3_MIB, V4, V6, config, if_facts, ip_hex, val, volatile,
                            wait_walk, walk)
from tandem import wait_until
from vrrp_util import lan, wait_state

PEER_IP = "10.9.0.2"
TABLES = (V2_OPER, V2_ASSO, V2_STATS, V3_OPER, V3_ASSO, V3_STATS)


def normalise(w, ns, peer_ns, drop_v3_index_len):
    """{oid: value} with the side's own ifindex, MAC and link-locals replaced by names,
    volatile values replaced by their type only."""
    idx, mac, ll = if_facts(ns)
    _, _, peer_ll = if_facts(peer_ns)
    subst = {mac: "MAC", ip_hex(ll): "LL_SELF", ip_hex(peer_ll): "LL_PEER"}
    out = {}
    for oid, (typ, v) in w.items():
        for t in TABLES:
            if oid.startswith("." + t + "."):
                col, ifi, *rest = oid[len(t) + 2:].split(".")
                assert int(ifi) == idx, oid
                if t == V3_ASSO and drop_v3_index_len:
                    # vrid, type, length, octets -> vrid, type, octets
                    assert int(rest[2]) == len(rest) - 3, oid
                    rest = rest[:2] + rest[3:]
                oid = ".".join(["", t, col, "IF", *rest])
                break
        if volatile(oid):
            out[oid] = (typ, "*")
        else:
            out[oid] = (typ, subst.get(v, v) if isinstance(v, str) else v)
    return out


def diff(a, b):
    lines = []
    for o in sorted(set(a) | set(b)):
        if a.get(o) != b.get(o):
            lines.append(f"{o}: tandem {a.get(o)} keepalived {b.get(o)}")
    return "\n".join(lines)


def rows_in(w, state, idx):
    """every row in state, the master address columns caught up with it (a walk is not
    atomic): as backup each row names the peer, as master itself"""
    rows = (f"51.{V4}", f"52.{V4}", f"53.{V6}")
    mip = [val(w, f"{V3_OPER}.3.{idx}.{r}") for r in rows]
    own = [val(w, f"{V3_OPER}.4.{idx}.{r}") for r in rows]
    if state == 2 and (val(w, f"{V2_OPER}.7.{idx}.51") != PEER_IP or
                       mip[1] != ip_hex(PEER_IP) or mip[0] != ip_hex(PEER_IP) or
                       mip[2] in (None, own[2], " ".join(["00"] * 16))):
        return False
    if state == 3 and mip != own:
        return False
    return (val(w, f"{V2_OPER}.3.{idx}.51") == state and
            all(val(w, f"{V3_OPER}.6.{idx}.{r}") == state for r in rows))


def side(netns, bridge, tandemd, workdir, tag):
    """(ns, peer_ns, peer, snmpd) with the tandem peer master of all three instances"""
    ns, peer_ns = lan(netns, bridge, names=(tag, tag + "p"), v6=True)
    d = workdir / tag
    d.mkdir()
    trapd = Snmptrapd(ns, d).start()
    snmpd = Snmpd(ns, d).start()
    peer = tandemd(config(200, router_id=tag + "p"), ns=peer_ns, name=tag + "p")
    return ns, peer_ns, peer, snmpd, trapd


_TRAP_IDX = re.compile(r"(\.1\.3\.6\.1\.2\.1\.(?:68\.1\.3\.1\.7|207\.1\.1\.1\.1\.3|"
                       r"207\.1\.2\.5\.1\.2))\.(\d+)\.")


def traps(trapd, since, ns, peer_ns):
    """The VRRP notifications received after offset since, each as a sorted tuple of its
    varbinds (sysUpTime left out) with the side's own ifindex and addresses named"""
    idx, mac, ll = if_facts(ns)
    _, _, peer_ll = if_facts(peer_ns)
    subst = {ip_hex(ll): "LL_SELF", ip_hex(peer_ll): "LL_PEER", mac: "MAC"}
    out = []
    for line in trapd.text()[since:].splitlines():
        if not line.startswith(".1.3.6.1.2.1.1.3.0 ="):
            continue
        vbs = []
        for vb in line.split("\t")[1:]:
            vb = vb.strip()
            m = _TRAP_IDX.match(vb)
            if m:
                assert int(m.group(2)) == idx, vb
                vb = _TRAP_IDX.sub(lambda m: m.group(1) + ".IF.", vb, count=1)
            name, _, value = vb.partition(" = ")
            typ, _, v = value.partition(": ")
            vbs.append((name, typ, subst.get(v.strip(), v.strip())))
        if any("1.3.6.1.2.1.68.0" in v[2] or "1.3.6.1.2.1.207.0" in v[2] for v in vbs):
            out.append(tuple(vbs))
    return sorted(out)


def both_walks(snmpd, ns, state):
    idx = if_facts(ns)[0]
    w3 = wait_walk(snmpd, VRRPV3_MIB, lambda w: rows_in({**w, **walk(snmpd, VRRP_MIB)},
                                                        state, idx),
                   timeout=20, what=f"rows in state {state}")
    return walk(snmpd, VRRP_MIB), w3


def test_walks_match_keepalived(netns, bridge, tandemd, keepalived, workdir):
    require_snmp_tools()
    t_ns, t_peer_ns, t_peer, t_snmpd, t_trapd = side(netns, bridge, tandemd, workdir, "t")
    k_ns, k_peer_ns, k_peer, k_snmpd, k_trapd = side(netns, bridge, tandemd, workdir, "k")
    try:
        for p in (t_peer, k_peer):
            for name in ("VI_2", "VI_3", "VI_6"):
                wait_state(p, "MASTER", name=name, timeout=15)
        tandemd(config(100, agentx=t_snmpd.agentx, router_id="t"), ns=t_ns, name="t")
        keepalived(k_ns, config(100, agentx=k_snmpd.agentx, router_id="k"))
        peers = {"t": t_peer, "k": k_peer}

        def kill_peers():
            for p in peers.values():
                p.kill()                        # silent: Master_Down runs out

        def restart_peers():                    # they preempt: back to backup
            for tag, pns in (("t", t_peer_ns), ("k", k_peer_ns)):
                peers[tag] = tandemd(config(200, router_id=tag + "p"), ns=pns,
                                     name=tag + "p2")

        def stop_peers():
            for p in peers.values():
                p.stop()                        # priority 0: the backup takes over

        phases = ((None, 2, "backup"), (kill_peers, 3, "master after the peer was killed"),
                  (restart_peers, 2, "backup again after the peer preempted"),
                  (stop_peers, 3, "master after the peer stopped"))
        for action, state, what in phases:
            marks = (len(t_trapd.text()), len(k_trapd.text()))
            if action:
                action()
            t2, t3 = both_walks(t_snmpd, t_ns, state)
            k2, k3 = both_walks(k_snmpd, k_ns, state)
            nt2 = normalise(t2, t_ns, t_peer_ns, False)
            nk2 = normalise(k2, k_ns, k_peer_ns, False)
            assert nt2 == nk2, f"VRRP-MIB as {what}:\n" + diff(nt2, nk2)
            nt3 = normalise(t3, t_ns, t_peer_ns, True)
            nk3 = normalise(k3, k_ns, k_peer_ns, False)
            assert nt3 == nk3, f"VRRPv3-MIB as {what}:\n" + diff(nt3, nk3)
            assert len(nt2) > 30 and len(nt3) > 60
            if state == 3:
                reasons = {v[1] for o, v in nt3.items() if o.startswith("." + V3_STATS + ".2.")}
                assert reasons == ({3} if action is kill_peers else {1}), what
                # the same notifications: vrrpTrapNewMaster for the v2 instance,
                # vrrpv3NewMaster for all three, with the same varbinds
                tt = wait_until(lambda: (lambda x: x if len(x) >= 4 else None)(
                    traps(t_trapd, marks[0], t_ns, t_peer_ns)), timeout=10,
                    what="tandem's four notifications")
                kt = wait_until(lambda: (lambda x: x if len(x) >= 4 else None)(
                    traps(k_trapd, marks[1], k_ns, k_peer_ns)), timeout=10,
                    what="keepalived's four notifications")
                assert tt == kt, f"notifications as {what}:\ntandem {tt}\nkeepalived {kt}"
                kinds = sorted(v[2] for t in tt for v in t if v[0] == ".1.3.6.1.6.3.1.1.4.1.0")
                assert kinds == sorted(["." + VRRP_MIB + ".0.1"] +
                                       ["." + VRRPV3_MIB + ".0.1"] * 3), tt
                assert ("." + V2_OPER + ".7.IF.51", "IpAddress", "10.9.0.1") in tt[0] + tt[-1]
    finally:
        t_snmpd.close()
        k_snmpd.close()
        t_trapd.close()
        k_trapd.close()
