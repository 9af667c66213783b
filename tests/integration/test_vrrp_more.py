"""VRRP over unicast peers and IPv6, forged adverts (wrong password, TTL 64) that must change
nothing and are counted by reason, tandemctl vrrp (table and --json), demote/promote/garp."""

import json
import signal

from tandem import wait_until
from vrrp_util import (drops_total, forge_v2, has_vip, inst_status, lan, send_raw4, vrrp_conf,
                       wait_ll6, wait_master_seen, wait_state)


def test_unicast_peers(netns, bridge, tandemd):
    a, b = lan(netns, bridge)
    da = tandemd(vrrp_conf(prio=200, extra="    unicast_src_ip 10.9.0.1\n"
                           "    unicast_peer {\n        10.9.0.2\n    }"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, extra="    unicast_src_ip 10.9.0.2\n"
                           "    unicast_peer {\n        10.9.0.1\n    }"), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    st = wait_master_seen(db)
    assert st["unicast"] and st["master"]["address"] == "10.9.0.1"
    assert has_vip(a, "10.9.0.100") and not has_vip(b, "10.9.0.100")
    da.kill()
    wait_state(db, "MASTER")
    assert has_vip(b, "10.9.0.100")
    assert drops_total(st) == 0


def test_ipv6_link_local_and_na(netns, bridge, tandemd):
    a, b = lan(netns, bridge, v6=True)
    vip6 = "fd00:9::100/64"
    # b, as a router, creates neighbour entries from unsolicited NAs (kernel >= 5.19)
    b.exec("sysctl", "-qw", "net.ipv6.conf.eth0.forwarding=1")
    b.exec("sysctl", "-qw", "net.ipv6.conf.eth0.accept_untracked_na=1")
    da = tandemd(vrrp_conf(prio=200, vips=(vip6,)), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, vips=(vip6,)), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    st = wait_master_seen(db)
    assert st["family"] == "inet6"
    assert st["master"]["address"].startswith("fe80:")
    assert has_vip(a, vip6) and not has_vip(b, vip6)
    assert inst_status(da)["counters"]["garp"] >= 1 and \
        inst_status(da)["counters"]["garp_errors"] == 0
    # b learned a's MAC for the VIP from the unsolicited NA
    mac_a = a.ip("-o", "link", "show", "eth0").stdout.split("link/ether ")[1].split()[0]
    neigh = wait_until(lambda: "fd00:9::100" in b.ip("-6", "neigh", "show").stdout and
                       b.ip("-6", "neigh", "show").stdout, timeout=5, what="NA on b")
    assert mac_a in neigh
    da.kill()
    wait_state(db, "MASTER")
    assert has_vip(b, vip6)


def test_forged_adverts_change_nothing(netns, bridge, tandemd):
    a, b, x = lan(netns, bridge, names=("a", "b", "x"))
    extra = "    authentication {\n        auth_type PASS\n        auth_pass secret1\n    }"
    da = tandemd(vrrp_conf(prio=200, version=2, advert_int=1, extra=extra), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, version=2, advert_int=1, extra=extra), ns=b, name="b")
    wait_state(da, "MASTER", timeout=20)
    wait_state(db, "BACKUP")
    # wrong password, priority 255: would take over if accepted
    send_raw4(x, forge_v2("10.9.0.3", 51, 255, ["10.9.0.100"], auth_type=1,
                          password=b"wrong"))
    # right password but TTL 64 (not from this link)
    send_raw4(x, forge_v2("10.9.0.3", 51, 255, ["10.9.0.100"], auth_type=1,
                          password=b"secret1", ttl=64))
    for d in (da, db):
        wait_until(lambda: inst_status(d)["counters"]["drops"]["auth_pass"] >= 3 and
                   inst_status(d)["counters"]["drops"]["ttl"] >= 3, timeout=5,
                   what="forged adverts counted")
    for d, state in ((da, "MASTER"), (db, "BACKUP")):
        st = inst_status(d)
        assert st["state"] == state and st["counters"]["transitions"] == 1 + (state == "MASTER")
        assert not any(p["address"] == "10.9.0.3" for p in st["peers"])
    # the JSON of tandemctl carries the same counters
    rc, out, err = da.tandemctl("--json", "vrrp")
    assert rc == 0, err
    j = json.loads(out)
    assert j["instances"][0]["counters"]["drops"]["auth_pass"] >= 3
    assert has_vip(a, "10.9.0.100") and not has_vip(b, "10.9.0.100")


def test_tandemctl_vrrp_drills(netns, bridge, tandemd):
    a, b = lan(netns, bridge)
    da = tandemd(vrrp_conf(prio=200), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    rc, out, err = db.tandemctl("vrrp")
    assert rc == 0, err
    assert "VI" in out and "BACKUP" in out and "10.9.0.1" in out
    rc, out, err = db.tandemctl("vrrp", "VI", "--json")
    assert rc == 0 and json.loads(out)["instances"][0]["state"] == "BACKUP", err
    rc, out, err = da.tandemctl("vrrp", "garp", "VI")
    assert rc == 0, err
    rc, out, err = da.tandemctl("vrrp", "demote", "VI")
    assert rc == 0, err
    ev = wait_state(db, "MASTER")
    assert ev["reason"] == "master_left"
    assert inst_status(da)["demoted"] and inst_status(da)["state"] == "BACKUP"
    rc, out, err = da.tandemctl("vrrp", "promote", "VI")
    assert rc == 0, err
    wait_state(db, "BACKUP", since=ev["seq"])
    assert has_vip(a, "10.9.0.100") and not has_vip(b, "10.9.0.100")
    rc, out, err = da.tandemctl("vrrp", "NOPE")
    assert rc != 0 and "NOPE" in (out + err)
    rc, out, err = da.tandemctl("vrrp", "demote", "NOPE")
    assert rc != 0 and "NOPE" in (out + err)


def test_ipv6_unicast_link_local_peers(netns, bridge, tandemd):
    a, b = lan(netns, bridge, v6=True)
    ll_a, ll_b = wait_ll6(a), wait_ll6(b)
    vip6 = "fd00:9::100/64"
    da = tandemd(vrrp_conf(prio=200, vips=(vip6,),
                           extra=f"    unicast_peer {{\n        {ll_b}\n    }}"), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100, vips=(vip6,),
                           extra=f"    unicast_peer {{\n        {ll_a}\n    }}"), ns=b, name="b")
    wait_state(da, "MASTER")
    wait_state(db, "BACKUP")
    st = wait_master_seen(db)
    assert st["unicast"] and st["master"]["address"] == ll_a
    assert has_vip(a, vip6) and not has_vip(b, vip6)
    da.signal(signal.SIGTERM)
    assert wait_state(db, "MASTER")["reason"] == "master_left"
    assert drops_total(inst_status(db)) == 0


def test_startup_delay(netns, bridge, tandemd):
    a, = lan(netns, bridge, names=("a",))
    da = tandemd(vrrp_conf(prio=200, global_extra="    vrrp_startup_delay 0.5"), ns=a, name="a")
    start = da.wait_event({"type": "child.start", "child": "vrrp"})
    backup = wait_state(da, "BACKUP")
    assert backup["mono_ns"] - start["mono_ns"] >= 500_000_000
    wait_state(da, "MASTER")
    assert has_vip(a, "10.9.0.100")


def test_interface_comes_and_goes(netns, veth, tandemd):
    """An instance whose interface does not exist yet waits in FAULT; the interface appears
    (rtnetlink): it starts and becomes master; the interface goes: FAULT again; it comes back
    with another index: the socket follows and it is master again."""
    a, peer = netns("a"), netns("p")
    da = tandemd(vrrp_conf(prio=200, iface="eth1"), ns=a, name="a")
    assert wait_state(da, "FAULT")["reason"] == "fault"
    link = veth(a, peer, "eth1", "eth0", "10.9.0.1/24", "10.9.0.9/24")
    ev = wait_state(da, "MASTER")
    assert has_vip(a, "10.9.0.100", "eth1")
    link.delete()
    wait_state(da, "FAULT", since=ev["seq"])
    link = veth(a, peer, "eth1", "eth0", "10.9.0.1/24", "10.9.0.9/24")
    ev = wait_state(da, "MASTER", since=ev["seq"])
    assert has_vip(a, "10.9.0.100", "eth1")
    st = inst_status(da)
    assert st["counters"]["tx"] > 0
    # adverts really go out on the new link
    out = peer.exec("timeout", "3", "tcpdump", "-c", "2", "-n", "-i", "eth0", "ip proto 112",
                    check=False).stdout
    assert out.count("VRRPv3") >= 2, out
