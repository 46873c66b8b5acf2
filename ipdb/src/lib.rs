//! # ipdb
//!
//! The std layer of libipdb: what a Rust program links against.
//!
//! - [`ip`]: IP math with CPython `ipaddress` semantics (re-exported from
//!   `ipdb-core`, allocation-free).
//! - [`iproute`]: [`IpRoute`], a synchronous handle on one network
//!   namespace's rtnetlink: dumps into owned records, and the calls that
//!   change links, addresses, routes, neighbours and rules.
//! - [`spec`]: what to change (links by kind, addresses, routes with
//!   metrics and multipath, neighbours, rules), built into requests by
//!   the `ipdb_core::wire` emitters; the `IpRoute` calls take these.
//! - [`records`]: the owned records dumps return ([`Link`], [`Address`],
//!   [`Route`], [`Neighbour`], [`Rule`], [`Nexthop`]), decoded from the
//!   `ipdb_core::wire` reprs.
//! - [`txn`]: transactions — changes applied together or not at all
//!   (IPDB's modes, review, commit hooks, rollback planned from the state
//!   before and verified after, partial commits, auto-revert).
//! - [`Error`]: what went wrong, with the kernel's errno and ext-ack text
//!   and the operation and object it concerned.
//!
//! ```no_run
//! use ipdb::IpRoute;
//! # fn main() -> Result<(), ipdb::Error> {
//! let mut ipr = IpRoute::open_in_netns("/run/netns/blue")?;
//! for link in ipr.links()? {
//!     println!("{} {} mtu {:?}", link.index, link.name, link.mtu);
//! }
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub use ipdb_core::ip;
/// The core's zero-copy route view, which [`db::RouteRef::decode_into`]
/// fills for readers that copy fields out without building a record.
pub use ipdb_core::wire::route::RouteRepr;
/// The kernel's constants under their kernel names (`RTN_*`, `RTPROT_*`,
/// `NUD_*`, `IFF_*`, `AF_*`...): the raw numbers records keep.
pub use ipdb_core::wire::uapi;

pub mod db;
mod error;
pub mod iproute;
pub mod records;
pub mod spec;
pub mod txn;

pub use db::Ipdb;
pub use error::{Error, ErrorKind, Object, Op};
pub use iproute::IpRoute;
pub use records::{Address, Link, Neighbour, Nexthop, Route, Rule};
