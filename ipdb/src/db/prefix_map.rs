//! [`PrefixMap`]: exact and longest-prefix lookup over the prefixes of one
//! address family, for the route tables of the database.
//!
//! One hash map per prefix length that is present ([`FlatMap`]: one array
//! of slots, so a probe is one cache line), keyed by the prefix's bits
//! with host bits cleared, plus a bit set of the present lengths. An
//! exact lookup is one probe; a longest-prefix match probes the present
//! lengths from the longest down and stops at the first hit. Real tables
//! use few distinct lengths (a full BGP table: mostly /24 and a handful
//! above), so a match costs a few probes whatever the table's size, and an
//! insert or delete is one probe: no rebuild, no rebalancing, which matters
//! more here than the last nanosecond because the database applies kernel
//! events one by one while readers look up.

use super::flat_map::FlatMap;

/// The address bits of one family: `u32` for IPv4, `u128` for IPv6, so an
/// IPv4 map does not pay for 128-bit keys.
pub trait PrefixBits: Copy + Eq {
    /// Bits in an address (32 or 128).
    const WIDTH: u8;
    /// The all-zeros address.
    const ZERO: Self;
    /// All bits set: with host bits set for every length but the full
    /// one, so never a key of a shorter prefix.
    const ONES: Self;
    /// The address with everything past the first `len` bits cleared.
    fn masked(self, len: u8) -> Self;
    /// The bits hashed with the two odd multipliers `k` (multiply-add,
    /// whose top bits index a table): with random multipliers the
    /// collisions of a set of prefixes cannot be chosen in advance.
    fn hash(self, k: [u64; 2]) -> u64;
}

impl PrefixBits for u32 {
    const WIDTH: u8 = 32;
    const ZERO: u32 = 0;
    const ONES: u32 = u32::MAX;
    #[inline]
    fn hash(self, k: [u64; 2]) -> u64 {
        u64::from(self).wrapping_mul(k[0])
    }
    fn masked(self, len: u8) -> u32 {
        match len {
            0 => 0,
            l if l >= 32 => self,
            l => self & (u32::MAX << (32 - l)),
        }
    }
}

impl PrefixBits for u128 {
    const WIDTH: u8 = 128;
    const ZERO: u128 = 0;
    const ONES: u128 = u128::MAX;
    #[inline]
    fn hash(self, k: [u64; 2]) -> u64 {
        ((self >> 64) as u64)
            .wrapping_mul(k[0])
            .wrapping_add((self as u64).wrapping_mul(k[1]))
    }
    fn masked(self, len: u8) -> u128 {
        match len {
            0 => 0,
            l if l >= 128 => self,
            l => self & (u128::MAX << (128 - l)),
        }
    }
}

/// Values keyed by prefix (`bits/len`), with longest-prefix match.
#[derive(Debug, Clone)]
pub struct PrefixMap<K, V> {
    /// `by_len[len]`: the prefixes of that length. Empty maps allocate
    /// nothing.
    by_len: Vec<FlatMap<K, V>>,
    /// Bit `len` set when `by_len[len]` is not empty (lengths 0..=128).
    present: [u64; 3],
    len: usize,
}

impl<K: PrefixBits, V: Copy + Default> Default for PrefixMap<K, V> {
    fn default() -> Self {
        PrefixMap {
            by_len: (0..=K::WIDTH).map(|_| FlatMap::new()).collect(),
            present: [0; 3],
            len: 0,
        }
    }
}

impl<K: PrefixBits, V: Copy + Default> PrefixMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many prefixes hold a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// How many prefixes of length `len` hold a value.
    pub fn len_of(&self, len: u8) -> usize {
        self.by_len.get(usize::from(len)).map_or(0, FlatMap::len)
    }

    /// Whether no prefix holds a value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn mark(&mut self, len: u8) {
        let l = usize::from(len);
        if self.by_len[l].is_empty() {
            self.present[l / 64] &= !(1 << (l % 64));
        } else {
            self.present[l / 64] |= 1 << (l % 64);
        }
    }

    /// Makes room for `n` more prefixes of length `len`.
    pub fn reserve(&mut self, len: u8, n: usize) {
        if let Some(m) = self.by_len.get_mut(usize::from(len)) {
            m.reserve(n);
        }
    }

    /// The value at exactly `bits/len` (host bits of `bits` are ignored).
    pub fn get(&self, bits: K, len: u8) -> Option<&V> {
        self.by_len.get(usize::from(len))?.get(bits.masked(len))
    }

    /// The value at exactly `bits/len`, for changing it in place.
    pub fn get_mut(&mut self, bits: K, len: u8) -> Option<&mut V> {
        self.by_len
            .get_mut(usize::from(len))?
            .get_mut(bits.masked(len))
    }

    /// The value at `bits/len`, inserted with `make` first when absent
    /// (one probe). `None` when `len` is longer than the family's width.
    pub fn entry_or_insert_with(
        &mut self,
        bits: K,
        len: u8,
        make: impl FnOnce() -> V,
    ) -> Option<&mut V> {
        self.entry(bits, len, make).map(|(v, _)| v)
    }

    /// Like [`PrefixMap::entry_or_insert_with`], also saying whether the
    /// value was inserted now.
    pub fn entry(&mut self, bits: K, len: u8, make: impl FnOnce() -> V) -> Option<(&mut V, bool)> {
        let l = usize::from(len);
        if l > usize::from(K::WIDTH) {
            return None;
        }
        // Not empty once this returns, whichever way it goes.
        self.present[l / 64] |= 1 << (l % 64);
        let PrefixMap {
            by_len, len: count, ..
        } = self;
        let (v, new) = by_len[l].entry(bits.masked(len), make);
        *count += usize::from(new);
        Some((v, new))
    }

    /// Inserts many values of one prefix length at once, leaving `items`
    /// empty (its room kept for the next batch); a value whose prefix is
    /// already present goes to `taken` instead.
    ///
    /// The inserts are made in the order of the table's own slots (see
    /// `FlatMap::bulk_insert`), so that they sweep its memory once instead
    /// of landing each at a random place: on a million prefixes that turns
    /// a cache and TLB miss per insert into a streaming write, a few times
    /// faster.
    ///
    /// ```
    /// use ipdb::db::PrefixMap;
    /// let mut m: PrefixMap<u32, u32> = PrefixMap::new();
    /// let mut taken = Vec::new();
    /// let mut items = vec![(0x0a00_0000, 1), (0x0a00_0100, 2), (0x0a00_0000, 3)];
    /// m.bulk_insert(24, &mut items, |k, v| taken.push((k, v)));
    /// assert!(items.is_empty());
    /// assert_eq!(m.len(), 2);
    /// assert_eq!(m.get(0x0a00_01ff, 24), Some(&2));
    /// assert_eq!(taken, vec![(0x0a00_0000, 3)]);
    /// ```
    pub fn bulk_insert(&mut self, len: u8, items: &mut Vec<(K, V)>, mut taken: impl FnMut(K, V)) {
        let l = usize::from(len);
        if l > usize::from(K::WIDTH) {
            items.clear();
            return;
        }
        let map = &mut self.by_len[l];
        let before = map.len();
        for item in items.iter_mut() {
            item.0 = item.0.masked(len);
        }
        map.bulk_insert(items, &mut taken);
        let added = map.len() - before;
        self.len += added;
        self.mark(len);
    }

    /// Removes and returns the value at exactly `bits/len`.
    pub fn remove(&mut self, bits: K, len: u8) -> Option<V> {
        let v = self
            .by_len
            .get_mut(usize::from(len))?
            .remove(bits.masked(len))?;
        self.len -= 1;
        self.mark(len);
        Some(v)
    }

    /// The longest prefix containing `addr` for which `accept` says yes,
    /// with its length. Lengths are probed longest first; `accept` lets a
    /// caller pass over a prefix whose entries do not apply (say, only
    /// routes with a TOS) and fall back to a shorter one, as the kernel does.
    pub fn longest_match(&self, addr: K, mut accept: impl FnMut(&V) -> bool) -> Option<(u8, &V)> {
        for word in (0..3).rev() {
            let mut bits = self.present[word];
            while bits != 0 {
                let top = 63 - bits.leading_zeros();
                bits &= !(1u64 << top);
                let len = (word * 64) as u32 + top;
                let len = len as u8;
                // The length is present, so its map exists and is not empty.
                if let Some(v) = self.by_len[usize::from(len)].get(addr.masked(len)) {
                    if accept(v) {
                        return Some((len, v));
                    }
                }
            }
        }
        None
    }

    /// Every `(bits, len, value)`, longest prefixes first (no order within
    /// one length).
    pub fn iter(&self) -> impl Iterator<Item = (K, u8, &V)> + '_ {
        self.by_len
            .iter()
            .enumerate()
            .rev()
            .flat_map(|(l, m)| m.iter().map(move |(k, v)| (k, l as u8, v)))
    }

    /// Every value, for changing in place.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> + '_ {
        self.by_len.iter_mut().flat_map(|m| m.values_mut())
    }

    /// Approximate heap bytes held by the maps themselves (not by what the
    /// values point to).
    pub fn heap_bytes(&self) -> usize {
        self.by_len.iter().map(FlatMap::heap_bytes).sum::<usize>()
            + self.by_len.capacity() * core::mem::size_of::<FlatMap<K, V>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> u32 {
        u32::from(s.parse::<std::net::Ipv4Addr>().unwrap())
    }

    #[test]
    fn longest_match_prefers_the_most_specific() {
        let mut m: PrefixMap<u32, &str> = PrefixMap::new();
        *m.entry_or_insert_with(0, 0, || "").unwrap() = "default";
        *m.entry_or_insert_with(v4("10.0.0.0"), 8, || "").unwrap() = "ten";
        *m.entry_or_insert_with(v4("10.1.2.0"), 24, || "").unwrap() = "ten-one-two";
        assert_eq!(
            m.longest_match(v4("10.1.2.3"), |_| true),
            Some((24, &"ten-one-two"))
        );
        assert_eq!(m.longest_match(v4("10.1.3.3"), |_| true), Some((8, &"ten")));
        assert_eq!(
            m.longest_match(v4("11.0.0.1"), |_| true),
            Some((0, &"default"))
        );
        // A rejected prefix falls back to the next shorter one.
        assert_eq!(
            m.longest_match(v4("10.1.2.3"), |v| *v != "ten-one-two"),
            Some((8, &"ten"))
        );
        assert_eq!(m.remove(v4("10.1.2.99"), 24), Some("ten-one-two"));
        assert_eq!(m.longest_match(v4("10.1.2.3"), |_| true), Some((8, &"ten")));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn v6_lengths_above_64_and_128_work() {
        let mut m: PrefixMap<u128, u8> = PrefixMap::new();
        let a = u128::from("2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap());
        *m.entry_or_insert_with(a, 128, || 0).unwrap() = 128;
        *m.entry_or_insert_with(a, 96, || 0).unwrap() = 96;
        *m.entry_or_insert_with(a, 32, || 0).unwrap() = 32;
        assert_eq!(m.longest_match(a, |_| true), Some((128, &128)));
        assert_eq!(m.longest_match(a + 1, |_| true), Some((96, &96)));
        assert_eq!(m.longest_match(a + (1 << 40), |_| true), Some((32, &32)));
        assert!(m.entry_or_insert_with(a, 129, || 0).is_none());
    }

    /// Law: batch inserts (in slot order, over batches that make the map
    /// grow) leave the map as inserting one by one does: the first value
    /// of a prefix stays, later ones are handed back in their order.
    #[test]
    fn bulk_insert_equals_one_by_one() {
        let mut next = crate::db::test_rng(0x51ed_2701_aa55_0f0fu64);
        let mut bulk: PrefixMap<u32, u32> = PrefixMap::new();
        let mut one: PrefixMap<u32, u32> = PrefixMap::new();
        let (mut taken_bulk, mut taken_one) = (Vec::new(), Vec::new());
        let mut value = 0;
        for batch in [1usize, 7, 300, 5000, 20_000] {
            let mut items: Vec<(u32, u32)> = (0..batch)
                .map(|_| {
                    value += 1;
                    ((next() as u32 & 0x00ff_ff00).masked(24), value)
                })
                .collect();
            for &(k, v) in &items {
                if !one.entry(k, 24, || v).unwrap().1 {
                    taken_one.push((k, v));
                }
            }
            bulk.bulk_insert(24, &mut items, |k, v| taken_bulk.push((k, v)));
            assert!(items.is_empty());
            assert_eq!(bulk.len(), one.len());
        }
        taken_bulk.sort_by_key(|&(_, v)| v);
        assert_eq!(taken_bulk, taken_one);
        let mut a: Vec<_> = bulk.iter().map(|(k, l, v)| (k, l, *v)).collect();
        let mut b: Vec<_> = one.iter().map(|(k, l, v)| (k, l, *v)).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    /// Law: longest_match equals a brute-force scan of every prefix.
    #[test]
    fn agrees_with_a_linear_scan() {
        let mut next = crate::db::test_rng(0x9e37_79b9_7f4a_7c15u64);
        let mut m: PrefixMap<u32, u32> = PrefixMap::new();
        let mut all = Vec::new();
        for i in 0..2000 {
            let len = (next() % 33) as u8;
            let bits = (next() as u32 & 0xff00_ffff).masked(len);
            if m.get(bits, len).is_none() {
                *m.entry_or_insert_with(bits, len, || 0).unwrap() = i;
                all.push((bits, len, i));
            }
        }
        for _ in 0..5000 {
            let addr = next() as u32 & 0xff00_ffff;
            let want = all
                .iter()
                .filter(|(b, l, _)| addr.masked(*l) == *b)
                .max_by_key(|(_, l, _)| *l)
                .map(|(_, l, v)| (*l, v));
            assert_eq!(m.longest_match(addr, |_| true), want);
        }
    }
}
