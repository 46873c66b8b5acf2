//! `rtattr`/`nlattr`: the type-length-value records after every fixed header,
//! and the checked walk over a run of them.
//!
//! Every walk checks the record header and its declared length against the
//! bytes left before reading anything; the next record starts at the 4-byte
//! aligned end of the previous one.

use super::error::{Error, ErrorKind};
use super::uapi::{NLA_F_NESTED, NLA_F_NET_BYTEORDER};
use super::value::AttrValue;

/// Size of an attribute header (`struct rtattr`: `rta_len`, `rta_type`).
pub const RTA_HDRLEN: usize = 4;
/// Alignment of attributes and netlink messages.
pub const RTA_ALIGNTO: usize = 4;

/// `len` rounded up to the netlink alignment (`RTA_ALIGN`/`NLMSG_ALIGN`),
/// or `None` on overflow.
pub const fn align(len: usize) -> Option<usize> {
    match len.checked_add(RTA_ALIGNTO - 1) {
        Some(n) => Some(n & !(RTA_ALIGNTO - 1)),
        None => None,
    }
}

/// Space one attribute with a `payload_len`-byte payload takes, padding included.
pub const fn attr_size(payload_len: usize) -> usize {
    (RTA_HDRLEN + payload_len + RTA_ALIGNTO - 1) & !(RTA_ALIGNTO - 1)
}

const TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

mod field {
    pub const LEN: core::ops::Range<usize> = 0..2;
    pub const TYPE: core::ops::Range<usize> = 2..4;
}

/// A view of one attribute over bytes that start with its header.
#[derive(Debug, Clone, Copy)]
pub struct RtattrBuf<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> RtattrBuf<T> {
    /// Wraps `buffer` without checking it; accessors may then panic.
    pub const fn new_unchecked(buffer: T) -> Self {
        RtattrBuf { buffer }
    }

    /// Wraps `buffer` after [`RtattrBuf::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let b = Self::new_unchecked(buffer);
        b.check_len()?;
        Ok(b)
    }

    /// Checks that the header fits and that `rta_len` is at least the header
    /// and at most the buffer.
    pub fn check_len(&self) -> Result<(), Error> {
        let data = self.buffer.as_ref();
        if data.len() < RTA_HDRLEN {
            return Err(Error::new(ErrorKind::Truncated, 0));
        }
        let len = usize::from(self.len());
        if len < RTA_HDRLEN {
            return Err(Error::new(ErrorKind::BadLength, 0));
        }
        if len > data.len() {
            return Err(Error::new(ErrorKind::Truncated, 0));
        }
        Ok(())
    }

    /// `rta_len`: header plus payload, without trailing padding.
    pub fn len(&self) -> u16 {
        let d = self.buffer.as_ref();
        u16::from_ne_bytes([d[field::LEN.start], d[field::LEN.start + 1]])
    }

    /// Whether the attribute is only a header.
    pub fn is_empty(&self) -> bool {
        usize::from(self.len()) <= RTA_HDRLEN
    }

    /// `rta_type` including the `NLA_F_NESTED`/`NLA_F_NET_BYTEORDER` bits.
    pub fn raw_kind(&self) -> u16 {
        let d = self.buffer.as_ref();
        u16::from_ne_bytes([d[field::TYPE.start], d[field::TYPE.start + 1]])
    }

    /// The attribute type with the flag bits masked off.
    pub fn kind(&self) -> u16 {
        self.raw_kind() & TYPE_MASK
    }

    /// The payload (`rta_len` - 4 bytes).
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[RTA_HDRLEN..usize::from(self.len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> RtattrBuf<T> {
    /// Sets `rta_len`.
    pub fn set_len(&mut self, len: u16) {
        self.buffer.as_mut()[field::LEN].copy_from_slice(&len.to_ne_bytes());
    }

    /// Sets `rta_type` (flags included).
    pub fn set_kind(&mut self, kind: u16) {
        self.buffer.as_mut()[field::TYPE].copy_from_slice(&kind.to_ne_bytes());
    }

    /// The payload, writable (`rta_len` must already be set).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let len = usize::from(self.len());
        &mut self.buffer.as_mut()[RTA_HDRLEN..len]
    }
}

/// One attribute found by a walk: its type, its payload and where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr<'a> {
    raw_kind: u16,
    payload: &'a [u8],
    offset: usize,
}

impl<'a> Attr<'a> {
    /// The attribute type with the flag bits masked off.
    pub fn kind(&self) -> u16 {
        self.raw_kind & TYPE_MASK
    }

    /// The attribute type as sent, `NLA_F_NESTED`/`NLA_F_NET_BYTEORDER` included.
    pub fn raw_kind(&self) -> u16 {
        self.raw_kind
    }

    /// The payload bytes.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Offset of the attribute header from the start of the walked buffer.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The payload as a run of nested attributes.
    pub fn nested(&self) -> Attrs<'a> {
        Attrs::with_base(self.payload, self.offset + RTA_HDRLEN)
    }

    /// The payload decoded as `V`; a wrong size is
    /// [`ErrorKind::BadAttribute`] at this attribute's offset.
    pub fn get<V: AttrValue>(&self) -> Result<V, Error> {
        V::decode(self.payload).ok_or(Error::new(
            ErrorKind::BadAttribute(self.kind()),
            self.offset,
        ))
    }

    /// Native-endian `u8` (a payload longer than the value is allowed, as the kernel allows it).
    pub fn u8(&self) -> Result<u8, Error> {
        self.get()
    }
    /// Native-endian `u16`.
    pub fn u16(&self) -> Result<u16, Error> {
        self.get()
    }
    /// Native-endian `u32`.
    pub fn u32(&self) -> Result<u32, Error> {
        self.get()
    }
    /// Native-endian `u64`.
    pub fn u64(&self) -> Result<u64, Error> {
        self.get()
    }
    /// Big-endian (network order) `u16`, as ports are carried.
    pub fn be16(&self) -> Result<u16, Error> {
        self.get::<super::value::Be16>().map(|v| v.0)
    }
    /// Big-endian (network order) `u32`, as GRE keys are carried.
    pub fn be32(&self) -> Result<u32, Error> {
        self.get::<super::value::Be32>().map(|v| v.0)
    }
    /// The payload as a string: up to the first NUL, or all of it if there is
    /// none. Not UTF-8 is [`ErrorKind::BadAttribute`].
    pub fn str(&self) -> Result<&'a str, Error> {
        let bytes = self.bytes_until_nul();
        core::str::from_utf8(bytes)
            .map_err(|_| Error::new(ErrorKind::BadAttribute(self.kind()), self.offset))
    }
    /// The payload up to the first NUL (or all of it).
    pub fn bytes_until_nul(&self) -> &'a [u8] {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        &self.payload[..end]
    }
    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
    pub fn ip(&self) -> Result<core::net::IpAddr, Error> {
        self.get()
    }
}

/// A checked walk over a run of attributes, yielding `Result<Attr>`.
///
/// A record whose header or length does not fit ends the walk with an
/// error (the bytes after it cannot be framed); after that the walk yields
/// nothing more. Up to 3 bytes of trailing padding are allowed.
///
/// Two `Attrs` compare equal when they cover the same bytes, wherever those
/// bytes sit.
#[derive(Clone, Copy, Default)]
pub struct Attrs<'a> {
    data: &'a [u8],
    base: usize,
    pos: usize,
}

impl<'a> Attrs<'a> {
    /// A walk over `data`; offsets are counted from its start.
    pub const fn new(data: &'a [u8]) -> Self {
        Attrs {
            data,
            base: 0,
            pos: 0,
        }
    }

    /// A walk over `data` whose offsets are reported as `base + position`,
    /// so errors inside a message point into the whole message.
    pub const fn with_base(data: &'a [u8], base: usize) -> Self {
        Attrs { data, base, pos: 0 }
    }

    /// All the bytes this walk covers.
    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Offset of the first byte, as given to [`Attrs::with_base`].
    pub fn base(&self) -> usize {
        self.base
    }

    /// The first attribute of type `kind` (flags masked), if the walk reaches
    /// it without a framing error.
    pub fn find(&self, kind: u16) -> Result<Option<Attr<'a>>, Error> {
        for a in *self {
            let a = a?;
            if a.kind() == kind {
                return Ok(Some(a));
            }
        }
        Ok(None)
    }

    /// Checks the framing of every attribute (not their contents).
    pub fn validate(&self) -> Result<(), Error> {
        self.into_iter().try_for_each(|a| a.map(|_| ()))
    }
}

impl core::fmt::Debug for Attrs<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Attrs({} bytes at {})", self.data.len(), self.base)
    }
}

impl PartialEq for Attrs<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}
impl Eq for Attrs<'_> {}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<Attr<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..).filter(|r| !r.is_empty())?;
        let at = self.base + self.pos;
        let Some((hdr, _)) = rest.split_first_chunk::<RTA_HDRLEN>() else {
            // Fewer than a header's worth: allowed only as zero padding.
            self.pos = self.data.len();
            return if rest.iter().all(|&b| b == 0) {
                None
            } else {
                Some(Err(Error::new(ErrorKind::Truncated, at)))
            };
        };
        let len = usize::from(u16::from_ne_bytes([hdr[0], hdr[1]]));
        let raw_kind = u16::from_ne_bytes([hdr[2], hdr[3]]);
        let Some(payload) = rest.get(RTA_HDRLEN..len) else {
            self.pos = self.data.len();
            let kind = if len < RTA_HDRLEN {
                ErrorKind::BadLength
            } else {
                ErrorKind::Truncated
            };
            return Some(Err(Error::new(kind, at)));
        };
        // The last attribute may lack its padding; never step past the end.
        self.pos = (self.pos + attr_size(payload.len())).min(self.data.len());
        Some(Ok(Attr {
            raw_kind,
            payload,
            offset: at,
        }))
    }
}
