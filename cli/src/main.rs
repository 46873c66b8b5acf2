//! `ipdb`: the libipdb command line tool.
//!
//! One module per subcommand; this file only builds the command line and
//! dispatches.

mod calc;
mod monitor;
mod show;
mod stats;

use std::process::ExitCode;

use clap::Command;

fn cli() -> Command {
    Command::new("ipdb")
        .about("libipdb's command line: IP math with Python ipaddress semantics")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(calc::command())
        .subcommand(show::command())
        .subcommand(monitor::command())
        .subcommand(stats::command())
}

fn main() -> ExitCode {
    let matches = cli().get_matches();
    match matches.subcommand() {
        Some(("calc", m)) => calc::run(m),
        Some(("show", m)) => show::run(m),
        Some(("monitor", m)) => monitor::run(m),
        Some(("stats", m)) => stats::run(m),
        // subcommand_required: clap has already refused anything else.
        _ => ExitCode::from(2),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_is_consistent() {
        super::cli().debug_assert();
    }
}
