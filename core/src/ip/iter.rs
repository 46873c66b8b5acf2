//! Lazy iterators over the addresses and subnets of a network.
//!
//! All of them walk an inclusive integer range with a power-of-two step, so
//! one private [`Span`] does the counting; none allocates. Lengths are
//! `Option<u128>`: `None` means 2**128, which only `::/0` reaches.

use core::iter::FusedIterator;
use core::marker::PhantomData;

use super::family::Address;
use super::network::Network;

/// An inclusive range `front ..= back` walked in steps of `2**shift`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    front: u128,
    back: u128,
    shift: u8,
    done: bool,
}

/// `x >> n`, 0 once every bit is shifted out (a shift of 128 is legal here).
#[inline]
fn shr(x: u128, n: u8) -> u128 {
    x.checked_shr(u32::from(n)).unwrap_or(0)
}

/// `x << n`, 0 once every bit is shifted out.
#[inline]
fn shl(x: u128, n: u8) -> u128 {
    x.checked_shl(u32::from(n)).unwrap_or(0)
}

impl Span {
    /// `front ..= back` by `2**shift`; empty when `front > back`.
    pub(crate) const fn new(front: u128, back: u128, shift: u8) -> Span {
        Span {
            front,
            back,
            shift,
            done: front > back,
        }
    }

    /// The empty span.
    pub(crate) const fn empty() -> Span {
        Span {
            front: 1,
            back: 0,
            shift: 0,
            done: true,
        }
    }

    /// Steps left minus one (only meaningful when not done).
    #[inline]
    fn last_index(&self) -> u128 {
        shr(self.back - self.front, self.shift)
    }

    /// Items left; `None` means 2**128.
    pub(crate) fn len(&self) -> Option<u128> {
        if self.done {
            Some(0)
        } else {
            self.last_index().checked_add(1)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.len().map(usize::try_from) {
            Some(Ok(n)) => (n, Some(n)),
            _ => (usize::MAX, None),
        }
    }

    #[inline]
    fn next(&mut self) -> Option<u128> {
        if self.done {
            return None;
        }
        let v = self.front;
        if v == self.back {
            self.done = true;
        } else {
            // front < back, so the step fits and cannot pass `back`.
            self.front = v + shl(1, self.shift);
        }
        Some(v)
    }

    #[inline]
    fn next_back(&mut self) -> Option<u128> {
        if self.done {
            return None;
        }
        let v = self.back;
        if v == self.front {
            self.done = true;
        } else {
            self.back = v - shl(1, self.shift);
        }
        Some(v)
    }

    fn nth(&mut self, n: u128) -> Option<u128> {
        if self.done {
            return None;
        }
        if n > self.last_index() {
            self.done = true;
            return None;
        }
        self.front += shl(n, self.shift);
        self.next()
    }

    fn nth_back(&mut self, n: u128) -> Option<u128> {
        if self.done {
            return None;
        }
        if n > self.last_index() {
            self.done = true;
            return None;
        }
        self.back -= shl(n, self.shift);
        self.next_back()
    }
}

/// Every address of a network, in order (CPython `iter(network)`).
///
/// Yielded addresses carry no scope id, as in CPython.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Addresses<A: Address> {
    span: Span,
    _family: PhantomData<A>,
}

impl<A: Address> Addresses<A> {
    pub(crate) const fn new(span: Span) -> Self {
        Addresses {
            span,
            _family: PhantomData,
        }
    }

    /// Addresses left; `None` means 2**128 (all of `::/0`).
    pub fn len(&self) -> Option<u128> {
        self.span.len()
    }

    /// True when exhausted.
    pub fn is_empty(&self) -> bool {
        self.span.done
    }
}

impl<A: Address> Iterator for Addresses<A> {
    type Item = A;
    #[inline]
    fn next(&mut self) -> Option<A> {
        self.span.next().map(A::from_bits)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.span.size_hint()
    }
    fn nth(&mut self, n: usize) -> Option<A> {
        self.span.nth(n as u128).map(A::from_bits)
    }
}

impl<A: Address> DoubleEndedIterator for Addresses<A> {
    fn next_back(&mut self) -> Option<A> {
        self.span.next_back().map(A::from_bits)
    }
    fn nth_back(&mut self, n: usize) -> Option<A> {
        self.span.nth_back(n as u128).map(A::from_bits)
    }
}

impl<A: Address> FusedIterator for Addresses<A> {}

/// The usable hosts of a network (CPython `network.hosts()`).
///
/// CPython's rules: a /31 (/127) yields both addresses, a /32 (/128) yields
/// its one address (scope id kept), an IPv4 network skips its network and
/// broadcast addresses, an IPv6 network skips only the Subnet-Router anycast
/// address (the first one).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Hosts<A: Address> {
    only: Option<A>,
    rest: Addresses<A>,
}

impl<A: Address> Hosts<A> {
    pub(crate) fn new(only: Option<A>, span: Span) -> Self {
        Hosts {
            only,
            rest: Addresses::new(span),
        }
    }

    /// Hosts left; `None` means 2**128 (never reached: `::/0` has 2**128 - 1 hosts).
    pub fn len(&self) -> Option<u128> {
        self.rest
            .len()
            .and_then(|n| n.checked_add(u128::from(self.only.is_some())))
    }

    /// True when exhausted.
    pub fn is_empty(&self) -> bool {
        self.only.is_none() && self.rest.is_empty()
    }
}

impl<A: Address> Iterator for Hosts<A> {
    type Item = A;
    #[inline]
    fn next(&mut self) -> Option<A> {
        self.only.take().or_else(|| self.rest.next())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let (lo, hi) = self.rest.size_hint();
        let one = usize::from(self.only.is_some());
        (lo.saturating_add(one), hi.and_then(|h| h.checked_add(one)))
    }
    fn nth(&mut self, n: usize) -> Option<A> {
        match (self.only.take(), n) {
            (Some(a), 0) => Some(a),
            (Some(_), n) => self.rest.nth(n - 1),
            (None, n) => self.rest.nth(n),
        }
    }
}

impl<A: Address> DoubleEndedIterator for Hosts<A> {
    fn next_back(&mut self) -> Option<A> {
        self.rest.next_back().or_else(|| self.only.take())
    }
}

impl<A: Address> FusedIterator for Hosts<A> {}

/// The subnets of a network at a longer prefix (CPython `network.subnets()`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Subnets<A: Address> {
    only: Option<Network<A>>,
    span: Span,
    prefixlen: u8,
    _family: PhantomData<A>,
}

impl<A: Address> Subnets<A> {
    /// Exactly `net` (CPython yields a host network itself, scope id kept).
    pub(crate) fn single(net: Network<A>) -> Self {
        Subnets {
            only: Some(net),
            span: Span::empty(),
            prefixlen: net.prefixlen(),
            _family: PhantomData,
        }
    }

    /// Every `/prefixlen` inside `first ..= last` (aligned network addresses).
    pub(crate) fn new(first: u128, last: u128, prefixlen: u8) -> Self {
        let span = Span::new(first, last, A::BITS - prefixlen);
        Subnets {
            only: None,
            span,
            prefixlen,
            _family: PhantomData,
        }
    }

    /// Subnets left; `None` means 2**128 (`::/0` split into /128s).
    pub fn len(&self) -> Option<u128> {
        match self.only {
            Some(_) => Some(1),
            None => self.span.len(),
        }
    }

    /// True when exhausted.
    pub fn is_empty(&self) -> bool {
        self.only.is_none() && self.span.done
    }

    #[inline]
    fn make(&self, bits: u128) -> Network<A> {
        Network::from_aligned(A::from_bits(bits), self.prefixlen)
    }
}

impl<A: Address> Iterator for Subnets<A> {
    type Item = Network<A>;
    #[inline]
    fn next(&mut self) -> Option<Network<A>> {
        if let Some(n) = self.only.take() {
            return Some(n);
        }
        self.span.next().map(|b| self.make(b))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.only.is_some() {
            (1, Some(1))
        } else {
            self.span.size_hint()
        }
    }
    fn nth(&mut self, n: usize) -> Option<Network<A>> {
        if let Some(net) = self.only.take() {
            return if n == 0 { Some(net) } else { None };
        }
        self.span.nth(n as u128).map(|b| self.make(b))
    }
}

impl<A: Address> DoubleEndedIterator for Subnets<A> {
    fn next_back(&mut self) -> Option<Network<A>> {
        if let Some(n) = self.only.take() {
            return Some(n);
        }
        self.span.next_back().map(|b| self.make(b))
    }
    fn nth_back(&mut self, n: usize) -> Option<Network<A>> {
        if let Some(net) = self.only.take() {
            return if n == 0 { Some(net) } else { None };
        }
        self.span.nth_back(n as u128).map(|b| self.make(b))
    }
}

impl<A: Address> FusedIterator for Subnets<A> {}
