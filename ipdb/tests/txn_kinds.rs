//! Kernel test: one transaction creates links of every kind this kernel
//! has (bridge, veth, macvlan, macvtap, vxlan, tun, tap, ifb; dummy, bond,
//! vlan, gre and team are not built in here), children on parents created
//! in the same transaction; the same again with a failure leaves no trace.

mod txn_common;

use ipdb::spec::{LinkKind, LinkSpec, MacvlanMode, RouteSpec, TunSpec, VxlanSpec};
use ipdb::txn::{Transaction, Txns};
use txn_common::{first_difference, ip_state, ipr, populate};

fn every_kind(t: &mut Transaction, p: &str) {
    let n = |s: &str| format!("{p}{s}");
    // Bridge and veth stay down: up, with ports, they start DAD and MLD and
    // keep changing on their own for a while (carrier, multicast
    // neighbours), which is not what this test is about.
    t.create(LinkSpec::new(&n("br"), LinkKind::bridge()));
    t.create(LinkSpec::new(&n("va"), LinkKind::veth(&n("vb"))))
        .set_master(n("br").as_str());
    t.create_on(
        LinkSpec::new(
            &n("mv"),
            LinkKind::Macvlan {
                link: 0,
                mode: MacvlanMode::Bridge,
            },
        ),
        n("vb").as_str(),
    );
    t.create_on(
        LinkSpec::new(
            &n("mt"),
            LinkKind::Macvtap {
                link: 0,
                mode: MacvlanMode::Vepa,
            },
        ),
        n("vb").as_str(),
    );
    t.create_on(
        LinkSpec::new(
            &n("vx"),
            LinkKind::Vxlan(VxlanSpec {
                id: 42 + p.len() as u32 * u32::from(p.as_bytes()[0]),
                port: Some(4789),
                ..VxlanSpec::default()
            }),
        ),
        n("vb").as_str(),
    )
    .set_master(n("br").as_str());
    t.create(LinkSpec::new(&n("tp"), LinkKind::Tap(TunSpec::default())));
    t.create(LinkSpec::new(&n("tu"), LinkKind::Tun(TunSpec::default())))
        .up()
        .add_ip("10.88.0.1/24".parse().unwrap());
    t.create(LinkSpec::new(&n("if"), LinkKind::Ifb));
    t.add_route_dev(
        RouteSpec::new("10.89.0.0/16".parse().unwrap()),
        n("tu").as_str(),
    );
}

#[test]
fn every_kind_in_one_transaction_and_its_rollback() {
    let ns = testns::require!("txn-kinds");
    populate(&ns);
    let mut txns = Txns::new(ipr(&ns));
    let mut t = Transaction::new();
    every_kind(&mut t, "a");
    txns.commit_txn(t).expect("commit");
    let links = ns.ip(&["-d", "link", "show"]);
    for (name, what) in [
        ("abr", "bridge"),
        ("ava@avb", "veth"),
        ("amv@avb", "macvlan mode bridge"),
        ("amt@avb", "macvtap mode vepa"),
        ("avx", "vxlan id 139"),
        ("atp", "tun type tap"),
        ("atu", "tun type tun"),
        ("aif", "ifb"),
    ] {
        let block: String = links
            .split("\n")
            .skip_while(|l| !l.contains(&format!(": {name}:")))
            .take(4)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            block.contains(what),
            "{name} should show {what:?}:\n{links}"
        );
    }
    assert!(ns.ip(&["link", "show", "avx"]).contains("master abr"));
    assert!(ns.ip(&["route", "show"]).contains("10.89.0.0/16 dev atu"));

    let before = ip_state(&ns);
    let mut t = Transaction::new();
    every_kind(&mut t, "b");
    t.add_route_dev(RouteSpec::new("10.89.0.0/16".parse().unwrap()), "btu"); // EEXIST: same key
    let e = txns.commit_txn(t).unwrap_err();
    assert_eq!(e.errno(), Some(libc::EEXIST), "{e}");
    assert!(e.applied >= 12, "{e}");
    assert!(e.rolled_back_cleanly(), "{e}");
    let after = ip_state(&ns);
    assert!(after == before, "{}", first_difference(&before, &after));
}
