//! What a process uses, read from /proc (Linux).
#![allow(dead_code)]

use std::time::Duration;

/// What one process holds.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub rss_kib: u64,
    pub threads: u64,
    pub fds: u64,
}

/// The process's resident memory, threads and open descriptors.
pub fn usage(pid: u32) -> Usage {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the process's status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
    };
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("the process's descriptors")
        .count() as u64;
    Usage {
        rss_kib: field("VmRSS:"),
        threads: field("Threads:"),
        fds,
    }
}

/// CPU time (user and system) the process has used so far.
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the process's stat");
    // The command name may hold spaces; the fields after it are plain numbers.
    let after_name = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    Duration::from_millis(ticks * 1000 / clock_ticks_per_second())
}

fn clock_ticks_per_second() -> u64 {
    let output = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .expect("getconf runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("a number of ticks")
}

/// CPU time the process uses over the next `window`.
pub async fn cpu_over(pid: u32, window: Duration) -> Duration {
    let before = cpu_time(pid);
    tokio::time::sleep(window).await;
    cpu_time(pid).saturating_sub(before)
}

/// Waits until the process burns CPU (200 ms or more in a second), as a busy run does;
/// a loaded machine may take a few seconds to give it that much.
pub async fn assert_burning(pid: u32) {
    let mut used = Duration::ZERO;
    for _ in 0..5 {
        used = cpu_over(pid, Duration::from_secs(1)).await;
        if used >= Duration::from_millis(200) {
            eprintln!("CPU in a second of the busy run: {used:?}");
            return;
        }
    }
    panic!("the busy run should burn CPU, used {used:?} in the last second");
}

/// Waits until the process goes quiet (under 100 ms of CPU in a second) after `event`,
/// for up to ten seconds.
pub async fn assert_quiet(pid: u32, event: &str) {
    let mut used = Duration::MAX;
    for _ in 0..10 {
        used = cpu_over(pid, Duration::from_secs(1)).await;
        if used < Duration::from_millis(100) {
            eprintln!("CPU in the second after {event}: {used:?}");
            return;
        }
    }
    panic!("the run still burns CPU after {event}: {used:?} in the last second");
}
