//! Policy routing rules (`ip rule add|del`).
//!
//! ```
//! use ipdb::spec::{Verb, RuleSpec};
//! let mut spec = RuleSpec::default();
//! spec.priority = Some(100);
//! spec.from = Some("10.0.0.0/8".parse().unwrap());
//! spec.table = Some(1000);
//! assert_eq!(spec.to_string(), "pref 100 from 10.0.0.0/8 lookup 1000");
//! let mut buf = [0u8; 128];
//! assert!(spec.request(Verb::Add, &mut buf).is_ok());
//! ```

use std::fmt;

use ipdb_core::ip::IpNetwork;
use ipdb_core::wire::rule::{FibRuleHeader, RuleAttrs, RuleRepr};
use ipdb_core::wire::uapi::*;

use super::{if_name, prefix, write, Family, SpecError, Verb};

/// `action` of a rule (`FR_ACT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleAction {
    /// `lookup TABLE`.
    ToTable,
    /// `goto PRIORITY`.
    Goto,
    /// `nop`.
    Nop,
    /// `blackhole`.
    Blackhole,
    /// `unreachable`.
    Unreachable,
    /// `prohibit`.
    Prohibit,
    /// Another `FR_ACT_*` value.
    Other(u8),
}

impl RuleAction {
    /// The `FR_ACT_*` value.
    pub const fn raw(self) -> u8 {
        match self {
            RuleAction::ToTable => FR_ACT_TO_TBL,
            RuleAction::Goto => FR_ACT_GOTO,
            RuleAction::Nop => FR_ACT_NOP,
            RuleAction::Blackhole => FR_ACT_BLACKHOLE,
            RuleAction::Unreachable => FR_ACT_UNREACHABLE,
            RuleAction::Prohibit => FR_ACT_PROHIBIT,
            RuleAction::Other(v) => v,
        }
    }
}

/// A rule. The action defaults to `goto` when `goto` is set; otherwise, on
/// add, to `lookup`, whose table defaults to main. On delete unset fields
/// match anything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleSpec {
    /// Family when neither `from` nor `to` tells it (IPv4 by default).
    pub family: Option<Family>,
    /// Preference (`pref`); the kernel picks one below the lowest if unset.
    pub priority: Option<u32>,
    /// Table of a `lookup` rule (any `u32`).
    pub table: Option<u32>,
    /// Firewall mark to match.
    pub fwmark: Option<u32>,
    /// Mask for `fwmark`.
    pub fwmask: Option<u32>,
    /// Source prefix.
    pub from: Option<IpNetwork>,
    /// Destination prefix.
    pub to: Option<IpNetwork>,
    /// Input interface name.
    pub iif: Option<String>,
    /// Output interface name.
    pub oif: Option<String>,
    /// Target preference of a `goto` rule.
    pub goto: Option<u32>,
    /// The action.
    pub action: Option<RuleAction>,
    /// TOS to match.
    pub tos: u8,
    /// Negate the match (`not`).
    pub invert: bool,
    /// `suppress_prefixlength`.
    pub suppress_prefixlen: Option<u32>,
    /// `RTPROT_*` of who adds the rule.
    pub protocol: Option<u8>,
}

impl RuleSpec {
    /// The rule's family: `from`'s, `to`'s, or [`RuleSpec::family`].
    pub fn resolved_family(&self) -> Result<Family, SpecError> {
        let of = |n: &IpNetwork| {
            if n.version() == 4 {
                Family::V4
            } else {
                Family::V6
            }
        };
        let from = self.from.as_ref().map(of);
        let to = self.to.as_ref().map(of);
        let given = [from, to, self.family];
        let mut found = None;
        for f in given.into_iter().flatten() {
            if found.is_some_and(|g| g != f) {
                return Err(SpecError::Invalid("family: from, to and family disagree"));
            }
            found = Some(f);
        }
        Ok(found.unwrap_or_default())
    }

    fn action(&self, op: Verb) -> Option<RuleAction> {
        // The kernel refuses FRA_GOTO unless the action is goto, on
        // delete too.
        match (self.action, op) {
            (Some(a), _) => Some(a),
            (None, _) if self.goto.is_some() => Some(RuleAction::Goto),
            (None, Verb::Del) => None,
            (None, _) => Some(RuleAction::ToTable),
        }
    }

    /// The `RTM_NEWRULE` (or, for [`Verb::Del`], `RTM_DELRULE`) request,
    /// written into `buf`.
    pub fn request<'b>(&self, op: Verb, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        let kind = op.kind(RTM_NEWRULE, RTM_DELRULE);
        self.with_repr(op, |r| write(buf, kind, op.flags(), |b| r.emit(b)))?
    }

    /// Hands the body of the request for `op` (the repr to emit) to `f`.
    pub fn with_repr<R>(&self, op: Verb, f: impl FnOnce(&RuleRepr) -> R) -> Result<R, SpecError> {
        let family = self.resolved_family()?;
        let action = self.action(op);
        let table = match (self.table, action) {
            (Some(t), _) => Some(t),
            (None, Some(RuleAction::ToTable)) if op != Verb::Del => Some(RT_TABLE_MAIN),
            _ => None,
        };
        let from = self.from.as_ref().map(prefix);
        let to = self.to.as_ref().map(prefix);
        let name = |n: &Option<String>, bad| n.as_deref().map(|n| if_name(n, bad)).transpose();
        let repr = RuleRepr {
            header: FibRuleHeader {
                family: family.af(),
                dst_len: to.map_or(0, |(_, l)| l),
                src_len: from.map_or(0, |(_, l)| l),
                tos: self.tos,
                table: table.map_or(0, super::header_table),
                action: action.map_or(FR_ACT_UNSPEC, RuleAction::raw),
                flags: if self.invert { FIB_RULE_INVERT } else { 0 },
            },
            attrs: RuleAttrs {
                dst: to.map(|(a, _)| a),
                src: from.map(|(a, _)| a),
                iifname: name(
                    &self.iif,
                    "iif: interface names have 1 to 15 bytes and no NUL",
                )?,
                oifname: name(
                    &self.oif,
                    "oif: interface names have 1 to 15 bytes and no NUL",
                )?,
                goto: self.goto,
                priority: self.priority,
                fwmark: self.fwmark,
                fwmask: self.fwmask,
                table,
                suppress_prefixlen: self.suppress_prefixlen,
                protocol: self.protocol,
                ..RuleAttrs::default()
            },
            bad_attr: None,
        };
        Ok(f(&repr))
    }
}

impl fmt::Display for RuleSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut words: Vec<String> = Vec::new();
        if let Some(p) = self.priority {
            words.push(format!("pref {p}"));
        }
        if self.invert {
            words.push("not".into());
        }
        if let Some(n) = &self.from {
            words.push(format!("from {n}"));
        }
        if let Some(n) = &self.to {
            words.push(format!("to {n}"));
        }
        if let Some(m) = self.fwmark {
            match self.fwmask {
                Some(k) => words.push(format!("fwmark {m:#x}/{k:#x}")),
                None => words.push(format!("fwmark {m:#x}")),
            }
        }
        if let Some(i) = &self.iif {
            words.push(format!("iif {i}"));
        }
        if let Some(o) = &self.oif {
            words.push(format!("oif {o}"));
        }
        if let Some(t) = self.table {
            words.push(format!("lookup {t}"));
        }
        if let Some(g) = self.goto {
            words.push(format!("goto {g}"));
        }
        match self.action {
            Some(RuleAction::Nop) => words.push("nop".into()),
            Some(RuleAction::Blackhole) => words.push("blackhole".into()),
            Some(RuleAction::Unreachable) => words.push("unreachable".into()),
            Some(RuleAction::Prohibit) => words.push("prohibit".into()),
            Some(RuleAction::Other(v)) => words.push(format!("action {v}")),
            _ => {}
        }
        if words.is_empty() {
            return f.write_str("all");
        }
        f.write_str(&words.join(" "))
    }
}
