//! Laws of the byte-level `parse_common` parsers: whatever they answer,
//! the full text parsers answer the same; the forms we print are answered
//! there (so the C ABI's parses take that path); arbitrary bytes, UTF-8 or
//! not, never panic and never pass unless ASCII.

use ipdb_core::ip::{
    IpAddress, IpInterface, IpNetwork, Ipv4Address, Ipv4Interface, Ipv4Network, Ipv6Address,
    Ipv6Interface, Ipv6Network,
};
use proptest::prelude::*;

/// Text near the grammar of addresses, networks and interfaces: digits,
/// hex, separators, a scope, a mask, a stray space.
const NEAR: &str = "[0-9a-fA-F:.%/ ]{0,48}|[0-9]{1,3}(\\.[0-9]{1,4}){3}(/[0-9]{0,3})?|([0-9a-f]{0,4}:){2,8}[0-9a-f]{0,4}(/[0-9]{1,3})?";

/// `common(b) == Some(x)` implies `full(s) == Ok(x)`.
fn agrees<T: PartialEq + std::fmt::Debug, E>(
    s: &str,
    common: Option<T>,
    full: Result<T, E>,
) -> Result<(), TestCaseError> {
    if let Some(x) = common {
        prop_assert_eq!(Some(x), full.ok(), "{:?}", s);
    }
    Ok(())
}

fn all_agree(s: &str) -> Result<(), TestCaseError> {
    let b = s.as_bytes();
    agrees(s, IpAddress::parse_common(b), IpAddress::parse(s))?;
    agrees(s, Ipv4Address::parse_common(b), Ipv4Address::parse(s))?;
    agrees(s, Ipv6Address::parse_common(b), Ipv6Address::parse(s))?;
    for strict in [true, false] {
        agrees(
            s,
            IpNetwork::parse_common(b, strict),
            IpNetwork::parse(s, strict),
        )?;
        agrees(
            s,
            Ipv4Network::parse_common(b, strict),
            Ipv4Network::parse(s, strict),
        )?;
        agrees(
            s,
            Ipv6Network::parse_common(b, strict),
            Ipv6Network::parse(s, strict),
        )?;
    }
    agrees(s, IpInterface::parse_common(b), IpInterface::parse(s))?;
    agrees(s, Ipv4Interface::parse_common(b), Ipv4Interface::parse(s))?;
    agrees(s, Ipv6Interface::parse_common(b), Ipv6Interface::parse(s))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn common_answers_agree_with_the_full_parsers(s in NEAR) {
        all_agree(&s)?;
    }

    #[test]
    fn printed_forms_take_the_common_path(v4 in any::<u32>(), v6 in any::<u128>(), p4 in 0u8..=32, p6 in 0u8..=128) {
        let a = Ipv4Address::from_u32(v4);
        prop_assert_eq!(IpAddress::parse_common(a.to_string().as_bytes()), Some(IpAddress::V4(a)));
        let n = Ipv4Network::new_truncate(a, p4).unwrap();
        prop_assert_eq!(IpNetwork::parse_common(n.to_string().as_bytes(), true), Some(IpNetwork::V4(n)));
        let i = Ipv4Interface::new(a, p4).unwrap();
        prop_assert_eq!(IpInterface::parse_common(i.to_string().as_bytes()), Some(IpInterface::V4(i)));
        // (IPv6 with an IPv4 tail, `::ffff:1.2.3.4`, may take either path.)
        let a = Ipv6Address::from_u128(v6);
        let text = a.to_string();
        if !text.contains('.') {
            prop_assert_eq!(IpAddress::parse_common(text.as_bytes()), Some(IpAddress::V6(a)));
            let n = Ipv6Network::new_truncate(a, p6).unwrap();
            prop_assert_eq!(IpNetwork::parse_common(n.to_string().as_bytes(), false), Some(IpNetwork::V6(n)));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_pass_only_as_ascii(b in proptest::collection::vec(any::<u8>(), 0..48)) {
        let answered = [
            IpAddress::parse_common(&b).is_some(),
            IpNetwork::parse_common(&b, false).is_some(),
            IpInterface::parse_common(&b).is_some(),
        ];
        if answered.contains(&true) {
            prop_assert!(b.is_ascii(), "{:?}", b);
            all_agree(std::str::from_utf8(&b).unwrap())?;
        }
    }
}

#[test]
fn rare_spellings_and_errors_are_left_to_the_full_parser() {
    for s in [
        "fe80::1%eth0",            // scope id: valid, full parser
        "10.0.0.01",               // leading zero: error
        "10.0.0.1 ",               // space: error
        "192.0.2.0/255.255.255.0", // dotted netmask
        "192.0.2.1/24",            // host bits (strict)
        "192.0.2.0/33",            // prefix too long
        "192.0.2.0/",              // empty prefix
        "192.0.2.0/0024",          // four digits
        "1.2.3.4/24/1",            // two slashes
        "",
    ] {
        assert_eq!(IpAddress::parse_common(s.as_bytes()), None, "{s}");
        assert_eq!(IpNetwork::parse_common(s.as_bytes(), true), None, "{s}");
    }
    // Non-strict clears host bits, as `parse` does.
    assert_eq!(
        IpNetwork::parse_common(b"192.0.2.1/24", false),
        Some(IpNetwork::parse("192.0.2.1/24", false).unwrap())
    );
    assert_eq!(
        IpInterface::parse_common(b"192.0.2.1/24"),
        Some(IpInterface::parse("192.0.2.1/24").unwrap())
    );
}
