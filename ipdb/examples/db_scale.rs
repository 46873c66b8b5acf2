//! The database at scale, against the kernel (root; a throw-away
//! namespace): N IPv4 /24 routes in one table, then
//! - time of a raw, recv-only dump of the IPv4 routes (the floor),
//! - time to a ready database (subscribe + dump + decode + index),
//! - resident memory per route the database adds,
//! - lookups: link by name, by index, longest-prefix match,
//! - a resync (`reload()`) that finds nothing changed.
//!
//! `cargo run --release -p ipdb --example db_scale -- [ROUTES]`
//! (default 1,000,000).

use std::hint::black_box;
use std::time::{Duration, Instant};

use ipdb::Ipdb;
use ipdb_core::wire::route::RtHeader;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::MessageBuilder;
use netlink_raw::{DumpEvent, Socket};

const TABLE: u32 = 100;
/// Routes start at 11.0.0.0/24 and go up one /24 at a time.
const BASE: u32 = 11 << 24;

/// CPU time of this thread so far (user and kernel: a dump's kernel side
/// runs in our recvmsg calls), from the scheduler's own accounting; on a
/// busy machine it tells more than wall time.
fn cpu() -> Duration {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    Duration::from_nanos(s.split_whitespace().next().unwrap().parse().unwrap())
}

/// CPU time of the whole process (every thread, ended ones too), in
/// clock ticks of 10 ms: for the million-route runs.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the name.
    let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// Peak resident memory of the process so far (`VmHWM`).
fn peak_rss_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// A socket in the namespace and the request of an IPv4 route dump (its
/// buffer and length).
fn ipv4_route_dump(ns: &testns::TestNetns) -> (Socket, [u8; 64], usize) {
    let sock = Socket::open_in_netns_path(ns.path()).unwrap();
    let mut req = [0u8; 64];
    let mut b = MessageBuilder::new(&mut req, RTM_GETROUTE, 0, 0, 0).unwrap();
    RtHeader {
        family: AF_INET,
        ..RtHeader::default()
    }
    .append(&mut b)
    .unwrap();
    let n = b.finish().unwrap().len();
    (sock, req, n)
}

/// The route dump loaded into a detached state: the ingestion cost alone.
fn indexed_dump(ns: &testns::TestNetns) -> Duration {
    let (mut sock, mut req, n) = ipv4_route_dump(ns);
    let mut st = ipdb::db::State::detached();
    let t = cpu();
    sock.dump(&mut req[..n], |ev| {
        if let DumpEvent::Message(m) = ev {
            st.load_message(&m).unwrap();
        }
    })
    .unwrap();
    st.finish_load();
    let took = cpu() - t;
    black_box(st);
    took
}

fn raw_dump(ns: &testns::TestNetns) -> (Duration, Duration, usize) {
    let (mut sock, mut req, n) = ipv4_route_dump(ns);
    let mut count = 0usize;
    let t = cpu();
    let w = Instant::now();
    sock.dump(&mut req[..n], |ev| {
        if let DumpEvent::Message(m) = ev {
            black_box(m.bytes().len());
            count += 1;
        }
    })
    .unwrap();
    (cpu() - t, w.elapsed(), count)
}

fn per_op(total: Duration, n: usize) -> f64 {
    total.as_nanos() as f64 / n as f64
}

fn main() {
    let routes: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |a| a.parse().expect("ROUTES"));
    let ns = testns::TestNetns::new("scale").expect("needs root");
    ns.ip_batch("link add sa type veth peer name sb\nlink set sa up\nlink set sb up\naddr add 10.255.0.1/16 dev sa\n");
    let t = Instant::now();
    let mut batch = String::new();
    for i in 0..routes as u32 {
        let a = BASE + (i << 8);
        batch.push_str(&format!(
            "route add {}.{}.{}.0/24 dev sa table {TABLE}\n",
            a >> 24,
            (a >> 16) & 255,
            (a >> 8) & 255
        ));
        if batch.len() > 4 << 20 {
            ns.ip_batch(&batch);
            batch.clear();
        }
    }
    ns.ip_batch(&batch);
    drop(batch);
    println!("setup: {routes} routes added in {:.1?}", t.elapsed());

    // Memory first, in a process that has not yet freed (and so cached)
    // any big allocation.
    let before = rss_bytes();
    let t = Instant::now();
    let db = Ipdb::options()
        .netns(ns.path())
        .monitor_thread(false)
        .open()
        .unwrap();
    let first = t.elapsed();
    let bytes = rss_bytes().saturating_sub(before);
    // The peak includes what the load held only while it ran (batches in
    // flight, the queues of prefixes not yet indexed, sort scratch).
    let peak = peak_rss_bytes().max(before) - before;
    let held = db.read(|s| s.count(ipdb::db::ObjectKind::Route));
    println!(
        "ready database ({held} routes): {first:.3?}; RSS +{} MiB = {:.0} bytes/route (peak +{:.0} bytes/route); stats.approx_bytes {:.0} bytes/route",
        bytes >> 20,
        bytes as f64 / held as f64,
        peak as f64 / held as f64,
        db.stats().approx_bytes as f64 / held as f64
    );
    lookups(&db, routes);
    // What an overrun costs at this size: a re-dump and a diff that finds
    // every route unchanged.
    let mut reloads: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            db.reload().unwrap();
            t.elapsed()
        })
        .collect();
    reloads.sort();
    println!(
        "resync of {held} unchanged routes (reload): {:.3?} (median of 3; all: {reloads:.3?})",
        reloads[1]
    );
    drop(db);

    let mut raw = Vec::new();
    for _ in 0..3 {
        raw.push(raw_dump(&ns));
    }
    raw.sort();
    let (raw_t, raw_w, raw_n) = raw[1];
    let c = process_cpu();
    raw_dump(&ns);
    let raw_p = process_cpu() - c;
    println!("raw recv-only dump of {raw_n} IPv4 routes: {raw_t:.3?} CPU, {raw_w:.3?} wall (median of 3 by CPU)");
    let mut idx: Vec<Duration> = (0..3).map(|_| indexed_dump(&ns)).collect();
    idx.sort();
    println!(
        "the same dump loaded into a detached State: {:.3?} CPU (median of 3) = {:.2}x",
        idx[1],
        idx[1].as_secs_f64() / raw_t.as_secs_f64()
    );

    // Ready time against the raw dump in pairs, one right after the other,
    // so that both see the same machine (dump times here vary by a third
    // from one minute to the next).
    let mut pairs = vec![];
    for _ in 0..5 {
        let (_, raw_wall, _) = raw_dump(&ns);
        let c = process_cpu();
        let t = Instant::now();
        let db = Ipdb::options()
            .netns(ns.path())
            .monitor_thread(false)
            .open()
            .unwrap();
        let wall = t.elapsed();
        let cpu = process_cpu() - c;
        drop(db);
        pairs.push((
            wall.as_secs_f64() / raw_wall.as_secs_f64(),
            wall,
            raw_wall,
            cpu,
        ));
    }
    storm(&ns);
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, rw, raw_wall, rc) = pairs[pairs.len() / 2];
    let all: Vec<String> = pairs.iter().map(|p| format!("{:.2}", p.0)).collect();
    println!(
        "time to ready (Ipdb::open, every kind) vs a raw dump just before it: {rw:.3?} vs {raw_wall:.3?} wall = {ratio:.2}x (median of 5 pairs; all: {}); open took {rc:.3?} process CPU (10 ms ticks), a raw dump {raw_p:.3?}",
        all.join(" ")
    );
}

/// 100,000 route adds then deletes through `ip -batch` while a database
/// with the default receive buffer and then with a 64 KiB one follows:
/// how long after the storm the database equals the kernel again.
fn storm(ns: &testns::TestNetns) {
    let mut add = String::new();
    let mut del = String::new();
    for i in 0..100_000u32 {
        let a = (172 << 24) | (16 << 16) | (i << 2);
        let line = format!(
            "{}.{}.{}.{}/30 dev sa table 300\n",
            a >> 24,
            (a >> 16) & 255,
            (a >> 8) & 255,
            a & 255
        );
        add.push_str(&format!("route add {line}"));
        del.push_str(&format!("route del {line}"));
    }
    for buf in [None, Some(64 << 10)] {
        let mut o = Ipdb::options().netns(ns.path());
        if let Some(b) = buf {
            o = o.recv_buffer(Some(b));
        }
        let db = o.open().unwrap();
        let t = Instant::now();
        ns.ip_batch(&add);
        let sent = t.elapsed();
        let t = Instant::now();
        assert!(db.wait_for(Duration::from_secs(120), |s| s
            .table_routes(AF_INET, 300)
            .count()
            == 100_000));
        let healed_add = t.elapsed();
        ns.ip_batch(&del);
        let t = Instant::now();
        assert!(db.wait_for(Duration::from_secs(120), |s| s
            .table_routes(AF_INET, 300)
            .next()
            .is_none()));
        let st = db.stats();
        println!(
            "storm (buffer {}): 100k adds sent in {sent:.2?}, database caught up {healed_add:.2?} after; 100k dels caught up {:.2?} after; overruns {} resyncs {}",
            buf.map_or("default 8 MiB".to_string(), |b| format!("{} KiB", b >> 10)),
            t.elapsed(),
            st.overruns,
            st.resyncs
        );
    }
}

fn lookups(db: &Ipdb, routes: usize) {
    // Addresses inside the routes (and 1 in 8 outside: a miss falls back
    // to no route, the worst case of the probe loop).
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let addrs: Vec<u32> = (0..1_000_000)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed % (routes as u64 + routes as u64 / 8)) as u32;
            BASE.wrapping_add(i << 8) | (seed >> 40) as u32 & 255
        })
        .collect();
    // Best of 5 passes: the machine is shared, and a pass that another
    // process interrupted measures that process.
    let (hits, t) = (0..5)
        .map(|_| {
            db.read(|s| {
                let t = Instant::now();
                let mut hits = 0usize;
                for a in &addrs {
                    hits += usize::from(black_box(s.lookup_v4(TABLE, *a)).is_some());
                }
                (hits, t.elapsed())
            })
        })
        .min_by_key(|(_, t)| *t)
        .unwrap();
    println!(
        "LPM over {routes} routes: {:.1} ns/lookup inside one read, best of 5 passes ({hits} hits of {})",
        per_op(t, addrs.len()),
        addrs.len()
    );
    let n = 200_000;
    let t = Instant::now();
    for a in &addrs[..n] {
        black_box(db.read(|s| s.lookup_v4(TABLE, *a).map(|r| r.tos())));
    }
    println!(
        "LPM with a read lock per lookup: {:.1} ns",
        per_op(t.elapsed(), n)
    );
    let t = Instant::now();
    for a in &addrs[..n] {
        black_box(db.lookup(
            TABLE,
            &ipdb::ip::IpAddress::V4(ipdb::ip::Ipv4Address::from_u32(*a)),
        ));
    }
    println!(
        "LPM returning an owned Route (Ipdb::lookup): {:.1} ns",
        per_op(t.elapsed(), n)
    );
    let sa = db.link_by_name("sa").unwrap().index;
    let t = Instant::now();
    db.read(|s| {
        for _ in 0..n {
            black_box(s.link_by_name(black_box("sa")));
        }
    });
    println!("link by name: {:.1} ns", per_op(t.elapsed(), n));
    let t = Instant::now();
    db.read(|s| {
        for _ in 0..n {
            black_box(s.link(black_box(sa)));
        }
    });
    println!("link by index: {:.1} ns", per_op(t.elapsed(), n));
}
