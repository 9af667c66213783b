"""Helpers for the VRRP-MIB / VRRPv3-MIB tests (tests/integration/test_snmp_vrrp.py and
tests/interop/test_snmp_keepalived.py): OIDs, walks with octet strings in hex, interface facts,
one VRRP setup (a v2 IPv4 instance with two VIPs and simple password, a v3 IPv4 and a v3 IPv6
instance) as config text for tandem or keepalived."""

import ipaddress
import re

from snmp_env import SNMPWALK, parse_vars
from tandem import wait_until

VRRP_MIB = "1.3.6.1.2.1.68"
VRRPV3_MIB = "1.3.6.1.2.1.207"
V2_OPER = VRRP_MIB + ".1.3.1"           # vrrpOperEntry
V2_ASSO = VRRP_MIB + ".1.4.1"           # vrrpAssoIpAddrEntry
V2_STATS = VRRP_MIB + ".2.4.1"          # vrrpRouterStatsEntry
V3_OPER = VRRPV3_MIB + ".1.1.1.1"       # vrrpv3OperationsEntry
V3_ASSO = VRRPV3_MIB + ".1.1.2.1"       # vrrpv3AssociatedIpAddrEntry
V3_STATS = VRRPV3_MIB + ".1.2.5.1"      # vrrpv3StatisticsEntry
TRAP_V2_NEW_MASTER = VRRP_MIB + ".0.1"
TRAP_V2_AUTH_FAILURE = VRRP_MIB + ".0.2"
TRAP_V3_NEW_MASTER = VRRPV3_MIB + ".0.1"
TRAP_V3_PROTO_ERROR = VRRPV3_MIB + ".0.2"

V4, V6 = 1, 2                           # InetAddressType


def walk(snmpd, oid):
    """{oid: (type, value)} with every octet string as hex ("0A 09 00 01")."""
    p = snmpd._cmd(SNMPWALK, "-Ob", "-OU", "-Ox", oid)
    if p.returncode != 0:
        return {}
    out = parse_vars(p.stdout)
    return {k: v for k, v in out.items() if v[0] != "No Such Object"}


def wait_walk(snmpd, oid, pred, timeout=15.0, what="walk"):
    last = {}

    def ok():
        nonlocal last
        last = walk(snmpd, oid)
        return last if last and pred(last) else None
    try:
        return wait_until(ok, timeout=timeout, interval=0.3, what=what)
    except TimeoutError as e:
        raise TimeoutError(f"{e}; last walk ({len(last)} objects): {str(last)[:3000]}") from None


def val(w, oid):
    v = w.get("." + oid)
    return v[1] if v else None


def hexs(b):
    return " ".join(f"{x:02X}" for x in b)


def ip_hex(addr):
    return hexs(ipaddress.ip_address(addr).packed)


def ip_sub(addr):
    """OID subidentifiers of an address's octets"""
    return ".".join(str(x) for x in ipaddress.ip_address(addr).packed)


def if_facts(ns, ifname="eth0"):
    """(ifindex, MAC as hex, IPv6 link-local or None) of an interface in ns."""
    out = ns.ip("-o", "link", "show", "dev", ifname).stdout
    idx = int(out.split(":")[0])
    mac = re.search(r"link/ether ([0-9a-f:]+)", out).group(1)
    ll = None
    out = ns.ip("-6", "-o", "addr", "show", "dev", ifname, "scope", "link").stdout
    for line in out.splitlines():
        ll = line.split()[3].split("/")[0]
    return idx, hexs(bytes.fromhex(mac.replace(":", ""))), ll


AUTH = "    authentication {\n        auth_type PASS\n        auth_pass tandem1\n    }\n"


def instances(prio, state="BACKUP"):
    """The three instances (VI_2 v2, VI_3 v3 IPv4, VI_6 v3 IPv6) on eth0."""
    def inst(name, vrid, version, adv, vips, extra=""):
        vl = "\n".join(f"        {v}" for v in vips)
        return (f"vrrp_instance {name} {{\n    state {state}\n    interface eth0\n"
                f"    virtual_router_id {vrid}\n    priority {prio}\n    advert_int {adv}\n"
                f"    version {version}\n{extra}    virtual_ipaddress {{\n{vl}\n    }}\n}}\n")
    return (inst("VI_2", 51, 2, "1", ("10.9.0.100/24", "10.9.0.101/24"), AUTH) +
            inst("VI_3", 52, 3, "0.5", ("10.9.0.102/24",)) +
            inst("VI_6", 53, 3, "1", ("fd00:9::100/64",)))


def config(prio, agentx=None, router_id="r", traps=True, rfc="enable_snmp_rfc"):
    g = f"global_defs {{\n    router_id {router_id}\n"
    if agentx:
        g += f"    snmp_socket unix:{agentx}\n    {rfc}\n"
        if traps:
            g += "    enable_traps\n"
    return g + "}\n" + instances(prio)


# objects whose values are counters or times (compared by presence only)
_VOLATILE = [re.compile(p) for p in (
    r"^\.1\.3\.6\.1\.2\.1\.68\.1\.3\.1\.13\.",          # vrrpOperVirtualRouterUpTime
    r"^\.1\.3\.6\.1\.2\.1\.68\.2\.",                    # vrrpStatistics
    r"^\.1\.3\.6\.1\.2\.1\.207\.1\.1\.1\.1\.12\.",      # vrrpv3OperationsUpTime
    r"^\.1\.3\.6\.1\.2\.1\.207\.1\.2\.[1-4]\.0$",      # vrrpv3 router counters, discontinuity
    r"^\.1\.3\.6\.1\.2\.1\.207\.1\.2\.5\.1\.(1|3|4|5|7|8|9|10|11|12)\.",
)]


def volatile(oid):
    return any(p.match(oid) for p in _VOLATILE)


# ---- the MIB modules as Debian's keepalived package installs them (for conformance checks;
# tandem ships no copy)
MIB_FILES = ("/usr/share/snmp/mibs/VRRP-MIB.txt", "/usr/share/snmp/mibs/VRRPv3-MIB.txt")

_DEF = re.compile(r"([a-zA-Z][\w-]*)\s+(OBJECT-TYPE|OBJECT IDENTIFIER|MODULE-IDENTITY|"
                  r"NOTIFICATION-TYPE|OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE)"
                  r"(.*?)::=\s*\{\s*([\w-]+)\s+(\d+)\s*\}", re.S)
# SYNTAX -> the type snmpwalk prints
_TYPES = {"Integer32": "INTEGER", "INTEGER": "INTEGER", "TruthValue": "INTEGER",
          "RowStatus": "INTEGER", "TimeInterval": "INTEGER", "VrId": "INTEGER",
          "Vrrpv3VrIdTC": "INTEGER", "InetAddressType": "INTEGER", "Counter32": "Counter32",
          "Counter64": "Counter64", "Unsigned32": "Gauge32", "Gauge32": "Gauge32",
          "TimeTicks": "Timeticks", "TimeStamp": "Timeticks", "IpAddress": "IpAddress",
          "MacAddress": "Hex-STRING", "InetAddress": "Hex-STRING", "OCTET": "Hex-STRING"}


def load_mibs(paths=MIB_FILES):
    """{name: {"oid": str, "kind": ..., "type": walk type or None, "access": str or None,
    "objects": [names] (notifications)}} for the objects of the modules"""
    defs = {}
    for p in paths:
        text = open(p).read()
        text = re.sub(r'"[^"]*"', '""', text)              # descriptions may hold "--"
        text = re.sub(r"--[^\n]*", "", text)
        text = re.sub(r"IMPORTS.*?;", "", text, flags=re.S)
        for m in _DEF.finditer(text):
            name, kind, body, parent, num = m.groups()
            syn = re.search(r"SYNTAX\s+(SEQUENCE OF\s+)?([\w-]+)", body)
            acc = re.search(r"MAX-ACCESS\s+([\w-]+)", body)
            objs = re.search(r"OBJECTS\s*\{([^}]*)\}", body)
            defs[name] = {"parent": parent, "num": num, "kind": kind,
                          "type": (None if not syn or syn.group(1) else
                                   _TYPES.get(syn.group(2), syn.group(2))),
                          "access": acc.group(1) if acc else None,
                          "objects": [o.strip() for o in objs.group(1).split(",")]
                          if objs else []}
    roots = {"mib-2": "1.3.6.1.2.1"}

    def oid(n):
        if n in roots:
            return roots[n]
        d = defs[n]
        return oid(d["parent"]) + "." + d["num"]
    for n, d in defs.items():
        d["oid"] = oid(n)
    return defs


def object_of(defs, oid):
    """(name, definition) of the MIB object an instance OID belongs to"""
    best = None
    for n, d in defs.items():
        if d["kind"] == "OBJECT-TYPE" and oid.startswith("." + d["oid"] + "."):
            if best is None or len(d["oid"]) > len(best[1]["oid"]):
                best = (n, d)
    return best
