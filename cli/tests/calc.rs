//! `ipdb calc` as a user runs it: the human view, `--json`, `--strict`, and
//! bad input.

use std::process::{Command, Output};

use serde_json::Value;

fn ipdb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ipdb"))
        .args(args)
        .output()
        .expect("run ipdb")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// `key: value` lines of the human view, keys trimmed.
fn human_lines(o: &Output) -> Vec<(String, String)> {
    stdout(o)
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim_end().to_string(), v.to_string()))
        .collect()
}

fn value_of<'a>(lines: &'a [(String, String)], key: &str) -> &'a str {
    lines
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key:?}"))
}

#[test]
fn address_human_view_is_aligned() {
    let o = ipdb(&["calc", "192.0.2.1"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let colons: Vec<usize> = text
        .lines()
        .map(|l| l.find(": ").expect("key: value"))
        .collect();
    assert!(
        colons.windows(2).all(|w| w[0] == w[1]),
        "not aligned:\n{text}"
    );
    let lines = human_lines(&o);
    assert_eq!(value_of(&lines, "kind"), "address");
    assert_eq!(value_of(&lines, "int"), "3221225985");
    assert_eq!(
        value_of(&lines, "reverse_pointer"),
        "1.2.0.192.in-addr.arpa"
    );
    assert_eq!(value_of(&lines, "is_private"), "true");
    assert_eq!(value_of(&lines, "ipv6_mapped"), "::ffff:192.0.2.1");
    assert_eq!(value_of(&lines, "scope_id"), "-");
}

#[test]
fn network_shows_hosts_range() {
    let lines = human_lines(&ipdb(&["calc", "192.168.10.0/30"]));
    assert_eq!(value_of(&lines, "kind"), "network");
    assert_eq!(value_of(&lines, "num_addresses"), "4");
    assert_eq!(value_of(&lines, "first_host"), "192.168.10.1");
    assert_eq!(value_of(&lines, "last_host"), "192.168.10.2");
    assert_eq!(value_of(&lines, "hosts"), "192.168.10.1 - 192.168.10.2");
    assert_eq!(value_of(&lines, "hosts_count"), "2");
    assert_eq!(
        value_of(&lines, "with_netmask"),
        "192.168.10.0/255.255.255.252"
    );
}

#[test]
fn host_bits_make_an_interface_unless_strict() {
    let o = ipdb(&["calc", "10.1.2.3/8"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(
        text.contains("[interface]") && text.contains("[network]"),
        "{text}"
    );
    let lines = human_lines(&o);
    assert_eq!(value_of(&lines, "ip"), "10.1.2.3");
    assert_eq!(value_of(&lines, "network_address"), "10.0.0.0");

    let strict = ipdb(&["calc", "--strict", "10.1.2.3/8"]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(strict.stdout.is_empty());
    assert!(String::from_utf8(strict.stderr)
        .unwrap()
        .contains("host bits"));
}

#[test]
fn json_is_one_object_with_big_ints_as_strings() {
    let o = ipdb(&["calc", "--json", "2001:db8::/32"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert_eq!(text.lines().count(), 1);
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["kind"], "network");
    let n = &v["network"];
    assert_eq!(n["prefixlen"], 32);
    assert_eq!(n["num_addresses"], "79228162514264337593543950336");
    assert_eq!(n["is_private"], true);
    assert_eq!(n["hosts_first3"][0], "2001:db8::1");
    assert_eq!(n["last_host"], "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");

    let i: Value =
        serde_json::from_str(&stdout(&ipdb(&["calc", "--json", "fe80::1%eth0/64"]))).unwrap();
    assert_eq!(i["kind"], "interface");
    assert_eq!(i["interface"]["scope_id"], "eth0");
    assert_eq!(i["network"]["compressed"], "fe80::/64");
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    for (input, needle) in [
        ("1.2.3.04", "leading zero"),
        ("10.0.0.0/33", "33"),
        ("", "'':"),
        ("fe80::1%", "fe80::1%"),
        ("1.2.3.4 ", "'1.2.3.4 '"),
    ] {
        let o = ipdb(&["calc", input]);
        assert_eq!(o.status.code(), Some(2), "{input:?}");
        assert!(o.stdout.is_empty(), "{input:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{input:?}: {err}");
        assert!(err.starts_with("ipdb: calc: "), "{err}");
        assert!(err.contains(needle), "{input:?}: {err}");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(ipdb(&["calc"]).status.code(), Some(2));
    assert_eq!(ipdb(&["calc", "--batch", "1.2.3.4"]).status.code(), Some(2));
    assert_eq!(ipdb(&["frobnicate"]).status.code(), Some(2));
    let help = ipdb(&["calc", "--help"]);
    assert!(help.status.success());
    assert!(stdout(&help).contains("host bits set"));
}

#[test]
fn batch_reads_stdin_and_answers_every_line() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ipdb"))
        .args(["calc", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut input = String::new();
    for i in 0..2000 {
        input.push_str(&format!(
            "{{\"id\": {i}, \"op\": \"address_add\", \"args\": [\"10.0.0.0\", {i}]}}\n"
        ));
    }
    input.push_str("garbage\n");
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let answers: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 2000);
    assert_eq!(answers[1999]["ok"], "10.0.7.207");
    assert!(String::from_utf8(o.stderr).unwrap().contains("line 2001"));
}

#[test]
fn batch_refuses_a_format_width_it_cannot_hold() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ipdb"))
        .args(["calc", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(
            b"{\"id\": 1, \"op\": \"address_format\", \"args\": [\"1.2.3.4\", \">99999999999s\"]}\n\
              {\"id\": 2, \"op\": \"address_format\", \"args\": [\"1.2.3.4\", \">9s\"]}\n",
        )
        .unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let answers: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers[0]["err"], "MemoryError");
    assert_eq!(answers[1]["ok"], "  1.2.3.4");
}
