//! Kernel numbers spelled the way `ip` spells them (iproute2's `*_n2a`
//! tables and flag printers), so that `--json` output matches `ip -j`.

use std::collections::HashMap;

use ipdb::records::OperState;
use ipdb::uapi::*;

/// `NTF_EXT_LEARNED` (linux/neighbour.h): an entry learned by a driver or daemon.
const NTF_EXT_LEARNED: u8 = 0x10;

/// Names that depend on the system or the namespace: interface names by
/// index, routing table names (`/etc/iproute2/rt_tables`).
#[derive(Debug, Default, Clone)]
pub struct Names {
    ifnames: HashMap<u32, String>,
    ifflags: HashMap<u32, u32>,
    tables: HashMap<u32, String>,
    groups: HashMap<u32, String>,
    dsfields: HashMap<u32, String>,
}

/// `id name` lines of `/etc/iproute2/<file>` and `<file>.d/*.conf` (ids in
/// decimal or `0x` hex, `#` comments), as iproute2's `rtnl_tab_initialize`
/// reads them. Missing files are simply no names.
fn id_names(file: &str) -> HashMap<u32, String> {
    let mut files = vec![std::path::PathBuf::from(format!("/etc/iproute2/{file}"))];
    if let Ok(dir) = std::fs::read_dir(format!("/etc/iproute2/{file}.d")) {
        let mut more: Vec<_> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "conf"))
            .collect();
        more.sort();
        files.extend(more);
    }
    let mut out = HashMap::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut w = line.split_whitespace();
            if let (Some(id), Some(name)) = (w.next(), w.next()) {
                let id = match id.strip_prefix("0x").or_else(|| id.strip_prefix("0X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => id.parse().ok(),
                };
                if let Some(id) = id {
                    out.insert(id, name.to_string());
                }
            }
        }
    }
    out
}

impl Names {
    /// Names for the links of one namespace; table names from the files
    /// `ip` reads, with its built-in four when they are missing.
    pub fn new(links: &[ipdb::Link]) -> Names {
        let mut tables = id_names("rt_tables");
        for (id, n) in [
            (0, "unspec"),
            (253, "default"),
            (254, "main"),
            (255, "local"),
        ] {
            tables.entry(id).or_insert_with(|| n.to_string());
        }
        let mut groups = id_names("group");
        groups.entry(0).or_insert_with(|| "default".to_string());
        Names {
            ifnames: links.iter().map(|l| (l.index, l.name.clone())).collect(),
            ifflags: links.iter().map(|l| (l.index, l.flags)).collect(),
            tables,
            groups,
            dsfields: id_names("rt_dsfield"),
        }
    }

    /// The interface name of `index`, or `if<index>` as `ip` prints an
    /// index it cannot name.
    pub fn ifname(&self, index: u32) -> String {
        self.ifnames
            .get(&index)
            .cloned()
            .unwrap_or_else(|| format!("if{index}"))
    }

    /// The `IFF_*` flags of link `index`, if it is in this namespace.
    pub fn ifflags(&self, index: u32) -> Option<u32> {
        self.ifflags.get(&index).copied()
    }

    /// A routing table: its name, or the number as text.
    pub fn table(&self, id: u32) -> String {
        self.tables
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// A link group: its name (`/etc/iproute2/group`), or the number as text.
    pub fn group(&self, id: u32) -> String {
        self.groups
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// A TOS/DS field (`rtnl_dsfield_n2a`): its name, or `0x%02x`.
    pub fn dsfield(&self, tos: u8) -> String {
        self.dsfields
            .get(&u32::from(tos))
            .cloned()
            .unwrap_or_else(|| format!("{tos:#04x}"))
    }
}

/// `rtnl_rtprot_n2a`.
pub fn protocol(p: u8) -> String {
    let name = match p {
        RTPROT_UNSPEC => "unspec",
        RTPROT_REDIRECT => "redirect",
        RTPROT_KERNEL => "kernel",
        RTPROT_BOOT => "boot",
        RTPROT_STATIC => "static",
        RTPROT_GATED => "gated",
        RTPROT_RA => "ra",
        RTPROT_MRT => "mrt",
        RTPROT_ZEBRA => "zebra",
        RTPROT_BIRD => "bird",
        RTPROT_DNROUTED => "dnrouted",
        RTPROT_XORP => "xorp",
        RTPROT_NTK => "ntk",
        RTPROT_DHCP => "dhcp",
        RTPROT_KEEPALIVED => "keepalived",
        RTPROT_BABEL => "babel",
        RTPROT_OPENR => "openr",
        RTPROT_BGP => "bgp",
        RTPROT_ISIS => "isis",
        RTPROT_OSPF => "ospf",
        RTPROT_RIP => "rip",
        RTPROT_EIGRP => "eigrp",
        _ => return p.to_string(),
    };
    name.to_string()
}

/// `rtnl_rtscope_n2a`.
pub fn scope(s: u8) -> String {
    match s {
        RT_SCOPE_UNIVERSE => "global".into(),
        RT_SCOPE_SITE => "site".into(),
        RT_SCOPE_LINK => "link".into(),
        RT_SCOPE_HOST => "host".into(),
        RT_SCOPE_NOWHERE => "nowhere".into(),
        other => other.to_string(),
    }
}

/// `rtnl_rtntype_n2a`.
pub fn route_type(t: u8) -> String {
    let name = match t {
        RTN_UNSPEC => "none",
        RTN_UNICAST => "unicast",
        RTN_LOCAL => "local",
        RTN_BROADCAST => "broadcast",
        RTN_ANYCAST => "anycast",
        RTN_MULTICAST => "multicast",
        RTN_BLACKHOLE => "blackhole",
        RTN_UNREACHABLE => "unreachable",
        RTN_PROHIBIT => "prohibit",
        RTN_THROW => "throw",
        RTN_NAT => "nat",
        RTN_XRESOLVE => "xresolve",
        other => return other.to_string(),
    };
    name.to_string()
}

/// `family_name`: "inet", "inet6", "bridge", ...
pub fn family(f: u8) -> String {
    match f {
        AF_UNSPEC => "none".into(),
        AF_INET => "inet".into(),
        AF_INET6 => "inet6".into(),
        AF_BRIDGE => "bridge".into(),
        AF_MPLS => "mpls".into(),
        AF_PACKET => "link".into(),
        other => other.to_string(),
    }
}

/// `ll_type_n2a` for the link types namespaces see.
pub fn link_type(t: u16) -> String {
    let name = match t {
        ARPHRD_ETHER => "ether",
        ARPHRD_LOOPBACK => "loopback",
        ARPHRD_NONE => "none",
        ARPHRD_VOID => "void",
        ARPHRD_TUNNEL => "ipip",
        ARPHRD_TUNNEL6 => "tunnel6",
        ARPHRD_SIT => "sit",
        ARPHRD_IPGRE => "gre",
        ARPHRD_IP6GRE => "gre6",
        ARPHRD_PPP => "ppp",
        ARPHRD_INFINIBAND => "infiniband",
        ARPHRD_IEEE80211 => "ieee802.11",
        other => return format!("[{other}]"),
    };
    name.to_string()
}

/// `IF_OPER_*` as `ip` prints it.
pub fn operstate(s: OperState) -> String {
    match s {
        OperState::Unknown => "UNKNOWN".into(),
        OperState::NotPresent => "NOTPRESENT".into(),
        OperState::Down => "DOWN".into(),
        OperState::LowerLayerDown => "LOWERLAYERDOWN".into(),
        OperState::Testing => "TESTING".into(),
        OperState::Dormant => "DORMANT".into(),
        OperState::Up => "UP".into(),
        OperState::Other(v) => v.to_string(),
    }
}

/// `print_link_flags`: "NO-CARRIER" first (up without `IFF_RUNNING`), then
/// the known flags in `ip`'s order, leftovers in hex, then "M-DOWN" when
/// the link's parent (`IFLA_LINK`) is down (`mdown`).
pub fn link_flags(flags: u32, mdown: bool) -> Vec<String> {
    const NAMES: [(u32, &str); 18] = [
        (IFF_LOOPBACK, "LOOPBACK"),
        (IFF_BROADCAST, "BROADCAST"),
        (IFF_POINTOPOINT, "POINTOPOINT"),
        (IFF_MULTICAST, "MULTICAST"),
        (IFF_NOARP, "NOARP"),
        (IFF_ALLMULTI, "ALLMULTI"),
        (IFF_PROMISC, "PROMISC"),
        (IFF_MASTER, "MASTER"),
        (IFF_SLAVE, "SLAVE"),
        (IFF_DEBUG, "DEBUG"),
        (IFF_DYNAMIC, "DYNAMIC"),
        (IFF_AUTOMEDIA, "AUTOMEDIA"),
        (IFF_PORTSEL, "PORTSEL"),
        (IFF_NOTRAILERS, "NOTRAILERS"),
        (IFF_UP, "UP"),
        (IFF_LOWER_UP, "LOWER_UP"),
        (IFF_DORMANT, "DORMANT"),
        (IFF_ECHO, "ECHO"),
    ];
    let mut out = Vec::new();
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        out.push("NO-CARRIER".to_string());
    }
    let mut rest = flags & !IFF_RUNNING;
    for (bit, name) in NAMES {
        if rest & bit != 0 {
            out.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        out.push(format!("{rest:x}"));
    }
    if mdown {
        out.push("M-DOWN".to_string());
    }
    out
}

/// `nud_state_n2a` over every bit set ("NONE" for none).
pub fn nud_states(state: u16) -> Vec<String> {
    const NAMES: [(u16, &str); 8] = [
        (NUD_INCOMPLETE, "INCOMPLETE"),
        (NUD_REACHABLE, "REACHABLE"),
        (NUD_STALE, "STALE"),
        (NUD_DELAY, "DELAY"),
        (NUD_PROBE, "PROBE"),
        (NUD_FAILED, "FAILED"),
        (NUD_NOARP, "NOARP"),
        (NUD_PERMANENT, "PERMANENT"),
    ];
    if state == NUD_NONE {
        return vec!["NONE".to_string()];
    }
    let mut out: Vec<String> = NAMES
        .iter()
        .filter(|(bit, _)| state & bit != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    let rest = NAMES.iter().fold(state, |s, (bit, _)| s & !bit);
    if rest != 0 {
        out.push(format!("{rest:x}"));
    }
    out
}

/// The single word `bridge fdb` prints for an FDB entry's state.
pub fn fdb_state(state: u16) -> String {
    if state & NUD_PERMANENT != 0 {
        "permanent".into()
    } else if state & NUD_NOARP != 0 {
        "static".into()
    } else if state & NUD_STALE != 0 {
        "stale".into()
    } else if state & NUD_REACHABLE != 0 {
        String::new()
    } else {
        format!("state {state:#x}")
    }
}

/// `bridge fdb`'s flag words for `NTF_*`.
pub fn fdb_flags(flags: u8) -> Vec<String> {
    const NAMES: [(u8, &str); 6] = [
        (NTF_SELF, "self"),
        (NTF_ROUTER, "router"),
        (NTF_EXT_LEARNED, "extern_learn"),
        (NTF_OFFLOADED, "offload"),
        (NTF_MASTER, "master"),
        (NTF_STICKY, "sticky"),
    ];
    NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// `RTNH_F_*` (and route `RTM_F_*`) words as `ip route` prints them.
pub fn nh_flags(flags: u32) -> Vec<String> {
    const NAMES: [(u32, &str); 8] = [
        (RTNH_F_DEAD as u32, "dead"),
        (RTNH_F_ONLINK as u32, "onlink"),
        (RTNH_F_PERVASIVE as u32, "pervasive"),
        (RTNH_F_OFFLOAD as u32, "offload"),
        (RTNH_F_TRAP as u32, "trap"),
        (RTM_F_NOTIFY, "notify"),
        (RTNH_F_LINKDOWN as u32, "linkdown"),
        (RTNH_F_UNRESOLVED as u32, "unresolved"),
    ];
    NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// `IFA_F_*` as the booleans `ip -j addr` prints, in its order.
pub fn addr_flags(flags: u32, family: u8) -> Vec<&'static str> {
    let v6 = family == AF_INET6;
    let mut out = Vec::new();
    let table: [(u32, &str, bool); 12] = [
        (
            IFA_F_SECONDARY,
            if v6 { "temporary" } else { "secondary" },
            false,
        ),
        (IFA_F_NODAD, "nodad", true),
        (IFA_F_OPTIMISTIC, "optimistic", true),
        (IFA_F_DADFAILED, "dadfailed", true),
        (IFA_F_HOMEADDRESS, "home", true),
        (IFA_F_DEPRECATED, "deprecated", true),
        (IFA_F_TENTATIVE, "tentative", true),
        (IFA_F_PERMANENT, "dynamic", false),
        (IFA_F_MANAGETEMPADDR, "mngtmpaddr", true),
        (IFA_F_NOPREFIXROUTE, "noprefixroute", false),
        (IFA_F_MCAUTOJOIN, "autojoin", false),
        (IFA_F_STABLE_PRIVACY, "stable-privacy", true),
    ];
    for (bit, name, v6_only) in table {
        let set = flags & bit != 0;
        if bit == IFA_F_PERMANENT {
            if !set {
                out.push(name);
            }
        } else if set && (v6 || !v6_only) {
            out.push(name);
        }
    }
    out
}

/// `inet_proto_n2a` for the protocols rules name (the usual
/// `/etc/protocols` names), else the number.
pub fn ip_proto(p: u8) -> String {
    match p {
        1 => "icmp".into(),
        2 => "igmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        41 => "ipv6".into(),
        47 => "gre".into(),
        50 => "esp".into(),
        51 => "ah".into(),
        58 => "ipv6-icmp".into(),
        132 => "sctp".into(),
        136 => "udplite".into(),
        other => other.to_string(),
    }
}

/// `MACVLAN_MODE_*`.
pub fn macvlan_mode(m: u32) -> String {
    match m {
        MACVLAN_MODE_PRIVATE => "private".into(),
        MACVLAN_MODE_VEPA => "vepa".into(),
        MACVLAN_MODE_BRIDGE => "bridge".into(),
        MACVLAN_MODE_PASSTHRU => "passthru".into(),
        MACVLAN_MODE_SOURCE => "source".into(),
        other => other.to_string(),
    }
}

/// IPv6 router preference (`RTA_PREF`).
pub fn pref(p: u8) -> String {
    match p {
        0 => "medium".into(),
        1 => "high".into(),
        3 => "low".into(),
        other => other.to_string(),
    }
}
