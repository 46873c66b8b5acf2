//! Shared by the `change_*` kernel tests: a namespace with an `IpRoute`
//! on it, and a small JSON reader for `ip -j` output, so that what a test
//! checks is the kernel's state as `ip(8)` reports it, field by field.

#![allow(dead_code)]

use std::collections::BTreeMap;

use ipdb::IpRoute;
use testns::TestNetns;

/// Opens an `IpRoute` on the test namespace.
pub fn ipr(ns: &TestNetns) -> IpRoute {
    IpRoute::open_in_netns(ns.path()).expect("open IpRoute in the test namespace")
}

/// A JSON value as `ip -j` prints them.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    /// Parses `text`; panics with the position on malformed input.
    pub fn parse(text: &str) -> Json {
        let b = text.as_bytes();
        let mut pos = 0;
        let v = value(b, &mut pos);
        skip_ws(b, &mut pos);
        assert_eq!(pos, b.len(), "trailing bytes in JSON at {pos}: {text}");
        v
    }

    /// Member `key` of an object (`Null` when missing or not an object).
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m.get(key).unwrap_or(&Json::Null),
            _ => &Json::Null,
        }
    }

    /// Element `i` of an array (`Null` when missing).
    pub fn at(&self, i: usize) -> &Json {
        match self {
            Json::Arr(a) => a.get(i).unwrap_or(&Json::Null),
            _ => &Json::Null,
        }
    }

    /// The elements of an array (empty for anything else).
    pub fn items(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Num(n) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as u64),
            _ => None,
        }
    }

    /// Whether an array holds the string `s` (e.g. a flags list).
    pub fn has_str(&self, s: &str) -> bool {
        self.items().iter().any(|i| i.as_str() == Some(s))
    }
}

fn skip_ws(b: &[u8], pos: &mut usize) {
    while *pos < b.len() && b[*pos].is_ascii_whitespace() {
        *pos += 1;
    }
}

fn value(b: &[u8], pos: &mut usize) -> Json {
    skip_ws(b, pos);
    let c = *b
        .get(*pos)
        .unwrap_or_else(|| panic!("JSON ends early at {pos}"));
    match c {
        b'{' => {
            *pos += 1;
            let mut m = BTreeMap::new();
            loop {
                skip_ws(b, pos);
                if b[*pos] == b'}' {
                    *pos += 1;
                    return Json::Obj(m);
                }
                let k = match value(b, pos) {
                    Json::Str(s) => s,
                    other => panic!("JSON key is not a string at {pos}: {other:?}"),
                };
                skip_ws(b, pos);
                assert_eq!(b[*pos], b':', "expected ':' at {pos}");
                *pos += 1;
                m.insert(k, value(b, pos));
                skip_ws(b, pos);
                if b[*pos] == b',' {
                    *pos += 1;
                }
            }
        }
        b'[' => {
            *pos += 1;
            let mut a = Vec::new();
            loop {
                skip_ws(b, pos);
                if b[*pos] == b']' {
                    *pos += 1;
                    return Json::Arr(a);
                }
                a.push(value(b, pos));
                skip_ws(b, pos);
                if b[*pos] == b',' {
                    *pos += 1;
                }
            }
        }
        b'"' => {
            *pos += 1;
            let mut s = Vec::new();
            while b[*pos] != b'"' {
                if b[*pos] == b'\\' {
                    *pos += 1;
                    match b[*pos] {
                        b'n' => s.push(b'\n'),
                        b't' => s.push(b'\t'),
                        b'u' => {
                            let hex = std::str::from_utf8(&b[*pos + 1..*pos + 5]).unwrap();
                            let c = char::from_u32(u32::from_str_radix(hex, 16).unwrap())
                                .unwrap_or('?');
                            s.extend_from_slice(c.to_string().as_bytes());
                            *pos += 4;
                        }
                        other => s.push(other),
                    }
                } else {
                    s.push(b[*pos]);
                }
                *pos += 1;
            }
            *pos += 1;
            Json::Str(String::from_utf8_lossy(&s).into_owned())
        }
        b't' if b[*pos..].starts_with(b"true") => {
            *pos += 4;
            Json::Bool(true)
        }
        b'f' if b[*pos..].starts_with(b"false") => {
            *pos += 5;
            Json::Bool(false)
        }
        b'n' if b[*pos..].starts_with(b"null") => {
            *pos += 4;
            Json::Null
        }
        _ => {
            let start = *pos;
            while *pos < b.len()
                && matches!(b[*pos], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            {
                *pos += 1;
            }
            let t = std::str::from_utf8(&b[start..*pos]).unwrap();
            Json::Num(
                t.parse()
                    .unwrap_or_else(|_| panic!("bad JSON number {t:?} at {start}")),
            )
        }
    }
}

/// `ip -j -d link show dev NAME`, the one link.
pub fn link_json(ns: &TestNetns, name: &str) -> Json {
    Json::parse(&ns.ip_json(&["-d", "link", "show", "dev", name]))
        .at(0)
        .clone()
}

/// Index of the link `name`, from `ip`.
pub fn index_of(ns: &TestNetns, name: &str) -> u32 {
    link_json(ns, name)
        .get("ifindex")
        .as_u64()
        .expect("ifindex") as u32
}

/// `ip -j ARGS`, parsed.
pub fn json(ns: &TestNetns, args: &[&str]) -> Json {
    Json::parse(&ns.ip_json(args))
}
