//! The range algorithms over caller arrays: collapse in place, summarize
//! and exclude into bounded output arrays.

use std::ffi::c_int;

use ipdb::ip::{
    collapse_addresses, summarize_address_range, Address, IpAddress, IpError, IpNetwork, Network,
    TypeError,
};

use crate::boundary::{guard, input, input_slice_mut, ArrayOut, Failure, Out};
use crate::types::{ipdb_addr, ipdb_net, CValue};

/// Most networks `ipdb_addr_summarize` can produce (an IPv6 range needs
/// at most 254); an output array this long never gets `IPDB_BUFFER_TOO_SMALL`.
pub const IPDB_SUMMARIZE_MAX: usize = 256;
/// Most networks `ipdb_net_address_exclude` can produce (one per bit of
/// prefix difference, at most 128).
pub const IPDB_EXCLUDE_MAX: usize = 128;

fn mixed(left: u8, right: u8) -> Failure {
    Failure::from(IpError::Type(TypeError { left, right }))
}

fn to_c(nets: impl Iterator<Item = IpNetwork>) -> Result<Vec<ipdb_net>, Failure> {
    nets.map(|n| ipdb_net::from_rust(&n)).collect()
}

/// Collapse one version's networks and write them back as C structs.
fn collapse_into<A: Address>(
    mut nets: Vec<Network<A>>,
    out: &mut [ipdb_net],
) -> Result<usize, Failure>
where
    IpNetwork: From<Network<A>>,
{
    let n = collapse_addresses(&mut nets);
    let c = to_c(nets[..n].iter().map(|&n| IpNetwork::from(n)))?;
    out[..n].copy_from_slice(&c);
    Ok(n)
}

/// CPython `collapse_addresses`, in place: merges `nets[0..len]` into the
/// fewest networks covering the same addresses, sorted, and writes them to
/// `nets[0..*out_len]` (`*out_len <= len`; the rest of the array is left
/// unchanged). All networks must be of one version (`IPDB_TYPE_ERROR`
/// otherwise); an invalid entry (`IPDB_INVALID_ARGUMENT`, `IPDB_VALUE_ERROR`
/// for host bits set) leaves the whole array unchanged; `ipdb_last_error`
/// names it. O(n log n); `len` 0 is fine (then `nets` may be NULL).
///
/// # Safety
/// `nets` points to `len` readable and writable `ipdb_net`s; `out_len` to a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_collapse(
    nets: *mut ipdb_net,
    len: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let out_len = Out::new(out_len, "out_len")?;
        let slice = input_slice_mut(nets, len, "nets")?;
        let parsed: Vec<IpNetwork> = slice
            .iter()
            .map(|n| n.check("nets"))
            .collect::<Result<_, _>>()?;
        let Some(first) = parsed.first() else {
            out_len.write(0);
            return Ok(());
        };
        let version = first.version();
        if let Some(other) = parsed.iter().find(|n| n.version() != version) {
            return Err(mixed(version, other.version()));
        }
        let n = if version == 4 {
            let v: Vec<_> = parsed
                .iter()
                .filter_map(|n| {
                    if let IpNetwork::V4(n) = n {
                        Some(*n)
                    } else {
                        None
                    }
                })
                .collect();
            collapse_into(v, slice)?
        } else {
            let v: Vec<_> = parsed
                .iter()
                .filter_map(|n| {
                    if let IpNetwork::V6(n) = n {
                        Some(*n)
                    } else {
                        None
                    }
                })
                .collect();
            collapse_into(v, slice)?
        };
        out_len.write(n);
        Ok(())
    })
}

/// CPython `summarize_address_range(first, last)`: the fewest networks
/// covering `first..=last` exactly, in order.
///
/// - `out`, `cap`: the caller's array (`IPDB_SUMMARIZE_MAX` entries always
///   suffice).
/// - `out_len`: receives the number of networks, also on
///   `IPDB_BUFFER_TOO_SMALL` (then `out` is untouched).
///
/// Errors: `IPDB_TYPE_ERROR` (versions differ), `IPDB_VALUE_ERROR`
/// (`last < first`), and the usual argument errors.
///
/// # Safety
/// `first`, `last` point to `ipdb_addr`s; `out` to `cap` writable
/// `ipdb_net`s; `out_len` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_addr_summarize(
    first: *const ipdb_addr,
    last: *const ipdb_addr,
    out: *mut ipdb_net,
    cap: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let a = input(first, "first")?.check("first")?;
        let b = input(last, "last")?.check("last")?;
        let out = ArrayOut::new(out, cap, out_len, "out")?;
        let nets = match (a, b) {
            (IpAddress::V4(a), IpAddress::V4(b)) => {
                to_c(summarize_address_range(a, b)?.map(IpNetwork::V4))?
            }
            (IpAddress::V6(a), IpAddress::V6(b)) => {
                to_c(summarize_address_range(a, b)?.map(IpNetwork::V6))?
            }
            (a, b) => return Err(mixed(a.version(), b.version())),
        };
        out.write(&nets)
    })
}

/// CPython `net.address_exclude(other)`: `net` minus `other`, as the
/// networks CPython yields, in its order. `other` must lie inside `net`
/// (`IPDB_VALUE_ERROR`; `IPDB_TYPE_ERROR` across versions); `other == net`
/// gives none.
///
/// - `out`, `cap`: the caller's array (`IPDB_EXCLUDE_MAX` entries always
///   suffice).
/// - `out_len`: receives the number of networks, also on
///   `IPDB_BUFFER_TOO_SMALL` (then `out` is untouched).
///
/// # Safety
/// `net`, `other` point to `ipdb_net`s; `out` to `cap` writable `ipdb_net`s;
/// `out_len` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_net_address_exclude(
    net: *const ipdb_net,
    other: *const ipdb_net,
    out: *mut ipdb_net,
    cap: usize,
    out_len: *mut usize,
) -> c_int {
    guard(|| {
        let n = input(net, "net")?.check("net")?;
        let o = input(other, "other")?.check("other")?;
        let out = ArrayOut::new(out, cap, out_len, "out")?;
        out.write(&to_c(n.address_exclude(&o)?)?)
    })
}
