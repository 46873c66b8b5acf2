//! Pre callbacks: code that sees each decoded kernel message before the
//! database applies it, and may rewrite the record or drop the message.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use ipdb_core::wire::route::{NextHop, RouteRepr, RtHeader, Via};
use ipdb_core::wire::uapi::{NLM_F_APPEND, NLM_F_REPLACE, RTM_NEWROUTE, RT_TABLE_COMPAT};
use ipdb_core::wire::{Message, MessageBuilder, RtnlMessage};

use super::event::Object;
use super::shared::lock;
use super::state::Change;
use crate::records::Route;

/// Whether an incoming message adds/updates or deletes its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncomingKind {
    /// An `RTM_NEW*` message (or a record of a re-dump).
    New,
    /// An `RTM_DEL*` message.
    Del,
}

/// A decoded kernel message on its way into the database, as a pre
/// callback ([`Ipdb::register_pre_callback`](super::Ipdb::register_pre_callback))
/// sees it. Changing [`Incoming::object`] changes what the database
/// stores (or, for a deletion, what it looks for to delete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// New/updated, or deleted.
    pub kind: IncomingKind,
    /// The object the message is about.
    pub object: Object,
    /// `NLM_F_REPLACE` of an `RTM_NEW*` message.
    pub replace: bool,
    /// `NLM_F_APPEND` of an `RTM_NEW*` message.
    pub append: bool,
}

/// What a pre callback decides about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PreAction {
    /// Apply it (as the callbacks left it).
    Keep,
    /// Leave it out: the database does not change, no event follows, and
    /// later pre callbacks do not see it.
    Drop,
}

/// A registered pre callback.
pub(crate) type PreCallback = Box<dyn FnMut(&mut Incoming) -> PreAction + Send>;

/// The pre callbacks in order of registration, taken out of the registry
/// (so that a callback may register or unregister without deadlock).
pub(crate) type PreList = Vec<Arc<Mutex<PreCallback>>>;

/// What running the pre callbacks on one message came to.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PreOutcome {
    /// Callbacks that panicked (their edits were undone).
    pub panics: u64,
    /// Messages dropped.
    pub dropped: u64,
}

/// Runs `list` on `change`; returns the change to apply (`None`: dropped).
/// A callback that panics is counted and its edits are undone; the others
/// go on. A rewritten route is stored as a message re-encoded from the
/// record (the route's own `RTA_ENCAP` is kept; per-hop raw attributes
/// are not): a rewrite that does not encode back into an equal route is
/// undone and counted like a panic, for the database stores routes as
/// bytes and must be able to read them back.
pub(crate) fn run(list: &PreList, change: Change, out: &mut PreOutcome) -> Option<Change> {
    let (mut inc, raw) = match change {
        Change::New {
            object,
            replace,
            append,
            raw,
        } => (
            Incoming {
                kind: IncomingKind::New,
                object,
                replace,
                append,
            },
            raw,
        ),
        Change::Del(object) => (
            Incoming {
                kind: IncomingKind::Del,
                object,
                replace: false,
                append: false,
            },
            Vec::new(),
        ),
    };
    let original = inc.clone();
    for f in list {
        let before = inc.clone();
        let mut f = lock(f);
        match catch_unwind(AssertUnwindSafe(|| (*f)(&mut inc))) {
            Ok(PreAction::Keep) => {}
            Ok(PreAction::Drop) => {
                out.dropped += 1;
                return None;
            }
            Err(_) => {
                out.panics += 1;
                inc = before;
            }
        }
    }
    Some(match inc.kind {
        IncomingKind::Del => Change::Del(inc.object),
        IncomingKind::New => {
            let raw = match &inc.object {
                Object::Route(r) if inc.object != original.object || raw.is_empty() => {
                    match encode_route(r, &raw, inc.replace, inc.append) {
                        Some(bytes) => bytes,
                        None => {
                            out.panics += 1;
                            return Some(back(original, raw));
                        }
                    }
                }
                Object::Route(_) => raw,
                _ => Vec::new(),
            };
            Change::New {
                object: inc.object,
                replace: inc.replace,
                append: inc.append,
                raw,
            }
        }
    })
}

/// The change `inc` stands for, with its original bytes.
fn back(inc: Incoming, raw: Vec<u8>) -> Change {
    match inc.kind {
        IncomingKind::Del => Change::Del(inc.object),
        IncomingKind::New => Change::New {
            object: inc.object,
            replace: inc.replace,
            append: inc.append,
            raw,
        },
    }
}

/// `r` as an `RTM_NEWROUTE` message, carrying over the `RTA_ENCAP` of
/// `like` (the message it came from, if any); `None` when the result does
/// not decode back to `r` (a prefix of the wrong family, ...).
fn encode_route(r: &Route, like: &[u8], replace: bool, append: bool) -> Option<Vec<u8>> {
    let old = Message::parse(like).ok();
    let old = old.as_ref().and_then(route_repr);
    let hops: Vec<NextHop<'_>> = r
        .multipath
        .iter()
        .map(|h| NextHop {
            flags: h.flags,
            hops: h.weight.saturating_sub(1).min(255) as u8,
            ifindex: h.oif as i32,
            gateway: h.gateway.map(Into::into),
            via: h.via.map(|v| Via(v.into())),
            flow: h.realm,
            ..NextHop::default()
        })
        .collect();
    let mut repr = RouteRepr {
        header: RtHeader {
            family: r.family,
            dst_len: r.dst.prefixlen(),
            src_len: r.src.as_ref().map_or(0, |s| s.prefixlen()),
            tos: r.tos,
            table: u8::try_from(r.table).unwrap_or(RT_TABLE_COMPAT as u8),
            protocol: r.protocol,
            scope: r.scope,
            route_type: r.kind,
            flags: r.flags,
        },
        metrics: r.metrics.as_deref().copied(),
        multipath: (!hops.is_empty()).then_some(ipdb_core::wire::route::Multipath::Hops(&hops)),
        encap: old.and_then(|o| o.encap),
        ..RouteRepr::default()
    };
    let a = &mut repr.attrs;
    a.dst = (r.dst.prefixlen() > 0).then(|| r.dst.network_address().into());
    a.src = r.src.as_ref().map(|s| s.network_address().into());
    a.table = Some(r.table);
    a.gateway = r.gateway.map(Into::into);
    a.via = r.via.map(|v| Via(v.into()));
    a.oif = r.oif;
    a.iif = r.iif;
    a.priority = r.priority;
    a.prefsrc = r.prefsrc.map(Into::into);
    a.pref = r.pref;
    a.flow = r.realm;
    a.expires = r.expires;
    a.nh_id = r.nh_id;
    a.encap_type = r.encap_type;
    let mut buf = vec![0u8; repr.buffer_len() + 64];
    let mut flags = 0;
    if replace {
        flags |= NLM_F_REPLACE;
    }
    if append {
        flags |= NLM_F_APPEND;
    }
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWROUTE, flags, 0, 0).ok()?;
    repr.emit(&mut b).ok()?;
    let bytes = b.finish().ok()?.to_vec();
    let back = Message::parse(&bytes)
        .ok()
        .and_then(|m| Route::from_repr(&route_repr(&m)?))?;
    (back == *r).then_some(bytes)
}

/// The route a message carries, if it carries one.
fn route_repr<'a>(m: &Message<'a>) -> Option<RouteRepr<'a>> {
    match RtnlMessage::parse(m).ok()? {
        RtnlMessage::Route(r) => Some(r),
        _ => None,
    }
}
