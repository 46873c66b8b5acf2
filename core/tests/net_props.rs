//! Laws of the network half: text round trips, subnets/supernet inverse,
//! collapse and summarize against a brute-force model, address_exclude
//! partitions.

use proptest::prelude::*;

use ipdb_core::ip::{
    collapse_addresses, summarize_address_range, Address, Interface, Ipv4Address, Ipv4Interface,
    Ipv4Network, Ipv6Address, Ipv6Interface, Ipv6Network, Network,
};

fn v4net() -> impl Strategy<Value = Ipv4Network> {
    (any::<u32>(), 0..=32u8)
        .prop_map(|(a, p)| Network::new_truncate(Ipv4Address::from_u32(a), p).unwrap())
}

fn v6net() -> impl Strategy<Value = Ipv6Network> {
    (any::<u128>(), 0..=128u8)
        .prop_map(|(a, p)| Network::new_truncate(Ipv6Address::from_u128(a), p).unwrap())
}

/// Addresses near the IPv4-mapped block too, where the text forms differ.
fn v6addr() -> impl Strategy<Value = u128> {
    prop_oneof![
        any::<u128>(),
        any::<u32>().prop_map(|v| 0xffff_0000_0000 | u128::from(v))
    ]
}

fn roundtrip_net<A: Address>(net: Network<A>, text: &str) {
    let back = Network::<A>::parse(text, true).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    assert_eq!(back, net, "{text}");
}

/// Subnets at `diff` more bits go back to `net` through `supernet`, tile it
/// in order, and number 2**diff.
fn subnets_inverse<A: Address>(net: Network<A>, diff: u8) {
    let subs = net.subnets(Some(i64::from(diff)), None).unwrap();
    assert_eq!(subs.len(), Some(1u128 << diff));
    let mut next = net.network_address().to_bits();
    for s in subs {
        assert_eq!(s.prefixlen(), net.prefixlen() + diff);
        assert_eq!(s.network_address().to_bits(), next);
        assert_eq!(s.supernet(Some(i64::from(diff)), None).unwrap(), net);
        assert_eq!(
            s.supernet(None, Some(i64::from(net.prefixlen()))).unwrap(),
            net
        );
        assert!(s.subnet_of(&net) && net.supernet_of(&s));
        next = next
            .wrapping_add(s.num_addresses_minus_one())
            .wrapping_add(1);
    }
    assert_eq!(
        next & A::ALL_ONES,
        net.broadcast_address().to_bits().wrapping_add(1) & A::ALL_ONES
    );
}

/// `address_exclude` yields disjoint subnets of `outer` that avoid `inner`
/// and, with it, add up to `outer`.
fn exclude_partitions<A: Address>(outer: Network<A>, inner: Network<A>) {
    let parts: Vec<_> = outer.address_exclude(&inner).unwrap().collect();
    assert_eq!(
        parts.len(),
        usize::from(inner.prefixlen() - outer.prefixlen())
    );
    let mut total = inner.num_addresses_minus_one().wrapping_add(1);
    for (i, p) in parts.iter().enumerate() {
        assert!(p.subnet_of(&outer));
        assert!(!p.overlaps(&inner));
        for q in &parts[i + 1..] {
            assert!(!p.overlaps(q), "{p} {q}");
        }
        total = total
            .wrapping_add(p.num_addresses_minus_one())
            .wrapping_add(1);
    }
    // Wraps to 0 only for ::/0 (2**128 addresses).
    assert_eq!(total.wrapping_sub(1), outer.num_addresses_minus_one());
}

/// `summarize_address_range` covers `first ..= last` exactly, with aligned
/// blocks in order and no two that could merge.
fn summarize_covers<A: Address>(first: A, last: A) {
    let nets: Vec<_> = summarize_address_range(first, last).unwrap().collect();
    let mut next = first.to_bits();
    for (i, n) in nets.iter().enumerate() {
        assert_eq!(n.network_address().to_bits(), next);
        if i + 1 < nets.len() {
            next = n.broadcast_address().to_bits() + 1;
        }
    }
    assert_eq!(
        nets.last().unwrap().broadcast_address().to_bits(),
        last.to_bits()
    );
    for w in nets.windows(2) {
        assert!(!mergeable(&w[0], &w[1]), "{} {}", w[0], w[1]);
    }
}

fn mergeable<A: Address>(a: &Network<A>, b: &Network<A>) -> bool {
    a.prefixlen() == b.prefixlen()
        && a.prefixlen() > 0
        && a.supernet(None, None).unwrap() == b.supernet(None, None).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn v4_network_text_roundtrip(net in v4net()) {
        roundtrip_net(net, &net.to_string());
        roundtrip_net(net, &net.with_netmask().to_string());
        roundtrip_net(net, &net.exploded().unwrap().to_string());
        // All-ones and all-zeros masks read as netmasks, so /0 and /32
        // hostmasks do not come back (CPython is the same).
        if (1..32).contains(&net.prefixlen()) {
            roundtrip_net(net, &net.with_hostmask().to_string());
        }
        prop_assert_eq!(net.with_prefixlen().to_string(), net.to_string());
    }

    #[test]
    fn v6_network_text_roundtrip(bits in v6addr(), p in 0..=128u8) {
        let net = Network::new_truncate(Ipv6Address::from_u128(bits), p).unwrap();
        roundtrip_net(net, &net.to_string());
        roundtrip_net(net, &net.exploded().unwrap().to_string());
    }

    #[test]
    fn v4_interface_text_roundtrip(a in any::<u32>(), p in 0..=32u8) {
        let i = Interface::new(Ipv4Address::from_u32(a), p).unwrap();
        for text in [i.to_string(), i.with_prefixlen().to_string(), i.with_netmask().to_string(), i.exploded().to_string()] {
            prop_assert_eq!(text.parse::<Ipv4Interface>().unwrap(), i);
        }
        prop_assert!(i.network().contains(&i.ip()));
    }

    #[test]
    fn v6_interface_text_roundtrip(bits in v6addr(), p in 0..=128u8) {
        let i = Interface::new(Ipv6Address::from_u128(bits), p).unwrap();
        for text in [i.to_string(), i.with_prefixlen().to_string()] {
            prop_assert_eq!(text.parse::<Ipv6Interface>().unwrap(), i);
        }
        let exploded = i.exploded().to_string();
        if bits >> 32 == 0xffff {
            // CPython drops the prefix length from a mapped interface's exploded form.
            prop_assert_eq!(exploded.parse::<Ipv6Interface>().unwrap().ip(), i.ip());
        } else {
            prop_assert_eq!(exploded.parse::<Ipv6Interface>().unwrap(), i);
        }
    }

    #[test]
    fn v4_subnets_supernet_inverse(net in v4net(), d in 0..=8u8) {
        let diff = d.min(32 - net.prefixlen());
        subnets_inverse(net, diff);
    }

    #[test]
    fn v6_subnets_supernet_inverse(net in v6net(), d in 0..=8u8) {
        let diff = d.min(128 - net.prefixlen());
        subnets_inverse(net, diff);
    }

    #[test]
    fn v4_exclude_partitions(outer in v4net(), a in any::<u32>(), extra in 0..=32u8) {
        let p = outer.prefixlen().saturating_add(extra).min(32);
        let inner = Network::new_truncate(Ipv4Address::from_u32(a), p).unwrap();
        // Move the random subnet inside `outer`.
        let inner_bits = outer.network_address().to_u32() | (inner.network_address().to_u32() & outer.hostmask().to_u32());
        let inner = Network::new(Ipv4Address::from_u32(inner_bits), p).unwrap();
        exclude_partitions(outer, inner);
    }

    #[test]
    fn v6_exclude_partitions(outer in v6net(), a in any::<u128>(), extra in 0..=128u8) {
        let p = outer.prefixlen().saturating_add(extra).min(128);
        let host = outer.hostmask().to_u128();
        let inner_bits = (outer.network_address().to_u128() | (a & host)) & !host.checked_shr(u32::from(p - outer.prefixlen())).unwrap_or(0);
        let inner = Network::new(Ipv6Address::from_u128(inner_bits), p).unwrap();
        exclude_partitions(outer, inner);
    }

    #[test]
    fn v4_summarize_covers(a in any::<u32>(), b in any::<u32>()) {
        let (f, l) = (a.min(b), a.max(b));
        summarize_covers(Ipv4Address::from_u32(f), Ipv4Address::from_u32(l));
    }

    #[test]
    fn v6_summarize_covers(a in any::<u128>(), b in any::<u128>()) {
        let (f, l) = (a.min(b), a.max(b));
        summarize_covers(Ipv6Address::from_u128(f), Ipv6Address::from_u128(l));
    }

    /// Collapse a few networks inside 10.0.0.0/24 and compare with a
    /// 256-bit model of which addresses are covered.
    #[test]
    fn v4_collapse_matches_model(specs in proptest::collection::vec((any::<u8>(), 22..=32u8), 0..24)) {
        let base = 0x0a00_0000u32;
        let mut nets: Vec<Ipv4Network> = specs
            .iter()
            .map(|&(a, p)| Network::new_truncate(Ipv4Address::from_u32(base | u32::from(a)), p).unwrap())
            .collect();
        let mut model = std::collections::BTreeSet::new();
        for n in &nets {
            model.extend(n.addresses().map(|a| a.to_u32()));
        }
        let len = collapse_addresses(&mut nets);
        let out = &nets[..len];
        let mut covered = std::collections::BTreeSet::new();
        for n in out {
            for a in n.addresses() {
                prop_assert!(covered.insert(a.to_u32()), "overlap at {}", a);
            }
        }
        prop_assert_eq!(covered, model);
        for w in out.windows(2) {
            prop_assert!(w[0] < w[1]);
            prop_assert!(!mergeable(&w[0], &w[1]), "{} {}", w[0], w[1]);
        }
    }

    /// Collapse is idempotent and independent of input order, for both versions.
    #[test]
    fn collapse_idempotent(mut v4 in proptest::collection::vec(v4net(), 0..64), mut v6 in proptest::collection::vec(v6net(), 0..64)) {
        fn check<A: Address>(nets: &mut [Network<A>]) {
            let mut rev: Vec<_> = nets.iter().rev().copied().collect();
            let n = collapse_addresses(nets);
            let m = collapse_addresses(&mut rev);
            assert_eq!(&nets[..n], &rev[..m]);
            let mut again = nets[..n].to_vec();
            let k = collapse_addresses(&mut again);
            assert_eq!(&again[..k], &nets[..n]);
        }
        check(&mut v4);
        check(&mut v6);
    }
}

/// Union of networks as sorted, merged `[first, last]` intervals.
fn union<A: Address>(nets: &[Network<A>]) -> Vec<(u128, u128)> {
    let mut iv: Vec<(u128, u128)> = nets
        .iter()
        .map(|n| {
            (
                n.network_address().to_bits(),
                n.broadcast_address().to_bits(),
            )
        })
        .collect();
    iv.sort();
    let mut out: Vec<(u128, u128)> = Vec::new();
    for (a, b) in iv {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Collapse against an interval model, with prefix lengths around the
/// pre-pass's block size so that short networks swallow longer ones.
fn collapse_matches_union<A: Address>(mut nets: Vec<Network<A>>) {
    let want = union(&nets);
    let n = collapse_addresses(&mut nets);
    let out = &nets[..n];
    assert_eq!(union(out), want);
    for w in out.windows(2) {
        assert!(
            w[0].broadcast_address().to_bits() < w[1].network_address().to_bits(),
            "{} {}",
            w[0],
            w[1]
        );
        assert!(!mergeable(&w[0], &w[1]), "{} {}", w[0], w[1]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn v4_collapse_short_prefixes(specs in proptest::collection::vec((0u32..1 << 12, prop_oneof![10..=20u8, 20..=32u8]), 0..64)) {
        // All inside 10.0.0.0/8, spread over its /17 blocks.
        let nets = specs
            .iter()
            .map(|&(a, p)| Network::new_truncate(Ipv4Address::from_u32(0x0a00_0000 | a << 12 | a >> 4), p).unwrap())
            .collect();
        collapse_matches_union(nets);
    }

    #[test]
    fn v6_collapse_short_prefixes(specs in proptest::collection::vec((0u128..1 << 12, prop_oneof![8..=20u8, 20..=128u8]), 0..64)) {
        let nets = specs
            .iter()
            .map(|&(a, p)| Network::new_truncate(Ipv6Address::from_u128(a << 108 | a), p).unwrap())
            .collect();
        collapse_matches_union(nets);
    }
}
