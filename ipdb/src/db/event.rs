//! What the database tells callbacks: [`Event`]s about [`Object`]s.

use crate::records::{Address, Link, Neighbour, Nexthop, Route, Rule};

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The object is new to the database.
    Add,
    /// The object was there and changed; [`Event::old`] holds it as it was.
    Change,
    /// The object is gone; [`Event::object`] holds it as it was last seen.
    Del,
}

impl EventKind {
    /// `"add"`, `"change"` or `"del"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Add => "add",
            EventKind::Change => "change",
            EventKind::Del => "del",
        }
    }
}

/// The kinds of object the database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// Network interfaces.
    Link,
    /// Interface addresses.
    Address,
    /// Routes (every table not ignored).
    Route,
    /// Neighbours (ARP/NDP entries).
    Neighbour,
    /// Policy routing rules.
    Rule,
    /// Nexthop objects.
    Nexthop,
}

impl ObjectKind {
    /// Every kind, in the order the database dumps them.
    pub const ALL: [ObjectKind; 6] = [
        ObjectKind::Link,
        ObjectKind::Address,
        ObjectKind::Nexthop,
        ObjectKind::Route,
        ObjectKind::Neighbour,
        ObjectKind::Rule,
    ];

    /// `"link"`, `"address"`, `"route"`, `"neighbour"`, `"rule"` or `"nexthop"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Link => "link",
            ObjectKind::Address => "address",
            ObjectKind::Route => "route",
            ObjectKind::Neighbour => "neighbour",
            ObjectKind::Rule => "rule",
            ObjectKind::Nexthop => "nexthop",
        }
    }
}

/// One object of the database.
// Links are the big variant; events are built once and moved, so boxing
// would only add an allocation per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// A link.
    Link(Link),
    /// An address.
    Address(Address),
    /// A route.
    Route(Route),
    /// A neighbour.
    Neighbour(Neighbour),
    /// A rule.
    Rule(Rule),
    /// A nexthop object.
    Nexthop(Nexthop),
}

impl Object {
    /// Which kind of object this is.
    pub fn kind(&self) -> ObjectKind {
        match self {
            Object::Link(_) => ObjectKind::Link,
            Object::Address(_) => ObjectKind::Address,
            Object::Route(_) => ObjectKind::Route,
            Object::Neighbour(_) => ObjectKind::Neighbour,
            Object::Rule(_) => ObjectKind::Rule,
            Object::Nexthop(_) => ObjectKind::Nexthop,
        }
    }
}

/// A change the database applied: delivered to callbacks after the
/// database holds the new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Add, change or delete.
    pub kind: EventKind,
    /// The object as it is now (for [`EventKind::Del`]: as it was).
    pub object: Object,
    /// For [`EventKind::Change`]: the object before the change.
    pub old: Option<Object>,
}

impl Event {
    pub(crate) fn add(object: Object) -> Event {
        Event {
            kind: EventKind::Add,
            object,
            old: None,
        }
    }

    pub(crate) fn change(object: Object, old: Object) -> Event {
        Event {
            kind: EventKind::Change,
            object,
            old: Some(old),
        }
    }

    pub(crate) fn del(object: Object) -> Event {
        Event {
            kind: EventKind::Del,
            object,
            old: None,
        }
    }

    /// The kind of object the event is about.
    pub fn object_kind(&self) -> ObjectKind {
        self.object.kind()
    }
}
