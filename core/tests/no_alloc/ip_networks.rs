//! The network half of the IP math allocates nothing: parsing, iterators, collapse,
//! summarize and exclude run under a counting allocator that must stay at
//! zero while they work.

use std::fmt::Write as _;

use crate::allocations;

use ipdb_core::ip::{
    collapse_addresses, summarize_address_range, IpInterface, IpNetwork, Ipv4Address, Ipv4Network,
    Ipv6Address, Ipv6Network, MixedKey, TextBuf,
};

#[test]
fn network_work_does_not_allocate() {
    let mut nets: Vec<Ipv4Network> = (0..1000u32)
        .map(|i| {
            Ipv4Network::new_truncate(
                Ipv4Address::from_u32(i.wrapping_mul(2_654_435_761)),
                16 + (i % 17) as u8,
            )
            .unwrap()
        })
        .collect();
    let mut v6: Vec<Ipv6Network> = (0..1000u128)
        .map(|i| {
            Ipv6Network::new_truncate(Ipv6Address::from_u128(i << 100), 8 + (i % 100) as u8)
                .unwrap()
        })
        .collect();
    let n = allocations(|| {
        let mut text = TextBuf::<128>::new();
        let net: Ipv6Network = "2001:db8::/32".parse().unwrap();
        let _ = write!(
            text,
            "{} {} {}",
            net,
            net.exploded().unwrap(),
            net.with_netmask()
        );
        let _ = write!(text, "{}", net.reverse_pointer().unwrap());
        let i: IpInterface = "fe80::1%eth0/64".parse().unwrap();
        text.clear();
        let _ = write!(text, "{} {} {}", i, i.exploded(), i.network());
        assert!(IpNetwork::parse("nonsense", true).is_err());
        assert_eq!(net.hosts().take(1000).count(), 1000);
        assert_eq!(net.subnets(None, Some(40)).unwrap().count(), 256);
        assert_eq!(
            net.address_exclude(&"2001:db8::/40".parse().unwrap())
                .unwrap()
                .count(),
            8
        );
        let (a, b) = (
            Ipv4Address::from_u32(1),
            Ipv4Address::from_u32(4_000_000_000),
        );
        assert!(summarize_address_range(a, b).unwrap().count() > 1);
        assert!(collapse_addresses(&mut nets) > 0);
        assert!(collapse_addresses(&mut v6) > 0);
        let _ =
            MixedKey::network(&IpNetwork::V4(nets[0])) < MixedKey::network(&IpNetwork::V6(v6[0]));
    });
    assert_eq!(n, 0);
}
