//! What goes wrong in the std layer: which operation on which kind of
//! object (and which object, when known), and the cause underneath, kept
//! whole: the kernel's errno, extended-ack text and offset, a socket
//! error, or the wire error of a message that did not decode.

use std::fmt;

use ipdb_core::wire;
use netlink_raw::NetlinkError;

/// The operation that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// Opening the netlink socket (or entering the namespace).
    Open,
    /// Dumping every object of a kind.
    Dump,
    /// Reading one object.
    Get,
    /// Creating an object.
    Add,
    /// Creating or replacing an object.
    Replace,
    /// Changing an existing object.
    Set,
    /// Deleting an object.
    Delete,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Open => "open",
            Op::Dump => "dump",
            Op::Get => "get",
            Op::Add => "add",
            Op::Replace => "replace",
            Op::Set => "set",
            Op::Delete => "delete",
        }
    }
}

/// The kind of object an operation concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Object {
    /// The rtnetlink socket itself.
    Socket,
    /// A link (interface).
    Link,
    /// An interface address.
    Address,
    /// A route.
    Route,
    /// A neighbour (ARP/NDP) entry or bridge FDB entry.
    Neighbour,
    /// A routing policy rule.
    Rule,
    /// A nexthop object.
    Nexthop,
}

impl Object {
    fn noun(self) -> &'static str {
        match self {
            Object::Socket => "netlink socket",
            Object::Link => "link",
            Object::Address => "address",
            Object::Route => "route",
            Object::Neighbour => "neighbour",
            Object::Rule => "rule",
            Object::Nexthop => "nexthop",
        }
    }
}

/// The cause of an [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The kernel refused the request: errno, extended-ack text, offset.
    Kernel(NetlinkError),
    /// The socket failed (I/O, receive queue overrun, a dump interrupted
    /// too often, framing of the kernel's bytes).
    Transport(netlink_raw::Error),
    /// The request did not fit the wire format (e.g. an attribute too long).
    Encode(wire::Error),
    /// A reply message did not decode as the expected kind of object.
    Decode(wire::Error),
    /// An argument was refused before anything was sent.
    InvalidArgument(&'static str),
}

/// An error of the std layer: `op` on `object` (named by `target` when the
/// caller gave one) failed because of `kind`.
#[derive(Debug)]
pub struct Error {
    /// What was being done.
    pub op: Op,
    /// To what kind of object.
    pub object: Object,
    /// Which object, in `ip`-like words (`"dev veth0"`,
    /// `"10.0.0.0/24 table 100"`), when known.
    pub target: Option<String>,
    /// Why it failed.
    pub kind: ErrorKind,
}

impl Error {
    /// An error of `op` on `object` caused by `kind`.
    pub fn new(op: Op, object: Object, kind: ErrorKind) -> Error {
        Error {
            op,
            object,
            target: None,
            kind,
        }
    }

    /// The same error, naming the object it concerned.
    pub fn with_target(mut self, target: impl Into<String>) -> Error {
        self.target = Some(target.into());
        self
    }

    /// The errno behind the error (kernel refusal or socket error), if any.
    pub fn errno(&self) -> Option<i32> {
        match &self.kind {
            ErrorKind::Kernel(e) => Some(e.errno),
            ErrorKind::Transport(e) => e.errno(),
            ErrorKind::InvalidArgument(_) => Some(libc::EINVAL),
            ErrorKind::Encode(_) | ErrorKind::Decode(_) => None,
        }
    }

    /// The kernel's extended-ack text, when it sent one.
    pub fn ext_ack(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Kernel(e) => e.message.as_deref(),
            _ => None,
        }
    }

    /// Wraps a transport error, lifting kernel refusals to [`ErrorKind::Kernel`].
    pub(crate) fn transport(op: Op, object: Object, e: netlink_raw::Error) -> Error {
        let kind = match e {
            netlink_raw::Error::Kernel(k) => ErrorKind::Kernel(k),
            other => ErrorKind::Transport(other),
        };
        Error::new(op, object, kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.verb(), self.object.noun())?;
        if let Some(t) = &self.target {
            write!(f, " {t}")?;
        }
        match &self.kind {
            ErrorKind::Kernel(e) => write!(f, ": {e}"),
            ErrorKind::Transport(e) => write!(f, ": {e}"),
            ErrorKind::Encode(e) => write!(f, ": cannot build the request: {e}"),
            ErrorKind::Decode(e) => write!(f, ": cannot decode the kernel's reply: {e}"),
            ErrorKind::InvalidArgument(why) => write!(f, ": invalid argument: {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Kernel(e) => Some(e),
            ErrorKind::Transport(e) => Some(e),
            _ => None,
        }
    }
}
