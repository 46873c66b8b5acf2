//! # testns
//!
//! One throw-away network namespace per test, for every libipdb test that
//! reads or changes kernel state. The host's network is never touched: every
//! command runs as `ip -n NAME ...` or `ip netns exec NAME ...`.
//!
//! ```no_run
//! #[test]
//! fn adds_a_veth_pair() {
//!     let ns = testns::require!("veth");
//!     ns.ip(&["link", "add", "va", "type", "veth", "peer", "name", "vb"]);
//!     assert!(ns.ip_json(&["link", "show", "va"]).contains("\"ifname\":\"va\""));
//! } // the namespace (and anything still running in it) is gone here
//! ```
//!
//! Without root the test is skipped loudly (a line on stderr); with
//! `IPDB_REQUIRE_NETNS=1` in the environment it fails instead, so that CI
//! cannot pass by skipping. This is test code: commands that fail panic with
//! the command line and the tool's stderr.
#![warn(missing_docs)]

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// Environment variable that turns "skip without root" into a failure.
pub const REQUIRE_ENV: &str = "IPDB_REQUIRE_NETNS";

/// Where `ip netns add` keeps its bind-mounted namespace files.
const NETNS_DIR: &str = "/run/netns";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A named network namespace created for one test, deleted on drop.
#[derive(Debug)]
pub struct TestNetns {
    name: String,
    path: PathBuf,
}

/// Creates a [`TestNetns`] for the tag, or returns from the calling test
/// (after the loud skip message) when namespaces cannot be had.
///
/// Use in a test function returning `()`.
#[macro_export]
macro_rules! require {
    ($tag:expr) => {
        match $crate::TestNetns::new($tag) {
            Some(ns) => ns,
            None => return,
        }
    };
}

impl TestNetns {
    /// Creates a namespace named `ipdb-<tag>-<pid>-<counter>`.
    ///
    /// Returns `None` (after printing `SKIPPED: needs root for network
    /// namespaces` to stderr) when not running as root, unless
    /// `IPDB_REQUIRE_NETNS=1`, in which case it panics. Panics when root but
    /// `ip netns add` fails: that is a broken test machine, not a skip.
    pub fn new(tag: &str) -> Option<TestNetns> {
        if !is_root() {
            if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") {
                panic!("{REQUIRE_ENV}=1 but not root: network namespace tests cannot run");
            }
            // Straight to fd 2: the test harness captures `eprintln!` of
            // passing tests, and a skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: needs root for network namespaces (test tag {tag:?})"
            );
            return None;
        }
        let tag: String = tag
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let pid = std::process::id();
        // A crashed earlier run of a process with the same pid may have left
        // a namespace with our name; step past it rather than reuse it.
        for _ in 0..64 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!("ipdb-{tag}-{pid}-{n}");
            let out = run(Command::new("ip").args(["netns", "add", &name]));
            if out.status.success() {
                let path = Path::new(NETNS_DIR).join(&name);
                return Some(TestNetns { name, path });
            }
            if !String::from_utf8_lossy(&out.stderr).contains("exists") {
                panic!(
                    "`ip netns add {name}` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
        }
        panic!("could not find a free namespace name for tag {tag:?}");
    }

    /// The namespace's name, as `ip netns` knows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace file (`/run/netns/NAME`); open it for `setns`.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the namespace file (a handle usable with `setns(fd, CLONE_NEWNET)`).
    pub fn open(&self) -> File {
        File::open(&self.path).unwrap_or_else(|e| panic!("open {}: {e}", self.path.display()))
    }

    /// Runs `ip -n NAME ARGS...`; returns stdout. Panics on failure with the
    /// command line and stderr.
    pub fn ip(&self, args: &[&str]) -> String {
        self.try_ip(args).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs `ip -n NAME ARGS...`; returns stdout, or on failure a message with
    /// the command line and stderr (for tests that expect `ip` to fail).
    pub fn try_ip(&self, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new("ip");
        cmd.args(["-n", &self.name]).args(args);
        checked(&mut cmd, None)
    }

    /// Runs `ip -n NAME -j ARGS...` and returns its JSON output.
    pub fn ip_json(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("ip");
        cmd.args(["-n", &self.name, "-j"]).args(args);
        checked(&mut cmd, None).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs `ip -n NAME -batch -` with `commands` (one `ip` command per line,
    /// without the leading `ip`) on stdin: fast for creating hundreds of
    /// objects.
    pub fn ip_batch(&self, commands: &str) {
        let mut cmd = Command::new("ip");
        cmd.args(["-n", &self.name, "-batch", "-"]);
        checked(&mut cmd, Some(commands.as_bytes())).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Runs `ip netns exec NAME ARGS...` (any program, inside the namespace);
    /// returns stdout. Panics on failure with the command line and stderr.
    pub fn exec(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).args(args);
        checked(&mut cmd, None).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Drop for TestNetns {
    fn drop(&mut self) {
        // Processes started with `exec` (e.g. a background daemon) keep the
        // namespace alive after `ip netns del`; end them first.
        let pids = run(Command::new("ip").args(["netns", "pids", &self.name]));
        for pid in String::from_utf8_lossy(&pids.stdout).split_whitespace() {
            let _ = run(Command::new("kill").args(["-9", pid]));
        }
        let out = run(Command::new("ip").args(["netns", "del", &self.name]));
        if !out.status.success() {
            // No panic in drop: it would abort a test that is already failing.
            eprintln!(
                "testns: `ip netns del {}` failed: {}",
                self.name,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
}

/// True when the effective uid is 0 (read from /proc so that this crate
/// needs no `unsafe`).
fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn checked(cmd: &mut Command, stdin: Option<&[u8]>) -> Result<String, String> {
    let out = match stdin {
        None => run(cmd),
        Some(input) => {
            let mut child = cmd
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
            child
                .stdin
                .take()
                .expect("stdin is piped")
                .write_all(input)
                .unwrap_or_else(|e| panic!("writing stdin of {cmd:?}: {e}"));
            child
                .wait_with_output()
                .unwrap_or_else(|e| panic!("waiting for {cmd:?}: {e}"))
        }
    };
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_lives_until_drop() {
        let ns = require!("self");
        let path = ns.path().to_path_buf();
        assert!(path.exists());
        assert!(ns.name().starts_with("ipdb-self-"));
        ns.ip(&["link", "add", "va", "type", "veth", "peer", "name", "vb"]);
        assert!(ns
            .ip_json(&["link", "show", "va"])
            .contains("\"ifname\":\"va\""));
        // The host does not see the namespace's links.
        let host = run(Command::new("ip").args(["-j", "link", "show", "va"]));
        assert!(!String::from_utf8_lossy(&host.stdout).contains("\"ifname\":\"va\""));
        drop(ns);
        assert!(!path.exists());
    }

    #[test]
    fn parallel_namespaces_are_distinct() {
        let a = require!("par");
        let b = require!("par");
        assert_ne!(a.name(), b.name());
        a.ip(&["link", "add", "x0", "type", "veth", "peer", "name", "x1"]);
        assert!(b.try_ip(&["link", "show", "x0"]).is_err());
    }

    #[test]
    fn batch_and_exec_run_inside() {
        let ns = require!("batch");
        ns.ip_batch("link add b0 type veth peer name b1\nlink add b2 type veth peer name b3\n");
        let links = ns.exec(&["ip", "-o", "link", "show"]);
        assert_eq!(links.lines().count(), 5, "{links}");
    }

    #[test]
    fn failures_carry_command_and_stderr() {
        let ns = require!("fail");
        let err = ns.try_ip(&["link", "del", "nosuchlink"]).unwrap_err();
        assert!(err.contains("nosuchlink"), "{err}");
        assert!(err.contains("Cannot find device"), "{err}");
    }

    #[test]
    fn drop_kills_leftover_processes() {
        let ns = require!("pids");
        let path = ns.path().to_path_buf();
        let mut child = Command::new("ip")
            .args(["netns", "exec", ns.name(), "sleep", "600"])
            .spawn()
            .expect("spawn sleep");
        // Wait until the process is inside the namespace.
        for _ in 0..100 {
            let pids = run(Command::new("ip").args(["netns", "pids", ns.name()]));
            if !pids.stdout.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        drop(ns);
        let status = child.wait().expect("wait sleep");
        assert!(!status.success(), "sleep was killed");
        assert!(!path.exists());
    }
}
