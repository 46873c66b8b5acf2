//! Releasing a database leaves no thread and no fd behind. Alone in its
//! test binary, so that no other test's threads or fds move the counts.

use std::time::Duration;

use ipdb::Ipdb;

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

/// Whether `count(dir)` reaches `n` within two seconds: a thread whose
/// join has returned can stay listed in /proc/self/task for a moment
/// (the kernel reaps it just after it wakes the joiner).
fn reaches(dir: &str, n: usize) -> bool {
    for _ in 0..400 {
        if count(dir) == n {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// `count(dir)` once it has stopped changing (see [`reaches`]).
fn settled(dir: &str) -> usize {
    let mut last = count(dir);
    for _ in 0..400 {
        std::thread::sleep(Duration::from_millis(10));
        let now = count(dir);
        if now == last {
            return now;
        }
        last = now;
    }
    last
}

#[test]
fn release_and_drop_leave_no_thread_or_fd() {
    let ns = testns::require!("db-leak");
    ns.ip(&["link", "add", "la", "type", "veth", "peer", "name", "lb"]);
    // Warm up whatever the process keeps once (the allocator's, the
    // standard library's), then count.
    Ipdb::open_in_netns(ns.path()).unwrap().release();
    let (fds, threads) = (count("/proc/self/fd"), settled("/proc/self/task"));
    for i in 0..5 {
        let db = Ipdb::open_in_netns(ns.path()).unwrap();
        db.register_callback(|_| {});
        assert!(
            count("/proc/self/task") >= threads + 2,
            "monitor and callback threads run"
        );
        ns.ip(&["link", "set", "la", "mtu", &(1400 + i).to_string()]);
        assert!(db.wait_for(Duration::from_secs(5), |s| s
            .link_by_name("la")
            .and_then(|l| l.mtu)
            == Some(1400 + i)));
        if i % 2 == 0 {
            db.release();
        } else {
            drop(db);
        }
        let manual = Ipdb::options()
            .netns(ns.path())
            .monitor_thread(false)
            .open()
            .unwrap();
        assert!(
            reaches("/proc/self/task", threads),
            "no thread without a monitor: {} tasks, {threads} before",
            count("/proc/self/task")
        );
        drop(manual);
    }
    assert_eq!(count("/proc/self/fd"), fds, "fds leaked");
    assert!(
        reaches("/proc/self/task", threads),
        "threads leaked: {} tasks, {threads} before",
        count("/proc/self/task")
    );
}
