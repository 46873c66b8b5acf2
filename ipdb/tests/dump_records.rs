//! Records built from real kernel bytes (the dumps captured in
//! core/tests/fixtures by capture.py, whose setup the assertions follow):
//! no root needed, so these run everywhere.

use std::collections::HashMap;

use ipdb::ip::{IpAddress, IpNetwork};
use ipdb::records::LinkData;
use ipdb::uapi::*;
use ipdb::{Address, Link, Neighbour, Nexthop, Route, Rule};
use ipdb_core::wire::address::AddressRepr;
use ipdb_core::wire::link::LinkRepr;
use ipdb_core::wire::neighbour::NeighbourRepr;
use ipdb_core::wire::nexthop::NexthopRepr;
use ipdb_core::wire::route::RouteRepr;
use ipdb_core::wire::rule::RuleRepr;
use ipdb_core::wire::{Control, FamilyRepr, Message, Messages};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../core/tests/fixtures/{name}.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split_whitespace())
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

/// Every data message of a captured dump, decoded with `f`.
fn records<T>(name: &str, f: impl Fn(&Message<'_>) -> Option<T>) -> Vec<T> {
    let bytes = fixture(name);
    Messages::new(&bytes)
        .map(|m| m.unwrap())
        .filter(|m| matches!(m.control(), Ok(Control::Data)))
        .filter_map(|m| f(&m))
        .collect()
}

fn links() -> Vec<Link> {
    records("link_dump", |m| {
        Some(Link::from(&LinkRepr::parse(m).unwrap()))
    })
}

fn index_of(links: &[Link]) -> HashMap<String, u32> {
    links.iter().map(|l| (l.name.clone(), l.index)).collect()
}

fn addr(s: &str) -> IpAddress {
    s.parse().unwrap()
}

fn net(s: &str) -> IpNetwork {
    IpNetwork::parse(s, true).unwrap()
}

#[test]
fn links_from_kernel_bytes() {
    let links = links();
    let idx = index_of(&links);
    let get = |n: &str| links.iter().find(|l| l.name == n).unwrap();

    let v0 = get("v0");
    assert_eq!(
        (v0.mtu, v0.txqlen, v0.group),
        (Some(1400), Some(500), Some(7))
    );
    assert_eq!(v0.alias.as_deref(), Some("uplink-v0"));
    assert_eq!(v0.address.unwrap().to_string(), "02:00:00:00:00:01");
    assert_eq!(v0.link, Some(idx["v1"]));
    assert_eq!(get("v1").master, Some(idx["br0"]));

    let Some(LinkData::Bridge(br)) = &get("br0").data else {
        panic!("bridge data")
    };
    assert_eq!((br.forward_delay, br.stp_state), (Some(500), Some(0)));

    let Some(LinkData::Vxlan(vx)) = &get("vx0").data else {
        panic!("vxlan data")
    };
    assert_eq!((vx.id, vx.ttl, vx.learning), (Some(42), Some(5), Some(0)));
    assert_eq!(vx.group, Some("10.0.0.2".parse().unwrap()));
    assert_eq!(vx.local, Some("10.0.0.1".parse().unwrap()));
    assert_eq!(
        (vx.port.map(|p| p.0), vx.link),
        (Some(4789), Some(idx["v0"]))
    );
    let Some(LinkData::Vxlan(vx6)) = &get("vx6").data else {
        panic!("vxlan data")
    };
    assert_eq!(vx6.group6, Some("ff05::100".parse().unwrap()));
    assert_eq!(vx6.local6, Some("2001:db8::1".parse().unwrap()));

    assert!(
        matches!(&get("mv0").data, Some(LinkData::Macvlan(m)) if m.mode == Some(MACVLAN_MODE_BRIDGE))
    );
    assert!(
        matches!(&get("mvt0").data, Some(LinkData::Macvtap(m)) if m.mode == Some(MACVLAN_MODE_VEPA))
    );
    assert_eq!(get("ifb0").kind.as_deref(), Some("ifb"));
    let Some(LinkData::Tun(tap)) = &get("tap0").data else {
        panic!("tun data")
    };
    assert_eq!((tap.tun_type, tap.multi_queue), (Some(2), Some(1)));
    assert_eq!((tap.owner, tap.group), (Some(1000), Some(1000)));

    // The peer of w0 lives in another namespace: index there, plus its nsid.
    let w0 = get("w0");
    assert!(w0.link.is_some() && w0.link_netnsid.is_some(), "{w0:?}");
    assert!(links.iter().all(|l| l.family == AF_UNSPEC));
}

#[test]
fn addresses_from_kernel_bytes() {
    let idx = index_of(&links());
    let addrs: Vec<Address> = records("addr_dump", |m| {
        Some(Address::from(&AddressRepr::parse(m).unwrap()))
    });
    let find = |a: &str| addrs.iter().find(|x| x.local == Some(addr(a))).unwrap();
    let main = find("10.0.0.1");
    assert_eq!(main.index, idx["v0"]);
    assert_eq!(main.label.as_deref(), Some("v0:main"));
    assert_eq!(main.broadcast, Some(addr("10.0.0.255")));
    assert_eq!(find("10.0.0.11").peer(), Some(addr("10.0.0.12")));
    assert_ne!(find("2001:db8::1").flags & IFA_F_NODAD, 0);
    let timed = find("192.168.50.1").cacheinfo.unwrap();
    assert!(timed.valid <= 3600 && timed.valid > 3000, "{timed:?}");
    assert!(timed.prefered <= 1800 && timed.prefered > 1200, "{timed:?}");
    assert_eq!(find("192.168.50.1").flags & IFA_F_PERMANENT, 0);
}

#[test]
fn routes_from_kernel_bytes() {
    let idx = index_of(&links());
    let parse = |m: &Message<'_>| Route::from_repr(&RouteRepr::parse(m).unwrap());
    let mut routes = records("route4_dump", parse);
    routes.extend(records("route6_dump", parse));
    let find = |d: &str| {
        routes
            .iter()
            .find(|r| r.dst == net(d))
            .unwrap_or_else(|| panic!("{d}"))
    };

    let r = find("192.0.2.0/24");
    assert_eq!(
        (r.table, r.protocol, r.priority),
        (1000, RTPROT_STATIC, Some(100))
    );
    assert_eq!(
        (r.gateway, r.oif),
        (Some(addr("10.0.0.2")), Some(idx["v0"]))
    );
    let m = r.metrics.as_deref().unwrap();
    assert_eq!((m.mtu, m.advmss), (Some(1400), Some(1360)));

    let mp = find("198.51.100.0/24");
    let hops: Vec<_> = mp
        .multipath
        .iter()
        .map(|h| (h.gateway.unwrap(), h.weight))
        .collect();
    assert_eq!(hops, [(addr("10.0.0.2"), 1), (addr("10.0.0.3"), 3)]);
    assert_eq!(find("10.99.0.0/16").kind, RTN_BLACKHOLE);
    assert_eq!(find("203.0.113.0/24").nh_id, Some(10));
    let via = find("192.0.2.128/25");
    assert_eq!(
        (via.via, via.gateway, via.table),
        (Some(addr("fe80::1")), None, RT_TABLE_MAIN)
    );

    let v6 = find("2001:db8:1::/48");
    assert_eq!(
        (v6.family, v6.pref, v6.priority),
        (AF_INET6, Some(1), Some(50))
    );
    assert_eq!(find("2001:db8:2::/48").multipath.len(), 2);
}

#[test]
fn neighbours_and_fdb_from_kernel_bytes() {
    let idx = index_of(&links());
    let parse = |m: &Message<'_>| Some(Neighbour::from(&NeighbourRepr::parse(m).unwrap()));
    let neigh = records("neigh_dump", parse);
    let state = |a: &str| neigh.iter().find(|n| n.dst == Some(addr(a))).unwrap().state;
    assert_eq!(state("10.0.0.2"), NUD_PERMANENT);
    assert_eq!(state("10.0.0.3"), NUD_REACHABLE);
    assert_eq!(state("2001:db8::2"), NUD_PERMANENT);

    let fdb = records("fdb_dump", parse);
    assert!(fdb.iter().all(Neighbour::is_fdb));
    let st = fdb
        .iter()
        .find(|n| n.lladdr.unwrap().to_string() == "02:00:00:00:00:aa")
        .unwrap();
    assert_eq!(
        (st.index, st.master, st.state),
        (idx["v1"], Some(idx["br0"]), NUD_NOARP)
    );
    assert!(fdb
        .iter()
        .any(|n| n.index == idx["vx0"] && n.dst == Some(addr("10.0.0.9"))));
}

#[test]
fn rules_and_nexthops_from_kernel_bytes() {
    let rules: Vec<Rule> = records("rule_dump", |m| {
        Some(Rule::from(&RuleRepr::parse(m).unwrap()))
    });
    let at = |p: u32| rules.iter().find(|r| r.priority == p).unwrap();
    let r = at(100);
    assert_eq!(
        (r.src, r.dst),
        (Some(net("10.1.0.0/16")), Some(net("10.2.0.0/16")))
    );
    assert_eq!(
        (r.fwmark, r.fwmask, r.table),
        (Some(0x10), Some(0xff), 1000)
    );
    assert_eq!(
        (r.iifname.as_deref(), r.oifname.as_deref()),
        (Some("v0"), Some("v1"))
    );
    assert_eq!(r.protocol, Some(RTPROT_STATIC));
    assert_eq!((at(200).action, at(200).goto), (FR_ACT_GOTO, Some(300)));
    assert_eq!(at(300).table, 5);
    let v6 = at(150);
    assert_eq!((v6.family, v6.src), (AF_INET6, Some(net("2001:db8::/32"))));

    let nhs: Vec<Nexthop> = records("nexthop_dump", |m| {
        Some(Nexthop::from(&NexthopRepr::parse(m).unwrap()))
    });
    let ids: Vec<u32> = nhs.iter().map(|n| n.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 10, 11]);
    assert!(nhs[2].blackhole && nhs[3].fdb && nhs[5].fdb);
    assert_eq!(nhs[0].gateway, Some(addr("10.0.0.2")));
    let g: Vec<_> = nhs[4].group.iter().map(|m| (m.id, m.weight)).collect();
    assert_eq!(g, [(1, 1), (2, 3)]);
}
