//! The database part of the C ABI, called as C calls it: argument and
//! handle errors (no kernel needed), then snapshots, lookups, callbacks
//! driven by `ipdb_db_process`, and transactions in a namespace the test
//! creates (root; skipped loudly otherwise).

use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::ptr::{null, null_mut};
use std::sync::Mutex;

use ipdb_ffi::*;

mod common;
use common::{last_error, open};

#[test]
fn arguments_and_handles_are_checked_without_a_kernel() {
    let mut db = null_mut();
    // SAFETY: every pointer is NULL or valid; the library checks the rest.
    unsafe {
        assert_eq!(ipdb_db_open(null(), 0, null_mut()), IPDB_NULL_PARAMETER);
        assert_eq!(ipdb_db_open(null(), 6, &mut db), IPDB_INVALID_ARGUMENT);
        assert!(last_error().contains("flags"), "{}", last_error());
        assert!(db.is_null(), "out written on failure");
        let missing = c"/nonexistent/netns";
        assert_eq!(
            ipdb_db_open(missing.as_ptr(), 0, &mut db),
            IPDB_SYSTEM_ERROR
        );
        assert!(db.is_null());
        let mut fd = -1;
        assert_eq!(ipdb_db_fd(null(), &mut fd), IPDB_NULL_PARAMETER);
        assert_eq!(ipdb_db_process(null(), null_mut()), IPDB_NULL_PARAMETER);
        assert_eq!(ipdb_txn_begin(null(), null_mut()), IPDB_NULL_PARAMETER);
        assert_eq!(ipdb_txn_commit(null(), 1, null_mut()), IPDB_NULL_PARAMETER);
        // A handle of another type is refused by its tag.
        let mut it = null_mut();
        let n = ipdb_net {
            addr: ipdb_addr {
                bytes: [192, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                family: IPDB_V4,
                scope_id: [0; IPDB_SCOPE_ID_SIZE],
            },
            prefixlen: 30,
        };
        assert_eq!(ipdb_net_hosts(&n, &mut it), IPDB_OK);
        assert_eq!(
            ipdb_db_fd(it.cast::<ipdb_db>().cast_const(), &mut fd),
            IPDB_INVALID_HANDLE
        );
        let mut snap = null_mut();
        assert_eq!(
            ipdb_db_snapshot(it.cast::<ipdb_db>().cast_const(), &mut snap),
            IPDB_INVALID_HANDLE
        );
        ipdb_addr_iter_free(it);
        ipdb_db_close(null_mut());
        ipdb_snapshot_free(null_mut());
    }
}

/// Events seen by the callback: (kind, object, address text or link name).
type Seen = Mutex<Vec<(u8, u8, String)>>;

unsafe extern "C" fn record(ev: *const ipdb_event, userdata: *mut c_void) {
    // SAFETY: the library passes a valid event for the call and the
    // userdata given at registration (a `Seen`).
    let (ev, seen) = unsafe { (&*ev, &*(userdata as *const Seen)) };
    let what = if !ev.address.is_null() {
        // SAFETY: non-NULL pointers of an event are valid during the call.
        let a = unsafe { &*ev.address };
        format!(
            "{}.{}.{}.{}/{}",
            a.local.bytes[0], a.local.bytes[1], a.local.bytes[2], a.local.bytes[3], a.prefixlen
        )
    } else if !ev.link.is_null() {
        // SAFETY: as above.
        let l = unsafe { &*ev.link };
        l.name
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8 as char)
            .collect()
    } else {
        String::new()
    };
    seen.lock().unwrap().push((ev.kind, ev.object, what));
}

#[test]
fn snapshot_lookup_callbacks_and_a_failed_commit_in_a_namespace() {
    let ns = testns::require!("ffi-db");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["link", "set", "v0", "up"]);
    ns.ip(&["link", "set", "v1", "up"]);
    ns.ip(&["addr", "add", "10.1.0.1/24", "dev", "v0"]);
    ns.ip(&["route", "add", "10.9.0.0/16", "via", "10.1.0.254"]);
    let db = open(ns.path(), IPDB_OPEN_NO_THREAD);

    // SAFETY: a live handle and valid out-pointers throughout.
    unsafe {
        let mut snap = null_mut();
        assert_eq!(ipdb_db_snapshot(db, &mut snap), IPDB_OK);
        let (mut links, mut n) = (null(), 0usize);
        assert_eq!(ipdb_snapshot_links(snap, &mut links, &mut n), IPDB_OK);
        let links = std::slice::from_raw_parts(links, n);
        let name = |l: &ipdb_link| -> String {
            l.name
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8 as char)
                .collect()
        };
        let v0 = *links
            .iter()
            .find(|l| name(l) == "v0")
            .expect("v0 in the snapshot");
        assert_eq!(v0.mtu, 1500);
        assert_eq!(v0.mac_len, 6);
        assert!(links.windows(2).all(|w| w[0].index < w[1].index));
        let (mut routes, mut nr) = (null(), 0usize);
        assert_eq!(ipdb_snapshot_routes(snap, &mut routes, &mut nr), IPDB_OK);
        let routes = std::slice::from_raw_parts(routes, nr);
        let r = routes
            .iter()
            .position(|r| r.dst.bytes[..2] == [10, 9] && r.dst_len == 16)
            .expect("10.9.0.0/16 in the snapshot");
        assert_eq!(routes[r].oif, v0.index);
        assert_eq!(routes[r].gateway.bytes[..4], [10, 1, 0, 254]);
        let (mut hops, mut nh) = (null(), 7usize);
        assert_eq!(
            ipdb_snapshot_route_hops(snap, r, &mut hops, &mut nh),
            IPDB_OK
        );
        assert_eq!(nh, 0);
        assert_eq!(
            ipdb_snapshot_route_hops(snap, nr, &mut hops, &mut nh),
            IPDB_INVALID_ARGUMENT
        );
        // The arrays are the snapshot's: copy what outlives it.
        let route = routes[r];
        ipdb_snapshot_free(snap);
        // A route's scope-less addresses as the `ipdb_addr` / `ipdb_net`
        // that other calls take.
        let mut gateway = MaybeUninit::<ipdb_addr>::uninit();
        assert_eq!(
            ipdb_ip_to_addr(&route.gateway, gateway.as_mut_ptr()),
            IPDB_OK
        );
        let gateway = gateway.assume_init();
        assert_eq!((gateway.bytes, gateway.family), (route.gateway.bytes, 4));
        let mut dst = ipdb_net {
            addr: gateway,
            prefixlen: route.dst_len,
        };
        assert_eq!(ipdb_ip_to_addr(&route.dst, &mut dst.addr), IPDB_OK);
        assert_eq!(
            ipdb_ip_to_addr(&route.src, &mut dst.addr),
            IPDB_INVALID_ARGUMENT,
            "an absent address (family 0) is no address"
        );

        // Lookups.
        let mut l = MaybeUninit::<ipdb_link>::uninit();
        assert_eq!(
            ipdb_db_link_by_name(db, c"v0".as_ptr(), 2, l.as_mut_ptr()),
            IPDB_OK
        );
        assert_eq!(l.assume_init(), v0);
        assert_eq!(ipdb_db_link_by_index(db, v0.index, l.as_mut_ptr()), IPDB_OK);
        assert_eq!(
            ipdb_db_link_by_index(db, 9999, l.as_mut_ptr()),
            IPDB_NO_VALUE
        );
        let mut a = gateway;
        a.bytes[..4].copy_from_slice(&[10, 9, 3, 4]);
        let mut out = MaybeUninit::<ipdb_route>::uninit();
        assert_eq!(ipdb_db_route_lookup(db, 254, &a, out.as_mut_ptr()), IPDB_OK);
        assert_eq!(out.assume_init(), route);
        assert_eq!(ipdb_db_route_get(db, 254, &dst, out.as_mut_ptr()), IPDB_OK);
        assert_eq!(out.assume_init(), route);
        a.bytes[..4].copy_from_slice(&[192, 0, 2, 1]);
        assert_eq!(
            ipdb_db_route_lookup(db, 254, &a, out.as_mut_ptr()),
            IPDB_NO_VALUE
        );
        a.family = 9;
        assert_eq!(
            ipdb_db_route_lookup(db, 254, &a, out.as_mut_ptr()),
            IPDB_INVALID_ARGUMENT
        );

        // Callbacks run inside ipdb_db_process, on this thread.
        let seen: Seen = Mutex::new(Vec::new());
        let mut id = 0u64;
        let ud = &seen as *const Seen as *mut c_void;
        assert_eq!(
            ipdb_db_register_callback(db, None, ud, &mut id),
            IPDB_NULL_PARAMETER
        );
        assert_eq!(
            ipdb_db_register_callback(db, Some(record), ud, &mut id),
            IPDB_OK
        );
        ns.ip(&["addr", "add", "10.2.0.1/24", "dev", "v1"]);
        let mut applied = 0usize;
        assert_eq!(ipdb_db_process(db, &mut applied), IPDB_OK);
        assert!(applied > 0);
        assert!(
            seen.lock().unwrap().contains(&(
                IPDB_EVENT_ADD,
                IPDB_OBJECT_ADDRESS,
                "10.2.0.1/24".into()
            )),
            "{:?}",
            seen.lock().unwrap()
        );
        assert_eq!(ipdb_db_unregister_callback(db, id), IPDB_OK);
        assert_eq!(ipdb_db_unregister_callback(db, id), IPDB_NO_VALUE);
        let before = seen.lock().unwrap().len();
        ns.ip(&["addr", "del", "10.2.0.1/24", "dev", "v1"]);
        assert_eq!(ipdb_db_process(db, null_mut()), IPDB_OK);
        assert_eq!(
            seen.lock().unwrap().len(),
            before,
            "called after unregister"
        );

        // A transaction failing at its last step: the kernel's text in the
        // last error, the MTU back to what it was.
        let mut t = 0u64;
        assert_eq!(ipdb_txn_begin(db, &mut t), IPDB_OK);
        assert_eq!(
            ipdb_txn_link_set_mtu(db, t, c"v0".as_ptr(), 2, 1400),
            IPDB_OK
        );
        let mut spec = ipdb_route_spec {
            dst,
            gateway,
            table: 0,
            priority: 0,
            dev: [0; IPDB_NAME_SIZE],
        };
        spec.dst.addr.bytes[1] = 79;
        spec.gateway.bytes[..4].copy_from_slice(&[192, 0, 2, 99]);
        assert_eq!(ipdb_txn_route(db, t, true, &spec), IPDB_OK);
        assert_eq!(ipdb_txn_commit(db, t, null_mut()), IPDB_COMMIT_FAILED);
        let msg = last_error();
        assert!(
            msg.contains("192.0.2.99") && msg.contains("rolled back"),
            "{msg}"
        );
        assert_eq!(ipdb_txn_commit(db, t, null_mut()), IPDB_NO_TRANSACTION);
        assert_eq!(ipdb_db_process(db, null_mut()), IPDB_OK);
        assert_eq!(ipdb_db_link_by_index(db, v0.index, l.as_mut_ptr()), IPDB_OK);
        assert_eq!(l.assume_init().mtu, 1500);
        assert!(ns.ip(&["link", "show", "v0"]).contains("mtu 1500"));

        ipdb_db_close(db);
    }
}

/// Does `r`'s destination prefix cover the address `a` (same family)?
fn covers(r: &ipdb_route, a: &ipdb_ip) -> bool {
    let bits = |b: [u8; 16]| u128::from_be_bytes(b);
    let shift = 128 - u32::from(r.dst_len);
    r.dst.family == a.family
        && bits(r.dst.bytes).checked_shr(shift).unwrap_or(0)
            == bits(a.bytes).checked_shr(shift).unwrap_or(0)
}

#[test]
fn lookups_copy_the_same_route_as_snapshots() {
    // A lookup copies its route straight from the stored bytes, a snapshot
    // from the owned record: the two copies must agree on every shape.
    let ns = testns::require!("ffi-lookup-shapes");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["link", "set", "v0", "up"]);
    ns.ip(&["link", "set", "v1", "up"]);
    ns.ip(&["addr", "add", "10.1.0.1/24", "dev", "v0"]);
    ns.ip(&["-6", "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"]);
    let routes = "route add 192.0.2.0/24 via 10.1.0.2 metric 100 proto static mtu 1400 table 1000
route add 198.51.100.0/24 table 1000 nexthop via 10.1.0.2 weight 1 nexthop via 10.1.0.3 weight 3
route add default via 10.1.0.254 table 1000
route add blackhole 203.0.113.0/24
route add unreachable 10.77.0.0/16 metric 7
route add 10.9.0.0/16 dev v0 src 10.1.0.1 scope link
route add 192.0.2.128/25 via inet6 fe80::1 dev v0
route add 2001:db8:1::/48 via 2001:db8::2 metric 5
route add 2001:db8:2::/48 from 2001:db8:9::/48 via 2001:db8::2
route add 2001:db8:3::/48 nexthop via 2001:db8::2 nexthop via 2001:db8::3
";
    ns.ip_batch(routes);
    let db = open(ns.path(), IPDB_OPEN_NO_THREAD);

    // SAFETY: a live handle and valid out-pointers throughout; the
    // snapshot's array is read before the snapshot is freed.
    unsafe {
        let mut snap = null_mut();
        assert_eq!(ipdb_db_snapshot(db, &mut snap), IPDB_OK);
        let (mut p, mut n) = (null(), 0usize);
        assert_eq!(ipdb_snapshot_routes(snap, &mut p, &mut n), IPDB_OK);
        let all = std::slice::from_raw_parts(p, n).to_vec();
        ipdb_snapshot_free(snap);

        let mut checked = Vec::new();
        for r in &all {
            // The route a lookup of its first address must find: the only
            // one with the longest prefix covering it in its table (routes
            // sharing a prefix, e.g. fe80::/64 on two links, are skipped).
            let at = &r.dst;
            let covering: Vec<_> = all
                .iter()
                .filter(|o| o.table == r.table && covers(o, at))
                .collect();
            let best = covering.iter().map(|o| o.dst_len).max();
            if best != Some(r.dst_len)
                || covering.iter().filter(|o| o.dst_len == r.dst_len).count() != 1
            {
                continue;
            }
            let mut a = MaybeUninit::<ipdb_addr>::uninit();
            assert_eq!(ipdb_ip_to_addr(at, a.as_mut_ptr()), IPDB_OK);
            let mut out = MaybeUninit::<ipdb_route>::uninit();
            assert_eq!(
                ipdb_db_route_lookup(db, r.table, a.as_ptr(), out.as_mut_ptr()),
                IPDB_OK,
                "{r:?}"
            );
            assert_eq!(out.assume_init(), *r);
            checked.push(*r);
        }
        // Every shape above was among them.
        let has = |f: &dyn Fn(&ipdb_route) -> bool, what: &str| {
            assert!(checked.iter().any(f), "no {what} checked: {checked:?}");
        };
        has(&|r| r.nexthops == 2 && r.family == 2, "IPv4 multipath");
        has(&|r| r.nexthops == 2 && r.family == 10, "IPv6 multipath");
        has(&|r| r.src_len == 48, "IPv6 source prefix");
        has(
            &|r| r.family == 2 && r.gateway.family == 6,
            "RTA_VIA gateway",
        );
        has(
            &|r| r.prefsrc.family == 4 && r.dst_len == 16,
            "preferred source",
        );
        has(
            &|r| r.table == 1000 && r.priority == 100,
            "metric in table 1000",
        );
        has(&|r| r.table == 1000 && r.dst_len == 0, "default route");
        has(&|r| r.route_type == 6, "blackhole");
        has(&|r| r.route_type == 7 && r.priority == 7, "unreachable");
        has(&|r| r.table == 255 && r.route_type == 2, "local");
        ipdb_db_close(db);
    }
}
