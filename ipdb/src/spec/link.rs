//! Links: create ([`LinkSpec`], by [`LinkKind`] with the kind's
//! parameters), change ([`LinkChange`]), delete ([`LinkId`]).
//!
//! ```
//! use ipdb::spec::{LinkKind, LinkSpec};
//! let mut buf = [0u8; 256];
//! let spec = LinkSpec::new("br0", LinkKind::bridge());
//! let req = spec.add_request(&mut buf).unwrap();
//! assert_eq!(spec.to_string(), "br0 type bridge");
//! assert!(req.windows(7).any(|w| w == b"bridge\0"));
//! ```

use std::fmt;
use std::net::IpAddr;
use std::os::fd::RawFd;

use ipdb_core::wire::link::LinkRepr;
use ipdb_core::wire::link_info::{
    BondInfo, BridgeInfo, GreInfo, InfoData, LinkInfo, MacvlanInfo, VethInfo, VethPeer, VlanInfo,
    VxlanInfo,
};
use ipdb_core::wire::{uapi::*, Be16, Be32, HwAddr, IfAlias, IfName};

use super::{if_name, write, SpecError, Verb};

/// `GRE_KEY` (`linux/if_tunnel.h`): the key field is present. The kernel's
/// value is `__cpu_to_be16(0x2000)`, so it is written as a [`Be16`].
pub const GRE_KEY: u16 = 0x2000;

/// Which link a request is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkId {
    /// By interface index.
    Index(u32),
    /// By name (the kernel looks it up: `IFLA_IFNAME` with index 0).
    Name(String),
}

impl From<u32> for LinkId {
    fn from(i: u32) -> LinkId {
        LinkId::Index(i)
    }
}

impl From<&str> for LinkId {
    fn from(n: &str) -> LinkId {
        LinkId::Name(n.to_owned())
    }
}

impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkId::Index(i) => write!(f, "index {i}"),
            LinkId::Name(n) => f.write_str(n),
        }
    }
}

impl LinkId {
    /// Writes the header index or the name into `repr`.
    fn apply(&self, repr: &mut LinkRepr<'_>) -> Result<(), SpecError> {
        match self {
            LinkId::Index(i) => {
                repr.header.index =
                    i32::try_from(*i).map_err(|_| SpecError::Invalid("link: index above 2^31"))?;
            }
            LinkId::Name(n) => {
                repr.attrs.ifname = Some(if_name(
                    n,
                    "link: interface names have 1 to 15 bytes and no NUL",
                )?)
            }
        }
        Ok(())
    }

    /// The `RTM_DELLINK` request for this link, written into `buf`.
    pub fn del_request<'b>(&self, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        self.with_repr(|r| write(buf, RTM_DELLINK, Verb::Del.flags(), |b| r.emit(b)))?
    }

    /// Hands the body of a request naming just this link to `f`.
    pub fn with_repr<R>(&self, f: impl FnOnce(&LinkRepr<'_>) -> R) -> Result<R, SpecError> {
        let mut repr = LinkRepr::default();
        self.apply(&mut repr)?;
        Ok(f(&repr))
    }
}

/// `IFLA_MASTER`: enslave to a bridge/bond, or release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Master {
    /// Enslave to the link with this index (`ip link set X master Y`).
    Set(u32),
    /// Release from the current master (`nomaster`: `IFLA_MASTER` 0).
    None,
}

/// `IFLA_MACVLAN_MODE` (`MACVLAN_MODE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MacvlanMode {
    /// `private`: no traffic between macvlans of one lower device.
    Private,
    /// `vepa`: traffic between macvlans goes through the external switch.
    #[default]
    Vepa,
    /// `bridge`: macvlans of one lower device talk directly.
    Bridge,
    /// `passthru`: one macvlan takes over the lower device.
    Passthru,
    /// `source`: accept only from listed source MACs.
    Source,
}

impl MacvlanMode {
    /// The `MACVLAN_MODE_*` value.
    pub const fn raw(self) -> u32 {
        match self {
            MacvlanMode::Private => MACVLAN_MODE_PRIVATE,
            MacvlanMode::Vepa => MACVLAN_MODE_VEPA,
            MacvlanMode::Bridge => MACVLAN_MODE_BRIDGE,
            MacvlanMode::Passthru => MACVLAN_MODE_PASSTHRU,
            MacvlanMode::Source => MACVLAN_MODE_SOURCE,
        }
    }

    /// The mode as `ip(8)` names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            MacvlanMode::Private => "private",
            MacvlanMode::Vepa => "vepa",
            MacvlanMode::Bridge => "bridge",
            MacvlanMode::Passthru => "passthru",
            MacvlanMode::Source => "source",
        }
    }
}

/// `IFLA_BOND_MODE` (`BOND_MODE_*`, `linux/if_bonding.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BondMode {
    /// 0, `balance-rr`.
    #[default]
    BalanceRr,
    /// 1, `active-backup`.
    ActiveBackup,
    /// 2, `balance-xor`.
    BalanceXor,
    /// 3, `broadcast`.
    Broadcast,
    /// 4, `802.3ad` (LACP).
    Lacp,
    /// 5, `balance-tlb`.
    BalanceTlb,
    /// 6, `balance-alb`.
    BalanceAlb,
}

impl BondMode {
    /// The `BOND_MODE_*` value.
    pub const fn raw(self) -> u8 {
        self as u8
    }
}

/// `IFLA_VLAN_PROTOCOL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VlanProtocol {
    /// `802.1Q` (`ETH_P_8021Q`, 0x8100), the kernel's default.
    Dot1Q,
    /// `802.1ad` (`ETH_P_8021AD`, 0x88a8), QinQ service tags.
    Dot1Ad,
}

impl VlanProtocol {
    /// The ethertype.
    pub const fn ethertype(self) -> u16 {
        match self {
            VlanProtocol::Dot1Q => 0x8100,
            VlanProtocol::Dot1Ad => 0x88a8,
        }
    }
}

/// VXLAN parameters (`ip link add NAME type vxlan id ID ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct VxlanSpec {
    /// The VNI (24 bits).
    pub id: u32,
    /// Remote or multicast group (`IFLA_VXLAN_GROUP` or `GROUP6`).
    pub group: Option<IpAddr>,
    /// Source address (`IFLA_VXLAN_LOCAL` or `LOCAL6`).
    pub local: Option<IpAddr>,
    /// Destination UDP port (the kernel's default is 8472; IANA's is 4789).
    pub port: Option<u16>,
    /// Underlay device index (`dev`).
    pub dev: Option<u32>,
    /// TTL of outer packets.
    pub ttl: Option<u8>,
    /// Learn remote MACs into the FDB (`[no]learning`).
    pub learning: Option<bool>,
}

/// GRE parameters (`ip link add NAME type gre|gretap remote ... local ...`).
/// An IPv6 remote or local makes the kind `ip6gre`/`ip6gretap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GreSpec {
    /// Tunnel remote end.
    pub remote: Option<IpAddr>,
    /// Tunnel local end.
    pub local: Option<IpAddr>,
    /// Input key (sets `GRE_KEY` in the input flags).
    pub ikey: Option<u32>,
    /// Output key (sets `GRE_KEY` in the output flags).
    pub okey: Option<u32>,
    /// TTL of outer packets (0 = inherit).
    pub ttl: Option<u8>,
    /// Underlay device index.
    pub link: Option<u32>,
}

/// tun/tap parameters. Created through `/dev/net/tun` (the kernel refuses
/// to create them over rtnetlink), made persistent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TunSpec {
    /// The user allowed to attach (`TUNSETOWNER`).
    pub owner: Option<u32>,
    /// The group allowed to attach (`TUNSETGROUP`).
    pub group: Option<u32>,
    /// `IFF_MULTI_QUEUE`.
    pub multi_queue: bool,
    /// Keep the 4-byte packet information header (`IFF_NO_PI` off).
    pub packet_info: bool,
}

/// Why a parent is refused for a kind that sits on no lower link.
pub(crate) const NO_LOWER_LINK: &str =
    "parent: only vlan, macvlan, macvtap, vxlan and gre links sit on a lower link";

/// The kind of a link to create, with its kind-specific parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// `dummy`.
    Dummy,
    /// `ifb` (intermediate functional block).
    Ifb,
    /// `team` (configured by teamd afterwards).
    Team,
    /// `veth` pair; `peer` is the other end's name.
    Veth {
        /// Name of the peer end.
        peer: String,
    },
    /// `bridge`, with any `IFLA_BR_*` settings (all optional).
    Bridge(BridgeInfo),
    /// `bond`, with any `IFLA_BOND_*` settings (see [`LinkKind::bond`]).
    Bond(BondInfo),
    /// `vlan` on the lower link `link`.
    Vlan {
        /// Lower device index.
        link: u32,
        /// VLAN id (1..=4094).
        id: u16,
        /// Tag protocol; `None` = kernel default (802.1Q).
        protocol: Option<VlanProtocol>,
    },
    /// `macvlan` on the lower link `link`.
    Macvlan {
        /// Lower device index.
        link: u32,
        /// Mode.
        mode: MacvlanMode,
    },
    /// `macvtap` on the lower link `link`.
    Macvtap {
        /// Lower device index.
        link: u32,
        /// Mode.
        mode: MacvlanMode,
    },
    /// `vxlan`.
    Vxlan(VxlanSpec),
    /// `gre` (`ip6gre` for IPv6 ends): layer-3 GRE tunnel.
    Gre(GreSpec),
    /// `gretap` (`ip6gretap`): Ethernet over GRE.
    Gretap(GreSpec),
    /// tun device (layer 3), through `/dev/net/tun`.
    Tun(TunSpec),
    /// tap device (layer 2), through `/dev/net/tun`.
    Tap(TunSpec),
}

impl LinkKind {
    /// A bridge with the kernel's default settings.
    pub fn bridge() -> LinkKind {
        LinkKind::Bridge(BridgeInfo::default())
    }

    /// A bond in `mode`, other settings at the kernel's defaults.
    pub fn bond(mode: BondMode) -> LinkKind {
        LinkKind::Bond(BondInfo {
            mode: Some(mode.raw()),
            ..BondInfo::default()
        })
    }

    /// A veth pair whose other end is `peer`.
    pub fn veth(peer: &str) -> LinkKind {
        LinkKind::Veth {
            peer: peer.to_owned(),
        }
    }

    /// `IFLA_INFO_KIND` as the kernel names the kind.
    pub fn kind_name(&self) -> &'static str {
        let v6 = |g: &GreSpec| g.remote.or(g.local).is_some_and(|a| a.is_ipv6());
        match self {
            LinkKind::Dummy => "dummy",
            LinkKind::Ifb => "ifb",
            LinkKind::Team => "team",
            LinkKind::Veth { .. } => "veth",
            LinkKind::Bridge(_) => "bridge",
            LinkKind::Bond(_) => "bond",
            LinkKind::Vlan { .. } => "vlan",
            LinkKind::Macvlan { .. } => "macvlan",
            LinkKind::Macvtap { .. } => "macvtap",
            LinkKind::Vxlan(_) => "vxlan",
            LinkKind::Gre(g) if v6(g) => "ip6gre",
            LinkKind::Gre(_) => "gre",
            LinkKind::Gretap(g) if v6(g) => "ip6gretap",
            LinkKind::Gretap(_) => "gretap",
            LinkKind::Tun(_) => "tun",
            LinkKind::Tap(_) => "tap",
        }
    }

    /// The lower device sent as `IFLA_LINK` (vlan, macvlan, macvtap);
    /// vxlan and GRE carry theirs in their kind data.
    fn ifla_link(&self) -> Option<u32> {
        match self {
            LinkKind::Vlan { link, .. }
            | LinkKind::Macvlan { link, .. }
            | LinkKind::Macvtap { link, .. } => Some(*link),
            _ => None,
        }
    }

    /// The index of the lower (parent) link this kind sits on: vlan,
    /// macvlan and macvtap always have one; vxlan (`dev`) and
    /// gre/gretap (`link`) when set. `None` for other kinds.
    pub fn lower_link(&self) -> Option<u32> {
        match self {
            LinkKind::Vxlan(v) => v.dev,
            LinkKind::Gre(g) | LinkKind::Gretap(g) => g.link,
            _ => self.ifla_link(),
        }
    }

    /// Puts this kind on the lower link `index` (a vlan's, macvlan's or
    /// macvtap's `link`, a vxlan's `dev`, a gre/gretap's `link`). The
    /// other kinds sit on no lower link and are refused.
    ///
    /// ```
    /// use ipdb::spec::{LinkKind, MacvlanMode};
    /// let mut k = LinkKind::Macvlan { link: 0, mode: MacvlanMode::Bridge };
    /// k.set_lower_link(7).unwrap();
    /// assert_eq!(k.lower_link(), Some(7));
    /// assert!(LinkKind::bridge().set_lower_link(7).is_err());
    /// ```
    pub fn set_lower_link(&mut self, index: u32) -> Result<(), SpecError> {
        match self {
            LinkKind::Vlan { link, .. }
            | LinkKind::Macvlan { link, .. }
            | LinkKind::Macvtap { link, .. } => *link = index,
            LinkKind::Vxlan(v) => v.dev = Some(index),
            LinkKind::Gre(g) | LinkKind::Gretap(g) => g.link = Some(index),
            _ => return Err(SpecError::Invalid(NO_LOWER_LINK)),
        }
        Ok(())
    }

    /// Whether this kind can sit on a lower link
    /// ([`LinkKind::set_lower_link`] takes one).
    pub fn takes_lower_link(&self) -> bool {
        matches!(
            self,
            LinkKind::Vlan { .. }
                | LinkKind::Macvlan { .. }
                | LinkKind::Macvtap { .. }
                | LinkKind::Vxlan(_)
                | LinkKind::Gre(_)
                | LinkKind::Gretap(_)
        )
    }

    /// The body of a veth peer (its name); empty for other kinds.
    fn peer_repr(&self) -> Result<LinkRepr<'static>, SpecError> {
        let mut peer = LinkRepr::default();
        if let LinkKind::Veth { peer: name } = self {
            peer.attrs.ifname = Some(if_name(
                name,
                "peer: interface names have 1 to 15 bytes and no NUL",
            )?);
        }
        Ok(peer)
    }

    /// `IFLA_INFO_DATA` for this kind; `peer` is from [`LinkKind::peer_repr`].
    fn info_data<'a>(&self, peer: &'a LinkRepr<'a>) -> Result<Option<InfoData<'a>>, SpecError> {
        let data = match self {
            LinkKind::Dummy | LinkKind::Ifb | LinkKind::Team => return Ok(None),
            LinkKind::Tun(_) | LinkKind::Tap(_) => {
                return Err(SpecError::Invalid(
                    "kind: tun/tap devices are created through /dev/net/tun, not rtnetlink",
                ))
            }
            LinkKind::Veth { .. } => InfoData::Veth(VethInfo {
                peer: Some(VethPeer::Repr(peer)),
            }),
            LinkKind::Bridge(b) if *b == BridgeInfo::default() => return Ok(None),
            LinkKind::Bridge(b) => InfoData::Bridge(*b),
            LinkKind::Bond(b) if *b == BondInfo::default() => return Ok(None),
            LinkKind::Bond(b) => InfoData::Bond(*b),
            LinkKind::Vlan { id, protocol, .. } => {
                if !(1..=4094).contains(id) {
                    return Err(SpecError::Invalid("vlan id: must be 1..=4094"));
                }
                InfoData::Vlan(VlanInfo {
                    id: Some(*id),
                    protocol: protocol.map(|p| Be16(p.ethertype())),
                    ..VlanInfo::default()
                })
            }
            LinkKind::Macvlan { mode, .. } | LinkKind::Macvtap { mode, .. } => {
                let info = MacvlanInfo {
                    mode: Some(mode.raw()),
                    ..MacvlanInfo::default()
                };
                if matches!(self, LinkKind::Macvlan { .. }) {
                    InfoData::Macvlan(info)
                } else {
                    InfoData::Macvtap(info)
                }
            }
            LinkKind::Vxlan(v) => InfoData::Vxlan(vxlan_info(v)?),
            LinkKind::Gre(g) => InfoData::Gre(gre_info(g)?),
            LinkKind::Gretap(g) => InfoData::Gretap(gre_info(g)?),
        };
        Ok(Some(data))
    }
}

fn vxlan_info(v: &VxlanSpec) -> Result<VxlanInfo, SpecError> {
    if v.id >= 1 << 24 {
        return Err(SpecError::Invalid("vxlan id: the VNI has 24 bits"));
    }
    if let (Some(g), Some(l)) = (v.group, v.local) {
        if g.is_ipv4() != l.is_ipv4() {
            return Err(SpecError::Invalid(
                "vxlan local: group and local must be of one family",
            ));
        }
    }
    let mut info = VxlanInfo {
        id: Some(v.id),
        link: v.dev,
        ttl: v.ttl,
        learning: v.learning.map(u8::from),
        port: v.port.map(Be16),
        ..VxlanInfo::default()
    };
    match v.group {
        Some(IpAddr::V4(a)) => info.group = Some(a),
        Some(IpAddr::V6(a)) => info.group6 = Some(a),
        None => {}
    }
    match v.local {
        Some(IpAddr::V4(a)) => info.local = Some(a),
        Some(IpAddr::V6(a)) => info.local6 = Some(a),
        None => {}
    }
    Ok(info)
}

fn gre_info(g: &GreSpec) -> Result<GreInfo, SpecError> {
    if let (Some(r), Some(l)) = (g.remote, g.local) {
        if r.is_ipv4() != l.is_ipv4() {
            return Err(SpecError::Invalid(
                "gre local: remote and local must be of one family",
            ));
        }
    }
    let key_flag = |k: Option<u32>| k.map(|_| Be16(GRE_KEY));
    Ok(GreInfo {
        link: g.link,
        iflags: key_flag(g.ikey),
        oflags: key_flag(g.okey),
        ikey: g.ikey.map(Be32),
        okey: g.okey.map(Be32),
        local: g.local,
        remote: g.remote,
        ttl: g.ttl,
        ..GreInfo::default()
    })
}

/// Settings a link can be created with or changed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkSettings {
    /// Administratively up (`IFF_UP` set) or down (cleared).
    pub up: Option<bool>,
    /// `IFLA_MTU`.
    pub mtu: Option<u32>,
    /// `IFLA_ADDRESS`: the link-layer address.
    pub address: Option<HwAddr>,
    /// `IFLA_TXQLEN`.
    pub txqlen: Option<u32>,
    /// `IFLA_MASTER`.
    pub master: Option<Master>,
    /// `IFLA_IFALIAS`; an empty alias removes it.
    pub alias: Option<String>,
    /// Move the link to another network namespace (`ip link set dev X
    /// netns NS`); see [`crate::iproute::IpRoute::link_set_netns`] for a
    /// namespace given by path.
    pub netns: Option<Netns>,
}

/// A network namespace a link moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Netns {
    /// The namespace of this process (`IFLA_NET_NS_PID`).
    Pid(u32),
    /// The namespace this file descriptor refers to (`IFLA_NET_NS_FD`);
    /// the kernel resolves it in the sending process, so it must stay
    /// open until the call returns.
    Fd(RawFd),
}

impl LinkSettings {
    fn apply(&self, repr: &mut LinkRepr<'_>) -> Result<(), SpecError> {
        if let Some(up) = self.up {
            repr.header.change |= IFF_UP;
            repr.header.flags = if up {
                repr.header.flags | IFF_UP
            } else {
                repr.header.flags & !IFF_UP
            };
        }
        repr.attrs.mtu = self.mtu;
        repr.attrs.address = self.address;
        repr.attrs.txqlen = self.txqlen;
        repr.attrs.master = self.master.map(|m| match m {
            Master::Set(i) => i,
            Master::None => 0,
        });
        if let Some(a) = &self.alias {
            repr.attrs.ifalias = Some(IfAlias::new(a).ok_or(SpecError::Invalid(
                "alias: aliases have at most 255 bytes and no NUL",
            ))?);
        }
        match self.netns {
            Some(Netns::Pid(p)) => repr.attrs.net_ns_pid = Some(p),
            Some(Netns::Fd(fd)) => {
                let fd = u32::try_from(fd).map_err(|_| SpecError::Invalid("netns: negative fd"))?;
                repr.attrs.net_ns_fd = Some(fd);
            }
            None => {}
        }
        Ok(())
    }
}

impl fmt::Display for LinkSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.up {
            Some(true) => f.write_str(" up")?,
            Some(false) => f.write_str(" down")?,
            None => {}
        }
        if let Some(m) = self.mtu {
            write!(f, " mtu {m}")?;
        }
        if let Some(a) = &self.address {
            f.write_str(" address ")?;
            fmt_hw(f, a.as_bytes())?;
        }
        if let Some(q) = self.txqlen {
            write!(f, " txqlen {q}")?;
        }
        match self.master {
            Some(Master::Set(i)) => write!(f, " master index {i}")?,
            Some(Master::None) => f.write_str(" nomaster")?,
            None => {}
        }
        if let Some(a) = &self.alias {
            write!(f, " alias {a:?}")?;
        }
        match self.netns {
            Some(Netns::Pid(p)) => write!(f, " netns pid {p}")?,
            Some(Netns::Fd(fd)) => write!(f, " netns fd {fd}")?,
            None => {}
        }
        Ok(())
    }
}

/// Writes `aa:bb:cc:...`.
pub(crate) fn fmt_hw(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(":")?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// A link to create (`ip link add NAME type KIND ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpec {
    /// The new link's name.
    pub name: String,
    /// Kind and kind parameters.
    pub kind: LinkKind,
    /// Initial settings. The alias is not taken by the kernel at creation;
    /// [`crate::iproute::IpRoute::link_add`] sets it right after.
    pub settings: LinkSettings,
}

impl LinkSpec {
    /// A link `name` of `kind` with default settings.
    pub fn new(name: &str, kind: LinkKind) -> LinkSpec {
        LinkSpec {
            name: name.to_owned(),
            kind,
            settings: LinkSettings::default(),
        }
    }

    /// The `RTM_NEWLINK` request (`NLM_F_CREATE | NLM_F_EXCL`) for this link.
    /// Tun/tap kinds are [`SpecError::Invalid`]: they are not created this way.
    pub fn add_request<'b>(&self, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        self.with_repr(|r| write(buf, RTM_NEWLINK, Verb::Add.flags(), |b| r.emit(b)))?
    }

    /// Hands the body of the create request to `f`.
    pub fn with_repr<R>(&self, f: impl FnOnce(&LinkRepr<'_>) -> R) -> Result<R, SpecError> {
        let peer = self.kind.peer_repr()?;
        let data = self.kind.info_data(&peer)?;
        let mut repr = LinkRepr {
            info: Some(LinkInfo {
                kind: Some(IfName::new(self.kind.kind_name()).expect("kind names are short")),
                data,
                ..LinkInfo::default()
            }),
            ..LinkRepr::default()
        };
        repr.attrs.ifname = Some(if_name(
            &self.name,
            "name: interface names have 1 to 15 bytes and no NUL",
        )?);
        repr.attrs.link = self.kind.ifla_link();
        self.settings.apply(&mut repr)?;
        repr.attrs.ifalias = None;
        Ok(f(&repr))
    }
}

impl fmt::Display for LinkSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} type {}", self.name, self.kind.kind_name())?;
        match &self.kind {
            LinkKind::Veth { peer } => write!(f, " peer name {peer}")?,
            LinkKind::Vlan { link, id, .. } => write!(f, " link index {link} id {id}")?,
            LinkKind::Macvlan { link, mode } | LinkKind::Macvtap { link, mode } => {
                write!(f, " link index {link} mode {}", mode.as_str())?
            }
            LinkKind::Vxlan(v) => {
                write!(f, " id {}", v.id)?;
                if let Some(g) = v.group {
                    write!(f, " group {g}")?;
                }
            }
            LinkKind::Gre(g) | LinkKind::Gretap(g) => {
                if let Some(r) = g.remote {
                    write!(f, " remote {r}")?;
                }
                if let Some(l) = g.local {
                    write!(f, " local {l}")?;
                }
            }
            LinkKind::Bond(b) => {
                if let Some(m) = b.mode {
                    write!(f, " mode {m}")?;
                }
            }
            _ => {}
        }
        write!(f, "{}", self.settings)
    }
}

/// Changes to an existing link (`ip link set dev LINK ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkChange {
    /// The link to change.
    pub link: LinkId,
    /// New name (`IFLA_IFNAME`). Needs `link` to be an index: with a
    /// name, `IFLA_IFNAME` is what finds the link.
    pub rename: Option<String>,
    /// The settings to change; `None` fields are left as they are.
    pub settings: LinkSettings,
}

impl LinkChange {
    /// A change of `link` that changes nothing yet.
    pub fn new(link: impl Into<LinkId>) -> LinkChange {
        LinkChange {
            link: link.into(),
            rename: None,
            settings: LinkSettings::default(),
        }
    }

    /// The `RTM_NEWLINK` request (no create flags: change only), written
    /// into `buf`.
    pub fn request<'b>(&self, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        self.with_repr(|r| write(buf, RTM_NEWLINK, 0, |b| r.emit(b)))?
    }

    /// Hands the request body to `f`.
    pub fn with_repr<R>(&self, f: impl FnOnce(&LinkRepr<'_>) -> R) -> Result<R, SpecError> {
        let mut repr = LinkRepr::default();
        self.link.apply(&mut repr)?;
        if let Some(n) = &self.rename {
            if matches!(self.link, LinkId::Name(_)) {
                return Err(SpecError::Invalid(
                    "rename: renaming needs the link's index, not its name",
                ));
            }
            repr.attrs.ifname = Some(if_name(
                n,
                "rename: interface names have 1 to 15 bytes and no NUL",
            )?);
        }
        self.settings.apply(&mut repr)?;
        Ok(f(&repr))
    }
}

impl fmt::Display for LinkChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dev {}", self.link)?;
        if let Some(n) = &self.rename {
            write!(f, " name {n}")?;
        }
        write!(f, "{}", self.settings)
    }
}
