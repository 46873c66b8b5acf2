//! [`Neighbour`]: an ARP/NDP cache entry or a bridge FDB entry.

use ipdb_core::ip::IpAddress;
use ipdb_core::wire::neighbour::{NdaCacheinfo, NeighbourRepr};
use ipdb_core::wire::uapi::AF_BRIDGE;
use ipdb_core::wire::HwAddr;

use super::ip;

/// A neighbour entry (families `AF_INET`/`AF_INET6`) or a bridge
/// forwarding database entry (family `AF_BRIDGE`: `lladdr` is the MAC,
/// `dst` the remote of a vxlan entry), as `RTM_NEWNEIGH` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    /// `ndm_family`.
    pub family: u8,
    /// `ndm_ifindex`: the link.
    pub index: u32,
    /// `ndm_state`: `NUD_*` bits (2 reachable, 4 stale, 64 noarp, 128 permanent...).
    pub state: u16,
    /// `ndm_flags`: `NTF_*` (router, proxy, self, master, ...).
    pub flags: u8,
    /// `ndm_type`: `RTN_*`.
    pub ntype: u8,
    /// `NDA_DST`.
    pub dst: Option<IpAddress>,
    /// `NDA_LLADDR`.
    pub lladdr: Option<HwAddr>,
    /// `NDA_VLAN` (FDB).
    pub vlan: Option<u16>,
    /// `NDA_MASTER`: the bridge of an FDB entry.
    pub master: Option<u32>,
    /// `NDA_VNI` (vxlan FDB).
    pub vni: Option<u32>,
    /// `NDA_PORT` (vxlan FDB), host order.
    pub port: Option<u16>,
    /// `NDA_IFINDEX` (vxlan FDB): outgoing interface.
    pub via_index: Option<u32>,
    /// `NDA_PROBES`.
    pub probes: Option<u32>,
    /// `NDA_CACHEINFO`.
    pub cacheinfo: Option<NdaCacheinfo>,
    /// `NDA_PROTOCOL`: who added the entry.
    pub protocol: Option<u8>,
    /// `NDA_NH_ID`.
    pub nh_id: Option<u32>,
    /// `NDA_FLAGS_EXT`: `NTF_EXT_*`.
    pub flags_ext: Option<u32>,
}

impl From<&NeighbourRepr> for Neighbour {
    fn from(r: &NeighbourRepr) -> Neighbour {
        let a = &r.attrs;
        Neighbour {
            family: r.header.family,
            index: r.header.ifindex as u32,
            state: r.header.state,
            flags: r.header.flags,
            ntype: r.header.ntype,
            dst: a.dst.map(ip),
            lladdr: a.lladdr,
            vlan: a.vlan,
            master: a.master,
            vni: a.vni,
            port: a.port.map(|p| p.0),
            via_index: a.ifindex,
            probes: a.probes,
            cacheinfo: a.cacheinfo,
            protocol: a.protocol,
            nh_id: a.nh_id,
            flags_ext: a.flags_ext,
        }
    }
}

impl Neighbour {
    /// Whether this is a bridge FDB entry (family `AF_BRIDGE`).
    pub fn is_fdb(&self) -> bool {
        self.family == AF_BRIDGE
    }
}
