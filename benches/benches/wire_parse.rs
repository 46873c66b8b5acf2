//! Parsing a route dump: 1M RTM_NEWROUTE messages (IPv4 dst, gateway, oif,
//! table, priority, ~10% multipath) in one buffer, decoded by our
//! `RouteRepr` (every field, every hop; `parse`, and `parse_into` one reused
//! repr) and by netlink-packet-route's
//! `NetlinkMessage<RouteNetlinkMessage>::deserialize` on the same bytes.
//!
//! Run: `cargo bench -p ipdb-benches --bench wire_parse`
//! (criterion prints the time per 1M messages; divide by 1e6 for ns/message,
//! or read the `thrpt` line).

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use ipdb_benches::Rng;
use ipdb_core::wire::route::{Multipath, NextHop, RouteAttrs, RouteRepr, RtHeader};
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::{FamilyRepr, MessageBuilder, Messages};
use netlink_packet_core::{NetlinkMessage, NetlinkPayload};
use netlink_packet_route::RouteNetlinkMessage;

const N: usize = 1_000_000;

fn v4(x: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(x))
}

/// The dump, as the kernel would send it (NLM_F_MULTI, RTA_TABLE always present).
fn dump() -> Vec<u8> {
    let mut rng = Rng::new(0x5eed_0003);
    let mut out = Vec::with_capacity(N * 100);
    let mut buf = [0u8; 512];
    for i in 0..N {
        let len = rng.range(8, 32) as u8;
        let mask = u32::MAX << (32 - u32::from(len));
        let dst = rng.next_u64() as u32 & mask;
        let table = if i % 4 == 0 {
            1000 + rng.range(0, 50) as u32
        } else {
            RT_TABLE_MAIN
        };
        let oif = rng.range(1, 64) as u32;
        let hops;
        let multipath = if i % 10 == 0 {
            hops = [
                NextHop {
                    ifindex: oif as i32,
                    gateway: Some(v4(0x0a00_0001 + rng.range(0, 250) as u32)),
                    ..NextHop::default()
                },
                NextHop {
                    ifindex: oif as i32 + 1,
                    hops: 1,
                    gateway: Some(v4(0x0a00_0101 + rng.range(0, 250) as u32)),
                    ..NextHop::default()
                },
            ];
            Some(Multipath::Hops(&hops))
        } else {
            None
        };
        let single = multipath.is_none();
        let r = RouteRepr {
            header: RtHeader {
                family: AF_INET,
                dst_len: len,
                table: table.min(RT_TABLE_COMPAT) as u8,
                protocol: RTPROT_STATIC,
                scope: RT_SCOPE_UNIVERSE,
                route_type: RTN_UNICAST,
                ..RtHeader::default()
            },
            attrs: RouteAttrs {
                table: Some(table),
                dst: Some(v4(dst)),
                priority: Some(rng.range(0, 1024) as u32),
                gateway: single.then(|| v4(0x0a00_0001 + rng.range(0, 250) as u32)),
                oif: single.then_some(oif),
                ..RouteAttrs::default()
            },
            multipath,
            ..RouteRepr::default()
        };
        let mut b = MessageBuilder::new(&mut buf, RTM_NEWROUTE, NLM_F_MULTI, 1, 0).unwrap();
        r.emit(&mut b).unwrap();
        out.extend_from_slice(b.finish().unwrap());
    }
    out
}

/// Touches every decoded field so none of the decode can be skipped.
fn fields(r: &RouteRepr<'_>) -> u64 {
    let mut acc = u64::from(r.table()) + u64::from(r.attrs.priority.unwrap_or(0));
    acc = acc.wrapping_add(u64::from(r.attrs.oif.unwrap_or(0)));
    if let Some(IpAddr::V4(g)) = r.attrs.gateway {
        acc = acc.wrapping_add(u64::from(u32::from(g)));
    }
    if let Some(mp) = r.multipath {
        for h in mp.iter() {
            let h = h.unwrap();
            acc = acc.wrapping_add(h.ifindex as u64 + h.gateway.is_some() as u64);
        }
    }
    acc
}

fn ours(data: &[u8]) -> u64 {
    let mut acc = 0u64;
    for m in Messages::new(data) {
        // Borrowed in place: the repr is a few hundred bytes, no need to move it.
        let parsed = RouteRepr::parse(&m.unwrap());
        let r = parsed.as_ref().unwrap();
        acc = acc.wrapping_add(fields(r));
        black_box(r);
    }
    acc
}

/// The same decode into one reused repr (`parse_into`): no per-message move
/// of the few-hundred-byte repr.
fn ours_reused(data: &[u8]) -> u64 {
    let mut acc = 0u64;
    let mut r = RouteRepr::default();
    for m in Messages::new(data) {
        r.parse_into(&m.unwrap()).unwrap();
        acc = acc.wrapping_add(fields(&r));
        black_box(&r);
    }
    acc
}

fn theirs(data: &[u8]) -> u64 {
    let mut acc = 0u64;
    let mut at = 0;
    while at + 4 <= data.len() {
        let len = u32::from_ne_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let msg = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&data[at..at + len]).unwrap();
        if let NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewRoute(r)) = &msg.payload {
            acc = acc.wrapping_add(
                r.attributes.len() as u64 + u64::from(r.header.destination_prefix_length),
            );
        }
        black_box(&msg);
        at += (len + 3) & !3;
    }
    acc
}

fn parse_routes(c: &mut Criterion) {
    let data = dump();
    // Both sides see the same messages.
    assert_eq!(Messages::new(&data).count(), N);
    assert_eq!(ours(&data), ours_reused(&data));
    black_box(theirs(&data));
    let mut g = c.benchmark_group("wire_parse_1M_routes");
    g.throughput(Throughput::Elements(N as u64));
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("ipdb_core RouteRepr::parse", |b| {
        b.iter(|| ours(black_box(&data)))
    });
    g.bench_function("ipdb_core RouteRepr::parse_into (reused)", |b| {
        b.iter(|| ours_reused(black_box(&data)))
    });
    g.bench_function("netlink-packet-route", |b| {
        b.iter(|| theirs(black_box(&data)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // Fewer bootstrap resamples keep the whole bench well under two minutes.
    config = Criterion::default().nresamples(10_000).without_plots();
    targets = parse_routes
}
criterion_main!(benches);
