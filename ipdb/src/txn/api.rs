//! The database's side of transactions: planning against what the
//! [`Ipdb`] holds instead of a fresh dump.

use super::manager::{Scope, Txns};
use super::snapshot::Snapshot;
use crate::db::Ipdb;
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
    /// through it (it derefs to [`Transaction`](super::Transaction)), then
    /// [`Scope::commit`]; dropped without commit — an early return, a `?`
    /// — it sends nothing, like an IPDB `with` block left by an exception.
    /// Each call opens its own netlink socket ([`Ipdb::transactions`]);
    /// for many transactions keep one [`Txns`] instead.
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
    /// view, so a commit does not dump the namespace first. The rollback
    /// still verifies against a fresh dump: that is the kernel's word.
    ///
    /// Before each read the events already queued for the database are
    /// applied: the kernel queues the notifications of a change before it
    /// acks the change, so the view then includes every earlier commit.
    pub fn transactions_with(&self, ipr: IpRoute) -> Txns<'_> {
        Txns::with_source(
            ipr,
            Box::new(move |_| {
                // `process` reads a bounded number of datagrams per call.
                for _ in 0..10_000 {
                    if self.process()? == 0 {
                        break;
                    }
                }
                Ok(Snapshot::of_db(self))
            }),
        )
    }
}
