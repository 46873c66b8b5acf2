//! [`Review`]: what a transaction would change, as IPDB's `review()`
//! shows it: per link the fields `old -> new`, `+ipaddr`/`-ipaddr` and
//! `+ports`/`-ports` sets, links created and removed; routes, neighbours
//! and rules added, changed (`old -> new`) and removed.

use std::fmt;

use ipdb_core::ip::IpInterface;

use super::change::{Change, LinkRef, Transaction};
use super::restore;
use super::snapshot::Snapshot;
use crate::records::Link;
use crate::spec::{LinkSettings, RouteSpec, Verb};

/// One field of a link, before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// `mtu`, `name`, `address`, `txqlen`, `up`, `alias`, `master`.
    pub field: &'static str,
    /// The value before (`None`: not set, or the link is new).
    pub old: Option<String>,
    /// The value asked for.
    pub new: String,
}

/// What a transaction does to one link.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkReview {
    /// The link's name (before any rename).
    pub name: String,
    /// Created by the transaction (with its kind).
    pub created: Option<String>,
    /// Deleted by the transaction.
    pub removed: bool,
    /// Fields changed.
    pub fields: Vec<FieldChange>,
    /// `+ipaddr`: addresses added.
    pub add_ip: Vec<IpInterface>,
    /// `-ipaddr`: addresses removed.
    pub del_ip: Vec<IpInterface>,
    /// `+ports`: links enslaved to this one.
    pub add_ports: Vec<String>,
    /// `-ports`: links released from this one.
    pub del_ports: Vec<String>,
}

/// Objects of one kind added, changed and removed, in `ip(8)` words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectReview {
    /// Added.
    pub added: Vec<String>,
    /// Changed: `(old, new)` (`old` empty when there was none: then it is
    /// an addition by replace).
    pub changed: Vec<(String, String)>,
    /// Removed.
    pub removed: Vec<String>,
}

/// The structured diff of a transaction against the current state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    /// Links touched, in the order first named.
    pub links: Vec<LinkReview>,
    /// Routes.
    pub routes: ObjectReview,
    /// Neighbours and FDB entries.
    pub neighbours: ObjectReview,
    /// Rules.
    pub rules: ObjectReview,
}

fn name_of(pre: &Snapshot, r: &LinkRef) -> String {
    match r {
        LinkRef::Name(n) => n.clone(),
        LinkRef::Index(i) => pre
            .link(*i)
            .map_or_else(|| format!("index {i}"), |l| l.name.clone()),
    }
}

fn fields(
    old: Option<&Link>,
    rename: &Option<String>,
    s: &LinkSettings,
    out: &mut Vec<FieldChange>,
) {
    let mut push = |field, old: Option<String>, new: Option<String>| {
        if let Some(new) = new {
            out.retain(|f: &FieldChange| f.field != field);
            out.push(FieldChange { field, old, new });
        }
    };
    let mac = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    push("name", old.map(|l| l.name.clone()), rename.clone());
    push(
        "up",
        old.map(|l| l.is_up().to_string()),
        s.up.map(|u| u.to_string()),
    );
    push(
        "mtu",
        old.and_then(|l| l.mtu).map(|m| m.to_string()),
        s.mtu.map(|m| m.to_string()),
    );
    push(
        "address",
        old.and_then(|l| l.address).map(|a| mac(a.as_bytes())),
        s.address.map(|a| mac(a.as_bytes())),
    );
    push(
        "txqlen",
        old.and_then(|l| l.txqlen).map(|m| m.to_string()),
        s.txqlen.map(|m| m.to_string()),
    );
    push("alias", old.and_then(|l| l.alias.clone()), s.alias.clone());
}

/// The route of the state before with `spec`'s key, as a spec.
fn old_route(pre: &Snapshot, spec: &RouteSpec) -> Option<RouteSpec> {
    let table = spec.table.unwrap_or(crate::uapi::RT_TABLE_MAIN);
    pre.routes
        .iter()
        .find(|o| {
            o.dst == spec.dst
                && o.table == table
                && o.priority.unwrap_or(0) == spec.priority.unwrap_or(0)
        })
        .and_then(|o| restore::route_spec(o).ok())
}

impl Review {
    fn link(&mut self, name: String) -> &mut LinkReview {
        match self.links.iter().position(|l| l.name == name) {
            Some(i) => &mut self.links[i],
            None => {
                self.links.push(LinkReview {
                    name,
                    ..LinkReview::default()
                });
                self.links.last_mut().expect("just pushed")
            }
        }
    }

    /// The diff of `t` against `pre`.
    pub fn of(t: &Transaction, pre: &Snapshot) -> Review {
        let mut r = Review::default();
        let old_link = |l: &LinkRef| match l {
            LinkRef::Name(n) => pre.link_by_name(n),
            LinkRef::Index(i) => pre.link(*i),
        };
        let route_words = |s: &RouteSpec| s.to_string();
        for c in &t.changes {
            match c {
                Change::Create { spec, reuse, .. } => {
                    let exists = pre.link_by_name(&spec.name).is_some();
                    let l = r.link(spec.name.clone());
                    if !(exists && *reuse) {
                        l.created = Some(spec.kind.kind_name().to_owned());
                    }
                }
                Change::Set {
                    link,
                    rename,
                    settings,
                } => {
                    let old = old_link(link);
                    let l = r.link(name_of(pre, link));
                    fields(old, rename, settings, &mut l.fields);
                }
                Change::Master { link, master } => {
                    let port = name_of(pre, link);
                    let old = old_link(link)
                        .and_then(|l| l.master)
                        .map(|m| name_of(pre, &LinkRef::Index(m)));
                    let new = master.as_ref().map(|m| name_of(pre, m));
                    if let Some(o) = &old {
                        r.link(o.clone()).del_ports.push(port.clone());
                    }
                    if let Some(n) = &new {
                        r.link(n.clone()).add_ports.push(port.clone());
                    }
                    r.link(port).fields.push(FieldChange {
                        field: "master",
                        old,
                        new: new.unwrap_or_default(),
                    });
                }
                Change::Remove { link } => r.link(name_of(pre, link)).removed = true,
                Change::Address { link, add, spec } => {
                    let l = r.link(name_of(pre, link));
                    if *add {
                        l.add_ip.push(spec.address);
                    } else {
                        l.del_ip.push(spec.address);
                    }
                }
                Change::Route {
                    verb, spec, dev, ..
                } => {
                    let mut words = route_words(spec);
                    if let Some(d) = dev {
                        words.push_str(&format!(" dev {}", name_of(pre, d)));
                    }
                    match verb {
                        Verb::Del => r.routes.removed.push(words),
                        Verb::Replace => {
                            let old = old_route(pre, spec)
                                .map(|o| o.to_string())
                                .unwrap_or_default();
                            r.routes.changed.push((old, words));
                        }
                        _ => r.routes.added.push(words),
                    }
                }
                Change::Nexthops { route, add, del } => {
                    // Old and new as the planner will send them.
                    let old = old_route(pre, route);
                    let new = old
                        .as_ref()
                        .map(|o| match super::plan::with_hops(o, add, del) {
                            Ok(n) => n.to_string(),
                            Err(why) => format!("(refused: {why})"),
                        });
                    r.routes.changed.push((
                        old.map(|o| o.to_string()).unwrap_or_default(),
                        new.unwrap_or_else(|| {
                            format!("(refused: no route {})", route_words(route))
                        }),
                    ));
                }
                Change::Neighbour { add, dev, spec } => {
                    let words = format!("{spec} (dev {})", name_of(pre, dev));
                    if *add {
                        r.neighbours.added.push(words);
                    } else {
                        r.neighbours.removed.push(words);
                    }
                }
                Change::Rule { add, spec } => {
                    if *add {
                        r.rules.added.push(spec.to_string());
                    } else {
                        r.rules.removed.push(spec.to_string());
                    }
                }
            }
        }
        r
    }
}

impl fmt::Display for Review {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.links {
            write!(f, "link {}", l.name)?;
            if let Some(k) = &l.created {
                write!(f, " (new, {k})")?;
            }
            if l.removed {
                f.write_str(" (removed)")?;
            }
            writeln!(f)?;
            for c in &l.fields {
                writeln!(
                    f,
                    "  {}: {} -> {}",
                    c.field,
                    c.old.as_deref().unwrap_or("-"),
                    c.new
                )?;
            }
            for a in &l.add_ip {
                writeln!(f, "  +ipaddr {a}")?;
            }
            for a in &l.del_ip {
                writeln!(f, "  -ipaddr {a}")?;
            }
            for p in &l.add_ports {
                writeln!(f, "  +ports {p}")?;
            }
            for p in &l.del_ports {
                writeln!(f, "  -ports {p}")?;
            }
        }
        for (what, o) in [
            ("route", &self.routes),
            ("neighbour", &self.neighbours),
            ("rule", &self.rules),
        ] {
            for a in &o.added {
                writeln!(f, "+{what} {a}")?;
            }
            for (old, new) in &o.changed {
                writeln!(f, "~{what} {old} -> {new}")?;
            }
            for a in &o.removed {
                writeln!(f, "-{what} {a}")?;
            }
        }
        Ok(())
    }
}
