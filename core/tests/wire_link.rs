//! Link messages: fields of real dumps (veth, bridge, vxlan, macvlan,
//! macvtap, ifb, tun, a veth whose peer is in another namespace, AF_BRIDGE
//! port messages) and requests for kinds the capture kernel lacks, checked
//! byte for byte against the uapi layouts.

#[path = "fixtures/mod.rs"]
mod fixtures;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipdb_core::wire::link::*;
use ipdb_core::wire::link_info::*;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;

fn links(data: &[u8]) -> Vec<LinkRepr<'_>> {
    Messages::new(data)
        .map(Result::unwrap)
        .filter(|m| m.kind() == RTM_NEWLINK)
        .map(|m| LinkRepr::parse(&m).unwrap())
        .collect()
}

fn by_name<'a, 'b>(links: &'b [LinkRepr<'a>], name: &str) -> &'b LinkRepr<'a> {
    links
        .iter()
        .find(|l| l.attrs.ifname == IfName::new(name))
        .unwrap_or_else(|| panic!("{name}"))
}

fn kind_of(l: &LinkRepr<'_>) -> Option<String> {
    l.info
        .and_then(|i| i.kind)
        .map(|k| k.as_str().unwrap().to_string())
}

#[test]
fn dump_fields_of_a_veth() {
    let data = fixtures::load("link_dump");
    let all = links(&data);
    assert!(all.iter().all(|l| l.bad_attr.is_none()));
    let v0 = by_name(&all, "v0");
    let v1 = by_name(&all, "v1");
    let br0 = by_name(&all, "br0");
    assert_eq!(v0.header.family, AF_UNSPEC);
    assert_eq!(v0.header.link_type, ARPHRD_ETHER);
    assert_ne!(v0.header.flags & IFF_UP, 0);
    assert_eq!(v0.attrs.mtu, Some(1400));
    assert_eq!(v0.attrs.txqlen, Some(500));
    assert_eq!(v0.attrs.group, Some(7));
    assert_eq!(v0.attrs.ifalias, IfAlias::new("uplink-v0"));
    assert_eq!(v0.attrs.address, HwAddr::new(&[2, 0, 0, 0, 0, 1]));
    assert_eq!(v0.attrs.broadcast, HwAddr::new(&[0xff; 6]));
    assert_eq!(v0.attrs.link, Some(v1.header.index as u32)); // the peer
    assert_eq!(v0.operstate(), Some(OperState::Up));
    assert_eq!(v0.attrs.carrier, Some(1));
    assert_eq!(v0.attrs.qdisc, IfName::new("noqueue"));
    assert_eq!(v0.attrs.num_tx_queues, Some(2)); // veth: one queue per CPU of the capture host
    assert_eq!(v0.attrs.promiscuity, Some(0));
    assert_eq!(v0.attrs.link_netnsid, None);
    assert!(v0.attrs.stats64.is_some());
    assert_eq!(kind_of(v0).as_deref(), Some("veth"));
    assert!(v0.af_spec.is_some());
    // v1 is a bridge port.
    assert_eq!(v1.attrs.master, Some(br0.header.index as u32));
    let info = v1.info.unwrap();
    assert_eq!(info.slave_kind, IfName::new("bridge"));
    assert!(info.slave_data.is_some());
}

#[test]
fn dump_fields_of_kinds() {
    let data = fixtures::load("link_dump");
    let all = links(&data);
    let v0 = by_name(&all, "v0").header.index as u32;

    let Some(InfoData::Bridge(br)) = by_name(&all, "br0").info.unwrap().data else {
        panic!()
    };
    assert_eq!(br.forward_delay, Some(500));
    assert_eq!(br.stp_state, Some(0));
    assert_eq!(br.hello_time, Some(200)); // kernel defaults, in centiseconds
    assert_eq!(br.max_age, Some(2000));
    assert_eq!(br.ageing_time, Some(30000));
    assert_eq!(br.priority, Some(0x8000));
    assert_eq!(br.vlan_filtering, Some(0));
    assert_eq!(br.mcast_snooping, Some(1));
    // The capture kernel has no bridge VLAN filtering: no VLAN protocol sent.
    assert_eq!(br.vlan_protocol, None);

    let Some(InfoData::Vxlan(vx)) = by_name(&all, "vx0").info.unwrap().data else {
        panic!()
    };
    assert_eq!(vx.id, Some(42));
    assert_eq!(vx.group, Some(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(vx.local, Some(Ipv4Addr::new(10, 0, 0, 1)));
    assert_eq!(vx.port, Some(Be16(4789)));
    assert_eq!(vx.link, Some(v0));
    assert_eq!(vx.ttl, Some(5));
    assert_eq!(vx.learning, Some(0));

    let Some(InfoData::Vxlan(vx6)) = by_name(&all, "vx6").info.unwrap().data else {
        panic!()
    };
    assert_eq!(vx6.id, Some(43));
    assert_eq!(vx6.group6, Some("ff05::100".parse::<Ipv6Addr>().unwrap()));
    assert_eq!(vx6.local6, Some("2001:db8::1".parse::<Ipv6Addr>().unwrap()));
    assert_eq!(vx6.port, Some(Be16(4790)));
    assert_eq!(vx6.learning, Some(1));

    let mv0 = by_name(&all, "mv0");
    assert_eq!(mv0.attrs.link, Some(v0));
    let Some(InfoData::Macvlan(mv)) = mv0.info.unwrap().data else {
        panic!()
    };
    assert_eq!(mv.mode, Some(MACVLAN_MODE_BRIDGE));
    let Some(InfoData::Macvtap(mvt)) = by_name(&all, "mvt0").info.unwrap().data else {
        panic!()
    };
    assert_eq!(mvt.mode, Some(MACVLAN_MODE_VEPA));

    let Some(InfoData::Tun(tun)) = by_name(&all, "tap0").info.unwrap().data else {
        panic!()
    };
    assert_eq!(tun.tun_type, Some(IFF_TAP as u8));
    assert_eq!(tun.owner, Some(1000));
    assert_eq!(tun.group, Some(1000));
    assert_eq!(tun.multi_queue, Some(1));
    assert_eq!(tun.persist, Some(1));
    assert_eq!(tun.pi, Some(0));

    assert_eq!(kind_of(by_name(&all, "ifb0")).as_deref(), Some("ifb"));
    let w0 = by_name(&all, "w0");
    assert_eq!(w0.attrs.link_netnsid, Some(0)); // peer w1 lives in wirecap2
    let lo = by_name(&all, "lo");
    assert_eq!(lo.header.link_type, ARPHRD_LOOPBACK);
    assert_eq!(lo.header.index, 1);
    assert_eq!(lo.info, None);
}

#[test]
fn bridge_family_port_messages() {
    let data = fixtures::load("link_bridge_dump");
    let all = links(&data);
    assert!(!all.is_empty());
    for l in &all {
        assert_eq!(l.header.family, AF_BRIDGE);
        assert!(l.bad_attr.is_none());
    }
    let v1 = by_name(&all, "v1");
    assert!(v1.attrs.master.is_some());
    let protinfo = v1.protinfo.unwrap();
    assert!(protinfo.validate().is_ok());
    // IFLA_BRPORT_STATE (1) is in there: forwarding (3) once up.
    let state = protinfo.find(1).unwrap().unwrap().u8().unwrap();
    assert!(state <= 4);
    // IFLA_BRPORT_COST (3) and IFLA_BRPORT_PRIORITY (2) have kernel defaults.
    assert_eq!(protinfo.find(2).unwrap().unwrap().u16().unwrap(), 32);
    assert_eq!(protinfo.find(3).unwrap().unwrap().u32().unwrap(), 2);
    // Without bridge VLAN filtering in the capture kernel there is no IFLA_AF_SPEC.
    assert_eq!(v1.af_spec, None);
}

/// Emits `repr` as an RTM_NEWLINK request and returns the bytes after the nlmsghdr.
fn body(repr: &LinkRepr<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 512];
    let mut b = MessageBuilder::new(
        &mut buf,
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL,
        1,
        0,
    )
    .unwrap();
    repr.emit(&mut b).unwrap();
    let n = b.finish().unwrap().len();
    assert_eq!(n, 16 + repr.buffer_len());
    let msg = Message::parse(&buf[..n]).unwrap();
    let back = LinkRepr::parse(&msg).unwrap();
    // Round trip (a peer written from a repr comes back as raw bytes).
    let mut expect = *repr;
    if let Some(InfoData::Veth(_)) = repr.info.and_then(|i| i.data) {
        expect.info = back.info;
    }
    assert_eq!(back, expect);
    buf[16..n].to_vec()
}

fn new_link<'a>(name: &str, kind: &str, data: Option<InfoData<'a>>) -> LinkRepr<'a> {
    let mut r = LinkRepr::default();
    r.attrs.ifname = IfName::new(name);
    r.info = Some(LinkInfo {
        kind: IfName::new(kind),
        data,
        ..LinkInfo::default()
    });
    r
}

const IFINFOMSG0: [u8; 16] = [0; 16];

#[test]
fn veth_request_with_peer() {
    let mut peer = LinkRepr::default();
    peer.attrs.ifname = IfName::new("p1");
    let r = new_link(
        "p0",
        "veth",
        Some(InfoData::Veth(VethInfo {
            peer: Some(VethPeer::Repr(&peer)),
        })),
    );
    let got = body(&r);
    let mut want = IFINFOMSG0.to_vec();
    want.extend_from_slice(&[
        7, 0, 3, 0, b'p', b'0', 0, 0, // IFLA_IFNAME "p0"
        48, 0, 0x12, 0x80, // IFLA_LINKINFO, nested
        9, 0, 1, 0, b'v', b'e', b't', b'h', 0, 0, 0, 0, // IFLA_INFO_KIND "veth"
        32, 0, 2, 0x80, // IFLA_INFO_DATA, nested
        28, 0, 1, 0, // VETH_INFO_PEER: ifinfomsg + attributes
    ]);
    want.extend_from_slice(&IFINFOMSG0); // the peer's ifinfomsg
    want.extend_from_slice(&[7, 0, 3, 0, b'p', b'1', 0, 0]); // peer IFLA_IFNAME "p1"
    assert_eq!(got, want);
    // The peer decodes back from the raw bytes.
    let msg_bytes = {
        let mut buf = vec![0u8; 256];
        let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, NLM_F_REQUEST, 1, 0).unwrap();
        r.emit(&mut b).unwrap();
        b.finish().unwrap().to_vec()
    };
    let back = LinkRepr::parse(&Message::parse(&msg_bytes).unwrap()).unwrap();
    let Some(InfoData::Veth(VethInfo { peer: Some(p) })) = back.info.unwrap().data else {
        panic!()
    };
    assert!(matches!(p, VethPeer::Raw(_)));
    assert_eq!(p.parse().unwrap().attrs.ifname, IfName::new("p1"));
}

#[test]
fn vlan_request_encoding() {
    let vlan = VlanInfo {
        id: Some(100),
        protocol: Some(Be16(0x88a8)),
        flags: Some(VlanFlags { flags: 1, mask: 1 }),
    };
    let mut r = new_link("v.100", "vlan", Some(InfoData::Vlan(vlan)));
    r.attrs.link = Some(3);
    let got = body(&r);
    let mut want = IFINFOMSG0.to_vec();
    want.extend_from_slice(&[
        10, 0, 3, 0, b'v', b'.', b'1', b'0', b'0', 0, 0, 0, // IFLA_IFNAME "v.100"
        8, 0, 5, 0, 3, 0, 0, 0, // IFLA_LINK 3
        48, 0, 0x12, 0x80, // IFLA_LINKINFO
        9, 0, 1, 0, b'v', b'l', b'a', b'n', 0, 0, 0, 0, // IFLA_INFO_KIND "vlan"
        32, 0, 2, 0x80, // IFLA_INFO_DATA
        6, 0, 1, 0, 100, 0, 0, 0, // IFLA_VLAN_ID 100 (u16, native)
        12, 0, 2, 0, 1, 0, 0, 0, 1, 0, 0,
        0, // IFLA_VLAN_FLAGS {flags 1 (REORDER_HDR), mask 1}
        6, 0, 5, 0, 0x88, 0xa8, 0, 0, // IFLA_VLAN_PROTOCOL 802.1ad, big endian
    ]);
    assert_eq!(got, want);
}

#[test]
fn bond_request_encoding() {
    let bond = BondInfo {
        mode: Some(4),
        miimon: Some(100),
        min_links: Some(1),
        ..BondInfo::default()
    };
    let got = body(&new_link("bond0", "bond", Some(InfoData::Bond(bond))));
    let mut want = IFINFOMSG0.to_vec();
    want.extend_from_slice(&[
        10, 0, 3, 0, b'b', b'o', b'n', b'd', b'0', 0, 0, 0, // IFLA_IFNAME
        44, 0, 0x12, 0x80, // IFLA_LINKINFO
        9, 0, 1, 0, b'b', b'o', b'n', b'd', 0, 0, 0, 0, // "bond"
        28, 0, 2, 0x80, // IFLA_INFO_DATA
        5, 0, 1, 0, 4, 0, 0, 0, // IFLA_BOND_MODE 802.3ad (u8)
        8, 0, 3, 0, 100, 0, 0, 0, // IFLA_BOND_MIIMON 100
        8, 0, 18, 0, 1, 0, 0, 0, // IFLA_BOND_MIN_LINKS 1
    ]);
    assert_eq!(got, want);
}

#[test]
fn gre_request_encoding() {
    let gre = GreInfo {
        local: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))),
        remote: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2))),
        ttl: Some(64),
        ikey: Some(Be32(0x0102_0304)),
        okey: Some(Be32(0x0102_0304)),
        iflags: Some(Be16(0x2000)), // GRE_KEY
        oflags: Some(Be16(0x2000)),
        ..GreInfo::default()
    };
    let got = body(&new_link("gre1", "gre", Some(InfoData::Gre(gre))));
    let mut want = IFINFOMSG0.to_vec();
    want.extend_from_slice(&[
        9, 0, 3, 0, b'g', b'r', b'e', b'1', 0, 0, 0, 0, // IFLA_IFNAME
        72, 0, 0x12, 0x80, // IFLA_LINKINFO
        8, 0, 1, 0, b'g', b'r', b'e', 0, // "gre"
        60, 0, 2, 0x80, // IFLA_INFO_DATA
        6, 0, 2, 0, 0x20, 0x00, 0, 0, // IFLA_GRE_IFLAGS GRE_KEY, big endian
        6, 0, 3, 0, 0x20, 0x00, 0, 0, // IFLA_GRE_OFLAGS
        8, 0, 4, 0, 1, 2, 3, 4, // IFLA_GRE_IKEY, big endian
        8, 0, 5, 0, 1, 2, 3, 4, // IFLA_GRE_OKEY
        8, 0, 6, 0, 192, 0, 2, 1, // IFLA_GRE_LOCAL
        8, 0, 7, 0, 192, 0, 2, 2, // IFLA_GRE_REMOTE
        5, 0, 8, 0, 64, 0, 0, 0, // IFLA_GRE_TTL
    ]);
    assert_eq!(got, want);
}

#[test]
fn dataless_kinds_encoding() {
    for kind in ["dummy", "team", "ifb"] {
        let got = body(&new_link("x", kind, None));
        let k = kind.len() + 1;
        let kpad = (k + 3) & !3;
        let mut want = IFINFOMSG0.to_vec();
        want.extend_from_slice(&[6, 0, 3, 0, b'x', 0, 0, 0]);
        want.extend_from_slice(&[(4 + 4 + kpad) as u8, 0, 0x12, 0x80, (4 + k) as u8, 0, 1, 0]);
        want.extend_from_slice(kind.as_bytes());
        want.resize(want.len() + kpad - kind.len(), 0);
        assert_eq!(got, want, "{kind}");
    }
}

#[test]
fn vxlan_and_unknown_kind_round_trip() {
    let vx = VxlanInfo {
        id: Some(7),
        group6: Some(Ipv6Addr::LOCALHOST),
        port: Some(Be16(4789)),
        learning: Some(1),
        ..VxlanInfo::default()
    };
    body(&new_link("vx", "vxlan", Some(InfoData::Vxlan(vx))));
    let raw = [8u8, 0, 1, 0, 9, 0, 0, 0];
    body(&new_link(
        "w",
        "wireguard",
        Some(InfoData::Other(Attrs::new(&raw))),
    ));
}

#[test]
fn a_malformed_known_attribute_is_skipped_not_fatal() {
    let mut buf = [0u8; 128];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, 0, 0, 0).unwrap();
    b.append_zeroed(16).unwrap();
    b.put_bytes(IFLA_MTU, &[1, 2]).unwrap(); // 2 bytes for a u32
    b.put(IFLA_IFNAME, &IfName::new("ok0").unwrap()).unwrap();
    b.put_bytes(4242, &[0; 12]).unwrap(); // unknown: ignored
    let bytes = b.finish().unwrap();
    let l = LinkRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
    assert_eq!(l.attrs.mtu, None);
    assert_eq!(l.attrs.ifname, IfName::new("ok0"));
    assert_eq!(
        l.bad_attr,
        Some(Error::new(ErrorKind::BadAttribute(IFLA_MTU), 32))
    );
}

#[test]
fn bridge_port_settings_decode_on_demand() {
    let data = fixtures::load("link_bridge_dump");
    let all = links(&data);
    let v1 = by_name(&all, "v1");
    let port = v1.bridge_port().unwrap().unwrap();
    assert_eq!(port.priority, Some(32));
    assert_eq!(port.cost, Some(2));
    assert_eq!(port.learning, Some(1));
    assert_eq!(port.unicast_flood, Some(1));
    assert!(port.state.is_some());
    assert_eq!(v1.bridge_vlans().count(), 0); // no VLAN filtering in the capture kernel
                                              // The same nest in a non-bridge message is not read as port settings.
    let plain = LinkRepr {
        header: IfInfoHeader {
            family: AF_UNSPEC,
            ..v1.header
        },
        ..*v1
    };
    assert!(plain.bridge_port().is_none());
}

#[test]
fn bridge_vlans_from_af_spec() {
    use ipdb_core::wire::bridge::{BridgeAfSpec, BridgeVlanInfo};
    let mut buf = [0u8; 128];
    let mut b = MessageBuilder::new(&mut buf, RTM_SETLINK, NLM_F_REQUEST, 1, 0).unwrap();
    LinkRepr {
        header: IfInfoHeader {
            family: AF_BRIDGE,
            index: 4,
            ..IfInfoHeader::default()
        },
        ..LinkRepr::default()
    }
    .emit(&mut b)
    .unwrap();
    let nest = b.begin_nested(IFLA_AF_SPEC).unwrap();
    BridgeAfSpec {
        flags: Some(1),
        ..BridgeAfSpec::default()
    }
    .emit(&mut b)
    .unwrap();
    b.put(
        IFLA_BRIDGE_VLAN_INFO,
        &BridgeVlanInfo {
            flags: BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED,
            vid: 1,
        },
    )
    .unwrap();
    b.put(
        IFLA_BRIDGE_VLAN_INFO,
        &BridgeVlanInfo { flags: 0, vid: 100 },
    )
    .unwrap();
    b.put_bytes(IFLA_BRIDGE_VLAN_INFO, &[1]).unwrap(); // malformed: skipped
    b.end_nested(nest).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(
        &bytes[32..],
        &[
            36, 0, 26, 0x80, // IFLA_AF_SPEC, nested
            6, 0, 0, 0, 1, 0, 0, 0, // IFLA_BRIDGE_FLAGS BRIDGE_FLAGS_MASTER
            8, 0, 2, 0, 6, 0, 1, 0, // IFLA_BRIDGE_VLAN_INFO {PVID | UNTAGGED, vid 1}
            8, 0, 2, 0, 0, 0, 100, 0, // IFLA_BRIDGE_VLAN_INFO {0, vid 100}
            5, 0, 2, 0, 1, 0, 0, 0, // a 1-byte entry
        ][..]
    );
    let l = LinkRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
    let vids: Vec<u16> = l.bridge_vlans().map(|v| v.vid).collect();
    assert_eq!(vids, [1, 100]);
}

#[test]
fn parse_into_a_reused_repr_equals_parse() {
    let data = fixtures::load("link_dump");
    let mut reused = LinkRepr::default();
    for m in Messages::new(&data)
        .map(Result::unwrap)
        .filter(|m| m.kind() == RTM_NEWLINK)
    {
        reused.parse_into(&m).unwrap();
        assert_eq!(reused, LinkRepr::parse(&m).unwrap());
    }
}
