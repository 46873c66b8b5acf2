//! Framing on real kernel bytes: nlmsghdr fields, datagram walks, acks,
//! errors with extended ack, NLMSG_DONE, and hostile framing.

#[path = "fixtures/mod.rs"]
mod fixtures;

use ipdb_core::wire::link::LinkRepr;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;

// The ack fixture, field by field (native endian, x86-64).
static ACK: [u8; 36] = [
    0x24, 0x00, 0x00, 0x00, // nlmsg_len = 36
    0x02, 0x00, // nlmsg_type = NLMSG_ERROR
    0x00, 0x01, // nlmsg_flags = NLM_F_CAPPED
    0x0a, 0x00, 0x00, 0x00, // nlmsg_seq = 10
    0xdc, 0x21, 0x00, 0x00, // nlmsg_pid = 8668 (the capturing socket)
    0x00, 0x00, 0x00, 0x00, // error = 0
    0x28, 0x00, 0x00,
    0x00, // echoed nlmsg_len = 40: the request's, though its payload is capped
    0x10, 0x00, // echoed nlmsg_type = RTM_NEWLINK
    0x05, 0x00, // echoed nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK
    0x0a, 0x00, 0x00, 0x00, // echoed nlmsg_seq = 10
    0x00, 0x00, 0x00, 0x00, // echoed nlmsg_pid = 0
];

#[test]
fn ack_fixture_is_the_commented_bytes() {
    assert_eq!(fixtures::load("ack"), ACK);
}

#[test]
fn read_header_fields() {
    let b = NlmsgBuf::new_checked(&ACK[..]).unwrap();
    assert_eq!(b.length(), 36);
    assert_eq!(b.message_type(), NLMSG_ERROR);
    assert_eq!(b.flags(), NLM_F_CAPPED);
    assert_eq!(b.seq(), 10);
    assert_eq!(b.pid(), 8668);
    assert_eq!(b.payload(), &ACK[16..]);
}

#[test]
fn write_header_fields() {
    let mut bytes = [0xffu8; 16];
    let mut b = NlmsgBuf::new_unchecked(&mut bytes[..]);
    b.set_length(36);
    b.set_message_type(NLMSG_ERROR);
    b.set_flags(NLM_F_CAPPED);
    b.set_seq(10);
    b.set_pid(8668);
    assert_eq!(bytes, ACK[..16]);
}

#[test]
fn parse_and_emit_header_repr() {
    let h = NlmsgHeader::parse(&NlmsgBuf::new_checked(&ACK[..]).unwrap());
    assert_eq!(
        h,
        NlmsgHeader {
            len: 36,
            kind: NLMSG_ERROR,
            flags: NLM_F_CAPPED,
            seq: 10,
            pid: 8668
        }
    );
    let mut out = [0u8; 16];
    h.emit(&mut NlmsgBuf::new_unchecked(&mut out[..]));
    assert_eq!(out, ACK[..16]);
    assert_eq!(h.buffer_len(), 16);
}

#[test]
fn ack_decodes_as_success_for_its_request() {
    let msg = Message::parse(&ACK).unwrap();
    let Control::Error(e) = msg.control().unwrap() else {
        panic!("not an error message")
    };
    assert!(e.is_ack());
    assert_eq!(e.errno(), None);
    assert_eq!(e.request.kind, RTM_NEWLINK);
    assert_eq!(e.request.seq, 10);
    assert!(e.request_payload.is_empty());
    assert_eq!(e.ext, ExtAck::default());
}

#[test]
fn error_with_extack_message_and_echoed_request() {
    let data = fixtures::load("err_extack_msg");
    let msg = Message::parse(&data).unwrap();
    assert_eq!(msg.header().flags, NLM_F_ACK_TLVS);
    let Control::Error(e) = msg.control().unwrap() else {
        panic!()
    };
    assert_eq!(e.code, -95); // EOPNOTSUPP
    assert_eq!(e.errno(), Some(95));
    assert_eq!(e.ext.msg_str(), Some("Unknown device type"));
    assert_eq!(e.ext.offs, None);
    // Not capped: the request we sent comes back and decodes as a link message.
    assert_eq!(e.request.len, 64);
    assert_eq!(
        e.request.flags,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    );
    let mut req = [0u8; 64];
    req[..16].copy_from_slice(&data[20..36]);
    req[16..].copy_from_slice(e.request_payload);
    let link = LinkRepr::parse(&Message::parse(&req).unwrap()).unwrap();
    assert_eq!(link.attrs.ifname, IfName::new("bad0"));
    assert_eq!(link.info.unwrap().kind, IfName::new("nosuchkind"));
}

#[test]
fn error_with_extack_offset_points_at_the_bad_attribute() {
    let data = fixtures::load("err_extack_offs");
    let Control::Error(e) = Message::parse(&data).unwrap().control().unwrap() else {
        panic!()
    };
    assert_eq!(e.errno(), Some(34)); // ERANGE
    assert_eq!(e.ext.msg_str(), Some("Attribute failed policy validation"));
    // 16 (nlmsghdr) + 16 (ifinfomsg): the IFLA_MTU we sent with 2 bytes.
    assert_eq!(e.ext.offs, Some(32));
    let off = 32 - 16;
    assert_eq!(&e.request_payload[off..off + 4], &[6, 0, IFLA_MTU as u8, 0]);
    // NLMSGERR_ATTR_POLICY is not decoded but stays reachable raw.
    assert!(e.ext.raw.find(NLMSGERR_ATTR_POLICY).unwrap().is_some());
}

#[test]
fn dump_walk_ends_with_done() {
    let data = fixtures::load("link_dump");
    let msgs: Vec<Message<'_>> = Messages::new(&data).map(Result::unwrap).collect();
    let (last, links) = msgs.split_last().unwrap();
    assert_eq!(links.len(), 11); // lo v0 v1 br0 vx0 vx6 mv0 mvt0 ifb0 tap0 w0 (capture.py)
    for m in links {
        assert_eq!(m.kind(), RTM_NEWLINK);
        assert!(m.header().is_multi());
        assert!(!m.header().is_dump_intr());
        assert_eq!(m.header().seq, 1);
        assert_eq!(m.offset() % 4, 0);
    }
    let Control::Done(done) = last.control().unwrap() else {
        panic!("dump must end with DONE")
    };
    assert_eq!(done.code, 0);
    assert!(last.header().is_multi());
}

#[test]
fn done_with_error_code_and_extack() {
    let mut buf = [0u8; 64];
    let mut b = MessageBuilder::new(
        &mut buf,
        NLMSG_DONE,
        NLM_F_MULTI | NLM_F_ACK_TLVS | NLM_F_DUMP_INTR,
        3,
        0,
    )
    .unwrap();
    b.append(&(-16i32).to_ne_bytes()).unwrap(); // -EBUSY
    b.put_bytes(NLMSGERR_ATTR_MSG, b"busy\0").unwrap();
    let bytes = b.finish().unwrap();
    let msg = Message::parse(bytes).unwrap();
    assert!(msg.header().is_dump_intr());
    let Control::Done(d) = msg.control().unwrap() else {
        panic!()
    };
    assert_eq!(d.code, -16);
    assert_eq!(d.ext.msg_str(), Some("busy"));
}

#[test]
fn done_without_payload_reads_as_success() {
    let mut buf = [0u8; 16];
    let b = MessageBuilder::new(&mut buf, NLMSG_DONE, NLM_F_MULTI, 3, 0).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(
        DoneMsg::parse(&Message::parse(bytes).unwrap())
            .unwrap()
            .code,
        0
    );
}

#[test]
fn every_truncation_of_a_dump_is_an_error_or_a_shorter_walk() {
    let data = fixtures::load("route4_dump");
    let full = Messages::new(&data).count();
    for cut in 0..data.len() {
        let mut ok = 0;
        let mut err = None;
        for m in Messages::new(&data[..cut]) {
            match m {
                Ok(m) => {
                    ok += 1;
                    let _ = RtnlMessage::parse(&m);
                }
                Err(e) => err = Some(e),
            }
        }
        assert!(ok < full);
        // A cut inside a message is reported at that message's start.
        if let Some(e) = err {
            assert_eq!(e.kind, ErrorKind::Truncated);
            assert!(e.offset < cut);
        }
    }
}

#[test]
fn hostile_lengths_are_errors() {
    let mut m = ACK;
    m[0..4].copy_from_slice(&8u32.to_ne_bytes()); // shorter than a header
    assert_eq!(
        Message::parse(&m).unwrap_err(),
        Error::new(ErrorKind::BadLength, 0)
    );
    m[0..4].copy_from_slice(&37u32.to_ne_bytes()); // longer than the bytes
    assert_eq!(
        Message::parse(&m).unwrap_err(),
        Error::new(ErrorKind::Truncated, 0)
    );
    assert_eq!(
        Message::parse(&m[..15]).unwrap_err(),
        Error::new(ErrorKind::Truncated, 0)
    );
    // Second message overlong: the first still comes out, then the error at 36.
    let mut two = [0u8; 72];
    two[..36].copy_from_slice(&ACK);
    two[36..].copy_from_slice(&ACK);
    two[36..40].copy_from_slice(&1000u32.to_ne_bytes());
    let mut it = Messages::new(&two);
    assert!(it.next().unwrap().is_ok());
    assert_eq!(
        it.next().unwrap().unwrap_err(),
        Error::new(ErrorKind::Truncated, 36)
    );
    assert!(it.next().is_none());
    // An ack from a pre-4.12 kernel: no NLM_F_CAPPED, and the echoed header
    // keeps the request's full length though only the header came back.
    let mut e = ACK;
    e[6..8].copy_from_slice(&0u16.to_ne_bytes());
    let old = ErrorMsg::parse(&Message::parse(&e).unwrap()).unwrap();
    assert!(old.is_ack());
    assert!(old.request_payload.is_empty());
    assert_eq!(old.request.len, 40);
    // An error message too short for its echoed header is an error.
    let mut short = [0u8; 24];
    short[..24].copy_from_slice(&ACK[..24]);
    short[0..4].copy_from_slice(&24u32.to_ne_bytes());
    assert_eq!(
        ErrorMsg::parse(&Message::parse(&short).unwrap()).unwrap_err(),
        Error::new(ErrorKind::Truncated, 20)
    );
}

#[test]
fn unaligned_message_lengths_are_padded_over() {
    // A 17-byte message (one payload byte) is followed by padding to 20.
    let mut d = [0u8; 36];
    d[0..4].copy_from_slice(&17u32.to_ne_bytes());
    d[4..6].copy_from_slice(&NLMSG_NOOP.to_ne_bytes());
    d[20..24].copy_from_slice(&16u32.to_ne_bytes());
    d[24..26].copy_from_slice(&NLMSG_DONE.to_ne_bytes());
    let v: Vec<_> = Messages::new(&d).map(Result::unwrap).collect();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].payload().len(), 1);
    assert_eq!(v[1].offset(), 20);
    assert_eq!(v[1].kind(), NLMSG_DONE);
}

#[test]
fn wrong_type_for_a_family_parser() {
    let e = LinkRepr::parse(&Message::parse(&ACK).unwrap()).unwrap_err();
    assert_eq!(e, Error::new(ErrorKind::WrongType(NLMSG_ERROR), 0));
}

#[test]
fn errors_format_without_allocation_and_name_the_offset() {
    let e = Error::new(ErrorKind::BadAttribute(4), 32);
    let mut buf = [0u8; 128];
    let mut w = Cursor(&mut buf, 0);
    core::fmt::write(&mut w, format_args!("{e}")).unwrap();
    let s = core::str::from_utf8(&w.0[..w.1]).unwrap();
    assert_eq!(s, "attribute type 4 has a malformed payload at byte 32");
}

struct Cursor<'a>(&'a mut [u8], usize);
impl core::fmt::Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.1 + s.len();
        self.0
            .get_mut(self.1..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.1 = end;
        Ok(())
    }
}

/// Re-emits a control message and checks it comes out byte for byte.
fn reemit(original: &[u8]) {
    let msg = Message::parse(original).unwrap();
    let h = msg.header();
    let mut buf = [0u8; 512];
    let n = match msg.control().unwrap() {
        Control::Error(e) => {
            assert_eq!(e.flags(), h.flags);
            let mut b =
                MessageBuilder::new(&mut buf, NLMSG_ERROR, e.flags(), h.seq, h.pid).unwrap();
            e.emit(&mut b).unwrap();
            assert_eq!(b.len(), 16 + e.buffer_len());
            b.finish().unwrap().len()
        }
        Control::Done(d) => {
            let mut b =
                MessageBuilder::new(&mut buf, NLMSG_DONE, NLM_F_MULTI | d.flags(), h.seq, h.pid)
                    .unwrap();
            d.emit(&mut b).unwrap();
            assert_eq!(b.len(), 16 + d.buffer_len());
            b.finish().unwrap().len()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(&buf[..n], original);
}

#[test]
fn control_messages_emit_to_the_kernel_bytes() {
    reemit(&ACK);
    reemit(&fixtures::load("err_extack_msg"));
    reemit(&fixtures::load("err_extack_offs")); // NLMSGERR_ATTR_POLICY goes through raw
    let dump = fixtures::load("link_dump");
    let done = Messages::new(&dump).last().unwrap().unwrap();
    reemit(done.bytes());
}

#[test]
fn a_fake_kernel_error_with_extack() {
    let request = NlmsgHeader {
        len: 16 + 8,
        kind: RTM_NEWROUTE,
        flags: NLM_F_REQUEST | NLM_F_ACK,
        seq: 5,
        pid: 0,
    };
    let e = ErrorMsg {
        code: -22,
        request,
        request_payload: &[1, 2, 3, 4, 5, 6, 7, 8],
        ext: ExtAck {
            msg: Some(b"Invalid prefix for given prefix length"),
            offs: Some(28),
            ..ExtAck::default()
        },
    };
    let mut buf = [0u8; 256];
    let mut b = MessageBuilder::new(&mut buf, NLMSG_ERROR, e.flags(), 5, 0).unwrap();
    e.emit(&mut b).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(e.flags(), NLM_F_ACK_TLVS);
    let Control::Error(back) = Message::parse(bytes).unwrap().control().unwrap() else {
        panic!()
    };
    assert_eq!(back, e);
    assert_eq!(
        back.ext.msg_str(),
        Some("Invalid prefix for given prefix length")
    );
}
