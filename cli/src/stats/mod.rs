//! `ipdb stats`: what the database of a namespace holds and what it cost:
//! object counts per kind, routes per table and family, time to a ready
//! database, approximate memory, overrun/resync/inferred-deletion counters.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use ipdb::db::Stats;
use ipdb::Ipdb;
use serde_json::{json, Value};

use crate::monitor;
use crate::show::names::{self, Names};

/// The `stats` subcommand's command line.
pub fn command() -> Command {
    Command::new("stats")
        .about("Load the database of a namespace and print its counts, timings and counters")
        .arg(
            Arg::new("json")
                .long("json")
                .short('j')
                .action(ArgAction::SetTrue)
                .help("One JSON object"),
        )
        .arg(monitor::netns_arg())
}

/// The `--json` object.
pub fn stats_json(s: &Stats, n: &Names) -> Value {
    let counts: serde_json::Map<String, Value> = s
        .counts
        .iter()
        .map(|(k, c)| (k.as_str().to_string(), (*c).into()))
        .collect();
    let routes: Vec<Value> = s
        .routes
        .iter()
        .map(|(t, f, c)| json!({"table": n.table(*t), "family": names::family(*f), "routes": c}))
        .collect();
    json!({
        "counts": counts,
        "routes": routes,
        "ready_ms": s.ready.as_secs_f64() * 1e3,
        "approx_bytes": s.approx_bytes,
        "overruns": s.overruns,
        "resyncs": s.resyncs,
        "redumps": s.redumps,
        "inferred_deletions": s.inferred_deletions,
        "messages": s.messages,
        "events": s.events,
        "callback_panics": s.callback_panics,
    })
}

fn human(s: &Stats, n: &Names) -> String {
    let mut out = String::new();
    for (k, c) in &s.counts {
        out.push_str(&format!("{:<10} {c}\n", k.as_str()));
    }
    for (t, f, c) in &s.routes {
        out.push_str(&format!(
            "routes     table {} {} {c}\n",
            n.table(*t),
            names::family(*f)
        ));
    }
    out.push_str(&format!(
        "ready      {:.3} ms\n",
        s.ready.as_secs_f64() * 1e3
    ));
    out.push_str(&format!("memory     ~{} bytes\n", s.approx_bytes));
    out.push_str(&format!(
        "overruns {} resyncs {} redumps {} inferred-deletions {} callback-panics {}\n",
        s.overruns, s.resyncs, s.redumps, s.inferred_deletions, s.callback_panics
    ));
    out
}

/// Runs `ipdb stats`.
pub fn run(m: &ArgMatches) -> ExitCode {
    // Counts of a freshly loaded database: no thread needed.
    let db = match monitor::open(m, Ipdb::options().monitor_thread(false)) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("ipdb stats: {e}");
            return ExitCode::FAILURE;
        }
    };
    let s = db.stats();
    let n = Names::new(&db.links());
    let text = if m.get_flag("json") {
        serde_json::to_string(&stats_json(&s, &n)).expect("JSON values always serialise") + "\n"
    } else {
        human(&s, &n)
    };
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ipdb stats: {e}");
            ExitCode::FAILURE
        }
    }
}
