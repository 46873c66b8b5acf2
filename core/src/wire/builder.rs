//! Writing a netlink request into a caller's buffer: header, fixed family
//! header, attributes and nests, each checked for space before it is written.
//!
//! ```
//! use ipdb_core::wire::{uapi::*, MessageBuilder, NlmsgBuf};
//! let mut buf = [0u8; 64];
//! let mut b = MessageBuilder::new(&mut buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0).unwrap();
//! b.append_zeroed(16).unwrap(); // an all-zero ifinfomsg: every family, every link
//! b.put(IFLA_EXT_MASK, &1u32).unwrap();
//! let n = b.finish().unwrap().len();
//! assert_eq!(n, 16 + 16 + 8);
//! assert_eq!(NlmsgBuf::new_checked(&buf[..n]).unwrap().message_type(), RTM_GETLINK);
//! ```

use super::attr::{align, RTA_HDRLEN};
use super::error::{Error, ErrorKind};
use super::framing::{NlmsgBuf, NlmsgHeader, NLMSG_HDRLEN};
use super::uapi::NLA_F_NESTED;
use super::value::AttrValue;

/// Builds one netlink message in a borrowed buffer.
///
/// Every method checks the space it needs first and returns
/// [`ErrorKind::BufferTooSmall`] (with the offset it wanted to write at)
/// instead of writing past the end; padding is zeroed.
#[derive(Debug)]
pub struct MessageBuilder<'b> {
    buf: &'b mut [u8],
    len: usize,
}

/// An open nest, returned by [`MessageBuilder::begin_nested`] and consumed by
/// [`MessageBuilder::end_nested`], which writes its length.
#[derive(Debug)]
#[must_use = "a nest must be closed with end_nested"]
pub struct Nest {
    start: usize,
}

impl<'b> MessageBuilder<'b> {
    /// Starts a message with a `nlmsghdr` of the given type, flags,
    /// sequence number and port id.
    pub fn new(
        buf: &'b mut [u8],
        kind: u16,
        flags: u16,
        seq: u32,
        pid: u32,
    ) -> Result<Self, Error> {
        let mut b = MessageBuilder { buf, len: 0 };
        let hdr = NlmsgHeader {
            len: NLMSG_HDRLEN as u32,
            kind,
            flags,
            seq,
            pid,
        };
        let room = b.reserve(NLMSG_HDRLEN)?;
        hdr.emit(&mut NlmsgBuf::new_unchecked(room));
        Ok(b)
    }

    /// Bytes written so far (the message length if finished now).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written (never true after [`MessageBuilder::new`]).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Reserves `n` bytes plus padding to the next 4-byte boundary, zeroed,
    /// and returns the `n` bytes.
    pub fn append_zeroed(&mut self, n: usize) -> Result<&mut [u8], Error> {
        self.reserve(n)
    }

    /// Appends `bytes` (padded to 4).
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.reserve(bytes.len())?.copy_from_slice(bytes);
        Ok(())
    }

    fn reserve(&mut self, n: usize) -> Result<&mut [u8], Error> {
        let too_small = Error::new(ErrorKind::BufferTooSmall, self.len);
        let padded = align(n).ok_or(too_small)?;
        let end = self.len.checked_add(padded).ok_or(too_small)?;
        if end > self.buf.len() {
            return Err(too_small);
        }
        let start = self.len;
        self.buf[start..end].fill(0);
        self.len = end;
        Ok(&mut self.buf[start..start + n])
    }

    fn write_u16_at(&mut self, at: usize, v: u16) {
        self.buf[at..at + 2].copy_from_slice(&v.to_ne_bytes());
    }

    /// The length of a record that started at `start`, as a `u16`, or
    /// [`ErrorKind::AttributeTooLong`].
    fn record_len(&self, start: usize) -> Result<u16, Error> {
        u16::try_from(self.len - start).map_err(|_| Error::new(ErrorKind::AttributeTooLong, start))
    }

    /// Appends one attribute whose payload is `value`.
    pub fn put<V: AttrValue>(&mut self, kind: u16, value: &V) -> Result<(), Error> {
        self.put_with(kind, value.value_len(), |out| value.encode(out))
    }

    /// Appends one attribute whose payload is `payload` as is.
    pub fn put_bytes(&mut self, kind: u16, payload: &[u8]) -> Result<(), Error> {
        self.put_with(kind, payload.len(), |out| out.copy_from_slice(payload))
    }

    /// Appends one attribute whose payload is `parts` one after the other
    /// (a string and its NUL, a header and a body).
    pub fn put_concat(&mut self, kind: u16, parts: &[&[u8]]) -> Result<(), Error> {
        let n = parts
            .iter()
            .map(|p| p.len())
            .fold(0usize, usize::saturating_add);
        self.put_with(kind, n, |out| {
            let mut at = 0;
            for p in parts {
                out[at..at + p.len()].copy_from_slice(p);
                at += p.len();
            }
        })
    }

    fn put_with(
        &mut self,
        kind: u16,
        n: usize,
        write: impl FnOnce(&mut [u8]),
    ) -> Result<(), Error> {
        let start = self.len;
        let len = n
            .checked_add(RTA_HDRLEN)
            .and_then(|l| u16::try_from(l).ok())
            .ok_or(Error::new(ErrorKind::AttributeTooLong, start))?;
        let room = self.reserve(RTA_HDRLEN + n)?;
        room[0..2].copy_from_slice(&len.to_ne_bytes());
        room[2..4].copy_from_slice(&kind.to_ne_bytes());
        write(&mut room[RTA_HDRLEN..]);
        Ok(())
    }

    /// Opens a nested attribute of type `kind` (`NLA_F_NESTED` is set, as
    /// strict kernels expect); attributes put until the matching
    /// [`MessageBuilder::end_nested`] land inside it.
    pub fn begin_nested(&mut self, kind: u16) -> Result<Nest, Error> {
        self.begin_record(kind | NLA_F_NESTED)
    }

    /// Opens a record whose payload is written by later calls, with `kind`
    /// as given (no flag added). Closed by [`MessageBuilder::end_nested`].
    pub fn begin_record(&mut self, kind: u16) -> Result<Nest, Error> {
        let start = self.len;
        let room = self.reserve(RTA_HDRLEN)?;
        room[2..4].copy_from_slice(&kind.to_ne_bytes());
        Ok(Nest { start })
    }

    /// Closes `nest`, writing its length; longer than 65535 bytes is
    /// [`ErrorKind::AttributeTooLong`].
    pub fn end_nested(&mut self, nest: Nest) -> Result<(), Error> {
        let len = self.record_len(nest.start)?;
        self.write_u16_at(nest.start, len);
        Ok(())
    }

    /// Opens a record with a fixed `header_len`-byte header of which the
    /// first two bytes are its length (`struct rtnexthop`); the rest of the
    /// header is returned zeroed for the caller to fill. Closed by
    /// [`MessageBuilder::end_nested`].
    pub fn begin_sized_header(&mut self, header_len: usize) -> Result<(Nest, &mut [u8]), Error> {
        let start = self.len;
        let room = self.reserve(header_len.max(2))?;
        Ok((Nest { start }, &mut room[2..]))
    }

    /// Writes the total length into the header and returns the message bytes.
    pub fn finish(self) -> Result<&'b mut [u8], Error> {
        let len =
            u32::try_from(self.len).map_err(|_| Error::new(ErrorKind::AttributeTooLong, 0))?;
        let buf = self.buf;
        NlmsgBuf::new_unchecked(&mut buf[..]).set_length(len);
        Ok(&mut buf[..self.len])
    }
}
