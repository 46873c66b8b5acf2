//! Requests as iproute2 sends them (captured with strace, see capture.py),
//! including kinds the capture kernel lacks: our parsers read them, and the
//! repr we would build for the same command equals what they decode to.

#[path = "fixtures/mod.rs"]
mod fixtures;

use core::net::{IpAddr, Ipv4Addr};

use ipdb_core::wire::link::*;
use ipdb_core::wire::link_info::*;
use ipdb_core::wire::nexthop::*;
use ipdb_core::wire::route::*;
use ipdb_core::wire::rule::*;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;

fn request(name: &str) -> Vec<u8> {
    let data = fixtures::load(name);
    let msg = Message::parse(&data).unwrap();
    assert_eq!(msg.bytes().len(), data.len());
    let h = msg.header();
    assert_eq!(
        h.flags & (NLM_F_REQUEST | NLM_F_ACK),
        NLM_F_REQUEST | NLM_F_ACK
    );
    data
}

/// Emits `ours`, parses both, and checks they decode the same.
fn same_link(name: &str, ours: &LinkRepr<'_>) {
    let data = request(name);
    let theirs = LinkRepr::parse(&Message::parse(&data).unwrap()).unwrap();
    assert_eq!(theirs.bad_attr, None);
    let mut buf = [0u8; 512];
    let mut b = MessageBuilder::new(
        &mut buf,
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        1,
        0,
    )
    .unwrap();
    ours.emit(&mut b).unwrap();
    let bytes = b.finish().unwrap();
    // Not the same bytes: iproute2 orders attributes differently, sends kinds
    // without a NUL, no NLA_F_NESTED, and GRE attributes we leave unset.
    let back = LinkRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
    assert_eq!(back, theirs, "{name}");
}

fn link<'a>(name: &str, kind: &str, data: Option<InfoData<'a>>) -> LinkRepr<'a> {
    let mut r = LinkRepr::default();
    r.attrs.ifname = IfName::new(name);
    r.info = Some(LinkInfo {
        kind: IfName::new(kind),
        data,
        ..LinkInfo::default()
    });
    r
}

#[test]
fn vlan() {
    let vlan = VlanInfo {
        id: Some(100),
        protocol: Some(Be16(0x88a8)),
        ..VlanInfo::default()
    };
    let mut r = link("v.100", "vlan", Some(InfoData::Vlan(vlan)));
    r.attrs.link = Some(3); // v0 in the capture namespace
    same_link("req_vlan", &r);
}

#[test]
fn bond() {
    let bond = BondInfo {
        mode: Some(4),
        miimon: Some(100),
        min_links: Some(1),
        ..BondInfo::default()
    };
    same_link(
        "req_bond",
        &link("bond0", "bond", Some(InfoData::Bond(bond))),
    );
}

#[test]
fn gre() {
    let data = request("req_gre");
    let theirs = LinkRepr::parse(&Message::parse(&data).unwrap()).unwrap();
    let Some(InfoData::Gre(g)) = theirs.info.unwrap().data else {
        panic!()
    };
    assert_eq!(g.local, Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));
    assert_eq!(g.remote, Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2))));
    assert_eq!(g.ttl, Some(64));
    assert_eq!(g.ikey, Some(Be32(16909060)));
    assert_eq!(g.okey, Some(Be32(16909060)));
    assert_eq!(g.iflags, Some(Be16(0x2000))); // GRE_KEY
    assert_eq!(g.oflags, Some(Be16(0x2000)));
    same_link("req_gre", &link("gre1", "gre", Some(InfoData::Gre(g))));
}

#[test]
fn dataless_kinds() {
    same_link("req_dummy", &link("d0", "dummy", None));
    same_link("req_team", &link("t0", "team", None));
}

#[test]
fn veth_with_peer() {
    let data = request("req_veth");
    let theirs = LinkRepr::parse(&Message::parse(&data).unwrap()).unwrap();
    let Some(InfoData::Veth(VethInfo { peer: Some(p) })) = theirs.info.unwrap().data else {
        panic!()
    };
    let peer = p.parse().unwrap();
    assert_eq!(peer.attrs.ifname, IfName::new("p1"));
    assert_eq!(peer.header, IfInfoHeader::default());
    let mut ours_peer = LinkRepr::default();
    ours_peer.attrs.ifname = IfName::new("p1");
    assert_eq!(peer, ours_peer);
    let ours = link(
        "p0",
        "veth",
        Some(InfoData::Veth(VethInfo {
            peer: Some(VethPeer::Repr(&ours_peer)),
        })),
    );
    same_link("req_veth", &ours);
}

#[test]
fn multipath_route() {
    let data = request("req_route_multipath");
    let msg = Message::parse(&data).unwrap();
    assert_eq!(
        msg.header().flags & (NLM_F_CREATE | NLM_F_EXCL),
        NLM_F_CREATE | NLM_F_EXCL
    );
    let r = RouteRepr::parse(&msg).unwrap();
    assert_eq!(r.header.dst_len, 24);
    assert_eq!(r.header.protocol, RTPROT_STATIC);
    assert_eq!(r.table(), 1001);
    assert_eq!(
        r.attrs.dst,
        Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 0)))
    );
    let hops: Vec<_> = r.multipath.unwrap().iter().map(Result::unwrap).collect();
    assert_eq!(hops.len(), 2);
    assert_eq!(
        hops[0].gateway,
        Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)))
    );
    assert_eq!(hops[1].weight(), 3);
    assert_eq!(hops[0].ifindex, 3);
    // Rebuilt from its own hops, the route encodes to a request of the same size.
    let ours = RouteRepr {
        multipath: Some(Multipath::Hops(&hops)),
        bad_attr: None,
        ..r
    };
    assert_eq!(ours.buffer_len() + 16, data.len());
    assert_eq!(ours, r);
}

#[test]
fn rule_and_nexthop_group() {
    let data = request("req_rule");
    let r = RuleRepr::parse(&Message::parse(&data).unwrap()).unwrap();
    assert_eq!(r.attrs.src, Some(IpAddr::V4(Ipv4Addr::new(10, 1, 0, 0))));
    assert_eq!(r.header.src_len, 16);
    assert_eq!((r.attrs.fwmark, r.attrs.fwmask), (Some(0x10), Some(0xff)));
    assert_eq!(r.attrs.iifname, IfName::new("v0"));
    assert_eq!(r.table(), 1000);
    assert_eq!(r.attrs.priority, Some(100));

    let data = request("req_nexthop_group");
    let n = NexthopRepr::parse(&Message::parse(&data).unwrap()).unwrap();
    assert_eq!(n.attrs.id, Some(20));
    let members: Vec<_> = n.group.unwrap().iter().collect();
    assert_eq!(
        members,
        [
            NexthopGrp { id: 1, weight: 0 },
            NexthopGrp { id: 2, weight: 2 }
        ]
    );
}
