//! Address, neighbour (and bridge FDB), rule and nexthop messages on real
//! kernel dumps, plus request encodings.

#[path = "fixtures/mod.rs"]
mod fixtures;

use core::net::IpAddr;

use ipdb_core::wire::address::*;
use ipdb_core::wire::neighbour::*;
use ipdb_core::wire::nexthop::*;
use ipdb_core::wire::rule::*;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn parse_all<'a, T>(
    data: &'a [u8],
    kind: u16,
    f: impl Fn(&Message<'a>) -> Result<T, Error>,
) -> Vec<T> {
    Messages::new(data)
        .map(Result::unwrap)
        .filter(|m| m.kind() == kind)
        .map(|m| f(&m).unwrap())
        .collect()
}

#[test]
fn address_dump_fields() {
    let data = fixtures::load("addr_dump");
    let all = parse_all(&data, RTM_NEWADDR, AddressRepr::parse);
    assert!(all.iter().all(|a| a.bad_attr.is_none()));
    let find = |s: &str| {
        *all.iter()
            .find(|a| a.local() == Some(ip(s)))
            .unwrap_or_else(|| panic!("{s}"))
    };

    let a = find("10.0.0.1");
    assert_eq!(a.header.family, AF_INET);
    assert_eq!(a.header.prefix_len, 24);
    assert_eq!(a.header.scope, RT_SCOPE_UNIVERSE);
    assert_eq!(a.attrs.address, Some(ip("10.0.0.1")));
    assert_eq!(a.attrs.broadcast, Some(ip("10.0.0.255")));
    assert_eq!(a.attrs.label, IfName::new("v0:main"));
    assert_eq!(a.flags() & IFA_F_PERMANENT, IFA_F_PERMANENT);
    assert_eq!(a.attrs.cacheinfo.unwrap().valid, u32::MAX); // forever

    let p2p = find("10.0.0.11");
    assert_eq!(p2p.header.prefix_len, 32);
    assert_eq!(p2p.attrs.address, Some(ip("10.0.0.12"))); // IFA_ADDRESS is the peer
    assert_eq!(p2p.header.index, a.header.index);

    let v6 = find("2001:db8::1");
    assert_eq!(v6.header.family, AF_INET6);
    assert_eq!(v6.attrs.local, None); // IPv6 sends only IFA_ADDRESS
    assert_eq!(v6.flags() & IFA_F_NODAD, IFA_F_NODAD);
    assert!(v6.attrs.flags.is_some()); // IFA_FLAGS carries bits past the first 8

    let br = find("192.168.50.1");
    let ci = br.attrs.cacheinfo.unwrap();
    assert!(ci.valid <= 3600 && ci.valid > 3500);
    assert!(ci.prefered <= 1800 && ci.prefered > 1700);
    assert_eq!(br.flags() & IFA_F_PERMANENT, 0);

    assert_eq!(find("127.0.0.1").header.scope, RT_SCOPE_HOST);
}

#[test]
fn neighbour_dump_fields() {
    let data = fixtures::load("neigh_dump");
    let all = parse_all(&data, RTM_NEWNEIGH, NeighbourRepr::parse);
    let find = |s: &str| {
        *all.iter()
            .find(|n| n.attrs.dst == Some(ip(s)))
            .unwrap_or_else(|| panic!("{s}"))
    };
    let n2 = find("10.0.0.2");
    assert_eq!(n2.header.family, AF_INET);
    assert_eq!(n2.header.state, NUD_PERMANENT);
    assert_eq!(n2.attrs.lladdr, HwAddr::new(&[2, 0, 0, 0, 0, 2]));
    assert!(n2.attrs.cacheinfo.is_some());
    assert!(n2.attrs.probes.is_some());
    let n3 = find("10.0.0.3");
    assert_eq!(n3.attrs.lladdr, HwAddr::new(&[2, 0, 0, 0, 0, 0x33]));
    assert_ne!(n3.header.state & (NUD_REACHABLE | NUD_STALE), 0);
    let n6 = find("2001:db8::2");
    assert_eq!(n6.header.family, AF_INET6);
    assert_eq!(n6.header.state, NUD_PERMANENT);
    assert_eq!(n6.header.ifindex, n2.header.ifindex);
}

#[test]
fn bridge_fdb_dump_fields() {
    let data = fixtures::load("fdb_dump");
    let all = parse_all(&data, RTM_NEWNEIGH, NeighbourRepr::parse);
    assert!(all
        .iter()
        .all(|n| n.header.family == AF_BRIDGE && n.bad_attr.is_none()));
    let mac = |m: [u8; 6]| HwAddr::new(&m);
    let st = all
        .iter()
        .find(|n| n.attrs.lladdr == mac([2, 0, 0, 0, 0, 0xaa]))
        .unwrap();
    assert_eq!(st.header.state, NUD_NOARP); // "static"
    assert!(st.attrs.master.is_some());
    // vxlan default-destination entries carry the remote as NDA_DST.
    let remote = all
        .iter()
        .find(|n| n.attrs.dst == Some(ip("10.0.0.9")))
        .unwrap();
    assert_eq!(remote.attrs.lladdr, mac([0; 6]));
    assert_ne!(remote.header.flags & NTF_SELF, 0);
    let group6 = all
        .iter()
        .find(|n| n.attrs.dst == Some(ip("ff05::100")))
        .unwrap();
    assert!(group6.attrs.ifindex.is_some()); // vx6's underlay device
}

#[test]
fn rule_dump_fields() {
    let data = fixtures::load("rule_dump");
    let all = parse_all(&data, RTM_NEWRULE, RuleRepr::parse);
    assert!(all.iter().all(|r| r.bad_attr.is_none()));
    let prio = |p: u32, fam: u8| {
        // The kernel leaves FRA_PRIORITY out for priority 0.
        *all.iter()
            .find(|r| r.attrs.priority.unwrap_or(0) == p && r.header.family == fam)
            .unwrap_or_else(|| panic!("{p}"))
    };
    let r = prio(100, AF_INET);
    assert_eq!(r.attrs.src, Some(ip("10.1.0.0")));
    assert_eq!(r.header.src_len, 16);
    assert_eq!(r.attrs.dst, Some(ip("10.2.0.0")));
    assert_eq!(r.header.dst_len, 16);
    assert_eq!(r.attrs.fwmark, Some(0x10));
    assert_eq!(r.attrs.fwmask, Some(0xff));
    assert_eq!(r.attrs.iifname, IfName::new("v0"));
    assert_eq!(r.attrs.oifname, IfName::new("v1"));
    assert_eq!(r.table(), 1000);
    assert_eq!(r.header.table, RT_TABLE_COMPAT as u8);
    assert_eq!(r.attrs.protocol, Some(RTPROT_STATIC));
    assert_eq!(r.header.action, FR_ACT_TO_TBL);

    let g = prio(200, AF_INET);
    assert_eq!(g.header.action, FR_ACT_GOTO);
    assert_eq!(g.attrs.goto, Some(300));
    assert_eq!(prio(300, AF_INET).table(), 5);
    assert_eq!(prio(0, AF_INET).table(), RT_TABLE_LOCAL);
    assert_eq!(prio(32766, AF_INET).table(), RT_TABLE_MAIN);
    let v6 = prio(150, AF_INET6);
    assert_eq!(v6.attrs.src, Some(ip("2001:db8::")));
    assert_eq!(v6.header.src_len, 32);
    assert_eq!(v6.table(), 1000);
}

#[test]
fn nexthop_dump_fields() {
    let data = fixtures::load("nexthop_dump");
    let all = parse_all(&data, RTM_NEWNEXTHOP, NexthopRepr::parse);
    assert!(all.iter().all(|n| n.bad_attr.is_none()));
    let id = |i: u32| {
        *all.iter()
            .find(|n| n.attrs.id == Some(i))
            .unwrap_or_else(|| panic!("{i}"))
    };
    let n1 = id(1);
    assert_eq!(n1.header.family, AF_INET);
    assert_eq!(n1.attrs.gateway, Some(ip("10.0.0.2")));
    assert!(n1.attrs.oif.is_some());
    assert_eq!(n1.attrs.blackhole, None);
    assert_eq!(id(3).attrs.blackhole, Some(()));
    assert_eq!(id(4).attrs.fdb, Some(()));
    assert_eq!(id(4).attrs.gateway, Some(ip("10.0.0.4")));
    let g = id(10);
    assert_eq!(g.attrs.group_type, Some(NEXTHOP_GRP_TYPE_MPATH));
    let members: Vec<NexthopGrp> = g.group.unwrap().iter().collect();
    // "group 1/2,3": id 1 at the default weight 1, id 2 at weight 3; the wire holds weight - 1.
    assert_eq!(
        members,
        [
            NexthopGrp { id: 1, weight: 0 },
            NexthopGrp { id: 2, weight: 2 }
        ]
    );
    let fdb_group = id(11);
    assert_eq!(fdb_group.attrs.fdb, Some(()));
    assert_eq!(fdb_group.group.unwrap().len(), 1);
}

#[test]
fn nexthop_group_request_encoding() {
    let members = [
        NexthopGrp { id: 1, weight: 0 },
        NexthopGrp { id: 2, weight: 9 },
    ];
    let r = NexthopRepr {
        attrs: NexthopAttrs {
            id: Some(20),
            ..NexthopAttrs::default()
        },
        group: Some(NexthopGroup::Members(&members)),
        ..NexthopRepr::default()
    };
    let mut buf = [0u8; 64];
    let mut b =
        MessageBuilder::new(&mut buf, RTM_NEWNEXTHOP, NLM_F_REQUEST | NLM_F_CREATE, 1, 0).unwrap();
    r.emit(&mut b).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(
        &bytes[16..],
        &[
            0, 0, 0, 0, 0, 0, 0, 0, // nhmsg: AF_UNSPEC, no flags
            8, 0, 1, 0, 20, 0, 0, 0, // NHA_ID 20
            20, 0, 2, 0, // NHA_GROUP, two nexthop_grp
            1, 0, 0, 0, 0, 0, 0, 0, // id 1, weight 0
            2, 0, 0, 0, 9, 0, 0, 0, // id 2, weight 9
        ][..]
    );
    assert_eq!(
        NexthopRepr::parse(&Message::parse(bytes).unwrap()).unwrap(),
        r
    );
    // A group whose length is not a whole number of entries is skipped.
    let mut buf = [0u8; 64];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWNEXTHOP, 0, 1, 0).unwrap();
    b.append_zeroed(8).unwrap();
    b.put_bytes(NHA_GROUP, &[1, 0, 0, 0, 0]).unwrap();
    let bytes = b.finish().unwrap();
    let n = NexthopRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
    assert_eq!(n.group, None);
    assert_eq!(
        n.bad_attr,
        Some(Error::new(ErrorKind::BadAttribute(NHA_GROUP), 24))
    );
}

#[test]
fn address_neighbour_rule_request_encodings() {
    let a = AddressRepr {
        header: IfAddrHeader {
            family: AF_INET,
            prefix_len: 24,
            index: 3,
            ..IfAddrHeader::default()
        },
        attrs: AddressAttrs {
            local: Some(ip("10.0.0.1")),
            address: Some(ip("10.0.0.1")),
            label: IfName::new("v0:x"),
            flags: Some(IFA_F_NOPREFIXROUTE),
            ..AddressAttrs::default()
        },
        bad_attr: None,
    };
    let mut buf = [0u8; 128];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWADDR, NLM_F_REQUEST, 1, 0).unwrap();
    a.emit(&mut b).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(
        &bytes[16..],
        &[
            2, 24, 0, 0, 3, 0, 0, 0, // ifaddrmsg: AF_INET /24, flags 0, scope 0, index 3
            8, 0, 1, 0, 10, 0, 0, 1, // IFA_ADDRESS
            8, 0, 2, 0, 10, 0, 0, 1, // IFA_LOCAL
            9, 0, 3, 0, b'v', b'0', b':', b'x', 0, 0, 0, 0, // IFA_LABEL
            8, 0, 8, 0, 0, 2, 0, 0, // IFA_FLAGS IFA_F_NOPREFIXROUTE (0x200)
        ][..]
    );
    assert_eq!(
        AddressRepr::parse(&Message::parse(bytes).unwrap()).unwrap(),
        a
    );

    let n = NeighbourRepr {
        header: NdHeader {
            family: AF_BRIDGE,
            ifindex: 2,
            state: NUD_NOARP,
            flags: NTF_MASTER,
            ..NdHeader::default()
        },
        attrs: NeighbourAttrs {
            lladdr: HwAddr::new(&[2, 0, 0, 0, 0, 0xaa]),
            vlan: Some(10),
            ..NeighbourAttrs::default()
        },
        bad_attr: None,
    };
    let mut buf = [0u8; 128];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWNEIGH, NLM_F_REQUEST, 1, 0).unwrap();
    n.emit(&mut b).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(
        &bytes[16..],
        &[
            7, 0, 0, 0, 2, 0, 0, 0, 0x40, 0, 4,
            0, // ndmsg: AF_BRIDGE, ifindex 2, NUD_NOARP, NTF_MASTER
            10, 0, 2, 0, 2, 0, 0, 0, 0, 0xaa, 0, 0, // NDA_LLADDR
            6, 0, 5, 0, 10, 0, 0, 0, // NDA_VLAN 10
        ][..]
    );
    assert_eq!(
        NeighbourRepr::parse(&Message::parse(bytes).unwrap()).unwrap(),
        n
    );

    let r = RuleRepr {
        header: FibRuleHeader {
            family: AF_INET,
            action: FR_ACT_TO_TBL,
            ..FibRuleHeader::default()
        },
        attrs: RuleAttrs {
            priority: Some(10),
            table: Some(1000),
            l3mdev: Some(1),
            sport_range: Some(PortRange {
                start: 1000,
                end: 2000,
            }),
            ..RuleAttrs::default()
        },
        bad_attr: None,
    };
    let mut buf = [0u8; 128];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWRULE, NLM_F_REQUEST, 1, 0).unwrap();
    r.emit(&mut b).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(
        &bytes[16..],
        &[
            2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, // fib_rule_hdr: AF_INET, FR_ACT_TO_TBL
            8, 0, 6, 0, 10, 0, 0, 0, // FRA_PRIORITY 10
            8, 0, 15, 0, 0xe8, 3, 0, 0, // FRA_TABLE 1000
            5, 0, 19, 0, 1, 0, 0, 0, // FRA_L3MDEV 1
            8, 0, 23, 0, 0xe8, 3, 0xd0, 7, // FRA_SPORT_RANGE 1000-2000
        ][..]
    );
    assert_eq!(RuleRepr::parse(&Message::parse(bytes).unwrap()).unwrap(), r);
}
