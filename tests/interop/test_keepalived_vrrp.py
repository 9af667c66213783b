"""tandemd and Debian's keepalived 2.2.7 on one bridge, same VRID: for v2 without auth, v2
PASS, v2 AH, v3 IPv4, v3 IPv6, v3 unicast and v2 AH over unicast they elect one master and fail over both ways
(tandem -> keepalived on SIGTERM, keepalived -> tandem by preemption, tandem -> keepalived on
kill -9), keepalived logs none of its packet receive errors, tandem's drop counters stay 0."""

import re

import pytest

from tandem import wait_until
from vrrp_util import drops_total, has_vip, inst_status, lan, vrrp_conf, wait_state

# keepalived 2.2.7's messages for adverts it refuses (vrrp.c, vrrp_check_packet and around)
K_ERRORS = re.compile(
    r"vrrp packet too|invalid TTL/HL|wrong version|auth, expecting|invalid passwd|"
    r"IPSEC-AH : invalid|already processed|invalid IPSEC SPI|interval mismatch|"
    r"Invalid packet type|Expected \w+icast packet|not present in MASTER advert|"
    r"Invalid VRRPv[23] checksum|Received AH header but|No AH header but|"
    r"not a unicast peer|TTL/HL \d+ not in range|Unknown VRID|ip address count")

AUTH_PASS = "    authentication {\n        auth_type PASS\n        auth_pass tandem1\n    }"
AUTH_AH = "    authentication {\n        auth_type AH\n        auth_pass tandem1\n    }"

UNI_T = "    unicast_src_ip 10.9.0.1\n    unicast_peer {\n        10.9.0.2\n    }"
UNI_K = "    unicast_src_ip 10.9.0.2\n    unicast_peer {\n        10.9.0.1\n    }"

MODES = {
    #  name: (version, advert_int, vip, extra for tandem (t) / keepalived (k), v6)
    "v2_none": (2, "1", "10.9.0.100/24", "", "", False),
    "v2_pass": (2, "1", "10.9.0.100/24", AUTH_PASS, AUTH_PASS, False),
    "v2_ah": (2, "1", "10.9.0.100/24", AUTH_AH, AUTH_AH, False),
    "v3_ipv4": (3, "0.1", "10.9.0.100/24", "", "", False),
    "v3_ipv6": (3, "0.1", "fd00:9::100/64", "", "", True),
    "v3_unicast": (3, "0.1", "10.9.0.100/24", UNI_T, UNI_K, False),
    # AH over unicast: the ICV is computed with TTL 0 (keepalived's unicast rule)
    "v2_ah_unicast": (2, "1", "10.9.0.100/24", UNI_T + "\n" + AUTH_AH, UNI_K + "\n" + AUTH_AH,
                      False),
}


def k_state(k, state, since=0):
    """keepalived logged '(VI) Entering STATE STATE' after log offset `since`."""
    return f"(VI) Entering {state} STATE" in k.log_text()[since:]


@pytest.mark.parametrize("mode", list(MODES))
def test_interop(mode, netns, bridge, tandemd, keepalived):
    version, adv, vip, t_extra, k_extra, v6 = MODES[mode]
    slow = 15 if version == 2 else 8            # generous: v2 Master_Down is ~3.6 s
    t_ns, k_ns = lan(netns, bridge, names=("t", "k"), v6=v6)
    conf_t = vrrp_conf(prio=200, version=version, advert_int=adv, vips=(vip,), extra=t_extra,
                       router_id="t")
    conf_k = vrrp_conf(prio=100, version=version, advert_int=adv, vips=(vip,), extra=k_extra,
                       router_id="k")
    t = tandemd(conf_t, ns=t_ns, name="t")

    # 1. one master: tandem (higher priority, started first); keepalived starts as backup
    #    and, accepting tandem's adverts, stays backup for more than its Master_Down time
    wait_state(t, "MASTER", timeout=slow)
    k = keepalived(k_ns, conf_k)
    wait_until(lambda: k_state(k, "BACKUP"), timeout=10, what="keepalived BACKUP")
    n0, more = inst_status(t)["counters"]["tx"], (6 if version == 2 else 12)
    wait_until(lambda: inst_status(t)["counters"]["tx"] >= n0 + more, timeout=3 * slow,
               what=f"{more} more adverts from tandem")
    assert not k_state(k, "MASTER")
    assert has_vip(t_ns, vip) and not has_vip(k_ns, vip)

    # 2. tandem -> keepalived: SIGTERM, tandem sends priority 0
    t.stop()
    wait_until(lambda: k_state(k, "MASTER") and has_vip(k_ns, vip), timeout=slow,
               what="keepalived MASTER with the VIP")
    assert not has_vip(t_ns, vip)

    # 3. keepalived -> tandem: tandem comes back with the higher priority and preempts;
    #    meanwhile it heard keepalived's adverts and accepted them
    mark = len(k.log_text())
    t.start()
    wait_state(t, "MASTER", timeout=slow)
    wait_until(lambda: k_state(k, "BACKUP", mark) and not has_vip(k_ns, vip), timeout=slow,
               what="keepalived back to BACKUP")
    st = inst_status(t)
    assert any(p["priority"] == 100 for p in st["peers"]), st["peers"]
    assert has_vip(t_ns, vip)

    # 4. tandem -> keepalived again, hard: kill -9 (no priority 0)
    mark = len(k.log_text())
    assert drops_total(inst_status(t)) == 0, inst_status(t)["counters"]
    t.kill()
    wait_until(lambda: k_state(k, "MASTER", mark) and has_vip(k_ns, vip), timeout=slow,
               what="keepalived MASTER after kill -9")

    errors = [line for line in k.log_text().splitlines() if K_ERRORS.search(line)]
    assert not errors, errors


def test_mismatch_is_seen_on_both_sides(netns, bridge, tandemd, keepalived):
    """Control for the checks above: different passwords are reported by keepalived (the
    K_ERRORS pattern finds it) and counted by tandem as auth_pass drops."""
    t_ns, k_ns = lan(netns, bridge, names=("t", "k"))
    t = tandemd(vrrp_conf(prio=200, version=2, advert_int=1, extra=AUTH_PASS, router_id="t"),
                ns=t_ns, name="t")
    wait_state(t, "MASTER", timeout=15)
    k = keepalived(k_ns, vrrp_conf(prio=100, version=2, advert_int=1, router_id="k",
                                   extra=AUTH_PASS.replace("tandem1", "other22")))
    wait_until(lambda: any(K_ERRORS.search(line) for line in k.log_text().splitlines()),
               timeout=10, what="keepalived reporting tandem's adverts")
    # keepalived, hearing nothing valid, becomes master too; tandem drops its adverts
    wait_until(lambda: inst_status(t)["counters"]["drops"]["auth_pass"] > 0, timeout=15,
               what="tandem counting keepalived's adverts as auth_pass drops")
    assert inst_status(t)["state"] == "MASTER"
