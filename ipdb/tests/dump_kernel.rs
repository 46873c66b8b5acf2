//! Dumps of a populated namespace, checked against what the setup made and
//! against `ip`'s own counts of the same namespace. The field-by-field
//! comparison with `ip -j` is in the CLI's `show` tests.

mod dump_common;

use std::collections::HashSet;

use ipdb::ip::{IpAddress, IpNetwork};
use ipdb::records::{LinkData, OperState};
use ipdb::{IpRoute, Link};
use ipdb_core::wire::uapi::*;

fn addr(s: &str) -> IpAddress {
    s.parse().unwrap()
}

fn net(s: &str) -> IpNetwork {
    IpNetwork::parse(s, true).unwrap()
}

fn by_name<'a>(links: &'a [Link], name: &str) -> &'a Link {
    links
        .iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("no link {name}"))
}

fn lines(out: &str) -> usize {
    out.lines().filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn links_of_every_kind() {
    let Some(ns) = dump_common::populated("dlinks") else {
        return;
    };
    let mut ipr = IpRoute::open_in_netns(ns.path()).unwrap();
    let links = ipr.links().unwrap();
    assert_eq!(links.len(), lines(&ns.ip(&["-o", "link", "show"])));
    let idx = |n: &str| by_name(&links, n).index;

    let lo = by_name(&links, "lo");
    assert_eq!(lo.link_type, ARPHRD_LOOPBACK);
    assert!(lo.is_up() && lo.flags & IFF_LOOPBACK != 0);

    let vb = by_name(&links, "vb");
    assert_eq!(vb.kind.as_deref(), Some("veth"));
    assert_eq!(vb.data, None, "veth dumps carry no IFLA_INFO_DATA");
    assert_eq!(vb.link, Some(idx("va")), "veth peer");
    assert_eq!(vb.operstate, OperState::Up);
    assert_eq!(vb.mtu, Some(1500));
    assert_eq!(vb.address.unwrap().as_bytes().len(), 6);
    assert_eq!(vb.broadcast.unwrap().to_string(), "ff:ff:ff:ff:ff:ff");
    assert!(vb.stats64.is_some() && vb.num_tx_queues.is_some());

    let va = by_name(&links, "va");
    assert_eq!(va.master, Some(idx("br0")));
    assert_eq!(va.slave_kind.as_deref(), Some("bridge"));
    assert_eq!(by_name(&links, "vc").master, Some(idx("br0")));

    let vd = by_name(&links, "vd");
    assert_eq!(vd.alias.as_deref(), Some("peer-d"));
    assert_eq!(vd.mtu, Some(1400));
    assert!(!vd.is_up());
    assert_eq!(vd.operstate, OperState::Down);

    let Some(LinkData::Bridge(br)) = &by_name(&links, "br0").data else {
        panic!("bridge data")
    };
    assert_eq!(br.forward_delay, Some(1500));
    assert_eq!(br.priority, Some(32768));

    let mv = by_name(&links, "mv0");
    assert_eq!(mv.link, Some(idx("vb")));
    assert!(matches!(&mv.data, Some(LinkData::Macvlan(m)) if m.mode == Some(MACVLAN_MODE_BRIDGE)));
    let mt = by_name(&links, "mt0");
    assert!(matches!(&mt.data, Some(LinkData::Macvtap(m)) if m.mode == Some(MACVLAN_MODE_VEPA)));

    let Some(LinkData::Vxlan(vx)) = &by_name(&links, "vx0").data else {
        panic!("vxlan data")
    };
    assert_eq!(vx.id, Some(42));
    assert_eq!(vx.local, Some("10.1.0.1".parse().unwrap()));
    assert_eq!(vx.port.map(|p| p.0), Some(4789));

    let tp = by_name(&links, "tp0");
    assert_eq!(tp.txqlen, Some(777));
    assert!(
        matches!(&tp.data, Some(LinkData::Tun(t)) if t.tun_type == Some(2) && t.persist == Some(1))
    );
    let tn = by_name(&links, "tn0");
    assert_eq!(tn.link_type, ARPHRD_NONE);
    assert!(tn.address.is_none());
    assert!(
        matches!(&tn.data, Some(LinkData::Tun(t)) if t.tun_type == Some(1) && t.multi_queue == Some(1))
    );
}

#[test]
fn addresses_with_flags_labels_and_peers() {
    let Some(ns) = dump_common::populated("daddrs") else {
        return;
    };
    let mut ipr = IpRoute::open_in_netns(ns.path()).unwrap();
    let links = ipr.links().unwrap();
    let addrs = ipr.addresses().unwrap();
    assert_eq!(addrs.len(), lines(&ns.ip(&["-o", "addr", "show"])));
    let find = |a: &str| {
        addrs
            .iter()
            .find(|x| x.local == Some(addr(a)))
            .unwrap_or_else(|| panic!("no address {a}"))
    };
    let primary = find("10.1.0.1");
    assert_eq!(primary.index, by_name(&links, "vb").index);
    assert_eq!((primary.family, primary.prefixlen), (AF_INET, 24));
    assert_eq!(primary.flags & IFA_F_SECONDARY, 0);
    assert_eq!(primary.interface().unwrap().to_string(), "10.1.0.1/24");
    assert_ne!(find("10.1.0.2").flags & IFA_F_SECONDARY, 0);

    let br = find("10.2.0.1");
    assert_eq!(br.label.as_deref(), Some("br0:x"));
    assert_eq!(br.broadcast, Some(addr("10.2.255.255")));
    assert_eq!(br.scope, RT_SCOPE_UNIVERSE);

    let ptp = find("10.9.9.1");
    assert_eq!(ptp.peer(), Some(addr("10.9.9.2")));
    assert_eq!(ptp.prefixlen, 32);

    let v6 = find("2001:db8::1");
    assert_eq!(v6.family, AF_INET6);
    assert_ne!(v6.flags & IFA_F_NODAD, 0);
    assert_ne!(v6.flags & IFA_F_PERMANENT, 0);
    assert_eq!(v6.cacheinfo.unwrap().valid, u32::MAX);
    assert!(addrs
        .iter()
        .any(|a| a.local == Some(addr("::1")) && a.scope == RT_SCOPE_HOST));
}

#[test]
fn routes_of_all_tables_and_both_families() {
    let Some(ns) = dump_common::populated("droutes") else {
        return;
    };
    let mut ipr = IpRoute::open_in_netns(ns.path()).unwrap();
    let vb = by_name(&ipr.links().unwrap(), "vb").index;
    let all = ipr.routes(None, None).unwrap();
    assert_eq!(
        all.len(),
        lines(&ns.ip(&["-o", "route", "show", "table", "all"]))
    );
    let find = |dst: &str, table: u32| {
        all.iter()
            .find(|r| r.dst == net(dst) && r.table == table)
            .unwrap_or_else(|| panic!("no route {dst} table {table}"))
    };

    let default = find("0.0.0.0/0", RT_TABLE_MAIN);
    assert!(default.is_default());
    assert_eq!(default.gateway, Some(addr("10.1.0.254")));
    assert_eq!(default.oif, Some(vb));
    assert_eq!(default.protocol, RTPROT_BOOT);

    let connected = find("10.1.0.0/24", RT_TABLE_MAIN);
    assert_eq!(
        (connected.protocol, connected.scope),
        (RTPROT_KERNEL, RT_SCOPE_LINK)
    );
    assert_eq!(connected.prefsrc, Some(addr("10.1.0.1")));
    let local = find("10.1.0.1/32", RT_TABLE_LOCAL);
    assert_eq!((local.kind, local.scope), (RTN_LOCAL, RT_SCOPE_HOST));

    assert_eq!(find("10.6.0.0/16", 100).priority, Some(50));

    let mp = find("10.7.0.0/16", 1000);
    assert_eq!(mp.gateway, None);
    let hops: Vec<_> = mp
        .multipath
        .iter()
        .map(|h| (h.gateway.unwrap(), h.oif, h.weight))
        .collect();
    assert_eq!(
        hops,
        [(addr("10.1.0.253"), vb, 2), (addr("10.1.0.254"), vb, 1)]
    );

    let m = find("10.8.0.0/16", RT_TABLE_MAIN);
    assert_eq!(m.protocol, RTPROT_STATIC);
    let metrics = *m.metrics.clone().unwrap();
    assert_eq!(
        (metrics.mtu, metrics.advmss, metrics.lock),
        (Some(1300), Some(1200), None)
    );

    assert_eq!(find("10.66.0.0/16", RT_TABLE_MAIN).kind, RTN_BLACKHOLE);
    assert_eq!(find("10.67.0.0/16", 1000).kind, RTN_UNREACHABLE);
    assert_eq!(find("10.68.0.0/16", RT_TABLE_MAIN).kind, RTN_PROHIBIT);

    let nh = find("10.70.0.0/16", RT_TABLE_MAIN);
    assert_eq!(nh.nh_id, Some(3));

    let v6 = find("2001:db8:1::/48", 300);
    assert_eq!(
        (v6.family, v6.pref, v6.priority),
        (AF_INET6, Some(1), Some(1024))
    );
    assert_eq!(v6.gateway, Some(addr("2001:db8::ff")));
    let locked = find("2001:db8:2::/48", RT_TABLE_MAIN)
        .metrics
        .clone()
        .unwrap();
    assert_eq!((locked.mtu, locked.lock), (Some(1280), Some(1 << RTAX_MTU)));

    // Filters are applied by the kernel and agree with the full dump.
    let v6_only = ipr.routes(Some(AF_INET6), None).unwrap();
    assert!(v6_only.iter().all(|r| r.family == AF_INET6));
    assert_eq!(
        v6_only.len(),
        all.iter().filter(|r| r.family == AF_INET6).count()
    );
    let t1000 = ipr.routes(None, Some(1000)).unwrap();
    let want: Vec<_> = all.iter().filter(|r| r.table == 1000).cloned().collect();
    assert_eq!(t1000, want);
    assert_eq!(t1000.len(), 2);
    let t300_v4 = ipr.routes(Some(AF_INET), Some(300)).unwrap();
    assert!(t300_v4.is_empty(), "{t300_v4:?}");
    assert!(ipr.routes(Some(AF_INET), Some(4242)).unwrap().is_empty());
    assert!(ipr.routes(None, Some(4242)).unwrap().is_empty());
}

#[test]
fn neighbours_in_every_state_and_the_bridge_fdb() {
    let Some(ns) = dump_common::populated("dneigh") else {
        return;
    };
    let mut ipr = IpRoute::open_in_netns(ns.path()).unwrap();
    let links = ipr.links().unwrap();
    let all = ipr.neighbours().unwrap();
    let ip_entries: Vec<_> = all.iter().filter(|n| !n.is_fdb()).collect();
    // Multicast entries come and go as the links join groups; count the rest.
    let unicast = |dst: &IpAddress| !dst.is_multicast();
    let ours = ip_entries
        .iter()
        .filter(|n| unicast(&n.dst.unwrap()))
        .count();
    let theirs = ns.ip(&["-o", "neigh", "show", "nud", "all"]);
    let theirs = theirs
        .lines()
        .filter(|l| unicast(&addr(l.split_whitespace().next().unwrap())))
        .count();
    assert_eq!(ours, theirs);
    let find = |dst: &str| {
        ip_entries
            .iter()
            .find(|n| n.dst == Some(addr(dst)))
            .unwrap_or_else(|| panic!("no neighbour {dst}"))
    };
    let p = find("10.1.0.77");
    assert_eq!(p.state, NUD_PERMANENT);
    assert_eq!(p.index, by_name(&links, "vb").index);
    assert_eq!(p.lladdr.unwrap().to_string(), "02:00:00:00:00:77");
    assert_eq!(find("10.1.0.78").state, NUD_STALE);
    assert_eq!(find("10.1.0.79").state, NUD_NOARP);
    let v6 = find("2001:db8::77");
    assert_eq!((v6.family, v6.state), (AF_INET6, NUD_REACHABLE));

    let fdb: Vec<_> = all.iter().filter(|n| n.is_fdb()).collect();
    // Multicast MACs come and go as the links join groups, learned MACs as
    // packets pass; count the configured unicast entries.
    let unicast_mac = |first_octet: u8| first_octet & 1 == 0;
    let ours = fdb
        .iter()
        .filter(|n| unicast_mac(n.lladdr.unwrap().as_bytes()[0]))
        .filter(|n| n.state & (NUD_PERMANENT | NUD_NOARP) != 0)
        .count();
    let theirs = ns.exec(&["bridge", "fdb", "show"]);
    let theirs = theirs
        .lines()
        .filter(|l| unicast_mac(u8::from_str_radix(&l[..2], 16).unwrap()))
        .filter(|l| l.ends_with(" permanent") || l.ends_with(" static"))
        .count();
    assert_eq!(ours, theirs);
    let static_entry = fdb
        .iter()
        .find(|n| n.lladdr.map(|l| l.to_string()).as_deref() == Some("02:00:00:00:00:aa"))
        .expect("static FDB entry");
    assert_eq!(static_entry.index, by_name(&links, "va").index);
    assert_eq!(static_entry.master, Some(by_name(&links, "br0").index));
    assert_eq!(static_entry.state, NUD_NOARP);
    let vx = by_name(&links, "vx0").index;
    assert!(fdb
        .iter()
        .any(|n| n.index == vx && n.dst == Some(addr("10.1.0.9"))));

    let only_v4 = ipr.neighbours_of(AF_INET).unwrap();
    assert!(only_v4.iter().all(|n| n.family == AF_INET));
    // Ages in the cache info move between two dumps; the identity does not.
    let key = |n: &ipdb::Neighbour| (n.dst, n.index, n.lladdr, n.state);
    let v4: HashSet<_> = only_v4.iter().map(key).collect();
    for n in ip_entries
        .iter()
        .filter(|n| n.family == AF_INET && !n.dst.unwrap().is_multicast())
    {
        assert!(v4.contains(&key(n)), "{n:?} missing from the AF_INET dump");
    }
}

#[test]
fn rules_of_both_families() {
    let Some(ns) = dump_common::populated("drules") else {
        return;
    };
    let mut ipr = IpRoute::open_in_netns(ns.path()).unwrap();
    let rules = ipr.rules().unwrap();
    let count = lines(&ns.ip(&["-o", "rule"])) + lines(&ns.ip(&["-o", "-6", "rule"]));
    assert_eq!(rules.len(), count);
    let at = |family: u8, prio: u32| {
        rules
            .iter()
            .find(|r| r.family == family && r.priority == prio)
            .unwrap_or_else(|| panic!("no rule {prio}"))
    };
    let mark = at(AF_INET, 100);
    assert_eq!(
        (mark.fwmark, mark.fwmask, mark.table),
        (Some(0x10), Some(0xff), 100)
    );
    assert_eq!(mark.action, FR_ACT_TO_TBL);
    let fromto = at(AF_INET, 200);
    assert_eq!(fromto.src, Some(net("10.1.0.0/24")));
    assert_eq!(fromto.dst, Some(net("10.2.0.0/16")));
    assert_eq!(fromto.table, 1000);
    let ifs = at(AF_INET, 300);
    assert_eq!(
        (ifs.iifname.as_deref(), ifs.oifname.as_deref()),
        (Some("vb"), Some("va"))
    );
    let goto = at(AF_INET, 500);
    assert_eq!((goto.action, goto.goto), (FR_ACT_GOTO, Some(600)));
    assert_eq!(at(AF_INET, 600).action, FR_ACT_BLACKHOLE);
    assert_eq!(at(AF_INET, 700).action, FR_ACT_UNREACHABLE);
    let big = at(AF_INET, 800);
    assert_eq!((big.table, big.protocol), (5000, Some(RTPROT_STATIC)));
    assert_eq!(at(AF_INET, 32766).table, RT_TABLE_MAIN);
    assert_eq!(at(AF_INET, 0).src, None);
    assert_eq!(at(AF_INET6, 400).src, Some(net("2001:db8::/64")));
}

#[test]
fn nexthop_objects() {
    let Some(ns) = dump_common::populated("dnh") else {
        return;
    };
    let mut ipr = IpRoute::open_in_netns(ns.path()).unwrap();
    let vb = by_name(&ipr.links().unwrap(), "vb").index;
    let nhs = ipr.nexthops().unwrap();
    let ids: Vec<u32> = nhs.iter().map(|n| n.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(nhs[0].gateway, Some(addr("10.1.0.250")));
    assert_eq!(nhs[0].oif, Some(vb));
    assert_ne!(nhs[0].flags & u32::from(RTNH_F_ONLINK), 0);
    assert!(nhs[1].blackhole);
    let group: Vec<_> = nhs[2].group.iter().map(|m| (m.id, m.weight)).collect();
    assert_eq!(group, [(1, 1), (4, 3)]);
    assert_eq!((nhs[3].oif, nhs[3].gateway), (Some(vb), None));
    assert_eq!(
        (nhs[4].family, nhs[4].gateway),
        (AF_INET6, Some(addr("2001:db8::fe")))
    );
}

#[test]
fn dumps_stay_consistent_under_concurrent_changes() {
    let Some(ns) = testns::TestNetns::new("dintr") else {
        return;
    };
    ns.ip(&["link", "add", "ca", "type", "veth", "peer", "name", "cb"]);
    ns.ip(&["link", "set", "ca", "up"]);
    let batch: String = (0..4000)
        .map(|i| {
            format!(
                "route add 10.{}.{}.0/24 dev ca table 200\n",
                100 + i / 256,
                i % 256
            )
        })
        .collect();
    ns.ip_batch(&batch);
    // Churn another table while dumping: the kernel bumps its generation
    // counter and marks multi-part dumps in progress as interrupted.
    let churn: String = (0..300)
        .map(|i| format!("route add 172.16.{}.0/24 dev ca table 201\nroute del 172.16.{}.0/24 dev ca table 201\n", i % 256, i % 256))
        .collect();
    let name = ns.name().to_string();
    let churner = std::thread::spawn(move || {
        for _ in 0..5 {
            let mut child = std::process::Command::new("ip")
                .args(["-n", &name, "-batch", "-"])
                .stdin(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(churn.as_bytes())
                .unwrap();
            assert!(child.wait().unwrap().success());
        }
    });
    let mut ipr = IpRoute::open_in_netns(ns.path()).unwrap();
    for _ in 0..10 {
        let routes = ipr.routes(Some(AF_INET), None).unwrap();
        let t200: Vec<_> = routes.iter().filter(|r| r.table == 200).collect();
        assert_eq!(t200.len(), 4000);
        let distinct: HashSet<_> = routes
            .iter()
            .map(|r| (r.table, r.dst, r.kind, r.oif))
            .collect();
        assert_eq!(
            distinct.len(),
            routes.len(),
            "a restarted dump left duplicates"
        );
    }
    churner.join().unwrap();
}

#[test]
fn open_in_a_missing_namespace_says_where() {
    let err = IpRoute::open_in_netns("/run/netns/ipdb-no-such-namespace").unwrap_err();
    assert_eq!(err.op, ipdb::Op::Open);
    assert_eq!(err.errno(), Some(libc::ENOENT));
    let text = err.to_string();
    assert!(text.contains("ipdb-no-such-namespace"), "{text}");
}
