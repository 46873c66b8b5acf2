//! The system calls, one small safe function each. Every `unsafe` block of
//! the crate lives here, next to a `// SAFETY:` line.
//!
//! All functions retry on `EINTR`: a signal arriving during a call is not an
//! error the caller can do anything about.

use std::ffi::CStr;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// Returns the result, retrying while the call failed with `EINTR`.
fn retry<T: PartialEq + From<i8>>(mut call: impl FnMut() -> T) -> io::Result<T> {
    loop {
        let r = call();
        if r != T::from(-1) {
            return Ok(r);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

fn zeroed_sockaddr_nl() -> libc::sockaddr_nl {
    // SAFETY: sockaddr_nl is a C struct of integers; all-zero is a valid value.
    let mut sa: libc::sockaddr_nl = unsafe { mem::zeroed() };
    sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    sa
}

const SOCKADDR_NL_LEN: libc::socklen_t = mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;

/// `socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol)`.
pub(crate) fn netlink_socket(protocol: i32) -> io::Result<OwnedFd> {
    // SAFETY: socket() takes no pointers.
    let fd = retry(|| unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            protocol,
        )
    })?;
    // SAFETY: fd was just returned by socket() and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `bind()` to a netlink address (port id 0 lets the kernel choose).
pub(crate) fn bind(fd: BorrowedFd<'_>, port: u32, groups: u32) -> io::Result<()> {
    let mut sa = zeroed_sockaddr_nl();
    sa.nl_pid = port;
    sa.nl_groups = groups;
    // SAFETY: sa is a valid sockaddr_nl and the length passed is its size.
    retry(|| unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&sa as *const libc::sockaddr_nl).cast(),
            SOCKADDR_NL_LEN,
        )
    })?;
    Ok(())
}

/// `getsockname()`: the bound port id and the legacy group mask.
pub(crate) fn sockname(fd: BorrowedFd<'_>) -> io::Result<(u32, u32)> {
    let mut sa = zeroed_sockaddr_nl();
    let mut len = SOCKADDR_NL_LEN;
    // SAFETY: sa and len are valid for writes; len holds sa's size.
    retry(|| unsafe {
        libc::getsockname(
            fd.as_raw_fd(),
            (&mut sa as *mut libc::sockaddr_nl).cast(),
            &mut len,
        )
    })?;
    Ok((sa.nl_pid, sa.nl_groups))
}

/// `setsockopt()` with an `int` value.
pub(crate) fn set_int_opt(fd: BorrowedFd<'_>, level: i32, name: i32, value: i32) -> io::Result<()> {
    let v: libc::c_int = value;
    // SAFETY: v is a live c_int and the length passed is its size.
    retry(|| unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&v as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// `getsockopt()` with an `int` value.
pub(crate) fn get_int_opt(fd: BorrowedFd<'_>, level: i32, name: i32) -> io::Result<i32> {
    let mut v: libc::c_int = 0;
    let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: v and len are valid for writes; len holds v's size.
    retry(|| unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    })?;
    Ok(v)
}

/// `getsockopt()` filling a `u32` array; returns the length in bytes the
/// kernel wanted (may exceed the array, as for `NETLINK_LIST_MEMBERSHIPS`).
pub(crate) fn get_u32s_opt(
    fd: BorrowedFd<'_>,
    level: i32,
    name: i32,
    out: &mut [u32],
) -> io::Result<usize> {
    let mut len = mem::size_of_val(out) as libc::socklen_t;
    // SAFETY: out is valid for writes of len bytes; the kernel writes at most len.
    retry(|| unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            out.as_mut_ptr().cast(),
            &mut len,
        )
    })?;
    Ok(len as usize)
}

/// The size of the next datagram, without consuming it
/// (`recv(MSG_PEEK | MSG_TRUNC)` into an empty buffer).
pub(crate) fn peek_len(fd: BorrowedFd<'_>) -> io::Result<usize> {
    let mut none = [0u8; 0];
    // SAFETY: a zero-length buffer: the kernel writes nothing through the pointer.
    let n = retry(|| unsafe {
        libc::recv(
            fd.as_raw_fd(),
            none.as_mut_ptr().cast(),
            0,
            libc::MSG_PEEK | libc::MSG_TRUNC,
        )
    })?;
    Ok(n as usize)
}

/// `recvfrom()` one datagram into `buf`; returns its length and the sender's
/// port id (0 for the kernel).
pub(crate) fn recv_from(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<(usize, u32)> {
    let mut sa = zeroed_sockaddr_nl();
    let mut len = SOCKADDR_NL_LEN;
    // SAFETY: buf is valid for writes of buf.len() bytes; sa and len are valid
    // for writes and len holds sa's size.
    let n = retry(|| unsafe {
        libc::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            0,
            (&mut sa as *mut libc::sockaddr_nl).cast(),
            &mut len,
        )
    })?;
    Ok((n as usize, sa.nl_pid))
}

/// `sendto()` a datagram to a netlink port (0: the kernel).
pub(crate) fn send_to(fd: BorrowedFd<'_>, buf: &[u8], port: u32) -> io::Result<usize> {
    let mut sa = zeroed_sockaddr_nl();
    sa.nl_pid = port;
    // SAFETY: buf is valid for reads of buf.len() bytes; sa is a valid
    // sockaddr_nl and the length passed is its size.
    let n = retry(|| unsafe {
        libc::sendto(
            fd.as_raw_fd(),
            buf.as_ptr().cast(),
            buf.len(),
            0,
            (&sa as *const libc::sockaddr_nl).cast(),
            SOCKADDR_NL_LEN,
        )
    })?;
    Ok(n as usize)
}

/// `poll()` the fds for input; `ready[i]` says whether `fds[i]` is readable
/// (or hung up / in error, which a read then reports). Returns how many are.
pub(crate) fn poll_in(
    fds: &[BorrowedFd<'_>],
    timeout_ms: i32,
    ready: &mut [bool],
) -> io::Result<usize> {
    let mut pfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|fd| libc::pollfd {
            fd: fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    // SAFETY: pfds is a valid, writable array of pfds.len() pollfd structs.
    let n =
        retry(|| unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, timeout_ms) })?;
    for (r, p) in ready.iter_mut().zip(&pfds) {
        *r = p.revents != 0;
    }
    Ok(n as usize)
}

/// Sets or clears `O_NONBLOCK`.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    // SAFETY: F_GETFL takes no pointer.
    let flags = retry(|| unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
    let new = if on {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new != flags {
        // SAFETY: F_SETFL takes an int, no pointer.
        retry(|| unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, new) })?;
    }
    Ok(())
}

/// Whether `O_NONBLOCK` is set.
pub(crate) fn is_nonblocking(fd: BorrowedFd<'_>) -> io::Result<bool> {
    // SAFETY: F_GETFL takes no pointer.
    let flags = retry(|| unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
    Ok(flags & libc::O_NONBLOCK != 0)
}

/// Moves the calling thread into the network namespace `ns`.
pub(crate) fn setns_net(ns: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: setns() takes no pointers; it changes only the calling thread.
    retry(|| unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) })?;
    Ok(())
}

/// `open()` a path read-write (or read-only) with `O_CLOEXEC`.
pub(crate) fn open(path: &CStr, read_write: bool) -> io::Result<OwnedFd> {
    let mode = if read_write {
        libc::O_RDWR
    } else {
        libc::O_RDONLY
    };
    // SAFETY: path is a NUL-terminated string that outlives the call.
    let fd = retry(|| unsafe { libc::open(path.as_ptr(), mode | libc::O_CLOEXEC) })?;
    // SAFETY: fd was just returned by open() and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// An `ioctl()` whose argument is an `int` passed by value (`TUNSETPERSIST`,
/// `TUNSETOWNER`, `TUNSETGROUP`).
pub(crate) fn ioctl_value(
    fd: BorrowedFd<'_>,
    request: libc::Ioctl,
    value: libc::c_ulong,
) -> io::Result<()> {
    // SAFETY: these requests read the argument as a number, not a pointer.
    retry(|| unsafe { libc::ioctl(fd.as_raw_fd(), request, value) })?;
    Ok(())
}

/// An `ioctl()` on a `struct ifreq` holding a name and flags (`TUNSETIFF`,
/// `TUNGETIFF`); the kernel may rewrite both (e.g. fill in `tun%d`).
pub(crate) fn ioctl_ifreq_flags(
    fd: BorrowedFd<'_>,
    request: libc::Ioctl,
    name: &mut [u8; libc::IFNAMSIZ],
    flags: &mut i16,
) -> io::Result<()> {
    // SAFETY: ifreq is a C struct/union of integers and arrays; all-zero is valid.
    let mut ifr: libc::ifreq = unsafe { mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(name.iter()) {
        *dst = *src as libc::c_char;
    }
    ifr.ifr_ifru.ifru_flags = *flags;
    // SAFETY: ifr is a live ifreq, the type these requests read and write.
    retry(|| unsafe { libc::ioctl(fd.as_raw_fd(), request, &mut ifr as *mut libc::ifreq) })?;
    for (dst, src) in name.iter_mut().zip(ifr.ifr_name.iter()) {
        *dst = *src as u8;
    }
    // SAFETY: the kernel filled the flags member of the union for these requests.
    *flags = unsafe { ifr.ifr_ifru.ifru_flags };
    Ok(())
}
