//! One measurement for `benches/peers/run.sh`, in its own process so the
//! script can take the process's peak RSS: either libipdb's
//! `IpRoute::routes` dump (IPv4, main table, decoded into owned records)
//! or `Ipdb::open_in_netns` (time to a ready database, every kind).
//!
//! `peers_dump routes|db NETNS_PATH` prints one line:
//! `ms=<wall ms of the operation> rss0_kb=<RSS before it> n=<routes held>`.
//! Needs root and a namespace the caller made.

use std::hint::black_box;
use std::time::Instant;

use ipdb::uapi::{AF_INET, RT_TABLE_MAIN};
use ipdb::{IpRoute, Ipdb};

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: peers_dump routes|db NETNS_PATH");
        std::process::exit(2);
    };
    let rss0 = rss_kb();
    let (took, n) = match mode.as_str() {
        "routes" => {
            // Opening the socket (and entering the namespace) is timed
            // too, as the peers' figures include theirs.
            let t = Instant::now();
            let mut ipr = IpRoute::open_in_netns(&path).expect("open in namespace");
            let routes = ipr
                .routes(Some(AF_INET), Some(RT_TABLE_MAIN))
                .expect("route dump");
            let took = t.elapsed();
            (took, black_box(routes).len())
        }
        "db" => {
            let t = Instant::now();
            let db = Ipdb::open_in_netns(&path).expect("open database");
            let took = t.elapsed();
            let n = db.read(|s| s.count(ipdb::db::ObjectKind::Route));
            drop(black_box(db));
            (took, n)
        }
        other => {
            eprintln!("unknown mode {other:?}: routes|db");
            std::process::exit(2);
        }
    };
    println!("ms={:.3} rss0_kb={rss0} n={n}", took.as_secs_f64() * 1e3);
}
