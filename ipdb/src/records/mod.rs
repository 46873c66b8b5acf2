//! Owned records: what [`IpRoute`](crate::IpRoute) dumps return.
//!
//! Each record is built from the corresponding `ipdb_core::wire` repr (the
//! one decoder), copying out what a program keeps: addresses become
//! [`ip`](crate::ip) types, names become `String`s, kernel enums stay as the
//! kernel's numbers under the kernel's names (`RTN_*`, `RTPROT_*`,
//! `NUD_*`...), so that nothing the kernel says is lost in translation.
//! One file per kind of object.

mod address;
mod link;
mod neighbour;
mod nexthop;
mod route;
mod rule;

pub use address::Address;
pub use link::{Link, LinkData};
pub use neighbour::Neighbour;
pub use nexthop::{Nexthop, NexthopMember};
pub use route::{Route, RouteHop};
pub use rule::Rule;

pub use ipdb_core::wire::address::IfaCacheinfo;
pub use ipdb_core::wire::link::{LinkStats64, OperState};
pub use ipdb_core::wire::link_info::{
    BondInfo, BridgeInfo, GreInfo, MacvlanInfo, TunInfo, VlanInfo, VxlanInfo,
};
pub use ipdb_core::wire::neighbour::NdaCacheinfo;
pub use ipdb_core::wire::route::RouteMetrics;
pub use ipdb_core::wire::rule::{PortRange, UidRange};
pub use ipdb_core::wire::HwAddr;

use std::net::IpAddr;

use ipdb_core::ip::{IpAddress, IpNetwork, Ipv4Address, Ipv6Address, Network};
use ipdb_core::wire::uapi::{AF_INET, AF_INET6};
use ipdb_core::wire::Name;

/// A kernel name as text (bytes that are not UTF-8 are replaced).
pub(crate) fn text<const N: usize>(n: &Name<N>) -> String {
    String::from_utf8_lossy(n.as_bytes()).into_owned()
}

/// A wire address as an [`IpAddress`].
pub(crate) fn ip(a: IpAddr) -> IpAddress {
    IpAddress::from(a)
}

/// The prefix `addr/len` of a message of `family`; a missing address is the
/// family's all-zeros address (how the kernel sends a zero-length prefix).
/// `None` for a family that is not IPv4/IPv6 or a length too long for it.
///
/// The kernel stores prefixes with host bits cleared; should a message ever
/// carry host bits, they are cleared here too rather than dropping the
/// prefix (the length is what the kernel matches on).
pub fn prefix(family: u8, addr: Option<IpAddr>, len: u8) -> Option<IpNetwork> {
    match (family, addr) {
        (AF_INET, None) => net(Ipv4Address::from_u32(0), len),
        (AF_INET6, None) => net(Ipv6Address::from_u128(0), len),
        (_, Some(IpAddr::V4(a))) => net(Ipv4Address::from(a), len),
        (_, Some(IpAddr::V6(a))) => net(Ipv6Address::from(a), len),
        _ => None,
    }
}

fn net<A>(a: A, len: u8) -> Option<IpNetwork>
where
    A: ipdb_core::ip::Address,
    IpNetwork: From<Network<A>>,
{
    Network::new(a, len)
        .or_else(|_| Network::new_truncate(a, len))
        .ok()
        .map(IpNetwork::from)
}
