//! The special-purpose address blocks behind the `is_*` flags, as current
//! CPython has them: the IANA IPv4 and IPv6 special-purpose address
//! registries (the 2024 `is_private`/`is_global` revision), RFC 9637's
//! `3fff::/20`, and the older fixed ranges (multicast, loopback ...).
//!
//! Blocks are `(base, prefix length)` pairs checked with a mask compare;
//! the lists are short, so a linear scan beats anything cleverer.

/// `bits` lies in `base/len` (width `W` = 32 or 128; `len <= W`).
const fn in_block<const W: u32>(bits: u128, base: u128, len: u32) -> bool {
    if len == 0 {
        return true;
    }
    let shift = W - len;
    (bits >> shift) == (base >> shift)
}

const fn in_any<const W: u32>(bits: u128, blocks: &[(u128, u32)]) -> bool {
    let mut i = 0;
    while i < blocks.len() {
        if in_block::<W>(bits, blocks[i].0, blocks[i].1) {
            return true;
        }
        i += 1;
    }
    false
}

const fn v4(a: u8, b: u8, c: u8, d: u8) -> u128 {
    u32::from_be_bytes([a, b, c, d]) as u128
}

/// IPv4 blocks the IANA registry marks "not globally reachable".
const V4_PRIVATE: &[(u128, u32)] = &[
    (v4(0, 0, 0, 0), 8),          // "this network" (RFC 791)
    (v4(10, 0, 0, 0), 8),         // private use (RFC 1918)
    (v4(127, 0, 0, 0), 8),        // loopback (RFC 1122)
    (v4(169, 254, 0, 0), 16),     // link local (RFC 3927)
    (v4(172, 16, 0, 0), 12),      // private use (RFC 1918)
    (v4(192, 0, 0, 0), 24),       // IETF protocol assignments (RFC 6890)
    (v4(192, 0, 0, 170), 31),     // NAT64/DNS64 discovery (RFC 7050)
    (v4(192, 0, 2, 0), 24),       // TEST-NET-1 (RFC 5737)
    (v4(192, 168, 0, 0), 16),     // private use (RFC 1918)
    (v4(198, 18, 0, 0), 15),      // benchmarking (RFC 2544)
    (v4(198, 51, 100, 0), 24),    // TEST-NET-2 (RFC 5737)
    (v4(203, 0, 113, 0), 24),     // TEST-NET-3 (RFC 5737)
    (v4(240, 0, 0, 0), 4),        // reserved (RFC 1112)
    (v4(255, 255, 255, 255), 32), // limited broadcast (RFC 919)
];

/// Globally reachable blocks inside [`V4_PRIVATE`].
const V4_PRIVATE_EXCEPTIONS: &[(u128, u32)] = &[
    (v4(192, 0, 0, 9), 32),  // Port Control Protocol anycast (RFC 7723)
    (v4(192, 0, 0, 10), 32), // TURN anycast (RFC 8155)
];

/// 100.64.0.0/10, shared address space (RFC 6598): neither private nor global.
const V4_SHARED: (u128, u32) = (v4(100, 64, 0, 0), 10);

/// In 224.0.0.0/4 (RFC 3171).
pub(crate) const fn v4_is_multicast(a: u32) -> bool {
    a >> 28 == 0xe
}

/// In 240.0.0.0/4 (RFC 1112).
pub(crate) const fn v4_is_reserved(a: u32) -> bool {
    a >> 28 == 0xf
}

/// In 127.0.0.0/8 (RFC 1122).
pub(crate) const fn v4_is_loopback(a: u32) -> bool {
    a >> 24 == 127
}

/// In 169.254.0.0/16 (RFC 3927).
pub(crate) const fn v4_is_link_local(a: u32) -> bool {
    a >> 16 == 0xa9fe
}

/// Not globally reachable (IANA IPv4 special-purpose registry).
pub(crate) const fn v4_is_private(a: u32) -> bool {
    let a = a as u128;
    in_any::<32>(a, V4_PRIVATE) && !in_any::<32>(a, V4_PRIVATE_EXCEPTIONS)
}

/// Globally reachable: neither private nor in the shared space.
pub(crate) const fn v4_is_global(a: u32) -> bool {
    !in_block::<32>(a as u128, V4_SHARED.0, V4_SHARED.1) && !v4_is_private(a)
}

/// True when `net/prefixlen` lies entirely in 100.64.0.0/10 (CPython's
/// `IPv4Network.is_global` override tests both ends of the network).
pub(crate) const fn v4_in_shared(a: u32) -> bool {
    in_block::<32>(a as u128, V4_SHARED.0, V4_SHARED.1)
}

const fn v6(s: [u16; 8]) -> u128 {
    let mut v = 0u128;
    let mut i = 0;
    while i < 8 {
        v = v << 16 | s[i] as u128;
        i += 1;
    }
    v
}

/// IPv6 blocks the IANA registry marks "not globally reachable" (plus
/// 2002::/16, which CPython treats as not reachable to be safe, and
/// RFC 9637's documentation block 3fff::/20).
const V6_PRIVATE: &[(u128, u32)] = &[
    (1, 128),                                    // loopback (RFC 4291)
    (0, 128),                                    // unspecified (RFC 4291)
    (v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96),     // IPv4-mapped (RFC 4291)
    (v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0]), 48),  // local-use IPv4/IPv6 translation (RFC 8215)
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0]), 64),      // discard-only (RFC 6666)
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 23),     // IETF protocol assignments (RFC 2928)
    (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32), // documentation (RFC 3849)
    (v6([0x2002, 0, 0, 0, 0, 0, 0, 0]), 16),     // 6to4 (RFC 3056)
    (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0]), 20),     // documentation (RFC 9637)
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7),      // unique local (RFC 4193)
    (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 10),     // link-local unicast (RFC 4291)
];

/// Globally reachable blocks inside [`V6_PRIVATE`].
const V6_PRIVATE_EXCEPTIONS: &[(u128, u32)] = &[
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 1]), 128), // PCP anycast (RFC 7723)
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 2]), 128), // TURN anycast (RFC 8155)
    (v6([0x2001, 3, 0, 0, 0, 0, 0, 0]), 32),  // AMT (RFC 7450)
    (v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0]), 48), // AS112-v6 (RFC 7535)
    (v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0]), 28), // ORCHIDv2 (RFC 7343)
    (v6([0x2001, 0x30, 0, 0, 0, 0, 0, 0]), 28), // drone remote ID (RFC 9374)
];

/// The IPv6 blocks CPython calls reserved (unassigned in the IPv6 address
/// architecture, RFC 4291 and the IANA IPv6 address space registry).
const V6_RESERVED: &[(u128, u32)] = &[
    (v6([0, 0, 0, 0, 0, 0, 0, 0]), 8),
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0]), 8),
    (v6([0x200, 0, 0, 0, 0, 0, 0, 0]), 7),
    (v6([0x400, 0, 0, 0, 0, 0, 0, 0]), 6),
    (v6([0x800, 0, 0, 0, 0, 0, 0, 0]), 5),
    (v6([0x1000, 0, 0, 0, 0, 0, 0, 0]), 4),
    (v6([0x4000, 0, 0, 0, 0, 0, 0, 0]), 3),
    (v6([0x6000, 0, 0, 0, 0, 0, 0, 0]), 3),
    (v6([0x8000, 0, 0, 0, 0, 0, 0, 0]), 3),
    (v6([0xa000, 0, 0, 0, 0, 0, 0, 0]), 3),
    (v6([0xc000, 0, 0, 0, 0, 0, 0, 0]), 3),
    (v6([0xe000, 0, 0, 0, 0, 0, 0, 0]), 4),
    (v6([0xf000, 0, 0, 0, 0, 0, 0, 0]), 5),
    (v6([0xf800, 0, 0, 0, 0, 0, 0, 0]), 6),
    (v6([0xfe00, 0, 0, 0, 0, 0, 0, 0]), 9),
];

/// In ff00::/8 (RFC 4291 2.7).
pub(crate) const fn v6_is_multicast(a: u128) -> bool {
    a >> 120 == 0xff
}

/// In one of CPython's reserved IPv6 blocks.
pub(crate) const fn v6_is_reserved(a: u128) -> bool {
    in_any::<128>(a, V6_RESERVED)
}

/// In fe80::/10 (RFC 4291 2.5.6).
pub(crate) const fn v6_is_link_local(a: u128) -> bool {
    a >> 118 == 0xfe80 >> 6
}

/// In fec0::/10 (deprecated site-local, RFC 3879).
pub(crate) const fn v6_is_site_local(a: u128) -> bool {
    a >> 118 == 0xfec0 >> 6
}

/// Not globally reachable (IANA IPv6 special-purpose registry).
pub(crate) const fn v6_is_private(a: u128) -> bool {
    in_any::<128>(a, V6_PRIVATE) && !in_any::<128>(a, V6_PRIVATE_EXCEPTIONS)
}

/// CPython's network `is_private` (`_BaseNetwork.is_private`): both ends
/// of `first ..= last` lie in one not-globally-reachable block and neither
/// end lies in an exception. Networks are not delegated to IPv4 for
/// IPv4-mapped IPv6, unlike the address flag. (Added for `network.rs`.)
pub(crate) const fn net_is_private(version: u8, first: u128, last: u128) -> bool {
    const fn check<const W: u32>(
        first: u128,
        last: u128,
        blocks: &[(u128, u32)],
        except: &[(u128, u32)],
    ) -> bool {
        let mut inside = false;
        let mut i = 0;
        while i < blocks.len() {
            let (base, len) = blocks[i];
            inside |= in_block::<W>(first, base, len) && in_block::<W>(last, base, len);
            i += 1;
        }
        inside && !in_any::<W>(first, except) && !in_any::<W>(last, except)
    }
    if version == 4 {
        check::<32>(first, last, V4_PRIVATE, V4_PRIVATE_EXCEPTIONS)
    } else {
        check::<128>(first, last, V6_PRIVATE, V6_PRIVATE_EXCEPTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        assert!(in_block::<32>(v4(10, 1, 2, 3), v4(10, 0, 0, 0), 8));
        assert!(!in_block::<32>(v4(11, 0, 0, 0), v4(10, 0, 0, 0), 8));
        assert!(in_block::<32>(7, 0, 0));
        assert!(v4_is_private(0xc0a8_0101));
        assert!(!v4_is_private(0xc000_0009) && v4_is_global(0xc000_0009));
        assert!(!v4_is_private(0x6440_0001) && !v4_is_global(0x6440_0001));
        assert!(v6_is_private(v6([0x3fff, 0xfff, 0, 0, 0, 0, 0, 1])));
        assert!(!v6_is_private(v6([0x3fff, 0x1000, 0, 0, 0, 0, 0, 1])));
        assert!(!v6_is_private(v6([0x2001, 0x2f, 0, 0, 0, 0, 0, 1])));
        assert!(v6_is_private(v6([0x2001, 0x40, 0, 0, 0, 0, 0, 1])));
        assert!(v6_is_link_local(v6([0xfebf, 0, 0, 0, 0, 0, 0, 0])));
        assert!(!v6_is_link_local(v6([0xfec0, 0, 0, 0, 0, 0, 0, 0])));
        assert!(v6_is_site_local(v6([0xfeff, 0, 0, 0, 0, 0, 0, 0])));
        assert!(v6_is_reserved(v6([0xfe7f, 0, 0, 0, 0, 0, 0, 0])));
        assert!(!v6_is_reserved(v6([0x2000, 0, 0, 0, 0, 0, 0, 0])));
    }
}
