//! # netlink-raw
//!
//! The transport: the only crate of libipdb that talks to the kernel.
//! Thin, safe wrappers over `NETLINK_ROUTE` sockets; no policy (no retries
//! beyond restarting an interrupted dump, no caching). Message bytes are
//! built and parsed by `ipdb_core::wire`.
//!
//! - [`socket`]: [`Socket`]: open (here or in another network namespace),
//!   bind, multicast groups (legacy bitmask and any group number), receive
//!   buffer sizing, blocking/non-blocking, whole-datagram receive.
//! - [`request`]: sequence numbers, request + ack, dumps across multi-part
//!   replies with `NLM_F_DUMP_INTR` restarts.
//! - [`netns`]: run a closure on a short-lived thread inside another network
//!   namespace, so sockets can be opened there without moving the caller.
//! - [`tun`]: tun/tap devices through `/dev/net/tun`.
//! - [`poll`]: wait for input on a socket and a wake-up fd at once.
//! - [`Error`], [`NetlinkError`]: what goes wrong, with the kernel's errno,
//!   extended-ack text and offset kept.
//!
//! Dumping every link of a namespace, with requests built by
//! `ipdb_core::wire::MessageBuilder`:
//!
//! ```no_run
//! use ipdb_core::wire::{uapi::*, MessageBuilder};
//! use netlink_raw::{DumpEvent, Socket};
//!
//! # fn main() -> Result<(), netlink_raw::Error> {
//! let mut sock = Socket::open_in_netns_path("/run/netns/blue".as_ref())?;
//! let mut req = [0u8; 32];
//! let mut b = MessageBuilder::new(&mut req, RTM_GETLINK, 0, 0, 0)?;
//! b.append_zeroed(16)?; // struct ifinfomsg: any family, any index
//! let n = b.finish()?.len();
//! let mut links = Vec::new();
//! let summary = sock.dump(&mut req[..n], |ev| match ev {
//!     DumpEvent::Message(m) => links.push(m.bytes().to_vec()),
//!     DumpEvent::Restart => links.clear(), // inconsistent pass: start over
//! })?;
//! assert_eq!(links.len(), summary.messages);
//! # Ok(()) }
//! ```
//!
//! Every `unsafe` block lives in the private `sys` module, one small helper
//! per system call, each with a `// SAFETY:` line.
#![warn(missing_docs)]

mod error;
pub mod memory;
pub mod netns;
pub mod poll;
pub mod request;
pub mod socket;
mod sys;
pub mod tun;

pub use error::{Error, NetlinkError};
pub use request::{DumpEvent, DumpRun, DumpSummary, MAX_DUMP_RESTARTS};
pub use socket::Socket;
pub use tun::{Tun, TunMode, TunOptions};
