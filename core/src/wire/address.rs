//! Address messages (`RTM_NEWADDR`/`RTM_DELADDR`/`RTM_GETADDR`): `struct
//! ifaddrmsg` plus `IFA_*` attributes.

use core::net::IpAddr;

use super::header::fixed_header;
use super::name::IfName;
use super::table::{attr_table, plain_message};
use super::uapi::*;
use super::value::fixed_struct;

fixed_header! {
    /// A view of `struct ifaddrmsg`.
    pub struct IfAddrMsgBuf;
    /// `struct ifaddrmsg` as a value.
    pub struct IfAddrHeader (len 8) {
        /// `ifa_family`: `AF_INET` or `AF_INET6`.
        family / set_family: u8 = 0,
        /// `ifa_prefixlen`.
        prefix_len / set_prefix_len: u8 = 1,
        /// `ifa_flags`: the low 8 `IFA_F_*` bits (all of them are in `IFA_FLAGS`).
        flags / set_flags: u8 = 2,
        /// `ifa_scope`: `RT_SCOPE_*`.
        scope / set_scope: u8 = 3,
        /// `ifa_index`: the link's index.
        index / set_index: u32 = 4,
    }
}

fixed_struct! {
    /// `struct ifa_cacheinfo` (`IFA_CACHEINFO`): lifetimes in seconds
    /// (0xffffffff = forever), timestamps in hundredths of seconds.
    pub struct IfaCacheinfo (min 16) {
        /// `ifa_prefered`: preferred lifetime left.
        prefered: u32,
        /// `ifa_valid`: valid lifetime left.
        valid: u32,
        /// `cstamp`: created.
        cstamp: u32,
        /// `tstamp`: last updated.
        tstamp: u32,
    }
}

attr_table! {
    /// The `IFA_*` attributes.
    pub struct AddressAttrs {
        /// `IFA_ADDRESS`: the prefix address (the peer on point-to-point links).
        IFA_ADDRESS => address: IpAddr,
        /// `IFA_LOCAL`: the local address.
        IFA_LOCAL => local: IpAddr,
        /// `IFA_LABEL`: IPv4 label (`eth0:1`).
        IFA_LABEL => label: IfName,
        /// `IFA_BROADCAST`.
        IFA_BROADCAST => broadcast: IpAddr,
        /// `IFA_ANYCAST`.
        IFA_ANYCAST => anycast: IpAddr,
        /// `IFA_CACHEINFO`.
        IFA_CACHEINFO => cacheinfo: IfaCacheinfo,
        /// `IFA_MULTICAST`.
        IFA_MULTICAST => multicast: IpAddr,
        /// `IFA_FLAGS`: all `IFA_F_*` bits.
        IFA_FLAGS => flags: u32,
        /// `IFA_RT_PRIORITY`: metric of the prefix route.
        IFA_RT_PRIORITY => rt_priority: u32,
        /// `IFA_TARGET_NETNSID`.
        IFA_TARGET_NETNSID => target_netnsid: i32,
        /// `IFA_PROTO`: `IFAPROT_*`, who added the address.
        IFA_PROTO => proto: u8,
    }
}

plain_message! {
    /// A decoded address message.
    pub struct AddressRepr { header: IfAddrHeader, attrs: AddressAttrs, kinds: ADDRESS_MESSAGES }
}

/// The message types that carry an address.
pub const ADDRESS_MESSAGES: [u16; 3] = [RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR];

impl AddressRepr {
    /// All the address flags: `IFA_FLAGS` when present (it has the bits
    /// past the first 8), else the header's.
    pub fn flags(&self) -> u32 {
        self.attrs.flags.unwrap_or(u32::from(self.header.flags))
    }

    /// The interface address: `IFA_LOCAL` if present (IPv4 sets both and
    /// `IFA_ADDRESS` is the peer on point-to-point links), else `IFA_ADDRESS`.
    pub fn local(&self) -> Option<IpAddr> {
        self.attrs.local.or(self.attrs.address)
    }
}
