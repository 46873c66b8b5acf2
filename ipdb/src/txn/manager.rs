//! [`Txns`]: open transactions by id, the commit mode (IPDB's `direct`,
//! `implicit`, `explicit`, `snapshot`), the scope guard, and commits with
//! automatic revert.
//!
//! The manager reads the state before a commit through a *source*: a
//! fresh [`IpRoute`] dump by default ([`Txns::new`]), or the database's
//! view ([`Txns::with_source`]; `Ipdb::transactions` sets that up). It
//! sends through its own [`IpRoute`].

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::change::Transaction;
use super::commit::{self, Applied, CommitOptions, Report};
use super::error::{Cause, CommitError};
use super::review::Review;
use super::snapshot::Snapshot;
use crate::error::{Error, ErrorKind, Object, Op};
use crate::iproute::IpRoute;

/// When changes reach the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every change is committed at once (a transaction of one change).
    Direct,
    /// The first change opens a transaction; [`Txns::commit`] sends it.
    #[default]
    Implicit,
    /// Changes need a transaction opened with [`Txns::begin`].
    Explicit,
    /// Nothing ever goes to the kernel: commits are planned and reviewed only.
    Snapshot,
}

/// The id of an open transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxnId(pub u64);

/// Reads the state a transaction is planned (and reviewed) against: all
/// of it, or the part the transaction needs ([`Snapshot::of_db_for`]).
pub type Source<'a> =
    Box<dyn FnMut(&mut IpRoute, &Transaction) -> Result<Snapshot, Error> + Send + 'a>;

/// Open transactions and how they are committed.
pub struct Txns<'a> {
    ipr: IpRoute,
    source: Source<'a>,
    mode: Mode,
    options: CommitOptions,
    open: BTreeMap<TxnId, Transaction>,
    next: u64,
}

impl std::fmt::Debug for Txns<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Txns")
            .field("mode", &self.mode)
            .field("open", &self.open.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn no_txn(why: &'static str) -> CommitError {
    CommitError::before_sending(Cause::Plan(Error::new(
        Op::Set,
        Object::Link,
        ErrorKind::InvalidArgument(why),
    )))
}

impl Txns<'static> {
    /// Transactions sent through `ipr`, planned against fresh dumps of its
    /// namespace.
    pub fn new(ipr: IpRoute) -> Txns<'static> {
        Txns::with_source(ipr, Box::new(|ipr, _| Snapshot::read(ipr)))
    }
}

impl<'a> Txns<'a> {
    /// Transactions sent through `ipr`, planned against what `source` reads.
    pub fn with_source(ipr: IpRoute, source: Source<'a>) -> Txns<'a> {
        Txns {
            ipr,
            source,
            mode: Mode::default(),
            options: CommitOptions::default(),
            open: BTreeMap::new(),
            next: 1,
        }
    }

    /// The commit mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Sets the commit mode.
    pub fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
    }

    /// The commit options (partial mode, timeouts, verification).
    pub fn options_mut(&mut self) -> &mut CommitOptions {
        &mut self.options
    }

    /// The handle commits are sent through (e.g. for hooks' checks or
    /// for reading back).
    pub fn iproute(&mut self) -> &mut IpRoute {
        &mut self.ipr
    }

    /// Opens a transaction; several may be open at once.
    pub fn begin(&mut self) -> TxnId {
        let id = TxnId(self.next);
        self.next += 1;
        self.open.insert(id, Transaction::new());
        id
    }

    /// The open transaction `id`, to record changes in.
    pub fn get(&mut self, id: TxnId) -> Option<&mut Transaction> {
        self.open.get_mut(&id)
    }

    /// The most recently opened transaction still open (IPDB's `last()`).
    pub fn last(&self) -> Option<TxnId> {
        self.open.keys().next_back().copied()
    }

    /// Ids of the open transactions, oldest first.
    pub fn open_ids(&self) -> Vec<TxnId> {
        self.open.keys().copied().collect()
    }

    /// Records changes according to the mode: in `direct` mode they are
    /// committed now (the report is returned); in `implicit` and
    /// `snapshot` mode they go to the last open transaction, opening one
    /// if none is; in `explicit` mode to the last one opened with
    /// [`Txns::begin`], and without one it is an error.
    pub fn change(
        &mut self,
        f: impl FnOnce(&mut Transaction),
    ) -> Result<Option<Report>, CommitError> {
        match self.mode {
            Mode::Direct => {
                let mut t = Transaction::new();
                f(&mut t);
                self.commit_txn(t).map(Some)
            }
            Mode::Implicit | Mode::Snapshot => {
                let id = match self.last() {
                    Some(id) => id,
                    None => self.begin(),
                };
                f(self.open.get_mut(&id).expect("open"));
                Ok(None)
            }
            Mode::Explicit => {
                let id = self.last().ok_or_else(|| {
                    no_txn("explicit mode: open a transaction with begin() first")
                })?;
                f(self.open.get_mut(&id).expect("open"));
                Ok(None)
            }
        }
    }

    /// What transaction `id` would change, against the current state.
    pub fn review(&mut self, id: TxnId) -> Result<Review, CommitError> {
        let t = self
            .open
            .get(&id)
            .ok_or_else(|| no_txn("no open transaction with that id"))?;
        let pre = (self.source)(&mut self.ipr, t)
            .map_err(|e| CommitError::before_sending(Cause::Read(e)))?;
        Ok(Review::of(t, &pre))
    }

    /// What `t` (a transaction outside the registry) would change.
    fn review_txn(&mut self, t: &Transaction) -> Result<Review, CommitError> {
        let pre = (self.source)(&mut self.ipr, t)
            .map_err(|e| CommitError::before_sending(Cause::Read(e)))?;
        Ok(Review::of(t, &pre))
    }

    /// Forgets transaction `id` without sending anything (IPDB's `drop()`).
    pub fn drop(&mut self, id: TxnId) -> bool {
        self.open.remove(&id).is_some()
    }

    /// Commits and closes transaction `id`: every change or none (see
    /// [`CommitError`] for what a failed commit reports). In snapshot mode
    /// the plan is made (so errors of planning show) and nothing is sent.
    pub fn commit(&mut self, id: TxnId) -> Result<Report, CommitError> {
        let t = self
            .open
            .remove(&id)
            .ok_or_else(|| no_txn("no open transaction with that id"))?;
        self.commit_txn(t)
    }

    /// Commits a transaction built outside the registry.
    pub fn commit_txn(&mut self, mut t: Transaction) -> Result<Report, CommitError> {
        let pre = (self.source)(&mut self.ipr, &t)
            .map_err(|e| CommitError::before_sending(Cause::Read(e)))?;
        if self.mode == Mode::Snapshot {
            let plan = super::plan::plan(&t, &pre)
                .map_err(|e| CommitError::before_sending(Cause::Plan(e)))?;
            return Ok(Report {
                steps: plan.steps.len(),
                ..Report::default()
            });
        }
        commit::commit(&mut self.ipr, pre, &mut t, &self.options).map(|(r, _)| r)
    }

    /// A scope guard on a new transaction: record changes through it, then
    /// [`Scope::commit`]; dropped without commit, the transaction is dropped.
    pub fn scope(&mut self) -> Scope<'_, 'a> {
        Scope {
            txns: Holder::Borrowed(self),
            t: Some(Transaction::new()),
        }
    }

    /// A scope guard that owns this manager (what `Ipdb::begin` returns).
    pub(crate) fn into_scope(self) -> Scope<'a, 'a> {
        Scope {
            txns: Holder::Owned(Box::new(self)),
            t: Some(Transaction::new()),
        }
    }

    /// IPDB's `with` block: runs `f` on a new transaction and commits it
    /// when `f` returns `Ok`; when `f` fails nothing is sent.
    pub fn with<E: From<CommitError>>(
        &mut self,
        f: impl FnOnce(&mut Transaction) -> Result<(), E>,
    ) -> Result<Report, E> {
        let mut t = Transaction::new();
        f(&mut t)?;
        Ok(self.commit_txn(t)?)
    }

    /// Commits transaction `id` and rolls it all back unless
    /// [`Pending::confirm`] comes within `timeout` (nmstate's checkpoint).
    /// The rollback runs on its own thread with its own handle on the
    /// namespace.
    pub fn commit_with_timeout(
        &mut self,
        id: TxnId,
        timeout: Duration,
    ) -> Result<Pending, CommitError> {
        let mut t = self
            .open
            .remove(&id)
            .ok_or_else(|| no_txn("no open transaction with that id"))?;
        let pre = (self.source)(&mut self.ipr, &t)
            .map_err(|e| CommitError::before_sending(Cause::Read(e)))?;
        let reopen = match self.ipr.netns_path() {
            Some(p) => IpRoute::open_in_netns(p),
            None => IpRoute::open(),
        };
        let second = reopen.map_err(|e| CommitError::before_sending(Cause::Read(e)))?;
        let opts = CommitOptions {
            partial: false,
            ..self.options
        };
        let (report, applied) = commit::commit(&mut self.ipr, pre, &mut t, &opts)?;
        Ok(Pending::start(second, report, applied, opts, timeout))
    }
}

/// A transaction being recorded in a scope (see [`Txns::scope`] and
/// `Ipdb::begin`): it derefs to the [`Transaction`] to record changes in;
/// [`Scope::commit`] sends them, and dropped without commit (an early
/// return, a `?`) it sends nothing.
pub struct Scope<'s, 'a> {
    txns: Holder<'s, 'a>,
    t: Option<Transaction>,
}

/// The manager a scope commits through: borrowed ([`Txns::scope`]) or
/// its own (`Ipdb::begin`).
enum Holder<'s, 'a> {
    Borrowed(&'s mut Txns<'a>),
    Owned(Box<Txns<'a>>),
}

impl<'a> Holder<'_, 'a> {
    fn get(&mut self) -> &mut Txns<'a> {
        match self {
            Holder::Borrowed(t) => t,
            Holder::Owned(t) => t,
        }
    }
}

impl<'a> Scope<'_, 'a> {
    /// Commits what was recorded.
    pub fn commit(mut self) -> Result<Report, CommitError> {
        let t = self.t.take().expect("a scope commits once");
        self.txns.get().commit_txn(t)
    }

    /// What a commit would change now, against the current state (IPDB's
    /// `review()`); the transaction stays open.
    pub fn review(&mut self) -> Result<Review, CommitError> {
        let t = self.t.as_ref().expect("open until commit");
        self.txns.get().review_txn(t)
    }

    /// The manager the scope commits through (its mode and options, the
    /// handle for reading back).
    pub fn txns(&mut self) -> &mut Txns<'a> {
        self.txns.get()
    }
}

impl std::fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("transaction", &self.t)
            .finish_non_exhaustive()
    }
}

impl Deref for Scope<'_, '_> {
    type Target = Transaction;
    fn deref(&self) -> &Transaction {
        self.t.as_ref().expect("open until commit")
    }
}

impl DerefMut for Scope<'_, '_> {
    fn deref_mut(&mut self) -> &mut Transaction {
        self.t.as_mut().expect("open until commit")
    }
}

/// A commit waiting for [`Pending::confirm`]; without it, rolled back when
/// the time is up.
///
/// Three ways end it: [`Pending::confirm`] keeps the commit,
/// [`Pending::rollback`] undoes it now, [`Pending::wait`] waits for the
/// deadline's rollback. Dropped without any of them, it does not block:
/// the deadline still runs on the library's revert thread, which rolls the
/// commit back then (with its own netlink socket, so the [`Txns`] or
/// database may be gone by then) and discards the outcome. A process that
/// exits before the deadline takes the thread with it, and nothing is
/// rolled back.
#[derive(Debug)]
pub struct Pending {
    verdict: mpsc::Sender<Verdict>,
    thread: Option<JoinHandle<Result<Report, CommitError>>>,
    deadline: Instant,
}

/// What the owner of a [`Pending`] decided before the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep,
    Undo,
}

/// What [`Pending::rollback`] undid, when it restored everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RolledBack {
    /// Steps of the commit that were undone.
    pub undone: usize,
    /// Whether the touched objects were read back and found equal to the
    /// state before the commit ([`CommitOptions::verify`]).
    pub verified: bool,
    /// Whether the deadline came first, so the rollback was the timer's
    /// and not the request's.
    pub by_deadline: bool,
}

impl Pending {
    fn start(
        mut ipr: IpRoute,
        report: Report,
        mut applied: Applied,
        opts: CommitOptions,
        timeout: Duration,
    ) -> Pending {
        let (tx, rx) = mpsc::channel::<Verdict>();
        let deadline = Instant::now() + timeout;
        let thread = std::thread::Builder::new()
            .name("ipdb-txn-revert".into())
            .spawn(move || {
                let cause = match rx.recv_timeout(timeout) {
                    Ok(Verdict::Keep) => return Ok(report),
                    Ok(Verdict::Undo) => Cause::RolledBack,
                    Err(mpsc::RecvTimeoutError::Timeout) => Cause::NotConfirmed,
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        // Dropped without a word: the time still runs.
                        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                        Cause::NotConfirmed
                    }
                };
                Err(commit::fail(&mut ipr, cause, &mut applied, &opts))
            })
            .expect("spawn the revert thread");
        Pending {
            verdict: tx,
            thread: Some(thread),
            deadline,
        }
    }

    /// When the commit will be rolled back without confirmation.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Keeps the commit, if the time is not up: `Ok` with its report;
    /// too late, the error of the rollback that ran
    /// ([`Cause::NotConfirmed`]).
    pub fn confirm(mut self) -> Result<Report, CommitError> {
        let _ = self.verdict.send(Verdict::Keep);
        self.join()
    }

    /// Rolls the commit back now, without waiting for the deadline, and
    /// returns when it is done (the rollback of a failed commit: applied
    /// steps undone newest first, what the kernel removed with them put
    /// back, the touched objects read back and compared).
    ///
    /// `Ok` when nothing was left unrestored: how many steps were undone,
    /// whether that was verified, and whether the deadline had already
    /// come (then the timer's rollback is the one reported). `Err` when
    /// something could not be restored: [`CommitError::rollback`] lists
    /// each object with its reason, the cause being
    /// [`Cause::RolledBack`] (or [`Cause::NotConfirmed`] when the
    /// deadline came first).
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut txns = ipdb::txn::Txns::new(ipdb::IpRoute::open_in_netns("/run/netns/blue")?);
    /// let id = txns.begin();
    /// txns.get(id).unwrap().link("eth0").set_mtu(9000);
    /// let pending = txns.commit_with_timeout(id, Duration::from_secs(60))?;
    /// if !std::path::Path::new("/run/still-reachable").exists() {
    ///     let undone = pending.rollback()?;
    ///     println!("{} step(s) undone", undone.undone);
    /// } else {
    ///     pending.confirm()?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn rollback(mut self) -> Result<RolledBack, CommitError> {
        let _ = self.verdict.send(Verdict::Undo);
        match self.join() {
            Err(e) if e.rollback.is_empty() => {
                let by_deadline = match *e.cause {
                    Cause::RolledBack => false,
                    Cause::NotConfirmed => true,
                    _ => return Err(e),
                };
                Ok(RolledBack {
                    undone: e.applied,
                    verified: e.verified,
                    by_deadline,
                })
            }
            Err(e) => Err(e),
            // The thread keeps only on `Verdict::Keep`, which `confirm`
            // alone sends, and it consumes the `Pending`.
            Ok(_) => Err(no_txn("the commit was kept, not rolled back")),
        }
    }

    /// Waits without confirming: returns when the commit was rolled back.
    pub fn wait(mut self) -> Result<Report, CommitError> {
        self.join()
    }

    fn join(&mut self) -> Result<Report, CommitError> {
        let t = self.thread.take().expect("joined once");
        t.join()
            .unwrap_or_else(|_| Err(no_txn("the revert thread panicked")))
    }
}
