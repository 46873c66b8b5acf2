//! How one attribute payload becomes a value and back: the [`AttrValue`]
//! trait and its implementations for integers, addresses, names and the
//! small fixed kernel structs carried in attributes.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::name::{HwAddr, Name};

/// A value carried as one attribute payload.
///
/// `decode` returns `None` when the payload cannot be this value (too short,
/// wrong address size, name too long); it never panics. Integers and fixed
/// structs accept a longer payload and read its prefix, as the kernel does.
pub trait AttrValue: Sized {
    /// Reads the value from an attribute payload.
    fn decode(payload: &[u8]) -> Option<Self>;
    /// Number of payload bytes [`AttrValue::encode`] writes.
    fn value_len(&self) -> usize;
    /// Writes the payload; `out` is exactly [`AttrValue::value_len`] bytes.
    fn encode(&self, out: &mut [u8]);
}

/// Reads `N` bytes at `at`, if there are that many.
pub(crate) fn read_array<const N: usize>(data: &[u8], at: usize) -> Option<[u8; N]> {
    data.get(at..at.checked_add(N)?)?.try_into().ok()
}

macro_rules! ne_int {
    ($($t:ty),*) => {$(
        impl AttrValue for $t {
            #[inline]
            fn decode(payload: &[u8]) -> Option<Self> {
                read_array(payload, 0).map(<$t>::from_ne_bytes)
            }
            fn value_len(&self) -> usize {
                core::mem::size_of::<$t>()
            }
            fn encode(&self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_ne_bytes());
            }
        }
    )*};
}
ne_int!(u8, u16, u32, u64, i32);

/// A `u16` carried in network byte order (ports, VLAN protocols).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Be16(pub u16);

/// A `u32` carried in network byte order (GRE keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Be32(pub u32);

macro_rules! be_int {
    ($($w:ident($t:ty)),*) => {$(
        impl AttrValue for $w {
            #[inline]
            fn decode(payload: &[u8]) -> Option<Self> {
                read_array(payload, 0).map(|b| $w(<$t>::from_be_bytes(b)))
            }
            fn value_len(&self) -> usize {
                core::mem::size_of::<$t>()
            }
            fn encode(&self, out: &mut [u8]) {
                out.copy_from_slice(&self.0.to_be_bytes());
            }
        }
    )*};
}
be_int!(Be16(u16), Be32(u32));

/// Presence-only attributes (`NHA_BLACKHOLE`, `NHA_FDB`): any payload is
/// accepted and none is written; `Some(())` in a repr means "present".
impl AttrValue for () {
    fn decode(_: &[u8]) -> Option<Self> {
        Some(())
    }
    fn value_len(&self) -> usize {
        0
    }
    fn encode(&self, _: &mut [u8]) {}
}

impl AttrValue for Ipv4Addr {
    #[inline]
    fn decode(payload: &[u8]) -> Option<Self> {
        let b: [u8; 4] = payload.try_into().ok()?;
        Some(b.into())
    }
    fn value_len(&self) -> usize {
        4
    }
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.octets());
    }
}

impl AttrValue for Ipv6Addr {
    #[inline]
    fn decode(payload: &[u8]) -> Option<Self> {
        let b: [u8; 16] = payload.try_into().ok()?;
        Some(b.into())
    }
    fn value_len(&self) -> usize {
        16
    }
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.octets());
    }
}

/// 4 bytes are IPv4, 16 bytes IPv6; any other size is not an address.
impl AttrValue for IpAddr {
    #[inline]
    fn decode(payload: &[u8]) -> Option<Self> {
        match payload.len() {
            4 => Ipv4Addr::decode(payload).map(IpAddr::V4),
            16 => Ipv6Addr::decode(payload).map(IpAddr::V6),
            _ => None,
        }
    }
    fn value_len(&self) -> usize {
        match self {
            IpAddr::V4(_) => 4,
            IpAddr::V6(_) => 16,
        }
    }
    fn encode(&self, out: &mut [u8]) {
        match self {
            IpAddr::V4(a) => a.encode(out),
            IpAddr::V6(a) => a.encode(out),
        }
    }
}

/// Names are read up to the first NUL (a missing NUL is accepted) and
/// written with one.
impl<const N: usize> AttrValue for Name<N> {
    fn decode(payload: &[u8]) -> Option<Self> {
        let end = payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(payload.len());
        Name::from_bytes(&payload[..end])
    }
    fn value_len(&self) -> usize {
        self.len() + 1
    }
    fn encode(&self, out: &mut [u8]) {
        let n = self.len();
        out[..n].copy_from_slice(self.as_bytes());
        out[n] = 0;
    }
}

impl AttrValue for HwAddr {
    fn decode(payload: &[u8]) -> Option<Self> {
        HwAddr::new(payload)
    }
    fn value_len(&self) -> usize {
        self.as_bytes().len()
    }
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(self.as_bytes());
    }
}

/// Declares a fixed kernel struct carried as one attribute: named fields of
/// native-endian integers, read field by field. A payload longer than the
/// struct is fine (newer kernel); one shorter than `min` bytes is not, and
/// fields past a shorter payload (older kernel) read as zero.
macro_rules! fixed_struct {
    (
        $(#[$m:meta])*
        pub struct $name:ident (min $min:expr) {
            $( $(#[$fm:meta])* $field:ident : $t:ty, )*
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name {
            $( $(#[$fm])* pub $field: $t, )*
        }

        impl $name {
            /// Size of the struct as this crate knows it.
            pub const SIZE: usize = 0 $( + core::mem::size_of::<$t>() )*;
        }

        impl $crate::wire::value::AttrValue for $name {
            #[allow(unused_assignments)]
            fn decode(payload: &[u8]) -> Option<Self> {
                if payload.len() < $min {
                    return None;
                }
                let mut at = 0usize;
                Some($name { $( $field: {
                    let v = $crate::wire::value::read_array(payload, at)
                        .map(<$t>::from_ne_bytes)
                        .unwrap_or(0);
                    at += core::mem::size_of::<$t>();
                    v
                }, )* })
            }
            fn value_len(&self) -> usize {
                Self::SIZE
            }
            fn encode(&self, out: &mut [u8]) {
                let mut at = 0usize;
                $(
                    let n = core::mem::size_of::<$t>();
                    out[at..at + n].copy_from_slice(&self.$field.to_ne_bytes());
                    at += n;
                )*
                let _ = at;
            }
        }
    };
}
pub(crate) use fixed_struct;
