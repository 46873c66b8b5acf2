//! Laws: the C ABI agrees with the Rust API it wraps on any input text
//! (same success, same text forms, same error class), and never panics.

use std::ffi::{c_char, c_int};
use std::mem::MaybeUninit;

use ipdb::ip::{IpAddress, IpError, IpInterface, IpNetwork};
use ipdb_ffi::*;
use proptest::prelude::*;

fn class_status(e: &IpError) -> c_int {
    match e.python_class() {
        "AddressValueError" => IPDB_ADDRESS_VALUE_ERROR,
        "NetmaskValueError" => IPDB_NETMASK_VALUE_ERROR,
        "ValueError" => IPDB_VALUE_ERROR,
        "TypeError" => IPDB_TYPE_ERROR,
        _ => IPDB_INDEX_ERROR,
    }
}

/// A scope id a C string cannot hold: the one documented refusal.
fn nul_scope(a: &IpAddress) -> bool {
    a.scope_id().is_some_and(|z| z.as_bytes().contains(&0))
}

fn format_with(f: impl FnOnce(*mut c_char, usize, *mut usize) -> c_int) -> String {
    let mut buf = [0 as c_char; IPDB_TEXT_SIZE];
    let mut n = 0usize;
    assert_eq!(f(buf.as_mut_ptr(), buf.len(), &mut n), IPDB_OK);
    String::from_utf8(buf[..n].iter().map(|&c| c as u8).collect()).unwrap()
}

/// Text that is often an address, network or interface, and often nearly one.
fn ip_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u32>().prop_map(|v| std::net::Ipv4Addr::from(v).to_string()),
        any::<u128>().prop_map(|v| std::net::Ipv6Addr::from(v).to_string()),
        (any::<u32>(), 0u8..=34).prop_map(|(v, p)| format!(
            "{}/{}",
            std::net::Ipv4Addr::from(v),
            p
        )),
        (any::<u128>(), 0u8..=130, "[a-z0-9]{0,3}").prop_map(|(v, p, z)| {
            let zone = if z.is_empty() {
                String::new()
            } else {
                format!("%{z}")
            };
            format!("{}{zone}/{p}", std::net::Ipv6Addr::from(v))
        }),
        "[0-9a-fA-F:./%]{0,24}",
        ".{0,12}",
    ]
}

proptest! {
    #[test]
    fn addresses_agree(s in ip_text()) {
        let mut out = MaybeUninit::<ipdb_addr>::uninit();
        // SAFETY: s is valid for its length; out is writable.
        let rc = unsafe { ipdb_addr_parse(s.as_ptr().cast(), s.len(), 0, out.as_mut_ptr()) };
        match IpAddress::parse(&s) {
            Ok(a) if nul_scope(&a) => prop_assert_eq!(rc, IPDB_INVALID_ARGUMENT),
            Ok(a) => {
                prop_assert_eq!(rc, IPDB_OK);
                // SAFETY: written on IPDB_OK.
                let c = unsafe { out.assume_init() };
                for (style, want) in [
                    (IPDB_TEXT_COMPRESSED, a.to_string()),
                    (IPDB_TEXT_EXPLODED, a.exploded().to_string()),
                    (IPDB_TEXT_REVERSE_POINTER, a.reverse_pointer().to_string()),
                ] {
                    // SAFETY: c is a valid ipdb_addr; the buffer matches its length.
                    prop_assert_eq!(format_with(|b, l, n| unsafe { ipdb_addr_format(&c, style, b, l, n) }), want);
                }
            }
            Err(e) => prop_assert_eq!(rc, class_status(&e)),
        }
    }

    #[test]
    fn networks_agree(s in ip_text(), strict in any::<bool>()) {
        let mut out = MaybeUninit::<ipdb_net>::uninit();
        // SAFETY: as above.
        let rc = unsafe { ipdb_net_parse(s.as_ptr().cast(), s.len(), 0, strict, out.as_mut_ptr()) };
        match IpNetwork::parse(&s, strict) {
            Ok(n) if nul_scope(&n.network_address()) => prop_assert_eq!(rc, IPDB_INVALID_ARGUMENT),
            Ok(n) => {
                prop_assert_eq!(rc, IPDB_OK);
                // SAFETY: written on IPDB_OK.
                let c = unsafe { out.assume_init() };
                // SAFETY: as above.
                let text = format_with(|b, l, o| unsafe { ipdb_net_format(&c, IPDB_TEXT_WITH_NETMASK, b, l, o) });
                prop_assert_eq!(text, n.with_netmask().to_string());
            }
            Err(e) => prop_assert_eq!(rc, class_status(&e)),
        }
    }

    #[test]
    fn interfaces_agree(s in ip_text()) {
        let mut out = MaybeUninit::<ipdb_iface>::uninit();
        // SAFETY: as above.
        let rc = unsafe { ipdb_iface_parse(s.as_ptr().cast(), s.len(), 0, out.as_mut_ptr()) };
        match IpInterface::parse(&s) {
            Ok(i) if i.scope_id().is_some_and(|z| z.as_bytes().contains(&0)) => {
                prop_assert_eq!(rc, IPDB_INVALID_ARGUMENT)
            }
            Ok(i) => {
                prop_assert_eq!(rc, IPDB_OK);
                // SAFETY: written on IPDB_OK.
                let c = unsafe { out.assume_init() };
                // SAFETY: as above.
                let text = format_with(|b, l, o| unsafe { ipdb_iface_format(&c, IPDB_TEXT_COMPRESSED, b, l, o) });
                prop_assert_eq!(text, i.to_string());
                let mut net = MaybeUninit::<ipdb_net>::uninit();
                // SAFETY: valid pointers.
                prop_assert_eq!(unsafe { ipdb_iface_network(&c, net.as_mut_ptr()) }, IPDB_OK);
            }
            Err(e) => prop_assert_eq!(rc, class_status(&e)),
        }
    }

    /// Any bytes in any field of a hand-made struct: a status, never a panic.
    #[test]
    fn arbitrary_structs_never_panic(bytes in proptest::collection::vec(any::<u8>(), 66)) {
        let mut a = MaybeUninit::<ipdb_net>::uninit();
        // SAFETY: ipdb_net is 66 plain bytes (align 1); every bit pattern is
        // a valid value of its u8/c_char fields.
        let n = unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), a.as_mut_ptr().cast::<u8>(), 66);
            a.assume_init()
        };
        let mut flags = 0u32;
        // SAFETY: valid pointers.
        let rc = unsafe { ipdb_net_flags(&n, &mut flags) };
        prop_assert!(rc != IPDB_PANIC);
        // SAFETY: valid pointers.
        let rc = unsafe { ipdb_addr_flags(&n.addr, &mut flags) };
        prop_assert!(rc != IPDB_PANIC);
    }
}

#[test]
fn struct_sizes_are_the_headers() {
    assert_eq!(std::mem::size_of::<ipdb_addr>(), 65);
    assert_eq!(std::mem::size_of::<ipdb_net>(), 66);
    assert_eq!(std::mem::align_of::<ipdb_net>(), 1);
}
