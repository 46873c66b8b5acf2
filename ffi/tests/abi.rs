//! The C ABI called the way C calls it: raw pointers, NULLs, short
//! buffers, bad UTF-8, invalid structs and handles. Results are checked
//! against the Rust API they wrap.

use std::ffi::{c_char, c_int};
use std::ptr::{null, null_mut};

use ipdb::ip::{collapse_addresses, IpAddress, IpInterface, IpNetwork, Ipv4Network};
use ipdb_ffi::*;

mod common;
use common::{addr, iface, last_error, net};

/// Run a `*_format`-shaped call into a buffer of `cap` bytes.
fn text(
    cap: usize,
    f: impl FnOnce(*mut c_char, usize, *mut usize) -> c_int,
) -> (c_int, usize, Vec<u8>) {
    let mut buf = vec![b'#' as c_char; cap.max(1)];
    let mut n = usize::MAX;
    let rc = f(
        if cap == 0 {
            null_mut()
        } else {
            buf.as_mut_ptr()
        },
        cap,
        &mut n,
    );
    (rc, n, buf.iter().map(|&c| c as u8).collect())
}

fn formatted(f: impl FnOnce(*mut c_char, usize, *mut usize) -> c_int) -> String {
    let (rc, n, buf) = text(IPDB_TEXT_SIZE, f);
    assert_eq!(rc, IPDB_OK, "{}", last_error());
    assert_eq!(buf[n], 0, "NUL-terminated");
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

fn addr_text(a: &ipdb_addr, style: c_int) -> String {
    // SAFETY: a is a valid ipdb_addr; the closure passes a matching buffer.
    formatted(|b, l, n| unsafe { ipdb_addr_format(a, style, b, l, n) })
}

fn net_text(x: &ipdb_net, style: c_int) -> String {
    // SAFETY: as in addr_text.
    formatted(|b, l, n| unsafe { ipdb_net_format(x, style, b, l, n) })
}

#[test]
fn addresses_match_the_rust_api() {
    for s in [
        "192.0.2.1",
        "::ffff:10.0.0.1",
        "fe80::1%eth0",
        "2002:c000:204::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ] {
        let r: IpAddress = s.parse().unwrap();
        let a = addr(s);
        assert_eq!(a.family, r.version());
        assert_eq!(addr_text(&a, IPDB_TEXT_COMPRESSED), r.to_string());
        assert_eq!(addr_text(&a, IPDB_TEXT_EXPLODED), r.exploded().to_string());
        assert_eq!(
            addr_text(&a, IPDB_TEXT_REVERSE_POINTER),
            r.reverse_pointer().to_string()
        );
        let mut flags = 0u32;
        // SAFETY: valid pointers.
        assert_eq!(unsafe { ipdb_addr_flags(&a, &mut flags) }, IPDB_OK);
        assert_eq!(flags & IPDB_FLAG_PRIVATE != 0, r.is_private(), "{s}");
        assert_eq!(flags & IPDB_FLAG_GLOBAL != 0, r.is_global(), "{s}");
        assert_eq!(flags & IPDB_FLAG_LINK_LOCAL != 0, r.is_link_local(), "{s}");
        assert_eq!(
            flags & IPDB_FLAG_IPV4_MAPPED != 0,
            r.ipv4_mapped().is_some(),
            "{s}"
        );
        assert_eq!(
            flags & IPDB_FLAG_SIXTOFOUR != 0,
            r.sixtofour().is_some(),
            "{s}"
        );
        assert_eq!(flags & IPDB_FLAG_TEREDO != 0, r.teredo().is_some(), "{s}");
    }
    let scoped = addr("fe80::1%eth0");
    let scope: Vec<u8> = scoped
        .scope_id
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    assert_eq!(scope, b"eth0");

    // Embedded addresses; absent ones leave the out value alone.
    let mut out = addr("0.0.0.0");
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_addr_sixtofour(&addr("2002:c000:204::1"), &mut out) },
        IPDB_OK
    );
    assert_eq!(addr_text(&out, 0), "192.0.2.4");
    let before = out;
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_addr_ipv4_mapped(&addr("::1"), &mut out) },
        IPDB_NO_VALUE
    );
    assert_eq!(out, before);
    let (mut server, mut client) = (before, before);
    let teredo = addr("2001:0:4136:e378:8000:63bf:3fff:fdd2");
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_addr_teredo(&teredo, &mut server, &mut client) },
        IPDB_OK
    );
    assert_eq!(
        (addr_text(&server, 0), addr_text(&client, 0)),
        ("65.54.227.120".into(), "192.0.2.45".into())
    );
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_addr_ipv6_mapped(&addr("10.0.0.1"), &mut out) },
        IPDB_OK
    );
    assert_eq!(addr_text(&out, 0), "::ffff:10.0.0.1");
}

#[test]
fn parse_errors_carry_class_and_reason() {
    let mut out = addr("1.1.1.1");
    let before = out;
    let s = "1.2.3.04";
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_addr_parse(s.as_ptr().cast(), s.len(), 0, &mut out) },
        IPDB_VALUE_ERROR
    );
    assert!(
        last_error().contains("octet 4 has a leading zero"),
        "{}",
        last_error()
    );
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_addr_parse(s.as_ptr().cast(), s.len(), 4, &mut out) },
        IPDB_ADDRESS_VALUE_ERROR
    );
    assert!(
        last_error().contains("AddressValueError"),
        "{}",
        last_error()
    );
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_addr_parse(s.as_ptr().cast(), s.len(), 5, &mut out) },
        IPDB_INVALID_ARGUMENT
    );
    assert_eq!(out, before, "out is written only on success");
    let n = "10.0.0.1/8";
    let mut nout = net("10.0.0.0/8");
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_net_parse(n.as_ptr().cast(), n.len(), 0, true, &mut nout) },
        IPDB_VALUE_ERROR
    );
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_net_parse(n.as_ptr().cast(), n.len(), 4, false, &mut nout) },
        IPDB_OK
    );
    assert_eq!(
        net_text(&nout, IPDB_TEXT_WITH_NETMASK),
        "10.0.0.0/255.0.0.0"
    );
    let m = "10.0.0.0/33";
    // SAFETY: valid pointers.
    assert_eq!(
        unsafe { ipdb_net_parse(m.as_ptr().cast(), m.len(), 4, true, &mut nout) },
        IPDB_NETMASK_VALUE_ERROR
    );
}

#[test]
fn null_parameters_are_refused_by_name() {
    let a = addr("10.0.0.1");
    let n = net("10.0.0.0/8");
    let s = "10.0.0.1";
    // SAFETY: every non-NULL pointer is valid; NULLs are what is tested.
    unsafe {
        assert_eq!(
            ipdb_addr_parse(null(), 3, 0, &mut addr("1.1.1.1")),
            IPDB_NULL_PARAMETER
        );
        assert!(last_error().contains("'text'"), "{}", last_error());
        assert_eq!(
            ipdb_addr_parse(s.as_ptr().cast(), s.len(), 0, null_mut()),
            IPDB_NULL_PARAMETER
        );
        assert!(last_error().contains("'out'"));
        assert_eq!(
            ipdb_addr_format(null(), 0, null_mut(), 0, null_mut()),
            IPDB_NULL_PARAMETER
        );
        assert_eq!(
            ipdb_addr_format(&a, 0, null_mut(), 0, null_mut()),
            IPDB_NULL_PARAMETER
        );
        assert!(last_error().contains("'out_len'"));
        let mut len = 0usize;
        assert_eq!(
            ipdb_addr_format(&a, 0, null_mut(), 16, &mut len),
            IPDB_NULL_PARAMETER
        );
        assert_eq!(ipdb_addr_flags(&a, null_mut()), IPDB_NULL_PARAMETER);
        assert_eq!(
            ipdb_net_contains(&n, null(), &mut false),
            IPDB_NULL_PARAMETER
        );
        assert_eq!(ipdb_net_hosts(&n, null_mut()), IPDB_NULL_PARAMETER);
        assert_eq!(
            ipdb_addr_iter_next(null_mut(), &mut addr("1.1.1.1")),
            IPDB_NULL_PARAMETER
        );
        assert_eq!(
            ipdb_net_collapse(null_mut(), 2, &mut len),
            IPDB_NULL_PARAMETER
        );
        assert_eq!(
            ipdb_last_error(null_mut(), 0, null_mut()),
            IPDB_NULL_PARAMETER
        );
        // Free of NULL is a no-op.
        ipdb_addr_iter_free(null_mut());
        ipdb_net_iter_free(null_mut());
    }
}

#[test]
fn bad_utf8_is_refused() {
    let bad = [b'f', b'e', b'8', b'0', b':', b':', b'1', b'%', 0xff];
    let mut out = addr("1.1.1.1");
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(
            ipdb_addr_parse(bad.as_ptr().cast(), bad.len(), 0, &mut out),
            IPDB_INVALID_UTF8
        );
        assert_eq!(
            ipdb_net_parse(
                bad.as_ptr().cast(),
                bad.len(),
                0,
                true,
                &mut net("0.0.0.0/0")
            ),
            IPDB_INVALID_UTF8
        );
        assert_eq!(
            ipdb_iface_parse(bad.as_ptr().cast(), bad.len(), 0, &mut iface("1.1.1.1/8")),
            IPDB_INVALID_UTF8
        );
    }
    // A hand-filled struct with a non-UTF-8 scope id.
    let mut a = addr("fe80::1");
    a.scope_id[0] = 0xc3_u8 as c_char;
    let (rc, _, _) = text(IPDB_TEXT_SIZE, |b, l, n| unsafe {
        ipdb_addr_format(&a, 0, b, l, n)
    });
    assert_eq!(rc, IPDB_INVALID_UTF8);
}

#[test]
fn short_buffers_report_the_needed_length_and_stay_untouched() {
    let a = addr("2001:db8::1");
    for cap in [0, 1, 11] {
        // SAFETY: text passes a matching buffer.
        let (rc, n, buf) = text(cap, |b, l, n| unsafe {
            ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, b, l, n)
        });
        assert_eq!(rc, IPDB_BUFFER_TOO_SMALL);
        assert_eq!(n, 11, "length of \"2001:db8::1\"");
        assert!(buf.iter().all(|&c| c == b'#'), "buffer untouched");
    }
    // Exactly length + 1 fits.
    // SAFETY: as above.
    let (rc, n, buf) = text(12, |b, l, n| unsafe {
        ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, b, l, n)
    });
    assert_eq!((rc, n, &buf[..12]), (IPDB_OK, 11, &b"2001:db8::1\0"[..]));

    // The last error itself, into a short buffer.
    // SAFETY: valid pointers (NULL out is the point).
    unsafe { ipdb_addr_flags(&a, null_mut()) };
    let msg = last_error();
    let (rc, n, _) = text(4, |b, l, n| unsafe { ipdb_last_error(b, l, n) });
    assert_eq!((rc, n), (IPDB_BUFFER_TOO_SMALL, msg.len()));
    assert_eq!(
        last_error(),
        msg,
        "reading the last error does not change it"
    );

    // Arrays: summarize into a short array reports the count.
    let (first, last) = (addr("192.0.2.0"), addr("192.0.2.130"));
    let mut out = [net("0.0.0.0/0"); 2];
    let mut count = 0usize;
    // SAFETY: out has 2 slots.
    let rc = unsafe { ipdb_addr_summarize(&first, &last, out.as_mut_ptr(), out.len(), &mut count) };
    assert_eq!((rc, count), (IPDB_BUFFER_TOO_SMALL, 3));
    assert_eq!(out, [net("0.0.0.0/0"); 2]);
}

#[test]
fn every_text_form_fits_ipdb_text_size() {
    let scope = "s".repeat(47);
    let worst_addr = format!("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%{scope}");
    let a = addr(&worst_addr);
    let mapped = addr(&format!("::ffff:255.255.255.255%{scope}"));
    for x in [&a, &mapped] {
        for style in [
            IPDB_TEXT_COMPRESSED,
            IPDB_TEXT_EXPLODED,
            IPDB_TEXT_REVERSE_POINTER,
        ] {
            assert!(addr_text(x, style).len() < IPDB_TEXT_SIZE);
        }
    }
    for s in [
        format!("ffff::%{scope}/16"),
        format!("::ffff:255.255.0.0%{scope}/112"),
        "ffff::/16".into(),
    ] {
        let n = net(&s);
        for style in 0..=5 {
            // Scoped networks have no exploded or reverse-pointer form.
            // SAFETY: as in text.
            let (rc, len, _) = text(IPDB_TEXT_SIZE, |b, l, o| unsafe {
                ipdb_net_format(&n, style, b, l, o)
            });
            assert!(
                rc == IPDB_OK || rc == IPDB_ADDRESS_VALUE_ERROR,
                "{s} {style}: {rc}"
            );
            if rc == IPDB_OK {
                assert!(len < IPDB_TEXT_SIZE, "{s} {style}: {len}");
            }
        }
        let i = iface(&s.replace("/16", "/128").replace("/112", "/127"));
        for style in 0..=5 {
            // SAFETY: as in text.
            let (rc, len, _) = text(IPDB_TEXT_SIZE, |b, l, o| unsafe {
                ipdb_iface_format(&i, style, b, l, o)
            });
            assert_eq!(rc, IPDB_OK, "{s} {style}: {}", last_error());
            assert!(len < IPDB_TEXT_SIZE);
        }
    }
}

#[test]
fn networks_and_interfaces_match_the_rust_api() {
    let n = net("192.0.2.0/24");
    assert_eq!(net_text(&n, IPDB_TEXT_WITH_HOSTMASK), "192.0.2.0/0.0.0.255");
    assert_eq!(
        net_text(&n, IPDB_TEXT_REVERSE_POINTER),
        "0/24.2.0.192.in-addr.arpa"
    );
    let mut out = addr("0.0.0.0");
    let mut count = 0u64;
    let mut yes = false;
    // SAFETY: valid pointers throughout.
    unsafe {
        assert_eq!(ipdb_net_broadcast_address(&n, &mut out), IPDB_OK);
        assert_eq!(addr_text(&out, 0), "192.0.2.255");
        assert_eq!(ipdb_net_get(&n, -2, &mut out), IPDB_OK);
        assert_eq!(addr_text(&out, 0), "192.0.2.254");
        assert_eq!(ipdb_net_get(&n, 256, &mut out), IPDB_INDEX_ERROR);
        assert_eq!(ipdb_net_num_addresses(&n, &mut count), IPDB_OK);
        assert_eq!(count, 256);
        assert_eq!(ipdb_net_num_addresses(&net("::/0"), &mut count), IPDB_OK);
        assert_eq!(count, u64::MAX);
        assert_eq!(
            ipdb_net_contains(&n, &addr("192.0.2.77"), &mut yes),
            IPDB_OK
        );
        assert!(yes);
        assert_eq!(ipdb_net_contains(&n, &addr("::1"), &mut yes), IPDB_OK);
        assert!(!yes);
        assert_eq!(
            ipdb_net_subnet_of(&net("192.0.2.128/25"), &n, &mut yes),
            IPDB_OK
        );
        assert!(yes);
        assert_eq!(
            ipdb_net_subnet_of(&net("::/0"), &n, &mut yes),
            IPDB_TYPE_ERROR
        );
        let mut s = n;
        assert_eq!(ipdb_net_supernet(&n, null(), &16, &mut s), IPDB_OK);
        assert_eq!(net_text(&s, 0), "192.0.0.0/16");
        assert_eq!(ipdb_net_supernet(&n, &2, &16, &mut s), IPDB_VALUE_ERROR);
        let mut order = 9;
        assert_eq!(ipdb_net_compare(&net("::/0"), &n, &mut order), IPDB_OK);
        assert_eq!(order, 1);
        assert_eq!(
            ipdb_net_compare_networks(&net("::/0"), &n, &mut order),
            IPDB_TYPE_ERROR
        );
        assert_eq!(
            ipdb_addr_add(&addr("255.255.255.255"), 1, &mut out),
            IPDB_ADDRESS_VALUE_ERROR
        );
        assert_eq!(ipdb_addr_add(&addr("10.0.0.0"), -1, &mut out), IPDB_OK);
        assert_eq!(addr_text(&out, 0), "9.255.255.255");

        let i = iface("192.0.2.5/24");
        let ri: IpInterface = "192.0.2.5/24".parse().unwrap();
        let mut in_net = n;
        assert_eq!(ipdb_iface_network(&i, &mut in_net), IPDB_OK);
        assert_eq!(in_net, n);
        let t = formatted(|b, l, o| ipdb_iface_format(&i, IPDB_TEXT_WITH_NETMASK, b, l, o));
        assert_eq!(t, ri.with_netmask().to_string());
        let mut flags = 0;
        assert_eq!(ipdb_iface_flags(&i, &mut flags), IPDB_OK);
        assert_eq!(flags & IPDB_FLAG_PRIVATE != 0, ri.is_private());
    }
    // A hand-made network with host bits set is refused, not masked.
    let mut bad = n;
    bad.addr.bytes[3] = 1;
    let (rc, _, _) = text(IPDB_TEXT_SIZE, |b, l, o| unsafe {
        ipdb_net_format(&bad, 0, b, l, o)
    });
    assert_eq!(rc, IPDB_VALUE_ERROR);
    assert!(last_error().contains("'net'"), "{}", last_error());
}

#[test]
fn iterators_walk_and_end_cleanly() {
    let mut it: *mut ipdb_addr_iter = null_mut();
    let mut a = addr("0.0.0.0");
    let mut seen = vec![];
    // SAFETY: handles come from the library and are freed once.
    unsafe {
        assert_eq!(ipdb_net_hosts(&net("192.0.2.0/30"), &mut it), IPDB_OK);
        while ipdb_addr_iter_next(it, &mut a) == IPDB_OK {
            seen.push(addr_text(&a, 0));
        }
        assert_eq!(ipdb_addr_iter_next(it, &mut a), IPDB_ITER_END);
        assert_eq!(ipdb_addr_iter_next(it, &mut a), IPDB_ITER_END);
        ipdb_addr_iter_free(it);
    }
    assert_eq!(seen, ["192.0.2.1", "192.0.2.2"]);

    let mut nit: *mut ipdb_net_iter = null_mut();
    let mut n = net("0.0.0.0/0");
    let mut subnets = vec![];
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            ipdb_net_subnets(&net("10.0.0.0/8"), null(), &10, &mut nit),
            IPDB_OK
        );
        while ipdb_net_iter_next(nit, &mut n) == IPDB_OK {
            subnets.push(net_text(&n, 0));
        }
        // A net iterator is not an address iterator.
        assert_eq!(ipdb_addr_iter_next(nit.cast(), &mut a), IPDB_INVALID_HANDLE);
        ipdb_net_iter_free(nit);
        assert_eq!(
            ipdb_net_subnets(&net("10.0.0.0/8"), null(), &7, &mut nit),
            IPDB_VALUE_ERROR
        );
    }
    assert_eq!(
        subnets,
        [
            "10.0.0.0/10",
            "10.64.0.0/10",
            "10.128.0.0/10",
            "10.192.0.0/10"
        ]
    );
}

#[test]
fn ranges_match_the_rust_api() {
    let texts = [
        "192.0.2.128/25",
        "192.0.2.0/25",
        "192.0.2.7/32",
        "10.0.0.0/8",
        "10.1.0.0/16",
    ];
    let mut c: Vec<ipdb_net> = texts.iter().map(|s| net(s)).collect();
    let mut r: Vec<Ipv4Network> = texts.iter().map(|s| s.parse().unwrap()).collect();
    let rn = collapse_addresses(&mut r);
    let mut n = 0usize;
    // SAFETY: c has c.len() valid networks.
    assert_eq!(
        unsafe { ipdb_net_collapse(c.as_mut_ptr(), c.len(), &mut n) },
        IPDB_OK
    );
    let got: Vec<String> = c[..n].iter().map(|x| net_text(x, 0)).collect();
    let want: Vec<String> = r[..rn].iter().map(|x| x.to_string()).collect();
    assert_eq!(got, want);

    let mut mixed = vec![net("10.0.0.0/8"), net("::/0")];
    let before = mixed.clone();
    // SAFETY: as above.
    assert_eq!(
        unsafe { ipdb_net_collapse(mixed.as_mut_ptr(), mixed.len(), &mut n) },
        IPDB_TYPE_ERROR
    );
    assert_eq!(mixed, before);
    // SAFETY: len 0 with NULL is allowed.
    assert_eq!(unsafe { ipdb_net_collapse(null_mut(), 0, &mut n) }, IPDB_OK);
    assert_eq!(n, 0);

    let mut out = [net("0.0.0.0/0"); IPDB_EXCLUDE_MAX];
    let big: IpNetwork = "2001:db8::/32".parse().unwrap();
    let small: IpNetwork = "2001:db8::1/128".parse().unwrap();
    // SAFETY: out has IPDB_EXCLUDE_MAX slots.
    let rc = unsafe {
        ipdb_net_address_exclude(
            &net("2001:db8::/32"),
            &net("2001:db8::1/128"),
            out.as_mut_ptr(),
            out.len(),
            &mut n,
        )
    };
    assert_eq!(rc, IPDB_OK);
    let want: Vec<String> = big
        .address_exclude(&small)
        .unwrap()
        .map(|x| x.to_string())
        .collect();
    let got: Vec<String> = out[..n].iter().map(|x| net_text(x, 0)).collect();
    assert_eq!(got, want);
    assert_eq!(n, 96);

    let mut sum = [net("0.0.0.0/0"); IPDB_SUMMARIZE_MAX];
    // SAFETY: sum has IPDB_SUMMARIZE_MAX slots.
    let rc = unsafe {
        ipdb_addr_summarize(
            &addr("::1"),
            &addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"),
            sum.as_mut_ptr(),
            sum.len(),
            &mut n,
        )
    };
    assert_eq!(
        (rc, n),
        (IPDB_OK, 254),
        "the longest summary fits IPDB_SUMMARIZE_MAX"
    );
    // SAFETY: as above.
    let rc = unsafe {
        ipdb_addr_summarize(
            &addr("::1"),
            &addr("1.1.1.1"),
            sum.as_mut_ptr(),
            sum.len(),
            &mut n,
        )
    };
    assert_eq!(rc, IPDB_TYPE_ERROR);
}

#[test]
fn format_spec_follows_python() {
    let a = addr("192.168.1.1");
    let spec = "#_x";
    // SAFETY: matching pointers and lengths.
    let t = formatted(|b, l, n| unsafe {
        ipdb_addr_format_spec(&a, spec.as_ptr().cast(), spec.len(), b, l, n)
    });
    assert_eq!(t, "0xc0a8_0101");
    let wide = ">200s";
    // SAFETY: as above.
    let (rc, n, _) = text(0, |b, l, o| unsafe {
        ipdb_addr_format_spec(&a, wide.as_ptr().cast(), wide.len(), b, l, o)
    });
    assert_eq!((rc, n), (IPDB_BUFFER_TOO_SMALL, 200));
    let bad = "q";
    // SAFETY: as above.
    let (rc, _, _) = text(64, |b, l, o| unsafe {
        ipdb_addr_format_spec(&a, bad.as_ptr().cast(), bad.len(), b, l, o)
    });
    assert_eq!(rc, IPDB_TYPE_ERROR);
}

#[test]
fn remaining_getters_and_orders() {
    let mut out = addr("0.0.0.0");
    let mut order = 9;
    // SAFETY: valid pointers throughout; handles freed once.
    unsafe {
        // Interface ip drops the scope id; the struct's addr keeps it.
        let i = iface("fe80::5%eth1/64");
        assert_eq!(ipdb_iface_ip(&i, &mut out), IPDB_OK);
        assert_eq!(addr_text(&out, 0), "fe80::5");
        assert_eq!(addr_text(&i.addr, 0), "fe80::5%eth1");
        assert_eq!(
            ipdb_iface_compare(&iface("10.0.0.9/8"), &iface("10.0.0.1/16"), &mut order),
            IPDB_OK
        );
        assert_eq!(order, -1, "network first: /8 before /16");

        let n = net("2001:db8::/126");
        assert_eq!(ipdb_net_netmask(&n, &mut out), IPDB_OK);
        assert_eq!(
            addr_text(&out, 0),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc"
        );
        assert_eq!(ipdb_net_hostmask(&n, &mut out), IPDB_OK);
        assert_eq!(addr_text(&out, 0), "::3");

        let mut it: *mut ipdb_addr_iter = null_mut();
        assert_eq!(ipdb_net_addresses(&n, &mut it), IPDB_OK);
        let mut all = vec![];
        while ipdb_addr_iter_next(it, &mut out) == IPDB_OK {
            all.push(addr_text(&out, 0));
        }
        ipdb_addr_iter_free(it);
        assert_eq!(
            all,
            ["2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3"]
        );

        assert_eq!(
            ipdb_addr_compare(&addr("10.0.0.1"), &addr("10.0.0.1"), &mut order),
            IPDB_OK
        );
        assert_eq!(order, 0);
        assert_eq!(
            ipdb_addr_compare(&addr("fe80::1%b"), &addr("fe80::1%a"), &mut order),
            IPDB_OK
        );
        assert_eq!(order, 1, "equal values order by scope id");
        let mut v6 = addr("::");
        let mut made = n;
        assert_eq!(
            ipdb_net_from_addr(&addr("192.0.2.77"), 24, true, &mut made),
            IPDB_VALUE_ERROR
        );
        assert_eq!(
            ipdb_net_from_addr(&addr("192.0.2.77"), 33, false, &mut made),
            IPDB_NETMASK_VALUE_ERROR
        );
        assert_eq!(
            ipdb_net_from_addr(&addr("192.0.2.77"), 24, false, &mut made),
            IPDB_OK
        );
        assert_eq!(net_text(&made, 0), "192.0.2.0/24");
        assert_eq!(ipdb_addr_ipv6_mapped(&addr("::1"), &mut v6), IPDB_NO_VALUE);
    }
}
