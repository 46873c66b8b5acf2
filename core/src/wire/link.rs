//! Link messages (`RTM_NEWLINK`/`RTM_DELLINK`/`RTM_GETLINK`): `struct
//! ifinfomsg` plus `IFLA_*` attributes, for every family including
//! `AF_BRIDGE` (whose `IFLA_PROTINFO`/`IFLA_AF_SPEC` nests are kept raw).
//!
//! ```
//! use ipdb_core::wire::{link::*, uapi::*, FamilyRepr, IfName, Message, MessageBuilder};
//! let mut repr = LinkRepr::default();
//! repr.attrs.ifname = IfName::new("v0");
//! repr.attrs.mtu = Some(1400);
//! let mut buf = [0u8; 128];
//! let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, NLM_F_REQUEST, 1, 0).unwrap();
//! repr.emit(&mut b).unwrap();
//! let bytes = b.finish().unwrap();
//! assert_eq!(LinkRepr::parse(&Message::parse(bytes).unwrap()).unwrap(), repr);
//! ```

use super::attr::{attr_size, Attrs};
use super::builder::MessageBuilder;
use super::error::Error;
use super::family::FamilyRepr;
use super::header::fixed_header;
use super::link_info::LinkInfo;
use super::name::{HwAddr, IfAlias, IfName};
use super::table::{attr_table, walk_family};
use super::uapi::*;
use super::value::fixed_struct;

fixed_header! {
    /// A view of `struct ifinfomsg`.
    pub struct IfInfoMsgBuf;
    /// `struct ifinfomsg` as a value.
    pub struct IfInfoHeader (len 16) {
        /// `ifi_family`: `AF_UNSPEC`, or `AF_BRIDGE` for bridge port messages.
        family / set_family: u8 = 0,
        /// `ifi_type`: `ARPHRD_*`.
        link_type / set_link_type: u16 = 2,
        /// `ifi_index`.
        index / set_index: i32 = 4,
        /// `ifi_flags`: `IFF_*`.
        flags / set_flags: u32 = 8,
        /// `ifi_change`: which flags a request changes.
        change / set_change: u32 = 12,
    }
}

fixed_struct! {
    /// `struct rtnl_link_stats64` (`IFLA_STATS64`). The first 23 counters
    /// are required; `rx_nohandler` and `rx_otherhost_dropped` read as 0
    /// from kernels that predate them.
    pub struct LinkStats64 (min 23 * 8) {
        /// Packets received.
        rx_packets: u64,
        /// Packets sent.
        tx_packets: u64,
        /// Bytes received.
        rx_bytes: u64,
        /// Bytes sent.
        tx_bytes: u64,
        /// Receive errors.
        rx_errors: u64,
        /// Transmit errors.
        tx_errors: u64,
        /// Received packets dropped.
        rx_dropped: u64,
        /// Packets dropped on transmit.
        tx_dropped: u64,
        /// Multicast packets received.
        multicast: u64,
        /// Collisions.
        collisions: u64,
        /// Receive length errors.
        rx_length_errors: u64,
        /// Receive ring overruns.
        rx_over_errors: u64,
        /// Receive CRC errors.
        rx_crc_errors: u64,
        /// Receive frame alignment errors.
        rx_frame_errors: u64,
        /// Receive FIFO errors.
        rx_fifo_errors: u64,
        /// Missed receive packets.
        rx_missed_errors: u64,
        /// Aborted transmits.
        tx_aborted_errors: u64,
        /// Carrier errors on transmit.
        tx_carrier_errors: u64,
        /// Transmit FIFO errors.
        tx_fifo_errors: u64,
        /// Heartbeat errors.
        tx_heartbeat_errors: u64,
        /// Late-collision window errors.
        tx_window_errors: u64,
        /// Compressed packets received.
        rx_compressed: u64,
        /// Compressed packets sent.
        tx_compressed: u64,
        /// Packets dropped for lack of a protocol handler.
        rx_nohandler: u64,
        /// Packets dropped as not addressed to this host.
        rx_otherhost_dropped: u64,
    }
}

attr_table! {
    /// The plain-valued `IFLA_*` attributes of a link message.
    pub struct LinkAttrs {
        /// `IFLA_ADDRESS`: link-layer address.
        IFLA_ADDRESS => address: HwAddr,
        /// `IFLA_BROADCAST`: link-layer broadcast address.
        IFLA_BROADCAST => broadcast: HwAddr,
        /// `IFLA_IFNAME`.
        IFLA_IFNAME => ifname: IfName,
        /// `IFLA_MTU`.
        IFLA_MTU => mtu: u32,
        /// `IFLA_LINK`: index of the lower device.
        IFLA_LINK => link: u32,
        /// `IFLA_QDISC`: root qdisc kind.
        IFLA_QDISC => qdisc: IfName,
        /// `IFLA_MASTER`: index of the master (bridge, bond, vrf).
        IFLA_MASTER => master: u32,
        /// `IFLA_TXQLEN`.
        IFLA_TXQLEN => txqlen: u32,
        /// `IFLA_OPERSTATE`: `IF_OPER_*` (see [`OperState`]).
        IFLA_OPERSTATE => operstate: u8,
        /// `IFLA_LINKMODE`: `IF_LINK_MODE_*`.
        IFLA_LINKMODE => linkmode: u8,
        /// `IFLA_NET_NS_PID`: move to the namespace of this process (requests).
        IFLA_NET_NS_PID => net_ns_pid: u32,
        /// `IFLA_IFALIAS`.
        IFLA_IFALIAS => ifalias: IfAlias,
        /// `IFLA_STATS64`.
        IFLA_STATS64 => stats64: LinkStats64,
        /// `IFLA_GROUP`.
        IFLA_GROUP => group: u32,
        /// `IFLA_NET_NS_FD`: move to the namespace of this fd (requests).
        IFLA_NET_NS_FD => net_ns_fd: u32,
        /// `IFLA_EXT_MASK`: `RTEXT_FILTER_*` (dump requests).
        IFLA_EXT_MASK => ext_mask: u32,
        /// `IFLA_PROMISCUITY`: promiscuity count.
        IFLA_PROMISCUITY => promiscuity: u32,
        /// `IFLA_NUM_TX_QUEUES`.
        IFLA_NUM_TX_QUEUES => num_tx_queues: u32,
        /// `IFLA_NUM_RX_QUEUES`.
        IFLA_NUM_RX_QUEUES => num_rx_queues: u32,
        /// `IFLA_CARRIER`: 1 if the carrier is up.
        IFLA_CARRIER => carrier: u8,
        /// `IFLA_CARRIER_CHANGES`.
        IFLA_CARRIER_CHANGES => carrier_changes: u32,
        /// `IFLA_LINK_NETNSID`: namespace id of the peer/lower device's namespace.
        IFLA_LINK_NETNSID => link_netnsid: i32,
        /// `IFLA_PROTO_DOWN`.
        IFLA_PROTO_DOWN => proto_down: u8,
        /// `IFLA_GSO_MAX_SEGS`.
        IFLA_GSO_MAX_SEGS => gso_max_segs: u32,
        /// `IFLA_GSO_MAX_SIZE`.
        IFLA_GSO_MAX_SIZE => gso_max_size: u32,
        /// `IFLA_TARGET_NETNSID`/`IFLA_IF_NETNSID` (requests).
        IFLA_IF_NETNSID => target_netnsid: i32,
        /// `IFLA_CARRIER_UP_COUNT`.
        IFLA_CARRIER_UP_COUNT => carrier_up_count: u32,
        /// `IFLA_CARRIER_DOWN_COUNT`.
        IFLA_CARRIER_DOWN_COUNT => carrier_down_count: u32,
        /// `IFLA_MIN_MTU`.
        IFLA_MIN_MTU => min_mtu: u32,
        /// `IFLA_MAX_MTU`.
        IFLA_MAX_MTU => max_mtu: u32,
        /// `IFLA_PERM_ADDRESS`: permanent hardware address.
        IFLA_PERM_ADDRESS => perm_address: HwAddr,
        /// `IFLA_ALLMULTI`: allmulti count.
        IFLA_ALLMULTI => allmulti: u32,
    }
}

/// `IF_OPER_*` (RFC 2863 operational status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperState {
    /// `IF_OPER_UNKNOWN`.
    Unknown,
    /// `IF_OPER_NOTPRESENT`.
    NotPresent,
    /// `IF_OPER_DOWN`.
    Down,
    /// `IF_OPER_LOWERLAYERDOWN`.
    LowerLayerDown,
    /// `IF_OPER_TESTING`.
    Testing,
    /// `IF_OPER_DORMANT`.
    Dormant,
    /// `IF_OPER_UP`.
    Up,
    /// A value this crate does not know.
    Other(u8),
}

impl From<u8> for OperState {
    fn from(v: u8) -> Self {
        match v {
            IF_OPER_UNKNOWN => OperState::Unknown,
            IF_OPER_NOTPRESENT => OperState::NotPresent,
            IF_OPER_DOWN => OperState::Down,
            IF_OPER_LOWERLAYERDOWN => OperState::LowerLayerDown,
            IF_OPER_TESTING => OperState::Testing,
            IF_OPER_DORMANT => OperState::Dormant,
            IF_OPER_UP => OperState::Up,
            other => OperState::Other(other),
        }
    }
}

impl From<OperState> for u8 {
    fn from(v: OperState) -> u8 {
        match v {
            OperState::Unknown => IF_OPER_UNKNOWN,
            OperState::NotPresent => IF_OPER_NOTPRESENT,
            OperState::Down => IF_OPER_DOWN,
            OperState::LowerLayerDown => IF_OPER_LOWERLAYERDOWN,
            OperState::Testing => IF_OPER_TESTING,
            OperState::Dormant => IF_OPER_DORMANT,
            OperState::Up => IF_OPER_UP,
            OperState::Other(v) => v,
        }
    }
}

/// A decoded link message.
///
/// Attributes not decoded here (`IFLA_XDP`, `IFLA_PROP_LIST`, VF info, ...)
/// stay reachable through [`Message::split_fixed`](crate::wire::Message::split_fixed)
/// and the raw walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkRepr<'a> {
    /// The fixed header.
    pub header: IfInfoHeader,
    /// The plain-valued attributes.
    pub attrs: LinkAttrs,
    /// `IFLA_LINKINFO`: kind and kind-specific data.
    pub info: Option<LinkInfo<'a>>,
    /// `IFLA_AF_SPEC`, raw (per-family nests; bridge VLANs for `AF_BRIDGE`).
    pub af_spec: Option<Attrs<'a>>,
    /// `IFLA_PROTINFO`, raw (bridge port settings for `AF_BRIDGE`).
    pub protinfo: Option<Attrs<'a>>,
    /// The first known attribute that was malformed and skipped.
    pub bad_attr: Option<Error>,
}

/// The message types that carry a link.
pub const LINK_MESSAGES: [u16; 4] = [RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK];

impl<'a> FamilyRepr<'a> for LinkRepr<'a> {
    const MESSAGES: &'static [u16] = &LINK_MESSAGES;
    const FIXED_LEN: usize = IfInfoHeader::LEN;

    /// Decodes an `ifinfomsg` and its attributes into `self` (reset first).
    fn parse_body_into(&mut self, fixed: &'a [u8], attrs: Attrs<'a>) -> Result<(), Error> {
        *self = LinkRepr::default();
        self.header =
            IfInfoHeader::from_bytes(fixed).map_err(|e| Error::new(e.kind, attrs.base()))?;
        self.bad_attr = walk_family(attrs, &mut self.attrs, |a, bad| {
            match a.kind() {
                IFLA_LINKINFO => self.info = Some(LinkInfo::parse(a.nested(), bad)?),
                IFLA_AF_SPEC => self.af_spec = Some(validated(a.nested())?),
                IFLA_PROTINFO => self.protinfo = Some(validated(a.nested())?),
                _ => {}
            }
            Ok(())
        })?;
        Ok(())
    }
}

impl LinkRepr<'_> {
    /// Bytes [`LinkRepr::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        IfInfoHeader::LEN
            + self.attrs.buffer_len()
            + self.info.as_ref().map_or(0, |i| attr_size(i.buffer_len()))
            + self.af_spec.map_or(0, |a| attr_size(a.bytes().len()))
            + self.protinfo.map_or(0, |a| attr_size(a.bytes().len()))
    }

    /// Appends the `ifinfomsg` and the attributes to a message being built.
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        self.header.append(b)?;
        self.attrs.emit(b)?;
        if let Some(info) = &self.info {
            let nest = b.begin_nested(IFLA_LINKINFO)?;
            info.emit(b)?;
            b.end_nested(nest)?;
        }
        if let Some(a) = self.af_spec {
            b.put_bytes(IFLA_AF_SPEC | NLA_F_NESTED, a.bytes())?;
        }
        if let Some(a) = self.protinfo {
            b.put_bytes(IFLA_PROTINFO | NLA_F_NESTED, a.bytes())?;
        }
        Ok(())
    }

    /// [`OperState`] of `IFLA_OPERSTATE`, if present.
    pub fn operstate(&self) -> Option<OperState> {
        self.attrs.operstate.map(OperState::from)
    }
}

/// `attrs` if every record in it is well framed.
pub(crate) fn validated(attrs: Attrs<'_>) -> Result<Attrs<'_>, Error> {
    attrs.validate().map(|()| attrs)
}
