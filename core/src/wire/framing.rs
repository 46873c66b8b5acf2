//! Netlink framing: the `nlmsghdr` view, the walk over the messages of one
//! datagram, and the control messages (`NLMSG_ERROR` acks with extended-ack
//! attributes, `NLMSG_DONE`).
//!
//! ```
//! use ipdb_core::wire::{uapi::*, Control, Messages};
//! // One datagram: an ack (error 0) for request seq 7.
//! let mut dgram = [0u8; 36];
//! dgram[0..4].copy_from_slice(&36u32.to_ne_bytes());
//! dgram[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
//! dgram[6..8].copy_from_slice(&NLM_F_CAPPED.to_ne_bytes());
//! dgram[8..12].copy_from_slice(&7u32.to_ne_bytes());
//! dgram[20..24].copy_from_slice(&16u32.to_ne_bytes()); // echoed request header
//! for msg in Messages::new(&dgram) {
//!     let msg = msg.unwrap();
//!     match msg.control().unwrap() {
//!         Control::Error(e) => assert!(e.is_ack() && e.request.seq == 0),
//!         other => panic!("{other:?}"),
//!     }
//!     assert_eq!(msg.header().seq, 7);
//! }
//! ```

use super::attr::{align, attr_size, Attrs};
use super::builder::MessageBuilder;
use super::error::{Error, ErrorKind};
use super::uapi::*;
use super::value::read_array;

/// Size of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = 16;

mod field {
    use core::ops::Range;
    pub const LEN: Range<usize> = 0..4;
    pub const TYPE: Range<usize> = 4..6;
    pub const FLAGS: Range<usize> = 6..8;
    pub const SEQ: Range<usize> = 8..12;
    pub const PID: Range<usize> = 12..16;
}

/// A view of one netlink message over bytes that start with its header.
#[derive(Debug, Clone, Copy)]
pub struct NlmsgBuf<T: AsRef<[u8]>> {
    buffer: T,
}

macro_rules! get {
    ($d:expr, $r:expr, $t:ty) => {{
        let d: &[u8] = $d;
        let mut a = [0u8; core::mem::size_of::<$t>()];
        a.copy_from_slice(&d[$r]);
        <$t>::from_ne_bytes(a)
    }};
}

impl<T: AsRef<[u8]>> NlmsgBuf<T> {
    /// Wraps `buffer` without checking it; accessors may then panic.
    pub const fn new_unchecked(buffer: T) -> Self {
        NlmsgBuf { buffer }
    }

    /// Wraps `buffer` after [`NlmsgBuf::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let b = Self::new_unchecked(buffer);
        b.check_len()?;
        Ok(b)
    }

    /// Checks that the header fits and `nlmsg_len` lies between the header
    /// size and the buffer size.
    pub fn check_len(&self) -> Result<(), Error> {
        let d = self.buffer.as_ref();
        if d.len() < NLMSG_HDRLEN {
            return Err(Error::new(ErrorKind::Truncated, 0));
        }
        let len = self.length() as usize;
        if len < NLMSG_HDRLEN {
            return Err(Error::new(ErrorKind::BadLength, 0));
        }
        if len > d.len() {
            return Err(Error::new(ErrorKind::Truncated, 0));
        }
        Ok(())
    }

    /// Unwraps the view.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// `nlmsg_len`: header plus payload.
    pub fn length(&self) -> u32 {
        get!(self.buffer.as_ref(), field::LEN, u32)
    }
    /// `nlmsg_type`.
    pub fn message_type(&self) -> u16 {
        get!(self.buffer.as_ref(), field::TYPE, u16)
    }
    /// `nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        get!(self.buffer.as_ref(), field::FLAGS, u16)
    }
    /// `nlmsg_seq`.
    pub fn seq(&self) -> u32 {
        get!(self.buffer.as_ref(), field::SEQ, u32)
    }
    /// `nlmsg_pid`.
    pub fn pid(&self) -> u32 {
        get!(self.buffer.as_ref(), field::PID, u32)
    }
    /// The bytes after the header, up to `nlmsg_len`.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[NLMSG_HDRLEN..self.length() as usize]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> NlmsgBuf<T> {
    /// Sets `nlmsg_len`.
    pub fn set_length(&mut self, v: u32) {
        self.buffer.as_mut()[field::LEN].copy_from_slice(&v.to_ne_bytes())
    }
    /// Sets `nlmsg_type`.
    pub fn set_message_type(&mut self, v: u16) {
        self.buffer.as_mut()[field::TYPE].copy_from_slice(&v.to_ne_bytes())
    }
    /// Sets `nlmsg_flags`.
    pub fn set_flags(&mut self, v: u16) {
        self.buffer.as_mut()[field::FLAGS].copy_from_slice(&v.to_ne_bytes())
    }
    /// Sets `nlmsg_seq`.
    pub fn set_seq(&mut self, v: u32) {
        self.buffer.as_mut()[field::SEQ].copy_from_slice(&v.to_ne_bytes())
    }
    /// Sets `nlmsg_pid`.
    pub fn set_pid(&mut self, v: u32) {
        self.buffer.as_mut()[field::PID].copy_from_slice(&v.to_ne_bytes())
    }
}

/// `struct nlmsghdr` as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NlmsgHeader {
    /// `nlmsg_len`: header plus payload.
    pub len: u32,
    /// `nlmsg_type`: `NLMSG_*` or a family's `RTM_*`.
    pub kind: u16,
    /// `nlmsg_flags`: `NLM_F_*`.
    pub flags: u16,
    /// `nlmsg_seq`.
    pub seq: u32,
    /// `nlmsg_pid`: the sender's port id (0 for the kernel).
    pub pid: u32,
}

impl NlmsgHeader {
    /// Reads the header fields (the view's length must have been checked).
    pub fn parse<T: AsRef<[u8]>>(b: &NlmsgBuf<T>) -> Self {
        NlmsgHeader {
            len: b.length(),
            kind: b.message_type(),
            flags: b.flags(),
            seq: b.seq(),
            pid: b.pid(),
        }
    }
    /// Bytes the header takes.
    pub const fn buffer_len(&self) -> usize {
        NLMSG_HDRLEN
    }
    /// Writes the header fields.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, b: &mut NlmsgBuf<T>) {
        b.set_length(self.len);
        b.set_message_type(self.kind);
        b.set_flags(self.flags);
        b.set_seq(self.seq);
        b.set_pid(self.pid);
    }
    /// Whether `NLM_F_MULTI` is set: more messages of this dump follow.
    pub fn is_multi(&self) -> bool {
        self.flags & NLM_F_MULTI != 0
    }
    /// Whether `NLM_F_DUMP_INTR` is set: the dump may be inconsistent
    /// (the object list changed while it ran) and should be retried.
    pub fn is_dump_intr(&self) -> bool {
        self.flags & NLM_F_DUMP_INTR != 0
    }
}

/// One message found in a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    header: NlmsgHeader,
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Message<'a> {
    /// Checks and wraps one message that starts at the start of `bytes`
    /// (trailing bytes beyond `nlmsg_len` are ignored).
    #[inline]
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let view = NlmsgBuf::new_checked(bytes)?;
        let header = NlmsgHeader::parse(&view);
        Ok(Message {
            header,
            bytes: &bytes[..header.len as usize],
            offset: 0,
        })
    }

    /// The header.
    #[inline]
    pub fn header(&self) -> NlmsgHeader {
        self.header
    }
    /// `nlmsg_type`.
    #[inline]
    pub fn kind(&self) -> u16 {
        self.header.kind
    }
    /// The whole message, header included.
    #[inline]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
    /// The bytes after the header.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.bytes[NLMSG_HDRLEN..]
    }
    /// Offset of this message in the datagram it came from.
    #[inline]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Checks that the message type is one of `kinds`, then splits it like
    /// [`Message::split_fixed`]; what every family parser starts with.
    // Inline (with `split_fixed` and `payload`): `FamilyRepr`'s provided
    // methods that call it are built in the caller's crate, where a call
    // returning the (fixed, attrs) pair made the route bench slower.
    #[inline]
    pub fn split_family(
        &self,
        kinds: &[u16],
        fixed_len: usize,
    ) -> Result<(&'a [u8], Attrs<'a>), Error> {
        if !kinds.contains(&self.header.kind) {
            return Err(Error::new(
                ErrorKind::WrongType(self.header.kind),
                self.offset,
            ));
        }
        self.split_fixed(fixed_len)
    }

    /// Decodes the message as a control message, if it is one
    /// (`NLMSG_ERROR`, `NLMSG_DONE`, `NLMSG_NOOP`, `NLMSG_OVERRUN`);
    /// other types give [`Control::Data`].
    // Inline: a dump asks this of every message, and nearly all are data.
    #[inline]
    pub fn control(&self) -> Result<Control<'a>, Error> {
        Ok(match self.header.kind {
            NLMSG_ERROR => Control::Error(ErrorMsg::parse(self)?),
            NLMSG_DONE => Control::Done(DoneMsg::parse(self)?),
            NLMSG_NOOP => Control::Noop,
            NLMSG_OVERRUN => Control::Overrun,
            _ => Control::Data,
        })
    }

    /// The family payload after a fixed header of `fixed_len` bytes: the
    /// fixed header bytes and the attribute walk after them (offsets in the
    /// walk count from the start of the datagram the message came from).
    #[inline]
    pub fn split_fixed(&self, fixed_len: usize) -> Result<(&'a [u8], Attrs<'a>), Error> {
        let payload = self.payload();
        if payload.len() < fixed_len {
            return Err(Error::new(ErrorKind::Truncated, NLMSG_HDRLEN));
        }
        let attrs_at = align(fixed_len).unwrap_or(usize::MAX).min(payload.len());
        Ok((
            &payload[..fixed_len],
            Attrs::with_base(&payload[attrs_at..], NLMSG_HDRLEN + attrs_at),
        ))
    }
}

/// What kind of message a [`Message`] is, for the framing layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control<'a> {
    /// `NLMSG_ERROR`: an error, or an ack when the code is 0.
    Error(ErrorMsg<'a>),
    /// `NLMSG_DONE`: the end of a dump, with its status.
    Done(DoneMsg<'a>),
    /// `NLMSG_NOOP`.
    Noop,
    /// `NLMSG_OVERRUN`.
    Overrun,
    /// Any other type: a family message (`RTM_*`).
    Data,
}

/// The checked walk over the messages of one datagram.
///
/// Each message starts at the 4-byte aligned end of the previous one. A
/// header that does not fit, or a length below 16 or past the end, ends the
/// walk with an error; the walk yields nothing after that.
#[derive(Debug, Clone, Copy)]
pub struct Messages<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Messages<'a> {
    /// The walk over `datagram`.
    pub const fn new(datagram: &'a [u8]) -> Self {
        Messages {
            data: datagram,
            pos: 0,
        }
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..).filter(|r| !r.is_empty())?;
        let at = self.pos;
        match Message::parse(rest) {
            Ok(mut m) => {
                m.offset = at;
                let step = align(m.bytes.len()).unwrap_or(usize::MAX);
                self.pos = self.pos.saturating_add(step).min(self.data.len());
                Some(Ok(m))
            }
            Err(e) => {
                self.pos = self.data.len();
                Some(Err(Error::new(e.kind, at + e.offset)))
            }
        }
    }
}

/// The extended-ack attributes (`NLMSGERR_ATTR_*`) of an error or done
/// message, present when the kernel set `NLM_F_ACK_TLVS`.
///
/// Equality compares the decoded fields and the TLVs not decoded here, not
/// the order the TLVs came in.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtAck<'a> {
    /// `NLMSGERR_ATTR_MSG`: the kernel's explanation, without its NUL.
    pub msg: Option<&'a [u8]>,
    /// `NLMSGERR_ATTR_OFFS`: offset of the offending attribute in the request.
    pub offs: Option<u32>,
    /// `NLMSGERR_ATTR_COOKIE`.
    pub cookie: Option<&'a [u8]>,
    /// `NLMSGERR_ATTR_MISS_TYPE`: type of a missing required attribute.
    pub miss_type: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_NEST`: offset of the nest that lacks it.
    pub miss_nest: Option<u32>,
    /// The raw TLVs, for the ones not decoded here (`NLMSGERR_ATTR_POLICY`).
    pub raw: Attrs<'a>,
}

impl<'a> ExtAck<'a> {
    fn parse(attrs: Attrs<'a>) -> Self {
        let mut ext = ExtAck {
            raw: attrs,
            ..ExtAck::default()
        };
        // A malformed TLV must not hide the error code: stop or skip, never fail.
        for a in attrs {
            let Ok(a) = a else { break };
            match a.kind() {
                NLMSGERR_ATTR_MSG => ext.msg = Some(a.bytes_until_nul()),
                NLMSGERR_ATTR_OFFS => ext.offs = a.u32().ok(),
                NLMSGERR_ATTR_COOKIE => ext.cookie = Some(a.payload()),
                NLMSGERR_ATTR_MISS_TYPE => ext.miss_type = a.u32().ok(),
                NLMSGERR_ATTR_MISS_NEST => ext.miss_nest = a.u32().ok(),
                _ => {}
            }
        }
        ext
    }

    /// Whether no extended-ack attribute is present.
    pub fn is_empty(&self) -> bool {
        self.msg.is_none()
            && self.offs.is_none()
            && self.cookie.is_none()
            && self.miss_type.is_none()
            && self.miss_nest.is_none()
            && self.others().next().is_none()
    }

    /// The TLVs not decoded into fields (`NLMSGERR_ATTR_POLICY`, newer ones).
    pub fn others(&self) -> impl Iterator<Item = super::attr::Attr<'a>> + 'a {
        self.raw
            .flatten()
            .filter(|a| !Self::DECODED.contains(&a.kind()))
    }

    const DECODED: [u16; 5] = [
        NLMSGERR_ATTR_MSG,
        NLMSGERR_ATTR_OFFS,
        NLMSGERR_ATTR_COOKIE,
        NLMSGERR_ATTR_MISS_TYPE,
        NLMSGERR_ATTR_MISS_NEST,
    ];

    /// Bytes [`ExtAck::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        let u32_attr = |v: Option<u32>| v.map_or(0, |_| attr_size(4));
        self.msg.map_or(0, |m| attr_size(m.len() + 1))
            + u32_attr(self.offs)
            + self.cookie.map_or(0, |c| attr_size(c.len()))
            + u32_attr(self.miss_type)
            + u32_attr(self.miss_nest)
            + self
                .others()
                .map(|a| attr_size(a.payload().len()))
                .sum::<usize>()
    }

    /// Appends the TLVs (the message text gets its NUL back).
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        if let Some(m) = self.msg {
            b.put_concat(NLMSGERR_ATTR_MSG, &[m, &[0]])?;
        }
        let u32s = [
            (NLMSGERR_ATTR_OFFS, self.offs),
            (NLMSGERR_ATTR_MISS_TYPE, self.miss_type),
            (NLMSGERR_ATTR_MISS_NEST, self.miss_nest),
        ];
        for (kind, v) in u32s {
            if let Some(v) = v {
                b.put(kind, &v)?;
            }
        }
        if let Some(c) = self.cookie {
            b.put_bytes(NLMSGERR_ATTR_COOKIE, c)?;
        }
        for a in self.others() {
            b.put_bytes(a.raw_kind(), a.payload())?;
        }
        Ok(())
    }

    /// The kernel's message as text, if present and UTF-8.
    pub fn msg_str(&self) -> Option<&'a str> {
        self.msg.and_then(|m| core::str::from_utf8(m).ok())
    }
}

impl PartialEq for ExtAck<'_> {
    fn eq(&self, o: &Self) -> bool {
        (
            self.msg,
            self.offs,
            self.cookie,
            self.miss_type,
            self.miss_nest,
        ) == (o.msg, o.offs, o.cookie, o.miss_type, o.miss_nest)
            && self
                .others()
                .map(|a| (a.raw_kind(), a.payload()))
                .eq(o.others().map(|a| (a.raw_kind(), a.payload())))
    }
}
impl Eq for ExtAck<'_> {}

/// An `NLMSG_ERROR` message: `struct nlmsgerr` plus extended ack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorMsg<'a> {
    /// `error`: 0 for an ack, else a negative errno.
    pub code: i32,
    /// The header of the request this answers.
    pub request: NlmsgHeader,
    /// The request's payload as echoed back; empty when capped
    /// (`NLM_F_CAPPED`: acks, or `NETLINK_CAP_ACK` set).
    pub request_payload: &'a [u8],
    /// Extended ack attributes (empty unless `NLM_F_ACK_TLVS`).
    pub ext: ExtAck<'a>,
}

impl<'a> ErrorMsg<'a> {
    /// Decodes an `NLMSG_ERROR` message.
    pub fn parse(msg: &Message<'a>) -> Result<Self, Error> {
        if msg.kind() != NLMSG_ERROR {
            return Err(Error::new(ErrorKind::WrongType(msg.kind()), msg.offset));
        }
        let p = msg.payload();
        let base = msg.offset + NLMSG_HDRLEN;
        let code = read_array(p, 0)
            .map(i32::from_ne_bytes)
            .ok_or(Error::new(ErrorKind::Truncated, base))?;
        let echoed = p.get(4..).unwrap_or(&[]);
        let view = NlmsgBuf::new_unchecked(echoed);
        if echoed.len() < NLMSG_HDRLEN {
            return Err(Error::new(ErrorKind::Truncated, base + 4));
        }
        let request = NlmsgHeader::parse(&view);
        let flags = msg.header.flags;
        // Kernels before 4.12 echo only the header of an acked request (with
        // its full length) and do not say NLM_F_CAPPED: a request that does
        // not fit is read as capped rather than as an error.
        let len = request.len as usize;
        let echoed_whole = flags & NLM_F_CAPPED == 0 && len >= NLMSG_HDRLEN && len <= echoed.len();
        let (request_payload, tlv_at) = if echoed_whole {
            (&echoed[NLMSG_HDRLEN..len], align(len).unwrap_or(usize::MAX))
        } else {
            (&[][..], NLMSG_HDRLEN)
        };
        let ext = if flags & NLM_F_ACK_TLVS != 0 {
            let tlv_at = tlv_at.min(echoed.len());
            ExtAck::parse(Attrs::with_base(&echoed[tlv_at..], base + 4 + tlv_at))
        } else {
            ExtAck::default()
        };
        Ok(ErrorMsg {
            code,
            request,
            request_payload,
            ext,
        })
    }

    /// The `nlmsg_flags` an error message with these contents carries:
    /// `NLM_F_CAPPED` when no request payload is echoed, `NLM_F_ACK_TLVS`
    /// when there are extended-ack attributes.
    pub fn flags(&self) -> u16 {
        let capped = if self.request_payload.is_empty() {
            NLM_F_CAPPED
        } else {
            0
        };
        capped
            | if self.ext.is_empty() {
                0
            } else {
                NLM_F_ACK_TLVS
            }
    }

    /// Bytes [`ErrorMsg::emit`] writes after the `nlmsghdr`.
    pub fn buffer_len(&self) -> usize {
        4 + NLMSG_HDRLEN
            + align(self.request_payload.len()).unwrap_or(usize::MAX)
            + self.ext.buffer_len()
    }

    /// Appends `struct nlmsgerr`, the echoed request payload and the
    /// extended ack to a message started as `NLMSG_ERROR` with
    /// [`ErrorMsg::flags`] (what a fake kernel in a test needs).
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        b.append(&self.code.to_ne_bytes())?;
        let room = b.append_zeroed(NLMSG_HDRLEN)?;
        self.request.emit(&mut NlmsgBuf::new_unchecked(room));
        b.append(self.request_payload)?;
        self.ext.emit(b)
    }

    /// Whether this is a success ack (`error` == 0).
    pub fn is_ack(&self) -> bool {
        self.code == 0
    }

    /// The positive errno for an error, `None` for an ack.
    pub fn errno(&self) -> Option<i32> {
        (self.code != 0).then(|| self.code.saturating_neg())
    }
}

/// An `NLMSG_DONE` message: the end of a dump and its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoneMsg<'a> {
    /// The dump's status: 0, or a negative errno when the dump failed part
    /// way. Absent (some old senders) reads as 0.
    pub code: i32,
    /// Extended ack attributes (empty unless `NLM_F_ACK_TLVS`).
    pub ext: ExtAck<'a>,
}

impl<'a> DoneMsg<'a> {
    /// Decodes an `NLMSG_DONE` message.
    pub fn parse(msg: &Message<'a>) -> Result<Self, Error> {
        if msg.kind() != NLMSG_DONE {
            return Err(Error::new(ErrorKind::WrongType(msg.kind()), msg.offset));
        }
        let p = msg.payload();
        let code = read_array(p, 0).map(i32::from_ne_bytes).unwrap_or(0);
        let ext = if msg.header.flags & NLM_F_ACK_TLVS != 0 && p.len() >= 4 {
            ExtAck::parse(Attrs::with_base(&p[4..], msg.offset + NLMSG_HDRLEN + 4))
        } else {
            ExtAck::default()
        };
        Ok(DoneMsg { code, ext })
    }

    /// The `nlmsg_flags` beside `NLM_F_MULTI` that a done message with these
    /// contents carries: `NLM_F_ACK_TLVS` when there are extended-ack attributes.
    pub fn flags(&self) -> u16 {
        if self.ext.is_empty() {
            0
        } else {
            NLM_F_ACK_TLVS
        }
    }

    /// Bytes [`DoneMsg::emit`] writes after the `nlmsghdr`.
    pub fn buffer_len(&self) -> usize {
        4 + self.ext.buffer_len()
    }

    /// Appends the status and the extended ack to a message started as `NLMSG_DONE`.
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        b.append(&self.code.to_ne_bytes())?;
        self.ext.emit(b)
    }
}
