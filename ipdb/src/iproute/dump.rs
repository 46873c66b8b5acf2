//! Dumps: every object of a kind, as owned [`records`](crate::records).
//!
//! Each dump is one `RTM_GET*` request with `NLM_F_DUMP`, answered in as
//! many datagrams as the kernel needs; each reply is decoded by the
//! `ipdb_core::wire` repr of its family and turned into a record. A dump
//! the kernel marks inconsistent (`NLM_F_DUMP_INTR`, objects changed
//! while it ran) is restarted from scratch, so every result is one
//! consistent snapshot.

use ipdb_core::wire::address::{AddressRepr, IfAddrHeader};
use ipdb_core::wire::link::{IfInfoHeader, LinkRepr};
use ipdb_core::wire::neighbour::{NdHeader, NeighbourRepr};
use ipdb_core::wire::nexthop::{NexthopRepr, NhHeader};
use ipdb_core::wire::route::{RouteRepr, RtHeader};
use ipdb_core::wire::rule::{FibRuleHeader, RuleRepr};
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::FamilyRepr;

use super::IpRoute;
use crate::error::{Error, Object};
use crate::records::{Address, Link, Neighbour, Nexthop, Route, Rule};

fn is_ip(family: u8) -> bool {
    family == AF_INET || family == AF_INET6
}

impl IpRoute {
    /// Every link of the namespace, in the kernel's order (by index).
    pub fn links(&mut self) -> Result<Vec<Link>, Error> {
        self.dump(
            Object::Link,
            RTM_GETLINK,
            |b| IfInfoHeader::default().append(b),
            |m| Ok(Some(Link::from(&LinkRepr::parse(m)?))),
        )
    }

    /// Every IPv4 and IPv6 address of every link.
    pub fn addresses(&mut self) -> Result<Vec<Address>, Error> {
        self.dump(
            Object::Address,
            RTM_GETADDR,
            |b| IfAddrHeader::default().append(b),
            |m| Ok(Some(Address::from(&AddressRepr::parse(m)?))),
        )
    }

    /// Routes of `family` (`AF_INET`, `AF_INET6`; `None`: both) in `table`
    /// (`None`: every table, local and main included). The kernel does
    /// the filtering (strict dump checking, `RTA_TABLE`), so ids above 255
    /// work. A table that does not exist holds no routes: `Ok` and empty.
    /// Routing-cache clones are not included.
    pub fn routes(&mut self, family: Option<u8>, table: Option<u32>) -> Result<Vec<Route>, Error> {
        let header = RtHeader {
            family: family.unwrap_or(AF_UNSPEC),
            ..RtHeader::default()
        };
        let result = self.dump(
            Object::Route,
            RTM_GETROUTE,
            |b| {
                header.append(b)?;
                match table {
                    Some(t) => b.put(RTA_TABLE, &t),
                    None => Ok(()),
                }
            },
            |m| Ok(Route::from_repr(&RouteRepr::parse(m)?).filter(|r| is_ip(r.family))),
        );
        match result {
            // IPv4 answers a filter on a table it does not have with ENOENT.
            Err(e) if table.is_some() && e.errno() == Some(libc::ENOENT) => Ok(Vec::new()),
            Err(e) => Err(match table {
                Some(t) => e.with_target(format!("table {t}")),
                None => e,
            }),
            ok => ok,
        }
    }

    /// Every IPv4 (ARP) and IPv6 (NDP) neighbour entry in every state
    /// (`ip neigh show nud all`: incomplete, failed, noarp and permanent
    /// included), then every bridge FDB entry (family `AF_BRIDGE`).
    pub fn neighbours(&mut self) -> Result<Vec<Neighbour>, Error> {
        let mut all = self.neighbours_of(AF_UNSPEC)?;
        all.extend(self.neighbours_of(AF_BRIDGE)?);
        Ok(all)
    }

    /// Neighbour entries of one family: `AF_INET`, `AF_INET6`, `AF_BRIDGE`
    /// (the bridge FDB), or `AF_UNSPEC` for IPv4 and IPv6 together.
    pub fn neighbours_of(&mut self, family: u8) -> Result<Vec<Neighbour>, Error> {
        let header = NdHeader {
            family,
            ..NdHeader::default()
        };
        self.dump(
            Object::Neighbour,
            RTM_GETNEIGH,
            |b| header.append(b),
            |m| Ok(Some(Neighbour::from(&NeighbourRepr::parse(m)?))),
        )
    }

    /// Every IPv4 and IPv6 routing policy rule, by family then priority.
    pub fn rules(&mut self) -> Result<Vec<Rule>, Error> {
        self.dump(
            Object::Rule,
            RTM_GETRULE,
            |b| FibRuleHeader::default().append(b),
            |m| {
                let r = Rule::from(&RuleRepr::parse(m)?);
                Ok(is_ip(r.family).then_some(r))
            },
        )
    }

    /// Every nexthop object (`ip nexthop`).
    pub fn nexthops(&mut self) -> Result<Vec<Nexthop>, Error> {
        self.dump(
            Object::Nexthop,
            RTM_GETNEXTHOP,
            |b| NhHeader::default().append(b),
            |m| Ok(Some(Nexthop::from(&NexthopRepr::parse(m)?))),
        )
    }
}
