//! What the C ABI costs per call: the exported `extern "C"` functions of
//! `ipdb-ffi`, called from Rust exactly as C calls them (pointer + length
//! in, POD struct out, status code back), against the Rust API they wrap.
//!
//! The difference is the boundary: the panic guard, NULL checks, UTF-8
//! validation of the input bytes (the Rust API gets a `&str` already) and
//! the conversion to the `ipdb_addr` / `ipdb_net` structs. Target: < 10 ns.
//! Each iteration runs 1024 seeded inputs; criterion's throughput line is
//! the time per call. Run with
//! `cargo bench -p ipdb-benches --bench ffi_overhead`.
//!
//! `ffi_overhead/route_lookup_v4`: the database's longest-prefix match,
//! `ipdb_db_route_lookup` (checks the `ipdb_addr`, takes the read lock,
//! looks up, decodes the route, fills an `ipdb_route`) against
//! `Ipdb::lookup` (the same lookup and decode to a `Route`), on two
//! databases of one throw-away namespace holding 10k routes, timed in
//! pairs (see `route_lookup`). Needs root
//! (network namespaces); without it that group says so on stderr and
//! measures nothing.

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ipdb_benches::Rng;
use ipdb_core::ip::{IpAddress, IpNetwork};
use ipdb_ffi::{
    ipdb_addr, ipdb_addr_parse, ipdb_db, ipdb_db_close, ipdb_db_open, ipdb_db_route_lookup,
    ipdb_net, ipdb_net_parse, ipdb_route, IPDB_NO_VALUE, IPDB_OK,
};
use testns::TestNetns;

const N: usize = 1024;

fn v4_inputs() -> Vec<String> {
    let mut r = Rng::new(0xff1);
    (0..N)
        .map(|_| Ipv4Addr::from(r.next_u64() as u32).to_string())
        .collect()
}

fn v6_inputs() -> Vec<String> {
    let mut r = Rng::new(0xff6);
    (0..N)
        .map(|_| {
            // Prefixes of zero groups, so the compressed forms vary in length.
            let zeros = r.range(0, 96) as u32;
            let v = ((r.next_u64() as u128) << 64 | r.next_u64() as u128) >> zeros;
            Ipv6Addr::from(v.rotate_left(zeros / 2)).to_string()
        })
        .collect()
}

fn net_inputs() -> Vec<String> {
    let mut r = Rng::new(0xff4);
    (0..N)
        .map(|_| {
            let p = r.range(8, 32) as u32;
            let a = (r.next_u64() as u32) & (u32::MAX << (32 - p));
            format!("{}/{}", Ipv4Addr::from(a), p)
        })
        .collect()
}

/// One C-style call: the status is checked and the result left where C
/// would read it (the Rust side reads its result once too, by value).
fn c_parse_addr(s: &str, out: &mut MaybeUninit<ipdb_addr>) {
    // SAFETY: `s` is valid for `s.len()` bytes; `out` is writable.
    let rc = unsafe { ipdb_addr_parse(s.as_ptr().cast(), s.len(), 0, out.as_mut_ptr()) };
    assert_eq!(rc, IPDB_OK);
}

fn c_parse_net(s: &str, out: &mut MaybeUninit<ipdb_net>) {
    // SAFETY: as in c_parse_addr.
    let rc = unsafe { ipdb_net_parse(s.as_ptr().cast(), s.len(), 0, true, out.as_mut_ptr()) };
    assert_eq!(rc, IPDB_OK);
}

fn parse(c: &mut Criterion) {
    let cases: [(&str, Vec<String>); 2] = [("v4", v4_inputs()), ("v6", v6_inputs())];
    for (name, inputs) in &cases {
        let mut g = c.benchmark_group(format!("ffi_overhead/parse_addr_{name}"));
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("rust", |b| {
            b.iter(|| {
                for s in inputs {
                    black_box(IpAddress::parse(black_box(s)).unwrap());
                }
            })
        });
        g.bench_function("c_abi", |b| {
            let mut out = MaybeUninit::uninit();
            b.iter(|| {
                for s in inputs {
                    c_parse_addr(black_box(s), &mut out);
                    black_box(&out);
                }
            })
        });
        g.finish();
    }

    let nets = net_inputs();
    let mut g = c.benchmark_group("ffi_overhead/parse_net_v4");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("rust", |b| {
        b.iter(|| {
            for s in &nets {
                black_box(IpNetwork::parse(black_box(s), true).unwrap());
            }
        })
    });
    g.bench_function("c_abi", |b| {
        let mut out = MaybeUninit::uninit();
        b.iter(|| {
            for s in &nets {
                c_parse_net(black_box(s), &mut out);
                black_box(&out);
            }
        })
    });
    g.finish();
}

/// Routes in the lookup namespace: 10.a.b.0/24 via one gateway.
const ROUTES: u32 = 10_000;

fn route_lookup(c: &mut Criterion) {
    let Some(ns) = TestNetns::new("bench-ffi-lookup") else {
        eprintln!("ffi_overhead/route_lookup_v4: SKIPPED, needs root for network namespaces");
        return;
    };
    ns.ip(&["link", "add", "r0", "type", "veth", "peer", "name", "r1"]);
    ns.ip(&["link", "set", "r0", "up"]);
    ns.ip(&["addr", "add", "10.255.255.1/30", "dev", "r0"]);
    let batch: String = (0..ROUTES)
        .map(|i| {
            format!(
                "route add 10.{}.{}.0/24 via 10.255.255.2\n",
                i >> 8,
                i & 0xff
            )
        })
        .collect();
    ns.ip_batch(&batch);

    let rust_db = ipdb::Ipdb::open_in_netns(ns.path()).expect("open the database");
    let path = std::ffi::CString::new(ns.path().as_os_str().as_encoded_bytes()).unwrap();
    let mut c_db: *mut ipdb_db = std::ptr::null_mut();
    // SAFETY: a NUL-terminated path and a writable out-pointer.
    assert_eq!(
        unsafe { ipdb_db_open(path.as_ptr(), 0, &mut c_db) },
        IPDB_OK
    );

    // Addresses inside the routed /24s (hits) and a few past them (misses:
    // 10.39.16.0 and up are not routed).
    let mut r = Rng::new(0x1b3);
    let addrs: Vec<IpAddress> = (0..N)
        .map(|_| {
            IpAddress::V4(ipdb_core::ip::Ipv4Address::from_u32(
                0x0a00_0000 | (r.next_u64() as u32 & 0x2f_ffff),
            ))
        })
        .collect();
    let c_addrs: Vec<ipdb_addr> = addrs
        .iter()
        .map(|a| {
            let s = a.to_string();
            let mut out = MaybeUninit::uninit();
            c_parse_addr(&s, &mut out);
            // SAFETY: c_parse_addr asserted IPDB_OK, so `out` is written.
            unsafe { out.assume_init() }
        })
        .collect();
    let hits = addrs
        .iter()
        .filter(|a| rust_db.lookup(254, a).is_some())
        .count();
    eprintln!("ffi_overhead/route_lookup_v4: {hits} of {N} addresses routed");

    let rust_batch = || {
        for a in &addrs {
            black_box(rust_db.lookup(254, black_box(a)));
        }
    };
    let c_batch = || {
        let mut out = MaybeUninit::<ipdb_route>::uninit();
        for a in &c_addrs {
            // SAFETY: a live handle, a valid ipdb_addr, a writable out.
            let rc = unsafe { ipdb_db_route_lookup(c_db, 254, black_box(a), out.as_mut_ptr()) };
            assert!(rc == IPDB_OK || rc == IPDB_NO_VALUE);
            black_box(&out);
        }
    };
    // Paired: every iteration runs both batches back to back and each
    // bench counts only its own, so both see the same machine load (the
    // bench host is shared; unpaired runs of these two drifted by 2-5x).
    let paired = |iters: u64, c_side: bool| {
        let mut mine = Duration::ZERO;
        for i in 0..iters {
            // Alternate which batch goes first: the second finds the
            // caches and predictors warmed by the first.
            let c_first = i % 2 == 1;
            let t0 = Instant::now();
            if c_first {
                c_batch()
            } else {
                rust_batch()
            }
            let t1 = Instant::now();
            if c_first {
                rust_batch()
            } else {
                c_batch()
            }
            let t2 = Instant::now();
            mine += if c_side == c_first { t1 - t0 } else { t2 - t1 };
        }
        mine
    };
    let mut g = c.benchmark_group("ffi_overhead/route_lookup_v4");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("rust", |b| b.iter_custom(|iters| paired(iters, false)));
    g.bench_function("c_abi", |b| b.iter_custom(|iters| paired(iters, true)));
    g.finish();
    // SAFETY: the handle from ipdb_db_open, closed once.
    unsafe { ipdb_db_close(c_db) };
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = parse, route_lookup
}
criterion_main!(benches);
