"""The sync relay in TANDEM-MIB and the metrics: two tandemd in namespaces on a bridge run
sync_relay to each other (no IPVS needed); a's snmp child serves TANDEM-MIB to snmpd in a's
namespace. The peer's row shows up, the relay scalars count frames; b stopped: the row goes
down and tandemSyncPeerStateChange (state down) reaches snmptrapd; tandem_sync_peer_up
follows; b back: up again."""

import re
import textwrap

import pytest

from snmp_env import TANDEM_MIB, Snmpd, Snmptrapd, instance_suffix, require_snmp_tools
from tandem import wait_until
from vrrp_util import lan, vrrp_conf, wait_state

PEERS = TANDEM_MIB + ".1.10.1"
RELAY = TANDEM_MIB + ".1.9"
TRAP_SYNC_PEER = TANDEM_MIB + ".0.5"
KEY = "relay-snmp-key-0123456789abcdef"


def conf(prio, peer, snmp=None):
    g = (f"    snmp_socket {snmp}\n    enable_snmp_tandem\n    enable_traps") if snmp else ""
    return vrrp_conf(prio=prio, global_extra=g) + textwrap.dedent(f"""\
        sync_relay {{
            instance VI
            interface eth0
            local_interface lo
            peer {peer}
            auth_key {KEY}
            resend_timeout 0.1
        }}
        """)


def val(w, oid):
    v = w.get("." + oid)
    return v[1] if v else None


@pytest.fixture
def lab(netns, bridge, workdir):
    require_snmp_tools()
    a, b = lan(netns, bridge, names=("ra", "rb"))
    for ns in (a, b):
        ns.ip("link", "set", "lo", "multicast", "on")
    trapd = Snmptrapd(a, workdir).start()
    snmpd = Snmpd(a, workdir)
    try:
        snmpd.start()
    except Exception:
        trapd.close()
        raise
    yield a, b, snmpd, trapd
    snmpd.close()
    trapd.close()


def test_relay_peer_rows_and_trap(lab, tandemd):
    a, b, snmpd, trapd = lab
    da = tandemd(conf(150, "10.9.0.2", snmpd.agentx), ns=a, name="a")
    wait_state(da, "MASTER")
    db = tandemd(conf(100, "10.9.0.1"), ns=b, name="b")
    row = instance_suffix("10.9.0.2")

    def walk_until(pred, what):
        last = {}

        def ok():
            nonlocal last
            last = snmpd.walk()
            return last if pred(last) else None
        try:
            return wait_until(ok, timeout=20, interval=0.3, what=what)
        except TimeoutError as e:
            raise TimeoutError(f"{e}; last: {last}") from None
    w = walk_until(lambda w: val(w, PEERS + ".2" + row) == 1, "peer 10.9.0.2 up in TANDEM-MIB")
    assert val(w, PEERS + ".3" + row) != ""               # why it came up ("heard", ...)
    # the relay scalars follow sync.stats (every 5 s while the counters move): HELLOs count
    w = walk_until(lambda w: (val(w, RELAY + ".1.0") or 0) > 0 and (val(w, RELAY + ".2.0") or 0) > 0,
                   "relay frames counted")
    assert val(w, RELAY + ".4.0") == 0                    # nothing rejected
    rc, out, _ = da.tandemctl("metrics")
    assert rc == 0 and 'tandem_sync_peer_up{peer="10.9.0.2"} 1' in out

    db.stop()
    w = walk_until(lambda w: val(w, PEERS + ".2" + row) == 2, "peer 10.9.0.2 down")
    assert val(w, PEERS + ".4" + row) >= 1                # transitions
    trap = trapd.wait_trap(TRAP_SYNC_PEER, timeout=15)
    assert re.search(re.escape(PEERS + ".2" + row) + r" = INTEGER: 2\b", trap), trap
    rc, out, _ = da.tandemctl("metrics")
    assert 'tandem_sync_peer_up{peer="10.9.0.2"} 0' in out
    assert 'tandem_sync_peer_transitions_total{peer="10.9.0.2"}' in out

    db = tandemd(conf(100, "10.9.0.1"), ns=b, name="b2")
    walk_until(lambda w: val(w, PEERS + ".2" + row) == 1, "peer 10.9.0.2 up again")
