//! What every message family's repr shares: the message types that carry
//! it, the length of its fixed header, and the four ways to decode one.
//! A family writes only [`FamilyRepr::parse_body_into`]; the other three
//! are written once here, so the families cannot drift apart.
//!
//! ```
//! use ipdb_core::wire::{route::RouteRepr, uapi::*, FamilyRepr, Message, MessageBuilder};
//! let mut repr = RouteRepr::default();
//! repr.header.family = AF_INET;
//! repr.attrs.oif = Some(2);
//! let mut buf = [0u8; 64];
//! let mut b = MessageBuilder::new(&mut buf, RTM_NEWROUTE, NLM_F_REQUEST, 1, 0).unwrap();
//! repr.emit(&mut b).unwrap();
//! let msg = Message::parse(b.finish().unwrap()).unwrap();
//! assert_eq!(RouteRepr::parse(&msg).unwrap(), repr);
//! let mut reused = RouteRepr::default();
//! reused.parse_into(&msg).unwrap();
//! assert_eq!(reused, repr);
//! ```

use super::attr::Attrs;
use super::error::Error;
use super::framing::Message;

/// A decoded message of one rtnetlink family (link, address, route,
/// neighbour, rule, nexthop): a fixed header followed by attributes.
pub trait FamilyRepr<'a>: Default {
    /// The message types that carry this family (`RTM_NEW*`, `RTM_DEL*`, ...).
    const MESSAGES: &'static [u16];

    /// Length of the fixed family header (`ifinfomsg`, `rtmsg`, ...) that
    /// comes before the attributes.
    const FIXED_LEN: usize;

    /// Decodes the fixed header and its attributes into `self`, which is
    /// reset first. On error `self` holds what was read so far.
    fn parse_body_into(&mut self, fixed: &'a [u8], attrs: Attrs<'a>) -> Result<(), Error>;

    /// Decodes a message of one of the types in [`Self::MESSAGES`]; another
    /// type is [`ErrorKind::WrongType`](super::ErrorKind::WrongType).
    fn parse(msg: &Message<'a>) -> Result<Self, Error> {
        let (fixed, attrs) = msg.split_family(Self::MESSAGES, Self::FIXED_LEN)?;
        Self::parse_body(fixed, attrs)
    }

    /// Decodes the fixed header and its attributes (for a link, also the
    /// shape of a veth peer).
    fn parse_body(fixed: &'a [u8], attrs: Attrs<'a>) -> Result<Self, Error> {
        let mut r = Self::default();
        r.parse_body_into(fixed, attrs)?;
        Ok(r)
    }

    /// Like [`FamilyRepr::parse`], but decodes into `self`, which is reset
    /// first: a link or route repr is a few hundred bytes, and a loop over
    /// a dump that reuses one repr skips moving it per message (a fifth of
    /// the parse time in the route bench). On error `self` holds what was
    /// read so far.
    fn parse_into(&mut self, msg: &Message<'a>) -> Result<(), Error> {
        let (fixed, attrs) = msg.split_family(Self::MESSAGES, Self::FIXED_LEN)?;
        self.parse_body_into(fixed, attrs)
    }
}
