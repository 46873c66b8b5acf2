//! Neighbour entries (`ip neigh add|replace|del`) and bridge FDB entries
//! (`bridge fdb add|del`), which share the message.
//!
//! ```
//! use ipdb::spec::{NeighbourSpec, Verb};
//! let spec = NeighbourSpec::ip(3, "10.0.0.2".parse().unwrap(), Some([2, 0, 0, 0, 0, 1]));
//! assert_eq!(spec.to_string(), "10.0.0.2 lladdr 02:00:00:00:00:01 dev index 3 permanent");
//! let mut buf = [0u8; 128];
//! assert!(spec.request(Verb::Add, &mut buf).is_ok());
//! ```

use std::fmt;
use std::net::IpAddr;

use ipdb_core::wire::neighbour::{NdHeader, NeighbourAttrs, NeighbourRepr};
use ipdb_core::wire::{uapi::*, Be16, HwAddr};

use super::link::fmt_hw;
use super::{write, Family, SpecError, Verb};

/// A neighbour (ARP/NDP) or bridge FDB entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeighbourSpec {
    /// The link's index (for FDB entries: the bridge port or vxlan device).
    pub index: u32,
    /// Neighbour address (`NDA_DST`); for FDB entries of a vxlan device,
    /// the remote end.
    pub dst: Option<IpAddr>,
    /// Link-layer address (`NDA_LLADDR`).
    pub lladdr: Option<HwAddr>,
    /// `NUD_*` state; `NUD_PERMANENT` by default.
    pub state: u16,
    /// `NTF_*` flags (`NTF_PROXY`, `NTF_ROUTER`; for FDB `NTF_SELF`/`NTF_MASTER`).
    pub flags: u8,
    /// An FDB entry (`AF_BRIDGE`) rather than a neighbour.
    pub fdb: bool,
    /// FDB VLAN (`NDA_VLAN`).
    pub vlan: Option<u16>,
    /// FDB: the bridge (`NDA_MASTER`).
    pub master: Option<u32>,
    /// FDB of a vxlan device: remote UDP port (`NDA_PORT`).
    pub port: Option<u16>,
    /// FDB of a vxlan device: remote VNI (`NDA_VNI`).
    pub vni: Option<u32>,
}

impl NeighbourSpec {
    /// A permanent neighbour entry `dst` on link `index`.
    pub fn ip(index: u32, dst: IpAddr, lladdr: Option<[u8; 6]>) -> NeighbourSpec {
        NeighbourSpec {
            index,
            dst: Some(dst),
            lladdr: lladdr.and_then(|m| HwAddr::new(&m)),
            state: NUD_PERMANENT,
            flags: 0,
            fdb: false,
            vlan: None,
            master: None,
            port: None,
            vni: None,
        }
    }

    /// A static FDB entry for `mac` on the bridge port `index`, in the
    /// bridge's table (`bridge fdb add MAC dev PORT master static`:
    /// `NUD_NOARP`; `NUD_PERMANENT` would make it a local entry, frames to
    /// it delivered to the bridge itself).
    pub fn fdb(index: u32, mac: [u8; 6]) -> NeighbourSpec {
        NeighbourSpec {
            index,
            dst: None,
            lladdr: HwAddr::new(&mac),
            state: NUD_NOARP,
            flags: NTF_MASTER,
            fdb: true,
            vlan: None,
            master: None,
            port: None,
            vni: None,
        }
    }

    /// An FDB entry of the vxlan device `index` sending frames for `mac`
    /// to the remote `dst` (`bridge fdb append MAC dev VXLAN dst DST
    /// self`); the all-zero MAC is the default destination, and several
    /// entries for it (added with [`Verb::Append`]) flood to every remote.
    pub fn vxlan_fdb(index: u32, mac: [u8; 6], dst: IpAddr) -> NeighbourSpec {
        NeighbourSpec {
            dst: Some(dst),
            flags: NTF_SELF,
            state: NUD_NOARP | NUD_PERMANENT,
            ..NeighbourSpec::fdb(index, mac)
        }
    }

    /// The `RTM_NEWNEIGH` (or, for [`Verb::Del`], `RTM_DELNEIGH`) request,
    /// written into `buf`.
    pub fn request<'b>(&self, op: Verb, buf: &'b mut [u8]) -> Result<&'b mut [u8], SpecError> {
        let kind = op.kind(RTM_NEWNEIGH, RTM_DELNEIGH);
        self.with_repr(|r| write(buf, kind, op.flags(), |b| r.emit(b)))?
    }

    /// Hands the request body (the repr to emit) to `f`.
    pub fn with_repr<R>(&self, f: impl FnOnce(&NeighbourRepr) -> R) -> Result<R, SpecError> {
        let family = match (self.fdb, self.dst) {
            (true, _) => AF_BRIDGE,
            (false, Some(a)) => Family::of(a).af(),
            (false, None) => {
                return Err(SpecError::Invalid(
                    "dst: a neighbour entry needs an address",
                ))
            }
        };
        if self.fdb && self.lladdr.is_none() {
            return Err(SpecError::Invalid(
                "lladdr: an FDB entry needs a MAC address",
            ));
        }
        let repr = NeighbourRepr {
            header: NdHeader {
                family,
                ifindex: i32::try_from(self.index)
                    .map_err(|_| SpecError::Invalid("index: above 2^31"))?,
                state: self.state,
                flags: self.flags,
                ntype: 0,
            },
            attrs: NeighbourAttrs {
                dst: self.dst,
                lladdr: self.lladdr,
                vlan: self.vlan,
                master: self.master,
                port: self.port.map(Be16),
                vni: self.vni,
                ..NeighbourAttrs::default()
            },
            bad_attr: None,
        };
        Ok(f(&repr))
    }
}

impl fmt::Display for NeighbourSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if self.fdb {
            f.write_str("fdb")?;
            sep = " ";
        }
        if let Some(d) = self.dst {
            write!(f, "{sep}{d}")?;
            sep = " ";
        }
        if let Some(l) = &self.lladdr {
            write!(f, "{sep}lladdr ")?;
            fmt_hw(f, l.as_bytes())?;
        }
        write!(f, " dev index {}", self.index)?;
        if let Some(v) = self.vlan {
            write!(f, " vlan {v}")?;
        }
        if self.state & NUD_PERMANENT != 0 {
            f.write_str(" permanent")?;
        } else if self.fdb && self.state & NUD_NOARP != 0 {
            f.write_str(" static")?;
        }
        Ok(())
    }
}
