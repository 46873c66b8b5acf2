//! The conformance corpora in conformance/ through `ipdb calc --batch`,
//! judged by conformance/compare.py (needs `python3` on PATH).
//!
//! Any mismatch fails, except the ids listed in
//! conformance/known_differences.txt for that corpus, each with its reason.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ sits in the workspace root")
        .to_path_buf()
}

/// `corpus id  # reason` lines for this corpus.
fn known_differences(corpus: &str) -> BTreeSet<u64> {
    let path = repo_root().join("conformance/known_differences.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (file, id) = (words.next()?, words.next()?);
            (file == corpus).then(|| id.parse().unwrap_or_else(|_| panic!("bad id in {l:?}")))
        })
        .collect()
}

fn run_corpus(corpus: &str) {
    let root = repo_root();
    let out = Command::new("python3")
        .arg(root.join("conformance/compare.py"))
        .arg("--corpus")
        .arg(root.join("conformance").join(corpus))
        .args(["--show", "1000000", "--"])
        .arg(env!("CARGO_BIN_EXE_ipdb"))
        .args(["calc", "--batch"])
        .output()
        .expect("python3 must be on PATH to run the conformance corpora");
    let report = String::from_utf8_lossy(&out.stdout);
    let summary = report.lines().last().unwrap_or("").to_string();
    let failed: BTreeSet<u64> = report
        .lines()
        .filter_map(|l| l.trim().strip_prefix("id="))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    let known = known_differences(corpus);
    let unexpected: Vec<_> = failed.difference(&known).collect();
    let fixed: Vec<_> = known.difference(&failed).collect();
    if !fixed.is_empty() {
        eprintln!(
            "{corpus}: known differences now pass, drop them from known_differences.txt: {fixed:?}"
        );
    }
    let tail: Vec<&str> = report
        .lines()
        .rev()
        .take(60)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // compare.py exits 1 for any failure, known or not; the driver itself
    // must exit 0 and write only answers.
    let driver_ok =
        !report.contains("the driver exited") && !report.contains("lines that are not answers");
    assert!(
        unexpected.is_empty() && driver_ok && (out.status.success() || !failed.is_empty()),
        "{corpus}: {summary}; unexpected failures {unexpected:?}\n{}\nstderr: {}",
        tail.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{corpus}: {summary} ({} known differences)", failed.len());
}

#[test]
fn shared_sample_corpus() {
    run_corpus("sample.jsonl.gz");
}

#[test]
fn generated_corpus() {
    run_corpus("generated.jsonl.gz");
}
