//! Kernel tests of route add/replace/append/del/get, each in a fresh
//! namespace, checked against `ip -j route show table all`.

mod change_common;

use change_common::{index_of, ipr, json, Json};
use ipdb::spec::{NexthopSpec, RouteQuery, RouteSpec, RouteType};
use ipdb_core::wire::route::RouteMetrics;
use ipdb_core::wire::uapi::*;
use testns::TestNetns;

/// va/vb veth pair, both up; 10.1.0.1/24 and 2001:db8::1/64 on va.
fn setup(tag: &str) -> Option<(TestNetns, u32)> {
    let ns = testns::TestNetns::new(tag)?;
    ns.ip_batch(
        "link add va type veth peer name vb\n\
         link set va up\n\
         link set vb up\n\
         addr add 10.1.0.1/24 dev va\n\
         addr add 2001:db8::1/64 dev va nodad\n",
    );
    let va = index_of(&ns, "va");
    Some((ns, va))
}

/// The routes of both families in every table whose `dst` is `dst` and
/// whose table (as `ip` names it; main is omitted) is `table`.
fn routes(ns: &TestNetns, dst: &str, table: &str) -> Vec<Json> {
    let mut all = json(ns, &["-4", "route", "show", "table", "all"])
        .items()
        .to_vec();
    all.extend(
        json(ns, &["-6", "route", "show", "table", "all"])
            .items()
            .iter()
            .cloned(),
    );
    all.into_iter()
        .filter(|r| r.get("dst").as_str() == Some(dst))
        .filter(|r| r.get("table").as_str().unwrap_or("main") == table)
        .collect()
}

fn one(ns: &TestNetns, dst: &str, table: &str) -> Json {
    let r = routes(ns, dst, table);
    assert_eq!(r.len(), 1, "routes to {dst} in table {table}: {r:?}");
    r[0].clone()
}

fn spec(dst: &str) -> RouteSpec {
    RouteSpec::new(dst.parse().unwrap())
}

#[test]
fn gateway_routes_in_several_tables() {
    let Some((ns, va)) = setup("chg-rt-tables") else {
        return;
    };
    let mut ipr = ipr(&ns);
    let mut main = spec("10.5.0.0/16");
    main.gateway = Some("10.1.0.254".parse().unwrap());
    ipr.route_add(&main).unwrap();
    let r = one(&ns, "10.5.0.0/16", "main");
    assert_eq!(r.get("gateway").as_str(), Some("10.1.0.254"));
    assert_eq!(r.get("dev").as_str(), Some("va"));
    assert_eq!(
        r.get("protocol"),
        &Json::Null,
        "boot is what ip omits: {r:?}"
    );

    let mut t100 = spec("10.6.0.0/16");
    t100.gateway = Some("10.1.0.254".parse().unwrap());
    t100.table = Some(100);
    t100.priority = Some(50);
    t100.protocol = Some(RTPROT_STATIC);
    ipr.route_add(&t100).unwrap();
    let r = one(&ns, "10.6.0.0/16", "100");
    assert_eq!(r.get("metric").as_u64(), Some(50));
    assert_eq!(r.get("protocol").as_str(), Some("static"));

    // Table ids above 255 live only in RTA_TABLE.
    let mut big = spec("10.7.0.0/16");
    big.oif = Some(va);
    big.table = Some(100_000);
    big.prefsrc = Some("10.1.0.1".parse().unwrap());
    ipr.route_add(&big).unwrap();
    let r = one(&ns, "10.7.0.0/16", "100000");
    assert_eq!(
        r.get("scope").as_str(),
        Some("link"),
        "no gateway: scope link: {r:?}"
    );
    assert_eq!(r.get("prefsrc").as_str(), Some("10.1.0.1"));
    assert!(routes(&ns, "10.7.0.0/16", "main").is_empty());

    let mut v6 = spec("2001:db8:1::/48");
    v6.gateway = Some("2001:db8::ff".parse().unwrap());
    v6.oif = Some(va);
    v6.table = Some(300);
    ipr.route_add(&v6).unwrap();
    assert_eq!(
        one(&ns, "2001:db8:1::/48", "300").get("gateway").as_str(),
        Some("2001:db8::ff")
    );

    // IPv4 route through an IPv6 next hop (RTA_VIA).
    let mut via = spec("10.20.0.0/16");
    via.gateway = Some("2001:db8::ff".parse().unwrap());
    via.oif = Some(va);
    ipr.route_add(&via).unwrap();
    let r = one(&ns, "10.20.0.0/16", "main");
    assert_eq!(
        r.get("via").get("host").as_str(),
        Some("2001:db8::ff"),
        "{r:?}"
    );

    // Default route.
    let mut dflt = spec("0.0.0.0/0");
    dflt.gateway = Some("10.1.0.254".parse().unwrap());
    ipr.route_add(&dflt).unwrap();
    assert_eq!(
        one(&ns, "default", "main").get("gateway").as_str(),
        Some("10.1.0.254")
    );

    // Delete each; only the kernel's own routes stay.
    for s in [&main, &t100, &big, &v6, &via, &dflt] {
        ipr.route_del(s).unwrap();
    }
    assert!(routes(&ns, "10.6.0.0/16", "100").is_empty());
    assert!(routes(&ns, "10.7.0.0/16", "100000").is_empty());
    assert!(routes(&ns, "default", "main").is_empty());
}

#[test]
fn multipath_with_weights() {
    let Some((ns, va)) = setup("chg-rt-mpath") else {
        return;
    };
    let mut ipr = ipr(&ns);
    let mut s = spec("10.7.0.0/16");
    s.table = Some(1000);
    s.multipath = vec![
        NexthopSpec {
            gateway: Some("10.1.0.253".parse().unwrap()),
            weight: 2,
            ..NexthopSpec::default()
        },
        NexthopSpec {
            gateway: Some("10.1.0.254".parse().unwrap()),
            oif: Some(va),
            weight: 7,
            ..NexthopSpec::default()
        },
    ];
    ipr.route_add(&s).unwrap();
    let r = one(&ns, "10.7.0.0/16", "1000");
    let hops = r.get("nexthops").items();
    assert_eq!(hops.len(), 2, "{r:?}");
    assert_eq!(hops[0].get("gateway").as_str(), Some("10.1.0.253"));
    assert_eq!(hops[0].get("weight").as_u64(), Some(2));
    assert_eq!(hops[1].get("gateway").as_str(), Some("10.1.0.254"));
    assert_eq!(hops[1].get("dev").as_str(), Some("va"));
    assert_eq!(hops[1].get("weight").as_u64(), Some(7));

    // IPv6 multipath.
    let mut s6 = spec("2001:db8:9::/48");
    s6.multipath = vec![
        NexthopSpec {
            gateway: Some("2001:db8::a".parse().unwrap()),
            oif: Some(va),
            ..NexthopSpec::default()
        },
        NexthopSpec {
            gateway: Some("2001:db8::b".parse().unwrap()),
            oif: Some(va),
            ..NexthopSpec::default()
        },
    ];
    ipr.route_add(&s6).unwrap();
    let r = one(&ns, "2001:db8:9::/48", "main");
    assert_eq!(r.get("nexthops").items().len(), 2, "{r:?}");

    let mut del = spec("10.7.0.0/16");
    del.table = Some(1000);
    ipr.route_del(&del).unwrap();
    assert!(routes(&ns, "10.7.0.0/16", "1000").is_empty());

    let bad = NexthopSpec {
        weight: 0,
        oif: Some(va),
        ..NexthopSpec::default()
    };
    let mut zero = spec("10.8.0.0/16");
    zero.multipath = vec![bad];
    let e = ipr.route_add(&zero).unwrap_err();
    assert_eq!(e.errno(), Some(libc::EINVAL));
    assert!(e.to_string().contains("weight"), "{e}");
}

#[test]
fn metrics_and_types() {
    let Some((ns, va)) = setup("chg-rt-metrics") else {
        return;
    };
    let mut ipr = ipr(&ns);
    let mut s = spec("10.8.0.0/16");
    s.gateway = Some("10.1.0.254".parse().unwrap());
    s.metrics = RouteMetrics {
        mtu: Some(1300),
        advmss: Some(1200),
        initcwnd: Some(20),
        ..RouteMetrics::default()
    };
    ipr.route_add(&s).unwrap();
    let m = one(&ns, "10.8.0.0/16", "main").get("metrics").at(0).clone();
    assert_eq!(m.get("mtu").as_u64(), Some(1300), "{m:?}");
    assert_eq!(m.get("advmss").as_u64(), Some(1200));
    assert_eq!(m.get("initcwnd").as_u64(), Some(20));

    for (dst, t, word) in [
        ("10.66.0.0/16", RouteType::Blackhole, "blackhole"),
        ("10.67.0.0/16", RouteType::Unreachable, "unreachable"),
        ("10.68.0.0/16", RouteType::Prohibit, "prohibit"),
    ] {
        let mut s = spec(dst);
        s.route_type = Some(t);
        s.table = Some(1000);
        ipr.route_add(&s).unwrap();
        assert_eq!(one(&ns, dst, "1000").get("type").as_str(), Some(word));
    }
    let mut v6 = spec("2001:db8:66::/48");
    v6.route_type = Some(RouteType::Blackhole);
    ipr.route_add(&v6).unwrap();
    assert_eq!(
        one(&ns, "2001:db8:66::/48", "main").get("type").as_str(),
        Some("blackhole")
    );

    let mut local = spec("10.9.9.9/32");
    local.route_type = Some(RouteType::Local);
    local.oif = Some(va);
    local.table = Some(100);
    ipr.route_add(&local).unwrap();
    let r = one(&ns, "10.9.9.9", "100");
    assert_eq!(r.get("type").as_str(), Some("local"));
    assert_eq!(r.get("scope").as_str(), Some("host"));

    // An explicit scope and protocol.
    let mut host = spec("10.10.0.0/16");
    host.oif = Some(va);
    host.scope = Some(RT_SCOPE_HOST);
    host.protocol = Some(RTPROT_ZEBRA);
    ipr.route_add(&host).unwrap();
    let r = one(&ns, "10.10.0.0/16", "main");
    assert_eq!(r.get("scope").as_str(), Some("host"), "{r:?}");
    assert_eq!(r.get("protocol").as_str(), Some("zebra"));

    // Deleting by type only matches that type.
    let mut wrong = spec("10.66.0.0/16");
    wrong.table = Some(1000);
    wrong.route_type = Some(RouteType::Prohibit);
    assert_eq!(
        ipr.route_del(&wrong).unwrap_err().errno(),
        Some(libc::ESRCH)
    );
    wrong.route_type = Some(RouteType::Blackhole);
    ipr.route_del(&wrong).unwrap();
}

#[test]
fn replace_and_append() {
    let Some((ns, _va)) = setup("chg-rt-replace") else {
        return;
    };
    let mut ipr = ipr(&ns);
    let mut s = spec("10.30.0.0/16");
    s.gateway = Some("10.1.0.253".parse().unwrap());
    s.table = Some(200);
    ipr.route_add(&s).unwrap();
    let dup = ipr.route_add(&s).unwrap_err();
    assert_eq!(dup.errno(), Some(libc::EEXIST), "{dup}");

    s.gateway = Some("10.1.0.252".parse().unwrap());
    ipr.route_replace(&s).unwrap();
    assert_eq!(
        one(&ns, "10.30.0.0/16", "200").get("gateway").as_str(),
        Some("10.1.0.252")
    );

    // Replace creates when missing.
    let mut fresh = spec("10.31.0.0/16");
    fresh.gateway = Some("10.1.0.253".parse().unwrap());
    ipr.route_replace(&fresh).unwrap();
    assert_eq!(routes(&ns, "10.31.0.0/16", "main").len(), 1);

    // Append a second IPv4 route with the same key but another TOS-less gateway.
    let mut again = s.clone();
    again.gateway = Some("10.1.0.251".parse().unwrap());
    ipr.route_append(&again).unwrap();
    let both = routes(&ns, "10.30.0.0/16", "200");
    assert_eq!(both.len(), 2, "{both:?}");
}

#[test]
fn route_get_answers_with_the_route_used() {
    let Some((ns, va)) = setup("chg-rt-get") else {
        return;
    };
    let mut ipr = ipr(&ns);
    let mut s = spec("10.8.0.0/16");
    s.gateway = Some("10.1.0.254".parse().unwrap());
    s.metrics.mtu = Some(1300);
    ipr.route_add(&s).unwrap();

    let r = ipr
        .route_get(&RouteQuery::to("10.8.1.1".parse().unwrap()))
        .unwrap();
    assert_eq!(r.dst.to_string(), "10.8.1.1/32");
    assert_eq!(
        r.gateway.map(|g| g.to_string()).as_deref(),
        Some("10.1.0.254")
    );
    assert_eq!(r.oif, Some(va));
    assert_eq!(
        r.prefsrc.map(|a| a.to_string()).as_deref(),
        Some("10.1.0.1")
    );
    assert_eq!(r.table, RT_TABLE_MAIN);
    assert_eq!(r.metrics.and_then(|m| m.mtu), Some(1300));

    // fibmatch: the table entry itself.
    let q = RouteQuery {
        fib_match: true,
        ..RouteQuery::to("10.8.1.1".parse().unwrap())
    };
    let r = ipr.route_get(&q).unwrap();
    assert_eq!(r.dst.to_string(), "10.8.0.0/16");

    let r6 = ipr
        .route_get(&RouteQuery::to("2001:db8::5".parse().unwrap()))
        .unwrap();
    assert_eq!(r6.oif, Some(va));
    assert_eq!(r6.family, AF_INET6);
    assert_eq!(r6.table, RT_TABLE_MAIN);

    let e = ipr
        .route_get(&RouteQuery::to("192.0.2.1".parse().unwrap()))
        .unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENETUNREACH), "{e}");
    assert!(e.to_string().starts_with("get route 192.0.2.1: "), "{e}");
}

#[test]
fn refusals_carry_errno_and_the_kernels_reason() {
    let Some((ns, _va)) = setup("chg-rt-errors") else {
        return;
    };
    let mut ipr = ipr(&ns);
    let mut s = spec("10.0.0.0/24");
    s.gateway = Some("192.0.2.1".parse().unwrap());
    s.table = Some(100);
    let e = ipr.route_add(&s).unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENETUNREACH), "{e}");
    assert_eq!(e.ext_ack(), Some("Nexthop has invalid gateway"));
    let text = e.to_string();
    assert!(
        text.starts_with("add route 10.0.0.0/24 via 192.0.2.1 table 100: "),
        "{text}"
    );
    assert!(text.contains("Nexthop has invalid gateway"), "{text}");

    let mut missing = spec("10.99.0.0/16");
    missing.table = Some(100);
    let e = ipr.route_del(&missing).unwrap_err();
    assert_eq!(e.errno(), Some(libc::ESRCH), "{e}");
    assert!(
        e.to_string()
            .starts_with("delete route 10.99.0.0/16 table 100: "),
        "{e}"
    );

    // Refused before sending: a prefsrc of the other family.
    let mut mixed = spec("10.0.0.0/24");
    mixed.prefsrc = Some("2001:db8::1".parse().unwrap());
    let e = ipr.route_add(&mixed).unwrap_err();
    assert_eq!(e.errno(), Some(libc::EINVAL));
    assert!(e.to_string().contains("prefsrc"), "{e}");
}
