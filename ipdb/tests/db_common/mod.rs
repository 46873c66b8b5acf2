//! Shared by the db_* tests: comparing the database with a fresh dump of
//! the namespace, and waiting for that to hold.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use ipdb::records::{Address, Link, Neighbour, Route};
use ipdb::{IpRoute, Ipdb};
use testns::TestNetns;

/// Records as text with what changes without an event left out, sorted:
/// two such lists are equal when the database equals the kernel.
fn normal<T: Clone + std::fmt::Debug>(v: &[T], clear: impl Fn(&mut T)) -> Vec<String> {
    let mut out: Vec<String> = v
        .iter()
        .map(|x| {
            let mut x = x.clone();
            clear(&mut x);
            format!("{x:?}")
        })
        .collect();
    out.sort();
    out
}

fn compare(kind: &str, db: Vec<String>, kernel: Vec<String>) -> Result<(), String> {
    if db == kernel {
        return Ok(());
    }
    let only_db: Vec<&String> = db.iter().filter(|x| !kernel.contains(x)).collect();
    let only_k: Vec<&String> = kernel.iter().filter(|x| !db.contains(x)).collect();
    Err(format!(
        "{kind}: db has {} kernel has {}\nonly in db: {:#?}\nonly in kernel: {:#?}",
        db.len(),
        kernel.len(),
        &only_db[..only_db.len().min(5)],
        &only_k[..only_k.len().min(5)]
    ))
}

fn link(l: &mut Link) {
    l.stats64 = None;
}
fn addr(a: &mut Address) {
    a.cacheinfo = None;
}
fn neigh(n: &mut Neighbour) {
    n.cacheinfo = None;
}
fn route(r: &mut Route) {
    r.expires = None;
}

/// Compares every kind of object of the database with a fresh `IpRoute`
/// dump of the namespace, record for record (volatile fields left out).
/// `ignore` are the tables the database was told to ignore.
pub fn diff(db: &Ipdb, ns: &TestNetns, ignore: &[u32]) -> Result<(), String> {
    let mut ipr = IpRoute::open_in_netns(ns.path()).map_err(|e| e.to_string())?;
    let e = |e: ipdb::Error| e.to_string();
    compare(
        "links",
        normal(&db.links(), link),
        normal(&ipr.links().map_err(e)?, link),
    )?;
    compare(
        "addresses",
        normal(&db.addresses(), addr),
        normal(&ipr.addresses().map_err(e)?, addr),
    )?;
    let kroutes: Vec<Route> = ipr
        .routes(None, None)
        .map_err(e)?
        .into_iter()
        .filter(|r| !ignore.contains(&r.table))
        .collect();
    compare(
        "routes",
        normal(&db.routes(), route),
        normal(&kroutes, route),
    )?;
    let kneigh: Vec<Neighbour> = ipr
        .neighbours()
        .map_err(e)?
        .into_iter()
        .filter(ipdb::db::kept_neighbour)
        .collect();
    compare(
        "neighbours",
        normal(&db.neighbours(), neigh),
        normal(&kneigh, neigh),
    )?;
    compare(
        "rules",
        normal(&db.rules(), |_| {}),
        normal(&ipr.rules().map_err(e)?, |_| {}),
    )?;
    let knh = ipr.nexthops().unwrap_or_default();
    compare(
        "nexthops",
        normal(&db.nexthops(), |_| {}),
        normal(&knh, |_| {}),
    )?;
    Ok(())
}

/// Waits until the database equals the kernel; panics with the last
/// difference after `secs` seconds.
pub fn settle(db: &Ipdb, ns: &TestNetns, ignore: &[u32], secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        // Without a monitor thread the caller must drive the database.
        let _ = db.process();
        match diff(db, ns, ignore) {
            Ok(()) => return,
            Err(e) if Instant::now() > deadline => panic!("database differs from the kernel: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Waits up to 10 s for `pred` on the database state.
pub fn until(db: &Ipdb, what: &str, pred: impl FnMut(&ipdb::db::State) -> bool) {
    assert!(
        db.wait_for(Duration::from_secs(10), pred),
        "timed out waiting for: {what}"
    );
}

/// A namespace with one of everything: veth, bridge with ports, macvlan,
/// vxlan, a nexthop object; IPv4/IPv6 addresses; routes in main and two more tables
/// (multipath, metrics, blackhole); neighbours; rules.
pub fn scenario(ns: &TestNetns) {
    ns.ip_batch(
        "link add va type veth peer name vb
link add br0 type bridge
link add d0 type veth peer name e0
link add d1 type veth peer name e1
link set d0 master br0
link set d1 master br0
link add mv0 link va type macvlan mode bridge
link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 dev va
link set lo up
link set va up
link set vb up
link set br0 up
link set d0 up
link set d1 up
link set mv0 up
link set vx0 up
addr add 10.0.0.1/24 dev va
addr add 10.0.1.1/24 dev vb
addr add 2001:db8::1/64 dev va nodad
addr add 2001:db8:1::1/64 dev vb nodad
addr add 192.168.5.1/24 dev br0
nexthop add id 10 via 10.0.0.2 dev va
route add 100.64.0.0/24 nhid 10
route add 198.51.100.0/24 via 10.0.0.2 metric 50
route add 198.51.100.0/24 via 10.0.1.2 metric 60
route add 203.0.113.0/24 nexthop via 10.0.0.2 weight 1 nexthop via 10.0.1.2 weight 3
route add 192.0.2.0/24 via 10.0.0.2 table 100 mtu 1400 advmss 1300
route add blackhole 192.0.2.128/25 table 100
route add default via 10.0.0.254 table 200
route add default via 10.0.0.254
route add 2001:db8:99::/48 via 2001:db8::2 metric 300
route add 2001:db8:98::/48 dev va table 100
neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev va nud permanent
neigh add 2001:db8::9 lladdr 02:00:00:00:00:0a dev va nud permanent
rule add from 10.9.0.0/16 table 100 priority 1000
rule add to 10.8.0.0/16 table 200 priority 1001
",
    );
    // `-6` cannot start a batch line.
    ns.ip(&[
        "-6",
        "rule",
        "add",
        "from",
        "2001:db8:77::/48",
        "table",
        "100",
        "priority",
        "1002",
    ]);
}
