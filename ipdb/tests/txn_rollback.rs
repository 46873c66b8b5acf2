//! Kernel tests of transactions that fail: a failure injected at some step
//! (unreachable gateway, duplicate name, duplicate rule, missing address or
//! route, rename to a name in use) or a hook veto must leave the namespace as `ip -j`
//! showed it before, byte for byte; the error names the failed step and
//! keeps the kernel's message. Then ~50 random transactions the same way.

mod txn_common;

use ipdb::spec::{LinkKind, LinkSpec, NeighbourSpec, NexthopSpec, RouteSpec, RuleSpec};
use ipdb::txn::{Cause, Transaction, Txns};
use txn_common::{first_difference, index_of, ip_state, ipr, populate};

fn route(dst: &str, via: &str) -> RouteSpec {
    let mut r = RouteSpec::new(dst.parse().unwrap());
    r.gateway = Some(via.parse().unwrap());
    r
}

/// Many kinds of change over the populated namespace, all valid.
fn busy(t: &mut Transaction) {
    t.create(LinkSpec::new("t0", LinkKind::Ifb))
        .up()
        .add_ip("10.60.0.1/24".parse().unwrap());
    t.create(LinkSpec::new("b0", LinkKind::bridge()))
        .add_port("d2");
    t.link("d0")
        .set_mtu(1400)
        .set_alias("x")
        .add_ip("10.50.0.1/24".parse().unwrap());
    t.link("d2").down();
    t.link("d3").up();
    t.link("d1").del_ip("10.0.1.2/24".parse().unwrap());
    t.add_route(route("10.150.0.0/24", "10.60.0.254"));
    t.change_route({
        let mut r = route("10.101.1.0/24", "10.0.1.253");
        r.table = Some(100);
        r.priority = Some(5);
        r
    });
    t.remove_route(RouteSpec::new("10.100.1.0/24".parse().unwrap()));
    t.add_nh(
        &RouteSpec::new("10.99.0.0/16".parse().unwrap()),
        NexthopSpec {
            gateway: Some("10.0.3.254".parse().unwrap()),
            ..NexthopSpec::default()
        },
    );
    t.add_neighbour(
        "d1",
        NeighbourSpec::ip(0, "10.0.1.8".parse().unwrap(), Some([2, 0, 0, 0, 1, 8])),
    );
    t.remove_neighbour(
        "d1",
        NeighbourSpec::ip(0, "10.0.1.7".parse().unwrap(), None),
    );
    t.add_rule(RuleSpec {
        priority: Some(2000),
        to: Some("10.150.0.0/24".parse().unwrap()),
        table: Some(100),
        ..Default::default()
    });
    t.remove_rule(RuleSpec {
        priority: Some(1001),
        ..Default::default()
    });
}

#[test]
fn unreachable_gateway_rolls_every_step_back() {
    let ns = testns::require!("txn-rb-gw");
    populate(&ns);
    let before = ip_state(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let mut t = Transaction::new();
    busy(&mut t);
    t.add_route(route("10.151.0.0/24", "192.0.2.1"));
    let e = txns.commit_txn(t).unwrap_err();
    let Cause::Step(s) = &*e.cause else {
        panic!("{e}")
    };
    assert_eq!(s.error.errno(), Some(libc::ENETUNREACH));
    assert_eq!(s.error.ext_ack(), Some("Nexthop has invalid gateway"));
    assert!(
        s.what.contains("route add 10.151.0.0/24 via 192.0.2.1"),
        "{}",
        s.what
    );
    assert!(e.applied > 5, "{e}");
    assert!(e.rolled_back_cleanly(), "{e}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn duplicate_name_fails_first_and_changes_nothing() {
    let ns = testns::require!("txn-rb-dup");
    populate(&ns);
    let before = ip_state(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let mut t = Transaction::new();
    busy(&mut t);
    t.create(LinkSpec::new("d1", LinkKind::Ifb));
    let e = txns.commit_txn(t).unwrap_err();
    assert_eq!(e.errno(), Some(libc::EEXIST), "{e}");
    assert!(e.to_string().contains("link add d1 type ifb"), "{e}");
    assert!(e.rolled_back_cleanly(), "{e}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn hook_veto_after_every_ack_rolls_back() {
    let ns = testns::require!("txn-rb-hook");
    populate(&ns);
    let before = ip_state(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let mut t = Transaction::new();
    busy(&mut t);
    t.hook("gateway reachable", move |ipr| {
        // The hook sees the applied state: d2 is down, so its gateway is not.
        let q = ipdb::spec::RouteQuery::to("10.0.2.254".parse().unwrap());
        match ipr.route_get(&q) {
            Ok(_) => Ok(()),
            Err(e) => Err(format!("gateway unreachable: {e}")),
        }
    });
    let e = txns.commit_txn(t).unwrap_err();
    match &*e.cause {
        Cause::Hook { name, reason } => {
            assert_eq!(name, "gateway reachable");
            assert!(reason.starts_with("gateway unreachable"), "{reason}");
        }
        other => panic!("{other}"),
    }
    assert!(e.rolled_back_cleanly(), "{e}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn removed_link_is_recreated_with_its_index_and_objects() {
    let ns = testns::require!("txn-rb-remove");
    populate(&ns);
    let d2 = index_of(&ns, "d2");
    let routes_before = ns.ip(&["-4", "route", "show", "table", "all"]);
    let mut txns = Txns::new(ipr(&ns));
    let mut t = Transaction::new();
    t.remove("d2");
    t.hook("veto", |_| Err("no".into()));
    let e = txns.commit_txn(t).unwrap_err();
    assert!(matches!(*e.cause, Cause::Hook { .. }), "{e}");
    assert_eq!(index_of(&ns, "d2"), d2, "recreated under its old index");
    let addrs = ns.ip(&["-o", "addr", "show", "dev", "d2"]);
    for a in ["10.0.2.1/24", "10.0.2.2/24", "2001:db8:2::1/64"] {
        assert!(addrs.contains(a), "{addrs}");
    }
    assert_eq!(
        ns.ip(&["-4", "route", "show", "table", "all"]),
        routes_before
    );
    assert!(ns.ip(&["neigh", "show", "dev", "d2"]).contains("10.0.2.7"));
    // An ifb's MAC cannot be set: the new random one is reported, not hidden.
    assert!(!e.rollback.is_empty(), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("address") && text.contains("d2") || text.contains(&format!("index {d2}")),
        "{text}"
    );
}

/// A small deterministic generator (no dependency for a seeded loop).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// One random valid change (numbered `k` to keep names apart).
fn random_change(g: &mut Lcg, t: &mut Transaction, k: u64) {
    let i = g.next(3);
    let d = format!("d{i}");
    match g.next(16) {
        15 => {
            t.remove("br9");
        }
        0 => {
            t.link(d.as_str()).set_mtu(1280 + g.next(200) as u32);
        }
        1 => {
            t.link(d.as_str()).down();
        }
        2 => {
            t.link("d3").up();
        }
        3 => {
            t.link(d.as_str())
                .add_ip(format!("10.{}.{k}.1/24", 50 + i).parse().unwrap());
        }
        4 => {
            let which = 1 + g.next(2);
            t.link(d.as_str())
                .del_ip(format!("10.0.{i}.{which}/24").parse().unwrap());
        }
        5 => {
            t.add_route(route(&format!("10.150.{k}.0/24"), &format!("10.0.{i}.254")));
        }
        6 => {
            t.remove_route(RouteSpec::new(format!("10.100.{i}.0/24").parse().unwrap()));
        }
        7 => {
            let mut r = route(&format!("10.101.{i}.0/24"), &format!("10.0.{i}.253"));
            r.table = Some(100);
            r.priority = Some(5);
            t.change_route(r);
        }
        8 => {
            let name = format!("t{k}");
            t.create(LinkSpec::new(&name, LinkKind::Ifb))
                .up()
                .add_ip(format!("10.60.{k}.1/24").parse().unwrap());
            t.add_route_dev(
                RouteSpec::new(format!("10.61.{k}.0/24").parse().unwrap()),
                name.as_str(),
            );
        }
        9 => {
            t.create(LinkSpec::new(&format!("b{k}"), LinkKind::bridge()))
                .add_port(d.as_str());
        }
        10 => {
            t.add_neighbour(
                d.as_str(),
                NeighbourSpec::ip(
                    0,
                    format!("10.0.{i}.{}", 100 + k).parse().unwrap(),
                    Some([2, 0, 0, 0, 9, k as u8]),
                ),
            );
        }
        11 => {
            t.remove_neighbour(
                d.as_str(),
                NeighbourSpec::ip(0, format!("10.0.{i}.7").parse().unwrap(), None),
            );
        }
        12 => {
            t.add_rule(RuleSpec {
                priority: Some(3000 + k as u32),
                to: Some(format!("10.150.{k}.0/24").parse().unwrap()),
                table: Some(100),
                ..Default::default()
            });
        }
        13 => {
            t.remove_rule(RuleSpec {
                priority: Some(1000 + g.next(2) as u32),
                ..Default::default()
            });
        }
        _ => {
            let hop = NexthopSpec {
                gateway: Some(
                    format!("10.0.{}.254", [2, 1][g.next(2) as usize])
                        .parse()
                        .unwrap(),
                ),
                ..NexthopSpec::default()
            };
            let r = RouteSpec::new("10.99.0.0/16".parse().unwrap());
            if hop.gateway == Some("10.0.2.254".parse().unwrap()) {
                t.add_nh(&r, hop);
            } else {
                t.del_nh(&r, hop);
            }
        }
    }
}

/// One failure, of a kind that fails in a phase of its own.
fn inject(g: &mut Lcg, t: &mut Transaction) -> &'static str {
    match g.next(7) {
        0 => {
            t.add_route(route("10.222.0.0/24", "192.0.2.1"));
            "unreachable gateway"
        }
        1 => {
            t.create(LinkSpec::new("d1", LinkKind::Ifb));
            "duplicate name"
        }
        2 => {
            t.add_rule(RuleSpec {
                priority: Some(1002),
                to: Some("10.200.0.0/16".parse().unwrap()),
                table: Some(100),
                ..Default::default()
            });
            "duplicate rule"
        }
        3 => {
            t.link("d0").del_ip("10.9.9.9/24".parse().unwrap());
            "missing address"
        }
        4 => {
            t.remove_route(RouteSpec::new("10.223.0.0/24".parse().unwrap()));
            "missing route"
        }
        5 => {
            // A name in use, in the link-field phase.
            t.link("d3").set_name("d0");
            "rename to a name in use"
        }
        _ => {
            t.hook("veto", |_| Err("vetoed".into()));
            "hook veto"
        }
    }
}

/// The fixture of the random trials: `populate`, and a bridge with a
/// port, for removals the rollback recreates.
fn random_fixture(ns: &testns::TestNetns) {
    populate(ns);
    ns.ip_batch("link add br9 type bridge\nlink set d3 master br9\n");
    txn_common::settle(ns);
}

#[test]
fn random_transactions_with_one_failure_leave_no_trace() {
    let ns = testns::require!("txn-rb-random");
    random_fixture(&ns);
    random_trials(&ns, &mut Txns::new(ipr(&ns)));
}

/// The same trials planned against the database's view, which reads only
/// the routes a transaction needs (`Snapshot::of_db_for`): the rollback
/// must still find every route the kernel flushes.
#[test]
fn random_transactions_planned_against_the_database_leave_no_trace() {
    let ns = testns::require!("txn-rb-random-db");
    random_fixture(&ns);
    let db = ipdb::Ipdb::open_in_netns(ns.path()).unwrap();
    random_trials(&ns, &mut db.transactions_with(ipr(&ns)));
}

/// Commits random transactions with one failure each (`IPDB_TXN_SEED`
/// picks them) and checks that each leaves the namespace as it was.
fn random_trials(ns: &testns::TestNetns, txns: &mut Txns<'_>) {
    let before = ip_state(ns);
    let seed = std::env::var("IPDB_TXN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_u64);
    let mut g = Lcg(seed);
    let trials = 50;
    for trial in 0..trials {
        let mut t = Transaction::new();
        let n = 1 + g.next(12);
        let at = g.next(n + 1);
        let mut injected = "";
        for k in 0..n {
            if k == at {
                injected = inject(&mut g, &mut t);
            }
            random_change(&mut g, &mut t, k);
        }
        if at == n {
            injected = inject(&mut g, &mut t);
        }
        let summary = format!("{:#?}", t.changes());
        let e = match txns.commit_txn(t) {
            Ok(r) => panic!("trial {trial} (seed {seed}, {injected}) committed: {r:?}\n{summary}"),
            Err(e) => e,
        };
        assert!(
            e.rolled_back_cleanly(),
            "trial {trial} (seed {seed}, {injected}): {e}\n{summary}"
        );
        let after = ip_state(ns);
        assert!(
            after == before,
            "trial {trial} (seed {seed}, {injected}): {e}\nstate differs:\n{}\n{summary}",
            first_difference(&before, &after)
        );
    }
}

#[test]
fn a_rollback_that_cannot_restore_says_what_and_why_and_keeps_the_cause() {
    let ns = testns::require!("txn-rb-broken");
    populate(&ns);
    let d0 = index_of(&ns, "d0");
    let mut txns = Txns::new(ipr(&ns));
    let mut t = Transaction::new();
    t.link("d0").set_mtu(1400);
    t.remove_route(RouteSpec::new("10.100.1.0/24".parse().unwrap()));
    // The hook sabotages the rollback: it deletes d0 and puts another
    // route where 10.100.1.0/24 was, then vetoes.
    let path = ns.path().to_owned();
    t.hook("saboteur", move |_| {
        let mut other = ipdb::IpRoute::open_in_netns(&path).unwrap();
        other.link_del("d0").unwrap();
        other
            .route_add(&route("10.100.1.0/24", "10.0.1.253"))
            .unwrap();
        Err("vetoed after sabotage".into())
    });
    let e = txns.commit_txn(t).unwrap_err();
    // The original cause is kept.
    match &*e.cause {
        Cause::Hook { name, reason } => {
            assert_eq!(
                (name.as_str(), reason.as_str()),
                ("saboteur", "vetoed after sabotage")
            )
        }
        other => panic!("{other}"),
    }
    assert!(!e.verified);
    // The inverse the kernel refused, with the kernel's errno.
    let mtu = e
        .rollback
        .iter()
        .find(|i| {
            i.what
                .contains(&format!("link set dev index {d0} mtu 1500"))
        })
        .unwrap_or_else(|| panic!("{e}"));
    assert_eq!(
        mtu.error.as_ref().and_then(|x| x.errno()),
        Some(libc::ENODEV),
        "{e}"
    );
    // The differences the verification found: d0 gone, the route changed.
    let text = e.to_string();
    assert!(
        text.contains("link missing or changed after rollback"),
        "{text}"
    );
    assert!(text.contains("10.100.1.0/24"), "{text}");
}

#[test]
fn removed_bridge_comes_back_with_its_index_mac_and_ports() {
    let ns = testns::require!("txn-rb-bridge");
    populate(&ns);
    ns.ip_batch(
        "link add br7 type bridge\n\
         link set br7 mtu 1400\n\
         link set d1 master br7\n\
         link set d2 master br7\n",
    );
    txn_common::settle(&ns);
    let before = ip_state(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let mut t = Transaction::new();
    t.remove("br7");
    t.hook("veto", |_| Err("no".into()));
    let e = txns.commit_txn(t).unwrap_err();
    assert!(matches!(*e.cause, Cause::Hook { .. }), "{e}");
    assert!(e.rolled_back_cleanly(), "{e}");
    let after = ip_state(&ns);
    assert!(after == before, "{}", first_difference(&before, &after));
}
