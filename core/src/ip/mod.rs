//! IP math with the semantics of CPython's `ipaddress` module.
//!
//! Every type here is a small `Copy` value over a `u32` or `u128`:
//!
//! | CPython            | here                         |
//! |--------------------|------------------------------|
//! | `IPv4Address`      | [`Ipv4Address`]              |
//! | `IPv6Address`      | [`Ipv6Address`] (with [`ScopeId`]) |
//! | `IPv4Network`      | [`Ipv4Network`] = `Network<Ipv4Address>` |
//! | `IPv6Network`      | [`Ipv6Network`] = `Network<Ipv6Address>` |
//! | `IPv4Interface`    | [`Ipv4Interface`] = `Interface<Ipv4Address>` |
//! | `IPv6Interface`    | [`Ipv6Interface`] = `Interface<Ipv6Address>` |
//! | `ip_address()` ... | [`IpAddress`], [`IpNetwork`], [`IpInterface`] |
//!
//! Version-independent logic (networks, interfaces, iterators, collapse,
//! summarize, exclude) is written once, generic over [`Address`], the trait
//! both address types implement.
//!
//! Nothing here allocates: iterators are lazy, `collapse_addresses` works in
//! place over the caller's slice, text is produced through `core::fmt`.

// Addresses, their text, flags and errors.
mod addr;
mod error;
mod family;
mod packed;
mod scope;
mod special;
mod text;
mod v4;
mod v6;

// Networks, interfaces and the range algorithms, generic over `Address`.
mod collapse;
mod exclude;
mod interface;
mod iter;
mod mixed;
mod network;
mod summarize;

// -- re-exports: addresses --
pub use addr::IpAddress;
pub use error::{
    AddressError, AddressErrorKind, FormatSpecError, IpError, IpErrorKindLite, NetmaskError,
    TypeError, ValueError,
};
pub use family::Address;
pub use packed::{v4_int_to_packed, v6_int_to_packed};
pub use scope::ScopeId;
pub use text::TextBuf;
pub use v4::Ipv4Address;
pub use v6::Ipv6Address;

// -- re-exports: networks --
pub use collapse::collapse_addresses;
pub use exclude::AddressExclude;
pub use interface::{Interface, Ipv4Interface, Ipv6Interface};
pub use iter::{Addresses, Hosts, Subnets};
pub use mixed::{IpInterface, IpNetwork, MixedKey, Versioned};
pub use network::{Ipv4Network, Ipv6Network, NetText, Network, ReversePointer};
pub use summarize::{summarize_address_range, Summarize};
