//! Address parsing and formatting, ours vs Rust std (`core::net`).
//!
//! Each measurement runs over 1M seeded inputs; criterion reports the time
//! per 1M, so ns/op = reported time in ms. Run with
//! `cargo bench -p ipdb-benches --bench ip_addr`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ipdb_benches::Rng;
use ipdb_core::ip::{Ipv4Address, Ipv6Address};

const N: usize = 1_000_000;

/// Inputs live in one contiguous text (like lines of a file), so the
/// measurement is the parser, not cache misses on a million small strings.
struct Inputs {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl Inputs {
    fn new(items: impl Iterator<Item = String>) -> Self {
        let (mut text, mut spans) = (String::new(), Vec::new());
        for s in items {
            let start = text.len() as u32;
            text.push_str(&s);
            spans.push((start, text.len() as u32));
        }
        Inputs { text, spans }
    }
    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans
            .iter()
            .map(|&(a, b)| &self.text[a as usize..b as usize])
    }
}

fn v4_inputs() -> Inputs {
    let mut r = Rng::new(0x1b4);
    Inputs::new((0..N).map(|_| Ipv4Addr::from(r.next_u64() as u32).to_string()))
}

/// IPv6 text in the forms people write: compressed, fully written,
/// IPv4 tail, and groups with leading zeros (std accepts all of them).
fn v6_values(r: &mut Rng) -> u128 {
    let hi = r.next_u64() as u128;
    let lo = r.next_u64() as u128;
    // A third of the values get zero runs so that `::` shows up.
    match r.range(0, 2) {
        0 => hi << 64 | lo,
        1 => (hi & 0xffff_ffff_0000_0000) << 64 | (lo & 0xffff),
        _ => 0x2001_0db8 << 96 | (lo & 0xffff_ffff),
    }
}

fn v6_inputs() -> Inputs {
    let mut r = Rng::new(0x1b6);
    Inputs::new((0..N).map(|_| {
        let bits = v6_values(&mut r);
        let g = Ipv6Addr::from(bits).segments();
        match r.range(0, 3) {
            0 => Ipv6Addr::from(bits).to_string(),
            1 => g
                .iter()
                .map(|x| format!("{:04x}", x))
                .collect::<Vec<_>>()
                .join(":"),
            2 => {
                let head = g[..6]
                    .iter()
                    .map(|x| format!("{:x}", x))
                    .collect::<Vec<_>>()
                    .join(":");
                format!("{}:{}", head, Ipv4Addr::from(bits as u32))
            }
            _ => g
                .iter()
                .map(|x| format!("{:03x}", x))
                .collect::<Vec<_>>()
                .join(":"),
        }
    }))
}

fn parse(c: &mut Criterion) {
    let v4 = v4_inputs();
    let v6 = v6_inputs();
    // Same inputs, same answers: otherwise the comparison means nothing.
    for s in v4.iter().take(10_000) {
        assert_eq!(
            u32::from(s.parse::<Ipv4Address>().unwrap()),
            u32::from(s.parse::<Ipv4Addr>().unwrap())
        );
    }
    for s in v6.iter().take(10_000) {
        assert_eq!(
            s.parse::<Ipv6Address>().unwrap().to_u128(),
            u128::from(s.parse::<Ipv6Addr>().unwrap())
        );
    }

    let mut g = c.benchmark_group("parse_1M");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("ipv4/ours", |b| {
        b.iter(|| {
            v4.iter()
                .map(|s| black_box(s).parse::<Ipv4Address>().map_or(0, u32::from))
                .fold(0u32, u32::wrapping_add)
        })
    });
    g.bench_function("ipv4/std", |b| {
        b.iter(|| {
            v4.iter()
                .map(|s| black_box(s).parse::<Ipv4Addr>().map_or(0, u32::from))
                .fold(0u32, u32::wrapping_add)
        })
    });
    g.bench_function("ipv6/ours", |b| {
        b.iter(|| {
            v6.iter()
                .map(|s| {
                    black_box(s)
                        .parse::<Ipv6Address>()
                        .map_or(0, Ipv6Address::to_u128)
                })
                .fold(0u128, u128::wrapping_add)
        })
    });
    g.bench_function("ipv6/std", |b| {
        b.iter(|| {
            v6.iter()
                .map(|s| black_box(s).parse::<Ipv6Addr>().map_or(0, u128::from))
                .fold(0u128, u128::wrapping_add)
        })
    });
    g.finish();
}

fn format(c: &mut Criterion) {
    let mut r = Rng::new(0xf6);
    let bits: Vec<u128> = (0..N).map(|_| v6_values(&mut r)).collect();
    let ours: Vec<Ipv6Address> = bits.iter().map(|&b| Ipv6Address::from_u128(b)).collect();
    let std: Vec<Ipv6Addr> = bits.iter().map(|&b| Ipv6Addr::from(b)).collect();
    let mut out = String::with_capacity(64);

    let mut g = c.benchmark_group("format_1M");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("ipv6/ours", |b| {
        b.iter(|| {
            let mut n = 0;
            for a in &ours {
                out.clear();
                write!(out, "{}", black_box(a)).unwrap();
                n += out.len();
            }
            n
        })
    });
    g.bench_function("ipv6/std", |b| {
        b.iter(|| {
            let mut n = 0;
            for a in &std {
                out.clear();
                write!(out, "{}", black_box(a)).unwrap();
                n += out.len();
            }
            n
        })
    });
    let v4: Vec<u32> = bits.iter().map(|&b| b as u32).collect();
    g.bench_function("ipv4/ours", |b| {
        b.iter(|| {
            let mut n = 0;
            for &a in &v4 {
                out.clear();
                write!(out, "{}", black_box(Ipv4Address::from_u32(a))).unwrap();
                n += out.len();
            }
            n
        })
    });
    g.bench_function("ipv4/std", |b| {
        b.iter(|| {
            let mut n = 0;
            for &a in &v4 {
                out.clear();
                write!(out, "{}", black_box(Ipv4Addr::from(a))).unwrap();
                n += out.len();
            }
            n
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! { name = benches; config = config(); targets = parse, format }
criterion_main!(benches);
