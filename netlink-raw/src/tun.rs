//! tun/tap devices through `/dev/net/tun`: the primitive the std layer uses to
//! create (persistent) tun and tap interfaces, here or in another namespace.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

use crate::{netns, sys};

const TUN_PATH: &CStr = c"/dev/net/tun";

/// Layer of the device: `IFF_TUN` (IP packets) or `IFF_TAP` (Ethernet frames).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunMode {
    /// `IFF_TUN`: layer 3, no link-layer header.
    Tun,
    /// `IFF_TAP`: layer 2, Ethernet frames.
    Tap,
}

/// How to attach to (or create) the device with `TUNSETIFF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TunOptions {
    /// Tun or tap.
    pub mode: TunMode,
    /// Prepend the 4-byte packet information header to each packet
    /// (`false` sets `IFF_NO_PI`, what almost everyone wants).
    pub packet_info: bool,
    /// `IFF_MULTI_QUEUE`: several fds (queues) may attach to one device.
    pub multi_queue: bool,
}

impl TunOptions {
    /// `mode`, no packet information header, a single queue.
    pub const fn new(mode: TunMode) -> TunOptions {
        TunOptions {
            mode,
            packet_info: false,
            multi_queue: false,
        }
    }

    fn flags(&self) -> i16 {
        let mut f = match self.mode {
            TunMode::Tun => libc::IFF_TUN,
            TunMode::Tap => libc::IFF_TAP,
        };
        if !self.packet_info {
            f |= libc::IFF_NO_PI;
        }
        if self.multi_queue {
            f |= libc::IFF_MULTI_QUEUE;
        }
        f as i16
    }
}

/// An fd attached to a tun/tap device (one queue of it). Closing it removes
/// the device unless it was made persistent.
#[derive(Debug)]
pub struct Tun {
    fd: OwnedFd,
    name: String,
}

impl Tun {
    /// Opens `/dev/net/tun` and attaches to the device `name`, creating it in
    /// the caller's network namespace if it does not exist. An empty name, or
    /// one with `%d` (e.g. `"tap%d"`), lets the kernel pick; see [`Tun::name`].
    pub fn create(name: &str, options: &TunOptions) -> io::Result<Tun> {
        let mut ifname = ifname_bytes(name)?;
        let fd = sys::open(TUN_PATH, true)?;
        let mut flags = options.flags();
        sys::ioctl_ifreq_flags(fd.as_fd(), libc::TUNSETIFF, &mut ifname, &mut flags)?;
        let end = ifname.iter().position(|&b| b == 0).unwrap_or(ifname.len());
        let name = String::from_utf8_lossy(&ifname[..end]).into_owned();
        Ok(Tun { fd, name })
    }

    /// [`Tun::create`] inside the network namespace `ns` (the device lives
    /// there); the calling thread does not change namespace.
    pub fn create_in_netns(
        ns: BorrowedFd<'_>,
        name: &str,
        options: &TunOptions,
    ) -> io::Result<Tun> {
        netns::run_in(ns, || Tun::create(name, options))
    }

    /// The device's name (as the kernel chose it, for patterns like `tun%d`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `TUNSETPERSIST`: keep the device after this fd closes (or not).
    pub fn set_persist(&self, persist: bool) -> io::Result<()> {
        sys::ioctl_value(
            self.fd.as_fd(),
            libc::TUNSETPERSIST,
            persist as libc::c_ulong,
        )
    }

    /// `TUNSETOWNER`: the user allowed to attach to the device.
    pub fn set_owner(&self, uid: u32) -> io::Result<()> {
        sys::ioctl_value(self.fd.as_fd(), libc::TUNSETOWNER, uid as libc::c_ulong)
    }

    /// `TUNSETGROUP`: the group allowed to attach to the device.
    pub fn set_group(&self, gid: u32) -> io::Result<()> {
        sys::ioctl_value(self.fd.as_fd(), libc::TUNSETGROUP, gid as libc::c_ulong)
    }
}

impl AsFd for Tun {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Tun {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl From<Tun> for OwnedFd {
    fn from(t: Tun) -> OwnedFd {
        t.fd
    }
}

/// The name as the NUL-padded `IFNAMSIZ` array `struct ifreq` holds.
fn ifname_bytes(name: &str) -> io::Result<[u8; libc::IFNAMSIZ]> {
    let b = name.as_bytes();
    if b.len() >= libc::IFNAMSIZ || b.contains(&0) || b.contains(&b'/') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "interface name must be under 16 bytes, without NUL or '/'",
        ));
    }
    let mut out = [0u8; libc::IFNAMSIZ];
    out[..b.len()].copy_from_slice(b);
    Ok(out)
}
