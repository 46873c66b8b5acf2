//! The database handle: open, close, driving it without a thread, lookups.
//!
//! `ipdb_db` wraps an `ipdb::Ipdb` (readers take its read lock for the
//! duration of one call) and, once a transaction is begun, the
//! transaction manager with its own netlink socket on the same namespace.

use std::ffi::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::sync::{Arc, Mutex};

use ipdb::ip::IpAddress;
use ipdb::txn::Txns;
use ipdb::{Ipdb, RouteRepr};

use crate::boundary::{
    free_handle, guard, input, input_str, optional_cstr, present, shared_handle, Failure, Out,
    Tagged,
};
use crate::events::CallbackIds;
use crate::records::{ipdb_link, ipdb_route};
use crate::types::{ipdb_addr, ipdb_net};

/// `ipdb_db_open` flag: no monitor thread. The caller polls `ipdb_db_fd`
/// and calls `ipdb_db_process`; callbacks then run inside `ipdb_db_process`.
pub const IPDB_OPEN_NO_THREAD: u32 = 1;

/// A kernel-synchronised database of one network namespace. Opaque; made by
/// `ipdb_db_open`, freed by `ipdb_db_close`.
///
/// Thread-safe: any thread may call any `ipdb_db_*` function on it at the
/// same time as others (reads see a consistent state; transactions are
/// serialised), except `ipdb_db_close`, which must come after every other
/// call on the handle has returned.
#[cfg_attr(all(), repr(C))]
pub struct ipdb_db {
    tag: u32,
    /// Shared with the transaction manager, which plans against it.
    pub(crate) db: Arc<Ipdb>,
    /// Made on the first `ipdb_txn_begin`: it opens its own socket.
    pub(crate) txns: Mutex<Option<Txns<'static>>>,
    pub(crate) callbacks: CallbackIds,
}

// SAFETY: repr(C), `tag: u32` first, set to TAG by `ipdb_db_open`.
unsafe impl Tagged for ipdb_db {
    const TAG: u32 = 0x1bdb_db00;
}

impl ipdb_db {
    /// The Rust database this handle wraps, for Rust code that holds a
    /// handle (the C ABI benches compare the two APIs on one database).
    pub fn ipdb(&self) -> &Ipdb {
        &self.db
    }
}

/// The checked database handle of an export.
pub(crate) fn db_handle<'a>(db: *const ipdb_db) -> Result<&'a ipdb_db, Failure> {
    shared_handle(db, "db")
}

/// Opens a database of a network namespace: subscribes to its rtnetlink
/// events, dumps links, addresses, routes, neighbours, rules and nexthops,
/// and (by default) starts a monitor thread that applies events as they
/// come and a callback thread that runs the callbacks.
///
/// - `netns_path`: optional NUL-terminated path of a namespace file
///   (`/run/netns/NAME`, `/proc/PID/ns/net`); NULL for the caller's own
///   namespace. (A path, like `open(2)`'s: NUL-terminated, any bytes.)
/// - `flags`: 0, or `IPDB_OPEN_NO_THREAD`. Other bits are
///   `IPDB_INVALID_ARGUMENT`.
/// - `out`: receives the handle; close it with `ipdb_db_close`.
///
/// Errors: `IPDB_SYSTEM_ERROR` (no such namespace, no permission, socket
/// or thread creation failed), `IPDB_KERNEL_ERROR` (the kernel refused a
/// dump), `IPDB_PROTOCOL_ERROR`; the last error says which.
///
/// # Safety
/// `netns_path` is NULL or a NUL-terminated string; `out` points to a
/// writable `ipdb_db *`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_open(
    netns_path: *const c_char,
    flags: u32,
    out: *mut *mut ipdb_db,
) -> c_int {
    guard(|| {
        let out = Out::new(out, "out")?;
        if flags & !IPDB_OPEN_NO_THREAD != 0 {
            return Err(Failure::Invalid {
                arg: "flags",
                why: "unknown flag bits (only IPDB_OPEN_NO_THREAD is defined)",
            });
        }
        let mut opts = Ipdb::options().monitor_thread(flags & IPDB_OPEN_NO_THREAD == 0);
        if let Some(p) = optional_cstr(netns_path) {
            opts = opts.netns(std::ffi::OsStr::from_bytes(p));
        }
        let db = opts.open()?;
        out.write_box(ipdb_db {
            tag: ipdb_db::TAG,
            db: Arc::new(db),
            txns: Mutex::new(None),
            callbacks: CallbackIds::default(),
        });
        Ok(())
    })
}

/// Closes a database: stops and joins its threads (a callback running
/// now finishes first), closes its sockets, drops open transactions
/// without sending them, frees the handle. NULL is a no-op.
///
/// Must not be called from inside a callback of the same database (it
/// would wait for itself), nor while another thread uses the handle.
///
/// # Safety
/// `db` is NULL or a handle from `ipdb_db_open` not closed yet.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_close(db: *mut ipdb_db) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| free_handle(db)));
}

/// The database's event socket, for a `poll`/`epoll` loop on a database
/// opened with `IPDB_OPEN_NO_THREAD`: when it is readable, call
/// `ipdb_db_process`. The fd belongs to the database (do not close it or
/// read from it); it stays valid until `ipdb_db_close`.
///
/// # Safety
/// `db` is a live handle; `out_fd` points to a writable `int`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_fd(db: *const ipdb_db, out_fd: *mut c_int) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        Out::new(out_fd, "out_fd")?.write(db.db.as_raw_fd());
        Ok(())
    })
}

/// Rounds of reading an `ipdb_db_process` call does at most: bounded, so a
/// flood of events cannot keep the caller's loop from its other fds.
const PROCESS_ROUNDS: usize = 64;

/// Applies what the kernel has sent since the last call, without blocking,
/// and (without a monitor thread) runs the callbacks on each change, on
/// this thread, before returning. Also re-reads what the kernel changed
/// without telling (routes of a link that went down). With a monitor
/// thread it is allowed but rarely useful.
///
/// - `out_applied`: optional; receives how many kernel messages were applied.
///
/// Reads a bounded amount per call; when `ipdb_db_has_more` then says
/// true, call it again before waiting for the fd.
///
/// # Safety
/// `db` is a live handle; `out_applied` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_process(db: *const ipdb_db, out_applied: *mut usize) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let mut applied = 0;
        for _ in 0..PROCESS_ROUNDS {
            applied += db.db.process()?;
            if !db.db.has_more() {
                break;
            }
        }
        if let Ok(out) = Out::new(out_applied, "out_applied") {
            out.write(applied);
        }
        Ok(())
    })
}

/// Whether `ipdb_db_process` has work left that will not make the fd
/// readable (it stopped at its budget, or re-reads are due).
///
/// # Safety
/// `db` is a live handle; `out` points to a writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_has_more(db: *const ipdb_db, out: *mut bool) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        Out::new(out, "out")?.write(db.db.has_more());
        Ok(())
    })
}

/// Copies the link with index `index` into `out`; `IPDB_NO_VALUE` when
/// there is none (out untouched).
///
/// # Safety
/// `db` is a live handle; `out` points to a writable `ipdb_link`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_link_by_index(
    db: *const ipdb_db,
    index: u32,
    out: *mut ipdb_link,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let out = Out::new(out, "out")?;
        let l = db.db.read(|s| s.link(index).map(ipdb_link::from));
        out.write(present(l, "no link with that index")?);
        Ok(())
    })
}

/// Copies the link named `name` (`name_len` bytes, no NUL needed) into
/// `out`; `IPDB_NO_VALUE` when there is none.
///
/// # Safety
/// `db` is a live handle; `name` points to `name_len` bytes; `out` to a
/// writable `ipdb_link`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_link_by_name(
    db: *const ipdb_db,
    name: *const c_char,
    name_len: usize,
    out: *mut ipdb_link,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let name = input_str(name, name_len, "name")?;
        let out = Out::new(out, "out")?;
        let l = db.db.read(|s| s.link_by_name(name).map(ipdb_link::from));
        out.write(present(l, "no link with that name")?);
        Ok(())
    })
}

/// Copies the route to exactly `dst` in `table` with the lowest priority
/// (routes without TOS first) into `out`; `IPDB_NO_VALUE` when there is none.
///
/// # Safety
/// `db` is a live handle; `dst` points to an `ipdb_net`; `out` to a
/// writable `ipdb_route`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_route_get(
    db: *const ipdb_db,
    table: u32,
    dst: *const ipdb_net,
    out: *mut ipdb_route,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let dst = input(dst, "dst")?.check("dst")?;
        let out = Out::new(out, "out")?;
        let r = db
            .db
            .read(|s| s.route(table, &dst).map(|r| ipdb_route::from(&r)));
        out.write(present(r, "no route to that prefix")?);
        Ok(())
    })
}

/// Longest-prefix match of `addr` in `table`, from the database (no
/// kernel call): the route the kernel would pick there without policy
/// rules (most specific prefix, then lowest priority, routes with a TOS
/// left out). Copies it into `out`; `IPDB_NO_VALUE` when no route covers
/// `addr`. A scope id of `addr` is ignored.
///
/// # Safety
/// `db` is a live handle; `addr` points to an `ipdb_addr`; `out` to a
/// writable `ipdb_route`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_route_lookup(
    db: *const ipdb_db,
    table: u32,
    addr: *const ipdb_addr,
    out: *mut ipdb_route,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let a: IpAddress = input(addr, "addr")?.check("addr")?;
        let out = Out::new(out, "out")?;
        // `Ipdb::lookup`'s match (the same `State::lookup_ref`), copied out
        // of the stored bytes under the read lock, without building the
        // owned `Route` first.
        db.db.read(|s| {
            let found = s.lookup_ref(table, &a);
            let mut repr = RouteRepr::default();
            match found.and_then(|r| r.decode_into(&mut repr)) {
                Some(()) => {
                    out.init(ipdb_route::ZERO).fill_repr(&repr);
                    Ok(())
                }
                None => Err(Failure::NoValue("no route covers that address")),
            }
        })
    })
}
