//! Figures (a bench binary; speed is never a test's pass/fail): a
//! transaction of N routes against `ip -batch` of the same routes, each in a
//! fresh namespace. Needs root. Run with
//! `cargo run --release -p ipdb --example txn_perf [N]` (default 10,000).

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
    ns.ip_batch("link add d0 type ifb\nlink set d0 up\naddr add 10.0.0.1/24 dev d0\n");
    Some(ns)
}

fn dst(i: usize) -> String {
    format!("{}.{}.{}.0/24", 11 + i / 65536, (i / 256) % 256, i % 256)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let Some(a) = setup("txn-perf-a") else { return };
    let mut t = Transaction::new();
    for i in 0..n {
        let mut r = RouteSpec::new(dst(i).parse().unwrap());
        r.gateway = Some("10.0.0.254".parse().unwrap());
        t.add_route(r);
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
        let mut r = RouteSpec::new(dst(i).parse().unwrap());
        r.gateway = Some("10.0.0.254".parse().unwrap());
        t.add_route(r);
    }
    t.hook("veto", |_| Err("measure the rollback".into()));
    let mut txns = Txns::new(ipr(&c));
    let start = Instant::now();
    let e = txns.commit_txn(t).unwrap_err();
    let back = start.elapsed();
    assert!(e.rolled_back_cleanly(), "{e}");
    // The batch sender alone (no pre-state dump, no plan).
    let Some(d) = setup("txn-perf-d") else { return };
    let mut ipr_d = ipr(&d);
    let mut batch = ipdb::iproute::batch::Batch::new();
    for i in 0..n {
        let mut r = RouteSpec::new(dst(i).parse().unwrap());
        r.gateway = Some("10.0.0.254".parse().unwrap());
        batch.push(|b| r.request(ipdb::spec::Verb::Add, b)).unwrap();
    }
    let start = Instant::now();
    let out = ipr_d.send_batch(&mut batch, ipdb::Object::Route, None);
    let raw = start.elapsed();
    assert!(out.all_done());
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
}
