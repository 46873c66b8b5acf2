//! Kernel tests of commits that revert unless confirmed (nmstate's
//! checkpoints), and of the pipelined batch sender under them.

mod txn_common;

use std::time::{Duration, Instant};

use ipdb::iproute::batch::{Acked, Batch};
use ipdb::spec::{RouteSpec, Verb};
use ipdb::txn::{Cause, Pending, Txns};
use ipdb::Object;
use txn_common::{ip_state, ipr, populate};

fn route(dst: &str, via: &str) -> RouteSpec {
    let mut r = RouteSpec::new(dst.parse().unwrap());
    r.gateway = Some(via.parse().unwrap());
    r
}

fn changes(txns: &mut Txns<'_>) -> ipdb::txn::TxnId {
    let id = txns.begin();
    let t = txns.get(id).unwrap();
    t.link("d1").set_mtu(1400).down();
    t.link("d0").add_ip("10.70.0.1/24".parse().unwrap());
    t.add_route(route("10.71.0.0/16", "10.70.0.254"));
    id
}

/// Commits [`changes`] to revert unless confirmed within `timeout`.
fn timed(txns: &mut Txns<'_>, timeout: Duration) -> Pending {
    let id = changes(txns);
    txns.commit_with_timeout(id, timeout).unwrap()
}

#[test]
fn unconfirmed_commit_is_rolled_back_when_time_is_up() {
    let ns = testns::require!("txn-revert");
    populate(&ns);
    let before = ip_state(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let pending = timed(&mut txns, Duration::from_millis(300));
    // Applied while waiting for confirmation.
    assert!(ns.ip(&["route", "show"]).contains("10.71.0.0/16"));
    let e = pending.wait().unwrap_err();
    assert!(matches!(*e.cause, Cause::NotConfirmed), "{e}");
    assert!(e.rolled_back_cleanly(), "{e}");
    txn_common::assert_state(&ns, &before);
    // Confirming too late gets the same answer.
    let pending = timed(&mut txns, Duration::from_millis(50));
    std::thread::sleep(Duration::from_millis(400));
    let e = pending.confirm().unwrap_err();
    assert!(matches!(*e.cause, Cause::NotConfirmed), "{e}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn rollback_on_request_undoes_at_once() {
    let ns = testns::require!("txn-undo");
    populate(&ns);
    let before = ip_state(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let timeout = Duration::from_secs(60);
    let start = Instant::now();
    let pending = timed(&mut txns, timeout);
    assert!(ns.ip(&["route", "show"]).contains("10.71.0.0/16"));
    assert!(ns.ip(&["link", "show", "d1"]).contains("mtu 1400"));
    let done = pending.rollback().expect("rolled back cleanly");
    // Well before the deadline (the rollback itself takes milliseconds
    // to a few seconds with the verification's settling).
    assert!(start.elapsed() < timeout / 4, "{:?}", start.elapsed());
    // link mtu+down, address, route: at least those three steps.
    assert!(done.undone >= 3, "{done:?}");
    assert!(done.verified && !done.by_deadline, "{done:?}");
    txn_common::assert_state(&ns, &before);

    // After the deadline, the timer's rollback is the one reported.
    let pending = timed(&mut txns, Duration::from_millis(50));
    std::thread::sleep(Duration::from_millis(400));
    let done = pending.rollback().expect("rolled back cleanly");
    assert!(done.by_deadline, "{done:?}");
    txn_common::assert_state(&ns, &before);
}

#[test]
fn dropped_pending_rolls_back_at_the_deadline_without_blocking() {
    let ns = testns::require!("txn-dropped");
    populate(&ns);
    let before = ip_state(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let pending = timed(&mut txns, Duration::from_secs(2));
    drop(pending);
    // Drop did not wait for the rollback: the change is still there.
    assert!(ns.ip(&["route", "show"]).contains("10.71.0.0/16"));
    // The revert thread rolls back at the deadline all the same.
    let until = Instant::now() + Duration::from_secs(30);
    while ip_state(&ns) != before && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    txn_common::assert_state(&ns, &before);
}

#[test]
fn confirmed_commit_stays() {
    let ns = testns::require!("txn-confirm");
    populate(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let pending = timed(&mut txns, Duration::from_secs(30));
    let report = pending.confirm().expect("confirmed in time");
    assert_eq!(report.applied, report.steps);
    std::thread::sleep(Duration::from_millis(50));
    assert!(ns.ip(&["route", "show"]).contains("10.71.0.0/16"));
    assert!(ns.ip(&["link", "show", "d1"]).contains("mtu 1400"));
    // A failing commit never starts the timer: it is rolled back at once.
    let before = ip_state(&ns);
    let id = txns.begin();
    txns.get(id)
        .unwrap()
        .add_route(route("10.72.0.0/16", "192.0.2.1"));
    let e = txns
        .commit_with_timeout(id, Duration::from_secs(30))
        .unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENETUNREACH));
    txn_common::assert_state(&ns, &before);
}

#[test]
fn batch_answers_every_request_in_order() {
    let ns = testns::require!("txn-batch");
    populate(&ns);
    let mut ipr = ipr(&ns);
    let mut batch = Batch::new();
    let n = 5000;
    for i in 0..n {
        // Every 1000th is a duplicate of the one before: refused, the
        // others after it still applied.
        let k = if i % 1000 == 999 { i - 1 } else { i };
        let r = route(
            &format!("10.{}.{}.0/24", 128 + k / 256, k % 256),
            "10.0.0.254",
        );
        batch.push(|b| r.request(Verb::Add, b)).unwrap();
    }
    let out = ipr.send_batch(&mut batch, Object::Route, None);
    assert!(out.failure.is_none(), "{:?}", out.failure);
    assert_eq!(out.results.len(), n);
    for (i, a) in out.results.iter().enumerate() {
        if i % 1000 == 999 {
            assert!(
                matches!(a, Acked::Refused(e) if e.errno == libc::EEXIST),
                "{i}: {a:?}"
            );
        } else {
            assert_eq!(*a, Acked::Done, "{i}");
        }
    }
    let count = ipr.routes(Some(ipdb::uapi::AF_INET), Some(254)).unwrap();
    assert_eq!(
        count
            .iter()
            .filter(|r| r.gateway == Some("10.0.0.254".parse().unwrap()))
            .count(),
        n - n / 1000 + 1 // + 10.100.0.0/24 of the fixture
    );
}
