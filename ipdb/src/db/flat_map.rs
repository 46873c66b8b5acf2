//! [`FlatMap`]: the hash map behind each prefix length of a
//! [`PrefixMap`](super::PrefixMap).
//!
//! Open addressing with linear probing over one array of `(key, value)`
//! slots, so that a lookup touches one cache line (two for a long probe
//! run), where a SwissTable reads its control bytes and then, in another
//! array, the slot: two dependent misses on a table of a million routes,
//! which is most of a longest-prefix match when the last-level cache is
//! contended. Keys are prefix bits with host bits cleared, so a key with
//! host bits set marks an empty slot; for the full length (where every key
//! is possible) the one key equal to that marker is kept beside the array.
//! Removal shifts the following run back (no tombstones), so probe runs
//! stay as short as after a fresh load. Hashing is multiply-shift with
//! odd multipliers drawn at random per map, so that routes learned from
//! outside (a BGP feed) cannot be chosen to pile into one probe run.

use super::prefix_map::PrefixBits;

/// Tables this large (bytes) ask for huge pages.
const HUGE_PAGE: usize = 2 << 20;

/// Most slots in use before the table doubles: 3/4.
const LOAD_NUM: usize = 3;
const LOAD_DEN: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Slot<K, V> {
    key: K,
    val: V,
}

/// A map from the prefixes of one length (`len`) to values.
#[derive(Debug, Clone)]
pub(crate) struct FlatMap<K, V> {
    /// A power of two of slots, or none before the first insert.
    slots: Vec<Slot<K, V>>,
    /// Occupied slots, plus one when `full_ones` holds a value.
    len: usize,
    /// The marker of an empty slot: all ones, which has host bits set for
    /// every length but the full one.
    empty: K,
    /// At the full length the all-ones key is a real prefix: its value.
    full_ones: Option<V>,
    /// This map's hash multipliers (odd, random).
    keys: [u64; 2],
}

/// Two random odd multipliers, from the standard library's per-process
/// random hash keys.
fn random_keys() -> [u64; 2] {
    use std::hash::BuildHasher;
    let s = std::collections::hash_map::RandomState::new();
    [s.hash_one(0x5eedu64) | 1, s.hash_one(0x5eed_5eedu64) | 1]
}

impl<K: PrefixBits, V: Copy + Default> FlatMap<K, V> {
    /// An empty map (allocates nothing).
    pub(crate) fn new() -> Self {
        FlatMap {
            slots: Vec::new(),
            len: 0,
            empty: K::ONES,
            full_ones: None,
            keys: random_keys(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The slot a key's probe run starts at (`slots` not empty).
    #[inline]
    fn home(&self, key: K) -> usize {
        // Multiply-shift: the top bits of the product, which spread even
        // arithmetic runs of prefixes evenly over the slots.
        let bits = self.slots.len().trailing_zeros();
        (key.hash(self.keys) >> (64 - bits.max(1))) as usize & self.mask()
    }

    /// The value at `key` (host bits already cleared).
    #[inline]
    pub(crate) fn get(&self, key: K) -> Option<&V> {
        if key == self.empty {
            return self.full_ones.as_ref();
        }
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = self.home(key);
        loop {
            let s = &self.slots[i];
            if s.key == key {
                return Some(&s.val);
            }
            if s.key == self.empty {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value at `key`, for changing it in place.
    pub(crate) fn get_mut(&mut self, key: K) -> Option<&mut V> {
        if key == self.empty {
            return self.full_ones.as_mut();
        }
        if self.slots.is_empty() {
            return None;
        }
        match self.find(key) {
            (i, true) => Some(&mut self.slots[i].val),
            _ => None,
        }
    }

    /// Where `key` is, or the empty slot where it would go (`slots` not
    /// empty).
    fn find(&self, key: K) -> (usize, bool) {
        let mask = self.mask();
        let mut i = self.home(key);
        loop {
            let k = self.slots[i].key;
            if k == key {
                return (i, true);
            }
            if k == self.empty {
                return (i, false);
            }
            i = (i + 1) & mask;
        }
    }

    /// The value at `key`, inserted with `make` first when absent; also
    /// whether it was inserted now.
    pub(crate) fn entry(&mut self, key: K, make: impl FnOnce() -> V) -> (&mut V, bool) {
        if key == self.empty {
            let new = self.full_ones.is_none();
            if new {
                self.len += 1;
            }
            return (self.full_ones.get_or_insert_with(make), new);
        }
        self.reserve(1);
        let (i, found) = self.find(key);
        if !found {
            self.slots[i] = Slot { key, val: make() };
            self.len += 1;
        }
        (&mut self.slots[i].val, !found)
    }

    /// Inserts `val` at `key` unless the key is present; `false` then.
    /// Room must have been reserved.
    fn insert_new(&mut self, key: K, val: V) -> bool {
        if key == self.empty {
            if self.full_ones.is_some() {
                return false;
            }
            self.full_ones = Some(val);
            self.len += 1;
            return true;
        }
        let (i, found) = self.find(key);
        if !found {
            self.slots[i] = Slot { key, val };
            self.len += 1;
        }
        !found
    }

    /// Removes and returns the value at `key`, shifting the rest of its
    /// probe run back so that no lookup stops early.
    pub(crate) fn remove(&mut self, key: K) -> Option<V> {
        if key == self.empty {
            let v = self.full_ones.take()?;
            self.len -= 1;
            return Some(v);
        }
        if self.slots.is_empty() {
            return None;
        }
        let (mut hole, found) = self.find(key);
        if !found {
            return None;
        }
        let gone = self.slots[hole].val;
        let mask = self.mask();
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let k = self.slots[j].key;
            if k == self.empty {
                break;
            }
            // The entry at `j` may move into the hole unless its home lies
            // cyclically in (hole, j].
            let home = self.home(k);
            let stays = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !stays {
                self.slots[hole] = self.slots[j];
                hole = j;
            }
        }
        self.slots[hole] = self.empty_slot();
        self.len -= 1;
        Some(gone)
    }

    fn empty_slot(&self) -> Slot<K, V> {
        Slot {
            key: self.empty,
            val: V::default(),
        }
    }

    /// Makes room for `n` more keys without regrowing.
    pub(crate) fn reserve(&mut self, n: usize) {
        let need = self.len + n;
        if need * LOAD_DEN <= self.slots.len() * LOAD_NUM {
            return;
        }
        let slots = (need * LOAD_DEN / LOAD_NUM + 1).next_power_of_two().max(8);
        let blank = self.empty_slot();
        let mut fresh = Vec::with_capacity(slots);
        // A large table is read at random: on 4 KiB pages nearly every
        // lookup also missed the TLB (a page walk before the slot's own
        // miss); huge pages keep its translations cached.
        if slots * core::mem::size_of::<Slot<K, V>>() >= HUGE_PAGE {
            netlink_raw::memory::advise_huge_pages(fresh.spare_capacity_mut());
        }
        fresh.resize(slots, blank);
        let old = core::mem::replace(&mut self.slots, fresh);
        let ones = self.full_ones.is_some();
        self.len = usize::from(ones);
        for s in old {
            if s.key != self.empty {
                self.insert_new(s.key, s.val);
            }
        }
    }

    /// Inserts many keys, in the order of their home slots so that the
    /// writes sweep the array once instead of landing at random (a cache
    /// and TLB miss each on a large table); a key already present goes to
    /// `taken` with its value. Leaves `items` empty.
    pub(crate) fn bulk_insert(&mut self, items: &mut Vec<(K, V)>, mut taken: impl FnMut(K, V)) {
        // Bins of the counting sort, as a power of two: small enough for
        // the counts to stay in cache, enough that a bin covers a few
        // dozen slots of a table of millions.
        const BIN_BITS: u32 = 10;
        let Some(&first) = items.first() else {
            return;
        };
        self.reserve(items.len());
        let shift = self.slots.len().trailing_zeros().saturating_sub(BIN_BITS);
        let bin = |m: &Self, k: &K| {
            if *k == m.empty {
                0
            } else {
                m.home(*k) >> shift
            }
        };
        // A counting sort by bin: one pass to count, one to scatter.
        let mut starts = vec![0u32; (1 << BIN_BITS) + 1];
        for (k, _) in items.iter() {
            starts[bin(self, k) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut sorted = vec![first; items.len()];
        for item in items.drain(..) {
            let at = &mut starts[bin(self, &item.0)];
            sorted[*at as usize] = item;
            *at += 1;
        }
        for (k, v) in sorted {
            if !self.insert_new(k, v) {
                taken(k, v);
            }
        }
    }

    /// Every `(key, value)`, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, &V)> + '_ {
        let ones = self.full_ones.as_ref().map(|v| (self.empty, v));
        self.slots
            .iter()
            .filter(move |s| s.key != self.empty)
            .map(|s| (s.key, &s.val))
            .chain(ones)
    }

    /// Every value, for changing in place.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> + '_ {
        let empty = self.empty;
        self.slots
            .iter_mut()
            .filter(move |s| s.key != empty)
            .map(|s| &mut s.val)
            .chain(self.full_ones.as_mut())
    }

    /// Bytes of the slot array.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * core::mem::size_of::<Slot<K, V>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Law: any mix of inserts and removals (dense runs that collide,
    /// wrap-around at the array's end, the all-ones key) leaves the map
    /// equal to a `BTreeMap` model, and every key findable.
    #[test]
    fn agrees_with_a_model() {
        let mut m: FlatMap<u32, u32> = FlatMap::new();
        let mut model = std::collections::BTreeMap::new();
        let mut next = crate::db::test_rng(0x5eed_1234_abcd_ef01u64);
        for step in 0..200_000u32 {
            // Few distinct keys, so removals hit and runs collide.
            let key = match next() % 50 {
                0 => u32::MAX,
                _ => ((next() % 3000) as u32) << 8,
            };
            if next().is_multiple_of(3) {
                assert_eq!(m.remove(key), model.remove(&key), "step {step}");
            } else {
                let (v, new) = m.entry(key, || step);
                assert_eq!(new, !model.contains_key(&key));
                *v = step;
                model.insert(key, step);
            }
            assert_eq!(m.len(), model.len());
        }
        for (k, v) in &model {
            assert_eq!(m.get(*k), Some(v));
        }
        let mut all: Vec<(u32, u32)> = m.iter().map(|(k, v)| (k, *v)).collect();
        all.sort();
        assert_eq!(all, model.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn bulk_insert_keeps_the_first_value_of_a_key() {
        let mut m: FlatMap<u128, u32> = FlatMap::new();
        let mut items: Vec<(u128, u32)> = (0..5000u32)
            .map(|i| (u128::from(i % 4000) << 64, i))
            .chain([(u128::MAX, 7), (u128::MAX, 8)])
            .collect();
        let mut taken = Vec::new();
        m.bulk_insert(&mut items, |k, v| taken.push((k, v)));
        assert!(items.is_empty());
        assert_eq!(m.len(), 4001);
        assert_eq!(m.get(u128::MAX), Some(&7));
        assert_eq!(taken.len(), 1001);
        for i in 0..4000u32 {
            assert_eq!(m.get(u128::from(i) << 64), Some(&i));
        }
    }
}
