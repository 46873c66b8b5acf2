//! The namespace every dump test reads: one of each kind of object this
//! kernel can make (no dummy, vlan, bond, gre, team modules here), set up
//! with `ip`/`bridge` so that what we read back is the kernel's word, not
//! ours. Shared with the CLI's `show` tests (included by path).

#![allow(dead_code)]

use testns::TestNetns;

/// `ip -batch` lines: links of every kind, addresses, routes in several
/// tables (multipath, metrics, blackhole/unreachable/prohibit, IPv6 pref),
/// neighbours in several states, IPv4 rules.
pub const BATCH: &str = "\
link set lo up
link add va type veth peer name vb
link add br0 type bridge
link set va master br0
link add vc type veth peer name vd
link set vc master br0
link set va up
link set vb up
link set br0 up
link add mv0 link vb type macvlan mode bridge
link add mt0 link vb type macvtap mode vepa
link add vx0 type vxlan id 42 local 10.1.0.1 dstport 4789
tuntap add tp0 mode tap
tuntap add tn0 mode tun multi_queue
link set vd alias peer-d
link set vd mtu 1400
link set tp0 txqueuelen 777
addr add 10.1.0.1/24 dev vb
addr add 10.1.0.2/24 dev vb
addr add 10.2.0.1/16 brd + dev br0 label br0:x
addr add 2001:db8::1/64 dev vb nodad
addr add 10.9.9.1 peer 10.9.9.2/32 dev mv0
route add 10.5.0.0/16 via 10.1.0.254 dev vb
route add 10.6.0.0/16 via 10.1.0.254 table 100 metric 50
route add 10.7.0.0/16 table 1000 nexthop via 10.1.0.253 weight 2 nexthop via 10.1.0.254 dev vb weight 1
route add 10.8.0.0/16 via 10.1.0.254 mtu 1300 advmss 1200 proto static
route add blackhole 10.66.0.0/16
route add unreachable 10.67.0.0/16 table 1000
route add prohibit 10.68.0.0/16
route add 2001:db8:1::/48 via 2001:db8::ff dev vb table 300 pref high
route add default via 10.1.0.254
route add 2001:db8:2::/48 dev vb mtu lock 1280
neigh add 10.1.0.77 lladdr 02:00:00:00:00:77 dev vb nud permanent
neigh add 10.1.0.78 lladdr 02:00:00:00:00:78 dev vb nud stale
neigh add 2001:db8::77 lladdr 02:00:00:00:00:79 dev vb nud reachable
neigh add 10.1.0.79 dev vb nud noarp lladdr 02:00:00:00:00:7a
rule add fwmark 0x10/0xff table 100 prio 100
rule add from 10.1.0.0/24 to 10.2.0.0/16 table 1000 prio 200
rule add iif vb oif va table 300 prio 300
rule add prio 500 goto 600
rule add prio 600 blackhole
rule add prio 700 unreachable fwmark 7
rule add prio 800 from 10.3.0.0/16 table 5000 protocol static
nexthop add id 1 via 10.1.0.250 dev vb onlink
nexthop add id 2 blackhole
nexthop add id 4 dev vb
nexthop add id 3 group 1/4,3
route add 10.70.0.0/16 nhid 3
link add vx1 type vxlan id 43 remote 10.1.0.9 dstport 4790 dev vb ttl 5 nolearning
link add vx6 type vxlan id 44 local 2001:db8::1 group ff05::100 dev vb dstport 4791
route add 192.0.2.128/25 via inet6 fe80::1 dev vb
route add 10.81.0.0/16 tos 0x10 dev vb table 100
rule add not from 10.9.0.0/16 table 100 prio 900
rule add prio 910 table main suppress_prefixlength 0
rule add prio 920 uidrange 1000-2000 ipproto tcp dport 80 sport 1000-2000 table 100
rule add prio 930 tos 0x10 table 100
rule add prio 940 tos 0x08 table 100
rule add prio 950 nop
";

/// Creates the namespace and everything in it.
pub fn populated(tag: &str) -> Option<TestNetns> {
    let ns = TestNetns::new(tag)?;
    // No duplicate address detection: addresses would otherwise drop their
    // "tentative" flag a second after creation, between two readers' dumps.
    for knob in ["all", "default"] {
        ns.exec(&[
            "sysctl",
            "-qw",
            &format!("net.ipv6.conf.{knob}.accept_dad=0"),
        ]);
    }
    ns.ip_batch(BATCH);
    ns.ip(&[
        "-6",
        "rule",
        "add",
        "from",
        "2001:db8::/64",
        "table",
        "300",
        "prio",
        "400",
    ]);
    ns.ip(&[
        "-6",
        "nexthop",
        "add",
        "id",
        "5",
        "via",
        "2001:db8::fe",
        "dev",
        "vb",
    ]);
    ns.exec(&[
        "bridge",
        "fdb",
        "add",
        "02:00:00:00:00:aa",
        "dev",
        "va",
        "master",
        "static",
    ]);
    ns.exec(&[
        "bridge",
        "fdb",
        "append",
        "00:00:00:00:00:00",
        "dev",
        "vx0",
        "dst",
        "10.1.0.9",
    ]);
    Some(ns)
}
