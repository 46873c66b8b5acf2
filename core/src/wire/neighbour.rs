//! Neighbour messages (`RTM_NEWNEIGH`/`RTM_DELNEIGH`/`RTM_GETNEIGH`):
//! `struct ndmsg` plus `NDA_*` attributes. The same shape carries bridge
//! FDB entries (family `AF_BRIDGE`: `NDA_LLADDR` is the MAC, `NDA_DST` the
//! remote of a vxlan entry, `NDA_VLAN`/`NDA_MASTER` as set).

use core::net::IpAddr;

use super::header::fixed_header;
use super::name::HwAddr;
use super::table::{attr_table, plain_message};
use super::uapi::*;
use super::value::{fixed_struct, Be16};

fixed_header! {
    /// A view of `struct ndmsg`.
    pub struct NdMsgBuf;
    /// `struct ndmsg` as a value.
    pub struct NdHeader (len 12) {
        /// `ndm_family`: `AF_INET`, `AF_INET6` or `AF_BRIDGE`.
        family / set_family: u8 = 0,
        /// `ndm_ifindex`.
        ifindex / set_ifindex: i32 = 4,
        /// `ndm_state`: `NUD_*`.
        state / set_state: u16 = 8,
        /// `ndm_flags`: `NTF_*`.
        flags / set_flags: u8 = 10,
        /// `ndm_type`: `RTN_*`.
        ntype / set_ntype: u8 = 11,
    }
}

fixed_struct! {
    /// `struct nda_cacheinfo` (`NDA_CACHEINFO`), ages in clock ticks.
    pub struct NdaCacheinfo (min 16) {
        /// `ndm_confirmed`.
        confirmed: u32,
        /// `ndm_used`.
        used: u32,
        /// `ndm_updated`.
        updated: u32,
        /// `ndm_refcnt`.
        refcnt: u32,
    }
}

attr_table! {
    /// The `NDA_*` attributes.
    pub struct NeighbourAttrs {
        /// `NDA_DST`: the neighbour's address (vxlan remote for FDB entries).
        NDA_DST => dst: IpAddr,
        /// `NDA_LLADDR`: link-layer address.
        NDA_LLADDR => lladdr: HwAddr,
        /// `NDA_CACHEINFO`.
        NDA_CACHEINFO => cacheinfo: NdaCacheinfo,
        /// `NDA_PROBES`.
        NDA_PROBES => probes: u32,
        /// `NDA_VLAN`: FDB VLAN id.
        NDA_VLAN => vlan: u16,
        /// `NDA_PORT`: vxlan UDP port (network order on the wire).
        NDA_PORT => port: Be16,
        /// `NDA_VNI`: vxlan VNI.
        NDA_VNI => vni: u32,
        /// `NDA_IFINDEX`: vxlan outgoing interface.
        NDA_IFINDEX => ifindex: u32,
        /// `NDA_MASTER`: the bridge of an FDB entry.
        NDA_MASTER => master: u32,
        /// `NDA_LINK_NETNSID`.
        NDA_LINK_NETNSID => link_netnsid: i32,
        /// `NDA_SRC_VNI`.
        NDA_SRC_VNI => src_vni: u32,
        /// `NDA_PROTOCOL`: who added the entry.
        NDA_PROTOCOL => protocol: u8,
        /// `NDA_NH_ID`: nexthop object id (FDB).
        NDA_NH_ID => nh_id: u32,
        /// `NDA_FLAGS_EXT`: `NTF_EXT_*`.
        NDA_FLAGS_EXT => flags_ext: u32,
    }
}

plain_message! {
    /// A decoded neighbour (or FDB) message.
    pub struct NeighbourRepr { header: NdHeader, attrs: NeighbourAttrs, kinds: NEIGHBOUR_MESSAGES }
}

/// The message types that carry a neighbour.
pub const NEIGHBOUR_MESSAGES: [u16; 3] = [RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH];
