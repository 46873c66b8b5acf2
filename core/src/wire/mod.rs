//! The rtnetlink wire format, without allocation.
//!
//! Layers, each in its own file:
//! - [`framing`]: `nlmsghdr`, the walk over a datagram, acks/errors with
//!   extended ack, `NLMSG_DONE`.
//! - [`attr`]: the `rtattr` walk and typed getters; [`value`]: how one
//!   payload becomes a value; [`name`]: inline names and link addresses.
//! - [`builder`]: writing a request into a caller's buffer.
//! - [`header`] and [`table`]: the macros that turn a fixed-header field
//!   list or an attribute table into view, repr, parse and emit code.
//! - One file per message family: [`link`] (+ [`link_info`] for kinds),
//!   [`address`], [`route`], [`neighbour`], [`rule`], [`nexthop`],
//!   [`bridge`] (bridge port settings and VLANs of `AF_BRIDGE` links);
//!   each repr decodes through the one [`FamilyRepr`] trait ([`family`]);
//!   [`rtnl`] dispatches any message to the right one.
//! - [`uapi`]: the kernel's constants under their kernel names.
//!
//! Rules: every length is checked before it is read, so hostile bytes give
//! an [`Error`] and never a panic; an unknown attribute is skipped by the
//! typed parsers but stays reachable through the raw [`Attrs`] walk; a known
//! attribute with a bad payload is skipped and remembered (`bad_attr`)
//! rather than failing the message. Emitting checks space first:
//! a short buffer is [`ErrorKind::BufferTooSmall`].

pub mod address;
pub mod attr;
pub mod bridge;
pub mod builder;
pub mod error;
pub mod family;
pub mod framing;
pub mod header;
pub mod link;
pub mod link_info;
pub mod name;
pub mod neighbour;
pub mod nexthop;
pub mod route;
pub mod route_keys;
pub mod rtnl;
pub mod rule;
pub mod table;
pub mod uapi;
pub mod value;

pub use attr::{align, attr_size, Attr, Attrs, RtattrBuf, RTA_HDRLEN};
pub use builder::{MessageBuilder, Nest};
pub use error::{Error, ErrorKind};
pub use family::FamilyRepr;
pub use framing::{
    Control, DoneMsg, ErrorMsg, ExtAck, Message, Messages, NlmsgBuf, NlmsgHeader, NLMSG_HDRLEN,
};
pub use name::{HwAddr, IfAlias, IfName, Name};
pub use rtnl::RtnlMessage;
pub use value::{AttrValue, Be16, Be32};
