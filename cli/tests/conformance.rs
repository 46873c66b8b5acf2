//! The conformance corpora in conformance/ through `ipdb calc --batch`,
//! judged by conformance/compare.py (needs `python3` on PATH).
//!
//! Every case is compared and any mismatch fails: the CPython sample and
//! our generated corpus must both pass 100%.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ sits in the workspace root")
        .to_path_buf()
}

fn run_corpus(corpus: &str) {
    let root = repo_root();
    let out = Command::new("python3")
        .arg(root.join("conformance/compare.py"))
        .arg("--corpus")
        .arg(root.join("conformance").join(corpus))
        .args(["--show", "20", "--"])
        .arg(env!("CARGO_BIN_EXE_ipdb"))
        .args(["calc", "--batch"])
        .output()
        .expect("python3 must be on PATH to run the conformance corpora");
    let report = String::from_utf8_lossy(&out.stdout);
    let summary = report.lines().last().unwrap_or("").to_string();
    assert!(
        out.status.success(),
        "{corpus}: {summary}\n{report}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(summary.ends_with(" 0 failed"), "{corpus}: {summary}");
    eprintln!("{corpus}: {summary}");
}

#[test]
fn shared_sample_corpus() {
    run_corpus("sample.jsonl.gz");
}

#[test]
fn generated_corpus() {
    run_corpus("generated.jsonl.gz");
}
