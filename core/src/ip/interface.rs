//! IP interfaces (CPython `IPv4Interface` / `IPv6Interface`): an address
//! together with the network it sits on.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use super::error::IpError;
use super::family::Address;
use super::network::{
    is_v4_mapped, parse_addr_prefix, parse_common_prefix, AddrStyle, NetText, Network,
    ReversePointer, Suffix,
};
use super::{Ipv4Address, Ipv6Address, ScopeId};

/// An address on a network, host bits allowed (CPython `IPv4Interface` /
/// `IPv6Interface`).
///
/// Equality is address (scope id included) and network; order is network
/// first, then address, as in CPython.
///
/// ```
/// use ipdb_core::ip::Ipv4Interface;
/// let i: Ipv4Interface = "192.0.2.5/24".parse().unwrap();
/// assert_eq!(i.ip().to_string(), "192.0.2.5");
/// assert_eq!(i.network().to_string(), "192.0.2.0/24");
/// assert_eq!(i.with_netmask().to_string(), "192.0.2.5/255.255.255.0");
/// ```
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub struct Interface<A: Address> {
    addr: A,
    prefixlen: u8,
}

/// An IPv4 interface (CPython `IPv4Interface`).
pub type Ipv4Interface = Interface<Ipv4Address>;
/// An IPv6 interface (CPython `IPv6Interface`).
pub type Ipv6Interface = Interface<Ipv6Address>;

impl<A: Address> Interface<A> {
    /// Parse as CPython's `IPv4Interface(s)` / `IPv6Interface(s)`: the
    /// same forms as [`Network::parse`], host bits allowed.
    pub fn parse(s: &str) -> Result<Self, IpError> {
        let (addr, prefixlen) = parse_addr_prefix::<A>(s)?;
        Ok(Interface { addr, prefixlen })
    }

    /// The common spellings from bytes, as
    /// [`Network::parse_common`]: `Some` only where [`parse`](Self::parse)
    /// gives the same interface.
    #[inline]
    pub fn parse_common(b: &[u8]) -> Option<Self> {
        let (addr, prefixlen) = parse_common_prefix::<A>(b)?;
        Some(Interface { addr, prefixlen })
    }

    /// `addr` on its `/prefixlen` network (`prefixlen <= BITS`, else a
    /// netmask error).
    pub fn new(addr: A, prefixlen: u8) -> Result<Self, IpError> {
        Network::new_truncate(addr, prefixlen)?;
        Ok(Interface { addr, prefixlen })
    }

    /// The address without its scope id (CPython `interface.ip`).
    pub fn ip(&self) -> A {
        self.addr.without_scope()
    }

    /// The address with its scope id, as parsed.
    pub fn address(&self) -> A {
        self.addr
    }

    /// The IPv6 scope id, if any.
    pub fn scope_id(&self) -> Option<&ScopeId> {
        self.addr.scope_id()
    }

    /// The network the address sits on. Its address keeps the scope id
    /// only when the interface address has no host bits (CPython builds it
    /// with `strict=False`).
    pub fn network(&self) -> Network<A> {
        let bits = self.addr.to_bits();
        let net = bits & A::mask_bits(self.prefixlen);
        let addr = if net == bits {
            self.addr
        } else {
            A::from_bits(net)
        };
        Network::from_aligned(addr, self.prefixlen)
    }

    /// The netmask as an address.
    pub fn netmask(&self) -> A {
        A::from_bits(A::mask_bits(self.prefixlen))
    }

    /// The hostmask as an address.
    pub fn hostmask(&self) -> A {
        A::from_bits(A::ALL_ONES ^ A::mask_bits(self.prefixlen))
    }

    /// The prefix length.
    pub fn prefixlen(&self) -> u8 {
        self.prefixlen
    }

    /// 32 or 128.
    pub fn max_prefixlen(&self) -> u8 {
        A::BITS
    }

    fn plain(&self, suffix: Suffix<A>) -> NetText<A> {
        NetText {
            addr: self.addr,
            style: AddrStyle::Plain,
            suffix,
        }
    }

    /// `address/prefixlen`. As in CPython, IPv6 is written as plain
    /// compressed hex: no scope id, no dotted IPv4 tail.
    pub fn with_prefixlen(&self) -> NetText<A> {
        self.plain(Suffix::Prefix(self.prefixlen))
    }

    /// `address/netmask` (address written as in [`Interface::with_prefixlen`]).
    pub fn with_netmask(&self) -> NetText<A> {
        self.plain(Suffix::Mask(self.netmask()))
    }

    /// `address/hostmask` (address written as in [`Interface::with_prefixlen`]).
    pub fn with_hostmask(&self) -> NetText<A> {
        self.plain(Suffix::Mask(self.hostmask()))
    }

    /// The compressed text (same as `Display`: scope id and IPv4-mapped
    /// form included).
    pub fn compressed(&self) -> NetText<A> {
        NetText {
            addr: self.addr,
            style: AddrStyle::Display,
            suffix: Suffix::Prefix(self.prefixlen),
        }
    }

    /// The expanded text, CPython's way: `address/prefixlen` with IPv6 in
    /// full hex and no scope id; an IPv4-mapped IPv6 interface gives the
    /// address's own exploded form without the prefix length.
    pub fn exploded(&self) -> NetText<A> {
        if is_v4_mapped::<A>(self.addr.to_bits()) {
            NetText {
                addr: self.addr,
                style: AddrStyle::Exploded,
                suffix: Suffix::None,
            }
        } else {
            NetText {
                addr: self.addr,
                style: AddrStyle::Full,
                suffix: Suffix::Prefix(self.prefixlen),
            }
        }
    }

    /// CPython's `reverse_pointer` of an interface: the reversed text of
    /// [`Interface::exploded`] (prefix included), or the address's own
    /// reverse pointer for an IPv4-mapped IPv6 interface.
    pub fn reverse_pointer(&self) -> ReversePointer<A> {
        let prefixlen = (!is_v4_mapped::<A>(self.addr.to_bits())).then_some(self.prefixlen);
        ReversePointer {
            addr: self.addr,
            prefixlen,
        }
    }

    /// The address is multicast.
    pub fn is_multicast(&self) -> bool {
        self.addr.is_multicast()
    }

    /// The address is not globally reachable.
    pub fn is_private(&self) -> bool {
        self.addr.is_private()
    }

    /// The address is globally reachable.
    pub fn is_global(&self) -> bool {
        self.addr.is_global()
    }

    /// The address is IETF reserved.
    pub fn is_reserved(&self) -> bool {
        self.addr.is_reserved()
    }

    /// The address is link-local.
    pub fn is_link_local(&self) -> bool {
        self.addr.is_link_local()
    }

    /// CPython's interface override: the address is zero *and* the network
    /// is the unspecified host network (`0.0.0.0/32`, `::/128`).
    pub fn is_unspecified(&self) -> bool {
        self.addr.to_bits() == 0 && self.network().is_unspecified()
    }

    /// Loopback. For IPv6, CPython's interface override also asks the
    /// whole network to be loopback (`::1/128` yes, `::1/64` no).
    pub fn is_loopback(&self) -> bool {
        self.addr.is_loopback() && (A::VERSION == 4 || self.network().is_loopback())
    }
}

impl Interface<Ipv6Address> {
    /// The address is site-local `fec0::/10` (RFC 3879, deprecated).
    pub fn is_site_local(&self) -> bool {
        self.addr.is_site_local()
    }
}

impl<A: Address> PartialOrd for Interface<A> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<A: Address> Ord for Interface<A> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.network()
            .cmp(&other.network())
            .then_with(|| self.addr.cmp(&other.addr))
    }
}

impl<A: Address> fmt::Display for Interface<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefixlen)
    }
}

impl<A: Address> fmt::Debug for Interface<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IPv{}Interface(\"{}\")", A::VERSION, self)
    }
}

impl<A: Address> FromStr for Interface<A> {
    type Err = IpError;
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::parse(s)
    }
}
