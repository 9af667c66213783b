"""`tandemctl metrics`: Prometheus text exposition served by the parent, checked with
prometheus_client's exposition-format parser (python3-prometheus-client) and with the
format's own rules (HELP and TYPE once per family, before its samples; names and labels
well-formed; no duplicate series); values follow reloads and child restarts; --output
writes the same text atomically."""

import os
import re
import signal
import time

import pytest

from tandem import wait_until

parser = pytest.importorskip("prometheus_client.parser",
                             reason="python3-prometheus-client is not installed (make deps)")

CONF = """
global_defs {{
    router_id metrics-test
}}
vrrp_instance {name} {{
    state BACKUP
    interface lo
    virtual_router_id 61
    priority 100
    advert_int 1
    virtual_ipaddress {{
        192.0.2.61/32
    }}
}}
virtual_server 192.0.2.61 80 {{
    delay_loop 5
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.61 80 {{
        weight 2
        TCP_CHECK {{
            connect_timeout 3
        }}
    }}
}}
"""

NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"')


def metrics_text(d):
    rc, out, err = d.tandemctl("metrics")
    assert rc == 0, err
    return out


def families(text):
    """{name: family} via prometheus_client's parser (raises on malformed text)."""
    return {f.name: f for f in parser.text_string_to_metric_families(text)}


def sample(fams, family, name=None, **labels):
    for s in fams[family].samples:
        if (name is None or s.name == name) and all(s.labels.get(k) == v
                                                    for k, v in labels.items()):
            return s.value
    raise KeyError(f"{family} {labels}")


def check_format(text):
    """The exposition rules prometheus_client's parser does not enforce."""
    assert text.endswith("\n")
    helped, typed, seen_samples, series = set(), {}, set(), set()
    for line in text.splitlines():
        assert line.strip() == line and line, repr(line)
        if line.startswith("# HELP "):
            name = line.split()[2]
            assert NAME.match(name) and name.startswith("tandem_")
            assert name not in helped and name not in seen_samples
            helped.add(name)
        elif line.startswith("# TYPE "):
            _, _, name, typ = line.split()
            assert name in helped and name not in typed and name not in seen_samples
            assert typ in ("gauge", "counter")
            if typ == "counter":
                assert name.endswith("_total"), name
            typed[name] = typ
        else:
            assert not line.startswith("#")
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
            assert m, line
            name, labels, value = m.group(1), m.group(3) or "", m.group(4)
            assert name in typed, f"sample before its TYPE: {line}"
            float(value)
            pairs = LABEL.findall(labels)
            assert ",".join(f'{k}="{v}"' for k, v in pairs) == labels, line
            key = (name, tuple(pairs))
            assert key not in series, f"duplicate series {line}"
            series.add(key)
            seen_samples.add(name)
    assert set(typed) == helped


def test_metrics_parse_and_follow_the_daemon(tandemd, netns):
    ns = netns("met")
    d = tandemd(CONF.format(name="VI_m"), ns=ns, args=["--heartbeat", "200"])
    d.wait_event({"type": "vrrp.state", "to": "BACKUP"}, timeout=10)
    text = metrics_text(d)
    check_format(text)
    f = families(text)
    for fam, typ in (("tandem_info", "gauge"), ("tandem_config_generation", "gauge"),
                     ("tandem_reloads", "counter"), ("tandem_events", "counter"),
                     ("tandem_child_up", "gauge"), ("tandem_child_restarts", "counter"),
                     ("tandem_vrrp_instance_state", "gauge")):
        assert f[fam].type == typ, fam
    st = d.status()
    assert sample(f, "tandem_info", version=st["daemon"]["version"]) == 1
    assert sample(f, "tandem_config_generation") == 1
    assert sample(f, "tandem_last_reload_success") == 1
    assert sample(f, "tandem_child_up", child="vrrp") == 1
    assert sample(f, "tandem_child_state", child="vrrp", state="running") == 1
    assert sample(f, "tandem_child_state", child="vrrp", state="stopped") == 0
    assert sample(f, "tandem_events", type="daemon.start") == 1
    assert sample(f, "tandem_vrrp_instance_state", vrrp_instance="VI_m", state="BACKUP") == 1
    assert sample(f, "tandem_vrrp_instance_state", vrrp_instance="VI_m", state="MASTER") == 0
    assert sample(f, "tandem_vrrp_instance_priority", vrrp_instance="VI_m") == 100
    assert abs(sample(f, "tandem_start_time_seconds") - time.time()) < 60
    # the real server (its check cannot connect) as the check part reported it
    rs = "tcp 192.0.2.61:80/198.51.100.61:80"
    f = wait_until(lambda: (lambda f: f if "tandem_real_server_up" in f and sample(
        f, "tandem_real_server_up", rs=rs) == 0 else None)(families(metrics_text(d))),
        timeout=10, what="real server down in the metrics")
    assert sample(f, "tandem_real_server_up", vs="tcp 192.0.2.61:80", rs=rs) == 0
    assert sample(f, "tandem_real_server_transitions", rs=rs) == 1

    # a good reload, a refused one
    d.write_config(CONF.format(name="VI_m").replace("priority 100", "priority 110"))
    assert d.reload()["ok"]
    d.write_config(CONF.format(name="VI_m") + "\nnot_a_keyword\n")
    assert not d.reload()["ok"]
    f = families(metrics_text(d))
    assert sample(f, "tandem_config_generation") == 2
    assert sample(f, "tandem_reloads", result="ok") == 1
    assert sample(f, "tandem_reloads", result="failed") == 1
    assert sample(f, "tandem_last_reload_success") == 0
    assert sample(f, "tandem_events", type="config.reload") == 2

    # a child killed and restarted shows in the restart counter
    pid = d.child_pid("vrrp")
    with d.events() as ev:
        os.kill(pid, signal.SIGKILL)
        ev.wait_event({"type": "child.start", "child": "vrrp"}, timeout=10)
    wait_until(lambda: sample(families(metrics_text(d)), "tandem_child_up", child="vrrp") == 1,
               what="vrrp child up again")
    f = families(metrics_text(d))
    assert sample(f, "tandem_child_restarts", child="vrrp") == 1
    check_format(metrics_text(d))


def test_metrics_output_file(tandemd, netns, workdir):
    d = tandemd(CONF.format(name="VI_1"), ns=netns("out"))
    out = workdir / "tandem.prom"
    rc, stdout, err = d.tandemctl("metrics", "--output", out)
    assert rc == 0 and stdout == "", err
    text = out.read_text()
    check_format(text)
    assert sample(families(text), "tandem_config_generation") == 1
    assert not [p for p in os.listdir(workdir) if ".tmp." in p]
    rc, _, err = d.tandemctl("metrics", "--output", workdir / "no-such-dir" / "x.prom")
    assert rc == 1 and "cannot write" in err
    rc, _, err = d.tandemctl("metrics", "extra")
    assert rc == 2


FETCH = """
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1], method=sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        print(r.status); print(r.headers.get("Content-Type")); sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code); print(e.headers.get("Content-Type"))
"""


def http(ns, url, method="GET"):
    """(status, content type, body) of a request made inside the namespace"""
    p = ns.exec("/usr/bin/python3", "-c", FETCH, url, method, check=True, timeout=15)
    status, ctype, *rest = p.stdout.split("\n", 2) + [""]
    return int(status), ctype, rest[0] if rest else ""


def test_metrics_listen_http(tandemd, netns):
    ns = netns("http")
    conf = CONF.format(name="VI_h").replace("router_id metrics-test",
                                             "router_id metrics-test\n    metrics_listen 127.0.0.1:9163")
    d = tandemd(conf, ns=ns)
    status, ctype, body = http(ns, "http://127.0.0.1:9163/metrics")
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4")
    check_format(body)
    assert sample(families(body), "tandem_config_generation") == 1
    assert http(ns, "http://127.0.0.1:9163/other")[0] == 404
    assert http(ns, "http://127.0.0.1:9163/metrics", "POST")[0] == 405
    # a reload moves the endpoint; the old port closes
    d.write_config(conf.replace("9163", "9164"))
    assert d.reload()["ok"]
    status, _, body = http(ns, "http://127.0.0.1:9164/metrics")
    assert status == 200 and sample(families(body), "tandem_config_generation") == 2
    p = ns.exec("/usr/bin/python3", "-c", FETCH, "http://127.0.0.1:9163/metrics", "GET",
                check=False, timeout=15)
    assert p.returncode != 0 and "Connection refused" in p.stderr
