//! Kernel tests of transactions that go through: review, a commit of many
//! kinds of objects checked with `ip -j`, modes, the scope guard, partial
//! commits, and planning against the database.

mod txn_common;

use ipdb::spec::{
    LinkKind, LinkSpec, MacvlanMode, NeighbourSpec, NexthopSpec, RouteSpec, RuleSpec,
};
use ipdb::txn::{Cause, Mode, Report, Txns};
use txn_common::{index_of, ip_state, ipr, json, populate};

fn txns(ns: &testns::TestNetns) -> Txns<'static> {
    Txns::new(ipr(ns))
}

fn route(dst: &str, via: &str) -> RouteSpec {
    let mut r = RouteSpec::new(dst.parse().unwrap());
    r.gateway = Some(via.parse().unwrap());
    r
}

#[test]
fn review_shows_fields_addresses_ports_and_objects() {
    let ns = testns::require!("txn-review");
    populate(&ns);
    let before = ip_state(&ns);
    let mut txns = txns(&ns);
    let id = txns.begin();
    let t = txns.get(id).unwrap();
    t.link("d0")
        .set_mtu(1400)
        .down()
        .add_ip("10.7.0.1/24".parse().unwrap())
        .del_ip("10.0.0.2/24".parse().unwrap());
    t.create(LinkSpec::new("br9", LinkKind::bridge()))
        .add_port("d1");
    t.add_route(route("10.55.0.0/16", "10.0.0.254"));
    t.change_route(route("10.100.1.0/24", "10.0.1.253"));
    t.remove_rule(RuleSpec {
        priority: Some(1001),
        ..Default::default()
    });
    t.add_nh(
        &RouteSpec::new("10.99.0.0/16".parse().unwrap()),
        NexthopSpec {
            gateway: Some("10.0.2.254".parse().unwrap()),
            ..NexthopSpec::default()
        },
    );
    let r = txns.review(id).unwrap();
    let (old, new) = &r.routes.changed[1];
    assert!(
        old.starts_with("10.99.0.0/16") && !old.contains("10.0.2.254"),
        "{old}"
    );
    assert!(
        new.contains("nexthop via 10.0.1.254") && new.contains("nexthop via 10.0.2.254"),
        "{new}"
    );
    let d0 = r.links.iter().find(|l| l.name == "d0").unwrap();
    let mtu = d0.fields.iter().find(|f| f.field == "mtu").unwrap();
    assert_eq!(
        (mtu.old.as_deref(), mtu.new.as_str()),
        (Some("1500"), "1400")
    );
    let up = d0.fields.iter().find(|f| f.field == "up").unwrap();
    assert_eq!(
        (up.old.as_deref(), up.new.as_str()),
        (Some("true"), "false")
    );
    assert_eq!(d0.add_ip, vec!["10.7.0.1/24".parse().unwrap()]);
    assert_eq!(d0.del_ip, vec!["10.0.0.2/24".parse().unwrap()]);
    let br = r.links.iter().find(|l| l.name == "br9").unwrap();
    assert_eq!(br.created.as_deref(), Some("bridge"));
    assert_eq!(br.add_ports, vec!["d1".to_string()]);
    let d1 = r.links.iter().find(|l| l.name == "d1").unwrap();
    assert_eq!(d1.fields[0].field, "master");
    assert_eq!(
        r.routes.added,
        vec!["10.55.0.0/16 via 10.0.0.254".to_string()]
    );
    assert_eq!(r.routes.changed.len(), 2);
    assert!(
        r.routes.changed[0].0.contains("via 10.0.1.254"),
        "{:?}",
        r.routes.changed
    );
    assert!(r.routes.changed[0].1.contains("via 10.0.1.253"));
    assert_eq!(r.rules.removed, vec!["pref 1001".to_string()]);
    let text = r.to_string();
    assert!(text.contains("mtu: 1500 -> 1400"), "{text}");
    assert!(
        text.contains("+ipaddr 10.7.0.1/24") && text.contains("-ipaddr 10.0.0.2/24"),
        "{text}"
    );
    assert!(text.contains("+ports d1"), "{text}");
    // Reviewing sends nothing; dropping forgets.
    assert!(txns.drop(id));
    assert!(!txns.drop(id));
    txn_common::assert_state(&ns, &before);
}

#[test]
fn commit_of_many_objects_is_what_ip_shows() {
    let ns = testns::require!("txn-commit");
    populate(&ns);
    let mut txns = txns(&ns);
    let id = txns.begin();
    let t = txns.get(id).unwrap();
    t.create(LinkSpec::new("br0", LinkKind::bridge()))
        .up()
        .add_ip("10.8.0.1/24".parse().unwrap());
    t.create(LinkSpec::new("dx", LinkKind::Ifb))
        .set_master("br0")
        .set_mtu(1400)
        .set_alias("uplink")
        .up();
    t.create(LinkSpec::new("dy", LinkKind::Ifb)).up();
    t.create_on(
        LinkSpec::new(
            "dy.mv",
            LinkKind::Macvlan {
                link: 0,
                mode: MacvlanMode::Bridge,
            },
        ),
        "dy",
    )
    .up()
    .add_ip("10.9.0.1/24".parse().unwrap());
    t.link("d0")
        .set_mtu(1300)
        .del_ip("10.0.0.2/24".parse().unwrap());
    let mut r = route("10.50.0.0/16", "10.8.0.254");
    r.table = Some(200);
    r.metrics.mtu = Some(1200);
    t.add_route(r);
    t.add_route_dev(RouteSpec::new("10.51.0.0/16".parse().unwrap()), "dy.mv");
    t.add_nh(
        &RouteSpec::new("10.99.0.0/16".parse().unwrap()),
        NexthopSpec {
            gateway: Some("10.0.2.254".parse().unwrap()),
            ..NexthopSpec::default()
        },
    );
    t.remove_route(RouteSpec::new("10.100.1.0/24".parse().unwrap()));
    // Multipath over two links this transaction creates.
    let hop = |gw: &str| NexthopSpec {
        gateway: Some(gw.parse().unwrap()),
        ..NexthopSpec::default()
    };
    t.add_route_hops(
        RouteSpec::new("10.52.0.0/16".parse().unwrap()),
        vec![
            (hop("10.8.0.254"), "br0".into()),
            (hop("10.9.0.254"), "dy.mv".into()),
        ],
    );
    t.add_neighbour(
        "br0",
        NeighbourSpec::ip(0, "10.8.0.9".parse().unwrap(), Some([2, 0, 0, 0, 8, 9])),
    );
    t.add_rule(RuleSpec {
        priority: Some(500),
        to: Some("10.50.0.0/16".parse().unwrap()),
        table: Some(200),
        ..Default::default()
    });
    let report = txns.commit(id).expect("commit");
    assert_eq!(report.applied, report.steps);

    let dx = txn_common::change_common::link_json(&ns, "dx");
    assert_eq!(dx.get("master").as_str(), Some("br0"));
    assert_eq!(dx.get("mtu").as_u64(), Some(1400));
    assert_eq!(dx.get("ifalias").as_str(), Some("uplink"));
    let vl = txn_common::change_common::link_json(&ns, "dy.mv");
    assert_eq!(vl.get("link").as_str(), Some("dy"));
    assert_eq!(
        txn_common::change_common::link_json(&ns, "d0")
            .get("mtu")
            .as_u64(),
        Some(1300)
    );
    let addrs = ns.ip(&["-o", "-4", "addr", "show"]);
    assert!(addrs.contains("br0    inet 10.8.0.1/24"), "{addrs}");
    assert!(addrs.contains("dy.mv    inet 10.9.0.1/24"), "{addrs}");
    assert!(!addrs.contains("10.0.0.2/24"), "{addrs}");
    let t200 = json(&ns, &["route", "show", "table", "200"]);
    assert_eq!(t200.at(0).get("dst").as_str(), Some("10.50.0.0/16"));
    assert_eq!(t200.at(0).get("gateway").as_str(), Some("10.8.0.254"));
    assert!(ns
        .ip(&["route", "show", "table", "200"])
        .contains("mtu 1200"));
    let main = ns.ip(&["route", "show"]);
    assert!(main.contains("10.51.0.0/16 dev dy.mv"), "{main}");
    assert!(!main.contains("10.100.1.0/24"), "{main}");
    let mp2 = ns.ip(&["route", "show", "10.52.0.0/16"]);
    assert!(
        mp2.contains("via 10.8.0.254 dev br0") && mp2.contains("via 10.9.0.254 dev dy.mv"),
        "{mp2}"
    );
    let mp = ns.ip(&["route", "show", "10.99.0.0/16"]);
    for gw in ["10.0.0.254", "10.0.1.254", "10.0.2.254"] {
        assert!(mp.contains(gw), "{mp}");
    }
    assert!(ns
        .ip(&["neigh", "show", "dev", "br0"])
        .contains("10.8.0.9 lladdr 02:00:00:00:08:09 PERMANENT"));
    assert!(ns
        .ip(&["rule", "show"])
        .contains("500:\tfrom all to 10.50.0.0/16 lookup 200"));
    let _ = index_of(&ns, "br0");
}

#[test]
fn modes_scope_guard_and_with_block() {
    let ns = testns::require!("txn-modes");
    populate(&ns);
    let mut txns = txns(&ns);
    // Several open at once; last() is the newest still open.
    let first = txns.begin();
    let second = txns.begin();
    assert_eq!(txns.open_ids(), vec![first, second]);
    txns.get(first).unwrap().link("d2").set_mtu(1410);
    txns.get(second).unwrap().link("d2").set_mtu(1420);
    assert_eq!(txns.last(), Some(second));
    txns.commit(second).unwrap();
    assert_eq!(txns.last(), Some(first));
    assert!(txns.drop(first));
    assert_eq!(txns.last(), None);
    assert!(ns.ip(&["link", "show", "d2"]).contains("mtu 1420"));
    // Explicit: no change without begin().
    txns.set_mode(Mode::Explicit);
    let e = txns.change(|t| {
        t.link("d0").set_mtu(1280);
    });
    assert!(
        matches!(e, Err(ref e) if matches!(*e.cause, Cause::Plan(_))),
        "{e:?}"
    );
    let id = txns.begin();
    txns.change(|t| {
        t.link("d0").set_mtu(1280);
    })
    .unwrap();
    assert_eq!(txns.last(), Some(id));
    txns.commit(id).unwrap();
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1280"));
    // Direct: at once.
    txns.set_mode(Mode::Direct);
    let rep = txns.change(|t| {
        t.link("d0").set_mtu(1290);
    });
    assert_eq!(rep.unwrap().unwrap().applied, 1);
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1290"));
    // Implicit: the first change opens a transaction, nothing is sent yet.
    txns.set_mode(Mode::Implicit);
    assert_eq!(
        txns.change(|t| {
            t.link("d0").set_mtu(1300);
        })
        .unwrap()
        .map(|r| r.applied),
        None
    );
    let id = txns.last().expect("opened implicitly");
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1290"));
    txns.commit(id).unwrap();
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1300"));
    // Snapshot: commits plan only.
    txns.set_mode(Mode::Snapshot);
    let before = ip_state(&ns);
    txns.change(|t| {
        t.link("d0").set_mtu(1400);
        t.remove("d1");
    })
    .unwrap();
    let id = txns.last().unwrap();
    assert_eq!(txns.commit(id).unwrap().steps, 2);
    txn_common::assert_state(&ns, &before);
    txns.set_mode(Mode::Implicit);
    // Scope guard: dropped without commit sends nothing; commit sends.
    {
        let mut s = txns.scope();
        s.link("d0").set_mtu(1450);
    }
    txn_common::assert_state(&ns, &before);
    let mut s = txns.scope();
    s.link("d0").set_mtu(1460);
    s.commit().unwrap();
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1460"));
    // `with`: Err from the block sends nothing.
    let r: Result<_, Box<dyn std::error::Error>> = txns.with(|t| {
        t.link("d0").set_mtu(1470);
        Err("changed my mind".into())
    });
    assert!(r.is_err());
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1460"));
    let r: Result<_, ipdb::txn::CommitError> = txns.with(|t| {
        t.link("d0").set_mtu(1480);
        Ok(())
    });
    r.unwrap();
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1480"));
}

#[test]
fn partial_mode_applies_what_it_can_and_lists_every_failure() {
    let ns = testns::require!("txn-partial");
    populate(&ns);
    let mut txns = txns(&ns);
    txns.options_mut().partial = true;
    let id = txns.begin();
    let t = txns.get(id).unwrap();
    t.add_route(route("10.60.0.0/16", "10.0.0.254"));
    t.add_route(route("10.61.0.0/16", "192.0.2.1")); // unreachable gateway
    t.add_route(route("10.62.0.0/16", "10.0.1.254"));
    t.create(LinkSpec::new("d0", LinkKind::Ifb)); // name in use
    t.link("d2").set_mtu(1400);
    t.hook("never", |_| Err("no".into()));
    let rep = txns.commit(id).expect("partial commits report, not fail");
    assert_eq!(rep.steps, 5);
    assert_eq!(rep.applied, 3);
    assert_eq!(rep.failures.len(), 2, "{:?}", rep.failures);
    assert_eq!(rep.failures[0].error.errno(), Some(libc::EEXIST));
    assert_eq!(rep.failures[1].error.errno(), Some(libc::ENETUNREACH));
    assert!(
        rep.failures[1].what.contains("10.61.0.0/16"),
        "{}",
        rep.failures[1]
    );
    assert_eq!(rep.vetoes, vec![("never".to_string(), "no".to_string())]);
    let main = ns.ip(&["route", "show"]);
    assert!(
        main.contains("10.60.0.0/16")
            && main.contains("10.62.0.0/16")
            && !main.contains("10.61.0.0/16")
    );
    assert!(ns.ip(&["link", "show", "d2"]).contains("mtu 1400"));
}

#[test]
fn planning_against_the_database() {
    let ns = testns::require!("txn-db");
    populate(&ns);
    let db = ipdb::Ipdb::open_in_netns(ns.path()).unwrap();
    let mut txns = db.transactions().unwrap();
    let id = txns.begin();
    txns.get(id)
        .unwrap()
        .link("d1")
        .set_mtu(1234)
        .add_ip("10.77.0.1/24".parse().unwrap());
    let r = txns.review(id).unwrap();
    assert_eq!(r.links[0].fields[0].old.as_deref(), Some("1500"));
    txns.commit(id).unwrap();
    assert!(db.wait_for(std::time::Duration::from_secs(5), |s| {
        s.link_by_name("d1").is_some_and(|l| l.mtu == Some(1234))
    }));
    // Planned right after a commit, the view already has that commit: the
    // rollback restores 1111, not an older MTU.
    let id = txns.begin();
    txns.get(id).unwrap().link("d1").set_mtu(1111);
    txns.commit(id).unwrap();
    // A failing commit planned from the database rolls back like any other.
    let before = ip_state(&ns);
    assert!(ns.ip(&["link", "show", "d1"]).contains("mtu 1111"));
    let id = txns.begin();
    let t = txns.get(id).unwrap();
    t.link("d1").set_mtu(1300).down();
    t.add_route(route("10.63.0.0/16", "192.0.2.1"));
    let e = txns.commit(id).unwrap_err();
    assert!(e.rolled_back_cleanly(), "{e}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn db_begin_is_a_scope_on_the_database() {
    let ns = testns::require!("txn-begin");
    populate(&ns);
    let db = ipdb::Ipdb::open_in_netns(ns.path()).unwrap();
    let before = ip_state(&ns);
    // Left by `?` before the commit: nothing is sent.
    let changed_mind = || -> Result<Report, Box<dyn std::error::Error>> {
        let mut t = db.begin()?;
        t.link("d1").set_mtu(1234);
        Err("changed my mind")?;
        Ok(t.commit()?)
    };
    assert!(changed_mind().is_err());
    txn_common::assert_state(&ns, &before);
    // Reviewed against the database's view, then committed.
    let mut t = db.begin().unwrap();
    t.link("d1")
        .set_mtu(1234)
        .add_ip("10.77.0.1/24".parse().unwrap());
    let r = t.review().unwrap();
    assert_eq!(r.links[0].fields[0].old.as_deref(), Some("1500"));
    let rep = t.commit().unwrap();
    assert_eq!((rep.steps, rep.applied), (2, 2), "{rep:?}");
    assert!(ns.ip(&["link", "show", "d1"]).contains("mtu 1234"));
    assert!(ns.ip(&["addr", "show", "d1"]).contains("10.77.0.1/24"));
    // A failing one is rolled back like any other commit.
    let before = ip_state(&ns);
    let mut t = db.begin().unwrap();
    t.link("d1").set_mtu(1300);
    t.add_route(route("10.63.0.0/16", "192.0.2.1"));
    let e = t.commit().unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENETUNREACH), "{e}");
    assert!(e.rolled_back_cleanly(), "{e}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn database_planning_reads_only_the_routes_the_plan_needs() {
    let ns = testns::require!("txn-scoped");
    populate(&ns);
    // Through d0, with a source address of d1: deleting that address
    // flushes it although no step touches d0.
    // A second route to 10.100.2.0/24, at another metric.
    ns.ip_batch(
        "route add 10.130.0.0/24 dev d0 src 10.0.1.2\n\
         route add 10.100.2.0/24 via 10.0.2.253 metric 7\n",
    );
    let db = ipdb::Ipdb::open_in_netns(ns.path()).unwrap();
    let full = ipdb::txn::Snapshot::of_db(&db);
    let d1 = index_of(&ns, "d1");
    let dst = |r: &ipdb::records::Route| r.dst.to_string();

    // One route added by gateway: only its prefix is read (none yet).
    let mut t = ipdb::txn::Transaction::new();
    t.add_route(route("10.131.0.0/24", "10.0.0.254"));
    let s = ipdb::txn::Snapshot::of_db_for(&db, &t);
    assert!(
        s.routes.is_empty(),
        "{:?}",
        s.routes.iter().map(dst).collect::<Vec<_>>()
    );
    assert_eq!(s.links.len(), full.links.len());
    assert_eq!(s.addresses.len(), full.addresses.len());
    // A route deleted without a metric: every route to that prefix.
    let mut t = ipdb::txn::Transaction::new();
    t.remove_route(RouteSpec::new("10.100.2.0/24".parse().unwrap()));
    t.add_route(route("10.100.1.0/24", "10.0.1.254"));
    let s = ipdb::txn::Snapshot::of_db_for(&db, &t);
    let mut got: Vec<String> = s
        .routes
        .iter()
        .map(|r| format!("{} {} {:?}", r.table, dst(r), r.priority))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "254 10.100.1.0/24 None",
            "254 10.100.2.0/24 None",
            "254 10.100.2.0/24 Some(7)"
        ]
    );

    // An address of d1 deleted: every route through d1, and the route
    // through d0 that uses the address; none of d2's.
    let mut t = ipdb::txn::Transaction::new();
    t.link("d1").del_ip("10.0.1.2/24".parse().unwrap());
    let s = ipdb::txn::Snapshot::of_db_for(&db, &t);
    for r in full.routes_via(d1) {
        assert!(s.routes.contains(r), "missing {r:?}");
    }
    assert!(s.routes.iter().any(|r| dst(r) == "10.130.0.0/24"));
    assert!(!s.routes.iter().any(|r| dst(r) == "10.100.2.0/24"));
    assert!(s.routes.len() < full.routes.len());
    // And the rollback puts that route back.
    let before = ip_state(&ns);
    let mut txns = db.transactions().unwrap();
    let e = txns
        .with(|t| -> Result<(), ipdb::txn::CommitError> {
            t.link("d1").del_ip("10.0.1.2/24".parse().unwrap());
            t.add_route(route("10.222.0.0/24", "192.0.2.1"));
            Ok(())
        })
        .unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENETUNREACH), "{e}");
    assert!(e.rolled_back_cleanly(), "{e}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn create_with_reuse_takes_the_existing_link() {
    let ns = testns::require!("txn-reuse");
    populate(&ns);
    let d0 = index_of(&ns, "d0");
    let mut txns = txns(&ns);
    let mut t = ipdb::txn::Transaction::new();
    let mut spec = LinkSpec::new("d0", LinkKind::Ifb);
    spec.settings.mtu = Some(1360);
    t.create(spec)
        .reuse()
        .add_ip("10.80.0.1/24".parse().unwrap());
    let rep = txns.commit_txn(t).expect("reuse of an ifb named d0");
    assert_eq!(rep.steps, 2, "{rep:?}");
    assert_eq!(index_of(&ns, "d0"), d0);
    assert!(ns.ip(&["link", "show", "d0"]).contains("mtu 1360"));
    assert!(ns.ip(&["addr", "show", "d0"]).contains("10.80.0.1/24"));
    // Another kind under that name is refused before anything is sent.
    let before = ip_state(&ns);
    let mut t = ipdb::txn::Transaction::new();
    t.link("d1").set_mtu(1300);
    t.create(LinkSpec::new("d0", LinkKind::bridge())).reuse();
    let e = txns.commit_txn(t).unwrap_err();
    assert!(matches!(*e.cause, Cause::Plan(_)), "{e}");
    assert_eq!(e.applied, 0);
    assert!(e.to_string().contains("another kind"), "{e}");
    txn_common::assert_state(&ns, &before);
}

/// A link `e0` (up, 10.5.0.1/24) with a route through a gateway on it and
/// a permanent neighbour: what the kernel removes by itself when the link
/// goes down or loses its only address.
fn link_with_dependents(ns: &testns::TestNetns) {
    ns.ip_batch(
        "link add e0 type ifb\n\
         link set e0 up\n\
         addr add 10.5.0.1/24 dev e0\n\
         route add 10.6.0.0/16 via 10.5.0.254\n\
         neigh add 10.5.0.7 lladdr 02:00:00:00:05:07 dev e0 nud permanent\n",
    );
    txn_common::settle(ns);
}

/// Down, its address and the route and neighbour through it removed: the
/// deletions go before the link and address changes that would take the
/// route and neighbour away (deleted after, they would be gone: `ESRCH`).
fn down_and_unroute(t: &mut ipdb::txn::Transaction) {
    t.link("e0").down().del_ip("10.5.0.1/24".parse().unwrap());
    t.remove_route(route("10.6.0.0/16", "10.5.0.254"));
    t.remove_neighbour(
        "e0",
        NeighbourSpec::ip(0, "10.5.0.7".parse().unwrap(), None),
    );
}

#[test]
fn down_del_ip_and_remove_route_through_the_link_commit() {
    let ns = testns::require!("txn-down-unroute");
    populate(&ns);
    link_with_dependents(&ns);
    let mut txns = txns(&ns);
    let mut t = ipdb::txn::Transaction::new();
    down_and_unroute(&mut t);
    let report = txns.commit_txn(t).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.applied, report.steps);
    assert!(!ns.ip(&["route", "show"]).contains("10.6.0.0/16"));
    assert!(!ns.ip(&["addr", "show", "dev", "e0"]).contains("10.5.0.1"));
    assert!(!ns.ip(&["neigh", "show", "dev", "e0"]).contains("10.5.0.7"));
    let link = ns.ip(&["link", "show", "dev", "e0"]);
    let flags = link.split(['<', '>']).nth(1).unwrap_or_default();
    assert!(!flags.split(',').any(|f| f == "UP"), "{link}");
}

#[test]
fn down_del_ip_and_remove_route_roll_back_on_a_later_failure() {
    let ns = testns::require!("txn-down-unroute-rb");
    populate(&ns);
    link_with_dependents(&ns);
    let before = ip_state(&ns);
    let mut txns = txns(&ns);
    for veto in [false, true] {
        let mut t = ipdb::txn::Transaction::new();
        down_and_unroute(&mut t);
        if veto {
            t.hook("veto", |_| Err("vetoed".into()));
        } else {
            t.add_route(route("10.222.0.0/24", "192.0.2.1"));
        }
        let e = txns.commit_txn(t).unwrap_err();
        match &*e.cause {
            Cause::Step(s) => {
                assert!(!veto, "{e}");
                assert_eq!(s.error.errno(), Some(libc::ENETUNREACH), "{e}");
                assert!(s.what.contains("route add 10.222.0.0/24"), "{e}");
            }
            Cause::Hook { name, .. } => assert!(veto && name == "veto", "{e}"),
            _ => panic!("{e}"),
        }
        assert!(e.rolled_back_cleanly(), "{e}");
        txn_common::assert_state(&ns, &before);
    }
}
