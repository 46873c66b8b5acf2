//! One entry point for any rtnetlink message: [`RtnlMessage::parse`] picks
//! the family parser by message type.

use super::address::{AddressRepr, ADDRESS_MESSAGES};
use super::error::Error;
use super::framing::{Control, Message};
use super::link::{LinkRepr, LINK_MESSAGES};
use super::neighbour::{NeighbourRepr, NEIGHBOUR_MESSAGES};
use super::nexthop::{NexthopRepr, NEXTHOP_MESSAGES};
use super::route::{RouteRepr, ROUTE_MESSAGES};
use super::rule::{RuleRepr, RULE_MESSAGES};

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
        Ok(if LINK_MESSAGES.contains(&k) {
            RtnlMessage::Link(LinkRepr::parse(msg)?)
        } else if ADDRESS_MESSAGES.contains(&k) {
            RtnlMessage::Address(AddressRepr::parse(msg)?)
        } else if ROUTE_MESSAGES.contains(&k) {
            RtnlMessage::Route(RouteRepr::parse(msg)?)
        } else if NEIGHBOUR_MESSAGES.contains(&k) {
            RtnlMessage::Neighbour(NeighbourRepr::parse(msg)?)
        } else if RULE_MESSAGES.contains(&k) {
            RtnlMessage::Rule(RuleRepr::parse(msg)?)
        } else if NEXTHOP_MESSAGES.contains(&k) {
            RtnlMessage::Nexthop(NexthopRepr::parse(msg)?)
        } else {
            match msg.control()? {
                Control::Data => RtnlMessage::Other(k),
                c => RtnlMessage::Control(c),
            }
        })
    }
}
