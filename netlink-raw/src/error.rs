//! What can go wrong talking to the kernel.

use std::fmt;
use std::io;

/// The kernel refused a request: the `NLMSG_ERROR` answer, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetlinkError {
    /// The positive errno (e.g. `libc::EEXIST`).
    pub errno: i32,
    /// The kernel's extended-ack text (`NLMSGERR_ATTR_MSG`), e.g.
    /// "Nexthop has invalid gateway", when it gave one.
    pub message: Option<String>,
    /// Byte offset into the request of the offending attribute
    /// (`NLMSGERR_ATTR_OFFS`), when the kernel gave one.
    pub offset: Option<u32>,
}

impl NetlinkError {
    /// The errno as an [`io::Error`] (loses the message and offset).
    pub fn os_error(&self) -> io::Error {
        io::Error::from_raw_os_error(self.errno)
    }
}

impl fmt::Display for NetlinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.os_error())?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(o) = self.offset {
            write!(f, " (at request byte {o})")?;
        }
        Ok(())
    }
}

impl std::error::Error for NetlinkError {}

/// An error from a netlink socket.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The kernel answered the request with an error.
    Kernel(NetlinkError),
    /// `ENOBUFS` on receive: the socket's receive queue overflowed and the
    /// kernel dropped messages (usually multicast events). The socket stays
    /// usable; whoever mirrors kernel state must resynchronise (dump again).
    Overrun,
    /// Bytes did not frame as netlink messages: a datagram from the kernel,
    /// or a request handed in (then nothing was sent).
    Malformed(ipdb_core::wire::Error),
    /// A dump kept being interrupted (`NLM_F_DUMP_INTR`) by concurrent
    /// changes and was restarted this many times without completing.
    DumpInterrupted {
        /// How many times the dump was restarted.
        restarts: u32,
    },
    /// A system call failed. On a non-blocking socket this includes
    /// [`io::ErrorKind::WouldBlock`] (see [`Error::is_would_block`]).
    Io(io::Error),
}

impl Error {
    /// True for a non-blocking socket that has nothing to read now.
    pub fn is_would_block(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == io::ErrorKind::WouldBlock)
    }

    /// The errno behind the error, if there is one (`ENOBUFS` for
    /// [`Error::Overrun`]).
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Kernel(e) => Some(e.errno),
            Error::Overrun => Some(libc::ENOBUFS),
            Error::Io(e) => e.raw_os_error(),
            Error::Malformed(_) | Error::DumpInterrupted { .. } => None,
        }
    }
}

impl From<io::Error> for Error {
    /// Maps `ENOBUFS` to [`Error::Overrun`]; everything else to [`Error::Io`].
    fn from(e: io::Error) -> Error {
        if e.raw_os_error() == Some(libc::ENOBUFS) {
            Error::Overrun
        } else {
            Error::Io(e)
        }
    }
}

impl From<NetlinkError> for Error {
    fn from(e: NetlinkError) -> Error {
        Error::Kernel(e)
    }
}

impl From<ipdb_core::wire::Error> for Error {
    fn from(e: ipdb_core::wire::Error) -> Error {
        Error::Malformed(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Kernel(e) => write!(f, "kernel refused the request: {e}"),
            Error::Overrun => f.write_str(
                "netlink receive queue overrun (ENOBUFS): the kernel dropped messages; resynchronise",
            ),
            Error::Malformed(e) => write!(f, "malformed netlink data from the kernel: {e}"),
            Error::DumpInterrupted { restarts } => write!(
                f,
                "dump interrupted by concurrent changes {restarts} times; giving up"
            ),
            Error::Io(e) => write!(f, "netlink socket: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Kernel(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}
