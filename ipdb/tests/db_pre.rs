//! Pre callbacks: they see kernel messages before the database applies
//! them, and may drop or rewrite them; a panicking one is counted and the
//! database goes on.

mod db_common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use db_common::{settle, until};
use ipdb::db::{IncomingKind, Object, PreAction};
use ipdb::uapi::AF_INET;
use ipdb::Ipdb;

fn setup(ns: &testns::TestNetns) {
    ns.ip_batch(
        "link add pa type veth peer name pb
link set pa up
link set pb up
addr add 10.1.0.1/24 dev pa
",
    );
}

fn table_count(db: &Ipdb, table: u32) -> usize {
    db.read(|s| s.table_routes(AF_INET, table).count())
}

#[test]
fn dropping_a_tables_route_messages_keeps_them_out() {
    let ns = testns::require!("db-pre-drop");
    setup(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    let seen = Arc::new(AtomicU64::new(0));
    let s2 = seen.clone();
    let id = db.register_pre_callback(move |inc| match &inc.object {
        Object::Route(r) if r.table == 77 => {
            s2.fetch_add(1, Ordering::Relaxed);
            PreAction::Drop
        }
        _ => PreAction::Keep,
    });
    ns.ip_batch(
        "route add 192.0.2.0/24 via 10.1.0.2 table 77
route add 198.51.100.0/24 via 10.1.0.2 table 77
route add 192.0.2.0/24 via 10.1.0.2 table 78
",
    );
    until(&db, "table 78 route", |s| {
        s.table_routes(AF_INET, 78).count() == 1
    });
    assert_eq!(table_count(&db, 77), 0);
    assert!(seen.load(Ordering::Relaxed) >= 2);
    // Equal to the kernel everywhere but the dropped table.
    settle(&db, &ns, &[77], 10);
    // A resync re-dumps through the pre callbacks: still out.
    db.reload().unwrap();
    assert_eq!(table_count(&db, 77), 0);
    assert_eq!(table_count(&db, 78), 1);
    assert!(db.stats().pre_dropped >= 4, "{:?}", db.stats());

    // Unregistered: the next change of the table comes in, and a reload
    // brings the whole table.
    assert!(db.unregister(id));
    assert!(!db.unregister(id));
    ns.ip(&[
        "route",
        "add",
        "203.0.113.0/24",
        "via",
        "10.1.0.2",
        "table",
        "77",
    ]);
    until(&db, "table 77 route", |s| {
        s.table_routes(AF_INET, 77).count() == 1
    });
    db.reload().unwrap();
    assert_eq!(table_count(&db, 77), 3);
    settle(&db, &ns, &[], 10);
}

#[test]
fn rewrites_show_in_the_state() {
    let ns = testns::require!("db-pre-rewrite");
    setup(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    db.register_pre_callback(|inc| {
        match &mut inc.object {
            Object::Link(l) if l.name == "rw0" => l.alias = Some("seen-by-pre".into()),
            // Identity (table, prefix, metric, hops) kept: deletions
            // still find the route.
            Object::Route(r) if r.table == 90 && inc.kind == IncomingKind::New => r.protocol = 99,
            _ => {}
        }
        PreAction::Keep
    });
    ns.ip_batch(
        "link add rw0 type veth peer name rw1
route add 192.0.2.0/24 via 10.1.0.2 table 90 metric 5 mtu 1400
route add 198.51.100.0/24 table 90 nexthop via 10.1.0.2 weight 2 nexthop via 10.1.0.3
",
    );
    until(&db, "rewritten link", |s| {
        s.link_by_name("rw0")
            .is_some_and(|l| l.alias.as_deref() == Some("seen-by-pre"))
    });
    until(&db, "two rewritten routes", |s| {
        s.table_routes(AF_INET, 90)
            .filter(|r| r.protocol == 99)
            .count()
            == 2
    });
    let kernel_proto = ns.ip(&["-j", "route", "show", "table", "90"]);
    assert!(
        !kernel_proto.contains("\"protocol\":\"99\""),
        "{kernel_proto}"
    );
    let r = db.route(90, &"192.0.2.0/24".parse().unwrap()).unwrap();
    assert_eq!(r.priority, Some(5));
    assert_eq!(r.metrics.unwrap().mtu, Some(1400));
    // A resync keeps the rewrites (the re-dump goes through the callback).
    db.reload().unwrap();
    assert_eq!(
        db.link_by_name("rw0").unwrap().alias.as_deref(),
        Some("seen-by-pre")
    );
    assert_eq!(
        db.read(|s| s
            .table_routes(AF_INET, 90)
            .filter(|r| r.protocol == 99)
            .count()),
        2
    );
    // Deletions match the rewritten routes.
    ns.ip_batch("route del 192.0.2.0/24 table 90\nroute del 198.51.100.0/24 table 90\n");
    until(&db, "table 90 empty", |s| {
        s.table_routes(AF_INET, 90).count() == 0
    });
    assert_eq!(db.stats().pre_callback_panics, 0);
}

#[test]
fn a_panicking_pre_callback_is_counted_and_the_db_goes_on() {
    let ns = testns::require!("db-pre-panic");
    setup(&ns);
    // No monitor thread: the callbacks run inside `process`.
    let db = Ipdb::options()
        .netns(ns.path())
        .monitor_thread(false)
        .open()
        .unwrap();
    // Edits a route, then panics: the edit must be undone.
    db.register_pre_callback(|inc| {
        if let Object::Route(r) = &mut inc.object {
            r.priority = Some(4242);
            panic!("pre callback fails on purpose");
        }
        PreAction::Keep
    });
    // Runs after the panicking one, on every message.
    let after = Arc::new(AtomicU64::new(0));
    let a2 = after.clone();
    db.register_pre_callback(move |_| {
        a2.fetch_add(1, Ordering::Relaxed);
        PreAction::Keep
    });
    ns.ip_batch(
        "route add 192.0.2.0/24 via 10.1.0.2 table 60
route add 198.51.100.0/24 via 10.1.0.2
link add pz type veth peer name pz1
",
    );
    settle(&db, &ns, &[], 10);
    let st = db.stats();
    assert!(st.pre_callback_panics >= 2, "{st:?}");
    assert!(after.load(Ordering::Relaxed) >= 3);
    assert!(db.routes().iter().all(|r| r.priority != Some(4242)));
    assert!(db.link_by_name("pz").is_some());
    db.reload().unwrap();
    settle(&db, &ns, &[], 10);
    assert!(db.wait_for(Duration::from_millis(10), |_| true));
}
