//! The database against the kernel: initial load, changes made behind its
//! back, callbacks, lookups, drive modes.

mod db_common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use db_common::{diff, scenario, settle, until};
use ipdb::db::{EventKind, Object, ObjectKind, RouteSpec};
use ipdb::uapi::{AF_INET, AF_INET6};
use ipdb::Ipdb;

fn net(s: &str) -> ipdb::ip::IpNetwork {
    s.parse().unwrap()
}
fn addr(s: &str) -> ipdb::ip::IpAddress {
    s.parse().unwrap()
}

#[test]
fn loads_a_namespace_equal_to_a_fresh_dump() {
    let ns = testns::require!("db-load");
    scenario(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    diff(&db, &ns, &[]).unwrap();
    let st = db.stats();
    assert!(
        st.counts
            .iter()
            .any(|(k, n)| *k == ObjectKind::Route && *n > 10),
        "{st:?}"
    );
    assert!(st.routes.iter().any(|(t, f, _)| *t == 100 && *f == AF_INET));
    assert!(st
        .routes
        .iter()
        .any(|(t, f, _)| *t == 100 && *f == AF_INET6));
    // Interfaces with ports and addresses.
    let br = db.interface_by_name("br0").unwrap();
    let d0 = db.link_by_name("d0").unwrap().index;
    let d1 = db.link_by_name("d1").unwrap().index;
    assert_eq!(br.ports, vec![d0.min(d1), d0.max(d1)]);
    assert_eq!(br.addresses, vec![(addr("192.168.5.1"), 24)]);
    assert_eq!(db.link(br.link.index).unwrap().name, "br0");
    assert_eq!(
        db.link_by_name("vx0").unwrap().kind.as_deref(),
        Some("vxlan")
    );
    assert_eq!(
        db.link_by_name("mv0").unwrap().kind.as_deref(),
        Some("macvlan")
    );
}

#[test]
fn route_identity_and_lookups() {
    let ns = testns::require!("db-lookup");
    scenario(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    let va = db.link_by_name("va").unwrap().index;
    let vb = db.link_by_name("vb").unwrap().index;
    // Two routes to one prefix through different links are two records;
    // the first is the lower metric.
    let two = db.read(|s| s.routes_to(254, &net("198.51.100.0/24")).to_vec());
    assert_eq!(two.len(), 2, "{two:?}");
    assert_eq!((two[0].priority, two[0].oif), (Some(50), Some(va)));
    assert_eq!((two[1].priority, two[1].oif), (Some(60), Some(vb)));
    assert_eq!(
        db.route(254, &net("198.51.100.0/24")).unwrap().priority,
        Some(50)
    );
    // Longest-prefix match: most specific, then lowest metric; multipath
    // comes with its hops; the default route catches the rest.
    let r = db.lookup(254, &addr("198.51.100.7")).unwrap();
    assert_eq!(r.priority, Some(50));
    let mp = db.lookup(254, &addr("203.0.113.9")).unwrap();
    assert_eq!(mp.multipath.len(), 2);
    assert_eq!(
        mp.multipath.iter().map(|h| h.weight).collect::<Vec<_>>(),
        vec![1, 3]
    );
    let d = db.lookup(254, &addr("8.8.8.8")).unwrap();
    assert_eq!(d.dst.prefixlen(), 0);
    assert_eq!(db.default_route(AF_INET, 254), Some(d));
    assert_eq!(
        db.lookup(100, &addr("192.0.2.200")).unwrap().kind,
        ipdb::uapi::RTN_BLACKHOLE
    );
    assert_eq!(
        db.lookup(100, &addr("192.0.2.20")).unwrap().kind,
        ipdb::uapi::RTN_UNICAST
    );
    assert!(db.lookup(100, &addr("8.8.8.8")).is_none());
    let r6 = db.lookup(254, &addr("2001:db8:99::5")).unwrap();
    assert_eq!(r6.priority, Some(300));
    assert_eq!(
        db.lookup(100, &addr("2001:db8:98::1")).unwrap().oif,
        Some(va)
    );
    // Filter.
    let via_vb = db.routes_matching(&RouteSpec {
        oif: Some(vb),
        table: Some(254),
        family: Some(AF_INET),
        ..RouteSpec::default()
    });
    assert!(via_vb.iter().any(|r| r.dst == net("198.51.100.0/24")));
    assert!(
        via_vb.iter().any(|r| r.dst == net("203.0.113.0/24")),
        "multipath hop on vb"
    );
    assert!(via_vb.iter().all(|r| r.table == 254 && r.family == AF_INET));
}

#[test]
fn ignored_tables_are_not_kept() {
    let ns = testns::require!("db-ignore");
    scenario(&ns);
    let db = Ipdb::options()
        .netns(ns.path())
        .ignore_tables([255, 100])
        .open()
        .unwrap();
    assert!(db.routes().iter().all(|r| r.table != 255 && r.table != 100));
    ns.ip(&["route", "add", "192.0.2.64/26", "dev", "va", "table", "100"]);
    ns.ip(&["route", "add", "192.0.2.64/26", "dev", "va", "table", "201"]);
    until(&db, "route in table 201", |s| {
        s.route(201, &net("192.0.2.64/26")).is_some()
    });
    settle(&db, &ns, &[255, 100], 10);
}

#[test]
fn changes_behind_our_back_arrive_with_callbacks() {
    let ns = testns::require!("db-changes");
    scenario(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let id = db.register_callback(move |ev| s2.lock().unwrap().push(ev.clone()));

    ns.ip(&["link", "add", "n0", "type", "veth", "peer", "name", "n0p"]);
    until(&db, "n0", |s| s.link_by_name("n0").is_some());
    let n0 = db.link_by_name("n0").unwrap().index;
    ns.ip(&["link", "set", "n0", "name", "n1"]);
    until(&db, "rename", |s| {
        s.link_by_name("n1").is_some() && s.link_by_name("n0").is_none()
    });
    ns.ip(&["link", "set", "n1", "mtu", "1300"]);
    until(&db, "mtu", |s| s.link(n0).and_then(|l| l.mtu) == Some(1300));
    ns.ip(&["link", "set", "n1", "up"]);
    until(&db, "up", |s| s.link(n0).is_some_and(|l| l.is_up()));
    ns.ip(&["link", "set", "n1", "master", "br0"]);
    let br = db.link_by_name("br0").unwrap().index;
    until(&db, "enslaved", |s| s.ports(br).contains(&n0));
    ns.ip(&["addr", "add", "172.16.0.1/16", "dev", "n1"]);
    until(&db, "address", |s| {
        s.addresses_of(n0).len() == 1 && s.route(255, &net("172.16.0.1/32")).is_some()
    });
    ns.ip(&[
        "route",
        "add",
        "172.17.0.0/16",
        "via",
        "172.16.0.2",
        "table",
        "300",
    ]);
    until(&db, "route", |s| {
        s.route(300, &net("172.17.0.0/16")).is_some()
    });
    ns.ip(&[
        "route",
        "replace",
        "172.17.0.0/16",
        "via",
        "172.16.0.3",
        "table",
        "300",
    ]);
    until(&db, "replaced", |s| {
        s.routes_to(300, &net("172.17.0.0/16")).len() == 1
            && s.route(300, &net("172.17.0.0/16")).unwrap().gateway == Some(addr("172.16.0.3"))
    });
    ns.ip(&[
        "neigh",
        "add",
        "172.16.0.2",
        "lladdr",
        "02:00:00:00:00:02",
        "dev",
        "n1",
        "nud",
        "permanent",
    ]);
    until(&db, "neighbour", |s| {
        s.neighbours().any(|n| n.dst == Some(addr("172.16.0.2")))
    });
    ns.ip(&[
        "rule", "add", "fwmark", "7", "table", "300", "priority", "777",
    ]);
    until(&db, "rule", |s| s.rules().iter().any(|r| r.priority == 777));
    ns.ip(&["link", "set", "n1", "nomaster"]);
    until(&db, "released", |s| !s.ports(br).contains(&n0));
    settle(&db, &ns, &[], 10);

    // The callbacks saw it all, after the database had it.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let has = |f: &dyn Fn(&ipdb::db::Event) -> bool| seen.lock().unwrap().iter().any(f);
    while std::time::Instant::now() < deadline
        && !has(&|e| matches!(&e.object, Object::Rule(r) if r.priority == 777))
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(has(
        &|e| e.kind == EventKind::Add && matches!(&e.object, Object::Link(l) if l.name == "n0")
    ));
    assert!(has(&|e| e.kind == EventKind::Change
        && matches!((&e.object, &e.old), (Object::Link(l), Some(Object::Link(o))) if l.name == "n1" && o.name == "n0")));
    assert!(has(&|e| e.kind == EventKind::Change
        && matches!((&e.object, &e.old), (Object::Route(r), Some(Object::Route(o)))
            if r.gateway == Some(addr("172.16.0.3")) && o.gateway == Some(addr("172.16.0.2")))));
    assert!(has(
        &|e| e.kind == EventKind::Add && e.object_kind() == ObjectKind::Address
    ));
    assert!(has(
        &|e| e.kind == EventKind::Add && e.object_kind() == ObjectKind::Neighbour
    ));
    assert!(has(
        &|e| e.kind == EventKind::Add && e.object_kind() == ObjectKind::Rule
    ));

    // Deletions, and an unregistered callback hears no more.
    assert!(db.unregister(id));
    let before = seen.lock().unwrap().len();
    ns.ip(&["link", "del", "n1"]);
    until(&db, "deleted", |s| {
        s.link(n0).is_none() && s.addresses_of(n0).is_empty()
    });
    settle(&db, &ns, &[], 10);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(seen.lock().unwrap().len(), before);
}

#[test]
fn a_panicking_callback_is_counted_and_the_rest_goes_on() {
    let ns = testns::require!("db-panic");
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    let n = Arc::new(Mutex::new(0));
    let n2 = n.clone();
    db.register_callback(|_| panic!("callback fails on purpose"));
    db.register_callback(move |_| *n2.lock().unwrap() += 1);
    ns.ip(&["link", "add", "p0", "type", "veth", "peer", "name", "p0p"]);
    ns.ip(&["link", "add", "p1", "type", "veth", "peer", "name", "p1p"]);
    until(&db, "p1", |s| s.link_by_name("p1").is_some());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while *n.lock().unwrap() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(*n.lock().unwrap() >= 2);
    assert!(db.stats().callback_panics >= 2);
    assert!(db.failure().is_none());
}

#[test]
fn without_a_thread_the_caller_drives() {
    let ns = testns::require!("db-manual");
    let db = Ipdb::options()
        .netns(ns.path())
        .monitor_thread(false)
        .open()
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    db.register_callback(move |ev| s2.lock().unwrap().push(ev.kind));
    ns.ip(&["link", "add", "m0", "type", "veth", "peer", "name", "m0p"]);
    // Nothing moves until the application processes.
    std::thread::sleep(Duration::from_millis(50));
    assert!(db.link_by_name("m0").is_none());
    let ready = netlink_ready(&db);
    assert!(ready, "the fd is readable");
    assert!(db.process().unwrap() >= 1);
    assert!(db.link_by_name("m0").is_some());
    // Callbacks ran inside process, on this thread.
    assert!(seen.lock().unwrap().contains(&EventKind::Add));
    // wait_for drives by itself.
    ns.ip(&["link", "set", "m0", "up"]);
    until(&db, "m0 up", |s| {
        s.link_by_name("m0").is_some_and(|l| l.is_up())
    });
    settle(&db, &ns, &[], 10);
}

/// poll(2) on the database's fd, through the same helper the monitor uses.
fn netlink_ready(db: &Ipdb) -> bool {
    use std::os::fd::AsFd;
    netlink_raw::poll::wait_readable([db.as_fd()], Some(Duration::from_secs(5))).unwrap()[0]
}

#[test]
fn reload_emits_nothing_when_in_sync_and_counts() {
    let ns = testns::require!("db-reload");
    scenario(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    // Let the namespace go quiet: link-local addresses finish DAD (an
    // address change each), and the re-reads those ask for run.
    until(&db, "DAD done", |s| {
        s.addresses()
            .all(|a| a.flags & ipdb::uapi::IFA_F_TENTATIVE == 0)
    });
    settle(&db, &ns, &[], 10);
    std::thread::sleep(Duration::from_millis(200));
    let seen = Arc::new(Mutex::new(0usize));
    let s2 = seen.clone();
    db.register_callback(move |_| *s2.lock().unwrap() += 1);
    let before = db.stats().resyncs;
    db.reload().unwrap();
    assert!(db.stats().resyncs > before);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(*seen.lock().unwrap(), 0, "nothing changed");
    diff(&db, &ns, &[]).unwrap();
}
