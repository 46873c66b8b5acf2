//! Deletions the kernel does not announce: the database must still end
//! equal to the kernel.

mod db_common;

use db_common::{settle, until};
use ipdb::Ipdb;
use ipdb_core::wire::uapi::{AF_INET, AF_INET6};

fn net(s: &str) -> ipdb::ip::IpNetwork {
    s.parse().unwrap()
}

fn setup(ns: &testns::TestNetns) {
    ns.ip_batch(
        "link add sa type veth peer name sb
link add ta type veth peer name tb
link set sa up
link set sb up
link set ta up
link set tb up
addr add 10.1.0.1/24 dev sa
addr add 10.2.0.1/24 dev ta
addr add 10.2.0.5/24 dev ta
addr add 2001:db8:1::1/64 dev sa nodad
route add 172.20.0.0/16 via 10.1.0.2 table 10
route add 172.21.0.0/16 dev sa metric 7
route add 172.22.0.0/16 via 10.2.0.2 src 10.2.0.5
route add 172.23.0.0/16 nexthop via 10.1.0.2 dev sa nexthop via 10.2.0.2 dev ta
route add 2001:db8:50::/48 via 2001:db8:1::2
",
    );
}

#[test]
fn link_down_drops_its_routes() {
    let ns = testns::require!("db-down");
    setup(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    assert!(db.route(10, &net("172.20.0.0/16")).is_some());
    ns.ip(&["link", "set", "sa", "down"]);
    until(&db, "routes via sa gone", |s| {
        s.route(10, &net("172.20.0.0/16")).is_none()
            && s.route(254, &net("172.21.0.0/16")).is_none()
    });
    // The multipath route keeps its other hop (with a dead one): only a
    // re-read can tell; settle waits for it.
    settle(&db, &ns, &[], 10);
    assert!(db.stats().inferred_deletions >= 2, "{:?}", db.stats());
    ns.ip(&["link", "set", "sa", "up"]);
    settle(&db, &ns, &[], 10);
}

#[test]
fn link_delete_drops_everything_on_it() {
    let ns = testns::require!("db-linkdel");
    setup(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    let sa = db.link_by_name("sa").unwrap().index;
    ns.ip(&["link", "del", "sa"]);
    until(&db, "sa gone with its routes", |s| {
        s.link(sa).is_none()
            && s.routes()
                .all(|r| r.oif != Some(sa) && r.multipath.iter().all(|h| h.oif != sa))
    });
    settle(&db, &ns, &[], 10);
    assert!(db.stats().inferred_deletions >= 2);
}

#[test]
fn address_removal_drops_routes_that_needed_it() {
    let ns = testns::require!("db-addrdel");
    setup(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    assert!(db.route(254, &net("172.22.0.0/16")).is_some());
    // The route's preferred source goes: the kernel flushes the route.
    ns.ip(&["addr", "del", "10.2.0.5/24", "dev", "ta"]);
    until(&db, "prefsrc route gone", |s| {
        s.route(254, &net("172.22.0.0/16")).is_none()
    });
    settle(&db, &ns, &[], 10);
    // The last IPv4 address of a link goes: every IPv4 route through it.
    ns.ip(&["addr", "del", "10.1.0.1/24", "dev", "sa"]);
    until(&db, "routes via sa gone", |s| {
        s.route(10, &net("172.20.0.0/16")).is_none()
    });
    settle(&db, &ns, &[], 10);
    // IPv6: the gateway's subnet goes, the route goes (re-read).
    ns.ip(&["addr", "del", "2001:db8:1::1/64", "dev", "sa"]);
    settle(&db, &ns, &[], 10);
    assert!(db.stats().inferred_deletions >= 2);
}

#[test]
fn nexthop_removal_drops_its_routes() {
    let ns = testns::require!("db-nhdel");
    setup(&ns);
    ns.ip(&["nexthop", "add", "id", "5", "via", "10.1.0.2", "dev", "sa"]);
    ns.ip(&["route", "add", "172.30.0.0/16", "nhid", "5"]);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    assert!(db.route(254, &net("172.30.0.0/16")).is_some());
    ns.ip(&["nexthop", "del", "id", "5"]);
    until(&db, "route via nexthop 5 gone", |s| {
        s.route(254, &net("172.30.0.0/16")).is_none()
    });
    settle(&db, &ns, &[], 10);
}

/// IPv6 merges routes to one prefix with the same metric into one
/// multipath route and announces only the hop that came or went: the
/// database re-reads and still equals the kernel.
#[test]
fn ipv6_multipath_merges_and_partial_deletes() {
    let ns = testns::require!("db-v6mp");
    setup(&ns);
    ns.ip_batch("link add ua type veth peer name ub\nlink set ua up\nlink set ub up\n");
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    ns.ip(&[
        "-6",
        "route",
        "add",
        "2001:db8:70::/48",
        "nexthop",
        "via",
        "fe80::1",
        "dev",
        "sa",
        "nexthop",
        "via",
        "fe80::2",
        "dev",
        "ta",
    ]);
    until(&db, "multipath route", |s| {
        s.route(254, &net("2001:db8:70::/48"))
            .is_some_and(|r| r.multipath.len() == 2)
    });
    ns.ip(&[
        "-6",
        "route",
        "append",
        "2001:db8:70::/48",
        "via",
        "fe80::3",
        "dev",
        "ua",
    ]);
    settle(&db, &ns, &[], 10);
    assert_eq!(
        db.route(254, &net("2001:db8:70::/48"))
            .unwrap()
            .multipath
            .len(),
        3
    );
    ns.ip(&[
        "-6",
        "route",
        "del",
        "2001:db8:70::/48",
        "via",
        "fe80::2",
        "dev",
        "ta",
    ]);
    settle(&db, &ns, &[], 10);
    ns.ip(&["link", "set", "ua", "down"]);
    settle(&db, &ns, &[], 10);
}

/// A link set up again while it has no carrier (its veth peer is down)
/// changes no flag of its own that an event would show, yet the kernel
/// clears the dead mark of its multipath hops: the database re-reads.
#[test]
fn admin_up_without_carrier_revives_hops() {
    let ns = testns::require!("db-upnocarrier");
    setup(&ns);
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    ns.ip(&["link", "set", "sb", "down"]);
    settle(&db, &ns, &[], 10);
    ns.ip(&["link", "set", "sa", "down"]);
    settle(&db, &ns, &[], 10);
    let flags = |db: &Ipdb| {
        db.route(254, &net("172.23.0.0/16"))
            .map(|r| r.multipath.iter().map(|h| h.flags).collect::<Vec<_>>())
    };
    let down = flags(&db);
    ns.ip(&["link", "set", "sa", "up"]);
    settle(&db, &ns, &[], 10);
    assert_ne!(flags(&db), down, "the dead mark should be gone");
}

/// Rules appear where the kernel lists them (by priority within a
/// family), whatever order they were added in.
#[test]
fn rules_keep_the_kernels_order() {
    let ns = testns::require!("db-ruleorder");
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    for (pref, table) in [
        ("3000", "30"),
        ("1000", "10"),
        ("2000", "20"),
        ("1000", "11"),
    ] {
        ns.ip(&["rule", "add", "pref", pref, "table", table]);
    }
    ns.ip(&["-6", "rule", "add", "pref", "1500", "table", "15"]);
    let kernel = |ns: &testns::TestNetns| {
        let mut ipr = ipdb::IpRoute::open_in_netns(ns.path()).unwrap();
        ipr.rules().unwrap()
    };
    until(&db, "five rules", |s| {
        s.rules()
            .iter()
            .filter(|r| r.priority % 500 == 0 && r.priority > 0 && r.priority < 32766)
            .count()
            == 5
    });
    let show = |v: &[ipdb::records::Rule]| {
        v.iter()
            .map(|r| (r.family, r.priority, r.table))
            .collect::<Vec<_>>()
    };
    assert_eq!(show(&db.rules()), show(&kernel(&ns)));
}

/// Addresses added one by one appear in each link's list where the kernel
/// lists them (IPv6 newest first within a scope, IPv4 secondaries after
/// the primaries), not in the order they came.
#[test]
fn addresses_keep_the_kernels_order() {
    let ns = testns::require!("db-addrorder");
    ns.ip_batch("link add sa type veth peer name sb\nlink set sa up\n");
    let db = Ipdb::open_in_netns(ns.path()).unwrap();
    ns.ip_batch(
        "addr add 2001:db8:1::1/64 dev sa nodad
addr add fe80::99/64 dev sa nodad
addr add 2001:db8:2::1/64 dev sa nodad
addr add 10.0.0.1/24 dev sa
addr add 10.0.0.2/24 dev sa
addr add 10.9.0.1/24 dev sa scope link
addr add 10.8.0.1/24 dev sa
",
    );
    let sa = db.link_by_name("sa").unwrap().index;
    let mut ipr = ipdb::IpRoute::open_in_netns(ns.path()).unwrap();
    let text = |v: Vec<&ipdb::records::Address>, family: u8| {
        v.into_iter()
            .filter(|a| a.family == family && a.index == sa)
            .map(|a| format!("{:?}/{}", a.local.or(a.address), a.prefixlen))
            .collect::<Vec<_>>()
    };
    until(&db, "seven addresses on sa", |s| {
        s.addresses_of(sa).len() >= 7
    });
    settle(&db, &ns, &[], 10);
    let kernel = ipr.addresses().unwrap();
    for family in [AF_INET, AF_INET6] {
        let ours: Vec<ipdb::records::Address> = db.read(|s| s.addresses_of(sa).to_vec());
        assert_eq!(
            text(ours.iter().collect(), family),
            text(kernel.iter().collect(), family),
            "family {family}"
        );
    }
}
