//! [`Transaction`]: the changes a program wants, recorded in the order it
//! asked for them, and the builder calls that record them (IPDB's
//! `interface.set_mtu()`, `add_ip()`, `add_port()`, `routes.add()`...).
//!
//! Nothing here talks to the kernel or reads its state: a transaction is a
//! plain list until it is planned against a [`Snapshot`](super::Snapshot)
//! and committed.

use std::fmt;

use ipdb_core::ip::IpInterface;
use ipdb_core::wire::HwAddr;

use crate::iproute::IpRoute;
use crate::spec::{
    AddressSpec, LinkSettings, LinkSpec, NeighbourSpec, NexthopSpec, RouteSpec, RuleSpec, Verb,
};

/// A link named in a transaction: by name (also links the transaction
/// creates) or by index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkRef {
    /// By interface name.
    Name(String),
    /// By interface index.
    Index(u32),
}

impl From<&str> for LinkRef {
    fn from(n: &str) -> LinkRef {
        LinkRef::Name(n.to_owned())
    }
}

impl From<String> for LinkRef {
    fn from(n: String) -> LinkRef {
        LinkRef::Name(n)
    }
}

impl From<u32> for LinkRef {
    fn from(i: u32) -> LinkRef {
        LinkRef::Index(i)
    }
}

impl fmt::Display for LinkRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkRef::Name(n) => f.write_str(n),
            LinkRef::Index(i) => write!(f, "index {i}"),
        }
    }
}

/// One change of a transaction, as the program asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Create a link; `parent` (by name or index) is the lower device of
    /// kinds that have one (vlan, macvlan, macvtap, vxlan `dev`, gre
    /// `link`) and overrides the index in the kind. With `reuse`, an
    /// existing link of the same name and kind is taken as it is.
    Create {
        /// The link to create.
        spec: LinkSpec,
        /// The lower device.
        parent: Option<LinkRef>,
        /// Take an existing link of that name and kind instead of failing.
        reuse: bool,
    },
    /// Change fields of a link (its master is [`Change::Master`]).
    Set {
        /// The link.
        link: LinkRef,
        /// New name.
        rename: Option<String>,
        /// New up/down, mtu, MAC, txqlen, alias (`master` unused).
        settings: LinkSettings,
    },
    /// Enslave `link` to `master` (a bridge or bond), or release it (`None`).
    Master {
        /// The port.
        link: LinkRef,
        /// The new master.
        master: Option<LinkRef>,
    },
    /// Delete a link.
    Remove {
        /// The link.
        link: LinkRef,
    },
    /// Add (`add`) or delete an address of `link`; `spec.index` is ignored.
    Address {
        /// The link.
        link: LinkRef,
        /// Add or delete.
        add: bool,
        /// The address.
        spec: AddressSpec,
    },
    /// Add ([`Verb::Add`]), change ([`Verb::Replace`]) or delete
    /// ([`Verb::Del`]) a route; `dev` overrides `spec.oif`, `hops[i]`
    /// the `oif` of `spec.multipath[i]`.
    Route {
        /// What to do.
        verb: Verb,
        /// Output link by name or index.
        dev: Option<LinkRef>,
        /// The route.
        spec: RouteSpec,
        /// Links of the multipath hops by name or index (may be shorter
        /// than `spec.multipath`; `None`: the hop's own `oif`).
        hops: Vec<Option<LinkRef>>,
    },
    /// Add or delete next hops of the existing route with the key of
    /// `route` (destination, table, metric).
    Nexthops {
        /// Names the route.
        route: RouteSpec,
        /// Hops to add.
        add: Vec<NexthopSpec>,
        /// Hops to delete (matched by gateway and link).
        del: Vec<NexthopSpec>,
    },
    /// Add or delete a neighbour / FDB entry on `dev` (`spec.index` is ignored).
    Neighbour {
        /// Add or delete.
        add: bool,
        /// The link.
        dev: LinkRef,
        /// The entry.
        spec: NeighbourSpec,
    },
    /// Add or delete a rule.
    Rule {
        /// Add or delete.
        add: bool,
        /// The rule.
        spec: RuleSpec,
    },
}

/// A commit hook: runs after every step was acked, with the handle the
/// commit used; `Err(reason)` vetoes the commit (everything is rolled back).
pub type HookFn = dyn FnMut(&mut IpRoute) -> Result<(), String> + Send;

/// A set of changes applied together by a commit, or not at all.
///
/// ```
/// use ipdb::txn::Transaction;
/// use ipdb::spec::{LinkKind, LinkSpec, RouteSpec};
/// let mut t = Transaction::new();
/// t.create(LinkSpec::new("br0", LinkKind::bridge())).up();
/// t.link("eth0").set_mtu(1400).add_ip("10.0.0.2/24".parse().unwrap()).set_master("br0");
/// let mut r = RouteSpec::new("10.1.0.0/16".parse().unwrap());
/// r.gateway = Some("10.0.0.1".parse().unwrap());
/// t.add_route(r);
/// assert_eq!(t.changes().len(), 6);
/// ```
#[derive(Default)]
pub struct Transaction {
    pub(crate) changes: Vec<Change>,
    pub(crate) hooks: Vec<(String, Box<HookFn>)>,
}

impl fmt::Debug for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hooks: Vec<&str> = self.hooks.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Transaction")
            .field("changes", &self.changes)
            .field("hooks", &hooks)
            .finish()
    }
}

impl Transaction {
    /// An empty transaction.
    pub fn new() -> Transaction {
        Transaction::default()
    }

    /// The changes recorded so far, in the order they were asked for.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Whether nothing was asked for.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Records a change as it is.
    pub fn push(&mut self, change: Change) -> &mut Transaction {
        self.changes.push(change);
        self
    }

    /// Changes to the existing (or to-be-created) link `link`.
    pub fn link(&mut self, link: impl Into<LinkRef>) -> LinkEdit<'_> {
        LinkEdit {
            t: self,
            link: link.into(),
        }
    }

    /// Creates a link (every [`LinkKind`](crate::spec::LinkKind)); returns
    /// its editor for more changes (`.up()`, `.add_ip()`, `.reuse()`).
    pub fn create(&mut self, spec: LinkSpec) -> LinkEdit<'_> {
        self.create_with(spec, None)
    }

    /// Creates a link on the lower device `parent`, which may itself be
    /// created by this transaction (vlan, macvlan, macvtap, vxlan, gre).
    pub fn create_on(&mut self, spec: LinkSpec, parent: impl Into<LinkRef>) -> LinkEdit<'_> {
        self.create_with(spec, Some(parent.into()))
    }

    fn create_with(&mut self, spec: LinkSpec, parent: Option<LinkRef>) -> LinkEdit<'_> {
        let link = LinkRef::Name(spec.name.clone());
        self.changes.push(Change::Create {
            spec,
            parent,
            reuse: false,
        });
        LinkEdit { t: self, link }
    }

    /// Deletes a link.
    pub fn remove(&mut self, link: impl Into<LinkRef>) -> &mut Transaction {
        self.push(Change::Remove { link: link.into() })
    }

    /// Adds a route (its `oif`, if any, is an index).
    pub fn add_route(&mut self, spec: RouteSpec) -> &mut Transaction {
        self.route(Verb::Add, None, spec)
    }

    /// Adds a route out of the link `dev` (by name: also a link this
    /// transaction creates).
    pub fn add_route_dev(&mut self, spec: RouteSpec, dev: impl Into<LinkRef>) -> &mut Transaction {
        self.route(Verb::Add, Some(dev.into()), spec)
    }

    /// Changes the route with `spec`'s key (destination, table, metric) to
    /// `spec` (gateway, metrics, ...), or adds it (`ip route replace`).
    pub fn change_route(&mut self, spec: RouteSpec) -> &mut Transaction {
        self.route(Verb::Replace, None, spec)
    }

    /// Deletes the route matching `spec` (fields left unset match anything,
    /// the table is main unless given).
    pub fn remove_route(&mut self, spec: RouteSpec) -> &mut Transaction {
        self.route(Verb::Del, None, spec)
    }

    /// Adds a multipath route whose hops go out of the links given (by
    /// name: also links this transaction creates), each hop's `oif` unset.
    pub fn add_route_hops(
        &mut self,
        mut spec: RouteSpec,
        hops: Vec<(NexthopSpec, LinkRef)>,
    ) -> &mut Transaction {
        let (specs, devs): (Vec<_>, Vec<_>) = hops.into_iter().map(|(h, d)| (h, Some(d))).unzip();
        spec.multipath = specs;
        self.push(Change::Route {
            verb: Verb::Add,
            dev: None,
            spec,
            hops: devs,
        })
    }

    fn route(&mut self, verb: Verb, dev: Option<LinkRef>, spec: RouteSpec) -> &mut Transaction {
        self.push(Change::Route {
            verb,
            dev,
            spec,
            hops: Vec::new(),
        })
    }

    /// Adds a next hop to the existing route with the key of `route`
    /// (a single-hop route becomes multipath).
    pub fn add_nh(&mut self, route: &RouteSpec, hop: NexthopSpec) -> &mut Transaction {
        self.nexthops(route, Some(hop), None)
    }

    /// Deletes a next hop (matched by gateway and link) of the existing
    /// multipath route with the key of `route`.
    pub fn del_nh(&mut self, route: &RouteSpec, hop: NexthopSpec) -> &mut Transaction {
        self.nexthops(route, None, Some(hop))
    }

    fn nexthops(
        &mut self,
        route: &RouteSpec,
        add: Option<NexthopSpec>,
        del: Option<NexthopSpec>,
    ) -> &mut Transaction {
        // Consecutive hop edits of one route are one replace.
        if let Some(Change::Nexthops {
            route: r,
            add: a,
            del: d,
        }) = self.changes.last_mut()
        {
            if r.dst == route.dst && r.table == route.table && r.priority == route.priority {
                a.extend(add);
                d.extend(del);
                return self;
            }
        }
        self.push(Change::Nexthops {
            route: route.clone(),
            add: add.into_iter().collect(),
            del: del.into_iter().collect(),
        })
    }

    /// Adds a neighbour or FDB entry on `dev`.
    pub fn add_neighbour(
        &mut self,
        dev: impl Into<LinkRef>,
        spec: NeighbourSpec,
    ) -> &mut Transaction {
        self.neighbour(true, dev.into(), spec)
    }

    /// Deletes a neighbour or FDB entry on `dev`.
    pub fn remove_neighbour(
        &mut self,
        dev: impl Into<LinkRef>,
        spec: NeighbourSpec,
    ) -> &mut Transaction {
        self.neighbour(false, dev.into(), spec)
    }

    fn neighbour(&mut self, add: bool, dev: LinkRef, spec: NeighbourSpec) -> &mut Transaction {
        self.push(Change::Neighbour { add, dev, spec })
    }

    /// Adds a rule.
    pub fn add_rule(&mut self, spec: RuleSpec) -> &mut Transaction {
        self.push(Change::Rule { add: true, spec })
    }

    /// Deletes the rule matching `spec`.
    pub fn remove_rule(&mut self, spec: RuleSpec) -> &mut Transaction {
        self.push(Change::Rule { add: false, spec })
    }

    /// Adds a commit hook named `name`: it runs after every step was acked
    /// and may veto the commit with `Err(reason)` (e.g. "gateway
    /// unreachable" after a [`IpRoute::route_get`]); the commit is then
    /// rolled back and fails naming the hook and its reason.
    pub fn hook(
        &mut self,
        name: &str,
        f: impl FnMut(&mut IpRoute) -> Result<(), String> + Send + 'static,
    ) -> &mut Transaction {
        self.hooks.push((name.to_owned(), Box::new(f)));
        self
    }

    /// Moves every change and hook of `other` to the end of this one.
    pub fn append(&mut self, mut other: Transaction) {
        self.changes.append(&mut other.changes);
        self.hooks.append(&mut other.hooks);
    }
}

/// Records changes of one link (IPDB's interface object inside a
/// transaction). Each call adds to the transaction.
#[derive(Debug)]
pub struct LinkEdit<'t> {
    t: &'t mut Transaction,
    link: LinkRef,
}

impl LinkEdit<'_> {
    fn settings(&mut self, f: impl FnOnce(&mut LinkSettings)) -> &mut Self {
        // Field changes of one link gather into one request.
        let link = &self.link;
        let found = self.t.changes.iter_mut().rev().find_map(|c| match c {
            Change::Set {
                link: l, settings, ..
            } if l == link => Some(settings),
            _ => None,
        });
        match found {
            Some(s) => f(s),
            None => {
                let mut settings = LinkSettings::default();
                f(&mut settings);
                self.t.changes.push(Change::Set {
                    link: link.clone(),
                    rename: None,
                    settings,
                });
            }
        }
        self
    }

    /// Renames the link (later changes still name it by its old name or index).
    pub fn set_name(&mut self, name: &str) -> &mut Self {
        let name = name.to_owned();
        self.settings(|_| {});
        let link = self.link.clone();
        if let Some(Change::Set { rename, .. }) = self
            .t
            .changes
            .iter_mut()
            .rev()
            .find(|c| matches!(c, Change::Set { link: l, .. } if *l == link))
        {
            *rename = Some(name);
        }
        self
    }

    /// Sets the MTU.
    pub fn set_mtu(&mut self, mtu: u32) -> &mut Self {
        self.settings(|s| s.mtu = Some(mtu))
    }

    /// Sets the MAC address.
    pub fn set_address(&mut self, mac: [u8; 6]) -> &mut Self {
        self.settings(|s| s.address = HwAddr::new(&mac))
    }

    /// Sets the transmit queue length.
    pub fn set_txqlen(&mut self, txqlen: u32) -> &mut Self {
        self.settings(|s| s.txqlen = Some(txqlen))
    }

    /// Sets the alias (empty: none).
    pub fn set_alias(&mut self, alias: &str) -> &mut Self {
        let alias = alias.to_owned();
        self.settings(|s| s.alias = Some(alias))
    }

    /// Brings the link up.
    pub fn up(&mut self) -> &mut Self {
        self.settings(|s| s.up = Some(true))
    }

    /// Brings the link down.
    pub fn down(&mut self) -> &mut Self {
        self.settings(|s| s.up = Some(false))
    }

    /// Enslaves the link to `master` (bridge, bond).
    pub fn set_master(&mut self, master: impl Into<LinkRef>) -> &mut Self {
        let link = self.link.clone();
        self.t.push(Change::Master {
            link,
            master: Some(master.into()),
        });
        self
    }

    /// Releases the link from its master.
    pub fn no_master(&mut self) -> &mut Self {
        let link = self.link.clone();
        self.t.push(Change::Master { link, master: None });
        self
    }

    /// Adds a port to this bridge or bond.
    pub fn add_port(&mut self, port: impl Into<LinkRef>) -> &mut Self {
        let master = Some(self.link.clone());
        self.t.push(Change::Master {
            link: port.into(),
            master,
        });
        self
    }

    /// Releases a port of this bridge or bond.
    pub fn del_port(&mut self, port: impl Into<LinkRef>) -> &mut Self {
        self.t.push(Change::Master {
            link: port.into(),
            master: None,
        });
        self
    }

    /// Adds an address (`10.0.0.1/24`; IPv4 gets the broadcast address).
    pub fn add_ip(&mut self, address: IpInterface) -> &mut Self {
        self.add_address(AddressSpec::new(0, address).with_broadcast())
    }

    /// Adds an address with every field of `spec` (its index is ignored).
    pub fn add_address(&mut self, spec: AddressSpec) -> &mut Self {
        let link = self.link.clone();
        self.t.push(Change::Address {
            link,
            add: true,
            spec,
        });
        self
    }

    /// Deletes an address.
    pub fn del_ip(&mut self, address: IpInterface) -> &mut Self {
        let link = self.link.clone();
        self.t.push(Change::Address {
            link,
            add: false,
            spec: AddressSpec::new(0, address),
        });
        self
    }

    /// Deletes the link.
    pub fn remove(&mut self) -> &mut Self {
        let link = self.link.clone();
        self.t.push(Change::Remove { link });
        self
    }

    /// For a link this transaction creates: take an existing link of that
    /// name and kind instead of failing with "exists".
    pub fn reuse(&mut self) -> &mut Self {
        let link = self.link.clone();
        for c in self.t.changes.iter_mut().rev() {
            if let Change::Create { spec, reuse, .. } = c {
                if LinkRef::Name(spec.name.clone()) == link {
                    *reuse = true;
                    break;
                }
            }
        }
        self
    }
}
