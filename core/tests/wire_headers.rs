//! The fixed family headers in the four shapes (read fields, write fields,
//! parse, emit), on the first message of each real kernel dump.

#[path = "fixtures/mod.rs"]
mod fixtures;

use ipdb_core::wire::address::*;
use ipdb_core::wire::link::*;
use ipdb_core::wire::neighbour::*;
use ipdb_core::wire::nexthop::*;
use ipdb_core::wire::route::*;
use ipdb_core::wire::rule::*;
use ipdb_core::wire::uapi::*;

/// Checks one header: the fixture holds `bytes` right after its first
/// nlmsghdr; getters read `fields`; setters and `emit` rebuild `bytes`;
/// `parse` gives `repr`.
macro_rules! header_case {
    ($fixture:literal, $buf:ident, $rty:ident, $repr:expr, $bytes:expr, { $($get:ident / $set:ident = $val:expr),* $(,)? }) => {{
        let bytes: &[u8] = &$bytes;
        let data = fixtures::load($fixture);
        assert_eq!(&data[16..16 + bytes.len()], bytes, "fixture");
        // read fields
        let view = $buf::new_checked(bytes).unwrap();
        $( assert_eq!(view.$get(), $val, stringify!($get)); )*
        // write fields
        let mut out = vec![0u8; bytes.len()];
        let mut w = $buf::new_unchecked(&mut out[..]);
        $( w.$set($val); )*
        assert_eq!(out, bytes);
        // parse
        let repr: $rty = $repr;
        assert_eq!($rty::parse(&view), repr);
        // emit
        let mut out = vec![0u8; bytes.len()];
        repr.emit(&mut $buf::new_unchecked(&mut out[..]));
        assert_eq!(out, bytes);
        assert_eq!(repr.buffer_len(), bytes.len());
        // short buffers are refused
        assert!($buf::new_checked(&bytes[..bytes.len() - 1]).is_err());
    }};
}

#[test]
fn ifinfomsg() {
    header_case!("link_dump", IfInfoMsgBuf, IfInfoHeader,
        IfInfoHeader { family: 0, link_type: ARPHRD_LOOPBACK, index: 1,
                       flags: IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP, change: 0 },
        [
            0x00, 0x00, // ifi_family AF_UNSPEC, pad
            0x04, 0x03, // ifi_type ARPHRD_LOOPBACK (772)
            0x01, 0x00, 0x00, 0x00, // ifi_index 1 (lo)
            0x49, 0x00, 0x01, 0x00, // ifi_flags UP | LOOPBACK | RUNNING | LOWER_UP
            0x00, 0x00, 0x00, 0x00, // ifi_change
        ],
        { family / set_family = 0, link_type / set_link_type = ARPHRD_LOOPBACK, index / set_index = 1,
          flags / set_flags = 0x10049, change / set_change = 0 });
}

#[test]
fn ifaddrmsg() {
    header_case!("addr_dump", IfAddrMsgBuf, IfAddrHeader,
        IfAddrHeader { family: AF_INET, prefix_len: 8, flags: IFA_F_PERMANENT as u8, scope: RT_SCOPE_HOST, index: 1 },
        [
            0x02, // ifa_family AF_INET
            0x08, // ifa_prefixlen 8 (127.0.0.1/8)
            0x80, // ifa_flags IFA_F_PERMANENT
            0xfe, // ifa_scope RT_SCOPE_HOST
            0x01, 0x00, 0x00, 0x00, // ifa_index 1
        ],
        { family / set_family = AF_INET, prefix_len / set_prefix_len = 8, flags / set_flags = 0x80,
          scope / set_scope = RT_SCOPE_HOST, index / set_index = 1 });
}

#[test]
fn rtmsg() {
    header_case!("route4_dump", RtMsgBuf, RtHeader,
        RtHeader { family: AF_INET, dst_len: 16, src_len: 0, tos: 0, table: RT_TABLE_COMPAT as u8,
                   protocol: RTPROT_BOOT, scope: RT_SCOPE_UNIVERSE, route_type: RTN_BLACKHOLE, flags: 0 },
        [
            0x02, // rtm_family AF_INET
            0x10, // rtm_dst_len 16 (10.99.0.0/16)
            0x00, // rtm_src_len
            0x00, // rtm_tos
            0xfc, // rtm_table RT_TABLE_COMPAT: the id (1000) is in RTA_TABLE
            0x03, // rtm_protocol RTPROT_BOOT
            0x00, // rtm_scope RT_SCOPE_UNIVERSE
            0x06, // rtm_type RTN_BLACKHOLE
            0x00, 0x00, 0x00, 0x00, // rtm_flags
        ],
        { family / set_family = AF_INET, dst_len / set_dst_len = 16, table / set_table = 252,
          protocol / set_protocol = RTPROT_BOOT, route_type / set_route_type = RTN_BLACKHOLE, flags / set_flags = 0 });
}

#[test]
fn ndmsg() {
    header_case!("neigh_dump", NdMsgBuf, NdHeader,
        NdHeader { family: AF_INET, ifindex: 3, state: NUD_REACHABLE, flags: 0, ntype: RTN_UNICAST },
        [
            0x02, 0x00, 0x00, 0x00, // ndm_family AF_INET, pad1, pad2
            0x03, 0x00, 0x00, 0x00, // ndm_ifindex 3 (v0)
            0x02, 0x00, // ndm_state NUD_REACHABLE (10.0.0.3)
            0x00, // ndm_flags
            0x01, // ndm_type RTN_UNICAST
        ],
        { family / set_family = AF_INET, ifindex / set_ifindex = 3, state / set_state = NUD_REACHABLE,
          flags / set_flags = 0, ntype / set_ntype = RTN_UNICAST });
}

#[test]
fn fib_rule_hdr() {
    header_case!("rule_dump", FibRuleMsgBuf, FibRuleHeader,
        FibRuleHeader { family: AF_INET, table: RT_TABLE_LOCAL as u8, action: FR_ACT_TO_TBL, ..FibRuleHeader::default() },
        [
            0x02, // family AF_INET
            0x00, // dst_len
            0x00, // src_len
            0x00, // tos
            0xff, // table RT_TABLE_LOCAL (the priority 0 rule)
            0x00, 0x00, // res1, res2
            0x01, // action FR_ACT_TO_TBL
            0x00, 0x00, 0x00, 0x00, // flags
        ],
        { family / set_family = AF_INET, table / set_table = 255, action / set_action = FR_ACT_TO_TBL });
}

#[test]
fn nhmsg() {
    header_case!("nexthop_dump", NhMsgBuf, NhHeader,
        NhHeader { family: AF_INET, scope: RT_SCOPE_LINK, protocol: 0, flags: 0 },
        [
            0x02, // nh_family AF_INET (id 1 via 10.0.0.2)
            0xfd, // nh_scope RT_SCOPE_LINK
            0x00, // nh_protocol
            0x00, // resvd
            0x00, 0x00, 0x00, 0x00, // nh_flags
        ],
        { family / set_family = AF_INET, scope / set_scope = RT_SCOPE_LINK, protocol / set_protocol = 0,
          flags / set_flags = 0 });
}
