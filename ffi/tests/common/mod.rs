//! Helpers shared by the C ABI tests: the calls C would make to read the
//! last error, parse values and open a database, with their checks.
// Each test binary uses its own subset.
#![allow(dead_code)]

use std::ffi::{c_char, CString};
use std::mem::MaybeUninit;
use std::ptr::null_mut;

use ipdb_ffi::*;

/// This thread's `ipdb_last_error()` text.
pub fn last_error() -> String {
    let mut buf = [0 as c_char; 1024];
    let mut n = 0usize;
    // SAFETY: buffer and length match; out_len is a valid usize.
    assert_eq!(
        unsafe { ipdb_last_error(buf.as_mut_ptr(), buf.len(), &mut n) },
        IPDB_OK
    );
    String::from_utf8(buf[..n].iter().map(|&c| c as u8).collect()).unwrap()
}

/// A link name as the fixed, NUL-padded array the spec structs hold.
pub fn name(s: &str) -> [c_char; IPDB_NAME_SIZE] {
    let mut n = [0 as c_char; IPDB_NAME_SIZE];
    for (d, b) in n.iter_mut().zip(s.bytes()) {
        *d = b as c_char;
    }
    n
}

/// `ipdb_addr_parse` with version detection; panics on failure.
pub fn addr(s: &str) -> ipdb_addr {
    let mut a = MaybeUninit::<ipdb_addr>::uninit();
    // SAFETY: s is valid for its length; a is writable.
    let rc = unsafe { ipdb_addr_parse(s.as_ptr().cast(), s.len(), 0, a.as_mut_ptr()) };
    assert_eq!(rc, IPDB_OK, "{s}: {}", last_error());
    // SAFETY: written on IPDB_OK.
    unsafe { a.assume_init() }
}

/// `ipdb_net_parse` (strict) with version detection; panics on failure.
pub fn net(s: &str) -> ipdb_net {
    let mut n = MaybeUninit::<ipdb_net>::uninit();
    // SAFETY: as in `addr`.
    let rc = unsafe { ipdb_net_parse(s.as_ptr().cast(), s.len(), 0, true, n.as_mut_ptr()) };
    assert_eq!(rc, IPDB_OK, "{s}: {}", last_error());
    // SAFETY: written on IPDB_OK.
    unsafe { n.assume_init() }
}

/// `ipdb_iface_parse` with version detection; panics on failure.
pub fn iface(s: &str) -> ipdb_iface {
    let mut i = MaybeUninit::<ipdb_iface>::uninit();
    // SAFETY: as in `addr`.
    let rc = unsafe { ipdb_iface_parse(s.as_ptr().cast(), s.len(), 0, i.as_mut_ptr()) };
    assert_eq!(rc, IPDB_OK, "{s}: {}", last_error());
    // SAFETY: written on IPDB_OK.
    unsafe { i.assume_init() }
}

/// The "no address" value (family 0).
pub fn none_addr() -> ipdb_addr {
    ipdb_addr {
        bytes: [0; 16],
        family: 0,
        scope_id: [0; IPDB_SCOPE_ID_SIZE],
    }
}

/// `ipdb_db_open` on a namespace file; panics on failure.
/// A link spec of `kind` named `n`, on the parent link `parent` (`""`
/// for none), every other field zero.
pub fn link_spec(n: &str, kind: u32, parent: &str) -> ipdb_link_spec {
    ipdb_link_spec {
        name: name(n),
        kind,
        peer: [0; IPDB_NAME_SIZE],
        parent: name(parent),
        mode: 0,
        vlan_id: 0,
        port: 0,
        vni: 0,
        remote: none_addr(),
        local: none_addr(),
    }
}

pub fn open(path: &std::path::Path, flags: u32) -> *mut ipdb_db {
    let p = CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let mut db = null_mut();
    // SAFETY: a NUL-terminated path, a writable out-pointer.
    let rc = unsafe { ipdb_db_open(p.as_ptr(), flags, &mut db) };
    assert_eq!(rc, IPDB_OK, "{}", last_error());
    db
}
