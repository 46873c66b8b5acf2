//! The database's side of transactions: planning against what the
//! [`Ipdb`] holds instead of a fresh dump, reading only the part of it the
//! transaction's plan needs.

use std::collections::HashSet;
use std::ops::Deref;
use std::sync::Arc;

use ipdb_core::ip::{IpAddress, IpNetwork};
use ipdb_core::wire::uapi::RTA_PREFSRC;

use super::change::{Change, Transaction};
use super::manager::{Scope, Txns};
use super::snapshot::Snapshot;
use crate::db::{Ipdb, RouteRef, State};
use crate::iproute::IpRoute;

impl Snapshot {
    /// The database's current view as a snapshot (copies every object).
    pub fn of_db(db: &Ipdb) -> Snapshot {
        Snapshot {
            links: db.links(),
            addresses: db.addresses(),
            routes: db.routes(),
            neighbours: db.neighbours(),
            rules: db.rules(),
        }
    }

    /// The part of the database's view that planning `t` (and rolling it
    /// back) needs, read under one lock: every link, address, neighbour
    /// and rule (a namespace has few), and of the routes only
    ///
    /// - those to the prefixes `t` adds, replaces, deletes or changes the
    ///   next hops of (every metric, TOS and source of the prefix, so a
    ///   delete without a metric finds what the kernel would delete);
    /// - those the kernel may flush as a side effect of a step: through a
    ///   link the plan changes
    ///   ([`Touched::routes_via`](super::Touched::routes_via)), or with a
    ///   preferred source that is an address of such a link or one `t`
    ///   adds or deletes. Each comes with every other route to its prefix
    ///   (IPv6 keeps such siblings in an order the rollback restores, and
    ///   the verification compares them by key), except an IPv4 route
    ///   through such a link, which is compared as one of that link's.
    ///
    /// Finding the second kind walks the stored routes of a family once,
    /// reading where each leaves in place and decoding only the ones that
    /// match; a family is not walked when no route of it leaves through
    /// those links and none of those addresses is of it (a transaction
    /// that changes no link and deletes no address walks nothing).
    /// Everything else a million-route database holds is neither copied
    /// nor decoded.
    pub fn of_db_for(db: &Ipdb, t: &Transaction) -> Snapshot {
        db.read(|s| scoped(s, t))
    }
}

/// The table and prefix of a route change.
fn prefix_of(c: &Change) -> Option<(u32, IpNetwork)> {
    let spec = match c {
        Change::Route { spec, .. } => spec,
        Change::Nexthops { route, .. } => route,
        _ => return None,
    };
    Some((spec.table.unwrap_or(crate::uapi::RT_TABLE_MAIN), spec.dst))
}

/// A stored route the walk of [`scoped`] wants.
struct Hit {
    table: u32,
    dst: IpNetwork,
    /// An IPv4 route through one of the links: it is taken alone. The
    /// others come with every route to their prefix (IPv6 siblings, whose
    /// order a rollback may redo; routes compared by key).
    alone: bool,
}

/// Whether a stored route leaves through one of `links` or names one of
/// `sources` as its preferred source, and where it is filed; read in
/// place, without decoding the rest of the message (a full decode of
/// every route of a million-route database costs several times more).
fn hit(r: RouteRef<'_>, links: &HashSet<u32>, sources: &HashSet<IpAddress>) -> Option<Hit> {
    let k = r.keys()?;
    let through = |i: i64| u32::try_from(i).is_ok_and(|i| links.contains(&i));
    let via = k.oif.is_some_and(|o| through(o.into()))
        || k.multipath.is_some_and(|mp| {
            mp.iter()
                .any(|h| h.is_ok_and(|h| through(h.ifindex.into())))
        });
    let from = || {
        let a = r.attrs().flatten().find(|a| a.kind() == RTA_PREFSRC)?;
        a.ip().ok().map(IpAddress::from)
    };
    if !via && (sources.is_empty() || !from().is_some_and(|p| sources.contains(&p))) {
        return None;
    }
    Some(Hit {
        table: k.table(),
        dst: crate::records::prefix(k.header.family, k.dst, k.header.dst_len)?,
        alone: via && k.header.family == crate::uapi::AF_INET,
    })
}

/// See [`Snapshot::of_db_for`].
fn scoped(s: &State, t: &Transaction) -> Snapshot {
    let mut links: Vec<_> = s.links().cloned().collect();
    links.sort_by_key(|l| l.index);
    let mut snap = Snapshot {
        links,
        addresses: s.addresses().cloned().collect(),
        routes: Vec::new(),
        neighbours: s.neighbours().cloned().collect(),
        rules: s.rules().to_vec(),
    };
    let mut prefixes: HashSet<(u32, IpNetwork)> = t.changes.iter().filter_map(prefix_of).collect();
    let fill = |snap: &mut Snapshot, prefixes: &HashSet<(u32, IpNetwork)>| {
        snap.routes = prefixes
            .iter()
            .flat_map(|(table, dst)| s.routes_to(*table, dst))
            .collect();
    };
    fill(&mut snap, &prefixes);
    // Which links the plan changes (and so which routes the kernel may
    // flush) is the planner's to say: plan once against what is read so
    // far. A plan that fails here fails the same way in the commit.
    let Ok(probe) = super::plan::plan(t, &snap) else {
        return snap;
    };
    let via = &probe.touched.routes_via;
    let mut sources: HashSet<IpAddress> = snap
        .addresses
        .iter()
        .filter(|a| probe.touched.routes_via.contains(&a.index))
        .filter_map(|a| a.local)
        .collect();
    // A route can only name a local address as its source: an address
    // the transaction touches that no link has yet has none.
    sources.extend(
        probe
            .touched
            .addresses
            .iter()
            .map(|(_, a)| *a)
            .filter(|a| snap.addresses.iter().any(|b| b.local == Some(*a))),
    );
    let before = prefixes.len();
    // Each family is walked only when a route of it may match: the
    // database counts the routes through each link, and a source
    // address is of one family.
    let walk4 = via.iter().any(|&i| s.routes4.uses_link(i))
        || sources.iter().any(|a| matches!(a, IpAddress::V4(_)));
    let walk6 = via.iter().any(|&i| s.routes6.uses_link(i))
        || sources.iter().any(|a| matches!(a, IpAddress::V6(_)));
    let four = walk4.then(|| s.routes4.iter()).into_iter().flatten();
    let six = walk6.then(|| s.routes6.iter()).into_iter().flatten();
    let mut alone = Vec::new();
    for r in four.chain(six) {
        match hit(r, via, &sources) {
            Some(h) if h.alone => alone.push((h.table, h.dst, r)),
            Some(h) => {
                prefixes.insert((h.table, h.dst));
            }
            None => {}
        }
    }
    if prefixes.len() > before {
        fill(&mut snap, &prefixes);
    }
    // Decoded once each; those of a prefix read whole are there already.
    snap.routes.extend(
        alone
            .into_iter()
            .filter(|(table, dst, _)| !prefixes.contains(&(*table, *dst)))
            .map(|(_, _, r)| r.route()),
    );
    snap
}

impl Ipdb {
    /// Transactions on this database's namespace (IPDB's `begin`,
    /// `review`, `commit`, `drop` live on the returned [`Txns`]), sent
    /// through a new [`IpRoute`] in the same namespace and planned against
    /// the database's view.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = ipdb::Ipdb::open_in_netns("/run/netns/blue")?;
    /// let mut txns = db.transactions()?;
    /// let id = txns.begin();
    /// txns.get(id).unwrap().link("eth0").set_mtu(1400);
    /// txns.commit(id)?;
    /// # Ok(()) }
    /// ```
    pub fn transactions(&self) -> Result<Txns<'_>, crate::Error> {
        let ipr = match self.netns_path() {
            Some(path) => IpRoute::open_in_netns(path)?,
            None => IpRoute::open()?,
        };
        Ok(self.transactions_with(ipr))
    }

    /// IPDB's `ipdb.begin()`: a new transaction on this database's
    /// namespace, planned against the database's view. Record changes
    /// through it (it derefs to [`Transaction`]), then [`Scope::commit`];
    /// dropped without commit — an early return, a `?` — it sends
    /// nothing, like an IPDB `with` block left by an exception. Each call
    /// opens its own netlink socket ([`Ipdb::transactions`]); for many
    /// transactions keep one [`Txns`] instead.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = ipdb::Ipdb::open_in_netns("/run/netns/blue")?;
    /// let mut t = db.begin()?;
    /// t.link("eth0").set_mtu(1400).add_ip("10.0.0.2/24".parse().unwrap());
    /// println!("{}", t.review()?);
    /// t.commit()?;
    /// # Ok(()) }
    /// ```
    pub fn begin(&self) -> Result<Scope<'_, '_>, crate::Error> {
        Ok(self.transactions()?.into_scope())
    }

    /// Transactions on this database's namespace, sent through `ipr` (a
    /// handle on the same namespace) and planned against the database's
    /// view ([`Snapshot::of_db_for`]: the part of it the transaction
    /// needs), so a commit does not dump the namespace first. The rollback
    /// still verifies against a fresh dump: that is the kernel's word.
    ///
    /// Before each read the events already queued for the database are
    /// applied: the kernel queues the notifications of a change before it
    /// acks the change, so the view then includes every earlier commit.
    pub fn transactions_with(&self, ipr: IpRoute) -> Txns<'_> {
        planned_on(self, ipr)
    }

    /// [`Ipdb::transactions_with`] for a database shared through an
    /// [`Arc`] (as the C ABI's handle holds it): the transactions keep
    /// the database alive and borrow nothing.
    pub fn shared_transactions_with(db: Arc<Ipdb>, ipr: IpRoute) -> Txns<'static> {
        planned_on(db, ipr)
    }
}

/// Transactions sent through `ipr`, planned against `db`'s view.
fn planned_on<'a, D>(db: D, ipr: IpRoute) -> Txns<'a>
where
    D: Deref<Target = Ipdb> + Send + 'a,
{
    Txns::with_source(
        ipr,
        Box::new(move |_, t| {
            // `process` reads a bounded number of datagrams per call.
            for _ in 0..10_000 {
                if db.process()? == 0 {
                    break;
                }
            }
            Ok(Snapshot::of_db_for(&db, t))
        }),
    )
}
