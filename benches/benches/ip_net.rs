//! Network math side by side with `ipnet`: CIDR parsing, containment, and
//! collapsing 1M random IPv4 prefixes. Same seeded inputs for both sides.
//!
//! Run: `cargo bench -p ipdb-benches --bench ip_net`

use std::hint::black_box;
use std::str::FromStr;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ipdb_benches::Rng;
use ipdb_core::ip::{collapse_addresses, Ipv4Address, Ipv4Network, Network};
use ipnet::Ipv4Net;

const PARSE_N: usize = 1_000_000;
const CONTAINS_N: usize = 10_000_000;
const COLLAPSE_N: usize = 1_000_000;

/// A random prefix of length `lo..=hi` with host bits cleared.
fn random_prefix(rng: &mut Rng, lo: u64, hi: u64) -> (u32, u8) {
    let p = rng.range(lo, hi) as u8;
    let mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
    (rng.next_u64() as u32 & mask, p)
}

fn both(prefixes: &[(u32, u8)]) -> (Vec<Ipv4Network>, Vec<Ipv4Net>) {
    let ours = prefixes
        .iter()
        .map(|&(a, p)| Network::new(Ipv4Address::from_u32(a), p).unwrap())
        .collect();
    let theirs = prefixes
        .iter()
        .map(|&(a, p)| Ipv4Net::new(a.into(), p).unwrap())
        .collect();
    (ours, theirs)
}

fn parse(c: &mut Criterion) {
    let mut rng = Rng::new(0x1b_2c3d);
    let texts: Vec<String> = (0..PARSE_N)
        .map(|_| {
            let (a, p) = random_prefix(&mut rng, 0, 32);
            format!("{}/{}", std::net::Ipv4Addr::from(a), p)
        })
        .collect();
    let mut g = c.benchmark_group("parse_v4_cidr");
    g.throughput(Throughput::Elements(PARSE_N as u64));
    g.bench_function(BenchmarkId::new("ipdb", PARSE_N), |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for t in &texts {
                ok += usize::from(black_box(t.as_str()).parse::<Ipv4Network>().is_ok());
            }
            assert_eq!(ok, PARSE_N);
        })
    });
    g.bench_function(BenchmarkId::new("ipnet", PARSE_N), |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for t in &texts {
                ok += usize::from(Ipv4Net::from_str(black_box(t.as_str())).is_ok());
            }
            assert_eq!(ok, PARSE_N);
        })
    });
    g.finish();
}

fn contains(c: &mut Criterion) {
    let mut rng = Rng::new(0x5eed_0002);
    let prefixes: Vec<(u32, u8)> = (0..4096).map(|_| random_prefix(&mut rng, 8, 24)).collect();
    let (ours, theirs) = both(&prefixes);
    // Half the probes inside their network, half random.
    let probes: Vec<(usize, u32)> = (0..CONTAINS_N)
        .map(|i| {
            let n = rng.range(0, prefixes.len() as u64 - 1) as usize;
            let r = rng.next_u64() as u32;
            let (a, p) = prefixes[n];
            let inside = a | (r & (u32::MAX >> p));
            (n, if i % 2 == 0 { inside } else { r })
        })
        .collect();
    let probes_ours: Vec<(usize, Ipv4Address)> = probes
        .iter()
        .map(|&(n, a)| (n, Ipv4Address::from_u32(a)))
        .collect();
    let probes_theirs: Vec<(usize, std::net::Ipv4Addr)> =
        probes.iter().map(|&(n, a)| (n, a.into())).collect();
    let mut g = c.benchmark_group("contains_v4");
    g.throughput(Throughput::Elements(CONTAINS_N as u64));
    g.bench_function(BenchmarkId::new("ipdb", CONTAINS_N), |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for (n, a) in &probes_ours {
                hits += usize::from(black_box(&ours[*n]).contains(a));
            }
            black_box(hits)
        })
    });
    g.bench_function(BenchmarkId::new("ipnet", CONTAINS_N), |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for (n, a) in &probes_theirs {
                hits += usize::from(black_box(&theirs[*n]).contains(a));
            }
            black_box(hits)
        })
    });
    g.finish();
}

fn collapse(c: &mut Criterion) {
    let mut rng = Rng::new(0xc011_a95e);
    let prefixes: Vec<(u32, u8)> = (0..COLLAPSE_N)
        .map(|_| random_prefix(&mut rng, 16, 32))
        .collect();
    let (ours, theirs) = both(&prefixes);
    // Same answer on both sides before timing anything.
    let mut check = ours.clone();
    let n = collapse_addresses(&mut check);
    let agg = Ipv4Net::aggregate(&theirs);
    assert_eq!(n, agg.len());
    assert!(check[..n]
        .iter()
        .zip(&agg)
        .all(
            |(a, b)| a.network_address().to_u32() == u32::from(b.network())
                && a.prefixlen() == b.prefix_len()
        ));

    let mut g = c.benchmark_group("collapse_v4_1m");
    g.throughput(Throughput::Elements(COLLAPSE_N as u64));
    g.bench_function(BenchmarkId::new("ipdb", COLLAPSE_N), |b| {
        b.iter(|| {
            let mut v = ours.clone();
            let n = collapse_addresses(&mut v);
            black_box((n, v))
        })
    });
    g.bench_function(BenchmarkId::new("ipnet", COLLAPSE_N), |b| {
        b.iter(|| {
            let v = theirs.clone();
            black_box(Ipv4Net::aggregate(&v))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = parse, contains, collapse
}
criterion_main!(benches);
