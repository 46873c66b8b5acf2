//! Values whose IP version is known only at run time: [`IpNetwork`] and
//! [`IpInterface`] (CPython `ip_network()` / `ip_interface()`), and
//! [`MixedKey`] (CPython `get_mixed_type_key`).

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use super::error::{IpError, IpErrorKindLite, TypeError, ValueError};
use super::exclude::AddressExclude;
use super::family::Address;
use super::interface::Interface;
use super::iter::{Addresses, Hosts, Subnets};
use super::network::Network;
use super::{IpAddress, Ipv4Address, Ipv6Address, ScopeId};

/// One of two version-specific values, for what [`IpNetwork`] and
/// [`IpInterface`] hand out (texts, iterators). `Display` and, for the
/// iterators, `Iterator` work whichever version it holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Versioned<T4, T6> {
    /// From an IPv4 value.
    V4(T4),
    /// From an IPv6 value.
    V6(T6),
}

impl<T4: fmt::Display, T6: fmt::Display> fmt::Display for Versioned<T4, T6> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Versioned::V4(t) => t.fmt(f),
            Versioned::V6(t) => t.fmt(f),
        }
    }
}

/// `Iterator` for a `Versioned` pair of iterators, yielding the
/// version-independent item type.
macro_rules! versioned_iter {
    ($($it:ident => $item:ty),*) => {$(
        impl Iterator for Versioned<$it<Ipv4Address>, $it<Ipv6Address>> {
            type Item = $item;
            fn next(&mut self) -> Option<$item> {
                match self {
                    Versioned::V4(i) => i.next().map(Into::into),
                    Versioned::V6(i) => i.next().map(Into::into),
                }
            }
            fn size_hint(&self) -> (usize, Option<usize>) {
                match self {
                    Versioned::V4(i) => i.size_hint(),
                    Versioned::V6(i) => i.size_hint(),
                }
            }
        }
    )*};
}
versioned_iter!(Addresses => IpAddress, Hosts => IpAddress, Subnets => IpNetwork, AddressExclude => IpNetwork);

/// An IPv4 or IPv6 network (CPython `ip_network()`).
///
/// Order puts every IPv4 network before every IPv6 one (CPython refuses to
/// compare across versions; this matches `get_mixed_type_key`).
///
/// ```
/// use ipdb_core::ip::IpNetwork;
/// let n: IpNetwork = "2001:db8::/32".parse().unwrap();
/// assert_eq!(n.version(), 6);
/// let e = "2001:db8::1/32".parse::<IpNetwork>().unwrap_err();
/// assert_eq!(e.python_class(), "ValueError"); // host bits set
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpNetwork {
    /// IPv4.
    V4(Network<Ipv4Address>),
    /// IPv6.
    V6(Network<Ipv6Address>),
}

/// An IPv4 or IPv6 interface (CPython `ip_interface()`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpInterface {
    /// IPv4.
    V4(Interface<Ipv4Address>),
    /// IPv6.
    V6(Interface<Ipv6Address>),
}

impl From<Network<Ipv4Address>> for IpNetwork {
    fn from(n: Network<Ipv4Address>) -> Self {
        IpNetwork::V4(n)
    }
}

impl From<Network<Ipv6Address>> for IpNetwork {
    fn from(n: Network<Ipv6Address>) -> Self {
        IpNetwork::V6(n)
    }
}

impl From<Interface<Ipv4Address>> for IpInterface {
    fn from(n: Interface<Ipv4Address>) -> Self {
        IpInterface::V4(n)
    }
}

impl From<Interface<Ipv6Address>> for IpInterface {
    fn from(n: Interface<Ipv6Address>) -> Self {
        IpInterface::V6(n)
    }
}

/// The reason kept for one version when neither parses.
fn lite(e: IpError) -> Option<IpErrorKindLite> {
    match e {
        IpError::Address(a) => Some(IpErrorKindLite::Address(a.kind)),
        IpError::Netmask(m) => Some(IpErrorKindLite::Netmask(m)),
        _ => None,
    }
}

/// CPython's version-detecting factories: IPv4 first, then IPv6; only
/// address and netmask errors fall through, and when both versions fail
/// the result is a plain `ValueError` keeping both reasons.
fn detect<T4, T6, R>(
    s: &str,
    v4: impl FnOnce(&str) -> Result<T4, IpError>,
    v6: impl FnOnce(&str) -> Result<T6, IpError>,
    wrap4: impl FnOnce(T4) -> R,
    wrap6: impl FnOnce(T6) -> R,
) -> Result<R, IpError> {
    let e4 = match v4(s) {
        Ok(n) => return Ok(wrap4(n)),
        Err(e) => lite(e).ok_or(e)?,
    };
    let e6 = match v6(s) {
        Ok(n) => return Ok(wrap6(n)),
        Err(e) => lite(e).ok_or(e)?,
    };
    Err(IpError::Value(ValueError::NotANetwork { v4: e4, v6: e6 }))
}

/// Apply the same expression to whichever network/interface is inside.
macro_rules! both {
    ($self:expr, $n:ident => $e:expr) => {
        match $self {
            Self::V4($n) => $e,
            Self::V6($n) => $e,
        }
    };
}

/// Same, wrapping the result in [`Versioned`].
macro_rules! versioned {
    ($self:expr, $n:ident => $e:expr) => {
        match $self {
            Self::V4($n) => Versioned::V4($e),
            Self::V6($n) => Versioned::V6($e),
        }
    };
}

fn mixed(left: u8, right: u8) -> IpError {
    IpError::Type(TypeError { left, right })
}

impl IpNetwork {
    /// The common spellings from bytes, as [`Network::parse_common`]:
    /// `Some` only where [`parse`](Self::parse) gives the same network.
    #[inline]
    pub fn parse_common(b: &[u8], strict: bool) -> Option<Self> {
        if let Some(n) = Network::parse_common(b, strict) {
            return Some(IpNetwork::V4(n));
        }
        Network::parse_common(b, strict).map(IpNetwork::V6)
    }

    /// Parse as CPython `ip_network(s, strict)`.
    pub fn parse(s: &str, strict: bool) -> Result<Self, IpError> {
        detect(
            s,
            |s| Network::parse(s, strict),
            |s| Network::parse(s, strict),
            IpNetwork::V4,
            IpNetwork::V6,
        )
    }

    /// 4 or 6.
    pub fn version(&self) -> u8 {
        match self {
            IpNetwork::V4(_) => 4,
            IpNetwork::V6(_) => 6,
        }
    }

    /// See [`Network::network_address`].
    pub fn network_address(&self) -> IpAddress {
        both!(self, n => n.network_address().into())
    }

    /// See [`Network::broadcast_address`].
    pub fn broadcast_address(&self) -> IpAddress {
        both!(self, n => n.broadcast_address().into())
    }

    /// See [`Network::netmask`].
    pub fn netmask(&self) -> IpAddress {
        both!(self, n => n.netmask().into())
    }

    /// See [`Network::hostmask`].
    pub fn hostmask(&self) -> IpAddress {
        both!(self, n => n.hostmask().into())
    }

    /// See [`Network::prefixlen`].
    pub fn prefixlen(&self) -> u8 {
        both!(self, n => n.prefixlen())
    }

    /// See [`Network::max_prefixlen`].
    pub fn max_prefixlen(&self) -> u8 {
        both!(self, n => n.max_prefixlen())
    }

    /// See [`Network::num_addresses`].
    pub fn num_addresses(&self) -> Option<u128> {
        both!(self, n => n.num_addresses())
    }

    /// See [`Network::num_addresses_minus_one`].
    pub fn num_addresses_minus_one(&self) -> u128 {
        both!(self, n => n.num_addresses_minus_one())
    }

    /// See [`Network::with_prefixlen`].
    pub fn with_prefixlen(&self) -> impl fmt::Display {
        versioned!(self, n => n.with_prefixlen())
    }

    /// See [`Network::with_netmask`].
    pub fn with_netmask(&self) -> impl fmt::Display {
        versioned!(self, n => n.with_netmask())
    }

    /// See [`Network::with_hostmask`].
    pub fn with_hostmask(&self) -> impl fmt::Display {
        versioned!(self, n => n.with_hostmask())
    }

    /// See [`Network::exploded`].
    pub fn exploded(&self) -> Result<impl fmt::Display, IpError> {
        Ok(match self {
            IpNetwork::V4(n) => Versioned::V4(n.exploded()?),
            IpNetwork::V6(n) => Versioned::V6(n.exploded()?),
        })
    }

    /// See [`Network::reverse_pointer`].
    pub fn reverse_pointer(&self) -> Result<impl fmt::Display, IpError> {
        Ok(match self {
            IpNetwork::V4(n) => Versioned::V4(n.reverse_pointer()?),
            IpNetwork::V6(n) => Versioned::V6(n.reverse_pointer()?),
        })
    }

    /// See [`Network::hosts`].
    pub fn hosts(&self) -> Versioned<Hosts<Ipv4Address>, Hosts<Ipv6Address>> {
        versioned!(self, n => n.hosts())
    }

    /// See [`Network::addresses`].
    pub fn addresses(&self) -> Versioned<Addresses<Ipv4Address>, Addresses<Ipv6Address>> {
        versioned!(self, n => n.addresses())
    }

    /// See [`Network::get`].
    pub fn get(&self, i: i128) -> Result<IpAddress, IpError> {
        both!(self, n => n.get(i).map(Into::into))
    }

    /// `addr in network`; false across versions, as in CPython.
    pub fn contains(&self, addr: &IpAddress) -> bool {
        match (self, addr) {
            (IpNetwork::V4(n), IpAddress::V4(a)) => n.contains(a),
            (IpNetwork::V6(n), IpAddress::V6(a)) => n.contains(a),
            _ => false,
        }
    }

    /// See [`Network::overlaps`]; false across versions, as in CPython.
    pub fn overlaps(&self, other: &Self) -> bool {
        match (self, other) {
            (IpNetwork::V4(a), IpNetwork::V4(b)) => a.overlaps(b),
            (IpNetwork::V6(a), IpNetwork::V6(b)) => a.overlaps(b),
            _ => false,
        }
    }

    /// Apply a same-version operation, or fail with `TypeError`.
    fn pair<R>(
        &self,
        other: &Self,
        f4: impl FnOnce(&Network<Ipv4Address>, &Network<Ipv4Address>) -> R,
        f6: impl FnOnce(&Network<Ipv6Address>, &Network<Ipv6Address>) -> R,
    ) -> Result<R, IpError> {
        match (self, other) {
            (IpNetwork::V4(a), IpNetwork::V4(b)) => Ok(f4(a, b)),
            (IpNetwork::V6(a), IpNetwork::V6(b)) => Ok(f6(a, b)),
            _ => Err(mixed(self.version(), other.version())),
        }
    }

    /// See [`Network::subnet_of`]; `TypeError` across versions.
    pub fn subnet_of(&self, other: &Self) -> Result<bool, IpError> {
        self.pair(other, |a, b| a.subnet_of(b), |a, b| a.subnet_of(b))
    }

    /// See [`Network::supernet_of`]; `TypeError` across versions.
    pub fn supernet_of(&self, other: &Self) -> Result<bool, IpError> {
        self.pair(other, |a, b| a.supernet_of(b), |a, b| a.supernet_of(b))
    }

    /// See [`Network::compare_networks`]; `TypeError` across versions.
    pub fn compare_networks(&self, other: &Self) -> Result<Ordering, IpError> {
        self.pair(
            other,
            |a, b| a.compare_networks(b),
            |a, b| a.compare_networks(b),
        )
    }

    /// See [`Network::address_exclude`]; `TypeError` across versions.
    pub fn address_exclude(
        &self,
        other: &Self,
    ) -> Result<Versioned<AddressExclude<Ipv4Address>, AddressExclude<Ipv6Address>>, IpError> {
        self.pair(
            other,
            |a, b| a.address_exclude(b).map(Versioned::V4),
            |a, b| a.address_exclude(b).map(Versioned::V6),
        )?
    }

    /// See [`Network::subnets`].
    pub fn subnets(
        &self,
        prefixlen_diff: Option<i64>,
        new_prefix: Option<i64>,
    ) -> Result<Versioned<Subnets<Ipv4Address>, Subnets<Ipv6Address>>, IpError> {
        Ok(match self {
            IpNetwork::V4(n) => Versioned::V4(n.subnets(prefixlen_diff, new_prefix)?),
            IpNetwork::V6(n) => Versioned::V6(n.subnets(prefixlen_diff, new_prefix)?),
        })
    }

    /// See [`Network::supernet`].
    pub fn supernet(
        &self,
        prefixlen_diff: Option<i64>,
        new_prefix: Option<i64>,
    ) -> Result<Self, IpError> {
        both!(self, n => n.supernet(prefixlen_diff, new_prefix).map(Into::into))
    }

    /// See [`Network::is_multicast`].
    pub fn is_multicast(&self) -> bool {
        both!(self, n => n.is_multicast())
    }

    /// See [`Network::is_private`].
    pub fn is_private(&self) -> bool {
        both!(self, n => n.is_private())
    }

    /// See [`Network::is_global`].
    pub fn is_global(&self) -> bool {
        both!(self, n => n.is_global())
    }

    /// See [`Network::is_unspecified`].
    pub fn is_unspecified(&self) -> bool {
        both!(self, n => n.is_unspecified())
    }

    /// See [`Network::is_reserved`].
    pub fn is_reserved(&self) -> bool {
        both!(self, n => n.is_reserved())
    }

    /// See [`Network::is_loopback`].
    pub fn is_loopback(&self) -> bool {
        both!(self, n => n.is_loopback())
    }

    /// See [`Network::is_link_local`].
    pub fn is_link_local(&self) -> bool {
        both!(self, n => n.is_link_local())
    }

    /// IPv6 site-local; `None` for IPv4 (which has no such attribute).
    pub fn is_site_local(&self) -> Option<bool> {
        match self {
            IpNetwork::V4(_) => None,
            IpNetwork::V6(n) => Some(n.is_site_local()),
        }
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        both!(self, n => n.fmt(f))
    }
}

impl FromStr for IpNetwork {
    type Err = IpError;
    /// `ip_network(s)` with `strict=True`.
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::parse(s, true)
    }
}

impl IpInterface {
    /// The common spellings from bytes, as [`Interface::parse_common`]:
    /// `Some` only where [`parse`](Self::parse) gives the same interface.
    #[inline]
    pub fn parse_common(b: &[u8]) -> Option<Self> {
        if let Some(n) = Interface::parse_common(b) {
            return Some(IpInterface::V4(n));
        }
        Interface::parse_common(b).map(IpInterface::V6)
    }

    /// Parse as CPython `ip_interface(s)`.
    pub fn parse(s: &str) -> Result<Self, IpError> {
        detect(
            s,
            Interface::parse,
            Interface::parse,
            IpInterface::V4,
            IpInterface::V6,
        )
    }

    /// 4 or 6.
    pub fn version(&self) -> u8 {
        match self {
            IpInterface::V4(_) => 4,
            IpInterface::V6(_) => 6,
        }
    }

    /// See [`Interface::ip`].
    pub fn ip(&self) -> IpAddress {
        both!(self, i => i.ip().into())
    }

    /// See [`Interface::network`].
    pub fn network(&self) -> IpNetwork {
        both!(self, i => i.network().into())
    }

    /// See [`Interface::netmask`].
    pub fn netmask(&self) -> IpAddress {
        both!(self, i => i.netmask().into())
    }

    /// See [`Interface::hostmask`].
    pub fn hostmask(&self) -> IpAddress {
        both!(self, i => i.hostmask().into())
    }

    /// See [`Interface::prefixlen`].
    pub fn prefixlen(&self) -> u8 {
        both!(self, i => i.prefixlen())
    }

    /// See [`Interface::scope_id`].
    pub fn scope_id(&self) -> Option<&ScopeId> {
        both!(self, i => i.scope_id())
    }

    /// See [`Interface::with_prefixlen`].
    pub fn with_prefixlen(&self) -> impl fmt::Display {
        versioned!(self, i => i.with_prefixlen())
    }

    /// See [`Interface::with_netmask`].
    pub fn with_netmask(&self) -> impl fmt::Display {
        versioned!(self, i => i.with_netmask())
    }

    /// See [`Interface::with_hostmask`].
    pub fn with_hostmask(&self) -> impl fmt::Display {
        versioned!(self, i => i.with_hostmask())
    }

    /// See [`Interface::exploded`].
    pub fn exploded(&self) -> impl fmt::Display {
        versioned!(self, i => i.exploded())
    }

    /// See [`Interface::reverse_pointer`].
    pub fn reverse_pointer(&self) -> impl fmt::Display {
        versioned!(self, i => i.reverse_pointer())
    }

    /// See [`Interface::is_multicast`].
    pub fn is_multicast(&self) -> bool {
        both!(self, i => i.is_multicast())
    }

    /// See [`Interface::is_private`].
    pub fn is_private(&self) -> bool {
        both!(self, i => i.is_private())
    }

    /// See [`Interface::is_global`].
    pub fn is_global(&self) -> bool {
        both!(self, i => i.is_global())
    }

    /// See [`Interface::is_unspecified`].
    pub fn is_unspecified(&self) -> bool {
        both!(self, i => i.is_unspecified())
    }

    /// See [`Interface::is_reserved`].
    pub fn is_reserved(&self) -> bool {
        both!(self, i => i.is_reserved())
    }

    /// See [`Interface::is_loopback`].
    pub fn is_loopback(&self) -> bool {
        both!(self, i => i.is_loopback())
    }

    /// See [`Interface::is_link_local`].
    pub fn is_link_local(&self) -> bool {
        both!(self, i => i.is_link_local())
    }

    /// IPv6 site-local; `None` for IPv4.
    pub fn is_site_local(&self) -> Option<bool> {
        match self {
            IpInterface::V4(_) => None,
            IpInterface::V6(i) => Some(i.is_site_local()),
        }
    }
}

impl fmt::Display for IpInterface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        both!(self, i => i.fmt(f))
    }
}

impl FromStr for IpInterface {
    type Err = IpError;
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::parse(s)
    }
}

/// A sort key that orders addresses and networks of both versions together
/// (CPython `get_mixed_type_key`): version, then address (network address
/// for networks), then addresses before networks, then netmask.
///
/// ```
/// use ipdb_core::ip::{IpAddress, IpNetwork, MixedKey};
/// let a: IpAddress = "10.0.0.0".parse().unwrap();
/// let n: IpNetwork = "10.0.0.0/8".parse().unwrap();
/// let v6: IpAddress = "::1".parse().unwrap();
/// assert!(MixedKey::address(&a) < MixedKey::network(&n));
/// assert!(MixedKey::network(&n) < MixedKey::address(&v6));
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MixedKey {
    version: u8,
    bits: u128,
    // `None` (an address) sorts before any network, as CPython's shorter
    // key tuple does.
    netmask: Option<u128>,
    // CPython finds equal integers with different scope ids incomparable
    // (its stable sort keeps their input order); ordering them by scope
    // last keeps `Ord` total and consistent with `Eq`.
    scope: Option<ScopeId>,
}

impl MixedKey {
    fn of<A: Address>(a: &A, netmask: Option<u128>) -> Self {
        MixedKey {
            version: A::VERSION,
            bits: a.to_bits(),
            scope: a.scope_id().copied(),
            netmask,
        }
    }

    /// The key of an address.
    pub fn address(addr: &IpAddress) -> Self {
        match addr {
            IpAddress::V4(a) => Self::of(a, None),
            IpAddress::V6(a) => Self::of(a, None),
        }
    }

    /// The key of a network.
    pub fn network(net: &IpNetwork) -> Self {
        match net {
            IpNetwork::V4(n) => Self::of(&n.network_address(), Some(n.netmask().to_bits())),
            IpNetwork::V6(n) => Self::of(&n.network_address(), Some(n.netmask().to_bits())),
        }
    }
}
