//! The synchronous IPRoute calls through the C ABI. Argument checks need
//! no kernel; the rest runs in a namespace the test creates (root; skipped
//! loudly otherwise).

use std::ffi::{c_char, CString};
use std::mem::MaybeUninit;
use std::ptr::{null, null_mut};

use ipdb_ffi::*;

mod common;
use common::{addr, iface, last_error, link_spec, name, net, none_addr};

fn route(dst: &str, gw: Option<&str>, dev: &str) -> ipdb_route_spec {
    ipdb_route_spec {
        dst: net(dst),
        gateway: gw.map_or_else(none_addr, addr),
        table: 0,
        priority: 0,
        dev: name(dev),
    }
}

/// A handle on the caller's namespace, for argument checks only (nothing
/// is sent: every call below fails before reaching the kernel).
fn local_handle() -> *mut ipdb_iproute {
    let mut h = null_mut();
    // SAFETY: NULL path; h is writable.
    assert_eq!(
        unsafe { ipdb_iproute_open(null(), &mut h) },
        IPDB_OK,
        "{}",
        last_error()
    );
    h
}

#[test]
fn null_and_bad_arguments_are_refused_without_a_kernel() {
    let spec = link_spec("br0", IPDB_LINK_BRIDGE, "");
    let r = route("10.9.0.0/24", None, "br0");
    // SAFETY: NULL handles and specs are what is being tested; every other
    // pointer is valid.
    unsafe {
        assert_eq!(ipdb_iproute_open(null(), null_mut()), IPDB_NULL_PARAMETER);
        ipdb_iproute_close(null_mut());
        assert_eq!(
            ipdb_iproute_link_add(null_mut(), &spec),
            IPDB_NULL_PARAMETER
        );
        assert_eq!(
            ipdb_iproute_route(null_mut(), true, &r),
            IPDB_NULL_PARAMETER
        );
        let c = CString::new("br0").unwrap();
        assert_eq!(
            ipdb_iproute_link_set_up(null_mut(), c.as_ptr(), true),
            IPDB_NULL_PARAMETER
        );

        let h = local_handle();
        assert_eq!(ipdb_iproute_link_add(h, null()), IPDB_NULL_PARAMETER);
        assert!(last_error().contains("spec"), "{}", last_error());
        assert_eq!(ipdb_iproute_route(h, true, null()), IPDB_NULL_PARAMETER);
        assert_eq!(ipdb_iproute_neighbour(h, true, null()), IPDB_NULL_PARAMETER);
        assert_eq!(ipdb_iproute_rule(h, true, null()), IPDB_NULL_PARAMETER);
        assert_eq!(ipdb_iproute_link_del(h, null()), IPDB_NULL_PARAMETER);
        assert_eq!(
            ipdb_iproute_addr(h, true, c.as_ptr(), null()),
            IPDB_NULL_PARAMETER
        );
        let mut out = MaybeUninit::<ipdb_route>::uninit();
        assert_eq!(
            ipdb_iproute_route_get(h, null(), out.as_mut_ptr()),
            IPDB_NULL_PARAMETER
        );

        let bad = CString::new(vec![b'b', 0xff, b'r']).unwrap();
        assert_eq!(
            ipdb_iproute_link_set_mtu(h, bad.as_ptr(), 1400),
            IPDB_INVALID_UTF8
        );
        assert_eq!(ipdb_iproute_link_del(h, bad.as_ptr()), IPDB_INVALID_UTF8);
        let mut bad_spec = link_spec("br0", IPDB_LINK_BRIDGE, "");
        bad_spec.name[1] = 0xffu8 as c_char;
        assert_eq!(ipdb_iproute_link_add(h, &bad_spec), IPDB_INVALID_UTF8);
        let mut kindless = link_spec("br0", IPDB_LINK_BRIDGE, "");
        kindless.kind = 999;
        assert_eq!(ipdb_iproute_link_add(h, &kindless), IPDB_INVALID_ARGUMENT);
        assert!(last_error().contains("spec.kind"), "{}", last_error());
        let long = CString::new("a-name-of-16-chr").unwrap();
        assert_eq!(
            ipdb_iproute_link_set_up(h, long.as_ptr(), true),
            IPDB_INVALID_ARGUMENT
        );
        ipdb_iproute_close(h);
    }
}

#[test]
fn changes_return_when_the_kernel_acked_them() {
    let ns = testns::require!("ffi-iproute");
    let path = CString::new(ns.path().as_os_str().as_encoded_bytes()).unwrap();
    let br = CString::new("br-ipr").unwrap();
    let mut h = null_mut();
    // SAFETY: every pointer below is valid for its call; h is live until
    // ipdb_iproute_close.
    unsafe {
        assert_eq!(
            ipdb_iproute_open(path.as_ptr(), &mut h),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert_eq!(
            ipdb_iproute_link_add(h, &link_spec("br-ipr", IPDB_LINK_BRIDGE, "")),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert_eq!(
            ipdb_iproute_link_set_up(h, br.as_ptr(), true),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert_eq!(
            ipdb_iproute_link_set_mtu(h, br.as_ptr(), 1400),
            IPDB_OK,
            "{}",
            last_error()
        );
        let link = ns.ip_json(&["link", "show", "br-ipr"]);
        assert!(link.contains("\"mtu\":1400"), "{link}");
        assert!(link.contains("\"UP\""), "{link}");

        let i = iface("10.77.0.1/24");
        assert_eq!(
            ipdb_iproute_addr(h, true, br.as_ptr(), &i),
            IPDB_OK,
            "{}",
            last_error()
        );
        let addrs = ns.ip_json(&["-4", "addr", "show", "br-ipr"]);
        assert!(
            addrs.contains("\"local\":\"10.77.0.1\",\"prefixlen\":24"),
            "{addrs}"
        );

        let r = route("10.78.0.0/16", Some("10.77.0.2"), "br-ipr");
        assert_eq!(ipdb_iproute_route(h, true, &r), IPDB_OK, "{}", last_error());
        let routes = ns.ip_json(&["-4", "route", "show", "10.78.0.0/16"]);
        assert!(routes.contains("\"gateway\":\"10.77.0.2\""), "{routes}");
        assert!(routes.contains("\"dev\":\"br-ipr\""), "{routes}");

        let mut got = MaybeUninit::<ipdb_route>::uninit();
        let dst = addr("10.78.1.2");
        assert_eq!(
            ipdb_iproute_route_get(h, &dst, got.as_mut_ptr()),
            IPDB_OK,
            "{}",
            last_error()
        );
        let got = got.assume_init();
        assert_eq!(got.gateway.bytes[..4], [10, 77, 0, 2]);

        let unreachable = route("10.79.0.0/16", Some("192.0.2.9"), "br-ipr");
        assert_eq!(ipdb_iproute_route(h, true, &unreachable), IPDB_KERNEL_ERROR);
        let e = last_error();
        assert!(e.contains("Nexthop has invalid gateway"), "{e}");
        assert_eq!(
            ns.ip_json(&["-4", "route", "show", "10.79.0.0/16"]).trim(),
            "[]"
        );
        let neigh = ipdb_neighbour_spec {
            dev: name("br-ipr"),
            dst: addr("10.77.0.5"),
            lladdr: [0x02, 0, 0, 0, 0, 0x05],
            has_lladdr: true,
            fdb: false,
        };
        assert_eq!(
            ipdb_iproute_neighbour(h, true, &neigh),
            IPDB_OK,
            "{}",
            last_error()
        );
        let neighs = ns.ip_json(&["-4", "neigh", "show", "dev", "br-ipr"]);
        assert!(neighs.contains("\"dst\":\"10.77.0.5\""), "{neighs}");
        assert!(
            neighs.contains("\"lladdr\":\"02:00:00:00:00:05\""),
            "{neighs}"
        );
        assert_eq!(ipdb_iproute_neighbour(h, true, &neigh), IPDB_KERNEL_ERROR);
        assert_eq!(
            ipdb_iproute_neighbour(h, false, &neigh),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert!(!ns
            .ip_json(&["-4", "neigh", "show", "dev", "br-ipr"])
            .contains("10.77.0.5"));

        let any = ipdb_net {
            addr: none_addr(),
            prefixlen: 0,
        };
        let rule = ipdb_rule_spec {
            priority: 1234,
            table: 77,
            fwmark: 0x42,
            fwmask: 0,
            from: any,
            to: any,
        };
        assert_eq!(
            ipdb_iproute_rule(h, true, &rule),
            IPDB_OK,
            "{}",
            last_error()
        );
        let rules = ns.ip_json(&["-4", "rule", "show", "priority", "1234"]);
        assert!(rules.contains("\"table\":\"77\""), "{rules}");
        assert!(rules.contains("\"fwmark\":\"0x42\""), "{rules}");
        assert_eq!(
            ipdb_iproute_rule(h, false, &rule),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert_eq!(
            ns.ip_json(&["-4", "rule", "show", "priority", "1234"])
                .trim(),
            "[]"
        );

        assert_eq!(
            ipdb_iproute_route(h, false, &r),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert_eq!(
            ns.ip_json(&["-4", "route", "show", "10.78.0.0/16"]).trim(),
            "[]"
        );
        assert_eq!(
            ipdb_iproute_addr(h, false, br.as_ptr(), &i),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert_eq!(
            ipdb_iproute_link_del(h, br.as_ptr()),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert!(ns.try_ip(&["link", "show", "br-ipr"]).is_err());
        assert_eq!(ipdb_iproute_link_del(h, br.as_ptr()), IPDB_KERNEL_ERROR);
        ipdb_iproute_close(h);
    }
}
