//! The human view of `show`: one line per object, `ip`-like words, built
//! from the same JSON values as `--json` (so names are spelled in one
//! place).

use serde_json::Value;

/// `word value` pairs for the keys of `v` that are present, in `spec`
/// order; a key with an empty word prints its value alone, a `true` or
/// `null` value prints the word alone, arrays print comma-joined.
pub fn words(v: &Value, spec: &[(&str, &str)]) -> String {
    let mut out: Vec<String> = Vec::new();
    for (key, word) in spec {
        let Some(x) = v.get(*key) else { continue };
        let value = match x {
            Value::Null | Value::Bool(true) => {
                out.push(word.to_string());
                continue;
            }
            Value::Bool(false) => continue,
            Value::Array(a) if a.is_empty() => continue,
            Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(","),
            other => scalar(other),
        };
        if word.is_empty() {
            out.push(value);
        } else {
            out.push(format!("{word} {value}"));
        }
    }
    out.join(" ")
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => o.values().map(scalar).collect::<Vec<_>>().join("/"),
        other => other.to_string(),
    }
}

/// `ip -br link`-like line.
pub fn link(v: &Value) -> String {
    let name = match v.get("link").and_then(Value::as_str) {
        Some(parent) => format!("{}@{parent}", str_of(v, "ifname")),
        None => str_of(v, "ifname"),
    };
    let kind = v
        .pointer("/linkinfo/info_kind")
        .and_then(Value::as_str)
        .unwrap_or("-");
    format!(
        "{:>4}: {:<16} {:<8} {:<14} {}",
        v.get("ifindex").map(scalar).unwrap_or_default(),
        name,
        kind,
        str_of(v, "operstate"),
        words(
            v,
            &[
                ("flags", ""),
                ("mtu", "mtu"),
                ("address", "lladdr"),
                ("master", "master"),
                ("ifalias", "alias")
            ]
        )
    )
}

/// An address line: `ifname family local/prefixlen ...`.
pub fn address(v: &Value) -> String {
    format!(
        "{:<16} {:<6} {}/{} {}",
        str_of(v, "ifname"),
        str_of(v, "family"),
        str_of(v, "local"),
        v.get("prefixlen").map(scalar).unwrap_or_default(),
        words(
            v,
            &[
                ("address", "peer"),
                ("broadcast", "brd"),
                ("scope", "scope"),
                ("secondary", "secondary"),
                ("temporary", "temporary"),
                ("dynamic", "dynamic"),
                ("nodad", "nodad"),
                ("tentative", "tentative"),
                ("deprecated", "deprecated"),
                ("noprefixroute", "noprefixroute"),
                ("label", "label"),
            ]
        )
    )
}

/// An `ip route`-like line (with one indented line per multipath hop).
pub fn route(v: &Value) -> String {
    let mut line = words(
        v,
        &[
            ("type", ""),
            ("dst", ""),
            ("from", "from"),
            ("nhid", "nhid"),
            ("gateway", "via"),
            ("dev", "dev"),
            ("iif", "iif"),
            ("table", "table"),
            ("protocol", "proto"),
            ("scope", "scope"),
            ("prefsrc", "src"),
            ("metric", "metric"),
            ("flags", ""),
            ("pref", "pref"),
        ],
    );
    if let Some(m) = v
        .get("metrics")
        .and_then(|m| m.get(0))
        .and_then(Value::as_object)
    {
        for (k, x) in m {
            line.push_str(&format!(" {k} {}", scalar(x)));
        }
    }
    if let Some(hops) = v.get("nexthops").and_then(Value::as_array) {
        for h in hops {
            line.push_str("\n\tnexthop ");
            line.push_str(&words(
                h,
                &[
                    ("gateway", "via"),
                    ("dev", "dev"),
                    ("weight", "weight"),
                    ("flags", ""),
                ],
            ));
        }
    }
    line
}

/// An `ip neigh`-like line, or a `bridge fdb`-like one for FDB entries.
pub fn neighbour(v: &Value) -> String {
    if v.get("family").and_then(Value::as_str) == Some("bridge") {
        words(
            v,
            &[
                ("mac", ""),
                ("ifname", "dev"),
                ("dst", "dst"),
                ("vlan", "vlan"),
                ("vni", "vni"),
                ("flags", ""),
                ("master", "master"),
                ("state", ""),
            ],
        )
    } else {
        words(
            v,
            &[
                ("dst", ""),
                ("dev", "dev"),
                ("lladdr", "lladdr"),
                ("router", "router"),
                ("extern_learn", "extern_learn"),
                ("state", ""),
            ],
        )
    }
}

/// An `ip rule`-like line.
pub fn rule(v: &Value) -> String {
    let src = match (v.get("src").and_then(Value::as_str), v.get("srclen")) {
        (Some(s), Some(len)) => format!("{s}/{}", scalar(len)),
        (Some(s), None) => s.to_string(),
        (None, _) => "all".to_string(),
    };
    let mut line = format!("{}:\t", v.get("priority").map(scalar).unwrap_or_default());
    if v.get("not").is_some() {
        line.push_str("not ");
    }
    line.push_str(&format!("from {src}"));
    if let Some(d) = v.get("dst").and_then(Value::as_str) {
        match v.get("dstlen") {
            Some(len) => line.push_str(&format!(" to {d}/{}", scalar(len))),
            None => line.push_str(&format!(" to {d}")),
        }
    }
    let mark = match (v.get("fwmark"), v.get("fwmask")) {
        (Some(m), Some(k)) => format!(" fwmark {}/{}", scalar(m), scalar(k)),
        (Some(m), None) => format!(" fwmark {}", scalar(m)),
        _ => String::new(),
    };
    line.push_str(&mark);
    // `ip rule` prints ranges as start-end; the JSON splits them.
    let mut v = v.clone();
    for (key, start, end) in [
        ("uidrange", "uid_start", "uid_end"),
        ("sport", "sport_start", "sport_end"),
        ("dport", "dport_start", "dport_end"),
    ] {
        if let (Some(a), Some(b)) = (v.get(start), v.get(end)) {
            v[key] = Value::String(format!("{}-{}", scalar(a), scalar(b)));
        }
    }
    let rest = words(
        &v,
        &[
            ("iif", "iif"),
            ("oif", "oif"),
            ("tos", "tos"),
            ("uidrange", "uidrange"),
            ("ipproto", "ipproto"),
            ("sport", "sport"),
            ("dport", "dport"),
            ("table", "lookup"),
            ("suppress_prefixlen", "suppress_prefixlength"),
            ("goto", "goto"),
            ("nop", "nop"),
            ("action", ""),
            ("protocol", "proto"),
        ],
    );
    if !rest.is_empty() {
        line.push(' ');
        line.push_str(&rest);
    }
    line
}

/// An `ip nexthop`-like line.
pub fn nexthop(v: &Value) -> String {
    let mut line = format!("id {}", v.get("id").map(scalar).unwrap_or_default());
    if let Some(g) = v.get("group").and_then(Value::as_array) {
        let members: Vec<String> = g
            .iter()
            .map(|m| match m.get("weight") {
                Some(w) => format!("{},{}", scalar(&m["id"]), scalar(w)),
                None => scalar(&m["id"]),
            })
            .collect();
        line.push_str(&format!(" group {}", members.join("/")));
    }
    let rest = words(
        v,
        &[
            ("type", "type"),
            ("blackhole", "blackhole"),
            ("gateway", "via"),
            ("dev", "dev"),
            ("scope", "scope"),
            ("protocol", "proto"),
            ("flags", ""),
            ("fdb", "fdb"),
        ],
    );
    if !rest.is_empty() {
        line.push(' ');
        line.push_str(&rest);
    }
    line
}

fn str_of(v: &Value, key: &str) -> String {
    v.get(key).map(scalar).unwrap_or_default()
}
