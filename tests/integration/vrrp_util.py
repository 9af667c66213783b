"""Helpers for the VRRP tests (tests/integration/test_vrrp_*.py and tests/interop/): instance
configs, a two-router LAN, VIP checks in a namespace, status through the "vrrp" command,
forged adverts from a third namespace."""

import os
import socket
import struct
import textwrap

from tandem import wait_until

__all__ = ["vrrp_conf", "lan", "has_vip", "vrrp_status", "inst_status", "wait_state",
           "forge_v2", "send_raw4", "drops_total", "enable_ipv6", "wait_ll6", "wait_master_seen"]


def vrrp_conf(name="VI", vrid=51, prio=100, vips=("10.9.0.100/24",), iface="eth0",
              version=3, advert_int="0.1", extra="", state="BACKUP", router_id="r",
              global_extra=""):
    """One vrrp_instance (plus global_defs) as text."""
    vip_lines = "\n".join(f"        {v}" for v in vips)
    return textwrap.dedent(f"""\
        global_defs {{
            router_id {router_id}
        {global_extra}
        }}
        vrrp_instance {name} {{
            state {state}
            interface {iface}
            virtual_router_id {vrid}
            priority {prio}
            advert_int {advert_int}
            version {version}
        {extra}
            virtual_ipaddress {{
        {vip_lines}
            }}
        }}
        """)


def enable_ipv6(ns):
    """No DAD in this namespace, so link-local addresses are usable at once."""
    for k in ("all", "default"):
        ns.exec("sysctl", "-qw", f"net.ipv6.conf.{k}.accept_dad=0")
        ns.exec("sysctl", "-qw", f"net.ipv6.conf.{k}.disable_ipv6=0")


def wait_ll6(ns, ifname="eth0", timeout=10):
    """The interface's non-tentative link-local address."""
    def ll():
        out = ns.ip("-6", "-o", "addr", "show", "dev", ifname, "scope", "link").stdout
        for line in out.splitlines():
            if "tentative" not in line:
                return line.split()[3].split("/")[0]
        return None
    return wait_until(ll, timeout=timeout, what=f"link-local on {ns}:{ifname}")


def lan(netns, bridge, names=("a", "b"), prefix="10.9.0", v6=False):
    """Namespaces on one bridge, eth0 addressed PREFIX.1, .2, ... Returns the namespaces."""
    hosts = [netns(n) for n in names]
    if v6:
        for h in hosts:
            enable_ipv6(h)
    br = bridge(*hosts, addrs=[f"{prefix}.{i + 1}/24" for i in range(len(hosts))])
    if v6:
        enable_ipv6(br.ns)
        for h in hosts:
            wait_ll6(h)
    return hosts


def has_vip(ns, vip, ifname="eth0"):
    """True when the address (with or without /len) is on the interface."""
    addr = vip.split("/")[0]
    fam = 6 if ":" in addr else 4
    return any(a.split("/")[0] == addr for a in ns.addrs(ifname, fam))


def vrrp_status(d):
    r = d.ctl("vrrp")
    assert r.get("ok"), r
    return r["instances"]


def inst_status(d, name="VI"):
    for i in vrrp_status(d):
        if i["name"] == name:
            return i
    raise KeyError(name)


def wait_master_seen(d, name="VI", timeout=10):
    """The instance's status once it has heard a master (a backup that just started may not
    have received the master's next advert yet)."""
    return wait_until(lambda: (lambda st: st if st["master"] else None)(inst_status(d, name)),
                      timeout=timeout, what=f"{name} hearing a master")


def wait_state(d, to, name="VI", timeout=15, since=0):
    """Wait for a vrrp.state event of instance `name` into state `to`; returns it."""
    return d.wait_event(lambda e: e.get("type") == "vrrp.state" and e.get("instance") == name
                        and e.get("to") == to, timeout=timeout, since=since)


def drops_total(inst):
    return sum(inst["counters"]["drops"].values())


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def forge_v2(src, vrid, prio, vips, auth_type=0, password=b"", interval=1, ttl=255,
             dst="224.0.0.18"):
    """A whole IPv4 VRRPv2 advert (header included), checksums right."""
    addrs = b"".join(socket.inet_aton(v.split("/")[0]) for v in vips)
    auth = password.ljust(8, b"\0")[:8] if auth_type == 1 else b"\0" * 8
    body = struct.pack("!BBBBBBH", 0x21, vrid, prio, len(vips), auth_type, interval, 0) + addrs + auth
    body = body[:6] + struct.pack("!H", _csum(body)) + body[8:]
    tot = 20 + len(body)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, tot, 1, 0, ttl, 112, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]
    return hdr + body


def send_raw4(ns, pkt, ifname="eth0", dst="224.0.0.18", count=3):
    """Send a prebuilt IPv4 packet from inside ns (python in the namespace, IP_HDRINCL)."""
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_RAW)\n"
            f"s.setsockopt(socket.SOL_SOCKET,socket.SO_BINDTODEVICE,b'{ifname}')\n"
            "p=bytes.fromhex(sys.stdin.read().strip())\n"
            f"[s.sendto(p,('{dst}',0)) for _ in range({count})]\n")
    ns.exec("/usr/bin/python3", "-c", code, input=pkt.hex())


def script_dir(workdir):
    """A directory the unprivileged script user can write to."""
    os.chmod(workdir, 0o711)
    d = workdir / "scripts"
    d.mkdir()
    os.chmod(d, 0o777)
    return d


def write_script(d, name, body):
    """An executable /bin/sh script d/name with body."""
    p = d / name
    p.write_text("#!/bin/sh\n" + body)
    p.chmod(0o755)
    return p


def lines(p):
    """The non-empty lines of file p ([] while it does not exist)."""
    try:
        return [l for l in p.read_text().splitlines() if l]
    except FileNotFoundError:
        return []
