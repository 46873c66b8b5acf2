//! Transactions on a database's namespace: begin, stage changes, review as
//! JSON, commit (all or nothing, rolled back and verified on failure) or
//! drop; commit hooks in C that may veto.
//!
//! The transactions of an `ipdb_db` share one manager with its own netlink
//! socket on the database's namespace, opened by the first
//! `ipdb_txn_begin`; calls on it are serialised by a lock, so a commit on
//! one thread makes other transaction calls wait. Reviews and commits plan
//! against the database's view, reading only the part the transaction
//! needs (a commit on a namespace of a million routes does not dump them),
//! after applying the events already queued (the kernel queues the
//! notifications of a change before it acks it, so the view includes every
//! earlier commit). Without a monitor thread (`IPDB_OPEN_NO_THREAD`) that
//! is what `ipdb_db_process` does, callbacks included: they may then run
//! inside `ipdb_txn_review`/`ipdb_txn_commit`, and must not call
//! `ipdb_txn_*` themselves. The rollback after a failure still verifies
//! against a fresh dump: that is the kernel's word.

use std::ffi::{c_char, c_int, c_void};
use std::fmt::Write as _;
use std::sync::MutexGuard;

use ipdb::ip::IpInterface;
use ipdb::spec::{RouteSpec, Verb};
use ipdb::txn::{Cause, Change, CommitError, LinkRef, Review, Transaction, TxnId, Txns};
use ipdb::{IpRoute, Ipdb};

use crate::boundary::{guard, input, input_str, Failure, Out, Outcome, TextOut};
use crate::db::{db_handle, ipdb_db};
use crate::records::IPDB_NAME_SIZE;
use crate::status::*;
use crate::types::{ipdb_addr, ipdb_iface, ipdb_net};

/// A route to add or delete in a transaction.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct ipdb_route_spec {
    /// Destination prefix (host bits must be clear).
    pub dst: ipdb_net,
    /// Gateway; `family` 0 for none.
    pub gateway: ipdb_addr,
    /// Table id; 0 for main (254).
    pub table: u32,
    /// Priority (metric); 0 for none.
    pub priority: u32,
    /// Output link by name (also a link the transaction creates),
    /// NUL-terminated; empty for none.
    pub dev: [c_char; IPDB_NAME_SIZE],
}

/// A commit hook: called with its `userdata` after every step of the
/// commit was acked by the kernel, on the thread calling `ipdb_txn_commit`,
/// inside that call. Return 0 to let the commit stand; any other value
/// vetoes it (everything is rolled back; `ipdb_txn_commit` returns
/// `IPDB_HOOK_VETO` and the last error names the hook and the value). It
/// must not unwind and must not call `ipdb_txn_*` on the same database.
pub type ipdb_hook_cb = Option<unsafe extern "C" fn(userdata: *mut c_void) -> c_int>;

/// The transaction manager of a database, made on first use.
pub(crate) fn manager<'a>(
    db: &'a ipdb_db,
) -> Result<MutexGuard<'a, Option<Txns<'static>>>, Failure> {
    let mut g = db.txns.lock().unwrap_or_else(|e| e.into_inner());
    if g.is_none() {
        let ipr = match db.db.netns_path() {
            Some(p) => IpRoute::open_in_netns(p)?,
            None => IpRoute::open()?,
        };
        *g = Some(Ipdb::shared_transactions_with(db.db.clone(), ipr));
    }
    Ok(g)
}

pub(crate) fn no_txn(id: u64) -> Failure {
    Failure::Status {
        status: IPDB_NO_TRANSACTION,
        message: format!("no open transaction with id {id}"),
    }
}

/// Runs `f` on the open transaction `id` of `db`.
pub(crate) fn with_txn(
    db: *const ipdb_db,
    id: u64,
    f: impl FnOnce(&mut Transaction) -> Outcome,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let mut g = manager(db)?;
        let t = g
            .as_mut()
            .and_then(|m| m.get(TxnId(id)))
            .ok_or_else(|| no_txn(id))?;
        f(t)
    })
}

/// Opens a transaction on the database's namespace; several may be open.
///
/// - `out_id`: receives its id for the other `ipdb_txn_*` calls.
///
/// The first call opens the transactions' netlink socket
/// (`IPDB_SYSTEM_ERROR` when that fails).
///
/// # Safety
/// `db` is a live handle; `out_id` points to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_begin(db: *const ipdb_db, out_id: *mut u64) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let out = Out::new(out_id, "out_id")?;
        let mut g = manager(db)?;
        let m = g.as_mut().expect("made by manager()");
        out.write(m.begin().0);
        Ok(())
    })
}

/// A link name argument (pointer, length), checked.
pub(crate) fn link_text<'a>(name: *const c_char, len: usize) -> Result<&'a str, Failure> {
    let n = input_str(name, len, "name")?;
    if n.is_empty() || n.len() >= IPDB_NAME_SIZE {
        return Err(Failure::Invalid {
            arg: "name",
            why: "a link name has 1 to 15 bytes",
        });
    }
    Ok(n)
}

/// A link name argument as a link reference.
pub(crate) fn link_name(name: *const c_char, len: usize) -> Result<LinkRef, Failure> {
    link_text(name, len).map(LinkRef::from)
}

/// Stages: set the MTU of link `name`.
///
/// # Safety
/// `db` is a live handle; `name` points to `name_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_link_set_mtu(
    db: *const ipdb_db,
    id: u64,
    name: *const c_char,
    name_len: usize,
    mtu: u32,
) -> c_int {
    with_txn(db, id, |t| {
        t.link(link_name(name, name_len)?).set_mtu(mtu);
        Ok(())
    })
}

/// Stages: set link `name` up (`up` true) or down.
///
/// # Safety
/// As `ipdb_txn_link_set_mtu`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_link_set_up(
    db: *const ipdb_db,
    id: u64,
    name: *const c_char,
    name_len: usize,
    up: bool,
) -> c_int {
    with_txn(db, id, |t| {
        let mut l = t.link(link_name(name, name_len)?);
        if up {
            l.up();
        } else {
            l.down();
        }
        Ok(())
    })
}

/// Stages: add (`add` true) or delete the address `iface` (e.g.
/// `10.0.0.1/24`) on link `name`.
///
/// # Safety
/// As `ipdb_txn_link_set_mtu`; `iface` points to an `ipdb_iface`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_link_ip(
    db: *const ipdb_db,
    id: u64,
    name: *const c_char,
    name_len: usize,
    add: bool,
    iface: *const ipdb_iface,
) -> c_int {
    with_txn(db, id, |t| {
        let link = link_name(name, name_len)?;
        let i: IpInterface = input(iface, "iface")?.check("iface")?;
        let mut l = t.link(link);
        if add {
            l.add_ip(i);
        } else {
            l.del_ip(i);
        }
        Ok(())
    })
}

/// Stages: add (`add` true) or delete a route. A deletion matches the
/// route by the fields given (destination, table, priority, gateway,
/// device).
///
/// # Safety
/// `db` is a live handle; `spec` points to an `ipdb_route_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_route(
    db: *const ipdb_db,
    id: u64,
    add: bool,
    spec: *const ipdb_route_spec,
) -> c_int {
    with_txn(db, id, |t| {
        let (r, dev) = route_spec(input(spec, "spec")?)?;
        t.push(Change::Route {
            verb: if add { Verb::Add } else { Verb::Del },
            dev: dev.map(LinkRef::from),
            spec: r,
            hops: Vec::new(),
        });
        Ok(())
    })
}

/// The Rust route spec of a C one, and its output link's name (`spec.oif`
/// is left for the caller to resolve).
pub(crate) fn route_spec(s: &ipdb_route_spec) -> Result<(RouteSpec, Option<&str>), Failure> {
    let mut r = RouteSpec::new(s.dst.check("spec.dst")?);
    if s.gateway.family != 0 {
        r.gateway = Some(s.gateway.check("spec.gateway")?.into());
    }
    r.table = (s.table != 0).then_some(s.table);
    r.priority = (s.priority != 0).then_some(s.priority);
    let dev_len = s.dev.iter().position(|&c| c == 0).ok_or(Failure::Invalid {
        arg: "spec.dev",
        why: "no NUL terminator",
    })?;
    let dev = match dev_len {
        0 => None,
        n => Some(link_text(s.dev.as_ptr(), n)?),
    };
    Ok((r, dev))
}

/// A C hook and its userdata, moved into the transaction.
struct CHook {
    cb: unsafe extern "C" fn(*mut c_void) -> c_int,
    userdata: *mut c_void,
}

// SAFETY: the hook runs on the thread that calls ipdb_txn_commit (the
// header says so); the userdata is the caller's to make safe there.
unsafe impl Send for CHook {}

impl CHook {
    fn call(&self) -> Result<(), String> {
        // SAFETY: a C function given to ipdb_txn_add_hook, with its userdata.
        match unsafe { (self.cb)(self.userdata) } {
            0 => Ok(()),
            v => Err(format!("returned {v}")),
        }
    }
}

/// Adds a commit hook named `name` (for the error text) to the
/// transaction; hooks run in the order added. See `ipdb_hook_cb`.
/// `userdata` must stay valid until the transaction is committed or dropped.
///
/// # Safety
/// `db` is a live handle; `name` points to `name_len` bytes; `cb` is a
/// valid function.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_add_hook(
    db: *const ipdb_db,
    id: u64,
    name: *const c_char,
    name_len: usize,
    cb: ipdb_hook_cb,
    userdata: *mut c_void,
) -> c_int {
    with_txn(db, id, |t| {
        let name = input_str(name, name_len, "name")?;
        let cb = cb.ok_or(Failure::Null("cb"))?;
        let h = CHook { cb, userdata };
        t.hook(name, move |_| h.call());
        Ok(())
    })
}

/// Writes what transaction `id` would change, against the namespace as it
/// is now, as JSON text into `buf`:
/// `{"links":[{"name":…,"created":kind|null,"removed":bool,
/// "fields":[{"field":…,"old":…|null,"new":…}],"add_ip":[…],"del_ip":[…],
/// "add_ports":[…],"del_ports":[…]}],"routes":{"added":[…],
/// "changed":[[old,new]],"removed":[…]},"neighbours":{…},"rules":{…}}`
/// (objects in `ip(8)` words).
///
/// - `buf`, `len`, `out_len`: as every text result (`IPDB_BUFFER_TOO_SMALL`
///   reports the length needed without the NUL).
///
/// # Safety
/// `db` is a live handle; `buf` points to `len` writable bytes; `out_len`
/// to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_review(
    db: *const ipdb_db,
    id: u64,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let out = TextOut::new(buf, len, out_len, "buf")?;
        let mut g = manager(db)?;
        let m = g.as_mut().expect("made by manager()");
        if m.get(TxnId(id)).is_none() {
            return Err(no_txn(id));
        }
        let review = m.review(TxnId(id)).map_err(commit_failure)?;
        out.write(&review_json(&review))
    })
}

/// Commits transaction `id` and closes it: every change or none. On
/// failure everything applied is undone newest first and the namespace is
/// read back and compared with the state before.
///
/// Returns `IPDB_OK`; `IPDB_COMMIT_FAILED` (a step refused: the last error
/// has the step, the kernel's errno and extended-ack text; rolled back and
/// verified), `IPDB_HOOK_VETO` (rolled back and verified),
/// `IPDB_ROLLBACK_INCOMPLETE` (the last error lists what could not be
/// restored), `IPDB_NO_TRANSACTION`. Hooks run on this thread.
///
/// - `out_applied`: optional; receives how many steps the kernel acked
///   (on success: all of them).
///
/// # Safety
/// `db` is a live handle; `out_applied` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_commit(
    db: *const ipdb_db,
    id: u64,
    out_applied: *mut usize,
) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let mut g = manager(db)?;
        let m = g.as_mut().expect("made by manager()");
        if m.get(TxnId(id)).is_none() {
            return Err(no_txn(id));
        }
        let report = m.commit(TxnId(id)).map_err(commit_failure)?;
        if let Ok(out) = Out::new(out_applied, "out_applied") {
            out.write(report.applied);
        }
        Ok(())
    })
}

/// Drops transaction `id` without sending anything.
/// `IPDB_NO_TRANSACTION` when it is not open.
///
/// # Safety
/// `db` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_drop(db: *const ipdb_db, id: u64) -> c_int {
    guard(|| {
        let db = db_handle(db)?;
        let mut g = manager(db)?;
        let m = g.as_mut().expect("made by manager()");
        if m.drop(TxnId(id)) {
            Ok(())
        } else {
            Err(no_txn(id))
        }
    })
}

/// The status and message of a failed commit or review.
pub(crate) fn commit_failure(e: CommitError) -> Failure {
    let status = if !e.rolled_back_cleanly() {
        IPDB_ROLLBACK_INCOMPLETE
    } else if matches!(*e.cause, Cause::Hook { .. }) {
        IPDB_HOOK_VETO
    } else {
        IPDB_COMMIT_FAILED
    };
    Failure::Status {
        status,
        message: e.to_string(),
    }
}

/// `s` as a JSON string literal.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_list<T: ToString>(out: &mut String, items: &[T]) {
    out.push('[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_str(out, &x.to_string());
    }
    out.push(']');
}

fn review_json(r: &Review) -> String {
    let mut o = String::from("{\"links\":[");
    for (i, l) in r.links.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str("{\"name\":");
        json_str(&mut o, &l.name);
        o.push_str(",\"created\":");
        match &l.created {
            Some(k) => json_str(&mut o, k),
            None => o.push_str("null"),
        }
        let _ = write!(o, ",\"removed\":{},\"fields\":[", l.removed);
        for (j, f) in l.fields.iter().enumerate() {
            if j > 0 {
                o.push(',');
            }
            o.push_str("{\"field\":");
            json_str(&mut o, f.field);
            o.push_str(",\"old\":");
            match &f.old {
                Some(v) => json_str(&mut o, v),
                None => o.push_str("null"),
            }
            o.push_str(",\"new\":");
            json_str(&mut o, &f.new);
            o.push('}');
        }
        o.push_str("],\"add_ip\":");
        json_list(&mut o, &l.add_ip);
        o.push_str(",\"del_ip\":");
        json_list(&mut o, &l.del_ip);
        o.push_str(",\"add_ports\":");
        json_list(&mut o, &l.add_ports);
        o.push_str(",\"del_ports\":");
        json_list(&mut o, &l.del_ports);
        o.push('}');
    }
    o.push(']');
    for (key, x) in [
        ("routes", &r.routes),
        ("neighbours", &r.neighbours),
        ("rules", &r.rules),
    ] {
        let _ = write!(o, ",\"{key}\":{{\"added\":");
        json_list(&mut o, &x.added);
        o.push_str(",\"changed\":[");
        for (j, (old, new)) in x.changed.iter().enumerate() {
            if j > 0 {
                o.push(',');
            }
            o.push('[');
            json_str(&mut o, old);
            o.push(',');
            json_str(&mut o, new);
            o.push(']');
        }
        o.push_str("],\"removed\":");
        json_list(&mut o, &x.removed);
        o.push('}');
    }
    o.push('}');
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipdb::txn::{FieldChange, LinkReview, ObjectReview};

    #[test]
    fn review_json_escapes_and_nests() {
        let r = Review {
            links: vec![LinkReview {
                name: "a\"b".into(),
                created: None,
                removed: false,
                fields: vec![FieldChange {
                    field: "mtu",
                    old: Some("1500".into()),
                    new: "1400".into(),
                }],
                add_ip: vec!["10.0.0.1/24".parse().unwrap()],
                ..LinkReview::default()
            }],
            routes: ObjectReview {
                added: vec!["10.9.0.0/16 dev x".into()],
                changed: vec![("a".into(), "b\n".into())],
                removed: vec![],
            },
            ..Review::default()
        };
        assert_eq!(
            review_json(&r),
            concat!(
                r#"{"links":[{"name":"a\"b","created":null,"removed":false,"#,
                r#""fields":[{"field":"mtu","old":"1500","new":"1400"}],"#,
                r#""add_ip":["10.0.0.1/24"],"del_ip":[],"add_ports":[],"del_ports":[]}],"#,
                r#""routes":{"added":["10.9.0.0/16 dev x"],"changed":[["a","b\n"]],"removed":[]},"#,
                r#""neighbours":{"added":[],"changed":[],"removed":[]},"#,
                r#""rules":{"added":[],"changed":[],"removed":[]}}"#
            )
        );
    }
}
