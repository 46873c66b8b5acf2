//! Route messages (`RTM_NEWROUTE`/`RTM_DELROUTE`/`RTM_GETROUTE`): `struct
//! rtmsg` plus `RTA_*` attributes, with `RTA_METRICS` (nested `RTAX_*`) and
//! `RTA_MULTIPATH` (an array of `struct rtnexthop`, each with attributes).

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::attr::{align, attr_size, Attrs, RTA_HDRLEN};
use super::builder::MessageBuilder;
use super::error::{Error, ErrorKind};
use super::family::FamilyRepr;
use super::header::fixed_header;
use super::link::validated;
use super::name::Name;
use super::table::{attr_table, walk_family};
use super::uapi::*;
use super::value::{fixed_struct, read_array, AttrValue, Be16};

fixed_header! {
    /// A view of `struct rtmsg`.
    pub struct RtMsgBuf;
    /// `struct rtmsg` as a value.
    pub struct RtHeader (len 12) {
        /// `rtm_family`.
        family / set_family: u8 = 0,
        /// `rtm_dst_len`: destination prefix length.
        dst_len / set_dst_len: u8 = 1,
        /// `rtm_src_len`: source prefix length.
        src_len / set_src_len: u8 = 2,
        /// `rtm_tos`.
        tos / set_tos: u8 = 3,
        /// `rtm_table`: the table id if below 256 (`RT_TABLE_COMPAT` otherwise; see `RTA_TABLE`).
        table / set_table: u8 = 4,
        /// `rtm_protocol`: `RTPROT_*`.
        protocol / set_protocol: u8 = 5,
        /// `rtm_scope`: `RT_SCOPE_*`.
        scope / set_scope: u8 = 6,
        /// `rtm_type`: `RTN_*`.
        route_type / set_route_type: u8 = 7,
        /// `rtm_flags`: `RTM_F_*` and `RTNH_F_*`.
        flags / set_flags: u32 = 8,
    }
}

fixed_struct! {
    /// `struct rta_cacheinfo` (`RTA_CACHEINFO`).
    pub struct RtaCacheinfo (min 32) {
        /// `rta_clntref`.
        clntref: u32,
        /// `rta_lastuse`.
        lastuse: u32,
        /// `rta_expires` (jiffies, may be negative).
        expires: i32,
        /// `rta_error`.
        error: u32,
        /// `rta_used`.
        used: u32,
        /// `rta_id`.
        id: u32,
        /// `rta_ts`.
        ts: u32,
        /// `rta_tsage`.
        tsage: u32,
    }
}

/// `RTA_VIA` (`struct rtvia`): a gateway of another family than the route,
/// e.g. an IPv6 next hop for an IPv4 route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Via(pub IpAddr);

impl AttrValue for Via {
    fn decode(payload: &[u8]) -> Option<Self> {
        let family = read_array(payload, 0).map(u16::from_ne_bytes)?;
        let addr = &payload[2..];
        match family {
            f if f == u16::from(AF_INET) => Ipv4Addr::decode(addr).map(|a| Via(a.into())),
            f if f == u16::from(AF_INET6) => Ipv6Addr::decode(addr).map(|a| Via(a.into())),
            _ => None,
        }
    }
    fn value_len(&self) -> usize {
        2 + self.0.value_len()
    }
    fn encode(&self, out: &mut [u8]) {
        let family = if self.0.is_ipv4() { AF_INET } else { AF_INET6 };
        out[..2].copy_from_slice(&u16::from(family).to_ne_bytes());
        self.0.encode(&mut out[2..]);
    }
}

attr_table! {
    /// The plain-valued `RTA_*` attributes.
    pub struct RouteAttrs {
        /// `RTA_DST`: destination prefix address.
        RTA_DST => dst: IpAddr,
        /// `RTA_SRC`: source prefix address (policy routing).
        RTA_SRC => src: IpAddr,
        /// `RTA_IIF`: input interface index.
        RTA_IIF => iif: u32,
        /// `RTA_OIF`: output interface index.
        RTA_OIF => oif: u32,
        /// `RTA_GATEWAY`.
        RTA_GATEWAY => gateway: IpAddr,
        /// `RTA_PRIORITY`: the metric.
        RTA_PRIORITY => priority: u32,
        /// `RTA_PREFSRC`: preferred source address.
        RTA_PREFSRC => prefsrc: IpAddr,
        /// `RTA_FLOW`: realm.
        RTA_FLOW => flow: u32,
        /// `RTA_CACHEINFO`.
        RTA_CACHEINFO => cacheinfo: RtaCacheinfo,
        /// `RTA_TABLE`: the full table id.
        RTA_TABLE => table: u32,
        /// `RTA_MARK`: firewall mark (route lookups).
        RTA_MARK => mark: u32,
        /// `RTA_VIA`: gateway of another family.
        RTA_VIA => via: Via,
        /// `RTA_PREF`: IPv6 router preference (`ICMPV6_ROUTER_PREF_*`: 0 medium, 1 high, 3 low).
        RTA_PREF => pref: u8,
        /// `RTA_ENCAP_TYPE`: `LWTUNNEL_ENCAP_*`.
        RTA_ENCAP_TYPE => encap_type: u16,
        /// `RTA_EXPIRES`: seconds left (IPv6).
        RTA_EXPIRES => expires: u32,
        /// `RTA_UID`: uid (route lookups).
        RTA_UID => uid: u32,
        /// `RTA_TTL_PROPAGATE`.
        RTA_TTL_PROPAGATE => ttl_propagate: u8,
        /// `RTA_IP_PROTO`: (route lookups).
        RTA_IP_PROTO => ip_proto: u8,
        /// `RTA_SPORT`: source port (route lookups; network order on the wire).
        RTA_SPORT => sport: Be16,
        /// `RTA_DPORT`: destination port (route lookups).
        RTA_DPORT => dport: Be16,
        /// `RTA_NH_ID`: nexthop object id.
        RTA_NH_ID => nh_id: u32,
    }
}

attr_table! {
    /// `RTA_METRICS`: the nested `RTAX_*` route metrics.
    pub struct RouteMetrics {
        /// `RTAX_LOCK`: bit mask of metrics that are locked.
        RTAX_LOCK => lock: u32,
        /// `RTAX_MTU`.
        RTAX_MTU => mtu: u32,
        /// `RTAX_WINDOW`.
        RTAX_WINDOW => window: u32,
        /// `RTAX_RTT`.
        RTAX_RTT => rtt: u32,
        /// `RTAX_RTTVAR`.
        RTAX_RTTVAR => rttvar: u32,
        /// `RTAX_SSTHRESH`.
        RTAX_SSTHRESH => ssthresh: u32,
        /// `RTAX_CWND`.
        RTAX_CWND => cwnd: u32,
        /// `RTAX_ADVMSS`.
        RTAX_ADVMSS => advmss: u32,
        /// `RTAX_REORDERING`.
        RTAX_REORDERING => reordering: u32,
        /// `RTAX_HOPLIMIT`.
        RTAX_HOPLIMIT => hoplimit: u32,
        /// `RTAX_INITCWND`.
        RTAX_INITCWND => initcwnd: u32,
        /// `RTAX_FEATURES`.
        RTAX_FEATURES => features: u32,
        /// `RTAX_RTO_MIN`.
        RTAX_RTO_MIN => rto_min: u32,
        /// `RTAX_INITRWND`.
        RTAX_INITRWND => initrwnd: u32,
        /// `RTAX_QUICKACK`.
        RTAX_QUICKACK => quickack: u32,
        /// `RTAX_CC_ALGO`: congestion control name (`TCP_CA_NAME_MAX` 16).
        RTAX_CC_ALGO => cc_algo: Name<16>,
        /// `RTAX_FASTOPEN_NO_COOKIE`.
        RTAX_FASTOPEN_NO_COOKIE => fastopen_no_cookie: u32,
    }
}

/// Size of `struct rtnexthop`.
pub const RTNH_HDRLEN: usize = 8;

/// One hop of a multipath route (`struct rtnexthop` and its attributes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NextHop<'a> {
    /// `rtnh_flags`: `RTNH_F_*`.
    pub flags: u8,
    /// `rtnh_hops`: the weight minus one (`ip route ... weight 3` sends 2).
    pub hops: u8,
    /// `rtnh_ifindex`: output interface.
    pub ifindex: i32,
    /// `RTA_GATEWAY` inside the hop.
    pub gateway: Option<IpAddr>,
    /// `RTA_VIA` inside the hop.
    pub via: Option<Via>,
    /// `RTA_FLOW` inside the hop.
    pub flow: Option<u32>,
    /// All the hop's attributes, raw (encap and anything newer).
    pub attrs: Attrs<'a>,
}

impl<'a> NextHop<'a> {
    /// The weight as `ip route` shows it (`hops` + 1).
    pub fn weight(&self) -> u16 {
        u16::from(self.hops) + 1
    }

    fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        let (rec, head) = b.begin_sized_header(RTNH_HDRLEN)?;
        head[0] = self.flags;
        head[1] = self.hops;
        head[2..6].copy_from_slice(&self.ifindex.to_ne_bytes());
        if let Some(g) = &self.gateway {
            b.put(RTA_GATEWAY, g)?;
        }
        if let Some(v) = &self.via {
            b.put(RTA_VIA, v)?;
        }
        if let Some(f) = &self.flow {
            b.put(RTA_FLOW, f)?;
        }
        b.end_nested(rec)
    }

    fn buffer_len(&self) -> usize {
        let a = |v: Option<usize>| v.map_or(0, attr_size);
        RTNH_HDRLEN
            + a(self.gateway.map(|g| g.value_len()))
            + a(self.via.map(|v| v.value_len()))
            + a(self.flow.map(|f| f.value_len()))
    }
}

/// `RTA_MULTIPATH`: as received (bytes walked lazily, no allocation) or,
/// for requests, a slice of hops to write.
#[derive(Debug, Clone, Copy)]
pub enum Multipath<'a> {
    /// The attribute's payload and its offset in the message (for errors).
    Raw(&'a [u8], usize),
    /// Hops to write (their `attrs` field is ignored when writing).
    Hops(&'a [NextHop<'a>]),
}

impl<'a> Multipath<'a> {
    /// The hops, one `Result` each; a hop whose length does not fit ends
    /// the walk with an error.
    pub fn iter(&self) -> MultipathIter<'a> {
        match *self {
            Multipath::Raw(data, base) => MultipathIter::Raw { data, base, pos: 0 },
            Multipath::Hops(h) => MultipathIter::Hops(h.iter()),
        }
    }

    /// Number of hops (walks the bytes for `Raw`).
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are no hops.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    pub(crate) fn validate(self) -> Result<Self, Error> {
        self.iter().try_for_each(|h| h.map(|_| ()))?;
        Ok(self)
    }

    fn buffer_len(&self) -> usize {
        match self {
            Multipath::Raw(d, _) => d.len(),
            Multipath::Hops(h) => h.iter().map(NextHop::buffer_len).sum(),
        }
    }

    fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        match self {
            Multipath::Raw(d, _) => b.put_bytes(RTA_MULTIPATH, d),
            Multipath::Hops(hops) => {
                let nest = b.begin_record(RTA_MULTIPATH)?;
                hops.iter().try_for_each(|h| h.emit(b))?;
                b.end_nested(nest)
            }
        }
    }
}

/// Two multipath values are equal when they yield equal hops.
impl PartialEq for Multipath<'_> {
    fn eq(&self, other: &Self) -> bool {
        let strip = |h: Result<NextHop<'_>, Error>| {
            h.map(|h| NextHop {
                attrs: Attrs::default(),
                ..h
            })
        };
        self.iter().map(strip).eq(other.iter().map(strip))
    }
}
impl Eq for Multipath<'_> {}

/// The iterator of [`Multipath::iter`].
#[derive(Debug, Clone)]
pub enum MultipathIter<'a> {
    /// Walking received bytes.
    Raw {
        /// Remaining payload.
        data: &'a [u8],
        /// Offset of `data[0]` in the message.
        base: usize,
        /// Position in `data`.
        pos: usize,
    },
    /// Walking a slice of hops.
    Hops(core::slice::Iter<'a, NextHop<'a>>),
}

impl<'a> Iterator for MultipathIter<'a> {
    type Item = Result<NextHop<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (data, base, pos) = match self {
            MultipathIter::Hops(it) => return it.next().copied().map(Ok),
            MultipathIter::Raw { data, base, pos } => (*data, *base, pos),
        };
        let rest = data.get(*pos..).filter(|r| !r.is_empty())?;
        let at = base + *pos;
        let len = read_array(rest, 0).map(u16::from_ne_bytes).map(usize::from);
        let err = match len {
            _ if rest.len() < RTNH_HDRLEN => Some(ErrorKind::Truncated),
            Some(l) if l < RTNH_HDRLEN => Some(ErrorKind::BadLength),
            Some(l) if l > rest.len() => Some(ErrorKind::Truncated),
            _ => None,
        };
        if let Some(kind) = err {
            *pos = data.len();
            return Some(Err(Error::new(kind, at)));
        }
        let len = len.unwrap_or(RTNH_HDRLEN);
        *pos = pos
            .saturating_add(align(len).unwrap_or(usize::MAX))
            .min(data.len());
        let attrs = Attrs::with_base(&rest[RTNH_HDRLEN..len], at + RTNH_HDRLEN);
        let mut hop = NextHop {
            flags: rest[2],
            hops: rest[3],
            ifindex: read_array(rest, 4).map(i32::from_ne_bytes).unwrap_or(0),
            attrs,
            ..NextHop::default()
        };
        for a in attrs {
            let a = match a {
                Ok(a) => a,
                Err(e) => return Some(Err(e)),
            };
            // A malformed per-hop value is left out; the hop still counts.
            match a.kind() {
                RTA_GATEWAY => hop.gateway = a.get().ok(),
                RTA_VIA => hop.via = a.get().ok(),
                RTA_FLOW => hop.flow = a.get().ok(),
                _ => {}
            }
        }
        Some(Ok(hop))
    }
}

/// A decoded route message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteRepr<'a> {
    /// The fixed header.
    pub header: RtHeader,
    /// The plain-valued attributes.
    pub attrs: RouteAttrs,
    /// `RTA_METRICS`.
    pub metrics: Option<RouteMetrics>,
    /// `RTA_MULTIPATH`.
    pub multipath: Option<Multipath<'a>>,
    /// `RTA_ENCAP`, raw (its layout depends on `RTA_ENCAP_TYPE`).
    pub encap: Option<Attrs<'a>>,
    /// The first known attribute that was malformed and skipped.
    pub bad_attr: Option<Error>,
}

/// The message types that carry a route.
pub const ROUTE_MESSAGES: [u16; 3] = [RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE];

impl<'a> FamilyRepr<'a> for RouteRepr<'a> {
    const MESSAGES: &'static [u16] = &ROUTE_MESSAGES;
    const FIXED_LEN: usize = RtHeader::LEN;

    /// Decodes an `rtmsg` and its attributes into `self` (reset first).
    fn parse_body_into(&mut self, fixed: &'a [u8], attrs: Attrs<'a>) -> Result<(), Error> {
        *self = RouteRepr::default();
        self.header = RtHeader::from_bytes(fixed).map_err(|e| Error::new(e.kind, attrs.base()))?;
        self.bad_attr = walk_family(attrs, &mut self.attrs, |a, bad| {
            match a.kind() {
                RTA_METRICS => self.metrics = Some(RouteMetrics::parse(a.nested(), bad)?),
                RTA_MULTIPATH => {
                    self.multipath =
                        Some(Multipath::Raw(a.payload(), a.offset() + RTA_HDRLEN).validate()?)
                }
                RTA_ENCAP => self.encap = Some(validated(a.nested())?),
                _ => {}
            }
            Ok(())
        })?;
        Ok(())
    }
}

impl RouteRepr<'_> {
    /// Bytes [`RouteRepr::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        RtHeader::LEN
            + self.attrs.buffer_len()
            + self
                .metrics
                .as_ref()
                .map_or(0, |m| attr_size(m.buffer_len()))
            + self
                .multipath
                .as_ref()
                .map_or(0, |m| attr_size(m.buffer_len()))
            + self.encap.map_or(0, |e| attr_size(e.bytes().len()))
    }

    /// Appends the `rtmsg` and the attributes to a message being built.
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        self.header.append(b)?;
        self.attrs.emit(b)?;
        if let Some(m) = &self.metrics {
            let nest = b.begin_nested(RTA_METRICS)?;
            m.emit(b)?;
            b.end_nested(nest)?;
        }
        if let Some(m) = &self.multipath {
            m.emit(b)?;
        }
        if let Some(e) = self.encap {
            b.put_bytes(RTA_ENCAP | NLA_F_NESTED, e.bytes())?;
        }
        Ok(())
    }

    /// The table id: `RTA_TABLE` when present (ids above 255 exist only
    /// there), else the header's.
    pub fn table(&self) -> u32 {
        self.attrs.table.unwrap_or(u32::from(self.header.table))
    }
}
