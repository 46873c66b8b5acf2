//! Route messages: real IPv4/IPv6 dumps (tables > 255, metrics, multipath,
//! RTA_VIA, nexthop ids, preference) and request encodings.

#[path = "fixtures/mod.rs"]
mod fixtures;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipdb_core::wire::route::*;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;

fn routes(data: &[u8]) -> Vec<RouteRepr<'_>> {
    Messages::new(data)
        .map(Result::unwrap)
        .filter(|m| m.kind() == RTM_NEWROUTE)
        .map(|m| RouteRepr::parse(&m).unwrap())
        .collect()
}

fn find<'a, 'b>(all: &'b [RouteRepr<'a>], dst: &str, len: u8) -> &'b RouteRepr<'a> {
    let dst: IpAddr = dst.parse().unwrap();
    all.iter()
        .find(|r| r.attrs.dst == Some(dst) && r.header.dst_len == len)
        .unwrap_or_else(|| panic!("{dst}/{len}"))
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn ipv4_dump_fields() {
    let data = fixtures::load("route4_dump");
    let all = routes(&data);
    assert!(all
        .iter()
        .all(|r| r.bad_attr.is_none() && r.header.family == AF_INET));
    let connected = find(&all, "10.0.0.0", 24);
    assert_eq!(connected.header.protocol, RTPROT_KERNEL);
    assert_eq!(connected.header.scope, RT_SCOPE_LINK);
    assert_eq!(connected.table(), RT_TABLE_MAIN);
    assert_eq!(connected.attrs.prefsrc, Some(ip("10.0.0.1")));
    let v0 = connected.attrs.oif.unwrap();

    let r = find(&all, "192.0.2.0", 24);
    assert_eq!(r.header.table, RT_TABLE_COMPAT as u8); // 1000 does not fit the byte
    assert_eq!(r.attrs.table, Some(1000));
    assert_eq!(r.table(), 1000);
    assert_eq!(r.header.protocol, RTPROT_STATIC);
    assert_eq!(r.header.route_type, RTN_UNICAST);
    assert_eq!(r.header.scope, RT_SCOPE_UNIVERSE);
    assert_eq!(r.attrs.gateway, Some(ip("10.0.0.2")));
    assert_eq!(r.attrs.oif, Some(v0));
    assert_eq!(r.attrs.priority, Some(100));
    let m = r.metrics.unwrap();
    assert_eq!(m.mtu, Some(1400));
    assert_eq!(m.advmss, Some(1360));
    assert_eq!(m.hoplimit, None);

    let mp = find(&all, "198.51.100.0", 24);
    assert_eq!(mp.table(), 1000);
    assert_eq!(mp.attrs.gateway, None);
    let hops: Vec<NextHop<'_>> = mp.multipath.unwrap().iter().map(Result::unwrap).collect();
    assert_eq!(hops.len(), 2);
    assert_eq!(
        (hops[0].gateway, hops[0].weight(), hops[0].ifindex),
        (Some(ip("10.0.0.2")), 1, v0 as i32)
    );
    assert_eq!(
        (hops[1].gateway, hops[1].weight(), hops[1].ifindex),
        (Some(ip("10.0.0.3")), 3, v0 as i32)
    );
    assert_eq!(hops[1].hops, 2);

    assert_eq!(find(&all, "10.99.0.0", 16).header.route_type, RTN_BLACKHOLE);
    assert_eq!(find(&all, "203.0.113.0", 24).attrs.nh_id, Some(10));

    let via = find(&all, "192.0.2.128", 25);
    assert_eq!(via.attrs.via, Some(Via(ip("fe80::1"))));
    assert_eq!(via.attrs.gateway, None);
    assert_eq!(via.table(), RT_TABLE_MAIN);

    let local = find(&all, "10.0.0.1", 32);
    assert_eq!(local.header.route_type, RTN_LOCAL);
    assert_eq!(local.table(), RT_TABLE_LOCAL);
}

#[test]
fn ipv6_dump_fields() {
    let data = fixtures::load("route6_dump");
    let all = routes(&data);
    assert!(all
        .iter()
        .all(|r| r.bad_attr.is_none() && r.header.family == AF_INET6));
    let r = find(&all, "2001:db8:1::", 48);
    assert_eq!(r.attrs.gateway, Some(ip("2001:db8::2")));
    assert_eq!(r.attrs.pref, Some(1)); // ICMPV6_ROUTER_PREF_HIGH
    assert_eq!(r.attrs.priority, Some(50));
    assert!(r.attrs.cacheinfo.is_some());
    let mp = find(&all, "2001:db8:2::", 48);
    let gws: Vec<_> = mp
        .multipath
        .unwrap()
        .iter()
        .map(|h| h.unwrap().gateway.unwrap())
        .collect();
    assert_eq!(gws, [ip("2001:db8::2"), ip("2001:db8::3")]);
    assert_eq!(mp.multipath.unwrap().len(), 2);
}

#[test]
fn multipath_and_metrics_request_encoding() {
    let hops = [
        NextHop {
            ifindex: 3,
            gateway: Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2))),
            ..NextHop::default()
        },
        NextHop {
            ifindex: 4,
            hops: 2,
            flags: RTNH_F_ONLINK,
            gateway: Some(IpAddr::V4(Ipv4Addr::new(10, 0, 1, 2))),
            ..NextHop::default()
        },
    ];
    let r = RouteRepr {
        header: RtHeader {
            family: AF_INET,
            dst_len: 24,
            table: RT_TABLE_COMPAT as u8,
            protocol: RTPROT_STATIC,
            route_type: RTN_UNICAST,
            ..RtHeader::default()
        },
        attrs: RouteAttrs {
            dst: Some(ip("198.51.100.0")),
            table: Some(70000),
            ..RouteAttrs::default()
        },
        metrics: Some(RouteMetrics {
            mtu: Some(1400),
            ..RouteMetrics::default()
        }),
        multipath: Some(Multipath::Hops(&hops)),
        ..RouteRepr::default()
    };
    let mut buf = [0u8; 256];
    let mut b =
        MessageBuilder::new(&mut buf, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE, 1, 0).unwrap();
    r.emit(&mut b).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(bytes.len(), 16 + r.buffer_len());
    assert_eq!(
        &bytes[16..],
        &[
            2, 24, 0, 0, 252, 4, 0, 1, 0, 0, 0,
            0, // rtmsg: AF_INET /24, table COMPAT, static, unicast
            8, 0, 1, 0, 198, 51, 100, 0, // RTA_DST
            8, 0, 15, 0, 0x70, 0x11, 0x01, 0x00, // RTA_TABLE 70000
            12, 0, 8, 0x80, // RTA_METRICS, nested
            8, 0, 2, 0, 0x78, 0x05, 0, 0, // RTAX_MTU 1400
            36, 0, 9, 0, // RTA_MULTIPATH
            16, 0, 0, 0, 3, 0, 0, 0, // rtnexthop len 16, flags 0, hops 0, ifindex 3
            8, 0, 5, 0, 10, 0, 0, 2, // RTA_GATEWAY
            16, 0, 4, 2, 4, 0, 0,
            0, // rtnexthop len 16, RTNH_F_ONLINK, hops 2 (weight 3), ifindex 4
            8, 0, 5, 0, 10, 0, 1, 2, // RTA_GATEWAY
        ][..]
    );
    let back = RouteRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
    assert_eq!(back, r); // Raw and Hops compare by their hops
    assert!(matches!(back.multipath, Some(Multipath::Raw(..))));
    assert_eq!(back.table(), 70000);
}

#[test]
fn hostile_multipath_is_skipped_not_fatal() {
    let mut buf = [0u8; 128];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWROUTE, 0, 0, 0).unwrap();
    b.append_zeroed(12).unwrap();
    b.put_bytes(RTA_MULTIPATH, &[4, 0, 0, 0, 3, 0, 0, 0])
        .unwrap(); // rtnh_len 4 < 8
    b.put(RTA_OIF, &5u32).unwrap();
    b.put(RTA_GATEWAY, &IpAddr::V6(Ipv6Addr::LOCALHOST))
        .unwrap();
    let bytes = b.finish().unwrap();
    let r = RouteRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
    assert_eq!(r.multipath, None);
    assert_eq!(r.attrs.oif, Some(5));
    assert_eq!(r.attrs.gateway, Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    assert_eq!(r.bad_attr, Some(Error::new(ErrorKind::BadLength, 32)));
}

#[test]
fn via_encoding() {
    let mut out = [0u8; 18];
    let v = Via(ip("fe80::1"));
    assert_eq!(v.value_len(), 18);
    v.encode(&mut out);
    assert_eq!(&out[..2], &u16::from(AF_INET6).to_ne_bytes());
    assert_eq!(Via::decode(&out), Some(v));
    assert_eq!(Via::decode(&out[..17]), None);
}

#[test]
fn parse_into_a_reused_repr_equals_parse() {
    let data = fixtures::load("route4_dump");
    let mut reused = RouteRepr::default();
    for m in Messages::new(&data)
        .map(Result::unwrap)
        .filter(|m| m.kind() == RTM_NEWROUTE)
    {
        reused.parse_into(&m).unwrap();
        // Nothing of the previous (often richer) route survives the reset.
        assert_eq!(reused, RouteRepr::parse(&m).unwrap());
    }
    // A message of another type is refused and says so.
    let ack = fixtures::load("ack");
    assert_eq!(
        reused
            .parse_into(&Message::parse(&ack).unwrap())
            .unwrap_err()
            .kind,
        ErrorKind::WrongType(NLMSG_ERROR)
    );
}
