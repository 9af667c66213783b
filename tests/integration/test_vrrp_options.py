"""VRRP instance and global options not covered elsewhere, in namespaces: dont_track_primary
(a carrier loss is no FAULT), mcast_src_ip, mcast_dst_ip and global vrrp_mcast_group4,
vrrp_check_unicast_src / check_unicast_src (a forged unicast advert from a non-peer is dropped),
skip_check_adv_addr (the followed master's address list is not compared), garp_master_refresh
(periodic GARP rounds while master)."""

import ctypes
import os
import socket

import pytest

from tandem import wait_until
from vrrp_util import (forge_v2, has_vip, inst_status, send_raw4, vrrp_conf, wait_master_seen,
                       wait_state)


def lan_br(netns, bridge, names=("a", "b")):
    hosts = [netns(n) for n in names]
    br = bridge(*hosts, addrs=[f"10.9.0.{i + 1}/24" for i in range(len(hosts))])
    return hosts, br


def test_dont_track_primary(netns, bridge, tandemd):
    (a, b), br = lan_br(netns, bridge)
    da = tandemd(vrrp_conf(prio=200, extra="    dont_track_primary"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    m = wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    port = br.ports[0][2]                       # the bridge end of a's eth0
    br.ns.ip("link", "set", port, "down")       # a's eth0: NO-CARRIER
    wait_until(lambda: "NO-CARRIER" in a.ip("link", "show", "eth0").stdout, timeout=5,
               what="a losing its carrier")
    wait_state(db, "MASTER")                    # b no longer hears a
    with pytest.raises(TimeoutError):           # a: no FAULT (and no other transition)
        da.wait_event(lambda e: e.get("type") == "vrrp.state" and e.get("instance") == "VI",
                      since=m["seq"], timeout=1.5)
    st = inst_status(da)
    assert st["state"] == "MASTER" and not st["fault"]
    assert has_vip(a, "10.9.0.100")
    # the carrier returns: a hears b, b hears a (higher priority): one master again
    br.ns.ip("link", "set", port, "up")
    bk = wait_state(db, "BACKUP", since=m["seq"])
    assert bk["reason"] == "higher_priority"
    assert inst_status(da)["state"] == "MASTER"


def test_mcast_src_ip(netns, bridge, tandemd):
    (a, b), _ = lan_br(netns, bridge)
    a.ip("addr", "add", "10.9.0.11/24", "dev", "eth0")
    da = tandemd(vrrp_conf(prio=200, extra="    mcast_src_ip 10.9.0.11"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    wait_state(da, "MASTER")
    assert inst_status(da)["source"] == "10.9.0.11"
    st = wait_master_seen(db)
    assert st["master"]["address"] == "10.9.0.11"
    assert [p["address"] for p in st["peers"]] == ["10.9.0.11"]


def maddrs(ns):
    return ns.ip("maddr", "show", "dev", "eth0").stdout


def test_mcast_groups(netns, bridge, tandemd):
    """global vrrp_mcast_group4 for every instance; an instance's mcast_dst_ip wins over it"""
    (a, b), _ = lan_br(netns, bridge)
    glob = "    vrrp_mcast_group4 224.0.0.99"
    inst2 = vrrp_conf(name="VJ", vrid=52, vips=("10.9.0.101/24",), prio=0,
                      extra="    mcast_dst_ip 224.0.0.77").split("vrrp_instance", 1)[1]

    def conf(prio):
        return (vrrp_conf(prio=prio, global_extra=glob) + "vrrp_instance" +
                inst2.replace("priority 0", f"priority {prio}"))
    da = tandemd(conf(200), ns=a, name="a")
    db = tandemd(conf(100), ns=b, name="b")
    for name in ("VI", "VJ"):
        wait_state(da, "MASTER", name=name)
        wait_state(db, "BACKUP", name=name)
        assert wait_master_seen(db, name)["master"]["address"] == "10.9.0.1"
    for ns in (a, b):
        m = maddrs(ns)
        assert "224.0.0.99" in m and "224.0.0.77" in m and "224.0.0.18" not in m, m
    assert has_vip(a, "10.9.0.100") and has_vip(a, "10.9.0.101")
    da.stop()
    wait_state(db, "MASTER", name="VI")
    wait_state(db, "MASTER", name="VJ")


@pytest.mark.parametrize("where", ["global", "instance"])
def test_check_unicast_src(netns, bridge, tandemd, where):
    (a, b, x), _ = lan_br(netns, bridge, names=("a", "b", "x"))

    def conf(prio, peer):
        return vrrp_conf(prio=prio, version=2, advert_int="1",
                         extra=f"    unicast_peer {{\n        {peer}\n    }}" +
                         ("\n    check_unicast_src" if where == "instance" else ""),
                         global_extra="    vrrp_check_unicast_src" if where == "global" else "")
    da = tandemd(conf(200, "10.9.0.2"), ns=a, name="a")
    db = tandemd(conf(100, "10.9.0.1"), ns=b, name="b")
    wait_state(da, "MASTER", timeout=20)
    wait_state(db, "BACKUP")
    # x is no peer: its priority-255 advert (right in every other way) to b is dropped
    send_raw4(x, forge_v2("10.9.0.3", 51, 255, ["10.9.0.100"], dst="10.9.0.2"),
              dst="10.9.0.2")
    wait_until(lambda: inst_status(db)["counters"]["not_peer"] >= 3, timeout=5,
               what="non-peer adverts counted")
    st = inst_status(db)
    assert st["state"] == "BACKUP" and st["master"]["address"] == "10.9.0.1"
    assert not any(p["address"] == "10.9.0.3" for p in st["peers"])


def test_garp_master_refresh(netns, bridge, tandemd):
    (a, c), _ = lan_br(netns, bridge, names=("a", "c"))
    extra = ("    garp_master_delay 0\n    garp_master_repeat 2\n"
             "    garp_master_refresh 1\n    garp_master_refresh_repeat 3")
    da = tandemd(vrrp_conf(prio=200, extra=extra), ns=a, name="a")
    wait_state(da, "MASTER")
    wait_until(lambda: inst_status(da)["counters"]["garp"] >= 2, timeout=5, what="first round")
    # every second a round of 3 more
    wait_until(lambda: inst_status(da)["counters"]["garp"] >= 2 + 2 * 3, timeout=6,
               what="two refresh rounds")
    assert inst_status(da)["counters"]["garp_errors"] == 0
    out = c.exec("timeout", "3", "tcpdump", "-c", "3", "-n", "-i", "eth0", "arp",
                 check=False).stdout
    assert out.count("10.9.0.100") >= 3, out


def test_skip_check_adv_addr(netns, bridge, tandemd):
    """b follows a; a's VIP list changes (reload): with skip_check_adv_addr b keeps following
    it, without (the instance VJ) the adverts are dropped as addr_list."""
    (a, b), _ = lan_br(netns, bridge)

    def conf(prio, vips, extra=""):
        vj = vrrp_conf(name="VJ", vrid=52, prio=prio, vips=tuple(v.replace(".100", ".110")
                                                                for v in vips))
        return (vrrp_conf(prio=prio, vips=vips, extra=extra) + "vrrp_instance" +
                vj.split("vrrp_instance", 1)[1])
    da = tandemd(conf(200, ("10.9.0.100/24",)), ns=a, name="a")
    db = tandemd(conf(100, ("10.9.0.100/24",), "    skip_check_adv_addr"), ns=b, name="b")
    for n in ("VI", "VJ"):
        wait_state(da, "MASTER", name=n)
        wait_state(db, "BACKUP", name=n)
        wait_master_seen(db, n)
    da.write_config(conf(200, ("10.9.0.100/24", "10.9.0.102/24")))
    da.reload()
    def list_drops(n):
        dr = inst_status(db, n)["counters"]["drops"]
        return dr["addr_list"] + dr["addr_count"]
    wait_until(lambda: list_drops("VJ") >= 3, timeout=10, what="VJ dropping the changed list")
    rx = inst_status(db)["counters"]["rx"]
    wait_until(lambda: inst_status(db)["counters"]["rx"] >= rx + 5, timeout=10,
               what="VI still taking a's adverts")
    st = inst_status(db)
    assert st["state"] == "BACKUP" and list_drops("VI") == 0


def addr_line(ns, ifname, addr):
    for line in ns.ip("-o", "addr", "show", "dev", ifname).stdout.splitlines():
        if f" {addr}/" in line:
            return line
    return None


def test_vip_options_and_excluded(netns, bridge, veth, tandemd):
    """virtual_ipaddress with /prefix, brd, label, scope and dev (another interface);
    virtual_ipaddress_excluded installed with them but not carried in the adverts (b, which
    lists only the main VIPs, accepts a's adverts); all removed when a goes BACKUP and on a
    clean stop."""
    (a, b), _ = lan_br(netns, bridge)
    c = netns("c")
    veth(a, c, if_a="eth1", if_b="eth1")
    vips = ("10.9.0.100/24 brd 10.9.0.255 label eth0:vip",
            "10.9.0.101/32 scope link",
            "10.7.0.1/24 dev eth1")
    excl = ("    virtual_ipaddress_excluded {\n        10.9.0.200/24\n"
            "        fd00:7::1/64 dev eth1\n    }")
    da = tandemd(vrrp_conf(prio=200, vips=vips, extra=excl), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, vips=vips), ns=b, name="b")
    m = wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    wait_master_seen(db)
    l100 = wait_until(lambda: addr_line(a, "eth0", "10.9.0.100"), what="VIP .100")
    assert "brd 10.9.0.255" in l100 and "eth0:vip" in l100 and "/24" in l100
    assert "scope link" in addr_line(a, "eth0", "10.9.0.101") and \
        "/32" in addr_line(a, "eth0", "10.9.0.101")
    assert addr_line(a, "eth1", "10.7.0.1") is not None
    assert addr_line(a, "eth0", "10.9.0.200") is not None        # excluded: installed
    assert addr_line(a, "eth1", "fd00:7::1") is not None
    st = inst_status(db)
    drops = st["counters"]["drops"]
    assert drops["addr_list"] + drops["addr_count"] == 0       # adverts carry 3 addresses
    # a higher priority takes over: a removes all of them
    db.stop()
    da2 = tandemd(vrrp_conf(prio=250, vips=vips, router_id="b2"), ns=b, name="b2")
    bk = wait_state(da, "BACKUP", since=m["seq"])
    for ifn, addr in (("eth0", "10.9.0.100"), ("eth0", "10.9.0.101"), ("eth1", "10.7.0.1"),
                      ("eth0", "10.9.0.200"), ("eth1", "fd00:7::1")):
        assert addr_line(a, ifn, addr) is None, (ifn, addr)
    # master again, then a clean stop leaves nothing behind
    da2.stop()
    wait_state(da, "MASTER", since=bk["seq"])
    wait_until(lambda: addr_line(a, "eth0", "10.9.0.200"), what="excluded VIP back")
    da.stop()
    for ifn, addr in (("eth0", "10.9.0.100"), ("eth0", "10.9.0.101"), ("eth1", "10.7.0.1"),
                      ("eth0", "10.9.0.200"), ("eth1", "fd00:7::1")):
        assert addr_line(a, ifn, addr) is None, (ifn, addr)


def test_promote_secondaries_and_rx_buf(netns, bridge, tandemd):
    (a,), _ = lan_br(netns, bridge, names=("a",))
    before = a.exec("cat", "/proc/sys/net/ipv4/conf/eth0/promote_secondaries").stdout.strip()
    assert before == "0"
    da = tandemd(vrrp_conf(prio=200, extra="    promote_secondaries\n"
                                           "    kernel_rx_buf_size 300000"), ns=a, name="a")
    wait_state(da, "MASTER")
    assert a.exec("cat", "/proc/sys/net/ipv4/conf/eth0/promote_secondaries").stdout.strip() == "1"
    # the instance's raw socket, taken from the vrrp child (pidfd_getfd): the kernel doubles
    # the size asked for
    assert 600000 in raw_rcvbufs(da.child_pid("vrrp"))


def raw_rcvbufs(pid):
    """SO_RCVBUF of every raw socket of process pid"""
    libc = ctypes.CDLL(None, use_errno=True)
    pfd = os.pidfd_open(pid)
    sizes = []
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                    continue
            except OSError:
                continue
            mine = libc.syscall(438, pfd, int(fd), 0)          # pidfd_getfd
            if mine < 0:
                continue
            try:
                s = socket.socket(fileno=mine)
                try:
                    if s.type == socket.SOCK_RAW:
                        sizes.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
                finally:
                    s.detach()
            finally:
                os.close(mine)
    finally:
        os.close(pfd)
    return sizes


def test_track_src_ip(netns, bridge, tandemd):
    """track_src_ip: FAULT while the configured source address is missing"""
    (a,), _ = lan_br(netns, bridge, names=("a",))
    a.ip("addr", "add", "10.9.0.11/24", "dev", "eth0")
    da = tandemd(vrrp_conf(prio=200, extra="    mcast_src_ip 10.9.0.11\n    track_src_ip"),
                 ns=a, name="a")
    m = wait_state(da, "MASTER")
    a.ip("addr", "del", "10.9.0.11/24", "dev", "eth0")
    f = wait_state(da, "FAULT", since=m["seq"])
    assert not has_vip(a, "10.9.0.100")
    a.ip("addr", "add", "10.9.0.11/24", "dev", "eth0")
    wait_state(da, "MASTER", since=f["seq"])


def test_unicast_fault_no_peer(netns, bridge, tandemd):
    """an empty unicast_peer block: multicast as usual, FAULT with unicast_fault_no_peer"""
    (a, b), _ = lan_br(netns, bridge)
    da = tandemd(vrrp_conf(prio=200, extra="    unicast_peer {\n    }\n    unicast_fault_no_peer"),
                 ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, extra="    unicast_peer {\n    }"), ns=b, name="b")
    wait_state(da, "FAULT")
    wait_state(db, "MASTER")
    st = inst_status(db)
    assert not st["unicast"]


def test_garp_extra_if_all(netns, bridge, tandemd):
    """garp_extra_if all 1 without VMAC: the instance's interface announces its own address
    every second; without `all` nothing is started for a non-VMAC instance"""
    (a, c), _ = lan_br(netns, bridge, names=("a", "c"))
    a.ip("link", "set", "eth0", "address", "02:00:00:00:aa:01")
    da = tandemd(vrrp_conf(prio=200, extra="    garp_extra_if all 1"), ns=a, name="a")
    wait_state(da, "MASTER")
    out = c.exec("timeout", "4", "tcpdump", "-c", "2", "-e", "-n", "-i", "eth0",
                 "arp and ether src 02:00:00:00:aa:01 and arp[14:4] == 0x0a090001",
                 check=False).stdout
    assert out.count("tell 10.9.0.1,") >= 2, out
    assert inst_status(da)["garp_extra_if"]["sent"] >= 2
    da.stop()
    db = tandemd(vrrp_conf(prio=200, extra="    garp_extra_if 1"), ns=a, name="b")
    wait_state(db, "MASTER")
    assert "garp_extra_if" not in inst_status(db)
