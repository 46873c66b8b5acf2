//! What to change in the kernel: plain descriptions of links, addresses,
//! routes, neighbours and rules, and the pure functions that turn one into
//! the bytes of an rtnetlink request.
//!
//! Every request is written by the typed `emit`ters of
//! [`ipdb_core::wire`] (there is no second encoder here) into a buffer the
//! caller gives; nothing talks to the kernel, so every request can be
//! checked byte for byte without one. [`crate::iproute::IpRoute`] sends them.
//!
//! Each spec also has a `Display` in `ip(8)` words (`10.0.0.0/24 via
//! 192.0.2.1 table 100`), which names the object in error messages.
//!
//! - [`link`] holds [`LinkSpec`] (create, by [`LinkKind`]), [`LinkChange`]
//!   (set) and [`LinkId`] (delete).
//! - [`address`] holds [`AddressSpec`].
//! - [`route`] holds [`RouteSpec`] with metrics and multipath, and
//!   [`RouteQuery`] (`ip route get`).
//! - [`neighbour`] holds [`NeighbourSpec`] (ARP/NDP entries, bridge FDB).
//! - [`rule`] holds [`RuleSpec`].
//!
//! Every spec's `request` writes the whole message; `with_repr` hands out
//! the wire repr instead, which is how [`crate::iproute::IpRoute`] sends it.

use std::fmt;
use std::net::IpAddr;

use ipdb_core::ip::{IpAddress, IpNetwork};
use ipdb_core::wire::{self, uapi::*, IfName, MessageBuilder};

pub mod address;
pub mod link;
pub mod neighbour;
pub mod route;
pub mod rule;

pub use address::AddressSpec;
pub use link::{
    BondMode, GreSpec, LinkChange, LinkId, LinkKind, LinkSettings, LinkSpec, MacvlanMode, Master,
    Netns, TunSpec, VlanProtocol, VxlanSpec,
};
pub use neighbour::NeighbourSpec;
pub use route::{NexthopSpec, RouteQuery, RouteSpec, RouteType};
pub use rule::{RuleAction, RuleSpec};

/// What a request does to its object: the `nlmsg_flags` that go with
/// `RTM_NEW*` (or `RTM_DEL*` for [`Verb::Del`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// Create; fail with `EEXIST` if it exists (`NLM_F_CREATE | NLM_F_EXCL`).
    Add,
    /// Create or replace (`NLM_F_CREATE | NLM_F_REPLACE`).
    Replace,
    /// Add beside existing ones, e.g. another route with the same key
    /// (`NLM_F_CREATE | NLM_F_APPEND`).
    Append,
    /// Delete (`RTM_DEL*`).
    Del,
}

impl Verb {
    /// The `nlmsg_flags` for this operation (`NLM_F_REQUEST`/`NLM_F_ACK` are
    /// added when sending).
    pub const fn flags(self) -> u16 {
        match self {
            Verb::Add => NLM_F_CREATE | NLM_F_EXCL,
            Verb::Replace => NLM_F_CREATE | NLM_F_REPLACE,
            Verb::Append => NLM_F_CREATE | NLM_F_APPEND,
            Verb::Del => 0,
        }
    }

    /// The message type: `new` for everything but [`Verb::Del`], `del` for that.
    pub const fn kind(self, new: u16, del: u16) -> u16 {
        match self {
            Verb::Del => del,
            _ => new,
        }
    }

    /// The operation an [`Error`](crate::Error) reports.
    pub const fn op(self) -> crate::error::Op {
        match self {
            Verb::Add | Verb::Append => crate::error::Op::Add,
            Verb::Replace => crate::error::Op::Replace,
            Verb::Del => crate::error::Op::Delete,
        }
    }

    /// The verb as `ip(8)` says it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::Add => "add",
            Verb::Replace => "replace",
            Verb::Append => "append",
            Verb::Del => "del",
        }
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An address family of a route or rule that has no address to tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Family {
    /// `AF_INET`.
    #[default]
    V4,
    /// `AF_INET6`.
    V6,
}

impl Family {
    /// The family of `addr`.
    pub fn of(addr: IpAddr) -> Family {
        if addr.is_ipv4() {
            Family::V4
        } else {
            Family::V6
        }
    }

    /// `AF_INET` or `AF_INET6`.
    pub const fn af(self) -> u8 {
        match self {
            Family::V4 => AF_INET,
            Family::V6 => AF_INET6,
        }
    }
}

/// A spec that cannot become a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecError {
    /// A field's value cannot be sent (names over 15 bytes or with a NUL,
    /// mixed address families, a weight of 0, ...); the text names the
    /// field and the rule.
    Invalid(&'static str),
    /// Writing the request failed (the buffer is too small).
    Wire(wire::Error),
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Invalid(why) => write!(f, "invalid argument: {why}"),
            SpecError::Wire(e) => write!(f, "cannot build the request: {e}"),
        }
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    /// The std-layer error for `op` on `object`: refused before sending.
    pub fn into_error(self, op: crate::error::Op, object: crate::error::Object) -> crate::Error {
        let kind = match self {
            SpecError::Invalid(why) => crate::ErrorKind::InvalidArgument(why),
            SpecError::Wire(e) => crate::ErrorKind::Encode(e),
        };
        crate::Error::new(op, object, kind)
    }
}

/// The outcome of sending a spec's request: a spec refused before sending
/// becomes an [`ErrorKind::InvalidArgument`](crate::ErrorKind) (or
/// `Encode`) error; either way the error names the object in `ip(8)` words.
pub(crate) fn outcome<T>(
    sent: Result<Result<T, crate::Error>, SpecError>,
    op: crate::error::Op,
    object: crate::error::Object,
    target: &dyn fmt::Display,
) -> Result<T, crate::Error> {
    sent.unwrap_or_else(|e| Err(e.into_error(op, object)))
        .map_err(|e| e.with_target(target.to_string()))
}

impl From<wire::Error> for SpecError {
    fn from(e: wire::Error) -> SpecError {
        SpecError::Wire(e)
    }
}

/// Writes a request of type `kind` with `flags` into `buf` (sequence
/// number and port id are stamped when sending); `emit` adds the body.
pub(crate) fn write(
    buf: &mut [u8],
    kind: u16,
    flags: u16,
    emit: impl FnOnce(&mut MessageBuilder<'_>) -> Result<(), wire::Error>,
) -> Result<&mut [u8], SpecError> {
    let mut b = MessageBuilder::new(buf, kind, flags, 0, 0)?;
    emit(&mut b)?;
    Ok(b.finish()?)
}

/// An interface name for the kernel, or [`SpecError::Invalid`] with `bad`.
pub(crate) fn if_name(name: &str, bad: &'static str) -> Result<IfName, SpecError> {
    match IfName::new(name) {
        Some(n) if !n.is_empty() => Ok(n),
        _ => Err(SpecError::Invalid(bad)),
    }
}

/// A `core::net` address from the IP math type.
pub(crate) fn std_addr(a: IpAddress) -> IpAddr {
    a.into()
}

/// The network address and prefix length of `net`.
pub(crate) fn prefix(net: &IpNetwork) -> (IpAddr, u8) {
    (std_addr(net.network_address()), net.prefixlen())
}

/// Table ids 0..=255 go in the fixed header as well as in the attribute;
/// larger ones only in the attribute, with `RT_TABLE_UNSPEC` in the header
/// (what `ip(8)` does, and what old kernels need).
pub(crate) fn header_table(id: u32) -> u8 {
    // RT_TABLE_UNSPEC is 0.
    u8::try_from(id).unwrap_or(0)
}

/// Writes ` table N`, naming the well-known tables as `ip(8)` does.
pub(crate) fn fmt_table(f: &mut fmt::Formatter<'_>, id: u32) -> fmt::Result {
    match id {
        t if t == RT_TABLE_MAIN => f.write_str(" table main"),
        t if t == RT_TABLE_LOCAL => f.write_str(" table local"),
        t if t == RT_TABLE_DEFAULT => f.write_str(" table default"),
        t => write!(f, " table {t}"),
    }
}
