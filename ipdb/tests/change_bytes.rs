//! Request bytes, checked against bytes written by hand from the uapi
//! layouts (`linux/netlink.h`, `rtnetlink.h`, `if_link.h`, `if_tunnel.h`,
//! `if_addr.h`, `neighbour.h`, `fib_rules.h`): one field per line, numbers
//! spelled out rather than taken from our constants. These cover the kinds
//! this test kernel has no module for (dummy, team, bond, vlan, gre,
//! gretap), and one request of every other family. No kernel needed.
#![cfg(target_endian = "little")]

use ipdb::spec::{
    AddressSpec, BondMode, GreSpec, LinkChange, LinkId, LinkKind, LinkSpec, Master, NeighbourSpec,
    NexthopSpec, RouteQuery, RouteSpec, RuleSpec, SpecError, Verb, VlanProtocol,
};
use ipdb_core::wire::route::RouteMetrics;

/// Builds with a 1 KiB buffer and returns the bytes.
fn built(f: impl FnOnce(&mut [u8]) -> Result<&mut [u8], SpecError>) -> Vec<u8> {
    let mut buf = [0u8; 1024];
    f(&mut buf).expect("request builds").to_vec()
}

/// A 16-byte `ifinfomsg` with everything zero.
const IFINFO_ZERO: [u8; 16] = [0; 16];

#[test]
fn dummy() {
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[56, 0, 0, 0][..],           // nlmsg_len
        &[16, 0],                     // RTM_NEWLINK
        &[0x00, 0x06],                // NLM_F_CREATE | NLM_F_EXCL
        &[0, 0, 0, 0],                // seq (stamped when sent)
        &[0, 0, 0, 0],                // pid
        &IFINFO_ZERO,                 // ifinfomsg
        &[7, 0, 3, 0], b"d0\0", &[0], // IFLA_IFNAME "d0"
        &[16, 0, 18, 0x80],           // IFLA_LINKINFO | NLA_F_NESTED
        &[10, 0, 1, 0], b"dummy\0", &[0, 0], //   IFLA_INFO_KIND
    ].concat();
    assert_eq!(
        built(|b| LinkSpec::new("d0", LinkKind::Dummy).add_request(b)),
        want
    );
}

#[test]
fn team() {
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[56, 0, 0, 0][..], &[16, 0], &[0x00, 0x06], &[0; 8],
        &IFINFO_ZERO,
        &[7, 0, 3, 0], b"t0\0", &[0],           // IFLA_IFNAME
        &[16, 0, 18, 0x80],                     // IFLA_LINKINFO
        &[9, 0, 1, 0], b"team\0", &[0, 0, 0],   //   IFLA_INFO_KIND
    ].concat();
    assert_eq!(
        built(|b| LinkSpec::new("t0", LinkKind::Team).add_request(b)),
        want
    );
}

#[test]
fn bond_active_backup() {
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[68, 0, 0, 0][..], &[16, 0], &[0x00, 0x06], &[0; 8],
        &IFINFO_ZERO,
        &[7, 0, 3, 0], b"b0\0", &[0],           // IFLA_IFNAME
        &[28, 0, 18, 0x80],                     // IFLA_LINKINFO
        &[9, 0, 1, 0], b"bond\0", &[0, 0, 0],   //   IFLA_INFO_KIND
        &[12, 0, 2, 0x80],                      //   IFLA_INFO_DATA | NESTED
        &[5, 0, 1, 0], &[1], &[0, 0, 0],        //     IFLA_BOND_MODE = 1 (active-backup)
    ].concat();
    assert_eq!(
        built(|b| LinkSpec::new("b0", LinkKind::bond(BondMode::ActiveBackup)).add_request(b)),
        want
    );
}

#[test]
fn vlan_8021ad_on_a_lower_link() {
    let spec = LinkSpec::new(
        "v10",
        LinkKind::Vlan {
            link: 5,
            id: 10,
            protocol: Some(VlanProtocol::Dot1Ad),
        },
    );
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[84, 0, 0, 0][..], &[16, 0], &[0x00, 0x06], &[0; 8],
        &IFINFO_ZERO,
        &[8, 0, 3, 0], b"v10\0",                // IFLA_IFNAME
        &[8, 0, 5, 0], &[5, 0, 0, 0],           // IFLA_LINK = 5
        &[36, 0, 18, 0x80],                     // IFLA_LINKINFO
        &[9, 0, 1, 0], b"vlan\0", &[0, 0, 0],   //   IFLA_INFO_KIND
        &[20, 0, 2, 0x80],                      //   IFLA_INFO_DATA
        &[6, 0, 1, 0], &[10, 0], &[0, 0],       //     IFLA_VLAN_ID = 10
        &[6, 0, 5, 0], &[0x88, 0xa8], &[0, 0],  //     IFLA_VLAN_PROTOCOL = 802.1ad, big-endian
    ].concat();
    assert_eq!(built(|b| spec.add_request(b)), want);
}

fn gre() -> GreSpec {
    GreSpec {
        remote: Some("192.0.2.2".parse().unwrap()),
        local: Some("192.0.2.1".parse().unwrap()),
        ikey: Some(5),
        okey: Some(6),
        ttl: Some(64),
        link: None,
    }
}

/// `IFLA_INFO_DATA` of [`gre`]: 60 bytes.
#[rustfmt::skip]
const GRE_DATA: &[&[u8]] = &[
    &[60, 0, 2, 0x80],                     // IFLA_INFO_DATA
    &[6, 0, 2, 0], &[0x20, 0x00], &[0, 0], //   IFLA_GRE_IFLAGS = GRE_KEY (__cpu_to_be16(0x2000))
    &[6, 0, 3, 0], &[0x20, 0x00], &[0, 0], //   IFLA_GRE_OFLAGS = GRE_KEY
    &[8, 0, 4, 0], &[0, 0, 0, 5],          //   IFLA_GRE_IKEY = 5, big-endian
    &[8, 0, 5, 0], &[0, 0, 0, 6],          //   IFLA_GRE_OKEY = 6
    &[8, 0, 6, 0], &[192, 0, 2, 1],        //   IFLA_GRE_LOCAL
    &[8, 0, 7, 0], &[192, 0, 2, 2],        //   IFLA_GRE_REMOTE
    &[5, 0, 8, 0], &[64], &[0, 0, 0],      //   IFLA_GRE_TTL = 64
];

#[test]
fn gre_with_keys() {
    #[rustfmt::skip]
    let head: Vec<u8> = [
        &[112, 0, 0, 0][..], &[16, 0], &[0x00, 0x06], &[0; 8],
        &IFINFO_ZERO,
        &[7, 0, 3, 0], b"g0\0", &[0],           // IFLA_IFNAME
        &[72, 0, 18, 0x80],                     // IFLA_LINKINFO
        &[8, 0, 1, 0], b"gre\0",                //   IFLA_INFO_KIND
    ].concat();
    let want = [head, GRE_DATA.concat()].concat();
    assert_eq!(
        built(|b| LinkSpec::new("g0", LinkKind::Gre(gre())).add_request(b)),
        want
    );
}

#[test]
fn gretap_with_keys() {
    #[rustfmt::skip]
    let head: Vec<u8> = [
        &[116, 0, 0, 0][..], &[16, 0], &[0x00, 0x06], &[0; 8],
        &IFINFO_ZERO,
        &[7, 0, 3, 0], b"g1\0", &[0],           // IFLA_IFNAME
        &[76, 0, 18, 0x80],                     // IFLA_LINKINFO
        &[11, 0, 1, 0], b"gretap\0", &[0],      //   IFLA_INFO_KIND
    ].concat();
    let want = [head, GRE_DATA.concat()].concat();
    assert_eq!(
        built(|b| LinkSpec::new("g1", LinkKind::Gretap(gre())).add_request(b)),
        want
    );
}

#[test]
fn gre_with_ipv6_ends_is_ip6gre() {
    let g = GreSpec {
        remote: Some("2001:db8::2".parse().unwrap()),
        ..GreSpec::default()
    };
    assert_eq!(LinkKind::Gre(g).kind_name(), "ip6gre");
    assert_eq!(LinkKind::Gretap(g).kind_name(), "ip6gretap");
    let mixed = GreSpec {
        local: Some("192.0.2.1".parse().unwrap()),
        ..g
    };
    assert!(matches!(
        LinkSpec::new("g2", LinkKind::Gre(mixed)).add_request(&mut [0; 256]),
        Err(SpecError::Invalid(_))
    ));
}

#[test]
fn veth_peer_is_a_nested_ifinfomsg() {
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[96, 0, 0, 0][..], &[16, 0], &[0x00, 0x06], &[0; 8],
        &IFINFO_ZERO,
        &[7, 0, 3, 0], b"va\0", &[0],           // IFLA_IFNAME
        &[8, 0, 10, 0], &[9, 0, 0, 0],          // IFLA_MASTER = 9
        &[48, 0, 18, 0x80],                     // IFLA_LINKINFO
        &[9, 0, 1, 0], b"veth\0", &[0, 0, 0],   //   IFLA_INFO_KIND
        &[32, 0, 2, 0x80],                      //   IFLA_INFO_DATA
        &[28, 0, 1, 0],                         //     VETH_INFO_PEER (no NESTED flag: ifinfomsg first)
        &IFINFO_ZERO,                           //       ifinfomsg
        &[7, 0, 3, 0], b"vb\0", &[0],           //       IFLA_IFNAME "vb"
    ].concat();
    let mut spec = LinkSpec::new("va", LinkKind::veth("vb"));
    spec.settings.master = Some(Master::Set(9));
    assert_eq!(built(|b| spec.add_request(b)), want);
}

#[test]
fn link_set_by_index_and_del_by_name() {
    let mut change = LinkChange::new(7u32);
    change.settings.up = Some(true);
    change.settings.mtu = Some(1400);
    change.settings.master = Some(Master::None);
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[48, 0, 0, 0][..], &[16, 0], &[0, 0], &[0; 8], // RTM_NEWLINK, no create flags
        &[0, 0], &[0, 0],                       // family, type
        &[7, 0, 0, 0],                          // ifi_index = 7
        &[1, 0, 0, 0],                          // ifi_flags = IFF_UP
        &[1, 0, 0, 0],                          // ifi_change = IFF_UP
        &[8, 0, 4, 0], &[0x78, 0x05, 0, 0],     // IFLA_MTU = 1400
        &[8, 0, 10, 0], &[0, 0, 0, 0],          // IFLA_MASTER = 0 (nomaster)
    ].concat();
    assert_eq!(built(|b| change.request(b)), want);

    let mut moved = LinkChange::new(7u32);
    moved.settings.netns = Some(ipdb::spec::Netns::Pid(4242));
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[40, 0, 0, 0][..], &[16, 0], &[0, 0], &[0; 8],
        &[0, 0, 0, 0], &[7, 0, 0, 0], &[0; 8],  // ifinfomsg, index 7
        &[8, 0, 19, 0], &[0x92, 0x10, 0, 0],    // IFLA_NET_NS_PID = 4242
    ].concat();
    assert_eq!(built(|b| moved.request(b)), want);

    #[rustfmt::skip]
    let del: Vec<u8> = [
        &[44, 0, 0, 0][..], &[17, 0], &[0, 0], &[0; 8], // RTM_DELLINK
        &IFINFO_ZERO,                           // index 0: by name
        &[9, 0, 3, 0], b"eth9\0", &[0, 0, 0],   // IFLA_IFNAME
    ].concat();
    assert_eq!(built(|b| LinkId::from("eth9").del_request(b)), del);
}

#[test]
fn address_v4_with_broadcast_label_and_flags() {
    let mut spec = AddressSpec::new(3, "10.1.0.1/24".parse().unwrap()).with_broadcast();
    spec.label = Some("va:x".into());
    spec.flags = 0x200 | 0x100; // IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[68, 0, 0, 0][..], &[20, 0], &[0x00, 0x06], &[0; 8], // RTM_NEWADDR, create|excl
        &[2, 24, 0, 0],                         // ifa_family AF_INET, prefixlen 24, flags (low 8 bits: 0), scope universe
        &[3, 0, 0, 0],                          // ifa_index = 3
        &[8, 0, 1, 0], &[10, 1, 0, 1],          // IFA_ADDRESS
        &[8, 0, 2, 0], &[10, 1, 0, 1],          // IFA_LOCAL
        &[9, 0, 3, 0], b"va:x\0", &[0, 0, 0],   // IFA_LABEL
        &[8, 0, 4, 0], &[10, 1, 0, 255],        // IFA_BROADCAST
        &[8, 0, 8, 0], &[0x00, 0x03, 0, 0],     // IFA_FLAGS = 0x300
    ].concat();
    assert_eq!(built(|b| spec.request(Verb::Add, b)), want);
}

#[test]
fn route_table_above_255_with_metrics_and_multipath() {
    let mut spec = RouteSpec::new("10.7.0.0/16".parse().unwrap());
    spec.table = Some(1000);
    spec.metrics = RouteMetrics {
        mtu: Some(1300),
        ..RouteMetrics::default()
    };
    spec.multipath = vec![
        NexthopSpec {
            gateway: Some("10.1.0.253".parse().unwrap()),
            weight: 2,
            ..NexthopSpec::default()
        },
        NexthopSpec {
            oif: Some(4),
            ..NexthopSpec::default()
        },
    ];
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[84, 0, 0, 0][..], &[24, 0], &[0x00, 0x06], &[0; 8], // RTM_NEWROUTE, create|excl
        &[2, 16, 0, 0],                         // rtm_family AF_INET, dst_len 16, src_len, tos
        &[0],                                   // rtm_table: RT_TABLE_UNSPEC (1000 > 255)
        &[3],                                   // rtm_protocol RTPROT_BOOT
        &[0],                                   // rtm_scope universe (has next hops)
        &[1],                                   // rtm_type RTN_UNICAST
        &[0, 0, 0, 0],                          // rtm_flags
        &[8, 0, 1, 0], &[10, 7, 0, 0],          // RTA_DST
        &[8, 0, 15, 0], &[0xe8, 0x03, 0, 0],    // RTA_TABLE = 1000
        &[12, 0, 8, 0x80],                      // RTA_METRICS | NESTED
        &[8, 0, 2, 0], &[0x14, 0x05, 0, 0],     //   RTAX_MTU = 1300
        &[28, 0, 9, 0],                         // RTA_MULTIPATH
        &[16, 0], &[0], &[1], &[0, 0, 0, 0],    //   rtnexthop: len 16, flags, hops = weight-1, ifindex 0
        &[8, 0, 5, 0], &[10, 1, 0, 253],        //     RTA_GATEWAY
        &[8, 0], &[0], &[0], &[4, 0, 0, 0],     //   rtnexthop: len 8, weight 1, ifindex 4
    ].concat();
    assert_eq!(built(|b| spec.request(Verb::Add, b)), want);

    // Delete: wildcards (protocol 0, scope NOWHERE, type 0), no create flags.
    let del = built(|b| spec.request(Verb::Del, b));
    assert_eq!(&del[4..6], &[25, 0]); // RTM_DELROUTE
    assert_eq!(&del[6..8], &[0, 0]);
    assert_eq!(&del[16 + 4..16 + 8], &[0, 0, 255, 0]); // table, protocol, scope, type
}

#[test]
fn route_get_v4() {
    let q = RouteQuery {
        mark: Some(0x42),
        ..RouteQuery::to("198.51.100.1".parse().unwrap())
    };
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[44, 0, 0, 0][..], &[26, 0], &[0, 0], &[0; 8], // RTM_GETROUTE, not a dump
        &[2, 32, 0, 0, 0, 0, 0, 0],             // AF_INET, dst_len 32, rest zero
        &[0, 0x10, 0, 0],                       // rtm_flags RTM_F_LOOKUP_TABLE (0x1000)
        &[8, 0, 1, 0], &[198, 51, 100, 1],      // RTA_DST
        &[8, 0, 16, 0], &[0x42, 0, 0, 0],       // RTA_MARK
    ].concat();
    assert_eq!(built(|b| q.request(b)), want);
}

#[test]
fn neighbour_permanent() {
    let spec = NeighbourSpec::ip(3, "10.1.0.77".parse().unwrap(), Some([2, 0, 0, 0, 0, 0x77]));
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[48, 0, 0, 0][..], &[28, 0], &[0x00, 0x06], &[0; 8], // RTM_NEWNEIGH
        &[2, 0, 0, 0],                          // ndm_family AF_INET, pads
        &[3, 0, 0, 0],                          // ndm_ifindex
        &[0x80, 0],                             // ndm_state NUD_PERMANENT
        &[0], &[0],                             // ndm_flags, ndm_type
        &[8, 0, 1, 0], &[10, 1, 0, 77],         // NDA_DST
        &[10, 0, 2, 0], &[2, 0, 0, 0, 0, 0x77], &[0, 0], // NDA_LLADDR
    ].concat();
    assert_eq!(built(|b| spec.request(Verb::Add, b)), want);
}

#[test]
fn rule_goto_and_lookup() {
    let goto = RuleSpec {
        priority: Some(500),
        goto: Some(600),
        ..RuleSpec::default()
    };
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[44, 0, 0, 0][..], &[32, 0], &[0x00, 0x06], &[0; 8], // RTM_NEWRULE
        &[2, 0, 0, 0],                          // family AF_INET, dst_len, src_len, tos
        &[0, 0, 0],                             // table, res1, res2
        &[2],                                   // action FR_ACT_GOTO
        &[0, 0, 0, 0],                          // flags
        &[8, 0, 4, 0], &[0x58, 0x02, 0, 0],     // FRA_GOTO = 600
        &[8, 0, 6, 0], &[0xf4, 0x01, 0, 0],     // FRA_PRIORITY = 500
    ].concat();
    assert_eq!(built(|b| goto.request(Verb::Add, b)), want);

    let lookup = RuleSpec {
        from: Some("10.0.0.0/8".parse().unwrap()),
        table: Some(100_000),
        ..RuleSpec::default()
    };
    #[rustfmt::skip]
    let want: Vec<u8> = [
        &[44, 0, 0, 0][..], &[32, 0], &[0x00, 0x06], &[0; 8],
        &[2, 0, 8, 0],                          // AF_INET, dst_len 0, src_len 8, tos
        &[0, 0, 0],                             // table: 0, the id is in FRA_TABLE
        &[1],                                   // FR_ACT_TO_TBL
        &[0, 0, 0, 0],
        &[8, 0, 2, 0], &[10, 0, 0, 0],          // FRA_SRC
        &[8, 0, 15, 0], &[0xa0, 0x86, 0x01, 0], // FRA_TABLE = 100000
    ].concat();
    assert_eq!(built(|b| lookup.request(Verb::Add, b)), want);
}

#[test]
fn refusals_before_sending() {
    let mut buf = [0u8; 256];
    let bad = |r: Result<&mut [u8], SpecError>| match r {
        Err(SpecError::Invalid(why)) => why,
        other => panic!("expected Invalid, got {other:?}"),
    };
    assert!(bad(LinkSpec::new("", LinkKind::Ifb).add_request(&mut buf)).starts_with("name:"));
    let vlan0 = LinkKind::Vlan {
        link: 1,
        id: 0,
        protocol: None,
    };
    assert!(bad(LinkSpec::new("v0", vlan0).add_request(&mut buf)).starts_with("vlan id:"));
    let tun = LinkKind::Tun(Default::default());
    assert!(bad(LinkSpec::new("t0", tun).add_request(&mut buf)).starts_with("kind:"));
    let mut rename = LinkChange::new("eth0");
    rename.rename = Some("eth1".into());
    assert!(bad(rename.request(&mut buf)).starts_with("rename:"));
    let mut big = RouteSpec::new("10.0.0.0/8".parse().unwrap());
    big.multipath = vec![NexthopSpec {
        weight: 257,
        ..NexthopSpec::default()
    }];
    assert!(bad(big.request(Verb::Add, &mut buf)).starts_with("nexthop weight:"));
    assert!(bad(RouteQuery::default().request(&mut buf)).starts_with("dst:"));
    // A buffer too small is a wire error, not a panic.
    let mut tiny = [0u8; 20];
    assert!(matches!(
        LinkSpec::new("d0", LinkKind::Dummy).add_request(&mut tiny),
        Err(SpecError::Wire(_))
    ));
}
