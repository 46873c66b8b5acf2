//! `collapse_addresses`: merge a list of networks in place.

use super::family::Address;
use super::network::Network;

/// Collapse `nets` in place into the fewest networks covering the same
/// addresses, as CPython's `collapse_addresses`: the result, sorted and
/// disjoint with no two mergeable neighbours, is `nets[..n]` for the
/// returned `n`; the rest of the slice is left in an unspecified order.
///
/// O(n log n): a linear pre-pass drops networks inside a short input
/// network (see `drop_covered`), one unstable sort, then one pass that uses
/// the front of the slice as a stack (every stack entry is disjoint from and
/// below the next input, so only the top can contain it or merge with it).
/// No allocation; 16 KiB of stack.
///
/// Scope ids: merged networks carry none; a host network (/32, /128) loses
/// its scope id (CPython passes those through `summarize_address_range`);
/// any other network passes through unchanged.
///
/// ```
/// use ipdb_core::ip::{collapse_addresses, Ipv4Network};
/// let mut nets: Vec<Ipv4Network> = ["192.0.2.128/25", "192.0.2.0/25", "192.0.2.7/32"]
///     .iter().map(|s| s.parse().unwrap()).collect();
/// let n = collapse_addresses(&mut nets);
/// assert_eq!(nets[..n], ["192.0.2.0/24".parse::<Ipv4Network>().unwrap()]);
/// ```
pub fn collapse_addresses<A: Address>(nets: &mut [Network<A>]) -> usize {
    let len = drop_covered(nets);
    let nets = &mut nets[..len];
    if A::BITS == 32 {
        // One integer compare per step: network address, then prefix length.
        // (An in-place MSD radix sort measured slower here: its swap chains
        // are bound by memory latency.)
        nets.sort_unstable_by_key(|n| (n.first_bits() as u64) << 8 | u64::from(n.prefixlen()));
    } else {
        nets.sort_unstable_by_key(|n| (n.first_bits(), n.prefixlen()));
    }
    let mut top = 0;
    for i in 0..nets.len() {
        let mut net = nets[i];
        if net.prefixlen() == A::BITS {
            net = Network::from_aligned(net.network_address().without_scope(), A::BITS);
        }
        // Sorted by start, so the top of the stack starts at or before
        // `net`: ending at or after it means it holds it. Branch-free: the
        // slot past the stack (at or before `i`) is free to scribble on, and
        // an unchanged stack has nothing new to merge.
        let held = top > 0 && nets[top - 1].last_bits() >= net.last_bits();
        nets[top] = net;
        top += usize::from(!held);
        while top >= 2 {
            let (lo, hi) = (nets[top - 2], nets[top - 1]);
            let p = hi.prefixlen();
            if p == 0 || lo.prefixlen() != p {
                break;
            }
            let half = 1u128 << (A::BITS - p);
            if lo.first_bits() & half != 0 || lo.first_bits() | half != hi.first_bits() {
                break;
            }
            nets[top - 2] = Network::from_aligned(A::from_bits(lo.first_bits()), p - 1);
            top -= 1;
        }
    }
    top
}

/// Prefix length of the blocks the pre-pass tracks: 2**17 bits of stack.
const LEVEL: u8 = 17;

/// Shortest input prefix the pre-pass records (marks at most 2**4 blocks).
const LEVEL_MIN: u8 = LEVEL - 4;

/// Drop, in one linear pass, every network longer than /17 that lies in a
/// /17 block some /13../17 input covers; returns how many were kept (moved
/// to the front, in order). The sort then sees fewer items, and the result
/// is the same: a dropped network adds no address to the union.
fn drop_covered<A: Address>(nets: &mut [Network<A>]) -> usize {
    let block = |n: &Network<A>| (n.first_bits() >> (A::BITS - LEVEL)) as usize;
    let mut covered = [0u64; 1 << (LEVEL - 6)];
    let mut any = false;
    for n in nets.iter() {
        let p = n.prefixlen();
        if (LEVEL_MIN..=LEVEL).contains(&p) {
            let first = block(n);
            for b in first..first + (1 << (LEVEL - p)) {
                covered[b >> 6] |= 1 << (b & 63);
            }
            any = true;
        }
    }
    if !any {
        return nets.len();
    }
    // Branch-free: about half the items go, in no predictable pattern.
    let mut kept = 0;
    for i in 0..nets.len() {
        let n = nets[i];
        let b = block(&n);
        let drop = n.prefixlen() > LEVEL && covered[b >> 6] & (1 << (b & 63)) != 0;
        nets[kept] = n;
        kept += usize::from(!drop);
    }
    kept
}
