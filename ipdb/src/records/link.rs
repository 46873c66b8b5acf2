//! [`Link`]: a network interface.

use ipdb_core::wire::link::{LinkRepr, LinkStats64, OperState};
use ipdb_core::wire::link_info::{
    BondInfo, BridgeInfo, GreInfo, InfoData, MacvlanInfo, TunInfo, VlanInfo, VxlanInfo,
};
use ipdb_core::wire::HwAddr;

use super::text;

/// A link (network interface), as `RTM_NEWLINK` describes it.
///
/// Optional fields are `None` when the kernel did not send the attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `ifi_index`.
    pub index: u32,
    /// `IFLA_IFNAME` (empty if missing, which the kernel never does).
    pub name: String,
    /// `ifi_family`: `AF_UNSPEC`, or `AF_BRIDGE` for bridge port messages.
    pub family: u8,
    /// `ifi_type`: `ARPHRD_*` (1 Ethernet, 772 loopback, 65534 none...).
    pub link_type: u16,
    /// `ifi_flags`: `IFF_*` (`IFF_UP`, `IFF_LOWER_UP`, ...).
    pub flags: u32,
    /// `IFLA_INFO_KIND`: "veth", "bridge", "vxlan", "tun", "dummy", ...
    pub kind: Option<String>,
    /// `IFLA_INFO_DATA` decoded for the kinds that have a decoder.
    pub data: Option<LinkData>,
    /// `IFLA_INFO_SLAVE_KIND`: the kind of this link's master ("bridge", "bond").
    pub slave_kind: Option<String>,
    /// `IFLA_ADDRESS`: the MAC (or other link-layer) address.
    pub address: Option<HwAddr>,
    /// `IFLA_BROADCAST`.
    pub broadcast: Option<HwAddr>,
    /// `IFLA_PERM_ADDRESS`: the permanent hardware address.
    pub perm_address: Option<HwAddr>,
    /// `IFLA_MTU`.
    pub mtu: Option<u32>,
    /// `IFLA_MIN_MTU`.
    pub min_mtu: Option<u32>,
    /// `IFLA_MAX_MTU`.
    pub max_mtu: Option<u32>,
    /// `IFLA_TXQLEN`.
    pub txqlen: Option<u32>,
    /// `IFLA_OPERSTATE` (`Unknown` when missing).
    pub operstate: OperState,
    /// `IFLA_LINKMODE`: 0 default, 1 dormant.
    pub linkmode: Option<u8>,
    /// `IFLA_QDISC`: the root qdisc's kind.
    pub qdisc: Option<String>,
    /// `IFLA_GROUP`.
    pub group: Option<u32>,
    /// `IFLA_PROMISCUITY`: promiscuity count.
    pub promiscuity: Option<u32>,
    /// `IFLA_ALLMULTI`: allmulti count.
    pub allmulti: Option<u32>,
    /// `IFLA_MASTER`: index of the bridge/bond/vrf this link is a port of.
    pub master: Option<u32>,
    /// `IFLA_LINK`: index of the parent (lower) link, or of a veth's peer.
    /// In the namespace of `link_netnsid` when that is set.
    pub link: Option<u32>,
    /// `IFLA_LINK_NETNSID`: the namespace (id as seen from here) of `link`.
    pub link_netnsid: Option<i32>,
    /// `IFLA_IFALIAS`.
    pub alias: Option<String>,
    /// `IFLA_NUM_TX_QUEUES`.
    pub num_tx_queues: Option<u32>,
    /// `IFLA_NUM_RX_QUEUES`.
    pub num_rx_queues: Option<u32>,
    /// `IFLA_GSO_MAX_SIZE`.
    pub gso_max_size: Option<u32>,
    /// `IFLA_GSO_MAX_SEGS`.
    pub gso_max_segs: Option<u32>,
    /// `IFLA_CARRIER`.
    pub carrier: Option<bool>,
    /// `IFLA_CARRIER_CHANGES`.
    pub carrier_changes: Option<u32>,
    /// `IFLA_PROTO_DOWN`.
    pub proto_down: Option<bool>,
    /// `IFLA_STATS64`: counters.
    pub stats64: Option<LinkStats64>,
}

/// Kind-specific link data (`IFLA_INFO_DATA`). Kinds without a decoder
/// (team, dummy, ifb and newer ones) keep the raw attribute bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkData {
    /// "veth": dumps carry no data (the peer is [`Link::link`]).
    Veth,
    /// "vlan".
    Vlan(VlanInfo),
    /// "macvlan".
    Macvlan(MacvlanInfo),
    /// "macvtap".
    Macvtap(MacvlanInfo),
    /// "vxlan".
    Vxlan(VxlanInfo),
    /// "gre"/"ip6gre".
    Gre(GreInfo),
    /// "gretap"/"ip6gretap".
    Gretap(GreInfo),
    /// "bridge".
    Bridge(BridgeInfo),
    /// "bond".
    Bond(BondInfo),
    /// "tun" (tun and tap).
    Tun(TunInfo),
    /// Any other kind: the `IFLA_INFO_DATA` payload as received.
    Other(Vec<u8>),
}

impl From<&InfoData<'_>> for LinkData {
    fn from(d: &InfoData<'_>) -> LinkData {
        match d {
            InfoData::Veth(_) => LinkData::Veth,
            InfoData::Vlan(v) => LinkData::Vlan(*v),
            InfoData::Macvlan(v) => LinkData::Macvlan(*v),
            InfoData::Macvtap(v) => LinkData::Macvtap(*v),
            InfoData::Vxlan(v) => LinkData::Vxlan(*v),
            InfoData::Gre(v) => LinkData::Gre(*v),
            InfoData::Gretap(v) => LinkData::Gretap(*v),
            InfoData::Bridge(v) => LinkData::Bridge(*v),
            InfoData::Bond(v) => LinkData::Bond(*v),
            InfoData::Tun(v) => LinkData::Tun(*v),
            InfoData::Other(a) => LinkData::Other(a.bytes().to_vec()),
        }
    }
}

impl From<&LinkRepr<'_>> for Link {
    fn from(r: &LinkRepr<'_>) -> Link {
        let a = &r.attrs;
        let info = r.info.as_ref();
        Link {
            index: r.header.index as u32,
            name: a.ifname.as_ref().map(text).unwrap_or_default(),
            family: r.header.family,
            link_type: r.header.link_type,
            flags: r.header.flags,
            kind: info.and_then(|i| i.kind.as_ref()).map(text),
            data: info.and_then(|i| i.data.as_ref()).map(LinkData::from),
            slave_kind: info.and_then(|i| i.slave_kind.as_ref()).map(text),
            address: a.address,
            broadcast: a.broadcast,
            perm_address: a.perm_address,
            mtu: a.mtu,
            min_mtu: a.min_mtu,
            max_mtu: a.max_mtu,
            txqlen: a.txqlen,
            operstate: r.operstate().unwrap_or(OperState::Unknown),
            linkmode: a.linkmode,
            qdisc: a.qdisc.as_ref().map(text),
            group: a.group,
            promiscuity: a.promiscuity,
            allmulti: a.allmulti,
            master: a.master,
            link: a.link,
            link_netnsid: a.link_netnsid,
            alias: a.ifalias.as_ref().map(text),
            num_tx_queues: a.num_tx_queues,
            num_rx_queues: a.num_rx_queues,
            gso_max_size: a.gso_max_size,
            gso_max_segs: a.gso_max_segs,
            carrier: a.carrier.map(|c| c != 0),
            carrier_changes: a.carrier_changes,
            proto_down: a.proto_down.map(|c| c != 0),
            stats64: a.stats64,
        }
    }
}

impl Link {
    /// Whether the link is administratively up (`IFF_UP`).
    pub fn is_up(&self) -> bool {
        self.flags & ipdb_core::wire::uapi::IFF_UP != 0
    }

    /// Whether the link has carrier (`IFF_LOWER_UP`).
    pub fn is_lower_up(&self) -> bool {
        self.flags & ipdb_core::wire::uapi::IFF_LOWER_UP != 0
    }
}
