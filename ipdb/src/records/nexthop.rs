//! [`Nexthop`]: a nexthop object (`ip nexthop`).

use ipdb_core::ip::IpAddress;
use ipdb_core::wire::nexthop::NexthopRepr;

use super::ip;

/// A nexthop object, as `RTM_NEWNEXTHOP` describes it: a gateway and/or
/// device, a blackhole, or a group of other nexthops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nexthop {
    /// `NHA_ID`.
    pub id: u32,
    /// `nh_family`: `AF_INET`, `AF_INET6`, or `AF_UNSPEC` for groups and blackholes.
    pub family: u8,
    /// `nh_scope`.
    pub scope: u8,
    /// `nh_protocol`: `RTPROT_*`.
    pub protocol: u8,
    /// `nh_flags`: `RTNH_F_*`.
    pub flags: u32,
    /// `NHA_GATEWAY`.
    pub gateway: Option<IpAddress>,
    /// `NHA_OIF`: output interface.
    pub oif: Option<u32>,
    /// `NHA_BLACKHOLE` present.
    pub blackhole: bool,
    /// `NHA_FDB` present (a bridge FDB nexthop).
    pub fdb: bool,
    /// `NHA_GROUP`: the members of a group (empty otherwise).
    pub group: Vec<NexthopMember>,
    /// `NHA_GROUP_TYPE`: `NEXTHOP_GRP_TYPE_*` (0 multipath, 1 resilient).
    pub group_type: Option<u16>,
    /// `NHA_ENCAP_TYPE`.
    pub encap_type: Option<u16>,
}

/// One member of a nexthop group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NexthopMember {
    /// The member nexthop's id.
    pub id: u32,
    /// The weight as `ip nexthop` spells it (wire value + 1).
    pub weight: u16,
}

impl From<&NexthopRepr<'_>> for Nexthop {
    fn from(r: &NexthopRepr<'_>) -> Nexthop {
        let a = &r.attrs;
        Nexthop {
            id: a.id.unwrap_or(0),
            family: r.header.family,
            scope: r.header.scope,
            protocol: r.header.protocol,
            flags: r.header.flags,
            gateway: a.gateway.map(ip),
            oif: a.oif,
            blackhole: a.blackhole.is_some(),
            fdb: a.fdb.is_some(),
            group: r
                .group
                .iter()
                .flat_map(|g| g.iter())
                .map(|m| NexthopMember {
                    id: m.id,
                    weight: u16::from(m.weight) + 1,
                })
                .collect(),
            group_type: a.group_type,
            encap_type: a.encap_type,
        }
    }
}
