//! [`RouteTables`]: the routes of one address family, every table, indexed
//! by table and prefix for exact and longest-prefix lookups.
//!
//! Routes are kept as the kernel sent them: the message bytes, one after
//! the other in one arena per table, decoded into a [`Route`] record only
//! when read (with the same decoder as everywhere else). A route then costs
//! about its message (60-80 bytes for a plain IPv4 route) plus a slot in
//! its prefix map (a key and a 4-byte offset), instead of a 448-byte
//! record and an allocation; loading a million routes is a copy and a hash
//! insert each, which keeps a ready database close to the raw dump's time.

use hashbrown::HashMap;
use ipdb_core::ip::{IpAddress, IpNetwork};
use ipdb_core::wire::route::{RouteRepr, RtHeader};
use ipdb_core::wire::route_keys::RouteKeys;
use ipdb_core::wire::uapi::{AF_INET, AF_INET6, RTM_F_CLONED};
use ipdb_core::wire::{Attrs, FamilyRepr, Message, NLMSG_HDRLEN};

use super::arena::{entry_body, Arena, DEAD, ENTRY_HEAD, NIL};
use super::prefix_map::{PrefixBits, PrefixMap};
use crate::records::Route;

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

/// A route message's body (`rtmsg` and attributes) split in two.
fn split_body(body: &[u8]) -> Option<(&[u8], Attrs<'_>)> {
    let fixed = body.get(..RtHeader::LEN)?;
    let attrs = Attrs::with_base(&body[RtHeader::LEN..], NLMSG_HDRLEN + RtHeader::LEN);
    Some((fixed, attrs))
}

/// Decodes a stored route body (it decoded when it was stored).
///
/// Decoded in place: the 432-byte view moved out of `parse_body`'s
/// `Result` cost two copies per lookup, a fifth of its time.
#[inline]
fn decode(body: &[u8]) -> Option<Route> {
    let mut repr = RouteRepr::default();
    decode_into(body, &mut repr)?;
    Route::from_repr(&repr)
}

/// Decodes a stored route body into `repr` (reset first).
#[inline]
fn decode_into<'a>(body: &'a [u8], repr: &mut RouteRepr<'a>) -> Option<()> {
    let (fixed, attrs) = split_body(body)?;
    repr.parse_body_into(fixed, attrs).ok()
}

/// Offset of `rtm_tos` in a route message's body.
const TOS_AT: usize = 3;

/// A stored route: where its message bytes are. Finding one (a lookup)
/// does not touch the bytes; reading it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteRef<'a> {
    /// The arena chunk holding the entry, and where in it the entry starts.
    chunk: &'a [u8],
    at: usize,
}

impl<'a> RouteRef<'a> {
    /// The route's `RTM_NEWROUTE` message as the kernel sent it, past its
    /// netlink header (which the database does not keep): the `rtmsg` and
    /// the attributes.
    pub fn body(&self) -> &'a [u8] {
        entry_body(self.chunk, self.at)
    }

    /// The few fields that file the route ([`RouteKeys`]), read without
    /// decoding the rest.
    pub fn keys(&self) -> Option<RouteKeys<'a>> {
        let (fixed, attrs) = split_body(self.body())?;
        RouteKeys::parse_body(fixed, attrs).ok()
    }

    /// The route's attributes, raw.
    pub fn attrs(&self) -> Attrs<'a> {
        split_body(self.body()).map_or(Attrs::new(&[]), |(_, a)| a)
    }

    /// The route as the core's zero-copy view, decoded into `repr` (reset
    /// first), for a reader that copies a few fields out under the read
    /// lock instead of building a [`Route`] (the owned record, 448 bytes
    /// with its boxes and hop list): what the C ABI's lookups do. `None`
    /// never happens for stored bytes (they decoded when they were
    /// stored); it leaves `repr` partly filled.
    #[inline]
    pub fn decode_into(&self, repr: &mut RouteRepr<'a>) -> Option<()> {
        decode_into(self.body(), repr)
    }

    /// The route as a record.
    #[inline]
    pub fn route(&self) -> Route {
        // Only bytes that decoded to a route are ever stored.
        decode(self.body()).expect("stored route bytes decode")
    }

    /// `rtm_tos`.
    pub fn tos(&self) -> u8 {
        self.chunk[self.at + ENTRY_HEAD + TOS_AT]
    }
}

/// Where the routes of one prefix start in the arena, and whether the
/// first of them has no TOS (chains keep routes without TOS first, so
/// that one is what a lookup without TOS picks here): four bytes, the
/// flag in bit 0 (entries are 4-aligned), so that a lookup reads the
/// prefix map and nothing else and the map stays small.
#[derive(Debug, Clone, Copy, Default)]
struct Head(u32);

impl Head {
    fn new(first: u32, plain: bool) -> Head {
        Head(first | u32::from(plain))
    }
    fn first(self) -> u32 {
        self.0 & !1
    }
    fn plain(self) -> bool {
        self.0 & 1 == 1
    }
}

/// Routes of one prefix length a load queues before the prefix map takes
/// them in: a dump arrives in prefix order and its size is known only at
/// its end, so it is indexed in batches, each inserted in the order of the
/// map's slots (see [`PrefixMap::bulk_insert`]) while the rest of the dump
/// is still being received; the last partial batch is all that is left
/// for [`RouteTables::finish_load`].
const LOAD_BATCH: usize = 1 << 15;

/// The routes of one table: prefix maps into an arena of entries, each
/// `[next: u32][body length: u32][body]` (the message past its netlink
/// header, which differs between a dump and an event and is not kept),
/// chained per prefix in priority order.
#[derive(Debug, Clone)]
struct Table<K: PrefixBits> {
    prefixes: PrefixMap<K, Head>,
    arena: Arena,
    /// Loaded but not yet in `prefixes`: `(bits, head)` by prefix length
    /// (empty until the first load).
    pending: Vec<Vec<(K, Head)>>,
    /// Loaded routes whose prefix was taken by an earlier one (offsets):
    /// they go through the full rules at [`RouteTables::finish_load`].
    dups: Vec<u32>,
    routes: usize,
    /// Bytes of entries no longer chained (compacted away when they
    /// outweigh the live ones).
    garbage: usize,
}

impl<K: PrefixBits> Default for Table<K> {
    fn default() -> Self {
        Table {
            prefixes: PrefixMap::new(),
            arena: Arena::default(),
            pending: Vec::new(),
            dups: Vec::new(),
            routes: 0,
            garbage: 0,
        }
    }
}

impl<K: PrefixBits> Table<K> {
    fn next(&self, off: u32) -> u32 {
        self.arena.next(off)
    }

    fn set_next(&mut self, off: u32, next: u32) {
        self.arena.set_next(off, next);
    }

    fn get(&self, off: u32) -> RouteRef<'_> {
        let (chunk, at) = self.arena.entry(off);
        RouteRef { chunk, at }
    }

    /// Appends an entry for a route message's body.
    fn push(&mut self, body: &[u8]) -> u32 {
        self.arena.push(body)
    }

    /// Queues a loaded route for the prefix map, which takes it in with
    /// others of its prefix length, [`LOAD_BATCH`] at a time.
    fn load(&mut self, bits: K, len: u8, head: Head) {
        if self.pending.is_empty() {
            self.pending = (0..=K::WIDTH).map(|_| Vec::new()).collect();
        }
        let queue = &mut self.pending[usize::from(len)];
        queue.push((bits, head));
        if queue.len() >= LOAD_BATCH {
            // Room for half again as many as the map holds: the doubling
            // that a big load cannot avoid then comes while much of the dump
            // is still to arrive, so the receiving thread covers it, instead
            // of near the end, where it was most of the wait after the last
            // datagram (10-15 ms at a million routes).
            let then = LOAD_BATCH.max(self.prefixes.len_of(len) / 2);
            self.index_pending(len, then);
        }
    }

    /// Moves the queued routes of prefix length `len` into the prefix map,
    /// leaving room for `then` more: while a dump runs, room for another
    /// batch, so that the last partial batch, indexed after the dump ends
    /// when nothing overlaps it any more, never has to regrow the map.
    fn index_pending(&mut self, len: u8, then: usize) {
        let Table {
            prefixes,
            pending,
            dups,
            ..
        } = self;
        if let Some(queue) = pending.get_mut(usize::from(len)) {
            prefixes.reserve(len, queue.len() + then);
            prefixes.bulk_insert(len, queue, |_, head| dups.push(head.first()));
        }
    }

    fn chain(&self, first: u32) -> impl Iterator<Item = (u32, RouteRef<'_>)> + '_ {
        let mut at = first;
        core::iter::from_fn(move || {
            if at == NIL {
                return None;
            }
            let here = at;
            at = self.next(here);
            Some((here, self.get(here)))
        })
    }

    /// Chains `offs` in that order under the prefix (or drops the prefix).
    fn relink(&mut self, bits: K, len: u8, offs: &[u32]) {
        for w in offs.windows(2) {
            self.set_next(w[0], w[1]);
        }
        match (offs.first(), offs.last()) {
            (Some(&first), Some(&last)) => {
                self.set_next(last, NIL);
                let head = Head::new(first, self.get(first).tos() == 0);
                if let Some(h) = self.prefixes.entry_or_insert_with(bits, len, || head) {
                    *h = head;
                }
            }
            _ => {
                self.prefixes.remove(bits, len);
            }
        }
    }

    /// Marks an entry that is in no chain any more (its callers have just
    /// unlinked it) as garbage.
    fn forget(&mut self, off: u32) {
        self.garbage += self.arena.entry_len(off);
        self.set_next(off, DEAD);
    }

    /// The live routes in arena order: the kernel's dump order for a
    /// table loaded from a dump (events append, a compaction rewrites in
    /// prefix-map order).
    fn in_arena_order(&self) -> impl Iterator<Item = RouteRef<'_>> + '_ {
        self.arena
            .offsets()
            .filter(move |&off| self.next(off) != DEAD)
            .map(move |off| self.get(off))
    }

    /// Rewrites the arena without the entries no longer chained, when they
    /// take more room than the live ones.
    fn maybe_compact(&mut self) {
        if self.garbage < 64 << 10 || self.garbage < self.arena.len() / 2 {
            return;
        }
        let mut fresh = Arena::default();
        let old = core::mem::take(&mut self.arena);
        for h in self.prefixes.values_mut() {
            let mut at = h.first();
            let mut prev = None;
            while at != NIL {
                let new_off = fresh.push(old.body(at));
                match prev {
                    None => *h = Head::new(new_off, h.plain()),
                    Some(p) => fresh.set_next(p, new_off),
                }
                prev = Some(new_off);
                at = old.next(at);
            }
        }
        self.arena = fresh;
        self.garbage = 0;
    }
}

/// The prefix bits of a route's destination.
pub trait RouteKey: PrefixBits {
    /// The family (`AF_INET`, `AF_INET6`).
    const FAMILY: u8;
    /// The bits of `dst` when it has this family.
    fn of_network(dst: &IpNetwork) -> Option<Self>;
    /// The bits of `a` when it has this family.
    fn of_address(a: &IpAddress) -> Option<Self>;
    /// The bits of a wire address of this family.
    fn of_ip(a: core::net::IpAddr) -> Option<Self>;
}

impl RouteKey for u32 {
    const FAMILY: u8 = AF_INET;
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
    fn of_ip(a: core::net::IpAddr) -> Option<u32> {
        match a {
            core::net::IpAddr::V4(a) => Some(u32::from(a)),
            core::net::IpAddr::V6(_) => None,
        }
    }
}

impl RouteKey for u128 {
    const FAMILY: u8 = AF_INET6;
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
    fn of_ip(a: core::net::IpAddr) -> Option<u128> {
        match a {
            core::net::IpAddr::V6(a) => Some(u128::from(a)),
            core::net::IpAddr::V4(_) => None,
        }
    }
}

/// Every link a route sends through (a link may repeat).
fn links_of(r: &Route) -> impl Iterator<Item = u32> + '_ {
    r.oif.into_iter().chain(r.multipath.iter().map(|h| h.oif))
}

/// The routes of one family, by table then prefix.
#[derive(Debug, Clone)]
pub struct RouteTables<K: PrefixBits> {
    tables: HashMap<u32, Table<K>>,
    /// How many routes use each link (output interface or a hop), so
    /// that "does anything go through this link" needs no scan.
    by_link: HashMap<u32, u32>,
    /// A load's run of routes through one link, not yet in `by_link`: a
    /// dump brings long runs through the same link, counted with one
    /// probe per run instead of one per route.
    loaded_run: Option<(u32, u32)>,
    len: usize,
}

impl<K: PrefixBits> Default for RouteTables<K> {
    fn default() -> Self {
        RouteTables {
            tables: HashMap::new(),
            by_link: HashMap::new(),
            loaded_run: None,
            len: 0,
        }
    }
}

impl<K: RouteKey> RouteTables<K> {
    /// How many routes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The table ids that hold routes, with their route counts.
    pub fn table_counts(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.tables.iter().map(|(t, m)| (*t, m.routes))
    }

    /// Whether any route uses link `index`.
    pub fn uses_link(&self, index: u32) -> bool {
        self.by_link.contains_key(&index)
    }

    fn count_link(&mut self, l: u32, add: bool) {
        if add {
            *self.by_link.entry(l).or_default() += 1;
        } else if let Some(n) = self.by_link.get_mut(&l) {
            *n -= 1;
            if *n == 0 {
                self.by_link.remove(&l);
            }
        }
    }

    fn count_links(&mut self, r: &Route, add: bool) {
        for l in links_of(r) {
            self.count_link(l, add);
        }
    }

    /// Whether a route with exactly the message of `x` (past the netlink
    /// header, which differs between a dump and an event) is stored: the
    /// cheap test a resync makes before decoding anything.
    pub fn has_same_bytes(&self, x: &RouteRef<'_>) -> bool {
        let Some((table, bits, len)) = x.keys().and_then(|k| {
            let bits = match k.dst {
                Some(a) => K::of_ip(a)?.masked(k.header.dst_len),
                None => K::ZERO,
            };
            Some((k.table(), bits, k.header.dst_len))
        }) else {
            return false;
        };
        let Some(t) = self.tables.get(&table) else {
            return false;
        };
        let Some(h) = t.prefixes.get(bits, len) else {
            return false;
        };
        t.chain(h.first()).any(|(_, y)| y.body() == x.body())
    }

    /// What a resync must look at: the routes of `new` whose exact message
    /// bytes `self` does not hold (`fresh`), and the routes of `self` whose
    /// bytes `new` does not hold (`stale`); every other route is the same
    /// in both, byte for byte, and needs no decoding.
    ///
    /// Each table is walked side by side with its namesake in arena order,
    /// which for tables loaded from dumps is the kernel's order, so a run
    /// of unchanged routes costs one byte comparison per route; where the
    /// two orders part, each route is looked up by its prefix
    /// ([`RouteTables::has_same_bytes`]), which was the whole cost before
    /// (a hash probe and a random read per route, both ways: 1.4 s for a
    /// resync of 1M unchanged routes, against 0.2 s to load them).
    pub fn unmatched<'a>(
        &'a self,
        new: &'a Self,
        mut fresh: impl FnMut(RouteRef<'a>),
        mut stale: impl FnMut(RouteRef<'a>),
    ) {
        for (id, nt) in &new.tables {
            let cur = self.tables.get(id).map(Table::in_arena_order);
            let mut a = nt.in_arena_order().peekable();
            let mut b = cur.into_iter().flatten().peekable();
            // Whether the head of `a` is known to be held by `self`.
            let mut a_held = false;
            loop {
                match (a.peek(), b.peek()) {
                    (Some(x), Some(y)) if x.body() == y.body() => {
                        a.next();
                        b.next();
                        a_held = false;
                    }
                    (Some(x), Some(y)) => {
                        if !a_held && !self.has_same_bytes(x) {
                            fresh(*x);
                            a.next();
                        } else if !new.has_same_bytes(y) {
                            a_held = true;
                            stale(*y);
                            b.next();
                        } else {
                            a.next();
                            b.next();
                            a_held = false;
                        }
                    }
                    (Some(x), None) => {
                        if !a_held && !self.has_same_bytes(x) {
                            fresh(*x);
                        }
                        a.next();
                        a_held = false;
                    }
                    (None, Some(y)) => {
                        if !new.has_same_bytes(y) {
                            stale(*y);
                        }
                        b.next();
                    }
                    (None, None) => break,
                }
            }
        }
        for (id, ct) in &self.tables {
            if !new.tables.contains_key(id) {
                ct.in_arena_order().for_each(&mut stale);
            }
        }
    }

    /// The stored route that is the same kernel route as `r`.
    pub fn find(&self, r: &Route) -> Option<Route> {
        let bits = K::of_network(&r.dst)?;
        let t = self.tables.get(&r.table)?;
        let h = t.prefixes.get(bits, r.dst.prefixlen())?;
        t.chain(h.first())
            .map(|(_, x)| x.route())
            .find(|x| same_route(x, r))
    }

    /// Stores a dumped route message, decoding only what indexing needs
    /// ([`RouteKeys`]); the prefix maps take it in batches, the last at
    /// [`RouteTables::finish_load`], which must follow before any read. Returns `false` for what the database
    /// does not keep (clones, other families, bad lengths).
    pub fn load_message(&mut self, m: &Message<'_>, ignore: &[u32]) -> bool {
        // Decoded in place: returning the keys by value cost a copy and a
        // stall per route.
        let mut keys = RouteKeys::default();
        if keys.parse_into(m).is_err() {
            return false;
        }
        let h = &keys.header;
        if h.family != K::FAMILY || h.flags & RTM_F_CLONED != 0 || h.dst_len > K::WIDTH {
            return false;
        }
        let table = keys.table();
        if ignore.contains(&table) {
            return true;
        }
        let bits = match keys.dst {
            Some(a) => match K::of_ip(a) {
                Some(b) => b.masked(h.dst_len),
                None => return false,
            },
            None => K::ZERO,
        };
        let t = self.tables.entry(table).or_default();
        let off = t.push(m.payload());
        t.load(bits, h.dst_len, Head::new(off, h.tos == 0));
        t.routes += 1;
        self.len += 1;
        if let Some(oif) = keys.oif {
            self.count_loaded(oif);
        }
        for hop in keys.multipath.iter().flat_map(|mp| mp.iter()).flatten() {
            self.count_loaded(hop.ifindex as u32);
        }
        true
    }

    fn count_loaded(&mut self, l: u32) {
        match &mut self.loaded_run {
            Some((link, n)) if *link == l => *n += 1,
            run => {
                if let Some((link, n)) = run.replace((l, 1)) {
                    *self.by_link.entry(link).or_default() += n;
                }
            }
        }
    }

    /// Indexes the rest of what [`RouteTables::load_message`] stored.
    pub fn finish_load(&mut self) {
        if let Some((link, n)) = self.loaded_run.take() {
            *self.by_link.entry(link).or_default() += n;
        }
        let mut dups: Vec<(u32, u32)> = Vec::new();
        for (id, t) in self.tables.iter_mut() {
            for len in 0..t.pending.len() {
                t.index_pending(len as u8, 0);
            }
            t.pending = Vec::new();
            dups.extend(t.dups.drain(..).map(|off| (*id, off)));
        }
        // Routes sharing a prefix (rare in a dump) go through the full rules.
        for (id, off) in dups {
            let Some(t) = self.tables.get_mut(&id) else {
                continue;
            };
            let x = t.get(off);
            let (r, body) = (x.route(), x.body().to_vec());
            t.forget(off);
            t.routes -= 1;
            self.len -= 1;
            self.count_links(&r, false);
            self.upsert_body(&r, &body, false);
        }
    }

    /// Inserts `r` (whose message is `msg`) or updates the same route;
    /// with `replace` (`NLM_F_REPLACE`) first takes out the routes it
    /// replaces. Returns the routes taken out or updated (old values), or
    /// `None` when `r` is not of this family.
    pub fn upsert(&mut self, r: &Route, msg: &[u8], replace: bool) -> Option<Vec<Route>> {
        self.upsert_body(r, msg.get(NLMSG_HDRLEN..).unwrap_or_default(), replace)
    }

    /// [`RouteTables::upsert`] of a message's body (past its netlink header).
    fn upsert_body(&mut self, r: &Route, body: &[u8], replace: bool) -> Option<Vec<Route>> {
        let bits = K::of_network(&r.dst)?;
        let len = r.dst.prefixlen();
        let t = self.tables.entry(r.table).or_default();
        let mut chain: Vec<(u32, Route)> = match t.prefixes.get(bits, len) {
            Some(h) => t.chain(h.first()).map(|(o, x)| (o, x.route())).collect(),
            None => Vec::new(),
        };
        let mut old = Vec::new();
        if let Some(i) = chain.iter().position(|(_, x)| same_route(x, r)) {
            old.push(chain.remove(i));
        } else if replace {
            let (gone, kept): (Vec<_>, Vec<_>) =
                chain.into_iter().partition(|(_, x)| replaces(r, x));
            old = gone;
            chain = kept;
        }
        for (o, _) in &old {
            t.forget(*o);
        }
        let off = t.push(body);
        // Routes without TOS first, each group by priority.
        let key = |x: &Route| (x.tos != 0, x.priority.unwrap_or(0));
        let at = chain.partition_point(|(_, x)| key(x) <= key(r));
        chain.insert(at, (off, r.clone()));
        let offs: Vec<u32> = chain.iter().map(|(o, _)| *o).collect();
        t.relink(bits, len, &offs);
        t.routes = t.routes + 1 - old.len();
        t.maybe_compact();
        self.len = self.len + 1 - old.len();
        for (_, o) in &old {
            self.count_links(o, false);
        }
        self.count_links(r, true);
        Some(old.into_iter().map(|(_, x)| x).collect())
    }

    /// Removes the route that is the same kernel route as `r`.
    pub fn remove(&mut self, r: &Route) -> Option<Route> {
        let bits = K::of_network(&r.dst)?;
        let len = r.dst.prefixlen();
        let t = self.tables.get_mut(&r.table)?;
        let h = *t.prefixes.get(bits, len)?;
        let mut chain: Vec<(u32, Route)> =
            t.chain(h.first()).map(|(o, x)| (o, x.route())).collect();
        let i = chain.iter().position(|(_, x)| same_route(x, r))?;
        let (off, gone) = chain.remove(i);
        t.forget(off);
        let offs: Vec<u32> = chain.iter().map(|(o, _)| *o).collect();
        t.relink(bits, len, &offs);
        t.routes -= 1;
        t.maybe_compact();
        if t.routes == 0 {
            self.tables.remove(&r.table);
        }
        self.len -= 1;
        self.count_links(&gone, false);
        Some(gone)
    }

    /// Removes every route for which `pred` says yes and returns them.
    pub fn remove_where(&mut self, mut pred: impl FnMut(&Route) -> bool) -> Vec<Route> {
        let doomed: Vec<Route> = self.iter().map(|x| x.route()).filter(|r| pred(r)).collect();
        for r in &doomed {
            self.remove(r);
        }
        doomed
    }

    /// Every stored route (tables and prefixes in no particular order).
    pub fn iter(&self) -> impl Iterator<Item = RouteRef<'_>> + '_ {
        self.tables.values().flat_map(Self::table_iter)
    }

    fn table_iter(t: &Table<K>) -> impl Iterator<Item = RouteRef<'_>> + '_ {
        t.prefixes
            .iter()
            .flat_map(move |(_, _, h)| t.chain(h.first()).map(|(_, x)| x))
    }

    /// The routes of `table`.
    pub fn table(&self, table: u32) -> impl Iterator<Item = RouteRef<'_>> + '_ {
        self.tables
            .get(&table)
            .into_iter()
            .flat_map(Self::table_iter)
    }

    /// The routes to exactly `dst` in `table`: those without TOS first,
    /// each group lowest priority first.
    pub fn exact(&self, table: u32, dst: &IpNetwork) -> Vec<Route> {
        let Some(bits) = K::of_network(dst) else {
            return Vec::new();
        };
        let Some(t) = self.tables.get(&table) else {
            return Vec::new();
        };
        match t.prefixes.get(bits, dst.prefixlen()) {
            Some(h) => t.chain(h.first()).map(|(_, x)| x.route()).collect(),
            None => Vec::new(),
        }
    }

    /// The lowest-priority default route (prefix length 0) of `table`.
    pub fn default_route(&self, table: u32) -> Option<Route> {
        let t = self.tables.get(&table)?;
        let h = t.prefixes.get(K::ZERO, 0)?;
        t.chain(h.first()).next().map(|(_, x)| x.route())
    }

    /// Longest-prefix match of `addr` in `table` (see
    /// [`RouteTables::lookup_bits`]).
    pub fn lookup(&self, table: u32, addr: &IpAddress) -> Option<RouteRef<'_>> {
        self.lookup_bits(table, K::of_address(addr)?)
    }

    /// Longest-prefix match in `table`: the most specific prefix that has
    /// a route without TOS (a lookup without TOS only matches those), and
    /// there the lowest priority; a multipath route comes with its hops.
    pub fn lookup_bits(&self, table: u32, bits: K) -> Option<RouteRef<'_>> {
        let t = self.tables.get(&table)?;
        let (_, h) = t.prefixes.longest_match(bits, |h| h.plain())?;
        Some(t.get(h.first()))
    }

    /// Approximate bytes held (prefix maps and arenas).
    pub fn heap_bytes(&self) -> usize {
        self.tables
            .values()
            .map(|t| t.prefixes.heap_bytes() + t.arena.len())
            .sum::<usize>()
            + self.by_link.capacity() * 9
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipdb_core::wire::route::RtHeader;
    use ipdb_core::wire::uapi::{RTA_DST, RTA_OIF, RTA_PRIORITY, RTA_TABLE, RTM_NEWROUTE};
    use ipdb_core::wire::MessageBuilder;
    use std::net::Ipv4Addr;

    /// An IPv4 route message: `dst/len dev oif table t metric prio`.
    fn msg(dst: u32, len: u8, oif: u32, prio: u32, tos: u8) -> Vec<u8> {
        let mut buf = vec![0u8; 128];
        let mut b = MessageBuilder::new(&mut buf, RTM_NEWROUTE, 0, 0, 0).unwrap();
        RtHeader {
            family: AF_INET,
            dst_len: len,
            tos,
            table: 254,
            ..RtHeader::default()
        }
        .append(&mut b)
        .unwrap();
        b.put(RTA_TABLE, &254u32).unwrap();
        b.put(RTA_DST, &Ipv4Addr::from(dst)).unwrap();
        b.put(RTA_PRIORITY, &prio).unwrap();
        b.put(RTA_OIF, &oif).unwrap();
        let n = b.finish().unwrap().len();
        buf.truncate(n);
        buf
    }

    fn route(m: &[u8]) -> Route {
        decode(&m[NLMSG_HDRLEN..]).unwrap()
    }

    /// Law: after any sequence of upserts and removals (with compactions
    /// along the way) the tables hold exactly what a plain list would, in
    /// priority order per prefix, and lookups agree with a linear scan.
    #[test]
    fn agrees_with_a_list_model() {
        let mut t: RouteTables<u32> = RouteTables::default();
        let mut model: Vec<Route> = Vec::new();
        let mut next = crate::db::test_rng(0x1234_5678_9abc_def0u64);
        for step in 0..20_000 {
            let dst = ((next() % 64) as u32) << 20;
            let len = [12u8, 16, 24][(next() % 3) as usize];
            let dst = dst.masked(len);
            let oif = 1 + (next() % 3) as u32;
            let prio = (next() % 3) as u32 * 10;
            let tos = if next().is_multiple_of(10) { 4 } else { 0 };
            let m = msg(dst, len, oif, prio, tos);
            let r = route(&m);
            let del = next().is_multiple_of(3);
            if del {
                let gone = t.remove(&r);
                let i = model
                    .iter()
                    .position(|x| x.dst == r.dst && same_route(x, &r));
                assert_eq!(
                    gone.is_some(),
                    i.is_some(),
                    "step {step}: {r:?}\nexact {:?}",
                    t.exact(254, &r.dst)
                );
                if let Some(i) = i {
                    model.remove(i);
                }
            } else {
                let old = t.upsert(&r, &m, false).unwrap();
                let i = model
                    .iter()
                    .position(|x| x.dst == r.dst && same_route(x, &r));
                assert_eq!(old.len(), usize::from(i.is_some()));
                if let Some(i) = i {
                    model.remove(i);
                }
                model.push(r);
            }
            assert_eq!(t.len(), model.len());
        }
        let mut have: Vec<String> = t.iter().map(|x| format!("{:?}", x.route())).collect();
        let mut want: Vec<String> = model.iter().map(|x| format!("{x:?}")).collect();
        have.sort();
        want.sort();
        assert_eq!(have, want);
        for _ in 0..2000 {
            let addr = ((next() % 64) as u32) << 20 | (next() as u32 & 0xfffff);
            let best = model
                .iter()
                .filter(|r| r.tos == 0)
                .filter(|r| {
                    let IpNetwork::V4(n) = r.dst else {
                        return false;
                    };
                    addr.masked(n.prefixlen()) == n.network_address().to_u32()
                })
                .max_by_key(|r| {
                    (
                        r.dst.prefixlen(),
                        core::cmp::Reverse(r.priority.unwrap_or(0)),
                    )
                })
                .map(|r| (r.dst, r.priority));
            let got = t
                .lookup_bits(254, addr)
                .map(|x| x.route())
                .map(|r| (r.dst, r.priority));
            assert_eq!(got, best, "{addr:#x}");
        }
    }

    /// Law: [`RouteTables::unmatched`] finds exactly the routes whose
    /// bytes the other side lacks, whatever the two arenas' orders: tables
    /// loaded in the same order, shuffled, with routes changed, added and
    /// removed on either side, and with event-made garbage (and
    /// compactions) in the current one.
    #[test]
    fn unmatched_is_the_byte_difference() {
        let mut next = crate::db::test_rng(0x0dd_ba11_cafe_f00du64);
        let bodies = |t: &RouteTables<u32>| -> Vec<Vec<u8>> {
            let mut v: Vec<Vec<u8>> = t.iter().map(|x| x.body().to_vec()).collect();
            v.sort();
            v
        };
        for trial in 0..40 {
            // Distinct routes (one per prefix and link), as a dump has them.
            let mut msgs: Vec<Vec<u8>> = (0..2000u32)
                .map(|i| msg(i << 8, 24, 1 + i % 2, (next() % 3) as u32, 0))
                .collect();
            let load = |ms: &[Vec<u8>]| {
                let mut t: RouteTables<u32> = RouteTables::default();
                for m in ms {
                    assert!(t.load_message(&Message::parse(m).unwrap(), &[]));
                }
                t.finish_load();
                t
            };
            let mut cur = load(&msgs);
            // Events on the current side: removals (garbage) and new or
            // changed routes (appended).
            for _ in 0..(next() % 300) {
                let i = (next() % 2000) as usize;
                let r = route(&msgs[i]);
                if next().is_multiple_of(2) {
                    cur.remove(&r);
                } else {
                    let m = msg((i as u32) << 8, 24, 1 + i as u32 % 2, 7, 0);
                    cur.upsert(&route(&m), &m, false);
                }
            }
            // The kernel's side: some routes changed, dropped or new, in
            // the same order or shuffled.
            for _ in 0..(next() % 50) {
                let i = (next() % msgs.len() as u64) as usize;
                match next() % 3 {
                    0 => {
                        msgs.remove(i);
                    }
                    1 => msgs[i] = msg((i as u32) << 8, 24, 1 + i as u32 % 2, 9, 0),
                    _ => msgs.push(msg(
                        0x0a00_0000 | (next() as u32 & 0xffff) << 8,
                        24,
                        5,
                        0,
                        0,
                    )),
                }
            }
            if trial % 3 == 1 {
                for i in (1..msgs.len()).rev() {
                    msgs.swap(i, (next() % (i as u64 + 1)) as usize);
                }
            }
            let new = load(&msgs);
            let (mut fresh, mut stale) = (Vec::new(), Vec::new());
            cur.unmatched(
                &new,
                |x| fresh.push(x.body().to_vec()),
                |x| stale.push(x.body().to_vec()),
            );
            fresh.sort();
            stale.sort();
            let (have, kernel) = (bodies(&cur), bodies(&new));
            let want_fresh: Vec<Vec<u8>> = kernel
                .iter()
                .filter(|b| have.binary_search(b).is_err())
                .cloned()
                .collect();
            let want_stale: Vec<Vec<u8>> = have
                .iter()
                .filter(|b| kernel.binary_search(b).is_err())
                .cloned()
                .collect();
            assert_eq!(fresh, want_fresh, "trial {trial}");
            assert_eq!(stale, want_stale, "trial {trial}");
        }
    }

    /// A load spanning several batches, with prefixes repeated across
    /// them (several routes to one prefix, another metric or link) and
    /// several prefix lengths, ends equal to inserting the routes one by
    /// one, with the same lookups.
    #[test]
    fn a_batched_load_equals_one_by_one_upserts() {
        let mut loaded: RouteTables<u32> = RouteTables::default();
        let mut upserted: RouteTables<u32> = RouteTables::default();
        let n = 3 * LOAD_BATCH as u32 + 777;
        let mut msgs = Vec::new();
        for i in 0..n {
            let (dst, len) = match i % 5 {
                0 => ((i % 4096) << 12, 20),
                _ => ((11 << 24) + (i << 8), 24),
            };
            // Every fifth route shares its /20 with an earlier batch's.
            msgs.push(msg(dst, len, 1 + i % 3, i / 4096, 0));
        }
        for m in &msgs {
            assert!(loaded.load_message(&Message::parse(m).unwrap(), &[]));
            upserted.upsert(&route(m), m, false).unwrap();
        }
        loaded.finish_load();
        assert_eq!(loaded.len(), upserted.len());
        let all = |t: &RouteTables<u32>| {
            let mut v: Vec<String> = t.iter().map(|x| format!("{:?}", x.route())).collect();
            v.sort();
            v
        };
        assert_eq!(all(&loaded), all(&upserted));
        for i in (0..n).step_by(97) {
            let addr = [(11 << 24) + (i << 8) + 7, (i % 4096) << 12 | 5][(i % 2) as usize];
            let got = |t: &RouteTables<u32>| t.lookup_bits(254, addr).map(|x| x.route());
            assert_eq!(got(&loaded), got(&upserted), "{addr:#x}");
        }
        for l in 1..=3 {
            assert!(loaded.uses_link(l));
        }
    }

    #[test]
    fn replace_takes_out_the_routes_with_the_same_kernel_key() {
        let mut t: RouteTables<u32> = RouteTables::default();
        let a = msg(10 << 24, 8, 1, 5, 0);
        let b = msg(10 << 24, 8, 2, 5, 0);
        let c = msg(10 << 24, 8, 3, 9, 0);
        for m in [&a, &c] {
            t.upsert(&route(m), m, false).unwrap();
        }
        // Same TOS and priority as `a`, another link: replaces `a` only.
        let old = t.upsert(&route(&b), &b, true).unwrap();
        assert_eq!(old, vec![route(&a)]);
        let all = t.exact(254, &route(&a).dst);
        assert_eq!(all, vec![route(&b), route(&c)]);
        assert!(t.uses_link(2) && t.uses_link(3) && !t.uses_link(1));
    }
}
