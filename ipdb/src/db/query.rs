//! Lookups on a [`State`]: links by name and index, interfaces with their
//! ports and addresses, routes by exact prefix, by spec, by longest-prefix
//! match, the default route.

use ipdb_core::ip::{IpAddress, IpNetwork};
use ipdb_core::wire::uapi::{AF_INET, AF_INET6};

use super::routes::RouteRef;
use super::state::State;
use crate::records::{Address, Link, Neighbour, Nexthop, Route, Rule};

/// A link with what the database knows around it: its ports and its
/// addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The link record.
    pub link: Link,
    /// Indexes of the links whose master this link is, ascending.
    pub ports: Vec<u32>,
    /// The link's addresses as `(address, prefix length)`, in the order
    /// the kernel reported them.
    pub addresses: Vec<(IpAddress, u8)>,
}

/// Which routes [`State::routes_matching`] returns: every field that is
/// `Some` must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteSpec {
    /// `AF_INET` or `AF_INET6`.
    pub family: Option<u8>,
    /// Table id.
    pub table: Option<u32>,
    /// Exact destination prefix.
    pub dst: Option<IpNetwork>,
    /// Output interface (the route's own or any hop's).
    pub oif: Option<u32>,
    /// Gateway (the route's own or any hop's).
    pub gateway: Option<IpAddress>,
    /// `RTPROT_*`.
    pub protocol: Option<u8>,
    /// `RTN_*`.
    pub kind: Option<u8>,
    /// Priority (metric); a route without one has 0.
    pub priority: Option<u32>,
}

impl RouteSpec {
    /// Whether `r` matches every field given.
    pub fn matches(&self, r: &Route) -> bool {
        fn ok<T: PartialEq>(want: &Option<T>, have: T) -> bool {
            match want {
                Some(w) => *w == have,
                None => true,
            }
        }
        ok(&self.family, r.family)
            && ok(&self.table, r.table)
            && ok(&self.dst, r.dst)
            && ok(&self.protocol, r.protocol)
            && ok(&self.kind, r.kind)
            && ok(&self.priority, r.priority.unwrap_or(0))
            && match self.oif {
                Some(o) => r.oif == Some(o) || r.multipath.iter().any(|h| h.oif == o),
                None => true,
            }
            && match self.gateway {
                Some(g) => r.gateway == Some(g) || r.multipath.iter().any(|h| h.gateway == Some(g)),
                None => true,
            }
    }
}

impl State {
    /// The link with index `index` (O(1)).
    pub fn link(&self, index: u32) -> Option<&Link> {
        self.links.get(index)
    }

    /// The link named `name` (O(1)).
    pub fn link_by_name(&self, name: &str) -> Option<&Link> {
        self.links.by_name(name)
    }

    /// Every link, in no particular order.
    pub fn links(&self) -> impl Iterator<Item = &Link> + '_ {
        self.links.iter()
    }

    /// Indexes of the ports of link `index` (links whose master it is).
    pub fn ports(&self, index: u32) -> &[u32] {
        self.links.ports(index)
    }

    /// The link `index` with its ports and addresses.
    pub fn interface(&self, index: u32) -> Option<Interface> {
        let link = self.links.get(index)?;
        Some(Interface {
            link: link.clone(),
            ports: self.links.ports(index).to_vec(),
            addresses: self
                .addresses
                .of_link(index)
                .iter()
                .filter_map(|a| Some((a.local?, a.prefixlen)))
                .collect(),
        })
    }

    /// The link named `name` with its ports and addresses.
    pub fn interface_by_name(&self, name: &str) -> Option<Interface> {
        self.interface(self.links.by_name(name)?.index)
    }

    /// The addresses of link `index`.
    pub fn addresses_of(&self, index: u32) -> &[Address] {
        self.addresses.of_link(index)
    }

    /// Every address.
    pub fn addresses(&self) -> impl Iterator<Item = &Address> + '_ {
        self.addresses.iter()
    }

    /// Every route, IPv4 then IPv6, as stored (decode with
    /// [`RouteRef::route`]).
    pub fn route_refs(&self) -> impl Iterator<Item = RouteRef<'_>> + '_ {
        self.routes4.iter().chain(self.routes6.iter())
    }

    /// Every route, IPv4 then IPv6.
    pub fn routes(&self) -> impl Iterator<Item = Route> + '_ {
        self.route_refs().map(|r| r.route())
    }

    /// The routes of `table` in `family`.
    pub fn table_routes(&self, family: u8, table: u32) -> Box<dyn Iterator<Item = Route> + '_> {
        if family == AF_INET {
            Box::new(self.routes4.table(table).map(|r| r.route()))
        } else {
            Box::new(self.routes6.table(table).map(|r| r.route()))
        }
    }

    /// The routes to exactly `dst` in `table`: those without TOS first,
    /// each group lowest priority first.
    pub fn routes_to(&self, table: u32, dst: &IpNetwork) -> Vec<Route> {
        match dst {
            IpNetwork::V4(_) => self.routes4.exact(table, dst),
            IpNetwork::V6(_) => self.routes6.exact(table, dst),
        }
    }

    /// The first route (lowest priority) to exactly `dst` in `table`.
    pub fn route(&self, table: u32, dst: &IpNetwork) -> Option<Route> {
        self.routes_to(table, dst).into_iter().next()
    }

    /// Every route that matches `spec`.
    pub fn routes_matching<'a>(&'a self, spec: &'a RouteSpec) -> impl Iterator<Item = Route> + 'a {
        let v4 = spec.family != Some(AF_INET6);
        let v6 = spec.family != Some(AF_INET);
        let four: Box<dyn Iterator<Item = RouteRef<'_>>> = match (v4, spec.table) {
            (false, _) => Box::new(core::iter::empty()),
            (true, Some(t)) => Box::new(self.routes4.table(t)),
            (true, None) => Box::new(self.routes4.iter()),
        };
        let six: Box<dyn Iterator<Item = RouteRef<'_>>> = match (v6, spec.table) {
            (false, _) => Box::new(core::iter::empty()),
            (true, Some(t)) => Box::new(self.routes6.table(t)),
            (true, None) => Box::new(self.routes6.iter()),
        };
        four.chain(six)
            .map(|r| r.route())
            .filter(move |r| spec.matches(r))
    }

    /// The default route (`0.0.0.0/0` or `::/0`) of `family` in `table`
    /// with the lowest priority.
    pub fn default_route(&self, family: u8, table: u32) -> Option<Route> {
        if family == AF_INET {
            self.routes4.default_route(table)
        } else {
            self.routes6.default_route(table)
        }
    }

    /// Longest-prefix match of `addr` in `table`: the route the kernel
    /// would choose there (most specific prefix, then lowest priority,
    /// routes with a TOS left out as for a lookup without TOS). A
    /// multipath route comes with all its hops.
    #[inline]
    pub fn lookup(&self, table: u32, addr: &IpAddress) -> Option<Route> {
        self.lookup_ref(table, addr).map(|r| r.route())
    }

    /// [`State::lookup`] without decoding the route: where its bytes are
    /// ([`RouteRef::route`] for the record, [`RouteRef::decode_into`] for
    /// the zero-copy view).
    #[inline]
    pub fn lookup_ref(&self, table: u32, addr: &IpAddress) -> Option<RouteRef<'_>> {
        match addr {
            IpAddress::V4(_) => self.routes4.lookup(table, addr),
            IpAddress::V6(_) => self.routes6.lookup(table, addr),
        }
    }

    /// Longest-prefix match of an IPv4 address given as its `u32`,
    /// without decoding the route (see [`RouteRef::route`]).
    pub fn lookup_v4(&self, table: u32, addr: u32) -> Option<RouteRef<'_>> {
        self.routes4.lookup_bits(table, addr)
    }

    /// Longest-prefix match of an IPv6 address given as its `u128`,
    /// without decoding the route.
    pub fn lookup_v6(&self, table: u32, addr: u128) -> Option<RouteRef<'_>> {
        self.routes6.lookup_bits(table, addr)
    }

    /// Every neighbour entry (ARP, NDP, bridge FDB).
    pub fn neighbours(&self) -> impl Iterator<Item = &Neighbour> + '_ {
        self.neighbours.values().chain(self.fdb.values())
    }

    /// Every rule, in the order they came.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Every nexthop object.
    pub fn nexthops(&self) -> impl Iterator<Item = &Nexthop> + '_ {
        self.nexthops.values()
    }

    /// The nexthop object with id `id`.
    pub fn nexthop(&self, id: u32) -> Option<&Nexthop> {
        self.nexthops.get(&id)
    }

    /// Route counts per `(table, family)`, sorted.
    pub fn route_counts(&self) -> Vec<(u32, u8, usize)> {
        let mut v: Vec<(u32, u8, usize)> = self
            .routes4
            .table_counts()
            .map(|(t, n)| (t, AF_INET, n))
            .chain(
                self.routes6
                    .table_counts()
                    .map(|(t, n)| (t, ipdb_core::wire::uapi::AF_INET6, n)),
            )
            .collect();
        v.sort_unstable();
        v
    }
}
