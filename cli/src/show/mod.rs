//! `ipdb show`: the network state of this namespace (or of `--netns NAME`)
//! as the database ([`ipdb::Ipdb`], opened without a monitor thread) holds
//! it: links, addresses, routes of every table and both families,
//! neighbours (every state, and the bridge FDB), rules, nexthop objects,
//! all read under one read lock, so one consistent snapshot. Human lines
//! by default; `--json` speaks `ip -j`'s field names and spellings
//! ([`json`]). Only reads.
//!
//! What the database leaves out, `show` does too: the neighbour entries
//! the kernel makes by itself for multicast and broadcast
//! ([`ipdb::db::kept_neighbour`]). A database has no kernel dump order;
//! `show` sorts: links by index, routes by family, table, prefix, TOS and
//! metric, rules by family and priority (the kernel's order), neighbours
//! by family, link and destination.

pub mod human;
pub mod json;
pub mod names;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValue;
use clap::{Arg, ArgAction, ArgMatches, Command};
use ipdb::db::State;
use ipdb::{Address, Ipdb, Link, Neighbour, Nexthop, Route, Rule};
use serde_json::{Map, Value};

use names::Names;

/// What to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Links,
    Addrs,
    Routes,
    Neigh,
    Rules,
    Nexthops,
}

const KINDS: [(Kind, &str, &[&str]); 6] = [
    (Kind::Links, "links", &["link"]),
    (Kind::Addrs, "addrs", &["addr", "address", "addresses"]),
    (Kind::Routes, "routes", &["route"]),
    (
        Kind::Neigh,
        "neigh",
        &["neighbours", "neighbors", "neighbour", "neighbor"],
    ),
    (Kind::Rules, "rules", &["rule"]),
    (Kind::Nexthops, "nexthops", &["nexthop"]),
];

/// The `show` subcommand's command line.
pub fn command() -> Command {
    Command::new("show")
        .about("Show links, addresses, routes, neighbours, rules and nexthops (read only)")
        .long_about(
            "Show the network state of this namespace (or of --netns NAME): links, addresses, \
             routes of every table and both families, neighbours in every state plus the bridge \
             FDB, policy rules, nexthop objects. With no KIND, everything. --json uses the field \
             names and spellings of `ip -j` (table \"main\", protocol \"kernel\", dst \"default\"...); \
             `show --json` with no KIND prints one object with the keys links, addresses (flat), \
             routes, neighbours, rules, nexthops.",
        )
        .arg(
            Arg::new("kind")
                .value_name("KIND")
                .value_parser(
                    KINDS
                        .iter()
                        .map(|(_, name, aliases)| PossibleValue::new(*name).aliases(aliases.iter().copied()))
                        .collect::<Vec<_>>(),
                )
                .help("What to show (default: everything)"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .short('j')
                .action(ArgAction::SetTrue)
                .help("JSON with iproute2's field names"),
        )
        .arg(
            Arg::new("netns")
                .long("netns")
                .short('n')
                .value_name("NAME")
                .help("Read the namespace /run/netns/NAME (or a namespace file path)"),
        )
}

/// What was read from the database.
#[derive(Default)]
struct Snapshot {
    links: Vec<Link>,
    addresses: Vec<Address>,
    routes: Vec<Route>,
    neighbours: Vec<Neighbour>,
    rules: Vec<Rule>,
    nexthops: Vec<Nexthop>,
}

impl Snapshot {
    /// Links always (they name every other object's interfaces), plus what
    /// `kind` needs (everything for `None`), copied out of one state; the
    /// sorting happens after the read lock is let go.
    fn read(s: &State, kind: Option<Kind>) -> Snapshot {
        let wants = |k: Kind| kind.is_none() || kind == Some(k);
        let mut snap = Snapshot {
            links: s.links().cloned().collect(),
            ..Snapshot::default()
        };
        if wants(Kind::Addrs) {
            snap.addresses = s.addresses().cloned().collect();
        }
        if wants(Kind::Routes) {
            snap.routes = s.routes().collect();
        }
        if wants(Kind::Neigh) {
            snap.neighbours = s.neighbours().cloned().collect();
        }
        if wants(Kind::Rules) {
            snap.rules = s.rules().to_vec();
        }
        if wants(Kind::Nexthops) {
            snap.nexthops = s.nexthops().cloned().collect();
        }
        snap
    }

    /// Puts every list in the order `show` prints.
    fn sort(&mut self) {
        self.links.sort_by_key(|l| l.index);
        // Stable: a link's addresses keep the order they came in.
        self.addresses.sort_by_key(|a| (a.index, a.family));
        self.routes.sort_by(|a, b| {
            (
                a.family,
                a.table,
                a.dst.network_address(),
                a.dst.prefixlen(),
            )
                .cmp(&(
                    b.family,
                    b.table,
                    b.dst.network_address(),
                    b.dst.prefixlen(),
                ))
                .then(a.tos.cmp(&b.tos))
                .then(a.priority.unwrap_or(0).cmp(&b.priority.unwrap_or(0)))
        });
        self.neighbours
            .sort_by_key(|n| (n.family, n.index, n.dst, n.lladdr.map(|m| m.to_string())));
        // Stable: rules of one priority stay in the order they were added,
        // which is the kernel's.
        self.rules.sort_by_key(|r| (r.family, r.priority));
        self.nexthops.sort_by_key(|n| n.id);
    }
}

fn values<T>(items: &[T], n: &Names, f: fn(&T, &Names) -> Value) -> Vec<Value> {
    items.iter().map(|x| f(x, n)).collect()
}

/// Runs `ipdb show`.
pub fn run(m: &ArgMatches) -> ExitCode {
    let kind = m.get_one::<String>("kind").and_then(|k| {
        KINDS
            .iter()
            .find(|(_, name, _)| name == k)
            .map(|(kind, _, _)| *kind)
    });
    let opts = Ipdb::options().monitor_thread(false);
    let opts = match m.get_one::<String>("netns") {
        Some(name) => opts.netns(if name.contains('/') {
            PathBuf::from(name)
        } else {
            PathBuf::from("/run/netns").join(name)
        }),
        None => opts,
    };
    let mut snap = match opts.open() {
        Ok(db) => db.read(|s| Snapshot::read(s, kind)),
        Err(e) => {
            eprintln!("ipdb show: {e}");
            return ExitCode::FAILURE;
        }
    };
    snap.sort();
    let n = Names::new(&snap.links);
    let out = if m.get_flag("json") {
        let v = to_json(&snap, &n, kind);
        serde_json::to_string(&v).expect("JSON values always serialise") + "\n"
    } else {
        to_human(&snap, &n, kind)
    };
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ipdb show: {e}");
            ExitCode::FAILURE
        }
    }
}

fn to_json(s: &Snapshot, n: &Names, kind: Option<Kind>) -> Value {
    match kind {
        Some(Kind::Links) => values(&s.links, n, json::link).into(),
        Some(Kind::Addrs) => json::links_with_addresses(&s.links, &s.addresses, n),
        Some(Kind::Routes) => values(&s.routes, n, json::route).into(),
        Some(Kind::Neigh) => values(&s.neighbours, n, json::neighbour).into(),
        Some(Kind::Rules) => values(&s.rules, n, json::rule).into(),
        Some(Kind::Nexthops) => values(&s.nexthops, n, json::nexthop).into(),
        None => {
            let mut o = Map::new();
            o.insert("links".into(), values(&s.links, n, json::link).into());
            o.insert(
                "addresses".into(),
                values(&s.addresses, n, json::address).into(),
            );
            o.insert("routes".into(), values(&s.routes, n, json::route).into());
            o.insert(
                "neighbours".into(),
                values(&s.neighbours, n, json::neighbour).into(),
            );
            o.insert("rules".into(), values(&s.rules, n, json::rule).into());
            o.insert(
                "nexthops".into(),
                values(&s.nexthops, n, json::nexthop).into(),
            );
            Value::Object(o)
        }
    }
}

fn to_human(s: &Snapshot, n: &Names, kind: Option<Kind>) -> String {
    let mut out = String::new();
    let mut section = |title: &str, lines: Vec<String>| {
        if kind.is_none() {
            out.push_str(&format!("# {title}\n"));
        }
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        if kind.is_none() {
            out.push('\n');
        }
    };
    let lines = |vals: Vec<Value>, f: fn(&Value) -> String| vals.iter().map(f).collect::<Vec<_>>();
    let wants = |k: Kind| kind.is_none() || kind == Some(k);
    if wants(Kind::Links) {
        section("links", lines(values(&s.links, n, json::link), human::link));
    }
    if wants(Kind::Addrs) {
        section(
            "addresses",
            lines(values(&s.addresses, n, json::address), human::address),
        );
    }
    if wants(Kind::Routes) {
        section(
            "routes",
            lines(values(&s.routes, n, json::route), human::route),
        );
    }
    if wants(Kind::Neigh) {
        section(
            "neighbours",
            lines(values(&s.neighbours, n, json::neighbour), human::neighbour),
        );
    }
    if wants(Kind::Rules) {
        section("rules", lines(values(&s.rules, n, json::rule), human::rule));
    }
    if wants(Kind::Nexthops) {
        section(
            "nexthops",
            lines(values(&s.nexthops, n, json::nexthop), human::nexthop),
        );
    }
    out
}
