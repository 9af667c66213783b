#!/usr/bin/python3
"""Config for the SNMP walk benchmark: VS virtual servers x RS real servers (default 100 x
100 = 10,000), each real server with a TCP_CHECK at a long delay_loop (the walk, not the
checks, is measured) against bench_srv on the namespace's loopback (127.1.x.y:8080), and
global_defs turning on the daemon's SNMP subagent (tandem: TANDEM-MIB; keepalived:
KEEPALIVED-MIB's checker part).

usage: gen.py tandem|keepalived AGENTX_SOCKET [VS] [RS]"""
import sys

daemon, sock = sys.argv[1], sys.argv[2]
n_vs = int(sys.argv[3]) if len(sys.argv) > 3 else 100
n_rs = int(sys.argv[4]) if len(sys.argv) > 4 else 100
mib = "enable_snmp_tandem" if daemon == "tandem" else "enable_snmp_checker"
out = [f"global_defs {{\n router_id snmp-bench\n snmp_socket unix:{sock}\n {mib}\n}}\n"]
for i in range(n_vs):
    rs = []
    for j in range(n_rs):
        k = i * n_rs + j
        rs.append(f" real_server 127.1.{k // 250}.{k % 250 + 1} 8080 {{\n weight 1\n"
                  f" TCP_CHECK {{\n connect_timeout 2\n }}\n }}\n")
    out.append(f"virtual_server 10.9.{i // 250}.{i % 250 + 1} 80 {{\n protocol TCP\n"
               f" lb_algo rr\n lb_kind NAT\n delay_loop 600\n" + "".join(rs) + "}\n")
sys.stdout.write("".join(out))
