//! Callbacks: C functions the database calls with each change it applied.

use std::ffi::{c_int, c_void};
use std::ptr;

use std::collections::HashMap;
use std::sync::Mutex;

use ipdb::db::{CallbackId, Event, EventKind, Object};

use crate::boundary::{guard, Failure, Out};
use crate::db::{db_handle, ipdb_db};
use crate::records::{ipdb_address, ipdb_link, ipdb_neighbour, ipdb_route, ipdb_rule};

/// `ipdb_event.kind`: the object is new.
pub const IPDB_EVENT_ADD: u8 = 1;
/// `ipdb_event.kind`: the object changed; the `old_*` pointer has it before.
pub const IPDB_EVENT_CHANGE: u8 = 2;
/// `ipdb_event.kind`: the object is gone; the pointer has it as last seen.
pub const IPDB_EVENT_DEL: u8 = 3;

/// `ipdb_event.object`: a link (`link`, `old_link`).
pub const IPDB_OBJECT_LINK: u8 = 1;
/// `ipdb_event.object`: an address (`address`, `old_address`).
pub const IPDB_OBJECT_ADDRESS: u8 = 2;
/// `ipdb_event.object`: a route (`route`, `old_route`).
pub const IPDB_OBJECT_ROUTE: u8 = 3;
/// `ipdb_event.object`: a neighbour (`neighbour`, `old_neighbour`).
pub const IPDB_OBJECT_NEIGHBOUR: u8 = 4;
/// `ipdb_event.object`: a rule (`rule`, `old_rule`).
pub const IPDB_OBJECT_RULE: u8 = 5;
/// `ipdb_event.object`: a nexthop object (no record in the C API yet: all
/// object pointers are NULL).
pub const IPDB_OBJECT_NEXTHOP: u8 = 6;

/// A change the database applied, as a callback sees it. Borrowed: the
/// event and everything it points to are valid only during the callback
/// (copy what you keep).
///
/// Exactly the pointer named by `object` is non-NULL (none for
/// `IPDB_OBJECT_NEXTHOP`); its `old_*` twin is non-NULL only for
/// `IPDB_EVENT_CHANGE`.
#[repr(C)]
#[derive(Debug)]
pub struct ipdb_event {
    /// `IPDB_EVENT_ADD`, `IPDB_EVENT_CHANGE` or `IPDB_EVENT_DEL`.
    pub kind: u8,
    /// `IPDB_OBJECT_*`: which pointer below is set.
    pub object: u8,
    /// The link as it is now (for a deletion: as it was).
    pub link: *const ipdb_link,
    /// The link before a change.
    pub old_link: *const ipdb_link,
    /// The address.
    pub address: *const ipdb_address,
    /// The address before a change.
    pub old_address: *const ipdb_address,
    /// The route.
    pub route: *const ipdb_route,
    /// The route before a change.
    pub old_route: *const ipdb_route,
    /// The neighbour.
    pub neighbour: *const ipdb_neighbour,
    /// The neighbour before a change.
    pub old_neighbour: *const ipdb_neighbour,
    /// The rule.
    pub rule: *const ipdb_rule,
    /// The rule before a change.
    pub old_rule: *const ipdb_rule,
}

/// A callback: gets each event and the `userdata` given at registration.
/// It must not unwind (C++ exceptions, `longjmp` out) and must not call
/// `ipdb_db_close` or `ipdb_txn_*` on its database.
pub type ipdb_event_cb =
    Option<unsafe extern "C" fn(event: *const ipdb_event, userdata: *mut c_void)>;

/// The C records of one object, on the stack during a callback.
#[derive(Default)]
struct Records {
    link: Option<ipdb_link>,
    address: Option<ipdb_address>,
    route: Option<ipdb_route>,
    neighbour: Option<ipdb_neighbour>,
    rule: Option<ipdb_rule>,
}

impl Records {
    fn of(o: Option<&Object>) -> Records {
        let mut r = Records::default();
        match o {
            Some(Object::Link(l)) => r.link = Some(l.into()),
            Some(Object::Address(a)) => r.address = Some(a.into()),
            Some(Object::Route(x)) => r.route = Some(x.into()),
            Some(Object::Neighbour(n)) => r.neighbour = Some(n.into()),
            Some(Object::Rule(x)) => r.rule = Some(x.into()),
            Some(Object::Nexthop(_)) | None => {}
        }
        r
    }
}

fn ptr_of<T>(o: &Option<T>) -> *const T {
    o.as_ref().map_or(ptr::null(), |v| v as *const T)
}

fn object_code(o: &Object) -> u8 {
    match o {
        Object::Link(_) => IPDB_OBJECT_LINK,
        Object::Address(_) => IPDB_OBJECT_ADDRESS,
        Object::Route(_) => IPDB_OBJECT_ROUTE,
        Object::Neighbour(_) => IPDB_OBJECT_NEIGHBOUR,
        Object::Rule(_) => IPDB_OBJECT_RULE,
        Object::Nexthop(_) => IPDB_OBJECT_NEXTHOP,
    }
}

/// A C callback and its userdata, moved to the thread that calls it.
struct CCallback {
    cb: unsafe extern "C" fn(*const ipdb_event, *mut c_void),
    userdata: *mut c_void,
}

// SAFETY: the header tells the caller that the callback runs on the
// callback thread (or the thread calling ipdb_db_process) with this
// userdata; making that safe is the caller's part of the contract.
unsafe impl Send for CCallback {}

impl CCallback {
    fn call(&self, e: &Event) {
        let now = Records::of(Some(&e.object));
        let old = Records::of(e.old.as_ref());
        let ev = ipdb_event {
            kind: match e.kind {
                EventKind::Add => IPDB_EVENT_ADD,
                EventKind::Change => IPDB_EVENT_CHANGE,
                EventKind::Del => IPDB_EVENT_DEL,
            },
            object: object_code(&e.object),
            link: ptr_of(&now.link),
            old_link: ptr_of(&old.link),
            address: ptr_of(&now.address),
            old_address: ptr_of(&old.address),
            route: ptr_of(&now.route),
            old_route: ptr_of(&old.route),
            neighbour: ptr_of(&now.neighbour),
            old_neighbour: ptr_of(&old.neighbour),
            rule: ptr_of(&now.rule),
            old_rule: ptr_of(&old.rule),
        };
        // SAFETY: a C function pointer given to ipdb_db_register_callback;
        // `ev` and the records it points to live until it returns.
        unsafe { (self.cb)(&ev, self.userdata) }
    }
}

/// Registers `cb` to be called with every change the database applies
/// from now on, after the database holds it (a lookup from inside the
/// callback sees the change).
///
/// Which thread calls it: with the monitor thread (the default), the
/// database's callback thread, one event at a time, in order; with
/// `IPDB_OPEN_NO_THREAD`, the thread calling `ipdb_db_process`, inside
/// that call (or inside `ipdb_txn_review`/`ipdb_txn_commit`, which first
/// apply the events already queued). Several callbacks get each event in registration order.
/// `userdata` is passed through untouched: the caller keeps what it points
/// to alive (and safe to use from the calling thread) until
/// `ipdb_db_unregister_callback` returns or the database is closed. The
/// event is borrowed for the call only.
///
/// A callback may call any `ipdb_db_*` function on its database except
/// `ipdb_db_close`, and no `ipdb_txn_*` function on it (with
/// `IPDB_OPEN_NO_THREAD` that would wait for itself); it must not unwind
/// into the library.
///
/// - `out_id`: receives the id for `ipdb_db_unregister_callback`.
///
/// # Safety
/// `db` is a live handle; `cb` a valid function; `out_id` points to a
/// writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_register_callback(
    db: *const ipdb_db,
    cb: ipdb_event_cb,
    userdata: *mut c_void,
    out_id: *mut u64,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let cb = cb.ok_or(Failure::Null("cb"))?;
        let out_id = Out::new(out_id, "out_id")?;
        let c = CCallback { cb, userdata };
        let id = db.db.register_callback(move |e| c.call(e));
        out_id.write(db.callbacks.insert(id));
        Ok(())
    })
}

/// Unregisters a callback: it is not called after this returns, unless
/// it is running on the callback thread right now (that call finishes).
/// `IPDB_NO_VALUE` when no callback has that id (not registered, or
/// already unregistered).
///
/// # Safety
/// `db` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn ipdb_db_unregister_callback(db: *const ipdb_db, id: u64) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        match db.callbacks.remove(id) {
            Some(id) if db.db.unregister(id) => Ok(()),
            _ => Err(Failure::NoValue("no callback with that id")),
        }
    })
}

/// The C numbers of registered callbacks (the Rust id is opaque).
#[derive(Default)]
pub(crate) struct CallbackIds(Mutex<(u64, HashMap<u64, CallbackId>)>);

impl CallbackIds {
    fn insert(&self, id: CallbackId) -> u64 {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        g.0 += 1;
        let n = g.0;
        g.1.insert(n, id);
        n
    }

    fn remove(&self, n: u64) -> Option<CallbackId> {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        g.1.remove(&n)
    }
}
