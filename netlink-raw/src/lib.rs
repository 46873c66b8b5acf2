//! # netlink-raw
//!
//! The transport: the only crate of libipdb that talks to the kernel.
//! Thin, safe wrappers over `NETLINK_ROUTE` sockets; no policy.
