//! What the process knows about itself, from Linux' /proc (no libc needed):
//! resident memory, CPU time, the machine. Every reader returns zeros where
//! /proc is missing, so INFO still answers on other systems.

use std::time::Duration;

/// Clock ticks per second of /proc's CPU times (`USER_HZ`): 100 on every
/// Linux ABI.
const USER_HZ: f64 = 100.0;

/// Resident set size and its peak, bytes (`VmRSS`, `VmHWM`).
pub(crate) fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |field: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .map_or(0, |n| n * 1024)
    };
    let rss = kb("VmRSS:");
    (rss, kb("VmHWM:").max(rss))
}

/// Physical memory of the machine, bytes.
pub(crate) fn total_system_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .map_or(0, |n| n * 1024)
}

/// User and system CPU time, with the same for reaped children.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CpuTimes {
    pub user: Duration,
    pub sys: Duration,
    pub children_user: Duration,
    pub children_sys: Duration,
}

/// CPU times of the process (`/proc/self/stat`) or of the calling thread
/// (`/proc/thread-self/stat`: the storage thread, resplite's "main thread").
pub(crate) fn cpu(thread: bool) -> CpuTimes {
    let path = if thread {
        "/proc/thread-self/stat"
    } else {
        "/proc/self/stat"
    };
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // The command name is in parentheses and may hold spaces: fields start
    // after the last ')'. utime is field 14, so index 11 from there.
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return CpuTimes::default();
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        let n = fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0);
        Duration::from_secs_f64(n as f64 / USER_HZ)
    };
    CpuTimes {
        user: ticks(11),
        sys: ticks(12),
        children_user: ticks(13),
        children_sys: ticks(14),
    }
}

/// `Linux 6.1.0 x86_64`, as INFO's `os` prints it.
pub(crate) fn os() -> String {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let name = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "Darwin",
        other => other,
    };
    format!("{name} {} {}", release.trim(), std::env::consts::ARCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let (rss, peak) = memory();
        assert!(rss > 0 && peak >= rss);
        assert!(total_system_memory() > rss);
        // Burn a little CPU so the counters have something to show.
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_add(i * i);
        }
        assert!(x > 0);
        let t = cpu(true);
        assert!(t.user + t.sys > Duration::ZERO);
        assert!(os().starts_with("Linux "));
    }
}
