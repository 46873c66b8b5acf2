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
//! - [`Error`], [`NetlinkError`]: what goes wrong, with the kernel's errno,
//!   extended-ack text and offset kept.
//!
//! Every `unsafe` block lives in the private `sys` module, one small helper
//! per system call, each with a `// SAFETY:` line.
#![warn(missing_docs)]

mod error;
pub mod netns;
pub mod request;
pub mod socket;
mod sys;
pub mod tun;

pub use error::{Error, NetlinkError};
pub use request::{DumpEvent, DumpSummary, MAX_DUMP_RESTARTS};
pub use socket::Socket;
pub use tun::{Tun, TunMode, TunOptions};
