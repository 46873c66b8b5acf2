//! IPv6 addresses (CPython `IPv6Address`), with an optional scope id.

use core::fmt;
use core::str::FromStr;

use super::error::{AddressError, AddressErrorKind, IpError};
use super::family::Address;
use super::scope::ScopeId;
use super::special;
use super::text::{self, TextBuf};
use super::v4::{self, Ipv4Address};

/// Longest address part CPython accepts, in characters (before any `%scope`).
const MAX_ADDR_CHARS: usize = 45;

/// An IPv6 address: a `u128` and an optional scope id (zone), with CPython's
/// `IPv6Address` behaviour.
///
/// Equality, hashing and order include the scope id, as CPython's equality
/// does (`fe80::1%eth0 != fe80::1`); addresses order by their bits first,
/// then by scope text (no scope first). The type is 64 bytes: the scope is
/// kept inline, so it stays `Copy`.
///
/// Text forms follow CPython: RFC 5952 compression, except that
/// IPv4-mapped addresses print as `::ffff:a.b.c.d`.
///
/// ```
/// use ipdb_core::ip::Ipv6Address;
/// let a: Ipv6Address = "2001:DB8:0:0:1::1%eth0".parse().unwrap();
/// assert_eq!(a.to_string(), "2001:db8::1:0:0:1%eth0");
/// assert_eq!(a.scope_id().unwrap().as_str(), "eth0");
/// assert_eq!(a.exploded().to_string(), "2001:0db8:0000:0000:0001:0000:0000:0001%eth0");
/// let m: Ipv6Address = "::ffff:7f61:1829".parse().unwrap();
/// assert_eq!(m.to_string(), "::ffff:127.97.24.41");
/// assert!(m.is_private()); // delegated to 127.97.24.41
/// ```
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv6Address {
    bits: u128,
    // `ScopeId::NONE` (length 0) when there is no scope.
    scope: ScopeId,
}

const _: () = assert!(core::mem::size_of::<Ipv6Address>() <= 64);

impl Ipv6Address {
    /// Longest text form: 39 characters, `%`, and the longest scope.
    pub const MAX_TEXT_LEN: usize = 39 + 1 + ScopeId::CAPACITY;
    /// `::`
    pub const UNSPECIFIED: Ipv6Address = Ipv6Address::from_u128(0);
    /// `::1`
    pub const LOOPBACK: Ipv6Address = Ipv6Address::from_u128(1);

    /// From the integer value, without scope.
    pub const fn from_u128(bits: u128) -> Self {
        Ipv6Address {
            bits,
            scope: ScopeId::NONE,
        }
    }

    /// The integer value (the scope is not part of it).
    pub const fn to_u128(self) -> u128 {
        self.bits
    }

    /// From eight 16-bit groups, most significant first.
    pub const fn from_segments(s: [u16; 8]) -> Self {
        let mut bits = 0u128;
        let mut i = 0;
        while i < 8 {
            bits = bits << 16 | s[i] as u128;
            i += 1;
        }
        Self::from_u128(bits)
    }

    /// The eight 16-bit groups, most significant first.
    pub const fn segments(self) -> [u16; 8] {
        let b = self.bits;
        [
            (b >> 112) as u16,
            (b >> 96) as u16,
            (b >> 80) as u16,
            (b >> 64) as u16,
            (b >> 48) as u16,
            (b >> 32) as u16,
            (b >> 16) as u16,
            b as u16,
        ]
    }

    /// From the sixteen octets, most significant first.
    pub const fn from_octets(o: [u8; 16]) -> Self {
        Self::from_u128(u128::from_be_bytes(o))
    }

    /// The sixteen octets, most significant first.
    pub const fn octets(self) -> [u8; 16] {
        self.bits.to_be_bytes()
    }

    /// The packed (network order) bytes: CPython's `packed`.
    pub const fn packed(self) -> [u8; 16] {
        self.octets()
    }

    /// From packed bytes (CPython `IPv6Address(b'...')`): exactly 16 bytes.
    pub fn from_packed(b: &[u8]) -> Result<Self, IpError> {
        match <[u8; 16]>::try_from(b) {
            Ok(o) => Ok(Self::from_octets(o)),
            Err(_) => Err(AddressError::bare(AddressErrorKind::PackedLength {
                version: 6,
                len: b.len(),
            })
            .into()),
        }
    }

    /// [`IpAddress::parse_common`] for IPv6: `Some` for the common
    /// spellings without `%scope`, from bytes, without a UTF-8 check;
    /// `None` leaves the text to [`parse`](Self::parse).
    #[inline]
    pub fn parse_common(b: &[u8]) -> Option<Self> {
        parse_fast(b).map(Ipv6Address::from_u128)
    }

    /// Parse CPython's `IPv6Address(s)` text form, `%scope` included; errors
    /// are `AddressValueError`s naming the group and the rule.
    pub fn parse(s: &str) -> Result<Self, IpError> {
        parse_text(s, 0).map_err(IpError::Address)
    }

    /// The scope id (zone), if any.
    pub fn scope_id(&self) -> Option<&ScopeId> {
        if self.scope.is_empty() {
            None
        } else {
            Some(&self.scope)
        }
    }

    /// The same address with `scope` as its scope id.
    pub const fn with_scope(self, scope: ScopeId) -> Self {
        Ipv6Address {
            bits: self.bits,
            scope,
        }
    }

    /// The same address without a scope id.
    pub const fn without_scope(self) -> Self {
        Self::from_u128(self.bits)
    }

    /// 6.
    pub const fn version(self) -> u8 {
        6
    }

    /// 128 (CPython's `max_prefixlen`).
    pub const fn max_prefixlen(self) -> u8 {
        128
    }

    /// The fully written form (`exploded`): eight 4-digit groups, then
    /// `%scope`. IPv4-mapped addresses end in the dotted quad instead, and,
    /// as in CPython, lose their scope there.
    pub fn exploded(&self) -> impl fmt::Display + '_ {
        Exploded(self)
    }

    /// The reverse DNS name under `ip6.arpa` (RFC 3596 2.5). CPython builds it
    /// from the exploded text, so a scope id shows up reversed in front;
    /// this does the same.
    pub fn reverse_pointer(&self) -> impl fmt::Display + '_ {
        ReversePointer(self)
    }

    /// The RFC 5952 hex form CPython's `_string_from_ip_int` gives: no
    /// `::ffff:a.b.c.d` form and no scope (what interfaces use in
    /// `with_prefixlen` and friends).
    pub fn plain(&self) -> impl fmt::Display {
        Plain(self.bits)
    }

    /// The embedded IPv4 address of `::ffff:0:0/96` (RFC 4291 2.5.5.2).
    pub const fn ipv4_mapped(&self) -> Option<Ipv4Address> {
        if self.bits >> 32 == 0xffff {
            Some(Ipv4Address::from_u32(self.bits as u32))
        } else {
            None
        }
    }

    /// The embedded IPv4 address of a 6to4 address, `2002::/16` (RFC 3056).
    pub const fn sixtofour(&self) -> Option<Ipv4Address> {
        if self.bits >> 112 == 0x2002 {
            Some(Ipv4Address::from_u32((self.bits >> 80) as u32))
        } else {
            None
        }
    }

    /// `(server, client)` of a Teredo address, `2001::/32` (RFC 4380); the
    /// client is stored inverted.
    pub const fn teredo(&self) -> Option<(Ipv4Address, Ipv4Address)> {
        if self.bits >> 96 == 0x2001_0000 {
            Some((
                Ipv4Address::from_u32((self.bits >> 64) as u32),
                Ipv4Address::from_u32(!(self.bits as u32)),
            ))
        } else {
            None
        }
    }

    /// `self + delta` (CPython `addr + int`, which drops the scope);
    /// leaving the address space is an `AddressValueError` (`Overflow`).
    pub fn checked_add(&self, delta: i128) -> Result<Self, IpError> {
        self.checked_offset(delta < 0, delta.unsigned_abs())
    }

    /// `self - delta` (CPython `addr - int`).
    pub fn checked_sub(&self, delta: i128) -> Result<Self, IpError> {
        self.checked_offset(delta > 0, delta.unsigned_abs())
    }

    /// `self ± magnitude`, for offsets wider than `i128`: subtracts when `negative`.
    pub fn checked_offset(&self, negative: bool, magnitude: u128) -> Result<Self, IpError> {
        let r = if negative {
            self.bits.checked_sub(magnitude)
        } else {
            self.bits.checked_add(magnitude)
        };
        r.map(Self::from_u128)
            .ok_or_else(|| AddressError::bare(AddressErrorKind::Overflow { version: 6 }).into())
    }

    /// Python's `format(addr, spec)`; see [`Ipv4Address::format_spec`]. The
    /// string forms include the scope, the integer forms do not.
    pub fn format_spec(&self, spec: &str, out: &mut dyn fmt::Write) -> Result<(), IpError> {
        text::format_address(spec, 6, self.bits, self.text().as_str(), out)
    }

    /// The full text (`str()`), scope included, in a stack buffer.
    pub(crate) fn text(&self) -> TextBuf<{ Self::MAX_TEXT_LEN }> {
        let mut t = TextBuf::new();
        push_compressed(self.bits, &mut t);
        if !self.scope.is_empty() {
            t.push(b'%');
            t.push_str(self.scope.as_str());
        }
        t
    }

    /// In ff00::/8 (RFC 4291 2.7); IPv4-mapped: the IPv4 flag.
    pub const fn is_multicast(&self) -> bool {
        match self.ipv4_mapped() {
            Some(a) => a.is_multicast(),
            None => special::v6_is_multicast(self.bits),
        }
    }
    /// Not globally reachable per the IANA IPv6 special-purpose registry;
    /// IPv4-mapped: the IPv4 flag.
    pub const fn is_private(&self) -> bool {
        match self.ipv4_mapped() {
            Some(a) => a.is_private(),
            None => special::v6_is_private(self.bits),
        }
    }
    /// Globally reachable (the opposite of [`is_private`](Self::is_private));
    /// IPv4-mapped: the IPv4 flag.
    pub const fn is_global(&self) -> bool {
        match self.ipv4_mapped() {
            Some(a) => a.is_global(),
            None => !special::v6_is_private(self.bits),
        }
    }
    /// `::` (RFC 4291 2.5.2); IPv4-mapped: the IPv4 flag.
    pub const fn is_unspecified(&self) -> bool {
        match self.ipv4_mapped() {
            Some(a) => a.is_unspecified(),
            None => self.bits == 0,
        }
    }
    /// In a block the IPv6 address architecture leaves unassigned;
    /// IPv4-mapped: the IPv4 flag.
    pub const fn is_reserved(&self) -> bool {
        match self.ipv4_mapped() {
            Some(a) => a.is_reserved(),
            None => special::v6_is_reserved(self.bits),
        }
    }
    /// `::1` (RFC 4291 2.5.3); IPv4-mapped: the IPv4 flag.
    pub const fn is_loopback(&self) -> bool {
        match self.ipv4_mapped() {
            Some(a) => a.is_loopback(),
            None => self.bits == 1,
        }
    }
    /// In fe80::/10 (RFC 4291 2.5.6); IPv4-mapped: the IPv4 flag.
    pub const fn is_link_local(&self) -> bool {
        match self.ipv4_mapped() {
            Some(a) => a.is_link_local(),
            None => special::v6_is_link_local(self.bits),
        }
    }
    /// In fec0::/10, the deprecated site-local block (RFC 3879). Not
    /// delegated for IPv4-mapped addresses (as in CPython).
    pub const fn is_site_local(&self) -> bool {
        special::v6_is_site_local(self.bits)
    }
}

/// Parse `addr[%scope]`; error offsets are shifted by `base`.
pub(crate) fn parse_text(s: &str, base: usize) -> Result<Ipv6Address, AddressError> {
    let b = s.as_bytes();
    // The common case first: the fast path accepts neither '/' nor '%'.
    if let Some(bits) = parse_fast(b) {
        return Ok(Ipv6Address::from_u128(bits));
    }
    // CPython rejects '/' before splitting off the scope; one scan finds both.
    let mut percent = None;
    for (p, &c) in b.iter().enumerate() {
        if c == b'/' {
            return Err(AddressError::at(
                AddressErrorKind::UnexpectedSlash,
                base + p,
                base + p + 1,
            ));
        }
        if c == b'%' && percent.is_none() {
            percent = Some(p);
        }
    }
    match percent {
        None => Ok(Ipv6Address::from_u128(parse_bits(b, base)?)),
        Some(p) => {
            let (addr, scope) = (s.get(..p).unwrap_or(""), s.get(p + 1..).unwrap_or(""));
            if scope.is_empty() || scope.as_bytes().contains(&b'%') {
                return Err(AddressError::at(
                    AddressErrorKind::BadScope,
                    base + p,
                    base + s.len(),
                ));
            }
            let bits = parse_bits(addr.as_bytes(), base)?;
            Ok(Ipv6Address {
                bits,
                scope: ScopeId::from_text(scope, base + p + 1)?,
            })
        }
    }
}

/// One `:`-separated part of the text: a byte range, or a group already
/// decoded from the IPv4 tail.
#[derive(Copy, Clone, Default)]
struct Part {
    start: u8,
    end: u8,
    decoded: Option<u16>,
}

impl Part {
    fn is_empty(&self) -> bool {
        self.decoded.is_none() && self.start == self.end
    }
}

/// The address part (no scope) to its bits: CPython's
/// `_BaseV6._ip_int_from_string`, step for step, on byte ranges instead of
/// a list of strings, so the same texts pass and the same first error is
/// reported.
#[inline]
pub(crate) fn parse_bits(s: &[u8], base: usize) -> Result<u128, AddressError> {
    match parse_fast(s) {
        Some(v) => Ok(v),
        None => parse_exact(s, base),
    }
}

/// One pass over the text for the common spellings. It accepts only what
/// CPython accepts (and decodes it the same way); anything it is unsure of,
/// valid or not, goes to [`parse_exact`], which decides and explains.
#[inline]
fn parse_fast(s: &[u8]) -> Option<u128> {
    if s.len() > MAX_ADDR_CHARS {
        return None;
    }
    // Groups are shifted into `acc` as they come; `gap` is how many came
    // before the `::`, which is widened once at the end.
    let mut acc = 0u128;
    let mut n = 0u32; // groups written
    let mut gap = None;
    let mut i = 0;
    if s.len() >= 2 && s[0] == b':' && s[1] == b':' {
        gap = Some(0);
        i = 2;
        if s.len() == 2 {
            return Some(0);
        }
    }
    loop {
        let start = i;
        let mut v = 0u32;
        while i < s.len() && i - start < 4 {
            let d = HEX_VALUE[s[i] as usize];
            if d > 15 {
                break;
            }
            v = v << 4 | d as u32;
            i += 1;
        }
        if i == start {
            return None;
        }
        if i < s.len() && s[i] == b'.' {
            // An IPv4 tail: the rest of the text, two more groups.
            if n > 6 {
                return None;
            }
            let v4 = v4::parse_fast(s.get(start..)?)?;
            acc = acc << 32 | v4 as u128;
            n += 2;
            break;
        }
        if n == 8 {
            return None;
        }
        acc = acc << 16 | v as u128;
        n += 1;
        if i == s.len() {
            break;
        }
        if s[i] != b':' {
            return None;
        }
        i += 1;
        if i < s.len() && s[i] == b':' {
            if gap.is_some() {
                return None;
            }
            gap = Some(n);
            i += 1;
            if i == s.len() {
                break;
            }
        } else if i == s.len() {
            return None;
        }
    }
    match gap {
        None if n == 8 => Some(acc),
        Some(at) if n <= 7 => {
            // `acc` holds `at` head groups above `n - at` tail groups; move
            // the head up to the top of the address.
            let tail_bits = 16 * (n - at);
            let tail = acc & !(u128::MAX.checked_shl(tail_bits).unwrap_or(0));
            let head = acc.checked_shr(tail_bits).unwrap_or(0);
            Some(head.checked_shl(16 * (8 - at)).unwrap_or(0) | tail)
        }
        _ => None,
    }
}

/// Hex digit values by byte; 0xff for everything else.
static HEX_VALUE: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'9' => c as u8 - b'0',
            b'a'..=b'f' => c as u8 - b'a' + 10,
            b'A'..=b'F' => c as u8 - b'A' + 10,
            _ => 0xff,
        };
        c += 1;
    }
    t
};

/// CPython's algorithm, exactly; used when [`parse_fast`] declines.
#[cold]
fn parse_exact(s: &[u8], base: usize) -> Result<u128, AddressError> {
    use AddressErrorKind::*;
    let whole = |kind| AddressError::at(kind, base, base + s.len());
    if s.is_empty() {
        return Err(whole(Empty));
    }
    if s.len() > MAX_ADDR_CHARS {
        // The limit counts characters; bytes of non-ASCII text can exceed
        // it while the characters do not (then a group check refuses it).
        let chars = s.iter().filter(|&&c| (c as i8) >= -0x40).count();
        if chars > MAX_ADDR_CHARS {
            return Err(whole(TooLong { len: chars }));
        }
    }
    // Split on ':' at most 9 times (10 parts), like `split(':', 9)`; one
    // slot more for the IPv4 tail's second group.
    let mut parts = [Part::default(); 11];
    let mut n = 0;
    let mut start = 0;
    for (i, &c) in s.iter().enumerate() {
        if c == b':' && n < 9 {
            parts[n] = Part {
                start: start as u8,
                end: i as u8,
                decoded: None,
            };
            n += 1;
            start = i + 1;
        }
    }
    parts[n] = Part {
        start: start as u8,
        end: s.len() as u8,
        decoded: None,
    };
    n += 1;
    if n < 3 {
        return Err(whole(TooFewParts { found: n as u8 }));
    }
    let text = |p: &Part| s.get(p.start as usize..p.end as usize).unwrap_or(&[]);

    let last = parts[n - 1];
    if text(&last).contains(&b'.') {
        let v4 = v4::parse_bytes(text(&last), base + last.start as usize)?;
        parts[n - 1] = Part {
            decoded: Some((v4 >> 16) as u16),
            ..last
        };
        parts[n] = Part {
            decoded: Some(v4 as u16),
            ..last
        };
        n += 1;
    }
    if n > 9 {
        return Err(whole(TooManyColons));
    }

    let mut skip = None;
    for (i, p) in parts.iter().enumerate().take(n - 1).skip(1) {
        if p.is_empty() {
            if skip.is_some() {
                return Err(AddressError::at(
                    MultipleDoubleColon,
                    base + p.start as usize - 1,
                    base + p.end as usize + 1,
                ));
            }
            skip = Some(i);
        }
    }

    let (hi, lo, skipped);
    match skip {
        Some(k) => {
            let (mut h, mut l) = (k, n - k - 1);
            if parts[0].is_empty() {
                h -= 1;
                if h != 0 {
                    return Err(AddressError::at(LeadingColon, base, base + 1));
                }
            }
            if parts[n - 1].is_empty() {
                l -= 1;
                if l != 0 {
                    return Err(AddressError::at(
                        TrailingColon,
                        base + s.len() - 1,
                        base + s.len(),
                    ));
                }
            }
            if h + l >= 8 {
                return Err(whole(TooManyGroupsWithDoubleColon {
                    found: (h + l) as u8,
                }));
            }
            (hi, lo, skipped) = (h, l, 8 - h - l);
        }
        None => {
            if n != 8 {
                return Err(whole(WrongGroupCount { found: n as u8 }));
            }
            if parts[0].is_empty() {
                return Err(AddressError::at(LeadingColon, base, base + 1));
            }
            if parts[n - 1].is_empty() {
                return Err(AddressError::at(
                    TrailingColon,
                    base + s.len() - 1,
                    base + s.len(),
                ));
            }
            (hi, lo, skipped) = (n, 0, 0);
        }
    }

    let mut bits = 0u128;
    for (i, p) in parts.iter().enumerate().take(hi) {
        bits = bits << 16 | hextet(text(p), p, i, base)? as u128;
    }
    bits = bits.checked_shl(16 * skipped as u32).unwrap_or(0);
    for (i, p) in parts.iter().enumerate().take(n).skip(n - lo) {
        bits = bits << 16 | hextet(text(p), p, i, base)? as u128;
    }
    Ok(bits)
}

/// CPython's `_parse_hextet`: hex digits first, then length.
#[inline]
fn hextet(t: &[u8], p: &Part, index: usize, base: usize) -> Result<u16, AddressError> {
    if let Some(v) = p.decoded {
        return Ok(v);
    }
    let part = (index + 1) as u8;
    let at = |kind| AddressError::at(kind, base + p.start as usize, base + p.end as usize);
    let mut v = 0u32;
    for &c in t {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(at(AddressErrorKind::GroupNotHex { part })),
        };
        v = (v << 4 | d as u32) & 0xfffff;
    }
    match t.len() {
        0 => Err(at(AddressErrorKind::EmptyGroup { part })),
        1..=4 => Ok(v as u16),
        _ => Err(at(AddressErrorKind::GroupTooLong { part })),
    }
}

/// CPython's `str()` without the scope: `::ffff:a.b.c.d` for IPv4-mapped,
/// RFC 5952 otherwise.
#[inline]
fn push_compressed<const N: usize>(bits: u128, t: &mut TextBuf<N>) {
    if bits >> 32 == 0xffff {
        t.push_str("::ffff:");
        Ipv4Address::from_u32(bits as u32).push_text(t);
    } else {
        push_plain(bits, t);
    }
}

/// RFC 5952: lowercase, no leading zeros, the longest run (first on a tie)
/// of two or more zero groups written as `::`.
#[inline]
fn push_plain<const N: usize>(bits: u128, t: &mut TextBuf<N>) {
    let seg = Ipv6Address::from_u128(bits).segments();
    let (mut best_start, mut best_len) = (0usize, 0usize);
    let (mut run_start, mut run_len) = (0usize, 0usize);
    for (i, &g) in seg.iter().enumerate() {
        if g == 0 {
            if run_len == 0 {
                run_start = i;
            }
            run_len += 1;
            if run_len > best_len {
                (best_start, best_len) = (run_start, run_len);
            }
        } else {
            run_len = 0;
        }
    }
    if best_len < 2 {
        for (i, &g) in seg.iter().enumerate() {
            if i > 0 {
                t.push(b':');
            }
            t.push_hex_u16(g);
        }
        return;
    }
    let best_end = best_start + best_len;
    for (i, &g) in seg.iter().enumerate().take(best_start) {
        if i > 0 {
            t.push(b':');
        }
        t.push_hex_u16(g);
    }
    t.push(b':');
    t.push(b':');
    for (i, &g) in seg.iter().enumerate().skip(best_end) {
        if i > best_end {
            t.push(b':');
        }
        t.push_hex_u16(g);
    }
}

/// Eight 4-digit groups; IPv4-mapped ends in the dotted quad (CPython).
fn push_exploded<const N: usize>(bits: u128, t: &mut TextBuf<N>) {
    let seg = Ipv6Address::from_u128(bits).segments();
    let mapped = bits >> 32 == 0xffff;
    let groups = if mapped { 6 } else { 8 };
    for (i, &g) in seg.iter().enumerate().take(groups) {
        if i > 0 {
            t.push(b':');
        }
        t.push_hex_u16_padded(g);
    }
    if mapped {
        t.push(b':');
        Ipv4Address::from_u32(bits as u32).push_text(t);
    }
}

struct Plain(u128);

impl fmt::Display for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = TextBuf::<39>::new();
        push_plain(self.0, &mut t);
        f.pad(t.as_str())
    }
}

struct Exploded<'a>(&'a Ipv6Address);

impl fmt::Display for Exploded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = TextBuf::<{ Ipv6Address::MAX_TEXT_LEN }>::new();
        push_exploded(self.0.bits, &mut t);
        if self.0.ipv4_mapped().is_none() && !self.0.scope.is_empty() {
            t.push(b'%');
            t.push_str(self.0.scope.as_str());
        }
        f.pad(t.as_str())
    }
}

struct ReversePointer<'a>(&'a Ipv6Address);

impl fmt::Display for ReversePointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0;
        let mut buf = TextBuf::<8>::new();
        // CPython reverses the exploded text (scope included, for
        // non-mapped addresses), drops every ':' and joins the characters
        // with '.'.
        if a.ipv4_mapped().is_none() && !a.scope.is_empty() {
            for c in a.scope.as_str().chars().rev().filter(|&c| c != ':') {
                buf.clear();
                let _ = fmt::Write::write_char(&mut buf, c);
                f.write_str(buf.as_str())?;
                f.write_str(".")?;
            }
            f.write_str("%.")?;
        }
        let mut t = TextBuf::<{ 64 + 8 }>::new();
        let mut bits = a.bits;
        for _ in 0..32 {
            t.push(text::HEX_LOWER[(bits & 0xf) as usize]);
            t.push(b'.');
            bits >>= 4;
        }
        t.push_str("ip6.arpa");
        f.write_str(t.as_str())
    }
}

impl fmt::Display for Ipv6Address {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scope.is_empty() {
            let mut t = TextBuf::<39>::new();
            push_compressed(self.bits, &mut t);
            f.pad(t.as_str())
        } else {
            f.pad(self.text().as_str())
        }
    }
}

/// `::`, like [`Ipv6Address::UNSPECIFIED`].
impl Default for Ipv6Address {
    fn default() -> Self {
        Self::UNSPECIFIED
    }
}

impl fmt::Debug for Ipv6Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ipv6Address({})", self)
    }
}

impl FromStr for Ipv6Address {
    type Err = IpError;
    #[inline]
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::parse(s)
    }
}

impl From<u128> for Ipv6Address {
    fn from(v: u128) -> Self {
        Self::from_u128(v)
    }
}

impl From<Ipv6Address> for u128 {
    fn from(a: Ipv6Address) -> u128 {
        a.bits
    }
}

impl From<[u8; 16]> for Ipv6Address {
    fn from(o: [u8; 16]) -> Self {
        Self::from_octets(o)
    }
}

impl From<[u16; 8]> for Ipv6Address {
    fn from(s: [u16; 8]) -> Self {
        Self::from_segments(s)
    }
}

impl From<core::net::Ipv6Addr> for Ipv6Address {
    fn from(a: core::net::Ipv6Addr) -> Self {
        Self::from_u128(a.to_bits())
    }
}

/// Drops the scope id (`core::net::Ipv6Addr` has none; `SocketAddrV6`
/// carries numeric scopes separately).
impl From<Ipv6Address> for core::net::Ipv6Addr {
    fn from(a: Ipv6Address) -> Self {
        core::net::Ipv6Addr::from_bits(a.bits)
    }
}

impl Address for Ipv6Address {
    const BITS: u8 = 128;
    const VERSION: u8 = 6;

    #[inline]
    fn to_bits(&self) -> u128 {
        self.bits
    }
    #[inline]
    fn from_bits(bits: u128) -> Self {
        Self::from_u128(bits)
    }
    #[inline]
    fn parse_address(s: &str) -> Result<Self, IpError> {
        Self::parse(s)
    }
    #[inline]
    fn parse_common(b: &[u8]) -> Option<Self> {
        Ipv6Address::parse_common(b)
    }
    fn scope_id(&self) -> Option<&ScopeId> {
        Ipv6Address::scope_id(self)
    }
    fn without_scope(&self) -> Self {
        Ipv6Address::without_scope(*self)
    }
    fn is_multicast(&self) -> bool {
        Ipv6Address::is_multicast(self)
    }
    fn is_private(&self) -> bool {
        Ipv6Address::is_private(self)
    }
    fn is_global(&self) -> bool {
        Ipv6Address::is_global(self)
    }
    fn is_reserved(&self) -> bool {
        Ipv6Address::is_reserved(self)
    }
    fn is_loopback(&self) -> bool {
        Ipv6Address::is_loopback(self)
    }
    fn is_link_local(&self) -> bool {
        Ipv6Address::is_link_local(self)
    }
    fn is_unspecified(&self) -> bool {
        Ipv6Address::is_unspecified(self)
    }
    fn fmt_exploded(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        write!(f, "{}", self.exploded())
    }
    fn fmt_reverse_pointer(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        write!(f, "{}", self.reverse_pointer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn p(s: &str) -> Ipv6Address {
        Ipv6Address::parse(s).unwrap_or_else(|e| panic!("{:?}: {:?}", s, e))
    }

    fn kind(s: &str) -> AddressErrorKind {
        match Ipv6Address::parse(s) {
            Err(IpError::Address(e)) => e.kind,
            other => panic!("{:?} parsed as {:?}", s, other),
        }
    }

    #[test]
    fn parses_all_forms() {
        for (s, v) in [
            ("::", 0u128),
            ("::1", 1),
            ("1::", 1 << 112),
            ("1:2:3:4:5:6:7:8", 0x0001_0002_0003_0004_0005_0006_0007_0008),
            ("1:2:3:4:5:6:7::", 0x0001_0002_0003_0004_0005_0006_0007_0000),
            ("::2:3:4:5:6:7:8", 0x0000_0002_0003_0004_0005_0006_0007_0008),
            ("1::8", 0x0001_0000_0000_0000_0000_0000_0000_0008),
            ("::1.2.3.4", 0x0102_0304),
            ("::ffff:1.2.3.4", 0xffff_0102_0304),
            (
                "1:2:3:4:5:6:1.2.3.4",
                0x0001_0002_0003_0004_0005_0006_0102_0304,
            ),
            (
                "0001:0002:0003:0004:0005:0006:0007:0008",
                0x0001_0002_0003_0004_0005_0006_0007_0008,
            ),
            ("ABCD:ef01::", 0xabcd_ef01 << 96),
            ("0:0:0:0:0:0:0:0", 0),
        ] {
            assert_eq!(p(s).to_u128(), v, "{}", s);
        }
    }

    #[test]
    fn rejects_like_cpython() {
        use AddressErrorKind::*;
        assert_eq!(kind(""), Empty);
        assert_eq!(kind("1:2"), TooFewParts { found: 2 });
        assert_eq!(kind(":::"), MultipleDoubleColon);
        assert_eq!(kind("1::2::3"), MultipleDoubleColon);
        assert_eq!(kind(":1::2"), LeadingColon);
        assert_eq!(kind("1::2:"), TrailingColon);
        assert_eq!(kind(":1:2:3:4:5:6:7"), LeadingColon);
        assert_eq!(kind("1:2:3:4:5:6:7:"), TrailingColon);
        assert_eq!(kind("1:2:3:4:5:6:7:8::"), TooManyColons);
        assert_eq!(
            kind("1:2:3:4::5:6:7:8"),
            TooManyGroupsWithDoubleColon { found: 8 }
        );
        assert_eq!(kind("1:2:3:4:5:6:7"), WrongGroupCount { found: 7 });
        assert_eq!(kind("1:2:3:4:5:6:7:8:9"), WrongGroupCount { found: 9 });
        assert_eq!(kind("1:2:3:4:5:6:7:1.2.3.4"), WrongGroupCount { found: 9 });
        assert_eq!(kind("::1:2:3:4:5:6:1.2.3.4"), TooManyColons);
        assert_eq!(kind("1:2:3:4:5:6:7:8:9:10:11"), TooManyColons);
        assert_eq!(kind("::12345"), GroupTooLong { part: 3 });
        assert_eq!(kind("::g"), GroupNotHex { part: 3 });
        assert_eq!(kind("::１"), GroupNotHex { part: 3 });
        assert_eq!(kind("::1.2.3.04"), OctetLeadingZero { part: 4 });
        assert_eq!(kind("1.2.3.4::"), GroupNotHex { part: 1 });
        assert_eq!(kind("::1/128"), UnexpectedSlash);
        assert_eq!(kind("fe80::1%"), BadScope);
        assert_eq!(kind("fe80::1%a%b"), BadScope);
        assert_eq!(kind("%eth0"), Empty);
        assert_eq!(kind(" ::1"), GroupNotHex { part: 1 });
    }

    #[test]
    fn length_limit_is_before_the_scope() {
        let s45 = "0000:0000:0000:0000:0000:0000:000.000.000.000"; // 45 chars, bad octet
        assert_eq!(s45.len(), 45);
        assert!(matches!(
            kind(s45),
            AddressErrorKind::OctetLeadingZero { .. }
        ));
        let ok = "0000:0000:0000:0000:0000:ffff:255.255.255.255"; // 45 chars
        assert_eq!(ok.len(), 45);
        assert_eq!(p(ok).to_string(), "::ffff:255.255.255.255");
        let scoped = std::format!("{}%{}", ok, "x".repeat(40));
        assert!(Ipv6Address::parse(&scoped).is_ok());
        assert_eq!(
            kind(&std::format!("0{}", ok)),
            AddressErrorKind::TooLong { len: 46 }
        );
    }

    #[test]
    fn compression_rfc5952_and_cpython() {
        for (s, c) in [
            ("0:0:0:0:0:0:0:0", "::"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("2001:DB8::1", "2001:db8::1"),
            ("::ffff:7f61:1829", "::ffff:127.97.24.41"),
            ("::fffe:7f61:1829", "::fffe:7f61:1829"),
            ("::1.2.3.4", "::102:304"),
            ("fe80::1%eth0", "fe80::1%eth0"),
            ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"),
            ("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"),
        ] {
            assert_eq!(p(s).to_string(), c, "{}", s);
        }
    }

    #[test]
    fn exploded_and_reverse_pointer_quirks() {
        assert_eq!(
            p("::ffff:7f61:1829").exploded().to_string(),
            "0000:0000:0000:0000:0000:ffff:127.97.24.41"
        );
        assert_eq!(
            p("::ffff:1.2.3.4%eth0").exploded().to_string(),
            "0000:0000:0000:0000:0000:ffff:1.2.3.4"
        );
        assert_eq!(
            p("2001:db8::1").exploded().to_string(),
            "2001:0db8:0000:0000:0000:0000:0000:0001"
        );
        assert_eq!(
            p("2001:db8::1").reverse_pointer().to_string(),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
        assert_eq!(
            p("::1%a:b").reverse_pointer().to_string(),
            "b.a.%.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa"
        );
        assert_eq!(
            p("::ffff:1.2.3.4%x").reverse_pointer().to_string(),
            "4.0.3.0.2.0.1.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa"
        );
    }

    #[test]
    fn embedded_v4_and_flags() {
        let a = p("2002:c000:0204::1");
        assert_eq!(a.sixtofour().unwrap().to_string(), "192.0.2.4");
        let t = p("2001:0000:4136:e378:8000:63bf:3fff:fdd2");
        let (server, client) = t.teredo().unwrap();
        assert_eq!(
            (server.to_string().as_str(), client.to_string().as_str()),
            ("65.54.227.120", "192.0.2.45")
        );
        assert!(p("::ffff:8.8.8.8").is_global());
        assert!(!p("::ffff:8.8.8.8").is_reserved());
        assert!(p("::ffff:127.0.0.1").is_loopback());
        assert!(p("fe80::1").is_link_local() && p("fec0::1").is_site_local());
        assert!(p("3fff::1").is_private() && !p("2001:4860::1").is_private());
        assert!(p("::").is_unspecified() && p("::1").is_loopback());
    }

    #[test]
    fn scope_equality_and_order() {
        assert_ne!(p("fe80::1%eth0"), p("fe80::1"));
        assert_eq!(p("fe80::1%eth0"), p("fe80::1%eth0"));
        assert!(p("fe80::1") < p("fe80::1%eth0"));
        assert!(p("fe80::1%zz") < p("fe80::2"));
        assert_eq!(
            p("fe80::1%eth0").checked_add(1).unwrap().to_string(),
            "fe80::2"
        );
        assert_eq!(core::mem::size_of::<Ipv6Address>(), 64);
    }

    #[test]
    fn arithmetic_bounds() {
        let max = Ipv6Address::from_u128(u128::MAX);
        assert!(max.checked_add(1).is_err());
        assert_eq!(
            max.checked_offset(true, u128::MAX).unwrap(),
            Ipv6Address::UNSPECIFIED
        );
        assert!(Ipv6Address::UNSPECIFIED.checked_sub(1).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// The fast path only ever accepts what the exact CPython algorithm
        /// accepts, with the same value.
        #[test]
        fn fast_path_agrees_with_exact(s in "(::|:|[0-9a-fA-F]{1,5}|[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\.){0,12}") {
            let b = s.as_bytes();
            if let Some(v) = parse_fast(b) {
                proptest::prop_assert_eq!(parse_exact(b, 0), Ok(v), "{:?}", s);
            }
        }
    }
}
