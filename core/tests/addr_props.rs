//! Laws of the address types: every text form we print parses back to the
//! same value, parsing agrees with Rust's std where the rules coincide, and
//! no input makes anything panic.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipdb_core::ip::{IpAddress, Ipv4Address, Ipv6Address, ScopeId};
use proptest::prelude::*;

/// IPv6 bits biased toward the interesting shapes: zero runs, IPv4-mapped,
/// all zeros/ones.
fn v6_bits() -> impl Strategy<Value = u128> {
    prop_oneof![
        any::<u128>(),
        // Random groups, each zero with probability 1/2.
        prop::array::uniform8(prop_oneof![Just(0u16), any::<u16>()])
            .prop_map(|g| g.iter().fold(0u128, |acc, &x| acc << 16 | x as u128)),
        any::<u32>().prop_map(|v| 0xffff_0000_0000 | v as u128),
        any::<u32>().prop_map(|v| v as u128),
        Just(0u128),
        Just(u128::MAX),
    ]
}

/// Scope text CPython accepts: non-empty, no '%' (and no '/', which the
/// address constructor refuses before the split), within our capacity.
fn scope() -> impl Strategy<Value = String> {
    "[^%/]{1,12}".prop_filter("fits", |s| s.len() <= ScopeId::CAPACITY)
}

/// Rewrites `groups` the way people write them: random case, random
/// leading zeros, optional `::` over one zero run, optional IPv4 tail.
fn spelled(bits: u128, pad: [u8; 8], upper: [bool; 8], compress: bool, v4_tail: bool) -> String {
    let g = Ipv6Address::from_u128(bits).segments();
    let n = if v4_tail { 6 } else { 8 };
    let mut parts: Vec<String> = (0..n)
        .map(|i| {
            let w = 1 + (pad[i] % 4) as usize;
            let t = format!("{:0w$x}", g[i], w = w);
            if upper[i] {
                t.to_uppercase()
            } else {
                t
            }
        })
        .collect();
    if v4_tail {
        parts.push(Ipv4Address::from_u32(bits as u32).to_string());
    }
    if compress {
        // Replace the first run of zero groups (within the hex part) by "".
        if let Some(start) = (0..n).find(|&i| g[i] == 0) {
            let mut end = start;
            while end < n && g[end] == 0 {
                end += 1;
            }
            let mut out: Vec<String> = parts[..start].to_vec();
            out.push(String::new());
            out.extend_from_slice(&parts[end..]);
            let mut s = out.join(":");
            if start == 0 {
                s.insert(0, ':');
            }
            if end == parts.len() {
                s.push(':');
            }
            return s;
        }
    }
    parts.join(":")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn v4_display_parses_back(v in any::<u32>()) {
        let a = Ipv4Address::from_u32(v);
        let s = a.to_string();
        prop_assert_eq!(s.parse::<Ipv4Address>().unwrap(), a);
        prop_assert_eq!(&s, &Ipv4Addr::from(v).to_string());
        prop_assert_eq!(a.exploded().to_string(), s);
    }

    #[test]
    fn v6_text_forms_parse_back(bits in v6_bits(), sc in proptest::option::of(scope())) {
        let mut a = Ipv6Address::from_u128(bits);
        if let Some(sc) = &sc {
            a = a.with_scope(ScopeId::new(sc).unwrap());
        }
        let compressed = a.to_string();
        prop_assert_eq!(compressed.parse::<Ipv6Address>().unwrap(), a);
        // Exploded keeps the scope except for IPv4-mapped (CPython's quirk).
        let exploded = a.exploded().to_string();
        let back = exploded.parse::<Ipv6Address>().unwrap();
        prop_assert_eq!(back.to_u128(), bits);
        if a.ipv4_mapped().is_none() {
            prop_assert_eq!(back, a);
        }
        // Without the mapped form and the scope, our text is std's RFC 5952 text.
        if a.ipv4_mapped().is_none() && bits >> 32 != 0 {
            prop_assert_eq!(a.plain().to_string(), Ipv6Addr::from(bits).to_string());
        }
        prop_assert_eq!(IpAddress::parse(&compressed).unwrap(), IpAddress::V6(a));
    }

    #[test]
    fn v6_spellings_parse(bits in v6_bits(), pad in any::<[u8; 8]>(), upper in any::<[bool; 8]>(),
                          compress in any::<bool>(), v4_tail in any::<bool>(), sc in proptest::option::of(scope())) {
        let mut s = spelled(bits, pad, upper, compress, v4_tail);
        if let Some(sc) = &sc {
            s.push('%');
            s.push_str(sc);
        }
        let a = s.parse::<Ipv6Address>().map_err(|e| TestCaseError::fail(format!("{:?}: {}", s, e)))?;
        prop_assert_eq!(a.to_u128(), bits);
        prop_assert_eq!(a.scope_id().map(|x| x.as_str().to_string()), sc);
    }

    #[test]
    fn v4_parse_agrees_with_std(s in "[0-9.]{0,16}") {
        // std rejects leading zeros too; on this alphabet the rules coincide.
        let ours = s.parse::<Ipv4Address>().ok().map(u32::from);
        let std = s.parse::<Ipv4Addr>().ok().map(u32::from);
        prop_assert_eq!(ours, std, "{:?}", s);
    }

    #[test]
    fn v6_parse_agrees_with_std(s in "[0-9a-fA-F:.]{0,24}|(::|[0-9a-f]{1,4}:){1,8}[0-9a-f.]{0,15}") {
        let ours = s.parse::<Ipv6Address>().ok().map(Ipv6Address::to_u128);
        let std = s.parse::<Ipv6Addr>().ok().map(u128::from);
        prop_assert_eq!(ours, std, "{:?}", s);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,60}", spec in "\\PC{0,8}") {
        let _ = s.parse::<Ipv4Address>();
        let _ = s.parse::<Ipv6Address>();
        let _ = ScopeId::new(&s);
        if let Ok(a) = s.parse::<IpAddress>() {
            let mut out = String::new();
            let _ = a.format_spec(&spec, &mut out);
            let _ = write!(out, "{} {} {}", a, a.exploded(), a.reverse_pointer());
        }
        let a = IpAddress::from_int(s.len() as u128 * 0x1_0001_0001_0001);
        let mut out = String::new();
        let _ = a.format_spec(&spec, &mut out);
    }

    #[test]
    fn arbitrary_bytes_near_the_grammar_never_panic(s in "[0-9a-fA-F:.%/ ]{0,64}") {
        let _ = s.parse::<Ipv4Address>();
        let _ = s.parse::<Ipv6Address>();
        let _ = s.parse::<IpAddress>();
    }

    #[test]
    fn order_and_hash_agree_with_eq(a in v6_bits(), b in v6_bits(), sa in proptest::option::of("[a-c]{1,2}"), sb in proptest::option::of("[a-c]{1,2}")) {
        use std::collections::hash_map::DefaultHasher;
        use std::hash::{Hash, Hasher};
        let mk = |bits, s: &Option<String>| {
            let x = Ipv6Address::from_u128(bits);
            match s { Some(s) => x.with_scope(ScopeId::new(s).unwrap()), None => x }
        };
        let (x, y) = (mk(a, &sa), mk(a, &sb));
        let h = |v: &Ipv6Address| { let mut s = DefaultHasher::new(); v.hash(&mut s); s.finish() };
        prop_assert_eq!(x == y, x.cmp(&y).is_eq());
        if x == y { prop_assert_eq!(h(&x), h(&y)); }
        let z = mk(b, &sb);
        if a != b { prop_assert_eq!(x.cmp(&z), a.cmp(&b)); }
    }

    #[test]
    fn arithmetic_matches_integers(v in any::<u32>(), d in any::<i64>()) {
        let a = Ipv4Address::from_u32(v);
        let expect = u32::try_from(v as i128 + d as i128).ok();
        prop_assert_eq!(a.checked_add(d as i128).ok().map(u32::from), expect);
        let expect = u32::try_from(v as i128 - d as i128).ok();
        prop_assert_eq!(a.checked_sub(d as i128).ok().map(u32::from), expect);
    }
}
