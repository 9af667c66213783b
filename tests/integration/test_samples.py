"""What keepalived accepts, tandem accepts: every keepalived.conf.* sample shipped in Debian's
keepalived package is checked by `keepalived -t` and by `tandemd -t`, in a network namespace
where the interfaces the samples name exist (eth0..eth3 and the VLAN-style eth0.1 are veths,
since this kernel has no dummy or vlan links).

tandemd must exit 0 for each (warnings allowed, no errors). keepalived 2.2.7 itself accepts all
of them, but exits 5 ("config test found problems, would still run") or 6 (script security
warning) for some: those codes are pinned in KEEPALIVED_RC, so a change in the peer shows up.
"""

import json
import os
import secrets
import shutil
from pathlib import Path

import pytest

from tandem import IP, TANDEMD, Netns, require_binary, require_root, run

SAMPLES = Path("/usr/share/doc/keepalived/samples")
KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"
INTERFACES = ["eth0", "eth1", "eth2", "eth3", "eth0.1"]

# keepalived -t exit codes on this package's samples (0 clean, 5 problems reported but it
# would run, 6 script security); measured with keepalived 2.2.7 in the namespace below
KEEPALIVED_RC = {
    "keepalived.conf.SSL_GET": 5,                # MASTER with AH authentication
    "keepalived.conf.conditional_conf": 5,       # vrrp_script without script (no @id match)
    "keepalived.conf.fwmark": 5,                 # protocol given for a fwmark service
    "keepalived.conf.track_interface": 5,        # route without interface is not tracked
    "keepalived.conf.vrrp.localcheck": 6,        # scripts without enable_script_security
    "keepalived.conf.vrrp.lvs_syncd": 5,         # sync group members outside group { }
    "keepalived.conf.vrrp.routes": 5,            # deprecated "or"/"gw", untracked routes
    "keepalived.conf.vrrp.rules": 5,             # "192.168.100./24" is not an address
    "keepalived.conf.vrrp.static_ipaddress": 5,  # route without interface is not tracked
}


def sample_files():
    return sorted(p for p in SAMPLES.glob("keepalived.conf.*") if p.is_file())


@pytest.fixture(scope="module")
def sample_ns():
    """One namespace for all samples, with the interfaces they name; removed at the end."""
    require_root()
    ns = Netns(f"tdm-{secrets.token_hex(3)}-samples")
    try:
        for i, ifname in enumerate(INTERFACES):
            ns.ip("link", "add", ifname, "type", "veth", "peer", "name", f"p{i}")
            ns.ip("link", "set", ifname, "up")
        yield ns
    finally:
        ns.delete()
        assert not ns.exists()


def test_sample_set_is_complete():
    if not SAMPLES.is_dir():
        pytest.skip("keepalived samples not installed")
    names = [p.name for p in sample_files()]
    assert len(names) == 25, names
    assert set(KEEPALIVED_RC) <= set(names)


@pytest.mark.parametrize("sample", [p.name for p in sample_files()] or ["none"])
def test_sample(sample, sample_ns, tmp_path):
    if sample == "none":
        pytest.skip("keepalived samples not installed")
    require_binary(TANDEMD)
    path = SAMPLES / sample

    # keepalived, told to keep its pid files out of /run
    if os.path.exists(KEEPALIVED):
        pids = [f"-p{tmp_path}/k.pid", f"-r{tmp_path}/v.pid", f"-c{tmp_path}/c.pid",
                f"-b{tmp_path}/b.pid"]
        k = sample_ns.exec(KEEPALIVED, "-t", "-n", "-l", "-f", str(path), *pids,
                           check=False, timeout=60)
        assert k.returncode == KEEPALIVED_RC.get(sample, 0), \
            f"keepalived -t exit {k.returncode}:\n{k.stdout}\n{k.stderr}"

    t = sample_ns.exec(str(TANDEMD), "-t", "--json", "-f", str(path), check=False, timeout=60)
    diags = json.loads(t.stdout or "[]")
    errors = [d for d in diags if d["severity"] in ("error", "fatal")]
    assert t.returncode == 0 and not errors, \
        f"tandemd -t exit {t.returncode}:\n{json.dumps(diags, indent=1)}\n{t.stderr}"
    # every interface exists here, so no warning about a missing one
    assert not [d for d in diags if "does not exist" in d["message"]], diags
    # the plain-text form agrees
    t2 = sample_ns.exec(str(TANDEMD), "-t", "-f", str(path), check=False, timeout=60)
    assert t2.returncode == 0, t2.stdout + t2.stderr


def test_missing_interface_is_a_warning(tmp_path):
    """Outside the namespace (no eth1..eth3 in a fresh one) interfaces are warned about, and
    the exit status stays 0, as keepalived still starts with them missing."""
    require_root()
    require_binary(TANDEMD)
    if not (SAMPLES / "keepalived.conf.vrrp.sync").exists():
        pytest.skip("keepalived samples not installed")
    ns = Netns(f"tdm-{secrets.token_hex(3)}-noif")
    try:
        t = ns.exec(str(TANDEMD), "-t", "--json", "-f", str(SAMPLES / "keepalived.conf.vrrp.sync"),
                    check=False)
        diags = json.loads(t.stdout or "[]")
        assert t.returncode == 0, t.stdout + t.stderr
        missing = [d for d in diags if "does not exist" in d["message"]]
        assert missing and all(d["severity"] == "warning" for d in missing), diags
    finally:
        ns.delete()


BROKEN = """\
global_defs {
    router_id LVS_DEVEL
    frobnicate yes
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 256
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 51
}
bfd_instance B {
}
"""


def test_errors_have_positions(tmp_path):
    """A config with errors: exit 4, each error at its file:line:col, in text and JSON."""
    require_binary(TANDEMD)
    conf = tmp_path / "broken.conf"
    conf.write_text(BROKEN)
    t = run([str(TANDEMD), "-t", "--json", "-f", str(conf)], check=False)
    assert t.returncode == 4, t.stdout + t.stderr
    got = {(d["line"], d["col"], d["severity"]) for d in json.loads(t.stdout)}
    assert (3, 5, "error") in got          # unknown keyword
    assert (8, 14, "error") in got         # priority 1..255
    assert (12, 23, "error") in got        # duplicate VRID on eth0
    assert (14, 1, "error") in got         # bfd_instance not supported
    text = run([str(TANDEMD), "-t", "-f", str(conf)], check=False)
    assert f"{conf}:8:14: error: expected <priority> 1..255, got '256'" in text.stdout + text.stderr
    assert "already used by vrrp_instance VI_1 at " + f"{conf}:7" in text.stdout + text.stderr

    # lenient: the unknown keyword becomes a warning, the rest stays an error
    t = run([str(TANDEMD), "-t", "--json", "--compat=lenient", "-f", str(conf)], check=False)
    diags = json.loads(t.stdout)
    assert any(d["line"] == 3 and d["severity"] == "warning" for d in diags), diags
    assert t.returncode == 4
