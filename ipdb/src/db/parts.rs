//! [`Parts`]: which parts of the database a dump, a resync or a re-read
//! covers.

use core::ops::{BitOr, BitOrAssign};

use ipdb_core::wire::uapi::AF_INET;

/// A set of database parts (one per dump request the kernel answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Parts(u8);

impl Parts {
    /// No part.
    pub const NONE: Parts = Parts(0);
    /// Links.
    pub const LINKS: Parts = Parts(1);
    /// IPv4 and IPv6 addresses.
    pub const ADDRESSES: Parts = Parts(2);
    /// IPv4 routes.
    pub const ROUTES4: Parts = Parts(4);
    /// IPv6 routes.
    pub const ROUTES6: Parts = Parts(8);
    /// IPv4 and IPv6 neighbours (ARP, NDP).
    pub const NEIGHBOURS: Parts = Parts(16);
    /// Bridge FDB entries (`AF_BRIDGE` neighbours), including the
    /// multicast entries every device lists for itself, which change with
    /// addresses and link state without an event of their own.
    pub const FDB: Parts = Parts(128);
    /// Rules.
    pub const RULES: Parts = Parts(32);
    /// Nexthop objects.
    pub const NEXTHOPS: Parts = Parts(64);
    /// Everything.
    pub const ALL: Parts = Parts(255);

    /// Every single part, in the order a full dump reads them (links
    /// before what refers to links, nexthops before routes).
    pub const EACH: [Parts; 8] = [
        Parts::LINKS,
        Parts::ADDRESSES,
        Parts::NEXTHOPS,
        Parts::ROUTES4,
        Parts::ROUTES6,
        Parts::NEIGHBOURS,
        Parts::FDB,
        Parts::RULES,
    ];

    /// The routes of `family` (`AF_INET`, else IPv6).
    pub fn routes_of(family: u8) -> Parts {
        if family == AF_INET {
            Parts::ROUTES4
        } else {
            Parts::ROUTES6
        }
    }

    /// Whether every part of `other` is in `self`.
    pub fn contains(self, other: Parts) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The parts of `self` that are not in `other`.
    pub fn without(self, other: Parts) -> Parts {
        Parts(self.0 & !other.0)
    }

    /// The parts of `self` that are in `other` too.
    pub fn intersect(self, other: Parts) -> Parts {
        Parts(self.0 & other.0)
    }
}

impl BitOr for Parts {
    type Output = Parts;
    fn bitor(self, rhs: Parts) -> Parts {
        Parts(self.0 | rhs.0)
    }
}

impl BitOrAssign for Parts {
    fn bitor_assign(&mut self, rhs: Parts) {
        self.0 |= rhs.0;
    }
}
