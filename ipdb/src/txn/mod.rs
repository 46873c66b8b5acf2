//! Transactions: changes to links, addresses, routes, neighbours and rules
//! applied together or not at all, in the manner of pyroute2's IPDB.
//!
//! - [`Transaction`] records what a program wants (IPDB's interface
//!   fields, `add_ip`/`del_ip`, `add_port`/`del_port`, link creation of
//!   every [`LinkKind`](crate::spec::LinkKind), routes with `add_nh`/`del_nh`,
//!   neighbours, rules) and commit hooks that may veto.
//! - [`Txns`] keeps open transactions by id (`begin`, `review`, `commit`,
//!   `drop`, `last`), the [`Mode`] (`direct`, `implicit`, `explicit`,
//!   `snapshot`), a scope guard, partial commits, and
//!   [`Txns::commit_with_timeout`], rolled back unless confirmed (or at
//!   once with [`Pending::rollback`]).
//! - [`Ipdb::begin`](crate::Ipdb::begin) is IPDB's `ipdb.begin()`: a
//!   [`Scope`] on a new transaction planned against the database's view,
//!   sent by [`Scope::commit`], dropped (nothing sent) otherwise.
//! - A commit reads the state before (a [`Snapshot`]: a fresh dump, or of
//!   the database's view the part the plan needs, see
//!   [`Snapshot::of_db_for`]), plans the steps in dependency order with their
//!   inverses, sends each phase as one pipelined batch
//!   ([`IpRoute::send_batch`](crate::IpRoute::send_batch)), runs the hooks,
//!   and on any failure undoes every applied step and checks the result.
//!
//! # How rollback is planned
//!
//! The rollback plan is made from the state before, before the first
//! request is sent. Each step gets its inverse then: a created link is
//! deleted, a changed link field is set back to the value read before, an
//! added address/route/neighbour/rule is deleted, a deleted or replaced one
//! is added back exactly as the dump showed it, a deleted link is created
//! again from its record (kind, kind data, settings, master). Each step
//! also lists its *dependents*: objects of the state before that the
//! kernel may remove as a side effect of it, without a request of ours —
//! the routes through a link and its addresses when it goes down, changes
//! MTU or MAC, is enslaved or deleted; the routes using an address as
//! source and its secondaries when it is deleted. On failure, the steps
//! that were acked (and any that got no answer, as they may have been
//! applied) are undone newest first, one phase per pipelined batch;
//! "already so" answers (deleting what is gone, adding what is there) count
//! as success. Then the dependents of the undone steps are put back
//! (addresses, then routes by scope with a second pass for gateways, then
//! static neighbours). Links are named by index when they existed before
//! and by name when the transaction creates them; a link recreated by the
//! rollback gets a new index from the kernel, and every later inverse is
//! remapped to it. Finally the state is dumped again and every touched
//! object (links, their addresses, routes by key or through links whose
//! routes a step may flush, neighbours, rules) compared with the state
//! before, leaving out counters, ages, and the dead/link-down marks of
//! next hops (they follow the links' state, compared as links); IPv6
//! addresses compare as a set, rules in priority order. Whatever could not be restored — an inverse the kernel
//! refused, an object that has no spec to recreate it, a difference found
//! by the comparison — is listed in [`CommitError::rollback`] with its
//! reason, beside the original error, which is never replaced.
//!
//! ```no_run
//! use ipdb::txn::Txns;
//! use ipdb::spec::{LinkKind, LinkSpec, RouteSpec};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut txns = Txns::new(ipdb::IpRoute::open_in_netns("/run/netns/blue")?);
//! let id = txns.begin();
//! let t = txns.get(id).unwrap();
//! t.create(LinkSpec::new("br0", LinkKind::bridge())).up().add_ip("10.0.0.1/24".parse().unwrap());
//! t.add_route_dev(RouteSpec::new("10.9.0.0/16".parse().unwrap()), "br0");
//! println!("{}", txns.review(id)?);
//! txns.commit(id)?;
//! # Ok(()) }
//! ```

mod api;
mod change;
mod commit;
mod error;
mod manager;
mod plan;
mod restore;
mod review;
mod snapshot;

pub use change::{Change, HookFn, LinkEdit, LinkRef, Transaction};
pub use commit::{CommitOptions, Report};
pub use error::{Cause, CommitError, RollbackIssue, StepFailure};
pub use manager::{Mode, Pending, RolledBack, Scope, Source, TxnId, Txns};
pub use plan::Phase;
pub use review::{FieldChange, LinkReview, ObjectReview, Review};
pub use snapshot::{RouteKey, Snapshot, Touched};
