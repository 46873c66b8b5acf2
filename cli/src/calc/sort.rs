//! `sorted(items, key=get_mixed_type_key)` exactly as CPython runs it.
//!
//! CPython's keys are tuples, `(version, address)` or `(version,
//! network_address, netmask)`, compared element by element: `==` first
//! (which for IPv6 includes the scope id) and then `<` (which ignores it).
//! So `fe80::1%a` and `fe80::1%b` are neither less nor greater than each
//! other, nor equal: not a total order, and the result depends on the sort
//! algorithm. For short lists (under 64 items, all the batch driver sees in
//! practice) CPython's list.sort is a run count plus binary insertion; that
//! is reproduced here, so the output matches item for item.

use ipdb::ip::{IpAddress, IpNetwork};

/// One item of `sort_mixed`.
#[derive(Copy, Clone, Debug)]
pub enum Item {
    /// An address.
    Addr(IpAddress),
    /// A network.
    Net(IpNetwork),
}

impl Item {
    fn version(&self) -> u8 {
        match self {
            Item::Addr(IpAddress::V4(_)) | Item::Net(IpNetwork::V4(_)) => 4,
            _ => 6,
        }
    }

    /// The second key element: (integer, the address for `==`).
    fn head(&self) -> IpAddress {
        match self {
            Item::Addr(a) => *a,
            Item::Net(IpNetwork::V4(n)) => IpAddress::V4(n.network_address()),
            Item::Net(IpNetwork::V6(n)) => IpAddress::V6(n.network_address()),
        }
    }

    fn prefixlen(&self) -> Option<u8> {
        match self {
            Item::Addr(_) => None,
            Item::Net(IpNetwork::V4(n)) => Some(n.prefixlen()),
            Item::Net(IpNetwork::V6(n)) => Some(n.prefixlen()),
        }
    }
}

fn bits(a: &IpAddress) -> u128 {
    match a {
        IpAddress::V4(a) => u128::from(a.to_u32()),
        IpAddress::V6(a) => a.to_u128(),
    }
}

/// CPython's `get_mixed_type_key(x) < get_mixed_type_key(y)`.
fn key_lt(x: &Item, y: &Item) -> bool {
    if x.version() != y.version() {
        return x.version() < y.version();
    }
    let (hx, hy) = (x.head(), y.head());
    if hx != hy {
        return bits(&hx) < bits(&hy);
    }
    match (x.prefixlen(), y.prefixlen()) {
        // Netmasks compare like their prefix lengths; a shorter tuple
        // (an address) sorts before a longer one (a network).
        (Some(px), Some(py)) => px < py,
        (None, Some(_)) => true,
        _ => false,
    }
}

/// Sort in place as CPython 3.11's `list.sort` does with the `key_lt` order.
pub fn sort_mixed(items: &mut [Item]) {
    if items.len() >= 64 {
        // Beyond the insertion-sort size CPython merges runs. Any stable
        // sort agrees with it whenever the order is total; this key is total
        // (scope ids ignored, so items differing only there keep their input
        // order), which also keeps `sort_by_key` from meeting an
        // inconsistent comparison.
        items.sort_by_key(|i| {
            (
                i.version(),
                bits(&i.head()),
                i.prefixlen().map_or(0, |p| u16::from(p) + 1),
            )
        });
        return;
    }
    let n = items.len();
    if n < 2 {
        return;
    }
    // count_run: a strictly descending run is reversed, an ascending
    // (non-descending) run is kept.
    let mut run = 2;
    if key_lt(&items[1], &items[0]) {
        while run < n && key_lt(&items[run], &items[run - 1]) {
            run += 1;
        }
        items[..run].reverse();
    } else {
        while run < n && !key_lt(&items[run], &items[run - 1]) {
            run += 1;
        }
    }
    // binarysort: insert each further item after every item it is not less than.
    for start in run..n {
        let pivot = items[start];
        let (mut lo, mut hi) = (0, start);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if key_lt(&pivot, &items[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        items[lo..=start].rotate_right(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&str]) -> Vec<Item> {
        texts
            .iter()
            .map(|s| {
                if s.contains('/') {
                    Item::Net(s.parse().unwrap())
                } else {
                    Item::Addr(s.parse().unwrap())
                }
            })
            .collect()
    }

    fn texts(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Addr(a) => a.to_string(),
                Item::Net(n) => n.to_string(),
            })
            .collect()
    }

    // Expected orders are CPython's (conformance/gen.py's evaluate).
    #[test]
    fn scope_ids_sort_like_cpython() {
        let mut v = items(&[
            "fe80::1%b",
            "fe80::1%a",
            "fe80::1",
            "fe80::1/128",
            "fe80::%a/64",
            "fe80::/64",
            "1.2.3.4",
            "1.2.3.4/32",
            "1.2.3.0/24",
        ]);
        sort_mixed(&mut v);
        let want = [
            "1.2.3.0/24",
            "1.2.3.4",
            "1.2.3.4/32",
            "fe80::%a/64",
            "fe80::/64",
            "fe80::1%b",
            "fe80::1%a",
            "fe80::1",
            "fe80::1/128",
        ];
        assert_eq!(texts(&v), want);

        let mut v = items(&["fe80::1", "fe80::1%b", "fe80::1%a", "fe80::1"]);
        sort_mixed(&mut v);
        assert_eq!(texts(&v), ["fe80::1", "fe80::1%b", "fe80::1%a", "fe80::1"]);
    }

    #[test]
    fn long_lists_agree_with_insertion_sort_on_total_orders() {
        let all: Vec<String> = (0..100u32)
            .map(|i| match i % 3 {
                0 => format!("10.0.{}.0/24", (i * 37) % 256),
                1 => format!("10.0.{}.7", (i * 91) % 256),
                _ => format!("2001:db8::{:x}", (i * 53) % 97),
            })
            .collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut long = items(&refs);
        sort_mixed(&mut long);
        // Sorting the 100 items in two halves and merging by the same rule
        // must give the same order as the one long sort.
        let mut sorted = texts(&long);
        let mut halves = [items(&refs[..50]), items(&refs[50..])];
        halves.iter_mut().for_each(|h| sort_mixed(h));
        let mut merged: Vec<Item> = halves.concat();
        merged.sort_by(|a, b| {
            if key_lt(a, b) {
                std::cmp::Ordering::Less
            } else if key_lt(b, a) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        assert_eq!(texts(&merged), sorted);
        sorted.dedup();
        assert!(sorted.len() > 50);
    }
}
