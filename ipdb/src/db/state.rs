//! [`State`]: what the database holds, with its indexes, and how one kernel
//! change is applied to it (including the deletions the kernel does not
//! announce).

use hashbrown::HashMap;
use ipdb_core::ip::IpAddress;
use ipdb_core::wire::uapi::{AF_BRIDGE, AF_INET, AF_INET6, IFA_F_SECONDARY, IFF_LOWER_UP};
use ipdb_core::wire::HwAddr;

use ipdb_core::wire::uapi::RTM_NEWROUTE;
use ipdb_core::wire::Message;

use super::event::{Event, Object, ObjectKind};
use super::parts::Parts;
use super::routes::{only_via_link, uses_link, RouteKey, RouteTables};
use super::sync::decode;
use crate::records::{Address, Link, Neighbour, Nexthop, Route, Rule};

/// One change from the kernel, decoded: an `RTM_NEW*` or an `RTM_DEL*`.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// `RTM_NEW*`; `replace` is `NLM_F_REPLACE`, `append` `NLM_F_APPEND`;
    /// `raw` the message (kept for routes, which are stored as bytes).
    New {
        object: Object,
        replace: bool,
        append: bool,
        raw: Vec<u8>,
    },
    /// `RTM_DEL*`.
    Del(Object),
}

/// Follow-up work an applied change asks for.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Effects {
    /// Objects the database removed because the kernel removes them
    /// without saying so (link down/delete, address or nexthop removal).
    pub inferred: u64,
    /// Parts whose state may now differ from the kernel's in ways no event
    /// will tell (flags on surviving multipath routes, gateways that lost
    /// their subnet): re-dump and diff them once the queue is drained.
    pub redump: Parts,
}

/// The links, by index and by name, with the ports of each master.
#[derive(Debug, Clone, Default)]
pub struct Links {
    by_index: HashMap<u32, Link>,
    by_name: HashMap<String, u32>,
    ports: HashMap<u32, Vec<u32>>,
}

impl Links {
    /// The link with this index.
    pub fn get(&self, index: u32) -> Option<&Link> {
        self.by_index.get(&index)
    }

    /// The link with this name.
    pub fn by_name(&self, name: &str) -> Option<&Link> {
        self.by_index.get(self.by_name.get(name)?)
    }

    /// The indexes of the links whose master is `index` (bridge/bond ports),
    /// ascending.
    pub fn ports(&self, index: u32) -> &[u32] {
        self.ports.get(&index).map_or(&[], |v| v.as_slice())
    }

    /// Every link, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Link> + '_ {
        self.by_index.values()
    }

    /// How many links.
    pub fn len(&self) -> usize {
        self.by_index.len()
    }

    fn unindex(&mut self, l: &Link) {
        if self.by_name.get(&l.name) == Some(&l.index) {
            self.by_name.remove(&l.name);
        }
        if let Some(m) = l.master {
            if let Some(p) = self.ports.get_mut(&m) {
                p.retain(|i| *i != l.index);
                if p.is_empty() {
                    self.ports.remove(&m);
                }
            }
        }
    }

    fn upsert(&mut self, l: Link) -> Option<Link> {
        let old = self.by_index.remove(&l.index);
        if let Some(o) = &old {
            self.unindex(o);
        }
        self.by_name.insert(l.name.clone(), l.index);
        if let Some(m) = l.master {
            let p = self.ports.entry(m).or_default();
            let at = p.partition_point(|i| *i < l.index);
            p.insert(at, l.index);
        }
        self.by_index.insert(l.index, l);
        old
    }

    fn remove(&mut self, index: u32) -> Option<Link> {
        let l = self.by_index.remove(&index)?;
        self.unindex(&l);
        Some(l)
    }
}

/// Whether two records of an address are the same kernel address.
fn same_address(a: &Address, b: &Address) -> bool {
    a.family == b.family
        && a.prefixlen == b.prefixlen
        && a.local == b.local
        && a.address == b.address
}

/// The addresses, by link.
#[derive(Debug, Clone, Default)]
pub struct Addresses {
    by_link: HashMap<u32, Vec<Address>>,
    len: usize,
}

/// Where the kernel puts a new address among its link's others (of the
/// same family; the two families are listed apart). IPv6: before the first
/// of the same or a narrower scope, so the newest of a scope comes first.
/// IPv4: a primary after the last primary of the same or a narrower scope,
/// a secondary at the end.
fn kernel_place_of(v: &[Address], a: &Address) -> usize {
    let family = |x: &&Address| x.family == a.family;
    let primary = |x: &Address| x.flags & IFA_F_SECONDARY == 0;
    match a.family {
        AF_INET6 => v
            .iter()
            .position(|x| family(&x) && x.scope >= a.scope)
            .unwrap_or(v.len()),
        AF_INET if primary(a) => match v
            .iter()
            .rposition(|x| family(&x) && primary(x) && x.scope >= a.scope)
        {
            Some(i) => i + 1,
            None => v.iter().position(|x| family(&x)).unwrap_or(v.len()),
        },
        _ => v.len(),
    }
}

impl Addresses {
    /// The addresses of link `index`, in the order they came.
    pub fn of_link(&self, index: u32) -> &[Address] {
        self.by_link.get(&index).map_or(&[], |v| v.as_slice())
    }

    /// Every address.
    pub fn iter(&self) -> impl Iterator<Item = &Address> + '_ {
        self.by_link.values().flatten()
    }

    /// How many addresses.
    pub fn len(&self) -> usize {
        self.len
    }

    fn find(&self, a: &Address) -> Option<&Address> {
        self.of_link(a.index).iter().find(|x| same_address(x, a))
    }

    /// Adds `a` or updates the same address in place. A new address goes
    /// where the kernel lists it when `kernel_place` (an event), at the end
    /// otherwise (a dump, which arrives in the kernel's order).
    fn upsert(&mut self, a: Address, kernel_place: bool) -> Option<Address> {
        let v = self.by_link.entry(a.index).or_default();
        match v.iter_mut().find(|x| same_address(x, &a)) {
            Some(x) => Some(core::mem::replace(x, a)),
            None => {
                let at = if kernel_place {
                    kernel_place_of(v, &a)
                } else {
                    v.len()
                };
                v.insert(at, a);
                self.len += 1;
                None
            }
        }
    }

    fn remove(&mut self, a: &Address) -> Option<Address> {
        let v = self.by_link.get_mut(&a.index)?;
        let i = v.iter().position(|x| same_address(x, a))?;
        let gone = v.remove(i);
        if v.is_empty() {
            self.by_link.remove(&a.index);
        }
        self.len -= 1;
        Some(gone)
    }

    fn remove_link(&mut self, index: u32) -> Vec<Address> {
        let v = self.by_link.remove(&index).unwrap_or_default();
        self.len -= v.len();
        v
    }
}

/// What identifies a neighbour entry: the link and destination, and for a
/// bridge FDB entry also the MAC, VLAN and VNI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct NeighbourKey {
    family: u8,
    index: u32,
    dst: Option<IpAddress>,
    lladdr: Option<HwAddr>,
    vlan: Option<u16>,
    vni: Option<u32>,
}

impl NeighbourKey {
    fn of(n: &Neighbour) -> NeighbourKey {
        let fdb = n.family == AF_BRIDGE;
        NeighbourKey {
            family: n.family,
            index: n.index,
            dst: n.dst,
            lladdr: if fdb { n.lladdr } else { None },
            vlan: if fdb { n.vlan } else { None },
            vni: if fdb { n.vni } else { None },
        }
    }
}

/// Whether two records hold the same content, leaving out what changes
/// without an event (counters, ages, lifetimes counting down): what a
/// [`EventKind::Change`](super::EventKind::Change) is about, and what
/// "the database equals the kernel" compares.
pub fn same_content(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Link(a), Object::Link(b)) => {
            a.stats64.is_none() == b.stats64.is_none()
                && Link {
                    stats64: None,
                    ..a.clone()
                } == Link {
                    stats64: None,
                    ..b.clone()
                }
        }
        (Object::Address(a), Object::Address(b)) => {
            Address {
                cacheinfo: None,
                ..a.clone()
            } == Address {
                cacheinfo: None,
                ..b.clone()
            }
        }
        (Object::Neighbour(a), Object::Neighbour(b)) => {
            Neighbour {
                cacheinfo: None,
                ..a.clone()
            } == Neighbour {
                cacheinfo: None,
                ..b.clone()
            }
        }
        (Object::Route(a), Object::Route(b)) => {
            Route {
                expires: None,
                ..a.clone()
            } == Route {
                expires: None,
                ..b.clone()
            }
        }
        (a, b) => a == b,
    }
}

/// The events that turn the routes `cur` into `new`. Routes whose message
/// bytes are unchanged are passed over without being decoded
/// ([`RouteTables::unmatched`]), so a resync of a large table costs a byte
/// comparison per route (a hash probe where the orders differ) plus a
/// decode per change.
fn diff_routes<K: RouteKey>(cur: &RouteTables<K>, new: &RouteTables<K>, out: &mut Vec<Event>) {
    let (mut fresh, mut stale) = (Vec::new(), Vec::new());
    cur.unmatched(new, |x| fresh.push(x), |x| stale.push(x));
    for x in fresh {
        let n = x.route();
        match cur.find(&n) {
            None => out.push(Event::add(Object::Route(n))),
            Some(c) => {
                let (n, c) = (Object::Route(n), Object::Route(c));
                if !same_content(&c, &n) {
                    out.push(Event::change(n, c));
                }
            }
        }
    }
    for x in stale {
        let c = x.route();
        if new.find(&c).is_none() {
            out.push(Event::del(Object::Route(c)));
        }
    }
}

/// Everything the database holds about one network namespace.
///
/// Readers get a `&State` through [`Ipdb::read`](super::Ipdb::read): a
/// consistent cut between two applied kernel messages.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub(crate) links: Links,
    pub(crate) addresses: Addresses,
    pub(crate) routes4: RouteTables<u32>,
    pub(crate) routes6: RouteTables<u128>,
    pub(crate) neighbours: HashMap<NeighbourKey, Neighbour>,
    pub(crate) fdb: HashMap<NeighbourKey, Neighbour>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) nexthops: HashMap<u32, Nexthop>,
    /// Route tables whose routes are not kept (IPDB's `ignore_rtables`).
    pub(crate) ignore_tables: Vec<u32>,
}

impl State {
    pub(crate) fn new(ignore_tables: &[u32]) -> State {
        State {
            ignore_tables: ignore_tables.to_vec(),
            ..State::default()
        }
    }

    fn neigh_map(&mut self, n: &Neighbour) -> &mut HashMap<NeighbourKey, Neighbour> {
        if n.family == AF_BRIDGE {
            &mut self.fdb
        } else {
            &mut self.neighbours
        }
    }

    /// An empty state, outside any database: for building one offline
    /// (replaying captured messages, tests, benches) with
    /// [`State::insert_message`].
    pub fn detached() -> State {
        State::default()
    }

    /// Adds (or updates) the object of one `RTM_NEW*` message the way a
    /// dump does: no events, no inference. Returns whether the database
    /// keeps such an object.
    pub fn insert_message(&mut self, msg: &[u8]) -> Result<bool, ipdb_core::wire::Error> {
        let kept = self.load_message(&Message::parse(msg)?);
        self.finish_load();
        kept
    }

    /// Indexes the routes [`State::load_message`] stored.
    pub fn finish_load(&mut self) {
        self.routes4.finish_load();
        self.routes6.finish_load();
    }

    /// Adds one dumped message, without events or inference. Routes go
    /// in as bytes, decoded only as far as indexing needs, and are indexed
    /// by [`State::finish_load`], which must follow before any read.
    pub fn load_message(&mut self, m: &Message<'_>) -> Result<bool, ipdb_core::wire::Error> {
        if m.kind() == RTM_NEWROUTE {
            let ignore = &self.ignore_tables;
            return Ok(match m.payload().first() {
                Some(&AF_INET) => self.routes4.load_message(m, ignore),
                Some(&AF_INET6) => self.routes6.load_message(m, ignore),
                _ => false,
            });
        }
        match decode(m)? {
            Some(Change::New { object, .. }) => {
                self.load(object);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Adds the record of one decoded dump message (as the pre callbacks
    /// left it), without events or inference; a deletion adds nothing.
    pub(crate) fn load_change(&mut self, c: Change) -> Result<(), ipdb_core::wire::Error> {
        match c {
            Change::New {
                object: Object::Route(_),
                raw,
                ..
            } => {
                self.load_message(&Message::parse(&raw)?)?;
            }
            Change::New { object, .. } => self.load(object),
            Change::Del(_) => {}
        }
        Ok(())
    }

    fn load(&mut self, object: Object) {
        match object {
            Object::Link(l) => {
                self.links.upsert(l);
            }
            Object::Address(a) => {
                self.addresses.upsert(a, false);
            }
            // Routes come in through `load_message`, as bytes.
            Object::Route(_) => {}
            Object::Neighbour(n) => {
                self.neigh_map(&n).insert(NeighbourKey::of(&n), n);
            }
            Object::Rule(r) => {
                self.insert_rule(r);
            }
            Object::Nexthop(n) => {
                self.nexthops.insert(n.id, n);
            }
        }
    }

    /// Applies one kernel change, pushing the resulting events to `out`.
    pub(crate) fn apply(&mut self, change: Change, out: &mut Vec<Event>, fx: &mut Effects) {
        match change {
            Change::New {
                object,
                replace,
                append,
                raw,
            } => self.apply_new(object, replace, append, &raw, out, fx),
            Change::Del(object) => self.apply_del(object, out, fx),
        }
    }

    fn apply_new(
        &mut self,
        object: Object,
        replace: bool,
        append: bool,
        raw: &[u8],
        out: &mut Vec<Event>,
        fx: &mut Effects,
    ) {
        let old: Vec<Object> = match &object {
            Object::Link(l) => {
                // Devices list their multicast addresses as FDB entries.
                fx.redump |= Parts::FDB;
                let l = l.clone();
                let (index, up, lower) = (l.index, l.is_up(), l.flags & IFF_LOWER_UP != 0);
                // The first half of a veth pair is announced before its
                // peer exists (IFLA_LINK 0) and not again once it does.
                let unknown_peer = l.link == Some(0);
                let old = self.links.upsert(l);
                if unknown_peer && old.is_none() {
                    fx.redump |= Parts::LINKS;
                }
                if let Some(o) = &old {
                    let was_lower = o.flags & IFF_LOWER_UP != 0;
                    if o.is_up() && !up {
                        self.link_went_down(index, out, fx);
                    } else if (up != o.is_up() || lower != was_lower) && self.any_route_uses(index)
                    {
                        // Admin up clears the dead mark of the link's hops
                        // (RTNH_F_DEAD), carrier changes set or clear
                        // RTNH_F_LINKDOWN: both without an event.
                        fx.redump |= Parts::ROUTES4 | Parts::ROUTES6;
                    }
                }
                old.map(Object::Link).into_iter().collect()
            }
            Object::Address(a) => {
                // Joining the address's multicast groups shows in the FDB.
                fx.redump |= Parts::FDB;
                self.addresses
                    .upsert(a.clone(), true)
                    .map(Object::Address)
                    .into_iter()
                    .collect()
            }
            Object::Route(r) => {
                if self.ignore_tables.contains(&r.table) {
                    return;
                }
                if append && r.family == AF_INET6 {
                    // IPv6 merges an appended hop into an existing route and
                    // announces only the hop: re-read that family.
                    fx.redump |= Parts::ROUTES6;
                }
                let old = match r.family {
                    AF_INET => self.routes4.upsert(r, raw, replace),
                    _ => self.routes6.upsert(r, raw, replace),
                };
                old.unwrap_or_default()
                    .into_iter()
                    .map(Object::Route)
                    .collect()
            }
            Object::Neighbour(n) => self
                .neigh_map(n)
                .insert(NeighbourKey::of(n), n.clone())
                .map(Object::Neighbour)
                .into_iter()
                .collect(),
            Object::Rule(r) => {
                if !self.insert_rule(r.clone()) {
                    return;
                }
                Vec::new()
            }
            Object::Nexthop(n) => self
                .nexthops
                .insert(n.id, n.clone())
                .map(Object::Nexthop)
                .into_iter()
                .collect(),
        };
        let mut old = old.into_iter();
        match old.next() {
            None => out.push(Event::add(object)),
            Some(first) => {
                if !same_content(&first, &object) {
                    out.push(Event::change(object, first));
                }
                // A replace that took out more than one route.
                out.extend(old.map(Event::del));
            }
        }
    }

    fn apply_del(&mut self, object: Object, out: &mut Vec<Event>, fx: &mut Effects) {
        let gone = match &object {
            Object::Link(l) => {
                let gone = self.links.remove(l.index).map(Object::Link);
                if gone.is_some() {
                    self.link_deleted(l.index, out, fx);
                }
                gone
            }
            Object::Address(a) => {
                let gone = self.addresses.remove(a).map(Object::Address);
                if let Some(Object::Address(a)) = &gone {
                    self.address_removed(a, out, fx);
                }
                gone
            }
            Object::Route(r) => {
                if self.ignore_tables.contains(&r.table) {
                    return;
                }
                let gone = match r.family {
                    AF_INET => self.routes4.remove(r),
                    _ => self.routes6.remove(r),
                };
                if gone.is_none() {
                    // Not the route we hold (an IPv6 hop of a merged
                    // multipath route, or we are behind): re-read.
                    fx.redump |= Parts::routes_of(r.family);
                }
                gone.map(Object::Route)
            }
            Object::Neighbour(n) => self
                .neigh_map(n)
                .remove(&NeighbourKey::of(n))
                .map(Object::Neighbour),
            Object::Rule(r) => {
                let i = self.rules.iter().position(|x| x == r);
                i.map(|i| Object::Rule(self.rules.remove(i)))
            }
            Object::Nexthop(n) => {
                let gone = self.nexthops.remove(&n.id).map(Object::Nexthop);
                if gone.is_some() {
                    let id = n.id;
                    self.drop_routes(|r| r.nh_id == Some(id), out, fx);
                    // Groups that held it shrink without an event.
                    if self
                        .nexthops
                        .values()
                        .any(|g| g.group.iter().any(|m| m.id == id))
                    {
                        fx.redump |= Parts::NEXTHOPS;
                    }
                }
                gone
            }
        };
        if let Some(g) = gone {
            out.push(Event::del(g));
        }
    }

    fn any_route_uses(&self, index: u32) -> bool {
        self.routes4.uses_link(index) || self.routes6.uses_link(index)
    }

    /// Removes routes for `pred` from both families, as inferred deletions.
    fn drop_routes(
        &mut self,
        pred: impl Fn(&Route) -> bool,
        out: &mut Vec<Event>,
        fx: &mut Effects,
    ) {
        let mut gone = self.routes4.remove_where(&pred);
        gone.extend(self.routes6.remove_where(&pred));
        fx.inferred += gone.len() as u64;
        out.extend(gone.into_iter().map(|r| Event::del(Object::Route(r))));
    }

    /// Adds a rule where the kernel lists it: after the rules of its
    /// family with the same or a lower priority. Returns `false` (adding
    /// nothing) when the rule is already there.
    fn insert_rule(&mut self, r: Rule) -> bool {
        if self.rules.contains(&r) {
            return false;
        }
        let same = |x: &Rule| x.family == r.family;
        let at = match self
            .rules
            .iter()
            .rposition(|x| same(x) && x.priority <= r.priority)
        {
            Some(i) => i + 1,
            None => self.rules.iter().position(same).unwrap_or(self.rules.len()),
        };
        self.rules.insert(at, r);
        true
    }

    /// Admin down: the kernel flushes the routes that can only leave
    /// through the link, marks hops of the others dead, and flushes the
    /// link's neighbours, announcing little of it. IPv4 host-scope
    /// (local) routes stay: their next hop has no scope to lose.
    fn link_went_down(&mut self, index: u32, out: &mut Vec<Event>, fx: &mut Effects) {
        let host =
            |r: &Route| r.family == AF_INET && r.scope == ipdb_core::wire::uapi::RT_SCOPE_HOST;
        self.drop_routes(|r| only_via_link(r, index) && !host(r), out, fx);
        if self.any_route_uses(index) {
            fx.redump |= Parts::ROUTES4 | Parts::ROUTES6;
        }
        if self.neighbours.values().any(|n| n.index == index) {
            fx.redump |= Parts::NEIGHBOURS;
        }
    }

    /// Link deleted: everything on it goes.
    fn link_deleted(&mut self, index: u32, out: &mut Vec<Event>, fx: &mut Effects) {
        self.drop_routes(|r| uses_link(r, index), out, fx);
        let addrs = self.addresses.remove_link(index);
        fx.inferred += addrs.len() as u64;
        out.extend(addrs.into_iter().map(|a| Event::del(Object::Address(a))));
        for map in [&mut self.neighbours, &mut self.fdb] {
            let keys: Vec<NeighbourKey> = map
                .iter()
                .filter(|(_, n)| n.index == index || n.master == Some(index))
                .map(|(k, _)| *k)
                .collect();
            fx.inferred += keys.len() as u64;
            for k in keys {
                if let Some(n) = map.remove(&k) {
                    out.push(Event::del(Object::Neighbour(n)));
                }
            }
        }
        fx.redump |= Parts::FDB;
        let nhs: Vec<u32> = self
            .nexthops
            .values()
            .filter(|n| n.oif == Some(index))
            .map(|n| n.id)
            .collect();
        for id in nhs {
            if let Some(n) = self.nexthops.remove(&id) {
                fx.inferred += 1;
                self.drop_routes(|r| r.nh_id == Some(id), out, fx);
                out.push(Event::del(Object::Nexthop(n)));
            }
        }
        if !self.nexthops.is_empty() {
            fx.redump |= Parts::NEXTHOPS;
        }
    }

    /// Address removed: routes that used it as preferred source go; the
    /// last IPv4 address of a link takes the link's IPv4 routes with it;
    /// gateways that were reachable only through its subnet make routes
    /// go too, which only a re-read can tell.
    fn address_removed(&mut self, a: &Address, out: &mut Vec<Event>, fx: &mut Effects) {
        fx.redump |= Parts::FDB;
        let Some(local) = a.local else { return };
        let family = a.family;
        let index = a.index;
        let last_v4 = family == AF_INET
            && !self
                .addresses
                .of_link(index)
                .iter()
                .any(|x| x.family == AF_INET);
        let pred = |r: &Route| {
            r.family == family && (r.prefsrc == Some(local) || (last_v4 && uses_link(r, index)))
        };
        self.drop_routes(pred, out, fx);
        fx.redump |= Parts::routes_of(family);
    }

    /// Objects of `kind` held now.
    pub fn count(&self, kind: ObjectKind) -> usize {
        match kind {
            ObjectKind::Link => self.links.len(),
            ObjectKind::Address => self.addresses.len(),
            ObjectKind::Route => self.routes4.len() + self.routes6.len(),
            ObjectKind::Neighbour => self.neighbours.len() + self.fdb.len(),
            ObjectKind::Rule => self.rules.len(),
            ObjectKind::Nexthop => self.nexthops.len(),
        }
    }

    /// Every object, as records (links first, then addresses, nexthops,
    /// routes, neighbours, rules): what a monitor shows before the changes.
    pub fn objects(&self) -> impl Iterator<Item = Object> + '_ {
        self.links
            .iter()
            .cloned()
            .map(Object::Link)
            .chain(self.addresses.iter().cloned().map(Object::Address))
            .chain(self.nexthops.values().cloned().map(Object::Nexthop))
            .chain(self.routes4.iter().map(|r| Object::Route(r.route())))
            .chain(self.routes6.iter().map(|r| Object::Route(r.route())))
            .chain(self.neighbours.values().cloned().map(Object::Neighbour))
            .chain(self.fdb.values().cloned().map(Object::Neighbour))
            .chain(self.rules.iter().cloned().map(Object::Rule))
    }

    /// Whether the objects of `part` in `self` and `other` are the same set
    /// with the same content, and the events that turn `self`'s into
    /// `other`'s (adds, changes, deletions).
    pub(crate) fn diff_part(&self, other: &State, part: Parts, out: &mut Vec<Event>) {
        fn diff<T: Clone>(
            cur: impl Iterator<Item = T>,
            new: impl Iterator<Item = T>,
            find_cur: impl Fn(&T) -> Option<T>,
            find_new: impl Fn(&T) -> Option<T>,
            wrap: impl Fn(T) -> Object,
            out: &mut Vec<Event>,
        ) {
            for n in new {
                match find_cur(&n) {
                    None => out.push(Event::add(wrap(n))),
                    Some(c) => {
                        let (n, c) = (wrap(n), wrap(c));
                        if !same_content(&c, &n) {
                            out.push(Event::change(n, c));
                        }
                    }
                }
            }
            for c in cur {
                if find_new(&c).is_none() {
                    out.push(Event::del(wrap(c)));
                }
            }
        }
        if part.contains(Parts::LINKS) {
            diff(
                self.links.iter(),
                other.links.iter(),
                |l| self.links.get(l.index),
                |l| other.links.get(l.index),
                |l| Object::Link(l.clone()),
                out,
            );
        }
        if part.contains(Parts::ADDRESSES) {
            diff(
                self.addresses.iter(),
                other.addresses.iter(),
                |a| self.addresses.find(a),
                |a| other.addresses.find(a),
                |a| Object::Address(a.clone()),
                out,
            );
        }
        if part.contains(Parts::ROUTES4) {
            diff_routes(&self.routes4, &other.routes4, out);
        }
        if part.contains(Parts::ROUTES6) {
            diff_routes(&self.routes6, &other.routes6, out);
        }
        if part.contains(Parts::NEIGHBOURS) {
            diff(
                self.neighbours.values(),
                other.neighbours.values(),
                |n| self.neighbours.get(&NeighbourKey::of(n)),
                |n| other.neighbours.get(&NeighbourKey::of(n)),
                |n| Object::Neighbour(n.clone()),
                out,
            );
        }
        if part.contains(Parts::FDB) {
            diff(
                self.fdb.values(),
                other.fdb.values(),
                |n| self.fdb.get(&NeighbourKey::of(n)),
                |n| other.fdb.get(&NeighbourKey::of(n)),
                |n| Object::Neighbour(n.clone()),
                out,
            );
        }
        if part.contains(Parts::RULES) {
            diff(
                self.rules.iter(),
                other.rules.iter(),
                |r| self.rules.iter().find(|x| x == r),
                |r| other.rules.iter().find(|x| x == r),
                |r| Object::Rule(r.clone()),
                out,
            );
        }
        if part.contains(Parts::NEXTHOPS) {
            diff(
                self.nexthops.values(),
                other.nexthops.values(),
                |n| self.nexthops.get(&n.id),
                |n| other.nexthops.get(&n.id),
                |n| Object::Nexthop(n.clone()),
                out,
            );
        }
    }

    /// Moves `part` of `other` into `self` (replacing what `self` had).
    pub(crate) fn take_part(&mut self, other: &mut State, part: Parts) {
        if part.contains(Parts::LINKS) {
            core::mem::swap(&mut self.links, &mut other.links);
        }
        if part.contains(Parts::ADDRESSES) {
            core::mem::swap(&mut self.addresses, &mut other.addresses);
        }
        if part.contains(Parts::ROUTES4) {
            core::mem::swap(&mut self.routes4, &mut other.routes4);
        }
        if part.contains(Parts::ROUTES6) {
            core::mem::swap(&mut self.routes6, &mut other.routes6);
        }
        if part.contains(Parts::NEIGHBOURS) {
            core::mem::swap(&mut self.neighbours, &mut other.neighbours);
        }
        if part.contains(Parts::FDB) {
            core::mem::swap(&mut self.fdb, &mut other.fdb);
        }
        if part.contains(Parts::RULES) {
            core::mem::swap(&mut self.rules, &mut other.rules);
        }
        if part.contains(Parts::NEXTHOPS) {
            core::mem::swap(&mut self.nexthops, &mut other.nexthops);
        }
    }

    /// Approximate bytes held by the records and indexes.
    pub fn approx_bytes(&self) -> usize {
        use core::mem::size_of;
        let links = self.links.len() * (size_of::<Link>() + size_of::<(String, u32)>() + 64);
        let addrs = self.addresses.len() * (size_of::<Address>() + 8);
        let neigh = (self.neighbours.capacity() + self.fdb.capacity())
            * (size_of::<(NeighbourKey, Neighbour)>() + 1);
        let rules = self.rules.capacity() * size_of::<Rule>();
        let nhs = self.nexthops.capacity() * (size_of::<(u32, Nexthop)>() + 1);
        size_of::<State>()
            + links
            + addrs
            + neigh
            + rules
            + nhs
            + self.routes4.heap_bytes()
            + self.routes6.heap_bytes()
    }
}
