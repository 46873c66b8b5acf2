//! Dump-and-decode of 100k kernel routes: `IpRoute::routes` (request,
//! every datagram, `RouteRepr` decode, owned `Route` records) against
//! `ip -n NS -4 route show > /dev/null` on the same table of a throw-away
//! namespace (the `ip` figure includes starting the process, as a user
//! would run it). Two baselines split our figure: the bare dump through
//! `netlink_raw` (kernel work + datagrams, messages only counted), and the
//! dump with every message decoded to a `RouteRepr` but nothing kept.
//!
//! Needs root (network namespaces); without it the bench says so on
//! stderr and measures nothing. `cargo bench -p ipdb-benches --bench dump_routes`.

use std::process::{Command, Stdio};

use criterion::{criterion_group, Criterion};
use ipdb::uapi::{AF_INET, RTA_TABLE, RTM_GETROUTE, RT_TABLE_MAIN};
use ipdb::IpRoute;
use ipdb_core::wire::route::{RouteRepr, RtHeader};
use ipdb_core::wire::{FamilyRepr, MessageBuilder};
use netlink_raw::{DumpEvent, Socket};
use testns::TestNetns;

const ROUTES: u32 = 100_000;

fn populate(ns: &TestNetns) {
    ns.ip(&["link", "add", "r0", "type", "veth", "peer", "name", "r1"]);
    ns.ip(&["link", "set", "r0", "up"]);
    ns.ip(&["link", "set", "r1", "up"]);
    ns.ip(&["addr", "add", "10.255.255.1/30", "dev", "r0"]);
    let batch: String = (0..ROUTES)
        .map(|i| {
            let (a, b, c) = (i >> 16, (i >> 8) & 0xff, i & 0xff);
            format!("route add 1{a}.{b}.{c}.0/24 via 10.255.255.2 dev r0\n")
        })
        .collect();
    ns.ip_batch(&batch);
}

fn dump_routes(c: &mut Criterion) {
    let Some(ns) = TestNetns::new("bench-routes") else {
        eprintln!("dump_routes: SKIPPED, needs root for network namespaces");
        return;
    };
    populate(&ns);
    let mut ipr = IpRoute::open_in_netns(ns.path()).expect("open in namespace");
    let n = ipr
        .routes(Some(AF_INET), Some(RT_TABLE_MAIN))
        .unwrap()
        .len();
    assert!(n >= ROUTES as usize, "only {n} routes");

    let mut sock = Socket::open_in_netns_path(ns.path()).expect("open in namespace");
    let mut req = [0u8; 64];
    let mut b = MessageBuilder::new(&mut req, RTM_GETROUTE, 0, 0, 0).unwrap();
    RtHeader {
        family: AF_INET,
        ..RtHeader::default()
    }
    .append(&mut b)
    .unwrap();
    b.put(RTA_TABLE, &RT_TABLE_MAIN).unwrap();
    let len = b.finish().unwrap().len();

    let mut g = c.benchmark_group("dump_routes_100k");
    g.sample_size(10);
    g.bench_function("raw_dump_v4_main_no_decode", |b| {
        b.iter(|| sock.dump(&mut req[..len], |_| {}).unwrap().messages)
    });
    g.bench_function("raw_dump_v4_main_reprs_only", |b| {
        b.iter(|| {
            let mut n = 0usize;
            sock.dump(&mut req[..len], |ev| {
                if let DumpEvent::Message(m) = ev {
                    n += usize::from(RouteRepr::parse(&m).unwrap().header.dst_len);
                }
            })
            .unwrap();
            n
        })
    });
    g.bench_function("ipdb_routes_v4_main", |b| {
        b.iter(|| {
            ipr.routes(Some(AF_INET), Some(RT_TABLE_MAIN))
                .unwrap()
                .len()
        })
    });
    g.bench_function("ipdb_routes_all_tables_both_families", |b| {
        b.iter(|| ipr.routes(None, None).unwrap().len())
    });
    g.bench_function("ip_4_route_show", |b| {
        b.iter(|| {
            let st = Command::new("ip")
                .args(["-n", ns.name(), "-4", "route", "show"])
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(st.success());
        })
    });
    g.finish();
}

criterion_group!(benches, dump_routes);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
