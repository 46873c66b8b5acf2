//! `ipdb_iproute_link_add` with a lower link: the parent's name resolved
//! to its index on the handle's namespace, the link created on it, checked
//! with `ip -j`. Runs in a namespace the test creates (root; skipped
//! loudly otherwise).

use std::ffi::CString;
use std::ptr::null_mut;

use ipdb_ffi::*;

mod common;
use common::{last_error, link_spec};

#[test]
fn links_are_created_on_their_parent() {
    let ns = testns::require!("ffi-ipr-parent");
    ns.ip(&[
        "link", "add", "low0", "type", "veth", "peer", "name", "low1",
    ]);
    let path = CString::new(ns.path().as_os_str().as_encoded_bytes()).unwrap();
    let mut h = null_mut();
    // SAFETY: every pointer below is valid for its call; h is live until
    // ipdb_iproute_close.
    unsafe {
        assert_eq!(ipdb_iproute_open(path.as_ptr(), &mut h), IPDB_OK);

        let mut mv = link_spec("mv0", IPDB_LINK_MACVLAN, "low0");
        mv.mode = IPDB_MACVLAN_BRIDGE;
        assert_eq!(ipdb_iproute_link_add(h, &mv), IPDB_OK, "{}", last_error());
        // Synchronous: there when the call returns, on low0.
        let show = ns.ip_json(&["-d", "link", "show", "mv0"]);
        assert!(show.contains(r#""link":"low0""#), "{show}");
        assert!(show.contains(r#""info_kind":"macvlan""#), "{show}");
        assert!(show.contains(r#""mode":"bridge""#), "{show}");

        let tap = link_spec("mvt0", IPDB_LINK_MACVTAP, "low1");
        assert_eq!(ipdb_iproute_link_add(h, &tap), IPDB_OK, "{}", last_error());
        let show = ns.ip_json(&["-d", "link", "show", "mvt0"]);
        assert!(show.contains(r#""link":"low1""#), "{show}");
        assert!(show.contains(r#""info_kind":"macvtap""#), "{show}");

        // vxlan keeps its lower device in its kind data.
        let mut vx = link_spec("vx0", IPDB_LINK_VXLAN, "low1");
        vx.vni = 42;
        vx.port = 4789;
        assert_eq!(ipdb_iproute_link_add(h, &vx), IPDB_OK, "{}", last_error());
        let show = ns.ip_json(&["-d", "link", "show", "vx0"]);
        assert!(
            show.contains(r#""info_data":{"id":42,"link":"low1""#),
            "{show}"
        );
        // Without a parent a vxlan has no lower device.
        let mut free = link_spec("vx1", IPDB_LINK_VXLAN, "");
        free.vni = 43;
        free.port = 4790;
        assert_eq!(ipdb_iproute_link_add(h, &free), IPDB_OK, "{}", last_error());
        let show = ns.ip_json(&["-d", "link", "show", "vx1"]);
        assert!(!show.contains(r#""link":"#), "{show}");

        // A parent that does not exist: the kernel's ENODEV, nothing made.
        let ghost = link_spec("mv1", IPDB_LINK_MACVLAN, "nosuch0");
        assert_eq!(ipdb_iproute_link_add(h, &ghost), IPDB_KERNEL_ERROR);
        assert!(last_error().contains("nosuch0"), "{}", last_error());
        assert!(ns.try_ip(&["link", "show", "mv1"]).is_err());
        // A parent on a kind that sits on none, or none where one is
        // required: refused before anything is sent.
        let br = link_spec("br0", IPDB_LINK_BRIDGE, "low0");
        assert_eq!(ipdb_iproute_link_add(h, &br), IPDB_INVALID_ARGUMENT);
        assert!(last_error().contains("spec.parent"), "{}", last_error());
        assert!(ns.try_ip(&["link", "show", "br0"]).is_err());
        let orphan = link_spec("mv2", IPDB_LINK_MACVLAN, "");
        assert_eq!(ipdb_iproute_link_add(h, &orphan), IPDB_INVALID_ARGUMENT);
        assert!(last_error().contains("spec.parent"), "{}", last_error());

        ipdb_iproute_close(h);
    }
}
