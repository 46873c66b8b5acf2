//! IPv4 addresses (CPython `IPv4Address`).

use core::fmt;
use core::str::FromStr;

use super::error::{AddressError, AddressErrorKind, IpError};
use super::family::Address;
use super::special;
use super::text::{self, TextBuf};
use super::v6::Ipv6Address;

/// An IPv4 address: a `u32` with CPython's `IPv4Address` behaviour.
///
/// Parsing is CPython's: exactly four dot-separated ASCII decimal octets,
/// each 0-255, without leading zeros (`010` is ambiguous with octal).
///
/// ```
/// use ipdb_core::ip::Ipv4Address;
/// let a: Ipv4Address = "192.0.2.1".parse().unwrap();
/// assert_eq!(a.to_u32(), 0xc000_0201);
/// assert_eq!(a.to_string(), "192.0.2.1");
/// assert!("192.0.2.01".parse::<Ipv4Address>().is_err());
/// assert!(a.is_private() && !a.is_global());
/// ```
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ipv4Address(u32);

impl Ipv4Address {
    /// Longest text form: `255.255.255.255`.
    pub const MAX_TEXT_LEN: usize = 15;

    /// From the integer value.
    pub const fn from_u32(v: u32) -> Self {
        Ipv4Address(v)
    }

    /// The integer value.
    pub const fn to_u32(self) -> u32 {
        self.0
    }

    /// From the four octets, most significant first.
    pub const fn from_octets(o: [u8; 4]) -> Self {
        Ipv4Address(u32::from_be_bytes(o))
    }

    /// The four octets, most significant first.
    pub const fn octets(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }

    /// The packed (network order) bytes: CPython's `packed`.
    pub const fn packed(self) -> [u8; 4] {
        self.octets()
    }

    /// From packed bytes (CPython `IPv4Address(b'...')`): exactly 4 bytes.
    pub fn from_packed(b: &[u8]) -> Result<Self, IpError> {
        match <[u8; 4]>::try_from(b) {
            Ok(o) => Ok(Self::from_octets(o)),
            Err(_) => Err(AddressError::bare(AddressErrorKind::PackedLength {
                version: 4,
                len: b.len(),
            })
            .into()),
        }
    }

    /// From an integer (CPython `IPv4Address(int)`): `0 ..= 2**32 - 1`.
    pub fn from_int(v: i128) -> Result<Self, IpError> {
        u32::try_from(v).map(Ipv4Address).map_err(|_| {
            AddressError::bare(AddressErrorKind::IntOutOfRange {
                version: 4,
                negative: v < 0,
            })
            .into()
        })
    }

    /// [`IpAddress::parse_common`] for IPv4: `Some` exactly when
    /// [`parse`](Self::parse) accepts the text (IPv4 has no rare
    /// spellings), from bytes, without a UTF-8 check.
    #[inline]
    pub fn parse_common(b: &[u8]) -> Option<Self> {
        parse_fast(b).map(Ipv4Address)
    }

    /// Parse CPython's `IPv4Address(s)` text form; errors are `AddressValueError`s
    /// naming the octet.
    pub fn parse(s: &str) -> Result<Self, IpError> {
        parse_bytes(s.as_bytes(), 0)
            .map(Ipv4Address)
            .map_err(IpError::Address)
    }

    /// The fully written form: for IPv4 the same as [`Display`](fmt::Display).
    pub const fn exploded(self) -> Ipv4Address {
        self
    }

    /// The reverse DNS name: `4.3.2.1.in-addr.arpa` for `1.2.3.4` (RFC 1035 3.5).
    pub fn reverse_pointer(&self) -> impl fmt::Display {
        ReversePointer(*self)
    }

    /// `::ffff:a.b.c.d`, the IPv4-mapped IPv6 address (RFC 4291 2.5.5.2).
    pub const fn ipv6_mapped(self) -> Ipv6Address {
        Ipv6Address::from_u128(0xffff_0000_0000 | self.0 as u128)
    }

    /// 4.
    pub const fn version(self) -> u8 {
        4
    }

    /// 32 (CPython's `max_prefixlen`).
    pub const fn max_prefixlen(self) -> u8 {
        32
    }

    /// `self + delta` (CPython `addr + int`); leaving the address space is an
    /// `AddressValueError` (`Overflow`).
    pub fn checked_add(self, delta: i128) -> Result<Self, IpError> {
        self.checked_offset(delta < 0, delta.unsigned_abs())
    }

    /// `self - delta` (CPython `addr - int`).
    pub fn checked_sub(self, delta: i128) -> Result<Self, IpError> {
        self.checked_offset(delta > 0, delta.unsigned_abs())
    }

    /// `self ± magnitude`, for offsets wider than `i128` (Python ints are
    /// unbounded): subtracts when `negative`.
    pub fn checked_offset(self, negative: bool, magnitude: u128) -> Result<Self, IpError> {
        let v = self.0 as u128;
        let r = if negative {
            v.checked_sub(magnitude)
        } else {
            v.checked_add(magnitude)
        };
        match r.and_then(|r| u32::try_from(r).ok()) {
            Some(r) => Ok(Ipv4Address(r)),
            None => Err(AddressError::bare(AddressErrorKind::Overflow { version: 4 }).into()),
        }
    }

    /// Python's `format(addr, spec)`: `''`/`s` forms format the text like a
    /// Python `str` (fill, align, width, precision), `b`/`x`/`X`/`n` with
    /// optional `#` and `_` give the zero-padded integer. Other specs are a
    /// `TypeError`, bad string specs a `ValueError`, as in CPython.
    ///
    /// ```
    /// use ipdb_core::ip::{Ipv4Address, TextBuf};
    /// let a: Ipv4Address = "192.168.0.1".parse().unwrap();
    /// let mut out = TextBuf::<64>::new();
    /// a.format_spec("#_x", &mut out).unwrap();
    /// assert_eq!(out.as_str(), "0xc0a8_0001");
    /// ```
    pub fn format_spec(&self, spec: &str, out: &mut dyn fmt::Write) -> Result<(), IpError> {
        text::format_address(spec, 4, self.0 as u128, self.text().as_str(), out)
    }

    /// The text into a stack buffer (no `core::fmt` machinery).
    #[inline]
    pub(crate) fn text(&self) -> TextBuf<{ Self::MAX_TEXT_LEN }> {
        let mut t = TextBuf::new();
        self.push_text(&mut t);
        t
    }

    #[inline]
    pub(crate) fn push_text<const N: usize>(&self, t: &mut TextBuf<N>) {
        let [a, b, c, d] = self.octets();
        t.push_dec_u8(a);
        t.push(b'.');
        t.push_dec_u8(b);
        t.push(b'.');
        t.push_dec_u8(c);
        t.push(b'.');
        t.push_dec_u8(d);
    }

    /// 0.0.0.0 (RFC 5735 3).
    pub const fn is_unspecified(&self) -> bool {
        self.0 == 0
    }
    /// In 224.0.0.0/4 (RFC 3171).
    pub const fn is_multicast(&self) -> bool {
        special::v4_is_multicast(self.0)
    }
    /// Not globally reachable per the IANA IPv4 special-purpose registry,
    /// except that 100.64.0.0/10 is neither private nor global (CPython).
    pub const fn is_private(&self) -> bool {
        special::v4_is_private(self.0)
    }
    /// Globally reachable per the IANA IPv4 special-purpose registry.
    pub const fn is_global(&self) -> bool {
        special::v4_is_global(self.0)
    }
    /// In 240.0.0.0/4 (RFC 1112 "future use").
    pub const fn is_reserved(&self) -> bool {
        special::v4_is_reserved(self.0)
    }
    /// In 127.0.0.0/8 (RFC 3330).
    pub const fn is_loopback(&self) -> bool {
        special::v4_is_loopback(self.0)
    }
    /// In 169.254.0.0/16 (RFC 3927).
    pub const fn is_link_local(&self) -> bool {
        special::v4_is_link_local(self.0)
    }
}

/// Parse dotted-quad bytes; error offsets are shifted by `base` (the
/// position of this text inside a longer input, e.g. an IPv6 tail).
///
/// One tight pass accepts exactly what CPython accepts; on failure a second,
/// slower pass finds the error CPython would report first.
#[inline]
pub(crate) fn parse_bytes(s: &[u8], base: usize) -> Result<u32, AddressError> {
    match parse_fast(s) {
        Some(v) => Ok(v),
        None => Err(explain(s, base)),
    }
}

#[inline]
pub(crate) fn parse_fast(s: &[u8]) -> Option<u32> {
    if s.len() < 7 || s.len() > 15 {
        return None;
    }
    let (a, i) = octet(s, 0)?;
    let (b, i) = octet(s, dot(s, i)?)?;
    let (c, i) = octet(s, dot(s, i)?)?;
    let (d, i) = octet(s, dot(s, i)?)?;
    if i != s.len() {
        return None;
    }
    Some(a << 24 | b << 16 | c << 8 | d)
}

#[inline(always)]
fn dot(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) == Some(&b'.') {
        Some(i + 1)
    } else {
        None
    }
}

#[inline(always)]
fn digit(s: &[u8], i: usize) -> Option<u32> {
    match s.get(i) {
        Some(&c) if c.is_ascii_digit() => Some((c - b'0') as u32),
        _ => None,
    }
}

/// One octet at `i`: 1-3 digits, no leading zero, at most 255; returns the
/// value and the index after it. A 4th digit is left for the caller to
/// refuse (it expects a `.` or the end).
#[inline(always)]
fn octet(s: &[u8], i: usize) -> Option<(u32, usize)> {
    let d0 = digit(s, i)?;
    let Some(d1) = digit(s, i + 1) else {
        return Some((d0, i + 1));
    };
    if d0 == 0 {
        return None;
    }
    let Some(d2) = digit(s, i + 2) else {
        return Some((d0 * 10 + d1, i + 2));
    };
    let v = d0 * 100 + d1 * 10 + d2;
    if v > 255 {
        return None;
    }
    Some((v, i + 3))
}

/// The first error CPython's `IPv4Address(s)` reports, in its order: `/`,
/// empty, octet count, then each octet (empty, non-digit, length, leading
/// zero, value).
#[cold]
#[inline(never)]
fn explain(s: &[u8], base: usize) -> AddressError {
    use AddressErrorKind::*;
    let whole = |kind| AddressError::at(kind, base, base + s.len());
    if let Some(p) = s.iter().position(|&c| c == b'/') {
        return AddressError::at(UnexpectedSlash, base + p, base + p + 1);
    }
    if s.is_empty() {
        return whole(Empty);
    }
    let dots = s.iter().filter(|&&c| c == b'.').count();
    if dots != 3 {
        return whole(OctetCount {
            found: (dots + 1).min(255) as u8,
        });
    }
    let mut start = 0;
    for (idx, octet) in s.split(|&c| c == b'.').enumerate() {
        let part = idx as u8 + 1;
        let at = |kind| AddressError::at(kind, base + start, base + start + octet.len());
        if octet.is_empty() {
            return at(EmptyOctet { part });
        }
        if !octet.iter().all(u8::is_ascii_digit) {
            return at(OctetNotDecimal { part });
        }
        if octet.len() > 3 {
            return at(OctetTooLong { part });
        }
        if octet.len() > 1 && octet[0] == b'0' {
            return at(OctetLeadingZero { part });
        }
        let value = octet.iter().fold(0u16, |v, &c| v * 10 + (c - b'0') as u16);
        if value > 255 {
            return at(OctetTooLarge { part, value });
        }
        start += octet.len() + 1;
    }
    // Unreachable for text the fast path refused; kept total.
    whole(Invalid)
}

struct ReversePointer(Ipv4Address);

impl fmt::Display for ReversePointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0.octets();
        let mut t = TextBuf::<{ 15 + 13 }>::new();
        for o in [d, c, b, a] {
            t.push_dec_u8(o);
            t.push(b'.');
        }
        t.push_str("in-addr.arpa");
        f.pad(t.as_str())
    }
}

impl fmt::Display for Ipv4Address {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.text().as_str())
    }
}

impl fmt::Debug for Ipv4Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ipv4Address({})", self)
    }
}

impl FromStr for Ipv4Address {
    type Err = IpError;
    #[inline]
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::parse(s)
    }
}

impl From<u32> for Ipv4Address {
    fn from(v: u32) -> Self {
        Ipv4Address(v)
    }
}

impl From<Ipv4Address> for u32 {
    fn from(a: Ipv4Address) -> u32 {
        a.0
    }
}

impl From<[u8; 4]> for Ipv4Address {
    fn from(o: [u8; 4]) -> Self {
        Self::from_octets(o)
    }
}

impl From<core::net::Ipv4Addr> for Ipv4Address {
    fn from(a: core::net::Ipv4Addr) -> Self {
        Ipv4Address(a.to_bits())
    }
}

impl From<Ipv4Address> for core::net::Ipv4Addr {
    fn from(a: Ipv4Address) -> Self {
        core::net::Ipv4Addr::from_bits(a.0)
    }
}

impl Address for Ipv4Address {
    const BITS: u8 = 32;
    const VERSION: u8 = 4;

    #[inline]
    fn to_bits(&self) -> u128 {
        self.0 as u128
    }
    #[inline]
    fn from_bits(bits: u128) -> Self {
        Ipv4Address(bits as u32)
    }
    #[inline]
    fn parse_address(s: &str) -> Result<Self, IpError> {
        Self::parse(s)
    }
    #[inline]
    fn parse_common(b: &[u8]) -> Option<Self> {
        Ipv4Address::parse_common(b)
    }
    fn is_multicast(&self) -> bool {
        Ipv4Address::is_multicast(self)
    }
    fn is_private(&self) -> bool {
        Ipv4Address::is_private(self)
    }
    fn is_global(&self) -> bool {
        Ipv4Address::is_global(self)
    }
    fn is_reserved(&self) -> bool {
        Ipv4Address::is_reserved(self)
    }
    fn is_loopback(&self) -> bool {
        Ipv4Address::is_loopback(self)
    }
    fn is_link_local(&self) -> bool {
        Ipv4Address::is_link_local(self)
    }
    fn fmt_exploded(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(self.text().as_str())
    }
    fn fmt_reverse_pointer(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        write!(f, "{}", self.reverse_pointer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn kind(s: &str) -> AddressErrorKind {
        match Ipv4Address::parse(s) {
            Err(IpError::Address(e)) => e.kind,
            other => panic!("{:?} parsed as {:?}", s, other),
        }
    }

    #[test]
    fn parses_valid() {
        for (s, v) in [
            ("0.0.0.0", 0u32),
            ("255.255.255.255", u32::MAX),
            ("1.2.3.4", 0x01020304),
            ("10.0.0.1", 0x0a000001),
            ("192.168.100.200", 0xc0a864c8),
        ] {
            assert_eq!(Ipv4Address::parse(s).unwrap().to_u32(), v, "{}", s);
            assert_eq!(Ipv4Address::from_u32(v).to_string(), s);
        }
    }

    #[test]
    fn rejects_like_cpython() {
        use AddressErrorKind::*;
        assert_eq!(kind(""), Empty);
        assert_eq!(kind("1.2.3"), OctetCount { found: 3 });
        assert_eq!(kind("1.2.3.4.5"), OctetCount { found: 5 });
        assert_eq!(kind("1..3.4"), EmptyOctet { part: 2 });
        assert_eq!(kind("1.2.3."), EmptyOctet { part: 4 });
        assert_eq!(kind("1.2.3.04"), OctetLeadingZero { part: 4 });
        assert_eq!(kind("1.2.3.00"), OctetLeadingZero { part: 4 });
        assert_eq!(
            kind("1.2.3.256"),
            OctetTooLarge {
                part: 4,
                value: 256
            }
        );
        assert_eq!(
            kind("1.2.3.999"),
            OctetTooLarge {
                part: 4,
                value: 999
            }
        );
        assert_eq!(kind("1.2.3.1000"), OctetTooLong { part: 4 });
        assert_eq!(kind("1.2.3.0x1"), OctetNotDecimal { part: 4 });
        assert_eq!(kind(" 1.2.3.4"), OctetNotDecimal { part: 1 });
        assert_eq!(kind("1.2.3.4 "), OctetNotDecimal { part: 4 });
        assert_eq!(kind("1.2.3.+4"), OctetNotDecimal { part: 4 });
        assert_eq!(kind("１.2.3.4"), OctetNotDecimal { part: 1 });
        assert_eq!(kind("1.2.3.4/32"), UnexpectedSlash);
        // CPython checks the digits before the length.
        assert_eq!(kind("1.2.3.000a"), OctetNotDecimal { part: 4 });
    }

    #[test]
    fn error_positions_and_text() {
        let IpError::Address(e) = Ipv4Address::parse("1.2.3.04").unwrap_err() else {
            panic!()
        };
        assert_eq!((e.start, e.end), (6, 8));
        assert_eq!(
            e.to_string(),
            "octet 4 has a leading zero (ambiguous with octal) (at bytes 6..8)"
        );
    }

    #[test]
    fn flags() {
        let a = |s: &str| Ipv4Address::parse(s).unwrap();
        assert!(!a("100.64.0.1").is_private() && !a("100.64.0.1").is_global());
        assert!(a("192.0.0.9").is_global());
        assert!(a("192.0.0.8").is_private());
        assert!(a("127.0.0.1").is_loopback());
        assert!(a("224.0.0.1").is_multicast());
        assert!(a("240.0.0.1").is_reserved() && a("255.255.255.255").is_private());
        assert!(a("169.254.1.1").is_link_local());
        assert!(a("0.0.0.0").is_unspecified());
        assert!(a("8.8.8.8").is_global());
    }

    #[test]
    fn arithmetic() {
        let a = Ipv4Address::from_u32(10);
        assert_eq!(a.checked_add(5).unwrap().to_u32(), 15);
        assert_eq!(a.checked_sub(10).unwrap().to_u32(), 0);
        assert!(a.checked_sub(11).is_err());
        assert!(Ipv4Address::from_u32(u32::MAX).checked_add(1).is_err());
        assert!(a.checked_add(i128::MIN).is_err());
        assert_eq!(
            a.checked_sub(i128::MIN).unwrap_err().python_class(),
            "AddressValueError"
        );
    }

    #[test]
    fn texts() {
        let a = Ipv4Address::parse("1.2.3.4").unwrap();
        assert_eq!(a.reverse_pointer().to_string(), "4.3.2.1.in-addr.arpa");
        assert_eq!(a.ipv6_mapped().to_string(), "::ffff:1.2.3.4");
        assert_eq!(std::format!("{:>9}", Ipv4Address::from_u32(0)), "  0.0.0.0");
        assert_eq!(std::format!("{:?}", a), "Ipv4Address(1.2.3.4)");
        assert_eq!(
            Ipv4Address::from_packed(&[1, 2, 3])
                .unwrap_err()
                .python_class(),
            "AddressValueError"
        );
        assert!(Ipv4Address::from_int(1 << 32).is_err() && Ipv4Address::from_int(-1).is_err());
    }

    proptest::proptest! {
        /// The fast path accepts exactly what the CPython-ordered checks accept.
        #[test]
        fn fast_path_agrees_with_explain(s in "[0-9.]{0,18}") {
            let b = s.as_bytes();
            let explained = explain(b, 0);
            match parse_fast(b) {
                Some(_) => proptest::prop_assert_eq!(explained.kind, AddressErrorKind::Invalid, "{:?}", s),
                None => proptest::prop_assert_ne!(explained.kind, AddressErrorKind::Invalid, "{:?}", s),
            }
        }
    }
}
