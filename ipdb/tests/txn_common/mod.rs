//! Shared by the `txn_*` kernel tests: a populated namespace, the state as
//! `ip -j` prints it (to compare before and after byte for byte), and the
//! JSON reader of the `change_*` tests.

#![allow(dead_code, unused_imports)]

#[path = "../change_common/mod.rs"]
pub mod change_common;

pub use change_common::{index_of, ipr, json, Json};
use testns::TestNetns;

/// Everything `ip -j` shows of the namespace: links, addresses, routes of
/// every table and both families, rules of both families byte for byte,
/// and neighbours in every state (as a set, see below). Two equal strings
/// are two equal states.
pub fn ip_state(ns: &TestNetns) -> String {
    let mut out = String::new();
    for args in [
        &["link", "show"][..],
        &["addr", "show"],
        &["-4", "route", "show", "table", "all"],
        &["-6", "route", "show", "table", "all"],
        &["-4", "rule", "show"],
        &["-6", "rule", "show"],
    ] {
        out.push_str(&ns.ip_json(args));
        out.push('\n');
    }
    // Neighbours as a sorted set: the kernel lists them in hash-bucket
    // order, newest first within a bucket, so an entry put back by a
    // rollback may move among the others (keeping the order would mean
    // re-adding entries the transaction never touched).
    let neigh = ns.ip_json(&["neigh", "show", "nud", "all"]);
    let inner = neigh.trim().trim_start_matches("[{").trim_end_matches("}]");
    // NOARP entries of multicast addresses come and go with IPv6 router
    // solicitations and MLD reports, on the kernel's own timers.
    let mut items: Vec<&str> = inner
        .split("},{")
        .filter(|i| !i.contains("\"state\":[\"NOARP\"]"))
        .collect();
    items.sort_unstable();
    out.push_str(&items.join("},{"));
    out.push('\n');
    out
}

/// Four ifb links (dummy, vlan and bond are not in this kernel; ifb is NOARP like dummy, so IPv6 addresses skip DAD) d0..d3, up, with 10.0.N.1/24 and 2001:db8:N::1/64;
/// routes 10.100.N.0/24 via 10.0.N.254 (main) and 10.101.N.0/24 via
/// 10.0.N.254 table 100 metric 5; a multipath route 10.99.0.0/16 over d0
/// and d1; permanent neighbours 10.0.N.7; three rules. d3 is down.
pub fn populate(ns: &TestNetns) {
    let mut cmds = String::new();
    for n in 0..4 {
        cmds.push_str(&format!(
            "link add d{n} type ifb\n\
             link set d{n} up\n\
             addr add 10.0.{n}.1/24 dev d{n}\n\
             addr add 10.0.{n}.2/24 dev d{n}\n\
             addr add 2001:db8:{n}::1/64 dev d{n}\n\
             route add 10.100.{n}.0/24 via 10.0.{n}.254\n\
             route add 10.101.{n}.0/24 via 10.0.{n}.254 table 100 metric 5\n\
             route add 10.102.{n}.0/24 dev d{n} src 10.0.{n}.2\n\
             route add 2001:db8:100:{n}::/64 via 2001:db8:{n}::fe\n\
             neigh add 10.0.{n}.7 lladdr 02:00:00:00:07:0{n} dev d{n} nud permanent\n"
        ));
    }
    cmds.push_str(
        "route add 10.99.0.0/16 nexthop via 10.0.0.254 nexthop via 10.0.1.254\n\
         rule add pref 1000 from 10.0.0.0/8 table 100\n\
         rule add pref 1001 fwmark 0x10 table 100\n\
         rule add pref 1002 to 10.200.0.0/16 table 100\n\
         link set d3 down\n",
    );
    ns.ip_batch(&cmds);
    settle(ns);
}

/// Waits until no IPv6 address is tentative: the kernel finishes DAD in a
/// worker even on NOARP links, and a state read before that differs from
/// the same state read a moment later.
pub fn settle(ns: &TestNetns) {
    for _ in 0..300 {
        if ns
            .ip(&["-6", "addr", "show", "tentative"])
            .trim()
            .is_empty()
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("IPv6 addresses still tentative after 3 s");
}

/// Where two `ip_state` strings first differ, with some context.
pub fn first_difference(a: &str, b: &str) -> String {
    for (x, y) in a.lines().zip(b.lines()) {
        if x != y {
            let i = x
                .bytes()
                .zip(y.bytes())
                .position(|(p, q)| p != q)
                .unwrap_or(0);
            let from = i.saturating_sub(200);
            return format!(
                "before …{}…\nafter  …{}…",
                &x[from..(i + 200).min(x.len())],
                &y[from..(i + 200).min(y.len())]
            );
        }
    }
    "(lengths differ)".into()
}

/// Panics, showing where, unless the namespace's `ip_state` is `before`.
pub fn assert_state(ns: &TestNetns, before: &str) {
    let after = ip_state(ns);
    assert!(
        after == before,
        "state differs:\n{}",
        first_difference(before, &after)
    );
}
