//! Nexthop object messages (`RTM_NEWNEXTHOP`/`RTM_DELNEXTHOP`/
//! `RTM_GETNEXTHOP`): `struct nhmsg` plus `NHA_*` attributes, with
//! `NHA_GROUP` (an array of `struct nexthop_grp`) walked in place.

use core::net::IpAddr;

use super::attr::{attr_size, Attrs};
use super::builder::MessageBuilder;
use super::error::{Error, ErrorKind};
use super::family::FamilyRepr;
use super::header::fixed_header;
use super::table::{attr_table, walk_family};
use super::uapi::*;
use super::value::read_array;

fixed_header! {
    /// A view of `struct nhmsg`.
    pub struct NhMsgBuf;
    /// `struct nhmsg` as a value.
    pub struct NhHeader (len 8) {
        /// `nh_family`: `AF_INET`, `AF_INET6`, or `AF_UNSPEC` for groups and blackholes.
        family / set_family: u8 = 0,
        /// `nh_scope` (replies only).
        scope / set_scope: u8 = 1,
        /// `nh_protocol`: `RTPROT_*`.
        protocol / set_protocol: u8 = 2,
        /// `nh_flags`: `RTNH_F_*`.
        flags / set_flags: u32 = 4,
    }
}

attr_table! {
    /// The plain-valued `NHA_*` attributes.
    pub struct NexthopAttrs {
        /// `NHA_ID`: the object id (0 in a request: let the kernel pick).
        NHA_ID => id: u32,
        /// `NHA_GROUP_TYPE`: `NEXTHOP_GRP_TYPE_*`.
        NHA_GROUP_TYPE => group_type: u16,
        /// `NHA_BLACKHOLE`: present for a blackhole nexthop.
        NHA_BLACKHOLE => blackhole: (),
        /// `NHA_OIF`: output interface.
        NHA_OIF => oif: u32,
        /// `NHA_GATEWAY`.
        NHA_GATEWAY => gateway: IpAddr,
        /// `NHA_ENCAP_TYPE`.
        NHA_ENCAP_TYPE => encap_type: u16,
        /// `NHA_GROUPS`: dump filter, groups only.
        NHA_GROUPS => groups: (),
        /// `NHA_MASTER`: dump filter.
        NHA_MASTER => master: u32,
        /// `NHA_FDB`: present for a bridge FDB nexthop.
        NHA_FDB => fdb: (),
    }
}

/// Size of `struct nexthop_grp`.
pub const NEXTHOP_GRP_LEN: usize = 8;

/// One member of a nexthop group (`struct nexthop_grp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NexthopGrp {
    /// `id`: the member nexthop.
    pub id: u32,
    /// `weight`: the weight minus one (`ip nexthop ... group 1,3` sends 2).
    pub weight: u8,
}

impl NexthopGrp {
    fn decode(b: &[u8]) -> Self {
        NexthopGrp {
            id: read_array(b, 0).map(u32::from_ne_bytes).unwrap_or(0),
            weight: b[4],
        }
    }
}

/// `NHA_GROUP`: as received (walked in place) or a slice to write.
#[derive(Debug, Clone, Copy)]
pub enum NexthopGroup<'a> {
    /// The attribute payload; its length is a multiple of 8 (checked).
    Raw(&'a [u8]),
    /// Members to write.
    Members(&'a [NexthopGrp]),
}

impl<'a> NexthopGroup<'a> {
    /// The members in order.
    pub fn iter(&self) -> impl Iterator<Item = NexthopGrp> + 'a {
        let (raw, members): (&'a [u8], &'a [NexthopGrp]) = match *self {
            NexthopGroup::Raw(r) => (r, &[]),
            NexthopGroup::Members(m) => (&[], m),
        };
        raw.chunks_exact(NEXTHOP_GRP_LEN)
            .map(NexthopGrp::decode)
            .chain(members.iter().copied())
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            NexthopGroup::Raw(r) => r.len() / NEXTHOP_GRP_LEN,
            NexthopGroup::Members(m) => m.len(),
        }
    }

    /// Whether the group has no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        let n = self.len() * NEXTHOP_GRP_LEN;
        let rec = b.begin_record(NHA_GROUP)?;
        let room = b.append_zeroed(n)?;
        for (slot, m) in room.chunks_exact_mut(NEXTHOP_GRP_LEN).zip(self.iter()) {
            slot[..4].copy_from_slice(&m.id.to_ne_bytes());
            slot[4] = m.weight;
        }
        b.end_nested(rec)
    }
}

impl PartialEq for NexthopGroup<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}
impl Eq for NexthopGroup<'_> {}

/// A decoded nexthop message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NexthopRepr<'a> {
    /// The fixed header.
    pub header: NhHeader,
    /// The plain-valued attributes.
    pub attrs: NexthopAttrs,
    /// `NHA_GROUP`.
    pub group: Option<NexthopGroup<'a>>,
    /// The first known attribute that was malformed and skipped.
    pub bad_attr: Option<Error>,
}

/// The message types that carry a nexthop object.
pub const NEXTHOP_MESSAGES: [u16; 3] = [RTM_NEWNEXTHOP, RTM_DELNEXTHOP, RTM_GETNEXTHOP];

impl<'a> FamilyRepr<'a> for NexthopRepr<'a> {
    const MESSAGES: &'static [u16] = &NEXTHOP_MESSAGES;
    const FIXED_LEN: usize = NhHeader::LEN;

    /// Decodes an `nhmsg` and its attributes into `self` (reset first).
    fn parse_body_into(&mut self, fixed: &'a [u8], attrs: Attrs<'a>) -> Result<(), Error> {
        *self = NexthopRepr::default();
        self.header = NhHeader::from_bytes(fixed).map_err(|e| Error::new(e.kind, attrs.base()))?;
        self.bad_attr = walk_family(attrs, &mut self.attrs, |a, _| {
            if a.kind() == NHA_GROUP {
                let p = a.payload();
                if p.len() % NEXTHOP_GRP_LEN != 0 {
                    return Err(Error::new(ErrorKind::BadAttribute(NHA_GROUP), a.offset()));
                }
                self.group = Some(NexthopGroup::Raw(p));
            }
            Ok(())
        })?;
        Ok(())
    }
}

impl NexthopRepr<'_> {
    /// Bytes [`NexthopRepr::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        NhHeader::LEN
            + self.attrs.buffer_len()
            + self
                .group
                .map_or(0, |g| attr_size(g.len() * NEXTHOP_GRP_LEN))
    }

    /// Appends the `nhmsg` and the attributes to a message being built.
    pub fn emit(&self, b: &mut MessageBuilder<'_>) -> Result<(), Error> {
        self.header.append(b)?;
        self.attrs.emit(b)?;
        if let Some(g) = &self.group {
            g.emit(b)?;
        }
        Ok(())
    }
}
