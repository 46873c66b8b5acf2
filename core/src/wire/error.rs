//! The one error type of the wire layer: what went wrong and at which byte.

use core::fmt;

/// What went wrong while reading or writing netlink bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Fewer bytes than a header, or than a length field, says there are.
    Truncated,
    /// A length field smaller than the header it belongs to.
    BadLength,
    /// A known attribute whose payload has the wrong size or content
    /// (the attribute's type is given). Typed parsers skip such an attribute
    /// and remember the first one; see `bad_attr` on the message reprs.
    BadAttribute(u16),
    /// A name longer than its kernel buffer allows (e.g. `IFNAMSIZ` - 1).
    NameTooLong,
    /// The caller's output buffer cannot hold what is being emitted.
    BufferTooSmall,
    /// An attribute (or nest) would be longer than the 65535 bytes its
    /// 16-bit length field can say.
    AttributeTooLong,
    /// The message is not of the type this parser reads (the type is given).
    WrongType(u16),
}

/// An error with the byte offset where it was found (parsers) or where the
/// write was attempted (emitters), counted from the start of the buffer the
/// caller handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte offset of the offending header or field.
    pub offset: usize,
}

impl Error {
    /// An error of `kind` at `offset`.
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Error { kind, offset }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Truncated => {
                f.write_str("truncated: fewer bytes than the header or length says")
            }
            ErrorKind::BadLength => f.write_str("length field smaller than its header"),
            ErrorKind::BadAttribute(t) => write!(f, "attribute type {t} has a malformed payload"),
            ErrorKind::NameTooLong => f.write_str("name longer than its kernel buffer"),
            ErrorKind::BufferTooSmall => f.write_str("output buffer too small"),
            ErrorKind::AttributeTooLong => f.write_str("attribute longer than 65535 bytes"),
            ErrorKind::WrongType(t) => write!(f, "unexpected netlink message type {t}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}
