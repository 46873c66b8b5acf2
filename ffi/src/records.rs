//! The database's records as plain-old-data C structs: links, addresses,
//! routes (and their hops), neighbours, rules.
//!
//! Each struct is a copy the caller owns (fixed size, no pointers), made
//! from the Rust record in one place (`From<&Record>`), so snapshots,
//! lookups and events share one conversion. Kernel numbers keep the
//! kernel's meaning and names (`AF_*`, `IFF_*`, `RTN_*`, `RTPROT_*`,
//! `NUD_*`...); an absent address is an `ipdb_addr` with `family` 0, an
//! absent prefix an `ipdb_net` whose `addr.family` is 0, an absent index 0.

use std::ffi::c_char;

use ipdb::ip::{IpAddress, IpNetwork};
use ipdb::records::{prefix, Address, HwAddr, Link, Neighbour, Route, RouteHop, Rule};
use ipdb::RouteRepr;

use crate::types::{ipdb_addr, ipdb_ip, ipdb_net, CValue};

/// Size of the name fields (`IFNAMSIZ`): up to 15 bytes and a NUL.
pub const IPDB_NAME_SIZE: usize = 16;
/// Size of the link-layer address fields (`MAX_ADDR_LEN`).
pub const IPDB_HWADDR_SIZE: usize = 32;

/// A network interface (`ip link`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_link {
    /// `ifi_index`.
    pub index: u32,
    /// `ifi_flags`: `IFF_*` (`IFF_UP` 0x1, `IFF_LOWER_UP` 0x10000...).
    pub flags: u32,
    /// `IFLA_MTU`; 0 when the kernel did not say.
    pub mtu: u32,
    /// `IFLA_MASTER`: index of the bridge/bond/VRF this link is a port of; 0 none.
    pub master: u32,
    /// `IFLA_LINK`: index of the parent link (or a veth's peer, possibly in
    /// another namespace); 0 none.
    pub link: u32,
    /// `IFLA_TXQLEN`; 0 when the kernel did not say.
    pub txqlen: u32,
    /// `ifi_type`: `ARPHRD_*` (1 Ethernet, 772 loopback...).
    pub link_type: u16,
    /// `IFLA_OPERSTATE`: `IF_OPER_*` (0 unknown, 2 down, 6 up...).
    pub operstate: u8,
    /// Bytes used in `mac`; 0 when the link has no link-layer address.
    pub mac_len: u8,
    /// `IFLA_ADDRESS`: the link-layer address, `mac_len` bytes.
    pub mac: [u8; IPDB_HWADDR_SIZE],
    /// `IFLA_IFNAME`, NUL-terminated.
    pub name: [c_char; IPDB_NAME_SIZE],
    /// `IFLA_INFO_KIND` ("veth", "bridge", "dummy"...), NUL-terminated;
    /// empty for links without one (loopback, physical NICs).
    pub kind: [c_char; IPDB_NAME_SIZE],
}

/// An interface address (`ip address`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_address {
    /// `ifa_index`: the link it is on.
    pub index: u32,
    /// `IFA_F_*` flags.
    pub flags: u32,
    /// `ifa_family`: `AF_INET` (2) or `AF_INET6` (10).
    pub family: u8,
    /// `ifa_prefixlen`.
    pub prefixlen: u8,
    /// `ifa_scope`: `RT_SCOPE_*` (0 global, 253 link, 254 host).
    pub scope: u8,
    /// The interface's own address (`IFA_LOCAL`, else `IFA_ADDRESS`).
    pub local: ipdb_addr,
    /// The peer of a point-to-point address; family 0 when there is none.
    pub peer: ipdb_addr,
    /// `IFA_BROADCAST`; family 0 when absent.
    pub broadcast: ipdb_addr,
    /// `IFA_LABEL` (IPv4), NUL-terminated; empty when absent.
    pub label: [c_char; IPDB_NAME_SIZE],
}

/// A route (`ip route`), any table. The hops of a multipath route come
/// from `ipdb_snapshot_route_hops`.
///
/// Its addresses are `ipdb_ip` values, without scope ids: the kernel keeps
/// none in a route (a link-local gateway's link is `oif`). Turn one into
/// an `ipdb_addr` with `ipdb_ip_to_addr`; the destination as an
/// `ipdb_net` is that address with `prefixlen = dst_len`. (A route built
/// by hand on the Rust side with a scope id in its gateway or preferred
/// source gives the address here without it.)
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_route {
    /// Table id (254 main, 255 local, 253 default, any other up to 2^32-1).
    pub table: u32,
    /// `RTA_OIF`: output interface index; 0 none (multipath, blackhole...).
    pub oif: u32,
    /// `RTA_PRIORITY` (the metric); 0 when absent.
    pub priority: u32,
    /// `rtm_flags`: `RTM_F_*` and `RTNH_F_*`.
    pub flags: u32,
    /// `RTA_NH_ID`: the nexthop object used; 0 none.
    pub nh_id: u32,
    /// How many hops a multipath route has (0 for a single-hop route).
    pub nexthops: u32,
    /// `rtm_family`: `AF_INET` (2) or `AF_INET6` (10).
    pub family: u8,
    /// `rtm_protocol`: `RTPROT_*` (2 kernel, 3 boot, 4 static...).
    pub protocol: u8,
    /// `rtm_scope`: `RT_SCOPE_*` (0 universe, 253 link, 254 host).
    pub scope: u8,
    /// `rtm_type`: `RTN_*` (1 unicast, 2 local, 6 blackhole, 7 unreachable...).
    pub route_type: u8,
    /// `rtm_tos`.
    pub tos: u8,
    /// `rtm_dst_len`: the prefix length of `dst` (0 for a default route).
    pub dst_len: u8,
    /// `rtm_src_len`: the prefix length of `src`; 0 when there is none.
    pub src_len: u8,
    /// Destination prefix's address (`dst`/`dst_len`); `0.0.0.0` or `::`
    /// for a default route.
    pub dst: ipdb_ip,
    /// Source prefix's address (IPv6 source routing, `src`/`src_len`);
    /// family 0 when none.
    pub src: ipdb_ip,
    /// `RTA_GATEWAY` (or `RTA_VIA` of the other family); family 0 when none.
    pub gateway: ipdb_ip,
    /// `RTA_PREFSRC`; family 0 when none.
    pub prefsrc: ipdb_ip,
}

/// One hop of a multipath route.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_route_hop {
    /// `rtnh_ifindex`: output interface.
    pub oif: u32,
    /// The weight as `ip route` spells it (1..=256).
    pub weight: u16,
    /// `rtnh_flags`: `RTNH_F_*` (onlink, dead, linkdown...).
    pub flags: u8,
    /// The hop's gateway (`RTA_GATEWAY`, or `RTA_VIA` of the other
    /// family); family 0 when none.
    pub gateway: ipdb_addr,
}

/// A neighbour (ARP/NDP) entry, or a bridge FDB entry (family `AF_BRIDGE`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_neighbour {
    /// `ndm_ifindex`: the link.
    pub index: u32,
    /// `NDA_MASTER`: the bridge of an FDB entry; 0 none.
    pub master: u32,
    /// `ndm_state`: `NUD_*` bits (2 reachable, 4 stale, 128 permanent...).
    pub state: u16,
    /// `NDA_VLAN` (FDB); 0 none.
    pub vlan: u16,
    /// `ndm_family`: `AF_INET` (2), `AF_INET6` (10) or `AF_BRIDGE` (7).
    pub family: u8,
    /// `ndm_flags`: `NTF_*`.
    pub flags: u8,
    /// `ndm_type`: `RTN_*`.
    pub ntype: u8,
    /// Bytes used in `lladdr`; 0 when absent.
    pub lladdr_len: u8,
    /// `NDA_LLADDR`: the link-layer address, `lladdr_len` bytes.
    pub lladdr: [u8; IPDB_HWADDR_SIZE],
    /// `NDA_DST`; family 0 when absent (FDB entries).
    pub dst: ipdb_addr,
}

/// A routing policy rule (`ip rule`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_rule {
    /// `FRA_PRIORITY`.
    pub priority: u32,
    /// The table id.
    pub table: u32,
    /// `FIB_RULE_*` flags (2 invert).
    pub flags: u32,
    /// `FRA_FWMARK`; 0 when absent.
    pub fwmark: u32,
    /// `FRA_FWMASK`; 0 when absent.
    pub fwmask: u32,
    /// `FRA_GOTO`: the priority a goto rule jumps to; 0 when absent.
    pub goto_priority: u32,
    /// `AF_INET` (2) or `AF_INET6` (10).
    pub family: u8,
    /// `FR_ACT_*` (1 to table, 2 goto, 3 nop, 6 blackhole...).
    pub action: u8,
    /// `tos`.
    pub tos: u8,
    /// `FRA_PROTOCOL` (`RTPROT_*`); 0 when absent.
    pub protocol: u8,
    /// Source prefix; `addr.family` 0 when the rule matches every source.
    pub src: ipdb_net,
    /// Destination prefix; `addr.family` 0 when it matches every destination.
    pub dst: ipdb_net,
    /// `FRA_IIFNAME`, NUL-terminated; empty when absent.
    pub iifname: [c_char; IPDB_NAME_SIZE],
    /// `FRA_OIFNAME`, NUL-terminated; empty when absent.
    pub oifname: [c_char; IPDB_NAME_SIZE],
}

/// A kernel name in a fixed C field: at most `IPDB_NAME_SIZE - 1` bytes,
/// cut at a character boundary (kernel names are never longer; kinds and
/// labels could be), always NUL-terminated.
fn name(s: Option<&str>) -> [c_char; IPDB_NAME_SIZE] {
    let mut out = [0 as c_char; IPDB_NAME_SIZE];
    let s = s.unwrap_or("");
    let mut end = s.len().min(IPDB_NAME_SIZE - 1);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    for (d, &b) in out.iter_mut().zip(&s.as_bytes()[..end]) {
        *d = b as c_char;
    }
    out
}

fn hwaddr(a: Option<&HwAddr>) -> (u8, [u8; IPDB_HWADDR_SIZE]) {
    let mut out = [0u8; IPDB_HWADDR_SIZE];
    let b = a.map_or(&[][..], HwAddr::as_bytes);
    // HwAddr holds at most MAX_ADDR_LEN (32) bytes.
    out[..b.len()].copy_from_slice(b);
    (b.len() as u8, out)
}

/// An address the kernel sent, or the all-zero "absent" value. Kernel
/// addresses never carry a scope id, so they are always representable.
fn addr(a: Option<IpAddress>) -> ipdb_addr {
    let mut c = ipdb_addr::ZERO;
    fill_value(&mut c, a.as_ref());
    c
}

fn net(n: Option<&IpNetwork>) -> ipdb_net {
    let mut c = ipdb_net::ZERO;
    fill_value(&mut c, n);
    c
}

impl From<&Link> for ipdb_link {
    fn from(l: &Link) -> ipdb_link {
        let (mac_len, mac) = hwaddr(l.address.as_ref());
        ipdb_link {
            index: l.index,
            flags: l.flags,
            mtu: l.mtu.unwrap_or(0),
            master: l.master.unwrap_or(0),
            link: l.link.unwrap_or(0),
            txqlen: l.txqlen.unwrap_or(0),
            link_type: l.link_type,
            operstate: u8::from(l.operstate),
            mac_len,
            mac,
            name: name(Some(&l.name)),
            kind: name(l.kind.as_deref()),
        }
    }
}

impl From<&Address> for ipdb_address {
    fn from(a: &Address) -> ipdb_address {
        ipdb_address {
            index: a.index,
            flags: a.flags,
            family: a.family,
            prefixlen: a.prefixlen,
            scope: a.scope,
            local: addr(a.local),
            peer: addr(a.peer()),
            broadcast: addr(a.broadcast),
            label: name(a.label.as_deref()),
        }
    }
}

impl ipdb_route {
    /// The all-zero route, to fill in place.
    pub(crate) const ZERO: ipdb_route = ipdb_route {
        table: 0,
        oif: 0,
        priority: 0,
        flags: 0,
        nh_id: 0,
        nexthops: 0,
        family: 0,
        protocol: 0,
        scope: 0,
        route_type: 0,
        tos: 0,
        dst_len: 0,
        src_len: 0,
        dst: ipdb_ip::ZERO,
        src: ipdb_ip::ZERO,
        gateway: ipdb_ip::ZERO,
        prefsrc: ipdb_ip::ZERO,
    };

    /// Sets the fields of a zeroed route from `r`, in place: lookups write
    /// straight into the caller's struct, since building this 100-byte
    /// value and moving it costs more than the lookup's own work. Inlined
    /// for the same reason (as a call it was a measurable part of a lookup).
    #[inline]
    pub(crate) fn fill(&mut self, r: &Route) {
        self.table = r.table;
        self.oif = r.oif.unwrap_or(0);
        self.priority = r.priority.unwrap_or(0);
        self.flags = r.flags;
        self.nh_id = r.nh_id.unwrap_or(0);
        self.nexthops = r.multipath.len() as u32;
        self.family = r.family;
        self.protocol = r.protocol;
        self.scope = r.scope;
        self.route_type = r.kind;
        self.tos = r.tos;
        self.dst.fill_net(&mut self.dst_len, &r.dst);
        if let Some(src) = r.src.as_deref() {
            self.src.fill_net(&mut self.src_len, src);
        }
        fill_value(&mut self.gateway, r.gateway.as_ref().or(r.via.as_ref()));
        fill_value(&mut self.prefsrc, r.prefsrc.as_ref());
    }

    /// [`fill`](Self::fill) straight from a stored route's zero-copy view
    /// (what `Route::from_repr` reads, mapped the same way): a lookup
    /// copies these fields out under the read lock instead of building
    /// the 448-byte owned `Route` (boxes and hop list included) and
    /// copying from that, which cost more than the whole C boundary.
    /// The two fills agree on every route (a namespace test compares
    /// them).
    #[inline]
    pub(crate) fn fill_repr(&mut self, r: &RouteRepr<'_>) {
        let (h, a) = (&r.header, &r.attrs);
        self.table = r.table();
        self.oif = a.oif.unwrap_or(0);
        self.priority = a.priority.unwrap_or(0);
        self.flags = h.flags;
        self.nh_id = a.nh_id.unwrap_or(0);
        self.nexthops = r.multipath.iter().flat_map(|m| m.iter()).flatten().count() as u32;
        self.family = h.family;
        self.protocol = h.protocol;
        self.scope = h.scope;
        self.route_type = h.route_type;
        self.tos = h.tos;
        if let Some(dst) = prefix(h.family, a.dst, h.dst_len) {
            self.dst.fill_net(&mut self.dst_len, &dst);
        }
        if let (1.., Some(src)) = (h.src_len, prefix(h.family, a.src, h.src_len)) {
            self.src.fill_net(&mut self.src_len, &src);
        }
        if let Some(g) = a.gateway.or(a.via.map(|v| v.0)) {
            self.gateway.fill(&IpAddress::from(g));
        }
        if let Some(p) = a.prefsrc {
            self.prefsrc.fill(&IpAddress::from(p));
        }
    }
}

/// Sets a zeroed address or prefix field; absent or unrepresentable stays
/// zero.
#[inline]
fn fill_value<C: CValue<R>, R>(out: &mut C, v: Option<&R>) {
    if let Some(v) = v {
        if C::holds(v) {
            out.fill(v);
        }
    }
}

impl From<&Route> for ipdb_route {
    fn from(r: &Route) -> ipdb_route {
        let mut c = ipdb_route::ZERO;
        c.fill(r);
        c
    }
}

impl From<&RouteHop> for ipdb_route_hop {
    fn from(h: &RouteHop) -> ipdb_route_hop {
        ipdb_route_hop {
            oif: h.oif,
            weight: h.weight,
            flags: h.flags,
            gateway: addr(h.gateway.or(h.via)),
        }
    }
}

impl From<&Neighbour> for ipdb_neighbour {
    fn from(n: &Neighbour) -> ipdb_neighbour {
        let (lladdr_len, lladdr) = hwaddr(n.lladdr.as_ref());
        ipdb_neighbour {
            index: n.index,
            master: n.master.unwrap_or(0),
            state: n.state,
            vlan: n.vlan.unwrap_or(0),
            family: n.family,
            flags: n.flags,
            ntype: n.ntype,
            lladdr_len,
            lladdr,
            dst: addr(n.dst),
        }
    }
}

impl From<&Rule> for ipdb_rule {
    fn from(r: &Rule) -> ipdb_rule {
        ipdb_rule {
            priority: r.priority,
            table: r.table,
            flags: r.flags,
            fwmark: r.fwmark.unwrap_or(0),
            fwmask: r.fwmask.unwrap_or(0),
            goto_priority: r.goto.unwrap_or(0),
            family: r.family,
            action: r.action,
            tos: r.tos,
            protocol: r.protocol.unwrap_or(0),
            src: net(r.src.as_ref()),
            dst: net(r.dst.as_ref()),
            iifname: name(r.iifname.as_deref()),
            oifname: name(r.oifname.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_at_a_character_boundary_and_keep_their_nul() {
        let n = name(Some("abcdefghijklmnopqrs"));
        assert_eq!(n[14], b'o' as c_char);
        assert_eq!(n[15], 0);
        // 14 ASCII bytes then a 2-byte character that would end at 16.
        let n = name(Some("abcdefghijklmné"));
        assert_eq!(n[13], b'n' as c_char);
        assert_eq!(n[14], 0);
        assert_eq!(name(None), [0; IPDB_NAME_SIZE]);
    }

    /// A route with every C field set, an IPv6 gateway with a scope id and
    /// a preferred source whose scope id `ipdb_addr` could not hold (a
    /// NUL): `ipdb_route` keeps neither scope id, and both addresses.
    fn full_route() -> Route {
        let ip = |s: &str| s.parse::<IpAddress>().unwrap();
        let nul_scope = ipdb::ip::ScopeId::new("a\0b").unwrap();
        let prefsrc = match ip("fe80::2") {
            IpAddress::V6(a) => IpAddress::V6(a.with_scope(nul_scope)),
            IpAddress::V4(_) => unreachable!(),
        };
        Route {
            family: 10,
            table: 1000,
            dst: "2001:db8::/64".parse().unwrap(),
            src: Some(Box::new("2001:db8:1::/48".parse().unwrap())),
            tos: 4,
            protocol: 4,
            scope: 0,
            kind: 1,
            flags: 0x10,
            gateway: Some(ip("fe80::1%eth0")),
            via: None,
            oif: Some(7),
            iif: None,
            priority: Some(1024),
            prefsrc: Some(prefsrc),
            pref: None,
            realm: None,
            expires: None,
            nh_id: Some(3),
            encap_type: None,
            metrics: None,
            multipath: Vec::new(),
        }
    }

    /// The C value of a route address, read back through `ipdb_ip_to_addr`.
    fn back(ip: &ipdb_ip) -> IpAddress {
        let mut a = std::mem::MaybeUninit::<ipdb_addr>::uninit();
        // SAFETY: a valid `ipdb_ip`, a writable out.
        let rc = unsafe { crate::types::ipdb_ip_to_addr(ip, a.as_mut_ptr()) };
        assert_eq!(rc, crate::status::IPDB_OK);
        // SAFETY: written on IPDB_OK.
        unsafe { a.assume_init() }.check("ip").unwrap()
    }

    #[test]
    fn a_route_fills_every_field_without_scope_ids() {
        let r = full_route();
        let c = ipdb_route::from(&r);
        assert_eq!(
            (c.table, c.oif, c.priority, c.flags, c.nh_id, c.nexthops),
            (1000, 7, 1024, 0x10, 3, 0)
        );
        assert_eq!(
            (c.family, c.protocol, c.scope, c.route_type, c.tos),
            (10, 4, 0, 1, 4)
        );
        assert_eq!((c.dst_len, c.src_len), (64, 48));
        assert_eq!(back(&c.dst), r.dst.network_address());
        assert_eq!(back(&c.src), r.src.unwrap().network_address());
        assert_eq!(back(&c.gateway), "fe80::1".parse().unwrap());
        assert_eq!(back(&c.prefsrc), "fe80::2".parse().unwrap());
        assert_eq!(c.gateway.family, crate::types::IPDB_V6);
        let none = Route {
            family: 2,
            dst: "0.0.0.0/0".parse().unwrap(),
            src: None,
            gateway: None,
            via: Some("192.0.2.1".parse().unwrap()),
            prefsrc: None,
            oif: None,
            priority: None,
            nh_id: None,
            ..full_route()
        };
        let c = ipdb_route::from(&none);
        assert_eq!((c.oif, c.priority, c.nh_id), (0, 0, 0));
        assert_eq!((c.dst.family, c.dst_len), (crate::types::IPDB_V4, 0));
        assert_eq!((c.src, c.src_len), (ipdb_ip::ZERO, 0));
        assert_eq!(c.prefsrc, ipdb_ip::ZERO);
        assert_eq!(back(&c.gateway), "192.0.2.1".parse().unwrap());
        assert_eq!(c.gateway.bytes[4..], [0; 12]);
    }

    /// C callers compare these structs with `memcmp`: the in-place fill of
    /// a lookup must leave no byte of the caller's struct as it was,
    /// padding included.
    #[test]
    fn the_in_place_fill_writes_every_byte() {
        use std::mem::{size_of, MaybeUninit};
        let r = full_route();
        let filled = |junk: u8| {
            let mut m = MaybeUninit::<ipdb_route>::uninit();
            // SAFETY: `m` is writable for one `ipdb_route`; bytes are any
            // `u8` values.
            unsafe {
                m.as_mut_ptr()
                    .cast::<u8>()
                    .write_bytes(junk, size_of::<ipdb_route>())
            };
            let out = crate::boundary::Out::new(m.as_mut_ptr(), "out").unwrap();
            out.init(ipdb_route::ZERO).fill(&r);
            // SAFETY: every byte was set (the junk, then the fill), so
            // reading them as bytes reads initialised memory.
            unsafe {
                std::slice::from_raw_parts(m.as_ptr().cast::<u8>(), size_of::<ipdb_route>())
                    .to_vec()
            }
        };
        assert_eq!(filled(0xaa), filled(0x55));
    }

    #[test]
    fn absent_values_are_zero() {
        assert_eq!(addr(None).family, 0);
        assert_eq!(net(None).addr.family, 0);
        assert_eq!(hwaddr(None), (0, [0; IPDB_HWADDR_SIZE]));
    }
}
