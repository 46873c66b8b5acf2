//! A storm of route changes through a small receive buffer: the database
//! overruns, resyncs by itself, tells callbacks the difference, ends equal
//! to the kernel; readers meanwhile see only whole records.

mod db_common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use db_common::settle;
use ipdb::db::{EventKind, Object};
use ipdb::Ipdb;

const TABLE: u32 = 50;

/// Routes the storm adds (the size); every other one is deleted
/// again.
const ROUTES: u32 = 100_000;

/// The host route of storm route `i`: `10.x.y.z/32` with `i` in the low
/// 24 bits.
fn dst_of(i: u32) -> String {
    let [_, x, y, z] = i.to_be_bytes();
    format!("10.{x}.{y}.{z}/32")
}

/// The metric the storm gives route `i`: readers check every record they
/// see against it.
fn metric_of(i: u32) -> u32 {
    1000 + i
}

fn storm(n: u32) -> (String, String) {
    let mut add = String::new();
    let mut del = String::new();
    for i in 0..n {
        let (dst, metric) = (dst_of(i), metric_of(i));
        add.push_str(&format!(
            "route add {dst} dev sa table {TABLE} metric {metric}\n"
        ));
        if i % 2 == 0 {
            del.push_str(&format!(
                "route del {dst} dev sa table {TABLE} metric {metric}\n"
            ));
        }
    }
    (add, del)
}

#[test]
fn storm_overruns_heal_and_readers_see_whole_records() {
    let ns = testns::require!("db-storm");
    ns.ip_batch("link add sa type veth peer name sb\nlink set sa up\nlink set sb up\n");
    let db = Arc::new(
        Ipdb::options()
            .netns(ns.path())
            .recv_buffer(Some(16 * 1024))
            .open()
            .unwrap(),
    );
    let sa = db.link_by_name("sa").unwrap().index;

    // A mirror of table 50 kept only from callback events.
    let mirror = Arc::new(Mutex::new(HashSet::new()));
    let m2 = mirror.clone();
    db.register_callback(move |ev| {
        if let Object::Route(r) = &ev.object {
            if r.table == TABLE {
                let mut m = m2.lock().unwrap();
                match ev.kind {
                    EventKind::Add | EventKind::Change => m.insert(r.dst),
                    EventKind::Del => m.remove(&r.dst),
                };
            }
        }
    });

    let stop = Arc::new(AtomicBool::new(false));
    let checked = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (db, stop, checked) = (db.clone(), stop.clone(), checked.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    db.read(|s| {
                        let mut n = 0;
                        for r in s.table_routes(ipdb::uapi::AF_INET, TABLE) {
                            let ipdb::ip::IpNetwork::V4(net) = r.dst else {
                                panic!("{r:?}")
                            };
                            let [_, x, y, z] = net.network_address().octets();
                            let i = u32::from_be_bytes([0, x, y, z]);
                            assert_eq!(r.priority, Some(metric_of(i)), "torn record {r:?}");
                            assert_eq!(r.oif, Some(sa), "torn record {r:?}");
                            assert_eq!(net.prefixlen(), 32);
                            n += 1;
                        }
                        // The per-table index agrees with the whole.
                        let all = s.routes().filter(|r| r.table == TABLE).count();
                        assert_eq!(n, all);
                        checked.fetch_add(n as u64, Ordering::Relaxed);
                    });
                }
            })
        })
        .collect();

    let (add, del) = storm(ROUTES);
    let t = Instant::now();
    ns.ip_batch(&add);
    ns.ip_batch(&del);
    settle(&db, &ns, &[], 60);
    let healed = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().expect("a reader saw a torn record");
    }
    let st = db.stats();
    eprintln!(
        "storm: healed in {healed:?}; {st:?}; reader checks {}",
        checked.load(Ordering::Relaxed)
    );
    assert!(st.overruns > 0, "a 16 KiB buffer should overrun: {st:?}");
    assert!(st.resyncs >= st.overruns);
    assert_eq!(
        db.read(|s| s.table_routes(ipdb::uapi::AF_INET, TABLE).count()),
        ROUTES as usize / 2
    );

    // The callbacks' mirror, built from adds and deletions only (resync
    // differences included), equals the table.
    let want: HashSet<_> = db.read(|s| {
        s.table_routes(ipdb::uapi::AF_INET, TABLE)
            .map(|r| r.dst)
            .collect()
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while *mirror.lock().unwrap() != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        *mirror.lock().unwrap() == want,
        "callback mirror differs: {} vs {}",
        mirror.lock().unwrap().len(),
        want.len()
    );
    assert!(db.failure().is_none());
}
