//! CPython's `v4_int_to_packed` / `v6_int_to_packed`: an integer to its
//! network-order bytes, refusing values that do not fit.

use super::error::{IpError, ValueError};

/// The 4 big-endian bytes of `v` (CPython `v4_int_to_packed`); `v >= 2**32`
/// is a `ValueError`. Negative Python ints are the caller's to refuse the
/// same way.
///
/// ```
/// use ipdb_core::ip::v4_int_to_packed;
/// assert_eq!(v4_int_to_packed(0xc0a8_0001).unwrap(), [192, 168, 0, 1]);
/// assert!(v4_int_to_packed(1 << 32).is_err());
/// ```
pub fn v4_int_to_packed(v: u128) -> Result<[u8; 4], IpError> {
    u32::try_from(v)
        .map(u32::to_be_bytes)
        .map_err(|_| IpError::Value(ValueError::IntOutOfRange { version: 4 }))
}

/// The 16 big-endian bytes of `v` (CPython `v6_int_to_packed`); every `u128`
/// fits, so only wider Python ints fail (the caller's to refuse).
pub fn v6_int_to_packed(v: u128) -> Result<[u8; 16], IpError> {
    Ok(v.to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs() {
        assert_eq!(v4_int_to_packed(0).unwrap(), [0; 4]);
        assert_eq!(v4_int_to_packed(u32::MAX as u128).unwrap(), [255; 4]);
        assert_eq!(
            v4_int_to_packed(1 << 32).unwrap_err().python_class(),
            "ValueError"
        );
        assert_eq!(v6_int_to_packed(1).unwrap()[15], 1);
    }
}
