//! [`Route`]: an IPv4 or IPv6 route in any table.

use ipdb_core::ip::{IpAddress, IpNetwork};
use ipdb_core::wire::route::{NextHop, RouteMetrics, RouteRepr};

use super::{ip, prefix};

/// A route, as `RTM_NEWROUTE` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `rtm_family`: `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// The table id (`RTA_TABLE`, so ids above 255 are right): 254 main,
    /// 255 local, 253 default.
    pub table: u32,
    /// Destination prefix (`RTA_DST`/`rtm_dst_len`); `0.0.0.0/0` or `::/0`
    /// for a default route.
    pub dst: IpNetwork,
    /// Source prefix (`RTA_SRC`/`rtm_src_len`, IPv6 source routing), when
    /// the length is not zero. Boxed, like `metrics`: rare, and a route
    /// list of 100k entries is smaller (and faster to fill) without room
    /// for them inline.
    pub src: Option<Box<IpNetwork>>,
    /// `rtm_tos`.
    pub tos: u8,
    /// `rtm_protocol`: `RTPROT_*` (2 kernel, 3 boot, 4 static, ...).
    pub protocol: u8,
    /// `rtm_scope`: `RT_SCOPE_*` (0 universe, 253 link, 254 host).
    pub scope: u8,
    /// `rtm_type`: `RTN_*` (1 unicast, 2 local, 6 blackhole, 7
    /// unreachable, 8 prohibit, ...).
    pub kind: u8,
    /// `rtm_flags`: `RTM_F_*` and `RTNH_F_*`.
    pub flags: u32,
    /// `RTA_GATEWAY`.
    pub gateway: Option<IpAddress>,
    /// `RTA_VIA`: a gateway of the other family (IPv6 next hop of an IPv4 route).
    pub via: Option<IpAddress>,
    /// `RTA_OIF`: output interface index.
    pub oif: Option<u32>,
    /// `RTA_IIF`: input interface index.
    pub iif: Option<u32>,
    /// `RTA_PRIORITY`: the metric.
    pub priority: Option<u32>,
    /// `RTA_PREFSRC`: preferred source address.
    pub prefsrc: Option<IpAddress>,
    /// `RTA_PREF`: IPv6 router preference (0 medium, 1 high, 3 low).
    pub pref: Option<u8>,
    /// `RTA_FLOW`: realm.
    pub realm: Option<u32>,
    /// `RTA_EXPIRES`: seconds left (IPv6).
    pub expires: Option<u32>,
    /// `RTA_NH_ID`: the nexthop object this route uses.
    pub nh_id: Option<u32>,
    /// `RTA_ENCAP_TYPE`: `LWTUNNEL_ENCAP_*`.
    pub encap_type: Option<u16>,
    /// `RTA_METRICS`: mtu, advmss, window, ... and the lock mask.
    pub metrics: Option<Box<RouteMetrics>>,
    /// `RTA_MULTIPATH`: the hops of a multipath route (empty otherwise).
    pub multipath: Vec<RouteHop>,
}

/// One hop of a multipath route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteHop {
    /// `RTA_GATEWAY` of the hop.
    pub gateway: Option<IpAddress>,
    /// `RTA_VIA` of the hop.
    pub via: Option<IpAddress>,
    /// `rtnh_ifindex`: output interface.
    pub oif: u32,
    /// The weight as `ip route` spells it (`rtnh_hops` + 1).
    pub weight: u16,
    /// `rtnh_flags`: `RTNH_F_*` (onlink, dead, linkdown...).
    pub flags: u8,
    /// `RTA_FLOW` of the hop: realm.
    pub realm: Option<u32>,
}

impl From<&NextHop<'_>> for RouteHop {
    fn from(h: &NextHop<'_>) -> RouteHop {
        RouteHop {
            gateway: h.gateway.map(ip),
            via: h.via.map(|v| ip(v.0)),
            oif: h.ifindex as u32,
            weight: h.weight(),
            flags: h.flags,
            realm: h.flow,
        }
    }
}

impl Route {
    /// The route of a decoded message; `None` for families other than
    /// IPv4/IPv6 (multicast routing caches, MPLS).
    #[inline]
    pub fn from_repr(r: &RouteRepr<'_>) -> Option<Route> {
        let h = &r.header;
        let a = &r.attrs;
        let dst = prefix(h.family, a.dst, h.dst_len)?;
        let src = match h.src_len {
            0 => None,
            n => prefix(h.family, a.src, n).map(Box::new),
        };
        Some(Route {
            family: h.family,
            table: r.table(),
            dst,
            src,
            tos: h.tos,
            protocol: h.protocol,
            scope: h.scope,
            kind: h.route_type,
            flags: h.flags,
            gateway: a.gateway.map(ip),
            via: a.via.map(|v| ip(v.0)),
            oif: a.oif,
            iif: a.iif,
            priority: a.priority,
            prefsrc: a.prefsrc.map(ip),
            pref: a.pref,
            realm: a.flow,
            expires: a.expires,
            nh_id: a.nh_id,
            encap_type: a.encap_type,
            metrics: r.metrics.map(Box::new),
            // The walk was validated when the message was parsed.
            multipath: r
                .multipath
                .iter()
                .flat_map(|m| m.iter())
                .filter_map(Result::ok)
                .map(|h| RouteHop::from(&h))
                .collect(),
        })
    }

    /// Whether this is a default route (prefix length 0).
    pub fn is_default(&self) -> bool {
        self.dst.prefixlen() == 0
    }
}
