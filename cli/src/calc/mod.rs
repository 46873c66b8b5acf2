//! `ipdb calc`: everything CPython's `ipaddress` knows about one address,
//! network or interface; `--batch` answers conformance requests.

mod batch;
mod fields;
mod human;
mod int;
mod json;
mod ops;
mod sort;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ipdb::ip::{IpAddress, IpError, IpInterface, IpNetwork, ValueError};

use fields::Fields;

/// What `calc` found the input to be.
pub enum Report {
    /// Text without `/`.
    Address(IpAddress),
    /// Text with `/` and no host bits set (or host bits cleared: not strict).
    Network(IpNetwork),
    /// Text with `/` and host bits set: the interface and its network.
    Interface(IpInterface),
}

impl Report {
    /// `address`, `network` or `interface`.
    pub fn kind(&self) -> &'static str {
        match self {
            Report::Address(_) => "address",
            Report::Network(_) => "network",
            Report::Interface(_) => "interface",
        }
    }

    /// Titled sections of fields: one, or two for an interface (the
    /// interface, then its network).
    pub fn sections(&self) -> Vec<(&'static str, Fields)> {
        match self {
            Report::Address(a) => vec![("address", fields::address(a))],
            Report::Network(n) => vec![("network", fields::network(n, true))],
            Report::Interface(i) => vec![
                ("interface", fields::interface(i)),
                (
                    "network",
                    fields::network(&fields::interface_network(i), true),
                ),
            ],
        }
    }
}

/// Decide what `text` is. See the `--help` text of [`command`].
pub fn detect(text: &str, strict: bool) -> Result<Report, IpError> {
    if !text.contains('/') {
        return text.parse().map(Report::Address);
    }
    match IpNetwork::parse(text, true) {
        Ok(n) => Ok(Report::Network(n)),
        Err(IpError::Value(ValueError::HostBitsSet)) if !strict => {
            text.parse().map(Report::Interface)
        }
        Err(e) => Err(e),
    }
}

const ABOUT: &str = "IP address math with the semantics of Python's ipaddress module";

const LONG_ABOUT: &str = "\
IP address math with the semantics of Python's ipaddress module (CPython main line).

What the input is taken to be:
  no '/'                          an address (IPv4 or IPv6, '%scope' allowed)
  '/' and no host bits set        a network ('10.0.0.0/8', '10.0.0.0/255.0.0.0',
                                  '10.0.0.0/0.255.255.255', '2001:db8::/32')
  '/' and host bits set           an interface: the address on its network
                                  ('10.1.2.3/8' shows 10.1.2.3/8 and 10.0.0.0/8);
                                  with --strict this is an error instead

Every property is printed as aligned 'key: value' lines, or as one JSON object
with --json. Bad input: one line on stderr saying what is wrong, exit code 2.

--batch reads conformance requests, one JSON object per line on stdin:
  {\"id\": N, \"op\": \"network\", \"args\": [\"10.0.0.0/8\", true]}
and writes one answer per line: {\"id\": N, \"ok\": RESULT} or
{\"id\": N, \"err\": \"PythonErrorClass\"} (see conformance/FORMAT.md).";

/// The `calc` subcommand's arguments.
pub fn command() -> Command {
    Command::new("calc")
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .arg(
            Arg::new("input")
                .value_name("ADDR|NET|IFACE")
                .help("An address, network or interface, e.g. 192.0.2.1, 2001:db8::/32, 10.1.2.3/8")
                .required_unless_present("batch")
                .conflicts_with("batch"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print one JSON object"),
        )
        .arg(
            Arg::new("strict")
                .long("strict")
                .action(ArgAction::SetTrue)
                .help("Refuse a network with host bits set instead of showing it as an interface"),
        )
        .arg(
            Arg::new("batch")
                .long("batch")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["json", "strict"])
                .help("Answer conformance requests: JSON lines on stdin, JSON lines on stdout"),
        )
}

/// Run `calc` with parsed arguments.
pub fn run(m: &ArgMatches) -> ExitCode {
    if m.get_flag("batch") {
        let stdin = io::stdin().lock();
        let stdout = io::stdout().lock();
        return match batch::run(stdin, stdout, &mut io::stderr()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ipdb: calc: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let input = m
        .get_one::<String>("input")
        .map(String::as_str)
        .unwrap_or_default();
    let report = match detect(input, m.get_flag("strict")) {
        Ok(r) => r,
        Err(IpError::Value(ValueError::HostBitsSet)) => {
            eprintln!(
                "ipdb: calc: {}: host bits are set right of the prefix (--strict)",
                quoted(input)
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("ipdb: calc: {}: {e}", quoted(input));
            return ExitCode::from(2);
        }
    };
    let mut out = io::stdout().lock();
    let written = if m.get_flag("json") {
        json::write(&mut out, &report)
    } else {
        human::write(&mut out, &report)
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ipdb: calc: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The input as Python's repr would show it, so whitespace and control
/// characters in bad input are visible.
fn quoted(s: &str) -> String {
    let mut q = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => q.push_str("\\'"),
            '\\' => q.push_str("\\\\"),
            c if c.is_control() => q.extend(c.escape_default()),
            c => q.push(c),
        }
    }
    q.push('\'');
    q
}
