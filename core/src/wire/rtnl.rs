//! One entry point for any rtnetlink message: [`RtnlMessage::parse`] picks
//! the family parser by message type.

use super::address::AddressRepr;
use super::error::Error;
use super::family::FamilyRepr;
use super::framing::{Control, Message};
use super::link::LinkRepr;
use super::neighbour::NeighbourRepr;
use super::nexthop::NexthopRepr;
use super::route::RouteRepr;
use super::rule::RuleRepr;

/// Any rtnetlink message, decoded.
// No Box in a no-alloc crate: the variants stay inline, sized by the link repr.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtnlMessage<'a> {
    /// `RTM_*LINK`.
    Link(LinkRepr<'a>),
    /// `RTM_*ADDR`.
    Address(AddressRepr),
    /// `RTM_*ROUTE`.
    Route(RouteRepr<'a>),
    /// `RTM_*NEIGH`.
    Neighbour(NeighbourRepr),
    /// `RTM_*RULE`.
    Rule(RuleRepr),
    /// `RTM_*NEXTHOP`.
    Nexthop(NexthopRepr<'a>),
    /// `NLMSG_ERROR`, `NLMSG_DONE`, `NLMSG_NOOP`, `NLMSG_OVERRUN`.
    Control(Control<'a>),
    /// A message type this crate does not decode (its bytes stay in the [`Message`]).
    Other(u16),
}

impl<'a> RtnlMessage<'a> {
    /// Decodes `msg` with the parser for its type.
    pub fn parse(msg: &Message<'a>) -> Result<Self, Error> {
        let k = msg.kind();
        Ok(if LinkRepr::MESSAGES.contains(&k) {
            RtnlMessage::Link(LinkRepr::parse(msg)?)
        } else if AddressRepr::MESSAGES.contains(&k) {
            RtnlMessage::Address(AddressRepr::parse(msg)?)
        } else if RouteRepr::MESSAGES.contains(&k) {
            RtnlMessage::Route(RouteRepr::parse(msg)?)
        } else if NeighbourRepr::MESSAGES.contains(&k) {
            RtnlMessage::Neighbour(NeighbourRepr::parse(msg)?)
        } else if RuleRepr::MESSAGES.contains(&k) {
            RtnlMessage::Rule(RuleRepr::parse(msg)?)
        } else if NexthopRepr::MESSAGES.contains(&k) {
            RtnlMessage::Nexthop(NexthopRepr::parse(msg)?)
        } else {
            match msg.control()? {
                Control::Data => RtnlMessage::Other(k),
                c => RtnlMessage::Control(c),
            }
        })
    }
}
