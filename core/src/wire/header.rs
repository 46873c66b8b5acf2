//! The fixed family headers (`ifinfomsg`, `ifaddrmsg`, `rtmsg`, ...) are
//! declared once as a field table; this macro turns a table into a byte view
//! (`XxxBuf<T>`: `new_checked`, getters, setters) and a plain value with
//! `parse`/`emit`/`buffer_len`, so the two can never disagree.

use super::error::{Error, ErrorKind};

/// Checks that a fixed header of `len` bytes fits in `have` bytes.
pub(crate) fn check_fixed(have: usize, len: usize) -> Result<(), Error> {
    if have < len {
        Err(Error::new(ErrorKind::Truncated, 0))
    } else {
        Ok(())
    }
}

macro_rules! fixed_header {
    (
        $(#[$bm:meta])*
        pub struct $buf:ident;
        $(#[$rm:meta])*
        pub struct $repr:ident (len $len:expr) {
            $( $(#[$fm:meta])* $field:ident / $setter:ident : $t:ty = $at:expr, )*
        }
    ) => {
        $(#[$bm])*
        #[derive(Debug, Clone, Copy)]
        pub struct $buf<T: AsRef<[u8]>> {
            buffer: T,
        }

        impl<T: AsRef<[u8]>> $buf<T> {
            /// Size of the header in bytes.
            pub const LEN: usize = $len;

            /// Wraps `buffer` without checking; getters may then panic.
            pub const fn new_unchecked(buffer: T) -> Self {
                $buf { buffer }
            }

            /// Wraps `buffer` after [`Self::check_len`].
            pub fn new_checked(buffer: T) -> Result<Self, $crate::wire::Error> {
                let b = Self::new_unchecked(buffer);
                b.check_len()?;
                Ok(b)
            }

            /// Checks that the whole header fits (longer is fine: a newer
            /// kernel may have grown it).
            pub fn check_len(&self) -> Result<(), $crate::wire::Error> {
                $crate::wire::header::check_fixed(self.buffer.as_ref().len(), $len)
            }

            /// Unwraps the view.
            pub fn into_inner(self) -> T {
                self.buffer
            }

            $(
                $(#[$fm])*
                pub fn $field(&self) -> $t {
                    const N: usize = core::mem::size_of::<$t>();
                    let mut a = [0u8; N];
                    a.copy_from_slice(&self.buffer.as_ref()[$at..$at + N]);
                    <$t>::from_ne_bytes(a)
                }
            )*
        }

        impl<T: AsRef<[u8]> + AsMut<[u8]>> $buf<T> {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                pub fn $setter(&mut self, v: $t) {
                    const N: usize = core::mem::size_of::<$t>();
                    self.buffer.as_mut()[$at..$at + N].copy_from_slice(&v.to_ne_bytes());
                }
            )*
        }

        $(#[$rm])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $repr {
            $( $(#[$fm])* pub $field: $t, )*
        }

        impl $repr {
            /// Size of the header in bytes.
            pub const LEN: usize = $len;

            /// Reads every field from a checked view.
            pub fn parse<T: AsRef<[u8]>>(b: &$buf<T>) -> Self {
                $repr { $( $field: b.$field(), )* }
            }

            /// Bytes [`Self::emit`] writes.
            pub const fn buffer_len(&self) -> usize {
                $len
            }

            /// Writes every field (reserved bytes are left as they are).
            pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, b: &mut $buf<T>) {
                $( b.$setter(self.$field); )*
            }

            /// Reads the header from the first bytes of `bytes`.
            // Inline: called once per message of a dump, and returning the
            // header through memory stalled the caller's first read of it.
            #[inline]
            pub fn from_bytes(bytes: &[u8]) -> Result<Self, $crate::wire::Error> {
                Ok(Self::parse(&$buf::new_checked(bytes)?))
            }

            /// Appends the header (zeroed, then filled) to a message being built.
            pub fn append(&self, b: &mut $crate::wire::MessageBuilder<'_>) -> Result<(), $crate::wire::Error> {
                let room = b.append_zeroed($len)?;
                self.emit(&mut $buf::new_unchecked(room));
                Ok(())
            }
        }
    };
}
pub(crate) use fixed_header;
