//! Iterator handles for the unbounded sequences: hosts, addresses and
//! subnets of a network. (Bounded results, such as `address_exclude` and
//! `summarize`, go into caller arrays instead; see `ranges`.)

use std::ffi::c_int;

use ipdb::ip::{
    Addresses, Hosts, IpAddress, IpNetwork, Ipv4Address, Ipv6Address, Subnets, Versioned,
};

use crate::boundary::{free_handle, guard, handle, input, optional, Failure, Out, Tagged};
use crate::types::{ipdb_addr, ipdb_net};

// Handles are `repr(C)` with their tag first (see `Tagged`). The repr sits
// in a `cfg_attr` so cbindgen, which does not expand it, keeps the types
// opaque in the header.

/// A lazy sequence of addresses (`ipdb_net_hosts`, `ipdb_net_addresses`).
/// Opaque; owned by the caller until `ipdb_addr_iter_free`. It holds no
/// reference to the network it came from. Not thread-safe: use one handle
/// from one thread at a time (different handles are independent).
#[cfg_attr(all(), repr(C))]
pub struct ipdb_addr_iter {
    tag: u32,
    items: AddrItems,
}

// SAFETY: repr(C), `tag: u32` first, set to TAG by the constructors.
unsafe impl Tagged for ipdb_addr_iter {
    const TAG: u32 = 0x1bdb_a171;
}

enum AddrItems {
    Hosts(Versioned<Hosts<Ipv4Address>, Hosts<Ipv6Address>>),
    All(Versioned<Addresses<Ipv4Address>, Addresses<Ipv6Address>>),
}

/// A lazy sequence of networks (`ipdb_net_subnets`). Same ownership and
/// threading rules as `ipdb_addr_iter`.
#[cfg_attr(all(), repr(C))]
pub struct ipdb_net_iter {
    tag: u32,
    items: Versioned<Subnets<Ipv4Address>, Subnets<Ipv6Address>>,
}

// SAFETY: repr(C), `tag: u32` first, set to TAG by the constructor.
unsafe impl Tagged for ipdb_net_iter {
    const TAG: u32 = 0x1bdb_4e71;
}

/// Starts an iterator over the usable hosts of `net`, CPython's
/// `net.hosts()`: all addresses but the network and (IPv4) broadcast
/// address; a /31 or /127 gives both, a /32 or /128 the one address.
///
/// - `out`: receives a new handle on success; free it with
///   `ipdb_addr_iter_free`. Read items with `ipdb_addr_iter_next`.
///
/// # Safety
/// `net` points to an `ipdb_net`; `out` to a writable `ipdb_addr_iter *`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_hosts(
    net: *const ipdb_net,
    out: *mut *mut ipdb_addr_iter,
) -> c_int {
    start_addr_iter(net, out, |n| AddrItems::Hosts(n.hosts()))
}

/// Starts an iterator over every address of `net`, in order (CPython
/// `iter(net)`). Ownership as `ipdb_net_hosts`.
///
/// # Safety
/// As `ipdb_net_hosts`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_addresses(
    net: *const ipdb_net,
    out: *mut *mut ipdb_addr_iter,
) -> c_int {
    start_addr_iter(net, out, |n| AddrItems::All(n.addresses()))
}

/// The body both address-iterator constructors share: check the network,
/// box a new handle over the items `make` picks. (The pointer checks live
/// in `input` and `Out`, as for every export.)
fn start_addr_iter(
    net: *const ipdb_net,
    out: *mut *mut ipdb_addr_iter,
    make: fn(&IpNetwork) -> AddrItems,
) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let out = Out::new(out, "out")?;
        out.write_box(ipdb_addr_iter {
            tag: ipdb_addr_iter::TAG,
            items: make(&n),
        });
        Ok(())
    })
}

/// Writes the next address to `out` and returns `IPDB_OK`, or returns
/// `IPDB_ITER_END` when there are no more (out untouched; further calls
/// keep returning it). `IPDB_INVALID_HANDLE` for a handle that is not a live
/// `ipdb_addr_iter`.
///
/// # Safety
/// `iter` is a live handle from this library; `out` points to a writable `ipdb_addr`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_iter_next(
    iter: *mut ipdb_addr_iter,
    out: *mut ipdb_addr,
) -> c_int {
    guard(|| {
        let it = handle(iter, "iter")?;
        let out = Out::new(out, "out")?;
        let next: Option<IpAddress> = match &mut it.items {
            AddrItems::Hosts(i) => i.next(),
            AddrItems::All(i) => i.next(),
        };
        out.put(&next.ok_or(Failure::IterEnd)?)?;
        Ok(())
    })
}

/// Frees an address iterator. NULL is a no-op; so is a pointer that is not
/// a live `ipdb_addr_iter` when the library can tell (best-effort).
///
/// # Safety
/// `iter` is NULL or a handle from this library not freed yet.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_iter_free(iter: *mut ipdb_addr_iter) {
    let _ = std::panic::catch_unwind(|| {
        free_handle(iter);
    });
}

/// Starts an iterator over the subnets of `net`, CPython's
/// `net.subnets(prefixlen_diff=1, new_prefix=None)`: with both NULL, the
/// two halves. A /32 or /128 gives itself.
///
/// - `prefixlen_diff`, `new_prefix`: optional (NULL = not given). Giving
///   both with `*prefixlen_diff != 1`, a new prefix shorter than the
///   current one, or a result above the maximum is `IPDB_VALUE_ERROR`.
/// - `out`: receives a new handle on success; read it with
///   `ipdb_net_iter_next`, free it with `ipdb_net_iter_free`.
///
/// # Safety
/// `net` points to an `ipdb_net`; non-NULL `prefixlen_diff`, `new_prefix`
/// point to `int64_t`s; `out` to a writable `ipdb_net_iter *`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_subnets(
    net: *const ipdb_net,
    prefixlen_diff: *const i64,
    new_prefix: *const i64,
    out: *mut *mut ipdb_net_iter,
) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let out = Out::new(out, "out")?;
        let items = n.subnets(optional(prefixlen_diff), optional(new_prefix))?;
        out.write_box(ipdb_net_iter {
            tag: ipdb_net_iter::TAG,
            items,
        });
        Ok(())
    })
}

/// Writes the next network to `out` and returns `IPDB_OK`, or returns
/// `IPDB_ITER_END` when there are no more (out untouched).
/// `IPDB_INVALID_HANDLE` for a handle that is not a live `ipdb_net_iter`.
///
/// # Safety
/// `iter` is a live handle from this library; `out` points to a writable `ipdb_net`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_iter_next(iter: *mut ipdb_net_iter, out: *mut ipdb_net) -> c_int {
    guard(|| {
        let it = handle(iter, "iter")?;
        let out = Out::new(out, "out")?;
        let next: IpNetwork = it.items.next().ok_or(Failure::IterEnd)?;
        out.put(&next)?;
        Ok(())
    })
}

/// Frees a network iterator. NULL is a no-op (best-effort, as
/// `ipdb_addr_iter_free`).
///
/// # Safety
/// `iter` is NULL or a handle from this library not freed yet.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_iter_free(iter: *mut ipdb_net_iter) {
    let _ = std::panic::catch_unwind(|| {
        free_handle(iter);
    });
}
