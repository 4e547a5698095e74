//! `CHARTER_TIMINGS`: with it set, each step of a run reports its wall
//! time on standard error, and where the system tells it (Linux), the
//! process's resident memory after the step (for benchmarks and profiles;
//! never part of any output). The one reader of the variable: the CLI's load and total steps
//! and the engine's phases go through it.

use std::time::Instant;

/// Times the steps of a run, one after the other.
pub struct Timings {
    on: bool,
    start: Instant,
    last: Instant,
    last_cpu: f64,
}

impl Timings {
    pub fn new() -> Timings {
        let now = Instant::now();
        let on = std::env::var_os("CHARTER_TIMINGS").is_some();
        Timings {
            on,
            start: now,
            last: now,
            last_cpu: if on {
                process_status().map_or(0.0, |s| s.0)
            } else {
                0.0
            },
        }
    }

    /// Reports the time since the previous step (or the start).
    pub fn step(&mut self, what: &str) {
        if self.on {
            let now = Instant::now();
            let secs = (now - self.last).as_secs_f64();
            match process_status() {
                Some((cpu, mb)) => {
                    let cpu_secs = cpu - self.last_cpu;
                    self.last_cpu = cpu;
                    eprintln!("timing: {what}: {secs:.3} s, cpu {cpu_secs:.3} s, resident {mb} MB")
                }
                None => eprintln!("timing: {what}: {secs:.3} s"),
            }
            self.last = now;
        }
    }

    /// Reports the time since the start.
    pub fn total(&self) {
        if self.on {
            eprintln!("timing: total: {:.3} s", self.start.elapsed().as_secs_f64());
        }
    }
}

/// The process's CPU time so far (user and system, every thread, in
/// seconds: `/proc/self/stat`, in clock ticks of 1/100 s) and its resident
/// set (MB: `VmRSS` of `/proc/self/status`).
fn process_status() -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) in
    // parentheses: state is the 3rd field, utime the 14th, stime the 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let ticks: u64 = fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((ticks as f64 / 100.0, kb / 1024))
}

impl Default for Timings {
    fn default() -> Self {
        Timings::new()
    }
}
