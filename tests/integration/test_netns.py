"""Self-test of the integration fixtures: namespaces, veth pairs and bridges carry traffic,
tandemd starts in a namespace and answers, and everything is removed after a test, including
one that fails."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tandem import TANDEMD, require_root, run

HERE = Path(__file__).resolve().parent


def ping(ns, addr):
    return ns.exec("ping", "-c", "1", "-W", "2", addr, check=False).returncode == 0


def test_netns_has_lo_up(netns):
    a = netns("a")
    assert a.exists()
    assert a.name.startswith("tdm-") and a.name.endswith("-a")
    assert "lo" in a.links()
    assert "UP" in a.ip("link", "show", "lo").stdout
    assert ping(a, "127.0.0.1")


def test_veth_ping(netns, veth):
    a, b = netns("a"), netns("b")
    link = veth(a, b, "eth0", "eth1", "10.201.0.1/24", "10.201.0.2/24")
    assert "eth0" in a.links() and "eth1" in b.links()
    assert a.addrs("eth0", 4) == ["10.201.0.1/24"]
    assert ping(a, "10.201.0.2") and ping(b, "10.201.0.1")
    link.delete()
    assert "eth0" not in a.links() and "eth1" not in b.links()


def test_bridge_joins_namespaces(netns, bridge):
    hosts = [netns(n) for n in ("d1", "d2", "c")]
    br = bridge(*hosts, addrs=["10.202.0.1/24", "10.202.0.2/24", "10.202.0.3/24"])
    assert len(br.ports) == 3
    assert ping(hosts[2], "10.202.0.1") and ping(hosts[2], "10.202.0.2")
    assert ping(hosts[0], "10.202.0.2")
    # a late member
    extra = netns("x")
    br.attach(extra, "lan0", "10.202.0.4/24")
    assert ping(extra, "10.202.0.1")


def test_namespaces_are_isolated(netns, veth):
    a, b, c = netns("a"), netns("b"), netns("c")
    veth(a, b, addr_a="10.203.0.1/24", addr_b="10.203.0.2/24")
    assert ping(a, "10.203.0.2")
    assert not ping(c, "10.203.0.2")          # c has no link at all
    assert c.links() == ["lo"]


def test_cleanup_after_failing_test(tmp_path):
    """Run a failing test in a child pytest that creates namespaces, a veth, a bridge and a
    process inside a namespace; afterwards none of them may exist. The child uses the
    fixtures from another directory, as tests/interop will."""
    require_root()
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(HERE)!r})
        from tandem import *  # noqa
    """))
    record = tmp_path / "made.json"
    (tmp_path / "test_child.py").write_text(textwrap.dedent(f"""
        import json
        def test_fails(netns, veth, bridge):
            a, b, c = netns("a"), netns("b"), netns("c")
            veth(a, b, addr_a="10.204.0.1/24", addr_b="10.204.0.2/24")
            br = bridge(a, c, ifname="lan")
            p = a.popen(["sleep", "600"])
            json.dump({{"ns": [a.name, b.name, c.name, br.ns.name], "pid": p.pid}},
                      open({str(record)!r}, "w"))
            assert False, "failing on purpose"
    """))
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(tmp_path)], capture_output=True, text=True, timeout=120,
                       cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "1 failed" in p.stdout, p.stdout
    made = json.loads(record.read_text())
    listed = run(["ip", "netns", "list"]).stdout
    for name in made["ns"]:
        assert name not in listed
        assert not Path("/run/netns", name).exists()
    assert not Path(f"/proc/{made['pid']}").exists(), "process in a namespace survived"


@pytest.mark.skipif(not TANDEMD.is_file(), reason="tandemd not built yet")
def test_tandemd_in_namespace(netns, tandemd):
    ns = netns("dir")
    d = tandemd("global_defs {\n    router_id fixture_test\n}\n", ns=ns)
    assert d.alive()
    assert d.ctl("ping") == {"ok": True}
    st = d.status()
    assert st["ok"] and st["daemon"]["pid"] == d.pid
    assert Path(st["daemon"]["config_file"]).resolve() == d.conf.resolve()
    # the pid is the one inside the namespace
    assert d.pid in ns.pids()
    ev = d.wait_event({"type": "daemon.start"}, timeout=5)
    assert ev["pid"] == d.pid
    rc, out, err = d.tandemctl("--json", "status")
    assert rc == 0, err
    assert json.loads(out)["daemon"]["pid"] == d.pid
    assert d.stop() == 0
    assert not d.alive()
    # tandemctl against a socket nobody listens on
    rc, _, _ = d.tandemctl("ping")
    assert rc == 3
