//! Committing a plan: steps sent phase by phase (batched where the phase
//! allows), each kernel ack taken as the confirmation of its step; then
//! the commit hooks; on any failure, the rollback and its verification.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::change::{LinkRef, Transaction};
use super::error::{Cause, CommitError, RollbackIssue, StepFailure};
use super::plan::{self, Action, Phase, Plan};
use super::restore;
use super::snapshot::Snapshot;
use crate::error::{Error, ErrorKind, Object, Op};
use crate::iproute::batch::{Acked, Batch};
use crate::iproute::IpRoute;
use crate::spec::{
    AddressSpec, LinkChange, LinkId, LinkKind, LinkSpec, Master, NeighbourSpec, RouteSpec,
    RuleSpec, SpecError, Verb,
};

/// How a commit runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitOptions {
    /// IPDB's partial mode: apply every step that can be applied, collect
    /// every failure, roll nothing back.
    pub partial: bool,
    /// How long the kernel may take to answer one phase's steps; a step
    /// not answered by then fails with `ETIMEDOUT` (and is rolled back as
    /// if it had been applied).
    pub phase_timeout: Duration,
    /// Re-read the state after a rollback and compare the touched objects
    /// with the state before.
    pub verify: bool,
}

impl Default for CommitOptions {
    fn default() -> Self {
        CommitOptions {
            partial: false,
            phase_timeout: Duration::from_secs(30),
            verify: true,
        }
    }
}

/// What a commit did.
#[derive(Debug, Default)]
pub struct Report {
    /// Steps in the plan.
    pub steps: usize,
    /// Steps the kernel acked.
    pub applied: usize,
    /// Partial mode only: the steps that failed (the others stay applied).
    pub failures: Vec<StepFailure>,
    /// Partial mode only: hooks that vetoed, `(name, reason)`.
    pub vetoes: Vec<(String, String)>,
}

/// Link names and indexes as they are while a commit runs, and where a
/// rollback recreated a link under a new index.
#[derive(Debug, Default, Clone)]
pub(crate) struct Resolver {
    names: HashMap<String, u32>,
    remap: HashMap<u32, u32>,
}

impl Resolver {
    fn refresh(&mut self, ipr: &mut IpRoute) -> Result<(), Error> {
        self.names = ipr
            .links()?
            .into_iter()
            .map(|l| (l.name, l.index))
            .collect();
        Ok(())
    }

    fn idx(&self, i: u32) -> u32 {
        self.remap.get(&i).copied().unwrap_or(i)
    }

    fn index(&self, r: &LinkRef, object: Object) -> Result<u32, Error> {
        match r {
            LinkRef::Index(i) => Ok(self.idx(*i)),
            LinkRef::Name(n) => self.names.get(n).copied().ok_or_else(|| {
                Error::new(
                    Op::Get,
                    object,
                    ErrorKind::InvalidArgument("no link of that name"),
                )
                .with_target(format!("dev {n}"))
            }),
        }
    }
}

/// An action with every link resolved to its current index.
enum Concrete {
    /// With the index the link had before, when a rollback recreates it.
    LinkAdd(LinkSpec, Option<u32>),
    LinkSet(LinkChange),
    LinkDel(u32),
    Address(Verb, AddressSpec),
    Route(Verb, RouteSpec),
    Neighbour(Verb, NeighbourSpec),
    Rule(Verb, RuleSpec),
}

fn remap_master(m: Option<Master>, r: &Resolver) -> Option<Master> {
    m.map(|m| match m {
        Master::Set(i) => Master::Set(r.idx(i)),
        Master::None => Master::None,
    })
}

fn concrete(a: &Action, r: &Resolver) -> Result<Concrete, Error> {
    let object = a.object();
    Ok(match a {
        Action::CreateLink { spec, parent, was } => {
            let mut spec = spec.clone();
            let lower = match parent {
                Some(p) => Some(r.index(p, object)?),
                None => spec.kind.lower_link().map(|i| r.idx(i)),
            };
            if let Some(l) = lower {
                spec.kind
                    .set_lower_link(l)
                    .map_err(|e| e.into_error(Op::Add, object).with_target(spec.to_string()))?;
            }
            spec.settings.master = remap_master(spec.settings.master, r);
            Concrete::LinkAdd(spec, *was)
        }
        Action::SetLink {
            link,
            rename,
            settings,
            master,
        } => {
            let mut settings = settings.clone();
            settings.master = remap_master(settings.master, r);
            if let Some(m) = master {
                settings.master = Some(match m {
                    Some(m) => Master::Set(r.index(m, object)?),
                    None => Master::None,
                });
            }
            Concrete::LinkSet(LinkChange {
                link: LinkId::Index(r.index(link, object)?),
                rename: rename.clone(),
                settings,
            })
        }
        Action::DelLink(l) => Concrete::LinkDel(r.index(l, object)?),
        Action::Address { verb, dev, spec } => {
            let mut spec = spec.clone();
            spec.index = r.index(dev, object)?;
            Concrete::Address(*verb, spec)
        }
        Action::Route {
            verb,
            dev,
            spec,
            hops,
        } => {
            let mut spec = spec.clone();
            spec.oif = match dev {
                Some(d) => Some(r.index(d, object)?),
                None => spec.oif.map(|o| r.idx(o)),
            };
            for (i, h) in spec.multipath.iter_mut().enumerate() {
                h.oif = match hops.get(i).and_then(Option::as_ref) {
                    Some(d) => Some(r.index(d, object)?),
                    None => h.oif.map(|o| r.idx(o)),
                };
            }
            Concrete::Route(*verb, spec)
        }
        Action::Neighbour { verb, dev, spec } => {
            let mut spec = *spec;
            spec.index = r.index(dev, object)?;
            spec.master = spec.master.map(|m| r.idx(m));
            Concrete::Neighbour(*verb, spec)
        }
        Action::Rule { verb, spec } => Concrete::Rule(*verb, spec.clone()),
    })
}

fn op_of(a: &Action) -> Op {
    match a {
        Action::CreateLink { .. } => Op::Add,
        Action::SetLink { .. } => Op::Set,
        Action::DelLink(_) => Op::Delete,
        Action::Address { verb, .. }
        | Action::Route { verb, .. }
        | Action::Neighbour { verb, .. }
        | Action::Rule { verb, .. } => verb.op(),
    }
}

/// Sends one action and waits for its ack.
fn send_one(ipr: &mut IpRoute, a: &Action, r: &Resolver) -> Result<(), Error> {
    match concrete(a, r)? {
        Concrete::LinkAdd(s, Some(index)) => match add_with_index(ipr, &s, index) {
            // Someone took the index meanwhile: a new one is the best left.
            Err(e) if e.errno() == Some(libc::EEXIST) && ipr.link_index(&s.name).is_err() => {
                ipr.link_add(&s)
            }
            other => other,
        },
        Concrete::LinkAdd(s, None) => ipr.link_add(&s),
        Concrete::LinkSet(c) => ipr.link_set(&c),
        Concrete::LinkDel(i) => ipr.link_del(i),
        Concrete::Address(Verb::Del, s) => ipr.address_del(&s),
        Concrete::Address(Verb::Replace, s) => ipr.address_replace(&s),
        Concrete::Address(_, s) => ipr.address_add(&s),
        Concrete::Route(Verb::Add, s) => ipr.route_add(&s),
        Concrete::Route(Verb::Replace, s) => ipr.route_replace(&s),
        Concrete::Route(Verb::Append, s) => ipr.route_append(&s),
        Concrete::Route(Verb::Del, s) => ipr.route_del(&s),
        Concrete::Neighbour(Verb::Del, s) => ipr.neighbour_del(&s),
        Concrete::Neighbour(Verb::Replace, s) => ipr.neighbour_replace(&s),
        Concrete::Neighbour(Verb::Append, s) => ipr.neighbour_append(&s),
        Concrete::Neighbour(Verb::Add, s) => ipr.neighbour_add(&s),
        Concrete::Rule(Verb::Del, s) => ipr.rule_del(&s),
        Concrete::Rule(_, s) => ipr.rule_add(&s),
    }
}

/// Creates `spec` under the interface index `index` (the kernel takes a
/// requested index on creation), so that a link a rollback recreates is
/// the same to every index-based reader; the alias is set after, as
/// [`IpRoute::link_add`] does.
fn add_with_index(ipr: &mut IpRoute, spec: &LinkSpec, index: u32) -> Result<(), Error> {
    let sent = spec.with_repr(|r| {
        let mut r = *r;
        r.header.index = i32::try_from(index).unwrap_or(0);
        ipr.request(
            Op::Add,
            Object::Link,
            crate::uapi::RTM_NEWLINK,
            Verb::Add.flags(),
            |b| r.emit(b),
        )
    });
    crate::spec::outcome(sent, Op::Add, Object::Link, spec)
}

/// Sends one step of a link phase and waits for its ack, at most
/// `timeout`. A step that is one request goes as a batch of one (which
/// has the deadline); creating a tun/tap or a link with an alias takes
/// more than one and goes through [`send_one`]. `Err((e, true))`: no
/// answer, the step may have been applied.
fn send_step(
    ipr: &mut IpRoute,
    a: &Action,
    r: &Resolver,
    timeout: Duration,
) -> Result<(), (Error, bool)> {
    let several = matches!(a, Action::CreateLink { spec, was, .. }
        if was.is_some()
            || spec.settings.alias.is_some()
            || matches!(spec.kind, LinkKind::Tun(_) | LinkKind::Tap(_)));
    if several {
        return send_one(ipr, a, r).map_err(|e| (e, false));
    }
    match send_batch(ipr, &[a], r, timeout).results.pop() {
        Some(Some(failed)) => Err(failed),
        _ => Ok(()),
    }
}

/// Appends the request of a batched action (address, route, neighbour, rule).
fn push(batch: &mut Batch, a: &Action, r: &Resolver) -> Result<(), Error> {
    let object = a.object();
    let op = op_of(a);
    let refused = |e: SpecError| e.into_error(op, object).with_target(a.target());
    match concrete(a, r)? {
        Concrete::Address(v, s) => batch.push(|b| s.request(v, b)),
        Concrete::Route(v, s) => batch.push(|b| s.request(v, b)),
        Concrete::Neighbour(v, s) => batch.push(|b| s.request(v, b)),
        Concrete::Rule(v, s) => batch.push(|b| s.request(v, b)),
        Concrete::LinkAdd(s, _) => batch.push(|b| s.add_request(b)),
        Concrete::LinkSet(c) => batch.push(|b| c.request(b)),
        Concrete::LinkDel(i) => batch.push(|b| LinkId::Index(i).del_request(b)),
    }
    .map_err(refused)
}

/// The outcome of sending a list of actions.
struct Sent {
    /// Per action: `None` acked, `Some(error)` refused or unanswered
    /// (`maybe` true for unanswered: it may have been applied).
    results: Vec<Option<(Error, bool)>>,
}

/// Sends `actions` (independent of each other) as one pipelined batch.
fn send_batch(ipr: &mut IpRoute, actions: &[&Action], r: &Resolver, timeout: Duration) -> Sent {
    let mut results: Vec<Option<(Error, bool)>> = Vec::with_capacity(actions.len());
    let mut batch = Batch::new();
    let mut members = Vec::with_capacity(actions.len());
    for (k, a) in actions.iter().enumerate() {
        match push(&mut batch, a, r) {
            Ok(()) => {
                members.push(k);
                results.push(None);
            }
            Err(e) => results.push(Some((e, false))),
        }
    }
    let object = actions.first().map_or(Object::Route, |a| a.object());
    let outcome = ipr.send_batch(&mut batch, object, Some(Instant::now() + timeout));
    let why = outcome.failure.as_ref().map(|e| e.to_string());
    for (m, k) in members.into_iter().enumerate() {
        let a = actions[k];
        results[k] = match &outcome.results[m] {
            Acked::Done => None,
            Acked::Refused(e) => Some((
                Error::new(op_of(a), a.object(), ErrorKind::Kernel(e.clone()))
                    .with_target(a.target()),
                false,
            )),
            Acked::Unanswered => {
                let errno = outcome
                    .failure
                    .as_ref()
                    .and_then(Error::errno)
                    .unwrap_or(libc::ETIMEDOUT);
                let kind = ErrorKind::Transport(netlink_raw::Error::Io(
                    std::io::Error::from_raw_os_error(errno),
                ));
                let target = match &why {
                    Some(w) => format!("{} (no answer: {w})", a.target()),
                    None => format!("{} (no answer)", a.target()),
                };
                Some((
                    Error::new(op_of(a), a.object(), kind).with_target(target),
                    true,
                ))
            }
        };
    }
    Sent { results }
}

/// A commit in progress: what was applied, for the rollback.
#[derive(Debug)]
pub(crate) struct Applied {
    pub plan: Plan,
    pub pre: Snapshot,
    /// Steps applied (or possibly applied: unanswered), in the order sent.
    pub done: Vec<usize>,
    pub resolver: Resolver,
}

/// Applies the plan's steps; returns the applied steps and the failures
/// (at most one phase's worth unless partial).
pub(crate) fn apply(
    ipr: &mut IpRoute,
    plan: Plan,
    pre: Snapshot,
    opts: &CommitOptions,
) -> (Applied, Vec<StepFailure>) {
    let mut resolver = Resolver::default();
    let mut failures = Vec::new();
    let mut done = Vec::new();
    let mut fresh = false;
    for phase in Phase::ALL {
        let idxs: Vec<usize> = (0..plan.steps.len())
            .filter(|&i| plan.steps[i].phase == phase)
            .collect();
        if idxs.is_empty() {
            continue;
        }
        if !fresh {
            if let Err(e) = resolver.refresh(ipr) {
                failures.push(StepFailure {
                    step: idxs[0],
                    what: "read the links to resolve names".into(),
                    error: e,
                });
                break;
            }
            fresh = true;
        }
        let fail = |i: usize, error: Error| StepFailure {
            step: i,
            what: plan.steps[i].action.to_string(),
            error,
        };
        if phase.batched() {
            let actions: Vec<&Action> = idxs.iter().map(|&i| &plan.steps[i].action).collect();
            let sent = send_batch(ipr, &actions, &resolver, opts.phase_timeout);
            for (k, res) in sent.results.into_iter().enumerate() {
                match res {
                    None => done.push(idxs[k]),
                    Some((e, maybe)) => {
                        if maybe {
                            done.push(idxs[k]);
                        }
                        failures.push(fail(idxs[k], e));
                    }
                }
            }
        } else {
            for &i in &idxs {
                match send_step(ipr, &plan.steps[i].action, &resolver, opts.phase_timeout) {
                    Ok(()) => done.push(i),
                    Err((e, maybe)) => {
                        if maybe {
                            done.push(i);
                        }
                        failures.push(fail(i, e));
                        if !opts.partial {
                            break;
                        }
                    }
                }
            }
            // Links were created or renamed: names resolve anew.
            fresh = false;
        }
        if !failures.is_empty() && !opts.partial {
            break;
        }
    }
    (
        Applied {
            plan,
            pre,
            done,
            resolver,
        },
        failures,
    )
}

/// Undoes the applied steps in reverse order, puts back what the kernel
/// removed as a side effect, and (with `verify`) compares the touched
/// objects with the state before. Returns what could not be restored.
pub(crate) fn rollback(
    ipr: &mut IpRoute,
    applied: &mut Applied,
    verify: bool,
    timeout: Duration,
) -> (Vec<RollbackIssue>, bool) {
    let mut issues = Vec::new();
    let Applied {
        plan,
        pre,
        done,
        resolver,
    } = applied;
    let refresh = |ipr: &mut IpRoute, resolver: &mut Resolver, issues: &mut Vec<RollbackIssue>| {
        if let Err(e) = resolver.refresh(ipr) {
            issues.push(RollbackIssue {
                what: "read the links to resolve names".into(),
                error: Some(e),
            });
        }
    };
    refresh(ipr, resolver, &mut issues);
    let mut retry: Vec<Action> = Vec::new();
    // Undo, newest first; a run of one batched phase goes as one batch.
    let order: Vec<usize> = done.iter().rev().copied().collect();
    let mut k = 0;
    while k < order.len() {
        let phase = plan.steps[order[k]].phase;
        let mut end = k;
        while end < order.len() && plan.steps[order[end]].phase == phase {
            end += 1;
        }
        let run = &order[k..end];
        for &i in run {
            if let Some(why) = &plan.steps[i].no_inverse {
                issues.push(RollbackIssue {
                    what: format!("undo of `{}`: {why}", plan.steps[i].action),
                    error: None,
                });
            }
        }
        let owned: Vec<Action> = run.iter().flat_map(|&i| plan.steps[i].inverses()).collect();
        let inverses: Vec<&Action> = owned.iter().collect();
        // An inverse the kernel refuses now may need an object an older
        // step's inverse brings back (a route through a link still down):
        // it is tried again at the end, and reported only if it fails again.
        if phase.batched() {
            let sent = send_batch(ipr, &inverses, resolver, timeout);
            retry.extend(refused(&inverses, sent).into_iter().cloned());
        } else {
            for a in inverses {
                let mut first = Vec::new();
                undo_one(ipr, a, resolver, &mut first);
                if !first.is_empty() {
                    retry.push(a.clone());
                }
            }
            refresh(ipr, resolver, &mut issues);
        }
        k = end;
    }
    restore_dependents(ipr, plan, pre, done, resolver, timeout, &mut issues);
    for a in &retry {
        undo_one(ipr, a, resolver, &mut issues);
    }
    restore_route_order(ipr, plan, pre, resolver, &mut issues);
    let mut verified = false;
    if verify {
        match settled(ipr, plan, pre) {
            Ok(after) => {
                let diffs = plan.touched.differences(pre, &after);
                verified = diffs.is_empty();
                issues.extend(
                    diffs
                        .into_iter()
                        .map(|what| RollbackIssue { what, error: None }),
                );
            }
            Err(e) => issues.push(RollbackIssue {
                what: "read the state back to verify the rollback".into(),
                error: Some(e),
            }),
        }
    }
    (issues, verified)
}

/// How long the verification waits for addresses put back to finish
/// duplicate address detection.
const SETTLE: Duration = Duration::from_secs(3);

/// The state after a rollback, once the kernel's own follow-up work is
/// done: an IPv6 address added back is tentative (and its local route
/// provisional) until the kernel's DAD worker has run, even on links that
/// skip DAD, so the state is read again while a touched link has a
/// tentative address that was not tentative before (up to [`SETTLE`]).
fn settled(ipr: &mut IpRoute, plan: &Plan, pre: &Snapshot) -> Result<Snapshot, Error> {
    let tentative = crate::uapi::IFA_F_TENTATIVE;
    let was_tentative = |a: &crate::records::Address| {
        pre.addresses
            .iter()
            .any(|b| b.index == a.index && b.local == a.local && b.flags & tentative != 0)
    };
    let until = Instant::now() + SETTLE;
    loop {
        let after = Snapshot::read(ipr)?;
        let busy = after.addresses.iter().any(|a| {
            a.flags & tentative != 0 && plan.touched.links.contains(&a.index) && !was_tentative(a)
        });
        if !busy || Instant::now() >= until {
            return Ok(after);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends one inverse action; a recreated link's new index is remembered.
fn undo_one(
    ipr: &mut IpRoute,
    a: &Action,
    resolver: &mut Resolver,
    issues: &mut Vec<RollbackIssue>,
) {
    match send_one(ipr, a, resolver) {
        Ok(()) => {
            if let Action::CreateLink {
                spec,
                was: Some(old),
                ..
            } = a
            {
                match ipr.link_index(&spec.name) {
                    Ok(new) => {
                        resolver.remap.insert(*old, new);
                        resolver.names.insert(spec.name.clone(), new);
                    }
                    Err(e) => issues.push(RollbackIssue {
                        what: format!("find the recreated link {}", spec.name),
                        error: Some(e),
                    }),
                }
            }
        }
        Err(e) if e.errno().is_some_and(|n| a.already_so(n)) => {}
        Err(e) => issues.push(RollbackIssue {
            what: format!("undo step `{a}`"),
            error: Some(e),
        }),
    }
}

/// The actions of a batch the kernel refused (other than "already so").
fn refused<'a>(actions: &[&'a Action], sent: Sent) -> Vec<&'a Action> {
    actions
        .iter()
        .zip(sent.results)
        .filter(
            |(a, res)| matches!(res, Some((e, _)) if !e.errno().is_some_and(|n| a.already_so(n))),
        )
        .map(|(a, _)| *a)
        .collect()
}

/// Adds an issue for each object the kernel refused to put back (other
/// than "already so").
fn report(actions: &[&Action], sent: Sent, issues: &mut Vec<RollbackIssue>) {
    for (a, res) in actions.iter().zip(sent.results) {
        if let Some((e, _)) = res {
            if !e.errno().is_some_and(|n| a.already_so(n)) {
                issues.push(RollbackIssue {
                    what: format!("put back `{a}` (removed by the kernel with a step)"),
                    error: Some(e),
                });
            }
        }
    }
}

/// Puts back the objects of the state before that the applied steps may
/// have made the kernel remove: ports' masters, addresses (IPv6 ones in
/// reverse, as the kernel puts the newest first), routes (link scope
/// before the gateways that need them; a second pass for the rest),
/// neighbours. "Already there" is success.
fn restore_dependents(
    ipr: &mut IpRoute,
    plan: &Plan,
    pre: &Snapshot,
    done: &[usize],
    resolver: &mut Resolver,
    timeout: Duration,
    issues: &mut Vec<RollbackIssue>,
) {
    let mut links = Vec::new();
    let mut addrs = Vec::new();
    let mut routes = Vec::new();
    let mut neigh = Vec::new();
    for &i in done {
        let Some(d) = &plan.steps[i].dependents else {
            continue;
        };
        links.extend_from_slice(&d.links);
        addrs.extend_from_slice(&d.addresses);
        routes.extend_from_slice(&d.routes);
        neigh.extend_from_slice(&d.neighbours);
    }
    for v in [&mut links, &mut addrs, &mut routes, &mut neigh] {
        v.sort_unstable();
        v.dedup();
    }
    if links.is_empty() && addrs.is_empty() && routes.is_empty() && neigh.is_empty() {
        return;
    }
    for &i in &links {
        let l = &pre.links[i];
        let a = Action::SetLink {
            link: LinkRef::Index(l.index),
            rename: None,
            settings: Default::default(),
            master: Some(l.master.map(LinkRef::Index)),
        };
        undo_one(ipr, &a, resolver, issues);
    }
    let v4: Vec<usize> = addrs
        .iter()
        .copied()
        .filter(|&i| pre.addresses[i].family == crate::uapi::AF_INET)
        .collect();
    let v6: Vec<usize> = addrs
        .iter()
        .rev()
        .copied()
        .filter(|&i| pre.addresses[i].family != crate::uapi::AF_INET)
        .collect();
    let mut actions = Vec::new();
    let unsendable = |what: String, why: &str, issues: &mut Vec<RollbackIssue>| {
        issues.push(RollbackIssue {
            what: format!("put back {what}: {why}"),
            error: None,
        })
    };
    for i in v4.into_iter().chain(v6) {
        let a = &pre.addresses[i];
        match restore::address_spec(a) {
            Ok(spec) => actions.push(Action::Address {
                verb: Verb::Add,
                dev: LinkRef::Index(a.index),
                spec,
            }),
            Err(why) => unsendable(format!("{a:?}"), why, issues),
        }
    }
    let sent_addrs: Vec<&Action> = actions.iter().collect();
    let sent = send_batch(ipr, &sent_addrs, resolver, timeout);
    report(&sent_addrs, sent, issues);

    // Routes the kernel makes itself (connected prefixes, local and
    // broadcast routes of addresses) come back with their addresses; sent
    // by us they would differ (an IPv6 metric of 0 means 1024 from a user).
    let mut order = routes;
    order.retain(|&i| pre.routes[i].protocol != crate::uapi::RTPROT_KERNEL);
    order.sort_by_key(|&i| std::cmp::Reverse(pre.routes[i].scope));
    let mut actions = Vec::new();
    for i in order {
        let r = &pre.routes[i];
        // IPv6 refuses (EEXIST) a second route to a prefix at one metric
        // under `NLM_F_EXCL` even through another link: append those.
        let verb = if r.family == crate::uapi::AF_INET6 {
            Verb::Append
        } else {
            Verb::Add
        };
        match restore::route_spec(r) {
            Ok(spec) => actions.push(Action::Route {
                verb,
                dev: None,
                spec,
                hops: Vec::new(),
            }),
            Err(why) => unsendable(format!("route {}", r.dst), why, issues),
        }
    }
    let mut pending: Vec<&Action> = actions.iter().collect();
    for pass in 0..2 {
        let sent = send_batch(ipr, &pending, resolver, timeout);
        if pass == 1 {
            report(&pending, sent, issues);
            break;
        }
        // A gateway route may have come before the route that makes its
        // gateway reachable: try the refused ones once more.
        pending = refused(&pending, sent);
        if pending.is_empty() {
            break;
        }
    }

    let mut actions = Vec::new();
    for &i in &neigh {
        let n = &pre.neighbours[i];
        // Learned entries come and go by themselves; only static ones return.
        if n.state & (crate::uapi::NUD_PERMANENT | crate::uapi::NUD_NOARP) == 0
            || super::snapshot::kernel_made(n)
        {
            continue;
        }
        match restore::neighbour_spec(n) {
            Ok(spec) => actions.push(Action::Neighbour {
                verb: Verb::Add,
                dev: LinkRef::Index(n.index),
                spec,
            }),
            Err(why) => unsendable(format!("{n:?}"), why, issues),
        }
    }
    let acts: Vec<&Action> = actions.iter().collect();
    let sent = send_batch(ipr, &acts, resolver, timeout);
    report(&acts, sent, issues);
}

/// IPv6 keeps routes to one prefix with one metric on several links (each
/// link's `fe80::/64`) in the order they were added, and `ip route` shows
/// that order; a link that went down and came back has its routes added
/// last. Where a touched link's route now stands elsewhere among its
/// siblings than before, the routes from the first misplaced one on are
/// deleted and added again in the order of the state before.
fn restore_route_order(
    ipr: &mut IpRoute,
    plan: &Plan,
    pre: &Snapshot,
    resolver: &mut Resolver,
    issues: &mut Vec<RollbackIssue>,
) {
    use super::snapshot::RouteKey;
    let touched = |r: &crate::records::Route| {
        plan.touched
            .routes_via
            .iter()
            .any(|&i| super::snapshot::uses_link(r, i))
    };
    let v6 = crate::uapi::AF_INET6;
    let mut groups: HashMap<RouteKey, Vec<&crate::records::Route>> = HashMap::new();
    for r in pre.routes.iter().filter(|r| r.family == v6) {
        groups.entry(RouteKey::of(r)).or_default().push(r);
    }
    groups.retain(|_, g| g.len() > 1 && g.iter().any(|r| touched(r)));
    if groups.is_empty() {
        return;
    }
    let now = match ipr.routes(Some(v6), None) {
        Ok(v) => v,
        Err(e) => {
            issues.push(RollbackIssue {
                what: "read the IPv6 routes to check their order".into(),
                error: Some(e),
            });
            return;
        }
    };
    let same = |a: &crate::records::Route, b: &crate::records::Route| {
        a.oif == b.oif && a.gateway == b.gateway && a.kind == b.kind
    };
    for (key, before) in groups {
        let after: Vec<&crate::records::Route> = now
            .iter()
            .filter(|r| RouteKey::of(r) == key && before.iter().any(|b| same(b, r)))
            .collect();
        let Some(from) =
            (0..before.len()).find(|&i| after.get(i).is_none_or(|a| !same(before[i], a)))
        else {
            continue;
        };
        let mut actions = Vec::new();
        for r in &before[from..] {
            let Ok(spec) = restore::route_spec(r) else {
                continue;
            };
            actions.push(Action::Route {
                verb: Verb::Del,
                dev: None,
                spec: spec.clone(),
                hops: Vec::new(),
            });
            // Append: with `NLM_F_EXCL` IPv6 refuses a second route to
            // the prefix at that metric even on another link.
            actions.push(Action::Route {
                verb: Verb::Append,
                dev: None,
                spec,
                hops: Vec::new(),
            });
        }
        // Each delete before its own add, in order: one request at a time.
        for a in &actions {
            undo_one(ipr, a, resolver, issues);
        }
    }
}

/// Runs the hooks; the first veto, or every veto when `all`.
fn run_hooks(ipr: &mut IpRoute, t: &mut Transaction, all: bool) -> Vec<(String, String)> {
    let mut vetoes = Vec::new();
    for (name, f) in &mut t.hooks {
        if let Err(reason) = f(ipr) {
            vetoes.push((name.clone(), reason));
            if !all {
                break;
            }
        }
    }
    vetoes
}

/// Applies `t` against the state `pre` (see the module docs); on failure
/// rolls back (unless partial) and reports.
pub(crate) fn commit(
    ipr: &mut IpRoute,
    pre: Snapshot,
    t: &mut Transaction,
    opts: &CommitOptions,
) -> Result<(Report, Applied), CommitError> {
    let plan = plan::plan(t, &pre).map_err(|e| CommitError::before_sending(Cause::Plan(e)))?;
    let steps = plan.steps.len();
    let (mut applied, mut failures) = apply(ipr, plan, pre, opts);
    if opts.partial {
        let vetoes = run_hooks(ipr, t, true);
        let report = Report {
            steps,
            applied: applied.done.len(),
            failures,
            vetoes,
        };
        return Ok((report, applied));
    }
    let cause = if !failures.is_empty() {
        Some(Cause::Step(failures.remove(0)))
    } else {
        run_hooks(ipr, t, false)
            .pop()
            .map(|(name, reason)| Cause::Hook { name, reason })
    };
    match cause {
        None => Ok((
            Report {
                steps,
                applied: applied.done.len(),
                ..Report::default()
            },
            applied,
        )),
        Some(cause) => Err(fail(ipr, cause, &mut applied, opts)),
    }
}

/// Rolls back `applied` and builds the error around `cause`.
pub(crate) fn fail(
    ipr: &mut IpRoute,
    cause: Cause,
    applied: &mut Applied,
    opts: &CommitOptions,
) -> CommitError {
    let n = applied.done.len();
    let (rollback, verified) = rollback(ipr, applied, opts.verify, opts.phase_timeout);
    CommitError {
        cause: Box::new(cause),
        applied: n,
        rollback,
        verified,
    }
}
