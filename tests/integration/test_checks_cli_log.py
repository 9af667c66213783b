"""What an operator sees of the checks: `tandemctl checks` (text) shows in SHARED how many real
servers share a de-duplicated check; `log_all_failures` logs every failed attempt of its check,
not only the state changes, and a check without it logs none of its repeated failures."""

from tandem import *
from test_checks_tcp_http import Lab, S_ADDR, checks, lab  # noqa: F401 (fixture)


def vs(addr, port, checker, extra=""):
    return f"""
virtual_server {addr} 80 {{
    protocol TCP
    delay_loop 0.3
    real_server {S_ADDR} {port} {{
        {extra}
        {checker}
    }}
}}
"""


TCP = "TCP_CHECK {\n connect_timeout 1\n retry 2\n delay_before_retry 0.2\n %s\n }"


def test_shared_column_and_log_all_failures(lab, tandemd):
    lab.start(8110)
    conf = (vs("10.231.9.1", 8110, TCP % "") + vs("10.231.9.2", 8110, TCP % "") +
            vs("10.231.9.3", 8111, TCP % "log_all_failures") + vs("10.231.9.4", 8112, TCP % ""))
    d = tandemd(conf, ns=lab.d)
    wait_until(lambda: len(checks(d)["checks"]) == 3 and
               all(c["total"] >= 5 for c in checks(d)["checks"]), timeout=15,
               what="every check ran 5 times")
    rc, out, err = d.tandemctl("checks")
    assert rc == 0, err
    rows = {ln.split()[1]: ln.split() for ln in out.splitlines() if ln.startswith("TCP_CHECK")}
    # KIND TARGET STATE LAT(ms) OK FAIL SHARED LAST...
    assert rows[f"{S_ADDR}:8110"][6] == "2", out
    assert rows[f"{S_ADDR}:8111"][6] == "1", out
    assert "3 check(s), 1 up" in out, out
    fails = {c["target"]: c["fail"] for c in checks(d)["checks"]}
    log = d.logfile.read_text(errors="replace").splitlines()
    logged = [ln for ln in log if "failed:" in ln and f"{S_ADDR}:8111" in ln]
    # every failed attempt so far (the log may be one attempt behind the counter)
    assert len(logged) >= min(fails[f"{S_ADDR}:8111"] - 1, 5), (fails, logged[-3:])
    assert any("Connection refused" in ln for ln in logged), logged[-3:]
    assert not [ln for ln in log if "failed:" in ln and f"{S_ADDR}:8112" in ln]
