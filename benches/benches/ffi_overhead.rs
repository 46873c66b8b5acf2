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
//! (The database lookup gets its pair of benches here when it exists.)

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ipdb_benches::Rng;
use ipdb_core::ip::{IpAddress, IpNetwork};
use ipdb_ffi::{ipdb_addr, ipdb_addr_parse, ipdb_net, ipdb_net_parse, IPDB_OK};

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

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = parse
}
criterion_main!(benches);
