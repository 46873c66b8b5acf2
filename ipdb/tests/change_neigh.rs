//! Kernel tests of neighbour and bridge FDB add/replace/del, each in a
//! fresh namespace, checked against `ip -j neigh` and `bridge -j fdb`.

mod change_common;

use change_common::{index_of, ipr, Json};
use ipdb::spec::NeighbourSpec;
use ipdb_core::wire::uapi::*;
use testns::TestNetns;

fn neigh(ns: &TestNetns, dst: &str) -> Option<Json> {
    Json::parse(&ns.ip_json(&["neigh", "show"]))
        .items()
        .iter()
        .find(|n| n.get("dst").as_str() == Some(dst))
        .cloned()
}

#[test]
fn neighbours_v4_v6_permanent_and_replaced() {
    let Some(ns) = TestNetns::new("chg-neigh") else {
        return;
    };
    ns.ip_batch(
        "link add va type veth peer name vb\nlink set va up\naddr add 10.1.0.1/24 dev va\n",
    );
    let va = index_of(&ns, "va");
    let mut ipr = ipr(&ns);

    let n4 = NeighbourSpec::ip(
        va,
        "10.1.0.77".parse().unwrap(),
        Some([2, 0, 0, 0, 0, 0x77]),
    );
    ipr.neighbour_add(&n4).unwrap();
    let j = neigh(&ns, "10.1.0.77").expect("neighbour present");
    assert_eq!(j.get("lladdr").as_str(), Some("02:00:00:00:00:77"));
    assert!(j.get("state").has_str("PERMANENT"), "{j:?}");
    assert_eq!(j.get("dev").as_str(), Some("va"));

    let mut n6 = NeighbourSpec::ip(
        va,
        "2001:db8::77".parse().unwrap(),
        Some([2, 0, 0, 0, 0, 0x79]),
    );
    n6.state = NUD_REACHABLE;
    n6.flags = NTF_ROUTER;
    ipr.neighbour_add(&n6).unwrap();
    let j = neigh(&ns, "2001:db8::77").unwrap();
    assert!(j.get("state").has_str("REACHABLE"), "{j:?}");
    assert!(
        matches!(&j, Json::Obj(m) if m.contains_key("router")),
        "NTF_ROUTER: {j:?}"
    );

    let dup = ipr.neighbour_add(&n4).unwrap_err();
    assert_eq!(dup.errno(), Some(libc::EEXIST), "{dup}");
    assert!(
        dup.to_string()
            .contains("10.1.0.77 lladdr 02:00:00:00:00:77 dev index"),
        "{dup}"
    );

    let mut moved = n4;
    moved.lladdr = ipdb_core::wire::HwAddr::new(&[2, 0, 0, 0, 0, 0x88]);
    ipr.neighbour_replace(&moved).unwrap();
    assert_eq!(
        neigh(&ns, "10.1.0.77").unwrap().get("lladdr").as_str(),
        Some("02:00:00:00:00:88")
    );

    ipr.neighbour_del(&moved).unwrap();
    ipr.neighbour_del(&n6).unwrap();
    assert!(neigh(&ns, "10.1.0.77").is_none());
    assert!(neigh(&ns, "2001:db8::77").is_none());
    let gone = ipr.neighbour_del(&n4).unwrap_err();
    assert_eq!(gone.errno(), Some(libc::ENOENT), "{gone}");

    // Refused before sending: no address.
    let mut none = n4;
    none.dst = None;
    assert_eq!(
        ipr.neighbour_add(&none).unwrap_err().errno(),
        Some(libc::EINVAL)
    );
}

#[test]
fn bridge_fdb_entries() {
    let Some(ns) = TestNetns::new("chg-fdb") else {
        return;
    };
    ns.ip_batch(
        "link add br0 type bridge\nlink add va type veth peer name vb\nlink set va master br0\n\
         link set br0 up\nlink set va up\n",
    );
    let va = index_of(&ns, "va");
    let mut ipr = ipr(&ns);
    let fdb = NeighbourSpec::fdb(va, [2, 0, 0, 0, 0xfd, 1]);
    ipr.neighbour_add(&fdb).unwrap();
    let entries = Json::parse(&ns.exec(&["bridge", "-j", "fdb", "show", "dev", "va"]));
    let e = entries
        .items()
        .iter()
        .find(|e| e.get("mac").as_str() == Some("02:00:00:00:fd:01"))
        .unwrap_or_else(|| panic!("fdb entry missing: {entries:?}"));
    assert_eq!(e.get("master").as_str(), Some("br0"));
    assert_eq!(e.get("state").as_str(), Some("static"), "{e:?}");

    ipr.neighbour_del(&fdb).unwrap();
    let entries = Json::parse(&ns.exec(&["bridge", "-j", "fdb", "show", "dev", "va"]));
    assert!(entries
        .items()
        .iter()
        .all(|e| e.get("mac").as_str() != Some("02:00:00:00:fd:01")));
}

#[test]
fn vxlan_fdb_remotes() {
    let Some(ns) = TestNetns::new("chg-vxfdb") else {
        return;
    };
    ns.ip_batch("link add vx0 type vxlan id 42 local 10.0.0.1 dstport 4789\n");
    let vx = index_of(&ns, "vx0");
    let mut ipr = ipr(&ns);
    let zero = [0u8; 6];
    let mut first = NeighbourSpec::vxlan_fdb(vx, zero, "10.0.0.2".parse().unwrap());
    first.port = Some(4790);
    first.vni = Some(4242);
    ipr.neighbour_append(&first).unwrap();
    let second = NeighbourSpec::vxlan_fdb(vx, zero, "10.0.0.3".parse().unwrap());
    ipr.neighbour_append(&second).unwrap();
    let entries = Json::parse(&ns.exec(&["bridge", "-j", "fdb", "show", "dev", "vx0"]));
    let remotes: Vec<&Json> = entries
        .items()
        .iter()
        .filter(|e| e.get("mac").as_str() == Some("00:00:00:00:00:00"))
        .collect();
    assert_eq!(remotes.len(), 2, "{entries:?}");
    let a = remotes
        .iter()
        .find(|e| e.get("dst").as_str() == Some("10.0.0.2"))
        .expect("10.0.0.2");
    assert_eq!(a.get("port").as_u64(), Some(4790), "{a:?}");
    assert_eq!(a.get("vni").as_u64(), Some(4242));
    assert!(remotes
        .iter()
        .any(|e| e.get("dst").as_str() == Some("10.0.0.3")));

    ipr.neighbour_del(&second).unwrap();
    let entries = Json::parse(&ns.exec(&["bridge", "-j", "fdb", "show", "dev", "vx0"]));
    assert!(entries
        .items()
        .iter()
        .all(|e| e.get("dst").as_str() != Some("10.0.0.3")));
}
