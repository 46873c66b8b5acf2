//! Errors of the IP math, as small `Copy` values that format without a heap.
//!
//! The top level mirrors CPython's exception classes, so a caller (and the
//! conformance driver) can tell them apart: [`IpError::python_class`] gives
//! the class name. Each carries a reason a person can act on: which octet or
//! group, which byte offset of the input, which limit.

use core::fmt;

/// Any error of the IP math. The variant is CPython's exception class.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum IpError {
    /// CPython `AddressValueError`: the address text or integer is invalid.
    Address(AddressError),
    /// CPython `NetmaskValueError`: the prefix length or mask is invalid.
    Netmask(NetmaskError),
    /// CPython `ValueError`: a valid value that the operation refuses.
    Value(ValueError),
    /// CPython `TypeError`: IPv4 and IPv6 values mixed in one operation.
    Type(TypeError),
    /// CPython `IndexError`: `network[i]` out of range.
    Index {
        /// The index asked for.
        index: i128,
        /// How many addresses the network has (saturating).
        len: u128,
    },
}

impl IpError {
    /// The CPython exception class this error corresponds to.
    ///
    /// ```
    /// use ipdb_core::ip::Ipv4Address;
    /// let e = "1.2.3.04".parse::<Ipv4Address>().unwrap_err();
    /// assert_eq!(e.python_class(), "AddressValueError");
    /// ```
    pub const fn python_class(&self) -> &'static str {
        match self {
            IpError::Address(_) => "AddressValueError",
            IpError::Netmask(_) => "NetmaskValueError",
            IpError::Value(_) => "ValueError",
            IpError::Type(_) => "TypeError",
            IpError::Index { .. } => "IndexError",
        }
    }
}

/// Why an address was rejected, and where in the input.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct AddressError {
    /// What is wrong.
    pub kind: AddressErrorKind,
    /// Byte offset in the input where the offending part starts.
    pub start: u16,
    /// Byte offset just past the offending part.
    pub end: u16,
}

/// What is wrong with an address. `part` is the 1-based octet (IPv4) or
/// `:`-separated part (IPv6, counted in the text as written) where it applies.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressErrorKind {
    /// The text is empty.
    Empty,
    /// A `/` in an address (networks and interfaces take those).
    UnexpectedSlash,
    /// IPv4 needs exactly 4 octets.
    OctetCount {
        /// How many were found.
        found: u8,
    },
    /// An octet is empty (`1..2.3`).
    EmptyOctet {
        /// Which octet (1-based).
        part: u8,
    },
    /// An octet has a character other than ASCII `0-9`.
    OctetNotDecimal {
        /// Which octet (1-based).
        part: u8,
    },
    /// An octet has more than 3 digits.
    OctetTooLong {
        /// Which octet (1-based).
        part: u8,
    },
    /// An octet is above 255.
    OctetTooLarge {
        /// Which octet (1-based).
        part: u8,
        /// Its value.
        value: u16,
    },
    /// An octet has a leading zero (ambiguous with octal).
    OctetLeadingZero {
        /// Which octet (1-based).
        part: u8,
    },
    /// IPv6 text longer than 45 characters (before any `%scope`).
    TooLong {
        /// The length found, in characters.
        len: usize,
    },
    /// IPv6 needs at least 2 colons (3 parts).
    TooFewParts {
        /// How many `:`-separated parts were found.
        found: u8,
    },
    /// IPv6 allows at most 8 colons (an embedded IPv4 tail counts as two groups).
    TooManyColons,
    /// More than one `::`.
    MultipleDoubleColon,
    /// A leading `:` that is not part of `::`.
    LeadingColon,
    /// A trailing `:` that is not part of `::`.
    TrailingColon,
    /// With `::`, at most 7 groups may be written out.
    TooManyGroupsWithDoubleColon {
        /// Groups written out.
        found: u8,
    },
    /// Without `::`, exactly 8 groups are needed.
    WrongGroupCount {
        /// Groups written out.
        found: u8,
    },
    /// A group is empty.
    EmptyGroup {
        /// Which part (1-based, as written).
        part: u8,
    },
    /// A group has more than 4 hex digits.
    GroupTooLong {
        /// Which part (1-based, as written).
        part: u8,
    },
    /// A group has a character that is not an ASCII hex digit.
    GroupNotHex {
        /// Which part (1-based, as written).
        part: u8,
    },
    /// `%` with an empty scope id, or a second `%` in it.
    BadScope,
    /// A scope id longer than [`ScopeId::CAPACITY`](super::ScopeId::CAPACITY) bytes
    /// (a limit of this crate; CPython has none).
    ScopeTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// More than one `/` in a network or interface.
    MultipleSlashes,
    /// An integer outside `0 ..= 2**bits - 1`.
    IntOutOfRange {
        /// 4 or 6.
        version: u8,
        /// True when negative.
        negative: bool,
    },
    /// Packed bytes of the wrong length.
    PackedLength {
        /// 4 or 6.
        version: u8,
        /// Length given.
        len: usize,
    },
    /// Address arithmetic left the address space.
    Overflow {
        /// 4 or 6.
        version: u8,
    },
    /// Text that is neither (used where no finer reason applies).
    Invalid,
}

/// Why a prefix length or mask was rejected (CPython `NetmaskValueError`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetmaskError {
    /// The prefix is not plain ASCII decimal (signs, spaces, `0x` ...).
    NotDecimal {
        /// Byte offset of the mask part in the input.
        start: u16,
    },
    /// The prefix length is above the maximum for the version.
    PrefixTooLong {
        /// The value given (saturated to u32).
        value: u32,
        /// 32 or 128.
        max: u8,
    },
    /// A dotted mask that is neither a netmask (1s then 0s) nor a hostmask
    /// (0s then 1s).
    NotAMask,
    /// A dotted mask that does not even parse as an IPv4 address.
    MaskNotAnAddress,
}

/// A valid value an operation refuses (CPython `ValueError`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueError {
    /// `ip_address(s)` and friends: neither version parses. Keeps both reasons.
    NotAnAddress {
        /// Why it is not IPv4.
        v4: AddressErrorKind,
        /// Why it is not IPv6.
        v6: AddressErrorKind,
    },
    /// `ip_network`/`ip_interface`: neither version parses; the first error
    /// of each version (address or netmask) is kept.
    NotANetwork {
        /// Why it is not IPv4.
        v4: IpErrorKindLite,
        /// Why it is not IPv6.
        v6: IpErrorKindLite,
    },
    /// `strict=True` and the address has bits set right of the prefix.
    HostBitsSet,
    /// `prefixlen_diff` and `new_prefix` both given.
    BothPrefixArgs,
    /// `new_prefix` shorter than the current prefix (for `subnets`) or
    /// longer (for `supernet`).
    NewPrefixWrongSide {
        /// The new prefix asked for.
        new_prefix: i64,
        /// The current prefix length.
        prefixlen: u8,
    },
    /// The resulting prefix length is outside `0 ..= bits`.
    PrefixOutOfRange {
        /// The prefix length it would have.
        prefixlen: i64,
        /// 32 or 128.
        max: u8,
    },
    /// `address_exclude`: the other network is not inside this one.
    NotASubnet,
    /// `summarize_address_range`: last < first.
    LastBeforeFirst,
    /// `v4_int_to_packed`/`v6_int_to_packed`: integer negative or too wide.
    IntOutOfRange {
        /// 4 or 6.
        version: u8,
    },
    /// `format(addr, spec)`: a string format spec Python refuses.
    FormatSpec(FormatSpecError),
}

/// Why Python's string formatting refused a format spec (`format(str(addr), spec)`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormatSpecError {
    /// The spec does not follow `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
    Invalid,
    /// A sign (`+`, `-`, ` `) with a string.
    Sign,
    /// `z` with a string.
    NegativeZero,
    /// `#` with a string.
    Alternate,
    /// `=` alignment with a string.
    EqualsAlign,
    /// `,` or `_` grouping with a string.
    Grouping,
    /// `.` not followed by digits.
    MissingPrecision,
    /// A width or precision too large for Python (`sys.maxsize`).
    TooManyDigits,
    /// The output sink refused the text (e.g. a full fixed-size buffer);
    /// not a Python error.
    Output,
}

impl fmt::Display for FormatSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FormatSpecError::Invalid => "invalid format specifier",
            FormatSpecError::Sign => "sign not allowed in string format specifier",
            FormatSpecError::NegativeZero => {
                "negative zero coercion (z) not allowed in string format specifier"
            }
            FormatSpecError::Alternate => {
                "alternate form (#) not allowed in string format specifier"
            }
            FormatSpecError::EqualsAlign => "'=' alignment not allowed in string format specifier",
            FormatSpecError::Grouping => "grouping (',' or '_') not allowed with 's'",
            FormatSpecError::MissingPrecision => "format specifier missing precision",
            FormatSpecError::TooManyDigits => "too many decimal digits in format string",
            FormatSpecError::Output => "the output buffer is too small for the formatted text",
        })
    }
}

/// One version's reason in [`ValueError::NotANetwork`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum IpErrorKindLite {
    /// The address part.
    Address(AddressErrorKind),
    /// The mask part.
    Netmask(NetmaskError),
}

/// Mixing versions (CPython `TypeError`).
///
/// `right == 0` marks the one `TypeError` that involves a single value:
/// `format(addr, spec)` with a spec that is neither a string spec (ending in
/// `s`) nor one of the integer forms (see [`TypeError::unsupported_format`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeError {
    /// Version of the left-hand value.
    pub left: u8,
    /// Version of the right-hand value (0: unsupported format spec).
    pub right: u8,
}

impl TypeError {
    /// `format(addr, spec)` with a spec CPython's `object.__format__` refuses.
    pub const fn unsupported_format(version: u8) -> Self {
        TypeError {
            left: version,
            right: 0,
        }
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.right == 0 {
            return write!(
                f,
                "unsupported format spec for an IPv{} address (use '', [fill][align][width][.prec]s, or [#][_](b|x|X|n))",
                self.left
            );
        }
        write!(
            f,
            "IPv{} and IPv{} values cannot be mixed here",
            self.left, self.right
        )
    }
}

impl AddressError {
    /// An error of `kind` over the input bytes `start..end` (offsets past
    /// `u16::MAX` saturate; inputs that long are rejected anyway).
    pub(crate) fn at(kind: AddressErrorKind, start: usize, end: usize) -> Self {
        let clamp = |v: usize| {
            if v > u16::MAX as usize {
                u16::MAX
            } else {
                v as u16
            }
        };
        AddressError {
            kind,
            start: clamp(start),
            end: clamp(end),
        }
    }

    /// An error that has no position (integers, packed bytes).
    pub(crate) const fn bare(kind: AddressErrorKind) -> Self {
        AddressError {
            kind,
            start: 0,
            end: 0,
        }
    }

    /// A [`Display`](fmt::Display) adapter that also quotes the offending
    /// part of `input` (the text this error came from).
    ///
    /// ```
    /// use ipdb_core::ip::{IpError, Ipv4Address};
    /// let s = "1.2.3.04";
    /// let IpError::Address(e) = s.parse::<Ipv4Address>().unwrap_err() else { panic!() };
    /// assert_eq!(
    ///     e.in_input(s).to_string(),
    ///     "octet 4 has a leading zero (ambiguous with octal): '04' in '1.2.3.04'"
    /// );
    /// ```
    pub fn in_input<'a>(&'a self, input: &'a str) -> impl fmt::Display + 'a {
        InInput { err: self, input }
    }
}

struct InInput<'a> {
    err: &'a AddressError,
    input: &'a str,
}

impl fmt::Display for InInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.err.kind, f)?;
        let (s, e) = (self.err.start as usize, self.err.end as usize);
        match self.input.get(s..e) {
            Some(part) if !part.is_empty() && part.len() != self.input.len() => {
                write!(f, ": '{}' in '{}'", part, self.input)
            }
            _ => write!(f, " in '{}'", self.input),
        }
    }
}

impl fmt::Display for AddressErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use AddressErrorKind::*;
        match *self {
            Empty => f.write_str("address is empty"),
            UnexpectedSlash => {
                f.write_str("unexpected '/' in an address (use a network or interface)")
            }
            OctetCount { found } => {
                write!(f, "expected 4 octets separated by '.', found {}", found)
            }
            EmptyOctet { part } => write!(f, "octet {} is empty", part),
            OctetNotDecimal { part } => {
                write!(f, "octet {} has a character other than ASCII 0-9", part)
            }
            OctetTooLong { part } => write!(f, "octet {} has more than 3 digits", part),
            OctetTooLarge { part, value } => write!(f, "octet {} is {} (> 255)", part, value),
            OctetLeadingZero { part } => {
                write!(
                    f,
                    "octet {} has a leading zero (ambiguous with octal)",
                    part
                )
            }
            TooLong { len } => write!(
                f,
                "IPv6 address is {} characters long (at most 45 before '%')",
                len
            ),
            TooFewParts { found } => {
                write!(
                    f,
                    "IPv6 needs at least 3 ':'-separated parts, found {}",
                    found
                )
            }
            TooManyColons => {
                f.write_str("IPv6 allows at most 8 colons (an IPv4 tail counts as 2 groups)")
            }
            MultipleDoubleColon => f.write_str("at most one '::' is permitted"),
            LeadingColon => f.write_str("a leading ':' is only permitted as part of '::'"),
            TrailingColon => f.write_str("a trailing ':' is only permitted as part of '::'"),
            TooManyGroupsWithDoubleColon { found } => {
                write!(
                    f,
                    "with '::' at most 7 other groups are permitted, found {}",
                    found
                )
            }
            WrongGroupCount { found } => {
                write!(
                    f,
                    "without '::' exactly 8 groups are needed, found {}",
                    found
                )
            }
            EmptyGroup { part } => write!(f, "group {} is empty", part),
            GroupTooLong { part } => write!(f, "group {} has more than 4 hex digits", part),
            GroupNotHex { part } => write!(
                f,
                "group {} has a character other than ASCII hex digits",
                part
            ),
            BadScope => f.write_str("scope id after '%' is empty or contains another '%'"),
            ScopeTooLong { len } => write!(
                f,
                "scope id is {} bytes long (at most {} kept)",
                len,
                super::ScopeId::CAPACITY
            ),
            MultipleSlashes => f.write_str("only one '/' is permitted"),
            IntOutOfRange {
                version,
                negative: true,
            } => {
                write!(f, "a negative integer is not an IPv{} address", version)
            }
            IntOutOfRange {
                version,
                negative: false,
            } => write!(
                f,
                "integer is >= 2**{} and not an IPv{} address",
                if version == 4 { 32 } else { 128 },
                version
            ),
            PackedLength { version, len } => write!(
                f,
                "{} packed bytes given, an IPv{} address needs {}",
                len,
                version,
                if version == 4 { 4 } else { 16 }
            ),
            Overflow { version } => write!(f, "result is outside the IPv{} address space", version),
            Invalid => f.write_str("not a valid address"),
        }
    }
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)?;
        if self.end > self.start {
            write!(f, " (at bytes {}..{})", self.start, self.end)?;
        }
        Ok(())
    }
}

impl fmt::Display for NetmaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NetmaskError::NotDecimal { start } => write!(
                f,
                "prefix length at byte {} is not plain ASCII decimal (no sign, space or 0x)",
                start
            ),
            NetmaskError::PrefixTooLong { value, max } => {
                write!(f, "prefix length {} is above the maximum {}", value, max)
            }
            NetmaskError::NotAMask => f.write_str(
                "mask is neither a netmask (ones then zeros) nor a hostmask (zeros then ones)",
            ),
            NetmaskError::MaskNotAnAddress => {
                f.write_str("mask is neither a prefix length nor a dotted mask")
            }
        }
    }
}

impl fmt::Display for IpErrorKindLite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpErrorKindLite::Address(k) => fmt::Display::fmt(k, f),
            IpErrorKindLite::Netmask(k) => fmt::Display::fmt(k, f),
        }
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ValueError::NotAnAddress { v4, v6 } => {
                write!(
                    f,
                    "not an IPv4 address ({}) nor an IPv6 address ({})",
                    v4, v6
                )
            }
            ValueError::NotANetwork { v4, v6 } => {
                write!(
                    f,
                    "not an IPv4 network ({}) nor an IPv6 network ({})",
                    v4, v6
                )
            }
            ValueError::HostBitsSet => {
                f.write_str("host bits are set right of the prefix (use strict=false to mask them)")
            }
            ValueError::BothPrefixArgs => {
                f.write_str("give prefixlen_diff or new_prefix, not both")
            }
            ValueError::NewPrefixWrongSide {
                new_prefix,
                prefixlen,
            } => write!(
                f,
                "new prefix {} is on the wrong side of the current prefix length {}",
                new_prefix, prefixlen
            ),
            ValueError::PrefixOutOfRange { prefixlen, max } => {
                write!(
                    f,
                    "resulting prefix length {} is outside 0..={}",
                    prefixlen, max
                )
            }
            ValueError::NotASubnet => {
                f.write_str("the network to exclude is not inside this network")
            }
            ValueError::LastBeforeFirst => f.write_str("last address is before the first"),
            ValueError::FormatSpec(e) => fmt::Display::fmt(&e, f),
            ValueError::IntOutOfRange { version } => write!(
                f,
                "integer is negative or too large for IPv{} ({} bytes)",
                version,
                if version == 4 { 4 } else { 16 }
            ),
        }
    }
}

impl fmt::Display for IpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpError::Address(e) => fmt::Display::fmt(e, f),
            IpError::Netmask(e) => fmt::Display::fmt(e, f),
            IpError::Value(e) => fmt::Display::fmt(e, f),
            IpError::Type(e) => fmt::Display::fmt(e, f),
            IpError::Index { index, len } => {
                write!(
                    f,
                    "index {} is out of range for a network of {} addresses",
                    index, len
                )
            }
        }
    }
}

impl From<AddressError> for IpError {
    fn from(e: AddressError) -> Self {
        IpError::Address(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn every_error_is_one_actionable_line() {
        use AddressErrorKind::*;
        let kinds = [
            Empty,
            UnexpectedSlash,
            OctetCount { found: 3 },
            EmptyOctet { part: 2 },
            OctetNotDecimal { part: 1 },
            OctetTooLong { part: 4 },
            OctetTooLarge {
                part: 4,
                value: 256,
            },
            OctetLeadingZero { part: 4 },
            TooLong { len: 46 },
            TooFewParts { found: 2 },
            TooManyColons,
            MultipleDoubleColon,
            LeadingColon,
            TrailingColon,
            TooManyGroupsWithDoubleColon { found: 8 },
            WrongGroupCount { found: 7 },
            EmptyGroup { part: 3 },
            GroupTooLong { part: 3 },
            GroupNotHex { part: 3 },
            BadScope,
            ScopeTooLong { len: 48 },
            MultipleSlashes,
            IntOutOfRange {
                version: 4,
                negative: true,
            },
            IntOutOfRange {
                version: 6,
                negative: false,
            },
            PackedLength { version: 6, len: 3 },
            Overflow { version: 4 },
            Invalid,
        ];
        let mut errors: std::vec::Vec<IpError> = kinds
            .iter()
            .map(|&k| IpError::Address(AddressError::at(k, 1, 3)))
            .collect();
        errors.extend([
            IpError::Netmask(NetmaskError::NotDecimal { start: 4 }),
            IpError::Netmask(NetmaskError::PrefixTooLong { value: 33, max: 32 }),
            IpError::Netmask(NetmaskError::NotAMask),
            IpError::Netmask(NetmaskError::MaskNotAnAddress),
            IpError::Value(ValueError::NotAnAddress {
                v4: Empty,
                v6: Empty,
            }),
            IpError::Value(ValueError::NotANetwork {
                v4: IpErrorKindLite::Address(Empty),
                v6: IpErrorKindLite::Netmask(NetmaskError::NotAMask),
            }),
            IpError::Value(ValueError::HostBitsSet),
            IpError::Value(ValueError::BothPrefixArgs),
            IpError::Value(ValueError::NewPrefixWrongSide {
                new_prefix: 8,
                prefixlen: 24,
            }),
            IpError::Value(ValueError::PrefixOutOfRange {
                prefixlen: 33,
                max: 32,
            }),
            IpError::Value(ValueError::NotASubnet),
            IpError::Value(ValueError::LastBeforeFirst),
            IpError::Value(ValueError::IntOutOfRange { version: 4 }),
            IpError::Value(ValueError::FormatSpec(FormatSpecError::Sign)),
            IpError::Type(TypeError { left: 4, right: 6 }),
            IpError::Type(TypeError::unsupported_format(6)),
            IpError::Index { index: -5, len: 4 },
        ]);
        for e in errors {
            let text = e.to_string();
            assert!(
                !text.is_empty() && !text.contains('\n'),
                "{:?}: {:?}",
                e,
                text
            );
        }
        assert_eq!(
            IpError::Address(AddressError::at(
                OctetTooLarge {
                    part: 2,
                    value: 300
                },
                2,
                5
            ))
            .to_string(),
            "octet 2 is 300 (> 255) (at bytes 2..5)"
        );
        let e = AddressError::at(GroupNotHex { part: 3 }, 4, 5);
        assert_eq!(
            e.in_input("1:2:g::").to_string(),
            "group 3 has a character other than ASCII hex digits: 'g' in '1:2:g::'"
        );
    }
}
