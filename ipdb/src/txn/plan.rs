//! Planning: a [`Transaction`]'s changes, read against the state before,
//! become ordered [`Step`]s, each with the actions that undo it, built now
//! from the state before (not later from a state the commit has changed).
//!
//! Steps go in [`Phase`] order, so a step never needs one of a later
//! phase: links before the links on top of them, links before their
//! ports are enslaved, addresses before the routes through them, routes
//! before neighbours and rules, link deletions last. Deletions of routes
//! and neighbours that exist before go first of all: a link going down or
//! losing an address would otherwise take them away by itself, and the
//! delete sent after would fail (`ESRCH`) or hit another route matching
//! the same spec. Steps of one phase do not depend on each other, so they
//! can be sent as one pipelined batch.
//!
//! Besides its inverse, a step lists the objects of the state before
//! that the kernel may remove as a side effect of it ("dependents"):
//! taking a link down or deleting it drops the routes through it (and its
//! IPv6 addresses); deleting an address drops the routes using it as
//! source and its secondaries. The rollback puts those back after the
//! inverses.

use std::collections::HashMap;
use std::fmt;

use ipdb_core::ip::IpAddress;
use ipdb_core::wire::uapi::*;

use super::change::{Change, LinkRef, Transaction};
use super::restore;
use super::snapshot::{neighbour_key, uses_link, RouteKey, Snapshot, Touched};
use crate::error::{Error, ErrorKind, Object, Op};
use crate::records::Route;
use crate::spec::{
    AddressSpec, LinkKind, LinkSettings, LinkSpec, NeighbourSpec, NexthopSpec, RouteSpec, RuleSpec,
    Verb,
};

/// The order steps are applied in (and undone in reverse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Deletions of routes that exist before the commit, ahead of the
    /// link and address changes that may remove them as a side effect.
    RouteDel,
    /// Deletions of neighbours that exist before the commit (same reason).
    NeighbourDel,
    /// Links with no lower device.
    CreateLink,
    /// Links on a lower device (vlan, macvlan, vxlan dev, gre link).
    CreateChild,
    /// Link fields: name, up/down, MTU, MAC, txqlen, alias.
    SetLink,
    /// Ports enslaved to / released from bridges and bonds.
    Enslave,
    /// Address deletions.
    AddressDel,
    /// Address additions.
    AddressAdd,
    /// Route additions and changes, and deletions of routes not there
    /// before (such as the prefix route of an address the commit adds).
    Route,
    /// Neighbour additions, and deletions of neighbours not there before.
    Neighbour,
    /// Rule deletions.
    RuleDel,
    /// Rule additions.
    Rule,
    /// Link deletions.
    RemoveLink,
}

impl Phase {
    /// Every phase, in commit order.
    pub const ALL: [Phase; 13] = [
        Phase::RouteDel,
        Phase::NeighbourDel,
        Phase::CreateLink,
        Phase::CreateChild,
        Phase::SetLink,
        Phase::Enslave,
        Phase::AddressDel,
        Phase::AddressAdd,
        Phase::Route,
        Phase::Neighbour,
        Phase::RuleDel,
        Phase::Rule,
        Phase::RemoveLink,
    ];

    /// Whether the phase's steps are sent as a pipelined batch (link
    /// steps go one by one: tun/tap and aliases need more than one request).
    pub(crate) fn batched(self) -> bool {
        !matches!(
            self,
            Phase::CreateLink
                | Phase::CreateChild
                | Phase::SetLink
                | Phase::Enslave
                | Phase::RemoveLink
        )
    }
}

/// One request to the kernel, with the links it names still unresolved
/// (they may not exist yet when the plan is made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Create a link; `was` is the index the link had before when a
    /// rollback recreates it.
    CreateLink {
        spec: LinkSpec,
        parent: Option<LinkRef>,
        was: Option<u32>,
    },
    /// Change a link.
    SetLink {
        link: LinkRef,
        rename: Option<String>,
        settings: LinkSettings,
        master: Option<Option<LinkRef>>,
    },
    /// Delete a link.
    DelLink(LinkRef),
    /// Add or delete an address.
    Address {
        verb: Verb,
        dev: LinkRef,
        spec: AddressSpec,
    },
    /// Add, replace or delete a route; `hops[i]`, when set, is the link
    /// of `spec.multipath[i]` (overriding its `oif`).
    Route {
        verb: Verb,
        dev: Option<LinkRef>,
        spec: RouteSpec,
        hops: Vec<Option<LinkRef>>,
    },
    /// Add or delete a neighbour.
    Neighbour {
        verb: Verb,
        dev: LinkRef,
        spec: NeighbourSpec,
    },
    /// Add or delete a rule.
    Rule { verb: Verb, spec: RuleSpec },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::CreateLink { spec, parent, .. } => {
                write!(f, "link add {spec}")?;
                if let Some(p) = parent {
                    write!(f, " link {p}")?;
                }
                Ok(())
            }
            Action::SetLink {
                link,
                rename,
                settings,
                master,
            } => {
                write!(f, "link set dev {link}")?;
                if let Some(n) = rename {
                    write!(f, " name {n}")?;
                }
                write!(f, "{settings}")?;
                match master {
                    Some(Some(m)) => write!(f, " master {m}"),
                    Some(None) => f.write_str(" nomaster"),
                    None => Ok(()),
                }
            }
            Action::DelLink(l) => write!(f, "link del dev {l}"),
            Action::Address { verb, dev, spec } => {
                write!(f, "address {verb} {} dev {dev}", spec.address)
            }
            Action::Route { verb, hops, .. } => {
                write!(f, "route {verb} {}", self.target())?;
                for (i, h) in hops.iter().enumerate() {
                    if let Some(d) = h {
                        write!(f, " (hop {} dev {d})", i + 1)?;
                    }
                }
                Ok(())
            }
            Action::Neighbour { verb, .. } => write!(f, "neighbour {verb} {}", self.target()),
            Action::Rule { verb, spec } => write!(f, "rule {verb} {spec}"),
        }
    }
}

impl Action {
    /// The same address, route or neighbour action with the verb `del`.
    pub(crate) fn as_delete(&self) -> Option<Action> {
        let mut a = self.clone();
        match &mut a {
            Action::Address { verb, .. }
            | Action::Route { verb, .. }
            | Action::Neighbour { verb, .. } => *verb = Verb::Del,
            _ => return None,
        }
        Some(a)
    }

    /// The object in `ip(8)` words, without the verb (errors say the verb).
    pub(crate) fn target(&self) -> String {
        match self {
            Action::CreateLink { spec, .. } => spec.to_string(),
            Action::SetLink { link, .. } | Action::DelLink(link) => format!("dev {link}"),
            Action::Address { dev, spec, .. } => format!("{} dev {dev}", spec.address),
            // The planner copies a known link's index into `oif`; `dev`
            // says the link once (and is what is sent).
            Action::Route { spec, dev, .. } => match dev {
                Some(d) => {
                    let mut s = spec.clone();
                    s.oif = None;
                    format!("{s} dev {d}")
                }
                None => spec.to_string(),
            },
            // The spec already says the link's index when it is known.
            Action::Neighbour { spec, dev, .. } => match dev {
                LinkRef::Index(i) if *i == spec.index => spec.to_string(),
                _ => format!("{spec} (dev {dev})"),
            },
            Action::Rule { spec, .. } => spec.to_string(),
        }
    }

    /// The kind of object the action is about.
    pub(crate) fn object(&self) -> Object {
        match self {
            Action::CreateLink { .. } | Action::SetLink { .. } | Action::DelLink(_) => Object::Link,
            Action::Address { .. } => Object::Address,
            Action::Route { .. } => Object::Route,
            Action::Neighbour { .. } => Object::Neighbour,
            Action::Rule { .. } => Object::Rule,
        }
    }

    /// Whether an answer `errno` leaves the object as a rollback wants
    /// it: deleting what is already gone, adding back what is already there.
    pub(crate) fn already_so(&self, errno: i32) -> bool {
        let del = matches!(
            self,
            Action::DelLink(_)
                | Action::Address {
                    verb: Verb::Del,
                    ..
                }
                | Action::Route {
                    verb: Verb::Del,
                    ..
                }
                | Action::Neighbour {
                    verb: Verb::Del,
                    ..
                }
                | Action::Rule {
                    verb: Verb::Del,
                    ..
                }
        );
        if del {
            [libc::ENOENT, libc::ESRCH, libc::ENODEV, libc::EADDRNOTAVAIL].contains(&errno)
        } else {
            errno == libc::EEXIST && !matches!(self, Action::SetLink { .. })
        }
    }
}

/// One step of a plan: what to send, and how to undo it.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub phase: Phase,
    pub action: Action,
    /// Sent in this order to undo the step.
    pub inverse: Vec<Action>,
    /// The step is undone by deleting what it added: its own action with
    /// the verb `del` (kept implicit: a copy per route of a 100k-route
    /// commit costs more than the commit's requests).
    pub undo_by_delete: bool,
    /// Why the step cannot be undone exactly, when it cannot.
    pub no_inverse: Option<String>,
    /// Objects of the state before the kernel may remove as a side effect.
    pub dependents: Option<Box<Dependents>>,
}

impl Step {
    /// The actions that undo the step, in order.
    pub(crate) fn inverses(&self) -> Vec<Action> {
        let mut v = self.inverse.clone();
        if self.undo_by_delete {
            v.extend(self.action.as_delete());
        }
        v
    }
}

/// Indexes into the state before ([`Snapshot`]) of objects to put back.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dependents {
    pub links: Vec<usize>,
    pub addresses: Vec<usize>,
    pub routes: Vec<usize>,
    pub neighbours: Vec<usize>,
}

impl Dependents {
    fn is_empty(&self) -> bool {
        self.links.is_empty()
            && self.addresses.is_empty()
            && self.routes.is_empty()
            && self.neighbours.is_empty()
    }

    /// `None` when empty (most steps): no room taken per step.
    fn boxed(self) -> Option<Box<Dependents>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

/// A transaction read against the state before: steps in commit order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub steps: Vec<Step>,
    pub touched: Touched,
}

/// A plan that cannot be made (e.g. next hops for a route that is not there).
fn refuse(object: Object, why: &'static str, target: String) -> Error {
    Error::new(Op::Set, object, ErrorKind::InvalidArgument(why)).with_target(target)
}

/// Whether `a` and `b` are the same hop (gateway and link).
fn same_hop(a: &NexthopSpec, b: &NexthopSpec) -> bool {
    a.gateway == b.gateway && (a.oif == b.oif || a.oif.is_none() || b.oif.is_none())
}

/// The key of a route spec (the kernel's defaults for what is unset).
fn spec_key(s: &RouteSpec) -> RouteKey {
    RouteKey {
        family: s.family().af(),
        table: s.table.unwrap_or(RT_TABLE_MAIN),
        dst: s.dst,
        src: s.src,
        tos: s.tos,
        priority: s.priority.unwrap_or(0),
    }
}

/// Whether the record `r` is what deleting `s` would delete (`s`'s unset
/// fields match anything; its metric too, as for the kernel).
fn route_matches(s: &RouteSpec, r: &Route) -> bool {
    let k = spec_key(s);
    r.family == k.family
        && r.table == k.table
        && r.dst == k.dst
        && r.src.as_deref().copied() == k.src
        && r.tos == k.tos
        && s.priority.is_none_or(|p| r.priority.unwrap_or(0) == p)
        && s.gateway
            .is_none_or(|g| r.gateway.or(r.via).map(std::net::IpAddr::from) == Some(g))
        && s.oif.is_none_or(|o| r.oif == Some(o))
}

struct Planner<'a> {
    pre: &'a Snapshot,
    routes: HashMap<RouteKey, Vec<usize>>,
    plan: Plan,
}

impl<'a> Planner<'a> {
    /// A link named by the program, as a reference that stays valid
    /// through renames: the index, when the link exists before.
    fn stable(&self, r: &LinkRef) -> LinkRef {
        match r {
            LinkRef::Name(n) => self
                .pre
                .link_by_name(n)
                .map_or_else(|| r.clone(), |l| LinkRef::Index(l.index)),
            LinkRef::Index(_) => r.clone(),
        }
    }

    fn pre_index(&self, r: &LinkRef) -> Option<u32> {
        match self.stable(r) {
            LinkRef::Index(i) => self.pre.link(i).map(|l| l.index),
            LinkRef::Name(_) => None,
        }
    }

    fn touch_link(&mut self, r: &LinkRef) {
        match self.stable(r) {
            LinkRef::Index(i) => {
                self.plan.touched.links.insert(i);
            }
            LinkRef::Name(n) => {
                self.plan.touched.link_names.insert(n);
            }
        }
    }

    /// Touches a link that a step changes in a way that may make the
    /// kernel flush routes through it (set, enslaved, removed, an address
    /// deleted): its routes are then compared after a rollback too. Links
    /// a route or neighbour step only names are not: those steps change
    /// their own object alone.
    fn touch_link_routes(&mut self, r: &LinkRef) {
        self.touch_link(r);
        if let Some(i) = self.pre_index(r) {
            self.plan.touched.routes_via.insert(i);
        }
    }

    fn step(&mut self, phase: Phase, action: Action, inverse: Vec<Action>) -> &mut Step {
        self.plan.steps.push(Step {
            phase,
            action,
            inverse,
            undo_by_delete: false,
            no_inverse: None,
            dependents: None,
        });
        self.plan.steps.last_mut().expect("just pushed")
    }

    /// What the kernel may take away with the link `index`: its addresses,
    /// the routes through it or from its addresses, its neighbours.
    fn link_dependents(&self, index: u32) -> Dependents {
        let pre = self.pre;
        let addrs: Vec<IpAddress> = pre.addresses_of(index).filter_map(|a| a.local).collect();
        Dependents {
            links: Vec::new(),
            addresses: positions(&pre.addresses, |a| a.index == index),
            routes: positions(&pre.routes, |r| {
                uses_link(r, index) || r.prefsrc.is_some_and(|p| addrs.contains(&p))
            }),
            neighbours: positions(&pre.neighbours, |n| n.index == index),
        }
    }

    fn change(&mut self, c: &Change) -> Result<(), Error> {
        match c {
            Change::Create {
                spec,
                parent,
                reuse,
            } => self.create(spec, parent, *reuse),
            Change::Set {
                link,
                rename,
                settings,
            } => {
                self.touch_link_routes(link);
                let link = self.stable(link);
                let old = self.pre_index(&link).and_then(|i| self.pre.link(i));
                let inverse = match old {
                    Some(old) => {
                        let was = restore::link_settings(old);
                        let back = LinkSettings {
                            up: settings.up.and(was.up),
                            mtu: settings.mtu.and(was.mtu),
                            address: settings.address.and(was.address),
                            txqlen: settings.txqlen.and(was.txqlen),
                            alias: settings.alias.as_ref().and(was.alias),
                            master: None,
                            netns: None,
                        };
                        vec![Action::SetLink {
                            link: link.clone(),
                            rename: rename.as_ref().map(|_| old.name.clone()),
                            settings: back,
                            master: None,
                        }]
                    }
                    // A link the transaction creates goes away whole.
                    None => Vec::new(),
                };
                let side_effects = settings.up == Some(false)
                    || settings.mtu.is_some()
                    || settings.address.is_some();
                let deps = match (old, side_effects) {
                    (Some(old), true) => self.link_dependents(old.index),
                    _ => Dependents::default(),
                };
                let action = Action::SetLink {
                    link,
                    rename: rename.clone(),
                    settings: settings.clone(),
                    master: None,
                };
                self.step(Phase::SetLink, action, inverse).dependents = deps.boxed();
                Ok(())
            }
            Change::Master { link, master } => {
                self.touch_link_routes(link);
                let link = self.stable(link);
                let master = master.as_ref().map(|m| self.stable(m));
                let old = self.pre_index(&link).and_then(|i| self.pre.link(i));
                let inverse = old
                    .map(|old| Action::SetLink {
                        link: link.clone(),
                        rename: None,
                        settings: LinkSettings::default(),
                        master: Some(old.master.map(LinkRef::Index)),
                    })
                    .into_iter()
                    .collect();
                // Enslaving can flush a port's addresses and routes (VRF,
                // bond); put them back.
                let deps = old
                    .map(|o| self.link_dependents(o.index))
                    .unwrap_or_default();
                let action = Action::SetLink {
                    link,
                    rename: None,
                    settings: LinkSettings::default(),
                    master: Some(master),
                };
                self.step(Phase::Enslave, action, inverse).dependents = deps.boxed();
                Ok(())
            }
            Change::Remove { link } => {
                self.touch_link_routes(link);
                let link = self.stable(link);
                let old = self
                    .pre_index(&link)
                    .and_then(|i| self.pre.link(i))
                    .cloned();
                let mut deps = Dependents::default();
                let mut inverse = Vec::new();
                let mut no_inverse = None;
                if let Some(old) = &old {
                    deps = self.link_dependents(old.index);
                    // Its ports lose their master; a veth peer goes too.
                    deps.links = positions(&self.pre.links, |l| {
                        l.master == Some(old.index)
                            || (old.kind.as_deref() == Some("veth") && l.link == Some(old.index))
                    });
                    for &i in &deps.links {
                        let index = self.pre.links[i].index;
                        self.plan.touched.links.insert(index);
                        self.plan.touched.routes_via.insert(index);
                    }
                    match restore::link_spec(old) {
                        Ok(spec) => {
                            inverse.push(Action::CreateLink {
                                spec,
                                parent: None,
                                was: Some(old.index),
                            });
                            let mut settings = restore::link_settings(old);
                            let master = settings.master.take().map(|m| match m {
                                crate::spec::Master::Set(i) => Some(LinkRef::Index(i)),
                                crate::spec::Master::None => None,
                            });
                            // A bridge takes its ports' lowest MAC by itself,
                            // and keeps its own local FDB entry on that port;
                            // set explicitly, the MAC (and the entry) would
                            // stay with the bridge.
                            let pre = self.pre;
                            let inherited = old.kind.as_deref() == Some("bridge")
                                && pre.links.iter().any(|p| {
                                    p.master == Some(old.index) && p.address == old.address
                                });
                            if inherited {
                                settings.address = None;
                            }
                            // Some kinds refuse a MAC change (ifb); on its
                            // own, that refusal leaves the rest restored.
                            if let Some(mac) = settings.address.take() {
                                inverse.push(Action::SetLink {
                                    link: LinkRef::Index(old.index),
                                    rename: None,
                                    settings: LinkSettings {
                                        address: Some(mac),
                                        ..LinkSettings::default()
                                    },
                                    master: None,
                                });
                            }
                            inverse.push(Action::SetLink {
                                link: LinkRef::Index(old.index),
                                rename: None,
                                settings,
                                master,
                            });
                        }
                        Err(why) => {
                            no_inverse = Some(format!("cannot recreate {}: {why}", old.name))
                        }
                    }
                }
                let step = self.step(Phase::RemoveLink, Action::DelLink(link), inverse);
                step.dependents = deps.boxed();
                step.no_inverse = no_inverse;
                Ok(())
            }
            Change::Address { link, add, spec } => {
                // Adding an address flushes nothing of the state before;
                // deleting one flushes the routes using it.
                if *add {
                    self.touch_link(link);
                } else {
                    self.touch_link_routes(link);
                }
                let dev = self.stable(link);
                let index = self.pre_index(&dev);
                if let Some(i) = index {
                    self.plan.touched.addresses.insert((i, spec.address.ip()));
                }
                let mut spec = spec.clone();
                spec.index = index.unwrap_or(0);
                if *add {
                    let action = Action::Address {
                        verb: Verb::Add,
                        dev,
                        spec,
                    };
                    self.step(Phase::AddressAdd, action, Vec::new())
                        .undo_by_delete = true;
                    return Ok(());
                }
                let pre = self.pre;
                let old = index.and_then(|i| {
                    pre.addresses_of(i).find(|a| {
                        a.local == Some(spec.address.ip())
                            && a.prefixlen == spec.address.prefixlen()
                    })
                });
                let mut deps = Dependents::default();
                let mut inverse = Vec::new();
                if let (Some(old), Some(i)) = (old, index) {
                    inverse.push(Action::Address {
                        verb: Verb::Add,
                        dev: dev.clone(),
                        spec: restore::address_spec(old).unwrap_or_else(|_| spec.clone()),
                    });
                    let family = old.family;
                    deps.addresses =
                        positions(&pre.addresses, |a| a.index == i && a.family == family);
                    let gone = spec.address.ip();
                    deps.routes = positions(&pre.routes, |r| {
                        r.prefsrc == Some(gone) || (r.family == family && uses_link(r, i))
                    });
                    // The last IPv4 address of a link takes its ARP
                    // entries (permanent ones too) with it.
                    deps.neighbours =
                        positions(&pre.neighbours, |n| n.index == i && n.family == family);
                }
                let action = Action::Address {
                    verb: Verb::Del,
                    dev,
                    spec,
                };
                self.step(Phase::AddressDel, action, inverse).dependents = deps.boxed();
                Ok(())
            }
            Change::Route {
                verb,
                dev,
                spec,
                hops,
            } => {
                let dev = dev.as_ref().map(|d| self.stable(d));
                let hops: Vec<Option<LinkRef>> = hops
                    .iter()
                    .map(|h| h.as_ref().map(|d| self.stable(d)))
                    .collect();
                for d in hops.iter().flatten() {
                    self.touch_link(d);
                }
                if let Some(d) = &dev {
                    self.touch_link(d);
                }
                let key = spec_key(spec);
                self.plan.touched.routes.insert(key);
                let mut spec = spec.clone();
                if let Some(i) = dev.as_ref().and_then(|d| self.pre_index(d)) {
                    spec.oif = Some(i);
                }
                let existing: Vec<&Route> = self
                    .routes
                    .get(&key)
                    .map(|v| v.iter().map(|&i| &self.pre.routes[i]).collect())
                    .unwrap_or_default();
                let (phase, inverse, no_inverse) = match verb {
                    Verb::Del => {
                        // Without a metric the kernel deletes the first
                        // match of any metric.
                        let pre = self.pre;
                        let old = if spec.priority.is_some() {
                            existing.into_iter().find(|r| route_matches(&spec, r))
                        } else {
                            pre.routes.iter().find(|r| route_matches(&spec, r))
                        };
                        if let Some(o) = old {
                            self.plan.touched.routes.insert(RouteKey::of(o));
                        }
                        match old.map(restore::route_spec) {
                            Some(Ok(s)) => (
                                Phase::RouteDel,
                                vec![Action::Route {
                                    verb: Verb::Add,
                                    dev: None,
                                    spec: s,
                                    hops: Vec::new(),
                                }],
                                None,
                            ),
                            Some(Err(why)) => (Phase::RouteDel, Vec::new(), Some(why.to_owned())),
                            // Not there before: one the commit brings
                            // about (an added address's prefix route).
                            None => (Phase::Route, Vec::new(), None),
                        }
                    }
                    Verb::Replace => match existing.first().map(|r| restore::route_spec(r)) {
                        Some(Ok(s)) => (
                            Phase::Route,
                            vec![Action::Route {
                                verb: Verb::Replace,
                                dev: None,
                                spec: s,
                                hops: Vec::new(),
                            }],
                            None,
                        ),
                        Some(Err(why)) => (Phase::Route, Vec::new(), Some(why.to_owned())),
                        None => (Phase::Route, Vec::new(), None),
                    },
                    Verb::Add | Verb::Append => (Phase::Route, Vec::new(), None),
                };
                // An added route (also by replace, when there was none) is
                // undone by deleting it.
                let by_delete = *verb != Verb::Del && inverse.is_empty() && no_inverse.is_none();
                let action = Action::Route {
                    verb: *verb,
                    dev,
                    spec,
                    hops,
                };
                let step = self.step(phase, action, inverse);
                step.no_inverse = no_inverse;
                step.undo_by_delete = by_delete;
                Ok(())
            }
            Change::Nexthops { route, add, del } => {
                let key = spec_key(route);
                self.plan.touched.routes.insert(key);
                let target = format!("{route}");
                let old = self
                    .routes
                    .get(&key)
                    .and_then(|v| v.first())
                    .map(|&i| &self.pre.routes[i])
                    .ok_or_else(|| {
                        refuse(Object::Route, "next hops: no such route", target.clone())
                    })?;
                let before = restore::route_spec(old)
                    .map_err(|why| refuse(Object::Route, why, target.clone()))?;
                let after = with_hops(&before, add, del)
                    .map_err(|why| refuse(Object::Route, why, target))?;
                for h in &after.multipath {
                    if let Some(o) = h.oif {
                        self.plan.touched.links.insert(o);
                    }
                }
                let inverse = vec![Action::Route {
                    verb: Verb::Replace,
                    dev: None,
                    spec: before,
                    hops: Vec::new(),
                }];
                let action = Action::Route {
                    verb: Verb::Replace,
                    dev: None,
                    spec: after,
                    hops: Vec::new(),
                };
                self.step(Phase::Route, action, inverse);
                Ok(())
            }
            Change::Neighbour { add, dev, spec } => {
                self.touch_link(dev);
                let dev = self.stable(dev);
                let index = self.pre_index(&dev);
                let mut spec = *spec;
                spec.index = index.unwrap_or(0);
                let pre = self.pre;
                let old = index.and_then(|i| {
                    pre.neighbours.iter().find(|n| {
                        n.index == i
                            && n.is_fdb() == spec.fdb
                            && if spec.fdb {
                                n.lladdr == spec.lladdr && n.dst.map(Into::into) == spec.dst
                            } else {
                                n.dst.map(Into::into) == spec.dst
                            }
                    })
                });
                if let Some(o) = old {
                    self.plan.touched.neighbours.insert(neighbour_key(o));
                }
                let (phase, verb, inverse) = if *add {
                    (Phase::Neighbour, Verb::Add, Vec::new())
                } else {
                    let inv = old.and_then(|o| restore::neighbour_spec(o).ok()).map(|s| {
                        Action::Neighbour {
                            verb: Verb::Add,
                            dev: dev.clone(),
                            spec: s,
                        }
                    });
                    // Not there before: after the steps that may add it.
                    let phase = if old.is_some() {
                        Phase::NeighbourDel
                    } else {
                        Phase::Neighbour
                    };
                    (phase, Verb::Del, inv.into_iter().collect())
                };
                self.step(phase, Action::Neighbour { verb, dev, spec }, inverse)
                    .undo_by_delete = *add;
                Ok(())
            }
            Change::Rule { add, spec } => {
                self.plan.touched.rules = true;
                if *add {
                    let mut del = spec.clone();
                    if del.action.is_none() && del.goto.is_none() {
                        del.action = Some(crate::spec::RuleAction::ToTable);
                    }
                    let inverse = vec![Action::Rule {
                        verb: Verb::Del,
                        spec: del,
                    }];
                    let action = Action::Rule {
                        verb: Verb::Add,
                        spec: spec.clone(),
                    };
                    self.step(Phase::Rule, action, inverse);
                    return Ok(());
                }
                let old = self.pre.rules.iter().find(|r| rule_matches(spec, r));
                let (inverse, no_inverse) = match old.map(restore::rule_spec) {
                    Some(Ok(s)) => (
                        vec![Action::Rule {
                            verb: Verb::Add,
                            spec: s,
                        }],
                        None,
                    ),
                    Some(Err(why)) => (Vec::new(), Some(why.to_owned())),
                    None => (Vec::new(), None),
                };
                let action = Action::Rule {
                    verb: Verb::Del,
                    spec: spec.clone(),
                };
                self.step(Phase::RuleDel, action, inverse).no_inverse = no_inverse;
                Ok(())
            }
        }
    }

    fn create(
        &mut self,
        spec: &LinkSpec,
        parent: &Option<LinkRef>,
        reuse: bool,
    ) -> Result<(), Error> {
        self.plan.touched.link_names.insert(spec.name.clone());
        if let LinkKind::Veth { peer } = &spec.kind {
            self.plan.touched.link_names.insert(peer.clone());
        }
        if let Some(old) = self.pre.link_by_name(&spec.name) {
            if reuse {
                if old.kind.as_deref() != Some(spec.kind.kind_name()) {
                    return Err(refuse(
                        Object::Link,
                        "reuse: a link of that name exists with another kind",
                        spec.to_string(),
                    ));
                }
                if spec.settings != LinkSettings::default() {
                    let change = Change::Set {
                        link: LinkRef::Index(old.index),
                        rename: None,
                        settings: LinkSettings {
                            master: None,
                            ..spec.settings.clone()
                        },
                    };
                    self.change(&change)?;
                }
                return Ok(());
            }
        }
        let parent = parent.as_ref().map(|p| self.stable(p));
        if parent.is_some() && !spec.kind.takes_lower_link() {
            return Err(refuse(
                Object::Link,
                crate::spec::link::NO_LOWER_LINK,
                spec.to_string(),
            ));
        }
        let child = parent.is_some() || spec.kind.lower_link().is_some();
        let phase = if child {
            Phase::CreateChild
        } else {
            Phase::CreateLink
        };
        let inverse = vec![Action::DelLink(LinkRef::Name(spec.name.clone()))];
        let action = Action::CreateLink {
            spec: spec.clone(),
            parent,
            was: None,
        };
        self.step(phase, action, inverse);
        Ok(())
    }
}

/// `route` with the hops `del` taken out and `add` put in: a single-hop
/// route becomes multipath, a multipath route left with one hop becomes
/// single-hop.
pub(crate) fn with_hops(
    route: &RouteSpec,
    add: &[NexthopSpec],
    del: &[NexthopSpec],
) -> Result<RouteSpec, &'static str> {
    let mut after = route.clone();
    if after.multipath.is_empty() {
        after.multipath.push(NexthopSpec {
            gateway: after.gateway.take(),
            oif: after.oif.take(),
            ..NexthopSpec::default()
        });
    }
    for d in del {
        let n = after.multipath.len();
        after.multipath.retain(|h| !same_hop(h, d));
        if after.multipath.len() == n {
            return Err("del_nh: the route has no such hop");
        }
    }
    after.multipath.extend(add.iter().copied());
    match after.multipath.len() {
        0 => return Err("del_nh: no hop would be left"),
        1 => {
            let h = after.multipath.remove(0);
            after.gateway = h.gateway;
            after.oif = h.oif;
        }
        _ => {}
    }
    Ok(after)
}

/// Whether the record `r` is what deleting the rule `s` would delete.
pub(crate) fn rule_matches(s: &RuleSpec, r: &crate::records::Rule) -> bool {
    let family = match s.resolved_family() {
        Ok(f) => f.af(),
        Err(_) => return false,
    };
    r.family == family
        && s.priority.is_none_or(|p| r.priority == p)
        && s.table.is_none_or(|t| r.table == t)
        && s.fwmark.is_none_or(|m| r.fwmark == Some(m))
        && s.from.is_none_or(|n| r.src == Some(n))
        && s.to.is_none_or(|n| r.dst == Some(n))
        && s.iif.as_ref().is_none_or(|n| r.iifname.as_ref() == Some(n))
        && s.oif.as_ref().is_none_or(|n| r.oifname.as_ref() == Some(n))
}

fn positions<T>(v: &[T], f: impl Fn(&T) -> bool) -> Vec<usize> {
    v.iter()
        .enumerate()
        .filter(|(_, x)| f(x))
        .map(|(i, _)| i)
        .collect()
}

/// Plans `t` against the state `pre`: steps in phase order (the program's
/// order within a phase).
pub(crate) fn plan(t: &Transaction, pre: &Snapshot) -> Result<Plan, Error> {
    // Routes by key are for route steps; a million-route state without
    // them need not index its routes.
    let routes = if t
        .changes
        .iter()
        .any(|c| matches!(c, Change::Route { .. } | Change::Nexthops { .. }))
    {
        pre.route_index()
    } else {
        HashMap::new()
    };
    let mut p = Planner {
        pre,
        routes,
        plan: Plan {
            steps: Vec::with_capacity(t.changes.len()),
            touched: Touched::default(),
        },
    };
    for c in &t.changes {
        p.change(c)?;
    }
    let mut plan = p.plan;
    // By phase, the program's order kept within each: a bucket per phase
    // moves each (large) step once, where a sort would move it many times.
    let mut counts = [0usize; Phase::ALL.len()];
    for step in &plan.steps {
        counts[step.phase as usize] += 1;
    }
    let mut buckets: Vec<Vec<Step>> = counts.iter().map(|&n| Vec::with_capacity(n)).collect();
    for step in plan.steps.drain(..) {
        buckets[step.phase as usize].push(step);
    }
    for b in buckets {
        plan.steps.extend(b);
    }
    // The dependents are compared after a rollback: by key (with the
    // IPv6 routes that share it, whose order the rollback may redo),
    // except IPv4 routes through a link whose routes are compared anyway.
    let touched = &mut plan.touched;
    for s in &plan.steps {
        if let Some(d) = &s.dependents {
            for &i in &d.routes {
                let r = &pre.routes[i];
                let covered =
                    r.family == AF_INET && touched.routes_via.iter().any(|&l| uses_link(r, l));
                if !covered {
                    touched.routes.insert(RouteKey::of(r));
                }
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_with_a_known_link_names_it_once() {
        let mut spec = RouteSpec::new("10.6.0.0/16".parse().unwrap());
        spec.gateway = Some("10.5.0.254".parse().unwrap());
        spec.oif = Some(3);
        let a = Action::Route {
            verb: Verb::Del,
            dev: Some(LinkRef::Index(3)),
            spec: spec.clone(),
            hops: Vec::new(),
        };
        assert_eq!(a.target(), "10.6.0.0/16 via 10.5.0.254 dev index 3");
        assert_eq!(
            a.to_string(),
            "route del 10.6.0.0/16 via 10.5.0.254 dev index 3"
        );
        let named = Action::Route {
            verb: Verb::Add,
            dev: None,
            spec,
            hops: Vec::new(),
        };
        assert_eq!(named.target(), "10.6.0.0/16 via 10.5.0.254 dev index 3");
        let n = NeighbourSpec::ip(3, "10.5.0.7".parse().unwrap(), None);
        let known = Action::Neighbour {
            verb: Verb::Del,
            dev: LinkRef::Index(3),
            spec: n,
        };
        assert_eq!(known.to_string(), format!("neighbour del {n}"));
        let new = Action::Neighbour {
            verb: Verb::Del,
            dev: LinkRef::Name("e0".into()),
            spec: n,
        };
        assert_eq!(new.to_string(), format!("neighbour del {n} (dev e0)"));
    }
}
