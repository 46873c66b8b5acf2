//! # ipdb-ffi
//!
//! libipdb's C ABI: built as `libipdb.so.0` / `libipdb.a` with the header
//! `include/ipdb.h`, which cbindgen generates from this crate (config in
//! `ffi/cbindgen.toml`; CI fails when the committed header is stale).
//!
//! Modules, one concern each:
//! - `boundary`: the panic guard, the per-thread last error, and every
//!   raw-pointer conversion (all `unsafe` of the crate lives there).
//! - `status`: the numbered `IPDB_*` codes and `ipdb_status_str`.
//! - `types`: the plain-old-data `ipdb_addr`, `ipdb_net`, `ipdb_iface`,
//!   the scope-less `ipdb_ip` of route records, and their checked
//!   conversions.
//! - `text`: text styles, property flags, formatting into caller buffers.
//! - `addr`, `net`, `iface`: the IP math of `ipdb::ip` per value type.
//! - `iter`: iterator handles (hosts, addresses, subnets).
//! - `ranges`: collapse in place, summarize, address_exclude.
//! - `db`: the database handle (open, close, driving without a thread,
//!   lookups); `records`: its records as C structs; `snapshot`: a whole
//!   copy as C arrays; `events`: callbacks; `txn`: transactions; `txn_specs`: their
//!   link, neighbour and rule steps; `pending`: commits with a timeout.
//! - `iproute`: the synchronous IPRoute calls (each change returns when
//!   the kernel acked it), on the transactions' specs.
//!
//! Rules every export follows (rustls-ffi's): an `int` status (0 = ok),
//! results through out-pointers written only on success, NULL arguments are
//! `IPDB_NULL_PARAMETER`, a panic is caught and becomes `IPDB_PANIC`, text
//! goes into caller buffers with their length, handles first, then inputs,
//! then outputs; `*_free(NULL)` is a no-op.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
// C names for C types: the header is the interface.
#![allow(non_camel_case_types)]

mod addr;
mod boundary;
mod db;
mod events;
mod iface;
mod iproute;
mod iter;
mod net;
mod parse;
mod pending;
mod ranges;
mod records;
mod snapshot;
mod status;
mod text;
mod txn;
mod txn_specs;
mod types;

pub use addr::*;
pub use boundary::ipdb_last_error;
pub use db::*;
pub use events::*;
pub use iface::*;
pub use iproute::*;
pub use iter::*;
pub use net::*;
pub use pending::*;
pub use ranges::*;
pub use records::*;
pub use snapshot::*;
pub use status::*;
pub use text::*;
pub use txn::*;
pub use txn_specs::*;
pub use types::*;
