//! `summarize_address_range`: the fewest networks covering `first ..= last`.

use core::iter::FusedIterator;
use core::marker::PhantomData;

use super::error::{IpError, ValueError};
use super::family::Address;
use super::network::Network;

/// The networks covering `first ..= last` exactly, in address order, as
/// CPython's `summarize_address_range` yields them (lazily).
///
/// `last < first` is a [`ValueError::LastBeforeFirst`]; as in CPython,
/// equal IPv6 integers with different scope ids count as `first > last`.
/// Yielded networks carry no scope id.
///
/// ```
/// use ipdb_core::ip::{summarize_address_range, Ipv4Address};
/// let first: Ipv4Address = "192.0.2.0".parse().unwrap();
/// let last: Ipv4Address = "192.0.2.130".parse().unwrap();
/// let nets: Vec<String> = summarize_address_range(first, last).unwrap().map(|n| n.to_string()).collect();
/// assert_eq!(nets, ["192.0.2.0/25", "192.0.2.128/31", "192.0.2.130/32"]);
/// ```
pub fn summarize_address_range<A: Address>(first: A, last: A) -> Result<Summarize<A>, IpError> {
    // CPython's `first > last` through `total_ordering`: not less, not equal.
    if first.to_bits() >= last.to_bits() && first != last {
        return Err(IpError::Value(ValueError::LastBeforeFirst));
    }
    Ok(Summarize {
        next: first.to_bits(),
        last: last.to_bits(),
        done: false,
        _family: PhantomData,
    })
}

/// Iterator returned by [`summarize_address_range`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Summarize<A: Address> {
    next: u128,
    last: u128,
    done: bool,
    _family: PhantomData<A>,
}

impl<A: Address> Iterator for Summarize<A> {
    type Item = Network<A>;

    fn next(&mut self) -> Option<Network<A>> {
        if self.done {
            return None;
        }
        let first = self.next;
        let span = self.last - first;
        // floor(log2(span + 1)): the largest block that fits in what is left.
        let fits = match span.checked_add(1) {
            Some(n) => 127 - n.leading_zeros(),
            None => 128,
        };
        // The largest block `first` is aligned to.
        let aligned = first.trailing_zeros().min(u32::from(A::BITS));
        let nbits = fits.min(aligned) as u8;
        let block_last = if nbits == 0 {
            first
        } else {
            first | u128::MAX >> (128 - u32::from(nbits))
        };
        if block_last >= self.last {
            self.done = true;
        } else {
            self.next = block_last + 1;
        }
        Some(Network::from_aligned(A::from_bits(first), A::BITS - nbits))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // At most two blocks per bit length.
        if self.done {
            (0, Some(0))
        } else {
            (1, Some(2 * usize::from(A::BITS)))
        }
    }
}

impl<A: Address> FusedIterator for Summarize<A> {}
