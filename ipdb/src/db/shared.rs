//! What the handle, the monitor thread and the callback thread share: the
//! state behind its lock, the counters, the callback registry.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use super::event::Event;
use super::pre::{PreCallback, PreList};
use super::state::State;

/// A registered callback.
pub(crate) type Callback = Box<dyn FnMut(&Event) + Send>;

struct Registered {
    id: u64,
    /// Events of batches up to this one were applied before the callback
    /// was registered (the state it could read already had them).
    since: u64,
    f: Arc<Mutex<Callback>>,
}

/// Counters, readable at any time without a lock.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub overruns: AtomicU64,
    pub resyncs: AtomicU64,
    pub redumps: AtomicU64,
    pub inferred: AtomicU64,
    pub events: AtomicU64,
    pub messages: AtomicU64,
    pub callback_panics: AtomicU64,
    pub pre_panics: AtomicU64,
    pub pre_dropped: AtomicU64,
    pub ready_nanos: AtomicU64,
}

impl Counters {
    pub fn add(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }
}

/// A batch of events to deliver, applied as batch number `generation`.
pub(crate) struct Batch {
    pub generation: u64,
    pub events: Vec<Event>,
}

pub(crate) struct Shared {
    pub state: RwLock<State>,
    /// Batches applied so far; bumped under the state's write lock.
    pub generation: Mutex<u64>,
    pub applied: Condvar,
    pub counters: Counters,
    callbacks: Mutex<Vec<Registered>>,
    /// Pre callbacks, in order of registration.
    pre: Mutex<Vec<(u64, Arc<Mutex<PreCallback>>)>>,
    next_id: AtomicU64,
    /// Set when the monitor thread stopped on an error it cannot recover
    /// from (the socket failed); the text of that error.
    pub failure: Mutex<Option<String>>,
}

impl Shared {
    pub fn new(state: State) -> Shared {
        Shared {
            state: RwLock::new(state),
            generation: Mutex::new(0),
            applied: Condvar::new(),
            counters: Counters::default(),
            callbacks: Mutex::new(Vec::new()),
            pre: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
            failure: Mutex::new(None),
        }
    }

    pub fn has_callbacks(&self) -> bool {
        !lock(&self.callbacks).is_empty()
    }

    /// Registers `f` for the events of batches after `since`.
    pub fn register(&self, since: u64, f: Callback) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.callbacks).push(Registered {
            id,
            since,
            f: Arc::new(Mutex::new(f)),
        });
        id
    }

    /// Registers a pre callback, to run after those registered before.
    pub fn register_pre(&self, f: PreCallback) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.pre).push((id, Arc::new(Mutex::new(f))));
        id
    }

    /// The pre callbacks now registered (empty: nothing to run, the
    /// common case, which costs one uncontended lock per datagram).
    pub fn pre_list(&self) -> PreList {
        lock(&self.pre).iter().map(|(_, f)| f.clone()).collect()
    }

    /// Unregisters a callback of either kind.
    pub fn unregister(&self, id: u64) -> bool {
        let mut cbs = lock(&self.callbacks);
        let before = cbs.len();
        cbs.retain(|c| c.id != id);
        if cbs.len() != before {
            return true;
        }
        drop(cbs);
        let mut pre = lock(&self.pre);
        let before = pre.len();
        pre.retain(|(i, _)| *i != id);
        pre.len() != before
    }

    /// Runs every callback registered before `batch` on its events; a
    /// panicking callback is counted and the others go on.
    pub fn deliver(&self, batch: &Batch) {
        let targets: Vec<Arc<Mutex<Callback>>> = lock(&self.callbacks)
            .iter()
            .filter(|c| c.since < batch.generation)
            .map(|c| c.f.clone())
            .collect();
        for f in targets {
            let mut f = lock(&f);
            for ev in &batch.events {
                if catch_unwind(AssertUnwindSafe(|| (*f)(ev))).is_err() {
                    Counters::add(&self.counters.callback_panics, 1);
                }
            }
        }
    }

    /// Marks batch `generation` applied and wakes whoever waits for it.
    pub fn bump(&self) -> u64 {
        let mut g = lock(&self.generation);
        *g += 1;
        self.applied.notify_all();
        *g
    }

    pub fn generation(&self) -> u64 {
        *lock(&self.generation)
    }

    /// Waits up to `timeout` for a batch after `seen`; returns the newest.
    pub fn wait_after(&self, seen: u64, timeout: Duration) -> u64 {
        let g = lock(&self.generation);
        let (g, _) = self
            .applied
            .wait_timeout_while(g, timeout, |g| *g <= seen)
            .unwrap_or_else(|e| e.into_inner());
        *g
    }
}

/// Locks a mutex, going on with the data when a holder panicked (callbacks
/// run under `catch_unwind`, so a poisoned lock only means one was
/// interrupted; the data is still whole).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The callback thread: delivers batches in order until the channel closes.
pub(crate) fn callback_loop(shared: Arc<Shared>, rx: Receiver<Batch>) {
    while let Ok(batch) = rx.recv() {
        shared.deliver(&batch);
    }
}

/// Where applied batches go: to the callback thread, or (no implicit
/// thread) back to the caller of `process` to deliver itself.
pub(crate) enum Sink {
    Thread(Sender<Batch>),
    Caller(Vec<Batch>),
}
