//! Interface addresses (`ip address add|replace|del`).
//!
//! ```
//! use ipdb::spec::{AddressSpec, Verb};
//! let spec = AddressSpec::new(2, "10.0.0.1/24".parse().unwrap());
//! let mut buf = [0u8; 128];
//! let req = spec.request(Verb::Add, &mut buf).unwrap();
//! assert_eq!(req.len(), 16 + 8 + 8 + 8); // nlmsghdr, ifaddrmsg, IFA_LOCAL, IFA_ADDRESS
//! assert_eq!(spec.to_string(), "10.0.0.1/24 dev index 2");
//! ```

use std::fmt;
use std::net::IpAddr;

use ipdb_core::ip::IpInterface;
use ipdb_core::wire::address::{AddressAttrs, AddressRepr, IfAddrHeader, IfaCacheinfo};
use ipdb_core::wire::uapi::*;

use super::{if_name, std_addr, write, Family, SpecError, Verb};

/// An address on a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSpec {
    /// The link's index.
    pub index: u32,
    /// Address and prefix length (`10.0.0.1/24`, `2001:db8::1/64`).
    pub address: IpInterface,
    /// Peer of a point-to-point link (`peer`): becomes `IFA_ADDRESS`.
    pub peer: Option<IpAddr>,
    /// IPv4 broadcast address (`brd`); see [`AddressSpec::with_broadcast`].
    pub broadcast: Option<IpAddr>,
    /// IPv4 label (`eth0:1`); must start with the link's name.
    pub label: Option<String>,
    /// `IFA_F_*` flags (`IFA_F_NODAD`, `IFA_F_NOPREFIXROUTE`, ...).
    pub flags: u32,
    /// `RT_SCOPE_*`; `None`: host for 127/8, universe otherwise (as `ip(8)`).
    pub scope: Option<u8>,
    /// Metric of the prefix route (`IFA_RT_PRIORITY`).
    pub metric: Option<u32>,
    /// Valid lifetime in seconds (`None`: forever).
    pub valid_lft: Option<u32>,
    /// Preferred lifetime in seconds (`None`: the valid lifetime).
    pub preferred_lft: Option<u32>,
}

impl AddressSpec {
    /// `address` on the link `index`, nothing else set.
    pub fn new(index: u32, address: IpInterface) -> AddressSpec {
        AddressSpec {
            index,
            address,
            peer: None,
            broadcast: None,
            label: None,
            flags: 0,
            scope: None,
            metric: None,
            valid_lft: None,
            preferred_lft: None,
        }
    }

    /// Sets the broadcast address to the network's last address
    /// (`brd +`); no-op for IPv6, which has none.
    pub fn with_broadcast(mut self) -> AddressSpec {
        if let IpInterface::V4(_) = self.address {
            self.broadcast = Some(std_addr(self.address.network().broadcast_address()));
        }
        self
    }

    /// The family of the address.
    pub fn family(&self) -> Family {
        Family::of(std_addr(self.address.ip()))
    }

    /// The `RTM_NEWADDR` (or, for [`Verb::Del`], `RTM_DELADDR`) request,
    /// written into `buf`.
    pub fn request<'b>(&self, op: Verb, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        let kind = op.kind(RTM_NEWADDR, RTM_DELADDR);
        self.with_repr(|r| write(buf, kind, op.flags(), |b| r.emit(b)))?
    }

    /// Hands the request body (the repr to emit) to `f`.
    pub fn with_repr<R>(&self, f: impl FnOnce(&AddressRepr) -> R) -> Result<R, SpecError> {
        let local = std_addr(self.address.ip());
        let family = self.family();
        if self.peer.is_some_and(|a| Family::of(a) != family) {
            return Err(SpecError::Invalid("peer: not of the address's family"));
        }
        if self.broadcast.is_some_and(|a| Family::of(a) != family) {
            return Err(SpecError::Invalid("broadcast: not of the address's family"));
        }
        let default_scope = match local {
            IpAddr::V4(a) if a.is_loopback() => RT_SCOPE_HOST,
            _ => RT_SCOPE_UNIVERSE,
        };
        let cacheinfo = match (self.valid_lft, self.preferred_lft) {
            (None, None) => None,
            (valid, preferred) => {
                let valid = valid.unwrap_or(u32::MAX);
                Some(IfaCacheinfo {
                    prefered: preferred.unwrap_or(valid),
                    valid,
                    ..IfaCacheinfo::default()
                })
            }
        };
        let repr = AddressRepr {
            header: IfAddrHeader {
                family: family.af(),
                prefix_len: self.address.prefixlen(),
                flags: (self.flags & 0xff) as u8,
                scope: self.scope.unwrap_or(default_scope),
                index: self.index,
            },
            attrs: AddressAttrs {
                local: Some(local),
                address: Some(self.peer.unwrap_or(local)),
                label: self
                    .label
                    .as_deref()
                    .map(|l| if_name(l, "label: interface names have 1 to 15 bytes and no NUL"))
                    .transpose()?,
                broadcast: self.broadcast,
                flags: (self.flags != 0).then_some(self.flags),
                rt_priority: self.metric,
                cacheinfo,
                ..AddressAttrs::default()
            },
            bad_attr: None,
        };
        Ok(f(&repr))
    }
}

impl fmt::Display for AddressSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.address)?;
        if let Some(p) = self.peer {
            write!(f, " peer {p}")?;
        }
        if let Some(b) = self.broadcast {
            write!(f, " brd {b}")?;
        }
        write!(f, " dev index {}", self.index)?;
        if let Some(l) = &self.label {
            write!(f, " label {l}")?;
        }
        Ok(())
    }
}
