//! Adding, replacing, appending and deleting routes (`ip route`), and
//! asking the kernel which route it would use (`ip route get`).

use ipdb_core::wire::route::RouteRepr;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::FamilyRepr;

use super::IpRoute;
use crate::error::{Error, ErrorKind, Object, Op};
use crate::records::Route;
use crate::spec::{outcome, RouteQuery, RouteSpec, Verb};

impl IpRoute {
    /// Adds a route (`ip route add`); the same route already there is
    /// `EEXIST`, an unreachable gateway `ENETUNREACH` with the kernel's
    /// reason ("Nexthop has invalid gateway").
    pub fn route_add(&mut self, spec: &RouteSpec) -> Result<(), Error> {
        self.route_change(Verb::Add, spec)
    }

    /// Adds or replaces a route (`ip route replace`).
    pub fn route_replace(&mut self, spec: &RouteSpec) -> Result<(), Error> {
        self.route_change(Verb::Replace, spec)
    }

    /// Adds a route beside existing ones with the same destination
    /// (`ip route append`).
    pub fn route_append(&mut self, spec: &RouteSpec) -> Result<(), Error> {
        self.route_change(Verb::Append, spec)
    }

    /// Deletes the route matching every field set in `spec` (`ip route
    /// del`); none is `ESRCH`.
    pub fn route_del(&mut self, spec: &RouteSpec) -> Result<(), Error> {
        self.route_change(Verb::Del, spec)
    }

    fn route_change(&mut self, verb: Verb, spec: &RouteSpec) -> Result<(), Error> {
        let kind = verb.kind(RTM_NEWROUTE, RTM_DELROUTE);
        let sent = spec.with_repr(verb, |r| {
            self.request(verb.op(), Object::Route, kind, verb.flags(), |b| r.emit(b))
        });
        outcome(sent, verb.op(), Object::Route, spec)
    }

    /// The route the kernel would use for `query` (`ip route get`), as it
    /// answers: for a plain lookup a resolved route (table, output
    /// interface, gateway, preferred source), with
    /// [`RouteQuery::fib_match`] the table entry that matched. No route is
    /// `ENETUNREACH`.
    pub fn route_get(&mut self, query: &RouteQuery) -> Result<Route, Error> {
        let mut found = None;
        let mut bad = None;
        let sent = query.with_repr(|r| {
            self.request_with(
                Op::Get,
                Object::Route,
                RTM_GETROUTE,
                0,
                &mut |b| r.emit(b),
                |m| match RouteRepr::parse(&m) {
                    Ok(r) => found = Route::from_repr(&r),
                    Err(e) => bad = Some(e),
                },
            )
        });
        outcome(sent, Op::Get, Object::Route, query)?;
        match (found, bad) {
            (Some(r), _) => Ok(r),
            (None, Some(e)) => Err(Error::new(Op::Get, Object::Route, ErrorKind::Decode(e))
                .with_target(query.to_string())),
            (None, None) => Err(Error::new(
                Op::Get,
                Object::Route,
                ErrorKind::InvalidArgument("the kernel acked without sending a route"),
            )
            .with_target(query.to_string())),
        }
    }
}
