//! The one place that turns an attribute table into parse, length and emit
//! code, so no family writes a match arm per attribute twice.

use super::attr::{Attr, Attrs};
use super::error::Error;

/// Walks `attrs`, offering each attribute to `accept`.
///
/// Framing errors end the parse (the bytes after them cannot be found).
/// A known attribute that fails to decode is skipped; the first such error
/// is kept in `bad` so the caller can see that something was dropped.
/// Unknown attributes are `accept`'s business (usually ignored).
/// `accept` gets `bad` back so nested walks can record into the same slot.
pub fn walk<'a>(
    attrs: Attrs<'a>,
    bad: &mut Option<Error>,
    mut accept: impl FnMut(&Attr<'a>, &mut Option<Error>) -> Result<(), Error>,
) -> Result<(), Error> {
    for a in attrs {
        let a = a?;
        if let Err(e) = accept(&a, bad) {
            bad.get_or_insert(e);
        }
    }
    Ok(())
}

/// What [`walk_family`] needs of a table declared with `attr_table!`.
pub(crate) trait AttrTable {
    /// Decodes `attr` into its field: `Ok(false)` if the table lacks it.
    fn accept(&mut self, attr: &Attr<'_>) -> Result<bool, Error>;
}

/// The attribute walk of a family message: each attribute goes to `table`
/// (the plain values) first and, if the table does not know it, to `rest`
/// (nests and arrays). Returns the first bad attribute skipped (see
/// [`walk`]), for the repr's `bad_attr`.
#[inline]
pub(crate) fn walk_family<'a>(
    attrs: Attrs<'a>,
    table: &mut impl AttrTable,
    mut rest: impl FnMut(&Attr<'a>, &mut Option<Error>) -> Result<(), Error>,
) -> Result<Option<Error>, Error> {
    let mut bad = None;
    walk(attrs, &mut bad, |a, bad| {
        if table.accept(a)? {
            Ok(())
        } else {
            rest(a, bad)
        }
    })?;
    Ok(bad)
}

/// Declares a struct of `Option` fields, one per attribute type, with
/// `accept` (decode one attribute into its field), `buffer_len` and `emit`
/// generated from the same table.
macro_rules! attr_table {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $( $(#[$fm:meta])* $kind:ident => $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name {
            $( $(#[$fm])* pub $field: Option<$ty>, )*
        }

        impl $name {
            /// Decodes `attr` into its field if its type is in this table.
            /// `Ok(false)`: not in the table; `Err`: in the table but malformed.
            pub fn accept(&mut self, attr: &$crate::wire::Attr<'_>) -> Result<bool, $crate::wire::Error> {
                match attr.kind() {
                    $( $crate::wire::uapi::$kind => {
                        self.$field = Some(attr.get::<$ty>()?);
                        Ok(true)
                    } )*
                    _ => Ok(false),
                }
            }
        }

        impl $crate::wire::table::AttrTable for $name {
            #[inline]
            fn accept(&mut self, attr: &$crate::wire::Attr<'_>) -> Result<bool, $crate::wire::Error> {
                $name::accept(self, attr)
            }
        }

        impl $name {

            /// Decodes a whole run of attributes with this table; see
            /// [`walk`](crate::wire::table::walk) for what is skipped.
            pub fn parse(
                attrs: $crate::wire::Attrs<'_>,
                bad: &mut Option<$crate::wire::Error>,
            ) -> Result<Self, $crate::wire::Error> {
                let mut t = Self::default();
                $crate::wire::table::walk(attrs, bad, |a, _| t.accept(a).map(|_| ()))?;
                Ok(t)
            }

            /// Bytes [`Self::emit`] writes.
            pub fn buffer_len(&self) -> usize {
                #[allow(unused_imports)]
                use $crate::wire::value::AttrValue as _;
                0 $( + self.$field.as_ref().map_or(0, |v| $crate::wire::attr_size(v.value_len())) )*
            }

            /// Appends the present fields as attributes, in table order.
            pub fn emit(&self, b: &mut $crate::wire::MessageBuilder<'_>) -> Result<(), $crate::wire::Error> {
                $( if let Some(v) = &self.$field {
                    b.put($crate::wire::uapi::$kind, v)?;
                } )*
                Ok(())
            }
        }
    };
}
pub(crate) use attr_table;

/// Declares the repr of a family whose messages are a fixed header plus one
/// attribute table (address, neighbour, rule): its
/// [`FamilyRepr`](crate::wire::FamilyRepr) impl, `buffer_len` and `emit`,
/// written once for all of them.
macro_rules! plain_message {
    (
        $(#[$m:meta])*
        pub struct $repr:ident { header: $hdr:ident, attrs: $attrs:ident, kinds: $kinds:ident }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $repr {
            /// The fixed header.
            pub header: $hdr,
            /// The attributes.
            pub attrs: $attrs,
            /// The first known attribute that was malformed and skipped.
            pub bad_attr: Option<$crate::wire::Error>,
        }

        impl<'a> $crate::wire::FamilyRepr<'a> for $repr {
            const MESSAGES: &'static [u16] = &$kinds;
            const FIXED_LEN: usize = $hdr::LEN;

            fn parse_body_into(
                &mut self,
                fixed: &'a [u8],
                attrs: $crate::wire::Attrs<'a>,
            ) -> Result<(), $crate::wire::Error> {
                *self = Self::default();
                self.header = $hdr::from_bytes(fixed)
                    .map_err(|e| $crate::wire::Error::new(e.kind, attrs.base()))?;
                self.bad_attr =
                    $crate::wire::table::walk_family(attrs, &mut self.attrs, |_, _| Ok(()))?;
                Ok(())
            }
        }

        impl $repr {
            /// Bytes [`Self::emit`] writes.
            pub fn buffer_len(&self) -> usize {
                $hdr::LEN + self.attrs.buffer_len()
            }

            /// Appends the fixed header and the attributes to a message being built.
            pub fn emit(&self, b: &mut $crate::wire::MessageBuilder<'_>) -> Result<(), $crate::wire::Error> {
                self.header.append(b)?;
                self.attrs.emit(b)
            }
        }
    };
}
pub(crate) use plain_message;
