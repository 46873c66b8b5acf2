//! The properties of an address, network or interface, in the order a person
//! reads them and with the names and shapes of FORMAT.md's dicts. The human
//! view, `--json` and the batch driver all print these lists.

use std::fmt::Display;

use ipdb::ip::{Address, Interface, IpAddress, IpError, IpInterface, IpNetwork, Network};
use serde_json::{Map, Value};

use super::int::{json_count, json_u128};

/// Named values, in display order.
pub type Fields = Vec<(&'static str, Value)>;

/// The fields as one JSON object.
pub fn to_object(fields: Fields) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map<_, _>>(),
    )
}

fn text(v: impl Display) -> Value {
    Value::String(v.to_string())
}

/// A property CPython computes by raising: FORMAT.md's field-level error.
fn text_or_err<T: Display>(r: Result<T, IpError>) -> Value {
    match r {
        Ok(v) => text(v),
        Err(e) => field_error(&e),
    }
}

/// `{"err": "Class"}`.
pub fn field_error(e: &IpError) -> Value {
    let mut m = Map::new();
    m.insert("err".into(), Value::from(e.python_class()));
    Value::Object(m)
}

fn opt_text<T: Display>(v: Option<T>) -> Value {
    v.map_or(Value::Null, text)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A [`Display`] from an `Address` formatting method, for generic code.
struct Via<'a, A>(&'a A, fn(&A, &mut dyn std::fmt::Write) -> std::fmt::Result);

impl<A> Display for Via<'_, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.1)(self.0, f)
    }
}

/// The seven flags every address, network and interface has, then
/// `is_site_local` (IPv6 only, `null` for IPv4).
fn flags(out: &mut Fields, f: [bool; 7], site_local: Option<bool>) {
    let names = [
        "is_multicast",
        "is_private",
        "is_global",
        "is_unspecified",
        "is_reserved",
        "is_loopback",
        "is_link_local",
    ];
    out.extend(names.into_iter().zip(f.map(Value::Bool)));
    out.push(("is_site_local", site_local.map_or(Value::Null, Value::Bool)));
}

fn address_flags<A: Address>(a: &A) -> [bool; 7] {
    [
        a.is_multicast(),
        a.is_private(),
        a.is_global(),
        a.is_unspecified(),
        a.is_reserved(),
        a.is_loopback(),
        a.is_link_local(),
    ]
}

/// FORMAT.md's address dict.
pub fn address(a: &IpAddress) -> Fields {
    match a {
        IpAddress::V4(a) => {
            let mut f = address_common(a, &a.packed());
            flags(&mut f, address_flags(a), None);
            f.extend([
                ("ipv4_mapped", Value::Null),
                ("sixtofour", Value::Null),
                ("teredo", Value::Null),
                ("scope_id", Value::Null),
                ("ipv6_mapped", text(a.ipv6_mapped())),
            ]);
            f
        }
        IpAddress::V6(a) => {
            let mut f = address_common(a, &a.packed());
            flags(&mut f, address_flags(a), Some(a.is_site_local()));
            let teredo = a.teredo().map_or(Value::Null, |(server, client)| {
                Value::Array(vec![text(server), text(client)])
            });
            f.extend([
                ("ipv4_mapped", opt_text(a.ipv4_mapped())),
                ("sixtofour", opt_text(a.sixtofour())),
                ("teredo", teredo),
                ("scope_id", opt_text(a.scope_id())),
                ("ipv6_mapped", Value::Null),
            ]);
            f
        }
    }
}

fn address_common<A: Address>(a: &A, packed: &[u8]) -> Fields {
    vec![
        ("version", Value::from(A::VERSION)),
        ("compressed", text(a)),
        ("exploded", text(Via(a, A::fmt_exploded))),
        ("packed_hex", Value::String(hex(packed))),
        ("int", json_u128(a.to_bits())),
        ("reverse_pointer", text(Via(a, A::fmt_reverse_pointer))),
    ]
}

/// FORMAT.md's network dict, then (`extra`) the first and last host and the
/// host range a person wants to see.
pub fn network(n: &IpNetwork, extra: bool) -> Fields {
    match n {
        IpNetwork::V4(n) => network_of(n, None, extra),
        IpNetwork::V6(n) => network_of(n, Some(n.is_site_local()), extra),
    }
}

fn network_of<A: Address>(n: &Network<A>, site_local: Option<bool>, extra: bool) -> Fields {
    let mut f = vec![
        ("version", Value::from(A::VERSION)),
        ("compressed", text(n.compressed())),
        ("exploded", text_or_err(n.exploded())),
        ("network_address", text(n.network_address())),
        ("broadcast_address", text(n.broadcast_address())),
        ("netmask", text(n.netmask())),
        ("hostmask", text(n.hostmask())),
        ("prefixlen", Value::from(n.prefixlen())),
        ("num_addresses", json_count(n.num_addresses())),
        ("with_prefixlen", text(n.with_prefixlen())),
        ("with_netmask", text(n.with_netmask())),
        ("with_hostmask", text(n.with_hostmask())),
        ("reverse_pointer", text_or_err(n.reverse_pointer())),
    ];
    let net_flags = [
        n.is_multicast(),
        n.is_private(),
        n.is_global(),
        n.is_unspecified(),
        n.is_reserved(),
        n.is_loopback(),
        n.is_link_local(),
    ];
    flags(&mut f, net_flags, site_local);
    let hosts = n.hosts();
    f.push((
        "hosts_first3",
        Value::Array(hosts.take(3).map(text).collect()),
    ));
    f.push(("hosts_count", json_count(n.hosts().len())));
    if extra {
        let mut hosts = n.hosts();
        let first = hosts.next();
        let last = hosts.next_back().or(first);
        f.push(("first_host", opt_text(first)));
        f.push(("last_host", opt_text(last)));
        let range = match (first, last) {
            (Some(a), Some(b)) => Value::String(format!("{a} - {b}")),
            _ => Value::Null,
        };
        f.push(("hosts", range));
    }
    f
}

/// FORMAT.md's interface dict (flags with CPython's Interface overrides).
pub fn interface(i: &IpInterface) -> Fields {
    match i {
        IpInterface::V4(i) => interface_of(i, None),
        IpInterface::V6(i) => interface_of(i, Some(i.is_site_local())),
    }
}

fn interface_of<A: Address>(i: &Interface<A>, site_local: Option<bool>) -> Fields {
    let mut f = vec![
        ("version", Value::from(A::VERSION)),
        ("compressed", text(i.compressed())),
        ("exploded", text(i.exploded())),
        ("ip", text(i.ip())),
        ("network", text(i.network())),
        ("netmask", text(i.netmask())),
        ("hostmask", text(i.hostmask())),
        ("prefixlen", Value::from(i.prefixlen())),
        ("with_prefixlen", text(i.with_prefixlen())),
        ("with_netmask", text(i.with_netmask())),
        ("with_hostmask", text(i.with_hostmask())),
        ("reverse_pointer", text(i.reverse_pointer())),
        ("scope_id", opt_text(i.scope_id())),
    ];
    let iface_flags = [
        i.is_multicast(),
        i.is_private(),
        i.is_global(),
        i.is_unspecified(),
        i.is_reserved(),
        i.is_loopback(),
        i.is_link_local(),
    ];
    flags(&mut f, iface_flags, site_local);
    f
}

/// The network of an interface, as the [`IpNetwork`] enum.
pub fn interface_network(i: &IpInterface) -> IpNetwork {
    match i {
        IpInterface::V4(i) => IpNetwork::V4(i.network()),
        IpInterface::V6(i) => IpNetwork::V6(i.network()),
    }
}
