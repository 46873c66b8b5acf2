//! Kernel tests of address add/replace/del, each in a fresh namespace,
//! checked against `ip -j address show`.

mod change_common;

use change_common::{index_of, ipr, json, Json};
use ipdb::spec::AddressSpec;
use ipdb_core::wire::uapi::*;
use testns::TestNetns;

fn addrs(ns: &TestNetns, dev: &str) -> Vec<Json> {
    json(ns, &["address", "show", "dev", dev])
        .at(0)
        .get("addr_info")
        .items()
        .to_vec()
}

fn find(ns: &TestNetns, dev: &str, local: &str) -> Option<Json> {
    addrs(ns, dev)
        .into_iter()
        .find(|a| a.get("local").as_str() == Some(local))
}

#[test]
fn v4_and_v6_addresses_with_every_setting() {
    let Some(ns) = TestNetns::new("chg-addr") else {
        return;
    };
    ns.ip_batch("link add va type veth peer name vb\nlink set va up\n");
    let va = index_of(&ns, "va");
    let mut ipr = ipr(&ns);

    let mut v4 = AddressSpec::new(va, "10.1.0.1/24".parse().unwrap()).with_broadcast();
    v4.label = Some("va:x".into());
    ipr.address_add(&v4).unwrap();
    let a = find(&ns, "va", "10.1.0.1").expect("10.1.0.1 on va");
    assert_eq!(a.get("prefixlen").as_u64(), Some(24));
    assert_eq!(a.get("broadcast").as_str(), Some("10.1.0.255"));
    assert_eq!(a.get("label").as_str(), Some("va:x"));
    assert_eq!(a.get("scope").as_str(), Some("global"));

    let mut ptp = AddressSpec::new(va, "10.9.9.1/32".parse().unwrap());
    ptp.peer = Some("10.9.9.2".parse().unwrap());
    ptp.valid_lft = Some(1000);
    ptp.preferred_lft = Some(500);
    ipr.address_add(&ptp).unwrap();
    let a = find(&ns, "va", "10.9.9.1").unwrap();
    assert_eq!(a.get("address").as_str(), Some("10.9.9.2"));
    assert_eq!(a.get("valid_life_time").as_u64(), Some(1000));
    assert_eq!(a.get("preferred_life_time").as_u64(), Some(500));

    let mut v6 = AddressSpec::new(va, "2001:db8::1/64".parse().unwrap());
    v6.flags = IFA_F_NODAD | IFA_F_NOPREFIXROUTE;
    ipr.address_add(&v6).unwrap();
    let a = find(&ns, "va", "2001:db8::1").unwrap();
    assert_eq!(a.get("family").as_str(), Some("inet6"));
    assert_eq!(a.get("nodad"), &Json::Bool(true), "{a:?}");
    assert_eq!(a.get("noprefixroute"), &Json::Bool(true));

    let mut link_scope = AddressSpec::new(va, "10.2.0.1/16".parse().unwrap());
    link_scope.scope = Some(RT_SCOPE_LINK);
    link_scope.metric = Some(77);
    ipr.address_add(&link_scope).unwrap();
    assert_eq!(
        find(&ns, "va", "10.2.0.1").unwrap().get("scope").as_str(),
        Some("link")
    );
    let prefix_route = json(&ns, &["route", "show", "10.2.0.0/16"]);
    assert_eq!(
        prefix_route.at(0).get("metric").as_u64(),
        Some(77),
        "{prefix_route:?}"
    );

    // Duplicate, replace, delete, delete again.
    let dup = ipr.address_add(&v4).unwrap_err();
    assert_eq!(dup.errno(), Some(libc::EEXIST), "{dup}");
    assert!(
        dup.to_string()
            .starts_with("add address 10.1.0.1/24 brd 10.1.0.255 dev index"),
        "{dup}"
    );
    ptp.valid_lft = Some(2000);
    ptp.preferred_lft = None;
    ipr.address_replace(&ptp).unwrap();
    assert_eq!(
        find(&ns, "va", "10.9.9.1")
            .unwrap()
            .get("valid_life_time")
            .as_u64(),
        Some(2000)
    );

    for s in [&v4, &ptp, &v6, &link_scope] {
        ipr.address_del(s).unwrap();
    }
    assert!(
        addrs(&ns, "va")
            .iter()
            .all(|a| a.get("family").as_str() == Some("inet6")
                && a.get("scope").as_str() == Some("link")),
        "only the link-local is left: {:?}",
        addrs(&ns, "va")
    );
    let gone = ipr.address_del(&v4).unwrap_err();
    assert_eq!(gone.errno(), Some(libc::EADDRNOTAVAIL), "{gone}");

    // Refused before sending: a label that is not an interface name.
    let mut long = AddressSpec::new(va, "10.3.0.1/24".parse().unwrap());
    long.label = Some("a-label-far-too-long".into());
    assert_eq!(
        ipr.address_add(&long).unwrap_err().errno(),
        Some(libc::EINVAL)
    );
}

#[test]
fn loopback_v4_gets_host_scope() {
    let Some(ns) = TestNetns::new("chg-addr-lo") else {
        return;
    };
    let mut ipr = ipr(&ns);
    let lo = index_of(&ns, "lo");
    ipr.address_add(&AddressSpec::new(lo, "127.0.0.2/8".parse().unwrap()))
        .unwrap();
    assert_eq!(
        find(&ns, "lo", "127.0.0.2").unwrap().get("scope").as_str(),
        Some("host")
    );
}
