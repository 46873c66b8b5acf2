//! [`RouteTables`]: the routes of one address family, every table, indexed
//! by table and prefix for exact and longest-prefix lookups.

use hashbrown::HashMap;
use ipdb_core::ip::{IpAddress, IpNetwork};

use super::prefix_map::{PrefixBits, PrefixMap};
use crate::records::Route;

/// The routes at one prefix of one table, lowest priority first (then in
/// the order they arrived). Usually one.
pub type Bucket = Vec<Route>;

/// Whether `a` and `b` are the same kernel route: same table, family and
/// destination (the caller's bucket already is), and the same TOS,
/// priority, source prefix, type, output interface and next hops. Two
/// routes to one prefix through different links are different routes,
/// as they are to the kernel (IPv6 keeps both; IPv4 keeps both when
/// appended).
pub fn same_route(a: &Route, b: &Route) -> bool {
    a.tos == b.tos
        && a.priority.unwrap_or(0) == b.priority.unwrap_or(0)
        && a.src == b.src
        && a.kind == b.kind
        && a.oif == b.oif
        && a.gateway == b.gateway
        && a.via == b.via
        && a.nh_id == b.nh_id
        && a.multipath.len() == b.multipath.len()
        && a.multipath
            .iter()
            .zip(&b.multipath)
            .all(|(x, y)| x.oif == y.oif && x.gateway == y.gateway && x.via == y.via)
}

/// Whether `new` replaces `old` under `NLM_F_REPLACE`: the kernel's own
/// key (TOS, priority, source prefix) without the next hops.
pub fn replaces(new: &Route, old: &Route) -> bool {
    new.tos == old.tos
        && new.priority.unwrap_or(0) == old.priority.unwrap_or(0)
        && new.src == old.src
}

/// Whether the route sends anything out of link `index` (its own output
/// interface or any of its hops').
pub fn uses_link(r: &Route, index: u32) -> bool {
    r.oif == Some(index) || r.multipath.iter().any(|h| h.oif == index)
}

/// Whether every way out of the route goes through link `index`: what
/// the kernel flushes, without telling, when that link goes down.
pub fn only_via_link(r: &Route, index: u32) -> bool {
    if r.multipath.is_empty() {
        r.oif == Some(index)
    } else {
        r.multipath.iter().all(|h| h.oif == index)
    }
}

/// The routes of one family, by table then prefix.
#[derive(Debug, Clone, Default)]
pub struct RouteTables<K: PrefixBits> {
    tables: HashMap<u32, PrefixMap<K, Bucket>>,
    /// How many routes use each link (output interface or a hop), so
    /// that "does anything go through this link" needs no scan.
    by_link: HashMap<u32, u32>,
    len: usize,
}

/// Every link a route sends through (a link may repeat).
fn links_of(r: &Route) -> impl Iterator<Item = u32> + '_ {
    r.oif.into_iter().chain(r.multipath.iter().map(|h| h.oif))
}

/// The prefix bits of a route's destination.
pub trait RouteKey: PrefixBits {
    /// The bits of `dst` when it has this family.
    fn of_network(dst: &IpNetwork) -> Option<Self>;
    /// The bits of `a` when it has this family.
    fn of_address(a: &IpAddress) -> Option<Self>;
}

impl RouteKey for u32 {
    fn of_network(dst: &IpNetwork) -> Option<u32> {
        match dst {
            IpNetwork::V4(n) => Some(n.network_address().to_u32()),
            IpNetwork::V6(_) => None,
        }
    }
    fn of_address(a: &IpAddress) -> Option<u32> {
        match a {
            IpAddress::V4(a) => Some(a.to_u32()),
            IpAddress::V6(_) => None,
        }
    }
}

impl RouteKey for u128 {
    fn of_network(dst: &IpNetwork) -> Option<u128> {
        match dst {
            IpNetwork::V6(n) => Some(n.network_address().to_u128()),
            IpNetwork::V4(_) => None,
        }
    }
    fn of_address(a: &IpAddress) -> Option<u128> {
        match a {
            IpAddress::V6(a) => Some(a.to_u128()),
            IpAddress::V4(_) => None,
        }
    }
}

/// The route the kernel would pick among those of one prefix: the lowest
/// priority among the routes without a TOS (a lookup without TOS only
/// matches those).
fn best(bucket: &Bucket) -> Option<&Route> {
    // Buckets are kept sorted by priority.
    bucket.iter().find(|r| r.tos == 0)
}

impl<K: RouteKey> RouteTables<K> {
    /// How many routes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The table ids that hold routes, with their route counts.
    pub fn table_counts(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.tables
            .iter()
            .map(|(t, m)| (*t, m.iter().map(|(_, _, b)| b.len()).sum()))
    }

    /// Whether any route uses link `index`.
    pub fn uses_link(&self, index: u32) -> bool {
        self.by_link.contains_key(&index)
    }

    fn count_links(by_link: &mut HashMap<u32, u32>, r: &Route, add: bool) {
        for l in links_of(r) {
            if add {
                *by_link.entry(l).or_default() += 1;
            } else if let Some(n) = by_link.get_mut(&l) {
                *n -= 1;
                if *n == 0 {
                    by_link.remove(&l);
                }
            }
        }
    }

    fn bucket(&self, r: &Route) -> Option<&Bucket> {
        let bits = K::of_network(&r.dst)?;
        self.tables.get(&r.table)?.get(bits, r.dst.prefixlen())
    }

    /// The stored route that is the same kernel route as `r`.
    pub fn find(&self, r: &Route) -> Option<&Route> {
        self.bucket(r)?.iter().find(|x| same_route(x, r))
    }

    /// Inserts `r` or updates the same route; with `replace`
    /// (`NLM_F_REPLACE`) first takes out the routes it replaces. Returns
    /// the routes taken out or updated (the old values), or `None` when
    /// `r` is not of this family.
    pub fn upsert(&mut self, r: Route, replace: bool) -> Option<Vec<Route>> {
        let bits = K::of_network(&r.dst)?;
        let len = r.dst.prefixlen();
        let map = self.tables.entry(r.table).or_default();
        let bucket = map.entry_or_insert_with(bits, len, Vec::new)?;
        let mut old = Vec::new();
        if let Some(i) = bucket.iter().position(|x| same_route(x, &r)) {
            old.push(bucket.remove(i));
        } else if replace {
            let mut i = 0;
            while i < bucket.len() {
                if replaces(&r, &bucket[i]) {
                    old.push(bucket.remove(i));
                } else {
                    i += 1;
                }
            }
        }
        for o in &old {
            Self::count_links(&mut self.by_link, o, false);
        }
        Self::count_links(&mut self.by_link, &r, true);
        let prio = r.priority.unwrap_or(0);
        let at = bucket.partition_point(|x| x.priority.unwrap_or(0) <= prio);
        // Buckets hold one route nearly always; a plain push would reserve
        // room for four.
        bucket.reserve_exact(1);
        bucket.insert(at, r);
        self.len = self.len + 1 - old.len();
        Some(old)
    }

    /// Removes the route that is the same kernel route as `r`.
    pub fn remove(&mut self, r: &Route) -> Option<Route> {
        let bits = K::of_network(&r.dst)?;
        let len = r.dst.prefixlen();
        let map = self.tables.get_mut(&r.table)?;
        let bucket = map.get_mut(bits, len)?;
        let i = bucket.iter().position(|x| same_route(x, r))?;
        let gone = bucket.remove(i);
        Self::count_links(&mut self.by_link, &gone, false);
        if bucket.is_empty() {
            map.remove(bits, len);
            if map.is_empty() {
                self.tables.remove(&r.table);
            }
        }
        self.len -= 1;
        Some(gone)
    }

    /// Removes every route for which `pred` says yes and returns them.
    pub fn remove_where(&mut self, mut pred: impl FnMut(&Route) -> bool) -> Vec<Route> {
        let doomed: Vec<Route> = self.iter().filter(|r| pred(r)).cloned().collect();
        for r in &doomed {
            self.remove(r);
        }
        doomed
    }

    /// Every route (tables, prefixes and buckets in no particular order).
    pub fn iter(&self) -> impl Iterator<Item = &Route> + '_ {
        self.tables
            .values()
            .flat_map(|m| m.iter().flat_map(|(_, _, b)| b.iter()))
    }

    /// The routes of `table`.
    pub fn table(&self, table: u32) -> impl Iterator<Item = &Route> + '_ {
        self.tables
            .get(&table)
            .into_iter()
            .flat_map(|m| m.iter().flat_map(|(_, _, b)| b.iter()))
    }

    /// The routes to exactly `dst` in `table`, lowest priority first.
    pub fn exact(&self, table: u32, dst: &IpNetwork) -> &[Route] {
        K::of_network(dst)
            .and_then(|bits| self.tables.get(&table)?.get(bits, dst.prefixlen()))
            .map_or(&[], |b| b.as_slice())
    }

    /// The lowest-priority default route (prefix length 0) of `table`.
    pub fn lookup_exact_default(&self, table: u32) -> Option<&Route> {
        self.tables.get(&table)?.get(K::ZERO, 0)?.first()
    }

    /// Longest-prefix match of `addr` in `table`: the most specific prefix
    /// that has a route without TOS, and there the lowest priority; a
    /// multipath route comes with its hops.
    pub fn lookup(&self, table: u32, addr: &IpAddress) -> Option<&Route> {
        let bits = K::of_address(addr)?;
        self.lookup_bits(table, bits)
    }

    /// [`RouteTables::lookup`] on raw address bits.
    pub fn lookup_bits(&self, table: u32, bits: K) -> Option<&Route> {
        let map = self.tables.get(&table)?;
        map.longest_match(bits, |b| best(b).is_some())
            .and_then(|(_, b)| best(b))
    }

    /// Approximate bytes held (index and records, records counted at
    /// their inline size plus their hop lists).
    pub fn heap_bytes(&self) -> usize {
        let route = core::mem::size_of::<Route>();
        let hop = core::mem::size_of::<crate::records::RouteHop>();
        self.tables
            .values()
            .map(|m| {
                m.heap_bytes()
                    + m.iter()
                        .map(|(_, _, b)| {
                            b.capacity() * route
                                + b.iter()
                                    .map(|r| r.multipath.capacity() * hop)
                                    .sum::<usize>()
                        })
                        .sum::<usize>()
            })
            .sum()
    }
}
