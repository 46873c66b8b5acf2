//! [`IpRoute`]: a synchronous handle on the rtnetlink of one network
//! namespace, in the spirit of pyroute2's `IPRoute`.
//!
//! One handle owns one `NETLINK_ROUTE` socket (extended acks, strict
//! checking) and one request buffer that every call reuses. Calls block
//! until the kernel has answered. The calls live in files by purpose:
//! [`dump`] reads every object of a kind into owned [`records`](crate::records);
//! the files beside it change links, addresses, routes, neighbours and rules.

use std::path::{Path, PathBuf};

use ipdb_core::wire::{self, ErrorKind as WireErrorKind, Message, MessageBuilder};
use netlink_raw::{DumpEvent, Socket};

use crate::error::{Error, ErrorKind, Object, Op};

pub mod address;
pub mod batch;
pub mod dump;
pub mod link;
pub mod neighbour;
pub mod route;
pub mod rule;
pub mod tuntap;

/// Request buffer to start with; it grows (up to [`MAX_REQUEST`]) when a
/// request does not fit.
const INITIAL_REQUEST: usize = 4096;

/// Largest request the buffer grows to: a netlink message's length is a
/// `u32`, but the kernel refuses anything much bigger than a page or two,
/// so a request beyond this is a caller mistake.
const MAX_REQUEST: usize = 1 << 20;

/// A synchronous rtnetlink handle on one network namespace.
///
/// ```no_run
/// # fn main() -> Result<(), ipdb::Error> {
/// let mut ipr = ipdb::IpRoute::open()?;
/// let routes = ipr.routes(None, None)?;
/// println!("{} routes", routes.len());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct IpRoute {
    sock: Socket,
    buf: Vec<u8>,
    /// The namespace file the handle was opened on (`None`: the caller's);
    /// tun/tap devices are created there.
    netns: Option<PathBuf>,
}

impl IpRoute {
    /// Opens a handle on the caller's network namespace.
    pub fn open() -> Result<IpRoute, Error> {
        Self::from_socket(Socket::open())
    }

    /// Opens a handle on the network namespace of the namespace file at
    /// `path` (e.g. `/run/netns/NAME`, `/proc/PID/ns/net`). The calling
    /// thread does not change namespace.
    pub fn open_in_netns(path: impl AsRef<Path>) -> Result<IpRoute, Error> {
        let path = path.as_ref();
        let mut ipr = Self::from_socket(Socket::open_in_netns_path(path))
            .map_err(|e| e.with_target(format!("in namespace {}", path.display())))?;
        ipr.netns = Some(path.to_owned());
        Ok(ipr)
    }

    fn from_socket(sock: Result<Socket, netlink_raw::Error>) -> Result<IpRoute, Error> {
        let sock = sock.map_err(|e| Error::transport(Op::Open, Object::Socket, e))?;
        Ok(IpRoute {
            sock,
            buf: vec![0; INITIAL_REQUEST],
            netns: None,
        })
    }

    /// The namespace file given to [`IpRoute::open_in_netns`], if any.
    pub fn netns_path(&self) -> Option<&Path> {
        self.netns.as_deref()
    }

    /// The underlying socket (for its fd, port id, buffer sizing).
    pub fn socket(&self) -> &Socket {
        &self.sock
    }

    /// Builds one request of type `kind` with `flags` into the reusable
    /// buffer; `fill` appends the family header and attributes. Returns the
    /// message length. The buffer grows and `fill` runs again when the
    /// request does not fit.
    fn build(
        &mut self,
        kind: u16,
        flags: u16,
        fill: &mut dyn FnMut(&mut MessageBuilder<'_>) -> Result<(), wire::Error>,
    ) -> Result<usize, wire::Error> {
        loop {
            let attempt =
                MessageBuilder::new(&mut self.buf, kind, flags, 0, 0).and_then(|mut b| {
                    fill(&mut b)?;
                    Ok(b.finish()?.len())
                });
            match attempt {
                Err(e)
                    if e.kind == WireErrorKind::BufferTooSmall && self.buf.len() < MAX_REQUEST =>
                {
                    let grown = (self.buf.len() * 2).min(MAX_REQUEST);
                    self.buf.resize(grown, 0);
                }
                other => return other,
            }
        }
    }

    /// Sends one request (`NLM_F_REQUEST | NLM_F_ACK` are added to `flags`,
    /// e.g. `NLM_F_CREATE | NLM_F_EXCL`) and waits for the kernel's ack.
    /// `fill` writes the family header and attributes (see [`IpRoute::build`]).
    /// A refusal becomes [`ErrorKind::Kernel`] with errno and ext-ack text;
    /// add the object's name with [`Error::with_target`].
    pub(crate) fn request(
        &mut self,
        op: Op,
        object: Object,
        kind: u16,
        flags: u16,
        mut fill: impl FnMut(&mut MessageBuilder<'_>) -> Result<(), wire::Error>,
    ) -> Result<(), Error> {
        self.request_with(op, object, kind, flags, &mut fill, |_| {})
    }

    /// [`IpRoute::request`], handing every non-ack answer (the object of a
    /// `RTM_GET*`, the echo of `NLM_F_ECHO`) to `on_reply`.
    pub(crate) fn request_with(
        &mut self,
        op: Op,
        object: Object,
        kind: u16,
        flags: u16,
        fill: &mut dyn FnMut(&mut MessageBuilder<'_>) -> Result<(), wire::Error>,
        on_reply: impl FnMut(Message<'_>),
    ) -> Result<(), Error> {
        let n = self
            .build(kind, flags, fill)
            .map_err(|e| Error::new(op, object, ErrorKind::Encode(e)))?;
        self.sock
            .request_with(&mut self.buf[..n], on_reply)
            .map_err(|e| Error::transport(op, object, e))
    }

    /// Dumps objects: sends the dump request built by `fill` and decodes
    /// each reply with `decode` (`Ok(None)` skips a message). A dump the
    /// kernel marks inconsistent is restarted and what was decoded so far
    /// dropped, so the result is one consistent snapshot. A reply that does
    /// not decode fails the dump, after the rest of it has been read (the
    /// socket stays usable).
    pub(crate) fn dump<T>(
        &mut self,
        object: Object,
        kind: u16,
        mut fill: impl FnMut(&mut MessageBuilder<'_>) -> Result<(), wire::Error>,
        mut decode: impl FnMut(&Message<'_>) -> Result<Option<T>, wire::Error>,
    ) -> Result<Vec<T>, Error> {
        let n = self
            .build(kind, 0, &mut fill)
            .map_err(|e| Error::new(Op::Dump, object, ErrorKind::Encode(e)))?;
        let mut out = Vec::new();
        let mut bad = None;
        self.sock
            .dump(&mut self.buf[..n], |ev| match ev {
                DumpEvent::Message(m) => {
                    if bad.is_none() {
                        match decode(&m) {
                            Ok(Some(v)) => out.push(v),
                            Ok(None) => {}
                            Err(e) => bad = Some(e),
                        }
                    }
                }
                DumpEvent::Restart => {
                    out.clear();
                    bad = None;
                }
            })
            .map_err(|e| Error::transport(Op::Dump, object, e))?;
        match bad {
            Some(e) => Err(Error::new(Op::Dump, object, ErrorKind::Decode(e))),
            None => Ok(out),
        }
    }
}
