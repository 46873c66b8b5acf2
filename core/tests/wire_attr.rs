//! The attribute walk and typed getters, on hand-laid bytes whose every
//! field is commented, plus hostile framing.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;

// IFLA_IFNAME "v0", IFLA_OPERSTATE 6, then a nested IFLA_LINKINFO holding
// IFLA_INFO_KIND "veth", then an unknown attribute 999 with 2 bytes.
static ATTRS: [u8; 52] = [
    0x07, 0x00, 0x03, 0x00, b'v', b'0', 0x00, 0x00, // len 7, IFLA_IFNAME, "v0\0" + 1 pad
    0x05, 0x00, 0x10, 0x00, 0x06, 0x00, 0x00, 0x00, // len 5, IFLA_OPERSTATE, 6 + 3 pad
    0x10, 0x00, 0x12, 0x80, // len 16, IFLA_LINKINFO | NLA_F_NESTED
    0x09, 0x00, 0x01, 0x00, b'v', b'e', b't', b'h', 0x00, 0x00, 0x00,
    0x00, // len 9, IFLA_INFO_KIND "veth\0"
    0x06, 0x00, 0xe7, 0x03, 0xaa, 0xbb, 0x00, 0x00, // len 6, type 999, 2 bytes + 2 pad
    0x08, 0x00, 0x04, 0x00, 0x78, 0x05, 0x00, 0x00, // len 8, IFLA_MTU 1400
    0x04, 0x00, 0x06, 0x00, // len 4, IFLA_QDISC, empty
];

#[test]
fn read_attribute_fields() {
    let a = RtattrBuf::new_checked(&ATTRS[16..]).unwrap();
    assert_eq!(a.len(), 16);
    assert_eq!(a.raw_kind(), IFLA_LINKINFO | NLA_F_NESTED);
    assert_eq!(a.kind(), IFLA_LINKINFO);
    assert_eq!(a.payload(), &ATTRS[20..32]);
}

#[test]
fn write_attribute_fields() {
    let mut b = [0u8; 8];
    let mut a = RtattrBuf::new_unchecked(&mut b[..]);
    a.set_len(8);
    a.set_kind(IFLA_MTU);
    a.payload_mut().copy_from_slice(&1400u32.to_ne_bytes());
    assert_eq!(&b, &ATTRS[40..48]);
}

#[test]
fn walk_typed_getters_and_nesting() {
    let v: Vec<Attr<'_>> = Attrs::new(&ATTRS).map(Result::unwrap).collect();
    let kinds: Vec<u16> = v.iter().map(|a| a.kind()).collect();
    assert_eq!(
        kinds,
        [
            IFLA_IFNAME,
            IFLA_OPERSTATE,
            IFLA_LINKINFO,
            999,
            IFLA_MTU,
            IFLA_QDISC
        ]
    );
    assert_eq!(
        v.iter().map(|a| a.offset()).collect::<Vec<_>>(),
        [0, 8, 16, 32, 40, 48]
    );
    assert_eq!(v[0].str().unwrap(), "v0");
    assert_eq!(v[0].get::<IfName>().unwrap().as_str(), Some("v0"));
    assert_eq!(v[1].u8().unwrap(), 6);
    let inner: Vec<Attr<'_>> = v[2].nested().map(Result::unwrap).collect();
    assert_eq!(inner.len(), 1);
    assert_eq!(inner[0].offset(), 20); // offsets stay absolute inside nests
    assert_eq!(inner[0].str().unwrap(), "veth");
    assert_eq!(v[3].payload(), &[0xaa, 0xbb]); // unknown: reachable raw
    assert_eq!(v[4].u32().unwrap(), 1400);
    assert_eq!(v[5].payload(), b"");
    assert_eq!(v[5].get::<IfName>().unwrap(), IfName::default()); // empty string
                                                                  // Wrong sizes are errors naming the attribute and where it was.
    assert_eq!(
        v[3].u32().unwrap_err(),
        Error::new(ErrorKind::BadAttribute(999), 32)
    );
    assert_eq!(
        v[5].u8().unwrap_err(),
        Error::new(ErrorKind::BadAttribute(IFLA_QDISC), 48)
    );
    assert!(v[4].ip().is_ok()); // 4 bytes are an IPv4 address
    assert_eq!(
        Attrs::new(&ATTRS)
            .find(IFLA_MTU)
            .unwrap()
            .unwrap()
            .u32()
            .unwrap(),
        1400
    );
    assert!(Attrs::new(&ATTRS).find(IFLA_MASTER).unwrap().is_none());
}

#[test]
fn integers_read_their_prefix_and_be_values_are_network_order() {
    let a = Attrs::new(&[8, 0, 1, 0, 0x12, 0xb5, 0, 0])
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(a.be16().unwrap(), 0x12b5); // 4789 as a vxlan port
    assert_eq!(a.u16().unwrap(), u16::from_ne_bytes([0x12, 0xb5]));
    assert_eq!(a.u8().unwrap(), 0x12);
    assert_eq!(a.be32().unwrap(), 0x12b5_0000);
    assert!(a.u64().is_err());
}

#[test]
fn addresses_by_size() {
    let v4 = [8, 0, 1, 0, 10, 0, 0, 1];
    let a = Attrs::new(&v4).next().unwrap().unwrap();
    assert_eq!(a.ip().unwrap(), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    let mut v6 = [0u8; 20];
    v6[0] = 20;
    v6[2] = 1;
    v6[4..].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
    let a = Attrs::new(&v6).next().unwrap().unwrap();
    assert_eq!(a.ip().unwrap(), IpAddr::V6(Ipv6Addr::LOCALHOST));
    assert!(a.get::<Ipv4Addr>().is_err());
    let odd = [9, 0, 1, 0, 1, 2, 3, 4, 5, 0, 0, 0];
    assert!(Attrs::new(&odd).next().unwrap().unwrap().ip().is_err());
}

#[test]
fn names_with_and_without_nul_and_too_long() {
    let no_nul = [6, 0, 3, 0, b'a', b'b', 0, 0];
    assert_eq!(
        Attrs::new(&no_nul)
            .next()
            .unwrap()
            .unwrap()
            .get::<IfName>()
            .unwrap()
            .as_str(),
        Some("ab")
    );
    let mut long = [0u8; 24];
    long[0] = 21;
    long[2] = 3;
    long[4..21].copy_from_slice(b"abcdefghijklmnopq"); // 17 bytes > 15
    let a = Attrs::new(&long).next().unwrap().unwrap();
    assert_eq!(
        a.get::<IfName>().unwrap_err(),
        Error::new(ErrorKind::BadAttribute(3), 0)
    );
    assert_eq!(a.get::<IfAlias>().unwrap().len(), 17);
    let not_utf8 = [6, 0, 3, 0, 0xff, b'a', 0, 0];
    let a = Attrs::new(&not_utf8).next().unwrap().unwrap();
    assert!(a.str().is_err());
    let n: IfName = a.get().unwrap();
    assert_eq!(n.as_bytes(), &[0xff, b'a']);
    assert_eq!(std::format!("{n}"), "\\xffa");
}

#[test]
fn hostile_framing() {
    // rta_len below the header size.
    let mut it = Attrs::with_base(&[2, 0, 1, 0, 0, 0, 0, 0], 100);
    assert_eq!(
        it.next().unwrap().unwrap_err(),
        Error::new(ErrorKind::BadLength, 100)
    );
    assert!(it.next().is_none());
    // rta_len past the end.
    let mut it = Attrs::new(&[8, 0, 1, 0, 0, 0, 0, 0, 12, 0, 1, 0, 0, 0, 0, 0]);
    assert!(it.next().unwrap().is_ok());
    assert_eq!(
        it.next().unwrap().unwrap_err(),
        Error::new(ErrorKind::Truncated, 8)
    );
    // A partial header that is not padding.
    let mut it = Attrs::new(&[8, 0, 1, 0, 0, 0, 0, 0, 5, 0]);
    it.next();
    assert_eq!(
        it.next().unwrap().unwrap_err(),
        Error::new(ErrorKind::Truncated, 8)
    );
    // A whole zero header is not padding: its length 0 is below the header size.
    assert_eq!(
        Attrs::new(&[5, 0, 1, 0, 7, 0, 0, 0, 0, 0, 0, 0])
            .nth(1)
            .unwrap()
            .unwrap_err(),
        Error::new(ErrorKind::BadLength, 8)
    );
    // Zero padding after the last attribute is fine.
    assert_eq!(Attrs::new(&[5, 0, 1, 0, 7, 0, 0]).count(), 1);
    // The last attribute may lack its padding.
    assert_eq!(Attrs::new(&[5, 0, 1, 0, 7]).map(Result::unwrap).count(), 1);
    assert!(Attrs::new(&ATTRS).validate().is_ok());
    // Cutting inside the empty IFLA_QDISC header is a truncation at 48.
    assert_eq!(
        Attrs::new(&ATTRS[..50]).validate().unwrap_err(),
        Error::new(ErrorKind::Truncated, 48)
    );
}

#[test]
fn every_cut_of_the_walk_is_clean() {
    for cut in 0..ATTRS.len() {
        for a in Attrs::new(&ATTRS[..cut]).flatten() {
            let _ = (a.u32(), a.str(), a.ip(), a.nested().validate());
        }
    }
}
