//! `IFLA_LINKINFO`: a link's kind (`IFLA_INFO_KIND`) and the kind-specific
//! `IFLA_INFO_DATA` for veth, vlan, macvlan/macvtap, vxlan, gre/gretap,
//! bridge, bond and tun. Other kinds (team, dummy, ifb, anything newer)
//! keep their data raw.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::attr::{attr_size, Attrs, RTA_HDRLEN};
use super::builder::MessageBuilder;
use super::error::{Error, ErrorKind};
use super::family::FamilyRepr;
use super::link::{validated, IfInfoHeader, LinkRepr};
use super::name::IfName;
use super::table::attr_table;
use super::uapi::*;
use super::value::{fixed_struct, AttrValue, Be16, Be32};

/// `IFLA_LINKINFO` decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkInfo<'a> {
    /// `IFLA_INFO_KIND`: "veth", "bridge", "vxlan", ...
    pub kind: Option<IfName>,
    /// `IFLA_INFO_DATA`, decoded according to the kind.
    pub data: Option<InfoData<'a>>,
    /// `IFLA_INFO_SLAVE_KIND`: kind of the master this link is enslaved to.
    pub slave_kind: Option<IfName>,
    /// `IFLA_INFO_SLAVE_DATA`, raw.
    pub slave_data: Option<Attrs<'a>>,
}

impl<'a> LinkInfo<'a> {
    /// Decodes the nested attributes of `IFLA_LINKINFO`.
    pub fn parse(attrs: Attrs<'a>, bad: &mut Option<Error>) -> Result<Self, Error> {
        let mut info = LinkInfo::default();
        let mut data = None;
        for a in attrs {
            let a = a?;
            match a.kind() {
                IFLA_INFO_KIND => info.kind = Some(a.get()?),
                IFLA_INFO_DATA => data = Some(a.nested()),
                IFLA_INFO_SLAVE_KIND => info.slave_kind = Some(a.get()?),
                IFLA_INFO_SLAVE_DATA => info.slave_data = Some(validated(a.nested())?),
                _ => {}
            }
        }
        // The kind decides how to read the data, wherever it came in the nest.
        if let Some(d) = data {
            info.data = Some(InfoData::parse(info.kind.as_ref(), d, bad)?);
        }
        Ok(info)
    }

    /// Payload bytes [`LinkInfo::emit`] writes (inside `IFLA_LINKINFO`).
    pub fn buffer_len(&self) -> usize {
        let name = |n: &Option<IfName>| n.as_ref().map_or(0, |n| attr_size(n.value_len()));
        name(&self.kind)
            + self.data.as_ref().map_or(0, |d| attr_size(d.buffer_len()))
            + name(&self.slave_kind)
            + self.slave_data.map_or(0, |a| attr_size(a.bytes().len()))
    }

    /// Writes the nested attributes (the caller opened `IFLA_LINKINFO`).
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        if let Some(k) = &self.kind {
            b.put(IFLA_INFO_KIND, k)?;
        }
        if let Some(d) = &self.data {
            let nest = b.begin_nested(IFLA_INFO_DATA)?;
            d.emit(b)?;
            b.end_nested(nest)?;
        }
        if let Some(k) = &self.slave_kind {
            b.put(IFLA_INFO_SLAVE_KIND, k)?;
        }
        if let Some(a) = self.slave_data {
            b.put_bytes(IFLA_INFO_SLAVE_DATA | NLA_F_NESTED, a.bytes())?;
        }
        Ok(())
    }
}

/// `IFLA_INFO_DATA` by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoData<'a> {
    /// "veth": the peer.
    Veth(VethInfo<'a>),
    /// "vlan".
    Vlan(VlanInfo),
    /// "macvlan".
    Macvlan(MacvlanInfo),
    /// "macvtap" (same attributes as macvlan).
    Macvtap(MacvlanInfo),
    /// "vxlan".
    Vxlan(VxlanInfo),
    /// "gre" and "ip6gre".
    Gre(GreInfo),
    /// "gretap" and "ip6gretap".
    Gretap(GreInfo),
    /// "bridge".
    Bridge(BridgeInfo),
    /// "bond".
    Bond(BondInfo),
    /// "tun" (tun and tap devices).
    Tun(TunInfo),
    /// Any other kind, raw.
    Other(Attrs<'a>),
}

impl<'a> InfoData<'a> {
    /// Decodes `IFLA_INFO_DATA` for a link of kind `kind`.
    pub fn parse(
        kind: Option<&IfName>,
        attrs: Attrs<'a>,
        bad: &mut Option<Error>,
    ) -> Result<Self, Error> {
        let kind = kind.map_or(&b""[..], |k| k.as_bytes());
        Ok(match kind {
            b"veth" => InfoData::Veth(VethInfo::parse(attrs)?),
            b"vlan" => InfoData::Vlan(VlanInfo::parse(attrs, bad)?),
            b"macvlan" => InfoData::Macvlan(MacvlanInfo::parse(attrs, bad)?),
            b"macvtap" => InfoData::Macvtap(MacvlanInfo::parse(attrs, bad)?),
            b"vxlan" => InfoData::Vxlan(VxlanInfo::parse(attrs, bad)?),
            b"gre" | b"ip6gre" => InfoData::Gre(GreInfo::parse(attrs, bad)?),
            b"gretap" | b"ip6gretap" => InfoData::Gretap(GreInfo::parse(attrs, bad)?),
            b"bridge" => InfoData::Bridge(BridgeInfo::parse(attrs, bad)?),
            b"bond" => InfoData::Bond(BondInfo::parse(attrs, bad)?),
            b"tun" => InfoData::Tun(TunInfo::parse(attrs, bad)?),
            _ => InfoData::Other(validated(attrs)?),
        })
    }

    /// Payload bytes [`InfoData::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        match self {
            InfoData::Veth(v) => v.buffer_len(),
            InfoData::Vlan(v) => v.buffer_len(),
            InfoData::Macvlan(v) | InfoData::Macvtap(v) => v.buffer_len(),
            InfoData::Vxlan(v) => v.buffer_len(),
            InfoData::Gre(v) | InfoData::Gretap(v) => v.buffer_len(),
            InfoData::Bridge(v) => v.buffer_len(),
            InfoData::Bond(v) => v.buffer_len(),
            InfoData::Tun(v) => v.buffer_len(),
            InfoData::Other(a) => a.bytes().len(),
        }
    }

    /// Writes the attributes inside `IFLA_INFO_DATA`.
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        match self {
            InfoData::Veth(v) => v.emit(b),
            InfoData::Vlan(v) => v.emit(b),
            InfoData::Macvlan(v) | InfoData::Macvtap(v) => v.emit(b),
            InfoData::Vxlan(v) => v.emit(b),
            InfoData::Gre(v) | InfoData::Gretap(v) => v.emit(b),
            InfoData::Bridge(v) => v.emit(b),
            InfoData::Bond(v) => v.emit(b),
            InfoData::Tun(v) => v.emit(b),
            InfoData::Other(a) => b.append(a.bytes()),
        }
    }
}

/// The peer of a veth pair (`VETH_INFO_PEER`: an `ifinfomsg` and `IFLA_*`
/// attributes, like a link message body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VethPeer<'a> {
    /// As received: the bytes, decoded on demand by [`VethPeer::parse`].
    Raw(&'a [u8]),
    /// For requests: a peer to write.
    Repr(&'a LinkRepr<'a>),
}

impl<'a> VethPeer<'a> {
    /// Decodes the peer (offsets in errors count from the peer's start).
    pub fn parse(&self) -> Result<LinkRepr<'a>, Error> {
        match *self {
            VethPeer::Raw(bytes) => {
                if bytes.len() < IfInfoHeader::LEN {
                    return Err(Error::new(ErrorKind::Truncated, 0));
                }
                let at = IfInfoHeader::LEN;
                LinkRepr::parse_body(&bytes[..at], Attrs::with_base(&bytes[at..], at))
            }
            VethPeer::Repr(r) => Ok(*r),
        }
    }
}

/// "veth" `IFLA_INFO_DATA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VethInfo<'a> {
    /// `VETH_INFO_PEER`.
    pub peer: Option<VethPeer<'a>>,
}

impl<'a> VethInfo<'a> {
    /// Decodes the veth data; the peer is checked for framing, not decoded.
    pub fn parse(attrs: Attrs<'a>) -> Result<Self, Error> {
        let mut v = VethInfo::default();
        if let Some(a) = attrs.find(VETH_INFO_PEER)? {
            let p = a.payload();
            if p.len() < IfInfoHeader::LEN {
                return Err(Error::new(
                    ErrorKind::BadAttribute(VETH_INFO_PEER),
                    a.offset(),
                ));
            }
            Attrs::with_base(
                &p[IfInfoHeader::LEN..],
                a.offset() + RTA_HDRLEN + IfInfoHeader::LEN,
            )
            .validate()?;
            v.peer = Some(VethPeer::Raw(p));
        }
        Ok(v)
    }

    /// Payload bytes [`VethInfo::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        match self.peer {
            None => 0,
            Some(VethPeer::Raw(p)) => attr_size(p.len()),
            Some(VethPeer::Repr(r)) => attr_size(r.buffer_len()),
        }
    }

    /// Writes `VETH_INFO_PEER`.
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        match self.peer {
            None => Ok(()),
            Some(VethPeer::Raw(p)) => b.put_bytes(VETH_INFO_PEER, p),
            Some(VethPeer::Repr(r)) => {
                let nest = b.begin_record(VETH_INFO_PEER)?;
                r.emit(b)?;
                b.end_nested(nest)
            }
        }
    }
}

fixed_struct! {
    /// `struct ifla_vlan_flags` (`IFLA_VLAN_FLAGS`).
    pub struct VlanFlags (min 8) {
        /// `VLAN_FLAG_*` values.
        flags: u32,
        /// Which flags to change.
        mask: u32,
    }
}

attr_table! {
    /// "vlan" `IFLA_INFO_DATA`.
    pub struct VlanInfo {
        /// `IFLA_VLAN_ID`.
        IFLA_VLAN_ID => id: u16,
        /// `IFLA_VLAN_FLAGS`.
        IFLA_VLAN_FLAGS => flags: VlanFlags,
        /// `IFLA_VLAN_PROTOCOL`: 0x8100 (802.1Q) or 0x88a8 (802.1ad), network order on the wire.
        IFLA_VLAN_PROTOCOL => protocol: Be16,
    }
}

attr_table! {
    /// "macvlan"/"macvtap" `IFLA_INFO_DATA`.
    pub struct MacvlanInfo {
        /// `IFLA_MACVLAN_MODE`: `MACVLAN_MODE_*`.
        IFLA_MACVLAN_MODE => mode: u32,
        /// `IFLA_MACVLAN_FLAGS`.
        IFLA_MACVLAN_FLAGS => flags: u16,
    }
}

attr_table! {
    /// "vxlan" `IFLA_INFO_DATA`.
    pub struct VxlanInfo {
        /// `IFLA_VXLAN_ID`: the VNI.
        IFLA_VXLAN_ID => id: u32,
        /// `IFLA_VXLAN_GROUP`: IPv4 remote or multicast group.
        IFLA_VXLAN_GROUP => group: Ipv4Addr,
        /// `IFLA_VXLAN_LINK`: underlay device index.
        IFLA_VXLAN_LINK => link: u32,
        /// `IFLA_VXLAN_LOCAL`: IPv4 source.
        IFLA_VXLAN_LOCAL => local: Ipv4Addr,
        /// `IFLA_VXLAN_TTL`.
        IFLA_VXLAN_TTL => ttl: u8,
        /// `IFLA_VXLAN_TOS`.
        IFLA_VXLAN_TOS => tos: u8,
        /// `IFLA_VXLAN_LEARNING`.
        IFLA_VXLAN_LEARNING => learning: u8,
        /// `IFLA_VXLAN_AGEING`.
        IFLA_VXLAN_AGEING => ageing: u32,
        /// `IFLA_VXLAN_LIMIT`.
        IFLA_VXLAN_LIMIT => limit: u32,
        /// `IFLA_VXLAN_PORT`: destination UDP port (network order on the wire).
        IFLA_VXLAN_PORT => port: Be16,
        /// `IFLA_VXLAN_GROUP6`: IPv6 remote or multicast group.
        IFLA_VXLAN_GROUP6 => group6: Ipv6Addr,
        /// `IFLA_VXLAN_LOCAL6`: IPv6 source.
        IFLA_VXLAN_LOCAL6 => local6: Ipv6Addr,
        /// `IFLA_VXLAN_UDP_CSUM`.
        IFLA_VXLAN_UDP_CSUM => udp_csum: u8,
    }
}

attr_table! {
    /// "gre"/"gretap" (and ip6 variants) `IFLA_INFO_DATA`.
    pub struct GreInfo {
        /// `IFLA_GRE_LINK`: underlay device index.
        IFLA_GRE_LINK => link: u32,
        /// `IFLA_GRE_IFLAGS`: `GRE_*` flags for input (network order on the wire).
        IFLA_GRE_IFLAGS => iflags: Be16,
        /// `IFLA_GRE_OFLAGS`: flags for output.
        IFLA_GRE_OFLAGS => oflags: Be16,
        /// `IFLA_GRE_IKEY`: input key.
        IFLA_GRE_IKEY => ikey: Be32,
        /// `IFLA_GRE_OKEY`: output key.
        IFLA_GRE_OKEY => okey: Be32,
        /// `IFLA_GRE_LOCAL`: 4 bytes for gre, 16 for ip6gre.
        IFLA_GRE_LOCAL => local: IpAddr,
        /// `IFLA_GRE_REMOTE`.
        IFLA_GRE_REMOTE => remote: IpAddr,
        /// `IFLA_GRE_TTL`.
        IFLA_GRE_TTL => ttl: u8,
        /// `IFLA_GRE_TOS`.
        IFLA_GRE_TOS => tos: u8,
        /// `IFLA_GRE_PMTUDISC`.
        IFLA_GRE_PMTUDISC => pmtudisc: u8,
    }
}

attr_table! {
    /// "bridge" `IFLA_INFO_DATA` (the commonly set subset).
    pub struct BridgeInfo {
        /// `IFLA_BR_FORWARD_DELAY` (centiseconds).
        IFLA_BR_FORWARD_DELAY => forward_delay: u32,
        /// `IFLA_BR_HELLO_TIME` (centiseconds).
        IFLA_BR_HELLO_TIME => hello_time: u32,
        /// `IFLA_BR_MAX_AGE` (centiseconds).
        IFLA_BR_MAX_AGE => max_age: u32,
        /// `IFLA_BR_AGEING_TIME` (centiseconds).
        IFLA_BR_AGEING_TIME => ageing_time: u32,
        /// `IFLA_BR_STP_STATE`.
        IFLA_BR_STP_STATE => stp_state: u32,
        /// `IFLA_BR_PRIORITY`.
        IFLA_BR_PRIORITY => priority: u16,
        /// `IFLA_BR_VLAN_FILTERING`.
        IFLA_BR_VLAN_FILTERING => vlan_filtering: u8,
        /// `IFLA_BR_VLAN_PROTOCOL` (network order on the wire).
        IFLA_BR_VLAN_PROTOCOL => vlan_protocol: Be16,
        /// `IFLA_BR_GROUP_FWD_MASK`.
        IFLA_BR_GROUP_FWD_MASK => group_fwd_mask: u16,
        /// `IFLA_BR_VLAN_DEFAULT_PVID`.
        IFLA_BR_VLAN_DEFAULT_PVID => vlan_default_pvid: u16,
        /// `IFLA_BR_MCAST_SNOOPING`.
        IFLA_BR_MCAST_SNOOPING => mcast_snooping: u8,
    }
}

attr_table! {
    /// "bond" `IFLA_INFO_DATA` (the commonly set subset).
    pub struct BondInfo {
        /// `IFLA_BOND_MODE`: `BOND_MODE_*` (0 balance-rr ... 6 balance-alb).
        IFLA_BOND_MODE => mode: u8,
        /// `IFLA_BOND_ACTIVE_SLAVE`: index of the active port.
        IFLA_BOND_ACTIVE_SLAVE => active_slave: u32,
        /// `IFLA_BOND_MIIMON` (ms).
        IFLA_BOND_MIIMON => miimon: u32,
        /// `IFLA_BOND_UPDELAY` (ms).
        IFLA_BOND_UPDELAY => updelay: u32,
        /// `IFLA_BOND_DOWNDELAY` (ms).
        IFLA_BOND_DOWNDELAY => downdelay: u32,
        /// `IFLA_BOND_USE_CARRIER`.
        IFLA_BOND_USE_CARRIER => use_carrier: u8,
        /// `IFLA_BOND_ARP_INTERVAL` (ms).
        IFLA_BOND_ARP_INTERVAL => arp_interval: u32,
        /// `IFLA_BOND_PRIMARY`: index of the primary port.
        IFLA_BOND_PRIMARY => primary: u32,
        /// `IFLA_BOND_XMIT_HASH_POLICY`.
        IFLA_BOND_XMIT_HASH_POLICY => xmit_hash_policy: u8,
        /// `IFLA_BOND_MIN_LINKS`.
        IFLA_BOND_MIN_LINKS => min_links: u32,
        /// `IFLA_BOND_AD_LACP_RATE`.
        IFLA_BOND_AD_LACP_RATE => lacp_rate: u8,
        /// `IFLA_BOND_AD_SELECT`.
        IFLA_BOND_AD_SELECT => ad_select: u8,
    }
}

attr_table! {
    /// "tun" `IFLA_INFO_DATA` (read-only in the kernel: tun devices are
    /// created through /dev/net/tun, but dumps describe them).
    pub struct TunInfo {
        /// `IFLA_TUN_OWNER`: owning uid.
        IFLA_TUN_OWNER => owner: u32,
        /// `IFLA_TUN_GROUP`: owning gid.
        IFLA_TUN_GROUP => group: u32,
        /// `IFLA_TUN_TYPE`: `IFF_TUN` (1) or `IFF_TAP` (2).
        IFLA_TUN_TYPE => tun_type: u8,
        /// `IFLA_TUN_PI`: packet information header on.
        IFLA_TUN_PI => pi: u8,
        /// `IFLA_TUN_VNET_HDR`.
        IFLA_TUN_VNET_HDR => vnet_hdr: u8,
        /// `IFLA_TUN_PERSIST`.
        IFLA_TUN_PERSIST => persist: u8,
        /// `IFLA_TUN_MULTI_QUEUE`.
        IFLA_TUN_MULTI_QUEUE => multi_queue: u8,
        /// `IFLA_TUN_NUM_QUEUES`.
        IFLA_TUN_NUM_QUEUES => num_queues: u32,
        /// `IFLA_TUN_NUM_DISABLED_QUEUES`.
        IFLA_TUN_NUM_DISABLED_QUEUES => num_disabled_queues: u32,
    }
}
