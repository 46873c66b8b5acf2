//! Doing something inside another network namespace without moving the
//! calling thread.
//!
//! A socket (netlink, tun, ...) belongs to the namespace its creator was in
//! when it was opened, for the rest of its life. So: spawn a short-lived
//! thread, `setns(fd, CLONE_NEWNET)` there, open the socket, hand the fd back,
//! let the thread end. The caller's thread never changes namespace.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::sys;

/// Opens a namespace file (e.g. `/run/netns/NAME`, `/proc/PID/ns/net`) for
/// use with [`run_in`].
pub fn open(path: &Path) -> io::Result<OwnedFd> {
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    sys::open(&c, false)
}

/// Runs `f` on a new thread that first joins the network namespace `ns`;
/// returns what `f` returned. The calling thread stays where it is.
///
/// Anything `f` opens (sockets, tun devices) stays bound to `ns` after the
/// thread ends. `f` must not rely on thread-local state of the caller.
pub fn run_in<T, F>(ns: BorrowedFd<'_>, f: F) -> io::Result<T>
where
    T: Send,
    F: FnOnce() -> io::Result<T> + Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            sys::setns_net(ns)?;
            f()
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// [`run_in`] for a namespace given by path.
pub fn run_in_path<T, F>(path: &Path, f: F) -> io::Result<T>
where
    T: Send,
    F: FnOnce() -> io::Result<T> + Send,
{
    let ns = open(path)?;
    run_in(ns.as_fd(), f)
}
