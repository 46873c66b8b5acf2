//! # ipdb-core
//!
//! The allocation-free heart of libipdb: `#![no_std]`, no `alloc`, no libc.
//!
//! - [`ip`]: IP addresses, networks and interfaces with the semantics of
//!   CPython's `ipaddress` module (current main line), as `Copy` values.
//! - [`wire`]: the rtnetlink wire format: zero-copy views over kernel bytes
//!   and emitters that write requests into caller buffers.
//!
//! Rules for every module here: nothing allocates, nothing panics on input
//! (every length is checked before it is read), errors are small `Copy`
//! enums that format themselves without a heap.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

pub mod ip;
pub mod wire;
