//! The plain-old-data structs C holds IP values in, and their checked
//! conversions to and from the Rust types.
//!
//! C owns these values outright (stack, arrays, its own structs): the
//! library never allocates for IP math. Every struct coming from C is
//! validated before use, since C can put anything in its fields.

use std::ffi::{c_char, c_int};

use ipdb::ip::{
    Address, Interface, IpAddress, IpInterface, IpNetwork, Ipv4Address, Ipv6Address, Network,
    ScopeId,
};

use crate::boundary::{guard, input, Failure, Out, Outcome};

/// `family` value of an IPv4 `ipdb_addr` (the IP version number, not `AF_INET`).
pub const IPDB_V4: u8 = 4;
/// `family` value of an IPv6 `ipdb_addr` (the IP version number, not `AF_INET6`).
pub const IPDB_V6: u8 = 6;
/// Size of `ipdb_addr.scope_id`: a scope id of up to 47 bytes and its NUL.
pub const IPDB_SCOPE_ID_SIZE: usize = 48;

/// An IPv4 or IPv6 address, as a value C can copy, compare with `memcmp`
/// after zero-initialising, and keep without allocation.
///
/// Fill it with `ipdb_addr_parse`, or by hand: set `family`, write the
/// address bytes in network order (IPv4 in `bytes[0..4]`, the other 12 bytes
/// zero) and, for IPv6 only, an optional scope id. Functions taking an
/// `ipdb_addr` check every field (`IPDB_INVALID_ARGUMENT` otherwise).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_addr {
    /// The address in network byte order; IPv4 uses the first 4 bytes and
    /// keeps the other 12 zero. (First, so the 16 bytes sit at offset 0:
    /// copies stay whole-word.)
    pub bytes: [u8; 16],
    /// `IPDB_V4` (4) or `IPDB_V6` (6).
    pub family: u8,
    /// IPv6 scope id (zone, RFC 4007), e.g. `"eth0"` of `fe80::1%eth0`: UTF-8,
    /// NUL-terminated, no `%`; an empty string means no scope id. Always
    /// empty for IPv4.
    pub scope_id: [c_char; IPDB_SCOPE_ID_SIZE],
}

/// An IPv4 or IPv6 address without a scope id: the address fields of
/// `ipdb_route` (the kernel keeps no scope ids in routes: the link of a
/// link-local gateway is the route's `oif`).
///
/// Its fields are the first fields of `ipdb_addr`, at the same offsets, so
/// an `ipdb_addr` is this value plus an empty scope id: copy `bytes` and
/// `family` into a zeroed `ipdb_addr`, or call `ipdb_ip_to_addr`, which
/// also checks the value. Absent is `family` 0 (all bytes zero).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_ip {
    /// The address in network byte order; IPv4 uses the first 4 bytes and
    /// keeps the other 12 zero.
    pub bytes: [u8; 16],
    /// `IPDB_V4` (4), `IPDB_V6` (6), or 0 when absent.
    pub family: u8,
}

/// An IP network: an address with no bits set right of the prefix length
/// (CPython `IPv4Network` / `IPv6Network`). Functions refuse a network with
/// host bits set (`IPDB_VALUE_ERROR`) instead of clearing them silently.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_net {
    /// The network address (may carry an IPv6 scope id).
    pub addr: ipdb_addr,
    /// The prefix length, 0..=32 (IPv4) or 0..=128 (IPv6).
    pub prefixlen: u8,
}

/// An address on a network, host bits allowed (CPython `IPv4Interface` /
/// `IPv6Interface`), e.g. `192.0.2.5/24`.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ipdb_iface {
    /// The address (may carry an IPv6 scope id).
    pub addr: ipdb_addr,
    /// The prefix length, 0..=32 (IPv4) or 0..=128 (IPv6).
    pub prefixlen: u8,
}

/// A C struct that holds a Rust IP value of type `R`.
///
/// Results are written in place into the caller's struct (zero it, then set
/// fields): building a copy first and moving it costs more than the parse,
/// since the odd field offsets of these align-1 structs defeat store
/// forwarding.
pub(crate) trait CValue<R>: Sized {
    /// The all-zero value: no address, no scope id.
    const ZERO: Self;
    /// Whether the struct can hold `r`: every value but one whose scope id
    /// contains a NUL byte.
    fn holds(r: &R) -> bool;
    /// Refuse what the struct cannot hold, as the failure a call reports.
    #[inline]
    fn representable(r: &R) -> Result<(), Failure> {
        if Self::holds(r) {
            return Ok(());
        }
        Err(Failure::Invalid {
            arg: "text",
            why: "the scope id contains a NUL byte, which ipdb_addr cannot hold",
        })
    }
    /// Set the fields of a zeroed struct from a representable `r`.
    fn fill(&mut self, r: &R);

    /// A new struct holding `r`.
    fn from_rust(r: &R) -> Result<Self, Failure> {
        Self::representable(r)?;
        let mut c = Self::ZERO;
        c.fill(r);
        Ok(c)
    }
}

impl<T> Out<T> {
    /// Write `r` into the out-pointer in place; nothing is written when `r`
    /// is not representable.
    #[inline]
    pub(crate) fn put<R>(self, r: &R) -> Outcome
    where
        T: CValue<R>,
    {
        T::representable(r)?;
        self.init(T::ZERO).fill(r);
        Ok(())
    }
}

// The `CValue` methods are `#[inline]`: a route record fills four of these
// structs, and as calls they were a measurable part of a lookup.
impl CValue<IpAddress> for ipdb_addr {
    const ZERO: Self = ipdb_addr {
        bytes: [0; 16],
        family: 0,
        scope_id: [0; IPDB_SCOPE_ID_SIZE],
    };

    #[inline]
    fn holds(a: &IpAddress) -> bool {
        !a.scope_id()
            .is_some_and(|scope| scope.as_bytes().contains(&0))
    }

    #[inline]
    fn fill(&mut self, a: &IpAddress) {
        (self.family, self.bytes) = family_bytes(a);
        if let Some(scope) = a.scope_id() {
            // ScopeId::CAPACITY (47) < IPDB_SCOPE_ID_SIZE: the NUL stays.
            for (dst, &src) in self.scope_id.iter_mut().zip(scope.as_bytes()) {
                *dst = src as c_char;
            }
        }
    }
}

/// The `family` value (the IP version: `IPDB_V4` or `IPDB_V6`) and the 16
/// address bytes of `a` (IPv4 in the first 4), the part `ipdb_addr` and
/// `ipdb_ip` share.
#[inline]
fn c_bytes<A: Address>(a: &A) -> (u8, [u8; 16]) {
    let bits = a.to_bits() << (128 - u32::from(A::BITS));
    (A::VERSION, bits.to_be_bytes())
}

#[inline]
fn family_bytes(a: &IpAddress) -> (u8, [u8; 16]) {
    match a {
        IpAddress::V4(a) => c_bytes(a),
        IpAddress::V6(a) => c_bytes(a),
    }
}

/// Routes' addresses: every address fits, its scope id (kernel routes have
/// none) is not kept.
impl CValue<IpAddress> for ipdb_ip {
    const ZERO: Self = ipdb_ip {
        bytes: [0; 16],
        family: 0,
    };

    #[inline]
    fn holds(_: &IpAddress) -> bool {
        true
    }

    #[inline]
    fn fill(&mut self, a: &IpAddress) {
        (self.family, self.bytes) = family_bytes(a);
    }
}

impl ipdb_ip {
    /// Sets a zeroed address and its prefix length from the network `n`
    /// (a route's destination or source prefix), without `n`'s scope id.
    #[inline]
    pub(crate) fn fill_net(&mut self, len: &mut u8, n: &IpNetwork) {
        (self.family, self.bytes) = match n {
            IpNetwork::V4(n) => c_bytes(&n.network_address()),
            IpNetwork::V6(n) => c_bytes(&n.network_address()),
        };
        *len = n.prefixlen();
    }
}

/// Converts a scope-less address (a route's `dst`, `src`, `gateway` or
/// `prefsrc`) into an `ipdb_addr` with an empty scope id, for the
/// functions that take one (`ipdb_addr_format`, `ipdb_db_route_lookup`,
/// an `ipdb_route_spec`...). For a route's prefix, set `ipdb_net.prefixlen`
/// to `dst_len` (or `src_len`) beside the converted address.
///
/// Errors: `IPDB_NULL_PARAMETER`; `IPDB_INVALID_ARGUMENT` when `family`
/// is not `IPDB_V4` or `IPDB_V6` (an absent address, family 0, included)
/// or an IPv4 address has bytes 4..16 set. `out` is written on success
/// only.
///
/// # Safety
/// `ip` points to an `ipdb_ip`; `out` to a writable `ipdb_addr`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_ip_to_addr(ip: *const ipdb_ip, out: *mut ipdb_addr) -> c_int {
    guard(|| {
        let ip = input(ip, "ip")?;
        let out = Out::new(out, "out")?;
        let a = ipdb_addr {
            bytes: ip.bytes,
            family: ip.family,
            scope_id: [0; IPDB_SCOPE_ID_SIZE],
        };
        // The one validator of C addresses decides what is valid.
        a.check("ip")?;
        out.write(a);
        Ok(())
    })
}

impl ipdb_addr {
    /// The Rust value of a C address, every field checked. Inlined: a
    /// call returns the checked value through memory, and reading it back
    /// stalled the lookups that take an address.
    #[inline]
    pub(crate) fn check(&self, arg: &'static str) -> Result<IpAddress, Failure> {
        let invalid = |why| Failure::Invalid { arg, why };
        let scope_len = self
            .scope_id
            .iter()
            .position(|&c| c == 0)
            .ok_or_else(|| invalid("scope_id has no NUL terminator"))?;
        match self.family {
            IPDB_V4 => {
                // The 16 bytes as one big-endian number: the IPv4 address
                // is its top 32 bits, and the 96 below must be zero.
                let bits = u128::from_be_bytes(self.bytes);
                if bits << 32 != 0 {
                    return Err(invalid("an IPv4 address must keep bytes[4..16] zero"));
                }
                if scope_len != 0 {
                    return Err(invalid("an IPv4 address has no scope id"));
                }
                Ok(IpAddress::V4(Ipv4Address::from_u32((bits >> 96) as u32)))
            }
            IPDB_V6 => {
                let a = Ipv6Address::from_octets(self.bytes);
                if scope_len == 0 {
                    return Ok(IpAddress::V6(a));
                }
                let mut raw = [0u8; IPDB_SCOPE_ID_SIZE];
                for (dst, &src) in raw.iter_mut().zip(&self.scope_id[..scope_len]) {
                    *dst = src as u8;
                }
                let text =
                    std::str::from_utf8(&raw[..scope_len]).map_err(|_| Failure::Utf8(arg))?;
                let scope = ScopeId::new(text).map_err(Failure::in_arg(arg))?;
                Ok(IpAddress::V6(a.with_scope(scope)))
            }
            _ => Err(invalid("family must be IPDB_V4 (4) or IPDB_V6 (6)")),
        }
    }
}

/// Checks a C prefix length against the version's maximum.
fn prefixlen_of(p: u8, max: u8, arg: &'static str) -> Result<u8, Failure> {
    if p > max {
        return Err(Failure::Invalid {
            arg,
            why: "prefixlen is above 32 (IPv4) or 128 (IPv6)",
        });
    }
    Ok(p)
}

/// Splits a checked address into its version-specific value for generic code.
pub(crate) fn net_from<A: Address>(
    a: A,
    prefixlen: u8,
    arg: &'static str,
) -> Result<Network<A>, Failure> {
    let p = prefixlen_of(prefixlen, A::BITS, arg)?;
    Network::new(a, p).map_err(Failure::in_arg(arg))
}

fn iface_from<A: Address>(a: A, prefixlen: u8, arg: &'static str) -> Result<Interface<A>, Failure> {
    let p = prefixlen_of(prefixlen, A::BITS, arg)?;
    Interface::new(a, p).map_err(Failure::in_arg(arg))
}

impl CValue<IpNetwork> for ipdb_net {
    const ZERO: Self = ipdb_net {
        addr: ipdb_addr::ZERO,
        prefixlen: 0,
    };

    #[inline]
    fn holds(n: &IpNetwork) -> bool {
        ipdb_addr::holds(&n.network_address())
    }

    #[inline]
    fn fill(&mut self, n: &IpNetwork) {
        self.addr.fill(&n.network_address());
        self.prefixlen = n.prefixlen();
    }
}

impl ipdb_net {
    /// The Rust network; host bits set are refused (`IPDB_VALUE_ERROR`).
    pub(crate) fn check(&self, arg: &'static str) -> Result<IpNetwork, Failure> {
        Ok(match self.addr.check(arg)? {
            IpAddress::V4(a) => IpNetwork::V4(net_from(a, self.prefixlen, arg)?),
            IpAddress::V6(a) => IpNetwork::V6(net_from(a, self.prefixlen, arg)?),
        })
    }
}

/// The interface's address with its scope id (`ip()` drops it, as CPython does).
fn iface_address(i: &IpInterface) -> IpAddress {
    match i {
        IpInterface::V4(i) => IpAddress::V4(i.address()),
        IpInterface::V6(i) => IpAddress::V6(i.address()),
    }
}

impl CValue<IpInterface> for ipdb_iface {
    const ZERO: Self = ipdb_iface {
        addr: ipdb_addr::ZERO,
        prefixlen: 0,
    };

    fn holds(i: &IpInterface) -> bool {
        ipdb_addr::holds(&iface_address(i))
    }

    fn fill(&mut self, i: &IpInterface) {
        self.addr.fill(&iface_address(i));
        self.prefixlen = i.prefixlen();
    }
}

impl ipdb_iface {
    pub(crate) fn check(&self, arg: &'static str) -> Result<IpInterface, Failure> {
        Ok(match self.addr.check(arg)? {
            IpAddress::V4(a) => IpInterface::V4(iface_from(a, self.prefixlen, arg)?),
            IpAddress::V6(a) => IpInterface::V6(iface_from(a, self.prefixlen, arg)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "0.0.0.0",
            "192.0.2.1",
            "::",
            "fe80::1%eth0",
            "2001:db8::ffff:1.2.3.4",
        ] {
            let a: IpAddress = s.parse().unwrap();
            let c = ipdb_addr::from_rust(&a).unwrap();
            assert_eq!(c.check("a").unwrap(), a, "{s}");
        }
        let n: IpNetwork = "fe80::%lo/64".parse().unwrap();
        assert_eq!(ipdb_net::from_rust(&n).unwrap().check("n").unwrap(), n);
        let i: IpInterface = "192.0.2.5/24".parse().unwrap();
        assert_eq!(ipdb_iface::from_rust(&i).unwrap().check("i").unwrap(), i);
    }

    /// `ipdb_ip` is the head of `ipdb_addr`: C may copy one into the other.
    #[test]
    fn ipdb_ip_is_the_head_of_ipdb_addr() {
        use std::mem::offset_of;
        assert_eq!(offset_of!(ipdb_ip, bytes), offset_of!(ipdb_addr, bytes));
        assert_eq!(offset_of!(ipdb_ip, family), offset_of!(ipdb_addr, family));
        assert_eq!(std::mem::size_of::<ipdb_ip>(), 17);
    }

    #[test]
    fn ipdb_ip_to_addr_checks_like_every_address() {
        use crate::status::*;
        let to_addr = |ip: *const ipdb_ip, out: *mut ipdb_addr| {
            // SAFETY: NULL or valid pointers, as each case passes.
            unsafe { ipdb_ip_to_addr(ip, out) }
        };
        let mut out = ipdb_addr::ZERO;
        for s in ["192.0.2.1", "fe80::1", "::"] {
            let a: IpAddress = s.parse().unwrap();
            let mut ip = ipdb_ip::ZERO;
            ip.fill(&a);
            assert_eq!(to_addr(&ip, &mut out), IPDB_OK, "{s}");
            assert_eq!(out, ipdb_addr::from_rust(&a).unwrap(), "{s}");
        }
        let good = ipdb_ip {
            bytes: out.bytes,
            family: IPDB_V6,
        };
        assert_eq!(to_addr(std::ptr::null(), &mut out), IPDB_NULL_PARAMETER);
        assert_eq!(to_addr(&good, std::ptr::null_mut()), IPDB_NULL_PARAMETER);
        let before = out;
        let absent = ipdb_ip::ZERO;
        assert_eq!(to_addr(&absent, &mut out), IPDB_INVALID_ARGUMENT);
        let mut v4 = ipdb_ip {
            family: IPDB_V4,
            ..absent
        };
        v4.bytes[15] = 1;
        assert_eq!(to_addr(&v4, &mut out), IPDB_INVALID_ARGUMENT);
        assert_eq!(out, before, "out is written on success only");
    }

    #[test]
    fn bad_structs_are_refused() {
        let good = ipdb_addr::from_rust(&"10.0.0.1".parse().unwrap()).unwrap();
        let status = |a: ipdb_addr| a.check("a").unwrap_err().status();
        use crate::status::*;
        assert_eq!(
            status(ipdb_addr { family: 5, ..good }),
            IPDB_INVALID_ARGUMENT
        );
        let mut high = good;
        high.bytes[15] = 1;
        assert_eq!(status(high), IPDB_INVALID_ARGUMENT);
        let mut scoped = good;
        scoped.scope_id[0] = b'x' as c_char;
        assert_eq!(status(scoped), IPDB_INVALID_ARGUMENT);
        let mut v6 = ipdb_addr {
            family: IPDB_V6,
            ..good
        };
        v6.scope_id = [b'x' as c_char; IPDB_SCOPE_ID_SIZE];
        assert_eq!(status(v6), IPDB_INVALID_ARGUMENT); // no NUL
        v6.scope_id = [0; IPDB_SCOPE_ID_SIZE];
        v6.scope_id[0] = 0xff_u8 as c_char;
        assert_eq!(status(v6), IPDB_INVALID_UTF8);
        v6.scope_id[0] = b'%' as c_char;
        assert_eq!(status(v6), IPDB_ADDRESS_VALUE_ERROR);
        let host_bits = ipdb_net {
            addr: good,
            prefixlen: 8,
        };
        assert_eq!(host_bits.check("n").unwrap_err().status(), IPDB_VALUE_ERROR);
        let too_long = ipdb_net {
            addr: good,
            prefixlen: 33,
        };
        assert_eq!(
            too_long.check("n").unwrap_err().status(),
            IPDB_INVALID_ARGUMENT
        );
    }
}
