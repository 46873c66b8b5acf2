//! Kernel tests of rule add/del, each in a fresh namespace, checked
//! against `ip -j rule show`.

mod change_common;

use change_common::{ipr, Json};
use ipdb::spec::{Family, RouteQuery, RouteSpec, RuleAction, RuleSpec};
use testns::TestNetns;

fn rule(ns: &TestNetns, v6: bool, prio: u64) -> Option<Json> {
    let out = ns.ip_json(&[if v6 { "-6" } else { "-4" }, "rule", "show"]);
    Json::parse(&out)
        .items()
        .iter()
        .find(|r| r.get("priority").as_u64() == Some(prio))
        .cloned()
}

#[test]
fn rules_with_every_selector_and_action() {
    let Some(ns) = TestNetns::new("chg-rule") else {
        return;
    };
    let mut ipr = ipr(&ns);

    let mark = RuleSpec {
        priority: Some(100),
        fwmark: Some(0x10),
        fwmask: Some(0xff),
        table: Some(100),
        ..RuleSpec::default()
    };
    let prefixes = RuleSpec {
        priority: Some(200),
        from: Some("10.1.0.0/24".parse().unwrap()),
        to: Some("10.2.0.0/16".parse().unwrap()),
        table: Some(100_000),
        ..RuleSpec::default()
    };
    let ifaces = RuleSpec {
        priority: Some(300),
        iif: Some("vb".into()),
        oif: Some("va".into()),
        table: Some(300),
        ..RuleSpec::default()
    };
    let goto = RuleSpec {
        priority: Some(500),
        goto: Some(600),
        ..RuleSpec::default()
    };
    let blackhole = RuleSpec {
        priority: Some(600),
        action: Some(RuleAction::Blackhole),
        ..RuleSpec::default()
    };
    let unreachable = RuleSpec {
        priority: Some(700),
        invert: true,
        fwmark: Some(7),
        action: Some(RuleAction::Unreachable),
        ..RuleSpec::default()
    };
    let v6 = RuleSpec {
        priority: Some(800),
        from: Some("2001:db8::/32".parse().unwrap()),
        action: Some(RuleAction::Prohibit),
        ..RuleSpec::default()
    };
    let nop_v6 = RuleSpec {
        family: Some(Family::V6),
        priority: Some(900),
        action: Some(RuleAction::Nop),
        ..RuleSpec::default()
    };
    for r in [
        &mark,
        &prefixes,
        &ifaces,
        &goto,
        &blackhole,
        &unreachable,
        &v6,
        &nop_v6,
    ] {
        ipr.rule_add(r).unwrap_or_else(|e| panic!("{r}: {e}"));
    }

    let j = rule(&ns, false, 100).unwrap();
    assert_eq!(j.get("fwmark").as_str(), Some("0x10"));
    assert_eq!(j.get("fwmask").as_str(), Some("0xff"));
    assert_eq!(j.get("table").as_str(), Some("100"));
    let j = rule(&ns, false, 200).unwrap();
    assert_eq!(j.get("src").as_str(), Some("10.1.0.0"));
    assert_eq!(j.get("srclen").as_u64(), Some(24));
    assert_eq!(j.get("dst").as_str(), Some("10.2.0.0"));
    assert_eq!(j.get("dstlen").as_u64(), Some(16));
    assert_eq!(j.get("table").as_str(), Some("100000"));
    let j = rule(&ns, false, 300).unwrap();
    assert_eq!(j.get("iif").as_str(), Some("vb"));
    assert_eq!(j.get("oif").as_str(), Some("va"));
    assert_eq!(
        rule(&ns, false, 500).unwrap().get("goto").as_u64(),
        Some(600)
    );
    assert_eq!(
        rule(&ns, false, 600).unwrap().get("action").as_str(),
        Some("blackhole")
    );
    let j = rule(&ns, false, 700).unwrap();
    assert_eq!(j.get("action").as_str(), Some("unreachable"));
    assert!(matches!(&j, Json::Obj(m) if m.contains_key("not")), "{j:?}");
    let j = rule(&ns, true, 800).unwrap();
    assert_eq!(j.get("src").as_str(), Some("2001:db8::"));
    assert_eq!(j.get("action").as_str(), Some("prohibit"));
    let j = rule(&ns, true, 900).unwrap();
    assert!(matches!(&j, Json::Obj(m) if m.contains_key("nop")), "{j:?}");
    assert!(rule(&ns, false, 900).is_none());

    let dup = ipr.rule_add(&mark).unwrap_err();
    assert_eq!(dup.errno(), Some(libc::EEXIST), "{dup}");
    assert!(
        dup.to_string()
            .starts_with("add rule pref 100 fwmark 0x10/0xff lookup 100: "),
        "{dup}"
    );

    // Delete by priority alone (unset fields match anything), and in full.
    ipr.rule_del(&RuleSpec {
        priority: Some(200),
        ..RuleSpec::default()
    })
    .unwrap();
    assert!(rule(&ns, false, 200).is_none());
    for r in [
        &mark,
        &ifaces,
        &goto,
        &blackhole,
        &unreachable,
        &v6,
        &nop_v6,
    ] {
        ipr.rule_del(r).unwrap_or_else(|e| panic!("{r}: {e}"));
    }
    let left = Json::parse(&ns.ip_json(&["-4", "rule", "show"]));
    assert_eq!(left.items().len(), 3, "local, main, default: {left:?}");
    let gone = ipr.rule_del(&mark).unwrap_err();
    assert_eq!(gone.errno(), Some(libc::ENOENT), "{gone}");

    // Refused before sending: from and to of different families.
    let mixed = RuleSpec {
        from: Some("10.0.0.0/8".parse().unwrap()),
        to: Some("2001:db8::/32".parse().unwrap()),
        ..RuleSpec::default()
    };
    assert_eq!(
        ipr.rule_add(&mixed).unwrap_err().errno(),
        Some(libc::EINVAL)
    );
}

#[test]
fn fwmark_rule_steers_route_get_to_its_table() {
    let Some(ns) = TestNetns::new("chg-rule-get") else {
        return;
    };
    ns.ip_batch("link add va type veth peer name vb\nlink set va up\nlink set vb up\naddr add 10.1.0.1/24 dev va\n");
    let mut ipr = ipr(&ns);
    let mut r = RouteSpec::new("0.0.0.0/0".parse().unwrap());
    r.gateway = Some("10.1.0.254".parse().unwrap());
    r.table = Some(4242);
    ipr.route_add(&r).unwrap();
    ipr.rule_add(&RuleSpec {
        priority: Some(10),
        fwmark: Some(0x42),
        table: Some(4242),
        ..RuleSpec::default()
    })
    .unwrap();
    let q = RouteQuery {
        mark: Some(0x42),
        ..RouteQuery::to("198.51.100.1".parse().unwrap())
    };
    let got = ipr.route_get(&q).unwrap();
    assert_eq!(got.table, 4242);
    assert_eq!(
        got.gateway.map(|g| g.to_string()).as_deref(),
        Some("10.1.0.254")
    );
    // Without the mark there is no route.
    let e = ipr
        .route_get(&RouteQuery::to("198.51.100.1".parse().unwrap()))
        .unwrap_err();
    assert_eq!(e.errno(), Some(libc::ENETUNREACH), "{e}");
}
