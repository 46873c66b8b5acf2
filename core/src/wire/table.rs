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
pub fn walk<'a>(
    attrs: Attrs<'a>,
    bad: &mut Option<Error>,
    mut accept: impl FnMut(&Attr<'a>) -> Result<(), Error>,
) -> Result<(), Error> {
    for a in attrs {
        let a = a?;
        if let Err(e) = accept(&a) {
            bad.get_or_insert(e);
        }
    }
    Ok(())
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
