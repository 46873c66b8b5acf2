//! Parsing C text into IP values: the one path the three `*_parse`
//! exports share.

use std::ffi::{c_char, c_int};

use ipdb::ip::{
    IpAddress, IpError, IpInterface, IpNetwork, Ipv4Address, Ipv4Interface, Ipv4Network,
    Ipv6Address, Ipv6Interface, Ipv6Network,
};

use crate::boundary::{input_bytes, text_of, Failure, Out, Outcome};
use crate::types::CValue;

/// The `version` argument of a parse: 0 (detect), 4 or 6.
#[derive(Copy, Clone)]
pub(crate) enum Version {
    Detect,
    V4,
    V6,
}

impl Version {
    #[inline]
    fn of(version: c_int) -> Result<Self, Failure> {
        match version {
            0 => Ok(Version::Detect),
            4 => Ok(Version::V4),
            6 => Ok(Version::V6),
            _ => Err(Failure::Invalid {
                arg: "version",
                why: "must be 0 (detect), 4 or 6",
            }),
        }
    }
}

/// A value C parses from text, with the core's two parsers per version:
/// the common spellings straight from bytes, and the full parser (which
/// also explains errors) for the rest.
pub(crate) trait FromText: Sized {
    /// Arguments besides the text (`strict` for networks).
    type Opts: Copy;
    fn common(b: &[u8], v: Version, o: Self::Opts) -> Option<Self>;
    fn full(s: &str, v: Version, o: Self::Opts) -> Result<Self, IpError>;
}

/// Parses `len` bytes at `text` as `T` and writes it into `out`.
///
/// The common spellings are read straight from the bytes: they are ASCII
/// by construction, so they need no separate text check, which was most
/// of the C ABI's cost per parse. Anything else is checked as UTF-8 and
/// goes to the full parser. The core's result is read where the core
/// wrote it and written into `out` field by field: moving it into a larger
/// `Result` first copied it whole (a measurable part of a call).
#[inline(always)]
pub(crate) fn parse_text_into<T: FromText, C: CValue<T>>(
    text: *const c_char,
    len: usize,
    version: c_int,
    opts: T::Opts,
    out: *mut C,
) -> Outcome {
    let bytes = input_bytes(text, len, "text")?;
    let out = Out::new(out, "out")?;
    let v = Version::of(version)?;
    if let Some(value) = &T::common(bytes, v, opts) {
        return out.put(value);
    }
    let s = text_of(bytes, "text")?;
    // By reference: moving the value out of the callee's result first
    // costs a copy whose wide loads stall on the callee's narrow stores.
    match &T::full(s, v, opts) {
        Ok(value) => out.put(value),
        Err(e) => Err((*e).into()),
    }
}

impl FromText for IpAddress {
    type Opts = ();

    #[inline(always)]
    fn common(b: &[u8], v: Version, _: ()) -> Option<Self> {
        match v {
            Version::Detect => IpAddress::parse_common(b),
            Version::V4 => Ipv4Address::parse_common(b).map(IpAddress::V4),
            Version::V6 => Ipv6Address::parse_common(b).map(IpAddress::V6),
        }
    }

    #[inline(always)]
    fn full(s: &str, v: Version, _: ()) -> Result<Self, IpError> {
        match v {
            Version::Detect => IpAddress::parse(s),
            Version::V4 => Ipv4Address::parse(s).map(IpAddress::V4),
            Version::V6 => Ipv6Address::parse(s).map(IpAddress::V6),
        }
    }
}

impl FromText for IpNetwork {
    /// `strict`: host bits set are an error (else cleared).
    type Opts = bool;

    #[inline(always)]
    fn common(b: &[u8], v: Version, strict: bool) -> Option<Self> {
        match v {
            Version::Detect => IpNetwork::parse_common(b, strict),
            Version::V4 => Ipv4Network::parse_common(b, strict).map(IpNetwork::V4),
            Version::V6 => Ipv6Network::parse_common(b, strict).map(IpNetwork::V6),
        }
    }

    #[inline(always)]
    fn full(s: &str, v: Version, strict: bool) -> Result<Self, IpError> {
        match v {
            Version::Detect => IpNetwork::parse(s, strict),
            Version::V4 => Ipv4Network::parse(s, strict).map(IpNetwork::V4),
            Version::V6 => Ipv6Network::parse(s, strict).map(IpNetwork::V6),
        }
    }
}

impl FromText for IpInterface {
    type Opts = ();

    #[inline(always)]
    fn common(b: &[u8], v: Version, _: ()) -> Option<Self> {
        match v {
            Version::Detect => IpInterface::parse_common(b),
            Version::V4 => Ipv4Interface::parse_common(b).map(IpInterface::V4),
            Version::V6 => Ipv6Interface::parse_common(b).map(IpInterface::V6),
        }
    }

    #[inline(always)]
    fn full(s: &str, v: Version, _: ()) -> Result<Self, IpError> {
        match v {
            Version::Detect => IpInterface::parse(s),
            Version::V4 => Ipv4Interface::parse(s).map(IpInterface::V4),
            Version::V6 => Ipv6Interface::parse(s).map(IpInterface::V6),
        }
    }
}
