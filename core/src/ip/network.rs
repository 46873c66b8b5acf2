//! IP networks (CPython `IPv4Network` / `IPv6Network`), written once for
//! both versions over [`Address`].

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use super::error::{AddressError, AddressErrorKind, IpError, NetmaskError, ValueError};
use super::exclude::AddressExclude;
use super::family::Address;
use super::iter::{Addresses, Hosts, Span, Subnets};
use super::{Ipv4Address, Ipv6Address};

/// An IP network: an address with no bits set right of the prefix length
/// (CPython `IPv4Network` / `IPv6Network`).
///
/// The address keeps an IPv6 scope id when the text had one and no host
/// bits were cleared, as CPython does (`fe80::%eth0/64`). Equality and
/// order are CPython's: network address (scope id included in equality),
/// then prefix length.
///
/// ```
/// use ipdb_core::ip::Ipv4Network;
/// let net: Ipv4Network = "192.0.2.0/255.255.255.0".parse().unwrap();
/// assert_eq!(net.to_string(), "192.0.2.0/24");
/// assert_eq!(net.broadcast_address().to_string(), "192.0.2.255");
/// assert!(Ipv4Network::parse("192.0.2.1/24", true).is_err());
/// assert_eq!(Ipv4Network::parse("192.0.2.1/24", false).unwrap(), net);
/// ```
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Network<A: Address> {
    addr: A,
    prefixlen: u8,
}

/// An IPv4 network (CPython `IPv4Network`).
pub type Ipv4Network = Network<Ipv4Address>;
/// An IPv6 network (CPython `IPv6Network`).
pub type Ipv6Network = Network<Ipv6Address>;

/// Saturating byte offset for error positions.
pub(crate) fn offset16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Parse `addr[/mask]` as CPython's network and interface constructors do:
/// more than one `/` is an `AddressValueError`, then the address, then the
/// mask (a missing mask is the full length).
pub(crate) fn parse_addr_prefix<A: Address>(s: &str) -> Result<(A, u8), IpError> {
    // The mask is short, so find the last `/` from the end. A second `/`
    // can then only sit in the address part, which fails to parse unless
    // the `/` hides in an IPv6 scope id: look for it in those cases only.
    let bytes = s.as_bytes();
    let (addr_text, mask) = match bytes.iter().rposition(|&b| b == b'/') {
        None => (s, None),
        Some(i) => (&s[..i], Some((&s[i + 1..], i + 1))),
    };
    let parsed = A::parse_address(addr_text);
    if mask.is_some() && parsed.as_ref().map_or(true, |a| a.scope_id().is_some()) {
        let first = bytes.iter().position(|&b| b == b'/').unwrap_or(0);
        if let Some(second) = bytes[first + 1..].iter().position(|&b| b == b'/') {
            let start = first + 1 + second;
            return Err(IpError::Address(AddressError {
                kind: AddressErrorKind::MultipleSlashes,
                start: offset16(start),
                end: offset16(start + 1),
            }));
        }
    }
    let addr = parsed?;
    let prefixlen = match mask {
        None => A::BITS,
        Some((m, start)) => parse_prefix::<A>(m, start)?,
    };
    Ok((addr, prefixlen))
}

/// [`parse_addr_prefix`] for the common spellings, from bytes: `addr` or
/// `addr/len` with a decimal `len` of 1-3 digits. `Some` only where
/// `parse_addr_prefix` gives the same pair; `None` leaves the text to it.
#[inline]
pub(crate) fn parse_common_prefix<A: Address>(b: &[u8]) -> Option<(A, u8)> {
    let Some(slash) = b.iter().rposition(|&c| c == b'/') else {
        return Some((A::parse_common(b)?, A::BITS));
    };
    // A common address has no `/`, so a second one fails here as well.
    let addr = A::parse_common(b.get(..slash)?)?;
    let mask = b.get(slash + 1..)?;
    if mask.is_empty() || mask.len() > 3 {
        return None;
    }
    // Three digits fit a u16 (999); the kernel's widest prefix is 128.
    let len = mask.iter().try_fold(0u16, |v, &c| {
        c.is_ascii_digit().then(|| v * 10 + u16::from(c - b'0'))
    })?;
    let len = u8::try_from(len).ok().filter(|&l| l <= A::BITS)?;
    Some((addr, len))
}

/// The prefix length of a mask that is 1s then 0s.
fn prefix_of_netmask<A: Address>(mask: u128) -> Option<u8> {
    let ones = mask.count_ones() as u8;
    (A::mask_bits(ones) == mask).then_some(ones)
}

/// Parse the part after `/` as CPython's `_make_netmask`: plain ASCII
/// decimal for both versions; for IPv4 also a dotted netmask or hostmask
/// (all-ones and all-zeros read as netmasks). `start` is the byte offset of
/// the mask in the whole input.
pub(crate) fn parse_prefix<A: Address>(mask: &str, start: usize) -> Result<u8, IpError> {
    let decimal = mask.bytes().try_fold(0u32, |v, b| {
        b.is_ascii_digit()
            .then(|| v.saturating_mul(10).saturating_add(u32::from(b - b'0')))
    });
    if let (Some(value), false) = (decimal, mask.is_empty()) {
        return match u8::try_from(value) {
            Ok(p) if p <= A::BITS => Ok(p),
            // A digit string is never a dotted mask either.
            _ => Err(IpError::Netmask(NetmaskError::PrefixTooLong {
                value,
                max: A::BITS,
            })),
        };
    }
    if A::VERSION != 4 {
        return Err(IpError::Netmask(NetmaskError::NotDecimal {
            start: offset16(start),
        }));
    }
    let bits = A::parse_address(mask)
        .map_err(|_| IpError::Netmask(NetmaskError::MaskNotAnAddress))?
        .to_bits();
    prefix_of_netmask::<A>(bits)
        .or_else(|| prefix_of_netmask::<A>(bits ^ A::ALL_ONES))
        .ok_or(IpError::Netmask(NetmaskError::NotAMask))
}

/// Check a prefix length given as a number.
fn check_prefixlen<A: Address>(prefixlen: u8) -> Result<(), IpError> {
    if prefixlen > A::BITS {
        return Err(IpError::Netmask(NetmaskError::PrefixTooLong {
            value: u32::from(prefixlen),
            max: A::BITS,
        }));
    }
    Ok(())
}

/// The host part of the mask for a prefix length.
#[inline]
pub(crate) fn host_bits<A: Address>(prefixlen: u8) -> u128 {
    A::ALL_ONES ^ A::mask_bits(prefixlen)
}

/// `a <= b` as CPython's `total_ordering` derives it: `a < b` on the
/// integers, or `a == b` in full (an IPv6 scope id makes equal integers
/// unequal, so `fe80::%eth0 <= fe80::` is false).
#[inline]
pub(crate) fn cpython_le<A: Address>(a: &A, b: &A) -> bool {
    a.to_bits() < b.to_bits() || a == b
}

/// Resolve CPython's `prefixlen_diff=1, new_prefix=None` pair into a
/// prefix-length difference. `longer`: for `subnets` (new prefix must not be
/// shorter) rather than `supernet`.
fn prefix_diff(
    prefixlen: u8,
    prefixlen_diff: Option<i64>,
    new_prefix: Option<i64>,
    longer: bool,
) -> Result<i128, IpError> {
    let p = i64::from(prefixlen);
    match new_prefix {
        None => Ok(i128::from(prefixlen_diff.unwrap_or(1))),
        Some(np) => {
            if (longer && np < p) || (!longer && np > p) {
                return Err(IpError::Value(ValueError::NewPrefixWrongSide {
                    new_prefix: np,
                    prefixlen,
                }));
            }
            if prefixlen_diff.is_some_and(|d| d != 1) {
                return Err(IpError::Value(ValueError::BothPrefixArgs));
            }
            Ok((i128::from(np) - i128::from(p)).abs())
        }
    }
}

fn out_of_range<A: Address>(prefixlen: i128) -> IpError {
    let clamped = prefixlen.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    IpError::Value(ValueError::PrefixOutOfRange {
        prefixlen: clamped,
        max: A::BITS,
    })
}

impl<A: Address> Network<A> {
    /// Trusted constructor: `addr` has no host bits and `prefixlen <= BITS`.
    #[inline]
    pub(crate) fn from_aligned(addr: A, prefixlen: u8) -> Self {
        debug_assert!(prefixlen <= A::BITS && addr.to_bits() & host_bits::<A>(prefixlen) == 0);
        Network { addr, prefixlen }
    }

    /// CPython's constructor tail: host bits are an error when `strict`,
    /// else cleared (which drops a scope id, as CPython rebuilds the
    /// address from the integer).
    fn from_parts(addr: A, prefixlen: u8, strict: bool) -> Result<Self, IpError> {
        let bits = addr.to_bits();
        let net = bits & A::mask_bits(prefixlen);
        if net == bits {
            Ok(Network { addr, prefixlen })
        } else if strict {
            Err(IpError::Value(ValueError::HostBitsSet))
        } else {
            Ok(Network {
                addr: A::from_bits(net),
                prefixlen,
            })
        }
    }

    /// Parse as CPython's `IPv4Network(s, strict)` / `IPv6Network(s, strict)`:
    /// `addr`, `addr/prefixlen`, and for IPv4 `addr/netmask` or
    /// `addr/hostmask` in dotted form.
    ///
    /// Errors: [`IpError::Address`] for the address part (or a second `/`),
    /// [`IpError::Netmask`] for the mask, [`ValueError::HostBitsSet`] when
    /// `strict` and bits are set right of the prefix.
    pub fn parse(s: &str, strict: bool) -> Result<Self, IpError> {
        let (addr, prefixlen) = parse_addr_prefix::<A>(s)?;
        Self::from_parts(addr, prefixlen, strict)
    }

    /// The common spellings from bytes (see
    /// [`IpAddress::parse_common`](crate::ip::IpAddress::parse_common)):
    /// `addr` or `addr/len` with a decimal `len`. `Some` only where
    /// [`parse`](Self::parse) gives the same network; `None` leaves the
    /// text to it (a dotted mask, a scope id, any error).
    ///
    /// ```
    /// use ipdb_core::ip::Ipv4Network;
    /// let n = Ipv4Network::parse_common(b"192.0.2.0/24", true).unwrap();
    /// assert_eq!(n, Ipv4Network::parse("192.0.2.0/24", true).unwrap());
    /// assert!(Ipv4Network::parse_common(b"192.0.2.1/24", true).is_none()); // host bits
    /// assert!(Ipv4Network::parse_common(b"192.0.2.0/255.255.255.0", true).is_none());
    /// ```
    #[inline]
    pub fn parse_common(b: &[u8], strict: bool) -> Option<Self> {
        let (addr, prefixlen) = parse_common_prefix::<A>(b)?;
        Self::from_parts(addr, prefixlen, strict).ok()
    }

    /// The network `addr/prefixlen`; host bits set is a
    /// [`ValueError::HostBitsSet`] (CPython `strict=True`).
    pub fn new(addr: A, prefixlen: u8) -> Result<Self, IpError> {
        check_prefixlen::<A>(prefixlen)?;
        Self::from_parts(addr, prefixlen, true)
    }

    /// The network containing `addr` at `prefixlen`, host bits cleared
    /// (CPython `strict=False`).
    pub fn new_truncate(addr: A, prefixlen: u8) -> Result<Self, IpError> {
        check_prefixlen::<A>(prefixlen)?;
        Self::from_parts(addr, prefixlen, false)
    }

    /// The first address (scope id kept).
    #[inline]
    pub fn network_address(&self) -> A {
        self.addr
    }

    /// The last address.
    #[inline]
    pub fn broadcast_address(&self) -> A {
        A::from_bits(self.last_bits())
    }

    /// The netmask as an address (`255.255.255.0`).
    pub fn netmask(&self) -> A {
        A::from_bits(A::mask_bits(self.prefixlen))
    }

    /// The hostmask as an address (`0.0.0.255`).
    pub fn hostmask(&self) -> A {
        A::from_bits(host_bits::<A>(self.prefixlen))
    }

    /// The prefix length.
    #[inline]
    pub fn prefixlen(&self) -> u8 {
        self.prefixlen
    }

    /// 32 or 128.
    #[inline]
    pub fn max_prefixlen(&self) -> u8 {
        A::BITS
    }

    /// Number of addresses; `None` only for `::/0` (2**128 addresses).
    pub fn num_addresses(&self) -> Option<u128> {
        self.num_addresses_minus_one().checked_add(1)
    }

    /// Number of addresses minus one (always fits).
    pub fn num_addresses_minus_one(&self) -> u128 {
        host_bits::<A>(self.prefixlen)
    }

    #[inline]
    pub(crate) fn first_bits(&self) -> u128 {
        self.addr.to_bits()
    }

    #[inline]
    pub(crate) fn last_bits(&self) -> u128 {
        self.addr.to_bits() | host_bits::<A>(self.prefixlen)
    }

    /// `address/prefixlen` (the same text as `Display`).
    pub fn with_prefixlen(&self) -> NetText<A> {
        NetText {
            addr: self.addr,
            style: AddrStyle::Display,
            suffix: Suffix::Prefix(self.prefixlen),
        }
    }

    /// `address/netmask`.
    pub fn with_netmask(&self) -> NetText<A> {
        NetText {
            addr: self.addr,
            style: AddrStyle::Display,
            suffix: Suffix::Mask(self.netmask()),
        }
    }

    /// `address/hostmask`.
    pub fn with_hostmask(&self) -> NetText<A> {
        NetText {
            addr: self.addr,
            style: AddrStyle::Display,
            suffix: Suffix::Mask(self.hostmask()),
        }
    }

    /// The compressed text (same as `Display`).
    pub fn compressed(&self) -> NetText<A> {
        self.with_prefixlen()
    }

    /// The expanded text: IPv6 groups in full hex (`2001:0db8:...:0000/32`),
    /// IPv4 unchanged. CPython re-parses `str(network_address)` here, so a
    /// network whose address carries a scope id fails with
    /// `AddressValueError`; this does the same.
    pub fn exploded(&self) -> Result<NetText<A>, IpError> {
        self.check_unscoped()?;
        Ok(NetText {
            addr: self.addr,
            style: AddrStyle::Full,
            suffix: Suffix::Prefix(self.prefixlen),
        })
    }

    /// CPython's `reverse_pointer` of a network: the reverse DNS form of
    /// its *text*, prefix included (`0/8.0.0.10.in-addr.arpa` for
    /// `10.0.0.0/8`). Fails like [`Network::exploded`] for scoped IPv6.
    pub fn reverse_pointer(&self) -> Result<ReversePointer<A>, IpError> {
        self.check_unscoped()?;
        Ok(ReversePointer {
            addr: self.addr,
            prefixlen: Some(self.prefixlen),
        })
    }

    fn check_unscoped(&self) -> Result<(), IpError> {
        match self.addr.scope_id() {
            None => Ok(()),
            Some(_) => Err(IpError::Address(AddressError {
                kind: AddressErrorKind::Invalid,
                start: 0,
                end: 0,
            })),
        }
    }

    /// Every address, lazily (CPython `iter(network)`).
    pub fn addresses(&self) -> Addresses<A> {
        Addresses::new(Span::new(self.first_bits(), self.last_bits(), 0))
    }

    /// The usable hosts, lazily, with CPython's rules (see [`Hosts`]).
    pub fn hosts(&self) -> Hosts<A> {
        let (first, last) = (self.first_bits(), self.last_bits());
        if self.prefixlen == A::BITS {
            Hosts::new(Some(self.addr), Span::empty())
        } else if self.prefixlen == A::BITS - 1 {
            Hosts::new(None, Span::new(first, last, 0))
        } else if A::VERSION == 4 {
            Hosts::new(None, Span::new(first + 1, last - 1, 0))
        } else {
            Hosts::new(None, Span::new(first + 1, last, 0))
        }
    }

    /// `network[i]`: negative `i` counts from the end (`-1` is the
    /// broadcast address); out of range is [`IpError::Index`].
    pub fn get(&self, i: i128) -> Result<A, IpError> {
        if i >= 0 {
            self.get_from_start(i.unsigned_abs())
        } else {
            // -1 is the last address: 0 steps back from the end.
            self.get_from_end((i + 1).unsigned_abs())
        }
    }

    /// The address `n` steps after the network address (`network[n]`);
    /// with [`Network::get_from_end`] this reaches every index CPython
    /// takes, also those of `::/0` beyond `i128`.
    pub fn get_from_start(&self, n: u128) -> Result<A, IpError> {
        self.check_index(n, false)?;
        Ok(A::from_bits(self.first_bits() + n))
    }

    /// The address `n` steps before the broadcast address
    /// (`network[-n - 1]`).
    pub fn get_from_end(&self, n: u128) -> Result<A, IpError> {
        self.check_index(n, true)?;
        Ok(A::from_bits(self.last_bits() - n))
    }

    fn check_index(&self, n: u128, from_end: bool) -> Result<(), IpError> {
        let span = self.num_addresses_minus_one();
        if n <= span {
            return Ok(());
        }
        // The Python index, saturated into i128 for the error report.
        let i = i128::try_from(n).unwrap_or(i128::MAX);
        let index = if from_end { -i - 1 } else { i };
        Err(IpError::Index {
            index,
            len: span.saturating_add(1),
        })
    }

    /// `addr in network` (scope ids are ignored, as in CPython).
    #[inline]
    pub fn contains(&self, addr: &A) -> bool {
        addr.to_bits() & A::mask_bits(self.prefixlen) == self.addr.to_bits()
    }

    /// True when the two networks share any address.
    #[inline]
    pub fn overlaps(&self, other: &Self) -> bool {
        self.first_bits() <= other.last_bits() && other.first_bits() <= self.last_bits()
    }

    /// True when `self` lies inside `other` (CPython `subnet_of`, including
    /// its comparison of scoped IPv6 network addresses).
    pub fn subnet_of(&self, other: &Self) -> bool {
        cpython_le(&other.addr, &self.addr) && other.last_bits() >= self.last_bits()
    }

    /// True when `other` lies inside `self`.
    pub fn supernet_of(&self, other: &Self) -> bool {
        other.subnet_of(self)
    }

    /// CPython `compare_networks`: network addresses, then netmasks, with
    /// CPython's quirk for scoped IPv6 network addresses.
    pub fn compare_networks(&self, other: &Self) -> Ordering {
        // CPython asks `<` (integers only), then `>`, which `total_ordering`
        // derives as "not < and not ==": equal integers whose scope ids
        // differ come out greater.
        if self.first_bits() < other.first_bits() {
            Ordering::Less
        } else if self.addr != other.addr {
            Ordering::Greater
        } else {
            self.prefixlen.cmp(&other.prefixlen)
        }
    }

    /// The subnets at a longer prefix (CPython `subnets(prefixlen_diff=1,
    /// new_prefix=None)`; `None` means the argument is not given). A host
    /// network yields itself whatever the arguments, as in CPython.
    pub fn subnets(
        &self,
        prefixlen_diff: Option<i64>,
        new_prefix: Option<i64>,
    ) -> Result<Subnets<A>, IpError> {
        if self.prefixlen == A::BITS {
            return Ok(Subnets::single(*self));
        }
        let diff = prefix_diff(self.prefixlen, prefixlen_diff, new_prefix, true)?;
        let new = i128::from(self.prefixlen) + diff;
        if diff < 0 || new > i128::from(A::BITS) {
            return Err(out_of_range::<A>(new));
        }
        let new = new as u8;
        let last = self.last_bits() & A::mask_bits(new);
        Ok(Subnets::new(self.first_bits(), last, new))
    }

    /// The network containing this one at a shorter prefix (CPython
    /// `supernet(prefixlen_diff=1, new_prefix=None)`). A /0 returns itself.
    pub fn supernet(
        &self,
        prefixlen_diff: Option<i64>,
        new_prefix: Option<i64>,
    ) -> Result<Self, IpError> {
        if self.prefixlen == 0 {
            return Ok(*self);
        }
        let diff = prefix_diff(self.prefixlen, prefixlen_diff, new_prefix, false)?;
        let new = i128::from(self.prefixlen) - diff;
        // A negative difference is a negative shift count in CPython.
        if diff < 0 || new < 0 {
            return Err(out_of_range::<A>(new));
        }
        let new = new as u8;
        Ok(Network::from_aligned(
            A::from_bits(self.first_bits() & A::mask_bits(new)),
            new,
        ))
    }

    /// This network minus `other`, as the networks CPython's
    /// `address_exclude` yields, in its order (lazily). `other` must lie
    /// inside `self` ([`ValueError::NotASubnet`] otherwise).
    pub fn address_exclude(&self, other: &Self) -> Result<AddressExclude<A>, IpError> {
        if !other.subnet_of(self) {
            return Err(IpError::Value(ValueError::NotASubnet));
        }
        if other == self {
            return Ok(AddressExclude::empty());
        }
        Ok(AddressExclude::new(*self, *other))
    }

    /// Multicast (both ends of the network are).
    pub fn is_multicast(&self) -> bool {
        self.addr.is_multicast() && self.broadcast_address().is_multicast()
    }

    /// Reserved by the IETF (both ends are).
    pub fn is_reserved(&self) -> bool {
        self.addr.is_reserved() && self.broadcast_address().is_reserved()
    }

    /// Link-local (both ends are).
    pub fn is_link_local(&self) -> bool {
        self.addr.is_link_local() && self.broadcast_address().is_link_local()
    }

    /// The unspecified address as a host network (both ends are).
    pub fn is_unspecified(&self) -> bool {
        self.addr.is_unspecified() && self.broadcast_address().is_unspecified()
    }

    /// Loopback (both ends are).
    pub fn is_loopback(&self) -> bool {
        self.addr.is_loopback() && self.broadcast_address().is_loopback()
    }

    /// CPython's network `is_private`: the whole network lies in one block
    /// of the IANA special-purpose registry marked not globally reachable,
    /// and neither end lies in one of the registry's exceptions. (Unlike the
    /// address flag, IPv4-mapped IPv6 networks are not delegated to IPv4.)
    pub fn is_private(&self) -> bool {
        super::special::net_is_private(A::VERSION, self.first_bits(), self.last_bits())
    }

    /// CPython's network `is_global`: not private, and for IPv4 not inside
    /// the shared address space `100.64.0.0/10` (RFC 6598).
    pub fn is_global(&self) -> bool {
        if A::VERSION == 4 {
            let in_shared = |b: u128| super::special::v4_in_shared(b as u32);
            if in_shared(self.first_bits()) && in_shared(self.last_bits()) {
                return false;
            }
        }
        !self.is_private()
    }
}

impl Network<Ipv6Address> {
    /// Site-local `fec0::/10` (deprecated by RFC 3879; both ends are).
    pub fn is_site_local(&self) -> bool {
        self.addr.is_site_local() && self.broadcast_address().is_site_local()
    }

    /// The scope id of the network address, if it kept one.
    pub fn scope_id(&self) -> Option<&super::ScopeId> {
        self.addr.scope_id()
    }
}

impl<A: Address> fmt::Display for Network<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefixlen)
    }
}

impl<A: Address> fmt::Debug for Network<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IPv{}Network(\"{}\")", A::VERSION, self)
    }
}

impl<A: Address> FromStr for Network<A> {
    type Err = IpError;
    /// `strict=True` parsing, as `IPv4Network(s)` / `IPv6Network(s)`.
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::parse(s, true)
    }
}

impl<A: Address> IntoIterator for Network<A> {
    type Item = A;
    type IntoIter = Addresses<A>;
    fn into_iter(self) -> Addresses<A> {
        self.addresses()
    }
}

/// How the address part of a [`NetText`] is written.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum AddrStyle {
    /// The address's own `Display` (scope id and IPv4-mapped form included).
    Display,
    /// CPython `_string_from_ip_int`: IPv6 compressed hex with no scope id
    /// and no dotted IPv4 tail.
    Plain,
    /// Full form: IPv6 as 8 groups of 4 hex digits, IPv4 dotted.
    Full,
    /// The address's own `exploded` text, with no suffix.
    Exploded,
}

/// What follows the `/`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Suffix<A> {
    Prefix(u8),
    Mask(A),
    None,
}

/// Text of a network or interface (`with_prefixlen`, `with_netmask`,
/// `with_hostmask`, `exploded`), formatted on demand without allocation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct NetText<A: Address> {
    pub(crate) addr: A,
    pub(crate) style: AddrStyle,
    pub(crate) suffix: Suffix<A>,
}

/// Write the 8 IPv6 groups as 4 hex digits each, or IPv4 dotted.
fn write_full<A: Address>(bits: u128, f: &mut dyn fmt::Write) -> fmt::Result {
    if A::VERSION == 4 {
        return write!(f, "{}", A::from_bits(bits));
    }
    for i in 0..8 {
        let group = (bits >> (112 - 16 * i)) & 0xffff;
        if i > 0 {
            f.write_char(':')?;
        }
        write!(f, "{group:04x}")?;
    }
    Ok(())
}

/// True for `::ffff:0:0/96` addresses (CPython `ipv4_mapped` is not None).
#[inline]
pub(crate) fn is_v4_mapped<A: Address>(bits: u128) -> bool {
    A::VERSION == 6 && bits >> 32 == 0xffff
}

impl<A: Address> fmt::Display for NetText<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits = self.addr.to_bits();
        match self.style {
            AddrStyle::Display => write!(f, "{}", self.addr)?,
            // The compressed form of a mapped address as plain hex is always
            // `::ffff:X:Y` (the five leading zero groups win the `::`).
            AddrStyle::Plain if is_v4_mapped::<A>(bits) => {
                write!(f, "::ffff:{:x}:{:x}", (bits >> 16) & 0xffff, bits & 0xffff)?
            }
            AddrStyle::Plain => write!(f, "{}", A::from_bits(bits))?,
            AddrStyle::Full => write_full::<A>(bits, f)?,
            AddrStyle::Exploded => self.addr.without_scope().fmt_exploded(f)?,
        }
        match self.suffix {
            Suffix::Prefix(p) => write!(f, "/{p}"),
            Suffix::Mask(m) => write!(f, "/{m}"),
            Suffix::None => Ok(()),
        }
    }
}

/// CPython's `reverse_pointer` of a network or interface, formatted on
/// demand. CPython reverses the *text* `address/prefixlen`, so the prefix
/// length appears reversed in the name; this keeps that.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ReversePointer<A: Address> {
    pub(crate) addr: A,
    /// `None`: the address's own reverse pointer (IPv4-mapped interfaces).
    pub(crate) prefixlen: Option<u8>,
}

impl<A: Address> fmt::Display for ReversePointer<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(p) = self.prefixlen else {
            return self.addr.without_scope().fmt_reverse_pointer(f);
        };
        let bits = self.addr.to_bits();
        if A::VERSION == 4 {
            // "a.b.c.d/p" split on '.' and reversed.
            let o = |i: u32| (bits >> (24 - 8 * i)) & 0xff;
            return write!(f, "{}/{}.{}.{}.{}.in-addr.arpa", o(3), p, o(2), o(1), o(0));
        }
        // Every character of "xxxx:...:xxxx/p" reversed, colons dropped.
        let (tens, ones) = (p / 10, p % 10);
        write!(f, "{ones}.")?;
        if p >= 100 {
            write!(f, "{}.{}.", tens % 10, tens / 10)?;
        } else if p >= 10 {
            write!(f, "{tens}.")?;
        }
        f.write_str("/.")?;
        for i in 0..32 {
            write!(f, "{:x}.", (bits >> (4 * i)) & 0xf)?;
        }
        f.write_str("ip6.arpa")
    }
}
