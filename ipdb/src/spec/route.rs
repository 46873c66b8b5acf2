//! Routes (`ip route add|replace|append|del`) and route lookups
//! (`ip route get`).
//!
//! ```
//! use ipdb::spec::{Verb, RouteSpec};
//! let mut spec = RouteSpec::new("10.0.0.0/24".parse().unwrap());
//! spec.gateway = Some("192.0.2.1".parse().unwrap());
//! spec.table = Some(100);
//! assert_eq!(spec.to_string(), "10.0.0.0/24 via 192.0.2.1 table 100");
//! let mut buf = [0u8; 256];
//! assert!(spec.request(Verb::Add, &mut buf).is_ok());
//! ```

use std::fmt;
use std::net::IpAddr;

use ipdb_core::ip::IpNetwork;
use ipdb_core::wire::route::{
    Multipath, NextHop, RouteAttrs, RouteMetrics, RouteRepr, RtHeader, Via,
};
use ipdb_core::wire::{uapi::*, Attrs};

use super::{fmt_table, header_table, prefix, write, Family, SpecError, Verb};

/// `rtm_type`: what kind of route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RouteType {
    /// `RTN_UNICAST`: a gateway or direct route.
    #[default]
    Unicast,
    /// `RTN_LOCAL`: accept locally.
    Local,
    /// `RTN_BROADCAST`.
    Broadcast,
    /// `RTN_ANYCAST`.
    Anycast,
    /// `RTN_MULTICAST`.
    Multicast,
    /// `RTN_BLACKHOLE`: drop silently.
    Blackhole,
    /// `RTN_UNREACHABLE`: drop with ICMP unreachable (`EHOSTUNREACH` locally).
    Unreachable,
    /// `RTN_PROHIBIT`: drop with ICMP prohibited (`EACCES` locally).
    Prohibit,
    /// `RTN_THROW`: continue the rule lookup.
    Throw,
    /// A type value this crate does not name.
    Other(u8),
}

impl RouteType {
    /// The `RTN_*` value.
    pub const fn raw(self) -> u8 {
        match self {
            RouteType::Unicast => RTN_UNICAST,
            RouteType::Local => RTN_LOCAL,
            RouteType::Broadcast => RTN_BROADCAST,
            RouteType::Anycast => RTN_ANYCAST,
            RouteType::Multicast => RTN_MULTICAST,
            RouteType::Blackhole => RTN_BLACKHOLE,
            RouteType::Unreachable => RTN_UNREACHABLE,
            RouteType::Prohibit => RTN_PROHIBIT,
            RouteType::Throw => RTN_THROW,
            RouteType::Other(v) => v,
        }
    }

    /// The type named by an `RTN_*` value.
    pub const fn from_raw(v: u8) -> RouteType {
        match v {
            RTN_UNICAST => RouteType::Unicast,
            RTN_LOCAL => RouteType::Local,
            RTN_BROADCAST => RouteType::Broadcast,
            RTN_ANYCAST => RouteType::Anycast,
            RTN_MULTICAST => RouteType::Multicast,
            RTN_BLACKHOLE => RouteType::Blackhole,
            RTN_UNREACHABLE => RouteType::Unreachable,
            RTN_PROHIBIT => RouteType::Prohibit,
            RTN_THROW => RouteType::Throw,
            v => RouteType::Other(v),
        }
    }

    /// The `ip(8)` word (`None` for [`RouteType::Other`]).
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            RouteType::Unicast => "unicast",
            RouteType::Local => "local",
            RouteType::Broadcast => "broadcast",
            RouteType::Anycast => "anycast",
            RouteType::Multicast => "multicast",
            RouteType::Blackhole => "blackhole",
            RouteType::Unreachable => "unreachable",
            RouteType::Prohibit => "prohibit",
            RouteType::Throw => "throw",
            RouteType::Other(_) => return None,
        })
    }
}

/// One next hop of a multipath route (`nexthop via GW dev IF weight W`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NexthopSpec {
    /// Gateway; of another family than the route it goes as `RTA_VIA`.
    pub gateway: Option<IpAddr>,
    /// Output interface index.
    pub oif: Option<u32>,
    /// Weight, 1..=256 (sent as `rtnh_hops` = weight - 1).
    pub weight: u16,
    /// `RTNH_F_ONLINK`: the gateway is on the link even without a route.
    pub onlink: bool,
}

impl Default for NexthopSpec {
    fn default() -> Self {
        NexthopSpec {
            gateway: None,
            oif: None,
            weight: 1,
            onlink: false,
        }
    }
}

/// A route.
///
/// Unset fields take `ip(8)`'s defaults on add/replace/append (table
/// main, protocol boot, type unicast, scope link for a unicast route with
/// no gateway, host for local routes, universe otherwise) and match
/// anything on delete (except the table, main unless given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    /// Destination prefix (`0.0.0.0/0`, `::/0` for a default route).
    pub dst: IpNetwork,
    /// Source prefix (IPv6 source routing, `from`).
    pub src: Option<IpNetwork>,
    /// Table id (any `u32`; above 255 only `RTA_TABLE` can say it).
    pub table: Option<u32>,
    /// Gateway (`via`); of another family than `dst` it goes as `RTA_VIA`.
    pub gateway: Option<IpAddr>,
    /// Output interface index (`dev`).
    pub oif: Option<u32>,
    /// Metric (`metric`/`priority`).
    pub priority: Option<u32>,
    /// Preferred source address (`src` in `ip route`).
    pub prefsrc: Option<IpAddr>,
    /// `RT_SCOPE_*`.
    pub scope: Option<u8>,
    /// `RTPROT_*` (`proto`).
    pub protocol: Option<u8>,
    /// Route type.
    pub route_type: Option<RouteType>,
    /// TOS to match.
    pub tos: u8,
    /// `RTNH_F_ONLINK` for a single-hop route.
    pub onlink: bool,
    /// `RTA_METRICS` (`mtu`, `advmss`, `initcwnd`, ...); all `None` = none.
    pub metrics: RouteMetrics,
    /// Next hops of a multipath route; empty = single hop.
    pub multipath: Vec<NexthopSpec>,
}

impl RouteSpec {
    /// A route to `dst`, everything else at defaults.
    pub fn new(dst: IpNetwork) -> RouteSpec {
        RouteSpec {
            dst,
            src: None,
            table: None,
            gateway: None,
            oif: None,
            priority: None,
            prefsrc: None,
            scope: None,
            protocol: None,
            route_type: None,
            tos: 0,
            onlink: false,
            metrics: RouteMetrics::default(),
            multipath: Vec::new(),
        }
    }

    /// The route's family (that of `dst`).
    pub fn family(&self) -> Family {
        if self.dst.version() == 4 {
            Family::V4
        } else {
            Family::V6
        }
    }

    fn default_scope(&self) -> u8 {
        match self.route_type.unwrap_or_default() {
            RouteType::Local => RT_SCOPE_HOST,
            RouteType::Broadcast | RouteType::Multicast | RouteType::Anycast => RT_SCOPE_LINK,
            RouteType::Unicast if self.gateway.is_none() && self.multipath.is_empty() => {
                RT_SCOPE_LINK
            }
            _ => RT_SCOPE_UNIVERSE,
        }
    }

    /// The `RTM_NEWROUTE` (or, for [`Verb::Del`], `RTM_DELROUTE`) request,
    /// written into `buf`.
    pub fn request<'b>(&self, op: Verb, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        let kind = op.kind(RTM_NEWROUTE, RTM_DELROUTE);
        self.with_repr(op, |r| write(buf, kind, op.flags(), |b| r.emit(b)))?
    }

    /// Hands the body of the request for `op` (the repr to emit) to `f`.
    pub fn with_repr<R>(
        &self,
        op: Verb,
        f: impl FnOnce(&RouteRepr<'_>) -> R,
    ) -> Result<R, SpecError> {
        let family = self.family();
        let (dst, dst_len) = prefix(&self.dst);
        let src = self.src.as_ref().map(prefix);
        if src.is_some_and(|(a, _)| Family::of(a) != family) {
            return Err(SpecError::Invalid("src: not of the route's family"));
        }
        if self.prefsrc.is_some_and(|a| Family::of(a) != family) {
            return Err(SpecError::Invalid("prefsrc: not of the route's family"));
        }
        let hops = self
            .multipath
            .iter()
            .map(|h| nexthop(h, family))
            .collect::<Result<Vec<_>, _>>()?;
        let table = self.table.unwrap_or(RT_TABLE_MAIN);
        let del = op == Verb::Del;
        let (gateway, via) = split_gateway(self.gateway, family);
        let repr = RouteRepr {
            header: RtHeader {
                family: family.af(),
                dst_len,
                src_len: src.map_or(0, |(_, l)| l),
                tos: self.tos,
                table: header_table(table),
                protocol: self
                    .protocol
                    .unwrap_or(if del { RTPROT_UNSPEC } else { RTPROT_BOOT }),
                scope: self.scope.unwrap_or(if del {
                    RT_SCOPE_NOWHERE
                } else {
                    self.default_scope()
                }),
                route_type: self.route_type.map(RouteType::raw).unwrap_or(if del {
                    RTN_UNSPEC
                } else {
                    RTN_UNICAST
                }),
                flags: if self.onlink {
                    u32::from(RTNH_F_ONLINK)
                } else {
                    0
                },
            },
            attrs: RouteAttrs {
                // A default route has no RTA_DST, as ip(8) sends it.
                dst: (dst_len > 0).then_some(dst),
                src: src.map(|(a, _)| a),
                table: Some(table),
                gateway,
                via,
                oif: self.oif,
                priority: self.priority,
                prefsrc: self.prefsrc,
                ..RouteAttrs::default()
            },
            metrics: (self.metrics != RouteMetrics::default()).then_some(self.metrics),
            multipath: (!hops.is_empty()).then_some(Multipath::Hops(&hops)),
            encap: None,
            bad_attr: None,
        };
        Ok(f(&repr))
    }
}

/// A gateway of the route's family is `RTA_GATEWAY`; of the other, `RTA_VIA`.
fn split_gateway(gw: Option<IpAddr>, family: Family) -> (Option<IpAddr>, Option<Via>) {
    match gw {
        Some(g) if Family::of(g) != family => (None, Some(Via(g))),
        g => (g, None),
    }
}

fn nexthop(h: &NexthopSpec, family: Family) -> Result<NextHop<'static>, SpecError> {
    if !(1..=256).contains(&h.weight) {
        return Err(SpecError::Invalid("nexthop weight: must be 1..=256"));
    }
    let (gateway, via) = split_gateway(h.gateway, family);
    Ok(NextHop {
        flags: if h.onlink { RTNH_F_ONLINK } else { 0 },
        hops: (h.weight - 1) as u8,
        ifindex: h
            .oif
            .map(i32::try_from)
            .transpose()
            .map_err(|_| SpecError::Invalid("nexthop oif: index above 2^31"))?
            .unwrap_or(0),
        gateway,
        via,
        flow: None,
        attrs: Attrs::default(),
    })
}

impl fmt::Display for RouteSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.route_type {
            Some(RouteType::Unicast) | None => {}
            Some(t) => match t.name() {
                Some(n) => write!(f, "{n} ")?,
                None => write!(f, "type {} ", t.raw())?,
            },
        }
        write!(f, "{}", self.dst)?;
        if let Some(s) = &self.src {
            write!(f, " from {s}")?;
        }
        if let Some(g) = self.gateway {
            write!(f, " via {g}")?;
        }
        if let Some(o) = self.oif {
            write!(f, " dev index {o}")?;
        }
        if let Some(t) = self.table {
            fmt_table(f, t)?;
        }
        if let Some(p) = self.priority {
            write!(f, " metric {p}")?;
        }
        if let Some(s) = self.prefsrc {
            write!(f, " src {s}")?;
        }
        for h in &self.multipath {
            f.write_str(" nexthop")?;
            if let Some(g) = h.gateway {
                write!(f, " via {g}")?;
            }
            if let Some(o) = h.oif {
                write!(f, " dev index {o}")?;
            }
            write!(f, " weight {}", h.weight)?;
        }
        Ok(())
    }
}

/// A route lookup (`ip route get DST [from SRC] [iif X] [oif Y] [mark M]`):
/// the kernel answers with the route it would use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteQuery {
    /// Destination address.
    pub dst: Option<IpAddr>,
    /// Source address.
    pub src: Option<IpAddr>,
    /// Pretend the packet came in on this interface (forwarding lookup).
    pub iif: Option<u32>,
    /// Force the output interface.
    pub oif: Option<u32>,
    /// Firewall mark.
    pub mark: Option<u32>,
    /// Answer with the FIB entry that matched (`fibmatch`,
    /// `RTM_F_FIB_MATCH`) instead of the resolved route.
    pub fib_match: bool,
}

impl RouteQuery {
    /// A lookup of `dst`.
    pub fn to(dst: IpAddr) -> RouteQuery {
        RouteQuery {
            dst: Some(dst),
            ..RouteQuery::default()
        }
    }

    /// The `RTM_GETROUTE` request (not a dump), written into `buf`.
    pub fn request<'b>(&self, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        self.with_repr(|r| write(buf, RTM_GETROUTE, 0, |b| r.emit(b)))?
    }

    /// Hands the request body (the repr to emit) to `f`.
    pub fn with_repr<R>(&self, f: impl FnOnce(&RouteRepr<'_>) -> R) -> Result<R, SpecError> {
        let family = match (self.dst, self.src) {
            (Some(a), _) | (None, Some(a)) => Family::of(a),
            (None, None) => return Err(SpecError::Invalid("dst: a route lookup needs an address")),
        };
        if self.src.is_some_and(|s| Family::of(s) != family) {
            return Err(SpecError::Invalid("src: not of the destination's family"));
        }
        let full = |a: Option<IpAddr>| a.map_or(0, |a| if a.is_ipv4() { 32 } else { 128 });
        // IPv4 reports the table the route came from only when asked
        // (main otherwise), as `ip route get` asks; IPv6 always reports it
        // and refuses the flag under strict checking.
        let lookup_table = if family == Family::V4 {
            RTM_F_LOOKUP_TABLE
        } else {
            0
        };
        let repr = RouteRepr {
            header: RtHeader {
                family: family.af(),
                dst_len: full(self.dst),
                src_len: full(self.src),
                flags: lookup_table | if self.fib_match { RTM_F_FIB_MATCH } else { 0 },
                ..RtHeader::default()
            },
            attrs: RouteAttrs {
                dst: self.dst,
                src: self.src,
                iif: self.iif,
                oif: self.oif,
                mark: self.mark,
                ..RouteAttrs::default()
            },
            ..RouteRepr::default()
        };
        Ok(f(&repr))
    }
}

impl fmt::Display for RouteQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(d) = self.dst {
            write!(f, "{d}")?;
            sep = " ";
        }
        if let Some(s) = self.src {
            write!(f, "{sep}from {s}")?;
            sep = " ";
        }
        if let Some(i) = self.iif {
            write!(f, "{sep}iif index {i}")?;
            sep = " ";
        }
        if let Some(o) = self.oif {
            write!(f, "{sep}oif index {o}")?;
            sep = " ";
        }
        if let Some(m) = self.mark {
            write!(f, "{sep}mark {m}")?;
        }
        Ok(())
    }
}
