//! What the C ABI costs per call: the exported `extern "C"` functions of
//! `ipdb-ffi`, called from Rust through the same symbols C calls (pointer +
//! length in, POD struct out, status code back), against the Rust call that
//! does the same work and returns the same information.
//!
//! The difference is the boundary: the panic guard, NULL and handle
//! checks, the ASCII/UTF-8 check of the input bytes (the Rust API gets a
//! `&str` already), the check of an `ipdb_addr` argument and the copy into
//! the `ipdb_addr` / `ipdb_net` / `ipdb_route` structs. Target: < 10 ns.
//!
//! Both sides of a case run in one process, interleaved: each pair times a
//! batch of 1024 calls of one side, then of the other (the order
//! alternating, since the second finds caches and predictors warmed), so
//! both see the same machine load. Each case is a criterion group timing
//! such pairs (each side counting only its own batch), then a `paired:`
//! line: the medians, over 301 pairs, of each side's time per call and of
//! the per-pair difference (the C ABI's extra cost), and the fastest batch
//! of each side. BENCHMARKS.md quotes the `paired:` lines. Run with
//! `cargo bench -p ipdb-benches --bench ffi_overhead`.
//!
//! `ffi_overhead/route_lookup_v4`: the database's longest-prefix match in
//! a throw-away namespace holding 10k routes, both sides on the same
//! database (the one the C handle wraps). Rust: `Ipdb::lookup`, what a
//! Rust user calls for a route by address (read lock, match, decode into
//! an owned `Route`). C: `ipdb_db_route_lookup` (checks the handle and the
//! `ipdb_addr`, makes that same call, copies the `Route` into the
//! caller's flat 100-byte `ipdb_route`, a subset: no multipath hops,
//! metrics, input interface, realm, expiry or encapsulation, and
//! addresses without scope ids, which kernel routes never have). Each
//! side's result is read where its call left it (`black_box` of a
//! reference: the Rust `Option<Route>` in its return slot, the C
//! `ipdb_route` in `out`); handing the 448-byte `Option<Route>` to
//! `black_box` by value copied it once more, a cost of the bench, not of
//! the Rust call. Needs root (network namespaces); without it that group
//! says so on stderr and measures nothing.

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

/// Pairs timed for a case's `paired:` line (odd, so the median is one pair).
const PAIRS: usize = 301;

/// The two sides of a case, each one batch of `N` calls.
struct Case<R, C> {
    rust: R,
    c_abi: C,
}

impl<R: FnMut(), C: FnMut()> Case<R, C> {
    /// Times one pair, the C ABI's batch first when `c_first`; returns
    /// (Rust, C ABI) durations.
    fn pair(&mut self, c_first: bool) -> (Duration, Duration) {
        let t0 = Instant::now();
        if c_first {
            (self.c_abi)()
        } else {
            (self.rust)()
        }
        let t1 = Instant::now();
        if c_first {
            (self.rust)()
        } else {
            (self.c_abi)()
        }
        let t2 = Instant::now();
        if c_first {
            (t2 - t1, t1 - t0)
        } else {
            (t1 - t0, t2 - t1)
        }
    }

    /// `iters` pairs; the time of one side.
    fn side(&mut self, iters: u64, c_side: bool) -> Duration {
        let mut mine = Duration::ZERO;
        for i in 0..iters {
            let (r, c) = self.pair(i % 2 == 1);
            mine += if c_side { c } else { r };
        }
        mine
    }

    /// Prints the `paired:` line of the case: per-call medians of each
    /// side and of the difference, over `PAIRS` pairs.
    fn report(&mut self, name: &str) {
        self.side(20, false); // warm up both sides
        let per_call = |d: Duration| d.as_nanos() as f64 / N as f64;
        let (mut rust, mut c_abi, mut extra) = (vec![], vec![], vec![]);
        for i in 0..PAIRS {
            let (r, c) = self.pair(i % 2 == 1);
            rust.push(per_call(r));
            c_abi.push(per_call(c));
            extra.push(per_call(c) - per_call(r));
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (r, c) = (median(&mut rust), median(&mut c_abi));
        // Other load only ever adds time: the fastest batch of each side
        // is the least disturbed one.
        let (r_min, c_min) = (rust[0], c_abi[0]);
        println!(
            "paired: {name}: rust {r:.1} ns, c_abi {c:.1} ns, extra {:+.1} ns per call \
             (medians of {PAIRS} interleaved pairs of {N}-call batches); \
             fastest batches: rust {r_min:.1} ns, c_abi {c_min:.1} ns ({:+.1} ns)",
            median(&mut extra),
            c_min - r_min
        );
    }

    /// The criterion group of the case, then its `paired:` line.
    fn run(mut self, c: &mut Criterion, name: &str) {
        let mut g = c.benchmark_group(format!("ffi_overhead/{name}"));
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("rust", |b| b.iter_custom(|iters| self.side(iters, false)));
        g.bench_function("c_abi", |b| b.iter_custom(|iters| self.side(iters, true)));
        g.finish();
        self.report(name);
    }
}

fn parse(c: &mut Criterion) {
    let cases: [(&str, Vec<String>); 2] = [("v4", v4_inputs()), ("v6", v6_inputs())];
    for (name, inputs) in &cases {
        let mut out = MaybeUninit::uninit();
        Case {
            rust: || {
                for s in inputs {
                    black_box(IpAddress::parse(black_box(s)).unwrap());
                }
            },
            c_abi: || {
                for s in inputs {
                    c_parse_addr(black_box(s), &mut out);
                    black_box(&out);
                }
            },
        }
        .run(c, &format!("parse_addr_{name}"));
    }

    let nets = net_inputs();
    let mut out = MaybeUninit::uninit();
    Case {
        rust: || {
            for s in &nets {
                black_box(IpNetwork::parse(black_box(s), true).unwrap());
            }
        },
        c_abi: || {
            for s in &nets {
                c_parse_net(black_box(s), &mut out);
                black_box(&out);
            }
        },
    }
    .run(c, "parse_net_v4");
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

    let path = std::ffi::CString::new(ns.path().as_os_str().as_encoded_bytes()).unwrap();
    let mut c_db: *mut ipdb_db = std::ptr::null_mut();
    // SAFETY: a NUL-terminated path and a writable out-pointer.
    assert_eq!(
        unsafe { ipdb_db_open(path.as_ptr(), 0, &mut c_db) },
        IPDB_OK
    );
    // The Rust side uses the database the handle wraps: same memory, same
    // layout, so the two sides differ only by the boundary.
    // SAFETY: a live handle from ipdb_db_open, closed below after its last use.
    let rust_db = unsafe { &*c_db }.ipdb();

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

    let mut out = MaybeUninit::<ipdb_route>::uninit();
    Case {
        rust: || {
            for a in &addrs {
                black_box(&rust_db.lookup(254, black_box(a)));
            }
        },
        c_abi: || {
            for a in &c_addrs {
                // SAFETY: a live handle, a valid ipdb_addr, a writable out.
                let rc = unsafe { ipdb_db_route_lookup(c_db, 254, black_box(a), out.as_mut_ptr()) };
                assert!(rc == IPDB_OK || rc == IPDB_NO_VALUE);
                black_box(&out);
            }
        },
    }
    .run(c, "route_lookup_v4");
    // SAFETY: the handle from ipdb_db_open, closed once, after its last use.
    unsafe { ipdb_db_close(c_db) };
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = parse, route_lookup
}
criterion_main!(benches);
