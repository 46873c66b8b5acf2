//! IPv6 scope ids (`fe80::1%eth0`, RFC 4007 zones) kept inline, in fixed capacity.

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};

use super::error::{AddressError, AddressErrorKind, IpError};

/// An IPv6 scope id (zone): 1 to [`ScopeId::CAPACITY`] bytes of UTF-8, inline.
///
/// CPython accepts any text after the first `%` as long as it is not empty
/// and has no second `%`; so does [`ScopeId::new`]. The one difference is the
/// capacity: longer zones are refused (interface names are at most 15 bytes
/// on Linux, so 47 leaves room for numeric and other zone names).
///
/// ```
/// use ipdb_core::ip::ScopeId;
/// let s = ScopeId::new("eth0").unwrap();
/// assert_eq!(s.as_str(), "eth0");
/// assert!(ScopeId::new("").is_err());
/// assert!(ScopeId::new("a%b").is_err());
/// ```
#[derive(Copy, Clone)]
pub struct ScopeId {
    // 0 only inside `Ipv6Address` to mean "no scope"; never for a ScopeId
    // handed out. Bytes past `len` are always zero.
    len: u8,
    buf: [u8; ScopeId::CAPACITY],
}

impl ScopeId {
    /// Longest scope id kept, in bytes.
    pub const CAPACITY: usize = 47;

    /// The empty value `Ipv6Address` stores for "no scope".
    pub(crate) const NONE: ScopeId = ScopeId {
        len: 0,
        buf: [0; ScopeId::CAPACITY],
    };

    /// A scope id from its text: not empty, no `%`, at most
    /// [`ScopeId::CAPACITY`] bytes. Errors are `AddressValueError`s.
    pub fn new(s: &str) -> Result<ScopeId, IpError> {
        Self::from_text(s, 0).map_err(IpError::Address)
    }

    /// [`ScopeId::new`] with error offsets shifted by `base` (the position of
    /// the scope text in a longer input).
    pub(crate) fn from_text(s: &str, base: usize) -> Result<ScopeId, AddressError> {
        let b = s.as_bytes();
        let err = |kind| AddressError::at(kind, base, base + b.len());
        if b.is_empty() || b.contains(&b'%') {
            return Err(err(AddressErrorKind::BadScope));
        }
        if b.len() > Self::CAPACITY {
            return Err(err(AddressErrorKind::ScopeTooLong { len: b.len() }));
        }
        let mut buf = [0u8; Self::CAPACITY];
        buf[..b.len()].copy_from_slice(b);
        Ok(ScopeId {
            len: b.len() as u8,
            buf,
        })
    }

    /// The scope id text.
    pub fn as_str(&self) -> &str {
        // Only whole `&str`s are stored, so this never falls back.
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The scope id bytes (UTF-8).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len as usize).unwrap_or(&[])
    }

    /// Length in bytes (never 0 for a value from [`ScopeId::new`]).
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True only for the internal "no scope" value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl PartialEq for ScopeId {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for ScopeId {}

impl Hash for ScopeId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl PartialOrd for ScopeId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Byte-wise order of the text (which is also code point order); the empty
/// "no scope" value sorts first.
impl Ord for ScopeId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl fmt::Display for ScopeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for ScopeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl core::str::FromStr for ScopeId {
    type Err = IpError;
    fn from_str(s: &str) -> Result<Self, IpError> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(ScopeId::new("eth0").unwrap().as_str(), "eth0");
        assert_eq!(ScopeId::new("é").unwrap().len(), 2);
        assert!(ScopeId::new("").is_err());
        assert!(ScopeId::new("%").is_err());
        assert!(ScopeId::new("a%").is_err());
        let long = "x".repeat(ScopeId::CAPACITY);
        assert_eq!(ScopeId::new(&long).unwrap().as_str(), long);
        let e = ScopeId::new(&(long + "y")).unwrap_err();
        assert!(matches!(
            e,
            IpError::Address(AddressError {
                kind: AddressErrorKind::ScopeTooLong { len: 48 },
                ..
            })
        ));
    }

    #[test]
    fn order_and_eq_use_text() {
        let a = ScopeId::new("a").unwrap();
        let b = ScopeId::new("b").unwrap();
        let ab = ScopeId::new("ab").unwrap();
        assert!(a < ab && ab < b);
        assert!(ScopeId::NONE < a);
        assert_eq!(a, ScopeId::new("a").unwrap());
    }
}
