//! What `AF_BRIDGE` link messages carry for bridge ports: `IFLA_PROTINFO`
//! (port settings, `IFLA_BRPORT_*`) and `IFLA_AF_SPEC` (`IFLA_BRIDGE_*`,
//! VLAN entries). [`LinkRepr`](super::link::LinkRepr) keeps both nests raw;
//! these decode them on demand.
//!
//! Writing port settings (an `RTM_SETLINK`/`RTM_NEWLINK` of family
//! `AF_BRIDGE`):
//!
//! ```
//! use ipdb_core::wire::{bridge::BridgePortAttrs, link::LinkRepr, uapi::*, FamilyRepr, Message, MessageBuilder};
//! let mut buf = [0u8; 128];
//! let mut b = MessageBuilder::new(&mut buf, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0).unwrap();
//! let mut link = LinkRepr::default();
//! link.header.family = AF_BRIDGE;
//! link.header.index = 4;
//! link.emit(&mut b).unwrap();
//! let nest = b.begin_nested(IFLA_PROTINFO).unwrap();
//! BridgePortAttrs { learning: Some(0), cost: Some(10), ..Default::default() }.emit(&mut b).unwrap();
//! b.end_nested(nest).unwrap();
//! let bytes = b.finish().unwrap();
//! let back = LinkRepr::parse(&Message::parse(bytes).unwrap()).unwrap();
//! assert_eq!(back.bridge_port().unwrap().unwrap().cost, Some(10));
//! ```

use super::attr::Attrs;
use super::error::Error;
use super::table::attr_table;
use super::uapi::*;
use super::value::fixed_struct;

attr_table! {
    /// `IFLA_PROTINFO` of an `AF_BRIDGE` link message: the port's settings.
    pub struct BridgePortAttrs {
        /// `IFLA_BRPORT_STATE`: `BR_STATE_*` (3 = forwarding).
        IFLA_BRPORT_STATE => state: u8,
        /// `IFLA_BRPORT_PRIORITY`.
        IFLA_BRPORT_PRIORITY => priority: u16,
        /// `IFLA_BRPORT_COST`.
        IFLA_BRPORT_COST => cost: u32,
        /// `IFLA_BRPORT_MODE`: hairpin.
        IFLA_BRPORT_MODE => mode: u8,
        /// `IFLA_BRPORT_GUARD`: BPDU guard.
        IFLA_BRPORT_GUARD => guard: u8,
        /// `IFLA_BRPORT_PROTECT`: root port protection.
        IFLA_BRPORT_PROTECT => protect: u8,
        /// `IFLA_BRPORT_FAST_LEAVE`.
        IFLA_BRPORT_FAST_LEAVE => fast_leave: u8,
        /// `IFLA_BRPORT_LEARNING`.
        IFLA_BRPORT_LEARNING => learning: u8,
        /// `IFLA_BRPORT_UNICAST_FLOOD`.
        IFLA_BRPORT_UNICAST_FLOOD => unicast_flood: u8,
        /// `IFLA_BRPORT_PROXYARP`.
        IFLA_BRPORT_PROXYARP => proxyarp: u8,
        /// `IFLA_BRPORT_MCAST_FLOOD`.
        IFLA_BRPORT_MCAST_FLOOD => mcast_flood: u8,
        /// `IFLA_BRPORT_BCAST_FLOOD`.
        IFLA_BRPORT_BCAST_FLOOD => bcast_flood: u8,
        /// `IFLA_BRPORT_NEIGH_SUPPRESS`.
        IFLA_BRPORT_NEIGH_SUPPRESS => neigh_suppress: u8,
        /// `IFLA_BRPORT_ISOLATED`.
        IFLA_BRPORT_ISOLATED => isolated: u8,
        /// `IFLA_BRPORT_BACKUP_PORT`: index of the backup port.
        IFLA_BRPORT_BACKUP_PORT => backup_port: u32,
    }
}

fixed_struct! {
    /// `struct bridge_vlan_info` (`IFLA_BRIDGE_VLAN_INFO`).
    pub struct BridgeVlanInfo (min 4) {
        /// `BRIDGE_VLAN_INFO_*` (PVID, untagged, range begin/end).
        flags: u16,
        /// The VLAN id.
        vid: u16,
    }
}

attr_table! {
    /// The plain values of `IFLA_AF_SPEC` in `AF_BRIDGE` messages.
    pub struct BridgeAfSpec {
        /// `IFLA_BRIDGE_FLAGS`: `BRIDGE_FLAGS_MASTER`/`BRIDGE_FLAGS_SELF` (requests).
        IFLA_BRIDGE_FLAGS => flags: u16,
        /// `IFLA_BRIDGE_MODE`: VEB/VEPA.
        IFLA_BRIDGE_MODE => mode: u16,
    }
}

/// The VLAN entries (`IFLA_BRIDGE_VLAN_INFO`, one per attribute) of an
/// `IFLA_AF_SPEC` nest; malformed entries are skipped.
pub fn vlans(af_spec: Attrs<'_>) -> impl Iterator<Item = BridgeVlanInfo> + '_ {
    af_spec
        .flatten()
        .filter(|a| a.kind() == IFLA_BRIDGE_VLAN_INFO)
        .filter_map(|a| a.get::<BridgeVlanInfo>().ok())
}

impl<'a> super::link::LinkRepr<'a> {
    /// The bridge port settings of an `AF_BRIDGE` message (`None` for other
    /// families, whose `IFLA_PROTINFO` means something else, or when absent).
    pub fn bridge_port(&self) -> Option<Result<BridgePortAttrs, Error>> {
        let p = self.protinfo.filter(|_| self.header.family == AF_BRIDGE)?;
        let mut bad = None;
        Some(BridgePortAttrs::parse(p, &mut bad).and_then(|t| bad.map_or(Ok(t), Err)))
    }

    /// The VLAN entries of an `AF_BRIDGE` message's `IFLA_AF_SPEC`.
    pub fn bridge_vlans(&self) -> impl Iterator<Item = BridgeVlanInfo> + 'a {
        let spec = self
            .af_spec
            .filter(|_| self.header.family == AF_BRIDGE)
            .unwrap_or_default();
        vlans(spec)
    }
}
