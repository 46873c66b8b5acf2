//! The conformance ops of conformance/FORMAT.md: JSON arguments in, JSON
//! result (or the CPython exception class) out.
//!
//! The IP math is the core's; what lives here is the Python around it:
//! unbounded integer arguments, the order CPython checks things in, and the
//! comparisons CPython derives with `functools.total_ordering`, where an
//! IPv6 scope id counts for `==` but not for `<`.

use std::cmp::Ordering;
use std::fmt;

use ipdb::ip::{
    collapse_addresses, summarize_address_range, v4_int_to_packed, v6_int_to_packed, Address,
    IpAddress, IpError, IpInterface, IpNetwork, Ipv4Address, Ipv4Interface, Ipv4Network,
    Ipv6Address, Ipv6Interface, Ipv6Network, Network,
};
use serde_json::Value;

use super::fields::{self, to_object};
use super::int::{json_count, BigInt};
use super::sort::{sort_mixed, Item};

/// Why an op gave no result.
#[derive(Debug)]
pub enum Failure {
    /// CPython raised this exception class.
    Python(&'static str),
    /// The request itself is malformed (wrong op, arity or argument type).
    Request(String),
}

impl From<IpError> for Failure {
    fn from(e: IpError) -> Self {
        Failure::Python(e.python_class())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Python(class) => f.write_str(class),
            Failure::Request(why) => write!(f, "bad request: {why}"),
        }
    }
}

type Answer = Result<Value, Failure>;

const VALUE_ERROR: Failure = Failure::Python("ValueError");
const TYPE_ERROR: Failure = Failure::Python("TypeError");
const ADDRESS_VALUE_ERROR: Failure = Failure::Python("AddressValueError");

/// CPython answers a format width it cannot allocate with `MemoryError`;
/// the batch driver refuses any result above this many bytes the same way
/// instead of letting one request (`">99999999999s"`) exhaust memory.
const FORMAT_LIMIT: usize = 1 << 24;
const MEMORY_ERROR: Failure = Failure::Python("MemoryError");

/// A `String` that refuses to grow past [`FORMAT_LIMIT`].
struct Bounded(String);

impl fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.0.len() + s.len() > FORMAT_LIMIT {
            self.0.truncate(FORMAT_LIMIT);
            self.0
                .extend(std::iter::repeat_n(' ', FORMAT_LIMIT - self.0.len()));
            return Err(fmt::Error);
        }
        self.0.push_str(s);
        Ok(())
    }
}

/// The positional arguments of one request, with typed accessors.
struct Args<'a>(&'a [Value]);

impl<'a> Args<'a> {
    fn get(&self, i: usize) -> Result<&'a Value, Failure> {
        self.0
            .get(i)
            .ok_or_else(|| Failure::Request(format!("args[{i}] missing")))
    }
    fn str(&self, i: usize) -> Result<&'a str, Failure> {
        self.get(i)?
            .as_str()
            .ok_or_else(|| Failure::Request(format!("args[{i}] must be a string")))
    }
    fn bool(&self, i: usize) -> Result<bool, Failure> {
        self.get(i)?
            .as_bool()
            .ok_or_else(|| Failure::Request(format!("args[{i}] must be a boolean")))
    }
    fn int(&self, i: usize) -> Result<BigInt, Failure> {
        BigInt::from_json(self.get(i)?)
            .ok_or_else(|| Failure::Request(format!("args[{i}] must be an integer")))
    }
    fn opt_int(&self, i: usize) -> Result<Option<BigInt>, Failure> {
        match self.get(i)? {
            Value::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }
    fn strs(&self, i: usize) -> Result<Vec<&'a str>, Failure> {
        let bad = || Failure::Request(format!("args[{i}] must be a list of strings"));
        self.get(i)?
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|v| v.as_str().ok_or_else(bad))
            .collect()
    }
    fn addr(&self, i: usize) -> Result<IpAddress, Failure> {
        Ok(self.str(i)?.parse()?)
    }
    fn net(&self, i: usize) -> Result<IpNetwork, Failure> {
        Ok(self.str(i)?.parse()?)
    }
}

/// Evaluate one op.
pub fn eval(op: &str, args: &[Value]) -> Answer {
    let a = Args(args);
    match op {
        "address" => Ok(to_object(fields::address(&a.addr(0)?))),
        "ipv4_address" => Ok(to_object(fields::address(&IpAddress::V4(
            a.str(0)?.parse::<Ipv4Address>()?,
        )))),
        "ipv6_address" => Ok(to_object(fields::address(&IpAddress::V6(
            a.str(0)?.parse::<Ipv6Address>()?,
        )))),
        "address_from_int" => address_from_int(&a),
        "address_add" => offset(a.addr(0)?, a.int(1)?),
        "address_sub" => offset(a.addr(0)?, a.int(1)?.negated()),
        "compare_addresses" => compare_addresses(a.addr(0)?, a.addr(1)?),
        "address_format" => {
            let mut out = Bounded(String::new());
            match a.addr(0)?.format_spec(a.str(1)?, &mut out) {
                // Only the bound makes a `fmt::Write` fail here.
                Err(_) if out.0.len() >= FORMAT_LIMIT => Err(MEMORY_ERROR),
                r => r.map(|()| Value::String(out.0)).map_err(Failure::from),
            }
        }
        "network" => network_dict(IpNetwork::parse(a.str(0)?, a.bool(1)?)?),
        "ipv4_network" => network_dict(IpNetwork::V4(Ipv4Network::parse(a.str(0)?, a.bool(1)?)?)),
        "ipv6_network" => network_dict(IpNetwork::V6(Ipv6Network::parse(a.str(0)?, a.bool(1)?)?)),
        "subnets" => {
            let (d, p) = prefix_args(&a)?;
            match a.net(0)? {
                IpNetwork::V4(n) => subnets(&n, d, p),
                IpNetwork::V6(n) => subnets(&n, d, p),
            }
        }
        "supernet" => {
            let (d, p) = prefix_args(&a)?;
            Ok(text(match a.net(0)? {
                IpNetwork::V4(n) => n.supernet(d, p)?.to_string(),
                IpNetwork::V6(n) => n.supernet(d, p)?.to_string(),
            }))
        }
        "address_exclude" => match same_version(a.net(0)?, a.net(1)?)? {
            Pair::V4(x, y) => Ok(texts(x.address_exclude(&y)?)),
            Pair::V6(x, y) => Ok(texts(x.address_exclude(&y)?)),
        },
        "overlaps" => Ok(Value::Bool(match (a.net(0)?, a.net(1)?) {
            (IpNetwork::V4(x), IpNetwork::V4(y)) => x.overlaps(&y),
            (IpNetwork::V6(x), IpNetwork::V6(y)) => x.overlaps(&y),
            _ => false,
        })),
        "subnet_of" => Ok(Value::Bool(match same_version(a.net(0)?, a.net(1)?)? {
            Pair::V4(x, y) => x.subnet_of(&y),
            Pair::V6(x, y) => x.subnet_of(&y),
        })),
        "supernet_of" => Ok(Value::Bool(match same_version(a.net(0)?, a.net(1)?)? {
            Pair::V4(x, y) => x.supernet_of(&y),
            Pair::V6(x, y) => x.supernet_of(&y),
        })),
        "compare_networks" => {
            let ord = match same_version(a.net(0)?, a.net(1)?)? {
                Pair::V4(x, y) => x.compare_networks(&y),
                Pair::V6(x, y) => x.compare_networks(&y),
            };
            Ok(Value::from(ord as i8))
        }
        "contains" => {
            // CPython evaluates `ip_address(addr) in ip_network(net)`: the
            // address is parsed first.
            let addr = a.addr(1)?;
            Ok(Value::Bool(match (a.net(0)?, addr) {
                (IpNetwork::V4(n), IpAddress::V4(x)) => n.contains(&x),
                (IpNetwork::V6(n), IpAddress::V6(x)) => n.contains(&x),
                _ => false,
            }))
        }
        "network_getitem" => {
            let i = a.int(1)?;
            Ok(text(match a.net(0)? {
                IpNetwork::V4(n) => getitem(&n, i)?.to_string(),
                IpNetwork::V6(n) => getitem(&n, i)?.to_string(),
            }))
        }
        "interface" => Ok(to_object(fields::interface(
            &a.str(0)?.parse::<IpInterface>()?,
        ))),
        "ipv4_interface" => Ok(to_object(fields::interface(&IpInterface::V4(
            a.str(0)?.parse::<Ipv4Interface>()?,
        )))),
        "ipv6_interface" => Ok(to_object(fields::interface(&IpInterface::V6(
            a.str(0)?.parse::<Ipv6Interface>()?,
        )))),
        "collapse" => collapse(&a.strs(0)?),
        "summarize" => match (a.addr(0)?, a.addr(1)?) {
            (IpAddress::V4(x), IpAddress::V4(y)) => Ok(texts(summarize_address_range(x, y)?)),
            (IpAddress::V6(x), IpAddress::V6(y)) => Ok(texts(summarize_address_range(x, y)?)),
            _ => Err(TYPE_ERROR),
        },
        "sort_mixed" => {
            let mut items = a
                .strs(0)?
                .into_iter()
                .map(|s| {
                    if s.contains('/') {
                        s.parse().map(Item::Net)
                    } else {
                        s.parse().map(Item::Addr)
                    }
                })
                .collect::<Result<Vec<_>, IpError>>()?;
            sort_mixed(&mut items);
            Ok(Value::Array(
                items
                    .iter()
                    .map(|i| match i {
                        Item::Addr(a) => text(a),
                        Item::Net(n) => text(n),
                    })
                    .collect(),
            ))
        }
        "v4_int_to_packed" => {
            let n = a.int(0)?.to_u128().ok_or(VALUE_ERROR)?;
            Ok(Value::String(hex(&v4_int_to_packed(n)?)))
        }
        "v6_int_to_packed" => {
            let n = a.int(0)?.to_u128().ok_or(VALUE_ERROR)?;
            Ok(Value::String(hex(&v6_int_to_packed(n)?)))
        }
        _ => Err(Failure::Request(format!("unknown op {op:?}"))),
    }
}

fn text(v: impl fmt::Display) -> Value {
    Value::String(v.to_string())
}

fn texts<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Array(items.into_iter().map(text).collect())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn network_dict(n: IpNetwork) -> Answer {
    Ok(to_object(fields::network(&n, false)))
}

/// Two networks of one version; CPython raises `TypeError` for a mix.
enum Pair {
    V4(Ipv4Network, Ipv4Network),
    V6(Ipv6Network, Ipv6Network),
}

fn same_version(x: IpNetwork, y: IpNetwork) -> Result<Pair, Failure> {
    match (x, y) {
        (IpNetwork::V4(x), IpNetwork::V4(y)) => Ok(Pair::V4(x, y)),
        (IpNetwork::V6(x), IpNetwork::V6(y)) => Ok(Pair::V6(x, y)),
        _ => Err(TYPE_ERROR),
    }
}

/// `IPv4Address(n)` / `IPv6Address(n)` / `ip_address(n)` for any integer.
fn address_from_int(a: &Args) -> Answer {
    let n = a.int(1)?;
    let addr = match a.get(0)?.as_u64() {
        Some(4) => IpAddress::V4(Ipv4Address::from_int(
            n.to_i128().ok_or(ADDRESS_VALUE_ERROR)?,
        )?),
        Some(6) => IpAddress::V6(Ipv6Address::from_u128(
            n.to_u128().ok_or(ADDRESS_VALUE_ERROR)?,
        )),
        Some(0) => IpAddress::from_int(n.to_u128().ok_or(VALUE_ERROR)?),
        _ => return Err(Failure::Request("args[0] must be 0, 4 or 6".into())),
    };
    Ok(to_object(fields::address(&addr)))
}

/// `str(addr + k)` for any integer `k` (a negative `k` subtracts).
fn offset(addr: IpAddress, k: BigInt) -> Answer {
    // Beyond 2**128 every offset leaves the address space.
    let m = k.magnitude.ok_or(ADDRESS_VALUE_ERROR)?;
    Ok(text(addr.checked_offset(k.negative, m)?))
}

/// `{"lt": a < b, "eq": a == b, "gt": a > b}` with CPython's semantics:
/// `<` compares the integers, `==` also the scope id, and `>` is
/// `total_ordering`'s "not less and not equal".
fn compare_addresses(x: IpAddress, y: IpAddress) -> Answer {
    let (bx, by) = match (x, y) {
        (IpAddress::V4(p), IpAddress::V4(q)) => (p.to_bits(), q.to_bits()),
        (IpAddress::V6(p), IpAddress::V6(q)) => (p.to_bits(), q.to_bits()),
        _ => return Err(TYPE_ERROR),
    };
    let (lt, eq) = (bx < by, x == y);
    let mut m = serde_json::Map::new();
    m.insert("lt".into(), Value::Bool(lt));
    m.insert("eq".into(), Value::Bool(eq));
    m.insert("gt".into(), Value::Bool(!lt && !eq));
    Ok(Value::Object(m))
}

/// `prefixlen_diff` and `new_prefix`; values beyond `i64` act like the bound
/// (out of range either way).
fn prefix_args(a: &Args) -> Result<(Option<i64>, Option<i64>), Failure> {
    Ok((
        a.opt_int(1)?.map(BigInt::to_i64_saturating),
        a.opt_int(2)?.map(BigInt::to_i64_saturating),
    ))
}

fn subnets<A: Address>(n: &Network<A>, d: Option<i64>, p: Option<i64>) -> Answer {
    let mut it = n.subnets(d, p)?;
    let count = it.len();
    let list = match count {
        Some(c) if c <= 64 => Some(texts(it)),
        _ => None,
    };
    let first = it.next().ok_or(VALUE_ERROR)?;
    let last = it.next_back().unwrap_or(first);
    let mut m = serde_json::Map::new();
    m.insert("count".into(), json_count(count));
    m.insert("first".into(), text(first));
    m.insert("last".into(), text(last));
    m.insert("list".into(), list.unwrap_or(Value::Null));
    Ok(Value::Object(m))
}

/// `net[i]` for any integer `i`: `net[m]` is `m` steps after the network
/// address, `net[-m]` is `m - 1` steps before the broadcast address. Beyond
/// `2**128` (`-2**128` still indexes `::/0`) every index is out of range.
fn getitem<A: Address>(n: &Network<A>, i: BigInt) -> Result<A, Failure> {
    let index_error = || Failure::Python("IndexError");
    Ok(match (i.negative, i.magnitude) {
        (false, Some(m)) => n.get_from_start(m)?,
        (true, Some(m)) => n.get_from_end(m - 1)?,
        (true, None) if i.pow128 => n.get_from_end(u128::MAX)?,
        _ => return Err(index_error()),
    })
}

/// `collapse_addresses(map(ip_network, items))` with CPython's checks in
/// CPython's order: items are parsed one by one; a /32 (/128) must match the
/// version of the previous /32 (/128), any other network that of the
/// previous other network (`TypeError`); a mix that passes those checks
/// fails when the results are sorted together (`TypeError`).
fn collapse(items: &[&str]) -> Answer {
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    let (mut last_single, mut last_other) = (None, None);
    for s in items {
        let n: IpNetwork = s.parse()?;
        let (version, single) = match n {
            IpNetwork::V4(n) => (4, n.prefixlen() == 32),
            IpNetwork::V6(n) => (6, n.prefixlen() == 128),
        };
        let last = if single {
            &mut last_single
        } else {
            &mut last_other
        };
        if last.is_some_and(|v| v != version) {
            return Err(TYPE_ERROR);
        }
        *last = Some(version);
        match n {
            IpNetwork::V4(n) => v4.push(n),
            IpNetwork::V6(n) => v6.push(n),
        }
    }
    if !v4.is_empty() && !v6.is_empty() {
        return Err(TYPE_ERROR);
    }
    let n4 = collapse_addresses(&mut v4);
    let n6 = collapse_addresses(&mut v6);
    Ok(Value::Array(
        v4[..n4]
            .iter()
            .map(text)
            .chain(v6[..n6].iter().map(text))
            .collect(),
    ))
}

// `Ordering as i8` gives -1 / 0 / 1; keep that link visible.
const _: () = assert!(Ordering::Less as i8 == -1 && Ordering::Greater as i8 == 1);
