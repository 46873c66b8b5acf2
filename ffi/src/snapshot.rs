//! Snapshots: a copy of the whole database, taken under one read lock, as
//! C arrays the caller reads by index.

use std::ffi::c_int;

use crate::boundary::{free_handle, guard, lend, shared_handle, Failure, Out, Tagged};
use crate::db::{db_handle, ipdb_db};
use crate::records::{
    ipdb_address, ipdb_link, ipdb_neighbour, ipdb_route, ipdb_route_hop, ipdb_rule,
};

/// A consistent copy of a database's links, addresses, routes, neighbours
/// and rules at one instant. Opaque; made by `ipdb_db_snapshot`, freed by
/// `ipdb_snapshot_free`. It does not change after it is taken and does not
/// refer to the database (it may outlive it).
///
/// The arrays it lends (`ipdb_snapshot_links`, ...) stay valid, unchanged,
/// until `ipdb_snapshot_free`. Read-only use from several threads at once
/// is fine.
#[cfg_attr(all(), repr(C))]
pub struct ipdb_snapshot {
    tag: u32,
    links: Vec<ipdb_link>,
    addresses: Vec<ipdb_address>,
    routes: Vec<ipdb_route>,
    /// The hops of every multipath route, route after route; `hop_start[i]`
    /// is where route `i`'s begin (its count is `routes[i].nexthops`).
    hops: Vec<ipdb_route_hop>,
    hop_start: Vec<usize>,
    neighbours: Vec<ipdb_neighbour>,
    rules: Vec<ipdb_rule>,
}

// SAFETY: repr(C), `tag: u32` first, set to TAG by `ipdb_db_snapshot`.
unsafe impl Tagged for ipdb_snapshot {
    const TAG: u32 = 0x1bdb_5a70;
}

/// Takes a snapshot of the database (one read lock; the monitor waits
/// for it to finish, so it costs about a copy of every record).
///
/// Links come by index; addresses, routes (IPv4 then IPv6), neighbours and
/// rules in the database's order.
///
/// - `out`: receives the handle; free it with `ipdb_snapshot_free`.
///
/// # Safety
/// `db` is a live handle; `out` points to a writable `ipdb_snapshot *`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_snapshot(
    db: *const ipdb_db,
    out: *mut *mut ipdb_snapshot,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let out = Out::new(out, "out")?;
        let snap = db.db.read(|s| {
            let mut links: Vec<ipdb_link> = s.links().map(ipdb_link::from).collect();
            links.sort_unstable_by_key(|l| l.index);
            let mut routes = Vec::new();
            let mut hops = Vec::new();
            let mut hop_start = Vec::new();
            for r in s.routes() {
                hop_start.push(hops.len());
                hops.extend(r.multipath.iter().map(ipdb_route_hop::from));
                routes.push(ipdb_route::from(&r));
            }
            ipdb_snapshot {
                tag: ipdb_snapshot::TAG,
                links,
                addresses: s.addresses().map(ipdb_address::from).collect(),
                routes,
                hops,
                hop_start,
                neighbours: s.neighbours().map(ipdb_neighbour::from).collect(),
                rules: s.rules().iter().map(ipdb_rule::from).collect(),
            }
        });
        out.write_box(snap);
        Ok(())
    })
}

/// Frees a snapshot and every array it lent. NULL is a no-op.
///
/// # Safety
/// `snap` is NULL or a handle from `ipdb_db_snapshot` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn ipdb_snapshot_free(snap: *mut ipdb_snapshot) {
    let _ = std::panic::catch_unwind(|| free_handle(snap));
}

// One accessor per array, written out (cbindgen does not expand macros).

/// The snapshot's links, by index.
///
/// - `out_items`: receives a pointer to the first of `*out_count` items
///   (never NULL, even for 0 items), borrowed from the snapshot: valid
///   until `ipdb_snapshot_free`.
///
/// # Safety
/// `snap` is a live snapshot; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn ipdb_snapshot_links(
    snap: *const ipdb_snapshot,
    out_items: *mut *const ipdb_link,
    out_count: *mut usize,
) -> c_int {
    guard(|| lend(&shared_handle(snap, "snap")?.links, out_items, out_count))
}

/// The snapshot's interface addresses.
///
/// - `out_items`: receives a pointer to the first of `*out_count` items
///   (never NULL, even for 0 items), borrowed from the snapshot: valid
///   until `ipdb_snapshot_free`.
///
/// # Safety
/// `snap` is a live snapshot; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn ipdb_snapshot_addresses(
    snap: *const ipdb_snapshot,
    out_items: *mut *const ipdb_address,
    out_count: *mut usize,
) -> c_int {
    guard(|| {
        lend(
            &shared_handle(snap, "snap")?.addresses,
            out_items,
            out_count,
        )
    })
}

/// The snapshot's routes, every kept table, IPv4 then IPv6.
///
/// - `out_items`: receives a pointer to the first of `*out_count` items
///   (never NULL, even for 0 items), borrowed from the snapshot: valid
///   until `ipdb_snapshot_free`.
///
/// # Safety
/// `snap` is a live snapshot; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn ipdb_snapshot_routes(
    snap: *const ipdb_snapshot,
    out_items: *mut *const ipdb_route,
    out_count: *mut usize,
) -> c_int {
    guard(|| lend(&shared_handle(snap, "snap")?.routes, out_items, out_count))
}

/// The snapshot's neighbour entries (ARP, NDP, bridge FDB).
///
/// - `out_items`: receives a pointer to the first of `*out_count` items
///   (never NULL, even for 0 items), borrowed from the snapshot: valid
///   until `ipdb_snapshot_free`.
///
/// # Safety
/// `snap` is a live snapshot; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn ipdb_snapshot_neighbours(
    snap: *const ipdb_snapshot,
    out_items: *mut *const ipdb_neighbour,
    out_count: *mut usize,
) -> c_int {
    guard(|| {
        lend(
            &shared_handle(snap, "snap")?.neighbours,
            out_items,
            out_count,
        )
    })
}

/// The snapshot's policy rules, in the kernel's order.
///
/// - `out_items`: receives a pointer to the first of `*out_count` items
///   (never NULL, even for 0 items), borrowed from the snapshot: valid
///   until `ipdb_snapshot_free`.
///
/// # Safety
/// `snap` is a live snapshot; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn ipdb_snapshot_rules(
    snap: *const ipdb_snapshot,
    out_items: *mut *const ipdb_rule,
    out_count: *mut usize,
) -> c_int {
    guard(|| lend(&shared_handle(snap, "snap")?.rules, out_items, out_count))
}

/// The hops of route `route_index` of the snapshot (as in
/// `ipdb_snapshot_routes`): `routes[route_index].nexthops` items, none for
/// a single-hop route. `IPDB_INVALID_ARGUMENT` for an index past the end.
/// Borrowed like the other arrays: valid until `ipdb_snapshot_free`.
///
/// # Safety
/// `snap` is a live snapshot; the out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn ipdb_snapshot_route_hops(
    snap: *const ipdb_snapshot,
    route_index: usize,
    out_items: *mut *const ipdb_route_hop,
    out_count: *mut usize,
) -> c_int {
    guard(|| {
        let s = shared_handle(snap, "snap")?;
        let (Some(r), Some(&start)) = (s.routes.get(route_index), s.hop_start.get(route_index))
        else {
            return Err(Failure::Invalid {
                arg: "route_index",
                why: "past the last route of the snapshot",
            });
        };
        lend(
            &s.hops[start..start + r.nexthops as usize],
            out_items,
            out_count,
        )
    })
}
