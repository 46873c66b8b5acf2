//! Networks and interfaces on values checked against CPython's `ipaddress`.

use std::cmp::Ordering;

use ipdb_core::ip::{
    collapse_addresses, summarize_address_range, AddressErrorKind, IpAddress, IpError, IpInterface,
    IpNetwork, Ipv4Address, Ipv4Interface, Ipv4Network, Ipv6Address, Ipv6Interface, Ipv6Network,
    MixedKey, Network,
};

fn v4(s: &str) -> Ipv4Network {
    s.parse().unwrap()
}

fn v6(s: &str) -> Ipv6Network {
    s.parse().unwrap()
}

fn class<T: std::fmt::Debug>(r: Result<T, IpError>) -> &'static str {
    r.unwrap_err().python_class()
}

fn strs<T: ToString>(it: impl IntoIterator<Item = T>) -> Vec<String> {
    it.into_iter().map(|x| x.to_string()).collect()
}

#[test]
fn parse_forms_and_errors() {
    assert_eq!(v4("192.0.2.0/255.255.255.0"), v4("192.0.2.0/24"));
    assert_eq!(v4("192.0.2.0/0.0.0.255"), v4("192.0.2.0/24"));
    assert_eq!(v4("192.0.2.0/024").prefixlen(), 24); // leading zeros allowed in the prefix
    assert_eq!(v4("0.0.0.0/0.0.0.0").prefixlen(), 0);
    assert_eq!(v4("1.2.3.4/255.255.255.255").prefixlen(), 32);
    assert_eq!(v4("1.2.3.4").prefixlen(), 32);
    assert_eq!(
        class(Ipv4Network::parse("192.0.2.1/24", true)),
        "ValueError"
    );
    assert_eq!(
        Ipv4Network::parse("192.0.2.1/24", false).unwrap(),
        v4("192.0.2.0/24")
    );
    assert_eq!(
        class(Ipv4Network::parse("1.2.3.0/24/1", true)),
        "AddressValueError"
    );
    assert_eq!(
        class(Ipv4Network::parse("1.2.3.256/24", true)),
        "AddressValueError"
    );
    for bad in [
        "1.2.3.0/33",
        "1.2.3.0/+24",
        "1.2.3.0/ 24",
        "1.2.3.0/",
        "1.2.3.0/255.0.255.0",
        "1.2.3.0/x",
        "1.2.3.0/２４",
    ] {
        assert_eq!(
            class(Ipv4Network::parse(bad, false)),
            "NetmaskValueError",
            "{bad}"
        );
    }
    assert_eq!(
        class(Ipv6Network::parse("::/ffff::", true)),
        "NetmaskValueError"
    );
    assert_eq!(
        class(Ipv6Network::parse("::/129", true)),
        "NetmaskValueError"
    );
    assert_eq!(class(Ipv6Network::parse("::1/127", true)), "ValueError");
    assert_eq!(class("1.2.3.4/24".parse::<IpNetwork>()), "ValueError");
    assert_eq!(class("nonsense".parse::<IpNetwork>()), "ValueError");
    assert_eq!(class("1.2.3.4/33".parse::<IpInterface>()), "ValueError");
    assert_eq!(
        IpNetwork::parse("1.2.3.4/24", false).unwrap().to_string(),
        "1.2.3.0/24"
    );
}

#[test]
fn v4_properties() {
    let n = v4("10.0.0.0/8");
    assert_eq!(n.broadcast_address().to_string(), "10.255.255.255");
    assert_eq!(n.netmask().to_string(), "255.0.0.0");
    assert_eq!(n.hostmask().to_string(), "0.255.255.255");
    assert_eq!(n.num_addresses(), Some(1 << 24));
    assert_eq!(n.with_netmask().to_string(), "10.0.0.0/255.0.0.0");
    assert_eq!(n.with_hostmask().to_string(), "10.0.0.0/0.255.255.255");
    assert_eq!(n.exploded().unwrap().to_string(), "10.0.0.0/8");
    assert_eq!(
        n.reverse_pointer().unwrap().to_string(),
        "0/8.0.0.10.in-addr.arpa"
    );
    assert!(n.is_private() && !n.is_global());
    assert!(!v4("100.64.0.0/10").is_global() && !v4("100.64.0.0/10").is_private());
    assert!(!v4("10.0.0.0/7").is_private()); // straddles two registry blocks
    assert!(v4("192.0.0.0/24").is_private() && !v4("192.0.0.9/32").is_private()); // a registry exception
    assert!(v4("192.0.0.8/29").is_private()); // CPython checks only the two ends against exceptions
    assert!(v4("224.0.0.0/4").is_multicast() && !v4("192.0.0.0/2").is_multicast());
}

#[test]
fn v6_properties_and_scope() {
    let n = v6("2001:db8::/32");
    assert_eq!(
        n.exploded().unwrap().to_string(),
        "2001:0db8:0000:0000:0000:0000:0000:0000/32"
    );
    assert_eq!(
        n.reverse_pointer().unwrap().to_string(),
        "2.3./.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
    );
    assert_eq!(v6("::/0").num_addresses(), None);
    assert_eq!(v6("::/0").num_addresses_minus_one(), u128::MAX);
    let scoped = Ipv6Network::parse("fe80::%eth0/64", true).unwrap();
    assert_eq!(scoped.to_string(), "fe80::%eth0/64");
    assert_eq!(class(scoped.exploded()), "AddressValueError");
    assert_eq!(class(scoped.reverse_pointer()), "AddressValueError");
    assert_ne!(scoped, v6("fe80::/64"));
    assert_eq!(scoped.compare_networks(&v6("fe80::/64")), Ordering::Greater);
    assert_eq!(v6("fe80::/64").compare_networks(&scoped), Ordering::Greater); // sic
                                                                              // Clearing host bits rebuilds the address from its integer: scope gone.
    assert_eq!(
        Ipv6Network::parse("fe80::1%eth0/64", false)
            .unwrap()
            .to_string(),
        "fe80::/64"
    );
    // CPython's `<=` on scoped addresses makes this false.
    assert!(!scoped.subnet_of(&v6("fe80::/64")));
    assert!(v6("fec0::/10").is_site_local());
    assert!(v6("::ffff:0:0/96").is_private()); // networks are not delegated to IPv4
}

#[test]
fn hosts_rules() {
    assert_eq!(strs(v4("192.0.2.0/30").hosts()), ["192.0.2.1", "192.0.2.2"]);
    assert_eq!(strs(v4("192.0.2.0/31").hosts()), ["192.0.2.0", "192.0.2.1"]);
    assert_eq!(strs(v4("192.0.2.7/32").hosts()), ["192.0.2.7"]);
    assert_eq!(
        strs(v6("2001:db8::/126").hosts()),
        ["2001:db8::1", "2001:db8::2", "2001:db8::3"]
    );
    assert_eq!(
        strs(v6("2001:db8::/127").hosts()),
        ["2001:db8::", "2001:db8::1"]
    );
    assert_eq!(
        strs(Ipv6Network::parse("fe80::1%x/128", true).unwrap().hosts()),
        ["fe80::1%x"]
    );
    assert_eq!(v4("0.0.0.0/0").hosts().len(), Some((1 << 32) - 2));
    assert_eq!(v6("::/0").hosts().len(), Some(u128::MAX));
    assert_eq!(v6("::/0").addresses().len(), None);
    assert_eq!(
        strs(v4("10.0.0.0/30").addresses().rev()),
        ["10.0.0.3", "10.0.0.2", "10.0.0.1", "10.0.0.0"]
    );
}

#[test]
fn indexing() {
    let n = v4("10.0.0.0/30");
    assert_eq!(n.get(0).unwrap().to_string(), "10.0.0.0");
    assert_eq!(n.get(3).unwrap().to_string(), "10.0.0.3");
    assert_eq!(n.get(-1).unwrap().to_string(), "10.0.0.3");
    assert_eq!(n.get(-4).unwrap().to_string(), "10.0.0.0");
    assert_eq!(class(n.get(4)), "IndexError");
    assert_eq!(class(n.get(-5)), "IndexError");
    let all = v6("::/0");
    assert_eq!(all.get_from_end(u128::MAX).unwrap().to_string(), "::"); // all[-2**128]
    assert_eq!(
        all.get_from_start(u128::MAX).unwrap().to_string(),
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
    );
    assert_eq!(class(n.get_from_end(4)), "IndexError");
    assert_eq!(n.get_from_end(3).unwrap().to_string(), "10.0.0.0");
}

#[test]
fn relations() {
    let a = v4("192.0.2.0/24");
    let b = v4("192.0.2.128/25");
    assert!(a.overlaps(&b) && b.overlaps(&a) && !b.overlaps(&v4("192.0.2.0/25")));
    assert!(b.subnet_of(&a) && a.supernet_of(&b) && !a.subnet_of(&b));
    assert!(a.contains(&"192.0.2.77".parse::<Ipv4Address>().unwrap()));
    assert_eq!(a.compare_networks(&b), Ordering::Less);
    assert!(v4("10.0.0.0/8") < v4("10.0.0.0/9") && v4("10.0.0.0/9") < v4("11.0.0.0/8"));
    let (x, y): (IpNetwork, IpNetwork) = ("10.0.0.0/8".parse().unwrap(), "::/0".parse().unwrap());
    assert!(!x.overlaps(&y));
    assert_eq!(class(x.subnet_of(&y)), "TypeError");
    assert_eq!(class(x.compare_networks(&y)), "TypeError");
    assert_eq!(class(x.address_exclude(&y)), "TypeError");
    assert!(!x.contains(&"::1".parse::<IpAddress>().unwrap()));
}

#[test]
fn subnets_and_supernet() {
    let n = v4("192.0.2.0/24");
    assert_eq!(
        strs(n.subnets(None, None).unwrap()),
        ["192.0.2.0/25", "192.0.2.128/25"]
    );
    assert_eq!(n.subnets(None, Some(26)).unwrap().len(), Some(4));
    assert_eq!(n.subnets(Some(1), Some(26)).unwrap().len(), Some(4)); // 1 is the default, so allowed
    assert_eq!(class(n.subnets(Some(2), Some(26))), "ValueError");
    assert_eq!(class(n.subnets(None, Some(23))), "ValueError");
    assert_eq!(class(n.subnets(Some(9), None)), "ValueError");
    assert_eq!(class(n.subnets(Some(-1), None)), "ValueError");
    // A host network yields itself whatever the arguments.
    assert_eq!(
        strs(v4("1.2.3.4/32").subnets(None, Some(99)).unwrap()),
        ["1.2.3.4/32"]
    );
    assert_eq!(v6("::/0").subnets(None, Some(128)).unwrap().len(), None);
    assert_eq!(n.supernet(None, None).unwrap(), v4("192.0.2.0/23"));
    assert_eq!(n.supernet(Some(3), None).unwrap(), v4("192.0.0.0/21"));
    assert_eq!(n.supernet(None, Some(8)).unwrap(), v4("192.0.0.0/8"));
    assert_eq!(class(n.supernet(None, Some(25))), "ValueError");
    assert_eq!(class(n.supernet(Some(25), None)), "ValueError");
    assert_eq!(class(n.supernet(Some(-1), None)), "ValueError");
    assert_eq!(
        v4("0.0.0.0/0").supernet(Some(5), None).unwrap(),
        v4("0.0.0.0/0")
    );
}

#[test]
fn exclude_order() {
    let out = strs(
        v6("2001:db8::/125")
            .address_exclude(&v6("2001:db8::5/128"))
            .unwrap(),
    );
    assert_eq!(
        out,
        ["2001:db8::/126", "2001:db8::6/127", "2001:db8::4/128"]
    );
    assert_eq!(
        v4("10.0.0.0/8")
            .address_exclude(&v4("10.0.0.0/8"))
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        class(v4("10.0.0.0/16").address_exclude(&v4("10.0.0.0/8"))),
        "ValueError"
    );
}

#[test]
fn collapse_and_summarize() {
    let mut nets: Vec<Ipv4Network> = [
        "192.0.2.0/26",
        "192.0.2.64/26",
        "192.0.2.128/26",
        "192.0.2.192/26",
        "192.0.2.5/32",
        "10.0.0.1/32",
        "10.0.0.0/32",
    ]
    .iter()
    .map(|s| v4(s))
    .collect();
    let n = collapse_addresses(&mut nets);
    assert_eq!(strs(&nets[..n]), ["10.0.0.0/31", "192.0.2.0/24"]);
    let mut scoped = vec![
        v6("fe80:1::1%x/128"),
        Ipv6Network::parse("fe80::%eth0/64", true).unwrap(),
    ];
    let n = collapse_addresses(&mut scoped);
    // Host networks lose their scope (CPython summarizes them); others keep it.
    assert_eq!(strs(&scoped[..n]), ["fe80::%eth0/64", "fe80:1::1/128"]);
    assert_eq!(collapse_addresses::<Ipv4Address>(&mut []), 0);

    let f: Ipv6Address = "::".parse().unwrap();
    let l: Ipv6Address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".parse().unwrap();
    assert_eq!(strs(summarize_address_range(f, l).unwrap()), ["::/0"]);
    let a: Ipv4Address = "192.0.2.0".parse().unwrap();
    let b: Ipv4Address = "192.0.2.130".parse().unwrap();
    assert_eq!(
        strs(summarize_address_range(a, b).unwrap()),
        ["192.0.2.0/25", "192.0.2.128/31", "192.0.2.130/32"]
    );
    assert_eq!(class(summarize_address_range(b, a)), "ValueError");
    let s1: Ipv6Address = "fe80::1%a".parse().unwrap();
    let s2: Ipv6Address = "fe80::1".parse().unwrap();
    assert_eq!(class(summarize_address_range(s1, s2)), "ValueError"); // CPython: not <, not ==
}

#[test]
fn interfaces() {
    let i: Ipv4Interface = "192.0.2.5/24".parse().unwrap();
    assert_eq!(i.to_string(), "192.0.2.5/24");
    assert_eq!(i.network(), v4("192.0.2.0/24"));
    assert_eq!(i.with_hostmask().to_string(), "192.0.2.5/0.0.0.255");
    assert_eq!(i.reverse_pointer().to_string(), "5/24.2.0.192.in-addr.arpa");
    let m: Ipv6Interface = "::ffff:1.2.3.4/96".parse().unwrap();
    assert_eq!(m.to_string(), "::ffff:1.2.3.4/96");
    assert_eq!(m.with_prefixlen().to_string(), "::ffff:102:304/96");
    assert_eq!(
        m.exploded().to_string(),
        "0000:0000:0000:0000:0000:ffff:1.2.3.4"
    );
    let s: Ipv6Interface = "fe80::1%eth0/64".parse().unwrap();
    assert_eq!(s.to_string(), "fe80::1%eth0/64");
    assert_eq!(s.ip().to_string(), "fe80::1");
    assert_eq!(s.scope_id().unwrap().as_str(), "eth0");
    assert_eq!(s.network().to_string(), "fe80::/64");
    assert_eq!(
        s.exploded().to_string(),
        "fe80:0000:0000:0000:0000:0000:0000:0001/64"
    );
    assert_ne!(s, "fe80::1/64".parse::<Ipv6Interface>().unwrap());
    // Interface flag overrides.
    assert!(!"0.0.0.0/8"
        .parse::<Ipv4Interface>()
        .unwrap()
        .is_unspecified());
    assert!("0.0.0.0/32"
        .parse::<Ipv4Interface>()
        .unwrap()
        .is_unspecified());
    assert!("127.0.0.1/8"
        .parse::<Ipv4Interface>()
        .unwrap()
        .is_loopback());
    assert!(!"::1/64".parse::<Ipv6Interface>().unwrap().is_loopback());
    assert!("::1/128".parse::<Ipv6Interface>().unwrap().is_loopback());
    // Order: network first, then address.
    let lo: Ipv4Interface = "10.0.0.9/8".parse().unwrap();
    let hi: Ipv4Interface = "10.0.0.1/16".parse().unwrap();
    assert!(lo < hi);
    assert_eq!(
        IpInterface::parse("1.2.3.4/24")
            .unwrap()
            .network()
            .to_string(),
        "1.2.3.0/24"
    );
    let _ = Network::<Ipv4Address>::new_truncate(Ipv4Address::from_u32(7), 33).unwrap_err();
}

#[test]
fn mixed_key_order() {
    let mut items: Vec<(MixedKey, &str)> = [
        "::1",
        "10.0.0.0/8",
        "10.0.0.0",
        "10.0.0.0/16",
        "9.0.0.0/8",
        "::/0",
    ]
    .iter()
    .map(|s| {
        let k = if s.contains('/') {
            MixedKey::network(&s.parse().unwrap())
        } else {
            MixedKey::address(&s.parse().unwrap())
        };
        (k, *s)
    })
    .collect();
    items.sort();
    let order: Vec<&str> = items.iter().map(|x| x.1).collect();
    assert_eq!(
        order,
        [
            "9.0.0.0/8",
            "10.0.0.0",
            "10.0.0.0/8",
            "10.0.0.0/16",
            "::/0",
            "::1"
        ]
    );
}

#[test]
fn second_slash_is_an_address_error() {
    // Also when the `/` would sit inside a scope id.
    for bad in ["fe80::1%a/b/64", "::/1/2", "1.2.3.4/8/", "//"] {
        match Ipv6Network::parse(bad, false).unwrap_err() {
            IpError::Address(e) => assert_eq!(e.kind, AddressErrorKind::MultipleSlashes, "{bad}"),
            e => panic!("{bad}: {e:?}"),
        }
        assert_eq!(class(bad.parse::<Ipv6Interface>()), "AddressValueError");
        assert_eq!(class(bad.parse::<Ipv4Network>()), "AddressValueError");
    }
    assert_eq!(
        class("fe80::1%a/b".parse::<Ipv6Network>()),
        "NetmaskValueError"
    );
}
