//! [`Ipdb`]: a database of one network namespace's links, addresses,
//! routes, neighbours, rules and nexthop objects, kept equal to the
//! kernel's by listening to rtnetlink events.
//!
//! - [`Ipdb::open`] subscribes to the events first, then dumps everything,
//!   then applies the events that arrived during the dump: nothing that
//!   changes in between is lost, nothing is applied twice (events are
//!   upserts and deletions by identity).
//! - Readers on any thread see a consistent [`State`] through
//!   [`Ipdb::read`] or the cloning helpers ([`Ipdb::link_by_name`],
//!   [`Ipdb::lookup`], ...).
//! - Driving: by default a monitor thread applies events as they come;
//!   with [`OpenOptions::monitor_thread`]`(false)` there is no thread and
//!   the application polls [`Ipdb::as_raw_fd`] and calls
//!   [`Ipdb::process`].
//! - Callbacks ([`Ipdb::register_callback`]) run after the database
//!   applied a change, on a callback thread (or inside `process`).
//!   Pre callbacks ([`Ipdb::register_pre_callback`]) run before, on the
//!   ingesting thread, and may rewrite or drop what comes in.
//! - When the kernel drops events (receive queue overrun) the database
//!   re-dumps and emits the difference; [`Ipdb::reload`] does the same on
//!   request. Deletions the kernel does not announce (routes of a link
//!   that went down, of a removed address) are inferred and then checked
//!   by re-reading the affected routes.
//!
//! ```no_run
//! # fn main() -> Result<(), ipdb::Error> {
//! let db = ipdb::Ipdb::open()?;
//! if let Some(eth0) = db.interface_by_name("eth0") {
//!     println!("{} has {:?}", eth0.link.name, eth0.addresses);
//! }
//! let id = db.register_callback(|ev| println!("{} {}", ev.kind.as_str(), ev.object_kind().as_str()));
//! let via = db.read(|s| s.lookup(254, &"192.0.2.1".parse().unwrap()).map(|r| r.oif));
//! # let _ = (id, via);
//! # Ok(()) }
//! ```
//!
//! Concurrency: the state lives behind one `RwLock`. The ingesting side
//! decodes a datagram before taking the write lock and holds it only to
//! apply that datagram's messages (microseconds); a resync dumps and
//! compares under no lock or the read lock, and takes the write lock only
//! to swap the fresh parts in. Readers therefore never see half of a
//! kernel message applied, and never wait long. Snapshots by `Arc` swap
//! were the alternative; they cost a copy of the whole state per batch (or
//! a persistent structure), which a million routes make too dear.

mod arena;
mod event;
mod flat_map;
mod parts;
mod pre;
mod prefix_map;
mod query;
mod routes;
mod shared;
mod state;
mod sync;

/// The deterministic xorshift64 stream the database's law tests draw from.
#[cfg(test)]
pub(crate) fn test_rng(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLockReadGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ipdb_core::ip::{IpAddress, IpNetwork};

pub use event::{Event, EventKind, Object, ObjectKind};
pub use parts::Parts;
pub use pre::{Incoming, IncomingKind, PreAction};
pub use prefix_map::{PrefixBits, PrefixMap};
pub use query::{Interface, RouteSpec};
pub use routes::RouteRef;
pub use state::{same_content, State};
pub use sync::kept_neighbour;

use crate::error::{Error, ErrorKind, Object as ErrObject, Op};
use crate::records::{Address, Link, Neighbour, Nexthop, Route, Rule};
use shared::{lock, Shared, Sink};
use sync::Engine;

/// How to open an [`Ipdb`]: `Ipdb::options().netns(path).open()`.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    netns: Option<PathBuf>,
    ignore_tables: Vec<u32>,
    recv_buffer: Option<usize>,
    monitor_thread: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            netns: None,
            ignore_tables: Vec::new(),
            recv_buffer: Some(DEFAULT_RECV_BUFFER),
            monitor_thread: true,
        }
    }
}

/// Receive buffer of the event socket unless told otherwise: large enough
/// that bursts of a few tens of thousands of events do not overrun.
pub const DEFAULT_RECV_BUFFER: usize = 8 << 20;

impl OpenOptions {
    /// Options with the defaults: this namespace, every table, an 8 MiB
    /// event receive buffer, a monitor thread.
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Watch the network namespace of the namespace file at `path`
    /// (`/run/netns/NAME`, `/proc/PID/ns/net`).
    pub fn netns(mut self, path: impl AsRef<Path>) -> Self {
        self.netns = Some(path.as_ref().to_path_buf());
        self
    }

    /// Do not keep the routes of these tables (IPDB's `ignore_rtables`),
    /// e.g. `[255]` to leave out the local table.
    pub fn ignore_tables(mut self, tables: impl IntoIterator<Item = u32>) -> Self {
        self.ignore_tables = tables.into_iter().collect();
        self
    }

    /// Receive buffer size of the event socket in bytes (`None`: the
    /// system default). Too small a buffer overruns under bursts; the
    /// database heals by re-dumping, at a cost.
    pub fn recv_buffer(mut self, bytes: Option<usize>) -> Self {
        self.recv_buffer = bytes;
        self
    }

    /// `true` (default): a monitor thread applies events as they come.
    /// `false`: no thread; poll [`Ipdb::as_raw_fd`] and call
    /// [`Ipdb::process`] (callbacks then run inside `process`).
    pub fn monitor_thread(mut self, on: bool) -> Self {
        self.monitor_thread = on;
        self
    }

    /// Opens the database.
    pub fn open(self) -> Result<Ipdb, Error> {
        Ipdb::open_with(self)
    }
}

/// Figures about a database (see `ipdb stats`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Objects held, per kind.
    pub counts: Vec<(ObjectKind, usize)>,
    /// Routes held per `(table, family)`.
    pub routes: Vec<(u32, u8, usize)>,
    /// Time from `open` to a loaded database.
    pub ready: Duration,
    /// Approximate bytes held by records and indexes.
    pub approx_bytes: usize,
    /// Receive queue overruns (`ENOBUFS`), each healed by a resync.
    pub overruns: u64,
    /// Resyncs done (after overruns, by `reload`, or re-reads).
    pub resyncs: u64,
    /// Re-reads of parts that events cannot bring up to date.
    pub redumps: u64,
    /// Objects removed because the kernel removes them without an event.
    pub inferred_deletions: u64,
    /// Kernel messages applied.
    pub messages: u64,
    /// Events produced.
    pub events: u64,
    /// Callbacks that panicked (caught; the database went on).
    pub callback_panics: u64,
    /// Pre callbacks that panicked, or rewrote a route into one that could
    /// not be stored (caught; the message went in as it was before that
    /// callback ran).
    pub pre_callback_panics: u64,
    /// Messages and re-dumped records pre callbacks dropped.
    pub pre_dropped: u64,
}

/// Identifies a registered callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallbackId(u64);

struct Monitor {
    waker: UnixStream,
    thread: JoinHandle<()>,
}

/// A kernel-synchronised database of one network namespace.
///
/// Dropping it (or [`Ipdb::release`]) stops and joins its threads and
/// closes its sockets.
pub struct Ipdb {
    shared: Arc<Shared>,
    engine: Arc<Mutex<Engine>>,
    /// A duplicate of the event socket's fd, for callers' poll loops
    /// (the socket itself lives in the engine, behind its lock).
    fd: OwnedFd,
    monitor: Option<Monitor>,
    callbacks: Option<JoinHandle<()>>,
    /// The namespace file it was opened in (`None`: the caller's own).
    netns: Option<PathBuf>,
}

impl std::fmt::Debug for Ipdb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ipdb")
            .field("fd", &self.fd.as_raw_fd())
            .field("monitor_thread", &self.monitor.is_some())
            .finish_non_exhaustive()
    }
}

impl Ipdb {
    /// Opens a database of the caller's network namespace, with a monitor
    /// thread.
    pub fn open() -> Result<Ipdb, Error> {
        OpenOptions::new().open()
    }

    /// Opens a database of the namespace of the file at `path`.
    pub fn open_in_netns(path: impl AsRef<Path>) -> Result<Ipdb, Error> {
        OpenOptions::new().netns(path).open()
    }

    /// Options for [`OpenOptions::open`].
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    fn open_with(opts: OpenOptions) -> Result<Ipdb, Error> {
        let (sink, cb_rx) = if opts.monitor_thread {
            let (tx, rx) = mpsc::channel();
            (Sink::Thread(tx), Some(rx))
        } else {
            (Sink::Caller(Vec::new()), None)
        };
        let engine = Engine::open(&opts, sink)?;
        let netns = opts.netns.clone();
        let shared = engine.shared.clone();
        let spawn_err = |e: std::io::Error| {
            Error::new(
                Op::Open,
                ErrObject::Socket,
                ErrorKind::Transport(netlink_raw::Error::Io(e)),
            )
        };
        let fd = engine
            .events
            .as_fd()
            .try_clone_to_owned()
            .map_err(spawn_err)?;
        let engine = Arc::new(Mutex::new(engine));
        let mut db = Ipdb {
            shared,
            engine,
            fd,
            monitor: None,
            callbacks: None,
            netns,
        };
        if let Some(rx) = cb_rx {
            let shared = db.shared.clone();
            db.callbacks = Some(
                std::thread::Builder::new()
                    .name("ipdb-callbacks".into())
                    .spawn(move || shared::callback_loop(shared, rx))
                    .map_err(spawn_err)?,
            );
        }
        // The events that arrived during the dump.
        db.process()?;
        if opts.monitor_thread {
            let (waker, wake) = UnixStream::pair().map_err(spawn_err)?;
            let poll_fd = lock(&db.engine)
                .events
                .as_fd()
                .try_clone_to_owned()
                .map_err(spawn_err)?;
            let engine = db.engine.clone();
            let shared = db.shared.clone();
            let thread = std::thread::Builder::new()
                .name("ipdb-monitor".into())
                .spawn(move || monitor_loop(engine, shared, poll_fd, wake))
                .map_err(spawn_err)?;
            db.monitor = Some(Monitor { waker, thread });
        }
        Ok(db)
    }

    /// The namespace file this database was opened in (`None` for the
    /// caller's own namespace): where a change to it must be sent.
    pub fn netns_path(&self) -> Option<&Path> {
        self.netns.as_deref()
    }

    /// Runs `f` on the current state (under the read lock: keep it short;
    /// the monitor waits for it to apply the next change).
    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.state())
    }

    fn state(&self) -> RwLockReadGuard<'_, State> {
        self.shared.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The event socket's fd, for a poll/epoll loop when there is no
    /// monitor thread: when it is readable, call [`Ipdb::process`]
    /// (also through [`AsFd`]).
    pub fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Applies what the kernel has sent since the last call (without
    /// blocking) and runs the callbacks on it when there is no monitor
    /// thread. Returns how many kernel messages were applied. Reads a
    /// bounded number of datagrams per call: call again while
    /// [`Ipdb::has_more`] says so, then wait for the fd.
    pub fn process(&self) -> Result<usize, Error> {
        let (n, batches) = {
            let mut e = lock(&self.engine);
            let n = e.process()?;
            let batches = match &mut e.sink {
                Sink::Caller(v) => std::mem::take(v),
                Sink::Thread(_) => Vec::new(),
            };
            (n, batches)
        };
        for b in &batches {
            self.shared.deliver(b);
        }
        Ok(n)
    }

    /// Whether [`Ipdb::process`] should be called again without waiting for
    /// the fd: it stopped at its budget, or re-reads of parts the kernel
    /// changed silently are due (they run once the queue is empty).
    pub fn has_more(&self) -> bool {
        lock(&self.engine).has_more()
    }

    /// Re-dumps everything, emits the difference to the callbacks as
    /// events, and counts a resync (what an overrun triggers by itself).
    pub fn reload(&self) -> Result<(), Error> {
        let batches = {
            let mut e = lock(&self.engine);
            e.resync(Parts::ALL)?;
            match &mut e.sink {
                Sink::Caller(v) => std::mem::take(v),
                Sink::Thread(_) => Vec::new(),
            }
        };
        for b in &batches {
            self.shared.deliver(b);
        }
        Ok(())
    }

    /// Registers `f` to run on every event applied from now on. It runs
    /// on the callback thread (or inside [`Ipdb::process`] without a
    /// monitor thread), after the database holds the change. A panic in
    /// `f` is caught and counted ([`Stats::callback_panics`]).
    pub fn register_callback(&self, f: impl FnMut(&Event) + Send + 'static) -> CallbackId {
        self.register_with_snapshot(f, |_| ()).0
    }

    /// Registers `f` and, at the same instant, runs `snapshot` on the
    /// state: `f` gets exactly the events applied after what `snapshot`
    /// saw (a monitor's "initial state, then changes").
    pub fn register_with_snapshot<R>(
        &self,
        f: impl FnMut(&Event) + Send + 'static,
        snapshot: impl FnOnce(&State) -> R,
    ) -> (CallbackId, R) {
        let st = self.state();
        // The generation only moves under the write lock, which we keep out.
        let since = self.shared.generation();
        let id = self.shared.register(since, Box::new(f));
        let r = snapshot(&st);
        (CallbackId(id), r)
    }

    /// Registers `f` to see every kernel message before the database
    /// applies it (after those registered earlier): it may change
    /// [`Incoming::object`] (what gets stored, or what a deletion looks
    /// for) or return [`PreAction::Drop`] to leave the message out, in
    /// which case neither the state nor the (post) callbacks see it.
    ///
    /// The records of re-dumps (after an overrun, [`Ipdb::reload`], the
    /// re-reads of parts the kernel changes silently) go through `f` too,
    /// as [`IncomingKind::New`], so that a resync keeps out what `f` kept
    /// out. What was loaded before `f` was registered stays until a change
    /// or a re-dump of it comes by.
    ///
    /// `f` runs on the ingesting thread (the monitor thread, or the caller
    /// of [`Ipdb::process`]), before the write lock is taken: it may read
    /// the database, but it holds up every following change, so it must be
    /// quick. A panic in `f` is caught and counted
    /// ([`Stats::pre_callback_panics`]); the message then goes on as it was
    /// before `f` ran, and the database goes on.
    ///
    /// A rewritten route is stored as a message encoded from the record
    /// (the database keeps routes as kernel bytes); raw per-hop attributes
    /// (a hop's encapsulation) do not survive a rewrite.
    pub fn register_pre_callback(
        &self,
        f: impl FnMut(&mut Incoming) -> PreAction + Send + 'static,
    ) -> CallbackId {
        CallbackId(self.shared.register_pre(Box::new(f)))
    }

    /// Unregisters a callback or a pre callback; `false` if it was not
    /// registered.
    pub fn unregister(&self, id: CallbackId) -> bool {
        self.shared.unregister(id.0)
    }

    /// Waits until `pred` holds for the state, or `timeout` passes;
    /// returns whether it holds. Without a monitor thread, processes
    /// events while it waits.
    pub fn wait_for(&self, timeout: Duration, mut pred: impl FnMut(&State) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.shared.generation();
            if self.read(&mut pred) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let left = deadline - now;
            if self.monitor.is_some() {
                self.shared.wait_after(seen, left);
            } else {
                let ready = if self.has_more() {
                    Ok([true])
                } else {
                    netlink_raw::poll::wait_readable([self.fd.as_fd()], Some(left))
                };
                if ready.is_err() || self.process().is_err() {
                    return self.read(&mut pred);
                }
            }
        }
    }

    /// Why the monitor thread stopped, if it did (a socket error it could
    /// not recover from). The database then no longer follows the kernel.
    pub fn failure(&self) -> Option<String> {
        lock(&self.shared.failure).clone()
    }

    /// Counts, timings and counters.
    pub fn stats(&self) -> Stats {
        let c = &self.shared.counters;
        let get = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
        let (counts, routes, approx_bytes) = self.read(|s| {
            (
                ObjectKind::ALL.iter().map(|k| (*k, s.count(*k))).collect(),
                s.route_counts(),
                s.approx_bytes(),
            )
        });
        Stats {
            counts,
            routes,
            ready: Duration::from_nanos(get(&c.ready_nanos)),
            approx_bytes,
            overruns: get(&c.overruns),
            resyncs: get(&c.resyncs),
            redumps: get(&c.redumps),
            inferred_deletions: get(&c.inferred),
            messages: get(&c.messages),
            events: get(&c.events),
            callback_panics: get(&c.callback_panics),
            pre_callback_panics: get(&c.pre_panics),
            pre_dropped: get(&c.pre_dropped),
        }
    }

    /// The link with index `index`.
    pub fn link(&self, index: u32) -> Option<Link> {
        self.read(|s| s.link(index).cloned())
    }

    /// The link named `name`.
    pub fn link_by_name(&self, name: &str) -> Option<Link> {
        self.read(|s| s.link_by_name(name).cloned())
    }

    /// The link named `name` with its ports and addresses.
    pub fn interface_by_name(&self, name: &str) -> Option<Interface> {
        self.read(|s| s.interface_by_name(name))
    }

    /// The link `index` with its ports and addresses.
    pub fn interface(&self, index: u32) -> Option<Interface> {
        self.read(|s| s.interface(index))
    }

    /// Every link, by index.
    pub fn links(&self) -> Vec<Link> {
        let mut v: Vec<Link> = self.read(|s| s.links().cloned().collect());
        v.sort_by_key(|l| l.index);
        v
    }

    /// Every address.
    pub fn addresses(&self) -> Vec<Address> {
        self.read(|s| s.addresses().cloned().collect())
    }

    /// Every route of every kept table.
    pub fn routes(&self) -> Vec<Route> {
        self.read(|s| s.routes().collect())
    }

    /// The routes matching `spec`.
    pub fn routes_matching(&self, spec: &RouteSpec) -> Vec<Route> {
        self.read(|s| s.routes_matching(spec).collect())
    }

    /// The first (lowest priority) route to exactly `dst` in `table`.
    pub fn route(&self, table: u32, dst: &IpNetwork) -> Option<Route> {
        self.read(|s| s.route(table, dst))
    }

    /// The default route of `family` in `table`.
    pub fn default_route(&self, family: u8, table: u32) -> Option<Route> {
        self.read(|s| s.default_route(family, table))
    }

    /// Longest-prefix match of `addr` in `table` (see [`State::lookup`]).
    pub fn lookup(&self, table: u32, addr: &IpAddress) -> Option<Route> {
        self.read(|s| s.lookup(table, addr))
    }

    /// Every neighbour entry.
    pub fn neighbours(&self) -> Vec<Neighbour> {
        self.read(|s| s.neighbours().cloned().collect())
    }

    /// Every rule.
    pub fn rules(&self) -> Vec<Rule> {
        self.read(|s| s.rules().to_vec())
    }

    /// Every nexthop object.
    pub fn nexthops(&self) -> Vec<Nexthop> {
        self.read(|s| s.nexthops().cloned().collect())
    }

    /// Stops and joins the threads and closes the sockets (what dropping
    /// the handle does too).
    pub fn release(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(mut m) = self.monitor.take() {
            let _ = m.waker.write_all(&[1]);
            let _ = m.thread.join();
        }
        // Closing the channel ends the callback thread once it delivered
        // what was sent.
        lock(&self.engine).sink = Sink::Caller(Vec::new());
        if let Some(t) = self.callbacks.take() {
            let _ = t.join();
        }
    }
}

impl AsFd for Ipdb {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Ipdb {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl Drop for Ipdb {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The monitor thread: waits for events or the wake-up, processes.
fn monitor_loop(
    engine: Arc<Mutex<Engine>>,
    shared: Arc<Shared>,
    events: OwnedFd,
    mut wake: UnixStream,
) {
    loop {
        match netlink_raw::poll::wait_readable([events.as_fd(), wake.as_fd()], None) {
            Ok([_, true]) => {
                let _ = wake.read(&mut [0u8; 8]);
                return;
            }
            Ok([true, false]) => loop {
                // Until the queue is empty and the re-reads it asked for
                // are done: those would not make the fd readable again.
                let mut e = lock(&engine);
                if let Err(err) = e.process() {
                    *lock(&shared.failure) = Some(err.to_string());
                    return;
                }
                if !e.has_more() {
                    break;
                }
            },
            Ok([false, false]) => {}
            Err(e) => {
                *lock(&shared.failure) = Some(e.to_string());
                return;
            }
        }
    }
}
