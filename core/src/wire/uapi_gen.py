#!/usr/bin/env python3
"""Regenerates uapi.rs from the kernel uapi headers (/usr/include/linux).

Run from this directory: `python3 uapi_gen.py > uapi.rs && rustfmt uapi.rs`.
Needs a C compiler; values come from the headers themselves, never typed by hand.
"""
import re, subprocess, tempfile, os

# (header, rust type, regex of names to take, exclusions)
GROUPS = [
    ("netlink.h", "u16", r"NLMSG_(NOOP|ERROR|DONE|OVERRUN)$", None),
    ("netlink.h", "u16", r"NLM_F_\w+$", None),
    ("netlink.h", "u16", r"NLMSGERR_ATTR_\w+$", None),
    ("netlink.h", "u16", r"NLA_F_(NESTED|NET_BYTEORDER)$", None),
    ("netlink.h", "i32", r"NETLINK_ROUTE$", None),
    ("netlink.h", "i32", r"NETLINK_(ADD_MEMBERSHIP|CAP_ACK|EXT_ACK|GET_STRICT_CHK)$", None),
    ("rtnetlink.h", "u16", r"RTM_(NEW|DEL|GET|SET)(LINK|ADDR|ROUTE|NEIGH|RULE|NEXTHOP)$", None),
    ("rtnetlink.h", "u16", r"RTA_\w+$", r"RTA_(ALIGNTO|MAX)$"),
    ("rtnetlink.h", "u16", r"RTAX_\w+$", r"RTAX_(MAX|FEATURE_\w+)$"),
    ("rtnetlink.h", "u8", r"RTN_\w+$", r"RTN_MAX$"),
    ("rtnetlink.h", "u8", r"RTPROT_\w+$", None),
    ("rtnetlink.h", "u8", r"RT_SCOPE_\w+$", None),
    ("rtnetlink.h", "u32", r"RT_TABLE_\w+$", r"RT_TABLE_MAX$"),
    ("rtnetlink.h", "u32", r"RTM_F_\w+$", None),
    ("rtnetlink.h", "u8", r"RTNH_F_\w+$", None),
    ("rtnetlink.h", "u32", r"RTNLGRP_\w+$", r"RTNLGRP_MAX$"),
    ("if_link.h", "u16", r"IFLA_(?!TUN_|INET6?_|BR_|BRPORT_|BOND_|VLAN_|MACVLAN_|VXLAN_|GRE_|INFO_|STATS_|XDP_|VF_|PORT_|IPVLAN_|HSR_|PPP_|GTP_|RMNET_|MCTP_|NETKIT_|VRF_|BAREUDP_|GENEVE_|IPOIB_|OFFLOAD_|MACSEC_|XFRM_|EVENT_|PROTO_DOWN_REASON_|DSA_|BOND_SLAVE_|IPTUN_|VTI_|MCTP|OVPN_)\w+$", r"IFLA_(MAX|RTA|PAYLOAD)$"),
    ("if_link.h", "u16", r"IFLA_INFO_\w+$", r"IFLA_INFO_MAX$"),
    ("if_link.h", "u16", r"IFLA_INET6?_\w+$", r"IFLA_INET6?_MAX$"),
    ("if_link.h", "u16", r"IFLA_VLAN_(ID|FLAGS|PROTOCOL)$", None),
    ("if_link.h", "u16", r"IFLA_MACVLAN_(MODE|FLAGS)$", None),
    ("if_link.h", "u32", r"MACVLAN_MODE_\w+$", None),
    ("if_link.h", "u16", r"IFLA_VXLAN_\w+$", r"IFLA_VXLAN_(MAX|DF_MAX|LABEL_POLICY_MAX)$"),
    ("if_tunnel.h", "u16", r"IFLA_GRE_\w+$", None),
    ("if_link.h", "u16", r"IFLA_BOND_(MODE|ACTIVE_SLAVE|MIIMON|UPDELAY|DOWNDELAY|USE_CARRIER|ARP_INTERVAL|PRIMARY|XMIT_HASH_POLICY|MIN_LINKS|AD_LACP_RATE|AD_SELECT)$", None),
    ("if_link.h", "u16", r"IFLA_BR_(FORWARD_DELAY|HELLO_TIME|MAX_AGE|AGEING_TIME|STP_STATE|PRIORITY|VLAN_FILTERING|VLAN_PROTOCOL|VLAN_DEFAULT_PVID|GROUP_FWD_MASK|MCAST_SNOOPING)$", None),
    ("if_link.h", "u16", r"IFLA_TUN_\w+$", r"IFLA_TUN_MAX$"),
    ("if_link.h", "u16", r"IFLA_BRPORT_(STATE|PRIORITY|COST|MODE|GUARD|PROTECT|FAST_LEAVE|LEARNING|UNICAST_FLOOD|PROXYARP|MCAST_FLOOD|BCAST_FLOOD|NEIGH_SUPPRESS|ISOLATED|BACKUP_PORT)$", None),
    ("if_bridge.h", "u16", r"IFLA_BRIDGE_(FLAGS|MODE|VLAN_INFO)$", None),
    ("if_bridge.h", "u16", r"BRIDGE_VLAN_INFO_(MASTER|PVID|UNTAGGED|RANGE_BEGIN|RANGE_END|BRENTRY)$", None),
    ("if_bridge.h", "u8", r"BR_STATE_\w+$", None),
    ("if.h", "u8", r"IF_OPER_\w+$", None),
    ("if.h", "u8", r"IF_LINK_MODE_\w+$", None),
    ("veth.h", "u16", r"VETH_INFO_PEER$", None),
    ("if_tun.h", "u16", r"IFF_(TUN|TAP|NO_PI|ONE_QUEUE|VNET_HDR|MULTI_QUEUE)$", None),
    ("if.h", "u32", r"IFF_(UP|BROADCAST|DEBUG|LOOPBACK|POINTOPOINT|NOTRAILERS|RUNNING|NOARP|PROMISC|ALLMULTI|MASTER|SLAVE|MULTICAST|PORTSEL|AUTOMEDIA|DYNAMIC|LOWER_UP|DORMANT|ECHO)$", None),
    ("if.h", "usize", r"IF(NAM|ALIA)SIZ$", None),
    ("if_addr.h", "u16", r"IFA_\w+$", r"IFA_(MAX|RTA|PAYLOAD|F_\w+)$"),
    ("if_addr.h", "u32", r"IFA_F_\w+$", None),
    ("neighbour.h", "u16", r"NDA_\w+$", r"NDA_MAX$"),
    ("neighbour.h", "u8", r"NTF_\w+$", r"NTF_EXT_\w+$"),
    ("neighbour.h", "u16", r"NUD_\w+$", None),
    ("fib_rules.h", "u16", r"FRA_\w+$", r"FRA_MAX$"),
    ("fib_rules.h", "u8", r"FR_ACT_\w+$", r"FR_ACT_MAX$"),
    ("fib_rules.h", "u32", r"FIB_RULE_(PERMANENT|INVERT|UNRESOLVED|IIF_DETACHED|OIF_DETACHED|FIND_SADDR)$", None),
    ("nexthop.h", "u16", r"NHA_(?!RES_)\w+$", r"NHA_MAX$"),
    ("nexthop.h", "u16", r"NEXTHOP_GRP_TYPE_(MPATH|RES)$", None),
    ("if_arp.h", "u16", r"ARPHRD_(ETHER|LOOPBACK|NONE|VOID|IPGRE|IP6GRE|TUNNEL|TUNNEL6|SIT|PPP|IEEE80211|INFINIBAND)$", None),
]

def comments(header):
    """Trailing one-line comments of enum members and #defines, by name."""
    path = header if header.startswith("sys/") else os.path.join("linux", header)
    try:
        text = open(os.path.join("/usr/include", path)).read()
    except OSError:
        return {}
    out = {}
    for m in re.finditer(r"^\s*(?:#define\s+)?([A-Z][A-Z0-9_]+)\b[^\n]*?/\*\s*(.*?)\s*\*/\s*$", text, flags=re.M):
        out.setdefault(m.group(1), " ".join(m.group(2).replace("`", "'").split()))
    return out


def names(header, rx, excl):
    text = open(os.path.join("/usr/include/linux", header)).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    found = []
    for m in re.finditer(r"^\s*(?:#define\s+)?([A-Z][A-Z0-9_]+)\b(?!\()", text, flags=re.M):
        n = m.group(1)
        if n.startswith("__") or n.endswith("_MAX") or not re.match(rx, n) or (excl and re.match(excl, n)):
            continue
        if n not in found:
            found.append(n)
    return found

entries = [("sys/socket.h", "u8", n) for n in ["AF_UNSPEC", "AF_INET", "AF_BRIDGE", "AF_INET6", "AF_MPLS", "AF_PACKET"]]
for header, ty, rx, excl in GROUPS:
    for n in names(header, rx, excl):
        entries.append((header, ty, n))

incs = sorted({h for h, _, _ in entries if h != "sys/socket.h"} | {"rtnetlink.h"})
src = "#include <stdio.h>\n#include <sys/socket.h>\n" + "".join(f"#include <linux/{h}>\n" for h in incs if h != "if.h") + "#include <linux/if.h>\nint main(void){\n"
for h, ty, n in entries:
    src += f'printf("%lld\\n", (long long)({n}));\n'
src += "return 0;}\n"
with tempfile.TemporaryDirectory() as d:
    open(f"{d}/g.c", "w").write(src)
    subprocess.run(["cc", "-o", f"{d}/g", f"{d}/g.c"], check=True)
    vals = subprocess.run([f"{d}/g"], capture_output=True, text=True, check=True).stdout.split()

print("//! Kernel uapi constants under their kernel names, generated by `uapi_gen.py`")
print("//! from the headers in `/usr/include/linux` (values read by a C compiler, not typed).")
print("//! Do not edit by hand: rerun the script.")
print()
COMMENTS = {}
last = None
for (h, ty, n), v in zip(entries, vals):
    if h != last:
        print(f"\n// <{'' if '/' in h else 'linux/'}{h}>")
        last = h
    note = COMMENTS.setdefault(h, comments(h)).get(n)
    print(f"/// `{n}` from `<{'' if '/' in h else 'linux/'}{h}>`" + (f": {note}" if note else "."))
    print(f"pub const {n}: {ty} = {v};")
