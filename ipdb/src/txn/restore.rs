//! Records back into specs: how the rollback plan says "put this object
//! back as it was". Each function takes a record of the state before and
//! gives the spec that recreates it, or says why a spec cannot (a field
//! the spec layer cannot send), so that the rollback reports it instead of
//! restoring something else.

use std::net::IpAddr;

use ipdb_core::wire::uapi::*;

use crate::records::{Address, Link, LinkData, Neighbour, Route, Rule};
use crate::spec::{
    AddressSpec, Family, LinkKind, LinkSettings, LinkSpec, MacvlanMode, Master, NeighbourSpec,
    NexthopSpec, RouteSpec, RouteType, RuleAction, RuleSpec, VlanProtocol,
};

/// `IFA_F_*` flags a program may set (the kernel keeps the others itself:
/// permanent, secondary, tentative, deprecated...).
const SETTABLE_IFA_FLAGS: u32 = IFA_F_NODAD
    | IFA_F_OPTIMISTIC
    | IFA_F_HOMEADDRESS
    | IFA_F_MANAGETEMPADDR
    | IFA_F_NOPREFIXROUTE
    | IFA_F_MCAUTOJOIN;

/// The spec that adds `a` back.
pub(crate) fn address_spec(a: &Address) -> Result<AddressSpec, &'static str> {
    let iface = a.interface().ok_or("address without a local address")?;
    let mut spec = AddressSpec::new(a.index, iface);
    spec.peer = a.peer().map(IpAddr::from);
    spec.broadcast = a.broadcast.map(IpAddr::from);
    spec.label = a.label.clone();
    spec.flags = a.flags & SETTABLE_IFA_FLAGS;
    spec.scope = Some(a.scope);
    spec.metric = a.rt_priority;
    if let Some(c) = a.cacheinfo {
        if c.valid != u32::MAX {
            spec.valid_lft = Some(c.valid);
            spec.preferred_lft = Some(c.prefered);
        }
    }
    Ok(spec)
}

/// The spec that adds `r` back.
pub(crate) fn route_spec(r: &Route) -> Result<RouteSpec, &'static str> {
    if r.nh_id.is_some() {
        return Err("route uses a nexthop object, which route specs cannot name");
    }
    if r.encap_type.is_some() {
        return Err("route has an encapsulation, which route specs cannot carry");
    }
    let mut s = RouteSpec::new(r.dst);
    s.src = r.src.as_deref().copied();
    s.table = Some(r.table);
    s.gateway = r.gateway.or(r.via).map(IpAddr::from);
    s.oif = r.oif;
    s.priority = r.priority;
    s.prefsrc = r.prefsrc.map(IpAddr::from);
    s.scope = Some(r.scope);
    s.protocol = Some(r.protocol);
    s.route_type = Some(RouteType::from_raw(r.kind));
    s.tos = r.tos;
    s.onlink = r.flags & u32::from(RTNH_F_ONLINK) != 0;
    if let Some(m) = &r.metrics {
        s.metrics = **m;
    }
    s.multipath = r
        .multipath
        .iter()
        .map(|h| NexthopSpec {
            gateway: h.gateway.or(h.via).map(IpAddr::from),
            oif: Some(h.oif),
            weight: h.weight,
            onlink: h.flags & RTNH_F_ONLINK != 0,
        })
        .collect();
    if !s.multipath.is_empty() {
        s.oif = None;
        s.gateway = None;
    }
    Ok(s)
}

/// The spec that adds `n` back.
pub(crate) fn neighbour_spec(n: &Neighbour) -> Result<NeighbourSpec, &'static str> {
    if n.nh_id.is_some() {
        return Err("FDB entry uses a nexthop object");
    }
    Ok(NeighbourSpec {
        index: n.index,
        dst: n.dst.map(IpAddr::from),
        lladdr: n.lladdr,
        state: n.state,
        flags: n.flags,
        fdb: n.is_fdb(),
        vlan: n.vlan,
        master: n.master,
        port: n.port,
        vni: n.vni,
    })
}

/// The spec that adds `r` back.
pub(crate) fn rule_spec(r: &Rule) -> Result<RuleSpec, &'static str> {
    if r.uid_range.is_some()
        || r.ip_proto.is_some()
        || r.sport_range.is_some()
        || r.dport_range.is_some()
        || r.l3mdev.is_some()
    {
        return Err("rule matches on uid, ports, protocol or l3mdev, which rule specs cannot send");
    }
    Ok(RuleSpec {
        family: Some(if r.family == AF_INET6 {
            Family::V6
        } else {
            Family::V4
        }),
        priority: Some(r.priority),
        table: (r.action == FR_ACT_TO_TBL).then_some(r.table),
        fwmark: r.fwmark,
        fwmask: r.fwmask,
        from: r.src,
        to: r.dst,
        iif: r.iifname.clone(),
        oif: r.oifname.clone(),
        goto: r.goto,
        action: Some(match r.action {
            FR_ACT_TO_TBL => RuleAction::ToTable,
            FR_ACT_GOTO => RuleAction::Goto,
            FR_ACT_NOP => RuleAction::Nop,
            FR_ACT_BLACKHOLE => RuleAction::Blackhole,
            FR_ACT_UNREACHABLE => RuleAction::Unreachable,
            FR_ACT_PROHIBIT => RuleAction::Prohibit,
            v => RuleAction::Other(v),
        }),
        tos: r.tos,
        invert: r.flags & FIB_RULE_INVERT != 0,
        suppress_prefixlen: r.suppress_prefixlen.filter(|&p| p != u32::MAX),
        protocol: r.protocol,
    })
}

/// The settings of `l` that a link change can set back (`up`, MTU, MAC,
/// txqlen, alias, master).
pub(crate) fn link_settings(l: &Link) -> LinkSettings {
    LinkSettings {
        up: Some(l.is_up()),
        mtu: l.mtu,
        address: l.address,
        txqlen: l.txqlen,
        master: Some(l.master.map_or(Master::None, Master::Set)),
        alias: Some(l.alias.clone().unwrap_or_default()),
        netns: None,
    }
}

/// The spec that creates `l` again (same name, kind and kind parameters;
/// settings come after with [`link_settings`]). The kernel gives it a new
/// index.
pub(crate) fn link_spec(l: &Link) -> Result<LinkSpec, &'static str> {
    let kind = match (l.kind.as_deref(), &l.data) {
        (Some("dummy"), _) => LinkKind::Dummy,
        (Some("ifb"), _) => LinkKind::Ifb,
        (Some("bridge"), _) => LinkKind::bridge(),
        (Some("bond"), Some(LinkData::Bond(b))) => LinkKind::Bond(crate::records::BondInfo {
            mode: b.mode,
            ..Default::default()
        }),
        (Some("vlan"), Some(LinkData::Vlan(v))) => LinkKind::Vlan {
            link: l.link.ok_or("vlan without its lower link")?,
            id: v.id.ok_or("vlan without an id")?,
            protocol: v.protocol.map(|p| {
                if p.0 == VlanProtocol::Dot1Ad.ethertype() {
                    VlanProtocol::Dot1Ad
                } else {
                    VlanProtocol::Dot1Q
                }
            }),
        },
        (Some(k @ ("macvlan" | "macvtap")), Some(LinkData::Macvlan(m) | LinkData::Macvtap(m))) => {
            let mode = match m.mode {
                Some(MACVLAN_MODE_PRIVATE) => MacvlanMode::Private,
                Some(MACVLAN_MODE_BRIDGE) => MacvlanMode::Bridge,
                Some(MACVLAN_MODE_PASSTHRU) => MacvlanMode::Passthru,
                Some(MACVLAN_MODE_SOURCE) => MacvlanMode::Source,
                _ => MacvlanMode::Vepa,
            };
            let link = l.link.ok_or("macvlan without its lower link")?;
            if k == "macvlan" {
                LinkKind::Macvlan { link, mode }
            } else {
                LinkKind::Macvtap { link, mode }
            }
        }
        (Some(_), _) => return Err("links of this kind are not recreated by a rollback"),
        (None, _) => return Err("links without a kind (physical) cannot be recreated"),
    };
    Ok(LinkSpec::new(&l.name, kind))
}
