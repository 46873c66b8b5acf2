//! [`Snapshot`]: the state a transaction is planned against (and the state
//! a rollback is checked against): every link, address, route, neighbour
//! and rule of the namespace, as records.
//!
//! It comes from an [`IpRoute`] dump ([`Snapshot::read`]) or from the
//! database's view (`Ipdb`, see `txn::api`); the planner only reads it.

use std::collections::{HashMap, HashSet};

use ipdb_core::ip::{IpAddress, IpNetwork};

use crate::db::{same_content, Object};
use crate::error::Error;
use crate::iproute::IpRoute;
use crate::records::{Address, Link, Neighbour, Route, Rule};

/// Every object of a namespace that a transaction can touch.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Links, by index order.
    pub links: Vec<Link>,
    /// Addresses, in the kernel's order (primary before secondaries).
    pub addresses: Vec<Address>,
    /// Routes of every table and both families.
    pub routes: Vec<Route>,
    /// Neighbours and bridge FDB entries.
    pub neighbours: Vec<Neighbour>,
    /// Rules of both families.
    pub rules: Vec<Rule>,
}

/// What identifies a route to the kernel: two routes with the same key
/// cannot both exist (IPv4), or are hops of one route (IPv6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RouteKey {
    /// `AF_INET`/`AF_INET6`.
    pub family: u8,
    /// Table id.
    pub table: u32,
    /// Destination prefix.
    pub dst: IpNetwork,
    /// Source prefix (IPv6 source routing).
    pub src: Option<IpNetwork>,
    /// TOS.
    pub tos: u8,
    /// Metric (0 when unset, as the kernel stores it for IPv4).
    pub priority: u32,
}

impl RouteKey {
    /// The key of a route record.
    pub fn of(r: &Route) -> RouteKey {
        RouteKey {
            family: r.family,
            table: r.table,
            dst: r.dst,
            src: r.src.as_deref().copied(),
            tos: r.tos,
            priority: r.priority.unwrap_or(0),
        }
    }
}

impl Snapshot {
    /// Dumps the namespace of `ipr`.
    pub fn read(ipr: &mut IpRoute) -> Result<Snapshot, Error> {
        Ok(Snapshot {
            links: ipr.links()?,
            addresses: ipr.addresses()?,
            routes: ipr.routes(None, None)?,
            neighbours: ipr.neighbours()?,
            rules: ipr.rules()?,
        })
    }

    /// The link with index `index`.
    pub fn link(&self, index: u32) -> Option<&Link> {
        self.links.iter().find(|l| l.index == index)
    }

    /// The link named `name`.
    pub fn link_by_name(&self, name: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.name == name)
    }

    /// The addresses of the link `index`, in the kernel's order.
    pub fn addresses_of(&self, index: u32) -> impl Iterator<Item = &Address> + '_ {
        self.addresses.iter().filter(move |a| a.index == index)
    }

    /// The routes through the link `index` (as output interface or as a
    /// hop of a multipath route).
    pub fn routes_via(&self, index: u32) -> impl Iterator<Item = &Route> + '_ {
        self.routes.iter().filter(move |r| uses_link(r, index))
    }

    /// Routes by key, for the planner's lookups.
    pub(crate) fn route_index(&self) -> HashMap<RouteKey, Vec<usize>> {
        let mut m: HashMap<RouteKey, Vec<usize>> = HashMap::with_capacity(self.routes.len());
        for (i, r) in self.routes.iter().enumerate() {
            m.entry(RouteKey::of(r)).or_default().push(i);
        }
        m
    }
}

/// Whether `r` goes out through the link `index`.
pub(crate) fn uses_link(r: &Route, index: u32) -> bool {
    r.oif == Some(index) || r.multipath.iter().any(|h| h.oif == index)
}

/// The objects a transaction touched, by identity: what a rollback must
/// have put back as it was.
#[derive(Debug, Clone, Default)]
pub struct Touched {
    /// Link indexes (of the state before).
    pub links: HashSet<u32>,
    /// Link names (links created by the transaction have no index before).
    pub link_names: HashSet<String>,
    /// Links (of the state before) a step may make the kernel flush
    /// routes of: every route through them is compared. A subset of
    /// `links`.
    pub routes_via: HashSet<u32>,
    /// Interface addresses `(index, address)`.
    pub addresses: HashSet<(u32, IpAddress)>,
    /// Route keys.
    pub routes: HashSet<RouteKey>,
    /// Neighbour keys `(index, dst or MAC)`.
    pub neighbours: HashSet<(u32, String)>,
    /// Whether any rule was touched (rules are compared as one list).
    pub rules: bool,
}

/// A neighbour's identity: its link and its address (IP for neighbours,
/// MAC and remote for FDB entries).
pub(crate) fn neighbour_key(n: &Neighbour) -> (u32, String) {
    let mac = n.lladdr.map(|m| format!("{:?}", m.as_bytes()));
    match (n.is_fdb(), n.dst) {
        (false, Some(d)) => (n.index, d.to_string()),
        (_, d) => (n.index, format!("{mac:?} {d:?} {:?}", n.vlan)),
    }
}

/// Whether the kernel keeps `n` by itself, on its own schedule: FDB
/// entries of multicast MACs (a device's multicast list, joined by IPv6
/// as it sets the device up) and `NOARP` neighbours of multicast
/// addresses (made when IPv6 sends router solicitations and MLD reports).
/// Neither compared nor put back.
pub(crate) fn kernel_made(n: &Neighbour) -> bool {
    let multicast_mac = n
        .lladdr
        .is_some_and(|m| m.as_bytes().first().is_some_and(|b| b & 1 == 1));
    multicast_mac && (n.is_fdb() || n.state == crate::uapi::NUD_NOARP)
}

/// Records with what changes on its own (counters, carrier changes, ages)
/// left out, so that a link that went down and up again compares equal.
fn normal_link(l: &Link) -> Object {
    Object::Link(Link {
        carrier_changes: None,
        stats64: None,
        ..l.clone()
    })
}

/// A route with the flags that follow its links' state left out: the
/// kernel marks hops dead or link-down as links go down and clears the
/// marks as they come up, without a notification, so a database's copy
/// may keep a mark the kernel has dropped; the links' own state is
/// compared as links.
fn normal_route(r: &Route) -> Object {
    use crate::uapi::{RTNH_F_DEAD, RTNH_F_LINKDOWN};
    let marks = RTNH_F_DEAD | RTNH_F_LINKDOWN;
    let mut r = r.clone();
    r.flags &= !u32::from(marks);
    for h in &mut r.multipath {
        h.flags &= !marks;
    }
    Object::Route(r)
}

impl Touched {
    fn has_link(&self, l: &Link) -> bool {
        self.links.contains(&l.index) || self.link_names.contains(&l.name)
    }

    fn has_route(&self, r: &Route) -> bool {
        self.routes.contains(&RouteKey::of(r))
            || self.routes_via.iter().any(|&i| uses_link(r, i))
            || r.prefsrc
                .is_some_and(|p| self.addresses.iter().any(|(_, a)| *a == p))
    }

    fn has_neighbour(&self, n: &Neighbour) -> bool {
        !kernel_made(n)
            && (self.links.contains(&n.index) || self.neighbours.contains(&neighbour_key(n)))
    }

    fn has_address(&self, a: &Address) -> bool {
        self.links.contains(&a.index)
            || a.local
                .is_some_and(|l| self.addresses.contains(&(a.index, l)))
    }

    /// Every difference between `before` and `after` in the touched
    /// objects, in words; empty when the rollback restored them all.
    pub fn differences(&self, before: &Snapshot, after: &Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        let links = |s: &Snapshot| -> Vec<Object> {
            let mut v: Vec<&Link> = s.links.iter().filter(|l| self.has_link(l)).collect();
            v.sort_by_key(|l| l.index);
            v.into_iter().map(normal_link).collect()
        };
        compare("link", &links(before), &links(after), &mut out);
        let addrs = |s: &Snapshot| -> Vec<Object> {
            // The kernel's order counts within a link and family: IPv4
            // primaries, then secondaries, each in the order added (which
            // is primary says which source the kernel picks). A source
            // that appends (the database) keeps that order once
            // secondaries are put last. IPv6 addresses are a set: the
            // kernel lists them by scope, newest first, an order the
            // database cannot know for addresses it did not see added
            // (nor does it choose a source address). Between links any
            // order goes.
            let mut v: Vec<&Address> = s.addresses.iter().filter(|a| self.has_address(a)).collect();
            v.sort_by_key(|a| {
                let v6 = (a.family == crate::uapi::AF_INET6).then_some(a.local);
                (
                    a.index,
                    a.family,
                    a.flags & crate::uapi::IFA_F_SECONDARY,
                    v6,
                )
            });
            v.into_iter().map(|a| Object::Address(a.clone())).collect()
        };
        compare("address", &addrs(before), &addrs(after), &mut out);
        let routes = |s: &Snapshot| -> Vec<Object> {
            let mut v: Vec<&Route> = s.routes.iter().filter(|r| self.has_route(r)).collect();
            v.sort_by_key(|r| {
                let k = RouteKey::of(r);
                (
                    k.family,
                    k.table,
                    k.dst,
                    k.src,
                    k.tos,
                    k.priority,
                    r.oif,
                    r.kind,
                    format!("{:?}{:?}", r.gateway, r.multipath),
                )
            });
            v.into_iter().map(normal_route).collect()
        };
        compare("route", &routes(before), &routes(after), &mut out);
        let neigh = |s: &Snapshot| -> Vec<Object> {
            let mut v: Vec<&Neighbour> = s
                .neighbours
                .iter()
                .filter(|n| self.has_neighbour(n))
                .collect();
            v.sort_by_key(|n| neighbour_key(n));
            v.into_iter()
                .map(|n| Object::Neighbour(n.clone()))
                .collect()
        };
        compare("neighbour", &neigh(before), &neigh(after), &mut out);
        if self.rules {
            // The kernel keeps each family's rules by priority, in the
            // order added within one priority (the order they are tried
            // in); the database appends: a stable sort makes both that.
            let rules = |s: &Snapshot| -> Vec<Object> {
                let mut v: Vec<&crate::records::Rule> = s.rules.iter().collect();
                v.sort_by_key(|r| (r.family, r.priority));
                v.into_iter().map(|r| Object::Rule(r.clone())).collect()
            };
            compare("rule", &rules(before), &rules(after), &mut out);
        }
        out
    }
}

/// Appends to `out` what differs between the lists `a` (before) and `b`
/// (after): objects missing, objects extra, objects changed or reordered.
fn compare(what: &str, a: &[Object], b: &[Object], out: &mut Vec<String>) {
    if a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_content(x, y)) {
        return;
    }
    if a.len() + b.len() > 20_000 {
        // Too many for the pairwise search below: name the first mismatch.
        let i = a.iter().zip(b).position(|(x, y)| !same_content(x, y));
        out.push(format!(
            "{what}s differ after rollback: {} before, {} after, first difference at {:?}: before {:?}, after {:?}",
            a.len(),
            b.len(),
            i,
            i.and_then(|i| a.get(i)),
            i.and_then(|i| b.get(i)),
        ));
        return;
    }
    let start = out.len();
    for x in a {
        if !b.iter().any(|y| same_content(x, y)) {
            out.push(format!(
                "{what} missing or changed after rollback: before {x:?}"
            ));
        }
    }
    for y in b {
        if !a.iter().any(|x| same_content(x, y)) {
            out.push(format!("{what} not as before after rollback: now {y:?}"));
        }
    }
    if out.len() == start {
        let brief = |v: &[Object]| -> Vec<String> { v.iter().map(brief).collect() };
        out.push(format!(
            "{what} list is back but in another order: before {:?}, after {:?}",
            brief(a),
            brief(b)
        ));
    }
}

/// An object in a few words, for order reports.
fn brief(o: &Object) -> String {
    match o {
        Object::Link(l) => format!("{} {}", l.index, l.name),
        Object::Address(a) => format!("{} {:?}/{}", a.index, a.local, a.prefixlen),
        Object::Route(r) => format!("{} table {}", r.dst, r.table),
        Object::Neighbour(n) => format!("{:?}", neighbour_key(n)),
        other => format!("{other:?}"),
    }
}
