//! Laws: emit then parse gives back the repr; no byte string makes any
//! parser panic; emitted length equals `buffer_len`.

#[path = "fixtures/mod.rs"]
mod fixtures;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipdb_core::wire::address::*;
use ipdb_core::wire::link::*;
use ipdb_core::wire::link_info::*;
use ipdb_core::wire::neighbour::*;
use ipdb_core::wire::nexthop::*;
use ipdb_core::wire::route::*;
use ipdb_core::wire::rule::*;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;
use proptest::prelude::*;

// ---- the emit -> parse law, on any repr a parse can produce ----

/// Emits `repr` (already decoded from `kind`), parses it back and checks
/// equality and the length law.
fn round_trip(kind: u16, msg: RtnlMessage<'_>) {
    let mut buf = vec![0u8; 1 << 16];
    let mut b = MessageBuilder::new(&mut buf, kind, 0, 1, 0).unwrap();
    let (want_len, clear) = match &msg {
        RtnlMessage::Link(r) => (
            r.buffer_len(),
            RtnlMessage::Link(LinkRepr {
                bad_attr: None,
                ..*r
            }),
        ),
        RtnlMessage::Address(r) => (
            r.buffer_len(),
            RtnlMessage::Address(AddressRepr {
                bad_attr: None,
                ..*r
            }),
        ),
        RtnlMessage::Route(r) => (
            r.buffer_len(),
            RtnlMessage::Route(RouteRepr {
                bad_attr: None,
                ..*r
            }),
        ),
        RtnlMessage::Neighbour(r) => (
            r.buffer_len(),
            RtnlMessage::Neighbour(NeighbourRepr {
                bad_attr: None,
                ..*r
            }),
        ),
        RtnlMessage::Rule(r) => (
            r.buffer_len(),
            RtnlMessage::Rule(RuleRepr {
                bad_attr: None,
                ..*r
            }),
        ),
        RtnlMessage::Nexthop(r) => (
            r.buffer_len(),
            RtnlMessage::Nexthop(NexthopRepr {
                bad_attr: None,
                ..*r
            }),
        ),
        _ => return,
    };
    match &msg {
        RtnlMessage::Link(r) => r.emit(&mut b),
        RtnlMessage::Address(r) => r.emit(&mut b),
        RtnlMessage::Route(r) => r.emit(&mut b),
        RtnlMessage::Neighbour(r) => r.emit(&mut b),
        RtnlMessage::Rule(r) => r.emit(&mut b),
        RtnlMessage::Nexthop(r) => r.emit(&mut b),
        _ => unreachable!(),
    }
    .unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(bytes.len(), 16 + want_len);
    let back = RtnlMessage::parse(&Message::parse(bytes).unwrap()).unwrap();
    assert_eq!(back, clear);
}

/// A family message with the given fixed header and attributes, built with
/// correct framing (contents are whatever the strategy chose).
fn build(kind: u16, fixed: &[u8], attrs: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut buf = vec![0u8; 1 << 16];
    let mut b = MessageBuilder::new(&mut buf, kind, 0, 1, 0).unwrap();
    b.append(fixed).unwrap();
    for (k, p) in attrs {
        b.put_bytes(*k, p).unwrap();
    }
    b.finish().unwrap().to_vec()
}

/// Payloads of the sizes typed attributes have, so decodes often succeed.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![0usize, 1, 2, 4, 6, 8, 16, 18, 20, 32, 184, 200])
            .prop_flat_map(|n| prop::collection::vec(any::<u8>(), n)),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

fn nested(max_kind: u16) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((0..=max_kind, payload()), 0..6).prop_map(|attrs| {
        let mut out = Vec::new();
        for (k, p) in attrs {
            let len = 4 + p.len();
            out.extend_from_slice(&(len as u16).to_ne_bytes());
            out.extend_from_slice(&k.to_ne_bytes());
            out.extend_from_slice(&p);
            out.resize((out.len() + 3) & !3, 0);
        }
        out
    })
}

fn attr_bytes(k: u16, p: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&((4 + p.len()) as u16).to_ne_bytes());
    out.extend_from_slice(&k.to_ne_bytes());
    out.extend_from_slice(p);
    out.resize((out.len() + 3) & !3, 0);
    out
}

fn linkinfo() -> impl Strategy<Value = Vec<u8>> {
    let kinds = prop::sample::select(vec![
        "veth",
        "vlan",
        "macvlan",
        "macvtap",
        "vxlan",
        "gre",
        "gretap",
        "ip6gre",
        "bridge",
        "bond",
        "tun",
        "team",
        "dummy",
        "ifb",
        "wireguard",
    ]);
    (
        kinds,
        nested(30),
        prop::option::of(nested(12)),
        any::<bool>(),
    )
        .prop_map(|(k, data, peer, slave)| {
            let mut out = attr_bytes(IFLA_INFO_KIND, format!("{k}\0").as_bytes());
            let data = match peer {
                Some(p) if k == "veth" => {
                    let mut body = vec![0u8; 16];
                    body.extend_from_slice(&p);
                    attr_bytes(VETH_INFO_PEER, &body)
                }
                _ => data,
            };
            out.extend_from_slice(&attr_bytes(IFLA_INFO_DATA, &data));
            if slave {
                out.extend_from_slice(&attr_bytes(IFLA_INFO_SLAVE_KIND, b"bridge\0"));
                out.extend_from_slice(&attr_bytes(IFLA_INFO_SLAVE_DATA, &attr_bytes(1, &[3])));
            }
            out
        })
}

fn multipath() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        (any::<u8>(), any::<u8>(), any::<i32>(), nested(RTA_VIA)),
        0..4,
    )
    .prop_map(|hops| {
        let mut out = Vec::new();
        for (flags, hops, ifindex, attrs) in hops {
            out.extend_from_slice(&((8 + attrs.len()) as u16).to_ne_bytes());
            out.extend_from_slice(&[flags, hops]);
            out.extend_from_slice(&ifindex.to_ne_bytes());
            out.extend_from_slice(&attrs);
        }
        out
    })
}

/// Top-level attributes: random kinds around the known ones, and the nests.
fn attrs(
    max_kind: u16,
    special: Vec<(u16, BoxedStrategy<Vec<u8>>)>,
) -> impl Strategy<Value = Vec<(u16, Vec<u8>)>> {
    let plain = (0..=max_kind, payload()).boxed();
    let mut choices: Vec<BoxedStrategy<(u16, Vec<u8>)>> = vec![plain];
    for (k, s) in special {
        choices.push(s.prop_map(move |p| (k, p)).boxed());
    }
    prop::collection::vec(prop::strategy::Union::new(choices), 0..12)
}

fn check(kind: u16, fixed: Vec<u8>, attrs: Vec<(u16, Vec<u8>)>) {
    let bytes = build(kind, &fixed, &attrs);
    let msg = Message::parse(&bytes).unwrap();
    // Framing is right by construction, so the parse must succeed.
    let repr = RtnlMessage::parse(&msg).unwrap();
    round_trip(kind, repr);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn link_emit_parse(fixed in prop::collection::vec(any::<u8>(), 16),
                       a in attrs(60, vec![(IFLA_LINKINFO, linkinfo().boxed()),
                                           (IFLA_AF_SPEC, nested(10).boxed()),
                                           (IFLA_PROTINFO, nested(40).boxed())])) {
        check(RTM_NEWLINK, fixed, a);
    }

    #[test]
    fn address_emit_parse(fixed in prop::collection::vec(any::<u8>(), 8), a in attrs(14, vec![])) {
        check(RTM_NEWADDR, fixed, a);
    }

    #[test]
    fn route_emit_parse(fixed in prop::collection::vec(any::<u8>(), 12),
                        a in attrs(32, vec![(RTA_METRICS, nested(20).boxed()),
                                            (RTA_MULTIPATH, multipath().boxed()),
                                            (RTA_ENCAP, nested(6).boxed())])) {
        check(RTM_NEWROUTE, fixed, a);
    }

    #[test]
    fn neighbour_emit_parse(fixed in prop::collection::vec(any::<u8>(), 12), a in attrs(20, vec![])) {
        check(RTM_NEWNEIGH, fixed, a);
    }

    #[test]
    fn rule_emit_parse(fixed in prop::collection::vec(any::<u8>(), 12), a in attrs(30, vec![])) {
        check(RTM_NEWRULE, fixed, a);
    }

    #[test]
    fn nexthop_emit_parse(fixed in prop::collection::vec(any::<u8>(), 8),
                          a in attrs(16, vec![(NHA_GROUP, prop::collection::vec(any::<u8>(), 0..5)
                                                .prop_map(|v| v.repeat(8)).boxed())])) {
        check(RTM_NEWNEXTHOP, fixed, a);
    }
}

// ---- the same law on values built directly (requests) ----

fn ipaddr() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|o| IpAddr::V4(Ipv4Addr::from(o))),
        any::<[u8; 16]>().prop_map(|o| IpAddr::V6(Ipv6Addr::from(o)))
    ]
}

fn ifname() -> impl Strategy<Value = IfName> {
    prop::collection::vec(1u8..=255, 0..=15).prop_map(|b| IfName::from_bytes(&b).unwrap())
}

fn hop() -> impl Strategy<Value = (u8, u8, i32, Option<IpAddr>, Option<u32>)> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<i32>(),
        prop::option::of(ipaddr()),
        prop::option::of(any::<u32>()),
    )
}

proptest! {
    #[test]
    fn route_request_round_trip(
        dst in prop::option::of(ipaddr()), gw in prop::option::of(ipaddr()), table in any::<u32>(),
        prio in prop::option::of(any::<u32>()), oif in prop::option::of(any::<u32>()),
        mtu in prop::option::of(any::<u32>()), cc in prop::option::of(ifname()),
        hops in prop::collection::vec(hop(), 0..5), len in any::<u8>(), proto in any::<u8>(),
    ) {
        let hops: Vec<NextHop<'_>> = hops.into_iter()
            .map(|(flags, hops, ifindex, gateway, flow)| NextHop { flags, hops, ifindex, gateway, flow, ..NextHop::default() })
            .collect();
        let r = RouteRepr {
            header: RtHeader { family: AF_INET, dst_len: len, protocol: proto, table: table.min(255) as u8, ..RtHeader::default() },
            attrs: RouteAttrs { dst, gateway: gw, table: Some(table), priority: prio, oif, ..RouteAttrs::default() },
            metrics: Some(RouteMetrics { mtu, cc_algo: cc, ..RouteMetrics::default() }),
            multipath: if hops.is_empty() { None } else { Some(Multipath::Hops(&hops)) },
            ..RouteRepr::default()
        };
        round_trip(RTM_NEWROUTE, RtnlMessage::Route(r));
    }

    #[test]
    fn veth_request_round_trip(name in ifname(), peer_name in ifname(), mtu in any::<u32>(),
                               alias in prop::collection::vec(1u8..=255, 0..=255),
                               mac in prop::collection::vec(any::<u8>(), 0..=32)) {
        let mut peer = LinkRepr::default();
        peer.attrs.ifname = Some(peer_name);
        peer.attrs.address = HwAddr::new(&mac);
        let mut r = LinkRepr::default();
        r.attrs.ifname = Some(name);
        r.attrs.mtu = Some(mtu);
        r.attrs.ifalias = IfAlias::from_bytes(&alias);
        r.info = Some(LinkInfo { kind: IfName::new("veth"),
                                 data: Some(InfoData::Veth(VethInfo { peer: Some(VethPeer::Repr(&peer)) })),
                                 ..LinkInfo::default() });
        let mut buf = vec![0u8; 2048];
        let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, NLM_F_REQUEST, 1, 0).unwrap();
        r.emit(&mut b).unwrap();
        let bytes = b.finish().unwrap();
        prop_assert_eq!(bytes.len(), 16 + r.buffer_len());
        let back = LinkRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
        prop_assert_eq!(back.attrs, r.attrs);
        let Some(InfoData::Veth(VethInfo { peer: Some(p) })) = back.info.unwrap().data else { panic!() };
        prop_assert_eq!(p.parse().unwrap(), peer);
    }

    #[test]
    fn short_buffers_never_panic(size in 0usize..200, hops in prop::collection::vec(hop(), 0..4)) {
        let hops: Vec<NextHop<'_>> = hops.into_iter()
            .map(|(flags, hops, ifindex, gateway, flow)| NextHop { flags, hops, ifindex, gateway, flow, ..NextHop::default() })
            .collect();
        let r = RouteRepr { multipath: Some(Multipath::Hops(&hops)),
                            metrics: Some(RouteMetrics { mtu: Some(1), ..RouteMetrics::default() }),
                            ..RouteRepr::default() };
        let mut buf = vec![0u8; size];
        let res = MessageBuilder::new(&mut buf, RTM_NEWROUTE, 0, 0, 0).and_then(|mut b| {
            r.emit(&mut b)?;
            b.finish().map(|m| m.len())
        });
        match res {
            Ok(n) => prop_assert_eq!(n, 16 + r.buffer_len()),
            Err(e) => {
                prop_assert_eq!(e.kind, ErrorKind::BufferTooSmall);
                prop_assert!(16 + r.buffer_len() > size);
            }
        }
    }
}

// ---- no input panics ----

/// Decodes everything reachable from `data`, following every borrowed view.
fn parse_everything(data: &[u8]) {
    for m in Messages::new(data) {
        let Ok(m) = m else { continue };
        if let Ok(k) = ipdb_core::wire::route_keys::RouteKeys::parse(&m) {
            k.multipath.iter().flat_map(|mp| mp.iter()).for_each(drop);
        }
        let Ok(msg) = RtnlMessage::parse(&m) else {
            continue;
        };
        match msg {
            RtnlMessage::Link(l) => {
                if let Some(InfoData::Veth(VethInfo { peer: Some(p) })) =
                    l.info.and_then(|i| i.data)
                {
                    let _ = p.parse();
                }
                for a in [l.af_spec, l.protinfo].into_iter().flatten() {
                    for x in a.flatten() {
                        let _ = x.nested().validate();
                    }
                }
            }
            RtnlMessage::Route(r) => {
                if let Some(mp) = r.multipath {
                    for h in mp.iter().flatten() {
                        let _ = h.attrs.validate();
                    }
                }
            }
            RtnlMessage::Nexthop(n) => {
                if let Some(g) = n.group {
                    let _ = g.iter().count();
                }
            }
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        parse_everything(&data);
    }

    #[test]
    fn arbitrary_bytes_behind_a_valid_header_never_panic(
        kind in prop::sample::select(vec![RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH, RTM_NEWRULE,
                                          RTM_NEWNEXTHOP, NLMSG_ERROR, NLMSG_DONE]),
        flags in any::<u16>(),
        body in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut data = vec![0u8; 16];
        data[0..4].copy_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
        data[4..6].copy_from_slice(&kind.to_ne_bytes());
        data[6..8].copy_from_slice(&flags.to_ne_bytes());
        data.extend_from_slice(&body);
        parse_everything(&data);
    }

    #[test]
    fn mutated_kernel_dumps_never_panic(which in 0..fixtures::ALL.len(),
                                        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut data = fixtures::load(fixtures::ALL[which]);
        for (i, v) in flips {
            let at = i.index(data.len());
            data[at] = v;
        }
        parse_everything(&data);
    }
}

#[test]
fn every_kernel_message_round_trips() {
    let mut n = 0;
    for name in fixtures::ALL {
        let data = fixtures::load(name);
        for m in Messages::new(&data) {
            let m = m.unwrap();
            let repr = RtnlMessage::parse(&m).unwrap();
            round_trip(m.kind(), repr);
            n += 1;
        }
    }
    assert!(n > 100, "only {n} messages in the fixtures");
}

fn no_nul() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(1u8..=255, 0..60)
}

proptest! {
    #[test]
    fn error_and_done_emit_parse(
        code in any::<i32>(), kind in any::<u16>(), rflags in any::<u16>(), seq in any::<u32>(), pid in any::<u32>(),
        payload in prop::collection::vec(any::<u8>(), 0..40),
        msg in prop::option::of(no_nul()), offs in prop::option::of(any::<u32>()),
        cookie in prop::option::of(prop::collection::vec(any::<u8>(), 0..20)),
        miss in prop::option::of((any::<u32>(), any::<u32>())),
    ) {
        let ext = ExtAck {
            msg: msg.as_deref(),
            offs,
            cookie: cookie.as_deref(),
            miss_type: miss.map(|m| m.0),
            miss_nest: miss.map(|m| m.1),
            ..ExtAck::default()
        };
        let request = NlmsgHeader { len: (16 + payload.len()) as u32, kind, flags: rflags, seq, pid };
        let e = ErrorMsg { code, request, request_payload: &payload, ext };
        let mut buf = vec![0u8; 1024];
        let mut b = MessageBuilder::new(&mut buf, NLMSG_ERROR, e.flags(), seq, pid).unwrap();
        e.emit(&mut b).unwrap();
        prop_assert_eq!(b.len(), 16 + e.buffer_len());
        let bytes = b.finish().unwrap();
        let Control::Error(back) = Message::parse(bytes).unwrap().control().unwrap() else { panic!() };
        prop_assert_eq!(back, e);

        let d = DoneMsg { code, ext };
        let mut buf = vec![0u8; 1024];
        let mut b = MessageBuilder::new(&mut buf, NLMSG_DONE, NLM_F_MULTI | d.flags(), seq, pid).unwrap();
        d.emit(&mut b).unwrap();
        let bytes = b.finish().unwrap();
        let Control::Done(back) = Message::parse(bytes).unwrap().control().unwrap() else { panic!() };
        prop_assert_eq!(back, d);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Law: the keys read on their own equal the full decode's.
    #[test]
    fn route_keys_agree_with_the_full_decode(
        fixed in prop::collection::vec(any::<u8>(), 12),
        a in attrs(32, vec![(RTA_MULTIPATH, multipath().boxed()),
                            (RTA_DST, payload().boxed()),
                            (RTA_TABLE, payload().boxed()),
                            (RTA_OIF, payload().boxed())])) {
        use ipdb_core::wire::route_keys::RouteKeys;
        let bytes = build(RTM_NEWROUTE, &fixed, &a);
        let msg = Message::parse(&bytes).unwrap();
        let keys = RouteKeys::parse(&msg);
        let full = RouteRepr::parse(&msg);
        prop_assert_eq!(keys.is_ok(), full.is_ok());
        if let (Ok(k), Ok(r)) = (keys, full) {
            prop_assert_eq!(k.header, r.header);
            prop_assert_eq!(k.table(), r.table());
            prop_assert_eq!(k.dst, r.attrs.dst);
            prop_assert_eq!(k.oif, r.attrs.oif);
            prop_assert_eq!(k.multipath, r.multipath);
        }
    }
}
