//! Networks: `ipdb_net_*` (iterators are in `iter`, the range
//! algorithms in `ranges`).

use std::ffi::{c_char, c_int, c_uint};

use ipdb::ip::{IpAddress, IpNetwork, Network};

use crate::addr::sign;
use crate::boundary::{guard, input, optional, Failure, Out, TextOut};
use crate::parse::parse_text_into;
use crate::text::*;
use crate::types::{ipdb_addr, ipdb_net};

/// Parses a network: with `version` 0 as CPython `ip_network(text, strict)`,
/// with 4 or 6 as `IPv4Network(text, strict)` / `IPv6Network(text, strict)`.
/// Accepts `addr`, `addr/prefixlen` and for IPv4 `addr/netmask` or
/// `addr/hostmask`. With `strict`, host bits set are `IPDB_VALUE_ERROR`;
/// without, they are cleared.
///
/// - `text`, `text_len`: the text (no NUL needed), borrowed for the call.
/// - `out`: receives the network on success only.
///
/// Errors: `IPDB_NULL_PARAMETER`, `IPDB_INVALID_UTF8`,
/// `IPDB_INVALID_ARGUMENT` (bad `version`), `IPDB_ADDRESS_VALUE_ERROR`,
/// `IPDB_NETMASK_VALUE_ERROR`, `IPDB_VALUE_ERROR`.
///
/// # Safety
/// `text` points to `text_len` readable bytes; `out` to a writable `ipdb_net`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_parse(
    text: *const c_char,
    text_len: usize,
    version: c_int,
    strict: bool,
    out: *mut ipdb_net,
) -> c_int {
    guard(|| parse_text_into::<IpNetwork, _>(text, text_len, version, strict, out))
}

/// The network `addr/prefixlen`. With `strict`, host bits set in `addr` are
/// `IPDB_VALUE_ERROR`; without, they are cleared (dropping a scope id, as
/// CPython). A prefix length above the maximum is `IPDB_NETMASK_VALUE_ERROR`.
///
/// # Safety
/// `addr` points to an `ipdb_addr`; `out` to a writable `ipdb_net`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_from_addr(
    addr: *const ipdb_addr,
    prefixlen: c_uint,
    strict: bool,
    out: *mut ipdb_net,
) -> c_int {
    guard(|| {
        let a = input(addr, "addr")?.check("addr")?;
        let out = Out::new(out, "out")?;
        // Out-of-range lengths saturate to 255, which every version refuses.
        let p = u8::try_from(prefixlen).unwrap_or(u8::MAX);
        let n = match (a, strict) {
            (IpAddress::V4(a), true) => IpNetwork::V4(Network::new(a, p)?),
            (IpAddress::V4(a), false) => IpNetwork::V4(Network::new_truncate(a, p)?),
            (IpAddress::V6(a), true) => IpNetwork::V6(Network::new(a, p)?),
            (IpAddress::V6(a), false) => IpNetwork::V6(Network::new_truncate(a, p)?),
        };
        out.put(&n)?;
        Ok(())
    })
}

/// Writes a network as text: `IPDB_TEXT_COMPRESSED` / `IPDB_TEXT_WITH_PREFIXLEN`
/// (`192.0.2.0/24`), `IPDB_TEXT_WITH_NETMASK` (`192.0.2.0/255.255.255.0`),
/// `IPDB_TEXT_WITH_HOSTMASK`, `IPDB_TEXT_EXPLODED`, `IPDB_TEXT_REVERSE_POINTER`
/// (CPython's: the reversed text, prefix included). Exploded and reverse
/// pointer of a network with a scope id fail with `IPDB_ADDRESS_VALUE_ERROR`,
/// as in CPython.
///
/// - `buf`, `len`: the caller's buffer; receives the text and a NUL
///   (`IPDB_TEXT_SIZE` always suffices).
/// - `out_len`: the text length without the NUL, also on
///   `IPDB_BUFFER_TOO_SMALL` (then `buf` is untouched).
///
/// # Safety
/// `net` points to an `ipdb_net`; `buf` to `len` writable bytes; `out_len`
/// to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_format(
    net: *const ipdb_net,
    style: c_int,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let out = TextOut::new(buf, len, out_len, "buf")?;
        match style {
            IPDB_TEXT_COMPRESSED | IPDB_TEXT_WITH_PREFIXLEN => {
                write_display(out, &n.with_prefixlen())
            }
            IPDB_TEXT_WITH_NETMASK => write_display(out, &n.with_netmask()),
            IPDB_TEXT_WITH_HOSTMASK => write_display(out, &n.with_hostmask()),
            IPDB_TEXT_EXPLODED => write_display(out, &n.exploded()?),
            IPDB_TEXT_REVERSE_POINTER => write_display(out, &n.reverse_pointer()?),
            _ => Err(bad_style()),
        }
    })
}

/// The network's properties as `IPDB_FLAG_*` bits (CPython's network
/// predicates: e.g. `is_private` when both the network and broadcast
/// addresses are private).
///
/// # Safety
/// `net` points to an `ipdb_net`; `out_flags` to a writable `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_flags(net: *const ipdb_net, out_flags: *mut u32) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        Out::new(out_flags, "out_flags")?.write(common_flags!(&n));
        Ok(())
    })
}

/// Shared body of the getters that turn a network into one address.
fn net_addr(
    net: *const ipdb_net,
    out: *mut ipdb_addr,
    get: impl FnOnce(&IpNetwork) -> Result<IpAddress, Failure>,
) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let out = Out::new(out, "out")?;
        out.put(&get(&n)?)?;
        Ok(())
    })
}

/// `broadcast_address`: the last address of the network.
///
/// # Safety
/// `net` points to an `ipdb_net`; `out` to a writable `ipdb_addr`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_broadcast_address(
    net: *const ipdb_net,
    out: *mut ipdb_addr,
) -> c_int {
    net_addr(net, out, |n| Ok(n.broadcast_address()))
}

/// `netmask` as an address (`255.255.255.0`).
///
/// # Safety
/// As `ipdb_net_broadcast_address`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_netmask(net: *const ipdb_net, out: *mut ipdb_addr) -> c_int {
    net_addr(net, out, |n| Ok(n.netmask()))
}

/// `hostmask` as an address (`0.0.0.255`).
///
/// # Safety
/// As `ipdb_net_broadcast_address`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_hostmask(net: *const ipdb_net, out: *mut ipdb_addr) -> c_int {
    net_addr(net, out, |n| Ok(n.hostmask()))
}

/// `network[index]`: negative `index` counts from the end (-1 is the
/// broadcast address); out of range is `IPDB_INDEX_ERROR`.
///
/// # Safety
/// As `ipdb_net_broadcast_address`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_get(
    net: *const ipdb_net,
    index: i64,
    out: *mut ipdb_addr,
) -> c_int {
    net_addr(net, out, |n| Ok(n.get(i128::from(index))?))
}

/// `num_addresses`, saturated at `UINT64_MAX` (IPv6 networks shorter than
/// /64 have more; the exact count is 2^(max_prefixlen - prefixlen)).
///
/// # Safety
/// `net` points to an `ipdb_net`; `out` to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_num_addresses(net: *const ipdb_net, out: *mut u64) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let count = n
            .num_addresses()
            .and_then(|c| u64::try_from(c).ok())
            .unwrap_or(u64::MAX);
        Out::new(out, "out")?.write(count);
        Ok(())
    })
}

/// `addr in net`: false (not an error) across versions, as in CPython; scope
/// ids are ignored.
///
/// # Safety
/// `net` points to an `ipdb_net`, `addr` to an `ipdb_addr`; `out` to a
/// writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_contains(
    net: *const ipdb_net,
    addr: *const ipdb_addr,
    out: *mut bool,
) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let a = input(addr, "addr")?.check("addr")?;
        Out::new(out, "out")?.write(n.contains(&a));
        Ok(())
    })
}

/// Shared body of the two-network predicates and comparisons.
fn pair<T>(
    a: *const ipdb_net,
    b: *const ipdb_net,
    out: *mut T,
    f: impl FnOnce(&IpNetwork, &IpNetwork) -> Result<T, Failure>,
) -> c_int {
    guard(|| {
        let a = input(a, "a")?.check("a")?;
        let b = input(b, "b")?.check("b")?;
        let out = Out::new(out, "out")?;
        out.write(f(&a, &b)?);
        Ok(())
    })
}

/// True when `a` and `b` share an address; false across versions.
///
/// # Safety
/// `a`, `b` point to `ipdb_net`s; `out` to a writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_overlaps(
    a: *const ipdb_net,
    b: *const ipdb_net,
    out: *mut bool,
) -> c_int {
    pair(a, b, out, |a, b| Ok(a.overlaps(b)))
}

/// True when `a` lies inside `b` (CPython `a.subnet_of(b)`);
/// `IPDB_TYPE_ERROR` across versions.
///
/// # Safety
/// As `ipdb_net_overlaps`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_subnet_of(
    a: *const ipdb_net,
    b: *const ipdb_net,
    out: *mut bool,
) -> c_int {
    pair(a, b, out, |a, b| Ok(a.subnet_of(b)?))
}

/// True when `b` lies inside `a` (CPython `a.supernet_of(b)`);
/// `IPDB_TYPE_ERROR` across versions.
///
/// # Safety
/// As `ipdb_net_overlaps`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_supernet_of(
    a: *const ipdb_net,
    b: *const ipdb_net,
    out: *mut bool,
) -> c_int {
    pair(a, b, out, |a, b| Ok(a.supernet_of(b)?))
}

/// Total order for sorting: `*out` is -1, 0 or 1. IPv4 before IPv6; within a
/// version CPython's network order (network address, scope id included,
/// then prefix length).
///
/// # Safety
/// `a`, `b` point to `ipdb_net`s; `out` to a writable `int`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_compare(
    a: *const ipdb_net,
    b: *const ipdb_net,
    out: *mut c_int,
) -> c_int {
    pair(a, b, out, |a, b| Ok(sign(a.cmp(b))))
}

/// CPython `a.compare_networks(b)`: network addresses as integers, then
/// netmasks (scope ids ignored); `IPDB_TYPE_ERROR` across versions.
///
/// # Safety
/// As `ipdb_net_compare`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_compare_networks(
    a: *const ipdb_net,
    b: *const ipdb_net,
    out: *mut c_int,
) -> c_int {
    pair(a, b, out, |a, b| Ok(sign(a.compare_networks(b)?)))
}

/// CPython `net.supernet(prefixlen_diff=1, new_prefix=None)`: the network
/// containing `net` at a shorter prefix. A /0 gives itself.
///
/// - `prefixlen_diff`, `new_prefix`: optional; NULL means "not given"
///   (then `prefixlen_diff` is 1). Giving both with `*prefixlen_diff != 1`,
///   or a prefix that ends up outside 0..=max, is `IPDB_VALUE_ERROR`.
///
/// # Safety
/// `net` points to an `ipdb_net`; non-NULL `prefixlen_diff`, `new_prefix`
/// point to `int64_t`s; `out` to a writable `ipdb_net`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_supernet(
    net: *const ipdb_net,
    prefixlen_diff: *const i64,
    new_prefix: *const i64,
    out: *mut ipdb_net,
) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let out = Out::new(out, "out")?;
        let s = n.supernet(optional(prefixlen_diff), optional(new_prefix))?;
        out.put(&s)?;
        Ok(())
    })
}
