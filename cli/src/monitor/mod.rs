//! `ipdb monitor`: the current state as "add" events (unless
//! `--no-initial`), then one line per change the database applies. Objects
//! are spelled by the same mapping as `ipdb show` ([`crate::show::json`]);
//! `--json` prints one object per line:
//! `{"event": "add"|"change"|"del", "kind": "link"|..., "object": {...}, "old": {...}}`
//! (`old` only for changes).

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ipdb::db::{Event, EventKind, Object};
use ipdb::Ipdb;
use serde_json::{Map, Value};

use crate::show::names::Names;
use crate::show::{human, json};

/// The `monitor` subcommand's command line.
pub fn command() -> Command {
    Command::new("monitor")
        .about("Follow links, addresses, routes, neighbours, rules and nexthops as they change")
        .long_about(
            "Open the kernel-synchronised database of this namespace (or of --netns NAME), print \
             its current state as add events (unless --no-initial), then one line per change it \
             applies, including the deletions the kernel does not announce and the differences a \
             resync finds after a receive-queue overrun. --json prints one JSON object per line: \
             {\"event\", \"kind\", \"object\", \"old\"} with objects as `ipdb show --json` spells them.",
        )
        .arg(
            Arg::new("json")
                .long("json")
                .short('j')
                .action(ArgAction::SetTrue)
                .help("One JSON object per line"),
        )
        .arg(netns_arg())
        .arg(
            Arg::new("no-initial")
                .long("no-initial")
                .action(ArgAction::SetTrue)
                .help("Do not print the current state first"),
        )
}

/// `--netns NAME` as `show` takes it.
pub fn netns_arg() -> Arg {
    Arg::new("netns")
        .long("netns")
        .short('n')
        .value_name("NAME")
        .help("Watch the namespace /run/netns/NAME (or a namespace file path)")
}

/// Opens the database of `--netns` (or of this namespace) with `options`.
pub fn open(m: &ArgMatches, options: ipdb::db::OpenOptions) -> Result<Ipdb, ipdb::Error> {
    match m.get_one::<String>("netns") {
        Some(name) if name.contains('/') => options.netns(name).open(),
        Some(name) => options.netns(format!("/run/netns/{name}")).open(),
        None => options.open(),
    }
}

/// The JSON of one object, as `ipdb show --json` spells it.
pub fn object_json(o: &Object, n: &Names) -> Value {
    match o {
        Object::Link(l) => json::link(l, n),
        Object::Address(a) => json::address(a, n),
        Object::Route(r) => json::route(r, n),
        Object::Neighbour(x) => json::neighbour(x, n),
        Object::Rule(r) => json::rule(r, n),
        Object::Nexthop(x) => json::nexthop(x, n),
    }
}

/// One `--json` line's object.
pub fn event_json(ev: &Event, n: &Names) -> Value {
    let mut m = Map::new();
    m.insert("event".into(), ev.kind.as_str().into());
    m.insert("kind".into(), ev.object_kind().as_str().into());
    m.insert("object".into(), object_json(&ev.object, n));
    if let Some(old) = &ev.old {
        m.insert("old".into(), object_json(old, n));
    }
    Value::Object(m)
}

/// One human line: `add route 10.0.0.0/24 via ...`.
pub fn event_line(ev: &Event, n: &Names) -> String {
    let v = object_json(&ev.object, n);
    let body = match &ev.object {
        Object::Link(_) => human::link(&v),
        Object::Address(_) => human::address(&v),
        Object::Route(_) => human::route(&v),
        Object::Neighbour(_) => human::neighbour(&v),
        Object::Rule(_) => human::rule(&v),
        Object::Nexthop(_) => human::nexthop(&v),
    };
    format!(
        "{:<6} {:<9} {}",
        ev.kind.as_str(),
        ev.object_kind().as_str(),
        body
    )
}

/// Runs `ipdb monitor` until stdout closes or the database fails.
pub fn run(m: &ArgMatches) -> ExitCode {
    let db = match open(m, Ipdb::options()) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("ipdb monitor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let as_json = m.get_flag("json");
    let (tx, rx) = mpsc::channel::<Event>();
    // Registered at the same instant as the snapshot is taken: the events
    // that follow are exactly the changes after it.
    let (_id, initial) = db.register_with_snapshot(
        move |ev| {
            let _ = tx.send(ev.clone());
        },
        |s| {
            let links: Vec<ipdb::Link> = s.links().cloned().collect();
            let objects: Vec<Object> = if m.get_flag("no-initial") {
                Vec::new()
            } else {
                s.objects().collect()
            };
            (links, objects)
        },
    );
    let (links, objects) = initial;
    let mut known: std::collections::BTreeMap<u32, ipdb::Link> =
        links.iter().map(|l| (l.index, l.clone())).collect();
    let mut names = Names::new(&links);
    let mut out = io::stdout().lock();
    let print = |out: &mut io::StdoutLock<'_>, ev: &Event, names: &Names| -> io::Result<()> {
        let line = if as_json {
            serde_json::to_string(&event_json(ev, names)).expect("JSON values always serialise")
        } else {
            event_line(ev, names)
        };
        writeln!(out, "{line}")?;
        out.flush()
    };
    let mut result = objects.into_iter().try_for_each(|o| {
        let ev = Event {
            kind: EventKind::Add,
            object: o,
            old: None,
        };
        print(&mut out, &ev, &names)
    });
    while result.is_ok() {
        let Ok(ev) = rx.recv_timeout(std::time::Duration::from_secs(1)) else {
            if let Some(f) = db.failure() {
                eprintln!("ipdb monitor: {f}");
                return ExitCode::FAILURE;
            }
            continue;
        };
        if let Object::Link(l) = &ev.object {
            // Names follow renames, and a deleted link keeps its name for
            // the deletions of what was on it (which may come after it).
            known.insert(l.index, l.clone());
            names = Names::new(&known.values().cloned().collect::<Vec<_>>());
        }
        result = print(&mut out, &ev, &names);
    }
    match result {
        // A closed pipe (`| head`) is the reader's choice.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ipdb monitor: {e}");
            ExitCode::FAILURE
        }
        Ok(()) => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The monitor's lines for changes made behind the database's back, in
    /// a throw-away namespace.
    #[test]
    fn events_become_show_json_lines() {
        let ns = testns::require!("cli-monitor");
        ns.ip(&[
            "link", "add", "mon0", "type", "veth", "peer", "name", "mon1",
        ]);
        let db = Ipdb::open_in_netns(ns.path()).unwrap();
        let (tx, rx) = mpsc::channel();
        let (_, links) = db.register_with_snapshot(
            move |ev| {
                let _ = tx.send(ev.clone());
            },
            |s| s.links().cloned().collect::<Vec<_>>(),
        );
        assert_eq!(links.len(), 3);
        ns.ip(&["link", "set", "mon0", "mtu", "1280"]);
        let names = Names::new(&db.links());
        let ev = loop {
            let ev = rx.recv_timeout(Duration::from_secs(10)).expect("an event");
            if ev.kind == EventKind::Change && ev.object_kind() == ipdb::db::ObjectKind::Link {
                break ev;
            }
        };
        let v = event_json(&ev, &names);
        assert_eq!(v["event"], "change");
        assert_eq!(v["kind"], "link");
        assert_eq!(v["object"]["ifname"], "mon0");
        assert_eq!(v["object"]["mtu"], 1280);
        assert_eq!(v["old"]["mtu"], 1500);
        // The object is exactly what `ipdb show --json` prints for it.
        let Object::Link(l) = &ev.object else {
            unreachable!()
        };
        assert_eq!(v["object"], json::link(l, &names));
        let line = event_line(&ev, &names);
        assert!(line.starts_with("change link"), "{line}");
        assert!(line.contains("mtu 1280"), "{line}");
    }
}
