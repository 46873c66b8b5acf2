//! `ipdb show --json --netns NS` against `ip -j` (and `bridge -j fdb`) of
//! the same populated namespace, field by field: every key either side
//! prints must be printed by the other with the same value, except the
//! few listed where `ip` needs flags we do not mimic.

#[path = "../../ipdb/tests/dump_common/mod.rs"]
mod dump_common;

use std::process::Command;

use serde_json::{Map, Value};
use testns::TestNetns;

fn ipdb_json(ns: &TestNetns, kind: Option<&str>) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ipdb"));
    cmd.arg("show");
    if let Some(k) = kind {
        cmd.arg(k);
    }
    let out = cmd.args(["--json", "--netns", ns.name()]).output().unwrap();
    assert!(
        out.status.success(),
        "ipdb show: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ip_json(ns: &TestNetns, args: &[&str]) -> Vec<Value> {
    let text = ns.ip_json(args);
    match serde_json::from_str(&text).unwrap() {
        Value::Array(a) => a,
        other => panic!("ip -j {args:?}: not an array: {other}"),
    }
}

fn arr(v: &Value) -> Vec<Value> {
    v.as_array()
        .cloned()
        .unwrap_or_else(|| panic!("not an array: {v}"))
}

/// The differences between two objects, ignoring `skip` keys on both
/// sides; nested objects and arrays compare whole.
fn diff(ours: &Value, theirs: &Value, skip: &[&str]) -> Vec<String> {
    let empty = Map::new();
    let (a, b) = (
        ours.as_object().unwrap_or(&empty),
        theirs.as_object().unwrap_or(&empty),
    );
    let mut out = Vec::new();
    for (k, v) in a {
        if skip.contains(&k.as_str()) {
            continue;
        }
        match b.get(k) {
            Some(w) if w == v => {}
            Some(w) => out.push(format!("{k}: ours {v} ip {w}")),
            None => out.push(format!("{k}: ours {v}, ip has none")),
        }
    }
    for (k, w) in b {
        if !skip.contains(&k.as_str()) && !a.contains_key(k) {
            out.push(format!("{k}: ip {w}, ours has none"));
        }
    }
    out
}

/// Pairs up two lists by a key and reports every difference; entries on
/// one side only are differences too, unless `volatile` says the entry
/// may come and go between two dumps.
fn compare(
    what: &str,
    ours: &[Value],
    theirs: &[Value],
    key: impl Fn(&Value) -> String,
    skip: &[&str],
    volatile: impl Fn(&Value) -> bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for o in ours {
        match theirs.iter().find(|t| key(t) == key(o)) {
            Some(t) => problems.extend(
                diff(o, t, skip)
                    .into_iter()
                    .map(|d| format!("{what} {}: {d}", key(o))),
            ),
            None if volatile(o) => {}
            None => problems.push(format!("{what} {}: only in ours", key(o))),
        }
    }
    for t in theirs {
        if !volatile(t) && !ours.iter().any(|o| key(o) == key(t)) {
            problems.push(format!("{what} {}: only in ip's", key(t)));
        }
    }
    problems
}

fn s(v: &Value, k: &str) -> String {
    v.get(k).map(|x| x.to_string()).unwrap_or_default()
}

fn multicast(v: &Value, k: &str) -> bool {
    v.get(k)
        .and_then(Value::as_str)
        .and_then(|a| a.parse::<std::net::IpAddr>().ok())
        .is_some_and(|a| a.is_multicast())
}

fn learned_or_multicast_mac(v: &Value) -> bool {
    let mac = v.get("mac").and_then(Value::as_str).unwrap_or("00");
    let first = u8::from_str_radix(&mac[..2], 16).unwrap_or(0);
    let state = v.get("state").and_then(Value::as_str).unwrap_or("");
    first & 1 == 1 || !(state == "permanent" || state == "static")
}

fn assert_none(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// `ip -j -d link`'s keys for what we do not decode (tso/gro sizes, the
/// IPv6 address generation mode, bridge port details), and counters.
const LINK_SKIP: &[&str] = &[
    "inet6_addr_gen_mode",
    "tso_max_size",
    "tso_max_segs",
    "gro_max_size",
    "gso_ipv4_max_size",
    "gro_ipv4_max_size",
    "parentbus",
    "parentdev",
    "stats64",
    "linkinfo",
];

fn compare_links(ours: &[Value], theirs: &[Value]) -> Vec<String> {
    let mut problems = compare(
        "link",
        ours,
        theirs,
        |v| s(v, "ifname"),
        LINK_SKIP,
        |_| false,
    );
    for o in ours {
        let Some(t) = theirs.iter().find(|t| t["ifname"] == o["ifname"]) else {
            continue;
        };
        let (oi, ti) = (&o["linkinfo"], &t["linkinfo"]);
        for k in ["info_kind", "info_slave_kind"] {
            if oi.get(k) != ti.get(k) {
                problems.push(format!(
                    "link {}: linkinfo.{k} ours {:?} ip {:?}",
                    o["ifname"],
                    oi.get(k),
                    ti.get(k)
                ));
            }
        }
        // info_data: every key we decode must agree; ip prints more (bridge timers...).
        if let Some(od) = oi.get("info_data").and_then(Value::as_object) {
            let td = ti.get("info_data").cloned().unwrap_or(Value::Null);
            for (k, v) in od {
                if td.get(k) != Some(v) {
                    problems.push(format!(
                        "link {}: info_data.{k} ours {v} ip {:?}",
                        o["ifname"],
                        td.get(k)
                    ));
                }
            }
        } else if ti.get("info_data").is_some() && !matches!(oi["info_kind"].as_str(), Some("veth"))
        {
            problems.push(format!("link {}: ip has info_data, ours none", o["ifname"]));
        }
    }
    problems
}

#[test]
fn show_json_matches_ip_json_field_by_field() {
    let Some(ns) = dump_common::populated("showjson") else {
        return;
    };
    let all = ipdb_json(&ns, None);
    let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "addresses",
            "links",
            "neighbours",
            "nexthops",
            "routes",
            "rules"
        ]
    );

    let mut problems = Vec::new();

    // Links, with the kinds we decode checked inside linkinfo.info_data.
    let links = arr(&all["links"]);
    problems.extend(compare_links(
        &links,
        &ip_json(&ns, &["-d", "link", "show"]),
    ));
    for (name, kind) in [
        ("br0", "bridge"),
        ("mv0", "macvlan"),
        ("mt0", "macvtap"),
        ("vx0", "vxlan"),
        ("tp0", "tun"),
        ("tn0", "tun"),
    ] {
        let l = links.iter().find(|l| l["ifname"] == name).unwrap();
        assert_eq!(l["linkinfo"]["info_kind"], kind);
        assert!(
            l["linkinfo"]["info_data"]
                .as_object()
                .is_some_and(|d| !d.is_empty()),
            "{l}"
        );
    }

    // Addresses: ours flat, ip's nested in links.
    let flat: Vec<Value> = ip_json(&ns, &["addr"])
        .into_iter()
        .flat_map(|l| {
            arr(&l["addr_info"]).into_iter().map(move |mut a| {
                a["ifindex"] = l["ifindex"].clone();
                a["ifname"] = l["ifname"].clone();
                a
            })
        })
        .collect();
    let addr_key =
        |v: &Value| format!("{} {}/{}", s(v, "ifname"), s(v, "local"), s(v, "prefixlen"));
    problems.extend(compare(
        "address",
        &arr(&all["addresses"]),
        &flat,
        addr_key,
        &[],
        |_| false,
    ));

    // Routes of every table, both families. A database keeps no dump
    // order, so routes pair up by what identifies them.
    let mut theirs = Vec::new();
    for (fam, flag) in [("inet", "-4"), ("inet6", "-6")] {
        for mut r in ip_json(&ns, &[flag, "route", "show", "table", "all"]) {
            r["family"] = fam.into();
            theirs.push(r);
        }
    }
    let ours = arr(&all["routes"]);
    assert_eq!(ours.len(), theirs.len(), "route counts");
    let rkey = |v: &Value| {
        [
            "family", "table", "type", "dst", "tos", "metric", "dev", "gateway", "via", "nexthops",
        ]
        .map(|k| s(v, k))
        .join(" ")
    };
    problems.extend(compare("route", &ours, &theirs, rkey, &[], |_| false));

    // Neighbours in every state, but for those the database leaves out by
    // rule (`ipdb::db::kept_neighbour`): the kernel's own NOARP entries for
    // multicast and broadcast destinations, which come and go unannounced.
    let broadcasts: Vec<Value> = flat
        .iter()
        .filter_map(|a| a.get("broadcast").cloned())
        .chain([Value::from("255.255.255.255")])
        .collect();
    let kernel_made = |v: &Value| {
        let noarp = v
            .get("state")
            .and_then(Value::as_array)
            .is_some_and(|st| st.iter().any(|x| x == "NOARP"));
        let broadcast = v.get("dst").is_some_and(|d| broadcasts.contains(d));
        noarp && (multicast(v, "dst") || broadcast)
    };
    let neigh = arr(&all["neighbours"]);
    let (fdb, ipn): (Vec<Value>, Vec<Value>) =
        neigh.into_iter().partition(|n| n["family"] == "bridge");
    let nkey = |v: &Value| format!("{} dev {}", s(v, "dst"), s(v, "dev"));
    assert!(
        !ipn.iter().any(kernel_made),
        "the database keeps no kernel-made entry"
    );
    problems.extend(compare(
        "neigh",
        &ipn,
        &ip_json(&ns, &["neigh", "show", "nud", "all"]),
        nkey,
        &["family"],
        kernel_made,
    ));
    let bridge: Vec<Value> =
        match serde_json::from_str(&ns.exec(&["bridge", "-j", "fdb", "show"])).unwrap() {
            Value::Array(a) => a,
            other => panic!("bridge -j fdb: {other}"),
        };
    let fkey = |v: &Value| format!("{} dev {} dst {}", s(v, "mac"), s(v, "ifname"), s(v, "dst"));
    problems.extend(compare(
        "fdb",
        &fdb,
        &bridge,
        fkey,
        &["family"],
        learned_or_multicast_mac,
    ));

    // Rules of both families, in order.
    let rules = arr(&all["rules"]);
    for (fam, args) in [("inet", &["rule"][..]), ("inet6", &["-6", "rule"][..])] {
        let ours: Vec<Value> = rules
            .iter()
            .filter(|r| r["family"] == fam)
            .cloned()
            .collect();
        let theirs = ip_json(&ns, args);
        assert_eq!(ours.len(), theirs.len(), "{fam} rule counts");
        for (o, t) in ours.iter().zip(&theirs) {
            problems.extend(
                diff(o, t, &["family"])
                    .into_iter()
                    .map(|d| format!("{fam} rule {}: {d}", s(o, "priority"))),
            );
        }
    }

    // Nexthop objects.
    let nhs = arr(&all["nexthops"]);
    problems.extend(compare(
        "nexthop",
        &nhs,
        &ip_json(&ns, &["nexthop"]),
        |v| s(v, "id"),
        &[],
        |_| false,
    ));
    assert_eq!(nhs.len(), 5);

    assert_none(problems);
}

#[test]
fn show_kinds_match_ip_shapes() {
    let Some(ns) = dump_common::populated("showkinds") else {
        return;
    };
    // `show addrs --json` has `ip -j addr`'s shape: links with addr_info.
    let ours = arr(&ipdb_json(&ns, Some("addrs")));
    let theirs = ip_json(&ns, &["addr"]);
    assert_none(compare(
        "addr link",
        &ours,
        &theirs,
        |v| s(v, "ifname"),
        &[],
        |_| false,
    ));
    // Single kinds are the arrays of the full object.
    let all = ipdb_json(&ns, None);
    assert_eq!(ipdb_json(&ns, Some("rules")), all["rules"]);
    assert_eq!(ipdb_json(&ns, Some("nexthops")), all["nexthops"]);
    assert_eq!(ipdb_json(&ns, Some("routes")), all["routes"]);
    let links = arr(&ipdb_json(&ns, Some("links")));
    assert_none(compare_links(
        &links,
        &ip_json(&ns, &["-d", "link", "show"]),
    ));
}

#[test]
fn show_human_and_errors() {
    let Some(ns) = dump_common::populated("showhuman") else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_ipdb"))
        .args(["show", "routes", "--netns", ns.name()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l == "default via 10.1.0.254 dev vb"),
        "{text}"
    );
    assert!(
        text.contains("unreachable 10.67.0.0/16 table 1000"),
        "{text}"
    );
    assert!(
        text.contains("\tnexthop via 10.1.0.253 dev vb weight 2"),
        "{text}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_ipdb"))
        .args(["show", "--netns", "ipdb-no-such-ns"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ipdb-no-such-ns") && err.contains("No such file"),
        "{err}"
    );
}
