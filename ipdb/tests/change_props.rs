//! Laws of the request builders: whatever a spec says comes back out of
//! the request when the bytes are parsed by the wire decoders, and no
//! input panics (bad input is `SpecError`). No kernel needed.

use std::net::{IpAddr, Ipv4Addr};

use ipdb::ip::{IpInterface, IpNetwork};
use ipdb::spec::{
    AddressSpec, LinkKind, LinkSpec, NexthopSpec, RouteSpec, RuleSpec, SpecError, Verb, VxlanSpec,
};
use ipdb_core::wire::address::AddressRepr;
use ipdb_core::wire::link::LinkRepr;
use ipdb_core::wire::link_info::InfoData;
use ipdb_core::wire::route::{RouteMetrics, RouteRepr};
use ipdb_core::wire::rule::RuleRepr;
use ipdb_core::wire::{FamilyRepr, HwAddr, Message};
use proptest::prelude::*;

fn v4() -> impl Strategy<Value = Ipv4Addr> {
    any::<u32>().prop_map(Ipv4Addr::from)
}

fn v4_net() -> impl Strategy<Value = IpNetwork> {
    (any::<u32>(), 0u8..=32).prop_map(|(a, len)| {
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        format!("{}/{len}", Ipv4Addr::from(a & mask))
            .parse()
            .unwrap()
    })
}

fn hop() -> impl Strategy<Value = NexthopSpec> {
    (
        proptest::option::of(v4()),
        proptest::option::of(1u32..100_000),
        1u16..=256,
        any::<bool>(),
    )
        .prop_map(|(gw, oif, weight, onlink)| NexthopSpec {
            gateway: gw.map(IpAddr::V4),
            oif,
            weight,
            onlink,
        })
}

fn build(f: impl FnOnce(&mut [u8]) -> Result<&mut [u8], SpecError>) -> Vec<u8> {
    let mut buf = vec![0u8; 16 * 1024];
    f(&mut buf).expect("builds").to_vec()
}

proptest! {
    #[test]
    fn route_spec_survives_the_wire(
        dst in v4_net(),
        table in proptest::option::of(any::<u32>()),
        gateway in proptest::option::of(v4()),
        oif in proptest::option::of(1u32..100_000),
        priority in proptest::option::of(any::<u32>()),
        mtu in proptest::option::of(68u32..65536),
        hops in proptest::collection::vec(hop(), 0..8),
        del in any::<bool>(),
    ) {
        let mut spec = RouteSpec::new(dst);
        spec.table = table;
        spec.gateway = gateway.map(IpAddr::V4);
        spec.oif = oif;
        spec.priority = priority;
        spec.metrics = RouteMetrics { mtu, ..RouteMetrics::default() };
        spec.multipath = hops.clone();
        let verb = if del { Verb::Del } else { Verb::Add };
        let bytes = build(|b| spec.request(verb, b));
        let msg = Message::parse(&bytes).unwrap();
        let r = RouteRepr::parse(&msg).unwrap();
        prop_assert_eq!(r.bad_attr, None);
        prop_assert_eq!(r.header.dst_len, dst.prefixlen());
        prop_assert_eq!(r.table(), table.unwrap_or(254));
        prop_assert_eq!(r.attrs.gateway, spec.gateway);
        prop_assert_eq!(r.attrs.oif, oif);
        prop_assert_eq!(r.attrs.priority, priority);
        prop_assert_eq!(r.metrics.and_then(|m| m.mtu), mtu);
        let got: Vec<_> = r.multipath.iter().flat_map(|m| m.iter()).map(|h| h.unwrap()).collect();
        prop_assert_eq!(got.len(), hops.len());
        for (g, h) in got.iter().zip(&hops) {
            prop_assert_eq!(g.gateway, h.gateway);
            prop_assert_eq!(g.ifindex as u32, h.oif.unwrap_or(0));
            prop_assert_eq!(g.weight(), h.weight);
            prop_assert_eq!(g.flags & 4 != 0, h.onlink); // RTNH_F_ONLINK
        }
    }

    #[test]
    fn address_spec_survives_the_wire(
        addr in any::<u32>(),
        len in 0u8..=32,
        label in proptest::option::of("[a-z]{1,6}(:[0-9])?"),
        flags in any::<u32>(),
        brd in any::<bool>(),
    ) {
        let iface: IpInterface = format!("{}/{len}", Ipv4Addr::from(addr)).parse().unwrap();
        let mut spec = AddressSpec::new(7, iface);
        if brd {
            spec = spec.with_broadcast();
        }
        spec.label = label.clone();
        spec.flags = flags;
        let bytes = build(|b| spec.request(Verb::Add, b));
        let r = AddressRepr::parse(&Message::parse(&bytes).unwrap()).unwrap();
        prop_assert_eq!(r.header.prefix_len, len);
        prop_assert_eq!(r.header.index, 7);
        prop_assert_eq!(r.local(), Some(IpAddr::V4(Ipv4Addr::from(addr))));
        prop_assert_eq!(r.flags(), flags);
        prop_assert_eq!(r.attrs.label.map(|l| l.to_string()), label);
        prop_assert_eq!(r.attrs.broadcast.is_some(), brd);
    }

    #[test]
    fn rule_spec_survives_the_wire(
        table in proptest::option::of(any::<u32>()),
        priority in proptest::option::of(any::<u32>()),
        fwmark in proptest::option::of(any::<u32>()),
        from in proptest::option::of(v4_net()),
    ) {
        let spec = RuleSpec { table, priority, fwmark, from, ..RuleSpec::default() };
        let bytes = build(|b| spec.request(Verb::Add, b));
        let r = RuleRepr::parse(&Message::parse(&bytes).unwrap()).unwrap();
        prop_assert_eq!(r.table(), table.unwrap_or(254));
        prop_assert_eq!(r.attrs.priority, priority);
        prop_assert_eq!(r.attrs.fwmark, fwmark);
        prop_assert_eq!(r.header.src_len, from.map_or(0, |n| n.prefixlen()));
    }

    #[test]
    fn link_spec_survives_the_wire(
        name in "[a-z][a-z0-9]{0,14}",
        mtu in proptest::option::of(any::<u32>()),
        mac in proptest::option::of(any::<[u8; 6]>()),
        vni in 0u32..(1 << 24),
        port in any::<u16>(),
    ) {
        let mut spec = LinkSpec::new(&name, LinkKind::Vxlan(VxlanSpec { id: vni, port: Some(port), ..VxlanSpec::default() }));
        spec.settings.mtu = mtu;
        spec.settings.address = mac.and_then(|m| HwAddr::new(&m));
        let bytes = build(|b| spec.add_request(b));
        let r = LinkRepr::parse(&Message::parse(&bytes).unwrap()).unwrap();
        prop_assert_eq!(r.attrs.ifname.map(|n| n.to_string()), Some(name));
        prop_assert_eq!(r.attrs.mtu, mtu);
        prop_assert_eq!(r.attrs.address, spec.settings.address);
        let info = r.info.unwrap();
        prop_assert_eq!(info.kind.map(|k| k.to_string()), Some("vxlan".to_string()));
        match info.data {
            Some(InfoData::Vxlan(v)) => {
                prop_assert_eq!(v.id, Some(vni));
                prop_assert_eq!(v.port.map(|p| p.0), Some(port));
            }
            other => prop_assert!(false, "vxlan data expected, got {:?}", other),
        }
    }

    /// Any name, any VLAN id, any weight: a request or `SpecError`, never a panic.
    #[test]
    fn arbitrary_input_never_panics(name in ".{0,40}", id in any::<u16>(), weight in any::<u16>(), buf_len in 0usize..200) {
        let mut buf = vec![0u8; buf_len];
        let vlan = LinkKind::Vlan { link: 1, id, protocol: None };
        let _ = LinkSpec::new(&name, vlan).add_request(&mut buf);
        let _ = LinkSpec::new("x", LinkKind::veth(&name)).add_request(&mut buf);
        let mut r = RouteSpec::new("10.0.0.0/8".parse().unwrap());
        r.multipath = vec![NexthopSpec { weight, ..NexthopSpec::default() }];
        let _ = r.request(Verb::Add, &mut buf);
        let rule = RuleSpec { iif: Some(name.clone()), ..RuleSpec::default() };
        let _ = rule.request(Verb::Add, &mut buf);
    }
}
