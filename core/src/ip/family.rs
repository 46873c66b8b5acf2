//! The one trait that lets network code be written once for both versions.

use core::fmt::{Debug, Display};
use core::hash::Hash;

use super::error::IpError;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::super::Ipv4Address {}
    impl Sealed for super::super::Ipv6Address {}
}

/// An IPv4 or IPv6 address type: what [`Network`](super::Network),
/// [`Interface`](super::Interface) and the range algorithms need to know.
///
/// Bits are carried in a `u128` for both versions (IPv4 uses the low 32
/// bits), so generic code does integer math once. Sealed: implemented by
/// [`Ipv4Address`](super::Ipv4Address) and [`Ipv6Address`](super::Ipv6Address) only.
pub trait Address: sealed::Sealed + Copy + Eq + Ord + Hash + Debug + Display {
    /// Width in bits: 32 or 128 (CPython's `max_prefixlen`).
    const BITS: u8;
    /// 4 or 6.
    const VERSION: u8;
    /// All bits set for this width (CPython's `_ALL_ONES`).
    const ALL_ONES: u128 = if Self::BITS == 128 {
        u128::MAX
    } else {
        (1u128 << Self::BITS) - 1
    };

    /// The address as an integer (scope id dropped).
    fn to_bits(&self) -> u128;
    /// The address for an integer; bits above [`Self::BITS`] must be zero
    /// (callers guarantee it; they are masked off).
    fn from_bits(bits: u128) -> Self;
    /// Parse the textual form CPython's class constructor accepts
    /// (`IPv4Address(s)` / `IPv6Address(s)`), errors as `AddressValueError`.
    fn parse_address(s: &str) -> Result<Self, IpError>;
    /// The common spellings from bytes (`Ipv4Address::parse_common`,
    /// `Ipv6Address::parse_common`): `Some` only where
    /// [`parse_address`](Self::parse_address) gives the same value.
    fn parse_common(b: &[u8]) -> Option<Self>;
    /// The netmask for a prefix length (`prefixlen <= BITS`).
    #[inline]
    fn mask_bits(prefixlen: u8) -> u128 {
        if prefixlen == 0 {
            0
        } else {
            // `>> 128` would overflow; a full-width mask is all ones.
            Self::ALL_ONES
                ^ Self::ALL_ONES
                    .checked_shr(u32::from(prefixlen))
                    .unwrap_or(0)
        }
    }
    /// The IPv6 scope id, if any (always `None` for IPv4).
    fn scope_id(&self) -> Option<&super::ScopeId> {
        None
    }
    /// The same address without its scope id.
    fn without_scope(&self) -> Self {
        *self
    }
    /// Special-range predicates of the address (the IANA registries as
    /// current CPython has them).
    fn is_multicast(&self) -> bool;
    /// See [`Address::is_multicast`].
    fn is_private(&self) -> bool;
    /// See [`Address::is_multicast`].
    fn is_global(&self) -> bool;
    /// See [`Address::is_multicast`].
    fn is_reserved(&self) -> bool;
    /// See [`Address::is_multicast`].
    fn is_loopback(&self) -> bool;
    /// See [`Address::is_multicast`].
    fn is_link_local(&self) -> bool;
    /// See [`Address::is_multicast`].
    fn is_unspecified(&self) -> bool {
        self.to_bits() == 0
    }
    /// Write the fully expanded form (`exploded`).
    fn fmt_exploded(&self, f: &mut dyn core::fmt::Write) -> core::fmt::Result;
    /// Write the reverse DNS name (`reverse_pointer`) of this address.
    fn fmt_reverse_pointer(&self, f: &mut dyn core::fmt::Write) -> core::fmt::Result;
}
