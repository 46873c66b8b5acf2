//! Text forms and property flags shared by addresses, networks and
//! interfaces.

use std::ffi::c_int;
use std::fmt::{self, Write as _};

use ipdb::ip::TextBuf;

use crate::boundary::{Failure, TextOut};

/// Size in bytes, NUL included, that holds every text form the `*_format`
/// functions produce (the longest, 169 bytes: the reverse pointer of an IPv6
/// address with a 47-byte scope id, which CPython reverses too).
/// `ipdb_addr_format_spec` output can be longer.
pub const IPDB_TEXT_SIZE: usize = 192;

/// `str(x)`: the compressed form (networks and interfaces: with `/prefixlen`).
pub const IPDB_TEXT_COMPRESSED: c_int = 0;
/// `x.exploded`: IPv6 groups written in full.
pub const IPDB_TEXT_EXPLODED: c_int = 1;
/// `x.reverse_pointer`: the reverse DNS name (`1.2.0.192.in-addr.arpa`).
pub const IPDB_TEXT_REVERSE_POINTER: c_int = 2;
/// `x.with_prefixlen` (networks and interfaces only).
pub const IPDB_TEXT_WITH_PREFIXLEN: c_int = 3;
/// `x.with_netmask` (networks and interfaces only).
pub const IPDB_TEXT_WITH_NETMASK: c_int = 4;
/// `x.with_hostmask` (networks and interfaces only).
pub const IPDB_TEXT_WITH_HOSTMASK: c_int = 5;

/// `is_multicast` (RFC 5771 / RFC 4291).
pub const IPDB_FLAG_MULTICAST: u32 = 1 << 0;
/// `is_private` (IANA special-purpose registries, as current CPython).
pub const IPDB_FLAG_PRIVATE: u32 = 1 << 1;
/// `is_global`.
pub const IPDB_FLAG_GLOBAL: u32 = 1 << 2;
/// `is_unspecified` (0.0.0.0, ::).
pub const IPDB_FLAG_UNSPECIFIED: u32 = 1 << 3;
/// `is_reserved`.
pub const IPDB_FLAG_RESERVED: u32 = 1 << 4;
/// `is_loopback`.
pub const IPDB_FLAG_LOOPBACK: u32 = 1 << 5;
/// `is_link_local`.
pub const IPDB_FLAG_LINK_LOCAL: u32 = 1 << 6;
/// `is_site_local` (IPv6 fec0::/10; never set for IPv4).
pub const IPDB_FLAG_SITE_LOCAL: u32 = 1 << 7;
/// `ipv4_mapped is not None` (IPv6 ::ffff:0:0/96; addresses only).
pub const IPDB_FLAG_IPV4_MAPPED: u32 = 1 << 8;
/// `sixtofour is not None` (IPv6 2002::/16; addresses only).
pub const IPDB_FLAG_SIXTOFOUR: u32 = 1 << 9;
/// `teredo is not None` (IPv6 2001::/32; addresses only).
pub const IPDB_FLAG_TEREDO: u32 = 1 << 10;

/// The `is_*` flags every IP value type has, as `IPDB_FLAG_*` bits.
/// (The three types share method names but no trait, hence a macro.)
macro_rules! common_flags {
    ($v:expr) => {{
        let v = $v;
        let bit = |on: bool, flag: u32| if on { flag } else { 0 };
        bit(v.is_multicast(), $crate::text::IPDB_FLAG_MULTICAST)
            | bit(v.is_private(), $crate::text::IPDB_FLAG_PRIVATE)
            | bit(v.is_global(), $crate::text::IPDB_FLAG_GLOBAL)
            | bit(v.is_unspecified(), $crate::text::IPDB_FLAG_UNSPECIFIED)
            | bit(v.is_reserved(), $crate::text::IPDB_FLAG_RESERVED)
            | bit(v.is_loopback(), $crate::text::IPDB_FLAG_LOOPBACK)
            | bit(v.is_link_local(), $crate::text::IPDB_FLAG_LINK_LOCAL)
            | bit(
                v.is_site_local() == Some(true),
                $crate::text::IPDB_FLAG_SITE_LOCAL,
            )
    }};
}
pub(crate) use common_flags;

/// A text style the value type does not have.
pub(crate) fn bad_style() -> Failure {
    Failure::Invalid {
        arg: "style",
        why: "not an IPDB_TEXT_* style this value has",
    }
}

/// Format `value` into the caller's buffer, through a stack buffer so the
/// caller's memory is written only when it all fits.
pub(crate) fn write_display(out: TextOut, value: &dyn fmt::Display) -> Result<(), Failure> {
    let mut t = TextBuf::<IPDB_TEXT_SIZE>::new();
    if write!(t, "{value}").is_ok() {
        return out.write(t.as_str());
    }
    // Only reachable if a form outgrows IPDB_TEXT_SIZE; still correct.
    out.write(&value.to_string())
}
