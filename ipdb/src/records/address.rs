//! [`Address`]: an IPv4 or IPv6 address on an interface.

use ipdb_core::ip::{Interface, IpAddress, IpInterface};
use ipdb_core::wire::address::{AddressRepr, IfaCacheinfo};

use super::{ip, text};

/// An interface address, as `RTM_NEWADDR` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// `ifa_index`: the link it is on.
    pub index: u32,
    /// `ifa_family`: `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// `ifa_prefixlen`.
    pub prefixlen: u8,
    /// `ifa_scope`: `RT_SCOPE_*` (0 global, 253 link, 254 host).
    pub scope: u8,
    /// All `IFA_F_*` flags (from `IFA_FLAGS` when present).
    pub flags: u32,
    /// The interface's own address: `IFA_LOCAL`, else `IFA_ADDRESS`.
    pub local: Option<IpAddress>,
    /// `IFA_ADDRESS`: the prefix address; the peer on point-to-point links
    /// (then it differs from `local`).
    pub address: Option<IpAddress>,
    /// `IFA_LABEL` (IPv4 only): "eth0", "eth0:1".
    pub label: Option<String>,
    /// `IFA_BROADCAST`.
    pub broadcast: Option<IpAddress>,
    /// `IFA_ANYCAST`.
    pub anycast: Option<IpAddress>,
    /// `IFA_CACHEINFO`: lifetimes (seconds, `u32::MAX` = forever) and stamps.
    pub cacheinfo: Option<IfaCacheinfo>,
    /// `IFA_RT_PRIORITY`: metric of the prefix route.
    pub rt_priority: Option<u32>,
    /// `IFA_PROTO`: who added the address (`IFAPROT_*`).
    pub proto: Option<u8>,
}

impl From<&AddressRepr> for Address {
    fn from(r: &AddressRepr) -> Address {
        let a = &r.attrs;
        Address {
            index: r.header.index,
            family: r.header.family,
            prefixlen: r.header.prefix_len,
            scope: r.header.scope,
            flags: r.flags(),
            local: r.local().map(ip),
            address: a.address.map(ip),
            label: a.label.as_ref().map(text),
            broadcast: a.broadcast.map(ip),
            anycast: a.anycast.map(ip),
            cacheinfo: a.cacheinfo,
            rt_priority: a.rt_priority,
            proto: a.proto,
        }
    }
}

impl Address {
    /// The address with its prefix length (`local/prefixlen`), when the
    /// length fits the family.
    pub fn interface(&self) -> Option<IpInterface> {
        match self.local? {
            IpAddress::V4(a) => Interface::new(a, self.prefixlen).ok().map(IpInterface::V4),
            IpAddress::V6(a) => Interface::new(a, self.prefixlen).ok().map(IpInterface::V6),
        }
    }

    /// The peer of a point-to-point address (`IFA_ADDRESS` differing from
    /// `IFA_LOCAL`).
    pub fn peer(&self) -> Option<IpAddress> {
        self.address.filter(|a| Some(*a) != self.local)
    }
}
