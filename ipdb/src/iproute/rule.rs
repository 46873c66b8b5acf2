//! Adding and deleting policy routing rules (`ip rule`).

use super::IpRoute;
use crate::error::{Error, Object};
use crate::spec::{outcome, RuleSpec, Verb};
use ipdb_core::wire::uapi::*;

impl IpRoute {
    /// Adds a rule (`ip rule add`); an identical rule is `EEXIST`.
    pub fn rule_add(&mut self, spec: &RuleSpec) -> Result<(), Error> {
        self.rule_change(Verb::Add, spec)
    }

    /// Deletes the first rule matching every field set in `spec`
    /// (`ip rule del`); none is `ENOENT`.
    pub fn rule_del(&mut self, spec: &RuleSpec) -> Result<(), Error> {
        self.rule_change(Verb::Del, spec)
    }

    fn rule_change(&mut self, verb: Verb, spec: &RuleSpec) -> Result<(), Error> {
        let kind = verb.kind(RTM_NEWRULE, RTM_DELRULE);
        let sent = spec.with_repr(verb, |r| {
            self.request(verb.op(), Object::Rule, kind, verb.flags(), |b| r.emit(b))
        });
        outcome(sent, verb.op(), Object::Rule, spec)
    }
}
