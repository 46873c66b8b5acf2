//! Interfaces: `ipdb_iface_*`.

use std::ffi::{c_char, c_int};

use ipdb::ip::{IpAddress, IpInterface};

use crate::addr::sign;
use crate::boundary::{guard, input, Out, TextOut};
use crate::parse::parse_text_into;
use crate::text::*;
use crate::types::{ipdb_addr, ipdb_iface, ipdb_net};

/// Parses an interface (an address on a network, host bits allowed): with
/// `version` 0 as CPython `ip_interface(text)`, with 4 or 6 as
/// `IPv4Interface(text)` / `IPv6Interface(text)`. Same forms as
/// `ipdb_net_parse`.
///
/// Errors: `IPDB_NULL_PARAMETER`, `IPDB_INVALID_UTF8`,
/// `IPDB_INVALID_ARGUMENT` (bad `version`), `IPDB_ADDRESS_VALUE_ERROR`,
/// `IPDB_NETMASK_VALUE_ERROR`, `IPDB_VALUE_ERROR` (version 0, neither parses).
///
/// # Safety
/// `text` points to `text_len` readable bytes; `out` to a writable `ipdb_iface`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iface_parse(
    text: *const c_char,
    text_len: usize,
    version: c_int,
    out: *mut ipdb_iface,
) -> c_int {
    guard(|| parse_text_into::<IpInterface, _>(text, text_len, version, (), out))
}

/// Writes an interface as text, CPython's way: `IPDB_TEXT_COMPRESSED`
/// (`str(iface)`, scope id included), `IPDB_TEXT_WITH_PREFIXLEN`,
/// `IPDB_TEXT_WITH_NETMASK`, `IPDB_TEXT_WITH_HOSTMASK` (plain address, no
/// scope id), `IPDB_TEXT_EXPLODED`, `IPDB_TEXT_REVERSE_POINTER`.
/// Buffer rules as `ipdb_net_format`.
///
/// # Safety
/// `iface` points to an `ipdb_iface`; `buf` to `len` writable bytes;
/// `out_len` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iface_format(
    iface: *const ipdb_iface,
    style: c_int,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let i = input(iface, "iface")?.check("iface")?;
        let out = TextOut::new(buf, len, out_len, "buf")?;
        match style {
            IPDB_TEXT_COMPRESSED => write_display(out, &i),
            IPDB_TEXT_WITH_PREFIXLEN => write_display(out, &i.with_prefixlen()),
            IPDB_TEXT_WITH_NETMASK => write_display(out, &i.with_netmask()),
            IPDB_TEXT_WITH_HOSTMASK => write_display(out, &i.with_hostmask()),
            IPDB_TEXT_EXPLODED => write_display(out, &i.exploded()),
            IPDB_TEXT_REVERSE_POINTER => write_display(out, &i.reverse_pointer()),
            _ => Err(bad_style()),
        }
    })
}

/// The interface's properties as `IPDB_FLAG_*` bits (CPython's interface
/// predicates, which look at the address and, for some, the network).
///
/// # Safety
/// `iface` points to an `ipdb_iface`; `out_flags` to a writable `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iface_flags(iface: *const ipdb_iface, out_flags: *mut u32) -> c_int {
    guard(|| {
        let i = input(iface, "iface")?.check("iface")?;
        Out::new(out_flags, "out_flags")?.write(common_flags!(&i));
        Ok(())
    })
}

/// `iface.network`: the network the address sits on (host bits cleared).
///
/// # Safety
/// `iface` points to an `ipdb_iface`; `out` to a writable `ipdb_net`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iface_network(iface: *const ipdb_iface, out: *mut ipdb_net) -> c_int {
    guard(|| {
        let i = input(iface, "iface")?.check("iface")?;
        let out = Out::new(out, "out")?;
        out.put(&i.network())?;
        Ok(())
    })
}

/// `iface.ip`: the address without its scope id (CPython drops it there;
/// the `addr` field of the struct keeps it).
///
/// # Safety
/// `iface` points to an `ipdb_iface`; `out` to a writable `ipdb_addr`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iface_ip(iface: *const ipdb_iface, out: *mut ipdb_addr) -> c_int {
    guard(|| {
        let i = input(iface, "iface")?.check("iface")?;
        let out = Out::new(out, "out")?;
        let ip: IpAddress = i.ip();
        out.put(&ip)?;
        Ok(())
    })
}

/// Total order for sorting: `*out` is -1, 0 or 1. IPv4 before IPv6; within a
/// version CPython's interface order (network first, then address).
///
/// # Safety
/// `a`, `b` point to `ipdb_iface`s; `out` to a writable `int`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_iface_compare(
    a: *const ipdb_iface,
    b: *const ipdb_iface,
    out: *mut c_int,
) -> c_int {
    guard(|| {
        let a = input(a, "a")?.check("a")?;
        let b = input(b, "b")?.check("b")?;
        Out::new(out, "out")?.write(sign(a.cmp(&b)));
        Ok(())
    })
}
