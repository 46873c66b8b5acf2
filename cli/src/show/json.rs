//! The one mapping from records to `ip -j`'s JSON: field names and value
//! spellings as iproute2 prints them (`ip -j -d link`, `ip -j addr`,
//! `ip -j route`, `ip -j neigh`, `ip -j rule`, `ip -j nexthop`, and
//! `bridge -j fdb` for FDB entries), so jq habits carry over. Used by
//! `show` and meant for `monitor`.
//!
//! Like `ip`, a field is left out when the kernel did not send it or when
//! `ip` leaves out its default (route protocol "boot", scope "global",
//! table "main", type "unicast"). Every record also carries `family`
//! where `ip` has none, so that flat lists of both families stay readable.

use ipdb::ip::{IpAddress, IpNetwork};
use ipdb::records::{LinkData, PortRange, RouteMetrics};
use ipdb::uapi::*;
use ipdb::{Address, Link, Neighbour, Nexthop, Route, Rule};
use serde_json::{json, Map, Value};

use super::names::{self, Names};

/// `FIB_RULE_IIF_DETACHED` / `FIB_RULE_OIF_DETACHED` (linux/fib_rules.h).
const FIB_RULE_IIF_DETACHED: u32 = 8;
const FIB_RULE_OIF_DETACHED: u32 = 16;
/// `NTF_EXT_LEARNED` (linux/neighbour.h).
const NTF_EXT_LEARNED: u8 = 0x10;

/// A JSON object under construction; `None` values are left out.
struct Obj(Map<String, Value>);

impl Obj {
    fn new() -> Obj {
        Obj(Map::new())
    }
    fn put(&mut self, key: &str, v: impl Into<Value>) -> &mut Obj {
        self.0.insert(key.to_string(), v.into());
        self
    }
    fn opt<T: Into<Value>>(&mut self, key: &str, v: Option<T>) -> &mut Obj {
        if let Some(v) = v {
            self.put(key, v);
        }
        self
    }
    fn flag(&mut self, key: &str, on: bool) -> &mut Obj {
        if on {
            self.put(key, true);
        }
        self
    }
    fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

fn text(v: impl ToString) -> Value {
    Value::String(v.to_string())
}

/// A prefix as `ip route` prints it: "default" for length 0, the bare
/// address for a host prefix, else `addr/len`.
pub fn prefix(n: &IpNetwork) -> String {
    if n.prefixlen() == 0 {
        "default".into()
    } else if n.prefixlen() == n.max_prefixlen() {
        n.network_address().to_string()
    } else {
        format!("{}/{}", n.network_address(), n.prefixlen())
    }
}

fn family_of(a: &IpAddress) -> &'static str {
    match a {
        IpAddress::V4(_) => "inet",
        IpAddress::V6(_) => "inet6",
    }
}

/// A link as `ip -j -d link show` prints it.
pub fn link(l: &Link, n: &Names) -> Value {
    let mut o = Obj::new();
    o.put("ifindex", l.index);
    match (l.link, l.link_netnsid) {
        (Some(0), _) => {
            o.put("link", Value::Null);
        }
        (Some(i), Some(_)) => {
            o.put("link_index", i);
        }
        (Some(i), None) => {
            o.put("link", n.ifname(i));
        }
        (None, _) => {}
    }
    let mdown = match (l.link, l.link_netnsid) {
        (Some(i), None) if i != 0 => n.ifflags(i).is_some_and(|f| f & IFF_UP == 0),
        _ => false,
    };
    o.put("ifname", l.name.clone())
        .put("flags", names::link_flags(l.flags, mdown))
        .opt("mtu", l.mtu)
        .opt("qdisc", l.qdisc.clone())
        .opt("master", l.master.map(|m| n.ifname(m)))
        .put("operstate", names::operstate(l.operstate))
        .opt(
            "linkmode",
            l.linkmode.map(|m| {
                if m == 1 {
                    "DORMANT".to_string()
                } else {
                    "DEFAULT".to_string()
                }
            }),
        )
        .opt("group", l.group.map(|g| n.group(g)))
        .opt("txqlen", l.txqlen)
        .put("link_type", names::link_type(l.link_type))
        .opt("address", l.address.map(text))
        .opt("broadcast", l.broadcast.map(text))
        .opt(
            "permaddr",
            l.perm_address.filter(|p| Some(*p) != l.address).map(text),
        )
        .opt("link_netnsid", l.link_netnsid.filter(|id| *id >= 0))
        .opt("promiscuity", l.promiscuity)
        .opt("allmulti", l.allmulti)
        .opt("min_mtu", l.min_mtu)
        .opt("max_mtu", l.max_mtu);
    if l.kind.is_some() || l.slave_kind.is_some() {
        let mut info = Obj::new();
        info.opt("info_kind", l.kind.clone());
        if let Some(d) = l.data.as_ref().and_then(|d| link_data(d, n)) {
            info.put("info_data", d);
        }
        info.opt("info_slave_kind", l.slave_kind.clone());
        o.put("linkinfo", info.done());
    }
    o.opt("num_tx_queues", l.num_tx_queues)
        .opt("num_rx_queues", l.num_rx_queues)
        .opt("gso_max_size", l.gso_max_size)
        .opt("gso_max_segs", l.gso_max_segs)
        .opt("ifalias", l.alias.clone());
    if let Some(s) = &l.stats64 {
        o.put(
            "stats64",
            json!({
                "rx": {"bytes": s.rx_bytes, "packets": s.rx_packets, "errors": s.rx_errors,
                       "dropped": s.rx_dropped, "over_errors": s.rx_over_errors, "multicast": s.multicast},
                "tx": {"bytes": s.tx_bytes, "packets": s.tx_packets, "errors": s.tx_errors,
                       "dropped": s.tx_dropped, "carrier_errors": s.tx_carrier_errors,
                       "collisions": s.collisions},
            }),
        );
    }
    o.done()
}

/// `linkinfo.info_data` for the kinds with a decoder.
fn link_data(d: &LinkData, n: &Names) -> Option<Value> {
    let mut o = Obj::new();
    let bool_of = |v: Option<u8>| v.map(|v| v != 0);
    match d {
        LinkData::Veth | LinkData::Other(_) => return None,
        LinkData::Vlan(v) => {
            o.opt(
                "protocol",
                v.protocol.map(|p| match p.0 {
                    0x8100 => "802.1Q".to_string(),
                    0x88a8 => "802.1ad".to_string(),
                    other => format!("{other:#x}"),
                }),
            )
            .opt("id", v.id);
            if let Some(f) = v.flags {
                let words: Vec<&str> = [
                    (1, "REORDER_HDR"),
                    (2, "GVRP"),
                    (4, "LOOSE_BINDING"),
                    (8, "MVRP"),
                    (16, "BRIDGE_BINDING"),
                ]
                .into_iter()
                .filter(|(bit, _)| f.flags & bit != 0)
                .map(|(_, w)| w)
                .collect();
                o.put("flags", words);
            }
        }
        LinkData::Macvlan(m) | LinkData::Macvtap(m) => {
            o.opt("mode", m.mode.map(names::macvlan_mode));
            // MACVLAN_FLAG_NOPROMISC
            o.flag("nopromisc", m.flags.is_some_and(|f| f & 1 != 0));
        }
        LinkData::Vxlan(v) => {
            o.opt("id", v.id);
            if let Some(g) = v.group {
                o.put(if g.is_multicast() { "group" } else { "remote" }, text(g));
            }
            if let Some(g) = v.group6 {
                o.put(
                    if g.is_multicast() {
                        "group6"
                    } else {
                        "remote6"
                    },
                    text(g),
                );
            }
            o.opt("local", v.local.map(text))
                .opt("local6", v.local6.map(text))
                .opt("link", v.link.filter(|l| *l != 0).map(|l| n.ifname(l)))
                .opt("port", v.port.map(|p| p.0))
                .opt("learning", bool_of(v.learning))
                .opt("ttl", v.ttl)
                .opt("ageing", v.ageing)
                .opt("udp_csum", bool_of(v.udp_csum));
        }
        LinkData::Gre(g) | LinkData::Gretap(g) => {
            o.opt("remote", g.remote.map(text))
                .opt("local", g.local.map(text))
                .opt("link", g.link.filter(|l| *l != 0).map(|l| n.ifname(l)))
                .opt("ttl", g.ttl)
                .opt(
                    "ikey",
                    g.ikey
                        .filter(|k| k.0 != 0)
                        .map(|k| text(std::net::Ipv4Addr::from(k.0))),
                )
                .opt(
                    "okey",
                    g.okey
                        .filter(|k| k.0 != 0)
                        .map(|k| text(std::net::Ipv4Addr::from(k.0))),
                );
        }
        LinkData::Bridge(b) => {
            o.opt("forward_delay", b.forward_delay)
                .opt("hello_time", b.hello_time)
                .opt("max_age", b.max_age)
                .opt("ageing_time", b.ageing_time)
                .opt("stp_state", b.stp_state)
                .opt("priority", b.priority)
                .opt("vlan_filtering", b.vlan_filtering)
                .opt(
                    "vlan_protocol",
                    b.vlan_protocol.map(|p| match p.0 {
                        0x8100 => "802.1Q".to_string(),
                        0x88a8 => "802.1ad".to_string(),
                        other => format!("{other:#x}"),
                    }),
                )
                .opt(
                    "group_fwd_mask",
                    b.group_fwd_mask.map(|m| {
                        if m == 0 {
                            "0".to_string()
                        } else {
                            format!("{m:#x}")
                        }
                    }),
                )
                .opt("vlan_default_pvid", b.vlan_default_pvid)
                .opt("mcast_snooping", b.mcast_snooping);
        }
        LinkData::Bond(b) => {
            const MODES: [&str; 7] = [
                "balance-rr",
                "active-backup",
                "balance-xor",
                "broadcast",
                "802.3ad",
                "balance-tlb",
                "balance-alb",
            ];
            o.opt(
                "mode",
                b.mode.map(|m| {
                    MODES
                        .get(usize::from(m))
                        .map_or(m.to_string(), |s| s.to_string())
                }),
            )
            .opt("active_slave", b.active_slave.map(|i| n.ifname(i)))
            .opt("miimon", b.miimon)
            .opt("updelay", b.updelay)
            .opt("downdelay", b.downdelay)
            .opt("use_carrier", b.use_carrier)
            .opt("arp_interval", b.arp_interval)
            .opt("min_links", b.min_links);
        }
        LinkData::Tun(t) => {
            o.opt(
                "type",
                t.tun_type.map(|k| match k {
                    1 => "tun".to_string(),
                    2 => "tap".to_string(),
                    other => other.to_string(),
                }),
            )
            .opt("pi", bool_of(t.pi))
            .opt("vnet_hdr", bool_of(t.vnet_hdr))
            .opt("multi_queue", bool_of(t.multi_queue));
            if t.multi_queue == Some(1) {
                o.opt("numqueues", t.num_queues)
                    .opt("numdisabled", t.num_disabled_queues);
            }
            o.opt("persist", bool_of(t.persist));
        }
        _ => return None,
    }
    Some(o.done())
}

/// One entry of `ip -j addr`'s `addr_info` array.
pub fn addr_info(a: &Address) -> Value {
    let mut o = Obj::new();
    o.put("family", names::family(a.family))
        .opt("local", a.local.map(text))
        .opt("address", a.peer().map(text))
        .put("prefixlen", a.prefixlen)
        .opt("broadcast", a.broadcast.map(text))
        .opt("anycast", a.anycast.map(text))
        .put("scope", names::scope(a.scope));
    for f in names::addr_flags(a.flags, a.family) {
        o.put(f, true);
    }
    o.opt("label", a.label.clone());
    if let Some(c) = &a.cacheinfo {
        o.put("valid_life_time", c.valid)
            .put("preferred_life_time", c.prefered);
    }
    o.opt("metric", a.rt_priority);
    o.done()
}

/// An address as a flat record: `ifindex`, `ifname`, then the
/// `addr_info` fields.
pub fn address(a: &Address, n: &Names) -> Value {
    let mut v = addr_info(a);
    if let Value::Object(m) = &mut v {
        m.insert("ifindex".into(), a.index.into());
        m.insert("ifname".into(), n.ifname(a.index).into());
    }
    v
}

/// `ip -j addr`: each link (the fields `ip addr` shows) with its
/// `addr_info` array.
pub fn links_with_addresses(links: &[Link], addrs: &[Address], n: &Names) -> Value {
    const KEEP: [&str; 14] = [
        "ifindex",
        "link",
        "link_index",
        "ifname",
        "flags",
        "mtu",
        "qdisc",
        "master",
        "operstate",
        "group",
        "txqlen",
        "link_type",
        "address",
        "broadcast",
    ];
    let out: Vec<Value> = links
        .iter()
        .map(|l| {
            let Value::Object(mut m) = link(l, n) else {
                unreachable!("link() builds an object")
            };
            m.retain(|k, _| KEEP.contains(&k.as_str()));
            let infos: Vec<Value> = addrs
                .iter()
                .filter(|a| a.index == l.index)
                .map(addr_info)
                .collect();
            m.insert("addr_info".into(), infos.into());
            Value::Object(m)
        })
        .collect();
    out.into()
}

fn metrics(m: &RouteMetrics) -> Value {
    let mut o = Obj::new();
    o.opt("mtu", m.mtu)
        .opt("window", m.window)
        .opt("ssthresh", m.ssthresh)
        .opt("cwnd", m.cwnd)
        .opt("advmss", m.advmss)
        .opt("reordering", m.reordering)
        .opt("hoplimit", m.hoplimit.filter(|h| *h != u32::MAX))
        .opt("initcwnd", m.initcwnd)
        .opt("initrwnd", m.initrwnd)
        .opt("quickack", m.quickack)
        .opt(
            "congctl",
            m.cc_algo
                .as_ref()
                .and_then(|c| c.as_str().map(str::to_string)),
        )
        .opt("fastopen_no_cookie", m.fastopen_no_cookie);
    o.done()
}

fn via(a: &IpAddress) -> Value {
    json!({"family": family_of(a), "host": a.to_string()})
}

/// A route as `ip -j route show table all` prints it, plus `family`.
pub fn route(r: &Route, n: &Names) -> Value {
    let mut o = Obj::new();
    if r.kind != RTN_UNICAST {
        o.put("type", names::route_type(r.kind));
    }
    o.put("dst", prefix(&r.dst))
        .opt("from", r.src.as_deref().map(prefix))
        .opt("tos", (r.tos != 0).then(|| n.dsfield(r.tos)))
        .opt("nhid", r.nh_id)
        .opt("gateway", r.gateway.map(text))
        .opt("via", r.via.as_ref().map(via))
        .opt("dev", r.oif.map(|i| n.ifname(i)))
        .opt("iif", r.iif.map(|i| n.ifname(i)));
    if r.table != RT_TABLE_MAIN {
        o.put("table", n.table(r.table));
    }
    if r.protocol != RTPROT_BOOT {
        o.put("protocol", names::protocol(r.protocol));
    }
    if r.scope != RT_SCOPE_UNIVERSE {
        o.put("scope", names::scope(r.scope));
    }
    o.opt("prefsrc", r.prefsrc.map(text))
        .opt("metric", r.priority)
        .put("flags", names::nh_flags(r.flags));
    if let Some(m) = &r.metrics {
        let m = metrics(m);
        if m.as_object().is_some_and(|o| !o.is_empty()) {
            o.put("metrics", vec![m]);
        }
    }
    if !r.multipath.is_empty() {
        let hops: Vec<Value> = r
            .multipath
            .iter()
            .map(|h| {
                Obj::new()
                    .opt("gateway", h.gateway.map(text))
                    .opt("via", h.via.as_ref().map(via))
                    .put("dev", n.ifname(h.oif))
                    .put("weight", h.weight)
                    .put("flags", names::nh_flags(u32::from(h.flags)))
                    .done()
            })
            .collect();
        o.put("nexthops", hops);
    }
    o.opt("pref", r.pref.map(names::pref))
        .put("family", names::family(r.family));
    o.done()
}

/// A neighbour as `ip -j neigh show nud all` prints it, or an FDB entry
/// as `bridge -j fdb show` does; both with `family`.
pub fn neighbour(nb: &Neighbour, n: &Names) -> Value {
    let mut o = Obj::new();
    if nb.is_fdb() {
        o.opt("mac", nb.lladdr.map(text))
            .put("ifname", n.ifname(nb.index))
            .opt("dst", nb.dst.map(text))
            .opt("vlan", nb.vlan)
            .opt("vni", nb.vni)
            .opt("port", nb.port)
            .opt("viaIf", nb.via_index.map(|i| n.ifname(i)))
            .put("flags", names::fdb_flags(nb.flags))
            .opt("master", nb.master.map(|m| n.ifname(m)))
            .put("state", names::fdb_state(nb.state));
    } else {
        o.opt("dst", nb.dst.map(text))
            .put("dev", n.ifname(nb.index))
            .opt("lladdr", nb.lladdr.map(text))
            .flag("router", nb.flags & NTF_ROUTER != 0)
            .flag("extern_learn", nb.flags & NTF_EXT_LEARNED != 0)
            .flag("offload", nb.flags & NTF_OFFLOADED != 0)
            .put("state", names::nud_states(nb.state));
    }
    o.put("family", names::family(nb.family));
    o.done()
}

fn side(o: &mut Obj, key: &str, net: &Option<IpNetwork>, all: bool) {
    match net {
        Some(p) => {
            o.put(key, text(p.network_address()));
            if p.prefixlen() != p.max_prefixlen() {
                o.put(&format!("{key}len"), p.prefixlen());
            }
        }
        None if all => {
            o.put(key, "all");
        }
        None => {}
    }
}

/// A rule as `ip -j rule` prints it, plus `family`.
pub fn rule(r: &Rule, n: &Names) -> Value {
    let mut o = Obj::new();
    o.put("priority", r.priority);
    if r.flags & FIB_RULE_INVERT != 0 {
        o.put("not", Value::Null);
    }
    side(&mut o, "src", &r.src, true);
    side(&mut o, "dst", &r.dst, false);
    if r.tos != 0 {
        o.put("tos", n.dsfield(r.tos));
    }
    if r.fwmark.is_some() || r.fwmask.is_some() {
        let mark = r.fwmark.unwrap_or(0);
        o.put("fwmark", format!("{mark:#x}"));
        match r.fwmask {
            Some(m) if m != u32::MAX => {
                o.put("fwmask", format!("{m:#x}"));
            }
            _ => {}
        }
    }
    o.opt("iif", r.iifname.clone());
    if r.flags & FIB_RULE_IIF_DETACHED != 0 {
        o.put("iif_detached", Value::Null);
    }
    o.opt("oif", r.oifname.clone());
    if r.flags & FIB_RULE_OIF_DETACHED != 0 {
        o.put("oif_detached", Value::Null);
    }
    if r.l3mdev.is_some_and(|l| l != 0) {
        o.put("l3mdev", Value::Null);
    }
    if let Some(u) = r.uid_range {
        o.put("uid_start", u.start).put("uid_end", u.end);
    }
    o.opt("ipproto", r.ip_proto.map(names::ip_proto));
    port_range(&mut o, "sport", r.sport_range);
    port_range(&mut o, "dport", r.dport_range);
    if r.table != 0 {
        o.put("table", n.table(r.table));
    }
    o.opt(
        "suppress_prefixlen",
        r.suppress_prefixlen.filter(|s| *s != u32::MAX),
    );
    match r.action {
        FR_ACT_TO_TBL => {}
        FR_ACT_GOTO => {
            match r.goto {
                Some(g) => o.put("goto", g),
                None => o.put("goto", "none"),
            };
        }
        FR_ACT_NOP => {
            o.put("nop", Value::Null);
        }
        other => {
            o.put("action", names::route_type(other));
        }
    }
    if let Some(p) = r
        .protocol
        .filter(|p| *p != RTPROT_UNSPEC && *p != RTPROT_KERNEL)
    {
        o.put("protocol", names::protocol(p));
    }
    o.put("family", names::family(r.family));
    o.done()
}

/// A rule's port match: one port as a number, a range as `<key>_start`
/// and `<key>_end`.
fn port_range(o: &mut Obj, key: &str, range: Option<PortRange>) {
    match range {
        Some(p) if p.start == p.end => {
            o.put(key, p.start);
        }
        Some(p) => {
            o.put(&format!("{key}_start"), p.start)
                .put(&format!("{key}_end"), p.end);
        }
        None => {}
    }
}

/// A nexthop object as `ip -j nexthop` prints it.
pub fn nexthop(nh: &Nexthop, n: &Names) -> Value {
    let mut o = Obj::new();
    o.put("id", nh.id);
    if !nh.group.is_empty() {
        let members: Vec<Value> = nh
            .group
            .iter()
            .map(|m| {
                let mut g = Obj::new();
                g.put("id", m.id);
                if m.weight > 1 {
                    g.put("weight", m.weight);
                }
                g.done()
            })
            .collect();
        o.put("group", members);
        if let Some(t) = nh.group_type.filter(|t| *t != 0) {
            o.put(
                "type",
                if t == 1 {
                    "resilient".to_string()
                } else {
                    t.to_string()
                },
            );
        }
    }
    if nh.blackhole {
        o.put("blackhole", Value::Null);
    }
    o.opt("gateway", nh.gateway.map(text))
        .opt("dev", nh.oif.map(|i| n.ifname(i)));
    if nh.scope != RT_SCOPE_UNIVERSE {
        o.put("scope", names::scope(nh.scope));
    }
    if nh.protocol != RTPROT_UNSPEC && nh.protocol != RTPROT_BOOT {
        o.put("protocol", names::protocol(nh.protocol));
    }
    o.put("flags", names::nh_flags(nh.flags));
    if nh.fdb {
        o.put("fdb", Value::Null);
    }
    o.done()
}
