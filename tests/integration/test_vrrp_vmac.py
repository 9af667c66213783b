"""VRRP virtual MAC (use_vmac, vmac_xmit_base; vrrp/vrrp_vmac.c): each router makes a
macvlan vrrp.51 with MAC 00:00:5e:00:01:33 on eth0 with its sysctls; the master's VIP is on
it and answers ARP with the virtual MAC; after a failover the client's neighbour entry for
the VIP keeps the same MAC; the macvlan is removed (and eth0's arp_ignore restored) on stop.
Also a MAC given on the use_vmac line, and an IPv6 instance (00:00:5e:00:02:VRID, NA)."""

import signal

import pytest

from tandem import wait_until
from vrrp_util import (drops_total, has_vip, inst_status, lan, vrrp_conf, wait_ll6,
                       wait_master_seen, wait_state)

VIP = "10.9.0.100/24"
VMAC = "00:00:5e:00:01:33"          # VRID 51


def link_mac(ns, ifname):
    out = ns.ip("-o", "link", "show", "dev", ifname, check=False)
    if out.returncode != 0:
        return None
    words = out.stdout.split()
    return words[words.index("link/ether") + 1] if "link/ether" in words else None


def sysctl(ns, ifname, key):
    return int(ns.exec("cat", f"/proc/sys/net/ipv4/conf/{ifname}/{key}").stdout.strip())


def client_neigh(c, vip):
    """the MAC the client has for the VIP (after a ping), or None"""
    c.exec("ping", "-c", "1", "-W", "1", vip.split("/")[0], check=False)
    out = c.ip("neigh", "show", vip.split("/")[0], "dev", "eth0").stdout.split()
    return out[out.index("lladdr") + 1] if "lladdr" in out else None


def pair(netns, bridge, tandemd, extra):
    a, b, c = lan(netns, bridge, names=("a", "b", "c"))
    da = tandemd(vrrp_conf(prio=200, extra=extra, router_id="a"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, extra=extra, router_id="b"), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    return a, b, c, da, db


def test_vmac_failover_keeps_client_mac(netns, bridge, tandemd):
    a, b, c, da, db = pair(netns, bridge, tandemd, "    use_vmac")
    for ns in (a, b):
        assert link_mac(ns, "vrrp.51") == VMAC
        assert sysctl(ns, "vrrp.51", "arp_ignore") == 1
        assert sysctl(ns, "vrrp.51", "arp_filter") == 0
        assert sysctl(ns, "vrrp.51", "rp_filter") == 0
        assert sysctl(ns, "eth0", "arp_ignore") == 1
        assert sysctl(ns, "eth0", "arp_announce") == 2
    wait_until(lambda: has_vip(a, VIP, "vrrp.51"), what="VIP on a's vmac")
    assert not has_vip(a, VIP) and not has_vip(b, VIP, "vrrp.51")
    assert wait_until(lambda: client_neigh(c, VIP), what="client ARP for the VIP") == VMAC
    # graceful failover: the same MAC now lives on b
    da.signal(signal.SIGTERM)
    wait_state(db, "MASTER", timeout=5)
    da.proc.wait(10)
    assert link_mac(a, "vrrp.51") is None            # removed on stop
    assert sysctl(a, "eth0", "arp_ignore") == 0      # restored
    assert sysctl(a, "eth0", "arp_announce") == 0
    assert has_vip(b, VIP, "vrrp.51")
    c.exec("ping", "-c", "1", "-W", "2", VIP.split("/")[0])
    assert client_neigh(c, VIP) == VMAC
    db.stop()
    assert link_mac(b, "vrrp.51") is None


def test_vmac_named_xmit_base(netns, bridge, tandemd):
    a, b, c, da, db = pair(netns, bridge, tandemd, "    use_vmac vip51\n    vmac_xmit_base")
    assert link_mac(a, "vip51") == VMAC and link_mac(b, "vip51") == VMAC
    wait_until(lambda: has_vip(a, VIP, "vip51"), what="VIP on a's vmac")
    assert wait_until(lambda: client_neigh(c, VIP), what="client ARP for the VIP") == VMAC
    # adverts leave from eth0 (the base): b hears a with a's own address
    st = wait_master_seen(db)
    assert st["master"]["address"] == "10.9.0.1"
    da.stop()
    wait_state(db, "MASTER", timeout=5)
    assert link_mac(a, "vip51") is None
    assert client_neigh(c, VIP) == VMAC


def test_vmac_configured_mac(netns, bridge, tandemd):
    """use_vmac NAME MAC: the macvlan carries that MAC (both routers), the client learns it;
    with 5 octets the VRID is the sixth."""
    mac = "02:42:ac:11:00:07"
    a, b, c, da, db = pair(netns, bridge, tandemd, f"    use_vmac vm51 {mac}")
    assert link_mac(a, "vm51") == mac and link_mac(b, "vm51") == mac
    wait_until(lambda: has_vip(a, VIP, "vm51"), what="VIP on a's vmac")
    assert wait_until(lambda: client_neigh(c, VIP), what="client ARP for the VIP") == mac
    da.stop()
    wait_state(db, "MASTER", timeout=5)
    assert has_vip(b, VIP, "vm51")
    assert client_neigh(c, VIP) == mac
    db.stop()
    a2, = lan(netns, bridge, names=("d",), prefix="10.9.1")
    dd = tandemd(vrrp_conf(prio=200, extra="    use_vmac 02:42:ac:11:00", router_id="d"),
                 ns=a2, name="d")
    wait_state(dd, "MASTER")
    assert link_mac(a2, "vrrp.51") == "02:42:ac:11:00:33"      # VRID 51 = 0x33


@pytest.mark.parametrize("xmit_base", [False, True])
def test_vmac_ipv6(netns, bridge, tandemd, xmit_base):
    """An IPv6 instance with use_vmac: the macvlan has the IPv6 virtual router MAC
    00:00:5e:00:02:VRID, the master's VIP is on it and a client's neighbour entry for the VIP
    holds that MAC, before and after a failover; the backup hears the master's adverts."""
    vip6 = "fd00:9::100/64"
    vmac6 = "00:00:5e:00:02:33"
    a, b, c = lan(netns, bridge, names=("a", "b", "c"), v6=True)
    c.ip("-6", "addr", "add", "fd00:9::3/64", "dev", "eth0", "nodad")
    extra = "    use_vmac" + ("\n    vmac_xmit_base" if xmit_base else "")
    da = tandemd(vrrp_conf(prio=200, vips=(vip6,), extra=extra, router_id="a"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, vips=(vip6,), extra=extra, router_id="b"), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    for ns in (a, b):
        assert link_mac(ns, "vrrp.51") == vmac6
    # the macvlan has the base's link-local address, not one made from the shared MAC
    for ns in (a, b):
        ll = [x.split("/")[0] for x in ns.addrs("vrrp.51", 6) if x.startswith("fe80:")]
        assert ll == [wait_ll6(ns)], ll
    st = wait_master_seen(db)
    assert st["family"] == "inet6" and st["master"]["address"] == wait_ll6(a)
    wait_until(lambda: has_vip(a, vip6, "vrrp.51"), what="VIP on a's vmac")
    assert not has_vip(b, vip6, "vrrp.51")

    def neigh6():
        c.exec("ping", "-6", "-c", "1", "-W", "1", "fd00:9::100", check=False)
        out = c.ip("-6", "neigh", "show", "fd00:9::100", "dev", "eth0").stdout.split()
        return out[out.index("lladdr") + 1] if "lladdr" in out else None
    assert wait_until(neigh6, what="client neighbour entry for the VIP") == vmac6
    da.signal(signal.SIGTERM)
    wait_state(db, "MASTER", timeout=5)
    da.proc.wait(10)
    assert link_mac(a, "vrrp.51") is None
    wait_until(lambda: has_vip(b, vip6, "vrrp.51"), what="VIP on b's vmac")
    c.exec("ping", "-6", "-c", "1", "-W", "2", "fd00:9::100")
    assert neigh6() == vmac6
    assert inst_status(db)["counters"]["garp_errors"] == 0
    assert drops_total(inst_status(db)) == 0


@pytest.mark.parametrize("where", ["instance", "global"])
def test_vmac_garp_extra_if(netns, bridge, tandemd, where):
    """garp_extra_if 1 (or global vrrp_garp_extra_if): the base interface of a VMAC instance
    announces its own address with its own MAC every second, whatever the state."""
    a, b, c = lan(netns, bridge, names=("a", "b", "c"))
    inst = "    use_vmac\n    garp_extra_if 1" if where == "instance" else "    use_vmac"
    glob = "    vrrp_garp_extra_if 1" if where == "global" else ""
    da = tandemd(vrrp_conf(prio=200, extra="    use_vmac", router_id="a"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, extra=inst, router_id="b", global_extra=glob),
                 ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    mac_b = link_mac(b, "eth0")
    out = c.exec("timeout", "4", "tcpdump", "-c", "2", "-e", "-n", "-i", "eth0",
                 "arp and ether src " + mac_b, check=False).stdout
    lines = [l for l in out.splitlines() if "who-has 10.9.0.2 " in l and "tell 10.9.0.2," in l]
    assert len(lines) >= 2, out
    st = inst_status(db)
    assert st["garp_extra_if"]["sent"] >= 2 and st["garp_extra_if"]["errors"] == 0
    assert "garp_extra_if" not in inst_status(da)          # off for a


def test_vmac_garp_extra_if_ipv6(netns, bridge, tandemd):
    a, b, c = lan(netns, bridge, names=("a", "b", "c"), v6=True)
    vip6 = ("fd00:9::100/64",)
    da = tandemd(vrrp_conf(prio=200, vips=vip6, extra="    use_vmac", router_id="a"),
                 ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, vips=vip6, extra="    use_vmac\n    garp_extra_if 1",
                           router_id="b"), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    mac_b, ll_b = link_mac(b, "eth0"), wait_ll6(b)
    out = c.exec("timeout", "4", "tcpdump", "-c", "2", "-e", "-n", "-i", "eth0",
                 "icmp6 and ip6[40] == 136 and ether src " + mac_b, check=False).stdout
    lines = [l for l in out.splitlines() if f"tgt is {ll_b}" in l]
    assert len(lines) >= 2, out
    st = inst_status(db)
    assert st["garp_extra_if"]["sent"] >= 2 and st["garp_extra_if"]["errors"] == 0
