//! Self-check of the address half against the shared CPython conformance
//! sample (`/work/shared/conformance/ipaddress/sample.jsonl.gz`, or the file
//! named by `IPDB_IPADDRESS_SAMPLE`). Covers the address ops only; the full
//! driver is the CLI's `ipdb calc --batch`.
//!
//! Also runs over the repo's larger generated corpus. Files are read
//! through `zcat`; when one (or `zcat`) is missing the test says so and
//! passes, unless `IPDB_REQUIRE_SAMPLE=1`.

use std::fmt::Write as _;
use std::process::Command;

use ipdb_core::ip::{
    v4_int_to_packed, v6_int_to_packed, IpAddress, Ipv4Address, Ipv6Address, ScopeId,
};

// ---- a minimal JSON reader (the core may not depend on serde_json) ----

#[derive(Clone, Debug, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn get(&self, k: &str) -> Option<&J> {
        match self {
            J::Obj(v) => v.iter().find(|(key, _)| key == k).map(|(_, v)| v),
            _ => None,
        }
    }
    fn str(&self) -> &str {
        match self {
            J::Str(s) => s,
            _ => panic!("not a string: {:?}", self),
        }
    }
    /// An integer argument, as (negative, magnitude) or None when wider than u128.
    fn int(&self) -> Option<(bool, u128)> {
        let t = match self {
            J::Num(t) | J::Str(t) => t.as_str(),
            _ => panic!("not an int: {:?}", self),
        };
        let (neg, digits) = match t.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, t),
        };
        digits.parse::<u128>().ok().map(|m| (neg && m != 0, m))
    }
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn value(&mut self) -> J {
        self.ws();
        match self.b[self.i] {
            b'n' => {
                self.i += 4;
                J::Null
            }
            b't' => {
                self.i += 4;
                J::Bool(true)
            }
            b'f' => {
                self.i += 5;
                J::Bool(false)
            }
            b'"' => J::Str(self.string()),
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    self.ws();
                    if self.b[self.i] == b']' {
                        self.i += 1;
                        return J::Arr(v);
                    }
                    v.push(self.value());
                    self.ws();
                    if self.b[self.i] == b',' {
                        self.i += 1;
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    self.ws();
                    if self.b[self.i] == b'}' {
                        self.i += 1;
                        return J::Obj(v);
                    }
                    let k = self.string();
                    self.ws();
                    self.i += 1; // ':'
                    let val = self.value();
                    v.push((k, val));
                    self.ws();
                    if self.b[self.i] == b',' {
                        self.i += 1;
                    }
                }
            }
            _ => {
                let s = self.i;
                while self.i < self.b.len()
                    && matches!(
                        self.b[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                J::Num(String::from_utf8(self.b[s..self.i].to_vec()).unwrap())
            }
        }
    }
    fn hex4(&mut self) -> u32 {
        let h = std::str::from_utf8(&self.b[self.i..self.i + 4]).unwrap();
        self.i += 4;
        u32::from_str_radix(h, 16).unwrap()
    }
    fn string(&mut self) -> String {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = self.b[self.i];
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).unwrap(),
                b'\\' => {
                    let e = self.b[self.i];
                    self.i += 1;
                    let ch = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let mut u = self.hex4();
                            if (0xd800..0xdc00).contains(&u) {
                                self.i += 2; // \u
                                let lo = self.hex4();
                                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                            }
                            char::from_u32(u).unwrap_or('\u{fffd}')
                        }
                        other => other as char,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
    }
}

fn parse_json(line: &str) -> J {
    P {
        b: line.as_bytes(),
        i: 0,
    }
    .value()
}

// ---- our answers, shaped like the sample ----

fn s(v: impl std::fmt::Display) -> J {
    J::Str(v.to_string())
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> J {
    v.map(s).unwrap_or(J::Null)
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut o, x| {
        let _ = write!(o, "{:02x}", x);
        o
    })
}

fn address_dict(a: &IpAddress) -> J {
    let mut packed = [0u8; 16];
    let v6 = |f: fn(&Ipv6Address) -> J| match a {
        IpAddress::V6(x) => f(x),
        IpAddress::V4(_) => J::Null,
    };
    J::Obj(vec![
        ("version".into(), J::Num(a.version().to_string())),
        ("compressed".into(), s(a)),
        ("exploded".into(), s(a.exploded())),
        ("packed_hex".into(), J::Str(hex(a.packed(&mut packed)))),
        ("int".into(), J::Num(a.to_bits().to_string())),
        ("reverse_pointer".into(), s(a.reverse_pointer())),
        ("is_multicast".into(), J::Bool(a.is_multicast())),
        ("is_private".into(), J::Bool(a.is_private())),
        ("is_global".into(), J::Bool(a.is_global())),
        ("is_unspecified".into(), J::Bool(a.is_unspecified())),
        ("is_reserved".into(), J::Bool(a.is_reserved())),
        ("is_loopback".into(), J::Bool(a.is_loopback())),
        ("is_link_local".into(), J::Bool(a.is_link_local())),
        (
            "is_site_local".into(),
            a.is_site_local().map(J::Bool).unwrap_or(J::Null),
        ),
        ("ipv4_mapped".into(), opt(a.ipv4_mapped())),
        ("sixtofour".into(), opt(a.sixtofour())),
        (
            "teredo".into(),
            v6(|x| {
                x.teredo()
                    .map(|(a, b)| J::Arr(vec![s(a), s(b)]))
                    .unwrap_or(J::Null)
            }),
        ),
        ("scope_id".into(), opt(a.scope_id())),
        ("ipv6_mapped".into(), opt(a.ipv6_mapped())),
    ])
}

/// Integers in results may be numbers or decimal strings: compare as text.
fn same(expected: &J, got: &J) -> bool {
    match (expected, got) {
        (J::Num(a) | J::Str(a), J::Num(b)) => a == b,
        (J::Obj(e), J::Obj(_)) => e
            .iter()
            .all(|(k, v)| got.get(k).is_some_and(|g| same(v, g))),
        (J::Arr(e), J::Arr(g)) => e.len() == g.len() && e.iter().zip(g).all(|(a, b)| same(a, b)),
        _ => expected == got,
    }
}

/// Run one case: Ok(result) or Err(python class); None when the op is not ours.
fn run(op: &str, args: &[J]) -> Option<Result<J, &'static str>> {
    let r: Result<J, &'static str> = match op {
        "address" => IpAddress::parse(args[0].str())
            .map(|a| address_dict(&a))
            .map_err(|e| e.python_class()),
        "ipv4_address" => Ipv4Address::parse(args[0].str())
            .map(|a| address_dict(&a.into()))
            .map_err(|e| e.python_class()),
        "ipv6_address" => Ipv6Address::parse(args[0].str())
            .map(|a| address_dict(&a.into()))
            .map_err(|e| e.python_class()),
        "address_from_int" => {
            let v = match &args[0] {
                J::Num(v) => v.parse::<u8>().unwrap(),
                other => panic!("{:?}", other),
            };
            match args[1].int() {
                Some((false, m)) => match v {
                    4 => u32::try_from(m)
                        .map(|x| IpAddress::V4(x.into()))
                        .map_err(|_| "AddressValueError"),
                    6 => Ok(IpAddress::V6(m.into())),
                    _ => Ok(IpAddress::from_int(m)),
                }
                .map(|a| address_dict(&a)),
                _ => Err(if v == 0 {
                    "ValueError"
                } else {
                    "AddressValueError"
                }),
            }
        }
        "address_add" | "address_sub" => {
            let a = IpAddress::parse(args[0].str());
            match (a, args[1].int()) {
                (Err(e), _) => Err(e.python_class()),
                (Ok(_), None) => Err("AddressValueError"),
                (Ok(a), Some((neg, m))) => {
                    let neg = if op == "address_sub" {
                        !neg && m != 0
                    } else {
                        neg
                    };
                    a.checked_offset(neg, m)
                        .map(s)
                        .map_err(|e| e.python_class())
                }
            }
        }
        "compare_addresses" => {
            let (a, b) = (
                IpAddress::parse(args[0].str()),
                IpAddress::parse(args[1].str()),
            );
            match (a, b) {
                (Err(e), _) | (_, Err(e)) => Err(e.python_class()),
                (Ok(a), Ok(b)) if a.version() != b.version() => Err("TypeError"),
                (Ok(a), Ok(b)) => {
                    // CPython: __lt__ compares the integers only, __eq__
                    // includes the scope, total_ordering derives __gt__.
                    let lt = a.to_bits() < b.to_bits();
                    let eq = a == b;
                    Ok(J::Obj(vec![
                        ("lt".into(), J::Bool(lt)),
                        ("eq".into(), J::Bool(eq)),
                        ("gt".into(), J::Bool(!lt && !eq)),
                    ]))
                }
            }
        }
        "address_format" => match IpAddress::parse(args[0].str()) {
            Err(e) => Err(e.python_class()),
            Ok(a) => {
                let mut out = String::new();
                a.format_spec(args[1].str(), &mut out)
                    .map(|_| J::Str(out))
                    .map_err(|e| e.python_class())
            }
        },
        "v4_int_to_packed" => match args[0].int() {
            Some((false, m)) => v4_int_to_packed(m)
                .map(|b| J::Str(hex(&b)))
                .map_err(|e| e.python_class()),
            _ => Err("ValueError"),
        },
        "v6_int_to_packed" => match args[0].int() {
            Some((false, m)) => v6_int_to_packed(m)
                .map(|b| J::Str(hex(&b)))
                .map_err(|e| e.python_class()),
            _ => Err("ValueError"),
        },
        _ => return None,
    };
    Some(r)
}

/// Scope ids longer than `ScopeId::CAPACITY` are a documented limit of
/// this crate (CPython has none): such cases are counted, not failed.
fn beyond_scope_capacity(args: &[J]) -> bool {
    args.iter().any(|a| match a {
        J::Str(t) => t
            .split_once('%')
            .is_some_and(|(_, scope)| scope.len() > ScopeId::CAPACITY),
        _ => false,
    })
}

fn check_corpus(path: &str) -> Option<(usize, usize)> {
    let required = std::env::var("IPDB_REQUIRE_SAMPLE").as_deref() == Ok("1");
    let out = match Command::new("zcat").arg(path).output() {
        Ok(o) if o.status.success() => o.stdout,
        other => {
            assert!(
                !required,
                "cannot read {}: {:?}",
                path,
                other.map(|o| o.status)
            );
            eprintln!("SKIPPED: cannot read the conformance corpus {}", path);
            return None;
        }
    };
    let text = String::from_utf8(out).unwrap();
    let (mut checked, mut deviations, mut failed) = (0, 0, Vec::new());
    for line in text.lines() {
        let case = parse_json(line);
        let op = case.get("op").unwrap().str();
        let J::Arr(args) = case.get("args").unwrap() else {
            panic!()
        };
        let Some(got) = run(op, args) else { continue };
        if beyond_scope_capacity(args) {
            deviations += 1;
            continue;
        }
        checked += 1;
        let ok = match (case.get("ok"), case.get("err"), &got) {
            (Some(exp), _, Ok(g)) => same(exp, g),
            (_, Some(J::Str(exp)), Err(g)) => exp == g,
            _ => false,
        };
        if !ok {
            failed.push(format!("{}\n    got: {:?}", line, got));
        }
    }
    eprintln!(
        "{}: checked {} address cases, {} failed, {} skipped (scope id > {} bytes)",
        path,
        checked,
        failed.len(),
        deviations,
        ScopeId::CAPACITY
    );
    for f in failed.iter().take(25) {
        eprintln!("{}", f);
    }
    assert!(
        checked > 1000,
        "only {} address cases found in {}",
        checked,
        path
    );
    assert!(
        failed.is_empty(),
        "{} of {} address cases in {} differ from CPython",
        failed.len(),
        checked,
        path
    );
    Some((checked, deviations))
}

/// The shared sample (generated by CPython main), or `IPDB_IPADDRESS_SAMPLE`.
#[test]
fn address_ops_match_cpython_sample() {
    let path = std::env::var("IPDB_IPADDRESS_SAMPLE")
        .unwrap_or_else(|_| "/work/shared/conformance/ipaddress/sample.jsonl.gz".into());
    check_corpus(&path);
}

/// Our larger generated corpus (conformance/generated.jsonl.gz in the repo).
#[test]
fn address_ops_match_generated_corpus() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../conformance/generated.jsonl.gz"
    );
    check_corpus(path);
}
