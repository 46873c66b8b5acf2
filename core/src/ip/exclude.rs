//! `address_exclude`: a network minus one of its subnets, lazily.

use core::iter::FusedIterator;
use core::marker::PhantomData;

use super::family::Address;
use super::network::Network;

/// The networks that cover `outer` minus `inner`, in CPython's order: at
/// each prefix length from `outer`'s + 1 down to `inner`'s, the half that
/// does not hold `inner`. Built by [`Network::address_exclude`].
///
/// ```
/// use ipdb_core::ip::Ipv4Network;
/// let a: Ipv4Network = "192.0.2.0/28".parse().unwrap();
/// let b: Ipv4Network = "192.0.2.1/32".parse().unwrap();
/// let out: Vec<String> = a.address_exclude(&b).unwrap().map(|n| n.to_string()).collect();
/// // Largest first (CPython's docstring lists them the other way round).
/// assert_eq!(out, ["192.0.2.8/29", "192.0.2.4/30", "192.0.2.2/31", "192.0.2.0/32"]);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct AddressExclude<A: Address> {
    /// The network being halved, as bits.
    parent: u128,
    /// Prefix length of the halves about to be compared.
    prefixlen: u8,
    inner: u128,
    inner_prefixlen: u8,
    done: bool,
    _family: PhantomData<A>,
}

impl<A: Address> AddressExclude<A> {
    /// Nothing left (`inner == outer`).
    pub(crate) fn empty() -> Self {
        AddressExclude {
            parent: 0,
            prefixlen: 0,
            inner: 0,
            inner_prefixlen: 0,
            done: true,
            _family: PhantomData,
        }
    }

    /// `outer` minus `inner`; the caller checked that `inner` is a proper
    /// subnet of `outer`. A scope id on `inner` plays no part.
    pub(crate) fn new(outer: Network<A>, inner: Network<A>) -> Self {
        AddressExclude {
            parent: outer.first_bits(),
            prefixlen: outer.prefixlen() + 1,
            inner: inner.first_bits(),
            inner_prefixlen: inner.prefixlen(),
            done: false,
            _family: PhantomData,
        }
    }

    /// Networks left to yield.
    pub fn len(&self) -> usize {
        if self.done {
            0
        } else {
            usize::from(self.inner_prefixlen - self.prefixlen) + 1
        }
    }

    /// True when exhausted.
    pub fn is_empty(&self) -> bool {
        self.done
    }
}

impl<A: Address> Iterator for AddressExclude<A> {
    type Item = Network<A>;

    fn next(&mut self) -> Option<Network<A>> {
        if self.done {
            return None;
        }
        let half = 1u128 << (A::BITS - self.prefixlen);
        let (holding, other) = if self.inner & half != 0 {
            (self.parent | half, self.parent)
        } else {
            (self.parent, self.parent | half)
        };
        let out = Network::from_aligned(A::from_bits(other), self.prefixlen);
        if self.prefixlen == self.inner_prefixlen {
            self.done = true;
        } else {
            self.parent = holding;
            self.prefixlen += 1;
        }
        Some(out)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }
}

impl<A: Address> ExactSizeIterator for AddressExclude<A> {}
impl<A: Address> FusedIterator for AddressExclude<A> {}
