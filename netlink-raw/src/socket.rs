//! The `NETLINK_ROUTE` socket: opening, binding, multicast groups, buffer
//! sizing, and receiving whole datagrams from the kernel.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;

use crate::{netns, sys, Error};

/// `NETLINK_LIST_MEMBERSHIPS` (linux/netlink.h), not in every libc version.
const NETLINK_LIST_MEMBERSHIPS: i32 = 9;

/// Receive buffer to start with: the kernel sizes dump datagrams from the
/// buffer length it last saw, up to 32 KiB, so offering that much up front
/// lets dumps use full-size datagrams.
const INITIAL_RECV_BUF: usize = 32 * 1024;

/// A `NETLINK_ROUTE` socket, bound to a port id the kernel chose, with
/// extended acks (`NETLINK_EXT_ACK`), strict request checking
/// (`NETLINK_GET_STRICT_CHK`) and capped acks (`NETLINK_CAP_ACK`: error
/// answers echo only the request's header) turned on. Blocking unless
/// [`Socket::set_nonblocking`] says otherwise. Dropping it closes the fd.
#[derive(Debug)]
pub struct Socket {
    fd: OwnedFd,
    port: u32,
    pub(crate) seq: u32,
    buf: Vec<u8>,
}

impl Socket {
    /// Opens a socket in the caller's network namespace.
    pub fn open() -> Result<Socket, Error> {
        Socket::from_fd(open_fd()?)
    }

    /// Opens a socket inside the network namespace `ns` (an fd of a namespace
    /// file). The socket stays in that namespace; the calling thread does not
    /// change namespace.
    pub fn open_in_netns(ns: BorrowedFd<'_>) -> Result<Socket, Error> {
        Socket::from_fd(netns::run_in(ns, open_fd)?)
    }

    /// [`Socket::open_in_netns`] for a namespace file path, e.g.
    /// `/run/netns/NAME`.
    pub fn open_in_netns_path(path: &Path) -> Result<Socket, Error> {
        Socket::from_fd(netns::run_in_path(path, open_fd)?)
    }

    fn from_fd(fd: OwnedFd) -> Result<Socket, Error> {
        let (port, _) = sys::sockname(fd.as_fd())?;
        Ok(Socket {
            fd,
            port,
            // Any start works; a per-socket counter is all the kernel echoes.
            seq: 1,
            buf: vec![0; INITIAL_RECV_BUF],
        })
    }

    /// The port id (`nl_pid`) the kernel assigned; acks and dump replies are
    /// addressed to it.
    pub fn port_id(&self) -> u32 {
        self.port
    }

    /// Joins the multicast group `group` (an `RTNLGRP_*` number; any value,
    /// including those above 31 such as `RTNLGRP_NEXTHOP` = 32).
    pub fn add_membership(&self, group: u32) -> Result<(), Error> {
        self.membership(libc::NETLINK_ADD_MEMBERSHIP, group)
    }

    /// Leaves the multicast group `group`.
    pub fn drop_membership(&self, group: u32) -> Result<(), Error> {
        self.membership(libc::NETLINK_DROP_MEMBERSHIP, group)
    }

    fn membership(&self, op: i32, group: u32) -> Result<(), Error> {
        let group = i32::try_from(group)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "group number too large"))?;
        sys::set_int_opt(self.fd.as_fd(), libc::SOL_NETLINK, op, group)?;
        Ok(())
    }

    /// Sets the legacy group bitmask (bit `n - 1` is group `n`, groups 1..=32
    /// only) by rebinding to the same port. Replaces the memberships of groups
    /// 1..=32; memberships above 32 are kept.
    pub fn set_group_mask(&self, mask: u32) -> Result<(), Error> {
        sys::bind(self.fd.as_fd(), self.port, mask)?;
        Ok(())
    }

    /// The legacy bitmask of the groups 1..=32 this socket is a member of.
    pub fn group_mask(&self) -> Result<u32, Error> {
        Ok(sys::sockname(self.fd.as_fd())?.1)
    }

    /// Every multicast group this socket is a member of, ascending
    /// (`NETLINK_LIST_MEMBERSHIPS`).
    pub fn memberships(&self) -> Result<Vec<u32>, Error> {
        let mut words = vec![0u32; 4];
        loop {
            let want = sys::get_u32s_opt(
                self.fd.as_fd(),
                libc::SOL_NETLINK,
                NETLINK_LIST_MEMBERSHIPS,
                &mut words,
            )?;
            if want <= words.len() * 4 {
                break;
            }
            words.resize(want.div_ceil(4), 0);
        }
        let mut groups = Vec::new();
        for (i, w) in words.iter().enumerate() {
            for bit in 0..32 {
                if w & (1 << bit) != 0 {
                    groups.push(i as u32 * 32 + bit + 1);
                }
            }
        }
        Ok(groups)
    }

    /// Asks for a receive buffer of `bytes` and returns the size the kernel
    /// granted (it doubles the request for bookkeeping). Uses
    /// `SO_RCVBUFFORCE` to pass `net.core.rmem_max` when privileged, else
    /// falls back to `SO_RCVBUF`, which the kernel caps at `rmem_max`.
    pub fn set_recv_buffer_size(&self, bytes: usize) -> Result<usize, Error> {
        let v = i32::try_from(bytes).unwrap_or(i32::MAX);
        match sys::set_int_opt(self.fd.as_fd(), libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, v) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                sys::set_int_opt(self.fd.as_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF, v)?
            }
            Err(e) => return Err(e.into()),
        }
        self.recv_buffer_size()
    }

    /// The receive buffer size in effect (`SO_RCVBUF`).
    pub fn recv_buffer_size(&self) -> Result<usize, Error> {
        let v = sys::get_int_opt(self.fd.as_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF)?;
        Ok(v.max(0) as usize)
    }

    /// Switches between blocking and non-blocking mode. In non-blocking mode
    /// [`Socket::recv`] fails with [`Error::Io`] of kind `WouldBlock` when
    /// nothing is queued (see [`Error::is_would_block`]); wait with
    /// poll/epoll on [`AsRawFd::as_raw_fd`]. Requests and dumps expect
    /// blocking mode.
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<(), Error> {
        sys::set_nonblocking(self.fd.as_fd(), nonblocking)?;
        Ok(())
    }

    /// Whether the socket is in non-blocking mode.
    pub fn is_nonblocking(&self) -> Result<bool, Error> {
        Ok(sys::is_nonblocking(self.fd.as_fd())?)
    }

    /// Sends one datagram (one or more complete netlink messages) to the
    /// kernel, as is: no sequence number or port is filled in.
    pub fn send(&self, datagram: &[u8]) -> Result<(), Error> {
        let n = sys::send_to(self.fd.as_fd(), datagram, 0)?;
        if n != datagram.len() {
            // Netlink datagrams are all or nothing; a short send means the
            // kernel changed its contract.
            return Err(io::Error::new(io::ErrorKind::WriteZero, "short netlink send").into());
        }
        Ok(())
    }

    /// Receives the next datagram sent by the kernel and returns its bytes
    /// (one or more netlink messages), valid until the next call that
    /// receives. The buffer grows to fit the datagram (its size is peeked
    /// first), so nothing is ever truncated. Datagrams from other sockets
    /// (non-zero sender port) are dropped.
    ///
    /// `ENOBUFS` surfaces as [`Error::Overrun`]: the kernel dropped messages
    /// because the receive queue was full. The socket stays usable.
    pub fn recv(&mut self) -> Result<&[u8], Error> {
        loop {
            let want = sys::peek_len(self.fd.as_fd())?;
            if want > self.buf.len() {
                self.buf.resize(want, 0);
            }
            let (n, sender) = sys::recv_from(self.fd.as_fd(), &mut self.buf)?;
            if sender == 0 {
                return Ok(&self.buf[..n]);
            }
        }
    }

    /// The next sequence number for a request from this socket.
    pub fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// Opens, configures and binds a `NETLINK_ROUTE` socket in the caller's
/// namespace. Returns a plain fd so that it can run on a namespace thread.
fn open_fd() -> io::Result<OwnedFd> {
    let fd = sys::netlink_socket(libc::NETLINK_ROUTE)?;
    for opt in [
        libc::NETLINK_EXT_ACK,
        libc::NETLINK_GET_STRICT_CHK,
        libc::NETLINK_CAP_ACK,
    ] {
        sys::set_int_opt(fd.as_fd(), libc::SOL_NETLINK, opt, 1)?;
    }
    sys::bind(fd.as_fd(), 0, 0)?;
    Ok(fd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipdb_core::wire::uapi::RTNLGRP_LINK;

    #[test]
    fn datagrams_from_other_sockets_are_dropped() {
        let ns = testns::require!("sender");
        let mut victim = Socket::open_in_netns_path(ns.path()).unwrap();
        let other = Socket::open_in_netns_path(ns.path()).unwrap();
        victim.set_group_mask(1 << (RTNLGRP_LINK - 1)).unwrap();
        // A user socket may unicast to any port; recv must not take that
        // for a kernel message.
        let forged = [0u8; 16];
        sys::send_to(other.as_fd(), &forged, victim.port_id()).unwrap();
        ns.ip(&["link", "add", "s0", "type", "veth", "peer", "name", "s1"]);
        let datagram = victim.recv().unwrap();
        assert_ne!(datagram, forged, "the forged datagram was delivered");
        assert!(datagram.len() > 16);
    }

    #[test]
    fn receive_buffer_grows_to_fit_a_datagram() {
        let ns = testns::require!("grow");
        let mut sock = Socket::open_in_netns_path(ns.path()).unwrap();
        sock.buf = vec![0; 8];
        sock.set_group_mask(1 << (RTNLGRP_LINK - 1)).unwrap();
        ns.ip(&["link", "add", "g0", "type", "veth", "peer", "name", "g1"]);
        let n = sock.recv().unwrap().len();
        assert!(n > 8 && sock.buf.len() >= n, "{n}");
    }
}
