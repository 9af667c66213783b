"""docs/grafana-tandem.json, the example Grafana dashboard: valid JSON with a Prometheus data
source input, and every tandem_* metric its queries use is one that snmp/snmp_prom.c
renders (a renamed metric would leave a panel silently empty)."""

import json
import re

from tandem import REPO


def test_dashboard_metrics_exist():
    dash = json.loads((REPO / "docs" / "grafana-tandem.json").read_text())
    assert dash["__inputs"][0]["pluginId"] == "prometheus"
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    assert len(exprs) >= 15
    used = set(re.findall(r"\btandem_[a-z_]+", " ".join(exprs)))
    src = (REPO / "snmp" / "snmp_prom.c").read_text()
    rendered = set(re.findall(r'"(tandem_[a-z_]+)"', src))
    assert used and used <= rendered, used - rendered
    # the monitoring doc points at it
    assert "grafana-tandem.json" in (REPO / "docs" / "monitoring.md").read_text()
