//! The synchronous IPRoute calls: one netlink socket on a namespace, each
//! change returning when the kernel acked it (or refused it: then
//! `IPDB_KERNEL_ERROR` and the kernel's text in `ipdb_last_error`). No
//! database, no transaction, no rollback: what the kernel took stays.
//!
//! The specs are the transactions' (`ipdb_link_spec`, `ipdb_route_spec`,
//! `ipdb_neighbour_spec`, `ipdb_rule_spec`) with the same converters; link
//! names in them are resolved to indexes on this handle's namespace.

use std::ffi::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use ipdb::spec::{AddressSpec, LinkChange, RouteQuery};
use ipdb::{IpRoute, Object, Op};

use crate::boundary::{free_handle, guard, handle, input, optional_cstr, Failure, Out, Tagged};
use crate::records::ipdb_route;
use crate::txn::{ipdb_route_spec, link_text, route_spec};
use crate::txn_specs::{
    ipdb_link_spec, ipdb_neighbour_spec, ipdb_rule_spec, link_spec, neighbour_spec, rule_spec,
};
use crate::types::{ipdb_addr, ipdb_iface};

/// A synchronous netlink handle on one network namespace. Opaque; made by
/// `ipdb_iproute_open`, freed by `ipdb_iproute_close`. One thread at a
/// time: calls on the same handle must not overlap.
#[cfg_attr(all(), repr(C))]
pub struct ipdb_iproute {
    tag: u32,
    ipr: IpRoute,
}

// SAFETY: repr(C), `tag: u32` first, set to TAG by `ipdb_iproute_open`.
unsafe impl Tagged for ipdb_iproute {
    const TAG: u32 = 0x1bdb_1900;
}

/// Opens a handle on a network namespace.
///
/// - `netns_path`: optional NUL-terminated path of a namespace file
///   (`/run/netns/NAME`, `/proc/PID/ns/net`); NULL for the caller's own.
/// - `out`: receives the handle; close it with `ipdb_iproute_close`.
///
/// Errors: `IPDB_SYSTEM_ERROR` (no such namespace, no permission, socket
/// failed).
///
/// # Safety
/// `netns_path` is NULL or a NUL-terminated string; `out` points to a
/// writable `ipdb_iproute *`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_open(
    netns_path: *const c_char,
    out: *mut *mut ipdb_iproute,
) -> c_int {
    guard(|| {
        let out = Out::new(out, "out")?;
        let ipr = match optional_cstr(netns_path) {
            Some(p) => IpRoute::open_in_netns(PathBuf::from(std::ffi::OsStr::from_bytes(p)))?,
            None => IpRoute::open()?,
        };
        out.write_box(ipdb_iproute {
            tag: ipdb_iproute::TAG,
            ipr,
        });
        Ok(())
    })
}

/// Closes a handle (NULL is a no-op).
///
/// # Safety
/// `h` is NULL or a handle from `ipdb_iproute_open` not closed yet.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_close(h: *mut ipdb_iproute) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| free_handle(h)));
}

/// Runs `f` on the checked handle `h`.
fn with_ipr(h: *mut ipdb_iproute, f: impl FnOnce(&mut IpRoute) -> Result<(), Failure>) -> c_int {
    guard(|| f(&mut handle(h, "h")?.ipr))
}

/// A NUL-terminated link name argument, checked (1 to 15 bytes of UTF-8).
fn name_arg<'a>(name: *const c_char) -> Result<&'a str, Failure> {
    let bytes = optional_cstr(name).ok_or(Failure::Null("name"))?;
    link_text(bytes.as_ptr().cast(), bytes.len())
}

/// Creates the link `spec` describes, on its lower link when `parent`
/// names one (vlan, macvlan, macvtap, and vxlan's optional device): the
/// name is resolved to an index on this handle's namespace first. Returns
/// when the kernel acked the link.
///
/// Errors: `IPDB_INVALID_ARGUMENT` for a bad spec (the field named, also a
/// `parent` on a kind that takes none); `IPDB_KERNEL_ERROR` when no link
/// is named `parent` (`ENODEV`) or the kernel refuses the link.
///
/// # Safety
/// `h` is a live handle; `spec` points to an `ipdb_link_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_link_add(
    h: *mut ipdb_iproute,
    spec: *const ipdb_link_spec,
) -> c_int {
    with_ipr(h, |ipr| {
        let (mut spec, parent) = link_spec(input(spec, "spec")?)?;
        if let Some(parent) = parent {
            if !spec.kind.takes_lower_link() {
                return Err(Failure::Invalid {
                    arg: "spec.parent",
                    why: "only vlan, macvlan, macvtap and vxlan links sit on a lower link",
                });
            }
            let index = ipr.link_index(&parent)?;
            spec.kind
                .set_lower_link(index)
                .map_err(|e| e.into_error(Op::Add, Object::Link))?;
        }
        Ok(ipr.link_add(&spec)?)
    })
}

/// Sets link `name` up (`up` true) or down.
///
/// # Safety
/// `h` is a live handle; `name` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_link_set_up(
    h: *mut ipdb_iproute,
    name: *const c_char,
    up: bool,
) -> c_int {
    with_ipr(h, |ipr| {
        let mut c = LinkChange::new(name_arg(name)?);
        c.settings.up = Some(up);
        Ok(ipr.link_set(&c)?)
    })
}

/// Sets the MTU of link `name`.
///
/// # Safety
/// As `ipdb_iproute_link_set_up`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_link_set_mtu(
    h: *mut ipdb_iproute,
    name: *const c_char,
    mtu: u32,
) -> c_int {
    with_ipr(h, |ipr| {
        let mut c = LinkChange::new(name_arg(name)?);
        c.settings.mtu = Some(mtu);
        Ok(ipr.link_set(&c)?)
    })
}

/// Deletes link `name` (with a veth, its peer goes too).
///
/// # Safety
/// As `ipdb_iproute_link_set_up`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_link_del(h: *mut ipdb_iproute, name: *const c_char) -> c_int {
    with_ipr(h, |ipr| Ok(ipr.link_del(name_arg(name)?)?))
}

/// Adds (`add` true) or deletes the address `iface` (e.g. `10.0.0.1/24`)
/// on link `dev`.
///
/// # Safety
/// `h` is a live handle; `dev` is a NUL-terminated string; `iface` points
/// to an `ipdb_iface`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_addr(
    h: *mut ipdb_iproute,
    add: bool,
    dev: *const c_char,
    iface: *const ipdb_iface,
) -> c_int {
    with_ipr(h, |ipr| {
        let dev = name_arg(dev)?;
        let i = input(iface, "iface")?.check("iface")?;
        let spec = AddressSpec::new(ipr.link_index(dev)?, i);
        let done = if add {
            ipr.address_add(&spec)
        } else {
            ipr.address_del(&spec)
        };
        Ok(done?)
    })
}

/// Adds (`add` true) or deletes a route (a deletion matches by the fields
/// given).
///
/// # Safety
/// `h` is a live handle; `spec` points to an `ipdb_route_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_route(
    h: *mut ipdb_iproute,
    add: bool,
    spec: *const ipdb_route_spec,
) -> c_int {
    with_ipr(h, |ipr| {
        let (mut r, dev) = route_spec(input(spec, "spec")?)?;
        if let Some(d) = dev {
            r.oif = Some(ipr.link_index(d)?);
        }
        let done = if add {
            ipr.route_add(&r)
        } else {
            ipr.route_del(&r)
        };
        Ok(done?)
    })
}

/// Adds (`add` true; permanent neighbour, static FDB entry) or deletes a
/// neighbour or FDB entry.
///
/// # Safety
/// `h` is a live handle; `spec` points to an `ipdb_neighbour_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_neighbour(
    h: *mut ipdb_iproute,
    add: bool,
    spec: *const ipdb_neighbour_spec,
) -> c_int {
    with_ipr(h, |ipr| {
        let (dev, mut n) = neighbour_spec(input(spec, "spec")?)?;
        n.index = ipr.link_index(&dev)?;
        let done = if add {
            ipr.neighbour_add(&n)
        } else {
            ipr.neighbour_del(&n)
        };
        Ok(done?)
    })
}

/// Adds (`add` true) or deletes a rule (a deletion matches by the fields
/// given).
///
/// # Safety
/// `h` is a live handle; `spec` points to an `ipdb_rule_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_rule(
    h: *mut ipdb_iproute,
    add: bool,
    spec: *const ipdb_rule_spec,
) -> c_int {
    with_ipr(h, |ipr| {
        let r = rule_spec(input(spec, "spec")?)?;
        let done = if add {
            ipr.rule_add(&r)
        } else {
            ipr.rule_del(&r)
        };
        Ok(done?)
    })
}

/// The route the kernel would use to reach `dst` (`ip route get`).
///
/// - `out`: receives the resolved route (table, output link, gateway,
///   preferred source).
///
/// Errors: `IPDB_KERNEL_ERROR` when there is no route.
///
/// # Safety
/// `h` is a live handle; `dst` points to an `ipdb_addr`; `out` points to a
/// writable `ipdb_route`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iproute_route_get(
    h: *mut ipdb_iproute,
    dst: *const ipdb_addr,
    out: *mut ipdb_route,
) -> c_int {
    with_ipr(h, |ipr| {
        let dst = input(dst, "dst")?.check("dst")?;
        let out = Out::new(out, "out")?;
        let r = ipr.route_get(&RouteQuery::to(dst.into()))?;
        out.write(ipdb_route::from(&r));
        Ok(())
    })
}
