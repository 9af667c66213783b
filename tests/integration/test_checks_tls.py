"""SSL_GET with tandem's verify_peer: `openssl s_server -www` in namespace "s" presents a
certificate for rs.test (and the server's IP) signed by a CA made at test time. Verification
passes with that CA (by name via sni_name, and by IP), fails with another CA and with the wrong
host name; without verify_peer any certificate is accepted, as keepalived does."""

import shutil
import subprocess

import pytest

from tandem import *
from test_checks_tcp_http import Lab, S_ADDR, checks, lab  # noqa: F401 (fixture)

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
PORT = 8443


def ossl(*args, cwd):
    subprocess.run([OPENSSL, *map(str, args)], cwd=cwd, check=True, capture_output=True,
                   timeout=60, stdin=subprocess.DEVNULL)


def make_ca(d, name):
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
         "-subj", f"/CN={name}", cwd=d)
    return d / f"{name}.pem"


def make_server_cert(d, ca):
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=rs.test", cwd=d)
    (d / "san.ext").write_text(f"subjectAltName=DNS:rs.test,IP:{S_ADDR}\n")
    ossl("x509", "-req", "-in", "srv.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
         "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "san.ext", cwd=d)
    return d / "srv.pem", d / "srv.key"


@pytest.fixture
def tls_server(lab, workdir):
    if not shutil.which(OPENSSL):
        pytest.skip("openssl not installed")
    good = make_ca(workdir, "goodca")
    bad = make_ca(workdir, "otherca")
    cert, key = make_server_cert(workdir, "goodca")
    p = lab.s.popen([OPENSSL, "s_server", "-accept", PORT, "-cert", cert, "-key", key, "-www",
                     "-quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: lab.s.exec("ss", "-ltnH", f"sport = :{PORT}").stdout.strip(),
                   timeout=10, what="s_server listening")
        yield good, bad
    finally:
        p.kill()
        p.wait(timeout=10)


def ssl_vs(addr, opts):
    return f"""
virtual_server {addr} 443 {{
    protocol TCP
    delay_loop 0.5
    alpha
    real_server {S_ADDR} {PORT} {{
        SSL_GET {{
            url {{ path / }}
            connect_timeout 2
            retry 0
            {opts}
        }}
    }}
}}
"""


def test_tls_verify(lab, tls_server, tandemd):
    good, bad = tls_server
    cases = {
        "10.231.1.1": (f"verify_peer\n ca_file {good}\n sni_name rs.test", True, None),
        "10.231.1.2": (f"verify_peer\n ca_file {bad}\n sni_name rs.test", False, "certificate"),
        "10.231.1.3": (f"verify_peer\n ca_file {good}\n sni_name wrong.test", False, "wrong.test"),
        "10.231.1.4": (f"verify_peer\n ca_file {good}", True, None),       # the IP in the SAN
        "10.231.1.5": (f"ca_file {bad}\n sni_name rs.test", True, None),   # no verification
    }
    conf = "".join(ssl_vs(a, o) for a, (o, _, _) in cases.items())
    d = tandemd(conf, ns=lab.d)
    wait_until(lambda: len(checks(d)["checks"]) == len(cases) and
               all(c["total"] >= 1 for c in checks(d)["checks"]), timeout=15,
               what="every TLS check ran once")
    by_vs = {}
    for c in checks(d)["checks"]:
        by_vs[c["rs"][0].split(":")[0].split(" ")[1]] = c
    for addr, (_, want_up, reason) in cases.items():
        c = by_vs[addr]
        assert (c["state"] == "up") == want_up, (addr, c)
        if want_up:
            assert c["last"].startswith("HTTPS 200"), c
        else:
            assert reason in c["last"], (addr, c["last"])
            print(addr, c["last"])
    # the state reached the real servers too
    st = {r["rs"].split(":")[0].split(" ")[1]: r for r in checks(d)["rs"]}
    assert st["10.231.1.1"]["up"] and not st["10.231.1.2"]["up"] and not st["10.231.1.3"]["up"]
