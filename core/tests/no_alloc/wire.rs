//! A counting allocator proves that parsing and emitting allocate nothing.

use crate::allocations;

#[path = "../fixtures/mod.rs"]
mod fixtures;

use ipdb_core::wire::link_info::InfoData;
use ipdb_core::wire::*;

#[test]
fn parse_and_emit_allocate_nothing() {
    let dumps: Vec<Vec<u8>> = fixtures::ALL.iter().map(|n| fixtures::load(n)).collect();
    let mut out = vec![0u8; 1 << 16];
    let mut fields = 0usize;
    let n = allocations(|| {
        for d in &dumps {
            for m in Messages::new(d) {
                let m = m.unwrap();
                let msg = RtnlMessage::parse(&m).unwrap();
                let mut b = MessageBuilder::new(&mut out, m.kind(), 0, 0, 0).unwrap();
                match msg {
                    RtnlMessage::Link(l) => {
                        if let Some(InfoData::Veth(v)) = l.info.and_then(|i| i.data) {
                            let _ = v.peer.map(|p| p.parse());
                        }
                        fields += l.attrs.mtu.is_some() as usize;
                        l.emit(&mut b).unwrap();
                    }
                    RtnlMessage::Route(r) => {
                        fields += r.multipath.map_or(0, |mp| mp.iter().count());
                        r.emit(&mut b).unwrap();
                    }
                    RtnlMessage::Address(r) => r.emit(&mut b).unwrap(),
                    RtnlMessage::Neighbour(r) => r.emit(&mut b).unwrap(),
                    RtnlMessage::Rule(r) => r.emit(&mut b).unwrap(),
                    RtnlMessage::Nexthop(r) => {
                        fields += r.group.map_or(0, |g| g.iter().count());
                        r.emit(&mut b).unwrap();
                    }
                    RtnlMessage::Control(_) | RtnlMessage::Other(_) => {}
                }
                fields += b.finish().unwrap().len();
            }
        }
    });
    assert!(fields > 0);
    assert_eq!(n, 0, "the wire layer allocated {n} times");
}
