//! Addresses: `ipdb_addr_*`.

use std::cmp::Ordering;
use std::ffi::{c_char, c_int};

use ipdb::ip::IpAddress;

use crate::boundary::{guard, input, input_str, present, Out, TextOut};
use crate::parse::parse_text_into;
use crate::text::*;
use crate::types::ipdb_addr;

/// Sign of an ordering, for C's `compare` convention.
pub(crate) fn sign(o: Ordering) -> c_int {
    o as c_int
}

/// Parses an address: with `version` 0 as CPython `ip_address(text)` (IPv4
/// if it parses as one, else IPv6), with 4 or 6 as `IPv4Address(text)` /
/// `IPv6Address(text)`. Strict, as CPython: no leading zeros in IPv4
/// octets, no surrounding space; IPv6 may carry `%scope` (at most 47 bytes,
/// no NUL).
///
/// - `text`, `text_len`: the text, `text_len` bytes (no NUL needed; an
///   embedded NUL is just an invalid character). Borrowed for the call.
/// - `out`: receives the address on success only.
///
/// Errors: `IPDB_NULL_PARAMETER`, `IPDB_INVALID_UTF8`,
/// `IPDB_INVALID_ARGUMENT` (bad `version`), `IPDB_ADDRESS_VALUE_ERROR`
/// (version 4/6), `IPDB_VALUE_ERROR` (version 0: neither version parses;
/// `ipdb_last_error` gives both reasons).
///
/// # Safety
/// `text` points to `text_len` readable bytes; `out` to a writable `ipdb_addr`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_parse(
    text: *const c_char,
    text_len: usize,
    version: c_int,
    out: *mut ipdb_addr,
) -> c_int {
    guard(|| parse_text_into::<IpAddress, _>(text, text_len, version, (), out))
}

/// Writes an address as text: `IPDB_TEXT_COMPRESSED` (`str(addr)`, with
/// `%scope`), `IPDB_TEXT_EXPLODED` or `IPDB_TEXT_REVERSE_POINTER`.
///
/// - `buf`, `len`: the caller's buffer; receives the text and a NUL.
///   `IPDB_TEXT_SIZE` bytes always suffice.
/// - `out_len`: receives the text length without the NUL, also on
///   `IPDB_BUFFER_TOO_SMALL` (then `buf` is untouched; `*out_len + 1` needed).
///
/// Errors: `IPDB_NULL_PARAMETER`, `IPDB_INVALID_ARGUMENT` (bad `addr` field
/// or `style`), `IPDB_INVALID_UTF8` (scope id), `IPDB_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `addr` points to an `ipdb_addr`; `buf` to `len` writable bytes; `out_len`
/// to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_format(
    addr: *const ipdb_addr,
    style: c_int,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let a = input(addr, "addr")?.check("addr")?;
        let out = TextOut::new(buf, len, out_len, "buf")?;
        match style {
            IPDB_TEXT_COMPRESSED => write_display(out, &a),
            IPDB_TEXT_EXPLODED => write_display(out, &a.exploded()),
            IPDB_TEXT_REVERSE_POINTER => write_display(out, &a.reverse_pointer()),
            _ => Err(bad_style()),
        }
    })
}

/// Python's `format(addr, spec)`: `""` or a string spec ending in `s`
/// (`">20s"`, `"^30s"`...), or the integer forms `[#][_](b|x|X|n)`
/// (`"#_x"`), zero-padded to the version's width.
///
/// - `spec`, `spec_len`: the format spec (no NUL needed).
/// - `buf`, `len`, `out_len`: as for `ipdb_addr_format`; a wide spec can
///   need more than `IPDB_TEXT_SIZE` (ask with `len` 0 to learn the size).
///
/// Errors: as `ipdb_addr_format`, plus `IPDB_VALUE_ERROR` (a string spec
/// Python refuses, e.g. `"+s"`) and `IPDB_TYPE_ERROR` (any other spec).
///
/// # Safety
/// As `ipdb_addr_format`; `spec` points to `spec_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_format_spec(
    addr: *const ipdb_addr,
    spec: *const c_char,
    spec_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let a = input(addr, "addr")?.check("addr")?;
        let spec = input_str(spec, spec_len, "spec")?;
        let out = TextOut::new(buf, len, out_len, "buf")?;
        let mut text = String::new();
        a.format_spec(spec, &mut text)?;
        out.write(&text)
    })
}

/// The address's properties as `IPDB_FLAG_*` bits: `is_multicast`,
/// `is_private`, `is_global`, `is_unspecified`, `is_reserved`,
/// `is_loopback`, `is_link_local`, `is_site_local`, and for IPv6 whether
/// `ipv4_mapped`, `sixtofour`, `teredo` have a value.
///
/// Errors: `IPDB_NULL_PARAMETER`, `IPDB_INVALID_ARGUMENT`, `IPDB_INVALID_UTF8`.
///
/// # Safety
/// `addr` points to an `ipdb_addr`; `out_flags` to a writable `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_flags(addr: *const ipdb_addr, out_flags: *mut u32) -> c_int {
    guard(|| {
        let a = input(addr, "addr")?.check("addr")?;
        let out = Out::new(out_flags, "out_flags")?;
        let bit = |on: bool, flag: u32| if on { flag } else { 0 };
        out.write(
            common_flags!(&a)
                | bit(a.ipv4_mapped().is_some(), IPDB_FLAG_IPV4_MAPPED)
                | bit(a.sixtofour().is_some(), IPDB_FLAG_SIXTOFOUR)
                | bit(a.teredo().is_some(), IPDB_FLAG_TEREDO),
        );
        Ok(())
    })
}

/// Shared body of the "embedded address" getters.
fn embedded(
    addr: *const ipdb_addr,
    out: *mut ipdb_addr,
    absent: &'static str,
    get: impl FnOnce(&IpAddress) -> Option<IpAddress>,
) -> c_int {
    guard(|| {
        let a = input(addr, "addr")?.check("addr")?;
        let out = Out::new(out, "out")?;
        let e = present(get(&a), absent)?;
        out.put(&e)?;
        Ok(())
    })
}

/// IPv6 `ipv4_mapped`: the IPv4 address of `::ffff:a.b.c.d`.
/// `IPDB_NO_VALUE` (out untouched) for other addresses, IPv4 included.
///
/// # Safety
/// `addr` points to an `ipdb_addr`; `out` to a writable `ipdb_addr`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_ipv4_mapped(
    addr: *const ipdb_addr,
    out: *mut ipdb_addr,
) -> c_int {
    embedded(addr, out, "not an IPv4-mapped IPv6 address", |a| {
        a.ipv4_mapped().map(IpAddress::V4)
    })
}

/// IPv6 `sixtofour`: the IPv4 address inside a 2002::/16 (6to4) address.
/// `IPDB_NO_VALUE` for other addresses.
///
/// # Safety
/// As `ipdb_addr_ipv4_mapped`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_sixtofour(addr: *const ipdb_addr, out: *mut ipdb_addr) -> c_int {
    embedded(addr, out, "not a 6to4 (2002::/16) address", |a| {
        a.sixtofour().map(IpAddress::V4)
    })
}

/// IPv4 `ipv6_mapped`: `::ffff:a.b.c.d`. `IPDB_NO_VALUE` for IPv6 input.
///
/// # Safety
/// As `ipdb_addr_ipv4_mapped`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_ipv6_mapped(
    addr: *const ipdb_addr,
    out: *mut ipdb_addr,
) -> c_int {
    embedded(addr, out, "not an IPv4 address", |a| {
        a.ipv6_mapped().map(IpAddress::V6)
    })
}

/// IPv6 `teredo`: the (server, client) IPv4 addresses of a 2001::/32
/// address. `IPDB_NO_VALUE` (nothing written) for other addresses.
///
/// # Safety
/// `addr` points to an `ipdb_addr`; `out_server`, `out_client` to writable
/// `ipdb_addr`s.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_teredo(
    addr: *const ipdb_addr,
    out_server: *mut ipdb_addr,
    out_client: *mut ipdb_addr,
) -> c_int {
    guard(|| {
        let a = input(addr, "addr")?.check("addr")?;
        let server = Out::new(out_server, "out_server")?;
        let client = Out::new(out_client, "out_client")?;
        let (s, c) = present(a.teredo(), "not a Teredo (2001::/32) address")?;
        // IPv4 addresses are always representable: both writes succeed.
        server.put(&IpAddress::V4(s))?;
        client.put(&IpAddress::V4(c))?;
        Ok(())
    })
}

/// `addr + delta` (negative `delta` subtracts), same version, scope id
/// dropped as in CPython. Leaving the address space is
/// `IPDB_ADDRESS_VALUE_ERROR`.
///
/// # Safety
/// `addr` points to an `ipdb_addr`; `out` to a writable `ipdb_addr`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_add(
    addr: *const ipdb_addr,
    delta: i64,
    out: *mut ipdb_addr,
) -> c_int {
    guard(|| {
        let a = input(addr, "addr")?.check("addr")?;
        let out = Out::new(out, "out")?;
        out.put(&a.checked_add(i128::from(delta))?)?;
        Ok(())
    })
}

/// Compares two addresses: `*out` is -1, 0 or 1. Within a version this is
/// CPython's order (by integer value; equal values order by scope id, none
/// first); every IPv4 address sorts before every IPv6 one (CPython's
/// `get_mixed_type_key`; CPython itself refuses to compare across versions).
/// Usable for `qsort` through a small wrapper.
///
/// # Safety
/// `a`, `b` point to `ipdb_addr`s; `out` to a writable `int`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_compare(
    a: *const ipdb_addr,
    b: *const ipdb_addr,
    out: *mut c_int,
) -> c_int {
    guard(|| {
        let a = input(a, "a")?.check("a")?;
        let b = input(b, "b")?.check("b")?;
        Out::new(out, "out")?.write(sign(a.cmp(&b)));
        Ok(())
    })
}
