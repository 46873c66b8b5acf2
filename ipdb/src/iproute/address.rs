//! Adding, replacing and deleting interface addresses (`ip address`).

use super::IpRoute;
use crate::error::{Error, Object};
use crate::spec::{outcome, AddressSpec, Verb};
use ipdb_core::wire::uapi::*;

impl IpRoute {
    /// Adds an address (`ip address add`); one already there is `EEXIST`.
    pub fn address_add(&mut self, spec: &AddressSpec) -> Result<(), Error> {
        self.address_change(Verb::Add, spec)
    }

    /// Adds or updates an address (`ip address replace`).
    pub fn address_replace(&mut self, spec: &AddressSpec) -> Result<(), Error> {
        self.address_change(Verb::Replace, spec)
    }

    /// Deletes an address (`ip address del`); a missing one is
    /// `EADDRNOTAVAIL`.
    pub fn address_del(&mut self, spec: &AddressSpec) -> Result<(), Error> {
        self.address_change(Verb::Del, spec)
    }

    fn address_change(&mut self, verb: Verb, spec: &AddressSpec) -> Result<(), Error> {
        let kind = verb.kind(RTM_NEWADDR, RTM_DELADDR);
        let sent = spec.with_repr(|r| {
            self.request(verb.op(), Object::Address, kind, verb.flags(), |b| {
                r.emit(b)
            })
        });
        outcome(sent, verb.op(), Object::Address, spec)
    }
}
