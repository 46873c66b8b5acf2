//! Figures (a bench binary; speed is never a test's pass/fail): a
//! transaction of N routes against `ip -batch` of the same routes, each in a
//! fresh namespace; with DB_ROUTES, also transactions of one change on a
//! database (`Ipdb::begin`) holding DB_ROUTES routes. Needs root. Run with
//! `cargo run --release -p ipdb --example txn_perf [N [DB_ROUTES]]`
//! (default 10,000, no database run).

#[path = "../tests/txn_common/mod.rs"]
mod txn_common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use ipdb::spec::RouteSpec;
use ipdb::txn::{Transaction, Txns};
use txn_common::ipr;

fn setup(tag: &str) -> Option<testns::TestNetns> {
    let ns = testns::TestNetns::new(tag)?;
    ns.ip_batch(
        "link add d0 type ifb\nlink set d0 up\naddr add 10.0.0.1/24 dev d0\n\
         link add d1 type ifb\nlink set d1 up\n",
    );
    Some(ns)
}

fn dst(i: usize) -> String {
    format!("{}.{}.{}.0/24", 11 + i / 65536, (i / 256) % 256, i % 256)
}

fn route(i: usize) -> RouteSpec {
    let mut r = RouteSpec::new(dst(i).parse().unwrap());
    r.gateway = Some("10.0.0.254".parse().unwrap());
    r
}

/// Adds `route(0..n)` to `ns` through the batch sender alone (no pre-state
/// dump, no plan); returns how long that took.
fn add_routes(ns: &testns::TestNetns, n: usize) -> std::time::Duration {
    let mut ipr = ipr(ns);
    let mut batch = ipdb::iproute::batch::Batch::new();
    for i in 0..n {
        let r = route(i);
        batch.push(|b| r.request(ipdb::spec::Verb::Add, b)).unwrap();
    }
    let start = Instant::now();
    let out = ipr.send_batch(&mut batch, ipdb::Object::Route, None);
    let took = start.elapsed();
    assert!(out.all_done());
    took
}

/// Transactions of one change on a database of `n` routes (all through
/// d0): one route added; the MTU of d1 set (a link with IPv6 link-local
/// routes only: no IPv4 route to look through); two routes, the second
/// failing (rolled back and verified against a fresh dump); the MTU of d0
/// set (every route is a dependent the rollback plan lists).
fn on_database(n: usize) {
    let Some(e) = setup("txn-perf-e") else { return };
    let load = add_routes(&e, n);
    let start = Instant::now();
    let db = ipdb::Ipdb::open_in_netns(e.path()).unwrap();
    let open = start.elapsed();
    let timed = |f: &dyn Fn(&mut ipdb::txn::Transaction)| {
        let start = Instant::now();
        let mut t = db.begin().unwrap();
        f(&mut t);
        let out = t.commit();
        (start.elapsed(), out)
    };
    let (one, out) = timed(&|t| {
        t.add_route(route(n));
    });
    out.expect("one route");
    let (mtu, out) = timed(&|t| {
        t.link("d1").set_mtu(1400);
    });
    out.expect("mtu of d1");
    let (failed, out) = timed(&|t| {
        let mut r = route(n + 1);
        r.gateway = Some("192.0.2.1".parse().unwrap());
        t.add_route(route(n + 2)).add_route(r);
    });
    let e = out.expect_err("unreachable gateway");
    assert!(e.rolled_back_cleanly(), "{e}");
    let (mtu0, out) = timed(&|t| {
        t.link("d0").set_mtu(1400);
    });
    out.expect("mtu of d0");
    println!(
        "database of {n} routes (loaded {:.1} s, opened {:.1} s): commit of one route {:.2} ms; \
         MTU of d1 (no IPv4 route) {:.2} ms; two routes, the second failing (rollback + verify) {:.2} ms; \
         MTU of d0 (every route a dependent) {:.2} ms",
        load.as_secs_f64(),
        open.as_secs_f64(),
        one.as_secs_f64() * 1e3,
        mtu.as_secs_f64() * 1e3,
        failed.as_secs_f64() * 1e3,
        mtu0.as_secs_f64() * 1e3
    );
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let db_routes: Option<usize> = std::env::args().nth(2).and_then(|s| s.parse().ok());
    let Some(a) = setup("txn-perf-a") else { return };
    let mut t = Transaction::new();
    for i in 0..n {
        t.add_route(route(i));
    }
    let mut txns = Txns::new(ipr(&a));
    let start = Instant::now();
    let rep = txns.commit_txn(t).expect("commit");
    let ours = start.elapsed();
    assert_eq!(rep.applied, n);

    let Some(b) = setup("txn-perf-b") else { return };
    let mut lines = String::new();
    for i in 0..n {
        lines.push_str(&format!("route add {} via 10.0.0.254\n", dst(i)));
    }
    let start = Instant::now();
    let mut child = Command::new("ip")
        .args(["-n", b.name(), "-batch", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let theirs = start.elapsed();
    assert_eq!(
        a.ip(&["route", "show"]).lines().count(),
        b.ip(&["route", "show"]).lines().count()
    );
    // Rollback of the same transaction (a veto after every ack).
    let Some(c) = setup("txn-perf-c") else { return };
    let mut t = Transaction::new();
    for i in 0..n {
        t.add_route(route(i));
    }
    t.hook("veto", |_| Err("measure the rollback".into()));
    let mut txns = Txns::new(ipr(&c));
    let start = Instant::now();
    let e = txns.commit_txn(t).unwrap_err();
    let back = start.elapsed();
    assert!(e.rolled_back_cleanly(), "{e}");
    // The batch sender alone (no pre-state dump, no plan).
    let Some(d) = setup("txn-perf-d") else { return };
    let raw = add_routes(&d, n);
    println!(
        "{n} routes: IpRoute::send_batch alone {:.3} s",
        raw.as_secs_f64()
    );
    println!(
        "{n} routes: txn commit {:.3} s (plan + pipelined batch + acks, pre-state dump included); \
         `ip -n NS -batch -` {:.3} s; commit + hook veto + rollback + verify {:.3} s",
        ours.as_secs_f64(),
        theirs.as_secs_f64(),
        back.as_secs_f64()
    );
    if let Some(big) = db_routes {
        on_database(big);
    }
}
