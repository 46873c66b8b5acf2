//! [`Rule`]: a routing policy rule.

use ipdb_core::ip::IpNetwork;
use ipdb_core::wire::rule::{PortRange, RuleRepr, UidRange};

use super::{prefix, text};

/// A routing policy rule, as `RTM_NEWRULE` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// `family`: `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// `FRA_PRIORITY` (the kernel always sends it, 0 included).
    pub priority: u32,
    /// The table id (`FRA_TABLE` when present, so ids above 255 are right).
    pub table: u32,
    /// `action`: `FR_ACT_*` (1 to table, 2 goto, 3 nop, 6 blackhole, 7
    /// unreachable, 8 prohibit).
    pub action: u8,
    /// `flags`: `FIB_RULE_*` (2 invert).
    pub flags: u32,
    /// `tos`.
    pub tos: u8,
    /// `FRA_FWMARK`.
    pub fwmark: Option<u32>,
    /// `FRA_FWMASK`.
    pub fwmask: Option<u32>,
    /// Source prefix (`FRA_SRC`/`src_len`); `None` matches all.
    pub src: Option<IpNetwork>,
    /// Destination prefix (`FRA_DST`/`dst_len`); `None` matches all.
    pub dst: Option<IpNetwork>,
    /// `FRA_IIFNAME`.
    pub iifname: Option<String>,
    /// `FRA_OIFNAME`.
    pub oifname: Option<String>,
    /// `FRA_GOTO`: the priority a goto rule jumps to.
    pub goto: Option<u32>,
    /// `FRA_PROTOCOL`: who added the rule (`RTPROT_*`).
    pub protocol: Option<u8>,
    /// `FRA_FLOW`: realm.
    pub realm: Option<u32>,
    /// `FRA_SUPPRESS_PREFIXLEN`.
    pub suppress_prefixlen: Option<u32>,
    /// `FRA_SUPPRESS_IFGROUP`.
    pub suppress_ifgroup: Option<u32>,
    /// `FRA_L3MDEV`.
    pub l3mdev: Option<u8>,
    /// `FRA_UID_RANGE`.
    pub uid_range: Option<UidRange>,
    /// `FRA_IP_PROTO`.
    pub ip_proto: Option<u8>,
    /// `FRA_SPORT_RANGE`.
    pub sport_range: Option<PortRange>,
    /// `FRA_DPORT_RANGE`.
    pub dport_range: Option<PortRange>,
}

impl From<&RuleRepr> for Rule {
    fn from(r: &RuleRepr) -> Rule {
        let h = &r.header;
        let a = &r.attrs;
        let side = |addr, len| match len {
            0 => None,
            n => prefix(h.family, addr, n),
        };
        Rule {
            family: h.family,
            priority: a.priority.unwrap_or(0),
            table: r.table(),
            action: h.action,
            flags: h.flags,
            tos: h.tos,
            fwmark: a.fwmark,
            fwmask: a.fwmask,
            src: side(a.src, h.src_len),
            dst: side(a.dst, h.dst_len),
            iifname: a.iifname.as_ref().map(text),
            oifname: a.oifname.as_ref().map(text),
            goto: a.goto,
            protocol: a.protocol,
            realm: a.flow,
            suppress_prefixlen: a.suppress_prefixlen,
            suppress_ifgroup: a.suppress_ifgroup,
            l3mdev: a.l3mdev,
            uid_range: a.uid_range,
            ip_proto: a.ip_proto,
            sport_range: a.sport_range,
            dport_range: a.dport_range,
        }
    }
}
