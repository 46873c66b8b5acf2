//! The database's side of transactions: planning against what the
//! [`Ipdb`] holds instead of a fresh dump.

use super::manager::Txns;
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
    /// Transactions on this database's namespace, sent through `ipr` (a
    /// handle on the same namespace) and planned against the database's
    /// view, so a commit does not dump the namespace first. The rollback
    /// still verifies against a fresh dump: that is the kernel's word.
    ///
    /// Before each read the events already queued for the database are
    /// applied: the kernel queues the notifications of a change before it
    /// acks the change, so the view then includes every earlier commit.
    pub fn transactions(&self, ipr: IpRoute) -> Txns<'_> {
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
