"""TANDEM-MIB itself: it passes `smilint -l 3` (against the SMIv2 base-module stand-ins in
tests/mibs, as Debian ships no IETF MIB text), and every object the subagent serves in a
walk is a scalar or column the MIB defines, as are the notifications it sends."""

import os
import shutil
import subprocess

import pytest

from snmp_env import TANDEM_MIB, Snmpd, require_snmp_tools
from tandem import REPO, wait_until

MIB = REPO / "etc" / "mibs" / "TANDEM-MIB.txt"
SMIPATH = REPO / "tests" / "mibs"
SMILINT = shutil.which("smilint")
SMIDUMP = shutil.which("smidump")


def smi_env():
    return dict(os.environ, SMIPATH=str(SMIPATH))


def require_smitools():
    if not SMILINT or not SMIDUMP:
        pytest.skip("smitools is not installed (make deps)")


def mib_nodes():
    """{oid: (name, kind)} from smidump."""
    p = subprocess.run([SMIDUMP, "-f", "identifiers", str(MIB)], capture_output=True,
                       text=True, env=smi_env(), timeout=30, check=True)
    nodes = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 4 and f[0] == "TANDEM-MIB":
            nodes[f[3]] = (f[1], f[2])
    return nodes


def test_smilint_level3_clean():
    require_smitools()
    p = subprocess.run([SMILINT, "-l", "3", str(MIB)], capture_output=True, text=True,
                       env=smi_env(), timeout=30)
    assert p.returncode == 0
    assert p.stdout.strip() == "" and p.stderr.strip() == "", p.stdout + p.stderr


def test_mib_oids_match_the_code():
    require_smitools()
    nodes = mib_nodes()
    byname = {v[0]: k for k, v in nodes.items()}
    assert byname["tandemMIB"] == TANDEM_MIB
    assert byname["tandemReloadFailed"] == TANDEM_MIB + ".0.1"
    assert byname["tandemVrrpStateChange"] == TANDEM_MIB + ".0.2"
    assert byname["tandemConfigGeneration"] == TANDEM_MIB + ".1.1.5"
    assert byname["tandemChildEntry"] == TANDEM_MIB + ".1.2.1"
    assert byname["tandemVrrpInstanceEntry"] == TANDEM_MIB + ".1.3.1"
    assert byname["tandemRealServerEntry"] == TANDEM_MIB + ".1.4.1"
    assert byname["tandemVirtualServerEntry"] == TANDEM_MIB + ".1.5.1"
    assert byname["tandemRealServerStateChange"] == TANDEM_MIB + ".0.3"
    assert byname["tandemQuorumChange"] == TANDEM_MIB + ".0.4"


CONF = """
global_defs {{
    snmp_socket {agentx}
    enable_snmp_tandem
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface lo
    virtual_router_id 7
    priority 100
    advert_int 1
    virtual_ipaddress {{
        192.0.2.7/32
    }}
}}
virtual_server 192.0.2.7 80 {{
    delay_loop 5
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.7 80 {{
        weight 1
        TCP_CHECK {{
            connect_timeout 3
        }}
    }}
}}
"""


def test_walked_objects_are_defined(netns, workdir, tandemd):
    require_smitools()
    require_snmp_tools()
    nodes = mib_nodes()
    ns = netns("mib")
    snmpd = Snmpd(ns, workdir).start()
    try:
        tandemd(CONF.format(agentx=snmpd.agentx), ns=ns)
        w = wait_until(lambda: (lambda w: w if any(".1.3.1." in o for o in w) and
                                any(".1.4.1." in o for o in w) else None)(snmpd.walk()),
                       timeout=10, interval=0.2, what="walk with VRRP and real server rows")
        for oid in w:
            o = oid.strip(".")
            # a scalar instance (.0) or a column followed by an index
            parents = [o.rsplit(".", k)[0] for k in range(1, o.count(".") + 1)]
            kinds = [nodes[p][1] for p in parents if p in nodes]
            assert kinds and kinds[0] in ("scalar", "column"), (oid, kinds)
            if kinds[0] == "scalar":
                assert o.endswith(".0"), oid
    finally:
        snmpd.close()


@pytest.mark.parametrize("keyword", ["enable_snmp_checker", "enable_snmp_vrrp"])
def test_keepalived_keywords_serve_tandem_mib(netns, workdir, tandemd, keyword):
    """keepalived's enable_snmp_checker / enable_snmp_vrrp alone (no enable_snmp_tandem) serve
    TANDEM-MIB, which carries the facts of KEEPALIVED-MIB's checker and VRRP parts."""
    require_snmp_tools()
    ns = netns("kamib")
    snmpd = Snmpd(ns, workdir).start()
    try:
        conf = CONF.replace("enable_snmp_tandem", keyword)
        assert keyword in conf and "enable_snmp_tandem" not in conf
        tandemd(conf.format(agentx=snmpd.agentx), ns=ns)
        wait_until(lambda: (lambda w: any(".1.3.1." in o for o in w) and
                            any(".1.4.1." in o for o in w))(snmpd.walk()),
                   timeout=10, interval=0.2, what="TANDEM-MIB rows with " + keyword)
    finally:
        snmpd.close()
