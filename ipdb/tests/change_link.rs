//! Kernel tests of link add/set/del, each in a fresh namespace, checked
//! against `ip -j -d link show`.

mod change_common;

use change_common::{index_of, ipr, json, link_json};
use ipdb::spec::{
    GreSpec, LinkChange, LinkId, LinkKind, LinkSettings, LinkSpec, MacvlanMode, Master, TunSpec,
    VxlanSpec,
};
use ipdb_core::wire::link_info::BridgeInfo;
use ipdb_core::wire::HwAddr;

fn mac(s: &str) -> HwAddr {
    let bytes: Vec<u8> = s
        .split(':')
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    HwAddr::new(&bytes).unwrap()
}

#[test]
fn veth_pair_is_created_set_and_deleted() {
    let ns = testns::require!("chg-veth");
    let mut ipr = ipr(&ns);
    ipr.link_add(&LinkSpec::new("va", LinkKind::veth("vb")))
        .unwrap();
    let va = link_json(&ns, "va");
    assert_eq!(va.get("linkinfo").get("info_kind").as_str(), Some("veth"));
    assert_eq!(
        link_json(&ns, "vb")
            .get("linkinfo")
            .get("info_kind")
            .as_str(),
        Some("veth")
    );

    let mut change = LinkChange::new("va");
    change.settings = LinkSettings {
        up: Some(true),
        mtu: Some(1400),
        address: Some(mac("02:11:22:33:44:55")),
        txqlen: Some(333),
        alias: Some("uplink to vb".into()),
        ..LinkSettings::default()
    };
    ipr.link_set(&change).unwrap();
    let va = link_json(&ns, "va");
    assert_eq!(va.get("mtu").as_u64(), Some(1400));
    assert_eq!(va.get("address").as_str(), Some("02:11:22:33:44:55"));
    assert_eq!(va.get("txqlen").as_u64(), Some(333));
    assert_eq!(va.get("ifalias").as_str(), Some("uplink to vb"));
    assert!(va.get("flags").has_str("UP"), "{va:?}");

    // Rename by name (looks the index up), then down by index.
    let index = index_of(&ns, "va");
    let mut rename = LinkChange::new("va");
    rename.rename = Some("va-renamed".into());
    rename.settings.up = Some(false);
    ipr.link_set(&rename).unwrap();
    let renamed = link_json(&ns, "va-renamed");
    assert_eq!(renamed.get("ifindex").as_u64(), Some(u64::from(index)));
    assert!(!renamed.get("flags").has_str("UP"));

    // Empty alias removes it.
    let mut unalias = LinkChange::new(index);
    unalias.settings.alias = Some(String::new());
    ipr.link_set(&unalias).unwrap();
    assert_eq!(
        link_json(&ns, "va-renamed").get("ifalias"),
        &change_common::Json::Null
    );

    ipr.link_del(index).unwrap();
    let all = json(&ns, &["link", "show"]);
    assert_eq!(all.items().len(), 1, "both ends gone, lo left: {all:?}");
}

#[test]
fn link_get_and_index() {
    let ns = testns::require!("chg-get");
    let mut ipr = ipr(&ns);
    ipr.link_add(&LinkSpec::new("g0", LinkKind::Ifb)).unwrap();
    let idx = ipr.link_index("g0").unwrap();
    assert_eq!(idx, index_of(&ns, "g0"));
    let l = ipr.link_get(&LinkId::Index(idx)).unwrap();
    assert_eq!(l.name, "g0");
    assert_eq!(l.kind.as_deref(), Some("ifb"));
    let e = ipr.link_get(&LinkId::from("nope")).unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENODEV), "{e}");
}

#[test]
fn bridge_with_settings_and_ports_via_master() {
    let ns = testns::require!("chg-bridge");
    let mut ipr = ipr(&ns);
    let mut br = LinkSpec::new(
        "br0",
        LinkKind::Bridge(BridgeInfo {
            stp_state: Some(1),
            forward_delay: Some(500),
            ageing_time: Some(20000),
            priority: Some(4096),
            ..BridgeInfo::default()
        }),
    );
    br.settings.up = Some(true);
    ipr.link_add(&br).unwrap();
    let j = link_json(&ns, "br0");
    let data = j.get("linkinfo").get("info_data");
    assert_eq!(data.get("stp_state").as_u64(), Some(1));
    assert_eq!(data.get("forward_delay").as_u64(), Some(500));
    assert_eq!(data.get("ageing_time").as_u64(), Some(20000));
    assert_eq!(data.get("priority").as_u64(), Some(4096));
    assert!(j.get("flags").has_str("UP"));

    // This test kernel has no CONFIG_BRIDGE_VLAN_FILTERING: either works or
    // is refused with the kernel's errno, nothing in between.
    let filtering = LinkSpec::new(
        "br1",
        LinkKind::Bridge(BridgeInfo {
            vlan_filtering: Some(1),
            ..BridgeInfo::default()
        }),
    );
    match ipr.link_add(&filtering) {
        Ok(()) => assert_eq!(
            link_json(&ns, "br1")
                .get("linkinfo")
                .get("info_data")
                .get("vlan_filtering")
                .as_u64(),
            Some(1)
        ),
        Err(e) => assert_eq!(e.errno(), Some(libc::EOPNOTSUPP), "{e}"),
    }

    let br_index = index_of(&ns, "br0");
    // A port enslaved at creation, another by a later set.
    let mut p1 = LinkSpec::new("p1", LinkKind::veth("p1b"));
    p1.settings.master = Some(Master::Set(br_index));
    ipr.link_add(&p1).unwrap();
    ipr.link_add(&LinkSpec::new("p2", LinkKind::veth("p2b")))
        .unwrap();
    let mut enslave = LinkChange::new("p2");
    enslave.settings.master = Some(Master::Set(br_index));
    ipr.link_set(&enslave).unwrap();
    for p in ["p1", "p2"] {
        let j = link_json(&ns, p);
        assert_eq!(j.get("master").as_str(), Some("br0"), "{p}: {j:?}");
        assert_eq!(
            j.get("linkinfo").get("info_slave_kind").as_str(),
            Some("bridge")
        );
    }
    let mut release = LinkChange::new("p2");
    release.settings.master = Some(Master::None);
    ipr.link_set(&release).unwrap();
    assert_eq!(
        link_json(&ns, "p2").get("master"),
        &change_common::Json::Null
    );
    assert_eq!(link_json(&ns, "p1").get("master").as_str(), Some("br0"));
}

#[test]
fn macvlan_and_macvtap_on_a_lower_link() {
    let ns = testns::require!("chg-macvlan");
    let mut ipr = ipr(&ns);
    ipr.link_add(&LinkSpec::new("low", LinkKind::veth("lowb")))
        .unwrap();
    let low = index_of(&ns, "low");
    let modes = [
        ("mv0", MacvlanMode::Bridge, "bridge", false),
        ("mv1", MacvlanMode::Private, "private", false),
        ("mt0", MacvlanMode::Vepa, "vepa", true),
        ("mt1", MacvlanMode::Bridge, "bridge", true),
    ];
    for (name, mode, word, tap) in modes {
        let kind = if tap {
            LinkKind::Macvtap { link: low, mode }
        } else {
            LinkKind::Macvlan { link: low, mode }
        };
        ipr.link_add(&LinkSpec::new(name, kind)).unwrap();
        let j = link_json(&ns, name);
        let info = j.get("linkinfo");
        assert_eq!(
            info.get("info_kind").as_str(),
            Some(if tap { "macvtap" } else { "macvlan" })
        );
        assert_eq!(
            info.get("info_data").get("mode").as_str(),
            Some(word),
            "{name}: {j:?}"
        );
        assert_eq!(j.get("link").as_str(), Some("low"));
    }
}

#[test]
fn vxlan_with_every_parameter() {
    let ns = testns::require!("chg-vxlan");
    let mut ipr = ipr(&ns);
    ipr.link_add(&LinkSpec::new("under", LinkKind::veth("underb")))
        .unwrap();
    let under = index_of(&ns, "under");
    let spec = LinkSpec::new(
        "vx0",
        LinkKind::Vxlan(VxlanSpec {
            id: 4242,
            group: Some("239.1.1.1".parse().unwrap()),
            local: Some("10.0.0.1".parse().unwrap()),
            port: Some(4789),
            dev: Some(under),
            ttl: Some(17),
            learning: Some(false),
        }),
    );
    ipr.link_add(&spec).unwrap();
    let d = link_json(&ns, "vx0")
        .get("linkinfo")
        .get("info_data")
        .clone();
    assert_eq!(d.get("id").as_u64(), Some(4242));
    assert_eq!(d.get("group").as_str(), Some("239.1.1.1"));
    assert_eq!(d.get("local").as_str(), Some("10.0.0.1"));
    assert_eq!(d.get("port").as_u64(), Some(4789));
    assert_eq!(d.get("link").as_str(), Some("under"));
    assert_eq!(d.get("ttl").as_u64(), Some(17));
    assert_eq!(d.get("learning"), &change_common::Json::Bool(false));

    // IPv6 remote, unicast.
    let v6 = LinkSpec::new(
        "vx6",
        LinkKind::Vxlan(VxlanSpec {
            id: 7,
            group: Some("2001:db8::2".parse().unwrap()),
            local: Some("2001:db8::1".parse().unwrap()),
            port: Some(4790),
            ..VxlanSpec::default()
        }),
    );
    ipr.link_add(&v6).unwrap();
    let d = link_json(&ns, "vx6")
        .get("linkinfo")
        .get("info_data")
        .clone();
    assert_eq!(d.get("remote6").as_str(), Some("2001:db8::2"), "{d:?}");
    assert_eq!(d.get("local6").as_str(), Some("2001:db8::1"));
}

#[test]
fn ifb_is_created() {
    let ns = testns::require!("chg-ifb");
    let mut ipr = ipr(&ns);
    let mut spec = LinkSpec::new("ifb7", LinkKind::Ifb);
    spec.settings = LinkSettings {
        mtu: Some(9000),
        txqlen: Some(50),
        up: Some(true),
        alias: Some("set at creation".into()),
        ..LinkSettings::default()
    };
    ipr.link_add(&spec).unwrap();
    let j = link_json(&ns, "ifb7");
    assert_eq!(j.get("linkinfo").get("info_kind").as_str(), Some("ifb"));
    assert_eq!(j.get("mtu").as_u64(), Some(9000));
    assert_eq!(j.get("txqlen").as_u64(), Some(50));
    assert_eq!(j.get("ifalias").as_str(), Some("set at creation"));
    assert!(j.get("flags").has_str("UP"));
}

#[test]
fn tun_and_tap_are_persistent_in_the_namespace() {
    let ns = testns::require!("chg-tun");
    let mut ipr = ipr(&ns);
    let mut tap = LinkSpec::new(
        "tap7",
        LinkKind::Tap(TunSpec {
            owner: Some(1234),
            group: Some(99),
            ..TunSpec::default()
        }),
    );
    tap.settings.mtu = Some(1300);
    tap.settings.up = Some(true);
    ipr.link_add(&tap).unwrap();
    let tun = LinkSpec::new(
        "tun7",
        LinkKind::Tun(TunSpec {
            multi_queue: true,
            ..TunSpec::default()
        }),
    );
    ipr.link_add(&tun).unwrap();

    let j = link_json(&ns, "tap7");
    let d = j.get("linkinfo").get("info_data");
    assert_eq!(j.get("linkinfo").get("info_kind").as_str(), Some("tun"));
    assert_eq!(d.get("type").as_str(), Some("tap"), "{j:?}");
    assert_eq!(d.get("user").as_u64(), Some(1234), "{d:?}");
    assert_eq!(d.get("group").as_u64(), Some(99));
    assert_eq!(d.get("pi"), &change_common::Json::Bool(false));
    assert_eq!(d.get("persist"), &change_common::Json::Bool(true));
    assert_eq!(j.get("mtu").as_u64(), Some(1300));
    let t = link_json(&ns, "tun7");
    let d = t.get("linkinfo").get("info_data");
    assert_eq!(d.get("type").as_str(), Some("tun"));
    assert_eq!(d.get("multi_queue"), &change_common::Json::Bool(true));
    // And not on the host.
    assert!(std::process::Command::new("ip")
        .args(["link", "show", "tap7"])
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true));

    let dup = ipr.link_add(&tap).unwrap_err();
    assert_eq!(dup.errno(), Some(libc::EEXIST), "{dup}");
    assert!(
        dup.to_string()
            .starts_with("add link tap7 type tap up mtu 1300: File exists"),
        "{dup}"
    );
    // A name taken by a link of another kind: the same answer.
    ipr.link_add(&LinkSpec::new("v7", LinkKind::veth("v7b")))
        .unwrap();
    let e = ipr
        .link_add(&LinkSpec::new("v7b", LinkKind::Tun(TunSpec::default())))
        .unwrap_err();
    assert_eq!(e.errno(), Some(libc::EEXIST), "{e}");
    ipr.link_del("v7").unwrap();

    ipr.link_del("tap7").unwrap();
    ipr.link_del(LinkId::Name("tun7".into())).unwrap();
    assert_eq!(json(&ns, &["link", "show"]).items().len(), 1);
}

#[test]
fn duplicate_name_is_eexist_with_the_object_named() {
    let ns = testns::require!("chg-dup");
    let mut ipr = ipr(&ns);
    ipr.link_add(&LinkSpec::new("d0", LinkKind::veth("d1")))
        .unwrap();
    let e = ipr
        .link_add(&LinkSpec::new("d0", LinkKind::bridge()))
        .unwrap_err();
    assert_eq!(e.errno(), Some(libc::EEXIST));
    let text = e.to_string();
    assert!(text.starts_with("add link d0 type bridge: "), "{text}");
    assert!(text.contains("File exists"), "{text}");

    let missing = ipr.link_del("nothere").unwrap_err();
    assert_eq!(missing.errno(), Some(libc::ENODEV), "{missing}");
    assert!(missing.to_string().contains("dev nothere"), "{missing}");

    // Refused before sending: a 16-byte name.
    let long = ipr
        .link_add(&LinkSpec::new("sixteen-bytes-xx", LinkKind::Ifb))
        .unwrap_err();
    assert_eq!(long.errno(), Some(libc::EINVAL));
    assert!(
        long.to_string()
            .contains("name: interface names have 1 to 15 bytes"),
        "{long}"
    );
}

/// Kinds whose module this test kernel may lack: either created (and then
/// checked) or refused cleanly with the kernel's reason.
#[test]
fn kinds_without_a_module_are_refused_cleanly() {
    let ns = testns::require!("chg-nokind");
    let mut ipr = ipr(&ns);
    ipr.link_add(&LinkSpec::new("low", LinkKind::veth("lowb")))
        .unwrap();
    let low = index_of(&ns, "low");
    let gre = GreSpec {
        remote: Some("192.0.2.2".parse().unwrap()),
        local: Some("192.0.2.1".parse().unwrap()),
        ikey: Some(5),
        okey: Some(6),
        ttl: Some(64),
        link: None,
    };
    let kinds = [
        ("k-dummy", LinkKind::Dummy, "dummy"),
        ("k-team", LinkKind::Team, "team"),
        (
            "k-bond",
            LinkKind::bond(ipdb::spec::BondMode::ActiveBackup),
            "bond",
        ),
        (
            "k-vlan",
            LinkKind::Vlan {
                link: low,
                id: 10,
                protocol: None,
            },
            "vlan",
        ),
        ("k-gre", LinkKind::Gre(gre), "gre"),
        ("k-gretap", LinkKind::Gretap(gre), "gretap"),
    ];
    for (name, kind, word) in kinds {
        match ipr.link_add(&LinkSpec::new(name, kind)) {
            Ok(()) => {
                let j = link_json(&ns, name);
                assert_eq!(j.get("linkinfo").get("info_kind").as_str(), Some(word));
            }
            Err(e) => {
                assert_eq!(e.errno(), Some(libc::EOPNOTSUPP), "{name}: {e}");
                assert_eq!(e.ext_ack(), Some("Unknown device type"), "{name}: {e}");
                let text = e.to_string();
                assert!(
                    text.starts_with(&format!("add link {name} type {word}")),
                    "{text}"
                );
            }
        }
    }
}

#[test]
fn veth_end_moves_to_another_namespace() {
    let ns = testns::require!("chg-netns-a");
    let other = testns::require!("chg-netns-b");
    let mut ipr = ipr(&ns);
    ipr.link_add(&LinkSpec::new("va", LinkKind::veth("vb")))
        .unwrap();
    let mut mtu = LinkChange::new("vb");
    mtu.settings.mtu = Some(1450);
    ipr.link_set(&mtu).unwrap();
    ipr.link_set_netns("vb", other.path()).unwrap();
    assert!(
        ns.try_ip(&["link", "show", "vb"]).is_err(),
        "vb left namespace a"
    );
    let moved = link_json(&other, "vb");
    assert_eq!(
        moved.get("mtu").as_u64(),
        Some(1450),
        "settings travel: {moved:?}"
    );
    assert!(link_json(&ns, "va").get("link_netnsid").as_u64().is_some());

    let e = ipr.link_set_netns("va", "/nonexistent/netns").unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENOENT), "{e}");
}
