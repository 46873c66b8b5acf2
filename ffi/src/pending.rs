//! Commits that roll themselves back unless confirmed in time (nmstate's
//! checkpoints): `ipdb_txn_commit_with_timeout` and the `ipdb_pending`
//! handle, ended by confirming, by rolling back at once, or by the
//! deadline.

use std::ffi::c_int;
use std::time::Duration;

use ipdb::txn::{Pending, TxnId};

use crate::boundary::{free_handle, guard, handle, Failure, Out, Tagged};
use crate::db::{db_handle, ipdb_db};
use crate::txn::{commit_failure, manager, no_txn};

/// A committed transaction waiting for `ipdb_pending_confirm`. Opaque;
/// made by `ipdb_txn_commit_with_timeout`, freed by `ipdb_pending_free`.
/// Use from one thread at a time.
#[cfg_attr(all(), repr(C))]
pub struct ipdb_pending {
    tag: u32,
    pending: Option<Pending>,
}

// SAFETY: repr(C), `tag: u32` first, set to TAG when made.
unsafe impl Tagged for ipdb_pending {
    const TAG: u32 = 0x1bdb_9e4d;
}

/// Commits transaction `id` (as `ipdb_txn_commit`) and closes it, then
/// rolls everything back `timeout_ms` milliseconds later unless
/// `ipdb_pending_confirm` comes first (`ipdb_pending_rollback` rolls back
/// at once). The rollback runs on a thread of its own, with its own
/// netlink socket on the namespace.
///
/// Returns the statuses of `ipdb_txn_commit` (on failure nothing stays
/// applied and `out` is not written).
///
/// - `out`: receives the handle; free it with `ipdb_pending_free`.
///
/// # Safety
/// `db` is a live handle; `out` points to a writable `ipdb_pending *`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_commit_with_timeout(
    db: *const ipdb_db,
    id: u64,
    timeout_ms: u64,
    out: *mut *mut ipdb_pending,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let out = Out::new(out, "out")?;
        let mut g = manager(db)?;
        let m = g.as_mut().expect("made by manager()");
        if m.get(TxnId(id)).is_none() {
            return Err(no_txn(id));
        }
        let p = m
            .commit_with_timeout(TxnId(id), Duration::from_millis(timeout_ms))
            .map_err(commit_failure)?;
        out.write_box(ipdb_pending {
            tag: ipdb_pending::TAG,
            pending: Some(p),
        });
        Ok(())
    })
}

/// Keeps the commit if the time is not up. Returns `IPDB_OK`; when too
/// late, the status of the rollback that ran (`IPDB_COMMIT_FAILED`, the
/// last error saying it was not confirmed; `IPDB_ROLLBACK_INCOMPLETE`);
/// `IPDB_NO_VALUE` when already confirmed or rolled back. The handle still
/// needs `ipdb_pending_free`.
///
/// # Safety
/// `p` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn ipdb_pending_confirm(p: *mut ipdb_pending) -> c_int {
    guard(|| {
        let pending = take(p)?;
        pending.confirm().map(|_| ()).map_err(commit_failure)
    })
}

/// Rolls the commit back now instead of at the deadline, and returns when
/// that is done: the applied steps undone newest first, what the kernel
/// removed with them put back, the touched objects read back and compared
/// with the state before the commit (as a failed commit's rollback).
///
/// - `out_undone`: receives the number of steps undone (on `IPDB_OK`).
///
/// Returns `IPDB_OK` when everything was restored (also when the deadline
/// had come first: then the rollback that already ran is the one
/// reported); `IPDB_ROLLBACK_INCOMPLETE` when something could not be, the
/// last error listing each object and why; `IPDB_NO_VALUE` when already
/// confirmed or rolled back. The handle still needs `ipdb_pending_free`.
///
/// # Safety
/// `p` is a live handle; `out_undone` points to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_pending_rollback(
    p: *mut ipdb_pending,
    out_undone: *mut u64,
) -> c_int {
    guard(|| {
        let out = Out::new(out_undone, "out_undone")?;
        let pending = take(p)?;
        let done = pending.rollback().map_err(commit_failure)?;
        out.write(done.undone as u64);
        Ok(())
    })
}

/// The handle's pending commit, taken out: it is confirmed or rolled back
/// once.
fn take(p: *mut ipdb_pending) -> Result<Pending, Failure> {
    let h = handle(p, "p")?;
    h.pending
        .take()
        .ok_or(Failure::NoValue("already confirmed or rolled back"))
}

/// Frees the handle without blocking. A commit neither confirmed nor
/// rolled back stays pending: the deadline still runs on the library's
/// revert thread, which rolls the commit back when the time is up (with a
/// netlink socket of its own, so `db` may be closed meanwhile) and
/// discards the outcome; the same as dropping a Rust `Pending`. Call
/// `ipdb_pending_rollback` first to roll back now and see the outcome. A
/// process that exits before the deadline rolls nothing back. NULL is a
/// no-op.
///
/// # Safety
/// `p` is NULL or a handle from `ipdb_txn_commit_with_timeout` not freed
/// yet.
#[no_mangle]
pub unsafe extern "C" fn ipdb_pending_free(p: *mut ipdb_pending) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| free_handle(p)));
}
