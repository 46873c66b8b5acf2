//! The request builder: exact bytes for a small request, and every way it
//! must refuse instead of writing past the buffer or truncating a length.

use ipdb_core::wire::uapi::*;
use ipdb_core::wire::*;

// RTM_GETLINK dump request for AF_BRIDGE with IFLA_EXT_MASK = 2, field by field.
static GETLINK: [u8; 40] = [
    0x28, 0x00, 0x00, 0x00, // nlmsg_len = 40
    0x12, 0x00, // RTM_GETLINK
    0x01, 0x03, // NLM_F_REQUEST | NLM_F_DUMP
    0x07, 0x00, 0x00, 0x00, // seq 7
    0x00, 0x00, 0x00, 0x00, // pid 0
    0x07, 0x00, // ifi_family AF_BRIDGE, pad
    0x00, 0x00, // ifi_type
    0x00, 0x00, 0x00, 0x00, // ifi_index
    0x00, 0x00, 0x00, 0x00, // ifi_flags
    0x00, 0x00, 0x00, 0x00, // ifi_change
    0x08, 0x00, 0x1d, 0x00, // len 8, IFLA_EXT_MASK
    0x02, 0x00, 0x00, 0x00, // RTEXT_FILTER_BRVLAN
];

fn build_getlink(buf: &mut [u8]) -> Result<usize, Error> {
    let mut b = MessageBuilder::new(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 7, 0)?;
    b.append_zeroed(16)?[0] = AF_BRIDGE;
    b.put(IFLA_EXT_MASK, &2u32)?;
    Ok(b.finish()?.len())
}

#[test]
fn emits_the_exact_request() {
    let mut buf = [0xeeu8; 64];
    let n = build_getlink(&mut buf).unwrap();
    assert_eq!(&buf[..n], &GETLINK);
}

#[test]
fn every_short_buffer_is_an_error_and_nothing_past_it_is_written() {
    for size in 0..GETLINK.len() {
        let mut buf = [0xeeu8; 64];
        let err = build_getlink(&mut buf[..size]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BufferTooSmall, "size {size}");
        assert!(err.offset <= size);
        assert!(buf[size..].iter().all(|&b| b == 0xee), "wrote past {size}");
    }
}

#[test]
fn padding_is_zeroed() {
    let mut buf = [0xeeu8; 32];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, NLM_F_REQUEST, 1, 0).unwrap();
    b.put(IFLA_OPERSTATE, &6u8).unwrap();
    let n = b.finish().unwrap().len();
    assert_eq!(n, 24);
    assert_eq!(&buf[16..24], &[5, 0, IFLA_OPERSTATE as u8, 0, 6, 0, 0, 0]);
}

#[test]
fn an_attribute_over_65535_bytes_is_refused() {
    let mut buf = vec![0u8; 70_000];
    let big = vec![1u8; 65_532]; // 4 + 65532 = 65536: one too many
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, NLM_F_REQUEST, 1, 0).unwrap();
    assert_eq!(
        b.put_bytes(IFLA_IFALIAS, &big).unwrap_err(),
        Error::new(ErrorKind::AttributeTooLong, 16)
    );
    assert_eq!(b.len(), 16); // nothing was reserved
    b.put_bytes(IFLA_IFALIAS, &big[..65_531]).unwrap(); // exactly 65535 fits
}

#[test]
fn a_nest_over_65535_bytes_is_refused() {
    let mut buf = vec![0u8; 140_000];
    let chunk = vec![1u8; 40_000];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, NLM_F_REQUEST, 1, 0).unwrap();
    let nest = b.begin_nested(IFLA_AF_SPEC).unwrap();
    b.put_bytes(1, &chunk).unwrap();
    b.put_bytes(2, &chunk).unwrap();
    assert_eq!(
        b.end_nested(nest).unwrap_err(),
        Error::new(ErrorKind::AttributeTooLong, 16)
    );
}

#[test]
fn nests_get_their_length_and_the_nested_flag() {
    let mut buf = [0u8; 64];
    let mut b = MessageBuilder::new(&mut buf, RTM_NEWLINK, NLM_F_REQUEST, 1, 0).unwrap();
    let outer = b.begin_nested(IFLA_LINKINFO).unwrap();
    b.put(IFLA_INFO_KIND, &IfName::new("veth").unwrap())
        .unwrap();
    let inner = b.begin_nested(IFLA_INFO_DATA).unwrap();
    b.end_nested(inner).unwrap();
    b.end_nested(outer).unwrap();
    let bytes = b.finish().unwrap();
    assert_eq!(
        &bytes[16..],
        &[
            20, 0, 0x12, 0x80, // len 20, IFLA_LINKINFO | NLA_F_NESTED
            9, 0, 1, 0, b'v', b'e', b't', b'h', 0, 0, 0, 0, // IFLA_INFO_KIND "veth"
            4, 0, 2, 0x80, // empty IFLA_INFO_DATA | NLA_F_NESTED
        ]
    );
}
