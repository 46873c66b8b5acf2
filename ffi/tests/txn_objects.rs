//! Transaction steps on whole objects through the C ABI: links created by
//! kind, ports, link removal, neighbours, rules, and commits with a
//! timeout (confirmed, confirmed too late, freed unconfirmed). Argument
//! checks need no kernel; the rest runs in a namespace the test creates
//! (root; skipped loudly otherwise).

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use ipdb_ffi::*;

mod common;
use common::{last_error, link_spec, name, none_addr};

fn v4(a: [u8; 4]) -> ipdb_addr {
    let mut bytes = [0; 16];
    bytes[..4].copy_from_slice(&a);
    ipdb_addr {
        bytes,
        family: IPDB_V4,
        scope_id: [0; IPDB_SCOPE_ID_SIZE],
    }
}

fn rule(priority: u32, table: u32, fwmark: u32) -> ipdb_rule_spec {
    let any = ipdb_net {
        addr: none_addr(),
        prefixlen: 0,
    };
    ipdb_rule_spec {
        priority,
        table,
        fwmark,
        fwmask: 0,
        from: any,
        to: any,
    }
}

fn open(path: &std::path::Path) -> *mut ipdb_db {
    common::open(path, IPDB_OPEN_NO_THREAD)
}

/// The review of transaction `t` as JSON text.
fn review_json(db: *mut ipdb_db, t: u64) -> String {
    let mut buf = vec![0 as c_char; 16384];
    let mut n = 0usize;
    // SAFETY: test code; `db` is a live handle, `buf` holds `buf.len()` bytes.
    let status = unsafe { ipdb_txn_review(db, t, buf.as_mut_ptr(), buf.len(), &mut n) };
    assert_eq!(status, IPDB_OK, "{}", last_error());
    buf[..n].iter().map(|&c| c as u8 as char).collect()
}

#[test]
fn object_steps_check_their_arguments_without_a_kernel() {
    // SAFETY: NULL or valid pointers; the library checks the rest.
    unsafe {
        let l = link_spec("x0", IPDB_LINK_DUMMY, "");
        assert_eq!(ipdb_txn_link_create(null(), 1, &l), IPDB_NULL_PARAMETER);
        assert_eq!(
            ipdb_txn_link_remove(null(), 1, c"x".as_ptr(), 1),
            IPDB_NULL_PARAMETER
        );
        let mut out = null_mut();
        assert_eq!(
            ipdb_txn_commit_with_timeout(null(), 1, 10, &mut out),
            IPDB_NULL_PARAMETER
        );
        assert!(out.is_null());
        assert_eq!(ipdb_pending_confirm(null_mut()), IPDB_NULL_PARAMETER);
        ipdb_pending_free(null_mut());
    }
}

#[test]
fn links_ports_neighbours_rules_and_timed_commits_in_a_namespace() {
    let ns = testns::require!("ffi-txn-objects");
    // This host's kernel may lack dummy and 8021q: those kinds are
    // checked through the review, the others against the kernel.
    ns.ip(&[
        "link", "add", "lower0", "type", "veth", "peer", "name", "lower1",
    ]);
    let db = open(ns.path());

    // SAFETY: a live handle and valid pointers throughout.
    unsafe {
        // Bad specs are refused when staged, with the field named.
        let mut t = 0u64;
        assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
        let mut bad = link_spec("vl0", IPDB_LINK_VLAN, "");
        bad.vlan_id = 10;
        assert_eq!(ipdb_txn_link_create(db, t, &bad), IPDB_INVALID_ARGUMENT);
        assert!(last_error().contains("spec.parent"), "{}", last_error());
        bad.parent = name("lower0");
        bad.vlan_id = 4095;
        assert_eq!(ipdb_txn_link_create(db, t, &bad), IPDB_INVALID_ARGUMENT);
        assert!(last_error().contains("vlan_id"), "{}", last_error());
        let mut unnamed = link_spec("", IPDB_LINK_DUMMY, "");
        assert_eq!(ipdb_txn_link_create(db, t, &unnamed), IPDB_INVALID_ARGUMENT);
        unnamed = link_spec("d0", 99, "");
        assert_eq!(ipdb_txn_link_create(db, t, &unnamed), IPDB_INVALID_ARGUMENT);
        assert!(last_error().contains("spec.kind"), "{}", last_error());
        let no_mac = ipdb_neighbour_spec {
            dev: name("lower0"),
            dst: none_addr(),
            lladdr: [0; 6],
            has_lladdr: false,
            fdb: true,
        };
        assert_eq!(
            ipdb_txn_neighbour(db, t, true, &no_mac),
            IPDB_INVALID_ARGUMENT
        );
        let mut vl = link_spec("vl0", IPDB_LINK_VLAN, "");
        vl.parent = name("lower0");
        vl.vlan_id = 10;
        assert_eq!(
            ipdb_txn_link_create(db, t, &vl),
            IPDB_OK,
            "{}",
            last_error()
        );
        let d = link_spec("d0", IPDB_LINK_DUMMY, "");
        assert_eq!(ipdb_txn_link_create(db, t, &d), IPDB_OK);
        let review = review_json(db, t);
        assert!(
            review.contains(r#""name":"vl0","created":"vlan""#),
            "{review}"
        );
        assert!(
            review.contains(r#""name":"d0","created":"dummy""#),
            "{review}"
        );
        assert_eq!(ipdb_txn_drop(db, t), IPDB_OK);

        // One transaction creating every kind, a port, a neighbour, a rule.
        assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
        let mut specs = vec![
            link_spec("br0", IPDB_LINK_BRIDGE, ""),
            link_spec("ifb0", IPDB_LINK_IFB, ""),
            link_spec("ve0", IPDB_LINK_VETH, ""),
            link_spec("mv0", IPDB_LINK_MACVLAN, ""),
            link_spec("mvt0", IPDB_LINK_MACVTAP, ""),
            link_spec("vx0", IPDB_LINK_VXLAN, ""),
            link_spec("tun0", IPDB_LINK_TUN, ""),
            link_spec("tap0", IPDB_LINK_TAP, ""),
        ];
        specs[2].peer = name("ve1");
        specs[3].parent = name("lower0");
        specs[3].mode = IPDB_MACVLAN_BRIDGE;
        // The lower link is created by this same transaction.
        specs[4].parent = name("ve1");
        specs[4].mode = IPDB_MACVLAN_PRIVATE;
        specs[5].vni = 42;
        specs[5].port = 4789;
        specs[5].remote = v4([192, 0, 2, 7]);
        specs[5].local = v4([192, 0, 2, 1]);
        specs[5].parent = name("lower0");
        for s in &specs {
            assert_eq!(ipdb_txn_link_create(db, t, s), IPDB_OK, "{}", last_error());
        }
        assert_eq!(
            ipdb_txn_link_port(db, t, c"br0".as_ptr(), 3, true, c"ve0".as_ptr(), 3),
            IPDB_OK
        );
        assert_eq!(
            ipdb_txn_link_set_up(db, t, c"ifb0".as_ptr(), 4, true),
            IPDB_OK
        );
        let neigh = ipdb_neighbour_spec {
            dev: name("lower0"),
            dst: v4([10, 7, 0, 9]),
            lladdr: [2, 0, 0, 0, 0, 9],
            has_lladdr: true,
            fdb: false,
        };
        assert_eq!(ipdb_txn_neighbour(db, t, true, &neigh), IPDB_OK);
        let mut r = rule(1234, 100, 0x42);
        assert_eq!(ipdb_txn_rule(db, t, true, &r), IPDB_OK);
        let review = review_json(db, t);
        assert!(
            review.contains(r#""name":"vx0","created":"vxlan""#),
            "{review}"
        );
        assert!(review.contains(r#""add_ports":["ve0"]"#), "{review}");
        assert_eq!(
            ipdb_txn_commit(db, t, null_mut()),
            IPDB_OK,
            "{}",
            last_error()
        );

        let show = ns.ip(&["-d", "link", "show"]);
        for s in ["br0", "ifb0", "ve0@ve1", "mv0@lower0", "mvt0@ve1"] {
            assert!(show.contains(&format!(": {s}:")), "{s} missing:\n{show}");
        }
        assert!(show.contains("macvlan mode bridge"), "{show}");
        assert!(show.contains("macvtap mode private"), "{show}");
        assert!(
            show.contains("vxlan id 42 remote 192.0.2.7 local 192.0.2.1 dev lower0"),
            "{show}"
        );
        assert!(show.contains("dstport 4789"), "{show}");
        assert!(show.contains("master br0"), "{show}");
        let tuntap =
            ns.ip(&["-d", "link", "show", "tun0"]) + &ns.ip(&["-d", "link", "show", "tap0"]);
        assert!(
            tuntap.contains("tun type tun") && tuntap.contains("tun type tap"),
            "{tuntap}"
        );
        assert!(ns
            .ip(&["neigh", "show", "dev", "lower0"])
            .contains("10.7.0.9 lladdr 02:00:00:00:00:09 PERMANENT"));
        assert!(ns
            .ip(&["rule", "show"])
            .contains("1234:\tfrom all fwmark 0x42 lookup 100"));

        // FDB entries: a static one on a bridge port, a remote on the vxlan.
        let port_fdb = ipdb_neighbour_spec {
            dev: name("ve0"),
            dst: none_addr(),
            lladdr: [2, 0, 0, 0, 0, 0x0a],
            has_lladdr: true,
            fdb: true,
        };
        let vx_fdb = ipdb_neighbour_spec {
            dev: name("vx0"),
            dst: v4([192, 0, 2, 8]),
            lladdr: [2, 0, 0, 0, 0, 0x0b],
            has_lladdr: true,
            fdb: true,
        };
        for add in [true, false] {
            assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
            assert_eq!(ipdb_txn_neighbour(db, t, add, &port_fdb), IPDB_OK);
            assert_eq!(ipdb_txn_neighbour(db, t, add, &vx_fdb), IPDB_OK);
            assert_eq!(
                ipdb_txn_commit(db, t, null_mut()),
                IPDB_OK,
                "{}",
                last_error()
            );
            let fdb = ns.exec(&["bridge", "fdb", "show"]);
            let port = fdb.contains("02:00:00:00:00:0a dev ve0 master br0 static");
            let remote = fdb.contains("02:00:00:00:00:0b dev vx0 dst 192.0.2.8");
            assert_eq!((port, remote), (add, add), "{fdb}");
        }

        // Undo: release the port, delete the rule, the neighbour, links.
        assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
        assert_eq!(
            ipdb_txn_link_port(db, t, c"br0".as_ptr(), 3, false, c"ve0".as_ptr(), 3),
            IPDB_OK
        );
        assert_eq!(ipdb_txn_neighbour(db, t, false, &neigh), IPDB_OK);
        r.table = 0;
        r.fwmark = 0;
        assert_eq!(ipdb_txn_rule(db, t, false, &r), IPDB_OK);
        for l in ["vx0", "mv0", "tap0"] {
            assert_eq!(
                ipdb_txn_link_remove(db, t, l.as_ptr().cast(), l.len()),
                IPDB_OK
            );
        }
        assert_eq!(
            ipdb_txn_commit(db, t, null_mut()),
            IPDB_OK,
            "{}",
            last_error()
        );
        let show = ns.ip(&["link", "show"]);
        assert!(!show.contains("master br0"), "{show}");
        for gone in [": vx0", ": mv0", ": tap0"] {
            assert!(!show.contains(gone), "{gone} still there:\n{show}");
        }
        assert!(!ns.ip(&["rule", "show"]).contains("1234:"));
        assert!(!ns
            .ip(&["neigh", "show", "dev", "lower0"])
            .contains("10.7.0.9"));

        // A timed commit confirmed in time stays; a second confirm is NO_VALUE.
        assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
        assert_eq!(
            ipdb_txn_link_set_mtu(db, t, c"lower0".as_ptr(), 6, 1400),
            IPDB_OK
        );
        let mut p = null_mut();
        assert_eq!(
            ipdb_txn_commit_with_timeout(db, t, 10_000, &mut p),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert!(ns.ip(&["link", "show", "lower0"]).contains("mtu 1400"));
        assert_eq!(ipdb_pending_confirm(p), IPDB_OK, "{}", last_error());
        assert_eq!(ipdb_pending_confirm(p), IPDB_NO_VALUE);
        ipdb_pending_free(p);
        assert!(ns.ip(&["link", "show", "lower0"]).contains("mtu 1400"));
        assert_eq!(
            ipdb_txn_commit_with_timeout(db, t, 10, &mut p),
            IPDB_NO_TRANSACTION
        );

        // Freed without confirming: free returns at once, the deadline
        // still runs and rolls the commit back.
        assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
        assert_eq!(
            ipdb_txn_link_set_mtu(db, t, c"lower0".as_ptr(), 6, 1300),
            IPDB_OK
        );
        let late = link_spec("late0", IPDB_LINK_IFB, "");
        assert_eq!(ipdb_txn_link_create(db, t, &late), IPDB_OK);
        assert_eq!(ipdb_txn_commit_with_timeout(db, t, 1500, &mut p), IPDB_OK);
        assert!(ns.ip(&["link", "show"]).contains(": late0"));
        ipdb_pending_free(p);
        assert!(ns.ip(&["link", "show"]).contains(": late0"));
        let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while ns.ip(&["link", "show"]).contains(": late0") && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        // Undone newest first: the MTU is set back before late0 is
        // deleted, so once late0 is gone lower0 has its MTU back.
        let show = ns.ip(&["link", "show"]);
        assert!(!show.contains(": late0"), "{show}");
        assert!(ns.ip(&["link", "show", "lower0"]).contains("mtu 1400"));

        // Confirmed too late: the rollback's error.
        assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
        assert_eq!(
            ipdb_txn_link_set_mtu(db, t, c"lower0".as_ptr(), 6, 1200),
            IPDB_OK
        );
        assert_eq!(ipdb_txn_commit_with_timeout(db, t, 50, &mut p), IPDB_OK);
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(ipdb_pending_confirm(p), IPDB_COMMIT_FAILED);
        assert!(last_error().contains("confirm"), "{}", last_error());
        ipdb_pending_free(p);
        assert!(ns.ip(&["link", "show", "lower0"]).contains("mtu 1400"));

        ipdb_db_close(db);
    }
}
