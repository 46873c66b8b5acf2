//! Kernel tests: each runs in a fresh network namespace (testns) and talks
//! to it through sockets opened there; the test thread itself never changes
//! namespace and the host's network is never touched.

use std::net::Ipv4Addr;
use std::os::fd::AsFd;
use std::path::PathBuf;

use ipdb_core::wire::uapi::*;
use ipdb_core::wire::{Message, MessageBuilder, Messages, NLMSG_HDRLEN};
use netlink_raw::{DumpEvent, DumpRun, DumpSummary, Error, Socket, Tun, TunMode, TunOptions};
use testns::TestNetns;

const RTMGRP_LINK: u32 = 1 << (RTNLGRP_LINK - 1);

/// Opens a socket inside the test namespace (by path).
fn socket_in(ns: &TestNetns) -> Socket {
    Socket::open_in_netns_path(ns.path()).expect("open socket in namespace")
}

/// Builds a message with a zeroed fixed header of `fixed` bytes, lets `fill`
/// set header bytes and add attributes, and returns the message length.
fn build(
    buf: &mut [u8],
    kind: u16,
    flags: u16,
    fixed: usize,
    fill: impl FnOnce(&mut MessageBuilder<'_>),
) -> usize {
    let mut b = MessageBuilder::new(buf, kind, flags, 0, 0).unwrap();
    b.append_zeroed(fixed).unwrap();
    fill(&mut b);
    b.finish().unwrap().len()
}

const IFINFOMSG_LEN: usize = 16;

fn put_str(b: &mut MessageBuilder<'_>, kind: u16, s: &str) {
    let mut z = s.as_bytes().to_vec();
    z.push(0);
    b.put_bytes(kind, &z).unwrap();
}

/// The calling thread's network namespace (to prove it never moves).
/// Adds `n` veth pairs `a<i>`/`b<i>` in one `ip -batch`.
fn add_veth_pairs(ns: &TestNetns, n: usize) {
    let cmds: String = (0..n)
        .map(|i| format!("link add a{i} type veth peer name b{i}\n"))
        .collect();
    ns.ip_batch(&cmds);
}

fn own_netns() -> PathBuf {
    std::fs::read_link("/proc/thread-self/ns/net").unwrap()
}

fn count_links(ns: &TestNetns) -> usize {
    ns.ip(&["-o", "link", "show"]).lines().count()
}

/// The `IFLA_IFNAME` of an `RTM_NEWLINK` message.
fn link_name(m: &Message<'_>) -> String {
    let (_, attrs) = m.split_fixed(IFINFOMSG_LEN).unwrap();
    let a = attrs.find(IFLA_IFNAME).unwrap().expect("IFLA_IFNAME");
    a.str().unwrap().to_string()
}

/// Dumps all links; returns their names (collected since the last restart).
fn dump_link_names(sock: &mut Socket) -> (Vec<String>, DumpSummary) {
    let mut buf = [0u8; 64];
    let n = build(&mut buf, RTM_GETLINK, 0, IFINFOMSG_LEN, |_| {});
    let mut names = Vec::new();
    let summary = sock
        .dump(&mut buf[..n], |ev| match ev {
            DumpEvent::Message(m) => {
                assert_eq!(m.kind(), RTM_NEWLINK);
                names.push(link_name(&m));
            }
            DumpEvent::Restart => names.clear(),
        })
        .expect("link dump");
    (names, summary)
}

/// Receives until a message of type `kind` arrives; returns its bytes.
fn recv_until(sock: &mut Socket, kind: u16) -> Vec<u8> {
    for _ in 0..100 {
        let datagram = sock.recv().expect("recv");
        for m in Messages::new(datagram) {
            let m = m.unwrap();
            if m.kind() == kind {
                return m.bytes().to_vec();
            }
        }
    }
    panic!("no message of type {kind} in 100 datagrams");
}

#[test]
fn bind_gives_distinct_kernel_chosen_ports() {
    let ns = testns::require!("bind");
    let a = socket_in(&ns);
    let b = socket_in(&ns);
    assert_ne!(a.port_id(), 0);
    assert_ne!(b.port_id(), 0);
    assert_ne!(a.port_id(), b.port_id());
    assert!(!a.is_nonblocking().unwrap());
    assert_eq!(a.group_mask().unwrap(), 0);
    assert!(a.memberships().unwrap().is_empty());
}

#[test]
fn legacy_mask_and_group_numbers_above_31() {
    let ns = testns::require!("groups");
    let mut links = socket_in(&ns);
    links.set_group_mask(RTMGRP_LINK).unwrap();
    assert_eq!(links.group_mask().unwrap(), RTMGRP_LINK);
    assert_eq!(links.memberships().unwrap(), vec![RTNLGRP_LINK]);

    let mut nexthops = socket_in(&ns);
    nexthops.add_membership(RTNLGRP_NEXTHOP).unwrap();
    nexthops.add_membership(RTNLGRP_BRVLAN).unwrap();
    assert_eq!(
        nexthops.memberships().unwrap(),
        vec![RTNLGRP_NEXTHOP, RTNLGRP_BRVLAN]
    );
    // Group 32 is the last bit of the legacy mask; 33 and up are not in it.
    assert_eq!(nexthops.group_mask().unwrap(), 1 << 31);
    nexthops.drop_membership(RTNLGRP_BRVLAN).unwrap();
    assert_eq!(nexthops.memberships().unwrap(), vec![RTNLGRP_NEXTHOP]);

    ns.ip(&["link", "add", "ev0", "type", "veth", "peer", "name", "ev1"]);
    ns.ip(&["link", "set", "lo", "up"]); // a blackhole nexthop sits on lo
    ns.ip(&["nexthop", "add", "id", "7", "blackhole"]);
    let link = recv_until(&mut links, RTM_NEWLINK);
    assert_eq!(link_name(&Message::parse(&link).unwrap()).len(), 3);
    let nh = recv_until(&mut nexthops, RTM_NEWNEXTHOP);
    assert_eq!(Message::parse(&nh).unwrap().kind(), RTM_NEWNEXTHOP);

    // Membership added by number shows in the legacy mask too (group <= 32).
    links.add_membership(RTNLGRP_IPV4_ROUTE).unwrap();
    assert_eq!(
        links.group_mask().unwrap(),
        RTMGRP_LINK | 1 << (RTNLGRP_IPV4_ROUTE - 1)
    );
    // Rebinding with an empty mask leaves every group <= 32, keeps the others.
    links.add_membership(RTNLGRP_BRVLAN).unwrap();
    links.set_group_mask(0).unwrap();
    assert_eq!(links.memberships().unwrap(), vec![RTNLGRP_BRVLAN]);
}

#[test]
fn request_ack_then_eexist_and_enodev_with_errno() {
    let ns = testns::require!("errno");
    let mut sock = socket_in(&ns);
    let mut buf = [0u8; 128];
    let create = |buf: &mut [u8]| {
        build(
            buf,
            RTM_NEWLINK,
            NLM_F_CREATE | NLM_F_EXCL,
            IFINFOMSG_LEN,
            |b| {
                put_str(b, IFLA_IFNAME, "nl0");
                let info = b.begin_nested(IFLA_LINKINFO).unwrap();
                put_str(b, IFLA_INFO_KIND, "veth");
                b.end_nested(info).unwrap();
            },
        )
    };
    let n = create(&mut buf);
    sock.request(&mut buf[..n]).expect("create veth nl0");
    assert!(ns
        .ip_json(&["link", "show", "nl0"])
        .contains("\"ifname\":\"nl0\""));

    let n = create(&mut buf);
    match sock.request(&mut buf[..n]) {
        Err(Error::Kernel(e)) => assert_eq!(e.errno, libc::EEXIST, "{e}"),
        other => panic!("expected EEXIST, got {other:?}"),
    }

    let n = build(&mut buf, RTM_DELLINK, 0, IFINFOMSG_LEN, |b| {
        put_str(b, IFLA_IFNAME, "nosuch0")
    });
    let err = sock.request(&mut buf[..n]).unwrap_err();
    assert_eq!(err.errno(), Some(libc::ENODEV), "{err}");
    // The socket is still in step: the next request gets its own ack.
    let n = build(&mut buf, RTM_DELLINK, 0, IFINFOMSG_LEN, |b| {
        put_str(b, IFLA_IFNAME, "nl0")
    });
    sock.request(&mut buf[..n]).expect("delete nl0");
    assert!(ns.try_ip(&["link", "show", "nl0"]).is_err());
}

#[test]
fn extended_ack_text_from_the_kernel() {
    let ns = testns::require!("extack");
    let mut sock = socket_in(&ns);
    let mut buf = [0u8; 128];
    // 10.9.0.0/24 via 10.1.1.1, with no route to 10.1.1.1.
    let n = build(&mut buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 0, |b| {
        b.append(&[
            AF_INET,             // rtm_family
            24,                  // rtm_dst_len
            0,                   // rtm_src_len
            0,                   // rtm_tos
            RT_TABLE_MAIN as u8, // rtm_table
            RTPROT_BOOT,         // rtm_protocol
            RT_SCOPE_UNIVERSE,   // rtm_scope
            RTN_UNICAST,         // rtm_type
        ])
        .unwrap();
        b.append(&0u32.to_ne_bytes()).unwrap(); // rtm_flags
        b.put(RTA_DST, &Ipv4Addr::new(10, 9, 0, 0)).unwrap();
        b.put(RTA_GATEWAY, &Ipv4Addr::new(10, 1, 1, 1)).unwrap();
    });
    match sock.request(&mut buf[..n]) {
        Err(Error::Kernel(e)) => {
            assert_eq!(e.errno, libc::ENETUNREACH, "{e}");
            assert_eq!(
                e.message.as_deref(),
                Some("Nexthop has invalid gateway"),
                "{e}"
            );
        }
        other => panic!("expected ENETUNREACH, got {other:?}"),
    }
}

#[test]
fn extended_ack_offset_points_at_the_bad_attribute() {
    let ns = testns::require!("extoffs");
    let mut sock = socket_in(&ns);
    let mut buf = [0u8; 128];
    // IFLA_IFNAME longer than IFNAMSIZ - 1 fails policy validation; the
    // attribute starts right after nlmsghdr + ifinfomsg.
    let n = build(
        &mut buf,
        RTM_NEWLINK,
        NLM_F_CREATE | NLM_F_EXCL,
        IFINFOMSG_LEN,
        |b| put_str(b, IFLA_IFNAME, "a-name-far-too-long-for-ifnamsiz"),
    );
    match sock.request(&mut buf[..n]) {
        Err(Error::Kernel(e)) => {
            assert_eq!(e.errno, libc::ERANGE, "{e}");
            assert_eq!(e.offset, Some((NLMSG_HDRLEN + IFINFOMSG_LEN) as u32), "{e}");
            assert!(e.message.is_some(), "{e}");
        }
        other => panic!("expected EINVAL, got {other:?}"),
    }
}

#[test]
fn request_with_hands_over_the_reply_before_the_ack() {
    let ns = testns::require!("get");
    let mut sock = socket_in(&ns);
    let mut buf = [0u8; 64];
    let n = build(&mut buf, RTM_GETLINK, 0, IFINFOMSG_LEN, |b| {
        put_str(b, IFLA_IFNAME, "lo")
    });
    let mut names = Vec::new();
    sock.request_with(&mut buf[..n], |m| names.push(link_name(&m)))
        .unwrap();
    assert_eq!(names, ["lo"]);
}

#[test]
fn dump_of_many_links_spans_several_datagrams() {
    let ns = testns::require!("dump");
    add_veth_pairs(&ns, 200);
    let mut sock = socket_in(&ns);
    let (names, summary) = dump_link_names(&mut sock);
    assert_eq!(names.len(), count_links(&ns));
    assert_eq!(names.len(), 401);
    assert_eq!(summary.messages, 401);
    assert!(summary.datagrams > 1, "{summary:?}");
    assert!(names.iter().any(|n| n == "a199") && names.iter().any(|n| n == "b0"));
    // The same socket can dump again and still answer requests.
    let (again, _) = dump_link_names(&mut sock);
    assert_eq!(again.len(), 401);
}

/// `dump_runs` hands over the same messages as `dump`, a run (usually a
/// datagram) at a time, each run a whole number of aligned messages.
#[test]
fn dump_runs_carry_the_same_messages_in_fewer_pieces() {
    let ns = testns::require!("runs");
    add_veth_pairs(&ns, 200);
    let mut sock = socket_in(&ns);
    let (names, _) = dump_link_names(&mut sock);
    let mut buf = [0u8; 64];
    let n = build(&mut buf, RTM_GETLINK, 0, IFINFOMSG_LEN, |_| {});
    let (mut runs, mut from_runs) = (0, Vec::new());
    let summary = sock
        .dump_runs(&mut buf[..n], |run| match run {
            DumpRun::Messages(bytes) => {
                runs += 1;
                assert_eq!(bytes.len() % 4, 0);
                for m in Messages::new(bytes) {
                    from_runs.push(link_name(&m.expect("whole messages")));
                }
            }
            DumpRun::Restart => {
                from_runs.clear();
            }
        })
        .expect("link dump");
    assert_eq!(from_runs, names);
    assert_eq!(summary.messages, names.len());
    assert!(runs > 1 && runs < names.len(), "{runs} runs");
}

#[test]
fn dump_restarts_when_links_change_midway() {
    let ns = testns::require!("intr");
    add_veth_pairs(&ns, 100);
    let mut sock = socket_in(&ns);
    let mut buf = [0u8; 64];
    let n = build(&mut buf, RTM_GETLINK, 0, IFINFOMSG_LEN, |_| {});
    let mut changed = false;
    let mut restarts = 0;
    let mut names = Vec::new();
    let summary = sock
        .dump(&mut buf[..n], |ev| match ev {
            DumpEvent::Message(m) => {
                names.push(link_name(&m));
                // Change the link list while the first datagram is being
                // read: the kernel marks the next one NLM_F_DUMP_INTR.
                if !changed {
                    changed = true;
                    ns.ip(&[
                        "link", "add", "late0", "type", "veth", "peer", "name", "late1",
                    ]);
                }
            }
            DumpEvent::Restart => {
                restarts += 1;
                names.clear();
            }
        })
        .unwrap();
    assert_eq!(restarts, 1);
    assert_eq!(summary.restarts, 1);
    assert_eq!(names.len(), 203, "{summary:?}");
    assert_eq!(summary.messages, 203);
    assert!(names.iter().any(|n| n == "late1"));
}

#[test]
fn dump_refused_at_start_is_a_kernel_error() {
    let ns = testns::require!("dumperr");
    let mut sock = socket_in(&ns);
    let mut buf = [0u8; 64];
    // Strict checking rejects a route dump header with a prefix length set.
    let n = build(&mut buf, RTM_GETROUTE, 0, 0, |b| {
        // rtmsg: family AF_INET, rtm_dst_len 24, everything else 0.
        b.append(&[AF_INET, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            .unwrap()
    });
    match sock.dump(&mut buf[..n], |_| panic!("no message expected")) {
        Err(Error::Kernel(e)) => {
            assert_eq!(e.errno, libc::EINVAL, "{e}");
            assert!(e.message.as_deref().unwrap_or("").contains("header"), "{e}");
        }
        other => panic!("expected EINVAL, got {other:?}"),
    }
    // Still usable afterwards.
    let (names, _) = dump_link_names(&mut sock);
    assert_eq!(names, ["lo"]);
}

#[test]
fn overrun_surfaces_as_its_own_error_and_the_socket_recovers() {
    let ns = testns::require!("overrun");
    let mut sock = socket_in(&ns);
    sock.set_group_mask(RTMGRP_LINK).unwrap();
    // The kernel rounds tiny sizes up to its minimum (a few KiB).
    let granted = sock.set_recv_buffer_size(1).unwrap();
    assert!(granted < 16 * 1024, "{granted}");
    sock.set_nonblocking(true).unwrap();
    add_veth_pairs(&ns, 100);
    let mut overruns = 0;
    let mut events = 0;
    loop {
        match sock.recv() {
            Ok(_) => events += 1,
            Err(Error::Overrun) => overruns += 1,
            Err(e) if e.is_would_block() => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(
        overruns, 1,
        "one ENOBUFS per overflow ({events} datagrams read)"
    );
    assert!(events > 0 && events < 400, "{events}");
    // After the overrun the socket still delivers new events.
    ns.ip(&["link", "set", "a0", "up"]);
    sock.set_nonblocking(false).unwrap();
    recv_until(&mut sock, RTM_NEWLINK);
}

#[test]
fn nonblocking_recv_with_nothing_queued_would_block() {
    let ns = testns::require!("nonblock");
    let mut sock = socket_in(&ns);
    sock.set_nonblocking(true).unwrap();
    assert!(sock.is_nonblocking().unwrap());
    let err = sock.recv().unwrap_err();
    assert!(err.is_would_block(), "{err}");
}

#[test]
fn receive_buffer_can_be_forced_past_rmem_max() {
    let ns = testns::require!("rcvbuf");
    let sock = socket_in(&ns);
    let rmem_max: usize = std::fs::read_to_string("/proc/sys/net/core/rmem_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let want = rmem_max * 4;
    // The kernel doubles the value for its bookkeeping.
    assert_eq!(sock.set_recv_buffer_size(want).unwrap(), want * 2);
    assert_eq!(sock.recv_buffer_size().unwrap(), want * 2);
}

#[test]
fn sockets_open_in_a_namespace_by_path_and_by_fd() {
    let ns = testns::require!("open");
    ns.ip(&[
        "link", "add", "inside0", "type", "veth", "peer", "name", "inside1",
    ]);
    let before = own_netns();

    let mut by_path = Socket::open_in_netns_path(ns.path()).unwrap();
    let file = ns.open();
    let mut by_fd = Socket::open_in_netns(file.as_fd()).unwrap();
    assert_eq!(
        own_netns(),
        before,
        "the test thread stayed in its namespace"
    );

    for sock in [&mut by_path, &mut by_fd] {
        let (mut names, _) = dump_link_names(sock);
        names.sort();
        assert_eq!(names, ["inside0", "inside1", "lo"]);
    }
    // A socket opened here sees this namespace, not the test's.
    let other = testns::require!("open-other");
    let (names, _) = dump_link_names(&mut socket_in(&other));
    assert_eq!(names, ["lo"]);
    assert!(Socket::open_in_netns_path(&ns.path().with_extension("nosuch")).is_err());
}

/// A device whose last fd closed is removed at once, except that a child
/// process forked by a parallel test may hold a copy of the fd until it
/// execs (`O_CLOEXEC` acts only at exec); so allow a short wait.
fn assert_link_goes_away(ns: &TestNetns, name: &str) {
    for _ in 0..100 {
        if ns.try_ip(&["link", "show", name]).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{name} still exists 2 s after its last fd closed");
}

#[test]
fn persistent_tap_and_tun_devices_in_a_namespace() {
    let ns = testns::require!("tun");
    let file = ns.open();
    let before = own_netns();

    let tap = Tun::create_in_netns(file.as_fd(), "iptap0", &TunOptions::new(TunMode::Tap)).unwrap();
    assert_eq!(tap.name(), "iptap0");
    tap.set_owner(0).unwrap();
    tap.set_group(0).unwrap();
    tap.set_persist(true).unwrap();
    drop(tap);
    assert_eq!(own_netns(), before);
    let json = ns.ip_json(&["-d", "link", "show", "iptap0"]);
    assert!(json.contains("\"ifname\":\"iptap0\""), "{json}");
    assert!(json.contains("\"type\":\"tap\""), "{json}");

    // Multi-queue tun with a kernel-chosen name: two queues, one device.
    let mq = TunOptions {
        multi_queue: true,
        ..TunOptions::new(TunMode::Tun)
    };
    let q0 = Tun::create_in_netns(file.as_fd(), "iptun%d", &mq).unwrap();
    assert_eq!(q0.name(), "iptun0");
    let q1 = Tun::create_in_netns(file.as_fd(), q0.name(), &mq).unwrap();
    assert_eq!(q1.name(), "iptun0");
    assert!(ns
        .ip_json(&["-d", "link", "show", "iptun0"])
        .contains("\"type\":\"tun\""));
    drop((q0, q1));
    // Not persistent: gone with its last queue.
    assert_link_goes_away(&ns, "iptun0");

    // Reattach to the persistent tap and make it go away.
    let tap = Tun::create_in_netns(file.as_fd(), "iptap0", &TunOptions::new(TunMode::Tap)).unwrap();
    tap.set_persist(false).unwrap();
    drop(tap);
    assert_link_goes_away(&ns, "iptap0");

    assert!(Tun::create("name-too-long-for-ifnamsiz", &TunOptions::new(TunMode::Tap)).is_err());
}

#[test]
fn dump_gives_up_after_the_restart_bound() {
    let ns = testns::require!("intrmax");
    add_veth_pairs(&ns, 100);
    let mut sock = socket_in(&ns);
    let mut buf = [0u8; 64];
    let n = build(&mut buf, RTM_GETLINK, 0, IFINFOMSG_LEN, |_| {});
    // Change the link list during every pass: no pass is ever consistent.
    let mut first_of_pass = true;
    let mut changes = 0;
    let mut restarts = 0;
    let result = sock.dump(&mut buf[..n], |ev| match ev {
        DumpEvent::Message(_) if first_of_pass => {
            first_of_pass = false;
            ns.ip(&["link", "set", "a0", "mtu", &(1400 + changes).to_string()]);
            ns.ip(&["link", "add", &format!("c{changes}"), "type", "veth"]);
            changes += 1;
        }
        DumpEvent::Message(_) => {}
        DumpEvent::Restart => {
            restarts += 1;
            first_of_pass = true;
        }
    });
    match result {
        Err(Error::DumpInterrupted { restarts: r }) => {
            assert_eq!(r, netlink_raw::MAX_DUMP_RESTARTS + 1);
            assert_eq!(restarts, r);
        }
        other => panic!("expected DumpInterrupted, got {other:?}"),
    }
    // The socket is still in step for the next dump.
    let (names, summary) = dump_link_names(&mut sock);
    assert_eq!(names.len(), count_links(&ns), "{summary:?}");
}

#[test]
fn pipelined_requests_are_stamped_and_acked_in_order() {
    let ns = testns::require!("pipeline");
    let mut sock = socket_in(&ns);
    let mut first = [0u8; 128];
    let mut second = [0u8; 128];
    let n1 = build(
        &mut first,
        RTM_NEWLINK,
        NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
        IFINFOMSG_LEN,
        |b| {
            put_str(b, IFLA_IFNAME, "p0");
            let info = b.begin_nested(IFLA_LINKINFO).unwrap();
            put_str(b, IFLA_INFO_KIND, "veth");
            b.end_nested(info).unwrap();
        },
    );
    let n2 = build(&mut second, RTM_DELLINK, NLM_F_ACK, IFINFOMSG_LEN, |b| {
        put_str(b, IFLA_IFNAME, "nosuch")
    });
    let s1 = sock.send_request(&mut first[..n1]).unwrap();
    let s2 = sock.send_request(&mut second[..n2]).unwrap();
    assert_ne!(s1, s2);
    for (buf, seq) in [(&first[..n1], s1), (&second[..n2], s2)] {
        let h = Message::parse(buf).unwrap().header();
        assert_eq!((h.seq, h.pid), (seq, sock.port_id()));
        assert_ne!(h.flags & NLM_F_REQUEST, 0);
    }
    sock.wait_ack(s1, |_| panic!("no reply expected")).unwrap();
    let err = sock
        .wait_ack(s2, |_| panic!("no reply expected"))
        .unwrap_err();
    assert_eq!(err.errno(), Some(libc::ENODEV));
}

#[test]
fn a_request_that_does_not_frame_is_refused_before_sending() {
    let ns = testns::require!("badreq");
    let mut sock = socket_in(&ns);
    // nlmsg_len says 64 bytes, the buffer has 20.
    let mut bad = [0u8; 20];
    bad[0..4].copy_from_slice(&64u32.to_ne_bytes());
    assert!(matches!(sock.request(&mut bad), Err(Error::Malformed(_))));
    assert!(matches!(
        sock.dump(&mut [0u8; 8], |_| {}),
        Err(Error::Malformed(_))
    ));
    sock.set_nonblocking(true).unwrap();
    assert!(
        sock.recv().unwrap_err().is_would_block(),
        "nothing was sent"
    );
}
