//! The ingestion engine: the subscribed event socket, the dump socket,
//! the initial load, applying events, and resynchronising (after an
//! overrun, on request, or where the kernel changes state silently).

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use ipdb_core::wire::address::IfAddrHeader;
use ipdb_core::wire::link::IfInfoHeader;
use ipdb_core::wire::neighbour::NdHeader;
use ipdb_core::wire::nexthop::NhHeader;
use ipdb_core::wire::route::RtHeader;
use ipdb_core::wire::rule::FibRuleHeader;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::{self, Message, MessageBuilder, Messages, RtnlMessage};
use netlink_raw::{DumpEvent, DumpRun, Socket};

use super::event::{Event, Object};
use super::parts::Parts;
use super::pre::{self, PreList, PreOutcome};
use super::shared::{Batch, Counters, Shared, Sink};
use super::state::{Change, Effects, State};
use super::OpenOptions;
use crate::error::{Error, ErrorKind, Object as ErrObject, Op};
use crate::records::{Address, Link, Neighbour, Nexthop, Route, Rule};

/// The multicast groups the database listens to.
const GROUPS: [u32; 9] = [
    RTNLGRP_LINK,
    RTNLGRP_IPV4_IFADDR,
    RTNLGRP_IPV6_IFADDR,
    RTNLGRP_IPV4_ROUTE,
    RTNLGRP_IPV6_ROUTE,
    RTNLGRP_NEIGH,
    RTNLGRP_IPV4_RULE,
    RTNLGRP_IPV6_RULE,
    RTNLGRP_NEXTHOP,
];

/// Datagrams one [`Engine::process`] call reads at most, so that the
/// engine's lock is let go regularly during a storm (a `reload` or a
/// caller's `process` gets its turn) and a poll loop stays responsive.
const BUDGET: usize = 256;

fn is_ip(family: u8) -> bool {
    family == AF_INET || family == AF_INET6
}

/// Whether the database keeps a neighbour entry. Left out: the entries
/// the kernel makes by itself to send multicast and broadcast (`NUD_NOARP`
/// of type `RTN_MULTICAST`/`RTN_BROADCAST`, e.g. `ff02::16` once MLD
/// runs): they are computed, not learned, come and go without an event,
/// and so could never be kept equal to the kernel.
pub fn kept_neighbour(n: &Neighbour) -> bool {
    !(n.state == NUD_NOARP && (n.ntype == RTN_MULTICAST || n.ntype == RTN_BROADCAST))
}

/// Decodes one message into a change of the database, or `None` for what
/// the database does not keep (bridge port messages, routing-cache clones,
/// families other than IPv4/IPv6 where the dumps skip them too, requests).
/// The same filter serves dumps and events, so both see the same objects
/// as [`IpRoute`](crate::IpRoute)'s dumps.
pub(crate) fn decode(msg: &Message<'_>) -> Result<Option<Change>, wire::Error> {
    let new =
        match msg.kind() {
            RTM_NEWLINK | RTM_NEWADDR | RTM_NEWROUTE | RTM_NEWNEIGH | RTM_NEWRULE
            | RTM_NEWNEXTHOP => true,
            RTM_DELLINK | RTM_DELADDR | RTM_DELROUTE | RTM_DELNEIGH | RTM_DELRULE
            | RTM_DELNEXTHOP => false,
            _ => return Ok(None),
        };
    let object = match RtnlMessage::parse(msg)? {
        // AF_BRIDGE link messages describe bridge ports; a DELLINK of that
        // family means "no longer a port", not "link gone".
        RtnlMessage::Link(r) if r.header.family == AF_UNSPEC => Object::Link(Link::from(&r)),
        RtnlMessage::Address(r) if is_ip(r.header.family) => Object::Address(Address::from(&r)),
        RtnlMessage::Route(r) if is_ip(r.header.family) && r.header.flags & RTM_F_CLONED == 0 => {
            match Route::from_repr(&r) {
                Some(route) => Object::Route(route),
                None => return Ok(None),
            }
        }
        RtnlMessage::Neighbour(r) => {
            let n = Neighbour::from(&r);
            if !kept_neighbour(&n) {
                return Ok(None);
            }
            Object::Neighbour(n)
        }
        RtnlMessage::Rule(r) if is_ip(r.header.family) => Object::Rule(Rule::from(&r)),
        RtnlMessage::Nexthop(r) => Object::Nexthop(Nexthop::from(&r)),
        _ => return Ok(None),
    };
    let flags = msg.header().flags;
    Ok(Some(if new {
        let raw = match object {
            Object::Route(_) => msg.bytes().to_vec(),
            _ => Vec::new(),
        };
        Change::New {
            object,
            replace: flags & NLM_F_REPLACE != 0,
            append: flags & NLM_F_APPEND != 0,
            raw,
        }
    } else {
        Change::Del(object)
    }))
}

/// Writes a dump request's family header.
type Fill = Box<dyn Fn(&mut MessageBuilder<'_>) -> Result<(), wire::Error>>;

/// The dump request of one part.
fn requests(part: Parts) -> Vec<(u16, ErrObject, Fill)> {
    let route = |family: u8| -> Fill {
        Box::new(move |b| {
            RtHeader {
                family,
                ..RtHeader::default()
            }
            .append(b)
        })
    };
    let neigh = |family: u8| -> Fill {
        Box::new(move |b| {
            NdHeader {
                family,
                ..NdHeader::default()
            }
            .append(b)
        })
    };
    match part {
        Parts::LINKS => vec![(
            RTM_GETLINK,
            ErrObject::Link,
            Box::new(|b| IfInfoHeader::default().append(b)),
        )],
        Parts::ADDRESSES => vec![(
            RTM_GETADDR,
            ErrObject::Address,
            Box::new(|b| IfAddrHeader::default().append(b)),
        )],
        Parts::ROUTES4 => vec![(RTM_GETROUTE, ErrObject::Route, route(AF_INET))],
        Parts::ROUTES6 => vec![(RTM_GETROUTE, ErrObject::Route, route(AF_INET6))],
        Parts::NEIGHBOURS => vec![(RTM_GETNEIGH, ErrObject::Neighbour, neigh(AF_UNSPEC))],
        Parts::FDB => vec![(RTM_GETNEIGH, ErrObject::Neighbour, neigh(AF_BRIDGE))],
        Parts::RULES => vec![(
            RTM_GETRULE,
            ErrObject::Rule,
            Box::new(|b| FibRuleHeader::default().append(b)),
        )],
        Parts::NEXTHOPS => vec![(
            RTM_GETNEXTHOP,
            ErrObject::Nexthop,
            Box::new(|b| NhHeader::default().append(b)),
        )],
        _ => Vec::new(),
    }
}

/// Bytes of dump messages handed from the receiving thread to the
/// indexing thread at a time.
const PIPE_BATCH: usize = 64 << 10;

/// Batches the receiving thread may be ahead of the indexing one (8 MiB):
/// enough to cover the indexer's longest pause, a prefix map doubling
/// (10-15 ms at a million routes, while about 60 batches arrive), so that
/// the kernel's side of the dump never waits. At 16, the receiver spent
/// 16-20 ms of a million-route load blocked.
const PIPE_DEPTH: usize = 128;

/// A dump whose receiving (this thread, where the kernel does its half of
/// the work inside `recvmsg`) and indexing (a scoped thread) overlap, so
/// that on two cores a large route table is ready in about the time the
/// kernel takes to dump it.
fn pipelined_dump(
    sock: &mut Socket,
    req: &mut [u8],
    into: &mut State,
    part: Parts,
    ignore: &[u32],
) -> (
    Result<netlink_raw::DumpSummary, netlink_raw::Error>,
    Option<wire::Error>,
) {
    // `None` means "the dump restarted: forget what came".
    let (tx, rx) = std::sync::mpsc::sync_channel::<Option<Vec<u8>>>(PIPE_DEPTH);
    // Emptied batches go back to be filled again: fresh ones would cost a
    // page fault per 4 KiB on every batch.
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let indexer = scope.spawn(move || {
            let mut bad = None;
            for batch in rx {
                match batch {
                    None => {
                        into.take_part(&mut State::new(ignore), part);
                        bad = None;
                    }
                    Some(mut bytes) => {
                        for m in Messages::new(&bytes) {
                            if let Err(e) = m.and_then(|m| into.load_message(&m)) {
                                bad = bad.or(Some(e));
                            }
                        }
                        bytes.clear();
                        let _ = back_tx.send(bytes);
                    }
                }
            }
            bad
        });
        let mut buf = Vec::with_capacity(PIPE_BATCH);
        let r = sock.dump_runs(req, |run| match run {
            DumpRun::Messages(bytes) => {
                buf.extend_from_slice(bytes);
                // Runs end 4-aligned in the datagram (or at its end); keep
                // the next one aligned after a datagram that was not.
                buf.resize(buf.len().next_multiple_of(4), 0);
                if buf.len() >= PIPE_BATCH {
                    let empty = back_rx
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(PIPE_BATCH));
                    let full = core::mem::replace(&mut buf, empty);
                    let _ = tx.send(Some(full));
                }
            }
            DumpRun::Restart => {
                buf.clear();
                let _ = tx.send(None);
            }
        });
        if !buf.is_empty() {
            let _ = tx.send(Some(buf));
        }
        drop(tx);
        let bad = indexer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (r, bad)
    })
}

/// Owns the sockets; applies what they bring to the shared state.
pub(crate) struct Engine {
    pub events: Socket,
    requests: Socket,
    req: Vec<u8>,
    /// Parts to re-read once the event queue is drained.
    pending: Parts,
    /// The last `process` stopped at its budget, not at an empty queue.
    more: bool,
    ignore_tables: Vec<u32>,
    pub shared: Arc<Shared>,
    pub sink: Sink,
}

fn open_socket(netns: Option<&Path>) -> Result<Socket, Error> {
    let s = match netns {
        Some(p) => Socket::open_in_netns_path(p),
        None => Socket::open(),
    };
    s.map_err(|e| {
        let e = Error::transport(Op::Open, ErrObject::Socket, e);
        match netns {
            Some(p) => e.with_target(format!("in namespace {}", p.display())),
            None => e,
        }
    })
}

impl Engine {
    /// Subscribes, then dumps everything, so that no change is missed
    /// between the two: whatever happens during the dump waits on the
    /// event socket and is applied afterwards (events are upserts and
    /// deletions by identity, so one that the dump already reflects
    /// changes nothing).
    pub fn open(opts: &OpenOptions, sink: Sink) -> Result<Engine, Error> {
        let start = Instant::now();
        let netns = opts.netns.as_deref();
        let events = open_socket(netns)?;
        let sock_err = |e| Error::transport(Op::Open, ErrObject::Socket, e);
        if let Some(bytes) = opts.recv_buffer {
            events.set_recv_buffer_size(bytes).map_err(sock_err)?;
        }
        for g in GROUPS {
            // A kernel without nexthop objects has no such group.
            if let Err(e) = events.add_membership(g) {
                if g != RTNLGRP_NEXTHOP {
                    return Err(sock_err(e));
                }
            }
        }
        events.set_nonblocking(true).map_err(sock_err)?;
        let requests = open_socket(netns)?;
        let mut engine = Engine {
            events,
            requests,
            req: vec![0; 256],
            pending: Parts::NONE,
            more: false,
            ignore_tables: opts.ignore_tables.clone(),
            shared: Arc::new(Shared::new(State::new(&opts.ignore_tables))),
            sink,
        };
        let mut state = State::new(&engine.ignore_tables);
        for part in Parts::EACH {
            engine.dump_part(part, &mut state)?;
        }
        *engine
            .shared
            .state
            .write()
            .unwrap_or_else(|e| e.into_inner()) = state;
        engine
            .shared
            .counters
            .ready_nanos
            .store(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Ok(engine)
    }

    /// Dumps `part` into `into` (which holds nothing of that part yet).
    fn dump_part(&mut self, part: Parts, into: &mut State) -> Result<(), Error> {
        for (kind, what, fill) in requests(part) {
            let n = {
                let mut b = MessageBuilder::new(&mut self.req, kind, 0, 0, 0)
                    .map_err(|e| Error::new(Op::Dump, what, ErrorKind::Encode(e)))?;
                fill(&mut b).map_err(|e| Error::new(Op::Dump, what, ErrorKind::Encode(e)))?;
                b.finish()
                    .map_err(|e| Error::new(Op::Dump, what, ErrorKind::Encode(e)))?
                    .len()
            };
            let ignore = self.ignore_tables.clone();
            let pre = self.shared.pre_list();
            let (r, bad) = if !pre.is_empty() {
                // Every record goes through the pre callbacks, so that a
                // re-dump keeps out (or rewrites) what the events did.
                let mut bad = None;
                let mut outcome = PreOutcome::default();
                let r = self.requests.dump(&mut self.req[..n], |ev| match ev {
                    DumpEvent::Message(m) => {
                        let loaded = decode(&m).and_then(|c| match c {
                            Some(c) => match pre::run(&pre, c, &mut outcome) {
                                Some(c) => into.load_change(c),
                                None => Ok(()),
                            },
                            None => Ok(()),
                        });
                        if let Err(e) = loaded {
                            bad = bad.or(Some(e));
                        }
                    }
                    DumpEvent::Restart => {
                        into.take_part(&mut State::new(&ignore), part);
                        bad = None;
                    }
                });
                self.count_pre(outcome);
                (r, bad)
            } else if part == Parts::ROUTES4 || part == Parts::ROUTES6 {
                pipelined_dump(&mut self.requests, &mut self.req[..n], into, part, &ignore)
            } else {
                let mut bad = None;
                let r = self.requests.dump(&mut self.req[..n], |ev| match ev {
                    DumpEvent::Message(m) => {
                        if let Err(e) = into.load_message(&m) {
                            bad = bad.or(Some(e));
                        }
                    }
                    DumpEvent::Restart => {
                        into.take_part(&mut State::new(&ignore), part);
                        bad = None;
                    }
                });
                (r, bad)
            };
            into.finish_load();
            match r {
                Ok(_) => {}
                // No nexthop objects in this kernel: there are none.
                Err(netlink_raw::Error::Kernel(k))
                    if part == Parts::NEXTHOPS
                        && [libc::EOPNOTSUPP, libc::EINVAL, libc::EAFNOSUPPORT]
                            .contains(&k.errno) => {}
                Err(e) => return Err(Error::transport(Op::Dump, what, e)),
            }
            if let Some(e) = bad {
                return Err(Error::new(Op::Dump, what, ErrorKind::Decode(e)));
            }
        }
        Ok(())
    }

    /// Reads what is queued on the event socket (at most [`BUDGET`]
    /// datagrams) and applies it; resynchronises after an overrun; re-reads
    /// the parts events cannot bring up to date once the queue is empty.
    /// Returns how many messages were applied.
    pub fn process(&mut self) -> Result<usize, Error> {
        let mut applied = 0;
        let mut drained = false;
        for _ in 0..BUDGET {
            let changes = match self.events.recv() {
                Ok(datagram) => {
                    let mut changes = Vec::new();
                    for m in Messages::new(datagram) {
                        match m.and_then(|m| decode(&m)) {
                            Ok(Some(c)) => changes.push(c),
                            Ok(None) => {}
                            // A message we cannot read is a change we
                            // cannot apply: re-read everything.
                            Err(_) => self.pending = Parts::ALL,
                        }
                    }
                    changes
                }
                Err(e) if e.is_would_block() => {
                    drained = true;
                    break;
                }
                Err(netlink_raw::Error::Overrun) => {
                    Counters::add(&self.shared.counters.overruns, 1);
                    self.resync(Parts::ALL)?;
                    continue;
                }
                Err(e) => return Err(Error::transport(Op::Dump, ErrObject::Socket, e)),
            };
            let changes = self.run_pre(changes);
            applied += changes.len();
            self.apply(changes);
        }
        self.more = !drained;
        if drained && !self.pending.is_empty() {
            let parts = core::mem::take(&mut self.pending);
            Counters::add(&self.shared.counters.redumps, 1);
            self.resync(parts)?;
        }
        Ok(applied)
    }

    /// Passes `changes` through the pre callbacks, if any.
    fn run_pre(&self, changes: Vec<Change>) -> Vec<Change> {
        let list: PreList = self.shared.pre_list();
        if list.is_empty() || changes.is_empty() {
            return changes;
        }
        let mut outcome = PreOutcome::default();
        let kept = changes
            .into_iter()
            .filter_map(|c| pre::run(&list, c, &mut outcome))
            .collect();
        self.count_pre(outcome);
        kept
    }

    fn count_pre(&self, o: PreOutcome) {
        Counters::add(&self.shared.counters.pre_panics, o.panics);
        Counters::add(&self.shared.counters.pre_dropped, o.dropped);
    }

    /// Whether `process` has work left without new input: it stopped at
    /// its budget, or re-reads wait for the queue to drain.
    pub fn has_more(&self) -> bool {
        self.more || !self.pending.is_empty()
    }

    /// Bumps the generation and hands the events on; called with the
    /// state's write lock held (the guard is passed to prove it).
    fn publish(&mut self, _held: &mut State, events: Vec<Event>) {
        let generation = self.shared.bump();
        Counters::add(&self.shared.counters.events, events.len() as u64);
        if events.is_empty() || !self.shared.has_callbacks() {
            return;
        }
        let batch = Batch { generation, events };
        match &mut self.sink {
            Sink::Thread(tx) => {
                let _ = tx.send(batch);
            }
            Sink::Caller(v) => v.push(batch),
        }
    }

    fn apply(&mut self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        let n = changes.len() as u64;
        let mut events = Vec::new();
        let mut fx = Effects::default();
        let shared = self.shared.clone();
        let mut st = shared.state.write().unwrap_or_else(|e| e.into_inner());
        for c in changes {
            st.apply(c, &mut events, &mut fx);
        }
        // Published under the write lock: a callback registered under the
        // read lock sees either the state before this batch and gets its
        // events, or the state after and does not.
        self.publish(&mut st, events);
        drop(st);
        Counters::add(&self.shared.counters.messages, n);
        Counters::add(&self.shared.counters.inferred, fx.inferred);
        self.pending |= fx.redump;
    }

    /// Reads and discards everything queued on the event socket.
    fn drain(&mut self) -> Result<(), Error> {
        loop {
            match self.events.recv() {
                Ok(_) | Err(netlink_raw::Error::Overrun) => {}
                Err(e) if e.is_would_block() => return Ok(()),
                Err(e) => return Err(Error::transport(Op::Dump, ErrObject::Socket, e)),
            }
        }
    }

    /// Re-dumps `parts`, turns the difference with what the database holds
    /// into events, and puts the fresh parts in place. Readers keep reading
    /// while the dump and the comparison run; the write lock is held only
    /// for the swap.
    pub fn resync(&mut self, parts: Parts) -> Result<(), Error> {
        if parts == Parts::ALL {
            // After an overrun the kernel reports the next drop only once
            // the queue has been emptied (NETLINK_S_CONGESTED): drops during
            // the dump would go unreported. Empty it first; the dump that
            // follows holds everything the discarded events said.
            self.drain()?;
        }
        let mut fresh = State::new(&self.ignore_tables);
        for part in Parts::EACH {
            if parts.contains(part) {
                if let Err(e) = self.dump_part(part, &mut fresh) {
                    if matches!(
                        e.kind,
                        ErrorKind::Transport(netlink_raw::Error::DumpInterrupted { .. })
                    ) {
                        // Too busy to get a consistent dump now; try again
                        // once the queue is drained.
                        self.pending |= parts;
                        return Ok(());
                    }
                    return Err(e);
                }
            }
        }
        let mut events = Vec::new();
        let shared = self.shared.clone();
        shared
            .state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .diff_part(&fresh, parts, &mut events);
        let mut st = shared.state.write().unwrap_or_else(|e| e.into_inner());
        st.take_part(&mut fresh, parts);
        self.publish(&mut st, events);
        drop(st);
        // What covers everything covers what was pending.
        self.pending = self.pending.without(parts);
        Counters::add(&self.shared.counters.resyncs, 1);
        // `fresh` now holds the old parts; they are freed here, outside
        // the lock.
        drop(fresh);
        Ok(())
    }
}
