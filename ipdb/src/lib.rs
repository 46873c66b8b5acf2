//! # ipdb
//!
//! The std layer of libipdb: what a Rust program links against.
//!
//! - [`ip`]: IP math with CPython `ipaddress` semantics (re-exported from
//!   `ipdb-core`, allocation-free).
#![warn(missing_docs)]

pub use ipdb_core::ip;
