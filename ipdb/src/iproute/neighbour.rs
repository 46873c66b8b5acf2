//! Adding, replacing and deleting neighbour entries (`ip neigh`) and
//! bridge FDB entries (`bridge fdb`).

use super::IpRoute;
use crate::error::{Error, Object};
use crate::spec::{outcome, NeighbourSpec, Verb};
use ipdb_core::wire::uapi::*;

impl IpRoute {
    /// Adds a neighbour or FDB entry; one already there is `EEXIST`.
    pub fn neighbour_add(&mut self, spec: &NeighbourSpec) -> Result<(), Error> {
        self.neighbour_change(Verb::Add, spec)
    }

    /// Adds or updates a neighbour or FDB entry (`ip neigh replace`).
    pub fn neighbour_replace(&mut self, spec: &NeighbourSpec) -> Result<(), Error> {
        self.neighbour_change(Verb::Replace, spec)
    }

    /// Adds another entry with the same key (`bridge fdb append`: several
    /// remotes for one MAC on a vxlan device).
    pub fn neighbour_append(&mut self, spec: &NeighbourSpec) -> Result<(), Error> {
        self.neighbour_change(Verb::Append, spec)
    }

    /// Deletes a neighbour or FDB entry; a missing one is `ENOENT`.
    pub fn neighbour_del(&mut self, spec: &NeighbourSpec) -> Result<(), Error> {
        self.neighbour_change(Verb::Del, spec)
    }

    fn neighbour_change(&mut self, verb: Verb, spec: &NeighbourSpec) -> Result<(), Error> {
        let kind = verb.kind(RTM_NEWNEIGH, RTM_DELNEIGH);
        let sent = spec.with_repr(|r| {
            self.request(verb.op(), Object::Neighbour, kind, verb.flags(), |b| {
                r.emit(b)
            })
        });
        outcome(sent, verb.op(), Object::Neighbour, spec)
    }
}
