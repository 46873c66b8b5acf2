//! Timed commits ended early through the C ABI: `ipdb_pending_rollback`
//! undoes the commit at once and reports how many steps it undid; a
//! handle ends once (confirm or rollback). Argument checks need no kernel;
//! the rest runs in a namespace the test creates (root; skipped loudly
//! otherwise).

use std::ptr::null_mut;
use std::time::{Duration, Instant};

use ipdb_ffi::*;

mod common;
use common::{last_error, name};

#[test]
fn rollback_checks_its_arguments_without_a_kernel() {
    let mut n = 7u64;
    // SAFETY: NULL or valid pointers; the library checks the rest.
    unsafe {
        assert_eq!(
            ipdb_pending_rollback(null_mut(), &mut n),
            IPDB_NULL_PARAMETER
        );
    }
    assert_eq!(n, 7, "written only on success");
}

/// The links of the namespace as `ip -j` shows them.
fn links(ns: &testns::TestNetns) -> String {
    ns.ip_json(&["link", "show"])
}

#[test]
fn rollback_undoes_a_timed_commit_at_once() {
    let ns = testns::require!("ffi-pending");
    ns.ip(&["link", "add", "pa0", "type", "veth", "peer", "name", "pa1"]);
    let before = links(&ns);
    let db = common::open(ns.path(), IPDB_OPEN_NO_THREAD);
    // SAFETY: a live handle and valid pointers throughout.
    unsafe {
        let stage = |mtu: u32| {
            let mut t = 0u64;
            assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
            assert_eq!(
                ipdb_txn_link_set_mtu(db, t, c"pa0".as_ptr(), 3, mtu),
                IPDB_OK
            );
            let br = ipdb_link_spec {
                name: name("pbr0"),
                kind: IPDB_LINK_BRIDGE,
                ..std::mem::zeroed()
            };
            assert_eq!(
                ipdb_txn_link_create(db, t, &br),
                IPDB_OK,
                "{}",
                last_error()
            );
            t
        };

        let t = stage(1300);
        let timeout = Duration::from_secs(60);
        let start = Instant::now();
        let mut p = null_mut();
        assert_eq!(
            ipdb_txn_commit_with_timeout(db, t, timeout.as_millis() as u64, &mut p),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert!(links(&ns).contains("\"pbr0\""));
        assert!(ns.ip(&["link", "show", "pa0"]).contains("mtu 1300"));
        let mut undone = 0u64;
        assert_eq!(
            ipdb_pending_rollback(p, &mut undone),
            IPDB_OK,
            "{}",
            last_error()
        );
        assert!(start.elapsed() < timeout / 4, "{:?}", start.elapsed());
        assert_eq!(undone, 2, "the MTU and the bridge");
        assert_eq!(links(&ns), before);
        // Ended once: neither confirm nor rollback has anything left.
        assert_eq!(ipdb_pending_rollback(p, &mut undone), IPDB_NO_VALUE);
        assert_eq!(ipdb_pending_confirm(p), IPDB_NO_VALUE);
        ipdb_pending_free(p);
        assert_eq!(links(&ns), before);

        // Confirmed, then nothing is left to roll back: the commit stays.
        let t = stage(1400);
        assert_eq!(ipdb_txn_commit_with_timeout(db, t, 60_000, &mut p), IPDB_OK);
        assert_eq!(ipdb_pending_confirm(p), IPDB_OK, "{}", last_error());
        assert_eq!(ipdb_pending_rollback(p, &mut undone), IPDB_NO_VALUE);
        ipdb_pending_free(p);
        assert!(links(&ns).contains("\"pbr0\""));
        assert!(ns.ip(&["link", "show", "pa0"]).contains("mtu 1400"));

        ipdb_db_close(db);
    }
}
