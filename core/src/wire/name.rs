//! Fixed-capacity byte strings for kernel names and link-layer addresses.

use core::fmt;

/// A kernel name (interface name, alias, qdisc, rule interface name, link
/// kind) held inline. `N` is the kernel buffer size *including* the NUL, so
/// `Name<16>` (`IFNAMSIZ`) holds at most 15 bytes, exactly like the kernel.
///
/// Names are bytes to the kernel; [`Name::as_str`] gives the UTF-8 view when
/// there is one.
///
/// ```
/// use ipdb_core::wire::IfName;
/// let n = IfName::new("veth0").unwrap();
/// assert_eq!(n.as_str(), Some("veth0"));
/// assert!(IfName::new("a-name-of-16-byt").is_none());
/// ```
#[derive(Clone, Copy)]
pub struct Name<const N: usize> {
    len: u16,
    bytes: [u8; N],
}

/// An interface name: `IFNAMSIZ` (16) bytes including the NUL.
pub type IfName = Name<16>;
/// An interface alias: `IFALIASZ` (256) bytes including the NUL.
pub type IfAlias = Name<256>;

impl<const N: usize> Name<N> {
    /// Most bytes a name of this type can hold (room is kept for the NUL).
    pub const CAPACITY: usize = N - 1;

    /// The name holding `bytes`, or `None` if they do not fit or contain a NUL.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > Self::CAPACITY || bytes.contains(&0) {
            return None;
        }
        let mut out = Name {
            len: bytes.len() as u16,
            bytes: [0; N],
        };
        out.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(out)
    }

    /// The name holding `s`, or `None` if it does not fit or contains a NUL.
    pub fn new(s: &str) -> Option<Self> {
        Self::from_bytes(s.as_bytes())
    }

    /// The name's bytes, without the NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The name as text, if it is UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }

    /// Number of bytes in the name.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether the name is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> Default for Name<N> {
    fn default() -> Self {
        Name {
            len: 0,
            bytes: [0; N],
        }
    }
}

impl<const N: usize> PartialEq for Name<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
impl<const N: usize> Eq for Name<N> {}

impl<const N: usize> core::hash::Hash for Name<N> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl<const N: usize> fmt::Display for Name<N> {
    /// Non-UTF-8 bytes are shown as `\xNN` escapes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.as_bytes().utf8_chunks() {
            f.write_str(chunk.valid())?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

impl<const N: usize> fmt::Debug for Name<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Most bytes a link-layer address can have (`MAX_ADDR_LEN` in the kernel).
pub const MAX_ADDR_LEN: usize = 32;

/// A link-layer address of any length up to [`MAX_ADDR_LEN`]: 6 bytes for
/// Ethernet, 0 for loopback-less tunnels, 16 for ip6gre, 20 for InfiniBand.
#[derive(Clone, Copy, Default)]
pub struct HwAddr {
    len: u8,
    bytes: [u8; MAX_ADDR_LEN],
}

impl HwAddr {
    /// The address made of `bytes`, or `None` if longer than [`MAX_ADDR_LEN`].
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > MAX_ADDR_LEN {
            return None;
        }
        let mut out = HwAddr {
            len: bytes.len() as u8,
            bytes: [0; MAX_ADDR_LEN],
        };
        out.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(out)
    }

    /// The address bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl PartialEq for HwAddr {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
impl Eq for HwAddr {}

impl core::hash::Hash for HwAddr {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl fmt::Display for HwAddr {
    /// Colon-separated lowercase hex, as `ip link` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.as_bytes().iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for HwAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HwAddr({self})")
    }
}
