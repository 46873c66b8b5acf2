//! Routing rule messages (`RTM_NEWRULE`/`RTM_DELRULE`/`RTM_GETRULE`):
//! `struct fib_rule_hdr` plus `FRA_*` attributes.

use core::net::IpAddr;

use super::header::fixed_header;
use super::name::IfName;
use super::table::{attr_table, plain_message};
use super::uapi::*;
use super::value::fixed_struct;

fixed_header! {
    /// A view of `struct fib_rule_hdr`.
    pub struct FibRuleMsgBuf;
    /// `struct fib_rule_hdr` as a value.
    pub struct FibRuleHeader (len 12) {
        /// `family`.
        family / set_family: u8 = 0,
        /// `dst_len`: destination prefix length.
        dst_len / set_dst_len: u8 = 1,
        /// `src_len`: source prefix length.
        src_len / set_src_len: u8 = 2,
        /// `tos`.
        tos / set_tos: u8 = 3,
        /// `table`: the table id if below 256 (see `FRA_TABLE`).
        table / set_table: u8 = 4,
        /// `action`: `FR_ACT_*`.
        action / set_action: u8 = 7,
        /// `flags`: `FIB_RULE_*`.
        flags / set_flags: u32 = 8,
    }
}

fixed_struct! {
    /// `struct fib_rule_uid_range` (`FRA_UID_RANGE`).
    pub struct UidRange (min 8) {
        /// First uid.
        start: u32,
        /// Last uid.
        end: u32,
    }
}

fixed_struct! {
    /// `struct fib_rule_port_range` (`FRA_SPORT_RANGE`, `FRA_DPORT_RANGE`).
    pub struct PortRange (min 4) {
        /// First port.
        start: u16,
        /// Last port.
        end: u16,
    }
}

attr_table! {
    /// The `FRA_*` attributes.
    pub struct RuleAttrs {
        /// `FRA_DST`: destination prefix address.
        FRA_DST => dst: IpAddr,
        /// `FRA_SRC`: source prefix address.
        FRA_SRC => src: IpAddr,
        /// `FRA_IIFNAME`: input interface name.
        FRA_IIFNAME => iifname: IfName,
        /// `FRA_GOTO`: target priority of an `FR_ACT_GOTO` rule.
        FRA_GOTO => goto: u32,
        /// `FRA_PRIORITY`: the rule's preference.
        FRA_PRIORITY => priority: u32,
        /// `FRA_FWMARK`.
        FRA_FWMARK => fwmark: u32,
        /// `FRA_FLOW`: realm.
        FRA_FLOW => flow: u32,
        /// `FRA_SUPPRESS_IFGROUP`.
        FRA_SUPPRESS_IFGROUP => suppress_ifgroup: u32,
        /// `FRA_SUPPRESS_PREFIXLEN`.
        FRA_SUPPRESS_PREFIXLEN => suppress_prefixlen: u32,
        /// `FRA_TABLE`: the full table id.
        FRA_TABLE => table: u32,
        /// `FRA_FWMASK`.
        FRA_FWMASK => fwmask: u32,
        /// `FRA_OIFNAME`: output interface name.
        FRA_OIFNAME => oifname: IfName,
        /// `FRA_L3MDEV`: use the table of the l3mdev (VRF) device.
        FRA_L3MDEV => l3mdev: u8,
        /// `FRA_UID_RANGE`.
        FRA_UID_RANGE => uid_range: UidRange,
        /// `FRA_PROTOCOL`: `RTPROT_*`, who added the rule.
        FRA_PROTOCOL => protocol: u8,
        /// `FRA_IP_PROTO`.
        FRA_IP_PROTO => ip_proto: u8,
        /// `FRA_SPORT_RANGE`.
        FRA_SPORT_RANGE => sport_range: PortRange,
        /// `FRA_DPORT_RANGE`.
        FRA_DPORT_RANGE => dport_range: PortRange,
    }
}

plain_message! {
    /// A decoded rule message.
    pub struct RuleRepr { header: FibRuleHeader, attrs: RuleAttrs, kinds: RULE_MESSAGES }
}

/// The message types that carry a rule.
pub const RULE_MESSAGES: [u16; 3] = [RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE];

impl RuleRepr {
    /// The table id: `FRA_TABLE` when present, else the header's.
    pub fn table(&self) -> u32 {
        self.attrs.table.unwrap_or(u32::from(self.header.table))
    }
}
