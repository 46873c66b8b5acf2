//! Either version of address: CPython's `ip_address()`.

use core::fmt;
use core::str::FromStr;

use super::error::{IpError, ValueError};
use super::scope::ScopeId;
use super::v4::{self, Ipv4Address};
use super::v6::{self, Ipv6Address};

/// An IPv4 or IPv6 address, as `ip_address()` returns it.
///
/// Orders IPv4 before IPv6 (CPython's `get_mixed_type_key` order); CPython
/// itself refuses to compare across versions (`TypeError`).
///
/// ```
/// use ipdb_core::ip::IpAddress;
/// let a: IpAddress = "10.0.0.1".parse().unwrap();
/// assert_eq!(a.version(), 4);
/// let b: IpAddress = "fe80::1%eth0".parse().unwrap();
/// assert_eq!(b.version(), 6);
/// let e = "10.0.0.01".parse::<IpAddress>().unwrap_err();
/// assert_eq!(e.python_class(), "ValueError");
/// assert_eq!(IpAddress::from_int(1).to_string(), "0.0.0.1");
/// assert_eq!(IpAddress::from_int(1 << 32).to_string(), "::1:0:0");
/// ```
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpAddress {
    /// An IPv4 address.
    V4(Ipv4Address),
    /// An IPv6 address.
    V6(Ipv6Address),
}

macro_rules! both {
    ($self:expr, $a:ident => $e:expr) => {
        match $self {
            IpAddress::V4($a) => $e,
            IpAddress::V6($a) => $e,
        }
    };
}

impl IpAddress {
    /// The common spellings, straight from bytes: `Some` only for text
    /// that [`parse`](Self::parse) accepts with the same result, and
    /// needing no `&str` (so no UTF-8 check) first. `None` for the rest,
    /// valid (a `%scope`, a rare spelling) or not: `parse` decides those
    /// and explains its errors. For callers holding raw bytes (a C string,
    /// a config file), which can skip their own text check when this
    /// answers.
    ///
    /// ```
    /// use ipdb_core::ip::IpAddress;
    /// let a = IpAddress::parse_common(b"192.0.2.1").unwrap();
    /// assert_eq!(a, "192.0.2.1".parse().unwrap());
    /// assert!(IpAddress::parse_common(b"2001:db8::1").is_some());
    /// assert!(IpAddress::parse_common(b"fe80::1%eth0").is_none()); // valid: ask `parse`
    /// assert!(IpAddress::parse_common(b"10.0.0.01").is_none()); // invalid: ask `parse` why
    /// ```
    #[inline]
    pub fn parse_common(b: &[u8]) -> Option<Self> {
        if let Some(a) = Ipv4Address::parse_common(b) {
            return Some(IpAddress::V4(a));
        }
        Ipv6Address::parse_common(b).map(IpAddress::V6)
    }

    /// `ip_address(s)`: IPv4 if it parses as one, else IPv6; neither is a
    /// `ValueError` carrying both reasons.
    pub fn parse(s: &str) -> Result<Self, IpError> {
        // The IPv4 fast path accepts exactly what IPv4 accepts, so the
        // (slower) IPv4 explanation is only built when both versions fail.
        if let Some(v) = v4::parse_fast(s.as_bytes()) {
            return Ok(IpAddress::V4(Ipv4Address::from_u32(v)));
        }
        match v6::parse_text(s, 0) {
            Ok(a) => Ok(IpAddress::V6(a)),
            Err(e6) => {
                let v4 = match v4::parse_bytes(s.as_bytes(), 0) {
                    Ok(v) => return Ok(IpAddress::V4(Ipv4Address::from_u32(v))),
                    Err(e4) => e4.kind,
                };
                Err(IpError::Value(ValueError::NotAnAddress { v4, v6: e6.kind }))
            }
        }
    }

    /// `ip_address(int)`: IPv4 below 2**32, IPv6 from there.
    pub const fn from_int(v: u128) -> Self {
        if v <= u32::MAX as u128 {
            IpAddress::V4(Ipv4Address::from_u32(v as u32))
        } else {
            IpAddress::V6(Ipv6Address::from_u128(v))
        }
    }

    /// 4 or 6.
    pub const fn version(&self) -> u8 {
        match self {
            IpAddress::V4(_) => 4,
            IpAddress::V6(_) => 6,
        }
    }

    /// 32 or 128.
    pub const fn max_prefixlen(&self) -> u8 {
        match self {
            IpAddress::V4(_) => 32,
            IpAddress::V6(_) => 128,
        }
    }

    /// The integer value (`int(addr)`).
    pub const fn to_bits(&self) -> u128 {
        match self {
            IpAddress::V4(a) => a.to_u32() as u128,
            IpAddress::V6(a) => a.to_u128(),
        }
    }

    /// The packed bytes (4 or 16), written into `out`.
    pub fn packed<'a>(&self, out: &'a mut [u8; 16]) -> &'a [u8] {
        match self {
            IpAddress::V4(a) => {
                out[..4].copy_from_slice(&a.packed());
                &out[..4]
            }
            IpAddress::V6(a) => {
                *out = a.packed();
                &out[..]
            }
        }
    }

    /// The fully written form (`exploded`).
    pub fn exploded(&self) -> impl fmt::Display + '_ {
        Exploded(self)
    }

    /// The reverse DNS name (`reverse_pointer`).
    pub fn reverse_pointer(&self) -> impl fmt::Display + '_ {
        ReversePointer(self)
    }

    /// See [`Ipv4Address::is_multicast`] / [`Ipv6Address::is_multicast`].
    pub const fn is_multicast(&self) -> bool {
        both!(self, a => a.is_multicast())
    }
    /// See [`Ipv4Address::is_private`] / [`Ipv6Address::is_private`].
    pub const fn is_private(&self) -> bool {
        both!(self, a => a.is_private())
    }
    /// See [`Ipv4Address::is_global`] / [`Ipv6Address::is_global`].
    pub const fn is_global(&self) -> bool {
        both!(self, a => a.is_global())
    }
    /// See [`Ipv4Address::is_unspecified`] / [`Ipv6Address::is_unspecified`].
    pub const fn is_unspecified(&self) -> bool {
        both!(self, a => a.is_unspecified())
    }
    /// See [`Ipv4Address::is_reserved`] / [`Ipv6Address::is_reserved`].
    pub const fn is_reserved(&self) -> bool {
        both!(self, a => a.is_reserved())
    }
    /// See [`Ipv4Address::is_loopback`] / [`Ipv6Address::is_loopback`].
    pub const fn is_loopback(&self) -> bool {
        both!(self, a => a.is_loopback())
    }
    /// See [`Ipv4Address::is_link_local`] / [`Ipv6Address::is_link_local`].
    pub const fn is_link_local(&self) -> bool {
        both!(self, a => a.is_link_local())
    }
    /// [`Ipv6Address::is_site_local`]; `None` for IPv4 (CPython's
    /// `IPv4Address` has no such attribute).
    pub const fn is_site_local(&self) -> Option<bool> {
        match self {
            IpAddress::V4(_) => None,
            IpAddress::V6(a) => Some(a.is_site_local()),
        }
    }

    /// [`Ipv6Address::ipv4_mapped`]; `None` for IPv4.
    pub const fn ipv4_mapped(&self) -> Option<Ipv4Address> {
        match self {
            IpAddress::V4(_) => None,
            IpAddress::V6(a) => a.ipv4_mapped(),
        }
    }
    /// [`Ipv6Address::sixtofour`]; `None` for IPv4.
    pub const fn sixtofour(&self) -> Option<Ipv4Address> {
        match self {
            IpAddress::V4(_) => None,
            IpAddress::V6(a) => a.sixtofour(),
        }
    }
    /// [`Ipv6Address::teredo`]; `None` for IPv4.
    pub const fn teredo(&self) -> Option<(Ipv4Address, Ipv4Address)> {
        match self {
            IpAddress::V4(_) => None,
            IpAddress::V6(a) => a.teredo(),
        }
    }
    /// [`Ipv6Address::scope_id`]; `None` for IPv4.
    pub fn scope_id(&self) -> Option<&ScopeId> {
        match self {
            IpAddress::V4(_) => None,
            IpAddress::V6(a) => a.scope_id(),
        }
    }
    /// [`Ipv4Address::ipv6_mapped`]; `None` for IPv6.
    pub const fn ipv6_mapped(&self) -> Option<Ipv6Address> {
        match self {
            IpAddress::V4(a) => Some(a.ipv6_mapped()),
            IpAddress::V6(_) => None,
        }
    }

    /// `addr + delta`, same version; `AddressValueError` on overflow.
    pub fn checked_add(&self, delta: i128) -> Result<Self, IpError> {
        self.checked_offset(delta < 0, delta.unsigned_abs())
    }
    /// `addr - delta`, same version; `AddressValueError` on overflow.
    pub fn checked_sub(&self, delta: i128) -> Result<Self, IpError> {
        self.checked_offset(delta > 0, delta.unsigned_abs())
    }
    /// `addr ± magnitude` (subtracts when `negative`).
    pub fn checked_offset(&self, negative: bool, magnitude: u128) -> Result<Self, IpError> {
        Ok(match self {
            IpAddress::V4(a) => IpAddress::V4(a.checked_offset(negative, magnitude)?),
            IpAddress::V6(a) => IpAddress::V6(a.checked_offset(negative, magnitude)?),
        })
    }
    /// Python's `format(addr, spec)`; see [`Ipv4Address::format_spec`].
    pub fn format_spec(&self, spec: &str, out: &mut dyn fmt::Write) -> Result<(), IpError> {
        both!(self, a => a.format_spec(spec, out))
    }
}

struct Exploded<'a>(&'a IpAddress);

impl fmt::Display for Exploded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddress::V4(a) => fmt::Display::fmt(&a.exploded(), f),
            IpAddress::V6(a) => fmt::Display::fmt(&a.exploded(), f),
        }
    }
}

struct ReversePointer<'a>(&'a IpAddress);

impl fmt::Display for ReversePointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddress::V4(a) => fmt::Display::fmt(&a.reverse_pointer(), f),
            IpAddress::V6(a) => fmt::Display::fmt(&a.reverse_pointer(), f),
        }
    }
}

impl fmt::Display for IpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        both!(self, a => fmt::Display::fmt(a, f))
    }
}

impl fmt::Debug for IpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        both!(self, a => fmt::Debug::fmt(a, f))
    }
}

impl FromStr for IpAddress {
    type Err = IpError;
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::parse(s)
    }
}

impl From<Ipv4Address> for IpAddress {
    fn from(a: Ipv4Address) -> Self {
        IpAddress::V4(a)
    }
}

impl From<Ipv6Address> for IpAddress {
    fn from(a: Ipv6Address) -> Self {
        IpAddress::V6(a)
    }
}

impl From<core::net::IpAddr> for IpAddress {
    fn from(a: core::net::IpAddr) -> Self {
        match a {
            core::net::IpAddr::V4(a) => IpAddress::V4(a.into()),
            core::net::IpAddr::V6(a) => IpAddress::V6(a.into()),
        }
    }
}

/// Drops an IPv6 scope id.
impl From<IpAddress> for core::net::IpAddr {
    fn from(a: IpAddress) -> Self {
        match a {
            IpAddress::V4(a) => core::net::IpAddr::V4(a.into()),
            IpAddress::V6(a) => core::net::IpAddr::V6(a.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ip::AddressErrorKind;
    use std::string::ToString;

    #[test]
    fn factory() {
        assert_eq!("1.2.3.4".parse::<IpAddress>().unwrap().version(), 4);
        assert_eq!("::1.2.3.4".parse::<IpAddress>().unwrap().version(), 6);
        match "1.2.3.04".parse::<IpAddress>() {
            Err(IpError::Value(ValueError::NotAnAddress { v4, v6 })) => {
                assert_eq!(v4, AddressErrorKind::OctetLeadingZero { part: 4 });
                assert_eq!(v6, AddressErrorKind::TooFewParts { found: 1 });
            }
            other => panic!("{:?}", other),
        }
        assert_eq!(IpAddress::from_int(u32::MAX as u128).version(), 4);
        assert_eq!(IpAddress::from_int(u32::MAX as u128 + 1).version(), 6);
    }

    #[test]
    fn dispatch() {
        let a: IpAddress = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(a.ipv4_mapped().unwrap().to_string(), "10.0.0.1");
        assert_eq!(
            a.exploded().to_string(),
            "0000:0000:0000:0000:0000:ffff:10.0.0.1"
        );
        let mut buf = [0u8; 16];
        assert_eq!(a.packed(&mut buf).len(), 16);
        let b: IpAddress = "10.0.0.1".parse().unwrap();
        assert_eq!(b.packed(&mut buf), &[10, 0, 0, 1]);
        assert_eq!(
            b.ipv6_mapped().unwrap(),
            a.ipv4_mapped().unwrap().ipv6_mapped()
        );
        assert_eq!(b.is_site_local(), None);
        assert!(b < a);
        assert_eq!(b.checked_add(-1).unwrap().to_string(), "10.0.0.0");
    }
}
