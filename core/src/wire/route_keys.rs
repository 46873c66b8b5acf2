//! [`RouteKeys`]: the few fields of a route message that say where it is
//! filed, read without decoding the rest.

use core::net::IpAddr;

use super::attr::{Attrs, RTA_HDRLEN};
use super::error::Error;
use super::family::FamilyRepr;
use super::route::{Multipath, RtHeader, ROUTE_MESSAGES};
use super::uapi::*;
use super::value::AttrValue;

/// Where a route message belongs: its header, table, destination, output
/// interface and hops. A database that loads a dump of a million routes
/// reads these per message and keeps the bytes; decoding everything
/// ([`RouteRepr`](super::route::RouteRepr), a few hundred bytes to reset
/// and fill) costs several times more.
///
/// The values are those [`RouteRepr`](super::route::RouteRepr) would give
/// for the same bytes (a property test holds the two together).
///
/// ```
/// use ipdb_core::wire::route::{RouteRepr, RtHeader};
/// use ipdb_core::wire::route_keys::RouteKeys;
/// use ipdb_core::wire::uapi::*;
/// use ipdb_core::wire::{FamilyRepr, Message, MessageBuilder};
///
/// let mut buf = [0u8; 128];
/// let mut b = MessageBuilder::new(&mut buf, RTM_NEWROUTE, 0, 0, 0).unwrap();
/// RtHeader { family: AF_INET, dst_len: 24, table: RT_TABLE_MAIN as u8, ..Default::default() }
///     .append(&mut b)
///     .unwrap();
/// b.put(RTA_DST, &core::net::IpAddr::from([10, 1, 2, 0])).unwrap();
/// b.put(RTA_OIF, &7u32).unwrap();
/// b.put(RTA_TABLE, &1000u32).unwrap();
/// let bytes = b.finish().unwrap();
///
/// let k = RouteKeys::parse(&Message::parse(bytes).unwrap()).unwrap();
/// assert_eq!(k.header.dst_len, 24);
/// assert_eq!(k.dst, Some([10, 1, 2, 0].into()));
/// assert_eq!((k.oif, k.table()), (Some(7), 1000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteKeys<'a> {
    /// The fixed header.
    pub header: RtHeader,
    /// `RTA_TABLE`.
    pub table: Option<u32>,
    /// `RTA_DST`.
    pub dst: Option<IpAddr>,
    /// `RTA_OIF`.
    pub oif: Option<u32>,
    /// `RTA_MULTIPATH`, hops not yet walked (but checked to fit).
    pub multipath: Option<Multipath<'a>>,
}

impl<'a> FamilyRepr<'a> for RouteKeys<'a> {
    const MESSAGES: &'static [u16] = &ROUTE_MESSAGES;
    const FIXED_LEN: usize = RtHeader::LEN;

    // Inline, and a plain loop rather than `walk` with a closure: a load
    // of a million routes calls this once per route, and the call with
    // its `Result` juggling cost more than the few fields it reads.
    #[inline]
    fn parse_body_into(&mut self, fixed: &'a [u8], attrs: Attrs<'a>) -> Result<(), Error> {
        self.header = RtHeader::from_bytes(fixed).map_err(|e| Error::new(e.kind, attrs.base()))?;
        (self.table, self.dst, self.oif, self.multipath) = (None, None, None, None);
        // A framing error ends the parse; a malformed value is skipped and
        // leaves the field as it was, as the full decode does.
        for a in attrs {
            let a = a?;
            let p = a.payload();
            match a.kind() {
                RTA_TABLE => {
                    if let Some(v) = u32::decode(p) {
                        self.table = Some(v);
                    }
                }
                RTA_DST => {
                    if let Some(v) = IpAddr::decode(p) {
                        self.dst = Some(v);
                    }
                }
                RTA_OIF => {
                    if let Some(v) = u32::decode(p) {
                        self.oif = Some(v);
                    }
                }
                RTA_MULTIPATH => {
                    if let Ok(m) = Multipath::Raw(p, a.offset() + RTA_HDRLEN).validate() {
                        self.multipath = Some(m);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl RouteKeys<'_> {
    /// The table id: `RTA_TABLE` when present, else the header's.
    pub fn table(&self) -> u32 {
        self.table.unwrap_or(u32::from(self.header.table))
    }
}
