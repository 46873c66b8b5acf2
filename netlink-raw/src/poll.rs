//! Waiting for input on several fds at once, e.g. a [`Socket`](crate::Socket)
//! and a wake-up fd another thread writes to when it wants the waiter to stop.

use std::os::fd::BorrowedFd;
use std::time::Duration;

use crate::{sys, Error};

/// Waits until at least one of `fds` has input (or is hung up / in error),
/// or until `timeout` passes (`None`: no limit). Returns, per fd, whether it
/// is ready; all `false` means the timeout passed.
///
/// ```no_run
/// use std::os::fd::AsFd;
/// use std::os::unix::net::UnixStream;
/// # fn main() -> Result<(), netlink_raw::Error> {
/// let sock = netlink_raw::Socket::open()?;
/// let (_waker, wake) = UnixStream::pair().expect("socketpair");
/// let [events, woken] = netlink_raw::poll::wait_readable([sock.as_fd(), wake.as_fd()], None)?;
/// # let _ = (events, woken);
/// # Ok(()) }
/// ```
pub fn wait_readable<const N: usize>(
    fds: [BorrowedFd<'_>; N],
    timeout: Option<Duration>,
) -> Result<[bool; N], Error> {
    let ms = timeout.map_or(-1, |t| i32::try_from(t.as_millis()).unwrap_or(i32::MAX));
    let mut ready = [false; N];
    sys::poll_in(&fds, ms, &mut ready)?;
    Ok(ready)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;

    #[test]
    fn reports_the_ready_fd_and_times_out() {
        let (mut a, b) = UnixStream::pair().unwrap();
        let (_c, d) = UnixStream::pair().unwrap();
        let none = wait_readable([b.as_fd(), d.as_fd()], Some(Duration::from_millis(10))).unwrap();
        assert_eq!(none, [false, false]);
        a.write_all(b"x").unwrap();
        let some = wait_readable([b.as_fd(), d.as_fd()], None).unwrap();
        assert_eq!(some, [true, false]);
    }
}
